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
    copy_fixture(env, "kustomize");
}

/// Copies `tests/fixtures/NAME` to the test's `work/NAME`.
fn copy_fixture(env: &TestEnv, name: &str) {
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
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    copy(&from, &env.path(&format!("work/{name}")));
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
            // What the component's inline patch adds, found in the overlay that includes prod
            // (prod is a base of nested, so it is checked as part of nested): the unit keeps
            // Secrets (prod generates one) but none named web-tls.
            "kustomize/components/tls/kustomization.yaml:22:27: warning[missing-reference]: Secret web-tls is not defined in the workspace; create it, fix the name, or mark the reference optional (in overlay nested, as built)",
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
            "kustomize/components/tls/kustomization.yaml:22:27: warning[missing-reference]: Secret web-tls is not defined in the workspace; create it, fix the name, or mark the reference optional (in overlay nested, as built)",
            "kustomize/overlays/tight/limits.yaml:15:19: warning[missing-reference]: ConfigMap feature-flags is not defined in the workspace; create it, fix the name, or mark the reference optional (in overlay tight, as built)",
        ]
    );
    // The good overlays have nothing to report, the component only what nested shows above.
    assert!(!run.stdout.contains("overlays/prod/kustomization.yaml"), "{}", run.stdout);
    assert_eq!(run.stdout.matches("components/tls").count(), 1, "{}", run.stdout);
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

/// A base two overlays include (`tests/fixtures/kustomize-shared/`): checked as part of each
/// of them, not alone. The ConfigMap only the overlays generate satisfies the base's reference;
/// what both overlays show at a base line is told once, naming both; a base given alone is still
/// checked as part of the overlays around it; a kustomization nothing includes is checked alone.
/// The prod overlay's JSON patch is a `.json` file: checked, and applied as kustomize does.
#[test]
fn a_base_is_checked_as_part_of_each_overlay() {
    let env = TestEnv::new();
    copy_fixture(&env, "kustomize-shared");
    let run = env.run(&["check", "kustomize-shared", "--format", "plain"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "kustomize-shared/base/deployment.yaml:30:21: error[resource-limits]: requests.memory (128Mi) is above limits.memory (64Mi); lower the request or raise the limit (in overlays dev and prod, as built)",
            "kustomize-shared/lonely/worker.yaml:26:19: warning[missing-reference]: ConfigMap worker-settings is not defined in the workspace; create it, fix the name, or mark the reference optional",
            // An inline strategic-merge patch is checked at its lines, as a patch file is.
            "kustomize-shared/overlays/dev/kustomization.yaml:18:15: error[invalid-enum]: spec.strategy.type: \"Rolling\" is not a valid value; did you mean RollingUpdate? (allowed: Recreate, RollingUpdate)",
            "kustomize-shared/overlays/prod/ops.json:4:24: warning[kustomize-target]: path /spec/revisionHistoryLimt names no field of Deployment: /spec has no field revisionHistoryLimt; did you mean revisionHistoryLimit?",
            "kustomize-shared/overlays/prod/ops.json:5:53: error[wrong-type]: value for /spec/paused must be true or false, not the string \"no\"",
        ]
    );
    assert!(
        run.stderr.contains("(6 objects in 10 files: 3 manifests, 2 patches, 5 Kustomize files)"),
        "{}",
        run.stderr
    );
    // The base given alone: the overlays above it are read for context, and only the base's
    // own files are reported.
    let run = env.run(&["check", "kustomize-shared/base", "--format", "plain"]);
    assert_eq!(
        run.stdout.lines().collect::<Vec<_>>(),
        [
            "kustomize-shared/base/deployment.yaml:30:21: error[resource-limits]: requests.memory (128Mi) is above limits.memory (64Mi); lower the request or raise the limit (in overlays dev and prod, as built)"
        ]
    );
    assert!(run.stderr.contains("(2 objects in 3 files: 2 manifests, 1 Kustomize file)"), "{}", run.stderr);
    // A JSON patch file given alone is checked against the target of the kustomization applying it.
    let run = env.run(&["check", "kustomize-shared/overlays/prod/ops.json", "--format", "plain"]);
    assert_eq!(run.stdout.lines().count(), 2, "{}", run.stdout);
    // The overlays build as kustomize builds them (`ops.json` indents with tabs).
    for overlay in ["dev", "prod"] {
        let want = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/fixtures/kustomize-shared/expected/{overlay}.rendered")),
        )
        .unwrap();
        let run = env.run(&["check", "--print-rendered", &format!("kustomize-shared/overlays/{overlay}")]);
        assert_eq!(run.code, 0, "{overlay}: {}", run.stderr);
        assert_same(overlay, "kref", &run.stdout, &want);
        if kubectl() {
            let out = Command::new("kubectl")
                .args([
                    "kustomize",
                    env.path(&format!("work/kustomize-shared/overlays/{overlay}")).to_str().unwrap(),
                ])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            assert_same(overlay, "kubectl kustomize", &String::from_utf8_lossy(&out.stdout), &want);
        }
    }
    // A JSON file that is not valid JSON gets one clear error, not YAML's complaints.
    env.write(
        "work/kustomize-shared/overlays/prod/ops.json",
        "[\n\t{\"op\": \"add\", \"path\": \"/spec/paused\" \"value\": true}\n]\n",
    );
    let run = env.run(&["check", "kustomize-shared/overlays/prod/ops.json", "--format", "plain"]);
    assert_eq!(
        run.stdout.lines().collect::<Vec<_>>(),
        [
            "kustomize-shared/overlays/prod/ops.json:2:39: error[yaml-syntax]: not valid JSON: expected `,` or `}`"
        ]
    );
}

/// Hover on the `path` (and `from`) of JSON 6902 operations shows the field of the target kind
/// it points to, as hover on that field in a manifest does: inline under `patches[].patch`, and
/// in a patch file (from the kustomization that applies it); when it names no field, the
/// hover says so and names the closest.
#[test]
fn hover_on_json_patch_paths_shows_the_field() {
    use crate::lsp_client::{LspClient, hover_text};
    let env = TestEnv::new();
    copy_fixture(&env, "kustomize6902");
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    client.ignore("textDocument/publishDiagnostics");
    let open = |client: &mut LspClient, rel: &str| {
        let path = env.path(&format!("work/kustomize6902/{rel}"));
        let uri = file_uri(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        client.open(&uri, &text);
        (uri, text)
    };
    let at = |text: &str, needle: &str| -> (u32, u32) {
        let line = text.lines().position(|l| l.contains(needle)).unwrap();
        (line as u32, text.lines().nth(line).unwrap().find(needle).unwrap() as u32 + 2)
    };
    // The same field in a manifest, for comparison.
    let (deployment, dtext) = open(&mut client, "base/deployment.yaml");
    let (l, c) = at(&dtext, "replicas: 2");
    let in_manifest = hover_text(&client.hover(&deployment, l, c));
    assert!(
        in_manifest.starts_with("**Deployment.spec.replicas**\n\n`integer` · optional · default `1`"),
        "{in_manifest}"
    );

    let (kustomization, ktext) = open(&mut client, "overlay/kustomization.yaml");
    let (l, c) = at(&ktext, "path: /spec/replicas");
    let response = client.hover(&kustomization, l, c + 6);
    assert_eq!(hover_text(&response), in_manifest, "inline: the hover of the field it points to");
    assert_eq!(response["range"]["start"], serde_json::json!({"line": l, "character": c + 4}));
    // A map key (`~1` unescaped) and a list index.
    let (l, c) = at(&ktext, "path: /metadata/annotations/example.com~1owner");
    let text = hover_text(&client.hover(&kustomization, l, c + 6));
    assert!(
        text.starts_with(
            "**Deployment.metadata.annotations[example.com/owner]**\n\n`map[string]string` · optional"
        ),
        "{text}"
    );
    let (l, c) = at(&ktext, "path: /spec/template/spec/containers/0/imagePullPolicy");
    let text = hover_text(&client.hover(&kustomization, l, c + 6));
    assert!(
        text.starts_with(
            "**Deployment.spec.template.spec.containers[].imagePullPolicy**\n\n`string` · optional"
        ),
        "{text}"
    );
    assert!(text.contains("`Always`"), "the enum values: {text}");

    // A patch file: its target comes from the kustomization applying it.
    let (ops, otext) = open(&mut client, "overlay/ops.yaml");
    // (The warning there adds the rule's summary after the field: its note without front matter.)
    let (l, c) = at(&otext, "path: /spec/minReadySecond");
    let text = hover_text(&client.hover(&ops, l, c + 6));
    assert!(
        text.starts_with(
            "`/spec/minReadySecond` names no field of Deployment: `/spec` has no field `minReadySecond`; \
             the closest is `minReadySeconds`\n\n---\n\n**kref rule `kustomize-target`**\n\nRule `kustomize-target`: warning, default profile."
        ),
        "{text}"
    );
    let (l, c) = at(&otext, "from: /spec/template/metadata/labelz");
    let text = hover_text(&client.hover(&ops, l, c + 6));
    assert!(
        text.starts_with(
            "`/spec/template/metadata/labelz` names no field of Deployment: `/spec/template/metadata` has no field `labelz`; the closest is `labels`\n\n---\n\n"
        ),
        "{text}"
    );
    let (l, c) = at(&otext, "path: /spec/template/spec/containers/first/name");
    let text = hover_text(&client.hover(&ops, l, c + 6));
    assert!(
        text.starts_with(
            "`/spec/template/spec/containers/first/name` names no field of Deployment: `/spec/template/spec/containers` is a list, and `first` is neither an index nor `-`\n\n---\n\n"
        ),
        "{text}"
    );
    let (l, c) = at(&otext, "path: /spec/paused");
    let text = hover_text(&client.hover(&ops, l, c + 6));
    assert!(text.starts_with("**Deployment.spec.paused**\n\n`boolean` · optional"), "{text}");
    // A kind with no schema says so.
    let (widget, wtext) = open(&mut client, "overlay/widget-ops.yaml");
    let (l, c) = at(&wtext, "path: /spec/size");
    assert_eq!(
        hover_text(&client.hover(&widget, l, c + 6)),
        "`/spec/size` in a Widget: kref has no schema for Widget, so its fields are not known (import its CRD with `kref import` to see them)"
    );
    client.finish();
}

/// In the editor, a base file open on its own shows what the overlays that include it show
/// at its lines, and hover on a field a patch changes shows the patch's value (in the base)
/// and the base's value (in the patch); an edit to the patch updates the base file's
/// diagnostics.
#[test]
fn the_editor_shows_overlay_results_on_base_files() {
    use crate::lsp_client::{LspClient, hover_text};
    let env = TestEnv::new();
    copy_fixture(&env, "kustomize-shared");
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    let base = env.path("work/kustomize-shared/base/deployment.yaml");
    let base_uri = file_uri(&base);
    let base_text = std::fs::read_to_string(&base).unwrap();
    client.open(&base_uri, &base_text);
    let summary = |p: &Value| -> Vec<(u64, u64, String, String)> {
        p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["range"]["start"]["line"].as_u64().unwrap(),
                    d["range"]["start"]["character"].as_u64().unwrap(),
                    d["code"].as_str().unwrap_or("").to_string(),
                    d["message"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let both = "requests.memory (128Mi) is above limits.memory (64Mi); lower the request or raise the limit (in overlays dev and prod, as built)";
    let published = client
        .last_notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == base_uri.as_str(),
            |p| p["diagnostics"].as_array().is_some_and(|d| !d.is_empty()),
        )
        .expect("diagnostics of the base file");
    assert_eq!(summary(&published), [(29, 20, "resource-limits".to_string(), both.to_string())]);

    // Hover in the base: the patch that sets the field, with its value.
    let line = base_text.lines().position(|l| l.contains("replicas: 1")).unwrap() as u32;
    let text = hover_text(&client.hover(&base_uri, line, 4));
    assert!(text.starts_with("**Deployment.spec.replicas**"), "{text}");
    assert!(
        text.ends_with("\n\n---\n\npatched by kustomize-shared/overlays/prod/scale.yaml: replicas 5\n"),
        "{text}"
    );
    let line = base_text.lines().position(|l| l.contains("memory: 128Mi")).unwrap() as u32 + 2;
    let text = hover_text(&client.hover(&base_uri, line, 12));
    assert!(
        text.ends_with(
            "\n\n---\n\npatched by kustomize-shared/overlays/dev/memory.yaml: memory 64Mi\n\n\
             patched by kustomize-shared/overlays/prod/scale.yaml: memory 64Mi\n"
        ),
        "{text}"
    );

    // Hover in the patch: the base's value.
    let patch = env.path("work/kustomize-shared/overlays/prod/scale.yaml");
    let patch_uri = file_uri(&patch);
    let patch_text = std::fs::read_to_string(&patch).unwrap();
    client.open(&patch_uri, &patch_text);
    let line = patch_text.lines().position(|l| l.contains("replicas: 5")).unwrap() as u32;
    let text = hover_text(&client.hover(&patch_uri, line, 4));
    assert!(text.starts_with("**Deployment.spec.replicas**"), "{text}");
    assert!(text.ends_with("\n\n---\n\nbase value: 1 (kustomize-shared/base/deployment.yaml)\n"), "{text}");

    // In an inline strategic-merge patch: hover and completion of its kind, at the file's lines.
    let dev = env.path("work/kustomize-shared/overlays/dev/kustomization.yaml");
    let dev_uri = file_uri(&dev);
    let dev_text = std::fs::read_to_string(&dev).unwrap();
    client.open(&dev_uri, &dev_text);
    let line = dev_text.lines().position(|l| l.contains("imagePullPolicy: Always")).unwrap() as u32;
    let response = client.hover(&dev_uri, line, 14);
    let text = hover_text(&response);
    assert!(
        text.starts_with(
            "**Deployment.spec.template.spec.containers[].imagePullPolicy**\n\n`string` · optional"
        ),
        "{text}"
    );
    assert_eq!(response["range"]["start"], serde_json::json!({"line": line, "character": 12}));
    let line = dev_text.lines().position(|l| l.contains("type: Rolling")).unwrap() as u32;
    let items = client.completion(&dev_uri, line, 9);
    let items = items.as_array().cloned().unwrap_or_else(|| items["items"].as_array().cloned().unwrap());
    let rolling = items.iter().find(|i| i["label"] == "rollingUpdate").expect("rollingUpdate offered");
    assert_eq!(rolling["textEdit"]["range"]["start"]["line"], line, "{rolling}");
    assert_eq!(rolling["textEdit"]["range"]["start"]["character"], 8, "{rolling}");

    // Raising the limit in prod's patch leaves only dev's finding on the base file.
    let fixed = patch_text.replace("memory: 64Mi", "memory: 256Mi");
    client.notify(
        "textDocument/didChange",
        serde_json::json!({"textDocument": {"uri": patch_uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let dev_only = both.replace("overlays dev and prod", "overlay dev");
    let published = client
        .last_notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == base_uri.as_str(),
            |p| p["diagnostics"][0]["message"].as_str() == Some(dev_only.as_str()),
        )
        .expect("diagnostics of the base file");
    assert_eq!(summary(&published), [(29, 20, "resource-limits".to_string(), dev_only.clone())]);
    client.discard("textDocument/publishDiagnostics");
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}
