//! Security: notes and imported schemas are data only (front matter tags, code blocks and `$ref`s
//! to files or URLs are never acted on); nothing outside the configured folders is read (symbolic
//! links in a notes folder are not followed; under strace, no file outside the test's folders
//! and the system's libraries is opened); the cache is private to the user.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::util::{Run, TestEnv, arg, to_run};

fn found(env: &TestEnv, notes: &Path, word: &str) -> bool {
    let run = env.run(&["search", word, "--json", "--notes", arg(notes)]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    run.code == 0 && run.json()["results"].as_array().is_some_and(|r| !r.is_empty())
}

/// A notes folder with links to a file and a folder outside it.
fn notes_with_links(env: &TestEnv) {
    env.write("outside/secret.md", "# Zqoutside Title\n\nzqoutsidemarker lives outside the notes folder.\n");
    env.write("outside/sub/deeper.md", "# Deeper\n\nzqdeepermarker too.\n");
    env.write("notes/mine.md", "# Mine\n\nzqinsidemarker is mine.\n");
    std::os::unix::fs::symlink(env.path("outside/secret.md"), env.path("notes/link.md")).unwrap();
    std::os::unix::fs::symlink(env.path("outside/sub"), env.path("notes/linkdir")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", env.path("notes/passwd.md")).unwrap();
}

#[test]
fn symlinks_in_a_notes_folder_are_not_followed() {
    let env = TestEnv::new();
    notes_with_links(&env);
    let notes = env.path("notes");
    let index = env.run(&["index", "--notes", arg(&notes)]);
    assert_eq!(index.code, 0, "{}", index.stderr);
    assert!(found(&env, &notes, "zqinsidemarker"));
    assert!(!found(&env, &notes, "zqoutsidemarker"), "a linked file outside the folder was indexed");
    assert!(!found(&env, &notes, "zqdeepermarker"), "a linked folder outside was walked");
    let user = env.run(&["search", "root", "--source", "user", "--json", "--notes", arg(&notes)]);
    assert_eq!(user.code, 1, "/etc/passwd was indexed through a link: {}", user.stdout);
    let show = env.run(&["show", "Zqoutside Title", "--notes", arg(&notes)]);
    assert_ne!(show.code, 0, "kref show read a linked file: {}", show.stdout);
}

#[test]
fn notes_are_data_only() {
    let env = TestEnv::new();
    let canary = env.path("canary");
    let c = canary.display();
    env.write(
        "notes/tricky.md",
        format!(
            "---\ntitle: !!python/object/apply:os.system [\"touch {c}\"]\nkinds: &k [Pod, *k]\n---\n\
             # Tricky zqtrickymarker\n\n```sh\ntouch {c}\n```\n\n<script>fetch('http://127.0.0.1:9/')</script>\n\n\
             [link](file:///etc/passwd) ![img](http://127.0.0.1:9/x.png) $(touch {c}) `touch {c}`\n"
        ),
    );
    let notes = env.path("notes");
    let run = env.run(&["index", "--notes", arg(&notes)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(found(&env, &notes, "zqtrickymarker"));
    let show = env.run(&["show", "Tricky zqtrickymarker", "--notes", arg(&notes)]);
    assert!(show.code == 0 || show.code == 1, "{}", show.stderr);
    assert!(!canary.exists(), "something in a note was executed");
}

#[test]
fn imported_schemas_are_data_only() {
    let env = TestEnv::new();
    env.write("outside/defs.json", r#"{"definitions": {"x": {"type": "string"}}}"#);
    let outside = env.path("outside/defs.json");
    let openapi = format!(
        r##"{{"swagger": "2.0", "definitions": {{
            "io.example.v1.Thing": {{
                "type": "object",
                "x-kubernetes-group-version-kind": [{{"group": "example.io", "version": "v1", "kind": "Thing"}}],
                "properties": {{
                    "a": {{"$ref": "file://{o}#/definitions/x"}},
                    "b": {{"$ref": "{o}"}},
                    "c": {{"$ref": "http://127.0.0.1:9/defs.json#/x"}},
                    "d": {{"$ref": "../outside/defs.json"}}
                }}
            }}
        }}}}"##,
        o = outside.display()
    );
    let schema = env.write("work/thing.json", openapi);
    let run = traced(&env, &["import", arg(&schema)]);
    assert_eq!(run.run.code, 0, "{}", run.run.stderr);
    assert!(!run.opened.iter().any(|p| p.contains("outside")), "an import followed a $ref: {:?}", run.opened);
    assert!(!run.inet, "an import opened a network socket");
    let explain = env.run(&["explain", "Thing"]);
    assert_eq!(explain.code, 0, "{}", explain.stderr);
}

struct Traced {
    run: Run,
    /// Files opened successfully.
    opened: BTreeSet<String>,
    inet: bool,
}

fn strace_works() -> bool {
    Command::new("strace")
        .args(["-f", "-e", "trace=openat", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs kref under strace (when it is there) and collects the files it opened.
fn traced(env: &TestEnv, args: &[&str]) -> Traced {
    if !strace_works() {
        eprintln!("strace is not available: running {args:?} without tracing");
        return Traced { run: env.run(args), opened: BTreeSet::new(), inet: false };
    }
    let log = env.path("strace.log");
    let base = env.command(args);
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-e", "trace=open,openat,openat2,socket,connect", "-o", arg(&log)])
        .arg(base.get_program())
        .args(base.get_args())
        .stdin(Stdio::null());
    if let Some(dir) = base.get_current_dir() {
        cmd.current_dir(dir);
    }
    for (key, value) in base.get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    let run = to_run(cmd.output().unwrap());
    let trace = std::fs::read_to_string(&log).unwrap_or_default();
    let mut opened = BTreeSet::new();
    for line in trace.lines() {
        if !line.contains("open") || line.contains("= -1") || line.contains("<unfinished") {
            continue;
        }
        if let Some(start) = line.find('"')
            && let Some(len) = line[start + 1..].find('"')
        {
            opened.insert(line[start + 1..start + 1 + len].to_string());
        }
    }
    let inet = trace.lines().any(|l| l.contains("AF_INET"));
    Traced { run, opened, inet }
}

/// Places any program may read: the loader, libraries, the kernel's views, devices, locale.
fn is_system(path: &str) -> bool {
    [
        "/lib",
        "/usr/lib",
        "/lib64",
        "/proc/",
        "/sys/",
        "/dev/",
        "/etc/ld.so",
        "/usr/share/locale",
        "/etc/localtime",
    ]
    .iter()
    .any(|p| path.starts_with(p))
        || path == "/proc"
}

#[test]
fn nothing_outside_the_configured_folders_is_read() {
    if !strace_works() {
        eprintln!("skipped: strace is not installed (apt-get install strace) or not permitted here");
        return;
    }
    let env = TestEnv::new();
    notes_with_links(&env);
    let notes = env.path("notes");
    let root = env.path("").display().to_string();
    let bin = env!("CARGO_BIN_EXE_kref");
    for args in [
        vec!["index", "--notes", arg(&notes)],
        vec!["search", "zqoutsidemarker", "--notes", arg(&notes)],
        vec!["show", "Zqoutside Title", "--notes", arg(&notes)],
        vec!["explain", "Pod.spec", "--notes", arg(&notes)],
    ] {
        let traced = traced(&env, &args);
        assert!(traced.run.code <= 1, "{args:?}: {}", traced.run.stderr);
        let strays: Vec<&String> = traced
            .opened
            .iter()
            .filter(|p| !is_system(p) && !p.starts_with(&root) && p.as_str() != bin && !p.is_empty())
            .filter(|p| !p.starts_with('.') && p.starts_with('/'))
            .collect();
        assert!(strays.is_empty(), "{args:?} opened files outside its folders: {strays:?}");
        let outside: Vec<&String> =
            traced.opened.iter().filter(|p| p.contains("/outside/") || p.contains("passwd")).collect();
        assert!(outside.is_empty(), "{args:?} opened {outside:?} through a link");
        assert!(!traced.inet, "{args:?} opened a network socket");
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every file and folder kref creates in its cache is reachable by the user only: the cache
/// folder itself is 0700 (so what tantivy writes inside with the umask's 0644 stays private).
#[test]
fn the_cache_is_private_to_the_user() {
    let env = TestEnv::new();
    let cache = env.path("fresh-cache");
    env.write("notes/a.md", "# A\n\nprivate words\n");
    let crd = env.write(
        "work/crd.yaml",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: things.example.io}\n\
         spec:\n  group: example.io\n  names: {kind: Thing, plural: things}\n  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema: {type: object}\n",
    );
    for args in [vec!["index", "--notes", arg(&env.path("notes"))], vec!["import", arg(&crd)]] {
        let run = to_run(env.command(&args).env("KREF_CACHE_DIR", &cache).output().unwrap());
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
    }
    assert_eq!(mode(&cache), 0o700, "the cache folder {} is readable by others", cache.display());
    // Below a private folder nothing is reachable by others; still, nothing is world-writable.
    for entry in walkdir(&cache) {
        assert_eq!(mode(&entry) & 0o002, 0, "{} is world-writable", entry.display());
    }
}

fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path.clone());
            }
            out.push(path);
        }
    }
    out
}
