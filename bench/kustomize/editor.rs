//! In-process benchmark of hover and completion in a kustomization file, as the language server
//! answers them (`kref::analysis::hover` and `complete`, the built-in schema and notes loaded):
//! every key and value of a generated kustomization that uses every common field, plus the
//! `path` of each inline JSON 6902 operation, with p50/p95 over all positions and rounds.
//! Also the editor's extra work in a base file of an overlay: what the overlays' patches do to
//! the hovered field (`patched_notes`) over an overlay already built.
//!
//! Registered in Cargo.toml as `[[bench]] name = "kustomize" path = "bench/kustomize/editor.rs"
//! harness = false`; run with `cargo bench --bench kustomize`. Everything is generated here.

#![allow(clippy::print_stdout)] // A benchmark prints its figures.
use std::fmt::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kref::analysis::knowledge::Knowledge;
use kref::analysis::kustomize::{MemFs, build, hover as khover};
use kref::analysis::{complete, hover};
use kref_corpus::schema::{KubeVersion, Schema};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// A kustomization with the fields overlays use, `apps` patches and images.
fn kustomization(apps: usize) -> String {
    let mut k = String::from(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: shop-prod\n\
         namePrefix: prod-\nnameSuffix: -v2\nresources:\n- ../../base\n- ingress.yaml\n\
         components:\n- ../../components/tls\nlabels:\n- pairs:\n    env: prod\n  includeSelectors: false\n  \
         includeTemplates: true\ncommonAnnotations:\n  team: shop\n",
    );
    k.push_str("images:\n");
    for i in 0..apps {
        let _ = write!(k, "- name: ghcr.io/example/app{i}\n  newTag: \"2.{i}.1\"\n");
    }
    k.push_str("replicas:\n");
    for i in 0..apps {
        let _ = write!(k, "- name: app{i}\n  count: {}\n", 2 + i % 3);
    }
    k.push_str(
        "configMapGenerator:\n- name: settings\n  behavior: merge\n  literals:\n  - LOG_LEVEL=warn\n  files:\n  \
         - app.properties\n  options:\n    disableNameSuffixHash: false\nsecretGenerator:\n- name: creds\n  \
         literals:\n  - password=s3cret\n  type: Opaque\ngeneratorOptions:\n  labels:\n    generated: \"yes\"\n",
    );
    k.push_str("patches:\n");
    for i in 0..apps {
        let _ = write!(
            k,
            "- path: patches/app{i}.yaml\n- target:\n    group: apps\n    version: v1\n    kind: Deployment\n    \
             name: app{i}\n  patch: |-\n    - op: replace\n      path: /spec/replicas\n      value: 3\n    \
             - op: add\n      path: /spec/template/spec/containers/0/imagePullPolicy\n      value: Always\n"
        );
    }
    k
}

/// Offsets of every key and non-empty value start (one past it, inside the word).
fn positions(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_start_matches([' ', '-']);
        let indent = line.len() - body.len();
        if !body.trim().is_empty() {
            out.push(start + indent + 1);
            if let Some(colon) = body.find(": ") {
                let value = indent + colon + 2;
                if value + 1 < line.trim_end().len() {
                    out.push(start + value + 1);
                }
            }
        }
        start += line.len();
    }
    out
}

fn measure(
    rounds: usize,
    positions: &[usize],
    mut f: impl FnMut(usize) -> bool,
) -> (Duration, Duration, usize) {
    let mut samples = Vec::new();
    let mut answered = 0;
    for _ in 0..rounds {
        answered = 0;
        for &p in positions {
            let t = Instant::now();
            if f(p) {
                answered += 1;
            }
            samples.push(t.elapsed());
        }
    }
    samples.sort();
    (percentile(&samples, 0.5), percentile(&samples, 0.95), answered)
}

fn base_and_overlay(apps: usize) -> MemFs {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut resources = String::from("resources:\n");
    for i in 0..apps {
        let _ = writeln!(resources, "- app{i}.yaml");
        files.push((
            format!("/w/base/app{i}.yaml"),
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  replicas: 1\n  \
                 selector:\n    matchLabels:\n      app: app{i}\n  template:\n    metadata:\n      labels:\n        \
                 app: app{i}\n    spec:\n      containers:\n      - name: app\n        image: ghcr.io/example/app{i}:1.0\n        \
                 resources:\n          limits:\n            memory: 128Mi\n"
            ),
        ));
    }
    files.push(("/w/base/kustomization.yaml".into(), resources));
    let mut overlay = String::from("resources:\n- ../base\npatches:\n");
    for i in 0..apps {
        let _ = writeln!(overlay, "- path: app{i}.yaml");
        files.push((
            format!("/w/prod/app{i}.yaml"),
            format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  replicas: 5\n  template:\n    \
                 spec:\n      containers:\n      - name: app\n        resources:\n          limits:\n            memory: 256Mi\n"
            ),
        ));
    }
    files.push(("/w/prod/kustomization.yaml".into(), overlay));
    MemFs { files: files.into_iter().map(|(p, t)| (p.into(), t)).collect() }
}

fn main() {
    let version = KubeVersion::new(1, 33);
    let notes = kref_corpus::builtin::notes();
    let kb = Knowledge::new(Arc::new(Schema::builtin().clone()), &notes, None, version);
    let text = kustomization(20);
    let file = kref_yaml::parse(&text);
    let at = positions(&text);
    // Warm up (schema decode, note entries).
    for &p in &at {
        let _ = hover(&file, p, &kb);
        let _ = complete(&file, p, &kb);
    }
    let rounds = 20;
    println!("kustomization: {} lines, {} positions, {rounds} rounds", text.lines().count(), at.len());
    let (p50, p95, n) = measure(rounds, &at, |p| hover(&file, p, &kb).is_some());
    println!(
        "hover                       p50 {:>10}  p95 {:>10}  ({n}/{} answered)",
        ms(p50),
        ms(p95),
        at.len()
    );
    let (p50, p95, n) = measure(rounds, &at, |p| !complete(&file, p, &kb).is_empty());
    println!(
        "completion                  p50 {:>10}  p95 {:>10}  ({n}/{} with items)",
        ms(p50),
        ms(p95),
        at.len()
    );
    let paths: Vec<usize> = text.match_indices("path: /").map(|(i, _)| i + "path: /".len()).collect();
    let (p50, p95, n) = measure(rounds, &paths, |p| {
        hover(&file, p, &kb).is_some_and(|h| h.markdown.starts_with("**Deployment.spec"))
    });
    println!(
        "hover on a JSON patch path  p50 {:>10}  p95 {:>10}  ({n}/{} answered)",
        ms(p50),
        ms(p95),
        paths.len()
    );

    // A base file of an overlay of 500 objects with 500 patches: the patched-value lines.
    let fs = base_and_overlay(500);
    let t = Instant::now();
    let built = build::build(&fs, Path::new("/w/prod"));
    println!("overlay of 500 objects built in {}", ms(t.elapsed()));
    let base_text = fs.files[Path::new("/w/base/app7.yaml")].clone();
    let base = kref_yaml::parse(&base_text);
    let spots: Vec<usize> = positions(&base_text);
    let shown = |p: &Path| p.display().to_string();
    let (p50, p95, n) = measure(rounds, &spots, |p| {
        !khover::patched_notes(&[&built], &fs, Path::new("/w/base/app7.yaml"), &base, p, &shown).is_empty()
    });
    println!(
        "patched-value lines (base)  p50 {:>10}  p95 {:>10}  ({n}/{} with lines)",
        ms(p50),
        ms(p95),
        spots.len()
    );
}
