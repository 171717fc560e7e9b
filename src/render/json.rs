//! JSON: the stable machine contract (see DESIGN.md and README "JSON output").

use std::io::{self, Write};

use crate::model::Report;

/// Writes the report as pretty JSON with a trailing newline.
pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let text = serde_json::to_string_pretty(report).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}
