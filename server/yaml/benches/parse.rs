//! Parse and locate timings: `cargo bench -p kref-yaml` (std::time only, no harness).
//!
//! Reads `../shared/bench/manifests/large.yaml` from the workspace root if present, else
//! generates a similar stream, then times parse, `locate` over 1,000 offsets, and parse of
//! generated 20 MB inputs (a stream of documents, and one single document).

#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

fn generated_stream(size: usize) -> String {
    let mut out = String::with_capacity(size + 4096);
    let mut i = 0;
    while out.len() < size {
        out.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc{i}\n  labels: {{app: svc{i}, tier: \"web\"}}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: app\n          image: 'registry.example.com/svc{i}:1.0'\n          args: [\"--port\", \"8080\"]\n          env:\n            - name: A\n              value: |\n                line one\n                line two\n          ports:\n            - containerPort: 8080 # http\n---\n"
        ));
        i += 1;
    }
    out
}

/// One document of about `size` bytes: a `List` whose items are whole manifests.
fn generated_single_document(size: usize) -> String {
    let mut out = String::from("apiVersion: v1\nkind: List\nitems:\n");
    let mut i = 0;
    while out.len() < size {
        out.push_str(&format!(
            "  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: cfg{i}\n      namespace: team{}\n    data:\n      LOG_LEVEL: info\n      config.yaml: |\n        listen: \":8080\"\n        upstream: svc{i}.local\n      flags: \"a,b,c\"\n",
            i % 7
        ));
        i += 1;
    }
    out
}

fn best_and_median(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    (times[0], times[times.len() / 2])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/manifests/large.yaml");
    let (large, source) = match std::fs::read_to_string(&path) {
        Ok(text) => (text, "shared/bench/manifests/large.yaml"),
        Err(_) => (generated_stream(200_000), "generated stand-in for large.yaml"),
    };
    let lines = large.lines().count();
    let (best, median) = best_and_median(50, || {
        black_box(kref_yaml::parse(black_box(&large)));
    });
    let file = kref_yaml::parse(&large);
    println!(
        "parse {source}: {} bytes, {lines} lines, {} documents, {} errors: best {}, median {}",
        large.len(),
        file.documents.len(),
        file.errors.len(),
        ms(best),
        ms(median)
    );

    let mut seed: u64 = 42;
    let mut times: Vec<Duration> = (0..1_000)
        .map(|_| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let offset = (seed >> 33) as usize % (large.len() + 1);
            let start = Instant::now();
            black_box(file.locate(black_box(offset)));
            start.elapsed()
        })
        .collect();
    times.sort();
    let pct = |p: usize| times[(times.len() * p / 100).min(times.len() - 1)];
    println!(
        "locate over 1,000 offsets of it: p50 {:.1} µs, p95 {:.1} µs, max {:.1} µs",
        pct(50).as_secs_f64() * 1e6,
        pct(95).as_secs_f64() * 1e6,
        times[times.len() - 1].as_secs_f64() * 1e6
    );

    let mut stream = String::with_capacity(20_100_000);
    while stream.len() < 20_000_000 {
        stream.push_str(&large);
        if !stream.ends_with('\n') {
            stream.push('\n');
        }
        stream.push_str("---\n");
    }
    let (best, median) = best_and_median(5, || {
        black_box(kref_yaml::parse(black_box(&stream)));
    });
    let file = kref_yaml::parse(&stream);
    println!(
        "parse a 20 MB stream ({} bytes, {} documents, {} errors): best {}, median {}",
        stream.len(),
        file.documents.len(),
        file.errors.len(),
        ms(best),
        ms(median)
    );
    drop(file);

    let single = generated_single_document(20_000_000);
    let (best, median) = best_and_median(5, || {
        black_box(kref_yaml::parse(black_box(&single)));
    });
    let file = kref_yaml::parse(&single);
    let start = Instant::now();
    let pairs = file.documents[0].pairs().count();
    let walk = start.elapsed();
    println!(
        "parse one 20 MB document ({} bytes, {} pairs, {} errors): best {}, median {}; walking all pairs {}",
        single.len(),
        pairs,
        file.errors.len(),
        ms(best),
        ms(median),
        ms(walk)
    );
}
