//! Fuzz target `lsp`: random sessions against the real language server (`kref::lsp::Backend`),
//! driven in process through tower-lsp-server's `LspService`: didOpen, didChange (ranges
//! anywhere, past the end included), hover, completion, completionItem/resolve, documentSymbol,
//! codeAction (its first quick fix applied as an editor would), didClose and requests with
//! nonsense parameters, on YAML-ish text.
//!
//! Findings are: a panic anywhere, an InternalError answer (the server catches handler panics and
//! answers -32603, so this is how a contained panic shows), and a document whose text on the
//! server differs from the editor's (checked at the end of every session by comparing the
//! edited document's outline and hover ranges with a fresh copy opened with the editor's text).
//!
//! One server is started per fuzzing process (loading the knowledge base takes a while); each
//! input works on its own documents and closes them, so inputs do not affect each other.

#![no_main]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use futures::{SinkExt, StreamExt};
use libfuzzer_sys::arbitrary::{Result as AResult, Unstructured};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use tower_lsp_server::LspService;
use tower_lsp_server::jsonrpc::{ErrorCode, Request, Response};
use tower_service::Service;

struct Harness {
    runtime: tokio::runtime::Runtime,
    service: Mutex<LspService<kref::lsp::Backend>>,
    ids: AtomicU64,
    documents: AtomicU64,
}

impl Harness {
    fn call(&self, request: Request) -> Option<Response> {
        let mut service = self.service.lock().unwrap_or_else(|e| e.into_inner());
        self.runtime.block_on(async {
            futures::future::poll_fn(|cx| service.poll_ready(cx)).await.ok()?;
            service.call(request).await.ok().flatten()
        })
    }

    fn notify(&self, method: &'static str, params: Value) {
        self.call(Request::build(method).params(params).finish());
    }

    /// Sends a request; a caught panic (InternalError) is a finding.
    fn request(&self, method: &'static str, params: Value) -> Value {
        let id = self.ids.fetch_add(1, Ordering::Relaxed) as i64;
        let response = self.call(Request::build(method).id(id).params(params.clone()).finish());
        let Some(response) = response else { return Value::Null };
        if let Some(error) = response.error() {
            assert!(
                error.code != ErrorCode::InternalError,
                "{method} {params} answered an internal error (a contained panic): {error:?}"
            );
            return Value::Null;
        }
        response.result().cloned().unwrap_or(Value::Null)
    }
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("kref-fuzz-lsp-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("home")).unwrap();
        // SAFETY: runs once, before the server's runtime (or any other thread of ours) exists.
        unsafe {
            std::env::set_var("KREF_CACHE_DIR", dir.join("cache"));
            std::env::set_var("HOME", dir.join("home"));
            std::env::set_var("XDG_CONFIG_HOME", dir.join("config"));
            std::env::remove_var("KREF_NOTES");
            std::env::remove_var("KREF_CONFIG");
            std::env::remove_var("KREF_LOG");
        }
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let (service, socket) = LspService::new(kref::lsp::Backend::new);
        // Answer the server's own requests (progress, configuration) and drop its notifications.
        runtime.spawn(async move {
            let (mut requests, mut responses) = socket.split();
            while let Some(request) = requests.next().await {
                if let Some(id) = request.id().cloned() {
                    let _ = responses.send(Response::from_ok(id, Value::Null)).await;
                }
            }
        });
        let harness = Harness {
            runtime,
            service: Mutex::new(service),
            ids: AtomicU64::new(1),
            documents: AtomicU64::new(0),
        };
        harness.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": {}}));
        harness.notify("initialized", json!({}));
        harness
    })
}

/// Pieces of YAML-ish text.
const PIECES: &[&str] = &[
    "apiVersion: apps/v1\n",
    "kind: Deployment\n",
    "kind: Pod\n",
    "metadata:\n  name: x\n",
    "spec:\n",
    "  ",
    "    ",
    "- ",
    ": ",
    ":",
    "\n",
    "\r\n",
    "\t",
    "#",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "'",
    "\"",
    "&a ",
    "*a",
    "!t ",
    "|\n",
    ">-\n",
    "---\n",
    "...\n",
    "containers:\n",
    "name",
    "image: nginx",
    "replicas: 3",
    "strategy:\n    type: ",
    "RollingUpdate",
    "é",
    "😀",
    "日本",
    "\u{feff}",
    "\u{0}",
    "x",
];

fn text(u: &mut Unstructured<'_>, max: usize) -> AResult<String> {
    let mut out = String::new();
    let count = u.int_in_range(0..=max)?;
    for _ in 0..count {
        if u.ratio(1, 6)? {
            let len = u.int_in_range(0..=8)?;
            out.push_str(&String::from_utf8_lossy(u.bytes(len)?));
        } else {
            out.push_str(u.choose(PIECES)?);
        }
    }
    Ok(out)
}

/// A position, mostly inside the text, sometimes far outside.
fn position(u: &mut Unstructured<'_>, text: &str) -> AResult<(u32, u32)> {
    let lines = text.split('\n').count() as u32;
    if u.ratio(1, 10)? {
        return Ok((u.arbitrary()?, u.arbitrary()?));
    }
    Ok((u.int_in_range(0..=lines)?, u.int_in_range(0..=40)?))
}

/// The byte offset of an LSP position (UTF-16 columns) in the editor's copy, clamped the way the
/// server documents it: a line past the end is the end of the text, a column past the line's end
/// is the line's end (before `\r\n`), a column inside a character is that character's start.
fn offset(text: &str, (line, col): (u32, u32)) -> usize {
    let mut start = 0;
    for _ in 0..line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let content = text[start..end].strip_suffix('\r').unwrap_or(&text[start..end]);
    let mut units = 0;
    for (i, c) in content.char_indices() {
        if units + c.len_utf16() > col as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    start + content.len()
}

fn range((sl, sc): (u32, u32), (el, ec): (u32, u32)) -> Value {
    json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
}

fn at(uri: &str, (line, character): (u32, u32)) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// The text edits a code action makes to `uri` (from `edit.changes` or `edit.documentChanges`).
fn edits_for(action: &Value, uri: &str) -> Vec<((u32, u32), (u32, u32), String)> {
    let edit = &action["edit"];
    let mut list: Vec<&Value> =
        edit["changes"][uri].as_array().map(|v| v.iter().collect()).unwrap_or_default();
    for change in edit["documentChanges"].as_array().into_iter().flatten() {
        if change["textDocument"]["uri"] == uri {
            list.extend(change["edits"].as_array().into_iter().flatten());
        }
    }
    let pos =
        |p: &Value| (p["line"].as_u64().unwrap_or(0) as u32, p["character"].as_u64().unwrap_or(0) as u32);
    list.iter()
        .map(|e| {
            (
                pos(&e["range"]["start"]),
                pos(&e["range"]["end"]),
                e["newText"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn strip_uris(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("uri");
            map.values_mut().for_each(strip_uris);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_uris),
        _ => {}
    }
}

fn uris(n: u64) -> (String, String) {
    (format!("file:///fuzz/doc-{n}.yaml"), format!("file:///fuzz/fresh-{n}.yaml"))
}

fn session(h: &Harness, u: &mut Unstructured<'_>, n: u64) -> AResult<()> {
    let (uri, fresh) = uris(n);
    let mut editor = text(u, 24)?;
    let mut version = 1;
    h.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": editor}}),
    );
    let mut last_item = Value::Null;
    for _ in 0..u.int_in_range(0..=24)? {
        version += 1;
        match u.int_in_range(0..=11)? {
            0..=2 => {
                // One to three range edits in one notification, applied in order.
                let mut changes = Vec::new();
                for _ in 0..u.int_in_range(1..=3)? {
                    let (a, b) = (position(u, &editor)?, position(u, &editor)?);
                    let insert = text(u, 3)?;
                    let (start, end) = (offset(&editor, a), offset(&editor, b));
                    // An end before the start is taken as an empty range at the start.
                    editor.replace_range(start..end.max(start), &insert);
                    changes.push(json!({"range": range(a, b), "text": insert}));
                }
                h.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
                );
            }
            3 => {
                editor = text(u, 24)?;
                h.notify(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": editor}]}),
                );
            }
            4 | 5 => {
                h.request("textDocument/hover", at(&uri, position(u, &editor)?));
            }
            6 => {
                let answer = h.request("textDocument/completion", at(&uri, position(u, &editor)?));
                if let Some(item) = answer["items"].as_array().and_then(|items| items.first()) {
                    last_item = item.clone();
                }
            }
            7 => {
                if !last_item.is_null() {
                    h.request("completionItem/resolve", last_item.clone());
                }
            }
            8 => {
                h.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
            }
            9 | 10 => {
                // Quick fixes for a range; the first one's edits are applied, as an editor would.
                let (a, b) = (position(u, &editor)?, position(u, &editor)?);
                let params = json!({"textDocument": {"uri": uri}, "range": range(a, b), "context": {"diagnostics": []}});
                let actions = h.request("textDocument/codeAction", params);
                let edits = actions.as_array().and_then(|list| list.first()).map(|a| edits_for(a, &uri));
                if let Some(mut edits) = edits.filter(|e| !e.is_empty()) {
                    // Non-overlapping edits of one version: applied from the last to the first.
                    edits.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
                    let mut changes = Vec::new();
                    for (start, end, new_text) in edits {
                        let (from, to) = (offset(&editor, start), offset(&editor, end));
                        editor.replace_range(from..to.max(from), &new_text);
                        changes.push(json!({"range": range(start, end), "text": new_text}));
                    }
                    h.notify(
                        "textDocument/didChange",
                        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
                    );
                }
            }
            _ => {
                // Nonsense parameters.
                let junk = json!({"textDocument": {"uri": uri}, "position": {"line": u.arbitrary::<i64>()?, "character": String::from_utf8_lossy(u.bytes(3)?)}});
                let method =
                    *u.choose(&["textDocument/hover", "textDocument/completion", "completionItem/resolve"])?;
                h.request(method, junk);
            }
        }
    }
    // The server's text equals the editor's: compare with a fresh copy of the editor's text.
    h.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": fresh, "languageId": "yaml", "version": 1, "text": editor}}),
    );
    let outline = |uri: &str| {
        let mut v = h.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
        strip_uris(&mut v);
        v
    };
    let (edited, copy) = (outline(&uri), outline(&fresh));
    assert_eq!(edited, copy, "the server's text differs from the editor's {editor:?}");
    // Hover ranges too (not their text: the two copies are duplicates of each other, and
    // hover shows the `duplicate-object` finding on one of them).
    for _ in 0..3 {
        let pos = position(u, &editor)?;
        let (a, b) = (
            h.request("textDocument/hover", at(&uri, pos)),
            h.request("textDocument/hover", at(&fresh, pos)),
        );
        assert_eq!(a["range"], b["range"], "hover at {pos:?} differs from a fresh copy of {editor:?}");
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let h = harness();
    let mut u = Unstructured::new(data);
    let n = h.documents.fetch_add(1, Ordering::Relaxed);
    let _ = session(h, &mut u, n);
    // Closed whatever happened, so documents do not pile up across inputs.
    let (uri, fresh) = uris(n);
    h.notify("textDocument/didClose", json!({"textDocument": {"uri": uri}}));
    h.notify("textDocument/didClose", json!({"textDocument": {"uri": fresh}}));
});
