//! Fns of the items that were not parsed, from their tokens: the name (and impl type) of each
//! sync fn and the calls in its body (`path::f(`, `.method(`, `self.method(`), resolved through
//! the file's `use` aliases. They join the call graph like parsed fns, so a chain through a
//! helper that mentions no needle (`fn load_all() { read_db() }`) is followed without parsing
//! it, and without a second parsing pass. Async fns and closures are not summarized: items with
//! async code are parsed (`async` is a needle of the graph).

use proc_macro2::{Delimiter, Group, TokenTree};

use super::contexts::{Frame, FrameNode};
use super::facts::{Body, BodyKind, Callee, Facts, FnDecl, Site};
use super::resolve::Resolver;
use super::types::Ty;
use super::visit::region;

/// Calls whose arguments run elsewhere (their calls do not make the fn blocking), by last
/// segment; and the crates that are not workspace members (their paths are not recorded).
pub struct Exempt<'a>(pub &'a [String], pub &'a std::collections::HashSet<String>);

/// Summarizes the fns of one unparsed top-level item into `facts`.
pub fn summarize(tokens: &[TokenTree], res: &Resolver, exempt: &Exempt, facts: &mut Facts) {
    let mut s = Summarizer {
        res,
        exempt,
        facts,
        inline: Vec::new(),
    };
    s.item(tokens, None, None);
}

struct Summarizer<'a, 'f> {
    res: &'a Resolver,
    exempt: &'a Exempt<'a>,
    facts: &'f mut Facts,
    inline: Vec<String>,
}

fn ident(t: Option<&TokenTree>) -> Option<String> {
    match t {
        Some(TokenTree::Ident(i)) => Some(i.to_string()),
        _ => None,
    }
}

fn punct(t: Option<&TokenTree>, c: char) -> bool {
    matches!(t, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

fn group(t: Option<&TokenTree>, d: Delimiter) -> Option<&Group> {
    match t {
        Some(TokenTree::Group(g)) if g.delimiter() == d => Some(g),
        _ => None,
    }
}

impl Summarizer<'_, '_> {
    /// An item (or an impl / inline module member): fns, impls, inline modules.
    fn item(&mut self, tokens: &[TokenTree], impl_ty: Option<&[String]>, trait_name: Option<&str>) {
        let mut i = 0;
        while i < tokens.len() {
            match ident(tokens.get(i)).as_deref() {
                Some("fn") => {
                    let is_async = i > 0 && ident(tokens.get(i - 1)).as_deref() == Some("async")
                        || (i > 1 && ident(tokens.get(i - 2)).as_deref() == Some("async"));
                    i = self.fn_item(tokens, i, is_async, impl_ty, trait_name);
                }
                Some("impl") => {
                    if let Some((ty, tr, body)) = impl_head(tokens, i) {
                        let items: Vec<TokenTree> = body.stream().into_iter().collect();
                        self.item(&items, Some(&ty), tr.as_deref());
                    }
                    return;
                }
                Some("mod") => {
                    if let (Some(name), Some(body)) = (
                        ident(tokens.get(i + 1)),
                        group(tokens.get(i + 2), Delimiter::Brace),
                    ) {
                        let items: Vec<TokenTree> = body.stream().into_iter().collect();
                        self.inline.push(name);
                        self.item(&items, None, None);
                        self.inline.pop();
                    }
                    return;
                }
                Some("trait" | "macro_rules") => return,
                _ => i += 1,
            }
        }
    }

    /// `fn name … { body }` at `at`; returns the index after it.
    fn fn_item(
        &mut self,
        tokens: &[TokenTree],
        at: usize,
        is_async: bool,
        impl_ty: Option<&[String]>,
        trait_name: Option<&str>,
    ) -> usize {
        let Some(name) = ident(tokens.get(at + 1)) else {
            return at + 1;
        };
        let mut j = at + 2;
        while j < tokens.len() && group(tokens.get(j), Delimiter::Brace).is_none() {
            if punct(tokens.get(j), ';') {
                return j + 1;
            }
            j += 1;
        }
        let Some(body) = group(tokens.get(j), Delimiter::Brace) else {
            return j;
        };
        if !is_async {
            self.fn_body(&name, tokens.get(at), body, impl_ty, trait_name);
        }
        j + 1
    }

    fn fn_body(
        &mut self,
        name: &str,
        fn_token: Option<&TokenTree>,
        body: &Group,
        impl_ty: Option<&[String]>,
        trait_name: Option<&str>,
    ) {
        let line = fn_token.map_or(0, |t| t.span().start().line as u32);
        let id = self.facts.bodies.len() as u32;
        let range =
            fn_token.map_or(0, |t| t.span().byte_range().start)..body.span().byte_range().end;
        self.facts.bodies.push(Body {
            kind: BodyKind::Fn(FnDecl {
                name: name.to_string(),
                impl_ty: impl_ty.and_then(|t| t.last().cloned()),
                trait_name: trait_name.map(str::to_string),
                foreign_trait: false,
                in_trait: false,
                inline: self.inline.clone(),
                is_pub: false,
                ret: Ty::Unknown,
                bytes: range,
                params: Vec::new(),
            }),
            is_async: false,
            parent: None,
            line,
            root: None,
            in_event_loop: None,
            given_to: None,
        });
        let frame = self.facts.frames.len() as u32;
        self.facts.frames.push(FrameNode {
            frame: Frame::Fn {
                is_async: false,
                is_main: false,
                is_unsafe: false,
            },
            parent: None,
        });
        let tokens: Vec<TokenTree> = body.stream().into_iter().collect();
        self.calls(&tokens, id, frame, impl_ty);
    }

    /// Records the calls in a token list (recursing into groups).
    fn calls(&mut self, tokens: &[TokenTree], body: u32, frame: u32, impl_ty: Option<&[String]>) {
        for (i, t) in tokens.iter().enumerate() {
            let TokenTree::Group(g) = t else { continue };
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            let called = if g.delimiter() == Delimiter::Parenthesis {
                self.call_at(tokens, i, body, frame, impl_ty)
            } else {
                None
            };
            let frame = match called {
                Some(cands) if self.is_exempt(&cands) => {
                    let id = self.facts.frames.len() as u32;
                    self.facts.frames.push(FrameNode {
                        frame: Frame::Call(cands),
                        parent: Some(frame),
                    });
                    id
                }
                _ => frame,
            };
            self.calls(&inner, body, frame, impl_ty);
        }
    }

    fn is_exempt(&self, cands: &[Vec<String>]) -> bool {
        cands
            .iter()
            .any(|c| c.last().is_some_and(|l| self.exempt.0.contains(l)))
    }

    /// The call whose argument list is the group at `at`, recorded as a site; returns the
    /// path's candidates for a path call.
    fn call_at(
        &mut self,
        tokens: &[TokenTree],
        at: usize,
        body: u32,
        frame: u32,
        impl_ty: Option<&[String]>,
    ) -> Option<Vec<Vec<String>>> {
        let name = ident(tokens.get(at.checked_sub(1)?))?;
        if is_keyword(&name) {
            return None;
        }
        let start = tokens.get(at - 1)?.span();
        let end = tokens.get(at)?.span();
        let mut k = at - 1;
        if k > 0 && punct(tokens.get(k - 1), '.') {
            // Only `self.m(..)`: without the walker's hints a method on another receiver would
            // resolve by its name alone, which large workspaces make a guess.
            let on_self = (k >= 2).then(|| ident(tokens.get(k - 2))).flatten();
            let (Some("self"), Some(t)) = (on_self.as_deref(), impl_ty) else {
                return None;
            };
            let recv = Ty::named(t.to_vec());
            self.site(
                Callee::Method {
                    name: name.clone(),
                    recv,
                    recv_call: None,
                    roots: Vec::new(),
                },
                start,
                end,
                body,
                frame,
                format!("….{name}()"),
            );
            return None;
        }
        if k > 0 && punct(tokens.get(k - 1), '!') {
            return None;
        }
        let mut segs = vec![name];
        while k >= 3 && punct(tokens.get(k - 1), ':') && punct(tokens.get(k - 2), ':') {
            let Some(seg) = ident(tokens.get(k - 3)) else {
                break;
            };
            segs.insert(0, seg);
            k -= 3;
        }
        if segs.first().is_some_and(|s| s == "Self")
            && let Some(t) = impl_ty.and_then(|t| t.last())
        {
            segs[0] = t.clone();
        }
        let cands = self.res.resolve(&segs);
        let first = cands.first().map(Vec::as_slice).unwrap_or(&[]);
        let external = first.len() > 1 && first.first().is_some_and(|f| self.exempt.1.contains(f));
        let variant = first.len() == 1 && first[0].starts_with(char::is_uppercase);
        if external || variant {
            return Some(cands);
        }
        let display = format!(
            "{}()",
            cands.first().map(|c| c.join("::")).unwrap_or_default()
        );
        self.site(
            Callee::Path(cands.clone()),
            start,
            end,
            body,
            frame,
            display,
        );
        Some(cands)
    }

    fn site(
        &mut self,
        callee: Callee,
        start: proc_macro2::Span,
        end: proc_macro2::Span,
        body: u32,
        frame: u32,
        display: String,
    ) {
        self.facts.sites.push(Site {
            callee,
            region: region(start, end),
            frame: Some(frame),
            body: Some(body),
            discarded: false,
            str_args: Vec::new(),
            display,
            event_loop: None,
            root: None,
        });
    }
}

/// Keywords followed by a parenthesis that are not calls, and variant constructors.
fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "if" | "while"
            | "match"
            | "for"
            | "in"
            | "return"
            | "fn"
            | "let"
            | "mut"
            | "ref"
            | "as"
            | "move"
            | "else"
            | "loop"
            | "break"
            | "where"
            | "unsafe"
            | "impl"
            | "dyn"
    )
}

/// The self type, trait and body of `impl<…> [Trait for] Type<…> [where …] { … }` at `at`.
fn impl_head(tokens: &[TokenTree], at: usize) -> Option<(Vec<String>, Option<String>, &Group)> {
    let mut path: Vec<String> = Vec::new();
    let mut trait_name: Option<String> = None;
    let mut after_for = false;
    let mut collecting = true;
    let mut depth = 0i32;
    for t in tokens.iter().skip(at + 1) {
        match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace && depth == 0 => {
                return (!path.is_empty()).then_some((path, trait_name, g));
            }
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' => depth -= 1,
            TokenTree::Ident(id) if depth == 0 && collecting => {
                let s = id.to_string();
                match s.as_str() {
                    "for" => {
                        trait_name = path.last().cloned();
                        after_for = true;
                    }
                    "where" => collecting = false,
                    "dyn" | "unsafe" => {}
                    _ => {
                        if after_for {
                            path.clear();
                            after_for = false;
                        }
                        path.push(s);
                    }
                }
            }
            _ => {}
        }
    }
    None
}
