//! kref's search index over notes (and, later, schema documents): tantivy schema, building, refresh and search.
//!
//! Everything crossing this crate's boundary is plain data: [`Doc`]s go in (see
//! [`docs_from_note`]), [`Hit`]s come out of [`SearchIndex::search`]. The index keeps a
//! [`Manifest`] of what it was built from in its commit payload, so documents and manifest change
//! together. Full builds on disk are atomic ([`SearchIndex::create`]); incremental updates are one
//! commit ([`SearchIndex::update`]).
//!
//! Text is analyzed with an English stemmer and an identifier splitter
//! ([`tokenizer::IdentifierSplitter`]): `maxSurge` is found by `max surge` and `"max surge"`,
//! and `access modes` finds `accessModes`. Misspelled words that occur nowhere are corrected
//! against the index's vocabulary (`statefulst` → `statefulset`).

mod answer;
mod doc;
mod error;
mod index;
mod manifest;
mod packed;
mod query;
mod schema;
mod schema_docs;
mod search;
pub mod tokenizer;

pub use answer::{Answer, SUMMARY_MAX_CHARS, Subject, answer, first_sentence, subject_of};
pub use doc::{BREADCRUMB_SEPARATOR, Doc, DocType, Within, docs_from_note, prior};
pub use error::IndexError;
pub use index::{Builder, SearchIndex, Update};
pub use manifest::{FileStamp, Manifest, ManifestSummary};
pub use schema_docs::{BUILTIN_SCHEMA_FILE, docs_from_schema, schema_file};
pub use search::{Hit, MAX_LIMIT, Query, SNIPPET_MAX_CHARS, Snippet};

/// Version of the index layout (tantivy schema, analyzers and document mapping). Bump it on any
/// change to them: indexes of another version are reported as [`IndexError::VersionMismatch`]
/// and must be rebuilt.
pub const INDEX_SCHEMA_VERSION: u32 = 5;
