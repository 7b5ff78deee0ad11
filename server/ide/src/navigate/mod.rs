//! Navigation across a workspace's manifests: what each file declares, refers to, labels and
//! selects (kept per file as plain data, see [`index`]), and the answers built on it: find
//! references, rename, workspace symbols; and the structure of one file (folding ranges,
//! selection ranges, document links).
//!
//! Pure: the language server keeps a [`index::FileNav`] per file and passes the ones a file sees.

pub mod hosts;
pub mod index;
pub mod lens;
pub mod references;
pub mod rename;
pub mod structure;
pub mod symbols;
