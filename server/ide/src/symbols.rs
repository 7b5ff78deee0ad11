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
/// the request path. Documents are cut where the parser cuts them (column-0 `---` and `...`); a
/// top-level key is a line starting at column 0 with `key:`; the name is the first `name:` under
/// `metadata:`.
pub fn outline_by_lines(text: &str) -> Vec<Symbol> {
    let mut outline = LineOutline::default();
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = offset;
        offset += raw.len();
        if outline.count >= MAX_SYMBOLS {
            break;
        }
        let line = raw.trim_end_matches(['\n', '\r']);
        if is_marker(line, "---") {
            if outline.content || outline.marker {
                outline.close();
            }
            outline.marker = true;
            continue;
        }
        if is_marker(line, "...") {
            outline.close();
            continue;
        }
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        outline.line(line, line_start);
    }
    outline.close();
    outline.out
}

/// A document marker line: `---` or `...` alone or followed by a space.
fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker).is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// The state of [`outline_by_lines`]: the document being read and the symbols so far.
#[derive(Default)]
struct LineOutline {
    out: Vec<Symbol>,
    /// Symbols made so far, fields included.
    count: usize,
    /// Documents closed so far (empty ones too, as the parser counts them).
    index: usize,
    content: bool,
    marker: bool,
    kind: Option<(String, TextRange)>,
    name: Option<String>,
    api_version: Option<String>,
    in_metadata: bool,
    fields: Vec<Symbol>,
    end: usize,
}

impl LineOutline {
    fn line(&mut self, line: &str, start: usize) {
        self.content = true;
        self.end = start + line.len();
        if let Some(field) = self.fields.last_mut() {
            field.range.end = self.end;
        }
        let trimmed = line.trim_start();
        if line.len() == trimmed.len() && !line.starts_with(['-', '[', '{', '"', '\'', '?', '&', '!', '*']) {
            let Some((key, rest)) = line.split_once(':') else { return };
            let key = key.trim_end();
            let value = rest.split(" #").next().unwrap_or_default().trim();
            self.in_metadata = key == "metadata";
            let value_start = start + line.len() - rest.trim_start().len();
            match key {
                "kind" if !value.is_empty() => {
                    self.kind =
                        Some((value.to_string(), TextRange::new(value_start, value_start + value.len())));
                }
                "apiVersion" if !value.is_empty() => self.api_version = Some(value.to_string()),
                _ => {}
            }
            let needed = if self.fields.is_empty() { 2 } else { 1 };
            if self.count + needed > MAX_SYMBOLS {
                self.count = MAX_SYMBOLS;
                return;
            }
            self.count += needed;
            self.fields.push(Symbol {
                name: key.to_string(),
                detail: (!value.is_empty()).then(|| value.chars().take(DETAIL_MAX).collect()),
                kind: if value.is_empty() { SymbolKind::Object } else { SymbolKind::Scalar },
                range: TextRange::new(start, self.end),
                selection: TextRange::new(start, start + key.len()),
                children: Vec::new(),
            });
        } else if self.in_metadata
            && self.name.is_none()
            && let Some(rest) = trimmed.strip_prefix("name:")
        {
            self.name = Some(rest.split(" #").next().unwrap_or_default().trim().to_string());
        }
    }

    /// Ends the current document, adding its symbol if it had fields.
    fn close(&mut self) {
        let fields = std::mem::take(&mut self.fields);
        let (kind, name, api_version) = (self.kind.take(), self.name.take(), self.api_version.take());
        if let Some(first) = fields.first() {
            let range = TextRange::new(first.range.start, self.end.max(first.range.end));
            let selection = kind.as_ref().map_or(TextRange::empty(range.start), |(_, r)| *r);
            let name = match (kind, name) {
                (Some((k, _)), Some(n)) => format!("{k}/{n}"),
                (Some((k, _)), None) => k,
                (None, Some(n)) => format!("document {}: {n}", self.index + 1),
                (None, None) => format!("document {}", self.index + 1),
            };
            self.out.push(Symbol {
                name,
                detail: api_version,
                kind: SymbolKind::Resource,
                range,
                selection,
                children: fields,
            });
        }
        self.index += 1;
        self.content = false;
        self.marker = false;
        self.in_metadata = false;
    }
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
        // Name and selection of each symbol and of its children.
        let shape = |symbols: &[Symbol]| -> Vec<String> {
            symbols
                .iter()
                .map(|s| {
                    let children: Vec<String> =
                        s.children.iter().map(|c| format!("{}@{}", c.name, c.selection)).collect();
                    format!("{}@{} [{}]", s.name, s.selection, children.join(" "))
                })
                .collect()
        };
        assert_eq!(shape(&lines), shape(&parsed));
        assert_eq!(lines[0].name, "Deployment/web");
        assert_eq!(lines[1].name, "Service");
        assert_eq!(lines[2].name, "document 4", "empty documents count, as the parser counts them");
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
