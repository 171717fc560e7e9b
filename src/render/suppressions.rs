//! The suppression inventory (`cargo ready suppressions`): one row per `ready:allow` comment,
//! mapped clippy attribute and `[[allow]]` entry, then a count by state; or the same as JSON.

use std::io::{self, Write};

use comfy_table::{Table, presets};
use serde_json::json;

use super::Format;
use crate::model::{Report, SuppressionEntry, SuppressionState};

/// Writes the inventory as a table (human) or JSON (any other format).
pub fn render(format: Format, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if format != Format::Human {
        let v = json!({
            "format_version": report.format_version,
            "suppressions": report.suppressions,
        });
        let text = serde_json::to_string_pretty(&v).map_err(io::Error::other)?;
        return writeln!(out, "{text}");
    }
    let entries = &report.suppressions;
    if entries.is_empty() {
        return writeln!(out, "no suppressions");
    }
    let mut t = Table::new();
    t.load_style(presets::NOTHING);
    t.set_header([
        "LOCATION", "SOURCE", "CHECKS", "STATE", "FINDINGS", "REASON",
    ]);
    for e in entries {
        t.add_row([
            format!("{}:{}", e.file, e.line),
            e.source.as_str().to_string(),
            e.checks.join(", "),
            e.state.as_str().to_string(),
            e.suppressed.to_string(),
            reason_cell(e),
        ]);
    }
    let table: Vec<String> = t
        .to_string()
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l).trim_end().to_string())
        .collect();
    writeln!(out, "{}", table.join("\n"))?;
    writeln!(out)?;
    writeln!(out, "{}", summary(entries))
}

/// Reason, expiry and the clippy attribute, in one cell (single line, at most 100 chars).
fn reason_cell(e: &SuppressionEntry) -> String {
    let mut parts = Vec::new();
    if let Some(lint) = &e.lint {
        parts.push(format!("#[{lint}]"));
    }
    match &e.reason {
        Some(r) => parts.push(r.clone()),
        None => parts.push("(no reason)".into()),
    }
    if let Some(u) = &e.until {
        parts.push(format!("until {u}"));
    }
    if !e.paths.is_empty() {
        parts.push(format!("paths {}", e.paths.join(", ")));
    }
    let text: String = parts
        .join(" · ")
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if text.chars().count() > 100 {
        let mut cut: String = text.chars().take(99).collect();
        cut.push('…');
        cut
    } else {
        text
    }
}

/// `7 suppressions: 4 used, 1 unused, 1 expired, 1 missing a reason`.
pub fn summary(entries: &[SuppressionEntry]) -> String {
    let count = |s: SuppressionState| entries.iter().filter(|e| e.state == s).count();
    let states = [
        (SuppressionState::Used, "used"),
        (SuppressionState::Unused, "unused"),
        (SuppressionState::Inactive, "for checks not enabled"),
        (SuppressionState::Expired, "expired"),
        (SuppressionState::MissingReason, "missing a reason"),
    ];
    let parts: Vec<String> = states
        .iter()
        .map(|(s, word)| (count(*s), *word))
        .filter(|(n, _)| *n > 0)
        .map(|(n, word)| format!("{n} {word}"))
        .collect();
    let n = entries.len();
    format!(
        "{n} suppression{}: {}",
        if n == 1 { "" } else { "s" },
        parts.join(", ")
    )
}
