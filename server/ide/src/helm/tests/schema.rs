//! values.schema.json: validation of values with ranges, schema problems, completion data.

use crate::helm::{FindingSeverity, SchemaFindingKind, ValuesFile, ValuesPath, ValuesSchema};

const SCHEMA: &str = r##"{
  "$schema": "http://json-schema.org/draft-07/schema#",
  "type": "object",
  "required": ["image", "service"],
  "additionalProperties": false,
  "properties": {
    "replicaCount": {"type": "integer", "minimum": 1, "maximum": 10, "description": "How many pods"},
    "image": {
      "type": "object",
      "required": ["repository"],
      "properties": {
        "repository": {"type": "string", "pattern": "^[a-z0-9./-]+$"},
        "tag": {"type": "string", "minLength": 1},
        "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"], "default": "IfNotPresent"}
      }
    },
    "service": {"$ref": "#/definitions/service"},
    "ports": {"type": "array", "items": {"$ref": "#/definitions/port"}, "maxItems": 2, "uniqueItems": true},
    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    "resources": {"anyOf": [{"type": "null"}, {"type": "object"}]},
    "mode": {"oneOf": [{"const": "a"}, {"const": "b"}]},
    "ratio": {"type": "number", "exclusiveMaximum": 1},
    "debug": {"type": "boolean"},
    "nullable": {"type": ["string", "null"]}
  },
  "definitions": {
    "service": {
      "type": "object",
      "properties": {
        "type": {"type": "string", "enum": ["ClusterIP", "NodePort", "LoadBalancer"]},
        "port": {"type": "integer"}
      }
    },
    "port": {"type": "object", "required": ["port"], "properties": {"port": {"type": "integer"}}}
  }
}
"##;

fn validate(values: &str) -> Vec<(SchemaFindingKind, String, String)> {
    let schema = ValuesSchema::parse(SCHEMA);
    assert!(schema.problems.is_empty(), "{:?}", schema.problems);
    let file = ValuesFile::parse(values);
    schema
        .validate(&file)
        .into_iter()
        .map(|f| {
            assert!(!f.in_schema);
            (f.kind, f.message, values[f.range.start..f.range.end].to_string())
        })
        .collect()
}

#[test]
fn valid_values_pass() {
    let values = "replicaCount: 3\nimage:\n  repository: nginx\n  tag: \"1.25\"\n  pullPolicy: Always\nservice:\n  type: ClusterIP\n  port: 80\nports:\n  - port: 80\nlabels:\n  team: web\nresources: ~\nmode: a\nratio: 0.5\ndebug: false\nnullable: ~\n";
    assert_eq!(validate(values), vec![]);
}

#[test]
fn every_keyword_reports_on_the_values_range() {
    let values = r#"replicaCount: 0
image:
  repository: Nginx
  tag: ""
  pullPolicy: Sometimes
service:
  type: Cluster
  port: "80"
ports:
  - port: 80
  - port: 80
  - name: x
labels:
  team: 5
resources: [1]
mode: c
ratio: 1
debug: yes
extra: 1
"#;
    let got = validate(values);
    let summary: Vec<(SchemaFindingKind, &str, &str)> =
        got.iter().map(|(k, m, t)| (*k, m.as_str(), t.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            (SchemaFindingKind::OutOfRange, "`replicaCount` must be at least 1", "0"),
            (
                SchemaFindingKind::PatternMismatch,
                "`image.repository` must match the pattern `^[a-z0-9./-]+$`",
                "Nginx"
            ),
            (SchemaFindingKind::WrongLength, "`image.tag` must be at least 1 characters long", "\"\""),
            (
                SchemaFindingKind::NotAllowed,
                "`image.pullPolicy` must be one of \"Always\", \"IfNotPresent\", \"Never\"",
                "Sometimes"
            ),
            (
                SchemaFindingKind::NotAllowed,
                "`service.type` must be one of \"ClusterIP\", \"NodePort\", \"LoadBalancer\"",
                "Cluster"
            ),
            (SchemaFindingKind::WrongType, "`service.port` must be integer, but it is a string", "\"80\""),
            (
                SchemaFindingKind::WrongItemCount,
                "`ports` must have at most 2 items",
                "- port: 80\n  - port: 80\n  - name: x"
            ),
            (SchemaFindingKind::DuplicateItems, "`ports` must not repeat an item", "port: 80"),
            (SchemaFindingKind::MissingRequired, "`ports[*]` must have `port`", "name: x"),
            (SchemaFindingKind::WrongType, "`labels.team` must be string, but it is an integer", "5"),
            (
                SchemaFindingKind::NoAlternative,
                "`resources` matches none of the 2 shapes the schema allows (anyOf)",
                "[1]"
            ),
            (
                SchemaFindingKind::NoAlternative,
                "`mode` matches none of the 2 shapes the schema allows (oneOf)",
                "c"
            ),
            (SchemaFindingKind::OutOfRange, "`ratio` must be less than 1", "1"),
            (SchemaFindingKind::AdditionalProperty, "the schema does not allow `extra` here", "extra"),
        ]
    );
}

#[test]
fn yaml_1_1_booleans_are_booleans_and_required_keys_are_named() {
    // `yes` is a boolean to Helm's YAML reader: fine for a boolean.
    let got = validate("image:\n  repository: a\nservice: {}\ndebug: yes\n");
    assert_eq!(got, vec![]);
    let got = validate("image:\n  tag: x\nrepliacCount: 2\n");
    let summary: Vec<(SchemaFindingKind, &str)> = got.iter().map(|(k, m, _)| (*k, m.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            (SchemaFindingKind::MissingRequired, "the schema requires `service` in the values"),
            (SchemaFindingKind::MissingRequired, "`image` must have `repository`"),
            (
                SchemaFindingKind::AdditionalProperty,
                "the schema does not allow `repliacCount` here; did you mean `replicaCount`?"
            ),
        ]
    );
    // A missing nested key is reported on its parent's key.
    assert_eq!(got[1].2, "image");
}

#[test]
fn schema_problems_are_reported_on_the_schema() {
    let schema = ValuesSchema::parse(
        "{\"type\": \"object\",\n \"properties\": {\"a\": {\"$ref\": \"#/definitions/nope\"},\n \"b\": {\"type\": \"strnig\"},\n \"c\": {\"type\": \"string\", \"pattern\": \"(?=x)\"}}}\n",
    );
    let kinds: Vec<SchemaFindingKind> = schema.problems.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        vec![
            SchemaFindingKind::UnresolvedRef,
            SchemaFindingKind::InvalidSchema,
            SchemaFindingKind::InvalidPattern
        ]
    );
    assert!(schema.problems.iter().all(|p| p.in_schema && !p.range.is_empty()));
    // Values are still validated where the schema can be read, and the bad pattern is skipped.
    let values = ValuesFile::parse("a: 1\nc: yz\n");
    assert!(schema.validate(&values).is_empty());

    // A remote `$ref` is something Helm fetches: said, but not an error.
    let remote = ValuesSchema::parse(
        "{\"properties\": {\"r\": {\"$ref\": \"https://schemas.example.com/defs.json#/quantity\"}}}",
    );
    assert_eq!(remote.problems.len(), 1);
    assert_eq!(remote.problems[0].severity, FindingSeverity::Info);

    let broken = ValuesSchema::parse("{\n  \"type\": \"object\",\n  \"properties\": {\n}\n");
    assert_eq!(broken.problems.len(), 1);
    assert_eq!(broken.problems[0].kind, SchemaFindingKind::InvalidJson);
    assert!(broken.problems[0].message.starts_with("values.schema.json is not valid JSON"));
}

#[test]
fn reference_cycles_end() {
    let schema = ValuesSchema::parse(
        r##"{"$ref": "#/definitions/a", "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}}"##,
    );
    let values = ValuesFile::parse("x: 1\n");
    assert!(schema.validate(&values).is_empty());
    assert!(schema.properties_at(&ValuesPath::default()).is_empty());
}

#[test]
fn properties_for_completion_and_hover() {
    let schema = ValuesSchema::parse(SCHEMA);
    let top: Vec<String> = schema.properties_at(&ValuesPath::default()).into_iter().map(|p| p.name).collect();
    assert!(top.contains(&"replicaCount".to_string()) && top.contains(&"service".to_string()));
    let service: Vec<String> =
        schema.properties_at(&ValuesPath::parse("service")).into_iter().map(|p| p.name).collect();
    assert_eq!(service, vec!["type", "port"]);
    let port = schema.properties_at(&ValuesPath::parse("ports[*]"));
    assert_eq!(port[0].name, "port");
    assert!(port[0].required);
    let replicas = schema.property(&ValuesPath::parse("replicaCount")).unwrap();
    assert_eq!(replicas.description.as_deref(), Some("How many pods"));
    assert_eq!(replicas.type_name.as_deref(), Some("integer"));
    let policy = schema.property(&ValuesPath::parse("image.pullPolicy")).unwrap();
    assert_eq!(policy.enum_values, vec!["Always", "IfNotPresent", "Never"]);
    assert_eq!(policy.default.as_deref(), Some("IfNotPresent"));
}
