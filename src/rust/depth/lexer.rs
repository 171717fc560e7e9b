//! A byte-level Rust lexer for the nesting guard: just enough to skip comments, strings (raw,
//! byte, C), characters (versus lifetimes) and numbers, and to tell identifiers, keywords,
//! brackets and multi-character operators apart. It never fails and never recurses.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Open,
    Close,
    Operand,
    Keyword,
    Punct,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub(super) kind: Kind,
    /// Its bytes (always ASCII for the kinds whose text is looked at; empty for operands).
    pub(super) text: &'a [u8],
    pub(super) start: usize,
    pub(super) end: usize,
}

/// A byte-level Rust lexer that knows just enough: comments, strings (raw, byte, C),
/// characters versus lifetimes, identifiers, numbers, multi-character operators.
pub(super) struct Lexer<'a> {
    pub(super) b: &'a [u8],
    pub(super) i: usize,
}

/// The multi-character operators ([`operator_len`] matches them).
#[cfg(test)]
const OPERATORS: &[&str] = &[
    "<<=", ">>=", "...", "..=", "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "+=", "-=",
    "*=", "/=", "%=", "^=", "&=", "|=", "<<", ">>", "..",
];

/// Words that make no operand: the next `-`, `&`, `*`, `|` is a prefix ([`is_keyword`]
/// matches them).
#[cfg(test)]
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "become", "box", "break", "const", "continue", "dyn", "else", "for",
    "if", "impl", "in", "let", "loop", "match", "move", "mut", "ref", "return", "static", "unsafe",
    "where", "while", "yield",
];

impl<'a> Lexer<'a> {
    fn peek(&self, k: usize) -> u8 {
        self.b.get(self.i + k).copied().unwrap_or(0)
    }

    pub(super) fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            self.skip_blank_and_comments();
            let start = self.i;
            let c = *self.b.get(self.i)?;
            let kind = match c {
                b'(' | b'[' | b'{' => {
                    self.i += 1;
                    Kind::Open
                }
                b')' | b']' | b'}' => {
                    self.i += 1;
                    Kind::Close
                }
                b'"' => {
                    self.string(0);
                    Kind::Operand
                }
                b'\'' => self.quote(),
                b'0'..=b'9' => {
                    self.number();
                    Kind::Operand
                }
                c if c == b'_' || c.is_ascii_alphabetic() || c >= 0x80 => self.word(),
                _ => {
                    self.operator();
                    Kind::Punct
                }
            };
            if self.i == start {
                self.i += 1;
                continue;
            }
            // An operand's text is never looked at (only keywords' and punctuation's are).
            let text = match kind {
                Kind::Operand => &[],
                _ => self.b.get(start..self.i).unwrap_or_default(),
            };
            return Some(Token {
                kind,
                text,
                start,
                end: self.i,
            });
        }
    }

    fn skip_blank_and_comments(&mut self) {
        loop {
            let rest = self.b.get(self.i..).unwrap_or_default();
            let blank = rest.iter().take_while(|&&c| class(c) == BLANK).count();
            self.i += blank;
            match rest.get(blank..blank + 2) {
                Some(b"//") => {
                    let rest = self.b.get(self.i..).unwrap_or_default();
                    self.i += memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                }
                Some(b"/*") => self.block_comment(),
                _ => return,
            }
        }
    }

    fn block_comment(&mut self) {
        let mut depth = 0usize;
        while self.i < self.b.len() {
            match (self.peek(0), self.peek(1)) {
                (b'/', b'*') => {
                    depth += 1;
                    self.i += 2;
                }
                (b'*', b'/') => {
                    depth = depth.saturating_sub(1);
                    self.i += 2;
                    if depth == 0 {
                        return;
                    }
                }
                _ => self.i += 1,
            }
        }
    }

    /// A string starting at the quote; `hashes` > 0 for raw strings (no escapes).
    fn string(&mut self, hashes: usize) {
        self.i += 1;
        while self.i < self.b.len() {
            let rest = self.b.get(self.i..).unwrap_or_default();
            let Some(next) = memchr::memchr2(b'\\', b'"', rest) else {
                self.i = self.b.len();
                return;
            };
            self.i += next;
            match self.peek(0) {
                b'\\' if hashes == 0 => self.i += 2,
                b'"' => {
                    self.i += 1;
                    let closing = (0..hashes).all(|k| self.peek(k) == b'#');
                    if closing {
                        self.i += hashes;
                        return;
                    }
                }
                _ => self.i += 1,
            }
        }
    }

    /// `'x'`, `'\n'` (a character) or `'a` (a lifetime or label).
    fn quote(&mut self) -> Kind {
        self.i += 1;
        if self.peek(0) == b'\\' {
            self.i += 2;
            while self.i < self.b.len() && self.peek(0) != b'\'' && self.peek(0) != b'\n' {
                self.i += 1;
            }
            self.i += 1;
            return Kind::Operand;
        }
        let width = utf8_width(self.peek(0));
        if self.peek(width) == b'\'' {
            self.i += width + 1;
            return Kind::Operand;
        }
        while is_word_byte(self.peek(0)) {
            self.i += 1;
        }
        Kind::Operand
    }

    fn number(&mut self) {
        while self.i < self.b.len() {
            let c = self.peek(0);
            let decimal_point = c == b'.' && self.peek(1).is_ascii_digit();
            if c.is_ascii_alphanumeric() || c == b'_' || decimal_point {
                self.i += 1;
            } else {
                return;
            }
        }
    }

    /// An identifier or keyword; `r"…"`, `b"…"`, `br#"…"#`, `c"…"` and `b'x'` are literals.
    fn word(&mut self) -> Kind {
        let start = self.i;
        if let Some(kind) = self.prefixed_literal() {
            return kind;
        }
        if self.peek(0) == b'r' && self.peek(1) == b'#' {
            self.i += 2;
        }
        self.i += (self.b.get(self.i..).unwrap_or_default().iter())
            .take_while(|&&c| is_word_byte(c))
            .count();
        let word = self.b.get(start..self.i).unwrap_or_default();
        if is_keyword(word) {
            Kind::Keyword
        } else {
            Kind::Operand
        }
    }

    fn prefixed_literal(&mut self) -> Option<Kind> {
        let prefix = match (self.peek(0), self.peek(1)) {
            (b'b' | b'c', b'r') => 2,
            (b'b' | b'c' | b'r', _) => 1,
            _ => return None,
        };
        let raw = prefix == 2 || self.peek(0) == b'r';
        let hashes = (0..).take_while(|&k| self.peek(prefix + k) == b'#').count();
        match self.peek(prefix + hashes) {
            b'"' if raw || hashes == 0 => {
                self.i += prefix + hashes;
                self.string(hashes);
                Some(Kind::Operand)
            }
            b'\'' if prefix == 1 && self.peek(0) == b'b' && hashes == 0 => {
                self.i += 1;
                self.quote();
                Some(Kind::Operand)
            }
            _ => None,
        }
    }

    fn operator(&mut self) {
        let first = self.peek(0);
        let len = operator_len([first, self.peek(1), self.peek(2)]);
        self.i += len.max(utf8_width(first));
    }
}

/// Can `c` continue an identifier (a non-ASCII byte always does here)?
fn is_word_byte(c: u8) -> bool {
    class(c) == WORD
}

/// A byte's class: [`BLANK`] (ASCII whitespace), [`WORD`] (`_`, ASCII letters and digits, any
/// non-ASCII byte) or 0; a table, as the lexer asks for every byte.
fn class(c: u8) -> u8 {
    CLASSES[c as usize]
}

const BLANK: u8 = 1;
const WORD: u8 = 2;

static CLASSES: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_whitespace() {
            BLANK
        } else if b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80 {
            WORD
        } else {
            0
        };
        c += 1;
    }
    t
};

/// Is `word` one of [`KEYWORDS`]?
fn is_keyword(word: &[u8]) -> bool {
    // Compiled to a switch on the length, then a comparison: the lexer asks for every word.
    matches!(
        word,
        b"as"
            | b"async"
            | b"await"
            | b"become"
            | b"box"
            | b"break"
            | b"const"
            | b"continue"
            | b"dyn"
            | b"else"
            | b"for"
            | b"if"
            | b"impl"
            | b"in"
            | b"let"
            | b"loop"
            | b"match"
            | b"move"
            | b"mut"
            | b"ref"
            | b"return"
            | b"static"
            | b"unsafe"
            | b"where"
            | b"while"
            | b"yield"
    )
}

/// The length of the longest of [`OPERATORS`] the bytes start with (1 for none).
fn operator_len(b: [u8; 3]) -> usize {
    match b {
        [b'<', b'<', b'='] | [b'>', b'>', b'='] | [b'.', b'.', b'.' | b'='] => 3,
        [b':', b':', _]
        | [b'-' | b'=', b'>', _]
        | [
            b'=' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'&' | b'|',
            b'=',
            _,
        ]
        | [b'&', b'&', _]
        | [b'|', b'|', _]
        | [b'<', b'<', _]
        | [b'>', b'>', _]
        | [b'.', b'.', _] => 2,
        _ => 1,
    }
}

/// The width in bytes of the UTF-8 character that starts with `first`.
pub(in crate::rust) fn utf8_width(first: u8) -> usize {
    match first {
        0xf0..=0xff => 4,
        0xe0..=0xef => 3,
        0xc0..=0xdf => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::{KEYWORDS, OPERATORS, is_keyword, operator_len};

    #[test]
    fn the_matches_agree_with_the_lists() {
        let alphabet = b"<>.:-=!&|+*/%^ a";
        for &a in alphabet {
            for &b in alphabet {
                for &c in alphabet {
                    let rest = [a, b, c];
                    let listed = OPERATORS
                        .iter()
                        .find(|op| rest.starts_with(op.as_bytes()))
                        .map_or(1, |op| op.len());
                    assert_eq!(operator_len(rest), listed, "{rest:?}");
                }
            }
        }
        assert!(KEYWORDS.iter().all(|k| is_keyword(k.as_bytes())));
        for word in ["a", "asy", "asyncs", "Self", "self", "fn", "r#as", ""] {
            assert!(!is_keyword(word.as_bytes()), "{word}");
        }
    }
}
