//! Rules for Services, Ingresses, PersistentVolumeClaims, ConfigMaps and Secrets,
//! PodDisruptionBudgets, HorizontalPodAutoscalers and RBAC bindings, and deprecated
//! annotations that the schema does not describe.

use kref_yaml::{Node, Pair, TextRange, Typed};

use super::context::Cx;
use super::edits::{Y, insert_entry, remove_pair, replace, yaml_string};
use super::names::{label_problem, subdomain_problem};
use super::pod::port_name_problem;
use super::{Diagnostic, Fix, Severity};
use crate::model::View;
use crate::model::{at, get, int_of, is_null, items, pairs, scalar, str_of, template_metadata, text_of};

pub(crate) fn check(cx: &mut Cx<'_>, _view: &View<'_>) {
    if cx.on("deprecated-field") {
        deprecated_annotations(cx);
    }
    if !cx.builtin() {
        return;
    }
    match cx.kind {
        "Service" => service(cx),
        "Ingress" if cx.api_version == "networking.k8s.io/v1" && cx.on("ingress-rules") => ingress(cx),
        "PersistentVolumeClaim" if cx.on("pvc-spec") => {
            if let Some(spec) = cx.root.pair("spec") {
                pvc(cx, spec, "spec");
            } else {
                cx.emit(Diagnostic::new(
                    "pvc-spec",
                    cx.root.pair("kind").map_or(cx.obj.range, |k| k.key_range),
                    "a PersistentVolumeClaim needs a spec with accessModes and resources.requests.storage",
                ));
            }
        }
        "StatefulSet" if cx.on("pvc-spec") => {
            for t in at(cx.root, &["spec", "volumeClaimTemplates"]).map(items).unwrap_or(&[]) {
                if let Some(spec) = t.pair("spec") {
                    pvc(cx, spec, "volumeClaimTemplates[].spec");
                }
            }
        }
        "ConfigMap" | "Secret" => config_data(cx),
        "PodDisruptionBudget" => {
            if cx.on("pdb-budget") {
                pdb(cx);
            }
            if cx.on("pdb-eviction-policy") {
                eviction_policy(cx);
            }
        }
        "HorizontalPodAutoscaler" if cx.on("hpa-replicas") => hpa(cx),
        "RoleBinding" | "ClusterRoleBinding" if cx.on("rbac-binding") => rbac(cx),
        _ => {}
    }
}

fn unit(cx: &Cx<'_>) -> usize {
    cx.indent_unit
}

fn service(cx: &mut Cx<'_>) {
    let Some(spec) = get(cx.root, "spec") else { return };
    // A type filled in later: not known, so neither is what it allows.
    let ty = match get(spec, "type") {
        Some(n) if crate::model::is_placeholder(n) => "",
        n => n.and_then(text_of).unwrap_or("ClusterIP"),
    };
    let ports_pair = spec.pair("ports").filter(|p| !is_null(&p.value));
    let ports = ports_pair.map(|p| items(&p.value)).unwrap_or(&[]);
    let headless = get(spec, "clusterIP").and_then(text_of) == Some("None");
    if cx.on("service-ports") {
        if ports.is_empty() && ty != "ExternalName" && !headless {
            cx.emit(Diagnostic::new(
                "service-ports",
                ports_pair
                    .map_or(cx.root.pair("spec").map_or(cx.obj.range, |p| p.key_range), |p| p.key_range),
                "a Service needs at least one port; add ports: [{port: 80, targetPort: 8080}]",
            ));
        }
        let mut names: Vec<(&str, TextRange)> = Vec::new();
        for p in ports {
            if let Some(n) = get(p, "port")
                && let Some(v) = int_of(n)
                && !(1..=65535).contains(&v)
            {
                cx.emit(Diagnostic::new("service-ports", n.range, format!("port {v} is outside 1-65535")));
            }
            match get(p, "name") {
                Some(n) => {
                    if let Some(name) = str_of(n) {
                        if let Some(why) = label_problem(name, false) {
                            cx.emit(Diagnostic::new(
                                "service-ports",
                                n.range,
                                format!("port name {name:?} is not a DNS label: it {why}"),
                            ));
                        }
                        if let Some((_, first)) = names.iter().find(|(x, _)| *x == name) {
                            let line = cx.file.line_index().line_of(first.start) as u32;
                            cx.emit(
                                Diagnostic::new(
                                    "service-ports",
                                    n.range,
                                    format!("port name {name:?} is used twice; rename one"),
                                )
                                .related(super::Related {
                                    file: None,
                                    range: *first,
                                    line,
                                    message: "the first use".into(),
                                }),
                            );
                        } else {
                            names.push((name, n.range));
                        }
                    }
                }
                None if ports.len() > 1 => {
                    let port = get(p, "port").and_then(int_of);
                    let fix = port.and_then(|v| {
                        let e = insert_entry(cx.file, None, p, "name", &Y::s(format!("port-{v}")), unit(cx))?;
                        Some(Fix { title: format!("Name it port-{v}"), edits: vec![e] })
                    });
                    cx.emit(
                        Diagnostic::new(
                            "service-ports",
                            get(p, "port").map_or(p.range, |n| n.range),
                            "a Service with several ports must name every port; add name:",
                        )
                        .fixes(fix),
                    );
                }
                None => {}
            }
            if let Some(t) = get(p, "targetPort") {
                let raw = t.as_scalar().map_or(t.range, |s| s.raw_range);
                match scalar(t) {
                    Some(Typed::Int(v)) if !(1..=65535).contains(&v) => {
                        cx.emit(Diagnostic::new(
                            "service-ports",
                            t.range,
                            format!("targetPort {v} is outside 1-65535"),
                        ));
                    }
                    Some(Typed::Str(s)) => {
                        if s.trim().parse::<i64>().is_ok() {
                            cx.emit(
                                Diagnostic::new(
                                    "service-ports",
                                    raw,
                                    format!("targetPort \"{s}\" is quoted, so it is read as a port name; remove the quotes"),
                                )
                                .fix(replace("Remove the quotes", raw, s.trim())),
                            );
                        } else if let Some(why) = port_name_problem(s) {
                            cx.emit(Diagnostic::new(
                                "service-ports",
                                t.range,
                                format!("targetPort {s:?} is not a valid port name: it {why}"),
                            ));
                        }
                    }
                    _ => {}
                }
            }
        }
    }
    if cx.on("node-port") {
        for p in ports {
            let Some(np) = p.pair("nodePort").filter(|x| !is_null(&x.value)) else { continue };
            let Some(v) = int_of(&np.value) else { continue };
            if ty.is_empty() {
                continue;
            }
            if !matches!(ty, "NodePort" | "LoadBalancer") {
                let fix =
                    remove_pair(cx.file, np).map(|e| Fix { title: "Remove nodePort".into(), edits: vec![e] });
                cx.emit(
                    Diagnostic::new(
                        "node-port",
                        np.key_range,
                        format!(
                            "nodePort may not be used when type is {ty}; remove it or set type: NodePort"
                        ),
                    )
                    .fixes(fix),
                );
            } else if v != 0 && !(30000..=32767).contains(&v) {
                cx.emit(Diagnostic::new(
                    "node-port",
                    np.value.range,
                    format!("nodePort {v} is outside the default node port range 30000-32767; pick a port in it or leave it out"),
                ));
            }
        }
    }
    if cx.on("external-name")
        && ty == "ExternalName"
        && !get(spec, "externalName").is_some_and(crate::model::is_placeholder)
    {
        match get(spec, "externalName").and_then(text_of) {
            None => cx.emit(Diagnostic::new(
                "external-name",
                get(spec, "type").map_or(cx.obj.range, |n| n.range),
                "an ExternalName Service needs externalName: the DNS name it points to",
            )),
            Some(name) => {
                let bare = name.strip_suffix('.').unwrap_or(name);
                if let Some(why) = subdomain_problem(bare, 253) {
                    let n = get(spec, "externalName").map_or(cx.obj.range, |n| n.range);
                    cx.emit(Diagnostic::new(
                        "external-name",
                        n,
                        format!(
                            "externalName {name:?} is not a DNS name: it {why} (IP addresses are not allowed)"
                        ),
                    ));
                }
            }
        }
    }
}

fn ingress(cx: &mut Cx<'_>) {
    let Some(spec) = get(cx.root, "spec") else { return };
    if let Some(b) = spec.pair("defaultBackend").filter(|p| !is_null(&p.value)) {
        backend(cx, b);
    }
    for rule in get(spec, "rules").map(items).unwrap_or(&[]) {
        if let Some(h) = get(rule, "host")
            && let Some(host) = text_of(h)
        {
            let bare = host.strip_prefix("*.").unwrap_or(host);
            let ip = bare.split('.').count() == 4 && bare.split('.').all(|p| p.parse::<u8>().is_ok());
            if ip {
                cx.emit(Diagnostic::new(
                    "ingress-rules",
                    h.range,
                    format!("host {host} is an IP address; a rule's host must be a DNS name"),
                ));
            } else if let Some(why) = subdomain_problem(bare, 253) {
                cx.emit(Diagnostic::new(
                    "ingress-rules",
                    h.range,
                    format!("host {host:?} is not a DNS name: it {why} (a wildcard may only be the first label, as in *.example.com)"),
                ));
            }
        }
        for path in at(rule, &["http", "paths"]).map(items).unwrap_or(&[]) {
            let ty = get(path, "pathType").and_then(text_of);
            if matches!(ty, Some("Prefix" | "Exact")) {
                match get(path, "path") {
                    None => cx.emit(Diagnostic::new(
                        "ingress-rules",
                        get(path, "pathType").map_or(path.range, |n| n.range),
                        "pathType Prefix and Exact need a path; add path: /",
                    )),
                    Some(p) => {
                        if let Some(t) = text_of(p)
                            && !t.starts_with('/')
                        {
                            let fixed = format!("/{t}");
                            cx.emit(
                                Diagnostic::new(
                                    "ingress-rules",
                                    p.range,
                                    format!("path {t:?} must start with '/'"),
                                )
                                .fix(replace(
                                    format!("Change to {fixed}"),
                                    p.range,
                                    yaml_string(&fixed),
                                )),
                            );
                        }
                    }
                }
            }
            if let Some(b) = path.pair("backend").filter(|p| !is_null(&p.value)) {
                backend(cx, b);
            }
        }
    }
}

fn backend(cx: &mut Cx<'_>, b: &Pair) {
    let node = &b.value;
    let service = get(node, "service");
    let resource = get(node, "resource");
    if node.pair("serviceName").is_some() || node.pair("servicePort").is_some() {
        // The v1beta1 shape: the schema walk reports the unknown fields; say what v1 wants.
        cx.emit(Diagnostic::new(
            "ingress-rules",
            b.key_range,
            "networking.k8s.io/v1 backends use service: {name: ..., port: {number: ...}} instead of serviceName and servicePort",
        ));
        return;
    }
    match (service, resource) {
        (Some(_), Some(_)) => cx.emit(Diagnostic::new(
            "ingress-rules",
            b.key_range,
            "a backend names either a service or a resource, not both; remove one",
        )),
        (None, None) => cx.emit(Diagnostic::new(
            "ingress-rules",
            b.key_range,
            "the backend names no service; add service: {name: ..., port: {number: ...}}",
        )),
        (Some(svc), None) => {
            let port = get(svc, "port");
            let number = port.and_then(|p| get(p, "number"));
            let name = port.and_then(|p| get(p, "name"));
            match (number, name) {
                (Some(_), Some(n)) => cx.emit(Diagnostic::new(
                    "ingress-rules",
                    n.range,
                    "a backend port has either a number or a name, not both; remove one",
                )),
                (None, None) => cx.emit(Diagnostic::new(
                    "ingress-rules",
                    svc.pair("port").map_or(b.key_range, |p| p.key_range),
                    "the backend service needs port: {number: N} or port: {name: NAME}",
                )),
                (Some(n), None) => {
                    if let Some(v) = int_of(n)
                        && !(1..=65535).contains(&v)
                    {
                        cx.emit(Diagnostic::new(
                            "ingress-rules",
                            n.range,
                            format!("port number {v} is outside 1-65535"),
                        ));
                    }
                }
                (None, Some(_)) => {}
            }
        }
        (None, Some(_)) => {}
    }
}

fn pvc(cx: &mut Cx<'_>, spec_pair: &Pair, where_: &str) {
    let spec = &spec_pair.value;
    if spec.as_mapping().is_none() {
        return;
    }
    let modes_pair = spec.pair("accessModes").filter(|p| !is_null(&p.value));
    let mode_items = modes_pair.map(|p| items(&p.value)).unwrap_or(&[]);
    let modes: Vec<&str> = mode_items.iter().filter_map(text_of).collect();
    if mode_items.is_empty() && spec.pair("dataSourceRef").is_none() {
        let fix = match modes_pair {
            None => insert_entry(
                cx.file,
                Some(spec_pair),
                spec,
                "accessModes",
                &Y::L(vec![Y::s("ReadWriteOnce")]),
                unit(cx),
            )
            .map(|e| Fix { title: "Add accessModes: [ReadWriteOnce]".into(), edits: vec![e] }),
            Some(_) => None,
        };
        cx.emit(
            Diagnostic::new(
                "pvc-spec",
                modes_pair.map_or(spec_pair.key_range, |p| p.key_range),
                format!("{where_} needs at least one access mode; add accessModes: [ReadWriteOnce]"),
            )
            .fixes(fix),
        );
    }
    if modes.contains(&"ReadWriteOncePod") && modes.len() > 1 {
        cx.emit(Diagnostic::new(
            "pvc-spec",
            modes_pair.map_or(spec_pair.key_range, |p| p.key_range),
            "ReadWriteOncePod cannot be combined with other access modes; keep it alone",
        ));
    }
    let storage = at(spec, &["resources", "requests", "storage"]);
    if storage.is_none() && spec.pair("dataSourceRef").is_none() && spec.pair("dataSource").is_none() {
        let fix = match spec.pair("resources").filter(|p| !is_null(&p.value)) {
            None => insert_entry(
                cx.file,
                Some(spec_pair),
                spec,
                "resources",
                &Y::M(vec![("requests".into(), Y::M(vec![("storage".into(), Y::s("1Gi"))]))]),
                unit(cx),
            ),
            Some(r) => match r.value.pair("requests").filter(|p| !is_null(&p.value)) {
                Some(req) => insert_entry(cx.file, Some(req), &req.value, "storage", &Y::s("1Gi"), unit(cx)),
                None => insert_entry(
                    cx.file,
                    Some(r),
                    &r.value,
                    "requests",
                    &Y::M(vec![("storage".into(), Y::s("1Gi"))]),
                    unit(cx),
                ),
            },
        }
        .map(|e| Fix { title: "Request 1Gi of storage".into(), edits: vec![e] });
        cx.emit(
            Diagnostic::new(
                "pvc-spec",
                spec_pair.key_range,
                format!("{where_} needs resources.requests.storage, the size of the volume"),
            )
            .fixes(fix),
        );
    }
}

/// Why a ConfigMap or Secret key is not valid.
fn config_key_problem(key: &str) -> Option<String> {
    if key.is_empty() {
        return Some("is empty".into());
    }
    if key.len() > 253 {
        return Some(format!("is {} characters long (at most 253)", key.len()));
    }
    if key == "." || key == ".." || key.starts_with("..") {
        return Some("may not be '.', '..' or start with '..'".into());
    }
    if let Some(c) = key.chars().find(|c| !(c.is_ascii_alphanumeric() || "-._".contains(*c))) {
        return Some(format!("contains {c:?} (letters, digits, '-', '_' and '.' only)"));
    }
    None
}

const MAX_SIZE: usize = 1024 * 1024;

fn config_data(cx: &mut Cx<'_>) {
    let secret = cx.kind == "Secret";
    let sections: &[&str] = if secret { &["data", "stringData"] } else { &["data", "binaryData"] };
    let mut size = 0usize;
    let mut keys: Vec<(&str, &str, TextRange)> = Vec::new();
    for section in sections {
        let Some(map) = get(cx.root, section) else { continue };
        for p in pairs(map) {
            let key = p.key.text.as_str();
            keys.push((section, key, p.key_range));
            if cx.on("config-key")
                && !crate::placeholders::has_placeholder(key)
                && let Some(why) = config_key_problem(key)
            {
                let fixed: String = key
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() || "-._".contains(c) { c } else { '_' })
                    .collect();
                let mut d = Diagnostic::new("config-key", p.key_range, format!("key {key:?} {why}"));
                if config_key_problem(&fixed).is_none() {
                    d = d.fix(replace(format!("Rename to {fixed}"), p.key.raw_range, yaml_string(&fixed)));
                }
                cx.emit(d);
            }
            let len = text_of(&p.value).map_or(0, str::len);
            size += if *section == "data" && secret || *section == "binaryData" { len / 4 * 3 } else { len };
        }
    }
    if cx.on("config-key") && !secret {
        for (section, key, range) in &keys {
            if *section == "binaryData" && keys.iter().any(|(s, k, _)| *s == "data" && k == key) {
                cx.emit(Diagnostic::new(
                    "config-key",
                    *range,
                    format!("key {key:?} is in both data and binaryData; a key may only be in one"),
                ));
            }
        }
    }
    if cx.on("object-size") && size > MAX_SIZE {
        cx.emit(Diagnostic::new(
            "object-size",
            cx.root
                .pair(sections[0])
                .or_else(|| cx.root.pair(sections[1]))
                .map_or(cx.obj.range, |p| p.key_range),
            format!(
                "this {} holds {} KiB, over the 1 MiB limit; split it or mount the data from a volume",
                cx.kind,
                size / 1024
            ),
        ));
    }
    if secret && cx.on("secret-type-keys") {
        secret_type(cx, &keys);
    }
}

fn secret_type(cx: &mut Cx<'_>, keys: &[(&str, &str, TextRange)]) {
    let Some(ty_node) = get(cx.root, "type") else { return };
    let Some(ty) = text_of(ty_node) else { return };
    let has = |k: &str| keys.iter().any(|(_, key, _)| *key == k);
    let required: &[&str] = match ty {
        "kubernetes.io/tls" => &["tls.crt", "tls.key"],
        "kubernetes.io/dockerconfigjson" => &[".dockerconfigjson"],
        "kubernetes.io/dockercfg" => &[".dockercfg"],
        "kubernetes.io/ssh-auth" => &["ssh-privatekey"],
        "kubernetes.io/basic-auth" => {
            if !has("username") && !has("password") {
                let fix = add_keys(cx, &["username", "password"]);
                cx.emit(
                    Diagnostic::new(
                        "secret-type-keys",
                        ty_node.range,
                        "a kubernetes.io/basic-auth Secret needs a username or a password key",
                    )
                    .fixes(fix),
                );
            }
            &[]
        }
        "kubernetes.io/service-account-token" => {
            if at(cx.root, &["metadata", "annotations", "kubernetes.io/service-account.name"]).is_none() {
                cx.emit(Diagnostic::new(
                    "secret-type-keys",
                    ty_node.range,
                    "a service-account-token Secret needs the annotation kubernetes.io/service-account.name naming its ServiceAccount",
                ));
            }
            &[]
        }
        _ => &[],
    };
    let missing: Vec<&str> = required.iter().copied().filter(|k| !has(k)).collect();
    if !missing.is_empty() {
        let fix = add_keys(cx, &missing);
        cx.emit(
            Diagnostic::new(
                "secret-type-keys",
                ty_node.range,
                format!(
                    "a {ty} Secret needs the key{} {}",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(" and ")
                ),
            )
            .fixes(fix),
        );
    }
    if ty == "kubernetes.io/dockerconfigjson" {
        for section in ["stringData", "data"] {
            let Some(v) = at(cx.root, &[section, ".dockerconfigjson"]) else { continue };
            let Some(text) = text_of(v) else { continue };
            let json =
                if section == "data" { crate::base64::decode(text) } else { Some(text.as_bytes().to_vec()) };
            if let Some(bytes) = json
                && serde_json::from_slice::<serde_json::Value>(&bytes).is_err()
            {
                cx.emit(Diagnostic::new(
                    "secret-type-keys",
                    v.range,
                    ".dockerconfigjson is not valid JSON; it should hold {\"auths\": {...}}",
                ));
            }
        }
    }
}

/// Adds empty keys to `stringData` (created when missing).
fn add_keys(cx: &Cx<'_>, keys: &[&str]) -> Option<Fix> {
    let unit = unit(cx);
    let entries: Vec<(String, Y)> = keys.iter().map(|k| (yaml_string(k), Y::s("\"\""))).collect();
    let edits = match cx.root.pair("stringData").filter(|p| !is_null(&p.value)) {
        Some(p) => {
            let mut edits = Vec::new();
            for (k, v) in &entries {
                edits.push(insert_entry(cx.file, Some(p), &p.value, k, v, unit)?);
            }
            edits
        }
        None => vec![insert_entry(cx.file, None, cx.root, "stringData", &Y::M(entries), unit)?],
    };
    Some(Fix { title: format!("Add {} under stringData", keys.join(", ")), edits })
}

/// `Ok((value, percent))` for an int-or-percent budget.
fn budget(node: &Node) -> Result<(i64, bool), String> {
    if let Some(i) = int_of(node) {
        return Ok((i, false));
    }
    match str_of(node).and_then(|s| s.strip_suffix('%')).map(str::parse::<i64>) {
        Some(Ok(p)) => Ok((p, true)),
        _ => Err(format!(
            "{:?} is neither an integer nor a percentage such as 50%",
            text_of(node).unwrap_or("")
        )),
    }
}

fn pdb(cx: &mut Cx<'_>) {
    let Some(spec_pair) = cx.root.pair("spec") else { return };
    let spec = &spec_pair.value;
    let min = spec.pair("minAvailable").filter(|p| !is_null(&p.value));
    let max = spec.pair("maxUnavailable").filter(|p| !is_null(&p.value));
    match (min, max) {
        (Some(_), Some(m)) => {
            let fix = remove_pair(cx.file, m)
                .map(|e| Fix { title: "Remove maxUnavailable".into(), edits: vec![e] });
            cx.emit(
                Diagnostic::new(
                    "pdb-budget",
                    m.key_range,
                    "minAvailable and maxUnavailable cannot both be set; keep one",
                )
                .fixes(fix),
            );
        }
        (None, None) => {
            let fix = insert_entry(cx.file, Some(spec_pair), spec, "maxUnavailable", &Y::s("1"), unit(cx))
                .map(|e| Fix { title: "Add maxUnavailable: 1".into(), edits: vec![e] });
            cx.emit(
                Diagnostic::new(
                    "pdb-budget",
                    spec_pair.key_range,
                    "the budget sets neither minAvailable nor maxUnavailable; set one so it is explicit",
                )
                .severity(Severity::Warning)
                .fixes(fix),
            );
        }
        _ => {}
    }
    for p in [min, max].into_iter().flatten() {
        let key = p.key.text.as_str();
        if crate::model::is_placeholder(&p.value) {
            continue;
        }
        match budget(&p.value) {
            Err(why) => cx.emit(Diagnostic::new("pdb-budget", p.value.range, format!("{key}: {why}"))),
            Ok((v, pct)) => {
                if v < 0 {
                    cx.emit(Diagnostic::new(
                        "pdb-budget",
                        p.value.range,
                        format!("{key} may not be negative"),
                    ));
                } else if pct && v > 100 {
                    cx.emit(Diagnostic::new(
                        "pdb-budget",
                        p.value.range,
                        format!("{key} may not be more than 100%"),
                    ));
                } else if (key == "maxUnavailable" && v == 0) || (key == "minAvailable" && pct && v == 100) {
                    cx.emit(
                        Diagnostic::new(
                            "pdb-budget",
                            p.value.range,
                            format!("{key}: {} blocks every voluntary eviction, so node drains hang; allow at least one", text_of(&p.value).unwrap_or("")),
                        )
                        .severity(Severity::Warning),
                    );
                }
            }
        }
    }
}

fn eviction_policy(cx: &mut Cx<'_>) {
    let Some(spec_pair) = cx.root.pair("spec") else { return };
    if get(&spec_pair.value, "unhealthyPodEvictionPolicy").is_some() {
        return;
    }
    let fix = insert_entry(
        cx.file,
        Some(spec_pair),
        &spec_pair.value,
        "unhealthyPodEvictionPolicy",
        &Y::s("AlwaysAllow"),
        unit(cx),
    )
    .map(|e| Fix { title: "Add unhealthyPodEvictionPolicy: AlwaysAllow".into(), edits: vec![e] });
    cx.emit(
        Diagnostic::new(
            "pdb-eviction-policy",
            spec_pair.key_range,
            "unhealthy pods count against the budget and can block drains; set unhealthyPodEvictionPolicy: AlwaysAllow",
        )
        .fixes(fix),
    );
}

fn hpa(cx: &mut Cx<'_>) {
    let Some(spec) = get(cx.root, "spec") else { return };
    let min_node = get(spec, "minReplicas");
    let max_node = get(spec, "maxReplicas");
    let min = min_node.and_then(int_of).unwrap_or(1);
    if let Some(n) = min_node
        && min < 1
    {
        cx.emit(
            Diagnostic::new("hpa-replicas", n.range, format!("minReplicas must be at least 1, not {min}"))
                .fix(replace("Change to 1", n.range, "1")),
        );
    }
    let Some(max_node) = max_node else { return };
    let Some(max) = int_of(max_node) else { return };
    if max < 1 {
        cx.emit(Diagnostic::new(
            "hpa-replicas",
            max_node.range,
            format!("maxReplicas must be at least 1, not {max}"),
        ));
    } else if max < min {
        cx.emit(
            Diagnostic::new(
                "hpa-replicas",
                max_node.range,
                format!("maxReplicas ({max}) is below minReplicas ({min}); raise it"),
            )
            .fix(replace(
                format!("Change to {}", min * 2),
                max_node.range,
                (min * 2).to_string(),
            )),
        );
    } else if max == min && min_node.is_some() {
        cx.emit(
            Diagnostic::new(
                "hpa-replicas",
                max_node.range,
                format!("minReplicas and maxReplicas are both {max}, so the autoscaler can never scale; raise maxReplicas"),
            )
            .severity(Severity::Warning),
        );
    }
}

fn rbac(cx: &mut Cx<'_>) {
    let cluster = cx.kind == "ClusterRoleBinding";
    if let Some(role_ref) = get(cx.root, "roleRef") {
        if let Some(k) = get(role_ref, "kind")
            && let Some(kind) = text_of(k)
        {
            let allowed: &[&str] = if cluster { &["ClusterRole"] } else { &["Role", "ClusterRole"] };
            if !allowed.contains(&kind) {
                let mut d = Diagnostic::new(
                    "rbac-binding",
                    k.range,
                    format!("a {} may only refer to {}, not {kind}", cx.kind, allowed.join(" or ")),
                );
                if cluster && kind == "Role" {
                    d = d.fix(replace("Change to ClusterRole", k.range, "ClusterRole"));
                }
                cx.emit(d);
            }
        }
        if let Some(g) = get(role_ref, "apiGroup")
            && let Some(group) = text_of(g)
            && group != "rbac.authorization.k8s.io"
        {
            cx.emit(
                Diagnostic::new(
                    "rbac-binding",
                    g.range,
                    "roleRef.apiGroup must be rbac.authorization.k8s.io",
                )
                .fix(replace(
                    "Change to rbac.authorization.k8s.io",
                    g.range,
                    "rbac.authorization.k8s.io",
                )),
            );
        }
    }
    for s in get(cx.root, "subjects").map(items).unwrap_or(&[]) {
        if get(s, "kind").is_some_and(crate::model::is_placeholder) {
            continue;
        }
        let kind = get(s, "kind").and_then(text_of);
        let group = get(s, "apiGroup").and_then(text_of).unwrap_or("");
        match kind {
            Some("ServiceAccount") => {
                if !group.is_empty()
                    && let Some(g) = get(s, "apiGroup")
                {
                    cx.emit(
                        Diagnostic::new(
                            "rbac-binding",
                            g.range,
                            "a ServiceAccount subject has no apiGroup (the core group); remove it",
                        )
                        .fixes(
                            s.pair("apiGroup")
                                .and_then(|p| remove_pair(cx.file, p))
                                .map(|e| Fix { title: "Remove apiGroup".into(), edits: vec![e] }),
                        ),
                    );
                }
                if cluster && get(s, "namespace").is_none() {
                    cx.emit(Diagnostic::new(
                        "rbac-binding",
                        get(s, "kind").map_or(s.range, |n| n.range),
                        "a ServiceAccount subject of a ClusterRoleBinding needs its namespace; add namespace:",
                    ));
                }
            }
            // Left out, the API server defaults it to rbac.authorization.k8s.io.
            Some("User" | "Group") if !group.is_empty() && group != "rbac.authorization.k8s.io" => {
                let range = get(s, "apiGroup").map_or(s.range, |n| n.range);
                cx.emit(
                    Diagnostic::new(
                        "rbac-binding",
                        range,
                        format!(
                            "a {} subject's apiGroup is rbac.authorization.k8s.io (or left out)",
                            kind.unwrap_or("")
                        ),
                    )
                    .fix(replace(
                        "Change to rbac.authorization.k8s.io",
                        range,
                        "rbac.authorization.k8s.io",
                    )),
                );
            }
            Some("User" | "Group") => {}
            Some(other) => {
                let n = get(s, "kind").map_or(s.range, |n| n.range);
                cx.emit(Diagnostic::new(
                    "rbac-binding",
                    n,
                    format!("subject kind {other:?} is not User, Group or ServiceAccount"),
                ));
            }
            None => {}
        }
    }
}

/// Annotations that used to configure what fields now do.
const DEPRECATED_ANNOTATIONS: &[(&str, &str)] = &[
    ("kubernetes.io/ingress.class", "spec.ingressClassName"),
    ("volume.beta.kubernetes.io/storage-class", "spec.storageClassName"),
    ("seccomp.security.alpha.kubernetes.io/pod", "securityContext.seccompProfile"),
    ("scheduler.alpha.kubernetes.io/critical-pod", "priorityClassName: system-cluster-critical"),
];

const DEPRECATED_PREFIXES: &[(&str, &str)] = &[
    ("container.seccomp.security.alpha.kubernetes.io/", "the container's securityContext.seccompProfile"),
    ("container.apparmor.security.beta.kubernetes.io/", "the container's securityContext.appArmorProfile"),
];

fn deprecated_annotations(cx: &mut Cx<'_>) {
    let own = at(cx.root, &["metadata", "annotations"]);
    let template = template_metadata(cx.obj).and_then(|m| get(m, "annotations"));
    for map in [own, template].into_iter().flatten() {
        for p in pairs(map) {
            let key = p.key.text.as_str();
            let replacement =
                DEPRECATED_ANNOTATIONS.iter().find(|(k, _)| *k == key).map(|(_, r)| *r).or_else(|| {
                    DEPRECATED_PREFIXES.iter().find(|(pre, _)| key.starts_with(pre)).map(|(_, r)| *r)
                });
            let Some(replacement) = replacement else { continue };
            let mut d = Diagnostic::new(
                "deprecated-field",
                p.key_range,
                format!("the annotation {key} is deprecated; use {replacement} instead"),
            );
            if key == "kubernetes.io/ingress.class"
                && cx.kind == "Ingress"
                && let Some(spec) = cx.root.pair("spec")
                && get(&spec.value, "ingressClassName").is_none()
                && let Some(class) = text_of(&p.value)
                && let (Some(remove), Some(add)) = (
                    remove_pair(cx.file, p),
                    insert_entry(
                        cx.file,
                        Some(spec),
                        &spec.value,
                        "ingressClassName",
                        &Y::s(yaml_string(class)),
                        unit(cx),
                    ),
                )
            {
                d = d.fix(Fix {
                    title: format!("Move to spec.ingressClassName: {class}"),
                    edits: vec![remove, add],
                });
            }
            cx.emit(d);
        }
    }
}
