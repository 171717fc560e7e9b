//! GitHub Actions workflow commands: one `::error|warning|notice` annotation per finding.
//!
//! The runner keeps at most 10 annotations per level per step and 50 per job, dropping the rest
//! silently, so the most relevant are printed first ([`super::priority::rank`]: lines changed
//! since `--diff-base`, then errors, then warnings in production code before those in test
//! code, then notes; by file and line within a tie), each level is capped at 10 and a final
//! `::notice::` says how many more there are in the job summary and the SARIF upload.

use std::io::{self, Write};

use super::RenderOptions;
use super::sarif::repo_path;
use crate::guard::visible;
use crate::model::{Finding, Report, Severity};

/// Annotations the runner shows per level per step.
pub const PER_LEVEL: usize = 10;
/// Annotations the runner shows per job.
pub const PER_JOB: usize = 50;

/// Writes the annotations.
pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut open: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    // Stable sort: the report order (file, line, column) stays within equal ranks.
    open.sort_by_cached_key(|f| super::priority::rank(f));
    let caps = level_caps(&open);
    let mut printed = 0usize;
    let mut per_level = [0usize; 3];
    for f in &open {
        let slot = level_slot(f.severity);
        let (Some(count), Some(cap)) = (per_level.get_mut(slot), caps.get(slot)) else {
            continue;
        };
        if *count >= *cap || printed >= PER_JOB - 1 {
            continue;
        }
        *count += 1;
        printed += 1;
        writeln!(out, "{}", command(f, opts))?;
    }
    let rest = open.len() - printed;
    if rest > 0 {
        writeln!(
            out,
            "::notice title=cargo-ready::{}",
            escape_data(&format!(
                "{rest} more finding{} not annotated here (GitHub shows at most {PER_LEVEL} per level); see the job summary and the code scanning alerts (SARIF)",
                if rest == 1 { "" } else { "s" }
            ))
        )?;
    }
    Ok(())
}

/// Per-level caps; when findings are left out, one notice slot is kept for the closing line.
fn level_caps(open: &[&Finding]) -> [usize; 3] {
    let mut totals = [0usize; 3];
    for f in open {
        if let Some(t) = totals.get_mut(level_slot(f.severity)) {
            *t += 1;
        }
    }
    let overflow = totals.iter().any(|t| *t > PER_LEVEL);
    let notes = if overflow { PER_LEVEL - 1 } else { PER_LEVEL };
    [PER_LEVEL, PER_LEVEL, notes]
}

fn level_slot(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

fn command_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// One workflow command for a finding.
fn command(f: &Finding, opts: &RenderOptions) -> String {
    let file = if f.file.is_empty() {
        "Cargo.toml"
    } else {
        &f.file
    };
    let r = &f.region;
    let line = r.line.max(1);
    let mut props = vec![
        (
            "file",
            visible(&repo_path(&opts.path_prefix, file)).into_owned(),
        ),
        ("line", line.to_string()),
    ];
    if r.end_line.max(line) == line {
        // Columns are only honoured on single-line annotations.
        let col = r.column.max(1);
        props.push(("col", col.to_string()));
        props.push(("endColumn", r.end_column.max(col).to_string()));
    } else {
        props.push(("endLine", r.end_line.to_string()));
    }
    props.push(("title", format!("cargo-ready {}", f.check)));
    let props: Vec<String> = props
        .iter()
        .map(|(k, v)| format!("{k}={}", escape_property(v)))
        .collect();
    format!(
        "::{} {}::{}",
        command_name(f.severity),
        props.join(","),
        escape_data(&visible_keeping_newlines(&f.message))
    )
}

/// A message with its control characters made visible, line breaks kept (the runner shows an
/// escaped `%0A` as a line break inside the annotation; it cannot start a log line).
fn visible_keeping_newlines(message: &str) -> String {
    message
        .split('\n')
        .map(|line| visible(line))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Escapes a command's message the way the runner unescapes it.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: data escaping plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}
