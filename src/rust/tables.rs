//! Data tables: a `static` item is parsed for its type (a type hint) even when it names no
//! needle; when its value is a table of plain literals (`[0x3000, 0x3001, ..]`, tuples of
//! strings), the value is replaced by `0` before `syn` sees it.
//!
//! Generated tables are the largest items of real code (encoding_rs's `data.rs` holds 2.5 MB
//! of `static` arrays): `syn` built a tree of every element, and the walker found nothing in
//! it. A value made only of number, character and string literals (strings without a `/`:
//! no route path), `-`, `&`, commas, and `[..]` / `(..)` groups holds no call, path, macro or
//! route, so the walk records the same facts without it; and such a value always parses, so
//! the item parses with it exactly when it parses with `0`.

use proc_macro2::{Delimiter, Literal, Spacing, TokenStream, TokenTree};

/// The tokens of the `static` item `tokens` with its value replaced by `0`, when the value is
/// a table of plain literals (see the module comment); None otherwise.
pub fn without_table(tokens: &[TokenTree]) -> Option<TokenStream> {
    let (semi, head) = tokens.split_last()?;
    if !is_punct(semi, ';') {
        return None;
    }
    // The first top-level `=` after the type; one inside generic arguments
    // (`Iterator<Item = u8>`) leaves a value that is no table.
    let eq = head.iter().position(|t| is_punct(t, '='))?;
    let value = head.get(eq + 1..)?;
    if !is_table(value) {
        return None;
    }
    let zero = TokenTree::Literal(Literal::u8_unsuffixed(0));
    let kept = head.get(..=eq)?.iter().cloned();
    Some(kept.chain([zero, semi.clone()]).collect())
}

/// Is `tokens` one plain value: `-`/`&` prefixes, then a plain literal or a group of
/// comma-separated plain values?
fn is_table(tokens: &[TokenTree]) -> bool {
    let mut rest = tokens;
    while let Some((first, tail)) = rest.split_first() {
        if !(is_punct(first, '-') || is_punct(first, '&')) {
            break;
        }
        rest = tail;
    }
    match rest {
        [TokenTree::Literal(l)] => is_plain(&l.to_string()),
        [TokenTree::Group(g)] => {
            matches!(g.delimiter(), Delimiter::Bracket | Delimiter::Parenthesis)
                && is_list(&g.stream().into_iter().collect::<Vec<_>>())
        }
        _ => false,
    }
}

/// Comma-separated plain values, a trailing comma allowed.
fn is_list(tokens: &[TokenTree]) -> bool {
    let mut parts = tokens.split(|t| is_punct(t, ','));
    let Some(last) = parts.next_back() else {
        return true;
    };
    parts.all(is_table) && (last.is_empty() || is_table(last))
}

/// A number, a character, or a cooked string whose value holds no `/` (`RouteLiterals` reads
/// string values as route paths).
fn is_plain(lit: &str) -> bool {
    match lit.as_bytes().first() {
        Some(b'0'..=b'9' | b'\'') => true,
        Some(b'"') => !lit.contains('/') && !escapes_slash(lit),
        _ => false,
    }
}

/// Could an escape in the string literal `lit` stand for `/` (`\x2F`, `\u{2f}`)?
fn escapes_slash(lit: &str) -> bool {
    let lower = lit.to_ascii_lowercase();
    lower.contains("\\x2f")
        || lower.match_indices("\\u{").any(|(i, _)| {
            let digits = lower.get(i + 3..).unwrap_or("");
            let hex: String = digits
                .chars()
                .take_while(|c| *c != '}')
                .filter(|c| *c != '_')
                .collect();
            u32::from_str_radix(&hex, 16).map_or(true, |v| v == u32::from(b'/'))
        })
}

fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c && (c != '=' || p.spacing() == Spacing::Alone))
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::without_table;
    use proc_macro2::{TokenStream, TokenTree};

    fn reduced(src: &str) -> Option<String> {
        let ts: TokenStream = src.parse().expect("lexes");
        let tokens: Vec<TokenTree> = ts.into_iter().collect();
        without_table(&tokens).map(|t| t.to_string())
    }

    #[test]
    fn literal_tables_lose_their_value() {
        let table = "pub static T: [[u8; 2]; 3] = [[1, 2], [3, -4], [0x5, 6u8],];";
        assert_eq!(
            reduced(table).as_deref(),
            Some("pub static T : [[u8 ; 2] ; 3] = 0 ;")
        );
        let strings = r#"static S: &[(&str, char)] = &[("a\u{e9}", 'x'), ("b", '\n')];"#;
        assert!(reduced(strings).is_some());
        assert!(reduced("static E: [u8; 0] = [];").is_some());
    }

    #[test]
    fn values_a_walk_could_read_are_kept() {
        for src in [
            "static P: &[&str] = &[\"/health\"];",
            "static P: &[&str] = &[\"\\u{2F}health\"];",
            "static P: &[&str] = &[\"\\x2fhealth\"];",
            "static C: [u8; 2] = [f(), 1];",
            "static C: [u8; 2] = [X, 1];",
            "static C: [u8; 4] = [0; 4];",
            "static C: u8 = 1 + 2;",
            "static I: &dyn Iterator<Item = u8> = &[1];",
            "static N: u8 = 1",
            "static B: bool = true;",
        ] {
            assert_eq!(reduced(src), None, "{src}");
        }
    }
}
