//! Building quick fixes as plain text edits: replacing a value, inserting a child into a
//! mapping at the right indentation, rendering small YAML blocks, suppression comments.

use kref_yaml::{File, Node, NodeValue, Pair, TextRange};

use super::{Fix, TextEdit};

/// The byte column of `offset` on its line.
pub(crate) fn column(file: &File, offset: usize) -> usize {
    offset.saturating_sub(line_start(file, offset))
}

/// The offset of the start of the line holding `offset`.
pub(crate) fn line_start(file: &File, offset: usize) -> usize {
    let index = file.line_index();
    index.line_range(index.line_of(offset)).map_or(0, |r| r.start)
}

/// The offset of the end of the line holding `offset` (before its line break).
pub(crate) fn line_end(file: &File, offset: usize) -> usize {
    let index = file.line_index();
    index.line_range(index.line_of(offset)).map_or(file.text().len(), |r| r.end)
}

/// The last offset inside a range (its start when empty), for "which line does it end on".
fn last_inside(range: TextRange) -> usize {
    if range.end > range.start { range.end - 1 } else { range.start }
}

/// The leading whitespace of the line holding `offset`.
pub(crate) fn line_indent(file: &File, offset: usize) -> String {
    let start = line_start(file, offset);
    let text = file.text();
    let rest = text.get(start..).unwrap_or("");
    rest.chars().take_while(|c| *c == ' ').collect()
}

/// A fix that replaces `range` with `text`.
pub(crate) fn replace(title: impl Into<String>, range: TextRange, text: impl Into<String>) -> Fix {
    Fix { title: title.into(), edits: vec![TextEdit { range, new_text: text.into() }] }
}

/// A YAML scalar for `text`, quoted when a plain scalar would read as something else.
pub(crate) fn yaml_string(text: &str) -> String {
    kref_yaml::string_scalar(text)
}

/// A small YAML tree to render into a fix.
#[derive(Debug, Clone)]
pub(crate) enum Y {
    /// A scalar written as given (already quoted if it needs to be).
    S(String),
    /// A mapping.
    M(Vec<(String, Y)>),
    /// A sequence.
    L(Vec<Y>),
}

impl Y {
    pub fn s(text: impl Into<String>) -> Y {
        Y::S(text.into())
    }

    /// Lines of `key: value` at `indent` spaces, nested by `unit`; the first line has no
    /// indentation (the caller places it).
    pub fn render_pair(key: &str, value: &Y, indent: usize, unit: usize) -> String {
        let mut out = String::new();
        render_entry(&mut out, key, value, indent, unit, true);
        out
    }
}

fn pad(n: usize) -> String {
    " ".repeat(n)
}

fn render_entry(out: &mut String, key: &str, value: &Y, indent: usize, unit: usize, first: bool) {
    if !first {
        out.push('\n');
        out.push_str(&pad(indent));
    }
    out.push_str(key);
    out.push(':');
    match value {
        Y::S(s) => {
            out.push(' ');
            out.push_str(s);
        }
        Y::M(entries) if entries.is_empty() => out.push_str(" {}"),
        Y::L(items) if items.is_empty() => out.push_str(" []"),
        Y::M(entries) => {
            for (k, v) in entries {
                render_entry(out, k, v, indent + unit, unit, false);
            }
        }
        Y::L(list) => {
            for item in list {
                out.push('\n');
                out.push_str(&pad(indent + unit));
                out.push_str("- ");
                match item {
                    Y::S(s) => out.push_str(s),
                    Y::M(entries) if !entries.is_empty() => {
                        let mut first_entry = true;
                        for (k, v) in entries {
                            render_entry(out, k, v, indent + unit + 2, unit, first_entry);
                            first_entry = false;
                        }
                    }
                    Y::M(_) => out.push_str("{}"),
                    Y::L(_) => out.push_str("[]"),
                }
            }
        }
    }
}

/// The column of the keys of a block mapping, if it has any.
pub(crate) fn key_column(file: &File, mapping: &Node) -> Option<usize> {
    let first = mapping.as_mapping()?.first()?;
    Some(column(file, first.key_range.start))
}

/// An edit that adds `key: value` to the mapping that is the value of `parent` (a pair whose
/// value is a mapping, or absent), or to `mapping` directly when `parent` is `None`.
/// `unit` is the document's indentation step.
pub(crate) fn insert_entry(
    file: &File,
    parent: Option<&Pair>,
    mapping: &Node,
    key: &str,
    value: &Y,
    unit: usize,
) -> Option<TextEdit> {
    match &mapping.value {
        NodeValue::Mapping(entries) if !mapping.flow && !entries.is_empty() => {
            let col = key_column(file, mapping)?;
            let last = entries.last()?;
            let at = line_end(file, last_inside(last.range()));
            Some(TextEdit {
                range: TextRange::empty(at),
                new_text: format!("\n{}{}", pad(col), Y::render_pair(key, value, col, unit)),
            })
        }
        NodeValue::Mapping(entries) if mapping.flow => {
            // `{}` or `{a: 1}`: write the entry in flow style when it fits on one line.
            let inline = match value {
                Y::S(s) => s.clone(),
                Y::M(e) if e.is_empty() => "{}".into(),
                Y::L(l) if l.is_empty() => "[]".into(),
                _ => return None,
            };
            let close = mapping.range.end.checked_sub(1)?;
            let sep = if entries.is_empty() { "" } else { ", " };
            Some(TextEdit { range: TextRange::empty(close), new_text: format!("{sep}{key}: {inline}") })
        }
        NodeValue::Missing => {
            let parent = parent?;
            let col = column(file, parent.key_range.start) + unit;
            let at = line_end(file, parent.key_range.start);
            Some(TextEdit {
                range: TextRange::empty(at),
                new_text: format!("\n{}{}", pad(col), Y::render_pair(key, value, col, unit)),
            })
        }
        NodeValue::Scalar(_) if crate::model::is_null(mapping) => {
            let parent = parent?;
            let col = column(file, parent.key_range.start) + unit;
            Some(TextEdit {
                range: TextRange::new(parent.colon? + 1, mapping.range.end),
                new_text: format!("\n{}{}", pad(col), Y::render_pair(key, value, col, unit)),
            })
        }
        _ => None,
    }
}

/// An edit that deletes the lines of a block-mapping pair (key line through the value's last
/// line); `None` when the pair does not start its line.
pub(crate) fn remove_pair(file: &File, pair: &Pair) -> Option<TextEdit> {
    let start = line_start(file, pair.key_range.start);
    let before = file.text().get(start..pair.key_range.start)?;
    if !before.trim().is_empty() {
        return None;
    }
    let end = line_end(file, last_inside(pair.range()));
    let rest = file.text().get(end..).unwrap_or("");
    let end = if rest.starts_with("\r\n") {
        end + 2
    } else if rest.starts_with('\n') {
        end + 1
    } else {
        end
    };
    Some(TextEdit { range: TextRange::new(start, end), new_text: String::new() })
}

/// The fix that silences `rule` on the line of `offset` with a `# kref-ignore:` comment above it.
pub(crate) fn suppress_fix(file: &File, rule: &str, offset: usize) -> Fix {
    let start = line_start(file, offset);
    // On a `- item` line the comment goes at the dash's column, which is the line's indent.
    let indent = line_indent(file, offset);
    Fix {
        title: format!("Suppress {rule} on this line"),
        edits: vec![TextEdit {
            range: TextRange::empty(start),
            new_text: format!("{indent}# kref-ignore: {rule}\n"),
        }],
    }
}

/// Applies edits to a text (edits must not overlap; used by tests and by `kref check --fix`
/// callers).
pub fn apply_edits(text: &str, edits: &[TextEdit]) -> String {
    let mut sorted: Vec<&TextEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in sorted {
        let start = e.range.start.clamp(pos, text.len());
        let end = e.range.end.clamp(start, text.len());
        out.push_str(text.get(pos..start).unwrap_or(""));
        out.push_str(&e.new_text);
        pos = end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_blocks() {
        let y = Y::M(vec![
            ("requests".into(), Y::M(vec![("cpu".into(), Y::s("100m")), ("memory".into(), Y::s("128Mi"))])),
            (
                "list".into(),
                Y::L(vec![Y::M(vec![("a".into(), Y::s("1")), ("b".into(), Y::s("2"))]), Y::s("x")]),
            ),
        ]);
        assert_eq!(
            Y::render_pair("resources", &y, 4, 2),
            "resources:\n      requests:\n        cpu: 100m\n        memory: 128Mi\n      list:\n        - a: 1\n          b: 2\n        - x"
        );
    }

    #[test]
    fn quotes_what_needs_quotes() {
        assert_eq!(yaml_string("web"), "web");
        assert_eq!(yaml_string("8080"), "\"8080\"");
        assert_eq!(yaml_string("yes"), "\"yes\"");
        assert_eq!(yaml_string("a: b"), "\"a: b\"");
        assert_eq!(yaml_string(""), "\"\"");
    }

    #[test]
    fn inserts_into_mappings() {
        let text = "spec:\n  replicas: 1\n  template: {}\nother:\n";
        let file = kref_yaml::parse(text);
        let root = file.documents[0].root.as_ref().unwrap();
        let spec = root.pair("spec").unwrap();
        let e = insert_entry(&file, Some(spec), &spec.value, "paused", &Y::s("false"), 2).unwrap();
        assert_eq!(
            apply_edits(text, &[e]),
            "spec:\n  replicas: 1\n  template: {}\n  paused: false\nother:\n"
        );
        let t = spec.value.pair("template").unwrap();
        let e = insert_entry(&file, Some(t), &t.value, "a", &Y::s("1"), 2).unwrap();
        assert_eq!(apply_edits(text, &[e]), "spec:\n  replicas: 1\n  template: {a: 1}\nother:\n");
        let other = root.pair("other").unwrap();
        let e = insert_entry(&file, Some(other), &other.value, "b", &Y::s("2"), 2).unwrap();
        assert_eq!(apply_edits(text, &[e]), "spec:\n  replicas: 1\n  template: {}\nother:\n  b: 2\n");
    }
}
