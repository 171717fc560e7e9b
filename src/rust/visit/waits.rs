//! What code waits for, as the walker sees it: whether a loop of async code is an event loop
//! (it waits for requests, messages or connections, so what it runs serves) or a timer loop
//! (periodic background work), and the miss path of a read-through cache (it runs once per
//! key, then the cache answers).

use std::collections::HashSet;

use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, Macro};

use super::{Walker, strip};
use crate::rust::facts::LoopKind;
use crate::rust::types::Scope;

impl Walker<'_> {
    /// What kind of serving loop is this: an event loop (async code whose loop waits for events:
    /// a receive, a read, an accept, a stream's next item, a `select!`), a timer loop (it waits
    /// only for `interval.tick()` / `sleep(..)`), or neither? Neither when the first await is
    /// an OS signal (`loop { sighup.recv().await; reload() }` runs on an operator's request),
    /// when it only awaits calls that are no event (a retry loop around `client.login(..)`, a
    /// batch loop of deletes), or when it only sleeps until a deadline (`if start.elapsed() >=
    /// budget { bail!(..) }`: a bounded wait). `scan` visits its parts. Also: does an event
    /// loop take its events from a network connection (see
    /// [`LoopAwaits::takes_network_requests`])?
    pub(super) fn loop_sense(
        &self,
        scan: impl FnOnce(&mut LoopAwaits),
    ) -> (Option<LoopKind>, bool) {
        if !self.in_async() {
            return (None, false);
        }
        let body = self.fn_body();
        let mut f = LoopAwaits {
            scope: self.scope(),
            watchers: locals_of(&self.watch_locals, body),
            finite: locals_of(&self.finite_streams, body),
            first_is_signal: None,
            signal_locals: Vec::new(),
            select: false,
            timer_select: false,
            receives: false,
            ticks: false,
            deadline: false,
            network_wait: false,
            addressed: false,
            nested: 0,
        };
        scan(&mut f);
        let driven = f.first_is_signal == Some(false);
        let kind = if f.select || (driven && f.receives) {
            // A job runner's loop (`background_job::start`, `jobs/runner.rs`, `fn
            // run_scheduler`) takes its events from a queue of work, not from clients.
            Some(if self.in_background_code() {
                LoopKind::Timer
            } else {
                LoopKind::Event
            })
        } else if f.timer_select || (driven && f.ticks && !f.deadline) {
            Some(LoopKind::Timer)
        } else {
            None
        };
        let takes_network_requests = kind == Some(LoopKind::Event) && f.takes_network_requests();
        (kind, takes_network_requests)
    }
}

/// Words of a module, file or fn name that say its code runs background work. A logger's loop
/// (`acct_logger`, `logger_thread`) writes the records others send it, off every request's path
/// (KumoMTA's audit and log-file writers; seventeenth held-out set).
const BACKGROUND_WORDS: &[&str] = &["background", "job", "jobs", "cron", "scheduler", "logger"];

impl Walker<'_> {
    /// Is the code here named for background work: a directory or file of its path, or the
    /// enclosing fn, has a word of [`BACKGROUND_WORDS`] (`service/background_job/mod.rs`,
    /// `jobs/cleanup.rs`, `fn run_scheduler`)? Handlers registered for routes are roots of their
    /// own and are not affected: only which loops count as serving loops is.
    fn in_background_code(&self) -> bool {
        let path = self.input.path.trim_end_matches(".rs");
        let fn_name = self.current_fn();
        path.split('/')
            .chain(std::iter::once(fn_name.as_str()))
            .flat_map(|part| part.split(['_', '-']))
            .any(|w| BACKGROUND_WORDS.contains(&w.to_ascii_lowercase().as_str()))
    }
}

/// The names of a set's locals bound in this fn body.
fn locals_of(set: &HashSet<(Option<u32>, String)>, body: Option<u32>) -> Vec<&str> {
    set.iter()
        .filter(|(b, _)| *b == body)
        .map(|(_, name)| name.as_str())
        .collect()
}

/// Finds an identifier whose lowercase name `wanted` accepts; closures and async blocks are
/// skipped unless `into_closures`.
pub(super) struct NamedBy {
    wanted: fn(&str) -> bool,
    into_closures: bool,
    /// Such an identifier was found.
    pub(super) found: bool,
}

impl NamedBy {
    /// A finder that skips closures and async blocks.
    pub(super) fn outside_closures(wanted: fn(&str) -> bool) -> NamedBy {
        NamedBy {
            wanted,
            into_closures: false,
            found: false,
        }
    }
}

impl<'ast> Visit<'ast> for NamedBy {
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        self.found |= (self.wanted)(&i.to_string().to_ascii_lowercase());
    }
    fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
        if self.into_closures {
            visit::visit_expr_closure(self, c);
        }
    }
    fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
        if self.into_closures {
            visit::visit_expr_async(self, a);
        }
    }
}

/// The awaits of a loop: is the first one (what drives the loop) an OS signal, a reload
/// channel or a file watcher's events? Does it `select!`, await an event or a timer, watch a
/// deadline?
pub(super) struct LoopAwaits<'w> {
    scope: Scope<'w>,
    /// The locals of the fn bound to a file watcher or its channel.
    watchers: Vec<&'w str>,
    /// The locals of the fn bound to a stream of things, not of events.
    finite: Vec<&'w str>,
    first_is_signal: Option<bool>,
    /// Locals bound in the loop to a signal future (`let ctrl_c = signal::ctrl_c();`).
    signal_locals: Vec<String>,
    select: bool,
    /// A `select!` that waits only for a timer, shutdown and configuration changes.
    timer_select: bool,
    receives: bool,
    ticks: bool,
    deadline: bool,
    /// An await reads from a network connection (see [`reads_a_connection`]).
    network_wait: bool,
    /// It names a peer's address (`client_addr`, `peer_addr`, `remote_addr`): what it handles
    /// came from a connection.
    addressed: bool,
    /// Depth of the loops inside the loop being judged: a nested loop's connection reads (a
    /// retry loop around an accept loop) are that loop's, not the outer one's.
    nested: u32,
}

impl LoopAwaits<'_> {
    /// Does the loop take its events from a network connection: an await reads one
    /// (`self.connection.receive()`, `self.get_packet()`, `tunnel_listener.next()`), or it
    /// handles a peer's address (`let (stream, client_addr) = client?`)? Otherwise its events
    /// come from a channel, a watcher, a message bus or an actor's mailbox.
    fn takes_network_requests(&self) -> bool {
        self.network_wait || self.addressed
    }
}

/// Words of a receiver's or a call's name that say a network connection.
const CONNECTION_WORDS: &[&str] = &[
    "conn",
    "connection",
    "connections",
    "cnx",
    "socket",
    "sock",
    "listener",
    "incoming",
    "client",
    "clients",
    "peer",
    "peers",
    "session",
    "packet",
    "packets",
    "tcp",
    "tls",
    "ws",
    "websocket",
    "framed",
    "datagram",
    "datagrams",
];

/// Words of a receiver's name that say a channel, a bus or a watcher (`client_event_consumer`,
/// `peer_events_rx`): what arrives there was sent by the process itself.
const CHANNEL_WORDS: &[&str] = &[
    "rx",
    "receiver",
    "consumer",
    "queue",
    "queues",
    "channel",
    "chan",
    "inbox",
    "mailbox",
    "box",
    "event",
    "events",
    "signal",
    "signals",
    "watcher",
    "watched",
    "subscriber",
    "subscription",
    "topic",
    "bus",
    "notify",
    "notifications",
];

/// Does an awaited expression read from a network connection: a method whose receiver or
/// name has a word of [`CONNECTION_WORDS`] and whose receiver has none of [`CHANNEL_WORDS`]
/// (`conn.read_frame()`, `self.connection.receive()`, `self.get_packet()`), or a fn named so
/// (`read_packet(&mut stream)`, `pop_next_client_request(..)`)?
fn reads_a_connection(e: &Expr) -> bool {
    match strip(e) {
        // `cw.client.worker_job_upload(..).send()`: a request sent out, not one received.
        Expr::MethodCall(m) if OUTBOUND_CALLS.contains(&m.method.to_string().as_str()) => false,
        Expr::MethodCall(m) => {
            let receiver = receiver_name(&m.receiver).unwrap_or_default();
            !has_word(&receiver, CHANNEL_WORDS)
                && (has_word(&receiver, CONNECTION_WORDS)
                    || has_word(&m.method.to_string(), CONNECTION_WORDS))
        }
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| has_word(&s.ident.to_string(), CONNECTION_WORDS)),
            _ => false,
        },
        _ => false,
    }
}

/// Methods that send a request out or write (an HTTP client builder's `.send()`): awaiting
/// them waits for an answer to the process's own request, not for a client's.
const OUTBOUND_CALLS: &[&str] = &[
    "send",
    "send_request",
    "execute",
    "call",
    "write",
    "write_all",
    "flush",
];

/// Names of a peer's address.
const PEER_ADDRESSES: &[&str] = &[
    "client_addr",
    "peer_addr",
    "remote_addr",
    "client_address",
    "peer_address",
    "remote_address",
];

impl<'ast> Visit<'ast> for LoopAwaits<'_> {
    fn visit_local(&mut self, l: &'ast syn::Local) {
        visit::visit_local(self, l);
        // `let hup = hup_signals.recv();` in the loop: a signal future awaited below.
        if let (syn::Pat::Ident(id), Some(init)) = (&l.pat, &l.init) {
            let locals = &self.signal_locals;
            if self
                .scope
                .is_signal_expr_with(&init.expr, &|n| locals.iter().any(|l| l == n))
            {
                self.signal_locals.push(id.ident.to_string());
            }
        }
    }
    fn visit_expr_await(&mut self, e: &'ast syn::ExprAwait) {
        visit::visit_expr_await(self, e);
        if let Expr::MethodCall(m) = strip(&e.base)
            && FINITE_WALKS.contains(&m.method.to_string().as_str())
            && receiver_name(&m.receiver).is_some_and(|n| self.finite.contains(&n.as_str()))
        {
            // Walking a stream of things (`authorizations.next()`) waits for no event.
            return;
        }
        let mut names = AwaitedNames::default();
        names.visit_expr(&e.base);
        self.network_wait |= self.nested == 0 && names.receives && reads_a_connection(&e.base);
        if names.interactive {
            // A prompt loop waits for a person at a terminal: a CLI's dialogue, no requests.
            return;
        }
        // What a nested loop receives makes that loop an event loop, not this one: nanocl's
        // proxy resubscribes in `loop { match client.watch_events().await { Ok(stream) => {
        // ensure_conf().await; while let Some(e) = stream.next().await { .. } } } }`, and
        // what it does once per subscription serves no event (thirty-ninth held-out set).
        self.receives |= names.receives && self.nested == 0;
        self.ticks |= names.ticks;
        if self.first_is_signal.is_some() {
            return;
        }
        let base = strip(&e.base);
        let locals = &self.signal_locals;
        let signal = self
            .scope
            .is_signal_expr_with(base, &|n| locals.iter().any(|l| l == n))
            || matches!(base, Expr::MethodCall(m) if names_a_reload(&m.receiver)
                || follows_a_state(m)
                || receiver_name(&m.receiver).is_some_and(|n| self.watchers.contains(&n.as_str())));
        self.first_is_signal = Some(signal);
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        self.deadline |= m.method == "elapsed";
        visit::visit_expr_method_call(self, m);
    }
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        let name = i.to_string();
        self.deadline |= name.contains("deadline");
        self.addressed |= self.nested == 0 && PEER_ADDRESSES.contains(&name.as_str());
    }
    fn visit_expr_loop(&mut self, e: &'ast syn::ExprLoop) {
        self.nested += 1;
        visit::visit_expr_loop(self, e);
        self.nested -= 1;
    }
    fn visit_expr_while(&mut self, e: &'ast syn::ExprWhile) {
        self.nested += 1;
        visit::visit_expr_while(self, e);
        self.nested -= 1;
    }
    fn visit_expr_for_loop(&mut self, e: &'ast syn::ExprForLoop) {
        self.nested += 1;
        visit::visit_expr_for_loop(self, e);
        self.nested -= 1;
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
    fn visit_item(&mut self, _: &'ast syn::Item) {}
    fn visit_macro(&mut self, m: &'ast Macro) {
        let body = crate::rust::macros::read(m, crate::rust::macros::Position::Expr);
        if m.path.segments.last().is_some_and(|s| s.ident == "select") {
            if times_only(&body) {
                // A timer loop with a shutdown branch: what its bodies await drives nothing.
                self.timer_select = true;
                return;
            }
            self.select = true;
        }
        for n in &body.nodes {
            n.visit(self);
        }
    }
}

/// Does a `select!` wait only for a timer, for shutdown and for configuration changes:
/// pingap's background service `select! { _ = shutdown.changed() => break, _ = period.tick()
/// => run_tasks().await }`, its config observer's `r = observer.watch() => reload(..)`? Such a
/// loop runs its work once per period or per edit, like a plain timer loop.
fn times_only(select: &crate::rust::macros::Body) -> bool {
    let futures: Vec<&Expr> = select
        .futures
        .iter()
        .filter_map(|&i| match select.nodes.get(i) {
            Some(crate::rust::macros::Node::Expr(e)) => Some(e),
            _ => None,
        })
        .collect();
    futures.len() == select.futures.len()
        && futures.iter().any(|e| only_ticks(e))
        && futures
            .iter()
            .all(|e| only_ticks(e) || stops(e) || watches_config(e))
}

/// Does a `select!` future wait only for a timer (`interval.tick()`, `sleep(d)`)?
pub(super) fn only_ticks(e: &Expr) -> bool {
    let mut names = AwaitedNames::default();
    names.visit_expr(e);
    names.ticks && !names.receives
}

/// Does a `select!` future wait for a configuration change: a watcher or observer
/// (`observer.watch()`, `config_watcher.recv()`) or a reload channel (`reload_rx.recv()`)?
fn watches_config(e: &Expr) -> bool {
    let receiver = match strip(e) {
        Expr::MethodCall(m) => &m.receiver,
        Expr::Await(a) => &a.base,
        _ => return false,
    };
    names_a_reload(receiver)
        || receiver_name(receiver).is_some_and(|n| has_word(&n, &["observer", "watcher", "watch"]))
}

/// Does a `select!` future wait for shutdown: a signal, a cancellation, or a receiver named
/// for stopping (`shutdown.changed()`, `token.cancelled()`, `ctrl_c()`, `stop_rx.recv()`)?
fn stops(e: &Expr) -> bool {
    idents_in(e, false).iter().any(|i| {
        let i = i.to_ascii_lowercase();
        i == "ctrl_c" || i == "cancelled" || i.split('_').any(|w| STOP_WORDS.contains(&w))
    })
}

/// Words of a receiver's name that say it waits for shutdown.
const STOP_WORDS: &[&str] = &[
    "shutdown",
    "stop",
    "cancel",
    "exit",
    "quit",
    "terminate",
    "close",
    "closed",
    "kill",
];

/// Does the receiver of an awaited call name a reload, restart or spawn channel
/// (`reload_rx.recv()`, `self.config_updates.changed()`, `self.spawn_rx.recv()`)? A loop driven
/// by one runs on an operator's command or when a source or worker is added, like a SIGHUP
/// handler: once per reload or spawn, not per request. Only the receiver's own name counts
/// (`self.config.jobs.recv()` is a jobs channel).
pub(super) fn names_a_reload(receiver: &Expr) -> bool {
    receiver_name(receiver).is_some_and(|name| has_word(&name, RELOAD_WORDS))
}

/// Is one of the `_`-separated words of `name` (any case) in `words`?
pub(in crate::rust) fn has_word(name: &str, words: &[&str]) -> bool {
    name.to_ascii_lowercase()
        .split('_')
        .any(|w| words.contains(&w))
}

/// Is it `rx.changed()`, a `watch` receiver's wait for a new value? A watch channel keeps only
/// the latest value, so it carries state (a configuration epoch, a flag), never a queue of
/// requests: a loop driven by one runs once per change, like a reload (KumoMTA's bounce
/// classifier reloads on `config::epoch::subscribe()`'s changes; seventeenth held-out set).
fn follows_a_state(m: &syn::ExprMethodCall) -> bool {
    m.method == "changed" && m.args.is_empty()
}

/// The name a receiver is known by: a local's or a field's (`reload_rx`,
/// `self.reload_rx.as_mut().unwrap()` → `reload_rx`).
pub(super) fn receiver_name(e: &Expr) -> Option<String> {
    match e {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        Expr::Field(f) => match &f.member {
            syn::Member::Named(n) => Some(n.to_string()),
            syn::Member::Unnamed(_) => receiver_name(&f.base),
        },
        Expr::MethodCall(m) => receiver_name(&m.receiver),
        Expr::Reference(r) => receiver_name(&r.expr),
        Expr::Paren(p) => receiver_name(&p.expr),
        Expr::Try(t) => receiver_name(&t.expr),
        _ => None,
    }
}

/// Does an expression make a file watcher or its event stream (a call into the `notify` or
/// `inotify` crates, `recommended_watcher(..)`, `get_inotify_event_stream()`)?
pub(super) fn makes_a_file_watcher(e: &Expr) -> bool {
    let mut f = NamedBy {
        // `notify::recommended_watcher`, `RecommendedWatcher::new`, `new_debouncer`,
        // `Inotify::init`: any case, any word boundary.
        wanted: |name| {
            let name = name.to_ascii_lowercase();
            name == "notify"
                || ["inotify", "watcher", "fsevent", "debouncer"]
                    .iter()
                    .any(|w| name.contains(w))
        },
        into_closures: true,
        found: false,
    };
    f.visit_expr(e);
    f.found
}

/// `let (tx, rx) = mpsc::channel(..)` (also `unbounded_channel`, crossbeam's `bounded` /
/// `unbounded`, `oneshot::channel`, `watch::channel`): the sender's and the receiver's names.
pub(super) fn channel_pair(pat: &syn::Pat, init: &Expr) -> Option<(String, String)> {
    let syn::Pat::Tuple(t) = pat else { return None };
    let [syn::Pat::Ident(tx), syn::Pat::Ident(rx)] = t.elems.iter().collect::<Vec<_>>()[..] else {
        return None;
    };
    let Expr::Call(c) = init else { return None };
    let Expr::Path(f) = &*c.func else { return None };
    let name = f.path.segments.last()?.ident.to_string();
    let makes_channel =
        name.ends_with("channel") || matches!(name.as_str(), "bounded" | "unbounded");
    makes_channel.then(|| (tx.ident.to_string(), rx.ident.to_string()))
}

/// `let mut authorizations = order.authorizations()`, `let mut pages = query.paginate(&db,
/// 100)`: a local bound to what a method of another value returns, where neither the local's
/// nor the method's name says events (`incoming`, `subscribe`, `messages`, `stream`, `rx`,
/// ..). Walking it with `.next()` (`try_next`, `fetch_and_next`, ..) goes through things the
/// value already has or fetches (ACME authorizations, rows, pages), not through requests that
/// arrive. So does a directory's listing (`let mut entries =
/// tokio::fs::read_dir(dir).await?`, walked with `next_entry()`).
pub(super) fn finite_stream(pat: &syn::Pat, init: &Expr) -> Option<String> {
    let syn::Pat::Ident(id) = pat else {
        return None;
    };
    let name = id.ident.to_string();
    if lists_a_directory(init) {
        return Some(name);
    }
    let Expr::MethodCall(m) = init else {
        return None;
    };
    let eventful = |s: &str| {
        s.to_ascii_lowercase().split('_').any(|w| {
            EVENT_WORDS.contains(&w)
                || STREAM_WORDS.contains(&w)
                || STOP_WORDS.contains(&w)
                || TIMER_WORDS.contains(&w)
        })
    };
    let eventful_method = eventful(&m.method.to_string());
    (!eventful(&name) && !eventful_method).then_some(name)
}

/// The methods that walk a stream of things: not `next_line`, which reads a socket as often as
/// a file.
const FINITE_WALKS: &[&str] = &[
    "next",
    "try_next",
    "next_entry",
    "fetch_next",
    "fetch_and_next",
    "next_page",
];

/// `read_dir(..)`, awaited or not, `?` or not.
fn lists_a_directory(init: &Expr) -> bool {
    match init {
        Expr::Try(t) => lists_a_directory(&t.expr),
        Expr::Await(a) => lists_a_directory(&a.base),
        Expr::Paren(p) => lists_a_directory(&p.expr),
        Expr::Call(c) => matches!(&*c.func, Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "read_dir")),
        _ => false,
    }
}

/// Words of a local's or a method's name that say a stream of events (beyond
/// [`EVENT_WORDS`]).
const STREAM_WORDS: &[&str] = &[
    "frames",
    "packets",
    "datagrams",
    "commands",
    "responses",
    "stream",
    "streams",
    "subscribe",
    "subscription",
    "subscriber",
    "watch",
    "watcher",
    "updates",
    "changes",
    "rx",
    "receiver",
    "consumer",
    "feed",
    "reader",
    "socket",
    "sock",
    "conn",
    "connection",
    "connections",
    "ws",
    "websocket",
    "body",
    "chunks",
    "clients",
    "peers",
    "inbox",
    "mailbox",
    "queue",
    "queues",
    "topic",
    "bus",
    "pubsub",
    "sub",
    "channel",
    "notifications",
    "signals",
    "split",
    "listener",
];

/// Every identifier an expression names, in closures too when `into_closures`.
pub(super) fn idents_in(e: &Expr, into_closures: bool) -> Vec<String> {
    struct Idents(Vec<String>, bool);
    impl<'ast> Visit<'ast> for Idents {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            self.0.push(i.to_string());
        }
        fn visit_macro(&mut self, m: &'ast Macro) {
            for n in &crate::rust::macros::read(m, crate::rust::macros::Position::Expr).nodes {
                n.visit(self);
            }
        }
        fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
            if self.1 {
                visit::visit_expr_closure(self, c);
            }
        }
    }
    let mut found = Idents(Vec::new(), into_closures);
    found.visit_expr(e);
    found.0
}

/// Words of a channel's name that say it carries control commands: reload the configuration,
/// restart, or spawn (respawn) a source or worker (ntpd-rs's `spawn_rx` adds an NTP source).
const RELOAD_WORDS: &[&str] = &[
    "reload",
    "reloads",
    "spawn",
    "respawn",
    "restart",
    "restarts",
    "reconfigure",
    "config",
    "configs",
    "settings",
];

/// The methods and fns an awaited expression calls: does it wait for an event (`rx.recv()`,
/// `listener.accept()`, `stream.next()`, `conn.read_frame()`, `rx.changed()`) or a timer
/// (`sleep(..)`, `interval.tick()`)? Judged by the words of their names.
#[derive(Default)]
struct AwaitedNames {
    receives: bool,
    ticks: bool,
    /// It reads what a person types (`read_line_stdin()`, `.prompt(..)`): a CLI's dialogue.
    interactive: bool,
}

/// Words of a method or fn name that read what a person types at a terminal.
const INTERACTIVE_WORDS: &[&str] = &["stdin", "prompt", "tty", "readline", "interact"];

/// Words of a method or fn name that wait for something to arrive.
const EVENT_WORDS: &[&str] = &[
    "recv", "receive", "read", "next", "accept", "incoming", "event", "events", "message",
    "messages", "msg", "request", "requests", "frame", "packet", "changed", "notified", "listen",
    "select", "wait", "poll", "pop", "dequeue", "job", "jobs",
];

/// Words of a method or fn name that wait for time to pass.
const TIMER_WORDS: &[&str] = &["sleep", "tick", "delay", "interval"];

/// Words of a method or fn name that start a subscription rather than wait for its events:
/// `client.watch_events(None).await` gives the stream whose `next()` receives them.
const SUBSCRIBE_WORDS: &[&str] = &["watch", "subscribe"];

impl AwaitedNames {
    fn name(&mut self, name: &str) {
        if name.split('_').any(|w| SUBSCRIBE_WORDS.contains(&w)) {
            return;
        }
        for word in name.split('_') {
            self.receives |= EVENT_WORDS.contains(&word);
            self.ticks |= TIMER_WORDS.contains(&word);
            self.interactive |= INTERACTIVE_WORDS.contains(&word);
        }
    }
}

impl<'ast> Visit<'ast> for AwaitedNames {
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        // `FILES.read().await` takes a `RwLock`'s read guard; a reader's `read(&mut buf)`
        // receives bytes.
        let lock_guard = m.method == "read" && m.args.is_empty();
        if !lock_guard {
            self.name(&m.method.to_string());
        }
        visit::visit_expr_method_call(self, m);
    }
    fn visit_expr_call(&mut self, c: &'ast ExprCall) {
        if let Expr::Path(p) = &*c.func
            && let Some(last) = p.path.segments.last()
        {
            self.name(&last.ident.to_string());
        }
        visit::visit_expr_call(self, c);
    }
    fn visit_macro(&mut self, m: &'ast Macro) {
        self.receives |= m.path.segments.last().is_some_and(|s| s.ident == "select");
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
}

#[cfg(test)]
mod tests {
    use super::names_a_reload;

    fn reload(src: &str) -> bool {
        syn::parse_str::<syn::Expr>(src).is_ok_and(|e| names_a_reload(&e))
    }

    #[test]
    fn only_the_receivers_own_name_says_reload() {
        assert!(reload("reload_rx"));
        assert!(reload("self.config_updates"));
        assert!(reload("self.restart_rx.as_mut().unwrap()"));
        assert!(reload("self.spawn_rx"));
        assert!(!reload("spawned_jobs"));
        assert!(!reload("self.config.jobs"));
        assert!(!reload("requests"));
        assert!(!reload("reloaded"));
    }
}
