//! End-to-end tests of the command line on fixture workspaces.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::PathBuf;

use assert_cmd::Command;
use clap::CommandFactory;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .join("Cargo.toml")
}

fn ready(args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("cargo-ready").unwrap();
    cmd.arg("ready").args(args).env("NO_COLOR", "1");
    cmd
}

fn stdout_of(cmd: &mut Command) -> (String, i32) {
    let out = cmd.output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

/// Runs a command that must fail with a usage / configuration error (exit 2); its stderr.
fn usage_error(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

fn basic(args: &[&str]) -> (String, i32) {
    let manifest = fixture("basic");
    let mut all = vec!["--manifest-path", manifest.to_str().unwrap()];
    all.extend_from_slice(args);
    stdout_of(&mut ready(&all))
}

/// The findings of one check in the `basic` fixture's JSON report.
fn basic_findings(check: &str) -> Vec<serde_json::Value> {
    let (out, _) = basic(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .cloned()
        .collect()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.add_filter(env!("CARGO_PKG_VERSION"), "[VERSION]");
    // The fixtures sit in this repository: the branch the gate reports is whatever is checked out.
    s.add_filter(r#""branch": (null|"[^"]*")"#, r#""branch": "[BRANCH]""#);
    s.add_filter(r"branch [^,()]*, gate ", "gate ");
    s
}

#[test]
fn cli_definition_is_consistent() {
    cargo_ready::cli::Cli::command().debug_assert();
}

#[test]
fn human_scorecard_snapshot() {
    let (out, code) = basic(&[]);
    assert_eq!(code, 1, "a failing error check fails the gate");
    settings().bind(|| insta::assert_snapshot!("basic_human", out));
}

#[test]
fn json_snapshot_and_contract() {
    let (out, code) = basic(&["--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    for key in [
        "format_version",
        "scoring_model",
        "score",
        "status",
        "categories",
        "checks",
        "findings",
        "gate",
    ] {
        assert!(v.get(key).is_some(), "missing top-level `{key}`");
    }
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        for key in [
            "check",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "package",
            "fingerprint",
            "suppressed",
        ] {
            assert!(f.get(key).is_some(), "finding lacks `{key}`: {f}");
        }
        assert!(!f["file"].as_str().unwrap().contains('\\'));
        assert!(!f["file"].as_str().unwrap().starts_with('/'));
    }
    settings().bind(|| insta::assert_snapshot!("basic_json", out));
}

#[test]
fn two_runs_give_identical_bytes() {
    assert_eq!(basic(&["--format", "json"]), basic(&["--format", "json"]));
    assert_eq!(basic(&[]), basic(&[]));
}

#[test]
fn text_check_finds_matches_in_a_python_file() {
    let hits = basic_findings("python-silent-except");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["file"], "scripts/sync.py");
    assert_eq!(hits[0]["line"], 6);
    assert_eq!(hits[0]["column"], 5, "the `at` group points at `except`");
}

#[test]
fn dependency_check_fires_only_for_packages_that_depend_on_the_crate() {
    let packages: Vec<String> = basic_findings("services-use-tower-http")
        .iter()
        .map(|f| f["package"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(packages, ["svc"], "only the axum service needs tower-http");
    let openssl = basic_findings("no-openssl");
    assert_eq!(openssl.len(), 1);
    assert_eq!(openssl[0]["file"], "corelib/Cargo.toml");
    assert_eq!(openssl[0]["line"], 8, "points at the dependency line");
}

#[test]
fn package_selection_limits_the_scan() {
    let (out, code) = basic(&["--format", "json", "-p", "svc"]);
    assert_eq!(code, 0, "svc alone has no failing error check");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["package"] != "corelib")
    );
    let (_, code) = basic(&["--exclude", "corelib"]);
    assert_eq!(code, 0);
    let (_, code) = basic(&["-p", "nope"]);
    assert_eq!(code, 2);
}

#[test]
fn gate_options() {
    assert_eq!(basic(&["--fail-on", "never"]).1, 0);
    assert_eq!(basic(&["-p", "svc", "--fail-on", "warning"]).1, 1);
    assert_eq!(basic(&["-p", "svc", "--min-score", "99"]).1, 1);
    assert_eq!(
        basic(&["--min-score", "101"]).1,
        2,
        "out of range is a usage error"
    );
}

#[test]
fn output_files_are_written_from_the_same_scan() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("out/report.json");
    let arg = format!("json={}", json.display());
    let (stdout, _) = basic(&["--output", &arg]);
    assert!(stdout.contains("OVERALL"));
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(written["status"], "not-ready");
    let leftovers: Vec<_> = std::fs::read_dir(json.parent().unwrap()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temp file left behind");
    assert_eq!(basic(&["--output", "nope=x"]).1, 2);
}

#[test]
fn all_config_errors_are_reported_together_with_locations() {
    let stderr = usage_error(&mut ready(&[
        "--manifest-path",
        fixture("bad-config").to_str().unwrap(),
    ]));
    insta::assert_snapshot!("bad_config_errors", stderr);
}

#[test]
fn typo_in_ready_toml_names_the_key_with_its_location() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"t\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(
        dir.path().join("ready.toml"),
        "[checks.license-declared]\nmaxx = 3\n",
    )
    .unwrap();
    let stderr = usage_error(ready(&[]).current_dir(dir.path()));
    assert!(
        stderr.contains("ready.toml:2:1: unknown key `checks.license-declared.maxx`"),
        "{stderr}"
    );
}

#[test]
fn works_as_cargo_ready_and_as_cargo_ready_ready() {
    let manifest = fixture("basic");
    let m = manifest.to_str().unwrap();
    let with = Command::cargo_bin("cargo-ready")
        .unwrap()
        .args(["ready", "--manifest-path", m])
        .output()
        .unwrap();
    let without = Command::cargo_bin("cargo-ready")
        .unwrap()
        .args(["--manifest-path", m])
        .output()
        .unwrap();
    let check = Command::cargo_bin("cargo-ready")
        .unwrap()
        .args(["ready", "check", "--manifest-path", m])
        .output()
        .unwrap();
    assert_eq!(with.stdout, without.stdout);
    assert_eq!(with.stdout, check.stdout);
}

#[test]
fn list_shows_every_builtin_check() {
    let (out, code) = stdout_of(&mut ready(&["list"]));
    assert_eq!(code, 0);
    let catalogue = cargo_ready::config::builtin_catalogue().unwrap();
    assert!(!catalogue.is_empty());
    for def in &catalogue {
        let line = out
            .lines()
            .find(|l| l.split_whitespace().next() == Some(def.id.as_str()));
        let line = line.unwrap_or_else(|| panic!("`{}` missing from list", def.id));
        assert!(
            line.contains(&def.category)
                && line.contains(def.severity.as_str())
                && line.contains(&def.kind)
        );
        assert!(
            line.contains(" yes "),
            "recommended enables `{}`: {line}",
            def.id
        );
    }
}

#[test]
fn explain_prints_why_fix_and_examples() {
    let (out, code) = stdout_of(&mut ready(&["explain", "license-declared"]));
    assert_eq!(code, 0);
    for section in [
        "Why it matters",
        "How to fix it",
        "Bad",
        "Good",
        "ready:allow(license-declared)",
    ] {
        assert!(out.contains(section), "missing {section}: {out}");
    }
    let (_, code) = stdout_of(&mut ready(&["explain", "no-such-check"]));
    assert_eq!(code, 2);
}

#[test]
fn help_snapshots() {
    for (name, args) in [
        ("help", vec!["--help"]),
        ("help_check", vec!["check", "--help"]),
        ("help_list", vec!["list", "--help"]),
        ("help_explain", vec!["explain", "--help"]),
        ("help_init", vec!["init", "--help"]),
    ] {
        let (out, code) = stdout_of(&mut ready(&args));
        assert_eq!(code, 0);
        insta::assert_snapshot!(name, out);
    }
}

#[test]
fn broken_manifest_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package\nname = ").unwrap();
    let stderr = usage_error(ready(&[]).current_dir(dir.path()));
    assert!(
        stderr.starts_with("error: `cargo metadata` failed"),
        "{stderr}"
    );
}

#[test]
fn inline_allow_comment_suppresses_with_its_reason() {
    let todo = basic_findings("no-todo-comments");
    let suppressed: Vec<_> = todo.iter().filter(|f| !f["suppressed"].is_null()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["line"], 6);
    assert_eq!(suppressed[0]["suppressed"]["reason"], "tracked in issue 12");
    let (out, _) = basic(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let check = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "no-todo-comments")
        .unwrap();
    assert_eq!(
        (check["findings"].as_u64(), check["suppressed"].as_u64()),
        (Some(2), Some(1))
    );
}

#[test]
fn baseline_suppresses_known_findings() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.json");
    let (_, code) = basic(&["--output", &format!("json={}", base.display())]);
    assert_eq!(code, 1);
    let (out, code) = basic(&["--format", "json", "--baseline", base.to_str().unwrap()]);
    assert_eq!(code, 0, "nothing new since the baseline");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["baseline"] == "unchanged" && !f["suppressed"].is_null())
    );
    assert_eq!(basic(&["--baseline", "/nonexistent.json"]).1, 2);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
        .status
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn diff_base_marks_changed_lines_and_annotates_them_first() {
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("ws");
    copy_dir(fixture("basic").parent().unwrap(), &ws);
    git(&ws, &["init", "-q"]);
    git(&ws, &["add", "-A"]);
    git(&ws, &["commit", "-qm", "base"]);
    let main_rs = ws.join("svc/src/main.rs");
    let text = std::fs::read_to_string(&main_rs).unwrap();
    std::fs::write(&main_rs, format!("{text}// TODO: new work\n")).unwrap();
    let manifest = ws.join("Cargo.toml");
    let m = manifest.to_str().unwrap();
    let (out, _) = stdout_of(&mut ready(&[
        "--manifest-path",
        m,
        "--format",
        "json",
        "--diff-base",
        "HEAD",
    ]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let todos: Vec<(u64, bool)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "no-todo-comments" && f["file"] == "svc/src/main.rs")
        .map(|f| (f["line"].as_u64().unwrap(), f["changed"].as_bool().unwrap()))
        .collect();
    assert_eq!(todos, [(2, false), (6, true)]);
    let (gh, _) = stdout_of(&mut ready(&[
        "--manifest-path",
        m,
        "--format",
        "github",
        "--diff-base",
        "HEAD",
    ]));
    let notices: Vec<&str> = gh
        .lines()
        .filter(|l| l.starts_with("::notice file="))
        .collect();
    assert!(
        notices[0].contains("svc/src/main.rs,line=6"),
        "changed line first: {notices:?}"
    );
    assert_eq!(
        ready(&["--manifest-path", m, "--diff-base", "no-such-rev"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

fn temp_workspace(root_manifest: &str, members: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), root_manifest).unwrap();
    for (name, manifest) in members {
        std::fs::create_dir_all(dir.path().join(name).join("src")).unwrap();
        std::fs::write(dir.path().join(name).join("Cargo.toml"), manifest).unwrap();
        std::fs::write(dir.path().join(name).join("src/lib.rs"), "pub fn f() {}\n").unwrap();
    }
    dir
}

#[test]
fn workspace_metadata_configures_and_member_metadata_is_refused() {
    let member =
        "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n";
    let root = "[workspace]\nmembers = [\"a\"]\n\n[workspace.metadata.ready]\nextends = []\n[workspace.metadata.ready.categories.supply-chain]\n[workspace.metadata.ready.checks.license-declared]\nseverity = \"error\"\n[workspace.metadata.ready.checks.license-declared.applies]\n";
    let dir = temp_workspace(root, &[("a", member)]);
    let (out, code) = stdout_of(ready(&["--format", "json"]).current_dir(dir.path()));
    assert_eq!(
        code, 1,
        "license-declared raised to error by the root metadata"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["license-declared"]);

    let with_member_config =
        format!("{member}\n[package.metadata.ready]\nextends = [\"strict\"]\n");
    let dir = temp_workspace(
        "[workspace]\nmembers = [\"a\"]\n",
        &[("a", &with_member_config)],
    );
    let stderr = usage_error(ready(&[]).current_dir(dir.path()));
    assert!(
        stderr.contains(
            "a/Cargo.toml:8:1: `[package.metadata.ready]` of a member may only set `role = \"test-support\"`"
        ),
        "{stderr}"
    );
}

#[test]
fn hostile_files_do_not_crash_the_scan() {
    let member =
        "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n";
    let dir = temp_workspace("[workspace]\nmembers = [\"a\"]\n", &[("a", member)]);
    let src = dir.path().join("a/src");
    let deep = format!(
        "pub fn f() -> u32 {{ {}1{} }}\n",
        "(".repeat(50_000),
        ")".repeat(50_000)
    );
    std::fs::write(
        src.join("lib.rs"),
        format!("mod deep;\nmod binary;\n{deep}"),
    )
    .unwrap();
    std::fs::write(src.join("deep.rs"), &deep).unwrap();
    std::fs::write(src.join("binary.rs"), [0xff_u8, 0xfe, 0x00, 0x41]).unwrap();
    let minified = format!("{}try{{f()}}catch(e){{}}\n", "var a=1;".repeat(20_000));
    std::fs::write(dir.path().join("a/app.min.js"), minified).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("..", src.join("loop")).unwrap();
    let (out, code) =
        stdout_of(ready(&["--format", "json", "--fail-on", "never"]).current_dir(dir.path()));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let parse_errors: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "parse-error")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert_eq!(parse_errors, ["a/src/deep.rs", "a/src/lib.rs"]);
    let notes: Vec<&str> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["file"].as_str().unwrap())
        .collect();
    assert_eq!(
        notes,
        ["a/src/binary.rs"],
        "not UTF-8 is a note, not a crash"
    );
}

#[test]
fn nightly_cargo_features_in_a_manifest_are_read_with_a_note() {
    let member =
        "[package]\nname = \"a\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n";
    let root = "cargo-features = [\"profile-rustflags\"]\n\n[workspace]\nmembers = [\"a\"]\n\n[profile.release]\nrustflags = [\"-Cdebuginfo=1\"]\n";
    let dir = temp_workspace(root, &[("a", member)]);
    let (out, code) = stdout_of(ready(&["--format", "json"]).current_dir(dir.path()));
    assert_ne!(code, 2, "{out}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(report.to_string().contains("RUSTC_BOOTSTRAP=1"), "{out}");
}

#[test]
fn a_registry_dependency_patched_to_a_member_links_the_members() {
    // `web = "*"`: the patch pins it to the member, so no wildcard finding either
    let app = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nweb = \"*\"\nserde = \"*\"\n";
    let web = "[package]\nname = \"web\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\naxum = \"0.7\"\ntokio = \"1\"\n";
    let root = "[workspace]\nmembers = [\"app\", \"web\"]\n\n[patch.crates-io]\nweb = { path = \"web\" }\n";
    let dir = temp_workspace(root, &[("app", app), ("web", web)]);
    std::fs::write(
        dir.path().join("app/src/main.rs"),
        "#[tokio::main]\nasync fn main() {\n    web::serve().await;\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("web/src/lib.rs"),
        "pub async fn serve() {\n    let app = axum::Router::new();\n    let l = tokio::net::TcpListener::bind(\"0.0.0.0:8080\").await.unwrap();\n    axum::serve(l, app).await.unwrap();\n}\n",
    )
    .unwrap();
    let (out, _) = stdout_of(ready(&["list", "--services"]).current_dir(dir.path()));
    assert!(out.starts_with("service `app`"), "{out}");
    let (out, _) = stdout_of(ready(&["--format", "json"]).current_dir(dir.path()));
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let wildcards: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "no-wildcard-deps")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(wildcards.len(), 1, "{wildcards:?}");
    assert!(wildcards[0].contains("`serde`"), "{wildcards:?}");
}

#[test]
fn a_tracked_file_counts_though_gitignore_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(root.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(root.join("Cargo.lock"), "version = 4\n").unwrap();
    std::fs::write(root.join(".gitignore"), "Cargo.lock\n").unwrap();
    let lockfile_findings = || {
        let (out, _) = stdout_of(ready(&["--format", "json"]).current_dir(root));
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["check"] == "lockfile-committed")
            .count()
    };
    git(root, &["init", "-q"]);
    // ignored and untracked: not committed
    assert_eq!(lockfile_findings(), 1);
    git(root, &["add", "-f", "Cargo.lock"]);
    // tracked: committed, whatever .gitignore says
    assert_eq!(lockfile_findings(), 0);
}
