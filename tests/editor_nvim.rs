//! The Neovim plugin (`editors/nvim`) in a real headless Neovim, against the built `kref lsp`:
//! attach, hover, completion, diagnostics, `:KrefSearch` into the quickfix list, a built-in note
//! buffer and `:KrefExplain`. `tests/nvim/editor_test.lua` drives Neovim and writes what it saw
//! as JSON; this file checks it. Skipped, with a message, when `nvim` is not installed.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Neovim is killed after this long; the Lua script's own waits add up to less (`BUDGET_SECS`).
const NVIM_TIMEOUT: Duration = Duration::from_secs(150);
const BUDGET_SECS: u64 = 100;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `nvim` from `KREF_TEST_NVIM` or `PATH`, if it is there and is 0.7 or later.
fn find_nvim() -> Option<PathBuf> {
    let candidate = match std::env::var_os("KREF_TEST_NVIM") {
        Some(p) => PathBuf::from(p),
        None => std::env::split_paths(&std::env::var_os("PATH")?)
            .map(|dir| dir.join("nvim"))
            .find(|p| p.is_file())?,
    };
    let output = Command::new(&candidate).arg("--version").stdin(Stdio::null()).output().ok()?;
    let first = String::from_utf8_lossy(&output.stdout).lines().next().unwrap_or_default().to_owned();
    // "NVIM v0.7.2"
    let version = first.trim_start_matches("NVIM v");
    let mut parts = version.split(|c: char| !c.is_ascii_digit()).filter_map(|p| p.parse::<u32>().ok());
    let (major, minor) = (parts.next()?, parts.next()?);
    if (major, minor) < (0, 7) {
        eprintln!("skipped: {first} is older than Neovim 0.7, which the plugin needs");
        return None;
    }
    Some(candidate)
}

macro_rules! nvim_or_skip {
    () => {
        match find_nvim() {
            Some(nvim) => nvim,
            None => {
                eprintln!("skipped: nvim not installed (apt-get install neovim)");
                return;
            }
        }
    };
}

/// What one Neovim run left behind.
struct NvimRun {
    report: Option<Value>,
    status: Option<i32>,
    timed_out: bool,
    stdout: String,
    stderr: String,
    server_log: String,
    lsp_log: String,
    work: PathBuf,
    _dir: tempfile::TempDir,
}

fn read_lossy(path: &Path) -> String {
    std::fs::read(path).map(|b| String::from_utf8_lossy(&b).into_owned()).unwrap_or_default()
}

/// The last `max` characters of a log, for failure messages.
fn tail(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// Copies the fixtures into a fresh workspace and runs the Lua script in headless Neovim, with
/// HOME, the XDG folders and kref's cache all inside a temporary folder.
fn run_nvim(nvim: &Path, mode: &str, server: &Path) -> NvimRun {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path();
    for sub in ["home", "config", "data", "state", "cache", "kref-cache", "work/notes"] {
        std::fs::create_dir_all(base.join(sub)).unwrap();
    }
    let fixtures = repo().join("tests/nvim/fixtures");
    let work = base.join("work");
    for (from, to) in [
        ("manifests.yaml", "manifests.yaml"),
        ("broken.yaml", "broken.yaml"),
        ("kref.yaml", ".kref.yaml"),
        ("notes/team-rollouts.md", "notes/team-rollouts.md"),
    ] {
        std::fs::copy(fixtures.join(from), work.join(to))
            .unwrap_or_else(|e| panic!("copying fixture {from}: {e}"));
    }

    // A Helm chart (the `typos` fixture) for the template step.
    let chart = repo().join("tests/fixtures/helm/typos");
    for rel in ["Chart.yaml", "values.yaml", "templates/_helpers.tpl", "templates/deployment.yaml"] {
        let to = work.join("chart").join(rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(chart.join(rel), &to).unwrap_or_else(|e| panic!("copying chart file {rel}: {e}"));
    }

    let report_path = base.join("report.json");
    let server_log = base.join("server.log");
    let stdout_path = base.join("nvim.stdout");
    let stderr_path = base.join("nvim.stderr");
    let mut child = Command::new(nvim)
        .args([
            "--headless",
            "--clean",
            "-n",
            "--cmd",
            "lua vim.opt.runtimepath:prepend(os.getenv('KREF_TEST_PLUGIN'))",
            "-c",
            "lua dofile(os.getenv('KREF_TEST_SCRIPT'))",
        ])
        .current_dir(&work)
        .env("KREF_TEST_PLUGIN", repo().join("editors/nvim"))
        .env("KREF_TEST_SCRIPT", repo().join("tests/nvim/editor_test.lua"))
        .env("KREF_TEST_OUT", &report_path)
        .env("KREF_TEST_WORK", &work)
        .env("KREF_TEST_SERVER", server)
        .env("KREF_TEST_LOG", &server_log)
        .env("KREF_TEST_MODE", mode)
        .env("KREF_TEST_BUDGET", BUDGET_SECS.to_string())
        .env("HOME", base.join("home"))
        .env("XDG_CONFIG_HOME", base.join("config"))
        .env("XDG_DATA_HOME", base.join("data"))
        .env("XDG_STATE_HOME", base.join("state"))
        .env("XDG_CACHE_HOME", base.join("cache"))
        .env("KREF_CACHE_DIR", base.join("kref-cache"))
        .env("NVIM_LOG_FILE", base.join("nvim.log"))
        .env("NO_COLOR", "1")
        .env_remove("KREF_NOTES")
        .env_remove("KREF_CONFIG")
        .env_remove("KREF_LOG")
        .env_remove("NVIM")
        .env_remove("NVIM_LISTEN_ADDRESS")
        .env_remove("NVIM_APPNAME")
        .env_remove("VIMINIT")
        .env_remove("MYVIMRC")
        .stdin(Stdio::null())
        .stdout(File::create(&stdout_path).unwrap())
        .stderr(File::create(&stderr_path).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", nvim.display()));

    let deadline = Instant::now() + NVIM_TIMEOUT;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() >= deadline {
            timed_out = true;
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };

    let report = std::fs::read_to_string(&report_path).ok().map(|text| {
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the report is not JSON ({e}): {text}"))
    });
    let lsp_log = ["cache/nvim/lsp.log", "state/nvim/lsp.log"]
        .iter()
        .map(|rel| read_lossy(&base.join(rel)))
        .collect::<Vec<_>>()
        .join("");
    NvimRun {
        report,
        status,
        timed_out,
        stdout: read_lossy(&stdout_path),
        stderr: read_lossy(&stderr_path),
        server_log: read_lossy(&server_log),
        lsp_log,
        work,
        _dir: dir,
    }
}

impl NvimRun {
    /// Everything useful for understanding a failure.
    fn context(&self) -> String {
        let report = self.report.as_ref();
        let failed_steps: Vec<String> = report
            .and_then(|r| r["steps"].as_array())
            .map(|steps| {
                steps
                    .iter()
                    .filter(|s| s["ok"] != Value::Bool(true))
                    .map(|s| format!("{}: {}", s["name"], s["error"].as_str().unwrap_or("?")))
                    .collect()
            })
            .unwrap_or_default();
        format!(
            "\n--- nvim exit status: {:?}{}\n--- failed steps:\n{}\n--- fatal: {}\n--- notifications: {}\n--- :messages:\n{}\n\
             --- nvim stderr:\n{}\n--- nvim stdout:\n{}\n--- server log (tail):\n{}\n--- nvim lsp.log (tail):\n{}\n--- report: {}\n",
            self.status,
            if self.timed_out { format!(" (killed after {NVIM_TIMEOUT:?})") } else { String::new() },
            failed_steps.join("\n"),
            report.map(|r| r["fatal"].to_string()).unwrap_or_default(),
            report.map(|r| r["notifications"].to_string()).unwrap_or_default(),
            report.and_then(|r| r["messages"].as_str()).unwrap_or_default(),
            tail(&self.stderr, 4000),
            tail(&self.stdout, 2000),
            tail(&self.server_log, 6000),
            tail(&self.lsp_log, 6000),
            report
                .map(|r| serde_json::to_string_pretty(r).unwrap())
                .unwrap_or_else(|| "(none written)".into()),
        )
    }

    fn report(&self) -> &Value {
        match &self.report {
            Some(r) if !self.timed_out => r,
            _ => panic!("Neovim wrote no report or did not quit in time{}", self.context()),
        }
    }

    fn check(&self, ok: bool, what: &str) {
        assert!(ok, "{what}{}", self.context());
    }

    /// Checks that a step of the script ran without error.
    fn check_step(&self, name: &str) {
        let steps = self.report()["steps"].as_array().cloned().unwrap_or_default();
        let step = steps.iter().find(|s| s["name"] == name);
        self.check(
            step.is_some_and(|s| s["ok"] == true),
            &format!("step `{name}` of tests/nvim/editor_test.lua"),
        );
    }
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_owned)).collect()
}

/// 0-based number of the first line of a fixture that contains `needle`.
fn fixture_line(name: &str, needle: &str) -> u64 {
    let text = std::fs::read_to_string(repo().join("tests/nvim/fixtures").join(name)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle} not in {name}")) as u64
}

#[test]
fn nvim_plugin_with_kref_lsp() {
    let nvim = nvim_or_skip!();
    let run = run_nvim(&nvim, "full", Path::new(env!("CARGO_BIN_EXE_kref")));
    let r = run.report();
    eprintln!("Neovim {} ran the editor test in {} ms", r["nvim_version"], r["elapsed_ms"]);

    run.check_step("setup");
    run.check(
        r["commands"]["KrefSearch"] == true && r["commands"]["KrefExplain"] == true,
        "the plugin's commands exist",
    );
    run.check(r["filetype"] == "yaml", "manifests.yaml opens as yaml");
    run.check_step("attach");
    run.check(
        r["root_dir"].as_str().map(Path::new) == Some(run.work.as_path()),
        "the client's root is the folder with .kref.yaml",
    );

    // Hover: the field, its type and its allowed values.
    let hover = |field: &str| r["hover"][field]["text"].as_str().unwrap_or_default().to_owned();
    for field in ["strategy", "accessModes", "concurrencyPolicy"] {
        run.check_step(&format!("hover {field}"));
    }
    let strategy = hover("strategy");
    run.check(strategy.to_lowercase().contains("strategy"), "the strategy hover names the field");
    run.check(
        strategy.contains("RollingUpdate") && strategy.contains("Recreate"),
        "the strategy hover lists RollingUpdate and Recreate",
    );
    run.check(hover("accessModes").contains("ReadWriteOnce"), "the accessModes hover lists ReadWriteOnce");
    run.check(hover("concurrencyPolicy").contains("Forbid"), "the concurrencyPolicy hover lists Forbid");

    // Completion after `concurrencyPolicy: `.
    run.check_step("completion");
    let labels = strings(&r["completion"]["labels"]);
    for value in ["Allow", "Forbid", "Replace"] {
        run.check(
            labels.iter().any(|l| l == value),
            &format!("completion after concurrencyPolicy offers {value}: {labels:?}"),
        );
    }

    // Navigation: references from the claim a Deployment uses (the claim itself and the use),
    // workspace symbols, and rename in the buffer.
    run.check_step("references");
    let lines = |key: &str| -> Vec<u64> {
        let mut l: Vec<u64> =
            r[key].as_array().into_iter().flatten().filter_map(|i| i["lnum"].as_u64()).collect();
        l.sort_unstable();
        l
    };
    let (claim, pvc) =
        (fixture_line("manifests.yaml", "claimName: data"), fixture_line("manifests.yaml", "  name: data"));
    run.check(
        lines("references") == [claim + 1, pvc + 1],
        &format!("references of the claim: lines {} and {}: {}", claim + 1, pvc + 1, r["references"]),
    );
    run.check_step("workspace symbols");
    let nightly = fixture_line("manifests.yaml", "name: nightly");
    run.check(
        lines("workspace_symbols") == [nightly + 1],
        &format!("workspace symbol `cron nightly` is the CronJob: {}", r["workspace_symbols"]),
    );
    run.check_step("rename");
    run.check(
        r["renamed"]["claim"].as_str().is_some_and(|l| l.trim() == "claimName: cache")
            && r["renamed"]["name"].as_str().is_some_and(|l| l.trim() == "name: cache"),
        &format!("rename changed the claim and its use: {}", r["renamed"]),
    );

    // Diagnostics of the broken manifest.
    // Code lenses (any Neovim): what the Deployment's selector selects. Inlay hints where
    // Neovim has them (0.10+); on older ones the plugin says why there are none.
    run.check_step("code lens and inlay hints");
    let r = run.report();
    let selector = fixture_line("manifests.yaml", "  selector:");
    let lenses: Vec<(u64, String)> = r["codelens"]
        .as_array()
        .map(|l| {
            l.iter()
                .map(|x| (x["line"].as_u64().unwrap_or(0), x["title"].as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    run.check(
        lenses.contains(&(selector, "selects the pods of Deployment web".to_string())),
        &format!("a code lens on the Deployment's selector (line {selector}): {lenses:?}"),
    );
    if r["features"]["inlay_hints"] == true {
        let storage = fixture_line("manifests.yaml", "storage: 1Gi");
        let hints: Vec<(u64, String)> = r["inlay_hints"]
            .as_array()
            .map(|l| {
                l.iter()
                    .map(|x| (x["line"].as_u64().unwrap_or(0), x["label"].as_str().unwrap_or("").to_string()))
                    .collect()
            })
            .unwrap_or_default();
        run.check(
            hints.contains(&(storage, "= 1,073,741,824 bytes ≈ 1.1 GB".to_string())),
            &format!("an inlay hint after the claim's storage (line {storage}): {hints:?}"),
        );
    } else {
        run.check(
            r["features"]["inlay_hints_reason"]
                == "inlay hints need Neovim 0.10 or later (vim.lsp.inlay_hint)",
            &format!("the plugin says why there are no inlay hints: {}", r["features"]),
        );
    }

    run.check_step("diagnostics");
    let sometimes = fixture_line("broken.yaml", "concurrencyPolicy: Sometimes");
    run.check(r["diagnostics_lines"]["sometimes"] == sometimes, "the script found the Sometimes line");
    let diagnostics = r["diagnostics"].as_array().cloned().unwrap_or_default();
    run.check(
        diagnostics.iter().any(|d| d["lnum"] == sometimes),
        &format!("a diagnostic on line {} (concurrencyPolicy: Sometimes)", sometimes + 1),
    );
    let always = fixture_line("broken.yaml", "restartPolicy: Always");
    if !diagnostics.iter().any(|d| d["lnum"] == always) {
        eprintln!("note: no diagnostic on line {} (a Job with restartPolicy: Always)", always + 1);
    }

    // A Helm template: the misspelt field inside the template is reported, and hover on a
    // `.Values` path shows the value and its comment from values.yaml.
    run.check_step("helm template");
    let helm = &r["helm"];
    let typo = helm["typo_line"].clone();
    let helm_diagnostics = helm["diagnostics"].as_array().cloned().unwrap_or_default();
    run.check(
        helm_diagnostics.iter().any(|d| d["lnum"] == typo && d["code"] == "unknown-field"),
        &format!("unknown-field on the readinesProbe line of the template: {helm_diagnostics:?}"),
    );
    let values_hover = helm["hover"]["text"].as_str().unwrap_or_default();
    run.check(
        values_hover.contains("`.Values.replicaCount`") && values_hover.contains("How many pods run"),
        &format!("hover on .Values.replicaCount shows the value's comment: {values_hover:?}"),
    );

    // :KrefSearch fills the quickfix list: built-in notes, and with `source:user` the note from the
    // `notes` option.
    run.check_step("search");
    let search = &r["search"];
    let items = search["items"].as_array().cloned().unwrap_or_default();
    run.check(
        search["title"].as_str().is_some_and(|t| t.starts_with("kref search")),
        "the quickfix list is kref's",
    );
    run.check(!items.is_empty(), ":KrefSearch rolling update put entries in the quickfix list");
    run.check(items.iter().all(|i| i["valid"] == 1), "every quickfix entry can be jumped to");
    run.check(
        items.iter().any(|i| i["bufname"].as_str().is_some_and(|b| b.starts_with("kref://note/"))),
        "built-in notes are among the results",
    );
    run.check_step("search user notes");
    let user_note = run.work.join("notes/team-rollouts.md");
    let user_items = r["search_user"]["items"].as_array().cloned().unwrap_or_default();
    run.check(
        user_items.iter().any(|i| i["bufname"].as_str().map(Path::new) == Some(user_note.as_path())),
        ":KrefSearch rolling update source:user finds the note from the `notes` option, as its real file",
    );

    // Jumping to a built-in note shows it in a read-only Markdown buffer.
    run.check_step("open built-in note");
    let note = &r["note"];
    let lines = strings(&note["lines"]);
    run.check(
        note["filetype"] == "markdown" && note["modifiable"] == false,
        "the note buffer is read-only Markdown",
    );
    run.check(
        lines.len() > 2 && !lines[0].starts_with("# Not found") && !lines[0].starts_with("# Could not"),
        &format!("the note buffer holds the note: {lines:?}"),
    );

    // A schema result has no note section: its buffer shows what the search said.
    run.check_step("open schema result");
    if let Some(lines) = r["schema_note"]["lines"].as_array() {
        let first = lines.first().and_then(Value::as_str).unwrap_or_default();
        run.check(
            first.starts_with("# ") && !first.starts_with("# Not found"),
            "a schema result opens readably",
        );
    }

    // :KrefExplain on `strategy` opens a float about the field.
    run.check_step("explain");
    let explain = strings(&r["explain"]["lines"]).join("\n");
    run.check(r["explain"]["windows"].as_u64() >= Some(1), ":KrefExplain opened a floating window");
    run.check(explain.contains("strategy"), ":KrefExplain explains the strategy field");

    run.check(run.status == Some(0), "Neovim quit cleanly");
}

#[test]
fn nvim_plugin_reports_a_missing_server() {
    let nvim = nvim_or_skip!();
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-kref");
    let run = run_nvim(&nvim, "missing-server", &missing);
    let r = run.report();

    let messages: Vec<String> = r["notifications"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["message"].as_str().map(str::to_owned))
        .collect();
    run.check(
        messages.iter().any(|m| m.contains("no-such-kref") && m.contains("is not an executable")),
        "opening a manifest says the server cannot be started, and why",
    );
    run.check(r["attached"] == false, "no client is attached");
    run.check(
        r["search"]["items"].as_array().is_none_or(|items| items.is_empty()),
        ":KrefSearch leaves the quickfix list empty",
    );
    run.check(
        messages.iter().filter(|m| m.contains("is not an executable")).count() >= 2,
        ":KrefSearch reports the missing server too",
    );
    run.check(run.status == Some(0), "Neovim quit cleanly");
}
