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

/// The ignore files the walk honours in every folder (and in the folders above the root).
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// Would the walk of `root` skip `path`: a hidden file, one inside a skipped folder, or one a
/// `.gitignore` or `.ignore` file excludes (the deepest file that speaks about it decides, as
/// in git)?
pub fn is_skipped(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    if rel.components().any(|c| c.as_os_str().to_str().is_some_and(skipped)) {
        return true;
    }
    for dir in path.ancestors().skip(1) {
        for name in IGNORE_FILES.iter().rev() {
            let file = dir.join(name);
            if !file.is_file() {
                continue;
            }
            let (rules, _) = ignore::gitignore::Gitignore::new(&file);
            match rules.matched_path_or_any_parents(path, false) {
                ignore::Match::Ignore(_) => return true,
                ignore::Match::Whitelist(_) => return false,
                ignore::Match::None => {}
            }
        }
    }
    false
}

/// The walk of `root` every scan of the user's files shares (manifests and notes): hidden
/// entries and what `.gitignore` or `.ignore` files (in its folders and above it) exclude are
/// left out, in a git repository or not; symbolic links are not followed; names in order.
pub fn walker(root: &Path) -> ignore::WalkBuilder {
    let mut walker = ignore::WalkBuilder::new(root);
    walker
        .standard_filters(false)
        .hidden(true)
        .git_ignore(true)
        .ignore(true)
        .parents(true)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(std::ffi::OsStr::cmp);
    walker
}

/// The manifest files under `root` in name order, and the entries that could not be read (as
/// messages). `root` itself is walked even when its own name would be skipped; hidden files
/// and folders, `node_modules` and what `.gitignore` or `.ignore` files exclude (vendored
/// charts, build outputs) are not, in a git repository or not.
pub fn walk(root: &Path) -> impl Iterator<Item = Result<PathBuf, String>> {
    walker(root).filter_entry(|e| e.depth() == 0 || e.file_name() != "node_modules").build().filter_map(
        |entry| match entry {
            Ok(e) if e.file_type().is_some_and(|t| t.is_file()) && is_manifest_name(e.path()) => {
                Some(Ok(e.into_path()))
            }
            Ok(_) => None,
            Err(e) => Some(Err(e.to_string())),
        },
    )
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

    #[test]
    fn ignore_files_exclude_vendored_and_built_manifests_in_walk_and_watch_alike() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "app/deploy.yaml",
            "vendor/chart/templates/x.yaml",
            "dist/rendered.yaml",
            "dist/keep.yaml",
            "app/generated/out.yaml",
            "app/tmp.yaml",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "kind: Pod\n").unwrap();
        }
        // Not a git repository: the ignore files count all the same.
        std::fs::write(root.join(".gitignore"), "vendor/\ndist/*\n!dist/keep.yaml\n").unwrap();
        std::fs::write(root.join("app/.ignore"), "generated/\ntmp.yaml\n").unwrap();
        let found: Vec<String> =
            walk(root).map(|p| p.unwrap().strip_prefix(root).unwrap().display().to_string()).collect();
        assert_eq!(found, ["app/deploy.yaml", "dist/keep.yaml"]);
        for f in
            ["vendor/chart/templates/x.yaml", "dist/rendered.yaml", "app/generated/out.yaml", "app/tmp.yaml"]
        {
            assert!(is_skipped(root, &root.join(f)), "{f}");
        }
        for f in ["app/deploy.yaml", "dist/keep.yaml"] {
            assert!(!is_skipped(root, &root.join(f)), "{f}");
        }
        // A folder given by name is walked even where an ignore file above excludes it.
        let inside: Vec<String> = walk(&root.join("vendor/chart"))
            .map(|p| p.unwrap().strip_prefix(root).unwrap().display().to_string())
            .collect();
        assert_eq!(inside, ["vendor/chart/templates/x.yaml"]);
    }
}
