//! The gate end to end on workspaces built in temp dirs, with git repositories made by git2:
//! the diff gate (plain and detached pull-request checkouts), suppressions (reason, expiry,
//! unused, clippy attributes, `[[allow]]`), branch gates and baselines.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::{Path, PathBuf};

use cargo_ready::date::Date;
use cargo_ready::model::{Report, SuppressionSource, SuppressionState};
use cargo_ready::{GithubEnv, Options};
use git2::{Repository, Signature};

/// A policy of its own: `no-unwrap` is an error, `no-panic` a warning, the gate's checks are on.
const POLICY: &str = r#"extends = []

[categories.error-handling]
[categories.supply-chain]
[checks.no-unwrap]
severity = "error"
[checks.no-panic]
severity = "warning"
[checks.suppression-without-reason]
[checks.expired-suppression]
[checks.unused-suppression]
"#;

const MANIFEST: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n";

const LIB: &str = "pub fn port(s: &str) -> u16 {\n    s.parse().unwrap()\n}\n";

/// A workspace with `files` (path, text) besides the manifest and the policy.
fn workspace(dir: &Path, policy: &str, files: &[(&str, &str)]) {
    write(dir, "Cargo.toml", MANIFEST);
    write(dir, "ready.toml", policy);
    for (path, text) in files {
        write(dir, path, text);
    }
}

fn write(dir: &Path, path: &str, text: &str) {
    let p = dir.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn today() -> Date {
    Date::parse("2025-06-01").unwrap()
}

fn analyze_with(dir: &Path, f: impl FnOnce(&mut Options)) -> Report {
    let mut opts = Options {
        manifest_path: Some(dir.join("Cargo.toml")),
        today: Some(today()),
        branch: Some("feature/x".into()),
        ..Options::default()
    };
    f(&mut opts);
    cargo_ready::analyze(&opts).unwrap().0
}

fn analyze(dir: &Path) -> Report {
    analyze_with(dir, |_| {})
}

/// (check, line, changed) of the findings that count or are pre-existing.
fn open(report: &Report) -> Vec<(String, u32, Option<bool>)> {
    report
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| (f.check.clone(), f.region.line, f.changed))
        .collect()
}

// ---- git2 helpers -------------------------------------------------------------------------

fn sig() -> Signature<'static> {
    Signature::new("t", "t@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap()
}

/// Stages everything and commits on HEAD (a branch, or a detached HEAD).
fn commit_all(repo: &Repository, message: &str) -> git2::Oid {
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit<'_>> = parent.iter().collect();
    repo.commit(Some("HEAD"), &sig(), &sig(), message, &tree, &parents)
        .unwrap()
}

fn init_on(dir: &Path, branch: &str) -> Repository {
    let repo = Repository::init(dir).unwrap();
    repo.set_head(&format!("refs/heads/{branch}")).unwrap();
    repo
}

fn switch_to_new_branch(repo: &Repository, name: &str) {
    let head = repo.head().unwrap().peel_to_commit().unwrap();
    repo.branch(name, &head, false).unwrap();
    repo.set_head(&format!("refs/heads/{name}")).unwrap();
}

// ---- the diff gate ---------------------------------------------------------------------------

#[test]
fn diff_gate_passes_a_clean_change_and_fails_one_that_adds_a_finding() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, POLICY, &[("src/lib.rs", LIB)]);
    let repo = init_on(dir, "main");
    commit_all(&repo, "base: one old unwrap");
    switch_to_new_branch(&repo, "feature/x");
    assert!(
        !analyze(dir).gate.passed,
        "without a diff base the old unwrap fails the gate"
    );

    // A change that adds no finding: a comment and a function without unwrap (committed).
    let clean = format!("{LIB}\n/// Doubles.\npub fn double(x: u16) -> u16 {{\n    x * 2\n}}\n");
    write(dir, "src/lib.rs", &clean);
    commit_all(&repo, "clean change");
    let diff = |opts: &mut Options| opts.diff_base = Some("main".into());
    let report = analyze_with(dir, diff);
    assert!(report.gate.passed, "{:?}", report.gate.reasons);
    assert_eq!(open(&report), [("no-unwrap".into(), 2, Some(false))]);
    assert_eq!(report.exemptions.pre_existing, 1);
    assert_eq!(report.exemptions.status.as_str(), "not-ready");
    assert_eq!(report.status.as_str(), "ready");
    let info = report.diff.as_ref().unwrap();
    assert_eq!(
        (info.base.as_str(), info.resolved.as_str()),
        ("main", "main")
    );

    // An uncommitted change that adds a finding.
    let bad = format!("{clean}\npub fn level(s: &str) -> u8 {{\n    s.parse().unwrap()\n}}\n");
    write(dir, "src/lib.rs", &bad);
    let report = analyze_with(dir, diff);
    assert!(!report.gate.passed);
    assert_eq!(
        open(&report),
        [
            ("no-unwrap".into(), 2, Some(false)),
            ("no-unwrap".into(), 11, Some(true))
        ]
    );
    let check = report.checks.iter().find(|c| c.id == "no-unwrap").unwrap();
    assert_eq!((check.findings, check.pre_existing), (1, 1));
}

#[test]
fn diff_gate_in_a_detached_pull_request_checkout_uses_origin_base_ref() {
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("work");
    workspace(&work, POLICY, &[("src/lib.rs", LIB)]);
    let repo = init_on(&work, "main");
    commit_all(&repo, "base");
    let origin = tmp.path().join("origin.git");
    git2::build::RepoBuilder::new()
        .bare(true)
        .clone(work.to_str().unwrap(), &origin)
        .unwrap();
    // The runner's checkout: a clone with `origin/main`, HEAD detached, no local `main`.
    let pr = tmp.path().join("pr");
    let clone = git2::build::RepoBuilder::new()
        .clone(origin.to_str().unwrap(), &pr)
        .unwrap();
    let base = clone.head().unwrap().peel_to_commit().unwrap().id();
    clone.set_head_detached(base).unwrap();
    clone
        .find_branch("main", git2::BranchType::Local)
        .unwrap()
        .delete()
        .unwrap();
    assert!(clone.revparse_single("main").is_err());

    let github = GithubEnv {
        base_ref: Some("main".into()),
        head_ref: Some("feature/x".into()),
        ref_name: Some("12/merge".into()),
    };
    let run = |rev: &str| {
        let github = github.clone();
        let rev = rev.to_string();
        analyze_with(&pr, move |o| {
            o.diff_base = Some(rev);
            o.github = github;
            o.branch = None;
        })
    };
    let clean = format!("{LIB}// a comment\n");
    write(&pr, "src/lib.rs", &clean);
    commit_all(&clone, "pr: clean");
    let report = run("main");
    assert!(report.gate.passed, "{:?}", report.gate.reasons);
    assert_eq!(report.diff.as_ref().unwrap().resolved, "origin/main");
    assert_eq!(
        report.gate.branch.as_deref(),
        Some("feature/x"),
        "GITHUB_HEAD_REF"
    );

    let added = "pub fn f(s: &str) -> u8 {\n    s.parse().unwrap()\n}\n";
    write(&pr, "src/lib.rs", &format!("{clean}{added}"));
    commit_all(&clone, "pr: adds an unwrap");
    let report = run("pull-base"); // not a ref anywhere: falls back to origin/$GITHUB_BASE_REF
    assert_eq!(report.diff.as_ref().unwrap().resolved, "origin/main");
    assert!(!report.gate.passed);
    assert_eq!(
        open(&report),
        [
            ("no-unwrap".into(), 2, Some(false)),
            ("no-unwrap".into(), 6, Some(true))
        ]
    );
    let sarif = render(&report, cargo_ready::render::Format::Sarif);
    assert!(sarif.contains("\"baselineState\": \"new\""));
    assert!(sarif.contains("\"baselineState\": \"unchanged\""));
}

fn render(report: &Report, format: cargo_ready::render::Format) -> String {
    let mut out = Vec::new();
    let opts = cargo_ready::render::RenderOptions::default();
    cargo_ready::render::render(format, report, &opts, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn a_manifest_change_makes_package_level_findings_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let policy = format!(
        "{POLICY}\n[checks.license-declared]\nseverity = \"error\"\n[checks.license-declared.applies]\n"
    );
    workspace(dir, &policy, &[("src/lib.rs", "pub fn f() {}\n")]);
    let repo = init_on(dir, "main");
    commit_all(&repo, "base");
    let diff = |opts: &mut Options| opts.diff_base = Some("main".into());
    assert!(
        analyze_with(dir, diff).gate.passed,
        "no license: pre-existing"
    );
    write(dir, "Cargo.toml", &MANIFEST.replace("0.1.0", "0.2.0"));
    let report = analyze_with(dir, diff);
    assert!(
        !report.gate.passed,
        "the manifest changed: the package finding counts"
    );
}

// ---- suppressions ------------------------------------------------------------------------------

const SUPPRESSED: &str = r#"pub fn a(s: &str) -> u16 {
    // ready:allow(no-unwrap): validated by Config::load before this runs
    s.parse().unwrap()
}

pub fn b(s: &str) -> u16 {
    s.parse().unwrap() // ready:allow(no-unwrap)
}

pub fn c(s: &str) -> u16 {
    // ready:allow(no-unwrap, until=2025-05-31): migrating to typed errors
    s.parse().unwrap()
}

pub fn d(s: &str) -> u16 {
    // ready:allow(no-unwrap, until=2025-06-01): last day today
    s.parse().unwrap()
}

// ready:allow(no-panic): nothing panics here any more
pub fn e() {}

// ready:allow(no-unwarp): typo
pub fn f() {}

#[expect(clippy::unwrap_used, reason = "the caller checked it")]
pub fn g(s: &str) -> u16 {
    s.parse().unwrap()
}

#[allow(clippy::expect_used)]
pub fn h(s: &str) -> u16 {
    s.parse().expect("checked")
}
"#;

#[test]
fn suppressions_need_a_reason_expire_and_are_inventoried() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, POLICY, &[("src/lib.rs", SUPPRESSED)]);
    let report = analyze(dir);
    let open = open(&report);
    assert!(
        open.contains(&("no-unwrap".into(), 7, None)),
        "bare allow: {open:?}"
    );
    assert!(
        open.contains(&("no-unwrap".into(), 12, None)),
        "expired: {open:?}"
    );
    let gate_findings: Vec<(&str, u32)> = report
        .findings
        .iter()
        .filter(|f| f.check.contains("suppression"))
        .map(|f| (f.check.as_str(), f.region.line))
        .collect();
    assert_eq!(
        gate_findings,
        [
            ("suppression-without-reason", 7),
            ("expired-suppression", 11),
            ("unused-suppression", 20),
            ("unused-suppression", 23),
        ]
    );
    let expired = report
        .findings
        .iter()
        .find(|f| f.check == "expired-suppression");
    assert!(
        expired
            .unwrap()
            .message
            .contains("expired after 2025-05-31")
    );
    let typo = report
        .findings
        .iter()
        .find(|f| f.region.line == 23)
        .unwrap();
    assert!(
        typo.message.contains("did you mean `no-unwrap`?"),
        "{}",
        typo.message
    );

    let suppressed: Vec<(u32, &str)> = report
        .findings
        .iter()
        .filter_map(|f| Some((f.region.line, f.suppressed.as_ref()?.kind.as_str())))
        .collect();
    assert_eq!(
        suppressed,
        [
            (3, "inline"),
            (17, "inline"),
            (28, "clippy"),
            (33, "clippy")
        ]
    );

    let inv: Vec<(u32, SuppressionSource, SuppressionState, u32)> = report
        .suppressions
        .iter()
        .map(|e| (e.line, e.source, e.state, e.suppressed))
        .collect();
    use SuppressionSource::{ClippyAttribute as Clippy, Comment};
    use SuppressionState::*;
    assert_eq!(
        inv,
        [
            (2, Comment, Used, 1),
            (7, Comment, MissingReason, 0),
            (11, Comment, Expired, 0),
            (16, Comment, Used, 1),
            (20, Comment, Unused, 0),
            (23, Comment, Unused, 0),
            (26, Clippy, Used, 1),
            (31, Clippy, Used, 1),
        ]
    );
    let expect = &report.suppressions[6];
    assert_eq!(expect.lint.as_deref(), Some("expect(clippy::unwrap_used)"));
    assert_eq!(expect.reason.as_deref(), Some("the caller checked it"));
    assert_eq!(expect.lines, Some((26, 29)));
    assert_eq!(report.suppressions[7].reason, None, "no reason: said so");
    assert_eq!(report.exemptions.suppressed, 4);
}

#[test]
fn file_comments_and_config_exemptions() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let policy = format!(
        "{POLICY}\n[[allow]]\ncheck = \"no-panic\"\npaths = [\"src/legacy/**\"]\nreason = \"legacy module, rewrite tracked in #42\"\n\n[[allow]]\ncheck = \"no-panic\"\npaths = [\"src/gone/**\"]\nreason = \"nothing there any more\"\n\n[[allow]]\ncheck = \"no-unwrap\"\nreason = \"temporary\"\nuntil = \"2025-01-01\"\n"
    );
    let generated = "//! Generated by build.rs.\n// ready:allow-file(no-unwrap): generated code, checked by its generator's tests\n\npub fn a(s: &str) -> u16 {\n    s.parse().unwrap()\n}\n";
    let late = "pub fn g(s: &str) -> u16 {\n    s.parse().unwrap()\n}\n// ready:allow-file(no-unwrap): below the code, too late\n";
    let files = [
        ("src/lib.rs", "mod generated;\nmod late;\nmod legacy;\n"),
        ("src/generated.rs", generated),
        ("src/late.rs", late),
        (
            "src/legacy/mod.rs",
            "pub fn old() {\n    panic!(\"old\")\n}\n",
        ),
    ];
    workspace(dir, &policy, &files);
    let report = analyze(dir);
    let kinds: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter_map(|f| Some((f.file.as_str(), f.suppressed.as_ref()?.kind.as_str())))
        .collect();
    assert_eq!(
        kinds,
        [
            ("src/generated.rs", "file"),
            ("src/legacy/mod.rs", "config")
        ]
    );
    let config: Vec<(u32, SuppressionState)> = report
        .suppressions
        .iter()
        .filter(|e| e.source == SuppressionSource::Config)
        .map(|e| (e.line, e.state))
        .collect();
    assert_eq!(
        config,
        [
            (13, SuppressionState::Used),
            (18, SuppressionState::Unused),
            (23, SuppressionState::Expired)
        ]
    );
    let about_config: Vec<(&str, u32)> = report
        .findings
        .iter()
        .filter(|f| f.file == "ready.toml")
        .map(|f| (f.check.as_str(), f.region.line))
        .collect();
    assert_eq!(
        about_config,
        [("unused-suppression", 18), ("expired-suppression", 23)]
    );
    let misplaced = report
        .findings
        .iter()
        .find(|f| f.file == "src/late.rs" && f.check == "unused-suppression")
        .unwrap();
    assert!(
        misplaced.message.contains("first comment block"),
        "{}",
        misplaced.message
    );
    let late_unwrap = report
        .findings
        .iter()
        .find(|f| f.file == "src/late.rs" && f.check == "no-unwrap")
        .unwrap();
    assert!(late_unwrap.suppressed.is_none());
}

#[test]
fn an_allow_without_a_reason_is_a_configuration_error() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let policy = format!("{POLICY}\n[[allow]]\ncheck = \"no-panic\"\nuntil = \"2025-13-01\"\n");
    workspace(dir, &policy, &[("src/lib.rs", "pub fn f() {}\n")]);
    let opts = Options {
        manifest_path: Some(dir.join("Cargo.toml")),
        ..Options::default()
    };
    let err = cargo_ready::analyze(&opts).unwrap_err().to_string();
    assert!(
        err.contains("ready.toml:13:1: `[[allow]]` needs a `reason`"),
        "{err}"
    );
    assert!(
        err.contains("ready.toml:15:9: `2025-13-01` is not a YYYY-MM-DD date"),
        "{err}"
    );
}

// ---- branch gates ------------------------------------------------------------------------------

const BRANCH_POLICY: &str = r#"extends = []
[categories.error-handling]
[checks.no-unwrap]
severity = "warning"
[checks.no-panic]
severity = "warning"

[[gate]]
branches = ["release/*", "main"]
fail_on = "warning"
min_score = 90
blockers = ["no-panic"]
floors = { error-handling = 100 }

[[gate]]
fail_on = "error"
"#;

#[test]
fn release_branches_get_the_stricter_gate() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, BRANCH_POLICY, &[("src/lib.rs", LIB)]);
    let repo = init_on(dir, "feature/login");
    commit_all(&repo, "base");
    let on_head = |o: &mut Options| o.branch = None;

    let feature = analyze_with(dir, on_head);
    assert_eq!(feature.gate.branch.as_deref(), Some("feature/login"));
    assert!(feature.gate.passed, "warnings pass on a feature branch");
    assert_eq!(feature.gate.rule, "ready.toml:15");

    switch_to_new_branch(&repo, "release/1.4");
    let release = analyze_with(dir, on_head);
    assert_eq!(release.gate.branch.as_deref(), Some("release/1.4"));
    assert!(!release.gate.passed);
    assert_eq!(release.gate.rule, "ready.toml:8 (branches release/*, main)");
    assert_eq!(release.gate.fail_on, "warning");
    assert_eq!(
        release.gate.reasons,
        [
            "check `no-unwrap` (warning) failed: 1 finding (max 0)",
            "score 50 is below the minimum 90",
            "category `error-handling` scored 50, below its floor 100",
        ]
    );

    let overridden = analyze_with(dir, |o| o.branch = Some("feature/y".into()));
    assert!(overridden.gate.passed, "--branch wins over git's HEAD");

    write(dir, "src/lib.rs", "pub fn f() {\n    todo!()\n}\n");
    let release = analyze_with(dir, on_head);
    assert_eq!(
        release.status.as_str(),
        "not-ready",
        "a blocker with a finding"
    );
    assert!(
        release
            .gate
            .reasons
            .contains(&"blocker `no-panic` has 1 finding (the gate allows none)".to_string())
    );
}

// ---- baselines through the command line ----------------------------------------------------------

fn cli(dir: &Path, args: &[&str]) -> (String, String, i32) {
    let mut cmd = assert_cmd::Command::cargo_bin("cargo-ready").unwrap();
    let manifest: PathBuf = dir.join("Cargo.toml");
    cmd.arg("ready")
        .arg("--manifest-path")
        .arg(&manifest)
        .args(args)
        .env("NO_COLOR", "1")
        .env("CARGO_READY_TODAY", "2025-06-01")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("GITHUB_HEAD_REF")
        .env_remove("GITHUB_REF_NAME");
    let out = cmd.output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
        out.status.code().unwrap(),
    )
}

#[test]
fn under_a_baseline_the_scorecard_says_what_was_set_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, POLICY, &[("src/lib.rs", LIB)]);
    let base = dir.join("baseline.json");
    let (_, _, code) = cli(dir, &["--output", &format!("json={}", base.display())]);
    assert_eq!(code, 1);
    let (human, _, code) = cli(
        dir,
        &["--branch", "main", "--baseline", base.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{human}");
    let verdict: Vec<&str> = human.lines().rev().take(3).collect();
    assert_eq!(
        verdict,
        [
            "READY · score 100/100 · 1 baselined · no failing checks",
            "gate: passed (branch main, gate default)",
            "without the baseline and diff exemptions: score 40/100, NOT READY",
        ]
    );
    let (badge, _, _) = cli(
        dir,
        &[
            "--format",
            "badge-json",
            "--baseline",
            base.to_str().unwrap(),
        ],
    );
    assert!(
        badge.contains("\"message\": \"100% ready · 1 baselined\""),
        "{badge}"
    );

    std::fs::write(&base, r#"{"format_version": 99, "findings": []}"#).unwrap();
    let (_, err, code) = cli(dir, &["--baseline", base.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("format_version 99 is not one this cargo-ready reads"),
        "{err}"
    );
}

#[test]
fn the_suppressions_subcommand_lists_the_inventory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    workspace(dir, POLICY, &[("src/lib.rs", SUPPRESSED)]);
    let (out, _, code) = cli(dir, &["suppressions"]);
    assert_eq!(code, 0);
    assert!(out.contains("src/lib.rs:26"), "{out}");
    assert!(
        out.contains("#[expect(clippy::unwrap_used)] · the caller checked it"),
        "{out}"
    );
    assert!(
        out.contains("#[allow(clippy::expect_used)] · (no reason)"),
        "{out}"
    );
    assert!(
        out.trim_end()
            .ends_with("8 suppressions: 4 used, 2 unused, 1 expired, 1 missing a reason"),
        "{out}"
    );
    let (json, _, _) = cli(dir, &["suppressions", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["suppressions"].as_array().unwrap().len(), 8);
    assert_eq!(cli(dir, &["suppressions", "--format", "sarif"]).2, 2);
}

#[test]
fn a_clippy_lint_covers_only_what_it_is_about() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let lib = "#![allow(clippy::dbg_macro)]\n\n#[allow(clippy::unwrap_used)]\npub fn a(s: &str) -> u16 {\n    let n: u16 = s.parse().expect(\"number\");\n    n + s.len().to_string().parse::<u16>().unwrap()\n}\n\npub fn b() {\n    panic!(\"dbg is allowed, panic is not\")\n}\n";
    let policy = format!("{POLICY}\n[checks.no-dbg]\n");
    workspace(dir, &policy, &[("src/lib.rs", lib)]);
    let report = analyze(dir);
    let marks: Vec<(u32, bool)> = report
        .findings
        .iter()
        .filter(|f| f.check == "no-unwrap" || f.check == "no-panic")
        .map(|f| (f.region.line, f.suppressed.is_some()))
        .collect();
    assert_eq!(marks, [(5, false), (6, true), (10, false)]);
    let dbg = report.suppressions.iter().find(|e| e.line == 1).unwrap();
    assert_eq!((dbg.state, dbg.suppressed), (SuppressionState::Unused, 0));
    assert!(
        !report
            .findings
            .iter()
            .any(|f| f.check == "unused-suppression"),
        "clippy attributes are listed, never reported as unused"
    );
}

#[test]
fn manifests_take_comments_too_and_stale_ones_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let policy = format!("{POLICY}\n[checks.license-declared.applies]\n[checks.readme-present]\n");
    workspace(dir, &policy, &[("src/lib.rs", "pub fn f() {}\n")]);
    let manifest = format!(
        "# ready:allow-file(readme-present): documented in the team wiki\n\n# ready:allow(license-declared): internal crate, never published\n{MANIFEST}# ready:allow(no-unwrap): stale\n"
    );
    write(dir, "Cargo.toml", &manifest);
    let report = analyze(dir);
    let suppressed: Vec<(&str, &str)> = report
        .findings
        .iter()
        .filter_map(|f| Some((f.check.as_str(), f.suppressed.as_ref()?.kind.as_str())))
        .collect();
    assert_eq!(
        suppressed,
        [("readme-present", "file"), ("license-declared", "inline")]
    );
    let stale: Vec<(&str, u32)> = report
        .findings
        .iter()
        .filter(|f| f.check == "unused-suppression")
        .map(|f| (f.file.as_str(), f.region.line))
        .collect();
    assert_eq!(stale, [("Cargo.toml", 11)]);
}
