//! Search latency and build throughput on synthetic corpora (1k, 10k, 100k sections).
//!
//! Run with `cargo bench -p kref-index --bench search`. Plain `std::time::Instant` timing; the
//! corpora are generated from a Kubernetes-like vocabulary with a fixed-seed PRNG, so runs are
//! comparable. Each query's latency is the best of three runs (a shared machine's noise otherwise
//! dominates the tail). Pass sizes as arguments to run only those (`-- 1000 10000`); set
//! `KREF_BENCH_SLOWEST=1` to list the slowest queries and `KREF_BENCH_WARMUP=50` to repeat the
//! queries (for a profiler) before measuring.

use std::io::Write;
use std::time::{Duration, Instant};

use kref_corpus::Origin;
use kref_corpus::parse_note;
use kref_index::{Doc, Manifest, Query, SearchIndex, docs_from_note};

const KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Service",
    "Ingress",
    "ConfigMap",
    "Secret",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "StorageClass",
    "Namespace",
    "Node",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "NetworkPolicy",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "LimitRange",
    "ResourceQuota",
    "EndpointSlice",
    "IngressClass",
    "PriorityClass",
    "RuntimeClass",
    "CustomResourceDefinition",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "Lease",
    "Event",
    "CSIDriver",
    "VolumeAttachment",
    "HTTPRoute",
    "Gateway",
    "GatewayClass",
];

const FIELDS: &[&str] = &[
    "replicas",
    "selector",
    "template",
    "strategy",
    "maxSurge",
    "maxUnavailable",
    "minReadySeconds",
    "revisionHistoryLimit",
    "progressDeadlineSeconds",
    "podManagementPolicy",
    "updateStrategy",
    "serviceName",
    "volumeClaimTemplates",
    "concurrencyPolicy",
    "schedule",
    "startingDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "suspend",
    "backoffLimit",
    "activeDeadlineSeconds",
    "ttlSecondsAfterFinished",
    "completions",
    "parallelism",
    "restartPolicy",
    "terminationGracePeriodSeconds",
    "nodeSelector",
    "affinity",
    "tolerations",
    "priorityClassName",
    "securityContext",
    "runAsUser",
    "runAsNonRoot",
    "readOnlyRootFilesystem",
    "allowPrivilegeEscalation",
    "capabilities",
    "containers",
    "initContainers",
    "image",
    "imagePullPolicy",
    "command",
    "args",
    "env",
    "envFrom",
    "ports",
    "containerPort",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "initialDelaySeconds",
    "periodSeconds",
    "failureThreshold",
    "resources",
    "requests",
    "limits",
    "volumeMounts",
    "mountPath",
    "volumes",
    "accessModes",
    "storageClassName",
    "volumeMode",
    "reclaimPolicy",
    "allowVolumeExpansion",
    "clusterIP",
    "externalTrafficPolicy",
    "sessionAffinity",
    "targetPort",
    "nodePort",
    "loadBalancerIP",
    "ingressClassName",
    "rules",
    "tls",
    "backend",
    "pathType",
    "hostNetwork",
    "dnsPolicy",
    "serviceAccountName",
    "automountServiceAccountToken",
    "topologySpreadConstraints",
    "whenUnsatisfiable",
    "maxSkew",
    "minAvailable",
    "scaleTargetRef",
    "minReplicas",
    "maxReplicas",
    "metrics",
    "behavior",
    "policyTypes",
    "podSelector",
    "namespaceSelector",
    "ipBlock",
    "egress",
    "ingress",
    "finalizers",
    "ownerReferences",
    "labels",
    "annotations",
    "generateName",
];

const WORDS: &[&str] = &[
    "the",
    "a",
    "of",
    "to",
    "and",
    "is",
    "in",
    "that",
    "it",
    "for",
    "on",
    "with",
    "as",
    "by",
    "when",
    "if",
    "are",
    "be",
    "this",
    "not",
    "can",
    "or",
    "from",
    "each",
    "new",
    "old",
    "all",
    "pod",
    "pods",
    "container",
    "containers",
    "node",
    "nodes",
    "cluster",
    "controller",
    "scheduler",
    "kubelet",
    "api",
    "server",
    "object",
    "objects",
    "field",
    "spec",
    "status",
    "label",
    "labels",
    "selector",
    "volume",
    "volumes",
    "claim",
    "storage",
    "network",
    "policy",
    "service",
    "endpoint",
    "traffic",
    "port",
    "image",
    "restart",
    "restarts",
    "restarting",
    "running",
    "ready",
    "pending",
    "failed",
    "succeeded",
    "update",
    "updates",
    "rolling",
    "rollout",
    "rollback",
    "replica",
    "replicas",
    "scale",
    "scaling",
    "autoscaler",
    "metric",
    "cpu",
    "memory",
    "limit",
    "request",
    "quota",
    "namespace",
    "secret",
    "config",
    "token",
    "account",
    "role",
    "binding",
    "permission",
    "rule",
    "webhook",
    "admission",
    "validation",
    "default",
    "value",
    "values",
    "optional",
    "required",
    "seconds",
    "minutes",
    "timeout",
    "deadline",
    "history",
    "revision",
    "template",
    "probe",
    "liveness",
    "readiness",
    "startup",
    "health",
    "check",
    "fails",
    "succeeds",
    "kill",
    "signal",
    "grace",
    "period",
    "termination",
    "eviction",
    "evicted",
    "pressure",
    "disk",
    "taint",
    "toleration",
    "affinity",
    "spread",
    "topology",
    "zone",
    "region",
    "ingress",
    "egress",
    "dns",
    "name",
    "names",
    "stable",
    "identity",
    "ordered",
    "parallel",
    "schedule",
    "cron",
    "job",
    "jobs",
    "backoff",
    "retry",
    "completion",
    "suspend",
    "concurrency",
    "overlap",
    "forbid",
    "replace",
    "allow",
    "mount",
    "path",
    "read",
    "write",
    "once",
    "many",
    "access",
    "mode",
    "reclaim",
    "retain",
    "delete",
    "expansion",
    "driver",
    "attach",
    "detach",
    "lease",
    "leader",
    "election",
    "event",
    "events",
    "log",
    "logs",
    "debug",
    "exec",
    "describe",
    "apply",
    "patch",
    "server-side",
    "manager",
    "owner",
    "garbage",
    "collection",
    "finalizer",
    "annotation",
    "generation",
    "observed",
    "condition",
    "conditions",
    "reason",
    "message",
    "phase",
    "ephemeral",
    "sidecar",
    "init",
];

const HEADINGS: &[&str] = &[
    "Overview",
    "How it works",
    "Common mistakes",
    "Troubleshooting",
    "Examples",
    "Defaults",
    "Limits",
    "Security",
    "Scheduling",
    "Updates",
    "Storage",
    "Networking",
    "Observability",
    "Scaling",
    "Lifecycle",
];

/// SplitMix64: tiny, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Zipf-ish: small indexes much more often than large ones.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64).powf(u) - 1.0) as usize % n
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.skewed(list.len())]
    }
}

fn sentence(rng: &mut Rng, out: &mut String) {
    let len = 6 + rng.below(14);
    for i in 0..len {
        if i > 0 {
            out.push(' ');
        }
        match rng.below(10) {
            0 => out.push_str(rng.pick(KINDS)),
            1 => {
                out.push('`');
                out.push_str(rng.pick(FIELDS));
                out.push('`');
            }
            _ => out.push_str(rng.pick(WORDS)),
        }
    }
    out.push_str(". ");
}

/// Notes in the shape people write them (a heading, a paragraph, a list of entries about a kind
/// and its fields; a second heading with more text), parsed as kref parses notes: `sections`
/// section documents, about twice as many entries kept inside them.
fn corpus(sections: usize, seed: u64) -> Vec<Doc> {
    let mut rng = Rng(seed);
    let mut docs = Vec::with_capacity(sections * 3);
    let mut made = 0;
    let mut n = 0;
    while made < sections {
        let kind = rng.pick(KINDS);
        let h = rng.pick(HEADINGS);
        let mut md = format!("# {h} of {kind}\n\n");
        for _ in 0..(2 + rng.below(4)) {
            sentence(&mut rng, &mut md);
        }
        md.push_str(&format!("\n\n- `{kind}`: "));
        sentence(&mut rng, &mut md);
        md.push('\n');
        for _ in 0..(1 + rng.below(3)) {
            md.push_str(&format!("  - `{}`: ", rng.pick(FIELDS)));
            sentence(&mut rng, &mut md);
            md.push('\n');
        }
        md.push_str(&format!("\n## {} of {kind}\n\n", rng.pick(HEADINGS)));
        for _ in 0..(2 + rng.below(6)) {
            sentence(&mut rng, &mut md);
        }
        let origin = if rng.below(10) == 0 { Origin::User } else { Origin::Builtin };
        let note = parse_note(&format!("notes/{}/{n}.md", kind.to_lowercase()), origin, &md);
        made += note.sections.len();
        docs.extend(docs_from_note(&note));
        n += 1;
    }
    docs
}

fn typo(rng: &mut Rng, word: &str) -> String {
    let mut chars: Vec<char> = word.to_lowercase().chars().collect();
    if chars.len() < 5 {
        return chars.into_iter().collect();
    }
    let i = 1 + rng.below(chars.len() - 2);
    match rng.below(3) {
        0 => {
            chars.remove(i);
        }
        1 => chars.swap(i, i + 1),
        _ => chars[i] = 'x',
    }
    chars.into_iter().collect()
}

/// `WORDS` starts with function words: the corpus is full of them, but nobody searches for them.
const FUNCTION_WORDS: usize = 27;

fn queries(n: usize) -> Vec<(&'static str, String)> {
    let mut rng = Rng(7);
    let mut out = Vec::with_capacity(n);
    let content = &WORDS[FUNCTION_WORDS..];
    for i in 0..n {
        let q = match i % 10 {
            0..=3 => ("word", rng.pick(content).to_string()),
            4 | 5 => ("two words", format!("{} {}", rng.pick(content), rng.pick(content))),
            6 => ("kind", rng.pick(KINDS).to_string()),
            7 | 8 => ("identifier", rng.pick(FIELDS).to_string()),
            _ => {
                let base = if rng.below(2) == 0 { rng.pick(KINDS) } else { rng.pick(FIELDS) };
                ("typo", typo(&mut rng, base))
            }
        };
        out.push(q);
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let mut out = std::io::stdout().lock();
    let sizes: Vec<usize> = {
        let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
        if args.is_empty() { vec![1_000, 10_000, 100_000] } else { args }
    };
    let queries = queries(200);
    let _ = writeln!(
        out,
        "{:>8} {:>9} {:>9} {:>10} {:>9} {:>9} {:>9} {:>9}",
        "sections", "text MB", "build s", "build MB/s", "p50 µs", "p95 µs", "max µs", "hits/q"
    );
    for size in sizes {
        let docs = corpus(size, 42);
        // The notes' text: the sections' (entries read inside them).
        let bytes: usize = docs
            .iter()
            .filter(|d| d.doc_type == kref_index::DocType::Section)
            .map(|d| d.title.len() + d.body.len())
            .sum();
        let mb = bytes as f64 / 1e6;
        let start = Instant::now();
        let index = SearchIndex::in_ram(docs, Manifest::default()).expect("build");
        let build = start.elapsed();
        // Warm up caches, as a long-running server would be (more rounds for profiling).
        let rounds: usize = std::env::var("KREF_BENCH_WARMUP").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
        for _ in 0..rounds {
            for (_, q) in &queries {
                let _ = index.search(&Query { limit: 10, ..Query::new(q.clone()) });
            }
        }
        let mut times = Vec::with_capacity(queries.len());
        let mut slowest: Vec<(Duration, &str)> = Vec::new();
        let mut by_kind: Vec<(&str, Vec<Duration>)> = Vec::new();
        let mut hits = 0usize;
        for (kind, q) in &queries {
            let query = Query { limit: 10, ..Query::new(q.clone()) };
            // Best of three: the latency of the query, not of whatever else the machine did.
            let mut elapsed = Duration::MAX;
            let mut found = Vec::new();
            for _ in 0..3 {
                let t = Instant::now();
                found = index.search(&query).expect("search");
                elapsed = elapsed.min(t.elapsed());
            }
            hits += found.len();
            times.push(elapsed);
            slowest.push((elapsed, q));
            match by_kind.iter_mut().find(|(k, _)| k == kind) {
                Some((_, v)) => v.push(elapsed),
                None => by_kind.push((kind, vec![elapsed])),
            }
        }
        times.sort();
        let _ = writeln!(
            out,
            "{:>8} {:>9.1} {:>9.2} {:>10.1} {:>9.0} {:>9.0} {:>9.0} {:>9.1}",
            size,
            mb,
            build.as_secs_f64(),
            mb / build.as_secs_f64(),
            micros(percentile(&times, 0.5)),
            micros(percentile(&times, 0.95)),
            micros(*times.last().unwrap_or(&Duration::ZERO)),
            hits as f64 / queries.len() as f64,
        );
        if std::env::var_os("KREF_BENCH_SLOWEST").is_some() {
            slowest.sort();
            for (t, q) in slowest.iter().rev().take(10) {
                let _ = writeln!(out, "{:>8}   slow: {:>6.0} µs  {q:?}", "", micros(*t));
            }
        }
        for (kind, mut v) in by_kind {
            v.sort();
            let _ = writeln!(
                out,
                "{:>8}   {:<11} n={:<3} p50 {:>6.0} µs  p95 {:>6.0} µs",
                "",
                kind,
                v.len(),
                micros(percentile(&v, 0.5)),
                micros(percentile(&v, 0.95)),
            );
        }
    }
}
