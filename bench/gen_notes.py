#!/usr/bin/env python3
"""Generates a folder of synthetic Kubernetes-style Markdown notes for benchmarks.

usage: gen_notes.py OUT_DIR COUNT [SEED]

Deterministic for a given COUNT and SEED. Each note has a heading, a paragraph and a kind/field/
value list in the shape kref parses, drawn from a Kubernetes vocabulary, so both kref and rg
have realistic text to search. About 1 KB per note.
"""
import os
import random
import sys

KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service", "Ingress",
         "ConfigMap", "Secret", "PersistentVolumeClaim", "HorizontalPodAutoscaler",
         "PodDisruptionBudget", "NetworkPolicy", "ServiceAccount", "Role", "Node", "Namespace"]
FIELDS = ["replicas", "strategy", "selector", "template", "maxSurge", "maxUnavailable",
          "concurrencyPolicy", "schedule", "accessModes", "storageClassName", "resources",
          "livenessProbe", "readinessProbe", "imagePullPolicy", "restartPolicy", "tolerations",
          "affinity", "nodeSelector", "ports", "targetPort", "externalTrafficPolicy"]
VALUES = ["RollingUpdate", "Recreate", "Forbid", "Replace", "Allow", "ReadWriteOnce",
          "ReadWriteMany", "Always", "IfNotPresent", "Never", "OnFailure", "ClusterIP",
          "NodePort", "LoadBalancer", "Local", "Cluster"]
WORDS = ("pod node cluster restart rollout image registry volume claim storage network policy "
         "traffic ingress egress label selector annotation quota limit request memory cpu "
         "probe timeout backoff retry schedule nightly batch queue database cache replica "
         "zone region upgrade drain cordon taint toleration priority eviction secret token "
         "certificate webhook admission controller scheduler kubelet proxy dns service "
         "endpoint gateway route canary blue green migration incident runbook alert pager "
         "dashboard metric latency throughput outage rollback deploy release team owner").split()


def sentence(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


def note(rng, i):
    kind = rng.choice(KINDS)
    lines = [f"# {kind} note {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}", "",
             " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(3)), "",
             f"- `{kind}`: {sentence(rng, 10)}"]
    for _ in range(rng.randint(2, 4)):
        lines.append(f"  - `{rng.choice(FIELDS)}`: {sentence(rng, rng.randint(6, 14))}")
        for _ in range(rng.randint(0, 2)):
            lines.append(f"    - `{rng.choice(VALUES)}`: {sentence(rng, rng.randint(5, 10))}")
    lines += ["", "## Details", "", " ".join(sentence(rng, rng.randint(8, 16)) for _ in range(4)), ""]
    return "\n".join(lines)


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)
    per_dir = 1000
    for i in range(count):
        d = os.path.join(out, f"d{i // per_dir:04d}")
        if i % per_dir == 0:
            os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, f"note-{i:06d}.md"), "w") as f:
            f.write(note(rng, i))


if __name__ == "__main__":
    main()
