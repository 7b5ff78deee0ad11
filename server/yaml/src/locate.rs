//! "What is at this offset?": the document, key path and kind of position under a cursor,
//! for hover and completion, including while the user is in the middle of typing.

use std::fmt;
use std::ops::Deref;

use crate::model::{Document, File, Node, NodeValue, Pair, ScalarStyle, TextRange};

/// One step of a [`Path`]: a mapping key or a sequence index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The keys and indexes from a document's root to a node, shown as
/// `spec.template.spec.containers[0].ports[1].protocol`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Path(pub Vec<Segment>);

impl Path {
    /// The keys only, indexes left out: the shape a schema lookup needs.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|s| match s {
            Segment::Key(k) => Some(k.as_str()),
            Segment::Index(_) => None,
        })
    }

    pub fn last_key(&self) -> Option<&str> {
        self.keys().last()
    }
}

impl Deref for Path {
    type Target = [Segment];
    fn deref(&self) -> &[Segment] {
        &self.0
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                Segment::Key(k) if i == 0 => f.write_str(k)?,
                Segment::Key(k) => write!(f, ".{k}")?,
                Segment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// What the cursor is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// On (or right after) an existing key followed by `:`. The path ends with this key.
    Key { range: TextRange, text: String },
    /// On a scalar value, or after `key: ` with no value yet (then `text` is empty and
    /// `range` is empty at the cursor). The path leads to the value. A scalar item of a
    /// sequence (`- na`) is a value too: when the items are objects, completion may take
    /// its text as the start of a key.
    Value { range: TextRange, text: String, style: ScalarStyle },
    /// Where a new key of a mapping is being typed: on a blank line (the mapping is chosen
    /// by the cursor's column against the key columns above), on a word with no colon yet,
    /// on a lone word on the line below `key:`, or between entries of a flow mapping. The
    /// path leads to the mapping; `prefix` is the text typed so far (up to the cursor),
    /// `prefix_range` the whole word to replace, `indent` the column of the mapping's keys.
    NewKey { prefix: String, prefix_range: TextRange, indent: usize },
    /// After `- ` with nothing yet, or between entries of a flow sequence. The path ends with
    /// the new item's index; `indent` is the column its content starts at.
    NewItem { indent: usize },
    /// In a comment, in indentation, on a document marker, inside a multi-line text, ...
    Nothing,
}

/// The answer of [`File::locate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Index into [`File::documents`].
    pub document: usize,
    pub path: Path,
    pub target: Target,
    /// The `kind` of the enclosing document, if it has one.
    pub kind: Option<String>,
    /// The `apiVersion` of the enclosing document (`v1` for core kinds).
    pub api_version: Option<String>,
    /// The other keys of the mapping the target belongs to (for a key or value, that pair's
    /// mapping; for a new key, the mapping receiving it), for completion to leave out.
    pub siblings: Vec<String>,
    /// The document's indentation step.
    pub indent_unit: usize,
}

impl File {
    /// What is at byte `offset`. Offsets past the end are clamped to the end, offsets inside
    /// a multi-byte character to its start. Never fails.
    pub fn locate(&self, offset: usize) -> Location {
        let offset = self.line_index.clamp(offset);
        let index = self.document_at(offset);
        let doc = &self.documents[index];
        let mut loc = Location {
            document: index,
            path: Path::default(),
            target: Target::Nothing,
            kind: doc.kind.as_ref().map(|k| k.0.clone()),
            api_version: doc.api_version.as_ref().map(|a| a.0.clone()),
            siblings: Vec::new(),
            indent_unit: doc.indent_unit,
        };
        if self.in_comment(offset) {
            return loc;
        }
        let line = self.line_index.line_of(offset);
        let line_range = self.line_index.line_range(line).unwrap_or_default();
        let blank = self.text[line_range.start..line_range.end].trim().is_empty();
        let walker = Walker { file: self, offset };
        if blank {
            walker.on_blank_line(doc, self.column(offset), &mut loc);
        } else {
            walker.in_tree(doc, &mut loc);
        }
        loc
    }

    fn in_comment(&self, offset: usize) -> bool {
        let i = self.comments.partition_point(|c| c.start < offset);
        i > 0 && self.comments[i - 1].touches(offset)
    }

    /// The column (bytes from the start of its line; a byte order mark takes none) of `offset`.
    fn column(&self, offset: usize) -> usize {
        let line = self.line_index.line_of(offset);
        let start = self.line_index.line_range(line).map_or(0, |r| r.start);
        let bom = if start == 0 && self.text.as_bytes().starts_with(crate::parser::BOM) {
            crate::parser::BOM.len().min(offset)
        } else {
            0
        };
        offset - start - bom
    }
}

fn keys_except(pairs: &[Pair], except: Option<usize>) -> Vec<String> {
    pairs.iter().enumerate().filter(|&(i, _)| Some(i) != except).map(|(_, p)| p.key.text.clone()).collect()
}

struct Walker<'a> {
    file: &'a File,
    offset: usize,
}

impl Walker<'_> {
    fn text(&self, range: TextRange) -> &str {
        self.file.text.get(range.start..range.end).unwrap_or("")
    }

    /// True when a `,` lies between `from` and the cursor: the cursor is on a new flow entry.
    fn comma_before_cursor(&self, from: usize) -> bool {
        from < self.offset && self.text(TextRange::new(from, self.offset)).contains(',')
    }

    fn new_key_here(&self) -> Target {
        Target::NewKey {
            prefix: String::new(),
            prefix_range: TextRange::empty(self.offset),
            indent: self.file.column(self.offset),
        }
    }

    /// Descends from the root by offset, for a cursor on a line with content.
    fn in_tree(&self, doc: &Document, loc: &mut Location) {
        let offset = self.offset;
        let Some(mut node) = doc.root.as_ref() else { return };
        // Whether `node` is the root or the value of a block mapping pair: then a lone word
        // on its own line is read as a key being typed.
        let mut key_position = true;
        loop {
            match &node.value {
                NodeValue::Mapping(pairs) => {
                    let i = pairs.partition_point(|p| p.key_range.start <= offset);
                    if i == 0 {
                        if node.flow && offset > node.range.start && offset < node.range.end {
                            loc.target = self.new_key_here();
                            loc.siblings = keys_except(pairs, None);
                        }
                        return;
                    }
                    let pair = &pairs[i - 1];
                    let key = &pair.key;
                    if key.raw_range.touches(offset) {
                        loc.siblings = keys_except(pairs, Some(i - 1));
                        if pair.colon.is_none() {
                            let prefix = self.text(TextRange::new(key.raw_range.start, offset)).to_owned();
                            loc.target = Target::NewKey {
                                prefix,
                                prefix_range: key.raw_range,
                                indent: self.file.column(key.raw_range.start),
                            };
                        } else {
                            loc.path.0.push(crate::Segment::Key(key.text.clone()));
                            loc.target = Target::Key { range: key.raw_range, text: key.text.clone() };
                        }
                        return;
                    }
                    if offset < key.raw_range.start {
                        return;
                    }
                    let Some(colon) = pair.colon else {
                        if node.flow && self.comma_before_cursor(pair.range().end) {
                            loc.target = self.new_key_here();
                            loc.siblings = keys_except(pairs, None);
                        }
                        return;
                    };
                    if offset <= colon {
                        return;
                    }
                    let value = &pair.value;
                    let after_value = if value.is_missing() { colon + 1 } else { value.range.end };
                    if offset > after_value && !value.range.touches(offset) {
                        if node.flow && self.comma_before_cursor(after_value) {
                            loc.target = self.new_key_here();
                            loc.siblings = keys_except(pairs, None);
                        }
                        return;
                    }
                    loc.path.0.push(crate::Segment::Key(key.text.clone()));
                    loc.siblings = keys_except(pairs, Some(i - 1));
                    if value.is_missing() || offset < value.range.start {
                        // `key: |`: a value is about to be typed, unless the cursor is not on
                        // the colon's line.
                        let same_line = !self.text(TextRange::new(colon, offset)).contains('\n');
                        if same_line {
                            loc.target = Target::Value {
                                range: TextRange::empty(offset),
                                text: String::new(),
                                style: ScalarStyle::Plain,
                            };
                        }
                        return;
                    }
                    key_position = !node.flow;
                    node = value;
                }
                NodeValue::Sequence(items) => {
                    let i = items.partition_point(|n| n.range.start <= offset);
                    if i == 0 {
                        if node.flow && offset > node.range.start && offset < node.range.end {
                            loc.path.0.push(crate::Segment::Index(0));
                            loc.target = Target::NewItem { indent: self.file.column(offset) };
                        }
                        return;
                    }
                    let item = &items[i - 1];
                    if !item.range.touches(offset) {
                        if node.flow && self.comma_before_cursor(item.range.end) {
                            loc.path.0.push(crate::Segment::Index(i));
                            loc.target = Target::NewItem { indent: self.file.column(offset) };
                        }
                        return;
                    }
                    loc.path.0.push(crate::Segment::Index(i - 1));
                    loc.siblings.clear();
                    if item.is_missing() {
                        let indent = if node.flow {
                            self.file.column(offset)
                        } else {
                            self.file.column(item.range.start.saturating_sub(1)) + 2
                        };
                        loc.target = Target::NewItem { indent };
                        return;
                    }
                    key_position = false;
                    node = item;
                }
                NodeValue::Scalar(s) => {
                    if !s.raw_range.touches(offset) {
                        return;
                    }
                    if key_position && self.is_lone_word(node) {
                        loc.target = Target::NewKey {
                            prefix: self.text(TextRange::new(s.raw_range.start, offset)).to_owned(),
                            prefix_range: s.raw_range,
                            indent: self.file.column(s.raw_range.start),
                        };
                        loc.siblings.clear();
                    } else {
                        loc.target =
                            Target::Value { range: s.raw_range, text: s.text.clone(), style: s.style };
                    }
                    return;
                }
                NodeValue::Missing => {
                    if node.range.touches(offset) {
                        loc.target = Target::Value {
                            range: TextRange::empty(offset),
                            text: String::new(),
                            style: ScalarStyle::Plain,
                        };
                    }
                    return;
                }
                NodeValue::Alias(_) => return,
            }
        }
    }

    /// A plain one-word scalar alone on its line: `spec:\n  stra`, most likely a key being typed.
    fn is_lone_word(&self, node: &Node) -> bool {
        let Some(s) = node.as_scalar() else { return false };
        if s.style != ScalarStyle::Plain || s.text.is_empty() || s.text.contains(char::is_whitespace) {
            return false;
        }
        let line = self.file.line_index.line_of(s.raw_range.start);
        let line_start = self.file.line_index.line_range(line).map_or(0, |r| r.start);
        let before = self.text(TextRange::new(line_start, s.raw_range.start));
        let after_end = self.file.line_index.line_range(line).map_or(s.raw_range.end, |r| r.end);
        let after = self.text(TextRange::new(s.raw_range.end, after_end));
        before.trim().is_empty() && after.trim().is_empty() && node.range.start == s.raw_range.start
    }

    /// For a cursor on a blank line: inside a multi-line scalar it is nothing; inside a flow
    /// collection it is a new entry; otherwise the cursor's column picks the mapping.
    fn on_blank_line(&self, doc: &Document, col: usize, loc: &mut Location) {
        let offset = self.offset;
        let mut probe = loc.clone();
        self.in_tree(doc, &mut probe);
        match probe.target {
            Target::Value { range, .. } if !range.is_empty() => {
                loc.path = probe.path;
                return;
            }
            Target::NewKey { .. } | Target::NewItem { .. } => {
                *loc = probe;
                return;
            }
            _ => {}
        }
        let Some(mut node) = doc.root.as_ref() else {
            loc.target =
                Target::NewKey { prefix: String::new(), prefix_range: TextRange::empty(offset), indent: 0 };
            return;
        };
        let mut path = Path::default();
        let mut answer: Option<(Target, Path, Vec<String>)> = None;
        loop {
            match &node.value {
                NodeValue::Mapping(pairs) if !node.flow => {
                    let Some(first) = pairs.first() else { break };
                    let indent = self.file.column(first.key_range.start);
                    if col < indent {
                        break;
                    }
                    let new_key = Target::NewKey {
                        prefix: String::new(),
                        prefix_range: TextRange::empty(offset),
                        indent,
                    };
                    answer = Some((new_key, path.clone(), keys_except(pairs, None)));
                    if col == indent {
                        break;
                    }
                    let i = pairs.partition_point(|p| p.key_range.start < offset);
                    let Some(pair) = i.checked_sub(1).map(|i| &pairs[i]) else { break };
                    if pair.colon.is_none() {
                        break;
                    }
                    path.0.push(crate::Segment::Key(pair.key.text.clone()));
                    match &pair.value.value {
                        NodeValue::Missing => {
                            let new_key = Target::NewKey {
                                prefix: String::new(),
                                prefix_range: TextRange::empty(offset),
                                indent: col,
                            };
                            answer = Some((new_key, path.clone(), Vec::new()));
                            break;
                        }
                        NodeValue::Mapping(_) | NodeValue::Sequence(_) if !pair.value.flow => {
                            node = &pair.value
                        }
                        _ => break,
                    }
                }
                NodeValue::Sequence(items) if !node.flow => {
                    let dash = self.file.column(node.range.start);
                    if col < dash {
                        break;
                    }
                    if col == dash {
                        answer = Some((Target::Nothing, path.clone(), Vec::new()));
                        break;
                    }
                    let i = items.partition_point(|n| n.range.start < offset);
                    let Some(item) = i.checked_sub(1).map(|i| &items[i]) else { break };
                    path.0.push(crate::Segment::Index(i - 1));
                    match &item.value {
                        NodeValue::Missing => {
                            answer = Some((Target::NewItem { indent: col }, path.clone(), Vec::new()));
                            break;
                        }
                        NodeValue::Mapping(_) | NodeValue::Sequence(_) if !item.flow => node = item,
                        _ => {
                            answer = Some((Target::Nothing, path.clone(), Vec::new()));
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
        if let Some((target, path, siblings)) = answer {
            loc.target = target;
            loc.path = path;
            loc.siblings = siblings;
        }
    }
}
