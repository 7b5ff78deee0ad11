//! Document symbols: each YAML document as `Kind/name`, with its top-level fields.

use kref_yaml::{File, Node, NodeValue, TextRange};

/// What a symbol stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SymbolKind {
    /// A whole YAML document (a resource).
    Resource,
    /// A key whose value is a mapping.
    Object,
    /// A key whose value is a list.
    List,
    /// A key whose value is a scalar, an alias or nothing.
    Scalar,
}

/// One symbol, with the symbols inside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    /// The apiVersion (and namespace) of a resource; the value of a scalar field.
    pub detail: Option<String>,
    pub kind: SymbolKind,
    /// Everything the symbol covers.
    pub range: TextRange,
    /// What to highlight when it is picked: the kind's value, or a key. Inside `range`.
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// Longest scalar shown as a field's detail.
const DETAIL_MAX: usize = 60;

/// At most this many documents get a symbol: an outline of more is of no use to anyone, and a
/// huge file would make a huge answer.
pub const MAX_DOCUMENT_SYMBOLS: usize = 5000;

/// One symbol per document that has content (the first [`MAX_DOCUMENT_SYMBOLS`]).
pub fn document_symbols(file: &File) -> Vec<Symbol> {
    let mut out = Vec::new();
    for (i, doc) in file.documents.iter().enumerate() {
        if out.len() == MAX_DOCUMENT_SYMBOLS {
            break;
        }
        let Some(root) = &doc.root else { continue };
        let kind = doc.kind.as_ref().map(|(k, _)| k.as_str()).filter(|k| !k.is_empty());
        let name = match (kind, doc.name.as_deref()) {
            (Some(k), Some(n)) => format!("{k}/{n}"),
            (Some(k), None) => k.to_string(),
            (None, Some(n)) => format!("document {}: {n}", i + 1),
            (None, None) => format!("document {}", i + 1),
        };
        let mut detail = doc.api_version.as_ref().map(|(a, _)| a.clone());
        if let Some(ns) = &doc.namespace {
            detail = Some(match detail {
                Some(d) => format!("{d} · {ns}"),
                None => ns.clone(),
            });
        }
        let range = root.range;
        let selection = match &doc.kind {
            Some((_, r)) if range.start <= r.start && r.end <= range.end && !r.is_empty() => *r,
            _ => TextRange::empty(range.start),
        };
        let children = root.as_mapping().map(|pairs| {
            pairs
                .iter()
                .map(|p| Symbol {
                    name: p.key.text.clone(),
                    detail: scalar_detail(&p.value),
                    kind: kind_of(&p.value),
                    range: p.range(),
                    selection: p.key_range,
                    children: Vec::new(),
                })
                .collect()
        });
        out.push(Symbol {
            name,
            detail,
            kind: SymbolKind::Resource,
            range,
            selection,
            children: children.unwrap_or_default(),
        });
    }
    out
}

fn kind_of(node: &Node) -> SymbolKind {
    match node.value {
        NodeValue::Mapping(_) => SymbolKind::Object,
        NodeValue::Sequence(_) => SymbolKind::List,
        _ => SymbolKind::Scalar,
    }
}

fn scalar_detail(node: &Node) -> Option<String> {
    let text = node.as_str()?.trim();
    if text.is_empty() {
        return None;
    }
    let line = text.lines().next().unwrap_or_default();
    Some(if line.chars().count() > DETAIL_MAX || line.len() < text.len() {
        let cut: String = line.chars().take(DETAIL_MAX).collect();
        format!("{cut}…")
    } else {
        line.to_string()
    })
}
