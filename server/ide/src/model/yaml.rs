//! Reading YAML values the way the API server does: absent and `null` alike, scalars typed by
//! YAML 1.1 (`kref_yaml::Typed`), and values holding a template placeholder (`{{ }}`, `${VAR}`)
//! as unknown. Every reader of manifests (checks, definitions, hover) goes through these.

use kref_yaml::{Node, NodeValue, Pair, Typed};

/// The value at `path` below `node` (mapping keys only), absent and null values left out.
pub fn at<'n>(node: &'n Node, path: &[&str]) -> Option<&'n Node> {
    let mut n = node;
    for key in path {
        n = get(n, key)?;
    }
    Some(n)
}

/// The value of `key` in a mapping, unless absent or null.
pub fn get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    let v = node.get(key)?;
    (!is_null(v)).then_some(v)
}

/// Is the node absent or a YAML null?
pub fn is_null(node: &Node) -> bool {
    matches!(scalar(node), Some(Typed::Null)) || node.is_missing()
}

/// The mapping pairs of a node (empty for anything else).
pub fn pairs(node: &Node) -> &[Pair] {
    node.as_mapping().unwrap_or(&[])
}

/// The items of a sequence (empty for anything else).
pub fn items(node: &Node) -> &[Node] {
    node.as_sequence().unwrap_or(&[])
}

/// The typed value of a scalar node as the API server's YAML reader (YAML 1.1, as
/// `sigs.k8s.io/yaml`) sees it; `None` for collections and aliases (and for `Missing` nodes,
/// which [`is_null`] treats as null).
pub fn scalar(node: &Node) -> Option<Typed<'_>> {
    node.typed()
}

/// Does a scalar hold a template placeholder (`{{ ... }}`, `${VAR}`)? Its value is filled in
/// before the API server sees it, so it is not validated as a name, label, number or enum.
pub fn is_placeholder(node: &Node) -> bool {
    match &node.value {
        NodeValue::Scalar(s) => super::super::placeholders::has_placeholder(&s.text),
        _ => false,
    }
}

/// The string value of a node that is a YAML string (not a number or boolean); `None` for a
/// value holding a placeholder, whose real value is not known.
pub fn str_of(node: &Node) -> Option<&str> {
    match scalar(node)? {
        Typed::Str(_) if is_placeholder(node) => None,
        Typed::Str(s) => Some(s),
        _ => None,
    }
}

/// The text of any scalar node, whatever its type (`8080`, `true`, `web`); `None` for a value
/// holding a placeholder.
pub fn text_of(node: &Node) -> Option<&str> {
    match &node.value {
        NodeValue::Scalar(s) if !is_null(node) && !is_placeholder(node) => Some(&s.text),
        _ => None,
    }
}

/// An integer value (a YAML integer, not a quoted one).
pub fn int_of(node: &Node) -> Option<i64> {
    match scalar(node)? {
        Typed::Int(i) => Some(i),
        _ => None,
    }
}

/// A boolean value.
pub fn bool_of(node: &Node) -> Option<bool> {
    match scalar(node)? {
        Typed::Bool(b) => Some(b),
        _ => None,
    }
}

/// The string → string pairs of a mapping (labels, selectors), values as written
/// (placeholders included: a selector treats them as matching anything).
pub fn string_map(node: &Node) -> Vec<(&str, &str)> {
    pairs(node)
        .iter()
        .map(|p| {
            let value = match &p.value.value {
                NodeValue::Scalar(s) if !is_null(&p.value) => s.text.as_str(),
                _ => "",
            };
            (p.key.text.as_str(), value)
        })
        .collect()
}

/// [`string_map`] as owned pairs, for facts kept beyond the parsed file.
pub fn owned_map(node: &Node) -> Vec<(String, String)> {
    string_map(node).into_iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}
