//! Kustomize end to end, on the fixture bases, overlays and component of
//! `tests/fixtures/kustomize/`: `kref check` reports kustomization problems at their lines,
//! and `kref check --print-rendered` builds overlays object by object as kustomize does (the
//! expected output is kept in `expected/*.rendered`; where `kubectl` is installed, its
//! `kubectl kustomize` output is compared with the same files).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::TestEnv;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize")
}

/// Copies the fixture tree into the test's work folder (so output paths are relative).
fn copy_into(env: &TestEnv) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    copy(&fixtures(), &env.path("work/kustomize"));
}

/// The objects of a multi-document YAML text by `Kind/name`.
fn objects(text: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    for doc in serde_norway::Deserializer::from_str(text) {
        let value: Value = serde::Deserialize::deserialize(doc).unwrap();
        if value.is_null() {
            continue;
        }
        let key =
            format!("{}/{}", value["kind"].as_str().unwrap(), value["metadata"]["name"].as_str().unwrap());
        assert!(out.insert(key.clone(), value).is_none(), "{key} twice");
    }
    out
}

fn assert_same(overlay: &str, what: &str, got: &str, want: &str) {
    let (got, want) = (objects(got), objects(want));
    assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>(), "{overlay}: {what}: objects");
    for (key, value) in &want {
        assert_eq!(&got[key], value, "{overlay}: {what}: {key}");
    }
}

fn kubectl() -> bool {
    Command::new("kubectl").args(["version", "--client"]).output().is_ok_and(|o| o.status.success())
}

#[test]
fn overlays_build_as_kustomize_builds_them() {
    let env = TestEnv::new();
    copy_into(&env);
    for overlay in ["prod", "legacy", "nested", "tight"] {
        let want = std::fs::read_to_string(fixtures().join(format!("expected/{overlay}.rendered"))).unwrap();
        let run = env.run(&["check", "--print-rendered", &format!("kustomize/overlays/{overlay}")]);
        assert_eq!(run.code, 0, "{overlay}: {}", run.stderr);
        assert_same(overlay, "kref", &run.stdout, &want);
        if kubectl() {
            let out = Command::new("kubectl")
                .args(["kustomize", fixtures().join("overlays").join(overlay).to_str().unwrap()])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert_same(overlay, "kubectl kustomize", &String::from_utf8_lossy(&out.stdout), &want);
        }
    }
    // Generated names carry the content hash; references follow them.
    let run = env.run(&["check", "--print-rendered", "kustomize/overlays/prod"]);
    assert!(run.stdout.contains("name: prod-settings-v2-ttkcdh222k"), "{}", run.stdout);
    assert!(run.stdout.contains("FEATURE_X: \"off\""), "YAML 1.1 readers must read a string: {}", run.stdout);
}

#[test]
fn print_rendered_explains_what_is_wrong() {
    let env = TestEnv::new();
    copy_into(&env);
    let run = env.run(&["check", "--print-rendered", "kustomize/overlays"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no kustomization.yaml there"), "{}", run.stderr);
    let run = env.run(&["check", "--print-rendered", "kustomize/overlays/remote"]);
    assert!(run.stderr.contains("remote resources are not fetched (no network)"), "{}", run.stderr);
    assert!(run.stdout.contains("kind: Deployment"), "the local base is still built: {}", run.stdout);
    env.write("work/loop/a/kustomization.yaml", "resources: [../b]\n");
    env.write("work/loop/b/kustomization.yaml", "resources: [../a]\n");
    let run = env.run(&["check", "--print-rendered", "loop/a"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cycle of kustomizations"), "{}", run.stderr);
}

#[test]
fn kustomization_problems_are_reported_at_their_lines() {
    let env = TestEnv::new();
    copy_into(&env);
    let run = env.run(&["check", "kustomize", "--format", "plain"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().filter(|l| l.contains("kustomization.yaml:")).collect();
    assert_eq!(
        lines,
        [
            "kustomize/broken/kustomization.yaml:3:1: error[unknown-field]: unknown field \"namePrefx\" in the top level of a Kustomization; did you mean namePrefix?",
            "kustomize/broken/kustomization.yaml:6:3: error[kustomize-path]: resources \"missing.yaml\": no such file or folder next to this kustomization",
            "kustomize/broken/kustomization.yaml:7:3: error[kustomize-path]: resources \"plain\": the folder has no kustomization.yaml; list its files instead, or add one",
            "kustomize/broken/kustomization.yaml:9:9: warning[kustomize-target]: patches[0] patches Deployment api: no Deployment api among the objects this kustomization includes; it has Deployment web",
            "kustomize/broken/kustomization.yaml:10:3: warning[kustomize-target]: patches[1].target (kind Deployment, name webb) matches no object this kustomization includes; it has Deployment web",
            "kustomize/broken/kustomization.yaml:18:9: warning[kustomize-target]: images[0].name nginxx matches no container image (compared without tag or digest); the containers use ghcr.io/example/shop-web, nginx",
            "kustomize/broken/kustomization.yaml:21:9: warning[kustomize-target]: replicas[0].name worker is no workload this kustomization includes; it has Deployment web",
            "kustomize/broken/kustomization.yaml:25:13: error[invalid-enum]: configMapGenerator[0].behavior: \"merged\" is not a valid value; did you mean merge? (allowed: create, replace, merge)",
            "kustomize/overlays/legacy/kustomization.yaml:1:1: warning[deprecated-field]: bases is deprecated; list these kustomizations under resources instead",
            "kustomize/overlays/legacy/kustomization.yaml:3:1: warning[deprecated-field]: commonLabels is deprecated; use labels instead (`includeSelectors: true` keeps selectors labelled too)",
            "kustomize/overlays/legacy/kustomization.yaml:5:1: warning[deprecated-field]: patchesStrategicMerge is deprecated; use patches (`- path: file.yaml` or `- patch: |-`) instead",
            "kustomize/overlays/legacy/kustomization.yaml:7:1: warning[deprecated-field]: patchesJson6902 is deprecated; use patches instead (entries keep their target and path)",
            "kustomize/overlays/remote/kustomization.yaml:4:3: hint[kustomize-remote]: resources \"github.com/example/platform//monitoring?ref=v1.4.0\" is a remote target: kref does not fetch it (no network), so what it brings is not checked",
        ]
    );
    // Overlays are checked as built: what only the result shows is reported at its source.
    let built: Vec<&str> = run.stdout.lines().filter(|l| l.contains("as built")).collect();
    assert_eq!(
        built,
        [
            "kustomize/base/deployment.yaml:37:21: error[resource-limits]: requests.memory (128Mi) is above limits.memory (64Mi); lower the request or raise the limit (in overlay tight, as built)",
            "kustomize/overlays/tight/limits.yaml:15:19: warning[missing-reference]: ConfigMap feature-flags is not defined in the workspace; create it, fix the name, or mark the reference optional (in overlay tight, as built)",
        ]
    );
    // The good overlays and the component have nothing to report.
    assert!(!run.stdout.contains("overlays/prod/kustomization.yaml"), "{}", run.stdout);
    assert!(!run.stdout.contains("components/tls"), "{}", run.stdout);
}

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

/// In the editor: diagnostics of a kustomization's paths and targets, go to definition on its
/// paths, hover and completion from the Kustomization schema (also without `kind`).
#[test]
fn the_editor_knows_kustomization_files() {
    use crate::lsp_client::{LspClient, completion_labels, hover_text};
    let env = TestEnv::new();
    copy_into(&env);
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    let broken = env.path("work/kustomize/broken/kustomization.yaml");
    let uri = file_uri(&broken);
    let text = std::fs::read_to_string(&broken).unwrap();
    client.open(&uri, &text);
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p["diagnostics"].as_array().is_some_and(|d| d.len() >= 8)
    });
    let found: Vec<(u64, String)> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (d["range"]["start"]["line"].as_u64().unwrap(), d["code"].as_str().unwrap_or("").to_string())
        })
        .collect();
    for want in [(5, "kustomize-path"), (6, "kustomize-path"), (8, "kustomize-target"), (2, "unknown-field")]
    {
        assert!(found.contains(&(want.0, want.1.to_string())), "{want:?} in {found:?}");
    }
    // Go to definition: a base folder opens its kustomization.
    let line = text.lines().position(|l| l.contains("../base")).unwrap() as u32;
    let def = client.request(
        "textDocument/definition",
        serde_json::json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 4}}),
    );
    assert_eq!(def["uri"], file_uri(&env.path("work/kustomize/base/kustomization.yaml")), "{def}");
    // A patch file.
    let line = text.lines().position(|l| l.contains("scale.yaml")).unwrap() as u32;
    let def = client.request(
        "textDocument/definition",
        serde_json::json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 10}}),
    );
    assert_eq!(def["uri"], file_uri(&env.path("work/kustomize/broken/scale.yaml")), "{def}");
    // Hover on a field of a kustomization without apiVersion and kind.
    let legacy = env.path("work/kustomize/overlays/legacy/kustomization.yaml");
    let legacy_uri = file_uri(&legacy);
    let legacy_text = std::fs::read_to_string(&legacy).unwrap();
    client.open(&legacy_uri, &legacy_text);
    let hover = hover_text(&client.hover(&legacy_uri, 2, 3));
    assert!(hover.contains("commonLabels"), "{hover}");
    assert!(hover.contains("Deprecated"), "{hover}");
    // Completion of top-level keys in a new kustomization.
    let fresh = env.path("work/kustomize/new/kustomization.yaml");
    let fresh_uri = file_uri(&fresh);
    client.open(&fresh_uri, "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nres\n");
    let labels = completion_labels(&client.completion(&fresh_uri, 2, 3));
    assert!(labels.iter().any(|l| l == "resources"), "{labels:?}");
    let labels = completion_labels(&client.completion(&fresh_uri, 2, 0));
    for want in ["configMapGenerator", "patches", "namePrefix", "components"] {
        assert!(labels.iter().any(|l| l == want), "{want} in {labels:?}");
    }
    client.discard("textDocument/publishDiagnostics");
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}

/// JSON 6902 patches (`tests/fixtures/kustomize6902/`): ops, paths and values checked against
/// the target kind's schema, at their lines in the patch file or the inline patch; a target
/// with no schema, map keys, int-or-string fields and templated values give nothing.
#[test]
fn json_patches_are_checked_against_their_target() {
    let env = TestEnv::new();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kustomize6902");
    for file in [
        "base/kustomization.yaml",
        "base/deployment.yaml",
        "base/widget.yaml",
        "overlay/kustomization.yaml",
        "overlay/ops.yaml",
        "overlay/widget-ops.yaml",
    ] {
        env.write(&format!("work/k6902/{file}"), std::fs::read_to_string(from.join(file)).unwrap());
    }
    let run = env.run(&["check", "k6902/overlay", "--format", "plain"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().filter(|l| l.starts_with("k6902/overlay/")).collect();
    assert_eq!(
        lines,
        [
            "k6902/overlay/kustomization.yaml:18:14: error[wrong-type]: value for /spec/replicas must be an integer, not the string \"three\"",
            "k6902/overlay/kustomization.yaml:19:11: error[invalid-enum]: op: \"upsert\" is not a JSON patch operation; use add, remove, replace, move, copy or test",
            "k6902/overlay/ops.yaml:2:9: warning[kustomize-target]: path /spec/template/spec/containers/0/resource names no field of Deployment: /spec/template/spec/containers/0 has no field resource; did you mean resources?",
            "k6902/overlay/ops.yaml:5:9: warning[kustomize-target]: path /spec/minReadySecond names no field of Deployment: /spec has no field minReadySecond; did you mean minReadySeconds?",
            "k6902/overlay/ops.yaml:8:9: warning[kustomize-target]: from /spec/template/metadata/labelz names no field of Deployment: /spec/template/metadata has no field labelz; did you mean labels?",
            "k6902/overlay/ops.yaml:19:9: warning[kustomize-target]: path /spec/template/spec/containers/first/name: /spec/template/spec/containers of Deployment is a list; \"first\" is neither an index nor -",
            "k6902/overlay/ops.yaml:23:10: error[wrong-type]: value for /spec/paused must be true or false, not the string \"yes\"",
        ]
    );
    assert!(!run.stdout.contains("widget-ops.yaml"), "{}", run.stdout);

    // The editor reports the same in the patch file.
    use crate::lsp_client::LspClient;
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    let ops = env.path("work/k6902/overlay/ops.yaml");
    let uri = file_uri(&ops);
    client.open(&uri, &std::fs::read_to_string(&ops).unwrap());
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p["diagnostics"].as_array().is_some_and(|d| d.len() >= 5)
    });
    let mut found: Vec<(u64, String)> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (d["range"]["start"]["line"].as_u64().unwrap(), d["code"].as_str().unwrap_or("").to_string())
        })
        .collect();
    found.sort();
    let want: Vec<(u64, String)> = [
        (1, "kustomize-target"),
        (4, "kustomize-target"),
        (7, "kustomize-target"),
        (18, "kustomize-target"),
        (22, "wrong-type"),
    ]
    .iter()
    .map(|(l, r)| (*l, r.to_string()))
    .collect();
    assert_eq!(found, want);
    client.discard("textDocument/publishDiagnostics");
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}
