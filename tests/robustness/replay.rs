//! Replays every saved input under `tests/robustness/corpus/<target>/` (fuzz findings and
//! hand-made edge cases) through the fuzz targets' checks, so a fixed crash stays fixed.

use std::path::{Path, PathBuf};

use crate::invariants;

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/robustness/corpus").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let result = std::panic::catch_unwind(|| check(&bytes));
        assert!(result.is_ok(), "{target}: {} fails again", path.display());
    }
}

#[test]
fn yaml_model_findings() {
    replay("yaml_model", invariants::yaml_model);
}

#[test]
fn notes_findings() {
    assert!(!inputs("notes").is_empty(), "the notes corpus holds the first fuzz finding");
    replay("notes", invariants::notes);
}

#[test]
fn schema_import_findings() {
    replay("schema_import", invariants::schema_import);
}

#[test]
fn schema_store_findings() {
    replay("schema_store", invariants::schema_store);
}

/// The first finding, inline: a heading inside a list item closed the item twice and the notes
/// parser subtracted past zero (`corpus/src/notes.rs`, `end_item`).
#[test]
fn heading_inside_a_list_item() {
    for text in ["- #", "- # Title\n", "* ## a\n  - b", "1. # x\n2. y\n", "- a\n  - # b\n- c"] {
        let note = kref_corpus::parse_note("n.md", kref_corpus::Origin::User, text);
        assert!(!note.sections.is_empty(), "{text:?}");
    }
}
