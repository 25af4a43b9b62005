//! plansift turns English councils' published productivity plans into structured,
//! classified and traceable data.
//!
//! The pipeline, one module per stage, with plain data flowing between them:
//!
//! 1. [`seeds`]: the seed list of councils and where their plans are;
//! 2. [`fetch`]: the documents' bytes and provenance, crawled politely and cached;
//! 3. [`extract`]: structured text ([`document::Document`]) from HTML, PDF or text;
//! 4. [`segment`]: the units (paragraphs, list items, table rows) with ids and sections;
//! 5. [`classify`]: themes and barrier categories with evidence;
//! 6. [`figures`]: amounts, percentages and counts with their sentence and taxonomy id;
//! 7. [`record`]: the JSON record per council;
//! 8. [`pipeline`]: all of it over a seed list, in parallel, isolated per council;
//! 9. [`report`]: the records as an HTML page, CSV files and an SQLite database;
//! 10. [`eval`]: records scored against a hand-labelled gold file.
//!
//! [`limits`] bounds the work spent on one document; [`atomic`] writes files whole.

pub mod atomic;
pub mod classify;
pub mod document;
pub mod eval;
pub mod extract;
pub mod fetch;
pub mod figures;
pub mod limits;
pub mod pipeline;
pub mod record;
pub mod report;
pub mod seeds;
pub mod segment;
