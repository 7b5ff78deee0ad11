//! Navigation in the language server over the real binary: find references (names across files,
//! labels and selectors), prepare rename and rename (with refusals and their reasons), and
//! workspace symbols, with the exact places and edits a client receives.

use serde_json::{Value, json};

use crate::lsp_client::LspClient;
use crate::util::TestEnv;

const SETTINGS: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: fast\n";

const NIGHTLY: &str = "apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: \"0 3 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: report
              image: busybox:1.36
              envFrom:
                - configMapRef: {name: \"settings\"}
";

const WEB: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          envFrom:
            - configMapRef:
                name: settings
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
";

fn file_uri(path: &std::path::Path) -> String {
    format!("file://{}", path.display()).replace(' ', "%20")
}

/// The position of the `nth` occurrence of `needle` in `text` (plus `shift` characters), as the
/// protocol counts it (these texts are ASCII).
fn pos(text: &str, needle: &str, nth: usize, shift: u32) -> (u32, u32) {
    let offset = text.match_indices(needle).nth(nth).unwrap().0;
    let line = text[..offset].matches('\n').count() as u32;
    let col = (offset - text[..offset].rfind('\n').map_or(0, |i| i + 1)) as u32;
    (line, col + shift)
}

fn range(start: (u32, u32), len: u32) -> Value {
    json!({"start": {"line": start.0, "character": start.1}, "end": {"line": start.0, "character": start.1 + len}})
}

fn at(uri: &str, p: (u32, u32)) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": p.0, "character": p.1}})
}

/// `(uri, range)` of each location, sorted.
fn places(found: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = found
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {found}"))
        .iter()
        .map(|l| (l["uri"].as_str().unwrap().to_string(), l["range"].clone()))
        .collect();
    out.sort_by_key(|(u, r)| (u.clone(), r["start"]["line"].as_u64()));
    out
}

#[test]
fn references_rename_and_workspace_symbols() {
    let env = TestEnv::new();
    let settings = env.write("work/app/settings.yaml", SETTINGS);
    let nightly = env.write("work/app/nightly.yaml", NIGHTLY);
    let (mut client, init) = LspClient::start_with(
        &env,
        &[],
        Value::Null,
        json!({"textDocument": {"rename": {"prepareSupport": true}}}),
    );
    let caps = &init["capabilities"];
    assert_eq!(caps["referencesProvider"], true);
    assert_eq!(caps["renameProvider"], json!({"prepareProvider": true}));
    assert_eq!(caps["workspaceSymbolProvider"], true);
    client.ignore("textDocument/publishDiagnostics");
    client.ignore("window/logMessage");
    let web_uri = file_uri(&env.path("work/app/web.yaml"));
    let (settings_uri, nightly_uri) = (file_uri(&settings), file_uri(&nightly));
    client.open(&web_uri, WEB);

    // From the reference in the open document: the ConfigMap on disk, the CronJob on disk (its
    // quoted name without the quotes) and this use. The scan reads the disk files: wait for it.
    let reference = pos(WEB, "name: settings", 0, 6);
    let ask = |client: &mut LspClient, declarations: bool| {
        let mut params = at(&web_uri, reference);
        params["context"] = json!({"includeDeclaration": declarations});
        client.request("textDocument/references", params)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut found = ask(&mut client, true);
    while found.as_array().map_or(0, Vec::len) < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
        found = ask(&mut client, true);
    }
    let mut expected = vec![
        (nightly_uri.clone(), range(pos(NIGHTLY, "settings", 0, 0), 8)),
        (settings_uri.clone(), range((3, 8), 8)),
        (web_uri.clone(), range(reference, 8)),
    ];
    expected.sort_by_key(|(u, r)| (u.clone(), r["start"]["line"].as_u64()));
    assert_eq!(places(&found), expected);
    assert_eq!(places(&ask(&mut client, false)).len(), 2, "without the ConfigMap itself");

    // From a label of the pod template: the Deployment's selector and the Service's.
    let mut params = at(&web_uri, pos(WEB, "app: web", 1, 2));
    params["context"] = json!({"includeDeclaration": false});
    let found = client.request("textDocument/references", params);
    assert_eq!(
        places(&found),
        [
            (web_uri.clone(), range(pos(WEB, "app: web", 0, 0), 8)),
            (web_uri.clone(), range(pos(WEB, "app: web", 2, 0), 8)),
        ]
    );
    // From the Service's selector: the template's label.
    let mut params = at(&web_uri, pos(WEB, "selector:", 1, 2));
    params["context"] = json!({"includeDeclaration": false});
    let found = client.request("textDocument/references", params);
    assert_eq!(places(&found), [(web_uri.clone(), range(pos(WEB, "app: web", 1, 0), 8))]);

    // Prepare rename: the name and its range; refused elsewhere, with the reason.
    let prepared = client.request("textDocument/prepareRename", at(&web_uri, reference));
    assert_eq!(prepared, json!({"range": range(reference, 8), "placeholder": "settings"}));
    let refused = client.request_raw("textDocument/prepareRename", at(&web_uri, pos(WEB, "nginx", 0, 0)));
    assert_eq!(refused["error"]["code"], -32803, "{refused}");
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("put the cursor on the name"),
        "{refused}"
    );
    let refused = client.request_raw("textDocument/prepareRename", at(&web_uri, pos(WEB, "web", 0, 0)));
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("does not rename Deployment names"),
        "{refused}"
    );

    // Rename: every place, each file's edits.
    let mut params = at(&web_uri, reference);
    params["newName"] = json!("app-config");
    let edit = client.request("textDocument/rename", params.clone());
    let changes = edit["changes"].as_object().unwrap();
    let edit_at = |p: (u32, u32)| json!([{"range": range(p, 8), "newText": "app-config"}]);
    assert_eq!(changes.len(), 3, "{edit}");
    assert_eq!(changes[&web_uri], edit_at(reference));
    assert_eq!(changes[&settings_uri], edit_at((3, 8)));
    assert_eq!(changes[&nightly_uri], edit_at(pos(NIGHTLY, "settings", 0, 0)));
    // An invalid name: refused with the rule it breaks.
    params["newName"] = json!("App_Config");
    let refused = client.request_raw("textDocument/rename", params);
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("has upper-case letters") && message.contains("DNS-1123 subdomain"),
        "{message}"
    );

    // Workspace symbols: every object, fuzzy-matched, with its place.
    let found = client.request("workspace/symbol", json!({"query": "dep web"}));
    assert_eq!(
        found,
        json!([{"name": "Deployment web", "kind": 5, "location": {"uri": web_uri, "range": range((3, 8), 3)}}])
    );
    let found = client.request("workspace/symbol", json!({"query": "cm set"}));
    assert_eq!(found[0]["name"], "ConfigMap settings", "{found}");
    assert_eq!(found[0]["location"]["uri"], settings_uri.as_str());
    let all = client.request("workspace/symbol", json!({"query": ""}));
    let mut names: Vec<&str> = all.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    names.sort_unstable();
    assert_eq!(names, ["ConfigMap settings", "CronJob nightly", "Deployment web", "Service web"]);

    // Code lenses: what each selector selects, and what selects the Deployment's pods.
    assert_eq!(caps["codeLensProvider"], json!({"resolveProvider": false}));
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": web_uri}}));
    let lenses: Vec<(u64, u64, String)> = lenses
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            let start = &l["range"]["start"];
            (
                start["line"].as_u64().unwrap(),
                start["character"].as_u64().unwrap(),
                l["command"]["title"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        lenses,
        [
            (3, 8, "pods selected by Service web".to_string()),
            (5, 2, "selects the pods of Deployment web".to_string()),
            (25, 2, "selects the pods of Deployment web".to_string()),
        ]
    );
    client.finish();
}

#[test]
fn folding_selection_and_links() {
    let env = TestEnv::new();
    let web_path = env.write("work/base/web.yaml", WEB);
    let base = env.write("work/base/kustomization.yaml", "resources:\n  - web.yaml\n");
    let overlay =
        "# Production.\n# Runbook: https://example.com/runbook.\nresources:\n  - ../base\n  - missing.yaml\n";
    let overlay_path = env.write("work/prod/kustomization.yaml", overlay);
    let (mut client, init) = LspClient::start(&env, Value::Null);
    let caps = &init["capabilities"];
    assert_eq!(caps["foldingRangeProvider"], true);
    assert_eq!(caps["selectionRangeProvider"], true);
    assert_eq!(caps["documentLinkProvider"], json!({"resolveProvider": false}));
    client.ignore("textDocument/publishDiagnostics");
    client.ignore("window/logMessage");
    let web_uri = file_uri(&web_path);
    client.open(&web_uri, WEB);

    let folds = client.request("textDocument/foldingRange", json!({"textDocument": {"uri": web_uri}}));
    let folds: Vec<(u64, u64)> = folds
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["startLine"].as_u64().unwrap(), f["endLine"].as_u64().unwrap()))
        .collect();
    // Each document, every multi-line mapping and list item (an item and its only key fold the
    // same lines once).
    assert_eq!(
        folds,
        [
            (0, 18),
            (2, 3),
            (4, 18),
            (5, 7),
            (6, 7),
            (8, 18),
            (9, 11),
            (10, 11),
            (12, 18),
            (13, 18),
            (14, 18),
            (16, 18),
            (17, 18),
            (20, 28),
            (22, 23),
            (24, 28),
            (25, 26),
            (27, 28),
        ]
    );

    // Selection ranges from the image value outwards.
    let image = pos(WEB, "nginx", 0, 2);
    let chain = client.request(
        "textDocument/selectionRange",
        json!({"textDocument": {"uri": web_uri}, "positions": [{"line": image.0, "character": image.1}]}),
    );
    let mut ranges = Vec::new();
    let mut at = &chain[0];
    while !at.is_null() {
        ranges.push((at["range"]["start"].clone(), at["range"]["end"].clone()));
        at = &at["parent"];
    }
    let p = |l: u32, c: u32| json!({"line": l, "character": c});
    assert_eq!(ranges[0], (p(15, 17), p(15, 27)), "the value");
    assert_eq!(ranges[1], (p(15, 10), p(15, 27)), "image: nginx:1.27");
    assert_eq!(ranges[2].0, p(14, 10), "the container's mapping");
    assert_eq!(ranges.last().unwrap(), &(p(0, 0), p(18, 30)), "the Deployment's document");

    // Links: the URL in the comment, the base folder's kustomization; not the missing file.
    let overlay_uri = file_uri(&overlay_path);
    client.open(&overlay_uri, overlay);
    let links = client.request("textDocument/documentLink", json!({"textDocument": {"uri": overlay_uri}}));
    assert_eq!(
        links,
        json!([
            {"range": range(pos(overlay, "https", 0, 0), 27), "target": "https://example.com/runbook"},
            {"range": range(pos(overlay, "../base", 0, 0), 7), "target": file_uri(&base)},
        ])
    );
    client.finish();
}

#[test]
fn secret_values_shown_decoded_and_moved_between_data_and_string_data() {
    let env = TestEnv::new();
    let (mut client, init) = LspClient::start(&env, Value::Null);
    assert_eq!(init["capabilities"]["inlayHintProvider"], true);
    assert_eq!(
        init["capabilities"]["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix", "refactor.rewrite"])
    );
    client.ignore("textDocument/publishDiagnostics");
    client.ignore("window/logMessage");
    let secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n  user: YWRtaW4=\n  password: cGFzcw==\n";
    let uri = file_uri(&env.path("work/secret.yaml"));
    client.open(&uri, secret);
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 8, "character": 0}}}),
    );
    assert_eq!(
        hints,
        json!([
            {"position": {"line": 6, "character": 16}, "label": "= \"admin\"", "paddingLeft": true},
            {"position": {"line": 7, "character": 20}, "label": "= \"pass\"", "paddingLeft": true},
        ])
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range((6, 4), 0), "context": {"diagnostics": []}}),
    );
    let decode = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"] == "Decode data into stringData (plain text)")
        .unwrap_or_else(|| panic!("{actions}"));
    assert_eq!(decode["kind"], "refactor.rewrite");
    assert_eq!(
        decode["edit"]["changes"][&uri],
        json!([{
            "range": {"start": {"line": 5, "character": 0}, "end": {"line": 7, "character": 20}},
            "newText": "stringData:\n  user: \"admin\"\n  password: \"pass\"",
        }])
    );
    client.finish();
}

/// `(line, character, label)` of each inlay hint.
fn hint_places(hints: &Value) -> Vec<(u64, u64, String)> {
    hints
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {hints}"))
        .iter()
        .map(|h| {
            (
                h["position"]["line"].as_u64().unwrap(),
                h["position"]["character"].as_u64().unwrap(),
                h["label"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn defaults_and_quantities_shown_and_switched_off_in_settings() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start_with(
        &env,
        &[],
        json!({"inlayHints": {"secretData": false}}),
        json!({"workspace": {"inlayHint": {"refreshSupport": true}}}),
    );
    client.ignore("textDocument/publishDiagnostics");
    client.ignore("window/logMessage");
    let text = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
          resources:
            requests: {cpu: 250m, memory: 512Mi}
---
apiVersion: v1
kind: Secret
metadata:
  name: db
data:
  user: YWRtaW4=
";
    let uri = file_uri(&env.path("work/web.yaml"));
    client.open(&uri, text);
    let ask = |client: &mut LspClient| {
        client.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 23, "character": 0}}}),
        )
    };
    let hints = ask(&mut client);
    assert_eq!(
        hint_places(&hints),
        [
            (
                4,
                5,
                "default replicas: 1, strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}"
                    .to_string()
            ),
            (13, 22, "default imagePullPolicy: Always (no tag)".to_string()),
            (15, 32, "= 0.25 CPU".to_string()),
            (15, 47, "= 536,870,912 bytes ≈ 536.9 MB".to_string()),
        ],
        "the Secret's value is not decoded: secretData is off"
    );
    assert_eq!(
        hints[0]["tooltip"],
        "Left out here, so the API server sets spec.replicas: 1, spec.strategy.type: RollingUpdate, \
         spec.strategy.rollingUpdate.maxSurge: 25%, spec.strategy.rollingUpdate.maxUnavailable: 25% (unless a \
         patch or an overlay sets it first)."
    );
    assert_eq!(hints[2]["paddingLeft"], true);

    // Defaults switched off, Secret data on: the server asks the client to refresh its hints.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"kref": {"inlayHints": {"defaults": false}}}}),
    );
    client.wait_server_request("workspace/inlayHint/refresh", |_| true);
    assert_eq!(
        hint_places(&ask(&mut client)),
        [
            (15, 32, "= 0.25 CPU".to_string()),
            (15, 47, "= 536,870,912 bytes ≈ 536.9 MB".to_string()),
            (22, 16, "= \"admin\"".to_string()),
        ]
    );
    client.finish();
}

const CHART_TEMPLATE: &str = "# Docs: https://example.com/demo
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-config
data:
  app.conf: |-
{{ .Files.Get \"files/app.conf\" | indent 4 }}
  {{- (.Files.Glob \"files/extra/*.ini\").AsConfig | nindent 2 }}
  {{- .Files.Get \"files/missing.conf\" | nindent 2 }}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: demo}
  template:
    metadata:
      labels: {app: demo}
    spec:
      containers:
        - name: app
          image: \"{{ .Values.image }}\"
          envFrom:
            - configMapRef:
                name: {{ .Release.Name }}-config
            - configMapRef:
                name: static-config
          resources:
            limits: {memory: {{ .Values.memory }}, cpu: 500m}
";

#[test]
fn helm_templates_link_their_files_refuse_templated_renames_and_hint_only_literal_values() {
    let env = TestEnv::new();
    env.write("work/demo/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n");
    env.write("work/demo/values.yaml", "replicas: 2\nimage: nginx:1.27\nmemory: 256Mi\n");
    let conf = env.write("work/demo/files/app.conf", "mode = fast\n");
    env.write("work/demo/files/extra/a.ini", "[a]\n");
    let path = env.write("work/demo/templates/app.yaml", CHART_TEMPLATE);
    let (mut client, _) = LspClient::start_with(
        &env,
        &[],
        Value::Null,
        json!({"textDocument": {"rename": {"prepareSupport": true}}}),
    );
    client.ignore("textDocument/publishDiagnostics");
    client.ignore("window/logMessage");
    let uri = file_uri(&path);
    client.open(&uri, CHART_TEMPLATE);

    // Links: the URL in the comment, the file `.Files.Get` reads, the folder of the glob; not
    // the missing file.
    let links = client.request("textDocument/documentLink", json!({"textDocument": {"uri": uri}}));
    assert_eq!(
        links,
        json!([
            {"range": range(pos(CHART_TEMPLATE, "https", 0, 0), 24), "target": "https://example.com/demo"},
            {"range": range(pos(CHART_TEMPLATE, "files/app.conf", 0, 0), 14), "target": file_uri(&conf)},
            {"range": range(pos(CHART_TEMPLATE, "files/extra", 0, 0), 11), "target": file_uri(&env.path("work/demo/files/extra"))},
        ])
    );

    // Rename on a templated name: refused because a template computes it.
    let templated = pos(CHART_TEMPLATE, "{{ .Release.Name }}-config", 1, 3);
    let refused = client.request_raw("textDocument/prepareRename", at(&uri, templated));
    assert_eq!(refused["error"]["code"], -32803, "{refused}");
    assert_eq!(
        refused["error"]["message"],
        "\"{{ .Release.Name }}-config\" is templated: a template computes this name, so kref cannot rename it \
         here; rename it where the template's value is set"
    );
    // A literal name in the same template is a name.
    let literal = pos(CHART_TEMPLATE, "static-config", 0, 0);
    let prepared = client.request("textDocument/prepareRename", at(&uri, literal));
    assert_eq!(prepared, json!({"range": range(literal, 13), "placeholder": "static-config"}));

    // Hints: the literal quantity, not the templated one; the strategy the Deployment leaves out,
    // not the replicas and pull policy the template computes.
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 34, "character": 0}}}),
    );
    assert_eq!(
        hint_places(&hints),
        [
            (
                15,
                5,
                "default strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}"
                    .to_string()
            ),
            (32, 60, "= 0.5 CPU".to_string())
        ]
    );
    client.finish();
}

#[test]
fn services_named_as_hosts_are_found_and_renamed() {
    let env = TestEnv::new();
    let service =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: redis-cart\nspec:\n  ports: [{port: 6379}]\n";
    let service_path = env.write("work/app/redis.yaml", service);
    let cart = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart
spec:
  template:
    spec:
      containers:
        - name: cart
          image: cart:1.0
          env:
            - name: REDIS_ADDR
              value: \"redis-cart:6379\"
            - name: MODE
              value: redis-cart
          args: [\"--cache=http://redis-cart/0\"]
";
    let (mut client, _) = LspClient::start_with(
        &env,
        &[],
        Value::Null,
        json!({"textDocument": {"rename": {"prepareSupport": true}}}),
    );
    client.ignore("textDocument/publishDiagnostics");
    client.ignore("window/logMessage");
    let cart_uri = file_uri(&env.path("work/app/cart.yaml"));
    let service_uri = file_uri(&service_path);
    client.open(&cart_uri, cart);
    // From the host in the env value: the Service on disk (read by the scan) and both hosts.
    let host = pos(cart, "redis-cart:6379", 0, 3);
    let ask = |client: &mut LspClient| {
        let mut params = at(&cart_uri, host);
        params["context"] = json!({"includeDeclaration": true});
        client.request("textDocument/references", params)
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut found = ask(&mut client);
    while found.as_array().map_or(0, Vec::len) < 3 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
        found = ask(&mut client);
    }
    let mut expected = vec![
        (cart_uri.clone(), range(pos(cart, "redis-cart:6379", 0, 0), 10)),
        (cart_uri.clone(), range(pos(cart, "redis-cart/0", 0, 0), 10)),
        (service_uri.clone(), range((3, 8), 10)),
    ];
    expected.sort_by_key(|(u, r)| (u.clone(), r["start"]["line"].as_u64()));
    assert_eq!(places(&found), expected, "not the MODE value, which is no address");

    let mut params = at(&cart_uri, host);
    params["newName"] = json!("cache");
    let edit = client.request("textDocument/rename", params);
    let edit_at = |p: (u32, u32)| json!({"range": range(p, 10), "newText": "cache"});
    assert_eq!(edit["changes"][&service_uri], json!([edit_at((3, 8))]));
    let mut edits = edit["changes"][&cart_uri].as_array().unwrap().clone();
    edits.sort_by_key(|e| e["range"]["start"]["line"].as_u64());
    assert_eq!(
        edits,
        [edit_at(pos(cart, "redis-cart:6379", 0, 0)), edit_at(pos(cart, "redis-cart/0", 0, 0))]
    );
    client.finish();
}

#[test]
fn a_kustomize_patch_gets_no_default_hints() {
    let env = TestEnv::new();
    env.write(
        "work/app/service.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  ports: [{port: 80}]\n",
    );
    env.write("work/app/kustomization.yaml", "resources: [service.yaml]\npatches:\n  - path: patch.yaml\n");
    let patch = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports: [{port: 8080}]\n";
    let path = env.write("work/app/patch.yaml", patch);
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("textDocument/publishDiagnostics");
    client.ignore("window/logMessage");
    let uri = file_uri(&path);
    client.open(&uri, patch);
    let ask = |client: &mut LspClient| {
        client.request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 6, "character": 0}}}),
        )
    };
    // Once the scan has read the kustomization, the file is a patch: its Service relies on no
    // `type: ClusterIP` (the base says NodePort).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut hints = ask(&mut client);
    while hints.as_array().is_some_and(|h| !h.is_empty()) && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
        hints = ask(&mut client);
    }
    assert_eq!(hints, json!([]));
    // The same text outside the kustomization is a whole Service, which relies on ClusterIP.
    let other = file_uri(&env.path("work/other/service.yaml"));
    client.open(&other, patch);
    let hints = client.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": other}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 6, "character": 0}}}),
    );
    assert_eq!(hint_places(&hints), [(4, 5, "default type: ClusterIP".to_string())]);
    client.finish();
}
