//! Helm charts in the check engine: templates checked as YAML with holes (the manifest rules run
//! on the holed YAML, where every templated value is a placeholder and every node the template
//! fills in is open), and the chart-wide rules: `Chart.yaml`, `values.yaml` against
//! `values.schema.json`, `.Values` paths values.yaml does not define, `include`s of names no
//! template defines, dependencies that are not vendored.
//!
//! Pure like the rest of the engine: the caller loads the chart ([`LoadedChart::load`]) and
//! passes it in; findings come back per chart file, as [`Diagnostic`]s.

use kref_yaml::{File, Node, NodeValue, Pair, Scalar, ScalarStyle, Segment, TextRange};

use super::{Diagnostic, Fix, Report, RuleConfig, Severity, TextEdit, registry};
use crate::helm::{
    BlockKind, ChartFinding, DocumentShape, FindingSeverity, Guard, LoadedChart, Lookup, PathSegment,
    SuppliedIn, TemplateFile, ValuesFile,
};
use crate::knowledge::Knowledge;
use crate::model::Workspace;
use crate::model::project::{FileClass, HelmPart};

/// The rules only a chart has (they need its files together, not one manifest).
pub const CHART_RULES: &[&str] = &[
    "template-syntax",
    "chart-yaml",
    "values-schema",
    "undefined-value",
    "undefined-template",
    "missing-dependency",
];

/// Rules whose findings need the whole list or the whole mapping: not reported in a document
/// where the template adds items or entries the check cannot see.
const WHOLE_RULES: &[&str] = &[
    "missing-api-version",
    "missing-kind",
    "missing-name",
    "missing-required",
    "volume-mount",
    "probe-port",
    "selector-mismatch",
    "service-ports",
    "pvc-spec",
    "secret-type-keys",
    "ingress-rules",
    "rbac-binding",
    "container-image",
    "missing-resources",
    "missing-probes",
];

/// Rules that judge how two fields combine: not reported in a document whose `if`/`else`
/// branches are read together (each branch alone may be right).
const COMBINATION_RULES: &[&str] = &[
    "pdb-budget",
    "env-source",
    "invalid-probe",
    "resource-limits",
    "rollout-strategy",
    "node-port",
    "external-name",
    "hpa-replicas",
    "config-key",
    "container-name",
    "container-port",
    "duplicate-env",
    "hpa-replicas-conflict",
];

/// The lifecycle rules, which judge the document's apiVersion.
const API_RULES: &[&str] = &["removed-api", "deprecated-api", "unavailable-api", "unknown-kind", "no-schema"];

/// The rules that read fields along the schema of the document's apiVersion.
const SCHEMA_RULES: &[&str] =
    &["unknown-field", "wrong-type", "invalid-enum", "missing-required", "invalid-value", "deprecated-field"];

/// The template's holed YAML as the manifest rules read it: every templated scalar and key
/// holds its template text (so it is a placeholder, never validated as a name, number or enum
/// value), a key whose whole value is template output holds a placeholder value, a mapping the
/// template adds entries to holds a placeholder key (so nothing in it is missing), and
/// documents that are mostly template have no root.
pub fn template_yaml(template: &TemplateFile) -> File {
    let mut file = template.yaml.clone();
    let text = template.text();
    for facts in &template.documents {
        let Some(doc) = file.documents.get_mut(facts.index) else { continue };
        if matches!(facts.shape, DocumentShape::Unknown | DocumentShape::Empty) {
            doc.root = None;
            doc.kind = None;
            doc.api_version = None;
            doc.name = None;
            doc.namespace = None;
            continue;
        }
        let Some(root) = doc.root.as_mut() else { continue };
        mark_templated(root, text, &facts.templated_values, &facts.templated_keys);
        for supplied in &facts.supplied {
            let action = template.scan.actions.get(supplied.action).map_or(TextRange::empty(0), |a| a.range);
            let Some(node) = node_at_mut(root, &supplied.path.0) else { continue };
            match supplied.within {
                SuppliedIn::Value | SuppliedIn::Root => {
                    let start = node.range.start;
                    node.value = NodeValue::Scalar(Scalar {
                        text: source(text, action),
                        raw_range: TextRange::empty(start),
                        style: ScalarStyle::Plain,
                    });
                }
                SuppliedIn::Mapping => {
                    if let NodeValue::Mapping(pairs) = &mut node.value {
                        pairs.push(Pair {
                            key: Scalar {
                                text: source(text, action),
                                raw_range: action,
                                style: ScalarStyle::Plain,
                            },
                            key_range: action,
                            colon: None,
                            value: Node {
                                range: TextRange::empty(action.end),
                                value: NodeValue::Missing,
                                anchor: None,
                                tag: None,
                                flow: false,
                            },
                        });
                    }
                }
                SuppliedIn::Sequence => {}
            }
        }
        // The facts the parser picked out, read again from the patched root.
        doc.kind = top_scalar(root, "kind");
        doc.api_version = top_scalar(root, "apiVersion");
        doc.name =
            root.get("metadata").and_then(|m| m.get("name")).and_then(Node::as_str).map(str::to_string);
        doc.namespace =
            root.get("metadata").and_then(|m| m.get("namespace")).and_then(Node::as_str).map(str::to_string);
    }
    file
}

fn top_scalar(root: &Node, key: &str) -> Option<(String, TextRange)> {
    let p = root.pair(key)?;
    Some((p.value.as_str()?.to_string(), p.value.range))
}

/// The template text of `range`, made sure to read as a placeholder.
fn source(text: &str, range: TextRange) -> String {
    let s = text.get(range.start..range.end).unwrap_or("");
    let first = s.lines().next().unwrap_or("");
    if first.contains("{{") { first.to_string() } else { format!("{{{{ {first} }}}}") }
}

fn mark_templated(root: &mut Node, text: &str, values: &[TextRange], keys: &[TextRange]) {
    let hit = |set: &[TextRange], r: TextRange| set.binary_search_by_key(&r.start, |x| x.start).is_ok();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &mut node.value {
            NodeValue::Mapping(pairs) => {
                for pair in pairs.iter_mut() {
                    if hit(keys, pair.key.raw_range) {
                        pair.key.text = source(text, pair.key.raw_range);
                    }
                    stack.push(&mut pair.value);
                }
            }
            NodeValue::Sequence(items) => stack.extend(items.iter_mut()),
            NodeValue::Scalar(s) => {
                if hit(values, s.raw_range) {
                    s.text = source(text, s.raw_range);
                }
            }
            NodeValue::Alias(_) | NodeValue::Missing => {}
        }
    }
}

fn node_at_mut<'n>(root: &'n mut Node, path: &[Segment]) -> Option<&'n mut Node> {
    let mut node = root;
    for segment in path {
        node = match (segment, &mut node.value) {
            (Segment::Key(k), NodeValue::Mapping(pairs)) => {
                &mut pairs.iter_mut().find(|p| &p.key.text == k)?.value
            }
            (Segment::Index(i), NodeValue::Sequence(items)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// Checks a template: the manifest rules on [`template_yaml`] (`file`, known in `workspace`
/// as `key`), with what the template makes uncertain left out: syntax errors the template may
/// have caused, duplicate keys in `if`/`else` alternatives, whole-object rules where the
/// template adds entries, combination rules across alternatives, documents that are mostly
/// template. Template syntax problems (an unclosed `{{`) are errors of their own.
pub fn analyze_template(
    template: &TemplateFile,
    file: &File,
    key: &str,
    workspace: &Workspace,
    kb: &Knowledge,
    config: &RuleConfig,
) -> Report {
    let mut report = super::analyze_as(file, key, FileClass::Manifest, workspace, kb, config);
    report.class = Some(FileClass::Helm(HelmPart::Template));
    let blocks_with_else: Vec<TextRange> =
        template.scan.blocks.iter().filter(|b| b.branches.len() > 1).map(|b| b.range).collect();
    report.diagnostics.retain(|d| {
        let Some(facts) = template.document_at(d.range.start) else { return true };
        if matches!(facts.shape, DocumentShape::Unknown | DocumentShape::Empty) {
            return false;
        }
        match d.rule {
            "yaml-syntax" => {
                return template
                    .errors
                    .iter()
                    .any(|e| !e.near_template && e.error.range.start == d.range.start)
                    && facts.shape != DocumentShape::Unknown;
            }
            "duplicate-key" => {
                return !facts.duplicates.iter().any(|dup| {
                    dup.second.start == d.range.start && dup.relation != crate::helm::BranchRelation::Together
                });
            }
            _ => {}
        }
        // Output of unknown shape anywhere in the object, or a list made by `range`, hides
        // what the whole-object rules need to see.
        let ranged = template.scan.blocks.iter().any(|b| {
            b.kind == BlockKind::Range && b.range.start < facts.range.end && facts.range.start < b.range.end
        });
        if (!facts.supplied.is_empty() || ranged) && WHOLE_RULES.contains(&d.rule) {
            return false;
        }
        let alternatives =
            blocks_with_else.iter().any(|b| b.start < facts.range.end && facts.range.start < b.end);
        if alternatives && COMBINATION_RULES.contains(&d.rule) {
            return false;
        }
        // Several literal apiVersions (chosen by `.Capabilities`): the lifecycle rules judge one
        // of them, and fields inside `if`/`else` branches may belong to another.
        // No literal apiVersion (`apiVersion: {{ include ... }}`): nothing for them to judge.
        if facts.api_versions.len() != 1 && API_RULES.contains(&d.rule) {
            return false;
        }
        if facts.api_versions.len() > 1 {
            if API_RULES.contains(&d.rule) {
                return false;
            }
            let in_alternative =
                blocks_with_else.iter().any(|b| b.start <= d.range.start && d.range.start < b.end);
            if in_alternative && SCHEMA_RULES.contains(&d.rule) {
                return false;
            }
        }
        true
    });
    let levels = config.levels();
    if let Some(severity) = level(&levels, "template-syntax") {
        for problem in &template.scan.problems {
            report.diagnostics.push(
                Diagnostic::new(
                    "template-syntax",
                    problem.range,
                    format!("{}; Helm cannot render this template", problem.message),
                )
                .severity(severity),
            );
        }
    }
    report.diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.severity, d.rule));
    report
}

/// Is `d` silenced by a `# kref-ignore` comment of `file` (the text it was found in)?
pub fn is_suppressed(file: &File, d: &Diagnostic) -> bool {
    let ignores = super::suppress::comments(file);
    !ignores.is_empty()
        && super::suppress::ignored(
            &ignores,
            d.rule,
            file.line_index().line_of(d.range.start),
            file.document_at(d.range.start),
        )
}

fn level(levels: &[Option<Severity>], id: &str) -> Option<Severity> {
    registry::rule_index(id).and_then(|i| levels.get(i).copied().flatten())
}

fn severity_of(s: FindingSeverity, default: Severity) -> Severity {
    match s {
        FindingSeverity::Error => default,
        FindingSeverity::Warning => Severity::Warning.max(default),
        FindingSeverity::Info => Severity::Information.max(default),
        FindingSeverity::Hint => Severity::Hint,
    }
}

/// A chart-wide finding: the file (path as given to [`LoadedChart::load`]) and the diagnostic.
#[derive(Debug, Clone)]
pub struct ChartDiagnostic {
    pub file: String,
    pub diagnostic: Diagnostic,
}

/// The chart-wide rules over a loaded chart and its vendored subcharts: `chart-yaml`,
/// `values-schema`, `undefined-value` (values files in `extra_values` count as defining
/// values too), `undefined-template`, `missing-dependency`.
pub fn check_chart(
    chart: &LoadedChart,
    extra_values: &[ValuesFile],
    config: &RuleConfig,
) -> Vec<ChartDiagnostic> {
    let levels = config.levels();
    let mut out = Vec::new();
    check_tree(chart, &[], extra_values, &levels, &mut out);
    out
}

fn check_tree(
    chart: &LoadedChart,
    parents: &[&LoadedChart],
    extra_values: &[ValuesFile],
    levels: &[Option<Severity>],
    out: &mut Vec<ChartDiagnostic>,
) {
    let push = |out: &mut Vec<ChartDiagnostic>,
                file: &str,
                rule: &'static str,
                range: TextRange,
                message: String,
                severity: Option<Severity>| {
        let Some(on) = level(levels, rule) else { return };
        out.push(ChartDiagnostic {
            file: file.to_string(),
            diagnostic: Diagnostic::new(rule, range, message).severity(severity.unwrap_or(on)),
        });
    };

    // Chart.yaml.
    for finding in crate::helm::chart_yaml::check(&chart.chart_yaml) {
        let ChartFinding { severity, message, range, replacement, .. } = finding;
        let Some(on) = level(levels, "chart-yaml") else { continue };
        let mut d = Diagnostic::new("chart-yaml", range, message).severity(severity_of(severity, on));
        if let Some(new_text) = replacement {
            d = d.fix(Fix {
                title: format!("Replace with {new_text}"),
                edits: vec![TextEdit { range, new_text }],
            });
        }
        out.push(ChartDiagnostic { file: chart.layout.chart_yaml.clone(), diagnostic: d });
    }

    // values.schema.json itself, then values.yaml against it.
    if let Some(schema) = &chart.schema {
        let schema_path = chart.layout.schema.clone().unwrap_or_default();
        for problem in &schema.problems {
            let on = level(levels, "values-schema");
            let severity = on.map(|l| severity_of(problem.severity, l));
            push(out, &schema_path, "values-schema", problem.range, problem.message.clone(), severity);
        }
    }
    if let (Some(schema), Some(values)) = (&chart.schema, &chart.values) {
        let values_path = chart.layout.values.first().cloned().unwrap_or_default();
        let schema_path = chart.layout.schema.clone().unwrap_or_default();
        for finding in schema.validate(values) {
            let file = if finding.in_schema { &schema_path } else { &values_path };
            let on = level(levels, "values-schema");
            push(
                out,
                file,
                "values-schema",
                finding.range,
                finding.message.clone(),
                on.map(|l| severity_of(finding.severity, l)),
            );
        }
    }

    // `.Values` paths values.yaml does not define.
    let mut templates: Vec<(&str, &TemplateFile)> =
        chart.templates.iter().map(|(p, t)| (p.as_str(), t)).collect();
    templates.extend(chart.notes.iter().map(|(p, t)| (p.as_str(), t)));
    // One warning per missing key and file: `.Values.service.type` and `.Values.service.port`
    // both say that `service` is missing.
    let mut seen: std::collections::HashSet<(String, String)> = std::collections::HashSet::new();
    for undefined in chart.undefined_values(parents) {
        if extra_values.iter().any(|v| !matches!(v.lookup(&undefined.path), Lookup::Missing { .. })) {
            continue;
        }
        // Helm always provides `.Values.global` (empty unless values or a parent set it).
        let global = matches!(undefined.path.0.first(), Some(PathSegment::Key(k)) if k == "global");
        if global && undefined.parent.0.is_empty() {
            continue;
        }
        if !seen.insert((undefined.file.clone(), format!("{}/{}", undefined.parent, undefined.missing))) {
            continue;
        }
        let Some((_, template)) = templates.iter().find(|(p, _)| *p == undefined.file) else { continue };
        let Some(reference) = template.references.values.get(undefined.reference) else { continue };
        let written = template.text().get(reference.range.start..reference.range.end).unwrap_or("");
        let place = if undefined.parent.0.is_empty() {
            "at its top level".to_string()
        } else {
            format!("under `{}`", undefined.parent)
        };
        let mut message = format!("`{written}`: values.yaml has no `{}` {place}", undefined.missing);
        if let Some(s) = &undefined.suggestion {
            message.push_str(&format!("; did you mean `{s}`?"));
        } else {
            message.push_str("; declare it in values.yaml (with a default and a `# --` comment)");
        }
        if undefined.guard == Guard::Condition && undefined.suggestion.is_none() {
            message.push_str(" (it only guards a block here)");
        }
        push(out, &undefined.file, "undefined-value", reference.range, message, None);
    }

    // `include`/`template` of names nobody defines; missing dependencies make them unknowable.
    if parents.is_empty() {
        let missing = chart.missing_dependencies();
        for dep in &missing {
            let Some(name) = &dep.name else { continue };
            push(
                out,
                &chart.layout.chart_yaml,
                "missing-dependency",
                name.range,
                format!(
                    "dependency `{}` is not vendored under charts/: its templates and values cannot be read offline, so named templates and values it may provide are not checked (run `helm dependency build`)",
                    name.value
                ),
                None,
            );
        }
        if missing.is_empty() {
            let all: Vec<(&str, &TemplateFile)> = {
                let mut v = chart.all_templates();
                v.extend(chart.notes.iter().map(|(p, t)| (p.as_str(), t)));
                v
            };
            for call in chart.undefined_calls() {
                let Some((_, template)) = all.iter().find(|(p, _)| *p == call.file) else { continue };
                let Some(c) = template.references.calls.get(call.call) else { continue };
                let range = c.name_range.unwrap_or(c.range);
                let mut message = format!("no template defines `{}`", call.name);
                if let Some(s) = &call.suggestion {
                    message.push_str(&format!("; did you mean `{s}`?"));
                }
                let mut d = Diagnostic::new("undefined-template", range, message);
                let Some(on) = level(levels, "undefined-template") else { continue };
                d = d.severity(on);
                if let Some(s) = &call.suggestion {
                    d = d.fix(Fix {
                        title: format!("Replace with {s}"),
                        edits: vec![TextEdit { range, new_text: s.clone() }],
                    });
                }
                out.push(ChartDiagnostic { file: call.file.clone(), diagnostic: d });
            }
        }
    }

    let mut chain: Vec<&LoadedChart> = parents.to_vec();
    chain.push(chart);
    for sub in &chart.subcharts {
        check_tree(sub, &chain, extra_values, levels, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// The files of a fixture chart under `tests/fixtures/helm/<name>`.
    fn chart(name: &str) -> Vec<(String, String)> {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/helm").join(name);
        let mut out = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let rel = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                    out.push((rel, std::fs::read_to_string(&path).unwrap()));
                }
            }
        }
        out.sort();
        out
    }

    fn findings(name: &str) -> Vec<(String, usize, &'static str)> {
        let files = chart(name);
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let charts = LoadedChart::load(&refs);
        let config = RuleConfig::new(kref_corpus::schema::KubeVersion::new(1, 33));
        let kb = Knowledge::new(
            Arc::new(kref_corpus::schema::Schema::builtin().clone()),
            &[],
            None,
            kref_corpus::schema::KubeVersion::new(1, 33),
        );
        let line = |file: &str, offset: usize| {
            let text = &files.iter().find(|(p, _)| p == file).unwrap().1;
            text[..offset].matches('\n').count() + 1
        };
        let mut out: Vec<(String, usize, &'static str)> = charts
            .iter()
            .flat_map(|c| check_chart(c, &[], &config))
            .map(|f| (f.file.clone(), line(&f.file, f.diagnostic.range.start), f.diagnostic.rule))
            .collect();
        for (path, template) in charts.iter().flat_map(|c| c.templates.iter()) {
            if charts[0].layout.role_of(path) != crate::helm::FileRole::Template {
                continue;
            }
            let file = template_yaml(template);
            let report = analyze_template(template, &file, path, &Workspace::new(), &kb, &config);
            out.extend(report.diagnostics.iter().map(|d| (path.clone(), line(path, d.range.start), d.rule)));
        }
        out.sort();
        out
    }

    #[test]
    fn every_chart_rule_fires_on_the_fixture_charts() {
        let mut all = findings("mistakes");
        all.extend(findings("typos"));
        for rule in CHART_RULES {
            assert!(all.iter().any(|(_, _, r)| r == rule), "{rule} never fires: {all:?}");
        }
        let typos: Vec<_> =
            findings("typos").into_iter().filter(|(_, _, r)| CHART_RULES.contains(r)).collect();
        assert_eq!(
            typos,
            [
                ("templates/deployment.yaml".to_string(), 1, "undefined-value"),
                ("templates/ingress.yaml".to_string(), 8, "undefined-value"),
                ("templates/service.yaml".to_string(), 6, "undefined-template"),
            ]
        );
    }

    #[test]
    fn sound_template_shapes_raise_nothing() {
        for name in ["shop", "compat"] {
            let errors: Vec<_> = findings(name)
                .into_iter()
                .filter(|(_, _, r)| {
                    registry::rule_by_id(r).is_some_and(|rule| rule.severity == Severity::Error)
                })
                .collect();
            assert!(errors.is_empty(), "{name}: {errors:?}");
        }
    }
}
