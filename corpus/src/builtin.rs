//! The built-in notes, embedded in the binary at compile time from `corpus/notes/`.

use include_dir::{Dir, include_dir};

use crate::notes::{Note, Origin, decode_note, parse_note};

static NOTES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/notes");

/// Prefix of the paths of built-in notes: `builtin:workloads/deployment.md`.
pub const PATH_PREFIX: &str = "builtin:";

/// One embedded note file.
#[derive(Clone, Copy, Debug)]
pub struct BuiltinFile {
    /// Path relative to `corpus/notes/`, with `/` separators.
    pub rel_path: &'static str,
    pub contents: &'static [u8],
}

impl BuiltinFile {
    /// The path notes and search results show: `builtin:<rel_path>`.
    pub fn display_path(&self) -> String {
        format!("{PATH_PREFIX}{}", self.rel_path)
    }

    /// Parses the file (the embedded corpus is linted by tests, so it always decodes).
    pub fn parse(&self) -> Note {
        let text = decode_note(self.contents).unwrap_or("");
        parse_note(&self.display_path(), Origin::Builtin, text)
    }
}

/// Every embedded note file, sorted by path.
pub fn files() -> Vec<BuiltinFile> {
    let mut out = Vec::new();
    collect(&NOTES, &mut out);
    out.sort_by_key(|f| f.rel_path);
    out
}

fn collect(dir: &'static Dir<'static>, out: &mut Vec<BuiltinFile>) {
    for file in dir.files() {
        let Some(rel_path) = file.path().to_str() else { continue };
        if is_note_path(rel_path) {
            out.push(BuiltinFile { rel_path, contents: file.contents() });
        }
    }
    for sub in dir.dirs() {
        collect(sub, out);
    }
}

/// The extensions of the files kref reads as notes.
pub const NOTE_EXTENSIONS: [&str; 3] = ["md", "markdown", "txt"];

/// Is this a file name kref reads as a note (`.md`, `.markdown`, `.txt`)?
pub fn is_note_path(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    NOTE_EXTENSIONS.iter().any(|ext| lower.rsplit_once('.').is_some_and(|(_, e)| e == *ext))
}

/// All built-in notes, parsed.
pub fn notes() -> Vec<Note> {
    files().iter().map(BuiltinFile::parse).collect()
}

/// The built-in concept layer (`corpus/notes/concepts.yaml`, see [`crate::concepts`]).
pub fn concepts_source() -> &'static str {
    NOTES
        .get_file(crate::concepts::CONCEPTS_FILE)
        .and_then(|f| std::str::from_utf8(f.contents()).ok())
        .unwrap_or_default()
}

/// A hash of the whole embedded corpus: changes whenever any note or the concept layer changes.
pub fn corpus_hash() -> String {
    let mut hasher = blake3::Hasher::new();
    for file in files() {
        hasher.update(file.rel_path.as_bytes());
        hasher.update(&[0]);
        hasher.update(file.contents);
        hasher.update(&[0]);
    }
    hasher.update(concepts_source().as_bytes());
    hasher.finalize().to_hex()[..16].to_string()
}
