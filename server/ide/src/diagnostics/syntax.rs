//! YAML syntax errors and duplicate keys, from the parser's errors, reported where the problem
//! starts (an unclosed quote where it opens).

use kref_yaml::{ErrorCode, File, Node, NodeValue, Pair, TextRange};

use super::edits::{line_end, remove_pair};
use super::registry::rule_index;
use super::{Diagnostic, Fix, Severity, TextEdit};

pub(crate) fn check(file: &File, levels: &[Option<Severity>], out: &mut Vec<Diagnostic>) {
    let level = |id: &str| rule_index(id).and_then(|i| levels.get(i).copied().flatten());
    for e in &file.errors {
        let rule = if e.code == ErrorCode::DuplicateKey { "duplicate-key" } else { "yaml-syntax" };
        let Some(severity) = level(rule) else { continue };
        let mut d = Diagnostic::new(rule, e.range, message(e.code, &e.message)).severity(severity);
        match e.code {
            ErrorCode::UnclosedQuote => {
                if let Some(quote) = file.text().get(e.range.start..).and_then(|t| t.chars().next())
                    && (quote == '"' || quote == '\'')
                {
                    let at = line_end(file, e.range.start);
                    d = d.fix(Fix {
                        title: format!("Close the quote at the end of the line ({quote})"),
                        edits: vec![TextEdit { range: TextRange::empty(at), new_text: quote.to_string() }],
                    });
                }
            }
            ErrorCode::DuplicateKey => {
                if let Some(fix) = remove_duplicate(file, e.range) {
                    d = d.fix(fix);
                }
            }
            _ => {}
        }
        out.push(d);
    }
}

fn message(code: ErrorCode, raw: &str) -> String {
    let hint = match code {
        ErrorCode::UnclosedQuote => "; add the closing quote",
        ErrorCode::UnclosedBracket => "; add the closing bracket",
        ErrorCode::DuplicateKey => "; remove one of them (the API server rejects duplicate keys)",
        ErrorCode::BadIndentation => "; align it with its siblings",
        ErrorCode::TabIndent => "; indent with spaces, YAML does not allow tabs",
        ErrorCode::MissingColon => "; add `:` after the key",
        ErrorCode::UnexpectedContent => "; quote the value if it contains `: ` or `#`",
        ErrorCode::InvalidEscape => "; use single quotes, or escape the backslash as \\\\",
        ErrorCode::UnknownAnchor => "; define the anchor (&name) before using it",
        _ => "",
    };
    // The parser's own message may already say what to do.
    if raw.contains("; ") { raw.to_string() } else { format!("{raw}{hint}") }
}

/// Deletes the lines of the later of two pairs with the same key (block mappings only).
fn remove_duplicate(file: &File, key_range: TextRange) -> Option<Fix> {
    let doc = file.documents.get(file.document_at(key_range.start))?;
    let pair = find_pair(doc.root.as_ref()?, key_range)?;
    let edit = remove_pair(file, pair)?;
    Some(Fix { title: format!("Remove the second `{}`", pair.key.text), edits: vec![edit] })
}

fn find_pair(node: &Node, key_range: TextRange) -> Option<&Pair> {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if !n.range.touches(key_range.start) {
            continue;
        }
        match &n.value {
            NodeValue::Mapping(pairs) => {
                for p in pairs {
                    if p.key_range.start == key_range.start || p.key.raw_range.start == key_range.start {
                        return Some(p);
                    }
                    stack.push(&p.value);
                }
            }
            NodeValue::Sequence(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    None
}
