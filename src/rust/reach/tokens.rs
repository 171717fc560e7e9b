//! Token-level reading for the name-level reach: what a body mentions (calls, `Owner::name`
//! paths, methods, identifiers; attributes call nothing), items and impl blocks, `use` aliases'
//! owners, and the derives that make a type a parsed command line.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use std::str::FromStr;

use super::Mentions;

/// `Trait` in `impl<..> Trait<..> for Type<..>`: the last depth-0 ident before `for`.
pub(super) fn impl_trait(tokens: &[TokenTree]) -> Option<String> {
    let mut depth = 0usize;
    let mut last = None;
    for t in tokens {
        match t {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' => depth = depth.saturating_sub(1),
            TokenTree::Ident(id) if depth == 0 && id == "for" => return last,
            TokenTree::Ident(id) if depth == 0 => last = Some(id.to_string()),
            _ => {}
        }
    }
    None
}

/// The name of the type-level item whose keyword is at `i` ([`is_type_item`]) and what its
/// tokens mention, up to its `;` or through its body (`static mut X` and lazy_static's
/// `static ref X` are named `X`).
pub(super) fn item_at(tokens: &[TokenTree], i: usize) -> Option<(String, Mentions)> {
    let skip = matches!(tokens.get(i + 1), Some(TokenTree::Ident(m)) if m == "mut" || m == "ref");
    let at = i + 1 + usize::from(skip);
    let Some(TokenTree::Ident(name)) = tokens.get(at) else {
        return None;
    };
    let rest = tokens.get(at + 1..).unwrap_or(&[]);
    let end = rest
        .iter()
        .position(|t| match t {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            _ => false,
        })
        .map_or(rest.len(), |k| k + 1);
    let mut mentions = Mentions::default();
    collect(
        rest.get(..end).unwrap_or(rest).iter().cloned().collect(),
        &mut mentions,
    );
    Some((name.to_string(), mentions))
}

/// The named fields of the `struct` whose keyword is at `i`, each with the identifiers of its
/// type (`http: http::Server` gives `("http", {"http", "Server"})`); none for another item.
pub(super) fn struct_fields(tokens: &[TokenTree], i: usize) -> Vec<(String, Mentions)> {
    if !matches!(tokens.get(i), Some(TokenTree::Ident(kw)) if kw == "struct") {
        return Vec::new();
    }
    let body = tokens
        .get(i + 2..)
        .unwrap_or(&[])
        .iter()
        .take_while(|t| !matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
        .find_map(|t| match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => Some(g),
            _ => None,
        });
    let Some(body) = body else {
        return Vec::new();
    };
    let inner: Vec<TokenTree> = body.stream().into_iter().collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut depth = 0usize;
    for (k, t) in inner.iter().enumerate() {
        // The `>` of `->` (`Box<dyn Fn() -> T>`) closes no generics.
        let arrow =
            matches!(inner.get(k.wrapping_sub(1)), Some(TokenTree::Punct(p)) if p.as_char() == '-');
        match t {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' && !arrow => {
                depth = depth.saturating_sub(1);
            }
            TokenTree::Punct(p) if p.as_char() == ',' && depth == 0 => {
                out.extend(field(inner.get(start..k).unwrap_or(&[])));
                start = k + 1;
            }
            _ => {}
        }
    }
    out.extend(field(inner.get(start..).unwrap_or(&[])));
    out
}

/// One `name: Type` field (attributes and visibility before it skipped).
fn field(tokens: &[TokenTree]) -> Option<(String, Mentions)> {
    let colon = tokens.iter().position(
        |t| matches!(t, TokenTree::Punct(p) if p.as_char() == ':' && p.spacing() == proc_macro2::Spacing::Alone),
    )?;
    let Some(TokenTree::Ident(name)) = tokens.get(colon.checked_sub(1)?) else {
        return None;
    };
    let mut ty = Mentions::default();
    idents_of(
        tokens
            .get(colon + 1..)
            .unwrap_or(&[])
            .iter()
            .cloned()
            .collect(),
        &mut ty,
    );
    Some((name.to_string(), ty))
}

/// Is the ident at `i` the keyword of a type-level item with a name (`struct Config`,
/// `static APP: ..`, `const N: ..`, `type Cmd = ..`, `enum Command`)? Not `'static`, not
/// `const fn`.
pub(super) fn is_type_item(tokens: &[TokenTree], i: usize) -> bool {
    let Some(TokenTree::Ident(kw)) = tokens.get(i) else {
        return false;
    };
    let keyword = matches!(
        kw.to_string().as_str(),
        "struct" | "enum" | "static" | "const" | "type"
    );
    let lifetime =
        matches!(tokens.get(i.wrapping_sub(1)), Some(TokenTree::Punct(p)) if p.as_char() == '\'');
    let named = matches!(tokens.get(i + 1), Some(TokenTree::Ident(n)) if n != "fn");
    keyword && named && !lifetime
}

/// Do the outer attributes before the item keyword at `i` derive a command-line parser
/// (`#[derive(Parser)]`, `#[derive(clap::Subcommand, Debug)]`)? Visibility (`pub`,
/// `pub(crate)`) may stand between them and the keyword.
pub(super) fn derives_a_cli_parser(tokens: &[TokenTree], i: usize) -> bool {
    let mut k = i;
    while k > 0 {
        k -= 1;
        match tokens.get(k) {
            Some(TokenTree::Ident(v)) if v == "pub" => {}
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {}
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => {
                if derive_names(g).any(|n| CLI_DERIVES.contains(&n.as_str())) {
                    return true;
                }
            }
            Some(TokenTree::Punct(p)) if p.as_char() == '#' => {}
            _ => return false,
        }
    }
    false
}

/// Derives that parse a command line into the type.
const CLI_DERIVES: &[&str] = &["Parser", "Subcommand", "Args", "StructOpt"];

/// The last segments of the paths a `derive(..)` attribute names.
fn derive_names(attr: &Group) -> impl Iterator<Item = String> {
    let tokens: Vec<TokenTree> = attr.stream().into_iter().collect();
    let list = match tokens.as_slice() {
        [TokenTree::Ident(d), TokenTree::Group(g)] if d == "derive" => Some(g.stream()),
        _ => None,
    };
    list.into_iter().flatten().filter_map(|t| match t {
        TokenTree::Ident(i) => Some(i.to_string()),
        _ => None,
    })
}

/// What a whole source text mentions (empty when it does not tokenize).
pub fn mentioned(text: &str) -> Mentions {
    let mut out = Mentions::default();
    if let Ok(ts) = TokenStream::from_str(text) {
        collect(ts, &mut out);
    }
    out
}

pub(super) fn collect(ts: TokenStream, out: &mut Mentions) {
    let tokens: Vec<TokenTree> = ts.into_iter().collect();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            TokenTree::Ident(id) => {
                if id == "use" && starts_item(&tokens, i) {
                    let end = (tokens.iter().skip(i))
                        .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
                        .map_or(tokens.len(), |n| i + n);
                    imports_of(tokens.get(i + 1..end).unwrap_or_default(), &[], out);
                }
                let name = id.to_string();
                let args = tokens.get(after_turbofish(&tokens, i + 1));
                let called = matches!(args, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                let before = tokens.get(i.wrapping_sub(1));
                let after_dot = matches!(before, Some(TokenTree::Punct(p)) if p.as_char() == '.');
                // `fn name(` declares, it does not call.
                let called = called && !matches!(before, Some(TokenTree::Ident(kw)) if kw == "fn");
                let owner = path_owner(&tokens, i);
                if called && after_dot {
                    out.methods.insert(name.clone());
                } else if after_dot && method_follows(&tokens, i + 1) {
                    // `config.http.run(..)`: a field whose value a method is called on.
                    out.fields.insert(name.clone());
                } else if called && owner.is_none() {
                    out.calls.insert(name.clone());
                }
                if let Some(owner) = owner {
                    out.assoc.insert((owner, name.clone()));
                }
                out.idents.insert(name);
            }
            // An attribute (`#[tokio::main]`, `#[get("/x")]`) calls nothing: its paths name
            // macros, not fns (`tokio::main` is no call of a library's `main`).
            TokenTree::Group(g) if is_attribute(&tokens, i, g) => idents_of(g.stream(), out),
            TokenTree::Group(g) => collect(g.stream(), out),
            _ => {}
        }
    }
}

/// Does the token at `i` start an item: first, or after `;`, a block, an attribute or a
/// visibility (`pub use`, `pub(crate) use`)?
fn starts_item(tokens: &[TokenTree], i: usize) -> bool {
    match i.checked_sub(1).and_then(|p| tokens.get(p)) {
        None => true,
        Some(TokenTree::Punct(p)) => p.as_char() == ';',
        Some(TokenTree::Group(g)) => g.delimiter() != Delimiter::Parenthesis || is_pub(tokens, i),
        Some(TokenTree::Ident(v)) => v == "pub",
        Some(TokenTree::Literal(_)) => false,
    }
}

/// The names a `use` tree imports, with the module each comes from (the segment before it),
/// recorded in `out.imports`; renamed ones (`as`) and globs are left out.
fn imports_of(tokens: &[TokenTree], prefix: &[String], out: &mut Mentions) {
    let mut path: Vec<String> = prefix.to_vec();
    let mut renamed = false;
    let finish = |path: &mut Vec<String>, renamed: &mut bool, out: &mut Mentions| {
        let own = path.len() > prefix.len();
        if let (true, false, [.., from, name]) = (own, *renamed, path.as_slice()) {
            let known = out.imports.entry(name.clone()).or_default();
            if !known.contains(from) {
                known.push(from.clone());
            }
        }
        *path = prefix.to_vec();
        *renamed = false;
    };
    for t in tokens {
        match t {
            TokenTree::Ident(id) if id == "as" => renamed = true,
            TokenTree::Ident(id) if !renamed => path.push(id.to_string()),
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                imports_of(&inner, &path, out);
                path.clear();
            }
            TokenTree::Punct(p) if p.as_char() == ',' => finish(&mut path, &mut renamed, out),
            _ => {}
        }
    }
    finish(&mut path, &mut renamed, out);
}

/// Every identifier of these tokens, nested groups included.
pub(super) fn idents_in(tokens: &[TokenTree], out: &mut Mentions) {
    idents_of(tokens.iter().cloned().collect(), out);
}

/// Is the keyword at `i` after a visibility: `pub use`, `pub(crate) use`?
pub(super) fn is_pub(tokens: &[TokenTree], i: usize) -> bool {
    match tokens.get(i.wrapping_sub(1)) {
        Some(TokenTree::Ident(v)) => v == "pub",
        Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
            matches!(tokens.get(i.wrapping_sub(2)), Some(TokenTree::Ident(v)) if v == "pub")
        }
        _ => false,
    }
}

/// Is the fn whose `fn` keyword is at `i` marked `#[launch]` / `#[rocket::launch]` (its
/// qualifiers and other attributes between)?
pub(super) fn launch_attributed(tokens: &[TokenTree], i: usize) -> bool {
    let mut k = i;
    while let Some(prev) = k.checked_sub(1).and_then(|p| tokens.get(p)) {
        match prev {
            TokenTree::Ident(q)
                if matches!(
                    q.to_string().as_str(),
                    "pub" | "async" | "unsafe" | "const" | "extern"
                ) => {}
            TokenTree::Literal(_) => {}
            TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => {}
            TokenTree::Group(g) if is_attribute(tokens, k - 1, g) => {
                let words: Vec<String> = g
                    .stream()
                    .into_iter()
                    .filter_map(|t| match t {
                        TokenTree::Ident(w) => Some(w.to_string()),
                        _ => None,
                    })
                    .collect();
                let launch = matches!(words.as_slice(), [w] if w == "launch")
                    || matches!(words.as_slice(), [r, w] if r == "rocket" && w == "launch");
                if launch {
                    return true;
                }
            }
            TokenTree::Punct(p) if matches!(p.as_char(), '#' | '!') => {}
            _ => return false,
        }
        k -= 1;
    }
    false
}

/// Do the tokens at `k` call a method: `.name(` (a turbofish between allowed)?
fn method_follows(tokens: &[TokenTree], k: usize) -> bool {
    let dot = matches!(tokens.get(k), Some(TokenTree::Punct(p)) if p.as_char() == '.');
    let name = matches!(tokens.get(k + 1), Some(TokenTree::Ident(_)));
    let args = tokens.get(after_turbofish(tokens, k + 2));
    dot && name
        && matches!(args, Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
}

/// Is the bracket group at `i` an attribute's: `#[..]` or `#![..]`?
fn is_attribute(tokens: &[TokenTree], i: usize, g: &Group) -> bool {
    let punct =
        |k: usize, c: char| matches!(tokens.get(k), Some(TokenTree::Punct(p)) if p.as_char() == c);
    g.delimiter() == Delimiter::Bracket
        && (punct(i.wrapping_sub(1), '#')
            || (punct(i.wrapping_sub(1), '!') && punct(i.wrapping_sub(2), '#')))
}

/// Records only the identifiers of these tokens.
fn idents_of(ts: TokenStream, out: &mut Mentions) {
    for t in ts {
        match t {
            TokenTree::Ident(id) => {
                out.idents.insert(id.to_string());
            }
            TokenTree::Group(g) => idents_of(g.stream(), out),
            _ => {}
        }
    }
}

/// The index after a turbofish (`::<T>`) starting at `i`, or `i` when there is none.
fn after_turbofish(tokens: &[TokenTree], i: usize) -> usize {
    let punct =
        |k: usize, c: char| matches!(tokens.get(k), Some(TokenTree::Punct(p)) if p.as_char() == c);
    if !(punct(i, ':') && punct(i + 1, ':') && punct(i + 2, '<')) {
        return i;
    }
    let mut depth = 0usize;
    for (k, t) in tokens.iter().enumerate().skip(i + 2) {
        match t {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
    }
    i
}

/// For the ident at `i` preceded by `Owner ::`, the owner.
pub(super) fn path_owner(tokens: &[TokenTree], i: usize) -> Option<String> {
    let colons = (
        tokens.get(i.checked_sub(1)?)?,
        tokens.get(i.checked_sub(2)?)?,
    );
    let (TokenTree::Punct(a), TokenTree::Punct(b)) = colons else {
        return None;
    };
    if a.as_char() != ':' || b.as_char() != ':' {
        return None;
    }
    let mut k = i.checked_sub(3)?;
    if matches!(tokens.get(k)?, TokenTree::Punct(p) if p.as_char() == '>') {
        // `Owner::<T>::name`: back over the generic arguments and their `::`.
        let mut depth = 0usize;
        loop {
            match tokens.get(k)? {
                TokenTree::Punct(p) if p.as_char() == '>' => depth += 1,
                TokenTree::Punct(p) if p.as_char() == '<' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k = k.checked_sub(1)?;
        }
        k = k.checked_sub(3)?;
    }
    match tokens.get(k)? {
        TokenTree::Ident(owner) => Some(owner.to_string()),
        _ => None,
    }
}

/// The self type and body of the `impl` whose tokens start at `from` (after `impl`), and the
/// index of the body. `impl<T> Trait for Type<T> where .. { }` → `Type`.
pub(super) fn impl_block(tokens: &[TokenTree], from: usize) -> Option<(String, &Group, usize)> {
    let mut depth = 0usize;
    let mut last: Option<String> = None;
    let mut frozen = false;
    for (offset, t) in tokens.get(from..)?.iter().enumerate() {
        match t {
            TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
            TokenTree::Punct(p) if p.as_char() == '>' => depth = depth.saturating_sub(1),
            TokenTree::Punct(p) if p.as_char() == ';' => return None,
            TokenTree::Ident(id) if depth == 0 && id == "where" => frozen = true,
            TokenTree::Ident(id) if depth == 0 && id == "for" && !frozen => last = None,
            TokenTree::Ident(id) if depth == 0 && !frozen => last = Some(id.to_string()),
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                return Some((last?, g, from + offset));
            }
            _ => {}
        }
    }
    None
}

/// The brace group that is a fn's body, among the tokens after its name (None for a
/// declaration without body, ended by `;`).
pub(super) fn body_after(tokens: &[TokenTree]) -> Option<&Group> {
    for t in tokens {
        match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => return Some(g),
            TokenTree::Punct(p) if p.as_char() == ';' => return None,
            _ => {}
        }
    }
    None
}
