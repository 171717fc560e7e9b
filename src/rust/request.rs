//! What the scan asks of the code model: the needles (function patterns, method and macro names,
//! guard methods) whose sites are recorded, whether discarded results, the call graph with roles
//! and type items are wanted. The model knows no check; it records what is asked.

use std::collections::HashSet;

use crate::kinds::call::{MethodPattern, PathPattern};
use crate::kinds::presence::PresenceMatcher;
use crate::kinds::service::{ServerStarts, Start};

/// Names of the calls that register route handlers or services: a workspace fn, closure or
/// async block given to one of them is a request root.
pub const ROUTE_REGISTRATIONS: &[&str] = &[
    "route",
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "trace",
    "any",
    "on",
    "to",
    "service",
    "fallback",
    "handler",
    "service_fn",
    "make_service_fn",
    "from_fn",
    "from_fn_with_state",
    "route_service",
    "nest_service",
    "default_service",
    "get_service",
    "post_service",
    "handler_fn",
];

/// warp filters: `and_then(h)`, `map(h)`, `then(h)` register handlers in files that use warp.
pub const WARP_REGISTRATIONS: &[&str] = &["and_then", "map", "then", "untuple_one"];

/// Attributes that make a fn a route handler (`#[get("/")]`, poem's `#[handler]`, dropshot's
/// `#[endpoint { method = GET, path = "/" }]`).
pub const ROUTE_ATTRIBUTES: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect", "route",
    "routes", "handler", "oai", "endpoint",
];

/// Words that make an item worth parsing for the roles analysis.
pub const ROLE_WORDS: &[&str] = &[
    "async",
    "spawn",
    "main",
    ".route(",
    ".service(",
    ".to(",
    "service_fn",
    "from_fn",
    "routes!",
    "Service",
    "Handler",
    "fallback",
    "handler",
    // re-exports (a module of `mod x; pub(crate) use x::*;` names no other needle)
    "pub use",
    "pub(crate) use",
    "pub(super) use",
];

/// The needles and facts the scan asks for.
#[derive(Debug, Default)]
pub struct Request<'c> {
    /// Function path patterns whose calls are recorded.
    pub functions: Vec<PathPattern>,
    /// Method names whose calls are recorded.
    pub methods: HashSet<String>,
    /// Macro names (last segment) whose invocations are recorded.
    pub macros: HashSet<String>,
    /// Method names of `Type::method` patterns: recorded with the receiver's type, not needles
    /// of the prefilter (an item calling `File::open` mentions `File`).
    pub type_methods: HashSet<String>,
    /// Calls whose arguments run elsewhere (`spawn_blocking`, a thread), by last segment: in
    /// fns summarized from tokens, calls inside them get that call's frame.
    pub exempt_calls: Vec<String>,
    /// Methods whose zero-argument call bound with `let` is a guard (held-across-await).
    pub guard_methods: Vec<String>,
    /// Record discarded results (`let _ = …`, `_ = …`, `….ok();`).
    pub discards: bool,
    /// Build the call graph (every call that may reach a workspace fn) and the roles.
    pub graph: bool,
    /// Record struct fields and statics (type hints across files).
    pub types: bool,
    /// Find the `.unwrap()` / `.expect(..)` calls that cannot panic (a check has `skip`).
    pub skips: bool,
    /// Tokenize every file (the `parse-error` check reports files that do not parse).
    pub parse_errors: bool,
    /// Some check's `code` includes test code. Else an item inside test code (a `#[cfg(test)]`
    /// module, a `#[test]` fn, a `#![cfg(test)]` file) is neither parsed nor summarized: its
    /// facts could only feed findings that are dropped (production builds do not compile it, so
    /// it is no root, edge or type hint of production code).
    pub test_code: bool,
    /// Further words whose mention makes an item worth parsing (`await`, route names, …).
    pub words: Vec<String>,
    /// Words whose mention in a fn's text is recorded with the fn (`unless_fn_mentions`).
    pub fn_words: Vec<String>,
    /// Regexes whose match in a fn's text is recorded with the fn (`unless_fn_matches`).
    pub fn_patterns: Vec<regex::Regex>,
    /// `presence` checks: (index into the checks, matcher).
    pub presence: Vec<(usize, &'c PresenceMatcher)>,
    /// Function patterns a method chain of a `call` pattern starts at (`a::b().name`):
    /// needles, and names a local alias may stand for.
    pub roots: Vec<PathPattern>,
    /// Record the root of each method call's receiver chain (some pattern names one).
    pub chains: bool,
    /// Record where servers start (some service check applies).
    pub starts: Option<ServerStarts>,
}

impl Request<'_> {
    /// Adds a query's function patterns, methods and macros.
    pub fn add_calls(&mut self, functions: &[PathPattern], methods: &[String], macros: &[String]) {
        self.functions.extend(functions.iter().cloned());
        self.methods.extend(methods.iter().cloned());
        self.macros.extend(macros.iter().cloned());
        // `Type::method` patterns are also matched at method calls on a receiver of that type.
        self.type_methods
            .extend(functions.iter().filter_map(type_method));
    }

    /// Adds method patterns on a chain (`a::b().name`): the names are asked for, the roots are
    /// needles.
    pub fn add_chain_methods(&mut self, methods: &[MethodPattern]) {
        self.methods.extend(methods.iter().map(|m| m.name.clone()));
        self.roots
            .extend(methods.iter().filter_map(|m| m.root.clone()));
        self.chains |= !methods.is_empty();
    }

    /// Asks for server starts (service checks apply).
    pub fn add_starts(&mut self) {
        let starts = ServerStarts::new();
        self.chains |= starts
            .starts
            .iter()
            .any(|(_, s)| matches!(s, Start::Method(_)));
        self.starts = Some(starts);
    }

    /// The words of the needle prefilter.
    /// Fully qualified patterns (see [`PathPattern::pair`]) are left out: they are pair needles.
    pub fn single_needles(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .functions
            .iter()
            .chain(&self.roots)
            .filter(|p| p.pair().is_none())
            .filter_map(|p| p.needle().map(String::from))
            .chain(self.methods.iter().cloned())
            .chain(self.macros.iter().cloned())
            .chain(self.guard_methods.iter().map(|_| "await".to_string()))
            .chain(self.words.iter().cloned())
            .collect();
        if self.graph {
            out.extend(ROLE_WORDS.iter().map(|s| s.to_string()));
        }
        out.sort();
        out.dedup();
        out
    }
}

/// The method name of a `Type::method` pattern (`std::fs::OpenOptions::open` → `open`).
fn type_method(p: &PathPattern) -> Option<String> {
    match p.segments.as_slice() {
        [.., ty, method] if ty.starts_with(char::is_uppercase) && !p.any_suffix => {
            Some(method.clone())
        }
        _ => None,
    }
}
