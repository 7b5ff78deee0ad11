//! apiVersion, kind and metadata.name: missing, unknown (with the closest pair), and the API
//! lifecycle for the target Kubernetes version, with fixes that migrate a removed or deprecated
//! apiVersion to its replacement (Ingress backends and pathType, apps/v1 selectors, HPA v2
//! targets).

use kref_corpus::schema::{ApiStatus, Kind, Replacement, api_status, lifecycle, suggest};
use kref_yaml::{File, Node, Pair, TextRange};

use super::context::Cx;
use super::edits::{Y, insert_entry, line_start, remove_pair, replace, yaml_string};
use super::{Diagnostic, Fix, TextEdit};
use crate::knowledge::Knowledge;
use crate::model::View;
use crate::model::{
    at, get, is_builtin_group, is_placeholder, items, pairs, pod_labels, str_of, string_map, text_of,
};

/// Kinds that look like objects but are client-side files, checked for nothing but syntax.
fn is_client_side(api_version: &str, kind: &str) -> bool {
    matches!((api_version, kind), ("v1", "Config"))
}

/// The schema kind a document is checked against: its exact apiVersion/kind; else, for a
/// deprecated API, its replacement; else the same kind in another version of the same
/// built-in group.
pub(crate) fn schema_kind<'k>(kb: &'k Knowledge, api_version: &str, kind: &str) -> Option<&'k Kind> {
    if kind.is_empty() {
        return None;
    }
    if let Some(k) = kb.schema.kind_for(api_version, kind) {
        return Some(k);
    }
    match api_status(api_version, kind, kb.kube_version) {
        ApiStatus::Removed { .. } => return None,
        ApiStatus::Deprecated { replacement: Some(r), .. } => {
            if let Some(k) = kb.schema.kind_for(&r.api_version, &r.kind) {
                return Some(k);
            }
        }
        _ => {}
    }
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    if !is_builtin_group(group) {
        return None;
    }
    kb.schema.kinds_named(kind).into_iter().find(|k| k.kind == *kind && k.group == group && !k.subresource)
}

pub(crate) fn check(cx: &mut Cx<'_>, _view: &View<'_>) {
    let root = cx.root;
    let api = root.pair("apiVersion");
    let kind = root.pair("kind");
    let first_key = root
        .as_mapping()
        .and_then(|p| p.first())
        .map_or(TextRange::empty(cx.obj.range.start), |p| p.key_range);
    // An item of a `<Kind>List` may leave its kind and apiVersion to the List.
    let implied = cx.obj.implied;
    if cx.on("missing-api-version") && !(implied && api.is_none()) {
        match api {
            None => {
                let mut d = Diagnostic::new(
                    "missing-api-version",
                    kind.map_or(first_key, |k| k.key_range),
                    "missing apiVersion; add `apiVersion:` with the group/version of the kind",
                );
                if let Some(k) = cx.kb.schema.kind(cx.kind).filter(|k| k.kind == cx.kind) {
                    let at = line_start(cx.file, first_key.start);
                    d = d.fix(Fix {
                        title: format!("Add apiVersion: {}", k.api_version()),
                        edits: vec![TextEdit {
                            range: TextRange::empty(at),
                            new_text: format!("apiVersion: {}\n", k.api_version()),
                        }],
                    });
                }
                cx.emit(d);
            }
            Some(p) if str_of(&p.value).is_none_or(str::is_empty) && !is_placeholder(&p.value) => {
                cx.emit(Diagnostic::new(
                    "missing-api-version",
                    value_or_key(p),
                    "apiVersion is empty or not a string; write the group/version, such as apps/v1",
                ));
            }
            _ => {}
        }
    }
    if cx.on("missing-kind") && !(implied && kind.is_none()) {
        match kind {
            None => cx.emit(Diagnostic::new(
                "missing-kind",
                api.map_or(first_key, |a| a.key_range),
                "missing kind; add `kind:` naming the type of object",
            )),
            Some(p) if str_of(&p.value).is_none_or(str::is_empty) && !is_placeholder(&p.value) => {
                cx.emit(Diagnostic::new(
                    "missing-kind",
                    value_or_key(p),
                    "kind is empty or not a string; write the type of object, such as Deployment",
                ))
            }
            _ => {}
        }
    }
    if cx.kind.is_empty() || cx.api_version.is_empty() || is_client_side(cx.api_version, cx.kind) {
        return;
    }
    // Only API objects need names: client-side files (a Kustomization) and unknown custom
    // resources are left alone.
    if cx.schema_kind.is_some() || lifecycle(cx.api_version, cx.kind).is_some() {
        missing_name(cx, first_key);
    }
    let kind_range = kind.map(|k| k.value.range).or(cx.obj.kind.as_ref().map(|k| k.1)).unwrap_or(first_key);
    let api_range =
        api.map(|a| a.value.range).or(cx.obj.api_version.as_ref().map(|a| a.1)).unwrap_or(first_key);
    match api_status(cx.api_version, cx.kind, cx.config.kube_version) {
        ApiStatus::Removed { since, replacement } => {
            let mut message = format!(
                "{} {} was removed in Kubernetes {since} (target {})",
                cx.api_version, cx.kind, cx.config.kube_version
            );
            message.push_str(&advice(cx.api_version, cx.kind, replacement));
            let fixes = replacement.and_then(|r| migrate(cx, r)).into_iter().collect::<Vec<_>>();
            cx.emit(Diagnostic::new("removed-api", api_range, message).fixes(fixes));
            return;
        }
        ApiStatus::Deprecated { since, removal, replacement } => {
            let mut message =
                format!("{} {} is deprecated since Kubernetes {since}", cx.api_version, cx.kind);
            if let Some(r) = removal {
                message.push_str(&format!(" and removed in {r}"));
            }
            message.push_str(&advice(cx.api_version, cx.kind, replacement));
            if cx.on("deprecated-api") {
                let fixes = replacement.and_then(|r| migrate(cx, r)).into_iter().collect::<Vec<_>>();
                cx.emit(Diagnostic::new("deprecated-api", api_range, message).fixes(fixes));
            }
        }
        ApiStatus::NotYetIntroduced { introduced } => {
            cx.emit(Diagnostic::new(
                "unavailable-api",
                api_range,
                format!(
                    "{} {} is served from Kubernetes {introduced} on, but the target is {}; raise kubernetesVersion or use an older apiVersion",
                    cx.api_version, cx.kind, cx.config.kube_version
                ),
            ));
        }
        ApiStatus::Current => {}
    }
    if cx.kb.schema.kind_for(cx.api_version, cx.kind).is_some()
        || lifecycle(cx.api_version, cx.kind).is_some()
    {
        return;
    }
    unknown_pair(cx, api_range, kind_range);
}

fn value_or_key(p: &Pair) -> TextRange {
    if p.value.is_missing() || p.value.range.is_empty() { p.key_range } else { p.value.range }
}

fn advice(api_version: &str, kind: &str, replacement: Option<&Replacement>) -> String {
    match replacement {
        Some(r) if r.kind == kind => format!("; use apiVersion {}", r.api_version),
        Some(r) => format!("; use {} {}", r.api_version, r.kind),
        None => match lifecycle(api_version, kind).and_then(|l| l.note.as_deref()) {
            Some(note) => format!("; {}", note.trim_end_matches('.')),
            None => "; it has no replacement".to_string(),
        },
    }
}

fn missing_name(cx: &mut Cx<'_>, first_key: TextRange) {
    if !cx.on("missing-name") {
        return;
    }
    let meta = cx.root.pair("metadata");
    let has = |key: &str| {
        meta.and_then(|m| get(&m.value, key))
            .is_some_and(|n| is_placeholder(n) || text_of(n).is_some_and(|s| !s.is_empty()))
    };
    if has("name") || has("generateName") {
        return;
    }
    let range = meta.map_or(cx.root.pair("kind").map_or(first_key, |k| k.key_range), |m| m.key_range);
    let placeholder = format!("my-{}", cx.kind.to_ascii_lowercase());
    let unit = cx.indent_unit;
    let edit = match meta {
        Some(m) if m.value.as_mapping().is_some() || crate::model::is_null(&m.value) => {
            insert_entry(cx.file, Some(m), &m.value, "name", &Y::s(&placeholder), unit)
        }
        Some(_) => None,
        None => cx.root.pair("kind").and_then(|k| {
            let at = super::edits::line_end(cx.file, k.range().start);
            let col = super::edits::column(cx.file, k.key_range.start);
            (k.value.range.end <= at).then(|| TextEdit {
                range: TextRange::empty(at),
                new_text: format!(
                    "\n{0}metadata:\n{0}{1}name: {placeholder}",
                    " ".repeat(col),
                    " ".repeat(unit)
                ),
            })
        }),
    };
    let mut d = Diagnostic::new("missing-name", range, "missing metadata.name; give the object a name");
    if let Some(edit) = edit {
        d = d.fix(Fix { title: "Add metadata.name".into(), edits: vec![edit] });
    }
    cx.emit(d);
}

fn unknown_pair(cx: &mut Cx<'_>, api_range: TextRange, kind_range: TextRange) {
    let schema = &cx.kb.schema;
    let group = cx.group;
    let group_known = schema.kinds().any(|k| k.group == group);
    let same_name: Vec<&Kind> =
        schema.kinds_named(cx.kind).into_iter().filter(|k| k.kind == cx.kind && !k.subresource).collect();
    // An API group no schema knows: a custom resource (or another tool's file) whose schema
    // is not loaded, unless it is a built-in kind with its group misspelled.
    let unknown_group = !group.is_empty() && !group_known;
    if unknown_group {
        let close = same_name.iter().find(|k| {
            k.source == kref_corpus::schema::KindSource::Builtin && strsim::levenshtein(&k.group, group) <= 3
        });
        if close.is_none() {
            if cx.on("no-schema") {
                cx.emit(Diagnostic::new(
                    "no-schema",
                    kind_range,
                    format!(
                        "no schema for {} {}: only its structure is checked; check it with its CRD or import that with `kref import`",
                        cx.api_version, cx.kind
                    ),
                ));
            }
            return;
        }
    }
    if !cx.on("unknown-kind") {
        return;
    }
    if !same_name.is_empty() {
        // The kind exists in other versions or groups: the apiVersion is wrong.
        let versions: Vec<String> = same_name.iter().map(|k| k.api_version()).collect();
        let message = format!(
            "{} has no kind {} in this schema; {} is served as {}",
            cx.api_version,
            cx.kind,
            cx.kind,
            versions.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
        );
        let fixes = versions
            .iter()
            .take(3)
            .map(|v| replace(format!("Change apiVersion to {v}"), api_range, v.clone()));
        cx.emit(Diagnostic::new("unknown-kind", api_range, message).fixes(fixes));
        return;
    }
    // An unknown kind name: suggest kinds of this apiVersion, then any kind.
    let in_version: Vec<&str> = schema
        .kinds()
        .filter(|k| k.has_api_version(cx.api_version) && !k.subresource)
        .map(|k| k.kind.as_str())
        .collect();
    let mut close = suggest(in_version.iter().copied(), cx.kind);
    if close.is_empty() {
        close = schema.suggest_kinds(cx.kind);
    }
    let message = match close.as_slice() {
        [] if group_known || group.is_empty() => {
            format!(
                "{} has no kind {}; check the spelling (kinds are UpperCamelCase)",
                cx.api_version, cx.kind
            )
        }
        [] => format!("unknown apiVersion {} for kind {}; check the group name", cx.api_version, cx.kind),
        [one] => format!("unknown kind {} in {}: did you mean {one}?", cx.kind, cx.api_version),
        many => format!(
            "unknown kind {} in {}: did you mean one of {}?",
            cx.kind,
            cx.api_version,
            many.join(", ")
        ),
    };
    let mut fixes = Vec::new();
    for c in &close {
        match schema.kind_in(cx.api_version, c).filter(|k| k.kind == *c) {
            Some(_) => fixes.push(replace(format!("Change kind to {c}"), kind_range, c.clone())),
            None => {
                if let Some(k) = schema.kind(c).filter(|k| k.kind == *c) {
                    fixes.push(Fix {
                        title: format!("Change to {} {c}", k.api_version()),
                        edits: vec![
                            TextEdit { range: api_range, new_text: k.api_version() },
                            TextEdit { range: kind_range, new_text: c.clone() },
                        ],
                    });
                }
            }
        }
    }
    cx.emit(Diagnostic::new("unknown-kind", kind_range, message).fixes(fixes));
}

/// The fix that moves a document to `to`, with the field changes the common migrations need.
fn migrate(cx: &Cx<'_>, to: &Replacement) -> Option<Fix> {
    if to.kind != cx.kind {
        return None;
    }
    let api = cx.root.pair("apiVersion")?;
    let mut edits = vec![TextEdit { range: api.value.range, new_text: to.api_version.clone() }];
    let unit = cx.indent_unit;
    match (cx.kind, to.api_version.as_str()) {
        ("Ingress", "networking.k8s.io/v1") => ingress_v1(cx.file, cx.root, unit, &mut edits),
        ("Deployment" | "DaemonSet" | "StatefulSet" | "ReplicaSet", "apps/v1") => {
            apps_v1(cx.file, cx.root, cx.kind, unit, &mut edits);
        }
        ("HorizontalPodAutoscaler", "autoscaling/v2") => hpa_v2(cx.file, cx.root, unit, &mut edits),
        _ => {}
    }
    Some(Fix { title: format!("Migrate to {} {}", to.api_version, to.kind), edits })
}

/// Ingress v1: `backend` → `defaultBackend`, `serviceName`/`servicePort` → `service.name` and
/// `service.port.number|name`, and `pathType: ImplementationSpecific` (the old default) where
/// missing.
fn ingress_v1(file: &File, root: &Node, unit: usize, edits: &mut Vec<TextEdit>) {
    let Some(spec) = get(root, "spec") else { return };
    if let Some(p) = spec.pair("backend") {
        edits.push(TextEdit { range: p.key.raw_range, new_text: "defaultBackend".into() });
        backend_v1(file, &p.value, unit, edits);
    }
    for rule in get(spec, "rules").map(items).unwrap_or(&[]) {
        for path in at(rule, &["http", "paths"]).map(items).unwrap_or(&[]) {
            if let Some(b) = get(path, "backend") {
                backend_v1(file, b, unit, edits);
            }
            if path.pair("pathType").is_none()
                && let Some(e) =
                    insert_entry(file, None, path, "pathType", &Y::s("ImplementationSpecific"), unit)
            {
                edits.push(e);
            }
        }
    }
}

fn backend_v1(file: &File, backend: &Node, unit: usize, edits: &mut Vec<TextEdit>) {
    let (Some(name), Some(port)) = (get(backend, "serviceName"), get(backend, "servicePort")) else { return };
    let name_text = text_of(name).unwrap_or("");
    let port_entry = match crate::model::int_of(port) {
        Some(n) => ("number".to_string(), Y::s(n.to_string())),
        None => ("name".to_string(), Y::s(yaml_string(text_of(port).unwrap_or("")))),
    };
    let service = Y::M(vec![
        ("name".into(), Y::s(yaml_string(name_text))),
        ("port".into(), Y::M(vec![port_entry.clone()])),
    ]);
    let others: Vec<&Pair> = pairs(backend)
        .iter()
        .filter(|p| p.key.text != "serviceName" && p.key.text != "servicePort")
        .collect();
    if backend.flow {
        if !others.is_empty() {
            return;
        }
        let text = format!(
            "{{service: {{name: {}, port: {{{}: {}}}}}}}",
            yaml_string(name_text),
            port_entry.0,
            match &port_entry.1 {
                Y::S(s) => s.clone(),
                _ => String::new(),
            }
        );
        edits.push(TextEdit { range: backend.range, new_text: text });
        return;
    }
    let Some(col) = super::edits::key_column(file, backend) else { return };
    if !others.is_empty() {
        return;
    }
    edits.push(TextEdit { range: backend.range, new_text: Y::render_pair("service", &service, col, unit) });
}

/// apps/v1 needs `spec.selector` (it was defaulted from the template labels before) and drops
/// `rollbackTo` and `templateGeneration`.
fn apps_v1(file: &File, root: &Node, kind: &str, unit: usize, edits: &mut Vec<TextEdit>) {
    let Some(spec_pair) = root.pair("spec") else { return };
    let spec = &spec_pair.value;
    for key in ["rollbackTo", "templateGeneration"] {
        if let Some(p) = spec.pair(key)
            && let Some(e) = remove_pair(file, p)
        {
            edits.push(e);
        }
    }
    if get(spec, "selector").is_none()
        && let Some(labels) = pod_labels(root, kind)
    {
        let entries: Vec<(String, Y)> =
            string_map(labels).into_iter().map(|(k, v)| (yaml_string(k), Y::s(yaml_string(v)))).collect();
        if entries.is_empty() {
            return;
        }
        let selector = Y::M(vec![("matchLabels".into(), Y::M(entries))]);
        if let Some(e) = insert_entry(file, Some(spec_pair), spec, "selector", &selector, unit) {
            edits.push(e);
        }
    }
}

/// autoscaling/v2: `targetAverageUtilization: N` → `target: {type: Utilization,
/// averageUtilization: N}` and `targetAverageValue` → `target: {type: AverageValue, ...}`.
fn hpa_v2(file: &File, root: &Node, unit: usize, edits: &mut Vec<TextEdit>) {
    for metric in at(root, &["spec", "metrics"]).map(items).unwrap_or(&[]) {
        let Some(resource) = get(metric, "resource") else { continue };
        for (old, ty, new) in [
            ("targetAverageUtilization", "Utilization", "averageUtilization"),
            ("targetAverageValue", "AverageValue", "averageValue"),
        ] {
            let Some(p) = resource.pair(old) else { continue };
            if resource.flow {
                continue;
            }
            let col = super::edits::column(file, p.key_range.start);
            let value = text_of(&p.value).unwrap_or("0").to_string();
            let target = Y::M(vec![("type".into(), Y::s(ty)), (new.into(), Y::s(value))]);
            edits.push(TextEdit {
                range: TextRange::new(p.key_range.start, p.range().end),
                new_text: Y::render_pair("target", &target, col, unit),
            });
        }
    }
}

/// A `List` document itself (its items are checked as objects of their own): `kind: List`, or
/// `<Kind>List` of a kind its apiVersion serves, with `apiVersion`, `kind`, `metadata` and
/// `items` only.
pub(crate) fn list(cx: &mut Cx<'_>, _view: &View<'_>) {
    let root = cx.root;
    if cx.kind != "List" && cx.on("unknown-kind") {
        let item_kind = cx.kind.strip_suffix("List").unwrap_or_default();
        let schema = &cx.kb.schema;
        let group_known = schema.kinds().any(|k| k.group == cx.group);
        let served = schema.kind_for(cx.api_version, item_kind).is_some()
            || lifecycle(cx.api_version, item_kind).is_some()
            || schema.kinds_named(item_kind).iter().any(|k| k.kind == item_kind && k.group == cx.group);
        if group_known && !served {
            let range = cx.obj.kind.as_ref().map_or(cx.obj.range, |k| k.1);
            cx.emit(Diagnostic::new(
                "unknown-kind",
                range,
                format!(
                    "{} is a list of {item_kind}, which {} does not serve; check the kind's spelling",
                    cx.kind, cx.api_version
                ),
            ));
        }
    }
    if cx.on("unknown-field") {
        for p in pairs(root) {
            let key = p.key.text.as_str();
            if !matches!(key, "apiVersion" | "kind" | "metadata" | "items") {
                let close = suggest(["apiVersion", "kind", "metadata", "items"], key);
                let message = match close.first() {
                    Some(c) => format!("unknown field {key:?} in a {}; did you mean {c}?", cx.kind),
                    None => format!(
                        "unknown field {key:?} in a {}: a list holds only apiVersion, kind, metadata and items",
                        cx.kind
                    ),
                };
                let fixes =
                    close.iter().map(|c| replace(format!("Rename to {c}"), p.key.raw_range, c.clone()));
                cx.emit(Diagnostic::new("unknown-field", p.key_range, message).fixes(fixes));
            }
        }
    }
    if cx.kind == "List"
        && cx.on("wrong-type")
        && let [first, rest @ ..] = crate::model::object::not_objects(root).as_slice()
    {
        let more = if rest.is_empty() { String::new() } else { format!(" (and {} more)", rest.len()) };
        let range = first.as_mapping().and_then(|p| p.first()).map_or(first.range, |p| p.key_range);
        cx.emit(Diagnostic::new(
            "wrong-type",
            range,
            format!(
                "this item of a List is not an object{more}: each item needs apiVersion, kind and metadata"
            ),
        ));
    }
    if cx.on("wrong-type")
        && let Some(items) = root.pair("items")
        && !crate::model::is_null(&items.value)
        && items.value.as_sequence().is_none()
    {
        cx.emit(Diagnostic::new(
            "wrong-type",
            items.key_range,
            format!("items of a {} must be a list of objects; start each with `- `", cx.kind),
        ));
    }
}
