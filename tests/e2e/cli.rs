//! The command line as a user sees it: output, exit codes, user notes, the index on disk.

use std::io::Read;
use std::process::Stdio;

use crate::util::{TestEnv, arg};

/// User notes in the seed's shape, in our own words.
const TEAM_NOTES: &str = "# Team notes\n\n## Workloads\n\n- `Deployment`: our web tier runs as Deployments behind the mesh.\n  - `strategy`:\n    - `RollingUpdate`: we keep maxUnavailable at zero for the checkout service.\n    - `Recreate`: only for the legacy billing worker, which cannot run twice.\n- `CronJob`: nightly exports use these.\n  - `concurrencyPolicy`: we always set `Forbid` for the ledger export.\n\n## Runbook: quokka alarms\n\nWhen the quokka alarm fires, page the platform rotation.\n";

#[test]
fn searches_the_builtin_corpus_with_no_setup() {
    let env = TestEnv::new();
    let run = env.run(&["search", "pod disruption budget drain"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("PodDisruptionBudget"), "{}", run.stdout);
    assert!(run.stdout.contains("builtin:"), "{}", run.stdout);
    assert!(!run.stdout.contains('\u{1b}'), "NO_COLOR must disable colours");
}

#[test]
fn the_answer_comes_first_with_its_summary() {
    let env = TestEnv::new();
    // The top results are all about one field: its allowed values and first sentence lead.
    let run = env.run(&["search", "concurrencyPolicy"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines[0], "Answer: CronJob › concurrencyPolicy", "{}", run.stdout);
    assert!(lines[1].starts_with("    Allowed values: Allow, Forbid, Replace. "), "{}", run.stdout);
    assert!(lines[2].starts_with("    builtin:workloads/cronjob.md:"), "{}", run.stdout);
    // Then the rest, numbered as in --json (the answer is number 1).
    assert!(lines[4].starts_with(" 2. "), "{}", run.stdout);
    let json = env.run(&["search", "--json", "concurrencyPolicy"]).json();
    let answer = &json["answer"];
    assert_eq!(answer["rank"], 1, "{json}");
    assert_eq!(answer["subject"], "CronJob › concurrencyPolicy");
    assert_eq!(answer["kind"], "CronJob");
    assert_eq!(answer["field"], "concurrencyPolicy");
    assert_eq!(answer["values"], serde_json::json!(["Allow", "Forbid", "Replace"]));
    assert_eq!(answer["id"], json["results"][0]["id"]);
    assert!(json["results"][0]["summary"].as_str().is_some_and(|s| !s.is_empty()), "{json}");
    // A question whose best results disagree gets no answer block.
    let run = env.run(&["search", "--json", "pod keeps restarting"]);
    assert_eq!(run.json()["answer"], serde_json::Value::Null, "{}", run.stdout);
    let run = env.run(&["search", "pod keeps restarting"]);
    assert!(run.stdout.starts_with(" 1. "), "{}", run.stdout);
}

#[test]
fn kref_trace_times_the_steps_of_a_search_on_stderr() {
    let env = TestEnv::new();
    let run = crate::util::to_run(
        env.command(&["search", "pod keeps restarting"]).env("KREF_TRACE", "1").output().unwrap(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with(" 1. "), "{}", run.stdout);
    let steps: Vec<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("kref trace: "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(steps, ["settings", "open index", "search", "print"], "{}", run.stderr);
    assert!(run.stderr.lines().filter(|l| l.starts_with("kref trace: ")).all(|l| l.ends_with(" ms")));
    // Without it, nothing is added to standard error.
    let run = env.run(&["search", "pod keeps restarting"]);
    assert!(!run.stderr.contains("kref trace"), "{}", run.stderr);
}

#[test]
fn did_you_mean_when_nothing_is_found() {
    let env = TestEnv::new();
    // Two edits in seven letters: too far to correct silently, close enough to offer.
    let run = env.run(&["search", "nmespce"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("did you mean: kref search namespace"), "{}", run.stderr);
    let run = env.run(&["search", "--json", "nmespce"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["did_you_mean"][0], "namespace", "{}", run.stdout);
    // Found: no suggestions.
    let run = env.run(&["search", "--json", "namespace"]);
    assert_eq!(run.json()["did_you_mean"], serde_json::json!([]));
}

#[test]
fn json_output_is_stable_and_documented() {
    let env = TestEnv::new();
    let run = env.run(&["search", "--json", "--limit", "3", "rolling update"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["query"], "rolling update");
    let results = json["results"].as_array().unwrap();
    assert!(!results.is_empty() && results.len() <= 3);
    let first = &results[0];
    assert_eq!(first["rank"], 1);
    for key in [
        "id",
        "type",
        "source",
        "title",
        "breadcrumb",
        "path",
        "line",
        "kinds",
        "score",
        "snippet",
        "highlights",
        "summary",
        "values",
    ] {
        assert!(first.get(key).is_some(), "missing {key} in {first}");
    }
    let snippet = first["snippet"].as_str().unwrap();
    for h in first["highlights"].as_array().unwrap() {
        let (s, e) = (h[0].as_u64().unwrap() as usize, h[1].as_u64().unwrap() as usize);
        assert!(snippet.get(s..e).is_some_and(|m| !m.is_empty()), "bad highlight {h} in {snippet:?}");
    }
}

#[test]
fn no_results_exit_one_and_say_so() {
    let env = TestEnv::new();
    let run = env.run(&["search", "xyzzyplughfrobnicate"]);
    assert_eq!(run.code, 1);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("no results"), "{}", run.stderr);
    let run = env.run(&["search", "--json", "xyzzyplughfrobnicate"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["results"].as_array().unwrap().len(), 0);
    assert_eq!(run.json()["answer"], serde_json::Value::Null);
    assert_eq!(run.json()["did_you_mean"], serde_json::json!([]));
}

#[test]
fn user_notes_are_searched_first_class() {
    let env = TestEnv::new();
    let notes = env.write("notes/team.md", TEAM_NOTES);
    let dir = notes.parent().unwrap();
    let run = env.run(&["search", "--json", "--notes", arg(dir), "quokka alarm"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let first = &run.json()["results"][0];
    assert_eq!(first["source"], "user");
    assert!(first["path"].as_str().unwrap().ends_with("team.md"));
    // The user's entry for a built-in field is found, and `--source user` keeps only theirs.
    let run = env.run(&["search", "--json", "--notes", arg(dir), "--source", "user", "ledger export"]);
    let results = run.json()["results"].as_array().unwrap().clone();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["source"] == "user"));
    assert!(
        results.iter().any(|r| r["title"].as_str().unwrap().contains("concurrencyPolicy")),
        "{results:?}"
    );
    // KREF_NOTES works as well as the flag, and `--kind` filters.
    let run = env
        .command(&["search", "--json", "--kind", "cronjob", "nightly exports"])
        .env("KREF_NOTES", dir)
        .output()
        .unwrap();
    let run = crate::util::to_run(run);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let results = run.json()["results"].as_array().unwrap().clone();
    assert!(results.iter().all(|r| {
        r["kinds"].as_array().unwrap().iter().any(|k| k.as_str().unwrap().eq_ignore_ascii_case("cronjob"))
    }));
    assert_eq!(results[0]["source"], "user");
}

#[test]
fn workspace_config_names_note_folders() {
    let env = TestEnv::new();
    env.write("work/team-notes/a.md", TEAM_NOTES);
    env.write("work/.kref.yaml", "notes: [team-notes]\n");
    let run = env.run(&["search", "--json", "quokka"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["results"][0]["source"], "user");
}

#[test]
fn editing_a_note_reindexes_only_what_changed() {
    let env = TestEnv::new();
    let note = env.write("notes/team.md", TEAM_NOTES);
    env.write("notes/other.md", "# Other\n\nwombat facts\n");
    let dir = arg(note.parent().unwrap()).to_string();
    let run = env.run(&["index", "--notes", &dir]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("indexed"), "{}", run.stdout);
    let run = env.run(&["index", "--notes", &dir]);
    assert!(run.stdout.contains("up to date"), "{}", run.stdout);
    std::fs::write(&note, TEAM_NOTES.replace("quokka", "platypus")).unwrap();
    let run = env.run(&["index", "--notes", &dir]);
    assert!(run.stdout.contains("0 added, 1 changed, 0 removed"), "{}", run.stdout);
    assert_eq!(env.run(&["search", "--notes", &dir, "--source", "user", "platypus"]).code, 0);
    assert_eq!(env.run(&["search", "--notes", &dir, "--source", "user", "quokka"]).code, 1);
    std::fs::remove_file(note.parent().unwrap().join("other.md")).unwrap();
    let run = env.run(&["index", "--notes", &dir]);
    assert!(run.stdout.contains("0 added, 0 changed, 1 removed"), "{}", run.stdout);
    assert_eq!(env.run(&["search", "--notes", &dir, "--source", "user", "wombat"]).code, 1);
}

#[test]
fn a_corrupt_index_is_rebuilt_with_a_message() {
    let env = TestEnv::new();
    assert_eq!(env.run(&["index"]).code, 0);
    let index_dir = env.cache().join("index").join("builtin");
    let meta = index_dir.join("meta.json");
    assert!(meta.exists());
    std::fs::write(&meta, "{ this is not json").unwrap();
    let run = env.run(&["search", "StatefulSet"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("rebuilt the search index"), "{}", run.stderr);
    // And the rebuilt index is good for the next run, silently.
    let run = env.run(&["search", "StatefulSet"]);
    assert_eq!(run.code, 0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn unreadable_notes_are_skipped_with_a_warning_naming_them() {
    let env = TestEnv::new();
    env.write("notes/good.md", "# Good\n\nemu migration\n");
    env.write("notes/latin1.md", b"# Caf\xe9\n\nemu\n");
    env.write("notes/blob.txt", b"\x00\x01\x02emu");
    env.write("notes/empty.md", "");
    let dir = env.path("notes");
    let run = env.run(&["index", "--notes", arg(&dir)]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("latin1.md") && run.stderr.contains("UTF-8"), "{}", run.stderr);
    assert!(run.stderr.contains("blob.txt") && run.stderr.contains("binary"), "{}", run.stderr);
    let run = env.run(&["search", "--json", "--notes", arg(&dir), "--source", "user", "emu"]);
    let results = run.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 1, "{results:?}");
    assert!(results[0]["path"].as_str().unwrap().ends_with("good.md"));
}

#[test]
fn show_prints_a_whole_section() {
    let env = TestEnv::new();
    let run = env.run(&["search", "--json", "--limit", "1", "CrashLoopBackOff"]);
    let id = run.json()["results"][0]["id"].as_str().unwrap().to_string();
    let run = env.run(&["show", &id]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("builtin:"), "{}", run.stdout);
    let run = env.run(&["show", "CrashLoopBackOff"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.to_lowercase().contains("kubectl"), "{}", run.stdout);
    let run = env.run(&["show", "no such section at all"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("kref search"), "{}", run.stderr);
}

#[test]
fn broken_config_is_an_error_that_names_the_file() {
    let env = TestEnv::new();
    let cfg = env.write("config/kref/config.yaml", "notes: 42\n");
    let run = env.run(&["search", "pod"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains(arg(&cfg)), "{}", run.stderr);
}

#[test]
fn version_completions_and_usage_errors() {
    let env = TestEnv::new();
    let run = env.run(&["--version"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("kref "), "{}", run.stdout);
    let run = env.run(&["completions", "bash"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("_kref"), "{}", &run.stdout[..200.min(run.stdout.len())]);
    let run = env.run(&["search"]);
    assert_eq!(run.code, 2);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let env = TestEnv::new();
    assert_eq!(env.run(&["index"]).code, 0);
    let mut child = env
        .command(&["search", "--limit", "50", "pod"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit {status:?}, stderr {stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}

#[test]
fn a_read_only_cache_still_searches() {
    let env = TestEnv::new();
    let cache = env.path("ro-cache");
    std::fs::create_dir_all(&cache).unwrap();
    let file_in_the_way = cache.join("index");
    std::fs::write(&file_in_the_way, "not a folder").unwrap();
    let out = env.command(&["search", "Deployment"]).env("KREF_CACHE_DIR", &cache).output().unwrap();
    let run = crate::util::to_run(out);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("in memory"), "{}", run.stderr);
}

#[test]
fn schema_fields_are_searchable() {
    let env = TestEnv::new();
    let run = env.run(&["search", "--json", "--limit", "10", "maxSurge"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let results = run.json()["results"].as_array().unwrap().clone();
    let schema = results
        .iter()
        .find(|r| r["title"] == "Deployment.spec.strategy.rollingUpdate.maxSurge")
        .unwrap_or_else(|| panic!("no schema hit in {results:#?}"));
    assert_eq!(schema["type"], "schema");
    assert!(schema["snippet"].as_str().unwrap().contains("25%"), "{schema}");
}

#[test]
fn index_check_reports_typos_in_notes_with_the_closest_match() {
    let env = TestEnv::new();
    env.write(
        "notes/typos.md",
        "# Typos\n\n- `CronJob`: x\n  - `successfulJobHistoryLimit`: keep three.\n  - `concurrencyPolicy`:\n    - `Forbidd`: never overlap.\n- `Deploymnet`: y\n- `Pod`: fine\n  - `restartPolicy`: fine\n",
    );
    let run = env.run(&["index", "--check", "--notes", arg(&env.path("notes"))]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("typos.md:4") && run.stdout.contains("did you mean successfulJobsHistoryLimit"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("typos.md:6") && run.stdout.contains("did you mean Forbid"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("typos.md:7") && run.stdout.contains("did you mean Deployment"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("restartPolicy"), "{}", run.stdout);
    env.write("notes/typos.md", "# Fine\n\n- `CronJob`: x\n  - `concurrencyPolicy`:\n    - `Forbid`: y\n");
    let run = env.run(&["index", "--check", "--notes", arg(&env.path("notes"))]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

#[test]
fn show_opens_schema_results_too() {
    let env = TestEnv::new();
    let run = env.run(&["show", "--json", "schema:field:CronJob.spec.concurrencyPolicy"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["source"], "builtin");
    assert!(json["markdown"].as_str().unwrap().contains("`Forbid`"), "{json}");
    assert_eq!(env.run(&["show", "schema:field:CronJob.spec.nope"]).code, 1);
}
