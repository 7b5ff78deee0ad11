//! On-disk behaviour: atomic builds, reopening, incremental updates, damage, versions, locking.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::*;
use kref_corpus::Origin;
use kref_index::{FileStamp, INDEX_SCHEMA_VERSION, IndexError, Manifest, SearchIndex, Update};

fn manifest_with(file: &str, hash: &str) -> Manifest {
    let mut m = manifest();
    m.files.insert(
        file.to_string(),
        FileStamp { hash: hash.into(), size: 10, mtime: 1_700_000_000_000_000_000 },
    );
    m.dirs.insert("/home/me/notes".into(), 42);
    m
}

fn index_dir(root: &Path) -> PathBuf {
    root.join("cache").join("index")
}

/// Everything next to the index directory (leftovers of builds would show here).
fn siblings(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn segment_files(dir: &Path) -> Vec<PathBuf> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with('.') && !name.ends_with(".json")
        })
        .collect()
}

fn assert_corrupt(result: Result<SearchIndex, IndexError>, what: &str) {
    match result {
        Err(IndexError::Corrupt { detail, path }) => {
            assert!(!detail.is_empty(), "{what}");
            assert!(path.ends_with("index"), "{what}: {}", path.display());
        }
        Err(other) => panic!("{what}: expected Corrupt, got {other:?}"),
        Ok(_) => panic!("{what}: expected Corrupt, got an index"),
    }
}

#[test]
fn create_then_open_round_trips_documents_and_manifest() {
    let root = tempfile::tempdir().unwrap();
    let dir = index_dir(root.path());
    let mut wanted = manifest_with("a.md", "h1");
    wanted.schema_version = 999; // overwritten by the writer
    let created = SearchIndex::create(&dir, &all_docs(), wanted.clone()).unwrap();
    wanted.schema_version = INDEX_SCHEMA_VERSION;
    assert_eq!(created.manifest().unwrap(), &wanted);
    assert_eq!(created.doc_count(), all_docs().len() as u64);
    assert_eq!(created.path(), Some(dir.as_path()));
    drop(created);
    assert_eq!(siblings(&dir), ["index"]);

    let opened = SearchIndex::open(&dir).unwrap();
    assert_eq!(opened.manifest().unwrap(), &wanted);
    assert_eq!(opened.doc_count(), all_docs().len() as u64);
    let hits = search(&opened, "StatefulSet");
    assert_eq!(hits[0].title, "StatefulSet");
    assert!(!hits[0].snippet.text.is_empty());
    // Two readers at once are fine.
    let again = SearchIndex::open(&dir).unwrap();
    assert_eq!(again.doc_count(), opened.doc_count());
}

#[test]
fn update_replaces_changed_files_and_persists_the_manifest() {
    let root = tempfile::tempdir().unwrap();
    let dir = index_dir(root.path());
    let user = "/home/me/notes/troubleshooting.md";
    let mut index = SearchIndex::create(&dir, &all_docs(), manifest_with(user, "v1")).unwrap();
    let before = index.doc_count();
    assert!(!search(&index, "CrashLoopBackOff").is_empty());

    let v2 = "# CrashLoopBackOff\n\nThe container exits right after start; read `kubectl logs --previous`.\n";
    let add = docs_of(user, Origin::User, v2);
    let manifest = manifest_with(user, "v2");
    index.update(Update { remove_files: vec![], add, manifest: manifest.clone() }).unwrap();
    // Both old sections of the file are gone, the new one is in.
    assert_eq!(index.doc_count(), before - 2 + 1);
    assert!(search(&index, "drained").is_empty());
    assert_eq!(search(&index, "CrashLoopBackOff").len(), 1);
    let hits = search(&index, "exits");
    assert_eq!(titles(&hits), ["CrashLoopBackOff"]);
    assert!(hits[0].snippet.text.contains("exits"), "{:?}", hits[0].snippet);
    assert_eq!(index.manifest().unwrap().files[user].hash, "v2");

    index
        .update(Update {
            remove_files: vec!["builtin:workloads/cronjob.md".into()],
            add: vec![],
            manifest: manifest.clone(),
        })
        .unwrap();
    assert!(search(&index, "concurrencyPolicy").is_empty());
    drop(index);

    let reopened = SearchIndex::open(&dir).unwrap();
    assert_eq!(reopened.manifest().unwrap().files[user].hash, "v2");
    assert!(search(&reopened, "concurrencyPolicy").is_empty());
    assert!(search(&reopened, "drained").is_empty());
    assert_eq!(search(&reopened, "CrashLoopBackOff").len(), 1);
    assert!(!search(&reopened, "StatefulSet").is_empty());
}

#[test]
fn open_reports_a_missing_index() {
    let root = tempfile::tempdir().unwrap();
    let dir = index_dir(root.path());
    assert!(matches!(SearchIndex::open(&dir), Err(IndexError::Missing { .. })));
    // A directory without an index in it is damage, not absence.
    fs::create_dir_all(&dir).unwrap();
    assert_corrupt(SearchIndex::open(&dir), "empty directory");
    // A file where the directory should be.
    let file = root.path().join("file");
    fs::write(&file, "x").unwrap();
    assert!(matches!(SearchIndex::open(&file), Err(IndexError::Corrupt { .. })));
}

#[test]
fn garbled_meta_json_is_corrupt() {
    let root = tempfile::tempdir().unwrap();
    let dir = index_dir(root.path());
    drop(SearchIndex::create(&dir, &all_docs(), manifest()).unwrap());
    let meta = dir.join("meta.json");
    for garbage in ["{\"segments\": [", "", "null", "\u{0}\u{1}binary", "{\"index_settings\": 3}"] {
        fs::write(&meta, garbage).unwrap();
        assert_corrupt(SearchIndex::open(&dir), &format!("meta.json = {garbage:?}"));
    }
    fs::remove_file(&meta).unwrap();
    assert_corrupt(SearchIndex::open(&dir), "meta.json deleted");
}

#[test]
fn a_manifest_that_is_not_ours_is_corrupt() {
    let root = tempfile::tempdir().unwrap();
    let dir = index_dir(root.path());
    drop(SearchIndex::create(&dir, &all_docs(), manifest()).unwrap());
    let meta_path = dir.join("meta.json");
    let mut meta: serde_json::Value = serde_json::from_str(&fs::read_to_string(&meta_path).unwrap()).unwrap();
    meta["payload"] = serde_json::Value::String("{not json".into());
    fs::write(&meta_path, meta.to_string()).unwrap();
    assert_corrupt(SearchIndex::open(&dir), "garbled payload");
    meta["payload"] = serde_json::Value::Null;
    fs::write(&meta_path, meta.to_string()).unwrap();
    assert_corrupt(SearchIndex::open(&dir), "no payload");
}

#[test]
fn deleted_or_truncated_segment_files_are_corrupt() {
    let root = tempfile::tempdir().unwrap();
    let dir = index_dir(root.path());
    drop(SearchIndex::create(&dir, &all_docs(), manifest()).unwrap());
    let files = segment_files(&dir);
    assert!(files.len() >= 5, "{files:?}");
    for file in &files {
        let saved = fs::read(file).unwrap();
        fs::remove_file(file).unwrap();
        assert_corrupt(SearchIndex::open(&dir), &format!("{} deleted", file.display()));
        fs::write(file, &saved[..saved.len() / 2]).unwrap();
        assert_corrupt(SearchIndex::open(&dir), &format!("{} truncated", file.display()));
        fs::write(file, &saved).unwrap();
        SearchIndex::open(&dir).unwrap_or_else(|e| panic!("restored {}: {e}", file.display()));
    }
}

#[test]
fn another_schema_version_is_a_mismatch() {
    let root = tempfile::tempdir().unwrap();
    let dir = index_dir(root.path());
    drop(SearchIndex::create(&dir, &all_docs(), manifest()).unwrap());
    let meta_path = dir.join("meta.json");
    let mut meta: serde_json::Value = serde_json::from_str(&fs::read_to_string(&meta_path).unwrap()).unwrap();
    let mut manifest: Manifest = serde_json::from_str(meta["payload"].as_str().unwrap()).unwrap();
    manifest.schema_version = INDEX_SCHEMA_VERSION + 1;
    meta["payload"] = serde_json::Value::String(serde_json::to_string(&manifest).unwrap());
    fs::write(&meta_path, meta.to_string()).unwrap();
    match SearchIndex::open(&dir) {
        Err(IndexError::VersionMismatch { found, expected }) => {
            assert_eq!(found, INDEX_SCHEMA_VERSION + 1);
            assert_eq!(expected, INDEX_SCHEMA_VERSION);
        }
        other => panic!("expected VersionMismatch, got {other:?}"),
    }
    // A rebuild fixes it.
    drop(SearchIndex::create(&dir, &all_docs(), manifest).unwrap());
    assert_eq!(SearchIndex::open(&dir).unwrap().manifest().unwrap().schema_version, INDEX_SCHEMA_VERSION);
}

#[test]
fn a_second_writer_is_locked_out() {
    let root = tempfile::tempdir().unwrap();
    let dir = index_dir(root.path());
    let mut index = SearchIndex::create(&dir, &all_docs(), manifest()).unwrap();
    // Another writer (as another kref process would hold it) on the same directory.
    let other = tantivy::Index::open_in_dir(&dir).unwrap();
    let writer: tantivy::IndexWriter = other.writer_with_num_threads(1, 15_000_000).unwrap();
    let add = docs_of("zebra.md", Origin::User, "# Zebras\n\nstriped text\n");
    let result = index.update(Update { remove_files: vec![], add: add.clone(), manifest: manifest() });
    match result {
        Err(e @ IndexError::Locked { .. }) => assert!(e.to_string().contains("another kref process")),
        other => panic!("expected Locked, got {other:?}"),
    }
    // A rebuild does not pull the index out from under the writer either.
    assert!(matches!(SearchIndex::create(&dir, &all_docs(), manifest()), Err(IndexError::Locked { .. })));
    // Nothing changed, and once the writer is gone the update goes through.
    assert!(search(&index, "zebras").is_empty());
    drop(writer);
    index.update(Update { remove_files: vec![], add, manifest: manifest() }).unwrap();
    assert_eq!(titles(&search(&index, "zebras")), ["Zebras"]);
}

#[test]
fn create_replaces_an_existing_or_corrupt_index() {
    let root = tempfile::tempdir().unwrap();
    let dir = index_dir(root.path());
    drop(SearchIndex::create(&dir, &all_docs(), manifest_with("a.md", "old")).unwrap());

    // Replace a healthy index while a reader has it open.
    let reader = SearchIndex::open(&dir).unwrap();
    let only_user = docs_of("u.md", Origin::User, "# Only\n\nfresh content\n");
    let fresh = SearchIndex::create(&dir, &only_user, manifest_with("u.md", "new")).unwrap();
    assert_eq!(fresh.doc_count(), 1);
    assert_eq!(fresh.manifest().unwrap().files["u.md"].hash, "new");
    assert!(!search(&reader, "StatefulSet").is_empty(), "the old reader keeps working");
    drop(reader);
    assert_eq!(siblings(&dir), ["index"]);

    // Replace a damaged one.
    fs::write(dir.join("meta.json"), "garbage").unwrap();
    assert!(SearchIndex::open(&dir).is_err());
    let rebuilt = SearchIndex::create(&dir, &all_docs(), manifest()).unwrap();
    assert_eq!(rebuilt.doc_count(), all_docs().len() as u64);
    assert_eq!(siblings(&dir), ["index"]);

    // Replace a directory of junk, and clean up what a crashed build left behind.
    fs::remove_dir_all(&dir).unwrap();
    fs::create_dir_all(dir.join("nested")).unwrap();
    fs::write(dir.join("junk.txt"), "junk").unwrap();
    let leftover = dir.parent().unwrap().join(".index.old-abc123");
    fs::create_dir_all(&leftover).unwrap();
    fs::write(leftover.join("x"), "x").unwrap();
    let recent_tmp = dir.parent().unwrap().join(".index.tmp-inprogress");
    fs::create_dir_all(&recent_tmp).unwrap();
    SearchIndex::create(&dir, &only_user, manifest()).unwrap();
    assert!(!dir.join("junk.txt").exists());
    assert!(!leftover.exists());
    // A recent build directory may belong to a concurrent build: it is left alone.
    assert!(recent_tmp.exists());
    assert_eq!(SearchIndex::open(&dir).unwrap().doc_count(), 1);
}

#[test]
fn create_refuses_to_replace_a_file_and_empty_builds_work() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("index");
    fs::write(&file, "precious").unwrap();
    assert!(matches!(SearchIndex::create(&file, &all_docs(), manifest()), Err(IndexError::Io { .. })));
    assert_eq!(fs::read_to_string(&file).unwrap(), "precious");
    assert_eq!(siblings(&file), ["index"]);

    let dir = root.path().join("empty");
    let empty = SearchIndex::create(&dir, &[], manifest()).unwrap();
    assert_eq!(empty.doc_count(), 0);
    assert!(search(&empty, "anything").is_empty());
    assert_eq!(SearchIndex::open(&dir).unwrap().doc_count(), 0);
}
