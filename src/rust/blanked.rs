//! Tokenizing only the items a file's walk needs: the file is given to proc-macro2 with every
//! other byte blanked, so the items' tokens carry the spans (lines, columns, byte offsets)
//! they have in the whole file, and the bytes of the items no check needs cost a byte
//! comparison instead of tokens.

use std::str::FromStr;

use proc_macro2::{TokenStream, TokenTree};

use super::items::Split;

/// The top-level tokens of the chosen items, in order, and whether only `ranges` were
/// tokenized: the file is tokenized with every byte outside `ranges` (the chosen items, or the
/// parts of them to parse, in order) blanked (lines, columns and byte offsets stay those of the
/// file, see [`blank_except`]), or whole (false) when that cannot be done or does not give the
/// items' tokens.
pub fn selected_tokens(
    source: &str,
    sp: &Split,
    chosen: &[usize],
    ranges: impl Iterator<Item = std::ops::Range<usize>>,
) -> (Vec<TokenTree>, bool) {
    let want: usize = (chosen.iter())
        .filter_map(|&i| sp.items.get(i).map(|it| it.tokens.len()))
        .sum();
    if want == 0 {
        return (Vec::new(), true);
    }
    let blanked = blank_except(source, ranges);
    let tokenize = |text: &str| -> Vec<TokenTree> {
        TokenStream::from_str(text).map_or_else(|_| Vec::new(), |ts| ts.into_iter().collect())
    };
    match blanked.map(|b| tokenize(&b)) {
        Some(tokens) if tokens.len() == want => (tokens, true),
        _ => (tokenize(source), false),
    }
}

/// `text` with every byte outside `keep` blanked: newlines stay, other ASCII becomes a space,
/// a 2- or 3-byte character a whitespace character of the same length (U+0085, U+2028), so
/// proc-macro2 counts the same characters per line and the same bytes. None when a 4-byte
/// character would have to go (no whitespace character has 4 bytes).
fn blank_except(text: &str, keep: impl Iterator<Item = std::ops::Range<usize>>) -> Option<String> {
    let mut out = text.as_bytes().to_vec();
    let mut at = 0;
    for r in keep {
        blank(out.get_mut(at..r.start)?)?;
        at = r.end;
    }
    blank(out.get_mut(at..)?)?;
    String::from_utf8(out).ok()
}

/// Blanks a part of a text in place (see [`blank_except`]).
fn blank(part: &mut [u8]) -> Option<()> {
    if part.is_ascii() {
        part.iter_mut()
            .filter(|b| **b != b'\n')
            .for_each(|b| *b = b' ');
        return Some(());
    }
    let mut i = 0;
    while let Some(&b) = part.get(i) {
        let with: &[u8] = match b {
            b'\n' => b"\n",
            0..0x80 => b" ",
            0xC0..0xE0 => "\u{85}".as_bytes(),
            0xE0..0xF0 => "\u{2028}".as_bytes(),
            _ => return None,
        };
        part.get_mut(i..i + with.len())?.copy_from_slice(with);
        i += with.len();
    }
    Some(())
}
