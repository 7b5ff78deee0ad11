//! Syntax errors: where they are reported, what they say, and that parsing goes on.

use expect_test::expect;

use crate::support::check_parse;

#[test]
fn unclosed_double_quote_is_reported_where_it_opens() {
    check_parse(
        "metadata:\n  name: \"abc\n  namespace: x\nspec:\n  replicas: 3\n",
        expect![[r#"
        doc 0 0..58 name=abc ns=x unit=2
          map 0..57
            key "metadata" 0..8 : 8
              map 12..37
                key "name" 12..16 : 16
                  double-quoted "abc" 18..22
                key "namespace" 25..34 : 34
                  plain "x" 36..37
            key "spec" 38..42 : 42
              map 46..57
                key "replicas" 46..54 : 54
                  plain "3" 56..57
        error unclosed-quote 18..19: this quoted value is never closed; add the closing " at its end
    "#]],
    );
}

#[test]
fn unclosed_single_quote_in_flow() {
    check_parse(
        "args: ['a, b]\nnext: 1\n",
        expect![[r#"
        doc 0 0..22 unit=2
          map 0..21
            key "args" 0..4 : 4
              flow seq 6..13
                single-quoted "a, b]" 7..13
            key "next" 14..18 : 18
              plain "1" 20..21
        error unclosed-bracket 6..7: this `[` is never closed; add `]` after its last entry
        error unclosed-quote 7..8: this quoted value is never closed; add the closing ' at its end
    "#]],
    );
}

#[test]
fn duplicate_key() {
    check_parse(
        "metadata:\n  name: a\n  labels: {}\n  name: b\n",
        expect![[r#"
        doc 0 0..43 name=a unit=2
          map 0..42
            key "metadata" 0..8 : 8
              map 12..42
                key "name" 12..16 : 16
                  plain "a" 18..19
                key "labels" 22..28 : 28
                  flow map 30..32
                key "name" 35..39 : 39
                  plain "b" 41..42
        error duplicate-key 35..39: the key `name` appears twice in this mapping; the first is on line 2
    "#]],
    );
}

#[test]
fn tab_indentation() {
    check_parse(
        "spec:\n\treplicas: 3\n\tpaused: true\n",
        expect![[r#"
        doc 0 0..33 unit=2
          map 0..32
            key "spec" 0..4 : 4
              map 7..32
                key "replicas" 7..15 : 15
                  plain "3" 17..18
                key "paused" 20..26 : 26
                  plain "true" 28..32
        error tab-indent 6..7: a tab is used for indentation; YAML allows only spaces there
        error tab-indent 19..20: a tab is used for indentation; YAML allows only spaces there
    "#]],
    );
}

#[test]
fn wrong_indentation_more() {
    check_parse(
        "spec:\n  replicas: 3\n   selector: x\n  template: y\n",
        expect![[r#"
        doc 0 0..49 unit=2
          map 0..48
            key "spec" 0..4 : 4
              map 8..48
                key "replicas" 8..16 : 16
                  plain "3" 18..19
                key "selector" 23..31 : 31
                  plain "x" 33..34
                key "template" 37..45 : 45
                  plain "y" 47..48
        error bad-indentation 23..34: this line is indented by 3 spaces but the keys of its mapping by 2
    "#]],
    );
}

#[test]
fn wrong_indentation_less() {
    check_parse(
        "spec:\n    replicas: 3\n  selector: x\nkind: A\n",
        expect![[r#"
        doc 0 0..44 kind=A@42..43 unit=4
          map 0..43
            key "spec" 0..4 : 4
              map 10..21
                key "replicas" 10..18 : 18
                  plain "3" 20..21
            key "selector" 24..32 : 32
              plain "x" 34..35
            key "kind" 36..40 : 40
              plain "A" 42..43
        error bad-indentation 24..35: this line is indented by 2 spaces but the keys of its mapping by 0
    "#]],
    );
}

#[test]
fn missing_colon() {
    check_parse(
        "spec:\n  replicas: 3\n  stra\n  paused: true\n",
        expect![[r#"
        doc 0 0..42 unit=2
          map 0..41
            key "spec" 0..4 : 4
              map 8..41
                key "replicas" 8..16 : 16
                  plain "3" 18..19
                key "stra" 22..26 no colon
                  missing 26..26
                key "paused" 29..35 : 35
                  plain "true" 37..41
        error missing-colon 22..26: `stra` is not followed by `:`; a key needs a colon before its value
    "#]],
    );
}

#[test]
fn unclosed_bracket_stops_at_dedent() {
    check_parse(
        "spec:\n  args: [a, b\n  next: 1\nkind: A\n",
        expect![[r#"
        doc 0 0..38 kind=A@36..37 unit=2
          map 0..37
            key "spec" 0..4 : 4
              map 8..29
                key "args" 8..12 : 12
                  flow seq 14..19
                    plain "a" 15..16
                    plain "b" 18..19
                key "next" 22..26 : 26
                  plain "1" 28..29
            key "kind" 30..34 : 34
              plain "A" 36..37
        error unclosed-bracket 14..15: this `[` is never closed; add `]` after its last entry
    "#]],
    );
}

#[test]
fn stray_closing_bracket_and_mismatch() {
    check_parse(
        "a: [1, 2}\nb: ]\nc: {x: 1]\n",
        expect![[r#"
        doc 0 0..25 unit=2
          map 0..24
            key "a" 0..1 : 1
              flow seq 3..9
                plain "1" 4..5
                plain "2" 7..8
            key "b" 10..11 : 11
              missing 13..14
            key "c" 15..16 : 16
              flow map 18..24
                key "x" 19..20 : 20
                  plain "1" 22..23
        error unexpected-char 8..9: this `}` closes a `[`; use `]`
        error unexpected-char 13..14: `]` has no opening bracket to close here
        error unexpected-char 23..24: this `]` closes a `{`; use `}`
    "#]],
    );
}

#[test]
fn nested_mapping_on_one_line() {
    check_parse(
        "a: b: c\nd: e\n",
        expect![[r#"
        doc 0 0..13 unit=2
          map 0..12
            key "a" 0..1 : 1
              plain "b" 3..4
            key "d" 8..9 : 9
              plain "e" 11..12
        error unexpected-content 4..7: a mapping cannot start on the same line as its key; put it on the next line, indented
    "#]],
    );
}

#[test]
fn content_after_quoted_value() {
    check_parse(
        "a: \"x\" y\nb: 1\n",
        expect![[r#"
        doc 0 0..14 unit=2
          map 0..13
            key "a" 0..1 : 1
              double-quoted "x" 3..6
            key "b" 9..10 : 10
              plain "1" 12..13
        error unexpected-content 7..8: unexpected text after the value; put another entry on a line of its own
    "#]],
    );
}

#[test]
fn invalid_escape() {
    check_parse(
        "a: \"bad \\q escape\"\n",
        expect![[r#"
        doc 0 0..19 unit=2
          map 0..18
            key "a" 0..1 : 1
              double-quoted "bad \\q escape" 3..18
        error invalid-escape 8..10: `\q` is not an escape that double-quoted strings know; write `\\` for a backslash
    "#]],
    );
}

#[test]
fn unknown_alias() {
    check_parse(
        "a: *nope\nb: &ok 1\nc: *ok\n",
        expect![[r#"
        doc 0 0..25 unit=2
          map 0..24
            key "a" 0..1 : 1
              alias nope 3..8
            key "b" 9..10 : 10
              plain "1" 16..17 &ok
            key "c" 18..19 : 19
              alias ok 21..24
        error unknown-anchor 3..8: no anchor `&nope` is defined before this alias in the document
    "#]],
    );
}

#[test]
fn bad_block_scalar_header() {
    check_parse(
        "a: | text\n  body\nb: 1\n",
        expect![[r#"
        doc 0 0..22 unit=2
          map 0..21
            key "a" 0..1 : 1
              literal "body\n" 3..16
            key "b" 17..18 : 18
              plain "1" 20..21
        error bad-block-scalar 5..9: a block scalar header (`|`, `>-`, `|2`) must end its line; its text goes on the lines below
    "#]],
    );
}

#[test]
fn list_item_where_key_expected() {
    check_parse(
        "a: 1\n- b\nc: 2\n",
        expect![[r#"
        doc 0 0..14 unit=2
          map 0..13
            key "a" 0..1 : 1
              plain "1" 3..4
            key "c" 9..10 : 10
              plain "2" 12..13
        error bad-indentation 5..8: a list item where a key was expected; indent the list under its key
    "#]],
    );
}

#[test]
fn list_on_key_line() {
    check_parse(
        "a: - b\nc: 2\n",
        expect![[r#"
        doc 0 0..12 unit=2
          map 0..11
            key "a" 0..1 : 1
              seq 3..6
                plain "b" 5..6
            key "c" 7..8 : 8
              plain "2" 10..11
        error unexpected-char 3..4: a list cannot start on the same line as its key; put `- ` on the next line
    "#]],
    );
}

#[test]
fn document_after_broken_one() {
    check_parse(
        "kind: A\n  b: : [\n---\nkind: Service\nspec:\n  type: x\n",
        expect![[r#"
        doc 0 0..17 kind=A@6..7 unit=2
          map 0..16
            key "kind" 0..4 : 4
              plain "A" 6..7
            key "b" 10..11 : 11
              missing 13..16
        doc 1 17..51 kind=Service@27..34 unit=2
          map 21..50
            key "kind" 21..25 : 25
              plain "Service" 27..34
            key "spec" 35..39 : 39
              map 43..50
                key "type" 43..47 : 47
                  plain "x" 49..50
        error bad-indentation 10..16: this line is indented by 2 spaces but the keys of its mapping by 0
        error unexpected-char 13..14: a `:` with no key before it
    "#]],
    );
}

#[test]
fn block_scalar_blank_line_wider_than_its_text() {
    check_parse(
        "a: |\n      \n    text\nb: 1\n",
        expect![[r#"
        doc 0 0..26 unit=2
          map 0..25
            key "a" 0..1 : 1
              literal "\ntext\n" 3..20
            key "b" 21..22 : 22
              plain "1" 24..25
        error bad-block-scalar 5..11: this blank line has 6 spaces, more than the 4 that indent the text below it; remove the extra spaces
    "#]],
    );
}
