//! Template placeholders inside values: `{{ .Values.image }}`, `{{uid}}` and `${VAR}` (Flux
//! post-build substitution, envsubst). Something replaces them before the API server sees the
//! object, so a value holding one is not validated as a name, label, enum value, number or
//! quantity; the structure around it still is. One rule for `kref check` and the editor.
//!
//! Pure text functions: no IO, no YAML.

/// A kind of placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `{{ ... }}`: Go templates (Helm), Mustache/Jinja-like tools, `{{uid}}` in examples.
    Braces,
    /// `${NAME}`, `${NAME:=default}`, `${NAME:-default}`: envsubst, Flux, Kustomize vars.
    Dollar,
}

/// The first placeholder in `text`, as (start, end, style) byte offsets; `None` when there is
/// none. An unclosed `{{` counts (a template being typed), an unclosed `${` does not.
pub fn find(text: &str) -> Option<(usize, usize, Style)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'{', b'{') => {
                let end = text[i + 2..].find("}}").map_or(text.len(), |e| i + 2 + e + 2);
                return Some((i, end, Style::Braces));
            }
            (b'$', b'{') => {
                if let Some(end) = dollar_end(&text[i..]) {
                    return Some((i, i + end, Style::Dollar));
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Does `text` hold a placeholder?
pub fn has_placeholder(text: &str) -> bool {
    find(text).is_some()
}

/// Is `text` nothing but placeholders (and the spaces around them)? `${REPLICAS}` is; a name
/// such as `web-${ENV}` is not, though it holds one.
pub fn is_only_placeholders(text: &str) -> bool {
    let mut rest = text.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        match find(rest) {
            Some((0, end, _)) => rest = rest[end..].trim_start(),
            _ => return false,
        }
    }
    true
}

/// The length of `${NAME...}` at the start of `text`: a name of letters, digits and `_`
/// (not starting with a digit), then `}` or a modifier (`:=`, `:-`, `=`, `-`, `:+`, `+`, `?`,
/// `:?`) and anything up to the closing brace.
fn dollar_end(text: &str) -> Option<usize> {
    let body = text.strip_prefix("${")?;
    let name_len = body.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
    if name_len == 0 || body.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let after = &body[name_len..];
    if after.starts_with('}') {
        return Some(2 + name_len + 1);
    }
    let modifier = [":=", ":-", ":+", ":?", "=", "-", "+", "?"].iter().any(|m| after.starts_with(m));
    if !modifier {
        return None;
    }
    after.find('}').map(|close| 2 + name_len + close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_common_style() {
        assert_eq!(find("{{ .Values.name }}"), Some((0, 18, Style::Braces)));
        assert_eq!(find("vttablet-{{uid}}"), Some((9, 16, Style::Braces)));
        assert_eq!(find("${CLUSTER_NAME}"), Some((0, 15, Style::Dollar)));
        assert_eq!(find("app-${env:=dev}"), Some((4, 15, Style::Dollar)));
        assert_eq!(find("{{ unclosed"), Some((0, 11, Style::Braces)));
        assert!(has_placeholder("registry/${IMAGE}:${TAG}"));
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for text in ["web", "$patch", "${", "${1abc}", "$HOME", "a { b } c", "{}", "${ name }", "$(VAR)", ""]
        {
            assert!(!has_placeholder(text), "{text}");
        }
    }

    #[test]
    fn tells_whole_placeholders_from_names_that_hold_one() {
        assert!(is_only_placeholders("${REPLICAS}"));
        assert!(is_only_placeholders(" {{ .Values.port }} "));
        assert!(is_only_placeholders("${A}${B}"));
        assert!(!is_only_placeholders("web-${ENV}"));
        assert!(!is_only_placeholders("plain"));
        assert!(!is_only_placeholders(""));
    }
}
