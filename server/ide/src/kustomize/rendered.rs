//! An overlay checked as it will be applied: the built objects run through the diagnostics
//! engine together (so references, selectors and duplicates see exactly what the overlay
//! applies), and each finding is carried back to the source line that caused it: the patch
//! file that last set the field, else the file the object came from. Findings with no such line
//! (a value a transformer made) are left out rather than reported somewhere misleading.

use std::path::{Path, PathBuf};

use kref_yaml::{File, Node, NodeValue, Segment, TextRange};

use super::Fs;
use super::build::{Build, Built, render_order};
use crate::diagnostics::{self, Diagnostic, RuleConfig};
use crate::knowledge::Knowledge;

/// A finding of the built overlay, at a line of one of its source files.
#[derive(Debug, Clone)]
pub struct Finding {
    pub file: PathBuf,
    /// Its range is in that file's text.
    pub diagnostic: Diagnostic,
}

/// Checks the objects of `build` together and maps each finding to its source file.
pub fn check(build: &Build, fs: &dyn Fs, kb: &Knowledge, config: &RuleConfig) -> Vec<Finding> {
    let (text, order) = render_order(&build.objects);
    if order.is_empty() {
        return Vec::new();
    }
    let rendered = kref_yaml::parse(&text);
    let report = diagnostics::diagnose_workspace(&[("rendered", &rendered)], kb, config)
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut sources: Vec<(PathBuf, Option<File>)> = Vec::new();
    let mut out = Vec::new();
    for d in report.diagnostics {
        let loc = rendered.locate(d.range.start);
        let Some(&object) = order.get(loc.document) else { continue };
        let o = &build.objects[object];
        let Some(doc_root) = rendered.documents.get(loc.document).and_then(|doc| doc.root.as_ref()) else {
            continue;
        };
        let on_key = matches!(loc.target, kref_yaml::Target::Key { .. });
        if let Some((file, range)) = source_of(o, doc_root, &loc.path.0, on_key, fs, &mut sources) {
            let mut d = d;
            d.range = range;
            d.related.clear();
            d.fixes.clear();
            out.push(Finding { file, diagnostic: d });
        }
    }
    out
}

/// The file and range that gave the value at `path` of the built object: the patches that
/// touched it (last first), then its own file.
fn source_of(
    o: &Built,
    rendered: &Node,
    path: &[Segment],
    on_key: bool,
    fs: &dyn Fs,
    cache: &mut Vec<(PathBuf, Option<File>)>,
) -> Option<(PathBuf, TextRange)> {
    let candidates = o.patched_by.iter().rev().chain(std::iter::once(&o.file));
    for file in candidates {
        let i = match cache.iter().position(|(p, _)| p == file) {
            Some(i) => i,
            None => {
                cache.push((file.clone(), fs.read(file).map(|t| kref_yaml::parse(&t))));
                cache.len() - 1
            }
        };
        let Some(parsed) = &cache[i].1 else { continue };
        if file != &o.file && is_kustomization(file) {
            // A patch written inline in the kustomization: found in its text, or nowhere (the
            // base line did not cause what the patch set).
            match inline_source(o, parsed, rendered, path, on_key) {
                Some(Some(range)) => return Some((file.clone(), range)),
                Some(None) => return None,
                None => continue,
            }
        }
        for doc in &parsed.documents {
            let Some(root) = &doc.root else { continue };
            let kind = root.get("kind").and_then(Node::as_str);
            let name = root.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str);
            if kind != Some(o.kind()) || !name.is_some_and(|n| o.had_name(n)) {
                continue;
            }
            if file != &o.file && identifies_only(path) {
                // A patch names a list item by its key to change something else in it.
                continue;
            }
            if let Some(range) = follow(rendered, root, path, on_key) {
                return Some((file.clone(), range));
            }
        }
    }
    None
}

fn is_kustomization(path: &std::path::Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| crate::model::project::classify::KUSTOMIZATION_NAMES.contains(&n))
}

/// The range, in the kustomization `parsed`, of what its inline strategic-merge patches set at
/// `path` of the object: `None` when no inline patch of its kind sets it, `Some(None)` when one
/// does but its text cannot be mapped to the file (not a literal block).
fn inline_source(
    o: &Built,
    parsed: &File,
    rendered: &Node,
    path: &[Segment],
    on_key: bool,
) -> Option<Option<TextRange>> {
    let mut found = None;
    for doc in parsed.documents.iter().filter_map(|d| d.root.as_ref()) {
        for patch in super::hover::InlinePatch::all(parsed.text(), doc) {
            if !patch.strategic() {
                continue;
            }
            for root in patch.inner.documents.iter().filter_map(|d| d.root.as_ref()) {
                let kind = root.get("kind").and_then(Node::as_str);
                let name = root.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str);
                if kind != Some(o.kind()) || name.is_some_and(|n| !o.had_name(n)) || identifies_only(path) {
                    continue;
                }
                if let Some(range) = follow(rendered, root, path, on_key) {
                    found = Some(Some(patch.outer_range(range)));
                }
            }
        }
    }
    // (Non-literal inline patches are not listed by `InlinePatch::all`: a block that is not
    // literal and names the kind makes the place unknown.)
    if found.is_none() && has_other_inline(parsed, o.kind()) {
        return Some(None);
    }
    found
}

/// Does the kustomization hold an inline patch of `kind` that is not a literal block?
fn has_other_inline(parsed: &File, kind: &str) -> bool {
    let needle = format!("kind: {kind}");
    parsed.documents.iter().filter_map(|d| d.root.as_ref()).any(|root| {
        ["patches", "patchesJson6902"]
            .iter()
            .flat_map(|k| root.get(k).and_then(Node::as_sequence).unwrap_or(&[]))
            .filter_map(|e| e.get("patch"))
            .chain(root.get("patchesStrategicMerge").and_then(Node::as_sequence).unwrap_or(&[]))
            .filter_map(|n| n.as_scalar())
            .any(|s| !matches!(s.style, kref_yaml::ScalarStyle::Literal) && s.text.contains(&needle))
    })
}

/// Does the path end at a list item, or at the key that names it (`containers[0].name`)?
fn identifies_only(path: &[Segment]) -> bool {
    match path {
        [.., Segment::Index(_)] => true,
        [.., Segment::Index(_), Segment::Key(k)] => {
            matches!(k.as_str(), "name" | "containerPort" | "mountPath")
        }
        _ => false,
    }
}

/// Walks `path` in the rendered object and the source document side by side; list items are
/// matched by `name` (or `containerPort`, `mountPath`) where they have one, since merges
/// reorder lists. The range of the key (when `on_key`) or value at the end.
fn follow(rendered: &Node, source: &Node, path: &[Segment], on_key: bool) -> Option<TextRange> {
    let mut r = rendered;
    let mut s = source;
    let mut key_range = None;
    for seg in path {
        match seg {
            Segment::Key(k) => {
                r = r.get(k)?;
                let pair = s.pair(k)?;
                key_range = Some(pair.key_range);
                s = &pair.value;
            }
            Segment::Index(i) => {
                let NodeValue::Sequence(r_items) = &r.value else { return None };
                let NodeValue::Sequence(s_items) = &s.value else { return None };
                r = r_items.get(*i)?;
                let id = ["name", "containerPort", "mountPath"]
                    .iter()
                    .find_map(|k| r.get(k).and_then(Node::as_str).map(|v| (*k, v)));
                s = match id {
                    Some((k, v)) => s_items.iter().find(|x| x.get(k).and_then(Node::as_str) == Some(v))?,
                    None => s_items.get(*i)?,
                };
                key_range = None;
            }
        }
    }
    Some(match (on_key, key_range) {
        (true, Some(k)) => k,
        _ => s.range,
    })
}

/// The findings of several overlays, each told once: a base line that two overlays both show
/// the same problem at is one finding naming both (`(in overlays dev and prod, as built)`).
/// `found` pairs each finding with the name of the overlay that showed it; the order of first
/// appearance is kept.
pub fn merge(found: Vec<(Finding, String)>) -> Vec<Finding> {
    let mut groups: Vec<(Finding, Vec<String>)> = Vec::new();
    for (f, overlay) in found {
        let same = |g: &(Finding, Vec<String>)| {
            g.0.file == f.file
                && g.0.diagnostic.rule == f.diagnostic.rule
                && g.0.diagnostic.range == f.diagnostic.range
                && g.0.diagnostic.message == f.diagnostic.message
        };
        match groups.iter_mut().find(|g| same(g)) {
            Some(g) if !g.1.contains(&overlay) => g.1.push(overlay),
            Some(_) => {}
            None => groups.push((f, vec![overlay])),
        }
    }
    groups
        .into_iter()
        .map(|(mut f, mut overlays)| {
            overlays.sort();
            let named = match overlays.as_slice() {
                [one] => format!("overlay {one}"),
                [rest @ .., last] => format!("overlays {} and {last}", rest.join(", ")),
                [] => String::new(),
            };
            f.diagnostic.message.push_str(&format!(" (in {named}, as built)"));
            f
        })
        .collect()
}

/// The name an overlay is told by: its folder's name.
pub fn overlay_name(kustomization: &Path) -> String {
    let dir = if kustomization.extension().is_some()
        || kustomization.file_name().is_some_and(|n| n == "Kustomization")
    {
        kustomization.parent().unwrap_or(kustomization)
    } else {
        kustomization
    };
    dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The findings about the file `path` of each overlay in `overlays` (kustomization files)
/// built and checked, merged ([`merge`]). Overlays that do not build as kustomize would (a
/// remote resource, a problem) are left out.
pub fn findings_for(
    overlays: &[&Path],
    path: &Path,
    fs: &dyn Fs,
    kb: &Knowledge,
    config: &RuleConfig,
) -> Vec<Diagnostic> {
    let builds: Vec<(&Path, Build)> = overlays.iter().map(|k| (*k, super::build::build(fs, k))).collect();
    let refs: Vec<(&Path, &Build)> = builds.iter().map(|(k, b)| (*k, b)).collect();
    findings_in(&refs, path, fs, kb, config)
}

/// [`findings_for`] over overlays already built: (kustomization file, its build).
pub fn findings_in(
    builds: &[(&Path, &Build)],
    path: &Path,
    fs: &dyn Fs,
    kb: &Knowledge,
    config: &RuleConfig,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    for (k, built) in builds {
        if built.incomplete || !built.problems.is_empty() {
            continue;
        }
        if !built.objects.iter().any(|o| o.file == path || o.patched_by.iter().any(|p| p == path)) {
            continue;
        }
        let name = overlay_name(k);
        found.extend(
            check(built, fs, kb, config).into_iter().filter(|f| f.file == path).map(|f| (f, name.clone())),
        );
    }
    merge(found).into_iter().map(|f| f.diagnostic).collect()
}
