//! In-process benchmark of navigation on a generated workspace of about 10,000 objects: find
//! references, rename (the query, the files to edit parsed again, the query again, as the
//! language server does) and workspace symbols, with p50/p95 over many rounds; then inlay hints
//! (defaults and quantities) over one large file, whole and a screenful.
//!
//! Registered in Cargo.toml as `[[bench]] name = "navigate"`; run with
//! `cargo bench --bench navigate [-- APPS]` (APPS apps of 6 objects each, 1,667 by default).

#![allow(clippy::print_stdout)] // A benchmark prints its figures.
use std::collections::HashMap;
use std::time::{Duration, Instant};

use kref::analysis::navigate::index::{FileNav, index_file};
use kref::analysis::navigate::{references, rename, symbols};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn report(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!("{what:<48} p50 {:>9}  p95 {:>9}", ms(percentile(&times, 0.5)), ms(percentile(&times, 0.95)));
}

/// One app: a ConfigMap, a Secret, a ServiceAccount, a claim, a Service and the Deployment that
/// uses them all and the namespace's shared ConfigMap `common`.
fn app(i: usize) -> String {
    let ns = format!("team-{}", i % 10);
    format!(
        "apiVersion: v1
kind: ConfigMap
metadata: {{name: app-{i}-config, namespace: {ns}}}
data: {{mode: fast}}
---
apiVersion: v1
kind: Secret
metadata: {{name: app-{i}-secret, namespace: {ns}}}
stringData: {{token: t}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: app-{i}, namespace: {ns}}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {{name: app-{i}-data, namespace: {ns}}}
spec:
  accessModes: [ReadWriteOnce]
  resources: {{requests: {{storage: 1Gi}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: app-{i}, namespace: {ns}}}
spec:
  selector: {{app: app-{i}}}
  ports: [{{port: 80}}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: {ns}
spec:
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}, tier: web}}
    spec:
      serviceAccountName: app-{i}
      volumes:
        - name: data
          persistentVolumeClaim: {{claimName: app-{i}-data}}
      containers:
        - name: app
          image: nginx:1.27
          resources: {{requests: {{cpu: 250m, memory: 512Mi}}}}
          env:
            - {{name: PEER_ADDR, value: \"http://app-{i}:80\"}}
          envFrom:
            - configMapRef: {{name: app-{i}-config}}
            - configMapRef: {{name: common}}
            - secretRef: {{name: app-{i}-secret}}
"
    )
}

/// What the server does per request: the list of files the asking file sees (here all, one
/// unit), sorted by key, the asking file first.
fn files_for<'a>(navs: &'a HashMap<String, FileNav>, key: &'a str) -> Vec<(&'a str, &'a FileNav)> {
    let mut list: Vec<(&str, &FileNav)> = vec![(key, &navs[key])];
    list.extend(navs.iter().filter(|(k, _)| k.as_str() != key).map(|(k, n)| (k.as_str(), n)));
    list[1..].sort_unstable_by_key(|(k, _)| *k);
    list
}

fn main() {
    let apps: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1_667);
    let mut texts: Vec<(String, String)> =
        (0..apps).map(|i| (format!("/w/apps/app-{i}.yaml"), app(i))).collect();
    let common: Vec<String> = (0..10)
        .map(|n| {
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: common, namespace: team-{n}}}\n")
        })
        .collect();
    texts.push(("/w/common.yaml".into(), common.join("---\n")));
    let t = Instant::now();
    let navs: HashMap<String, FileNav> =
        texts.iter().map(|(k, t)| (k.clone(), index_file(&kref_yaml::parse(t)))).collect();
    let objects: usize = navs.values().map(|n| n.objects.len()).sum();
    let bytes: usize = texts.iter().map(|(_, t)| t.len()).sum();
    println!(
        "{} files, {objects} objects, {:.1} MB: parsed and indexed in {:.0} ms",
        navs.len(),
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64() * 1000.0
    );
    let text_of: HashMap<&str, &str> = texts.iter().map(|(k, t)| (k.as_str(), t.as_str())).collect();

    let files_for = |key: &'static str| files_for(&navs, key);
    let key = "/w/apps/app-42.yaml";
    let text = text_of[key];
    let offset_of = |needle: &str| text.find(needle).unwrap() + 1;
    let rounds = 50;

    for (what, needle) in [
        ("references: ConfigMap app-42-config (2 places)", "app-42-config}}\n"),
        ("references: ConfigMap common (168 places)", "common}}"),
        ("references: label app=app-42 (2 selectors)", "app: app-42, tier"),
        ("references: Service app-42 (its host in an env value)", "Service\nmetadata: {{name: app-42"),
    ] {
        let needle = needle.replace("}}", "}").replace("{{", "{");
        // The name after `{name: ` for the Service, else the needle's start.
        let offset = offset_of(&needle) + needle.find("{name: ").map_or(0, |i| i + 6);
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let files = files_for(key);
            let subject = references::subject_at(files[0].1, offset).unwrap();
            found = references::references(&subject, &files, true).len();
            times.push(t.elapsed());
        }
        report(&format!("{what} [{found}]"), times);
    }

    for (what, needle) in [
        ("rename: ConfigMap app-42-config", "app-42-config}\n"),
        ("rename: ConfigMap common (168 places)", "common}"),
    ] {
        let offset = offset_of(needle);
        let mut times = Vec::new();
        let mut edits = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let files = files_for(key);
            let first = rename::rename(&files, offset, "renamed").unwrap();
            // The files to edit, parsed again from their text.
            let mut fresh: HashMap<&str, FileNav> = HashMap::new();
            for h in &first {
                if h.file != key && !fresh.contains_key(h.file) {
                    fresh.insert(h.file, index_file(&kref_yaml::parse(text_of[h.file])));
                }
            }
            let files: Vec<(&str, &FileNav)> =
                files.iter().map(|(k, n)| (*k, fresh.get(k).unwrap_or(n))).collect();
            edits = rename::rename(&files, offset, "renamed").unwrap().len();
            times.push(t.elapsed());
        }
        report(&format!("{what} [{edits} edits]"), times);
    }

    for query in ["dep app-42", "svc app-1234", "cm common", "secret", ""] {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            let mut list: Vec<(&str, &FileNav)> = navs.iter().map(|(k, n)| (k.as_str(), n)).collect();
            list.sort_unstable_by_key(|(k, _)| *k);
            found = symbols::workspace_symbols(list.iter().copied(), query, 1_000).len();
            times.push(t.elapsed());
        }
        report(&format!("workspace symbols {query:?} [{found}]"), times);
    }

    // Inlay hints over one large file (as an editor asks: the whole file, or the lines shown);
    // parsing is not counted, the server parses a document once per version.
    let big: String = (0..1_000).map(app).collect::<Vec<_>>().join("---\n");
    let file = kref_yaml::parse(&big);
    let schema = kref_corpus::Schema::builtin();
    let window_start = big.len() / 2;
    let window_end = window_start + big[window_start..].match_indices('\n').nth(60).map_or(0, |(i, _)| i);
    for (what, range) in [
        ("whole file", kref_yaml::TextRange::new(0, big.len())),
        ("60 lines in the middle", kref_yaml::TextRange::new(window_start, window_end)),
    ] {
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..rounds {
            let t = Instant::now();
            found = kref::analysis::implicit::default_hints(&file, schema, range, false).len()
                + kref::analysis::implicit::quantity_hints(&file, schema, range).len();
            times.push(t.elapsed());
        }
        report(&format!("inlay hints, {:.1} MB file, {what} [{found}]", big.len() as f64 / 1e6), times);
    }
}
