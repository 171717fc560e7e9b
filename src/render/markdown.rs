//! Markdown: the scorecard table and the top findings, for `$GITHUB_STEP_SUMMARY` or a PR comment.
//!
//! GitHub refuses step summaries over 1 MiB, so findings are capped by count and by bytes and the
//! rest is counted ("N more"); links to lines are added when the binary passes a blob URL.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::RenderOptions;
use super::sarif::{artifact_uri, repo_path};
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
    let _ = writeln!(
        s,
        "## {} cargo-ready: {}% · {}\n",
        status_icon(report.status),
        report.score,
        report.status.banner()
    );
    let gate = if report.gate.passed {
        "passed".to_string()
    } else {
        format!("**failed**: {}", cell(&report.gate.reasons.join("; ")))
    };
    let _ = writeln!(
        s,
        "Policy: {} · gate: {gate} · {} {}\n",
        cell(&report.policies.join(", ")),
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
    let mut open: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    open.sort_by_key(|f| (std::cmp::Reverse(f.severity), f.changed != Some(true)));
    let suppressed = report.findings.len() - open.len();
    let _ = writeln!(
        s,
        "### Findings: {} open, {suppressed} suppressed\n",
        open.len()
    );
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
        let _ = writeln!(
            s,
            "\n_{rest} more finding{} not shown; the SARIF upload (code scanning alerts) and `--format json` have all of them._",
            if rest == 1 { "" } else { "s" }
        );
    }
    s.push('\n');
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
    let message: String = if f.message.chars().count() > MAX_MESSAGE {
        let mut m: String = f.message.chars().take(MAX_MESSAGE - 1).collect();
        m.push('…');
        m
    } else {
        f.message.clone()
    };
    format!(
        "| {} | `{}` | {location} | {} |\n",
        f.severity.as_str(),
        f.check,
        cell(&message)
    )
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
        let _ = writeln!(s, "- {}: {}", cell(&file), cell(&n.message));
    }
    if report.notes.len() > MAX_FINDINGS {
        let _ = writeln!(s, "- … {} more", report.notes.len() - MAX_FINDINGS);
    }
    s.push_str("\n</details>\n");
}

fn code_list(ids: &[String]) -> String {
    ids.iter()
        .map(|b| format!("`{}`", b.replace('`', "")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Text safe inside a table cell: control characters made visible (so no line breaks), `|`
/// and backticks escaped, links and images (`[`, `]`) and HTML (`<`, `>`) neutralised.
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let flat = text.replace('\r', "").replace('\n', " ");
    for c in crate::guard::visible(&flat).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '`' => out.push_str("\\`"),
            '[' => out.push_str("\\["),
            ']' => out.push_str("\\]"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}
