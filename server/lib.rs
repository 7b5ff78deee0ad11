//! kref: an offline Kubernetes knowledge base and language server.
//!
//! `kb` loads settings, notes and the index (the IO layer); `cli` is the command line, `lsp` the
//! language server and `web` the browser reference (`kref serve`). The analysis they all serve
//! is the crate `kref-ide` (`server/ide`), pure by construction, re-exported here as
//! `analysis`.

pub use kref_ide as analysis;
pub mod cli;
pub mod kb;
pub mod lsp;
pub mod web;
