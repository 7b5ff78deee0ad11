//! Workload controllers: selectors against template labels, restartPolicy per kind, CronJob
//! schedules and time zones, rollout strategies and counts, and the operational hints (Job TTL,
//! CronJob deadline, one replica, no anti-affinity).

use kref_yaml::{Node, Pair, TextRange};

use super::context::Cx;
use super::cron;
use super::edits::{Y, insert_entry, replace, yaml_string};
use super::{Diagnostic, Fix, TextEdit};
use crate::model::{Selector, View};
use crate::model::{at, get, int_of, is_null, pod_labels, pod_spec_path, str_of, string_map, text_of};

const REPLICATED: &[&str] =
    &["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ReplicationController"];

pub(crate) fn check(cx: &mut Cx<'_>, view: &View<'_>) {
    if !cx.builtin() {
        return;
    }
    if cx.on("selector-mismatch") {
        selector(cx);
    }
    if cx.on("restart-policy") {
        restart_policy(cx);
    }
    if cx.on("cron-schedule") && cx.kind == "CronJob" {
        schedule(cx);
    }
    if cx.on("rollout-strategy") {
        strategy(cx);
        counts(cx);
    }
    hints(cx, view);
}

fn unit(cx: &Cx<'_>) -> usize {
    cx.indent_unit
}

fn selector(cx: &mut Cx<'_>) {
    let kind = cx.kind;
    if !REPLICATED.contains(&kind) && kind != "Job" {
        return;
    }
    let Some(spec) = get(cx.root, "spec") else { return };
    let Some(sel_pair) = spec.pair("selector").filter(|p| !is_null(&p.value)) else { return };
    let template_labels = pod_labels(cx.root, kind).map(string_map).unwrap_or_default();
    let selector = if kind == "ReplicationController" {
        Selector::from_map(&sel_pair.value)
    } else {
        Selector::from_label_selector(&sel_pair.value)
    };
    if selector.is_empty() {
        if kind == "Job" || kind == "ReplicationController" {
            return;
        }
        let mut d = Diagnostic::new(
            "selector-mismatch",
            sel_pair.key_range,
            format!("an empty selector is invalid for a {kind}; select the template labels with matchLabels"),
        );
        if !template_labels.is_empty() && sel_pair.value.as_mapping().is_some_and(<[Pair]>::is_empty) {
            let entries =
                template_labels.iter().map(|(k, v)| (yaml_string(k), Y::s(yaml_string(v)))).collect();
            let col = super::edits::column(cx.file, sel_pair.key_range.start);
            d = d.fix(Fix {
                title: "Select the template labels".into(),
                edits: vec![TextEdit {
                    range: TextRange::new(sel_pair.key_range.start, sel_pair.range().end),
                    new_text: Y::render_pair(
                        "selector",
                        &Y::M(vec![("matchLabels".into(), Y::M(entries))]),
                        col,
                        unit(cx),
                    ),
                }],
            });
        }
        cx.emit(d);
        return;
    }
    let owned: Vec<(String, String)> =
        template_labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    if selector.matches(&owned) {
        return;
    }
    let shown = if owned.is_empty() {
        "none".to_string()
    } else {
        owned.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
    };
    let mut d = Diagnostic::new(
        "selector-mismatch",
        sel_pair.key_range,
        format!(
            "the selector ({}) does not match the pod template labels ({shown}); make the template labels match it",
            selector.describe()
        ),
    );
    // Fix: give the template the labels the selector asks for.
    if let Some(meta_path) = pod_spec_path(kind).and_then(|p| p.template_metadata) {
        let missing: Vec<(&str, &str)> = selector
            .labels
            .iter()
            .filter(|(k, v)| !owned.iter().any(|(ok, ov)| ok == k && ov == v))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if !missing.is_empty() && selector.exprs.is_empty() {
            let mut edits = Vec::new();
            let labels_node = at(cx.root, meta_path).and_then(|m| m.pair("labels"));
            let meta_pair = at(cx.root, &meta_path[..meta_path.len() - 1]).and_then(|p| p.pair("metadata"));
            for (k, v) in &missing {
                if let Some(p) = labels_node.and_then(|l| l.value.pair(k)) {
                    edits.push(TextEdit { range: p.value.range, new_text: yaml_string(v) });
                }
            }
            let to_add: Vec<(String, Y)> = missing
                .iter()
                .filter(|(k, _)| labels_node.and_then(|l| l.value.pair(k)).is_none())
                .map(|(k, v)| (yaml_string(k), Y::s(yaml_string(v))))
                .collect();
            if !to_add.is_empty() {
                let edit = match labels_node {
                    Some(l) if l.value.as_mapping().is_some_and(|m| !m.is_empty()) && !l.value.flow => {
                        let col = super::edits::key_column(cx.file, &l.value).unwrap_or(0);
                        let last = l.value.as_mapping().and_then(|m| m.last()).map(|p| p.range());
                        last.map(|r| {
                            let at = super::edits::line_end(cx.file, r.end.saturating_sub(1).max(r.start));
                            let text: String = to_add
                                .iter()
                                .map(|(k, v)| {
                                    format!("\n{}{}", " ".repeat(col), Y::render_pair(k, v, col, unit(cx)))
                                })
                                .collect();
                            TextEdit { range: TextRange::empty(at), new_text: text }
                        })
                    }
                    Some(l) => insert_entry(cx.file, Some(l), &l.value, &to_add[0].0, &to_add[0].1, unit(cx))
                        .filter(|_| to_add.len() == 1),
                    None => meta_pair.and_then(|m| {
                        insert_entry(cx.file, Some(m), &m.value, "labels", &Y::M(to_add.clone()), unit(cx))
                    }),
                };
                match edit {
                    Some(e) => edits.push(e),
                    None => edits.clear(),
                }
            }
            if !edits.is_empty() {
                d = d.fix(Fix { title: "Add the selected labels to the pod template".into(), edits });
            }
        }
    }
    cx.emit(d);
}

fn restart_policy(cx: &mut Cx<'_>) {
    let Some(spec) = cx.pod_spec() else { return };
    let policy = spec.pair("restartPolicy");
    match cx.kind {
        "Job" | "CronJob" if policy.is_none_or(|p| is_null(&p.value)) => {
            let range = at(cx.root, &["spec"]).and_then(|_| template_key(cx)).unwrap_or(cx.obj.range);
            let fixes: Vec<Fix> = ["OnFailure", "Never"]
                .iter()
                .filter_map(|v| {
                    let parent = template_spec_pair(cx)?;
                    let e = insert_entry(cx.file, Some(parent), spec, "restartPolicy", &Y::s(*v), unit(cx))?;
                    Some(Fix { title: format!("Add restartPolicy: {v}"), edits: vec![e] })
                })
                .collect();
            cx.emit(
                Diagnostic::new(
                    "restart-policy",
                    range,
                    format!(
                        "a {}'s pod template needs restartPolicy OnFailure or Never (the Pod default Always is rejected); add it",
                        cx.kind
                    ),
                )
                .fixes(fixes),
            );
        }
        k if REPLICATED.contains(&k) => {
            if let Some(p) = policy
                && let Some(v) = text_of(&p.value)
                && v != "Always"
            {
                cx.emit(
                    Diagnostic::new(
                        "restart-policy",
                        p.value.range,
                        format!("a {k}'s pods must use restartPolicy Always; remove restartPolicy or set it to Always"),
                    )
                    .fix(replace("Change to Always", p.value.range, "Always")),
                );
            }
        }
        _ => {}
    }
    for c in crate::model::containers(spec) {
        if let Some(p) = c.node.pair("restartPolicy")
            && !is_null(&p.value)
            && c.list != "initContainers"
        {
            let fix = super::edits::remove_pair(cx.file, p)
                .map(|e| Fix { title: "Remove restartPolicy".into(), edits: vec![e] });
            cx.emit(
                Diagnostic::new(
                    "restart-policy",
                    p.key_range,
                    format!(
                        "container {}: only init containers may set restartPolicy (Always makes a sidecar); remove it here",
                        c.name()
                    ),
                )
                .fixes(fix),
            );
        }
    }
}

/// The `template` key of a workload (where the pod template starts), for ranges.
fn template_key(cx: &Cx<'_>) -> Option<TextRange> {
    let template = pod_spec_path(cx.kind)?.template()?;
    let (key, parent) = template.split_last()?;
    at(cx.root, parent)?.pair(key).map(|p| p.key_range)
}

/// The `spec` pair inside the pod template.
fn template_spec_pair<'n>(cx: &Cx<'n>) -> Option<&'n Pair> {
    at(cx.root, pod_spec_path(cx.kind)?.template()?)?.pair("spec")
}

fn schedule(cx: &mut Cx<'_>) {
    let Some(spec) = get(cx.root, "spec") else { return };
    let tz_field = spec.pair("timeZone").filter(|p| !is_null(&p.value));
    if let Some(p) = spec.pair("schedule")
        && let Some(s) = str_of(&p.value)
    {
        let raw = p.value.as_scalar().map_or(p.value.range, |s| s.raw_range);
        let trimmed = s.trim();
        let tz_prefix = ["CRON_TZ=", "TZ="].iter().find(|pre| trimmed.starts_with(*pre));
        if let Some(pre) = tz_prefix {
            let rest = &trimmed[pre.len()..];
            let (zone, sched) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let mut d = Diagnostic::new(
                "cron-schedule",
                raw,
                if tz_field.is_some() {
                    "do not use both timeZone and TZ or CRON_TZ in the schedule; remove the prefix"
                        .to_string()
                } else {
                    format!("the schedule cannot carry {pre}; move the zone to the timeZone field")
                },
            );
            let mut edits = vec![TextEdit { range: raw, new_text: yaml_string(sched.trim()) }];
            if tz_field.is_none() {
                if let Some(e) = insert_entry(
                    cx.file,
                    cx.root.pair("spec"),
                    spec,
                    "timeZone",
                    &Y::s(yaml_string(zone)),
                    unit(cx),
                ) {
                    edits.push(e);
                } else {
                    edits.clear();
                }
            }
            if !edits.is_empty() {
                d = d.fix(Fix { title: "Move the zone to timeZone".into(), edits });
            }
            cx.emit(d);
        } else if let Some(why) = cron::problem(s) {
            let mut d = Diagnostic::new("cron-schedule", raw, format!("schedule {s:?} is not valid: {why}"));
            let fields: Vec<&str> = trimmed.split_whitespace().collect();
            if fields.len() == 6 {
                let five = fields[1..].join(" ");
                if cron::problem(&five).is_none() {
                    d = d.fix(replace("Drop the seconds field", raw, yaml_string(&five)));
                }
            }
            cx.emit(d);
        }
    }
    if let Some(p) = tz_field
        && let Some(tz) = str_of(&p.value)
        && let Some((why, fixed)) = cron::time_zone_problem(tz)
    {
        let raw = p.value.as_scalar().map_or(p.value.range, |s| s.raw_range);
        let mut d = Diagnostic::new("cron-schedule", raw, format!("timeZone: {why}"));
        if let Some(f) = fixed {
            d = d.fix(replace(format!("Change to {f}"), raw, f));
        }
        cx.emit(d);
    }
}

/// An int-or-percent value: `Ok(Some(n))` for an integer, `Ok(None)` for a percentage (with
/// the percentage in `pct`), `Err` when it is neither.
fn int_or_percent(node: &Node) -> Result<(i64, bool), String> {
    if let Some(i) = int_of(node) {
        return Ok((i, false));
    }
    let Some(s) = str_of(node) else { return Err("it is neither an integer nor a percentage".into()) };
    match s.strip_suffix('%').map(str::parse::<i64>) {
        Some(Ok(p)) => Ok((p, true)),
        _ => Err(format!("{s:?} is neither an integer nor a percentage such as 25%")),
    }
}

fn strategy(cx: &mut Cx<'_>) {
    let Some(spec) = get(cx.root, "spec") else { return };
    let (key, rolling_type, kind) = match cx.kind {
        "Deployment" => ("strategy", "RollingUpdate", "Deployment"),
        "DaemonSet" => ("updateStrategy", "RollingUpdate", "DaemonSet"),
        "StatefulSet" => ("updateStrategy", "RollingUpdate", "StatefulSet"),
        _ => return,
    };
    let Some(strategy) = get(spec, key) else {
        progress_deadline(cx, spec);
        return;
    };
    let ty = get(strategy, "type").and_then(text_of).unwrap_or(rolling_type);
    let rolling = strategy.pair("rollingUpdate").filter(|p| !is_null(&p.value));
    if let Some(r) = rolling
        && ty != rolling_type
    {
        let fix = super::edits::remove_pair(cx.file, r)
            .map(|e| Fix { title: "Remove rollingUpdate".into(), edits: vec![e] });
        cx.emit(
            Diagnostic::new(
                "rollout-strategy",
                r.key_range,
                format!("rollingUpdate is only allowed with type RollingUpdate, not {ty}; remove it"),
            )
            .fixes(fix),
        );
    }
    if let Some(r) = rolling.filter(|_| ty == rolling_type) {
        let fields: &[&str] = match kind {
            "StatefulSet" => &["maxUnavailable"],
            _ => &["maxSurge", "maxUnavailable"],
        };
        let mut values = Vec::new();
        for f in fields {
            let Some(node) = get(&r.value, f) else {
                values.push((*f, None));
                continue;
            };
            if crate::model::is_placeholder(node) {
                // Filled in later: how it fits the other value is not known.
                return;
            }
            match int_or_percent(node) {
                Ok((v, pct)) => {
                    if v < 0 {
                        cx.emit(Diagnostic::new(
                            "rollout-strategy",
                            node.range,
                            format!("{f} may not be negative"),
                        ));
                    } else if pct && v > 100 && *f == "maxUnavailable" {
                        cx.emit(Diagnostic::new(
                            "rollout-strategy",
                            node.range,
                            format!("{f} may not be more than 100%"),
                        ));
                    }
                    values.push((*f, Some((v, node.range))));
                }
                Err(why) => {
                    cx.emit(Diagnostic::new("rollout-strategy", node.range, format!("{f}: {why}")));
                    values.push((*f, Some((1, node.range))));
                }
            }
        }
        let get_v = |name: &str, default: i64| {
            values.iter().find(|(n, _)| *n == name).and_then(|(_, v)| *v).map_or(default, |(v, _)| v)
        };
        let range_of =
            |name: &str| values.iter().find(|(n, _)| *n == name).and_then(|(_, v)| v.map(|(_, r)| r));
        match kind {
            "Deployment" if get_v("maxSurge", 1) == 0 && get_v("maxUnavailable", 1) == 0 => {
                let range = range_of("maxUnavailable").unwrap_or(r.key_range);
                cx.emit(
                    Diagnostic::new(
                        "rollout-strategy",
                        range,
                        "maxSurge and maxUnavailable are both 0, so a rollout can never progress; set one of them above 0",
                    )
                    .fix(replace("Set maxUnavailable to 1", range, "1")),
                );
            }
            "DaemonSet" => {
                let surge = get_v("maxSurge", 0);
                let unavailable = get_v("maxUnavailable", 1);
                if surge != 0 && unavailable != 0 && range_of("maxUnavailable").is_some() {
                    cx.emit(Diagnostic::new(
                        "rollout-strategy",
                        range_of("maxSurge").unwrap_or(r.key_range),
                        "a DaemonSet may set maxSurge only when maxUnavailable is 0; set maxUnavailable: 0",
                    ));
                } else if surge == 0 && unavailable == 0 {
                    cx.emit(Diagnostic::new(
                        "rollout-strategy",
                        range_of("maxUnavailable").unwrap_or(r.key_range),
                        "maxSurge and maxUnavailable are both 0; a DaemonSet needs one of them above 0",
                    ));
                }
            }
            "StatefulSet" => {
                if let Some(range) = range_of("maxUnavailable")
                    && get_v("maxUnavailable", 1) == 0
                {
                    cx.emit(Diagnostic::new(
                        "rollout-strategy",
                        range,
                        "a StatefulSet's maxUnavailable may not be 0",
                    ));
                }
                if let Some(p) = get(&r.value, "partition")
                    && int_of(p).is_some_and(|v| v < 0)
                {
                    cx.emit(Diagnostic::new("rollout-strategy", p.range, "partition may not be negative"));
                }
            }
            _ => {}
        }
    }
    progress_deadline(cx, spec);
}

fn progress_deadline(cx: &mut Cx<'_>, spec: &Node) {
    if cx.kind != "Deployment" {
        return;
    }
    let min_ready = get(spec, "minReadySeconds").and_then(int_of).unwrap_or(0);
    let pds_node = get(spec, "progressDeadlineSeconds");
    let pds = pds_node.and_then(int_of).unwrap_or(600);
    if pds <= min_ready && (pds_node.is_some() || min_ready > 0) {
        let range = pds_node.or_else(|| get(spec, "minReadySeconds")).map_or(cx.obj.range, |n| n.range);
        cx.emit(Diagnostic::new(
            "rollout-strategy",
            range,
            format!(
                "progressDeadlineSeconds ({pds}) must be greater than minReadySeconds ({min_ready}); raise it"
            ),
        ));
    }
}

/// Counts that may not be negative.
fn counts(cx: &mut Cx<'_>) {
    let paths: &[&[&str]] = match cx.kind {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController" => {
            &[&["spec", "replicas"], &["spec", "minReadySeconds"], &["spec", "revisionHistoryLimit"]]
        }
        "DaemonSet" => &[&["spec", "minReadySeconds"], &["spec", "revisionHistoryLimit"]],
        "Job" => &[
            &["spec", "parallelism"],
            &["spec", "completions"],
            &["spec", "backoffLimit"],
            &["spec", "activeDeadlineSeconds"],
            &["spec", "ttlSecondsAfterFinished"],
        ],
        "CronJob" => &[
            &["spec", "startingDeadlineSeconds"],
            &["spec", "successfulJobsHistoryLimit"],
            &["spec", "failedJobsHistoryLimit"],
            &["spec", "jobTemplate", "spec", "backoffLimit"],
            &["spec", "jobTemplate", "spec", "parallelism"],
            &["spec", "jobTemplate", "spec", "completions"],
        ],
        _ => return,
    };
    for path in paths {
        if let Some(n) = at(cx.root, path)
            && let Some(v) = int_of(n)
            && v < 0
        {
            let name = path.last().copied().unwrap_or("");
            cx.emit(
                Diagnostic::new("rollout-strategy", n.range, format!("{name} may not be negative ({v})"))
                    .fix(replace("Change to 0", n.range, "0")),
            );
        }
    }
}

fn hints(cx: &mut Cx<'_>, view: &View<'_>) {
    let Some(spec) = get(cx.root, "spec") else { return };
    let spec_pair = cx.root.pair("spec");
    if cx.kind == "Job" && cx.on("job-ttl") && spec.pair("ttlSecondsAfterFinished").is_none() {
        let fix = insert_entry(cx.file, spec_pair, spec, "ttlSecondsAfterFinished", &Y::s("86400"), unit(cx))
            .map(|e| Fix { title: "Add ttlSecondsAfterFinished: 86400 (one day)".into(), edits: vec![e] });
        cx.emit(
            Diagnostic::new(
                "job-ttl",
                spec_pair.map_or(cx.obj.range, |p| p.key_range),
                "this Job and its pods stay after it finishes; set ttlSecondsAfterFinished to clean them up",
            )
            .fixes(fix),
        );
    }
    if cx.kind == "CronJob" && cx.on("cronjob-deadline") && spec.pair("startingDeadlineSeconds").is_none() {
        let fix = insert_entry(cx.file, spec_pair, spec, "startingDeadlineSeconds", &Y::s("300"), unit(cx))
            .map(|e| Fix { title: "Add startingDeadlineSeconds: 300".into(), edits: vec![e] });
        cx.emit(
            Diagnostic::new(
                "cronjob-deadline",
                spec_pair.map_or(cx.obj.range, |p| p.key_range),
                "missed runs are started late without limit (and 100 misses stop the CronJob); set startingDeadlineSeconds",
            )
            .fixes(fix),
        );
    }
    if !matches!(cx.kind, "Deployment" | "StatefulSet") {
        return;
    }
    let scaled = view.targeted_by_hpa(cx.kind, cx.obj.name.as_deref(), cx.obj.namespace.as_deref());
    let replicas_node = get(spec, "replicas");
    let replicas = replicas_node.and_then(int_of).unwrap_or(1);
    if cx.on("single-replica") && replicas == 1 && !scaled {
        let range =
            spec.pair("replicas").map_or(spec_pair.map_or(cx.obj.range, |p| p.key_range), |p| p.key_range);
        let fix = match replicas_node {
            Some(n) => Some(replace("Set replicas: 2", n.range, "2")),
            None => insert_entry(cx.file, spec_pair, spec, "replicas", &Y::s("2"), unit(cx))
                .map(|e| Fix { title: "Set replicas: 2".into(), edits: vec![e] }),
        };
        cx.emit(
            Diagnostic::new(
                "single-replica",
                range,
                "one replica means downtime on every rollout or node drain; run at least 2",
            )
            .fixes(fix),
        );
    }
    if cx.on("anti-affinity") && (replicas >= 2 || scaled) {
        let pod = cx.pod_spec();
        let spread = pod.is_some_and(|p| {
            get(p, "topologySpreadConstraints").is_some() || at(p, &["affinity", "podAntiAffinity"]).is_some()
        });
        if !spread && pod.is_some() {
            let range = template_key(cx).unwrap_or(cx.obj.range);
            cx.emit(Diagnostic::new(
                "anti-affinity",
                range,
                "all replicas may land on one node; add topologySpreadConstraints or podAntiAffinity",
            ));
        }
    }
    if cx.on("hpa-replicas-conflict")
        && scaled
        && let Some(p) = spec.pair("replicas")
    {
        let fix = super::edits::remove_pair(cx.file, p)
            .map(|e| Fix { title: "Remove replicas".into(), edits: vec![e] });
        cx.emit(
            Diagnostic::new(
                "hpa-replicas-conflict",
                p.key_range,
                "a HorizontalPodAutoscaler scales this workload, and every apply resets replicas; remove replicas",
            )
            .fixes(fix),
        );
    }
}
