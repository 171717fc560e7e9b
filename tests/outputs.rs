//! Every output format rendered from one hand-built `Report` (no filesystem, no scan), plus
//! the contracts between formats: unsuppressed counts, annotation caps, the summary size.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use cargo_ready::model::{
    CategoryScore, CheckDoc, CheckResult, Example, Exemptions, Finding, GateResult, Outcome,
    PackageScore, Region, Related, Report, ScanNote, Severity, Status, Suppression,
    SuppressionEntry, SuppressionSource, SuppressionState, ToolInfo,
};
use cargo_ready::render::{self, Format, RenderOptions};

fn check(id: &str, category: &str, severity: Severity, kind: &str, findings: u32) -> CheckResult {
    CheckResult {
        id: id.into(),
        category: category.into(),
        severity,
        kind: kind.into(),
        outcome: if findings > 0 {
            Outcome::Fail
        } else {
            Outcome::Pass
        },
        findings,
        suppressed: 0,
        pre_existing: 0,
        max: 0,
        weight: 1.0,
        reason: None,
        doc: CheckDoc {
            title: format!("Title of {id}"),
            why: "Why it matters | in production.".into(),
            fix: "Fix it with `the right API`.".into(),
            examples: vec![Example {
                bad: Some("x.unwrap()".into()),
                good: Some("x?".into()),
                file: None,
            }],
            reference: None,
            clippy: vec!["unwrap_used".into()],
        },
    }
}

#[allow(clippy::too_many_arguments)]
fn finding(
    check: &str,
    sev: Severity,
    file: &str,
    line: u32,
    col: u32,
    end: u32,
    msg: &str,
    fp: &str,
) -> Finding {
    Finding {
        check: check.into(),
        severity: sev,
        message: msg.into(),
        file: file.into(),
        region: Region {
            line,
            column: col,
            end_line: line,
            end_column: end,
        },
        package: Some("svc".into()),
        scope: Default::default(),
        fingerprint: fp.into(),
        suppressed: None,
        changed: None,
        baseline: None,
        related: Vec::new(),
        role: None,
        snippet: String::new(),
        line_hash: Some(format!("{fp}:1")),
    }
}

fn report() -> Report {
    let mut suppressed = finding(
        "no-unwrap",
        Severity::Error,
        "src/lib.rs",
        7,
        5,
        13,
        "`unwrap()` in production code",
        "00000000000000a3",
    );
    suppressed.suppressed = Some(Suppression {
        kind: "inline".into(),
        reason: "checked above: the map always has the key".into(),
    });
    let mut baseline = finding(
        "no-todo",
        Severity::Note,
        "src/main.rs",
        3,
        8,
        12,
        "TODO comment",
        "00000000000000a4",
    );
    baseline.suppressed = Some(Suppression {
        kind: "baseline".into(),
        reason: "in the baseline".into(),
    });
    Report {
        format_version: 1,
        scoring_model: "1".into(),
        tool: ToolInfo {
            name: "cargo-ready".into(),
            version: "0.1.0".into(),
        },
        policies: vec!["recommended".into()],
        score: 72,
        status: Status::NotReady,
        gate: GateResult {
            passed: false,
            reasons: vec!["check `no-unwrap` (error) failed: 1 finding (max 0)".into()],
            branch: Some("release/1.2".into()),
            rule: "ready.toml:12 (branches release/*)".into(),
            fail_on: "warning".into(),
            min_score: 80,
        },
        categories: vec![
            CategoryScore {
                id: "error-handling".into(),
                title: "Error handling".into(),
                weight: 3.0,
                score: Some(50),
                status: Status::NotReady,
                blockers: vec!["no-unwrap".into()],
                checks: 1,
                failed: 1,
            },
            CategoryScore {
                id: "supply-chain".into(),
                title: "Supply chain & build".into(),
                weight: 1.0,
                score: Some(90),
                status: Status::Warn,
                blockers: vec![],
                checks: 2,
                failed: 1,
            },
            CategoryScore {
                id: "concurrency".into(),
                title: "Concurrency".into(),
                weight: 2.0,
                score: None,
                status: Status::Ready,
                blockers: vec![],
                checks: 0,
                failed: 0,
            },
        ],
        packages: vec![
            PackageScore {
                name: "svc".into(),
                score: 60,
                status: Status::NotReady,
                blockers: vec!["no-unwrap".into()],
            },
            PackageScore {
                name: "util".into(),
                score: 100,
                status: Status::Ready,
                blockers: vec![],
            },
        ],
        checks: vec![
            check(
                "license-declared",
                "supply-chain",
                Severity::Warning,
                "manifest",
                1,
            ),
            check("no-todo", "observability", Severity::Note, "text", 1),
            check("no-unwrap", "error-handling", Severity::Error, "call", 1),
            check("unused-check", "supply-chain", Severity::Warning, "file", 0),
        ],
        services: Vec::new(),
        not_services: Vec::new(),
        findings: vec![
            finding(
                "license-declared",
                Severity::Warning,
                "Cargo.toml",
                1,
                1,
                10,
                "`package.license` not set, 100% | sure: really",
                "00000000000000a1",
            ),
            finding(
                "no-todo",
                Severity::Note,
                "src/dir with space/ü.rs",
                2,
                4,
                8,
                "TODO comment\nsecond line",
                "00000000000000a2",
            ),
            Finding {
                related: vec![Related {
                    file: "src/config.rs".into(),
                    line: 12,
                    message: "`Config::load` calls `std::fs::read`".into(),
                }],
                ..finding(
                    "no-unwrap",
                    Severity::Error,
                    "src/lib.rs",
                    3,
                    9,
                    17,
                    "`unwrap()` in production code",
                    "00000000000000a0",
                )
            },
            suppressed,
            baseline,
        ],
        exemptions: Exemptions {
            suppressed: 1,
            baselined: 1,
            baseline_fixed: 2,
            pre_existing: 0,
            score: 65,
            status: Status::NotReady,
        },
        diff: None,
        suppressions: vec![
            SuppressionEntry {
                file: "src/lib.rs".into(),
                line: 6,
                source: SuppressionSource::Comment,
                checks: vec!["no-unwrap".into()],
                lint: None,
                reason: Some("checked above: the map always has the key".into()),
                until: Some("2031-01-31".into()),
                lines: Some((6, 7)),
                paths: vec![],
                state: SuppressionState::Used,
                suppressed: 1,
            },
            SuppressionEntry {
                file: "src/lib.rs".into(),
                line: 20,
                source: SuppressionSource::ClippyAttribute,
                checks: vec!["no-unwrap".into()],
                lint: Some("allow(clippy::unwrap_used)".into()),
                reason: None,
                until: None,
                lines: Some((20, 31)),
                paths: vec![],
                state: SuppressionState::Unused,
                suppressed: 0,
            },
        ],
        notes: vec![ScanNote {
            file: "src/broken.rs".into(),
            message: "could not parse: expected `;`".into(),
        }],
    }
}

fn opts() -> RenderOptions {
    RenderOptions {
        category: Some("svc".into()),
        blob_url: Some("https://github.com/o/r/blob/0123abc".into()),
        ..RenderOptions::default()
    }
}

fn render_to_string(format: Format, report: &Report, opts: &RenderOptions) -> String {
    let mut out = Vec::new();
    render::render(format, report, opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn snapshots_of_every_format() {
    let r = report();
    // Every format the CLI offers, so a new one cannot ship without a snapshot.
    for &format in <Format as clap::ValueEnum>::value_variants() {
        insta::assert_snapshot!(format.name(), render_to_string(format, &r, &opts()));
    }
}

#[test]
fn human_with_and_without_colour() {
    let mut r = report();
    let unwrap = r
        .findings
        .iter_mut()
        .find(|f| f.check == "no-unwrap")
        .unwrap();
    unwrap.snippet = "    let v = map.get(key).unwrap();".into();
    let plain = render_to_string(Format::Human, &r, &opts());
    let colour = RenderOptions {
        color: true,
        ..opts()
    };
    let styled = render_to_string(Format::Human, &r, &colour);
    assert!(!plain.contains('\x1b'), "plain output has no escape codes");
    assert!(
        styled.contains("NOT READY\x1b"),
        "status coloured: {styled}"
    );
    insta::assert_snapshot!("human-plain", plain);
    insta::assert_snapshot!("human-colour", styled);
}

#[test]
fn unsuppressed_json_equals_unsuppressed_sarif() {
    let r = report();
    let json: serde_json::Value =
        serde_json::from_str(&render_to_string(Format::Json, &r, &opts())).unwrap();
    let open_json = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .count();
    let sarif: serde_json::Value =
        serde_json::from_str(&render_to_string(Format::Sarif, &r, &opts())).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let open_sarif = results
        .iter()
        .filter(|r| r.get("suppressions").is_none())
        .count();
    assert_eq!(open_json, 3);
    assert_eq!(open_json, open_sarif);
    assert_eq!(results.len(), json["findings"].as_array().unwrap().len());
    // ruleIndex points at the rule with the same id; every check that ran is a rule.
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert_eq!(rules.len(), r.checks.len());
    for res in results {
        let i = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[i]["id"], res["ruleId"]);
    }
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "cargo-ready/svc/"
    );
}

fn many(n: usize, sev: Severity) -> Vec<Finding> {
    (0..n)
        .map(|i| {
            finding(
                "no-unwrap",
                sev,
                &format!("src/f{i:05}.rs"),
                1,
                1,
                2,
                &"long message ".repeat(40),
                &format!("{i:016x}"),
            )
        })
        .collect()
}

#[test]
fn annotations_are_capped_per_level_and_say_how_many_more() {
    let mut r = report();
    r.findings = [
        many(15, Severity::Note),
        many(25, Severity::Warning),
        many(12, Severity::Error),
    ]
    .concat();
    let text = render_to_string(Format::Github, &r, &opts());
    let lines: Vec<&str> = text.lines().collect();
    let count = |p: &str| lines.iter().filter(|l| l.starts_with(p)).count();
    assert_eq!(count("::error "), 10);
    assert_eq!(count("::warning "), 10);
    // 9 notes + the closing notice: the runner keeps 10 notices per step.
    assert_eq!(count("::notice "), 10);
    assert!(lines[0].starts_with("::error "), "errors first");
    assert!(
        lines.last().unwrap().contains("23 more findings"),
        "{}",
        lines.last().unwrap()
    );
}

#[test]
fn markdown_stays_under_one_mebibyte() {
    let mut r = report();
    r.findings = many(100_000, Severity::Error);
    let text = render_to_string(Format::Markdown, &r, &opts());
    assert!(text.len() < 1024 * 1024, "{} bytes", text.len());
    assert!(text.contains("99800 more findings not shown"));
}

#[test]
fn sarif_stays_within_github_limits_and_says_what_it_left_out() {
    let mut r = report();
    let mut findings = many(30_000, Severity::Warning);
    findings[29_999].changed = Some(true);
    findings[29_998].severity = Severity::Error;
    findings[0].related = (0..150)
        .map(|i| Related {
            file: "src/chain.rs".into(),
            line: i + 1,
            message: format!("step {i}"),
        })
        .collect();
    r.findings = findings;
    let sarif: serde_json::Value =
        serde_json::from_str(&render_to_string(Format::Sarif, &r, &opts())).unwrap();
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5_000);
    // Changed lines and errors are kept first, then the report order.
    let uri = |i: usize| format!("src/f{i:05}.rs");
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    for kept in [uri(29_999), uri(29_998), uri(0), uri(4_997)] {
        assert!(uris.contains(&kept.as_str()), "{kept}");
    }
    assert!(!uris.contains(&uri(4_998).as_str()));
    assert_eq!(
        results[0]["relatedLocations"].as_array().unwrap().len(),
        100
    );
    let counts = &run["properties"]["cargoReady"]["results"];
    assert_eq!(counts["total"], 30_000);
    assert_eq!(counts["omitted"], 25_000);
    assert_eq!(counts["omittedBySeverity"]["warning"], 25_000);
    let note = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("25000 of 30000 findings are not in the SARIF run (25000 warnings)"),
        "{note}"
    );
    let summary = render_to_string(Format::Markdown, &r, &opts());
    assert!(
        summary.contains("**Code scanning:** 25000 of 30000 findings are not in the SARIF run")
    );
    assert!(summary.contains("Left out by check: `no-unwrap` 25000."));
    assert!(summary.contains("not shown; `--format json` has all of them."));
}

#[test]
fn escaping_in_annotations() {
    let text = render_to_string(Format::Github, &report(), &opts());
    assert!(text.contains("file=src/dir with space/ü.rs"));
    assert!(text.contains("TODO comment%0Asecond line"));
    assert!(text.contains("100%25 | sure: really"));
}
