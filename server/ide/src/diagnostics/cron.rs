//! CronJob schedules as the controller parses them (robfig/cron `ParseStandard`: five fields,
//! names, ranges, steps, `@daily`-style descriptors) and the shape of IANA time zone names.

/// Why `schedule` is not a schedule the CronJob controller accepts.
pub(crate) fn problem(schedule: &str) -> Option<String> {
    let s = schedule.trim();
    if s.is_empty() {
        return Some("the schedule is empty".into());
    }
    if let Some(d) = s.strip_prefix('@') {
        let ok = matches!(d, "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly")
            || d.strip_prefix("every ").is_some_and(|dur| is_duration(dur.trim()));
        return (!ok).then(|| {
            format!("unknown descriptor @{d}; use @yearly, @monthly, @weekly, @daily, @hourly or five fields")
        });
    }
    let fields: Vec<&str> = s.split_whitespace().collect();
    if fields.len() != 5 {
        return Some(if fields.len() == 6 {
            "it has 6 fields, but Kubernetes schedules have 5 (minute hour day-of-month month day-of-week), no seconds"
                .into()
        } else {
            format!("it has {} fields; write 5: minute hour day-of-month month day-of-week", fields.len())
        });
    }
    const SPECS: [(&str, u32, u32, &[&str]); 5] = [
        ("minute", 0, 59, &[]),
        ("hour", 0, 23, &[]),
        ("day-of-month", 1, 31, &[]),
        (
            "month",
            1,
            12,
            &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        ),
        ("day-of-week", 0, 6, &["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
    ];
    for (field, (name, min, max, names)) in fields.iter().zip(SPECS) {
        if let Some(why) = field_problem(field, min, max, names) {
            return Some(format!("{name} field {field:?}: {why}"));
        }
    }
    None
}

fn field_problem(field: &str, min: u32, max: u32, names: &[&str]) -> Option<String> {
    for part in field.split(',') {
        if part.is_empty() {
            return Some("an empty list item".into());
        }
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (part, None),
        };
        if let Some(step) = step {
            match step.parse::<u32>() {
                Ok(0) => return Some("a step of 0".into()),
                Ok(_) => {}
                Err(_) => return Some(format!("step {step:?} is not a number")),
            }
        }
        if range == "*" || range == "?" {
            continue;
        }
        let (lo, hi) = match range.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (range, None),
        };
        let value = |t: &str| -> Result<u32, String> {
            if let Ok(n) = t.parse::<u32>() {
                return Ok(n);
            }
            let lower = t.to_ascii_lowercase();
            names.iter().position(|n| *n == lower).map(|i| i as u32 + min).ok_or_else(|| {
                format!("{t:?} is not a number{}", if names.is_empty() { "" } else { " or a name" })
            })
        };
        let lo_v = match value(lo) {
            Ok(v) => v,
            Err(e) => return Some(e),
        };
        let hi_v = match hi.map(value) {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Some(e),
            None => lo_v,
        };
        if lo_v < min || hi_v > max {
            let bad = if lo_v < min { lo_v } else { hi_v };
            return Some(format!("{bad} is outside {min}-{max}"));
        }
        if lo_v > hi_v {
            return Some(format!("the range {lo}-{} runs backwards", hi.unwrap_or("")));
        }
    }
    None
}

/// A Go duration such as `5m`, `1h30m`, `90s`.
fn is_duration(text: &str) -> bool {
    let mut rest = text;
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if digits == 0 {
            return false;
        }
        rest = &rest[digits..];
        let unit = ["ns", "us", "µs", "ms", "h", "m", "s"].iter().find(|u| rest.starts_with(*u));
        let Some(unit) = unit else { return false };
        rest = &rest[unit.len()..];
        any = true;
    }
    any
}

/// Areas of the IANA time zone database (`Area/Location` names), current and legacy.
const AREAS: &[&str] = &[
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
    "Etc",
    "US",
    "Canada",
    "Brazil",
    "Chile",
    "Mexico",
];

/// Zone names without an area.
const SINGLE: &[&str] = &[
    "UTC",
    "GMT",
    "UCT",
    "Universal",
    "Zulu",
    "Greenwich",
    "EST",
    "MST",
    "HST",
    "EST5EDT",
    "CST6CDT",
    "MST7MDT",
    "PST8PDT",
    "CET",
    "EET",
    "MET",
    "WET",
    "Cuba",
    "Egypt",
    "Eire",
    "GB",
    "GB-Eire",
    "Hongkong",
    "Iceland",
    "Iran",
    "Israel",
    "Jamaica",
    "Japan",
    "Kwajalein",
    "Libya",
    "NZ",
    "NZ-CHAT",
    "Navajo",
    "PRC",
    "Poland",
    "Portugal",
    "ROC",
    "ROK",
    "Singapore",
    "Turkey",
    "W-SU",
];

/// Why `tz` is not an IANA time zone name; with a corrected spelling when one is obvious.
pub(crate) fn time_zone_problem(tz: &str) -> Option<(String, Option<String>)> {
    if tz.eq_ignore_ascii_case("local") {
        return Some((
            "Local is not allowed: name an explicit zone such as Etc/UTC".into(),
            Some("Etc/UTC".into()),
        ));
    }
    if SINGLE.contains(&tz) {
        return None;
    }
    if let Some(s) = SINGLE.iter().find(|s| s.eq_ignore_ascii_case(tz)) {
        return Some((format!("zone names are case-sensitive: {s}"), Some((*s).to_string())));
    }
    let Some((area, rest)) = tz.split_once('/') else {
        return Some((format!("{tz:?} is not an IANA zone name such as Europe/Berlin or Etc/UTC"), None));
    };
    let well_formed = !rest.is_empty()
        && rest.split('/').all(|part| {
            !part.is_empty()
                && part.starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
                && part.chars().all(|c| c.is_ascii_alphanumeric() || "_-+".contains(c))
        });
    if AREAS.contains(&area) && well_formed {
        return None;
    }
    let fixed_area = AREAS.iter().find(|a| a.eq_ignore_ascii_case(area));
    let fixed = fixed_area.map(|a| {
        let parts: Vec<String> = rest
            .split('/')
            .map(|p| {
                p.split('_')
                    .map(|w| {
                        let mut c = w.chars();
                        match c.next() {
                            Some(f) => f.to_ascii_uppercase().to_string() + &c.as_str().to_ascii_lowercase(),
                            None => String::new(),
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("_")
            })
            .collect();
        format!("{a}/{}", parts.join("/"))
    });
    let fixed = fixed.filter(|f| f != tz);
    Some((
        match &fixed {
            Some(f) => format!("{tz:?} is not an IANA zone name; zone names are case-sensitive: {f}"),
            None => format!("{tz:?} is not an IANA zone name such as Europe/Berlin or America/New_York"),
        },
        fixed,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        for ok in [
            "*/5 * * * *",
            "0 3 * * 1-5",
            "15 2 1 jan,jul *",
            "@daily",
            "@every 1h30m",
            "0 0 * * SUN",
            "0-30/10 * ? * *",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
        for bad in [
            "* * * *",
            "0 0 * * * *",
            "60 * * * *",
            "0 24 * * *",
            "0 0 0 * *",
            "0 0 * 13 *",
            "0 0 * * 7",
            "*/0 * * * *",
            "@sometimes",
            "a b c d e",
            "5-1 * * * *",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn zones() {
        assert!(time_zone_problem("Europe/Berlin").is_none());
        assert!(time_zone_problem("America/Argentina/Buenos_Aires").is_none());
        assert!(time_zone_problem("Etc/GMT+5").is_none());
        assert!(time_zone_problem("UTC").is_none());
        assert_eq!(time_zone_problem("europe/berlin").unwrap().1.as_deref(), Some("Europe/Berlin"));
        assert_eq!(time_zone_problem("utc").unwrap().1.as_deref(), Some("UTC"));
        assert!(time_zone_problem("Berlin").is_some());
        assert!(time_zone_problem("Local").is_some());
    }
}
