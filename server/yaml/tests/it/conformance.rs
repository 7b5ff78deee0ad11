//! On valid YAML, the tree agrees with serde_norway (libyaml): same structure, same decoded text.

use kref_yaml::{Node, NodeValue, ScalarStyle, parse};
use serde::Deserialize;
use serde_norway::Value;

fn scalar_matches(text: &str, style: ScalarStyle, theirs: &Value) -> bool {
    match theirs {
        Value::String(s) => s == text,
        Value::Null => style == ScalarStyle::Plain && matches!(text, "" | "~" | "null" | "Null" | "NULL"),
        Value::Bool(b) => {
            style == ScalarStyle::Plain && text.eq_ignore_ascii_case(if *b { "true" } else { "false" })
        }
        Value::Number(n) => {
            style == ScalarStyle::Plain
                && (n.to_string() == text
                    || text.parse::<f64>().ok().zip(n.as_f64()).is_some_and(|(a, b)| a == b)
                    || n.as_i64().is_some_and(|v| {
                        text.starts_with("0x") && i64::from_str_radix(&text[2..], 16) == Ok(v)
                    })
                    || n.as_i64().is_some_and(|v| {
                        text.starts_with("0o") && i64::from_str_radix(&text[2..], 8) == Ok(v)
                    }))
        }
        Value::Tagged(t) => scalar_matches(text, style, &t.value),
        _ => false,
    }
}

fn compare(ours: &Node, theirs: &Value, path: &str) -> Result<(), String> {
    let theirs = match theirs {
        Value::Tagged(t) => &t.value,
        v => v,
    };
    match (&ours.value, theirs) {
        (NodeValue::Alias(_), _) => Ok(()),
        (NodeValue::Missing, Value::Null) => Ok(()),
        (NodeValue::Scalar(s), v) if scalar_matches(&s.text, s.style, v) => Ok(()),
        (NodeValue::Mapping(pairs), Value::Mapping(map)) => {
            if pairs.len() != map.len() {
                return Err(format!("{path}: {} keys, serde_norway has {}", pairs.len(), map.len()));
            }
            for (pair, (key, value)) in pairs.iter().zip(map.iter()) {
                if !scalar_matches(&pair.key.text, pair.key.style, key) {
                    return Err(format!("{path}: key {:?} vs {key:?}", pair.key.text));
                }
                compare(&pair.value, value, &format!("{path}.{}", pair.key.text))?;
            }
            Ok(())
        }
        (NodeValue::Sequence(items), Value::Sequence(seq)) => {
            if items.len() != seq.len() {
                return Err(format!("{path}: {} items, serde_norway has {}", items.len(), seq.len()));
            }
            for (i, (item, value)) in items.iter().zip(seq).enumerate() {
                compare(item, value, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        (ours, theirs) => Err(format!("{path}: {ours:?} vs {theirs:?}")),
    }
}

#[track_caller]
fn agree(text: &str) {
    let file = parse(text);
    assert_eq!(file.errors, vec![], "{text:?}");
    if text.trim().is_empty() {
        // serde_norway sees no document; the model always has one, for completion to fill.
        assert_eq!(file.documents.len(), 1);
        return;
    }
    let theirs: Vec<Value> = serde_norway::Deserializer::from_str(text)
        .map(|doc| Value::deserialize(doc).expect("serde_norway rejects the input"))
        .collect();
    let ours: Vec<_> = file.documents.iter().filter(|d| d.root.is_some() || theirs.len() > 1).collect();
    assert_eq!(ours.len(), theirs.len(), "documents in {text:?}");
    for (doc, value) in ours.iter().zip(&theirs) {
        match &doc.root {
            Some(root) => compare(root, value, "").unwrap_or_else(|e| panic!("{e}\nin {text:?}")),
            None => assert_eq!(value, &Value::Null),
        }
    }
}

/// The project's own fixture manifests: wherever serde_norway reads a file, the model agrees
/// with it (fixtures that are broken on purpose are skipped by that test, not this one).
#[test]
fn fixture_manifests_agree_with_serde_norway() {
    let mut agreed = 0;
    for (path, text) in crate::support::fixture_manifests() {
        let readable = serde_norway::Deserializer::from_str(&text).all(|doc| Value::deserialize(doc).is_ok());
        if readable {
            let file = parse(&text);
            assert_eq!(file.errors, vec![], "{path}");
            agree(&text);
            agreed += 1;
        }
    }
    assert!(agreed >= 80, "only {agreed} fixture files were compared");
}

#[test]
fn block_scalars() {
    for text in [
        "a: |\n  x\n  y\n",
        "a: |-\n  x\n\n",
        "a: |+\n  x\n\n\nb: 1\n",
        "a: >\n  one\n  two\n\n  three\n",
        "a: >\n  one\n    indented\n  two\n",
        "a: >-\n\n  lead\n  two\n",
        "a: |2\n    two\n   one\n",
        "a: >+\n  keep\n\n",
        "- |\n  in seq\n- >\n  folded\n  seq\n",
        "a: |\n  with # not comment\n  # also text\nb: 2 # comment\n",
        "a: |\n\n  after blank\n",
        "a: |\n  trailing spaces   \n",
        "a: |\nb: 1\n",
    ] {
        agree(text);
    }
}

#[test]
fn quoted_and_plain() {
    for text in [
        "a: 'single ''quote'''\n",
        "a: \"esc \\n \\t \\\\ \\\" \\u263A \\x41 \\/\"\n",
        "a: \"fold\n  this\n\n  para\"\n",
        "a: 'fold\n  this\n\n  para'\n",
        "a: plain\n  multi\n  line\n",
        "a: plain\n\n  with blank\n",
        "a: \"esc\\\n   aped break\"\n",
        "k: v:w\nurl: http://x:80/y\n",
        "a: -1\nb: -x\nc: ?x\nd: :x\n",
        "'quoted key': 1\n\"dq key\": 2\n",
        "a: 0x1F\nb: 1.5e3\nc: true\nd: ~\ne: null\nf:\n",
        "a: x # comment\nb: \"y\" # comment\n",
        "a: \"   spaced   \"\n",
        "a: ''\nb: \"\"\n",
    ] {
        agree(text);
    }
}

#[test]
fn collections() {
    for text in [
        "a:\n- 1\n- 2\nb:\n  - x: 1\n    y: 2\n  - z\n",
        "- - a\n  - b\n- - c\n",
        "- a: 1\n  b: 2\n- c: 3\n",
        "a: [1, [2, 3], {x: y}]\n",
        "a: {x: 1, y: [a, b], z: {q: r}}\n",
        "a: [\n  1,\n  2,\n]\n",
        "a: {\n  x: 1,\n  y: 2\n}\n",
        "a: [b: c, d]\n",
        "a: {x, y: 1}\n",
        "a: []\nb: {}\n",
        "? complex\n: value\n? other\n",
        "a: &x 1\nb: *x\nc: !!str 3\n",
        "base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n",
        "a:\n  # comment\n  b: 1\n  # trailing\n",
        "a: 1\r\nb:\r\n  - x\r\n  - y\r\n",
        "\u{feff}a: 1\n",
        "empty:\nalso: ~\n",
        "- \n- x\n",
    ] {
        agree(text);
    }
}

#[test]
fn documents() {
    for text in [
        "a: 1\n---\nb: 2\n",
        "---\na: 1\n...\n---\nb: 2\n",
        "%YAML 1.2\n---\na: 1\n",
        "# only a comment\n---\na: 1\n",
        "--- |\n  literal root\n",
        "--- [1, 2]\n",
        "just a scalar\n",
        "- root\n- seq\n",
        "",
    ] {
        agree(text);
    }
}
