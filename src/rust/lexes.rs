//! Does a file lex, and what are its tokens? A byte-level lexer that follows proc-macro2's
//! (1.0.x, `parse.rs`) where it is certain to agree with it.
//!
//! [`surely_lexes`] says yes only where proc-macro2 certainly accepts the text: balanced
//! delimiters, terminated comments and literals, valid escapes, numbers as its `float` /
//! `int` read them, ASCII identifiers and punctuation. Anything it is not sure of (a `\r`, a
//! non-ASCII character outside comments and strings, a C string, a rare escape or literal
//! form) answers no, and the caller tokenizes as before: the answer only ever saves work, it
//! never decides a `parse-error` by itself. Files tokenized only for that check (no needle,
//! no `mod` declaration) are a sixth of the bytes of a large corpus.
//!
//! [`lex`] gives, for the same files, the light token tree ([`super::lite`]) proc-macro2's
//! tokens would have, with brace groups left unread until asked for: the engine splits the
//! file on it and hands proc-macro2 only the items it parses (`blanked.rs`).

use super::depth::utf8_width;
use super::lite::{Kind, Tree, Tt};

/// True when proc-macro2 certainly tokenizes `text` without error; false when it may not.
pub fn surely_lexes(text: &str) -> bool {
    let b = text.as_bytes();
    if memchr::memchr(b'\r', b).is_some() || memchr::memmem::find(b, b"/*ERROR*/").is_some() {
        return false;
    }
    let mut s = Scan {
        b,
        i: 0,
        end: b.len(),
        tree: None,
        comments: None,
    };
    s.all().is_some()
}

/// A file's light token tree and where its comments are.
pub struct Lexed {
    /// The top-level tokens.
    pub tokens: Vec<Tt>,
    /// The byte ranges of every comment, in order (doc comments included).
    pub comments: Vec<std::ops::Range<usize>>,
}

/// The token tree of `text` as proc-macro2 would build it (see [`super::lite`]), and its
/// comments, when [`surely_lexes`] says yes; `None` otherwise. Brace groups are left unread
/// (lazy): their tokens are lexed when asked for ([`super::lite::Src::inner`]).
pub fn lex(text: &str) -> Option<Lexed> {
    let b = text.as_bytes();
    if memchr::memchr(b'\r', b).is_some() || memchr::memmem::find(b, b"/*ERROR*/").is_some() {
        return None;
    }
    let mut s = Scan {
        b,
        i: 0,
        end: b.len(),
        tree: Some(Tree::new(true)),
        comments: Some(Vec::new()),
    };
    s.all()?;
    Some(Lexed {
        tokens: s.tree.map(|t| t.cur).unwrap_or_default(),
        comments: s.comments.unwrap_or_default(),
    })
}

/// `text` with the bytes of `comments` blanked (spaces): what selects an item for parsing is
/// its code, not a word in its comments.
pub fn without_comments<'t>(
    text: &'t str,
    comments: &[std::ops::Range<usize>],
) -> std::borrow::Cow<'t, str> {
    if comments.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for range in comments {
        if let Some(part) = bytes.get_mut(range.clone()) {
            part.fill(b' ');
        }
    }
    // Each range starts and ends at an ASCII byte (`/`, `\n`, `*/`): whole characters go.
    String::from_utf8(bytes).map_or(std::borrow::Cow::Borrowed(text), std::borrow::Cow::Owned)
}

/// The tree of `text[range]`, a part that lexes on its own (the inside of a group of a file
/// [`lex`] accepted), with byte offsets in `text`; brace groups lazy when `lazy`.
pub fn lex_range(text: &str, range: std::ops::Range<usize>, lazy: bool) -> Option<Vec<Tt>> {
    let mut s = Scan {
        b: text.as_bytes(),
        i: range.start,
        end: range.end,
        tree: Some(Tree::new(lazy)),
        comments: None,
    };
    s.all()?;
    s.tree.map(|t| t.cur)
}

struct Scan<'a> {
    b: &'a [u8],
    i: usize,
    /// Where to stop.
    end: usize,
    /// The tree being built, when asked for.
    tree: Option<Tree>,
    /// The comments' byte ranges, when asked for.
    comments: Option<Vec<std::ops::Range<usize>>>,
}

/// proc-macro2's punctuation characters (`'` is handled as a lifetime or character).
fn is_punct(c: u8) -> bool {
    CLASS[usize::from(c)] & PUNCT != 0
}

fn ident_start(c: u8) -> bool {
    CLASS[usize::from(c)] & START != 0
}

fn ident_continue(c: u8) -> bool {
    CLASS[usize::from(c)] & CONTINUE != 0
}

const PUNCT: u8 = 1;
const START: u8 = 2;
const CONTINUE: u8 = 4;

/// Byte classes: punctuation, identifier start, identifier continuation.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let punct = b"~!@#$%^&*-=+|;:,<.>/?";
    let mut i = 0;
    while i < punct.len() {
        t[punct[i] as usize] = PUNCT;
        i += 1;
    }
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if b == b'_' || b.is_ascii_alphabetic() {
            t[c] = START | CONTINUE;
        } else if b.is_ascii_digit() {
            t[c] = CONTINUE;
        }
        c += 1;
    }
    t
};

impl Scan<'_> {
    fn peek(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    fn starts_with(&self, s: &[u8]) -> bool {
        self.b.get(self.i..).is_some_and(|r| r.starts_with(s))
    }

    /// Every token to the end; `None` when unsure.
    fn all(&mut self) -> Option<()> {
        let mut stack: Vec<u8> = Vec::new();
        while self.i < self.end {
            let c = self.peek(0);
            let lo = self.i;
            match c {
                b' ' | 0x09..=0x0d => {
                    self.i += 1;
                    while matches!(self.peek(0), b' ' | 0x09..=0x0d) {
                        self.i += 1;
                    }
                }
                b'/' if self.peek(1) == b'/' => {
                    let rest = self.b.get(self.i..).unwrap_or_default();
                    self.i += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                    self.comment(lo);
                    let doc = rest.starts_with(b"//!")
                        || (rest.starts_with(b"///") && !rest.starts_with(b"////"));
                    if doc {
                        self.doc(lo, rest.get(2) == Some(&b'!'));
                    }
                }
                b'/' if self.peek(1) == b'*' => {
                    let plain = self.starts_with(b"/**/")
                        || !(self.starts_with(b"/*!")
                            || (self.starts_with(b"/**") && !self.starts_with(b"/***")));
                    let inner = self.peek(2) == b'!';
                    self.block_comment()?;
                    self.comment(lo);
                    if !plain {
                        self.doc(lo, inner);
                    }
                }
                b'(' | b'[' | b'{' => {
                    stack.push(c);
                    self.i += 1;
                    if let Some(t) = &mut self.tree {
                        t.open(c, lo);
                    }
                }
                b')' | b']' | b'}' => {
                    let open = stack.pop()?;
                    let matched = matches!((open, c), (b'(', b')') | (b'[', b']') | (b'{', b'}'));
                    if !matched {
                        return None;
                    }
                    self.i += 1;
                    if let Some(t) = &mut self.tree {
                        t.close(self.i);
                    }
                }
                b'"' => {
                    self.i += 1;
                    self.cooked(false)?;
                    self.suffix();
                    self.leaf(Kind::Lit, lo);
                }
                b'\'' => {
                    if self.quote()? {
                        self.leaf(Kind::Punct(b'\'', true), lo);
                        if let Some(t) = &mut self.tree {
                            t.leaf(Kind::Ident, lo + 1, self.i);
                        }
                    } else {
                        self.leaf(Kind::Lit, lo);
                    }
                }
                b'0'..=b'9' => {
                    self.number()?;
                    self.leaf(Kind::Lit, lo);
                }
                c if ident_start(c) => {
                    let kind = if self.word()? { Kind::Ident } else { Kind::Lit };
                    self.leaf(kind, lo);
                }
                c if is_punct(c) => {
                    self.i += 1;
                    let joint = (is_punct(self.peek(0)) || self.peek(0) == b'\'')
                        && !(self.peek(0) == b'/' && matches!(self.peek(1), b'/' | b'*'));
                    self.leaf(Kind::Punct(c, joint), lo);
                }
                _ => return None,
            }
        }
        stack.is_empty().then_some(())
    }

    /// Records a comment from `lo` to the current position, when comments are asked for.
    fn comment(&mut self, lo: usize) {
        if let Some(c) = &mut self.comments {
            c.push(lo..self.i);
        }
    }

    /// Records a leaf token from `lo` to the current position.
    fn leaf(&mut self, kind: Kind, lo: usize) {
        if let Some(t) = &mut self.tree {
            // A lifetime's quote is one byte; the identifier follows it.
            let hi = if kind == Kind::Punct(b'\'', true) {
                lo + 1
            } else {
                self.i
            };
            t.leaf(kind, lo, hi);
        }
    }

    /// A doc comment from `lo` to here: `#`, `!` when inner, and a bracket group, all spanning
    /// the comment, as proc-macro2 makes of it (the group's `doc = ".."` is left out).
    fn doc(&mut self, lo: usize, inner: bool) {
        let hi = self.i;
        if let Some(t) = &mut self.tree {
            t.leaf(Kind::Punct(b'#', false), lo, hi);
            if inner {
                t.leaf(Kind::Punct(b'!', false), lo, hi);
            }
            t.leaf(Kind::Group(b'['), lo, hi);
        }
    }

    fn block_comment(&mut self) -> Option<()> {
        let mut depth = 0usize;
        while self.i + 1 < self.b.len() {
            match (self.peek(0), self.peek(1)) {
                (b'/', b'*') => {
                    depth += 1;
                    self.i += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    self.i += 2;
                    if depth == 0 {
                        return Some(());
                    }
                }
                _ => self.i += 1,
            }
        }
        None
    }

    /// A cooked (byte) string's body after the opening quote, through the closing quote.
    fn cooked(&mut self, bytes_only: bool) -> Option<()> {
        loop {
            let rest = self.b.get(self.i..)?;
            let at = memchr::memchr2(b'"', b'\\', rest)?;
            if bytes_only && !rest.get(..at)?.is_ascii() {
                return None;
            }
            self.i += at + 1;
            if rest.get(at) == Some(&b'"') {
                return Some(());
            }
            self.escape(bytes_only, false)?;
        }
    }

    /// An escape after its backslash.
    fn escape(&mut self, bytes_only: bool, in_char: bool) -> Option<()> {
        let hex = |c: u8| c.is_ascii_hexdigit();
        match self.peek(0) {
            b'n' | b'r' | b't' | b'\\' | b'0' | b'\'' | b'"' => self.i += 1,
            b'x' => {
                let first_ok = if bytes_only {
                    hex(self.peek(1))
                } else {
                    (b'0'..=b'7').contains(&self.peek(1))
                };
                if !(first_ok && hex(self.peek(2))) {
                    return None;
                }
                self.i += 3;
            }
            b'u' if !bytes_only => self.unicode()?,
            b'\n' if !in_char => {
                self.i += 1;
                let rest = self.b.get(self.i..)?;
                let blank = rest
                    .iter()
                    .take_while(|c| matches!(c, b' ' | b'\t' | b'\n'))
                    .count();
                // Whitespace to the end of the file is an error.
                rest.get(blank)?;
                self.i += blank;
            }
            _ => return None,
        }
        Some(())
    }

    /// `\u{…}` after the backslash: 1 to 6 hex digits (underscores after the first) naming a
    /// character.
    fn unicode(&mut self) -> Option<()> {
        if self.peek(1) != b'{' {
            return None;
        }
        self.i += 2;
        let (mut value, mut len) = (0u32, 0);
        loop {
            let c = self.peek(0);
            self.i += 1;
            match c {
                b'_' if len > 0 => {}
                b'}' if len > 0 => return char::from_u32(value).map(|_| ()),
                c if c.is_ascii_hexdigit() && len < 6 => {
                    value = value * 16 + char::from(c).to_digit(16)?;
                    len += 1;
                }
                _ => return None,
            }
        }
    }

    /// A literal's optional suffix (an identifier).
    fn suffix(&mut self) {
        if ident_start(self.peek(0)) {
            while ident_continue(self.peek(0)) {
                self.i += 1;
            }
        }
    }

    /// A character literal, or a lifetime / label (true).
    fn quote(&mut self) -> Option<bool> {
        self.i += 1;
        match self.peek(0) {
            b'\\' => {
                self.i += 1;
                self.escape(false, true)?;
                return self.close_char().map(|()| false);
            }
            b'\'' | b'\n' | b'\t' | 0 => return None,
            _ => {}
        }
        let width = utf8_width(self.peek(0));
        if self.peek(width) == b'\'' {
            self.i += width;
            return self.close_char().map(|()| false);
        }
        // A lifetime: an ASCII identifier not followed by `'` or `#`.
        if !ident_start(self.peek(0)) || self.starts_with(b"r#") {
            return None;
        }
        while ident_continue(self.peek(0)) {
            self.i += 1;
        }
        (!matches!(self.peek(0), b'\'' | b'#') && self.peek(0) < 0x80).then_some(true)
    }

    fn close_char(&mut self) -> Option<()> {
        if self.peek(0) != b'\'' {
            return None;
        }
        self.i += 1;
        self.suffix();
        Some(())
    }

    /// An identifier, keyword, or a prefixed literal (`r"…"`, `r#"…"#`, `b"…"`, `b'…'`,
    /// `br"…"`; C strings are left to proc-macro2). True for an identifier.
    fn word(&mut self) -> Option<bool> {
        if matches!(self.peek(0), b'b' | b'c' | b'r') {
            return self.prefixed();
        }
        self.ident_rest()
    }

    /// An identifier to its end.
    fn ident_rest(&mut self) -> Option<bool> {
        while ident_continue(self.peek(0)) {
            self.i += 1;
        }
        (self.peek(0) < 0x80).then_some(true)
    }

    /// A word starting with `b`, `c` or `r`: maybe a prefixed literal or a raw identifier.
    fn prefixed(&mut self) -> Option<bool> {
        for prefix in [&b"br"[..], b"r"] {
            if self.starts_with(prefix) && matches!(self.peek(prefix.len()), b'"' | b'#') {
                let raw_ident = prefix == b"r" && self.peek(1) == b'#' && self.peek(2) != b'"';
                if !(raw_ident && ident_start(self.peek(2)) && self.peek(2) != b'r') {
                    self.i += prefix.len();
                    return self.raw(prefix == b"br").map(|()| false);
                }
                self.i += 2;
                return self.raw_ident().map(|()| true);
            }
        }
        if self.starts_with(b"b\"") {
            self.i += 2;
            self.cooked(true)?;
            self.suffix();
            return Some(false);
        }
        if self.starts_with(b"b'") {
            self.i += 2;
            match self.peek(0) {
                b'\\' => {
                    self.i += 1;
                    self.escape(true, true)?;
                }
                c if c.is_ascii() && c != b'\'' && c != b'\n' && c != 0 => self.i += 1,
                _ => return None,
            }
            return self.close_char().map(|()| false);
        }
        if self.starts_with(b"c\"") || self.starts_with(b"cr\"") || self.starts_with(b"cr#") {
            return None;
        }
        self.ident_rest()
    }

    /// `r#name` after the `r#`: not `_`, `self`, `Self`, `super`, `crate`.
    fn raw_ident(&mut self) -> Option<()> {
        let start = self.i;
        while ident_continue(self.peek(0)) {
            self.i += 1;
        }
        let sym = self.b.get(start..self.i)?;
        let reserved = [&b"_"[..], b"super", b"self", b"Self", b"crate"].contains(&sym);
        (!reserved && self.peek(0) < 0x80).then_some(())
    }

    /// A raw (byte) string after its prefix: `#`s, a quote, the body, the quote and `#`s.
    fn raw(&mut self, bytes_only: bool) -> Option<()> {
        let hashes = self
            .b
            .get(self.i..)?
            .iter()
            .take_while(|&&c| c == b'#')
            .count();
        if hashes > 255 || self.peek(hashes) != b'"' {
            return None;
        }
        self.i += hashes + 1;
        loop {
            let rest = self.b.get(self.i..)?;
            let at = memchr::memchr(b'"', rest)?;
            if bytes_only && !rest.get(..at)?.is_ascii() {
                return None;
            }
            self.i += at + 1;
            if (0..hashes).all(|k| self.peek(k) == b'#') {
                self.i += hashes;
                self.suffix();
                return Some(());
            }
        }
    }

    /// A number as proc-macro2 reads it: a float, else an integer; with a suffix.
    fn number(&mut self) -> Option<()> {
        let end = match self.float() {
            Float::Ends(end) => end,
            Float::Not => self.int()?,
            Float::Unsure => return None,
        };
        self.i = end;
        if ident_start(self.peek(0)) {
            self.suffix();
        }
        // Not followed by an identifier character (`word_break`), nor by non-ASCII.
        (!ident_continue(self.peek(0)) && self.peek(0) < 0x80).then_some(())
    }

    /// The end of a float's digits (proc-macro2's `float_digits`).
    fn float(&self) -> Float {
        let mut j = self.i + 1;
        let at = |k: usize| self.b.get(k).copied().unwrap_or(0);
        let (mut dot, mut exp) = (false, false);
        loop {
            match at(j) {
                b'0'..=b'9' | b'_' => j += 1,
                b'.' if !dot => {
                    let next = at(j + 1);
                    if next >= 0x80 {
                        return Float::Unsure;
                    }
                    if next == b'.' || ident_start(next) {
                        return Float::Not;
                    }
                    j += 1;
                    dot = true;
                }
                b'e' | b'E' => {
                    j += 1;
                    exp = true;
                    break;
                }
                _ => break,
            }
        }
        let float = |end: Option<usize>| end.map_or(Float::Not, Float::Ends);
        if !exp {
            return float(dot.then_some(j));
        }
        let before_exp = float(dot.then_some(j - 1));
        let (mut sign, mut value) = (false, false);
        loop {
            match at(j) {
                b'+' | b'-' if !value => {
                    if sign {
                        return before_exp;
                    }
                    sign = true;
                    j += 1;
                }
                b'0'..=b'9' => {
                    value = true;
                    j += 1;
                }
                b'_' => j += 1,
                _ => break,
            }
        }
        if value { Float::Ends(j) } else { before_exp }
    }

    /// The end of an integer's digits (proc-macro2's `digits`).
    fn int(&self) -> Option<usize> {
        let mut j = self.i;
        let base = match (self.peek(0), self.peek(1)) {
            (b'0', b'x') => 16,
            (b'0', b'o') => 8,
            (b'0', b'b') => 2,
            _ => 10,
        };
        if base != 10 {
            j += 2;
        }
        let mut empty = true;
        while let Some(&c) = self.b.get(j) {
            let digit = match c {
                b'0'..=b'9' => u32::from(c - b'0'),
                b'a'..=b'f' => u32::from(c - b'a') + 10,
                b'A'..=b'F' => u32::from(c - b'A') + 10,
                b'_' if empty && base == 10 => return None,
                b'_' => {
                    j += 1;
                    continue;
                }
                _ => break,
            };
            if digit >= base {
                if c.is_ascii_digit() {
                    return None;
                }
                break;
            }
            j += 1;
            empty = false;
        }
        (!empty).then_some(j)
    }
}

/// What proc-macro2's `float_digits` makes of a number.
enum Float {
    /// A float ending there.
    Ends(usize),
    /// No float (an integer, maybe).
    Not,
    /// It depends on a non-ASCII character.
    Unsure,
}

#[cfg(test)]
pub(super) mod tests;
