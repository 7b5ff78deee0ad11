//! No panic, no hang, no stack overflow, whatever the input.

use std::time::Instant;

use kref_yaml::{MAX_DEPTH, Node, NodeValue, parse};

use crate::support::cursor;

/// Fixtures covering every construct and every broken state the other tests use.
const FIXTURES: &[&str] = &[
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          ports:\n            - containerPort: 80\n              protocol: TCP\n",
    "# c\n%YAML 1.2\n---\nkind: A\n---\nkind: B\n...\n# x\n---\nkind: C\n",
    "args: [\"--since\", 24h, {a: 1, b: [x, y]}]\nlabels: {app: web, tier: }\nempty: []\nsingle: [a: 1]\n",
    "lit: |\n  line1\n    more\n\n  line3\nfold: >\n  a\n  b\n\n  c\nstrip: |-\n  x\n\nkeep: |+\n  y\n\nind: |2\n    two\n",
    "a: 'it''s'\nb: \"tab\\there \\u00e9 \\x41 \\\"q\\\"\"\nc: \"multi\n  line\"\n\"quoted key\": 1\nd: \"joined\\\n  here\"\n",
    "base: &base\n  a: 1\nother:\n  <<: *base\n  b: !!str 2\ntagged: !custom &t [x]\nref: *t\n",
    "? a\n: 1\n? b\nc: 2\n? [x]\n: y\n",
    "\u{feff}kind: A\r\nspec:\r\n  a: |\r\n    x\r\n  b: 'q'\r\n  $0\r\n",
    "metadata:\n  name: \"abc\n  namespace: x\nspec:\n  replicas: 3\n",
    "spec:\n\treplicas: 3\n \tpaused: true\n",
    "spec:\n  replicas: 3\n   selector: x\n  template: y\n  stra\n",
    "spec:\n  args: [a, b\n  next: {c\nkind: A\n",
    "a: [1, 2}\nb: ]\nc: {x: 1]\n}{][,,:\n",
    "a: b: c\nd: - e\n- f\n? \n: \n-\n--- |\n  x\n... \n",
    "name: a😀b\n説明: 日本語 # コメント\nk: \"é\\u263A\"\n'x': 'y\n",
    "key: \"unterminated \\",
    "key: 'unterminated",
    "- - - - [ { a: [ \"x",
    "&a !t\n&b\n*a : *b\n!<tag:x> [*a]\n",
    "|+2-\n   x\n>9\n\t\n",
    "a:\n  - b\n  -\n  - c: d\n    e\n  f: g\n",
    "\r\r\n\r\na:\rb\n\0\u{1}: \u{85}\u{2028}\n",
    "",
    "---",
    "...",
    "#",
    "'",
    "\"\\",
    "{",
    "[",
    "- ",
    ":",
    "? ",
];

fn assert_safe(text: &str) {
    let file = parse(text);
    assert!(!file.documents.is_empty());
    for offset in 0..=text.len() + 2 {
        let loc = file.locate(offset);
        assert!(loc.document < file.documents.len());
    }
    for e in &file.errors {
        assert!(e.range.start <= e.range.end && e.range.end <= text.len(), "{e:?} in {text:?}");
        assert!(
            text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end),
            "{e:?} in {text:?}"
        );
        assert!(!e.message.ends_with('.'), "{e:?}");
    }
    for doc in &file.documents {
        for (_, pair) in doc.pairs() {
            let r = pair.range();
            assert!(r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
    }
}

#[test]
fn every_offset_of_every_fixture() {
    for fixture in FIXTURES {
        let text = fixture.replace("$0", "");
        assert_safe(&text);
    }
}

#[test]
fn every_prefix_of_every_fixture_as_if_typed() {
    for fixture in FIXTURES {
        let text = fixture.replace("$0", "");
        for end in (0..=text.len()).filter(|&e| text.is_char_boundary(e)) {
            let prefix = &text[..end];
            let file = parse(prefix);
            let _ = file.locate(end);
        }
    }
}

/// Every fixture manifest of the project, broken ones included: the model is safe to query
/// at every offset, and typing the smaller ones line by line never trips it.
#[test]
fn the_fixture_manifests_are_safe_at_every_offset() {
    // The megabyte-sized fixtures have their own tests (`five_megabytes_parse_quickly`).
    for (_, text) in crate::support::fixture_manifests().into_iter().filter(|(_, t)| t.len() < 200_000) {
        assert_safe(&text);
        if text.len() < 2_000 {
            for (end, _) in text.match_indices('\n') {
                let _ = parse(&text[..end]).locate(end);
            }
        }
    }
}

/// A deterministic byte soup drawn from YAML's special characters.
#[test]
fn random_yaml_like_soup() {
    const ALPHABET: &[&str] = &[
        " ", "  ", "\n", "\r\n", "\t", "-", "- ", ":", ": ", "?", "? ", "[", "]", "{", "}", ",", "#", " #",
        "&a", "*a", "!t", "!!str", "|", ">", "|-", ">+", "|2", "'", "\"", "\\", "\\u12", "---\n", "...\n",
        "%YAML", "key", "a", "1", "é", "😀", "日本", "\u{feff}",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = || {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    for _ in 0..1500 {
        let len = next() % 60;
        let text: String = (0..len).map(|_| ALPHABET[next() % ALPHABET.len()]).collect();
        assert_safe(&text);
    }
}

fn depth_of(node: &Node) -> usize {
    let mut max = 0;
    let mut stack = vec![(node, 1)];
    while let Some((node, depth)) = stack.pop() {
        max = max.max(depth);
        match &node.value {
            NodeValue::Mapping(pairs) => stack.extend(pairs.iter().map(|p| (&p.value, depth + 1))),
            NodeValue::Sequence(items) => stack.extend(items.iter().map(|n| (n, depth + 1))),
            _ => {}
        }
    }
    max
}

fn check_deep(text: &str) {
    let file = parse(text);
    assert!(file.errors.iter().any(|e| e.code.as_str() == "too-deep"), "{:?}", &file.errors[..1]);
    let root = file.documents[0].root.as_ref().unwrap();
    assert!(depth_of(root) <= MAX_DEPTH + 2, "{}", depth_of(root));
    for offset in [0, text.len() / 2, text.len()] {
        let loc = file.locate(offset);
        assert!(loc.path.len() <= MAX_DEPTH + 2);
    }
    assert!(file.documents[0].pairs().count() <= text.len());
}

#[test]
fn deep_flow_nesting() {
    let n = 20_000;
    check_deep(&format!("a: {}{}\n", "[".repeat(n), "]".repeat(n)));
    check_deep(&format!("a: {}1{}\n", "{a: ".repeat(n), "}".repeat(n)));
    check_deep(&"[".repeat(n));
}

#[test]
fn deep_block_nesting() {
    let n = 20_000;
    check_deep(&format!("{}x\n", "- ".repeat(n)));
    check_deep(&format!("{}x\n", "? ".repeat(n)));
    check_deep(&(0..n).map(|_| "&a\n").collect::<String>());
    let indented: String = (0..2_000).map(|i| format!("{}k{i}:\n", " ".repeat(i))).collect();
    check_deep(&indented);
}

#[test]
fn deep_nesting_fits_a_small_stack() {
    // Parsing and dropping a tree at the depth limit must fit well within a 2 MiB thread
    // stack (tokio's and the test harness's default), in debug builds too.
    let text = format!(
        "a: {}{}\nb: {}x\n",
        "[".repeat(MAX_DEPTH + 5),
        "]".repeat(MAX_DEPTH + 5),
        "- ".repeat(MAX_DEPTH + 5)
    );
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            let file = parse(&text);
            let _ = file.locate(text.len() / 2);
            file.errors.len()
        })
        .unwrap();
    assert!(handle.join().unwrap() >= 1);
}

#[test]
fn alias_bomb_costs_nothing() {
    let mut text =
        String::from("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    let names: Vec<char> = "abcdefghijklmnopqrstuvwxyz".chars().collect();
    for w in names.windows(2) {
        let (prev, this) = (w[0], w[1]);
        text.push_str(&format!("{this}: &{this} [{}]\n", vec![format!("*{prev}"); 9].join(",")));
    }
    let start = Instant::now();
    let file = parse(&text);
    assert!(start.elapsed().as_secs() < 2);
    assert_eq!(file.errors, vec![]);
    let root = file.documents[0].root.as_ref().unwrap();
    let z = root.get("z").unwrap().as_sequence().unwrap();
    assert!(matches!(&z[0].value, NodeValue::Alias(name) if name == "y"));
    assert!(file.documents[0].pairs().count() == 26);
    let _ = file.locate(text.len() - 3);
}

/// A manifest stream of about `size` bytes, the shape of real ones.
pub fn generated_manifests(size: usize) -> String {
    let mut out = String::with_capacity(size + 4096);
    let mut i = 0;
    while out.len() < size {
        out.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc{i}\n  labels: {{app: svc{i}, tier: \"web\"}}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: app\n          image: 'registry.example.com/svc{i}:1.0'\n          args: [\"--port\", \"8080\"]\n          env:\n            - name: A\n              value: |\n                line one\n                line two\n          ports:\n            - containerPort: 8080 # http\n---\n"
        ));
        i += 1;
    }
    out
}

#[test]
fn five_megabytes_parse_quickly() {
    let text = generated_manifests(5_000_000);
    let start = Instant::now();
    let file = parse(&text);
    let elapsed = start.elapsed();
    assert_eq!(file.errors, vec![]);
    assert!(file.documents.len() > 10_000);
    // Generous even for an unoptimised build on a loaded machine; release takes ~1/20 of it.
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
    let _ = file.locate(text.len() / 2);
}

#[test]
fn one_huge_mapping_and_one_huge_line() {
    let mut text = String::from("data:\n");
    for i in 0..100_000 {
        text.push_str(&format!("  key{i}: value {i}\n"));
    }
    let file = parse(&text);
    assert_eq!(file.errors, vec![]);
    assert_eq!(file.documents[0].pairs().count(), 100_001);
    let loc = file.locate(text.len() / 2);
    assert_eq!(loc.path.len(), 2);

    let line = format!("a: [{}]", vec!["x"; 200_000].join(", "));
    let file = parse(&line);
    assert_eq!(file.errors, vec![]);
    let _ = file.locate(line.len() / 2);

    let (text, offset) = cursor("a: $0");
    assert!(parse(&text).locate(offset).path.len() == 1);
}
