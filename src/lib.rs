//! plansift turns English councils' published productivity plans into structured,
//! classified and traceable data.
//!
//! The pipeline, one module per stage, with plain data flowing between them:
//!
//! 1. [`seeds`]: the seed list of councils and where their plans are;
//! 2. [`fetch`]: the documents' bytes and provenance;
//! 3. [`extract`]: structured text ([`document::Document`]) from HTML, PDF or text;
//! 4. [`segment`]: the units (paragraphs, list items, table rows) with ids and sections;
//! 5. [`classify`]: themes and barrier categories with evidence;
//! 6. [`record`]: the JSON record per council;
//! 7. [`pipeline`]: all of it over a seed list, in parallel, isolated per council.

pub mod atomic;
pub mod classify;
pub mod document;
pub mod extract;
pub mod fetch;
pub mod figures;
pub mod limits;
pub mod pipeline;
pub mod record;
pub mod seeds;
pub mod segment;
