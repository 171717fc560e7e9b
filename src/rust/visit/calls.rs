//! The call handlers of the walker: matching a call against the `call` and `ignored-result`
//! checks, recording interprocedural call sites and callees, and the discarded-value forms.

use syn::Expr;
use syn::spanned::Spanned;

use super::{Target, Walker, addr, region, str_lit, strip};
use crate::kinds::Matcher;
use crate::kinds::call::{CallMatcher, Context};
use crate::kinds::ignored_result::Form;
use crate::kinds::presence::PresenceMatcher;
use crate::kinds::service::Start;
use crate::model::Region;
use crate::rust::contexts::{in_context, sync_and_live};
use crate::rust::interproc::{CallSite, CalleeRef, local_key};
use crate::rust::{PresenceFact, StartFact};

impl Walker<'_> {
    /// Evaluates every check at one call.
    pub(super) fn on_call(
        &mut self,
        target: Target,
        region: Region,
        expr: usize,
        args: Vec<&Expr>,
    ) {
        let checks: Vec<(usize, &Matcher)> = self.checks().collect();
        for (idx, m) in checks {
            match m {
                Matcher::Call(c) => self.call_check(idx, c, &target, &region, expr, &args),
                Matcher::Presence(p) => self.presence_fact(idx, p, &target, region.line),
                _ => {}
            }
        }
        self.start_fact(&target, region.line, args.is_empty());
        self.interproc(&target, &region);
    }

    /// Records a presence fact when the call is one the check looks for (or turns a framework
    /// default off).
    fn presence_fact(&mut self, idx: usize, p: &PresenceMatcher, target: &Target, line: u32) {
        let what = match target {
            Target::Fn(cands) => cands
                .iter()
                .find(|c| p.functions.iter().any(|f| f.matches(c)))
                .map(|c| format!("`{}(..)`", c.join("::"))),
            Target::Method(n, _, roots) => p
                .methods
                .iter()
                .find(|m| m.matches(n, roots))
                .map(|m| format!("`{}(..)`", chain_display(m.root.is_some(), roots, n))),
            Target::Macro(n) => p.macros.iter().any(|m| m == n).then(|| format!("`{n}!`")),
        };
        let negates = match target {
            Target::Method(n, _, _) if what.is_none() => p.defaults_off.iter().any(|m| m == n),
            _ => false,
        };
        let what = match (what, negates, target) {
            (Some(w), _, _) => w,
            (None, true, Target::Method(n, _, _)) => format!("`.{n}()`"),
            _ => return,
        };
        self.out.presence.push(PresenceFact {
            check: idx,
            line,
            what,
            negates,
        });
    }

    /// Records presence facts for a path used as a value.
    pub(super) fn presence_value(&mut self, cands: &[Vec<String>], line: u32) {
        let checks: Vec<(usize, &Matcher)> = self.checks().collect();
        for (idx, m) in checks {
            let Matcher::Presence(p) = m else { continue };
            let found = cands
                .iter()
                .find(|c| p.functions.iter().any(|f| f.matches(c)));
            if let Some(c) = found {
                self.out.presence.push(PresenceFact {
                    check: idx,
                    line,
                    what: format!("`{}`", c.join("::")),
                    negates: false,
                });
            }
        }
    }

    /// Records where a server starts: a framework's start call, or an accept loop.
    fn start_fact(&mut self, target: &Target, line: u32, no_args: bool) {
        let Some(starts) = &self.engine.starts else {
            return;
        };
        let found = starts
            .starts
            .iter()
            .find_map(|(fw, st)| match (st, target) {
                (Start::Fn(p), Target::Fn(cands)) => cands
                    .iter()
                    .find(|c| p.matches(c))
                    .map(|c| (Some(*fw), format!("`{}(..)`", c.join("::")))),
                (Start::Method(m), Target::Method(n, _, roots)) if m.matches(n, roots) => Some((
                    Some(*fw),
                    format!("`{}(..)`", chain_display(true, roots, n)),
                )),
                _ => None,
            });
        let found = found.or_else(|| match target {
            Target::Method(n @ ("accept" | "incoming"), _, _)
                if no_args
                    && (*n == "incoming" || in_context(&self.frames, &[Context::Loop], &[])) =>
            {
                Some((None, format!("`.{n}()` in a loop")))
            }
            _ => None,
        });
        if let Some((framework, what)) = found {
            let func = self.current_fn();
            self.out.starts.push(StartFact {
                framework,
                line,
                what,
                func,
            });
        }
    }

    pub(super) fn call_check(
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
            Target::Method(n, recv, roots) => ((c.methods.iter().any(|m| m == n)
                && (c.receiver_methods.is_empty()
                    || recv.is_some_and(|r| c.receiver_methods.iter().any(|m| m == r))))
                || c.chain_methods.iter().any(|m| m.matches(n, roots)))
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
            || (!c.skip.is_empty() && self.exempt.skips(region.line, region.column, &c.skip))
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

    pub(super) fn fn_mentions(&self, words: &[String]) -> bool {
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
    pub(super) fn module_name(&self) -> String {
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
    pub(super) fn interproc(&mut self, target: &Target, region: &Region) {
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
            Target::Method(n, _, _) => CalleeRef::Method((*n).to_string()),
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

    pub(super) fn set_display(&mut self, from: usize, display: &str) {
        for s in self.out.sites.iter_mut().skip(from) {
            s.display = display.to_string();
        }
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
        Target::Method(n, _, _) => n,
        Target::Macro(n) => n,
    }
}

/// `a::b().name` when the chain root is shown, else `.name`.
fn chain_display(with_root: bool, roots: &[Vec<String>], name: &str) -> String {
    match roots.first() {
        Some(r) if with_root => format!("{}().….{name}", r.join("::")),
        _ => format!(".{name}"),
    }
}

fn context_name(c: &crate::kinds::call::Context) -> String {
    use crate::kinds::call::Context;
    match c {
        Context::Async => "async".into(),
        Context::Unsafe => "unsafe".into(),
        Context::Loop => "loop".into(),
        Context::AcceptLoop => "accept loop".into(),
        Context::OtherBranch => "select! branch".into(),
        Context::Main => "main".into(),
        Context::Call(p) => p.display(),
    }
}
