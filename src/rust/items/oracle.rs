//! The split on proc-macro2 tokens that `items.rs` replaced, kept as the oracle of the
//! differential test (`items/tests.rs`): the same items, byte and line ranges, keywords,
//! `mod` declarations and test ranges on every file.
#![allow(clippy::unwrap_used)]

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::{RawItem, Split, TEST_FEATURES};
use crate::rust::ModDecl;
use crate::rust::split::{branch_body, chunks, fat_arrow, is_punct, is_punct_at};

/// Splits a token stream into items; records modules and test ranges. The items' token
/// ranges count top-level tokens, as `items::split` does.
pub fn split(ts: TokenStream) -> Split {
    let tokens: Vec<TokenTree> = ts.into_iter().collect();
    let mut out = Split::default();
    let mut file_test = false;
    let mut start = 0;
    for item in chunks(&tokens) {
        let head = Head::of(item);
        file_test |= head.inner_attr && head.cfg_test;
        out.items.push(RawItem {
            is_use: head.keyword.as_deref() == Some("use"),
            is_inner_attr: head.inner_attr,
            keyword: head.keyword.clone(),
            bytes: byte_range(item),
            lines: line_range(item),
            tokens: start..start + item.len(),
        });
        start += item.len();
    }
    if file_test {
        out.test_ranges.push((1, u32::MAX));
    }
    for item in chunks(&tokens) {
        modules(item, &[], false, &mut out);
    }
    out
}

/// Byte range of a token list.
pub fn byte_range(tokens: &[TokenTree]) -> std::ops::Range<usize> {
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => a.span().byte_range().start..b.span().byte_range().end,
        _ => 0..0,
    }
}

/// The attributes and keyword at the head of an item.
#[derive(Default)]
struct Head {
    inner_attr: bool,
    cfg_test: bool,
    test_attr: bool,
    path_attr: Vec<String>,
    keyword: Option<String>,
    /// Index of the token after the keyword.
    after: usize,
}

impl Head {
    fn of(tokens: &[TokenTree]) -> Head {
        let mut h = Head::default();
        let mut i = 0;
        while let Some(tt) = tokens.get(i) {
            match tt {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    if let Some(TokenTree::Punct(b)) = tokens.get(i + 1)
                        && b.as_char() == '!'
                    {
                        h.inner_attr = true;
                        if let Some(TokenTree::Group(g)) = tokens.get(i + 2) {
                            h.attribute(g.stream());
                        }
                        return h;
                    }
                    if let Some(TokenTree::Group(g)) = tokens.get(i + 1) {
                        h.attribute(g.stream());
                    }
                    i += 2;
                }
                TokenTree::Ident(id) => {
                    let s = id.to_string();
                    if matches!(
                        s.as_str(),
                        "pub" | "unsafe" | "async" | "const" | "extern" | "default" | "safe"
                    ) {
                        i += 1;
                        if let Some(TokenTree::Group(g)) = tokens.get(i)
                            && g.delimiter() == Delimiter::Parenthesis
                        {
                            i += 1;
                        }
                        continue;
                    }
                    h.keyword = Some(s);
                    h.after = i + 1;
                    return h;
                }
                _ => i += 1,
            }
        }
        h
    }

    fn attribute(&mut self, attr: TokenStream) {
        let toks: Vec<TokenTree> = attr.into_iter().collect();
        let idents: Vec<String> = toks
            .iter()
            .take_while(|t| !matches!(t, TokenTree::Group(_)) && !is_punct(t, '='))
            .filter_map(|t| match t {
                TokenTree::Ident(i) => Some(i.to_string()),
                _ => None,
            })
            .collect();
        match idents.as_slice() {
            [one] if one == "cfg" => {
                if let Some(TokenTree::Group(g)) = toks.get(1) {
                    self.cfg_test |= cfg_requires_test(g.stream());
                }
            }
            [one] if one == "path" => {
                if let Some(TokenTree::Literal(l)) = toks.get(2) {
                    self.path_attr
                        .push(l.to_string().trim_matches('"').to_string());
                }
            }
            [one] if one == "cfg_attr" => {
                if let Some(TokenTree::Group(g)) = toks.get(1) {
                    self.path_attr.extend(cfg_attr_path(g.stream()));
                }
            }
            [.., last] if last == "test" || last == "bench" => self.test_attr = true,
            _ => {}
        }
    }
}

/// `cfg_attr(pred, path = "unix.rs")`: the path a module has on some platforms.
fn cfg_attr_path(ts: TokenStream) -> Option<String> {
    let toks: Vec<TokenTree> = ts.into_iter().collect();
    toks.windows(3).find_map(|w| match w {
        [TokenTree::Ident(i), p, TokenTree::Literal(l)] if i == "path" && is_punct(p, '=') => {
            Some(l.to_string().trim_matches('"').to_string())
        }
        _ => None,
    })
}

/// Does a `cfg(..)` predicate hold only under `cfg(test)`? `test` (or `kani`), a test-only feature
/// (`feature = "test"`, `"test-utils"`, …), `all(.., test, ..)`, and `any(..)` whose every
/// branch requires it; never under `not(..)`. So
/// `all(test, not(loom))` is test code and `any(test, feature = "x")` or `not(test)` is not.
fn cfg_requires_test(ts: TokenStream) -> bool {
    let toks: Vec<TokenTree> = ts.into_iter().collect();
    let branches: Vec<&[TokenTree]> = toks
        .split(|t| is_punct(t, ','))
        .filter(|b| !b.is_empty())
        .collect();
    match branches.as_slice() {
        [one] => predicate_requires_test(one),
        _ => false,
    }
}

fn predicate_requires_test(p: &[TokenTree]) -> bool {
    match p {
        [TokenTree::Ident(i)] => i == "test" || i == "kani",
        [TokenTree::Ident(key), eq, TokenTree::Literal(value)]
            if key == "feature" && is_punct(eq, '=') =>
        {
            let value = value.to_string();
            TEST_FEATURES.contains(&value.trim_matches('"'))
        }
        [TokenTree::Ident(op), TokenTree::Group(g)] if g.delimiter() == Delimiter::Parenthesis => {
            let inner: Vec<TokenTree> = g.stream().into_iter().collect();
            let mut branches = inner.split(|t| is_punct(t, ',')).filter(|b| !b.is_empty());
            match op.to_string().as_str() {
                "all" => branches.any(predicate_requires_test),
                "any" => {
                    let all: Vec<&[TokenTree]> = branches.collect();
                    !all.is_empty() && all.into_iter().all(predicate_requires_test)
                }
                _ => false,
            }
        }
        _ => false,
    }
}

fn line_range(tokens: &[TokenTree]) -> (u32, u32) {
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => (a.span().start().line as u32, b.span().end().line as u32),
        _ => (0, 0),
    }
}

/// Records module declarations and test ranges of one item (recursing into inline modules).
fn modules(item: &[TokenTree], inline: &[String], in_test: bool, out: &mut Split) {
    let head = Head::of(item);
    let is_test = head.cfg_test || head.test_attr;
    if is_test && !in_test {
        out.test_ranges.push(line_range(item));
    }
    if let Some(body) = macro_body(item, &head) {
        // `cfg_rt! { pub mod task; }` (tokio, hyper): declarations passed through a macro.
        let body: Vec<TokenTree> = body.stream().into_iter().collect();
        macro_modules(&body, inline, in_test || is_test, out);
        return;
    }
    if head.keyword.as_deref() != Some("mod") {
        return;
    }
    let Some(TokenTree::Ident(name)) = item.get(head.after) else {
        return;
    };
    let name = name.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name).to_string();
    match item.get(head.after + 1) {
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => {
            let mut path = inline.to_vec();
            path.push(name);
            let body: Vec<TokenTree> = g.stream().into_iter().collect();
            for sub in chunks(&body) {
                modules(sub, &path, in_test || is_test, out);
            }
        }
        _ => out.mods.push(ModDecl {
            name,
            inline: inline.to_vec(),
            path_attr: head.path_attr,
            test: in_test || is_test,
            line: item
                .first()
                .map(|t| t.span().start().line as u32)
                .unwrap_or(1),
        }),
    }
}

/// Module declarations and test ranges in an item-position macro body, including every branch
/// of `cfg_if!` (`if #[cfg(..)] {..} else {..}`) and `cfg_select!` (`pred => {..}`).
fn macro_modules(body: &[TokenTree], inline: &[String], in_test: bool, out: &mut Split) {
    for sub in chunks(body) {
        let Some(g) = branch_body(sub) else {
            modules(sub, inline, in_test, out);
            continue;
        };
        let test = branch_requires_test(sub);
        if test && !in_test {
            out.test_ranges.push(line_range(sub));
        }
        let inner: Vec<TokenTree> = g.stream().into_iter().collect();
        macro_modules(&inner, inline, in_test || test, out);
    }
}

/// Does a branch compile only under `cfg(test)` (`if #[cfg(test)] {..}`, `test => {..}`)?
fn branch_requires_test(chunk: &[TokenTree]) -> bool {
    if let Some(arrow) = fat_arrow(chunk) {
        return cfg_requires_test(chunk.iter().take(arrow).cloned().collect());
    }
    let mut head = Head::default();
    for (i, t) in chunk.iter().enumerate() {
        if let TokenTree::Group(g) = t
            && g.delimiter() == Delimiter::Bracket
            && is_punct_at(chunk, i.wrapping_sub(1), '#')
        {
            head.attribute(g.stream());
        }
    }
    head.cfg_test
}

/// The body group of an item-level macro invocation (`name! { .. }`, `a::b!(..);`), not of a
/// `macro_rules!` definition.
fn macro_body(item: &[TokenTree], head: &Head) -> Option<proc_macro2::Group> {
    if head.keyword.as_deref().is_none_or(|k| k == "macro_rules") {
        return None;
    }
    let mut i = head.after;
    while let Some(TokenTree::Punct(p)) = item.get(i)
        && p.as_char() == ':'
    {
        i += 1;
        if let Some(TokenTree::Ident(_)) = item.get(i) {
            i += 1;
        }
    }
    match (item.get(i), item.get(i + 1)) {
        (Some(TokenTree::Punct(p)), Some(TokenTree::Group(g))) if p.as_char() == '!' => {
            Some(g.clone())
        }
        _ => None,
    }
}
