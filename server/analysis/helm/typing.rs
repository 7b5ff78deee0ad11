//! The type Helm gives a YAML scalar: Helm reads values and `Chart.yaml` with go-yaml v2 rules
//! (YAML 1.1 booleans such as `yes`/`off`, `0x` and leading-zero octal integers, underscores in
//! numbers, timestamps kept as strings).
//!
//! To be merged with the object model's scalar typing when the analysis crate gets one; kept
//! here so this module depends on nothing but `kref_yaml`.

use kref_yaml::{Node, NodeValue, Scalar, ScalarStyle};

/// What a value is once Helm has read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Mapping,
    Sequence,
}

impl Typed {
    /// The JSON-Schema type name (`integer` for integers, `number` for other numbers).
    pub fn json_type(&self) -> &'static str {
        match self {
            Typed::Null => "null",
            Typed::Bool(_) => "boolean",
            Typed::Int(_) => "integer",
            Typed::Float(_) => "number",
            Typed::String(_) => "string",
            Typed::Mapping => "object",
            Typed::Sequence => "array",
        }
    }

    /// A word for messages: `a string`, `an integer`.
    pub fn describe(&self) -> &'static str {
        match self {
            Typed::Null => "null",
            Typed::Bool(_) => "a boolean",
            Typed::Int(_) => "an integer",
            Typed::Float(_) => "a number",
            Typed::String(_) => "a string",
            Typed::Mapping => "a mapping",
            Typed::Sequence => "a list",
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Typed::Int(i) => Some(*i as f64),
            Typed::Float(f) => Some(*f),
            _ => None,
        }
    }
}

/// The type of a node. An alias is read as a string (it is never expanded here).
pub fn type_of(node: &Node) -> Typed {
    match &node.value {
        NodeValue::Mapping(_) => Typed::Mapping,
        NodeValue::Sequence(_) => Typed::Sequence,
        NodeValue::Missing => Typed::Null,
        NodeValue::Alias(name) => Typed::String(name.clone()),
        NodeValue::Scalar(s) => match node.tag.as_deref() {
            Some("!!str") => Typed::String(s.text.clone()),
            _ => type_of_scalar(s),
        },
    }
}

/// The type of a scalar: quoted and block scalars are strings; plain ones are resolved.
pub fn type_of_scalar(scalar: &Scalar) -> Typed {
    if scalar.style != ScalarStyle::Plain {
        return Typed::String(scalar.text.clone());
    }
    resolve_plain(&scalar.text)
}

/// Resolves a plain scalar's text the way go-yaml v2 does.
pub fn resolve_plain(text: &str) -> Typed {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Typed::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Typed::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Typed::Bool(false);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Typed::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Typed::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Typed::Float(f64::NAN),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Typed::String(text.to_string());
    }
    if let Some(i) = parse_int(text) {
        return Typed::Int(i);
    }
    let plain = text.replace('_', "");
    if is_float(&plain)
        && let Ok(f) = plain.parse::<f64>()
    {
        return Typed::Float(f);
    }
    Typed::String(text.to_string())
}

/// Integers as go-yaml v2 reads them: underscores dropped, then a Go integer literal
/// (`0x1F`, `0o17`, `017`, `0b101`, optional sign).
fn parse_int(text: &str) -> Option<i64> {
    let plain = text.replace('_', "");
    let (negative, digits) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(rest) = digits.strip_prefix("0x").or_else(|| digits.strip_prefix("0X")) {
        (16, rest)
    } else if let Some(rest) = digits.strip_prefix("0b").or_else(|| digits.strip_prefix("0B")) {
        (2, rest)
    } else if let Some(rest) = digits.strip_prefix("0o").or_else(|| digits.strip_prefix("0O")) {
        (8, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let value = i64::from_str_radix(body, radix).ok()?;
    Some(if negative { -value } else { value })
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}
