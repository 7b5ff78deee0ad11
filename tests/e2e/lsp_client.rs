//! A small JSON-RPC client that drives the real `kref lsp` over stdio. It fails the test when the
//! server sent a message nobody read, or when a reply does not come in time.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::util::TestEnv;

pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
    /// Notifications received while waiting for something else, not yet looked at.
    pending: Vec<Value>,
    pub timeout: Duration,
    finished: bool,
    /// Notification methods this test declared it does not read (see [`LspClient::ignore`]).
    ignored: Vec<String>,
    /// Requests the server sent (each answered with an empty result).
    pub server_requests: Vec<Value>,
}

pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl LspClient {
    /// Starts `kref lsp` in the test environment and runs `initialize` + `initialized`.
    pub fn start(env: &TestEnv, init_options: Value) -> (Self, Value) {
        Self::start_with(env, &[], init_options, json!({}))
    }

    pub fn start_with(
        env: &TestEnv,
        extra_args: &[&str],
        init_options: Value,
        capabilities: Value,
    ) -> (Self, Value) {
        let mut args = vec!["lsp"];
        args.extend_from_slice(extra_args);
        let mut child = env
            .command(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(msg) = read_message(&mut reader) {
                if tx.send(msg).is_err() {
                    break;
                }
            }
        });
        let mut client = LspClient {
            child,
            stdin,
            incoming: rx,
            next_id: 0,
            pending: Vec::new(),
            timeout: Duration::from_secs(20),
            finished: false,
            ignored: Vec::new(),
            server_requests: Vec::new(),
        };
        let root = env.path("work");
        let result = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": format!("file://{}", root.display()),
                "capabilities": capabilities,
                "initializationOptions": init_options,
            }),
        );
        client.notify("initialized", json!({}));
        (client, result)
    }

    pub fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send(&mut self, msg: &Value) {
        self.send_raw(&msg.to_string());
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its id without waiting.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its whole response (result or error).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.request_async(method, params);
        self.response(id)
    }

    /// Sends a request and returns its result; panics on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method} failed: {response}");
        response["result"].clone()
    }

    fn recv(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.incoming.recv_timeout(left) {
            Ok(msg) => msg,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {:?}", self.timeout),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// Waits for the response to request `id`, keeping notifications aside and answering
    /// server-to-client requests with an empty result.
    pub fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + self.timeout;
        loop {
            let msg = self.recv(deadline);
            if msg.get("id").and_then(Value::as_i64) == Some(id) && msg.get("method").is_none() {
                return msg;
            }
            self.handle_other(msg);
        }
    }

    fn handle_other(&mut self, msg: Value) {
        if let (Some(method), Some(sid)) = (msg.get("method"), msg.get("id")) {
            // A request from the server (registerCapability, workDoneProgress/create, ...).
            let _ = method;
            let reply = json!({"jsonrpc": "2.0", "id": sid, "result": null});
            self.send(&reply);
            self.server_requests.push(msg);
        } else {
            self.pending.push(msg);
        }
    }

    /// Waits for a notification with this method whose params satisfy `pred`.
    pub fn wait_notification(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(pos) = self.pending.iter().position(|m| m["method"] == method && pred(&m["params"])) {
            return self.pending.remove(pos)["params"].clone();
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let msg = self.recv(deadline);
            if msg["method"] == method && pred(&msg["params"]) {
                return msg["params"].clone();
            }
            self.handle_other(msg);
        }
    }

    /// Reads notifications of `method` that `pick` selects until one satisfies `done` or the
    /// timeout passes; answers the last one picked (`None` if none came). Never panics on a
    /// timeout, so that a test can show what the server said last.
    pub fn last_notification(
        &mut self,
        method: &str,
        pick: impl Fn(&Value) -> bool,
        done: impl Fn(&Value) -> bool,
    ) -> Option<Value> {
        let mut last = None;
        while let Some(pos) = self.pending.iter().position(|m| m["method"] == method && pick(&m["params"])) {
            let params = self.pending.remove(pos)["params"].clone();
            if done(&params) {
                return Some(params);
            }
            last = Some(params);
        }
        let deadline = Instant::now() + self.timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(msg) = self.incoming.recv_timeout(left) else { return last };
            if msg["method"] == method && pick(&msg["params"]) {
                let params = msg["params"].clone();
                if done(&params) {
                    return Some(params);
                }
                last = Some(params);
            } else {
                self.handle_other(msg);
            }
        }
    }

    /// Declares that this test does not read notifications of `method` (a test about hover
    /// need not read the diagnostics the server publishes); `finish` then does not count them.
    pub fn ignore(&mut self, method: &str) {
        self.ignored.push(method.to_string());
    }

    /// Drops notifications of a method that a test does not care about.
    /// Waits for a request from the server of `method` whose params satisfy `pred` (answered
    /// with an empty result, as every server request is).
    pub fn wait_server_request(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + self.timeout;
        loop {
            if let Some(r) = self.server_requests.iter().find(|r| r["method"] == method && pred(&r["params"]))
            {
                return r["params"].clone();
            }
            let msg = self.recv(deadline);
            self.handle_other(msg);
        }
    }

    /// How many notifications of `method` that satisfy `pred` arrived and were not yet read.
    pub fn count_pending(&mut self, method: &str, pred: impl Fn(&Value) -> bool) -> usize {
        while let Ok(msg) = self.incoming.try_recv() {
            self.handle_other(msg);
        }
        self.pending.iter().filter(|m| m["method"] == method && pred(&m["params"])).count()
    }

    pub fn discard(&mut self, method: &str) {
        self.pending.retain(|m| m["method"] != method);
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    pub fn hover(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    }

    pub fn completion(&mut self, uri: &str, line: u32, character: u32) -> Value {
        self.request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
    }

    /// `shutdown` + `exit`, then checks the process ended cleanly and nothing was left unread.
    pub fn finish(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "the server did not exit after `exit`");
            std::thread::sleep(Duration::from_millis(20));
        };
        assert!(status.success(), "server exit status {status:?}");
        while let Ok(msg) = self.incoming.try_recv() {
            self.pending.push(msg);
        }
        let ignored = std::mem::take(&mut self.ignored);
        self.pending.retain(|m| {
            m["method"] != "window/logMessage"
                && m["method"] != "$/progress"
                && !ignored.iter().any(|i| m["method"] == i.as_str())
        });
        let unread = std::mem::take(&mut self.pending);
        self.finished = true;
        assert!(unread.is_empty(), "the server sent messages nobody read: {unread:#?}");
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if !self.finished {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Renders hover contents (MarkupContent or a string) as plain text.
pub fn hover_text(hover: &Value) -> String {
    match &hover["contents"] {
        Value::String(s) => s.clone(),
        Value::Object(o) => o.get("value").and_then(Value::as_str).unwrap_or_default().to_string(),
        Value::Array(items) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| i["value"].as_str().unwrap_or_default().to_string())
            })
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

/// Labels of a completion response (a list or a CompletionList).
pub fn completion_labels(response: &Value) -> Vec<String> {
    let items = if response.is_array() { response.as_array() } else { response["items"].as_array() };
    items
        .map(|v| v.iter().map(|i| i["label"].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default()
}
