//! A compiled check: what the config stage gives and every later stage runs.
//!
//! Plain data plus its compiled [`Matcher`]; no I/O. Also the raw match of a check ([`Hit`])
//! that the scan and the engine produce before findings are made.

use serde::Deserialize;

use super::Matcher;
use crate::model::{CheckDoc, CodeScope, Region, Related, Role, Severity};

/// A compiled check, ready to run.
#[derive(Debug, Clone)]
pub struct Check {
    /// Kebab-case id.
    pub id: String,
    /// Category id.
    pub category: String,
    /// Effective severity.
    pub severity: Severity,
    /// Severity of findings by the role of the flagged code (`[severity_by_role]`); a role
    /// not listed gets `severity`.
    pub severity_by_role: Vec<(Role, Severity)>,
    /// A sentence appended to the message of findings by role (`[note_by_role]`).
    pub note_by_role: Vec<(Role, String)>,
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
    /// Ids of the checks whose overlapping findings this one claims.
    pub supersedes: Vec<String>,
    /// The compiled kind.
    pub matcher: Matcher,
}

impl Check {
    /// The kind name.
    pub fn kind(&self) -> &'static str {
        self.matcher.kind_name()
    }

    /// Does the check need the roles of the flagged code (per-role severities or notes, or a
    /// `roles` filter)?
    pub fn uses_roles(&self) -> bool {
        !self.severity_by_role.is_empty()
            || !self.note_by_role.is_empty()
            || matches!(&self.matcher, super::Matcher::Call(c) if !c.roles.is_empty())
    }

    /// The severity of a finding in code of `role`.
    pub fn severity_for(&self, role: Option<Role>) -> Severity {
        role.and_then(|r| {
            self.severity_by_role
                .iter()
                .find(|(x, _)| *x == r)
                .map(|(_, s)| *s)
        })
        .unwrap_or(self.severity)
    }

    /// The note for findings in code of `role`, if any.
    pub fn note_for(&self, role: Option<Role>) -> Option<&str> {
        let r = role?;
        self.note_by_role
            .iter()
            .find(|(x, _)| *x == r)
            .map(|(_, n)| n.as_str())
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

/// Conditions on a package for a check to apply to it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub struct Applies {
    /// The package declares at least one of these crates (any dependency kind except dev).
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// The package declares none of these crates.
    #[serde(default)]
    pub not_depends_on: Vec<String>,
    /// The package has (true) or has not (false) a bin target.
    #[serde(default)]
    pub has_bin: Option<bool>,
    /// The package has (true) or has not (false) a lib target.
    #[serde(default)]
    pub has_lib: Option<bool>,
    /// A service check: it runs once per service (a bin that starts a server) that has one of
    /// these purposes, over the code of the service's package and the members it depends on;
    /// for the other services it is skipped with the reason.
    #[serde(default)]
    pub services: Vec<super::service::Purpose>,
    /// Only in the code of a detected service: a finding outside every service's code (its
    /// bin's module tree and the workspace libraries it depends on) is dropped, and with no
    /// service in the workspace the check is skipped; in a workspace without a bin it does not
    /// apply. (`println!` is a service's logging, but a CLI's or a desktop app's output.)
    #[serde(default)]
    pub in_services: bool,
    /// The package can (true) or cannot (false) be published: `publish` is not `false`.
    #[serde(default)]
    pub publishable: Option<bool>,
    /// The package is (true) or is not (false) shipped: an application (a bin target named
    /// after the package, or bins and no lib) or a library prepared for crates.io
    /// (publishable, with a `description`).
    #[serde(default)]
    pub shipped: Option<bool>,
}

impl Applies {
    /// True when no condition is set.
    pub fn is_unconditional(&self) -> bool {
        *self == Applies::default()
    }

    /// True for a service check.
    pub fn is_service(&self) -> bool {
        !self.services.is_empty()
    }
}

/// A match of a check at one place, before severity, package name and fingerprint are attached.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Index into the compiled checks (`Config::checks`).
    pub check: usize,
    /// Workspace-relative path.
    pub file: String,
    /// Where.
    pub region: Region,
    /// Message.
    pub message: String,
    /// Related places (the path from a root, chain steps).
    pub related: Vec<Related>,
    /// How the flagged code is reached, for checks that use roles.
    pub role: Option<Role>,
    /// The finding's own severity when it differs from the check's (by role, or lowered for a
    /// receiver of unknown type).
    pub severity: Option<Severity>,
}

impl Check {
    /// The default message of a finding, or the check's template with `{…}` placeholders
    /// filled.
    pub fn message(&self, default: String, vars: &[(&str, &str)]) -> String {
        match &self.message {
            Some(t) => vars
                .iter()
                .fold(t.clone(), |m, (k, v)| m.replace(&format!("{{{k}}}"), v)),
            None => default,
        }
    }
}
