//! End-to-end tests of `plansift report`: the page's numbers against the records,
//! the CSV and SQLite outputs, determinism, and the page in headless Chromium.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use rusqlite::Connection;
use scraper::{Html, Selector};
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_plansift");

/// The example queries given in the README; each must run on a real database.
const QUERY_COUNCILS_PER_CATEGORY: &str = "\
SELECT l.label AS category, COUNT(DISTINCT p.council_id) AS councils, COUNT(*) AS units
FROM labels AS l JOIN paragraphs AS p ON p.id = l.paragraph
WHERE l.kind = 'barrier'
GROUP BY l.label
ORDER BY councils DESC, units DESC, category";

const QUERY_FULL_TEXT: &str = "\
SELECT p.council_id, p.paragraph_id, p.page,
       snippet(paragraphs_fts, 0, '[', ']', '...', 12) AS excerpt
FROM paragraphs_fts JOIN paragraphs AS p ON p.id = paragraphs_fts.rowid
WHERE paragraphs_fts MATCH 'settlement AND \"single year\"'
ORDER BY rank";

const QUERY_AGENCY_SPEND: &str = "\
SELECT c.name, f.value AS pounds, f.raw, f.page, f.sentence
FROM figures AS f JOIN councils AS c ON c.council_id = f.council_id
WHERE f.figure_id = 'agency_consultancy_spend'
ORDER BY f.value DESC";

fn plansift(args: &[&str]) -> std::process::Output {
    let output = Command::new(BIN).args(args).output().expect("run plansift");
    assert!(
        output.status.success(),
        "plansift {args:?} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn report(records: &Path, out: &Path) {
    plansift(&["report", "--quiet", "--records", path_str(records), "--out", path_str(out)]);
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 temp path")
}

fn paragraph(id: &str, page: u32, section: &[&str], text: &str, labels: &[(&str, &[[usize; 2]])]) -> Value {
    let themes: Vec<&str> = labels
        .iter()
        .map(|(label, _)| *label)
        .filter(|label| {
            ["service_transformation", "technology_and_data", "reducing_waste", "barriers", "monitoring"]
                .contains(label)
        })
        .collect();
    let barriers: Vec<&str> = labels.iter().map(|(label, _)| *label).filter(|label| !themes.contains(label)).collect();
    let mut themes = themes;
    if !barriers.is_empty() && !themes.contains(&"barriers") {
        themes.push("barriers");
    }
    let evidence: Vec<Value> = labels
        .iter()
        .map(|(label, spans)| json!({"label": label, "rule": format!("{label}_words"), "spans": spans}))
        .collect();
    json!({
        "id": id, "kind": "paragraph", "text": text, "page": page, "section": section,
        "themes": themes, "barriers": barriers, "evidence": evidence
    })
}

fn figure(id: &str, paragraph: &str, page: u32, raw: &str, value: f64, unit: &str, sentence: &str) -> Value {
    json!({
        "id": id, "paragraph": paragraph, "page": page, "span": [0, raw.chars().count()], "raw": raw,
        "sentence": sentence, "value": value, "unit": unit, "qualifiers": [], "flags": [],
        "evidence": {"rule": format!("{id}_context"), "matched": [id.split('_').next()]}
    })
}

fn record(id: &str, name: &str, paragraphs: Vec<Value>, figures: Vec<Value>) -> Value {
    json!({
        "schema_version": "1.0.0",
        "council": {"id": id, "name": name},
        "source": {
            "url": format!("https://{id}.example.gov.uk/plan.pdf"),
            "final_url": format!("https://{id}.example.gov.uk/plan.pdf"),
            "content_type": "application/pdf",
            "sha256": "0".repeat(64), "bytes": 1000, "fetched_at": "2024-07-18T09:00:00Z"
        },
        "document": {"title": format!("{name} productivity plan"), "pages": 4},
        "paragraphs": paragraphs,
        "warnings": [],
        "figures": figures
    })
}

/// Three councils with labels, figures and awkward text, plus `run.json`.
fn write_synthetic_records(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let funding = "Single-year settlements prevent long-term planning.";
    let alpha = record(
        "alpha",
        "Alpha & Beta <Borough>",
        vec![
            paragraph("p1", 3, &["Barriers"], funding, &[("funding_certainty", &[[0, 23]])]),
            paragraph(
                "p2",
                3,
                &["Barriers", "Workforce"],
                "Late settlements and national pay awards hit recruitment.",
                &[("funding_certainty", &[[5, 16]]), ("workforce_and_skills", &[[21, 40], [45, 56]])],
            ),
            paragraph("p3", 1, &["Transformation"], "We merged two services.", &[("service_transformation", &[])]),
            paragraph(
                "p4",
                4,
                &["Barriers"],
                "Odd text: <script>alert(1)</script>, \"quoted\", comma\nand a second line.",
                &[("other", &[])],
            ),
        ],
        vec![],
    );
    let bravo = record(
        "bravo",
        "Bravo City Council",
        vec![
            paragraph("p1", 2, &["What gets in the way"], funding, &[("funding_certainty", &[[0, 23]])]),
            paragraph(
                "p2",
                2,
                &["What gets in the way"],
                "Demand for adult social care keeps rising.",
                &[("demand_pressures", &[[0, 6]])],
            ),
            paragraph("p3", 1, &["Spend"], "Agency and consultancy spend was £14.8m.", &[("reducing_waste", &[])]),
        ],
        vec![
            figure(
                "agency_consultancy_spend",
                "p3",
                1,
                "£14.8m",
                14_800_000.0,
                "gbp",
                "Agency and consultancy spend was £14.8m.",
            ),
            figure("facility_time_share", "p3", 1, "0.19%", 0.19, "percent", "Facility time is 0.19% of pay."),
        ],
    );
    let charlie = record(
        "charlie",
        "Charlie District Council",
        vec![paragraph("p1", 1, &["Monitoring"], "Quarterly KPIs go to cabinet.", &[("monitoring", &[[10, 14]])])],
        vec![figure(
            "agency_consultancy_spend",
            "p1",
            1,
            "£3.2m",
            3_200_000.0,
            "gbp",
            "We spent £3.2m on agency staff.",
        )],
    );
    for (id, value) in [("alpha", alpha), ("bravo", bravo), ("charlie", charlie)] {
        std::fs::write(dir.join(format!("{id}.json")), serde_json::to_string_pretty(&value).unwrap()).unwrap();
    }
    let run = json!({"plansift_version": "0.1.0", "started_at": "2024-07-19T10:00:00Z", "councils": []});
    std::fs::write(dir.join("run.json"), run.to_string()).unwrap();
    std::fs::write(dir.join("records.jsonl"), "ignored\n").unwrap();
}

/// (council name, category or theme) to the number of units.
type UnitCounts = BTreeMap<(String, String), usize>;

/// Theme counts per (council name, theme), and the first figure value per
/// (council id, figure id), straight from the record files.
fn themes_and_figures_from_records(dir: &Path) -> (UnitCounts, BTreeMap<(String, String), f64>) {
    let mut themes = UnitCounts::new();
    let mut figures = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name == "run.json" {
            continue;
        }
        let record: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let council = record["council"]["name"].as_str().unwrap().to_string();
        for unit in record["paragraphs"].as_array().unwrap() {
            let unit_themes: BTreeSet<&str> =
                unit["themes"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            for theme in unit_themes {
                *themes.entry((council.clone(), theme.to_string())).or_default() += 1;
            }
        }
        let id = record["council"]["id"].as_str().unwrap().to_string();
        for figure in record.get("figures").and_then(Value::as_array).into_iter().flatten() {
            let key = (id.clone(), figure["id"].as_str().unwrap().to_string());
            figures.entry(key).or_insert_with(|| figure["value"].as_f64().unwrap());
        }
    }
    (themes, figures)
}

/// Counts from the record files themselves: category to councils raising it,
/// (council, category) to units, and the number of units.
fn counts_from_records(dir: &Path) -> (BTreeMap<String, usize>, UnitCounts, usize) {
    let mut councils_per_category: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut units: BTreeMap<(String, String), usize> = BTreeMap::new();
    let mut paragraphs = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".json") || name == "run.json" {
            continue;
        }
        let record: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let council = record["council"]["name"].as_str().unwrap().to_string();
        for unit in record["paragraphs"].as_array().unwrap() {
            paragraphs += 1;
            let categories: BTreeSet<&str> =
                unit["barriers"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
            for category in categories {
                councils_per_category.entry(category.to_string()).or_default().insert(council.clone());
                *units.entry((council.clone(), category.to_string())).or_default() += 1;
            }
        }
    }
    (councils_per_category.into_iter().map(|(k, v)| (k, v.len())).collect(), units, paragraphs)
}

fn select<'a>(page: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    page.select(&Selector::parse(selector).unwrap()).collect()
}

/// Checks the page's chart, matrix and internal links against the records.
fn assert_page_matches_records(records: &Path, report: &Path) {
    let (councils_per_category, units, _) = counts_from_records(records);
    let text = std::fs::read_to_string(report.join("index.html")).unwrap();
    let page = Html::parse_document(&text);

    let bars = select(&page, "svg g.bar");
    assert!(bars.len() >= 14, "every taxonomy category has a bar");
    let mut previous = usize::MAX;
    for bar in &bars {
        let category = bar.value().attr("data-category").unwrap();
        let shown: usize = bar.value().attr("data-councils").unwrap().parse().unwrap();
        let expected = councils_per_category.get(category).copied().unwrap_or(0);
        assert_eq!(shown, expected, "councils raising {category}");
        assert!(shown <= previous, "bars are ranked");
        previous = shown;
    }

    let headings: Vec<String> = select(&page, "table.heat thead th abbr")
        .iter()
        .map(|abbr| abbr.value().attr("title").unwrap().to_string())
        .collect();
    let names: BTreeMap<String, String> = bars
        .iter()
        .map(|bar| {
            let name = bar.select(&Selector::parse("text.label").unwrap()).next().unwrap().text().collect::<String>();
            (name, bar.value().attr("data-category").unwrap().to_string())
        })
        .collect();
    for row in select(&page, "table.heat tbody tr") {
        let council = row.select(&Selector::parse("th").unwrap()).next().unwrap().text().collect::<String>();
        let cells: Vec<_> = row.select(&Selector::parse("td[data-count]").unwrap()).collect();
        assert_eq!(cells.len(), headings.len());
        for (cell, heading) in cells.iter().zip(&headings) {
            let category = &names[heading];
            let shown: usize = cell.value().attr("data-count").unwrap().parse().unwrap();
            let expected = units.get(&(council.clone(), category.clone())).copied().unwrap_or(0);
            assert_eq!(shown, expected, "{council} x {category}");
        }
    }

    let (themes, figures) = themes_and_figures_from_records(records);
    let coverage_rows = select(&page, "table.coverage tbody tr");
    assert!(!coverage_rows.is_empty());
    for row in coverage_rows {
        let council = row.select(&Selector::parse("th").unwrap()).next().unwrap().text().collect::<String>();
        let cells: Vec<_> = row.select(&Selector::parse("td[data-theme]").unwrap()).collect();
        assert_eq!(cells.len(), 5, "one cell per theme");
        for cell in cells {
            let theme = cell.value().attr("data-theme").unwrap();
            let shown: usize = cell.value().attr("data-count").unwrap().parse().unwrap();
            let expected = themes.get(&(council.clone(), theme.to_string())).copied().unwrap_or(0);
            assert_eq!(shown, expected, "{council} answers {theme}");
        }
    }
    for row in select(&page, "#figures-table tbody tr") {
        let council = row.value().attr("data-council").unwrap();
        let cells: Vec<_> = row.select(&Selector::parse("td[data-figure]").unwrap()).collect();
        assert_eq!(cells.len(), 6, "one cell per figure the letter asked for");
        for cell in cells {
            let figure = cell.value().attr("data-figure").unwrap();
            let shown = cell.value().attr("data-sort").unwrap();
            match figures.get(&(council.to_string(), figure.to_string())) {
                Some(value) => assert_eq!(shown.parse::<f64>().unwrap(), *value, "{council} {figure}"),
                None => assert_eq!(shown, "", "{council} states no {figure}"),
            }
        }
    }

    let ids: BTreeSet<&str> = select(&page, "[id]").iter().map(|element| element.value().id().unwrap()).collect();
    for link in select(&page, "a[href^='#']") {
        let target = &link.value().attr("href").unwrap()[1..];
        assert!(ids.contains(target), "link to #{target} has a target");
    }
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().iter().map(str::to_string).collect();
    let rows = reader.records().map(|row| row.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

fn query_rows(db: &Connection, sql: &str) -> Vec<Vec<String>> {
    let mut statement = db.prepare(sql).unwrap();
    let columns = statement.column_count();
    let rows = statement
        .query_map([], |row| {
            (0..columns)
                .map(|i| {
                    Ok(match row.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => String::new(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Real(x) => x.to_string(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        rusqlite::types::ValueRef::Blob(_) => "<blob>".to_string(),
                    })
                })
                .collect()
        })
        .unwrap();
    rows.map(|row| row.unwrap()).collect()
}

fn all_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file())
        .map(|path| (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).unwrap()))
        .collect()
}

#[test]
fn sample_corpus_report_agrees_with_its_records() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/councils.csv");
    plansift(&["run", "--quiet", "--seeds", path_str(&seeds), "--out", path_str(&out)]);
    // Without --out, the report goes into the records folder.
    plansift(&["report", "--quiet", "--records", path_str(&out)]);
    let report_dir = out.join("report");

    assert_page_matches_records(&out, &report_dir);
    let (_, _, paragraphs) = counts_from_records(&out);
    let (_, councils) = read_csv(&report_dir.join("councils.csv"));
    assert_eq!(councils.len(), 5);
    let (_, rows) = read_csv(&report_dir.join("paragraphs.csv"));
    assert_eq!(rows.len(), paragraphs);
    let db = Connection::open(report_dir.join("plans.sqlite")).unwrap();
    let stored: i64 = db.query_row("SELECT COUNT(*) FROM paragraphs", [], |row| row.get(0)).unwrap();
    assert_eq!(stored as usize, paragraphs);
    let hits = query_rows(
        &db,
        "SELECT p.text FROM paragraphs_fts JOIN paragraphs AS p ON p.id = paragraphs_fts.rowid \
         WHERE paragraphs_fts MATCH 'text : productivity'",
    );
    assert!(!hits.is_empty());
    let misses: Vec<&Vec<String>> = hits.iter().filter(|row| !row[0].to_lowercase().contains("productiv")).collect();
    assert!(misses.is_empty(), "hits without the word: {misses:?}");
}

#[test]
fn labelled_records_give_the_right_chart_matrix_quotes_and_figures() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    write_synthetic_records(&records);
    let out = dir.path().join("report");
    report(&records, &out);
    assert_page_matches_records(&records, &out);

    let text = std::fs::read_to_string(out.join("index.html")).unwrap();
    let page = Html::parse_document(&text);
    let ranked: Vec<(String, String)> = select(&page, "svg g.bar")
        .iter()
        .take(4)
        .map(|bar| {
            (bar.value().attr("data-category").unwrap().to_string(), bar.value().attr("data-councils").unwrap().into())
        })
        .collect();
    let ranked: Vec<(&str, &str)> = ranked.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    // funding_certainty: 2 councils; the rest 1 council, 1 unit, in taxonomy order.
    assert_eq!(
        ranked,
        [("funding_certainty", "2"), ("workforce_and_skills", "1"), ("demand_pressures", "1"), ("other", "1")]
    );

    // The matrix links each non-zero cell to the council's quotes.
    let cell = select(&page, "a[href='#q--funding_certainty--alpha']");
    assert_eq!(cell.len(), 1);
    assert_eq!(cell[0].text().collect::<String>(), "2");
    let quotes = select(&page, "#q--funding_certainty--alpha figure.quote");
    assert_eq!(quotes.len(), 2);
    let first = quotes[0].html();
    assert!(first.contains("<mark>Single-year settlements</mark>"), "{first}");
    assert!(first.contains("section “Barriers”") && first.contains("page 3"), "{first}");
    assert!(first.contains("href=\"https://alpha.example.gov.uk/plan.pdf#page=3\""), "{first}");

    // Record text is escaped everywhere: the only script is the page's own.
    assert_eq!(text.matches("<script").count(), 1);
    assert!(text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(text.contains("Alpha &amp; Beta &lt;Borough&gt;"));
    // Self-contained: nothing is loaded from anywhere.
    assert!(!text.contains(" src=") && !text.contains("<link") && !text.contains("@import") && !text.contains("url("));

    // Theme coverage: Charlie answers only monitoring.
    let charlie = select(&page, "table.coverage tbody tr")
        .into_iter()
        .find(|row| row.text().collect::<String>().contains("Charlie"))
        .unwrap();
    assert_eq!(charlie.select(&Selector::parse("td.gap").unwrap()).count(), 4);
    assert!(charlie.text().collect::<String>().contains("1 of 5"));

    // Figures table: values, sort keys, and a dash where a plan states none.
    let bravo = select(&page, "#figures-table tr[data-council=bravo] td");
    assert_eq!(bravo[0].value().attr("data-sort"), Some("14800000"));
    assert!(bravo[0].text().collect::<String>().starts_with("£14.8m"));
    assert_eq!(bravo[4].value().attr("data-sort"), Some("0.19"));
    let alpha = select(&page, "#figures-table tr[data-council=alpha] td");
    assert_eq!(alpha[0].value().attr("data-sort"), Some(""));

    // Provenance: run date from run.json, versions.
    assert!(text.contains("<time datetime=\"2024-07-19T10:00:00Z\">19 July 2024, 10:00 UTC</time>"));
    assert!(text.contains(&format!("plansift {}", env!("CARGO_PKG_VERSION"))));
    assert!(text.contains("classification rules embedded"));
}

#[test]
fn csv_files_are_tidy_rfc4180_with_stable_columns() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    write_synthetic_records(&records);
    let out = dir.path().join("report");
    report(&records, &out);

    let raw = std::fs::read_to_string(out.join("paragraphs.csv")).unwrap();
    assert!(raw.starts_with("council_id,paragraph_id,seq,kind,page,section,themes,barriers,text\r\n"));
    assert!(raw.contains("\"Odd text: <script>alert(1)</script>, \"\"quoted\"\", comma\nand a second line.\""));
    let (_, rows) = read_csv(&out.join("paragraphs.csv"));
    assert_eq!(rows.len(), 8);
    let p2 = rows.iter().find(|row| row[0] == "alpha" && row[1] == "p2").unwrap();
    assert_eq!(p2[5], "Barriers > Workforce");
    assert_eq!(p2[6], "barriers");
    assert_eq!(p2[7], "funding_certainty;workforce_and_skills");

    let (header, rows) = read_csv(&out.join("barriers.csv"));
    assert_eq!(
        header,
        ["council_id", "council_name", "category", "paragraph_id", "page", "section", "rules", "matched", "text"]
    );
    let keys: Vec<(&str, &str, &str)> = rows.iter().map(|r| (r[0].as_str(), r[2].as_str(), r[3].as_str())).collect();
    assert_eq!(
        keys,
        [
            ("alpha", "funding_certainty", "p1"),
            ("alpha", "funding_certainty", "p2"),
            ("alpha", "workforce_and_skills", "p2"),
            ("alpha", "other", "p4"),
            ("bravo", "funding_certainty", "p1"),
            ("bravo", "demand_pressures", "p2"),
        ]
    );
    assert_eq!(rows[2][7], "national pay awards;recruitment");

    let (header, rows) = read_csv(&out.join("figures.csv"));
    assert_eq!(&header[..5], ["council_id", "figure_id", "paragraph_id", "page", "value"]);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0][..5], ["bravo", "agency_consultancy_spend", "p3", "1", "14800000"]);
    assert_eq!(header[12..14], ["rule", "context"]);
    assert_eq!(rows[0][12..14], ["agency_consultancy_spend_context", "agency"]);

    let (_, rows) = read_csv(&out.join("councils.csv"));
    let ids: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(ids, ["alpha", "bravo", "charlie"]);
    assert_eq!(rows[0][1], "Alpha & Beta <Borough>");
}

#[test]
fn sqlite_database_has_keys_full_text_search_and_the_readme_queries_work() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    write_synthetic_records(&records);
    let out = dir.path().join("report");
    report(&records, &out);
    let db = Connection::open(out.join("plans.sqlite")).unwrap();

    assert!(query_rows(&db, "PRAGMA foreign_key_check").is_empty());
    assert_eq!(query_rows(&db, "PRAGMA integrity_check"), [["ok"]]);
    let tables = query_rows(&db, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    let tables: Vec<&str> = tables.iter().map(|row| row[0].as_str()).collect();
    for table in ["councils", "paragraphs", "labels", "evidence", "figures", "meta", "paragraphs_fts"] {
        assert!(tables.contains(&table), "{table} in {tables:?}");
    }

    let per_category = query_rows(&db, QUERY_COUNCILS_PER_CATEGORY);
    assert_eq!(per_category[0], ["funding_certainty", "2", "3"]);
    assert_eq!(per_category.len(), 4);

    let hits = query_rows(&db, QUERY_FULL_TEXT);
    let hits: Vec<(&str, &str)> = hits.iter().map(|row| (row[0].as_str(), row[1].as_str())).collect();
    assert_eq!(hits.len(), 2);
    assert!(hits.contains(&("alpha", "p1")) && hits.contains(&("bravo", "p1")), "{hits:?}");

    let spend = query_rows(&db, QUERY_AGENCY_SPEND);
    let spend: Vec<(&str, &str)> = spend.iter().map(|row| (row[0].as_str(), row[1].as_str())).collect();
    assert_eq!(spend, [("Bravo City Council", "14800000"), ("Charlie District Council", "3200000")]);

    let matched = query_rows(
        &db,
        "SELECT e.matched FROM evidence AS e JOIN paragraphs AS p ON p.id = e.paragraph \
         WHERE p.council_id = 'alpha' AND e.label = 'workforce_and_skills' ORDER BY e.span_start",
    );
    assert_eq!(matched, [["national pay awards"], ["recruitment"]]);
    let context = query_rows(&db, "SELECT context FROM figures WHERE figure_id = 'facility_time_share'");
    assert_eq!(context, [["facility"]]);
    let meta = query_rows(&db, "SELECT value FROM meta WHERE key = 'run_date'");
    assert_eq!(meta, [["2024-07-19T10:00:00Z"]]);
}

#[test]
fn same_records_give_byte_identical_reports() {
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    write_synthetic_records(&records);
    let first = dir.path().join("first");
    let second = dir.path().join("second");
    report(&records, &first);
    report(&records, &second);
    let before = all_files(&first);
    assert_eq!(
        before.keys().map(String::as_str).collect::<Vec<_>>(),
        ["barriers.csv", "councils.csv", "figures.csv", "index.html", "paragraphs.csv", "plans.sqlite"]
    );
    assert_eq!(before, all_files(&second));
    // Rebuilding over an existing report replaces it with the same bytes.
    report(&records, &first);
    assert_eq!(before, all_files(&first));
}

#[test]
fn report_without_records_fails_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(BIN)
        .args(["report", "--records", path_str(dir.path()), "--out", path_str(&dir.path().join("r"))])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no council records"));
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Runs headless Chromium on `page` with `extra` arguments; returns stdout and stderr.
fn run_chromium(browser: &Path, page: &Path, extra: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("start chromium");
    assert!(output.status.success(), "chromium failed: {}", String::from_utf8_lossy(&output.stderr));
    (String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn console_messages(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|line| line.contains("CONSOLE") || line.contains("Uncaught")).collect()
}

#[test]
fn page_loads_in_headless_chromium_without_errors_and_sorts_figures() {
    let Some(browser) = chromium() else {
        eprintln!("SKIPPED: chromium not found on PATH (install with .ci/install-chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let records = dir.path().join("records");
    write_synthetic_records(&records);
    let out = dir.path().join("report");
    report(&records, &out);
    let index = out.join("index.html");

    let (dom, stderr) = run_chromium(&browser, &index, &["--dump-dom"]);
    assert!(console_messages(&stderr).is_empty(), "console output: {:?}", console_messages(&stderr));
    assert!(dom.contains("data-sortable=\"ready\""), "the sorting script ran");

    // Click the agency-spend heading twice (descending) and record the row order.
    let page = std::fs::read_to_string(&index).unwrap();
    let probe = "<script>(function(){var b=document.querySelectorAll('#figures-table thead th button')[1];\
                 b.click();b.click();var order=[];var rows=document.querySelectorAll('#figures-table tbody tr');\
                 for(var i=0;i<rows.length;i++)order.push(rows[i].getAttribute('data-council'));\
                 document.body.setAttribute('data-probe',order.join(' ')+' '+b.parentNode.getAttribute('aria-sort'));\
                 })();</script></body>";
    let probed = out.join("probe.html");
    std::fs::write(&probed, page.replace("</body>", probe)).unwrap();
    let (dom, stderr) = run_chromium(&browser, &probed, &["--dump-dom"]);
    assert!(console_messages(&stderr).is_empty(), "console output: {:?}", console_messages(&stderr));
    assert!(dom.contains("data-probe=\"bravo charlie alpha descending\""), "{}", &dom[..dom.len().min(400)]);

    let screenshot = dir.path().join("report.png");
    let shot_arg = format!("--screenshot={}", screenshot.display());
    run_chromium(&browser, &index, &[&shot_arg, "--window-size=1280,2000", "--hide-scrollbars"]);
    let png = std::fs::read(&screenshot).unwrap();
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "screenshot written ({} bytes)", png.len());
}
