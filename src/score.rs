//! Stage 5, score: pure function from check outcomes to a scorecard. No I/O.
//!
//! Model version [`SCORING_MODEL`]; the formula and a worked example are in docs/scoring.md.
//! A check earns its weight when it passes and nothing when it fails, so fixing a finding can
//! only raise a score.

use crate::config::{Category, Check, FailOn, Gate};
use crate::gate::outcome;
use crate::model::{
    CategoryScore, CheckResult, Finding, GateResult, Outcome, PackageScore, Severity, Status,
};
use crate::workspace::Workspace;

/// The version of the scoring model, printed in the JSON.
pub const SCORING_MODEL: &str = "1";

/// The scorecard of the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// Overall score 0–100.
    pub score: u32,
    /// Overall verdict.
    pub status: Status,
    /// Per category.
    pub categories: Vec<CategoryScore>,
}

/// Scores the check results by category and overall.
pub fn scorecard(categories: &[Category], results: &[CheckResult]) -> Scorecard {
    let cats: Vec<CategoryScore> = categories
        .iter()
        .map(|c| category_score(c, results))
        .collect();
    let scored: Vec<(f64, u32)> = cats
        .iter()
        .filter_map(|c| c.score.map(|s| (c.weight, s)))
        .collect();
    let total_weight: f64 = scored.iter().map(|(w, _)| w).sum();
    let score = if total_weight > 0.0 {
        (scored.iter().map(|(w, s)| w * f64::from(*s)).sum::<f64>() / total_weight).round() as u32
    } else {
        100
    };
    Scorecard {
        score,
        status: status_of(results.iter()),
        categories: cats,
    }
}

fn category_score(c: &Category, results: &[CheckResult]) -> CategoryScore {
    let mine: Vec<&CheckResult> = results
        .iter()
        .filter(|r| r.category == c.id && r.outcome != Outcome::Skipped)
        .collect();
    let failed: Vec<&&CheckResult> = mine.iter().filter(|r| r.outcome == Outcome::Fail).collect();
    CategoryScore {
        id: c.id.clone(),
        title: c.title.clone(),
        weight: c.weight,
        score: weighted_score(&mine),
        status: status_of(mine.iter().copied()),
        blockers: failed
            .iter()
            .filter(|r| r.severity == Severity::Error)
            .map(|r| r.id.clone())
            .collect(),
        checks: mine.len() as u32,
        failed: failed.len() as u32,
    }
}

/// 100 × (weight of passing checks) / (weight of applicable checks); None when nothing weighs.
fn weighted_score(results: &[&CheckResult]) -> Option<u32> {
    let total: f64 = results.iter().map(|r| r.weight).sum();
    let passed: f64 = results
        .iter()
        .filter(|r| r.outcome == Outcome::Pass)
        .map(|r| r.weight)
        .sum();
    (total > 0.0).then(|| (100.0 * passed / total).round() as u32)
}

/// not-ready with a failing error check, warn with a failing warning, else ready.
fn status_of<'a>(results: impl Iterator<Item = &'a CheckResult>) -> Status {
    results
        .filter(|r| r.outcome == Outcome::Fail && r.weight > 0.0)
        .map(|r| match r.severity {
            Severity::Error => Status::NotReady,
            Severity::Warning => Status::Warn,
            Severity::Note => Status::Ready,
        })
        .max()
        .unwrap_or(Status::Ready)
}

/// Per-package scorecards: each check applicable to the package, judged on its findings. A
/// service check applies to the packages holding a service (`service_packages`).
pub fn package_scores(
    ws: &Workspace,
    service_packages: &[&str],
    checks: &[Check],
    results: &[CheckResult],
    categories: &[Category],
    findings: &[Finding],
) -> Vec<PackageScore> {
    ws.packages
        .iter()
        .map(|p| {
            let per_pkg: Vec<CheckResult> = checks
                .iter()
                .zip(results)
                .map(|(check, r)| {
                    let applies = r.outcome != Outcome::Skipped
                        && p.meets(&check.applies)
                        && (!check.applies.is_service()
                            || service_packages.contains(&p.name.as_str()));
                    let n = findings
                        .iter()
                        .filter(|f| {
                            f.check == r.id
                                && f.suppressed.is_none()
                                && f.package.as_deref() == Some(p.name.as_str())
                        })
                        .count() as u32;
                    CheckResult {
                        outcome: outcome(applies, n, r.max),
                        findings: n,
                        ..r.clone()
                    }
                })
                .collect();
            let card = scorecard(categories, &per_pkg);
            let blockers = per_pkg
                .iter()
                .filter(|r| {
                    r.outcome == Outcome::Fail && r.severity == Severity::Error && r.weight > 0.0
                })
                .map(|r| r.id.clone())
                .collect();
            PackageScore {
                name: p.name.clone(),
                score: card.score,
                status: card.status,
                blockers,
            }
        })
        .collect()
}

/// The release gate: failing checks at or above `fail_on`, and the minimum score.
pub fn gate(gate: &Gate, score: u32, results: &[CheckResult]) -> GateResult {
    let mut reasons: Vec<String> = results
        .iter()
        .filter(|r| {
            r.outcome == Outcome::Fail
                && gate.fail_on.trips(r.severity)
                && !(gate.fail_on == FailOn::Never)
        })
        .map(|r| {
            format!(
                "check `{}` ({}) failed: {} finding{} (max {})",
                r.id,
                r.severity.as_str(),
                r.findings,
                plural(r.findings),
                r.max
            )
        })
        .collect();
    if score < gate.min_score {
        reasons.push(format!(
            "score {score} is below the minimum {}",
            gate.min_score
        ));
    }
    GateResult {
        passed: reasons.is_empty(),
        reasons,
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CheckDoc;

    fn result(
        id: &str,
        category: &str,
        severity: Severity,
        weight: f64,
        findings: u32,
        max: u32,
        applies: bool,
    ) -> CheckResult {
        CheckResult {
            id: id.into(),
            category: category.into(),
            severity,
            kind: "call".into(),
            outcome: outcome(applies, findings, max),
            findings,
            suppressed: 0,
            max,
            weight,
            reason: None,
            doc: CheckDoc::default(),
        }
    }

    fn categories() -> Vec<Category> {
        let cat = |id: &str, weight| Category {
            id: id.into(),
            title: id.into(),
            weight,
        };
        vec![
            cat("error-handling", 3.0),
            cat("supply-chain", 1.0),
            cat("observability", 2.0),
        ]
    }

    fn worked_example(unwraps: u32) -> Vec<CheckResult> {
        vec![
            result(
                "no-unwrap",
                "error-handling",
                Severity::Error,
                3.0,
                unwraps,
                0,
                true,
            ),
            result(
                "no-panic",
                "error-handling",
                Severity::Error,
                3.0,
                0,
                0,
                true,
            ),
            result(
                "lock-unwrap",
                "error-handling",
                Severity::Warning,
                2.0,
                2,
                5,
                true,
            ),
            result(
                "license-declared",
                "supply-chain",
                Severity::Warning,
                2.0,
                1,
                0,
                true,
            ),
            result(
                "lockfile-committed",
                "supply-chain",
                Severity::Warning,
                2.0,
                0,
                0,
                true,
            ),
            result(
                "health-endpoint",
                "observability",
                Severity::Error,
                3.0,
                0,
                0,
                false,
            ),
        ]
    }

    #[test]
    fn worked_example_of_docs_scoring_md() {
        let card = scorecard(&categories(), &worked_example(46));
        let scores: Vec<Option<u32>> = card.categories.iter().map(|c| c.score).collect();
        assert_eq!(scores, [Some(63), Some(50), None]);
        assert_eq!(card.score, 60);
        assert_eq!(card.status, Status::NotReady);
        assert_eq!(card.categories[0].blockers, ["no-unwrap"]);
        let fixed = scorecard(&categories(), &worked_example(0));
        assert_eq!((fixed.score, fixed.status), (88, Status::Warn));
    }

    #[test]
    fn fixing_a_finding_never_lowers_the_score() {
        let mut previous = 0;
        for unwraps in (0..=46).rev() {
            let score = scorecard(&categories(), &worked_example(unwraps)).score;
            assert!(score >= previous, "{unwraps} unwraps: {score} < {previous}");
            previous = score;
        }
    }

    #[test]
    fn gate_trips_on_severity_and_score() {
        let results = worked_example(46);
        let g = |fail_on, min_score| gate(&Gate { fail_on, min_score }, 60, &results).passed;
        assert!(!g(FailOn::Error, 0));
        assert!(g(FailOn::Never, 0));
        assert!(!g(FailOn::Never, 61));
        assert!(g(FailOn::Never, 60));
    }
}
