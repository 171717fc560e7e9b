//! Clippy `#[allow(clippy::X)]` / `#[expect(clippy::X, reason = "…")]` attributes and the lines
//! they cover, found at the token level (the light token tree, no parse): an outer attribute
//! covers the item, statement, field or match arm it sits on; an inner `#![…]` attribute covers
//! its enclosing block, module or file.
//!
//! Where an item ends, at its own nesting level: at the first `;`, or at the brace group that
//! ends an item introduced by `fn`/`impl`/`mod`/`struct`/`enum`/`trait`/`union`/`extern`/
//! `macro_rules!`/a macro call, a block expression (`if … else …`, `match`, `loop`, `while`,
//! `for`, `unsafe`, `async`) or a match arm (`=> { … }`); a field, variant or arm ends at a `,`
//! outside angle brackets; anything else at the end of its group.

use std::str::FromStr;

use proc_macro2::TokenStream;

use crate::rust::{Src, Tt, TtKind};

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
    let source = blank_shebang(text);
    let Ok(ts) = TokenStream::from_str(&source) else {
        proc_macro2::extra::invalidate_current_thread_spans();
        return Vec::new();
    };
    let top = crate::rust::light_tree(ts);
    let out = clippy_allows_in(&top, &Src::new(&source), text);
    proc_macro2::extra::invalidate_current_thread_spans();
    out
}

/// The clippy allow/expect attributes of `text`, from its light token tree `top` (the syntax
/// engine's, so the file is not tokenized twice; its doc comments may be plain comments, which
/// attributes never are). `src` is the text the tree was read from.
pub fn clippy_allows_in(top: &[Tt], src: &Src, text: &str) -> Vec<ClippyAllow> {
    let last_line = text.lines().count().max(1) as u32;
    let mut out = Vec::new();
    walk(top, src, (1, last_line), &mut out);
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

/// Collects the attributes of `tokens` and of the groups in them. A group whose text does not
/// contain `clippy` holds none and is not read (a lazy brace group is read only then).
fn walk(tokens: &[Tt], src: &Src, enclosing: (u32, u32), out: &mut Vec<ClippyAllow>) {
    let mut i = 0;
    while i < tokens.len() {
        if tokens[i].is_punct(b'#') {
            let inner = tokens.get(i + 1).is_some_and(|t| t.is_punct(b'!'));
            let at = if inner { i + 2 } else { i + 1 };
            if let Some(g) = tokens.get(at)
                && g.is_group(b'[')
            {
                let line = src.line(tokens[i].lo);
                let covers = if inner {
                    enclosing
                } else {
                    (line, item_end_line(tokens, src, at + 1))
                };
                out.extend(clippy_attr(g, src, line, covers));
                i = at + 1;
                continue;
            }
        }
        let t = &tokens[i];
        if matches!(t.kind, TtKind::Group(_))
            && memchr::memmem::find(src.text(t).as_bytes(), b"clippy").is_some()
        {
            let span = (src.line(t.lo), src.line(t.hi));
            walk(&src.inner(t), src, span, out);
        }
        i += 1;
    }
}

/// `allow(clippy::a, clippy::b, reason = "…")` / `expect(…)` inside `#[…]`.
fn clippy_attr(g: &Tt, src: &Src, line: u32, covers: (u32, u32)) -> Option<ClippyAllow> {
    let [name, args] = g.inner.as_slice() else {
        return None;
    };
    let attr = src.ident(Some(name))?.to_string();
    if !matches!(attr.as_str(), "allow" | "expect") || !args.is_group(b'(') {
        return None;
    }
    let mut lints = Vec::new();
    let mut reason = None;
    for part in args.inner.split(|t| t.is_punct(b',')) {
        match part {
            [c, a, b, l]
                if src.ident(Some(c)) == Some("clippy")
                    && a.is_punct(b':')
                    && b.is_punct(b':')
                    && l.kind == TtKind::Ident =>
            {
                lints.push(src.text(l).to_string());
            }
            [r, eq, lit]
                if src.ident(Some(r)) == Some("reason")
                    && eq.is_punct(b'=')
                    && lit.kind == TtKind::Lit =>
            {
                reason = syn::parse_str::<syn::LitStr>(src.text(lit))
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

fn is_ident(t: Option<&Tt>, src: &Src, names: &[&str]) -> bool {
    src.ident(t).is_some_and(|i| names.contains(&i))
}

/// The last line of the item that starts at `tokens[start]` (after its attributes).
fn item_end_line(tokens: &[Tt], src: &Src, start: usize) -> u32 {
    let start = skip_attributes(tokens, start);
    let end = item_end(tokens, src, start);
    match tokens.get(end) {
        Some(t) => src.line(t.hi),
        None => tokens
            .get(start.saturating_sub(1))
            .map_or(1, |t| src.line(t.hi)),
    }
}

fn skip_attributes(tokens: &[Tt], mut i: usize) -> usize {
    while is_punct_at(tokens, i, b'#') && tokens.get(i + 1).is_some_and(|g| g.is_group(b'[')) {
        i += 2;
    }
    i
}

fn is_punct_at(tokens: &[Tt], i: usize, c: u8) -> bool {
    tokens.get(i).is_some_and(|t| t.is_punct(c))
}

/// Index of the last token of the item starting at `start`.
fn item_end(tokens: &[Tt], src: &Src, start: usize) -> usize {
    let braced = ends_at_brace(tokens, src, start);
    let mut angle = 0usize;
    let mut k = start;
    while k < tokens.len() {
        match tokens[k].kind {
            TtKind::Punct(b';', _) => return k,
            TtKind::Punct(b',', _) if angle == 0 && !braced => return k,
            TtKind::Punct(b'<', _) => angle += 1,
            TtKind::Punct(b'>', _) => {
                let arrow = k > 0 && matches!(tokens[k - 1].kind, TtKind::Punct(b'-' | b'=', true));
                if arrow && is_punct_at(tokens, k - 1, b'=') {
                    angle = 0; // `=>`: a match arm's body follows
                } else if !arrow {
                    angle = angle.saturating_sub(1);
                }
            }
            TtKind::Group(b'{') => {
                let after_arrow =
                    k >= 2 && is_punct_at(tokens, k - 1, b'>') && is_punct_at(tokens, k - 2, b'=');
                if (braced || after_arrow) && !is_ident(tokens.get(k + 1), src, &["else"]) {
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
fn ends_at_brace(tokens: &[Tt], src: &Src, start: usize) -> bool {
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
        let Some(t) = tokens.get(i) else {
            return false;
        };
        match t.kind {
            TtKind::Group(b'{') => return true,
            TtKind::Ident => {
                let word = src.text(t);
                match word {
                    "pub" | "default" | "safe" | "auto" => {}
                    "unsafe" | "async" | "extern" | "const" | "move" => {
                        if word == "const"
                            && !is_ident(
                                tokens.get(i + 1),
                                src,
                                &["fn", "unsafe", "async", "extern"],
                            )
                            && !tokens
                                .get(i + 1)
                                .is_some_and(|n| matches!(n.kind, TtKind::Group(_)))
                        {
                            return false; // `const NAME: T = …;`
                        }
                    }
                    w if BODIED.contains(&w) => return true,
                    _ => return is_macro_call(tokens, i),
                }
            }
            TtKind::Group(b'(') if i > start => {}
            TtKind::Lit if i > start => {} // `extern "C"`
            _ => return false,
        }
        i += 1;
    }
}

/// `path::to::name! { … }` at `i`.
fn is_macro_call(tokens: &[Tt], mut i: usize) -> bool {
    while tokens.get(i).is_some_and(|t| t.kind == TtKind::Ident) {
        if is_punct_at(tokens, i + 1, b'!') {
            return tokens.get(i + 2).is_some_and(|g| g.is_group(b'{'));
        }
        if is_punct_at(tokens, i + 1, b':') && is_punct_at(tokens, i + 2, b':') {
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
