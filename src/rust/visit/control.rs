//! Control commands: a `match` that dispatches only commands which control a daemon
//! (`Shutdown`, `Reload`, unit `Connect` / `Close` lifecycle variants) runs on an operator's or
//! a plugin manager's command, not per request.

use syn::Expr;

/// Is a `select!` branch body a dispatch of control commands only: a block whose last
/// statement is a `match` every arm of which is a `Shutdown`, `Reload`, `Restart`, `Stop`, ..
/// variant (or `_`)? kanidm's `Ok(action) = broadcast_rx.recv() => match action {
/// CoreAction::Shutdown => break, CoreAction::Reload => { setup_tls(..) } }` runs on an
/// operator's command.
pub(super) fn dispatches_only_control(e: &Expr) -> bool {
    let Expr::Block(b) = e else { return false };
    let Some(syn::Stmt::Expr(Expr::Match(m), _)) = b.block.stmts.last() else {
        return false;
    };
    m.arms.iter().any(|a| control_pattern(&a.pat))
        && m.arms
            .iter()
            .all(|a| matches!(a.pat, syn::Pat::Wild(_)) || control_pattern(&a.pat))
}

/// Is a loop's body a dispatch of lifecycle commands only: its last statement a `match` whose
/// every arm is a control variant or a unit `Start` / `Connect` / `Close` / .. variant (or `_`,
/// `None`)? rmqtt's bridge runs `while let Some(cmd) = rx.recv().await { match cmd {
/// Command::Connect => mgr.start().await, Command::Close => mgr.stop().await } }`: the plugin
/// manager sends a command when the plugin starts or stops, so the loop is no event loop. A
/// unit variant carries no request; a `Connect(conn)` with a payload is not taken.
pub(super) fn loop_dispatches_only_control(body: &syn::Block) -> bool {
    let Some(m) = body.stmts.last().and_then(|s| match s {
        syn::Stmt::Expr(Expr::Match(m), _) => Some(m),
        _ => None,
    }) else {
        return false;
    };
    let lifecycle = |p: &syn::Pat| control_pattern(p) || unit_lifecycle_pattern(p);
    m.arms.iter().any(|a| lifecycle(&a.pat))
        && m.arms.iter().all(|a| {
            lifecycle(&a.pat)
                || matches!(&a.pat, syn::Pat::Wild(_))
                || super::memo::is_none_pat(&a.pat)
        })
}

/// A unit variant that starts or stops something: `Command::Connect`, `Some(Cmd::Close)`.
fn unit_lifecycle_pattern(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| LIFECYCLE_VARIANTS.contains(&s.ident.to_string().as_str())),
        syn::Pat::TupleStruct(t) => {
            t.path.is_ident("Some")
                && t.elems.len() == 1
                && t.elems.iter().all(unit_lifecycle_pattern)
        }
        syn::Pat::Or(o) => o
            .cases
            .iter()
            .all(|c| unit_lifecycle_pattern(c) || control_pattern(c)),
        _ => false,
    }
}

/// Unit variants of a lifecycle command enum: what a plugin or bridge manager sends when it
/// starts or stops a component.
const LIFECYCLE_VARIANTS: &[&str] = &["Start", "Connect", "Disconnect", "Close", "Pause", "Resume"];

/// A pattern naming a control variant: `Action::Reload`, `Some(Cmd::Shutdown)`,
/// `Cmd::Restart { .. }`, `A::Stop | A::Quit`.
fn control_pattern(p: &syn::Pat) -> bool {
    let last = |path: &syn::Path| {
        path.segments
            .last()
            .is_some_and(|s| CONTROL_VARIANTS.contains(&s.ident.to_string().as_str()))
    };
    match p {
        syn::Pat::Path(p) => last(&p.path),
        syn::Pat::Ident(i) => CONTROL_VARIANTS.contains(&i.ident.to_string().as_str()),
        syn::Pat::Struct(s) => last(&s.path),
        syn::Pat::TupleStruct(t) => {
            last(&t.path) || (t.elems.len() == 1 && t.elems.iter().all(control_pattern))
        }
        syn::Pat::Or(o) => o.cases.iter().all(control_pattern),
        _ => false,
    }
}

/// Variants of a command enum that control a daemon rather than carry work.
const CONTROL_VARIANTS: &[&str] = &[
    "Shutdown",
    "Reload",
    "ReloadConfig",
    "Restart",
    "Reconfigure",
    "Stop",
    "Terminate",
    "Quit",
    "Exit",
];
