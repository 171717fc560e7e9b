//! Kind `presence`: something must exist in a package's production code — a route path (given
//! to `.route(..)`, `.nest(..)`, a `#[get("/…")]`-style attribute, warp's `path!`), or a call of
//! a listed function, method or macro. When absent: one finding per applicable package at its
//! main/lib file, line 1. Facts are collected in [`crate::rust`].

use serde::Deserialize;

use super::call::{PathPattern, patterns};
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
    /// Method names.
    #[serde(default)]
    pub methods: Vec<String>,
    /// Macro names.
    #[serde(default)]
    pub macros: Vec<String>,
}

/// A compiled `presence` check.
#[derive(Debug, Clone)]
pub struct PresenceMatcher {
    /// Route paths, normalized (leading `/`, no trailing `/`).
    pub routes: Vec<String>,
    /// Function patterns.
    pub functions: Vec<PathPattern>,
    /// Method names.
    pub methods: Vec<String>,
    /// Macro names.
    pub macros: Vec<String>,
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
        {
            errors.push(source.error_at_path(
                base,
                false,
                "a `presence` check needs `routes`, `functions`, `methods` or `macros`",
            ));
        }
        let functions = patterns(
            &self.functions,
            source,
            &child(base, "functions"),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PresenceMatcher {
            routes: self.routes.iter().map(|r| normalize_route(r)).collect(),
            functions,
            methods: self.methods,
            macros: self.macros,
        })
    }
}

impl PresenceMatcher {
    /// Does a full route path satisfy one of the listed routes (equal, or ends with it at a
    /// segment boundary: `/api/health` satisfies `/health`)?
    pub fn route_matches(&self, full: &str) -> bool {
        let full = normalize_route(full);
        self.routes.iter().any(|r| {
            full == *r || (full.ends_with(r.as_str()) && r.len() > 1 && full.len() > r.len())
        })
    }
}

/// `health/` → `/health`; `""` → `/`.
pub fn normalize_route(r: &str) -> String {
    let trimmed = r.trim().trim_matches('/');
    format!("/{trimmed}")
}
