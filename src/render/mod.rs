//! Stage 6, render: pure functions from a [`Report`] to bytes.
//!
//! One file per format; each writes to a `&mut dyn Write` and never touches the filesystem or
//! the terminal (the binary owns stdout). One scan can be rendered in several formats.

mod badge;
mod explain;
mod github;
mod human;
mod json;
mod markdown;
mod md_text;
mod priority;
mod sarif;
mod sarif_limits;
mod services;
mod suppressions;
pub(crate) mod text;

pub use explain::explain;
pub use human::one_line;

use std::io::{self, Write};

use crate::model::Report;
pub use services::services_text;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Scorecard table and findings for a terminal.
    Human,
    /// The stable JSON contract.
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// Markdown scorecard and top findings (job summary, PR comment).
    Markdown,
    /// A self-contained SVG badge.
    #[value(name = "badge-svg")]
    BadgeSvg,
    /// shields.io endpoint badge JSON.
    #[value(name = "badge-json")]
    BadgeJson,
}

impl Format {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Github => "github",
            Format::Markdown => "markdown",
            Format::BadgeSvg => "badge-svg",
            Format::BadgeJson => "badge-json",
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
    /// SARIF `automationDetails.id` category (`cargo-ready/<category>/`); None: `cargo-ready/`.
    pub category: Option<String>,
    /// Prefix for every file path in SARIF, annotations and links (e.g. `crates/svc/` when the
    /// workspace sits below the repository root); empty when the workspace is the root.
    pub path_prefix: String,
    /// Base for links to lines, `https://github.com/o/r/blob/<sha>` (markdown only).
    pub blob_url: Option<String>,
}

/// What the gated score sets aside, e.g. `367 baselined · 5 suppressed` (None when nothing);
/// `with_suppressed: false` leaves out findings suppressed in code or config (the badge).
pub fn set_aside(report: &Report, with_suppressed: bool) -> Option<String> {
    let e = &report.exemptions;
    let suppressed = if with_suppressed { e.suppressed } else { 0 };
    let parts: Vec<String> = [
        (e.baselined, "baselined"),
        (e.pre_existing, "pre-existing"),
        (suppressed, "suppressed"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// Renders the suppression inventory (`cargo ready suppressions`): a table or JSON.
pub fn suppressions(format: Format, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    suppressions::render(format, report, out)
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
        Format::Sarif => sarif::render(report, opts, out),
        Format::Github => github::render(report, opts, out),
        Format::Markdown => markdown::render(report, opts, out),
        Format::BadgeSvg => badge::render_svg(report, out),
        Format::BadgeJson => badge::render_json(report, out),
    }
}
