//! `.Values` references, built-in objects, named-template calls and the dot's meaning.

use crate::helm::{BuiltinObject, CallKind, DotValue, Guard, RefOrigin, TemplateFile, ValuesPath};

fn refs(text: &str) -> Vec<(String, RefOrigin, Guard)> {
    TemplateFile::parse(text)
        .references
        .values
        .iter()
        .map(|r| (r.path.to_string(), r.origin, r.guard))
        .collect()
}

fn paths(text: &str) -> Vec<String> {
    refs(text).into_iter().map(|r| r.0).collect()
}

#[test]
fn plain_and_dollar_references_with_ranges() {
    let text = "a: {{ .Values.image.tag }}\nb: {{ $.Values.service.port }}\n";
    let file = TemplateFile::parse(text);
    let r = &file.references.values;
    assert_eq!(r.len(), 2);
    assert_eq!(r[0].path, ValuesPath::keys(&["image", "tag"]));
    assert_eq!(&text[r[0].range.start..r[0].range.end], ".Values.image.tag");
    assert_eq!(r[0].origin, RefOrigin::Root);
    let segments: Vec<&str> = r[0].segments.iter().map(|(_, s)| &text[s.start..s.end]).collect();
    assert_eq!(segments, vec!["image", "tag"]);
    assert_eq!(r[1].origin, RefOrigin::Dollar);
    // Hover on `image` resolves the prefix.
    let on_image = text.find("image").unwrap() + 1;
    assert_eq!(r[0].path_at(on_image).to_string(), "image");
    assert_eq!(file.values_ref_at(on_image).map(|r| r.path.to_string()).as_deref(), Some("image.tag"));
}

#[test]
fn guards_from_default_required_and_conditions() {
    let text = r#"{{ if .Values.a }}{{ end }}
{{ default "x" .Values.b }}
{{ .Values.c | default "y" }}
{{ required "c is needed" .Values.d }}
{{ .Values.e | required "e" }}
{{ coalesce .Values.f .Values.g "z" }}
{{ .Values.h | quote }}
{{ with .Values.i }}{{ end }}
{{ range .Values.j }}{{ end }}
{{ if and .Values.k (not .Values.l) }}{{ end }}
{{ .Values.m | default (include "x" .) | quote }}
"#;
    let got = refs(text);
    let guards: Vec<(&str, Guard)> = got.iter().map(|(p, _, g)| (p.as_str(), *g)).collect();
    assert_eq!(
        guards,
        vec![
            ("a", Guard::Condition),
            ("b", Guard::Default),
            ("c", Guard::Default),
            ("d", Guard::Required),
            ("e", Guard::Required),
            ("f", Guard::Default),
            ("g", Guard::Default),
            ("h", Guard::None),
            ("i", Guard::Condition),
            ("j", Guard::Condition),
            ("k", Guard::Condition),
            ("l", Guard::Condition),
            ("m", Guard::Default),
        ]
    );
}

#[test]
fn with_and_range_rebind_the_dot() {
    let text = r#"{{- with .Values.ingress }}
host: {{ .host }}
{{- range .tls }}
secret: {{ .secretName }}
{{- end }}
{{- else }}
x: {{ .Values.fallback }}
{{- end }}
{{- range $i, $h := .Values.hosts }}
h: {{ $h.name }} {{ .port }} {{ $.Values.domain }}
{{- end }}
{{- range $name, $cfg := .Values.configs }}
{{ $name }}: {{ $cfg.value }}
{{- end }}
"#;
    let got = paths(text);
    assert_eq!(
        got,
        vec![
            "ingress",
            "ingress.host",
            "ingress.tls",
            "ingress.tls[*].secretName",
            "fallback",
            "hosts",
            "hosts[*].name",
            "hosts[*].port",
            "domain",
            "configs",
            "configs[*].value",
        ]
    );
    let file = TemplateFile::parse(text);
    let origins: Vec<RefOrigin> = file.references.values.iter().map(|r| r.origin).collect();
    assert_eq!(origins[1], RefOrigin::Dot);
    assert_eq!(origins[6], RefOrigin::Variable);
}

#[test]
fn variables_bound_to_values_are_followed() {
    let text = "{{- $svc := .Values.service }}\n{{- $root := . }}\nport: {{ $svc.port }}\nname: {{ $root.Values.name }}\n{{- $x := include \"a\" . }}\ny: {{ $x.foo }}\n";
    assert_eq!(paths(text), vec!["service", "service.port", "name"]);
}

#[test]
fn computed_dots_are_not_followed() {
    let text = "{{- with (include \"x\" . | fromYaml) }}\na: {{ .foo }}\n{{- end }}\n{{- range until 3 }}\nb: {{ .bar }}\n{{- end }}\nc: {{ .Values.after }}\n";
    assert_eq!(paths(text), vec!["after"]);
}

#[test]
fn index_with_literal_keys_extends_the_path() {
    let text = r#"{{ index .Values "my-key" "sub" }} {{ index .Values.map "a.b" }}"#;
    let file = TemplateFile::parse(text);
    let got: Vec<String> = file.references.values.iter().map(|r| r.path.to_string()).collect();
    assert_eq!(got, vec!["my-key.sub", "map.a.b"]);
    let last = &file.references.values[1];
    let (_, range) = last.segments.last().unwrap();
    assert_eq!(&text[range.start..range.end], "a.b");
}

#[test]
fn references_in_defines_are_marked() {
    let text = "{{- define \"app.name\" -}}\n{{ default .Chart.Name .Values.nameOverride }}\n{{- end }}\nx: {{ .Values.top }}\n";
    let file = TemplateFile::parse(text);
    let r = &file.references.values;
    assert_eq!(r[0].path.to_string(), "nameOverride");
    assert_eq!(r[0].in_define.as_deref(), Some("app.name"));
    assert_eq!(r[1].in_define, None);
    let chart = &file.references.builtins[0];
    assert_eq!(chart.object, Some(BuiltinObject::Chart));
    assert_eq!(chart.fields, vec!["Chart", "Name"]);
    assert_eq!(chart.in_define.as_deref(), Some("app.name"));
}

#[test]
fn builtin_objects_are_recognised() {
    let text = "{{ .Release.Name }} {{ .Chart.AppVersion }} {{ .Capabilities.KubeVersion.Version }} {{ .Files.Get \"a\" }} {{ .Template.Name }} {{ .Relase.Name }}";
    let file = TemplateFile::parse(text);
    let got: Vec<(Option<BuiltinObject>, String)> =
        file.references.builtins.iter().map(|b| (b.object, b.fields.join("."))).collect();
    assert_eq!(
        got,
        vec![
            (Some(BuiltinObject::Release), "Release.Name".to_string()),
            (Some(BuiltinObject::Chart), "Chart.AppVersion".to_string()),
            (Some(BuiltinObject::Capabilities), "Capabilities.KubeVersion.Version".to_string()),
            (Some(BuiltinObject::Files), "Files.Get".to_string()),
            (Some(BuiltinObject::Template), "Template.Name".to_string()),
            (None, "Relase.Name".to_string()),
        ]
    );
    let offset = text.find("AppVersion").unwrap();
    assert_eq!(file.builtin_at(offset).map(|b| b.fields.join(".")).as_deref(), Some("Chart.AppVersion"));
}

#[test]
fn include_and_template_calls_with_name_ranges() {
    let text = r#"a: {{ include "app.fullname" . }}
{{ template "app.labels" . }}
b: {{ include (printf "%s.x" .Chart.Name) . }}
c: {{ default (include "app.name" .) .Values.n }}
"#;
    let file = TemplateFile::parse(text);
    let calls: Vec<(CallKind, Option<&str>)> =
        file.references.calls.iter().map(|c| (c.kind, c.name.as_deref())).collect();
    assert_eq!(
        calls,
        vec![
            (CallKind::Include, Some("app.fullname")),
            (CallKind::Template, Some("app.labels")),
            (CallKind::Include, None),
            (CallKind::Include, Some("app.name")),
        ]
    );
    let first = &file.references.calls[0];
    let range = first.name_range.unwrap();
    assert_eq!(&text[range.start..range.end], "app.fullname");
    assert_eq!(file.call_at(range.start + 2).and_then(|c| c.name.as_deref()), Some("app.fullname"));
}

#[test]
fn scope_at_follows_blocks() {
    let text = "{{- with .Values.a }}\nx: {{ . }}\n{{- range $k, $v := .list }}\ny: {{ $v }}\n{{- end }}\n{{- end }}\n{{- define \"d\" }}\nz: {{ . }}\n{{- end }}\n";
    let file = TemplateFile::parse(text);
    let at = |needle: &str| file.scope_at(text.find(needle).unwrap());
    assert_eq!(at("x:").dot, DotValue::Values(ValuesPath::keys(&["a"])));
    let inner = at("y:");
    assert_eq!(inner.dot, DotValue::Values(ValuesPath::parse("a.list[*]")));
    assert_eq!(inner.variables.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), vec!["$k", "$v"]);
    let z = at("z:");
    assert_eq!(z.dot, DotValue::DefineArgument);
    assert_eq!(z.in_define.as_deref(), Some("d"));
    assert_eq!(file.scope_at(0).dot, DotValue::Root);
}

#[test]
fn values_paths_print_and_parse() {
    for text in ["a", "a.b", "hosts[*].name", "a[*][*]", ""] {
        assert_eq!(ValuesPath::parse(text).to_string(), text);
    }
}
