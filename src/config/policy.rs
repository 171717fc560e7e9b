//! The policy file format, shared by built-in `policies/*.toml`, a user's `ready.toml` and
//! `[workspace.metadata.ready]` / `[package.metadata.ready]`.

use indexmap::IndexMap;

use serde::Deserialize;

use crate::config::check_def::CheckDef;
use crate::kinds::Applies;
use crate::model::Severity;

/// A policy or user configuration as written in TOML.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
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
    /// Release gates: one `[gate]` table, or `[[gate]]` tables chosen by branch.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(with = "Option<OneOrManySchema<GateDef>>")]
    pub gate: Vec<GateDef>,
    /// Exemptions: `[[allow]]` tables with `check`, `paths`, `reason`, `until`.
    #[serde(default)]
    pub allow: Vec<AllowDef>,
    /// Globs never scanned (e.g. vendored code).
    #[serde(default)]
    pub ignore: Vec<String>,
    /// File size limits of the scan.
    #[serde(default)]
    pub limits: LimitsDef,
}

/// `[limits]`: how large a file the scan reads and parses.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
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
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CategoryDef {
    /// Display title.
    #[serde(default)]
    pub title: Option<String>,
    /// Weight in the overall score.
    #[serde(default)]
    pub weight: Option<f64>,
}

/// Overrides of one check; unset fields keep the lower layer's value.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct CheckOverride {
    /// Turn the check on or off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// New severity (it also replaces the check's `severity_by_role`, unless that is given too).
    #[serde(default)]
    pub severity: Option<Severity>,
    /// New severities by role.
    #[serde(default)]
    pub severity_by_role: Option<std::collections::BTreeMap<String, Severity>>,
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

/// A gate a policy sets, for every branch or for the branches its globs match; the CLI
/// overrides it. Unset fields keep the lower layers' values.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct GateDef {
    /// Branch globs (`release/*`, `main`); absent: every branch.
    #[serde(default)]
    pub branches: Option<Vec<String>>,
    /// Lowest severity of a failing check that fails the gate (`never` disables).
    #[serde(default)]
    pub fail_on: Option<FailOn>,
    /// Minimum overall score.
    #[serde(default)]
    pub min_score: Option<u32>,
    /// Minimum score per category id.
    #[serde(default)]
    pub floors: Option<IndexMap<String, u32>>,
    /// Checks of which any counted finding means NOT READY and fails the gate.
    #[serde(default)]
    pub blockers: Option<Vec<String>>,
}

/// A configuration-level exemption: findings of `check` under `paths` do not count.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
pub struct AllowDef {
    /// The check id.
    pub check: String,
    /// Workspace-relative globs; absent or empty: everywhere.
    #[serde(default)]
    pub paths: Vec<String>,
    /// Why (required).
    #[serde(default)]
    pub reason: Option<String>,
    /// Last day it applies, `YYYY-MM-DD`.
    #[serde(default)]
    pub until: Option<String>,
}

/// The schema of a field read with [`one_or_many`]: one value or an array of them.
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
pub enum OneOrManySchema<T> {
    /// One value.
    One(T),
    /// Several.
    Many(Vec<T>),
}

/// One value or an array of them, as a list (a `Deserialize` wrapper of [`one_or_many`]).
#[derive(Debug, Clone, Default)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        one_or_many(d).map(OneOrMany)
    }
}

/// Deserializes one value or an array of them (`gate = {…}` / `[[gate]]`, `clippy = "x"` /
/// `clippy = ["x", "y"]`) without buffering, so unknown keys are still reported.
pub fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
    use serde::de::{IntoDeserializer, MapAccess, SeqAccess, Visitor};

    struct OneOrMany<T>(std::marker::PhantomData<T>);

    impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrMany<T> {
        type Value = Vec<T>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a value or an array of values")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Vec<T>, E> {
            T::deserialize(v.into_deserializer()).map(|t| vec![t])
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Vec<T>, A::Error> {
            T::deserialize(MapAccessDeserializer::new(map)).map(|t| vec![t])
        }

        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Vec<T>, A::Error> {
            Vec::<T>::deserialize(SeqAccessDeserializer::new(seq))
        }
    }

    deserializer.deserialize_any(OneOrMany(std::marker::PhantomData))
}

/// The `--fail-on` level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, clap::ValueEnum, schemars::JsonSchema)]
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
    /// The name used in configuration and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Error => "error",
            FailOn::Warning => "warning",
            FailOn::Note => "note",
            FailOn::Never => "never",
        }
    }

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
