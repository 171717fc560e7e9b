//! Stage 5, score: pure function from check outcomes to a scorecard. No I/O.
//!
//! Model version [`SCORING_MODEL`]; the formula and a worked example are in docs/scoring.md.
//! A check earns its weight when it passes and nothing when it fails, so fixing a finding can
//! only raise a score.

use std::collections::HashMap;

use crate::config::{Category, Check, FailOn, Gate};
use crate::gate::{effective_severity, outcome};
use crate::model::{
    CategoryScore, CheckResult, Finding, GateResult, Outcome, PackageScore, Severity, Status,
};
use crate::workspace::Workspace;

/// The version of the scoring model, printed in the JSON.
pub const SCORING_MODEL: &str = "2";

/// A score at or above this is in the `ready` band.
pub const READY_FROM: u32 = 90;
/// A score below this is in the `not-ready` band (between the two: `warn`).
pub const WARN_FROM: u32 = 50;

/// The status of a scope (the workspace, a category, a package): the worse of what its score
/// says (the bands [`READY_FROM`] and [`WARN_FROM`]) and what its failing checks say (a
/// failing error check is a blocker: `not-ready`; a failing warning: `warn`). So a status is
/// never better than its score's band, and a blocker is never hidden by a high score. `None`
/// (nothing scored) is judged by the failing checks alone.
pub fn status(score: Option<u32>, worst_failing: Option<Severity>) -> Status {
    let band = match score {
        Some(s) if s < WARN_FROM => Status::NotReady,
        Some(s) if s < READY_FROM => Status::Warn,
        _ => Status::Ready,
    };
    let by_checks = match worst_failing {
        Some(Severity::Error) => Status::NotReady,
        Some(Severity::Warning) => Status::Warn,
        Some(Severity::Note) | None => Status::Ready,
    };
    band.max(by_checks)
}

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
        status: status(Some(score), worst_failing(results.iter())),
        categories: cats,
    }
}

fn category_score(c: &Category, results: &[CheckResult]) -> CategoryScore {
    let mine: Vec<&CheckResult> = results
        .iter()
        .filter(|r| r.category == c.id && r.outcome != Outcome::Skipped)
        .collect();
    let failed: Vec<&&CheckResult> = mine.iter().filter(|r| r.outcome == Outcome::Fail).collect();
    let score = weighted_score(&mine);
    CategoryScore {
        id: c.id.clone(),
        title: c.title.clone(),
        weight: c.weight,
        score,
        status: status(score, worst_failing(mine.iter().copied())),
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

/// The severity of the worst failing check that weighs (engine checks inform, never block).
fn worst_failing<'a>(results: impl Iterator<Item = &'a CheckResult>) -> Option<Severity> {
    results
        .filter(|r| r.outcome == Outcome::Fail && r.weight > 0.0)
        .map(|r| r.severity)
        .max()
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
    // The counting findings by (package, check), gathered once: a workspace of hundreds of
    // packages with thousands of findings is not searched once per package and check.
    let mut by_package: HashMap<(&str, &str), Vec<&Finding>> = HashMap::new();
    for f in findings.iter().filter(|f| f.counts()) {
        if let Some(package) = f.package.as_deref() {
            by_package
                .entry((package, f.check.as_str()))
                .or_default()
                .push(f);
        }
    }
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
                    let mine: &[&Finding] = by_package
                        .get(&(p.name.as_str(), r.id.as_str()))
                        .map_or(&[], Vec::as_slice);
                    let n = mine.len() as u32;
                    CheckResult {
                        outcome: outcome(applies, n, r.max),
                        findings: n,
                        severity: effective_severity(check.severity, mine),
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

/// The release gate: failing checks at or above `fail_on`, blockers with any counted finding,
/// the minimum score and the per-category floors.
pub fn gate(
    gate: &Gate,
    card: &Scorecard,
    results: &[CheckResult],
    branch: Option<String>,
) -> GateResult {
    let blocked = blocked(gate, results);
    let mut reasons: Vec<String> = results
        .iter()
        .filter(|r| {
            r.outcome == Outcome::Fail
                && gate.fail_on.trips(r.severity)
                && !(gate.fail_on == FailOn::Never)
                && !blocked.contains(r)
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
    reasons.extend(blocked.iter().map(|r| {
        format!(
            "blocker `{}` has {} finding{} (the gate allows none)",
            r.id,
            r.findings,
            plural(r.findings)
        )
    }));
    if card.score < gate.min_score {
        reasons.push(format!(
            "score {} is below the minimum {}",
            card.score, gate.min_score
        ));
    }
    for (id, floor) in &gate.floors {
        let below = card
            .categories
            .iter()
            .find(|c| c.id == *id)
            .and_then(|c| c.score)
            .filter(|s| s < floor);
        if let Some(score) = below {
            reasons.push(format!(
                "category `{id}` scored {score}, below its floor {floor}"
            ));
        }
    }
    GateResult {
        passed: reasons.is_empty(),
        reasons,
        branch,
        rule: gate.rule.clone(),
        fail_on: gate.fail_on.as_str().to_string(),
        min_score: gate.min_score,
    }
}

/// The gate's blockers that have counted findings.
pub fn blocked<'a>(gate: &Gate, results: &'a [CheckResult]) -> Vec<&'a CheckResult> {
    results
        .iter()
        .filter(|r| r.findings > 0 && gate.blockers.contains(&r.id))
        .collect()
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
            pre_existing: 0,
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
        let statuses: Vec<Status> = card.categories.iter().map(|c| c.status).collect();
        assert_eq!(statuses, [Status::NotReady, Status::Warn, Status::Ready]);
        let fixed = scorecard(&categories(), &worked_example(0));
        assert_eq!((fixed.score, fixed.status), (88, Status::Warn));
    }

    #[test]
    fn status_is_the_worse_of_the_score_band_and_the_failing_checks() {
        use Severity::{Error, Note, Warning};
        let cases = [
            (Some(100), None, Status::Ready),
            (Some(READY_FROM), Some(Note), Status::Ready),
            (Some(READY_FROM - 1), Some(Note), Status::Warn),
            (Some(57), Some(Note), Status::Warn),
            (Some(WARN_FROM), Some(Warning), Status::Warn),
            (Some(WARN_FROM - 1), Some(Warning), Status::NotReady),
            (Some(0), Some(Warning), Status::NotReady),
            (Some(95), Some(Error), Status::NotReady),
            (Some(95), Some(Warning), Status::Warn),
            (None, None, Status::Ready),
            (None, Some(Error), Status::NotReady),
        ];
        for (score, worst, want) in cases {
            assert_eq!(status(score, worst), want, "{score:?} {worst:?}");
        }
    }

    #[test]
    fn a_lower_score_never_shows_a_better_band() {
        let mut previous = Status::NotReady;
        for s in 0..=100 {
            let st = status(Some(s), None);
            assert!(st <= previous, "{s}: {st:?} after {previous:?}");
            previous = st;
        }
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
    fn a_check_whose_findings_are_all_notes_fails_without_blocking() {
        // blocking-in-async with only startup findings: each finding is a note, so the check's
        // effective severity is note: it loses its weight but is no blocker and trips no
        // `--fail-on error` gate.
        let mut results = worked_example(0);
        results.push(result(
            "blocking-in-async",
            "error-handling",
            Severity::Note,
            3.0,
            2,
            0,
            true,
        ));
        let card = scorecard(&categories(), &results);
        assert_eq!(card.categories[0].score, Some(73));
        assert!(card.categories[0].blockers.is_empty());
        assert_ne!(card.status, Status::NotReady);
        let rule = Gate {
            fail_on: FailOn::Error,
            min_score: 0,
            ..Gate::default()
        };
        assert!(gate(&rule, &card, &results, None).passed);
    }

    #[test]
    fn gate_trips_on_severity_and_score() {
        let results = worked_example(46);
        let card = scorecard(&categories(), &results);
        let g = |fail_on, min_score| {
            let rule = Gate {
                fail_on,
                min_score,
                ..Gate::default()
            };
            gate(&rule, &card, &results, None).passed
        };
        assert!(!g(FailOn::Error, 0));
        assert!(g(FailOn::Never, 0));
        assert!(!g(FailOn::Never, 61));
        assert!(g(FailOn::Never, 60));
    }

    #[test]
    fn gate_trips_on_blockers_and_category_floors() {
        let results = worked_example(0);
        let card = scorecard(&categories(), &results);
        let rule = |floors: &[(&str, u32)], blockers: &[&str]| Gate {
            fail_on: FailOn::Never,
            floors: floors.iter().map(|(c, f)| (c.to_string(), *f)).collect(),
            blockers: blockers.iter().map(|b| b.to_string()).collect(),
            ..Gate::default()
        };
        let passed = |g: Gate| gate(&g, &card, &results, None);
        assert!(passed(rule(&[("supply-chain", 50), ("observability", 90)], &[])).passed);
        let floor = passed(rule(&[("supply-chain", 51)], &[]));
        assert_eq!(
            floor.reasons,
            ["category `supply-chain` scored 50, below its floor 51"]
        );
        let blocker = passed(rule(&[], &["lock-unwrap"]));
        assert_eq!(
            blocker.reasons,
            ["blocker `lock-unwrap` has 2 findings (the gate allows none)"]
        );
    }
}
