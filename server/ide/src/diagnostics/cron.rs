//! CronJob schedules as the API server parses them (robfig/cron `ParseStandard`: five fields,
//! names, ranges, steps, `@daily`-style descriptors) and time zones as it loads them (the IANA
//! database, here from chrono-tz).

/// Why `schedule` is not a schedule the CronJob controller accepts.
pub(crate) fn problem(schedule: &str) -> Option<String> {
    if schedule.trim().is_empty() {
        return Some("the schedule is empty".into());
    }
    // Only a schedule that starts with `@` is a descriptor: robfig does not trim first.
    if let Some(d) = schedule.strip_prefix('@') {
        let ok = matches!(d, "yearly" | "annually" | "monthly" | "weekly" | "daily" | "midnight" | "hourly")
            || d.strip_prefix("every ").is_some_and(is_duration);
        return (!ok).then(|| {
            format!("unknown descriptor @{d}; use @yearly, @monthly, @weekly, @daily, @hourly or five fields")
        });
    }
    let fields: Vec<&str> = schedule.split_whitespace().collect();
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
        // robfig reads `*` and `?` as the whole range and ignores a `-...` after them.
        if range == "*" || range == "?" || range.starts_with("*-") || range.starts_with("?-") {
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

/// A duration as Go's `time.ParseDuration` reads it: an optional sign, then numbers (with an
/// optional fraction) each followed by a unit, such as `5m`, `1h30m`, `1.5h`; or `0`.
fn is_duration(text: &str) -> bool {
    let rest = text.strip_prefix(['+', '-']).unwrap_or(text);
    if rest == "0" {
        return true;
    }
    let mut rest = rest;
    let mut any = false;
    while !rest.is_empty() {
        let number = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let digits = &rest[..number];
        if digits.is_empty() || digits == "." || digits.matches('.').count() > 1 {
            return false;
        }
        rest = &rest[number..];
        let unit =
            ["ns", "us", "\u{b5}s", "\u{3bc}s", "ms", "h", "m", "s"].iter().find(|u| rest.starts_with(*u));
        let Some(unit) = unit else { return false };
        rest = &rest[unit.len()..];
        any = true;
    }
    any
}

/// Why `tz` is not a time zone the API server can load (it calls Go's `time.LoadLocation`);
/// with the name meant when a spelling or case slip makes it obvious.
pub(crate) fn time_zone_problem(tz: &str) -> Option<(String, Option<String>)> {
    if tz.eq_ignore_ascii_case("local") {
        return Some((
            "Local is not allowed: name an explicit zone such as Etc/UTC".into(),
            Some("Etc/UTC".into()),
        ));
    }
    if tz.parse::<chrono_tz::Tz>().is_ok() {
        return None;
    }
    let names = || chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
    if let Some(name) = names().find(|n| n.eq_ignore_ascii_case(tz)) {
        return Some((format!("{tz:?}: zone names are case-sensitive: {name}"), Some(name.to_string())));
    }
    let meant = kref_corpus::schema::suggest(names(), tz).into_iter().next();
    Some(match meant {
        Some(m) => (format!("{tz:?} is not an IANA time zone; did you mean {m}?"), Some(m)),
        None => (format!("{tz:?} is not an IANA time zone name such as Europe/Berlin or Etc/UTC"), None),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What robfig/cron v3's `ParseStandard` (the API server's parser) answers for each
    /// schedule, written down from its parsing rules: `true` where it accepts the schedule.
    const ROBFIG: &[(&str, bool)] = &[
        ("*/5 * * * *", true),
        ("0 3 * * 1-5", true),
        ("15 2 1 jan,jul *", true),
        ("0 0 * * SUN", true),
        ("0 0 * * sun-sat", true),
        ("0 0 * JAN-dec *", true),
        ("0-30/10 * ? * *", true),
        ("? ? ? ? ?", true),
        ("5/15 * * * *", true),
        ("*/1 * * * *", true),
        ("+5 * * * *", true),
        ("*-40 * * * *", true),
        ("  0   3  *  *  *  ", true),
        ("0\t3 * *\t*", true),
        ("@yearly", true),
        ("@annually", true),
        ("@monthly", true),
        ("@weekly", true),
        ("@daily", true),
        ("@midnight", true),
        ("@hourly", true),
        ("@every 1h30m", true),
        ("@every 1.5h", true),
        ("@every 90s", true),
        ("@every 0", true),
        ("@every -1m", true),
        ("@every 500ms", true),
        ("", false),
        ("   ", false),
        ("* * * *", false),
        ("0 0 * * * *", false),
        ("60 * * * *", false),
        ("0 24 * * *", false),
        ("0 0 0 * *", false),
        ("0 0 32 * *", false),
        ("0 0 * 0 *", false),
        ("0 0 * 13 *", false),
        ("0 0 * * 7", false),
        ("*/0 * * * *", false),
        ("5-1 * * * *", false),
        ("60/5 * * * *", false),
        ("1-2-3 * * * *", false),
        ("*/2/3 * * * *", false),
        ("1,,2 * * * *", false),
        ("-5 * * * *", false),
        ("*/mon * * * *", false),
        ("0 0 * * mon-funday", false),
        ("0 0 L * *", false),
        ("0 0 * * 1#2", false),
        ("0 0 15W * *", false),
        ("H * * * *", false),
        ("a b c d e", false),
        ("@sometimes", false),
        ("@Daily", false),
        ("@daily extra", false),
        (" @daily", false),
        ("@every", false),
        ("@every 5", false),
        ("@every .h", false),
        ("@every 1d", false),
    ];

    #[test]
    fn schedules_are_judged_as_robfig_parse_standard_judges_them() {
        let wrong: Vec<String> = ROBFIG
            .iter()
            .filter(|(s, ok)| problem(s).is_none() != *ok)
            .map(|(s, ok)| {
                format!(
                    "{s:?}: robfig {}, kref says {:?}",
                    if *ok { "accepts" } else { "rejects" },
                    problem(s)
                )
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn zones() {
        for ok in
            ["Europe/Berlin", "America/Argentina/Buenos_Aires", "Etc/GMT+5", "UTC", "America/Ciudad_Juarez"]
        {
            assert_eq!(time_zone_problem(ok), None, "{ok}");
        }
        assert_eq!(
            time_zone_problem("europe/berlin"),
            Some((
                "\"europe/berlin\": zone names are case-sensitive: Europe/Berlin".into(),
                Some("Europe/Berlin".into())
            ))
        );
        assert_eq!(time_zone_problem("utc").unwrap().1.as_deref(), Some("UTC"));
        // Well formed, but no such zone: the API server's time.LoadLocation refuses it.
        assert_eq!(
            time_zone_problem("Europe/Berlinn"),
            Some((
                "\"Europe/Berlinn\" is not an IANA time zone; did you mean Europe/Berlin?".into(),
                Some("Europe/Berlin".into())
            ))
        );
        assert_eq!(time_zone_problem("America/Nowhere_At_All").map(|p| p.1.is_none()), Some(true));
        assert!(time_zone_problem("Berlin").is_some());
        assert!(time_zone_problem("").is_some());
        assert_eq!(time_zone_problem("Local").unwrap().1.as_deref(), Some("Etc/UTC"));
    }
}
