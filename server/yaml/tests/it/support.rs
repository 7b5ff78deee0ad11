//! The test helpers: fixtures with a `$0` cursor marker, and renderings of trees and locations.

use std::fmt::Write;

use expect_test::Expect;
use kref_yaml::{File, Location, Node, NodeValue, Target, parse};

/// Splits a fixture at its `$0` marker into the text and the cursor offset.
pub fn cursor(fixture: &str) -> (String, usize) {
    let offset = fixture.find("$0").expect("the fixture has no $0 cursor");
    let mut text = fixture.to_owned();
    text.replace_range(offset..offset + 2, "");
    (text, offset)
}

/// Locates the `$0` cursor of `fixture` and compares the rendered [`Location`].
#[track_caller]
pub fn check(fixture: &str, expect: Expect) {
    let (text, offset) = cursor(fixture);
    let file = parse(&text);
    let loc = file.locate(offset);
    expect.assert_eq(&render_location(&file, &loc));
}

pub fn render_location(file: &File, loc: &Location) -> String {
    let mut out = String::new();
    let _ = write!(out, "doc {}", loc.document);
    if let Some(kind) = &loc.kind {
        let _ = write!(out, " kind={kind}");
    }
    if let Some(api) = &loc.api_version {
        let _ = write!(out, " api={api}");
    }
    let _ = writeln!(out, " unit={}", loc.indent_unit);
    let _ = writeln!(out, "path {}", loc.path);
    let text = file.text();
    match &loc.target {
        Target::Key { range, text: key } => {
            let _ = writeln!(out, "Key {key:?} {range}");
        }
        Target::Value { range, text: value, style } => {
            let _ = writeln!(
                out,
                "Value {} {value:?} {range} raw={:?}",
                style.as_str(),
                &text[range.start..range.end]
            );
        }
        Target::NewKey { prefix, prefix_range, indent } => {
            let _ = writeln!(out, "NewKey prefix={prefix:?} {prefix_range} indent={indent}");
        }
        Target::NewItem { indent } => {
            let _ = writeln!(out, "NewItem indent={indent}");
        }
        Target::Nothing => {
            let _ = writeln!(out, "Nothing");
        }
    }
    if !loc.siblings.is_empty() {
        let _ = writeln!(out, "siblings {}", loc.siblings.join(", "));
    }
    out
}

/// Parses `text` and compares the rendered documents, trees and errors.
#[track_caller]
pub fn check_parse(text: &str, expect: Expect) {
    expect.assert_eq(&render_file(&parse(text)));
}

pub fn render_file(file: &File) -> String {
    let mut out = String::new();
    for (i, doc) in file.documents.iter().enumerate() {
        let _ = write!(out, "doc {i} {}", doc.range);
        if let Some((kind, range)) = &doc.kind {
            let _ = write!(out, " kind={kind}@{range}");
        }
        if let Some((api, _)) = &doc.api_version {
            let _ = write!(out, " api={api}");
        }
        if let Some(name) = &doc.name {
            let _ = write!(out, " name={name}");
        }
        if let Some(ns) = &doc.namespace {
            let _ = write!(out, " ns={ns}");
        }
        let _ = writeln!(out, " unit={}", doc.indent_unit);
        if let Some(root) = &doc.root {
            render_node(&mut out, root, 1);
        }
    }
    for e in &file.errors {
        let _ = writeln!(out, "error {} {}: {}", e.code, e.range, e.message);
    }
    out
}

fn render_node(out: &mut String, node: &Node, depth: usize) {
    let pad = "  ".repeat(depth);
    let mut props = String::new();
    if let Some(a) = &node.anchor {
        let _ = write!(props, " &{a}");
    }
    if let Some(t) = &node.tag {
        let _ = write!(props, " {t}");
    }
    match &node.value {
        NodeValue::Mapping(pairs) => {
            let flow = if node.flow { "flow " } else { "" };
            let _ = writeln!(out, "{pad}{flow}map {}{props}", node.range);
            for p in pairs {
                let colon = p.colon.map_or("no colon".to_owned(), |c| format!(": {c}"));
                let _ = writeln!(out, "{pad}  key {:?} {} {colon}", p.key.text, p.key.raw_range);
                render_node(out, &p.value, depth + 2);
            }
        }
        NodeValue::Sequence(items) => {
            let flow = if node.flow { "flow " } else { "" };
            let _ = writeln!(out, "{pad}{flow}seq {}{props}", node.range);
            for item in items {
                render_node(out, item, depth + 1);
            }
        }
        NodeValue::Scalar(s) => {
            let _ = writeln!(out, "{pad}{} {:?} {}{props}", s.style.as_str(), s.text, s.raw_range);
        }
        NodeValue::Alias(name) => {
            let _ = writeln!(out, "{pad}alias {name} {}{props}", node.range);
        }
        NodeValue::Missing => {
            let _ = writeln!(out, "{pad}missing {}{props}", node.range);
        }
    }
}

/// Every YAML file of the project's own fixtures (`tests/fixtures/` at the workspace root),
/// except Helm templates (Go templates, not YAML), with its path. These are in the repository,
/// so tests built on them never depend on anything beside the checkout.
pub fn fixture_manifests() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "templates") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml")
                && let Ok(text) = std::fs::read_to_string(&path)
            {
                out.push((path.display().to_string(), text));
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut out = Vec::new();
    walk(&root, &mut out);
    assert!(
        out.len() >= 100,
        "only {} fixture manifests under {}: is the checkout whole?",
        out.len(),
        root.display()
    );
    out
}
