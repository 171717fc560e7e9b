//! Kind `manifest`: fields of Cargo.toml (license, rust-version, `[lints]`, `[profile.release]`).
//! `key.workspace = true` is followed to the root manifest's `[workspace.package]` / `[workspace.lints]`.

use serde::Deserialize;

use super::{Mode, child, compile_regex};
use crate::diag::{ConfigError, KeySeg, Source};

/// Which manifest a `manifest` check reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ManifestScope {
    /// Each package's Cargo.toml.
    #[default]
    Package,
    /// The workspace root Cargo.toml (profiles, `[workspace]`).
    Workspace,
}

/// `[match]` of a `manifest` check.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct ManifestSpec {
    /// Dotted keys, e.g. `package.license`; require: any one present satisfies.
    pub keys: Vec<String>,
    /// `require` (default for this kind is given explicitly) or `forbid`.
    pub mode: Mode,
    /// Optional regex the value (as TOML text, strings unquoted) must match.
    #[serde(default)]
    pub value: Option<String>,
    /// `package` (default) or `workspace`.
    #[serde(default)]
    pub scope: ManifestScope,
}

/// A compiled `manifest` check.
#[derive(Debug, Clone)]
pub struct ManifestMatcher {
    /// Dotted keys, split.
    pub keys: Vec<Vec<String>>,
    /// Forbid or require.
    pub mode: Mode,
    /// Value regex.
    pub value: Option<regex::Regex>,
    /// Which manifest.
    pub scope: ManifestScope,
}

impl ManifestSpec {
    /// Splits the keys and builds the value regex.
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<ManifestMatcher, Vec<ConfigError>> {
        let value = self
            .value
            .as_deref()
            .map(|v| compile_regex(v, source, &child(base, "value")))
            .transpose();
        let mut errors: Vec<ConfigError> = value.as_ref().err().cloned().into_iter().collect();
        if self.keys.is_empty() {
            errors.push(source.error_at_path(
                &child(base, "keys"),
                false,
                "`keys` must name at least one key",
            ));
        }
        match value {
            Ok(value) if errors.is_empty() => Ok(ManifestMatcher {
                keys: self
                    .keys
                    .iter()
                    .map(|k| k.split('.').map(str::to_string).collect())
                    .collect(),
                mode: self.mode,
                value,
                scope: self.scope,
            }),
            _ => Err(errors),
        }
    }
}

/// What a manifest check found for one manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestVerdict {
    /// Nothing to report.
    Ok,
    /// A required key is missing or has a wrong value: (message, key path to point at).
    Missing(String),
    /// A forbidden key (or value) is present at this dotted key.
    Present(Vec<String>, String),
}

impl ManifestMatcher {
    /// Evaluates the check on `manifest`, following `workspace = true` into `root`.
    pub fn evaluate(&self, manifest: &toml::Table, root: &toml::Table) -> ManifestVerdict {
        let found: Vec<(&Vec<String>, String)> = self
            .keys
            .iter()
            .filter_map(|k| lookup(manifest, root, k).map(|v| (k, v)))
            .filter(|(_, v)| self.value.as_ref().is_none_or(|r| r.is_match(v)))
            .collect();
        match (self.mode, found.first()) {
            (Mode::Require, None) => ManifestVerdict::Missing(self.describe_missing()),
            (Mode::Forbid, Some((key, value))) => {
                ManifestVerdict::Present((*key).clone(), value.clone())
            }
            _ => ManifestVerdict::Ok,
        }
    }

    fn describe_missing(&self) -> String {
        let keys: Vec<String> = self
            .keys
            .iter()
            .map(|k| format!("`{}`", k.join(".")))
            .collect();
        match &self.value {
            Some(v) => format!(
                "{} not set to a value matching `{}`",
                keys.join(" or "),
                v.as_str()
            ),
            None => format!("{} not set", keys.join(" or ")),
        }
    }
}

/// The value at a dotted key as text, following `workspace = true` inheritance.
fn lookup(manifest: &toml::Table, root: &toml::Table, key: &[String]) -> Option<String> {
    let value = get(manifest, key)?;
    if is_inherited(value) {
        let inherited = inherited_key(key);
        return get(root, &inherited).map(value_text);
    }
    Some(value_text(value))
}

fn get<'a>(table: &'a toml::Table, key: &[String]) -> Option<&'a toml::Value> {
    let (first, rest) = key.split_first()?;
    let mut v = table.get(first)?;
    for k in rest {
        v = v.as_table()?.get(k)?;
    }
    Some(v)
}

fn is_inherited(v: &toml::Value) -> bool {
    v.as_table()
        .and_then(|t| t.get("workspace"))
        .and_then(toml::Value::as_bool)
        == Some(true)
}

fn inherited_key(key: &[String]) -> Vec<String> {
    match key.first().map(String::as_str) {
        Some("package") => ["workspace".to_string(), "package".to_string()]
            .into_iter()
            .chain(key[1..].iter().cloned())
            .collect(),
        _ => std::iter::once("workspace".to_string())
            .chain(key.iter().cloned())
            .collect(),
    }
}

fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
