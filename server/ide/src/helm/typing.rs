//! The value Helm holds once it has read a node of `values.yaml` or `Chart.yaml`: scalars typed
//! by [`kref_yaml`]'s YAML 1.1 rules (go-yaml v2, the same rules the checks use for manifests),
//! plus mappings and lists. Owned, so values-file entries can keep it.

use kref_yaml::{Node, NodeValue, Typed};

/// What a value is once Helm has read it.
#[derive(Debug, Clone, PartialEq)]
pub enum HelmValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Mapping,
    Sequence,
}

impl HelmValue {
    /// The JSON-Schema type name (`integer` for integers, `number` for other numbers).
    pub fn json_type(&self) -> &'static str {
        match self {
            HelmValue::Mapping => "object",
            HelmValue::Sequence => "array",
            scalar => scalar.as_typed().map_or("null", |t| t.json_type()),
        }
    }

    /// A word for messages: `a string`, `an integer`.
    pub fn describe(&self) -> &'static str {
        match self {
            HelmValue::Mapping => "a mapping",
            HelmValue::Sequence => "a list",
            scalar => scalar.as_typed().map_or("null", |t| t.type_name()),
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.as_typed().and_then(|t| t.as_f64())
    }

    /// The scalar as [`Typed`]; `None` for collections.
    fn as_typed(&self) -> Option<Typed<'_>> {
        Some(match self {
            HelmValue::Null => Typed::Null,
            HelmValue::Bool(b) => Typed::Bool(*b),
            HelmValue::Int(i) => Typed::Int(*i),
            HelmValue::Float(f) => Typed::Float(*f),
            HelmValue::String(s) => Typed::Str(s),
            HelmValue::Mapping | HelmValue::Sequence => return None,
        })
    }
}

impl From<Typed<'_>> for HelmValue {
    fn from(t: Typed<'_>) -> HelmValue {
        match t {
            Typed::Null => HelmValue::Null,
            Typed::Bool(b) => HelmValue::Bool(b),
            Typed::Int(i) => HelmValue::Int(i),
            Typed::Float(f) => HelmValue::Float(f),
            Typed::Str(s) => HelmValue::String(s.to_string()),
        }
    }
}

/// The value of a node. An alias is read as a string (it is never expanded here).
pub fn type_of(node: &Node) -> HelmValue {
    match &node.value {
        NodeValue::Mapping(_) => HelmValue::Mapping,
        NodeValue::Sequence(_) => HelmValue::Sequence,
        NodeValue::Missing => HelmValue::Null,
        NodeValue::Alias(name) => HelmValue::String(name.clone()),
        NodeValue::Scalar(_) => node.typed().map_or(HelmValue::Null, HelmValue::from),
    }
}
