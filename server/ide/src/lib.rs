//! kref-ide, the analysis: pure functions over parsed YAML files and the knowledge base,
//! returning plain data. `model` is the object model every feature reads (objects, pods,
//! containers, selectors, references, the workspace and the project layout); `diagnostics`,
//! `hover`, `completion`, `definition`, `symbols`, `helm` and `views` are built on it.
//!
//! Each feature takes `(&kref_yaml::File, byte offset, &Knowledge)` (or a workspace the caller
//! filled) and answers with its own small structs (Markdown strings, completion items, symbols,
//! serialisable views); only the shells in the `kref` package (`server/lsp`, `server/cli`,
//! `server/web`) turn them into protocol types or output. Nothing here does IO: this crate
//! depends on kref-corpus, kref-index, kref-yaml and pure libraries only, and `clippy.toml`
//! makes file, network, process and environment access a lint error (tests may read fixtures).

// Tests read their fixtures from disk; the library itself may not.
#![cfg_attr(test, allow(clippy::disallowed_methods, clippy::disallowed_types))]

pub mod base64;
pub mod completion;
pub mod definition;
pub mod diagnostics;
pub mod docs;
pub mod helm;
pub mod helm_ide;
pub mod hover;
pub mod implicit;
pub mod knowledge;
pub mod kustomize;
pub mod model;
pub mod navigate;
pub mod notes_check;
pub mod placeholders;
pub mod schema_doc;
pub mod site;
pub mod skeletons;
pub mod symbols;
pub mod values;
pub mod views;

#[cfg(test)]
mod tests;

pub use completion::{CompletionItem, DocRef, Edit, ItemKind, complete, resolve_docs};
pub use hover::{Explained, Hover, explain, hover};
pub use knowledge::{Knowledge, NoteEntry, Related};
pub use symbols::{Symbol, SymbolKind, document_symbols};

#[cfg(test)]
mod boundary {
    /// The crate's dependencies keep it a pure library: no async runtime, protocol, command line
    /// or HTTP crates (those belong to the shells in the `kref` package).
    #[test]
    fn no_protocol_or_io_crates_in_the_dependencies() {
        let manifest = include_str!("../Cargo.toml");
        let mut section = "";
        let mut deps = Vec::new();
        for line in manifest.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line;
            } else if section == "[dependencies]"
                && let Some((name, _)) = line.split_once('=')
                && !line.starts_with('#')
            {
                deps.push(name.trim().trim_end_matches(".workspace").to_string());
            }
        }
        assert!(deps.iter().any(|d| d == "kref-yaml"), "the dependencies were not read: {deps:?}");
        let allowed = [
            "kref-corpus",
            "kref-index",
            "kref-yaml",
            "serde",
            "serde_json",
            "strsim",
            "tracing",
            "regex",
            "serde_norway",
            "sha2",
            "rayon",
            "base64",
            "chrono-tz",
        ];
        let extra: Vec<&String> = deps.iter().filter(|d| !allowed.contains(&d.as_str())).collect();
        assert!(
            extra.is_empty(),
            "kref-ide depends on {extra:?}: only pure crates belong here (no tokio, tower-lsp, clap, axum, \
             hyper, walkdir...); if the new one is pure, add it to this list"
        );
    }
}
