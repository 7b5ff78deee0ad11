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

/// At most this many symbols (documents and their fields) are returned: an outline of more is of
/// no use to anyone, and a huge file would make a huge answer.
pub const MAX_SYMBOLS: usize = 5000;

/// One symbol per document that has content, with its top-level fields, up to [`MAX_SYMBOLS`] in
/// all.
pub fn document_symbols(file: &File) -> Vec<Symbol> {
    let mut out: Vec<Symbol> = Vec::new();
    let mut count = 0;
    for (i, doc) in file.documents.iter().enumerate() {
        if count >= MAX_SYMBOLS {
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
        let room = MAX_SYMBOLS.saturating_sub(count + 1);
        let children = root.as_mapping().map(|pairs| {
            pairs
                .iter()
                .take(room)
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
        let children: Vec<Symbol> = children.unwrap_or_default();
        count += 1 + children.len();
        out.push(Symbol { name, detail, kind: SymbolKind::Resource, range, selection, children });
    }
    out
}

/// The same outline from the lines alone, without parsing: for documents too large to parse on
/// the request path. Documents are cut at column-0 `---`/`...` lines; a top-level key is a line
/// starting at column 0 with `key:`; the name is the first `name:` one level under `metadata:`.
pub fn outline_by_lines(text: &str) -> Vec<Symbol> {
    struct Open {
        kind: Option<(String, TextRange)>,
        name: Option<String>,
        api_version: Option<String>,
        in_metadata: bool,
        fields: Vec<Symbol>,
    }
    fn close(open: Open, end: usize, index: usize, out: &mut Vec<Symbol>) {
        let Some(first) = open.fields.first() else { return };
        let range = TextRange::new(first.range.start, end.max(first.range.end));
        let selection = open.kind.as_ref().map_or(TextRange::empty(range.start), |(_, r)| *r);
        let name = match (open.kind, open.name) {
            (Some((k, _)), Some(n)) => format!("{k}/{n}"),
            (Some((k, _)), None) => k,
            (None, Some(n)) => format!("document {}: {n}", index + 1),
            (None, None) => format!("document {}", index + 1),
        };
        out.push(Symbol {
            name,
            detail: open.api_version,
            kind: SymbolKind::Resource,
            range,
            selection,
            children: open.fields,
        });
    }
    let mut out = Vec::new();
    let mut count = 0;
    let mut doc_index = 0;
    let mut open = Open { kind: None, name: None, api_version: None, in_metadata: false, fields: Vec::new() };
    let mut last_content_end = 0;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        if count >= MAX_SYMBOLS {
            break;
        }
        let line = raw.trim_end_matches(['\n', '\r']);
        if line.starts_with("---") || line.starts_with("...") {
            let had = !open.fields.is_empty();
            count += usize::from(had) + open.fields.len();
            let next = Open { kind: None, name: None, api_version: None, in_metadata: false, fields: Vec::new() };
            close(std::mem::replace(&mut open, next), last_content_end, doc_index, &mut out);
            if had {
                doc_index += 1;
            }
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        last_content_end = line_start + line.len();
        if let Some(field) = open.fields.last_mut() {
            field.range.end = last_content_end;
        }
        let indent = line.len() - trimmed.len();
        if indent == 0 && !line.starts_with(['-', '[', '{', '"', '\'']) {
            let Some((key, value)) = line.split_once(':') else { continue };
            let key = key.trim();
            let value = value.split(" #").next().unwrap_or_default().trim();
            open.in_metadata = key == "metadata";
            let value_start = line_start + line.len() - line[key.len() + 1..].trim_start().len();
            match key {
                "kind" if !value.is_empty() => {
                    open.kind = Some((value.to_string(), TextRange::new(value_start, value_start + value.len())));
                }
                "apiVersion" if !value.is_empty() => open.api_version = Some(value.to_string()),
                _ => {}
            }
            let kind = if value.is_empty() { SymbolKind::Object } else { SymbolKind::Scalar };
            open.fields.push(Symbol {
                name: key.to_string(),
                detail: (!value.is_empty()).then(|| value.chars().take(DETAIL_MAX).collect()),
                kind,
                range: TextRange::new(line_start, last_content_end),
                selection: TextRange::new(line_start, line_start + key.len()),
                children: Vec::new(),
            });
        } else if open.in_metadata
            && open.name.is_none()
            && let Some(rest) = trimmed.strip_prefix("name:")
        {
            open.name = Some(rest.split(" #").next().unwrap_or_default().trim().to_string());
        }
    }
    close(open, last_content_end, doc_index, &mut out);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_outline_matches_the_parsed_one() {
        let text = "# leading comment\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  labels:\n    app: web\n  name: web\nspec:\n  replicas: 2\n---\n---\nkind: Service # svc\nspec: {}\n...\nname: x\n";
        let parsed = document_symbols(&kref_yaml::parse(text));
        let lines = outline_by_lines(text);
        let shape = |symbols: &[Symbol]| -> Vec<(String, TextRange, Vec<(String, TextRange)>)> {
            symbols
                .iter()
                .map(|s| (s.name.clone(), s.selection, s.children.iter().map(|c| (c.name.clone(), c.selection)).collect()))
                .collect()
        };
        assert_eq!(shape(&lines), shape(&parsed));
        assert_eq!(lines[0].name, "Deployment/web");
        assert_eq!(lines[1].name, "Service");
        assert_eq!(lines[2].name, "document 3");
        for s in &lines {
            assert!(s.range.start <= s.selection.start && s.selection.end <= s.range.end, "{s:?}");
        }
    }

    #[test]
    fn outlines_stop_at_the_limit() {
        let text = "kind: ConfigMap\nmetadata:\n  name: a\n---\n".repeat(3000);
        let count = |symbols: &[Symbol]| symbols.iter().map(|s| 1 + s.children.len()).sum::<usize>();
        assert!(count(&outline_by_lines(&text)) <= MAX_SYMBOLS);
        assert!(count(&document_symbols(&kref_yaml::parse(&text))) <= MAX_SYMBOLS);
    }
}
