//! Stage 4, gate: suppressions, baseline and budgets.
//!
//! Takes the raw findings and the compiled checks; marks suppressed findings (inline
//! `ready:allow(<id>)` comments, a baseline) and decides each check's outcome (pass / fail /
//! skipped) against its budget (`max`). Pure: no I/O.

use std::collections::HashSet;

use crate::config::{Check, Config};
use crate::model::{CheckResult, Finding, Outcome, Suppression};

/// An inline suppression for `check` on the flagged line or the comment line just above it:
/// `// ready:allow(no-unwrap): the input was validated above` (any comment syntax; several ids
/// may be separated by commas).
pub fn inline_suppression(check: &str, line: &str, previous: Option<&str>) -> Option<Suppression> {
    let above = previous.filter(|p| is_comment_line(p));
    [Some(line), above]
        .into_iter()
        .flatten()
        .find_map(|text| allow_in(check, text))
}

fn is_comment_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("//") || t.starts_with('#') || t.starts_with("/*") || t.starts_with('*')
}

fn allow_in(check: &str, text: &str) -> Option<Suppression> {
    let start = text.find("ready:allow(")? + "ready:allow(".len();
    let rest = text.get(start..)?;
    let end = rest.find(')')?;
    let ids = rest.get(..end)?;
    if !ids.split(',').any(|id| id.trim() == check) {
        return None;
    }
    let reason = rest
        .get(end + 1..)
        .unwrap_or("")
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("*/")
        .trim();
    let reason = if reason.is_empty() {
        "suppressed inline without a reason".to_string()
    } else {
        reason.to_string()
    };
    Some(Suppression {
        kind: "inline".into(),
        reason,
    })
}

/// Marks each finding as on changed lines (or not) since the diff base.
pub fn mark_changed(findings: &mut [Finding], changed: &crate::workspace::git::ChangedLines) {
    for f in findings {
        let ranges = changed.get(&f.file).map(Vec::as_slice).unwrap_or_default();
        let hit = ranges
            .iter()
            .any(|&(a, b)| f.region.line <= b && f.region.end_line.max(f.region.line) >= a);
        f.changed = Some(hit);
    }
}

/// Marks findings against a baseline (fingerprints of an earlier JSON report): those already
/// there are `unchanged` and suppressed, the others `new`.
pub fn apply_baseline(findings: &mut [Finding], baseline: &HashSet<String>, name: &str) {
    for f in findings {
        let known = baseline.contains(&f.fingerprint);
        f.baseline = Some(if known { "unchanged" } else { "new" }.to_string());
        if known && f.suppressed.is_none() {
            f.suppressed = Some(Suppression {
                kind: "baseline".into(),
                reason: format!("present in baseline {name}"),
            });
        }
    }
}

/// Outcome of every enabled check, in `Config::checks` order.
pub fn check_results(
    config: &Config,
    applicable: &[bool],
    findings: &[Finding],
) -> Vec<CheckResult> {
    config
        .checks
        .iter()
        .zip(applicable)
        .map(|(check, &applies)| result_for(check, applies, findings))
        .collect()
}

fn result_for(check: &Check, applies: bool, findings: &[Finding]) -> CheckResult {
    let mine = findings.iter().filter(|f| f.check == check.id);
    let (suppressed, active): (Vec<&Finding>, Vec<&Finding>) =
        mine.partition(|f| f.suppressed.is_some());
    let count = active.len() as u32;
    CheckResult {
        id: check.id.clone(),
        category: check.category.clone(),
        severity: check.severity,
        kind: check.kind().to_string(),
        outcome: outcome(applies, count, check.max),
        findings: count,
        suppressed: suppressed.len() as u32,
        max: check.max,
        weight: check.weight,
        doc: check.doc.clone(),
    }
}

/// Pass when the unsuppressed findings are within the budget.
pub fn outcome(applies: bool, findings: u32, max: u32) -> Outcome {
    match (applies, findings > max) {
        (false, _) => Outcome::Skipped,
        (true, true) => Outcome::Fail,
        (true, false) => Outcome::Pass,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_allow_on_the_line_or_the_comment_above() {
        let s = inline_suppression(
            "no-unwrap",
            "x.unwrap(); // ready:allow(no-unwrap): checked above",
            None,
        );
        assert_eq!(s.map(|s| s.reason), Some("checked above".to_string()));
        let s = inline_suppression(
            "no-unwrap",
            "x.unwrap();",
            Some("    // ready:allow(no-panic, no-unwrap)"),
        );
        assert_eq!(s.map(|s| s.kind), Some("inline".to_string()));
        assert!(
            inline_suppression(
                "no-unwrap",
                "x.unwrap();",
                Some("let y = 1; // ready:allow(no-unwrap)")
            )
            .is_none()
        );
        assert!(
            inline_suppression("no-unwrap", "x.unwrap(); // ready:allow(no-unwrap-x)", None)
                .is_none()
        );
        let py = inline_suppression(
            "empty-catch",
            "except: # ready:allow(empty-catch) legacy",
            None,
        );
        assert_eq!(py.map(|s| s.reason), Some("legacy".to_string()));
    }
}
