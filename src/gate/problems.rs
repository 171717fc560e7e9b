//! The gate's own findings about suppressions: `suppression-without-reason`,
//! `expired-suppression` and `unused-suppression`, located at the comment or `[[allow]]` line.
//! Made only for the checks that are enabled.

use super::suppressions::SuppressionInput;
use crate::date::Date;
use crate::diag::did_you_mean;
use crate::model::{Finding, Region};

/// A comment without a reason: it suppresses nothing.
pub const WITHOUT_REASON: &str = "suppression-without-reason";
/// A suppression past its `until` date (or with a date that is not one).
pub const EXPIRED: &str = "expired-suppression";
/// A suppression that covers nothing, or names an unknown check.
pub const UNUSED: &str = "unused-suppression";

/// Longest line kept as a snippet (as the scan does).
const MAX_SNIPPET: usize = 500;

/// What is wrong with one suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// No reason after the directive.
    NoReason,
    /// `until` passed.
    Expired(Date),
    /// `until=` is not a date.
    BadDate(String),
    /// It covers no finding of the checks it names.
    Unused,
    /// A `ready:allow-file` below the file's first comment block.
    Misplaced,
    /// It names a check id nothing defines.
    UnknownCheck(String),
}

/// A problem at a place.
#[derive(Debug, Clone)]
pub struct Problem {
    /// What.
    pub kind: ProblemKind,
    /// Where (workspace-relative).
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// The directive as written (`ready:allow(x)`, `[[allow]] x`).
    pub text: String,
    /// The source line.
    pub snippet: String,
    /// The known checks it names.
    pub checks: Vec<String>,
}

/// Findings for the problems whose check is enabled.
pub fn problem_findings(problems: &[Problem], input: &SuppressionInput<'_>) -> Vec<Finding> {
    problems
        .iter()
        .filter(|p| in_workspace(&p.file))
        .filter_map(|p| {
            let id = check_of(&p.kind);
            let check = input.checks.iter().find(|c| c.id == id)?;
            let default = message(p, input.known);
            let until = match &p.kind {
                ProblemKind::Expired(d) => d.to_string(),
                ProblemKind::BadDate(d) => d.clone(),
                _ => String::new(),
            };
            let vars = [("directive", p.text.as_str()), ("until", until.as_str())];
            Some(Finding {
                check: id.to_string(),
                severity: check.severity,
                message: check.message(default, &vars),
                file: p.file.clone(),
                region: region_of(p),
                package: (input.package_of)(&p.file),
                scope: Default::default(),
                fingerprint: String::new(),
                suppressed: None,
                related: Vec::new(),
                role: None,
                changed: None,
                baseline: None,
                snippet: if p.snippet.len() > MAX_SNIPPET {
                    String::new()
                } else {
                    p.snippet.clone()
                },
                line_hash: None,
            })
        })
        .collect()
}

/// A built-in policy (`policies/…`) or a file outside the workspace cannot carry a finding.
fn in_workspace(file: &str) -> bool {
    !file.is_empty() && !file.starts_with("../") && !file.starts_with('/') && !file.contains(":\\")
}

fn check_of(kind: &ProblemKind) -> &'static str {
    match kind {
        ProblemKind::NoReason => WITHOUT_REASON,
        ProblemKind::Expired(_) | ProblemKind::BadDate(_) => EXPIRED,
        ProblemKind::Unused | ProblemKind::Misplaced | ProblemKind::UnknownCheck(_) => UNUSED,
    }
}

fn message(p: &Problem, known: &[String]) -> String {
    let t = &p.text;
    let ids = p.checks.join("`, `");
    match &p.kind {
        ProblemKind::NoReason => format!(
            "`{t}` gives no reason, so it suppresses nothing: write `{t}: <why the finding is acceptable>`"
        ),
        ProblemKind::Expired(d) => format!(
            "`{t}` expired after {d}: the findings it covered count again; fix them, or renew it with a new date and reason"
        ),
        ProblemKind::BadDate(d) => {
            format!("`{t}`: `until={d}` is not a YYYY-MM-DD date, so it suppresses nothing")
        }
        ProblemKind::Unused => format!("`{t}` matches no finding of `{ids}`: remove it"),
        ProblemKind::Misplaced => format!(
            "`{t}` is not in the file's first comment block, so it covers nothing: move it to the top of the file"
        ),
        ProblemKind::UnknownCheck(id) => {
            let hint = did_you_mean(id, known);
            format!("`{t}` names `{id}`, which is not a check{hint}")
        }
    }
}

/// The directive's columns on its line, or the whole line.
fn region_of(p: &Problem) -> Region {
    let chars = |s: &str| s.chars().count() as u32;
    let needle = if p.text.starts_with("[[allow]]") {
        None
    } else {
        p.snippet.find("ready:allow")
    };
    let (start, len) = match needle {
        Some(at) => {
            let rest = &p.snippet[at..];
            let end = rest.find(')').map_or(rest.len(), |e| e + 1);
            (chars(&p.snippet[..at]), chars(&rest[..end]))
        }
        None => {
            let indent = p.snippet.len() - p.snippet.trim_start().len();
            (chars(&p.snippet[..indent]), chars(p.snippet.trim()))
        }
    };
    Region {
        line: p.line,
        column: start + 1,
        end_line: p.line,
        end_column: start + len.max(1) + 1,
    }
}
