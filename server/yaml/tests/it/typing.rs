//! YAML 1.1 scalar typing (go-yaml v2, as `sigs.k8s.io/yaml` and Helm read manifests).

use kref_yaml::{Typed, parse, plain_is_string, resolve_plain, string_scalar};

#[test]
fn plain_scalars_resolve_as_go_yaml_v2_does() {
    let cases: &[(&str, Typed<'_>)] = &[
        ("yes", Typed::Bool(true)),
        ("y", Typed::Bool(true)),
        ("N", Typed::Bool(false)),
        ("Off", Typed::Bool(false)),
        ("8080", Typed::Int(8080)),
        ("0x1F", Typed::Int(31)),
        ("0X1F", Typed::Int(31)),
        ("0o17", Typed::Int(15)),
        ("010", Typed::Int(8)),
        ("0b101", Typed::Int(5)),
        ("-3", Typed::Int(-3)),
        ("+0x10", Typed::Int(16)),
        ("1_000", Typed::Int(1000)),
        ("1.5", Typed::Float(1.5)),
        ("1e3", Typed::Float(1000.0)),
        ("09", Typed::Float(9.0)),
        (".5", Typed::Float(0.5)),
        (".inf", Typed::Float(f64::INFINITY)),
        ("+.Inf", Typed::Float(f64::INFINITY)),
        ("-.INF", Typed::Float(f64::NEG_INFINITY)),
        ("~", Typed::Null),
        ("null", Typed::Null),
        ("", Typed::Null),
        ("25%", Typed::Str("25%")),
        ("1.2.3", Typed::Str("1.2.3")),
        ("500m", Typed::Str("500m")),
        ("2024-01-01", Typed::Str("2024-01-01")),
        ("-", Typed::Str("-")),
        (".", Typed::Str(".")),
        ("1e", Typed::Str("1e")),
        ("0o", Typed::Str("0o")),
        ("0x", Typed::Str("0x")),
        ("0x+5", Typed::Str("0x+5")),
        ("inf", Typed::Str("inf")),
        ("NaN", Typed::Str("NaN")),
        ("yess", Typed::Str("yess")),
    ];
    for (text, want) in cases {
        assert_eq!(resolve_plain(text), *want, "{text:?}");
    }
    assert!(matches!(resolve_plain(".nan"), Typed::Float(f) if f.is_nan()));
}

#[test]
fn nodes_honour_tags_and_quotes() {
    let file = parse("a: 'yes'\nb: !!str 10\nc: !!int \"7\"\nd: |\n  1\ne: *x\nf:\ng: 0x1F\nh: [1]\n");
    let root = file.documents[0].root.as_ref().unwrap();
    let typed = |k: &str| root.get(k).and_then(|n| n.typed());
    assert_eq!(typed("a"), Some(Typed::Str("yes")));
    assert_eq!(typed("b"), Some(Typed::Str("10")));
    assert_eq!(typed("c"), Some(Typed::Int(7)));
    assert_eq!(typed("d"), Some(Typed::Str("1\n")));
    assert_eq!(typed("e"), None, "aliases are never expanded");
    assert_eq!(typed("f"), None, "an absent value is no scalar");
    assert_eq!(typed("g"), Some(Typed::Int(31)));
    assert_eq!(typed("h"), None);
    assert_eq!(Typed::Int(1).type_name(), "an integer");
    assert_eq!(Typed::Float(1.0).json_type(), "number");
}

#[test]
fn strings_are_quoted_only_when_plain_would_read_otherwise() {
    for text in
        ["y", "n", "0x1F", "0o17", "1_000", ".inf", "~", "", "true", "1.0", "- a", "a: b", "a #b", "*x"]
    {
        assert!(string_scalar(text).starts_with('"'), "{text:?} → {}", string_scalar(text));
    }
    for text in ["web", "RollingUpdate", "25%", "500m", "1.2.3", "inf", "app.kubernetes.io/name"] {
        assert_eq!(string_scalar(text), text);
        assert!(plain_is_string(text), "{text:?}");
    }
    assert_eq!(string_scalar("say \"hi\""), "say \"hi\"");
    assert_eq!(string_scalar("\"q\""), "\"\\\"q\\\"\"");
}
