//! Guards across `.await`: a zero-argument call of a guard method (`lock`, `read`, `write`,
//! `borrow`, `borrow_mut`, … as asked), bound with `let` to a name, still alive at a later
//! `.await` of the same block (it ends at the block's end or at `drop(guard)`). A guard
//! obtained with `.lock().await` is an async mutex guard and is not recorded. The receiver's
//! hinted type is kept: whether it is a lock is the query's business. Attributes such as
//! `#[allow(clippy::await_holding_lock)]` are deliberately ignored.

use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Pat, Stmt};

use std::collections::HashMap;

use super::facts::Guard;
use super::types::{Scope, Ty, of_type};
use super::visit::{Walker, region};

impl Walker<'_> {
    /// Records the guards of one async block's statements.
    pub(super) fn held(&mut self, stmts: &[Stmt]) {
        let methods = &self.engine.request.guard_methods;
        if methods.is_empty() {
            return;
        }
        for (i, stmt) in stmts.iter().enumerate() {
            let Stmt::Local(local) = stmt else { continue };
            let (Some(name), Some(init)) = (binding(&local.pat), &local.init) else {
                continue;
            };
            if declared_not_a_guard(&local.pat) {
                continue;
            }
            let Some((method, receiver)) = guard_method(&init.expr, methods) else {
                continue;
            };
            let Some(await_line) = later_await(&stmts[i + 1..], &name) else {
                continue;
            };
            let guard = Guard {
                name,
                method,
                region: region(local.let_token.span, local.semi_token.span),
                await_line: await_line as u32,
                recv: self.receiver_type(&stmts[..i], receiver),
                body: self.body(),
            };
            self.out.facts.guards.push(guard);
        }
    }
}

impl Walker<'_> {
    /// The hinted type of a guard's receiver, with the block's earlier `let`s bound: the walker
    /// binds them only as it reaches them, after this block's guards are recorded
    /// (`let slot = self.keys[&k].clone(); slot.try_lock()`, portier-broker's key slots).
    fn receiver_type(&self, earlier: &[Stmt], receiver: &Expr) -> Ty {
        let mut locals = self.locals.clone();
        locals.push(HashMap::new());
        for l in earlier.iter().filter_map(|s| match s {
            Stmt::Local(l) => Some(l),
            _ => None,
        }) {
            let (Some(name), Some(init)) = (binding(&l.pat), &l.init) else {
                continue;
            };
            let ty = match &l.pat {
                Pat::Type(t) => of_type(&t.ty, &self.res, None),
                _ => Scope {
                    locals: &locals,
                    ..self.scope()
                }
                .of_expr(&init.expr),
            };
            if let Some(top) = locals.last_mut() {
                top.insert(name, ty);
            }
        }
        Scope {
            locals: &locals,
            ..self.scope()
        }
        .of_expr(receiver)
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

/// `let id: &EventId = event_id.borrow();`: a declared type that is not a guard
/// (`MutexGuard`, `RwLockReadGuard`, `Ref`, `RefMut`, …) says the call was not a lock.
fn declared_not_a_guard(p: &Pat) -> bool {
    let Pat::Type(t) = p else {
        return false;
    };
    let mut ty = &*t.ty;
    while let syn::Type::Reference(r) = ty {
        ty = &r.elem;
    }
    match ty {
        syn::Type::Path(p) => p.path.segments.last().is_none_or(|s| {
            let name = s.ident.to_string();
            !(name.contains("Guard") || name == "Ref" || name == "RefMut")
        }),
        syn::Type::Infer(_) => false,
        _ => true,
    }
}

/// The guard method and its receiver when `e` is `recv.lock()`, `.lock().unwrap()`,
/// `.lock().expect(..)`, `.lock()?` (not `.lock().await`).
fn guard_method<'e>(e: &'e Expr, methods: &[String]) -> Option<(String, &'e Expr)> {
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
            Some((m.method.to_string(), &m.receiver))
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

/// Finds the first `.await` outside nested closures, async blocks and items.
pub(super) struct FindAwait {
    /// Its line.
    pub line: Option<usize>,
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
