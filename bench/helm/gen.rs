//! The generated chart the Helm benchmarks share: a block of about 100 template lines per app
//! (a Deployment with if/else, with, range, include and toYaml under `nindent`, a Service, a
//! ConfigMap with a templated block scalar) and a values.yaml declaring what the blocks read.

use std::fmt::Write;

/// One Deployment + Service block of about 100 lines, numbered so keys differ.
pub fn block(out: &mut String, n: usize) {
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

pub fn values(blocks: usize) -> String {
    let mut out = String::from(
        "nameOverride: \"\"\n# -- Image settings\nimage:\n  # -- Repository\n  repository: registry.example.com/app\n  pullPolicy: IfNotPresent\nserviceAccount:\n  create: true\n  name: \"\"\nservice:\n  type: ClusterIP\n  port: 80\nnodeSelector: {}\n",
    );
    for n in 0..blocks {
        let _ = write!(
            out,
            "app{n}:\n  # -- Run app {n}\n  enabled: true\n  tag: \"\"\n  replicas: 2\n  autoscaling:\n    enabled: false\n  annotations: {{}}\n  ports:\n    - name: http\n      port: 8080\n  env:\n    MODE: prod\n  resources:\n    requests:\n      cpu: 100m\n  config: {{}}\n"
        );
    }
    out
}

/// The chart's `_helpers.tpl`: the names the blocks include.
pub fn helpers() -> String {
    let mut out = String::new();
    for (name, body) in [
        ("bench.name", "{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix \"-\" }}"),
        ("bench.fullname", "{{- printf \"%s-%s\" .Release.Name (include \"bench.name\" .) | trunc 63 }}"),
        (
            "bench.selectorLabels",
            "app.kubernetes.io/name: {{ include \"bench.name\" . }}\napp.kubernetes.io/instance: {{ .Release.Name }}",
        ),
        ("bench.labels", "{{ include \"bench.selectorLabels\" . }}\nhelm.sh/chart: {{ .Chart.Name }}"),
        (
            "bench.serviceAccountName",
            "{{- default (include \"bench.fullname\" .) .Values.serviceAccount.name }}",
        ),
    ] {
        let _ = write!(out, "{{{{- define \"{name}\" -}}}}\n{body}\n{{{{- end }}}}\n\n");
    }
    out
}

/// Writes a chart to `dir`: Chart.yaml, values.yaml for `blocks` apps, the helpers,
/// `templates/apps.yaml` (all the blocks: about 100 lines each) and `small` one-block templates
/// beside it. Returns the path of `templates/apps.yaml`.
pub fn write_chart(dir: &std::path::Path, blocks: usize, small: usize) -> std::path::PathBuf {
    let templates = dir.join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: bench\nversion: 1.0.0\nappVersion: \"2.1.0\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("values.yaml"), values(blocks.max(small))).unwrap();
    std::fs::write(templates.join("_helpers.tpl"), helpers()).unwrap();
    let mut text = String::new();
    for n in 0..blocks {
        block(&mut text, n);
    }
    let main = templates.join("apps.yaml");
    std::fs::write(&main, text).unwrap();
    for n in 0..small {
        let mut one = String::new();
        block(&mut one, n);
        std::fs::write(templates.join(format!("app{n}.yaml")), one).unwrap();
    }
    main
}
