//! A file's own `macro_rules!` macros, expanded where a fn body invokes them: a server
//! whose accept loop is written in a local macro (mirakc's `listen!(listener, app, spawner)`,
//! acmed's `listen_and_accept!(TcpListener, addr, acceptor)`) serves in the fn that invokes it.
//!
//! The expansion is approximate and keeps the definition's spans: the first rule whose body
//! parses as statements once each metavariable `$x` is replaced by its name `x` and each
//! repetition `$( .. ) sep? op` by one copy of its contents. Findings in the body point into
//! the definition, where the code is written.

use std::rc::Rc;

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::parse::Parser;
use syn::visit::Visit;

use super::Walker;

/// How deep local macros may invoke local macros.
const MAX_DEPTH: u32 = 4;

impl Walker<'_> {
    /// Remembers the statements of the local macro `macro_rules! name { rules }`.
    pub(super) fn define_local_macro(&mut self, name: &str, rules: &TokenStream) {
        if let Some(stmts) = first_rule_statements(rules.clone()) {
            self.local_macros.insert(name.to_string(), Rc::new(stmts));
        }
    }

    /// Walks the statements of the local macro `name` (if it is one) where it is invoked.
    pub(super) fn expand_local_macro(&mut self, name: &str) {
        let Some(stmts) = self.local_macros.get(name).cloned() else {
            return;
        };
        if self.macro_depth >= MAX_DEPTH {
            return;
        }
        self.macro_depth += 1;
        for s in stmts.iter() {
            self.visit_stmt(s);
        }
        self.macro_depth -= 1;
    }
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
        let plain = without_metavariables(body);
        if let Ok(stmts) = syn::Block::parse_within.parse2(plain) {
            return Some(stmts);
        }
    }
    None
}

/// `tokens` with `$x` as `x`, `$crate` as `crate`, and `$( .. ) sep? op` as its contents once.
fn without_metavariables(tokens: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out: Vec<TokenTree> = Vec::with_capacity(tokens.len());
    let mut i = 0;
    while let Some(t) = tokens.get(i) {
        match t {
            TokenTree::Punct(p) if p.as_char() == '$' => match tokens.get(i + 1) {
                Some(TokenTree::Ident(id)) => {
                    out.push(TokenTree::Ident(id.clone()));
                    i += 2;
                }
                Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis => {
                    out.extend(without_metavariables(g.stream()));
                    i += 2 + repetition_tail(&tokens, i + 2);
                }
                _ => i += 1,
            },
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), without_metavariables(g.stream()));
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
    use super::first_rule_statements;

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

    /// Every identifier of a path.
    #[derive(Default)]
    struct Names(Vec<String>);

    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            self.0.push(i.to_string());
        }
    }
}
