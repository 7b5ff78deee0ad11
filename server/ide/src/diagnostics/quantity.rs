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
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        s if s.starts_with(['e', 'E']) => {
            let exp: i32 = s[1..].parse().map_err(|_| format!("bad unit {s:?}"))?;
            10f64.powi(exp)
        }
        s => return Err(format!("unknown unit {s:?}")),
    };
    Ok(number * factor)
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
