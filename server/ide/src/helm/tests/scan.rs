//! The template scanner: every construct, positions, and bad input.

use crate::helm::scan::{ActionKind, BlockKind, ProblemKind, TokenKind, scan, string_value, token_text};

fn kinds(text: &str) -> Vec<ActionKind> {
    scan(text).actions.iter().map(|a| a.kind).collect()
}

/// `(kind, text)` of every token of the first action.
fn tokens(text: &str) -> Vec<(TokenKind, String)> {
    let s = scan(text);
    s.actions[0].tokens.iter().map(|t| (t.kind, token_text(text, t).to_string())).collect()
}

#[test]
fn actions_keep_their_ranges_and_trim_markers() {
    let text = "a: {{ .Values.x }}\nb: {{- .Values.y -}}\n";
    let s = scan(text);
    assert_eq!(s.actions.len(), 2);
    let first = &s.actions[0];
    assert_eq!(&text[first.range.start..first.range.end], "{{ .Values.x }}");
    assert_eq!(&text[first.inner.start..first.inner.end], " .Values.x ");
    assert!(!first.trim_left && !first.trim_right && first.closed);
    let second = &s.actions[1];
    assert_eq!(&text[second.range.start..second.range.end], "{{- .Values.y -}}");
    assert_eq!(&text[second.inner.start..second.inner.end], ".Values.y");
    assert!(second.trim_left && second.trim_right);
    assert!(s.problems.is_empty());
}

#[test]
fn a_minus_without_space_is_a_number_not_a_trim_marker() {
    let text = "{{-3}}";
    let s = scan(text);
    assert!(!s.actions[0].trim_left);
    assert_eq!(tokens(text), vec![(TokenKind::Number, "-3".to_string())]);
}

#[test]
fn every_keyword_is_classified() {
    let text = r#"{{ if .a }}{{ else if .b }}{{ else }}{{ end }}{{ with .c }}{{ else with .d }}{{ end }}{{ range .e }}{{ break }}{{ continue }}{{ end }}{{ define "x" }}{{ end }}{{ block "y" . }}{{ end }}{{ template "x" . }}{{ $v := 1 }}{{ $v = 2 }}{{ .out }}{{/* c */}}{{ }}"#;
    use ActionKind::*;
    assert_eq!(
        kinds(text),
        vec![
            If, ElseIf, Else, End, With, ElseWith, End, Range, Break, Continue, End, Define, End, Block, End,
            Template, Assign, Assign, Output, Comment, Empty
        ]
    );
}

#[test]
fn comments_may_span_lines_and_hold_braces() {
    let text = "{{/*\nExpand {{ the }} name.\n*/}}\nkey: v\n{{- /* trimmed */ -}}\n";
    let s = scan(text);
    assert_eq!(s.actions.len(), 2);
    assert_eq!(s.actions[0].kind, ActionKind::Comment);
    assert_eq!(&text[s.actions[0].range.start..s.actions[0].range.end], "{{/*\nExpand {{ the }} name.\n*/}}");
    assert_eq!(s.actions[1].kind, ActionKind::Comment);
    assert!(s.actions[1].trim_left && s.actions[1].trim_right);
    assert!(s.problems.is_empty());
}

#[test]
fn strings_hide_delimiters() {
    // The NOTES.txt idiom: a string holding `{{` and `}}` printed literally.
    let text = r#"{{ "{{ range .items }}{{.}}{{ end }}" }} after"#;
    let s = scan(text);
    assert_eq!(s.actions.len(), 1);
    assert_eq!(
        &text[s.actions[0].range.start..s.actions[0].range.end],
        r#"{{ "{{ range .items }}{{.}}{{ end }}" }}"#
    );
    let t = &s.actions[0].tokens[0];
    assert_eq!(t.kind, TokenKind::String);
    assert_eq!(string_value(text, t).as_deref(), Some("{{ range .items }}{{.}}{{ end }}"));
}

#[test]
fn raw_strings_span_lines_and_escapes_are_decoded() {
    let text = "{{ tpl `line one\n}} still raw` . }} {{ \"a\\\"b\\n\" }}";
    let s = scan(text);
    assert_eq!(s.actions.len(), 2);
    let raw = &s.actions[0].tokens[1];
    assert_eq!(raw.kind, TokenKind::RawString);
    assert_eq!(string_value(text, raw).as_deref(), Some("line one\n}} still raw"));
    assert_eq!(string_value(text, &s.actions[1].tokens[0]).as_deref(), Some("a\"b\n"));
}

#[test]
fn pipelines_parentheses_variables_and_field_chains() {
    let text = r#"{{ $x := (include "a.b" $) | default (printf "%s-%d" .Values.name 3) | nindent 4 }}"#;
    use TokenKind::*;
    let got: Vec<TokenKind> = tokens(text).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        got,
        vec![
            Variable, Declare, LeftParen, Ident, String, Variable, RightParen, Pipe, Ident, LeftParen, Ident,
            String, Field, Field, Number, RightParen, Pipe, Ident, Number
        ]
    );
    let chain = tokens("{{ $.Values.image.tag }}");
    assert_eq!(
        chain,
        vec![
            (Variable, "$".into()),
            (Field, ".Values".into()),
            (Field, ".image".into()),
            (Field, ".tag".into())
        ]
    );
    assert_eq!(tokens("{{ . }}"), vec![(Dot, ".".into())]);
    assert_eq!(
        tokens("{{ true nil 'c' 0x1F 1.5e3 }}").iter().map(|t| t.0).collect::<Vec<_>>(),
        vec![Bool, Nil, Char, Number, Number]
    );
}

#[test]
fn blocks_pair_branches_and_ends() {
    let text =
        "{{ if .a }}A{{ else if .b }}B{{ else }}C{{ end }}{{ range .l }}{{ with .x }}X{{ end }}{{ end }}";
    let s = scan(text);
    assert_eq!(s.blocks.len(), 3);
    let iff = &s.blocks[0];
    assert_eq!(iff.kind, BlockKind::If);
    assert_eq!(iff.branches.len(), 3);
    let bodies: Vec<&str> = iff.branches.iter().map(|b| &text[b.body.start..b.body.end]).collect();
    assert_eq!(bodies, vec!["A", "B", "C"]);
    assert_eq!(s.blocks[2].parent, Some(1));
    let x = text.find('X').unwrap();
    assert_eq!(s.blocks_at(x), vec![1, 2]);
    assert_eq!(s.branch_path(text.find('B').unwrap()), vec![(0, 1)]);
}

#[test]
fn unbalanced_input_is_reported_and_recovered() {
    // An action never closed stops at the next `{{`, which is scanned normally.
    let text = "a: {{ .Values.x\nb: {{ .Values.y }}\n";
    let s = scan(text);
    assert_eq!(s.actions.len(), 2);
    assert!(!s.actions[0].closed);
    assert_eq!(&text[s.actions[0].range.start..s.actions[0].range.end], "{{ .Values.x");
    assert!(s.actions[1].closed);
    assert_eq!(s.problems.iter().map(|p| p.kind).collect::<Vec<_>>(), vec![ProblemKind::UnclosedAction]);

    // At the end of the text.
    let s = scan("x: {{ include \"a\"");
    assert_eq!(s.actions.len(), 1);
    assert!(!s.actions[0].closed);

    // `end` with nothing open, block never closed, `else` outside a block, stray `)`.
    let s = scan("{{ end }}{{ else }}{{ if .a }}{{ (.b }}{{ .c) }}");
    let problems: Vec<ProblemKind> = s.problems.iter().map(|p| p.kind).collect();
    assert!(problems.contains(&ProblemKind::UnmatchedEnd), "{problems:?}");
    assert!(problems.contains(&ProblemKind::MisplacedElse), "{problems:?}");
    assert!(problems.contains(&ProblemKind::UnclosedBlock), "{problems:?}");
    assert!(problems.contains(&ProblemKind::UnbalancedParen), "{problems:?}");

    // Unterminated strings stop at the line end, or before a `}}` they would swallow.
    let s = scan("{{ include \"abc }}\nkey: value\n");
    assert_eq!(s.actions.len(), 1);
    assert!(s.actions[0].closed);
    assert!(s.problems.iter().any(|p| p.kind == ProblemKind::UnterminatedString));

    // An unclosed raw string stops before the next `}}`.
    let s = scan("{{ `abc }}\nkey: {{ .x }}");
    assert_eq!(s.actions.len(), 2);

    // An unclosed comment stops at the first `}}`.
    let s = scan("{{/* no end }}\nkey: {{ .x }}");
    assert_eq!(s.actions.len(), 2);
    assert!(s.problems.iter().any(|p| p.kind == ProblemKind::UnclosedComment));
}

#[test]
fn lone_braces_and_odd_bytes_do_not_panic() {
    for text in [
        "{",
        "}}",
        "{{",
        "{{-",
        "{{- ",
        "{{/*",
        "{{ \"",
        "{{ `",
        "{{ 'x",
        "é{{ é }}é",
        "{{ $",
        "{{ .",
        "{{)}}",
        "{{ -}}",
    ] {
        let s = scan(text);
        for a in &s.actions {
            assert!(text.is_char_boundary(a.range.start) && text.is_char_boundary(a.range.end), "{text:?}");
            for t in &a.tokens {
                assert!(
                    text.is_char_boundary(t.range.start) && text.is_char_boundary(t.range.end),
                    "{text:?}"
                );
            }
        }
    }
}

#[test]
fn deep_nesting_and_many_unclosed_actions_stay_linear() {
    let depth = 20_000;
    let mut text = String::new();
    for _ in 0..depth {
        text.push_str("{{ if .a }}");
    }
    for _ in 0..depth {
        text.push_str("{{ end }}");
    }
    let s = scan(&text);
    assert_eq!(s.blocks.len(), depth);
    assert!(s.problems.is_empty());
    assert_eq!(s.blocks_at(depth * "{{ if .a }}".len()).len(), depth);

    // Many unclosed strings and actions: each stops at its line's end.
    let text = "{{ \"\n".repeat(50_000);
    let s = scan(&text);
    assert_eq!(s.actions.len(), 50_000);
    // Raw strings may span lines (and hold `{{`), so these pair up; the last one is unclosed.
    let text = "{{ `\n".repeat(50_001);
    let started = std::time::Instant::now();
    let s = scan(&text);
    assert_eq!(s.actions.len(), 25_001);
    assert!(started.elapsed().as_secs() < 5, "scan took {:?}", started.elapsed());
}

#[test]
fn arbitrary_bytes_never_panic() {
    // A small deterministic generator over the characters that matter to the scanner.
    let alphabet: Vec<char> = "{}-/*\"`'()|$.:= \n\tabé0".chars().collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..2_000 {
        let mut text = String::new();
        for _ in 0..40 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push(alphabet[(seed % alphabet.len() as u64) as usize]);
        }
        let s = scan(&text);
        let _ = s.blocks_at(text.len() / 2);
        let _ = crate::helm::TemplateFile::parse(&text);
    }
}
