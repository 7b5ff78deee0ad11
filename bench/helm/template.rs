//! In-process benchmark of the Helm template reader on a generated 1,000-line template: scan,
//! YAML with holes, the whole `TemplateFile::parse` (scan + holes + YAML parse + references +
//! documents), and the lookups hover and completion will make (reference under the cursor,
//! scope, values lookup with its doc comment, children for completion), with p50/p95.
//!
//! Registered in Cargo.toml as `[[bench]] name = "helm" path = "bench/helm/template.rs"
//! harness = false`; run with `cargo bench --bench helm`. The template and values are generated
//! here (the shapes of a typical chart), so nothing outside the repository is needed.

#![allow(clippy::print_stdout)] // A benchmark prints its figures.
use std::time::{Duration, Instant};

use kref::analysis::helm::holes::transform;
use kref::analysis::helm::scan::scan;
use kref::analysis::helm::{Lookup, TemplateFile, ValuesFile};

#[path = "gen.rs"]
#[allow(dead_code)] // The chart writer is the editor benchmark's.
mod generated;
use generated::{block, values};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        std::hint::black_box(f());
        samples.push(t.elapsed());
    }
    samples.sort();
    (percentile(&samples, 0.5), percentile(&samples, 0.95))
}

fn main() {
    let blocks = 10;
    let mut text = String::new();
    for n in 0..blocks {
        block(&mut text, n);
    }
    let lines = text.lines().count();
    let values_text = values(blocks);
    let file = TemplateFile::parse(&text);
    let values = ValuesFile::parse(&values_text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    println!(
        "template: {} lines, {} bytes, {} actions, {} documents, {} .Values references",
        lines,
        text.len(),
        file.scan.actions.len(),
        file.documents.len(),
        file.references.values.len()
    );

    let rounds = 200;
    let report = |name: &str, (p50, p95): (Duration, Duration)| {
        println!("{name:<28} p50 {:>10}  p95 {:>10}", us(p50), us(p95))
    };
    report("scan", time(rounds, || scan(&text)));
    let scanned = scan(&text);
    report("YAML with holes", time(rounds, || transform(&text, &scanned)));
    let holed = transform(&text, &scanned);
    report("kref_yaml::parse of it", time(rounds, || kref_yaml::parse(&holed.text)));
    report("references", time(rounds, || kref::analysis::helm::refs::collect(&text, &scanned)));
    report("TemplateFile::parse (all)", time(rounds, || TemplateFile::parse(&text)));
    report("values.yaml parse", time(rounds, || ValuesFile::parse(&values_text)));

    // Hover on `.Values.appN.replicas` near the end of the file: reference, lookup, doc.
    let offset = text.rfind(".replicas").expect("a replicas reference") + 3;
    report(
        "hover: ref + lookup + doc",
        time(2_000, || {
            let reference = file.values_ref_at(offset).expect("a reference under the cursor");
            let path = reference.path_at(offset);
            match values.lookup(&path) {
                Lookup::Found { key_range: Some(range), node } => {
                    (values.doc(&path, range), values.display(node, 15)).0.map(|d| d.text.len())
                }
                _ => None,
            }
        }),
    );
    // Completion after `.` inside `range .Values.appN.ports`: the scope, then the keys.
    let inside = text.rfind("containerPort: {{ .port").expect("a range body") + 19;
    report(
        "completion: scope + keys",
        time(2_000, || {
            let scope = file.scope_at(inside);
            match scope.dot {
                kref::analysis::helm::DotValue::Values(path) => values.children(&path).len(),
                _ => 0,
            }
        }),
    );
}
