//! Values made visible: a Secret's `data` shown decoded as inlay hints, and the code actions
//! that move a Secret's entries between `data` (base64) and `stringData` (plain text).
//!
//! Pure: hints and edits are byte ranges of the file.

use kref_yaml::{File, Node, NodeValue, ScalarStyle, TextRange};

/// Longest decoded value shown in a hint.
const HINT_MAX: usize = 60;

/// A hint shown after a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hint {
    /// Where it goes: the end of the value.
    pub offset: usize,
    pub label: String,
    /// More than the label says (the whole decoded text, where a default comes from), for the
    /// hint's tooltip.
    pub tooltip: Option<String>,
    pub kind: HintKind,
}

/// What a hint shows, each switchable in the editor's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintKind {
    /// A Secret's `data` value decoded.
    SecretData,
    /// A default the object relies on.
    Default,
    /// A quantity in plain units.
    Quantity,
}

/// A rewrite of one stretch of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rewrite {
    pub title: String,
    pub range: TextRange,
    pub new_text: String,
}

/// The `data` pairs of the Secrets of a file, with the Secret's root.
fn secrets(file: &File) -> impl Iterator<Item = &Node> {
    crate::model::objects(file)
        .into_iter()
        .filter(|o| o.kind.as_ref().is_some_and(|(k, _)| k == "Secret"))
        .filter(|o| o.api_version.as_ref().is_none_or(|(a, _)| a == "v1"))
        .map(|o| o.node)
}

/// Decoded text of a base64 value, when it is text.
fn decoded(value: &str) -> Option<String> {
    if !crate::base64::is_valid(value) {
        return None;
    }
    let bytes = crate::base64::decode(value)?;
    let text = String::from_utf8(bytes).ok()?;
    text.chars().all(|c| !c.is_control() || matches!(c, '\n' | '\t' | '\r')).then_some(text)
}

/// Hints for the `data` values of Secrets that start in `range`: the decoded text, or the size
/// of a binary value.
pub fn secret_hints(file: &File, range: TextRange) -> Vec<Hint> {
    let mut out = Vec::new();
    for root in secrets(file) {
        for p in root.get("data").and_then(Node::as_mapping).unwrap_or(&[]) {
            let Some(s) = p.value.as_scalar() else { continue };
            if s.raw_range.start < range.start
                || s.raw_range.start > range.end
                || !crate::base64::is_valid(&s.text)
            {
                continue;
            }
            let (label, tooltip) = match decoded(&s.text) {
                Some(text) => {
                    let shown: String = format!("{text:?}");
                    if shown.chars().count() > HINT_MAX {
                        let cut: String = shown.chars().take(HINT_MAX).collect();
                        (format!("= {cut}…"), Some(text))
                    } else {
                        (format!("= {shown}"), None)
                    }
                }
                None => match crate::base64::decode(&s.text) {
                    Some(bytes) => (format!("= ({} bytes, binary)", bytes.len()), None),
                    None => continue,
                },
            };
            out.push(Hint { offset: s.raw_range.end, label, tooltip, kind: HintKind::SecretData });
        }
    }
    out
}

/// The rewrites offered for the Secret at `range`: `data` decoded into `stringData`, or
/// `stringData` encoded into `data`, when the Secret has only one of them, written as a block
/// mapping without comments, and (for `data`) every value decodes to text.
pub fn secret_actions(file: &File, range: TextRange) -> Vec<Rewrite> {
    let text = file.text();
    let index = file.line_index();
    let mut out = Vec::new();
    for root in secrets(file) {
        if root.range.end < range.start || root.range.start > range.end || root.flow {
            continue;
        }
        let (data, string_data) = (root.pair("data"), root.pair("stringData"));
        let (pair, to_plain) = match (data, string_data) {
            (Some(p), None) => (p, true),
            (None, Some(p)) => (p, false),
            _ => continue,
        };
        let Some(entries) = pair.value.as_mapping().filter(|e| !e.is_empty()) else { continue };
        let whole = pair.range();
        if file.comments.iter().any(|c| whole.start <= c.start && c.start <= whole.end) {
            continue;
        }
        let key_col = index.line_col(pair.key_range.start, kref_yaml::Encoding::Utf8).col as usize;
        let indent = if pair.value.flow {
            key_col + 2
        } else {
            index.line_col(entries[0].key_range.start, kref_yaml::Encoding::Utf8).col as usize
        };
        let mut lines = vec![if to_plain { "stringData:".to_string() } else { "data:".to_string() }];
        let mut ok = true;
        for e in entries {
            let key = &text[e.key.raw_range.start..e.key.raw_range.end];
            let value = match &e.value.value {
                NodeValue::Scalar(s)
                    if !matches!(s.style, ScalarStyle::Literal | ScalarStyle::Folded) || !to_plain =>
                {
                    if to_plain {
                        decoded(&s.text).map(|t| serde_json::Value::String(t).to_string())
                    } else {
                        Some(crate::base64::encode(s.text.as_bytes()))
                    }
                }
                _ => None,
            };
            let Some(value) = value else {
                ok = false;
                break;
            };
            lines.push(format!("{}{key}: {value}", " ".repeat(indent)));
        }
        if !ok {
            continue;
        }
        let title = if to_plain {
            "Decode data into stringData (plain text)"
        } else {
            "Encode stringData into data (base64)"
        };
        out.push(Rewrite { title: title.into(), range: whole, new_text: lines.join("\n") });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "apiVersion: v1
kind: Secret
metadata:
  name: db
type: Opaque
data:
  user: YWRtaW4=
  password: \"cGFzcyB3b3JkCg==\"
  blob: AAEC
";

    #[test]
    fn data_values_are_shown_decoded() {
        let file = kref_yaml::parse(SECRET);
        let hints: Vec<(usize, String)> = secret_hints(&file, TextRange::new(0, SECRET.len()))
            .into_iter()
            .map(|h| (h.offset, h.label))
            .collect();
        let end = |needle: &str| SECRET.find(needle).unwrap() + needle.len();
        assert_eq!(
            hints,
            [
                (end("YWRtaW4="), "= \"admin\"".to_string()),
                (end("\"cGFzcyB3b3JkCg==\""), "= \"pass word\\n\"".to_string()),
                (end("AAEC"), "= (3 bytes, binary)".to_string()),
            ]
        );
        // Only the range asked for.
        let start = SECRET.find("blob").unwrap();
        assert_eq!(secret_hints(&file, TextRange::new(start, SECRET.len())).len(), 1);
    }

    #[test]
    fn data_moves_to_string_data_and_back() {
        let text = SECRET.replace("  blob: AAEC\n", "");
        let file = kref_yaml::parse(&text);
        let actions = secret_actions(&file, TextRange::empty(text.find("user").unwrap()));
        assert_eq!(actions.len(), 1);
        let a = &actions[0];
        assert_eq!(a.title, "Decode data into stringData (plain text)");
        let after = format!("{}{}{}", &text[..a.range.start], a.new_text, &text[a.range.end..]);
        assert!(
            after.ends_with("type: Opaque\nstringData:\n  user: \"admin\"\n  password: \"pass word\\n\"\n"),
            "{after}"
        );
        // And back: the same data as before (the values re-encoded).
        let file = kref_yaml::parse(&after);
        let back = &secret_actions(&file, TextRange::empty(after.find("user").unwrap()))[0];
        assert_eq!(back.title, "Encode stringData into data (base64)");
        let again = format!("{}{}{}", &after[..back.range.start], back.new_text, &after[back.range.end..]);
        assert_eq!(again, text.replace("\"cGFzcyB3b3JkCg==\"", "cGFzcyB3b3JkCg=="));
        // A binary value cannot become text: no action.
        let file = kref_yaml::parse(SECRET);
        assert_eq!(secret_actions(&file, TextRange::empty(SECRET.find("user").unwrap())), []);
    }
}
