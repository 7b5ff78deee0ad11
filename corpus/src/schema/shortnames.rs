//! `kubectl` short names of the built-in resources (the `shortNames` the API server advertises in
//! discovery), keyed by group and plural. OpenAPI documents do not carry them, so imports of
//! built-in groups take them from here too.
//!
//! Also compiled into `build.rs`.

/// `(group, plural, short names)`; the core group is `""`.
pub const SHORT_NAMES: &[(&str, &str, &[&str])] = &[
    ("", "componentstatuses", &["cs"]),
    ("", "configmaps", &["cm"]),
    ("", "endpoints", &["ep"]),
    ("", "events", &["ev"]),
    ("", "limitranges", &["limits"]),
    ("", "namespaces", &["ns"]),
    ("", "nodes", &["no"]),
    ("", "persistentvolumeclaims", &["pvc"]),
    ("", "persistentvolumes", &["pv"]),
    ("", "pods", &["po"]),
    ("", "replicationcontrollers", &["rc"]),
    ("", "resourcequotas", &["quota"]),
    ("", "serviceaccounts", &["sa"]),
    ("", "services", &["svc"]),
    ("apiextensions.k8s.io", "customresourcedefinitions", &["crd", "crds"]),
    ("apps", "daemonsets", &["ds"]),
    ("apps", "deployments", &["deploy"]),
    ("apps", "replicasets", &["rs"]),
    ("apps", "statefulsets", &["sts"]),
    ("autoscaling", "horizontalpodautoscalers", &["hpa"]),
    ("batch", "cronjobs", &["cj"]),
    ("certificates.k8s.io", "certificatesigningrequests", &["csr"]),
    ("events.k8s.io", "events", &["ev"]),
    ("extensions", "daemonsets", &["ds"]),
    ("extensions", "deployments", &["deploy"]),
    ("extensions", "ingresses", &["ing"]),
    ("extensions", "networkpolicies", &["netpol"]),
    ("extensions", "podsecuritypolicies", &["psp"]),
    ("extensions", "replicasets", &["rs"]),
    ("networking.k8s.io", "ingresses", &["ing"]),
    ("networking.k8s.io", "networkpolicies", &["netpol"]),
    ("policy", "poddisruptionbudgets", &["pdb"]),
    ("policy", "podsecuritypolicies", &["psp"]),
    ("scheduling.k8s.io", "priorityclasses", &["pc"]),
    ("storage.k8s.io", "storageclasses", &["sc"]),
    ("storage.k8s.io", "volumeattributesclasses", &["vac"]),
];

/// The short names of `plural` in `group`.
pub fn short_names(group: &str, plural: &str) -> &'static [&'static str] {
    SHORT_NAMES
        .iter()
        .find(|(g, p, _)| *g == group && *p == plural)
        .map(|(_, _, names)| *names)
        .unwrap_or(&[])
}

/// The plural Kubernetes guesses for a kind when nothing says otherwise (the rule of
/// apimachinery's `UnsafeGuessKindToResource`): `Ingress` → `ingresses`, `Policy` → `policies`.
pub fn guess_plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    if lower.is_empty() {
        return lower;
    }
    if lower.ends_with('s') || lower.ends_with('x') || lower.ends_with("ch") || lower.ends_with("sh") {
        return format!("{lower}es");
    }
    if let Some(stem) = lower.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    format!("{lower}s")
}
