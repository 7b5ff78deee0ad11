//! Deployment units: which objects are applied together, so that the cross-document rules
//! (duplicate objects, selectors, references, Ingress and HPA targets) compare only those.
//!
//! - the files a kustomization includes, transitively (resources, components, patches): one
//!   unit per kustomization no other includes; a base included by two overlays is in both;
//! - the files of one Helm chart (its subcharts included);
//! - units `.kref.yaml` declares (`units: [{name, paths}]`);
//! - otherwise one folder tree: the highest folder (under the checked one) that directly holds
//!   manifests, with everything below it that no unit above took.
//!
//! Kustomize, Helm and declared units are *applied together* for certain: two files there that
//! define the same object collide. A folder tree is only a guess (examples side by side are
//! often alternatives), so it resolves references but does not make duplicates.
//!
//! Also where a file sits in the project ([`Place`]: in a chart, named as a patch), which
//! turns its own class into its final one. Pure: paths in, plain data out.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use super::chart::{FileRole, role};
use super::classify::{Content, FileClass, KUSTOMIZATION_NAMES, Place, resolve};
use super::kustomize::{Generated, Kustomization};

/// How a unit was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnitKind {
    Kustomize,
    Helm,
    Declared,
    Folder,
    /// Documents found under no checked folder: no file (stdin, an unsaved editor buffer), or
    /// a file the editor opened outside its workspace folders. They see each other, as open
    /// documents with no project around them.
    Loose,
}

impl UnitKind {
    /// Are the unit's files applied together for certain (so a duplicate object collides)?
    pub fn applied_together(self) -> bool {
        matches!(self, UnitKind::Kustomize | UnitKind::Helm | UnitKind::Declared)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Kustomize => "kustomize",
            UnitKind::Helm => "helm",
            UnitKind::Declared => "declared",
            UnitKind::Folder => "folder",
            UnitKind::Loose => "loose",
        }
    }
}

/// One deployment unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub kind: UnitKind,
    /// The kustomization or chart file, the declared name, or the folder.
    pub name: String,
    /// ConfigMaps and Secrets its kustomizations generate.
    pub generated: Vec<Generated>,
    /// Files of it whose objects cannot be read (templates): what it defines is not all
    /// known, so nothing can be said to be missing from it.
    pub unreadable: usize,
}

/// A unit `.kref.yaml` declares: the files under `paths` (folders, files or globs with `*`
/// and `**`, absolute) are applied together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeclaredUnit {
    pub name: String,
    pub paths: Vec<PathBuf>,
}

/// One file of the project, as the layout needs it.
#[derive(Debug, Clone)]
pub struct LayoutFile<'a> {
    /// The key the caller knows the file by.
    pub key: &'a str,
    /// Its absolute path, `None` for a document that is no file.
    pub path: Option<&'a Path>,
    /// The folder it was found under (the checked folder, the workspace folder).
    pub root: Option<&'a Path>,
    pub content: &'a Content,
    /// For kustomization files: what they refer to.
    pub kustomization: Option<&'a Kustomization>,
}

/// What the layout says about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub place: Place,
    pub class: FileClass,
    /// Indexes into [`Layout::units`].
    pub units: Vec<u32>,
}

/// The units of a project and where each file sits.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub units: Vec<Unit>,
    files: HashMap<String, Placed>,
    /// Problems found on the way (a kustomization that includes itself), by file key.
    pub messages: Vec<(String, String)>,
}

/// Kustomizations nested deeper than this are not followed (a chain of bases that long is a
/// mistake; it also bounds the walk).
const MAX_KUSTOMIZE_DEPTH: usize = 64;

impl Layout {
    /// Lays out `files`: charts, kustomizations, declared units, folder trees.
    pub fn build(files: &[LayoutFile<'_>], declared: &[DeclaredUnit]) -> Layout {
        let mut b = Builder::new(files);
        b.charts();
        b.kustomize();
        b.declared(declared);
        b.finish()
    }

    /// Where `key` sits; `None` for a file the layout was not given.
    pub fn file(&self, key: &str) -> Option<&Placed> {
        self.files.get(key)
    }

    /// Number of files per class name ([`FileClass::group`]), sorted by name.
    pub fn class_counts(&self) -> Vec<(&'static str, usize)> {
        let mut counts: HashMap<&'static str, usize> = HashMap::new();
        for p in self.files.values() {
            *counts.entry(p.class.group()).or_default() += 1;
        }
        let mut out: Vec<_> = counts.into_iter().collect();
        out.sort();
        out
    }
}

struct Builder<'f, 'a> {
    files: &'f [LayoutFile<'a>],
    by_path: HashMap<PathBuf, usize>,
    places: Vec<Place>,
    units: Vec<Unit>,
    member: Vec<Vec<u32>>,
    messages: Vec<(String, String)>,
}

impl<'f, 'a> Builder<'f, 'a> {
    fn new(files: &'f [LayoutFile<'a>]) -> Builder<'f, 'a> {
        let by_path = files.iter().enumerate().filter_map(|(i, f)| Some((normalize(f.path?), i))).collect();
        Builder {
            files,
            by_path,
            places: vec![Place::default(); files.len()],
            units: Vec::new(),
            member: vec![Vec::new(); files.len()],
            messages: Vec::new(),
        }
    }

    fn path(&self, i: usize) -> Option<PathBuf> {
        self.files[i].path.map(normalize)
    }

    fn root(&self, i: usize) -> Option<PathBuf> {
        self.files[i].root.map(normalize)
    }

    fn add_unit(&mut self, kind: UnitKind, name: String, generated: Vec<Generated>) -> u32 {
        self.units.push(Unit { kind, name, generated, unreadable: 0 });
        (self.units.len() - 1) as u32
    }

    fn join(&mut self, file: usize, unit: u32) {
        if !self.member[file].contains(&unit) {
            self.member[file].push(unit);
        }
    }

    /// Charts: a folder with `Chart.yaml`. Each file gets its place in the nearest chart;
    /// the files of the top-most chart (subcharts included) are one unit.
    fn charts(&mut self) {
        let chart_dirs: HashSet<PathBuf> = (0..self.files.len())
            .filter(|&i| self.files[i].path.is_some_and(|p| p.file_name().is_some_and(|n| n == "Chart.yaml")))
            .filter_map(|i| self.path(i)?.parent().map(Path::to_path_buf))
            .collect();
        if chart_dirs.is_empty() {
            return;
        }
        let mut chart_units: HashMap<PathBuf, u32> = HashMap::new();
        for i in 0..self.files.len() {
            let (Some(path), Some(root)) = (self.path(i), self.root(i)) else { continue };
            let ancestors: Vec<&Path> = path
                .ancestors()
                .skip(1)
                .take_while(|a| a.starts_with(&root))
                .filter(|a| chart_dirs.contains(*a))
                .collect();
            let (Some(nearest), Some(top)) = (ancestors.first(), ancestors.last()) else { continue };
            self.places[i].chart = Some(chart_role(path.strip_prefix(nearest).unwrap_or(&path)));
            let unit = match chart_units.get(*top) {
                Some(u) => *u,
                None => {
                    let chart = top.join("Chart.yaml").display().to_string();
                    let u = self.add_unit(UnitKind::Helm, chart, Vec::new());
                    chart_units.insert(top.to_path_buf(), u);
                    u
                }
            };
            self.join(i, unit);
        }
    }

    /// Kustomizations: the graph of what includes what, one unit per kustomization nothing
    /// includes, with every file it reaches.
    fn kustomize(&mut self) {
        // The kustomization of each folder that has one.
        let mut by_dir: HashMap<PathBuf, usize> = HashMap::new();
        for (i, f) in self.files.iter().enumerate() {
            let named = f
                .path
                .and_then(|p| p.file_name())
                .and_then(|n| n.to_str())
                .is_some_and(|n| KUSTOMIZATION_NAMES.contains(&n));
            if named
                && f.kustomization.is_some()
                && let Some(dir) = self.path(i).and_then(|p| p.parent().map(Path::to_path_buf))
            {
                by_dir.entry(dir).or_insert(i);
            }
        }
        if by_dir.is_empty() {
            return;
        }
        // Edges and direct members.
        let mut edges: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut direct: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut included: HashSet<usize> = HashSet::new();
        let mut kustomizations: Vec<usize> = by_dir.values().copied().collect();
        kustomizations.sort_unstable();
        for &k in &kustomizations {
            let Some(kz) = self.files[k].kustomization else { continue };
            let Some(dir) = self.path(k).and_then(|p| p.parent().map(Path::to_path_buf)) else { continue };
            let mut members = vec![k];
            for (list, patch) in [
                (&kz.resources, false),
                (&kz.components, false),
                (&kz.patches, true),
                (&kz.json_patches, true),
            ] {
                for r in list.iter().filter(|r| !super::kustomize::is_remote(r)) {
                    let target = normalize(&dir.join(r));
                    if let Some(&f) = self.by_path.get(&target) {
                        if by_dir.get(&dir) == Some(&f) && f == k {
                            continue;
                        }
                        if patch {
                            self.places[f].kustomize_patch = true;
                        }
                        members.push(f);
                    } else if let Some(&sub) = by_dir.get(&target) {
                        edges.entry(k).or_default().push(sub);
                        included.insert(sub);
                    }
                }
            }
            direct.insert(k, members);
        }
        let mut roots: Vec<usize> =
            kustomizations.iter().copied().filter(|k| !included.contains(k)).collect();
        let mut covered: HashSet<usize> = HashSet::new();
        let mut r = 0;
        loop {
            while r < roots.len() {
                let root = roots[r];
                r += 1;
                let mut seen = HashSet::new();
                let mut files = Vec::new();
                let mut generated = Vec::new();
                self.reach(root, &edges, &direct, &mut seen, &mut Vec::new(), &mut files, &mut generated, 0);
                covered.extend(seen.iter().copied());
                let name = self.files[root]
                    .path
                    .map_or_else(|| self.files[root].key.to_string(), |p| p.display().to_string());
                let unit = self.add_unit(UnitKind::Kustomize, name, generated);
                for f in files {
                    self.join(f, unit);
                }
            }
            // Kustomizations only reachable from a cycle: start from the first of them.
            match kustomizations.iter().find(|k| !covered.contains(k)) {
                Some(&k) => roots.push(k),
                None => break,
            }
        }
    }

    /// Walks the kustomizations `k` includes, collecting files and generated objects; a
    /// kustomization met again on the current path is a cycle (reported once, not followed).
    #[allow(clippy::too_many_arguments)]
    fn reach(
        &mut self,
        k: usize,
        edges: &HashMap<usize, Vec<usize>>,
        direct: &HashMap<usize, Vec<usize>>,
        seen: &mut HashSet<usize>,
        stack: &mut Vec<usize>,
        files: &mut Vec<usize>,
        generated: &mut Vec<Generated>,
        depth: usize,
    ) {
        if depth > MAX_KUSTOMIZE_DEPTH || !seen.insert(k) {
            return;
        }
        stack.push(k);
        files.extend(direct.get(&k).into_iter().flatten().copied());
        if let Some(kz) = self.files[k].kustomization {
            generated.extend(kz.generated.iter().cloned());
        }
        for &sub in edges.get(&k).into_iter().flatten() {
            if stack.contains(&sub) {
                let key = self.files[k].key.to_string();
                let message = if sub == k {
                    "this kustomization includes itself; kustomize fails on it (the cycle is left out here)"
                        .to_string()
                } else {
                    let other = self.files[sub]
                        .path
                        .map_or_else(|| self.files[sub].key.to_string(), |p| p.display().to_string());
                    format!(
                        "this kustomization and {other} include each other; kustomize fails on the cycle (left out here)"
                    )
                };
                if !self.messages.iter().any(|(k2, m)| *k2 == key && *m == message) {
                    self.messages.push((key, message));
                }
                continue;
            }
            self.reach(sub, edges, direct, seen, stack, files, generated, depth + 1);
        }
        stack.pop();
    }

    fn declared(&mut self, declared: &[DeclaredUnit]) {
        for d in declared {
            let mut unit = None;
            for i in 0..self.files.len() {
                let Some(path) = self.path(i) else { continue };
                if d.paths.iter().any(|p| path_matches(&normalize(p), &path)) {
                    let u = *unit.get_or_insert_with(|| {
                        self.units.push(Unit {
                            kind: UnitKind::Declared,
                            name: d.name.clone(),
                            generated: Vec::new(),
                            unreadable: 0,
                        });
                        (self.units.len() - 1) as u32
                    });
                    self.join(i, u);
                }
            }
        }
    }

    fn finish(mut self) -> Layout {
        let classes: Vec<FileClass> =
            (0..self.files.len()).map(|i| resolve(self.files[i].content, self.places[i])).collect();
        // Folder trees for the manifests (and templates of manifests) no unit took.
        let leftover = |i: usize, b: &Builder<'_, '_>| {
            b.member[i].is_empty() && (classes[i].has_objects() || classes[i] == FileClass::Template)
        };
        let mut holding: HashSet<PathBuf> = HashSet::new();
        for i in 0..self.files.len() {
            if leftover(i, &self)
                && let Some(dir) = self.path(i).and_then(|p| p.parent().map(Path::to_path_buf))
            {
                holding.insert(dir);
            }
        }
        let mut folder_units: HashMap<PathBuf, u32> = HashMap::new();
        let mut loose = None;
        for i in 0..self.files.len() {
            if !leftover(i, &self) {
                continue;
            }
            let (path, root) = (self.path(i), self.root(i));
            let (Some(path), Some(root)) = (path, root) else {
                let u = match loose {
                    Some(u) => u,
                    None => *loose.insert(self.add_unit(UnitKind::Loose, "(no folder)".into(), Vec::new())),
                };
                self.join(i, u);
                continue;
            };
            let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
            let mut top = dir.clone();
            for a in dir.ancestors() {
                if !a.starts_with(&root) {
                    break;
                }
                if holding.contains(a) {
                    top = a.to_path_buf();
                }
            }
            let unit = match folder_units.get(&top) {
                Some(u) => *u,
                None => {
                    let u = self.add_unit(UnitKind::Folder, top.display().to_string(), Vec::new());
                    folder_units.insert(top, u);
                    u
                }
            };
            self.join(i, unit);
        }
        for (i, class) in classes.iter().enumerate() {
            if matches!(class, FileClass::Template | FileClass::Helm(super::classify::HelmPart::Template)) {
                for u in &self.member[i] {
                    self.units[*u as usize].unreadable += 1;
                }
            }
        }
        let mut files = HashMap::with_capacity(self.files.len());
        for (i, f) in self.files.iter().enumerate() {
            let mut units = std::mem::take(&mut self.member[i]);
            units.sort_unstable();
            files.insert(f.key.to_string(), Placed { place: self.places[i], class: classes[i], units });
        }
        Layout { units: self.units, files, messages: self.messages }
    }
}

/// The role of a file in the chart whose root `rel` is relative to.
fn chart_role(rel: &Path) -> FileRole {
    let parts: Vec<&str> = rel.components().filter_map(|c| c.as_os_str().to_str()).collect();
    role(&parts.join("/"))
}

/// `a/./b/../c` → `a/c`, lexically (no IO: links are not followed).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Does `path` fall under `pattern`: the same file, a file under that folder, or a match of a
/// glob (`*` within one name, `**` across folders, `?` one character)?
pub fn path_matches(pattern: &Path, path: &Path) -> bool {
    let pattern_text = pattern.to_string_lossy();
    if !pattern_text.contains(['*', '?']) {
        return path.starts_with(pattern);
    }
    let pat: Vec<String> =
        pattern.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    let segs: Vec<String> = path.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    // A glob that names folders takes the files below them too.
    (0..=segs.len()).any(|n| glob_segments(&pat, &segs[..n]))
}

fn glob_segments(pat: &[String], segs: &[String]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((p, rest)) if p == "**" => (0..=segs.len()).any(|skip| glob_segments(rest, &segs[skip..])),
        Some((p, rest)) => segs
            .split_first()
            .is_some_and(|(s, srest)| glob_name(p.as_bytes(), s.as_bytes()) && glob_segments(rest, srest)),
    }
}

fn glob_name(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob_name(&p[1..], s) || (!s.is_empty() && glob_name(p, &s[1..])),
        (Some(b'?'), Some(_)) => glob_name(&p[1..], &s[1..]),
        (Some(a), Some(b)) if a == b => glob_name(&p[1..], &s[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::project::{classify, kustomize};

    /// A project from `(relative path, text)` pairs under `/p`.
    struct Project {
        keys: Vec<String>,
        paths: Vec<PathBuf>,
        contents: Vec<Content>,
        kustomizations: Vec<Option<Kustomization>>,
    }

    impl Project {
        fn new(files: &[(&str, &str)]) -> Project {
            let mut p = Project {
                keys: Vec::new(),
                paths: Vec::new(),
                contents: Vec::new(),
                kustomizations: Vec::new(),
            };
            for (rel, text) in files {
                let file = kref_yaml::parse(text);
                p.keys.push(rel.to_string());
                p.paths.push(Path::new("/p").join(rel));
                p.contents.push(classify::content_class(Path::new(rel), &file));
                let is_k = KUSTOMIZATION_NAMES.iter().any(|n| rel.ends_with(n));
                p.kustomizations.push(is_k.then(|| kustomize::parse(&file)));
            }
            p
        }

        fn layout(&self, declared: &[DeclaredUnit]) -> Layout {
            let root = Path::new("/p");
            let files: Vec<LayoutFile<'_>> = (0..self.keys.len())
                .map(|i| LayoutFile {
                    key: &self.keys[i],
                    path: Some(&self.paths[i]),
                    root: Some(root),
                    content: &self.contents[i],
                    kustomization: self.kustomizations[i].as_ref(),
                })
                .collect();
            Layout::build(&files, declared)
        }
    }

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n";
    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n";

    fn unit_names(layout: &Layout, key: &str) -> Vec<String> {
        let placed = layout.file(key).unwrap_or_else(|| panic!("{key} not laid out"));
        placed
            .units
            .iter()
            .map(|u| {
                let unit = &layout.units[*u as usize];
                format!("{}:{}", unit.kind.as_str(), unit.name.trim_start_matches("/p/"))
            })
            .collect()
    }

    #[test]
    fn kustomizations_make_units_with_what_they_include() {
        let p = Project::new(&[
            ("plain/deploy.yaml", DEPLOY),
            ("plain/svc.yaml", SVC),
            ("k/base/kustomization.yaml", "resources: [deploy.yaml]\n"),
            ("k/base/deploy.yaml", DEPLOY),
            ("k/base/unused.yaml", SVC),
            (
                "k/prod/kustomization.yaml",
                "resources: [../base, svc.yaml]\npatches:\n- path: replicas.yaml\nconfigMapGenerator:\n- name: settings\n",
            ),
            ("k/prod/svc.yaml", SVC),
            ("k/prod/replicas.yaml", DEPLOY),
            ("k/dev/kustomization.yaml", "resources: [../base]\n"),
        ]);
        let layout = p.layout(&[]);
        assert_eq!(unit_names(&layout, "plain/deploy.yaml"), ["folder:plain"]);
        assert_eq!(unit_names(&layout, "plain/svc.yaml"), ["folder:plain"]);
        let base = unit_names(&layout, "k/base/deploy.yaml");
        assert_eq!(base, ["kustomize:k/prod/kustomization.yaml", "kustomize:k/dev/kustomization.yaml"]);
        assert_eq!(unit_names(&layout, "k/prod/svc.yaml"), ["kustomize:k/prod/kustomization.yaml"]);
        assert_eq!(layout.file("k/prod/replicas.yaml").unwrap().class, FileClass::Patch);
        assert_eq!(
            unit_names(&layout, "k/base/unused.yaml"),
            ["folder:k/base"],
            "a file no kustomization includes"
        );
        let prod = layout.units.iter().find(|u| u.name.ends_with("prod/kustomization.yaml")).unwrap();
        assert_eq!(prod.generated[0].name, "settings");
        assert!(layout.messages.is_empty());
    }

    #[test]
    fn a_kustomization_that_includes_itself_is_reported_not_followed() {
        let p = Project::new(&[
            ("a/kustomization.yaml", "resources: [., ../b, x.yaml]\n"),
            ("a/x.yaml", DEPLOY),
            ("b/kustomization.yaml", "resources: [../a]\n"),
        ]);
        let layout = p.layout(&[]);
        assert_eq!(unit_names(&layout, "a/x.yaml"), ["kustomize:a/kustomization.yaml"]);
        assert_eq!(layout.messages.len(), 2, "{:?}", layout.messages);
        assert!(layout.messages.iter().any(|(_, m)| m.contains("includes itself")), "{:?}", layout.messages);
        assert!(
            layout.messages.iter().any(|(_, m)| m.contains("include each other")),
            "{:?}",
            layout.messages
        );
    }

    #[test]
    fn charts_folders_and_declared_units() {
        let p = Project::new(&[
            ("chart/Chart.yaml", "apiVersion: v2\nname: c\nversion: 1.0.0\n"),
            ("chart/values.yaml", "replicas: 1\n"),
            ("chart/templates/d.yaml", "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"),
            ("chart/crds/w.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: n}\n"),
            ("examples/one/a.yaml", DEPLOY),
            ("examples/one/sub/b.yaml", SVC),
            ("examples/two/a.yaml", DEPLOY),
            ("team/x/a.yaml", DEPLOY),
            ("team/y/b.yaml", SVC),
        ]);
        let layout =
            p.layout(&[DeclaredUnit { name: "team".into(), paths: vec![PathBuf::from("/p/team/*/")] }]);
        assert_eq!(
            layout.file("chart/values.yaml").unwrap().class,
            FileClass::Helm(classify::HelmPart::Values)
        );
        assert_eq!(layout.file("chart/crds/w.yaml").unwrap().class, FileClass::Manifest);
        assert_eq!(unit_names(&layout, "chart/crds/w.yaml"), ["helm:chart/Chart.yaml"]);
        assert_eq!(unit_names(&layout, "examples/one/sub/b.yaml"), ["folder:examples/one"]);
        assert_eq!(unit_names(&layout, "examples/two/a.yaml"), ["folder:examples/two"]);
        assert_eq!(unit_names(&layout, "team/x/a.yaml"), ["declared:team"]);
        assert_eq!(unit_names(&layout, "team/y/b.yaml"), ["declared:team"]);
        let counts = layout.class_counts();
        assert!(counts.contains(&("helm", 3)), "{counts:?}");
        assert!(counts.contains(&("manifest", 6)), "{counts:?}");
    }

    #[test]
    fn globs() {
        assert!(path_matches(Path::new("/p/a/**/x.yaml"), Path::new("/p/a/b/c/x.yaml")));
        assert!(path_matches(Path::new("/p/a/*"), Path::new("/p/a/b/c.yaml")));
        assert!(!path_matches(Path::new("/p/a/*.yml"), Path::new("/p/a/b.yaml")));
        assert!(path_matches(Path::new("/p/a"), Path::new("/p/a/b.yaml")));
        assert_eq!(normalize(Path::new("/p/a/./b/../c")), PathBuf::from("/p/a/c"));
    }
}
