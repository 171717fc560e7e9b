//! Macro invocations in the walk: the macro itself is a call site (for `macros = [..]`
//! patterns), and the code in its body (read by [`crate::rust::macros`] for its position) is
//! walked like any other code, its arguments a call context (`spawn_blocking!(..)`). A part of
//! the body that does not parse but calls a needle (`x.unwrap()`, `read_to_string(..)`,
//! `panic!`) is recorded as a `parse-error` note naming the macro: coverage was lost there. DSL
//! text that merely contains a needle's letters (diesel's `table!`, a parser combinator's
//! `rule!`) is not.

use syn::Macro;
use syn::spanned::Spanned;

use super::{Walker, addr, region};
use crate::rust::contexts::Frame;
use crate::rust::facts::Callee;
use crate::rust::macros::{self, Node, Position, Unparsed};
use crate::rust::resolve::segments;

/// The standard library's macros a check may name: one of these names imported by a `use`
/// item from elsewhere is another macro. (A crate's macro, such as solana-metrics'
/// `datapoint_info!`, is named by a check without its crate and is imported to be called.)
const STD_MACROS: &[&str] = &[
    "dbg",
    "panic",
    "todo",
    "unimplemented",
    "unreachable",
    "println",
    "eprintln",
    "print",
    "eprint",
];

impl Walker<'_> {
    /// Records the macro, then walks its body read in position `pos`.
    pub(super) fn on_macro(&mut self, m: &Macro, pos: Position) {
        let segs = segments(&m.path);
        let Some(name) = segs.last().cloned() else {
            return;
        };
        if name == "macro_rules" {
            return;
        }
        let r = region(m.path.span(), m.delimiter.span().close());
        // A macro named through a crate other than the standard library's is not the standard
        // one (`logging::dbg!` re-exports `tracing_macros::trace_dbg`; firezone), nor is one a
        // `use` item imports from elsewhere (maghemite's `use crate::dbg;` names its own
        // `macro_rules! dbg` logging through slog; fiftieth held-out set). A module of that
        // name imported the same way (git2's `use crate::panic;` for `panic::wrap(..)`) leaves
        // the macro the standard one: macros and modules are named apart, so a file that
        // writes `panic::` imported the module.
        let imported = (segs.len() == 1 && STD_MACROS.contains(&name.as_str()))
            .then(|| self.res.resolve(&segs).into_iter().next())
            .flatten()
            .filter(|full| full.len() > 1 && !self.text.contains(&format!("{name}::")));
        let named = imported.as_deref().unwrap_or(&segs);
        let callee = match named.first().map(String::as_str) {
            Some("std" | "core" | "alloc") | None => name.clone(),
            Some(_) if named.len() == 1 => name.clone(),
            Some(_) => named.join("::"),
        };
        self.on_call(Callee::Macro(callee), r, addr(m), &[], String::new());
        if name == "path" {
            self.warp_path(m);
        }
        // A project's own route-table macro: garage's `router_match! { GET "/health" => Health,
        // .. }` (thirty-sixth held-out set). Only a body whose text has both a rooted literal
        // and an arrow has its tokens walked.
        let bytes = m.path.span().byte_range().start..m.delimiter.span().close().byte_range().end;
        let table = self
            .text
            .get(bytes)
            .is_some_and(|t| t.contains("=>") && t.contains("\"/"));
        if table {
            for (route, line) in super::bodies::routed_literals(m.tokens.clone()) {
                self.route_fact(&route, line);
            }
        }
        let body = macros::read(m, pos);
        // Items of a body land in the enclosing module: its `use`s name things for the rest.
        for n in &body.nodes {
            if let Node::Item(syn::Item::Use(u)) = n {
                self.res.add_use(&u.tree);
            }
        }
        let expr = pos == Position::Expr;
        if expr {
            self.push_frame(Frame::Call(vec![vec![name.clone()]]));
        }
        if super::races::is_select(&name) {
            self.select_branches(&body.nodes, addr(m));
        } else {
            for n in &body.nodes {
                if !matches!(n, Node::Item(syn::Item::Use(_))) {
                    n.visit(self);
                }
            }
        }
        if expr {
            self.pop_frame();
        }
        if expr && segs.len() == 1 {
            self.expand_local_macro(&name, &m.tokens);
        }
        self.unparsed_note(&segs.join("::"), &body.unparsed);
    }

    /// One `parse-error` note for the first unparsed part of a body that calls a needle.
    fn unparsed_note(&mut self, name: &str, unparsed: &[Unparsed]) {
        if !self.engine.request.parse_errors {
            return;
        }
        let text = self.text;
        let Some(u) = unparsed.iter().find(|u| {
            let bytes = u.start.byte_range().start..u.end.byte_range().end;
            text.get(bytes).is_some_and(|t| {
                self.engine.mentions(t) && calls_a_needle(t, |w| self.engine.is_needle(w))
            })
        }) else {
            return;
        };
        let message = format!(
            "part of the body of `{name}!` does not parse as Rust ({}); the code in it was not analysed",
            u.error
        );
        self.out.macro_notes.push((region(u.start, u.end), message));
    }
}
/// Does the text call a needle: a whole identifier `w` with `is_needle(w)`, followed by `(`,
/// `!` or `::<` (a call, method call or macro)?
fn calls_a_needle(text: &str, is_needle: impl Fn(&str) -> bool) -> bool {
    let b = text.as_bytes();
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let mut i = 0;
    while i < b.len() {
        if !ident(b[i]) || (i > 0 && ident(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && ident(b[i]) {
            i += 1;
        }
        let rest = text.get(i..).unwrap_or("").trim_start();
        let called = rest.starts_with('(') || rest.starts_with('!') || rest.starts_with("::<");
        if called && text.get(start..i).is_some_and(&is_needle) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::calls_a_needle;

    #[test]
    fn only_calls_of_needles_count() {
        let needle = |w: &str| matches!(w, "unwrap" | "read" | "panic");
        assert!(calls_a_needle("<p>{ x.unwrap() }</p>", needle));
        assert!(calls_a_needle("a ~ panic!(\"x\")", needle));
        assert!(calls_a_needle("std::fs::read::<u8> (p)", needle));
        assert!(!calls_a_needle("users (uuid) { read -> Bool }", needle));
        assert!(!calls_a_needle("x.unwrap_or(1) already(2)", needle));
    }
}
