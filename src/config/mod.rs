//! Stage 1, config: built-in checks and policies + the user's configuration → compiled checks.
//!
//! Takes the workspace root and the CLI's choices; gives a [`Config`] in which every enabled
//! check is compiled (regexes, globs, paths). Layering, lowest first: check file < policies
//! (`--policy`, else the config's `extends`, else `recommended`) < user config < CLI flags.
//! Every problem is collected and reported together, each at `file:line:col`. Reads only
//! TOML files; never a source file.

pub mod builtin;
pub mod check_def;
pub mod diag;
pub mod docs;
mod layers;
mod names;
pub mod policy;

use std::path::Path;

use crate::error::Error;
use crate::model::{CheckDoc, CodeScope, Severity};
use crate::scan::kinds::Matcher;
pub use check_def::{Applies, CheckDef};
pub use diag::{ConfigError, Source};
pub use docs::explain_text;
pub use names::is_kebab;
pub use policy::FailOn;

/// A compiled check, ready to run.
#[derive(Debug, Clone)]
pub struct Check {
    /// Kebab-case id.
    pub id: String,
    /// Category id.
    pub category: String,
    /// Effective severity.
    pub severity: Severity,
    /// Documentation.
    pub doc: CheckDoc,
    /// Message template override.
    pub message: Option<String>,
    /// Production / test / any.
    pub code: CodeScope,
    /// Where it looks.
    pub scope: PathScope,
    /// Which packages it applies to.
    pub applies: Applies,
    /// Findings allowed before it fails.
    pub max: u32,
    /// Weight within the category.
    pub weight: f64,
    /// The compiled kind.
    pub matcher: Matcher,
}

impl Check {
    /// The kind name.
    pub fn kind(&self) -> &'static str {
        self.matcher.kind_name()
    }

    /// Does the check apply to this package?
    pub fn applies_to(&self, p: &crate::workspace::Package) -> bool {
        let a = &self.applies;
        (a.depends_on.is_empty() || a.depends_on.iter().any(|c| p.depends_on(c)))
            && !a.not_depends_on.iter().any(|c| p.depends_on(c))
            && a.has_bin.is_none_or(|b| b == p.has_bin())
            && a.has_lib.is_none_or(|b| b == p.has_lib())
    }
}

/// Path globs limiting a check (workspace-relative).
#[derive(Debug, Clone)]
pub struct PathScope {
    /// Only these paths (None = everywhere).
    pub paths: Option<globset::GlobSet>,
    /// Never these paths.
    pub exclude: globset::GlobSet,
}

impl PathScope {
    /// Is `path` in scope?
    pub fn includes(&self, path: &str) -> bool {
        self.paths.as_ref().is_none_or(|p| p.is_match(path)) && !self.exclude.is_match(path)
    }
}

/// A score category.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    /// Id, e.g. `error-handling`.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Weight in the overall score.
    pub weight: f64,
}

/// The release gate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gate {
    /// Lowest severity of a failing check that fails the gate.
    pub fail_on: FailOn,
    /// Minimum overall score.
    pub min_score: u32,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Enabled checks, sorted by id.
    pub checks: Vec<Check>,
    /// Every known check definition (enabled or not), sorted by id: for `list` and `explain`.
    pub catalogue: Vec<CheckDef>,
    /// Categories in display order.
    pub categories: Vec<Category>,
    /// The gate.
    pub gate: Gate,
    /// Paths never scanned.
    pub ignore: globset::GlobSet,
    /// Policies applied, in order.
    pub policies: Vec<String>,
    /// Where the user configuration came from, if any.
    pub user_config: Option<String>,
}

/// What the command line contributes to the configuration.
#[derive(Debug, Clone, Default)]
pub struct CliOverrides {
    /// `--policy NAME|PATH`, in order; replaces the config's `extends`.
    pub policies: Vec<String>,
    /// `--fail-on`.
    pub fail_on: Option<FailOn>,
    /// `--min-score`.
    pub min_score: Option<u32>,
}

/// Loads built-ins, the user's config found at `root`, and the CLI's overrides.
pub fn load(root: &Path, cli: &CliOverrides) -> Result<Config, Error> {
    layers::resolve(root, cli).map_err(|mut errors| {
        errors.sort();
        errors.dedup();
        Error::Config(errors)
    })
}

/// Loads the configuration for a workspace: [`load`], plus an error for every member manifest
/// (other than the root one) with a `[package.metadata.ready]` table, which would otherwise be
/// silently ignored (the configuration is per workspace: use `ready.toml` with `paths`).
pub fn load_for(ws: &crate::workspace::Workspace, cli: &CliOverrides) -> Result<Config, Error> {
    let member_errors: Vec<ConfigError> = ws
        .packages
        .iter()
        .filter(|p| p.manifest != "Cargo.toml")
        .filter(|p| p.manifest_table.get("package").and_then(|t| t.get("metadata")).and_then(|m| m.get("ready")).is_some())
        .map(|p| {
            let text = std::fs::read_to_string(ws.root.join(&p.manifest)).unwrap_or_default();
            let path = diag::key_path(&["package", "metadata", "ready"]);
            Source::new(p.manifest.clone(), text).error_at_path(
                &path,
                true,
                "`[package.metadata.ready]` is read only from the workspace root's Cargo.toml; configure members in ready.toml (e.g. `[checks.<id>] paths = [\"crates/x/**\"]`)",
            )
        })
        .collect();
    match (load(&ws.root, cli), member_errors.is_empty()) {
        (result, true) => result,
        (Ok(_), false) => Err(Error::Config(member_errors)),
        (Err(Error::Config(mut errors)), false) => {
            errors.extend(member_errors);
            errors.sort();
            Err(Error::Config(errors))
        }
        (Err(e), false) => Err(e),
    }
}

/// The built-in catalogue alone (for `list` and `explain` outside a workspace).
pub fn builtin_catalogue() -> Result<Vec<CheckDef>, Error> {
    layers::builtin_checks().map_err(Error::Config)
}
