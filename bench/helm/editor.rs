//! Hover and completion in a Helm template as the language server answers them, in process: a
//! generated chart written to a temporary folder (a 1,010-line template of 10 apps, 20 one-app
//! templates beside it, helpers, values.yaml), the chart model the server gets for the open
//! document, then the chart features (`.Values`, named templates, functions, scopes) or the
//! manifest features on the template's YAML with holes. p50/p95 over positions on every line.
//!
//! Two ways of getting the chart model are measured: read from disk and parsed on every request
//! (what the server did before its chart cache), and through the server's chart cache (what it
//! does now). Registered as `[[bench]] name = "helm_editor"`; run with
//! `cargo bench --bench helm_editor`.

#![allow(clippy::print_stdout)] // A benchmark prints its figures.
use std::sync::Arc;
use std::time::{Duration, Instant};

use kref::analysis::Knowledge;
use kref::lsp::helm::{ChartCache, ChartDoc};

#[path = "gen.rs"]
mod generated;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1000.0);
    println!(
        "{what:<52} p50 {:>9}  p95 {:>9}  ({} requests)",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        times.len()
    );
}

/// Offsets to hover: the first character after the indent of every line, and the middle of
/// every `.Values` path.
fn hover_points(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if line.trim().len() > 1 {
            out.push(at + indent + 1);
        }
        at += line.len();
    }
    let mut from = 0;
    while let Some(i) = text[from..].find(".Values.") {
        out.push(from + i + ".Values.".len() + 2);
        from += i + 1;
    }
    out
}

/// Offsets to complete: after `.Values.appN.` (the template is edited so), after the dot
/// inside `range` and `with` bodies, and at the start of YAML keys.
fn completion_points(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find(".Values.app") {
        let start = from + i;
        if let Some(dot) = text[start + 8..].find('.') {
            out.push(start + 8 + dot + 1);
        }
        from = start + 1;
    }
    for needle in ["{{ .name", "{{ .port", "imagePullPolicy:", "livenessProbe:", "    protocol:"] {
        let mut from = 0;
        while let Some(i) = text[from..].find(needle) {
            let at = from
                + i
                + if needle.starts_with("{{") { 4 } else { needle.len() - needle.trim_start().len() };
            out.push(at);
            from = from + i + 1;
        }
    }
    out
}

fn main() {
    let kb = Knowledge::new(
        Arc::new(kref_corpus::schema::Schema::builtin().clone()),
        &kref_corpus::builtin::notes(),
        None,
        kref_corpus::schema::KubeVersion::new(1, 33),
    );
    let dir = tempfile::tempdir().unwrap();
    let main = generated::write_chart(dir.path(), 10, 20);
    let key = main.to_string_lossy().to_string();
    let text = std::fs::read_to_string(&main).unwrap();
    let file = kref_yaml::parse(&text);
    println!("template: {} lines, {} bytes; chart: 22 templates", text.lines().count(), text.len());
    let hovers = hover_points(&text);
    let completions = completion_points(&text);
    let rounds = 3;

    // What the hover handler does once it has the chart model.
    let hover = |doc: &ChartDoc, offset: usize| {
        doc.hover(&file, offset, &kb).or_else(|| {
            let holed = doc.template_yaml();
            kref::analysis::hover(holed.unwrap_or(&file), offset, &kb)
        })
    };
    let complete = |doc: &ChartDoc, offset: usize| {
        doc.complete(&file, offset, &kb).map(|i| i.len()).unwrap_or_else(|| {
            let holed = doc.template_yaml();
            kref::analysis::complete(holed.unwrap_or(&file), offset, &kb).len()
        })
    };

    let mut answered = 0;
    let mut times = Vec::new();
    for _ in 0..rounds {
        for &offset in &hovers {
            let t = Instant::now();
            let doc = ChartDoc::read(&key, &text).expect("the chart");
            answered += usize::from(std::hint::black_box(hover(&doc, offset)).is_some());
            times.push(t.elapsed());
        }
    }
    println!("hover answered at {} of {} positions", answered / rounds, hovers.len());
    report("hover, chart read from disk per request", times);
    let mut times = Vec::new();
    for _ in 0..rounds {
        for &offset in &completions {
            let t = Instant::now();
            let doc = ChartDoc::read(&key, &text).expect("the chart");
            std::hint::black_box(complete(&doc, offset));
            times.push(t.elapsed());
        }
    }
    report("completion, chart read from disk per request", times);

    // Through the server's chart cache: the first request builds the model, later ones reuse it.
    let cache = ChartCache::default();
    let shared = Arc::new(text.clone());
    let mut answered = 0;
    let mut times = Vec::new();
    for _ in 0..rounds {
        for &offset in &hovers {
            let t = Instant::now();
            let doc = cache.doc(&key, &shared, &[]).expect("the chart");
            answered += usize::from(std::hint::black_box(hover(&doc, offset)).is_some());
            times.push(t.elapsed());
        }
    }
    println!("hover answered at {} of {} positions", answered / rounds, hovers.len());
    report("hover, chart cache", times);
    let mut times = Vec::new();
    let mut items = 0;
    for _ in 0..rounds {
        for &offset in &completions {
            let t = Instant::now();
            let doc = cache.doc(&key, &shared, &[]).expect("the chart");
            items += std::hint::black_box(complete(&doc, offset));
            times.push(t.elapsed());
        }
    }
    println!("completion: {} items over {} positions", items / rounds, completions.len());
    report("completion, chart cache", times);

    // The first request after an edit of the template: the model is built again (the other
    // templates, values and helpers reused), then answered.
    let mut times = Vec::new();
    for (i, &offset) in hovers.iter().enumerate().step_by(10) {
        let edited = Arc::new(format!("{text}# edit {i}\n"));
        let t = Instant::now();
        let doc = cache.doc(&key, &edited, &[]).expect("the chart");
        std::hint::black_box(hover(&doc, offset));
        times.push(t.elapsed());
    }
    report("hover, first request after an edit", times);
}
