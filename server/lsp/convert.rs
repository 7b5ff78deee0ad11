//! Analysis results → protocol types, and the completion item `data` that brings an item back
//! for `completionItem/resolve`. The analysis structs never derive `Serialize`: this file is the
//! boundary.

use kref_yaml::{Encoding, LineIndex};
use serde_json::{Value, json};
use tower_lsp_server::ls_types::{
    self as lsp, CompletionItemKind, CompletionItemTag, CompletionTextEdit, DocumentSymbol, Documentation,
    InsertTextFormat, InsertTextMode, MarkupContent, MarkupKind, TextEdit,
};

use super::positions::range;
use crate::analysis::skeletons::snippet_to_text;
use crate::analysis::{self, DocRef, ItemKind, SymbolKind};

/// What the client can take, from its `initialize` capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientFlags {
    pub snippets: bool,
    pub hierarchical_symbols: bool,
    /// The client takes `workspace/inlayHint/refresh`.
    pub hint_refresh: bool,
}

impl Default for ClientFlags {
    fn default() -> Self {
        ClientFlags { snippets: false, hierarchical_symbols: true, hint_refresh: false }
    }
}

impl ClientFlags {
    pub fn from_capabilities(caps: &lsp::ClientCapabilities) -> ClientFlags {
        let text = caps.text_document.as_ref();
        let snippets = text
            .and_then(|t| t.completion.as_ref())
            .and_then(|c| c.completion_item.as_ref())
            .and_then(|i| i.snippet_support)
            .unwrap_or(false);
        let hierarchical_symbols = text
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|s| s.hierarchical_document_symbol_support)
            .unwrap_or(true);
        let hint_refresh = caps
            .workspace
            .as_ref()
            .and_then(|w| w.inlay_hint.as_ref())
            .and_then(|h| h.refresh_support)
            .unwrap_or(false);
        ClientFlags { snippets, hierarchical_symbols, hint_refresh }
    }
}

fn markdown(value: String) -> MarkupContent {
    MarkupContent { kind: MarkupKind::Markdown, value }
}

pub fn hover(h: analysis::Hover, index: &LineIndex, encoding: Encoding) -> lsp::Hover {
    lsp::Hover {
        contents: lsp::HoverContents::Markup(markdown(h.markdown)),
        range: Some(range(index, h.range, encoding)),
    }
}

fn item_kind(kind: ItemKind) -> CompletionItemKind {
    match kind {
        ItemKind::Field => CompletionItemKind::PROPERTY,
        ItemKind::Value => CompletionItemKind::ENUM_MEMBER,
        ItemKind::Boolean => CompletionItemKind::VALUE,
        ItemKind::Kind => CompletionItemKind::CLASS,
        ItemKind::ApiVersion => CompletionItemKind::MODULE,
        ItemKind::Snippet => CompletionItemKind::SNIPPET,
    }
}

fn edit(e: &analysis::Edit, index: &LineIndex, encoding: Encoding) -> TextEdit {
    TextEdit { range: range(index, e.range, encoding), new_text: e.text.clone() }
}

pub fn completion_item(
    item: analysis::CompletionItem,
    index: &LineIndex,
    encoding: Encoding,
    flags: ClientFlags,
) -> lsp::CompletionItem {
    let snippet = item.snippet && flags.snippets;
    let text = if item.snippet && !flags.snippets {
        snippet_to_text(&item.edit.text)
    } else {
        item.edit.text.clone()
    };
    let main = TextEdit { range: range(index, item.edit.range, encoding), new_text: text };
    let additional: Vec<TextEdit> = item.additional_edits.iter().map(|e| edit(e, index, encoding)).collect();
    lsp::CompletionItem {
        label: item.label,
        kind: Some(item_kind(item.kind)),
        detail: item.detail,
        sort_text: Some(item.sort_text),
        filter_text: item.filter_text,
        text_edit: Some(CompletionTextEdit::Edit(main)),
        insert_text_format: Some(if snippet {
            InsertTextFormat::SNIPPET
        } else {
            InsertTextFormat::PLAIN_TEXT
        }),
        // The text already carries the indentation it needs.
        insert_text_mode: Some(InsertTextMode::AS_IS),
        additional_text_edits: (!additional.is_empty()).then_some(additional),
        tags: item.deprecated.then(|| vec![CompletionItemTag::DEPRECATED]),
        data: item.docs.as_ref().map(doc_ref_to_json),
        ..lsp::CompletionItem::default()
    }
}

/// Fills in an item's documentation from its `data`; unchanged when the data is not ours.
pub fn resolve_item(mut item: lsp::CompletionItem, kb: &analysis::Knowledge) -> lsp::CompletionItem {
    if item.documentation.is_none()
        && let Some(doc_ref) = item.data.as_ref().and_then(doc_ref_from_json)
        && let Some(md) = analysis::resolve_docs(kb, &doc_ref)
    {
        item.documentation = Some(Documentation::MarkupContent(markdown(md)));
    }
    item
}

/// The `data` of a completion item: `{"doc": "field", "apiVersion", "kind", "path", "docKind", "value"}`.
pub fn doc_ref_to_json(d: &DocRef) -> Value {
    match d {
        DocRef::Kind { api_version, kind } => json!({"doc": "kind", "apiVersion": api_version, "kind": kind}),
        DocRef::ApiVersion { api_version, kind } => {
            json!({"doc": "apiVersion", "apiVersion": api_version, "kind": kind})
        }
        DocRef::Field { api_version, kind, path, doc_kind } => {
            json!({"doc": "field", "apiVersion": api_version, "kind": kind, "path": path, "docKind": doc_kind})
        }
        DocRef::Value { api_version, kind, path, doc_kind, value } => json!({
            "doc": "value", "apiVersion": api_version, "kind": kind, "path": path, "docKind": doc_kind, "value": value
        }),
    }
}

/// The inverse of [`doc_ref_to_json`]; `None` for anything else.
pub fn doc_ref_from_json(v: &Value) -> Option<DocRef> {
    let s = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    Some(match v.get("doc")?.as_str()? {
        "kind" => DocRef::Kind { api_version: s("apiVersion")?, kind: s("kind")? },
        "apiVersion" => DocRef::ApiVersion { api_version: s("apiVersion")?, kind: s("kind") },
        "field" => DocRef::Field {
            api_version: s("apiVersion")?,
            kind: s("kind")?,
            path: s("path")?,
            doc_kind: s("docKind").unwrap_or_default(),
        },
        "value" => DocRef::Value {
            api_version: s("apiVersion")?,
            kind: s("kind")?,
            path: s("path")?,
            doc_kind: s("docKind").unwrap_or_default(),
            value: s("value")?,
        },
        _ => return None,
    })
}

fn symbol_kind(kind: SymbolKind) -> lsp::SymbolKind {
    match kind {
        SymbolKind::Resource => lsp::SymbolKind::CLASS,
        SymbolKind::Object => lsp::SymbolKind::OBJECT,
        SymbolKind::List => lsp::SymbolKind::ARRAY,
        SymbolKind::Scalar => lsp::SymbolKind::FIELD,
    }
}

#[allow(deprecated)]
fn document_symbol(s: analysis::Symbol, index: &LineIndex, encoding: Encoding) -> DocumentSymbol {
    let children: Vec<DocumentSymbol> =
        s.children.into_iter().map(|c| document_symbol(c, index, encoding)).collect();
    DocumentSymbol {
        // Some clients reject an empty name.
        name: if s.name.is_empty() { "\"\"".into() } else { s.name },
        detail: s.detail,
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        range: range(index, s.range, encoding),
        selection_range: range(index, s.selection, encoding),
        children: (!children.is_empty()).then_some(children),
    }
}

/// Symbols as a tree, or flat with container names for clients that do not take trees.
#[allow(deprecated)]
pub fn document_symbols(
    symbols: Vec<analysis::Symbol>,
    uri: &lsp::Uri,
    index: &LineIndex,
    encoding: Encoding,
    flags: ClientFlags,
) -> lsp::DocumentSymbolResponse {
    if flags.hierarchical_symbols {
        return lsp::DocumentSymbolResponse::Nested(
            symbols.into_iter().map(|s| document_symbol(s, index, encoding)).collect(),
        );
    }
    let mut flat = Vec::new();
    for s in symbols {
        let container = s.name.clone();
        let info = |s: &analysis::Symbol, container: Option<String>| lsp::SymbolInformation {
            name: s.name.clone(),
            kind: symbol_kind(s.kind),
            tags: None,
            deprecated: None,
            location: lsp::Location { uri: uri.clone(), range: range(index, s.range, encoding) },
            container_name: container,
        };
        flat.push(info(&s, None));
        for c in &s.children {
            flat.push(info(c, Some(container.clone())));
        }
    }
    lsp::DocumentSymbolResponse::Flat(flat)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_refs_round_trip() {
        let refs = [
            DocRef::Kind { api_version: "apps/v1".into(), kind: "Deployment".into() },
            DocRef::ApiVersion { api_version: "v1".into(), kind: None },
            DocRef::Field {
                api_version: "batch/v1".into(),
                kind: "CronJob".into(),
                path: "spec.concurrencyPolicy".into(),
                doc_kind: "CronJob".into(),
            },
            DocRef::Value {
                api_version: "batch/v1".into(),
                kind: "Job".into(),
                path: "spec.template.spec.restartPolicy".into(),
                doc_kind: "Job".into(),
                value: "Never".into(),
            },
        ];
        for r in refs {
            assert_eq!(doc_ref_from_json(&doc_ref_to_json(&r)), Some(r));
        }
        assert_eq!(doc_ref_from_json(&json!({"doc": "field"})), None);
        assert_eq!(doc_ref_from_json(&json!(42)), None);
    }
}
