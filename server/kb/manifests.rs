//! Finding manifests on disk: the `*.yaml` and `*.yml` files under a folder, as `kref check`
//! and the language server's workspace scan both see them.

use std::path::{Path, PathBuf};

/// Is this a file name `kref check` and the workspace scan read (`.yaml` or `.yml`, any case)?
pub fn is_manifest_name(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

/// Names never read: hidden files and folders (`.git`, `.kref.yaml`, ...) and `node_modules`.
fn skipped(name: &str) -> bool {
    name.starts_with('.') || name == "node_modules"
}

/// Would the walk of `root` skip `path` (a hidden file, or one inside a skipped folder)?
pub fn is_skipped(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    rel.components().any(|c| c.as_os_str().to_str().is_some_and(skipped))
}

/// The manifest files under `root` in name order, and the entries that could not be read (as
/// messages). `root` itself is walked even when its own name would be skipped; hidden files
/// and folders and `node_modules` are not.
pub fn walk(root: &Path) -> impl Iterator<Item = Result<PathBuf, String>> {
    walkdir::WalkDir::new(root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(skipped))
        .filter_map(|entry| match entry {
            Ok(e) if e.file_type().is_file() && is_manifest_name(e.path()) => Some(Ok(e.into_path())),
            Ok(_) => None,
            Err(e) => Some(Err(e.to_string())),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_yaml_files_in_order_and_skips_hidden_folders() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "b.yaml",
            "a.yml",
            "notes.md",
            "sub/c.YAML",
            ".kref.yaml",
            ".git/x.yaml",
            "node_modules/m/y.yaml",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "kind: Pod\n").unwrap();
        }
        let found: Vec<String> =
            walk(root).map(|p| p.unwrap().strip_prefix(root).unwrap().display().to_string()).collect();
        assert_eq!(found, ["a.yml", "b.yaml", "sub/c.YAML"]);
        assert!(is_skipped(root, &root.join(".git/x.yaml")));
        assert!(is_skipped(root, &root.join("node_modules/m/y.yaml")));
        assert!(is_skipped(root, &root.join(".kref.yaml")));
        assert!(!is_skipped(root, &root.join("sub/c.YAML")));
    }
}
