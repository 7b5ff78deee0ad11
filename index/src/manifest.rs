//! The manifest: what the index was built from, stored in the index's commit payload.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What an index was built from. Stored as JSON in the tantivy commit payload, so it is committed
/// atomically with the documents it describes.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct Manifest {
    /// The kref version that wrote the index.
    pub kref_version: String,
    /// [`crate::INDEX_SCHEMA_VERSION`] of the writer; set by every write.
    pub schema_version: u32,
    /// Indexed files by path.
    pub files: BTreeMap<String, FileStamp>,
    /// Scanned directories by path, with their modification time in nanoseconds.
    pub dirs: BTreeMap<String, i64>,
    /// Anything else the caller wants to keep with the index.
    pub extra: BTreeMap<String, String>,
}

/// What a file looked like when it was indexed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct FileStamp {
    /// Content hash (any stable hex digest).
    pub hash: String,
    pub size: u64,
    /// Modification time in nanoseconds since the Unix epoch.
    pub mtime: i64,
}

impl Manifest {
    /// The manifest without its per-file stamps.
    pub fn summary(&self) -> ManifestSummary {
        ManifestSummary {
            kref_version: self.kref_version.clone(),
            schema_version: self.schema_version,
            dirs: self.dirs.clone(),
            extra: self.extra.clone(),
            file_count: self.files.len() as u64,
        }
    }
}

/// What an on-disk index records about itself, without the per-file stamps: cheap to read on
/// every search even with 100,000 note files (the stamps live in a file of their own, read only
/// when a refresh needs them).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub struct ManifestSummary {
    pub kref_version: String,
    pub schema_version: u32,
    pub dirs: BTreeMap<String, i64>,
    pub extra: BTreeMap<String, String>,
    /// How many entries `files` has.
    pub file_count: u64,
}

/// The commit payload of an on-disk index: the summary and the name of the file holding the
/// stamps (written before the commit, so a committed payload always names a complete file).
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(default)]
pub(crate) struct Payload {
    #[serde(flatten)]
    pub summary: ManifestSummary,
    /// `files-*.json` in the index folder; `None` with the stamps inline (older layout).
    pub sidecar: Option<String>,
    /// `vocabulary-*.fst` in the index folder: the typo-correction vocabulary (written before
    /// the commit, like the stamps).
    pub vocabulary: Option<String>,
    /// The size of `vocabulary` in bytes (a truncated file is damage, found at open).
    pub vocabulary_len: u64,
    pub files: BTreeMap<String, FileStamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_round_trip_and_defaults() {
        let mut m = Manifest { kref_version: "0.1.0".into(), schema_version: 3, ..Manifest::default() };
        m.files.insert("a.md".into(), FileStamp { hash: "ab".into(), size: 2, mtime: -5 });
        m.dirs.insert("notes".into(), 7);
        m.extra.insert("k".into(), "v".into());
        let payload = Payload {
            summary: m.summary(),
            sidecar: Some("files-x.json".into()),
            vocabulary: Some("vocabulary-x.fst".into()),
            vocabulary_len: 12,
            files: BTreeMap::new(),
        };
        let text = serde_json::to_string(&payload).unwrap();
        let back: Payload = serde_json::from_str(&text).unwrap();
        assert_eq!(back, payload);
        assert_eq!(back.summary.file_count, 1);
        let old: Payload = serde_json::from_str(r#"{"schema_version":3,"new_field":1}"#).unwrap();
        assert_eq!(old.summary.schema_version, 3);
        assert!(old.files.is_empty() && old.sidecar.is_none());
        assert!(serde_json::from_str::<Payload>("{oops").is_err());
    }
}
