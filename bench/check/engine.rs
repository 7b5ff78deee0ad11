//! In-process benchmark of the diagnostics engine: parse + diagnose a large manifest (as on
//! `didOpen`) and again after one-character edits (as on `didChange`), with p50/p95.
//!
//! Registered in Cargo.toml as `[[bench]] name = "check" path = "bench/check/engine.rs"
//! harness = false`; run with `cargo bench --bench check [-- PATH]`. Without PATH it reads
//! `../shared/bench/manifests/large.yaml` and skips with a message when that is absent.

#![allow(clippy::print_stdout)] // A benchmark prints its figures.
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kref::analysis::diagnostics::{RuleConfig, analyze};
use kref::analysis::knowledge::Knowledge;
use kref_corpus::schema::{KubeVersion, Schema};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let path =
        std::env::args().skip(1).find(|a| !a.starts_with('-')).map(PathBuf::from).unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/bench/manifests/large.yaml")
        });
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is not there (pass a manifest path)", path.display());
        return;
    };
    let version = KubeVersion::new(1, 33);
    let kb = Knowledge::new(Arc::new(Schema::builtin().clone()), &[], None, version);
    let config = RuleConfig::new(version);
    // Warm up (schema decode, lifecycle table, rule docs).
    let file = kref_yaml::parse(&text);
    let report = analyze(&file, &kb, &config);
    println!(
        "{}: {} bytes, {} lines, {} objects, {} diagnostics",
        path.display(),
        text.len(),
        text.lines().count(),
        report.objects,
        report.diagnostics.len()
    );

    let rounds = 30;
    let mut parse = Vec::new();
    let mut diagnose = Vec::new();
    let mut open = Vec::new();
    for _ in 0..rounds {
        let t = Instant::now();
        let file = kref_yaml::parse(&text);
        let parsed = t.elapsed();
        let report = analyze(&file, &kb, &config);
        let total = t.elapsed();
        assert!(report.notes.is_empty(), "{:?}", report.notes);
        parse.push(parsed);
        diagnose.push(total - parsed);
        open.push(total);
    }
    // didChange: a one-character edit somewhere in the file each time, parse + diagnose.
    let mut change = Vec::new();
    let mut edited = text.clone();
    let step = text.len() / 50;
    for i in 0..50 {
        let mut at = (i * step + 7).min(edited.len() - 1);
        while !edited.is_char_boundary(at) {
            at -= 1;
        }
        edited.insert(at, 'x');
        let t = Instant::now();
        let file = kref_yaml::parse(&edited);
        let _ = analyze(&file, &kb, &config);
        change.push(t.elapsed());
        edited.remove(at);
    }
    for v in [&mut parse, &mut diagnose, &mut open, &mut change] {
        v.sort();
    }
    println!("parse            p50 {}  p95 {}", ms(percentile(&parse, 0.5)), ms(percentile(&parse, 0.95)));
    println!(
        "diagnose         p50 {}  p95 {}",
        ms(percentile(&diagnose, 0.5)),
        ms(percentile(&diagnose, 0.95))
    );
    println!("open (both)      p50 {}  p95 {}", ms(percentile(&open, 0.5)), ms(percentile(&open, 0.95)));
    println!("1-char change    p50 {}  p95 {}", ms(percentile(&change, 0.5)), ms(percentile(&change, 0.95)));
}
