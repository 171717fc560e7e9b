//! A file's own `macro_rules!` macros, expanded where a fn body invokes them: a server
//! whose accept loop is written in a local macro (mirakc's `listen!(listener, app, spawner)`,
//! acmed's `listen_and_accept!(TcpListener, addr, acceptor)`) serves in the fn that invokes it.
//!
//! The expansion is approximate and keeps the definition's spans. Where the first rule's matcher
//! is a plain list of fragments (`($self:expr, $rpc:expr, $request:expr)`) and the invocation
//! gives as many comma-separated arguments, each `$x` is replaced by its argument (in a group,
//! as the compiler keeps an `expr` whole), so `auth_rpc!(self, rpcs::login, request)` calls
//! `rpcs::login` (jonline's gRPC handlers, forty-sixth held-out set). Otherwise: the first rule
//! whose body parses as statements once each metavariable `$x` is replaced by its name `x` and
//! each repetition `$( .. ) sep? op` by one copy of its contents. Findings in the body point
//! into the definition, where the code is written; an argument keeps the invocation's spans.

use std::rc::Rc;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::visit::Visit;

use super::Walker;

/// How deep local macros may invoke local macros.
const MAX_DEPTH: u32 = 4;

impl Walker<'_> {
    /// Remembers the local macro `macro_rules! name { rules }`: its statements with the
    /// metavariables named, and its first rule when that one's matcher lists plain fragments.
    pub(super) fn define_local_macro(&mut self, name: &str, rules: &TokenStream) {
        if let Some(stmts) = first_rule_statements(rules.clone()) {
            let macro_ = LocalMacro {
                named: stmts,
                plain_rule: plain_first_rule(rules.clone()),
            };
            self.local_macros.insert(name.to_string(), Rc::new(macro_));
        }
    }

    /// Walks the statements of the local macro `name` (if it is one) where it is invoked with
    /// the tokens `args`.
    pub(super) fn expand_local_macro(&mut self, name: &str, args: &TokenStream) {
        let Some(macro_) = self.local_macros.get(name).cloned() else {
            return;
        };
        if self.macro_depth >= MAX_DEPTH {
            return;
        }
        self.macro_depth += 1;
        match macro_.plain_rule.as_ref().and_then(|r| r.expand(args)) {
            Some(stmts) => stmts.iter().for_each(|s| self.visit_stmt(s)),
            None => macro_.named.iter().for_each(|s| self.visit_stmt(s)),
        }
        self.macro_depth -= 1;
    }
}

/// A file's own macro as the walk expands it.
pub(super) struct LocalMacro {
    /// The statements of its first rule that parses, metavariables named (`$x` as `x`).
    named: Vec<syn::Stmt>,
    /// Its first rule, when the matcher is a plain list of fragments.
    plain_rule: Option<PlainRule>,
}

/// A rule whose matcher is `($a:frag, $b:frag, ..)` (a trailing comma allowed), and its body.
struct PlainRule {
    params: Vec<String>,
    body: TokenStream,
}

impl PlainRule {
    /// The body's statements with each parameter replaced by its argument, when `args` has one
    /// per parameter (split at top-level commas) and the result parses.
    fn expand(&self, args: &TokenStream) -> Option<Vec<syn::Stmt>> {
        let given = split_commas(args.clone());
        if given.len() != self.params.len() {
            return None;
        }
        let bound: Vec<(&str, TokenStream)> =
            self.params.iter().map(String::as_str).zip(given).collect();
        let body = substituted(self.body.clone(), &bound);
        syn::Block::parse_within.parse2(body).ok()
    }
}

/// The first rule of `rules` when its matcher is a plain list of `$name:fragment`.
fn plain_first_rule(rules: TokenStream) -> Option<PlainRule> {
    let tokens: Vec<TokenTree> = rules.into_iter().collect();
    let (Some(TokenTree::Group(matcher)), Some(TokenTree::Group(body))) =
        (tokens.first(), tokens.get(3))
    else {
        return None;
    };
    let mut params = Vec::new();
    for part in split_commas(matcher.stream()) {
        let part: Vec<TokenTree> = part.into_iter().collect();
        match part.as_slice() {
            [
                TokenTree::Punct(d),
                TokenTree::Ident(name),
                TokenTree::Punct(c),
                TokenTree::Ident(_),
            ] if d.as_char() == '$' && c.as_char() == ':' => {
                params.push(name.to_string());
            }
            _ => return None,
        }
    }
    (!params.is_empty()).then(|| PlainRule {
        params,
        body: body.stream(),
    })
}

/// `tokens` split at its top-level commas (a trailing comma ends the last part; `<..>` is not
/// a group, so a comma of a generic argument list splits: such an argument does not match).
fn split_commas(tokens: TokenStream) -> Vec<TokenStream> {
    let mut parts: Vec<Vec<TokenTree>> = vec![Vec::new()];
    for t in tokens {
        match &t {
            TokenTree::Punct(p) if p.as_char() == ',' => parts.push(Vec::new()),
            _ => {
                if let Some(last) = parts.last_mut() {
                    last.push(t);
                }
            }
        }
    }
    if parts.last().is_some_and(Vec::is_empty) {
        parts.pop();
    }
    parts.into_iter().map(|p| p.into_iter().collect()).collect()
}

/// `tokens` with each bound `$name` replaced by its argument in an invisible group, any other
/// `$x` as `x` (`$crate` as `crate`), and `$( .. ) sep? op` as its contents once.
fn substituted(tokens: TokenStream, bound: &[(&str, TokenStream)]) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        match t {
            TokenTree::Punct(p) if p.as_char() == '$' => match tokens.get(i + 1) {
                Some(TokenTree::Ident(id)) => {
                    let name = id.to_string();
                    match bound.iter().find(|(n, _)| *n == name) {
                        Some((_, arg)) => {
                            let mut group = Group::new(Delimiter::None, arg.clone());
                            if let Some(first) = arg.clone().into_iter().next() {
                                group.set_span(first.span());
                            }
                            out.push(TokenTree::Group(group));
                        }
                        None => out.push(TokenTree::Ident(id.clone())),
                    }
                    i += 2;
                }
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                    out.extend(substituted(g.stream(), bound));
                    i += 2 + repetition_tail(&tokens, i + 2);
                }
                _ => i += 1,
            },
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), substituted(g.stream(), bound));
                inner.set_span(g.span());
                out.push(TokenTree::Group(inner));
                i += 1;
            }
            other => {
                out.push(other.clone());
                i += 1;
            }
        }
    }
    out.into_iter().collect()
}

/// The statements of the first rule (`(matcher) => { body }`) whose body parses.
fn first_rule_statements(rules: TokenStream) -> Option<Vec<syn::Stmt>> {
    let tokens: Vec<TokenTree> = rules.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        // matcher, `=`, `>`, body, optional `;`
        let body = match (
            tokens.get(i),
            tokens.get(i + 1),
            tokens.get(i + 2),
            tokens.get(i + 3),
        ) {
            (
                Some(TokenTree::Group(_)),
                Some(TokenTree::Punct(eq)),
                Some(TokenTree::Punct(gt)),
                Some(TokenTree::Group(body)),
            ) if eq.as_char() == '=' && gt.as_char() == '>' => body.stream(),
            _ => return None,
        };
        i += 4;
        if matches!(tokens.get(i), Some(TokenTree::Punct(p)) if p.as_char() == ';') {
            i += 1;
        }
        let plain = substituted(body, &[]);
        if let Ok(stmts) = syn::Block::parse_within.parse2(plain) {
            return Some(stmts);
        }
    }
    None
}

/// The number of tokens after a repetition's group that close it: an optional separator, then
/// `*`, `+` or `?`.
fn repetition_tail(tokens: &[TokenTree], at: usize) -> usize {
    let op = |t: Option<&TokenTree>| matches!(t, Some(TokenTree::Punct(p)) if matches!(p.as_char(), '*' | '+' | '?'));
    if op(tokens.get(at)) {
        1
    } else if op(tokens.get(at + 1)) {
        2
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::{first_rule_statements, plain_first_rule};

    #[test]
    fn a_rule_body_becomes_statements_with_metavariables_named() {
        let rules: proc_macro2::TokenStream =
            "($listener:expr, $app:expr) => { loop { let (s, _) = \
            $listener.accept().await.unwrap(); $( spawn($app); )* } };"
                .parse()
                .unwrap();
        let stmts = first_rule_statements(rules).unwrap();
        assert_eq!(stmts.len(), 1);
        let mut names = Names::default();
        syn::visit::Visit::visit_stmt(&mut names, &stmts[0]);
        assert!(names.0.contains(&"listener".to_string()), "{:?}", names.0);
        assert!(names.0.contains(&"app".to_string()), "{:?}", names.0);
        assert!(names.0.contains(&"spawn".to_string()), "{:?}", names.0);
    }

    #[test]
    fn a_rule_that_is_not_statements_gives_nothing() {
        let rules: proc_macro2::TokenStream = "($t:ty) => { impl Foo for $t {} }".parse().unwrap();
        assert!(first_rule_statements(rules).is_some_and(|s| s.len() == 1));
        let rules: proc_macro2::TokenStream = "($e:expr) => { $e + }".parse().unwrap();
        assert!(first_rule_statements(rules).is_none());
    }

    #[test]
    fn a_plain_rule_is_expanded_with_the_invocation_arguments() {
        let rules: proc_macro2::TokenStream =
            "($self: expr, $rpc:expr, $request:expr) => {{ let c = conn(&$self.pool)?; \
            $rpc($request.into_inner(), &mut c) }};"
                .parse()
                .unwrap();
        let rule = plain_first_rule(rules).unwrap();
        let args: proc_macro2::TokenStream = "self, rpcs::login, request".parse().unwrap();
        let stmts = rule.expand(&args).unwrap();
        let mut names = Names::default();
        syn::visit::Visit::visit_stmt(&mut names, &stmts[0]);
        assert!(names.0.contains(&"login".to_string()), "{:?}", names.0);
        assert!(!names.0.contains(&"rpc".to_string()), "{:?}", names.0);
        // Another number of arguments, or a matcher with a repetition: no plain expansion.
        assert!(rule.expand(&"self, rpcs::login".parse().unwrap()).is_none());
        let repeated: proc_macro2::TokenStream =
            "($($e:expr),*) => { $( f($e); )* };".parse().unwrap();
        assert!(plain_first_rule(repeated).is_none());
    }

    /// Every identifier of a path.
    #[derive(Default)]
    struct Names(Vec<String>);

    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            self.0.push(i.to_string());
        }
    }
}
