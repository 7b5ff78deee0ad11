//! Precision on a project in the shapes real repositories have (`tests/fixtures/projects/`):
//! `kref check` reports exactly the problems marked in its files (`#! rule` at the end of a
//! line) and no other error or warning, takes each file for what it is, and the language
//! server publishes the same diagnostics for every file opened in the same workspace.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::lsp_client::LspClient;
use crate::util::TestEnv;

/// (one-based line, rule) pairs.
type Marks = BTreeSet<(u64, String)>;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/projects").join(name)
}

/// Copies a fixture project into the test's `work` folder.
fn copy_into(env: &TestEnv, name: &str) {
    let src = fixture(name);
    for entry in walk(&src) {
        let rel = entry.strip_prefix(&src).unwrap();
        env.write(&format!("work/{}", rel.display()), std::fs::read(&entry).unwrap());
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The YAML files `kref check` reads (hidden files left out), relative, with their marks.
fn marks(root: &Path) -> BTreeMap<String, Marks> {
    let mut out = BTreeMap::new();
    for path in walk(root) {
        let rel = path.strip_prefix(root).unwrap();
        let hidden = rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
        let yaml = path.extension().is_some_and(|e| e == "yaml" || e == "yml");
        if hidden || !yaml {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut set = Marks::new();
        for (i, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("#! ") {
                for rule in line[pos + 3..].split(',').map(str::trim).filter(|r| !r.is_empty()) {
                    set.insert((i as u64 + 1, rule.to_string()));
                }
            }
        }
        out.insert(rel.display().to_string(), set);
    }
    out
}

fn check_json(env: &TestEnv) -> Value {
    let run = env.run(&["check", "--format", "json", "."]);
    assert!(run.code == 0 || run.code == 1, "kref check failed: {}\n{}", run.stdout, run.stderr);
    run.json()
}

#[test]
fn kref_check_reports_exactly_the_marked_problems() {
    let env = TestEnv::new();
    copy_into(&env, "precision");
    let want = marks(&env.path("work"));
    assert!(want.len() >= 40, "the fixture has {} YAML files", want.len());
    assert!(want.values().map(BTreeSet::len).sum::<usize>() >= 30, "the fixture marks too few problems");
    let json = check_json(&env);
    let mut failures = Vec::new();
    let mut seen = 0;
    for file in json["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap().trim_start_matches("./").to_string();
        let got: Marks = file["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["severity"] == "error" || d["severity"] == "warning")
            .map(|d| (d["line"].as_u64().unwrap(), d["rule"].as_str().unwrap().to_string()))
            .collect();
        let expected = want.get(&path).cloned().unwrap_or_default();
        seen += 1;
        for (line, rule) in expected.difference(&got) {
            failures.push(format!("{path}:{line}: missing {rule}"));
        }
        for (line, rule) in got.difference(&expected) {
            let message = file["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["line"] == *line && d["rule"] == *rule)
                .and_then(|d| d["message"].as_str())
                .unwrap_or("");
            failures.push(format!("{path}:{line}: unexpected {rule}: {message}"));
        }
    }
    assert_eq!(seen, want.len(), "kref check read {seen} files, the fixture has {}", want.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_file_is_taken_for_what_it_is() {
    let env = TestEnv::new();
    copy_into(&env, "precision");
    let json = check_json(&env);
    let class_of = |path: &str| -> String {
        json["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"].as_str().unwrap().trim_start_matches("./") == path)
            .map(|f| f["class"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{path} was not checked"))
    };
    for (path, class) in [
        ("crd/monitors.yaml", "manifest"),
        ("lists/dashboards.yaml", "manifest"),
        ("chart/Chart.yaml", "helm-chart"),
        ("chart/values.yaml", "helm-values"),
        ("chart/templates/deployment.yaml", "helm-template"),
        ("chart/templates/service.yaml", "helm-template"),
        ("chart/crds/crontabs.yaml", "manifest"),
        ("kustomize/base/kustomization.yaml", "kustomization"),
        ("kustomize/components/no-worker/kustomization.yaml", "kustomize-component"),
        ("kustomize/components/no-worker/delete-worker.patch.yaml", "patch"),
        ("kustomize/overlays/prod/replicas.yaml", "patch"),
        ("kustomize/overlays/prod/memory.yaml", "patch"),
        ("kustomize/overlays/prod/web-ops.yaml", "json-patch"),
        ("kustomize/base/deploy.yaml", "manifest"),
        ("patches/kind/patches/kube-controller-manager.yaml", "patch"),
        ("patches/tweaks/web.patch.yaml", "patch"),
        ("generated/pod-template.yaml", "template"),
        ("other/skaffold.yaml", "skaffold"),
        ("other/docker-compose.yml", "docker-compose"),
        ("other/kind-cluster.yaml", "tool-config"),
        ("other/kubeadm.yaml", "tool-config"),
        ("other/kubeconfig.yaml", "tool-config"),
        ("other/openapi.yaml", "openapi"),
        ("other/playbook.yml", "ansible"),
        ("other/cloudbuild.yaml", "cloud-build"),
        ("other/workflow.yaml", "github-actions"),
        ("other/datasources.yaml", "yaml"),
        ("other/tool-settings.yaml", "tool-config"),
    ] {
        assert_eq!(class_of(path), class, "{path}");
    }
    let classes = &json["summary"]["classes"];
    assert_eq!(classes["helm"], 4, "{classes}");
    assert_eq!(classes["kustomize"], 5, "{classes}");
    assert_eq!(classes["patch"], 5, "{classes}");
    assert_eq!(classes["template"], 1, "{classes}");
    assert_eq!(classes["other"], 11, "{classes}");
    // The human summary says it too.
    let run = env.run(&["check", "."]);
    assert!(
        run.stderr.contains("5 patches, 4 Helm chart files, 5 Kustomize files, 1 template, 11 other YAML"),
        "{}",
        run.stderr
    );
    // The kustomization that includes itself is named, and nothing hangs.
    assert!(
        run.stderr.contains("kustomize/self/kustomization.yaml: this kustomization includes itself"),
        "{}",
        run.stderr
    );
}

/// The `file:` URI of a path.
fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

fn published(params: &Value) -> Marks {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == 1 || d["severity"] == 2)
        .map(|d| {
            (d["range"]["start"]["line"].as_u64().unwrap() + 1, d["code"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn the_editor_publishes_what_kref_check_reports() {
    let env = TestEnv::new();
    copy_into(&env, "precision");
    let root = env.path("work");
    let want = marks(&root);
    let (mut client, _) = LspClient::start(&env, json!({}));
    for (rel, expected) in &want {
        let path = root.join(rel);
        let uri = file_uri(&path);
        client.open(&uri, &std::fs::read_to_string(&path).unwrap());
        // The workspace scan may land after the first check: wait for the settled answer.
        let last = client.last_notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == uri.as_str(),
            |p| published(p) == *expected,
        );
        let got = last.as_ref().map(published);
        assert_eq!(got.as_ref(), Some(expected), "{rel}: {last:#?}");
        client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    }
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}
