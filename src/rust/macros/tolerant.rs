//! The reader behind [`super::read`]: whole-body parses first, then piece by piece, so one odd
//! piece (a DSL token, a tracing sigil) loses only itself. Recursion is bounded by
//! [`MAX_DEPTH`]; deeper pieces count as unparsed.

use proc_macro2::{Delimiter, Spacing, TokenTree};
use syn::{ImplItem, Item, TraitItem};

use super::{
    Body, ItemLike, Node, Position, Unparsed, expr_list, expr_prefix, is_ident, is_punct,
    items_to_end, statements, stream,
};
use syn::parse::Parser;

use crate::rust::split::{branch_body, chunks, fat_arrow, inner_attr};

/// Nesting of pieces (object in array in object …) read before giving up.
const MAX_DEPTH: usize = 32;

/// Longest token list read expression by expression from its start (each try re-reads the
/// rest); longer lists are first cut at their top-level `,` / `;`.
const PREFIX_PARSE_LIMIT: usize = 256;

/// Collects nodes and unparsed pieces.
#[derive(Default)]
pub struct Reader {
    body: Body,
    depth: usize,
}

impl Reader {
    /// The collected body.
    pub fn into_body(self) -> Body {
        self.body
    }

    /// Reads a whole body in a position.
    pub fn body(&mut self, tokens: &[TokenTree], pos: Position) {
        if tokens.is_empty() {
            return;
        }
        if self.depth > MAX_DEPTH {
            self.unparsed(tokens, "macro body nests too deeply to read".into());
            return;
        }
        self.depth += 1;
        match pos {
            Position::Item => self.items::<Item>(tokens, pos),
            Position::Impl => self.items::<ImplItem>(tokens, pos),
            Position::Trait => self.items::<TraitItem>(tokens, pos),
            Position::Expr => self.expr_body(tokens),
        }
        self.depth -= 1;
    }

    /// Items (inner attributes first); else chunk by chunk: an item, a conditional branch (its
    /// body read in the same position), or expressions.
    fn items<T: ItemLike>(&mut self, tokens: &[TokenTree], pos: Position) {
        if let Ok(list) = items_to_end::<T>.parse2(stream(tokens)) {
            self.body.nodes.extend(list.into_iter().map(T::node));
            return;
        }
        for chunk in chunks(tokens) {
            if inner_attr(chunk) {
                continue;
            }
            if let Ok(item) = syn::parse2::<T>(stream(chunk)) {
                self.body.nodes.push(item.node());
                continue;
            }
            let chunk = match chunk {
                [init @ .., TokenTree::Punct(p)] if p.as_char() == ';' => init,
                _ => chunk,
            };
            match (declaration(chunk), chunk.last()) {
                (Some(eq), _) => self.piece(&chunk[eq + 1..]),
                // A branch (`if #[cfg(..)] {..}`, `pred => {..}`) or a DSL item with a body
                // (`pub struct F: u32 {..}`): the body in the same position.
                (None, Some(TokenTree::Group(g))) if g.delimiter() == Delimiter::Brace => {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    self.body(&inner, pos);
                }
                _ => self.sequence(chunk),
            }
        }
    }

    /// An expression-position body: a comma-separated list, arms, statements, or pieces.
    fn expr_body(&mut self, tokens: &[TokenTree]) {
        if let Some(list) = expr_list(tokens) {
            self.body.nodes.extend(list.into_iter().map(Node::Expr));
        } else if fat_arrow(tokens).is_some() {
            self.arms(tokens);
        } else if let Some(stmts) = statements(tokens) {
            self.body.nodes.extend(stmts.into_iter().map(Node::Stmt));
        } else {
            self.sequence(tokens);
        }
    }

    /// `select!`-like arms: `[biased;] (pat = expr [, if guard] | else | pat) => body [,]` ….
    /// A body that is a block ends its arm with or without a comma, as in `match`.
    fn arms(&mut self, tokens: &[TokenTree]) {
        let mut rest = tokens;
        if is_ident(rest.first(), "biased") && is_punct(rest.get(1), ';') {
            rest = &rest[2..];
        }
        while !rest.is_empty() {
            let Some(arrow) = fat_arrow(rest) else {
                self.sequence(rest);
                return;
            };
            self.arm_head(&rest[..arrow]);
            rest = &rest[arrow + 2..];
            let len = match rest.first() {
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
                    self.piece(&rest[..1]);
                    1
                }
                _ => self.expr_then_comma(rest),
            };
            rest = &rest[len..];
            if is_punct(rest.first(), ',') {
                rest = &rest[1..];
            }
        }
    }

    /// `pat = future [, if guard]`: the future and the guard (a bare pattern has neither).
    fn arm_head(&mut self, head: &[TokenTree]) {
        let Some(eq) = lone(head, '=') else {
            return;
        };
        let rhs = &head[eq + 1..];
        let (future, guard) = match guard_at(rhs) {
            Some(i) => (&rhs[..i], Some(&rhs[i + 2..])),
            None => (rhs, None),
        };
        let first = self.body.nodes.len();
        self.piece(future);
        let read = first..self.body.nodes.len();
        self.body.futures.extend(read);
        if let Some(g) = guard {
            self.piece(g);
        }
    }

    /// Reads one expression from the start of `tokens` (up to a top-level `,` or the end) and
    /// returns how many tokens it took; a piece that is no expression is read as a piece.
    fn expr_then_comma(&mut self, tokens: &[TokenTree]) -> usize {
        if tokens.len() <= PREFIX_PARSE_LIMIT
            && let Some((e, after)) = expr_prefix(tokens)
            && (after.is_empty() || is_punct(after.first(), ','))
        {
            self.body.nodes.push(Node::Expr(e));
            return tokens.len() - after.len();
        }
        let end = top_level(tokens, &[',']).unwrap_or(tokens.len());
        self.piece(&tokens[..end]);
        end
    }

    /// Expressions separated by `,` or `;`; a stretch that is no expression is read as a piece.
    fn sequence(&mut self, tokens: &[TokenTree]) {
        let mut rest = tokens;
        while !rest.is_empty() {
            if rest.len() <= PREFIX_PARSE_LIMIT
                && let Some((e, after)) = expr_prefix(rest)
                && (after.is_empty()
                    || is_punct(after.first(), ',')
                    || is_punct(after.first(), ';'))
            {
                self.body.nodes.push(Node::Expr(e));
                rest = &rest[rest.len() - after.len()..];
            } else {
                let end = top_level(rest, &[',', ';']).unwrap_or(rest.len());
                self.piece(&rest[..end]);
                rest = &rest[end..];
            }
            if is_punct(rest.first(), ',') || is_punct(rest.first(), ';') {
                rest = &rest[1..];
            }
        }
    }

    /// One piece that is not (yet) known to be an expression.
    fn piece(&mut self, tokens: &[TokenTree]) {
        let error = match syn::parse2::<syn::Expr>(stream(tokens)) {
            Ok(e) => {
                self.body.nodes.push(Node::Expr(e));
                return;
            }
            Err(e) => e.to_string(),
        };
        if tokens.is_empty() || self.depth > MAX_DEPTH {
            if !tokens.is_empty() {
                self.unparsed(tokens, error);
            }
            return;
        }
        self.depth += 1;
        self.piece_parts(tokens, error);
        self.depth -= 1;
    }

    /// The shapes a piece may have, tried in order.
    fn piece_parts(&mut self, tokens: &[TokenTree], error: String) {
        match tokens {
            // `{ "k": v, … }`, `[a, { … }]`, `(…)` that is not an expression as a whole.
            [TokenTree::Group(g)] => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                if g.delimiter() == Delimiter::Brace
                    && fat_arrow(&inner).is_none()
                    && let Some(stmts) = statements(&inner)
                {
                    self.body.nodes.extend(stmts.into_iter().map(Node::Stmt));
                    return;
                }
                self.expr_body_or_pieces(&inner);
            }
            // tracing's `%value` / `?value`.
            [TokenTree::Punct(p), rest @ ..] if matches!(p.as_char(), '%' | '?') => {
                self.piece(rest)
            }
            _ if declaration(tokens).is_some() => {
                let at = declaration(tokens).unwrap_or(0);
                self.piece(&tokens[at + 1..]);
            }
            _ if top_level(tokens, &[',', ';']).is_some() => self.sequence(tokens),
            _ if is_ident(tokens.first(), "if") || is_ident(tokens.first(), "else") => {
                self.branches(tokens)
            }
            _ if lone(tokens, '=').is_some() || lone(tokens, ':').is_some() => {
                let at = lone(tokens, '=')
                    .into_iter()
                    .chain(lone(tokens, ':'))
                    .min()
                    .unwrap_or(0);
                self.piece(&tokens[..at]);
                self.piece(&tokens[at + 1..]);
            }
            _ if top_level_ident(tokens, "if").is_some() => {
                let at = top_level_ident(tokens, "if").unwrap_or(0);
                self.piece(&tokens[..at]);
                self.piece(&tokens[at + 1..]);
            }
            _ => self.embedded_blocks(tokens, error),
        }
    }

    /// A piece of some DSL (`html! { <p>{ user.name() }</p> }`, diesel's `db_run! { conn:
    /// sqlite { .. } }`): its brace groups are read as code, the stretches between them are
    /// unparsed.
    fn embedded_blocks(&mut self, tokens: &[TokenTree], error: String) {
        let mut start = 0;
        for (i, t) in tokens.iter().enumerate() {
            if let TokenTree::Group(g) = t
                && g.delimiter() == Delimiter::Brace
            {
                self.unparsed(&tokens[start..i], error.clone());
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                self.body(&inner, Position::Expr);
                start = i + 1;
            }
        }
        self.unparsed(&tokens[start..], error);
    }

    fn expr_body_or_pieces(&mut self, inner: &[TokenTree]) {
        if fat_arrow(inner).is_some() {
            self.arms(inner);
        } else {
            self.sequence(inner);
        }
    }

    /// `if #[cfg(a)] { .. } else if … { .. } else { .. }` in expression position.
    fn branches(&mut self, tokens: &[TokenTree]) {
        for chunk in chunks(tokens) {
            match branch_body(chunk) {
                Some(g) => {
                    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                    self.body(&inner, Position::Expr);
                }
                None => self.unparsed(chunk, "expected a conditional branch".into()),
            }
        }
    }

    fn unparsed(&mut self, tokens: &[TokenTree], error: String) {
        if let (Some(a), Some(b)) = (tokens.first(), tokens.last()) {
            self.body.unparsed.push(Unparsed {
                start: a.span(),
                end: b.span(),
                error,
            });
        }
    }
}

/// `static ref X: T = value` (lazy_static), `const X: T = value`, `let x = value`: the index of
/// the `=` before the value.
fn declaration(tokens: &[TokenTree]) -> Option<usize> {
    let keyword = ["static", "const", "let", "pub"]
        .iter()
        .any(|k| is_ident(tokens.first(), k));
    if keyword { lone(tokens, '=') } else { None }
}

/// Index of the first top-level `c` that is a whole operator: `=` but not `==`, `=>`, `<=`,
/// `..=` (a tracing `a=?b` is one); `:` but not `::`.
fn lone(tokens: &[TokenTree], c: char) -> Option<usize> {
    (0..tokens.len()).find(|&i| {
        let TokenTree::Punct(p) = &tokens[i] else {
            return false;
        };
        let joined_before =
            i > 0 && matches!(&tokens[i - 1], TokenTree::Punct(q) if q.spacing() == Spacing::Joint);
        let joined_after = p.spacing() == Spacing::Joint
            && matches!(tokens.get(i + 1), Some(TokenTree::Punct(q)) if matches!(q.as_char(), '=' | '>' | ':'));
        p.as_char() == c && !joined_before && !joined_after
    })
}

/// Index of the first top-level punctuation among `chars`.
fn top_level(tokens: &[TokenTree], chars: &[char]) -> Option<usize> {
    tokens
        .iter()
        .position(|t| matches!(t, TokenTree::Punct(p) if chars.contains(&p.as_char())))
}

fn top_level_ident(tokens: &[TokenTree], word: &str) -> Option<usize> {
    tokens.iter().position(|t| is_ident(Some(t), word))
}

/// Index of `, if` (a `select!` guard) at the top level.
fn guard_at(tokens: &[TokenTree]) -> Option<usize> {
    tokens
        .windows(2)
        .position(|w| is_punct(w.first(), ',') && is_ident(w.get(1), "if"))
}
