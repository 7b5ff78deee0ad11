//! A chart's `values.yaml`: its keys as a tree with ranges (the parsed YAML), lookups of
//! `.Values` paths with what values.yaml leaves open, each key's documentation comment, and
//! its value for display.
//!
//! Documentation comments are read in three styles, the first found wins:
//! helm-docs (`# -- text` directly above the key, continued by the comment lines after it,
//! with `# @default -- text`; or `# path.to.key -- text` anywhere), Bitnami's readme generator
//! (`## @param path.to.key [modifiers] text` anywhere), and otherwise the plain comment block
//! directly above the key (no blank line between), or a comment at the end of the key's line.

use std::collections::HashMap;

use kref_yaml::{File, Node, NodeValue, Pair, Segment, TextRange};

use super::refs::{PathSegment, ValuesPath};
use super::typing::{HelmValue, type_of};

/// Where a documentation comment came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocStyle {
    /// `# -- text` above the key, or `# key.path -- text`.
    HelmDocs,
    /// `## @param key.path text`.
    Bitnami,
    /// A comment block directly above the key, or at the end of its line.
    Comment,
}

/// A key's documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueDoc {
    /// The text, comment markers removed, lines joined with `\n`.
    pub text: String,
    pub style: DocStyle,
    /// helm-docs `# @default -- text` or Bitnami `[default: text]`.
    pub default: Option<String>,
    /// helm-docs `# -- (type)` or Bitnami `[array]`/`[object]`/`[string]`/`[nullable]`.
    pub type_hint: Option<String>,
    /// Where the documentation is written.
    pub range: TextRange,
}

/// The answer to "what does values.yaml say about this path?".
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<'a> {
    /// The path names a value values.yaml defines.
    Found { node: &'a Node, key_range: Option<TextRange> },
    /// The path goes below a value whose content values.yaml leaves open (`{}`, `[]`, null,
    /// or a list whose items do not say): anything may be there.
    Open { at: ValuesPath, node: &'a Node },
    /// values.yaml defines keys here but not this one.
    Missing {
        /// The longest prefix of the path that exists.
        parent: ValuesPath,
        /// The first key that is not there.
        missing: String,
        /// The closest existing key, for "did you mean".
        suggestion: Option<String>,
    },
    /// The path continues below a string, number or boolean.
    ThroughScalar { at: ValuesPath, node: &'a Node },
}

/// A key of values.yaml for completion and hover.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueEntry<'a> {
    pub key: String,
    pub key_range: TextRange,
    pub value: &'a Node,
    pub typed: HelmValue,
}

/// A parsed values file.
#[derive(Debug, Clone)]
pub struct ValuesFile {
    pub yaml: File,
    /// Documentation written away from its key (helm-docs `# a.b -- text`, Bitnami
    /// `@param`), by dotted path.
    by_path: HashMap<String, ValueDoc>,
    /// Line → the range of the comment on it, for comment-only lines.
    comment_lines: HashMap<usize, TextRange>,
}

impl ValuesFile {
    pub fn parse(text: &str) -> ValuesFile {
        let yaml = kref_yaml::parse(text);
        let mut by_path = HashMap::new();
        let mut comment_lines = HashMap::new();
        let index = yaml.line_index();
        for &range in &yaml.comments {
            let line = index.line_of(range.start);
            let line_start = index.line_range(line).map_or(range.start, |r| r.start);
            let own_line = text[line_start..range.start].trim().is_empty();
            if own_line {
                comment_lines.insert(line, range);
            }
            let comment = &text[range.start..range.end];
            if let Some((path, doc)) = path_doc(comment, range) {
                // The first one written wins, as helm-docs and the readme generator do.
                by_path.entry(path).or_insert(doc);
            }
        }
        ValuesFile { yaml, by_path, comment_lines }
    }

    pub fn text(&self) -> &str {
        self.yaml.text()
    }

    /// The root mapping (values files are one document; later documents are ignored as
    /// Helm ignores them).
    pub fn root(&self) -> Option<&Node> {
        self.yaml.documents.first()?.root.as_ref()
    }

    /// Follows `path` through values.yaml.
    pub fn lookup(&self, path: &ValuesPath) -> Lookup<'_> {
        match self.root() {
            Some(root) => lookup_in(root, None, &path.0, &mut ValuesPath::default()),
            None => Lookup::Missing {
                parent: ValuesPath::default(),
                missing: match path.0.first() {
                    Some(PathSegment::Key(k)) => k.clone(),
                    _ => String::new(),
                },
                suggestion: None,
            },
        }
    }

    /// The keys directly under `path` (for completion after `.Values.a.`); under a list,
    /// the keys of its items.
    pub fn children(&self, path: &ValuesPath) -> Vec<ValueEntry<'_>> {
        let node = match self.lookup(path) {
            Lookup::Found { node, .. } => node,
            _ if path.is_empty() => match self.root() {
                Some(root) => root,
                None => return Vec::new(),
            },
            _ => return Vec::new(),
        };
        let mut out: Vec<ValueEntry<'_>> = Vec::new();
        // Keys already listed (a set: a generated values.yaml may have 100,000 of them).
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let pairs: Vec<&Pair> = match &node.value {
            NodeValue::Mapping(pairs) => pairs.iter().collect(),
            NodeValue::Sequence(items) => {
                items.iter().flat_map(|item| item.as_mapping().unwrap_or(&[]).iter()).collect()
            }
            _ => Vec::new(),
        };
        for pair in pairs {
            if seen.insert(pair.key.text.as_str()) {
                out.push(entry(pair));
            }
        }
        out
    }

    /// The documentation of the key at `path` (whose key starts at `key_range`).
    pub fn doc(&self, path: &ValuesPath, key_range: TextRange) -> Option<ValueDoc> {
        let text = self.text();
        let index = self.yaml.line_index();
        let key_line = index.line_of(key_range.start);
        // The comment block directly above the key.
        let mut block: Vec<TextRange> = Vec::new();
        let mut line = key_line;
        while let Some(above) = line.checked_sub(1) {
            let Some(&comment) = self.comment_lines.get(&above) else { break };
            block.push(comment);
            line = above;
        }
        block.reverse();
        if let Some(doc) = helm_docs_block(text, &block) {
            return Some(doc);
        }
        let dotted = dotted(path);
        if let Some(doc) = self.by_path.get(&dotted) {
            return Some(doc.clone());
        }
        let lines: Vec<&str> =
            block.iter().map(|r| strip_hashes(&text[r.start..r.end])).filter(|l| !is_directive(l)).collect();
        let joined = lines.join("\n").trim().to_string();
        if !joined.is_empty() {
            let range = block.first().map_or(key_range, |f| f.cover(*block.last().unwrap_or(f)));
            return Some(ValueDoc {
                text: joined,
                style: DocStyle::Comment,
                default: None,
                type_hint: None,
                range,
            });
        }
        // A comment at the end of the key's line (after a scalar value).
        let line_range = index.line_range(key_line)?;
        let trailing = self
            .yaml
            .comments
            .iter()
            .find(|c| c.start > key_range.end && c.start < line_range.end.max(line_range.start + 1))?;
        let text = strip_hashes(&text[trailing.start..trailing.end]).to_string();
        (!text.is_empty() && !is_directive(&text)).then_some(ValueDoc {
            text,
            style: DocStyle::Comment,
            default: None,
            type_hint: None,
            range: *trailing,
        })
    }

    /// The key under `offset` and its path (list items are `[*]`), for hover in values.yaml.
    pub fn key_at(&self, offset: usize) -> Option<(ValuesPath, TextRange)> {
        let location = self.yaml.locate(offset);
        let path = values_path(&location.path);
        let node = self.root()?;
        // Find the pair whose key range touches the offset along the located path.
        let mut current = node;
        let mut found = None;
        for segment in location.path.iter() {
            match (segment, &current.value) {
                (Segment::Key(k), NodeValue::Mapping(pairs)) => {
                    let pair = pairs.iter().find(|p| &p.key.text == k)?;
                    found = Some(pair.key_range);
                    current = &pair.value;
                }
                (Segment::Index(i), NodeValue::Sequence(items)) => current = items.get(*i)?,
                _ => return None,
            }
        }
        Some((path, found?))
    }

    /// The value at `node` as YAML for display: its own text, dedented, at most `max_lines`
    /// lines (an ellipsis line marks the cut).
    pub fn display(&self, node: &Node, max_lines: usize) -> String {
        display(self.text(), node, max_lines)
    }
}

fn entry(pair: &Pair) -> ValueEntry<'_> {
    ValueEntry {
        key: pair.key.text.clone(),
        key_range: pair.key_range,
        value: &pair.value,
        typed: type_of(&pair.value),
    }
}

/// A kref_yaml path as a values path (indexes become `[*]`).
pub fn values_path(path: &[Segment]) -> ValuesPath {
    ValuesPath(
        path.iter()
            .map(|s| match s {
                Segment::Key(k) => PathSegment::Key(k.clone()),
                Segment::Index(_) => PathSegment::Each,
            })
            .collect(),
    )
}

fn dotted(path: &ValuesPath) -> String {
    let mut out = String::new();
    for segment in &path.0 {
        match segment {
            PathSegment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            PathSegment::Each => out.push_str("[0]"),
        }
    }
    out
}

fn lookup_in<'a>(
    node: &'a Node,
    key_range: Option<TextRange>,
    rest: &[PathSegment],
    at: &mut ValuesPath,
) -> Lookup<'a> {
    let Some((first, rest)) = rest.split_first() else {
        return Lookup::Found { node, key_range };
    };
    match (&node.value, first) {
        (NodeValue::Mapping(pairs), PathSegment::Key(key)) => match pairs.iter().find(|p| &p.key.text == key)
        {
            Some(pair) => {
                at.0.push(first.clone());
                lookup_in(&pair.value, Some(pair.key_range), rest, at)
            }
            None if pairs.is_empty() => Lookup::Open { at: at.clone(), node },
            None => Lookup::Missing {
                parent: at.clone(),
                missing: key.clone(),
                suggestion: closest(key, pairs.iter().map(|p| p.key.text.as_str())),
            },
        },
        (NodeValue::Mapping(pairs), PathSegment::Each) => {
            if pairs.is_empty() {
                return Lookup::Open { at: at.clone(), node };
            }
            at.0.push(PathSegment::Each);
            best(pairs.iter().map(|p| (&p.value, Some(p.key_range))), rest, at)
        }
        (NodeValue::Sequence(items), PathSegment::Each) => {
            if items.is_empty() {
                return Lookup::Open { at: at.clone(), node };
            }
            at.0.push(PathSegment::Each);
            best(items.iter().map(|i| (i, None)), rest, at)
        }
        // `.Values.list.0` does not index in Go templates; an index needs `index`.
        (NodeValue::Sequence(_), PathSegment::Key(_)) => Lookup::ThroughScalar { at: at.clone(), node },
        (NodeValue::Missing | NodeValue::Alias(_), _) => Lookup::Open { at: at.clone(), node },
        (NodeValue::Scalar(_), _) => match type_of(node) {
            HelmValue::Null => Lookup::Open { at: at.clone(), node },
            _ => Lookup::ThroughScalar { at: at.clone(), node },
        },
    }
}

/// The best answer over several elements: found anywhere beats open, open beats missing.
fn best<'a>(
    elements: impl Iterator<Item = (&'a Node, Option<TextRange>)>,
    rest: &[PathSegment],
    at: &ValuesPath,
) -> Lookup<'a> {
    let mut answer: Option<Lookup<'a>> = None;
    let rank = |l: &Lookup<'_>| match l {
        Lookup::Found { .. } => 3,
        Lookup::Open { .. } => 2,
        Lookup::Missing { .. } => 1,
        Lookup::ThroughScalar { .. } => 0,
    };
    for (element, key_range) in elements {
        let candidate = lookup_in(element, key_range, rest, &mut at.clone());
        if answer.as_ref().is_none_or(|a| rank(&candidate) > rank(a)) {
            let done = rank(&candidate) == 3;
            answer = Some(candidate);
            if done {
                break;
            }
        }
    }
    answer.unwrap_or(Lookup::Open { at: at.clone(), node: &MISSING })
}

static MISSING: Node = Node {
    range: TextRange { start: 0, end: 0 },
    value: NodeValue::Missing,
    anchor: None,
    tag: None,
    flow: false,
};

/// The closest of `candidates` to `key` (edit distance at most a third of its length).
pub fn closest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = (key.chars().count() / 3).max(1);
    let lower = key.to_lowercase();
    candidates
        .map(|c| (strsim::osa_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c.to_string())
}

/// Removes the leading `#`s and one space.
fn strip_hashes(comment: &str) -> &str {
    let body = comment.trim_start_matches('#');
    body.strip_prefix(' ').unwrap_or(body).trim_end()
}

/// helm-docs and Bitnami directives that are not documentation text themselves.
fn is_directive(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("@param")
        || t.starts_with("@skip")
        || t.starts_with("@section")
        || t.starts_with("@extra")
        || t.starts_with("@default")
        || t.starts_with("@ignored")
        || t.starts_with("@raw")
        || t.starts_with("@descriptionStart")
        || t.starts_with("@descriptionEnd")
        || t.starts_with("-- ")
        || t == "--"
}

/// helm-docs: the last `# --` line of the block above a key and the lines after it.
fn helm_docs_block(text: &str, block: &[TextRange]) -> Option<ValueDoc> {
    let start = block.iter().rposition(|r| {
        let line = strip_hashes(&text[r.start..r.end]);
        line == "--" || line.starts_with("-- ")
    })?;
    let first = strip_hashes(&text[block[start].start..block[start].end]);
    let mut body = first.trim_start_matches("--").trim().to_string();
    let mut type_hint = None;
    if body.starts_with('(')
        && let Some(close) = body.find(')')
    {
        type_hint = Some(body[1..close].trim().to_string());
        body = body[close + 1..].trim().to_string();
    }
    let mut lines = vec![body];
    let mut default = None;
    for r in &block[start + 1..] {
        let line = strip_hashes(&text[r.start..r.end]);
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("@default") {
            default = Some(rest.trim().trim_start_matches("--").trim().to_string());
        } else if trimmed.starts_with('@') {
            continue;
        } else {
            lines.push(line.to_string());
        }
    }
    let text = lines.join("\n").trim().to_string();
    let range = block[start].cover(*block.last().unwrap_or(&block[start]));
    Some(ValueDoc { text, style: DocStyle::HelmDocs, default, type_hint, range })
}

/// Documentation that names its key: Bitnami `## @param a.b [mods] text` and helm-docs'
/// older `# a.b -- text`.
fn path_doc(comment: &str, range: TextRange) -> Option<(String, ValueDoc)> {
    let line = strip_hashes(comment).trim_start();
    if let Some(rest) = line.strip_prefix("@param ") {
        let rest = rest.trim_start();
        let (path, mut description) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        description = description.trim_start();
        let mut default = None;
        let mut type_hint = None;
        if description.starts_with('[')
            && let Some(close) = description.find(']')
        {
            for modifier in description[1..close].split(',').map(str::trim) {
                if let Some(value) = modifier.strip_prefix("default:") {
                    default = Some(value.trim().to_string());
                } else if !modifier.is_empty() {
                    type_hint = Some(modifier.to_string());
                }
            }
            description = description[close + 1..].trim_start();
        }
        let doc = ValueDoc {
            text: description.trim().to_string(),
            style: DocStyle::Bitnami,
            default,
            type_hint,
            range,
        };
        return Some((normalise_path(path), doc));
    }
    // `# image.tag -- text` (helm-docs' older style): a path, then ` -- `.
    let (path, text) = line.split_once(" -- ")?;
    let path = path.trim();
    let looks_like_path = !path.is_empty()
        && !path.contains(char::is_whitespace)
        && path.chars().all(|c| c.is_alphanumeric() || "._-[]".contains(c));
    if !looks_like_path {
        return None;
    }
    let doc = ValueDoc {
        text: text.trim().to_string(),
        style: DocStyle::HelmDocs,
        default: None,
        type_hint: None,
        range,
    };
    Some((normalise_path(path), doc))
}

/// `a.b[0].c` and `a.b[*].c` read the same (the first item stands for all).
fn normalise_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '[' {
            for c in chars.by_ref() {
                if c == ']' {
                    break;
                }
            }
            out.push_str("[0]");
            if chars.peek().is_some_and(|&c| c != '.' && c != '[') {
                out.push('.');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A node's text, dedented, cut at `max_lines`.
pub(crate) fn display(text: &str, node: &Node, max_lines: usize) -> String {
    let raw = text.get(node.range.start..node.range.end).unwrap_or("");
    if !raw.contains('\n') {
        return raw.to_string();
    }
    // The first line starts at the node (already "dedented"); the others share an indent.
    let line_start = text[..node.range.start].rfind('\n').map_or(0, |i| i + 1);
    let column = node.range.start - line_start;
    let mut out = String::new();
    for (i, line) in raw.lines().enumerate() {
        if i == max_lines {
            out.push_str("...\n");
            break;
        }
        let line = if i == 0 {
            line
        } else {
            let strip = line.len() - line.trim_start().len();
            &line[strip.min(column)..]
        };
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_string()
}
