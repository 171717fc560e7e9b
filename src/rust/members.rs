//! Parsing part of an `impl` block. An impl is one top-level item, often hundreds of lines;
//! when its head names no needle, only the member fns whose code does are parsed (with every
//! member that is not a fn: associated types and consts, macro calls), and the other fns join
//! the call graph from their tokens, as unselected items do (`tokens.rs`). On a large corpus
//! of registry crates, more than half of the bytes of the selected impls were in fns that
//! name no needle.

use std::ops::Range;

use super::items::{byte_range, chunks};
use super::lite::{Src, Tt};

/// The byte ranges of an `impl` item (its top-level `tokens`) to parse: the head through `{`,
/// the members to keep, and the closing `}`. A member is kept when it is not a fn or when
/// `selects` says yes to its code (`code`: the source with comments blanked). None when the
/// whole item is parsed: its head selects it, every fn is kept, or the item is not an impl
/// with a body.
pub fn impl_parts(
    tokens: &[Tt],
    src: &Src,
    code: &str,
    selects: impl Fn(&str) -> bool,
) -> Option<Vec<Range<usize>>> {
    let whole = byte_range(tokens);
    let body = tokens.last().filter(|t| t.is_group(b'{'))?;
    let head = whole.start..body.lo as usize + 1;
    if selects(code.get(head.clone())?) {
        return None;
    }
    let inner = src.inner(body);
    let mut parts = vec![head];
    let mut dropped = false;
    for member in chunks(&inner) {
        let bytes = byte_range(member);
        if is_fn(member, src) && !selects(code.get(bytes.clone())?) {
            dropped = true;
        } else {
            parts.push(bytes);
        }
    }
    parts.push(body.hi as usize - 1..whole.end);
    dropped.then_some(parts)
}

/// Is the member a fn with a body (`fn`, `pub async fn`, `const unsafe fn`, with attributes)?
fn is_fn(member: &[Tt], src: &Src) -> bool {
    member.last().is_some_and(|t| t.is_group(b'{'))
        && member.iter().any(|t| src.ident(Some(t)) == Some("fn"))
}

/// Does a kept part of a partly parsed item hold the byte `at` (a member fn's `fn` token)?
pub fn kept(parts: &[Range<usize>], at: usize) -> bool {
    parts.iter().any(|r| r.contains(&at))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::rust::lexes::lex;

    fn parts(text: &str) -> Option<Vec<String>> {
        let tokens = lex(text).unwrap().tokens;
        let src = Src::new(text);
        let got = impl_parts(&tokens, &src, text, |t| t.contains("unwrap"))?;
        Some(got.into_iter().map(|r| text[r].to_string()).collect())
    }

    #[test]
    fn only_the_fns_that_name_a_needle_are_kept_with_every_other_member() {
        let text = "#[allow(dead_code)]\nimpl S {\n    type T = u8;\n    fn a(&self) -> u8 { 1 }\n    \
                    #[inline]\n    pub fn b(&self) -> u8 { x().unwrap() }\n    m!{}\n}";
        assert_eq!(
            parts(text).unwrap(),
            [
                "#[allow(dead_code)]\nimpl S {",
                "type T = u8;",
                "#[inline]\n    pub fn b(&self) -> u8 { x().unwrap() }",
                "m!{}",
                "}"
            ]
        );
    }

    #[test]
    fn an_impl_is_parsed_whole_when_its_head_or_every_fn_names_a_needle() {
        assert_eq!(parts("impl<T: unwrap::Ext> S<T> { fn a() {} }"), None);
        assert_eq!(parts("impl S { fn a() { unwrap() } }"), None);
        assert_eq!(parts("impl S { const A: u8 = 1; }"), None);
        assert_eq!(parts("struct S;"), None);
    }
}
