//! The query set: questions asked the way people ask them must find the right note in the top 3
//! of the built-in corpus. Prints the hit rate and every miss.

use kref_corpus::schema::{KindSource, Schema};
use kref_corpus::{Origin, builtin};
use kref_index::{Manifest, Query, SearchIndex, docs_from_note, docs_from_schema};

/// (question, any of these must appear in the title, breadcrumb, path or kinds of a top-3 hit)
const QUERIES: &[(&str, &[&str])] = &[
    ("pod keeps restarting", &["CrashLoopBackOff"]),
    ("run a task every night", &["CronJob"]),
    // The accessModes entry is where ReadWriteMany is explained.
    ("volume shared by many nodes", &["ReadWriteMany", "accessModes"]),
    ("can't pull image", &["ImagePullBackOff", "ErrImagePull"]),
    ("pod stuck pending", &["Pending"]),
    ("service returns 503", &["503"]),
    ("expose my app to the internet", &["Ingress", "LoadBalancer", "Gateway"]),
    ("give pods an identity to call the API", &["ServiceAccount"]),
    ("limit memory of a container", &["resources", "LimitRange", "memory"]),
    ("container killed out of memory", &["OOMKilled", "memory"]),
    ("run one pod on every node", &["DaemonSet"]),
    ("database with stable storage and names", &["StatefulSet"]),
    ("zero downtime rolling update", &["RollingUpdate", "strategy"]),
    ("scale pods automatically on cpu", &["HorizontalPodAutoscaler"]),
    ("keep pods running during node drain", &["PodDisruptionBudget"]),
    ("store passwords", &["Secret"]),
    ("non secret configuration for an app", &["ConfigMap"]),
    ("block traffic between namespaces", &["NetworkPolicy"]),
    ("copy a file out of a pod", &["cp"]),
    ("open a shell inside a container", &["exec"]),
    ("check if I am allowed to list secrets", &["can-i", "auth", "SelfSubjectAccessReview"]),
    ("forward a local port to a pod", &["port-forward"]),
    ("watch events live", &["events", "Event"]),
    ("keep pods off a node", &["Taint", "taints", "Toleration", "NoSchedule"]),
    ("prefer spreading replicas across zones", &["topologySpreadConstraints", "podAntiAffinity", "Affinity"]),
    ("readiness probe failing", &["Probe", "probe", "readinessProbe"]),
    ("jobs overlapping when the previous run is slow", &["concurrencyPolicy"]),
    ("retry failed job", &["backoffLimit", "Job"]),
    ("private registry credentials", &["dockerconfigjson", "imagePullSecrets"]),
    ("give a pod AWS permissions", &["IRSA", "Pod Identity", "eks"]),
    ("aws load balancer for ingress", &["ALB", "eks", "AWS load balancer"]),
    ("pods get IP addresses from the VPC", &["VPC CNI", "eks"]),
    ("dns name of a service", &["svc.cluster.local", "DNS", "dns"]),
    ("permissions across the whole cluster", &["ClusterRole"]),
    // The strategy.type entry explains Recreate, as `strategy` does for rolling updates above.
    ("delete pods before creating new ones", &["Recreate", "strategy"]),
    ("statefulst", &["StatefulSet"]),
    ("concurency policy", &["concurrencyPolicy"]),
    ("max surge", &["maxSurge", "rollingUpdate", "RollingUpdate", "strategy"]),
    ("extend the API with my own resource types", &["CustomResourceDefinition"]),
    ("namespace stuck terminating", &["Terminating"]),
];

fn describe(hit: &kref_index::Hit) -> String {
    format!("{} | {} | {} | {}", hit.title, hit.breadcrumb, hit.file, hit.kinds.join(","))
}

#[test]
fn questions_find_the_right_note_in_the_top_three() {
    // The same documents as the CLI's index with no user notes: built-in notes and schema.
    let mut docs: Vec<_> = builtin::notes().iter().flat_map(docs_from_note).collect();
    docs.extend(docs_from_schema(Schema::builtin(), &KindSource::Builtin));
    let index = SearchIndex::in_ram(docs, Manifest::default()).unwrap();
    let mut misses = Vec::new();
    for (question, expected) in QUERIES {
        let hits = index
            .search(&Query {
                text: (*question).to_string(),
                limit: 3,
                kind: None,
                origin: Some(Origin::Builtin),
                doc_type: None,
            })
            .unwrap();
        let found = hits.iter().any(|h| {
            let d = describe(h);
            expected.iter().any(|e| d.contains(e))
        });
        if !found {
            misses.push(format!(
                "{question:?} wanted one of {expected:?}, got:\n    {}",
                hits.iter().map(describe).collect::<Vec<_>>().join("\n    ")
            ));
        }
    }
    let rate = 1.0 - misses.len() as f64 / QUERIES.len() as f64;
    eprintln!("query set: {} queries, hit rate in the top 3: {:.0}%", QUERIES.len(), rate * 100.0);
    for m in &misses {
        eprintln!("miss: {m}");
    }
    assert!(QUERIES.len() >= 30);
    assert!(rate >= 0.95, "hit rate {rate:.2} is below 95%:\n{}", misses.join("\n"));
}
