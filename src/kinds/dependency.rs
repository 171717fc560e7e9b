//! Kind `dependency`: a crate declared (forbid) or not declared (require) by a package.

use serde::Deserialize;

use super::{Mode, child, compile_globs, compile_regex};
use crate::diag::{ConfigError, KeySeg, Source};
use crate::model::Dependency;

/// `[match]` of a `dependency` check.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct DependencySpec {
    /// Crate-name globs (`-` and `_` are equal). Require: any one of them satisfies.
    pub crates: Vec<String>,
    /// Crate-name globs that never match (`*-sys`).
    #[serde(default)]
    pub except: Vec<String>,
    /// `forbid` (default) or `require`.
    #[serde(default)]
    pub mode: Mode,
    /// Dependency kinds looked at: `normal`, `build`, `dev`. Default: normal and build.
    #[serde(default = "default_kinds")]
    pub kinds: Vec<String>,
    /// Only dependencies whose version requirement matches this regex (e.g. `^\*$`).
    #[serde(default)]
    pub req: Option<String>,
    /// Only registry (crates.io) dependencies, not path or git ones.
    #[serde(default)]
    pub registry_only: bool,
    /// Require mode, per service: a git dependency, or a path dependency outside the
    /// workspace (an organisation's own crate), whose name has one of these words (`-` / `_`
    /// separated) and that depends on one of `crates` in the committed `Cargo.lock` satisfies
    /// it too (a company's `telemetry` crate that sets up `tracing-subscriber` for its
    /// services). Empty (the default): only declared dependencies count.
    #[serde(default)]
    pub through_own_crates: Vec<String>,
}

fn default_kinds() -> Vec<String> {
    vec!["normal".into(), "build".into()]
}

/// A compiled `dependency` check.
#[derive(Debug, Clone)]
pub struct DependencyMatcher {
    crates: globset::GlobSet,
    except: globset::GlobSet,
    /// The crate patterns as written, for messages.
    pub patterns: Vec<String>,
    /// Forbid or require.
    pub mode: Mode,
    kinds: Vec<String>,
    req: Option<regex::Regex>,
    registry_only: bool,
    /// See [`DependencySpec::through_own_crates`].
    pub through_own_crates: Vec<String>,
}

impl DependencySpec {
    /// Builds the name globs and the requirement regex.
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<DependencyMatcher, Vec<ConfigError>> {
        let normalized: Vec<String> = self.crates.iter().map(|c| c.replace('-', "_")).collect();
        let except: Vec<String> = self.except.iter().map(|c| c.replace('-', "_")).collect();
        let mut errors = Vec::new();
        for (i, k) in self.kinds.iter().enumerate() {
            if !matches!(k.as_str(), "normal" | "build" | "dev") {
                let path = [child(base, "kinds"), vec![KeySeg::Index(i)]].concat();
                errors.push(source.error_at_path(
                    &path,
                    false,
                    format!("unknown dependency kind `{k}` (normal, build, dev)"),
                ));
            }
        }
        let crates = compile_globs(&normalized, source, &child(base, "crates"))
            .map_err(|e| errors.extend(e));
        let except =
            compile_globs(&except, source, &child(base, "except")).map_err(|e| errors.extend(e));
        let req = self
            .req
            .as_deref()
            .map(|r| compile_regex(r, source, &child(base, "req")))
            .transpose();
        let req = req.map_err(|e| errors.push(e));
        match (crates, except, req) {
            (Ok(crates), Ok(except), Ok(req)) if errors.is_empty() => Ok(DependencyMatcher {
                crates,
                except,
                patterns: self.crates,
                mode: self.mode,
                kinds: self.kinds,
                req,
                registry_only: self.registry_only,
                through_own_crates: self.through_own_crates,
            }),
            _ => Err(errors),
        }
    }
}

impl DependencyMatcher {
    /// The package's dependencies this check matches.
    pub fn matching<'p>(&self, dependencies: &'p [Dependency]) -> Vec<&'p Dependency> {
        dependencies.iter().filter(|d| self.is_match(d)).collect()
    }

    /// Does the crate name match the patterns (and none of the exceptions)?
    pub fn names(&self, name: &str) -> bool {
        let name = name.replace('-', "_");
        self.crates.is_match(&name) && !self.except.is_match(&name)
    }

    /// Is `name` an own crate [`DependencySpec::through_own_crates`] looks through?
    pub fn looks_through(&self, name: &str) -> bool {
        name.split(['-', '_']).any(|w| {
            self.through_own_crates
                .iter()
                .any(|t| t.eq_ignore_ascii_case(w))
        })
    }

    /// Is this dependency kind looked at?
    pub fn looks_at(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }

    fn is_match(&self, d: &Dependency) -> bool {
        self.looks_at(&d.kind)
            && self.names(&d.name)
            && (!self.registry_only || d.registry)
            && self.req.as_ref().is_none_or(|r| r.is_match(&d.req))
    }
}
