//! Schema benchmarks (std::time only): built-in schema ready time, path resolution, field search,
//! and import of a ~4 MB OpenAPI v2 document generated from the built-in schema.
//!
//! Run with `cargo bench -p kref-corpus --bench schema`.

#![allow(clippy::print_stdout)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use kref_corpus::schema::{Schema, SchemaSource, builtin_source_bytes, import_openapi_v2};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let start = Instant::now();
        black_box(f());
        samples.push(start.elapsed());
    }
    let min = samples.iter().copied().min().unwrap_or_default();
    (min, median(samples))
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    // First use in this process: what a CLI command or the language server pays once.
    let start = Instant::now();
    let schema = Schema::builtin();
    let first = start.elapsed();
    println!(
        "built-in schema: {} kinds, {} types, embedded form {} bytes",
        schema.kind_count(),
        schema.type_count(),
        builtin_source_bytes().len()
    );
    println!("schema ready (first use, cold)      {}", ms(first));

    let (min, med) = time(30, || {
        Schema::from_source(SchemaSource::from_bytes(builtin_source_bytes()).unwrap_or_default())
    });
    println!("decode + index (warm)               min {} median {}", ms(min), ms(med));

    let paths = [
        ("Deployment", "spec.template.spec.containers[].ports[].protocol"),
        ("deploy", "spec.strategy.rollingUpdate.maxSurge"),
        ("pvc", "spec.accessModes"),
        ("ConfigMap", "data[app.properties]"),
        ("crd", "spec.versions.schema.openAPIV3Schema.properties[x].items"),
    ];
    let n = 100_000;
    let start = Instant::now();
    for i in 0..n {
        let (kind, path) = paths[i % paths.len()];
        black_box(schema.resolve(kind, path).is_ok());
    }
    let per = start.elapsed() / n as u32;
    println!("resolve path                        {:.2} µs per path", per.as_secs_f64() * 1e6);

    let (_, med) = time(50, || schema.find_fields_named("Deployment", "maxSurge"));
    println!("find_fields_named(Deployment, maxSurge) median {}", ms(med));
    let (_, med) = time(20, || schema.find_fields_named("Pod", "name"));
    println!("find_fields_named(Pod, name)        median {}", ms(med));

    // A document shaped like `kubectl get --raw /openapi/v2`, pretty-printed as the API server
    // serves it, grown to ~4 MB by repeating the definitions under other groups.
    let mut doc = schema.to_openapi_v2_value();
    let mut copies = 0;
    while serde_json::to_vec_pretty(&doc).map(|v| v.len()).unwrap_or(usize::MAX) < 4_000_000 && copies < 8 {
        copies += 1;
        let Some(defs) = doc.get("definitions").and_then(|d| d.as_object()).cloned() else { break };
        let target = doc.get_mut("definitions").and_then(|d| d.as_object_mut());
        let Some(target) = target else { break };
        for (name, mut def) in defs.into_iter().filter(|(n, _)| !n.starts_with("copy")) {
            if let Some(gvks) = def.get_mut("x-kubernetes-group-version-kind").and_then(|g| g.as_array_mut())
            {
                for gvk in gvks {
                    if let Some(obj) = gvk.as_object_mut() {
                        obj.insert("group".into(), format!("copy{copies}.example.com").into());
                    }
                }
            }
            target.insert(format!("copy{copies}.{name}"), def);
        }
    }
    let bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    println!(
        "OpenAPI v2 document                 {:.2} MB ({} copies of the built-in definitions)",
        bytes.len() as f64 / 1e6,
        copies + 1
    );
    let (min, med) = time(5, || import_openapi_v2("bench.json", &bytes).map(|s| s.kinds.len()).unwrap_or(0));
    println!("import OpenAPI v2                   min {} median {}", ms(min), ms(med));
    let imported = import_openapi_v2("bench.json", &bytes).unwrap_or_default();
    println!("  -> {} kinds, {} types", imported.kinds.len(), imported.types.len());
    let (_, med) = time(5, || schema.with_overlay(&imported).kind_count());
    println!("overlay on the built-in schema      median {}", ms(med));
    let cache = imported.to_bytes();
    let (_, med) = time(10, || SchemaSource::from_bytes(&cache).map(|s| s.kinds.len()).unwrap_or(0));
    println!("load the import from its cache form median {} ({} bytes)", ms(med), cache.len());
}
