//! Lints of the enum facts table (`corpus/data/enums.yaml`) against the built-in schema and its
//! official descriptions: normal form, every key names a real field, every value the official
//! description names is in the table (and the other way round), and every description that reads
//! like an enumeration ("Valid values are", "One of", "Can be", ...) has a table entry.

use std::collections::{BTreeMap, BTreeSet};

use kref_corpus::schema::enums::{EnumTable, parse_table, render_table};
use kref_corpus::schema::{FieldType, Schema, TypeRef};

const TABLE: &str = include_str!("../data/enums.yaml");

fn table() -> EnumTable {
    match parse_table(TABLE) {
        Ok(t) => t,
        Err(e) => panic!("data/enums.yaml does not parse: {e}"),
    }
}

/// Descriptions the scan flags that are not enumerations of the field's values, with why.
const NOT_ENUMS: &[(&str, &str)] = &[
    // Empty: the scan below ignores "one of these fields must be set" sentences and prose that
    // is not a plain list, and every description it flags today is a real enumeration. Add
    // (definition.field, reason) pairs here only for descriptions it misreads.
];

/// Values the table lists although the field's official description does not name them.
const NOT_IN_DESCRIPTION: &[(&str, &str, &str)] = &[
    (
        "io.k8s.api.certificates.v1.CertificateSigningRequestSpec.signerName",
        "kubernetes.io/legacy-unknown",
        "a well-known signer the description leaves out",
    ),
    (
        "io.k8s.api.core.v1.NodeAddress.type",
        "ExternalDNS",
        "a NodeAddressType constant the description omits",
    ),
    (
        "io.k8s.api.core.v1.NodeAddress.type",
        "InternalDNS",
        "a NodeAddressType constant the description omits",
    ),
    ("io.k8s.api.core.v1.EmptyDirVolumeSource.medium", "", "the empty string is the default medium"),
];

/// Tokens the scan reads in an enumerated field's description that are not its values.
const NOT_VALUES: &[(&str, &str, &str)] = &[
    // (definition.field, token, reason); empty today.
];

/// Trigger phrases of enumerations in descriptions.
const TRIGGERS: &[&str] = &[
    "Valid values are",
    "valid values are",
    "Possible enum values",
    "Possible values are",
    "possible values are",
    "Possible values:",
    "Can be ",
    "can be one of",
    "must be one of",
    "One of ",
    "one of ",
    "Valid options are",
    "Options are",
    "Supported values",
    "supported values are",
    "Allowed values are",
    "allowed values are",
    "Acceptable values are",
    "Valid operators are",
    "Valid effects are",
    "Valid policies are",
    "Valid kinds are",
    "Valid value",
    "Must be ",
    "Supports ",
    "supported types are",
    "supported reasons are",
    "expected values are",
    "may be set to",
    "The only possible value is",
];

/// Words that are never values even when they sit in a list after a trigger.
const STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "or",
    "of",
    "to",
    "is",
    "be",
    "in",
    "it",
    "if",
    "one",
    "set",
    "all",
    "any",
    "not",
    "must",
    "may",
    "can",
    "none",
    "either",
    "both",
    "default",
    "defaults",
    "unset",
    "empty",
    "null",
    "nil",
    "Required",
    "Optional",
    "Defaults",
    "Default",
    "If",
    "When",
    "The",
    "This",
    "More",
    "Note",
    "See",
    "DNS_LABEL",
    "IANA_SVC_NAME",
    "More info",
    "Cannot",
    "Valid",
    "Only",
    "Values",
    "Possible",
    "Options",
    "following",
    "values",
    "value",
    "e.g",
    "etc",
    "future",
    "RFC",
    "IP",
    "Value",
];

/// Does `text` contain `word` as a whole token?
fn names(text: &str, word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let is_token = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut start = 0;
    while let Some(i) = text[start..].find(word) {
        let at = start + i;
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        if !before.is_some_and(is_token) && !after.is_some_and(is_token) {
            return true;
        }
        start = at + word.len().max(1);
    }
    false
}

/// Candidate values an enumeration names, from the trigger on. The sentence after the trigger
/// counts when it is a plain list (`Always, OnFailure, Never`: every item one token, parenthesised
/// remarks dropped). When a colon introduces the list, the paragraph after it counts too: its
/// quoted tokens and its `- Value: ...`, `* Value` and `Value - ...` items. Sentences about which
/// sibling fields to set ("Exactly one of X or Y must be set") are not enumerations.
fn candidate_values(description: &str, trigger_at: usize, trigger: &str) -> BTreeSet<String> {
    let rest = &description[trigger_at + trigger.len()..];
    let colon_list = rest.trim_start().starts_with(':');
    let rest = if colon_list { rest.trim_start()[1..].trim_start() } else { rest };
    let paragraph_end = rest.find("\n\n").unwrap_or(rest.len()).min(900);
    let window = &rest[..floor_char_boundary(rest, paragraph_end)];
    let mut out = BTreeSet::new();
    let sentence_end = window.find(". ").or_else(|| window.find(".\n")).unwrap_or(window.len());
    let sentence = &window[..sentence_end];
    let lower = sentence.to_ascii_lowercase();
    if ["must be set", "can be set", "must be specified", "may be set", "be set."]
        .iter()
        .any(|p| lower.contains(p))
    {
        return out;
    }
    // The plain list right after the trigger.
    let plain = strip_parentheses(sentence.trim_end_matches('.'));
    let plain = plain.trim_start_matches([':', ' ', '\n']);
    let mut items = Vec::new();
    let mut list_like = true;
    for item in plain.split([',', ';']).flat_map(|s| s.split(" or ")).flat_map(|s| s.split(" and ")) {
        let item = item.trim();
        let item = item.strip_prefix("either ").unwrap_or(item);
        let item = item.strip_prefix("and ").or_else(|| item.strip_prefix("or ")).unwrap_or(item);
        let item = item.trim_matches(|c: char| "\"'`[]".contains(c) || c.is_whitespace());
        if item.is_empty() {
            continue;
        }
        if is_value_token(item) {
            items.push(item.to_string());
        } else {
            list_like = false;
        }
    }
    if list_like {
        out.extend(items);
    }
    if colon_list {
        for quote in ['"', '`'] {
            let mut parts = window.split(quote);
            parts.next();
            while let (Some(inside), Some(_)) = (parts.next(), parts.next()) {
                if is_value_token(inside) {
                    out.insert(inside.to_string());
                }
            }
        }
        for piece in window.split('\n').flat_map(|l| l.split(". ")).flat_map(|l| l.split("  ")) {
            let piece = piece.trim().trim_start_matches(':').trim();
            let (marked, body) = match piece.strip_prefix("- ").or_else(|| piece.strip_prefix("* ")) {
                Some(body) => (true, body.trim_start()),
                None => (false, piece),
            };
            let word_end = body.find([':', ' ']).unwrap_or(body.len());
            let word = body[..word_end].trim_matches(|c| "\"'`".contains(c));
            let after = &body[word_end..];
            let introduces = after.starts_with(':') || after.starts_with(" -") || after.starts_with(" means");
            if (marked || introduces) && is_value_token(word) {
                out.insert(word.to_string());
            }
        }
    }
    out.retain(|t| !STOPWORDS.contains(&t.as_str()));
    out
}

/// `a (b) c` → `a  c`.
fn strip_parentheses(s: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in s.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn is_value_token(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && !s.contains(' ')
        && (s == "*" || s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric()))
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "./-_*".contains(c))
        && !s.ends_with('.')
}

/// Every string field of the built-in schema: (definition.field, description, is string-ish).
fn all_fields(schema: &Schema) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for i in 0..schema.type_count() {
        let Some(ty) = schema.type_def(TypeRef(i as u32)) else { continue };
        for field in &ty.fields {
            let key = format!("{}.{}", ty.name, field.name);
            if !seen.insert(key.clone()) {
                continue;
            }
            let stringy = match &field.ty {
                FieldType::String => true,
                FieldType::Array(inner) => **inner == FieldType::String,
                _ => false,
            };
            out.push((key, field.description.clone(), stringy));
        }
    }
    out
}

#[test]
fn table_is_in_normal_form() {
    let rendered = render_table(&table());
    if rendered != TABLE {
        if std::env::var_os("KREF_BLESS").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/enums.yaml");
            std::fs::write(path, &rendered).expect("rewrite data/enums.yaml");
            return;
        }
        let line = TABLE.lines().zip(rendered.lines()).position(|(a, b)| a != b).map_or(0, |i| i + 1);
        panic!(
            "data/enums.yaml is not in normal form (first difference at line {line}); \
             run `KREF_BLESS=1 cargo test -p kref-corpus --test schema_enums` to rewrite it"
        );
    }
}

#[test]
fn every_entry_names_a_string_field_of_the_builtin_schema() {
    let schema = Schema::builtin();
    let mut problems = Vec::new();
    for (key, spec) in &table().entries {
        let Some((def, field_name)) = EnumTable::split_key(key) else {
            problems.push(format!("{key}: not <definition>.<field>"));
            continue;
        };
        let field = schema.type_named(def).and_then(|t| schema.type_def(t)).and_then(|t| t.field(field_name));
        let Some(field) = field else {
            problems.push(format!("{key}: no such field in the built-in schema"));
            continue;
        };
        if !matches!(field.ty.element(), FieldType::String) {
            problems.push(format!("{key}: field type is {}, not string", schema.display_type(&field.ty)));
        }
        if spec.values.is_empty() {
            problems.push(format!("{key}: no values"));
        }
        for (value, note) in &spec.values {
            let note = note.trim();
            if note.is_empty() || note.contains('\n') || note.len() > 160 {
                problems.push(format!("{key}: {value}: the note must be one line of at most 160 bytes"));
            }
        }
        if let Some(default) = &spec.default
            && !spec.values.contains_key(default)
        {
            problems.push(format!("{key}: default {default:?} is not one of the values"));
        }
        for value in spec.deprecated.iter().chain(spec.restrict.iter().flat_map(|r| r.allowed.iter())) {
            if !spec.values.contains_key(value) {
                problems.push(format!("{key}: {value:?} is not one of the values"));
            }
        }
        for kind in spec.restrict.iter().flat_map(|r| r.kinds.iter()) {
            if schema.kind(kind).is_none() {
                problems.push(format!("{key}: restriction names unknown kind {kind}"));
            }
        }
        // The built-in schema carries the table (merged by build.rs).
        let merged: Vec<&str> = field.enum_values.iter().map(|v| v.value.as_str()).collect();
        let expected: Vec<&str> = spec.values.keys().map(String::as_str).collect();
        if merged != expected {
            problems.push(format!(
                "{key}: built-in schema has {merged:?}, table has {expected:?} (stale build?)"
            ));
        }
    }
    assert!(problems.is_empty(), "enum table problems:\n{}", problems.join("\n"));
}

#[test]
fn table_values_appear_in_official_descriptions() {
    let schema = Schema::builtin();
    let mut problems = Vec::new();
    for (key, spec) in &table().entries {
        let Some((def, field_name)) = EnumTable::split_key(key) else { continue };
        let Some(field) =
            schema.type_named(def).and_then(|t| schema.type_def(t)).and_then(|t| t.field(field_name))
        else {
            continue;
        };
        let d = &field.description;
        let named = spec.values.keys().filter(|v| names(d, v)).count();
        if named < 2 {
            continue; // the description lists no values (at most it names the default)
        }
        for value in spec.values.keys() {
            let allowed = NOT_IN_DESCRIPTION.iter().any(|(k, v, _)| k == key && v == value);
            if !names(d, value) && !allowed {
                problems.push(format!("{key}: table value {value:?} is not named by the description"));
            }
        }
    }
    assert!(problems.is_empty(), "values the official descriptions do not name:\n{}", problems.join("\n"));
}

/// Every string field whose description reads like an enumeration, with the values it names.
fn enum_like_fields(schema: &Schema) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for (key, description, stringy) in all_fields(schema) {
        if !stringy {
            continue; // enumerations are string values; numbers and objects are never listed
        }
        let mut candidates = BTreeSet::new();
        for trigger in TRIGGERS {
            let mut from = 0;
            while let Some(i) = description[from..].find(trigger) {
                let at = from + i;
                candidates.extend(candidate_values(&description, at, trigger));
                from = at + trigger.len();
            }
        }
        let single = description.contains("The only possible value is");
        if candidates.len() >= 2 || (single && candidates.len() == 1) {
            out.insert(key, candidates);
        }
    }
    out
}

#[test]
fn enum_like_descriptions_are_all_in_the_table() {
    let schema = Schema::builtin();
    let table = table();
    let not_enums: BTreeMap<&str, &str> = NOT_ENUMS.iter().copied().collect();
    let flagged = enum_like_fields(schema);
    let mut missing = Vec::new();
    if std::env::var_os("KREF_SHOW_SCAN").is_some() {
        for (key, candidates) in &flagged {
            eprintln!("{key} {candidates:?} {}", table.entries.contains_key(key));
        }
    }
    for (key, candidates) in &flagged {
        if not_enums.contains_key(key.as_str()) {
            continue;
        }
        match table.entries.get(key) {
            None => missing.push(format!("{key}: looks enumerated ({candidates:?}) but has no table entry")),
            Some(spec) => {
                for value in candidates {
                    let not_value = NOT_VALUES.iter().any(|(k, v, _)| k == key && v == value);
                    if !spec.values.contains_key(value) && !spec.open && !not_value {
                        missing.push(format!("{key}: the description names {value:?}, the table does not"));
                    }
                }
            }
        }
    }
    assert!(flagged.len() > 80, "the scan flagged only {} descriptions; is it still working?", flagged.len());
    for key in [
        "io.k8s.api.core.v1.PodSpec.dnsPolicy",
        "io.k8s.api.core.v1.Taint.effect",
        "io.k8s.api.batch.v1.CronJobSpec.concurrencyPolicy",
    ] {
        assert!(flagged.contains_key(key), "the scan misses {key}");
    }
    assert!(missing.is_empty(), "enumerations missing from data/enums.yaml:\n{}", missing.join("\n"));
}

#[test]
fn allow_lists_are_not_stale() {
    let table = table();
    let flagged = enum_like_fields(Schema::builtin());
    for (key, _) in NOT_ENUMS {
        assert!(!table.entries.contains_key(*key), "{key} is in the table and in NOT_ENUMS");
        assert!(flagged.contains_key(*key), "{key} is in NOT_ENUMS but the scan no longer flags it");
    }
    for (key, value, _) in NOT_VALUES {
        assert!(
            flagged.get(*key).is_some_and(|c| c.contains(*value)),
            "NOT_VALUES entry {key} {value} is stale"
        );
    }
    for (key, value, _) in NOT_IN_DESCRIPTION {
        let spec = table.entries.get(*key).unwrap_or_else(|| panic!("{key} is not in the table"));
        assert!(spec.values.contains_key(*value), "{key}: {value:?} is not a table value");
    }
}

#[test]
fn restart_policy_is_narrowed_for_jobs() {
    let schema = Schema::builtin();
    let r = schema.resolve("CronJob", "spec.jobTemplate.spec.template.spec.restartPolicy").unwrap();
    let field = r.field().unwrap();
    let all: Vec<&str> = field.values_for_kind(None).iter().map(|v| v.value.as_str()).collect();
    assert_eq!(all, ["Always", "Never", "OnFailure"]);
    let job: Vec<&str> = field.values_for_kind(Some("Job")).iter().map(|v| v.value.as_str()).collect();
    assert_eq!(job, ["Never", "OnFailure"]);
    let deploy: Vec<&str> =
        field.values_for_kind(Some("Deployment")).iter().map(|v| v.value.as_str()).collect();
    assert_eq!(deploy, ["Always"]);
    assert_eq!(field.default.as_deref(), Some("Always"));
    assert!(field.restriction_for("cronjob").is_some());
}

#[test]
fn merged_enums_are_visible_through_paths() {
    let schema = Schema::builtin();
    let cases: &[(&str, &str, &[&str])] = &[
        ("CronJob", "spec.concurrencyPolicy", &["Allow", "Forbid", "Replace"]),
        (
            "PersistentVolumeClaim",
            "spec.accessModes",
            &["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"],
        ),
        ("Deployment", "spec.template.spec.containers[].ports[].protocol", &["SCTP", "TCP", "UDP"]),
        ("Service", "spec.ports.protocol", &["SCTP", "TCP", "UDP"]),
        ("Ingress", "spec.rules.http.paths.pathType", &["Exact", "ImplementationSpecific", "Prefix"]),
        ("Pod", "spec.tolerations.operator", &["Equal", "Exists", "Gt", "Lt"]),
        (
            "HorizontalPodAutoscaler",
            "spec.metrics.resource.target.type",
            &["AverageValue", "Utilization", "Value"],
        ),
    ];
    for (kind, path, want) in cases {
        let r = schema.resolve(kind, path).unwrap_or_else(|e| panic!("{kind}.{path}: {e}"));
        let got: Vec<&str> = r.field().unwrap().enum_values.iter().map(|v| v.value.as_str()).collect();
        assert_eq!(&got, want, "{kind}.{path}");
    }
    let secret_type = schema.resolve("Secret", "type").unwrap().field().unwrap();
    assert!(secret_type.enum_open, "Secret type accepts custom types");
    let recycle = schema.resolve("pv", "spec.persistentVolumeReclaimPolicy").unwrap();
    assert!(recycle.field().unwrap().enum_value("Recycle").unwrap().deprecated);
    let strategy = schema.resolve("deploy", "spec.strategy.type").unwrap();
    assert_eq!(strategy.field().unwrap().default.as_deref(), Some("RollingUpdate"));
}

#[test]
fn scanner_finds_values() {
    let d = "Restart policy. One of Always, OnFailure, Never. In some contexts only a subset is allowed.";
    let at = d.find("One of ").unwrap();
    let got = candidate_values(d, at, "One of ");
    assert_eq!(got.into_iter().collect::<Vec<_>>(), ["Always", "Never", "OnFailure"]);
    let d = "Valid options are:  Localhost - a profile.  RuntimeDefault - the default.\n- Unconfined: none.";
    let got = candidate_values(d, 0, "Valid options are");
    assert_eq!(got.into_iter().collect::<Vec<_>>(), ["Localhost", "RuntimeDefault", "Unconfined"]);
    let d = "Exactly one of NodeName, NodeSelector and AllNodes must be set.";
    assert!(candidate_values(d, 0, "Exactly ").is_empty());
    let d = "Acceptable values are: None, NoneOnDryRun (webhooks created via v1beta1 may also specify Some or Unknown).";
    let got = candidate_values(d, 0, "Acceptable values are");
    assert_eq!(got.into_iter().collect::<Vec<_>>(), ["None", "NoneOnDryRun"]);
    assert!(names("Must be UDP, TCP, or SCTP.", "TCP"));
    assert!(!names("Must be UDPX", "UDP"));
}
