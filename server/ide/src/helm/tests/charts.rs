//! The fixture charts under `tests/fixtures/helm/`: layout, named templates across subcharts,
//! `.Values` references, schema validation, and the mistakes the `mistakes` chart holds.

use std::path::{Path, PathBuf};

use crate::helm::chart_yaml::check;
use crate::helm::{
    ChartFindingKind, DocumentShape, FileRole, Guard, LoadedChart, SchemaFindingKind, discover, role,
};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/helm")
}

/// Every file under the fixtures folder, as `(path relative to it, text)`.
fn files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut stack = vec![fixtures()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(fixtures()).unwrap().to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

fn load() -> Vec<LoadedChart> {
    let files = files();
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    LoadedChart::load(&refs)
}

fn chart<'a>(charts: &'a [LoadedChart], name: &str) -> &'a LoadedChart {
    charts.iter().find(|c| c.name() == name).unwrap_or_else(|| panic!("no chart {name}"))
}

#[test]
fn roles_of_chart_files() {
    assert_eq!(role("Chart.yaml"), FileRole::ChartYaml);
    assert_eq!(role("values.yaml"), FileRole::Values);
    assert_eq!(role("values-production.yaml"), FileRole::Values);
    assert_eq!(role("values.schema.json"), FileRole::ValuesSchema);
    assert_eq!(role("templates/deployment.yaml"), FileRole::Template);
    assert_eq!(role("templates/sub/job.yaml"), FileRole::Template);
    assert_eq!(role("templates/_helpers.tpl"), FileRole::Helper);
    assert_eq!(role("templates/NOTES.txt"), FileRole::Notes);
    assert_eq!(role("crds/crontab.yaml"), FileRole::Crd);
    assert_eq!(role("charts/redis-18.1.2.tgz"), FileRole::SubchartArchive);
    assert_eq!(role("Chart.lock"), FileRole::ChartLock);
    assert_eq!(role("README.md"), FileRole::Other);
}

#[test]
fn layout_of_the_fixture_charts() {
    let paths: Vec<String> = files().into_iter().map(|(p, _)| p).collect();
    let layouts = discover(paths.iter().map(String::as_str));
    let dirs: Vec<&str> = layouts.iter().map(|l| l.dir.as_str()).collect();
    assert_eq!(dirs, vec!["compat", "mistakes", "scopes", "shop", "typos"]);
    let shop = &layouts[3];
    assert_eq!(shop.chart_yaml, "shop/Chart.yaml");
    assert_eq!(shop.values, vec!["shop/values.yaml"]);
    assert_eq!(shop.schema.as_deref(), Some("shop/values.schema.json"));
    assert_eq!(shop.notes.as_deref(), Some("shop/templates/NOTES.txt"));
    assert_eq!(shop.helpers, vec!["shop/templates/_helpers.tpl"]);
    assert_eq!(shop.templates.len(), 7);
    let subs: Vec<&str> = shop.subcharts.iter().map(|s| s.dir.as_str()).collect();
    assert_eq!(subs, vec!["shop/charts/common", "shop/charts/redis"]);
    assert_eq!(shop.subcharts[1].templates, vec!["shop/charts/redis/templates/statefulset.yaml"]);

    // Windows separators and a chart at the top of the given paths.
    let layouts =
        discover(["Chart.yaml", "templates\\a.yaml", "charts\\dep\\Chart.yaml", "charts\\dep\\values.yaml"]);
    assert_eq!(layouts.len(), 1);
    assert_eq!(layouts[0].dir, "");
    assert_eq!(layouts[0].templates, vec!["templates/a.yaml"]);
    assert_eq!(layouts[0].subcharts[0].values, vec!["charts/dep/values.yaml"]);
}

#[test]
fn the_shop_chart_reads_cleanly() {
    let charts = load();
    let shop = chart(&charts, "shop");
    assert_eq!(check(&shop.chart_yaml), vec![]);
    assert!(shop.missing_dependencies().is_empty());
    // Subcharts, the library and the alias.
    let redis = shop.subcharts.iter().find(|s| s.name() == "redis").unwrap();
    assert_eq!(redis.values_keys(), vec!["cache"]);
    let common = shop.subcharts.iter().find(|s| s.name() == "common").unwrap();
    assert!(common.chart_yaml.is_library());
    // A library's named templates read their callers' values: not reported against its own.
    assert_eq!(common.undefined_values(&[shop]), vec![]);

    // Every template reads as YAML without errors, documents of the expected kinds.
    let mut kinds = Vec::new();
    for (path, template) in shop.all_templates() {
        assert!(template.errors.is_empty(), "{path}: {:?}", template.errors);
        assert!(template.scan.problems.is_empty(), "{path}: {:?}", template.scan.problems);
        for doc in &template.documents {
            assert_ne!(doc.shape, DocumentShape::Broken, "{path}");
            assert!(
                doc.duplicates.iter().all(|d| d.relation != crate::helm::BranchRelation::Together),
                "{path}"
            );
            if let Some((kind, _)) = &doc.kind {
                kinds.push(kind.clone());
            }
        }
    }
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "Ingress",
            "Service",
            "ServiceAccount",
            "StatefulSet"
        ]
    );
    // The library call is a whole document of unknown content.
    let pdb = shop.templates.iter().find(|(p, _)| p.ends_with("pdb.yaml")).unwrap();
    assert_eq!(pdb.1.documents[0].shape, DocumentShape::Unknown);

    // Named templates resolve across the chart, its library and its subchart.
    let named = shop.named_templates();
    for name in ["shop.fullname", "shop.labels", "common.pdb", "common.names.fullname", "redis.fullname"] {
        assert!(named.contains(name), "{name}");
    }
    assert_eq!(shop.undefined_calls(), vec![]);
    let reach = named.reachable("shop.labels");
    assert!(reach.names.contains("shop.selectorLabels") && reach.names.contains("shop.name"));
    assert_eq!(named.get("common.pdb")[0].file, "shop/charts/common/templates/_pdb.tpl");

    // Every `.Values` path is declared, the subchart's through its alias in the parent.
    assert_eq!(shop.undefined_values(&[]), vec![]);
    assert_eq!(redis.undefined_values(&[shop]), vec![]);
    // Without its parent, the subchart's `partOf` is undeclared.
    let alone = redis.undefined_values(&[]);
    assert_eq!(alone.len(), 1);
    assert_eq!(alone[0].missing, "partOf");

    // values.yaml satisfies the schema.
    let schema = shop.schema.as_ref().unwrap();
    assert!(schema.problems.is_empty(), "{:?}", schema.problems);
    assert_eq!(schema.validate(shop.values.as_ref().unwrap()), vec![]);
}

#[test]
fn the_mistakes_chart_shows_each_mistake() {
    let charts = load();
    let chart = chart(&charts, "Mistakes_Chart");
    let text = std::fs::read_to_string(fixtures().join("mistakes/Chart.yaml")).unwrap();
    let found: Vec<(ChartFindingKind, String)> = check(&chart.chart_yaml)
        .into_iter()
        .map(|f| (f.kind, text[f.range.start..f.range.end].to_string()))
        .collect();
    assert_eq!(
        found,
        vec![
            (ChartFindingKind::NameConvention, "Mistakes_Chart".to_string()),
            (ChartFindingKind::InvalidChartType, "aplication".to_string()),
            (ChartFindingKind::WrongType, "1.0".to_string()),
            (ChartFindingKind::KubeVersionExcludesPrerelease, "\">=1.25.0\"".to_string()),
            (ChartFindingKind::UnknownField, "emial".to_string()),
        ]
    );

    // A dependency that is not vendored: names it may define cannot be known.
    let missing: Vec<&str> = chart
        .missing_dependencies()
        .iter()
        .filter_map(|d| d.name.as_ref().map(|n| n.value.as_str()))
        .collect();
    assert_eq!(missing, vec!["postgresql"]);
    let calls: Vec<(String, Option<String>)> =
        chart.undefined_calls().into_iter().map(|c| (c.name, c.suggestion)).collect();
    assert_eq!(
        calls,
        vec![
            ("mistakes.fulname".to_string(), Some("mistakes.fullname".to_string())),
            ("postgresql.primary.fullname".to_string(), None),
        ]
    );

    // Values the templates use but values.yaml does not declare.
    let undefined: Vec<(String, Option<String>, Guard)> = chart
        .undefined_values(&[])
        .into_iter()
        .map(|u| (u.path.to_string(), u.suggestion, u.guard))
        .collect();
    assert_eq!(
        undefined,
        vec![
            ("imge.tag".to_string(), Some("image".to_string()), Guard::None),
            ("mode".to_string(), None, Guard::Default),
            // NOTES.txt counts too.
            ("service.nodePort".to_string(), None, Guard::None),
        ]
    );

    // values.yaml against its schema.
    let findings: Vec<(SchemaFindingKind, String)> = chart
        .schema
        .as_ref()
        .unwrap()
        .validate(chart.values.as_ref().unwrap())
        .into_iter()
        .map(|f| (f.kind, f.message))
        .collect();
    assert_eq!(
        findings,
        vec![
            (SchemaFindingKind::MissingRequired, "`image` must have `pullPolicy`".to_string()),
            (SchemaFindingKind::WrongType, "`service.port` must be integer, but it is a string".to_string()),
            (SchemaFindingKind::OutOfRange, "`replicaCount` must be at least 1".to_string()),
        ]
    );

    // The unclosed action is a scan problem; the YAML around it still reads.
    let broken = chart.templates.iter().find(|(p, _)| p.ends_with("broken.yaml")).unwrap();
    assert_eq!(broken.1.scan.problems.len(), 1);
    assert_eq!(broken.1.documents[0].kind.as_ref().map(|k| k.0.as_str()), Some("ConfigMap"));
    let root = broken.1.yaml.documents[0].root.as_ref().unwrap();
    assert_eq!(root.at(&["data", "key"]).and_then(|n| n.as_str()), Some("value"));
}

#[test]
fn defines_have_the_root_context_only_when_every_call_passes_it() {
    let charts = LoadedChart::load(&[
        ("Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n"),
        ("values.yaml", "a: 1\nlist: []\n"),
        (
            "templates/_helpers.tpl",
            "{{- define \"app.root\" -}}{{ .Values.x }}{{ include \"app.passed\" . }}{{- end }}\n\
             {{- define \"app.passed\" -}}{{ .Values.y }}{{- end }}\n\
             {{- define \"app.item\" -}}{{ .Values.z }}{{- end }}\n\
             {{- define \"app.mixed\" -}}{{ .Values.w }}{{- end }}\n\
             {{- define \"app.unused\" -}}{{ .Values.v }}{{- end }}\n",
        ),
        (
            "templates/a.yaml",
            "a: {{ include \"app.root\" . }}\nb: {{ include \"app.mixed\" $ }}\n\
             {{- range .Values.list }}\nc: {{ include \"app.item\" . }}\nd: {{ include \"app.mixed\" . }}\n{{- end }}\n\
             e: {{ template \"app.root\" $ }}\n",
        ),
    ]);
    let chart = &charts[0];
    let rooted: Vec<String> = chart.root_context_defines(chart).into_iter().collect();
    assert_eq!(rooted, ["app.passed", "app.root"]);
    // Only the values read where the dot is known are reported.
    let undefined: Vec<String> = chart.undefined_values(&[]).iter().map(|u| u.path.to_string()).collect();
    assert_eq!(undefined, ["x", "y"]);
}
