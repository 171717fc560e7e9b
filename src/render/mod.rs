//! Stage 6, render: pure functions from a [`Report`] to bytes.
//!
//! One file per format; each writes to a `&mut dyn Write` and never touches the filesystem or
//! the terminal (the binary owns stdout). One scan can be rendered in several formats.

mod human;
mod json;

use std::io::{self, Write};

use crate::model::Report;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Scorecard table and findings for a terminal.
    Human,
    /// The stable JSON contract.
    Json,
}

impl Format {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
        }
    }

    /// Parses a format name (as in `--output FORMAT=PATH`).
    pub fn from_name(name: &str) -> Option<Format> {
        <Format as clap::ValueEnum>::from_str(name, true).ok()
    }
}

/// Options that change how a report is rendered (not what it says).
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Use ANSI colour (human format only).
    pub color: bool,
    /// Show every finding instead of the first few per check.
    pub verbose: bool,
}

/// Renders `report` in `format` into `out`.
pub fn render(
    format: Format,
    report: &Report,
    opts: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, opts, out),
        Format::Json => json::render(report, out),
    }
}
