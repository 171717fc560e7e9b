//! A signal raced against the server in a `select!`: `select! { _ = server => {}, _ =
//! ctrl_c() => {} }` returns when the signal comes and drops the server future with its
//! requests in flight. That handles ctrl-c, but shuts nothing down gracefully, so the signal
//! is no graceful-shutdown evidence (tanoshi, mollysocket, dim; the held-out sets' standard
//! since the fifteenth). A branch body that drains (`handle.graceful_shutdown(..)`,
//! `token.cancel()`) keeps it evidence, and so does a race of signals alone (the usual
//! `shutdown_signal()` given to `with_graceful_shutdown`).

use std::collections::HashSet;
use std::ops::Range;

use syn::Expr;
use syn::spanned::Spanned;

use super::{Walker, addr};
use crate::rust::macros::Node;

/// Words of a future (its text, or a local's initializer) that serves: the server itself, or a
/// join of it with other tasks.
const SERVING_WORDS: &[&str] = &[
    "serve", "server", "launch", "listen", "web", "http", "https", "app", "api", "grpc", "rocket",
    "warp", "axum", "actix", "hyper", "tonic", "poem",
];

/// A local's binding: its initializer's bytes, and the presence facts recorded in it.
#[derive(Debug, Clone)]
pub(super) struct LocalInit {
    init: Range<usize>,
    facts: Range<usize>,
}

impl Walker<'_> {
    /// Notes, for each `select!` statement of a block, the identifiers of the later statements
    /// that shut something down (`relay.shutdown().await?` after `select! { _ = ctrl_c() =>
    /// (), _ = relay.join() => () }`: iroh's relay): a race followed by the server's own
    /// shutdown drains it.
    pub(super) fn note_drains_after_selects(&mut self, stmts: &[syn::Stmt]) {
        if !self.select_in_fn {
            return;
        }
        for (i, s) in stmts.iter().enumerate() {
            let Some(m) = select_macro(s) else { continue };
            let later: Vec<String> = stmts
                .get(i + 1..)
                .unwrap_or_default()
                .iter()
                .filter_map(super::exits::draining_idents)
                .flatten()
                .collect();
            if !later.is_empty() {
                self.drains_after
                    .insert(addr(m), later.into_iter().collect());
            }
        }
    }

    /// Remembers what `let name = init;` held, for [`Walker::raced_signals`].
    pub(super) fn note_local_init(&mut self, l: &syn::Local, facts: Range<usize>) {
        let (true, syn::Pat::Ident(id), Some(init)) = (self.select_in_fn, &l.pat, &l.init) else {
            return;
        };
        let bytes = crate::rust::split::span_bytes(init.expr.span());
        self.local_inits
            .insert(id.ident.to_string(), LocalInit { init: bytes, facts });
    }

    /// The signal futures of a `select!` (its nodes read as future, body, future, body, …)
    /// that race a serving future with no draining body: their addresses, to be visited as
    /// evidence of nothing. The presence facts of the locals they name (`let sigint =
    /// signal::ctrl_c();` before the `select!`) are dropped.
    pub(super) fn raced_signals(
        &mut self,
        nodes: &[Node],
        stopped_after: Option<HashSet<String>>,
    ) -> HashSet<usize> {
        let (futures, bodies) = self.futures_and_bodies(nodes);
        let stopped_after = stopped_after.as_ref();
        let serving: Vec<String> = futures
            .iter()
            .filter(|f| !self.names_a_signal(f))
            .map(|f| self.spanned_text(f))
            .filter(|t| has_serving_word(&self.with_inits(t)))
            .collect();
        // The server stopped after the race (`relay.shutdown()`) is drained.
        let drained_after = serving
            .iter()
            .any(|t| words(t).any(|w| stopped_after.is_some_and(|after| after.contains(w))));
        // A branch that aborts the tasks (`transport_tasks.abort_all()` when the signal comes:
        // throttlecrab, fortieth held-out set) cuts what they serve, whatever their names.
        let aborts = bodies.iter().any(|b| aborts_tasks(&self.spanned_text(*b)));
        let serving = (!serving.is_empty() && !drained_after) || aborts;
        let signals: Vec<&Expr> = futures
            .iter()
            .copied()
            .filter(|f| self.names_a_signal(f))
            .collect();
        let drains = bodies.iter().any(|b| super::exits::drains(b));
        if !serving || signals.is_empty() || drains {
            return HashSet::new();
        }
        let facts: Vec<Range<usize>> = signals
            .iter()
            .flat_map(|f| self.locals_named(&self.spanned_text(f), 2))
            .filter_map(|name| self.local_inits.get(&name))
            .map(|l| l.facts.clone())
            .collect();
        self.raced_facts.extend(facts.into_iter().flatten());
        signals.iter().map(|f| addr(*f)).collect()
    }

    /// The signals an exit tail waits for through locals bound before it (rss-funnel's `let mut
    /// sigterm = signal(SignalKind::terminate())?;` … `select! { _ = sigterm.recv() => .. };
    /// process::exit(0)`, thirty-third held-out set): their presence facts are no
    /// graceful-shutdown evidence either. Only locals whose initializer names a signal: a
    /// server bound before the tail keeps its evidence.
    pub(super) fn exit_tail_signals(&mut self, tail: &[syn::Stmt]) {
        if self.local_inits.is_empty() {
            return;
        }
        let text: Vec<String> = tail.iter().map(|s| self.spanned_text(s)).collect();
        let facts: Vec<Range<usize>> = self
            .locals_named(&text.join(" "), 1)
            .iter()
            .filter_map(|name| self.local_inits.get(name))
            .filter(|l| self.text.get(l.init.clone()).is_some_and(names_signal_text))
            .map(|l| l.facts.clone())
            .collect();
        self.raced_facts.extend(facts.into_iter().flatten());
    }

    /// The futures and bodies of `select!` branches; a precondition (`fut, if cond =>`) is
    /// neither.
    fn futures_and_bodies<'n>(&self, nodes: &'n [Node]) -> (Vec<&'n Expr>, Vec<&'n Expr>) {
        let (mut futures, mut bodies) = (Vec::new(), Vec::new());
        let mut body_next = false;
        for n in nodes {
            let Node::Expr(e) = n else { continue };
            if self.is_precondition(e) {
                continue;
            }
            match body_next {
                true => bodies.push(e),
                false => futures.push(e),
            }
            body_next = !body_next;
        }
        (futures, bodies)
    }

    /// Is this future an OS signal: by the walker's reading, or by its text or its local's
    /// initializer naming one (`let sigint = signal::ctrl_c().fuse();`)?
    fn names_a_signal(&self, e: &Expr) -> bool {
        self.is_signal_future(e) || names_signal_text(&self.with_inits(&self.spanned_text(e)))
    }

    /// `text`, with the initializers of the locals it names (two levels deep) appended.
    fn with_inits(&self, text: &str) -> String {
        let mut out = text.to_string();
        for name in self.locals_named(text, 2) {
            if let Some(init) = self
                .local_inits
                .get(&name)
                .and_then(|l| self.text.get(l.init.clone()))
            {
                out.push(' ');
                out.push_str(init);
            }
        }
        out
    }

    /// The locals with a remembered initializer that `text` names, and (down to `depth`
    /// levels) those their initializers name.
    fn locals_named(&self, text: &str, depth: u32) -> Vec<String> {
        let mut found: Vec<String> = words(text)
            .filter(|w| self.local_inits.contains_key(*w))
            .map(str::to_string)
            .collect();
        found.sort();
        found.dedup();
        if depth > 1 {
            let deeper: Vec<String> = found
                .iter()
                .filter_map(|n| self.local_inits.get(n))
                .filter_map(|l| self.text.get(l.init.clone()))
                .flat_map(|t| self.locals_named(t, depth - 1))
                .collect();
            found.extend(deeper);
            found.sort();
            found.dedup();
        }
        found
    }

    /// The file text a syntax node spans.
    fn spanned_text(&self, node: &impl Spanned) -> String {
        self.text
            .get(crate::rust::split::span_bytes(node.span()))
            .unwrap_or("")
            .to_string()
    }
}

/// The `select!` macro of a statement (`select! { .. }`, `let x = select! { .. };`), if any.
fn select_macro(s: &syn::Stmt) -> Option<&syn::Macro> {
    let m = match s {
        syn::Stmt::Macro(m) => &m.mac,
        syn::Stmt::Expr(Expr::Macro(m), _) => &m.mac,
        syn::Stmt::Local(l) => match l.init.as_ref().map(|i| &*i.expr) {
            Some(Expr::Macro(m)) => &m.mac,
            _ => return None,
        },
        _ => return None,
    };
    let last = m.path.segments.last()?.ident.to_string();
    is_select(&last).then_some(m)
}

/// Is a macro of this name (last path segment) a `select!`?
pub(super) fn is_select(name: &str) -> bool {
    matches!(name, "select" | "select_biased")
}

/// The identifier-like words of a text.
pub(in crate::rust) fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
}

/// Does the text name an OS signal (`ctrl_c`, `SignalKind::terminate()`, `SIGTERM`)?
fn names_signal_text(text: &str) -> bool {
    words(text).any(|w| matches!(w, "ctrl_c" | "SignalKind" | "SIGTERM" | "SIGINT"))
}

/// Does the text name something serving (as a word of an identifier: `server_fut`,
/// `web::launch()`, `axum::serve(..)`)?
fn has_serving_word(text: &str) -> bool {
    words(text).any(|w| super::waits::has_word(w, SERVING_WORDS))
}

/// Does a branch body abort tasks (`set.abort_all()`, `handle.abort()`)?
fn aborts_tasks(body: &str) -> bool {
    [".abort_all()", ".abort()"]
        .iter()
        .any(|call| body.replace(char::is_whitespace, "").contains(call))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serving_words_are_words_of_identifiers() {
        assert!(has_serving_word("server_fut"));
        assert!(has_serving_word("join(web::launch().fuse(), run())"));
        assert!(!has_serving_word("shutdown_rx.recv()"));
        assert!(!has_serving_word("apply_updates()"));
        assert!(names_signal_text("signal::ctrl_c().fuse()"));
        assert!(!names_signal_text("ctrl_channel.recv()"));
        assert!(aborts_tasks("{ tasks.abort_all(); sleep(ms(100)).await; }"));
        assert!(aborts_tasks("server\n    .abort ()"));
        assert!(!aborts_tasks("{ token.cancel(); }"));
    }
}
