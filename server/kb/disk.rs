//! The disk as the Kustomize features read it ([`crate::analysis::kustomize::Fs`]), with the
//! editor's open documents laid over it when the language server has some.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::analysis::kustomize::{Entry, Fs};

/// Files larger than this are not read for a kustomization build (a generator file of
/// hundreds of megabytes is a mistake, and would stall the check).
const MAX_READ: u64 = 16 * 1024 * 1024;

/// The disk, with open documents (absolute path → text) taking the place of their files.
#[derive(Debug, Default, Clone)]
pub struct DiskFs {
    pub open: HashMap<PathBuf, String>,
}

impl Fs for DiskFs {
    fn entry(&self, path: &Path) -> Entry {
        if self.open.contains_key(path) {
            return Entry::File;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => Entry::Dir,
            Ok(_) => Entry::File,
            Err(_) => Entry::Missing,
        }
    }

    fn read(&self, path: &Path) -> Option<String> {
        if let Some(text) = self.open.get(path) {
            return Some(text.clone());
        }
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() || meta.len() > MAX_READ {
            return None;
        }
        String::from_utf8(std::fs::read(path).ok()?).ok()
    }
}
