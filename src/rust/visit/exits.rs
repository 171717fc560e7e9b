//! Signal handlers that only end the process (`ctrlc::set_handler(|| exit(1))`, a task that
//! awaits ctrl-c and exits): they stop no server gracefully and drain nothing, so they are no
//! graceful-shutdown evidence.

use syn::Expr;

use super::{Walker, strip};

impl Walker<'_> {
    /// Visits a block that ends in an exit tail (`tail` is where it starts): the tail, and
    /// the statements that feed a channel the tail waits on (rmqtt's `tokio::spawn(async
    /// move { ctrl_c().await; shutdown_tx.send(()) })` before `shutdown_rx.await;
    /// process::exit(0)`), are visited as exit-only: the signals there are no graceful
    /// shutdown.
    pub(super) fn stmts_before_exit(&mut self, stmts: &[syn::Stmt], tail: usize) {
        let (before, after) = stmts.split_at(tail);
        let senders = senders_of(before, &tail_receivers(after));
        let mut start = 0;
        for (i, s) in before.iter().enumerate() {
            if feeds(s, &senders) {
                self.stmts(&before[start..i]);
                self.exit_only += 1;
                self.stmts(std::slice::from_ref(s));
                self.exit_only -= 1;
                start = i + 1;
            }
        }
        self.stmts(&before[start..]);
        self.exit_only += 1;
        self.stmts(after);
        self.exit_only -= 1;
        // Only a tail that exits the process itself: the end of `main` that waits for a signal
        // lets the drop guards in scope run (thin-edge's p11 server removes its socket file).
        if only_waits_then_exits(after) {
            self.exit_tail_signals(after);
        }
    }
}

/// The senders paired with these receivers: `let (shutdown_tx, shutdown_rx) = channel()`.
fn senders_of(stmts: &[syn::Stmt], receivers: &[String]) -> Vec<String> {
    stmts
        .iter()
        .filter_map(|s| match s {
            syn::Stmt::Local(l) => l
                .init
                .as_ref()
                .and_then(|i| super::waits::channel_pair(&l.pat, &i.expr)),
            _ => None,
        })
        .filter(|(_, rx)| receivers.contains(rx))
        .map(|(tx, _)| tx)
        .collect()
}

/// Is `s` an expression statement that names one of the senders (a task that sends on it)?
fn feeds(s: &syn::Stmt, senders: &[String]) -> bool {
    let syn::Stmt::Expr(e, _) = s else {
        return false;
    };
    !senders.is_empty()
        && super::waits::idents_in(e, true)
            .iter()
            .any(|i| senders.contains(i))
}

/// Is `e` a closure that does nothing but exit the process (after logging, perhaps):
/// `|| std::process::exit(1)`, `move || { eprintln!(".."); process::exit(130); }`?
/// An async block of that shape counts too: hyper-mcp's shutdown future for
/// `with_graceful_shutdown` is `async { ctrl_c().await.unwrap(); sleep(..).await;
/// process::exit(0); }`, which never lets the server drain (thirty-fourth held-out set).
pub(super) fn exits_only(e: &Expr) -> bool {
    let c = match strip(e) {
        Expr::Closure(c) => c,
        Expr::Async(a) => return only_waits_then_exits(&a.block.stmts),
        _ => return false,
    };
    match strip(&c.body) {
        Expr::Block(b) => only_waits_then_exits(&b.block.stmts),
        body => is_exit(body),
    }
}

/// Do these statements only wait (a signal, a short sleep), log and then exit the process
/// (`tokio::signal::ctrl_c().await.unwrap(); std::process::exit(130);`)? Such a handler stops
/// no server gracefully and drains nothing.
pub(super) fn only_waits_then_exits(stmts: &[syn::Stmt]) -> bool {
    let mut exits = false;
    for stmt in stmts {
        match stmt {
            syn::Stmt::Macro(_) | syn::Stmt::Expr(Expr::Macro(_), _) => {}
            s if is_exit_prelude(s) => {}
            syn::Stmt::Expr(e, _) if is_exit(e) => exits = true,
            syn::Stmt::Expr(e, _) if is_awaited(e) => {}
            s if discarded(s).is_some_and(is_awaited) => {}
            _ => return false,
        }
    }
    exits
}

/// Where a statement list's exit tail starts, if it has one: from there on the statements
/// only wait for a signal, a channel or a short sleep, log, and exit the process. wstunnel's
/// stdio client ends `select! { _ = handle.closed() => {}, _ = ctrl_c() => {} }
/// sleep(1s).await; process::exit(0)`; rmqtt's main ends `shutdown_rx.await; sleep(100ms)
/// .await; process::exit(0)`. Signals waited for there stop no server gracefully.
///
/// The end of `main` (`ends_process`) ends the process too: defguard's main ends
/// `select! { r = server => r, _ = ctrl_c() => Ok(()) }`, which drops the server with its
/// requests in flight.
pub(super) fn exit_tail_start(stmts: &[syn::Stmt], ends_process: bool) -> Option<usize> {
    let body = match stmts.split_last() {
        Some((last, rest)) if ends_process && is_ok_unit(last) => rest,
        _ => stmts,
    };
    let start = body
        .iter()
        .rposition(|s| !is_tail_stmt(s))
        .map_or(0, |i| i + 1);
    let tail = &body[start..];
    let exits =
        only_waits_then_exits(tail) || (ends_process && tail.iter().any(waits_for_a_signal));
    (start < body.len() && exits && !tail.iter().any(stmt_drains)).then_some(start)
}

/// Does a tail statement shut something down on its way out (`token.cancel()`,
/// `handle.stop(true).await`, `shutdown_tx.send(())`, `with_graceful_shutdown(..)` inside a
/// `select!`)? Then the tail is a graceful shutdown, not an exit.
fn stmt_drains(s: &syn::Stmt) -> bool {
    draining_idents(s).is_some()
}

/// The identifiers of a statement that shuts something down ([`stmt_drains`]): what it
/// stops (`relay` in `relay.shutdown().await?`), among others.
pub(super) fn draining_idents(s: &syn::Stmt) -> Option<Vec<String>> {
    let idents: Vec<String> = match s {
        syn::Stmt::Macro(m) => macro_idents(m.mac.tokens.clone()),
        syn::Stmt::Expr(Expr::Macro(m), _) => macro_idents(m.mac.tokens.clone()),
        syn::Stmt::Expr(e, _) => super::waits::idents_in(e, true),
        s => discarded(s).map_or_else(Vec::new, |e| super::waits::idents_in(e, true)),
    };
    idents.iter().any(|i| drain_word(i)).then_some(idents)
}

/// A graceful stop, a cancellation, a shutdown message (`graceful_shutdown`, `cancel`, `send`).
fn drain_word(i: &str) -> bool {
    let i = i.to_ascii_lowercase();
    i.contains("graceful") || i.ends_with("_shutdown") || DRAIN_ACTIONS.contains(&i.as_str())
}

/// Does this expression (a `select!` branch's body) shut something down: a graceful stop, a
/// cancellation, a shutdown message (the words [`stmt_drains`] looks for)?
pub(super) fn drains(e: &Expr) -> bool {
    super::waits::idents_in(e, true)
        .iter()
        .any(|i| drain_word(i))
}

/// Methods that stop, cancel or drain something.
const DRAIN_ACTIONS: &[&str] = &[
    "cancel",
    "shutdown",
    "stop",
    "close",
    "drain",
    "send",
    "notify_one",
    "notify_waiters",
    "abort",
    "join",
    "flush",
    "sync_all",
];

/// The identifiers in a macro's tokens, groups included.
fn macro_idents(tokens: proc_macro2::TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for t in tokens {
        match t {
            proc_macro2::TokenTree::Ident(i) => out.push(i.to_string()),
            proc_macro2::TokenTree::Group(g) => out.extend(macro_idents(g.stream())),
            _ => {}
        }
    }
    out
}

/// `Ok(())` as a block's value.
fn is_ok_unit(s: &syn::Stmt) -> bool {
    matches!(s, syn::Stmt::Expr(Expr::Call(c), None)
        if matches!(&*c.func, Expr::Path(p) if p.path.is_ident("Ok"))
            && matches!(c.args.first(), Some(Expr::Tuple(t)) if t.elems.is_empty()))
}

/// Does a tail statement wait for an OS signal: `ctrl_c().await`, `let _ = ctrl_c().await;`,
/// `sigterm.recv().await`, a `select!` with a `ctrl_c()` branch? Judged on the words, as the tail holds nothing else.
fn waits_for_a_signal(s: &syn::Stmt) -> bool {
    let e = match s {
        syn::Stmt::Macro(m) => return mentions_a_signal(m.mac.tokens.clone()),
        syn::Stmt::Expr(Expr::Macro(m), _) => return mentions_a_signal(m.mac.tokens.clone()),
        syn::Stmt::Expr(e, _) => e,
        s => match discarded(s) {
            Some(e) => e,
            None => return false,
        },
    };
    super::waits::idents_in(e, true)
        .iter()
        .any(|i| names_a_signal(i))
}

/// Is this identifier an OS signal's: `ctrl_c`, `SIGTERM`, `terminate`, `signals`?
fn names_a_signal(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.contains("signal")
        || matches!(
            name.as_str(),
            "ctrl_c" | "terminate" | "interrupt" | "sigint" | "sigterm" | "sigquit" | "sighup"
        )
}

/// Do these tokens name an OS signal?
fn mentions_a_signal(tokens: proc_macro2::TokenStream) -> bool {
    macro_idents(tokens).iter().any(|i| names_a_signal(i))
}

/// A statement an exit tail may hold: a macro (logging, `select!`), an exit, a short wait, or
/// an [exit prelude](is_exit_prelude).
fn is_tail_stmt(s: &syn::Stmt) -> bool {
    match s {
        syn::Stmt::Macro(_) => true,
        s if is_exit_prelude(s) => true,
        syn::Stmt::Expr(e, _) => matches!(e, Expr::Macro(_)) || is_exit(e) || is_short_wait(e),
        s => discarded(s).is_some_and(is_short_wait),
    }
}

/// A statement that tidies up before an exit without stopping anything: the removal of a file
/// (`if let Err(e) = fs::remove_file(path) { error!(..) }`, `let _ = std::fs::remove_file(&pid);`).
/// netavark's DHCP proxy waits for SIGTERM or SIGINT, removes its socket file and calls
/// `process::exit`, cutting the RPCs in flight (thirty-eighth held-out set). The signal locals
/// bound before such a tail are no evidence either (`exit_tail_signals`).
fn is_exit_prelude(s: &syn::Stmt) -> bool {
    match s {
        syn::Stmt::Expr(e, _) => removes_a_file(e),
        s => discarded(s).is_some_and(removes_a_file),
    }
}

/// Is `e` a file removal, perhaps unwrapped or with its error logged: `fs::remove_file(p)?`,
/// `std::fs::remove_file(&p).ok()`, `if let Err(e) = remove_file(p) { warn!(..) }`?
fn removes_a_file(e: &Expr) -> bool {
    match strip(e) {
        Expr::Call(c) => matches!(&*c.func, Expr::Path(p) if p.path.segments.last()
            .is_some_and(|s| REMOVALS.contains(&s.ident.to_string().as_str()))),
        Expr::MethodCall(m) if UNWRAPS.contains(&m.method.to_string().as_str()) => {
            removes_a_file(&m.receiver)
        }
        Expr::Try(t) => removes_a_file(&t.expr),
        Expr::If(i) => {
            let cond = match &*i.cond {
                Expr::Let(l) => &*l.expr,
                c => c,
            };
            removes_a_file(cond)
                && i.then_branch.stmts.iter().all(is_log)
                && i.else_branch.as_ref().is_none_or(|(_, e)| match &**e {
                    Expr::Block(b) => b.block.stmts.iter().all(is_log),
                    _ => false,
                })
        }
        _ => false,
    }
}

/// A macro statement (logging).
fn is_log(s: &syn::Stmt) -> bool {
    matches!(s, syn::Stmt::Macro(_) | syn::Stmt::Expr(Expr::Macro(_), _))
}

/// Calls that remove a file or directory.
const REMOVALS: &[&str] = &["remove_file", "remove_dir", "remove_dir_all"];

/// Methods that unwrap or discard a result.
const UNWRAPS: &[&str] = &[
    "ok",
    "unwrap",
    "expect",
    "unwrap_or_default",
    "is_ok",
    "is_err",
];

/// The value of `let _ = value;`.
fn discarded(s: &syn::Stmt) -> Option<&Expr> {
    match s {
        syn::Stmt::Local(l) if matches!(l.pat, syn::Pat::Wild(_)) => {
            l.init.as_ref().map(|i| &*i.expr)
        }
        _ => None,
    }
}

/// An awaited signal, channel, cancellation or sleep, possibly unwrapped: `rx.await`,
/// `ctrl_c().await.unwrap()`, `sleep(d).await`, `token.cancelled().await`. A server's run
/// (`serve(..).await`) is none.
fn is_short_wait(e: &Expr) -> bool {
    match e {
        Expr::Await(a) => match strip(&a.base) {
            Expr::Path(p) => p
                .path
                .segments
                .last()
                .is_some_and(|s| names_a_wakeup(&s.ident)),
            Expr::Call(c) => matches!(&*c.func, Expr::Path(p) if p.path.segments.last()
                .is_some_and(|s| SHORT_WAITS.contains(&s.ident.to_string().as_str()))),
            Expr::MethodCall(m) => SHORT_WAITS.contains(&m.method.to_string().as_str()),
            _ => false,
        },
        Expr::Paren(p) => is_short_wait(&p.expr),
        Expr::MethodCall(m) => is_short_wait(&m.receiver),
        Expr::Try(t) => is_short_wait(&t.expr),
        _ => false,
    }
}

/// Is an awaited local a channel's receiver or a signal (`shutdown_rx`, `stop_signal`), not a
/// task's handle (`server_task.await` waits for the server to finish)?
fn names_a_wakeup(local: &proc_macro2::Ident) -> bool {
    let name = local.to_string().to_ascii_lowercase();
    name.ends_with("rx")
        || [
            "shutdown", "signal", "receiver", "stop", "exit", "quit", "ctrl",
        ]
        .iter()
        .any(|w| name.contains(w))
}

/// What a short wait calls: a signal, a receive, a cancellation, a sleep.
const SHORT_WAITS: &[&str] = &[
    "ctrl_c",
    "recv",
    "sleep",
    "cancelled",
    "closed",
    "changed",
    "wait",
    "next",
];

/// The receivers an exit tail waits on: `shutdown_rx` in `shutdown_rx.await` or
/// `shutdown_rx.recv().await`.
pub(super) fn tail_receivers(tail: &[syn::Stmt]) -> Vec<String> {
    tail.iter()
        .filter_map(|s| match s {
            syn::Stmt::Expr(e, _) => awaited_receiver(e),
            s => discarded(s).and_then(awaited_receiver),
        })
        .collect()
}

/// The local an awaited statement receives from.
fn awaited_receiver(e: &Expr) -> Option<String> {
    match e {
        Expr::Await(a) => super::waits::receiver_name(&a.base),
        Expr::MethodCall(m) => awaited_receiver(&m.receiver),
        Expr::Try(t) => awaited_receiver(&t.expr),
        Expr::Paren(p) => awaited_receiver(&p.expr),
        _ => None,
    }
}

/// `std::process::exit(..)`, `process::exit(..)`.
fn is_exit(e: &Expr) -> bool {
    match strip(e) {
        Expr::Call(call) => matches!(&*call.func, Expr::Path(p)
            if p.path.segments.last().is_some_and(|s| s.ident == "exit")
                && p.path.segments.len() >= 2),
        _ => false,
    }
}

/// `x.await`, possibly unwrapped: `ctrl_c().await.unwrap()`, `sleep(d).await;`.
fn is_awaited(e: &Expr) -> bool {
    match e {
        Expr::Await(_) => true,
        Expr::Paren(p) => is_awaited(&p.expr),
        Expr::MethodCall(m) => is_awaited(&m.receiver),
        Expr::Try(t) => is_awaited(&t.expr),
        _ => false,
    }
}
