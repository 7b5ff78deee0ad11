//! kref's knowledge: the built-in notes, the Markdown → sections/entries parser and their plain data types.
//!
//! This crate does no IO of its own: callers hand it file contents (the built-in notes are embedded
//! at compile time) and get plain data back. It knows nothing of tantivy or the LSP.

pub mod builtin;
pub mod concepts;
pub mod notes;
pub mod schema;
mod text;

pub use concepts::Concept;
pub use notes::{
    CodeBlock, Entry, Note, NoteError, Origin, Section, Subject, decode_note, note_body, parse_note,
};
pub use schema::{Kind, Schema, SchemaSource};
pub use text::{is_kind_name, slugify, split_identifier};
