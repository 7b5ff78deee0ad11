//! Markdown notes → sections (what search returns) and entries (knowledge about a kind, field or value).
//!
//! The shape is documented for users in `docs/notes-format.md`: list items that start with a code
//! span name a kind (top level), a field (nested under a kind) or a value (nested under a field).

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::text::{is_field_name, is_kind_name, is_value_name, slugify};

/// Notes larger than this are skipped with a warning: nobody writes 16 MiB of notes by hand, and
/// indexing such a file would make every search slower for no benefit.
pub const MAX_NOTE_BYTES: usize = 16 * 1024 * 1024;

/// List items nested deeper than this keep their text in the section but do not add it to the
/// items above them: re-indenting every level's text into its parent's is cubic in the depth,
/// and a 20 KB line of `- - - …` (10,000 levels) would otherwise take hours.
const MAX_NESTED_ITEMS: usize = 32;

/// Limits that keep one item's entries linear in its size: the names an item leads with, the
/// values named inside its sentence, and the text each entry carries (the section keeps all of
/// it). Without them 20,000 names in one item made entries quadratic in memory (gigabytes).
const MAX_LEADING_NAMES: usize = 16;
const MAX_INLINE_VALUES: usize = 32;
const MAX_ENTRY_TEXT: usize = 64 * 1024;

/// Where a note comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Origin {
    /// The corpus built into the binary.
    Builtin,
    /// A folder of the user's own notes.
    User,
}

impl Origin {
    /// The stable lower-case name used in the index, `--source` and JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Builtin => "builtin",
            Origin::User => "user",
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an entry is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A kind, such as `Deployment`.
    Kind { kind: String },
    /// A field of a kind, by name or dotted suffix path (`strategy`, `rollingUpdate.maxSurge`).
    Field { kind: String, field: String },
    /// An allowed value; `field` is `None` when the note put the value directly under the kind.
    Value { kind: String, field: Option<String>, value: String },
    /// Anything else a note explains by name (`kubelet`, `CrashLoopBackOff`).
    Term { term: String },
}

impl Subject {
    /// The kind this subject belongs to, if any.
    pub fn kind(&self) -> Option<&str> {
        match self {
            Subject::Kind { kind } | Subject::Field { kind, .. } | Subject::Value { kind, .. } => Some(kind),
            Subject::Term { .. } => None,
        }
    }

    /// A readable breadcrumb: `Deployment › strategy › RollingUpdate`.
    pub fn breadcrumb(&self) -> String {
        match self {
            Subject::Kind { kind } => kind.clone(),
            Subject::Field { kind, field } => format!("{kind} › {field}"),
            Subject::Value { kind, field: Some(field), value } => {
                format!("{kind} › {field} › {value}")
            }
            Subject::Value { kind, field: None, value } => format!("{kind} › {value}"),
            Subject::Term { term } => term.clone(),
        }
    }

    /// A stable key: `kind:Deployment`, `field:Deployment.strategy`,
    /// `value:Deployment.strategy=RollingUpdate`, `term:kubelet`.
    pub fn key(&self) -> String {
        match self {
            Subject::Kind { kind } => format!("kind:{kind}"),
            Subject::Field { kind, field } => format!("field:{kind}.{field}"),
            Subject::Value { kind, field, value } => {
                format!("value:{kind}.{}={value}", field.as_deref().unwrap_or("*"))
            }
            Subject::Term { term } => format!("term:{term}"),
        }
    }
}

/// One piece of knowledge attached to a subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub subject: Subject,
    /// The explanation, as Markdown (the item's text after its name, plus nested plain items).
    pub text: String,
    /// 1-based line of the list item in its note.
    pub line: u32,
    /// The section the item sits in.
    pub section_id: String,
    /// True for values found inside a field's sentence (`` `Never` (default), `OnFailure` ``)
    /// rather than as items of their own: weaker evidence, checked against the schema later.
    pub inline: bool,
    /// Where the item reads in its section's `text`, in bytes: its names and explanation (and
    /// plain items under it), up to the first entry nested under it. Empty when unknown. Values
    /// named inside a field's sentence share their field's.
    pub span: Range<usize>,
    /// Where the explanation starts inside `span` (after the names), in bytes of the section's
    /// `text`.
    pub body_start: usize,
}

/// A fenced or indented code block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeBlock {
    pub lang: String,
    pub code: String,
}

/// A heading and everything under it up to the next heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Unique within a corpus: `<note path>#<slug of the heading path>`.
    pub id: String,
    pub title: String,
    /// Titles of the enclosing headings, outermost first, ending with this section's title.
    pub heading_path: Vec<String>,
    /// Heading level 1–6; 0 for text before the first heading.
    pub level: u8,
    /// Plain text of the body (Markdown syntax removed), code blocks included.
    pub text: String,
    /// The section's Markdown source, heading included.
    pub markdown: String,
    pub code: Vec<CodeBlock>,
    /// 1-based, inclusive.
    pub line_start: u32,
    pub line_end: u32,
    /// Kinds the section is about: named by its heading, its entries or the note's front matter.
    pub kinds: Vec<String>,
    /// Field names the section is about (from field entries and front matter).
    pub fields: Vec<String>,
    /// Terms named by the heading (`CrashLoopBackOff`) or by term entries.
    pub terms: Vec<String>,
}

/// A parsed note file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The path it is known by: `builtin:workloads/deployment.md` or the user file's path.
    pub path: String,
    pub origin: Origin,
    pub title: String,
    pub tags: Vec<String>,
    /// What people call the note's topic in their own words (front matter `aliases`): searched
    /// like the title of its first section.
    pub aliases: Vec<String>,
    pub sections: Vec<Section>,
    pub entries: Vec<Entry>,
    /// Problems worth telling the user about that did not stop parsing (bad front matter).
    pub warnings: Vec<String>,
}

/// Why a file cannot be read as a note.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NoteError {
    #[error("not valid UTF-8 (first bad byte at offset {offset}); save it as UTF-8 to include it")]
    NotUtf8 { offset: usize },
    #[error("looks binary (contains NUL bytes); only Markdown and text files are read")]
    Binary,
    #[error("too large ({size} bytes, the limit is {limit} bytes); split it into smaller notes")]
    TooLarge { size: usize, limit: usize },
}

/// Checks raw file contents and returns them as text (a UTF-8 byte-order mark is dropped).
pub fn decode_note(bytes: &[u8]) -> Result<&str, NoteError> {
    if bytes.len() > MAX_NOTE_BYTES {
        return Err(NoteError::TooLarge { size: bytes.len(), limit: MAX_NOTE_BYTES });
    }
    if bytes.contains(&0) {
        return Err(NoteError::Binary);
    }
    let text = std::str::from_utf8(bytes).map_err(|e| NoteError::NotUtf8 { offset: e.valid_up_to() })?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct FrontMatter {
    title: Option<String>,
    kinds: Vec<String>,
    fields: Vec<String>,
    tags: Vec<String>,
    aliases: Vec<String>,
}

/// What a list item turned out to be, which decides what its children are.
#[derive(Clone, Debug)]
enum Role {
    Kinds(Vec<String>),
    Field {
        kinds: Vec<String>,
        field: String,
    },
    /// A value or term: nested items only add to its text.
    Leaf,
    /// Not an entry; nothing nested under it is one either.
    Plain,
}

#[derive(Debug, Default)]
struct ItemCtx {
    line: u32,
    section: usize,
    /// Where the item starts in the section's text.
    span_start: usize,
    /// Where its explanation starts in the section's text, once known.
    body_start: Option<usize>,
    /// Where the first entry nested under it starts in the section's text.
    first_entry_child: Option<usize>,
    leading: Vec<String>,
    in_body: bool,
    text: String,
    /// Code spans of the body with their byte position in `text`.
    inline_codes: Vec<(String, usize, usize)>,
    children: String,
    role: Option<Role>,
    subjects: Vec<Subject>,
}

struct SectionBuilder {
    title: String,
    heading_path: Vec<String>,
    level: u8,
    start: usize,
    text: String,
    code: Vec<CodeBlock>,
    kinds: Vec<String>,
    fields: Vec<String>,
    terms: Vec<String>,
}

struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines(starts)
    }

    /// 1-based line of a byte offset.
    fn line(&self, offset: usize) -> u32 {
        let idx = self.0.partition_point(|&s| s <= offset);
        u32::try_from(idx.max(1)).unwrap_or(u32::MAX)
    }
}

/// The Markdown extensions every note is read with (front matter is a YAML metadata block).
const PARSE_OPTIONS: Options = Options::ENABLE_TABLES
    .union(Options::ENABLE_STRIKETHROUGH)
    .union(Options::ENABLE_YAML_STYLE_METADATA_BLOCKS);

/// A note's Markdown without its front matter, as [`parse_note`] reads it: the `---` block is
/// front matter only where the parser takes it for one (at the very start, closed by `---`).
pub fn note_body(source: &str) -> &str {
    let mut parser = Parser::new_ext(source, PARSE_OPTIONS).into_offset_iter();
    match parser.next() {
        Some((Event::Start(Tag::MetadataBlock(_)), range)) => {
            source[range.end..].trim_start_matches(['\r', '\n'])
        }
        _ => source,
    }
}

/// Parses one note. Never fails: any text is some Markdown.
pub fn parse_note(path: &str, origin: Origin, source: &str) -> Note {
    Builder::new(path, origin, source).run()
}

struct Builder<'a> {
    path: &'a str,
    origin: Origin,
    source: &'a str,
    lines: Lines,
    front: FrontMatter,
    warnings: Vec<String>,
    heading_stack: Vec<(u8, String)>,
    sections: Vec<(SectionBuilder, usize)>,
    current: SectionBuilder,
    entries: Vec<Entry>,
    items: Vec<ItemCtx>,
    heading_text: Option<String>,
    code_block: Option<CodeBlock>,
    meta: Option<String>,
}

fn append(buf: &mut String, s: &str) {
    buf.push_str(s);
}

fn push_unique(list: &mut Vec<String>, value: &str) {
    if !list.iter().any(|v| v == value) {
        list.push(value.to_string());
    }
}

impl<'a> Builder<'a> {
    fn new(path: &'a str, origin: Origin, source: &'a str) -> Self {
        let file_title =
            path.rsplit(['/', '\\']).next().unwrap_or(path).split('.').next().unwrap_or(path).to_string();
        Builder {
            path,
            origin,
            source,
            lines: Lines::new(source),
            front: FrontMatter::default(),
            warnings: Vec::new(),
            heading_stack: Vec::new(),
            sections: Vec::new(),
            current: SectionBuilder {
                title: file_title,
                heading_path: Vec::new(),
                level: 0,
                start: 0,
                text: String::new(),
                code: Vec::new(),
                kinds: Vec::new(),
                fields: Vec::new(),
                terms: Vec::new(),
            },
            entries: Vec::new(),
            items: Vec::new(),
            heading_text: None,
            code_block: None,
            meta: None,
        }
    }

    fn run(mut self) -> Note {
        let source = self.source;
        for (event, range) in Parser::new_ext(source, PARSE_OPTIONS).into_offset_iter() {
            self.event(event, range.start);
        }
        while !self.items.is_empty() {
            self.end_item();
        }
        self.finish_section(source.len());
        self.build()
    }

    fn section_index(&self) -> usize {
        self.sections.len()
    }

    /// Where inline text goes: the heading being read, the innermost item, and the section.
    fn inline_text(&mut self, s: &str, code: bool) {
        if let Some(h) = self.heading_text.as_mut() {
            append(h, s);
            return;
        }
        let before = self.current.text.len();
        append(&mut self.current.text, s);
        let Some(item) = self.items.last_mut() else { return };
        if item.role.is_some() {
            // Text after a nested list: belongs to the item's children text.
            append(&mut item.children, s);
            return;
        }
        if !item.in_body {
            if code {
                if item.leading.len() < MAX_LEADING_NAMES {
                    item.leading.push(s.to_string());
                }
                return;
            }
            let trimmed = s.trim();
            let separator = trimmed.is_empty()
                || trimmed == ","
                || trimmed == "and"
                || trimmed == "/"
                || trimmed == ", and";
            if separator && !item.leading.is_empty() {
                return;
            }
            item.in_body = true;
            item.body_start = Some(before + (s.len() - s.trim_start().trim_start_matches(':').len()));
            // Keep the text's trailing space: a code span may follow ("`a`: one `b`").
            if let Some(rest) = s.trim_start().strip_prefix(':')
                && !item.leading.is_empty()
            {
                append(&mut item.text, rest.trim_start());
                return;
            }
            let piece = if item.text.is_empty() { s.trim_start() } else { s };
            append(&mut item.text, piece);
            return;
        }
        if code {
            let start = item.text.len();
            item.text.push('`');
            item.text.push_str(s);
            item.text.push('`');
            item.inline_codes.push((s.to_string(), start, item.text.len()));
        } else {
            append(&mut item.text, s);
        }
    }

    fn markup(&mut self, s: &str) {
        if self.heading_text.is_some() {
            return;
        }
        if let Some(item) = self.items.last_mut() {
            if item.role.is_some() {
                item.children.push_str(s);
            } else if item.in_body || !item.leading.is_empty() {
                if !item.in_body {
                    item.body_start = Some(self.current.text.len());
                }
                item.in_body = true;
                item.text.push_str(s);
            }
        }
    }

    fn event(&mut self, event: Event<'_>, offset: usize) {
        match event {
            Event::Start(Tag::MetadataBlock(MetadataBlockKind::YamlStyle)) => {
                self.meta = Some(String::new());
            }
            Event::End(TagEnd::MetadataBlock(_)) => {
                if let Some(meta) = self.meta.take() {
                    match serde_norway::from_str::<FrontMatter>(&meta) {
                        Ok(front) => self.front = front,
                        Err(e) => self.warnings.push(format!("front matter ignored: {e}")),
                    }
                }
            }
            Event::Text(t) if self.meta.is_some() => {
                if let Some(m) = self.meta.as_mut() {
                    m.push_str(&t);
                }
            }
            Event::Start(Tag::Heading { .. }) => {
                while !self.items.is_empty() {
                    self.end_item();
                }
                self.finish_section(offset);
                self.current.start = offset;
                self.heading_text = Some(String::new());
            }
            Event::End(TagEnd::Heading(level)) => {
                let title = self.heading_text.take().unwrap_or_default().trim().to_string();
                let level = heading_level(level);
                while self.heading_stack.last().is_some_and(|(l, _)| *l >= level) {
                    self.heading_stack.pop();
                }
                self.heading_stack.push((level, title.clone()));
                self.current.heading_path = self.heading_stack.iter().map(|(_, t)| t.clone()).collect();
                self.current.level = level;
                for name in heading_names(&title) {
                    push_unique(&mut self.current.terms, &name);
                }
                self.current.title = title;
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code_block = Some(CodeBlock { lang, code: String::new() });
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(block) = self.code_block.take() {
                    self.current.text.push_str(&block.code);
                    self.current.text.push('\n');
                    self.current.code.push(block);
                }
            }
            Event::Text(t) if self.code_block.is_some() => {
                if let Some(block) = self.code_block.as_mut() {
                    block.code.push_str(&t);
                }
            }
            Event::Text(t) => self.inline_text(&t, false),
            Event::Code(c) => self.inline_text(&c, true),
            Event::InlineMath(m) | Event::DisplayMath(m) => self.inline_text(&m, false),
            Event::Html(h) | Event::InlineHtml(h) => {
                self.current.text.push_str(&h);
            }
            Event::SoftBreak => self.inline_text(" ", false),
            Event::HardBreak => self.inline_text("\n", false),
            Event::Start(Tag::Emphasis) | Event::End(TagEnd::Emphasis) => self.markup("*"),
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => self.markup("**"),
            Event::Start(Tag::List(_)) => {
                // A list nested in a tight item follows the item's text with no break between
                // them: keep the words apart (`job` and `concurrencyPolicy`, not one word).
                if self.current.text.chars().next_back().is_some_and(|c| !c.is_whitespace()) {
                    self.current.text.push('\n');
                }
                if let Some(parent) = self.items.len().checked_sub(1) {
                    self.decide(parent);
                }
            }
            Event::Start(Tag::Item) => {
                let line = self.lines.line(offset);
                let section = self.section_index();
                let span_start = self.current.text.len();
                self.items.push(ItemCtx { line, section, span_start, ..ItemCtx::default() });
            }
            Event::End(TagEnd::Item) => {
                self.current.text.push('\n');
                self.end_item();
            }
            Event::End(TagEnd::Paragraph | TagEnd::TableRow | TagEnd::TableHead) => {
                self.current.text.push('\n');
                if let Some(item) = self.items.last_mut() {
                    if item.role.is_some() {
                        item.children.push('\n');
                    } else if item.in_body {
                        item.text.push('\n');
                    }
                }
            }
            Event::End(TagEnd::TableCell) => self.current.text.push_str(" | "),
            Event::TaskListMarker(_) | Event::Rule | Event::FootnoteReference(_) => {}
            Event::Start(_) | Event::End(_) => {}
        }
    }

    /// Decides what item `idx` is, from its leading code spans and its parent's role.
    fn decide(&mut self, idx: usize) {
        if self.items[idx].role.is_some() {
            return;
        }
        let parent_role = idx.checked_sub(1).map(|p| self.items[p].role.clone().unwrap_or(Role::Plain));
        let item = &self.items[idx];
        let leading = item.leading.clone();
        let mut subjects = Vec::new();
        let role = if leading.is_empty() {
            Role::Plain
        } else {
            match parent_role {
                None => {
                    if leading.iter().all(|l| is_kind_name(l)) {
                        subjects.extend(leading.iter().map(|k| Subject::Kind { kind: k.clone() }));
                        Role::Kinds(leading.clone())
                    } else {
                        subjects.extend(leading.iter().map(|t| Subject::Term { term: t.clone() }));
                        Role::Leaf
                    }
                }
                Some(Role::Kinds(kinds)) => {
                    let fields: Vec<&String> = leading.iter().filter(|l| is_field_name(l)).collect();
                    for kind in &kinds {
                        for name in &leading {
                            if is_field_name(name) {
                                subjects.push(Subject::Field { kind: kind.clone(), field: name.clone() });
                            } else if is_value_name(name) {
                                subjects.push(Subject::Value {
                                    kind: kind.clone(),
                                    field: None,
                                    value: name.clone(),
                                });
                            }
                        }
                    }
                    match fields.as_slice() {
                        [field] => Role::Field { kinds, field: (*field).clone() },
                        _ => Role::Leaf,
                    }
                }
                Some(Role::Field { kinds, field }) => {
                    for kind in &kinds {
                        for value in &leading {
                            subjects.push(Subject::Value {
                                kind: kind.clone(),
                                field: Some(field.clone()),
                                value: value.clone(),
                            });
                        }
                    }
                    Role::Leaf
                }
                Some(Role::Leaf | Role::Plain) => Role::Plain,
            }
        };
        let item = &mut self.items[idx];
        item.subjects = subjects;
        item.role = Some(role);
    }

    fn end_item(&mut self) {
        // A heading inside an item (`- # x`) has already closed every open item.
        let Some(idx) = self.items.len().checked_sub(1) else { return };
        self.decide(idx);
        let Some(item) = self.items.pop() else { return };
        let own = item.text.trim().to_string();
        let section_id = self.section_id_placeholder(item.section);
        let nested_too_deep = self.items.len() >= MAX_NESTED_ITEMS;
        let span_end = item.first_entry_child.unwrap_or(self.current.text.len()).max(item.span_start);
        let span = item.span_start..span_end;
        let body_start = item.body_start.unwrap_or(span_end).clamp(span.start, span.end);
        if item.subjects.is_empty() {
            // A plain item adds its text to the nearest entry above it.
            if let Some(parent) = self.items.last_mut().filter(|_| !nested_too_deep) {
                let mut line = String::from("- ");
                line.push_str(&own);
                line.push('\n');
                for l in item.children.lines().filter(|l| !l.trim().is_empty()) {
                    line.push_str("  ");
                    line.push_str(l);
                    line.push('\n');
                }
                if own.is_empty() && item.children.trim().is_empty() {
                    return;
                }
                parent.children.push_str(&line);
            }
            return;
        }
        let mut text = own.clone();
        let children = item.children.trim();
        if !children.is_empty() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(children);
        }
        clip(&mut text, MAX_ENTRY_TEXT);
        if let Some(parent) = self.items.last_mut().filter(|_| !nested_too_deep) {
            // Entries also read as part of their parent's text, as a summary line.
            let names: Vec<String> = item.leading.iter().map(|l| format!("`{l}`")).collect();
            parent.children.push_str(&format!("- {}: {}\n", names.join(", "), first_line(&own)));
            parent.first_entry_child.get_or_insert(item.span_start);
        }
        for subject in &item.subjects {
            match subject {
                Subject::Field { field, .. } => push_unique(&mut self.current.fields, field),
                Subject::Term { term } => push_unique(&mut self.current.terms, term),
                _ => {}
            }
            if let Some(kind) = subject.kind() {
                push_unique(&mut self.current.kinds, kind);
            }
            self.entries.push(Entry {
                subject: subject.clone(),
                text: text.clone(),
                line: item.line,
                section_id: section_id.clone(),
                inline: false,
                span: span.clone(),
                body_start,
            });
        }
        // Values named inside a field's sentence.
        if let Some(Role::Field { kinds, field }) = &item.role {
            for (i, (value, _start, end)) in item.inline_codes.iter().enumerate().take(MAX_INLINE_VALUES) {
                if !is_value_name(value) || is_kind_name_only(value, kinds) {
                    continue;
                }
                let stop = item.inline_codes.get(i + 1).map_or(item.text.len(), |n| n.1);
                let snippet = item.text[*end..stop]
                    .trim_matches(|c: char| c.is_whitespace() || ",;.()".contains(c))
                    .trim_start_matches("or ")
                    .trim_start_matches("and ")
                    .trim();
                let mut value_text =
                    if snippet.is_empty() { own.clone() } else { format!("{snippet}. {own}") };
                clip(&mut value_text, MAX_ENTRY_TEXT);
                for kind in kinds {
                    self.entries.push(Entry {
                        subject: Subject::Value {
                            kind: kind.clone(),
                            field: Some(field.clone()),
                            value: value.clone(),
                        },
                        text: value_text.clone(),
                        line: item.line,
                        section_id: section_id.clone(),
                        inline: true,
                        span: span.clone(),
                        body_start,
                    });
                }
            }
        }
    }

    /// Section ids are assigned once all sections are known; until then entries carry the index.
    fn section_id_placeholder(&self, section: usize) -> String {
        format!("\u{0}{section}")
    }

    fn finish_section(&mut self, end: usize) {
        let next = SectionBuilder {
            title: String::new(),
            heading_path: Vec::new(),
            level: 0,
            start: end,
            text: String::new(),
            code: Vec::new(),
            kinds: Vec::new(),
            fields: Vec::new(),
            terms: Vec::new(),
        };
        let done = std::mem::replace(&mut self.current, next);
        self.sections.push((done, end));
    }

    fn build(self) -> Note {
        let Builder { path, origin, source, lines, front, mut warnings, sections, mut entries, .. } = self;
        // A set, and the next suffix per base: 100,000 headings of the same title took minutes
        // when each id was looked up in a list, suffix after suffix.
        let mut ids: HashSet<String> = HashSet::with_capacity(sections.len());
        let mut next_suffix: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        let mut index_map = Vec::with_capacity(sections.len());
        // Per kept section: the bytes its text lost at the start when trimmed, and its length.
        let mut trims: Vec<(usize, usize)> = Vec::with_capacity(sections.len());
        for (builder, end) in sections {
            let keep = builder.level > 0 || !builder.text.trim().is_empty();
            if !keep {
                index_map.push(None);
                continue;
            }
            let base = if builder.heading_path.is_empty() {
                path.to_string()
            } else {
                format!("{path}#{}", slugify(&builder.heading_path.join(" ")))
            };
            let mut id = base.clone();
            if ids.contains(&id) {
                let n = next_suffix.entry(base.clone()).or_insert(2);
                loop {
                    id = format!("{base}-{n}");
                    *n += 1;
                    if !ids.contains(&id) {
                        break;
                    }
                }
            }
            ids.insert(id.clone());
            index_map.push(Some(out.len()));
            let mut kinds = builder.kinds;
            for k in &front.kinds {
                push_unique(&mut kinds, k);
            }
            let mut fields = builder.fields;
            for f in &front.fields {
                push_unique(&mut fields, f);
            }
            let end_line = lines.line(end.saturating_sub(1).max(builder.start));
            let text = builder.text.trim().to_string();
            trims.push((builder.text.len() - builder.text.trim_start().len(), text.len()));
            out.push(Section {
                id,
                title: builder.title,
                heading_path: builder.heading_path,
                level: builder.level,
                text,
                markdown: source.get(builder.start..end).unwrap_or("").trim_end().to_string(),
                code: builder.code,
                line_start: lines.line(builder.start),
                line_end: end_line,
                kinds,
                fields,
                terms: builder.terms,
            });
        }
        for entry in &mut entries {
            let idx = entry.section_id[1..].parse::<usize>().unwrap_or(0);
            let own = index_map.get(idx).copied().flatten();
            let target = own.or_else(|| index_map[..idx.min(index_map.len())].iter().rev().find_map(|x| *x));
            entry.section_id = target.map(|t| out[t].id.clone()).unwrap_or_else(|| path.to_string());
            // Spans point into the section's text as trimmed; an entry filed under another
            // section than the one it was read in has none.
            match own.map(|t| trims[t]) {
                Some((lead, len)) => {
                    let shift = |at: usize| at.saturating_sub(lead).min(len);
                    entry.span = shift(entry.span.start)..shift(entry.span.end);
                    entry.body_start = shift(entry.body_start).clamp(entry.span.start, entry.span.end);
                }
                None => {
                    entry.span = 0..0;
                    entry.body_start = 0;
                }
            }
        }
        if let Some(meta_title) = front.title.as_ref().filter(|t| t.trim().is_empty()) {
            warnings.push(format!("front matter title {meta_title:?} is empty"));
        }
        let title = front
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .or_else(|| out.iter().find(|s| s.level > 0).map(|s| s.title.clone()))
            .or_else(|| out.first().map(|s| s.title.clone()))
            .unwrap_or_else(|| path.to_string());
        Note {
            path: path.to_string(),
            origin,
            title,
            tags: front.tags,
            aliases: front.aliases,
            sections: out,
            entries,
            warnings,
        }
    }
}

fn is_kind_name_only(value: &str, kinds: &[String]) -> bool {
    kinds.iter().any(|k| k == value)
}

/// Shortens `s` to at most `max` bytes, at a character boundary.
fn clip(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Identifiers a heading names: `ImagePullBackOff / ErrImagePull` → both; `Deployment` → it;
/// `Pod Pending` → nothing (a phrase, not a name).
fn heading_names(title: &str) -> Vec<String> {
    title
        .split(['/', ',', '(', ')', '&'])
        .map(|p| p.trim().trim_matches('`').trim())
        .filter(|p| {
            !p.is_empty()
                && !p.contains(char::is_whitespace)
                && p.chars().all(|c| c.is_ascii_alphanumeric())
                && p.chars().filter(char::is_ascii_uppercase).count() >= 1
                && p.chars().any(|c| c.is_ascii_lowercase())
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subjects(note: &Note) -> Vec<String> {
        note.entries.iter().map(|e| e.subject.key()).collect()
    }

    #[test]
    fn kinds_fields_values() {
        let md = "# Workloads\n\n- `Deployment`: keeps stateless Pods running.\n  - `strategy`:\n    - `RollingUpdate`: the default.\n    - `Recreate`: stops all first.\n  - `replicas`:\n- `CronJob`: scheduled Jobs.\n  - `concurrencyPolicy`: overlap rule. `Allow`, `Forbid`, `Replace`\n";
        let note = parse_note("w.md", Origin::User, md);
        let keys = subjects(&note);
        for want in [
            "kind:Deployment",
            "field:Deployment.strategy",
            "value:Deployment.strategy=RollingUpdate",
            "value:Deployment.strategy=Recreate",
            "field:Deployment.replicas",
            "kind:CronJob",
            "field:CronJob.concurrencyPolicy",
            "value:CronJob.concurrencyPolicy=Forbid",
        ] {
            assert!(keys.contains(&want.to_string()), "{want} missing from {keys:?}");
        }
        let rolling = note
            .entries
            .iter()
            .find(|e| e.subject.key() == "value:Deployment.strategy=RollingUpdate")
            .unwrap();
        assert_eq!(rolling.text, "the default.");
        assert_eq!(rolling.line, 5);
        assert_eq!(rolling.section_id, "w.md#workloads");
        let deploy = note.entries.iter().find(|e| e.subject.key() == "kind:Deployment").unwrap();
        assert!(deploy.text.starts_with("keeps stateless Pods running."), "{}", deploy.text);
        assert!(deploy.text.contains("`strategy`"), "{}", deploy.text);
        assert_eq!(note.sections[0].kinds, ["Deployment", "CronJob"]);
    }

    #[test]
    fn nested_lists_keep_words_apart_in_the_section_text() {
        let md =
            "# Backups\n\n- `CronJob`: the nightly backup job\n  - `concurrencyPolicy`: always `Forbid`\n";
        let note = parse_note("b.md", Origin::User, md);
        let text = &note.sections[0].text;
        assert!(!text.contains("jobconcurrencyPolicy"), "{text:?}");
        assert!(text.contains("job\nconcurrencyPolicy"), "{text:?}");
        // Each entry's span still starts at its own names.
        let field =
            note.entries.iter().find(|e| e.subject.key() == "field:CronJob.concurrencyPolicy").unwrap();
        assert!(text[field.span.clone()].starts_with("concurrencyPolicy"), "{:?}", &text[field.span.clone()]);
    }

    #[test]
    fn inline_values_and_no_colon() {
        let md = "- `PersistentVolumeClaim`: asks for storage.\n  - `accessModes` include `ReadWriteOnce` (one node), `ReadWriteMany` (many nodes)\n";
        let note = parse_note("s.md", Origin::User, md);
        let many = note
            .entries
            .iter()
            .find(|e| e.subject.key() == "value:PersistentVolumeClaim.accessModes=ReadWriteMany")
            .unwrap();
        assert!(many.inline);
        assert!(many.text.starts_with("many nodes."), "{}", many.text);
    }

    #[test]
    fn terms_plain_items_and_multi_kind() {
        let md = "## Nodes\n- `kubelet`: the node agent.\n- a `container runtime` is needed\n- `Affinity`, `NodeAffinity`: placement rules.\n\n## CrashLoopBackOff\n- restarts again and again\n";
        let note = parse_note("n.md", Origin::Builtin, md);
        let keys = subjects(&note);
        assert_eq!(keys, ["term:kubelet", "kind:Affinity", "kind:NodeAffinity"]);
        assert_eq!(note.sections.len(), 2);
        assert_eq!(note.sections[1].terms, ["CrashLoopBackOff"]);
        assert_eq!(note.sections[1].line_start, 6);
        assert_eq!(note.sections[0].line_end, 5);
    }

    #[test]
    fn values_directly_under_a_kind() {
        let md = "- `Service`: stable address.\n  - `ClusterIP`: default.\n  - `kubernetes.io/tls`: x\n";
        let note = parse_note("x.md", Origin::User, md);
        assert_eq!(
            subjects(&note),
            ["value:Service.*=ClusterIP", "value:Service.*=kubernetes.io/tls", "kind:Service"]
        );
    }

    #[test]
    fn front_matter_and_ids() {
        let md = "---\ntitle: Rollouts\nkinds: [Deployment]\ntags: [rollout]\naliases: [zero downtime]\n---\n# A\ntext\n# A\nmore\n";
        let note = parse_note("r.md", Origin::User, md);
        assert_eq!(note.title, "Rollouts");
        assert_eq!(note.tags, ["rollout"]);
        assert_eq!(note.aliases, ["zero downtime"]);
        assert_eq!(note.sections[0].id, "r.md#a");
        assert_eq!(note.sections[1].id, "r.md#a-2");
        assert_eq!(note.sections[0].kinds, ["Deployment"]);
        assert!(!note.sections[0].text.contains("title"));
    }

    #[test]
    fn note_body_drops_only_real_front_matter() {
        assert_eq!(note_body("---\ntags: [a, b]\n---\n\n# T\ntext\n"), "# T\ntext\n");
        assert_eq!(note_body("# T\n\n---\n\nafter a rule\n"), "# T\n\n---\n\nafter a rule\n");
        assert_eq!(note_body("no front matter"), "no front matter");
        assert_eq!(note_body(""), "");
    }

    #[test]
    fn bad_front_matter_is_a_warning() {
        let note = parse_note("r.md", Origin::User, "---\nkinds: {oops\n---\n# T\n");
        assert_eq!(note.warnings.len(), 1);
        assert_eq!(note.sections.len(), 1);
    }

    #[test]
    fn decode_rejects_binary_and_bad_utf8() {
        assert_eq!(decode_note(b"a\0b"), Err(NoteError::Binary));
        assert_eq!(decode_note(b"ab\xff"), Err(NoteError::NotUtf8 { offset: 2 }));
        assert_eq!(decode_note("\u{feff}# T".as_bytes()), Ok("# T"));
    }

    #[test]
    fn deep_nesting_and_empty_input() {
        let mut md = String::new();
        for depth in 0..3000 {
            md.push_str(&"  ".repeat(depth));
            md.push_str("- `x`\n");
        }
        let note = parse_note("deep.md", Origin::User, &md);
        assert!(!note.entries.is_empty());
        let empty = parse_note("e.md", Origin::User, "");
        assert!(empty.sections.is_empty());
        assert_eq!(empty.title, "e.md");
    }
}
