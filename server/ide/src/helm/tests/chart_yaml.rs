//! Chart.yaml: the model, the checks (messages and ranges), the field docs, versions.

use crate::helm::chart_yaml::{check, field_doc, fields_at};
use crate::helm::semver::{Version, is_strict_semver, parse_constraints, parse_version};
use crate::helm::{ChartFindingKind, ChartYaml, FindingSeverity, ImportValue};

/// `(kind, severity, message, the text at the range)` of every finding.
fn findings(text: &str) -> Vec<(ChartFindingKind, FindingSeverity, String, String)> {
    let chart = ChartYaml::parse(text);
    check(&chart)
        .into_iter()
        .map(|f| (f.kind, f.severity, f.message, text[f.range.start..f.range.end].to_string()))
        .collect()
}

const GOOD: &str = r#"apiVersion: v2
name: shop
description: An online shop
type: application
version: 1.4.0
appVersion: "2.1.0"
kubeVersion: ">=1.25.0-0"
keywords: [shop, web]
home: https://shop.example.com
sources:
  - https://github.com/example/shop
maintainers:
  - name: Jane Doe
    email: jane@example.com
    url: https://example.com/jane
icon: https://shop.example.com/icon.svg
annotations:
  category: Commerce
dependencies:
  - name: redis
    version: ^18.1.0
    repository: oci://registry.example.com/charts
    condition: redis.enabled,global.redis.enabled
    alias: cache
    tags: [backend]
    import-values:
      - data
      - child: service
        parent: cacheService
  - name: common
    version: "2.x.x"
    repository: https://charts.example.com
"#;

#[test]
fn a_good_chart_has_no_findings_and_a_full_model() {
    assert_eq!(findings(GOOD), vec![]);
    let chart = ChartYaml::parse(GOOD);
    assert_eq!(chart.name.as_ref().unwrap().value, "shop");
    assert_eq!(chart.parsed_version(), Some(Version::new(1, 4, 0)));
    assert_eq!(chart.app_version.as_ref().unwrap().value, "2.1.0");
    assert_eq!(chart.keywords.len(), 2);
    assert_eq!(chart.maintainers[0].email.as_ref().unwrap().value, "jane@example.com");
    let redis = &chart.dependencies[0];
    assert_eq!(redis.values_key(), Some("cache"));
    assert_eq!(redis.condition_paths(), vec!["redis.enabled", "global.redis.enabled"]);
    assert_eq!(redis.tags[0].value, "backend");
    assert_eq!(redis.import_values.len(), 2);
    assert!(
        matches!(&redis.import_values[1], ImportValue::Mapped { child: Some(c), .. } if c.value == "service")
    );
    assert_eq!(chart.annotations[0].1.value, "Commerce");
    assert!(!chart.is_library());
}

#[test]
fn missing_required_fields() {
    let got = findings("description: nothing else\n");
    let messages: Vec<&str> = got.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(
        messages,
        vec![
            "`apiVersion` is required: `v2` for charts made for Helm 3 and later",
            "`name` is required",
            "`version` is required: the chart's own SemVer 2 version, such as \"0.1.0\"",
        ]
    );
    assert!(got.iter().all(|f| f.0 == ChartFindingKind::MissingField && f.1 == FindingSeverity::Error));
    let got = findings("[]\n");
    assert_eq!(got[0].0, ChartFindingKind::NotAMapping);
}

#[test]
fn versions_helm_refuses_or_merely_accepts() {
    let got = findings("apiVersion: v2\nname: a\nversion: 1.2.3.4\n");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, ChartFindingKind::InvalidVersion);
    assert_eq!(got[0].3, "1.2.3.4");

    let got = findings("apiVersion: v2\nname: a\nversion: v1.2.0\n");
    assert_eq!(got[0].0, ChartFindingKind::VersionNotStrict);
    assert_eq!(got[0].1, FindingSeverity::Warning);
    assert_eq!(
        got[0].2,
        "`v1.2.0` is read by Helm as 1.2.0, but chart versions should be strict SemVer 2 (MAJOR.MINOR.PATCH, no `v`)"
    );

    // An unquoted number is a float to YAML: Helm's linter refuses it.
    let got = findings("apiVersion: v2\nname: a\nversion: 1.0\nappVersion: 1.10\n");
    let kinds: Vec<ChartFindingKind> = got.iter().map(|f| f.0).collect();
    assert_eq!(kinds, vec![ChartFindingKind::WrongType, ChartFindingKind::WrongType]);
    assert_eq!(
        got[1].2,
        "`appVersion` must be a string, but YAML reads `1.10` as a number; quote it (\"1.10\")"
    );
    assert_eq!(got[1].3, "1.10");
    let chart = ChartYaml::parse("version: 1.0\n");
    assert_eq!(
        check(&chart).iter().find(|f| f.kind == ChartFindingKind::WrongType).unwrap().replacement.as_deref(),
        Some("\"1.0\"")
    );
}

#[test]
fn api_version_type_and_name() {
    let got = findings("apiVersion: v3\nname: My_Chart\nversion: 0.1.0\ntype: libary\n");
    let summary: Vec<(ChartFindingKind, &str)> = got.iter().map(|f| (f.0, f.3.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            (ChartFindingKind::InvalidApiVersion, "v3"),
            (ChartFindingKind::NameConvention, "My_Chart"),
            (ChartFindingKind::InvalidChartType, "libary"),
        ]
    );
    assert_eq!(got[2].2, "`type: libary` is not a chart type; did you mean `library`?");
    assert_eq!(
        got[1].2,
        "chart names are lower-case letters, digits and dashes: `my-chart` rather than `My_Chart`"
    );

    let got = findings("apiVersion: v2\nname: ../evil\nversion: 0.1.0\n");
    assert_eq!(got[0].0, ChartFindingKind::InvalidName);
    assert_eq!(got[0].1, FindingSeverity::Error);

    // `type` and `dependencies` need v2.
    let got =
        findings("apiVersion: v1\nname: a\nversion: 0.1.0\ntype: application\ndependencies:\n  - name: b\n");
    let kinds: Vec<ChartFindingKind> = got.iter().map(|f| f.0).collect();
    assert_eq!(kinds, vec![ChartFindingKind::FieldNeedsV2, ChartFindingKind::FieldNeedsV2]);
}

#[test]
fn unknown_fields_and_wrong_types() {
    let got = findings(
        "apiVersion: v2\nname: a\nversion: 0.1.0\ndescriptoin: typo\nkeywords: web\ndeprecated: \"yes\"\nmaintainers:\n  - name: Jo\n    emial: jo@example.com\n",
    );
    let summary: Vec<(ChartFindingKind, String)> = got.iter().map(|f| (f.0, f.2.clone())).collect();
    assert_eq!(
        summary,
        vec![
            (
                ChartFindingKind::UnknownField,
                "unknown field `descriptoin` in Chart.yaml; did you mean `description`?".into()
            ),
            (ChartFindingKind::WrongType, "`keywords` must be a list of strings, not a string".into()),
            (ChartFindingKind::WrongType, "`deprecated` must be true or false, not a string".into()),
            (
                ChartFindingKind::UnknownField,
                "unknown field `emial` in a maintainer; did you mean `email`?".into()
            ),
        ]
    );
    assert_eq!(got[0].1, FindingSeverity::Warning);
}

#[test]
fn kube_version_ranges() {
    let got = findings("apiVersion: v2\nname: a\nversion: 0.1.0\nkubeVersion: \">=1.25.0 <1.31.0\"\n");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, ChartFindingKind::KubeVersionExcludesPrerelease);
    assert_eq!(got[0].1, FindingSeverity::Warning);

    let got = findings("apiVersion: v2\nname: a\nversion: 0.1.0\nkubeVersion: \">= 1.25 <<1.30\"\n");
    assert_eq!(got[0].0, ChartFindingKind::InvalidKubeVersion);
    assert_eq!(got[0].3, "<<");
    assert_eq!(got[0].2, "`kubeVersion`: `<<` is not a comparison (use =, !=, >, <, >=, <=, ~ or ^)");

    assert_eq!(
        findings("apiVersion: v2\nname: a\nversion: 0.1.0\nkubeVersion: \">=1.22.0-0 <1.31.0-0\"\n"),
        vec![]
    );
}

#[test]
fn dependency_checks() {
    let got = findings(
        r#"apiVersion: v2
name: a
version: 0.1.0
dependencies:
  - name: redis
    version: "^1.2 ||"
    repository: ftp://example.com
  - name: redis
    alias: "cache.main"
    condition: "redis..enabled"
  - version: 1.0.0
  - name: pg
    import-values:
      - child: a
"#,
    );
    let summary: Vec<(ChartFindingKind, String)> = got.iter().map(|f| (f.0, f.3.clone())).collect();
    assert_eq!(
        summary,
        vec![
            (ChartFindingKind::InvalidVersionRange, "||".into()),
            (ChartFindingKind::InvalidRepository, "ftp://example.com".into()),
            (ChartFindingKind::InvalidAlias, "\"cache.main\"".into()),
            (ChartFindingKind::InvalidCondition, "\"redis..enabled\"".into()),
            (ChartFindingKind::MissingField, "version: 1.0.0".into()),
            (ChartFindingKind::InvalidImportValues, "child: a".into()),
        ]
    );

    let got = findings("apiVersion: v2\nname: a\nversion: 0.1.0\ndependencies:\n  - name: x\n  - name: x\n");
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, ChartFindingKind::DuplicateDependency);
    assert_eq!(got[0].2, "two dependencies are called `x`: give one of them an `alias`");
}

#[test]
fn maintainers_sources_and_icon() {
    let got = findings(
        "apiVersion: v2\nname: a\nversion: 0.1.0\nicon: icon.png\nsources: [github.com/x]\nmaintainers:\n  - email: not-an-email\n",
    );
    let kinds: Vec<(ChartFindingKind, String)> = got.iter().map(|f| (f.0, f.3.clone())).collect();
    assert_eq!(
        kinds,
        vec![
            (ChartFindingKind::InvalidContact, "icon.png".into()),
            (ChartFindingKind::InvalidContact, "github.com/x".into()),
            (ChartFindingKind::MissingField, "email: not-an-email".into()),
            (ChartFindingKind::InvalidContact, "not-an-email".into()),
        ]
    );
}

#[test]
fn field_docs_cover_every_field() {
    for name in [
        "apiVersion",
        "name",
        "version",
        "appVersion",
        "kubeVersion",
        "description",
        "type",
        "keywords",
        "home",
        "sources",
        "dependencies",
        "maintainers",
        "icon",
        "deprecated",
        "annotations",
    ] {
        let doc = field_doc(&[name]).unwrap_or_else(|| panic!("{name} has no doc"));
        assert!(doc.doc.len() > 20, "{name}");
    }
    assert!(field_doc(&["dependencies", "import-values"]).is_some());
    assert!(field_doc(&["maintainers", "email"]).is_some());
    assert_eq!(
        field_doc(&["type"]).unwrap().values.iter().map(|v| v.0).collect::<Vec<_>>(),
        vec!["application", "library"]
    );
    assert_eq!(fields_at(&["dependencies"]).len(), 8);
    assert!(fields_at(&["nothing"]).is_empty());
}

#[test]
fn semver_parsing_and_ranges() {
    assert_eq!(parse_version("v1.2").unwrap(), Version::new(1, 2, 0));
    assert!(parse_version("1.2.3-rc.01").is_err());
    assert!(parse_version("1.2.3-").is_err());
    assert!(parse_version("").is_err());
    assert!(is_strict_semver("1.2.3-rc.1+build.5"));
    assert!(!is_strict_semver("1.2"));
    assert!(!is_strict_semver("01.2.3"));

    let v = |s: &str| parse_version(s).unwrap();
    let check = |range: &str, version: &str| parse_constraints(range).unwrap().matches(&v(version));
    assert!(check(">=1.25.0-0", "1.29.1-eks-1234"));
    assert!(!check(">=1.25.0", "1.29.1-eks-1234"));
    assert!(check(">=1.25.0", "1.29.1"));
    assert!(check("^1.2.3", "1.9.0") && !check("^1.2.3", "2.0.0"));
    assert!(check("^0.2.3", "0.2.9") && !check("^0.2.3", "0.3.0"));
    assert!(check("~1.2.3", "1.2.9") && !check("~1.2.3", "1.3.0"));
    assert!(check("1.2.x", "1.2.7") && !check("1.2.x", "1.3.0"));
    assert!(check("1.2 - 1.4.5", "1.4.5") && !check("1.2 - 1.4.5", "1.4.6"));
    assert!(
        check(">1, <3 || 5.x", "5.1.0")
            && check(">1, <3 || 5.x", "2.0.0")
            && !check(">1, <3 || 5.x", "4.0.0")
    );
    assert!(check("*", "3.1.4"));
    assert!(check(">= 1.19 < 1.30", "1.20.0"));
    let e = parse_constraints("=> 1.2 foo").unwrap_err();
    assert_eq!((e.start, e.end), (7, 10));
}
