//! Errors of the library and the exit codes they map to.

use crate::diag::ConfigError;

/// Exit codes, documented in the README.
pub mod exit {
    /// The gate passed.
    pub const PASSED: i32 = 0;
    /// The gate failed.
    pub const GATE_FAILED: i32 = 1;
    /// Usage or configuration error.
    pub const USAGE: i32 = 2;
    /// Internal error.
    pub const INTERNAL: i32 = 3;
}

/// Anything that stops a run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad command-line usage.
    #[error("{0}")]
    Usage(String),
    /// One or more configuration problems, all of them.
    #[error("{}", format_config_errors(.0))]
    Config(Vec<ConfigError>),
    /// The workspace could not be loaded (cargo metadata, manifests).
    #[error("{0}")]
    Workspace(String),
    /// An output file could not be written.
    #[error("cannot write {path}: {source}")]
    Output {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A bug or an unexpected condition.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) | Error::Config(_) | Error::Workspace(_) => exit::USAGE,
            Error::Output { .. } | Error::Internal(_) => exit::INTERNAL,
        }
    }
}

fn format_config_errors(errors: &[ConfigError]) -> String {
    let mut lines: Vec<String> = errors.iter().map(|e| format!("error: {e}")).collect();
    lines.push(format!(
        "{} configuration error{} found",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    ));
    lines.join("\n")
}
