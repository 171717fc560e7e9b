//! Token-level helpers on proc-macro2 tokens for reading macro bodies as items
//! (`macros/tolerant.rs`): chunks cut like a file's items, conditional-compilation branches,
//! `=>` arms. A file's own split works on its light tree (`items.rs`).

use proc_macro2::{Delimiter, TokenTree};

/// Cuts a token list at top-level `;` and after brace groups (a `;` right after a brace group
/// belongs to it: `const X: T = T { .. };`). Inner attributes (`#![..]`) form their own chunk.
pub fn chunks(tokens: &[TokenTree]) -> Vec<&[TokenTree]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while let Some(tt) = tokens.get(i) {
        let ends = match tt {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    || (g.delimiter() == Delimiter::Bracket
                        && i == start + 2
                        && inner_attr(&tokens[start..]))
            }
            _ => false,
        };
        i += 1;
        if ends {
            if matches!(tt, TokenTree::Group(_)) && is_punct_at(tokens, i, ';') {
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
pub fn inner_attr(chunk: &[TokenTree]) -> bool {
    is_punct_at(chunk, 0, '#') && is_punct_at(chunk, 1, '!')
}

/// Is `tokens[i]` the punctuation `c`?
pub fn is_punct_at(tokens: &[TokenTree], i: usize, c: char) -> bool {
    tokens.get(i).is_some_and(|t| is_punct(t, c))
}

pub fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

/// The body of a conditional-compilation branch: `if #[cfg(..)] { .. }`, `else { .. }`,
/// `else if #[cfg(..)] { .. }` (`cfg_if!`) or `pred => { .. }`, `_ => { .. }` (`cfg_select!`).
pub fn branch_body(chunk: &[TokenTree]) -> Option<&proc_macro2::Group> {
    let (Some(TokenTree::Group(g)), Some(head)) = (chunk.last(), chunk.get(..chunk.len() - 1))
    else {
        return None;
    };
    let conditional = matches!(head.first(), Some(TokenTree::Ident(i)) if i == "if" || i == "else");
    (g.delimiter() == Delimiter::Brace && (conditional || fat_arrow(head).is_some())).then_some(g)
}

/// Index of the first top-level `=>`.
pub fn fat_arrow(tokens: &[TokenTree]) -> Option<usize> {
    tokens.windows(2).position(|w| match (&w[0], &w[1]) {
        (TokenTree::Punct(a), TokenTree::Punct(b)) => {
            a.as_char() == '=' && b.as_char() == '>' && a.spacing() == proc_macro2::Spacing::Joint
        }
        _ => false,
    })
}

/// Byte range of a (joined) span in its file.
pub fn span_bytes(span: proc_macro2::Span) -> std::ops::Range<usize> {
    span.byte_range()
}
