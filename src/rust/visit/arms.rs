//! Event arms: the arms of a `match` on an enum's variants (an event dispatcher's
//! `BorsGlobalEvent::RefreshPermissions => ..`), and the variants a timer loop sends on a
//! channel (`_ = refresh.tick() => tx.send(BorsGlobalEvent::RefreshPermissions).await`).
//! Together they tell the roles stage which arms of an event loop's dispatcher run periodic
//! background work rather than serve (see `graph/roles.rs`).

use syn::visit::Visit;
use syn::{Expr, ExprMethodCall, Pat};

use super::Walker;
use crate::rust::facts::LoopKind;

/// Methods that put a value on a channel.
const SENDS: &[&str] = &[
    "send",
    "try_send",
    "send_async",
    "blocking_send",
    "unbounded_send",
    "send_timeout",
];

impl Walker<'_> {
    /// Walks a `match` of async code whose arms name enum variants, recording each such arm
    /// and marking the code inside it; false (nothing walked) when no arm names one.
    pub(super) fn match_event_arms(&mut self, e: &syn::ExprMatch) -> bool {
        if !self.in_async() {
            return false;
        }
        let variants: Vec<Option<[String; 2]>> = e.arms.iter().map(|a| variant(&a.pat)).collect();
        if variants.iter().all(Option::is_none) {
            return false;
        }
        self.visit_expr(&e.expr);
        for (arm, v) in e.arms.iter().zip(variants) {
            let Some(v) = v else {
                self.visit_arm(arm);
                continue;
            };
            let idx = self.out.facts.arms.len() as u32;
            self.out.facts.arms.push(v);
            self.arms.push((self.body(), idx));
            self.visit_arm(arm);
            self.arms.pop();
        }
        true
    }

    /// The event arm the innermost body is in, if the arm is in that body.
    pub(super) fn current_arm(&self) -> Option<u32> {
        self.arms
            .last()
            .filter(|(b, _)| *b == self.body())
            .map(|(_, a)| *a)
    }

    /// Records `tx.send(Enum::Variant)` (or `Enum::Variant(..)`, `Enum::Variant { .. }`) in a
    /// timer loop: the variant is periodic work.
    pub(super) fn timer_send(&mut self, m: &ExprMethodCall) {
        if !SENDS.contains(&m.method.to_string().as_str())
            || self.in_event_loop() != Some(LoopKind::Timer)
        {
            return;
        }
        let path = match m.args.first() {
            Some(Expr::Path(p)) => &p.path,
            Some(Expr::Call(c)) => match &*c.func {
                Expr::Path(p) => &p.path,
                _ => return,
            },
            Some(Expr::Struct(s)) => &s.path,
            _ => return,
        };
        if let Some(v) = last_two(path) {
            self.out.facts.timer_sends.push(v);
        }
    }
}

/// The `[Enum, Variant]` an arm's pattern names (`E::V`, `E::V(..)`, `E::V { .. }`, or the
/// first of `E::A | E::B`); not `Some(..)`, `Ok(..)`, a single name or a literal.
fn variant(p: &Pat) -> Option<[String; 2]> {
    match p {
        Pat::Path(x) => last_two(&x.path),
        Pat::TupleStruct(x) => last_two(&x.path),
        Pat::Struct(x) => last_two(&x.path),
        Pat::Or(x) => x.cases.iter().find_map(variant),
        _ => None,
    }
}

/// The last two segments of a path of at least two, the last one capitalised.
fn last_two(path: &syn::Path) -> Option<[String; 2]> {
    let n = path.segments.len();
    let [a, b] = [n.checked_sub(2)?, n - 1].map(|i| path.segments[i].ident.to_string());
    b.starts_with(|c: char| c.is_ascii_uppercase())
        .then_some([a, b])
}
