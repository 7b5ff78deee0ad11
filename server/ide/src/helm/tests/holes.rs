//! Templates read as YAML with holes: layout, branches, supplied nodes, document shapes.

use kref_yaml::{Path, Segment};

use crate::helm::{BranchRelation, DocumentShape, HoleKind, SuppliedIn, TemplateFile};

fn parse(text: &str) -> TemplateFile {
    let file = TemplateFile::parse(text);
    // The invariant every caller relies on: same bytes count, same newlines.
    assert_eq!(file.yaml_text().len(), text.len());
    for (a, b) in text.bytes().zip(file.yaml_text().bytes()) {
        assert_eq!(a == b'\n', b == b'\n', "newlines moved in\n{}", file.yaml_text());
    }
    file
}

fn path(keys: &[&str]) -> Path {
    Path(
        keys.iter()
            .map(|k| match k.parse::<usize>() {
                Ok(i) => Segment::Index(i),
                Err(_) => Segment::Key(k.to_string()),
            })
            .collect(),
    )
}

/// Every key of every document at its offset in the template text reads the same there.
fn assert_keys_in_place(file: &TemplateFile) {
    for doc in &file.yaml.documents {
        for (_, pair) in doc.pairs() {
            let written = &file.text()[pair.key.raw_range.start..pair.key.raw_range.end];
            if !file.documents[0].is_templated(pair.key.raw_range) && !written.contains("{{") {
                assert_eq!(written, pair.key.text, "key moved");
            }
        }
    }
}

const DEPLOYMENT: &str = r#"{{- if .Values.web.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
  {{- with .Values.podAnnotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "app.selectorLabels" . | nindent 6 }}
  template:
    spec:
      {{- if .Values.serviceAccount.create }}
      serviceAccountName: {{ include "app.serviceAccountName" . }}
      {{- else }}
      serviceAccountName: default
      {{- end }}
      containers:
        - name: web
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          ports:
            {{- range .Values.ports }}
            - containerPort: {{ .port }}
              name: {{ .name }}
            {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
{{- end }}
"#;

#[test]
fn a_deployment_wrapped_in_if_is_still_a_deployment() {
    let file = parse(DEPLOYMENT);
    assert!(file.errors.is_empty(), "{:?}\n{}", file.errors, file.yaml_text());
    assert_eq!(file.documents.len(), 1);
    let doc = &file.documents[0];
    assert_eq!(doc.kind.as_ref().map(|k| k.0.as_str()), Some("Deployment"));
    assert_eq!(doc.api_versions.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(), vec!["apps/v1"]);
    assert_eq!(doc.shape, DocumentShape::Templated);
    // The wrapping `if` guards the whole document.
    assert_eq!(doc.guards, vec![0]);
    assert_keys_in_place(&file);
    // Keys keep their offsets: `replicas` is where the template has it.
    let yaml_doc = &file.yaml.documents[0];
    let replicas = yaml_doc.root.as_ref().unwrap().at(&["spec", "replicas"]).unwrap();
    assert!(doc.is_templated(replicas.range));
    let at = DEPLOYMENT.find("replicas:").unwrap();
    let pair = yaml_doc.root.as_ref().unwrap().get("spec").unwrap().pair("replicas").unwrap();
    assert_eq!(pair.key_range.start, at);
}

#[test]
fn both_branches_of_if_else_are_read_and_their_keys_are_not_duplicates() {
    let file = parse(DEPLOYMENT);
    let doc = &file.documents[0];
    assert_eq!(doc.duplicates.len(), 1, "{:?}", doc.duplicates);
    let dup = &doc.duplicates[0];
    assert_eq!(dup.key, "serviceAccountName");
    assert_eq!(dup.relation, BranchRelation::Exclusive);
    // The parser's own duplicate-key error is not passed on.
    assert!(file.errors.iter().all(|e| e.error.code != kref_yaml::ErrorCode::DuplicateKey));
    // Both values are there, at their places.
    let spec = file.yaml.documents[0].root.as_ref().unwrap().at(&["spec", "template", "spec"]).unwrap();
    let names: Vec<&str> = spec
        .as_mapping()
        .unwrap()
        .iter()
        .filter(|p| p.key.text == "serviceAccountName")
        .map(|p| p.value.as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert_eq!(names[1], "default");
}

#[test]
fn duplicates_are_real_only_under_the_same_conditions() {
    let text = "a: 1\n{{- if .Values.x }}\nb: 1\n{{- end }}\nb: 2\nc: 1\nc: 2\n{{- with .Values.y }}\nd: 1\n{{- else }}\nd: 2\n{{- end }}\n";
    let file = parse(text);
    let relations: Vec<(&str, BranchRelation)> =
        file.documents[0].duplicates.iter().map(|d| (d.key.as_str(), d.relation)).collect();
    assert_eq!(
        relations,
        vec![
            ("b", BranchRelation::Conditional),
            ("c", BranchRelation::Together),
            ("d", BranchRelation::Exclusive)
        ]
    );
}

#[test]
fn to_yaml_and_include_with_nindent_supply_their_key() {
    let file = parse(DEPLOYMENT);
    let doc = &file.documents[0];
    let supplied: Vec<(String, SuppliedIn)> =
        doc.supplied.iter().map(|s| (s.path.to_string(), s.within)).collect();
    assert_eq!(
        supplied,
        vec![
            ("metadata.labels".to_string(), SuppliedIn::Value),
            ("metadata.annotations".to_string(), SuppliedIn::Value),
            ("spec.selector.matchLabels".to_string(), SuppliedIn::Value),
            ("spec.template.spec.containers[0].resources".to_string(), SuppliedIn::Value),
        ]
    );
    assert!(doc.is_supplied(&path(&["metadata", "labels"])));
    assert!(doc.is_supplied(&path(&["spec", "template", "spec", "containers", "0", "resources", "limits"])));
    assert!(!doc.is_supplied(&path(&["spec", "template"])));
    // The key reads as having no literal value: nothing for a type check to complain about.
    let labels = file.yaml.documents[0].root.as_ref().unwrap().at(&["metadata", "labels"]).unwrap();
    assert!(labels.is_missing());
}

#[test]
fn output_next_to_literal_entries_adds_to_the_mapping() {
    let text = "metadata:\n  labels:\n    app: web\n    {{- include \"app.labels\" . | nindent 4 }}\n    tier: front\n";
    let file = parse(text);
    let doc = &file.documents[0];
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(doc.supplied.len(), 1);
    assert_eq!(doc.supplied[0].path.to_string(), "metadata.labels");
    assert_eq!(doc.supplied[0].within, SuppliedIn::Mapping);
    // The mapping has unknown extra entries; its literal entries are still literal.
    assert!(doc.is_supplied(&path(&["metadata", "labels"])));
    assert!(!doc.is_supplied(&path(&["metadata", "labels", "app"])));
    assert!(!doc.is_supplied(&path(&["metadata"])));
}

#[test]
fn inline_include_with_nindent_after_a_key_supplies_it() {
    let text = "metadata:\n  labels: {{- include \"app.labels\" . | nindent 4 }}\n  name: x\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let doc = &file.documents[0];
    assert_eq!(doc.supplied.len(), 1);
    assert_eq!(doc.supplied[0].path.to_string(), "metadata.labels");
    assert_eq!(doc.supplied[0].within, SuppliedIn::Value);
    assert_eq!(file.holes.iter().filter(|h| matches!(h.kind, HoleKind::Supplied { indent: 4 })).count(), 1);
}

#[test]
fn indent_after_a_key_is_an_inline_value() {
    // `indent` (unlike `nindent`) prints on the key's own line: only a scalar fits there.
    let text = "spec:\n  args: {{ toJson .Values.args | indent 2 }}\n  other: 1\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let doc = &file.documents[0];
    assert!(doc.supplied.is_empty(), "{:?}", doc.supplied);
    let args = file.yaml.documents[0].root.as_ref().unwrap().at(&["spec", "args"]).unwrap();
    assert!(doc.is_templated(args.range));
}

#[test]
fn a_list_extended_by_to_yaml_at_its_own_column() {
    let text = "spec:\n  containers:\n  - name: app\n    image: x\n  {{- with .Values.sidecars }}\n  {{- toYaml . | nindent 2 }}\n  {{- end }}\n  volumes: []\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let got: Vec<(String, SuppliedIn)> =
        file.documents[0].supplied.iter().map(|s| (s.path.to_string(), s.within)).collect();
    assert_eq!(
        got,
        vec![
            ("spec.containers".to_string(), SuppliedIn::Sequence),
            ("spec".to_string(), SuppliedIn::Mapping)
        ]
    );
}

#[test]
fn range_bodies_read_as_list_items() {
    let file = parse(DEPLOYMENT);
    let ports = file.yaml.documents[0]
        .root
        .as_ref()
        .unwrap()
        .at(&["spec", "template", "spec", "containers", "0", "ports"])
        .unwrap();
    let items = ports.as_sequence().unwrap();
    assert_eq!(items.len(), 1);
    let port = items[0].get("containerPort").unwrap();
    assert!(file.documents[0].is_templated(port.range));
}

#[test]
fn placeholders_keep_quoted_scalars_whole_and_mark_them() {
    let file = parse(DEPLOYMENT);
    let image = file.yaml.documents[0]
        .root
        .as_ref()
        .unwrap()
        .at(&["spec", "template", "spec", "containers", "0", "image"])
        .unwrap();
    let scalar = image.as_scalar().unwrap();
    assert_eq!(scalar.style, kref_yaml::ScalarStyle::DoubleQuoted);
    assert!(scalar.text.contains(':'));
    assert!(file.documents[0].is_templated(scalar.raw_range));
    // A literal value next to it is not templated.
    let name = file.yaml.documents[0]
        .root
        .as_ref()
        .unwrap()
        .at(&["spec", "template", "spec", "containers", "0", "name"])
        .unwrap();
    assert!(!file.documents[0].is_templated(name.range));
}

#[test]
fn templated_keys_are_marked_and_never_duplicates() {
    let text = "data:\n  {{- range $k, $v := .Values.files }}\n  {{ $k }}: {{ $v | quote }}\n  {{- end }}\n  {{ .Values.extraKey }}: x\n  {{ .Values.otherKey }}: y\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let doc = &file.documents[0];
    assert_eq!(doc.templated_keys.len(), 3);
    assert!(doc.duplicates.is_empty());
}

#[test]
fn output_inside_a_block_scalar_templates_that_scalar() {
    let text = "data:\n  config.yaml: |\n    server:\n      port: 80\n    {{- toYaml .Values.extra | nindent 4 }}\n  other: plain\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let doc = &file.documents[0];
    assert!(doc.supplied.is_empty(), "{:?}", doc.supplied);
    let config = file.yaml.documents[0].root.as_ref().unwrap().at(&["data", "config.yaml"]).unwrap();
    assert!(doc.is_templated(config.range));
    let other = file.yaml.documents[0].root.as_ref().unwrap().at(&["data", "other"]).unwrap();
    assert!(!doc.is_templated(other.range));
}

#[test]
fn helpers_produce_no_yaml() {
    let text = "{{/*\nThe chart name.\n*/}}\n{{- define \"app.name\" -}}\n{{- default .Chart.Name .Values.nameOverride | trunc 63 }}\n{{- end }}\n\n{{- define \"app.labels\" -}}\napp.kubernetes.io/name: {{ include \"app.name\" . }}\n{{- end }}\n";
    let file = parse(text);
    assert!(file.yaml_text().trim().is_empty(), "{:?}", file.yaml_text());
    assert_eq!(file.documents.len(), 1);
    assert_eq!(file.documents[0].shape, DocumentShape::Empty);
    let names: Vec<&str> = file.references.defines.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, vec!["app.name", "app.labels"]);
    let labels = &file.references.defines[1];
    assert_eq!(&text[labels.name_range.start..labels.name_range.end], "app.labels");
    assert!(text[labels.body.start..labels.body.end].contains("app.kubernetes.io/name"));
}

#[test]
fn a_file_that_is_all_template_is_unknown() {
    for text in [
        "{{ include \"common.deployment\" . }}\n",
        "{{- include \"lib.configmap\" (list . \"app.configmap\") -}}\n",
        "{{- range .Values.extraObjects }}\n---\n{{ tpl (toYaml .) $ }}\n{{- end }}\n",
        "apiVersion: v1\n{{- include \"a\" . | nindent 0 }}\n{{- include \"b\" . | nindent 0 }}\n{{- include \"c\" . | nindent 0 }}\n",
    ] {
        let file = parse(text);
        let shapes: Vec<DocumentShape> = file.documents.iter().map(|d| d.shape).collect();
        assert!(shapes.contains(&DocumentShape::Unknown), "{text:?}: {shapes:?}");
        assert!(!shapes.contains(&DocumentShape::Broken), "{text:?}: {shapes:?}");
    }
    let file = parse("{{ include \"common.deployment\" . }}\n");
    assert_eq!(file.documents[0].supplied[0].within, SuppliedIn::Root);
}

#[test]
fn document_separators_inside_conditionals() {
    let text = "{{- if .Values.sa.create }}\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: a\n---\n{{- end }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n{{- if .Values.np }}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n{{- end }}\n";
    let file = parse(text);
    let kinds: Vec<Option<&str>> =
        file.documents.iter().map(|d| d.kind.as_ref().map(|k| k.0.as_str())).collect();
    assert_eq!(kinds, vec![Some("ServiceAccount"), Some("Service"), Some("NetworkPolicy")]);
    assert!(file.errors.is_empty());
}

#[test]
fn alternative_api_versions_are_all_listed() {
    let text = "{{- if semverCompare \">=1.19-0\" .Capabilities.KubeVersion.GitVersion -}}\napiVersion: networking.k8s.io/v1\n{{- else -}}\napiVersion: networking.k8s.io/v1beta1\n{{- end }}\nkind: Ingress\n";
    let file = parse(text);
    let doc = &file.documents[0];
    let versions: Vec<&str> = doc.api_versions.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(versions, vec!["networking.k8s.io/v1", "networking.k8s.io/v1beta1"]);
    assert_eq!(doc.duplicates[0].relation, BranchRelation::Exclusive);
}

#[test]
fn broken_yaml_near_template_is_flagged() {
    // Both branches indent the list differently: reading them together breaks the YAML.
    let text =
        "env:\n{{- if .Values.a }}\n  - name: A\n{{- else }}\n- name: B\n  value: x\n{{- end }}\nother: 1\n";
    let file = parse(text);
    assert_eq!(file.errors.len(), 1, "{:?}", file.errors);
    assert!(file.errors[0].near_template);
    assert_eq!(file.documents[0].shape, DocumentShape::Broken);
    // A real YAML error far from any action is not excused.
    let text = "a: {{ .Values.x }}\nb: 1\nc: 2\nd: [1, 2\ne: 3\n";
    let file = parse(text);
    assert!(file.errors.iter().any(|e| !e.near_template), "{:?}", file.errors);
}

#[test]
fn control_lines_and_comments_print_nothing() {
    let text = "a: 1\n{{- /* note */}}\n{{- $x := .Values.y }}\nb: 2 {{/* trailing */}}\n";
    let file = parse(text);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let root = file.yaml.documents[0].root.as_ref().unwrap();
    assert_eq!(root.get("b").unwrap().as_str(), Some("2"));
    // Nothing printed: the document is literal YAML with control lines around it.
    assert_eq!(file.documents[0].shape, DocumentShape::Literal);
    assert_eq!(file.documents[0].control.len(), 3);
}

#[test]
fn unbalanced_templates_and_deep_nesting_do_not_break() {
    let text = "a: {{ .Values.x\nb: 1\nc: {{ if }}\n{{ end }}{{ end }}\n";
    let file = parse(text);
    assert!(!file.scan.problems.is_empty());
    let root = file.yaml.documents[0].root.as_ref().unwrap();
    assert_eq!(root.get("b").and_then(|n| n.as_str()), Some("1"));

    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&" ".repeat(i * 2));
        text.push_str(&format!("k{i}:\n"));
        text.push_str(&" ".repeat(i * 2 + 2));
        text.push_str("{{- if .Values.a }}\n");
    }
    let file = parse(&text);
    assert_eq!(file.scan.blocks.len(), 300);
}

#[test]
fn a_self_including_define_is_fine() {
    let text = "{{- define \"loop\" -}}\n{{ include \"loop\" . }}\n{{- end }}\nkind: ConfigMap\ndata:\n  x: {{ include \"loop\" . }}\n";
    let file = parse(text);
    assert_eq!(file.documents[0].kind.as_ref().map(|k| k.0.as_str()), Some("ConfigMap"));
    let named = crate::helm::NamedTemplates::build([("t.yaml", &file)]);
    let reach = named.reachable("loop");
    assert!(reach.cyclic);
    assert!(reach.undefined.is_empty());
}

/// The shapes of charts built on a common library: values rendered through `include` after
/// `key:`, alternatives of one key, list items added by output at the list's column.
const LIBRARY_STYLE: &str = r#"{{- /*
Written for kref's tests.
*/}}

apiVersion: {{ include "common.capabilities.deployment.apiVersion" . }}
kind: Deployment
metadata:
  name: {{ include "common.names.fullname" . }}
  labels: {{- include "common.labels.standard" ( dict "customLabels" .Values.commonLabels "context" $ ) | nindent 4 }}
  {{- if .Values.commonAnnotations }}
  annotations: {{- include "common.tplvalues.render" ( dict "value" .Values.commonAnnotations "context" $ ) | nindent 4 }}
  {{- end }}
spec:
  {{- $podLabels := include "common.tplvalues.merge" ( dict "values" ( list .Values.podLabels .Values.commonLabels ) "context" . ) }}
  selector:
    matchLabels: {{- include "common.labels.matchLabels" ( dict "customLabels" $podLabels "context" $ ) | nindent 6 }}
  template:
    metadata:
      annotations:
        {{- if .Values.podAnnotations }}
        {{- include "common.tplvalues.render" ( dict "value" .Values.podAnnotations "context" $) | nindent 8 }}
        {{- end }}
        {{- if .Values.configuration }}
        checksum/configuration: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
        {{- end }}
    spec:
      {{- include "app.imagePullSecrets" . | nindent 6 }}
      {{- if .Values.affinity }}
      affinity: {{- include "common.tplvalues.render" (dict "value" .Values.affinity "context" $) | nindent 8 }}
      {{- else }}
      affinity:
        podAntiAffinity: {{- include "common.affinities.pods" (dict "type" .Values.podAntiAffinityPreset "context" $) | nindent 10 }}
      {{- end }}
      initContainers:
        {{- if .Values.volumePermissions.enabled }}
        - name: volume-permissions
          image: {{ include "app.volumePermissions.image" . }}
          command:
            - /bin/bash
            - -ec
            - |
              chown -R {{ .Values.containerSecurityContext.runAsUser }} /data
        {{- end }}
        {{- if .Values.initContainers }}
        {{- include "common.tplvalues.render" (dict "value" .Values.initContainers "context" $) | nindent 8 }}
        {{- end }}
      containers:
        - name: app
          image: {{ include "app.image" . }}
          {{- if .Values.customLivenessProbe }}
          livenessProbe: {{- include "common.tplvalues.render" (dict "value" .Values.customLivenessProbe "context" $) | nindent 12 }}
          {{- else if .Values.livenessProbe.enabled }}
          livenessProbe: {{- include "common.tplvalues.render" (dict "value" (omit .Values.livenessProbe "enabled") "context" $) | nindent 12 }}
            tcpSocket:
              port: http
          {{- end }}
          env:
            - name: APP_DEBUG
              value: {{ ternary "true" "false" .Values.image.debug | quote }}
            {{- if .Values.extraEnvVars }}
            {{- include "common.tplvalues.render" (dict "value" .Values.extraEnvVars "context" $) | nindent 12 }}
            {{- end }}
"#;

#[test]
fn library_style_templates_keep_their_shape() {
    let file = parse(LIBRARY_STYLE);
    assert!(file.errors.is_empty(), "{:?}\n{}", file.errors, file.yaml_text());
    let doc = &file.documents[0];
    assert_eq!(doc.shape, DocumentShape::Templated);
    assert_eq!(doc.kind.as_ref().map(|k| k.0.as_str()), Some("Deployment"));
    // The templated apiVersion is not a literal one.
    assert!(doc.api_versions.is_empty());
    let supplied: Vec<(String, SuppliedIn)> =
        doc.supplied.iter().map(|s| (s.path.to_string(), s.within)).collect();
    for expected in [
        ("metadata.labels", SuppliedIn::Value),
        ("metadata.annotations", SuppliedIn::Value),
        ("spec.selector.matchLabels", SuppliedIn::Value),
        ("spec.template.metadata.annotations", SuppliedIn::Mapping),
        ("spec.template.spec", SuppliedIn::Mapping),
        ("spec.template.spec.affinity", SuppliedIn::Value),
        ("spec.template.spec.affinity.podAntiAffinity", SuppliedIn::Value),
        ("spec.template.spec.initContainers", SuppliedIn::Sequence),
        ("spec.template.spec.containers[0].livenessProbe", SuppliedIn::Value),
        ("spec.template.spec.containers[0].env", SuppliedIn::Sequence),
    ] {
        assert!(
            supplied.contains(&(expected.0.to_string(), expected.1)),
            "{expected:?} not in {supplied:#?}"
        );
    }
    // Output added to the pod spec leaves its literal containers checkable.
    assert!(doc.is_supplied(&path(&["spec", "template", "spec"])));
    assert!(!doc.is_supplied(&path(&["spec", "template", "spec", "containers", "0"])));
    assert!(doc.is_supplied(&path(&[
        "spec",
        "template",
        "spec",
        "containers",
        "0",
        "livenessProbe",
        "httpGet"
    ])));
    // `affinity` in both branches and `livenessProbe` in three: alternatives, not duplicates.
    assert!(doc.duplicates.iter().all(|d| d.relation == BranchRelation::Exclusive), "{:?}", doc.duplicates);
    assert_eq!(doc.duplicates.len(), 2);
    // The shell script is a templated block scalar.
    let script = file.yaml.documents[0]
        .root
        .as_ref()
        .unwrap()
        .at(&["spec", "template", "spec", "initContainers", "0", "command", "2"])
        .unwrap();
    assert!(doc.is_templated(script.range));
}
