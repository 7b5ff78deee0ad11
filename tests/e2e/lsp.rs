//! `kref lsp` end to end: the real binary over JSON-RPC, in a temporary home and cache. Every
//! session ends with `shutdown`/`exit` and fails if the server sent a message nobody read.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::lsp_client::{LspClient, completion_labels, hover_text};
use crate::util::TestEnv;

const URI: &str = "file:///work/app.yaml";

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
  template:
    spec:
      containers:
        - name: app
          image: nginx
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: \"0 3 * * *\"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
";

/// The user notes fixture (in the seed's shape, in our own words).
fn fixture_notes() -> String {
    format!("{}/tests/fixtures/lsp/notes", env!("CARGO_MANIFEST_DIR"))
}

fn position(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position(line, character)})
}

/// Asks for a hover until `pred` holds (the knowledge base reloads in the background).
fn hover_until(
    client: &mut LspClient,
    uri: &str,
    line: u32,
    col: u32,
    pred: impl Fn(&str) -> bool,
) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = hover_text(&client.hover(uri, line, col));
        if pred(&text) || Instant::now() > deadline {
            return text;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn initialize_hover_completion_symbols_and_exit() {
    let env = TestEnv::new();
    let (mut client, init) = LspClient::start(&env, Value::Null);
    client.ignore("textDocument/publishDiagnostics");
    let caps = &init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    assert_eq!(caps["hoverProvider"], true);
    assert_eq!(caps["completionProvider"]["resolveProvider"], true);
    assert_eq!(caps["documentSymbolProvider"], true);
    assert_eq!(caps["executeCommandProvider"]["commands"], json!(["kref.lsp.search"]));
    assert_eq!(init["serverInfo"]["name"], "kref");

    client.open(URI, DEPLOYMENT);
    let hover = client.hover(URI, 6, 4);
    let text = hover_text(&hover);
    assert!(text.starts_with("**Deployment.spec.strategy**"), "{text}");
    assert!(text.contains("`RollingUpdate` (default)"), "{text}");
    assert_eq!(hover["range"], json!({"start": position(6, 2), "end": position(6, 10)}));

    // Enum values after `concurrencyPolicy:`, in the second document.
    let completion = client.completion(URI, 20, 21);
    assert_eq!(completion_labels(&completion), ["Allow", "Forbid", "Replace"]);
    let item = completion["items"][1].clone();
    assert_eq!(item["textEdit"]["newText"], "Forbid");
    assert_eq!(item["textEdit"]["range"], json!({"start": position(20, 21), "end": position(20, 27)}));
    let resolved = client.request("completionItem/resolve", item);
    let docs = resolved["documentation"]["value"].as_str().unwrap();
    assert!(docs.starts_with("**`Forbid`** · CronJob.spec.concurrencyPolicy"), "{docs}");

    // restartPolicy in a CronJob's pod template: no `Always`.
    assert_eq!(completion_labels(&client.completion(URI, 25, 25)), ["Never", "OnFailure"]);

    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Deployment/web", "CronJob/backup"]);
    let fields: Vec<&str> =
        symbols[0]["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(fields, ["apiVersion", "kind", "metadata", "spec"]);
    client.finish();
}

#[test]
fn a_thousand_rapid_edits_then_a_hover_on_the_final_text() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("textDocument/publishDiagnostics");
    client.open(URI, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n");
    // Type "Service" over "Pod" one character at a time, deleting and retyping 1,000 times,
    // then leave `kind: ConfigMap`: every change depends on the one before.
    let mut version = 1;
    let mut line = String::from("kind: Pod");
    let mut send = |client: &mut LspClient, start: u32, end: u32, text: &str| {
        version += 1;
        client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": {"uri": URI, "version": version},
                "contentChanges": [{"range": {"start": position(1, start), "end": position(1, end)}, "text": text}],
            }),
        );
    };
    for i in 0..1000 {
        let word = ["Service", "Deployment", "ConfigMap", "Secret"][i % 4];
        // Delete the current kind, then type the next one letter by letter on the last round.
        let len = line.len() as u32;
        send(&mut client, 6, len, "");
        line.truncate(6);
        if i == 999 {
            for (j, c) in "ConfigMap".chars().enumerate() {
                send(&mut client, 6 + j as u32, 6 + j as u32, &c.to_string());
            }
            line.push_str("ConfigMap");
        } else {
            send(&mut client, 6, 6, word);
            line.push_str(word);
        }
    }
    let text = hover_text(&client.hover(URI, 1, 8));
    assert!(text.starts_with("**ConfigMap** · `v1`"), "{text}");
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    assert_eq!(symbols[0]["name"], "ConfigMap/a");
    client.finish();
}

#[test]
fn user_notes_show_in_hover_for_fields_and_values() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, json!({"notes": [fixture_notes()]}));
    client.ignore("textDocument/publishDiagnostics");
    client.open(URI, DEPLOYMENT);
    // The field: the user's note, with its file.
    let strategy = hover_text(&client.hover(URI, 6, 4));
    assert!(strategy.contains("keep RollingUpdate with maxUnavailable 0"), "{strategy}");
    assert!(strategy.contains("your notes, team-workloads.md:5"), "{strategy}");
    // The values listed under the field carry the user's words first.
    assert!(strategy.contains("`Recreate` — only for apps that cannot run two versions"), "{strategy}");
    // A value: `Forbid` in the CronJob.
    let forbid = hover_text(&client.hover(URI, 20, 23));
    assert!(forbid.contains("what the backup jobs use"), "{forbid}");
    // The kind.
    let kind = hover_text(&client.hover(URI, 15, 8));
    assert!(kind.contains("nightly jobs live in the"), "{kind}");
    client.finish();
}

#[test]
fn changed_notes_setting_reloads_without_a_restart() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("textDocument/publishDiagnostics");
    client.open(URI, DEPLOYMENT);
    let before = hover_text(&client.hover(URI, 6, 4));
    assert!(!before.contains("your notes"), "{before}");
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"kref": {"notes": [fixture_notes()]}}}),
    );
    let after = hover_until(&mut client, URI, 6, 4, |t| t.contains("your notes"));
    assert!(after.contains("keep RollingUpdate with maxUnavailable 0"), "{after}");
    // Settings of another tool change nothing.
    client.notify("workspace/didChangeConfiguration", json!({"settings": {"yaml": {"format": true}}}));
    let still = hover_text(&client.hover(URI, 6, 4));
    assert!(still.contains("your notes"), "{still}");
    client.finish();
}

#[test]
fn workspace_kref_yaml_adds_notes() {
    let env = TestEnv::new();
    let notes = env.path("work/team-notes");
    std::fs::create_dir_all(&notes).unwrap();
    std::fs::copy(format!("{}/team-workloads.md", fixture_notes()), notes.join("team-workloads.md")).unwrap();
    env.write("work/.kref.yaml", "notes: [team-notes]\n");
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("textDocument/publishDiagnostics");
    client.open(URI, DEPLOYMENT);
    let text = hover_text(&client.hover(URI, 5, 4));
    assert!(text.contains("at least 2 in production"), "{text}");
    client.finish();
}

#[test]
fn search_show_and_explain_requests() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, json!({"notes": [fixture_notes()]}));
    client.ignore("textDocument/publishDiagnostics");
    client.open(URI, DEPLOYMENT);

    let search = client.request("kref/search", json!({"query": "backup jobs", "limit": 3, "source": "user"}));
    assert_eq!(search["query"], "backup jobs");
    let results = search["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.len() <= 3, "{search}");
    assert!(results.iter().all(|r| r["source"] == "user"), "{search}");
    // The same as the command line.
    let cli = env.run(&[
        "search",
        "backup jobs",
        "-n",
        "3",
        "--source",
        "user",
        "--json",
        "--notes",
        &fixture_notes(),
    ]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    let mut cli_json = cli.json();
    let mut lsp_json = search.clone();
    for v in [&mut cli_json, &mut lsp_json] {
        for r in v["results"].as_array_mut().unwrap() {
            r.as_object_mut().unwrap().remove("score");
        }
    }
    assert_eq!(lsp_json, cli_json);

    let command = client.request(
        "workspace/executeCommand",
        json!({"command": "kref.lsp.search", "arguments": ["maxSurge"]}),
    );
    assert!(!command["results"].as_array().unwrap().is_empty(), "{command}");
    // The name it had before is still run, for scripts written against it.
    let old = client
        .request("workspace/executeCommand", json!({"command": "kref.search", "arguments": ["maxSurge"]}));
    assert_eq!(old["results"], command["results"]);
    // Answers and "did you mean", as on the command line.
    let answered = client.request("kref/search", json!({"query": "concurrencyPolicy", "source": "builtin"}));
    assert_eq!(answered["answer"]["subject"], "CronJob › concurrencyPolicy", "{answered}");
    assert!(
        answered["answer"]["summary"]
            .as_str()
            .unwrap()
            .starts_with("Allowed values: Allow, Forbid, Replace.")
    );
    let typo = client.request("kref/search", json!({"query": "nmespce"}));
    assert_eq!(typo["results"], json!([]));
    assert_eq!(typo["did_you_mean"][0], "namespace", "{typo}");

    let id = results[0]["id"].as_str().unwrap();
    // An entry's id shows the section it sits in.
    let section = client.request("kref/show", json!({"id": id}));
    assert!(section["markdown"].as_str().unwrap().contains("backup jobs"), "{section}");
    let cli = env.run(&["show", id, "--json", "--notes", &fixture_notes()]);
    assert_eq!(section, cli.json());
    assert_eq!(client.request("kref/show", json!({"id": "no such section anywhere"})), Value::Null);

    let explained = client.request("kref/explain", at(URI, 6, 4));
    assert_eq!(explained["path"], "Deployment.spec.strategy");
    assert_eq!(explained["markdown"].as_str(), Some(hover_text(&client.hover(URI, 6, 4)).as_str()));
    assert_eq!(client.request("kref/explain", at(URI, 0, 14))["path"], "apps/v1");
    client.finish();
}

#[test]
fn utf8_positions_when_offered() {
    let env = TestEnv::new();
    let caps = json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}});
    let (mut client, init) = LspClient::start_with(&env, &[], Value::Null, caps);
    client.ignore("textDocument/publishDiagnostics");
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations: {note: \"😀 配置\", owner: x}\n";
    client.open(URI, text);
    let line = text.lines().nth(3).unwrap();
    let byte = line.find("owner").unwrap() as u32;
    let hover = client.hover(URI, 3, byte + 1);
    assert_eq!(hover["range"]["start"], position(3, byte));
    assert!(hover_text(&hover).starts_with("**ConfigMap.metadata.annotations[owner]**"));
    client.finish();
}

#[test]
fn utf16_positions_after_emoji_and_cjk() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("textDocument/publishDiagnostics");
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations: {note: \"😀 配置\", owner: x}\n";
    client.open(URI, text);
    let line = text.lines().nth(3).unwrap();
    let units = line[..line.find("owner").unwrap()].encode_utf16().count() as u32;
    let hover = client.hover(URI, 3, units + 1);
    assert_eq!(hover["range"]["start"], position(3, units));
    // An edit placed by UTF-16 columns after the emoji lands where it should.
    let note_end = line.find("\",").unwrap();
    let col = line[..note_end].encode_utf16().count() as u32;
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [
            {"range": {"start": position(3, col), "end": position(3, col)}, "text": "!"}]}),
    );
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": URI}}));
    assert_eq!(symbols[0]["name"], "ConfigMap");
    let hover = client.hover(URI, 3, units + 2);
    assert_eq!(hover["range"]["start"], position(3, units + 1), "{hover}");
    client.finish();
}

#[test]
fn bad_requests_get_errors_or_nothing_and_the_next_one_works() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("textDocument/publishDiagnostics");
    client.open(URI, DEPLOYMENT);
    // Unknown method: method not found.
    let unknown = client.request_raw("kref/doesNotExist", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    // Wrong parameter types: invalid params.
    let wrong =
        client.request_raw("textDocument/hover", json!({"textDocument": {"uri": 5}, "position": "here"}));
    assert_eq!(wrong["error"]["code"], -32602, "{wrong}");
    let wrong = client.request_raw("kref/search", json!({"query": ["not", "text"]}));
    assert_eq!(wrong["error"]["code"], -32602, "{wrong}");
    let wrong = client.request_raw("kref/search", json!({"query": "x", "source": "internet"}));
    assert_eq!(wrong["error"]["code"], -32602, "{wrong}");
    let wrong =
        client.request_raw("workspace/executeCommand", json!({"command": "kref.format", "arguments": []}));
    assert_eq!(wrong["error"]["code"], -32602, "{wrong}");
    // Unopened documents: nothing.
    let other = "file:///work/never-opened.yaml";
    assert_eq!(client.hover(other, 0, 0), Value::Null);
    assert_eq!(client.completion(other, 0, 0), Value::Null);
    assert_eq!(client.request("kref/explain", at(other, 0, 0)), Value::Null);
    // Positions past the end of a line and of the file.
    let past_line = client.hover(URI, 6, 500);
    assert_eq!(past_line, Value::Null, "the end of `strategy:` has nothing after it");
    assert_eq!(client.hover(URI, 9999, 9999), Value::Null);
    let _ = client.completion(URI, 9999, 0);
    // A change to an unopened document, a malformed notification: ignored.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": other, "version": 2}, "contentChanges": [{"text": "x"}]}),
    );
    client.notify("textDocument/didOpen", json!({"textDocument": "nonsense"}));
    // And the server still answers.
    assert!(hover_text(&client.hover(URI, 6, 4)).starts_with("**Deployment.spec.strategy**"));
    client.finish();
}

#[test]
fn hostile_documents_do_not_hang_or_crash_the_server() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("textDocument/publishDiagnostics");
    client.timeout = Duration::from_secs(60);

    // 20,000-deep nesting, block and flow.
    let deep_flow = format!("kind: Pod\nspec: {}{}\n", "[".repeat(20_000), "]".repeat(20_000));
    let mut deep_block = String::from("kind: Pod\nspec:\n");
    for i in 0..20_000 {
        deep_block.push_str(&" ".repeat(i % 200 + 2));
        deep_block.push_str("- a:\n");
    }
    // An alias bomb: each level names the one before nine times.
    let mut bomb = String::from("kind: ConfigMap\ndata:\n  a0: &a0 [lol]\n");
    for i in 1..30 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("  a{i}: &a{i} [{refs}]\n"));
    }
    for (i, text) in [deep_flow, deep_block, bomb].iter().enumerate() {
        let uri = format!("file:///work/hostile-{i}.yaml");
        client.open(&uri, text);
        let _ = client.hover(&uri, 1, 8);
        let _ = client.completion(&uri, 2, 4);
        let _ = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    }

    // A 20 MB document: opened, edited, and answered without hover or completion.
    let mut big = String::with_capacity(21 * 1024 * 1024);
    while big.len() < 20 * 1024 * 1024 {
        big.push_str(DEPLOYMENT);
        big.push_str("---\n");
    }
    let uri = "file:///work/big.yaml";
    let started = Instant::now();
    client.open(uri, &big);
    // The editor's log says why hover and completion are off for it.
    let message = client.wait_notification("window/logMessage", |p| {
        p["message"].as_str().is_some_and(|m| m.contains("big.yaml") && m.contains("limit"))
    });
    assert_eq!(message["type"], 2, "a warning: {message}");
    client.discard("window/logMessage");
    assert_eq!(client.hover(uri, 6, 4), Value::Null);
    assert_eq!(client.completion(uri, 20, 21), Value::Null);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": position(3, 8), "end": position(3, 11)}, "text": "api"}]}),
    );
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    assert_eq!(symbols[0]["name"], "Deployment/api");
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));

    // Still answering, quickly.
    client.open(URI, DEPLOYMENT);
    assert!(hover_text(&client.hover(URI, 6, 4)).starts_with("**Deployment.spec.strategy**"));
    client.finish();
}

#[test]
fn logs_go_to_the_log_file_and_never_to_stdout() {
    let env = TestEnv::new();
    let log = env.path("kref.log");
    let log_arg = log.to_str().unwrap().to_string();
    let (mut client, _) = LspClient::start_with(&env, &["--log-file", &log_arg], Value::Null, json!({}));
    client.ignore("textDocument/publishDiagnostics");
    client.open(URI, DEPLOYMENT);
    let _ = client.hover(URI, 6, 4);
    let _ = client.hover("file:///work/not-open.yaml", 0, 0);
    client.finish();
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.contains("kref") && text.contains("starting"), "{text}");
    assert!(text.contains("not open"), "{text}");
}

/// A CronJob with a value the API server rejects.
const BROKEN_CRONJOB: &str = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: \"0 2 * * *\"\n  concurrencyPolicy: Sometimes\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: job\n              image: busybox:1.36\n";

#[test]
fn diagnostics_are_published_with_versions_and_quick_fixes_remove_them() {
    let env = TestEnv::new();
    let (mut client, init) = LspClient::start(&env, Value::Null);
    assert!(init["capabilities"]["codeActionProvider"].is_object(), "{init}");
    client.open(URI, BROKEN_CRONJOB);
    let published = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && p["version"] == 1 && !p["diagnostics"].as_array().unwrap().is_empty()
    });
    let diags = published["diagnostics"].as_array().unwrap().clone();
    let enum_diag = diags
        .iter()
        .find(|d| d["code"] == "invalid-enum")
        .unwrap_or_else(|| panic!("no invalid-enum in {diags:#?}"));
    assert_eq!(enum_diag["range"]["start"]["line"], 6, "{enum_diag}");
    assert_eq!(enum_diag["source"], "kref");
    // Hover over the bad value shows the rule's note too: its summary, never its front matter.
    let hover = client.hover(URI, 6, 22);
    let text = crate::lsp_client::hover_text(&hover);
    let note = text
        .split_once("**kref rule `invalid-enum`**\n\n")
        .map(|(_, n)| n)
        .unwrap_or_else(|| panic!("{text}"));
    assert!(note.starts_with("Rule `invalid-enum`: error"), "{note}");
    assert!(!text.contains("tags:") && !text.contains("# Rule"), "{text}");
    // The quick fix edits the value into an allowed one.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": URI}, "range": enum_diag["range"], "context": {"diagnostics": [enum_diag]}}),
    );
    let actions = actions.as_array().unwrap().clone();
    let fix = actions
        .iter()
        .find(|a| {
            a["kind"] == "quickfix"
                && a["edit"]["changes"][URI][0]["newText"]
                    .as_str()
                    .is_some_and(|t| ["Allow", "Forbid", "Replace"].contains(&t))
        })
        .unwrap_or_else(|| panic!("no value fix in {actions:#?}"));
    let edit = &fix["edit"]["changes"][URI][0];
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]}),
    );
    let after =
        client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == URI && p["version"] == 2);
    assert!(!after["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "invalid-enum"), "{after}");
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": URI}}));
    let closed = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && p["diagnostics"].as_array().unwrap().is_empty()
    });
    assert!(closed["version"].is_null());
    client.finish();
}

#[test]
fn show_answers_schema_results_like_the_cli() {
    let env = TestEnv::new();
    let (mut client, _) = LspClient::start(&env, Value::Null);
    client.ignore("textDocument/publishDiagnostics");
    let id = "schema:field:Deployment.spec.strategy.type";
    let shown = client.request("kref/show", json!({"id": id}));
    let cli = env.run(&["show", "--json", id]);
    assert_eq!(cli.code, 0, "{}", cli.stderr);
    assert_eq!(shown, cli.json());
    assert!(shown["markdown"].as_str().unwrap().contains("`Recreate`"), "{shown}");
    client.finish();
}

#[test]
fn rule_settings_from_the_editor_apply_and_changes_republish() {
    let env = TestEnv::new();
    let options = json!({"rules": {"severity": {"invalid-enum": "hint"}, "disable": ["no-such-rule"]}});
    let (mut client, _) = LspClient::start(&env, options);
    client.open(URI, BROKEN_CRONJOB);
    let is_enum = |d: &Value| d["code"] == "invalid-enum";
    let first = client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && p["diagnostics"].as_array().unwrap().iter().any(is_enum)
    });
    let d = first["diagnostics"].as_array().unwrap().iter().find(|d| is_enum(d)).unwrap().clone();
    assert_eq!(d["severity"], 4, "a hint, as the editor asked: {d}");
    // The unknown rule id is reported to the user once, however many checks run.
    for version in 2..=4 {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": URI, "version": version}, "contentChanges": [{"text": BROKEN_CRONJOB}]}),
        );
    }
    client.wait_notification("textDocument/publishDiagnostics", |p| p["uri"] == URI && p["version"] == 4);
    let has_warning = |p: &Value| p["message"].as_str().unwrap_or("").contains("no-such-rule");
    let warning = client.wait_notification("window/logMessage", has_warning);
    assert_eq!(warning["type"], 2);
    let _ = client.request("kref/show", json!({"id": "nothing"}));
    assert_eq!(client.count_pending("window/logMessage", has_warning), 0, "the same warning came twice");
    // Turning the rule off in the editor re-publishes without it.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"kref": {"rules": {"disable": ["invalid-enum"]}}}}),
    );
    client.wait_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == URI && !p["diagnostics"].as_array().unwrap().iter().any(is_enum)
    });
    client.discard("textDocument/publishDiagnostics");
    client.ignore("textDocument/publishDiagnostics");
    client.finish();
}

#[test]
fn edited_notes_are_watched_and_reloaded() {
    let env = TestEnv::new();
    let notes = env.path("notes");
    std::fs::create_dir_all(&notes).unwrap();
    let note = notes.join("team.md");
    std::fs::write(&note, "# Team\n\n- `Deployment`\n  - `strategy`: we roll out slowly on Fridays.\n")
        .unwrap();
    let (mut client, _) = LspClient::start_with(
        &env,
        &[],
        json!({"notes": [notes.display().to_string()]}),
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true, "relativePatternSupport": true}}}),
    );
    client.ignore("textDocument/publishDiagnostics");
    client.open(URI, DEPLOYMENT);
    let before = hover_until(&mut client, URI, 6, 4, |t| t.contains("slowly on Fridays"));
    assert!(before.contains("slowly on Fridays"), "{before}");
    // The server asked to be told about notes under that folder.
    let watchers = |p: &Value| -> Vec<Value> {
        p["registrations"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|r| r["registerOptions"]["watchers"].as_array().cloned().unwrap_or_default())
            .collect()
    };
    let registration = client.wait_server_request("client/registerCapability", |p| {
        watchers(p).iter().any(|w| w["globPattern"]["pattern"] == "**/*.{md,markdown,txt}")
    });
    let watched = watchers(&registration);
    assert!(watched[0]["globPattern"]["baseUri"].as_str().unwrap().ends_with("/notes"), "{watched:?}");
    // The note is edited on disk: the editor says so, the hover follows.
    std::fs::write(&note, "# Team\n\n- `Deployment`\n  - `strategy`: we never roll out on Fridays.\n")
        .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", note.display()), "type": 2}]}),
    );
    let after = hover_until(&mut client, URI, 6, 4, |t| t.contains("never roll out"));
    assert!(after.contains("never roll out") && !after.contains("slowly"), "{after}");
    client.finish();
}
