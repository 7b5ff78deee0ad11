//! The open documents: text and version per URI, edited strictly in the order the client sent the
//! changes, and parsed lazily, at most once per version, off the message loop.
//!
//! Invariant: `didOpen`/`didChange`/`didClose` mutate the map synchronously inside their
//! notification handler (no `.await` before the mutation), so a request that arrives after a
//! change always sees it.

use std::sync::{Arc, OnceLock};

use dashmap::DashMap;
use kref_yaml::{Encoding, File};
use tower_lsp_server::ls_types::TextDocumentContentChangeEvent;

use super::positions::apply_change;

/// Above this size a document gets no hover or completion (they would need a parse on the
/// request path); document symbols still work, parsed off the message loop.
pub const MAX_ANALYZED_BYTES: usize = 4 * 1024 * 1024;

/// One open document.
#[derive(Debug)]
struct Doc {
    version: i32,
    text: Arc<String>,
    /// Filled by the first request that needs the tree for this version.
    parsed: Arc<OnceLock<Arc<File>>>,
    /// The document is over [`MAX_ANALYZED_BYTES`] and that was logged.
    warned_large: bool,
}

/// An immutable view of one version of a document, for a request to work on.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub uri: String,
    pub version: i32,
    pub text: Arc<String>,
    parsed: Arc<OnceLock<Arc<File>>>,
}

impl Snapshot {
    /// The parsed text (parsing it now if no request has yet).
    pub fn file(&self) -> Arc<File> {
        self.parsed.get_or_init(|| Arc::new(kref_yaml::parse(&self.text))).clone()
    }

    /// Is the document small enough for hover and completion?
    pub fn analyzable(&self) -> bool {
        self.text.len() <= MAX_ANALYZED_BYTES
    }
}

/// What a change did, for logging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Applied,
    /// The document is not open: the change was dropped.
    NotOpen,
    /// Applied; the document just grew past [`MAX_ANALYZED_BYTES`] (first time only).
    BecameLarge {
        bytes: usize,
    },
}

/// The open documents by URI.
#[derive(Debug, Default)]
pub struct Documents {
    docs: DashMap<String, Doc>,
}

impl Documents {
    /// Opens (or reopens) a document.
    pub fn open(&self, uri: &str, version: i32, text: String) -> Changed {
        let bytes = text.len();
        let large = bytes > MAX_ANALYZED_BYTES;
        let doc = Doc { version, text: Arc::new(text), parsed: Arc::default(), warned_large: large };
        self.docs.insert(uri.to_string(), doc);
        if large { Changed::BecameLarge { bytes } } else { Changed::Applied }
    }

    /// Applies `changes` in order and sets the new version.
    pub fn change(
        &self,
        uri: &str,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> Changed {
        let Some(mut doc) = self.docs.get_mut(uri) else { return Changed::NotOpen };
        let text = Arc::make_mut(&mut doc.text);
        for change in changes {
            apply_change(text, change.range, &change.text, encoding);
        }
        let bytes = text.len();
        doc.version = version;
        doc.parsed = Arc::default();
        if bytes > MAX_ANALYZED_BYTES && !doc.warned_large {
            doc.warned_large = true;
            return Changed::BecameLarge { bytes };
        }
        if bytes <= MAX_ANALYZED_BYTES {
            doc.warned_large = false;
        }
        Changed::Applied
    }

    pub fn close(&self, uri: &str) {
        self.docs.remove(uri);
    }

    /// The current version of a document, if open.
    pub fn snapshot(&self, uri: &str) -> Option<Snapshot> {
        let doc = self.docs.get(uri)?;
        Some(Snapshot {
            uri: uri.to_string(),
            version: doc.version,
            text: doc.text.clone(),
            parsed: doc.parsed.clone(),
        })
    }

    /// Every open document.
    pub fn snapshots(&self) -> Vec<Snapshot> {
        self.docs
            .iter()
            .map(|entry| Snapshot {
                uri: entry.key().clone(),
                version: entry.version,
                text: entry.text.clone(),
                parsed: entry.parsed.clone(),
            })
            .collect()
    }

    /// Is `snapshot` still the current version of its document?
    pub fn is_current(&self, snapshot: &Snapshot) -> bool {
        self.docs
            .get(&snapshot.uri)
            .is_some_and(|d| d.version == snapshot.version && Arc::ptr_eq(&d.parsed, &snapshot.parsed))
    }
}

#[cfg(test)]
mod tests {
    use tower_lsp_server::ls_types::{Position, Range};

    use super::*;

    fn edit(line: u32, from: u32, to: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range {
                start: Position { line, character: from },
                end: Position { line, character: to },
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn changes_apply_in_order_and_snapshots_keep_their_version() {
        let docs = Documents::default();
        docs.open("file:///a.yaml", 1, "kind: Pod\n".into());
        let before = docs.snapshot("file:///a.yaml").unwrap();
        assert_eq!(before.file().documents[0].kind.as_ref().unwrap().0, "Pod");
        let changed = docs.change(
            "file:///a.yaml",
            2,
            vec![edit(0, 6, 9, "Service"), edit(0, 13, 13, "Account")],
            Encoding::Utf16,
        );
        assert_eq!(changed, Changed::Applied);
        let after = docs.snapshot("file:///a.yaml").unwrap();
        assert_eq!(after.text.as_str(), "kind: ServiceAccount\n");
        assert_eq!(after.file().documents[0].kind.as_ref().unwrap().0, "ServiceAccount");
        // The old snapshot still sees its own text, and knows it is stale.
        assert_eq!(before.text.as_str(), "kind: Pod\n");
        assert!(!docs.is_current(&before) && docs.is_current(&after));
        assert_eq!(docs.change("file:///b.yaml", 1, vec![], Encoding::Utf16), Changed::NotOpen);
        docs.close("file:///a.yaml");
        assert!(docs.snapshot("file:///a.yaml").is_none());
    }

    #[test]
    fn large_documents_are_reported_once() {
        let docs = Documents::default();
        docs.open("u", 1, String::new());
        let big = "a".repeat(MAX_ANALYZED_BYTES + 1);
        let full =
            |t: &str| TextDocumentContentChangeEvent { range: None, range_length: None, text: t.to_string() };
        assert_eq!(
            docs.change("u", 2, vec![full(&big)], Encoding::Utf8),
            Changed::BecameLarge { bytes: big.len() }
        );
        assert_eq!(docs.change("u", 3, vec![full(&big)], Encoding::Utf8), Changed::Applied);
        assert!(!docs.snapshot("u").unwrap().analyzable());
    }
}
