//! Pod specs and containers: names, images, ports, resources, probes, volumes, environment,
//! and the Pod Security Standards checks (baseline as warnings, restricted as hints, errors in
//! a namespace that enforces the level).

use std::collections::HashMap;

use kref_yaml::{File, Node, Pair, TextRange, Typed};

use super::context::Cx;
use super::edits::{Y, insert_entry, line_end, line_start, replace};
use super::names::label_problem;
use super::quantity;
use super::{Diagnostic, Fix, Related, TextEdit};
use crate::model::View;
use crate::model::{
    ContainerAt, at, bool_of, containers, get, int_of, is_null, items, pairs, scalar, str_of, text_of,
};

pub(crate) fn check(cx: &mut Cx<'_>, _view: &View<'_>) {
    let Some(spec) = cx.pod_spec() else { return };
    let list = containers(spec);
    if cx.on("container-name") {
        container_names(cx, &list);
    }
    if cx.on("container-port") {
        container_ports(cx, &list);
    }
    if cx.on("volume-mount") {
        volumes(cx, spec, &list);
    }
    let long_running = matches!(
        cx.kind,
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" | "ReplicationController"
    );
    for c in &list {
        if c.list == "ephemeralContainers" {
            continue;
        }
        if cx.on("container-image") || cx.on("image-tag") {
            image(cx, c);
        }
        if cx.on("resource-limits") || cx.on("memory-units") {
            limits(cx, c);
        }
        if cx.on("missing-resources") && (c.list == "containers" || c.is_sidecar()) {
            missing_resources(cx, c);
        }
        if cx.on("invalid-probe") || cx.on("probe-port") {
            probes(cx, c);
        }
        if cx.on("missing-probes") && long_running && c.list == "containers" {
            missing_probes(cx, c);
        }
        if cx.on("env-source") || cx.on("duplicate-env") {
            env(cx, c);
        }
    }
    security(cx, spec, &list);
}

fn unit(cx: &Cx<'_>) -> usize {
    cx.indent_unit
}

fn name_range(c: &ContainerAt<'_>) -> TextRange {
    get(c.node, "name").map_or(c.node.range, |n| n.range)
}

fn container_names(cx: &mut Cx<'_>, list: &[ContainerAt<'_>]) {
    let mut seen: HashMap<&str, TextRange> = HashMap::new();
    for c in list {
        let Some(node) = get(c.node, "name") else { continue };
        let Some(name) = text_of(node) else { continue };
        if let Some(why) = label_problem(name, false) {
            cx.emit(Diagnostic::new(
                "container-name",
                node.range,
                format!("container name {name:?} is not a DNS label: it {why}; use lower-case letters, digits and '-'"),
            ));
        }
        if let Some(first) = seen.get(name) {
            let line = cx.file.line_index().line_of(first.start) as u32;
            cx.emit(
                Diagnostic::new(
                    "container-name",
                    node.range,
                    format!(
                        "container name {name:?} is used twice in this pod; container names must be unique"
                    ),
                )
                .related(Related {
                    file: None,
                    range: *first,
                    line,
                    message: "the first use".into(),
                }),
            );
        } else {
            seen.insert(name, node.range);
        }
    }
}

/// Why `name` is not an IANA service name (a port name).
pub(crate) fn port_name_problem(name: &str) -> Option<String> {
    if name.len() > 15 {
        return Some(format!("is {} characters long (at most 15)", name.len()));
    }
    if let Some(c) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Some(if c.is_ascii_uppercase() {
            "has upper-case letters".into()
        } else {
            format!("contains {c:?}")
        });
    }
    if !name.chars().any(|c| c.is_ascii_lowercase()) {
        return Some("has no letter".into());
    }
    if name.starts_with('-') || name.ends_with('-') || name.contains("--") {
        return Some("starts or ends with '-' or has '--'".into());
    }
    None
}

/// A valid port name close to `name`: lower case, other characters as '-', and whole words
/// kept while they fit in 15 characters (`http-frontend-port` → `http-frontend`).
fn shorten_port_name(name: &str) -> String {
    let clean: String =
        name.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let mut out = String::new();
    for word in clean.split('-').filter(|w| !w.is_empty()) {
        let extra = if out.is_empty() { word.len() } else { word.len() + 1 };
        if out.len() + extra > 15 {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = clean.trim_matches('-').chars().take(15).collect::<String>().trim_end_matches('-').to_string();
    }
    out
}

fn container_ports(cx: &mut Cx<'_>, list: &[ContainerAt<'_>]) {
    let mut names: HashMap<String, TextRange> = HashMap::new();
    for c in list {
        for p in get(c.node, "ports").map(items).unwrap_or(&[]) {
            if let Some(n) = get(p, "containerPort")
                && let Some(v) = int_of(n)
                && !(1..=65535).contains(&v)
            {
                cx.emit(Diagnostic::new(
                    "container-port",
                    n.range,
                    format!("containerPort {v} is outside 1-65535"),
                ));
            }
            if let Some(n) = get(p, "hostPort")
                && let Some(v) = int_of(n)
                && !(0..=65535).contains(&v)
            {
                cx.emit(Diagnostic::new(
                    "container-port",
                    n.range,
                    format!("hostPort {v} is outside 1-65535 (0, like leaving it out, means no host port)"),
                ));
            }
            let Some(node) = get(p, "name") else { continue };
            let Some(name) = str_of(node) else { continue };
            if let Some(why) = port_name_problem(name) {
                let mut d = Diagnostic::new(
                    "container-port",
                    node.range,
                    format!(
                        "port name {name:?} {why}; port names are at most 15 lower-case letters, digits and '-'"
                    ),
                );
                let fixed = shorten_port_name(name);
                if port_name_problem(&fixed).is_none() && fixed != name {
                    d = d.fix(replace(format!("Rename to {fixed}"), node.range, fixed));
                }
                cx.emit(d);
            }
            if let Some(first) = names.get(name) {
                let line = cx.file.line_index().line_of(first.start) as u32;
                cx.emit(
                    Diagnostic::new(
                        "container-port",
                        node.range,
                        format!("port name {name:?} is used twice in this pod; rename one"),
                    )
                    .related(Related {
                        file: None,
                        range: *first,
                        line,
                        message: "the first use".into(),
                    }),
                );
            } else {
                names.insert(name.to_string(), node.range);
            }
        }
    }
}

fn image(cx: &mut Cx<'_>, c: &ContainerAt<'_>) {
    let node = get(c.node, "image");
    if node.is_some_and(crate::model::is_placeholder) {
        return;
    }
    let Some(image) = node.and_then(text_of).filter(|s| !s.trim().is_empty()) else {
        if cx.on("container-image") {
            cx.emit(Diagnostic::new(
                "container-image",
                node.map_or(name_range(c), |n| n.range),
                format!("container {} has no image; add image: with a pinned tag", c.name()),
            ));
        }
        return;
    };
    let node = node.unwrap_or(c.node);
    if !cx.on("image-tag") {
        return;
    }
    if image.contains('@') {
        return;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        None => cx.emit(Diagnostic::new(
            "image-tag",
            node.range,
            format!("image {image} has no tag, so it means :latest; pin a version tag or a digest"),
        )),
        Some((_, "latest")) => cx.emit(Diagnostic::new(
            "image-tag",
            node.range,
            format!("image {image} uses :latest, which changes under you; pin a version tag or a digest"),
        )),
        _ => {}
    }
}

/// Resources whose requests must equal their limits (not overcommittable).
fn non_overcommittable(resource: &str) -> bool {
    resource.starts_with("hugepages-")
        || (resource.contains('/')
            && !resource.starts_with("kubernetes.io/")
            && !resource.contains(".kubernetes.io/"))
}

fn limits(cx: &mut Cx<'_>, c: &ContainerAt<'_>) {
    let Some(resources) = get(c.node, "resources") else { return };
    let requests = get(resources, "requests");
    let limits = get(resources, "limits");
    let value = |n: &Node| -> Option<f64> {
        match scalar(n)? {
            Typed::Int(i) => Some(i as f64),
            Typed::Float(f) => Some(f),
            Typed::Str(s) => quantity::parse(s).ok(),
            _ => None,
        }
    };
    if cx.on("memory-units") {
        for section in [requests, limits].into_iter().flatten() {
            for p in pairs(section) {
                if !quantity::is_bytes(&p.key.text) {
                    continue;
                }
                let Some(text) = text_of(&p.value) else { continue };
                let raw = p.value.as_scalar().map_or(p.value.range, |s| s.raw_range);
                if let Some(num) = text.strip_suffix('m') {
                    let fixed = format!("{num}Mi");
                    cx.emit(
                        Diagnostic::new(
                            "memory-units",
                            raw,
                            format!(
                                "{} {text} means {num} thousandths of a byte; did you mean {fixed}?",
                                p.key.text
                            ),
                        )
                        .fix(replace(
                            format!("Change to {fixed}"),
                            raw,
                            fixed.clone(),
                        )),
                    );
                } else if let Some(v) = value(&p.value)
                    && v > 0.0
                    && v < 1024.0 * 1024.0
                    && text.bytes().all(|b| b.is_ascii_digit())
                {
                    let fixed = format!("{text}Mi");
                    cx.emit(
                        Diagnostic::new(
                            "memory-units",
                            raw,
                            format!("{} {text} is {text} bytes, too little to run anything; did you mean {fixed}?", p.key.text),
                        )
                        .fix(replace(format!("Change to {fixed}"), raw, fixed.clone())),
                    );
                }
            }
        }
    }
    if !cx.on("resource-limits") {
        return;
    }
    if let Some(requests) = requests {
        for p in pairs(requests) {
            let name = p.key.text.as_str();
            let limit = limits.and_then(|l| get(l, name));
            let (Some(req), lim) = (value(&p.value), limit.and_then(value)) else { continue };
            if non_overcommittable(name) {
                match lim {
                    None if limit.is_none() => cx.emit(Diagnostic::new(
                        "resource-limits",
                        p.value.range,
                        format!("{name} cannot be overcommitted: set limits.{name} equal to the request"),
                    )),
                    Some(l) if (l - req).abs() > f64::EPSILON * l.abs().max(1.0) => cx.emit(Diagnostic::new(
                        "resource-limits",
                        p.value.range,
                        format!("{name} cannot be overcommitted: its request must equal its limit"),
                    )),
                    _ => {}
                }
                continue;
            }
            if let (Some(l), Some(limit_node)) = (lim, limit)
                && req > l * (1.0 + 1e-12)
            {
                let req_text = text_of(&p.value).unwrap_or("?");
                let lim_text = text_of(limit_node).unwrap_or("?");
                cx.emit(
                    Diagnostic::new(
                        "resource-limits",
                        p.value.range,
                        format!(
                            "requests.{name} ({req_text}) is above limits.{name} ({lim_text}); lower the request or raise the limit"
                        ),
                    )
                    .fix(replace(format!("Lower the request to {lim_text}"), p.value.range, lim_text.to_string())),
                );
            }
        }
    }
}

fn missing_resources(cx: &mut Cx<'_>, c: &ContainerAt<'_>) {
    let resources_pair = c.node.pair("resources").filter(|p| !is_null(&p.value));
    let resources = resources_pair.map(|p| &p.value);
    let has = |section: &str, key: &str| {
        resources.and_then(|r| get(r, section)).and_then(|s| get(s, key)).is_some()
    };
    let wanted =
        [("requests", "cpu", "100m"), ("requests", "memory", "128Mi"), ("limits", "memory", "128Mi")];
    let missing: Vec<(&str, &str, &str)> = wanted.into_iter().filter(|(s, k, _)| !has(s, k)).collect();
    if missing.is_empty() {
        return;
    }
    let what: Vec<String> = missing.iter().map(|(s, k, _)| format!("{s}.{k}")).collect();
    let mut d = Diagnostic::new(
        "missing-resources",
        name_range(c),
        format!(
            "container {} sets no {}; without them the scheduler cannot place it well and it may starve its node",
            c.name(),
            what.join(", ")
        ),
    );
    let unit = unit(cx);
    let section_y = |section: &str| -> Y {
        Y::M(
            missing
                .iter()
                .filter(|(s, _, _)| *s == section)
                .map(|(_, k, v)| (k.to_string(), Y::s(*v)))
                .collect(),
        )
    };
    let mut edits = Vec::new();
    match resources {
        None => {
            let mut block = Vec::new();
            for section in ["requests", "limits"] {
                if missing.iter().any(|(s, _, _)| *s == section) {
                    block.push((section.to_string(), section_y(section)));
                }
            }
            let edit = match resources_pair {
                Some(p) => insert_entry(cx.file, Some(p), &p.value, &block[0].0, &block[0].1, unit)
                    .filter(|_| block.len() == 1),
                None => insert_entry(cx.file, None, c.node, "resources", &Y::M(block), unit),
            };
            edits.extend(edit);
        }
        Some(r) => {
            let mut ok = true;
            let mut new_sections = Vec::new();
            for section in ["requests", "limits"] {
                let entries: Vec<(&str, &str)> =
                    missing.iter().filter(|(s, _, _)| *s == section).map(|(_, k, v)| (*k, *v)).collect();
                if entries.is_empty() {
                    continue;
                }
                match r.pair(section).filter(|p| !is_null(&p.value)) {
                    Some(sp) => {
                        for (k, v) in entries {
                            match insert_entry(cx.file, Some(sp), &sp.value, k, &Y::s(v), unit) {
                                Some(e) => edits.push(e),
                                None => ok = false,
                            }
                        }
                    }
                    None => new_sections.push((section.to_string(), section_y(section))),
                }
            }
            if !new_sections.is_empty() {
                // Insert the new sections together, as one block.
                let text = match r.as_mapping() {
                    Some(m) if !m.is_empty() && !r.flow => {
                        let col = super::edits::key_column(cx.file, r).unwrap_or(0);
                        let last = m.last().map(|p| p.range()).unwrap_or(r.range);
                        let at = line_end(cx.file, last.end.saturating_sub(1).max(last.start));
                        let body: String = new_sections
                            .iter()
                            .map(|(k, v)| format!("\n{}{}", " ".repeat(col), Y::render_pair(k, v, col, unit)))
                            .collect();
                        Some(TextEdit { range: TextRange::empty(at), new_text: body })
                    }
                    _ => None,
                };
                match text {
                    Some(e) => edits.push(e),
                    None => ok = false,
                }
            }
            if !ok {
                edits.clear();
            }
        }
    }
    if !edits.is_empty() {
        d = d.fix(Fix { title: "Add resource requests and a memory limit".into(), edits });
    }
    cx.emit(d);
}

const HANDLERS: [&str; 4] = ["exec", "httpGet", "tcpSocket", "grpc"];

fn probes(cx: &mut Cx<'_>, c: &ContainerAt<'_>) {
    let declared: Vec<(Option<&str>, Option<i64>)> = get(c.node, "ports")
        .map(items)
        .unwrap_or(&[])
        .iter()
        .map(|p| (get(p, "name").and_then(str_of), get(p, "containerPort").and_then(int_of)))
        .collect();
    for kind in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(probe_pair) = c.node.pair(kind).filter(|p| !is_null(&p.value)) else { continue };
        let probe = &probe_pair.value;
        if probe.as_mapping().is_none() {
            continue;
        }
        if cx.on("invalid-probe") {
            let handlers: Vec<&Pair> = pairs(probe)
                .iter()
                .filter(|p| HANDLERS.contains(&p.key.text.as_str()) && !is_null(&p.value))
                .collect();
            if handlers.is_empty() {
                cx.emit(Diagnostic::new(
                    "invalid-probe",
                    probe_pair.key_range,
                    format!(
                        "{kind} of container {} has no handler; add one of exec, httpGet, tcpSocket or grpc",
                        c.name()
                    ),
                ));
            } else if handlers.len() > 1 {
                cx.emit(Diagnostic::new(
                    "invalid-probe",
                    handlers[1].key_range,
                    format!(
                        "{kind} has {} handlers ({}); keep exactly one",
                        handlers.len(),
                        handlers.iter().map(|p| p.key.text.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ));
            }
            if kind != "readinessProbe"
                && let Some(n) = get(probe, "successThreshold")
                && int_of(n).is_some_and(|v| v != 1)
            {
                cx.emit(
                    Diagnostic::new("invalid-probe", n.range, format!("{kind}.successThreshold must be 1"))
                        .fix(replace("Change to 1", n.range, "1")),
                );
            }
            if kind == "readinessProbe"
                && let Some(p) = probe.pair("terminationGracePeriodSeconds").filter(|p| !is_null(&p.value))
            {
                let fix = super::edits::remove_pair(cx.file, p)
                    .map(|e| Fix { title: "Remove terminationGracePeriodSeconds".into(), edits: vec![e] });
                cx.emit(
                    Diagnostic::new(
                        "invalid-probe",
                        p.key_range,
                        "readiness probes may not set terminationGracePeriodSeconds; remove it",
                    )
                    .fixes(fix),
                );
            }
            for key in [
                "initialDelaySeconds",
                "timeoutSeconds",
                "periodSeconds",
                "successThreshold",
                "failureThreshold",
            ] {
                if let Some(n) = get(probe, key)
                    && int_of(n).is_some_and(|v| v < 0)
                {
                    cx.emit(Diagnostic::new(
                        "invalid-probe",
                        n.range,
                        format!("{kind}.{key} may not be negative"),
                    ));
                }
            }
        }
        for handler in ["httpGet", "tcpSocket", "grpc"] {
            let Some(port) = get(probe, handler).and_then(|h| get(h, "port")) else { continue };
            match scalar(port) {
                Some(Typed::Int(v)) if !(1..=65535).contains(&v) && cx.on("invalid-probe") => {
                    cx.emit(Diagnostic::new(
                        "invalid-probe",
                        port.range,
                        format!("{kind} port {v} is outside 1-65535"),
                    ));
                }
                Some(Typed::Str(name)) if cx.on("probe-port") => {
                    if let Some(why) = port_name_problem(name) {
                        if cx.on("invalid-probe") {
                            cx.emit(Diagnostic::new(
                                "invalid-probe",
                                port.range,
                                format!(
                                    "{kind} port {name:?} is neither a number nor a valid port name: it {why}"
                                ),
                            ));
                        }
                    } else if !declared.iter().any(|(n, _)| *n == Some(name)) {
                        let mut d = Diagnostic::new(
                            "probe-port",
                            port.range,
                            format!(
                                "{kind} uses port {name:?}, which container {} does not declare; the probe always fails",
                                c.name()
                            ),
                        );
                        for (n, p) in &declared {
                            if let Some(n) = n {
                                d = d.fix(replace(format!("Use port {n}"), port.range, n.to_string()));
                            } else if let Some(p) = p {
                                d = d.fix(replace(format!("Use port {p}"), port.range, p.to_string()));
                            }
                        }
                        cx.emit(d);
                    }
                }
                _ => {}
            }
        }
    }
}

fn missing_probes(cx: &mut Cx<'_>, c: &ContainerAt<'_>) {
    let has = |k: &str| c.node.pair(k).is_some_and(|p| !is_null(&p.value));
    // A missing livenessProbe is not reported: restarting on a failed check is not always
    // wanted, while a missing readinessProbe always sends traffic too early.
    if has("readinessProbe") {
        return;
    }
    let mut d = Diagnostic::new(
        "missing-probes",
        name_range(c),
        format!("container {} has no readinessProbe; it gets traffic before it is ready: add one", c.name()),
    );
    let port = get(c.node, "ports").map(items).unwrap_or(&[]).first().and_then(|p| {
        get(p, "name")
            .and_then(str_of)
            .map(str::to_string)
            .or_else(|| get(p, "containerPort").and_then(int_of).map(|v| v.to_string()))
    });
    if let Some(port) = port {
        let probe = Y::M(vec![("tcpSocket".into(), Y::M(vec![("port".into(), Y::s(port.clone()))]))]);
        if let Some(e) = insert_entry(cx.file, None, c.node, "readinessProbe", &probe, unit(cx)) {
            d = d.fix(Fix { title: format!("Add a readinessProbe on port {port}"), edits: vec![e] });
        }
    }
    cx.emit(d);
}

/// Deletes the lines of a block sequence item (`- ...` through its last line).
fn remove_item(file: &File, item: &Node) -> Option<TextEdit> {
    let start = line_start(file, item.range.start);
    let before = file.text().get(start..item.range.start)?;
    if before.trim() != "-" {
        return None;
    }
    let end = line_end(file, item.range.end.saturating_sub(1).max(item.range.start));
    let rest = file.text().get(end..).unwrap_or("");
    let end = if rest.starts_with("\r\n") {
        end + 2
    } else if rest.starts_with('\n') {
        end + 1
    } else {
        end
    };
    Some(TextEdit { range: TextRange::new(start, end), new_text: String::new() })
}

fn env(cx: &mut Cx<'_>, c: &ContainerAt<'_>) {
    let list = get(c.node, "env").map(items).unwrap_or(&[]);
    let mut seen: HashMap<&str, &Node> = HashMap::new();
    for e in list {
        let Some(name_node) = get(e, "name") else { continue };
        let Some(name) = text_of(name_node) else { continue };
        if cx.on("env-source") {
            if name.is_empty() || name.contains('=') || name.chars().any(|ch| !(' '..='~').contains(&ch)) {
                cx.emit(Diagnostic::new(
                    "env-source",
                    name_node.range,
                    format!("environment variable name {name:?} may not be empty or contain '=' or non-ASCII characters"),
                ));
            }
            if let Some(from) = e.pair("valueFrom").filter(|p| !is_null(&p.value)) {
                let sources: Vec<&str> = pairs(&from.value)
                    .iter()
                    .filter(|p| !is_null(&p.value))
                    .map(|p| p.key.text.as_str())
                    .collect();
                if sources.len() > 1 {
                    cx.emit(Diagnostic::new(
                        "env-source",
                        from.key_range,
                        format!(
                            "{name}: valueFrom has {} sources ({}); keep exactly one",
                            sources.len(),
                            sources.join(", ")
                        ),
                    ));
                } else if sources.is_empty() {
                    cx.emit(Diagnostic::new(
                        "env-source",
                        from.key_range,
                        format!("{name}: valueFrom names no source; add configMapKeyRef, secretKeyRef, fieldRef or resourceFieldRef"),
                    ));
                }
                if let Some(v) = e.pair("value").filter(|p| text_of(&p.value).is_some_and(|s| !s.is_empty()))
                {
                    let fix = super::edits::remove_pair(cx.file, v)
                        .map(|ed| Fix { title: "Remove value".into(), edits: vec![ed] });
                    cx.emit(
                        Diagnostic::new(
                            "env-source",
                            v.key_range,
                            format!("{name}: set value or valueFrom, not both"),
                        )
                        .fixes(fix),
                    );
                }
            }
        }
        if cx.on("duplicate-env") {
            if let Some(first) = seen.get(name) {
                let line = cx.file.line_index().line_of(first.range.start) as u32;
                let fix = remove_item(cx.file, first).map(|ed| Fix {
                    title: "Remove the earlier definition (the later one wins)".into(),
                    edits: vec![ed],
                });
                cx.emit(
                    Diagnostic::new(
                        "duplicate-env",
                        name_node.range,
                        format!(
                            "{name} is set twice in container {}; only the last one counts, remove the other",
                            c.name()
                        ),
                    )
                    .related(Related {
                        file: None,
                        range: first.range,
                        line,
                        message: "the earlier definition".into(),
                    })
                    .fixes(fix),
                );
            }
            seen.insert(name, e);
        }
    }
}

fn volumes(cx: &mut Cx<'_>, spec: &Node, list: &[ContainerAt<'_>]) {
    let mut declared: HashMap<&str, TextRange> = HashMap::new();
    for v in get(spec, "volumes").map(items).unwrap_or(&[]) {
        let Some(name_node) = get(v, "name") else { continue };
        let Some(name) = text_of(name_node) else { continue };
        if let Some(why) = label_problem(name, false) {
            cx.emit(Diagnostic::new(
                "volume-mount",
                name_node.range,
                format!("volume name {name:?} is not a DNS label: it {why}"),
            ));
        }
        if declared.insert(name, name_node.range).is_some() {
            cx.emit(Diagnostic::new(
                "volume-mount",
                name_node.range,
                format!("volume {name:?} is declared twice; rename one"),
            ));
        }
        let sources: Vec<&str> =
            pairs(v).iter().map(|p| p.key.text.as_str()).filter(|k| *k != "name").collect();
        if sources.len() > 1 {
            cx.emit(Diagnostic::new(
                "volume-mount",
                name_node.range,
                format!(
                    "volume {name:?} has {} sources ({}); a volume has exactly one",
                    sources.len(),
                    sources.join(", ")
                ),
            ));
        }
        // No source at all is no mistake: the API server makes the volume an emptyDir.
    }
    // A StatefulSet's claim templates are volumes too.
    let templates = crate::model::claim_templates(cx.obj);
    for c in list {
        let mut paths: HashMap<&str, TextRange> = HashMap::new();
        for key in ["volumeMounts", "volumeDevices"] {
            for m in get(c.node, key).map(items).unwrap_or(&[]) {
                if let Some(n) = get(m, "name")
                    && let Some(name) = text_of(n)
                    && !declared.contains_key(name)
                    && !templates.contains(&name)
                {
                    let known: Vec<&str> =
                        declared.keys().copied().chain(templates.iter().copied()).collect();
                    let close = kref_corpus::schema::suggest(known.iter().copied(), name);
                    let mut message = format!(
                        "container {} mounts volume {name:?}, which the pod does not declare",
                        c.name()
                    );
                    match close.first() {
                        Some(x) => message.push_str(&format!("; did you mean {x}?")),
                        None => message.push_str("; add it under volumes"),
                    }
                    let fixes = close.iter().map(|x| replace(format!("Change to {x}"), n.range, x.clone()));
                    cx.emit(Diagnostic::new("volume-mount", n.range, message).fixes(fixes));
                }
                if let Some(p) = get(m, "mountPath")
                    && let Some(path) = text_of(p)
                    && paths.insert(path, p.range).is_some()
                {
                    cx.emit(Diagnostic::new(
                        "volume-mount",
                        p.range,
                        format!(
                            "container {} mounts two volumes at {path}; use distinct mount paths",
                            c.name()
                        ),
                    ));
                }
            }
        }
    }
}

/// Capabilities a baseline pod may add.
const BASELINE_CAPS: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Sysctls a baseline pod may set.
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_wmem",
];

/// Host paths whose mount gives the node away.
const SENSITIVE_PATHS: &[&str] =
    &["/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr", "/var/lib/kubelet"];

fn security(cx: &mut Cx<'_>, spec: &Node, list: &[ContainerAt<'_>]) {
    if cx.on("host-namespaces") {
        for key in ["hostNetwork", "hostPID", "hostIPC"] {
            if let Some(p) = spec.pair(key)
                && bool_of(&p.value) == Some(true)
            {
                let fix = super::edits::remove_pair(cx.file, p)
                    .map(|e| Fix { title: format!("Remove {key}"), edits: vec![e] });
                cx.emit(
                    Diagnostic::new(
                        "host-namespaces",
                        p.key_range,
                        format!("{key}: true shares the node's namespace with the pod; remove it unless the pod manages the node"),
                    )
                    .fixes(fix),
                );
            }
        }
    }
    if cx.on("host-path") {
        for v in get(spec, "volumes").map(items).unwrap_or(&[]) {
            let Some(hp) = v.pair("hostPath").filter(|p| !is_null(&p.value)) else { continue };
            let path = get(&hp.value, "path").and_then(text_of).unwrap_or("");
            let trimmed = path.trim_end_matches('/');
            let trimmed = if trimmed.is_empty() { "/" } else { trimmed };
            let why = if path.ends_with("docker.sock")
                || path.ends_with("containerd.sock")
                || path.ends_with("crio.sock")
            {
                "mounts the container runtime socket, which gives root on the node"
            } else if SENSITIVE_PATHS.contains(&trimmed) {
                "mounts a sensitive host directory"
            } else {
                "mounts a directory of the node"
            };
            cx.emit(Diagnostic::new(
                "host-path",
                hp.key_range,
                format!("hostPath {path} {why}; use a PersistentVolumeClaim, emptyDir, ConfigMap or CSI volume instead"),
            ));
        }
    }
    if cx.on("unsafe-sysctls") {
        for s in at(spec, &["securityContext", "sysctls"]).map(items).unwrap_or(&[]) {
            if let Some(n) = get(s, "name")
                && let Some(name) = text_of(n)
                && !SAFE_SYSCTLS.contains(&name)
                && !name.starts_with("net.ipv4.tcp_keepalive")
            {
                cx.emit(Diagnostic::new(
                    "unsafe-sysctls",
                    n.range,
                    format!("sysctl {name} is not in the safe set and affects the whole node; remove it or allow it per node"),
                ));
            }
        }
    }
    let pod_sc = get(spec, "securityContext");
    let pod_non_root = pod_sc.and_then(|s| get(s, "runAsNonRoot")).and_then(bool_of);
    let pod_user = pod_sc.and_then(|s| get(s, "runAsUser")).and_then(int_of);
    let pod_seccomp = pod_sc.and_then(|s| at(s, &["seccompProfile", "type"])).and_then(text_of);
    if cx.on("run-as-non-root")
        && let Some(n) = pod_sc.and_then(|s| get(s, "runAsUser"))
        && int_of(n) == Some(0)
    {
        cx.emit(Diagnostic::new(
            "run-as-non-root",
            n.range,
            "runAsUser: 0 runs the pod's containers as root; use a non-zero user id",
        ));
    }
    if cx.on("seccomp-profile") && pod_seccomp == Some("Unconfined") {
        let n = pod_sc.and_then(|s| at(s, &["seccompProfile", "type"])).map_or(spec.range, |n| n.range);
        cx.emit(
            Diagnostic::new(
                "seccomp-profile",
                n,
                "seccomp profile Unconfined turns syscall filtering off; use RuntimeDefault",
            )
            .fix(replace("Change to RuntimeDefault", n, "RuntimeDefault")),
        );
    }
    let mut seccomp_reported = false;
    for c in list {
        if c.list == "ephemeralContainers" {
            continue;
        }
        let sc = get(c.node, "securityContext");
        let sc_pair = c.node.pair("securityContext");
        let field = |key: &str| sc.and_then(|s| get(s, key));
        let anchor = sc_pair.map_or(name_range(c), |p| p.key_range);
        if cx.on("privileged")
            && let Some(n) = field("privileged")
            && bool_of(n) == Some(true)
        {
            cx.emit(
                Diagnostic::new(
                    "privileged",
                    n.range,
                    format!("container {} is privileged: it has every capability and the node's devices; remove privileged: true", c.name()),
                )
                .fix(replace("Set privileged: false", n.range, "false")),
            );
        }
        if cx.on("host-port") {
            for p in get(c.node, "ports").map(items).unwrap_or(&[]) {
                if let Some(n) = get(p, "hostPort")
                    && int_of(n).is_some_and(|v| v > 0)
                {
                    cx.emit(Diagnostic::new(
                        "host-port",
                        n.range,
                        "hostPort ties the pod to a port of its node and limits scheduling; use a Service instead",
                    ));
                }
            }
        }
        let caps = field("capabilities");
        if cx.on("dangerous-capabilities") {
            for cap in caps.and_then(|c| get(c, "add")).map(items).unwrap_or(&[]) {
                if let Some(name) = text_of(cap) {
                    let bare = name.trim_start_matches("CAP_");
                    if !BASELINE_CAPS.contains(&bare) {
                        cx.emit(Diagnostic::new(
                            "dangerous-capabilities",
                            cap.range,
                            format!("capability {name} is beyond the baseline set; drop it unless the container really needs it"),
                        ));
                    }
                }
            }
        }
        if cx.on("drop-capabilities") {
            let drops_all = caps
                .and_then(|c| get(c, "drop"))
                .map(items)
                .unwrap_or(&[])
                .iter()
                .any(|d| text_of(d).is_some_and(|s| s == "ALL"));
            if !drops_all {
                cx.emit(Diagnostic::new(
                    "drop-capabilities",
                    anchor,
                    format!("container {} keeps the default Linux capabilities; add capabilities: {{drop: [ALL]}}", c.name()),
                ));
            }
        }
        if cx.on("privilege-escalation") && field("allowPrivilegeEscalation").and_then(bool_of) != Some(false)
        {
            let mut d = Diagnostic::new(
                "privilege-escalation",
                anchor,
                format!(
                    "container {} may gain more privileges than its parent; set allowPrivilegeEscalation: false",
                    c.name()
                ),
            );
            d = d.fixes(set_in_security_context(cx, sc_pair, "allowPrivilegeEscalation", "false"));
            cx.emit(d);
        }
        if cx.on("run-as-non-root") {
            let user = field("runAsUser").and_then(int_of).or(pod_user);
            let non_root = field("runAsNonRoot").and_then(bool_of).or(pod_non_root);
            if let Some(n) = field("runAsUser").filter(|n| int_of(n) == Some(0)) {
                cx.emit(Diagnostic::new(
                    "run-as-non-root",
                    n.range,
                    format!("container {} runs as root (runAsUser: 0); use a non-zero user id", c.name()),
                ));
            } else if non_root != Some(true) && user.is_none_or(|u| u == 0) {
                cx.emit(Diagnostic::new(
                    "run-as-non-root",
                    anchor,
                    format!(
                        "container {} may run as root; set runAsNonRoot: true (and a non-zero runAsUser)",
                        c.name()
                    ),
                ));
            }
        }
        if cx.on("seccomp-profile") {
            let own = field("seccompProfile").and_then(|s| get(s, "type")).and_then(text_of);
            if own == Some("Unconfined") {
                if let Some(n) = field("seccompProfile").and_then(|s| get(s, "type")) {
                    cx.emit(
                        Diagnostic::new(
                            "seccomp-profile",
                            n.range,
                            "seccomp profile Unconfined turns syscall filtering off; use RuntimeDefault",
                        )
                        .fix(replace(
                            "Change to RuntimeDefault",
                            n.range,
                            "RuntimeDefault",
                        )),
                    );
                }
            } else if own.is_none() && pod_seccomp.is_none() && !seccomp_reported {
                seccomp_reported = true;
                cx.emit(Diagnostic::new(
                    "seccomp-profile",
                    anchor,
                    "no seccomp profile is set; add securityContext: {seccompProfile: {type: RuntimeDefault}} to the pod",
                ));
            }
        }
        if cx.on("read-only-root-fs") && field("readOnlyRootFilesystem").and_then(bool_of) != Some(true) {
            let mut d = Diagnostic::new(
                "read-only-root-fs",
                anchor,
                format!(
                    "container {} can write its root filesystem; set readOnlyRootFilesystem: true and mount emptyDir where it writes",
                    c.name()
                ),
            );
            d = d.fixes(set_in_security_context(cx, sc_pair, "readOnlyRootFilesystem", "true"));
            cx.emit(d);
        }
    }
}

/// A fix that writes `key: value` into a container's `securityContext` (`sc_pair`), when it has
/// one without that key.
fn set_in_security_context(cx: &Cx<'_>, sc_pair: Option<&Pair>, key: &str, value: &str) -> Option<Fix> {
    let p = sc_pair?;
    if get(&p.value, key).is_some() {
        return None;
    }
    let edit = insert_entry(cx.file, Some(p), &p.value, key, &Y::s(value), unit(cx))?;
    Some(Fix { title: format!("Set {key}: {value}"), edits: vec![edit] })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_names() {
        assert_eq!(shorten_port_name("http-frontend-port"), "http-frontend");
        assert_eq!(shorten_port_name("Admin"), "admin");
        assert_eq!(shorten_port_name("verylongportnamewithoutdashes"), "verylongportnam");
        assert!(port_name_problem("http-frontend").is_none());
        assert!(port_name_problem("8080").is_some());
        assert!(port_name_problem("a--b").is_some());
    }
}
