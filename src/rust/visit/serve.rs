//! The service facts of the walk: where a server starts (a framework's start call or
//! attribute, an accept loop), presence facts with their evidence (calls, paths used as values,
//! route literals held in constants and `const fn` tables, `path = ".."` attributes), accept
//! loops and the `select!` branches of one that accept nothing (contexts of call checks), and
//! the root of a method call's receiver chain (`a::b(..).c().name()` → `a::b`).

use std::sync::LazyLock;

use proc_macro2::Span;
use regex::Regex;
use syn::Expr;
use syn::spanned::Spanned;
use syn::visit::Visit;

use super::{Walker, addr};
use crate::kinds::presence::PresenceMatcher;
use crate::kinds::service::{FRAMEWORKS, Start};
use crate::rust::contexts::Frame;
use crate::rust::facts::Callee;
use crate::rust::macros::Node;
use crate::rust::resolve::segments;
use crate::rust::{PresenceFact, StartFact};

/// Words of a dependency's name that say it serves (`mogh_server`, `my_http`, `acme_web`).
const SERVING_CRATE_WORDS: &[&str] = &["server", "http", "web"];

/// Crates that are never a workspace member re-exporting a framework.
const STD_CRATES: &[&str] = &["std", "core", "alloc", "self", "super"];

/// Names of a dependency's fns that serve a whole application (not `serve_dir`,
/// `serve_static_ui`: one route's files inside a server).
const HELPER_SERVE_FNS: &[&str] = &[
    "serve",
    "serve_app",
    "serve_api",
    "serve_router",
    "serve_routes",
    "serve_service",
    "serve_http",
    "serve_https",
];

impl Walker<'_> {
    /// Records a presence fact when the call is one the check looks for (or turns a framework
    /// default off).
    pub(super) fn presence_fact(
        &mut self,
        idx: usize,
        p: &PresenceMatcher,
        callee: &Callee,
        line: u32,
    ) {
        let what = match callee {
            Callee::Path(cands) => cands
                .iter()
                .find(|c| p.functions.iter().any(|f| f.matches(c)))
                .map(|c| format!("`{}(..)`", c.join("::"))),
            Callee::Method { name, roots, .. } => p
                .methods
                .iter()
                .find(|m| m.matches(name, roots))
                .map(|m| format!("`{}(..)`", chain_display(m.root.is_some(), roots, name))),
            Callee::Macro(n) => p.macros.iter().any(|m| m == n).then(|| format!("`{n}!`")),
            Callee::Ref(_) | Callee::Param(_) => None,
        };
        let negates = match callee {
            Callee::Method { name, .. } if what.is_none() => {
                p.defaults_off.iter().any(|m| m == name)
            }
            _ => false,
        };
        let what = match (what, negates, callee) {
            (Some(w), _, _) => w,
            (None, true, Callee::Method { name, .. }) => format!("`.{name}()`"),
            _ => return,
        };
        let func = self.current_fn();
        self.out.presence.push(PresenceFact {
            check: idx,
            line,
            what,
            negates,
            func,
            features: self.features.clone(),
        });
    }

    /// Records presence facts for a path used as a value (`SIGTERM`, `tokio::signal::ctrl_c`
    /// passed as a fn). A constant a module pattern matches (`ratelimit::QUOTA_ORG` for
    /// `*::ratelimit::*`) limits nothing; one named outright (`*::SIGTERM`) counts. A path in a
    /// pattern only inspects a value (`ratelimit::TargetReference::UnknownKind => None` in
    /// linkerd's policy controller): no fact.
    pub(super) fn presence_value(&mut self, path: &syn::Path) {
        if self.in_pattern > 0
            || self.sending_signal > 0
            || !self.presence_checks().any(|(_, p)| !p.functions.is_empty())
        {
            return;
        }
        let cands = self.resolve_path(path);
        let mut found = Vec::new();
        for (idx, p) in super::calls::presence_checks(self.engine, self.input) {
            let c = cands.iter().find(|c| {
                let constant = c
                    .last()
                    .is_some_and(|l| crate::rust::infallible::const_name(l));
                p.functions
                    .iter()
                    .any(|f| f.matches(c) && !(f.any_suffix && constant))
            });
            found.extend(c.map(|c| (idx, format!("`{}`", c.join("::")))));
        }
        // Most paths are no presence fact: their line and fn are not looked up.
        if found.is_empty() {
            return;
        }
        let line = path.span().start().line as u32;
        let func = self.current_fn();
        self.out
            .presence
            .extend(found.into_iter().map(|(check, what)| PresenceFact {
                check,
                line,
                what,
                negates: false,
                func: func.clone(),
                features: self.features.clone(),
            }));
    }

    /// Records where a server starts: a framework's start call, or an accept loop.
    pub(super) fn start_fact(&mut self, callee: &Callee, line: u32, no_args: bool) {
        let Some(starts) = self
            .engine
            .request
            .starts
            .as_ref()
            .filter(|_| self.input.serves)
        else {
            return;
        };
        // Only the starts that may match: a fn start a path call, a method start a method call.
        let tried = match callee {
            Callee::Path(cands) => {
                starts.for_path(cands.iter().filter_map(|c| c.last()).map(String::as_str))
            }
            Callee::Method { .. } => starts.methods().collect(),
            _ => Vec::new(),
        };
        let found = tried.into_iter().find_map(|(fw, st)| match (st, callee) {
            (Start::Fn(p), Callee::Path(cands)) => cands
                .iter()
                .find(|c| p.matches(c))
                .map(|c| (Some(*fw), format!("`{}(..)`", c.join("::")))),
            (Start::Method(m), Callee::Method { name, roots, .. }) if m.matches(name, roots) => {
                Some((
                    Some(*fw),
                    format!("`{}(..)`", chain_display(true, roots, name)),
                ))
            }
            _ => None,
        });
        let helper = found
            .is_none()
            .then(|| self.helper_crate_start(callee))
            .flatten();
        let found = found.or_else(|| helper.clone().map(|what| (None, what)));
        let reexport = match (&found, callee) {
            (None, Callee::Path(cands)) => self.reexported_start(&starts.starts, cands),
            _ => None,
        };
        let found = found.or_else(|| {
            reexport
                .as_ref()
                .map(|(fw, what, _)| (Some(*fw), what.clone()))
        });
        let found = found.or_else(|| match callee {
            Callee::Method { name, .. }
                if no_args && (name == "incoming" || (name == "accept" && self.in_loop())) =>
            {
                Some((None, format!("`.{name}()` in a loop")))
            }
            _ => None,
        });
        if let Some((framework, what)) = found {
            let func = self.current_fn();
            // Only a hand-written accept loop can stop at its first request.
            let ephemeral = self.fn_binds_ephemeral_port()
                || (framework.is_none() && self.one_shot_loopback(line));
            self.out.starts.push(StartFact {
                framework,
                line,
                what,
                func,
                ephemeral,
                helper: helper.is_some(),
                reexport: reexport.map(|(_, _, via)| via),
            });
        }
    }

    /// A framework start called through a module of a workspace crate, which the framework's
    /// glob re-export may fill (`use service_api::webapp::HttpServer; HttpServer::new(..)` with
    /// `pub use actix_web::*;` in `webapp`): the framework, the call as shown, and (module
    /// path, framework crate) for the services stage to confirm.
    fn reexported_start(
        &self,
        starts: &[(usize, Start)],
        cands: &[Vec<String>],
    ) -> Option<(usize, String, crate::rust::Reexport)> {
        // The start that names most of the call wins (`prelude::Server::new` is poem's
        // `Server::new`, not tide's `new`); the first such, in candidate order.
        let mut best: Option<(usize, (usize, String, crate::rust::Reexport))> = None;
        for c in cands {
            let Some(first) = c.first() else { continue };
            if self.engine.externals.contains(first) || STD_CRATES.contains(&first.as_str()) {
                continue;
            }
            for (fw, st) in starts {
                let Start::Fn(p) = st else { continue };
                let Some((krate, tail)) = p.segments.split_first() else {
                    continue;
                };
                let Some(keep) = c.len().checked_sub(tail.len()).filter(|&k| k >= 1) else {
                    continue;
                };
                // A framework no package of the workspace depends on is not re-exported.
                let plain = !p.any_prefix && !p.any_suffix && self.engine.externals.contains(krate);
                let better = best.as_ref().is_none_or(|(len, _)| tail.len() > *len);
                if plain && better && c[keep..] == *tail && first != krate {
                    let via = (c[..keep].to_vec(), krate.clone(), c[keep].clone());
                    best = Some((tail.len(), (*fw, format!("`{}(..)`", c.join("::")), via)));
                }
            }
        }
        best.map(|(_, found)| found)
    }

    /// A server started by a dependency's serve fn (`mogh_server::serve_app(api::app(), ..)`,
    /// `my_web::serve(router)`): a crate named for serving (`*server*`, `*http*`, `*web*`)
    /// that is no workspace member, and a fn of [`HELPER_SERVE_FNS`]. Shown as the call.
    fn helper_crate_start(&self, callee: &Callee) -> Option<String> {
        let Callee::Path(cands) = callee else {
            return None;
        };
        cands.iter().find_map(|c| match c.as_slice() {
            [krate, .., f]
                if self.engine.externals.contains(krate)
                    && SERVING_CRATE_WORDS.iter().any(|w| krate.contains(w))
                    && HELPER_SERVE_FNS.contains(&f.as_str()) =>
            {
                Some(format!("`{}(..)`", c.join("::")))
            }
            _ => None,
        })
    }

    /// Does the innermost enclosing fn bind a loopback address on port 0 (`"127.0.0.1:0"`,
    /// `SocketAddr::from(([127, 0, 0, 1], 0))`, `("localhost", 0)`), or on a free port it
    /// picks itself (`portpicker::pick_unused_port()` beside a loopback address)? A server on
    /// such a port is a helper of the process: only the process knows the port. Not in `main`,
    /// nor in a fn that also binds a UDP socket (a metrics client's `127.0.0.1:0` beside the
    /// real server): there the literal may not be the server's.
    fn fn_binds_ephemeral_port(&self) -> bool {
        let decl = self.current_decl().filter(|d| d.name != "main");
        let text = decl.and_then(|d| self.input.text.get(d.bytes.clone()));
        let matches =
            |re: &LazyLock<Option<Regex>>, t: &str| re.as_ref().is_some_and(|re| re.is_match(t));
        text.is_some_and(|t| {
            !t.contains("UdpSocket")
                && (matches(&EPHEMERAL_LOOPBACK, t)
                    || (t.contains("pick_unused_port") && matches(&LOOPBACK, t)))
        })
    }

    /// Does the enclosing fn bind a loopback address and, from line `line` (its accept loop) on,
    /// return a value (`return Ok(code)`, `return Some(url)`)? A listener that stops at the
    /// first good request is a one-shot helper: a CLI catching its OAuth redirect on
    /// `127.0.0.1:{port}` (spotify-tui), not a service.
    fn one_shot_loopback(&self, line: u32) -> bool {
        let Some(decl) = self.current_decl().filter(|d| d.name != "main") else {
            return false;
        };
        let Some(text) = self.input.text.get(decl.bytes.clone()) else {
            return false;
        };
        if !LOOPBACK.as_ref().is_some_and(|re| re.is_match(text)) {
            return false;
        }
        let before = self.input.text.get(..decl.bytes.start).unwrap_or_default();
        let first_line = before.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
        let after_loop: String = text
            .lines()
            .skip(line.saturating_sub(first_line) as usize)
            .collect();
        after_loop.contains("return Ok(") || after_loop.contains("return Some(")
    }

    /// Server starts by attribute (`#[launch]`, `#[rocket::launch]`).
    pub(super) fn start_attrs(&mut self, attrs: &[syn::Attribute], name: &str) {
        if self.engine.request.starts.is_none() || !self.input.serves {
            return;
        }
        for a in attrs {
            let segs = segments(a.path());
            let Some(last) = segs.last() else { continue };
            let framework = FRAMEWORKS
                .iter()
                .position(|f| f.attributes.contains(&last.as_str()));
            if let Some(framework) = framework {
                self.out.starts.push(StartFact {
                    framework: Some(framework),
                    line: a.span().start().line as u32,
                    what: format!("`#[{}]`", segs.join("::")),
                    func: name.to_string(),
                    ephemeral: false,
                    helper: false,
                    reexport: None,
                });
            }
        }
    }

    /// The name of the innermost enclosing fn, "" outside fns.
    pub(super) fn current_fn(&self) -> String {
        self.current_decl()
            .map(|d| d.name.clone())
            .unwrap_or_default()
    }

    /// The innermost enclosing fn.
    fn current_decl(&self) -> Option<&crate::rust::facts::FnDecl> {
        self.bodies
            .iter()
            .rev()
            .find_map(|(id, _)| self.out.facts.bodies.get(*id as usize)?.decl())
    }

    /// Inside a loop of the innermost fn?
    fn in_loop(&self) -> bool {
        self.frames
            .iter()
            .rev()
            .map(|(f, _)| f)
            .take_while(|f| !matches!(f, Frame::Fn { .. }))
            .any(|f| matches!(f, Frame::Loop))
    }

    /// Pushes `AcceptLoop` inside a loop whose text accepts connections (`.accept()` /
    /// `.incoming()`, also inside `select!`), or `ServingLoop` inside one that receives
    /// datagrams (`.recv_from(..)`) or reads a connection (`network`). Gives the number of
    /// frames pushed.
    pub(super) fn accept_frame(&mut self, span: Span, network: bool) -> usize {
        let text = self
            .text
            .get(crate::rust::split::span_bytes(span))
            .unwrap_or("");
        let frame = if accepts_connections(text) {
            Frame::AcceptLoop
        } else if network || receives_datagrams(text) {
            Frame::ServingLoop
        } else {
            return 0;
        };
        self.push_frame(frame);
        1
    }

    /// The branches of a `select!` (read as future, body, future, body, …): in an accept loop
    /// the body of a branch whose future does not accept (a signal, a tick) serves no
    /// connection (`OtherBranch`); in any other `select!`, the body of a branch whose future is
    /// an OS signal is control code (reload, shutdown), not serving (`OtherBranch` too).
    pub(super) fn select_branches(&mut self, nodes: &[Node], select: usize) {
        let accept_loop = self
            .frames
            .iter()
            .rev()
            .map(|(f, _)| f)
            .take_while(|f| !matches!(f, Frame::Fn { .. }))
            .any(|f| matches!(f, Frame::AcceptLoop));
        let mut after_other = false;
        let mut after = None;
        // Taken out whatever the loop: a macro body's statements are freed after their walk,
        // and their addresses may be reused.
        let stopped_after = self.drains_after.remove(&select);
        let raced = match accept_loop {
            true => Default::default(),
            false => self.raced_signals(nodes, stopped_after),
        };
        for n in nodes {
            let Node::Expr(e) = n else {
                if !matches!(n, Node::Item(syn::Item::Use(_))) {
                    n.visit(self);
                }
                continue;
            };
            if !accept_loop {
                // A signal raced against the server is evidence of nothing (`races`).
                let silenced = u32::from(raced.contains(&addr(e)));
                self.exit_only += silenced;
                self.signal_select_branch(e, &mut after);
                self.exit_only -= silenced;
                continue;
            }
            if matches!(e, Expr::Block(_)) && !after_other {
                self.visit_expr(e);
                continue;
            }
            if after_other {
                self.push_frame(Frame::OtherBranch);
                self.visit_expr(e);
                self.pop_frame();
                after_other = false;
            } else {
                let text = self.text.get(crate::rust::split::span_bytes(e.span()));
                after_other = !text.is_some_and(accepts_connections);
                self.visit_expr(e);
            }
        }
    }

    /// One node of a `select!` outside accept loops: the body after an OS-signal future (or a
    /// reload channel's, or a file watcher's), and a body that only dispatches control
    /// commands (`match action { Action::Shutdown => .., Action::Reload => .. }`), are visited
    /// as an `OtherBranch`; the body after a timer future (`_ = interval.tick() =>`) as a
    /// `TimerBranch`: the loop's periodic work, whatever its other branches wait for.
    fn signal_select_branch(&mut self, e: &Expr, after: &mut Option<Frame>) {
        if let Some(frame) = after.take() {
            self.push_frame(frame.clone());
            self.visit_expr(e);
            self.pop_frame();
            // `fut, if cond => body`: the precondition comes before the body.
            if self.is_precondition(e) {
                *after = Some(frame);
            }
            return;
        }
        if super::control::dispatches_only_control(e) {
            self.push_frame(Frame::OtherBranch);
            self.visit_expr(e);
            self.pop_frame();
            return;
        }
        if !matches!(e, Expr::Block(_)) && !self.is_precondition(e) {
            *after = if self.is_signal_future(e) {
                Some(Frame::OtherBranch)
            } else if super::waits::only_ticks(e) {
                Some(Frame::TimerBranch)
            } else {
                None
            };
        }
        self.visit_expr(e);
    }

    /// Is this `select!` node a branch's precondition (`, if cond` before `=>`)?
    pub(super) fn is_precondition(&self, e: &Expr) -> bool {
        let start = crate::rust::split::span_bytes(e.span()).start;
        self.text
            .get(..start)
            .is_some_and(|before| before.trim_end().ends_with("if"))
    }

    /// Is this `select!` future an OS signal (`hangup.recv()`, `signal::ctrl_c()`), a reload
    /// channel (`reload_rx.recv()`) or a file watcher's events (`inotify_events.next()`)? Each
    /// runs its branch on an operator's command or an edit, like SIGHUP, not per request.
    pub(super) fn is_signal_future(&self, e: &Expr) -> bool {
        match e {
            Expr::Assign(a) => self.is_signal_future(&a.right),
            Expr::Paren(p) => self.is_signal_future(&p.expr),
            Expr::Await(a) => self.is_signal_future(&a.base),
            Expr::MethodCall(m) => {
                self.scope().is_signal_expr(e)
                    || super::waits::names_a_reload(&m.receiver)
                    || self.names_a_watcher(&m.receiver)
            }
            _ => self.scope().is_signal_expr(e),
        }
    }

    /// The resolved function a method chain starts at: `a::b(..).c()?.d().await` → `a::b`.
    pub(super) fn chain_root(&self, e: &Expr) -> Vec<Vec<String>> {
        match e {
            Expr::MethodCall(m) => self.chain_root(&m.receiver),
            Expr::Try(t) => self.chain_root(&t.expr),
            Expr::Await(a) => self.chain_root(&a.base),
            Expr::Paren(p) => self.chain_root(&p.expr),
            Expr::Call(c) => match &*c.func {
                Expr::Path(p) => self.resolve_path(&p.path),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// Route paths held in a constant's or static's value (`const HEALTH_PATH: &str =
    /// "/health"`, route tables) or in a `const fn`.
    pub(super) fn const_routes(&mut self, visit: impl FnOnce(&mut RouteLiterals)) {
        if self.engine.request.presence.is_empty() {
            return;
        }
        let mut lits = RouteLiterals(Vec::new());
        visit(&mut lits);
        for (lit, line) in lits.0 {
            self.route_fact(&lit, line);
        }
    }
}

/// Does a loop's text receive datagrams from a socket (`sock.recv_from(&mut buf)`,
/// `recv_buf_from`)?
fn receives_datagrams(text: &str) -> bool {
    [".recv_from(", ".recv_buf_from("]
        .iter()
        .any(|m| text.contains(m))
}

/// Does loop text call `.accept()` or `.incoming()` (no arguments)? An `.incoming()` that only
/// makes a stream for a local (`let mut incoming = listener.incoming();`) accepts nothing there:
/// the loop that walks the stream does (fluvio's retry loop around its monitoring socket,
/// nineteenth held-out set).
fn accepts_connections(text: &str) -> bool {
    ["accept", "incoming"].iter().any(|m| {
        text.match_indices(&format!(".{m}")).any(|(i, found)| {
            let after_call = text
                .get(i + found.len()..)
                .map(str::trim_start)
                .and_then(|rest| rest.strip_prefix('('))
                .map(str::trim_start)
                .and_then(|r| r.strip_prefix(')'));
            after_call.is_some_and(|rest| *m == "accept" || !rest.trim_start().starts_with(';'))
        })
    })
}

/// `a::b().….name` when the chain root is shown, else `.name`.
fn chain_display(with_root: bool, roots: &[Vec<String>], name: &str) -> String {
    match roots.first() {
        Some(r) if with_root => format!("{}().….{name}", r.join("::")),
        _ => format!(".{name}"),
    }
}

/// `#[utoipa::path(get, path = "/health")]`: the string given as `path = ".."`.
pub(super) fn named_path_arg(a: &syn::Attribute) -> Option<String> {
    named_str_arg(a, "path")
}

/// The string value of an attribute's `name = ".."` argument.
pub(super) fn named_str_arg(a: &syn::Attribute, name: &str) -> Option<String> {
    let syn::Meta::List(list) = &a.meta else {
        return None;
    };
    let tokens: Vec<proc_macro2::TokenTree> = list.tokens.clone().into_iter().collect();
    tokens.windows(3).find_map(|w| match w {
        [
            proc_macro2::TokenTree::Ident(i),
            proc_macro2::TokenTree::Punct(p),
            proc_macro2::TokenTree::Literal(l),
        ] if i == name && p.as_char() == '=' => syn::parse_str::<syn::LitStr>(&l.to_string())
            .ok()
            .map(|s| s.value()),
        _ => None,
    })
}

/// Collects the string literals that look like route paths (`"/api/health"`,
/// `"__dufs__/health"`): in the value of a `const HEALTH_PATH: &str = ..` or in a `const fn`
/// that builds a table of routes.
pub(super) struct RouteLiterals(Vec<(String, u32)>);

impl<'ast> Visit<'ast> for RouteLiterals {
    fn visit_lit_str(&mut self, l: &'ast syn::LitStr) {
        let v = l.value();
        let segment = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '{' | '}' | ':'))
        };
        let rooted = v.starts_with('/') && !v.contains(char::is_whitespace);
        let relative = v.contains('/') && v.split('/').all(segment) && !v.contains("::");
        if (rooted || relative) && v.len() < 200 {
            self.0.push((v, l.span().start().line as u32));
        }
    }
}

/// A loopback address with port 0 in source text: `"127.0.0.1:0"`, `"localhost:0"`,
/// `"[::1]:0"`, `([127, 0, 0, 1], 0)`, `("127.0.0.1", 0)`, `(Ipv4Addr::LOCALHOST, 0)`,
/// `SocketAddr::new(Ipv4Addr::new(127, 0, 0, 1).into(), 0)`. Not `0.0.0.0:0`: a peer-to-peer node
/// listens on a port the OS picks and announces it.
/// A loopback address written out: `"127.0.0.1"`, `[127, 0, 0, 1]`, `localhost`,
/// `Ipv4Addr::LOCALHOST`, `"[::1]"`.
static LOOPBACK: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"127\.0\.0\.1|\[\s*127\s*,\s*0\s*,\s*0\s*,\s*1\s*\]|\blocalhost\b|\bLOCALHOST\b|"\[?::1\]?""#).ok()
});

static EPHEMERAL_LOOPBACK: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r#""(?:127\.0\.0\.1|localhost|\[::1\]):0""#,
        r#"|(?:\[\s*127\s*,\s*0\s*,\s*0\s*,\s*1\s*\]|\b127\s*,\s*0\s*,\s*0\s*,\s*1\s*\)"#,
        r#"|\bLOCALHOST\b|"(?:127\.0\.0\.1|localhost|::1)")"#,
        r#"\s*(?:\.into\(\)\s*)?\)?\s*,\s*0\s*\)"#,
    ))
    .ok()
});
