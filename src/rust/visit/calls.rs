//! The call handlers of the walker: recording call sites (asked needles and, for the call
//! graph, every call that may reach a workspace fn), spawns and route registrations (roots of
//! roles), fn items used as values, presence facts, and the discarded-value forms.

use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, ExprCall, ExprMethodCall};

/// Methods that send an actor a message (actlet's `call` / `emit`, actix's `send` / `do_send`,
/// kameo's `tell` / `ask`, ractor's `cast`): the handlers of the message's type run it.
const MESSAGE_SENDS: &[&str] = &[
    "call", "emit", "send", "do_send", "try_send", "tell", "ask", "cast", "notify", "trigger",
];

use super::{Walker, addr, region, route_lit, str_lit, strip, strip_try};
use crate::kinds::ignored_result::Form;
use crate::kinds::presence::PresenceMatcher;
use crate::model::Region;
use crate::rust::contexts::{Frame, runs_once_method, runs_once_path};
use crate::rust::engine::{Engine, FileInput, ROUTE_CALLS};
use crate::rust::facts::{Callee, Discard, Root, Site};
use crate::rust::request::{ROUTE_REGISTRATIONS, WARP_REGISTRATIONS};
use crate::rust::types::Ty;

/// Names callable everywhere that are never workspace fns.
const PRELUDE: &[&str] = &["drop", "panic", "assert", "format", "vec", "matches"];

impl Walker<'_> {
    pub(super) fn call(&mut self, e: &ExprCall) {
        let cands = match ungrouped(&e.func) {
            // `let run = |x| ..; run(x)` calls the closure, not a fn named `run`.
            Expr::Path(p)
                if p.path
                    .get_ident()
                    .is_some_and(|i| self.is_closure_local(&i.to_string())) =>
            {
                Vec::new()
            }
            Expr::Path(p) => self.resolve_path(&p.path),
            _ => Vec::new(),
        };
        let registers = self
            .registration_of_path(&cands)
            .map(|root| self.detached(root, addr(e), None, &e.args));
        if let Some(root) = registers {
            self.mark_roots(e.args.iter(), root);
        }
        if !cands.is_empty() {
            let r = region(e.func.span(), e.paren_token.span.close());
            let shown = cands.first().map(|c| c.join("::")).unwrap_or_default();
            let args: Vec<&Expr> = e.args.iter().collect();
            let callee = Callee::Path(cands.clone());
            let before = self.out.facts.sites.len();
            self.on_call(callee, r.clone(), addr(e), &args, format!("{shown}()"));
            self.note_given(before, e.args.iter());
            let last = match cands.first().map(Vec::as_slice) {
                // A layer's constructor that registers a route (`ProxyGetRequestLayer::new`).
                Some([.., ty, new]) if new == "new" && ROUTE_CALLS.contains(&ty.as_str()) => {
                    ty.as_str()
                }
                Some([.., last]) => last.as_str(),
                _ => "",
            };
            if let Some(route) = e.args.first().and_then(|a| registered_path(last, a))
                && crate::rust::engine::registers_route(last, &route)
                && !answers_writes_only(last, &args)
            {
                self.route_fact(&route, r.line);
            }
        }
        match &*e.func {
            // The call's own presence facts are recorded above: its path is no value.
            Expr::Path(p) => syn::visit::visit_expr_path(self, p),
            func => self.visit_expr(func),
        }
        let name = cands.first().and_then(|c| c.last());
        let sends = sends_a_signal(name) || ignores_a_signal(&e.args);
        let sends_after_first = sends_to_a_process(name);
        self.push_frame(Frame::Call(cands));
        self.sending_signal += u32::from(sends);
        for (i, a) in e.args.iter().enumerate() {
            let sent = sends_after_first && i > 0;
            self.sending_signal += u32::from(sent);
            self.fn_ref(a, registers);
            self.visit_expr(a);
            self.sending_signal -= u32::from(sent);
        }
        self.sending_signal -= u32::from(sends);
        self.pop_frame();
    }

    pub(super) fn method_call(&mut self, e: &ExprMethodCall) {
        let name = e.method.to_string();
        // An awaited `route(topic, handler)` registers with a message router (govee2mqtt's
        // MQTT topics, twenty-second held-out set), not an HTTP framework.
        let awaited = self.awaited.take() == Some(addr(e));
        let message_route = awaited && ROUTE_REGISTRATIONS.contains(&name.as_str());
        let registers = match message_route {
            true => None,
            false => self
                .registration_of_method(&name, e)
                .map(|root| self.detached(root, addr(e), Some(&e.receiver), &e.args)),
        };
        if let Some(root) = registers {
            self.mark_roots(e.args.iter(), root);
        }
        let r = region(e.method.span(), e.paren_token.span.close());
        let shown = match &*e.receiver {
            Expr::Path(p) => format!(
                "{}.{name}()",
                crate::rust::resolve::segments(&p.path).join("::")
            ),
            Expr::Field(f) => match &f.member {
                syn::Member::Named(n) => format!("….{n}.{name}()"),
                syn::Member::Unnamed(_) => format!("….{name}()"),
            },
            _ => format!("….{name}()"),
        };
        let args: Vec<&Expr> = e.args.iter().collect();
        let roots = if self.engine.request.chains {
            self.chain_root(&e.receiver)
        } else {
            Vec::new()
        };
        let callee = Callee::Method {
            name: name.clone(),
            recv: Default::default(),
            recv_call: None,
            roots,
        };
        let before = self.out.facts.sites.len();
        self.on_method(callee, &e.receiver, r.clone(), addr(e), &args, shown);
        self.note_given(before, e.args.iter());
        if let Expr::Call(_) | Expr::MethodCall(_) = strip(&e.receiver) {
            self.then
                .insert(payload_addr(strip(&e.receiver)), name.clone());
        }
        self.visit_expr(&e.receiver);
        // `scope("/image").route("/health", ..)` (actix): the chain's scope prefixes its
        // routes and the services given to it.
        let scope = chain_scope(&e.receiver);
        if let Some(prefix) = &scope {
            self.nest.push(prefix.trim_end_matches('/').to_string());
        }
        let route = e.args.first().and_then(|a| registered_path(&name, a));
        if let Some(route) = &route
            && !message_route
            && crate::rust::engine::registers_route(&name, route)
            && !answers_writes_only(&name, &args)
        {
            self.route_fact(route, r.line);
        }
        let nested = name == "nest" && route.is_some();
        if nested {
            self.nest
                .push(route.unwrap_or_default().trim_end_matches('/').to_string());
        }
        let sends = sends_a_signal(Some(&name)) || ignores_a_signal(&e.args);
        let fallback = super::memo::cell_fallback(&name, &e.receiver);
        self.push_frame(Frame::Method(name));
        if fallback {
            self.push_frame(Frame::LazyFill);
        }
        self.sending_signal += u32::from(sends);
        for a in &e.args {
            self.fn_ref(a, registers);
            self.visit_expr(a);
        }
        self.sending_signal -= u32::from(sends);
        if fallback {
            self.pop_frame();
        }
        self.pop_frame();
        if nested {
            self.nest.pop();
        }
        if scope.is_some() {
            self.nest.pop();
        }
    }

    /// A method call: the receiver's type is worked out only when the site is recorded.
    fn on_method(
        &mut self,
        callee: Callee,
        receiver: &Expr,
        region: Region,
        expr: usize,
        args: &[&Expr],
        display: String,
    ) {
        let Callee::Method { name, roots, .. } = &callee else {
            return;
        };
        if !self.wanted(&callee) {
            self.presence_unless_exit(&callee, region.line, args);
            return;
        }
        let recv_call = match strip_try(receiver) {
            Expr::MethodCall(r) => Some((r.method.to_string(), r.args.len())),
            _ => None,
        };
        let message = match args {
            [arg] if MESSAGE_SENDS.contains(&name.as_str()) => self.message_type(arg),
            _ => None,
        };
        let callee = Callee::Method {
            name: name.clone(),
            recv: self.scope().of_expr(receiver),
            recv_call,
            roots: roots.clone(),
        };
        let before = self.out.facts.sites.len();
        self.on_call(callee, region, expr, args, display);
        if let Some(site) = self.out.facts.sites.get_mut(before) {
            site.message = message;
        }
    }

    /// The type of an actor message passed to a send (`M { .. }`, a unit struct `M`, a local
    /// bound to one): its last segment, when it names a type.
    fn message_type(&self, arg: &Expr) -> Option<String> {
        let path = match self.scope().of_expr(arg) {
            Ty::Named(path, _) | Ty::Static(path) => path,
            _ => return None,
        };
        let last = path.last()?;
        let variant = path.len() > 1 && path[path.len() - 2].starts_with(char::is_uppercase);
        (last.starts_with(char::is_uppercase) && !variant).then(|| last.clone())
    }

    /// Presence facts of a call, unless it only exits the process: a handler that only exits
    /// (`ctrlc::set_handler(|| exit(1))`, a task that awaits ctrl-c and exits, a shutdown
    /// future that does) is evidence of nothing: it stops no server gracefully and drains
    /// nothing. A server start is still recorded.
    fn presence_unless_exit(&mut self, callee: &Callee, line: u32, args: &[&Expr]) {
        if self.exit_only > 0 || args.iter().any(|a| super::exits::exits_only(a)) {
            self.start_fact(callee, line, false);
        } else {
            self.presence_at(callee, line, args.is_empty());
        }
    }

    /// Records a site when asked for, and presence facts.
    pub(super) fn on_call(
        &mut self,
        callee: Callee,
        region: Region,
        expr: usize,
        args: &[&Expr],
        display: String,
    ) {
        self.presence_unless_exit(&callee, region.line, args);
        if !self.wanted(&callee) {
            return;
        }
        let site = Site {
            region,
            frame: self.frame_id(),
            body: self.body(),
            discarded: self.discarded.contains(&expr),
            then: self.then.remove(&expr),
            str_args: args.iter().filter_map(|a| str_lit(a)).collect(),
            lit_args: literal_args(args),
            display,
            event_loop: self.in_event_loop(),
            root: self.pending.remove(&expr),
            arm: self.current_arm(),
            callee,
            message: None,
        };
        self.out.facts.sites.push(site);
    }

    /// Is the site asked for (a needle, or the call graph)?
    fn wanted(&self, callee: &Callee) -> bool {
        let r = &self.engine.request;
        match callee {
            Callee::Path(cands) => {
                let asked = cands
                    .iter()
                    .any(|c| r.functions.iter().any(|p| p.matches(c)));
                asked || self.graph_path(cands)
            }
            Callee::Method { name, .. } => {
                r.graph || r.methods.contains(name) || r.type_methods.contains(name)
            }
            Callee::Macro(n) => r.macros.contains(n),
            Callee::Ref(cands) => self.graph_path(cands),
            Callee::Param(_) => self.engine.request.graph,
        }
    }

    /// May this path name a workspace fn (for the call graph)?
    fn graph_path(&self, cands: &[Vec<String>]) -> bool {
        if !self.engine.request.graph {
            return false;
        }
        let Some(first) = cands.first() else {
            return false;
        };
        match first.as_slice() {
            [one] => !PRELUDE.contains(&one.as_str()) && !one.starts_with(char::is_uppercase),
            [head, ..] => !self.engine.externals.contains(head),
            [] => false,
        }
    }

    /// A fn item used as a value (`get(handler)`, `.map(parse)`): recorded for the call graph.
    fn fn_ref(&mut self, arg: &Expr, root: Option<Root>) {
        let Expr::Path(p) = strip_ref(arg) else {
            return;
        };
        let segs = crate::rust::resolve::segments(&p.path);
        if !crate::rust::resolve::names_a_fn(&segs) || segs.first().is_some_and(|s| s == "self") {
            return;
        }
        let callee = match segs.as_slice() {
            [one] if self.is_param(one) => Callee::Param(one.clone()),
            [one] if self.is_local(one) => return,
            _ => Callee::Ref(self.resolve_path(&p.path)),
        };
        if let Callee::Ref(cands) = &callee
            && !self.graph_path(cands)
        {
            return;
        }
        let region = region(p.span(), p.span());
        let display = segs.join("::");
        let site = Site {
            region,
            frame: self.frame_id(),
            body: self.body(),
            discarded: false,
            then: None,
            str_args: Vec::new(),
            lit_args: Vec::new(),
            display,
            event_loop: self.in_event_loop(),
            root,
            arm: self.current_arm(),
            callee,
            message: None,
        };
        self.out.facts.sites.push(site);
    }

    /// Notes the closures and async blocks written as arguments of the call just recorded (when
    /// it was: the site count grew past `before`).
    fn note_given<'e>(&mut self, before: usize, args: impl Iterator<Item = &'e Expr>) {
        if self.out.facts.sites.len() <= before {
            return;
        }
        let site = before as u32;
        for (i, a) in args.enumerate() {
            match strip(a) {
                Expr::Closure(c) => self.given.insert(addr(c), (site, i as u32)),
                Expr::Async(b) => self.given.insert(addr(b), (site, i as u32)),
                _ => None,
            };
        }
    }

    /// A spawn whose handle the statement throws away is [`Root::Detached`]; not one on a local
    /// (`set.spawn(..)` on a `JoinSet` the fn may join before it returns), nor a task that
    /// holds the sender of a channel the fn makes (the producer of a streamed response: `let
    /// (tx, rx) = mpsc::channel(8); tokio::spawn(async move { tx.send(..) }); Sse::new(rx..)`).
    fn detached(
        &self,
        root: Root,
        call: usize,
        receiver: Option<&Expr>,
        args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>,
    ) -> Root {
        if root != Root::Spawn || !self.discarded.contains(&call) {
            return root;
        }
        let on_local = receiver.is_some_and(|r| match strip(r) {
            Expr::Path(p) => p.path.get_ident().is_some(),
            _ => false,
        });
        match on_local || self.feeds_own_channel(args) {
            true => root,
            false => Root::Detached,
        }
    }

    /// Does a spawned task capture the sender of a channel its fn makes (`let (tx, rx) =
    /// mpsc::channel(..)`, as `note_channels_and_watchers` records it)?
    fn feeds_own_channel(&self, args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>) -> bool {
        let body = self.fn_body();
        args.iter().any(|a| {
            super::waits::idents_in(a, true)
                .into_iter()
                .any(|name| self.channels.contains_key(&(body, name)))
        })
    }

    /// A path call that spawns a task or registers a handler.
    fn registration_of_path(&self, cands: &[Vec<String>]) -> Option<Root> {
        let path = cands.first()?;
        let last = path.last()?.as_str();
        let std = path.first().is_some_and(|f| f == "std");
        match last {
            _ if runs_once_path(path) => Some(Root::Once),
            "spawn" | "spawn_local" if !std => Some(Root::Spawn),
            _ if ROUTE_REGISTRATIONS.contains(&last) && !std => Some(Root::Route),
            _ => None,
        }
    }

    /// Inside the arguments of a thread spawn, in this fn: `thread::spawn(..)`,
    /// `thread::Builder::new().spawn(..)`, a workspace's `spawn_named_thread(..)` (a path
    /// naming a thread), `spawn_blocking(..)` (zenoh's acceptor runs `block_on` on a blocking
    /// thread), or any `.spawn(..)` (one that takes a future cannot `block_on`)?
    fn in_thread_closure(&self) -> bool {
        self.frames
            .iter()
            .rev()
            .map(|(f, _)| f)
            .take_while(|f| !matches!(f, Frame::Fn { .. }))
            .any(|f| match f {
                Frame::Call(cands) => cands.iter().any(|p| {
                    p.iter().any(|s| s == "thread")
                        || p.last().is_some_and(|l| {
                            l.contains("thread") || l == "spawn_blocking" || l == "block_in_place"
                        })
                }),
                Frame::Method(m) => m == "spawn",
                _ => false,
            })
    }

    /// A method call (`name` of `e`) that spawns a task or registers a handler. A task spawned
    /// on a runtime kept in a static (`LOGGING_RUNTIME.spawn(..)`) runs there, see
    /// [`names_a_static_runtime`].
    fn registration_of_method(&self, name: &str, e: &ExprMethodCall) -> Option<Root> {
        let args = e.args.len();
        if args == 0 {
            return None;
        }
        match name {
            _ if runs_once_method(name) => Some(Root::Once),
            "block_on" if self.in_thread_closure() => Some(Root::ThreadRuntime),
            "spawn" | "spawn_local" | "spawn_on" if names_a_static_runtime(&e.receiver) => {
                Some(Root::Runtime)
            }
            "spawn" | "spawn_local" | "spawn_on" => Some(Root::Spawn),
            // `MethodRouter::on(MethodFilter::GET, h)` takes a filter and a handler; one
            // argument is someone else's `on` (`worker_task().on(main_inner())` runs main).
            "on" if args < 2 => None,
            _ if ROUTE_REGISTRATIONS.contains(&name) => Some(Root::Route),
            _ if self.warp && WARP_REGISTRATIONS.contains(&name) => Some(Root::Route),
            _ => None,
        }
    }

    /// Marks an async block bound to a local and spawned by name later in the same block
    /// (`let task = { ..; async move { loop { .. } } }; tokio::spawn(task);`, devolutions'
    /// monitors) as spawned: the walker reaches the block before the spawn that starts it.
    pub(super) fn spawned_locals(&mut self, stmts: &[syn::Stmt]) {
        for (i, stmt) in stmts.iter().enumerate() {
            let syn::Stmt::Local(l) = stmt else { continue };
            let (syn::Pat::Ident(id), Some(init)) = (&l.pat, &l.init) else {
                continue;
            };
            let Some(block) = async_value(&init.expr) else {
                continue;
            };
            let name = id.ident.to_string();
            let mut spawns = SpawnsLocal {
                name: &name,
                found: false,
            };
            for later in &stmts[i + 1..] {
                spawns.visit_stmt(later);
            }
            if spawns.found {
                self.pending.insert(addr(block), Root::Spawn);
            }
        }
    }

    /// Marks the closures, async blocks and calls given to a spawn / registration as roots.
    fn mark_roots<'e>(&mut self, args: impl Iterator<Item = &'e Expr>, root: Root) {
        for a in args {
            match root_expr(a) {
                Expr::Async(x) => self.pending.insert(addr(x), root),
                Expr::Closure(x)
                    if matches!(root, Root::Route | Root::Once) || x.asyncness.is_some() =>
                {
                    self.pending.insert(addr(x), root)
                }
                Expr::Closure(x) => match strip(&x.body) {
                    Expr::Async(inner) => self.pending.insert(addr(inner), root),
                    _ => None,
                },
                Expr::Call(x) => self.pending.insert(addr(x), root),
                Expr::MethodCall(x) => self.pending.insert(addr(x), root),
                _ => None,
            };
        }
    }

    /// Presence facts and server starts at a call (`presence` checks by function, method or
    /// macro).
    fn presence_at(&mut self, callee: &Callee, line: u32, no_args: bool) {
        let (engine, input) = (self.engine, self.input);
        for (check, p) in presence_checks(engine, input) {
            self.presence_fact(check, p, callee, line);
        }
        self.start_fact(callee, line, no_args);
    }

    /// The `presence` checks that apply to this file.
    pub(super) fn presence_checks(&self) -> impl Iterator<Item = (usize, &PresenceMatcher)> {
        presence_checks(self.engine, self.input)
    }

    /// `let _ = …`, `_ = …`, `….ok();` forms, and discarded values.
    pub(super) fn discard(&mut self, expr: &Expr, form: Form) {
        let inner = strip(expr);
        let (inner, form) = match (inner, form) {
            (Expr::MethodCall(m), Form::Ok) if m.method == "ok" && m.args.is_empty() => {
                (strip(&m.receiver), Form::Ok)
            }
            (_, Form::Ok) => {
                self.mark_discarded(inner);
                return;
            }
            (e, f) => (e, f),
        };
        self.mark_discarded(inner);
        if !self.engine.request.discards {
            return;
        }
        let (target, region) = match inner {
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => (
                    Err(self.resolve_path(&p.path)),
                    region(c.func.span(), c.paren_token.span.close()),
                ),
                _ => return,
            },
            Expr::MethodCall(m) => (
                Ok(m.method.to_string()),
                region(m.method.span(), m.paren_token.span.close()),
            ),
            _ => return,
        };
        let body = self.body();
        self.out.facts.discards.push(Discard {
            form,
            target,
            region,
            body,
        });
    }
}

impl Walker<'_> {
    /// Marks a value as thrown away, and the call it unwraps (`spawn(..).expect("..");` throws
    /// the spawn's handle away just the same).
    fn mark_discarded(&mut self, e: &Expr) {
        self.discarded.insert(payload_addr(e));
        match strip(e) {
            Expr::MethodCall(m)
                if matches!(m.method.to_string().as_str(), "unwrap" | "expect")
                    && m.args.len() <= 1 =>
            {
                self.mark_discarded(&m.receiver)
            }
            Expr::Try(t) => self.mark_discarded(&t.expr),
            _ => {}
        }
    }
}

/// The `presence` checks that apply to a file.
pub(super) fn presence_checks<'a>(
    engine: &'a Engine<'a>,
    input: &'a FileInput<'a>,
) -> impl Iterator<Item = (usize, &'a PresenceMatcher)> {
    engine
        .request
        .presence
        .iter()
        .filter(move |(i, _)| input.checks.contains(i))
        .map(|(i, m)| (*i, *m))
}

/// The expression a spawn / registration argument runs: through `Box::pin(x)`,
/// `x.instrument(span)`, `x.in_current_span()`, `x.boxed()`, references and parentheses.
/// The async block an expression evaluates to: itself, or a block's tail (`{ let c = ..;
/// async move { .. } }`).
fn async_value(e: &Expr) -> Option<&syn::ExprAsync> {
    match strip(e) {
        Expr::Async(a) => Some(a),
        Expr::Block(b) => match b.block.stmts.last() {
            Some(syn::Stmt::Expr(tail, None)) => async_value(tail),
            _ => None,
        },
        _ => None,
    }
}

/// Finds `tokio::spawn(name)` / `spawn_local(name)` / `handle.spawn(name)` (not std's thread
/// spawn) with the local `name` as the argument.
struct SpawnsLocal<'n> {
    name: &'n str,
    found: bool,
}

impl SpawnsLocal<'_> {
    fn names_it(&self, args: &syn::punctuated::Punctuated<Expr, syn::Token![,]>) -> bool {
        args.iter().any(|a| match root_expr(a) {
            Expr::Path(p) => p.path.is_ident(self.name),
            _ => false,
        })
    }
}

impl<'ast> Visit<'ast> for SpawnsLocal<'_> {
    fn visit_expr_call(&mut self, c: &'ast ExprCall) {
        if let Expr::Path(f) = &*c.func {
            let segs = &f.path.segments;
            let spawn = segs
                .last()
                .is_some_and(|s| s.ident == "spawn" || s.ident == "spawn_local");
            let std = segs
                .first()
                .is_some_and(|s| s.ident == "std" || s.ident == "thread");
            self.found |= spawn && !std && self.names_it(&c.args);
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_method_call(&mut self, m: &'ast ExprMethodCall) {
        let spawn = matches!(
            m.method.to_string().as_str(),
            "spawn" | "spawn_local" | "spawn_on"
        );
        self.found |= spawn && self.names_it(&m.args);
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// Does a call of this name send a signal to another process (`nix::sys::signal::kill(pid,
/// Signal::SIGTERM)`, `libc::killpg`, `child.send_signal(..)`)? The signal named in its
/// arguments is sent, not handled: no graceful-shutdown evidence (microsandbox's CLI stops a
/// sandbox supervisor with `kill(.., SIGTERM)`; thirty-fourth held-out set).
fn sends_a_signal(name: Option<&String>) -> bool {
    name.is_some_and(|n| SIGNAL_SENDERS.contains(&n.as_str()))
}

/// Do a call's arguments set a signal's disposition to "ignore" or "default"
/// (`signal::signal(SIGTERM, SigHandler::SigIgn)`, `libc::signal(SIGINT, SIG_IGN)`)? The signal
/// named there is not handled: no graceful-shutdown evidence (netavark's `teardown` command
/// ignores SIGTERM while it runs; thirty-eighth held-out set).
fn ignores_a_signal<'a>(args: impl IntoIterator<Item = &'a Expr>) -> bool {
    args.into_iter().any(|a| match strip_ref(a) {
        Expr::Path(p) => p.path.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "SigIgn" | "SigDfl" | "SIG_IGN" | "SIG_DFL"
            )
        }),
        _ => false,
    })
}

/// Is a signal named after a call's first argument sent to the process that argument names?
/// A helper of the crate's own that wraps `kill` (`unix_signal(pid, Signal::SIGTERM)`, lazymc's
/// stop of the Minecraft server it runs, forty-seventh held-out set) takes the process first;
/// a registration takes the signal first (`signal(SIGTERM, handler)`, `register(SIGINT, flag)`).
fn sends_to_a_process(name: Option<&String>) -> bool {
    name.is_some_and(|n| n.contains("kill") || n.contains("signal"))
}

/// Fns and methods that send a signal to a process.
const SIGNAL_SENDERS: &[&str] = &[
    "kill",
    "killpg",
    "tgkill",
    "tkill",
    "pidfd_send_signal",
    "send_signal",
    "sigqueue",
];

fn root_expr(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => root_expr(&p.expr),
        Expr::Reference(r) => root_expr(&r.expr),
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "instrument" | "in_current_span" | "boxed" | "with_current_subscriber"
            ) =>
        {
            root_expr(&m.receiver)
        }
        Expr::Call(c) if matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "pin")) => {
            c.args.first().map_or(e, root_expr)
        }
        other => other,
    }
}

/// The arguments' literals by position (see [`literal_arg`]); empty when none is a literal, so
/// that most sites allocate nothing.
fn literal_args(args: &[&Expr]) -> Vec<Option<String>> {
    if !args.iter().any(|a| matches!(strip_ref(a), Expr::Lit(_))) {
        return Vec::new();
    }
    args.iter().map(|a| literal_arg(a)).collect()
}

/// An argument's literal as written, for [`Frame::LiteralArm`]: a string, bool or integer.
fn literal_arg(e: &Expr) -> Option<String> {
    match strip_ref(e) {
        Expr::Lit(l) => super::literal_value(&l.lit),
        _ => None,
    }
}

/// The path a route registration `name(arg, ..)` names: a literal, or a path enum's variant
/// displayed as a segment (`warp::path(Endpoint::Ping.to_string())` is `/ping`: rust-teos,
/// thirty-sixth held-out set). Not for the verbs, which are everyday method names
/// (`map.get(Key::Ready.as_str())`).
fn registered_path(name: &str, arg: &Expr) -> Option<String> {
    route_lit(arg).or_else(|| {
        (!crate::rust::engine::VERB_CALLS.contains(&name))
            .then(|| variant_segment(arg))
            .flatten()
    })
}

/// `Enum::Variant.to_string()` (or `.as_str()`, `.as_ref()`) as the route segment `/variant`
/// (CamelCase written snake_case, as a derived or hand-written `Display` of a path enum has it).
fn variant_segment(e: &Expr) -> Option<String> {
    let Expr::MethodCall(m) = strip_ref(e) else {
        return None;
    };
    if !m.args.is_empty()
        || !["to_string", "as_str", "as_ref"].contains(&m.method.to_string().as_str())
    {
        return None;
    }
    let Expr::Path(p) = strip_ref(&m.receiver) else {
        return None;
    };
    let [.., ty, variant] = p.path.segments.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let upper = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
    let (ty, variant) = (ty.ident.to_string(), variant.ident.to_string());
    if !upper(&ty) || !upper(&variant) {
        return None;
    }
    let mut out = String::from("/");
    for (i, c) in variant.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    Some(out)
}

/// Does the registration `name(route, handler)` answer only methods that carry a body
/// (`.post("/ping", h)`, `.route("/ping", post(h))`)? Such a route is no probe's endpoint.
fn answers_writes_only(name: &str, args: &[&Expr]) -> bool {
    crate::rust::engine::WRITE_VERBS.contains(&name)
        || args
            .get(1)
            .is_some_and(|h| crate::rust::engine::write_only_handler(h))
}

fn strip_ref(e: &Expr) -> &Expr {
    match e {
        Expr::Reference(r) => strip_ref(&r.expr),
        Expr::Paren(p) => strip_ref(&p.expr),
        other => other,
    }
}

/// The address the call visitors key a call by: that of the `ExprCall` / `ExprMethodCall` /
/// `ExprMacro` payload, not of the enclosing `Expr`.
pub(super) fn payload_addr(e: &Expr) -> usize {
    match e {
        Expr::Call(c) => addr(c),
        Expr::MethodCall(m) => addr(m),
        Expr::Macro(m) => addr(&m.mac),
        other => addr(other),
    }
}

/// The prefix of the `scope("/p")` call a method chain starts at (actix's `web::scope`).
fn chain_scope(receiver: &Expr) -> Option<String> {
    let mut e = receiver;
    while let Expr::MethodCall(m) = e {
        e = &m.receiver;
    }
    let Expr::Call(call) = e else { return None };
    let Expr::Path(p) = &*call.func else {
        return None;
    };
    let last = p.path.segments.last()?;
    (last.ident == "scope")
        .then(|| call.args.first().and_then(str_lit))
        .flatten()
}

/// Is the receiver a static named for a runtime (`LOGGING_RUNTIME`, `IO_RT`): a runtime of its
/// own, kept for one component (KumoMTA's log writers run on `LazyLock<Runtime>`
/// `LOGGING_RUNTIME`; seventeenth held-out set)? Only a screaming-case name counts: a local
/// `runtime.spawn(..)` is usually the server's own runtime handle.
fn names_a_static_runtime(receiver: &Expr) -> bool {
    let Expr::Path(p) = strip(receiver) else {
        return false;
    };
    p.path.segments.last().is_some_and(|s| {
        let n = s.ident.to_string();
        n.bytes().any(|b| b.is_ascii_uppercase())
            && !n.bytes().any(|b| b.is_ascii_lowercase())
            && n.split('_').any(|w| w == "RUNTIME" || w == "RT")
    })
}

/// `e` without the invisible groups around it: a local macro's argument substituted for `$rpc`
/// in `$rpc(..)` is the path it was given (see `local_macros`).
fn ungrouped(e: &Expr) -> &Expr {
    match e {
        Expr::Group(g) => ungrouped(&g.expr),
        e => e,
    }
}
