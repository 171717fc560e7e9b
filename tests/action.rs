//! The composite action (action.yml) under a simulated GitHub runner (tests/support/runner.rs):
//! the release binary downloaded and checked against SHA256SUMS (and refused when tampered),
//! the cached source build when no release fits, cache keys per action version, the scan run
//! from outside the repository with the toolchain pinned, the SARIF upload before the gate and
//! the gate failing the job. Releases are served from a layout the test builds, on loopback.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::release::Releases;
use support::runner::{self, Job, Outcome};

const FIXTURE: &str = "tests/fixtures/outputs-all";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A release of this checkout's version and sources.
fn released() -> Releases {
    let releases = Releases::empty();
    releases.publish(VERSION, &runner::wrapper(), &repo(), None);
    releases
}

fn steps(run: &Outcome) -> Vec<(&str, &str)> {
    run.steps
        .iter()
        .map(|(s, o)| (s.as_str(), o.as_str()))
        .collect()
}

/// No cargo call ran inside the scanned checkout or without the pinned toolchain.
fn assert_outside_and_pinned(run: &Outcome, workspace: &Path, toolchain: &str) {
    assert!(!run.cargo.is_empty());
    for call in &run.cargo {
        assert!(
            !Path::new(&call.cwd).starts_with(workspace),
            "cargo ran in the scanned tree: {call:?}"
        );
        assert_eq!(call.toolchain, toolchain, "{call:?}");
    }
}

#[test]
fn release_binary_is_verified_scans_uploads_then_fails_the_gate() {
    let releases = released();
    let cache = tempfile::tempdir().unwrap();
    let job = Job::new(&repo(), &repo(), &releases.url, cache.path())
        .input("working-directory", FIXTURE)
        .input("category", "fixture");
    let run = runner::run(&job);
    println!("=== GITHUB_STEP_SUMMARY ===\n{}", run.summary);
    assert_eq!(
        steps(&run),
        [
            ("release", "success"),
            ("cache", "skipped"),
            ("build", "skipped"),
            ("#3", "skipped"),
            ("scan", "success"),
            ("upload", "success"),
            ("gate", "failure"),
        ]
    );
    assert!(run.failed, "the gate fails the job");
    assert!(run.stdout["release"].contains("SHA-256 verified"));
    assert!(Path::new(&run.outputs["bin"]).is_file());
    // The SARIF is uploaded before the gate fails the job.
    assert!(run.position("upload") < run.position("gate"));
    assert_eq!(run.uploads.len(), 1);
    assert_eq!(run.uploads[0].1, "cargo-ready/fixture");
    assert_eq!(Path::new(&run.outputs["sarif-file"]), run.uploads[0].0);
    assert!(run.cargo.iter().all(|c| !c.args.starts_with("install")));
    assert_outside_and_pinned(&run, &repo(), "stable");
    assert_scan_outputs(&run);
}

fn assert_scan_outputs(run: &Outcome) {
    assert_eq!(run.outputs["status"], "not-ready");
    let score: u32 = run.outputs["score"].parse().unwrap();
    assert!(score <= 100);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&run.outputs["sarif-file"]).unwrap())
            .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "cargo-ready/fixture/"
    );
    // Paths are relative to the repository root, not to the working directory.
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with("tests/fixtures/outputs-all/"), "{uri}");
    assert!(Path::new(&run.outputs["badge-svg"]).is_file());
    assert!(Path::new(&run.outputs["badge-json"]).is_file());
    assert!(run.summary.contains("cargo-ready: ") && run.summary.contains("NOT READY"));
    assert!(run.summary.contains("| **Overall** |"));
    assert!(run.summary.contains(
        "(https://github.com/octo/svc/blob/0123456789abcdef0123456789abcdef01234567/tests/fixtures/outputs-all/scripts/deploy.py#L3)"
    ));
    // Errors come first, in report order; annotation paths are repository-relative too.
    // (the blocking call on main.rs:12 runs at startup: a note, after the warnings)
    let annotations = &run.stdout["scan"];
    assert!(
        annotations
            .starts_with("::error file=tests/fixtures/outputs-all/scripts/deploy.py,line=3,"),
        "{annotations}"
    );
}

#[test]
fn a_tampered_release_is_refused_and_never_run() {
    let releases = Releases::empty();
    let marker = tempfile::tempdir()
        .unwrap()
        .keep()
        .join("tampered-binary-ran");
    let evil = format!("#!/bin/sh\ntouch '{}'\n", marker.display());
    releases.publish(VERSION, &runner::wrapper(), &repo(), Some(&evil));
    let cache = tempfile::tempdir().unwrap();
    let job =
        Job::new(&repo(), &repo(), &releases.url, cache.path()).input("working-directory", FIXTURE);
    let run = runner::run(&job);
    assert_eq!(run.outcome("release"), "failure");
    for later in ["cache", "build", "scan", "upload", "gate"] {
        assert_eq!(run.outcome(later), "skipped", "{later}");
    }
    assert!(run.failed);
    assert!(
        run.stdout["release"].contains("does not match its SHA-256"),
        "{}",
        run.stdout["release"]
    );
    assert!(!marker.exists(), "the tampered binary ran");
}

#[test]
fn without_a_release_the_action_builds_once_and_the_cache_serves_later_runs() {
    let releases = Releases::empty();
    let cache = tempfile::tempdir().unwrap();
    let job = Job::new(&repo(), &repo(), &releases.url, cache.path())
        .input("working-directory", FIXTURE)
        .input("category", "fixture");
    let first = runner::run(&job);
    assert_eq!(first.step_outputs["release"]["installed"], "false");
    assert!(first.stdout["release"].contains(&format!("no release v{VERSION}")));
    assert_eq!(
        steps(&first)[1..],
        [
            ("cache", "success"),
            ("build", "success"),
            ("#3", "success"),
            ("scan", "success"),
            ("upload", "success"),
            ("gate", "failure"),
        ]
    );
    assert_eq!(first.step_outputs["cache"]["cache-hit"], "false");
    // Saved although the gate failed the job.
    let key = &first.step_outputs["release"]["cache-key"];
    assert!(cache.path().join(key).join("bin/cargo-ready").is_file());
    let installs: Vec<_> = first
        .cargo
        .iter()
        .filter(|c| c.args.starts_with("install"))
        .collect();
    assert_eq!(installs.len(), 1);
    let args = &installs[0].args;
    assert!(args.contains("--locked"), "{args}");
    assert!(
        args.contains(&format!("--path {}", repo().display())),
        "{args}"
    );
    assert_outside_and_pinned(&first, &repo(), "stable");
    assert_scan_outputs(&first);

    let second = runner::run(&job);
    assert_eq!(second.step_outputs["cache"]["cache-hit"], "true");
    assert_eq!(second.outcome("build"), "skipped");
    assert_eq!(second.outcome("#3"), "skipped");
    assert_eq!(second.outcome("scan"), "success");
    assert!(second.cargo.iter().all(|c| !c.args.starts_with("install")));
}

/// A copy of the action's files (what `uses: owner/repo@ref` downloads) with `edit` applied.
fn action_copy(edit: impl Fn(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for item in [
        "action.yml",
        "scripts",
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src",
        "checks",
        "policies",
    ] {
        let status = Command::new("cp")
            .arg("-R")
            .arg(repo().join(item))
            .arg(dir.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
    edit(dir.path());
    dir
}

fn release_step(action: &Path, releases: &Releases) -> Outcome {
    let cache = tempfile::tempdir().unwrap();
    let job = Job::new(action, &repo(), &releases.url, cache.path())
        .input("working-directory", FIXTURE)
        .stop_after("release");
    runner::run(&job)
}

#[test]
fn cache_keys_and_release_matching_follow_the_action_sources() {
    let same = action_copy(|_| {});
    let next_version = action_copy(|dir| {
        let manifest = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).unwrap();
        let bumped = text.replacen(
            &format!("version = \"{VERSION}\""),
            "version = \"9.9.9\"",
            1,
        );
        assert_ne!(text, bumped);
        std::fs::write(manifest, bumped).unwrap();
    });
    let branch = action_copy(|dir| {
        let lib = dir.join("src/lib.rs");
        let text = std::fs::read_to_string(&lib).unwrap();
        std::fs::write(lib, format!("{text}\n// a commit after the release\n")).unwrap();
    });
    // The release holds the binary of `same`'s sources.
    let releases = Releases::empty();
    releases.publish(VERSION, &runner::wrapper(), same.path(), None);

    let key = |run: &Outcome| run.step_outputs["release"]["cache-key"].clone();
    let released = release_step(same.path(), &releases);
    let bumped = release_step(next_version.path(), &releases);
    let unreleased = release_step(branch.path(), &releases);
    assert_eq!(released.step_outputs["release"]["installed"], "true");
    assert!(key(&released).starts_with(&format!(
        "cargo-ready-{VERSION}-x86_64-unknown-linux-musl-stable-"
    )));
    assert!(
        key(&bumped).starts_with("cargo-ready-9.9.9-"),
        "{}",
        key(&bumped)
    );
    assert_ne!(key(&released), key(&unreleased));
    assert_ne!(key(&bumped), key(&unreleased));
    // No v9.9.9 release; and a commit after v<VERSION> is not that release: both build.
    assert_eq!(bumped.step_outputs["release"]["installed"], "false");
    assert_eq!(unreleased.step_outputs["release"]["installed"], "false");
    assert!(unreleased.stdout["release"].contains("are not those of release"));
}

#[test]
fn gate_passes_and_badges_can_be_turned_off() {
    let releases = released();
    let cache = tempfile::tempdir().unwrap();
    let job = Job::new(&repo(), &repo(), &releases.url, cache.path())
        .input("working-directory", FIXTURE)
        .input("fail-on", "never")
        .input("badge", "false")
        .input("upload-sarif", "false");
    let run = runner::run(&job);
    assert!(!run.failed);
    assert_eq!(run.outcome("scan"), "success");
    assert_eq!(run.outcome("upload"), "skipped");
    assert_eq!(run.outcome("gate"), "success");
    assert_eq!(run.outputs["badge-svg"], "");
    assert!(Path::new(&run.outputs["sarif-file"]).is_file());
}

/// A checkout holding the fixture workspace in `svc/`, as a git repository.
fn checkout_with_fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let status = Command::new("cp")
        .arg("-R")
        .arg(repo().join(FIXTURE))
        .arg(dir.path().join("svc"))
        .status()
        .unwrap();
    assert!(status.success());
    dir
}

#[test]
fn the_scanned_repository_cannot_choose_the_toolchain() {
    let checkout = checkout_with_fixture();
    let evil = "[toolchain]\nchannel = \"cargo-ready-test-nonexistent\"\n";
    std::fs::write(checkout.path().join("rust-toolchain.toml"), evil).unwrap();
    std::fs::write(checkout.path().join("svc/rust-toolchain.toml"), evil).unwrap();
    // Control: inside the checkout, without a pinned toolchain, cargo obeys the file and fails.
    let inside = Command::new("cargo")
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .current_dir(checkout.path().join("svc"))
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("RUSTUP_AUTO_INSTALL", "0")
        .output()
        .unwrap();
    assert!(!inside.status.success(), "the toolchain file was not read");

    let releases = released();
    let cache = tempfile::tempdir().unwrap();
    let job = Job::new(&repo(), checkout.path(), &releases.url, cache.path())
        .input("working-directory", "svc")
        .input("fail-on", "never");
    let run = runner::run(&job);
    assert_eq!(run.outcome("scan"), "success");
    assert!(!run.failed);
    assert_outside_and_pinned(&run, checkout.path(), "stable");
    assert!(run.stdout["scan"].contains("::error file=svc/scripts/deploy.py,"));
}

#[test]
fn paths_in_args_are_relative_to_the_working_directory() {
    let checkout = checkout_with_fixture();
    let svc = checkout.path().join("svc");
    let baseline = Command::new(env!("CARGO_BIN_EXE_cargo-ready"))
        .args(["--format", "json", "--output", "json=ready-baseline.json"])
        .current_dir(&svc)
        .output()
        .unwrap();
    assert!(svc.join("ready-baseline.json").is_file(), "{baseline:?}");

    let releases = released();
    let cache = tempfile::tempdir().unwrap();
    let job = Job::new(&repo(), checkout.path(), &releases.url, cache.path())
        .input("working-directory", "svc")
        .input(
            "args",
            "--baseline ready-baseline.json --output=json=out/again.json",
        );
    let run = runner::run(&job);
    assert_eq!(run.outcome("scan"), "success");
    let again: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(svc.join("out/again.json")).unwrap())
            .unwrap();
    let findings = again["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["baseline"] == "unchanged"),
        "the baseline was not read"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn on_a_pull_request_the_changed_lines_come_first() {
    let checkout = checkout_with_fixture();
    let dir = checkout.path();
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "base"]);
    git(dir, &["checkout", "-qb", "feature"]);
    let worker = dir.join("svc/crates/worker/src/lib.rs");
    let text = std::fs::read_to_string(&worker).unwrap();
    std::fs::write(
        &worker,
        format!("{text}\npub fn changed() -> u8 {{\n    dbg!(1)\n}}\n"),
    )
    .unwrap();
    git(dir, &["commit", "-qam", "feature"]);
    // What actions/checkout gives a pull_request job: the merge commit, base as first parent.
    git(dir, &["checkout", "-q", "main"]);
    git(dir, &["merge", "-q", "--no-ff", "-m", "merge", "feature"]);

    let releases = released();
    let cache = tempfile::tempdir().unwrap();
    let mut job = Job::new(&repo(), dir, &releases.url, cache.path())
        .input("working-directory", "svc")
        .input("fail-on", "never");
    job.event_name = "pull_request".into();
    let run = runner::run(&job);
    // The new `dbg!` (a warning) is annotated before the errors on unchanged lines.
    let first = run.stdout["scan"].lines().next().unwrap_or("");
    let changed = "file=svc/crates/worker/src/lib.rs,line=9,";
    assert!(
        first.starts_with("::warning ") && first.contains(changed),
        "{}",
        run.stdout["scan"]
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            run.temp
                .path()
                .join("runner-temp/cargo-ready/cargo-ready.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let changed: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["changed"] == true)
        .collect();
    assert_eq!(changed.len(), 1, "{changed:?}");
}
