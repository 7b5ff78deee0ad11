#!/usr/bin/env python3
"""Generates a tree of Kubernetes manifests for benchmarking `kref check`.

Usage: gen_manifests.py OUT_DIR [--docs 10000] [--files 200] [--seed 1] [--mistakes 0.02]

Each file holds one application per namespace: ConfigMap, Secret, ServiceAccount, Deployment,
Service, Ingress, HorizontalPodAutoscaler, PodDisruptionBudget, NetworkPolicy, and every fourth
app a StatefulSet with its headless Service, or a CronJob. A small share of documents get one
planted mistake (a misspelt field, a bad enum value, a quoted integer, a selector mismatch) so
the run reports something, as a real tree would.
"""
import argparse
import os
import random

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {ns}
  labels:
    app.kubernetes.io/name: {app}
    app.kubernetes.io/part-of: {ns}
spec:
  replicas: {replicas}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
  strategy:
    type: {strategy}
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {app}
        app.kubernetes.io/part-of: {ns}
    spec:
      serviceAccountName: {app}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
      - name: {app}
        image: registry.example.com/{ns}/{app}:{version}
        ports:
        - name: http
          containerPort: 8080
        env:
        - name: LOG_LEVEL
          valueFrom:
            configMapKeyRef:
              name: {app}-config
              key: LOG_LEVEL
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef:
              name: {app}-db
              key: password
        readinessProbe:
          httpGet:
            path: /ready
            port: http
        livenessProbe:
          httpGet:
            path: /healthz
            port: http
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
          limits:
            memory: 256Mi
        securityContext:
          allowPrivilegeEscalation: false
          readOnlyRootFilesystem: true
"""

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: {app}
  namespace: {ns}
spec:
  selector:
    app.kubernetes.io/name: {app}
  ports:
  - name: http
    port: 80
    targetPort: http
"""

CONFIG = """apiVersion: v1
kind: ConfigMap
metadata:
  name: {app}-config
  namespace: {ns}
data:
  LOG_LEVEL: info
  FEATURES: "search,checkout"
"""

SECRET = """apiVersion: v1
kind: Secret
metadata:
  name: {app}-db
  namespace: {ns}
type: Opaque
data:
  password: c2VjcmV0LXBhc3N3b3Jk
"""

SA = """apiVersion: v1
kind: ServiceAccount
metadata:
  name: {app}
  namespace: {ns}
"""

INGRESS = """apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {app}
  namespace: {ns}
spec:
  ingressClassName: nginx
  rules:
  - host: {app}.{ns}.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: {app}
            port:
              name: http
"""

HPA = """apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {app}
  namespace: {ns}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {app}
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
"""

PDB = """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {app}
  namespace: {ns}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: {app}
"""

NETPOL = """apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {app}
  namespace: {ns}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: {app}
  policyTypes: [Ingress]
  ingress:
  - ports:
    - protocol: TCP
      port: 8080
"""

STS = """apiVersion: v1
kind: Service
metadata:
  name: {app}-db
  namespace: {ns}
spec:
  clusterIP: None
  selector:
    app: {app}-db
  ports:
  - name: postgres
    port: 5432
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {app}-db
  namespace: {ns}
spec:
  serviceName: {app}-db
  replicas: 3
  selector:
    matchLabels:
      app: {app}-db
  template:
    metadata:
      labels:
        app: {app}-db
    spec:
      containers:
      - name: postgres
        image: postgres:16.4
        ports:
        - name: postgres
          containerPort: 5432
        readinessProbe:
          exec:
            command: [pg_isready]
        resources:
          requests:
            cpu: 250m
            memory: 512Mi
          limits:
            memory: 1Gi
        volumeMounts:
        - name: data
          mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 20Gi
"""

CRON = """apiVersion: batch/v1
kind: CronJob
metadata:
  name: {app}-report
  namespace: {ns}
spec:
  schedule: "{minute} 3 * * *"
  concurrencyPolicy: Forbid
  startingDeadlineSeconds: 300
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: registry.example.com/{ns}/report:1.4.0
            resources:
              requests:
                cpu: 100m
                memory: 64Mi
              limits:
                memory: 128Mi
"""

MISTAKES = [
    ("  replicas: ", "  replica: "),
    ("    type: RollingUpdate", "    type: Rolling"),
    ("        - name: http\n          containerPort: 8080", "        - name: http\n          containerPort: \"8080\""),
    ("      labels:\n        app.kubernetes.io/name: {app}\n        app.kubernetes.io/part-of", "      labels:\n        app.kubernetes.io/name: {app}-web\n        app.kubernetes.io/part-of"),
    ("  concurrencyPolicy: Forbid", "  concurrencyPolicy: Sometimes"),
]


def app_docs(rng, ns, app, index, mistakes):
    fields = dict(ns=ns, app=app, replicas=rng.choice([2, 3, 4]), strategy="RollingUpdate",
                  version=f"1.{rng.randint(0, 40)}.{rng.randint(0, 9)}", minute=index % 60)
    docs = [CONFIG, SECRET, SA, DEPLOY, SERVICE, INGRESS, HPA, PDB, NETPOL]
    if index % 4 == 1:
        docs.append(STS)
    elif index % 4 == 3:
        docs.append(CRON)
    out = []
    for d in docs:
        text = d
        if rng.random() < mistakes:
            old, new = rng.choice(MISTAKES)
            text = text.replace(old, new, 1)
        out.append(text.format(**fields).rstrip("\n"))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out")
    p.add_argument("--docs", type=int, default=10000)
    p.add_argument("--files", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--mistakes", type=float, default=0.02)
    a = p.parse_args()
    rng = random.Random(a.seed)
    docs = []
    i = 0
    while len(docs) < a.docs:
        ns = f"team-{i // 8:03d}"
        for d in app_docs(rng, ns, f"svc-{i:05d}", i, a.mistakes):
            docs.extend(d.split("\n---\n"))
        i += 1
    docs = docs[: a.docs]
    per_file = -(-len(docs) // a.files)
    os.makedirs(a.out, exist_ok=True)
    for f in range(a.files):
        chunk = docs[f * per_file:(f + 1) * per_file]
        if not chunk:
            break
        sub = os.path.join(a.out, f"group-{f // 50:02d}")
        os.makedirs(sub, exist_ok=True)
        with open(os.path.join(sub, f"app-{f:04d}.yaml"), "w") as fh:
            fh.write("\n---\n".join(chunk) + "\n")
    print(f"{len(docs)} documents in {min(a.files, -(-len(docs) // per_file))} files under {a.out}")


main()
