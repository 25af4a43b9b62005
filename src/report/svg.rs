//! The inline SVG bar chart of barrier categories ranked by councils raising them.
//!
//! The chart is an image with a title and a description that states every value,
//! so screen readers get the numbers; each bar is labelled with its name and value
//! and links to the category's quotes.

use std::fmt::Write;

use super::html::{anchor, escape};
use super::CategoryRank;

/// Width of the drawing, in SVG user units.
const WIDTH: usize = 760;
/// Room for category names left of the bars.
const LABEL_WIDTH: usize = 270;
/// Room for the value right of the longest bar.
const VALUE_WIDTH: usize = 60;
/// Height of one row.
const ROW: usize = 26;
/// Height of one bar.
const BAR: usize = 18;
/// Space above the first row, for the axis caption.
const TOP: usize = 24;

/// Renders the chart of `categories` (already ranked) out of `councils` councils.
/// `id` prefixes the element ids the chart's ARIA attributes point at.
pub fn bar_chart(id: &str, categories: &[CategoryRank], councils: usize) -> String {
    let height = TOP + ROW * categories.len().max(1) + 8;
    let scale_max = councils.max(1);
    let bar_room = WIDTH - LABEL_WIDTH - VALUE_WIDTH;
    let mut out = String::new();
    let title = format!("Barrier categories by number of councils raising them (of {councils})");
    let description: Vec<String> = categories
        .iter()
        .map(|category| format!("{}: {} of {} councils", category.label.name, category.councils, councils))
        .collect();
    let _ = write!(
        out,
        "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" \
         preserveAspectRatio=\"xMinYMin meet\" aria-labelledby=\"{id}-title {id}-desc\" \
         xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}.</desc>\n",
        escape(&title),
        escape(&description.join("; "))
    );
    // Axis caption and gridlines at each whole council (at most ten lines).
    let _ = writeln!(
        out,
        "<text class=\"axis\" x=\"{LABEL_WIDTH}\" y=\"14\">Councils (of {councils}) whose plan raises the category</text>"
    );
    let step = councils.div_ceil(10).max(1);
    let mut tick = 0;
    while tick <= councils {
        let x = LABEL_WIDTH + bar_room * tick / scale_max;
        let _ = writeln!(out, "<line class=\"grid\" x1=\"{x}\" x2=\"{x}\" y1=\"{}\" y2=\"{}\"/>", TOP - 4, height - 6);
        tick += step;
    }
    for (row, category) in categories.iter().enumerate() {
        let y = TOP + row * ROW;
        let width = bar_room * category.councils / scale_max;
        let middle = y + BAR / 2 + 5;
        let name = escape(&category.label.name);
        // Only categories someone raises have quotes to link to.
        let label = if category.councils > 0 {
            format!(
                "<a href=\"#{}\"><text class=\"label\" x=\"{}\" y=\"{middle}\" text-anchor=\"end\">{name}</text></a>",
                anchor(&["cat", &category.label.id]),
                LABEL_WIDTH - 8
            )
        } else {
            format!(
                "<text class=\"label none\" x=\"{}\" y=\"{middle}\" text-anchor=\"end\">{name}</text>",
                LABEL_WIDTH - 8
            )
        };
        let _ = writeln!(
            out,
            "<g class=\"bar\" data-category=\"{}\" data-councils=\"{}\">\
             <title>{name}: {} of {councils} councils, {} units</title>{label}\
             <rect x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{width}\" height=\"{BAR}\"/>\
             <text class=\"value\" x=\"{}\" y=\"{middle}\">{}</text></g>",
            escape(&category.label.id),
            category.councils,
            category.councils,
            category.units,
            LABEL_WIDTH + width + 6,
            category.councils
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::LabelName;

    fn rank(id: &str, name: &str, councils: usize) -> CategoryRank {
        CategoryRank {
            label: LabelName { id: id.into(), name: name.into(), short: name.into(), question: None },
            councils,
            units: councils * 2,
        }
    }

    #[test]
    fn bars_are_proportional_labelled_and_described() {
        let chart = bar_chart("c", &[rank("a", "Alpha & co", 4), rank("b", "<Beta>", 2)], 4);
        assert!(chart.contains("aria-labelledby=\"c-title c-desc\""));
        assert!(chart.contains("Alpha &amp; co: 4 of 4 councils; &lt;Beta&gt;: 2 of 4 councils."));
        let full = LABEL_WIDTH + (WIDTH - LABEL_WIDTH - VALUE_WIDTH);
        assert!(chart.contains(&format!("<rect x=\"{LABEL_WIDTH}\" y=\"{TOP}\" width=\"{}\"", full - LABEL_WIDTH)));
        assert!(chart.contains(&format!("width=\"{}\"", (full - LABEL_WIDTH) / 2)));
        assert!(chart.contains("data-category=\"b\" data-councils=\"2\""));
        assert!(!chart.contains("<Beta>"));
        assert!(chart.contains("<a href=\"#cat--a\">"));
    }

    #[test]
    fn no_councils_draws_empty_bars_without_dividing_by_zero() {
        let chart = bar_chart("c", &[rank("a", "A", 0)], 0);
        assert!(chart.contains("width=\"0\""));
        assert!(!chart.contains("<a "), "nothing to link to");
    }
}
