//! In-process benchmark of the Helm template reader on a generated 1,000-line template: scan,
//! YAML with holes, the whole `TemplateFile::parse` (scan + holes + YAML parse + references +
//! documents), and the lookups hover and completion will make (reference under the cursor,
//! scope, values lookup with its doc comment, children for completion), with p50/p95.
//!
//! Registered in Cargo.toml as `[[bench]] name = "helm" path = "bench/helm/template.rs"
//! harness = false`; run with `cargo bench --bench helm`. The template and values are generated
//! here (the shapes of a typical chart), so nothing outside the repository is needed.

#![allow(clippy::print_stdout)] // A benchmark prints its figures.
use std::fmt::Write;
use std::time::{Duration, Instant};

use kref::analysis::helm::holes::transform;
use kref::analysis::helm::scan::scan;
use kref::analysis::helm::{Lookup, TemplateFile, ValuesFile};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// One Deployment + Service block of about 100 lines, numbered so keys differ.
fn block(out: &mut String, n: usize) {
    let _ = write!(
        out,
        r#"{{{{- if .Values.app{n}.enabled }}}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{{{ include "bench.fullname" . }}}}-{n}
  labels:
    {{{{- include "bench.labels" . | nindent 4 }}}}
  {{{{- with .Values.app{n}.annotations }}}}
  annotations:
    {{{{- toYaml . | nindent 4 }}}}
  {{{{- end }}}}
spec:
  {{{{- if not .Values.app{n}.autoscaling.enabled }}}}
  replicas: {{{{ .Values.app{n}.replicas }}}}
  {{{{- end }}}}
  selector:
    matchLabels:
      {{{{- include "bench.selectorLabels" . | nindent 6 }}}}
  template:
    metadata:
      labels:
        {{{{- include "bench.selectorLabels" . | nindent 8 }}}}
        component: app{n}
    spec:
      {{{{- if .Values.serviceAccount.create }}}}
      serviceAccountName: {{{{ include "bench.serviceAccountName" . }}}}
      {{{{- else }}}}
      serviceAccountName: default
      {{{{- end }}}}
      securityContext:
        runAsNonRoot: true
        runAsUser: 1000
      containers:
        - name: app{n}
          image: "{{{{ .Values.image.repository }}}}:{{{{ .Values.app{n}.tag | default .Chart.AppVersion }}}}"
          imagePullPolicy: {{{{ .Values.image.pullPolicy }}}}
          ports:
            {{{{- range .Values.app{n}.ports }}}}
            - name: {{{{ .name }}}}
              containerPort: {{{{ .port }}}}
              protocol: TCP
            {{{{- end }}}}
          env:
            - name: APP_ID
              value: "{n}"
            {{{{- range $key, $value := .Values.app{n}.env }}}}
            - name: {{{{ $key }}}}
              value: {{{{ $value | quote }}}}
            {{{{- end }}}}
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 10
          readinessProbe:
            httpGet:
              path: /ready
              port: http
          resources:
            {{{{- toYaml .Values.app{n}.resources | nindent 12 }}}}
          volumeMounts:
            - name: config
              mountPath: /etc/app
      volumes:
        - name: config
          configMap:
            name: {{{{ include "bench.fullname" . }}}}-{n}
      {{{{- with .Values.nodeSelector }}}}
      nodeSelector:
        {{{{- toYaml . | nindent 8 }}}}
      {{{{- end }}}}
---
apiVersion: v1
kind: Service
metadata:
  name: {{{{ include "bench.fullname" . }}}}-{n}
  labels:
    {{{{- include "bench.labels" . | nindent 4 }}}}
spec:
  type: {{{{ .Values.service.type }}}}
  ports:
    - port: {{{{ .Values.service.port }}}}
      targetPort: http
      protocol: TCP
      name: http
  selector:
    {{{{- include "bench.selectorLabels" . | nindent 4 }}}}
    component: app{n}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{{{ include "bench.fullname" . }}}}-{n}
data:
  app.yaml: |
    id: {n}
    {{{{- with .Values.app{n}.config }}}}
    {{{{- toYaml . | nindent 4 }}}}
    {{{{- end }}}}
{{{{- end }}}}
"#
    );
}

fn values(blocks: usize) -> String {
    let mut out = String::from(
        "# -- Image settings\nimage:\n  # -- Repository\n  repository: registry.example.com/app\n  pullPolicy: IfNotPresent\nserviceAccount:\n  create: true\nservice:\n  type: ClusterIP\n  port: 80\nnodeSelector: {}\n",
    );
    for n in 0..blocks {
        let _ = write!(
            out,
            "app{n}:\n  # -- Run app {n}\n  enabled: true\n  tag: \"\"\n  replicas: 2\n  autoscaling:\n    enabled: false\n  annotations: {{}}\n  ports:\n    - name: http\n      port: 8080\n  env:\n    MODE: prod\n  resources:\n    requests:\n      cpu: 100m\n  config: {{}}\n"
        );
    }
    out
}

fn time<T>(rounds: usize, mut f: impl FnMut() -> T) -> (Duration, Duration) {
    let mut samples = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let t = Instant::now();
        std::hint::black_box(f());
        samples.push(t.elapsed());
    }
    samples.sort();
    (percentile(&samples, 0.5), percentile(&samples, 0.95))
}

fn main() {
    let blocks = 10;
    let mut text = String::new();
    for n in 0..blocks {
        block(&mut text, n);
    }
    let lines = text.lines().count();
    let values_text = values(blocks);
    let file = TemplateFile::parse(&text);
    let values = ValuesFile::parse(&values_text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    println!(
        "template: {} lines, {} bytes, {} actions, {} documents, {} .Values references",
        lines,
        text.len(),
        file.scan.actions.len(),
        file.documents.len(),
        file.references.values.len()
    );

    let rounds = 200;
    let report = |name: &str, (p50, p95): (Duration, Duration)| {
        println!("{name:<28} p50 {:>10}  p95 {:>10}", us(p50), us(p95))
    };
    report("scan", time(rounds, || scan(&text)));
    let scanned = scan(&text);
    report("YAML with holes", time(rounds, || transform(&text, &scanned)));
    let holed = transform(&text, &scanned);
    report("kref_yaml::parse of it", time(rounds, || kref_yaml::parse(&holed.text)));
    report("references", time(rounds, || kref::analysis::helm::refs::collect(&text, &scanned)));
    report("TemplateFile::parse (all)", time(rounds, || TemplateFile::parse(&text)));
    report("values.yaml parse", time(rounds, || ValuesFile::parse(&values_text)));

    // Hover on `.Values.appN.replicas` near the end of the file: reference, lookup, doc.
    let offset = text.rfind(".replicas").expect("a replicas reference") + 3;
    report(
        "hover: ref + lookup + doc",
        time(2_000, || {
            let reference = file.values_ref_at(offset).expect("a reference under the cursor");
            let path = reference.path_at(offset);
            match values.lookup(&path) {
                Lookup::Found { key_range: Some(range), node } => {
                    (values.doc(&path, range), values.display(node, 15)).0.map(|d| d.text.len())
                }
                _ => None,
            }
        }),
    );
    // Completion after `.` inside `range .Values.appN.ports`: the scope, then the keys.
    let inside = text.rfind("containerPort: {{ .port").expect("a range body") + 19;
    report(
        "completion: scope + keys",
        time(2_000, || {
            let scope = file.scope_at(inside);
            match scope.dot {
                kref::analysis::helm::DotValue::Values(path) => values.children(&path).len(),
                _ => 0,
            }
        }),
    );
}
