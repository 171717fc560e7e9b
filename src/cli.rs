//! The command line, in cargo-subcommand shape: `cargo ready [check|list|explain] [OPTIONS]`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::FailOn;
use crate::render::Format;

/// Is your Rust workspace ready for production?
///
/// Runs declarative checks (policies in TOML) over the workspace's cargo metadata and source,
/// prints a scorecard and gates on it. Exit codes: 0 gate passed, 1 gate failed, 2 usage or
/// configuration error, 3 internal error.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-ready",
    bin_name = "cargo ready",
    version,
    max_term_width = 100
)]
pub struct Cli {
    /// What to do (default: check).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Options shared by every subcommand.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan the workspace, print the scorecard and gate on it (the default).
    Check,
    /// List the checks: id, category, severity, kind.
    List {
        /// List the services instead: the bin targets that start a server, where, and over
        /// which packages their checks search (with -v: each service check's evidence, and why
        /// the other bins are not services).
        #[arg(long)]
        services: bool,
    },
    /// Explain a check: why it matters, how to fix it, examples.
    Explain {
        /// The check id, e.g. `no-unwrap`.
        check: String,
    },
    /// Write a commented ready.toml for this workspace: its services, libraries,
    /// platform-specific code, and how to adopt the tool gradually.
    Init {
        /// Replace an existing ready.toml (or a configuration in Cargo.toml).
        #[arg(long)]
        force: bool,
    },
    /// List every suppression: `ready:allow` comments, clippy attributes, `[[allow]]` entries,
    /// with their reason, expiry and whether they matched anything.
    Suppressions,
}

/// Options of every subcommand.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Path to Cargo.toml of the workspace to scan.
    #[arg(long, value_name = "PATH", global = true)]
    pub manifest_path: Option<PathBuf>,
    /// Scan only this package (repeatable).
    #[arg(short = 'p', long = "package", value_name = "SPEC", global = true)]
    pub packages: Vec<String>,
    /// Leave out this package (repeatable).
    #[arg(long, value_name = "SPEC", global = true)]
    pub exclude: Vec<String>,
    /// Base policy: a built-in name or a path to a .toml file (repeatable; replaces `extends`).
    #[arg(long = "policy", value_name = "NAME|PATH", global = true)]
    pub policies: Vec<String>,
    /// Report format written to stdout.
    #[arg(long, value_enum, default_value = "human", global = true)]
    pub format: Format,
    /// Also write FORMAT to PATH from the same scan (repeatable), e.g. `json=ready.json`.
    #[arg(long = "output", value_name = "FORMAT=PATH", value_parser = parse_output, global = true)]
    pub outputs: Vec<(Format, PathBuf)>,
    /// A JSON report of an earlier run: findings already in it are set aside (`unchanged`) and
    /// only new ones count.
    #[arg(long, value_name = "PATH", global = true)]
    pub baseline: Option<PathBuf>,
    /// A git revision (e.g. `origin/main`): only findings on lines changed since its merge-base
    /// with HEAD (and uncommitted changes) can fail the gate; the rest are pre-existing.
    #[arg(long, value_name = "REV", global = true)]
    pub diff_base: Option<String>,
    /// The branch whose `[[gate]]` applies [default: git's current branch, else
    /// GITHUB_HEAD_REF / GITHUB_REF_NAME].
    #[arg(long, value_name = "NAME", global = true)]
    pub branch: Option<String>,
    /// Fail the gate when the overall score is below N (0–100).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100), global = true)]
    pub min_score: Option<u32>,
    /// Fail the gate when a check of this severity or worse fails [default: error].
    #[arg(long, value_enum, value_name = "LEVEL", global = true)]
    pub fail_on: Option<FailOn>,
    /// When to use colour [default: `CARGO_TERM_COLOR`, else auto: a terminal without
    /// `NO_COLOR`].
    #[arg(long, value_enum, value_name = "WHEN", global = true)]
    pub color: Option<ColorChoice>,
    /// Print only the one-line verdict (human format) or only the report (other formats; the
    /// verdict goes to stderr when the gate fails); no progress.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Show every finding and timing details.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Print where the time went to stderr: per stage, per check, thread utilisation.
    #[arg(long, global = true)]
    pub timings: bool,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

fn parse_output(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=PATH, got `{s}`"))?;
    let format = Format::from_name(format).ok_or_else(|| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .map(|f| f.name().to_string())
            .collect();
        format!(
            "unknown format `{format}` (expected one of: {})",
            names.join(", ")
        )
    })?;
    if path.is_empty() {
        return Err("empty output path".into());
    }
    Ok((format, PathBuf::from(path)))
}

/// Drops the `ready` that cargo passes as the first argument (`cargo ready …` runs
/// `cargo-ready ready …`), so both spellings parse the same.
pub fn normalize_args(
    args: impl IntoIterator<Item = std::ffi::OsString>,
) -> Vec<std::ffi::OsString> {
    let mut args: Vec<_> = args.into_iter().collect();
    if args.get(1).is_some_and(|a| a == "ready") {
        args.remove(1);
    }
    args
}
