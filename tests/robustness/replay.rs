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

/// Notes that took minutes or gigabytes before the limits in `corpus/src/notes.rs`: 10,000
/// nested list levels (cubic re-indentation), 20,000 headings with one title (cubic id
/// de-duplication), 20,000 values in one sentence and 3,000 × 3,000 names (quadratic entries).
#[test]
fn pathological_notes_parse_in_linear_time_and_memory() {
    let product = format!(
        "- {}\n  - {}\n    - {}\n",
        (0..3_000).map(|i| format!("`Kind{i}`, ")).collect::<String>(),
        (0..3_000).map(|i| format!("`field{i}`, ")).collect::<String>(),
        (0..3_000).map(|i| format!("`Value{i}`, ")).collect::<String>()
    );
    let cases = [
        ("10,000 nested items", format!("{}`Pod`: x\n", "- ".repeat(10_000))),
        ("1,000 indented levels", (0..1_000).map(|i| format!("{}- `Pod` {i}\n", "  ".repeat(i))).collect()),
        ("20,000 equal headings", "# a\n".repeat(20_000)),
        ("20,000 inline values", format!("- `Pod`:\n  - `restartPolicy`: {}\n", "`Always` ".repeat(20_000))),
        ("20,000 leading names", format!("- {}: text\n", "`Pod`, ".repeat(20_000))),
        ("name products", product),
    ];
    for (what, text) in cases {
        let started = std::time::Instant::now();
        let note = kref_corpus::parse_note("p.md", kref_corpus::Origin::User, &text);
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(10), "{what}: {took:?}");
        let entry_bytes: usize = note.entries.iter().map(|e| e.text.len()).sum();
        assert!(entry_bytes <= 64 * text.len() + 1_000_000, "{what}: entries hold {entry_bytes} bytes");
        let section_ids: std::collections::HashSet<&str> =
            note.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(section_ids.len(), note.sections.len(), "{what}: section ids are not unique");
    }
}
