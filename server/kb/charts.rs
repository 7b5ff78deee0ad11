//! Reading Helm charts from disk: the files of a chart folder (and its vendored subcharts) as
//! `(path relative to the chart, text)` pairs for [`crate::analysis::helm::LoadedChart::load`],
//! and the chart a file belongs to. Shared by `kref check` and the language server.

use std::path::{Path, PathBuf};

use crate::analysis::helm::{FileRole, role};

/// Files of a chart read at most (a chart is tens of files; a stray `charts/` tree is not).
const MAX_FILES: usize = 5_000;
/// Bytes of one file read at most; larger files are left out (a 5 MB values.yaml still fits).
const MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The text files of the chart at `dir` that Helm reads (Chart.yaml, values files, the values
/// schema, templates, subcharts under `charts/`), with `/`-separated paths relative to `dir`.
/// Hidden entries are skipped; unreadable and non-UTF-8 files are left out (packaged `.tgz`
/// subcharts are listed with no text, so the chart knows they are there).
pub fn read_chart(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let walk = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_some_and(|n| n.starts_with('.')));
    for entry in walk.filter_map(Result::ok) {
        if out.len() >= MAX_FILES {
            break;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(dir) else { continue };
        let rel: Vec<&str> = rel.components().filter_map(|c| c.as_os_str().to_str()).collect();
        let rel = rel.join("/");
        if !wanted(&rel) {
            continue;
        }
        if rel.ends_with(".tgz") {
            out.push((rel, String::new()));
            continue;
        }
        if entry.metadata().is_ok_and(|m| m.len() > MAX_BYTES) {
            continue;
        }
        if let Ok(text) = std::fs::read_to_string(entry.path()) {
            out.push((rel, text));
        }
    }
    out
}

/// Does Helm read this file of a chart (relative path), in the chart or a vendored subchart?
fn wanted(rel: &str) -> bool {
    // The path inside the innermost `charts/<name>/` folder.
    let mut inner = rel;
    while let Some(rest) = inner.strip_prefix("charts/") {
        match rest.split_once('/') {
            Some((_, below)) => inner = below,
            None => return rest.ends_with(".tgz"),
        }
    }
    !matches!(role(inner), FileRole::Other | FileRole::HelmIgnore | FileRole::Crd)
}

/// The folder of the chart holding `path` (the nearest folder upwards with a `Chart.yaml`,
/// at most 8 levels), and the outermost chart above it (a subchart's parent, through
/// `charts/<name>/`).
pub fn chart_of(path: &Path) -> Option<PathBuf> {
    let mut dir = path.parent();
    let mut found = None;
    for _ in 0..8 {
        let Some(d) = dir else { break };
        if d.join("Chart.yaml").is_file() {
            found = Some(d.to_path_buf());
            break;
        }
        dir = d.parent();
    }
    let mut chart = found?;
    // A vendored subchart's values and names come from its parents: load the whole tree.
    while let Some(parent) = chart.parent().filter(|p| p.file_name().is_some_and(|n| n == "charts"))
        && let Some(top) = parent.parent()
        && top.join("Chart.yaml").is_file()
    {
        chart = top.to_path_buf();
    }
    Some(chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_helm_reads_and_finds_the_chart_of_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "Chart.yaml",
            "values.yaml",
            "values.schema.json",
            "README.md",
            "templates/deploy.yaml",
            "templates/_helpers.tpl",
            "templates/NOTES.txt",
            "charts/sub/Chart.yaml",
            "charts/sub/templates/a.yaml",
            "charts/sub/docs/x.md",
            ".git/config",
            "ci/values-test.yaml",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "a: 1\n").unwrap();
        }
        let names: Vec<String> = read_chart(root).into_iter().map(|(p, _)| p).collect();
        assert_eq!(
            names,
            [
                "Chart.yaml",
                "charts/sub/Chart.yaml",
                "charts/sub/templates/a.yaml",
                "ci/values-test.yaml",
                "templates/NOTES.txt",
                "templates/_helpers.tpl",
                "templates/deploy.yaml",
                "values.schema.json",
                "values.yaml",
            ]
        );
        assert_eq!(chart_of(&root.join("templates/deploy.yaml")).as_deref(), Some(root));
        assert_eq!(chart_of(&root.join("charts/sub/templates/a.yaml")).as_deref(), Some(root));
        assert_eq!(chart_of(&root.join("README.md")).as_deref(), Some(root));
    }
}
