//! Check kinds: each kind is one file here and one variant of [`Matcher`].
//!
//! A kind turns its `[match]` table into a compiled matcher at config time (regexes and globs
//! built, paths parsed), so no source file is read before every check is known to be valid.

mod ascii_words;
pub mod call;
mod check;
pub mod dependency;
pub mod file;
pub mod held_across_await;
pub mod ignored_result;
pub mod literals;
pub mod manifest;
pub mod presence;
pub mod service;
pub mod text;
mod text_gate;

use crate::diag::{ConfigError, KeySeg, Source, from_value};
pub use check::{Applies, Check, Hit, PathScope};

/// Every kind name, as written in `kind = "…"`.
pub const KIND_NAMES: &[&str] = &[
    "text",
    "dependency",
    "manifest",
    "file",
    "call",
    "held-across-await",
    "ignored-result",
    "presence",
    "engine",
    "gate",
];

/// A compiled check matcher, one variant per kind.
#[derive(Debug, Clone)]
pub enum Matcher {
    /// Regex forbid / require over files selected by globs.
    Text(text::TextMatcher),
    /// A crate declared / not declared.
    Dependency(dependency::DependencyMatcher),
    /// Fields of Cargo.toml.
    Manifest(manifest::ManifestMatcher),
    /// A file or glob exists.
    File(file::FileMatcher),
    /// Calls of functions / methods / macros in context.
    Call(call::CallMatcher),
    /// Lock / borrow guards alive across `.await`.
    HeldAcrossAwait(held_across_await::HeldMatcher),
    /// Results thrown away.
    IgnoredResult(ignored_result::IgnoredMatcher),
    /// Something must exist in a package.
    Presence(presence::PresenceMatcher),
    /// Findings the scan engine itself reports (unparsable file, file no module declares).
    Engine,
    /// Findings the gate reports about suppressions (no reason, expired, unused).
    Gate,
}

impl Matcher {
    /// The kind name of this matcher.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Matcher::Text(_) => "text",
            Matcher::Dependency(_) => "dependency",
            Matcher::Manifest(_) => "manifest",
            Matcher::File(_) => "file",
            Matcher::Call(_) => "call",
            Matcher::HeldAcrossAwait(_) => "held-across-await",
            Matcher::IgnoredResult(_) => "ignored-result",
            Matcher::Presence(_) => "presence",
            Matcher::Engine => "engine",
            Matcher::Gate => "gate",
        }
    }
}

/// Compiles the `[match]` table of a check of kind `kind`. `base` is the key path of the
/// `match` table inside `source`, for error locations.
pub fn compile(
    kind: &str,
    value: Option<toml::Value>,
    source: &Source,
    base: &[KeySeg],
) -> Result<Matcher, Vec<ConfigError>> {
    let value = value.unwrap_or_else(|| toml::Value::Table(toml::Table::new()));
    match kind {
        "text" => spec::<text::TextSpec>(source, base, value)?
            .compile(source, base)
            .map(Matcher::Text),
        "dependency" => spec::<dependency::DependencySpec>(source, base, value)?
            .compile(source, base)
            .map(Matcher::Dependency),
        "manifest" => spec::<manifest::ManifestSpec>(source, base, value)?
            .compile(source, base)
            .map(Matcher::Manifest),
        "file" => spec::<file::FileSpec>(source, base, value)?
            .compile(source, base)
            .map(Matcher::File),
        "call" => spec::<call::CallSpec>(source, base, value)?
            .compile(source, base)
            .map(Matcher::Call),
        "held-across-await" => spec::<held_across_await::HeldSpec>(source, base, value)?
            .compile(source, base)
            .map(Matcher::HeldAcrossAwait),
        "ignored-result" => spec::<ignored_result::IgnoredSpec>(source, base, value)?
            .compile(source, base)
            .map(Matcher::IgnoredResult),
        "presence" => spec::<presence::PresenceSpec>(source, base, value)?
            .compile(source, base)
            .map(Matcher::Presence),
        "engine" => Ok(Matcher::Engine),
        "gate" => Ok(Matcher::Gate),
        other => Err(vec![source.error_at_path(
            &base[..base.len().saturating_sub(1)],
            false,
            format!(
                "unknown check kind `{other}` (expected one of: {})",
                KIND_NAMES.join(", ")
            ),
        )]),
    }
}

/// Compiles ahead of use what compiling a check of kind `kind` with this `[match]` table
/// would (the regexes of `text` checks, kept for the process); errors are left to [`compile`].
pub fn prewarm(kind: &str, value: Option<&toml::Value>) {
    if kind != "text" {
        return;
    }
    if let Some(Ok(spec)) = value.map(|v| v.clone().try_into::<text::TextSpec>()) {
        text::prewarm(&spec);
    }
}

/// Deserializes a kind's `[match]` table; any problem (unknown key included) is an error.
fn spec<T: serde::de::DeserializeOwned + schemars::JsonSchema>(
    source: &Source,
    base: &[KeySeg],
    value: toml::Value,
) -> Result<T, Vec<ConfigError>> {
    match from_value::<T>(source, base, value) {
        (Some(v), errors) if errors.is_empty() => Ok(v),
        (_, errors) => Err(errors),
    }
}

/// Requirement mode shared by several kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// A finding for each match.
    #[default]
    Forbid,
    /// A finding when nothing matches.
    Require,
}

/// Compiles a list of globs into a set, reporting each bad glob at its array element.
pub fn compile_globs(
    globs: &[String],
    source: &Source,
    base: &[KeySeg],
) -> Result<globset::GlobSet, Vec<ConfigError>> {
    let mut builder = globset::GlobSetBuilder::new();
    let mut errors = Vec::new();
    for (i, g) in globs.iter().enumerate() {
        match globset::GlobBuilder::new(g).literal_separator(true).build() {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(e) => {
                let path: Vec<KeySeg> = base.iter().cloned().chain([KeySeg::Index(i)]).collect();
                errors.push(source.error_at_path(
                    &path,
                    false,
                    format!("bad glob `{g}`: {}", e.kind()),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    builder
        .build()
        .map_err(|e| vec![source.error_at_path(base, false, format!("bad globs: {e}"))])
}

/// Compiles a regex, reporting an error at `path`.
pub fn compile_regex(
    pattern: &str,
    source: &Source,
    path: &[KeySeg],
) -> Result<regex::Regex, ConfigError> {
    regex::RegexBuilder::new(pattern)
        .multi_line(true)
        .build()
        .map_err(|e| {
            source.error_at_path(
                path,
                false,
                format!("bad regex: {}", first_line(&e.to_string())),
            )
        })
}

fn first_line(s: &str) -> String {
    let last = s.lines().last().unwrap_or(s).trim();
    last.strip_prefix("error: ").unwrap_or(last).to_string()
}

/// Appends a key to a key path.
pub fn child(base: &[KeySeg], key: &str) -> Vec<KeySeg> {
    base.iter()
        .cloned()
        .chain([KeySeg::Key(key.to_string())])
        .collect()
}
