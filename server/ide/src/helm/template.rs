//! A Helm template read as YAML with holes: the scan, the YAML parsed from the holed text (same
//! offsets as the template), and per document what is templated, what is supplied by template
//! output, where the control structure is, and which duplicate keys are real.
//!
//! [`TemplateFile::parse`] never fails. How much of a document can be trusted is in
//! [`TemplateDocument::shape`]: a caller checks literal structure in `Literal` and `Templated`
//! documents (skipping the type, enum, name and quantity checks of templated values, and the
//! missing-field checks of supplied nodes), treats `Broken` documents' YAML errors as possibly
//! caused by the template, and checks nothing in `Unknown` ones.

use kref_yaml::{File, Node, NodeValue, Path, Segment, SyntaxError, TextRange};

use super::holes::{Hole, HoleKind, transform};
use super::refs::{self, BuiltinRef, Define, References, Scope, TemplateCall, ValuesRef};
use super::scan::{Scan, scan};

/// A template file, scanned and read as YAML with holes.
#[derive(Debug, Clone)]
pub struct TemplateFile {
    pub scan: Scan,
    /// One per action (`holes[i]` is `scan.actions[i]`).
    pub holes: Vec<Hole>,
    /// `define` blocks, blanked in the YAML.
    pub define_regions: Vec<TextRange>,
    /// The holed text parsed; its offsets are the template's.
    pub yaml: File,
    pub references: References,
    pub documents: Vec<TemplateDocument>,
    /// The YAML syntax errors of the holed text, duplicate keys left out (each document's
    /// [`TemplateDocument::duplicates`] says which of those are real).
    pub errors: Vec<TemplateError>,
    text: String,
}

/// A YAML syntax error in a template, and whether the template may have caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub error: SyntaxError,
    /// On or next to a line with a template action, or inside a branch that has
    /// alternatives (both branches are read together): maybe not a defect of the output.
    pub near_template: bool,
}

/// How far a document's YAML can be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocumentShape {
    /// No template action prints anything in it.
    Literal,
    /// Some values or nodes come from the template; the literal structure is sound.
    Templated,
    /// The holed YAML has syntax errors: the structure may be an artifact of the reading.
    Broken,
    /// Mostly template, or the root itself is template output: nothing can be said.
    Unknown,
    /// No YAML and no printed template output (only comments, control, defines).
    Empty,
}

/// Where template output lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SuppliedIn {
    /// Entries are added to this mapping (its literal keys stay).
    Mapping,
    /// Items are added to this sequence.
    Sequence,
    /// The key's whole value is template output (`key:` with nothing literal under it).
    Value,
    /// The document root is template output.
    Root,
}

/// A node whose content is (partly) printed by the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supplied {
    /// The path of the node from the document root (`spec.template.metadata.labels`).
    pub path: Path,
    /// The key whose value it is, when there is one.
    pub key_range: Option<TextRange>,
    pub within: SuppliedIn,
    /// The action that prints it.
    pub action: usize,
}

/// How two places of a template relate through its `if`/`with`/`range` branches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BranchRelation {
    /// Under the same conditions: printed together or not at all.
    Together,
    /// In different branches of one `if`/`else` (or `with`/`else`): never both.
    Exclusive,
    /// One is under a condition the other is not: both print only sometimes.
    Conditional,
}

/// A key that appears twice in one mapping of the holed YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: TextRange,
    pub second: TextRange,
    pub relation: BranchRelation,
}

/// One YAML document of a template.
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateDocument {
    /// Index into `yaml.documents`.
    pub index: usize,
    pub range: TextRange,
    pub shape: DocumentShape,
    /// The literal top-level `kind` (not when templated).
    pub kind: Option<(String, TextRange)>,
    /// Every literal top-level `apiVersion` (several when branches choose one).
    pub api_versions: Vec<(String, TextRange)>,
    /// Raw ranges of scalars (values) holding template output or control.
    pub templated_values: Vec<TextRange>,
    /// Ranges of keys holding template output.
    pub templated_keys: Vec<TextRange>,
    /// Nodes whose content the template prints.
    pub supplied: Vec<Supplied>,
    /// The ranges of the actions that print nothing (control structure, comments).
    pub control: Vec<TextRange>,
    /// `if`/`with`/`range` blocks (indexes into `scan.blocks`) that wrap the whole document
    /// content: it is only printed when they let it.
    pub guards: Vec<usize>,
    pub duplicates: Vec<DuplicateKey>,
    /// Lines holding literal YAML, and lines holding only template output (`toYaml`,
    /// `include` on a line of their own); control lines count as neither. A document with more
    /// output lines than literal ones is [`DocumentShape::Unknown`].
    pub literal_lines: usize,
    pub output_lines: usize,
}

impl TemplateDocument {
    /// True when the node at `path` is template output (it or an ancestor is a supplied value,
    /// or the whole document is), or has entries added by the template: its missing fields
    /// are unknown. The literal children of a mapping or list that output extends are not
    /// supplied themselves.
    pub fn is_supplied(&self, path: &[Segment]) -> bool {
        self.supplied.iter().any(|s| match s.within {
            SuppliedIn::Root => true,
            SuppliedIn::Value => path.starts_with(&s.path.0),
            SuppliedIn::Mapping | SuppliedIn::Sequence => path == s.path.0.as_slice(),
        })
    }

    /// True when the scalar or key at `range` holds template output.
    pub fn is_templated(&self, range: TextRange) -> bool {
        let hit =
            |r: &TextRange| r.start < range.end.max(range.start + 1) && range.start < r.end.max(r.start + 1);
        self.templated_values.iter().any(hit) || self.templated_keys.iter().any(hit)
    }
}

impl TemplateFile {
    /// Scans `text`, rewrites it as YAML with holes, parses that and works out each document.
    pub fn parse(text: &str) -> TemplateFile {
        let scan = scan(text);
        let holed = transform(text, &scan);
        let yaml = kref_yaml::parse(&holed.text);
        let references = refs::collect(text, &scan);
        let mut file = TemplateFile {
            scan,
            holes: holed.holes,
            define_regions: holed.define_regions,
            yaml,
            references,
            documents: Vec::new(),
            errors: Vec::new(),
            text: text.to_string(),
        };
        file.errors = file.classify_errors();
        file.documents = (0..file.yaml.documents.len()).map(|i| file.document(i)).collect();
        file
    }

    /// The template text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The holed YAML text (same length and lines as [`TemplateFile::text`]).
    pub fn yaml_text(&self) -> &str {
        self.yaml.text()
    }

    /// The hole (action) under `offset`.
    pub fn hole_at(&self, offset: usize) -> Option<&Hole> {
        self.scan.action_at(offset).and_then(|i| self.holes.get(i))
    }

    /// The `.Values` reference under `offset`.
    pub fn values_ref_at(&self, offset: usize) -> Option<&ValuesRef> {
        self.references.values.iter().find(|r| r.range.touches(offset))
    }

    /// The built-in object reference under `offset`.
    pub fn builtin_at(&self, offset: usize) -> Option<&BuiltinRef> {
        self.references.builtins.iter().find(|r| r.range.touches(offset))
    }

    /// The `include`/`template` call under `offset`.
    pub fn call_at(&self, offset: usize) -> Option<&TemplateCall> {
        self.references.calls.iter().find(|c| c.range.touches(offset))
    }

    /// The `define` whose name is under `offset`.
    pub fn define_at(&self, offset: usize) -> Option<&Define> {
        self.references.defines.iter().find(|d| d.name_range.touches(offset))
    }

    /// The dot and variables in force at `offset`.
    pub fn scope_at(&self, offset: usize) -> Scope {
        refs::scope_at(&self.text, &self.scan, offset)
    }

    /// The document holding `offset`.
    pub fn document_at(&self, offset: usize) -> Option<&TemplateDocument> {
        self.documents.get(self.yaml.document_at(offset))
    }

    /// How two offsets relate through the template's branches.
    pub fn branch_relation(&self, a: usize, b: usize) -> BranchRelation {
        let pa = self.scan.branch_path(a);
        let pb = self.scan.branch_path(b);
        for &(block, branch) in &pa {
            if let Some(&(_, other)) = pb.iter().find(|(bl, _)| *bl == block)
                && other != branch
            {
                return BranchRelation::Exclusive;
            }
        }
        if pa == pb { BranchRelation::Together } else { BranchRelation::Conditional }
    }

    fn column(&self, offset: usize) -> usize {
        let index = self.yaml.line_index();
        let line = index.line_of(offset);
        offset - index.line_range(line).map_or(0, |r| r.start)
    }

    /// Holes that print something into the YAML (not silent, not in a define), sorted.
    fn printing_holes(&self) -> impl Iterator<Item = &Hole> {
        self.holes.iter().filter(|h| !matches!(h.kind, HoleKind::InDefine))
    }

    fn overlaps_hole(&self, range: TextRange) -> bool {
        // Holes are sorted by start and do not overlap each other.
        let i = self.holes.partition_point(|h| h.range.end <= range.start);
        self.holes[i..].iter().take_while(|h| h.range.start < range.end).any(|h| h.kind != HoleKind::InDefine)
    }

    fn classify_errors(&self) -> Vec<TemplateError> {
        let index = self.yaml.line_index();
        let mut hole_lines: Vec<usize> = Vec::new();
        for hole in self.printing_holes() {
            let first = index.line_of(hole.range.start);
            let last = index.line_of(hole.range.end.saturating_sub(1).max(hole.range.start));
            hole_lines.extend(first..=last);
        }
        hole_lines.sort_unstable();
        hole_lines.dedup();
        self.yaml
            .errors
            .iter()
            .filter(|e| e.code != kref_yaml::ErrorCode::DuplicateKey)
            .map(|e| {
                let line = index.line_of(e.range.start);
                let near_line = hole_lines.binary_search(&line).is_ok()
                    || line.checked_sub(1).is_some_and(|l| hole_lines.binary_search(&l).is_ok())
                    || hole_lines.binary_search(&(line + 1)).is_ok();
                let in_alternative = self
                    .scan
                    .branch_path(e.range.start)
                    .iter()
                    .any(|&(block, _)| self.scan.blocks[block].branches.len() > 1);
                TemplateError { error: e.clone(), near_template: near_line || in_alternative }
            })
            .collect()
    }

    fn document(&self, index: usize) -> TemplateDocument {
        let doc = &self.yaml.documents[index];
        let range = doc.range;
        let holes: Vec<&Hole> = self
            .printing_holes()
            .filter(|h| h.range.start >= range.start && h.range.start < range.end.max(range.start + 1))
            .collect();
        let control: Vec<TextRange> =
            holes.iter().filter(|h| h.kind == HoleKind::Silent).map(|h| h.range).collect();

        // Templated scalars and keys.
        let mut templated_values = Vec::new();
        let mut templated_keys = Vec::new();
        if let Some(root) = &doc.root {
            let mut stack = vec![root];
            while let Some(node) = stack.pop() {
                match &node.value {
                    NodeValue::Mapping(pairs) => {
                        for pair in pairs {
                            if self.overlaps_hole(pair.key.raw_range) {
                                templated_keys.push(pair.key.raw_range);
                            }
                            stack.push(&pair.value);
                        }
                    }
                    NodeValue::Sequence(items) => stack.extend(items.iter()),
                    NodeValue::Scalar(s) => {
                        if self.overlaps_hole(s.raw_range) {
                            templated_values.push(s.raw_range);
                        }
                    }
                    NodeValue::Alias(_) | NodeValue::Missing => {}
                }
            }
        }
        templated_values.sort_by_key(|r| r.start);
        templated_keys.sort_by_key(|r| r.start);

        // Supplied nodes.
        let mut supplied = Vec::new();
        for hole in holes.iter() {
            if let HoleKind::Supplied { indent } = hole.kind {
                self.targets(doc.root.as_ref(), hole, indent, &mut supplied);
            }
        }
        // Output inside a block scalar's text templates that scalar.
        for hole in holes.iter().filter(|h| h.kind == HoleKind::InText) {
            if let Some(root) = &doc.root
                && let Some(scalar) = scalar_containing(root, hole.range.start)
                && !templated_values.contains(&scalar)
            {
                templated_values.push(scalar);
            }
        }
        templated_values.sort_by_key(|r| r.start);
        templated_values.dedup();

        // Literal kind and apiVersions.
        let mut api_versions = Vec::new();
        let mut kind = None;
        if let Some(pairs) = doc.root.as_ref().and_then(|r| r.as_mapping()) {
            for pair in pairs {
                let Some(scalar) = pair.value.as_scalar() else { continue };
                if self.overlaps_hole(pair.key.raw_range) || self.overlaps_hole(scalar.raw_range) {
                    continue;
                }
                match pair.key.text.as_str() {
                    "apiVersion" => api_versions.push((scalar.text.clone(), scalar.raw_range)),
                    "kind" if kind.is_none() => kind = Some((scalar.text.clone(), scalar.raw_range)),
                    _ => {}
                }
            }
        }

        // Duplicate keys, with how their branches relate.
        let duplicates = self.duplicates(doc.root.as_ref());

        // Guards: blocks whose one branch holds all of the content.
        let guards = match &doc.root {
            Some(root) if !root.is_missing() => {
                let start = self.scan.branch_path(root.range.start);
                let end = self.scan.branch_path(root.range.end.saturating_sub(1).max(root.range.start));
                start
                    .iter()
                    .filter(|entry| end.contains(entry))
                    .map(|&(b, _)| b)
                    .filter(|&b| self.scan.blocks[b].kind != super::scan::BlockKind::Define)
                    .collect()
            }
            _ => Vec::new(),
        };

        // Sizes, in lines: literal YAML against lines printed by the template on their own.
        let yaml = self.yaml_text().as_bytes();
        let lines = self.yaml.line_index();
        let mut output_lines = 0;
        let mut literal_lines = 0;
        let mut hi = 0;
        let first_line = lines.line_of(range.start);
        let last_line = lines.line_of(range.end.saturating_sub(1).max(range.start));
        for line in first_line..=last_line {
            let Some(lr) = lines.line_range(line) else { break };
            let (ls, le) = (lr.start.max(range.start), lr.end.min(range.end).min(yaml.len()));
            let mut literal = false;
            let mut printed = false;
            let mut pos = ls;
            while hi < holes.len() && holes[hi].range.end <= ls {
                hi += 1;
            }
            let mut j = hi;
            while pos < le {
                if j < holes.len() && holes[j].range.start <= pos {
                    printed |= matches!(holes[j].kind, HoleKind::Supplied { .. } | HoleKind::InText);
                    pos = pos.max(holes[j].range.end);
                    j += 1;
                    continue;
                }
                let stop = if j < holes.len() { holes[j].range.start.min(le) } else { le };
                literal |= yaml[pos..stop].iter().any(|b| !b.is_ascii_whitespace());
                pos = stop.max(pos + 1);
            }
            if literal {
                literal_lines += 1;
            } else if printed {
                output_lines += 1;
            }
        }

        let root_missing = doc.root.as_ref().is_none_or(|r| r.is_missing());
        let prints = holes.iter().any(|h| h.kind != HoleKind::Silent);
        if root_missing && prints {
            supplied.push(Supplied {
                path: Path::default(),
                key_range: None,
                within: SuppliedIn::Root,
                action: holes.iter().find(|h| h.kind != HoleKind::Silent).map_or(0, |h| h.action),
            });
        }
        let has_errors = self.errors.iter().any(|e| range.contains(e.error.range.start));
        let shape = if root_missing && !prints {
            DocumentShape::Empty
        } else if root_missing || output_lines > literal_lines {
            DocumentShape::Unknown
        } else if has_errors {
            DocumentShape::Broken
        } else if prints {
            DocumentShape::Templated
        } else {
            DocumentShape::Literal
        };
        TemplateDocument {
            index,
            range,
            shape,
            kind,
            api_versions,
            templated_values,
            templated_keys,
            supplied,
            control,
            guards,
            duplicates,
            output_lines,
            literal_lines,
        }
    }

    /// Where the output of a supplying hole lands: walks down from the root by column.
    fn targets(&self, root: Option<&Node>, hole: &Hole, indent: usize, out: &mut Vec<Supplied>) {
        let offset = hole.range.start;
        let Some(mut node) = root.filter(|r| !r.is_missing()) else {
            out.push(Supplied {
                path: Path::default(),
                key_range: None,
                within: SuppliedIn::Root,
                action: hole.action,
            });
            return;
        };
        let mut path = Path::default();
        let mut key_range = None;
        // Bounded by the parser's nesting limit.
        loop {
            match &node.value {
                NodeValue::Mapping(pairs) if !node.flow && !pairs.is_empty() => {
                    let column = self.column(pairs[0].key_range.start);
                    let previous = pairs.iter().rev().find(|p| p.key_range.start < offset);
                    if indent <= column || previous.is_none() {
                        // A compact sequence just above at this column takes items too.
                        if let Some(p) = previous
                            && let NodeValue::Sequence(items) = &p.value.value
                            && !p.value.flow
                            && items.first().is_some_and(|i| self.dash_column(i.range.start) == Some(indent))
                            && p.value.range.start < offset
                        {
                            let mut seq_path = path.clone();
                            seq_path.0.push(Segment::Key(p.key.text.clone()));
                            out.push(Supplied {
                                path: seq_path,
                                key_range: Some(p.key_range),
                                within: SuppliedIn::Sequence,
                                action: hole.action,
                            });
                        }
                        out.push(Supplied {
                            path,
                            key_range,
                            within: SuppliedIn::Mapping,
                            action: hole.action,
                        });
                        return;
                    }
                    let Some(pair) = previous else { return };
                    path.0.push(Segment::Key(pair.key.text.clone()));
                    key_range = Some(pair.key_range);
                    if pair.value.is_missing() {
                        out.push(Supplied {
                            path,
                            key_range,
                            within: SuppliedIn::Value,
                            action: hole.action,
                        });
                        return;
                    }
                    node = &pair.value;
                }
                NodeValue::Sequence(items) if !node.flow && !items.is_empty() => {
                    let column = self.dash_column(items[0].range.start).unwrap_or(0);
                    let previous = items.iter().rposition(|i| i.range.start < offset);
                    match previous {
                        Some(i) if indent > column => {
                            path.0.push(Segment::Index(i));
                            key_range = None;
                            if items[i].is_missing() {
                                out.push(Supplied {
                                    path,
                                    key_range,
                                    within: SuppliedIn::Value,
                                    action: hole.action,
                                });
                                return;
                            }
                            node = &items[i];
                        }
                        _ => {
                            out.push(Supplied {
                                path,
                                key_range,
                                within: SuppliedIn::Sequence,
                                action: hole.action,
                            });
                            return;
                        }
                    }
                }
                _ => {
                    // A scalar or flow collection with output below it: its value is unknown.
                    out.push(Supplied { path, key_range, within: SuppliedIn::Value, action: hole.action });
                    return;
                }
            }
        }
    }

    /// The column of the `-` that introduces the sequence item starting at `item_start`.
    fn dash_column(&self, item_start: usize) -> Option<usize> {
        let text = self.yaml_text();
        let index = self.yaml.line_index();
        let line = index.line_range(index.line_of(item_start))?;
        let before = text.get(line.start..item_start.min(text.len()))?;
        let dash = before.rfind('-')?;
        Some(dash)
    }

    fn duplicates(&self, root: Option<&Node>) -> Vec<DuplicateKey> {
        let mut out = Vec::new();
        let Some(root) = root else { return out };
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            match &node.value {
                NodeValue::Mapping(pairs) => {
                    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
                    for (i, pair) in pairs.iter().enumerate() {
                        stack.push(&pair.value);
                        if pair.colon.is_none() || self.overlaps_hole(pair.key.raw_range) {
                            continue;
                        }
                        match seen.get(pair.key.text.as_str()) {
                            Some(&first) => {
                                let first = &pairs[first];
                                out.push(DuplicateKey {
                                    key: pair.key.text.clone(),
                                    first: first.key_range,
                                    second: pair.key_range,
                                    relation: self
                                        .branch_relation(first.key_range.start, pair.key_range.start),
                                });
                            }
                            None => {
                                seen.insert(&pair.key.text, i);
                            }
                        }
                    }
                }
                NodeValue::Sequence(items) => stack.extend(items.iter()),
                _ => {}
            }
        }
        out.sort_by_key(|d| d.second.start);
        out
    }
}

/// The raw range of a block scalar (or multi-line scalar) under `node` that holds `offset`.
fn scalar_containing(node: &Node, offset: usize) -> Option<TextRange> {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if !node.range.touches(offset) {
            continue;
        }
        match &node.value {
            NodeValue::Mapping(pairs) => stack.extend(pairs.iter().map(|p| &p.value)),
            NodeValue::Sequence(items) => stack.extend(items.iter()),
            NodeValue::Scalar(s) if s.raw_range.contains(offset) => return Some(s.raw_range),
            _ => {}
        }
    }
    None
}
