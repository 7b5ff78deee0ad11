//! How `kref lsp` talks to its client: the transport flags editors pass (`--stdio`, `--pipe=NAME`,
//! and the ones kref refuses with a reason: `--socket=PORT`, `--node-ipc`), and the watch on the
//! editor's process (`--clientProcessId=N` or `processId` in `initialize`) that ends the server
//! when the editor is gone.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Result, bail};
use tokio::sync::watch;

/// The transport flags of `kref lsp`, as the command line gave them.
#[derive(Debug, Clone, Default, clap::Args)]
#[group(id = "transport", multiple = false)]
pub struct TransportArgs {
    /// Talk over standard input and output. This is the default; the flag is accepted because
    /// many clients pass it (vscode-languageclient, coc.nvim, lsp-mode set-ups).
    #[arg(long)]
    pub stdio: bool,
    /// Talk over the local socket the client listens on: a Unix domain socket path (what
    /// vscode-languageclient's pipe transport passes).
    #[arg(long, value_name = "NAME")]
    pub pipe: Option<PathBuf>,
    /// Not supported: kref never opens a network connection. Use stdio.
    #[arg(long, value_name = "PORT", hide = true)]
    pub socket: Option<String>,
    /// Not supported: Node.js's IPC channel exists only between two Node.js processes. Use stdio.
    #[arg(long = "node-ipc", hide = true)]
    pub node_ipc: bool,
}

/// Where the protocol's bytes go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport {
    Stdio,
    /// A local socket the client made and listens on; kref connects to it.
    Pipe(PathBuf),
}

impl TransportArgs {
    /// The transport to use, or an error that says what to configure instead.
    pub fn transport(&self) -> Result<Transport> {
        if let Some(port) = &self.socket {
            bail!(
                "kref lsp does not support --socket={port}: kref never opens a network connection, \
                 not even to the editor on this machine. Configure the client to start `kref lsp` \
                 over stdio (in vscode-languageclient: TransportKind.stdio, or no transport)."
            );
        }
        if self.node_ipc {
            bail!(
                "kref lsp does not support --node-ipc: that channel exists only between two Node.js \
                 processes, and kref is not one. Configure the client to start `kref lsp` over stdio \
                 (in vscode-languageclient: TransportKind.stdio, or no transport)."
            );
        }
        match &self.pipe {
            Some(path) if cfg!(unix) => Ok(Transport::Pipe(path.clone())),
            Some(path) => {
                bail!("kref lsp supports --pipe={} only on Unix-like systems; use stdio here", path.display())
            }
            None => Ok(Transport::Stdio),
        }
    }
}

/// The process id of the editor: from `--clientProcessId`, and then from `initialize`.
#[derive(Debug)]
pub struct ParentWatch {
    pid: watch::Sender<Option<u32>>,
}

impl Default for ParentWatch {
    fn default() -> ParentWatch {
        ParentWatch::new()
    }
}

/// How often the editor's process is looked for.
const PARENT_POLL: Duration = Duration::from_secs(3);

impl ParentWatch {
    pub fn new() -> ParentWatch {
        ParentWatch { pid: watch::Sender::new(None) }
    }

    /// Names the editor's process; the first name wins (`--clientProcessId` is given before
    /// `initialize` brings its `processId`).
    pub fn name(&self, pid: Option<u32>) {
        if let Some(pid) = pid {
            self.pid.send_if_modified(|current| {
                if current.is_none() {
                    *current = Some(pid);
                    true
                } else {
                    false
                }
            });
        }
    }

    /// Resolves once the editor's process has ended. Never resolves when no process was named,
    /// or when the named process is not one of kref's ancestors when it is named (a client in
    /// another PID namespace or container, whose number means something else here), or where
    /// this system cannot tell (only Linux's /proc is read).
    pub async fn gone(&self) -> u32 {
        let mut rx = self.pid.subscribe();
        let pid = loop {
            let pid = *rx.borrow_and_update();
            if let Some(pid) = pid {
                break pid;
            }
            if rx.changed().await.is_err() {
                return std::future::pending().await;
            }
        };
        match is_ancestor(pid) {
            Some(true) => tracing::info!("watching the client's process {pid}"),
            Some(false) => {
                tracing::info!("the client's process {pid} is not an ancestor of kref here; not watching it");
                return std::future::pending().await;
            }
            None => return std::future::pending().await,
        }
        loop {
            tokio::time::sleep(PARENT_POLL).await;
            if !is_running(pid) {
                return pid;
            }
        }
    }
}

/// The state letter and parent of a process, from /proc (`None`: no such process, or no /proc).
fn proc_stat(pid: &str) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (command name, which may hold spaces and parentheses) S ppid ..."
    let mut rest = stat.rsplit_once(')')?.1.split_whitespace();
    let state = rest.next()?.chars().next()?;
    let ppid = rest.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Is `pid` this process's parent, grandparent, ...? `None` where there is no /proc to read.
fn is_ancestor(pid: u32) -> Option<bool> {
    let (_, mut parent) = proc_stat("self")?;
    for _ in 0..64 {
        if parent == pid {
            return Some(true);
        }
        if parent <= 1 {
            break;
        }
        parent = match proc_stat(&parent.to_string()) {
            Some((_, next)) => next,
            None => break,
        };
    }
    Some(false)
}

/// Does the process run? A zombie has ended: its parent just has not collected it yet.
fn is_running(pid: u32) -> bool {
    proc_stat(&pid.to_string()).is_some_and(|(state, _)| state != 'Z')
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Debug, Parser)]
    struct Cmd {
        #[command(flatten)]
        transport: TransportArgs,
    }

    fn parse(args: &[&str]) -> std::result::Result<Result<Transport>, clap::Error> {
        Cmd::try_parse_from(std::iter::once("lsp").chain(args.iter().copied()))
            .map(|c| c.transport.transport())
    }

    #[test]
    fn stdio_is_the_default_and_may_be_named() {
        assert_eq!(parse(&[]).unwrap().unwrap(), Transport::Stdio);
        assert_eq!(parse(&["--stdio"]).unwrap().unwrap(), Transport::Stdio);
    }

    #[test]
    fn a_pipe_is_a_path() {
        let t = parse(&["--pipe=/tmp/vscode-ipc-1.sock"]).unwrap();
        if cfg!(unix) {
            assert_eq!(t.unwrap(), Transport::Pipe("/tmp/vscode-ipc-1.sock".into()));
        } else {
            assert!(t.unwrap_err().to_string().contains("only on Unix"));
        }
        // An empty path is refused by the argument parser itself.
        assert_eq!(parse(&["--pipe="]).unwrap_err().kind(), clap::error::ErrorKind::InvalidValue);
    }

    #[test]
    fn unsupported_transports_say_why_and_what_to_do() {
        let socket = parse(&["--socket=5007"]).unwrap().unwrap_err().to_string();
        assert!(socket.contains("--socket=5007") && socket.contains("network") && socket.contains("stdio"));
        let ipc = parse(&["--node-ipc"]).unwrap().unwrap_err().to_string();
        assert!(ipc.contains("--node-ipc") && ipc.contains("Node.js") && ipc.contains("stdio"));
    }

    #[test]
    fn transports_exclude_each_other() {
        let err = parse(&["--stdio", "--pipe=/tmp/x"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    }

    #[test]
    fn the_first_named_pid_wins() {
        let watch = ParentWatch::new();
        watch.name(None);
        watch.name(Some(7));
        watch.name(Some(9));
        assert_eq!(*watch.pid.borrow(), Some(7));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn sees_ancestors_and_ended_processes() {
        assert!(is_running(std::process::id()));
        let parent = proc_stat("self").unwrap().1;
        assert_eq!(is_ancestor(parent), Some(true));
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        assert_eq!(is_ancestor(pid), Some(false), "a child is not an ancestor");
        child.wait().unwrap();
        assert!(!is_running(pid));
    }
}
