//! The manifests of the workspace folders on disk, for the cross-document rules: read once after
//! `initialized`, then kept current by watched-file events and by closing documents.
//!
//! Files are known by a key: the path for `file:` URIs and for files found on disk, the URI
//! itself otherwise, so that a file the editor opens replaces what the scan read from disk
//! instead of counting twice.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use tower_lsp_server::ls_types::Uri;

use super::documents::MAX_ANALYZED_BYTES;
use crate::analysis::model::project::FileFacts;
use crate::analysis::model::{Object, defines_crd};
use crate::analysis::navigate::index::{FileNav, index_file};
use crate::kb::manifests;

/// At most this many files are read by the scan; a larger tree is read in part (logged).
pub const MAX_FILES: usize = 5_000;

/// One YAML file read from disk: its objects and what the project layout needs of it.
#[derive(Debug, Clone)]
pub struct DiskFile {
    pub objects: Vec<Object>,
    /// What navigation (references, rename, workspace symbols) knows of it.
    pub nav: FileNav,
    pub facts: FileFacts,
}

/// What the scan of the workspace folders found.
#[derive(Debug, Default)]
pub struct Scan {
    /// Key, objects and facts of each YAML file read.
    pub files: Vec<(String, DiskFile)>,
    /// Files looked at.
    pub read: usize,
    /// Files left out: over the size limit, not UTF-8, unreadable, or past [`MAX_FILES`].
    pub skipped: Vec<String>,
    /// Files that define CustomResourceDefinitions.
    pub crds: Vec<PathBuf>,
}

/// The key of a document the editor names by `uri`.
pub fn key_of_uri(uri: &str) -> String {
    Uri::from_str(uri)
        .ok()
        .filter(|u| u.scheme().as_str().eq_ignore_ascii_case("file"))
        .and_then(|u| u.to_file_path().map(|p| key_of_path(&p)))
        .unwrap_or_else(|| uri.to_string())
}

/// The key of a file on disk.
pub fn key_of_path(path: &Path) -> String {
    path.display().to_string()
}

/// The URI of a key, for related information that points into another file.
pub fn uri_of_key(key: &str) -> Option<Uri> {
    let path = Path::new(key);
    if path.is_absolute() { Uri::from_file_path(path) } else { Uri::from_str(key).ok() }
}

/// The text of the manifest at `path`, or why it was not read (over the size limit, not
/// UTF-8, unreadable).
pub fn read_manifest(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if meta.len() > MAX_ANALYZED_BYTES as u64 {
        return Err(format!("{}: over {} MB", path.display(), MAX_ANALYZED_BYTES / 1_048_576));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", path.display()))
}

/// [`read_manifest`] for callers that only need the text, when there is one.
pub fn read_text(path: &Path) -> Option<String> {
    path.is_absolute().then(|| read_manifest(path).ok()).flatten()
}

/// The objects and facts of the YAML file at `path` (found under `root`), or why it was not
/// read.
pub fn read_file(path: &Path, root: Option<&Path>) -> Result<DiskFile, String> {
    read_manifest(path).map(|text| {
        let file = kref_yaml::parse(&text);
        DiskFile {
            objects: Object::of_file(&file),
            nav: index_file(&file),
            facts: FileFacts::read(Some(path), root, &file),
        }
    })
}

/// The workspace folder `path` is under (the first that holds it).
pub fn root_of<'r>(roots: &'r [PathBuf], path: &Path) -> Option<&'r Path> {
    roots.iter().find(|r| path.starts_with(r)).map(PathBuf::as_path)
}

/// Is `path` a manifest the scan of `roots` would read?
pub fn is_watched(roots: &[PathBuf], path: &Path) -> bool {
    manifests::is_manifest_name(path)
        && roots.iter().any(|root| path.starts_with(root) && !manifests::is_skipped(root, path))
}

/// Reads the manifests under `roots` (see [`crate::kb::manifests::walk`]).
pub fn scan(roots: &[PathBuf]) -> Scan {
    let mut scan = Scan::default();
    for root in roots {
        for found in manifests::walk(root) {
            let path = match found {
                Ok(p) => p,
                Err(e) => {
                    scan.skipped.push(e);
                    continue;
                }
            };
            if scan.read >= MAX_FILES {
                scan.skipped.push(format!("{}: past the first {MAX_FILES} files", path.display()));
                continue;
            }
            scan.read += 1;
            match read_file(&path, Some(root)) {
                Ok(file) => {
                    if defines_crd(&file.objects) {
                        scan.crds.push(path.clone());
                    }
                    scan.files.push((key_of_path(&path), file));
                }
                Err(e) => scan.skipped.push(e),
            }
        }
    }
    scan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_uris_and_scanned_paths_share_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("my app").join("deploy.yaml");
        let uri = Uri::from_file_path(&path).unwrap();
        assert!(uri.as_str().contains("my%20app"), "{}", uri.as_str());
        assert_eq!(key_of_uri(uri.as_str()), key_of_path(&path));
        assert_eq!(uri_of_key(&key_of_path(&path)).unwrap(), uri);
        // Documents that are no files keep their URI.
        assert_eq!(key_of_uri("untitled:Untitled-1"), "untitled:Untitled-1");
        assert_eq!(uri_of_key("untitled:Untitled-1").unwrap().as_str(), "untitled:Untitled-1");
    }

    #[test]
    fn scan_reads_objects_and_skips_what_it_cannot_read() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("app.yaml"), "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n")
            .unwrap();
        std::fs::write(root.join("values.yaml"), "replicas: 2\n").unwrap();
        std::fs::write(root.join("bad.yaml"), b"kind: \xff\n").unwrap();
        std::fs::create_dir(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/x.yaml"), "apiVersion: v1\nkind: Pod\n").unwrap();
        let scan = scan(&[root.to_path_buf()]);
        assert_eq!(scan.read, 3);
        assert_eq!(scan.files.len(), 2, "{:?}", scan.files);
        assert_eq!(scan.files[0].0, key_of_path(&root.join("app.yaml")));
        assert_eq!(scan.files[0].1.objects[0].name.as_deref(), Some("web"));
        assert_eq!(scan.files[1].1.facts.content.class.name(), "yaml", "values are other YAML");
        assert!(
            scan.skipped.iter().any(|s| s.contains("bad.yaml") && s.contains("UTF-8")),
            "{:?}",
            scan.skipped
        );
        assert!(is_watched(&[root.to_path_buf()], &root.join("sub/app.yml")));
        assert!(!is_watched(&[root.to_path_buf()], &root.join(".git/x.yaml")));
        assert!(!is_watched(&[root.to_path_buf()], &root.join("notes.md")));
        assert!(!is_watched(&[root.to_path_buf()], Path::new("/elsewhere/app.yaml")));
    }
}
