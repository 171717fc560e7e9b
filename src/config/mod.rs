//! Stage 1, config: built-in checks and policies + the user's configuration → compiled checks.
//!
//! Takes the workspace root and the CLI's choices; gives a [`Config`] in which every enabled
//! check is compiled (regexes, globs, paths). Layering, lowest first: check file < policies
//! (`--policy`, else the config's `extends`, else `recommended`) < user config < CLI flags.
//! Every problem is collected and reported together, each at `file:line:col`. Reads only
//! TOML files; never a source file.

pub mod builtin;
pub mod check_def;

pub mod docs;
pub mod gates;
mod layers;
mod names;
pub mod policy;
mod read;
pub mod schema;

use std::path::Path;

pub use crate::diag::{ConfigError, Source};
use crate::error::Error;
pub use crate::kinds::{Applies, Check, PathScope};
pub use check_def::{CheckDef, ClippyLint};
pub use gates::{Allow, Gate, GateRules};
pub use names::is_kebab;
pub use policy::FailOn;

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

/// File size limits of the scan (`[limits]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Larger files are not parsed (text checks only, with a note).
    pub max_parse_bytes: u64,
    /// Larger files are not read (a note).
    pub max_read_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_parse_bytes: 4 << 20,
            max_read_bytes: 256 << 20,
        }
    }
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
    /// The gates of every layer, resolved per branch with [`GateRules::resolve`].
    pub gates: GateRules,
    /// `[[allow]]` exemptions of every layer.
    pub allows: Vec<Allow>,
    /// Paths never scanned.
    pub ignore: globset::GlobSet,
    /// File size limits.
    pub limits: Limits,
    /// Policies applied, in order.
    pub policies: Vec<String>,
    /// Where the user configuration came from, if any.
    pub user_config: Option<String>,
}

impl Config {
    /// Do some enabled checks count the paths the deployment files probe?
    pub fn wants_deploy_probes(&self) -> bool {
        self.checks
            .iter()
            .any(|c| matches!(&c.matcher, crate::kinds::Matcher::Presence(m) if m.deploy_probes))
    }

    /// Gives the workspace's deployment probes to the checks that count them.
    pub fn add_deploy_probes(&mut self, probes: &[crate::kinds::presence::DeployProbe]) {
        for c in &mut self.checks {
            if let crate::kinds::Matcher::Presence(m) = &mut c.matcher {
                m.add_probes(probes);
            }
        }
    }
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
    /// Leave out the user's configuration (`cargo ready init` judges the workspace as is).
    pub ignore_user_config: bool,
}

/// Loads built-ins, the user's config found at `root`, and the CLI's overrides.
pub fn load(root: &Path, cli: &CliOverrides) -> Result<Config, Error> {
    layers::resolve(root, cli).map_err(|mut errors| {
        errors.sort();
        errors.dedup();
        Error::Config(errors)
    })
}

/// Loads the configuration like [`load`], reporting `earlier` errors (found in the workspace's
/// manifests) together with the configuration's own.
pub fn load_with(
    root: &Path,
    cli: &CliOverrides,
    earlier: Vec<ConfigError>,
) -> Result<Config, Error> {
    match (load(root, cli), earlier.is_empty()) {
        (result, true) => result,
        (Ok(_), false) => Err(Error::Config(earlier)),
        (Err(Error::Config(mut errors)), false) => {
            errors.extend(earlier);
            errors.sort();
            Err(Error::Config(errors))
        }
        (Err(e), false) => Err(e),
    }
}

/// Compiles the built-in catalogue's regexes ahead of [`load`] (which then finds them
/// compiled): run beside `cargo metadata`, it takes the compile off the serial path.
pub fn prewarm() {
    use rayon::prelude::*;
    if let Ok(defs) = layers::builtin_checks() {
        defs.par_iter()
            .for_each(|d| crate::kinds::prewarm(&d.kind, d.matcher.as_ref()));
    }
}

/// The built-in catalogue alone (for `list` and `explain` outside a workspace).
pub fn builtin_catalogue() -> Result<Vec<CheckDef>, Error> {
    layers::builtin_checks().map_err(Error::Config)
}
