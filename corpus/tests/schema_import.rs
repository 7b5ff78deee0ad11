//! Importers: OpenAPI v2 and v3 documents and CRD manifests (hand-written fixtures), overlays on
//! the built-in schema, the compact cache form, clear errors for malformed input, and no panics
//! on arbitrary bytes.

use kref_corpus::schema::{
    FieldType, ImportError, KindSource, Schema, SchemaSource, import, import_crds, import_openapi_v2,
    import_openapi_v3,
};

const V2: &[u8] = include_bytes!("fixtures/openapi-v2.json");
const V3: &[u8] = include_bytes!("fixtures/openapi-v3.json");
const CRDS: &[u8] = include_bytes!("fixtures/crds.yaml");

fn kinds(source: &SchemaSource) -> Vec<String> {
    source.kinds.iter().map(|k| format!("{}/{}", k.api_version(), k.kind)).collect()
}

#[test]
fn openapi_v2_import() {
    let source = import_openapi_v2("cluster-v2.json", V2).unwrap();
    // Lists and option types are not kinds.
    assert_eq!(kinds(&source), ["example.com/v1/Gadget", "example.com/v1/Widget"]);
    let widget = source.kinds.iter().find(|k| k.kind == "Widget").unwrap();
    assert_eq!(widget.plural, "widgets");
    assert!(widget.namespaced);
    assert_eq!(widget.source, KindSource::Imported("cluster-v2.json".into()));
    assert_eq!(widget.description, "Widget is a small test resource.");
    let gadget = source.kinds.iter().find(|k| k.kind == "Gadget").unwrap();
    assert!(!gadget.namespaced, "the path has no namespace segment");

    let schema = Schema::builtin().with_overlay(&source);
    let ty = |path: &str| {
        let r = schema.resolve("widgets", path).unwrap_or_else(|e| panic!("{path}: {e}"));
        schema.display_type(&r.ty)
    };
    assert_eq!(ty("spec.size"), "Quantity");
    assert_eq!(ty("spec.port"), "int-or-string");
    assert_eq!(ty("spec.created"), "Time");
    assert_eq!(ty("spec.raw"), "Object");
    assert_eq!(ty("spec.labels"), "map[string]string");
    assert_eq!(ty("spec.parts"), "[]Part");
    assert_eq!(ty("spec.parts.children.children.children.name"), "string");
    assert_eq!(ty("metadata.uid"), "string");
    assert_eq!(schema.display_type(&schema.resolve("Gadget", "weight").unwrap().ty), "number");
    let spec = schema.resolve("Widget", "spec").unwrap();
    assert!(spec.field().unwrap().required);
    let size = schema.resolve("Widget", "spec.size").unwrap();
    assert!(size.field().unwrap().required);
    let mode = schema.resolve("Widget", "spec.mode").unwrap();
    let mode = mode.field().unwrap();
    let values: Vec<&str> = mode.enum_values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["Fast", "Slow"]);
    assert_eq!(mode.default.as_deref(), Some("Fast"));
    assert!(schema.resolve("Widget", "metadata.uid").unwrap().field().unwrap().read_only);
    assert!(schema.resolve("Widget", "status").unwrap().field().unwrap().read_only);
    // A built-in definition without enums in the import takes the built-in enum facts.
    let strategy = schema.resolve("Widget", "spec.strategy.type").unwrap();
    assert!(strategy.field().unwrap().enum_value("Recreate").is_some());
}

#[test]
fn openapi_v3_import_overrides_builtin_kinds() {
    let source = import_openapi_v3("cluster-v3.json", V3).unwrap();
    assert_eq!(kinds(&source), ["apps/v1/Deployment", "autoscaling/v1/Scale"]);
    let scale = source.kinds.iter().find(|k| k.kind == "Scale").unwrap();
    assert!(scale.subresource);

    let builtin = Schema::builtin();
    let schema = builtin.with_overlay(&source);
    assert_eq!(schema.overlays(), ["cluster-v3.json"]);
    assert_eq!(schema.kind_count(), builtin.kind_count(), "same group/version/kind replaces, adds nothing");
    let deploy = schema.kind("deploy").unwrap();
    assert_eq!(deploy.source, KindSource::Imported("cluster-v3.json".into()));
    assert_eq!(deploy.short_names, ["deploy"], "short names come from kubectl's table");
    assert_eq!(schema.kind("StatefulSet").unwrap().source, KindSource::Builtin);
    // The cluster's definition wins: its extra field resolves, fields it lacks do not.
    assert!(schema.resolve("Deployment", "spec.clusterOnlyField").is_ok());
    assert!(schema.resolve("Deployment", "spec.paused").is_err());
    assert!(builtin.resolve("Deployment", "spec.paused").is_ok(), "the built-in schema is untouched");
    // allOf-wrapped references keep the field's own description.
    let surge = schema.resolve("Deployment", "spec.strategy.rollingUpdate.maxSurge").unwrap();
    assert_eq!(surge.ty, FieldType::IntOrString);
    assert_eq!(surge.field().unwrap().description, "Extra pods allowed during an update.");
    // Enums from the document; notes from the built-in table for the same definition.
    let strategy = schema.resolve("Deployment", "spec.strategy.type").unwrap();
    let values: Vec<&str> = strategy.field().unwrap().enum_values.iter().map(|v| v.value.as_str()).collect();
    assert_eq!(values, ["Recreate", "RollingUpdate"]);
    let modes = schema.resolve("Deployment", "spec.accessModes").unwrap();
    assert_eq!(modes.field().unwrap().enum_values.len(), 2, "v3 puts list enums on the items");
    assert_eq!(
        schema.resolve("Deployment", "metadata").unwrap().field().unwrap().description,
        "Standard object's metadata."
    );
}

#[test]
fn crd_import() {
    let source = import_crds("crontab.yaml", CRDS).unwrap();
    assert_eq!(
        kinds(&source),
        [
            "stable.example.com/v1/CronTab",
            "stable.example.com/v1beta1/CronTab",
            "example.org/v2/ClusterWidget"
        ]
    );
    let schema = Schema::builtin().with_overlay(&source);
    let ct = schema.kind("ct").unwrap();
    assert_eq!((ct.kind.as_str(), ct.version.as_str(), ct.plural.as_str()), ("CronTab", "v1", "crontabs"));
    assert!(ct.namespaced);
    assert_eq!(ct.description, "CronTab runs a command on a schedule.");
    assert!(!schema.kind("ClusterWidget").unwrap().namespaced);
    assert_eq!(schema.kind_in("stable.example.com/v1beta1", "crontab").unwrap().version, "v1beta1");

    let ty = |path: &str| {
        let r = schema.resolve("crontabs", path).unwrap_or_else(|e| panic!("{path}: {e}"));
        schema.display_type(&r.ty)
    };
    assert_eq!(ty("spec.maxUnavailable"), "int-or-string");
    assert_eq!(ty("spec.config"), "Object");
    assert_eq!(ty("spec.config.anything.below"), "Object", "preserve-unknown-fields accepts any path");
    assert_eq!(ty("spec.matrix"), "[][]Object");
    assert_eq!(ty("spec.matrix[0][1].x"), "integer");
    assert_eq!(ty("spec.env[].name"), "string");
    assert_eq!(ty("spec.selector"), "map[string]string");
    assert_eq!(ty("spec.started"), "Time");
    // metadata is the built-in ObjectMeta, linked by name.
    assert_eq!(ty("metadata.labels"), "map[string]string");
    assert_eq!(ty("apiVersion"), "string");
    let spec = schema.resolve("CronTab", "spec.cronSpec").unwrap();
    assert!(spec.field().unwrap().required);
    let env_name = schema.resolve("CronTab", "spec.env.name").unwrap();
    assert!(env_name.field().unwrap().required);
    let replicas = schema.resolve("CronTab", "spec.replicas").unwrap();
    assert_eq!(replicas.field().unwrap().default.as_deref(), Some("1"));
    let policy = schema.resolve("CronTab", "spec.policy").unwrap();
    assert_eq!(policy.field().unwrap().enum_values.len(), 2);
    assert!(schema.resolve("CronTab", "status").unwrap().field().unwrap().read_only);
    assert_eq!(schema.find_fields_named("CronTab", "x")[0].path, "spec.matrix[][].x");
    // A preserve-unknown root: any field goes.
    assert!(schema.resolve("ClusterWidget", "spec.whatever").is_ok());
    assert!(schema.resolve("CronTab", "spec.nope").is_err());
}

#[test]
fn import_detects_the_format() {
    assert_eq!(import("a", V2).unwrap(), import_openapi_v2("a", V2).unwrap());
    assert_eq!(import("a", V3).unwrap(), import_openapi_v3("a", V3).unwrap());
    assert_eq!(import("a", CRDS).unwrap(), import_crds("a", CRDS).unwrap());
    // A CRD in JSON, and a List of CRDs as `kubectl get crd -o yaml` prints it.
    let json = r#"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"as.x.io"},
        "spec":{"group":"x.io","scope":"Cluster","names":{"kind":"A","plural":"as"},
        "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object"}}}]}}"#;
    assert_eq!(kinds(&import("j", json.as_bytes()).unwrap()), ["x.io/v1/A"]);
    let list = format!("apiVersion: v1\nkind: List\nitems:\n- {json}\n");
    assert_eq!(kinds(&import("l", list.as_bytes()).unwrap()), ["x.io/v1/A"]);
}

#[test]
fn imported_schemas_round_trip_through_the_cache_form() {
    for source in [import("v2", V2).unwrap(), import("v3", V3).unwrap(), import("crd", CRDS).unwrap()] {
        let bytes = source.to_bytes();
        assert_eq!(SchemaSource::from_bytes(&bytes).unwrap(), source);
    }
    // A cache file with a bad type reference is refused, not trusted.
    let mut broken = import("crd", CRDS).unwrap();
    broken.kinds[0].root.0 = 9999;
    assert!(SchemaSource::from_bytes(&broken.to_bytes()).is_err());
}

#[test]
fn exported_builtin_schema_imports_back() {
    let builtin = Schema::builtin();
    let doc = builtin.to_openapi_v2();
    let source = import_openapi_v2("exported.json", doc.as_bytes()).unwrap();
    assert_eq!(source.kinds.len(), builtin.kind_count());
    let schema = Schema::from_source(source);
    for (kind, path) in [
        ("Deployment", "spec.template.spec.containers[].ports[].protocol"),
        ("pvc", "spec.accessModes"),
        ("ConfigMap", "data"),
        ("crd", "spec.versions.schema.openAPIV3Schema.properties"),
    ] {
        let a = builtin.resolve(kind, path).unwrap();
        let b = schema.resolve(kind, path).unwrap_or_else(|e| panic!("{kind}.{path}: {e}"));
        assert_eq!(builtin.display_type(&a.ty), schema.display_type(&b.ty), "{kind}.{path}");
        let (fa, fb) = (a.field().unwrap(), b.field().unwrap());
        assert_eq!(fa.description, fb.description);
        assert_eq!(fa.required, fb.required);
        let va: Vec<&str> = fa.enum_values.iter().map(|v| v.value.as_str()).collect();
        let vb: Vec<&str> = fb.enum_values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(va, vb);
    }
    assert_eq!(schema.kind("Node").map(|k| k.namespaced), Some(false));
}

fn err(result: Result<SchemaSource, ImportError>) -> ImportError {
    match result {
        Ok(s) => panic!("expected an error, got {} kinds", s.kinds.len()),
        Err(e) => e,
    }
}

#[test]
fn malformed_imports_give_clear_errors() {
    let e = err(import_openapi_v2("x", b"{\"swagger\": \"2.0\",\n  \"definitions\": {,}}"));
    assert!(matches!(e, ImportError::Json { line: 2, .. }), "{e:?}");
    assert!(e.to_string().starts_with("invalid JSON at line 2, column"), "{e}");

    let e = err(import_crds("x", b"apiVersion: v1\nkind: [unclosed\n"));
    assert!(matches!(e, ImportError::Yaml { document: 1, line: Some(_), .. }), "{e:?}");
    let e = err(import_crds("x", b"kind: ConfigMap\n---\nkind: : :\n  - x\n"));
    assert!(matches!(e, ImportError::Yaml { document: 2, .. }), "{e:?}");

    let no_schema = b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: foos.x.io}\n\
        spec:\n  group: x.io\n  scope: Namespaced\n  names: {kind: Foo, plural: foos}\n  versions:\n  - {name: v1, served: true, storage: true}\n";
    let e = err(import_crds("x", no_schema));
    assert_eq!(e, ImportError::CrdWithoutSchema { name: "foos.x.io".into(), version: "v1".into() });
    assert!(e.to_string().contains("openAPIV3Schema"));

    let v1beta1 = b"apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata: {name: foos.x.io}\n\
        spec:\n  group: x.io\n  version: v1\n  names: {kind: Foo, plural: foos}\n  validation:\n    openAPIV3Schema: {type: object}\n";
    let e = err(import("x", v1beta1));
    assert_eq!(e, ImportError::CrdV1beta1 { name: "foos.x.io".into() });
    let text = e.to_string();
    assert!(
        text.contains("removed in Kubernetes 1.22") && text.contains("apiextensions.k8s.io/v1"),
        "{text}"
    );

    let e = err(import("x", b"{\"hello\": \"world\"}"));
    assert!(matches!(e, ImportError::NotOpenApi { .. }), "{e:?}");
    let e = err(import("x", b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"));
    assert!(e.to_string().contains("found kinds: Deployment"), "{e}");
    let e = err(import_openapi_v2("x", V3));
    assert!(e.to_string().contains("OpenAPI v3"), "{e}");
    let e = err(import_openapi_v3("x", V2));
    assert!(e.to_string().contains("v2"), "{e}");
    let e = err(import("x", b"{\"swagger\": \"1.2\", \"definitions\": {}}"));
    assert!(matches!(e, ImportError::UnsupportedVersion { .. }), "{e:?}");
    let e = err(import("x", b"{\"swagger\": \"2.0\", \"definitions\": {\"a\": {\"type\": \"object\"}}}"));
    assert!(matches!(e, ImportError::NoKinds { .. }), "{e:?}");
    let e = err(import("x", b"\xff\xfe not text"));
    assert!(e.to_string().contains("UTF-8"), "{e}");
    let e = err(import("x", b""));
    assert!(matches!(e, ImportError::NotOpenApi { .. }), "{e:?}");
}

/// A small deterministic generator for the no-panic test.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
    let seeds: [&[u8]; 3] = [V2, V3, CRDS];
    for round in 0..600 {
        let mut bytes = seeds[round % 3].to_vec();
        // Flip, delete and duplicate a few bytes or a whole range.
        for _ in 0..(1 + rng.next() % 8) {
            let len = bytes.len().max(1);
            let at = (rng.next() as usize) % len;
            match rng.next() % 4 {
                0 => {
                    let value = rng.next() as u8;
                    if let Some(b) = bytes.get_mut(at) {
                        *b = value;
                    }
                }
                1 => {
                    let end = (at + (rng.next() as usize) % 64).min(bytes.len());
                    bytes.drain(at.min(end)..end);
                }
                2 => {
                    let end = (at + (rng.next() as usize) % 64).min(bytes.len());
                    let copy = bytes[at.min(end)..end].to_vec();
                    bytes.splice(at.min(end)..at.min(end), copy);
                }
                _ => bytes.truncate(at),
            }
        }
        let _ = import("fuzz", &bytes);
        let _ = import_crds("fuzz", &bytes);
        let _ = import_openapi_v2("fuzz", &bytes);
        let _ = SchemaSource::from_bytes(&bytes);
    }
    // Deep nesting is refused or flattened, never a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let _ = import("deep", deep.as_bytes());
    let mut nested = String::from(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: d.x.io}\nspec:\n  group: x.io\n  names: {kind: D}\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema: ",
    );
    for _ in 0..100 {
        nested.push_str("{type: object, properties: {a: ");
    }
    nested.push_str("{type: string}");
    for _ in 0..100 {
        nested.push_str("}}");
    }
    let _ = import("nested", nested.as_bytes());
    // A chain of thousands of definitions, each referring to the next.
    let mut defs = serde_json::Map::new();
    for i in 0..5000 {
        let next = serde_json::json!({ "$ref": format!("#/definitions/d{}", i + 1) });
        defs.insert(format!("d{i}"), serde_json::json!({ "type": "object", "properties": { "next": next } }));
    }
    let gvk = serde_json::json!([{ "group": "x.io", "version": "v1", "kind": "Chain" }]);
    if let Some(first) = defs.get_mut("d0").and_then(|d| d.as_object_mut()) {
        first.insert("x-kubernetes-group-version-kind".into(), gvk);
    }
    let doc = serde_json::json!({ "swagger": "2.0", "definitions": defs }).to_string();
    let chain = import_openapi_v2("chain", doc.as_bytes()).unwrap();
    let schema = Schema::from_source(chain);
    assert!(schema.resolve("Chain", "next.next.next.next").is_ok());
}

/// The field `name` of the type of `path` (dotted) below kind `kind` of `schema`.
fn field<'s>(schema: &'s Schema, kind: &str, path: &str) -> &'s kref_corpus::schema::Field {
    schema.resolve(kind, path).unwrap_or_else(|e| panic!("{path}: {e}")).field().unwrap()
}

#[test]
fn structural_crd_schemas_are_read_as_the_api_server_reads_them() {
    let crd = br"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: probes.example.com}
spec:
  group: example.com
  names: {kind: Probe, plural: probes}
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
            properties:
              port:
                anyOf: [{type: integer}, {type: string}]
                x-kubernetes-int-or-string: true
              limits:
                type: object
                additionalProperties:
                  anyOf: [{type: integer}, {type: string}]
                  pattern: ^[0-9]+(m|Mi)?$
                  x-kubernetes-int-or-string: true
              tags: {type: object, additionalProperties: true}
              raw: {type: object, x-kubernetes-preserve-unknown-fields: true}
              target:
                type: object
                oneOf: [{required: [url]}, {required: [service]}]
                x-kubernetes-validations:
                - {rule: 'has(self.url) || has(self.service)', message: set url or service}
                properties:
                  url: {type: string, format: uri, maxLength: 200}
                  service: {type: string}
              copies: {type: integer, minimum: 0, maximum: 5, default: 1}
              nested:
                type: object
                x-kubernetes-embedded-resource: true
                properties:
                  spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
";
    let schema = Schema::builtin().with_overlay(&import_crds("probes.yaml", crd).unwrap());
    assert_eq!(field(&schema, "Probe", "spec.port").ty, FieldType::IntOrString);
    let limits = field(&schema, "Probe", "spec.limits");
    assert_eq!(limits.ty, FieldType::Map(Box::new(FieldType::IntOrString)));
    let item_checks = limits.checks.as_ref().and_then(|c| c.items.as_ref()).expect("the values' pattern");
    assert_eq!(item_checks.pattern.as_deref(), Some("^[0-9]+(m|Mi)?$"));
    assert_eq!(field(&schema, "Probe", "spec.tags").ty, FieldType::Map(Box::new(FieldType::FreeForm)));
    assert_eq!(field(&schema, "Probe", "spec.raw").ty, FieldType::FreeForm);
    let target = field(&schema, "Probe", "spec.target");
    let checks = target.checks.as_ref().unwrap();
    assert_eq!(checks.alternatives.len(), 1, "oneOf of required fields validates values");
    assert_eq!(checks.alternatives[0].options[1].required, ["service"]);
    assert_eq!(checks.validations[0].message, "set url or service");
    let url = field(&schema, "Probe", "spec.target.url").checks.as_ref().unwrap().clone();
    assert_eq!((url.format.as_deref(), url.max_length), (Some("uri"), Some(200)));
    let copies = field(&schema, "Probe", "spec.copies");
    assert_eq!(copies.default.as_deref(), Some("1"));
    assert_eq!(copies.checks.as_ref().unwrap().maximum.map(|b| b.value), Some(5.0));
    // An embedded resource has its apiVersion, kind and metadata whatever the schema lists.
    assert_eq!(field(&schema, "Probe", "spec.nested.kind").ty, FieldType::String);
    assert!(schema.resolve("Probe", "spec.nested.metadata.labels").is_ok());
}

#[test]
fn openapi_alternatives_with_types_of_their_own_are_unions() {
    let doc = br##"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {},
      "components": {"schemas": {
        "io.example.v1.Route": {"type": "object",
          "x-kubernetes-group-version-kind": [{"group": "example.io", "version": "v1", "kind": "Route"}],
          "properties": {
            "port": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
            "backend": {"anyOf": [{"$ref": "#/components/schemas/io.example.v1.Service"}, {"$ref": "#/components/schemas/io.example.v1.Bucket"}]},
            "both": {"allOf": [{"$ref": "#/components/schemas/io.example.v1.Service"}, {"$ref": "#/components/schemas/io.example.v1.Bucket"}]},
            "weight": {"type": ["integer", "null"], "minimum": 0}}},
        "io.example.v1.Service": {"type": "object", "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}},
        "io.example.v1.Bucket": {"type": "object", "properties": {"bucket": {"type": "string"}}}}}}"##;
    let schema = Schema::builtin().with_overlay(&import_openapi_v3("routes.json", doc).unwrap());
    assert_eq!(field(&schema, "Route", "port").ty, FieldType::IntOrString);
    assert!(matches!(&field(&schema, "Route", "backend").ty, FieldType::Union(alts) if alts.len() == 2));
    // A path goes into the alternative that has the field.
    assert_eq!(field(&schema, "Route", "backend.bucket").ty, FieldType::String);
    assert_eq!(field(&schema, "Route", "backend.port").ty, FieldType::Integer);
    // allOf merges the objects.
    assert_eq!(field(&schema, "Route", "both.bucket").ty, FieldType::String);
    assert_eq!(field(&schema, "Route", "both.name").ty, FieldType::String);
    assert_eq!(field(&schema, "Route", "weight").ty, FieldType::Integer);
}
