//! Errors of the index, each saying what happened and what to do about it.

use std::path::PathBuf;

/// Why an index operation failed.
#[derive(thiserror::Error, Debug)]
pub enum IndexError {
    /// Another process is writing the index.
    #[error(
        "the search index at {} is being updated by another kref process; wait for it to finish (or stop it) and retry",
        path.display()
    )]
    Locked { path: PathBuf },
    /// There is no index at the path.
    #[error("no search index at {}; run `kref index` to build it", path.display())]
    Missing { path: PathBuf },
    /// The index exists but cannot be read.
    #[error("the search index at {} is damaged ({detail}); run `kref index --rebuild`", path.display())]
    Corrupt { path: PathBuf, detail: String },
    /// The index was written by a kref with a different index layout.
    #[error(
        "the search index was built with index schema version {found}, this kref uses version {expected}; run `kref index --rebuild`"
    )]
    VersionMismatch { found: u32, expected: u32 },
    /// A file-system operation failed.
    #[error("{action} {}: {source}; check the path, free disk space and permissions", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// tantivy failed in a way none of the above describes.
    #[error("search index error: {0}; if it persists, run `kref index --rebuild`")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl IndexError {
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IndexError::Io { action, path: path.into(), source }
    }

    pub(crate) fn corrupt(path: impl Into<PathBuf>, detail: impl std::fmt::Display) -> Self {
        IndexError::Corrupt { path: path.into(), detail: detail.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_to_do() {
        let e = IndexError::corrupt("/x/index", "meta.json is not valid JSON");
        assert!(e.to_string().contains("kref index --rebuild"), "{e}");
        assert!(e.to_string().contains("/x/index"), "{e}");
        let e = IndexError::VersionMismatch { found: 1, expected: 2 };
        assert!(e.to_string().contains("version 1") && e.to_string().contains("--rebuild"), "{e}");
        let e = IndexError::Locked { path: "/x".into() };
        assert!(e.to_string().contains("another kref process"), "{e}");
    }
}
