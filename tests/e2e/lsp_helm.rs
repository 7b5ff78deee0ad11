//! The language server in Helm chart templates (`tests/fixtures/helm/typos`, copied into the
//! workspace): the diagnostics of `kref check` published for an open template, hover on
//! `.Values` paths, named templates, functions and fields, completion after `.Values.` and
//! inside `include "`, definitions of values and named templates.

use std::path::Path;

use serde_json::{Value, json};

use crate::lsp_client::{LspClient, completion_labels, hover_text};
use crate::util::TestEnv;

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// Copies the `typos` fixture chart to `work/typos`.
fn chart(env: &TestEnv) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm/typos");
    for rel in [
        "Chart.yaml",
        "values.yaml",
        "templates/_helpers.tpl",
        "templates/deployment.yaml",
        "templates/service.yaml",
        "templates/ingress.yaml",
        "templates/NOTES.txt",
    ] {
        env.write(&format!("work/typos/{rel}"), std::fs::read(src.join(rel)).unwrap());
    }
}

fn summary(diagnostics: &Value) -> Vec<String> {
    diagnostics["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {}",
                d["range"]["start"]["line"],
                d["range"]["start"]["character"],
                d["code"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect()
}

#[test]
fn a_template_gets_the_chart_diagnostics_hover_completion_and_definitions() {
    let env = TestEnv::new();
    chart(&env);
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    let path = env.path("work/typos/templates/deployment.yaml");
    let uri = file_uri(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&uri, &text);
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str());
    assert_eq!(
        summary(&published),
        [
            "0:7 undefined-value `.Values.enabled`: values.yaml has no `enabled` at its top level; declare it in values.yaml (with a default and a `# --` comment) (it only guards a block here)",
            "20:27 invalid-enum spec.template.spec.containers[0].imagePullPolicy: \"Sometimes\" is not a valid value; use one of Always, IfNotPresent, Never",
            "27:10 unknown-field unknown field \"readinesProbe\" in spec.template.spec.containers[0] (Container); did you mean readinessProbe?",
        ],
        "{published}"
    );

    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() as u32;
    let col_of = |needle: &str, inner: &str| {
        let line = text.lines().find(|l| l.contains(needle)).unwrap();
        line.find(inner).unwrap() as u32 + 1
    };
    // A `.Values` path: its value and its helm-docs comment.
    let replicas = line_of("replicas:");
    let hover = client.hover(&uri, replicas, col_of("replicas:", "replicaCount"));
    assert_eq!(
        hover_text(&hover),
        "**`.Values.replicaCount`**\n\n```yaml\n2\n```\n\nHow many pods run\n\n_from `values.yaml`_"
    );
    // A named template: its define.
    let name_line = line_of("name: {{ include");
    let hover = client.hover(&uri, name_line, col_of("name: {{ include", "typos.fullname"));
    assert!(
        hover_text(&hover).starts_with("**`typos.fullname`**: named template in `templates/_helpers.tpl`\n\n```go-template\n{{- define \"typos.fullname\" -}}"),
        "{hover}"
    );
    // A function, from the built-in Helm notes.
    let hover = client.hover(&uri, name_line, col_of("name: {{ include", "include"));
    assert!(hover_text(&hover).starts_with("**`include`**\n\n"), "{hover}");
    // A field of the YAML around the holes.
    let hover = client.hover(&uri, line_of("imagePullPolicy"), col_of("imagePullPolicy", "imagePullPolicy"));
    assert!(hover_text(&hover).contains("imagePullPolicy"), "{hover}");

    // Definitions: the key in values.yaml, the define in the helper.
    let definition = |client: &mut LspClient, line: u32, character: u32| {
        client.request(
            "textDocument/definition",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    };
    let image = line_of("image: \"{{");
    let found = definition(&mut client, image, col_of("image: \"{{", "repository"));
    assert_eq!(found[0]["uri"], file_uri(&env.path("work/typos/values.yaml")), "{found}");
    assert_eq!(found[0]["range"]["start"], json!({"line": 4, "character": 2}), "{found}");
    let found = definition(&mut client, name_line, col_of("name: {{ include", "typos.fullname"));
    assert_eq!(found[0]["uri"], file_uri(&env.path("work/typos/templates/_helpers.tpl")), "{found}");
    assert_eq!(found[0]["range"]["start"], json!({"line": 0, "character": 12}), "{found}");

    // Completion after `.Values.image.` and inside `include "`.
    let edited = text.replace("replicas: {{ .Values.replicaCount }}", "replicas: {{ .Values.image. }}");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": edited}]}),
    );
    let after = edited.lines().nth(replicas as usize).unwrap().find(".Values.image.").unwrap()
        + ".Values.image.".len();
    let items = client.completion(&uri, replicas, after as u32);
    assert_eq!(completion_labels(&items), ["repository", "tag"], "{items}");
    assert_eq!(
        items["items"][0]["detail"], "registry.example.com/typos/web · Where the image comes from",
        "{items}"
    );
    let inside = col_of("name: {{ include", "typos.fullname") - 1;
    let items = client.completion(&uri, name_line, inside);
    assert_eq!(completion_labels(&items), ["typos.fullname", "typos.labels"], "{items}");

    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}

#[test]
fn chart_yaml_and_values_get_the_chart_findings() {
    let env = TestEnv::new();
    chart(&env);
    env.write("work/typos/Chart.yaml", "apiVersion: v2\nname: typos\nversion: 1.0\ntype: aplication\n");
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    let path = env.path("work/typos/Chart.yaml");
    let uri = file_uri(&path);
    client.open(&uri, &std::fs::read_to_string(&path).unwrap());
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str());
    assert_eq!(
        summary(&published),
        [
            "2:9 chart-yaml `version` must be a string, but YAML reads `1.0` as a number; quote it (\"1.0\")",
            "3:6 chart-yaml `type: aplication` is not a chart type; did you mean `application`?",
        ],
        "{published}"
    );
    // Hover on a field of Chart.yaml: its documentation.
    let hover = client.hover(&uri, 3, 1);
    assert!(hover_text(&hover).starts_with("**`type`**: a string\n\n"), "{hover}");
    assert!(hover_text(&hover).contains("- `library`: "), "{hover}");
    // Hover on a key of values.yaml: the value, its comment and the templates that read it.
    let values = env.path("work/typos/values.yaml");
    let values_uri = file_uri(&values);
    client.open(&values_uri, &std::fs::read_to_string(&values).unwrap());
    let hover = client.hover(&values_uri, 1, 3);
    assert_eq!(
        hover_text(&hover),
        "**`.Values.replicaCount`**\n\n```yaml\n2\n```\n\nHow many pods run\n\n_from `values.yaml`_\n\nRead by: `templates/deployment.yaml`"
    );
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}

/// Copies the `scopes` fixture chart to `work/scopes`.
fn scopes_chart(env: &TestEnv) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm/scopes");
    for rel in [
        "Chart.yaml",
        "values.yaml",
        "values.schema.json",
        "templates/_helpers.tpl",
        "templates/deployment.yaml",
        "templates/ingress.yaml",
    ] {
        env.write(&format!("work/scopes/{rel}"), std::fs::read(src.join(rel)).unwrap());
    }
}

/// Copies a folder tree.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The (line, character) of the `nth` (0-based) occurrence of `needle` in `text`, plus `shift`.
fn position(text: &str, needle: &str, nth: usize, shift: usize) -> (u32, u32) {
    let at = text.match_indices(needle).nth(nth).unwrap_or_else(|| panic!("no {needle:?} #{nth}")).0 + shift;
    let line = text[..at].matches('\n').count();
    let column = at - text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line as u32, column as u32)
}

fn definition_at(client: &mut LspClient, uri: &str, (line, character): (u32, u32)) -> Vec<(String, Value)> {
    let found = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
    );
    let list = match found {
        Value::Array(items) => items,
        Value::Null => Vec::new(),
        one => vec![one],
    };
    list.iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap().rsplit("/scopes/").next().unwrap().to_string(),
                l["range"]["start"].clone(),
            )
        })
        .collect()
}

#[test]
fn the_dot_follows_with_and_range_variables_and_dollar() {
    let env = TestEnv::new();
    scopes_chart(&env);
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    let ingress_path = env.path("work/scopes/templates/ingress.yaml");
    let ingress_uri = file_uri(&ingress_path);
    let ingress = std::fs::read_to_string(&ingress_path).unwrap();
    client.open(&ingress_uri, &ingress);
    let published =
        client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == ingress_uri.as_str());
    // `.className` under `with .Values.ingress` is `.Values.ingress.className`: a true finding;
    // `.enabled`, `.annotations`, `.tls`, `.hosts` are declared: nothing else.
    assert_eq!(
        summary(&published),
        [
            "24:23 undefined-value `.className`: values.yaml has no `className` under `ingress`; declare it in values.yaml (with a default and a `# --` comment)"
        ],
        "{published}"
    );

    // Under `with .Values.ingress`, `.hosts` is `.Values.ingress.hosts`: its value and doc, its key.
    let at = position(&ingress, "range .hosts", 0, 8);
    assert_eq!(
        hover_text(&client.hover(&ingress_uri, at.0, at.1)),
        "**`.Values.ingress.hosts`**\n\n```yaml\n- host: scopes.example.com\n  # -- Paths under the host\n  paths:\n    - /\n```\n\nHost names served, each with its paths\n\n_from `values.yaml`_"
    );
    assert_eq!(
        definition_at(&mut client, &ingress_uri, at),
        [("values.yaml".to_string(), json!({"line": 10, "character": 2}))]
    );
    // Completion after the dot there: the keys of `ingress`.
    let at = position(&ingress, ".className", 0, 1);
    assert_eq!(
        completion_labels(&client.completion(&ingress_uri, at.0, at.1)),
        ["enabled", "annotations", "hosts", "tls"]
    );
    // `$` is the root inside `with`.
    let at = position(&ingress, "$.Values.service.port", 0, 17);
    assert_eq!(
        hover_text(&client.hover(&ingress_uri, at.0, at.1)),
        "**`.Values.service.port`**\n\n```yaml\n80\n```\n\nThe port the Service listens on\n\nSchema type: `integer`\n\n_from `values.yaml`_",
        "the Bitnami `## @param` line and values.schema.json"
    );
    assert_eq!(
        definition_at(&mut client, &ingress_uri, at),
        [("values.yaml".to_string(), json!({"line": 30, "character": 2}))]
    );
    let at = position(&ingress, "$.Values.service.port", 0, 9);
    assert_eq!(
        completion_labels(&client.completion(&ingress_uri, at.0, at.1)),
        ["image", "ingress", "ports", "env", "service", "sidecar"]
    );

    let deploy_path = env.path("work/scopes/templates/deployment.yaml");
    let deploy_uri = file_uri(&deploy_path);
    let deploy = std::fs::read_to_string(&deploy_path).unwrap();
    client.open(&deploy_uri, &deploy);
    let published =
        client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == deploy_uri.as_str());
    assert_eq!(summary(&published), Vec::<String>::new(), "{published}");
    // Under `range .Values.ports`, the dot is a list item (read from the first item).
    let at = position(&deploy, ".containerPort", 0, 3);
    assert_eq!(
        hover_text(&client.hover(&deploy_uri, at.0, at.1)),
        "**`.Values.ports[*].containerPort`**\n\n```yaml\n8080\n```\n\nThe container port\n\n_from `values.yaml`_"
    );
    assert_eq!(
        definition_at(&mut client, &deploy_uri, at),
        [("values.yaml".to_string(), json!({"line": 20, "character": 4}))]
    );
    let at = position(&deploy, ".name }}", 0, 1);
    assert_eq!(completion_labels(&client.completion(&deploy_uri, at.0, at.1)), ["name", "containerPort"]);
    // `range $name, $var := .Values.env`: `$var` is one value of the map.
    let at = position(&deploy, "$var.value", 0, 6);
    assert_eq!(
        hover_text(&client.hover(&deploy_uri, at.0, at.1)),
        "**`.Values.env[*].value`**\n\n```yaml\ninfo\n```\n\n_from `values.yaml`_"
    );
    let at = position(&deploy, "$var.value", 0, 5);
    assert_eq!(completion_labels(&client.completion(&deploy_uri, at.0, at.1)), ["value", "secret"]);
    // `.` at the root: Helm's built-in objects.
    let at = position(&deploy, "\"scopes.fullname\" .", 0, 19);
    assert_eq!(
        completion_labels(&client.completion(&deploy_uri, at.0, at.1)),
        ["Values", "Release", "Chart", "Capabilities", "Files", "Template", "Subcharts"]
    );

    // Named templates: `scopes.image` is always called with the root context, so its values
    // are the chart's; `scopes.sidecar` gets a dict: nothing is offered or flagged there.
    let helpers_path = env.path("work/scopes/templates/_helpers.tpl");
    let helpers_uri = file_uri(&helpers_path);
    let helpers = std::fs::read_to_string(&helpers_path).unwrap();
    client.open(&helpers_uri, &helpers);
    let published =
        client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == helpers_uri.as_str());
    assert_eq!(summary(&published), Vec::<String>::new(), "no false warning in a define: {published}");
    let at = position(&helpers, ".Values.image.", 0, 14);
    let items = client.completion(&helpers_uri, at.0, at.1);
    assert_eq!(
        completion_labels(&items),
        ["repository", "tag", "pullPolicy"],
        "the last from values.schema.json"
    );
    assert_eq!(items["items"][2]["detail"], "When the kubelet pulls the image", "{items}");
    let at = position(&helpers, ".Values.image }}", 0, 8);
    assert_eq!(completion_labels(&client.completion(&helpers_uri, at.0, at.1)), Vec::<String>::new());
    let at = position(&helpers, ".Values.image }}", 0, 10);
    assert_eq!(
        hover_text(&client.hover(&helpers_uri, at.0, at.1)),
        "**`.Values.image`**\n\nInside `define \"scopes.sidecar\"` the dot is whatever each caller passes, and not every call passes the chart's root context: the value cannot be looked up here."
    );
    assert_eq!(definition_at(&mut client, &helpers_uri, at), []);
    // A word in an action: keywords (with snippets) and the functions of the Helm notes.
    let at = position(&helpers, "trunc 63", 0, 2);
    let items = client.completion(&helpers_uri, at.0, at.1);
    let labels = completion_labels(&items);
    for expected in ["default", "include", "quote", "range", "required", "toYaml", "trunc", "tpl"] {
        assert!(labels.iter().any(|l| l == expected), "{expected} missing from {labels:?}");
    }
    let to_yaml = items["items"].as_array().unwrap().iter().find(|i| i["label"] == "toYaml").unwrap();
    // This client takes no snippets: the placeholders' defaults are inserted as plain text.
    assert_eq!(to_yaml["textEdit"]["newText"], "toYaml . | nindent 4", "{to_yaml}");
    assert_eq!(to_yaml["insertTextFormat"], 1, "{to_yaml}");
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}

/// Quick fixes, the outline, completion of keys and enum values around the holes, and named
/// templates of a vendored subchart.
#[test]
fn manifest_features_work_inside_templates() {
    let env = TestEnv::new();
    chart(&env);
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    let path = env.path("work/typos/templates/deployment.yaml");
    let uri = file_uri(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&uri, &text);
    client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str());
    // A quick fix for the misspelt field, on the template's own lines.
    let at = position(&text, "readinesProbe", 0, 3);
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": at.0, "character": at.1}, "end": {"line": at.0, "character": at.1}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(actions[0]["title"], "Rename to readinessProbe", "{actions}");
    assert_eq!(
        actions[0]["edit"]["changes"][uri.as_str()],
        json!([{"range": {"start": {"line": 27, "character": 10}, "end": {"line": 27, "character": 23}}, "newText": "readinessProbe"}]),
        "{actions}"
    );
    // The outline is the Deployment, named as written, not the `{{- if }}` line.
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    assert_eq!(symbols[0]["name"], "Deployment/{{ include \"typos.fullname\" . }}", "{symbols}");
    assert_eq!(symbols[0]["detail"], "apps/v1", "{symbols}");
    let children: Vec<&str> =
        symbols[0]["children"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(children, ["apiVersion", "kind", "metadata", "spec"], "{symbols}");
    // Completion of enum values and of keys in context, around the holes.
    let at = position(&text, "imagePullPolicy: ", 0, 17);
    assert_eq!(completion_labels(&client.completion(&uri, at.0, at.1)), ["Always", "IfNotPresent", "Never"]);
    let at = position(&text, "          ports:", 0, 10);
    let labels = completion_labels(&client.completion(&uri, at.0, at.1));
    for expected in ["livenessProbe", "readinessProbe", "securityContext", "volumeMounts"] {
        assert!(labels.iter().any(|l| l == expected), "{expected} missing from {labels:?}");
    }
    assert!(
        !labels.iter().any(|l| l == "image" || l == "env"),
        "keys already there are left out: {labels:?}"
    );

    // Named templates across subcharts: `common.pdb` lives in the vendored library chart.
    let shop = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helm/shop");
    copy_tree(&shop, &env.path("work/shop"));
    let pdb_path = env.path("work/shop/templates/pdb.yaml");
    let pdb_uri = file_uri(&pdb_path);
    let pdb = std::fs::read_to_string(&pdb_path).unwrap();
    client.open(&pdb_uri, &pdb);
    let at = position(&pdb, "common.pdb", 0, 3);
    let found = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": pdb_uri}, "position": {"line": at.0, "character": at.1}}),
    );
    assert_eq!(
        found,
        json!([{"uri": file_uri(&env.path("work/shop/charts/common/templates/_pdb.tpl")), "range": {"start": {"line": 4, "character": 12}, "end": {"line": 4, "character": 22}}}])
    );
    assert!(
        hover_text(&client.hover(&pdb_uri, at.0, at.1)).starts_with(
            "**`common.pdb`**: named template in `charts/common/templates/_pdb.tpl`\n\n```go-template\n{{- define \"common.pdb\" -}}\n{{- $top := .top -}}\napiVersion: policy/v1\n"
        )
    );
    let at = position(&pdb, "common.pdb", 0, 0);
    let labels = completion_labels(&client.completion(&pdb_uri, at.0, at.1));
    assert_eq!(
        labels,
        [
            "common.names.fullname",
            "common.pdb",
            "redis.fullname",
            "shop.fullname",
            "shop.labels",
            "shop.name",
            "shop.selectorLabels",
            "shop.serviceAccountName"
        ]
    );
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}

/// The server keeps each chart's model: open documents' texts count over their files, edits of
/// values.yaml re-check the chart's open templates, and files changed on disk are read again
/// when the client reports them (or when an open document of the chart is closed).
#[test]
fn the_chart_model_follows_edits_and_disk_changes() {
    let env = TestEnv::new();
    chart(&env);
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    let path = env.path("work/typos/templates/deployment.yaml");
    let uri = file_uri(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&uri, &text);
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str());
    assert!(summary(&published)[0].contains("`.Values.enabled`"), "{published}");
    let at = position(&text, ".Values.replicaCount", 0, 10);
    let replicas = |client: &mut LspClient| hover_text(&client.hover(&uri, at.0, at.1));
    assert!(replicas(&mut client).contains("```yaml\n2\n```"));

    // values.yaml changed on disk and reported by the client's watcher.
    let values_path = env.path("work/typos/values.yaml");
    let on_disk = std::fs::read_to_string(&values_path).unwrap();
    std::fs::write(&values_path, on_disk.replace("replicaCount: 2", "replicaCount: 5")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&values_path), "type": 2}]}),
    );
    client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str());
    assert!(replicas(&mut client).contains("```yaml\n5\n```"), "the value read again from disk");

    // values.yaml open and edited, unsaved: its text wins, and the template is checked again.
    let values_uri = file_uri(&values_path);
    let open_text = std::fs::read_to_string(&values_path).unwrap();
    client.open(&values_uri, &open_text);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": values_uri, "version": 2}, "contentChanges": [{"text": format!("enabled: true\n{}", open_text.replace("replicaCount: 5", "replicaCount: 7"))}]}),
    );
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && !p.to_string().contains("`.Values.enabled`")
    });
    assert_eq!(summary(&published).len(), 2, "the two template errors stay: {published}");
    assert!(replicas(&mut client).contains("```yaml\n7\n```"), "the open text of values.yaml");

    // Closed without saving: the file on disk counts again.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": values_uri}}));
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri.as_str() && p.to_string().contains("`.Values.enabled`")
    });
    assert!(replicas(&mut client).contains("```yaml\n5\n```"));

    // A helper changed on disk: its named template is what hover shows.
    let helpers = env.path("work/typos/templates/_helpers.tpl");
    let helper_text = std::fs::read_to_string(&helpers).unwrap();
    std::fs::write(&helpers, helper_text.replace("trunc 63", "trunc 40")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&helpers), "type": 2}]}),
    );
    let at = position(&text, "typos.fullname", 0, 2);
    let mut shown = String::new();
    for _ in 0..50 {
        shown = hover_text(&client.hover(&uri, at.0, at.1));
        if shown.contains("trunc 40") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(shown.contains("trunc 40"), "{shown}");
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}

/// Bad input in the editor: an unclosed `{{` is reported where it is and the rest of the
/// template still answers; a self-including `define` and a 5 MB values.yaml neither hang nor
/// crash the server.
#[test]
fn bad_input_in_templates_answers_without_hanging() {
    let env = TestEnv::new();
    crate::helm::bad_chart(&env);
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("window/logMessage");
    let path = env.path("work/bad/templates/unbalanced.yaml");
    let uri = file_uri(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&uri, &text);
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str());
    assert_eq!(
        summary(&published),
        ["3:8 template-syntax this `{{` is never closed by `}}`; Helm cannot render this template"],
        "{published}"
    );
    let hover = client.hover(&uri, 1, 2);
    assert!(hover_text(&hover).contains("ConfigMap"), "{hover}");

    let path = env.path("work/bad/templates/loop.yaml");
    let uri = file_uri(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    client.open(&uri, &text);
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == uri.as_str());
    assert_eq!(summary(&published), Vec::<String>::new(), "{published}");
    let at = position(&text, "bad.loop", 0, 2);
    assert!(
        hover_text(&client.hover(&uri, at.0, at.1))
            .starts_with("**`bad.loop`**: named template in `templates/_helpers.tpl`\n\n```go-template\n{{- define \"bad.loop\" -}}\n{{ include \"bad.loop\" . }}"),
    );
    let at = position(&text, ".Values.name", 0, 8);
    assert_eq!(
        hover_text(&client.hover(&uri, at.0, at.1)),
        "**`.Values.name`**\n\n```yaml\nweb\n```\n\n_from `values.yaml`_"
    );
    // 100,000 top-level keys: those that start with what is typed, at most 1,000.
    let items = client.completion(&uri, at.0, at.1 + 2);
    assert_eq!(completion_labels(&items), ["name"]);
    let items = client.completion(&uri, at.0, at.1);
    assert_eq!(completion_labels(&items).len(), 1_000);
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}
