//! Name-level reachability between a bin and the libraries it depends on, without types: from
//! the identifiers the bin's own files mention, follow fns of the libraries by name (a fn whose
//! name is mentioned contributes the identifiers of its body), to a fixpoint. Used to tell
//! which bins of a package reach the library fn that starts a server. An over-approximation:
//! same-named fns are not told apart.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// Every fn of some files by name, with the identifiers its body mentions (same-named fns
/// merged).
#[derive(Debug, Default)]
pub struct FnIndex {
    bodies: HashMap<String, HashSet<String>>,
}

impl FnIndex {
    /// Indexes the fns of these source texts (a text that does not tokenize is skipped).
    pub fn new<'t>(texts: impl IntoIterator<Item = &'t str>) -> FnIndex {
        let mut index = FnIndex::default();
        for text in texts {
            if let Ok(ts) = TokenStream::from_str(text) {
                index.add(ts);
            }
        }
        index
    }

    fn add(&mut self, ts: TokenStream) {
        let tokens: Vec<TokenTree> = ts.into_iter().collect();
        for (i, t) in tokens.iter().enumerate() {
            match t {
                TokenTree::Ident(kw) if kw == "fn" => {
                    let Some(TokenTree::Ident(name)) = tokens.get(i + 1) else {
                        continue;
                    };
                    if let Some(body) = body_after(tokens.get(i + 2..).unwrap_or(&[])) {
                        let entry = self.bodies.entry(name.to_string()).or_default();
                        idents(body.stream(), entry);
                    }
                }
                TokenTree::Group(g) => self.add(g.stream()),
                _ => {}
            }
        }
    }

    /// The fn names reached from identifiers `start`, following bodies by name.
    pub fn reached(&self, start: HashSet<String>) -> HashSet<String> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut stack: Vec<String> = start.into_iter().collect();
        while let Some(name) = stack.pop() {
            if !seen.insert(name.clone()) {
                continue;
            }
            if let Some(body) = self.bodies.get(&name) {
                stack.extend(body.iter().filter(|n| !seen.contains(*n)).cloned());
            }
        }
        seen
    }
}

/// The brace group that is a fn's body, among the tokens after its name (None for a
/// declaration without body, ended by `;`).
fn body_after(tokens: &[TokenTree]) -> Option<&proc_macro2::Group> {
    for t in tokens {
        match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => return Some(g),
            TokenTree::Punct(p) if p.as_char() == ';' => return None,
            _ => {}
        }
    }
    None
}

/// Every identifier of a source text (empty when it does not tokenize).
pub fn mentioned(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    if let Ok(ts) = TokenStream::from_str(text) {
        idents(ts, &mut out);
    }
    out
}

fn idents(ts: TokenStream, out: &mut HashSet<String>) {
    for t in ts {
        match t {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => idents(g.stream(), out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_fn_bodies_by_name() {
        let lib = "pub async fn run() { start_http().await } async fn start_http() { axum::serve(l, app).await } pub fn default_config() -> Config { Config::new() }";
        let index = FnIndex::new([lib]);
        let server = index.reached(mentioned("fn main() { lib::run() }"));
        assert!(server.contains("start_http"));
        let printer = index.reached(mentioned(
            "fn main() { println!(\"{:?}\", lib::default_config()) }",
        ));
        assert!(!printer.contains("start_http"));
    }
}
