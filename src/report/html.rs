//! The report page: one self-contained HTML file (inline CSS, inline SVG and one
//! small inline script for sorting; no fonts, images or network), readable from
//! disk and in print.
//!
//! Every piece of record text goes through [`escape`]. Links to source documents
//! are only made for `http`, `https` and `file` URLs.

use std::fmt::Write;

use super::{svg, CategoryRank, LabelName, LoadedParagraph, LoadedRecord, Model};
use crate::figures::{Figure, FigureUnit};

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An element id built from label and council ids: characters other than ASCII
/// letters, digits, `-` and `_` become `-`.
pub fn anchor(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|part| {
            part.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '-' }).collect()
        })
        .collect::<Vec<String>>()
        .join("--")
}

/// The link to a record's source document, at `page` for PDFs; `None` for URLs
/// that are not `http`, `https` or `file` (a record must not smuggle in a
/// `javascript:` link).
pub fn source_href(record: &LoadedRecord, page: Option<u32>) -> Option<String> {
    let url = record.source.final_url.trim();
    let scheme = url.split_once(':').map(|(scheme, _)| scheme.to_ascii_lowercase())?;
    if !matches!(scheme.as_str(), "http" | "https" | "file") {
        return None;
    }
    match page {
        Some(page) if record.source.content_type == "application/pdf" && !url.contains('#') => {
            Some(format!("{url}#page={page}"))
        }
        _ => Some(url.to_string()),
    }
}

/// The unit's text, cut at a word boundary after at most `max_chars` characters,
/// escaped, with the character `spans` wrapped in `<mark>`.
pub fn highlight(text: &str, spans: &[[usize; 2]], max_chars: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut end = chars.len();
    let cut = end > max_chars;
    if cut {
        end = chars[..max_chars].iter().rposition(|c| c.is_whitespace()).filter(|&i| i > 0).unwrap_or(max_chars);
    }
    let mut out = String::with_capacity(text.len() + 32);
    let mut position = 0;
    for &[start, stop] in spans {
        let (start, stop) = (start.min(end), stop.min(end));
        if start < position || start >= stop {
            continue;
        }
        out.push_str(&escape(&chars[position..start].iter().collect::<String>()));
        out.push_str("<mark>");
        out.push_str(&escape(&chars[start..stop].iter().collect::<String>()));
        out.push_str("</mark>");
        position = stop;
    }
    out.push_str(&escape(&chars[position..end].iter().collect::<String>()));
    if cut {
        out.push('…');
    }
    out
}

/// A figure's value as a reader expects it: `£14.8m`, `£22,300`, `18.9%`, `31`.
pub fn format_value(value: f64, unit: FigureUnit) -> String {
    match unit {
        FigureUnit::Gbp if value.abs() >= 1_000_000.0 => {
            let millions = format!("{:.2}", value / 1_000_000.0);
            format!("£{}m", millions.trim_end_matches('0').trim_end_matches('.'))
        }
        FigureUnit::Gbp => format!("£{}", thousands(value.round() as i64)),
        FigureUnit::Percent => format!("{}%", trim_number(value)),
        FigureUnit::Count => thousands(value.round() as i64),
    }
}

/// An RFC 3339 time as `23 November 2026, 10:45 UTC`; other text as it is.
pub fn readable_date(rfc3339: &str) -> String {
    let format = time::macros::format_description!("[day padding:none] [month repr:long] [year], [hour]:[minute] UTC");
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()
        .and_then(|moment| moment.to_offset(time::UtcOffset::UTC).format(&format).ok())
        .unwrap_or_else(|| rfc3339.to_string())
}

fn trim_number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    if value < 0 {
        out.insert(0, '-');
    }
    out
}

const STYLE: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: #1b1b1b; background: #fff; }
header, main, footer { max-width: 1200px; margin: 0 auto; padding: 0 1.25rem; }
header { padding-top: 1.5rem; border-bottom: 1px solid #d0d0d0; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .5rem; border-bottom: 2px solid #1d4f91; padding-bottom: .2rem; }
h3 { font-size: 1.2rem; margin: 1.75rem 0 .5rem; }
h4 { font-size: 1.02rem; margin: 1rem 0 .35rem; }
small, .muted { color: #555; font-weight: normal; }
a { color: #0b4f9c; }
a:focus, button:focus { outline: 3px solid #f2a900; outline-offset: 2px; }
.meta { margin: .25rem 0 .75rem; color: #333; }
.notice { border-left: 5px solid #b35c00; background: #fff4e5; padding: .6rem .9rem; }
nav ul { list-style: none; padding: 0; margin: .5rem 0 1rem; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
.vh { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
figure { margin: 1rem 0; }
figcaption { color: #333; font-size: .92rem; }
.chart { width: 100%; max-width: 760px; min-width: 540px; height: auto; font-size: 13px; }
.chart text { fill: #1b1b1b; }
.chart .label { fill: #0b4f9c; text-decoration: underline; }
.chart .label.none { fill: #1b1b1b; text-decoration: none; }
.chart .axis { fill: #444; font-size: 12px; }
.chart rect { fill: #1d4f91; }
.chart .grid { stroke: #d9d9d9; stroke-width: 1; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0 .5rem; caption-side: top; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; vertical-align: top; }
thead th { background: #eef1f5; text-align: left; vertical-align: bottom; }
tbody th, tfoot th { text-align: left; font-weight: 600; background: #fafafa; min-width: 11rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
abbr[title] { text-decoration: underline dotted; }
.heat td { text-align: center; font-variant-numeric: tabular-nums; min-width: 3.2rem; }
.heat td a { color: inherit; display: block; }
.heat thead th { font-size: .82rem; min-width: 3.6rem; }
.h0 { color: #6b6b6b; background: #fff; }
.h1 { background: #deebf7; color: #1b1b1b; }
.h2 { background: #9ecae1; color: #1b1b1b; }
.h3 { background: #6baed6; color: #1b1b1b; }
.h4 { background: #2171b5; color: #fff; }
.h5 { background: #08306b; color: #fff; }
.legend { font-size: .88rem; }
.swatch { display: inline-block; min-width: 2.4rem; text-align: center; border: 1px solid #999; padding: 0 .3rem; }
.quote { margin: .5rem 0 1rem; padding: .5rem .9rem; border-left: 4px solid #1d4f91; background: #f7f9fc; }
.quote blockquote { margin: 0; }
.quote blockquote p { margin: 0 0 .35rem; }
mark { background: #ffe27a; color: #1b1b1b; }
.gap { color: #8a1c1c; font-style: italic; }
.meter { display: block; height: .35rem; background: #1d4f91; margin-top: .2rem; }
.flag { color: #8a1c1c; font-weight: 600; }
.sortable th button { font: inherit; font-weight: 600; color: #0b4f9c; background: none; border: 0; padding: 0; cursor: pointer; text-align: left; }
.sortable th[aria-sort=ascending] button::after { content: " \25B2"; }
.sortable th[aria-sort=descending] button::after { content: " \25BC"; }
footer { margin-top: 3rem; padding-top: 1rem; padding-bottom: 2rem; border-top: 1px solid #d0d0d0; font-size: .9rem; }
@media print {
  body { font-size: 11pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  a { color: inherit; }
  h2, h3, h4 { break-after: avoid; }
  tr, .quote { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  .chart { min-width: 0; }
  .heat td, .heat th, .meter, mark, .chart rect { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

/// Turns each sortable table's column headings into buttons that sort the rows;
/// values come from `data-sort` (numbers) or the cell text, and empty values stay
/// last in both directions.
const SCRIPT: &str = r#"
(function () {
  "use strict";
  function key(cell) {
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
    if (raw === "") return null;
    var number = Number(raw);
    return isNaN(number) ? raw.toLowerCase() : number;
  }
  function compare(a, b) {
    if (typeof a === "number" && typeof b === "number") return a - b;
    return String(a).localeCompare(String(b));
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    var body = table.tBodies[0];
    Array.prototype.forEach.call(body.rows, function (row, index) { row.setAttribute("data-order", index); });
    Array.prototype.forEach.call(heads, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (x, y) {
          var a = key(x.cells[column]), b = key(y.cells[column]);
          if (a === null || b === null) {
            if (a === b) return x.getAttribute("data-order") - y.getAttribute("data-order");
            return a === null ? 1 : -1;
          }
          var order = compare(a, b);
          if (order === 0) return x.getAttribute("data-order") - y.getAttribute("data-order");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
    table.setAttribute("data-sortable", "ready");
  });
})();
"#;

/// Renders the whole page.
pub fn render(model: &Model) -> String {
    let mut page = String::with_capacity(64 * 1024);
    let councils = model.records.len();
    let units: usize = model.records.iter().map(|record| record.paragraphs.len()).sum();
    let labelled: usize = model.counts.iter().map(|counts| counts.labelled_units).sum();
    let raising = model.counts.iter().filter(|counts| !counts.barrier_units.is_empty()).count();

    page.push_str("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n");
    page.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(page, "<meta name=\"generator\" content=\"plansift {}\">", escape(&model.run.report_version));
    page.push_str("<title>Councils' productivity plans: barriers, themes and figures</title>\n");
    let _ = writeln!(page, "<style>{STYLE}</style>\n</head>\n<body>");

    page.push_str("<header>\n<h1>Councils' productivity plans</h1>\n");
    let _ = writeln!(
        page,
        "<p class=\"meta\">{councils} councils, {units} units of text ({labelled} with a theme). \
         Run of <time datetime=\"{date}\">{shown_date}</time>; plansift {version}{records_version}; \
         classification rules {rules}.</p>",
        date = escape(&model.run.run_date),
        shown_date = escape(&readable_date(&model.run.run_date)),
        version = escape(&model.run.report_version),
        records_version = match &model.run.records_version {
            Some(version) if *version != model.run.report_version => {
                format!(" (records written by plansift {})", escape(version))
            }
            _ => String::new(),
        },
        rules = escape(&model.run.rules_version),
    );
    page.push_str(
        "<nav aria-label=\"Contents\"><ul>\
         <li><a href=\"#barriers\">Barriers ranked</a></li>\
         <li><a href=\"#matrix\">Councils by barrier</a></li>\
         <li><a href=\"#quotes\">Quotes</a></li>\
         <li><a href=\"#themes\">Theme coverage</a></li>\
         <li><a href=\"#figures\">Figures</a></li>\
         <li><a href=\"#sources\">Sources</a></li>\
         <li><a href=\"#about\">About and data files</a></li></ul></nav>\n</header>\n<main>\n",
    );
    if labelled == 0 {
        page.push_str(
            "<p class=\"notice\" role=\"note\">No unit in these records carries a theme or barrier label, \
             so the counts below are all zero. Records written before classification was added have no labels.</p>\n",
        );
    }

    barriers_section(&mut page, model, raising);
    matrix_section(&mut page, model);
    quotes_section(&mut page, model);
    themes_section(&mut page, model);
    figures_section(&mut page, model);
    sources_section(&mut page, model);
    page.push_str("</main>\n");
    about_section(&mut page, model);
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

fn barriers_section(page: &mut String, model: &Model, raising: usize) {
    let councils = model.records.len();
    page.push_str("<section id=\"barriers\" aria-labelledby=\"barriers-h\">\n");
    page.push_str("<h2 id=\"barriers-h\">Barriers ranked by how many councils raise them</h2>\n");
    let _ = writeln!(
        page,
        "<p>{raising} of {councils} councils' plans raise at least one barrier category. A council raises a \
         category when at least one unit of its plan is labelled with it.</p>"
    );
    let _ = writeln!(
        page,
        "<figure>\n<div class=\"table-wrap\">{}</div>\n<figcaption>Bar length: councils whose plan raises the category, out of {councils}. \
         Select a category name to read what councils say.</figcaption>\n</figure>\n</section>",
        svg::bar_chart("barchart", &model.categories, councils)
    );
}

fn matrix_section(page: &mut String, model: &Model) {
    page.push_str("<section id=\"matrix\" aria-labelledby=\"matrix-h\">\n");
    page.push_str("<h2 id=\"matrix-h\">Which council raises which barrier</h2>\n");
    page.push_str("<p>Each cell gives the number of units of the council's plan in the category; ");
    page.push_str("a number links to the council's quotes. Darker cells have more units.</p>\n");
    let shown: Vec<&CategoryRank> = model.categories.iter().filter(|category| category.councils > 0).collect();
    let unraised: Vec<String> =
        model.categories.iter().filter(|category| category.councils == 0).map(|c| escape(&c.label.name)).collect();
    if !unraised.is_empty() {
        let _ = writeln!(page, "<p>Left out: categories no council raises ({}).</p>", unraised.join(", "));
    }
    page.push_str("<p class=\"legend\" aria-hidden=\"true\">Shading:");
    let levels = &model.presentation.heat_levels;
    for (level, minimum) in levels.iter().enumerate() {
        let range = match levels.get(level + 1) {
            Some(next) if next - 1 > *minimum => format!("{minimum}–{}", next - 1),
            Some(_) => minimum.to_string(),
            None => format!("{minimum}+"),
        };
        let _ = write!(page, " <span class=\"swatch h{}\">{range}</span>", level + 1);
    }
    page.push_str(" units</p>\n<div class=\"table-wrap\">\n<table class=\"heat\">\n");
    page.push_str("<caption>Units raising each barrier category, by council</caption>\n<thead><tr>");
    page.push_str("<th scope=\"col\">Council</th>");
    for category in &shown {
        let _ = write!(
            page,
            "<th scope=\"col\"><abbr title=\"{}\">{}</abbr></th>",
            escape(&category.label.name),
            escape(&category.label.short)
        );
    }
    page.push_str("<th scope=\"col\">Categories raised</th></tr></thead>\n<tbody>\n");
    for (index, record) in model.records.iter().enumerate() {
        let counts = &model.counts[index];
        let _ = write!(page, "<tr><th scope=\"row\">{}</th>", escape(&record.council.name));
        for category in &shown {
            let count = counts.barrier_units.get(&category.label.id).map_or(0, Vec::len);
            let level = model.presentation.heat_level(count);
            if count == 0 {
                let _ = write!(page, "<td class=\"h0\" data-count=\"0\">0</td>");
            } else {
                let _ = write!(
                    page,
                    "<td class=\"h{level}\" data-count=\"{count}\"><a href=\"#{}\" aria-label=\"{count} {}: {}\">{count}</a></td>",
                    anchor(&["q", &category.label.id, &record.council.id]),
                    if count == 1 { "unit" } else { "units" },
                    escape(&category.label.name),
                );
            }
        }
        let _ = writeln!(page, "<td class=\"num\">{}</td></tr>", counts.barrier_units.len());
    }
    page.push_str("</tbody>\n<tfoot><tr><th scope=\"row\">Councils</th>");
    for category in &shown {
        let _ = write!(page, "<td class=\"num\" data-councils=\"{}\">{}</td>", category.councils, category.councils);
    }
    page.push_str("<td></td></tr></tfoot>\n</table>\n</div>\n</section>\n");
}

fn quotes_section(page: &mut String, model: &Model) {
    page.push_str("<section id=\"quotes\" aria-labelledby=\"quotes-h\">\n");
    page.push_str("<h2 id=\"quotes-h\">What councils say, by barrier</h2>\n");
    let _ = writeln!(
        page,
        "<p>Up to {} representative units per council and category; the words that matched the category are \
         highlighted. Every unit is in <a href=\"barriers.csv\">barriers.csv</a> and \
         <a href=\"plans.sqlite\">plans.sqlite</a>.</p>",
        model.presentation.quotes_per_council
    );
    let mut any = false;
    for category in model.categories.iter().filter(|category| category.councils > 0) {
        any = true;
        let id = anchor(&["cat", &category.label.id]);
        let _ = writeln!(
            page,
            "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h3 id=\"{id}-h\">{} <small>{} {}, {} {}</small></h3>",
            escape(&category.label.name),
            category.councils,
            if category.councils == 1 { "council" } else { "councils" },
            category.units,
            if category.units == 1 { "unit" } else { "units" },
        );
        for (council, record) in model.records.iter().enumerate() {
            let Some(units) = model.counts[council].barrier_units.get(&category.label.id) else { continue };
            let _ = writeln!(
                page,
                "<article id=\"{}\">\n<h4>{} <small>{} {}</small></h4>",
                anchor(&["q", &category.label.id, &record.council.id]),
                escape(&record.council.name),
                units.len(),
                if units.len() == 1 { "unit" } else { "units" },
            );
            for index in model.representative_units(council, &category.label.id) {
                quote(page, model, record, &record.paragraphs[index], &category.label);
            }
            let shown = units.len().min(model.presentation.quotes_per_council);
            if units.len() > shown {
                let _ = writeln!(page, "<p class=\"muted\">{} more in barriers.csv.</p>", units.len() - shown);
            }
            page.push_str("</article>\n");
        }
        page.push_str("</section>\n");
    }
    if !any {
        page.push_str("<p>No unit raises a barrier category.</p>\n");
    }
    page.push_str("</section>\n");
}

fn quote(page: &mut String, model: &Model, record: &LoadedRecord, paragraph: &LoadedParagraph, label: &LabelName) {
    let href = source_href(record, paragraph.page);
    page.push_str("<figure class=\"quote\">");
    match &href {
        Some(href) => {
            let _ = write!(page, "<blockquote cite=\"{}\">", escape(href));
        }
        None => page.push_str("<blockquote>"),
    }
    let _ = write!(
        page,
        "<p>{}</p></blockquote>\n<figcaption>{}",
        highlight(&paragraph.text, &paragraph.spans_for(&label.id), model.presentation.quote_max_chars),
        escape(&record.council.name)
    );
    if !paragraph.section.is_empty() {
        let _ = write!(page, " · section “{}”", escape(&paragraph.section_line()));
    }
    if let Some(number) = paragraph.page {
        let _ = write!(page, " · page {number}");
    }
    let _ = write!(page, " · unit {}", escape(&paragraph.id));
    if let Some(href) = href {
        let _ = write!(page, " · <a href=\"{}\">source document</a>", escape(&href));
    }
    page.push_str("</figcaption></figure>\n");
}

fn themes_section(page: &mut String, model: &Model) {
    page.push_str("<section id=\"themes\" aria-labelledby=\"themes-h\">\n");
    page.push_str("<h2 id=\"themes-h\">Theme coverage: which of the letter's questions each plan answers</h2>\n");
    page.push_str("<p>Each cell gives the units answering the theme and their share of the plan's units.</p>\n");
    page.push_str("<div class=\"table-wrap\">\n<table class=\"coverage\">\n");
    page.push_str("<caption>Units per theme, by council</caption>\n<thead><tr><th scope=\"col\">Council</th>");
    for theme in &model.themes {
        let title = theme.question.as_deref().unwrap_or(&theme.name);
        let _ =
            write!(page, "<th scope=\"col\"><abbr title=\"{}\">{}</abbr></th>", escape(title), escape(&theme.short));
    }
    page.push_str("<th scope=\"col\">Themes answered</th><th scope=\"col\">Units</th></tr></thead>\n<tbody>\n");
    for (index, record) in model.records.iter().enumerate() {
        let counts = &model.counts[index];
        let total = record.paragraphs.len();
        let _ = write!(page, "<tr><th scope=\"row\">{}</th>", escape(&record.council.name));
        let mut answered = 0;
        for theme in &model.themes {
            let count = counts.theme_units.get(&theme.id).copied().unwrap_or(0);
            if count == 0 {
                let _ = write!(
                    page,
                    "<td class=\"gap\" data-theme=\"{}\" data-count=\"0\">not covered</td>",
                    escape(&theme.id)
                );
                continue;
            }
            answered += 1;
            let share = (count * 100 + total / 2) / total.max(1);
            let _ = write!(
                page,
                "<td data-theme=\"{}\" data-count=\"{count}\">{count} <span class=\"muted\">({share}%)</span>\
                 <span class=\"meter\" style=\"width:{share}%\"></span></td>",
                escape(&theme.id)
            );
        }
        let _ = writeln!(
            page,
            "<td class=\"num\">{answered} of {}</td><td class=\"num\">{total}</td></tr>",
            model.themes.len()
        );
    }
    page.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn figures_section(page: &mut String, model: &Model) {
    page.push_str("<section id=\"figures\" aria-labelledby=\"figures-h\">\n");
    page.push_str("<h2 id=\"figures-h\">Figures the letter asked for</h2>\n");
    page.push_str(
        "<p>The first figure of each kind in each plan, with a link to its page; hover for its sentence. \
         Select a column heading to sort. Every figure, with its sentence, is in \
         <a href=\"figures.csv\">figures.csv</a>.</p>\n",
    );
    page.push_str("<div class=\"table-wrap\">\n<table class=\"sortable\" id=\"figures-table\">\n");
    page.push_str("<caption>Figures stated in each plan</caption>\n<thead><tr><th scope=\"col\">Council</th>");
    for figure in &model.presentation.figures {
        let _ = write!(page, "<th scope=\"col\" class=\"num\">{}</th>", escape(&figure.name));
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for record in &model.records {
        let _ = write!(
            page,
            "<tr data-council=\"{}\"><th scope=\"row\">{}</th>",
            escape(&record.council.id),
            escape(&record.council.name)
        );
        for kind in &model.presentation.figures {
            let found: Vec<&Figure> = record.figures.iter().filter(|figure| figure.id == kind.id).collect();
            let Some(first) = found.first() else {
                let _ = write!(
                    page,
                    "<td class=\"num\" data-figure=\"{}\" data-sort=\"\"><span class=\"muted\">—</span></td>",
                    escape(&kind.id)
                );
                continue;
            };
            figure_cell(page, record, first, found.len() - 1);
        }
        page.push_str("</tr>\n");
    }
    page.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn figure_cell(page: &mut String, record: &LoadedRecord, figure: &Figure, more: usize) {
    let mut value = format_value(figure.value, figure.unit);
    if let Some(high) = figure.high {
        value = format!("{value}–{}", format_value(high, figure.unit));
    }
    let _ = write!(
        page,
        "<td class=\"num\" data-figure=\"{}\" data-sort=\"{}\"><span title=\"{}\">{}</span>",
        escape(&figure.id),
        figure.value,
        escape(&figure.sentence),
        escape(&value)
    );
    if !figure.qualifiers.is_empty() {
        let _ =
            write!(page, " <span class=\"muted\">({})</span>", escape(&figure.qualifiers.join(", ").replace('_', " ")));
    }
    if !figure.flags.is_empty() {
        let note = figure.note.as_deref().unwrap_or("");
        let _ = write!(
            page,
            "<br><span class=\"flag\" title=\"{}\">⚠ {}</span>",
            escape(note),
            escape(&figure.flags.join(", "))
        );
    }
    let place = match figure.page {
        Some(number) => format!("p. {number}"),
        None => "source".to_string(),
    };
    match source_href(record, figure.page) {
        Some(href) => {
            let _ = write!(page, "<br><a href=\"{}\">{}</a>", escape(&href), escape(&place));
        }
        None => {
            let _ = write!(page, "<br><span class=\"muted\">{}</span>", escape(&place));
        }
    }
    if more > 0 {
        let _ = write!(page, " <span class=\"muted\">+{more} more</span>");
    }
    page.push_str("</td>");
}

fn sources_section(page: &mut String, model: &Model) {
    page.push_str("<section id=\"sources\" aria-labelledby=\"sources-h\">\n");
    page.push_str("<h2 id=\"sources-h\">Sources</h2>\n<div class=\"table-wrap\">\n<table>\n");
    page.push_str("<caption>The document read for each council</caption>\n<thead><tr>");
    for heading in ["Council", "Document", "Format", "Pages", "Units", "Warnings", "Read at", "Record"] {
        let _ = write!(page, "<th scope=\"col\">{heading}</th>");
    }
    page.push_str("</tr></thead>\n<tbody>\n");
    for record in &model.records {
        let title = record.document.title.clone().filter(|title| !title.trim().is_empty());
        let shown = title.unwrap_or_else(|| record.source.final_url.clone());
        let document = match source_href(record, None) {
            Some(href) => format!("<a href=\"{}\">{}</a>", escape(&href), escape(&shown)),
            None => escape(&shown),
        };
        let format = match record.source.content_type.as_str() {
            "application/pdf" => "PDF",
            "text/html" => "HTML",
            "text/plain" => "Text",
            other => other,
        };
        let _ = writeln!(
            page,
            "<tr><th scope=\"row\">{}</th><td>{document}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(&record.council.name),
            escape(format),
            record.document.pages.map(|pages| pages.to_string()).unwrap_or_else(|| "—".to_string()),
            record.paragraphs.len(),
            record.warnings.len(),
            escape(&record.source.fetched_at),
            escape(&record.file),
        );
    }
    page.push_str("</tbody>\n</table>\n</div>\n</section>\n");
}

fn about_section(page: &mut String, model: &Model) {
    page.push_str("<footer id=\"about\">\n<h2>About this report</h2>\n");
    page.push_str(
        "<p>Made by plansift from one JSON record per council. A unit is a paragraph, list item or table row \
         of a plan; themes and barrier categories follow the plansift taxonomy. Counts come from the records \
         only, so they can be checked against the data files:</p>\n<ul>\n\
         <li><a href=\"councils.csv\">councils.csv</a>: one row per council and its source document;</li>\n\
         <li><a href=\"paragraphs.csv\">paragraphs.csv</a>: one row per unit with its labels;</li>\n\
         <li><a href=\"barriers.csv\">barriers.csv</a>: one row per council, barrier category and unit;</li>\n\
         <li><a href=\"figures.csv\">figures.csv</a>: one row per figure with its sentence;</li>\n\
         <li><a href=\"plans.sqlite\">plans.sqlite</a>: all of it in SQLite, with full-text search.</li>\n</ul>\n",
    );
    let _ = writeln!(
        page,
        "<p>plansift {}; classification rules {}; run of {}.</p>\n</footer>",
        escape(&model.run.report_version),
        escape(&model.run.rules_version),
        escape(&model.run.run_date)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn highlight_marks_char_spans_and_cuts_at_a_word() {
        let text = "£5m cut <now> and more words";
        assert_eq!(
            highlight(text, &[[0, 3], [8, 13]], 100),
            "<mark>£5m</mark> cut <mark>&lt;now&gt;</mark> and more words"
        );
        assert_eq!(highlight(text, &[[0, 3], [20, 25]], 16), "<mark>£5m</mark> cut &lt;now&gt;…");
    }

    #[test]
    fn money_percent_and_counts_read_naturally() {
        assert_eq!(format_value(14_800_000.0, FigureUnit::Gbp), "£14.8m");
        assert_eq!(format_value(3_203_453.0, FigureUnit::Gbp), "£3.2m");
        assert_eq!(format_value(22_300.0, FigureUnit::Gbp), "£22,300");
        assert_eq!(format_value(18.9, FigureUnit::Percent), "18.9%");
        assert_eq!(format_value(0.19, FigureUnit::Percent), "0.19%");
        assert_eq!(format_value(1031.0, FigureUnit::Count), "1,031");
    }

    #[test]
    fn only_web_and_file_sources_become_links() {
        let mut record: LoadedRecord =
            serde_json::from_str(r#"{"council":{"id":"a","name":"A"},"paragraphs":[]}"#).unwrap();
        record.source.final_url = "javascript:alert(1)".to_string();
        assert_eq!(source_href(&record, Some(2)), None);
        record.source.final_url = "https://example.org/plan.pdf".to_string();
        record.source.content_type = "application/pdf".to_string();
        assert_eq!(source_href(&record, Some(2)).as_deref(), Some("https://example.org/plan.pdf#page=2"));
        record.source.content_type = "text/html".to_string();
        assert_eq!(source_href(&record, Some(2)).as_deref(), Some("https://example.org/plan.pdf"));
    }

    #[test]
    fn run_dates_read_as_dates_in_utc() {
        assert_eq!(readable_date("2024-07-19T09:05:00+01:00"), "19 July 2024, 08:05 UTC");
        assert_eq!(readable_date(""), "");
        assert_eq!(readable_date("yesterday"), "yesterday");
    }

    #[test]
    fn anchors_keep_only_safe_characters() {
        assert_eq!(anchor(&["q", "funding_certainty", "a b\"c"]), "q--funding_certainty--a-b-c");
    }
}
