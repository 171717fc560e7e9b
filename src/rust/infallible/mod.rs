//! Unwraps that cannot panic: the `skip` classes of a `call` check on `.unwrap()` /
//! `.expect(..)` (see [`Skip`]). One extra pass over a parsed item finds them, keyed by the
//! position of the method name; the walker drops a finding of a check whose `skip` names the
//! class. Decided on the syntax alone: constant arguments, `String`/`Vec` bindings of the same
//! fn, and guards of the same fn that rule the failing case out (clippy's
//! `unnecessary_unwrap` idea, extended to map keys, non-empty collections and index loops).

mod checked;
mod constant;

pub(crate) use constant::const_name;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use syn::visit::{self, Visit};
use syn::{Expr, ExprMethodCall, Stmt};

use super::macros::{Position, read};
use crate::kinds::call::Skip;
use checked::{Fact, covered, diverges, key, loop_facts, present_pattern, when_false, when_true};
use constant::{constant_input, infallible_api, memory_init, memory_type, memory_write};

/// The classes of each exempt `.unwrap()` / `.expect(..)` of an item, by the 1-based (line,
/// column) of the method name (a finding's region start).
#[derive(Debug, Default, Clone)]
pub struct Exemptions(HashMap<(u32, u32), Vec<Skip>>);

impl Exemptions {
    /// Finds every exempt unwrap / expect in `item` (nested items and macro arguments included).
    pub fn of_item(item: &syn::Item) -> Exemptions {
        let mut finder = Finder::default();
        finder.visit_item(item);
        finder.out
    }

    /// Adds the exemptions of another item.
    pub fn extend(&mut self, other: Exemptions) {
        self.0.extend(other.0);
    }

    /// Is the call whose method name starts at (`line`, `column`) of one of the `skip` classes?
    pub fn skips(&self, line: u32, column: u32, skip: &[Skip]) -> bool {
        self.0
            .get(&(line, column))
            .is_some_and(|classes| classes.iter().any(|c| skip.contains(c)))
    }
}

/// A fact in scope, voided when its place is assigned or mutated before the unwrap.
struct Guard {
    fact: Fact,
    valid: bool,
}

/// Methods that may change whether an `Option` is `Some`, a map has a key, a vector is empty.
const MUTATORS: &[&str] = &[
    "take",
    "replace",
    "remove",
    "clear",
    "pop",
    "pop_front",
    "pop_back",
    "drain",
    "retain",
    "truncate",
    "split_off",
    "swap_remove",
    "get_or_insert_with",
];

/// Iterator adapters whose closure gets one item of the iterator at a time.
const ADAPTERS: &[&str] = &[
    "filter",
    "map",
    "filter_map",
    "flat_map",
    "for_each",
    "any",
    "all",
    "find",
    "find_map",
    "position",
    "inspect",
    "take_while",
    "skip_while",
];

#[derive(Default)]
struct Finder {
    guards: Vec<Guard>,
    /// Names bound to a `String` / `Vec` in the current fn.
    memory: Vec<String>,
    out: Exemptions,
}

impl Finder {
    fn with_facts(&mut self, facts: Vec<Fact>, f: impl FnOnce(&mut Self)) {
        let mark = self.guards.len();
        self.guards
            .extend(facts.into_iter().map(|fact| Guard { fact, valid: true }));
        f(self);
        self.guards.truncate(mark);
    }

    /// A place was assigned or mutated: facts about it (or about a place inside it) are void.
    fn void(&mut self, place: Option<String>) {
        let Some(place) = place else { return };
        for g in &mut self.guards {
            let p = g.fact.place();
            if p == place
                || p.strip_prefix(place.as_str())
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            {
                g.valid = false;
            }
        }
    }

    /// A fn body: guards and bindings do not cross it.
    fn in_fn(&mut self, sig: &syn::Signature, body: &syn::Block) {
        let guards = std::mem::take(&mut self.guards);
        let params: Vec<String> = sig
            .inputs
            .iter()
            .filter_map(|a| match a {
                syn::FnArg::Typed(t) if memory_type(&t.ty) => match &*t.pat {
                    syn::Pat::Ident(i) => Some(i.ident.to_string()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let memory = std::mem::replace(&mut self.memory, params);
        self.visit_block(body);
        self.guards = guards;
        self.memory = memory;
    }

    fn classify(&mut self, m: &ExprMethodCall) {
        let recv = &*m.receiver;
        let facts: Vec<&Fact> = self
            .guards
            .iter()
            .filter(|g| g.valid)
            .map(|g| &g.fact)
            .collect();
        let classes: Vec<Skip> = [
            (Skip::ConstantInput, constant_input(recv)),
            (Skip::InMemoryWrite, memory_write(recv, &self.memory)),
            (Skip::InfallibleApi, infallible_api(recv)),
            (Skip::Checked, covered(recv, &facts)),
        ]
        .into_iter()
        .filter_map(|(c, yes)| yes.then_some(c))
        .collect();
        if !classes.is_empty() {
            let start = m.method.span().start();
            self.out
                .0
                .insert((start.line as u32, start.column as u32 + 1), classes);
        }
    }

    /// A macro body, read as the walker reads it (`crate::rust::macros`), so that unwraps in
    /// `format!` arguments or `cfg_if!` items are classified where the walker finds them.
    fn in_macro(&mut self, m: &syn::Macro, pos: Position) {
        if m.path
            .segments
            .last()
            .is_some_and(|s| s.ident == "macro_rules")
        {
            return;
        }
        for n in &read(m, pos).nodes {
            n.visit(self);
        }
    }

    fn bind(&mut self, local: &syn::Local) {
        let (name, ty) = match &local.pat {
            syn::Pat::Ident(i) => (i.ident.to_string(), None),
            syn::Pat::Type(t) => match &*t.pat {
                syn::Pat::Ident(i) => (i.ident.to_string(), Some(&*t.ty)),
                _ => return,
            },
            _ => return,
        };
        self.void(Some(name.clone()));
        let is_memory = ty.is_some_and(memory_type)
            || local.init.as_ref().is_some_and(|i| memory_init(&i.expr));
        self.memory.retain(|m| *m != name);
        if is_memory {
            self.memory.push(name);
        }
    }
}

impl<'ast> Visit<'ast> for Finder {
    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        self.in_fn(&i.sig, &i.block);
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        self.in_fn(&i.sig, &i.block);
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        if let Some(b) = &i.default {
            self.in_fn(&i.sig, b);
        }
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        let mark = self.guards.len();
        for s in &b.stmts {
            self.visit_stmt(s);
            // `if x.is_none() { return; }`: what follows knows `x` is `Some`.
            if let Stmt::Expr(Expr::If(i), _) = s
                && i.else_branch.is_none()
                && diverges(&i.then_branch)
            {
                let facts = when_false(&i.cond);
                self.guards
                    .extend(facts.into_iter().map(|fact| Guard { fact, valid: true }));
            }
        }
        self.guards.truncate(mark);
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        if let Some(init) = &l.init {
            self.visit_expr(&init.expr);
            if let Some((_, diverge)) = &init.diverge {
                self.visit_expr(diverge);
            }
        }
        self.bind(l);
    }

    fn visit_expr_if(&mut self, i: &'ast syn::ExprIf) {
        self.visit_expr(&i.cond);
        self.with_facts(when_true(&i.cond), |s| s.visit_block(&i.then_branch));
        if let Some((_, e)) = &i.else_branch {
            self.with_facts(when_false(&i.cond), |s| s.visit_expr(e));
        }
    }

    fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
        self.visit_expr(&w.cond);
        self.with_facts(when_true(&w.cond), |s| s.visit_block(&w.body));
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        self.visit_expr(&m.expr);
        let subject = key(&m.expr);
        for arm in &m.arms {
            let facts = match (&subject, present_pattern(&arm.pat)) {
                (Some(s), Some(true)) => vec![Fact::Present(s.clone())],
                _ => Vec::new(),
            };
            self.with_facts(facts, |s| {
                s.visit_pat(&arm.pat);
                s.visit_expr(&arm.body);
            });
        }
    }

    fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
        self.visit_expr(&f.expr);
        self.with_facts(loop_facts(&f.pat, &f.expr), |s| s.visit_block(&f.body));
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        self.visit_expr(&a.right);
        self.void(key(&a.left));
        self.visit_expr(&a.left);
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        // `mem::take(&mut x)`, `mem::replace(&mut x, ..)`, `mem::swap(&mut x, ..)`.
        if let Expr::Path(p) = &*c.func
            && p.path.segments.last().is_some_and(|s| {
                matches!(s.ident.to_string().as_str(), "take" | "replace" | "swap")
            })
        {
            for a in &c.args {
                self.void(key(a));
            }
        }
        visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast ExprMethodCall) {
        let name = m.method.to_string();
        if (name == "unwrap" && m.args.is_empty()) || (name == "expect" && m.args.len() == 1) {
            self.classify(m);
        }
        self.visit_expr(&m.receiver);
        if MUTATORS.contains(&name.as_str()) {
            self.void(key(&m.receiver));
        }
        for a in &m.args {
            // `m.keys().filter(|k| m.get(k).unwrap()..)`: the closure's item is a key of `m`.
            let facts = match a {
                Expr::Closure(c) if c.inputs.len() == 1 && ADAPTERS.contains(&name.as_str()) => {
                    c.inputs.first().map(|p| loop_facts(p, &m.receiver))
                }
                _ => None,
            };
            self.with_facts(facts.unwrap_or_default(), |s| s.visit_expr(a));
        }
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        self.in_macro(m, Position::Expr);
    }

    fn visit_item_macro(&mut self, i: &'ast syn::ItemMacro) {
        if i.ident.is_none() {
            self.in_macro(&i.mac, Position::Item);
        }
    }

    fn visit_impl_item_macro(&mut self, i: &'ast syn::ImplItemMacro) {
        self.in_macro(&i.mac, Position::Impl);
    }

    fn visit_trait_item_macro(&mut self, i: &'ast syn::TraitItemMacro) {
        self.in_macro(&i.mac, Position::Trait);
    }
}
