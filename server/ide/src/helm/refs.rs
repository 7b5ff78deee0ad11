//! What a template refers to: `.Values` paths (followed through `with`, `range` and
//! variables where the dot can be followed), Helm's built-in objects, named-template calls
//! (`include`, `template`) and `define`/`block` definitions, each with its byte range.
//!
//! The dot is followed this far: at the top of a file it is the root context; `with X` and
//! `range X` (with or without `$k, $v :=`) rebind it when `X` is a plain field chain, optionally
//! piped into `default`; `$x := CHAIN` binds a variable; `$` is the root. Anything computed
//! (`with include ...`, `range until 3`, `with (fromYaml ...)`) makes the dot unknown until
//! that block ends, and references through an unknown dot are not reported. Inside a
//! `define` the dot is whatever the caller passed: references written there are reported
//! with [`ValuesRef::in_define`] set, read as if the root context was passed (the common
//! `include "x" .`), and a caller may choose to trust them less.

use std::fmt;

use kref_yaml::TextRange;

use super::scan::{ActionKind, Scan, Token, TokenKind, string_content_range, string_value, token_text};

/// One step of a values path.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSegment {
    Key(String),
    /// Any element of a list or any value of a map (what `range` binds).
    Each,
}

/// A path into the chart's values: `image.tag`, `ingress.hosts[*].host`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct ValuesPath(pub Vec<PathSegment>);

impl ValuesPath {
    pub fn keys(keys: &[&str]) -> ValuesPath {
        ValuesPath(keys.iter().map(|k| PathSegment::Key(k.to_string())).collect())
    }

    /// Parses `a.b[*].c` (the form [`fmt::Display`] writes).
    pub fn parse(text: &str) -> ValuesPath {
        let mut out = Vec::new();
        for part in text.split('.').filter(|p| !p.is_empty()) {
            let mut key = part;
            let mut each = 0;
            while let Some(stripped) = key.strip_suffix("[*]") {
                key = stripped;
                each += 1;
            }
            if !key.is_empty() {
                out.push(PathSegment::Key(key.to_string()));
            }
            out.extend(std::iter::repeat_n(PathSegment::Each, each));
        }
        ValuesPath(out)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    fn push_key(&mut self, key: &str) {
        self.0.push(PathSegment::Key(key.to_string()));
    }
}

impl fmt::Display for ValuesPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for segment in &self.0 {
            match segment {
                PathSegment::Key(k) => {
                    if !first {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                PathSegment::Each => f.write_str("[*]")?,
            }
            first = false;
        }
        Ok(())
    }
}

/// How a reference reached `.Values`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefOrigin {
    /// `.Values...` where the dot is the root context.
    Root,
    /// `$.Values...`
    Dollar,
    /// `.x` where `with`/`range` made the dot a values path.
    Dot,
    /// `$v.x` through a variable bound to a values path.
    Variable,
}

/// What protects a reference from a missing value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guard {
    None,
    /// An argument of `default`/`coalesce`, or piped into `default`.
    Default,
    /// An argument of `required`, or piped into it.
    Required,
    /// Tested by `if`/`with`/`range` (an absent value just skips the block).
    Condition,
}

/// A reference to a chart value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesRef {
    /// The full path from the values root.
    pub path: ValuesPath,
    /// The chain as written (`.Values.image.tag`, `.tag` under `with`, `$v.host`).
    pub range: TextRange,
    /// For each segment written in this chain, its index in `path` and its range (for
    /// `index .Values "a"`, the string's content).
    pub segments: Vec<(usize, TextRange)>,
    pub origin: RefOrigin,
    pub guard: Guard,
    /// The `define` this reference sits in.
    pub in_define: Option<String>,
    /// The action it sits in (index into [`Scan::actions`]).
    pub action: usize,
}

impl ValuesRef {
    /// The path up to and including the segment under `offset` (the whole path when the
    /// offset is on `.Values` itself or outside the segments).
    pub fn path_at(&self, offset: usize) -> ValuesPath {
        match self.segments.iter().find(|(_, r)| r.touches(offset)) {
            Some(&(i, _)) => ValuesPath(self.path.0[..=i].to_vec()),
            None => self.path.clone(),
        }
    }
}

/// Helm's built-in objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BuiltinObject {
    Release,
    Chart,
    Capabilities,
    Files,
    Template,
    Subcharts,
    Values,
}

impl BuiltinObject {
    pub fn from_name(name: &str) -> Option<BuiltinObject> {
        Some(match name {
            "Release" => BuiltinObject::Release,
            "Chart" => BuiltinObject::Chart,
            "Capabilities" => BuiltinObject::Capabilities,
            "Files" => BuiltinObject::Files,
            "Template" => BuiltinObject::Template,
            "Subcharts" => BuiltinObject::Subcharts,
            "Values" => BuiltinObject::Values,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            BuiltinObject::Release => "Release",
            BuiltinObject::Chart => "Chart",
            BuiltinObject::Capabilities => "Capabilities",
            BuiltinObject::Files => "Files",
            BuiltinObject::Template => "Template",
            BuiltinObject::Subcharts => "Subcharts",
            BuiltinObject::Values => "Values",
        }
    }
}

/// A field of the root context other than `.Values`: `.Release.Name`, `.Chart.AppVersion`,
/// or an unknown `.Foo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltinRef {
    /// `None` for a name Helm does not provide.
    pub object: Option<BuiltinObject>,
    /// The written names, object first (`["Release", "Name"]`).
    pub fields: Vec<String>,
    /// One range per written name.
    pub segments: Vec<TextRange>,
    pub range: TextRange,
    pub in_define: Option<String>,
    pub action: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// `include "name" ctx` (a function: its output can be piped).
    Include,
    /// `template "name" ctx` (an action: prints in place).
    Template,
}

/// What a call passes as the named template's dot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallArg {
    /// The root context (`.` at the top of a template, `$`).
    Root,
    /// The calling `define`'s own dot, passed on (`include "x" .` inside a define).
    Passed,
    /// Anything else (a values path, `dict ...`, nothing).
    Other,
}

/// A call of a named template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateCall {
    pub kind: CallKind,
    /// What it passes as the dot.
    pub arg: CallArg,
    /// `None` when the name is computed (`include (printf "%s.labels" .Chart.Name) .`).
    pub name: Option<String>,
    /// The name's text without quotes.
    pub name_range: Option<TextRange>,
    /// From `include`/`template` to the end of the name.
    pub range: TextRange,
    pub in_define: Option<String>,
    pub action: usize,
}

/// A `define "name"` (or `block "name"`) with its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Define {
    pub name: String,
    /// The name's text without quotes.
    pub name_range: TextRange,
    /// From `{{ define` to the end of its `{{ end }}`.
    pub range: TextRange,
    /// Between the `define` action and its `end`.
    pub body: TextRange,
    /// True for `block`, which also prints its body in place.
    pub is_block: bool,
    /// Index into [`Scan::blocks`].
    pub block: usize,
}

/// What the dot (or a variable) holds at some point of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DotValue {
    /// The root context (`.Values`, `.Release`...).
    Root,
    /// A values path.
    Values(ValuesPath),
    /// Whatever the caller passed to the `define` it is in.
    DefineArgument,
    Unknown,
}

/// The dot and variables in force at an offset, for hover and completion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub dot: DotValue,
    /// Visible variables, innermost last (`$` is not listed: it is the root, or the define's
    /// argument inside a define).
    pub variables: Vec<(String, DotValue)>,
    pub in_define: Option<String>,
}

/// Everything [`collect`] finds.
#[derive(Debug, Clone, Default)]
pub struct References {
    pub values: Vec<ValuesRef>,
    pub builtins: Vec<BuiltinRef>,
    pub calls: Vec<TemplateCall>,
    pub defines: Vec<Define>,
}

/// Collects the references of a scanned template.
pub fn collect(text: &str, scan: &Scan) -> References {
    let mut walker = Walker::new(text, scan);
    walker.walk(usize::MAX);
    let mut refs = walker.refs;
    refs.defines = defines(text, scan);
    refs
}

/// The dot and variables in force at `offset`.
pub fn scope_at(text: &str, scan: &Scan, offset: usize) -> Scope {
    let mut walker = Walker::new(text, scan);
    walker.walk(offset);
    Scope {
        dot: walker.current_dot(),
        variables: walker.visible_vars().to_vec(),
        in_define: walker.frames.iter().rev().find_map(|f| f.define.clone()),
    }
}

fn defines(text: &str, scan: &Scan) -> Vec<Define> {
    let mut out = Vec::new();
    for (bi, block) in scan.blocks.iter().enumerate() {
        let action = &scan.actions[block.open()];
        if !matches!(action.kind, ActionKind::Define | ActionKind::Block) {
            continue;
        }
        let Some(name_token) = action.tokens.get(1) else { continue };
        let Some(name) = string_value(text, name_token) else { continue };
        out.push(Define {
            name,
            name_range: string_content_range(name_token, text),
            range: block.range,
            body: block.branches[0].body,
            is_block: action.kind == ActionKind::Block,
            block: bi,
        });
    }
    out
}

struct Frame {
    dot: DotValue,
    outer: DotValue,
    vars_len: usize,
    define: Option<String>,
}

struct Walker<'a> {
    text: &'a str,
    scan: &'a Scan,
    frames: Vec<Frame>,
    vars: Vec<(String, DotValue)>,
    refs: References,
}

/// One operand of a command.
#[derive(Debug)]
enum Operand {
    /// Token indexes `start..end` of a field chain (`.a.b`, `$x.a`, `$`).
    Chain(usize, usize),
    /// A parenthesised pipeline.
    Paren(Vec<Vec<Operand>>),
    /// Any other single token.
    Token(usize),
}

impl<'a> Walker<'a> {
    fn new(text: &'a str, scan: &'a Scan) -> Walker<'a> {
        Walker { text, scan, frames: Vec::new(), vars: Vec::new(), refs: References::default() }
    }

    fn current_dot(&self) -> DotValue {
        self.frames.last().map_or(DotValue::Root, |f| f.dot.clone())
    }

    fn dollar(&self) -> DotValue {
        if self.frames.iter().any(|f| f.define.is_some()) { DotValue::DefineArgument } else { DotValue::Root }
    }

    fn in_define(&self) -> Option<String> {
        self.frames.iter().rev().find_map(|f| f.define.clone())
    }

    fn word(&self, t: &Token) -> &'a str {
        token_text(self.text, t)
    }

    /// Walks the actions that start before `stop`.
    fn walk(&mut self, stop: usize) {
        for (ai, action) in self.scan.actions.iter().enumerate() {
            if action.range.start >= stop {
                break;
            }
            let tokens = &action.tokens;
            let header_start = match action.kind {
                ActionKind::ElseIf | ActionKind::ElseWith => 2,
                ActionKind::If | ActionKind::With | ActionKind::Range => 1,
                ActionKind::Define | ActionKind::Block | ActionKind::Template => 2,
                ActionKind::Comment | ActionKind::Empty | ActionKind::End | ActionKind::Else => tokens.len(),
                ActionKind::Break | ActionKind::Continue => tokens.len(),
                ActionKind::Assign | ActionKind::Output => 0,
            };
            let header = &tokens[header_start.min(tokens.len())..];
            // Declared variables (`$k, $v :=`) are not references.
            let (declared, pipeline) = split_declaration(header);
            let condition = matches!(
                action.kind,
                ActionKind::If
                    | ActionKind::ElseIf
                    | ActionKind::With
                    | ActionKind::ElseWith
                    | ActionKind::Range
            );
            let parsed = self.parse_pipeline(pipeline, &mut 0);
            self.record(ai, pipeline, &parsed, if condition { Guard::Condition } else { Guard::None });
            let value = self.pipeline_value(pipeline, &parsed);
            if matches!(action.kind, ActionKind::Template) {
                let arg = if pipeline.is_empty() { CallArg::Other } else { call_arg(&value) };
                self.record_call(ai, CallKind::Template, tokens.get(1), tokens.first(), arg);
            }
            match action.kind {
                ActionKind::If => self.push(self.current_dot(), None),
                ActionKind::With => self.push(value, None),
                ActionKind::Range => {
                    let element = each(value);
                    if let Some(last) = declared.last() {
                        let names: Vec<&Token> = declared.iter().collect();
                        self.push(element.clone(), None);
                        if names.len() >= 2 {
                            self.vars.push((self.word(names[0]).to_string(), DotValue::Unknown));
                        }
                        self.vars.push((self.word(last).to_string(), element));
                    } else {
                        self.push(element, None);
                    }
                    continue;
                }
                ActionKind::Define => {
                    let name = tokens.get(1).and_then(|t| string_value(self.text, t)).unwrap_or_default();
                    self.push(DotValue::DefineArgument, Some(name));
                }
                ActionKind::Block => {
                    let name = tokens.get(1).and_then(|t| string_value(self.text, t)).unwrap_or_default();
                    self.push(value, Some(name));
                }
                ActionKind::Else | ActionKind::ElseIf => {
                    if let Some(frame) = self.frames.last_mut() {
                        frame.dot = frame.outer.clone();
                        let len = frame.vars_len;
                        self.vars.truncate(len);
                    }
                }
                ActionKind::ElseWith => {
                    if let Some(frame) = self.frames.last_mut() {
                        frame.dot = value;
                        let len = frame.vars_len;
                        self.vars.truncate(len);
                    }
                }
                ActionKind::End => {
                    if let Some(frame) = self.frames.pop() {
                        self.vars.truncate(frame.vars_len);
                    }
                }
                ActionKind::Assign => {
                    let declare = header.iter().any(|t| t.kind == TokenKind::Declare);
                    if let Some(last) = declared.last() {
                        let name = self.word(last).to_string();
                        if declare {
                            for t in &declared[..declared.len() - 1] {
                                self.vars.push((self.word(t).to_string(), DotValue::Unknown));
                            }
                            self.vars.push((name, value));
                        } else if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| *n == name) {
                            slot.1 = value;
                        }
                    }
                }
                _ => {}
            }
            // `if $x := ...` / `with $x := ...` declare into the new block.
            if matches!(action.kind, ActionKind::If | ActionKind::With)
                && let Some(last) = declared.last()
            {
                let value = self.pipeline_value(pipeline, &parsed);
                self.vars.push((self.word(last).to_string(), value));
            }
        }
    }

    fn push(&mut self, dot: DotValue, define: Option<String>) {
        let outer = self.current_dot();
        let vars_len = self.vars.len();
        self.frames.push(Frame { dot, outer, vars_len, define });
    }

    /// The first variable visible here: a define is a template of its own, so variables
    /// declared outside it are not.
    fn visible_vars(&self) -> &[(String, DotValue)] {
        let floor = self.frames.iter().rev().find(|f| f.define.is_some()).map_or(0, |f| f.vars_len);
        &self.vars[floor.min(self.vars.len())..]
    }

    /// Parses tokens into commands separated by `|`, with parenthesised pipelines nested.
    fn parse_pipeline(&self, tokens: &[Token], pos: &mut usize) -> Vec<Vec<Operand>> {
        let mut pipeline = vec![Vec::new()];
        while *pos < tokens.len() {
            let t = tokens[*pos];
            match t.kind {
                TokenKind::Pipe => {
                    pipeline.push(Vec::new());
                    *pos += 1;
                }
                TokenKind::LeftParen => {
                    *pos += 1;
                    let inner = self.parse_pipeline(tokens, pos);
                    push_operand(&mut pipeline, Operand::Paren(inner));
                }
                TokenKind::RightParen => {
                    *pos += 1;
                    return pipeline;
                }
                TokenKind::Field | TokenKind::Variable => {
                    let start = *pos;
                    let mut end = start + 1;
                    while end < tokens.len()
                        && tokens[end].kind == TokenKind::Field
                        && tokens[end].range.start == tokens[end - 1].range.end
                    {
                        end += 1;
                    }
                    push_operand(&mut pipeline, Operand::Chain(start, end));
                    *pos = end;
                }
                _ => {
                    push_operand(&mut pipeline, Operand::Token(*pos));
                    *pos += 1;
                }
            }
        }
        pipeline
    }

    /// What a pipeline evaluates to, as far as the dot can be followed: a lone chain,
    /// optionally piped into `default`.
    fn pipeline_value(&self, tokens: &[Token], pipeline: &[Vec<Operand>]) -> DotValue {
        let Some(first) = pipeline.first() else { return DotValue::Unknown };
        let rest_are_defaults = pipeline[1..].iter().all(|command| {
            matches!(command.first(), Some(Operand::Token(t)) if tokens[*t].kind == TokenKind::Ident && self.word(&tokens[*t]) == "default")
        });
        if !rest_are_defaults {
            return DotValue::Unknown;
        }
        match first.as_slice() {
            [Operand::Chain(s, e)] => self.resolve(&tokens[*s..*e]).map_or(DotValue::Unknown, |r| r.value),
            [Operand::Token(t)] if tokens[*t].kind == TokenKind::Dot => self.current_dot(),
            [Operand::Paren(inner)] => self.pipeline_value(tokens, inner),
            _ => DotValue::Unknown,
        }
    }

    /// Resolves a chain against the current scope.
    fn resolve(&self, chain: &[Token]) -> Option<Resolved> {
        let first = chain.first()?;
        let (base, origin, fields) = match first.kind {
            TokenKind::Variable => {
                let name = self.word(first);
                let (base, origin) = if name == "$" {
                    (self.dollar(), RefOrigin::Dollar)
                } else {
                    let bound =
                        self.visible_vars().iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone());
                    (bound.unwrap_or(DotValue::Unknown), RefOrigin::Variable)
                };
                (base, origin, &chain[1..])
            }
            _ => (self.current_dot(), RefOrigin::Dot, chain),
        };
        let names: Vec<(&str, TextRange)> = fields
            .iter()
            .map(|t| (self.word(t).trim_start_matches('.'), TextRange::new(t.range.start + 1, t.range.end)))
            .collect();
        let range = TextRange::new(first.range.start, chain.last()?.range.end);
        match base {
            DotValue::Root | DotValue::DefineArgument => {
                let origin = if origin == RefOrigin::Dot { RefOrigin::Root } else { origin };
                let Some(&(object, _)) = names.first() else {
                    return Some(Resolved { value: base, origin, range, kind: ResolvedKind::Context });
                };
                if object == "Values" {
                    let mut path = ValuesPath::default();
                    let mut segments = Vec::new();
                    for &(name, r) in &names[1..] {
                        segments.push((path.len(), r));
                        path.push_key(name);
                    }
                    return Some(Resolved {
                        value: DotValue::Values(path.clone()),
                        origin,
                        range,
                        kind: ResolvedKind::Values { path, segments },
                    });
                }
                Some(Resolved {
                    value: DotValue::Unknown,
                    origin,
                    range,
                    kind: ResolvedKind::Builtin {
                        object: BuiltinObject::from_name(object),
                        fields: names.iter().map(|(n, _)| n.to_string()).collect(),
                        segments: names.iter().map(|&(_, r)| r).collect(),
                    },
                })
            }
            DotValue::Values(mut path) => {
                let mut segments = Vec::new();
                for &(name, r) in &names {
                    segments.push((path.len(), r));
                    path.push_key(name);
                }
                Some(Resolved {
                    value: DotValue::Values(path.clone()),
                    origin,
                    range,
                    kind: ResolvedKind::Values { path, segments },
                })
            }
            DotValue::Unknown => None,
        }
    }

    /// Records the references of a parsed pipeline.
    fn record(&mut self, action: usize, tokens: &[Token], pipeline: &[Vec<Operand>], guard: Guard) {
        for (ci, command) in pipeline.iter().enumerate() {
            let function = match command.first() {
                Some(Operand::Token(t)) if tokens[*t].kind == TokenKind::Ident => {
                    Some(self.word(&tokens[*t]))
                }
                _ => None,
            };
            let next_function = pipeline.get(ci + 1).and_then(|c| match c.first() {
                Some(Operand::Token(t)) if tokens[*t].kind == TokenKind::Ident => {
                    Some(self.word(&tokens[*t]))
                }
                _ => None,
            });
            if function == Some("include") {
                let name = command.get(1).and_then(|o| match o {
                    Operand::Token(t) => Some(&tokens[*t]),
                    _ => None,
                });
                let keyword = match command.first() {
                    Some(Operand::Token(t)) => Some(&tokens[*t]),
                    _ => None,
                };
                let arg = match command.get(2) {
                    Some(operand) if command.len() == 3 => call_arg(&self.operand_value(tokens, operand)),
                    _ => CallArg::Other,
                };
                self.record_call(action, CallKind::Include, name, keyword, arg);
            }
            for (oi, operand) in command.iter().enumerate() {
                let own_guard = match function {
                    Some("default" | "coalesce") if oi >= 1 => Guard::Default,
                    Some("required") if oi >= 1 => Guard::Required,
                    _ if command.len() == 1 && next_function == Some("default") => Guard::Default,
                    _ if command.len() == 1 && next_function == Some("required") => Guard::Required,
                    _ => guard,
                };
                match operand {
                    Operand::Chain(s, e) => {
                        let extra: Vec<&Token> = if function == Some("index") && oi == 1 {
                            command[2..]
                                .iter()
                                .map_while(|o| match o {
                                    Operand::Token(t)
                                        if matches!(
                                            tokens[*t].kind,
                                            TokenKind::String | TokenKind::RawString
                                        ) =>
                                    {
                                        Some(&tokens[*t])
                                    }
                                    _ => None,
                                })
                                .collect()
                        } else {
                            Vec::new()
                        };
                        self.record_chain(action, &tokens[*s..*e], &extra, own_guard);
                    }
                    Operand::Paren(inner) => self.record(action, tokens, inner, own_guard),
                    Operand::Token(_) => {}
                }
            }
        }
    }

    fn record_chain(&mut self, action: usize, chain: &[Token], index_keys: &[&Token], guard: Guard) {
        let Some(resolved) = self.resolve(chain) else { return };
        let in_define = self.in_define();
        match resolved.kind {
            ResolvedKind::Values { mut path, mut segments } => {
                let mut range = resolved.range;
                for key in index_keys {
                    let Some(value) = string_value(self.text, key) else { break };
                    segments.push((path.len(), string_content_range(key, self.text)));
                    path.push_key(&value);
                    range = range.cover(key.range);
                }
                self.refs.values.push(ValuesRef {
                    path,
                    range,
                    segments,
                    origin: resolved.origin,
                    guard,
                    in_define,
                    action,
                });
            }
            ResolvedKind::Builtin { object, fields, segments } => {
                self.refs.builtins.push(BuiltinRef {
                    object,
                    fields,
                    segments,
                    range: resolved.range,
                    in_define,
                    action,
                });
            }
            ResolvedKind::Context => {}
        }
    }

    /// What one operand evaluates to, as far as the dot can be followed.
    fn operand_value(&self, tokens: &[Token], operand: &Operand) -> DotValue {
        match operand {
            Operand::Token(t) if tokens[*t].kind == TokenKind::Dot => self.current_dot(),
            Operand::Token(_) => DotValue::Unknown,
            Operand::Chain(s, e) => self.resolve(&tokens[*s..*e]).map_or(DotValue::Unknown, |r| r.value),
            Operand::Paren(inner) => self.pipeline_value(tokens, inner),
        }
    }

    fn record_call(
        &mut self,
        action: usize,
        kind: CallKind,
        name: Option<&Token>,
        keyword: Option<&Token>,
        arg: CallArg,
    ) {
        let Some(keyword) = keyword else { return };
        let literal = name.filter(|t| matches!(t.kind, TokenKind::String | TokenKind::RawString));
        let (name, name_range, end) = match literal {
            Some(t) => (string_value(self.text, t), Some(string_content_range(t, self.text)), t.range.end),
            None => (None, None, keyword.range.end),
        };
        self.refs.calls.push(TemplateCall {
            kind,
            arg,
            name,
            name_range,
            range: TextRange::new(keyword.range.start, end),
            in_define: self.in_define(),
            action,
        });
    }
}

struct Resolved {
    value: DotValue,
    origin: RefOrigin,
    range: TextRange,
    kind: ResolvedKind,
}

enum ResolvedKind {
    Values {
        path: ValuesPath,
        segments: Vec<(usize, TextRange)>,
    },
    Builtin {
        object: Option<BuiltinObject>,
        fields: Vec<String>,
        segments: Vec<TextRange>,
    },
    /// The bare root context (`$`).
    Context,
}

fn push_operand(pipeline: &mut [Vec<Operand>], operand: Operand) {
    if let Some(command) = pipeline.last_mut() {
        command.push(operand);
    }
}

/// `$a, $b := rest` → (`[$a, $b]`, `rest`); no declaration → (`[]`, all).
fn split_declaration(tokens: &[Token]) -> (Vec<Token>, &[Token]) {
    let mut i = 0;
    let mut vars = Vec::new();
    while i < tokens.len() && tokens[i].kind == TokenKind::Variable {
        vars.push(tokens[i]);
        match tokens.get(i + 1).map(|t| t.kind) {
            Some(TokenKind::Declare | TokenKind::Assign) => return (vars, &tokens[i + 2..]),
            Some(TokenKind::Comma) => i += 2,
            _ => break,
        }
    }
    (Vec::new(), tokens)
}

fn call_arg(value: &DotValue) -> CallArg {
    match value {
        DotValue::Root => CallArg::Root,
        DotValue::DefineArgument => CallArg::Passed,
        _ => CallArg::Other,
    }
}

/// What `range` binds for each element of `value`.
fn each(value: DotValue) -> DotValue {
    match value {
        DotValue::Values(mut path) => {
            path.0.push(PathSegment::Each);
            DotValue::Values(path)
        }
        _ => DotValue::Unknown,
    }
}
