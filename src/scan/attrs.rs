//! Clippy `#[allow(clippy::X)]` / `#[expect(clippy::X, reason = "…")]` attributes and the lines
//! they cover, found at the token level (proc_macro2 token trees, no parse): an outer attribute
//! covers the item, statement, field or match arm it sits on; an inner `#![…]` attribute covers
//! its enclosing block, module or file.
//!
//! Where an item ends, at its own nesting level: at the first `;`, or at the brace group that
//! ends an item introduced by `fn`/`impl`/`mod`/`struct`/`enum`/`trait`/`union`/`extern`/
//! `macro_rules!`/a macro call, a block expression (`if … else …`, `match`, `loop`, `while`,
//! `for`, `unsafe`, `async`) or a match arm (`=> { … }`); a field, variant or arm ends at a `,`
//! outside angle brackets; anything else at the end of its group.

use std::str::FromStr;

use proc_macro2::{Delimiter, Group, Spacing, TokenStream, TokenTree};

/// One `#[allow]` / `#[expect]` (or inner `#![…]`) attribute naming `clippy::` lints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClippyAllow {
    /// 1-based line of the attribute.
    pub line: u32,
    /// `allow` or `expect`.
    pub attr: String,
    /// The clippy lints named, without `clippy::`.
    pub lints: Vec<String>,
    /// The `reason = "…"`, if any.
    pub reason: Option<String>,
    /// First and last line covered.
    pub covers: (u32, u32),
    /// The source line, for snippets.
    pub snippet: String,
    /// It sits in test code or in a file no module declares (set by the scan).
    pub in_test: bool,
}

/// Every clippy allow/expect attribute of a Rust file; nothing when the file does not lex.
pub fn clippy_allows(text: &str) -> Vec<ClippyAllow> {
    let Ok(ts) = TokenStream::from_str(&blank_shebang(text)) else {
        proc_macro2::extra::invalidate_current_thread_spans();
        return Vec::new();
    };
    let out = clippy_allows_in(&ts, text);
    drop(ts);
    proc_macro2::extra::invalidate_current_thread_spans();
    out
}

/// The clippy allow/expect attributes of `text`, from its tokens `ts` (the syntax engine's, so
/// the file is not tokenized twice; its doc comments may be plain comments, which attributes
/// never are).
pub fn clippy_allows_in(ts: &TokenStream, text: &str) -> Vec<ClippyAllow> {
    let last_line = text.lines().count().max(1) as u32;
    let mut out = Vec::new();
    let tokens: Vec<TokenTree> = ts.clone().into_iter().collect();
    walk(&tokens, (1, last_line), &mut out);
    drop(tokens);
    let lines: Vec<&str> = text.lines().collect();
    for a in &mut out {
        let line = lines
            .get((a.line as usize).wrapping_sub(1))
            .copied()
            .unwrap_or("");
        a.snippet = line.trim_end_matches('\r').to_string();
    }
    out.sort_by_key(|a| (a.line, a.covers));
    out
}

/// A `#!` first line that is not an inner attribute is not Rust tokens: blank it.
fn blank_shebang(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with("#!") && !text.starts_with("#![") {
        let end = text.find('\n').unwrap_or(text.len());
        let mut s = " ".repeat(end);
        s.push_str(&text[end..]);
        std::borrow::Cow::Owned(s)
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

fn walk(tokens: &[TokenTree], enclosing: (u32, u32), out: &mut Vec<ClippyAllow>) {
    let mut i = 0;
    while i < tokens.len() {
        if is_punct(&tokens[i], '#') {
            let inner = tokens.get(i + 1).is_some_and(|t| is_punct(t, '!'));
            let at = if inner { i + 2 } else { i + 1 };
            if let Some(TokenTree::Group(g)) = tokens.get(at)
                && g.delimiter() == Delimiter::Bracket
            {
                let line = tokens[i].span().start().line as u32;
                let covers = if inner {
                    enclosing
                } else {
                    (line, item_end_line(tokens, at + 1))
                };
                out.extend(clippy_attr(g, line, covers));
                i = at + 1;
                continue;
            }
        }
        if let TokenTree::Group(g) = &tokens[i] {
            let span = (
                g.span_open().start().line as u32,
                g.span_close().end().line as u32,
            );
            walk(&g.stream().into_iter().collect::<Vec<_>>(), span, out);
        }
        i += 1;
    }
}

/// `allow(clippy::a, clippy::b, reason = "…")` / `expect(…)` inside `#[…]`.
fn clippy_attr(g: &Group, line: u32, covers: (u32, u32)) -> Option<ClippyAllow> {
    let inner: Vec<TokenTree> = g.stream().into_iter().collect();
    let [TokenTree::Ident(name), TokenTree::Group(args)] = inner.as_slice() else {
        return None;
    };
    let attr = name.to_string();
    if !matches!(attr.as_str(), "allow" | "expect") || args.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let args: Vec<TokenTree> = args.stream().into_iter().collect();
    let mut lints = Vec::new();
    let mut reason = None;
    for part in args.split(|t| is_punct(t, ',')) {
        match part {
            [
                TokenTree::Ident(c),
                TokenTree::Punct(a),
                TokenTree::Punct(b),
                TokenTree::Ident(l),
            ] if c == "clippy" && a.as_char() == ':' && b.as_char() == ':' => {
                lints.push(l.to_string());
            }
            [
                TokenTree::Ident(r),
                TokenTree::Punct(eq),
                TokenTree::Literal(lit),
            ] if r == "reason" && eq.as_char() == '=' => {
                reason = syn::parse_str::<syn::LitStr>(&lit.to_string())
                    .ok()
                    .map(|s| s.value().trim().to_string())
                    .filter(|s| !s.is_empty());
            }
            _ => {}
        }
    }
    (!lints.is_empty()).then(|| ClippyAllow {
        line,
        attr,
        lints,
        reason,
        covers,
        snippet: String::new(),
        in_test: false,
    })
}

fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

fn is_ident(t: Option<&TokenTree>, names: &[&str]) -> bool {
    matches!(t, Some(TokenTree::Ident(i)) if names.iter().any(|n| i == n))
}

/// The last line of the item that starts at `tokens[start]` (after its attributes).
fn item_end_line(tokens: &[TokenTree], start: usize) -> u32 {
    let start = skip_attributes(tokens, start);
    let end = item_end(tokens, start);
    tokens
        .get(end)
        .map(|t| match t {
            TokenTree::Group(g) => g.span_close().end().line as u32,
            other => other.span().end().line as u32,
        })
        .unwrap_or_else(|| {
            tokens
                .get(start.saturating_sub(1))
                .map_or(1, |t| t.span().end().line as u32)
        })
}

fn skip_attributes(tokens: &[TokenTree], mut i: usize) -> usize {
    while is_punct_at(tokens, i, '#')
        && matches!(tokens.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
    {
        i += 2;
    }
    i
}

fn is_punct_at(tokens: &[TokenTree], i: usize, c: char) -> bool {
    tokens.get(i).is_some_and(|t| is_punct(t, c))
}

/// Index of the last token of the item starting at `start`.
fn item_end(tokens: &[TokenTree], start: usize) -> usize {
    let braced = ends_at_brace(tokens, start);
    let mut angle = 0usize;
    let mut k = start;
    while k < tokens.len() {
        match &tokens[k] {
            TokenTree::Punct(p) if p.as_char() == ';' => return k,
            TokenTree::Punct(p) if p.as_char() == ',' && angle == 0 && !braced => return k,
            TokenTree::Punct(p) if p.as_char() == '<' => angle += 1,
            TokenTree::Punct(p) if p.as_char() == '>' => {
                let arrow = k > 0
                    && matches!(&tokens[k - 1], TokenTree::Punct(q) if q.spacing() == Spacing::Joint && matches!(q.as_char(), '-' | '='));
                if arrow && is_punct_at(tokens, k - 1, '=') {
                    angle = 0; // `=>`: a match arm's body follows
                } else if !arrow {
                    angle = angle.saturating_sub(1);
                }
            }
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let after_arrow =
                    k >= 2 && is_punct_at(tokens, k - 1, '>') && is_punct_at(tokens, k - 2, '=');
                if (braced || after_arrow) && !is_ident(tokens.get(k + 1), &["else"]) {
                    return k;
                }
            }
            _ => {}
        }
        k += 1;
    }
    tokens.len().saturating_sub(1)
}

/// Does the item at `start` end at a brace group (an item with a body, a block expression, a
/// macro call with braces)?
fn ends_at_brace(tokens: &[TokenTree], start: usize) -> bool {
    const BODIED: &[&str] = &[
        "fn",
        "impl",
        "mod",
        "struct",
        "enum",
        "trait",
        "union",
        "macro_rules",
        "if",
        "match",
        "loop",
        "while",
        "for",
    ];
    let mut i = start;
    loop {
        match tokens.get(i) {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => return true,
            Some(TokenTree::Ident(id)) => {
                let word = id.to_string();
                match word.as_str() {
                    "pub" | "default" | "safe" | "auto" => {}
                    "unsafe" | "async" | "extern" | "const" | "move" => {
                        if word == "const"
                            && !is_ident(tokens.get(i + 1), &["fn", "unsafe", "async", "extern"])
                            && !matches!(tokens.get(i + 1), Some(TokenTree::Group(_)))
                        {
                            return false; // `const NAME: T = …;`
                        }
                    }
                    w if BODIED.contains(&w) => return true,
                    _ => return is_macro_call(tokens, i),
                }
            }
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis && i > start => {}
            Some(TokenTree::Literal(_)) if i > start => {} // `extern "C"`
            _ => return false,
        }
        i += 1;
    }
}

/// `path::to::name! { … }` at `i`.
fn is_macro_call(tokens: &[TokenTree], mut i: usize) -> bool {
    while matches!(tokens.get(i), Some(TokenTree::Ident(_))) {
        if is_punct_at(tokens, i + 1, '!') {
            return matches!(tokens.get(i + 2), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace);
        }
        if is_punct_at(tokens, i + 1, ':') && is_punct_at(tokens, i + 2, ':') {
            i += 3;
        } else {
            return false;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers(text: &str) -> Vec<(u32, Vec<String>, (u32, u32))> {
        clippy_allows(text)
            .into_iter()
            .map(|a| (a.line, a.lints, a.covers))
            .collect()
    }

    #[test]
    fn an_outer_attribute_covers_its_item() {
        let text = r#"
#[allow(clippy::unwrap_used)]
pub fn a() {
    x.unwrap();
}

#[expect(clippy::await_holding_lock, reason = "released before the await by drop")]
#[inline]
async fn b() where T: Fn() -> u8 {
    let g = m.lock();
}
fn c() {}
"#;
        let found = clippy_allows(text);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].line, found[0].covers), (2, (2, 5)));
        assert_eq!(found[1].attr, "expect");
        assert_eq!(found[1].covers, (7, 11));
        assert_eq!(
            found[1].reason.as_deref(),
            Some("released before the await by drop")
        );
    }

    #[test]
    fn statements_fields_and_arms_end_where_they_end() {
        let text = r#"fn f() {
    #[allow(clippy::unwrap_used)]
    let v: HashMap<u8, u8> = match x {
        _ => 1,
    };
    let w = 2;
    match y {
        #[allow(clippy::panic)]
        Some(a) if a < b => panic!(),
        None => {}
    }
    #[allow(clippy::panic)]
    if a {
    } else {
    }
    other();
}
struct S {
    #[allow(clippy::pedantic)]
    a: HashMap<u8,
        u8>,
    b: u8,
}
const X: u8 = { 1 };
"#;
        let c = covers(text);
        assert_eq!(c[0].2, (2, 5), "let ends at its `;`");
        assert_eq!(c[1].2, (8, 9), "arm ends at its `,` despite `a < b`");
        assert_eq!(c[2].2, (12, 15), "if … else ends at the last brace");
        assert_eq!(c[3].2, (19, 21), "field ends at its `,` outside `<…>`");
    }

    #[test]
    fn inner_attributes_cover_their_scope_and_other_lints_are_ignored() {
        let text = "#![allow(clippy::unwrap_used, dead_code)]\nmod m {\n    #![expect(clippy::panic)]\n    fn f() {}\n}\n#[allow(dead_code)]\nfn g() {}\n#[cfg_attr(test, allow(clippy::panic))]\nfn h() {}\n";
        let c = covers(text);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0], (1, vec!["unwrap_used".to_string()], (1, 9)));
        assert_eq!(c[1], (3, vec!["panic".to_string()], (2, 5)));
    }

    #[test]
    fn macro_items_and_unlexable_files() {
        let text = "#[allow(clippy::unwrap_used)]\nthread_local! {\n    static A: u8 = 1;\n}\nfn next() {}\n";
        assert_eq!(covers(text)[0].2, (1, 4));
        assert!(clippy_allows("#[allow(clippy::panic)]\nfn f() { \"unterminated }\n").is_empty());
    }
}
