//! One test per class of false error found on real repositories (issue 12), on documents
//! written here in the shapes those repositories have: each asserts that the valid shape gets
//! no error or warning and that a real mistake next to it is still reported.

use std::path::{Path, PathBuf};

use kref_corpus::schema::KubeVersion;

use super::*;
use crate::model::project::{self, FileFacts};

/// `(one-based line, rule)` of the errors and warnings of a single file checked on its own
/// (CRDs in it describe its custom resources).
fn findings(text: &str) -> Vec<(usize, &'static str)> {
    let (file, report) =
        run_fixture(text, &FixtureOptions { version: KubeVersion::new(1, 33), profile: Profile::Default });
    report
        .diagnostics
        .iter()
        .filter(|d| {
            d.severity <= Severity::Warning
                && !matches!(d.rule, "missing-resources" | "missing-probes" | "image-tag")
        })
        .map(|d| (file.line_index().line_of(d.range.start) + 1, d.rule))
        .collect()
}

const CRD: &str = "apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: servers.precision.example.com}
spec:
  group: precision.example.com
  names: {kind: Server, plural: servers}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [size]
            properties:
              size: {type: string, default: small, enum: [small, large]}
              port:
                anyOf: [{type: integer}, {type: string}]
                x-kubernetes-int-or-string: true
              limits:
                type: object
                additionalProperties:
                  anyOf: [{type: integer}, {type: string}]
                  pattern: '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'
                  x-kubernetes-int-or-string: true
              config:
                type: object
                properties:
                  raw: {type: object, x-kubernetes-preserve-unknown-fields: true}
              template:
                type: object
                x-kubernetes-embedded-resource: true
                properties:
                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
              labels:
                description: Labels to add to alerts; values may hold {{ $labels.x }} templates.
                type: object
                additionalProperties: {type: string}
---
";

#[test]
fn int_or_string_alternatives_are_not_an_integer() {
    let text = format!(
        "{CRD}apiVersion: precision.example.com/v1
kind: Server
metadata: {{name: a}}
spec:
  port: web
  limits: {{cpu: 100m, memory: 128Mi, gpu: 1}}
---
apiVersion: precision.example.com/v1
kind: Server
metadata: {{name: b}}
spec:
  port: 8.5
  limits: {{memory: 1GB}}
"
    );
    let crd_lines = CRD.lines().count();
    assert_eq!(findings(&text), [(crd_lines + 12, "wrong-type"), (crd_lines + 13, "invalid-value")]);
}

#[test]
fn unknown_fields_are_kept_where_the_schema_keeps_them_and_embedded_objects_have_metadata() {
    let text = format!(
        "{CRD}apiVersion: precision.example.com/v1
kind: Server
metadata: {{name: a}}
spec:
  config:
    raw: {{anything: {{at: [any, depth]}}}}
    cooked: true
  template:
    apiVersion: v1
    kind: Pod
    metadata: {{name: p, labels: {{app: p}}}}
    spec: {{containers: []}}
"
    );
    let crd_lines = CRD.lines().count();
    assert_eq!(findings(&text), [(crd_lines + 7, "unknown-field")], "only `cooked` is unknown");
}

#[test]
fn a_required_field_with_a_default_is_not_missing_nor_is_an_optional_spec() {
    let text = format!(
        "{CRD}apiVersion: precision.example.com/v1
kind: Server
metadata: {{name: no-spec}}
---
apiVersion: precision.example.com/v1
kind: Server
metadata: {{name: defaulted}}
spec: {{port: 80}}
---
apiVersion: v1
kind: Pod
metadata: {{name: scratch}}
spec:
  containers:
  - {{name: app, image: busybox:1.36, volumeMounts: [{{name: tmp, mountPath: /tmp}}]}}
  volumes:
  - name: tmp
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: rb}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}}
subjects:
- {{kind: User, name: jane}}
"
    );
    assert_eq!(findings(&text), []);
}

#[test]
fn labels_are_checked_where_the_schema_puts_them_only() {
    let text = format!(
        "{CRD}apiVersion: precision.example.com/v1
kind: Server
metadata:
  name: a
  labels: {{ok: yes-it-is, bad: has space}}
spec:
  labels:
    summary: Disk full on {{{{ $labels.instance }}}}
    note: anything goes
"
    );
    let crd_lines = CRD.lines().count();
    // The CRD's own schema has a `labels` property with a long description: no label there.
    assert_eq!(findings(&text), [(crd_lines + 5, "invalid-label")]);
}

#[test]
fn items_of_lists_are_checked_as_their_own_kind() {
    let text = "apiVersion: v1
kind: ConfigMapList
items:
- metadata: {name: a}
  data: {x: '1'}
- metadata: {name: b}
  dat: {x: '1'}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBindingList
items: []
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: s}
  spec: {ports: [{port: 80, protocol: tcp}]}
- just: a mapping
---
apiVersion: v1
kind: ConfgMapList
items: []
extra: 1
";
    assert_eq!(
        findings(text),
        [
            (7, "unknown-field"),
            (19, "invalid-enum"),
            (20, "wrong-type"),
            (23, "unknown-kind"),
            (25, "unknown-field")
        ]
    );
}

#[test]
fn placeholders_are_not_validated_but_what_surrounds_them_is() {
    let text = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${NAME}
  labels: {app: '{{ .Values.app }}', tier: '{{tier}}'}
spec:
  replicas: ${REPLICAS}
  selector: {matchLabels: {app: '${NAME}'}}
  strategy:
    rollingUpdate: {maxSurge: '${SURGE}', maxUnavailable: 0}
  template:
    metadata: {labels: {app: '${NAME}'}}
    spec:
      restartPolicy: ${POLICY}
      containers:
      - name: app
        image: ${IMAGE}
        imagePullPolicy: '{{ .Values.pull }}'
        resources: {limits: {memory: '${MEM}'}}
        ports: [{containerPort: '${PORT}', protocl: TCP}]
---
apiVersion: v1
kind: Service
metadata: {name: svc}
spec:
  type: ${TYPE}
  ports: [{port: 80, nodePort: 30080}]
  selector: {app: x}
";
    assert_eq!(findings(text), [(20, "unknown-field")]);
}

#[test]
fn patches_are_checked_for_what_they_write_only() {
    let text = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      $setElementOrder/containers: [{name: web}]
      containers:
      - name: web
        imagePullPolicy: Sometimes
        resources: {limits: {memory: 1GB}}
      volumes:
      - name: old
        $patch: delete
---
apiVersion: v1
kind: Service
metadata: {name: web}
$patch: replace
spec:
  ports: [{port: 80, nodePort: 30000}]
";
    assert_eq!(findings(text), [(11, "invalid-enum"), (12, "invalid-quantity")]);
}

#[test]
fn other_tools_yaml_and_unknown_groups_are_no_errors() {
    for text in [
        "apiVersion: skaffold/v4beta6\nkind: Config\nmetadata: {name: app}\nbuild: {}\n",
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes: [{role: control-plane}]\n",
        "apiVersion: v2\nname: chart\nversion: 1.0.0\n",
        "apiVersion: 1\ndatasources: [{name: p}]\n",
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [a.yaml]\n",
        "apiVersion: tool.example.io/v1\nkind: Settings\nlevel: 3\n",
        "apiVersion: widgets.example.io/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n",
        "on: push\njobs: {build: {runs-on: ubuntu-latest}}\n",
        "services:\n  web: {image: nginx}\n",
    ] {
        assert_eq!(findings(text), [], "{text}");
    }
    // A built-in kind with its group misspelt is still a mistake.
    assert_eq!(
        findings("apiVersion: app/v1\nkind: Deployment\nmetadata: {name: d}\n"),
        [(1, "unknown-kind")]
    );
}

/// The files of a project under `/p`, checked together as `kref check /p` does.
fn check_project(files: &[(&str, &str)]) -> Vec<(String, usize, &'static str)> {
    let parsed: Vec<(String, PathBuf, kref_yaml::File)> = files
        .iter()
        .map(|(rel, text)| (format!("/p/{rel}"), Path::new("/p").join(rel), kref_yaml::parse(text)))
        .collect();
    let facts: Vec<FileFacts> = parsed
        .iter()
        .map(|(_, path, file)| FileFacts::read(Some(path), Some(Path::new("/p")), file))
        .collect();
    let layout = project::lay_out(parsed.iter().map(|(k, _, _)| k.as_str()).zip(&facts), &[]);
    let mut ws = Workspace::new();
    for (key, _, file) in &parsed {
        ws.update(key, file);
    }
    ws.apply_layout(&layout);
    let config = RuleConfig::new(KubeVersion::new(1, 33));
    let mut out = Vec::new();
    for (key, _, file) in &parsed {
        for d in analyze_in(file, key, &ws, kb(), &config).diagnostics {
            if d.severity <= Severity::Warning
                && !matches!(d.rule, "missing-resources" | "missing-probes" | "image-tag")
            {
                out.push((
                    key.trim_start_matches("/p/").to_string(),
                    file.line_index().line_of(d.range.start) + 1,
                    d.rule,
                ));
            }
        }
    }
    out
}

const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        envFrom: [{configMapRef: {name: settings}}]
";

#[test]
fn cross_document_rules_compare_only_objects_applied_together() {
    let found = check_project(&[
        // A plain folder: two alternatives of one Deployment are not duplicates.
        ("plain/deploy.yaml", DEPLOY),
        ("plain/deploy-v2.yaml", DEPLOY),
        ("plain/settings.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n"),
        // A Kustomize base and overlay: the generator makes the ConfigMap; the overlay's
        // second Deployment collides with the base's; its patch does not.
        ("k/base/kustomization.yaml", "resources: [deploy.yaml]\nconfigMapGenerator: [{name: settings}]\n"),
        ("k/base/deploy.yaml", DEPLOY),
        ("k/prod/kustomization.yaml", "resources: [../base, again.yaml]\npatches: [{path: scale.yaml}]\n"),
        ("k/prod/again.yaml", DEPLOY),
        (
            "k/prod/scale.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n",
        ),
        // Another example in its own folder, which knows no ConfigMap `settings`.
        (
            "other/svc.yaml",
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n",
        ),
    ]);
    assert_eq!(
        found,
        [
            ("k/base/deploy.yaml".to_string(), 3, "duplicate-object"),
            ("k/prod/again.yaml".to_string(), 3, "duplicate-object"),
        ]
    );
}
