//! The one traversal of a parsed item: contexts, name resolution, and every syntax-aware check
//! of the file evaluated at each call, macro, `let` and statement.

use std::collections::HashSet;

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, Local, Macro, Pat, Stmt};

use super::contexts::{Frame, in_async, in_context, sync_and_live};
use super::engine::{Engine, FileInput};
use super::interproc::{CallSite, CalleeRef, FnSummary, local_key, qualify};
use super::resolve::{Resolver, segments};
use super::{FileSummary, PresenceFact, RawHit};
use crate::model::Region;
use crate::scan::kinds::Matcher;
use crate::scan::kinds::call::CallMatcher;
use crate::scan::kinds::ignored_result::Form;

/// What is being called.
pub enum Target<'t> {
    /// A path call, resolved (candidates).
    Fn(&'t [Vec<String>]),
    /// A method call by name, with the receiver's method name if the receiver is a call.
    Method(&'t str, Option<&'t str>),
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
    pub(super) out: &'a mut FileSummary,
}

fn addr<T>(e: &T) -> usize {
    e as *const T as usize
}

/// The address the call visitors key a call by: that of the `ExprCall` / `ExprMethodCall` /
/// `ExprMacro` payload, not of the enclosing `Expr`.
fn payload_addr(e: &Expr) -> usize {
    match e {
        Expr::Call(c) => addr(c),
        Expr::MethodCall(m) => addr(m),
        Expr::Macro(m) => addr(&m.mac),
        other => addr(other),
    }
}

/// The bare name of a call target: the method or macro name, or the last path segment.
fn bare<'t>(target: &Target<'t>) -> &'t str {
    match target {
        Target::Fn(cands) => cands
            .first()
            .and_then(|c| c.last())
            .map(String::as_str)
            .unwrap_or(""),
        Target::Method(n, _) => n,
        Target::Macro(n) => n,
    }
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
        self.visit_item(item);
    }

    fn reporting(&self) -> bool {
        self.input.extra.is_none()
    }

    fn checks(&self) -> impl Iterator<Item = (usize, &'a Matcher)> + 'a {
        let config = self.engine.config;
        self.input
            .checks
            .iter()
            .filter_map(move |&i| config.checks.get(i).map(|c| (i, &c.matcher)))
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
        if let Some(c) = self.engine.config.checks.get(check) {
            let message = crate::scan::message(c, default, vars);
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
        let (key, free) = match self.impl_ty.last() {
            Some(t) => (format!("{t}::{name}"), false),
            None => (qualify(&self.module_name(), &name), true),
        };
        self.fns.push(FnState {
            summary: FnSummary {
                key,
                free,
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
            if let Ok(lit) = a.parse_args_with(first_str_lit) {
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
                    Some(PresenceFact { check: i, line })
                }
                _ => None,
            })
            .collect();
        self.out.presence.extend(facts);
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

    /// Evaluates every check at one call.
    fn on_call(&mut self, target: Target, region: Region, expr: usize, args: Vec<&Expr>) {
        let checks: Vec<(usize, &Matcher)> = self.checks().collect();
        for (idx, m) in checks {
            match m {
                Matcher::Call(c) => self.call_check(idx, c, &target, &region, expr, &args),
                Matcher::Presence(p) => {
                    let found = match &target {
                        Target::Fn(cands) => p
                            .functions
                            .iter()
                            .any(|f| cands.iter().any(|c| f.matches(c))),
                        Target::Method(n, _) => p.methods.iter().any(|m| m == n),
                        Target::Macro(n) => p.macros.iter().any(|m| m == n),
                    };
                    if found {
                        self.out.presence.push(PresenceFact {
                            check: idx,
                            line: region.line,
                        });
                    }
                }
                _ => {}
            }
        }
        self.interproc(&target, &region);
    }

    fn call_check(
        &mut self,
        idx: usize,
        c: &CallMatcher,
        target: &Target,
        region: &Region,
        expr: usize,
        args: &[&Expr],
    ) {
        let name = match target {
            Target::Fn(cands) => cands
                .iter()
                .find(|cand| c.functions.iter().any(|f| f.matches(cand)))
                .map(|cand| cand.join("::")),
            Target::Method(n, recv) => (c.methods.iter().any(|m| m == n)
                && (c.receiver_methods.is_empty()
                    || recv.is_some_and(|r| c.receiver_methods.iter().any(|m| m == r))))
            .then(|| format!(".{n}()")),
            Target::Macro(n) => c.macros.iter().any(|m| m == n).then(|| format!("{n}!")),
        };
        let Some(name) = name else { return };
        if c.interprocedural
            && sync_and_live(&self.frames, &c.not_inside)
            && let Some(f) = self.fns.last_mut()
        {
            f.summary.direct.push((idx, name.clone()));
        }
        if !in_context(&self.frames, &c.inside, &c.not_inside)
            || (c.discarded && !self.discarded.contains(&expr))
            || (c.args.is_some()
                && !args.iter().any(|a| {
                    str_lit(a).is_some_and(|s| c.args.as_ref().is_some_and(|r| r.is_match(&s)))
                }))
            || self.fn_mentions(&c.unless_fn_mentions)
        {
            return;
        }
        let context = if c.inside.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = c.inside.iter().map(context_name).collect();
            format!(" in {} code", names.join(" / "))
        };
        self.hit(
            idx,
            region.clone(),
            format!("call to `{name}`{context}"),
            &[
                ("name", &name),
                ("call", &name),
                ("method", bare(target)),
                ("macro", bare(target)),
                ("function", &name),
                ("context", context.trim()),
            ],
        );
    }

    fn fn_mentions(&self, words: &[String]) -> bool {
        if words.is_empty() {
            return false;
        }
        let Some(f) = self.fns.last() else {
            return false;
        };
        let body = self.text.get(f.bytes.clone()).unwrap_or("");
        words
            .iter()
            .any(|w| memchr::memmem::find(body.as_bytes(), w.as_bytes()).is_some())
    }

    /// The name of the module the walker is in: the innermost inline `mod`, else the file's
    /// module (its stem; the directory for `mod.rs`; "" for a crate root).
    fn module_name(&self) -> String {
        if let Some(m) = self.mods.last() {
            return m.clone();
        }
        if self.input.is_bin_root {
            return String::new();
        }
        let mut parts = self.input.path.rsplit('/');
        let file = parts.next().unwrap_or("");
        match file.strip_suffix(".rs").unwrap_or(file) {
            "main" | "lib" => String::new(),
            "mod" => parts.next().unwrap_or("").to_string(),
            stem => stem.to_string(),
        }
    }

    /// Records call sites and callees for the interprocedural index.
    fn interproc(&mut self, target: &Target, region: &Region) {
        let callee = match target {
            Target::Fn(cands) => {
                let impl_ty = self.impl_ty.last().map(String::as_str);
                match cands.first().and_then(|c| {
                    local_key(c, &self.engine.externals, impl_ty, &self.module_name())
                }) {
                    Some(k) => CalleeRef::Path(k),
                    None => return,
                }
            }
            Target::Method(n, _) => CalleeRef::Method((*n).to_string()),
            Target::Macro(_) => return,
        };
        let checks: Vec<(usize, &Matcher)> = self.checks().collect();
        let mut live = Vec::new();
        for (idx, m) in checks {
            let Matcher::Call(c) = m else { continue };
            if !c.interprocedural {
                continue;
            }
            if sync_and_live(&self.frames, &c.not_inside) {
                live.push(idx);
            }
            if in_context(&self.frames, &c.inside, &c.not_inside) {
                self.out.sites.push(CallSite {
                    check: idx,
                    callee: callee.clone(),
                    region: region.clone(),
                    display: String::new(),
                });
            }
        }
        if !live.is_empty()
            && let Some(f) = self.fns.last_mut()
        {
            f.summary.callees.push((callee, live));
        }
    }

    fn set_display(&mut self, from: usize, display: &str) {
        for s in self.out.sites.iter_mut().skip(from) {
            s.display = display.to_string();
        }
    }

    /// `let _ = …`, `_ = …`, `….ok();` forms, and discarded values.
    fn discard(&mut self, expr: &Expr, form: Form) {
        let inner = strip(expr);
        let (inner, form) = match (inner, form) {
            (Expr::MethodCall(m), Form::Ok) if m.method == "ok" && m.args.is_empty() => {
                (strip(&m.receiver), Form::Ok)
            }
            (_, Form::Ok) => {
                self.discarded.insert(payload_addr(inner));
                return;
            }
            (e, f) => (e, f),
        };
        self.discarded.insert(payload_addr(inner));
        let (name, region) = match inner {
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
        let checks: Vec<(usize, &Matcher)> = self.checks().collect();
        for (idx, m) in checks {
            let Matcher::IgnoredResult(ir) = m else {
                continue;
            };
            if !ir.forms.contains(&form) {
                continue;
            }
            let shown = match &name {
                Ok(method) => ir.methods.contains(method).then(|| format!(".{method}()")),
                Err(cands) => cands
                    .iter()
                    .find(|c| ir.functions.iter().any(|f| f.matches(c)))
                    .map(|c| c.join("::")),
            };
            if let Some(shown) = shown {
                let how = match form {
                    Form::LetUnderscore => "`let _ =`",
                    Form::AssignUnderscore => "`_ =`",
                    Form::Ok => "`.ok()`",
                };
                self.hit(
                    idx,
                    region.clone(),
                    format!("result of `{shown}` ignored with {how}"),
                    &[
                        ("name", &shown),
                        ("call", &shown),
                        (
                            "method",
                            shown.trim_start_matches('.').trim_end_matches("()"),
                        ),
                    ],
                );
            }
        }
    }
}

fn context_name(c: &crate::scan::kinds::call::Context) -> String {
    use crate::scan::kinds::call::Context;
    match c {
        Context::Async => "async".into(),
        Context::Unsafe => "unsafe".into(),
        Context::Loop => "loop".into(),
        Context::Main => "main".into(),
        Context::Call(p) => p.display(),
    }
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

    fn visit_item_use(&mut self, i: &'ast syn::ItemUse) {
        self.res.add_use(&i.tree);
    }

    fn visit_item_macro(&mut self, i: &'ast syn::ItemMacro) {
        if i.ident.is_none() {
            self.visit_macro(&i.mac);
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
        self.frames.push(Frame::Loop);
        visit::visit_expr_loop(self, e);
        self.frames.pop();
    }

    fn visit_expr_while(&mut self, e: &'ast syn::ExprWhile) {
        self.frames.push(Frame::Loop);
        visit::visit_expr_while(self, e);
        self.frames.pop();
    }

    fn visit_expr_for_loop(&mut self, e: &'ast syn::ExprForLoop) {
        self.visit_expr(&e.expr);
        self.frames.push(Frame::Loop);
        self.visit_block(&e.body);
        self.frames.pop();
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
            if super::engine::ROUTE_CALLS.contains(&last)
                && let Some(route) = e.args.first().and_then(str_lit)
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

    fn visit_expr_method_call(&mut self, e: &'ast ExprMethodCall) {
        let name = e.method.to_string();
        let recv = match strip_try(&e.receiver) {
            Expr::MethodCall(r) => Some(r.method.to_string()),
            _ => None,
        };
        let r = region(e.method.span(), e.paren_token.span.close());
        let from = self.out.sites.len();
        self.on_call(
            Target::Method(&name, recv.as_deref()),
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
            && super::engine::ROUTE_CALLS.contains(&name.as_str())
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
        let segs = segments(&m.path);
        let Some(name) = segs.last().cloned() else {
            return;
        };
        if name == "macro_rules" {
            return;
        }
        let r = region(m.path.span(), m.delimiter.span().close());
        self.on_call(Target::Macro(&name), r, addr(m), Vec::new());
        if name == "path" {
            self.warp_path(m);
        }
        for e in super::macros::macro_exprs(m) {
            self.visit_expr(&e);
        }
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
