//! Versions and version ranges as Helm reads them (the Masterminds semver rules): chart
//! `version` (SemVer 2, though Helm also accepts `v1.2` and `1.2`), dependency `version`
//! ranges and `kubeVersion` constraints (`>=1.25.0-0`, `^2.1`, `~1.2.x`, `1.2 - 1.4`, `||`).
//!
//! As in Helm, a range whose versions carry no pre-release part does not match versions that
//! have one: `>=1.25.0` rejects a cluster reporting `v1.29.1-eks-1234`; `>=1.25.0-0` accepts it.

use std::cmp::Ordering;
use std::fmt;

/// A parsed version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Dot-separated pre-release identifiers (`rc.1` → `["rc", "1"]`).
    pub pre: Vec<String>,
    pub build: String,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        if !self.build.is_empty() {
            write!(f, "+{}", self.build)?;
        }
        Ok(())
    }
}

impl Version {
    pub fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version { major, minor, patch, pre: Vec::new(), build: String::new() }
    }

    /// SemVer 2 precedence (build metadata ignored).
    pub fn compare(&self, other: &Version) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch)).then_with(
            || match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_pre(&self.pre, &other.pre),
            },
        )
    }
}

fn compare_pre(a: &[String], b: &[String]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(x), Ok(y)) => x.cmp(&y),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => x.cmp(y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// Why a version does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError(pub String);

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Parses a version as Helm accepts it: an optional `v`, one to three numbers, an optional
/// `-pre.release` and `+build`.
pub fn parse_version(text: &str) -> Result<Version, VersionError> {
    let body = text.strip_prefix('v').unwrap_or(text);
    if body.is_empty() {
        return Err(VersionError("the version is empty".into()));
    }
    let (rest, build) = match body.split_once('+') {
        Some((rest, build)) => (rest, build),
        None => (body, ""),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return Err(VersionError(format!("`{core}` is not MAJOR.MINOR.PATCH numbers")));
    }
    let number = |i: usize| -> Result<u64, VersionError> {
        parts.get(i).map_or(Ok(0), |p| p.parse().map_err(|_| VersionError(format!("`{p}` is too large"))))
    };
    let mut version = Version::new(number(0)?, number(1)?, number(2)?);
    if let Some(pre) = pre {
        for id in pre.split('.') {
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                return Err(VersionError(format!(
                    "the pre-release part `{pre}` may only hold letters, digits, `-` and dots"
                )));
            }
            if id.len() > 1 && id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit()) {
                return Err(VersionError(format!("the pre-release number `{id}` has a leading zero")));
            }
            version.pre.push(id.to_string());
        }
    }
    if !build.is_empty() || body.ends_with('+') {
        if build
            .split('.')
            .any(|id| id.is_empty() || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        {
            return Err(VersionError(format!(
                "the build part `{build}` may only hold letters, digits, `-` and dots"
            )));
        }
        version.build = build.to_string();
    }
    Ok(version)
}

/// Is `text` a strict SemVer 2 version (`MAJOR.MINOR.PATCH`, no `v`, no leading zeros)?
pub fn is_strict_semver(text: &str) -> bool {
    if text.starts_with('v') {
        return false;
    }
    let Ok(_) = parse_version(text) else { return false };
    let core = text.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| p.len() == 1 || !p.starts_with('0'))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Tilde,
    Caret,
}

/// One comparison of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Comparator {
    op: Op,
    version: Version,
    /// How many of major/minor/patch were written as numbers (0 for `*`).
    given: usize,
}

/// A version range: alternatives (`||`) of comparisons that must all hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraints {
    alternatives: Vec<Vec<Comparator>>,
}

/// Why a range does not parse, with the byte range of the bad part within the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintError {
    pub message: String,
    pub start: usize,
    pub end: usize,
}

/// Parses a version range (`>=1.2.3 <2.0.0`, `^1.2`, `~1.2.x`, `1.2 - 1.4`, `>1, <3 || 5.x`).
pub fn parse_constraints(text: &str) -> Result<Constraints, ConstraintError> {
    let mut alternatives = Vec::new();
    let mut offset = 0;
    for alternative in text.split("||") {
        let base = offset;
        offset += alternative.len() + 2;
        if alternative.trim().is_empty() {
            // Point at the `||` next to the empty alternative.
            let start = if base >= 2 { base - 2 } else { alternative.len() };
            return Err(ConstraintError {
                message: "an empty alternative around `||`".into(),
                start,
                end: (start + 2).min(text.len()),
            });
        }
        alternatives.push(parse_and(alternative, base)?);
    }
    Ok(Constraints { alternatives })
}

/// Words of `text` with their offsets, split on whitespace and commas.
fn words(text: &str, base: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        let separator = c.is_whitespace() || c == ',';
        match (separator, start) {
            (true, Some(s)) => {
                out.push((base + s, &text[s..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((base + s, &text[s..]));
    }
    out
}

fn parse_and(text: &str, base: usize) -> Result<Vec<Comparator>, ConstraintError> {
    let words = words(text, base);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        // `A - B`: a hyphen range.
        if words.get(i + 1).is_some_and(|w| w.1 == "-") {
            let (from_at, from) = words[i];
            let Some(&(to_at, to)) = words.get(i + 2) else {
                return Err(ConstraintError {
                    message: "a hyphen range needs a version after ` - `".into(),
                    start: from_at,
                    end: from_at + from.len(),
                });
            };
            out.push(comparator(Op::Ge, from, from_at)?);
            out.push(comparator(Op::Le, to, to_at)?);
            i += 3;
            continue;
        }
        let (at, word) = words[i];
        let op_len = word.find(|c: char| !"<>=!~^".contains(c)).unwrap_or(word.len());
        let (op_text, rest) = word.split_at(op_len);
        let op = match op_text {
            "" | "=" | "==" => Op::Eq,
            "!=" => Op::Ne,
            ">" => Op::Gt,
            "<" => Op::Lt,
            ">=" | "=>" => Op::Ge,
            "<=" | "=<" => Op::Le,
            "~" | "~>" => Op::Tilde,
            "^" => Op::Caret,
            other => {
                return Err(ConstraintError {
                    message: format!("`{other}` is not a comparison (use =, !=, >, <, >=, <=, ~ or ^)"),
                    start: at,
                    end: at + other.len(),
                });
            }
        };
        // An operator may be separated from its version by spaces (`>= 1.2`).
        let (version, version_at) = if rest.is_empty() {
            match words.get(i + 1) {
                Some(&(next_at, next)) => {
                    i += 1;
                    (next, next_at)
                }
                None => {
                    return Err(ConstraintError {
                        message: format!("`{op_text}` needs a version after it"),
                        start: at,
                        end: at + word.len(),
                    });
                }
            }
        } else {
            (rest, at + op_len)
        };
        out.push(comparator(op, version, version_at)?);
        i += 1;
    }
    Ok(out)
}

fn comparator(op: Op, text: &str, at: usize) -> Result<Comparator, ConstraintError> {
    let error = |message: String| ConstraintError { message, start: at, end: at + text.len() };
    let body = text.strip_prefix('v').unwrap_or(text);
    let (core, suffix) = match body.find(['-', '+']) {
        Some(i) => (&body[..i], &body[i..]),
        None => (body, ""),
    };
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(error(format!("`{text}` is not a version")));
    }
    let mut numbers = [0u64; 3];
    let mut given = 0;
    let mut wild = false;
    for (i, part) in parts.iter().enumerate() {
        if matches!(*part, "x" | "X" | "*") {
            wild = true;
            continue;
        }
        if wild || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(error(format!("`{text}` is not a version")));
        }
        numbers[i] = part.parse().map_err(|_| error(format!("`{part}` is too large")))?;
        given = i + 1;
    }
    let full = format!("{}.{}.{}{}", numbers[0], numbers[1], numbers[2], suffix);
    let version = parse_version(&full).map_err(|e| error(format!("`{text}`: {e}")))?;
    Ok(Comparator { op, version, given })
}

impl Constraints {
    /// Can any version with a pre-release part match? Only when some alternative names a
    /// pre-release in every comparison (`>=1.25.0-0`, `>=1.25.0-0 <2.0.0-0`).
    pub fn accepts_prereleases(&self) -> bool {
        self.alternatives.iter().any(|all| all.iter().all(|c| !c.version.pre.is_empty()))
    }

    /// Does `version` satisfy the range?
    pub fn matches(&self, version: &Version) -> bool {
        self.alternatives.iter().any(|all| all.iter().all(|c| c.matches(version)))
    }
}

impl Comparator {
    fn matches(&self, v: &Version) -> bool {
        // Versions with a pre-release part only match comparisons that name one.
        if !v.pre.is_empty() && self.version.pre.is_empty() {
            return false;
        }
        let c = &self.version;
        let order = v.compare(c);
        let same_major = v.major == c.major;
        let same_minor = same_major && v.minor == c.minor;
        match self.op {
            Op::Eq if self.given < 3 => self.tilde(v),
            Op::Eq => order == Ordering::Equal,
            Op::Ne if self.given < 3 => !self.tilde(v),
            Op::Ne => order != Ordering::Equal,
            Op::Gt => order == Ordering::Greater,
            Op::Ge => order != Ordering::Less,
            Op::Lt if self.given < 3 => match self.given {
                0 => false,
                1 => v.major < c.major,
                _ => v.major < c.major || (same_major && v.minor < c.minor),
            },
            Op::Lt => order == Ordering::Less,
            Op::Le if self.given < 3 => match self.given {
                0 => true,
                1 => v.major <= c.major,
                _ => v.major < c.major || (same_major && v.minor <= c.minor),
            },
            Op::Le => order != Ordering::Greater,
            Op::Tilde => self.tilde(v),
            Op::Caret => {
                if order == Ordering::Less {
                    return false;
                }
                match (c.major, self.given) {
                    (_, 0) => true,
                    (0, g) if g >= 2 && c.minor == 0 && g == 3 => same_minor && v.patch == c.patch,
                    (0, g) if g >= 2 => same_minor,
                    _ => same_major,
                }
            }
        }
    }

    /// `~1.2.3` → `>=1.2.3 <1.3.0`; `~1` → `>=1.0.0 <2.0.0`; `~*` → any.
    fn tilde(&self, v: &Version) -> bool {
        let c = &self.version;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        match self.given {
            0 => true,
            1 => v.major == c.major,
            _ => v.major == c.major && v.minor == c.minor,
        }
    }
}
