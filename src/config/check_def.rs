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
    /// Severity by the role of the flagged code (`request`, `event`, `background`, `library`,
    /// `startup`, `unknown`).
    #[serde(default)]
    pub severity_by_role: std::collections::BTreeMap<String, Severity>,
    /// A sentence appended to a finding's message by the role of the flagged code.
    #[serde(default)]
    pub note_by_role: std::collections::BTreeMap<String, String>,
    /// The check kind: `text`, `dependency`, `manifest`, `file`, `call`, …
    pub kind: String,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
    /// Optional link.
    #[serde(default)]
    pub reference: Option<String>,
    /// The corresponding clippy lints (without `clippy::`): an `#[allow]` / `#[expect]` of one
    /// of them on an item suppresses this check's findings in the item. A name, a list of names,
    /// or a table from lint to the identifiers of the flagged code it covers
    /// (`{ unwrap_used = "unwrap", expect_used = "expect" }`).
    #[serde(default, deserialize_with = "clippy_lints")]
    #[schemars(with = "Option<ClippySchema>")]
    pub clippy: Vec<ClippyLint>,
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

/// The schema of `clippy`: a lint name, a list of names, or a table lint → identifiers.
#[derive(schemars::JsonSchema)]
#[serde(untagged)]
pub enum ClippySchema {
    /// One lint covering every finding.
    One(String),
    /// Several lints, each covering every finding.
    Many(Vec<String>),
    /// Lint → the identifiers of flagged code it covers.
    Covers(indexmap::IndexMap<String, super::policy::OneOrManySchema<String>>),
}

/// A clippy lint mapped to a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClippyLint {
    /// The lint name without `clippy::`, e.g. `unwrap_used`.
    pub lint: String,
    /// Identifiers of the flagged code the lint covers (`unwrap`); empty: every finding.
    pub covers: Vec<String>,
}

impl std::fmt::Display for ClippyLint {
    /// The lint name.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.lint)
    }
}

/// `clippy = "x"`, `clippy = ["x", "y"]` or `clippy = { x = "ident", y = ["a", "b"] }`.
fn clippy_lints<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<ClippyLint>, D::Error> {
    use serde::de::{MapAccess, SeqAccess, Visitor};

    struct Lints;

    impl<'de> Visitor<'de> for Lints {
        type Value = Vec<ClippyLint>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a lint name, a list of them, or a table of lint = identifiers")
        }

        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(vec![lint(v, Vec::new())])
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(name) = seq.next_element::<String>()? {
                out.push(lint(&name, Vec::new()));
            }
            Ok(out)
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(name) = map.next_key::<String>()? {
                let covers: super::policy::OneOrMany<String> = map.next_value()?;
                out.push(lint(&name, covers.0));
            }
            Ok(out)
        }
    }

    d.deserialize_any(Lints)
}

fn lint(name: &str, covers: Vec<String>) -> ClippyLint {
    ClippyLint {
        lint: name.to_string(),
        covers,
    }
}

fn yes() -> bool {
    true
}
