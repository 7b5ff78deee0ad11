//! Property tests: random template soup never breaks the scanner or the YAML-with-holes
//! reading, and the layout invariant (same length, same newlines) always holds.

use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::helm::{TemplateFile, ValuesFile, ValuesPath};

fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(cases);
    Config { cases, ..Config::default() }
}

fn piece() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "{{",
        "}}",
        "{{- ",
        " -}}",
        "{{ ",
        " }}",
        "if .Values.a",
        "else",
        "else if",
        "end",
        "range $k, $v := .Values.m",
        "with .Values.w",
        "define \"x\"",
        "template \"x\" .",
        "include \"x\" .",
        "block \"b\" .",
        "\"",
        "`",
        "'",
        "(",
        ")",
        " | ",
        "nindent 4",
        "indent 2",
        "toYaml .",
        ".Values.b.c",
        "$.Values.d",
        "$x := ",
        "/*",
        "*/",
        "key:",
        "- ",
        "\n",
        "\r\n",
        "  ",
        "    ",
        "|",
        ">-",
        "#",
        "---\n",
        "é",
        "日本",
        "😀",
        "\t",
        ":",
        "{",
        "}",
        "[",
        "]",
        ",",
    ])
    .prop_map(str::to_string)
}

fn soup() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..80).prop_map(|p| p.concat())
}

fn boundary(text: &str, offset: usize) -> bool {
    offset <= text.len() && text.is_char_boundary(offset)
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn template_soup_keeps_the_layout(text in soup()) {
        let file = TemplateFile::parse(&text);
        let yaml = file.yaml_text();
        prop_assert_eq!(yaml.len(), text.len());
        for (a, b) in text.bytes().zip(yaml.bytes()) {
            prop_assert_eq!(a == b'\n', b == b'\n');
            prop_assert_eq!(a == b'\r', b == b'\r');
        }
        prop_assert_eq!(file.holes.len(), file.scan.actions.len());
        prop_assert_eq!(file.documents.len(), file.yaml.documents.len());
        for action in &file.scan.actions {
            prop_assert!(boundary(&text, action.range.start) && boundary(&text, action.range.end));
            prop_assert!(boundary(&text, action.inner.start) && boundary(&text, action.inner.end));
            for token in &action.tokens {
                prop_assert!(boundary(&text, token.range.start) && boundary(&text, token.range.end));
            }
        }
        for r in &file.references.values {
            prop_assert!(boundary(&text, r.range.start) && boundary(&text, r.range.end));
        }
        for offset in (0..=text.len()).step_by(7) {
            let _ = file.scope_at(offset);
            let _ = file.values_ref_at(offset);
            let _ = file.document_at(offset);
            let _ = file.branch_relation(0, offset);
        }
    }

    #[test]
    fn values_soup_never_panics(text in soup()) {
        let values = ValuesFile::parse(&text);
        for path in ["a", "b.c", "key", "a[*].b"] {
            let _ = values.lookup(&ValuesPath::parse(path));
            let _ = values.children(&ValuesPath::parse(path));
        }
        for offset in (0..=text.len()).step_by(5) {
            if let Some((path, range)) = values.key_at(offset) {
                let _ = values.doc(&path, range);
            }
        }
    }
}
