#!/usr/bin/env python3
"""Times `kref check` and `kref check --print-rendered` on a generated overlay: a base of N
objects (Deployments, Services, ConfigMaps), an overlay with P strategic-merge patches, images,
replicas, a generator and a name prefix. Run from the repository root:
python3 bench/kustomize/run.py target/release/kref [N] [P] [RUNS] [--lsp]

With --lsp it also runs the shared LSP bench client (BENCH, default ../shared/bench/lspbench.py
beside the repository) on the overlay's kustomization.yaml and on a base file, the workspace
being the generated tree: hover and completion latency as an editor sees them, with the overlay
built for the diagnostics of each edit."""
import os
import statistics
import subprocess
import sys
import tempfile
import time


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def generate(root, n, patches):
    apps = n // 3
    files = []
    for i in range(apps):
        files.append(f"app{i}.yaml")
        write(f"{root}/base/app{i}.yaml", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{i}
spec:
  selector:
    matchLabels: {{app: app{i}}}
  template:
    metadata:
      labels: {{app: app{i}}}
    spec:
      containers:
      - name: main
        image: registry.example.com/app{i}:1.0.0
        envFrom:
        - configMapRef: {{name: settings{i}}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{memory: 128Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: app{i}
spec:
  selector: {{app: app{i}}}
  ports: [{{port: 80}}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings{i}
data: {{LEVEL: info}}
""")
    write(f"{root}/base/kustomization.yaml", "resources:\n" + "".join(f"- {f}\n" for f in files))
    lines = ["resources:", "- ../base", "namePrefix: prod-", "namespace: prod",
             "configMapGenerator:", "- name: extra", "  literals: [A=1]", "patches:"]
    for i in range(patches):
        write(f"{root}/prod/patch{i}.yaml", f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: app{i}
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: main
        env: [{{name: MODE, value: prod}}]
""")
        lines.append(f"- path: patch{i}.yaml")
    lines += ["images:", "- name: registry.example.com/app0", "  newTag: '2.0.0'", "replicas:", "- name: app1", "  count: 5"]
    write(f"{root}/prod/kustomization.yaml", "\n".join(lines) + "\n")


def lsp(kref, root, runs):
    here = os.path.dirname(os.path.abspath(__file__))
    bench = os.environ.get("BENCH", os.path.join(here, "../../../shared/bench"))
    client = os.path.join(bench, "lspbench.py")
    if not os.path.exists(client):
        print(f"no LSP bench client at {client} (set BENCH=...)", file=sys.stderr)
        return
    for rel in ("prod/kustomization.yaml", "base/app7.yaml"):
        out = subprocess.run([sys.executable, client, "--server", f"{os.path.abspath(kref)} lsp",
                              "--file", f"{root}/{rel}", "--root", root, "--rounds", str(runs),
                              "--changes", "10", "--diag-timeout", "5", "--quiet", "0.3"],
                             capture_output=True, text=True)
        print(f"kref lsp on {rel}: {out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr}")


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    kref = args[0] if len(args) > 0 else "target/release/kref"
    n = int(args[1]) if len(args) > 1 else 500
    p = int(args[2]) if len(args) > 2 else 50
    runs = int(args[3]) if len(args) > 3 else 5
    with tempfile.TemporaryDirectory() as root:
        generate(root, n, p)
        if "--lsp" in sys.argv:
            lsp(kref, root, min(runs, 3))
        for label, args in (("kref check --print-rendered prod", ["check", "--print-rendered", f"{root}/prod"]),
                            ("kref check (base + overlay, as built)", ["check", root, "--format", "plain"])):
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run([kref, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                times.append(time.perf_counter() - start)
            print(f"{label}: {n} base objects, {p} patches: median {statistics.median(times) * 1000:.0f} ms "
                  f"(min {min(times) * 1000:.0f} ms, {runs} runs)")


if __name__ == "__main__":
    main()
