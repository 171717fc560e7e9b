//! Name-level reachability between a bin and the libraries it depends on, without types: which
//! library fns the bin's own code can call, transitively. A free fn is reached by a call of its
//! name (`serve(..)`, `app::serve(..)`); an associated fn or method of type `T` by `T::name` or,
//! once `T` is named in reached code, by `.name(..)`. So `Server::new(cfg).run()` reaches
//! `Server::run`, while a config printer that calls `Config::default()` does not reach the
//! `run` of a `Server` it never names. Used to tell which bins of a package reach the fn that
//! starts a server. An over-approximation still: same-named fns of one type are not told apart.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// What a body mentions.
#[derive(Debug, Default, Clone)]
pub struct Mentions {
    /// Names called as free fns: `name(`, `path::name(`.
    calls: HashSet<String>,
    /// `Type::name` pairs.
    assoc: HashSet<(String, String)>,
    /// Method names: `.name(`.
    methods: HashSet<String>,
    /// Every identifier (type names among them).
    idents: HashSet<String>,
}

impl Mentions {
    /// Adds what `other` mentions.
    pub fn merge(&mut self, other: &Mentions) {
        self.calls.extend(other.calls.iter().cloned());
        self.assoc.extend(other.assoc.iter().cloned());
        self.methods.extend(other.methods.iter().cloned());
        self.idents.extend(other.idents.iter().cloned());
    }
}

/// Every fn of some files, keyed by (impl type or "" for a free fn, name), with what its body
/// mentions (same-named fns of one type merged).
#[derive(Debug, Default)]
pub struct FnIndex {
    bodies: HashMap<(String, String), Mentions>,
}

impl FnIndex {
    /// Indexes the fns of these source texts (a text that does not tokenize is skipped).
    pub fn new<'t>(texts: impl IntoIterator<Item = &'t str>) -> FnIndex {
        let mut index = FnIndex::default();
        for text in texts {
            if let Ok(ts) = TokenStream::from_str(text) {
                index.add(ts, "");
            }
        }
        index
    }

    fn add(&mut self, ts: TokenStream, owner: &str) {
        let tokens: Vec<TokenTree> = ts.into_iter().collect();
        let mut i = 0;
        while let Some(t) = tokens.get(i) {
            match t {
                TokenTree::Ident(kw) if kw == "impl" => {
                    if let Some((ty, body, end)) = impl_block(&tokens, i + 1) {
                        self.add(body.stream(), &ty);
                        i = end;
                    }
                }
                TokenTree::Ident(kw) if kw == "fn" => {
                    if let (Some(TokenTree::Ident(name)), Some(body)) = (
                        tokens.get(i + 1),
                        body_after(tokens.get(i + 2..).unwrap_or(&[])),
                    ) {
                        let key = (owner.to_string(), name.to_string());
                        let entry = self.bodies.entry(key).or_default();
                        collect(body.stream(), entry);
                        self.add(body.stream(), "");
                    }
                }
                TokenTree::Group(g) => self.add(g.stream(), owner),
                _ => {}
            }
            i += 1;
        }
    }

    /// The (type, fn) keys reached from what the bin's own code mentions, to a fixpoint.
    pub fn reached(&self, start: Mentions) -> HashSet<(String, String)> {
        let mut seen: HashSet<(String, String)> = HashSet::new();
        let mut known = start;
        loop {
            let new: Vec<&(String, String)> = self
                .bodies
                .keys()
                .filter(|k| !seen.contains(*k) && calls(&known, k))
                .collect();
            if new.is_empty() {
                return seen;
            }
            for key in new {
                seen.insert(key.clone());
                if let Some(m) = self.bodies.get(key) {
                    known.merge(m);
                }
            }
        }
    }
}

/// Does code with these mentions call fn `(ty, name)`?
fn calls(m: &Mentions, (ty, name): &(String, String)) -> bool {
    if ty.is_empty() {
        return m.calls.contains(name);
    }
    m.assoc.contains(&(ty.clone(), name.clone()))
        || (m.methods.contains(name) && m.idents.contains(ty))
}

/// What a whole source text mentions (empty when it does not tokenize).
pub fn mentioned(text: &str) -> Mentions {
    let mut out = Mentions::default();
    if let Ok(ts) = TokenStream::from_str(text) {
        collect(ts, &mut out);
    }
    out
}

fn collect(ts: TokenStream, out: &mut Mentions) {
    let tokens: Vec<TokenTree> = ts.into_iter().collect();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            TokenTree::Ident(id) => {
                let name = id.to_string();
                let called = matches!(tokens.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis);
                let after_dot = matches!(tokens.get(i.wrapping_sub(1)), Some(TokenTree::Punct(p)) if p.as_char() == '.');
                if called && after_dot {
                    out.methods.insert(name.clone());
                } else if called {
                    out.calls.insert(name.clone());
                }
                if let Some(owner) = path_owner(&tokens, i) {
                    out.assoc.insert((owner, name.clone()));
                }
                out.idents.insert(name);
            }
            TokenTree::Group(g) => collect(g.stream(), out),
            _ => {}
        }
    }
}

/// For the ident at `i` preceded by `Owner ::`, the owner.
fn path_owner(tokens: &[TokenTree], i: usize) -> Option<String> {
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
    match tokens.get(i.checked_sub(3)?)? {
        TokenTree::Ident(owner) => Some(owner.to_string()),
        _ => None,
    }
}

/// The self type and body of the `impl` whose tokens start at `from` (after `impl`), and the
/// index of the body. `impl<T> Trait for Type<T> where .. { }` → `Type`.
fn impl_block(tokens: &[TokenTree], from: usize) -> Option<(String, &Group, usize)> {
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
fn body_after(tokens: &[TokenTree]) -> Option<&Group> {
    for t in tokens {
        match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => return Some(g),
            TokenTree::Punct(p) if p.as_char() == ';' => return None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reaches(index: &FnIndex, bin: &str, ty: &str, name: &str) -> bool {
        index
            .reached(mentioned(bin))
            .contains(&(ty.to_string(), name.to_string()))
    }

    #[test]
    fn follows_calls_paths_and_methods_of_named_types() {
        let lib = "pub async fn run() { start_http().await } async fn start_http() { axum::serve(l, app).await } \
                   pub struct Config; impl Default for Config { fn default() -> Self { Config } } \
                   pub struct Server; impl Server { pub fn new(c: Config) -> Self { Server } pub async fn start(&self) { listen().await } } \
                   async fn listen() { axum::serve(l, app).await }";
        let index = FnIndex::new([lib]);
        assert!(reaches(
            &index,
            "fn main() { lib::run() }",
            "",
            "start_http"
        ));
        let server = "fn main() { let s = lib::Server::new(lib::Config::default()); s.start() }";
        assert!(reaches(&index, server, "", "listen"));
        let printer = "fn main() { println!(\"{:?}\", lib::Config::default()) }";
        assert!(!reaches(&index, printer, "", "start_http"));
        assert!(!reaches(&index, printer, "", "listen"));
        // `.start()` of another type does not reach `Server::start`.
        let other = "fn main() { let t = Timer::new(); t.start() }";
        assert!(!reaches(&index, other, "Server", "start"));
    }
}
