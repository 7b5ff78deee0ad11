//! The cross-document rules, over the objects a file sees through its workspace
//! [`View`]: duplicate objects, Services and PodDisruptionBudgets that select no pods, Ingress
//! backends, HPA targets, StatefulSet Services, and the ConfigMaps, Secrets, ServiceAccounts and
//! claims pods use.
//!
//! Files see each other only within a deployment unit (see
//! [`crate::model::project::units`]): the objects of a kustomization, of a chart, or
//! of one folder tree. Duplicates are only
//! reported within one file or a unit whose files are applied together for certain. Patches
//! are not objects here. A reference is only reported missing when the unit defines objects of
//! that kind (in that namespace): a Secret made by hand in the cluster is no mistake in a
//! repository that keeps no Secrets; ConfigMaps and Secrets a kustomization generates count.

use std::collections::HashMap;

use kref_corpus::schema::suggest;
use kref_yaml::Typed;

use super::context::Cx;
use super::edits::replace;
use super::{Diagnostic, Related};
use crate::model::{
    Object, Selector, View, at, backends, claim_templates, get, is_null, is_placeholder, pairs,
    pod_references, str_of, text_of,
};

fn where_is(file: Option<&str>, o: &Object) -> String {
    match file {
        None => format!("line {}", o.line + 1),
        Some(f) => format!("{f}:{}", o.line + 1),
    }
}

fn related(file: Option<&str>, o: &Object, message: String) -> Related {
    Related { file: file.map(str::to_string), range: o.range, line: o.line, message }
}

pub(crate) fn check(cx: &mut Cx<'_>, view: &View<'_>) {
    if cx.partial {
        // A patch is part of another object: no duplicate, and what it refers to is checked
        // where the patch is applied.
        return;
    }
    let ns = cx.obj.namespace.as_deref().filter(|n| !n.is_empty());
    if cx.on("duplicate-object") {
        duplicates(cx, view, ns);
    }
    if !cx.builtin() || view.incomplete() {
        // What a unit with templates defines is not all known: nothing is surely missing.
        return;
    }
    match cx.kind {
        "Service" if cx.on("service-selector") => service_selector(cx, view, ns),
        "Ingress" if cx.on("ingress-backend") => ingress(cx, view, ns),
        "HorizontalPodAutoscaler" if cx.on("hpa-target") => hpa(cx, view, ns),
        "PodDisruptionBudget" if cx.on("pdb-selector") => pdb(cx, view, ns),
        "StatefulSet" if cx.on("statefulset-service") => statefulset_service(cx, view, ns),
        _ => {}
    }
    if cx.on("missing-reference") {
        references(cx, view, ns);
    }
}

fn duplicates(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(name) = cx.obj.name.as_deref() else { return };
    let here = view.at_doc(cx.index, cx.obj.item);
    let Some(here) = here else { return };
    let group = here.group();
    // Only objects applied together for certain collide: the same file, or one unit of
    // kustomize, Helm or `.kref.yaml`. Files side by side in a folder may be alternatives.
    let first_other = view.named_in(cx.kind, name, ns).into_iter().find(|(file, o, together)| {
        *together
            && !(file.is_none() && o.doc == here.doc && o.item == here.item)
            && o.group() == group
            && o.namespace.as_deref() == ns
            && !o.generated
    });
    if let Some((file, o, _)) = first_other {
        let ns_text = ns.map(|n| format!("{n}/")).unwrap_or_default();
        let at = where_is(file, o);
        cx.emit(
            Diagnostic::new(
                "duplicate-object",
                here.range,
                format!("{} {ns_text}{name} is also defined at {at}; the later one replaces the earlier when applied", cx.kind),
            )
            .related(related(file, o, format!("the other {} {ns_text}{name}", cx.kind))),
        );
    }
}

fn service_selector(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(spec) = get(cx.root, "spec") else { return };
    let Some(sel_pair) = spec.pair("selector").filter(|p| !is_null(&p.value)) else { return };
    let selector = Selector::from_map(&sel_pair.value);
    if selector.is_empty() {
        return;
    }
    let pods = view.pods(ns);
    if !selects_nothing(&selector, &pods, view, ns) {
        return;
    }
    // The workload sharing the most selector labels, to say what differs.
    let best = pods
        .iter()
        .max_by_key(|o| {
            let l = o.pod_labels.as_deref().unwrap_or(&[]);
            selector.labels.iter().filter(|(k, v)| l.iter().any(|(lk, lv)| lk == k && lv == v)).count() * 2
                + selector.labels.iter().filter(|(k, _)| l.iter().any(|(lk, _)| lk == k)).count()
        })
        .copied();
    let mut message = format!("selector {} matches no pod template in the workspace", selector.describe());
    let mut fixes = Vec::new();
    if let Some(b) = best {
        let labels = b.pod_labels.as_deref().unwrap_or(&[]);
        let shown: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        message.push_str(&format!(
            "; {} {} has labels {}",
            b.kind,
            b.name.as_deref().unwrap_or("?"),
            if shown.is_empty() { "none".to_string() } else { shown.join(", ") }
        ));
        for p in pairs(&sel_pair.value) {
            if let Some((_, v)) = labels.iter().find(|(k, _)| *k == p.key.text)
                && text_of(&p.value) != Some(v.as_str())
            {
                fixes.push(replace(
                    format!("Select {}={v}", p.key.text),
                    p.value.range,
                    super::edits::yaml_string(v),
                ));
            }
        }
    }
    let fix = (fixes.len() == 1).then(|| fixes.remove(0));
    cx.emit(Diagnostic::new("service-selector", sel_pair.key_range, message).fixes(fix));
}

/// Does a selector surely match no pod of the unit? Only when the unit has pod templates, none
/// matches, one of them comes close (it shares a label key or value with the selector: the
/// selector was meant for it), and no custom resource whose controller runs pods (a
/// Prometheus, a database cluster) may make pods it matches: operators label their pods with
/// the resource's labels and name.
fn selects_nothing(selector: &Selector, pods: &[&Object], view: &View<'_>, ns: Option<&str>) -> bool {
    if pods.is_empty() || pods.iter().any(|o| o.pod_labels.as_ref().is_some_and(|l| selector.matches(l))) {
        return false;
    }
    let keys: Vec<&str> = selector
        .labels
        .iter()
        .map(|(k, _)| k.as_str())
        .chain(selector.exprs.iter().map(|(k, _, _)| k.as_str()))
        .collect();
    let values: Vec<&str> = selector.labels.iter().map(|(_, v)| v.as_str()).collect();
    let near = pods.iter().any(|o| {
        o.pod_labels
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .any(|(k, v)| keys.contains(&k.as_str()) || values.contains(&v.as_str()))
    });
    if !near {
        return false;
    }
    let owned = view.pod_owners(ns).iter().any(|owner| {
        let labels = owner.pod_owner.as_deref().unwrap_or(&[]);
        let name = owner.name.as_deref().unwrap_or("");
        let kind = owner.kind.to_ascii_lowercase();
        selector.labels.iter().all(|(k, v)| {
            labels.iter().any(|(lk, lv)| lk == k && lv == v) || v == name || v.to_ascii_lowercase() == kind
        })
    });
    !owned
}

fn ingress(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let services = view.of_kind("Service", ns);
    if services.is_empty() {
        return;
    }
    for (name_node, port_node) in backends(cx.root) {
        let Some(name) = str_of(name_node) else { continue };
        let found: Vec<_> = services.iter().filter(|(_, o)| o.name.as_deref() == Some(name)).collect();
        let Some((file, svc)) = found.first() else {
            let names = services.iter().filter_map(|(_, o)| o.name.as_deref());
            let close = suggest(names, name);
            let mut message = format!("no Service named {name} in the workspace");
            if let Some(c) = close.first() {
                message.push_str(&format!("; did you mean {c}?"));
            } else {
                message.push_str("; create it or fix the name");
            }
            let fixes = close.iter().map(|c| replace(format!("Change to {c}"), name_node.range, c.clone()));
            cx.emit(Diagnostic::new("ingress-backend", name_node.range, message).fixes(fixes));
            continue;
        };
        let Some(port_node) = port_node else { continue };
        let Some(facts) = &svc.service else { continue };
        let ok = match crate::model::scalar(port_node) {
            Some(Typed::Int(n)) => facts.ports.iter().any(|(_, p)| *p == Some(n)),
            Some(Typed::Str(s)) => facts.ports.iter().any(|(n, _)| n.as_deref() == Some(s)),
            _ => true,
        };
        if !ok {
            let listed: Vec<String> = facts
                .ports
                .iter()
                .map(|(n, p)| match (n, p) {
                    (Some(n), Some(p)) => format!("{n} ({p})"),
                    (None, Some(p)) => p.to_string(),
                    (Some(n), None) => n.clone(),
                    (None, None) => "?".into(),
                })
                .collect();
            let port_text = text_of(port_node).unwrap_or("?");
            let message = format!(
                "Service {name} has no port {port_text}; its ports are {}",
                if listed.is_empty() { "none".to_string() } else { listed.join(", ") }
            );
            let mut d = Diagnostic::new("ingress-backend", port_node.range, message).related(related(
                *file,
                svc,
                format!("Service {name}"),
            ));
            if facts.ports.len() == 1
                && let Some(p) = facts.ports[0].1
            {
                let is_number = matches!(crate::model::scalar(port_node), Some(Typed::Int(_)));
                if is_number {
                    d = d.fix(replace(format!("Change to {p}"), port_node.range, p.to_string()));
                }
            }
            cx.emit(d);
        }
    }
}

fn hpa(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(target) = at(cx.root, &["spec", "scaleTargetRef"]) else { return };
    let (Some(kind), Some(name_node)) = (get(target, "kind").and_then(text_of), get(target, "name")) else {
        return;
    };
    let Some(name) = text_of(name_node) else { return };
    let candidates = view.of_kind(kind, ns);
    if candidates.is_empty() || candidates.iter().any(|(_, o)| o.name.as_deref() == Some(name)) {
        return;
    }
    let close = suggest(candidates.iter().filter_map(|(_, o)| o.name.as_deref()), name);
    let mut message = format!("the target {kind} {name} is not in the workspace");
    match close.first() {
        Some(c) => message.push_str(&format!("; did you mean {c}?")),
        None => message.push_str("; create it or fix scaleTargetRef"),
    }
    let fixes = close.iter().map(|c| replace(format!("Change to {c}"), name_node.range, c.clone()));
    cx.emit(Diagnostic::new("hpa-target", name_node.range, message).fixes(fixes));
}

fn pdb(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(sel_pair) = get(cx.root, "spec").and_then(|s| s.pair("selector")).filter(|p| !is_null(&p.value))
    else {
        return;
    };
    let selector = Selector::from_label_selector(&sel_pair.value);
    if selector.is_empty() {
        return;
    }
    let pods = view.pods(ns);
    if !selects_nothing(&selector, &pods, view, ns) {
        return;
    }
    cx.emit(Diagnostic::new(
        "pdb-selector",
        sel_pair.key_range,
        format!(
            "selector {} matches no pod template in the workspace; the budget protects nothing",
            selector.describe()
        ),
    ));
}

fn statefulset_service(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(node) = at(cx.root, &["spec", "serviceName"]) else { return };
    let Some(name) = str_of(node).filter(|n| !n.is_empty()) else { return };
    let services = view.of_kind("Service", ns);
    if services.is_empty() {
        return;
    }
    match services.iter().find(|(_, o)| o.name.as_deref() == Some(name)) {
        None => {
            let close = suggest(services.iter().filter_map(|(_, o)| o.name.as_deref()), name);
            let fixes = close.iter().map(|c| replace(format!("Change to {c}"), node.range, c.clone()));
            cx.emit(
                Diagnostic::new(
                    "statefulset-service",
                    node.range,
                    format!("no Service named {name} in the workspace; create a headless Service (clusterIP: None) for the pods' DNS names"),
                )
                .fixes(fixes),
            );
        }
        Some((file, svc)) if svc.service.as_ref().is_some_and(|s| !s.headless) => {
            cx.emit(
                Diagnostic::new(
                    "statefulset-service",
                    node.range,
                    format!("Service {name} is not headless, so the pods get no stable DNS names; set clusterIP: None on it"),
                )
                .related(related(*file, svc, format!("Service {name}"))),
            );
        }
        Some(_) => {}
    }
}

fn references(cx: &mut Cx<'_>, view: &View<'_>, ns: Option<&str>) {
    let Some(spec) = cx.pod_spec() else { return };
    let mut cache: HashMap<&'static str, Vec<String>> = HashMap::new();
    // A StatefulSet's claim templates make the claims its pods' volumes of the same name use.
    let claim_templates = claim_templates(cx.obj);
    for (kind, node) in pod_references(spec, false) {
        // An empty name is no reference (`serviceAccount: ''` means the default one); a
        // placeholder is filled in later.
        let Some(name) = text_of(node).filter(|n| !n.trim().is_empty()) else { continue };
        if is_placeholder(node) {
            continue;
        }
        if kind == "ConfigMap" && name == "kube-root-ca.crt" {
            continue;
        }
        if kind == "PersistentVolumeClaim" && claim_templates.contains(&name) {
            continue;
        }
        let names = cache.entry(kind).or_insert_with(|| {
            view.of_kind(kind, ns).iter().filter_map(|(_, o)| o.name.clone()).collect::<Vec<String>>()
        });
        // Claims made from a StatefulSet's volumeClaimTemplates are not separate objects.
        if names.is_empty() || names.iter().any(|n| n == name) {
            continue;
        }
        let close = suggest(names.iter().map(String::as_str), name);
        let mut message = format!("{kind} {name} is not defined in the workspace");
        match close.first() {
            Some(c) => message.push_str(&format!("; did you mean {c}?")),
            None => message.push_str("; create it, fix the name, or mark the reference optional"),
        }
        let fixes = close
            .iter()
            .map(|c| replace(format!("Change to {c}"), node.range, c.clone()))
            .collect::<Vec<_>>();
        cx.emit(Diagnostic::new("missing-reference", node.range, message).fixes(fixes));
    }
}
