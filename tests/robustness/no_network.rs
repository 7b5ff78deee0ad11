//! No network: `kref search`, `explain`, `index` and a short `kref lsp` session give the same
//! answers inside a network namespace with no interfaces (`unshare -n`), and under
//! `strace -f -e trace=socket,connect` they never open an AF_INET or AF_INET6 socket.
//! `kref serve` listens, and only listens: the one inet socket it opens is the one it accepts
//! on, and it never connects anywhere while it serves pages.
//! Each half is skipped, with a message, when its tool is missing or not permitted here.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::Duration;

use serde_json::{Value, json};

use crate::util::{Run, TestEnv, arg, to_run};

/// Runs `kref args` in the test environment, wrapped by `wrapper` (e.g. `["unshare", "-n"]`),
/// with `input` on stdin.
fn run_wrapped(env: &TestEnv, wrapper: &[&str], args: &[&str], input: &[u8]) -> Run {
    let base = env.command(args);
    let mut cmd = if wrapper.is_empty() {
        Command::new(base.get_program())
    } else {
        let mut c = Command::new(wrapper[0]);
        c.args(&wrapper[1..]).arg(base.get_program());
        c
    };
    cmd.args(base.get_args()).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(dir) = base.get_current_dir() {
        cmd.current_dir(dir);
    }
    for (key, value) in base.get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    let mut child = cmd.spawn().unwrap();
    if args.first() == Some(&"lsp") {
        return lsp_session(child);
    }
    child.stdin.take().unwrap().write_all(input).unwrap();
    to_run(child.wait_with_output().unwrap())
}

fn frame(msg: &Value) -> Vec<u8> {
    let body = msg.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// A short editor session: initialize, open a manifest, hover and complete in it, shut down.
/// Returns the hover and completion results as stdout (one JSON per line).
fn lsp_session(mut child: std::process::Child) -> Run {
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = channel::<Value>();
    let reader = std::thread::spawn(move || {
        let mut reader = BufReader::new(stdout);
        loop {
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; length];
            if reader.read_exact(&mut body).is_err() {
                return;
            }
            if let Ok(msg) = serde_json::from_slice(&body) {
                let _ = tx.send(msg);
            }
        }
    });
    let uri = "file:///tmp/no-network/deploy.yaml";
    let text = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  strategy:\n    type: RollingUpdate\n  \n";
    let send = |stdin: &mut std::process::ChildStdin, msg: Value| stdin.write_all(&frame(&msg)).unwrap();
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
    );
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}}),
    );
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 4}}}),
    );
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": {"line": 5, "character": 2}}}),
    );
    let mut answers = std::collections::BTreeMap::new();
    while answers.len() < 2 {
        let msg = rx.recv_timeout(Duration::from_secs(60)).expect("no answer from kref lsp");
        if let (Some(id), None) = (msg.get("id").and_then(Value::as_i64), msg.get("method")) {
            if id == 2 || id == 3 {
                answers.insert(id, msg);
            }
        } else if let (Some(id), Some(_)) = (msg.get("id"), msg.get("method")) {
            // A request from the server: answer it so it does not wait.
            send(&mut stdin, json!({"jsonrpc": "2.0", "id": id, "result": null}));
        }
    }
    send(&mut stdin, json!({"jsonrpc": "2.0", "id": 4, "method": "shutdown", "params": null}));
    send(&mut stdin, json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    drop(stdin);
    let status = child.wait().unwrap();
    let _ = reader.join();
    let mut stderr = String::new();
    let _ = child.stderr.take().unwrap().read_to_string(&mut stderr);
    let stdout = answers.values().map(|m| format!("{}\n", m["result"])).collect();
    Run { code: status.code().unwrap_or(-1), stdout, stderr }
}

/// The commands checked, in order (the index first, so the others read it).
fn commands(env: &TestEnv) -> Vec<Vec<String>> {
    let notes = env.path("notes");
    env.write("notes/own.md", "# Own\n\nNightly backups use a `CronJob` with `concurrencyPolicy: Forbid`.\n");
    let n = arg(&notes).to_string();
    let n = n.as_str();
    [
        vec!["index", "--rebuild", "--notes", n],
        vec!["search", "rolling update", "--json", "--notes", n],
        vec!["search", "nightly backups", "--json", "--notes", n],
        vec!["explain", "Deployment.spec.strategy", "--notes", n],
        vec!["lsp"],
    ]
    .into_iter()
    .map(|c| c.into_iter().map(str::to_string).collect())
    .collect()
}

fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn same_answers_without_a_network() {
    if !works("unshare", &["-n", "true"]) {
        eprintln!("skipped: `unshare -n` is not available or not permitted here");
        return;
    }
    let env = TestEnv::new();
    for args in commands(&env) {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let with = run_wrapped(&env, &[], &args, b"");
        let without = run_wrapped(&env, &["unshare", "-n"], &args, b"");
        assert_eq!(with.code, 0, "{args:?}: {}", with.stderr);
        assert_eq!(without.code, with.code, "{args:?} without a network: {}", without.stderr);
        assert_eq!(without.stdout, with.stdout, "{args:?}: different answers without a network");
        assert!(!with.stdout.trim().is_empty(), "{args:?}: no answer");
    }
}

#[test]
fn no_inet_sockets() {
    if !works("strace", &["-f", "-e", "trace=socket", "true"]) {
        eprintln!("skipped: strace is not installed (apt-get install strace) or not permitted here");
        return;
    }
    let env = TestEnv::new();
    for (i, args) in commands(&env).into_iter().enumerate() {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let log = env.path(&format!("strace-{i}.log"));
        let wrapper = ["strace", "-f", "-qq", "-e", "trace=socket,connect,sendto,bind", "-o", arg(&log)];
        let run = run_wrapped(&env, &wrapper, &args, b"");
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        let trace = std::fs::read_to_string(&log).unwrap();
        let inet: Vec<&str> =
            trace.lines().filter(|l| l.contains("AF_INET") || l.contains("PF_INET")).collect();
        assert!(inet.is_empty(), "{args:?} opened network sockets:\n{}", inet.join("\n"));
    }
}

#[test]
fn kref_serve_only_listens() {
    if !works("strace", &["-f", "-e", "trace=socket", "true"]) {
        eprintln!("skipped: strace is not installed (apt-get install strace) or not permitted here");
        return;
    }
    let env = TestEnv::new();
    let notes = env.path("notes");
    env.write("notes/own.md", "# Own\n\nSee [the other note](other.md) and <https://kubernetes.io/>.\n");
    env.write("notes/other.md", "# Other\n\n![a remote picture](https://example.com/x.png)\n");
    let log = env.path("strace-serve.log");
    let base = env.command(&["serve", "--addr", "127.0.0.1:0", "--notes", arg(&notes), "--refresh", "0.2"]);
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-e", "trace=socket,connect,sendto,bind,listen", "-o", arg(&log)])
        .arg(base.get_program())
        .args(base.get_args())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (key, value) in base.get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .expect("kref serve says where it is")
        .trim()
        .trim_end_matches('/')
        .to_string();
    for target in [
        "/",
        "/search?q=own",
        "/show/own",
        "/explain/deploy.spec",
        "/kinds",
        "/rules/image-tag",
        "/api/search?q=other",
    ] {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        write!(stream, "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").unwrap();
        let mut reply = String::new();
        let _ = stream.read_to_string(&mut reply);
        assert!(reply.starts_with("HTTP/1.1 200"), "{target}: {}", &reply[..reply.len().min(200)]);
    }
    // Let the freshness checks run a few times, then stop the server (strace flushes and ends).
    std::thread::sleep(Duration::from_millis(800));
    let _ = Command::new("kill").args(["-s", "TERM", "--", &format!("-{}", child.id())]).status();
    let _ = child.wait();
    let trace = std::fs::read_to_string(&log).unwrap();
    let inet: Vec<&str> = trace.lines().filter(|l| l.contains("AF_INET") || l.contains("PF_INET")).collect();
    let sockets: Vec<&&str> = inet.iter().filter(|l| l.contains("socket(")).collect();
    let connects: Vec<&&str> =
        inet.iter().filter(|l| l.contains("connect(") || l.contains("sendto(")).collect();
    assert_eq!(sockets.len(), 1, "one listening socket, nothing else:\n{}", inet.join("\n"));
    assert!(connects.is_empty(), "kref serve connected somewhere:\n{}", inet.join("\n"));
    assert!(trace.contains("listen("), "{trace}");
}
