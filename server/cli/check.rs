//! `kref check`: the diagnostics engine over files, folders and stdin, for terminals and CI:
//! rustc-style annotated output, plain lines, JSON, SARIF or GitHub annotations; exit 1 when an
//! error is found.

use std::io::{self, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow};
use clap::ValueEnum;
use kref_corpus::schema::KubeVersion;
use kref_yaml::{Encoding, File, LineIndex};
use serde_json::{Value, json};

use super::output::{BOLD, DIM, ERROR, Outcome, PATH, WARN, print_json, warn};
use crate::analysis::diagnostics::{
    self, Diagnostic, Profile, RULES, Report, RuleConfig, RuleSettings, Severity, default_kube_version,
    rule_by_id, rule_doc, rule_note,
};
use crate::analysis::helm::{FileRole, LoadedChart, TemplateFile, ValuesFile};
use crate::analysis::knowledge::Knowledge;
use crate::analysis::kustomize;
use crate::analysis::model::project::{self, DeclaredUnit, FileClass, FileFacts, KustomizePart, Layout};
use crate::analysis::model::{Object, Workspace, defines_crd};
use crate::kb::charts;
use crate::kb::config::{Overrides, cache_dir, load_settings};
use crate::kb::disk::DiskFs;
use crate::kb::manifests;

/// Arguments of `kref check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Manifests to check: files, folders (searched for *.yaml and *.yml) or `-` for stdin.
    #[arg(value_name = "PATH", required_unless_present_any = ["list_rules", "explain"])]
    pub paths: Vec<PathBuf>,
    /// Output: human (annotated; the default on a terminal), plain (one line per problem; the
    /// default otherwise), json, sarif or github (workflow annotations).
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Target Kubernetes version for API lifecycle checks, e.g. 1.29 (default: the built-in
    /// schema's, or `kubernetesVersion` from config.yaml or .kref.yaml).
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Which rules run: minimal (what the API server rejects), default, or strict (every hint).
    #[arg(long, value_enum)]
    pub profile: Option<ProfileArg>,
    /// Turn a rule on whatever the profile (repeatable).
    #[arg(long = "enable", value_name = "RULE")]
    pub enable: Vec<String>,
    /// Turn a rule off (repeatable).
    #[arg(long = "disable", value_name = "RULE")]
    pub disable: Vec<String>,
    /// Also exit 1 when a warning is found.
    #[arg(long)]
    pub deny_warnings: bool,
    /// The name stdin is reported under.
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_name: String,
    /// List the rules (id, severity, profile, summary) and exit.
    #[arg(long)]
    pub list_rules: bool,
    /// Print the documentation of a rule and exit.
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,
    /// Build the Kustomize overlays given (folders or kustomization files) in memory and print
    /// the objects, as `kustomize build` would, instead of checking.
    #[arg(long)]
    pub print_rendered: bool,
    /// A Helm values file whose keys count as declared for the `.Values` checks of the charts
    /// checked (repeatable; values.yaml is always read).
    #[arg(long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,
}

/// `--format` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Plain,
    Json,
    Sarif,
    Github,
}

/// `--profile` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    Minimal,
    Default,
    Strict,
}

/// One input.
struct Input {
    /// The name shown in output (the path as given, or the stdin name).
    name: String,
    path: Option<PathBuf>,
    /// The folder it was found under (the folder given, or a given file's folder): where its
    /// place in the project (charts, kustomizations, folder units) is worked out from.
    root: Option<PathBuf>,
}

/// A checked input.
struct Checked {
    name: String,
    text: String,
    index: LineIndex,
    report: Report,
}

pub fn run(args: &CheckArgs) -> Result<Outcome> {
    if args.list_rules {
        return list_rules(args.format);
    }
    if let Some(id) = &args.explain {
        return explain(id);
    }
    if args.print_rendered {
        return print_rendered(&args.paths);
    }
    let mut warnings = Vec::new();
    let settings =
        load_settings(&Overrides { kubernetes_version: args.kube_version.clone(), ..Overrides::default() })?;
    let kube_version = match (&args.kube_version, &settings.kubernetes_version) {
        (Some(v), _) => {
            KubeVersion::parse(v).ok_or_else(|| anyhow!("--kube-version {v:?} is not a version like 1.29"))?
        }
        (None, Some(v)) => KubeVersion::parse(v).unwrap_or_else(|| {
            warnings
                .push(format!("kubernetesVersion {v:?} is not a version like \"1.33\"; using the default"));
            default_kube_version()
        }),
        (None, None) => default_kube_version(),
    };
    let mut config = RuleConfig::new(kube_version);
    config.apply(
        &crate::kb::config::rule_settings(&std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")))?,
        &mut warnings,
    );
    let cli = RuleSettings {
        profile: args.profile.map(|p| profile_name(p).to_string()),
        enable: args.enable.clone(),
        disable: args.disable.clone(),
        ..RuleSettings::default()
    };
    let mut cli_warnings = Vec::new();
    config.apply(&cli, &mut cli_warnings);
    if let Some(w) = cli_warnings.first() {
        return Err(anyhow!(
            "{}",
            w.replace("rules.enable", "--enable").replace("rules.disable", "--disable")
        ));
    }
    let (schema, schema_warnings) = crate::kb::schemas::load_schema(&cache_dir(), &settings.schemas);
    warnings.extend(schema_warnings);

    let (inputs, mut errors) = collect_inputs(&args.paths, &args.stdin_name);
    let mut parsed = read_inputs(inputs, &mut errors);
    add_json_patches(&mut parsed, &mut errors);
    // Kustomizations outside the paths given that include a base among them: read for context
    // (the base is checked as part of them), never reported on.
    let given = parsed.len();
    let includers = includers_of(&parsed);
    parsed.extend(read_inputs(includers, &mut Vec::new()));
    add_json_patches(&mut parsed, &mut Vec::new());
    let mut extra_values = Vec::new();
    for path in &args.values {
        match std::fs::read_to_string(path) {
            Ok(text) => extra_values.push(ValuesFile::parse(&text)),
            Err(e) => return Err(anyhow!("--values {}: {e}", path.display())),
        }
    }
    let charts = load_charts(&mut parsed);
    // CustomResourceDefinitions among the files describe the custom resources beside them.
    let crds: Vec<(&str, &str)> =
        parsed.iter().filter(|p| defines_crd(&p.objects)).map(|p| (p.name.as_str(), p.file.text())).collect();
    let (schema, crd_warnings) = crate::kb::schemas::with_crds(schema, &crds);
    warnings.extend(crd_warnings);
    let kb = Knowledge::new(schema, &[], None, kube_version);
    let layout = lay_out(&parsed, &settings.units);
    let mut checked = check_parsed(parsed, &layout, &kb, &config);
    checked.truncate(given);
    add_chart_findings(&mut checked, &charts, &extra_values, &config);
    for w in &warnings {
        warn(w);
    }
    let format =
        args.format.unwrap_or(if io::stdout().is_terminal() { Format::Human } else { Format::Plain });
    let mut out = io::BufWriter::new(anstream::stdout().lock());
    match format {
        Format::Human => human(&mut out, &checked, true)?,
        Format::Plain => human(&mut out, &checked, false)?,
        Format::Json => {
            drop(out);
            print_json(&json_report(&checked, &config))?;
            out = io::BufWriter::new(anstream::stdout().lock());
        }
        Format::Sarif => {
            drop(out);
            print_json(&sarif(&checked))?;
            out = io::BufWriter::new(anstream::stdout().lock());
        }
        Format::Github => github(&mut out, &checked)?,
    }
    out.flush()?;
    drop(out);
    for c in &checked {
        for note in &c.report.notes {
            warn(&format!("{}: {note}", c.name));
        }
    }
    if !errors.is_empty() {
        return Err(anyhow!("{}", errors.join("\n")));
    }
    let failing = |d: &Diagnostic| {
        d.severity == Severity::Error || (args.deny_warnings && d.severity == Severity::Warning)
    };
    let failed = checked.iter().any(|c| c.report.diagnostics.iter().any(failing));
    Ok(if failed { Outcome::NothingFound } else { Outcome::Found })
}

/// `kref check --print-rendered`: each overlay built in memory and printed as YAML documents
/// (in Kustomize's default order); problems of the build go to stderr.
fn print_rendered(paths: &[PathBuf]) -> Result<Outcome> {
    let disk = DiskFs::default();
    let mut out = io::BufWriter::new(io::stdout().lock());
    let mut failed = false;
    for path in paths {
        let dir = std::path::absolute(path)?;
        if kustomize::kustomization_in(&disk, &dir).is_none() && !dir.is_file() {
            return Err(anyhow!(
                "{}: no kustomization.yaml there; give a folder that holds one (or the file itself)",
                path.display()
            ));
        }
        let built = kustomize::build::build(&disk, &dir);
        for (file, problem) in &built.problems {
            warn(&format!("{}: {problem}", file.display()));
            failed = true;
        }
        if built.incomplete {
            warn(&format!("{}: remote resources are not fetched (no network): left out", path.display()));
        }
        let text = kustomize::build::render(&built.objects);
        out.write_all(text.as_bytes())?;
    }
    out.flush()?;
    Ok(if failed { Outcome::NothingFound } else { Outcome::Found })
}

fn profile_name(p: ProfileArg) -> &'static str {
    match p {
        ProfileArg::Minimal => Profile::Minimal.as_str(),
        ProfileArg::Default => Profile::Default.as_str(),
        ProfileArg::Strict => Profile::Strict.as_str(),
    }
}

/// Files to check, in the order given (folders sorted), and the paths that could not be read.
fn collect_inputs(paths: &[PathBuf], stdin_name: &str) -> (Vec<Input>, Vec<String>) {
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input { name: stdin_name.to_string(), path: None, root: None });
            continue;
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!("{}: {e}", path.display()));
                continue;
            }
        };
        if meta.is_dir() {
            for found in manifests::walk(path) {
                match found {
                    Ok(p) => inputs.push(Input {
                        name: p.display().to_string(),
                        path: Some(p),
                        root: Some(path.clone()),
                    }),
                    Err(e) => errors.push(e),
                }
            }
        } else {
            let root = path.parent().map(std::path::Path::to_path_buf);
            inputs.push(Input { name: path.display().to_string(), path: Some(path.clone()), root });
        }
    }
    (inputs, errors)
}

/// Runs `f` over `items` on every core, keeping the order. A panic in `f` is raised again
/// here (rayon joins every worker), so no result is ever lost or paired with another item.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    items.par_iter().map(f).collect()
}

fn read_input(input: &Input) -> Result<String, String> {
    let bytes = match &input.path {
        Some(p) => std::fs::read(p).map_err(|e| format!("{}: {e}", input.name))?,
        None => {
            let mut buf = Vec::new();
            io::stdin().read_to_end(&mut buf).map_err(|e| format!("{}: {e}", input.name))?;
            buf
        }
    };
    String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text, not checked", input.name))
}

/// A file read and parsed, with its objects for the cross-file rules.
struct Parsed {
    name: String,
    file: File,
    /// For a Helm template: the template (`file` is then its YAML with holes).
    template: Option<TemplateFile>,
    objects: Vec<Object>,
    /// Absolute path and root, for its place in the project.
    path: Option<PathBuf>,
    root: Option<PathBuf>,
}

/// Is it a `.json` file (a JSON patch a kustomization applies)?
fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// A JSON file is judged as JSON: its YAML syntax findings give way to the JSON parser's one.
fn json_syntax(report: &mut Report, file: &File) {
    let Err(e) = serde_json::from_str::<Value>(file.text()) else { return };
    report.diagnostics.retain(|d| d.rule != "yaml-syntax");
    let index = file.line_index();
    let start = index.line_range(e.line().saturating_sub(1)).map_or(0, |r| r.start);
    let at = (start + e.column().saturating_sub(1)).min(file.text().len());
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    report.diagnostics.insert(
        0,
        Diagnostic::new("yaml-syntax", kref_yaml::TextRange::empty(at), format!("not valid JSON: {message}")),
    );
}

/// Reads and parses the inputs on every core; unreadable ones become errors.
fn read_inputs(inputs: Vec<Input>, errors: &mut Vec<String>) -> Vec<Parsed> {
    // Stdin is read once, on this thread.
    let texts: Vec<Result<String, String>> = parallel(&inputs, read_input);
    let mut named = Vec::new();
    for (input, text) in inputs.into_iter().zip(texts) {
        match text {
            Ok(t) => named.push((input, t)),
            Err(e) => errors.push(e),
        }
    }
    let parsed: Vec<(File, Vec<Object>)> = parallel(&named, |(input, t)| {
        let file = match input.path.as_deref().filter(|p| is_json(p)) {
            // JSON is read as YAML, but tabs may indent it: outside strings (where valid JSON
            // has none) they are spaces, and replacing them keeps every offset.
            Some(_) if serde_json::from_str::<Value>(t).is_ok() => kref_yaml::parse(&t.replace('\t', " ")),
            _ => kref_yaml::parse(t),
        };
        let objects = Object::of_file(&file);
        (file, objects)
    });
    named
        .into_iter()
        .zip(parsed)
        .map(|((input, _), (file, objects))| Parsed {
            name: input.name,
            file,
            template: None,
            objects,
            path: input.path.as_deref().and_then(|p| std::path::absolute(p).ok()),
            root: input.root.as_deref().and_then(|p| std::path::absolute(p).ok()),
        })
        .collect()
}

/// Patch files written as JSON (`ops.json`) that the kustomizations among the inputs apply:
/// a folder's walk reads only YAML files, so they are added here, to be checked as patches.
fn add_json_patches(parsed: &mut Vec<Parsed>, errors: &mut Vec<String>) {
    let mut found: Vec<Input> = Vec::new();
    for p in parsed.iter() {
        let Some(path) = &p.path else { continue };
        let named = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| project::classify::KUSTOMIZATION_NAMES.contains(&n));
        let Some(dir) = path.parent().filter(|_| named) else { continue };
        let k = project::kustomize::parse(&p.file);
        for rel in k.patches.iter().chain(&k.json_patches) {
            let full = kustomize::join(dir, rel);
            if !is_json(&full)
                || !full.is_file()
                || parsed.iter().any(|q| q.path.as_ref() == Some(&full))
                || found.iter().any(|q| q.path.as_ref() == Some(&full))
            {
                continue;
            }
            let shown =
                Path::new(&p.name).parent().map_or_else(|| PathBuf::from(rel), |d| kustomize::join(d, rel));
            found.push(Input { name: shown.display().to_string(), path: Some(full), root: p.root.clone() });
        }
    }
    parsed.extend(read_inputs(found, errors));
}

/// How many folders above a base the search for the kustomizations that include it goes (when
/// no `.git` folder marks the repository's top sooner).
const INCLUDERS_UP: usize = 2;
/// Kustomization files read at most in that search.
const INCLUDERS_MAX: usize = 2000;

/// The files of the kustomizations, outside the inputs, that include (directly or through
/// other kustomizations) a kustomization among the inputs that none of the inputs includes:
/// a base given alone is checked as part of the overlays that use it, not as if applied by
/// itself. They are searched for from the repository's top (the nearest folder above with
/// `.git`, up to five levels) or else [`INCLUDERS_UP`] folders above the base.
fn includers_of(parsed: &[Parsed]) -> Vec<Input> {
    let is_kustomization = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| project::classify::KUSTOMIZATION_NAMES.contains(&n))
    };
    let given: Vec<&Path> = parsed.iter().filter_map(|p| p.path.as_deref()).collect();
    let bases: Vec<PathBuf> = given
        .iter()
        .filter(|p| is_kustomization(p))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();
    if bases.is_empty() {
        return Vec::new();
    }
    // The folders to search from; none that a folder given already covers (its kustomizations
    // are all among the inputs).
    let roots: Vec<&Path> = parsed.iter().filter_map(|p| p.root.as_deref()).collect();
    let mut tops: Vec<PathBuf> = Vec::new();
    for base in &bases {
        let git = base.ancestors().take(6).find(|a| a.join(".git").exists());
        let top = git.unwrap_or_else(|| base.ancestors().nth(INCLUDERS_UP).unwrap_or(base)).to_path_buf();
        if roots.iter().any(|r| top.starts_with(r)) {
            continue;
        }
        if !tops.iter().any(|t| top.starts_with(t)) {
            tops.retain(|t| !t.starts_with(&top));
            tops.push(top);
        }
    }
    if tops.is_empty() {
        return Vec::new();
    }
    // Every kustomization under them, with the folders it includes.
    let mut graph: Vec<(PathBuf, project::Kustomization)> = Vec::new();
    for top in &tops {
        for found in manifests::walk(top).filter_map(Result::ok).filter(|p| is_kustomization(p)) {
            if graph.len() >= INCLUDERS_MAX {
                break;
            }
            let Ok(text) = std::fs::read_to_string(&found) else { continue };
            graph.push((found, project::kustomize::parse(&kref_yaml::parse(&text))));
        }
    }
    let dir_of = |k: &Path| k.parent().map(Path::to_path_buf).unwrap_or_default();
    let includes = |k: &(PathBuf, project::Kustomization), dir: &Path| {
        let from = dir_of(&k.0);
        k.1.resources.iter().chain(&k.1.components).any(|r| kustomize::join(&from, r) == dir)
    };
    // Kustomizations reaching a base, walking the graph backwards from the bases.
    let mut reached: Vec<PathBuf> = bases.clone();
    let mut using: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < reached.len() && using.len() < INCLUDERS_MAX {
        let dir = reached[i].clone();
        i += 1;
        for (n, k) in graph.iter().enumerate() {
            if !using.contains(&n) && includes(k, &dir) && !reached.contains(&dir_of(&k.0)) {
                using.push(n);
                reached.push(dir_of(&k.0));
            }
        }
    }
    // Their files: the kustomization, its resource files and patch files.
    let mut out: Vec<Input> = Vec::new();
    for n in using {
        let (k, kz) = &graph[n];
        let dir = dir_of(k);
        let files = std::iter::once(k.clone()).chain(
            kz.resources.iter().chain(&kz.patches).chain(&kz.json_patches).map(|r| kustomize::join(&dir, r)),
        );
        for f in files {
            if f.is_file()
                && manifests::is_manifest_name(&f)
                && !given.contains(&f.as_path())
                && !out.iter().any(|o| o.path.as_ref() == Some(&f))
            {
                let root = tops.iter().find(|t| f.starts_with(t)).cloned();
                out.push(Input { name: f.display().to_string(), path: Some(f), root });
            }
        }
    }
    out
}

/// Where each file sits in the project: classes from path and content, then kustomizations,
/// charts and units over all of them.
fn lay_out(parsed: &[Parsed], declared: &[DeclaredUnit]) -> Layout {
    let facts: Vec<FileFacts> =
        parallel(parsed, |p| FileFacts::read(p.path.as_deref(), p.root.as_deref(), &p.file));
    project::lay_out(parsed.iter().map(|p| p.name.as_str()).zip(&facts), declared)
}

/// Checks parsed files together: the cross-file rules see the files of their units.
fn check_parsed(parsed: Vec<Parsed>, layout: &Layout, kb: &Knowledge, config: &RuleConfig) -> Vec<Checked> {
    let mut ws = Workspace::new();
    let mut files = Vec::with_capacity(parsed.len());
    let mut names = Vec::with_capacity(parsed.len());
    let mut paths = Vec::with_capacity(parsed.len());
    let mut templates = Vec::with_capacity(parsed.len());
    for p in parsed {
        ws.set(&p.name, p.objects);
        names.push(p.name);
        files.push(p.file);
        paths.push(p.path);
        templates.push(p.template);
    }
    ws.apply_layout(layout);
    let jobs: Vec<(usize, &File)> = files.iter().enumerate().collect();
    let disk = DiskFs::default();
    let mut reports = parallel(&jobs, |(i, file)| {
        if let Some(t) = &templates[*i] {
            return diagnostics::helm::analyze_template(t, file, &names[*i], &ws, kb, config);
        }
        let mut report = diagnostics::analyze_in(file, &names[*i], &ws, kb, config);
        if paths[*i].as_deref().is_some_and(is_json) {
            json_syntax(&mut report, file);
        }
        // A kustomization's paths and targets are checked against the files around it.
        if let (
            Some(FileClass::Kustomize(KustomizePart::Kustomization | KustomizePart::Component)),
            Some(dir),
        ) = (report.class, paths[*i].as_deref().and_then(std::path::Path::parent))
        {
            let found = kustomize::check::diagnose(file, dir, &disk, &kb.schema);
            diagnostics::add_findings(&mut report, file, config, found);
        }
        // A JSON 6902 patch file is checked against the target of the kustomization applying it.
        // (Given alone, a patch file is not placed as one: its operations tell.)
        let json_patch = report.class == Some(FileClass::Kustomize(KustomizePart::JsonPatch))
            || (matches!(report.class, Some(FileClass::Other(_)))
                && kustomize::json6902::is_operations(file));
        if json_patch && let Some(path) = paths[*i].as_deref() {
            let found = kustomize::check::patch_file_diagnostics(path, file.text(), &disk, &kb.schema);
            diagnostics::add_findings(&mut report, file, config, found);
        }
        report
    });
    overlay_findings(layout, &files, &paths, &mut reports, kb, config);
    for (key, message) in &layout.messages {
        if let Some(i) = names.iter().position(|n| n == key) {
            reports[i].notes.push(message.clone());
        }
    }
    names
        .into_iter()
        .zip(files)
        .zip(templates)
        .zip(reports)
        .map(|(((name, file), template), report)| Checked {
            name,
            index: file.line_index().clone(),
            text: template.as_ref().map_or(file.text(), TemplateFile::text).to_string(),
            report,
        })
        .collect()
}

/// Each overlay (a kustomization no other includes) built in memory and checked as it will be
/// applied; what that finds beyond the files' own checks is reported at the source line that
/// caused it (a patch, a base), naming the overlay.
fn overlay_findings(
    layout: &Layout,
    files: &[File],
    paths: &[Option<PathBuf>],
    reports: &mut [Report],
    kb: &Knowledge,
    config: &RuleConfig,
) {
    let disk = DiskFs::default();
    let overlays: Vec<&std::path::Path> = layout
        .units
        .iter()
        .filter(|u| u.kind == project::UnitKind::Kustomize)
        .map(|u| std::path::Path::new(&u.name))
        .filter(|p| p.is_absolute())
        .collect();
    let found = parallel(&overlays, |k| {
        let Some(dir) = k.parent() else { return Vec::new() };
        let built = kustomize::build::build(&disk, dir);
        if built.incomplete || !built.problems.is_empty() {
            // What a broken or partly remote overlay builds is not what kustomize would.
            return Vec::new();
        }
        let name =
            dir.file_name().map_or_else(|| dir.display().to_string(), |n| n.to_string_lossy().into_owned());
        kustomize::rendered::check(&built, &disk, kb, config).into_iter().map(|f| (f, name.clone())).collect()
    });
    // A base line that several overlays show the same problem at is reported once, naming them.
    let merged = kustomize::rendered::merge(found.into_iter().flatten().collect());
    let mut extra: Vec<Vec<Diagnostic>> = vec![Vec::new(); files.len()];
    for finding in merged {
        let Some(i) = paths.iter().position(|p| p.as_deref() == Some(finding.file.as_path())) else {
            continue;
        };
        let line = files[i].line_index().line_of(finding.diagnostic.range.start);
        let index = files[i].line_index();
        // What the file's own check already reports there is not told again.
        let known =
            |d: &Diagnostic| d.rule == finding.diagnostic.rule && index.line_of(d.range.start) == line;
        if reports[i].diagnostics.iter().any(known) {
            continue;
        }
        extra[i].push(finding.diagnostic);
    }
    for (i, found) in extra.into_iter().enumerate() {
        diagnostics::add_findings(&mut reports[i], &files[i], config, found);
    }
}

/// A chart found among the inputs: its folder as shown (the name of its `Chart.yaml` less
/// the file name), its absolute folder, its files, and the chart loaded from them.
struct FoundChart {
    shown: PathBuf,
    /// Its `Chart.yaml` was among the inputs: the whole chart is checked, so findings in
    /// files that are not YAML (helpers, NOTES.txt, the values schema) are reported too.
    whole: bool,
    files: Vec<(String, String)>,
    loaded: Vec<LoadedChart>,
}

/// Finds the Helm charts among the inputs (every `Chart.yaml`, and the chart above a template
/// given on its own), loads each outermost chart with its subcharts from disk, and turns each
/// template input into its YAML with holes.
fn load_charts(parsed: &mut [Parsed]) -> Vec<FoundChart> {
    let mut dirs: Vec<(PathBuf, PathBuf)> = Vec::new(); // (absolute, shown)
    for p in parsed.iter() {
        let Some(path) = &p.path else { continue };
        let chart_file = path.file_name().is_some_and(|n| n == "Chart.yaml");
        let in_templates = path.components().any(|c| c.as_os_str() == "templates");
        if !chart_file && !in_templates {
            continue;
        }
        let Some(dir) = charts::chart_of(path) else { continue };
        if dirs.iter().any(|(d, _)| dir.starts_with(d)) {
            continue;
        }
        // Shown the way the input was named: the input's name less its path below the chart.
        let below = path.strip_prefix(&dir).map(Path::to_path_buf).unwrap_or_default();
        let shown = strip_suffix_path(Path::new(&p.name), &below).unwrap_or_else(|| dir.clone());
        dirs.retain(|(d, _)| !d.starts_with(&dir));
        dirs.push((dir, shown));
    }
    let mut found = Vec::new();
    for (dir, shown) in dirs {
        let top = dir.join("Chart.yaml");
        let whole = parsed.iter().any(|p| p.path.as_deref() == Some(top.as_path()));
        let files = charts::read_chart(&dir);
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        let loaded = LoadedChart::load(&refs);
        for chart in &loaded {
            for_each_chart(chart, &mut |c| {
                for (rel, template) in &c.templates {
                    if c.layout.role_of(rel) != FileRole::Template {
                        continue;
                    }
                    let abs = dir.join(rel);
                    if let Some(p) = parsed.iter_mut().find(|p| p.path.as_deref() == Some(abs.as_path())) {
                        p.file = diagnostics::helm::template_yaml(template);
                        p.objects = Object::of_file(&p.file);
                        p.template = Some(template.clone());
                    }
                }
            });
        }
        found.push(FoundChart { shown, whole, files, loaded });
    }
    found
}

fn for_each_chart<'c>(chart: &'c LoadedChart, f: &mut impl FnMut(&'c LoadedChart)) {
    f(chart);
    for sub in &chart.subcharts {
        for_each_chart(sub, f);
    }
}

/// `a/b/c` less `b/c` is `a`.
fn strip_suffix_path(path: &Path, suffix: &Path) -> Option<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in suffix.components() {
        if !p.pop() {
            return None;
        }
    }
    Some(p)
}

/// Adds the chart-wide findings (Chart.yaml, values schema, `.Values` paths, named
/// templates) to the files they are about, adding files not checked as YAML (helpers,
/// NOTES.txt, values.schema.json) when they have findings.
fn add_chart_findings(
    checked: &mut Vec<Checked>,
    charts: &[FoundChart],
    extra_values: &[ValuesFile],
    config: &RuleConfig,
) {
    let mut parsed: std::collections::HashMap<usize, File> = std::collections::HashMap::new();
    for chart in charts {
        for loaded in &chart.loaded {
            for finding in diagnostics::helm::check_chart(loaded, extra_values, config) {
                let name = chart.shown.join(&finding.file).display().to_string();
                let at = match checked.iter().position(|c| c.name == name) {
                    Some(i) => i,
                    None if !chart.whole => continue,
                    None => {
                        let Some((_, text)) = chart.files.iter().find(|(p, _)| *p == finding.file) else {
                            continue;
                        };
                        let file = kref_yaml::parse(text);
                        checked.push(Checked {
                            name,
                            index: file.line_index().clone(),
                            text: text.clone(),
                            report: Report {
                                class: Some(project::FileClass::Helm(project::HelmPart::Other)),
                                ..Report::default()
                            },
                        });
                        checked.len() - 1
                    }
                };
                let file = parsed.entry(at).or_insert_with(|| kref_yaml::parse(&checked[at].text));
                if diagnostics::helm::is_suppressed(file, &finding.diagnostic) {
                    continue;
                }
                let report = &mut checked[at].report;
                report.diagnostics.push(finding.diagnostic);
                report.diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.severity, d.rule));
            }
        }
    }
}

fn position(c: &Checked, offset: usize) -> (usize, usize) {
    let lc = c.index.line_col(offset, Encoding::Utf8);
    let start = c.index.line_range(lc.line as usize).map_or(0, |r| r.start);
    let col = c.text.get(start..start + lc.col as usize).map_or(lc.col as usize, |s| s.chars().count());
    (lc.line as usize + 1, col + 1)
}

fn severity_style(s: Severity) -> anstyle::Style {
    match s {
        Severity::Error => ERROR,
        Severity::Warning => WARN,
        Severity::Information | Severity::Hint => BOLD,
    }
}

#[derive(Default)]
struct Counts {
    errors: usize,
    warnings: usize,
    infos: usize,
    hints: usize,
    objects: usize,
}

fn counts(checked: &[Checked]) -> Counts {
    let mut n = Counts::default();
    for c in checked {
        n.objects += c.report.objects;
        for d in &c.report.diagnostics {
            match d.severity {
                Severity::Error => n.errors += 1,
                Severity::Warning => n.warnings += 1,
                Severity::Information => n.infos += 1,
                Severity::Hint => n.hints += 1,
            }
        }
    }
    n
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// How many files of each class were checked, by [`project::FileClass::group`] name.
fn class_counts(checked: &[Checked]) -> Vec<(&'static str, usize)> {
    let mut counts: Vec<(&'static str, usize)> = Vec::new();
    for c in checked {
        let group = c.report.class.map_or("manifest", project::FileClass::group);
        match counts.iter_mut().find(|(g, _)| *g == group) {
            Some((_, n)) => *n += 1,
            None => counts.push((group, 1)),
        }
    }
    let order = ["manifest", "patch", "helm", "kustomize", "template", "other", "empty"];
    counts.sort_by_key(|(g, _)| order.iter().position(|o| o == g));
    counts
}

/// `449 files: 380 manifests, 12 patches, 25 Kustomize files, ...`
fn files_text(checked: &[Checked]) -> String {
    let parts: Vec<String> = class_counts(checked)
        .into_iter()
        .map(|(group, n)| match group {
            "manifest" => plural(n, "manifest"),
            "patch" => format!("{n} {}", if n == 1 { "patch" } else { "patches" }),
            "helm" => format!("{n} Helm chart {}", if n == 1 { "file" } else { "files" }),
            "kustomize" => format!("{n} Kustomize {}", if n == 1 { "file" } else { "files" }),
            "template" => plural(n, "template"),
            "other" => format!("{n} other YAML"),
            _ => format!("{n} empty"),
        })
        .collect();
    let files = plural(checked.len(), "file");
    if parts.is_empty() { files } else { format!("{files}: {}", parts.join(", ")) }
}

/// The first fix that is not "suppress this rule here".
fn main_fix(d: &Diagnostic) -> Option<&str> {
    d.fixes.iter().map(|f| f.title.as_str()).find(|t| !t.starts_with("Suppress "))
}

fn human(out: &mut impl Write, checked: &[Checked], annotated: bool) -> Result<()> {
    for c in checked {
        for d in &c.report.diagnostics {
            let (line, col) = position(c, d.range.start);
            let style = severity_style(d.severity);
            if !annotated {
                writeln!(
                    out,
                    "{}:{line}:{col}: {style}{}{style:#}[{}]: {}",
                    c.name,
                    d.severity.as_str(),
                    d.rule,
                    d.message
                )?;
                continue;
            }
            writeln!(
                out,
                "{style}{}[{}]{style:#}{BOLD}: {}{BOLD:#}",
                d.severity.as_str(),
                d.rule,
                d.message
            )?;
            let width = line.to_string().len();
            let pad = " ".repeat(width);
            writeln!(out, "{pad}{PATH}-->{PATH:#} {}:{line}:{col}", c.name)?;
            let range = c.index.line_range(line - 1);
            let source = range.and_then(|r| c.text.get(r.start..r.end)).unwrap_or("");
            let shown: String = source.chars().map(|ch| if ch == '\t' { ' ' } else { ch }).collect();
            let line_end = range.map_or(d.range.start, |r| r.end);
            let end = d.range.end.min(line_end).max(d.range.start);
            let span = c.text.get(d.range.start..end).map_or(1, |s| s.chars().count()).max(1);
            writeln!(out, "{pad} {DIM}|{DIM:#}")?;
            writeln!(out, "{DIM}{line:>width$} |{DIM:#} {shown}")?;
            writeln!(out, "{pad} {DIM}|{DIM:#} {}{style}{}{style:#}", " ".repeat(col - 1), "^".repeat(span))?;
            if let Some(fix) = main_fix(d) {
                writeln!(out, "{pad} {DIM}={DIM:#} fix: {fix}")?;
            }
            for r in &d.related {
                let place = match &r.file {
                    Some(f) => format!("{f}:{}", r.line + 1),
                    None => format!("{}:{}", c.name, r.line + 1),
                };
                writeln!(out, "{pad} {DIM}={DIM:#} note: {} at {place}", r.message)?;
            }
            writeln!(out)?;
        }
    }
    if annotated {
        let n = counts(checked);
        let files = files_text(checked);
        let objects = plural(n.objects, "object");
        if n.errors + n.warnings + n.infos + n.hints == 0 {
            writeln!(out, "{BOLD}no problems found{BOLD:#} ({objects} in {files})")?;
        } else {
            let mut parts = vec![plural(n.errors, "error"), plural(n.warnings, "warning")];
            if n.infos + n.hints > 0 {
                parts.push(plural(n.infos + n.hints, "hint"));
            }
            let style = if n.errors > 0 { ERROR } else { WARN };
            writeln!(out, "{style}{}{style:#} ({objects} in {files})", parts.join(", "))?;
        }
    } else {
        let n = counts(checked);
        let mut err = anstream::stderr();
        let _ = writeln!(
            err,
            "{}, {}, {} ({} in {})",
            plural(n.errors, "error"),
            plural(n.warnings, "warning"),
            plural(n.infos + n.hints, "hint"),
            plural(n.objects, "object"),
            files_text(checked)
        );
    }
    Ok(())
}

fn diagnostic_json(c: &Checked, d: &Diagnostic) -> Value {
    let (line, column) = position(c, d.range.start);
    let (end_line, end_column) = position(c, d.range.end);
    json!({
        "rule": d.rule,
        "severity": d.severity.as_str(),
        "message": d.message,
        "line": line,
        "column": column,
        "endLine": end_line,
        "endColumn": end_column,
        "range": { "start": d.range.start, "end": d.range.end },
        "fixes": d.fixes.iter().map(|f| json!({
            "title": f.title,
            "edits": f.edits.iter().map(|e| json!({
                "start": e.range.start, "end": e.range.end, "newText": e.new_text,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "related": d.related.iter().map(|r| json!({
            "file": r.file.clone().unwrap_or_else(|| c.name.clone()),
            "line": r.line + 1,
            "message": r.message,
        })).collect::<Vec<_>>(),
    })
}

fn json_report(checked: &[Checked], config: &RuleConfig) -> Value {
    let n = counts(checked);
    json!({
        "kubernetesVersion": config.kube_version.to_string(),
        "profile": config.profile.as_str(),
        "files": checked.iter().map(|c| json!({
            "path": c.name,
            "class": c.report.class.map_or("manifest", project::FileClass::name),
            "objects": c.report.objects,
            "diagnostics": c.report.diagnostics.iter().map(|d| diagnostic_json(c, d)).collect::<Vec<_>>(),
            "notes": c.report.notes,
        })).collect::<Vec<_>>(),
        "summary": {
            "files": checked.len(),
            "classes": class_counts(checked).into_iter().map(|(g, n)| (g.to_string(), json!(n))).collect::<serde_json::Map<_, _>>(),
            "objects": n.objects,
            "errors": n.errors,
            "warnings": n.warnings,
            "infos": n.infos,
            "hints": n.hints,
        },
    })
}

fn sarif(checked: &[Checked]) -> Value {
    let level = |s: Severity| match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "note",
    };
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": rule_note(r.id).map_or(r.summary, |n| n.description.as_str()) },
                "defaultConfiguration": { "level": level(r.severity) },
                "properties": { "category": r.category.as_str(), "profile": r.profile.as_str() },
            })
        })
        .collect();
    let mut results = Vec::new();
    for c in checked {
        let uri = c.name.replace('\\', "/");
        for d in &c.report.diagnostics {
            let (line, column) = position(c, d.range.start);
            let (end_line, end_column) = position(c, d.range.end);
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": RULES.iter().position(|r| r.id == d.rule),
                "level": level(d.severity),
                "message": { "text": d.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri },
                        "region": {
                            "startLine": line, "startColumn": column,
                            "endLine": end_line, "endColumn": end_column,
                        },
                    },
                }],
            });
            if let Some(title) = main_fix(d) {
                result["fixes"] = json!([{ "description": { "text": title } }]);
            }
            results.push(result);
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kref",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}

/// The first paragraph of a rule note, without its title and front matter.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(out: &mut impl Write, checked: &[Checked]) -> Result<()> {
    for c in checked {
        for d in &c.report.diagnostics {
            let (line, col) = position(c, d.range.start);
            let (end_line, end_col) = position(c, d.range.end);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Information | Severity::Hint => "notice",
            };
            let mut message = d.message.clone();
            if let Some(fix) = main_fix(d) {
                message.push_str(&format!(" (fix: {fix})"));
            }
            writeln!(
                out,
                "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}",
                escape_property(&c.name),
                escape_property(&format!("kref {}", d.rule)),
                escape_data(&message)
            )?;
        }
    }
    Ok(())
}

fn list_rules(format: Option<Format>) -> Result<Outcome> {
    if format == Some(Format::Json) {
        let rules: Vec<Value> = RULES
            .iter()
            .map(|r| {
                json!({
                    "id": r.id,
                    "severity": r.severity.as_str(),
                    "profile": r.profile.as_str(),
                    "category": r.category.as_str(),
                    "summary": r.summary,
                    "podSecurity": r.pss.map(|p| p.as_str()),
                    "kubeLinter": r.kube_linter,
                    "kubeScore": r.kube_score,
                    "polaris": r.polaris,
                })
            })
            .collect();
        print_json(&Value::Array(rules))?;
        return Ok(Outcome::Found);
    }
    let mut out = anstream::stdout().lock();
    for r in RULES {
        let style = severity_style(r.severity);
        writeln!(
            out,
            "{BOLD}{:<24}{BOLD:#} {style}{:<8}{style:#} {DIM}{:<8}{DIM:#} {}",
            r.id,
            r.severity.as_str(),
            r.profile.as_str(),
            r.summary
        )?;
    }
    Ok(Outcome::Found)
}

fn explain(id: &str) -> Result<Outcome> {
    let Some(rule) = rule_by_id(id) else {
        let close = kref_corpus::schema::suggest(RULES.iter().map(|r| r.id), id);
        let hint = close.first().map(|c| format!("; did you mean {c}?")).unwrap_or_default();
        return Err(anyhow!("no rule {id:?}{hint} (`kref check --list-rules` lists them)"));
    };
    let body = rule_doc(rule.id).unwrap_or(rule.summary);
    let mut out = anstream::stdout().lock();
    let rendered =
        if io::stdout().is_terminal() { super::render::render_markdown(body) } else { body.to_string() };
    writeln!(out, "{}", rendered.trim_end())?;
    writeln!(
        out,
        "\n{DIM}severity {}, profile {}{}{DIM:#}",
        rule.severity.as_str(),
        rule.profile.as_str(),
        rule.pss.map(|p| format!(", Pod Security level {}", p.as_str())).unwrap_or_default()
    )?;
    Ok(Outcome::Found)
}

#[cfg(test)]
mod parallel_tests {
    use super::parallel;

    #[test]
    fn results_keep_their_items_order() {
        let items: Vec<usize> = (0..1000).collect();
        assert_eq!(parallel(&items, |i| i * 2), items.iter().map(|i| i * 2).collect::<Vec<_>>());
    }

    #[test]
    fn a_panicking_item_is_never_silently_dropped() {
        let items: Vec<usize> = (0..200).collect();
        let run = std::panic::catch_unwind(|| {
            parallel(&items, |&i| {
                assert!(i != 57, "item 57 fails");
                i
            })
        });
        // Before: the panicking worker's share vanished and the rest were zipped with the wrong files.
        assert!(run.is_err(), "a panic must not yield a shorter, misaligned result: {run:?}");
    }
}
