//! Signal handlers that only end the process (`ctrlc::set_handler(|| exit(1))`, a task that
//! awaits ctrl-c and exits): they stop no server gracefully and drain nothing, so they are no
//! graceful-shutdown evidence.

use syn::Expr;

use super::strip;

/// Is `e` a closure that does nothing but exit the process (after logging, perhaps):
/// `|| std::process::exit(1)`, `move || { eprintln!(".."); process::exit(130); }`?
pub(super) fn exits_only(e: &Expr) -> bool {
    let Expr::Closure(c) = strip(e) else {
        return false;
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
            syn::Stmt::Expr(e, _) if is_exit(e) => exits = true,
            syn::Stmt::Expr(e, _) if is_awaited(e) => {}
            _ => return false,
        }
    }
    exits
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
