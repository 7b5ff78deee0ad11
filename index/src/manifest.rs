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
    pub(crate) fn to_payload(&self) -> Result<String, serde_json::Error> {
        serde_json::to_string(self)
    }

    pub(crate) fn from_payload(payload: &str) -> Result<Manifest, serde_json::Error> {
        serde_json::from_str(payload)
    }
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
        let back = Manifest::from_payload(&m.to_payload().unwrap()).unwrap();
        assert_eq!(back, m);
        // Fields a future writer adds or an older one lacks do not make the payload unreadable.
        let old = Manifest::from_payload(r#"{"schema_version":3,"new_field":1}"#).unwrap();
        assert_eq!(old.schema_version, 3);
        assert!(old.files.is_empty());
        assert!(Manifest::from_payload("{oops").is_err());
    }
}
