//! Macro bodies read as code, so what is passed through a macro is checked like any other code.
//! `syn` keeps a macro's body as tokens; this module decides what they are from the macro's
//! position and the body's shape:
//! - item position (`cfg_rt! { pub mod x; fn f() {..} }`, tokio's `feature! { #![..] .. }`):
//!   inner attributes, then items; `cfg_if!` / `cfg_select!` branches (`if #[cfg(..)] {..}
//!   else {..}`, `pred => {..}`, `_ => {..}`): the items of every branch;
//! - impl / trait item position (`impl X { cfg_io! { fn io(&self) {..} } }`): likewise;
//! - expression / statement position: comma-separated expressions (`format!`, `vec!`,
//!   `join!`), arms (`select!`: `pat = fut, if guard => body`, with or without a comma after a
//!   block body, `biased;`, `else =>`), statements, and else piece by piece (see
//!   [`tolerant`]): object-like bodies (`json!({ "k": expr })`), `key = value` / `key: value`
//!   fields (tracing's `info!(a = %x)`), `matches!` guards.
//!
//! Whatever does not parse is returned as [`Unparsed`] pieces, so the caller can say where.

mod tolerant;

use std::collections::HashMap;
use std::rc::Rc;

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::visit::Visit;
use syn::{Attribute, Expr, ImplItem, Item, Macro, Stmt, Token, TraitItem};

/// Macros whose body is data, not code that runs where it is written: token templates of
/// proc-macro crates (`quote!`, `parse_quote!`), `stringify!`, and mockall's `mock!` (the
/// declaration of a mock: its methods are generated, bodies written there never run).
const TEMPLATES: &[&str] = &[
    "quote",
    "quote_spanned",
    "parse_quote",
    "parse_quote_spanned",
    "stringify",
    "mock",
];

/// Where the macro is invoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// Among a module's (or a block's) items.
    Item,
    /// Among the items of an `impl` block.
    Impl,
    /// Among the items of a `trait`.
    Trait,
    /// As an expression or statement.
    Expr,
}

/// A piece of a macro body that parsed.
pub enum Node {
    /// An item (`fn`, `mod`, `impl`, `use`, …).
    Item(Item),
    /// An impl item.
    ImplItem(ImplItem),
    /// A trait item.
    TraitItem(TraitItem),
    /// A statement.
    Stmt(Stmt),
    /// An expression.
    Expr(Expr),
}

impl Node {
    /// Walks the node with a visitor.
    pub fn visit<'n, V: Visit<'n>>(&'n self, v: &mut V) {
        match self {
            Node::Item(i) => v.visit_item(i),
            Node::ImplItem(i) => v.visit_impl_item(i),
            Node::TraitItem(i) => v.visit_trait_item(i),
            Node::Stmt(s) => v.visit_stmt(s),
            Node::Expr(e) => v.visit_expr(e),
        }
    }
}

/// A piece of a macro body that did not parse as anything the reader tried.
pub struct Unparsed {
    /// Its first token.
    pub start: Span,
    /// Its last token.
    pub end: Span,
    /// What the parser said when the piece was read as an expression (or item).
    pub error: String,
}

/// What was read from one macro body.
#[derive(Default)]
pub struct Body {
    /// The pieces that parsed, in order.
    pub nodes: Vec<Node>,
    /// The pieces that did not.
    pub unparsed: Vec<Unparsed>,
    /// Indices into `nodes` of the futures of `select!`-like arms (`pat = future =>`).
    pub futures: Vec<usize>,
}

/// A macro invocation of the file being analyzed: its address, where it is, its position.
type Key = (usize, (usize, usize), (usize, usize), Position);

thread_local! {
    /// Bodies read so far in the current [`with_cache`] scope.
    static CACHE: std::cell::RefCell<Option<HashMap<Key, Rc<Body>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `f` (the analysis of one file) remembering the bodies [`read`] gives, so that the
/// several passes over an item (the walker, the guard and exemption finders) read each macro
/// once: reading was a third of the engine's time when every pass read it again. The cache
/// dies with the scope, before the syntax trees it was keyed on.
pub fn with_cache<T>(f: impl FnOnce() -> T) -> T {
    CACHE.with(|c| *c.borrow_mut() = Some(HashMap::new()));
    let out = f();
    CACHE.with(|c| *c.borrow_mut() = None);
    out
}

/// Reads a macro's body as code in the given position. Never fails: what cannot be read is in
/// [`Body::unparsed`]. Within [`with_cache`], each invocation is read once.
pub fn read(mac: &Macro, pos: Position) -> Rc<Body> {
    let (start, end) = (
        mac.bang_token.span.start(),
        mac.delimiter.span().close().end(),
    );
    let key: Key = (
        std::ptr::from_ref(mac) as usize,
        (start.line, start.column),
        (end.line, end.column),
        pos,
    );
    let cached = CACHE.with(|c| c.borrow().as_ref().map(|m| m.get(&key).cloned()));
    match cached {
        Some(Some(body)) => body,
        Some(None) => {
            let body = Rc::new(read_uncached(mac, pos));
            CACHE.with(|c| {
                if let Some(m) = c.borrow_mut().as_mut() {
                    m.insert(key, body.clone());
                }
            });
            body
        }
        None => Rc::new(read_uncached(mac, pos)),
    }
}

fn read_uncached(mac: &Macro, pos: Position) -> Body {
    if mac
        .path
        .segments
        .last()
        .is_some_and(|s| TEMPLATES.iter().any(|t| s.ident == t))
    {
        return Body::default();
    }
    // The common cases first, straight from the body (no token copies).
    let direct = match pos {
        Position::Item => mac
            .parse_body_with(items_to_end::<Item>)
            .map(|v| nodes(v, Node::Item)),
        Position::Impl => mac
            .parse_body_with(items_to_end::<ImplItem>)
            .map(|v| nodes(v, Node::ImplItem)),
        Position::Trait => mac
            .parse_body_with(items_to_end::<TraitItem>)
            .map(|v| nodes(v, Node::TraitItem)),
        Position::Expr => mac
            .parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated)
            .map(|p| nodes(p, Node::Expr)),
    };
    if let Ok(nodes) = direct {
        return Body {
            nodes,
            ..Body::default()
        };
    }
    let tokens: Vec<TokenTree> = mac.tokens.clone().into_iter().collect();
    let mut reader = tolerant::Reader::default();
    reader.body(&tokens, pos);
    reader.into_body()
}

fn nodes<T>(items: impl IntoIterator<Item = T>, node: fn(T) -> Node) -> Vec<Node> {
    items.into_iter().map(node).collect()
}

/// Items of one kind that a macro body in the matching position may hold.
trait ItemLike: Parse {
    fn node(self) -> Node;
}

impl ItemLike for Item {
    fn node(self) -> Node {
        Node::Item(self)
    }
}

impl ItemLike for ImplItem {
    fn node(self) -> Node {
        Node::ImplItem(self)
    }
}

impl ItemLike for TraitItem {
    fn node(self) -> Node {
        Node::TraitItem(self)
    }
}

/// Inner attributes, then items to the end.
fn items_to_end<T: Parse>(input: ParseStream) -> syn::Result<Vec<T>> {
    let _inner = Attribute::parse_inner(input)?;
    let mut out = Vec::new();
    while !input.is_empty() {
        out.push(input.parse()?);
    }
    Ok(out)
}

/// The whole token list as comma-separated expressions.
fn expr_list(tokens: &[TokenTree]) -> Option<Vec<Expr>> {
    Punctuated::<Expr, Token![,]>::parse_terminated
        .parse2(stream(tokens))
        .ok()
        .map(|p| p.into_iter().collect())
}

/// The whole token list as statements (a block's contents).
fn statements(tokens: &[TokenTree]) -> Option<Vec<Stmt>> {
    syn::Block::parse_within.parse2(stream(tokens)).ok()
}

/// An expression at the start of the tokens, and the tokens after it.
fn expr_prefix(tokens: &[TokenTree]) -> Option<(Expr, Vec<TokenTree>)> {
    let parser = |input: ParseStream| {
        let e: Expr = input.parse()?;
        let rest: TokenStream = input.parse()?;
        Ok((e, rest))
    };
    parser
        .parse2(stream(tokens))
        .ok()
        .map(|(e, rest)| (e, rest.into_iter().collect()))
}

fn stream(tokens: &[TokenTree]) -> TokenStream {
    tokens.iter().cloned().collect()
}

fn is_punct(t: Option<&TokenTree>, c: char) -> bool {
    matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn is_ident(t: Option<&TokenTree>, word: &str) -> bool {
    matches!(t, Some(TokenTree::Ident(i)) if i == word)
}

#[cfg(test)]
mod tests;
