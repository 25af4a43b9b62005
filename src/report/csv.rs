//! Tidy CSV tables: one observation per row, a header row, a fixed column order,
//! UTF-8, RFC 4180 quoting and CRLF line ends.
//!
//! Lists inside one cell (a unit's themes, a section path) are joined with `;`
//! and ` > ` respectively; the long form is in `barriers.csv` and the database.

use super::Model;

/// A CSV table's file name and builder.
pub type Table = (&'static str, fn(&Model) -> Result<Vec<u8>, ::csv::Error>);

/// Every CSV table, in the order written.
pub const TABLES: [Table; 4] =
    [("councils.csv", councils), ("paragraphs.csv", paragraphs), ("barriers.csv", barriers), ("figures.csv", figures)];

fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new().terminator(::csv::Terminator::CRLF).from_writer(Vec::new())
}

fn finish(writer: ::csv::Writer<Vec<u8>>) -> Result<Vec<u8>, ::csv::Error> {
    writer.into_inner().map_err(|error| ::csv::Error::from(error.into_error()))
}

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map(|value| value.to_string()).unwrap_or_default()
}

/// `councils.csv`: one row per council with its source document and counts.
pub fn councils(model: &Model) -> Result<Vec<u8>, ::csv::Error> {
    let mut out = writer();
    out.write_record([
        "council_id",
        "council_name",
        "source_url",
        "final_url",
        "content_type",
        "sha256",
        "bytes",
        "fetched_at",
        "title",
        "pages",
        "paragraphs",
        "labelled_paragraphs",
        "barrier_categories",
        "figures",
        "warnings",
        "record_file",
    ])?;
    for (record, counts) in model.records.iter().zip(&model.counts) {
        out.write_record([
            record.council.id.clone(),
            record.council.name.clone(),
            record.source.url.clone(),
            record.source.final_url.clone(),
            record.source.content_type.clone(),
            record.source.sha256.clone(),
            record.source.bytes.to_string(),
            record.source.fetched_at.clone(),
            record.document.title.clone().unwrap_or_default(),
            optional(record.document.pages),
            record.paragraphs.len().to_string(),
            counts.labelled_units.to_string(),
            counts.barrier_units.len().to_string(),
            record.figures.len().to_string(),
            record.warnings.len().to_string(),
            record.file.clone(),
        ])?;
    }
    finish(out)
}

/// `paragraphs.csv`: one row per unit with its labels.
pub fn paragraphs(model: &Model) -> Result<Vec<u8>, ::csv::Error> {
    let mut out = writer();
    out.write_record(["council_id", "paragraph_id", "seq", "kind", "page", "section", "themes", "barriers", "text"])?;
    for record in &model.records {
        for (seq, paragraph) in record.paragraphs.iter().enumerate() {
            out.write_record([
                record.council.id.clone(),
                paragraph.id.clone(),
                (seq + 1).to_string(),
                paragraph.kind.clone(),
                optional(paragraph.page),
                paragraph.section_line(),
                paragraph.themes.join(";"),
                paragraph.barriers.join(";"),
                paragraph.text.clone(),
            ])?;
        }
    }
    finish(out)
}

/// `barriers.csv`: one row per council, barrier category and unit, categories in
/// the report's rank order.
pub fn barriers(model: &Model) -> Result<Vec<u8>, ::csv::Error> {
    let mut out = writer();
    out.write_record([
        "council_id",
        "council_name",
        "category",
        "paragraph_id",
        "page",
        "section",
        "rules",
        "matched",
        "text",
    ])?;
    for (record, counts) in model.records.iter().zip(&model.counts) {
        for category in &model.categories {
            let Some(units) = counts.barrier_units.get(&category.label.id) else { continue };
            for &index in units {
                let paragraph = &record.paragraphs[index];
                let mut rules: Vec<&str> = paragraph
                    .evidence
                    .iter()
                    .filter(|evidence| evidence.label == category.label.id)
                    .map(|evidence| evidence.rule.as_str())
                    .collect();
                rules.dedup();
                let chars: Vec<char> = paragraph.text.chars().collect();
                let matched: Vec<String> = paragraph
                    .spans_for(&category.label.id)
                    .iter()
                    .map(|&[start, end]| chars[start..end].iter().collect())
                    .collect();
                out.write_record([
                    record.council.id.clone(),
                    record.council.name.clone(),
                    category.label.id.clone(),
                    paragraph.id.clone(),
                    optional(paragraph.page),
                    paragraph.section_line(),
                    rules.join(";"),
                    matched.join(";"),
                    paragraph.text.clone(),
                ])?;
            }
        }
    }
    finish(out)
}

/// `figures.csv`: one row per figure, councils in id order, figures in record order.
pub fn figures(model: &Model) -> Result<Vec<u8>, ::csv::Error> {
    let mut out = writer();
    out.write_record([
        "council_id",
        "figure_id",
        "paragraph_id",
        "page",
        "value",
        "high",
        "unit",
        "noun",
        "raw",
        "qualifiers",
        "flags",
        "note",
        "rule",
        "context",
        "span_start",
        "span_end",
        "sentence",
    ])?;
    for record in &model.records {
        for figure in &record.figures {
            let unit = serde_json::to_value(figure.unit).ok().and_then(|v| v.as_str().map(str::to_string));
            out.write_record([
                record.council.id.clone(),
                figure.id.clone(),
                figure.paragraph.clone(),
                optional(figure.page),
                figure.value.to_string(),
                optional(figure.high),
                unit.unwrap_or_default(),
                figure.noun.clone().unwrap_or_default(),
                figure.raw.clone(),
                figure.qualifiers.join(";"),
                figure.flags.join(";"),
                figure.note.clone().unwrap_or_default(),
                figure.evidence.rule.clone(),
                figure.evidence.matched.join(";"),
                figure.span[0].to_string(),
                figure.span[1].to_string(),
                figure.sentence.clone(),
            ])?;
        }
    }
    finish(out)
}
