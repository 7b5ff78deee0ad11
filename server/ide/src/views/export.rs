//! The export view: one search document as `kref export --format ndjson` writes it, for loading
//! the same knowledge into a distributed search engine.

use kref_index::{Doc, DocType};
use serde::{Deserialize, Serialize};

/// One search document, one JSON object per line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportDoc {
    /// Unique: the same id `kref search` returns and `kref show` takes.
    pub id: String,
    /// `section`, `entry` or `schema`.
    #[serde(rename = "type")]
    pub doc_type: DocType,
    pub title: String,
    pub breadcrumb: String,
    pub kinds: Vec<String>,
    /// Plain text (Markdown syntax removed).
    pub text: String,
    /// `builtin` or `user`.
    pub source: String,
    /// The note's path (`builtin:...`, a file path, or `schema:...`).
    pub path: String,
    /// 1-based line in `path` (0 for schema documents).
    pub line: u32,
    pub tags: Vec<String>,
    /// Other names for the topic (the concept layer, a note's `aliases`).
    pub aliases: Vec<String>,
    /// How good an answer the document makes on its own (1.0 is neutral): a ranking prior.
    pub prior: f32,
}

impl ExportDoc {
    pub fn new(doc: &Doc) -> ExportDoc {
        ExportDoc {
            id: doc.id.clone(),
            doc_type: doc.doc_type,
            title: doc.title.clone(),
            breadcrumb: doc.breadcrumb.clone(),
            kinds: doc.kinds.clone(),
            text: doc.body.clone(),
            source: doc.origin.as_str().to_string(),
            path: doc.file.clone(),
            line: doc.line,
            tags: doc.tags.clone(),
            aliases: doc.aliases.clone(),
            prior: doc.prior,
        }
    }
}
