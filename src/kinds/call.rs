//! Kind `call`: calls of functions (by resolved path, with `*` patterns), methods (by name) and
//! macros, filtered by syntactic context (`inside` / `not_inside`), by whether the value is
//! discarded, by string-literal arguments, and optionally followed through workspace functions
//! (`interprocedural`). The matching itself runs in [`crate::rust`].

use serde::Deserialize;

use super::{child, compile_regex};
use crate::diag::{ConfigError, KeySeg, Source};
use crate::model::{Role, Severity};

/// `[match]` of a `call` check.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CallSpec {
    /// Resolved function paths; `*` as last segment matches any suffix, as first any prefix.
    #[serde(default)]
    pub functions: Vec<String>,
    /// Method names (any receiver), or `a::b().name`: the method on a chain that starts at a
    /// call of `a::b`.
    #[serde(default)]
    pub methods: Vec<String>,
    /// Macro names (last path segment).
    #[serde(default)]
    pub macros: Vec<String>,
    /// Only method calls whose receiver is a call of one of these methods.
    #[serde(default)]
    pub receiver_methods: Vec<String>,
    /// `.unwrap()` / `.expect(..)` calls of these classes are not findings (see [`Skip`]).
    #[serde(default)]
    pub skip: Vec<Skip>,
    /// Contexts the call must be in (any of them).
    #[serde(default)]
    pub inside: Vec<String>,
    /// Contexts that exempt the call (innermost context wins).
    #[serde(default)]
    pub not_inside: Vec<String>,
    /// Only calls whose value is thrown away.
    #[serde(default)]
    pub discarded: bool,
    /// Skip calls whose value is used right away by one of these methods
    /// (`std::io::stdin().is_terminal()` reads nothing).
    #[serde(default)]
    pub unless_then: Vec<String>,
    /// Skip calls whose enclosing fn mentions one of these identifiers.
    #[serde(default)]
    pub unless_fn_mentions: Vec<String>,
    /// Skip calls whose enclosing fn's text matches this regex (a deliberate, visible choice
    /// such as argon2 `Params::new(8, 1, 1, ..)`: low-cost parameters).
    #[serde(default)]
    pub unless_fn_matches: Option<String>,
    /// Only calls with a string-literal argument matching this regex.
    #[serde(default)]
    pub args: Option<String>,
    /// Also flag calls of workspace fns that transitively make a matching call.
    #[serde(default)]
    pub interprocedural: bool,
    /// Only calls in code of these roles (`request`, `event`, `background`, `library`, `startup`,
    /// `unknown`).
    #[serde(default)]
    pub roles: Vec<String>,
    /// With `receiver_methods`: the type the receiver method is called on (`a` in
    /// `a.lock().unwrap()`), when the hints know it, must match one of these patterns (after
    /// `&`, `Arc`, `Rc`, `Box`, …). A call on a known type that matches none is not flagged.
    #[serde(default)]
    pub receiver_types: Vec<String>,
    /// Known receiver types that never count (checked before `receiver_types`).
    #[serde(default)]
    pub receiver_not_types: Vec<String>,
    /// Severity of a finding whose receiver type the hints cannot tell (with `receiver_types`).
    #[serde(default)]
    pub untyped_severity: Option<Severity>,
    /// Functions (among `functions`) whose findings count at most at `lowered_severity`,
    /// directly or at the end of a chain: calls whose harm depends on what they are given
    /// (`block_on` of a future that may never wait).
    #[serde(default)]
    pub lowered: Vec<String>,
    /// The most a call of a `lowered` function counts.
    #[serde(default)]
    pub lowered_severity: Option<Severity>,
}

/// A compiled `call` check.
#[derive(Debug, Clone)]
pub struct CallMatcher {
    /// Function path patterns.
    pub functions: Vec<PathPattern>,
    /// Method names.
    pub methods: Vec<String>,
    /// Methods on a chain rooted at a function call (`a::b().name`).
    pub chain_methods: Vec<MethodPattern>,
    /// Macro names.
    pub macros: Vec<String>,
    /// Required receiver methods.
    pub receiver_methods: Vec<String>,
    /// Classes of `unwrap` / `expect` calls that are not findings.
    pub skip: Vec<Skip>,
    /// Required contexts.
    pub inside: Vec<Context>,
    /// Exempting contexts.
    pub not_inside: Vec<Context>,
    /// Only discarded values.
    pub discarded: bool,
    /// Methods whose use of the call's value right away exempts the call.
    pub unless_then: Vec<String>,
    /// Identifiers that exempt the enclosing fn.
    pub unless_fn_mentions: Vec<String>,
    /// Regex over the enclosing fn's text that exempts the call.
    pub unless_fn_matches: Option<regex::Regex>,
    /// Regex over string-literal arguments.
    pub args: Option<regex::Regex>,
    /// Follow workspace fns.
    pub interprocedural: bool,
    /// Roles the call must be in (empty: any).
    pub roles: Vec<Role>,
    /// Type filter of the receiver method's receiver.
    pub types: TypeFilter,
    /// Functions whose findings count at most at `lowered_severity`.
    pub lowered: Vec<PathPattern>,
    /// The most a call of a `lowered` function counts.
    pub lowered_severity: Option<Severity>,
}

impl CallMatcher {
    /// The severity cap of a finding whose blocking call is `name` (`a::b::c`), if lowered.
    pub fn lowered_for(&self, name: &str) -> Option<Severity> {
        let path: Vec<String> = name.split("::").map(str::to_string).collect();
        self.lowered
            .iter()
            .any(|p| p.matches(&path))
            .then_some(self.lowered_severity)
            .flatten()
    }
}

/// Which receiver types count, when the hints know the type: `not_types` first, then `types`;
/// an unknown type counts at `untyped_severity`.
#[derive(Debug, Clone, Default)]
pub struct TypeFilter {
    /// Types that count (empty: no filter).
    pub types: Vec<PathPattern>,
    /// Types that never count.
    pub not_types: Vec<PathPattern>,
    /// Severity of a finding on a receiver of unknown type.
    pub untyped_severity: Option<Severity>,
}

impl TypeFilter {
    /// Compiles the pattern lists, reporting bad ones under `base`.
    pub fn compile(
        types: &[String],
        not_types: &[String],
        untyped_severity: Option<Severity>,
        source: &Source,
        keys: (&[KeySeg], &[KeySeg]),
        errors: &mut Vec<ConfigError>,
    ) -> TypeFilter {
        TypeFilter {
            types: patterns(types, source, keys.0, errors),
            not_types: patterns(not_types, source, keys.1, errors),
            untyped_severity,
        }
    }

    /// Does a known type (resolved path, wrappers peeled) count? None when there is no filter.
    pub fn admits(&self, path: &[String]) -> Option<bool> {
        if self.types.is_empty() && self.not_types.is_empty() {
            return None;
        }
        if self.not_types.iter().any(|p| p.matches(path)) {
            return Some(false);
        }
        Some(self.types.is_empty() || self.types.iter().any(|p| p.matches(path)))
    }

    /// Is there a type filter at all?
    pub fn is_set(&self) -> bool {
        !self.types.is_empty() || !self.not_types.is_empty()
    }
}

impl CallSpec {
    /// Validates patterns and the regex.
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<CallMatcher, Vec<ConfigError>> {
        let mut errors = Vec::new();
        if self.functions.is_empty() && self.methods.is_empty() && self.macros.is_empty() {
            errors.push(source.error_at_path(
                base,
                false,
                "a `call` check needs at least one of `functions`, `methods`, `macros`",
            ));
        }
        let functions = patterns(
            &self.functions,
            source,
            &child(base, "functions"),
            &mut errors,
        );
        let args = optional_regex(
            self.args.as_deref(),
            source,
            &child(base, "args"),
            &mut errors,
        );
        let unless_fn_matches = optional_regex(
            self.unless_fn_matches.as_deref(),
            source,
            &child(base, "unless_fn_matches"),
            &mut errors,
        );
        let roles = parse_roles(&self.roles, source, &child(base, "roles"), &mut errors);
        let lowered = patterns(&self.lowered, source, &child(base, "lowered"), &mut errors);
        if !lowered.is_empty() && self.lowered_severity.is_none() {
            errors.push(source.error_at_path(
                &child(base, "lowered"),
                false,
                "`lowered` needs `lowered_severity`",
            ));
        }
        let types = TypeFilter::compile(
            &self.receiver_types,
            &self.receiver_not_types,
            self.untyped_severity,
            source,
            (
                &child(base, "receiver_types"),
                &child(base, "receiver_not_types"),
            ),
            &mut errors,
        );
        let (chained, plain): (Vec<String>, Vec<String>) =
            self.methods.into_iter().partition(|m| m.contains("()."));
        let chain_methods = method_patterns(&chained, source, &child(base, "methods"), &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(CallMatcher {
            roles,
            types,
            functions,
            methods: plain,
            chain_methods,
            macros: self.macros,
            receiver_methods: self.receiver_methods,
            skip: self.skip,
            inside: self.inside.iter().map(|s| Context::parse(s)).collect(),
            not_inside: self.not_inside.iter().map(|s| Context::parse(s)).collect(),
            discarded: self.discarded,
            unless_then: self.unless_then,
            unless_fn_mentions: self.unless_fn_mentions,
            unless_fn_matches,
            args,
            interprocedural: self.interprocedural,
            lowered,
            lowered_severity: self.lowered_severity,
        })
    }
}

/// Compiles an optional regex field, reporting a bad one at its key.
fn optional_regex(
    pattern: Option<&str>,
    source: &Source,
    at: &[KeySeg],
    errors: &mut Vec<ConfigError>,
) -> Option<regex::Regex> {
    match compile_regex(pattern?, source, at) {
        Ok(r) => Some(r),
        Err(e) => {
            errors.push(e);
            None
        }
    }
}

/// Parses role names, reporting each unknown one at its array element.
pub fn parse_roles(
    list: &[String],
    source: &Source,
    base: &[KeySeg],
    errors: &mut Vec<ConfigError>,
) -> Vec<Role> {
    let mut out = Vec::new();
    for (i, r) in list.iter().enumerate() {
        match Role::parse(r) {
            Some(role) => out.push(role),
            None => {
                let path: Vec<KeySeg> = base.iter().cloned().chain([KeySeg::Index(i)]).collect();
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                errors.push(source.error_at_path(
                    &path,
                    false,
                    format!("unknown role `{r}` (expected one of: {})", names.join(", ")),
                ));
            }
        }
    }
    out
}

/// A class of `.unwrap()` / `.expect(..)` calls that cannot panic, named in `skip = [...]`.
/// Decided on the syntax alone (`crate::rust` has the rules and their tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Skip {
    /// A parser or constructor given only constants: `Regex::new("…")`, `"…".parse()`,
    /// `Url::parse("…")`, `NonZeroU32::new(8)`, `Layout::from_size_align(8, 8)`,
    /// `serde_json::from_str(include_str!(…))`; and a slice with a literal range made an
    /// array (`buf[0..4].try_into()`); `choose` / `first` / `last` on a `CONST` table. The
    /// result is the same on every run: tests see it.
    ConstantInput,
    /// `write!` / `writeln!` / `write_all` into a `String` or `Vec<u8>` bound in the same fn.
    InMemoryWrite,
    /// The failing case was ruled out just before: `if x.is_some() { x.unwrap() }`,
    /// `if x.is_none() { return } x.unwrap()`, `match x { Some(_) => x.unwrap() }`,
    /// `if m.contains_key(k) { m.get(k).unwrap() }`, `if !v.is_empty() { v.first().unwrap() }`,
    /// `for i in 0..v.len() { v.get(i).unwrap() }`, `for k in m.keys() { m.get(k).unwrap() }`
    /// (also in the closure of `m.keys().filter(|k| ..)`-like adapters).
    Checked,
    /// Library calls whose failure cannot happen on a running system:
    /// `s.split(..).next()` (a split yields at least one item) and
    /// `SystemTime::now().duration_since(UNIX_EPOCH)` (fails only with a clock before 1970).
    InfallibleApi,
}

/// Compiles path patterns, reporting each bad one at its array element.
pub fn patterns(
    list: &[String],
    source: &Source,
    base: &[KeySeg],
    errors: &mut Vec<ConfigError>,
) -> Vec<PathPattern> {
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        match PathPattern::parse(p) {
            Some(pat) => out.push(pat),
            None => {
                let path: Vec<KeySeg> = base.iter().cloned().chain([KeySeg::Index(i)]).collect();
                errors.push(source.error_at_path(
                    &path,
                    false,
                    format!("bad path pattern `{p}` (expected `a::b::c`, `a::*` or `*::c`)"),
                ));
            }
        }
    }
    out
}

/// A path pattern: `std::fs::write`, `std::fs::*`, `*::load`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern {
    /// Leading `*`: any prefix (zero or more segments).
    pub any_prefix: bool,
    /// Trailing `*`: one or more further segments.
    pub any_suffix: bool,
    /// The literal segments.
    pub segments: Vec<String>,
}

impl PathPattern {
    /// Parses `a::b`, `a::*`, `*::b`; None when malformed.
    pub fn parse(s: &str) -> Option<PathPattern> {
        let mut segs: Vec<&str> = s.trim().trim_start_matches("::").split("::").collect();
        let any_prefix = segs.len() > 1 && segs.first() == Some(&"*");
        if any_prefix {
            segs.remove(0);
        }
        let any_suffix = segs.len() > 1 && segs.last() == Some(&"*");
        if any_suffix {
            segs.pop();
        }
        let ok = !segs.is_empty()
            && segs
                .iter()
                .all(|s| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_'));
        ok.then(|| PathPattern {
            any_prefix,
            any_suffix,
            segments: segs.into_iter().map(String::from).collect(),
        })
    }

    /// Does the resolved path (segments) match?
    ///
    /// Inlined: without a trailing `*` the path ends in the pattern's last segment, and most
    /// paths asked about differ already in its length, so most calls end here without a call.
    #[inline]
    pub fn matches(&self, path: &[String]) -> bool {
        let len = |s: Option<&String>| s.map(String::len);
        if !self.any_suffix && len(path.last()) != len(self.segments.last()) {
            return false;
        }
        self.matches_segments(path)
    }

    /// [`PathPattern::matches`], segment by segment.
    fn matches_segments(&self, path: &[String]) -> bool {
        let n = self.segments.len();
        match (self.any_prefix, self.any_suffix) {
            (false, false) => path == self.segments.as_slice(),
            (false, true) => path.len() > n && path[..n] == self.segments[..],
            (true, false) => path.len() >= n && path[path.len() - n..] == self.segments[..],
            (true, true) => path
                .windows(n)
                .enumerate()
                .any(|(i, w)| w == self.segments.as_slice() && i + n < path.len()),
        }
    }

    /// A needle for the prefilter: a literal every call site must contain. For a fully
    /// qualified pattern (`std::fs::read`) that is the segment before the function (`fs`): the
    /// call is written `fs::read(..)` / `std::fs::read(..)`, or imports the fn, which the
    /// per-file alias needles cover (`use std::fs::read;` makes `read` a needle of that file).
    /// The bare function name would select nearly every item (`read`, `write`, `open`).
    pub fn needle(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [.., module, _] if !self.any_prefix && !self.any_suffix => Some(module.as_str()),
            [.., last] => Some(last.as_str()),
            [] => None,
        }
    }

    /// The module (or type) word and the function's name of a fully qualified pattern
    /// (`std::fs::read` → `fs`, `read`; `std::process::Command::output` → `Command`,
    /// `output`): an item calls it only if it names both, or a local alias of it.
    pub fn pair(&self) -> Option<(&str, &str)> {
        match self.segments.as_slice() {
            [.., module, name] if !self.any_prefix && !self.any_suffix => {
                Some((module.as_str(), name.as_str()))
            }
            _ => None,
        }
    }

    /// The pattern as written.
    pub fn display(&self) -> String {
        let mut parts: Vec<&str> = Vec::new();
        if self.any_prefix {
            parts.push("*");
        }
        parts.extend(self.segments.iter().map(String::as_str));
        if self.any_suffix {
            parts.push("*");
        }
        parts.join("::")
    }
}

/// A method by name, optionally only on a chain that starts at a call of a function:
/// `timeout`, or `tonic::transport::Server::builder().timeout` (the `timeout` of
/// `Server::builder().layer(..).timeout(..)`, not of an HTTP client's builder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodPattern {
    /// The method name.
    pub name: String,
    /// The function the receiver chain must start at.
    pub root: Option<PathPattern>,
}

impl MethodPattern {
    /// Parses `name` or `path::to::fn().name`; None when malformed.
    pub fn parse(s: &str) -> Option<MethodPattern> {
        let (root, name) = match s.trim().rsplit_once("().") {
            Some((root, name)) => (Some(PathPattern::parse(root)?), name),
            None => (None, s.trim()),
        };
        let ok = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_');
        ok.then(|| MethodPattern {
            name: name.to_string(),
            root,
        })
    }

    /// Does a call of method `name` whose chain starts at a call of one of `roots` (resolved
    /// candidates) match?
    pub fn matches(&self, name: &str, roots: &[Vec<String>]) -> bool {
        self.name == name
            && self
                .root
                .as_ref()
                .is_none_or(|p| roots.iter().any(|r| p.matches(r)))
    }

    /// The pattern as written.
    pub fn display(&self) -> String {
        match &self.root {
            Some(r) => format!("{}().{}", r.display(), self.name),
            None => self.name.clone(),
        }
    }
}

/// Compiles method patterns, reporting each bad one at its array element.
pub fn method_patterns(
    list: &[String],
    source: &Source,
    base: &[KeySeg],
    errors: &mut Vec<ConfigError>,
) -> Vec<MethodPattern> {
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        match MethodPattern::parse(p) {
            Some(m) => out.push(m),
            None => {
                let path: Vec<KeySeg> = base.iter().cloned().chain([KeySeg::Index(i)]).collect();
                errors.push(source.error_at_path(
                    &path,
                    false,
                    format!("bad method pattern `{p}` (expected `name` or `a::b().name`)"),
                ));
            }
        }
    }
    out
}

/// A syntactic context named in `inside` / `not_inside`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Context {
    /// Async fn, block or closure (and `#[tokio::main]`-like fns).
    Async,
    /// Unsafe block or fn.
    Unsafe,
    /// Loop body.
    Loop,
    /// Body of a loop that accepts connections (its text calls `.accept()` or `.incoming()`).
    AcceptLoop,
    /// Body of a `select!` branch that serves nothing: in an accept loop, one whose future
    /// accepts nothing; in any `select!`, one whose future is an OS signal.
    OtherBranch,
    /// The miss path of a read-through cache (`else` of `if let Some(v) = cache.get(k)` when it
    /// fills the cache): runs once per key.
    CacheMiss,
    /// The branch of an `if` taken when a debugging option is set (`if conf.debug.x`).
    DebugOption,
    /// The closure given to a one-time initialisation: `get_or_init`, `get_or_try_init`,
    /// `call_once`, a `Lazy*::new` constructor. It runs once, on first use.
    Once,
    /// `fn main` of a bin target.
    Main,
    /// Inside the arguments / closure of a call to this path (methods match by last segment).
    Call(PathPattern),
}

impl Context {
    /// Parses a context name; anything but the keywords is a call path.
    pub fn parse(s: &str) -> Context {
        match s {
            "async" => Context::Async,
            "unsafe" => Context::Unsafe,
            "loop" => Context::Loop,
            "accept-loop" => Context::AcceptLoop,
            "other-select-branch" => Context::OtherBranch,
            "cache-miss" => Context::CacheMiss,
            "debug-option" => Context::DebugOption,
            "once" => Context::Once,
            "main" => Context::Main,
            other => Context::Call(PathPattern::parse(other).unwrap_or(PathPattern {
                any_prefix: false,
                any_suffix: false,
                segments: vec![other.to_string()],
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Vec<String> {
        s.split("::").map(String::from).collect()
    }

    #[test]
    fn patterns_match() {
        let star = PathPattern::parse("std::fs::*").unwrap();
        assert!(star.matches(&p("std::fs::write")));
        assert!(star.matches(&p("std::fs::File::open")));
        assert!(!star.matches(&p("std::fs")));
        assert!(!star.matches(&p("tokio::fs::write")));
        let lead = PathPattern::parse("*::load").unwrap();
        assert!(lead.matches(&p("a::b::load")));
        assert!(lead.matches(&p("load")));
        assert!(!lead.matches(&p("a::loader")));
    }
}
