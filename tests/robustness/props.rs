//! Property tests (proptest): `LineIndex` conversions round-trip in UTF-8 and UTF-16 on random
//! Unicode text, `locate` answers at every offset of random YAML-ish documents, and the notes
//! parser (and the index's document builder after it) takes random Markdown-ish text.
//!
//! `PROPTEST_CASES=N` runs more (or fewer) cases than the defaults below.

use kref_yaml::{Encoding, LineCol, LineIndex};
use proptest::prelude::*;
use proptest::test_runner::Config;

use crate::invariants;

fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(cases);
    Config { cases, ..Config::default() }
}

/// One piece of random Unicode text: ASCII, line breaks of every style, 2-, 3- and 4-byte
/// characters (4-byte ones are UTF-16 surrogate pairs), a BOM and control characters.
fn unicode_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(vec!["a", "z", " ", ":", "-", "key", "0", "\t"]).prop_map(str::to_string),
        2 => proptest::sample::select(vec!["\n", "\r\n", "\r", "\n\n"]).prop_map(str::to_string),
        2 => proptest::char::range('\u{80}', '\u{7ff}').prop_map(String::from),
        2 => proptest::char::range('\u{800}', '\u{ffff}').prop_map(String::from),
        2 => proptest::char::range('\u{10000}', '\u{10ffff}').prop_map(String::from),
        1 => proptest::sample::select(vec!["\u{feff}", "\u{0}", "\u{85}", "\u{2028}", "é", "😀", "日本"])
            .prop_map(str::to_string),
    ]
}

fn unicode_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(unicode_piece(), 0..120).prop_map(|pieces| pieces.concat())
}

/// Every valid (line, column) of a text in one encoding, with the offset it names.
fn valid_positions(text: &str, encoding: Encoding) -> Vec<(LineCol, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (line, content) in text.split('\n').enumerate() {
        let content = content.strip_suffix('\r').unwrap_or(content);
        let mut col = 0u32;
        for (i, ch) in content.char_indices() {
            out.push((LineCol { line: line as u32, col }, start + i));
            col += match encoding {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
            } as u32;
        }
        out.push((LineCol { line: line as u32, col }, start + content.len()));
        start += content.len() + usize::from(text[start + content.len()..].starts_with('\r')) + 1;
    }
    out
}

proptest! {
    #![proptest_config(config(512))]

    /// Offsets → positions → offsets, every offset, both encodings (the shared invariant).
    #[test]
    fn line_index_offsets_round_trip(text in unicode_text()) {
        invariants::line_index(&text);
    }

    /// Positions → offsets → positions for every valid position, both encodings; and a column
    /// inside a UTF-16 surrogate pair or past the line end clamps without leaving the line.
    #[test]
    fn line_index_positions_round_trip(text in unicode_text(), extra in 0u32..5) {
        let index = LineIndex::new(&text);
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            for (pos, offset) in valid_positions(&text, encoding) {
                prop_assert_eq!(index.offset(pos, encoding), offset, "{:?} {:?}", encoding, pos);
                prop_assert_eq!(index.line_col(offset, encoding), pos, "{:?} {}", encoding, offset);
                let past = LineCol { line: pos.line, col: pos.col + extra };
                let clamped = index.offset(past, encoding);
                let range = index.line_range(pos.line as usize).unwrap();
                prop_assert!(clamped >= offset && clamped <= range.end);
                prop_assert!(text.is_char_boundary(clamped));
            }
        }
    }
}

/// Random YAML-ish text from the language's special tokens.
fn yaml_soup() -> impl Strategy<Value = String> {
    const TOKENS: &[&str] = &[
        " ",
        "  ",
        "    ",
        "\n",
        "\r\n",
        "\t",
        "- ",
        "-",
        ": ",
        ":",
        "? ",
        "[",
        "]",
        "{",
        "}",
        ", ",
        "#",
        " # c",
        "&a ",
        "*a",
        "!t ",
        "!!str ",
        "|",
        "|-",
        ">+",
        "|2",
        "'",
        "\"",
        "\\",
        "\\u12",
        "---\n",
        "...\n",
        "%YAML 1.2\n",
        "key",
        "apiVersion: v1",
        "kind: Pod",
        "spec",
        "containers",
        "name",
        "a",
        "1",
        "é",
        "😀",
        "日本",
        "\u{feff}",
        "<<: ",
    ];
    proptest::collection::vec(proptest::sample::select(TOKENS), 0..80).prop_map(|t| t.concat())
}

/// Block-structured YAML: lines of `key: value`, `- item` and `key:` at random indentation, the
/// shapes a manifest being typed goes through.
fn yaml_lines() -> impl Strategy<Value = String> {
    let line = (
        0usize..6,
        proptest::sample::select(vec!["name", "spec", "containers", "image", "ports", "a", "b😀", "é"]),
        proptest::sample::select(vec![
            ": x", ":", ": [a, b", ": {k: v}", "", ": |", ": 'q", ": \"é", ": *a", ": &a",
        ]),
        any::<bool>(),
    )
        .prop_map(|(indent, key, rest, item)| {
            format!("{}{}{key}{rest}\n", "  ".repeat(indent), if item { "- " } else { "" })
        });
    proptest::collection::vec(line, 0..40).prop_map(|l| l.concat())
}

/// Random Markdown-ish text: headings, nested lists with entry-shaped items, code, front matter.
fn markdown_soup() -> impl Strategy<Value = String> {
    const TOKENS: &[&str] = &[
        "# ",
        "## ",
        "###### ",
        "\n",
        "\n\n",
        "- ",
        "* ",
        "1. ",
        "  - ",
        "    - ",
        "`",
        "```",
        "```yaml\n",
        "~~~\n",
        "> ",
        "| a | b |\n| --- | --- |\n",
        "**",
        "_",
        "[x](y)",
        "<!-- -->",
        "---\n",
        "title: t\n",
        "kinds: [Pod]\n",
        "tags: [",
        "`Deployment`",
        "`spec.replicas`",
        "`RollingUpdate`",
        ": ",
        "(default)",
        "word ",
        "é",
        "😀",
        "\r\n",
        "\t",
        "\\",
        "<div>",
        "$x$",
    ];
    proptest::collection::vec(proptest::sample::select(TOKENS), 0..120).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn locate_everywhere_in_yaml_soup(text in yaml_soup()) {
        invariants::yaml_model(text.as_bytes());
    }

    #[test]
    fn locate_everywhere_in_block_yaml(text in yaml_lines()) {
        invariants::yaml_model(text.as_bytes());
    }

    /// Every prefix of a document, as if typed one character at a time.
    #[test]
    fn locate_while_typing(text in yaml_lines()) {
        for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
            let file = kref_yaml::parse(&text[..end]);
            let loc = file.locate(end);
            prop_assert!(loc.document < file.documents.len());
        }
    }

    #[test]
    fn notes_parser_takes_markdown_soup(text in markdown_soup()) {
        invariants::notes(text.as_bytes());
        let note = kref_corpus::parse_note("p.md", kref_corpus::Origin::User, &text);
        let _ = kref_index::docs_from_note(&note);
    }
}
