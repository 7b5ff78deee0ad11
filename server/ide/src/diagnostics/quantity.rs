//! Kubernetes resource quantities (`500m`, `128Mi`, `1e3`): parsing to a number, and the likely
//! intended spelling of the usual mistakes (`1GB`, `512mb`, `1Gib`).

/// The value of a quantity in base units (cores, bytes), or why it is not one.
pub(crate) fn parse(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("an empty quantity".into());
    }
    let b = t.as_bytes();
    let mut i = 0;
    if matches!(b[0], b'+' | b'-') {
        i += 1;
    }
    let num_start = i;
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return Err("no number".into());
    }
    let number: f64 = t[..i].parse().map_err(|_| format!("bad number {:?}", &t[num_start..i]))?;
    let suffix = &t[i..];
    let scale = suffix_scale(suffix).ok_or_else(|| {
        if suffix.starts_with(['e', 'E']) {
            format!("bad unit {suffix:?}")
        } else {
            format!("unknown unit {suffix:?}")
        }
    })?;
    let exponent = i32::try_from(scale.exponent).map_err(|_| format!("bad unit {suffix:?}"))?;
    Ok(number * scale.multiplier as f64 * 10f64.powi(exponent))
}

/// What kind of suffix a quantity has: none (a plain number or an `e3` exponent), binary
/// (`Ki`, `Mi`, ...) or decimal (`m`, `k`, `M`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SuffixKind {
    None,
    Binary,
    Decimal,
}

/// What a quantity's suffix does to its number: multiplies it by `multiplier` (a power of two)
/// and by ten to the `exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scale {
    pub multiplier: u128,
    pub exponent: i64,
    pub kind: SuffixKind,
}

/// The scale of a quantity's suffix as Kubernetes reads it, or `None` for a suffix it does not
/// know. The one table of suffixes, for the checks and the inlay hints alike.
pub(crate) fn suffix_scale(suffix: &str) -> Option<Scale> {
    let (multiplier, exponent, kind) = match suffix {
        "" => (1, 0, SuffixKind::None),
        "n" => (1, -9, SuffixKind::Decimal),
        "u" => (1, -6, SuffixKind::Decimal),
        "m" => (1, -3, SuffixKind::Decimal),
        "k" => (1, 3, SuffixKind::Decimal),
        "M" => (1, 6, SuffixKind::Decimal),
        "G" => (1, 9, SuffixKind::Decimal),
        "T" => (1, 12, SuffixKind::Decimal),
        "P" => (1, 15, SuffixKind::Decimal),
        "E" => (1, 18, SuffixKind::Decimal),
        "Ki" => (1 << 10, 0, SuffixKind::Binary),
        "Mi" => (1 << 20, 0, SuffixKind::Binary),
        "Gi" => (1 << 30, 0, SuffixKind::Binary),
        "Ti" => (1 << 40, 0, SuffixKind::Binary),
        "Pi" => (1 << 50, 0, SuffixKind::Binary),
        "Ei" => (1 << 60, 0, SuffixKind::Binary),
        s if s.starts_with(['e', 'E']) => (1, s[1..].parse().ok()?, SuffixKind::None),
        _ => return None,
    };
    Some(Scale { multiplier, exponent, kind })
}

/// Spellings the author probably meant for a quantity that does not parse, best first.
pub(crate) fn suggestions(text: &str) -> Vec<String> {
    let t = text.trim();
    let split =
        t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-')).unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = unit.trim();
    if number.is_empty() || parse(number).is_err() {
        return Vec::new();
    }
    let lower = unit.to_ascii_lowercase();
    let stem = lower.trim_end_matches("ib").trim_end_matches('b').trim_end_matches('i');
    let (binary, decimal) = match stem {
        "k" => ("Ki", "k"),
        "m" => ("Mi", "M"),
        "g" => ("Gi", "G"),
        "t" => ("Ti", "T"),
        "p" => ("Pi", "P"),
        "e" => ("Ei", "E"),
        "" if lower == "b" => return vec![number.to_string()],
        _ => return Vec::new(),
    };
    vec![format!("{number}{binary}"), format!("{number}{decimal}")]
}

/// Is this a resource whose quantities count bytes?
pub(crate) fn is_bytes(resource: &str) -> bool {
    matches!(resource, "memory" | "storage" | "ephemeral-storage") || resource.starts_with("hugepages-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_quantities() {
        assert_eq!(parse("500m").unwrap(), 0.5);
        assert_eq!(parse("128Mi").unwrap(), 128.0 * 1024.0 * 1024.0);
        assert_eq!(parse("1e3").unwrap(), 1000.0);
        assert_eq!(parse("2").unwrap(), 2.0);
        assert_eq!(parse(".5").unwrap(), 0.5);
        assert!(parse("1GB").is_err());
        assert!(parse("512mb").is_err());
        assert!(parse("1.5Gib").is_err());
        assert!(parse("Mi").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn suggests_spellings() {
        assert_eq!(suggestions("1GB"), ["1Gi", "1G"]);
        assert_eq!(suggestions("512mb"), ["512Mi", "512M"]);
        assert_eq!(suggestions("1.5Gib"), ["1.5Gi", "1.5G"]);
        assert_eq!(suggestions("2K"), ["2Ki", "2k"]);
        assert!(suggestions("lots").is_empty());
    }
}
