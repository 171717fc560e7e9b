//! The check file format: one `checks/<id>.toml` (or one `[[check]]` table in a user's config).
//!
//! This is the raw, deserialized shape; `config::compile` turns it into a `Check`.

use serde::Deserialize;

use crate::kinds::Applies;
use crate::model::{CodeScope, Example, Severity};

/// A check as written in TOML.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct CheckDef {
    /// Kebab-case id; for built-in checks it equals the file name.
    pub id: String,
    /// One-line title.
    pub title: String,
    /// Category id, e.g. `error-handling`.
    pub category: String,
    /// Default severity.
    pub severity: Severity,
    /// The check kind: `text`, `dependency`, `manifest`, `file`, `call`, …
    pub kind: String,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
    /// Optional link.
    #[serde(default)]
    pub reference: Option<String>,
    /// The corresponding clippy lint, if any.
    #[serde(default)]
    pub clippy: Option<String>,
    /// Message template for findings; kinds supply a default.
    #[serde(default)]
    pub message: Option<String>,
    /// Production, test or any code (syntax-aware kinds).
    #[serde(default)]
    pub code: CodeScope,
    /// Globs (workspace-relative) the check is limited to; empty = everywhere.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Globs excluded from the check.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Findings allowed before the check fails.
    #[serde(default)]
    pub max: u32,
    /// Weight within its category; default by severity (error 3, warning 2, note 1).
    #[serde(default)]
    pub weight: Option<f64>,
    /// Disabled checks are loaded but never run.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Which packages the check applies to.
    #[serde(default)]
    pub applies: Applies,
    /// Less specific checks this one claims findings from: their findings whose span overlaps
    /// one of this check's findings in the same file are dropped (`lock-unwrap` supersedes
    /// `no-unwrap`, so a `.lock().unwrap()` is one finding).
    #[serde(default)]
    pub supersedes: Vec<String>,
    /// Kind-specific parameters, validated by the kind.
    #[serde(default, rename = "match")]
    #[schemars(with = "Option<serde_json::Map<String, serde_json::Value>>")]
    pub matcher: Option<toml::Value>,
    /// Bad / good snippets; they run as tests.
    #[serde(default, rename = "example")]
    pub examples: Vec<Example>,
}

fn yes() -> bool {
    true
}
