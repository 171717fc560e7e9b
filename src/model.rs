//! Shared data model: the typed values that flow between pipeline stages.
//!
//! Stages exchange these types only; no stage reaches into another's internals.
//! Everything here is plain data (serde-serializable, `Send`), ordered deterministically.

use serde::{Deserialize, Serialize};

pub use crate::inventory::{SuppressionEntry, SuppressionSource, SuppressionState};

/// How serious a failing check is. Ordered `Note < Warning < Error`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational; never blocks.
    Note,
    /// Should be fixed; lowers the status to `warn`.
    Warning,
    /// Must be fixed; a failing error check is a blocker.
    Error,
}

impl Severity {
    /// The lowercase name used in config files and every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// How code is reached, as the engine's roles analysis sees it (for call-kind and guard
/// findings of checks that use roles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// On a request path: a route handler, a service impl, a task spawned per connection, a
    /// loop that accepts connections or receives datagrams, or anything they reach.
    Request,
    /// Reached only from an event loop that accepts no connections (a consumer of a channel, a
    /// message bus, a file watcher or an actor's mailbox), and from no request path.
    Event,
    /// A public async fn of a library (no binary in the workspace): its caller decides.
    Library,
    /// Reached from a loop that waits only for a timer (periodic background work) or from a
    /// task a route handler spawns and leaves to run, and from no request path.
    Background,
    /// Reached only from `main` (startup, shutdown, CLI subcommands).
    Startup,
    /// Reached from none of these, as far as the engine sees.
    Unknown,
}

impl Role {
    /// Every role, in precedence order.
    pub const ALL: [Role; 6] = [
        Role::Request,
        Role::Event,
        Role::Background,
        Role::Library,
        Role::Startup,
        Role::Unknown,
    ];

    /// The lowercase name used in check files and outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Request => "request",
            Role::Event => "event",
            Role::Background => "background",
            Role::Library => "library",
            Role::Startup => "startup",
            Role::Unknown => "unknown",
        }
    }

    /// Parses a role name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// What a piece of source is, for deciding which checks look at it (a check's `code`) and
/// shown as each finding's `scope`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum CodeKind {
    /// Part of a lib/bin target outside any test context: what ships.
    #[default]
    Production,
    /// `#[cfg(test)]` code, `#[test]` fns, test targets, and files under a package's `tests/`
    /// directory that no target names (trybuild fixtures).
    Test,
    /// Example and bench targets (and unnamed files under `examples/`, `benches/`).
    Example,
    /// A build script (`build.rs`), a proc macro, or build tooling (a member only ever used as
    /// a build-dependency, `xtask`, `*-codegen`): a failure there fails the build or a
    /// developer's command, not production.
    BuildScript,
    /// A workspace package only ever used as a dev-dependency, or marked
    /// `[package.metadata.ready] role = "test-support"`.
    TestSupport,
    /// Vendored or generated files (`.gitattributes` `linguist-vendored`/`linguist-generated`,
    /// minified files, well-known vendor directories, `@generated` headers).
    Vendored,
    /// A `.rs` file that no module tree reaches.
    Uncompiled,
}

impl CodeKind {
    /// Every kind, in declaration order.
    pub const ALL: [CodeKind; 7] = [
        CodeKind::Production,
        CodeKind::Test,
        CodeKind::Example,
        CodeKind::BuildScript,
        CodeKind::TestSupport,
        CodeKind::Vendored,
        CodeKind::Uncompiled,
    ];

    /// The name used in `code = [...]` and in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeKind::Production => "production",
            CodeKind::Test => "test",
            CodeKind::Example => "example",
            CodeKind::BuildScript => "build-script",
            CodeKind::TestSupport => "test-support",
            CodeKind::Vendored => "vendored",
            CodeKind::Uncompiled => "uncompiled",
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<CodeKind> {
        CodeKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// Which kinds of code a check looks at: `code = ["production", "build-script"]` in a check
/// file, or one of the older single words `"production"`, `"test"` (test, example and
/// test-support code) and `"any"` (every compiled kind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeScope {
    bits: u8,
}

impl Default for CodeScope {
    /// Production code only.
    fn default() -> Self {
        CodeScope::of(&[CodeKind::Production])
    }
}

impl CodeScope {
    /// The scope made of exactly these kinds.
    pub fn of(kinds: &[CodeKind]) -> Self {
        CodeScope {
            bits: kinds.iter().fold(0, |b, k| b | k.bit()),
        }
    }

    /// A scope from one word: a kind name, or `test` / `any` with their older meanings.
    pub fn from_word(word: &str) -> Option<Self> {
        match word {
            "test" => Some(CodeScope::of(&[
                CodeKind::Test,
                CodeKind::Example,
                CodeKind::TestSupport,
            ])),
            "any" => Some(CodeScope::of(&CodeKind::ALL[..6])),
            other => CodeKind::from_name(other).map(|k| CodeScope::of(&[k])),
        }
    }

    /// Does this scope include code of the given kind? Uncompiled code never is.
    pub fn includes(self, kind: CodeKind) -> bool {
        kind != CodeKind::Uncompiled && self.bits & kind.bit() != 0
    }

    /// The kinds in this scope.
    pub fn kinds(self) -> Vec<CodeKind> {
        CodeKind::ALL
            .into_iter()
            .filter(|k| self.bits & k.bit() != 0)
            .collect()
    }
}

impl schemars::JsonSchema for CodeScope {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "CodeScope".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let words: Vec<&str> = CodeKind::ALL[..6]
            .iter()
            .map(|k| k.as_str())
            .chain(["any"])
            .collect();
        schemars::json_schema!({
            "description": "The kinds of code the check looks at: one word or a list (default: production).",
            "anyOf": [
                { "type": "string", "enum": words },
                { "type": "array", "items": { "type": "string", "enum": words } }
            ]
        })
    }
}

impl Serialize for CodeScope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let names: Vec<&str> = self.kinds().into_iter().map(CodeKind::as_str).collect();
        names.serialize(s)
    }
}

impl<'de> Deserialize<'de> for CodeScope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Many(Vec<String>),
        }
        let words = match Raw::deserialize(d)? {
            Raw::One(w) => vec![w],
            Raw::Many(ws) => ws,
        };
        let mut bits = 0;
        for w in &words {
            let scope = CodeScope::from_word(w).ok_or_else(|| {
                let names: Vec<&str> = CodeKind::ALL[..6].iter().map(|k| k.as_str()).collect();
                serde::de::Error::custom(format!(
                    "unknown code scope `{w}` (expected {} or `any`)",
                    names.join(", ")
                ))
            })?;
            bits |= scope.bits;
        }
        Ok(CodeScope { bits })
    }
}

/// A 1-based source region. Columns count Unicode scalar values; `end_column` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Region {
    /// First line, 1-based.
    pub line: u32,
    /// First column, 1-based.
    pub column: u32,
    /// Last line, 1-based.
    pub end_line: u32,
    /// Column just past the region, 1-based.
    pub end_column: u32,
}

impl Region {
    /// A region covering a whole (unknown-width) line start: used for file-level findings.
    pub fn file_start() -> Self {
        Region {
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 1,
        }
    }
}

/// Why a finding does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `inline` (a `ready:allow(..)` comment), `file` (`ready:allow-file(..)`), `clippy` (an
    /// `#[allow]` / `#[expect]` of a mapped clippy lint), `config` (`[[allow]]`) or `baseline`.
    pub kind: String,
    /// The justification given, or a generated description.
    pub reason: String,
}

/// One problem found by one check at one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The id of the check that produced it.
    pub check: String,
    /// Effective severity (after policy and config).
    pub severity: Severity,
    /// Human message: starts lowercase, no trailing period.
    pub message: String,
    /// Workspace-relative path with `/` separators.
    pub file: String,
    /// Where in `file`.
    #[serde(flatten)]
    pub region: Region,
    /// The package the file belongs to, if any.
    pub package: Option<String>,
    /// What kind of code the finding is in (`production` for manifest and workspace findings).
    #[serde(default)]
    pub scope: CodeKind,
    /// Stable hash of check + file + flagged code (not line numbers).
    pub fingerprint: String,
    /// Set when an inline comment, the config or a baseline suppresses it.
    pub suppressed: Option<Suppression>,
    /// How the flagged code is reached (request, event, background, library, startup,
    /// unknown), for checks that use roles.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub role: Option<Role>,
    /// Other places that explain the finding (the path from a root, the steps of an
    /// interprocedural chain).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub related: Vec<Related>,
    /// Whether the flagged lines changed since `--diff-base`; absent without one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub changed: Option<bool>,
    /// `new` or `unchanged` against `--baseline`; absent without a baseline.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub baseline: Option<String>,
    /// The flagged source line (first line of the region), for snippets and fingerprints.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub snippet: String,
    /// GitHub's `primaryLocationLineHash` of the first line, as codeql-action computes it from
    /// the file's text (SARIF only; `None` when the file could not be read).
    #[serde(skip)]
    pub line_hash: Option<String>,
}

/// A place related to a finding, e.g. a workspace fn on the way to a blocking call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    /// Workspace-relative path.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// What is there, e.g. "`DeviceRegistry::save` calls `registry::persist`".
    pub message: String,
}

impl Finding {
    /// Does the finding count toward the checks' outcomes, the score and the gate? Not when it
    /// is suppressed, nor when `--diff-base` found it on lines the change did not touch.
    pub fn counts(&self) -> bool {
        self.suppressed.is_none() && self.changed != Some(false)
    }

    /// A bare finding for unit tests: `check` at the start of `line` of `file`.
    #[cfg(test)]
    pub(crate) fn for_test(check: &str, severity: Severity, file: &str, line: u32) -> Finding {
        Finding {
            check: check.into(),
            severity,
            message: String::new(),
            file: file.into(),
            region: Region {
                line,
                column: 1,
                end_line: line,
                end_column: 2,
            },
            package: None,
            scope: Default::default(),
            fingerprint: String::new(),
            suppressed: None,
            role: None,
            related: Vec::new(),
            changed: None,
            baseline: None,
            snippet: String::new(),
            line_hash: None,
        }
    }

    /// Open (not suppressed) but outside the change under `--diff-base`.
    pub fn is_pre_existing(&self) -> bool {
        self.suppressed.is_none() && self.changed == Some(false)
    }

    /// The key findings are sorted by: path, line, column, check, message.
    pub fn sort_key(&self) -> (&str, u32, u32, &str, &str) {
        (
            &self.file,
            self.region.line,
            self.region.column,
            &self.check,
            &self.message,
        )
    }
}

/// Something the scan could not do on one file (unparsable, unreadable, not UTF-8).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScanNote {
    /// Workspace-relative path.
    pub file: String,
    /// What went wrong, lowercase.
    pub message: String,
}

/// The verdict for the workspace, a category or a package.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// No failing check of severity error or warning.
    Ready,
    /// Failing warnings, no blockers.
    Warn,
    /// At least one blocker (failing error check).
    NotReady,
}

impl Status {
    /// The name used in outputs: `ready`, `warn`, `not-ready`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ready => "ready",
            Status::Warn => "warn",
            Status::NotReady => "not-ready",
        }
    }

    /// The banner word: `READY`, `WARN`, `NOT READY`.
    pub fn banner(self) -> &'static str {
        match self {
            Status::Ready => "READY",
            Status::Warn => "WARN",
            Status::NotReady => "NOT READY",
        }
    }
}

/// Whether a check passed, failed or did not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Findings within the budget (`max`).
    Pass,
    /// More unsuppressed findings than the budget allows.
    Fail,
    /// Not applicable here (no package matches its conditions) or disabled.
    Skipped,
}

/// A bad / good pair of snippets documenting a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema)]
pub struct Example {
    /// Code the check flags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bad: Option<String>,
    /// Code the check accepts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub good: Option<String>,
    /// The file the snippets are (e.g. `Cargo.toml`, `app.py`); default by kind: `src/lib.rs`
    /// (or `src/main.rs`) for Rust, `Cargo.toml` for manifest and dependency checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

/// The documentation of a check: one text feeds `explain`, the docs and SARIF help.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CheckDoc {
    /// One-line title.
    pub title: String,
    /// Why it matters in production.
    pub why: String,
    /// How to fix it.
    pub fix: String,
    /// Bad and good snippets.
    pub examples: Vec<Example>,
    /// A link with more background.
    pub reference: Option<String>,
    /// The clippy lints that correspond (without `clippy::`); an `#[allow]` / `#[expect]` of
    /// one of them suppresses the check's findings in the item it sits on.
    pub clippy: Vec<String>,
}

/// One check's result in this run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    /// Check id (kebab-case, equals its file name).
    pub id: String,
    /// Category id.
    pub category: String,
    /// Effective severity.
    pub severity: Severity,
    /// Check kind name (`call`, `text`, …).
    pub kind: String,
    /// Pass, fail or skipped.
    pub outcome: Outcome,
    /// Findings that count (not suppressed, not pre-existing under `--diff-base`).
    pub findings: u32,
    /// Suppressed findings (comments, clippy attributes, `[[allow]]`, baseline).
    pub suppressed: u32,
    /// Open findings outside the change (`--diff-base`): reported, not gated.
    pub pre_existing: u32,
    /// Findings allowed before the check fails.
    pub max: u32,
    /// Weight in its category (0 = not scored).
    pub weight: f64,
    /// Why the check was skipped, when it was and the scan knows why.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// Documentation (not serialized in JSON; renderers that need it use it).
    #[serde(skip)]
    pub doc: CheckDoc,
}

/// Score of one category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryScore {
    /// Category id, e.g. `error-handling`.
    pub id: String,
    /// Display title, e.g. `Error handling`.
    pub title: String,
    /// Weight in the overall score.
    pub weight: f64,
    /// 0–100, or `None` when no check of the category applied.
    pub score: Option<u32>,
    /// Category verdict.
    pub status: Status,
    /// Failing error checks in this category.
    pub blockers: Vec<String>,
    /// Applicable checks.
    pub checks: u32,
    /// Failing checks.
    pub failed: u32,
}

/// Score of one package (checks restricted to its findings).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageScore {
    /// Package name.
    pub name: String,
    /// 0–100.
    pub score: u32,
    /// Package verdict.
    pub status: Status,
    /// Failing error checks for this package.
    pub blockers: Vec<String>,
}

/// Outcome of the release gate (`--fail-on`, `--min-score`, a policy's `[[gate]]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GateResult {
    /// True when the run should exit 0.
    pub passed: bool,
    /// Why it failed, one line each.
    pub reasons: Vec<String>,
    /// The branch the gate was chosen for (`--branch`, git's HEAD, or GitHub's variables).
    pub branch: Option<String>,
    /// Which gate applied, e.g. `ready.toml [[gate]] #1 (release/*)` or `default`.
    pub rule: String,
    /// Its `fail_on` level (`error`, `warning`, `note`, `never`).
    pub fail_on: String,
    /// Its minimum overall score.
    pub min_score: u32,
}

/// Everything a renderer needs: the scorecard, the checks, the findings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Version of this JSON shape.
    pub format_version: u32,
    /// Version of the scoring model (see docs/scoring.md).
    pub scoring_model: String,
    /// `cargo-ready` and its version.
    pub tool: ToolInfo,
    /// The policies in effect, in order.
    pub policies: Vec<String>,
    /// Overall score 0–100.
    pub score: u32,
    /// Overall verdict.
    pub status: Status,
    /// The gate's decision.
    pub gate: GateResult,
    /// Per-category scores, in catalogue order.
    pub categories: Vec<CategoryScore>,
    /// Per-package scores, sorted by name.
    pub packages: Vec<PackageScore>,
    /// Every check that was configured, sorted by id.
    pub checks: Vec<CheckResult>,
    /// The services found (bin targets that start a server), sorted by package and bin.
    pub services: Vec<Service>,
    /// The bin targets that are not services, and why (for `list --services`; not in JSON).
    #[serde(skip)]
    pub not_services: Vec<NotService>,
    /// What the baseline, `--diff-base` and suppressions set aside, and the score without the
    /// baseline and diff exemptions.
    pub exemptions: Exemptions,
    /// `--diff-base`: the revision compared with, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<DiffInfo>,
    /// Findings, sorted by (file, line, column, check).
    pub findings: Vec<Finding>,
    /// Every suppression found (comments, clippy attributes, `[[allow]]`), sorted by place.
    pub suppressions: Vec<SuppressionEntry>,
    /// Files the scan could not handle fully.
    pub notes: Vec<ScanNote>,
}

/// A place in the workspace, with what is there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Evidence {
    /// Workspace-relative path.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// What was found there, e.g. "`axum::serve(..)`".
    pub what: String,
}

/// A service: a bin target whose workspace-dependency closure depends on a server framework
/// and starts a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    /// The bin target's name.
    pub bin: String,
    /// Its package.
    pub package: String,
    /// The bin's root file, where service findings are reported.
    pub file: String,
    /// What it is for, by name (`http`, `http-metrics`, `http-console`, `grpc`, `tcp`,
    /// `proxy`, `datagram`, `local`), sorted; `purposes` says why.
    pub protocols: Vec<String>,
    /// Each purpose with the code that decided it.
    pub purposes: Vec<ServicePurpose>,
    /// Server frameworks the closure declares (crate names), sorted.
    pub frameworks: Vec<String>,
    /// Where the server is started (the first start found, in the bin's own code first).
    pub started: Evidence,
    /// The workspace packages whose code the service checks search: its package and every
    /// member it depends on (normal dependencies, transitively).
    pub packages: Vec<String>,
    /// The service checks that ran for it.
    pub checks: Vec<ServiceCheck>,
}

/// What a service is for, and the code that says so.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicePurpose {
    /// The purpose's name, as service checks name it in `[applies] services`.
    pub purpose: String,
    /// Where the code says so, and why.
    pub evidence: Evidence,
}

/// One service check's verdict for one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCheck {
    /// Check id.
    pub id: String,
    /// `pass`, `fail`, or `skipped` when none of the service's purposes is the check's.
    pub outcome: Outcome,
    /// Why it passed: the configuration or code found, or the framework default relied on.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub evidence: Option<Evidence>,
    /// Why it was skipped.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

/// A bin target that is not a service, and why (for `cargo ready list --services -v`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotService {
    /// The bin target's name.
    pub bin: String,
    /// Its package.
    pub package: String,
    /// Why it is not a service.
    pub reason: String,
}

/// Name and version of the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ToolInfo {
    /// Always `cargo-ready`.
    pub name: String,
    /// The crate version.
    pub version: String,
}

/// A declared dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// Crate name as published (before any rename).
    pub name: String,
    /// The name the code uses (rename or the crate name with `-` → `_`).
    pub local_name: String,
    /// `normal`, `dev` or `build`.
    pub kind: String,
    /// Version requirement as written (`*` for path / git deps without one).
    pub req: String,
    /// True for crates.io / registry dependencies.
    pub registry: bool,
    /// The features it asks of the dependency (`features = [..]`).
    pub features: Vec<String>,
    /// For a path dependency: the workspace-relative directory it points at.
    pub path: Option<String>,
    /// `optional = true`: only a feature turns it on.
    pub optional: bool,
}

/// Findings set aside from the gated score, and what the score is without the baseline and
/// diff exemptions (suppressions with a reason stay applied: they are reviewed decisions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exemptions {
    /// Findings suppressed by a comment, a clippy attribute or `[[allow]]`.
    pub suppressed: u32,
    /// Findings present in the `--baseline`.
    pub baselined: u32,
    /// Baseline entries no longer found (fixed since the baseline).
    pub baseline_fixed: u32,
    /// Open findings outside the change under `--diff-base`.
    pub pre_existing: u32,
    /// The overall score if baselined and pre-existing findings counted.
    pub score: u32,
    /// The overall status if baselined and pre-existing findings counted.
    pub status: Status,
}

/// The revision `--diff-base` compared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffInfo {
    /// The revision as given.
    pub base: String,
    /// The revision used (e.g. `origin/main` when `main` is not a local branch).
    pub resolved: String,
    /// The merge-base commit of `resolved` and HEAD.
    pub merge_base: String,
}
