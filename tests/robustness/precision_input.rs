//! Bad input for the project-level checks: a CRD whose schema refers to itself, a 10 MB CRD,
//! an `anyOf` of twenty alternatives nested three deep, a List of 10,000 items, kustomizations
//! that include themselves. Each gives the right answer or a clear message, never a panic or
//! a hang (the time limits are generous guards against hangs, not measurements).

use std::fmt::Write;
use std::time::{Duration, Instant};

use crate::util::{TestEnv, arg};

fn assert_no_crash(stderr: &str, when: &str) {
    for bad in ["panicked", "RUST_BACKTRACE", "stack overflow", "fatal runtime error"] {
        assert!(!stderr.contains(bad), "{when}: {stderr}");
    }
}

/// Runs `kref check --format json` on `path`; answers (exit code, JSON, stderr, time).
fn check(env: &TestEnv, path: &std::path::Path) -> (i32, serde_json::Value, String, Duration) {
    let started = Instant::now();
    let run = env.run(&["check", "--format", "json", arg(path)]);
    let took = started.elapsed();
    assert_no_crash(&run.stderr, &path.display().to_string());
    assert!(run.code == 0 || run.code == 1, "{}: exit {}: {}", path.display(), run.code, run.stderr);
    (run.code, run.json(), run.stderr, took)
}

/// (rule, one-based line) of every error and warning of the report.
fn findings(json: &serde_json::Value) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap().iter())
        .filter(|d| d["severity"] == "error" || d["severity"] == "warning")
        .map(|d| (d["rule"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap()))
        .collect();
    out.sort();
    out
}

const CRD_HEAD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.bad.example.com
spec:
  group: bad.example.com
  names: {kind: Thing, plural: things}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
";

#[test]
fn a_crd_whose_schema_refers_to_itself() {
    let env = TestEnv::new();
    // YAML can only make a schema cycle with an alias to a node that holds it.
    let crd = format!(
        "{CRD_HEAD}        &node\n        type: object\n        properties:\n          spec: *node\n---\napiVersion: bad.example.com/v1\nkind: Thing\nmetadata: {{name: t}}\nspec: {{spec: {{spec: {{}}}}}}\n"
    );
    let path = env.write("work/cycle.yaml", crd);
    let (_, json, stderr, took) = check(&env, &path);
    assert!(took < Duration::from_secs(60), "{took:?}");
    assert!(
        stderr.contains("its CustomResourceDefinitions are not used as schemas"),
        "a CRD that cannot be read says so: {stderr}"
    );
    assert!(json["files"][0]["objects"].as_u64() == Some(2), "{json}");

    // An OpenAPI document whose definitions refer to each other and to themselves.
    let openapi = r##"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
      "components": {"schemas": {
        "io.example.v1.Node": {"type": "object", "x-kubernetes-group-version-kind": [{"group": "example.io", "version": "v1", "kind": "Node"}],
          "properties": {"apiVersion": {"type": "string"}, "kind": {"type": "string"}, "metadata": {"type": "object"},
                         "next": {"$ref": "#/components/schemas/io.example.v1.Link"},
                         "self": {"$ref": "#/components/schemas/io.example.v1.Node"}}},
        "io.example.v1.Link": {"type": "object", "properties": {"back": {"$ref": "#/components/schemas/io.example.v1.Node"}, "size": {"type": "integer"}}}}}}"##;
    let schema = env.write("work/cyclic-openapi.json", openapi);
    let run = env.run(&["import", arg(&schema)]);
    assert_no_crash(&run.stderr, "import");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut deep = String::from("apiVersion: example.io/v1\nkind: Node\nmetadata: {name: n}\n");
    let mut indent = String::new();
    for i in 0..59 {
        let key = if i % 2 == 0 { "next" } else { "back" };
        let _ = writeln!(deep, "{indent}{key}:");
        indent.push_str("  ");
    }
    let _ = writeln!(deep, "{indent}size: many");
    let path = env.write("work/deep.yaml", deep);
    let (_, json, _, took) = check(&env, &path);
    assert!(took < Duration::from_secs(60), "{took:?}");
    assert_eq!(findings(&json), [("wrong-type".to_string(), 63)], "{json}");
}

#[test]
fn a_ten_megabyte_crd() {
    let env = TestEnv::new();
    let mut crd = String::from(CRD_HEAD);
    crd.push_str("        type: object\n        properties:\n          spec:\n            type: object\n            properties:\n");
    let mut i = 0;
    while crd.len() < 10_000_000 {
        let _ = write!(
            crd,
            "              field{i}:\n                description: {}\n                type: string\n                pattern: ^[a-z]+$\n",
            "A setting of the thing, described at length as generated schemas do. ".repeat(6)
        );
        i += 1;
    }
    crd.push_str("---\napiVersion: bad.example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec:\n  field7: fine\n  field8: Not-Fine\n  feild9: x\n");
    let path = env.write("work/big-crd.yaml", crd);
    let (_, json, stderr, took) = check(&env, &path);
    assert!(took < Duration::from_secs(120), "{took:?}");
    assert!(!stderr.contains("not used as schemas"), "{stderr}");
    let found = findings(&json);
    let names: Vec<&str> = found.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(names, ["invalid-value", "unknown-field"], "{found:?}");
}

#[test]
fn an_any_of_of_twenty_alternatives_nested_three_deep() {
    let env = TestEnv::new();
    // Not a structural schema (alternatives with types of their own): read as unions, tried
    // one by one within a budget.
    fn alternatives(depth: usize, indent: usize) -> String {
        let pad = " ".repeat(indent);
        let mut s = format!("{pad}anyOf:\n");
        for a in 0..20 {
            let _ = writeln!(s, "{pad}- type: object");
            let _ = writeln!(s, "{pad}  properties:");
            let _ = writeln!(s, "{pad}    k{a}: {{type: integer}}");
            if depth > 0 {
                let _ = writeln!(s, "{pad}    inner:");
                s.push_str(&alternatives(depth - 1, indent + 6));
            }
        }
        s
    }
    let mut crd = String::from(CRD_HEAD);
    crd.push_str("        type: object\n        properties:\n          spec:\n");
    crd.push_str(&alternatives(2, 12));
    crd.push_str("---\napiVersion: bad.example.com/v1\nkind: Thing\nmetadata: {name: ok}\nspec: {k19: 1, inner: {k3: 2, inner: {k0: 3}}}\n");
    crd.push_str("---\napiVersion: bad.example.com/v1\nkind: Thing\nmetadata: {name: bad}\nspec: {inner: {inner: {inner: {nothing: here}}}}\n");
    let path = env.write("work/any-of.yaml", crd);
    let (_, json, _, took) = check(&env, &path);
    assert!(took < Duration::from_secs(120), "{took:?}");
    let found = findings(&json);
    assert_eq!(found.len(), 1, "one problem, on the bad object: {found:?}");
    let message = json["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["severity"] == "error")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .unwrap();
    assert!(message.contains("spec"), "{message}");
}

#[test]
fn a_list_of_ten_thousand_items() {
    let env = TestEnv::new();
    let mut text = String::from("apiVersion: v1\nkind: ConfigMapList\nitems:\n");
    for i in 0..10_000 {
        let _ = write!(text, "- metadata: {{name: config-{i}}}\n  data: {{a: b}}\n");
    }
    text.push_str("- metadata: {name: config-17}\n  data: {a: c}\n- metadata: {name: odd}\n  dta: {}\n");
    let path = env.write("work/list.yaml", text);
    let (code, json, _, took) = check(&env, &path);
    assert!(took < Duration::from_secs(60), "{took:?}");
    assert_eq!(code, 1);
    assert_eq!(json["files"][0]["objects"], 10_002);
    let found = findings(&json);
    assert_eq!(
        found,
        [
            ("duplicate-object".to_string(), 38),
            ("duplicate-object".to_string(), 20_004),
            ("unknown-field".to_string(), 20_007),
        ],
        "{found:?}"
    );
}

#[test]
fn kustomizations_that_include_themselves() {
    let env = TestEnv::new();
    env.write("work/k/a/kustomization.yaml", "resources: [., ../b, cm.yaml]\n");
    env.write("work/k/a/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    env.write("work/k/b/kustomization.yaml", "resources: [../a, ../b]\n");
    let (_, json, stderr, took) = check(&env, &env.path("work/k"));
    assert!(took < Duration::from_secs(60), "{took:?}");
    assert!(stderr.contains("this kustomization includes itself"), "{stderr}");
    assert!(stderr.contains("include each other"), "{stderr}");
    assert_eq!(json["summary"]["errors"], 0, "{json}");
}
