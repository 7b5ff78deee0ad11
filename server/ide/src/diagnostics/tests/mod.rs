//! Diagnostics tests, data-driven: manifests under `tests/fixtures/manifests/` mark the lines
//! where diagnostics are expected (`#! rule-id` at the end of the line, or `#^ rule-id` on the
//! next line for a line that cannot hold a comment), and one helper compares them with what
//! the engine reports. Every rule has a fixture where it fires and a document where it does not;
//! every quick fix is applied and must remove its diagnostic.

mod behaviour;
mod corpus;
mod kustomization;
mod precision;
mod robustness;
mod scale;

pub(super) use behaviour::explode;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use kref_corpus::schema::{KubeVersion, Schema};

use super::*;
use crate::knowledge::Knowledge;

/// The knowledge the tests use: the built-in schema, no notes, target Kubernetes 1.33.
pub(super) fn kb() -> &'static Knowledge {
    static KB: OnceLock<Knowledge> = OnceLock::new();
    KB.get_or_init(|| Knowledge::new(Arc::new(Schema::builtin().clone()), &[], None, KubeVersion::new(1, 33)))
}

/// A knowledge base for another target version (lifecycle fixtures).
pub(super) fn kb_for(version: KubeVersion) -> Knowledge {
    Knowledge::new(Arc::new(Schema::builtin().clone()), &[], None, version)
}

pub(super) fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/manifests")
}

/// `(zero-based line, rule)` pairs a fixture expects.
pub(super) fn expected(text: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("#^") {
            for rule in rest.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                out.insert((i.saturating_sub(1), rule.to_string()));
            }
        } else if let Some(pos) = line.find("#! ") {
            for rule in line[pos + 3..].split(',').map(str::trim).filter(|r| !r.is_empty()) {
                out.insert((i, rule.to_string()));
            }
        }
    }
    out
}

/// Settings a fixture asks for in its first lines: `# kref-test: kube-version=1.24 profile=default`.
pub(super) struct FixtureOptions {
    pub version: KubeVersion,
    pub profile: Profile,
}

pub(super) fn options(text: &str, profile: Profile) -> FixtureOptions {
    let mut o = FixtureOptions { version: KubeVersion::new(1, 33), profile };
    for line in text.lines().take_while(|l| l.starts_with('#')) {
        let Some(rest) = line.strip_prefix("# kref-test:") else { continue };
        for word in rest.split_whitespace() {
            match word.split_once('=') {
                Some(("kube-version", v)) => o.version = KubeVersion::parse(v).expect("kube-version"),
                Some(("profile", p)) => o.profile = Profile::parse(p).expect("profile"),
                _ => panic!("unknown fixture option {word}"),
            }
        }
    }
    o
}

/// Runs the engine over a fixture text. CustomResourceDefinitions in the fixture describe its
/// custom resources, as `kref check` reads them among the files it checks.
pub(super) fn run_fixture(text: &str, opts: &FixtureOptions) -> (kref_yaml::File, Report) {
    let file = kref_yaml::parse(text);
    let config = RuleConfig { profile: opts.profile, ..RuleConfig::new(opts.version) };
    let report = if crate::model::defines_crd(&Object::of_file(&file)) {
        analyze(&file, &kb_with_crds(text, opts.version), &config)
    } else if opts.version == KubeVersion::new(1, 33) {
        analyze(&file, kb(), &config)
    } else {
        analyze(&file, &kb_for(opts.version), &config)
    };
    (file, report)
}

/// The built-in schema with the CRDs of `text` laid over it.
pub(super) fn kb_with_crds(text: &str, version: KubeVersion) -> Knowledge {
    let source =
        kref_corpus::schema::import_crds("fixture", text.as_bytes()).expect("the fixture's CRDs import");
    Knowledge::new(Arc::new(Schema::builtin().with_overlay(&source)), &[], None, version)
}

/// `(line, rule)` of the diagnostics that `keep` selects.
pub(super) fn actual(
    file: &kref_yaml::File,
    report: &Report,
    keep: impl Fn(&Diagnostic) -> bool,
) -> BTreeSet<(usize, String)> {
    report
        .diagnostics
        .iter()
        .filter(|d| keep(d))
        .map(|d| (file.line_index().line_of(d.range.start), d.rule.to_string()))
        .collect()
}

/// Shows both sets with the fixture's lines, for a readable failure.
pub(super) fn explain_mismatch(
    name: &str,
    text: &str,
    want: &BTreeSet<(usize, String)>,
    got: &BTreeSet<(usize, String)>,
    report: &Report,
    file: &kref_yaml::File,
) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = format!("{name}: diagnostics differ\n");
    for (l, r) in want.difference(got) {
        out.push_str(&format!("  missing  line {:>3} {r:<22} | {}\n", l + 1, lines.get(*l).unwrap_or(&"")));
    }
    for (l, r) in got.difference(want) {
        let msg = report
            .diagnostics
            .iter()
            .find(|d| d.rule == r && file.line_index().line_of(d.range.start) == *l)
            .map_or("", |d| d.message.as_str());
        out.push_str(&format!(
            "  extra    line {:>3} {r:<22} | {}\n           {msg}\n",
            l + 1,
            lines.get(*l).unwrap_or(&"")
        ));
    }
    out
}

/// Applies every fix of every diagnostic `select` picks, one at a time, and checks that the
/// rule reports fewer problems afterwards and that the text gained no syntax error.
pub(super) fn check_fixes(
    name: &str,
    text: &str,
    opts: &FixtureOptions,
    select: impl Fn(&Diagnostic) -> bool,
) -> usize {
    let (_, report) = run_fixture(text, opts);
    let mut applied = 0;
    for d in report.diagnostics.iter().filter(|d| select(d)) {
        let before = report.diagnostics.iter().filter(|x| x.rule == d.rule).count();
        let syntax_before = report.diagnostics.iter().filter(|x| x.rule == "yaml-syntax").count();
        for fix in &d.fixes {
            let fixed = apply_edits(text, &fix.edits);
            let (_, after) = run_fixture(&fixed, opts);
            let now = after.diagnostics.iter().filter(|x| x.rule == d.rule).count();
            let syntax_now = after.diagnostics.iter().filter(|x| x.rule == "yaml-syntax").count();
            assert!(
                now < before,
                "{name}: fix {:?} of {} ({}) did not remove it:\n{fixed}\n{:#?}",
                fix.title,
                d.rule,
                d.message,
                after.diagnostics.iter().filter(|x| x.rule == d.rule).map(|x| &x.message).collect::<Vec<_>>()
            );
            assert!(
                syntax_now <= syntax_before,
                "{name}: fix {:?} of {} broke the YAML:\n{fixed}",
                fix.title,
                d.rule
            );
            applied += 1;
        }
    }
    applied
}

/// Rules about the files around a kustomization (paths, targets): one YAML text cannot show
/// them; their fixtures are `tests/fixtures/kustomize/` (`tests/e2e/kustomize.rs`).
const KUSTOMIZE_RULES: &[&str] = &["kustomize-path", "kustomize-remote", "kustomize-target"];

/// Every rule has a fixture `rules/<id>.yaml` in which it fires where marked and nowhere else,
/// with at least one object it does not fire on; and every fix of it removes it.
#[test]
fn every_rule_fires_where_marked_and_nowhere_else() {
    let dir = fixtures().join("rules");
    let mut failures = Vec::new();
    let mut fixes = 0;
    for rule in RULES {
        // Chart rules need a chart (`helm::tests` checks them on the fixture charts); Kustomize
        // rules a kustomization's folder (tests/fixtures/kustomize).
        if KUSTOMIZE_RULES.contains(&rule.id) || super::helm::CHART_RULES.contains(&rule.id) {
            continue;
        }
        let path = dir.join(format!("{}.yaml", rule.id));
        let Ok(text) = std::fs::read_to_string(&path) else {
            failures.push(format!("{}: no fixture {}", rule.id, path.display()));
            continue;
        };
        let opts = options(&text, Profile::Strict);
        let want: BTreeSet<_> = expected(&text).into_iter().filter(|(_, r)| r == rule.id).collect();
        let (file, report) = run_fixture(&text, &opts);
        let got = actual(&file, &report, |d| d.rule == rule.id);
        if want.is_empty() {
            failures.push(format!("{}: the fixture marks no line", rule.id));
        }
        if want != got {
            failures.push(explain_mismatch(rule.id, &text, &want, &got, &report, &file));
        }
        let quiet_doc = file.documents.iter().any(|d| {
            d.root.is_some()
                && !want
                    .iter()
                    .any(|(l, _)| d.range.contains(file.line_index().line_range(*l).map_or(0, |r| r.start)))
        });
        if !quiet_doc {
            failures.push(format!("{}: the fixture has no document where the rule stays quiet", rule.id));
        }
        assert!(
            !report.notes.iter().any(|n| n.contains("internal error")),
            "{}: {:?}",
            rule.id,
            report.notes
        );
        fixes += check_fixes(rule.id, &text, &opts, |d| d.rule == rule.id);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(fixes > 100, "only {fixes} fixes were tried");
}

/// What a user sees of each rule on its fixture, pinned: position, severity, message, and each
/// quick fix's title and edits (`tests/fixtures/manifests/snapshots/<rule>.txt`; after a
/// deliberate change, `UPDATE_EXPECT=1 cargo test -p kref-ide snapshots` rewrites them, and the
/// diff is the review).
#[test]
fn rule_fixture_snapshots() {
    let rules = fixtures().join("rules");
    let snapshots = fixtures().join("snapshots");
    let mut pinned = 0;
    for rule in RULES {
        let Ok(text) = std::fs::read_to_string(rules.join(format!("{}.yaml", rule.id))) else { continue };
        let (file, report) = run_fixture(&text, &options(&text, Profile::Strict));
        let index = file.line_index();
        let at = |offset: usize| {
            let p = index.line_col(offset, kref_yaml::Encoding::Utf8);
            format!("{}:{}", p.line + 1, p.col + 1)
        };
        let mut out = String::new();
        for d in report.diagnostics.iter().filter(|d| d.rule == rule.id) {
            out.push_str(&format!(
                "{}-{} {} {}\n",
                at(d.range.start),
                at(d.range.end),
                d.severity.as_str(),
                d.message
            ));
            for fix in &d.fixes {
                out.push_str(&format!("    fix {:?}\n", fix.title));
                for e in &fix.edits {
                    out.push_str(&format!(
                        "        {}-{} {:?}\n",
                        at(e.range.start),
                        at(e.range.end),
                        e.new_text
                    ));
                }
            }
        }
        expect_test::expect_file![snapshots.join(format!("{}.txt", rule.id))].assert_eq(&out);
        pinned += 1;
    }
    assert!(pinned >= 70, "only {pinned} rules have a fixture to pin");
}

/// No fixture for a rule that does not exist.
#[test]
fn every_rule_fixture_names_a_rule() {
    for entry in std::fs::read_dir(fixtures().join("rules")).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(rule_by_id(&stem).is_some(), "{} names no rule", path.display());
    }
}
