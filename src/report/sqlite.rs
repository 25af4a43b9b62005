//! `plans.sqlite`: the records as relational tables with full-text search.
//!
//! Tables: `councils`, `paragraphs` (one row per unit), `labels` (one row per unit
//! and theme or barrier category), `evidence` (one row per matched span, or per
//! heading that set a label), `figures`, `meta` (provenance), and the FTS5 index
//! `paragraphs_fts` over unit text and section. The database is built in a
//! temporary file beside the target in a fixed order, then renamed over it, so
//! readers never see half a database and the same records give the same bytes.

use std::path::Path;

use rusqlite::{params, Connection};

use super::{Model, ReportError};

/// Version of the database layout, stored as `PRAGMA user_version`.
pub const LAYOUT_VERSION: i32 = 1;

const SCHEMA: &str = r#"
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE councils (
    council_id   TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    source_url   TEXT NOT NULL,
    final_url    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    fetched_at   TEXT NOT NULL,
    title        TEXT,
    pages        INTEGER,
    record_file  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE paragraphs (
    id           INTEGER PRIMARY KEY,
    council_id   TEXT NOT NULL REFERENCES councils (council_id),
    paragraph_id TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    kind         TEXT NOT NULL,
    page         INTEGER,
    section      TEXT NOT NULL,
    text         TEXT NOT NULL,
    UNIQUE (council_id, paragraph_id),
    UNIQUE (council_id, seq)
);

CREATE TABLE labels (
    paragraph INTEGER NOT NULL REFERENCES paragraphs (id),
    kind      TEXT NOT NULL CHECK (kind IN ('theme', 'barrier')),
    label     TEXT NOT NULL,
    PRIMARY KEY (paragraph, kind, label)
) WITHOUT ROWID;
CREATE INDEX labels_by_label ON labels (kind, label, paragraph);

CREATE TABLE evidence (
    id         INTEGER PRIMARY KEY,
    paragraph  INTEGER NOT NULL REFERENCES paragraphs (id),
    label      TEXT NOT NULL,
    rule       TEXT NOT NULL,
    heading    TEXT,
    span_start INTEGER,
    span_end   INTEGER,
    matched    TEXT
);
CREATE INDEX evidence_by_paragraph ON evidence (paragraph);
CREATE INDEX evidence_by_label ON evidence (label);

CREATE TABLE figures (
    id         INTEGER PRIMARY KEY,
    council_id TEXT NOT NULL REFERENCES councils (council_id),
    paragraph  INTEGER REFERENCES paragraphs (id),
    figure_id  TEXT NOT NULL,
    page       INTEGER,
    value      REAL NOT NULL,
    high       REAL,
    unit       TEXT NOT NULL,
    noun       TEXT,
    raw        TEXT NOT NULL,
    qualifiers TEXT NOT NULL,
    flags      TEXT NOT NULL,
    note       TEXT,
    rule       TEXT NOT NULL,
    context    TEXT NOT NULL,
    span_start INTEGER NOT NULL,
    span_end   INTEGER NOT NULL,
    sentence   TEXT NOT NULL
);
CREATE INDEX figures_by_council ON figures (council_id, figure_id);
CREATE INDEX figures_by_kind ON figures (figure_id);

CREATE VIRTUAL TABLE paragraphs_fts USING fts5 (
    text, section,
    content = 'paragraphs', content_rowid = 'id',
    tokenize = 'porter unicode61'
);
"#;

/// Builds the database for `model` at `path`, replacing any database there.
pub fn write(model: &Model, path: &Path) -> Result<(), ReportError> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let temporary = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let io_error = |source| ReportError::Write { path: temporary.clone(), source };
    if temporary.exists() {
        std::fs::remove_file(&temporary).map_err(io_error)?;
    }
    let built = build(model, &temporary).map_err(|source| ReportError::Sqlite { path: path.to_path_buf(), source });
    let result = built.and_then(|()| {
        std::fs::File::open(&temporary).and_then(|file| file.sync_all()).map_err(io_error)?;
        std::fs::rename(&temporary, path).map_err(|source| ReportError::Write { path: path.to_path_buf(), source })
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn build(model: &Model, path: &Path) -> rusqlite::Result<()> {
    let mut db = Connection::open(path)?;
    // No journal: the file is private until renamed, so a crash costs only the
    // temporary file. Fixed page size and encoding keep the bytes reproducible.
    db.execute_batch(
        "PRAGMA page_size = 4096; PRAGMA encoding = 'UTF-8'; PRAGMA journal_mode = OFF; \
         PRAGMA synchronous = OFF; PRAGMA foreign_keys = ON;",
    )?;
    db.pragma_update(None, "user_version", LAYOUT_VERSION)?;
    let tx = db.transaction()?;
    tx.execute_batch(SCHEMA)?;
    insert_all(model, &tx)?;
    tx.execute("INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('rebuild')", [])?;
    tx.execute("INSERT INTO paragraphs_fts (paragraphs_fts) VALUES ('optimize')", [])?;
    tx.commit()?;
    db.execute_batch("VACUUM;")?;
    db.close().map_err(|(_, error)| error)
}

fn insert_all(model: &Model, tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
    let mut meta = tx.prepare("INSERT INTO meta (key, value) VALUES (?1, ?2)")?;
    meta.execute(params!["plansift_version", model.run.report_version])?;
    meta.execute(params!["rules_version", model.run.rules_version])?;
    meta.execute(params!["run_date", model.run.run_date])?;
    meta.execute(params!["records_version", model.run.records_version.clone().unwrap_or_default()])?;
    meta.execute(params!["layout_version", LAYOUT_VERSION.to_string()])?;

    let mut council = tx.prepare(
        "INSERT INTO councils (council_id, name, source_url, final_url, content_type, sha256, bytes, fetched_at, \
         title, pages, record_file) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let mut paragraph = tx.prepare(
        "INSERT INTO paragraphs (id, council_id, paragraph_id, seq, kind, page, section, text) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut label = tx.prepare("INSERT OR IGNORE INTO labels (paragraph, kind, label) VALUES (?1, ?2, ?3)")?;
    let mut evidence = tx.prepare(
        "INSERT INTO evidence (paragraph, label, rule, heading, span_start, span_end, matched) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    let mut figure = tx.prepare(
        "INSERT INTO figures (council_id, paragraph, figure_id, page, value, high, unit, noun, raw, qualifiers, \
         flags, note, rule, context, span_start, span_end, sentence) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?;

    let mut next_id: i64 = 0;
    for record in &model.records {
        let source = &record.source;
        council.execute(params![
            record.council.id,
            record.council.name,
            source.url,
            source.final_url,
            source.content_type,
            source.sha256,
            source.bytes as i64,
            source.fetched_at,
            record.document.title,
            record.document.pages,
            record.file,
        ])?;
        let first_id = next_id + 1;
        for (seq, unit) in record.paragraphs.iter().enumerate() {
            next_id += 1;
            paragraph.execute(params![
                next_id,
                record.council.id,
                unit.id,
                seq as i64 + 1,
                unit.kind,
                unit.page,
                unit.section_line(),
                unit.text
            ])?;
            for theme in &unit.themes {
                label.execute(params![next_id, "theme", theme])?;
            }
            for category in &unit.barriers {
                label.execute(params![next_id, "barrier", category])?;
            }
            let chars: Vec<char> = unit.text.chars().collect();
            for item in &unit.evidence {
                if item.spans.is_empty() {
                    evidence.execute(params![
                        next_id,
                        item.label,
                        item.rule,
                        item.heading,
                        None::<i64>,
                        None::<i64>,
                        None::<String>
                    ])?;
                }
                for &[start, end] in &item.spans {
                    let matched: Option<String> =
                        (start < end && end <= chars.len()).then(|| chars[start..end].iter().collect());
                    evidence.execute(params![
                        next_id,
                        item.label,
                        item.rule,
                        item.heading,
                        start as i64,
                        end as i64,
                        matched
                    ])?;
                }
            }
        }
        for item in &record.figures {
            let unit_row = record
                .paragraphs
                .iter()
                .position(|unit| unit.id == item.paragraph)
                .map(|position| first_id + position as i64);
            let unit_name = serde_json::to_value(item.unit).ok().and_then(|v| v.as_str().map(str::to_string));
            figure.execute(params![
                record.council.id,
                unit_row,
                item.id,
                item.page,
                item.value,
                item.high,
                unit_name.unwrap_or_default(),
                item.noun,
                item.raw,
                item.qualifiers.join(";"),
                item.flags.join(";"),
                item.note,
                item.evidence.rule,
                item.evidence.matched.join(";"),
                item.span[0] as i64,
                item.span[1] as i64,
                item.sentence,
            ])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn bundled_sqlite_has_fts5() {
        let db = rusqlite::Connection::open_in_memory().unwrap();
        let enabled: i64 =
            db.query_row("SELECT sqlite_compileoption_used('ENABLE_FTS5')", [], |row| row.get(0)).unwrap();
        assert_eq!(enabled, 1);
    }
}
