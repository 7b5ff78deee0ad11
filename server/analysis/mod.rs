//! The IDE layer: pure functions over a parsed YAML file and the knowledge base, returning plain data.
//!
//! Each feature takes `(&kref_yaml::File, byte offset, &Knowledge)` and answers with its own small
//! structs (Markdown strings, completion items, symbols); only `server/lsp` turns them into
//! protocol types. Nothing here does IO.

pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod docs;
pub mod helm;
pub mod helm_ide;
pub mod hover;
pub mod knowledge;
pub mod manifest;
pub mod notes_check;
pub mod placeholders;
pub mod project;
pub mod schema_doc;
pub mod site;
pub mod skeletons;
pub mod symbols;
pub mod views;

#[cfg(test)]
mod tests;

pub use completion::{CompletionItem, DocRef, Edit, ItemKind, complete, resolve_docs};
pub use hover::{Explained, Hover, explain, hover};
pub use knowledge::{Knowledge, NoteEntry, Related};
pub use symbols::{Symbol, SymbolKind, document_symbols};
