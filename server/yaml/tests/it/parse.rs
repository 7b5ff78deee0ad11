//! The tree `parse` builds: documents, collections, scalars, properties.

use expect_test::expect;

use crate::support::check_parse;

#[test]
fn simple_manifest() {
    check_parse(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: shop\ndata:\n  A: b\n",
        expect![[r#"
            doc 0 0..84 kind=ConfigMap@21..30 api=v1 name=cfg ns=shop unit=2
              map 0..83
                key "apiVersion" 0..10 : 10
                  plain "v1" 12..14
                key "kind" 15..19 : 19
                  plain "ConfigMap" 21..30
                key "metadata" 31..39 : 39
                  map 43..70
                    key "name" 43..47 : 47
                      plain "cfg" 49..52
                    key "namespace" 55..64 : 64
                      plain "shop" 66..70
                key "data" 71..75 : 75
                  map 79..83
                    key "A" 79..80 : 80
                      plain "b" 82..83
        "#]],
    );
}

#[test]
fn multi_document_with_markers_and_directives() {
    check_parse(
        "# leading comment\n%YAML 1.2\n---\nkind: A\n---\nkind: B\n...\n# between\n---\nkind: C\n",
        expect![[r#"
            doc 0 0..40 kind=A@38..39 unit=2
              map 32..39
                key "kind" 32..36 : 36
                  plain "A" 38..39
            doc 1 40..55 kind=B@50..51 unit=2
              map 44..51
                key "kind" 44..48 : 48
                  plain "B" 50..51
            doc 2 55..78 kind=C@76..77 unit=2
              map 70..77
                key "kind" 70..74 : 74
                  plain "C" 76..77
        "#]],
    );
}

#[test]
fn bare_document_after_end_marker() {
    check_parse(
        "kind: A\n...\nkind: B\n",
        expect![[r#"
        doc 0 0..11 kind=A@6..7 unit=2
          map 0..7
            key "kind" 0..4 : 4
              plain "A" 6..7
        doc 1 11..20 kind=B@18..19 unit=2
          map 12..19
            key "kind" 12..16 : 16
              plain "B" 18..19
    "#]],
    );
}

#[test]
fn empty_text_has_one_empty_document() {
    check_parse(
        "",
        expect![[r#"
        doc 0 0..0 unit=2
    "#]],
    );
}

#[test]
fn trailing_marker_opens_an_empty_document() {
    check_parse(
        "kind: A\n---\n",
        expect![[r#"
        doc 0 0..8 kind=A@6..7 unit=2
          map 0..7
            key "kind" 0..4 : 4
              plain "A" 6..7
        doc 1 8..12 unit=2
    "#]],
    );
}

#[test]
fn comments_everywhere() {
    check_parse(
        "# top\nkind: A # after value\nspec: # after key\n  # own line\n  a: 1\n  b: [x, # in flow\n     y]\n",
        expect![[r#"
            doc 0 0..93 kind=A@12..13 unit=2
              map 6..92
                key "kind" 6..10 : 10
                  plain "A" 12..13
                key "spec" 28..32 : 32
                  map 61..92
                    key "a" 61..62 : 62
                      plain "1" 64..65
                    key "b" 68..69 : 69
                      flow seq 71..92
                        plain "x" 72..73
                        plain "y" 90..91
        "#]],
    );
}

#[test]
fn nested_block_collections_and_compact_sequences() {
    check_parse(
        "spec:\n  containers:\n  - name: a\n    ports:\n      - containerPort: 80\n        protocol: TCP\n  - name: b\n",
        expect![[r#"
            doc 0 0..103 unit=2
              map 0..102
                key "spec" 0..4 : 4
                  map 8..102
                    key "containers" 8..18 : 18
                      seq 22..102
                        map 24..90
                          key "name" 24..28 : 28
                            plain "a" 30..31
                          key "ports" 36..41 : 41
                            seq 49..90
                              map 51..90
                                key "containerPort" 51..64 : 64
                                  plain "80" 66..68
                                key "protocol" 77..85 : 85
                                  plain "TCP" 87..90
                        map 95..102
                          key "name" 95..99 : 99
                            plain "b" 101..102
        "#]],
    );
}

#[test]
fn nested_sequences_on_one_line() {
    check_parse(
        "- - a\n  - b\n- c\n",
        expect![[r#"
        doc 0 0..16 unit=2
          seq 0..15
            seq 2..11
              plain "a" 4..5
              plain "b" 10..11
            plain "c" 14..15
    "#]],
    );
}

#[test]
fn flow_collections() {
    check_parse(
        "args: [\"--since\", 24h, {a: 1, b: [x, y]}]\nlabels: {app: web, tier: }\nempty: []\nsingle: [a: 1]\n",
        expect![[r#"
            doc 0 0..94 unit=2
              map 0..93
                key "args" 0..4 : 4
                  flow seq 6..41
                    double-quoted "--since" 7..16
                    plain "24h" 18..21
                    flow map 23..40
                      key "a" 24..25 : 25
                        plain "1" 27..28
                      key "b" 30..31 : 31
                        flow seq 33..39
                          plain "x" 34..35
                          plain "y" 37..38
                key "labels" 42..48 : 48
                  flow map 50..68
                    key "app" 51..54 : 54
                      plain "web" 56..59
                    key "tier" 61..65 : 65
                      missing 66..67
                key "empty" 69..74 : 74
                  flow seq 76..78
                key "single" 79..85 : 85
                  flow seq 87..93
                    flow map 88..92
                      key "a" 88..89 : 89
                        plain "1" 91..92
        "#]],
    );
}

#[test]
fn flow_over_several_lines() {
    check_parse(
        "a: [\n  1,\n  2\n]\nb: {\n  x: 1,\n}\n",
        expect![[r#"
        doc 0 0..31 unit=2
          map 0..30
            key "a" 0..1 : 1
              flow seq 3..15
                plain "1" 7..8
                plain "2" 12..13
            key "b" 16..17 : 17
              flow map 19..30
                key "x" 23..24 : 24
                  plain "1" 26..27
    "#]],
    );
}

#[test]
fn block_scalars() {
    check_parse(
        "lit: |\n  line1\n    more\n\n  line3\nfold: >\n  a\n  b\n\n  c\nstrip: |-\n  x\n\nkeep: |+\n  y\n\nind: |2\n    two\nnext: 1\n",
        expect![[r#"
            doc 0 0..107 unit=2
              map 0..106
                key "lit" 0..3 : 3
                  literal "line1\n  more\n\nline3\n" 5..32
                key "fold" 33..37 : 37
                  folded "a b\nc\n" 39..53
                key "strip" 54..59 : 59
                  literal "x" 61..67
                key "keep" 69..73 : 73
                  literal "y\n\n" 75..81
                key "ind" 83..86 : 86
                  literal "  two\n" 88..98
                key "next" 99..103 : 103
                  plain "1" 105..106
        "#]],
    );
}

#[test]
fn block_scalar_in_sequence_and_empty_one() {
    check_parse(
        "- |\n  a\n- >-\n  b\n   c\n  d\n- |\nk: v\n",
        expect![[r#"
        doc 0 0..35 unit=2
          seq 0..29
            literal "a\n" 2..7
            folded "b\n c\nd" 10..25
            literal "" 28..29
        error unexpected-content 30..34: a document holds one value; this text comes after it
    "#]],
    );
}

#[test]
fn plain_multi_line_scalars() {
    check_parse(
        "description: this is\n  a long\n\n  text\nnext: x\n",
        expect![[r#"
        doc 0 0..46 unit=2
          map 0..45
            key "description" 0..11 : 11
              plain "this is a long\ntext" 13..37
            key "next" 38..42 : 42
              plain "x" 44..45
    "#]],
    );
}

#[test]
fn quoted_scalars_and_escapes() {
    check_parse(
        "a: 'it''s'\nb: \"tab\\there \\u00e9 \\x41 \\\"q\\\"\"\nc: \"multi\n  line\"\n\"quoted key\": 1\n'k2': 2\nd: \"joined\\\n  here\"\n",
        expect![[r#"
            doc 0 0..106 unit=2
              map 0..105
                key "a" 0..1 : 1
                  single-quoted "it's" 3..10
                key "b" 11..12 : 12
                  double-quoted "tab\there é A \"q\"" 14..43
                key "c" 44..45 : 45
                  double-quoted "multi line" 47..61
                key "quoted key" 62..74 : 74
                  plain "1" 76..77
                key "k2" 78..82 : 82
                  plain "2" 84..85
                key "d" 86..87 : 87
                  double-quoted "joinedhere" 89..105
        "#]],
    );
}

#[test]
fn anchors_tags_and_aliases() {
    check_parse(
        "base: &base\n  a: 1\nother:\n  <<: *base\n  b: !!str 2\ntagged: !custom &t [x]\nref: *t\n",
        expect![[r#"
            doc 0 0..82 unit=2
              map 0..81
                key "base" 0..4 : 4
                  map 14..18 &base
                    key "a" 14..15 : 15
                      plain "1" 17..18
                key "other" 19..24 : 24
                  map 28..50
                    key "<<" 28..30 : 30
                      alias base 32..37
                    key "b" 40..41 : 41
                      plain "2" 49..50 !!str
                key "tagged" 51..57 : 57
                  flow seq 59..73 &t !custom
                    plain "x" 71..72
                key "ref" 74..77 : 77
                  alias t 79..81
        "#]],
    );
}

#[test]
fn explicit_keys() {
    check_parse(
        "? a\n: 1\n? b\nc: 2\n",
        expect![[r#"
        doc 0 0..17 unit=2
          map 0..16
            key "a" 2..3 : 4
              plain "1" 6..7
            key "b" 10..11 no colon
              missing 11..11
            key "c" 12..13 : 13
              plain "2" 15..16
    "#]],
    );
}

#[test]
fn crlf_line_endings() {
    check_parse(
        "kind: A\r\nspec:\r\n  a: |\r\n    x\r\n    y\r\n  b: 'q'\r\n",
        expect![[r#"
        doc 0 0..48 kind=A@6..7 unit=2
          map 0..46
            key "kind" 0..4 : 4
              plain "A" 6..7
            key "spec" 9..13 : 13
              map 18..46
                key "a" 18..19 : 19
                  literal "x\ny\n" 21..36
                key "b" 40..41 : 41
                  single-quoted "q" 43..46
    "#]],
    );
}

#[test]
fn byte_order_mark() {
    check_parse(
        "\u{feff}kind: A\nb: 1\n",
        expect![[r#"
        doc 0 0..16 kind=A@9..10 unit=2
          map 3..15
            key "kind" 3..7 : 7
              plain "A" 9..10
            key "b" 11..12 : 12
              plain "1" 14..15
    "#]],
    );
}

#[test]
fn root_sequence_and_root_scalar() {
    check_parse(
        "- a\n- b\n---\njust text\n---\n|\n  block\n",
        expect![[r#"
        doc 0 0..8 unit=2
          seq 0..7
            plain "a" 2..3
            plain "b" 6..7
        doc 1 8..22 unit=2
          plain "just text" 12..21
        doc 2 22..36 unit=2
          literal "block\n" 26..35
    "#]],
    );
}

#[test]
fn document_facts() {
    check_parse(
        "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: report\n  namespace: shop\nspec:\n    schedule: x\n",
        expect![[r#"
            doc 0 0..100 kind=CronJob@27..34 api=batch/v1 name=report ns=shop unit=2
              map 0..99
                key "apiVersion" 0..10 : 10
                  plain "batch/v1" 12..20
                key "kind" 21..25 : 25
                  plain "CronJob" 27..34
                key "metadata" 35..43 : 43
                  map 47..77
                    key "name" 47..51 : 51
                      plain "report" 53..59
                    key "namespace" 62..71 : 71
                      plain "shop" 73..77
                key "spec" 78..82 : 82
                  map 88..99
                    key "schedule" 88..96 : 96
                      plain "x" 98..99
        "#]],
    );
}

#[test]
fn urls_and_colons_inside_plain_values() {
    check_parse(
        "image: nginx:1.25\nurl: http://a/b#frag\ntime: 12:30\n",
        expect![[r#"
        doc 0 0..51 unit=2
          map 0..50
            key "image" 0..5 : 5
              plain "nginx:1.25" 7..17
            key "url" 18..21 : 21
              plain "http://a/b#frag" 23..38
            key "time" 39..43 : 43
              plain "12:30" 45..50
    "#]],
    );
}

#[test]
fn node_helpers() {
    let file = kref_yaml::parse(
        "spec:\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: a\n",
    );
    let doc = &file.documents[0];
    let labels = doc.get(&["spec", "template", "metadata", "labels"]).unwrap();
    assert_eq!(labels.get("app").and_then(|n| n.as_str()), Some("web"));
    assert_eq!(
        doc.get(&["spec", "template", "spec", "containers", "0", "name"]).and_then(|n| n.as_str()),
        Some("a")
    );
    assert!(doc.get(&["spec", "nope"]).is_none());
    assert!(doc.get(&["spec", "template", "spec", "containers", "x"]).is_none());
    let paths: Vec<String> = doc.pairs().map(|(path, _)| path.to_string()).collect();
    expect![[r#"
        [
            "spec",
            "spec.template",
            "spec.template.metadata",
            "spec.template.metadata.labels",
            "spec.template.metadata.labels.app",
            "spec.template.spec",
            "spec.template.spec.containers",
            "spec.template.spec.containers[0].name",
        ]
    "#]]
    .assert_debug_eq(&paths);
}

#[test]
fn pairs_walk_flow_and_sequences() {
    let file = kref_yaml::parse("a: {b: [x, {c: 1}], d: 2}\ne:\n  - f: 3\n  - [g: 4]\n");
    let paths: Vec<String> = file.documents[0].pairs().map(|(path, _)| path.to_string()).collect();
    expect![[r#"
        [
            "a",
            "a.b",
            "a.b[1].c",
            "a.d",
            "e",
            "e[0].f",
            "e[1][0].g",
        ]
    "#]]
    .assert_debug_eq(&paths);
    let doc = &file.documents[0];
    let loc = file.locate(file.text().find("1}").unwrap());
    assert_eq!(doc.at_path(&loc.path).and_then(|n| n.as_str()), Some("1"));
}
