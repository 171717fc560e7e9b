//! A light token tree: the shape proc-macro2 gives a file (identifiers, punctuation with its
//! spacing, literals, delimited groups), each token a byte range of the text and nothing more.
//! The split into items (`split.rs`) and the summaries of unparsed fns (`tokens.rs`) read it.
//!
//! It is built from the bytes by `lexes::lex` for the files it surely lexes (no allocation per
//! token but a group's list, no span table), else converted from proc-macro2's tokens
//! ([`from_stream`]); the two agree token for token (the registry test in `lexes.rs`). Doc
//! comments are `#`, `!` (inner) and an empty bracket group spanning the comment, as
//! proc-macro2 makes of them less the `doc = ".."` inside, which nothing here reads.

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

use crate::diag::LineIndex;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword (`r#type` included).
    Ident,
    /// A punctuation character, and whether the next character is punctuation too (joint).
    Punct(u8, bool),
    /// A literal.
    Lit,
    /// A group by its opening delimiter (`(`, `[`, `{`).
    Group(u8),
}

/// One token (tree).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tt {
    /// What it is.
    pub kind: Kind,
    /// Byte offset of its first byte.
    pub lo: u32,
    /// Byte offset after its last byte (after the closing delimiter of a group).
    pub hi: u32,
    /// A group's tokens (none yet when `lazy`).
    pub inner: Vec<Tt>,
    /// A brace group whose tokens were not read yet ([`Src::inner`] reads them).
    pub lazy: bool,
}

impl Tt {
    /// Its text in the file it came from.
    pub fn text<'s>(&self, src: &'s str) -> &'s str {
        src.get(self.lo as usize..self.hi as usize).unwrap_or("")
    }

    /// Is it the punctuation `c`?
    pub fn is_punct(&self, c: u8) -> bool {
        matches!(self.kind, Kind::Punct(p, _) if p == c)
    }

    /// Is it a group delimited by `open`?
    pub fn is_group(&self, open: u8) -> bool {
        self.kind == Kind::Group(open)
    }
}

/// The text a tree was built from, with its line index (lines and columns as proc-macro2
/// counts them: 1-based lines, 0-based columns in characters).
pub struct Src<'a> {
    /// The text.
    pub text: &'a str,
    lines: LineIndex,
}

impl<'a> Src<'a> {
    /// Indexes `text` (which starts with no byte-order mark).
    pub fn new(text: &'a str) -> Src<'a> {
        Src {
            text,
            lines: LineIndex::new(text),
        }
    }

    /// Line (1-based) and column (0-based, in characters) of a byte offset.
    pub fn line_column(&self, offset: u32) -> (usize, usize) {
        let (line, col) = self.lines.position(self.text, offset as usize);
        (line as usize, col.saturating_sub(1) as usize)
    }

    /// Line (1-based) of a byte offset.
    pub fn line(&self, offset: u32) -> u32 {
        self.line_column(offset).0 as u32
    }

    /// A token's text (identifiers: their name as proc-macro2 prints it).
    pub fn text(&self, t: &Tt) -> &'a str {
        t.text(self.text)
    }

    /// A group's tokens; those of a lazy group are read now (its brace groups lazy in turn).
    pub fn inner<'t>(&self, g: &'t Tt) -> std::borrow::Cow<'t, [Tt]> {
        match g.lazy {
            true => std::borrow::Cow::Owned(self.read(g, true)),
            false => std::borrow::Cow::Borrowed(&g.inner),
        }
    }

    /// A group's tokens, every group in them read.
    pub fn inner_full(&self, g: &Tt) -> Vec<Tt> {
        match g.lazy {
            true => self.read(g, false),
            false => expanded(&g.inner, self),
        }
    }

    fn read(&self, g: &Tt, lazy: bool) -> Vec<Tt> {
        let inside = g.lo as usize + 1..(g.hi as usize).saturating_sub(1);
        super::lexes::lex_range(self.text, inside, lazy).unwrap_or_default()
    }

    /// The text of `t` when it is an identifier.
    pub fn ident(&self, t: Option<&Tt>) -> Option<&'a str> {
        t.filter(|t| t.kind == Kind::Ident).map(|t| self.text(t))
    }
}

/// Builds a tree token by token.
pub struct Tree {
    /// The tokens of the innermost open group (of the file, at the end).
    pub cur: Vec<Tt>,
    stack: Vec<(u8, usize, Vec<Tt>)>,
    /// Leave brace groups lazy.
    lazy: bool,
    /// Depth inside the lazy group being skipped (0: none), and where it opened.
    skip: (usize, usize),
}

impl Tree {
    /// An empty tree; brace groups lazy when `lazy`.
    pub fn new(lazy: bool) -> Tree {
        Tree {
            cur: Vec::new(),
            stack: Vec::new(),
            lazy,
            skip: (0, 0),
        }
    }

    /// A leaf token (or an empty group).
    pub fn leaf(&mut self, kind: Kind, lo: usize, hi: usize) {
        if self.skip.0 == 0 {
            self.cur.push(Tt {
                kind,
                lo: lo as u32,
                hi: hi as u32,
                inner: Vec::new(),
                lazy: false,
            });
        }
    }

    /// A group opens at `lo`.
    pub fn open(&mut self, delim: u8, lo: usize) {
        if self.skip.0 > 0 || (self.lazy && delim == b'{') {
            self.skip = (
                self.skip.0 + 1,
                if self.skip.0 == 0 { lo } else { self.skip.1 },
            );
            return;
        }
        let outer = std::mem::take(&mut self.cur);
        self.stack.push((delim, lo, outer));
    }

    /// The innermost group closes; `hi` is after its closing delimiter.
    pub fn close(&mut self, hi: usize) {
        if self.skip.0 > 0 {
            self.skip.0 -= 1;
            if self.skip.0 == 0 {
                self.cur.push(Tt {
                    kind: Kind::Group(b'{'),
                    lo: self.skip.1 as u32,
                    hi: hi as u32,
                    inner: Vec::new(),
                    lazy: true,
                });
            }
            return;
        }
        if let Some((delim, lo, outer)) = self.stack.pop() {
            let inner = std::mem::replace(&mut self.cur, outer);
            self.cur.push(Tt {
                kind: Kind::Group(delim),
                lo: lo as u32,
                hi: hi as u32,
                inner,
                lazy: false,
            });
        }
    }
}

/// `tokens` with every lazy group read, to the bottom.
pub fn expanded(tokens: &[Tt], src: &Src) -> Vec<Tt> {
    tokens
        .iter()
        .map(|t| {
            let mut t = t.clone();
            if t.lazy {
                t.inner = src.inner_full(&t);
                t.lazy = false;
            } else if !t.inner.is_empty() {
                t.inner = expanded(&t.inner, src);
            }
            t
        })
        .collect()
}

/// The light tree of proc-macro2 tokens (byte ranges from their spans).
pub fn from_stream(ts: TokenStream) -> Vec<Tt> {
    ts.into_iter().map(from_tree).collect()
}

fn from_tree(t: TokenTree) -> Tt {
    let r = t.span().byte_range();
    let (kind, inner) = match t {
        TokenTree::Ident(_) => (Kind::Ident, Vec::new()),
        TokenTree::Literal(_) => (Kind::Lit, Vec::new()),
        TokenTree::Punct(p) => {
            let c = u8::try_from(p.as_char()).unwrap_or(b'?');
            (Kind::Punct(c, p.spacing() == Spacing::Joint), Vec::new())
        }
        TokenTree::Group(g) => {
            let open = match g.delimiter() {
                Delimiter::Bracket => b'[',
                Delimiter::Brace => b'{',
                Delimiter::Parenthesis | Delimiter::None => b'(',
            };
            // A doc comment's group spans the comment, like the `doc` inside it.
            let doc = g
                .stream()
                .into_iter()
                .next()
                .is_some_and(|first| first.span().byte_range() == r);
            let inner = if doc {
                Vec::new()
            } else {
                from_stream(g.stream())
            };
            (Kind::Group(open), inner)
        }
    };
    Tt {
        kind,
        lo: r.start as u32,
        hi: r.end as u32,
        inner,
        lazy: false,
    }
}
