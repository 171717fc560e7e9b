//! The miss path of a read-through memo, as the walker sees it: the code that runs once per
//! key before a cache (or a static map of clients) answers. It is pushed as a `CacheMiss`
//! frame (the `cache-miss` context), so a blocking call there is not one per request.

use syn::visit::{self, Visit};
use syn::{Expr, Stmt};

use super::waits::{NamedBy, idents_in};
use super::{Walker, segments};
use crate::rust::contexts::Frame;
use crate::rust::types::is_static_name;

impl Walker<'_> {
    /// `if let Some(v) = cache.get(k) { v } else { fill }`: the `else` that fills the cache is
    /// its miss path.
    pub(super) fn expr_if(&mut self, e: &syn::ExprIf) {
        let Some((_, els)) = &e.else_branch else {
            return visit::visit_expr_if(self, e);
        };
        if !(is_cache_lookup(&e.cond) && mentions_cache(els)) {
            return visit::visit_expr_if(self, e);
        }
        self.visit_expr(&e.cond);
        self.visit_block(&e.then_branch);
        self.push_frame(Frame::CacheMiss);
        self.visit_expr(els);
        self.pop_frame();
    }

    /// `match cache.get(k) { Some(v) => v, None => fill }`: the `None` arm that fills the cache
    /// is its miss path.
    pub(super) fn expr_match(&mut self, e: &syn::ExprMatch) {
        if !mentions_cache(&e.expr) {
            return self.match_on_param(e);
        }
        self.visit_expr(&e.expr);
        for arm in &e.arms {
            let miss = is_none_pat(&arm.pat)
                && (mentions_cache(&arm.body) || self.calls_a_cache_fn(&arm.body));
            if miss {
                self.push_frame(Frame::CacheMiss);
            }
            self.visit_arm(arm);
            if miss {
                self.pop_frame();
            }
        }
    }

    /// `match kind { "filepath" => .., "content" => .. }` on a parameter of the fn: each arm
    /// whose patterns are all literals is a [`Frame::LiteralArm`] (aralez's
    /// `load_configuration(d, kind)`, whose `"filepath"` arm reads files that only startup and
    /// the file watcher ask for; the request path passes `"content"`; thirty-sixth held-out
    /// set).
    fn match_on_param(&mut self, e: &syn::ExprMatch) {
        let Some(param) = self.param_index(&e.expr) else {
            return visit::visit_expr_match(self, e);
        };
        for a in &e.attrs {
            self.visit_attribute(a);
        }
        self.visit_expr(&e.expr);
        for arm in &e.arms {
            let values = literal_patterns(&arm.pat);
            if let Some(values) = &values {
                self.push_frame(Frame::LiteralArm {
                    param,
                    values: values.clone(),
                });
            }
            self.visit_arm(arm);
            if values.is_some() {
                self.pop_frame();
            }
        }
    }

    /// The position of the innermost fn's parameter that `e` names (`kind`, `kind.as_str()`,
    /// `*kind`), `self` not counted.
    fn param_index(&self, e: &Expr) -> Option<u32> {
        let name = match e {
            Expr::Path(p) => p.path.get_ident()?.to_string(),
            Expr::MethodCall(m)
                if m.args.is_empty()
                    && ["as_str", "as_ref"].contains(&m.method.to_string().as_str()) =>
            {
                return self.param_index(&m.receiver);
            }
            Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                return self.param_index(&u.expr);
            }
            Expr::Paren(p) => return self.param_index(&p.expr),
            _ => return None,
        };
        let decl = self
            .bodies
            .iter()
            .rev()
            .find_map(|(id, _)| self.out.facts.bodies.get(*id as usize)?.decl())?;
        let at = decl.params.iter().position(|p| *p == name)?;
        u32::try_from(at).ok()
    }

    /// A block's statements; after a statement that returns the hit of a memo (see
    /// [`miss_path_start`]) the rest of the block, when it fills the memo, is the miss path.
    pub(super) fn stmts(&mut self, stmts: &[Stmt]) {
        let miss = miss_path_start(stmts);
        let miss_from = miss.as_ref().map(|(i, _)| *i);
        let mut frame = miss.map(|(_, f)| f);
        for (i, s) in stmts.iter().enumerate() {
            if Some(i) == miss_from
                && let Some(f) = frame.take()
            {
                self.push_frame(f);
            }
            // `let fetch = || ..; block_in_place(fetch)`: the closure runs inside that call.
            let offloaded = self.offloaded_closure(s, stmts.get(i + 1..).unwrap_or_default());
            if let Some(cands) = &offloaded {
                self.push_frame(Frame::Call(cands.clone()));
            }
            self.visit_stmt(s);
            if offloaded.is_some() {
                self.pop_frame();
            }
        }
        if miss_from.is_some() {
            self.pop_frame();
        }
    }
}

impl Walker<'_> {
    /// Remembers the fns among `items` (and their impls) whose bodies name a cache: a miss arm
    /// that calls one fills the cache there (jonline's `create_responder`, which inserts the
    /// page it is given into `CACHED_FILES`; forty-sixth held-out set).
    pub(crate) fn note_cache_fns<'i>(&mut self, items: impl Iterator<Item = &'i syn::Item>) {
        // A cache name holds the word in some case: a file without it has no such fn, and its
        // items are not walked again.
        if !has_cache_word(self.text) {
            return;
        }
        let mut note = |name: &syn::Ident, body: &syn::Block| {
            let mut f = NamedBy::outside_closures(is_cache_name);
            f.visit_block(body);
            if f.found {
                self.cache_fns.insert(name.to_string());
            }
        };
        for item in items {
            match item {
                syn::Item::Fn(f) => note(&f.sig.ident, &f.block),
                syn::Item::Impl(i) => {
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it {
                            note(&f.sig.ident, &f.block);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Does `e` call (by a path's last segment or a method's name) one of the file's fns that
    /// name a cache?
    fn calls_a_cache_fn(&self, e: &Expr) -> bool {
        struct Calls<'c>(&'c std::collections::HashSet<String>, bool);
        impl<'ast> Visit<'ast> for Calls<'_> {
            fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
                if let Expr::Path(p) = &*c.func {
                    let last = p.path.segments.last().map(|s| s.ident.to_string());
                    self.1 |= last.is_some_and(|l| self.0.contains(&l));
                }
                visit::visit_expr_call(self, c);
            }
            fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
                self.1 |= self.0.contains(&m.method.to_string());
                visit::visit_expr_method_call(self, m);
            }
            fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        }
        if self.cache_fns.is_empty() {
            return false;
        }
        let mut calls = Calls(&self.cache_fns, false);
        calls.visit_expr(e);
        calls.1
    }

    /// When `s` binds a closure to a name (`let fetch = || ..;`) that a later statement of the
    /// block gives to a call whose arguments run elsewhere (`block_in_place(fetch)`,
    /// `spawn_blocking(job)`; by the request's exempt calls), the candidates of that call: the
    /// closure's body runs inside it (jonline's ICS and Graph API fetches, forty-sixth held-out
    /// set).
    fn offloaded_closure(&self, s: &Stmt, rest: &[Stmt]) -> Option<Vec<Vec<String>>> {
        let Stmt::Local(l) = s else { return None };
        let (syn::Pat::Ident(id), Some(init)) = (&l.pat, &l.init) else {
            return None;
        };
        if !matches!(&*init.expr, Expr::Closure(_)) || self.engine.request.exempt_calls.is_empty() {
            return None;
        }
        let mut finder = OffloadCall {
            name: id.ident.to_string(),
            exempt: &self.engine.request.exempt_calls,
            found: None,
        };
        rest.iter().for_each(|s| finder.visit_stmt(s));
        finder.found.map(|segs| self.res.resolve(&segs))
    }
}

/// Does `text` hold `cache` in any ASCII case?
fn has_cache_word(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'c', b'C', bytes).any(|at| {
        bytes
            .get(at..at + 5)
            .is_some_and(|w| w.eq_ignore_ascii_case(b"cache"))
    })
}

/// Finds a call `path(.., name, ..)` whose last path segment is an exempt call.
struct OffloadCall<'e> {
    name: String,
    exempt: &'e [String],
    found: Option<Vec<String>>,
}

impl<'ast> Visit<'ast> for OffloadCall<'_> {
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if self.found.is_some() {
            return;
        }
        if let Expr::Path(p) = &*c.func {
            let segs = segments(&p.path);
            let exempt = segs.last().is_some_and(|l| self.exempt.contains(l));
            let given = c.args.iter().any(|a| {
                matches!(a, Expr::Path(x) if x.path.get_ident().is_some_and(|i| *i == self.name))
            });
            if exempt && given {
                self.found = Some(segs);
                return;
            }
        }
        syn::visit::visit_expr_call(self, c);
    }
}

/// Where the miss path of a block starts: after `if let Some(v) = cache.get(k) { return v; }`
/// when the rest names a cache, or after a lookup in a static that returns its hit and is
/// followed by code that fills the same static (chirpstack's clients, made on the first
/// request for a key and kept in a static list):
/// `for c in CLIENTS.read().await.iter() { if c.matches(k) { return c } }` … `CLIENTS.write()
/// .await.push(..)`, or through a guard, `let mut w = CLIENTS.write().await; if let Some(c) =
/// w.get(k) { return c }` … `w.insert(k, c)`. Also where the fill of a lazily filled slot starts
/// ([`Frame::LazyFill`]): after `if slot.is_some() { return .. }` when the rest sets
/// `*slot = Some(..)`.
fn miss_path_start(stmts: &[Stmt]) -> Option<(usize, Frame)> {
    let guards = static_guards(stmts);
    stmts.iter().enumerate().find_map(|(i, s)| {
        let rest = stmts.get(i + 1..)?;
        let cache = returns_a_cache_hit(s) && rest.iter().any(stmt_mentions_cache);
        let memo = !cache && {
            let looked_up = statics_looked_up(s, &guards);
            !looked_up.is_empty() && fills_any(rest, &looked_up, &guards)
        };
        if memo && looks_up_a_cell(s) {
            return Some((i + 1, Frame::LazyFill));
        }
        if cache || memo {
            return Some((i + 1, Frame::CacheMiss));
        }
        let lazy = returns_when_filled(s) && rest.iter().any(fills_an_option);
        lazy.then_some((i + 1, Frame::LazyFill))
    })
}

/// `if let Some(v) = CELL.get() { return v }`: the lookup of a static once-cell, which has
/// one value, not one per key (aralez's `ACCOUNT.get()` … `ACCOUNT.set(account)`, whose fill
/// writes the ACME credentials once per installation; thirty-sixth held-out set). What the
/// rest does is initialisation, as for [`Frame::LazyFill`].
fn looks_up_a_cell(s: &Stmt) -> bool {
    let Stmt::Expr(Expr::If(i), _) = s else {
        return false;
    };
    let Expr::Let(l) = &*i.cond else {
        return false;
    };
    matches!(&*l.expr, Expr::MethodCall(m)
        if m.method == "get" && m.args.is_empty()
            && root_ident(&m.receiver).is_some_and(|r| is_static_name(&r)))
}

/// `CELL.get().map(..).unwrap_or_else(|| fallback)`: the fallback of a static once-cell runs
/// only before the cell is filled, like a lazy fill's (pg_doorman's `current_options()`, whose
/// fallback re-reads the config for callers before the listener installs the options;
/// thirty-seventh held-out set). Only the lazy forms: `unwrap_or(x)` evaluates `x` every time.
pub(super) fn cell_fallback(method: &str, receiver: &Expr) -> bool {
    if !matches!(method, "unwrap_or_else" | "or_else") {
        return false;
    }
    let mut at = receiver;
    while let Expr::MethodCall(m) = at {
        if m.method == "get" && m.args.is_empty() {
            return root_ident(&m.receiver).is_some_and(|r| is_static_name(&r))
                && matches!(&*m.receiver, Expr::Path(_));
        }
        at = &m.receiver;
    }
    false
}

/// A lazily filled value's hit: `if slot.is_some() { return .. }` (also `slot.as_ref()
/// .is_some()`, `if let Some(v) = slot.as_ref()`), alone or ending a block that takes the lock
/// first (mithril's `{ let s = self.server.lock().await; if s.as_ref().is_some() { return Ok(s) } }`).
fn returns_when_filled(s: &Stmt) -> bool {
    match s {
        Stmt::Expr(Expr::If(i), _) => {
            i.else_branch.is_none() && ends_in_return(&i.then_branch) && tests_some(&i.cond)
        }
        Stmt::Expr(Expr::Block(b), _) => b.block.stmts.last().is_some_and(returns_when_filled),
        _ => false,
    }
}

/// `x.is_some()`, `x.as_ref().is_some()`, `let Some(_) = x`; or such a test `||` another
/// condition (moq's `if self.rx.is_some() || self.binds.is_empty() { return Ok(()) }`: once
/// filled, it returns all the same).
fn tests_some(cond: &Expr) -> bool {
    match cond {
        Expr::MethodCall(m) => m.method == "is_some",
        Expr::Paren(p) => tests_some(&p.expr),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::Or(_)) => {
            tests_some(&b.left) || tests_some(&b.right)
        }
        Expr::Let(l) => matches!(&*l.pat, syn::Pat::TupleStruct(t)
            if t.path.segments.last().is_some_and(|s| s.ident == "Some")),
        _ => false,
    }
}

/// `*slot = Some(..)` or `self.slot = Some(..)`: the rest fills the value it tested.
fn fills_an_option(s: &Stmt) -> bool {
    let e = match s {
        Stmt::Expr(e, _) => e,
        _ => return false,
    };
    matches!(e, Expr::Assign(a) if matches!(&*a.right, Expr::Call(c)
        if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Some"))))
}

/// `if let Some(v) = cache.get(k) { …; return v; }` without an `else`.
fn returns_a_cache_hit(s: &Stmt) -> bool {
    let Stmt::Expr(Expr::If(i), _) = s else {
        return false;
    };
    i.else_branch.is_none()
        && is_cache_lookup(&i.cond)
        && i.then_branch
            .stmts
            .last()
            .is_some_and(|l| matches!(l, Stmt::Expr(Expr::Return(_), _)))
}

/// The statics a statement looks up and returns the hit of: `if let Some(v) = STATIC.get(k)
/// { …; return v; }` (no `else`) or `for v in STATIC.iter() { … return v … }`, directly or
/// through a local guard of the static.
fn statics_looked_up(s: &Stmt, guards: &[(String, String)]) -> Vec<String> {
    let looked_in = match s {
        Stmt::Expr(Expr::If(i), _) if i.else_branch.is_none() && ends_in_return(&i.then_branch) => {
            match &*i.cond {
                Expr::Let(l) => &*l.expr,
                _ => return Vec::new(),
            }
        }
        Stmt::Expr(Expr::ForLoop(f), _) if returns(&f.body) => &*f.expr,
        _ => return Vec::new(),
    };
    statics_named(looked_in, guards)
}

/// The statics an expression names (`CLIENTS`), also through a guard local of one.
fn statics_named(e: &Expr, guards: &[(String, String)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in idents_in(e, false) {
        let st = guards
            .iter()
            .find(|(local, _)| *local == name)
            .map(|(_, st)| st.clone())
            .or_else(|| is_static_name(&name).then_some(name));
        if let Some(st) = st.filter(|st| !out.contains(st)) {
            out.push(st);
        }
    }
    out
}

/// Locals bound from a static (`let mut clients = CLIENTS.write().await;`): (local, static).
fn static_guards(stmts: &[Stmt]) -> Vec<(String, String)> {
    stmts
        .iter()
        .filter_map(|s| {
            let Stmt::Local(l) = s else { return None };
            let syn::Pat::Ident(id) = &l.pat else {
                return None;
            };
            let init = l.init.as_ref()?;
            let st = idents_in(&init.expr, false)
                .into_iter()
                .find(|n| is_static_name(n))?;
            Some((id.ident.to_string(), st))
        })
        .collect()
}

/// Does the code fill one of these statics: a method that adds to or writes it
/// (`CLIENTS.write().await.push(..)`, `clients.insert(k, v)` on a guard)?
fn fills_any(rest: &[Stmt], statics: &[String], guards: &[(String, String)]) -> bool {
    let mut f = Fills {
        statics,
        guards,
        found: false,
    };
    for s in rest {
        f.visit_stmt(s);
    }
    f.found
}

/// Methods that add to a collection, take it for writing, or set a once-cell
/// (`VERSION.get()` … `VERSION.set(v)`, or `DEV_NULL.get_or_init(|| f)` after opening `f`:
/// apt-cacher-rs, forty-second held-out set).
const FILL_METHODS: &[&str] = &[
    "insert",
    "set",
    "get_or_init",
    "get_or_try_init",
    "push",
    "push_back",
    "push_front",
    "extend",
    "entry",
    "write",
    "put",
];

struct Fills<'a> {
    statics: &'a [String],
    guards: &'a [(String, String)],
    found: bool,
}

impl<'ast> Visit<'ast> for Fills<'_> {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let method = m.method.to_string();
        if FILL_METHODS.contains(&method.as_str()) {
            let root = root_ident(&m.receiver);
            let st = root.and_then(|r| {
                self.guards
                    .iter()
                    .find(|(local, _)| *local == r)
                    .map_or(Some(r), |(_, st)| Some(st.clone()))
            });
            self.found |= st.is_some_and(|st| self.statics.contains(&st));
        }
        visit::visit_expr_method_call(self, m);
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
}

/// The identifier a method chain starts from (`CLIENTS` in `CLIENTS.write().await`), by name:
/// unlike `Walker::chain_root`, nothing is resolved.
fn root_ident(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Expr::MethodCall(m) => root_ident(&m.receiver),
        Expr::Await(a) => root_ident(&a.base),
        Expr::Field(f) => root_ident(&f.base),
        Expr::Try(t) => root_ident(&t.expr),
        Expr::Paren(p) => root_ident(&p.expr),
        Expr::Reference(r) => root_ident(&r.expr),
        _ => None,
    }
}

/// Does the block end in a `return`?
fn ends_in_return(b: &syn::Block) -> bool {
    b.stmts
        .last()
        .is_some_and(|l| matches!(l, Stmt::Expr(Expr::Return(_), _)))
}

/// Does the block return from the fn somewhere (closures aside)?
fn returns(b: &syn::Block) -> bool {
    struct Returns(bool);
    impl<'ast> Visit<'ast> for Returns {
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.0 = true;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    }
    let mut r = Returns(false);
    r.visit_block(b);
    r.0
}

/// `let Some(v) = <an expression that names a cache>`.
fn is_cache_lookup(cond: &Expr) -> bool {
    matches!(cond, Expr::Let(l) if mentions_cache(&l.expr))
}

/// The `None` pattern.
pub(super) fn is_none_pat(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Ident(i) => i.ident == "None",
        syn::Pat::Path(p) => p.path.is_ident("None"),
        _ => false,
    }
}

fn stmt_mentions_cache(s: &Stmt) -> bool {
    let mut f = NamedBy::outside_closures(is_cache_name);
    f.visit_stmt(s);
    f.found
}

/// Does the expression name a cache (`cache`, `page_cache`, `cached_page(..)`, `CACHE`)?
fn mentions_cache(e: &Expr) -> bool {
    let mut f = NamedBy::outside_closures(is_cache_name);
    f.visit_expr(e);
    f.found
}

/// Is one of the words of a lowercase name `cache` / `cached` / `caches`?
fn is_cache_name(name: &str) -> bool {
    name.split('_')
        .any(|w| matches!(w, "cache" | "cached" | "caches"))
}

/// The literals of a pattern made only of literals (`"a"`, `"a" | "b"`, `true`), as
/// [`super::literal_value`] writes them; None for any other pattern.
fn literal_patterns(p: &syn::Pat) -> Option<Vec<String>> {
    match p {
        syn::Pat::Lit(l) => Some(vec![super::literal_value(&l.lit)?]),
        syn::Pat::Or(o) => {
            let mut out = Vec::new();
            for case in &o.cases {
                out.extend(literal_patterns(case)?);
            }
            Some(out)
        }
        syn::Pat::Paren(p) => literal_patterns(&p.pat),
        _ => None,
    }
}
