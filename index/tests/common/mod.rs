//! Fixtures shared by the integration tests: small notes parsed with the real parser.

#![allow(dead_code)]

use kref_corpus::{Origin, parse_note};
use kref_index::{Doc, Hit, Manifest, Query, SearchIndex, docs_from_note};

pub const DEPLOYMENT: &str = "\
# Deployment

A Deployment keeps a set of identical Pods running and replaces them during a rolling update.

- `Deployment`: manages ReplicaSets for stateless applications.
  - `strategy`: how old Pods are replaced by new ones.
    - `RollingUpdate`: the default; replaces Pods gradually.
    - `Recreate`: stops all old Pods before starting new ones.
  - `rollingUpdate.maxSurge`: how many extra Pods may exist above the desired count.
  - `rollingUpdate.maxUnavailable`: how many Pods may be missing while Pods are replaced.

## Rolling updates

Pods are replaced in batches, bounded by max surge and max unavailable.
";

pub const STATEFULSET: &str = "\
# StatefulSet

Runs Pods with stable names and persistent storage, one volume claim per replica.

- `StatefulSet`: stable identity for each Pod.
  - `podManagementPolicy`: ordering of Pod creation. `OrderedReady` (default), `Parallel`
  - `updateStrategy`: how Pods are updated.

## Storage for stateful Pods

Each StatefulSet Pod gets its own claim; deleting a StatefulSet keeps the claims, and a
StatefulSet scaled down keeps them too. StatefulSet storage outlives the StatefulSet.
";

pub const CRONJOB: &str = "\
# CronJob

Runs Jobs on a schedule.

- `CronJob`: runs a Job on a repeating schedule.
  - `concurrencyPolicy`: what happens when a run is still going at the next tick.
    - `Allow`: default; runs may overlap.
    - `Forbid`: the new run is skipped.
    - `Replace`: the old run is stopped.
  - `schedule`: five cron fields.

## Restart behaviour

The kubelet restarts failed containers with exponential back-off.
";

pub const STORAGE: &str = "\
# Persistent volume claims

- `PersistentVolumeClaim`: asks for storage.
  - `accessModes`: how the volume can be mounted. `ReadWriteOnce` (one node), `ReadWriteMany` (many nodes)
";

pub const TROUBLESHOOTING: &str = "\
# CrashLoopBackOff

A container that keeps failing lands in CrashLoopBackOff. Check the logs of the previous run.

# Update order

Nodes are drained one update at a time, rolling through the pool.
";

pub fn notes() -> Vec<(&'static str, Origin, &'static str)> {
    vec![
        ("builtin:workloads/deployment.md", Origin::Builtin, DEPLOYMENT),
        ("builtin:workloads/statefulset.md", Origin::Builtin, STATEFULSET),
        ("builtin:workloads/cronjob.md", Origin::Builtin, CRONJOB),
        ("builtin:storage/pvc.md", Origin::Builtin, STORAGE),
        ("/home/me/notes/troubleshooting.md", Origin::User, TROUBLESHOOTING),
    ]
}

pub fn docs_of(path: &str, origin: Origin, md: &str) -> Vec<Doc> {
    docs_from_note(&parse_note(path, origin, md))
}

pub fn all_docs() -> Vec<Doc> {
    notes().into_iter().flat_map(|(p, o, md)| docs_of(p, o, md)).collect()
}

pub fn manifest() -> Manifest {
    Manifest { kref_version: "0.1.0-test".into(), ..Manifest::default() }
}

pub fn ram_index() -> SearchIndex {
    SearchIndex::in_ram(all_docs(), manifest()).unwrap()
}

pub fn search(index: &SearchIndex, text: &str) -> Vec<Hit> {
    index.search(&Query::new(text)).unwrap()
}

pub fn titles(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.title.as_str()).collect()
}
