//! Kind `presence`: something must exist in a package's production code — a route path (given
//! to `.route(..)`, `.nest(..)`, a `#[get("/…")]`-style attribute, warp's `path!`), or a call of
//! a listed function, method or macro. When absent: one finding per applicable package at its
//! main/lib file, line 1; for a service check (`[applies] services`), one per service at its
//! bin's root file, searching the service's whole closure, where a server framework that does
//! the thing by default (`framework_defaults`, unless a `defaults_off` method is called) counts.
//! Facts are collected in [`crate::rust`].

use serde::Deserialize;

use super::call::{MethodPattern, PathPattern, method_patterns, patterns};
use super::child;
use crate::diag::{ConfigError, KeySeg, Source};

/// `[match]` of a `presence` check.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct PresenceSpec {
    /// Route paths; a route whose full path ends with one of these (segment-wise) counts.
    #[serde(default)]
    pub routes: Vec<String>,
    /// Resolved function path patterns.
    #[serde(default)]
    pub functions: Vec<String>,
    /// Method names, or `a::b().name` (the method on a chain that starts at a call of `a::b`).
    #[serde(default)]
    pub methods: Vec<String>,
    /// Macro names.
    #[serde(default)]
    pub macros: Vec<String>,
    /// Service checks: server frameworks (crate names) that do this by default; a service
    /// started with one passes, with the server start as evidence.
    #[serde(default)]
    pub framework_defaults: Vec<String>,
    /// Methods that turn the framework default off (`disable_signals`).
    #[serde(default)]
    pub defaults_off: Vec<String>,
    /// Service checks: a string literal that starts with one of these counts (`"# TYPE "`:
    /// the Prometheus text format written by hand).
    #[serde(default)]
    pub literals: Vec<String>,
    /// Service checks: methods that count only in a file where the service starts a server
    /// (server settings whose names clients share, tonic's `max_decoding_message_size`); an
    /// argument of `usize::MAX` lifts a limit and does not count.
    #[serde(default)]
    pub server_methods: Vec<String>,
    /// Service checks: code forms, recognized by shape, that count.
    #[serde(default)]
    pub forms: Vec<Form>,
}

/// A code form a service check recognizes by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// A size summed over the chunks of a streamed body and compared with a maximum
    /// (`size += chunk.len(); if size > max { return Err(..) }` in a `while let Some(chunk)`
    /// loop): a body limit written by hand.
    StreamedSizeLimit,
    /// `http_body_util::Limited::new(body, max)` around a body taken from the request (`req`
    /// named before it), not around a client's response.
    LimitedRequestBody,
}

/// A compiled `presence` check.
#[derive(Debug, Clone)]
pub struct PresenceMatcher {
    /// Route paths, normalized (leading `/`, no trailing `/`).
    pub routes: Vec<String>,
    /// Function patterns.
    pub functions: Vec<PathPattern>,
    /// Method patterns.
    pub methods: Vec<MethodPattern>,
    /// Macro names.
    pub macros: Vec<String>,
    /// Frameworks (crate names) that do this by default.
    pub framework_defaults: Vec<String>,
    /// Methods that turn the framework default off.
    pub defaults_off: Vec<String>,
    /// String-literal prefixes that count.
    pub literals: Vec<String>,
    /// Methods that count in a file where the service starts a server.
    pub server_methods: Vec<String>,
    /// Code forms that count.
    pub forms: Vec<Form>,
}

impl PresenceSpec {
    /// Validates the lists.
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<PresenceMatcher, Vec<ConfigError>> {
        let mut errors = Vec::new();
        if self.routes.is_empty()
            && self.functions.is_empty()
            && self.methods.is_empty()
            && self.macros.is_empty()
            && self.framework_defaults.is_empty()
            && self.literals.is_empty()
            && self.server_methods.is_empty()
            && self.forms.is_empty()
        {
            errors.push(source.error_at_path(
                base,
                false,
                "a `presence` check needs `routes`, `functions`, `methods`, `macros` or `framework_defaults`",
            ));
        }
        let functions = patterns(
            &self.functions,
            source,
            &child(base, "functions"),
            &mut errors,
        );
        let methods = method_patterns(&self.methods, source, &child(base, "methods"), &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PresenceMatcher {
            routes: self.routes.iter().map(|r| normalize_route(r)).collect(),
            functions,
            methods,
            macros: self.macros,
            framework_defaults: self.framework_defaults,
            defaults_off: self.defaults_off,
            literals: self.literals,
            server_methods: self.server_methods,
            forms: self.forms,
        })
    }
}

impl PresenceMatcher {
    /// Does a full route path satisfy one of the listed routes (equal, or ends with it at a
    /// segment boundary: `/api/health` satisfies `/health`)? Not after a path parameter:
    /// `/jobs/{id}/status` is a resource's field, not the service's status.
    pub fn route_matches(&self, full: &str) -> bool {
        let full = normalize_route(full);
        self.routes.iter().any(|r| {
            full == *r
                || (full.ends_with(r.as_str())
                    && r.len() > 1
                    && full.len() > r.len()
                    && !ends_with_parameter(&full[..full.len() - r.len()]))
        })
    }
}

/// Is the last segment of a route prefix a path parameter (`{id}`, `:id`, `<id>`, `*rest`)?
fn ends_with_parameter(prefix: &str) -> bool {
    let last = prefix.rsplit('/').next().unwrap_or_default();
    last.starts_with(['{', ':', '<', '*'])
}

/// `health/` → `/health`; `""` → `/`.
pub fn normalize_route(r: &str) -> String {
    let trimmed = r.trim().trim_matches('/');
    format!("/{trimmed}")
}
