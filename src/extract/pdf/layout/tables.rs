//! Ruled tables: rows from horizontal rules of one width, cells from the column
//! starts the rows share. A table is read row by row, each row one block.

use super::lines::Line;

/// Fewest row borders (horizontal rules of the same extent) that make a table.
const MIN_BORDERS: usize = 3;
/// Rules whose ends agree within this many points belong to one table.
const EXTENT_TOLERANCE: f32 = 2.0;
/// Line starts within this many points are one column start.
const START_TOLERANCE: f32 = 2.0;

/// One table row: its cells, each a list of lines top to bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The cells, left to right.
    pub cells: Vec<Vec<Line>>,
}

impl Row {
    /// Baseline of the row's first line (for placing the row in reading order).
    pub fn top(&self) -> f32 {
        self.cells.iter().flat_map(|c| c.iter()).map(|l| l.y).fold(f32::NEG_INFINITY, f32::max)
    }
}

/// Takes the lines of ruled tables out of `lines` and returns the tables' rows.
pub fn extract(lines: &mut Vec<Line>, drawn: &[[f32; 4]]) -> Vec<Row> {
    let mut horizontal: Vec<[f32; 4]> =
        drawn.iter().filter(|r| (r[1] - r[3]).abs() < 1.0 && r[2] - r[0] > 100.0).copied().collect();
    horizontal.sort_by(|a, b| a[0].total_cmp(&b[0]).then(b[1].total_cmp(&a[1])));
    let mut groups: Vec<Vec<[f32; 4]>> = Vec::new();
    for rule in horizontal {
        match groups
            .iter_mut()
            .find(|g| (g[0][0] - rule[0]).abs() <= EXTENT_TOLERANCE && (g[0][2] - rule[2]).abs() <= EXTENT_TOLERANCE)
        {
            Some(group) => group.push(rule),
            None => groups.push(vec![rule]),
        }
    }
    let vertical: Vec<[f32; 4]> =
        drawn.iter().filter(|r| (r[0] - r[2]).abs() < 1.0 && (r[3] - r[1]).abs() > 5.0).copied().collect();
    let mut rows = Vec::new();
    for group in groups {
        let mut ys: Vec<f32> = group.iter().map(|r| r[1]).collect();
        ys.sort_by(|a, b| b.total_cmp(a));
        ys.dedup_by(|a, b| (*a - *b).abs() < 1.5);
        let (x0, x1) = (group[0][0] - EXTENT_TOLERANCE, group[0][2] + EXTENT_TOLERANCE);
        // Where the table draws its column rules, a band between two borders that no
        // column rule crosses is the gap between two tables of one width (text
        // between them), not a row.
        let (first, last) = (ys.first().copied().unwrap_or(0.0), ys.last().copied().unwrap_or(0.0));
        let sides: Vec<&[f32; 4]> = vertical
            .iter()
            .filter(|v| v[0] >= x0 && v[0] <= x1 && v[1].min(v[3]) < first && v[1].max(v[3]) > last)
            .collect();
        let crosses =
            |top: f32, bottom: f32| sides.iter().any(|v| v[1].min(v[3]) <= bottom + 2.0 && v[1].max(v[3]) >= top - 2.0);
        // Only a table that draws column rules through its rows is split where
        // they stop; one ruled with horizontal lines alone is read whole.
        let ruled_columns = ys.windows(2).any(|band| crosses(band[0], band[1]));
        let crossed = |top: f32, bottom: f32| !ruled_columns || crosses(top, bottom);
        let mut start = 0;
        for k in 1..=ys.len() {
            if k == ys.len() || !crossed(ys[k - 1], ys[k]) {
                rows.extend(read_table(&ys[start..k], x0, x1, lines));
                start = k;
            }
        }
    }
    rows
}

/// Reads the table whose row borders are at `ys` (top first) between `x0` and
/// `x1`, taking its lines out of `lines`; nothing when it is not a table.
fn read_table(ys: &[f32], x0: f32, x1: f32, lines: &mut Vec<Line>) -> Vec<Row> {
    if ys.len() < MIN_BORDERS {
        return Vec::new();
    }
    let inside = |l: &Line, top: f32, bottom: f32| l.x0 >= x0 && l.x1 <= x1 && l.y < top && l.y > bottom;
    // Column starts shared by at least two rows.
    let mut starts: Vec<(f32, usize)> = Vec::new();
    for band in ys.windows(2) {
        let mut row_starts: Vec<f32> = Vec::new();
        for l in lines.iter().filter(|l| inside(l, band[0], band[1])) {
            if !row_starts.iter().any(|s| (s - l.x0).abs() <= START_TOLERANCE) {
                row_starts.push(l.x0);
            }
        }
        for s in row_starts {
            match starts.iter_mut().find(|(x, _)| (x - s).abs() <= START_TOLERANCE) {
                Some(entry) => entry.1 += 1,
                None => starts.push((s, 1)),
            }
        }
    }
    let mut columns: Vec<f32> = starts.iter().filter(|(_, n)| *n >= 2).map(|(x, _)| *x).collect();
    columns.sort_by(f32::total_cmp);
    if columns.len() < 2 {
        return Vec::new();
    }
    let mut table_rows = Vec::new();
    for band in ys.windows(2) {
        let mut cells: Vec<Vec<Line>> = vec![Vec::new(); columns.len()];
        let mut k = 0;
        while k < lines.len() {
            if inside(&lines[k], band[0], band[1]) {
                let line = lines.remove(k);
                let column = columns.iter().rposition(|c| line.x0 >= c - START_TOLERANCE).unwrap_or(0);
                cells[column].push(line);
            } else {
                k += 1;
            }
        }
        cells.retain(|c| !c.is_empty());
        for cell in &mut cells {
            cell.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
        }
        if !cells.is_empty() {
            table_rows.push(Row { cells });
        }
    }
    if table_rows.iter().filter(|r| r.cells.len() >= 2).count() >= 2 {
        table_rows
    } else {
        // Not a table after all (a boxed banner): give the lines back.
        lines.extend(table_rows.into_iter().flat_map(|r| r.cells.into_iter().flatten()));
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::pdf::layout::lines::Word;

    fn line(x0: f32, y: f32, text: &str) -> Line {
        Line {
            page: 1,
            words: text.split(' ').map(|t| Word { text: t.into(), x0, x1: x0 + 30.0 }).collect(),
            x0,
            x1: x0 + 100.0,
            y,
            size: 10.0,
            bold: false,
            underlines: Vec::new(),
        }
    }

    #[test]
    fn ruled_two_column_table_reads_row_by_row() {
        let mut lines = vec![
            line(70.0, 720.0, "Portfolio Holder"),
            line(240.0, 720.0, "Councillor May"),
            line(240.0, 706.0, "Councillor Colella"),
            line(70.0, 680.0, "Wards Affected"),
            line(240.0, 680.0, "All"),
            line(70.0, 650.0, "Non-Key Decision"),
            line(70.0, 500.0, "Body text below the table"),
        ];
        let rules: Vec<[f32; 4]> = [735.0, 695.0, 665.0, 640.0].iter().map(|y| [65.0, *y, 530.0, *y]).collect();
        let rows = extract(&mut lines, &rules);
        let texts: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.iter().map(Line::text).collect::<Vec<_>>().join(" ")).collect())
            .collect();
        assert_eq!(
            texts,
            vec![
                vec!["Portfolio Holder".to_string(), "Councillor May Councillor Colella".to_string()],
                vec!["Wards Affected".to_string(), "All".to_string()],
                vec!["Non-Key Decision".to_string()],
            ]
        );
        assert_eq!(lines.len(), 1);
    }

    #[test]
    fn text_between_two_ruled_tables_of_one_width_is_not_a_row() {
        let mut lines = vec![
            line(70.0, 720.0, "Programme"),
            line(300.0, 720.0, "Saving"),
            line(70.0, 706.0, "Shared services"),
            line(300.0, 706.0, "650k"),
            line(70.0, 660.0, "A paragraph between the tables"),
            line(70.0, 620.0, "Spend"),
            line(300.0, 620.0, "Amount"),
            line(70.0, 606.0, "Agency"),
            line(300.0, 606.0, "1.1m"),
        ];
        let mut rules: Vec<[f32; 4]> =
            [732.0, 714.0, 700.0, 632.0, 614.0, 600.0].iter().map(|y| [65.0, *y, 530.0, *y]).collect();
        for (top, bottom) in [(732.0, 700.0), (632.0, 600.0)] {
            for x in [65.0, 290.0, 530.0] {
                rules.push([x, bottom, x, top]);
            }
        }
        let rows = extract(&mut lines, &rules);
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert_eq!(lines.iter().map(Line::text).collect::<Vec<_>>(), ["A paragraph between the tables"]);
    }
}
