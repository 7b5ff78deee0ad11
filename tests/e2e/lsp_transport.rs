//! `kref lsp` started the way each documented client starts it: the exact command lines, the
//! transport flags vscode-languageclient adds (`--stdio`, `--pipe=NAME`, and the refused
//! `--socket=N` and `--node-ipc`), and the end of the server when the editor's process ends.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::lsp_client::{LspClient, hover_text, read_message};
use crate::util::{TestEnv, arg};

const URI: &str = "file:///work/app.yaml";
const MANIFEST: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    type: RollingUpdate
";

/// Starts `kref lsp` with `args`, checks a hover on `strategy`, and ends the session cleanly.
fn session_works(args: &[&str]) {
    let env = TestEnv::new();
    let (mut client, init) = LspClient::start_with(&env, args, Value::Null, json!({}));
    client.ignore("textDocument/publishDiagnostics");
    assert_eq!(init["serverInfo"]["name"], "kref", "kref lsp {args:?}");
    client.open(URI, MANIFEST);
    let deadline = Instant::now() + Duration::from_secs(20);
    let text = loop {
        let text = hover_text(&client.hover(URI, 5, 4));
        if text.contains("Deployment.spec.strategy") || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(text.contains("Deployment.spec.strategy"), "kref lsp {args:?}: {text}");
    client.finish();
}

/// The command line of every client docs/editors.md names. Neovim (the plugin, nvim-lspconfig and
/// `vim.lsp.config`), Helix, Zed, Emacs eglot and Sublime LSP run exactly the command they are
/// configured with, `kref lsp`; the plugin adds `--log-file` when asked; vscode-languageclient's
/// stdio transport appends `--stdio`, and with a Node.js runtime also `--clientProcessId=N`.
#[test]
fn every_documented_command_line_starts_a_session() {
    let log = tempfile::tempdir().unwrap();
    let log_file = log.path().join("kref.log");
    let client_pid = format!("--clientProcessId={}", std::process::id());
    for args in
        [vec![], vec!["--stdio"], vec!["--stdio", client_pid.as_str()], vec!["--log-file", arg(&log_file)]]
    {
        session_works(&args);
    }
    let logged = std::fs::read_to_string(&log_file).unwrap();
    assert!(logged.contains("exited"), "the log went to --log-file: {logged}");
}

#[test]
fn refused_transports_say_why_and_what_to_use() {
    let env = TestEnv::new();
    for (flag, why) in [("--socket=6010", "network connection"), ("--node-ipc", "Node.js")] {
        let run = env.run(&["lsp", flag]);
        assert_eq!(run.code, 2, "{flag}: {}", run.stderr);
        assert!(run.stderr.contains(flag) && run.stderr.contains(why), "{flag}: {}", run.stderr);
        assert!(run.stderr.contains("over stdio"), "{flag} says what to use instead: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{flag}: nothing on stdout");
    }
    let run = env.run(&["lsp", "--stdio", "--pipe=/tmp/x.sock"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot be used with"), "{}", run.stderr);
    let run = env.run(&["lsp", "--clientProcessId=editor"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--clientProcessId"), "{}", run.stderr);
}

fn send(stream: &mut impl Write, msg: &Value) {
    let body = msg.to_string();
    write!(stream, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stream.flush().unwrap();
}

/// Waits for a child to end, killing it after `limit`; its exit status, or `None` if killed.
fn wait_for(child: &mut Child, limit: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// vscode-languageclient's pipe transport: the client listens on a Unix socket and passes its path.
#[cfg(unix)]
#[test]
fn pipe_transport_connects_to_the_clients_socket() {
    use std::os::unix::net::UnixListener;

    let env = TestEnv::new();
    let socket = env.path("client.sock");
    let listener = UnixListener::bind(&socket).unwrap();
    let mut child = env
        .command(&["lsp", &format!("--pipe={}", socket.display())])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (mut stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    send(
        &mut stream,
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"processId": null, "rootUri": null, "capabilities": {}}}),
    );
    let init = read_message(&mut reader).expect("an answer to initialize over the socket");
    assert_eq!(init["result"]["serverInfo"]["name"], "kref", "{init}");
    send(&mut stream, &json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null}));
    loop {
        let msg = read_message(&mut reader).expect("an answer to shutdown");
        if msg["id"] == 2 {
            break;
        }
    }
    send(&mut stream, &json!({"jsonrpc": "2.0", "method": "exit", "params": null}));
    let status = wait_for(&mut child, Duration::from_secs(10)).expect("kref exits after `exit`");
    assert!(status.success(), "{status:?}");
    let mut out = String::new();
    std::io::Read::read_to_string(child.stdout.as_mut().unwrap(), &mut out).unwrap();
    assert!(out.is_empty(), "nothing on stdout with --pipe: {out}");
}

#[cfg(unix)]
#[test]
fn pipe_transport_with_nobody_listening_says_so() {
    let env = TestEnv::new();
    let run = env.run(&["lsp", "--pipe=/nonexistent/kref-test.sock"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("could not connect") && run.stderr.contains("kref-test.sock"),
        "{}",
        run.stderr
    );
}

/// Runs `kref lsp` under a shell that stands for the editor: the shell starts kref in the
/// background (its stdin kept open) and then sleeps. `pid_from` says how the editor's pid is
/// given: `flag` (`--clientProcessId=$$`), `initialize` (`processId`), or `stranger` (the pid of
/// an unrelated process, in `initialize`). Returns kref's pid, the editor and the stranger.
#[cfg(target_os = "linux")]
fn under_an_editor(env: &TestEnv, pid_from: &str) -> (u32, Child, Option<Child>) {
    let stranger = (pid_from == "stranger")
        .then(|| std::process::Command::new("sleep").arg("60").stdin(Stdio::null()).spawn().unwrap());
    let flag = if pid_from == "flag" { "--clientProcessId=$$" } else { "" };
    let script = format!(
        "exec 3<&0; \"$0\" lsp --log-file \"$1\" {flag} <&3 >/dev/null 3<&- & echo $!; exec sleep 60"
    );
    let mut editor = env
        .command_of(
            Path::new("/bin/sh"),
            &["-c", &script, env!("CARGO_BIN_EXE_kref"), arg(&env.path("kref.log"))],
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(editor.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let kref: u32 = line.trim().parse().unwrap_or_else(|_| panic!("kref's pid, not {line:?}"));
    let editor_pid = editor.id();
    if pid_from != "flag" {
        let pid = stranger.as_ref().map_or(editor_pid, Child::id);
        let stdin = editor.stdin.as_mut().unwrap();
        send(
            stdin,
            &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                    "params": {"processId": pid, "rootUri": null, "capabilities": {}}}),
        );
    }
    (kref, editor, stranger)
}

#[cfg(target_os = "linux")]
fn running(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| !stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with('Z')))
}

#[cfg(target_os = "linux")]
fn ends_within(pid: u32, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if !running(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// The editor crashes without closing kref's stdin (its child keeps the pipe open): kref notices
/// the editor's process is gone and ends, whether the pid came as a flag or in `initialize`.
#[cfg(target_os = "linux")]
#[test]
fn ends_when_the_editor_process_ends() {
    for pid_from in ["flag", "initialize"] {
        let env = TestEnv::new();
        let (kref, mut editor, _) = under_an_editor(&env, pid_from);
        std::thread::sleep(Duration::from_millis(500));
        assert!(running(kref), "{pid_from}: kref runs while the editor does");
        // Held open: `wait` would close it, and kref would end because its input closed.
        let _input = editor.stdin.take();
        editor.kill().unwrap();
        editor.wait().unwrap();
        let ended = ends_within(kref, Duration::from_secs(15));
        let log = std::fs::read_to_string(env.path("kref.log")).unwrap_or_default();
        assert!(ended, "{pid_from}: kref {kref} still runs after its editor ended; log:\n{log}");
        assert!(log.contains("has ended; stopping"), "{pid_from}: the log says why: {log}");
    }
}

/// A `processId` that is not kref's ancestor (another PID namespace's number, say) is not watched:
/// its end does not stop kref.
#[cfg(target_os = "linux")]
#[test]
fn a_process_id_from_elsewhere_is_not_watched() {
    let env = TestEnv::new();
    let (kref, mut editor, stranger) = under_an_editor(&env, "stranger");
    let mut stranger = stranger.unwrap();
    let input = editor.stdin.take();
    std::thread::sleep(Duration::from_millis(500));
    stranger.kill().unwrap();
    stranger.wait().unwrap();
    assert!(!ends_within(kref, Duration::from_secs(5)), "kref ended with an unrelated process");
    let log = std::fs::read_to_string(env.path("kref.log")).unwrap_or_default();
    assert!(log.contains("not an ancestor"), "{log}");
    // Closing the connection still ends it.
    drop(input);
    editor.kill().unwrap();
    editor.wait().unwrap();
    assert!(ends_within(kref, Duration::from_secs(15)), "kref ends when its input closes");
}

/// vscode-languageclient registers each command in `executeCommandProvider` as a VS Code command;
/// one the extension registers itself makes the client fail to start ("command already exists").
#[test]
fn server_commands_never_collide_with_the_vscode_extensions() {
    let env = TestEnv::new();
    let (client, init) = LspClient::start(&env, Value::Null);
    let advertised: Vec<String> = init["capabilities"]["executeCommandProvider"]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    client.finish();
    assert!(!advertised.is_empty());
    assert!(advertised.iter().all(|c| c.starts_with("kref.lsp.")), "{advertised:?}");

    let extension = Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode");
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(extension.join("package.json")).unwrap()).unwrap();
    let mut own: Vec<String> = manifest["contributes"]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap().to_owned())
        .collect();
    let source = std::fs::read_to_string(extension.join("src/extension.ts")).unwrap();
    own.extend(
        source
            .split("registerCommand(")
            .skip(1)
            .filter_map(|rest| rest.split(['\'', '"']).nth(1).map(str::to_owned)),
    );
    assert!(own.contains(&"kref.search".to_owned()), "the extension's commands were read: {own:?}");
    for command in &own {
        assert!(
            !command.starts_with("kref.lsp."),
            "the extension registers {command}, in the server's namespace"
        );
    }
}
