//! Plain data of the schema model: kinds, shared type definitions, fields and field types.
//!
//! A [`SchemaSource`] is what one origin contributes (the built-in schema, one imported OpenAPI
//! document, one CRD file): kinds plus a table of type definitions that fields point into by
//! [`TypeRef`]. Types are shared nodes (one per OpenAPI definition, not per expanded path), so the
//! graph stays small and recursive definitions such as `JSONSchemaProps` need no special case.
//!
//! This file is also compiled into `build.rs` (which generates the built-in schema), so it uses
//! nothing but serde, postcard and thiserror.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Index of a [`TypeDef`] in the type table of a [`SchemaSource`] (or of a `Schema`, which
/// renumbers the types of every source it combines).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TypeRef(pub u32);

impl TypeRef {
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// The type of a field's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FieldType {
    String,
    Integer,
    Number,
    Boolean,
    /// An object with known fields (a shared type definition).
    Object(TypeRef),
    /// A list of values of the inner type.
    Array(Box<FieldType>),
    /// A map from string keys to values of the inner type (`labels`, `data`, ...).
    Map(Box<FieldType>),
    /// An integer or a string such as `25%` or a port name (`x-kubernetes-int-or-string`).
    IntOrString,
    /// A resource quantity: `500m`, `128Mi`, `2`.
    Quantity,
    /// An RFC 3339 timestamp (`Time`, `MicroTime`, `format: date-time`).
    DateTime,
    /// Base64-encoded bytes (`format: byte`, such as Secret `data` values).
    Bytes,
    /// Any JSON value or an object with arbitrary fields (`RawExtension`, `JSON`,
    /// `x-kubernetes-preserve-unknown-fields`).
    FreeForm,
    /// One of several shapes: an OpenAPI `anyOf`/`oneOf` whose alternatives carry types of
    /// their own (`[integer, string]`, two object types). A value is valid when it fits one.
    Union(Vec<FieldType>),
}

impl FieldType {
    /// The object type this type is or contains (through arrays, maps and the first object
    /// alternative of a union), if any.
    pub fn object(&self) -> Option<TypeRef> {
        match self {
            FieldType::Object(t) => Some(*t),
            FieldType::Array(inner) | FieldType::Map(inner) => inner.object(),
            FieldType::Union(alts) => alts.iter().find_map(FieldType::object),
            _ => None,
        }
    }

    /// Every object type this type is or contains, union alternatives included.
    pub fn objects(&self) -> Vec<TypeRef> {
        match self {
            FieldType::Object(t) => vec![*t],
            FieldType::Array(inner) | FieldType::Map(inner) => inner.objects(),
            FieldType::Union(alts) => alts.iter().flat_map(FieldType::objects).collect(),
            _ => Vec::new(),
        }
    }

    /// The innermost element type: `[]map[string]T` → `T`.
    pub fn element(&self) -> &FieldType {
        match self {
            FieldType::Array(inner) | FieldType::Map(inner) => inner.element(),
            other => other,
        }
    }

    /// Is this a scalar (string, number, boolean, int-or-string, quantity, time, bytes), or a
    /// union of scalars?
    pub fn is_scalar(&self) -> bool {
        match self {
            FieldType::Union(alts) => alts.iter().all(FieldType::is_scalar),
            _ => !matches!(
                self,
                FieldType::Object(_) | FieldType::Array(_) | FieldType::Map(_) | FieldType::FreeForm
            ),
        }
    }

    /// Rewrites every type reference through `map`.
    pub(crate) fn remap(&mut self, map: &dyn Fn(TypeRef) -> TypeRef) {
        match self {
            FieldType::Object(t) => *t = map(*t),
            FieldType::Array(inner) | FieldType::Map(inner) => inner.remap(map),
            FieldType::Union(alts) => alts.iter_mut().for_each(|a| a.remap(map)),
            _ => {}
        }
    }

    /// A readable type name in the style of `kubectl explain`: `string`, `[]Container`,
    /// `map[string]string`, `int-or-string`, `Quantity`, `Time`. `title` names object types.
    pub fn display_with(&self, title: &dyn Fn(TypeRef) -> String) -> String {
        match self {
            FieldType::String => "string".into(),
            FieldType::Integer => "integer".into(),
            FieldType::Number => "number".into(),
            FieldType::Boolean => "boolean".into(),
            FieldType::Object(t) => title(*t),
            FieldType::Array(inner) => format!("[]{}", inner.display_with(title)),
            FieldType::Map(inner) => format!("map[string]{}", inner.display_with(title)),
            FieldType::IntOrString => "int-or-string".into(),
            FieldType::Quantity => "Quantity".into(),
            FieldType::DateTime => "Time".into(),
            FieldType::Bytes => "[]byte".into(),
            FieldType::FreeForm => "Object".into(),
            FieldType::Union(alts) => {
                alts.iter().map(|a| a.display_with(title)).collect::<Vec<_>>().join(" | ")
            }
        }
    }
}

/// A bound of a number (`minimum`/`maximum`), exclusive or not. Compared by bits so that the
/// model stays `Eq`.
#[derive(Clone, Copy, Debug, Serialize, Deserialize)]
pub struct Bound {
    pub value: f64,
    pub exclusive: bool,
}

impl PartialEq for Bound {
    fn eq(&self, other: &Bound) -> bool {
        self.value.to_bits() == other.value.to_bits() && self.exclusive == other.exclusive
    }
}

impl Eq for Bound {}

/// How a set of alternatives combine (`anyOf`, `oneOf`, `allOf`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Combine {
    /// `anyOf`: at least one alternative holds.
    Any,
    /// `oneOf`: exactly one alternative holds.
    One,
    /// `allOf`: every alternative holds.
    All,
}

/// Alternatives that only validate a value whose shape the field itself gives (a structural
/// CRD schema's `anyOf: [{required: [a]}, {required: [b]}]`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternatives {
    pub combine: Combine,
    pub options: Vec<Checks>,
}

/// One `x-kubernetes-validations` entry: a CEL rule (never evaluated here) and its message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validation {
    pub rule: String,
    /// The message the API server answers when the rule fails (empty when the CRD gives none).
    pub message: String,
}

/// Value validations of a field beyond its type, as OpenAPI and CRD structural schemas write
/// them. Everything is optional; only cheap ones are checked (see the diagnostics engine).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checks {
    /// `format` as written (`int32`, `email`, `duration`, ...), for hover.
    pub format: Option<String>,
    /// A regular expression strings must match (ECMA/RE2 syntax as written).
    pub pattern: Option<String>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    /// `null` is a value of its own here (otherwise the API server drops nulls).
    pub nullable: bool,
    /// Keys that must be present (only in alternatives: a field's own required keys are the
    /// `required` flags of its object type's fields).
    pub required: Vec<String>,
    /// Allowed values (only in alternatives: a field's own are its `enum_values`).
    pub enum_values: Vec<String>,
    /// Something these checks cannot evaluate (nested properties, `not`, ...): an alternative
    /// with it is taken to hold.
    pub opaque: bool,
    pub alternatives: Vec<Alternatives>,
    pub validations: Vec<Validation>,
    /// The checks of each item of a list, or each value of a map.
    pub items: Option<Box<Checks>>,
}

impl Checks {
    /// Does it check nothing?
    pub fn is_empty(&self) -> bool {
        *self == Checks::default()
    }
}

/// One allowed value of an enumerated field, with a one-line note in our own words.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EnumValue {
    pub value: String,
    /// Empty when the value comes from an imported schema that gives only the values.
    pub note: String,
    /// Still accepted but deprecated (`Recycle`, `FQDN`).
    pub deprecated: bool,
}

/// A narrower set of allowed values that applies when the field sits under certain kinds:
/// `restartPolicy` is `Always`/`OnFailure`/`Never` on a Pod but only `OnFailure`/`Never` in the
/// pod template of a Job or CronJob.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct EnumRestriction {
    /// Kind names (`Job`, `CronJob`) the restriction applies to.
    pub kinds: Vec<String>,
    /// The only values accepted there.
    pub allowed: Vec<String>,
    /// Why, in one line.
    pub note: String,
}

/// A field of an object type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub name: String,
    pub ty: FieldType,
    pub description: String,
    pub required: bool,
    /// Allowed values; for list fields (`accessModes`) the values of the items.
    pub enum_values: Vec<EnumValue>,
    /// Other values are accepted too: the listed ones are the well-known ones (Secret `type`
    /// also takes custom types), so tools should complete them but not reject others.
    pub enum_open: bool,
    /// Per-kind narrowing of `enum_values`.
    pub restrictions: Vec<EnumRestriction>,
    /// The value the API server assumes when the field is omitted, as written in YAML.
    pub default: Option<String>,
    /// `Some(reason)` when the field is deprecated (the sentence that says so).
    pub deprecated: Option<String>,
    /// Set by the system (status, `metadata.uid`, ...): not something to write in a manifest.
    pub read_only: bool,
    /// Value validations beyond the type (pattern, bounds, lengths, alternatives, CEL rule
    /// messages); `None` when there are none.
    pub checks: Option<Box<Checks>>,
}

impl Field {
    /// A field with just a name, a type and a description.
    pub fn new(name: impl Into<String>, ty: FieldType, description: impl Into<String>) -> Field {
        Field {
            name: name.into(),
            ty,
            description: description.into(),
            required: false,
            enum_values: Vec::new(),
            enum_open: false,
            restrictions: Vec::new(),
            default: None,
            deprecated: None,
            read_only: false,
            checks: None,
        }
    }

    /// The allowed values when the field sits under `kind` (restrictions applied); all values
    /// when `kind` is `None` or no restriction names it.
    pub fn values_for_kind(&self, kind: Option<&str>) -> Vec<&EnumValue> {
        let restriction = kind.and_then(|k| {
            self.restrictions.iter().find(|r| r.kinds.iter().any(|rk| rk.eq_ignore_ascii_case(k)))
        });
        match restriction {
            Some(r) => self.enum_values.iter().filter(|v| r.allowed.contains(&v.value)).collect(),
            None => self.enum_values.iter().collect(),
        }
    }

    /// The restriction that applies under `kind`, if any.
    pub fn restriction_for(&self, kind: &str) -> Option<&EnumRestriction> {
        self.restrictions.iter().find(|r| r.kinds.iter().any(|rk| rk.eq_ignore_ascii_case(kind)))
    }

    /// The enum value named `value` (exact match).
    pub fn enum_value(&self, value: &str) -> Option<&EnumValue> {
        self.enum_values.iter().find(|v| v.value == value)
    }
}

/// A shared object type: one OpenAPI definition (or one inline object of a CRD schema).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TypeDef {
    /// The definition name: `io.k8s.api.apps.v1.DeploymentSpec`; for inline CRD objects the
    /// kind's definition name plus the field path.
    pub name: String,
    /// The short name shown as the type of fields of this type: `DeploymentSpec`, `Object`.
    pub title: String,
    pub description: String,
    /// Fields sorted by name.
    pub fields: Vec<Field>,
    /// Fields other than the listed ones are kept too (`x-kubernetes-preserve-unknown-fields`).
    pub open: bool,
    /// Only a name: the definition lives in another source (a CRD's `metadata` points at the
    /// built-in `ObjectMeta`). A `Schema` links it to the definition of that name.
    pub external: bool,
    /// A whole object is embedded here (`x-kubernetes-embedded-resource`): `apiVersion`, `kind`
    /// and `metadata` are valid fields whatever the listed ones say.
    pub embedded: bool,
}

impl TypeDef {
    pub fn new(name: impl Into<String>, title: impl Into<String>) -> TypeDef {
        TypeDef {
            name: name.into(),
            title: title.into(),
            description: String::new(),
            fields: Vec::new(),
            open: false,
            external: false,
            embedded: false,
        }
    }

    /// The field named `name` (fields are sorted, so this is a binary search).
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.binary_search_by(|f| f.name.as_str().cmp(name)).ok().map(|i| &self.fields[i])
    }

    pub(crate) fn field_mut(&mut self, name: &str) -> Option<&mut Field> {
        match self.fields.binary_search_by(|f| f.name.as_str().cmp(name)) {
            Ok(i) => Some(&mut self.fields[i]),
            Err(_) => None,
        }
    }
}

/// Where a kind's definition comes from.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum KindSource {
    /// The schema built into kref (from the `k8s-openapi` crate).
    Builtin,
    /// An imported document, by the name the import was given (usually its file name).
    Imported(String),
}

impl fmt::Display for KindSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KindSource::Builtin => f.write_str("built-in"),
            KindSource::Imported(name) => f.write_str(name),
        }
    }
}

/// A resource kind of one API group/version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kind {
    /// The API group, empty for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    /// The resource name in URLs and `kubectl get`: `deployments`.
    pub plural: String,
    /// `kubectl` short names: `deploy`.
    pub short_names: Vec<String>,
    pub namespaced: bool,
    /// Only reachable as a subresource of another resource (`Scale`, `Eviction`, `Status`).
    pub subresource: bool,
    pub description: String,
    /// The kind's top-level object type.
    pub root: TypeRef,
    pub source: KindSource,
}

impl Kind {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.clone() } else { format!("{}/{}", self.group, self.version) }
    }

    /// Is `api_version` (`apps/v1`, `v1`) this kind's?
    pub fn has_api_version(&self, api_version: &str) -> bool {
        match api_version.split_once('/') {
            Some((g, v)) => g == self.group && v == self.version,
            None => self.group.is_empty() && api_version == self.version,
        }
    }
}

/// The kinds and types one origin contributes. Serializable: the CLI stores imported schemas in
/// its cache directory with [`SchemaSource::to_bytes`] and loads them with
/// [`SchemaSource::from_bytes`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaSource {
    /// The name kinds from this source report as their [`KindSource`] (file name, `built-in`).
    pub name: String,
    pub kinds: Vec<Kind>,
    pub types: Vec<TypeDef>,
}

/// First bytes of the serialized form; the digit is bumped whenever the layout changes, so a
/// stale cache file is reported as such instead of decoding into garbage.
const MAGIC: &[u8; 8] = b"KREFSC05";

/// A serialized schema that cannot be read back.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DecodeError {
    #[error("not a kref schema file, or one written by another kref version; import the schema again")]
    BadHeader,
    #[error("corrupt kref schema file ({0}); import the schema again")]
    Corrupt(String),
}

impl SchemaSource {
    /// The compact binary form (postcard with a versioned header).
    pub fn to_bytes(&self) -> Vec<u8> {
        let out = MAGIC.to_vec();
        // Serializing plain data into a Vec cannot fail.
        match postcard::to_extend(self, out) {
            Ok(v) => v,
            Err(_) => MAGIC.to_vec(),
        }
    }

    /// Reads the form written by [`SchemaSource::to_bytes`], checking every type reference.
    pub fn from_bytes(bytes: &[u8]) -> Result<SchemaSource, DecodeError> {
        let body = bytes.strip_prefix(MAGIC.as_slice()).ok_or(DecodeError::BadHeader)?;
        let source: SchemaSource =
            postcard::from_bytes(body).map_err(|e| DecodeError::Corrupt(e.to_string()))?;
        source.validate().map_err(DecodeError::Corrupt)?;
        Ok(source)
    }

    /// Checks that every type reference points into the type table.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.types.len();
        let ok = |t: TypeRef| t.index() < n;
        for kind in &self.kinds {
            if !ok(kind.root) {
                return Err(format!("kind {} points at a missing type", kind.kind));
            }
        }
        for ty in &self.types {
            for field in &ty.fields {
                if field.ty.objects().into_iter().any(|t| !ok(t)) {
                    return Err(format!("field {}.{} points at a missing type", ty.name, field.name));
                }
            }
        }
        Ok(())
    }
}
