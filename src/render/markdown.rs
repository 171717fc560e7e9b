//! Markdown: the scorecard table and the top findings, for `$GITHUB_STEP_SUMMARY` or a PR comment.
//!
//! GitHub refuses step summaries over 1 MiB, so findings are capped by count and by bytes and the
//! rest is counted ("N more"); links to lines are added when the binary passes a blob URL.
//! Messages keep their code spans as code ([`super::md_text`]). When GitHub's limits leave
//! findings out of the SARIF run, the summary says how many and which.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::RenderOptions;
use super::md_text;
use super::sarif::{self, artifact_uri, repo_path};
use crate::model::{Finding, Report, Status};

/// Findings listed at most.
pub const MAX_FINDINGS: usize = 200;
/// Bytes the findings table may use (well under GitHub's 1 MiB summary limit).
pub const MAX_BYTES: usize = 512 * 1024;
/// Characters kept of one message.
const MAX_MESSAGE: usize = 300;

/// Writes the markdown summary.
pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let mut s = String::new();
    header(report, &mut s);
    categories(report, &mut s);
    packages(report, &mut s);
    findings(report, opts, &mut s);
    suppressions(report, opts, &mut s);
    notes(report, opts, &mut s);
    out.write_all(s.as_bytes())
}

fn status_icon(s: Status) -> &'static str {
    match s {
        Status::Ready => "✅",
        Status::Warn => "⚠️",
        Status::NotReady => "❌",
    }
}

fn header(report: &Report, s: &mut String) {
    let aside = super::set_aside(report, true)
        .map(|a| format!(" · {a}"))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "## {} cargo-ready: {}% · {}{aside}\n",
        status_icon(report.status),
        report.score,
        report.status.banner()
    );
    let e = &report.exemptions;
    if e.baselined + e.pre_existing > 0 {
        let _ = writeln!(
            s,
            "Without the baseline and diff exemptions: {}% · {}.\n",
            e.score,
            e.status.banner()
        );
    }
    let gate = if report.gate.passed {
        "passed".to_string()
    } else {
        format!(
            "**failed**: {}",
            md_text::message(&report.gate.reasons.join("; "), MAX_MESSAGE * 4)
        )
    };
    let branch = report
        .gate
        .branch
        .as_deref()
        .map(|b| format!("branch `{}`, ", b.replace('`', "")))
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "Policy: {} · gate ({branch}{}): {gate} · {} {}\n",
        cell(&report.policies.join(", ")),
        cell(&report.gate.rule),
        report.tool.name,
        report.tool.version
    );
}

fn categories(report: &Report, s: &mut String) {
    s.push_str("| Category | Score | Status | Blockers |\n|---|---:|---|---|\n");
    for c in &report.categories {
        let (score, status) = match c.score {
            Some(n) => (format!("{n}%"), c.status.as_str()),
            None => ("n/a".to_string(), "n/a"),
        };
        let _ = writeln!(
            s,
            "| {} | {score} | {status} | {} |",
            cell(&c.title),
            code_list(&c.blockers)
        );
    }
    let _ = writeln!(
        s,
        "| **Overall** | **{}%** | **{}** | |\n",
        report.score,
        report.status.as_str()
    );
}

fn packages(report: &Report, s: &mut String) {
    if report.packages.len() < 2 {
        return;
    }
    s.push_str("| Package | Score | Status | Blockers |\n|---|---:|---|---|\n");
    for p in &report.packages {
        let _ = writeln!(
            s,
            "| {} | {}% | {} | {} |",
            cell(&p.name),
            p.score,
            p.status.as_str(),
            code_list(&p.blockers)
        );
    }
    s.push('\n');
}

fn findings(report: &Report, opts: &RenderOptions, s: &mut String) {
    let mut open: Vec<&Finding> = report.findings.iter().filter(|f| f.counts()).collect();
    open.sort_by_cached_key(|f| super::priority::rank(f));
    let suppressed = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_some())
        .count();
    let pre_existing = match report.exemptions.pre_existing {
        0 => String::new(),
        n => format!(", {n} pre-existing"),
    };
    let _ = writeln!(
        s,
        "### Findings: {} open, {suppressed} suppressed{pre_existing}\n",
        open.len()
    );
    let sarif_complete = sarif_cap_note(report, opts, s);
    if open.is_empty() {
        return;
    }
    s.push_str("| Severity | Check | Location | Message |\n|---|---|---|---|\n");
    let start = s.len();
    let mut shown = 0usize;
    for f in open.iter().take(MAX_FINDINGS) {
        let row = finding_row(f, opts);
        if s.len() - start + row.len() > MAX_BYTES {
            break;
        }
        s.push_str(&row);
        shown += 1;
    }
    let rest = open.len() - shown;
    if rest > 0 {
        let all = if sarif_complete {
            "the SARIF upload (code scanning alerts) and `--format json` have all of them"
        } else {
            "`--format json` has all of them"
        };
        let _ = writeln!(
            s,
            "\n_{rest} more finding{} not shown; {all}._",
            if rest == 1 { "" } else { "s" }
        );
    }
    s.push('\n');
}

/// Says which findings GitHub's limits left out of the SARIF run; false when some were.
fn sarif_cap_note(report: &Report, opts: &RenderOptions, s: &mut String) -> bool {
    let cut = sarif::cut(report, opts);
    let Some(text) = cut.describe(&report.findings) else {
        return true;
    };
    let (_, by_check) = cut.omitted_counts(&report.findings);
    let mut checks: Vec<(&String, &usize)> = by_check.iter().collect();
    checks.sort_by_key(|(id, n)| (std::cmp::Reverse(**n), *id));
    let listed: Vec<String> = checks
        .iter()
        .take(10)
        .map(|(id, n)| format!("{} {n}", md_text::code(id)))
        .collect();
    let more = if checks.len() > 10 { ", …" } else { "" };
    let _ = writeln!(
        s,
        "**Code scanning:** {} Left out by check: {}{more}.\n",
        md_text::message(&text, usize::MAX),
        listed.join(", ")
    );
    false
}

fn finding_row(f: &Finding, opts: &RenderOptions) -> String {
    let file = if f.file.is_empty() {
        "Cargo.toml"
    } else {
        &f.file
    };
    let label = format!("{}:{}", repo_path(&opts.path_prefix, file), f.region.line);
    let location = match &opts.blob_url {
        Some(base) => {
            let lines = if f.region.end_line > f.region.line {
                format!("L{}-L{}", f.region.line, f.region.end_line)
            } else {
                format!("L{}", f.region.line)
            };
            format!(
                "[{}]({}/{}#{lines})",
                cell(&label),
                base.trim_end_matches('/'),
                artifact_uri(&opts.path_prefix, file)
            )
        }
        None => cell(&label),
    };
    format!(
        "| {} | {} | {location} | {} |\n",
        f.severity.as_str(),
        md_text::code(&f.check),
        md_text::message(&f.message, MAX_MESSAGE)
    )
}

/// The suppression inventory, folded: one row per suppression (capped like findings).
fn suppressions(report: &Report, opts: &RenderOptions, s: &mut String) {
    let entries = &report.suppressions;
    if entries.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "<details><summary>{}</summary>\n",
        cell(&super::suppressions::summary(entries))
    );
    s.push_str("| Location | Source | Checks | State | Reason |\n|---|---|---|---|---|\n");
    for e in entries.iter().take(MAX_FINDINGS) {
        let mut reason = e.reason.clone().unwrap_or_else(|| "(no reason)".into());
        if let Some(lint) = &e.lint {
            reason = format!("#[{lint}] {reason}");
        }
        if let Some(u) = &e.until {
            reason.push_str(&format!(" · until {u}"));
        }
        let reason: String = reason.chars().take(MAX_MESSAGE).collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            cell(&format!(
                "{}:{}",
                repo_path(&opts.path_prefix, &e.file),
                e.line
            )),
            e.source.as_str(),
            code_list(&e.checks),
            e.state.as_str(),
            cell(&reason)
        );
    }
    if entries.len() > MAX_FINDINGS {
        let _ = writeln!(
            s,
            "\n_{} more; `cargo ready suppressions` lists them all._",
            entries.len() - MAX_FINDINGS
        );
    }
    s.push_str("\n</details>\n\n");
}

fn notes(report: &Report, opts: &RenderOptions, s: &mut String) {
    if report.notes.is_empty() {
        return;
    }
    let _ = writeln!(
        s,
        "<details><summary>{} file(s) could not be scanned fully</summary>\n",
        report.notes.len()
    );
    for n in report.notes.iter().take(MAX_FINDINGS) {
        let file = repo_path(&opts.path_prefix, &n.file);
        let _ = writeln!(
            s,
            "- {}: {}",
            cell(&file),
            md_text::message(&n.message, MAX_MESSAGE)
        );
    }
    if report.notes.len() > MAX_FINDINGS {
        let _ = writeln!(s, "- … {} more", report.notes.len() - MAX_FINDINGS);
    }
    s.push_str("\n</details>\n");
}

fn code_list(ids: &[String]) -> String {
    ids.iter()
        .map(|b| md_text::code(b))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Plain text safe inside a table cell: one line, no markdown or HTML syntax taking effect.
pub fn cell(text: &str) -> String {
    md_text::plain(text)
}
