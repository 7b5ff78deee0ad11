//! The checks of a kustomization that need the files around it: every path exists
//! (`kustomize-path`), remote targets are named as unchecked (`kustomize-remote`), and each
//! patch, image and replica count finds an object the kustomization includes
//! (`kustomize-target`, naming what exists). JSON 6902 patches are checked against their
//! target kind's schema ([`super::json6902`]): inline ones here, patch files on their own
//! ([`patch_file_diagnostics`]).

use std::path::Path;

use kref_corpus::schema::Schema;

use kref_yaml::{File, Node, TextRange};
use serde_json::Value;

use super::Fs;
use super::build::{Built, included, selects, split_image};
use super::refs::{Resolved, check_paths, resolve};
use crate::diagnostics::Diagnostic;

/// Objects listed at most in a "what exists" message.
const LISTED: usize = 8;

/// The diagnostics of the kustomization `file` in folder `dir`.
pub fn diagnose(file: &File, dir: &Path, fs: &dyn Fs, schema: &Schema) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> =
        check_paths(file, dir, fs).into_iter().map(|p| Diagnostic::new(p.rule, p.range, p.message)).collect();
    let Some(root) = file.documents.iter().find_map(|d| d.root.as_ref().filter(|r| r.as_mapping().is_some()))
    else {
        return out;
    };
    inline_json_patches(file.text(), root, schema, &mut out);
    // A Component changes what the kustomization including it built: its targets are there.
    if root.get("kind").and_then(Node::as_str) == Some("Component") {
        return out;
    }
    let build = included(fs, dir);
    if build.incomplete {
        return out;
    }
    let objects = &build.objects;
    targets(root, dir, fs, objects, &mut out);
    out
}

/// `Deployment web, Service web, ...` (the first few).
fn existing(objects: &[Built], kind: Option<&str>) -> String {
    let mut names: Vec<String> = objects
        .iter()
        .filter(|o| kind.is_none_or(|k| o.kind() == k))
        .map(|o| format!("{} {}", o.kind(), o.name()))
        .collect();
    names.dedup();
    if names.is_empty() {
        return match kind {
            Some(k) => format!("it includes no {k}"),
            None => "it includes no objects".to_string(),
        };
    }
    let more = names.len().saturating_sub(LISTED);
    names.truncate(LISTED);
    let mut text = format!("it has {}", names.join(", "));
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

fn json_of(node: &Node) -> Value {
    super::hover::target_json(node)
}

fn describe(target: &Value) -> String {
    let parts: Vec<String> =
        ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"]
            .iter()
            .filter_map(|k| target.get(*k).and_then(Value::as_str).map(|v| format!("{k} {v}")))
            .collect();
    parts.join(", ")
}

/// The kinds and names of the documents of a patch text (strategic merge; JSON 6902 lists
/// give none).
fn patch_ids(text: &str) -> Vec<(String, String)> {
    let file = kref_yaml::parse(text);
    file.documents
        .iter()
        .filter_map(|d| {
            let root = d.root.as_ref()?;
            root.as_mapping()?;
            let kind = root.get("kind").and_then(Node::as_str)?;
            let name = root.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str)?;
            Some((kind.to_string(), name.to_string()))
        })
        .collect()
}

fn targets(root: &Node, dir: &Path, fs: &dyn Fs, objects: &[Built], out: &mut Vec<Diagnostic>) {
    let seq = |key: &str| root.get(key).and_then(Node::as_sequence).unwrap_or(&[]);
    let by_name = |kind: &str, name: &str| objects.iter().any(|o| o.kind() == kind && o.had_name(name));
    let unmatched_patch =
        |out: &mut Vec<Diagnostic>, range: TextRange, what: String, kind: &str, name: &str| {
            if !by_name(kind, name) {
                out.push(Diagnostic::new(
                    "kustomize-target",
                    range,
                    format!(
                        "{what}: no {kind} {name} among the objects this kustomization includes; {}",
                        existing(objects, Some(kind))
                    ),
                ));
            }
        };
    let read_patch = |path: &str| match resolve(fs, dir, path) {
        Resolved::File(p) => fs.read(&p),
        _ => None,
    };
    for (i, p) in seq("patches").iter().enumerate() {
        if let Some(t) = p.pair("target") {
            let target = json_of(&t.value);
            if target.as_object().is_some_and(|m| !m.is_empty())
                && !objects.iter().any(|o| selects(&target, o))
            {
                out.push(Diagnostic::new(
                    "kustomize-target",
                    t.key_range,
                    format!(
                        "patches[{i}].target ({}) matches no object this kustomization includes; {}",
                        describe(&target),
                        existing(objects, target.get("kind").and_then(Value::as_str))
                    ),
                ));
            }
            continue;
        }
        let (text, range) = match (p.pair("patch"), p.pair("path")) {
            (Some(inline), _) => (inline.value.as_str().map(str::to_string), inline.key_range),
            (None, Some(path)) => (path.value.as_str().and_then(read_patch), path.value.range),
            _ => continue,
        };
        for (kind, name) in text.as_deref().map(patch_ids).unwrap_or_default() {
            unmatched_patch(out, range, format!("patches[{i}] patches {kind} {name}"), &kind, &name);
        }
    }
    for (i, p) in seq("patchesStrategicMerge").iter().enumerate() {
        let Some(s) = p.as_str() else { continue };
        let text =
            if s.contains('\n') || s.contains(": ") { Some(s.to_string()) } else { read_patch(s.trim()) };
        for (kind, name) in text.as_deref().map(patch_ids).unwrap_or_default() {
            unmatched_patch(
                out,
                p.range,
                format!("patchesStrategicMerge[{i}] patches {kind} {name}"),
                &kind,
                &name,
            );
        }
    }
    for (i, p) in seq("patchesJson6902").iter().enumerate() {
        let Some(t) = p.pair("target") else { continue };
        let target = json_of(&t.value);
        if !objects.iter().any(|o| selects(&target, o)) {
            out.push(Diagnostic::new(
                "kustomize-target",
                t.key_range,
                format!(
                    "patchesJson6902[{i}].target ({}) matches no object this kustomization includes; {}",
                    describe(&target),
                    existing(objects, target.get("kind").and_then(Value::as_str))
                ),
            ));
        }
    }
    let images: Vec<String> = objects.iter().flat_map(|o| container_images(&o.value)).collect();
    for (i, img) in seq("images").iter().enumerate() {
        let Some(name) = img.pair("name") else { continue };
        let Some(wanted) = name.value.as_str() else { continue };
        if images.iter().any(|c| split_image(c).0 == wanted) {
            continue;
        }
        let mut used: Vec<&str> = images.iter().map(|c| split_image(c).0).collect();
        used.sort_unstable();
        used.dedup();
        let have = if used.is_empty() {
            "no container of the included objects has an image".to_string()
        } else {
            format!("the containers use {}", used.iter().take(LISTED).copied().collect::<Vec<_>>().join(", "))
        };
        out.push(Diagnostic::new(
            "kustomize-target",
            name.value.range,
            format!("images[{i}].name {wanted} matches no container image (compared without tag or digest); {have}"),
        ));
    }
    for (i, r) in seq("replicas").iter().enumerate() {
        let Some(name) = r.pair("name") else { continue };
        let Some(wanted) = name.value.as_str() else { continue };
        let workloads = ["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"];
        if objects.iter().any(|o| workloads.contains(&o.kind()) && o.had_name(wanted)) {
            continue;
        }
        let have: Vec<String> = objects
            .iter()
            .filter(|o| workloads.contains(&o.kind()))
            .map(|o| format!("{} {}", o.kind(), o.name()))
            .take(LISTED)
            .collect();
        let have = if have.is_empty() {
            "it includes no Deployment, ReplicaSet or StatefulSet".to_string()
        } else {
            format!("it has {}", have.join(", "))
        };
        out.push(Diagnostic::new(
            "kustomize-target",
            name.value.range,
            format!("replicas[{i}].name {wanted} is no workload this kustomization includes; {have}"),
        ));
    }
}

/// The container images of an object's pod spec.
fn container_images(v: &Value) -> Vec<String> {
    let spec = ["/spec/template/spec", "/spec/jobTemplate/spec/template/spec", "/spec"]
        .iter()
        .find_map(|p| v.pointer(p).filter(|s| s.get("containers").is_some()));
    let Some(spec) = spec else { return Vec::new() };
    ["containers", "initContainers"]
        .iter()
        .flat_map(|k| spec.get(*k).and_then(Value::as_array).into_iter().flatten())
        .filter_map(|c| c.get("image").and_then(Value::as_str).map(str::to_string))
        .collect()
}

/// The entries of `patches` and `patchesJson6902` that have a target: (target, the `patch`
/// pair's value if inline, the `path` value if a file).
fn targeted(root: &Node) -> Vec<(Value, Option<&Node>, Option<&Node>)> {
    ["patches", "patchesJson6902"]
        .iter()
        .flat_map(|key| root.get(key).and_then(Node::as_sequence).unwrap_or(&[]))
        .filter_map(|p| {
            let target = json_of(&p.pair("target")?.value);
            Some((target, p.pair("patch").map(|x| &x.value), p.pair("path").map(|x| &x.value)))
        })
        .collect()
}

/// JSON 6902 patches written inline (`patch: |`), checked where they are written.
fn inline_json_patches(text: &str, root: &Node, schema: &Schema, out: &mut Vec<Diagnostic>) {
    for (target, inline, _) in targeted(root) {
        let Some(node) = inline else { continue };
        let Some(patch) = node.as_str() else { continue };
        let found = super::json6902::check(schema, &target, patch);
        if found.is_empty() {
            continue;
        }
        match super::json6902::inline_offsets(text, node) {
            Some(map) => out.extend(found.into_iter().map(|mut d| {
                d.range = TextRange { start: map(d.range.start), end: map(d.range.end) };
                d
            })),
            None => {
                let range = node.as_scalar().map_or(node.range, |s| s.raw_range);
                out.extend(found.into_iter().map(|mut d| {
                    d.range = range;
                    d
                }));
            }
        }
    }
}

/// The findings of a JSON 6902 patch file, checked against the target of each kustomization
/// (in its folder or the folders above) that applies it by path.
pub fn patch_file_diagnostics(path: &Path, text: &str, fs: &dyn Fs, schema: &Schema) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = Vec::new();
    for target in super::hover::patch_file_targets(fs, path) {
        for f in super::json6902::check(schema, &target, text) {
            if !out.iter().any(|o| o.range == f.range && o.message == f.message) {
                out.push(f);
            }
        }
    }
    out
}
