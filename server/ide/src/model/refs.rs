//! What objects refer to: the ConfigMaps, Secrets, claims and ServiceAccount a pod uses, an
//! Ingress's backends, an HPA's target, a StatefulSet's Service, a binding's role and
//! ServiceAccounts, class names, and the selectors of Services, PodDisruptionBudgets and
//! NetworkPolicies (which refer to the pods they select). Go to definition and the
//! cross-document rules read them here.

use kref_yaml::{Node, TextRange};

use super::object::ObjectAt;
use super::pod::{containers, pod_spec};
use super::selector::Selector;
use super::yaml::{at, bool_of, get, is_null, items, text_of};

/// What a reference names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An object of this kind, by name.
    Object { kind: String, name: String },
    /// The objects with pod templates whose labels the selector matches.
    Pods(Selector),
}

/// One reference an object makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ref {
    pub target: Target,
    /// Where it is written: the name's value, or a selector's key.
    pub range: TextRange,
    /// Where a cursor counts as on it: the name's value, or a selector's key and value.
    pub span: TextRange,
}

/// Every reference `obj` makes whose name is known (a value holding a placeholder or an empty
/// value is none), in document order by kind of reference: pod references (optional ones
/// too) and class names, then those of its kind.
pub fn references<'n>(obj: &ObjectAt<'n>) -> Vec<Ref> {
    let mut out: Vec<Ref> = named_references(obj)
        .into_iter()
        .filter_map(|(kind, node)| {
            let name = text_of(node)?;
            Some(Ref {
                target: Target::Object { kind: kind.to_string(), name: name.to_string() },
                range: node.range,
                span: node.range,
            })
        })
        .collect();
    if !obj.is_builtin() {
        return out;
    }
    let kind = obj.kind_name();
    if matches!(kind, "Service" | "PodDisruptionBudget" | "NetworkPolicy") {
        let key = if kind == "NetworkPolicy" { "podSelector" } else { "selector" };
        if let Some(pair) = get(obj.node, "spec").and_then(|s| s.pair(key)).filter(|p| !is_null(&p.value)) {
            let selector = if kind == "Service" {
                Selector::from_map(&pair.value)
            } else {
                Selector::from_label_selector(&pair.value)
            };
            if !selector.is_empty() {
                out.push(Ref {
                    target: Target::Pods(selector),
                    range: pair.key_range,
                    span: TextRange::new(pair.key_range.start, pair.value.range.end.max(pair.key_range.end)),
                });
            }
        }
    }
    out
}

/// Every name `obj` refers to, as (kind, the name's node), whatever the node holds (a
/// placeholder, an empty value): pod references (optional ones too) and class names, then
/// those of its kind. [`references`] keeps those with a known name; rename reads the nodes.
pub fn named_references<'n>(obj: &ObjectAt<'n>) -> Vec<(&'n str, &'n Node)> {
    let mut out: Vec<(&'n str, &'n Node)> = Vec::new();
    if let Some(spec) = pod_spec(obj) {
        out.extend(pod_references(spec, true));
        for (key, k) in [("priorityClassName", "PriorityClass"), ("runtimeClassName", "RuntimeClass")] {
            if let Some(node) = get(spec, key) {
                out.push((k, node));
            }
        }
    }
    if !obj.is_builtin() {
        return out;
    }
    let (root, kind) = (obj.node, obj.kind_name());
    let spec = get(root, "spec");
    match kind {
        "Ingress" => {
            if let Some(spec) = spec {
                for (name, _) in backends(root) {
                    out.push(("Service", name));
                }
                if let Some(node) = get(spec, "ingressClassName") {
                    out.push(("IngressClass", node));
                }
            }
        }
        "HorizontalPodAutoscaler" => {
            if let Some(target) = spec.and_then(|s| get(s, "scaleTargetRef"))
                && let (Some(k), Some(node)) = (get(target, "kind").and_then(text_of), get(target, "name"))
            {
                out.push((k, node));
            }
        }
        "StatefulSet" => {
            if let Some(node) = spec.and_then(|s| get(s, "serviceName")) {
                out.push(("Service", node));
            }
        }
        "PersistentVolumeClaim" => {
            if let Some(node) = spec.and_then(|s| get(s, "storageClassName")) {
                out.push(("StorageClass", node));
            }
        }
        "RoleBinding" | "ClusterRoleBinding" => {
            if let Some(role) = get(root, "roleRef")
                && let (Some(k), Some(node)) = (get(role, "kind").and_then(text_of), get(role, "name"))
            {
                out.push((k, node));
            }
            for subject in get(root, "subjects").map(items).unwrap_or(&[]) {
                if get(subject, "kind").and_then(text_of) == Some("ServiceAccount")
                    && let Some(node) = get(subject, "name")
                {
                    out.push(("ServiceAccount", node));
                }
            }
        }
        _ => {}
    }
    out
}

/// Every reference a pod spec makes: (kind, name node); those marked `optional: true` only
/// `with_optional`.
pub fn pod_references(spec: &Node, with_optional: bool) -> Vec<(&'static str, &Node)> {
    let mut out = Vec::new();
    let optional = |n: &Node| !with_optional && get(n, "optional").and_then(bool_of) == Some(true);
    for key in ["serviceAccountName", "serviceAccount"] {
        if let Some(n) = get(spec, key)
            && text_of(n).is_some_and(|s| s != "default")
        {
            out.push(("ServiceAccount", n));
            break;
        }
    }
    for v in get(spec, "volumes").map(items).unwrap_or(&[]) {
        if let Some(cm) = get(v, "configMap")
            && !optional(cm)
            && let Some(n) = get(cm, "name")
        {
            out.push(("ConfigMap", n));
        }
        if let Some(s) = get(v, "secret")
            && !optional(s)
            && let Some(n) = get(s, "secretName")
        {
            out.push(("Secret", n));
        }
        if let Some(n) = at(v, &["persistentVolumeClaim", "claimName"]) {
            out.push(("PersistentVolumeClaim", n));
        }
        for src in at(v, &["projected", "sources"]).map(items).unwrap_or(&[]) {
            for (key, kind) in [("configMap", "ConfigMap"), ("secret", "Secret")] {
                if let Some(x) = get(src, key)
                    && !optional(x)
                    && let Some(n) = get(x, "name")
                {
                    out.push((kind, n));
                }
            }
        }
    }
    for c in containers(spec) {
        for e in get(c.node, "env").map(items).unwrap_or(&[]) {
            for (key, kind) in [("configMapKeyRef", "ConfigMap"), ("secretKeyRef", "Secret")] {
                if let Some(r) = at(e, &["valueFrom", key])
                    && !optional(r)
                    && let Some(n) = get(r, "name")
                {
                    out.push((kind, n));
                }
            }
        }
        for e in get(c.node, "envFrom").map(items).unwrap_or(&[]) {
            for (key, kind) in [("configMapRef", "ConfigMap"), ("secretRef", "Secret")] {
                if let Some(r) = get(e, key)
                    && !optional(r)
                    && let Some(n) = get(r, "name")
                {
                    out.push((kind, n));
                }
            }
        }
    }
    out
}

/// Every backend of an Ingress: (service name node, port node).
pub fn backends<'n>(root: &'n Node) -> Vec<(&'n Node, Option<&'n Node>)> {
    let mut out = Vec::new();
    let Some(spec) = get(root, "spec") else { return out };
    let mut push = |b: &'n Node| {
        if let Some(svc) = get(b, "service") {
            if let Some(name) = get(svc, "name") {
                let port = get(svc, "port").and_then(|p| get(p, "number").or_else(|| get(p, "name")));
                out.push((name, port));
            }
        } else if let Some(name) = get(b, "serviceName") {
            out.push((name, get(b, "servicePort")));
        }
    };
    for key in ["defaultBackend", "backend"] {
        if let Some(b) = get(spec, key) {
            push(b);
        }
    }
    for rule in get(spec, "rules").map(items).unwrap_or(&[]) {
        for path in at(rule, &["http", "paths"]).map(items).unwrap_or(&[]) {
            if let Some(b) = get(path, "backend") {
                push(b);
            }
        }
    }
    out
}
