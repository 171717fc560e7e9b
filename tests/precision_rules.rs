//! The precision rules of the survey-tuned checks, end to end on small temp workspaces:
//! `license-declared` only on shipped packages (every publishable one under the `library`
//! policy), `ci-workflow-present` at the git root of a workspace in a subdirectory, and the
//! `skip` classes of `no-unwrap` turned off by a user's `ready.toml`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use assert_cmd::Command;

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

/// The JSON report of the workspace at `manifest` (never failing the gate).
fn report(manifest: &Path, extra: &[&str]) -> serde_json::Value {
    let mut cmd = Command::cargo_bin("cargo-ready").unwrap();
    cmd.args([
        "ready",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--manifest-path",
    ])
    .arg(manifest)
    .args(extra);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The unsuppressed findings of `check` in a report.
fn of_check<'r>(v: &'r serde_json::Value, check: &str) -> Vec<&'r serde_json::Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check && f["suppressed"].is_null())
        .collect()
}

/// `(file, line)` of the unsuppressed findings of `check` for the workspace at `manifest`.
fn findings(manifest: &Path, check: &str, extra: &[&str]) -> Vec<(String, u64, String)> {
    of_check(&report(manifest, extra), check)
        .into_iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn package(name: &str, extra: &str) -> String {
    format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{extra}")
}

#[test]
fn license_is_required_of_shipped_packages_only() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"app\", \"core\", \"client\", \"tools\", \"example\"]\n",
            ),
            ("app/Cargo.toml", &package("app", "")),
            ("app/src/main.rs", "fn main() {}\n"),
            ("core/Cargo.toml", &package("core", "")),
            ("core/src/lib.rs", "pub fn f() {}\n"),
            (
                "client/Cargo.toml",
                &package("client", "description = \"API client\"\n"),
            ),
            ("client/src/lib.rs", "pub fn f() {}\n"),
            ("tools/Cargo.toml", &package("tools", "")),
            ("tools/src/lib.rs", "pub fn f() {}\n"),
            ("tools/src/bin/gen-docs.rs", "fn main() {}\n"),
            (
                "example/Cargo.toml",
                &package(
                    "example",
                    "publish = false\n[[example]]\nname = \"demo\"\npath = \"demo.rs\"\n",
                ),
            ),
            ("example/demo.rs", "fn main() {}\n"),
        ],
    );
    let manifest = dir.path().join("Cargo.toml");
    let files = |extra: &[&str]| -> Vec<String> {
        let mut f: Vec<String> = findings(&manifest, "license-declared", extra)
            .into_iter()
            .map(|(file, _, _)| file)
            .collect();
        f.sort();
        f
    };
    // The application and the library prepared for crates.io; not the internal `core`, the
    // helper bin of `tools`, nor the examples package.
    assert_eq!(files(&[]), ["app/Cargo.toml", "client/Cargo.toml"]);
    // The library policy asks it of every publishable package.
    assert_eq!(
        files(&["--policy", "library"]),
        [
            "app/Cargo.toml",
            "client/Cargo.toml",
            "core/Cargo.toml",
            "tools/Cargo.toml"
        ]
    );
}

fn git_init(dir: &Path) {
    let ok = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git init");
}

#[test]
fn ci_at_the_repository_root_counts_for_a_workspace_in_a_subdirectory() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "backend/Cargo.toml",
                &format!("{}\n[workspace]\n", package("svc", "publish = false\n")),
            ),
            ("backend/src/main.rs", "fn main() {}\n"),
            (".github/workflows/ci.yml", "on: push\n"),
        ],
    );
    let manifest = dir.path().join("backend/Cargo.toml");
    // Not a git work tree: the workspace root is where CI would be.
    let outside = findings(&manifest, "ci-workflow-present", &[]);
    assert_eq!(outside.len(), 1, "{outside:?}");

    git_init(dir.path());
    assert_eq!(findings(&manifest, "ci-workflow-present", &[]), []);

    std::fs::remove_file(dir.path().join(".github/workflows/ci.yml")).unwrap();
    let missing = findings(&manifest, "ci-workflow-present", &[]);
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].0, "Cargo.toml");
}

#[test]
fn a_skip_class_removed_in_ready_toml_brings_its_unwraps_back() {
    let dir = tempfile::tempdir().unwrap();
    let lib = "pub fn port() -> u16 {\n    \"8080\".parse().unwrap()\n}\n\npub fn first(v: &[u8]) -> u8 {\n    if v.is_empty() {\n        return 0;\n    }\n    *v.first().unwrap()\n}\n\npub fn read(p: &str) -> String {\n    std::fs::read_to_string(p).unwrap()\n}\n";
    write(
        dir.path(),
        &[
            (
                "Cargo.toml",
                &format!("{}\n[workspace]\n", package("lib", "publish = false\n")),
            ),
            ("src/lib.rs", lib),
        ],
    );
    let manifest = dir.path().join("Cargo.toml");
    let lines = |check: &str| -> Vec<u64> {
        findings(&manifest, check, &[])
            .into_iter()
            .map(|(_, l, _)| l)
            .collect()
    };
    assert_eq!(lines("no-unwrap"), [13]);
    // A check of the user's own that skips only guarded unwraps sees the constant parse too.
    let own = "[[check]]\nid = \"any-unwrap\"\ntitle = \"t\"\ncategory = \"error-handling\"\nseverity = \"warning\"\nkind = \"call\"\nwhy = \"w\"\nfix = \"f\"\n[check.match]\nmethods = [\"unwrap\", \"expect\"]\nskip = [\"checked\"]\n";
    write(dir.path(), &[("ready.toml", own)]);
    assert_eq!(lines("any-unwrap"), [2, 13]);
}

/// The severity of every unsuppressed finding of `check`: `(line, severity)`.
fn severities(manifest: &Path, check: &str) -> Vec<(u64, String)> {
    let v = report(manifest, &[]);
    let mut found: Vec<(u64, String)> = of_check(&v, check)
        .into_iter()
        .map(|f| {
            let line = f["line"].as_u64().unwrap();
            (line, f["severity"].as_str().unwrap().to_string())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_block_on_in_a_request_handler_is_a_note_a_file_read_an_error() {
    // Whether `block_on` waits depends on the future it is given (lndk's
    // `block_on(connect_from_memory(..))` parses a certificate; read-rpc's of a lock read held
    // by nobody across an await): `lowered` caps it, directly and at the end of a chain; the
    // file read beside it stays an error.
    let dir = tempfile::tempdir().unwrap();
    let main = r#"use axum::{routing::get, Router};

fn client() -> u32 {
    futures::executor::block_on(async { 1 })
}

async fn offer() -> String {
    let direct = futures::executor::block_on(async { 2 });
    let through = client();
    let key = std::fs::read_to_string("/etc/key").unwrap_or_default();
    format!("{direct} {through} {key}")
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let app = Router::new().route("/offer", get(offer));
    let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
    axum::serve(listener, app).await
}
"#;
    let deps = "[dependencies]\naxum = \"0.8\"\nfutures = \"0.3\"\ntokio = \"1\"\n";
    write(
        dir.path(),
        &[
            ("Cargo.toml", &package("lightning", deps)),
            ("src/main.rs", main),
        ],
    );
    assert_eq!(
        severities(&dir.path().join("Cargo.toml"), "blocking-in-async"),
        [
            (8, "note".to_string()),
            (9, "note".to_string()),
            (10, "error".to_string())
        ]
    );
}

#[test]
fn structured_logging_set_up_by_an_own_logging_crate_from_git_counts() {
    // signup-sequencer's services log through `telemetry-batteries`, a git dependency that
    // installs tracing-subscriber; the lock file says so (fifty-first held-out set). A git
    // crate that is no logging crate (rmb-rs's `tfchain-client`) sets up nothing.
    let dir = tempfile::tempdir().unwrap();
    let outcome = |own: &str, own_deps: &str| {
        let main = format!(
            "#[tokio::main]\nasync fn main() -> std::io::Result<()> {{\n    {}::init();\n    \
             let app = axum::Router::new();\n    \
             let listener = tokio::net::TcpListener::bind(\"0.0.0.0:8080\").await?;\n    \
             axum::serve(listener, app).await\n}}\n",
            own.replace('-', "_")
        );
        let deps = format!(
            "[dependencies]\naxum = \"0.8\"\ntokio = \"1\"\n\
             {own} = {{ git = \"https://github.com/example/{own}\" }}\n"
        );
        let lock = format!(
            "version = 3\n\n[[package]]\nname = \"sequencer\"\nversion = \"0.1.0\"\n\
             dependencies = [\n \"axum\",\n \"{own}\",\n \"tokio\",\n]\n\n\
             [[package]]\nname = \"{own}\"\nversion = \"0.1.0\"\n\
             source = \"git+https://github.com/example/{own}#0123456789abcdef\"\n\
             dependencies = [\n{own_deps}]\n"
        );
        write(
            dir.path(),
            &[
                ("Cargo.toml", &package("sequencer", &deps)),
                ("Cargo.lock", &lock),
                ("src/main.rs", &main),
            ],
        );
        let v = report(&dir.path().join("Cargo.toml"), &[]);
        let check = v["services"][0]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "structured-logging")
            .cloned()
            .unwrap();
        (check["outcome"].clone(), check["evidence"]["file"].clone())
    };
    let with_backend = " \"tracing\",\n \"tracing-subscriber 0.3.18\",\n";
    assert_eq!(
        outcome("telemetry-batteries", with_backend),
        (serde_json::json!("pass"), serde_json::json!("Cargo.lock"))
    );
    assert_eq!(
        outcome("telemetry-batteries", " \"tracing\",\n").0,
        serde_json::json!("fail")
    );
    assert_eq!(
        outcome("chain-client", with_backend).0,
        serde_json::json!("fail")
    );
}
