//! Receivers of `.unwrap()` / `.expect(..)` that cannot fail whatever the program's input:
//! parsers and constructors given only constants (`constant-input`), writes into a `String` or
//! `Vec<u8>` (`in-memory-write`) and library calls whose failure case cannot occur
//! (`infallible-api`). Pure predicates over syn nodes.

use syn::{Expr, ExprCall, ExprMethodCall, RangeLimits, UnOp};

/// Functions (last path segment, any type) that only parse or convert their arguments.
const PARSE_FNS: &[&str] = &[
    "from_str",
    "from_str_radix",
    "parse",
    "parse_str",
    "try_from",
    "from_ascii",
    "from_utf8",
    "from_bytes",
    "from_bytes_with_nul",
    "from_u32",
    "from_size_align",
    "from_ymd_opt",
    "from_hms_opt",
    "from_hms_milli_opt",
    "from_hms_micro_opt",
    "from_hms_nano_opt",
    "from_num_seconds_from_midnight_opt",
    "from_timestamp",
    "from_timestamp_opt",
    "from_timestamp_millis",
    "from_timestamp_micros",
    "from_rfc3339",
    "from_rfc2822",
    "parse_from_rfc3339",
    "parse_from_rfc2822",
    "parse_from_str",
    "with_ymd_and_hms",
];

/// `Type::function` pairs that only build a value from their arguments.
const PURE_CONSTRUCTORS: &[(&str, &str)] = &[
    ("Regex", "new"),
    ("RegexSet", "new"),
    ("RegexBuilder", "new"),
    ("RegexSetBuilder", "new"),
    ("CString", "new"),
    ("Glob", "new"),
    ("Pattern", "new"),
    ("EnvFilter", "try_new"),
    ("Layout", "array"),
];

/// Macros that expand to a compile-time constant.
const CONST_MACROS: &[&str] = &["concat", "env", "include_str", "include_bytes", "stringify"];

/// Strips parentheses, groups and references.
pub(super) fn peel(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => peel(&p.expr),
        Expr::Group(g) => peel(&g.expr),
        Expr::Reference(r) => peel(&r.expr),
        other => other,
    }
}

/// The last path segment of a path expression.
fn last_segment(e: &Expr) -> Option<String> {
    match peel(e) {
        Expr::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// Is `name` written like a constant or static (`MAX_LEN`, `N`)?
pub(crate) fn const_name(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase())
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Is the expression a compile-time constant: a literal, a `CONST`, an array or tuple of
/// constants, arithmetic on constants, `concat!`/`include_str!`-like macros?
pub(super) fn is_constant(e: &Expr) -> bool {
    match peel(e) {
        Expr::Lit(_) => true,
        Expr::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| const_name(&s.ident.to_string())),
        Expr::Unary(u) => matches!(u.op, UnOp::Neg(_) | UnOp::Not(_)) && is_constant(&u.expr),
        Expr::Binary(b) => is_constant(&b.left) && is_constant(&b.right),
        Expr::Cast(c) => is_constant(&c.expr),
        Expr::Array(a) => a.elems.iter().all(is_constant),
        Expr::Tuple(t) => t.elems.iter().all(is_constant),
        Expr::Macro(m) => m
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| CONST_MACROS.contains(&s.ident.to_string().as_str())),
        _ => false,
    }
}

/// A range whose length is fixed: `a..b`, `a..=b`, `..b` with constant bounds.
fn constant_range(e: &Expr) -> bool {
    match peel(e) {
        Expr::Range(r) => {
            r.end.as_deref().is_some_and(is_constant)
                && r.start.as_deref().is_none_or(is_constant)
                && matches!(r.limits, RangeLimits::HalfOpen(_) | RangeLimits::Closed(_))
        }
        _ => false,
    }
}

/// A slice of constant length: `buf[0..4]`, `&buf[..4]`, `buf.get(2..4)?`,
/// `buf.get(2..4).ok_or(e)?`.
fn fixed_slice(e: &Expr) -> bool {
    match peel(e) {
        Expr::Index(i) => constant_range(&i.index),
        Expr::Try(t) => fixed_slice(&t.expr),
        Expr::MethodCall(m) => match (m.method.to_string().as_str(), m.args.len()) {
            ("get", 1) => m.args.first().is_some_and(constant_range),
            ("ok_or" | "ok_or_else" | "unwrap" | "expect", _) => fixed_slice(&m.receiver),
            _ => false,
        },
        _ => false,
    }
}

/// `constant-input`: the receiver parses or builds a value from constants only.
pub fn constant_input(recv: &Expr) -> bool {
    match peel(recv) {
        Expr::Call(c) => constant_call(c),
        Expr::MethodCall(m) => constant_method(m),
        _ => false,
    }
}

/// The segment names of a call's function path (`["serde_json", "from_str"]`).
fn callee(c: &ExprCall) -> Vec<String> {
    match peel(&c.func) {
        Expr::Path(p) => p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect(),
        _ => Vec::new(),
    }
}

fn constant_call(c: &ExprCall) -> bool {
    let segs = callee(c);
    let Some(last) = segs.last().map(String::as_str) else {
        return false;
    };
    let ty = segs.len().checked_sub(2).and_then(|i| segs.get(i));
    let pure = PARSE_FNS.contains(&last)
        || ty.is_some_and(|t| {
            PURE_CONSTRUCTORS.contains(&(t.as_str(), last))
                || (t.starts_with("NonZero") && last == "new")
        });
    let args_ok = c
        .args
        .iter()
        .all(|a| is_constant(a) || (last == "try_from" && fixed_slice(a)));
    pure && !c.args.is_empty() && args_ok
}

fn constant_method(m: &ExprMethodCall) -> bool {
    let args_constant = m.args.iter().all(is_constant);
    match m.method.to_string().as_str() {
        "parse" => m.args.is_empty() && is_constant(&m.receiver),
        "try_into" => m.args.is_empty() && (is_constant(&m.receiver) || fixed_slice(&m.receiver)),
        "build" => args_constant && constant_builder(&m.receiver),
        // `NAMES.choose(&mut rng)`, `TABLE.first()`: `None` only for an empty constant table.
        // (Not `STATIC.get()`: a `OnceLock` is empty until something sets it.)
        "choose" | "first" | "last" => is_constant(&m.receiver),
        _ => false,
    }
}

/// `RegexBuilder::new("…").case_insensitive(true)`: a pure constructor with constant
/// arguments, then builder methods with constant arguments.
fn constant_builder(e: &Expr) -> bool {
    match peel(e) {
        Expr::Call(c) => constant_call(c),
        Expr::MethodCall(m) => m.args.iter().all(is_constant) && constant_builder(&m.receiver),
        _ => false,
    }
}

/// `in-memory-write`: `write!(buf, …)`, `writeln!(buf, …)`, `buf.write_all(…)`,
/// `buf.write_str(…)`, … where `buf` names a `String` / `Vec<u8>` binding (`memory`).
pub fn memory_write(recv: &Expr, memory: &[String]) -> bool {
    let target = match peel(recv) {
        Expr::Macro(m) => {
            let name = m.mac.path.segments.last().map(|s| s.ident.to_string());
            if !matches!(name.as_deref(), Some("write" | "writeln")) {
                return false;
            }
            match first_macro_arg(&m.mac) {
                Some(e) => e,
                None => return false,
            }
        }
        Expr::MethodCall(m)
            if matches!(
                m.method.to_string().as_str(),
                "write_all" | "write_str" | "write_char" | "write_fmt" | "write" | "flush"
            ) =>
        {
            (*m.receiver).clone()
        }
        _ => return false,
    };
    let target = match peel(&target) {
        Expr::Unary(u) if matches!(u.op, UnOp::Deref(_)) => (*u.expr).clone(),
        other => other.clone(),
    };
    match peel(&target) {
        Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|i| memory.iter().any(|m| i == m)),
        _ => false,
    }
}

/// The first argument of a macro (`buf` in `write!(buf, "…")`).
fn first_macro_arg(mac: &syn::Macro) -> Option<Expr> {
    mac.parse_body_with(|input: syn::parse::ParseStream| {
        let first: Expr = input.parse()?;
        let _rest: proc_macro2::TokenStream = input.parse()?;
        Ok(first)
    })
    .ok()
}

/// Does `let x = <init>` bind an in-memory buffer (`String` or `Vec`)?
pub fn memory_init(init: &Expr) -> bool {
    match peel(init) {
        Expr::Call(c) => {
            let segs = callee(c);
            matches!(
                segs.iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .as_slice(),
                [.., "String" | "Vec", "new" | "with_capacity" | "from"]
            )
        }
        Expr::Macro(m) => m
            .mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "format" || s.ident == "vec"),
        Expr::MethodCall(m) => {
            matches!(m.method.to_string().as_str(), "to_string" | "to_owned")
                && matches!(peel(&m.receiver), Expr::Lit(_))
        }
        _ => false,
    }
}

/// Is the type `String`, `Vec<…>`, or a reference to one?
pub fn memory_type(ty: &syn::Type) -> bool {
    match ty {
        syn::Type::Reference(r) => memory_type(&r.elem),
        syn::Type::Paren(p) => memory_type(&p.elem),
        syn::Type::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "String" || s.ident == "Vec"),
        _ => false,
    }
}

/// `infallible-api`: `s.split(..).next()` / `.last()` (a split yields at least one item) and
/// `SystemTime::now().duration_since(UNIX_EPOCH)` / `UNIX_EPOCH.elapsed()`.
pub fn infallible_api(recv: &Expr) -> bool {
    let Expr::MethodCall(m) = peel(recv) else {
        return false;
    };
    match m.method.to_string().as_str() {
        "next" | "last" if m.args.is_empty() => match peel(&m.receiver) {
            Expr::MethodCall(s) => matches!(
                s.method.to_string().as_str(),
                "split" | "rsplit" | "splitn" | "rsplitn"
            ),
            _ => false,
        },
        "duration_since" => {
            let epoch = m
                .args
                .first()
                .and_then(last_segment)
                .is_some_and(|s| s == "UNIX_EPOCH");
            let now = match peel(&m.receiver) {
                Expr::Call(c) => last_segment(&c.func).is_some_and(|s| s == "now"),
                _ => false,
            };
            epoch && now
        }
        "elapsed" => last_segment(&m.receiver).is_some_and(|s| s == "UNIX_EPOCH"),
        _ => false,
    }
}
