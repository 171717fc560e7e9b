//! Arguments of expression-like macros (`format!`, `assert_eq!`, `vec!`, tracing's `info!`,
//! `tokio::select!` branches, `tokio::join!`, …) parsed as expressions so they are visited.
//! A macro body that does not parse is skipped silently.

use proc_macro2::{TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::{Expr, Macro, Token};

/// The expressions in a macro's arguments (possibly none).
pub fn macro_exprs(mac: &Macro) -> Vec<Expr> {
    if let Ok(list) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) {
        return list.into_iter().collect();
    }
    chunks(mac.tokens.clone())
        .into_iter()
        .filter_map(|c| syn::parse2::<Expr>(c).ok())
        .collect()
}

/// Splits at top-level `,`, `;` and `=>` (for `select!` branches, `vec![x; n]`, …).
fn chunks(ts: TokenStream) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let mut cur: Vec<TokenTree> = Vec::new();
    let mut iter = ts.into_iter().peekable();
    while let Some(tt) = iter.next() {
        let cut = match &tt {
            TokenTree::Punct(p) if p.as_char() == ',' || p.as_char() == ';' => true,
            TokenTree::Punct(p) if p.as_char() == '=' => {
                if matches!(iter.peek(), Some(TokenTree::Punct(q)) if q.as_char() == '>') {
                    iter.next();
                    true
                } else {
                    false
                }
            }
            _ => false,
        };
        let arrow = cut && matches!(&tt, TokenTree::Punct(p) if p.as_char() == '=');
        if cut {
            out.push(std::mem::take(&mut cur).into_iter().collect());
        } else {
            cur.push(tt);
        }
        // A `select!` branch whose body is a block ends with the block, comma or not.
        if arrow
            && let Some(TokenTree::Group(g)) = iter.peek()
            && g.delimiter() == proc_macro2::Delimiter::Brace
            && let Some(block) = iter.next()
        {
            out.push(std::iter::once(block).collect());
        }
    }
    if !cur.is_empty() {
        out.push(cur.into_iter().collect());
    }
    out
}
