//! Index faults: `kill -9` during `kref index` at random moments, damaged index files, concurrent
//! writers and readers, and a cache folder that cannot be written (a file in its place, and, when
//! the tests run as root with `unshare`, a read-only mount and a full 200 KiB tmpfs).
//!
//! `KREF_FAULT_TRIALS` (default 50) sets the number of kills, `KREF_FAULT_SEED` replays a run
//! (every run prints its seed).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::util::{Run, TestEnv, arg, to_run};

/// User notes in the kill test: enough that a build takes a moment, few enough (at most 2,000)
/// that every search checks every file.
const NOTES: usize = 1200;
/// The word every generated note holds.
const COMMON: &str = "kilroy";

/// A small deterministic generator (xorshift64*), seeded from `KREF_FAULT_SEED` or the clock.
pub struct Rng(u64);

impl Rng {
    pub fn from_env(name: &str) -> Rng {
        let seed = std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        });
        eprintln!("{name}={seed}");
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

/// A word made of letters only (so no tokenizer splits it) naming note `i` in `generation`.
fn token(i: usize, generation: usize) -> String {
    let mut n = i * 1000 + generation + 26 * 26 * 26;
    let mut s = String::new();
    while n > 0 {
        s.insert(0, (b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    format!("qz{s}")
}

fn note_path(notes: &Path, i: usize) -> PathBuf {
    notes.join(format!("d{:02}", i % 20)).join(format!("n{i}.md"))
}

fn write_note(notes: &Path, i: usize, generation: usize) {
    let path = note_path(notes, i);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let text = format!(
        "# Note {i}\n\n{COMMON} {} was here, writing about a Deployment rollout and its Pods.\n",
        token(i, generation)
    );
    std::fs::write(path, text).unwrap();
}

/// `kref search` with the notes folder; returns the run and the file names of the hits.
fn search(env: &TestEnv, notes: &Path, query: &str) -> (Run, BTreeSet<String>) {
    let run = env.run(&["search", query, "--limit", "10000", "--json", "--notes", arg(notes)]);
    let mut names = BTreeSet::new();
    if run.code == 0 {
        for hit in run.json()["results"].as_array().unwrap() {
            let path = hit["path"].as_str().unwrap();
            names.insert(Path::new(path).file_name().unwrap().to_string_lossy().into_owned());
        }
    }
    (run, names)
}

fn expected_names(live: &BTreeMap<usize, usize>) -> BTreeSet<String> {
    live.keys().map(|i| format!("n{i}.md")).collect()
}

/// The index answers for every live note: the common word finds them all, and the newest
/// tokens of `changed` notes find those.
fn check_everything_found(
    env: &TestEnv,
    notes: &Path,
    live: &BTreeMap<usize, usize>,
    changed: &[usize],
    when: &str,
) {
    let (run, names) = search(env, notes, COMMON);
    assert_eq!(run.code, 0, "{when}: search failed: {}", run.stderr);
    let expected = expected_names(live);
    if names != expected {
        let missing: Vec<_> = expected.difference(&names).take(5).collect();
        let extra: Vec<_> = names.difference(&expected).take(5).collect();
        panic!(
            "{when}: {} notes found of {} (missing {missing:?}, extra {extra:?}); stderr: {}",
            names.len(),
            expected.len(),
            run.stderr
        );
    }
    if !changed.is_empty() {
        let query: Vec<String> = changed.iter().map(|i| token(*i, live[i])).collect();
        let (run, names) = search(env, notes, &query.join(" "));
        assert_eq!(run.code, 0, "{when}: {}", run.stderr);
        for i in changed {
            assert!(names.contains(&format!("n{i}.md")), "{when}: the new text of n{i}.md is not found");
        }
    }
}

fn kref(env: &TestEnv, args: &[&str]) -> Command {
    let mut cmd = env.command(args);
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    cmd
}

/// Build folders left beside the index by killed builds (`.<key>.tmp-*`, `.<key>.old-*`).
fn leftovers(cache: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(cache.join("index")) else { return 0 };
    entries.flatten().filter(|e| e.file_name().to_string_lossy().starts_with('.')).count()
}

#[test]
fn kill_9_during_index_leaves_a_working_index() {
    let env = TestEnv::new();
    let notes = env.path("notes");
    let mut rng = Rng::from_env("KREF_FAULT_SEED");
    let trials: usize = std::env::var("KREF_FAULT_TRIALS").ok().and_then(|t| t.parse().ok()).unwrap_or(50);
    let mut live: BTreeMap<usize, usize> = (0..NOTES).map(|i| (i, 0)).collect();
    for i in 0..NOTES {
        write_note(&notes, i, 0);
    }
    let started = Instant::now();
    let status = kref(&env, &["index", "--rebuild", "--notes", arg(&notes)]).status().unwrap();
    assert!(status.success());
    let full = started.elapsed();
    check_everything_found(&env, &notes, &live, &[], "first build");
    // And how long an update of a dozen notes takes.
    for i in 0..12 {
        live.insert(i, 1);
        write_note(&notes, i, 1);
    }
    let started = Instant::now();
    assert!(kref(&env, &["index", "--notes", arg(&notes)]).status().unwrap().success());
    let update = started.elapsed();
    let mut next_id = NOTES;
    let (mut interrupted, mut finished) = (0, 0);
    for trial in 0..trials {
        let rebuild = trial % 2 == 0;
        let mut changed = Vec::new();
        if !rebuild {
            // Edit, add and remove a few notes, then kill the incremental update.
            let keys: Vec<usize> = live.keys().copied().collect();
            for _ in 0..12 {
                let i = keys[rng.below(keys.len() as u64) as usize];
                let generation = live[&i] + 1;
                live.insert(i, generation);
                write_note(&notes, i, generation);
                changed.push(i);
            }
            for _ in 0..3 {
                write_note(&notes, next_id, 0);
                live.insert(next_id, 0);
                changed.push(next_id);
                next_id += 1;
                let victim = keys[rng.below(keys.len() as u64) as usize];
                if live.remove(&victim).is_some() {
                    std::fs::remove_file(note_path(&notes, victim)).unwrap();
                }
            }
            changed.retain(|i| live.contains_key(i));
            changed.sort_unstable();
            changed.dedup();
        }
        // Kill anywhere in the build's time, a little past its end now and then.
        let window = if rebuild { full } else { update }.as_micros() as u64 * 11 / 10;
        let delay = Duration::from_micros(rng.below(window.max(1)));
        let mut args = vec!["index", "--notes", arg(&notes)];
        if rebuild {
            args.push("--rebuild");
        }
        let mut child = kref(&env, &args).spawn().unwrap();
        std::thread::sleep(delay);
        match child.try_wait().unwrap() {
            Some(_) => finished += 1,
            None => {
                child.kill().unwrap();
                interrupted += 1;
            }
        }
        child.wait().unwrap();
        let when =
            format!("trial {trial} ({}, killed after {delay:?})", if rebuild { "rebuild" } else { "update" });
        check_everything_found(&env, &notes, &live, &changed, &when);
    }
    let left = leftovers(&env.cache());
    eprintln!(
        "kill -9: {trials} trials, {interrupted} interrupted, {finished} finished first; full build {full:?}, update {update:?}; \
         {left} build folders left beside the index"
    );
    assert!(interrupted * 2 >= trials, "too few kills landed while kref was running: {interrupted}/{trials}");
    // A last full run cleans up and agrees.
    let run = env.run(&["index", "--notes", arg(&notes)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    check_everything_found(&env, &notes, &live, &[], "after the last `kref index`");
}

/// Copies an index folder (files only: tantivy's folders are flat).
fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// The first file in `dir` whose name ends with `suffix`.
fn file_ending(dir: &Path, suffix: &str) -> PathBuf {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    files.sort();
    files.into_iter().next().unwrap_or_else(|| panic!("no *{suffix} in {}", dir.display()))
}

#[derive(Debug, Clone, Copy)]
enum Damage {
    Garbage,
    Zeroes,
    Truncate,
    Empty,
    Delete,
}

fn damage(path: &Path, how: Damage) {
    let len = std::fs::metadata(path).unwrap().len() as usize;
    match how {
        Damage::Garbage => {
            let bytes: Vec<u8> = (0..len.max(16)).map(|i| (i * 7919 % 251) as u8).collect();
            std::fs::write(path, bytes).unwrap();
        }
        Damage::Zeroes => std::fs::write(path, vec![0u8; len]).unwrap(),
        Damage::Truncate => {
            let bytes = std::fs::read(path).unwrap();
            std::fs::write(path, &bytes[..len / 2]).unwrap();
        }
        Damage::Empty => std::fs::write(path, b"").unwrap(),
        Damage::Delete => std::fs::remove_file(path).unwrap(),
    }
}

#[test]
fn corrupt_index_files_are_rebuilt_with_a_message() {
    let env = TestEnv::new();
    assert_eq!(env.run(&["index"]).code, 0);
    let dir = env.cache().join("index/builtin");
    let pristine = env.path("pristine");
    copy_dir(&dir, &pristine);
    let cases = [
        ("meta.json", Damage::Garbage),
        ("meta.json", Damage::Truncate),
        ("meta.json", Damage::Empty),
        ("meta.json", Damage::Delete),
        (".store", Damage::Zeroes),
        (".store", Damage::Truncate),
        (".idx", Damage::Garbage),
        (".term", Damage::Delete),
        (".pos", Damage::Truncate),
        (".fieldnorm", Damage::Zeroes),
        (".fast", Damage::Garbage),
    ];
    for (suffix, how) in cases {
        copy_dir(&pristine, &dir);
        damage(&file_ending(&dir, suffix), how);
        let when = format!("{suffix} {how:?}");
        let first = env.run(&["search", "rolling update", "--json"]);
        assert_eq!(first.code, 0, "{when}: {}", first.stderr);
        assert!(!first.json()["results"].as_array().unwrap().is_empty(), "{when}: no results");
        assert!(first.stderr.contains("rebuilt the search index"), "{when}: no message: {:?}", first.stderr);
        let second = env.run(&["search", "rolling update", "--json"]);
        assert_eq!(second.code, 0, "{when}: {}", second.stderr);
        assert!(second.stderr.is_empty(), "{when}: the index was not repaired: {}", second.stderr);
        assert_eq!(first.json()["results"], second.json()["results"], "{when}");
    }
}

#[test]
fn concurrent_index_runs_and_a_search_corrupt_nothing() {
    let env = TestEnv::new();
    let notes = env.path("notes");
    let count = 300;
    let mut live: BTreeMap<usize, usize> = (0..count).map(|i| (i, 0)).collect();
    for i in 0..count {
        write_note(&notes, i, 0);
    }
    for round in 0..4 {
        let changed: Vec<usize> = (0..10).map(|k| (round * 37 + k * 29) % count).collect();
        for &i in &changed {
            let generation = live[&i] + 1;
            live.insert(i, generation);
            write_note(&notes, i, generation);
        }
        let spawn = |args: &[&str]| {
            let mut cmd = env.command(args);
            cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd.spawn().unwrap()
        };
        let n = arg(&notes);
        let children = [
            spawn(&["index", "--rebuild", "--notes", n]),
            spawn(&["index", "--notes", n]),
            spawn(&["search", COMMON, "--limit", "10000", "--json", "--notes", n]),
        ];
        let runs: Vec<Run> = children.into_iter().map(|c| to_run(c.wait_with_output().unwrap())).collect();
        for (what, run) in ["index --rebuild", "index", "search"].iter().zip(&runs) {
            assert_eq!(run.code, 0, "round {round}: {what} failed: {}", run.stderr);
            assert!(!run.stderr.contains("could not"), "round {round}: {what}: {}", run.stderr);
        }
        let found: BTreeSet<String> = runs[2].json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                Path::new(h["path"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned()
            })
            .collect();
        assert_eq!(found, expected_names(&live), "round {round}: the concurrent search");
        let mut changed = changed;
        changed.sort_unstable();
        changed.dedup();
        check_everything_found(&env, &notes, &live, &changed, &format!("after round {round}"));
    }
}

/// The in-memory fallback: search works on the built-in corpus and says why nothing is kept.
fn assert_searches_in_memory(run: &Run, when: &str) {
    assert_eq!(run.code, 0, "{when}: {}", run.stderr);
    assert!(!run.json()["results"].as_array().unwrap().is_empty(), "{when}: no results");
    assert!(
        run.stderr.contains("could not write the index") && run.stderr.contains("in memory"),
        "{when}: no clear message: {:?}",
        run.stderr
    );
}

#[test]
fn a_file_in_place_of_the_cache_folder_still_searches() {
    let env = TestEnv::new();
    std::fs::remove_dir_all(env.cache()).unwrap();
    std::fs::write(env.cache(), "not a folder").unwrap();
    let run = env.run(&["search", "rolling update", "--json"]);
    assert_searches_in_memory(&run, "cache is a file");
    let index = env.run(&["index"]);
    assert!(index.stderr.contains("could not write the index"), "{}", index.stderr);
    assert!(index.stdout.contains("in memory"), "{}", index.stdout);
    assert_eq!(std::fs::read_to_string(env.cache()).unwrap(), "not a folder", "the file was touched");
}

/// Runs `kref` in a private mount namespace where `cache` is a fresh tmpfs mounted with
/// `options`; `None` when this process may not do that (not root, no `unshare`).
fn kref_on_tmpfs(env: &TestEnv, options: &str, setup: &str, args: &[&str]) -> Option<Run> {
    let probe = Command::new("unshare").args(["-m", "true"]).stderr(Stdio::null()).status();
    if !probe.is_ok_and(|s| s.success()) {
        return None;
    }
    let cache = env.cache();
    let quoted: Vec<String> = args.iter().map(|a| format!("'{}'", a.replace('\'', r"'\''"))).collect();
    let script = format!(
        "set -e; mount -t tmpfs -o {options} kref-test '{c}'; {setup}; exec '{bin}' {args}",
        c = cache.display(),
        bin = env!("CARGO_BIN_EXE_kref"),
        args = quoted.join(" ")
    );
    let base = env.command(&[]);
    let mut cmd = Command::new("unshare");
    cmd.args(["-m", "sh", "-c", &script]).stdin(Stdio::null());
    if let Some(dir) = base.get_current_dir() {
        cmd.current_dir(dir);
    }
    for (key, value) in base.get_envs() {
        match value {
            Some(value) => cmd.env(key, value),
            None => cmd.env_remove(key),
        };
    }
    let output = cmd.output().unwrap();
    let run = to_run(output);
    if run.stderr.contains("mount:") {
        eprintln!("skipped: cannot mount a tmpfs here: {}", run.stderr);
        return None;
    }
    Some(run)
}

#[test]
fn a_read_only_or_full_cache_still_searches() {
    let env = TestEnv::new();
    let Some(read_only) = kref_on_tmpfs(&env, "ro,size=4m", "true", &["search", "rolling update", "--json"])
    else {
        eprintln!("skipped: needs root and `unshare -m` for the read-only and full cache cases");
        return;
    };
    assert_searches_in_memory(&read_only, "read-only cache");
    // 200 KiB fills up in the middle of writing the index.
    let full = kref_on_tmpfs(&env, "size=200k", "true", &["search", "rolling update", "--json"]).unwrap();
    assert_searches_in_memory(&full, "full cache");
    // The failed build does not leave its partial files behind to keep the disk full.
    let after = kref_on_tmpfs(
        &env,
        "size=200k",
        &format!(
            "'{}' search pod --json >/dev/null 2>&1 || true; ls -A '{}/index' >&2",
            env!("CARGO_BIN_EXE_kref"),
            env.cache().display()
        ),
        &["--version"],
    )
    .unwrap();
    assert!(!after.stderr.contains(".tmp-"), "a partial build was left on the full disk: {}", after.stderr);
    // `kref index` on a full disk says so.
    let index = kref_on_tmpfs(&env, "size=200k", "true", &["index"]).unwrap();
    assert!(index.stderr.contains("could not write the index"), "{}", index.stderr);
}

/// Names of the files in a folder.
fn names_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect()
}

/// The state a kill leaves between an update's first files and its commit, made on purpose: the
/// files of the update (its deletes file `<segment>.<opstamp>.del` among them) and tantivy's list
/// of managed files, beside the previous commit's `meta.json`. The next update repeats the same
/// operations, so it would create the same file names. (Found by the kill -9 loop: the next
/// search answered from the stale index with "FileAlreadyExists(…del)", and `kref index` failed,
/// until `kref index --rebuild`.)
#[test]
fn an_update_killed_before_its_commit_does_not_block_the_next() {
    let env = TestEnv::new();
    let notes = env.path("notes");
    let mut live: BTreeMap<usize, usize> = (0..40).map(|i| (i, 0)).collect();
    for i in 0..40 {
        write_note(&notes, i, 0);
    }
    assert_eq!(env.run(&["index", "--notes", arg(&notes)]).code, 0);
    let index = std::fs::read_dir(env.cache().join("index"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .unwrap();
    let before = env.path("before");
    copy_dir(&index, &before);
    for i in [3, 17] {
        live.insert(i, 1);
        write_note(&notes, i, 1);
    }
    assert_eq!(env.run(&["index", "--notes", arg(&notes)]).code, 0);
    let after = env.path("after");
    copy_dir(&index, &after);
    // Back to the previous commit, keeping what the update wrote before committing.
    copy_dir(&before, &index);
    let new_files: Vec<String> = names_in(&after).difference(&names_in(&before)).cloned().collect();
    assert!(new_files.iter().any(|f| f.ends_with(".del")), "the update wrote no deletes file: {new_files:?}");
    for name in new_files.iter().filter(|f| !f.starts_with("files-")).chain([&".managed.json".to_string()]) {
        std::fs::copy(after.join(name), index.join(name)).unwrap();
    }
    let run = env.run(&["search", "kilroy", "--limit", "10000", "--json", "--notes", arg(&notes)]);
    assert!(run.stderr.is_empty(), "the next search could not update the index: {}", run.stderr);
    check_everything_found(&env, &notes, &live, &[3, 17], "after an interrupted update");
    let run = env.run(&["index", "--notes", arg(&notes)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}
