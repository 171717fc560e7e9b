//! Human: the scorecard table (comfy-table), then findings grouped by check.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Level, Origin, Renderer, Snippet};
use anstyle::{AnsiColor, Style};
use comfy_table::{Cell, CellAlignment, Table, presets};

use super::RenderOptions;
use crate::guard::{visible, visible_lines};
use crate::model::{CheckResult, Finding, Outcome, Report, Severity, Status};

/// Findings shown per check unless `-v`.
const SHOWN_PER_CHECK: usize = 5;

/// Writes the scorecard and the findings.
pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let paint = Paint(opts.color);
    writeln!(
        out,
        "{} {} · policy: {}",
        report.tool.name,
        report.tool.version,
        visible(&report.policies.join(", "))
    )?;
    writeln!(out)?;
    writeln!(out, "{}", category_table(report))?;
    if report.packages.len() > 1 {
        writeln!(out)?;
        writeln!(out, "{}", package_table(report))?;
    }
    write_findings(report, opts, paint, out)?;
    write_notes(report, out)?;
    writeln!(out)?;
    write_verdict(report, paint, out)
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    t
}

fn category_table(report: &Report) -> Table {
    let mut t = table();
    t.set_header(["Category", "Score", "Status", "Blockers"]);
    for c in &report.categories {
        let score = c
            .score
            .map(|s| format!("{s}%"))
            .unwrap_or_else(|| "n/a".into());
        let status = if c.score.is_none() {
            "n/a"
        } else {
            status_word(c.status)
        };
        t.add_row([
            Cell::new(visible(&c.title)),
            Cell::new(score).set_alignment(CellAlignment::Right),
            Cell::new(status),
            Cell::new(c.blockers.join(", ")),
        ]);
    }
    let blockers: usize = report.categories.iter().map(|c| c.blockers.len()).sum();
    let summary = match blockers {
        0 => String::new(),
        1 => "1 blocker".into(),
        n => format!("{n} blockers"),
    };
    t.add_row([
        Cell::new("OVERALL"),
        Cell::new(format!("{}%", report.score)).set_alignment(CellAlignment::Right),
        Cell::new(report.status.banner()),
        Cell::new(summary),
    ]);
    t
}

fn package_table(report: &Report) -> Table {
    let mut t = table();
    t.set_header(["Package", "Score", "Status", "Blockers"]);
    for p in &report.packages {
        t.add_row([
            Cell::new(&p.name),
            Cell::new(format!("{}%", p.score)).set_alignment(CellAlignment::Right),
            Cell::new(status_word(p.status)),
            Cell::new(p.blockers.join(", ")),
        ]);
    }
    t
}

fn status_word(s: Status) -> &'static str {
    match s {
        Status::Ready => "PASS",
        Status::Warn => "WARN",
        Status::NotReady => "FAIL",
    }
}

fn write_findings(
    report: &Report,
    opts: &RenderOptions,
    paint: Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    for check in report
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Fail || c.findings > 0)
    {
        let mine: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.check == check.id && f.suppressed.is_none())
            .collect();
        writeln!(out)?;
        write_check_header(check, paint, out)?;
        writeln!(out)?;
        let shown = if opts.verbose {
            mine.len()
        } else {
            SHOWN_PER_CHECK.min(mine.len())
        };
        for (i, f) in mine[..shown].iter().enumerate() {
            if i > 0 {
                writeln!(out)?;
            }
            write_snippet(f, opts.color, out)?;
        }
        if shown < mine.len() {
            let more = mine.len() - shown;
            writeln!(out, "\n… and {more} more (run with -v to see all)")?;
        }
    }
    Ok(())
}

/// One finding, rustc-style: message, `--> file:line:col`, the flagged line with carets.
fn write_snippet(f: &Finding, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let level = match f.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let message = visible(&f.message);
    let file = visible(&f.file);
    let source = visible(&f.snippet);
    let title = level.primary_title(message.as_ref()).id(f.check.as_str());
    let whole_file = f.region.line <= 1 && f.region.column <= 1 && f.region.end_column <= 1;
    let group = if whole_file || f.snippet.trim().is_empty() {
        let origin = Origin::path(file.as_ref())
            .line(f.region.line as usize)
            .char_column(f.region.column as usize);
        title.element(origin)
    } else {
        let span = caret_span(f, &source);
        let snippet = Snippet::source(source.as_ref())
            .line_start(f.region.line as usize)
            .path(file.as_ref())
            .annotation(AnnotationKind::Primary.span(span));
        title.element(snippet)
    };
    let group = f.related.iter().fold(group, |g, rel| {
        let note = format!("{} ({}:{})", rel.message, rel.file, rel.line);
        g.element(Level::NOTE.message(visible(&note).into_owned()))
    });
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    writeln!(out, "{}", renderer.render(&[group]))
}

/// Byte range of the flagged text within the flagged line `line` (to its end for multi-line
/// regions; at least one character where the line has one).
fn caret_span(f: &Finding, line: &str) -> std::ops::Range<usize> {
    let byte_at = |col: u32| {
        line.char_indices()
            .nth(col.saturating_sub(1) as usize)
            .map_or(line.len(), |(i, _)| i)
    };
    let start = byte_at(f.region.column);
    let end = if f.region.end_line == f.region.line {
        byte_at(f.region.end_column)
    } else {
        line.len()
    };
    let next_char = line
        .get(start..)
        .and_then(|r| r.chars().next())
        .map_or(0, char::len_utf8);
    start..end.max(start + next_char)
}

fn write_check_header(c: &CheckResult, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let verdict = if c.outcome == Outcome::Fail {
        "failed"
    } else {
        "within budget"
    };
    let sev = paint.severity(c.severity);
    let plural = if c.findings == 1 { "" } else { "s" };
    let suppressed = if c.suppressed > 0 {
        format!(" ({} suppressed)", c.suppressed)
    } else {
        String::new()
    };
    writeln!(
        out,
        "── {sev} check `{}`: {} — {} finding{plural}{suppressed}, max {}, {verdict}",
        c.id,
        visible(&c.doc.title),
        c.findings,
        c.max
    )
}

fn write_notes(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if report.notes.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "notes:")?;
    for n in &report.notes {
        writeln!(
            out,
            "{}",
            visible_lines(&format!("  {}: {}", n.file, n.message))
        )?;
    }
    Ok(())
}

fn write_verdict(report: &Report, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let banner = paint.status(report.status);
    writeln!(out, "{banner} · score {}/100", report.score)?;
    if report.gate.passed {
        writeln!(out, "gate: passed")
    } else {
        writeln!(out, "gate: failed")?;
        report
            .gate
            .reasons
            .iter()
            .try_for_each(|r| writeln!(out, "  - {}", visible(r)))
    }
}

/// ANSI styling, or none.
#[derive(Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn styled(self, style: Style, text: &str) -> String {
        if self.0 {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    fn severity(self, s: Severity) -> String {
        let color = match s {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Note => AnsiColor::Cyan,
        };
        self.styled(Style::new().bold().fg_color(Some(color.into())), s.as_str())
    }

    fn status(self, s: Status) -> String {
        let color = match s {
            Status::Ready => AnsiColor::Green,
            Status::Warn => AnsiColor::Yellow,
            Status::NotReady => AnsiColor::Red,
        };
        self.styled(Style::new().bold().fg_color(Some(color.into())), s.banner())
    }
}
