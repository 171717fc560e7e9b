//! The policy file format, shared by built-in `policies/*.toml`, a user's `ready.toml` and
//! `[workspace.metadata.ready]` / `[package.metadata.ready]`.

use indexmap::IndexMap;

use serde::Deserialize;

use crate::config::check_def::CheckDef;
use crate::kinds::Applies;
use crate::model::Severity;

/// A policy or user configuration as written in TOML.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PolicyFile {
    /// Short description (built-in policies).
    #[serde(default)]
    pub description: Option<String>,
    /// Policies or files this one builds on, applied first, in order.
    #[serde(default)]
    pub extends: Option<Vec<String>>,
    /// Category titles and weights.
    #[serde(default)]
    pub categories: IndexMap<String, CategoryDef>,
    /// Per-check overrides; naming a check here enables it unless `enabled = false`.
    #[serde(default)]
    pub checks: IndexMap<String, CheckOverride>,
    /// New checks, with the same fields as a check file.
    #[serde(default, rename = "check")]
    pub new_checks: Vec<CheckDef>,
    /// Release gate defaults.
    #[serde(default)]
    pub gate: GateDef,
    /// Globs never scanned (e.g. vendored code).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// File size limits of the scan.
    #[serde(default)]
    pub limits: LimitsDef,
}

/// `[limits]`: how large a file the scan reads and parses.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LimitsDef {
    /// Files larger than this (bytes) are not parsed: only `text` checks run on them, and a
    /// note says so. Default 4 MiB.
    #[serde(default)]
    pub max_parse_bytes: Option<u64>,
    /// Files larger than this (bytes) are not read at all; a note says so. Default 256 MiB.
    #[serde(default)]
    pub max_read_bytes: Option<u64>,
}

/// A category's display title and weight.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CategoryDef {
    /// Display title.
    #[serde(default)]
    pub title: Option<String>,
    /// Weight in the overall score.
    #[serde(default)]
    pub weight: Option<f64>,
}

/// Overrides of one check; unset fields keep the lower layer's value.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CheckOverride {
    /// Turn the check on or off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// New severity.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Limit to these globs.
    #[serde(default)]
    pub paths: Option<Vec<String>>,
    /// Exclude these globs.
    #[serde(default)]
    pub exclude: Option<Vec<String>>,
    /// Findings allowed before failing.
    #[serde(default)]
    pub max: Option<u32>,
    /// Weight in its category.
    #[serde(default)]
    pub weight: Option<f64>,
    /// Replace the package conditions.
    #[serde(default)]
    pub applies: Option<Applies>,
}

/// Gate defaults a policy can set; the CLI overrides them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GateDef {
    /// Lowest severity of a failing check that fails the gate (`never` disables).
    #[serde(default)]
    pub fail_on: Option<FailOn>,
    /// Minimum overall score.
    #[serde(default)]
    pub min_score: Option<u32>,
}

/// The `--fail-on` level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// Fail when a check of severity error fails.
    Error,
    /// … of severity warning or error.
    Warning,
    /// … of any severity.
    Note,
    /// Never fail on checks (the score threshold still applies).
    Never,
}

impl FailOn {
    /// Does a failing check of `severity` fail the gate?
    pub fn trips(self, severity: Severity) -> bool {
        match self {
            FailOn::Error => severity >= Severity::Error,
            FailOn::Warning => severity >= Severity::Warning,
            FailOn::Note => true,
            FailOn::Never => false,
        }
    }
}
