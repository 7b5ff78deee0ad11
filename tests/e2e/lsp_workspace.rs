//! Cross-file diagnostics in the language server: the workspace's manifests on disk are read at
//! start, kept current by watched-file events, and replaced by the editor's text while open.

use std::path::Path;

use serde_json::{Value, json};

use crate::lsp_client::LspClient;
use crate::util::TestEnv;

const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n";

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: api\nspec:\n  selector:\n    app: api\n  ports:\n    - port: 80\n";

const SETTINGS: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";

/// The `file:` URI an editor sends for `path` (spaces percent-encoded).
fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

fn watched(client: &mut LspClient, uri: &str, change: u32) {
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": uri, "type": change}]}));
}

#[test]
fn manifests_on_disk_count_and_follow_watched_changes_and_open_documents() {
    let env = TestEnv::new();
    let web = env.write("work/my app/web.yaml", WEB);
    env.write("work/my app/settings.yaml", SETTINGS);
    // Files side by side in a folder may be alternatives; declared one unit, they are applied
    // together, so a second ConfigMap of the same name collides (see the end).
    env.write("work/.kref.yaml", "units:\n- name: app\n  paths: [my app]\n");
    env.write("work/my app/.hidden/ignored.yaml", WEB.replace("name: web", "name: hidden"));
    let (mut client, _) = LspClient::start_with(
        &env,
        &[],
        Value::Null,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    let svc_uri = file_uri(&env.path("work/my app/svc.yaml"));
    let is_svc = |p: &Value, uri: &str| p["uri"] == uri;

    // The Service selects app=api; the Deployment on disk (never opened) has app=web.
    client.open(&svc_uri, SERVICE);
    let first = client.wait_notification("textDocument/publishDiagnostics", |p| {
        is_svc(p, &svc_uri) && codes(p).contains(&"service-selector".to_string())
    });
    let diag =
        first["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "service-selector").unwrap();
    let message = diag["message"].as_str().unwrap();
    assert!(message.contains("Deployment web has labels app=web"), "{message}");
    // The server asked the client to watch manifests.
    let registration = client
        .server_requests
        .iter()
        .find(|r| r["method"] == "client/registerCapability")
        .unwrap_or_else(|| panic!("no registration in {:?}", client.server_requests));
    assert_eq!(registration["params"]["registrations"][0]["method"], "workspace/didChangeWatchedFiles");

    // A Deployment with app=api appears on disk: the Service is checked again, and is fine.
    let api = env.write("work/my app/api.yaml", WEB.replace("web", "api"));
    watched(&mut client, &file_uri(&api), 1);
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        is_svc(p, &svc_uri) && !codes(p).contains(&"service-selector".to_string())
    });
    // ... and goes again.
    std::fs::remove_file(&api).unwrap();
    watched(&mut client, &file_uri(&api), 3);
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        is_svc(p, &svc_uri) && codes(p).contains(&"service-selector".to_string())
    });

    // Opening the Deployment's file replaces what was read from disk: no duplicate of itself.
    let web_uri = file_uri(&web);
    client.open(&web_uri, WEB);
    let opened = client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == web_uri);
    assert!(!codes(&opened).contains(&"duplicate-object".to_string()), "{opened}");
    // Relabelling it in the editor (unsaved) fixes the Service's selector: checked again.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": web_uri, "version": 2}, "contentChanges": [{"text": WEB.replace("app: web", "app: api")}]}),
    );
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        is_svc(p, &svc_uri) && !codes(p).contains(&"service-selector".to_string())
    });
    // Closing it without saving: the file on disk counts again.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": web_uri}}));
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        is_svc(p, &svc_uri) && codes(p).contains(&"service-selector".to_string())
    });

    // A second ConfigMap named like one on disk: a duplicate, pointing at the other file.
    let copy_uri = file_uri(&env.path("work/my app/copy.yaml"));
    client.open(&copy_uri, SETTINGS);
    let dup = client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == copy_uri);
    let diag = dup["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "duplicate-object")
        .unwrap_or_else(|| panic!("no duplicate-object in {dup}"));
    let related = &diag["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], file_uri(&env.path("work/my app/settings.yaml")), "{diag}");
    assert_eq!(related["range"]["start"]["line"], 3, "{diag}");
    client.discard("textDocument/publishDiagnostics");
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}

#[test]
fn open_documents_check_each_other_again_when_one_changes() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, Value::Null);
    // Outside the workspace folder: only open documents count.
    let (svc_uri, web_uri) = ("file:///elsewhere/svc.yaml", "untitled:Untitled-1");
    client.open(web_uri, WEB);
    client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == web_uri);
    client.open(svc_uri, SERVICE);
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == svc_uri && codes(p).contains(&"service-selector".to_string())
    });
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": web_uri, "version": 2}, "contentChanges": [{"text": WEB.replace("app: web", "app: api")}]}),
    );
    // The Service's version did not change, its diagnostics did.
    let again = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == svc_uri && !codes(p).contains(&"service-selector".to_string())
    });
    assert_eq!(again["version"], 1);
    client.discard("textDocument/publishDiagnostics");
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}

#[test]
fn diagnostics_link_to_their_rule_note() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, Value::Null);
    let uri = "file:///elsewhere/job.yaml";
    client.open(
        uri,
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: once\nspec:\n  template:\n    spec:\n      restartPolicy: Always\n      containers:\n        - name: job\n          image: busybox:1.36\n",
    );
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    let diags = published["diagnostics"].as_array().unwrap();
    let d = diags.iter().find(|d| d["code"] == "invalid-enum").unwrap_or_else(|| panic!("{published}"));
    let href = d["codeDescription"]["href"].as_str().unwrap();
    assert_eq!(href, "kref:/notes/invalid-enum.md?id=builtin%3Arules%2Finvalid-enum.md");
    // Every diagnostic links to a note that `kref/show` opens (what the VS Code extension does).
    for d in diags {
        let href = d["codeDescription"]["href"].as_str().unwrap_or_else(|| panic!("no link: {d}"));
        let id = href.split_once("?id=").unwrap().1.replace("%3A", ":").replace("%2F", "/");
        let shown = client.request("kref/show", json!({"id": id}));
        let code = d["code"].as_str().unwrap();
        assert!(shown["markdown"].as_str().unwrap().contains(&format!("Rule `{code}`")), "{shown}");
    }
    client.finish();
}

#[test]
fn crds_in_the_workspace_are_schemas_for_open_custom_resources() {
    let env = TestEnv::new();
    let crd = "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: backups.example.com\nspec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: backups, singular: backup, kind: Backup}\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n        properties:\n          spec:\n            type: object\n            properties:\n              retention: {type: integer}\n";
    let crd_path = env.write("work/crds/backup.yaml", crd);
    let (mut client, _) = LspClient::start_with(
        &env,
        &[],
        Value::Null,
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
    );
    let uri = file_uri(&env.path("work/nightly.yaml"));
    client.open(
        &uri,
        "apiVersion: example.com/v1\nkind: Backup\nmetadata:\n  name: nightly\nspec:\n  retention: seven\n",
    );
    // Once the scan has found the CRD, the value is checked against it.
    let checked = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && codes(p).contains(&"wrong-type".to_string())
    });
    assert!(!codes(&checked).contains(&"no-schema".to_string()), "{checked}");
    // Hover knows the field from the CRD.
    let hover = crate::lsp_client::hover_text(&client.hover(&uri, 5, 4));
    assert!(hover.contains("Backup.spec.retention") && hover.contains("integer"), "{hover}");
    // The CRD file is deleted: the resource has no schema again.
    std::fs::remove_file(&crd_path).unwrap();
    watched(&mut client, &file_uri(&crd_path), 3);
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && codes(p).contains(&"no-schema".to_string())
    });
    client.discard("textDocument/publishDiagnostics");
    client.ignore("textDocument/publishDiagnostics");
    client.ignore("window/logMessage");
    client.finish();
}

#[test]
fn definition_goes_from_references_and_selectors_to_their_objects() {
    let env = TestEnv::new();
    let settings = env.write("work/app/settings.yaml", SETTINGS);
    let (mut client, init) = LspClient::start(&env, Value::Null);
    assert_eq!(init["capabilities"]["definitionProvider"], true);
    client.ignore("textDocument/publishDiagnostics");
    let web_uri = file_uri(&env.path("work/app/web.yaml"));
    let web = format!(
        "{}          envFrom:\n            - configMapRef:\n                name: settings\n---\n{}",
        WEB,
        SERVICE.replace("app: api", "app: web")
    );
    client.open(&web_uri, &web);
    let line_of = |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u32;
    let definition = |client: &mut LspClient, line: u32, character: u32| {
        client.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": web_uri}, "position": {"line": line, "character": character}}),
        )
    };
    // The ConfigMap in a file that is not open (the workspace scan read it; wait for it).
    let reference = line_of(&web, "name: settings");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut found = definition(&mut client, reference, 24);
    while found.is_null() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
        found = definition(&mut client, reference, 24);
    }
    assert_eq!(found["uri"], file_uri(&settings), "{found}");
    assert_eq!(found["range"]["start"], json!({"line": 3, "character": 8}), "{found}");
    // The Service's selector: the Deployment above it, in this file.
    let service_selector =
        web.lines().enumerate().filter(|(_, l)| l.trim() == "selector:").map(|(i, _)| i).last().unwrap()
            as u32;
    let found = definition(&mut client, service_selector, 4);
    assert_eq!(found["uri"], web_uri.as_str(), "{found}");
    assert_eq!(found["range"]["start"]["line"], 3, "the Deployment's name: {found}");
    // Nothing to go to from an image.
    assert!(definition(&mut client, line_of(&web, "image:"), 12).is_null());
    // The ConfigMap's file is opened with a line added on top: its open text is what counts.
    let settings_uri = file_uri(&settings);
    client.open(&settings_uri, &format!("# team settings\n{SETTINGS}"));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let found = definition(&mut client, reference, 24);
        if found["range"]["start"]["line"] == 4 {
            assert_eq!(found["uri"], settings_uri.as_str());
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still {found}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    client.finish();
}

/// One server serves every folder of a multi-root window: a folder added later is read, and a
/// removed one is forgotten (VS Code's extension runs one client for all folders).
#[test]
fn workspace_folders_added_and_removed_later() {
    let env = TestEnv::new();
    env.write("work/app/svc.yaml", SERVICE);
    env.write("work/app/web.yaml", WEB);
    let api = WEB.replace("web", "api");
    env.write("other/api.yaml", &api);
    // Two workspace folders are two folder trees, so two deployment units; declared as one,
    // the Service of the first sees the Deployment of the second while that folder is open.
    env.write("work/.kref.yaml", "units:\n- name: shop\n  paths: [app, ../other]\n");
    let (mut client, init) =
        LspClient::start_with(&env, &[], Value::Null, json!({"workspace": {"workspaceFolders": true}}));
    let folders = &init["capabilities"]["workspace"]["workspaceFolders"];
    assert_eq!(folders["supported"], true, "{init}");
    assert_eq!(folders["changeNotifications"], true, "{init}");
    let svc_uri = file_uri(&env.path("work/app/svc.yaml"));
    let other = file_uri(&env.path("other"));
    let selector_problem =
        |p: &Value| p["uri"] == svc_uri && codes(p).contains(&"service-selector".to_string());

    // Only app=web in the first folder: nothing there is selected by app=api.
    client.open(&svc_uri, SERVICE);
    client.wait_notification("textDocument/publishDiagnostics", selector_problem);

    // The folder with the Deployment is added: the Service is fine.
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": other, "name": "other"}], "removed": []}}),
    );
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == svc_uri && !selector_problem(p)
    });

    // ... and removed again: its Deployment no longer counts.
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [{"uri": other, "name": "other"}]}}),
    );
    client.wait_notification("textDocument/publishDiagnostics", selector_problem);
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}
