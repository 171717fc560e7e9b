//! Human: the scorecard for a terminal, ordered by what matters.
//!
//! The category table (status coloured), the packages worst first, then the failing checks —
//! errors before warnings before notes, more findings first — each with its findings as
//! rustc-style diagnostics, then the checks within budget, then scan notes; last the gate and a
//! one-line verdict that names what blocks and what to run next. Plain unless `color`.

mod diagnostic;

use std::cmp::Reverse;
use std::io::{self, Write};

use anstyle::{AnsiColor, Style};
use comfy_table::{Attribute, Cell, CellAlignment, Color, Table, presets};

use super::RenderOptions;
use crate::guard::{visible, visible_lines};
use crate::model::{CheckResult, Finding, Outcome, Report, Severity, Status};

/// Findings shown per check unless `-v`.
const SHOWN_PER_CHECK: usize = 5;
/// Package rows shown unless `-v`.
const SHOWN_PACKAGES: usize = 10;

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
    writeln!(out, "{}", category_table(report, opts.color))?;
    if report.packages.len() > 1 {
        writeln!(out)?;
        write_packages(report, opts, out)?;
    }
    write_findings(report, opts, paint, out)?;
    write_notes(report, out)?;
    writeln!(out)?;
    write_verdict(report, paint, out)
}

/// The one-line verdict for stderr in machine formats and for `-q`:
/// `cargo-ready: NOT READY (score 41): 3 blocking checks`.
pub fn one_line(report: &Report) -> String {
    let blockers = blockers(report);
    let what = if !blockers.is_empty() {
        count(blockers.len(), "blocking check")
    } else if !report.gate.passed {
        let first = report.gate.reasons.first().map_or("", String::as_str);
        format!("gate failed: {}", visible(first))
    } else {
        let failing = failing(report).len();
        if failing == 0 {
            "no failing checks".into()
        } else {
            count(failing, "failing check")
        }
    };
    let aside = super::set_aside(report, false)
        .map(|a| format!("; {a}"))
        .unwrap_or_default();
    format!(
        "cargo-ready: {} (score {}{aside}): {what}",
        report.status.banner(),
        report.score
    )
}

fn table(color: bool) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED);
    if color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    t
}

fn status_cell(status: Status, color: bool) -> Cell {
    let cell = Cell::new(status.banner());
    if !color {
        return cell;
    }
    let fg = match status {
        Status::Ready => Color::Green,
        Status::Warn => Color::Yellow,
        Status::NotReady => Color::Red,
    };
    cell.fg(fg).add_attribute(Attribute::Bold)
}

fn category_table(report: &Report, color: bool) -> Table {
    let mut t = table(color);
    t.set_header(["Category", "Score", "Status", "Blockers"]);
    for c in &report.categories {
        let (score, status) = match c.score {
            Some(s) => (format!("{s}%"), status_cell(c.status, color)),
            None => ("n/a".into(), Cell::new("n/a")),
        };
        t.add_row([
            Cell::new(visible(&c.title)),
            Cell::new(score).set_alignment(CellAlignment::Right),
            status,
            Cell::new(c.blockers.join(", ")),
        ]);
    }
    let blockers: usize = report.categories.iter().map(|c| c.blockers.len()).sum();
    let summary = match blockers {
        0 => String::new(),
        n => count(n, "blocker"),
    };
    t.add_row([
        Cell::new("OVERALL").add_attribute(Attribute::Bold),
        Cell::new(format!("{}%", report.score)).set_alignment(CellAlignment::Right),
        status_cell(report.status, color),
        Cell::new(summary),
    ]);
    t
}

/// The packages, worst first; the first few unless `-v`.
fn write_packages(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut packages: Vec<_> = report.packages.iter().collect();
    packages.sort_by_key(|p| (Reverse(p.status), p.score, &p.name));
    let shown = if opts.verbose {
        packages.len()
    } else {
        SHOWN_PACKAGES.min(packages.len())
    };
    let mut t = table(opts.color);
    t.set_header(["Package", "Score", "Status", "Blockers"]);
    for p in &packages[..shown] {
        t.add_row([
            Cell::new(&p.name),
            Cell::new(format!("{}%", p.score)).set_alignment(CellAlignment::Right),
            status_cell(p.status, opts.color),
            Cell::new(p.blockers.join(", ")),
        ]);
    }
    writeln!(out, "{t}")?;
    if shown < packages.len() {
        let rest = &packages[shown..];
        let ready = rest.iter().filter(|p| p.status == Status::Ready).count();
        writeln!(
            out,
            "… and {} more ({ready} READY; -v lists them)",
            count(rest.len(), "package")
        )?;
    }
    writeln!(
        out,
        "Each package is judged on its own findings; the workspace fails a check when any package does."
    )
}

/// Failing checks by severity, then by findings; then the checks within budget with findings.
fn sections(report: &Report) -> Vec<&CheckResult> {
    let mut shown: Vec<&CheckResult> = report
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Fail || c.findings > 0)
        .collect();
    shown.sort_by_key(|c| {
        (
            c.outcome != Outcome::Fail,
            Reverse(c.severity),
            Reverse(c.findings),
            c.id.as_str(),
        )
    });
    shown
}

fn write_findings(
    report: &Report,
    opts: &RenderOptions,
    paint: Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (full, brief): (Vec<&CheckResult>, Vec<&CheckResult>) = sections(report)
        .into_iter()
        .partition(|c| opts.verbose || is_shown_in_full(c));
    for check in full {
        let mine = open_findings(report, &check.id);
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
            let extras = diagnostic::Extras {
                help: (i == 0).then_some(check.doc.fix.as_str()),
                suppress_hint: i == 0,
            };
            diagnostic::write(f, &extras, opts.color, out)?;
        }
        if shown < mine.len() {
            let more = mine.len() - shown;
            writeln!(out, "\n… and {more} more (run with -v to see all)")?;
        }
    }
    write_brief(report, &brief, paint, out)
}

/// Failing errors and warnings get full diagnostics; notes and checks within budget a line.
fn is_shown_in_full(c: &CheckResult) -> bool {
    c.outcome == Outcome::Fail && c.severity > Severity::Note
}

fn open_findings<'a>(report: &'a Report, check: &str) -> Vec<&'a Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.check == check && f.counts())
        .collect()
}

/// One line per check: `note lints-table (2): message — file:line:col`.
fn write_brief(
    report: &Report,
    brief: &[&CheckResult],
    paint: Paint,
    out: &mut dyn Write,
) -> io::Result<()> {
    if brief.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "── {} in brief (-v shows each in full; `cargo ready explain <id>` says why and how to fix)",
        count(brief.len(), "more check")
    )?;
    writeln!(out)?;
    for c in brief {
        let mine = open_findings(report, &c.id);
        let Some(first) = mine.first() else { continue };
        let more = match mine.len() {
            1 => String::new(),
            n => format!(" (+{} more)", n - 1),
        };
        let budget = if c.outcome == Outcome::Fail {
            String::new()
        } else {
            format!(" [within budget {}]", c.max)
        };
        let label = format!("{}[{}]", c.severity.as_str(), c.id);
        writeln!(
            out,
            "{}: {}  --> {}:{}:{}{more}{budget}",
            paint.level(c.severity, &label),
            first.message.lines().next().unwrap_or_default(),
            first.file,
            first.region.line,
            first.region.column
        )?;
    }
    Ok(())
}

fn write_check_header(c: &CheckResult, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    let verdict = if c.outcome == Outcome::Fail {
        paint.styled(Style::new().bold(), "failed")
    } else {
        "within budget".into()
    };
    let sev = paint.severity(c.severity);
    let aside: Vec<String> = [
        (c.pre_existing, "pre-existing"),
        (c.suppressed, "suppressed"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    let suppressed = if aside.is_empty() {
        String::new()
    } else {
        format!(" ({})", aside.join(", "))
    };
    writeln!(
        out,
        "── {sev} check `{}`: {} — {}{suppressed}, max {}, {verdict}",
        paint.styled(Style::new().bold(), &c.id),
        visible(&c.doc.title),
        count(c.findings as usize, "finding"),
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
        let note = format!("  {}: {}", n.file, n.message);
        writeln!(out, "{}", visible_lines(&note))?;
    }
    Ok(())
}

/// The gate, a hint to adopt gradually when it failed, and the one-line verdict.
fn write_verdict(report: &Report, paint: Paint, out: &mut dyn Write) -> io::Result<()> {
    write_exemptions(report, out)?;
    let branch = report
        .gate
        .branch
        .as_deref()
        .map(|b| format!("branch {b}, "))
        .unwrap_or_default();
    let which = format!("{branch}gate {}", report.gate.rule);
    if report.gate.passed {
        writeln!(out, "gate: passed ({which})")?;
    } else {
        writeln!(out, "gate: failed (exit 1; {which})")?;
        for r in &report.gate.reasons {
            writeln!(out, "  - {}", visible(r))?;
        }
        if !report.findings.iter().any(|f| f.baseline.is_some()) {
            writeln!(
                out,
                "{}: to gate only new findings, record today's once with `cargo ready --output json=ready-baseline.json`, then run `cargo ready --baseline ready-baseline.json`",
                paint.styled(Style::new().bold(), "help")
            )?;
        }
    }
    writeln!(out, "{}", verdict_line(report, paint))
}

/// What the baseline and the diff set aside: the score and status if they counted.
fn write_exemptions(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let e = &report.exemptions;
    if e.baselined + e.pre_existing == 0 {
        return Ok(());
    }
    let fixed = match e.baseline_fixed {
        0 => String::new(),
        n => format!("; {} fixed since", count(n as usize, "baseline finding")),
    };
    writeln!(
        out,
        "without the baseline and diff exemptions: score {}/100, {}{fixed}",
        e.score,
        e.status.banner()
    )
}

/// `NOT READY · score 59/100 · blocked by a, b · next: cargo ready explain a`.
fn verdict_line(report: &Report, paint: Paint) -> String {
    let mut facts = vec![
        paint.status(report.status),
        format!("score {}/100", report.score),
    ];
    facts.extend(super::set_aside(report, true));
    let blockers = blockers(report);
    let failing = failing(report);
    if !blockers.is_empty() {
        let ids: Vec<&str> = blockers.iter().map(|c| c.id.as_str()).collect();
        facts.push(format!("blocked by {}", ids.join(", ")));
    } else if report.status == Status::NotReady {
        facts.push(format!(
            "no blockers, but the score is below {}; {}",
            crate::score::WARN_FROM,
            count(failing.len(), "failing check")
        ));
    } else if report.status != Status::Ready && !failing.is_empty() {
        facts.push(format!(
            "no blockers; {}",
            count(failing.len(), "failing check")
        ));
    } else if failing.is_empty() {
        facts.push("no failing checks".into());
    }
    if let Some(first) = failing.first() {
        facts.push(format!("next: cargo ready explain {}", first.id));
    }
    facts.join(" · ")
}

/// Failing checks that weigh, in section order.
fn failing(report: &Report) -> Vec<&CheckResult> {
    sections(report)
        .into_iter()
        .filter(|c| c.outcome == Outcome::Fail && c.weight > 0.0)
        .collect()
}

/// Failing error checks (blockers), in section order.
fn blockers(report: &Report) -> Vec<&CheckResult> {
    failing(report)
        .into_iter()
        .filter(|c| c.severity == Severity::Error)
        .collect()
}

/// `1 finding`, `3 findings`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
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
        self.level(s, s.as_str())
    }

    /// `text` in the colour annotate-snippets gives severity `s`.
    fn level(self, s: Severity, text: &str) -> String {
        let color = match s {
            Severity::Error => AnsiColor::BrightRed,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Note => AnsiColor::BrightGreen,
        };
        self.styled(Style::new().bold().fg_color(Some(color.into())), text)
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
