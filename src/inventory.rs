//! The suppression inventory: every `ready:allow` comment, mapped clippy attribute and
//! `[[allow]]` entry found in a run, with what became of it. Plain data (layer 0), made by the
//! gate and printed by `cargo ready suppressions`, the JSON and the markdown summary.

use serde::Serialize;

/// Where a suppression was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionSource {
    /// `ready:allow(<id>): reason` on the flagged line or in the comment block above it.
    Comment,
    /// `ready:allow-file(<id>): reason` in the file's first comment block.
    FileComment,
    /// `#[allow(clippy::X)]` / `#[expect(clippy::X, reason = "…")]` of a lint mapped to checks.
    ClippyAttribute,
    /// `[[allow]]` in a policy or the configuration.
    Config,
}

impl SuppressionSource {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionSource::Comment => "comment",
            SuppressionSource::FileComment => "file-comment",
            SuppressionSource::ClippyAttribute => "clippy-attribute",
            SuppressionSource::Config => "config",
        }
    }
}

/// What became of a suppression in this run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionState {
    /// It suppressed at least one finding.
    Used,
    /// It matched no finding of an enabled check.
    Unused,
    /// It names only checks that are not enabled (nothing to match).
    Inactive,
    /// Its `until` date has passed: it no longer suppresses.
    Expired,
    /// A comment or `[[allow]]` without a reason: it does not suppress.
    MissingReason,
}

impl SuppressionState {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionState::Used => "used",
            SuppressionState::Unused => "unused",
            SuppressionState::Inactive => "inactive",
            SuppressionState::Expired => "expired",
            SuppressionState::MissingReason => "missing-reason",
        }
    }
}

/// One suppression of the inventory (`cargo ready suppressions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressionEntry {
    /// Workspace-relative path of the comment, attribute or configuration file.
    pub file: String,
    /// 1-based line where it is written.
    pub line: u32,
    /// Comment, file comment, clippy attribute or config.
    pub source: SuppressionSource,
    /// The check ids it suppresses (for a clippy attribute: the checks mapped to its lint).
    pub checks: Vec<String>,
    /// The clippy lint and attribute, e.g. `expect(clippy::unwrap_used)`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lint: Option<String>,
    /// The reason given, if any.
    pub reason: Option<String>,
    /// The expiry date (`until=YYYY-MM-DD`), if any.
    pub until: Option<String>,
    /// First and last line it covers (the flagged line, the item under an attribute, the whole
    /// file); absent for `[[allow]]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<(u32, u32)>,
    /// For `[[allow]]`: the path globs it covers (empty: everywhere).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub paths: Vec<String>,
    /// Used, unused, inactive, expired or missing-reason.
    pub state: SuppressionState,
    /// How many findings it suppressed.
    pub suppressed: u32,
}
