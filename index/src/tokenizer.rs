//! Analyzers: an identifier-aware token filter (`maxSurge` → `maxsurge`, `max`, `surge`) and the
//! two analyzers built on it, the stemmed text analyzer (which marks the words of an identifier,
//! `_max`, `_surg`, so that they weigh less than words written on their own, and can collect the
//! words it sees for the typo vocabulary) and the unstemmed words analyzer.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use rust_stemmers::Algorithm;
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer,
};

/// Name of the stemmed analyzer used by `heading`, `body`, `tags` and `aliases`.
pub(crate) const TEXT_ANALYZER: &str = "kref_text";

/// Tokens longer than this (in bytes) are dropped: they are hashes, URLs or base64, not words.
const MAX_TOKEN_BYTES: usize = 40;
/// Tokens longer than this are not split into words (same reason).
const MAX_SPLIT_BYTES: usize = 64;
/// Distinct words whose stems an analyzer instance remembers.
const STEM_CACHE_ENTRIES: usize = 100_000;
/// Distinct words a [`Vocabulary`] keeps; words seen after it is full are not typo-corrected to.
pub(crate) const MAX_VOCABULARY_WORDS: usize = 1_000_000;

/// The words a build's analyzers saw (lower-cased, identifiers whole and their words without
/// [`PART_PREFIX`]), with how often: the typo-correction vocabulary, collected from the stem
/// caches the analyzer keeps anyway instead of analysing every text a second time. Shared by the
/// clones tantivy makes of the analyzer; each clone adds what it saw when it is dropped.
#[derive(Clone, Debug, Default)]
pub(crate) struct Vocabulary(Arc<Mutex<HashMap<String, u64>>>);

impl Vocabulary {
    fn absorb(&self, cache: &HashMap<String, CachedStem>) {
        let Ok(mut words) = self.0.lock() else { return };
        for (token, cached) in cache {
            let word = token.strip_prefix(PART_PREFIX).unwrap_or(token);
            if let Some(n) = words.get_mut(word) {
                *n += u64::from(cached.count);
            } else if words.len() < MAX_VOCABULARY_WORDS {
                words.insert(word.to_string(), u64::from(cached.count));
            }
        }
    }

    /// The words collected so far, sorted, with their counts.
    pub(crate) fn sorted(&self) -> Vec<(String, u64)> {
        let mut words: Vec<(String, u64)> =
            self.0.lock().map(|w| w.iter().map(|(k, v)| (k.clone(), *v)).collect()).unwrap_or_default();
        words.sort_unstable();
        words
    }
}

/// The byte ranges of the words of an identifier: `maxSurge` → `[0..3, 3..8]`.
///
/// Word boundaries: a lower-case letter or digit followed by an upper-case letter (`maxSurge`,
/// `http2Route`), the last capital of an acronym when a lower-case word of two or more letters
/// follows (`HTTPRoute` → `HTTP`, `Route`; but `IPv4`, `PVCs` and `NodeIPs` keep `IPv4`, `PVCs`,
/// `IPs` whole) and any character that is not a letter or digit. Digits stay with the word before
/// them (`ipv4Address` → `ipv4`, `Address`). Returns an empty vector when there is only one word.
pub fn identifier_word_ranges(ident: &str) -> Vec<Range<usize>> {
    let bytes = ident.as_bytes();
    if ident.len() > MAX_SPLIT_BYTES {
        return Vec::new();
    }
    // The common case, plain words (`pods`, `The`), decided in one pass without allocating.
    let mut ascii_alnum = true;
    let mut upper_inside = false;
    for (i, b) in bytes.iter().enumerate() {
        ascii_alnum &= b.is_ascii_alphanumeric();
        upper_inside |= i > 0 && b.is_ascii_uppercase();
    }
    match (ascii_alnum, upper_inside) {
        (true, false) => Vec::new(),
        (true, true) => ascii_word_ranges(bytes),
        (false, _) => general_word_ranges(ident),
    }
}

/// [`identifier_word_ranges`] for any text.
fn general_word_ranges(ident: &str) -> Vec<Range<usize>> {
    let chars: Vec<(usize, char)> = ident.char_indices().collect();
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    for (i, &(offset, c)) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if let Some(s) = start.take() {
                words.push(s..offset);
            }
            continue;
        }
        let boundary = match i.checked_sub(1).map(|p| chars[p].1) {
            Some(prev) if c.is_uppercase() => {
                prev.is_lowercase()
                    || prev.is_numeric()
                    || (prev.is_uppercase() && lower_run_len(&chars[i + 1..]) >= 2)
            }
            _ => false,
        };
        match start {
            Some(s) if boundary => {
                words.push(s..offset);
                start = Some(offset);
            }
            Some(_) => {}
            None => start = Some(offset),
        }
    }
    if let Some(s) = start {
        words.push(s..ident.len());
    }
    if words.len() < 2 { Vec::new() } else { words }
}

/// [`identifier_word_ranges`] of an identifier made of ASCII letters and digits only (the common
/// case: tokens never contain other characters), without collecting its characters first.
fn ascii_word_ranges(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start = 0;
    for i in 1..bytes.len() {
        let (prev, c) = (bytes[i - 1], bytes[i]);
        let boundary = c.is_ascii_uppercase()
            && (prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase()
                    && bytes[i + 1..].iter().take_while(|b| b.is_ascii_lowercase()).count() >= 2));
        if boundary {
            words.push(start..i);
            start = i;
        }
    }
    words.push(start..bytes.len());
    if words.len() < 2 { Vec::new() } else { words }
}

/// How many lower-case letters start `chars`.
fn lower_run_len(chars: &[(usize, char)]) -> usize {
    chars.iter().take_while(|(_, c)| c.is_lowercase()).count()
}

/// A [`TokenFilter`] that keeps each identifier and adds its words after it.
///
/// `maxSurge` becomes `maxSurge` (position p, spanning the words), `max` (p) and `Surge` (p + 1);
/// tokens after it move up by the number of extra words, so the phrase `"max surge"` matches the
/// text `maxSurge` and `"surge values"` matches `maxSurge values`. Offsets of the words point
/// into the original text, so snippets highlight exactly the matched word. Place it right after
/// the tokenizer (before lower-casing, which would erase the case boundaries).
#[derive(Clone, Copy, Debug, Default)]
pub struct IdentifierSplitter {
    /// Prefix the words with [`PART_PREFIX`] (`_max`, `_Surge`), so that a piece of an identifier
    /// and the same word on its own are different terms.
    mark_parts: bool,
}

impl IdentifierSplitter {
    /// A splitter that marks the words of identifiers with [`PART_PREFIX`].
    pub fn marking_parts() -> Self {
        IdentifierSplitter { mark_parts: true }
    }
}

impl TokenFilter for IdentifierSplitter {
    type Tokenizer<T: Tokenizer> = IdentifierSplitterFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> IdentifierSplitterFilter<T> {
        IdentifierSplitterFilter { inner: tokenizer, pending: Vec::new(), mark_parts: self.mark_parts }
    }
}

/// The [`Tokenizer`] produced by [`IdentifierSplitter`].
#[derive(Clone)]
pub struct IdentifierSplitterFilter<T> {
    inner: T,
    pending: Vec<Token>,
    mark_parts: bool,
}

impl<T: Tokenizer> Tokenizer for IdentifierSplitterFilter<T> {
    type TokenStream<'a> = IdentifierSplitterStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.pending.clear();
        IdentifierSplitterStream {
            tail: self.inner.token_stream(text),
            pending: &mut self.pending,
            mark_parts: self.mark_parts,
            current: Token::default(),
            from_pending: false,
            shift: 0,
            restore: None,
        }
    }
}

/// The [`TokenStream`] produced by [`IdentifierSplitterFilter`].
pub struct IdentifierSplitterStream<'a, S> {
    tail: S,
    /// Words still to emit for the last identifier, last word first.
    pending: &'a mut Vec<Token>,
    mark_parts: bool,
    current: Token,
    from_pending: bool,
    /// How many positions earlier identifiers added.
    shift: usize,
    /// The tokenizer's own position of the current token, when `shift` changed it.
    restore: Option<usize>,
}

impl<S: TokenStream> TokenStream for IdentifierSplitterStream<'_, S> {
    fn advance(&mut self) -> bool {
        if let Some(word) = self.pending.pop() {
            self.current = word;
            self.from_pending = true;
            return true;
        }
        self.from_pending = false;
        // The tokenizer numbers each token from the last one's position, so the position shifted
        // last time is put back first; otherwise the shift would add up at every later token.
        if let Some(original) = self.restore.take() {
            self.tail.token_mut().position = original;
        }
        if !self.tail.advance() {
            return false;
        }
        let shift = self.shift;
        let token = self.tail.token_mut();
        if shift > 0 {
            self.restore = Some(token.position);
        }
        token.position = token.position.wrapping_add(shift);
        let ranges = identifier_word_ranges(&token.text);
        if ranges.len() < 2 {
            return true;
        }
        // Offsets point into the original text only if no earlier filter changed the token.
        let exact_offsets = token.offset_to.checked_sub(token.offset_from) == Some(token.text.len());
        for (i, range) in ranges.iter().enumerate().rev() {
            let (offset_from, offset_to) = if exact_offsets {
                (token.offset_from + range.start, token.offset_from + range.end)
            } else {
                (token.offset_from, token.offset_to)
            };
            let word = &token.text[range.clone()];
            let text = if self.mark_parts {
                let mut marked = String::with_capacity(word.len() + 1);
                marked.push(PART_PREFIX);
                marked.push_str(word);
                marked
            } else {
                word.to_string()
            };
            self.pending.push(Token {
                offset_from,
                offset_to,
                position: token.position.wrapping_add(i),
                text,
                position_length: 1,
            });
        }
        token.position_length = ranges.len();
        self.shift += ranges.len() - 1;
        true
    }

    fn token(&self) -> &Token {
        if self.from_pending { &self.current } else { self.tail.token() }
    }

    fn token_mut(&mut self) -> &mut Token {
        if self.from_pending { &mut self.current } else { self.tail.token_mut() }
    }
}

/// A [`TokenFilter`] applying the English (Porter2) Snowball stemmer, like tantivy's `Stemmer`,
/// with two additions: each analyzer instance remembers the stems of the words it has seen
/// (stemming dominates indexing time, and prose repeats words), and it can be told to stem only
/// words starting with given letters, which is all a snippet needs (stemming never changes the
/// first letter, so other words cannot match a query term).
#[derive(Clone, Debug, Default)]
pub struct EnglishStemmer {
    initials: Option<Arc<[char]>>,
    vocabulary: Option<Vocabulary>,
}

impl EnglishStemmer {
    /// Stems only words whose first character is one of `initials`; others pass unchanged.
    pub fn only_initials(initials: impl IntoIterator<Item = char>) -> Self {
        EnglishStemmer { initials: Some(initials.into_iter().collect()), vocabulary: None }
    }
}

impl TokenFilter for EnglishStemmer {
    type Tokenizer<T: Tokenizer> = EnglishStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> EnglishStemmerFilter<T> {
        EnglishStemmerFilter {
            inner: tokenizer,
            initials: self.initials,
            cache: HashMap::default(),
            vocabulary: self.vocabulary,
        }
    }
}

/// A stem in an analyzer's cache, with how many times its word was seen.
#[derive(Clone, Debug)]
struct CachedStem {
    stem: String,
    count: u32,
}

/// The [`Tokenizer`] produced by [`EnglishStemmer`].
pub struct EnglishStemmerFilter<T> {
    inner: T,
    initials: Option<Arc<[char]>>,
    cache: HashMap<String, CachedStem>,
    /// Where the words of the cache go when this instance is dropped.
    vocabulary: Option<Vocabulary>,
}

impl<T: Clone> Clone for EnglishStemmerFilter<T> {
    /// A clone starts with an empty cache: tantivy clones analyzers for every segment writer and
    /// snippet, and copying a large cache each time would cost more than it saves.
    fn clone(&self) -> Self {
        EnglishStemmerFilter {
            inner: self.inner.clone(),
            initials: self.initials.clone(),
            cache: HashMap::default(),
            vocabulary: self.vocabulary.clone(),
        }
    }
}

impl<T> Drop for EnglishStemmerFilter<T> {
    fn drop(&mut self) {
        if let Some(vocabulary) = &self.vocabulary {
            vocabulary.absorb(&self.cache);
        }
    }
}

impl<T: Tokenizer> Tokenizer for EnglishStemmerFilter<T> {
    type TokenStream<'a> = EnglishStemmerStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        EnglishStemmerStream {
            tail: self.inner.token_stream(text),
            stemmer: rust_stemmers::Stemmer::create(Algorithm::English),
            initials: self.initials.as_deref(),
            cache: &mut self.cache,
        }
    }
}

/// The [`TokenStream`] produced by [`EnglishStemmerFilter`].
pub struct EnglishStemmerStream<'a, S> {
    tail: S,
    stemmer: rust_stemmers::Stemmer,
    initials: Option<&'a [char]>,
    cache: &'a mut HashMap<String, CachedStem>,
}

impl<S: TokenStream> TokenStream for EnglishStemmerStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        // The words of identifiers carry `PART_PREFIX`: the word after it is stemmed.
        let word = token.text.strip_prefix(PART_PREFIX).unwrap_or(&token.text);
        if let Some(initials) = self.initials
            && !word.chars().next().is_some_and(|c| initials.contains(&c))
        {
            return true;
        }
        if let Some(cached) = self.cache.get_mut(token.text.as_str()) {
            cached.count = cached.count.saturating_add(1);
            token.text.clear();
            token.text.push_str(&cached.stem);
            return true;
        }
        let stem = match token.text.strip_prefix(PART_PREFIX) {
            Some(word) => part_term(&self.stemmer.stem(word)),
            None => self.stemmer.stem(&token.text).into_owned(),
        };
        if self.cache.len() < STEM_CACHE_ENTRIES {
            self.cache.insert(token.text.clone(), CachedStem { stem: stem.clone(), count: 1 });
        }
        token.text = stem;
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The prefix of the words of a split identifier in the text fields (`awsElasticBlockStore` →
/// `awselasticblockstor`, `_aws`, `_elast`, `_block`, `_store`). Word tokens never contain it
/// (the tokenizer splits at every character that is not a letter or digit), so a piece of an
/// identifier and the same word written on its own are different terms, and a query can weigh
/// them differently: "store" asks about storing, not about `awsElasticBlockStore`.
pub const PART_PREFIX: char = '_';

/// The term of the identifier piece `word` (already analyzed): `store` → `_store`.
pub(crate) fn part_term(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 1);
    out.push(PART_PREFIX);
    out.push_str(word);
    out
}

/// The analyzer of the searchable text fields: words and identifiers (kept whole and split, the
/// words marked with [`PART_PREFIX`]), lower-cased and stemmed (English).
pub fn text_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(IdentifierSplitter::marking_parts())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(EnglishStemmer::default())
        .build()
}

/// [`text_analyzer`] that adds the words it sees to `vocabulary` (for builds and updates).
pub(crate) fn collecting_text_analyzer(vocabulary: &Vocabulary) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(IdentifierSplitter::marking_parts())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(EnglishStemmer { initials: None, vocabulary: Some(vocabulary.clone()) })
        .build()
}

/// [`text_analyzer`] for highlighting: stems only words starting with one of `initials` (the
/// first letters of the query's terms, without [`PART_PREFIX`]), which yields the same matches
/// for much less work.
pub(crate) fn snippet_analyzer(initials: Vec<char>) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(IdentifierSplitter::marking_parts())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(EnglishStemmer::only_initials(initials))
        .build()
}

/// Like [`text_analyzer`] without stemming or marking: words as written, lower-cased.
pub fn words_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(IdentifierSplitter::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

/// The English stem of one lower-case word, as the text analyzer stems it.
pub(crate) fn stem_word(word: &str) -> String {
    let mut out = String::new();
    stem_into(word, &mut out);
    out
}

/// Appends the stem of `word` to `out` (cached per thread: titles repeat the same few hundred
/// words).
pub(crate) fn stem_into(word: &str, out: &mut String) {
    thread_local! {
        static CACHE: std::cell::RefCell<HashMap<String, String>> = std::cell::RefCell::new(HashMap::default());
    }
    CACHE.with(|cache| {
        if let Some(stem) = cache.borrow().get(word) {
            out.push_str(stem);
            return;
        }
        let stem = rust_stemmers::Stemmer::create(Algorithm::English).stem(word).into_owned();
        out.push_str(&stem);
        let mut cache = cache.borrow_mut();
        if cache.len() < STEM_CACHE_ENTRIES {
            cache.insert(word.to_string(), stem);
        }
    })
}

/// The token positions the text analyzer gives at byte `offsets` of `text`: for each offset, the
/// position of the first token that starts at or after it (the position after the last token when
/// none does). Positions count as the analyzer counts them: one per word (a run of letters and
/// digits, as tantivy's `SimpleTokenizer` reads them) and one per word of a split identifier
/// (`maxSurge` takes two); dropping long tokens leaves their positions taken. Lets an entry point
/// at its words inside its section's text without analysing that text a second time.
pub(crate) fn positions_at(text: &str, offsets: &[usize]) -> Vec<u32> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut out = vec![0u32; offsets.len()];
    let Some(&last) = order.last().map(|&k| &offsets[k]) else { return out };
    let mut next = 0;
    let mut position: u32 = 0;
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n && i <= last {
        let b = bytes[i];
        // Skip what is not a letter or digit.
        if b < 0x80 {
            if !b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            if !c.is_alphanumeric() {
                i += c.len_utf8();
                continue;
            }
        }
        // A run of letters and digits: one token.
        let start = i;
        let mut plain = true;
        while i < n {
            let b = bytes[i];
            if b < 0x80 {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                // Only a capital after the first character (or a character that is not ASCII)
                // can make a run an identifier of several words.
                plain &= i == start || !b.is_ascii_uppercase();
                i += 1;
            } else {
                let c = text[i..].chars().next().unwrap_or(' ');
                if !c.is_alphanumeric() {
                    break;
                }
                plain = false;
                i += c.len_utf8();
            }
        }
        while next < order.len() && offsets[order[next]] <= start {
            out[order[next]] = position;
            next += 1;
        }
        let words = if plain { 1 } else { identifier_word_ranges(&text[start..i]).len().max(1) };
        position = position.saturating_add(u32::try_from(words).unwrap_or(u32::MAX));
    }
    for &k in &order[next..] {
        out[k] = position;
    }
    out
}

/// A token as analyzed, for query building and tests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Analyzed {
    pub text: String,
    pub position: usize,
    /// More than 1 for a whole identifier that was also split into words.
    pub span: usize,
}

/// Runs `analyzer` over `text`.
pub(crate) fn analyze(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Analyzed> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while let Some(token) = stream.next() {
        out.push(Analyzed {
            text: token.text.clone(),
            position: token.position,
            span: token.position_length,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    fn words(ident: &str) -> Vec<&str> {
        identifier_word_ranges(ident).into_iter().map(|r| &ident[r]).collect()
    }

    #[test]
    fn splits_identifiers_into_words() {
        assert_eq!(words("maxSurge"), ["max", "Surge"]);
        assert_eq!(words("accessModes"), ["access", "Modes"]);
        assert_eq!(words("HTTPRoute"), ["HTTP", "Route"]);
        assert_eq!(words("ReadWriteOnce"), ["Read", "Write", "Once"]);
        assert_eq!(words("CSIDriver"), ["CSI", "Driver"]);
        assert_eq!(words("ipv4Address"), ["ipv4", "Address"]);
        assert_eq!(words("http2Route"), ["http2", "Route"]);
        assert_eq!(words("NodeIPs"), ["Node", "IPs"]);
        assert_eq!(words("rolling_update"), ["rolling", "update"]);
        assert!(words("IPv4").is_empty());
        assert!(words("PVCs").is_empty());
        assert!(words("strategy").is_empty());
        assert!(words("Deployment").is_empty());
        assert!(words("").is_empty());
        assert_eq!(words("größeWert"), ["größe", "Wert"]);
        // Garbage that merely looks like an identifier is not split.
        let long = "aB".repeat(40);
        assert!(words(&long).is_empty());
    }

    #[test]
    fn the_ascii_path_splits_like_the_general_one() {
        let mut seed: u64 = 7;
        let alphabet = b"aAbBzZ09xXIPvs";
        for n in 0..5000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = 1 + (seed >> 60) as usize + n % 5;
            let word: String = (0..len)
                .map(|i| alphabet[((seed >> (i * 4 % 56)) as usize) % alphabet.len()] as char)
                .collect();
            assert_eq!(ascii_word_ranges(word.as_bytes()), general_word_ranges(&word), "{word}");
        }
        for w in ["maxSurge", "HTTPRoute", "IPv4", "PVCs", "NodeIPs", "http2Route", "ipv4Address", "ABCDef"] {
            assert_eq!(ascii_word_ranges(w.as_bytes()), general_word_ranges(w), "{w}");
        }
    }

    #[test]
    fn filter_keeps_the_identifier_and_adds_its_words() {
        let mut a = words_analyzer();
        assert_eq!(
            tokens(&mut a, "the maxSurge value"),
            [
                ("the".to_string(), 0, 0, 3),
                ("maxsurge".to_string(), 1, 4, 12),
                ("max".to_string(), 1, 4, 7),
                ("surge".to_string(), 2, 7, 12),
                ("value".to_string(), 3, 13, 18),
            ]
        );
        let t = tokens(&mut a, "accessModes: ReadWriteOnce");
        let texts: Vec<&str> = t.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(texts, ["accessmodes", "access", "modes", "readwriteonce", "read", "write", "once"]);
        let positions: Vec<usize> = t.iter().map(|t| t.1).collect();
        assert_eq!(positions, [0, 0, 1, 2, 2, 3, 4]);
        // Words after an identifier keep following each other (phrases still match there).
        let t = tokens(&mut a, "maxSurge one two three");
        let positions: Vec<usize> = t.iter().map(|t| t.1).collect();
        assert_eq!(positions, [0, 0, 1, 2, 3, 4]);
    }

    #[test]
    fn text_analyzer_stems_words_and_identifier_parts() {
        let mut a = text_analyzer();
        let t = tokens(&mut a, "Restarting containers with restartPolicy");
        let texts: Vec<&str> = t.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(texts, ["restart", "contain", "with", "restartpolici", "_restart", "_polici"]);
        // Stemming keeps offsets: the highlight of `Restarting` covers the whole word.
        assert_eq!((t[0].2, t[0].3), (0, 10));
    }

    #[test]
    fn positions_stay_monotonic_and_long_tokens_drop() {
        let mut a = text_analyzer();
        let long = "x".repeat(100);
        let text = format!("aB cD {long} eFgH");
        let t = tokens(&mut a, &text);
        assert!(t.windows(2).all(|w| w[0].1 <= w[1].1), "{t:?}");
        assert!(t.iter().all(|t| t.0.len() <= 40));
        assert!(t.iter().all(|t| text.get(t.2..t.3).is_some()));
    }

    #[test]
    fn stemmer_matches_tantivys_and_caches() {
        use tantivy::tokenizer::{Language, Stemmer};
        let text = "Restarting restarts restarted policies Policy running runs accessModes dying skies \
                    generously ponies caresses replaced replacing happily";
        let mut reference = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(IdentifierSplitter::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(Stemmer::new(Language::English))
            .build();
        let mut ours = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(IdentifierSplitter::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(EnglishStemmer::default())
            .build();
        let expected = tokens(&mut reference, text);
        assert_eq!(tokens(&mut ours, text), expected);
        // Second pass through the same instance: served from the cache, same result.
        assert_eq!(tokens(&mut ours, text), expected);
        assert_eq!(tokens(&mut ours.clone(), text), expected);
    }

    #[test]
    fn words_of_identifiers_are_marked_and_keep_their_positions() {
        let mut a = text_analyzer();
        let t = tokens(&mut a, "store it in awsElasticBlockStore volumes, or maxSurge");
        let got: Vec<(&str, usize)> = t.iter().map(|t| (t.0.as_str(), t.1)).collect();
        assert_eq!(
            got,
            [
                ("store", 0),
                ("it", 1),
                ("in", 2),
                ("awselasticblockstor", 3),
                ("_aw", 3),
                ("_elast", 4),
                ("_block", 5),
                ("_store", 6),
                ("volum", 7),
                ("or", 8),
                ("maxsurg", 9),
                ("_max", 9),
                ("_surg", 10),
            ]
        );
        assert_eq!(part_term("store"), "_store");
        // Two identifiers in a row: the second one's words are marked too, the word after not.
        let t = tokens(&mut a, "rollingUpdate maxSurge x");
        let texts: Vec<&str> = t.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(texts, ["rollingupd", "_roll", "_updat", "maxsurg", "_max", "_surg", "x"]);
    }

    #[test]
    fn snippet_analyzer_stems_only_words_that_can_match() {
        let mut a = snippet_analyzer(vec!['r']);
        let t = tokens(&mut a, "Restarts running policies");
        let texts: Vec<&str> = t.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(texts, ["restart", "run", "policies"]);
        // Stemming never changes the first letter, which is what makes skipping the rest safe.
        let mut full = text_analyzer();
        for (word, stem) in tokens(&mut words_analyzer(), "dying skies ugly early yelling Yokes")
            .iter()
            .zip(tokens(&mut full, "dying skies ugly early yelling Yokes"))
        {
            assert_eq!(word.0.chars().next(), stem.0.chars().next(), "{word:?} {stem:?}");
        }
    }

    #[test]
    fn positions_at_agree_with_the_analyzer() {
        let mut analyzer =
            TextAnalyzer::builder(SimpleTokenizer::default()).filter(IdentifierSplitter::default()).build();
        let mut seed: u64 = 11;
        let pieces = [
            "maxSurge",
            "the",
            "HTTPRoute",
            "é",
            "größeWert",
            " ",
            ", ",
            ": ",
            "\n- ",
            "x".repeat(50).leak(),
            "aB".repeat(40).leak(),
            "IPv4",
            "rolling_update",
            "v1.2",
            "日本語",
            "`code`",
            "ReadWriteOnce",
        ];
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..12 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
                if seed.is_multiple_of(3) {
                    text.push(' ');
                }
            }
            // Whole tokens only: the words of a split identifier lie inside it.
            let mut starts: Vec<(usize, u32)> = Vec::new();
            let mut inside = 0..0;
            let mut stream = analyzer.token_stream(&text);
            while let Some(t) = stream.next() {
                if inside.contains(&t.offset_from)
                    || (t.offset_from == inside.start && t.offset_to < inside.end)
                {
                    continue;
                }
                starts.push((t.offset_from, t.position as u32));
                if t.position_length > 1 {
                    inside = t.offset_from..t.offset_to;
                }
            }
            let offsets: Vec<usize> = starts.iter().map(|s| s.0).collect();
            let got = positions_at(&text, &offsets);
            let want: Vec<u32> = starts.iter().map(|s| s.1).collect();
            assert_eq!(got, want, "{text:?}");
            // Between tokens and past the end.
            let end = positions_at(&text, &[text.len()])[0];
            let last = starts.last().map_or(0, |s| s.1 + 1);
            assert!(end >= last, "{text:?}");
        }
        assert_eq!(positions_at("a maxSurge b", &[0, 1, 2, 11, 12, 100]), [0, 1, 1, 3, 4, 4]);
    }

    #[test]
    fn analyze_reports_spans() {
        let mut a = words_analyzer();
        let t = analyze(&mut a, "maxSurge");
        assert_eq!(t[0], Analyzed { text: "maxsurge".into(), position: 0, span: 2 });
        assert_eq!(t[1].span, 1);
        assert_eq!(t.len(), 3);
    }
}
