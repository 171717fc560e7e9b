//! `held-across-await`: a guard from a listed method (`lock`, `read`, `write`, `borrow`,
//! `borrow_mut`; zero arguments), bound with `let` to a name, still alive at a later `.await`
//! of the same block (it ends at the block's end or at `drop(guard)`). A guard obtained with
//! `.lock().await` is an async mutex guard and is not flagged. Attributes such as
//! `#[allow(clippy::await_holding_lock)]` are deliberately ignored.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

use super::visit::{Walker, region};
use crate::kinds::Matcher;

impl Walker<'_> {
    /// Checks the statements of one async block.
    pub(super) fn held(&mut self, stmts: &[Stmt]) {
        let checks = self.engine.checks;
        let checks: Vec<(usize, &Vec<String>)> = self
            .input
            .checks
            .iter()
            .filter_map(|&i| match checks.get(i).map(|c| &c.matcher) {
                Some(Matcher::HeldAcrossAwait(m)) => Some((i, &m.methods)),
                _ => None,
            })
            .collect();
        if checks.is_empty() {
            return;
        }
        for (i, stmt) in stmts.iter().enumerate() {
            let Stmt::Local(local) = stmt else { continue };
            let (Some(name), Some(init)) = (binding(&local.pat), &local.init) else {
                continue;
            };
            for (idx, methods) in &checks {
                let Some(method) = guard_method(&init.expr, methods) else {
                    continue;
                };
                let Some(await_line) = later_await(&stmts[i + 1..], &name) else {
                    continue;
                };
                let r = region(local.let_token.span, local.semi_token.span);
                let msg = format!(
                    "guard `{name}` from `.{method}()` is held across the `.await` on line {await_line}"
                );
                let line = await_line.to_string();
                self.hit(
                    *idx,
                    r,
                    msg,
                    &[("name", &name), ("method", &method), ("await_line", &line)],
                );
            }
        }
    }
}

/// The bound name of `let x`, `let mut x`, `let x: T`.
fn binding(p: &Pat) -> Option<String> {
    match p {
        Pat::Ident(i) if i.subpat.is_none() => Some(i.ident.to_string()),
        Pat::Type(t) => binding(&t.pat),
        _ => None,
    }
}

/// The guard method when `e` is `recv.lock()`, `.lock().unwrap()`, `.lock().expect(..)`,
/// `.lock()?` (not `.lock().await`).
fn guard_method(e: &Expr, methods: &[String]) -> Option<String> {
    match e {
        Expr::Try(t) => guard_method(&t.expr, methods),
        Expr::Paren(p) => guard_method(&p.expr, methods),
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "unwrap" | "expect" | "unwrap_or_else"
            ) =>
        {
            guard_method(&m.receiver, methods)
        }
        Expr::MethodCall(m) if m.args.is_empty() && methods.iter().any(|x| m.method == x) => {
            Some(m.method.to_string())
        }
        _ => None,
    }
}

/// Line of the first `.await` in `stmts` before `drop(name)`.
fn later_await(stmts: &[Stmt], name: &str) -> Option<usize> {
    for s in stmts {
        if is_drop(s, name) {
            return None;
        }
        let mut f = FindAwait { line: None };
        f.visit_stmt(s);
        if f.line.is_some() {
            return f.line;
        }
    }
    None
}

fn is_drop(s: &Stmt, name: &str) -> bool {
    let Stmt::Expr(Expr::Call(c), _) = s else {
        return false;
    };
    let is_drop_fn = matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "drop"));
    is_drop_fn
        && c.args
            .iter()
            .any(|a| matches!(a, Expr::Path(p) if p.path.is_ident(name)))
}

struct FindAwait {
    line: Option<usize>,
}

impl<'ast> Visit<'ast> for FindAwait {
    fn visit_expr_await(&mut self, e: &'ast syn::ExprAwait) {
        visit::visit_expr_await(self, e);
        if self.line.is_none() {
            self.line = Some(e.await_token.span().start().line);
        }
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        for n in &super::macros::read(m, super::macros::Position::Expr).nodes {
            n.visit(self);
            if self.line.is_some() {
                return;
            }
        }
    }
}
