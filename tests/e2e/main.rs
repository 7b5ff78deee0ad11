//! End-to-end tests of the real `kref` binary, each in its own temporary home and cache.

mod check;
mod cli;
mod explain;
mod helm;
mod kustomize;
mod lsp;
mod lsp_client;
mod lsp_helm;
mod lsp_navigate;
mod lsp_transport;
mod lsp_workspace;
mod precision;
mod serve;
mod util;
