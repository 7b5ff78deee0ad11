//! A kustomization file (Kustomization or Component) checked against the built-in Kustomize
//! schema: unknown and misspelt fields, types and enum values by the schema walk, `kind` and
//! `apiVersion` as Kustomize reads them, and the deprecated fields with what replaces them
//! (quick fixes that migrate `bases`, `patchesStrategicMerge`, `patchesJson6902`,
//! `commonLabels` and a generator's `env`).

use kref_yaml::{File, Node, NodeValue, Pair, TextRange};

use super::context::Cx;
use super::edits::{column, line_end, line_start, remove_pair, replace, yaml_string};
use super::{Diagnostic, Fix, Severity, TextEdit};
use crate::knowledge::Knowledge;
use crate::kustomize;
use crate::model::View;
use crate::model::object as manifest;
use kref_corpus::schema::kustomize::{COMPONENT_API_VERSION, KUSTOMIZATION_API_VERSION};

/// Checks every mapping document of a kustomization file.
pub(crate) fn check(
    file: &File,
    kb: &Knowledge,
    config: &super::RuleConfig,
    levels: &[Option<Severity>],
    view: &View<'_>,
    out: &mut Vec<Diagnostic>,
) {
    for (index, doc) in file.documents.iter().enumerate() {
        let Some(mut obj) = manifest::whole_document(file.text(), index, doc) else { continue };
        let written = obj.kind.as_ref().map(|(k, _)| k.clone());
        let Some(schema_kind) = kustomize::schema_kind(kb, written.as_deref()) else { continue };
        if obj.kind.is_none() {
            obj.kind = Some(("Kustomization".to_string(), TextRange::empty(obj.range.start)));
        }
        let mut cx = Cx::new(file, &obj, kb, config, Some(schema_kind), None, levels);
        kind_and_version(&mut cx);
        super::schema::check(&mut cx, view);
        deprecations(&mut cx);
        out.extend(cx.out);
        if let Some(root) = &doc.root {
            inline_patches(file, root, kb, config, out);
        }
    }
}

/// Strategic-merge patches written inline (`patch: |` blocks) are checked as patch files are
/// (fields, types and values of their kind; never missing-required), at their lines in the
/// kustomization. Fixes are left out: their edits are written for the patch's own text.
fn inline_patches(
    file: &File,
    root: &Node,
    kb: &Knowledge,
    config: &super::RuleConfig,
    out: &mut Vec<Diagnostic>,
) {
    use crate::model::project::FileClass;
    for patch in kustomize::hover::InlinePatch::all(file.text(), root) {
        if !patch.strategic() || patch.inner.documents.iter().all(|d| d.root.is_none()) {
            continue;
        }
        let ws = crate::model::Workspace::new();
        let report = super::analyze_as(&patch.inner, "", FileClass::Patch, &ws, kb, config);
        for mut d in report.diagnostics {
            d.range = patch.outer_range(d.range);
            d.fixes.clear();
            d.related.clear();
            out.push(d);
        }
    }
}

/// `kind` must be Kustomization or Component, each with its own apiVersion.
fn kind_and_version(cx: &mut Cx<'_>) {
    let root = cx.root;
    let kind = root.pair("kind");
    let written = kind.and_then(|p| p.value.as_str());
    if let (Some(p), Some(k)) = (kind, written)
        && k != "Kustomization"
        && k != "Component"
    {
        let close = kref_corpus::schema::suggest(["Kustomization", "Component"], k);
        let mut d = Diagnostic::new(
            "unknown-kind",
            p.value.range,
            format!(
                "kind {k:?} is not a Kustomize kind; a kustomization file is a Kustomization or a Component"
            ),
        );
        for c in close {
            d = d.fix(replace(format!("Change to {c}"), p.value.range, c));
        }
        cx.emit(d);
        return;
    }
    let Some(api) = root.pair("apiVersion") else { return };
    let Some(av) = api.value.as_str() else { return };
    let component = written == Some("Component");
    let want = if component { COMPONENT_API_VERSION } else { KUSTOMIZATION_API_VERSION };
    if av != want {
        let what = if component { "a Component" } else { "a Kustomization" };
        cx.emit(
            Diagnostic::new(
                "unknown-kind",
                api.value.range,
                format!("kustomize reads {what} only as apiVersion {want}, not {av}"),
            )
            .fix(replace(format!("Change to {want}"), api.value.range, want)),
        );
    }
}

/// The deprecated fields, each with its replacement and, where the move is mechanical, a fix.
fn deprecations(cx: &mut Cx<'_>) {
    if !cx.on("deprecated-field") {
        return;
    }
    let root = cx.root;
    let file = cx.file;
    let unit = cx.indent_unit;
    let mut found = Vec::new();
    for p in root.as_mapping().unwrap_or(&[]) {
        let (replacement, fix) = match p.key.text.as_str() {
            "bases" => ("resources", move_items(file, root, p, "resources")),
            "patchesStrategicMerge" => ("patches", strategic_merge_fix(file, root, p)),
            "patchesJson6902" => ("patches", rename_if_absent(root, p, "patches")),
            "commonLabels" => ("labels", common_labels_fix(file, root, p, unit)),
            "vars" => ("replacements", None),
            _ => continue,
        };
        let message = match p.key.text.as_str() {
            "bases" => "bases is deprecated; list these kustomizations under resources instead".to_string(),
            "patchesStrategicMerge" => {
                "patchesStrategicMerge is deprecated; use patches (`- path: file.yaml` or `- patch: |-`) instead"
                    .to_string()
            }
            "patchesJson6902" => {
                "patchesJson6902 is deprecated; use patches instead (entries keep their target and path)".to_string()
            }
            "commonLabels" => {
                "commonLabels is deprecated; use labels instead (`includeSelectors: true` keeps selectors labelled too)"
                    .to_string()
            }
            _ => format!("{} is deprecated; use {replacement} instead", p.key.text),
        };
        found.push(Diagnostic::new("deprecated-field", p.key_range, message).fixes(fix));
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for (i, item) in root.get(key).and_then(Node::as_sequence).unwrap_or(&[]).iter().enumerate() {
            let Some(p) = item.pair("env") else { continue };
            let fix = match (item.pair("envs"), p.value.as_str()) {
                (None, Some(v)) if !p.value.flow => Some(Fix {
                    title: "Change to envs".into(),
                    edits: vec![TextEdit {
                        range: TextRange::new(p.key_range.start, p.value.range.end),
                        new_text: format!("envs: [{}]", yaml_string(v)),
                    }],
                }),
                _ => None,
            };
            found.push(
                Diagnostic::new(
                    "deprecated-field",
                    p.key_range,
                    format!("{key}[{i}].env is deprecated; use envs (a list of files) instead"),
                )
                .fixes(fix),
            );
        }
    }
    for d in found {
        cx.emit(d);
    }
}

/// Renames the key when the replacement is not there yet.
fn rename_if_absent(root: &Node, p: &Pair, to: &str) -> Option<Fix> {
    root.pair(to).is_none().then(|| replace(format!("Rename to {to}"), p.key.raw_range, to))
}

/// The scalar items of a sequence (`None` when any item is not a one-line scalar).
fn scalar_items(node: &Node) -> Option<Vec<&str>> {
    node.as_sequence()?
        .iter()
        .map(|i| i.as_str().filter(|s| !s.contains('\n')))
        .collect::<Option<Vec<&str>>>()
}

/// `bases` → `resources`: a rename when there is no `resources`, else its items appended to
/// the block list of `resources` and `bases` removed.
fn move_items(file: &File, root: &Node, p: &Pair, to: &str) -> Option<Fix> {
    let Some(target) = root.pair(to) else { return rename_if_absent(root, p, to) };
    let items = scalar_items(&p.value)?;
    let existing = target.value.as_sequence()?;
    let last = existing.last()?;
    if target.value.flow {
        return None;
    }
    // The dash of the last item sits at the column of its `- `.
    let dash = column(file, last.range.start).checked_sub(2)?;
    let at = line_end(file, last.range.end.saturating_sub(1).max(last.range.start));
    let pad = " ".repeat(dash);
    let text: String = items.iter().map(|i| format!("\n{pad}- {}", yaml_string(i))).collect();
    let mut edits = vec![TextEdit { range: TextRange::empty(at), new_text: text }];
    edits.push(remove_pair(file, p)?);
    Some(Fix { title: format!("Move to {to}"), edits })
}

/// `patchesStrategicMerge: [a.yaml]` → `patches: [{path: a.yaml}]` (files only, when there is
/// no `patches` yet).
fn strategic_merge_fix(file: &File, root: &Node, p: &Pair) -> Option<Fix> {
    if root.pair("patches").is_some() {
        return None;
    }
    let items = scalar_items(&p.value)?;
    if items.iter().any(|i| i.contains(": ")) {
        return None;
    }
    let col = column(file, p.key_range.start);
    let pad = " ".repeat(col);
    let mut text = "patches:".to_string();
    for i in items {
        text.push_str(&format!("\n{pad}- path: {}", yaml_string(i)));
    }
    whole_pair_fix(file, p, "Change to patches", text)
}

/// `commonLabels: {a: b}` → `labels: [{pairs: {a: b}, includeSelectors: true}]` when there is
/// no `labels` yet.
fn common_labels_fix(file: &File, root: &Node, p: &Pair, unit: usize) -> Option<Fix> {
    if root.pair("labels").is_some() {
        return None;
    }
    let pairs = p.value.as_mapping()?;
    let col = column(file, p.key_range.start);
    let pad = " ".repeat(col);
    let inner = " ".repeat(col + 2 + unit);
    let mut text = format!("labels:\n{pad}- includeSelectors: true\n{pad}  pairs:");
    for pair in pairs {
        let value = pair.value.as_str()?;
        if matches!(pair.value.value, NodeValue::Mapping(_) | NodeValue::Sequence(_)) {
            return None;
        }
        text.push_str(&format!("\n{inner}{}: {}", yaml_string(&pair.key.text), yaml_string(value)));
    }
    whole_pair_fix(file, p, "Change to labels", text)
}

/// A fix that replaces a pair (key through the end of its value's last line) with `text`.
fn whole_pair_fix(file: &File, p: &Pair, title: &str, text: String) -> Option<Fix> {
    let start = line_start(file, p.key_range.start);
    if !file.text().get(start..p.key_range.start)?.trim().is_empty() {
        return None;
    }
    let end = line_end(file, p.range().end.saturating_sub(1).max(p.key_range.start));
    Some(Fix {
        title: title.to_string(),
        edits: vec![TextEdit { range: TextRange::new(p.key_range.start, end), new_text: text }],
    })
}
