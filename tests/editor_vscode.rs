//! The VS Code extension (`editors/vscode`) in a real VS Code: the extension is packaged into a
//! .vsix, installed into code-server (VS Code served to a browser), and a multi-root workspace of
//! manifests is opened in headless Chromium over WebDriver. Everything is checked through the
//! screen, as a user would: a server that fails at start is reported with its stderr and
//! "kref: Restart server" recovers; hovers; the Problems panel; a quick fix; completion; workspace
//! symbols, references, rename and an inlay hint; the search
//! and explain commands; one server for the two folders. Each step leaves a screenshot in
//! `target/vscode-e2e/`, and on failure the extension's output channel and code-server's log.
//!
//! Needs code-server, Chromium and chromedriver: `tests/vscode/install-code-server.sh` installs
//! them (CI runs it first and sets `KREF_REQUIRE_VSCODE_TEST=1`, so that a missing piece fails
//! instead of skipping). Without them the test is skipped with a message that says how to install.

#[path = "support/webdriver.rs"]
mod webdriver;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use serde_json::Value;

use webdriver::{Browser, Group, Step, find_browser};

/// The lists the test reads: the quick input (palette, pickers), Problems, suggestions, the
/// quick fix menu.
const QUICK_LIST: &str = ".quick-input-widget";
const PROBLEMS: &str = ".markers-panel";
const SUGGESTIONS: &str = ".suggest-widget";
const ACTIONS: &str = ".action-widget";

/// How long one step may wait for the screen to show what it expects.
const STEP: Duration = Duration::from_secs(30);
/// The whole run is abandoned after this (it takes well under half of it).
const WHOLE_RUN: Duration = Duration::from_secs(300);

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Where screenshots and logs go: `target/vscode-e2e/`.
fn artifacts_dir() -> PathBuf {
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().unwrap_or(&tmp).join("vscode-e2e")
}

/// The code-server launcher written by tests/vscode/install-code-server.sh.
fn find_code_server() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("KREF_TEST_CODE_SERVER") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("KREF_TEST_CODE_SERVER={} does not exist", path.display()))
        };
    }
    let cache = std::env::var_os("KREF_CODE_SERVER_HOME").map(PathBuf::from).or_else(|| {
        std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|c| c.join("kref-ci/code-server"))
    });
    let launcher = cache.map(|c| c.join("code-server")).ok_or("no HOME to look for code-server in")?;
    if launcher.is_file() {
        Ok(launcher)
    } else {
        Err(format!("code-server is not installed at {}", launcher.display()))
    }
}

/// What the test needs, or why it cannot run.
fn prerequisites() -> Result<(PathBuf, PathBuf), String> {
    let code_server = find_code_server()?;
    find_browser()?;
    let npx = which("npx").ok_or("npx not found (the extension is packaged with Node.js's npx)")?;
    Ok((code_server, npx))
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).map(|d| d.join(name)).find(|p| p.is_file())
}

fn run(command: &mut Command, what: &str) {
    let output = command.stdin(Stdio::null()).output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Packages the extension as a user would (`npx @vscode/vsce package`), into `out`.
fn package_extension(npx: &Path, out: &Path) -> PathBuf {
    let ext = repo().join("editors/vscode");
    if !ext.join("node_modules/@vscode/vsce").is_dir() {
        run(
            Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&ext),
            "npm ci in editors/vscode",
        );
    }
    let vsix = out.join("kref.vsix");
    run(
        Command::new(npx).args(["--no-install", "vsce", "package", "--out"]).arg(&vsix).current_dir(&ext),
        "vsce package",
    );
    vsix
}

/// 1-based line of the first line of a workspace fixture containing `needle`, and the column
/// just after it.
fn fixture_position(rel: &str, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(repo().join("tests/vscode/workspace").join(rel)).unwrap();
    text.lines()
        .enumerate()
        .find_map(|(i, l)| l.find(needle).map(|c| (i + 1, c + 1)))
        .unwrap_or_else(|| panic!("{needle} not in {rel}"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[cfg(unix)]
fn write_script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    let tmp = path.with_extension("new");
    std::fs::write(&tmp, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

/// A code-server with the extension installed, in a temporary home. Dropping it ends code-server,
/// its extension host and the kref it started (all in its process group).
struct CodeServer {
    group: Group,
    port: u16,
    dir: tempfile::TempDir,
    /// Marks the processes of this run (kref inherits it through the extension host).
    tag: String,
}

impl CodeServer {
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn start(code_server: &Path, vsix: &Path) -> CodeServer {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        for sub in [
            "home",
            "bin",
            "user-data/User",
            "extensions",
            "kref-cache",
            "xdg-config",
            "xdg-cache",
            "xdg-data",
        ] {
            std::fs::create_dir_all(base.join(sub)).unwrap();
        }
        copy_dir(&repo().join("tests/vscode/workspace"), &base.join("workspace"));
        // The user's login shell puts kref's folder on PATH, as cargo's installer does: VS Code
        // gives extensions the PATH of a login shell, not the one it was started with.
        std::fs::write(
            base.join("home/.profile"),
            format!("export PATH=\"{}:$PATH\"\n", base.join("bin").display()),
        )
        .unwrap();
        std::fs::write(
            base.join("user-data/User/settings.json"),
            serde_json::to_string_pretty(&serde_json::json!({
                "workbench.startupEditor": "none",
                "workbench.tips.enabled": false,
                "workbench.enableExperiments": false,
                "workbench.secondarySideBar.defaultVisibility": "hidden",
                "extensions.autoCheckUpdates": false,
                "extensions.autoUpdate": false,
                "extensions.ignoreRecommendations": true,
                "update.mode": "none",
                "telemetry.telemetryLevel": "off",
                "security.workspace.trust.enabled": false,
                "git.enabled": false,
                "chat.disableAIFeatures": true,
                "files.autoSave": "off",
                "files.hotExit": "off",
                "editor.minimap.enabled": false,
                "editor.stickyScroll.enabled": false,
                "editor.hover.delay": 300,
                "editor.quickSuggestions": {"other": false, "comments": false, "strings": false},
            }))
            .unwrap(),
        )
        .unwrap();
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let tag = format!("kref-e2e-{}-{nanos}", std::process::id());
        let env_for = |command: &mut Command| {
            command
                .env("HOME", base.join("home"))
                .env("SHELL", "/bin/sh")
                .env("XDG_CONFIG_HOME", base.join("xdg-config"))
                .env("XDG_CACHE_HOME", base.join("xdg-cache"))
                .env("XDG_DATA_HOME", base.join("xdg-data"))
                .env("KREF_CACHE_DIR", base.join("kref-cache"))
                .env("KREF_E2E_TAG", &tag)
                .env("NO_COLOR", "1")
                .env_remove("KREF_NOTES")
                .env_remove("KREF_CONFIG")
                .env_remove("KREF_LOG")
                .env_remove("VSCODE_IPC_HOOK_CLI");
        };
        let config = base.join("code-server.yaml");
        let mut install = Command::new(code_server);
        install
            .arg("--config")
            .arg(&config)
            .arg("--user-data-dir")
            .arg(base.join("user-data"))
            .arg("--extensions-dir")
            .arg(base.join("extensions"))
            .arg("--install-extension")
            .arg(vsix);
        env_for(&mut install);
        run(&mut install, "code-server --install-extension kref.vsix");

        let port = webdriver::free_port();
        let mut command = Command::new(code_server);
        command
            .arg("--config")
            .arg(&config)
            .args(["--auth", "none", "--bind-addr", &format!("127.0.0.1:{port}")])
            .args(["--disable-telemetry", "--disable-update-check", "--disable-workspace-trust"])
            .args(["--disable-getting-started-override", "--ignore-last-opened"])
            .arg("--user-data-dir")
            .arg(base.join("user-data"))
            .arg("--extensions-dir")
            .arg(base.join("extensions"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(base.join("code-server.log")).unwrap());
        env_for(&mut command);
        let mut group =
            Group::spawn(&mut command).unwrap_or_else(|e| panic!("starting {}: {e}", code_server.display()));
        // Wait for "HTTP server listening on ...", keeping the rest of stdout in the log.
        let stdout = group.child().stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let log = base.join("code-server.stdout.log");
        std::thread::spawn(move || {
            let mut file = std::fs::File::create(log).ok();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("HTTP server listening") {
                    let _ = tx.send(());
                }
                if let Some(f) = file.as_mut() {
                    let _ = std::io::Write::write_all(f, format!("{line}\n").as_bytes());
                }
            }
        });
        let mut server = CodeServer { group, port, dir, tag };
        if rx.recv_timeout(Duration::from_secs(60)).is_err() {
            let log = std::fs::read_to_string(server.path("code-server.stdout.log")).unwrap_or_default();
            server.group.end();
            panic!("code-server did not start listening within 60 s:\n{log}");
        }
        server
    }

    fn url(&self) -> String {
        format!(
            "http://127.0.0.1:{}/?workspace={}",
            self.port,
            self.path("workspace/kref-e2e.code-workspace").display()
        )
    }

    /// The `kref lsp` processes this run's VS Code started.
    fn kref_servers(&self) -> Vec<u32> {
        let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
        let marker = format!("KREF_E2E_TAG={}", self.tag);
        entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
                let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
                let is_kref_lsp =
                    args.first().is_some_and(|a| a.ends_with(b"kref")) && args.get(1) == Some(&&b"lsp"[..]);
                is_kref_lsp
                    && std::fs::read(format!("/proc/{pid}/environ"))
                        .is_ok_and(|env| env.split(|b| *b == 0).any(|v| v == marker.as_bytes()))
            })
            .collect()
    }

    /// The extension's output channel, as VS Code writes it to its logs folder.
    fn output_channel(&self) -> String {
        let mut found = Vec::new();
        let mut stack = vec![self.path("user-data/logs")];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with("-kref.log"))
                {
                    found.push(path);
                }
            }
        }
        found.sort();
        found.iter().map(|p| std::fs::read_to_string(p).unwrap_or_default()).collect::<Vec<_>>().join("\n")
    }
}

/// VS Code, driven through its UI.
struct Code<'a> {
    browser: &'a Browser,
}

impl Code<'_> {
    async fn js(&self, script: &str) -> Step<Value> {
        self.browser.js(script).await
    }

    async fn key(&self, key: Key) -> Step<()> {
        self.browser.keys(&char::from(key).to_string()).await
    }

    /// Is the quick input (command palette, quick open, pickers) showing?
    async fn quick_input_open(&self) -> Step<bool> {
        let open = self
            .js("const w = document.querySelector('.quick-input-widget'); return !!w && w.style.display !== 'none' && w.offsetParent !== null;")
            .await?;
        Ok(open == Value::Bool(true))
    }

    /// The labels of the rows of a list (as screen readers hear them).
    async fn rows(&self, list_css: &str) -> Step<Vec<String>> {
        let script = format!(
            "return [...document.querySelectorAll({:?})].map(r => r.getAttribute('aria-label') || r.innerText);",
            format!("{list_css} .monaco-list-row")
        );
        Ok(strings(&self.js(&script).await?))
    }

    /// Waits until the list shows a row containing each of `wanted`; returns the rows.
    async fn wait_rows(&self, what: &str, list_css: &str, wanted: &[&str]) -> Step<Vec<String>> {
        self.browser
            .wait_for(what, STEP, || async {
                let rows = self.rows(list_css).await?;
                let all = wanted.iter().all(|w| rows.iter().any(|r| r.contains(w)));
                if all { Ok(Some(rows)) } else { Err(format!("{rows:?}")) }
            })
            .await
    }

    /// The rows of the open quick input list.
    async fn quick_rows(&self) -> Step<Vec<String>> {
        self.rows(QUICK_LIST).await
    }

    /// Opens the quick input with F1 and runs `text` in it: `>Command title`, a file name, or
    /// `:line:column`. Waits until a row containing `expect_row` is offered before pressing Enter,
    /// then until the quick input has closed or moved on to another question.
    async fn quick(&self, text: &str, expect_row: Option<&str>) -> Step<()> {
        self.browser
            .wait_for("the quick input to be closed", STEP, || async {
                Ok((!self.quick_input_open().await?).then_some(()))
            })
            .await?;
        self.key(Key::F1).await?;
        self.browser
            .wait_for("the command palette to take the keyboard", STEP, || async {
                let focused = self
                    .js("const a = document.activeElement; return !!a && !!a.closest('.quick-input-widget') && a.tagName === 'INPUT';")
                    .await?;
                Ok((focused == Value::Bool(true)).then_some(()))
            })
            .await?;
        // F1 opens the palette with ">"; quick open and "go to line" have no prefix.
        self.key(Key::Backspace).await?;
        self.browser.keys(text).await?;
        if let Some(row) = expect_row {
            // Pick the row named `row` (not merely the first: "Trigger Suggest" comes after
            // "Trigger Inline Suggestion").
            let names = |label: &str| {
                label == row || label.starts_with(&format!("{row},")) || label.starts_with(&format!("{row} "))
            };
            let index = self
                .browser
                .wait_for(&format!("a row {row:?} for {text:?}"), STEP, || async {
                    let rows = self.quick_rows().await?;
                    match rows.iter().position(|r| names(r)) {
                        Some(i) => Ok(Some(i)),
                        None => Err(format!("{rows:?}")),
                    }
                })
                .await?;
            for _ in 0..index {
                self.key(Key::Down).await?;
            }
        } else {
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        self.key(Key::Enter).await?;
        self.browser
            .wait_for(&format!("{text:?} to run"), STEP, || async {
                let value = self
                    .js("const i = document.querySelector('.quick-input-widget input'); const w = document.querySelector('.quick-input-widget'); return (!w || w.style.display === 'none' || w.offsetParent === null) ? null : (i ? i.value : null);")
                    .await?;
                Ok((value.as_str() != Some(text)).then_some(()))
            })
            .await
    }

    async fn command(&self, title: &str) -> Step<()> {
        self.quick(&format!(">{title}"), Some(title)).await
    }

    async fn open(&self, file: &str) -> Step<()> {
        self.quick(file, Some(file)).await?;
        self.browser
            .wait_for(&format!("{file} to be the active editor"), STEP, || async {
                let tab = self.active_tab().await?;
                if tab.starts_with(file) { Ok(Some(())) } else { Err(tab) }
            })
            .await?;
        self.wait_editor_focus().await
    }

    async fn wait_editor_focus(&self) -> Step<()> {
        self.browser
            .wait_for("the editor to have the keyboard", STEP, || async {
                let focused = self
                    .js("const a = document.activeElement; return !!a && !!a.closest('.monaco-editor');")
                    .await?;
                Ok((focused == Value::Bool(true)).then_some(()))
            })
            .await
    }

    async fn go_to(&self, line: usize, column: usize) -> Step<()> {
        self.quick(&format!(":{line}:{column}"), None).await?;
        self.wait_editor_focus().await
    }

    async fn active_tab(&self) -> Step<String> {
        let label = self
            .js("const t = document.querySelector('.editor-group-container.active .tab.active'); return t ? (t.getAttribute('aria-label') || t.innerText) : '';")
            .await?;
        Ok(label.as_str().unwrap_or_default().to_owned())
    }

    async fn tabs(&self) -> Step<Vec<String>> {
        Ok(strings(&self.js("return [...document.querySelectorAll('.tabs-container .tab')].map(t => t.getAttribute('aria-label') || t.innerText);").await?))
    }

    /// The text of the active editor's visible lines.
    async fn editor_text(&self) -> Step<String> {
        let text = self
            .js("const e = document.querySelector('.editor-group-container.active .monaco-editor .view-lines'); return e ? [...e.querySelectorAll('.view-line')].sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top)).map(l => l.innerText.replace(/\\u00a0/g, ' ')).join('\\n') : '';")
            .await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    async fn hover_text(&self) -> Step<String> {
        let text = self
            .js("return [...document.querySelectorAll('.monaco-hover-content')].filter(e => e.offsetParent !== null).map(e => e.innerText).join('\\n');")
            .await?;
        Ok(text.as_str().unwrap_or_default().to_owned())
    }

    /// The Problems panel's rows (file rows and problem rows, as screen readers hear them).
    async fn problems(&self) -> Step<Vec<String>> {
        self.rows(PROBLEMS).await
    }

    /// Notification toasts on screen.
    async fn toasts(&self) -> Step<Vec<String>> {
        Ok(strings(&self.js("return [...document.querySelectorAll('.notifications-toasts .notification-toast')].filter(t => t.offsetParent !== null).map(t => (t.querySelector('.codicon-error') ? 'error: ' : '') + t.innerText.replace(/\\s+/g, ' '));").await?))
    }

    /// kref's status bar item: its text and whether it shows the running / error icon.
    async fn status(&self) -> Step<String> {
        let status = self
            .js("const i = [...document.querySelectorAll('.statusbar-item')].find(e => /(^|\\s)kref$/.test(e.innerText.trim())); if (!i) return 'absent'; return i.querySelector('.codicon-check') ? 'running' : i.querySelector('.codicon-error') ? 'failed' : i.querySelector('.codicon-loading, .codicon-sync') ? 'starting' : 'other: ' + i.innerHTML;")
            .await?;
        Ok(status.as_str().unwrap_or_default().to_owned())
    }

    async fn wait_status(&self, want: &str) -> Step<()> {
        self.browser
            .wait_for(&format!("the kref status bar item to show {want}"), STEP, || async {
                let status = self.status().await?;
                if status == want { Ok(Some(())) } else { Err(status) }
            })
            .await
    }

    /// Chooses the row of `list_css` whose label contains `label` with the keyboard, as a user
    /// does in VS Code's menus and pickers: arrows from the focused row, then Enter.
    async fn choose_row(&self, list_css: &str, label: &str) -> Step<()> {
        let script = format!(
            "return [...document.querySelectorAll({:?})].filter(r => r.offsetParent !== null).map(r => [r.getAttribute('aria-label') || r.innerText, r.classList.contains('focused')]);",
            format!("{list_css} .monaco-list-row")
        );
        let rows = self.js(&script).await?;
        let rows: Vec<(String, bool)> = rows
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| (r[0].as_str().unwrap_or_default().to_owned(), r[1] == Value::Bool(true)))
            .collect();
        let target = rows
            .iter()
            .position(|(l, _)| l.contains(label))
            .ok_or(format!("no row {label:?} in {list_css}: {rows:?}"))?;
        let focused = rows.iter().position(|(_, f)| *f).unwrap_or(0);
        let key = if target >= focused { Key::Down } else { Key::Up };
        for _ in 0..target.abs_diff(focused) {
            self.key(key).await?;
        }
        self.key(Key::Enter).await
    }

    /// Hovers `needle` in workloads.yaml (which must be the active editor) and checks kref's card.
    async fn check_hover(&self, needle: &str, path: &str, values: &[&str]) -> Step<()> {
        let (line, column) = fixture_position("apps/workloads.yaml", needle);
        self.go_to(line, column + 1).await?;
        self.command("Show or Focus Hover").await?;
        let text = self
            .browser
            .wait_for(&format!("kref's hover on {needle}"), STEP, || async {
                let text = self.hover_text().await?;
                if text.contains(path) { Ok(Some(text)) } else { Err(text) }
            })
            .await?;
        self.browser.screenshot(&format!("hover-{needle}")).await?;
        if let Some(missing) = values.iter().find(|v| !text.contains(**v)) {
            return Err(format!("the hover on {needle} does not list {missing}: {text}"));
        }
        self.key(Key::Escape).await
    }

    /// The text shown in the visible webview (a Markdown preview).
    async fn webview_text(&self) -> Step<String> {
        self.browser.frame_text("iframe.webview.ready", 2).await
    }
}

/// The fields hovered, the path kref's card names and values it lists.
const HOVERS: [(&str, &str, &[&str]); 3] = [
    ("strategy", "Deployment.spec.strategy", &["RollingUpdate", "Recreate"]),
    ("accessModes", "PersistentVolumeClaim.spec.accessModes", &["ReadWriteOnce", "ReadWriteMany"]),
    ("concurrencyPolicy", "CronJob.spec.concurrencyPolicy", &["Allow", "Forbid", "Replace"]),
];

fn strings(value: &Value) -> Vec<String> {
    value.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

/// Everything the user sees, step by step. Returns the first step that did not show what it
/// should.
async fn drive(server: &CodeServer, browser: &Browser) -> Step<()> {
    let code = Code { browser };
    let real_kref = PathBuf::from(env!("CARGO_BIN_EXE_kref"));
    let bin = server.path("bin/kref");

    // 1. The kref on PATH answers --version but rejects `lsp --stdio`, as kref 0.1.0 did before
    //    this was fixed: the user is told which binary failed and what it said.
    write_script(
        &bin,
        "case \"$1\" in --version) echo 'kref 0.1.0';; *) echo \"error: unexpected argument '--stdio' found\" >&2; exit 2;; esac",
    );
    browser.client().goto(&server.url()).await.map_err(|e| format!("opening {}: {e}", server.url()))?;
    browser
        .wait_for("the workbench", Duration::from_secs(90), || async {
            Ok(browser.visible(".monaco-workbench .part.sidebar").await?.first().map(|_| ()))
        })
        .await?;
    code.open("workloads.yaml").await?;
    let toast = browser
        .wait_for("a notification that the server exited at start", STEP, || async {
            let toasts = code.toasts().await?;
            match toasts.iter().find(|t| t.contains("exited at start")) {
                Some(t) => Ok(Some(t.clone())),
                None => Err(format!("{toasts:?}")),
            }
        })
        .await?;
    browser.screenshot("start-failure-notification").await?;
    for part in [
        bin.display().to_string(),
        "exit code 2".into(),
        "unexpected argument '--stdio'".into(),
        "Restart Server".into(),
    ] {
        if !toast.contains(&part) {
            return Err(format!("the start failure notification does not mention {part:?}: {toast}"));
        }
    }
    code.wait_status("failed").await?;

    // 2. The user installs a working kref and runs "kref: Restart server": it starts, and no
    //    error is shown.
    std::fs::remove_file(&bin).map_err(|e| e.to_string())?;
    #[cfg(unix)]
    std::os::unix::fs::symlink(&real_kref, &bin).map_err(|e| e.to_string())?;
    code.command("Notifications: Clear All Notifications").await?;
    code.command("kref: Restart server").await?;
    code.wait_status("running").await?;
    browser.screenshot("restarted").await?;

    // 3. Hovers show kref's cards.
    code.open("workloads.yaml").await?;
    for (needle, path, values) in HOVERS {
        code.check_hover(needle, path, values).await?;
    }

    // 4. Completion after `concurrencyPolicy: ` offers the three values.
    let (line, _) = fixture_position("apps/workloads.yaml", "concurrencyPolicy: Forbid");
    code.go_to(line, 200).await?;
    for _ in "Forbid".chars() {
        code.key(Key::Backspace).await?;
    }
    code.command("Trigger Suggest").await?;
    let offered = code
        .wait_rows("completion of concurrencyPolicy's values", SUGGESTIONS, &["Allow", "Forbid", "Replace"])
        .await?;
    browser.screenshot("completion-concurrencyPolicy").await?;
    if offered.len() != 3 {
        return Err(format!(
            "completion after `concurrencyPolicy: ` offers exactly its three values: {offered:?}"
        ));
    }
    code.key(Key::Escape).await?;
    browser.keys("Forbid").await?;
    code.key(Key::Escape).await?;

    // 5. Problems of a broken manifest (first folder) and of one in the second folder.
    code.open("gateway.yaml").await?;
    code.open("broken.yaml").await?;
    code.command("Problems: Focus on Problems View").await?;
    let problems = [
        r#""Sometimes" is not a valid value"#,
        r#"unknown field "replicsa""#,
        r#""LoadBalance" is not a valid value"#,
    ];
    code.wait_rows("the broken manifests' errors in the Problems panel", PROBLEMS, &problems).await?;
    browser.screenshot("problems").await?;

    // 6. The quick fix renames `replicsa`, and its problem goes away.
    code.open("broken.yaml").await?;
    let (line, column) = fixture_position("apps/broken.yaml", "replicsa");
    code.go_to(line, column + 2).await?;
    code.command("Quick Fix...").await?;
    code.wait_rows("the quick fix menu", ACTIONS, &["Rename to replicas"]).await?;
    browser.screenshot("quick-fix-menu").await?;
    code.choose_row(ACTIONS, "Rename to replicas").await?;
    browser
        .wait_for("the fix in the text and its problem gone", STEP, || async {
            let text = code.editor_text().await?;
            let rows = code.problems().await?;
            let fixed = text.contains("replicas: 3") && !text.contains("replicsa");
            let gone = !rows.iter().any(|r| r.contains("replicsa"));
            let kept = rows.iter().any(|r| r.contains("\"Sometimes\" is not a valid value"));
            if fixed && gone && kept {
                Ok(Some(()))
            } else {
                Err(format!("fixed {fixed}, gone {gone}, kept {kept}: {rows:?}"))
            }
        })
        .await?;
    browser.screenshot("quick-fix-applied").await?;

    // 6b. Navigation. Workspace symbols (`#` in quick open) go to an object by kind and name.
    code.quick("#shop-report", Some("CronJob shop-report")).await?;
    browser
        .wait_for("workloads.yaml open at the CronJob", STEP, || async {
            let tab = code.active_tab().await?;
            let text = code.editor_text().await?;
            if tab.starts_with("workloads.yaml") && text.contains("name: shop-report") {
                Ok(Some(()))
            } else {
                Err(format!("{tab}: {text}"))
            }
        })
        .await?;
    browser.screenshot("workspace-symbol").await?;
    code.wait_editor_focus().await?;
    //    Peek references from the claim the Deployment uses: the use and the claim itself.
    let (line, column) = fixture_position("apps/workloads.yaml", "claimName: shop-data");
    code.go_to(line, column + "claimName: ".len() + 2).await?;
    code.command("Peek References").await?;
    browser
        .wait_for("two references in the peek view", STEP, || async {
            let rows = code.rows(".peekview-widget").await?;
            let refs = rows.iter().filter(|r| r.contains("shop-data")).count();
            if refs >= 2 { Ok(Some(rows)) } else { Err(format!("{rows:?}")) }
        })
        .await?;
    browser.screenshot("peek-references").await?;
    code.key(Key::Escape).await?;
    //    Rename the claim: the use and the claim's name change.
    code.go_to(line, column + "claimName: ".len() + 2).await?;
    code.command("Rename Symbol").await?;
    browser
        .wait_for("the rename box with the claim's name, taking the keyboard", STEP, || async {
            let value = code
                .js("const a = document.activeElement; return a && a.closest('.rename-box') ? a.value : null;")
                .await?;
            if value.as_str() == Some("shop-data") { Ok(Some(())) } else { Err(format!("{value}")) }
        })
        .await?;
    browser.keys("shop-cache").await?;
    code.key(Key::Enter).await?;
    browser
        .wait_for("the claim renamed in the text", STEP, || async {
            let text = code.editor_text().await?;
            if text.contains("claimName: shop-cache") && !text.contains("shop-data") {
                Ok(Some(()))
            } else {
                Err(text)
            }
        })
        .await?;
    browser.screenshot("renamed").await?;
    //    Inlay hints: the claim's storage in plain units, after the value.
    let (line, _) = fixture_position("apps/workloads.yaml", "storage: 2Gi");
    code.go_to(line, 1).await?;
    browser
        .wait_for("the storage quantity's inlay hint", STEP, || async {
            let text = code.editor_text().await?;
            match text.lines().find(|l| l.contains("storage: 2Gi")) {
                Some(l) if l.contains("= 2,147,483,648 bytes ≈ 2.1 GB") => Ok(Some(())),
                other => Err(format!("{other:?}")),
            }
        })
        .await?;
    browser.screenshot("inlay-hint-quantity").await?;

    // 7. "kref: Search knowledge base" finds the workspace's own note and opens it...
    code.command("kref: Search knowledge base").await?;
    browser
        .wait_for("the search box", STEP, || async {
            let title = code.js("const t = document.querySelector('.quick-input-widget .quick-input-title'); return t ? t.innerText : '';").await?;
            let title = title.as_str().unwrap_or_default().to_owned();
            if title.contains("Search knowledge base") { Ok(Some(())) } else { Err(title) }
        })
        .await?;
    browser.keys("rolling update source:user").await?;
    code.key(Key::Enter).await?;
    code.wait_rows("the note among the results", QUICK_LIST, &["Rollout checklist"]).await?;
    browser.screenshot("search-results").await?;
    code.choose_row(QUICK_LIST, "Rollout checklist").await?;
    browser
        .wait_for("the note opened", STEP, || async {
            let tab = code.active_tab().await?;
            let text = code.editor_text().await?;
            if tab.starts_with("rollout-checklist.md")
                && text.contains("Before a rolling update of the shop services")
            {
                Ok(Some(()))
            } else {
                Err(format!("{tab}: {text}"))
            }
        })
        .await?;
    browser.screenshot("search-opened-note").await?;

    //    ...and a built-in note, shown as a Markdown preview.
    code.command("kref: Search knowledge base").await?;
    // Type only once the search box has the keyboard (under load a fixed pause was too short).
    browser
        .wait_for("the search box to take the keyboard", STEP, || async {
            let ready = code
                .js("const a = document.activeElement; const t = document.querySelector('.quick-input-widget .quick-input-title'); return !!a && !!a.closest('.quick-input-widget') && a.tagName === 'INPUT' && !!t && t.innerText.includes('Search knowledge base');")
                .await?;
            Ok((ready == Value::Bool(true)).then_some(()))
        })
        .await?;
    browser.keys("CrashLoopBackOff source:builtin").await?;
    code.key(Key::Enter).await?;
    let first = browser
        .wait_for("built-in results", STEP, || async {
            let rows = code.quick_rows().await?;
            match rows.iter().find(|r| r.contains("built-in")) {
                Some(r) => Ok(Some(r.clone())),
                None => Err(format!("{rows:?}")),
            }
        })
        .await?;
    code.choose_row(QUICK_LIST, &first).await?;
    browser
        .wait_for("the built-in note in a preview", STEP, || async {
            let tabs = code.tabs().await?;
            let text = code.webview_text().await?;
            if tabs.iter().any(|t| t.starts_with("Preview")) && text.contains("CrashLoopBackOff") {
                Ok(Some(()))
            } else {
                Err(format!("{tabs:?}: {text}"))
            }
        })
        .await?;
    browser.screenshot("search-opened-builtin-note").await?;

    // 8. "kref: Explain field at cursor" on `strategy` shows the field beside the manifest.
    code.open("workloads.yaml").await?;
    let (line, column) = fixture_position("apps/workloads.yaml", "strategy");
    code.go_to(line, column + 1).await?;
    code.command("kref: Explain field at cursor").await?;
    browser
        .wait_for("the explanation of Deployment.spec.strategy", STEP, || async {
            let tabs = code.tabs().await?;
            let text = code.webview_text().await?;
            let tab = tabs.iter().any(|t| t.contains("Deployment.spec.strategy"));
            if tab && text.contains("Deployment.spec.strategy") && text.contains("RollingUpdate") {
                Ok(Some(()))
            } else {
                Err(format!("{tabs:?}: {text}"))
            }
        })
        .await?;
    browser.screenshot("explain-strategy").await?;

    // 9. No error since the restart, and one server for the two folders.
    let toasts = code.toasts().await?;
    if let Some(error) = toasts.iter().find(|t| t.starts_with("error:")) {
        return Err(format!("an error notification is showing: {error}"));
    }
    let servers = server.kref_servers();
    if servers.len() != 1 {
        return Err(format!(
            "expected one kref lsp for the two workspace folders, found {}: {servers:?}",
            servers.len()
        ));
    }

    // 10. The server dies (killed): it is started again, once, and answers as before.
    let killed = servers[0];
    let _ = Command::new("kill").args(["-s", "KILL", &killed.to_string()]).status();
    browser
        .wait_for("one new kref lsp after the old one was killed", STEP, || async {
            let now = server.kref_servers();
            if now.len() == 1 && now[0] != killed { Ok(Some(())) } else { Err(format!("servers {now:?}")) }
        })
        .await?;
    code.open("workloads.yaml").await?;
    code.wait_status("running").await?;
    let (needle, path, values) = HOVERS[0];
    code.check_hover(needle, path, values).await?;
    let toasts = code.toasts().await?;
    if let Some(error) = toasts.iter().find(|t| t.starts_with("error:")) {
        return Err(format!("an error notification after one crash: {error}"));
    }
    let servers = server.kref_servers();
    if servers.len() != 1 {
        return Err(format!("expected one kref lsp after the restart, found {servers:?}"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vscode_extension_in_code_server() {
    let required = std::env::var_os("KREF_REQUIRE_VSCODE_TEST").is_some_and(|v| v == "1");
    let (code_server, npx) = match prerequisites() {
        Ok(found) => found,
        Err(why) if required => panic!("KREF_REQUIRE_VSCODE_TEST=1 but {why}"),
        Err(why) => {
            eprintln!(
                "skipped: {why}; tests/vscode/install-code-server.sh installs code-server, Chromium and chromedriver"
            );
            return;
        }
    };
    let started = Instant::now();
    let artifacts = artifacts_dir();
    let _ = std::fs::remove_dir_all(&artifacts);
    std::fs::create_dir_all(&artifacts).unwrap();
    let vsix = package_extension(&npx, &artifacts);
    let packaged = started.elapsed();
    let server = CodeServer::start(&code_server, &vsix);
    let browser = Browser::start(&artifacts).await.unwrap_or_else(|e| panic!("{e}"));

    let outcome = match tokio::time::timeout(WHOLE_RUN, drive(&server, &browser)).await {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("the run did not finish within {WHOLE_RUN:?}")),
    };
    // The output channel and code-server's logs are kept next to the screenshots.
    let output = server.output_channel();
    let _ = std::fs::write(artifacts.join("kref-output.log"), &output);
    for log in ["code-server.log", "code-server.stdout.log"] {
        let _ = std::fs::copy(server.path(log), artifacts.join(log));
    }
    if let Err(error) = outcome {
        let shot = browser.screenshot("failure").await.map(|p| p.display().to_string()).unwrap_or_else(|e| e);
        browser.close().await;
        drop(server);
        panic!(
            "{error}\n--- screenshots and logs: {}\n--- last screenshot: {shot}\n--- the extension's output channel:\n{output}",
            artifacts.display()
        );
    }
    browser.close().await;
    drop(server);
    eprintln!(
        "VS Code test passed in {:.0?} (packaging {:.0?}); screenshots in {}",
        started.elapsed(),
        packaged,
        artifacts.display()
    );
}
