//! YAML 1.1 scalar typing, as go-yaml v2 resolves it: the reader behind `sigs.k8s.io/yaml` (so
//! the API server and kubectl) and Helm. `yes`/`off`/`y` are booleans, `0x1F`, `0o17`, `017`
//! and `1_000` integers, `.inf` infinity, timestamps stay strings (they reach the API as JSON
//! strings). The one copy of these rules: the checks, completion's quoting and the Helm module
//! all read scalars through here.

use crate::model::{Node, NodeValue, ScalarStyle};

/// A scalar's value once typed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Typed<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(&'a str),
}

impl Typed<'_> {
    /// A word for messages: `a boolean`, `an integer`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Typed::Null => "null",
            Typed::Bool(_) => "a boolean",
            Typed::Int(_) => "an integer",
            Typed::Float(_) => "a number",
            Typed::Str(_) => "a string",
        }
    }

    /// The JSON type name (`integer` for integers, `number` for other numbers).
    pub fn json_type(&self) -> &'static str {
        match self {
            Typed::Null => "null",
            Typed::Bool(_) => "boolean",
            Typed::Int(_) => "integer",
            Typed::Float(_) => "number",
            Typed::Str(_) => "string",
        }
    }

    /// The value of a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Typed::Int(i) => Some(*i as f64),
            Typed::Float(f) => Some(*f),
            _ => None,
        }
    }

    pub fn is_str(&self) -> bool {
        matches!(self, Typed::Str(_))
    }
}

impl Node {
    /// The typed value of a scalar node: explicit tags (`!!str`, `!!int`, ...) first, then
    /// quoted and block scalars as strings, then plain scalars by [`resolve_plain`]. `None` for
    /// collections, aliases and absent values.
    pub fn typed(&self) -> Option<Typed<'_>> {
        let NodeValue::Scalar(s) = &self.value else {
            return None;
        };
        let text = s.text.as_str();
        match self.tag.as_deref() {
            Some("!!str" | "tag:yaml.org,2002:str") => return Some(Typed::Str(text)),
            Some("!!int" | "tag:yaml.org,2002:int") => {
                return Some(parse_int(text).map_or(Typed::Str(text), Typed::Int));
            }
            Some("!!bool" | "tag:yaml.org,2002:bool") => return Some(resolve_plain(text)),
            Some("!!float" | "tag:yaml.org,2002:float") => {
                return Some(text.trim().parse().map_or(Typed::Str(text), Typed::Float));
            }
            Some("!!null" | "tag:yaml.org,2002:null") => return Some(Typed::Null),
            _ => {}
        }
        if s.style != ScalarStyle::Plain {
            return Some(Typed::Str(text));
        }
        Some(resolve_plain(text))
    }
}

/// Resolves the text of a plain (unquoted) scalar.
pub fn resolve_plain(text: &str) -> Typed<'_> {
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
        return Typed::Str(text);
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
    Typed::Str(text)
}

/// Does a plain scalar with this text read back as the same string? (`y`, `0x1F`, `1_000`,
/// `~` do not: they must be quoted to stay strings.)
pub fn plain_is_string(text: &str) -> bool {
    !text.is_empty() && resolve_plain(text).is_str()
}

/// `text` written as a YAML string: plain when that reads back as the same string, else
/// double-quoted (YAML 1.1 non-strings, indicators, `: ` and ` #`, edge spaces, line breaks).
pub fn string_scalar(text: &str) -> String {
    let plain_ok = plain_is_string(text)
        && !text.starts_with([
            ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@',
            '`',
        ])
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with([' ', ':'])
        && !text.contains('\n');
    if plain_ok {
        text.to_string()
    } else {
        format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// An integer as go-yaml v2 reads one: underscores dropped, then a Go integer literal with an
/// optional sign (`0x1F`, `0X1F`, `0o17`, `017`, `0b101`).
fn parse_int(text: &str) -> Option<i64> {
    let plain = text.replace('_', "");
    let (negative, digits) = match plain.as_bytes().first()? {
        b'-' => (true, &plain[1..]),
        b'+' => (false, &plain[1..]),
        _ => (false, plain.as_str()),
    };
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

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`: go-yaml's float shape.
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
