//! The one traversal of a parsed item: contexts, name resolution, and every syntax-aware check
//! of the file evaluated at each call, macro, `let` and statement.

use std::collections::HashSet;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, Local, Macro, Pat, Stmt};

use super::contexts::{Frame, in_async};
use super::engine::{Engine, FileInput};
use super::interproc::{FnSummary, qualify};
use super::macros::Position;
use super::resolve::{Resolver, segments};
use super::{FileSummary, PresenceFact, RawHit};
use crate::kinds::Matcher;
use crate::kinds::ignored_result::Form;
use crate::model::Region;

mod calls;
mod macro_bodies;

/// What is being called.
pub enum Target<'t> {
    /// A path call, resolved (candidates).
    Fn(&'t [Vec<String>]),
    /// A method call by name, with the receiver's method name if the receiver is a call, and
    /// the resolved function the receiver chain starts at (`a::b(..).c().name()` → `a::b`).
    Method(&'t str, Option<&'t str>, &'t [Vec<String>]),
    /// A macro by last segment.
    Macro(&'t str),
}

struct FnState {
    summary: FnSummary,
    bytes: std::ops::Range<usize>,
}

/// The walker over one file's parsed items.
pub struct Walker<'a> {
    pub(super) engine: &'a Engine<'a>,
    pub(super) input: &'a FileInput<'a>,
    pub(super) text: &'a str,
    pub(super) res: Resolver,
    pub(super) frames: Vec<Frame>,
    fns: Vec<FnState>,
    impl_ty: Vec<String>,
    discarded: HashSet<usize>,
    nest: Vec<String>,
    /// Names of the inline modules around the current item.
    mods: Vec<String>,
    /// Unwraps of the current top-level item that a check's `skip` may leave out.
    pub(super) exempt: super::infallible::Exemptions,
    pub(super) out: &'a mut FileSummary,
}

fn addr<T>(e: &T) -> usize {
    e as *const T as usize
}

/// The region between the start of one span and the end of another.
pub fn region(start: Span, end: Span) -> Region {
    let (s, e) = (start.start(), end.end());
    Region {
        line: s.line as u32,
        column: s.column as u32 + 1,
        end_line: e.line as u32,
        end_column: e.column as u32 + 1,
    }
}

impl<'a> Walker<'a> {
    /// A walker writing into `out`.
    pub fn new(
        engine: &'a Engine<'a>,
        input: &'a FileInput<'a>,
        text: &'a str,
        out: &'a mut FileSummary,
    ) -> Self {
        Walker {
            engine,
            input,
            text,
            res: Resolver::default(),
            frames: Vec::new(),
            fns: Vec::new(),
            impl_ty: Vec::new(),
            discarded: HashSet::new(),
            nest: Vec::new(),
            mods: Vec::new(),
            exempt: Default::default(),
            out,
        }
    }

    /// Sets the file-level imports.
    pub fn set_resolver(&mut self, res: Resolver) {
        self.res = res;
    }

    /// Notes that top-level item `idx` was parsed.
    pub fn record_parsed(&mut self, idx: usize) {
        self.out.parsed.push(idx);
    }

    /// Walks one top-level item.
    pub fn walk_item(&mut self, item: &syn::Item) {
        let skips = self
            .checks()
            .any(|(_, m)| matches!(m, Matcher::Call(c) if !c.skip.is_empty()));
        if skips && self.reporting() {
            self.exempt = super::infallible::Exemptions::of_item(item);
        }
        self.visit_item(item);
    }

    fn reporting(&self) -> bool {
        self.input.extra.is_none()
    }

    fn checks(&self) -> impl Iterator<Item = (usize, &'a Matcher)> + 'a {
        let checks = self.engine.checks;
        self.input
            .checks
            .iter()
            .filter_map(move |&i| checks.get(i).map(|c| (i, &c.matcher)))
    }

    pub(super) fn hit(
        &mut self,
        check: usize,
        region: Region,
        default: String,
        vars: &[(&str, &str)],
    ) {
        if !self.reporting() {
            return;
        }
        if let Some(c) = self.engine.checks.get(check) {
            let message = c.message(default, vars);
            self.out.hits.push(RawHit {
                check,
                region,
                message,
            });
        }
    }

    fn enter_fn(
        &mut self,
        sig: &syn::Signature,
        attrs: &[syn::Attribute],
        bytes: std::ops::Range<usize>,
    ) {
        let name = sig.ident.to_string();
        let async_attr = attrs.iter().any(|a| {
            let segs = segments(a.path());
            segs.len() > 1 && segs.last().is_some_and(|l| l == "main" || l == "test")
        });
        let is_async = sig.asyncness.is_some() || async_attr;
        let is_main = name == "main"
            && self.input.is_bin_root
            && self.mods.is_empty()
            && self.impl_ty.is_empty()
            && self.fns.is_empty();
        self.frames.push(Frame::Fn {
            is_async,
            is_main,
            is_unsafe: matches!(sig.safety, syn::Safety::Unsafe(_)),
        });
        self.start_attrs(attrs, &name);
        let (key, free) = match self.impl_ty.last() {
            Some(t) => (format!("{t}::{name}"), false),
            None => (qualify(&self.module_name(), &name), true),
        };
        self.fns.push(FnState {
            summary: FnSummary {
                key,
                free,
                at: Some((
                    self.input.path.to_string(),
                    sig.ident.span().start().line as u32,
                )),
                is_async,
                direct: Vec::new(),
                callees: Vec::new(),
            },
            bytes,
        });
        self.route_attrs(attrs);
    }

    fn leave_fn(&mut self) {
        self.frames.pop();
        if let Some(f) = self.fns.pop()
            && (!f.summary.direct.is_empty() || !f.summary.callees.is_empty())
        {
            self.out.fns.push(f.summary);
        }
    }

    /// Presence facts from `#[get("/health")]`-style attributes.
    fn route_attrs(&mut self, attrs: &[syn::Attribute]) {
        for a in attrs {
            let segs = segments(a.path());
            let Some(last) = segs.last() else { continue };
            if !super::engine::ROUTE_CALLS.contains(&last.as_str()) {
                continue;
            }
            let lit = a
                .parse_args_with(first_str_lit)
                .ok()
                .or_else(|| named_path_arg(a));
            if let Some(lit) = lit {
                let line = a.span().start().line as u32;
                self.route_fact(&lit, line);
            }
        }
    }

    /// Records a route (with the enclosing `nest` prefixes) for presence checks.
    pub(super) fn route_fact(&mut self, route: &str, line: u32) {
        let full = format!("{}/{}", self.nest.concat(), route.trim_start_matches('/'));
        let facts: Vec<PresenceFact> = self
            .checks()
            .filter_map(|(i, m)| match m {
                Matcher::Presence(p) if p.route_matches(&full) || p.route_matches(route) => {
                    Some(PresenceFact {
                        check: i,
                        line,
                        what: format!("route `{full}`"),
                        negates: false,
                    })
                }
                _ => None,
            })
            .collect();
        self.out.presence.extend(facts);
    }

    fn const_routes(&mut self, e: &Expr) {
        let mut lits = Vec::new();
        RouteLiterals(&mut lits).visit_expr(e);
        for (lit, line) in lits {
            self.route_fact(&lit, line);
        }
    }

    /// Server starts by attribute (`#[launch]`, `#[rocket::launch]`).
    fn start_attrs(&mut self, attrs: &[syn::Attribute], name: &str) {
        if self.engine.starts.is_none() {
            return;
        }
        for a in attrs {
            let segs = segments(a.path());
            let Some(last) = segs.last() else { continue };
            let framework = crate::kinds::service::FRAMEWORKS
                .iter()
                .position(|f| f.attributes.contains(&last.as_str()));
            if let Some(framework) = framework {
                self.out.starts.push(super::StartFact {
                    framework: Some(framework),
                    line: a.span().start().line as u32,
                    what: format!("`#[{}]`", segs.join("::")),
                    func: name.to_string(),
                });
            }
        }
    }

    /// The name of the innermost enclosing fn (last segment of its key), "" outside fns.
    pub(super) fn current_fn(&self) -> String {
        self.fns
            .last()
            .map(|f| f.summary.key.rsplit("::").next().unwrap_or("").to_string())
            .unwrap_or_default()
    }

    /// Pushes the frames of a loop: `Loop`, and `AcceptLoop` when its text accepts connections
    /// (`.accept()` / `.incoming()`, also inside `select!`). Gives the number pushed.
    fn enter_loop(&mut self, span: Span) -> usize {
        self.frames.push(Frame::Loop);
        let text = self.text.get(super::split::span_bytes(span)).unwrap_or("");
        if accepts_connections(text) {
            self.frames.push(Frame::AcceptLoop);
            return 2;
        }
        1
    }

    /// The branches of a `select!` (read as future, body, future, body, …): in an accept loop
    /// the body of a branch whose future does not accept (a signal, a tick) serves no
    /// connection (`OtherBranch`).
    pub(super) fn select_branches(&mut self, nodes: &[super::macros::Node]) {
        let accept_loop = self
            .frames
            .iter()
            .rev()
            .take_while(|f| !matches!(f, Frame::Fn { .. }))
            .any(|f| matches!(f, Frame::AcceptLoop));
        let mut after_other = false;
        for n in nodes {
            let super::macros::Node::Expr(e) = n else {
                n.visit(self);
                continue;
            };
            if !accept_loop || matches!(e, Expr::Block(_)) && !after_other {
                self.visit_expr(e);
                continue;
            }
            if after_other {
                self.frames.push(Frame::OtherBranch);
                self.visit_expr(e);
                self.frames.pop();
                after_other = false;
            } else {
                let text = self.text.get(super::split::span_bytes(e.span()));
                after_other = !text.is_some_and(accepts_connections);
                self.visit_expr(e);
            }
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

    fn resolve_path(&self, path: &syn::Path) -> Vec<Vec<String>> {
        let mut segs = segments(path);
        if segs.first().is_some_and(|s| s == "Self")
            && let Some(t) = self.impl_ty.last()
        {
            segs[0] = t.clone();
        }
        self.res.resolve(&segs)
    }
}

/// Does loop text call `.accept()` or `.incoming()` (no arguments)?
fn accepts_connections(text: &str) -> bool {
    ["accept", "incoming"].iter().any(|m| {
        text.match_indices(&format!(".{m}")).any(|(i, found)| {
            text.get(i + found.len()..)
                .map(str::trim_start)
                .is_some_and(|rest| {
                    rest.strip_prefix('(')
                        .is_some_and(|r| r.trim_start().starts_with(')'))
                })
        })
    })
}

/// Strips parentheses and `.await`.
fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Await(a) => strip(&a.base),
        other => other,
    }
}

fn str_lit(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        Expr::Reference(r) => str_lit(&r.expr),
        _ => None,
    }
}

/// Does the expression read a request path (`.path()`, `.uri().path()`, a `path` field)?
fn mentions_path(e: &Expr) -> bool {
    match e {
        Expr::MethodCall(m) => m.method == "path" || mentions_path(&m.receiver),
        Expr::Field(f) => {
            matches!(&f.member, syn::Member::Named(n) if n == "path") || mentions_path(&f.base)
        }
        Expr::Reference(r) => mentions_path(&r.expr),
        Expr::Paren(p) => mentions_path(&p.expr),
        Expr::Unary(u) => mentions_path(&u.expr),
        Expr::Tuple(t) => t.elems.iter().any(mentions_path),
        _ => false,
    }
}

/// The string literals of a pattern (`"/a" | "/b"`).
fn pat_str_lits(p: &Pat) -> Vec<String> {
    match p {
        Pat::Lit(l) => match &l.lit {
            syn::Lit::Str(s) => vec![s.value()],
            _ => Vec::new(),
        },
        Pat::Or(o) => o.cases.iter().flat_map(pat_str_lits).collect(),
        Pat::Tuple(t) => t.elems.iter().flat_map(pat_str_lits).collect(),
        Pat::Reference(r) => pat_str_lits(&r.pat),
        _ => Vec::new(),
    }
}

/// `#[utoipa::path(get, path = "/health")]`: the string given as `path = ".."`.
fn named_path_arg(a: &syn::Attribute) -> Option<String> {
    let syn::Meta::List(list) = &a.meta else {
        return None;
    };
    let tokens: Vec<proc_macro2::TokenTree> = list.tokens.clone().into_iter().collect();
    tokens.windows(3).find_map(|w| match w {
        [
            proc_macro2::TokenTree::Ident(i),
            proc_macro2::TokenTree::Punct(p),
            proc_macro2::TokenTree::Literal(l),
        ] if i == "path" && p.as_char() == '=' => syn::parse_str::<syn::LitStr>(&l.to_string())
            .ok()
            .map(|s| s.value()),
        _ => None,
    })
}

/// Collects the string literals that look like route paths (`"/api/health"`,
/// `"__dufs__/health"`): in the value of a `const HEALTH_PATH: &str = ..` or in a `const fn`
/// that builds a table of routes.
struct RouteLiterals<'o>(&'o mut Vec<(String, u32)>);

impl<'ast> Visit<'ast> for RouteLiterals<'_> {
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

fn first_str_lit(input: syn::parse::ParseStream) -> syn::Result<String> {
    let lit: syn::LitStr = input.parse()?;
    let _rest: proc_macro2::TokenStream = input.parse()?;
    Ok(lit.value())
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        self.enter_fn(&i.sig, &i.attrs, super::split::span_bytes(i.span()));
        self.visit_block(&i.block);
        self.leave_fn();
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        if i.sig.constness.is_some() {
            let mut lits = Vec::new();
            RouteLiterals(&mut lits).visit_block(&i.block);
            for (lit, line) in lits {
                self.route_fact(&lit, line);
            }
        }
        self.enter_fn(&i.sig, &i.attrs, super::split::span_bytes(i.span()));
        self.visit_block(&i.block);
        self.leave_fn();
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        if let Some(b) = &i.default {
            self.enter_fn(&i.sig, &i.attrs, super::split::span_bytes(i.span()));
            if let Some(f) = self.fns.last_mut() {
                f.summary.key.insert_str(0, "<trait>::");
            }
            self.visit_block(b);
            self.leave_fn();
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let ty = match &*i.self_ty {
            syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
            _ => None,
        };
        self.impl_ty.push(ty.unwrap_or_else(|| "_".into()));
        visit::visit_item_impl(self, i);
        self.impl_ty.pop();
    }

    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        self.res.push();
        self.mods.push(i.ident.to_string());
        if let Some((_, items)) = &i.content {
            for item in items {
                if let syn::Item::Use(u) = item {
                    self.res.add_use(&u.tree);
                }
            }
            for item in items {
                self.visit_item(item);
            }
        }
        self.mods.pop();
        self.res.pop();
    }

    /// Route paths held in constants (`const HEALTH_PATH: &str = "/health"`, route tables).
    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.const_routes(&i.expr);
        visit::visit_item_const(self, i);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.const_routes(&i.expr);
        visit::visit_item_static(self, i);
    }

    /// A path used as a value (`SIGTERM`, `tokio::signal::ctrl_c` passed as a fn) counts for
    /// presence checks like a call of it.
    fn visit_expr_path(&mut self, e: &'ast syn::ExprPath) {
        if self
            .checks()
            .any(|(_, m)| matches!(m, Matcher::Presence(p) if !p.functions.is_empty()))
        {
            let cands = self.resolve_path(&e.path);
            let line = e.span().start().line as u32;
            self.presence_value(&cands, line);
        }
        visit::visit_expr_path(self, e);
    }

    fn visit_item_use(&mut self, i: &'ast syn::ItemUse) {
        self.res.add_use(&i.tree);
    }

    fn visit_item_macro(&mut self, i: &'ast syn::ItemMacro) {
        if i.ident.is_none() {
            self.on_macro(&i.mac, Position::Item);
        }
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.res.push();
        if in_async(&self.frames) {
            self.held(&b.stmts);
        }
        for s in &b.stmts {
            self.visit_stmt(s);
        }
        self.res.pop();
    }

    fn visit_stmt(&mut self, s: &'ast Stmt) {
        match s {
            Stmt::Expr(Expr::Assign(a), Some(_)) if matches!(&*a.left, Expr::Infer(_)) => {
                self.discard(&a.right, Form::AssignUnderscore)
            }
            Stmt::Expr(e, Some(_)) => self.discard(e, Form::Ok),
            _ => {}
        }
        visit::visit_stmt(self, s);
    }

    fn visit_local(&mut self, l: &'ast Local) {
        if let (Pat::Wild(_), Some(init)) = (&l.pat, &l.init) {
            self.discard(&init.expr, Form::LetUnderscore);
        }
        visit::visit_local(self, l);
    }

    fn visit_expr_async(&mut self, e: &'ast syn::ExprAsync) {
        self.frames.push(Frame::Async);
        visit::visit_expr_async(self, e);
        self.frames.pop();
    }

    fn visit_expr_closure(&mut self, e: &'ast syn::ExprClosure) {
        let is_async = e.asyncness.is_some();
        if is_async {
            self.frames.push(Frame::Async);
        }
        visit::visit_expr_closure(self, e);
        if is_async {
            self.frames.pop();
        }
    }

    fn visit_expr_unsafe(&mut self, e: &'ast syn::ExprUnsafe) {
        self.frames.push(Frame::Unsafe);
        visit::visit_expr_unsafe(self, e);
        self.frames.pop();
    }

    fn visit_expr_loop(&mut self, e: &'ast syn::ExprLoop) {
        let n = self.enter_loop(e.span());
        visit::visit_expr_loop(self, e);
        self.frames.truncate(self.frames.len() - n);
    }

    fn visit_expr_while(&mut self, e: &'ast syn::ExprWhile) {
        let n = self.enter_loop(e.span());
        visit::visit_expr_while(self, e);
        self.frames.truncate(self.frames.len() - n);
    }

    fn visit_expr_for_loop(&mut self, e: &'ast syn::ExprForLoop) {
        self.visit_expr(&e.expr);
        let n = self.enter_loop(e.span());
        self.visit_block(&e.body);
        self.frames.truncate(self.frames.len() - n);
    }

    fn visit_expr_call(&mut self, e: &'ast ExprCall) {
        let cands = match &*e.func {
            Expr::Path(p) => self.resolve_path(&p.path),
            _ => Vec::new(),
        };
        if !cands.is_empty() {
            let r = region(e.func.span(), e.paren_token.span.close());
            let from = self.out.sites.len();
            self.on_call(
                Target::Fn(&cands),
                r.clone(),
                addr(e),
                e.args.iter().collect(),
            );
            let shown = cands.first().map(|c| c.join("::")).unwrap_or_default();
            self.set_display(from, &format!("{shown}()"));
            let last = cands
                .first()
                .and_then(|c| c.last())
                .map(String::as_str)
                .unwrap_or("");
            if let Some(route) = e.args.first().and_then(str_lit)
                && super::engine::registers_route(last, &route)
            {
                self.route_fact(&route, r.line);
            }
        }
        self.visit_expr(&e.func);
        self.frames.push(Frame::Call(cands));
        for a in &e.args {
            self.visit_expr(a);
        }
        self.frames.pop();
    }

    /// Hand-written routing: `req.uri().path() == "/health"`.
    fn visit_expr_binary(&mut self, e: &'ast syn::ExprBinary) {
        if matches!(e.op, syn::BinOp::Eq(_)) {
            let (l, r) = (&*e.left, &*e.right);
            let route = match (str_lit(l), str_lit(r)) {
                (Some(s), None) if mentions_path(r) => Some(s),
                (None, Some(s)) if mentions_path(l) => Some(s),
                _ => None,
            };
            if let Some(route) = route.filter(|s| s.starts_with('/')) {
                self.route_fact(&route, e.op.span().start().line as u32);
            }
        }
        visit::visit_expr_binary(self, e);
    }

    /// Hand-written routing: `match req.uri().path() { "/health" => …, … }`.
    fn visit_expr_match(&mut self, e: &'ast syn::ExprMatch) {
        if mentions_path(&e.expr) {
            for arm in &e.arms {
                for route in pat_str_lits(&arm.pat)
                    .into_iter()
                    .filter(|s| s.starts_with('/'))
                {
                    self.route_fact(&route, arm.pat.span().start().line as u32);
                }
            }
        }
        visit::visit_expr_match(self, e);
    }

    fn visit_expr_method_call(&mut self, e: &'ast ExprMethodCall) {
        let name = e.method.to_string();
        let recv = match strip_try(&e.receiver) {
            Expr::MethodCall(r) => Some(r.method.to_string()),
            _ => None,
        };
        let r = region(e.method.span(), e.paren_token.span.close());
        let from = self.out.sites.len();
        let roots = if self.engine.has_chains() {
            self.chain_root(&e.receiver)
        } else {
            Vec::new()
        };
        self.on_call(
            Target::Method(&name, recv.as_deref(), &roots),
            r.clone(),
            addr(e),
            e.args.iter().collect(),
        );
        let shown = match &*e.receiver {
            Expr::Path(p) => format!("{}.{name}()", segments(&p.path).join("::")),
            Expr::Field(f) => match &f.member {
                syn::Member::Named(n) => format!("….{n}.{name}()"),
                syn::Member::Unnamed(_) => format!("….{name}()"),
            },
            _ => format!("….{name}()"),
        };
        self.set_display(from, &shown);
        self.visit_expr(&e.receiver);
        let route = e.args.first().and_then(str_lit);
        if let Some(route) = &route
            && super::engine::registers_route(&name, route)
        {
            self.route_fact(route, r.line);
        }
        let nested = name == "nest" && route.is_some();
        if nested {
            self.nest
                .push(route.unwrap_or_default().trim_end_matches('/').to_string());
        }
        self.frames.push(Frame::Method(name));
        for a in &e.args {
            self.visit_expr(a);
        }
        self.frames.pop();
        if nested {
            self.nest.pop();
        }
    }

    fn visit_macro(&mut self, m: &'ast Macro) {
        self.on_macro(m, Position::Expr);
    }

    fn visit_impl_item_macro(&mut self, i: &'ast syn::ImplItemMacro) {
        self.on_macro(&i.mac, Position::Impl);
    }

    fn visit_trait_item_macro(&mut self, i: &'ast syn::TraitItemMacro) {
        self.on_macro(&i.mac, Position::Trait);
    }
}

impl Walker<'_> {
    /// warp's `path!("api" / "health")`: a route made of the string literals.
    fn warp_path(&mut self, m: &Macro) {
        let parts: Vec<String> = m
            .tokens
            .clone()
            .into_iter()
            .filter_map(|t| match t {
                proc_macro2::TokenTree::Literal(l) => syn::parse_str::<syn::LitStr>(&l.to_string())
                    .ok()
                    .map(|s| s.value()),
                _ => None,
            })
            .collect();
        if !parts.is_empty() {
            let line = m.path.span().start().line as u32;
            self.route_fact(&parts.join("/"), line);
        }
    }
}

/// Strips `?`.
fn strip_try(e: &Expr) -> &Expr {
    match e {
        Expr::Try(t) => strip_try(&t.expr),
        other => other,
    }
}
