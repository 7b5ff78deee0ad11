//! kref: an offline Kubernetes knowledge base and language server.
//!
//! `kb` loads settings, notes and the index (the IO layer); `cli` is the command line.

pub mod analysis;
pub mod cli;
pub mod kb;
pub mod lsp;
