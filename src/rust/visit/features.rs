//! The cargo features that code is compiled under: `#[cfg(feature = "x")]` (alone or inside
//! `all(..)`) on an item or a statement. Presence evidence remembers them, so evidence that only
//! a non-default build compiles (openobserve's rate limiter exists in enterprise builds only)
//! does not pass a check for the default build. Code compiled only in debug builds
//! (`#[cfg(debug_assertions)]`, `if cfg!(debug_assertions) { .. }`) is not walked at all: a
//! release build, the one that runs in production, does not contain it (hook0 reads its web
//! page from disk in debug builds only, and embeds it with `include_str!` in release builds).

use syn::{Attribute, Expr, Meta, Stmt};

use super::Walker;

impl Walker<'_> {
    /// Runs `f` with the features that `attrs` require added to the enclosing code's; does not
    /// run it when `attrs` compile the code in debug builds only.
    pub(super) fn under_features(&mut self, attrs: &[Attribute], f: impl FnOnce(&mut Self)) {
        if debug_build_only(attrs) {
            return;
        }
        let added = required_features(attrs);
        if added.is_empty() {
            f(self);
            return;
        }
        let before = self.features.len();
        self.features.extend(added);
        f(self);
        self.features.truncate(before);
    }
}

/// The features a `#[cfg(..)]` among `attrs` requires: `feature = "x"`, and each
/// `feature = "y"` directly inside `all(..)`. `any(..)` and `not(..)` require none.
pub(super) fn required_features(attrs: &[Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for a in attrs.iter().filter(|a| a.path().is_ident("cfg")) {
        if let Meta::List(list) = &a.meta
            && let Ok(pred) = list.parse_args::<Meta>()
        {
            predicate_features(&pred, &mut out);
        }
    }
    out
}

/// Does a `#[cfg(..)]` among `attrs` compile the code in debug builds only:
/// `debug_assertions`, alone or directly inside `all(..)`?
pub(super) fn debug_build_only(attrs: &[Attribute]) -> bool {
    cfg_requires(attrs, "debug_assertions")
}

/// Does a `#[cfg(..)]` among `attrs` compile the code in test builds only: `test`, alone or
/// directly inside `all(..)` (`#[cfg(test)] let packet = dbg!(packet);`)?
pub(super) fn test_build_only(attrs: &[Attribute]) -> bool {
    cfg_requires(attrs, "test")
}

/// Does a `#[cfg(..)]` among `attrs` require the flag `flag`, alone or directly inside
/// `all(..)`?
fn cfg_requires(attrs: &[Attribute], flag: &str) -> bool {
    attrs.iter().filter(|a| a.path().is_ident("cfg")).any(|a| {
        matches!(&a.meta, Meta::List(list)
            if list.parse_args::<Meta>().is_ok_and(|p| requires_flag(&p, flag)))
    })
}

/// Is `cond` `cfg!(debug_assertions)` (or `cfg!(all(.., debug_assertions, ..))`)?
pub(super) fn is_debug_build_test(cond: &Expr) -> bool {
    matches!(cond, Expr::Macro(m) if m.mac.path.is_ident("cfg")
        && m.mac.parse_body::<Meta>().is_ok_and(|p| requires_debug_assertions(&p)))
}

/// Is `cond` true only when a debugging option is set: a field or variable named `debug`,
/// `debug_*` or `__debug__` read as a flag (`if conf.debug_mode`), tested with `is_some()`, or
/// matched by `if let Some(p) = conf.debug.capture_path` (one side of an `&&` is enough)? A
/// negated or `is_none()` test, whose branch runs without the option, is not; neither is a
/// call's result (`log::debug!`, `tracing::enabled!(Level::DEBUG)` say nothing of a mode).
pub(super) fn is_debug_option_test(cond: &Expr) -> bool {
    match cond {
        Expr::Paren(p) => is_debug_option_test(&p.expr),
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            is_debug_option_test(&b.left) || is_debug_option_test(&b.right)
        }
        Expr::Let(l) => !is_none_pattern(&l.pat) && reads_debug_option(&l.expr),
        Expr::Field(_) | Expr::Path(_) => reads_debug_option(cond),
        Expr::MethodCall(m) if m.method == "is_some" || m.method == "is_ok" => {
            reads_debug_option(&m.receiver)
        }
        _ => false,
    }
}

fn is_none_pattern(p: &syn::Pat) -> bool {
    matches!(p, syn::Pat::Ident(i) if i.ident == "None")
        || matches!(p, syn::Pat::Path(path) if path.path.is_ident("None"))
}

/// Does `e` read a field or variable named for debugging?
fn reads_debug_option(e: &Expr) -> bool {
    struct Finds(bool);
    impl<'ast> syn::visit::Visit<'ast> for Finds {
        fn visit_member(&mut self, m: &'ast syn::Member) {
            if let syn::Member::Named(n) = m {
                self.0 |= is_debug_name(&n.to_string());
            }
        }
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            self.0 |= p
                .path
                .get_ident()
                .is_some_and(|i| is_debug_name(&i.to_string()));
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_macro(&mut self, _: &'ast syn::Macro) {}
    }
    let mut f = Finds(false);
    syn::visit::Visit::visit_expr(&mut f, e);
    f.0
}

fn is_debug_name(name: &str) -> bool {
    let name = name.trim_matches('_').to_ascii_lowercase();
    name == "debug" || name.starts_with("debug_") || name == "test_mode"
}

/// Does a `match` read a debugging or test-mode option (`match settings.test_mode { .. }`)?
pub(super) fn matches_on_debug_option(scrutinee: &Expr) -> bool {
    matches!(scrutinee, Expr::Field(_) | Expr::Path(_)) && reads_debug_option(scrutinee)
}

/// Does an arm's pattern name a test or debug variant (`TestModes::TestFakeResponse`,
/// `Mode::Debug`, `Backend::Fake(..)`)?
pub(super) fn names_debug_variant(p: &syn::Pat) -> bool {
    let named = |path: &syn::Path| {
        path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            ["Test", "Debug", "Fake"]
                .iter()
                .any(|w| name.starts_with(w))
        })
    };
    match p {
        syn::Pat::Or(or) => !or.cases.is_empty() && or.cases.iter().all(names_debug_variant),
        syn::Pat::Path(path) => named(&path.path),
        syn::Pat::TupleStruct(t) => named(&t.path),
        syn::Pat::Struct(st) => named(&st.path),
        _ => false,
    }
}

fn requires_debug_assertions(pred: &Meta) -> bool {
    requires_flag(pred, "debug_assertions")
}

fn requires_flag(pred: &Meta, flag: &str) -> bool {
    match pred {
        Meta::Path(p) => p.is_ident(flag),
        Meta::List(list) if list.path.is_ident("all") => list
            .parse_args_with(syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated)
            .is_ok_and(|ps| ps.iter().any(|p| requires_flag(p, flag))),
        _ => false,
    }
}

fn predicate_features(pred: &Meta, out: &mut Vec<String>) {
    match pred {
        Meta::NameValue(nv) if nv.path.is_ident("feature") => {
            if let Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                out.push(s.value());
            }
        }
        Meta::List(list) if list.path.is_ident("all") => {
            let parsed = list.parse_args_with(
                syn::punctuated::Punctuated::<Meta, syn::Token![,]>::parse_terminated,
            );
            for p in parsed.iter().flatten() {
                predicate_features(p, out);
            }
        }
        _ => {}
    }
}

/// The outer attributes of a statement (`#[cfg(..)] let x = ..;`, `#[cfg(..)] if .. {}`).
pub(super) fn stmt_attrs(s: &Stmt) -> &[Attribute] {
    match s {
        Stmt::Local(l) => &l.attrs,
        Stmt::Macro(m) => &m.attrs,
        Stmt::Expr(e, _) => expr_attrs(e),
        Stmt::Item(_) => &[],
    }
}

/// The outer attributes of the expressions a statement usually is.
fn expr_attrs(e: &Expr) -> &[Attribute] {
    match e {
        Expr::If(x) => &x.attrs,
        Expr::Block(x) => &x.attrs,
        Expr::Match(x) => &x.attrs,
        Expr::Call(x) => &x.attrs,
        Expr::MethodCall(x) => &x.attrs,
        Expr::Macro(x) => &x.attrs,
        Expr::Await(x) => &x.attrs,
        Expr::Try(x) => &x.attrs,
        Expr::Assign(x) => &x.attrs,
        Expr::ForLoop(x) => &x.attrs,
        Expr::While(x) => &x.attrs,
        Expr::Loop(x) => &x.attrs,
        Expr::Unsafe(x) => &x.attrs,
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::{is_debug_option_test, required_features};

    fn debug_branch(cond: &str) -> bool {
        syn::parse_str::<syn::Expr>(&format!("if {cond} {{}}"))
            .is_ok_and(|e| matches!(&e, syn::Expr::If(i) if is_debug_option_test(&i.cond)))
    }

    #[test]
    fn a_branch_taken_only_with_a_debugging_option() {
        assert!(debug_branch(
            "let Some(p) = self.conf.debug.capture_path.as_deref()"
        ));
        assert!(debug_branch("conf.debug_mode"));
        assert!(debug_branch("debug && verbose"));
        assert!(debug_branch("conf.__debug__.dump.is_some()"));
        // the branch runs without the option, or the option is a log level
        assert!(!debug_branch("!conf.debug_mode"));
        assert!(!debug_branch("let None = conf.debug.capture_path"));
        assert!(!debug_branch("conf.debug.capture_path.is_none()"));
        assert!(!debug_branch("tracing::enabled!(Level::DEBUG)"));
        assert!(!debug_branch("conf.debug_mode || always"));
        assert!(!debug_branch("level == Level::DEBUG"));
    }

    fn of(attr: &str) -> Vec<String> {
        syn::parse_str::<syn::ItemFn>(&format!("{attr} fn f() {{}}"))
            .map(|item| required_features(&item.attrs))
            .unwrap_or_else(|e| vec![format!("parse error: {e}")])
    }

    #[test]
    fn features_that_a_cfg_requires() {
        assert_eq!(of(r#"#[cfg(feature = "enterprise")]"#), ["enterprise"]);
        assert_eq!(
            of(r#"#[cfg(all(unix, feature = "a", feature = "b"))]"#),
            ["a", "b"]
        );
        assert!(of(r#"#[cfg(any(feature = "a", test))]"#).is_empty());
        assert!(of(r#"#[cfg(not(feature = "a"))]"#).is_empty());
        assert!(of("#[inline]").is_empty());
    }
}
