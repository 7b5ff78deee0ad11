//! Hover in Kustomize patches: on the `path` or `from` of a JSON 6902 operation, the field of
//! the target kind it points to (the hover that field has in a manifest), or why it names
//! none. Inline operations (`patch: |` under `patches` or `patchesJson6902`) find their target
//! in the same file; a patch file's targets come from the kustomizations that apply it
//! ([`patch_file_targets`], read through [`Fs`]).

use std::path::{Path, PathBuf};

use kref_yaml::{File, Node, Segment, Target, TextRange};
use serde_json::Value;

use super::Fs;
use super::json6902::{Pointed, inline_offsets, resolve, target_kinds, tokens};
use super::refs::{Resolved, resolve as resolve_path};
use crate::docs::{self, FieldSite};
use crate::hover::Hover;
use crate::knowledge::Knowledge;
use crate::model::path_keys;

/// The keys of a kustomization whose entries may hold JSON 6902 patches with a target.
const PATCH_LISTS: [&str; 2] = ["patches", "patchesJson6902"];

/// A patch `target` as JSON (its scalar fields).
pub(crate) fn target_json(node: &Node) -> Value {
    match node.as_mapping() {
        Some(pairs) => Value::Object(
            pairs
                .iter()
                .filter_map(|p| p.value.as_str().map(|v| (p.key.text.clone(), Value::String(v.to_string()))))
                .collect(),
        ),
        None => Value::Null,
    }
}

/// A patch written inline in a kustomization (`patches[].patch: |`, `patchesJson6902[].patch`,
/// an entry of `patchesStrategicMerge`) as a literal block: its text parsed on its own, with
/// offsets mapped both ways.
pub struct InlinePatch<'f> {
    /// The patch's text, parsed.
    pub inner: File,
    /// Its `target`, if the entry has one.
    pub target: Option<Value>,
    scalar: &'f Node,
    text: &'f str,
}

impl<'f> InlinePatch<'f> {
    /// The inline patch holding `offset` of the kustomization `file`, and the offset in it.
    pub fn at(file: &'f File, offset: usize) -> Option<(InlinePatch<'f>, usize)> {
        let loc = file.locate(offset);
        let (list, i, entry_key) = match loc.path.0.as_slice() {
            [Segment::Key(list), Segment::Index(i), Segment::Key(key), ..] => (list, *i, Some(key)),
            [Segment::Key(list), Segment::Index(i), ..] => (list, *i, None),
            _ => return None,
        };
        let root = file.documents.get(loc.document)?.root.as_ref()?;
        if root.get("kind").and_then(Node::as_str).is_some_and(|k| k != "Kustomization" && k != "Component") {
            return None;
        }
        let entry = root.get(list)?.as_sequence()?.get(i)?;
        let (scalar, target) = match (list.as_str(), entry_key.map(String::as_str)) {
            ("patches" | "patchesJson6902", Some("patch")) => {
                (&entry.pair("patch")?.value, entry.pair("target").map(|t| target_json(&t.value)))
            }
            ("patchesStrategicMerge", None) => (entry, None),
            _ => return None,
        };
        let s = scalar.as_scalar()?;
        let inner = inner_offset(file.text(), scalar, offset)?;
        Some((InlinePatch { inner: kref_yaml::parse(&s.text), target, scalar, text: file.text() }, inner))
    }

    /// Every inline patch of a kustomization document (literal blocks only).
    pub fn all(text: &'f str, root: &'f Node) -> Vec<InlinePatch<'f>> {
        let mut out = Vec::new();
        let seq = |key: &str| root.get(key).and_then(Node::as_sequence).unwrap_or(&[]);
        let mut push = |scalar: &'f Node, target: Option<Value>| {
            if let Some(s) = scalar.as_scalar()
                && matches!(s.style, kref_yaml::ScalarStyle::Literal)
            {
                out.push(InlinePatch { inner: kref_yaml::parse(&s.text), target, scalar, text });
            }
        };
        for list in PATCH_LISTS {
            for entry in seq(list) {
                if let Some(p) = entry.pair("patch") {
                    push(&p.value, entry.pair("target").map(|t| target_json(&t.value)));
                }
            }
        }
        for entry in seq("patchesStrategicMerge") {
            push(entry, None);
        }
        out
    }

    /// The kustomization's offset of an offset in the patch text.
    pub fn outer(&self, inner: usize) -> usize {
        inline_offsets(self.text, self.scalar).map_or(self.scalar.range.start, |map| map(inner))
    }

    /// The range in the kustomization of a range in the patch text.
    pub fn outer_range(&self, r: TextRange) -> TextRange {
        TextRange { start: self.outer(r.start), end: self.outer(r.end) }
    }

    /// The columns the block's lines are indented by.
    pub fn indent(&self) -> usize {
        let start = self.outer(0);
        start - self.text[..start].rfind('\n').map_or(0, |i| i + 1)
    }

    /// Is it a strategic-merge patch (objects), not a list of JSON 6902 operations?
    pub fn strategic(&self) -> bool {
        self.inner.documents.iter().filter_map(|d| d.root.as_ref()).all(|r| r.as_mapping().is_some())
    }
}

/// Hover inside an inline patch of the kustomization `file` (`offset` in the file): on a JSON
/// 6902 operation's `path` or `from`, the field it points to; in a strategic-merge patch, the
/// hover of its kind's field, as in a patch file.
pub fn inline(file: &File, offset: usize, kb: &Knowledge) -> Option<Hover> {
    let (patch, inner) = InlinePatch::at(file, offset)?;
    if patch.strategic() {
        let h = crate::hover::hover(&patch.inner, inner, kb)?;
        return Some(Hover { range: patch.outer_range(h.range), ..h });
    }
    let target = patch.target.clone()?;
    let (range, markdown, subject) =
        operation_hover(kb, std::slice::from_ref(&target), patch.inner.text(), inner)?;
    Some(Hover { range: patch.outer_range(range), markdown, subject })
}

/// Completion inside an inline strategic-merge patch: its kind's fields, as in a patch file.
pub fn inline_completion(file: &File, offset: usize, kb: &Knowledge) -> Option<Vec<crate::CompletionItem>> {
    let (patch, inner) = InlinePatch::at(file, offset)?;
    if !patch.strategic() {
        return None;
    }
    let pad = format!("\n{}", " ".repeat(patch.indent()));
    let map =
        |e: crate::Edit| crate::Edit { range: patch.outer_range(e.range), text: e.text.replace('\n', &pad) };
    Some(
        crate::complete(&patch.inner, inner, kb)
            .into_iter()
            .map(|mut item| {
                item.edit = map(item.edit);
                item.additional_edits = item.additional_edits.into_iter().map(map).collect();
                item
            })
            .collect(),
    )
}

/// Hover in a JSON 6902 patch file, for the targets of the kustomizations that apply it.
pub fn patch_file(file: &File, offset: usize, targets: &[Value], kb: &Knowledge) -> Option<Hover> {
    if targets.is_empty() {
        return None;
    }
    let (range, markdown, subject) = operation_hover(kb, targets, file.text(), offset)?;
    Some(Hover { range, markdown, subject })
}

/// The targets under which the kustomizations in the patch file's folder or the folders above
/// it (up to four) apply it by path.
pub fn patch_file_targets(fs: &dyn Fs, path: &Path) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut dir: Option<PathBuf> = path.parent().map(Path::to_path_buf);
    for _ in 0..4 {
        let Some(d) = dir else { break };
        if let Some(k) = super::kustomization_in(fs, &d)
            && let Some(text) = fs.read(&k)
        {
            let kfile = kref_yaml::parse(&text);
            for root in kfile.documents.iter().filter_map(|doc| doc.root.as_ref()) {
                for list in PATCH_LISTS {
                    for entry in root.get(list).and_then(Node::as_sequence).unwrap_or(&[]) {
                        let (Some(t), Some(p)) =
                            (entry.pair("target"), entry.get("path").and_then(Node::as_str))
                        else {
                            continue;
                        };
                        if matches!(resolve_path(fs, &d, p.trim()), Resolved::File(f) if f == path) {
                            let target = target_json(&t.value);
                            if !out.contains(&target) {
                                out.push(target);
                            }
                        }
                    }
                }
            }
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    out
}

/// The offset in a literal block scalar's text of the file offset `outer`.
fn inner_offset(file_text: &str, scalar: &Node, outer: usize) -> Option<usize> {
    let s = scalar.as_scalar()?;
    if !matches!(s.style, kref_yaml::ScalarStyle::Literal) || !s.raw_range.touches(outer) {
        return None;
    }
    let raw = file_text.get(s.raw_range.start..s.raw_range.end)?;
    let body_start = s.raw_range.start + raw.find('\n')? + 1;
    if outer < body_start {
        return None;
    }
    let indent = file_text[body_start..]
        .lines()
        .find(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())?;
    let before = &file_text[body_start..outer];
    let line = before.matches('\n').count();
    let col = (outer - body_start - before.rfind('\n').map_or(0, |i| i + 1)).checked_sub(indent)?;
    let line_start: usize = s.text.split_inclusive('\n').take(line).map(str::len).sum();
    let inner = line_start + col;
    (inner <= s.text.len()).then_some(inner)
}

/// Hover on the `path` or `from` value at `offset` of the operations in `text`: (its range in
/// `text`, the Markdown, the subject).
fn operation_hover(
    kb: &Knowledge,
    targets: &[Value],
    text: &str,
    offset: usize,
) -> Option<(TextRange, String, String)> {
    let file = kref_yaml::parse(text);
    let loc = file.locate(offset);
    let (range, pointer) = match (&loc.target, loc.path.0.as_slice()) {
        (Target::Value { range, text, .. }, [Segment::Index(_), Segment::Key(k)])
            if k == "path" || k == "from" =>
        {
            (*range, text.clone())
        }
        _ => return None,
    };
    let mut parts: Vec<String> = Vec::new();
    let mut subject = None;
    for target in targets {
        let kinds = target_kinds(&kb.schema, target);
        if kinds.is_empty() {
            let kind = target.get("kind").and_then(Value::as_str);
            parts.push(match kind {
                Some(k) => format!(
                    "`{pointer}` in a {k}: kref has no schema for {k}, so its fields are not known \
                     (import its CRD with `kref import` to see them)"
                ),
                None => format!("`{pointer}`: the patch's target names no kind, so the field is not known"),
            });
            continue;
        }
        // One answer per API group: versions of a kind share their fields.
        let mut groups: Vec<&str> = Vec::new();
        for kind in kinds {
            if groups.contains(&kind.group.as_str()) {
                continue;
            }
            groups.push(&kind.group);
            let (md, subj) = pointer_doc(kb, kind, &pointer);
            subject.get_or_insert(subj);
            if !parts.contains(&md) {
                parts.push(md);
            }
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some((range, parts.join("\n\n---\n\n"), subject.unwrap_or_else(|| pointer.clone())))
}

/// The Markdown for a JSON pointer below `kind`: the field's hover, or what it fails to name.
fn pointer_doc(kb: &Knowledge, kind: &kref_corpus::schema::Kind, pointer: &str) -> (String, String) {
    let Some(tokens) = tokens(pointer) else {
        return (
            format!("`{pointer}` is not a JSON pointer: it must start with `/` (`/spec/replicas`)"),
            kind.kind.clone(),
        );
    };
    if tokens.is_empty() {
        return (docs::kind_doc(kb, kind, None), kind.kind.clone());
    }
    match resolve(&kb.schema, kind, pointer) {
        Pointed::NoField { at, name, closest } => {
            let within = if at.is_empty() { "the top level".to_string() } else { format!("`{at}`") };
            let close = closest.map(|c| format!("; the closest is `{c}`")).unwrap_or_default();
            return (
                format!("`{pointer}` names no field of {}: {within} has no field `{name}`{close}", kind.kind),
                kind.kind.clone(),
            );
        }
        Pointed::BadIndex { at, token } => {
            return (
                format!(
                    "`{pointer}` names no field of {}: `{at}` is a list, and `{token}` is neither an index nor `-`",
                    kind.kind
                ),
                kind.kind.clone(),
            );
        }
        Pointed::Type(_) | Pointed::Unchecked => {}
    }
    let segments: Vec<Segment> = tokens
        .iter()
        .map(|t| match t.parse::<usize>() {
            Ok(i) => Segment::Index(i),
            Err(_) if t == "-" => Segment::Index(0),
            Err(_) => Segment::Key(t.clone()),
        })
        .collect();
    // The longest part of the path the schema describes (a map key or a free-form value
    // below it is not described on its own).
    for len in (1..=segments.len()).rev() {
        let path = &segments[..len];
        let Some(resolved) = crate::site::resolve(kb, kind, path) else { continue };
        let keys = path_keys(path);
        let site = FieldSite { kind, resolved: &resolved, keys: &keys, doc_kind: &kind.kind };
        let subject = format!("{}.{}", kind.kind, resolved.path);
        let doc = docs::field_doc(kb, &site);
        if len == segments.len() {
            return (doc, subject);
        }
        let rest: Vec<&str> = tokens[len..].iter().map(String::as_str).collect();
        return (format!("`{}` is inside this field:\n\n{doc}", rest.join("/")), subject);
    }
    (format!("`{pointer}` is not described by the schema of {}", kind.kind), kind.kind.clone())
}

/// What the overlays do to the field at `offset` of `file` (the file at `path`), one Markdown
/// line each: in a file of objects, the strategic-merge patch files that set the field and
/// their values (`patched by overlays/prod/patch.yaml: replicas 5`); in such a patch file, the
/// value of the object it patches (`base value: 1 (base/deployment.yaml)`). `builds` are the
/// overlays the file is built into; `shown` names a file for the reader.
pub fn patched_notes(
    builds: &[&super::build::Build],
    fs: &dyn Fs,
    path: &Path,
    file: &File,
    offset: usize,
    shown: &dyn Fn(&Path) -> String,
) -> Vec<String> {
    let loc = file.locate(offset);
    if !matches!(loc.target, Target::Key { .. } | Target::Value { .. }) || loc.path.0.is_empty() {
        return Vec::new();
    }
    let Some(root) = file.documents.get(loc.document).and_then(|d| d.root.as_ref()) else {
        return Vec::new();
    };
    let (Some(kind), Some(name)) = (root.get("kind").and_then(Node::as_str), object_name(root)) else {
        return Vec::new();
    };
    let segments = &loc.path.0;
    let key = segments.iter().rev().find_map(|s| match s {
        Segment::Key(k) => Some(k.as_str()),
        Segment::Index(_) => None,
    });
    let Some(key) = key else { return Vec::new() };
    let mut parsed: Vec<(PathBuf, Option<File>)> = Vec::new();
    let mut out: Vec<String> = Vec::new();
    for build in builds {
        for o in build.objects.iter().filter(|o| o.kind() == kind && o.had_name(name)) {
            if o.file == path {
                let mut seen: Vec<&PathBuf> = Vec::new();
                for p in o.patched_by.iter().filter(|p| p.as_path() != path) {
                    if seen.contains(&p) {
                        continue;
                    }
                    seen.push(p);
                    let Some(patch) = document_of(fs, &mut parsed, p, kind, |n| o.had_name(n)) else {
                        continue;
                    };
                    if let Some(node) = counterpart(root, &patch.0, segments) {
                        push_once(
                            &mut out,
                            format!("patched by {}: {key} {}", shown(p), value_text(&patch.1, node)),
                        );
                    }
                }
            } else if o.patched_by.iter().any(|p| p == path) {
                let base = o.file.clone();
                let Some(doc) = document_of(fs, &mut parsed, &base, kind, |n| o.had_name(n)) else {
                    continue;
                };
                let line = match counterpart(root, &doc.0, segments) {
                    Some(node) => format!("base value: {} ({})", value_text(&doc.1, node), shown(&base)),
                    None => format!("base value: not set ({})", shown(&base)),
                };
                push_once(&mut out, line);
            }
        }
    }
    out
}

/// Is the position in a document that names an object (`kind` and `metadata.name`), outside
/// a kustomization? Only there can [`patched_notes`] find anything (callers skip building
/// overlays otherwise).
pub fn in_named_object(file: &File, offset: usize) -> bool {
    let loc = file.locate(offset);
    let Some(root) = file.documents.get(loc.document).and_then(|d| d.root.as_ref()) else { return false };
    let kind = root.get("kind").and_then(Node::as_str);
    kind.is_some_and(|k| k != "Kustomization" && k != "Component") && object_name(root).is_some()
}

fn push_once(out: &mut Vec<String>, line: String) {
    if !out.contains(&line) {
        out.push(line);
    }
}

fn object_name(root: &Node) -> Option<&str> {
    root.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str)
}

/// The root of the document of `kind` named as `named` accepts, in the file at `path` (read
/// once), with the file's text.
fn document_of(
    fs: &dyn Fs,
    parsed: &mut Vec<(PathBuf, Option<File>)>,
    path: &Path,
    kind: &str,
    named: impl Fn(&str) -> bool,
) -> Option<(Node, String)> {
    let i = match parsed.iter().position(|(p, _)| p == path) {
        Some(i) => i,
        None => {
            parsed.push((path.to_path_buf(), fs.read(path).map(|t| kref_yaml::parse(&t))));
            parsed.len() - 1
        }
    };
    let file = parsed[i].1.as_ref()?;
    file.documents
        .iter()
        .filter_map(|d| d.root.as_ref())
        .find(|r| r.get("kind").and_then(Node::as_str) == Some(kind) && object_name(r).is_some_and(&named))
        .map(|r| (r.clone(), file.text().to_string()))
}

/// The node at `path` of `from`'s document, found in `to`: keys by name, list items by their
/// identifying key (`name`, `containerPort`, `mountPath`, as strategic merge matches them) or
/// else by position.
fn counterpart<'t>(from: &Node, to: &'t Node, path: &[Segment]) -> Option<&'t Node> {
    let mut f = from;
    let mut t = to;
    for seg in path {
        match seg {
            Segment::Key(k) => {
                f = f.get(k)?;
                t = t.get(k)?;
            }
            Segment::Index(i) => {
                let item = f.as_sequence()?.get(*i)?;
                let items = t.as_sequence()?;
                let id = ["name", "containerPort", "mountPath", "ip", "port"]
                    .iter()
                    .find_map(|k| item.get(k).and_then(Node::as_str).map(|v| (*k, v)));
                t = match id {
                    Some((k, v)) => items.iter().find(|x| x.get(k).and_then(Node::as_str) == Some(v))?,
                    None => items.get(*i)?,
                };
                f = item;
            }
        }
    }
    Some(t)
}

/// A value as the reader wants it in one line: its text when short, else what it is.
fn value_text(text: &str, node: &Node) -> String {
    let raw = text.get(node.range.start..node.range.end).unwrap_or("").trim();
    if !raw.is_empty() && !raw.contains('\n') && raw.len() <= 60 {
        return raw.to_string();
    }
    match (node.as_mapping(), node.as_sequence()) {
        (Some(pairs), _) => {
            let keys: Vec<&str> = pairs.iter().map(|p| p.key.text.as_str()).take(4).collect();
            format!("an object with {}", keys.join(", "))
        }
        (_, Some(items)) => format!("a list of {}", plural(items.len(), "item")),
        _ => raw.chars().take(60).collect::<String>() + "…",
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}
