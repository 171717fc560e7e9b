//! `checked`: facts a guard establishes about a place (`x.is_some()`, `m.contains_key(k)`,
//! `!v.is_empty()`, `for i in 0..v.len()`) and whether an unwrap's receiver is covered by one.
//! Pure functions over syn nodes; the visitor in `mod.rs` keeps the facts in scope.

use syn::{BinOp, Expr, Lit, Pat, UnOp};

use super::constant::peel;

/// What a guard establishes, about places named by [`key`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// The `Option` / `Result` at this place is `Some` / `Ok`.
    Present(String),
    /// The map at `.0` has the key `.1`.
    HasKey(String, String),
    /// The collection / string at this place is not empty.
    NonEmpty(String),
    /// `.1` is an index inside the collection `.0`.
    InBounds(String, String),
}

impl Fact {
    /// The place whose mutation voids the fact.
    pub fn place(&self) -> &str {
        match self {
            Fact::Present(p) | Fact::NonEmpty(p) | Fact::HasKey(p, _) | Fact::InBounds(p, _) => p,
        }
    }
}

/// A canonical text for simple place expressions (`x`, `self.a.b`, `v[0]`, `m.get(k)`); None
/// for anything else. References, derefs and parentheses are looked through.
pub fn key(e: &Expr) -> Option<String> {
    match peel(e) {
        Expr::Path(p) if p.qself.is_none() => Some(
            p.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect::<Vec<_>>()
                .join("::"),
        ),
        Expr::Field(f) => Some(format!("{}.{}", key(&f.base)?, member(&f.member))),
        Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => key(&u.expr),
        Expr::Index(i) => Some(format!("{}[{}]", key(&i.expr)?, key(&i.index)?)),
        Expr::Lit(l) => lit_text(&l.lit),
        Expr::MethodCall(m) => {
            let args: Option<Vec<String>> = m.args.iter().map(key).collect();
            Some(format!(
                "{}.{}({})",
                key(&m.receiver)?,
                m.method,
                args?.join(",")
            ))
        }
        _ => None,
    }
}

fn member(m: &syn::Member) -> String {
    match m {
        syn::Member::Named(n) => n.to_string(),
        syn::Member::Unnamed(i) => i.index.to_string(),
    }
}

fn lit_text(l: &Lit) -> Option<String> {
    match l {
        Lit::Str(s) => Some(format!("{:?}", s.value())),
        Lit::Int(i) => Some(i.base10_digits().to_string()),
        Lit::Char(c) => Some(format!("{:?}", c.value())),
        Lit::Bool(b) => Some(b.value.to_string()),
        _ => None,
    }
}

/// An atomic condition: the fact, and whether it holds when the condition is true (`false`
/// for `x.is_none()`: the fact holds when the condition is false).
fn atom(e: &Expr) -> Option<(Fact, bool)> {
    match e {
        Expr::Paren(p) => atom(&p.expr),
        Expr::Unary(u) if matches!(u.op, UnOp::Not(_)) => atom(&u.expr).map(|(f, t)| (f, !t)),
        Expr::MethodCall(m) => {
            let recv = key(&m.receiver)?;
            match (m.method.to_string().as_str(), m.args.len()) {
                ("is_some" | "is_ok", 0) => Some((Fact::Present(recv), true)),
                ("is_none" | "is_err", 0) => Some((Fact::Present(recv), false)),
                ("is_empty", 0) => Some((Fact::NonEmpty(recv), false)),
                ("contains_key", 1) => {
                    let k = m.args.first().and_then(key)?;
                    Some((Fact::HasKey(recv, k), true))
                }
                _ => None,
            }
        }
        Expr::Binary(b) => length_test(b),
        Expr::Macro(m) => matches_test(&m.mac),
        _ => None,
    }
}

/// A comparison operator, normalised so that the `len()` side is on the left.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

fn cmp(op: &BinOp) -> Option<Cmp> {
    Some(match op {
        BinOp::Lt(_) => Cmp::Lt,
        BinOp::Le(_) => Cmp::Le,
        BinOp::Gt(_) => Cmp::Gt,
        BinOp::Ge(_) => Cmp::Ge,
        BinOp::Eq(_) => Cmp::Eq,
        BinOp::Ne(_) => Cmp::Ne,
        _ => return None,
    })
}

/// `a OP b` as `b OP' a`.
fn flip(op: Cmp) -> Cmp {
    match op {
        Cmp::Lt => Cmp::Gt,
        Cmp::Le => Cmp::Ge,
        Cmp::Gt => Cmp::Lt,
        Cmp::Ge => Cmp::Le,
        same => same,
    }
}

/// `v.len() > 0`, `v.len() != 0`, `v.len() >= 1`, `v.len() == 3`, `0 < v.len()`,
/// `v.len() == 0`.
fn length_test(b: &syn::ExprBinary) -> Option<(Fact, bool)> {
    let len_of = |e: &Expr| match peel(e) {
        Expr::MethodCall(m) if m.method == "len" && m.args.is_empty() => key(&m.receiver),
        _ => None,
    };
    let int = |e: &Expr| match peel(e) {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) => i.base10_parse::<u64>().ok(),
        _ => None,
    };
    let op = cmp(&b.op)?;
    let (place, n, op) = match (
        len_of(&b.left),
        int(&b.right),
        len_of(&b.right),
        int(&b.left),
    ) {
        (Some(p), Some(n), _, _) => (p, n, op),
        (_, _, Some(p), Some(n)) => (p, n, flip(op)),
        _ => return None,
    };
    let non_empty = match op {
        Cmp::Gt => true,
        Cmp::Ge | Cmp::Eq => n >= 1,
        Cmp::Ne => n == 0,
        Cmp::Lt | Cmp::Le => false,
    };
    if non_empty {
        return Some((Fact::NonEmpty(place), true));
    }
    let empty = (op == Cmp::Eq && n == 0) || (op == Cmp::Lt && n == 1);
    empty.then_some((Fact::NonEmpty(place), false))
}

/// `matches!(x, Some(..))` / `matches!(x, Ok(..))` (true), `matches!(x, None)` (false).
fn matches_test(mac: &syn::Macro) -> Option<(Fact, bool)> {
    if mac.path.segments.last()?.ident != "matches" {
        return None;
    }
    let (subject, pat) = mac
        .parse_body_with(|input: syn::parse::ParseStream| {
            let e: Expr = input.parse()?;
            let _comma: syn::Token![,] = input.parse()?;
            let p = Pat::parse_multi(input)?;
            let _rest: proc_macro2::TokenStream = input.parse()?;
            Ok((e, p))
        })
        .ok()?;
    let place = key(&subject)?;
    match present_pattern(&pat) {
        Some(true) => Some((Fact::Present(place), true)),
        Some(false) => Some((Fact::Present(place), false)),
        None => None,
    }
}

/// `Some(..)` / `Ok(..)` → true, `None` → false, anything else → None.
pub fn present_pattern(p: &Pat) -> Option<bool> {
    let last = |path: &syn::Path| path.segments.last().map(|s| s.ident.to_string());
    match p {
        Pat::TupleStruct(t) => {
            matches!(last(&t.path).as_deref(), Some("Some" | "Ok")).then_some(true)
        }
        Pat::Ident(i) if i.ident == "None" => Some(false),
        Pat::Path(p) => (last(&p.path).as_deref() == Some("None")).then_some(false),
        Pat::Reference(r) => present_pattern(&r.pat),
        Pat::Paren(p) => present_pattern(&p.pat),
        Pat::Guard(g) => present_pattern(&g.pat),
        _ => None,
    }
}

/// Facts that hold when `cond` is true (`a && b`: both sides').
pub fn when_true(cond: &Expr) -> Vec<Fact> {
    facts(cond, true)
}

/// Facts that hold when `cond` is false (`a || b`: both sides' negations).
pub fn when_false(cond: &Expr) -> Vec<Fact> {
    facts(cond, false)
}

/// Facts that hold when `cond` evaluates to `value`: a conjunction when true, a disjunction
/// when false splits into its parts; `!` flips.
fn facts(cond: &Expr, value: bool) -> Vec<Fact> {
    match cond {
        Expr::Paren(p) => facts(&p.expr, value),
        Expr::Binary(b)
            if (value && matches!(b.op, BinOp::And(_)))
                || (!value && matches!(b.op, BinOp::Or(_))) =>
        {
            let mut f = facts(&b.left, value);
            f.extend(facts(&b.right, value));
            f
        }
        Expr::Unary(u) if matches!(u.op, UnOp::Not(_)) && !is_atom(&u.expr) => {
            facts(&u.expr, !value)
        }
        other => atom(other)
            .filter(|(_, t)| *t == value)
            .map(|(f, _)| f)
            .into_iter()
            .collect(),
    }
}

fn is_atom(e: &Expr) -> bool {
    atom(e).is_some()
}

/// Facts inside `for <pat> in <expr>` and inside the closure of an iterator adapter on
/// `<expr>` (`m.keys().filter(|k| ..)`): `0..v.len()` (i in bounds of v), `m.keys()` (m has
/// key k).
pub fn loop_facts(pat: &Pat, iter: &Expr) -> Vec<Fact> {
    fn ident(p: &Pat) -> Option<String> {
        match p {
            Pat::Ident(i) => Some(i.ident.to_string()),
            Pat::Reference(r) => ident(&r.pat),
            Pat::Type(t) => ident(&t.pat),
            _ => None,
        }
    }
    match peel(iter) {
        Expr::Range(r) => {
            let starts_at_zero = r.start.as_deref().is_none_or(|s| {
                matches!(peel(s), Expr::Lit(syn::ExprLit { lit: Lit::Int(i), .. }) if i.base10_digits() == "0")
            });
            let bound = match r.end.as_deref().map(peel) {
                Some(Expr::MethodCall(m)) if m.method == "len" && m.args.is_empty() => {
                    key(&m.receiver)
                }
                _ => None,
            };
            match (starts_at_zero, bound, ident(pat), &r.limits) {
                (true, Some(v), Some(i), syn::RangeLimits::HalfOpen(_)) => {
                    vec![Fact::InBounds(v, i)]
                }
                _ => Vec::new(),
            }
        }
        Expr::MethodCall(m) if m.method == "keys" && m.args.is_empty() => {
            match (key(&m.receiver), ident(pat)) {
                (Some(map), Some(k)) => vec![Fact::HasKey(map, k)],
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Adapters between a checked place and its unwrap: `x.as_ref().unwrap()` is `x` checked.
const ADAPTERS: &[&str] = &[
    "as_ref",
    "as_mut",
    "as_deref",
    "as_deref_mut",
    "clone",
    "cloned",
    "copied",
    "take",
];

/// Element accessors that return `Some` on a non-empty collection.
const NON_EMPTY_ACCESSORS: &[&str] = &[
    "first",
    "last",
    "first_mut",
    "last_mut",
    "pop",
    "pop_front",
    "pop_back",
    "front",
    "back",
];

/// Iterator ends that return `Some` on an iterator over a non-empty collection.
const NON_EMPTY_ITER_ENDS: &[&str] = &["next", "last", "max", "min", "next_back"];

/// Iterators over all items of a collection or string.
const FULL_ITERATORS: &[&str] = &[
    "iter",
    "iter_mut",
    "into_iter",
    "chars",
    "bytes",
    "keys",
    "values",
    "values_mut",
];

/// Is the unwrap's receiver covered by one of `facts`?
pub fn covered(recv: &Expr, facts: &[&Fact]) -> bool {
    let mut recv = peel(recv);
    while let Expr::MethodCall(m) = recv {
        if m.args.is_empty() && ADAPTERS.contains(&m.method.to_string().as_str()) {
            recv = peel(&m.receiver);
        } else {
            break;
        }
    }
    let has = |f: Fact| facts.iter().any(|g| **g == f);
    if let Some(k) = key(recv)
        && has(Fact::Present(k))
    {
        return true;
    }
    let Expr::MethodCall(m) = recv else {
        return false;
    };
    let method = m.method.to_string();
    let Some(place) = key(&m.receiver) else {
        return iterator_end(m, facts);
    };
    // `v.get(i)` indexes a slice; `m.get(&i)` looks up a map, where `0..m.len()` proves nothing.
    let by_value = !matches!(m.args.first(), Some(Expr::Reference(_)));
    match (method.as_str(), m.args.first().and_then(key)) {
        ("get" | "get_mut" | "remove", Some(k)) => {
            has(Fact::HasKey(place.clone(), k.clone()))
                || (by_value && has(Fact::InBounds(place.clone(), k.clone())))
                || (by_value && k == "0" && has(Fact::NonEmpty(place)))
        }
        (name, None) if m.args.is_empty() && NON_EMPTY_ACCESSORS.contains(&name) => {
            has(Fact::NonEmpty(place))
        }
        _ => iterator_end(m, facts),
    }
}

/// `v.iter().next()`, `s.chars().last()`, `v.iter().max()` on a non-empty `v` / `s`.
fn iterator_end(m: &syn::ExprMethodCall, facts: &[&Fact]) -> bool {
    if !m.args.is_empty() || !NON_EMPTY_ITER_ENDS.contains(&m.method.to_string().as_str()) {
        return false;
    }
    match peel(&m.receiver) {
        Expr::MethodCall(it)
            if it.args.is_empty() && FULL_ITERATORS.contains(&it.method.to_string().as_str()) =>
        {
            key(&it.receiver)
                .is_some_and(|p| facts.iter().any(|f| **f == Fact::NonEmpty(p.clone())))
        }
        _ => false,
    }
}

/// Does the block end the enclosing flow on every path that reaches its end: a `return`,
/// `break`, `continue`, a diverging macro or `process::exit` among its statements?
pub fn diverges(block: &syn::Block) -> bool {
    block.stmts.iter().any(|s| match s {
        syn::Stmt::Expr(e, _) => diverging_expr(e),
        syn::Stmt::Macro(m) => diverging_macro(&m.mac),
        _ => false,
    })
}

fn diverging_expr(e: &Expr) -> bool {
    match e {
        Expr::Return(_) | Expr::Break(_) | Expr::Continue(_) => true,
        Expr::Macro(m) => diverging_macro(&m.mac),
        Expr::Call(c) => match peel(&c.func) {
            Expr::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "exit"),
            _ => false,
        },
        _ => false,
    }
}

fn diverging_macro(m: &syn::Macro) -> bool {
    m.path.segments.last().is_some_and(|s| {
        matches!(
            s.ident.to_string().as_str(),
            "panic" | "unreachable" | "todo" | "unimplemented" | "bail"
        )
    })
}
