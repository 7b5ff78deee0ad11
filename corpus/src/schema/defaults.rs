//! Field defaults read from the official descriptions ("Defaults to 1.", "Default is
//! RollingUpdate."), for fields that no table gives one. Only unconditional defaults of a value
//! that fits the field's type are taken: "Defaults to Always if :latest tag is specified" is
//! not a default, nor is "default is the full path".

use super::model::{FieldType, SchemaSource};

/// The phrases that introduce a default in Kubernetes descriptions.
const PHRASES: [&str; 6] =
    ["defaults to ", "default is ", "defaulted to ", "default value is ", "default to ", "default: "];

/// Units that may follow a number ("Defaults to 30 seconds.").
const UNITS: [&str; 2] = ["seconds", "second"];

/// Words after the value that make the default conditional or partial.
const CONDITIONS: [&str; 8] = ["if", "unless", "when", "for", "on", "in", "except", "and"];

/// The default a description states for a field of type `ty`, as written in YAML.
pub fn described_default(description: &str, ty: &FieldType) -> Option<String> {
    let lower = description.to_ascii_lowercase();
    let (at, phrase) =
        PHRASES.iter().filter_map(|p| lower.find(p).map(|i| (i, *p))).min_by_key(|(i, _)| *i)?;
    let rest = &description[at + phrase.len()..];
    let mut words = rest.split_whitespace();
    let raw = words.next()?;
    // The value ends the sentence, or is followed by a parenthesis or a comma; a following word
    // such as "if" makes it conditional.
    let ends_sentence = raw.ends_with('.') || raw.ends_with(',') || raw.ends_with(".\"");
    if !ends_sentence {
        match words.next() {
            None => {}
            Some(next) if next.starts_with('(') => {}
            Some(next)
                if matches!(ty, FieldType::Integer)
                    && UNITS.contains(&next.trim_end_matches([',', '.', ')']))
                    && (next.ends_with('.') || words.next().is_none_or(|w| w.starts_with('('))) => {}
            Some(next)
                if CONDITIONS.contains(&next.trim_end_matches([',', '.']).to_ascii_lowercase().as_str()) =>
            {
                return None;
            }
            Some(_) => return None,
        }
    }
    let token = raw.trim_end_matches(['.', ',', ';', ':', ')']);
    let quoted =
        token.len() >= 2 && ['"', '\'', '`'].iter().any(|q| token.starts_with(*q) && token.ends_with(*q));
    let token = if quoted { &token[1..token.len() - 1] } else { token.trim_end_matches('"') };
    if token.is_empty() || token.contains(['"', '\'', '`']) {
        return None;
    }
    fits(token, quoted, ty)
}

/// `token` as the default of a field of type `ty`, when it fits.
fn fits(token: &str, quoted: bool, ty: &FieldType) -> Option<String> {
    let integer = |t: &str| t.parse::<i64>().is_ok();
    match ty {
        FieldType::Integer => {
            // "Defaults to 600s." for a field counted in seconds.
            let t = token.strip_suffix('s').filter(|t| integer(t)).unwrap_or(token);
            integer(t).then(|| t.to_string())
        }
        FieldType::Number => token.parse::<f64>().is_ok().then(|| token.to_string()),
        FieldType::Boolean => match token.to_ascii_lowercase().as_str() {
            "true" => Some("true".into()),
            "false" => Some("false".into()),
            _ => None,
        },
        FieldType::IntOrString => {
            let percent = token.strip_suffix('%').is_some_and(integer);
            (integer(token) || percent).then(|| token.to_string())
        }
        FieldType::String => {
            let identifier = token.starts_with(|c: char| c.is_ascii_uppercase())
                && token.chars().all(|c| c.is_ascii_alphanumeric());
            let path = token.starts_with('/') && token.len() > 1 && !token.contains(char::is_whitespace);
            (quoted || identifier || path).then(|| token.to_string())
        }
        _ => None,
    }
}

/// Fills `default` of every field that has none from its description; answers how many were
/// filled. A default that is not among a field's allowed values is left out.
pub fn apply_described_defaults(source: &mut SchemaSource) -> usize {
    let mut filled = 0;
    for ty in &mut source.types {
        for field in &mut ty.fields {
            if field.default.is_some() || field.read_only {
                continue;
            }
            let Some(value) = described_default(&field.description, &field.ty) else { continue };
            if !field.enum_values.is_empty() && field.enum_value(&value).is_none() {
                continue;
            }
            field.default = Some(value);
            filled += 1;
        }
    }
    filled
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str, ty: FieldType) -> Option<String> {
        described_default(text, &ty)
    }

    #[test]
    fn unconditional_defaults_of_the_right_type() {
        assert_eq!(
            d("Number of desired pods. Defaults to 1. More info: x", FieldType::Integer).as_deref(),
            Some("1")
        );
        assert_eq!(
            d("The deployment strategy. Default is RollingUpdate.", FieldType::String).as_deref(),
            Some("RollingUpdate")
        );
        assert_eq!(
            d("Maximum. Defaults to 25%. Example: when", FieldType::IntOrString).as_deref(),
            Some("25%")
        );
        assert_eq!(
            d("Minimum seconds. Defaults to 0 (pod will be available)", FieldType::Integer).as_deref(),
            Some("0")
        );
        assert_eq!(d("Progress deadline. Defaults to 600s.", FieldType::Integer).as_deref(), Some("600"));
        assert_eq!(
            d("Mounted read-only if true. Defaults to false.", FieldType::Boolean).as_deref(),
            Some("false")
        );
        assert_eq!(
            d("Path. Defaults to /dev/termination-log. Cannot be updated.", FieldType::String).as_deref(),
            Some("/dev/termination-log")
        );
        assert_eq!(d("Which verbs. Default is \"*\".", FieldType::String).as_deref(), Some("*"));
        assert_eq!(
            d("Mode bits. Defaults to 0644. Directories", FieldType::Integer).as_deref(),
            Some("0644")
        );
        assert_eq!(d("Grace period. Defaults to 30 seconds.", FieldType::Integer).as_deref(), Some("30"));
    }

    #[test]
    fn conditional_vague_or_ill_typed_defaults_are_not_taken() {
        assert_eq!(
            d(
                "Defaults to Always if :latest tag is specified, or IfNotPresent otherwise.",
                FieldType::String
            ),
            None
        );
        assert_eq!(d("The default is the full path of the volume.", FieldType::String), None);
        assert_eq!(d("User name. Default is admin.", FieldType::String), None);
        assert_eq!(d("Default is nil.", FieldType::String), None);
        assert_eq!(d("Defaults to 1 pod.", FieldType::IntOrString), None);
        assert_eq!(d("Defaults to true.", FieldType::Integer), None);
        assert_eq!(d("Defaults to 1.", FieldType::Object(super::super::model::TypeRef(0))), None);
        assert_eq!(d("No default here.", FieldType::String), None);
        assert_eq!(d("Defaults to \"`kind`List\".", FieldType::String), None);
        assert_eq!(d("Defaults to 30 seconds after the start.", FieldType::Integer), None);
    }
}
