//! A tolerant scanner for Go templates as Helm writes them: actions, their tokens and the
//! control structure (`if`/`with`/`range`/`define`/`block` ... `end`), with byte positions.
//!
//! [`scan`] never fails and runs in time linear in the text: an action with no `}}` stops
//! before the next `{{` (or at the end of the text), an unterminated string stops at the end
//! of its line or at the `}}` it swallowed, an `end` with nothing open is kept as a problem,
//! and blocks still open at the end of the text are closed there. Every oddity is listed in
//! [`Scan::problems`] so a caller can show it, but nothing here decides what is an error.

use kref_yaml::TextRange;

/// Everything [`scan`] found in a template.
#[derive(Debug, Clone, Default)]
pub struct Scan {
    /// Every `{{ ... }}` in text order.
    pub actions: Vec<Action>,
    /// Control structures in order of their opening action; nested blocks come after their
    /// parent.
    pub blocks: Vec<Block>,
    /// Malformed template syntax, in text order.
    pub problems: Vec<ScanProblem>,
}

/// One `{{ ... }}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    /// From `{{` to after `}}`; for an unclosed action, to where it stops.
    pub range: TextRange,
    /// Between the delimiters and their trim markers.
    pub inner: TextRange,
    /// `{{- `: the whitespace before the action is removed from the output.
    pub trim_left: bool,
    /// ` -}}`: the whitespace after the action is removed from the output.
    pub trim_right: bool,
    /// False when no `}}` ends the action.
    pub closed: bool,
    pub kind: ActionKind,
    /// The tokens of the action's body; empty for comments.
    pub tokens: Vec<Token>,
}

/// What an action does, from its first words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActionKind {
    /// `{{/* ... */}}`: produces nothing.
    Comment,
    /// `{{ }}` with nothing inside.
    Empty,
    If,
    /// `{{ else if ... }}`
    ElseIf,
    /// `{{ else with ... }}`
    ElseWith,
    Else,
    With,
    Range,
    End,
    Define,
    /// `{{ block "name" . }}`: defines a template and runs it in place.
    Block,
    /// `{{ template "name" . }}`: runs a named template; its output lands here.
    Template,
    Break,
    Continue,
    /// `{{ $x := ... }}` or `{{ $x = ... }}`: sets a variable, produces nothing.
    Assign,
    /// Any other pipeline: its value is printed here.
    Output,
}

impl ActionKind {
    /// Actions that print nothing where they stand (control keywords, comments, variable
    /// assignments). `template` and output pipelines print; `block` prints its body.
    pub fn is_silent(self) -> bool {
        !matches!(self, ActionKind::Output | ActionKind::Template)
    }

    /// Actions that open a block closed by `end`.
    pub fn opens_block(self) -> bool {
        matches!(
            self,
            ActionKind::If | ActionKind::With | ActionKind::Range | ActionKind::Define | ActionKind::Block
        )
    }
}

/// A lexical token inside an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub range: TextRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `.Name` (one segment of a field chain: `.Values.image.tag` is three of them).
    Field,
    /// `.` on its own: the current data.
    Dot,
    /// `$` or `$name`.
    Variable,
    /// A function name (`include`, `toYaml`, `default`).
    Ident,
    /// `if`, `else`, `end`, `range`, `with`, `define`, `template`, `block`, `break`,
    /// `continue`.
    Keyword,
    /// `"text"`; the token covers the quotes.
    String,
    /// `` `text` ``; the token covers the backticks.
    RawString,
    /// `'c'`
    Char,
    Number,
    /// `true` or `false`.
    Bool,
    Nil,
    Pipe,
    LeftParen,
    RightParen,
    /// `:=`
    Declare,
    /// `=`
    Assign,
    Comma,
    /// A character the template language has no use for.
    Unknown,
}

/// A control structure: `if`/`with`/`range` with their `else` branches, `define` or `block`,
/// up to its `end`.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    /// The branches in order: the opening action's body first, then each `else`.
    pub branches: Vec<Branch>,
    /// The index of the `end` action; `None` when the block is never closed.
    pub end: Option<usize>,
    /// From the opening `{{` to the end of the `end` action (or of the text).
    pub range: TextRange,
    /// The block this one is nested in.
    pub parent: Option<usize>,
}

impl Block {
    /// The index of the opening action.
    pub fn open(&self) -> usize {
        self.branches[0].action
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    If,
    With,
    Range,
    Define,
    Block,
}

/// One branch of a block: its opening action (`if`, `else if`, `else`...) and the text it
/// guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Branch {
    pub action: usize,
    /// From the end of the branch's action to the start of the next branch's or of `end`.
    pub body: TextRange,
}

/// Malformed template syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanProblem {
    pub kind: ProblemKind,
    pub range: TextRange,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    UnclosedAction,
    UnclosedComment,
    UnterminatedString,
    UnbalancedParen,
    /// An `end` with no open block.
    UnmatchedEnd,
    /// An `else` outside `if`/`with`/`range`.
    MisplacedElse,
    /// A block with no `end`.
    UnclosedBlock,
}

impl Scan {
    /// The index of the action whose range contains `offset` (touching counts at the end).
    pub fn action_at(&self, offset: usize) -> Option<usize> {
        let i = self.actions.partition_point(|a| a.range.start <= offset);
        let i = i.checked_sub(1)?;
        self.actions[i].range.touches(offset).then_some(i)
    }

    /// The token of action `action` under `offset`.
    pub fn token_at(&self, action: usize, offset: usize) -> Option<&Token> {
        self.actions.get(action)?.tokens.iter().find(|t| t.range.touches(offset))
    }

    /// The blocks whose range contains `offset`, outermost first.
    pub fn blocks_at(&self, offset: usize) -> Vec<usize> {
        // Blocks are properly nested and ordered by start, so the enclosing ones form a chain.
        let mut out = Vec::new();
        let mut i = self.blocks.partition_point(|b| b.range.start <= offset);
        while let Some(j) = i.checked_sub(1) {
            let block = &self.blocks[j];
            if block.range.start <= offset && offset < block.range.end.max(block.range.start + 1) {
                out.push(j);
                i = match block.parent {
                    Some(p) => p + 1,
                    None => break,
                };
            } else {
                i = j;
            }
        }
        out.reverse();
        out
    }

    /// For each block enclosing `offset`, the branch whose body holds it: `(block, branch)`,
    /// outermost first. Offsets on a block's own actions are not in any branch of it.
    pub fn branch_path(&self, offset: usize) -> Vec<(usize, usize)> {
        self.blocks_at(offset)
            .into_iter()
            .filter_map(|b| {
                let branches = &self.blocks[b].branches;
                branches.iter().position(|br| br.body.start <= offset && offset < br.body.end).map(|i| (b, i))
            })
            .collect()
    }
}

/// Scans `text` for template actions and control structure.
pub fn scan(text: &str) -> Scan {
    let mut scanner = Scanner { text, bytes: text.as_bytes(), out: Scan::default(), no_backtick_after: None };
    scanner.run();
    let mut out = scanner.out;
    out.blocks = build_blocks(text, &out.actions, &mut out.problems);
    out.problems.sort_by_key(|p| p.range.start);
    out
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    out: Scan,
    /// Set once a search found no backtick after this offset (so later searches stop early).
    no_backtick_after: Option<usize>,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

impl Scanner<'_> {
    fn find(&self, from: usize, needle: &str) -> Option<usize> {
        self.text.get(from..)?.find(needle).map(|i| i + from)
    }

    fn run(&mut self) {
        let mut pos = 0;
        while let Some(start) = self.find(pos, "{{") {
            pos = self.action(start);
        }
    }

    fn problem(&mut self, kind: ProblemKind, range: TextRange, message: &str) {
        self.out.problems.push(ScanProblem { kind, range, message: message.to_string() });
    }

    /// Scans the action opening at `start`; returns where scanning continues.
    fn action(&mut self, start: usize) -> usize {
        let b = self.bytes;
        let mut pos = start + 2;
        let trim_left = b.get(pos) == Some(&b'-') && b.get(pos + 1).is_some_and(|&c| is_space(c));
        if trim_left {
            pos += 2;
        }
        // A comment opens right after the delimiter and its trim marker (`{{- /*`).
        let mut cpos = pos;
        while trim_left && cpos < b.len() && is_space(b[cpos]) {
            cpos += 1;
        }
        if b.get(cpos) == Some(&b'/') && b.get(cpos + 1) == Some(&b'*') {
            return self.comment(start, pos, cpos, trim_left);
        }
        let inner_start = pos;
        let mut tokens: Vec<Token> = Vec::new();
        let mut paren_open = Vec::new();
        // An action with no `}}` most likely lost it on its own line: it then stops at the end
        // of that line, and the lines after it are text again.
        let mut first_newline: Option<usize> = None;
        loop {
            let unclosed_at = |stop: usize, tokens: &mut Vec<Token>, first_newline: Option<usize>| {
                let end = trim_end(b, inner_start, first_newline.map_or(stop, |n| n.min(stop)));
                tokens.retain(|t| t.range.end <= end);
                end
            };
            if pos >= b.len() {
                let end = unclosed_at(b.len(), &mut tokens, first_newline);
                paren_open.retain(|&p| p < end);
                return self.finish(
                    start,
                    inner_start,
                    end,
                    end,
                    trim_left,
                    false,
                    false,
                    tokens,
                    paren_open,
                );
            }
            let c = b[pos];
            if c == b'}' && b.get(pos + 1) == Some(&b'}') {
                return self.finish(
                    start,
                    inner_start,
                    pos,
                    pos + 2,
                    trim_left,
                    false,
                    true,
                    tokens,
                    paren_open,
                );
            }
            if c == b'{' && b.get(pos + 1) == Some(&b'{') {
                // A new action before this one closed: this one stops here.
                let end = unclosed_at(pos, &mut tokens, first_newline);
                paren_open.retain(|&p| p < end);
                return self.finish(
                    start,
                    inner_start,
                    end,
                    end,
                    trim_left,
                    false,
                    false,
                    tokens,
                    paren_open,
                );
            }
            if c == b'\n' && first_newline.is_none() {
                first_newline = Some(pos);
            }
            if is_space(c) {
                if b.get(pos + 1) == Some(&b'-')
                    && b.get(pos + 2) == Some(&b'}')
                    && b.get(pos + 3) == Some(&b'}')
                {
                    return self.finish(
                        start,
                        inner_start,
                        pos,
                        pos + 4,
                        trim_left,
                        true,
                        true,
                        tokens,
                        paren_open,
                    );
                }
                pos += 1;
                continue;
            }
            let (kind, end) = match c {
                b'|' => (TokenKind::Pipe, pos + 1),
                b'(' => {
                    paren_open.push(pos);
                    (TokenKind::LeftParen, pos + 1)
                }
                b')' => {
                    if paren_open.pop().is_none() {
                        self.problem(
                            ProblemKind::UnbalancedParen,
                            TextRange::new(pos, pos + 1),
                            "unexpected `)` with no `(` before it",
                        );
                    }
                    (TokenKind::RightParen, pos + 1)
                }
                b',' => (TokenKind::Comma, pos + 1),
                b':' if b.get(pos + 1) == Some(&b'=') => (TokenKind::Declare, pos + 2),
                b'=' => (TokenKind::Assign, pos + 1),
                b'"' => (TokenKind::String, self.quoted(pos, b'"')),
                b'\'' => (TokenKind::Char, self.quoted(pos, b'\'')),
                b'`' => (TokenKind::RawString, self.raw_string(pos)),
                b'$' => (TokenKind::Variable, ident_end(b, pos + 1)),
                b'.' if b.get(pos + 1).is_some_and(|c| c.is_ascii_digit()) => {
                    (TokenKind::Number, number_end(b, pos))
                }
                b'.' if b.get(pos + 1).is_some_and(|&c| is_ident_byte(c)) => {
                    (TokenKind::Field, ident_end(b, pos + 1))
                }
                b'.' => (TokenKind::Dot, pos + 1),
                b'-' | b'+' if b.get(pos + 1).is_some_and(|c| c.is_ascii_digit() || *c == b'.') => {
                    (TokenKind::Number, number_end(b, pos + 1))
                }
                c if c.is_ascii_digit() => (TokenKind::Number, number_end(b, pos)),
                c if is_ident_byte(c) => {
                    let end = ident_end(b, pos);
                    let kind = match &self.text[pos..end] {
                        "if" | "else" | "end" | "range" | "with" | "define" | "template" | "block"
                        | "break" | "continue" => TokenKind::Keyword,
                        "true" | "false" => TokenKind::Bool,
                        "nil" => TokenKind::Nil,
                        _ => TokenKind::Ident,
                    };
                    (kind, end)
                }
                _ => (TokenKind::Unknown, pos + utf8_len(c)),
            };
            let end = end.min(b.len()).max(pos + 1);
            let end = ceil_char(self.text, end);
            tokens.push(Token { kind, range: TextRange::new(pos, end) });
            pos = end;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &mut self,
        start: usize,
        inner_start: usize,
        inner_end: usize,
        end: usize,
        trim_left: bool,
        trim_right: bool,
        closed: bool,
        tokens: Vec<Token>,
        paren_open: Vec<usize>,
    ) -> usize {
        let range = TextRange::new(start, end.max(start + 2));
        if !closed {
            self.problem(
                ProblemKind::UnclosedAction,
                TextRange::new(start, start + 2),
                "this `{{` is never closed by `}}`",
            );
        }
        for open in paren_open {
            self.problem(
                ProblemKind::UnbalancedParen,
                TextRange::new(open, open + 1),
                "this `(` is never closed",
            );
        }
        let kind = classify(self.text, &tokens);
        self.out.actions.push(Action {
            range,
            inner: TextRange::new(inner_start.min(inner_end), inner_end),
            trim_left,
            trim_right,
            closed,
            kind,
            tokens,
        });
        range.end
    }

    /// A `{{/* ... */}}` comment; `pos` is after the opening trim marker, `cpos` at `/*`.
    fn comment(&mut self, start: usize, pos: usize, cpos: usize, trim_left: bool) -> usize {
        let b = self.bytes;
        let mut search = cpos + 2;
        while let Some(close) = self.find(search, "*/") {
            let mut after = close + 2;
            let mut trim_right = false;
            if b.get(after).is_some_and(|&c| is_space(c)) && b.get(after + 1) == Some(&b'-') {
                after += 2;
                trim_right = true;
            }
            if b.get(after) == Some(&b'}') && b.get(after + 1) == Some(&b'}') {
                self.out.actions.push(Action {
                    range: TextRange::new(start, after + 2),
                    inner: TextRange::new(pos, close + 2),
                    trim_left,
                    trim_right,
                    closed: true,
                    kind: ActionKind::Comment,
                    tokens: Vec::new(),
                });
                return after + 2;
            }
            search = close + 2;
        }
        // No `*/}}`: the comment stops at the first `}}` (or `{{`, or the end of the text).
        let stop = match (self.find(cpos + 2, "}}"), self.find(cpos + 2, "{{")) {
            (Some(c), Some(o)) if o < c => (o, o),
            (Some(c), _) => (c, c + 2),
            (None, Some(o)) => (o, o),
            (None, None) => (b.len(), b.len()),
        };
        self.problem(
            ProblemKind::UnclosedComment,
            TextRange::new(start, cpos + 2),
            "this comment is never closed by `*/}}`",
        );
        self.out.actions.push(Action {
            range: TextRange::new(start, stop.1),
            inner: TextRange::new(pos, stop.0),
            trim_left,
            trim_right: false,
            closed: stop.1 > stop.0,
            kind: ActionKind::Comment,
            tokens: Vec::new(),
        });
        stop.1
    }

    /// A `"string"` or `'c'` starting at `pos`; returns its end. An unterminated one stops
    /// at the end of the line, or before a `}}` it would otherwise swallow.
    fn quoted(&mut self, pos: usize, quote: u8) -> usize {
        let b = self.bytes;
        let mut i = pos + 1;
        let mut first_close = None;
        while i < b.len() {
            match b[i] {
                c if c == quote => return i + 1,
                b'\\' => i += 2,
                b'\n' => break,
                b'}' if b.get(i + 1) == Some(&b'}') => {
                    first_close.get_or_insert(i);
                    i += 1;
                }
                _ => i += 1,
            }
        }
        let end = first_close.unwrap_or(i.min(b.len()));
        self.problem(
            ProblemKind::UnterminatedString,
            TextRange::new(pos, pos + 1),
            "this string is never closed",
        );
        end
    }

    /// A `` `raw string` `` starting at `pos` (it may span lines); with no closing backtick it
    /// stops before the next `}}`.
    fn raw_string(&mut self, pos: usize) -> usize {
        let searchable = self.no_backtick_after.is_none_or(|p| pos < p);
        if searchable && let Some(close) = self.find(pos + 1, "`") {
            return close + 1;
        }
        self.no_backtick_after = Some(self.no_backtick_after.map_or(pos, |p| p.min(pos)));
        self.problem(
            ProblemKind::UnterminatedString,
            TextRange::new(pos, pos + 1),
            "this raw string is never closed",
        );
        let stop = [self.find(pos + 1, "}}"), self.find(pos + 1, "{{")].into_iter().flatten().min();
        stop.unwrap_or(self.bytes.len())
    }
}

fn utf8_len(first: u8) -> usize {
    match first {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

fn ident_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && is_ident_byte(b[i]) {
        i += 1;
    }
    i
}

fn number_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() {
        let c = b[i];
        let exponent_sign = (c == b'+' || c == b'-')
            && i > 0
            && matches!(b[i - 1], b'e' | b'E' | b'p' | b'P')
            && !is_hex_prefix(b, i);
        if c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || exponent_sign {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// In `0x1e+2`, the `e` is a hex digit, not an exponent; treat the sign as the end then.
fn is_hex_prefix(b: &[u8], sign: usize) -> bool {
    let mut j = sign;
    while j > 0 && (b[j - 1].is_ascii_alphanumeric() || b[j - 1] == b'_' || b[j - 1] == b'.') {
        j -= 1;
    }
    b.get(j) == Some(&b'0') && matches!(b.get(j + 1), Some(b'x' | b'X'))
}

/// Moves `end` back over whitespace (not before `start`).
fn trim_end(b: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && is_space(b[end - 1]) {
        end -= 1;
    }
    end
}

/// What an action does, from its first tokens.
fn classify(text: &str, tokens: &[Token]) -> ActionKind {
    let word = |i: usize| tokens.get(i).map(|t| &text[t.range.start..t.range.end]);
    let Some(first) = tokens.first() else { return ActionKind::Empty };
    if first.kind == TokenKind::Keyword {
        return match word(0).unwrap_or("") {
            "if" => ActionKind::If,
            "with" => ActionKind::With,
            "range" => ActionKind::Range,
            "end" => ActionKind::End,
            "define" => ActionKind::Define,
            "block" => ActionKind::Block,
            "template" => ActionKind::Template,
            "break" => ActionKind::Break,
            "continue" => ActionKind::Continue,
            _ => match word(1) {
                Some("if") => ActionKind::ElseIf,
                Some("with") => ActionKind::ElseWith,
                _ => ActionKind::Else,
            },
        };
    }
    // `$x := ...`, `$a, $b := ...` or `$x = ...` print nothing.
    let mut i = 0;
    while tokens.get(i).is_some_and(|t| t.kind == TokenKind::Variable) {
        match tokens.get(i + 1).map(|t| t.kind) {
            Some(TokenKind::Declare | TokenKind::Assign) => return ActionKind::Assign,
            Some(TokenKind::Comma) => i += 2,
            _ => break,
        }
    }
    ActionKind::Output
}

/// Pairs block openers, `else` branches and `end`s into [`Block`]s.
fn build_blocks(text: &str, actions: &[Action], problems: &mut Vec<ScanProblem>) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        let kind = match action.kind {
            ActionKind::If => Some(BlockKind::If),
            ActionKind::With => Some(BlockKind::With),
            ActionKind::Range => Some(BlockKind::Range),
            ActionKind::Define => Some(BlockKind::Define),
            ActionKind::Block => Some(BlockKind::Block),
            _ => None,
        };
        if let Some(kind) = kind {
            blocks.push(Block {
                kind,
                branches: vec![Branch { action: i, body: TextRange::empty(action.range.end) }],
                end: None,
                range: TextRange::new(action.range.start, text.len()),
                parent: open.last().copied(),
            });
            open.push(blocks.len() - 1);
            continue;
        }
        match action.kind {
            ActionKind::Else | ActionKind::ElseIf | ActionKind::ElseWith => {
                let target = open.last().copied().filter(|&b| {
                    matches!(blocks[b].kind, BlockKind::If | BlockKind::With | BlockKind::Range)
                });
                match target {
                    Some(b) => blocks[b]
                        .branches
                        .push(Branch { action: i, body: TextRange::empty(action.range.end) }),
                    None => problems.push(ScanProblem {
                        kind: ProblemKind::MisplacedElse,
                        range: action.range,
                        message: "`else` outside `if`, `with` or `range`".to_string(),
                    }),
                }
            }
            ActionKind::End => match open.pop() {
                Some(b) => {
                    blocks[b].end = Some(i);
                    blocks[b].range.end = action.range.end;
                }
                None => problems.push(ScanProblem {
                    kind: ProblemKind::UnmatchedEnd,
                    range: action.range,
                    message: "`end` with no open `if`, `with`, `range`, `define` or `block`".to_string(),
                }),
            },
            _ => {}
        }
    }
    for &b in &open {
        let opener = &actions[blocks[b].open()];
        problems.push(ScanProblem {
            kind: ProblemKind::UnclosedBlock,
            range: opener.range,
            message: "this block is never closed by `{{ end }}`".to_string(),
        });
    }
    // Branch bodies run from their action to the next branch (or the end).
    for block in &mut blocks {
        let stop = block.end.map_or(text.len(), |e| actions[e].range.start);
        let starts: Vec<usize> = block.branches.iter().map(|br| actions[br.action].range.start).collect();
        for (j, branch) in block.branches.iter_mut().enumerate() {
            let end = starts.get(j + 1).copied().unwrap_or(stop);
            let start = actions[branch.action].range.end;
            branch.body = TextRange::new(start.min(end), end);
        }
    }
    blocks
}

/// The text of a token.
pub fn token_text<'a>(text: &'a str, token: &Token) -> &'a str {
    text.get(token.range.start..token.range.end).unwrap_or("")
}

/// The value of a string token (`"a\"b"` → `a"b`, `` `raw` `` → `raw`); `None` for other
/// tokens.
pub fn string_value(text: &str, token: &Token) -> Option<String> {
    let raw = token_text(text, token);
    match token.kind {
        TokenKind::RawString => {
            let inner = raw.strip_prefix('`')?;
            Some(inner.strip_suffix('`').unwrap_or(inner).to_string())
        }
        TokenKind::String => {
            let inner = raw.strip_prefix('"')?;
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            let mut out = String::with_capacity(inner.len());
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c != '\\' {
                    out.push(c);
                    continue;
                }
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('r') => out.push('\r'),
                    Some(other) => out.push(other),
                    None => {}
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// The range of a string token's content, without its quotes.
pub fn string_content_range(token: &Token, text: &str) -> TextRange {
    let raw = token_text(text, token);
    let start = token.range.start + 1;
    let closed = raw.len() >= 2 && (raw.ends_with('"') || raw.ends_with('`'));
    let end = if closed { token.range.end - 1 } else { token.range.end };
    TextRange::new(start.min(end), end)
}
