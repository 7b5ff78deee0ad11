//! Finding the user's note files on disk: a walk of the configured folders that never leaves them.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use kref_corpus::builtin::is_note_path;

/// A note file found on disk, with what is needed to tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteFile {
    pub path: PathBuf,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch (0 when unknown).
    pub mtime: i64,
}

/// The result of walking the note folders.
#[derive(Debug, Default, Clone)]
pub struct Walk {
    pub files: Vec<NoteFile>,
    /// Every folder visited, with its modification time: adding, removing or renaming a file
    /// changes its folder's time, which is how a quick freshness check notices.
    pub dirs: Vec<(PathBuf, i64)>,
    /// Folders or entries that could not be read, as messages.
    pub problems: Vec<String>,
}

/// Modification time of a path in nanoseconds since the epoch.
pub fn mtime_of(meta: &std::fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Current modification time of a folder, if it still exists.
pub fn dir_mtime(path: &Path) -> Option<i64> {
    std::fs::metadata(path).ok().filter(|m| m.is_dir()).map(|m| mtime_of(&m))
}

/// Walks the note folders. Symbolic links are not followed, hidden folders (`.git`) and what
/// `.gitignore` or `.ignore` files exclude are skipped, and only `.md`, `.markdown` and `.txt`
/// files are kept.
pub fn walk_notes(roots: &[PathBuf]) -> Walk {
    let mut walk = Walk::default();
    for root in roots {
        match std::fs::metadata(root) {
            Ok(meta) if meta.is_dir() => {}
            Ok(meta) if meta.is_file() => {
                walk.files.push(NoteFile { path: root.clone(), size: meta.len(), mtime: mtime_of(&meta) });
                continue;
            }
            Ok(_) | Err(_) => {
                walk.problems.push(format!(
                    "notes folder {} does not exist or is not a folder; check `--notes`, KREF_NOTES or `notes:` in your config",
                    root.display()
                ));
                continue;
            }
        }
        let entries = super::manifests::walker(root).build();
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    walk.problems.push(format!("skipped {e}"));
                    continue;
                }
            };
            let Ok(meta) = entry.metadata() else {
                walk.problems.push(format!("skipped {}: cannot read its metadata", entry.path().display()));
                continue;
            };
            if meta.is_dir() {
                walk.dirs.push((entry.path().to_path_buf(), mtime_of(&meta)));
            } else if meta.is_file() && is_note_path(&entry.file_name().to_string_lossy()) {
                walk.files.push(NoteFile {
                    path: entry.path().to_path_buf(),
                    size: meta.len(),
                    mtime: mtime_of(&meta),
                });
            }
        }
    }
    walk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_only_notes_and_skips_hidden() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/.git")).unwrap();
        std::fs::write(dir.path().join("a/one.md"), "# One").unwrap();
        std::fs::write(dir.path().join("a/two.txt"), "two").unwrap();
        std::fs::write(dir.path().join("a/pic.png"), "x").unwrap();
        std::fs::write(dir.path().join("a/.git/x.md"), "x").unwrap();
        let walk = walk_notes(&[dir.path().to_path_buf()]);
        let names: Vec<_> = walk.files.iter().map(|f| f.path.file_name().unwrap().to_owned()).collect();
        assert_eq!(names, ["one.md", "two.txt"]);
        assert_eq!(walk.dirs.len(), 2);
        // What an ignore file excludes is not a note (drafts, exported copies).
        std::fs::create_dir_all(dir.path().join("a/export")).unwrap();
        std::fs::write(dir.path().join("a/export/one.md"), "# One again").unwrap();
        std::fs::write(dir.path().join("a/draft.md"), "# Draft").unwrap();
        std::fs::write(dir.path().join("a/.gitignore"), "export/\ndraft.md\n").unwrap();
        let walk = walk_notes(&[dir.path().to_path_buf()]);
        let names: Vec<_> = walk.files.iter().map(|f| f.path.file_name().unwrap().to_owned()).collect();
        assert_eq!(names, ["one.md", "two.txt"]);
        let missing = walk_notes(&[dir.path().join("nope")]);
        assert!(missing.problems[0].contains("does not exist"));
    }
}
