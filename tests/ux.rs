//! What a user sees first: error messages with a next step, colour choices, the one-line
//! verdict of `-q` and machine formats, and one finding per hazard (`supersedes`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::Path;

use assert_cmd::Command;

const MANIFEST: &str = "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n";

/// A one-package workspace with `src/lib.rs` and, when given, `ready.toml`.
fn workspace(lib_rs: &str, ready_toml: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), MANIFEST).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), lib_rs).unwrap();
    if let Some(text) = ready_toml {
        std::fs::write(dir.path().join("ready.toml"), text).unwrap();
    }
    dir
}

/// `cargo ready ARGS` in `dir` with a clean colour environment.
fn ready(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::cargo_bin("cargo-ready").unwrap();
    cmd.current_dir(dir).arg("ready").args(args);
    for var in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "CARGO_TERM_COLOR"] {
        cmd.env_remove(var);
    }
    cmd
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

fn findings(json: &str) -> Vec<(String, u64)> {
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// (check, line) of the findings of the `*unwrap*` checks; the run must not be a config error.
fn unwrap_findings(dir: &Path) -> Vec<(String, u64)> {
    let r = run(ready(dir, &["--format", "json"]));
    assert!(r.code <= 1, "{}", r.stderr);
    findings(&r.stdout)
        .into_iter()
        .filter(|(c, _)| c.contains("unwrap"))
        .collect()
}

const LOCKS: &str = "use std::sync::Mutex;\n\
pub fn count(state: &Mutex<Vec<u8>>) -> usize {\n\
    state.lock().unwrap().len()\n\
}\n\
pub fn first(o: Option<u8>) -> u8 {\n\
    o.unwrap()\n\
}\n";

#[test]
fn a_lock_unwrap_is_one_finding_from_lock_unwrap() {
    let dir = workspace(LOCKS, None);
    assert_eq!(
        unwrap_findings(dir.path()),
        [("lock-unwrap".into(), 3), ("no-unwrap".into(), 6)],
        "line 3 claimed by lock-unwrap; the plain unwrap on line 6 stays"
    );
}

#[test]
fn without_the_superseding_check_the_finding_stays() {
    let config = "[checks.lock-unwrap]\nenabled = false\n";
    let dir = workspace(LOCKS, Some(config));
    let r = run(ready(dir.path(), &["--format", "json"]));
    let lines: Vec<u64> = findings(&r.stdout)
        .into_iter()
        .filter(|(c, _)| c == "no-unwrap")
        .map(|(_, l)| l)
        .collect();
    assert_eq!(lines, [3, 6]);
}

#[test]
fn any_check_can_supersede_another() {
    let config = r#"
[[check]]
id = "option-unwrap"
title = "Option unwrapped"
category = "error-handling"
severity = "error"
kind = "text"
supersedes = ["no-unwrap"]
why = "x"
fix = "y"
[check.match]
pattern = 'o\.unwrap\(\)'
files = ["src/**/*.rs"]
"#;
    let dir = workspace(LOCKS, Some(config));
    let r = run(ready(dir.path(), &["--format", "json"]));
    let on_line_6: Vec<String> = findings(&r.stdout)
        .into_iter()
        .filter(|(_, l)| *l == 6)
        .map(|(c, _)| c)
        .collect();
    assert_eq!(on_line_6, ["option-unwrap"]);
}

#[test]
fn supersedes_naming_an_unknown_check_is_an_error_with_a_suggestion() {
    let config = "[[check]]\nid = \"mine\"\ntitle = \"t\"\ncategory = \"error-handling\"\nseverity = \"note\"\nkind = \"text\"\nsupersedes = [\"no-unwarp\"]\nwhy = \"x\"\nfix = \"y\"\n[check.match]\npattern = \"x\"\n";
    let dir = workspace("", Some(config));
    let r = run(ready(dir.path(), &[]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "ready.toml:7:15: `supersedes` names unknown check `no-unwarp`; did you mean `no-unwrap`?"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn a_misspelt_key_gets_did_you_mean_and_the_keys_allowed() {
    let config = "[checks.no-unwrap]\nsevrity = \"error\"\n[gate]\nzzz = 1\n";
    let dir = workspace("", Some(config));
    let r = run(ready(dir.path(), &[]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "ready.toml:2:1: unknown key `checks.no-unwrap.sevrity`; did you mean `severity`?"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(
            "ready.toml:4:1: unknown key `gate.zzz` (expected one of: blockers, branches, fail_on, floors, min_score)"
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn every_type_error_in_a_file_is_reported_together() {
    let config = "[checks.no-unwrap]\nmax = \"five\"\npaths = \"src/**\"\n\n[checks.no-panic]\nseverity = \"fatal\"\n\n[checks.no-such]\n";
    let dir = workspace("", Some(config));
    let r = run(ready(dir.path(), &[]));
    assert_eq!(r.code, 2);
    for expected in [
        "ready.toml:2:7: `checks.no-unwrap.max`: invalid type: string \"five\", expected a whole number (0 or more)",
        "ready.toml:3:9: `checks.no-unwrap.paths`: invalid type: string \"src/**\", expected an array",
        "ready.toml:6:12: `checks.no-panic.severity`: unknown variant `fatal`, expected one of `note`, `warning`, `error`",
        "ready.toml:8:9: unknown check id `no-such`",
        "4 configuration errors found",
    ] {
        assert!(
            r.stderr.contains(expected),
            "missing {expected}:\n{}",
            r.stderr
        );
    }
}

#[test]
fn explain_of_a_misspelt_check_suggests_the_right_one() {
    let dir = workspace("", None);
    let r = run(ready(dir.path(), &["explain", "no-unwarp"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("error: unknown check `no-unwarp`; did you mean `no-unwrap`?"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("`cargo ready list`"), "{}", r.stderr);
}

#[test]
fn a_misspelt_policy_name_gets_a_suggestion() {
    let dir = workspace("", None);
    let r = run(ready(dir.path(), &["--policy", "recomended"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("unknown policy `recomended`; did you mean `recommended`?"),
        "{}",
        r.stderr
    );
    let dir = workspace("", Some("extends = [\"strickt\"]\n"));
    let r = run(ready(dir.path(), &[]));
    assert!(
        r.stderr
            .contains("ready.toml:1:12: unknown policy `strickt`; did you mean `strict`?"),
        "{}",
        r.stderr
    );
}

#[test]
fn outside_a_workspace_the_error_suggests_manifest_path() {
    let dir = tempfile::tempdir().unwrap();
    let r = run(ready(dir.path(), &[]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("could not find `Cargo.toml`")
            && r.stderr.contains("--manifest-path path/to/Cargo.toml"),
        "{}",
        r.stderr
    );
}

/// A workspace whose gate fails: a blocking call on a request path (an event loop of async
/// code) is an error.
fn failing_workspace() -> tempfile::TempDir {
    workspace(
        "pub async fn serve(listener: tokio::net::TcpListener) {\n    while let Ok((_stream, peer)) = listener.accept().await {\n        std::fs::write(peer.to_string(), b\"x\").ok();\n    }\n}\n",
        None,
    )
}

#[test]
fn machine_formats_print_one_verdict_line_on_stderr_when_the_gate_fails() {
    let dir = failing_workspace();
    for format in ["json", "sarif", "github", "markdown", "badge-json"] {
        let r = run(ready(dir.path(), &["--format", format]));
        assert_eq!(r.code, 1, "{format}");
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{format}: {}", r.stderr);
        assert!(
            lines[0].starts_with("cargo-ready: NOT READY (score ")
                && lines[0].ends_with("): 1 blocking check"),
            "{format}: {}",
            lines[0]
        );
    }
    let clean = workspace("pub fn f() {}\n", None);
    let r = run(ready(clean.path(), &["--format", "json"]));
    assert_eq!(
        (r.code, r.stderr.as_str()),
        (0, ""),
        "a passing gate says nothing"
    );
}

#[test]
fn quiet_prints_only_the_verdict_line() {
    let dir = failing_workspace();
    let r = run(ready(dir.path(), &["-q"]));
    assert_eq!(r.code, 1);
    assert_eq!(r.stderr, "");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{}", r.stdout);
    assert!(lines[0].starts_with("cargo-ready: NOT READY (score "));
    let r = run(ready(dir.path(), &["-q", "--format", "json"]));
    assert!(r.stdout.trim_start().starts_with('{'));
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
}

fn has_colour(text: &str) -> bool {
    text.contains('\x1b')
}

#[test]
fn colour_follows_the_flag_then_cargo_term_color_then_the_environment() {
    let dir = failing_workspace();
    let human = |args: &[&str], env: &[(&str, &str)]| {
        let mut cmd = ready(dir.path(), args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        run(cmd).stdout
    };
    assert!(!has_colour(&human(&[], &[])), "plain when piped");
    assert!(has_colour(&human(&["--color", "always"], &[])));
    assert!(has_colour(&human(&[], &[("CARGO_TERM_COLOR", "always")])));
    assert!(has_colour(&human(&[], &[("CLICOLOR_FORCE", "1")])));
    assert!(!has_colour(&human(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    )));
    assert!(!has_colour(&human(
        &["--color", "never"],
        &[("CARGO_TERM_COLOR", "always")]
    )));
    assert!(!has_colour(&human(
        &[],
        &[("CARGO_TERM_COLOR", "never"), ("CLICOLOR_FORCE", "1")]
    )));
    assert!(has_colour(&human(
        &["--color", "always"],
        &[("NO_COLOR", "1")]
    )));
}

#[test]
fn the_human_report_ends_with_the_verdict_and_the_next_step() {
    let dir = failing_workspace();
    let r = run(ready(dir.path(), &[]));
    let last = r.stdout.lines().last().unwrap();
    assert!(
        last.starts_with("NOT READY · score ")
            && last.ends_with(
                "· blocked by blocking-in-async · next: cargo ready explain blocking-in-async"
            ),
        "{last}"
    );
    assert!(r.stdout.contains("--baseline ready-baseline.json"));
    assert!(
        r.stdout
            .contains("= note: suppress with `// ready:allow(blocking-in-async): <reason>`"),
        "{}",
        r.stdout
    );
    let first_section = r.stdout.find("── ").unwrap();
    assert!(
        r.stdout[first_section..].starts_with("── error check `blocking-in-async`"),
        "blockers come first"
    );
}

#[test]
fn check_prose_describes_the_hazard_in_its_own_words() {
    for d in cargo_ready::config::builtin_catalogue().unwrap() {
        for (field, text) in [("why", &d.why), ("fix", &d.fix), ("title", &d.title)] {
            let lower = text.to_lowercase();
            assert!(
                !lower.contains("audit"),
                "checks/{}.toml `{field}` cites an audit the user has never seen: {text}",
                d.id
            );
        }
    }
}

/// A service (`api`, axum + a bin), a library with platform code, an unwrap in each.
fn service_workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"api\", \"crates/platform\"]\nresolver = \"2\"\n",
    );
    write(
        "api/Cargo.toml",
        "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\naxum = \"0.8\"\n",
    );
    write(
        "api/src/main.rs",
        "#[tokio::main]\nasync fn main() {\n    let port: u16 = std::env::var(\"PORT\").unwrap().len() as u16;\n    if let Ok(listener) = tokio::net::TcpListener::bind((\"0.0.0.0\", port)).await {\n        let _ = axum::serve(listener, axum::Router::new()).await;\n    }\n}\n",
    );
    write(
        "crates/platform/Cargo.toml",
        "[package]\nname = \"platform\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n",
    );
    write(
        "crates/platform/src/lib.rs",
        "#[cfg(windows)]\npub mod windows;\npub fn home() -> String {\n    std::env::var(\"HOME\").unwrap()\n}\n",
    );
    write("crates/platform/src/windows.rs", "pub fn f() {}\n");
    dir
}

#[test]
fn init_writes_a_commented_ready_toml_for_this_workspace() {
    let dir = service_workspace();
    let r = run(ready(dir.path(), &["init"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("wrote "), "{}", r.stdout);
    assert!(r.stdout.contains("services: api (api)"), "{}", r.stdout);
    let path = dir.path().join("ready.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    insta::assert_snapshot!("init_ready_toml", text);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode & 0o044,
            0o044,
            "readable like any file to commit: {mode:o}"
        );
    }
    // The file is a valid configuration: the run gates (exit 0 or 1), no config error.
    let r = run(ready(dir.path(), &["--format", "json"]));
    assert!(r.code <= 1, "{}", r.stderr);
}

#[test]
fn the_platform_suggestion_works_once_uncommented() {
    let dir = service_workspace();
    run(ready(dir.path(), &["init"]));
    let path = dir.path().join("ready.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut in_block = false;
    let uncommented: Vec<&str> = text
        .lines()
        .map(|l| {
            in_block = (in_block || l.starts_with("# [[check]]")) && l.starts_with("# ");
            if in_block { &l[2..] } else { l }
        })
        .collect();
    std::fs::write(&path, uncommented.join("\n")).unwrap();
    assert_eq!(
        unwrap_findings(dir.path()),
        [("no-unwrap".into(), 3), ("platform-unwrap".into(), 4)],
        "the platform check claims the unwrap in crates/platform, no-unwrap keeps api's"
    );
}

#[test]
fn init_never_replaces_a_configuration_without_force() {
    let dir = service_workspace();
    let path = dir.path().join("ready.toml");
    std::fs::write(&path, "# mine\n").unwrap();
    let r = run(ready(dir.path(), &["init"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("ready.toml already exists; `cargo ready init --force` replaces it"),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
    let r = run(ready(dir.path(), &["init", "--force"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("#:schema ")
    );

    let dir = workspace("", None);
    let manifest = dir.path().join("Cargo.toml");
    let with_metadata = format!(
        "{}\n[workspace.metadata.ready]\nextends = [\"strict\"]\n",
        std::fs::read_to_string(&manifest).unwrap()
    );
    std::fs::write(&manifest, with_metadata).unwrap();
    let r = run(ready(dir.path(), &["init"]));
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("the configuration is in Cargo.toml `[workspace.metadata.ready]`"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("ready.toml").exists());
}

#[test]
fn explain_reads_well_in_a_terminal() {
    let dir = workspace("", None);
    let r = run(ready(dir.path(), &["explain", "lock-unwrap"]));
    assert_eq!(r.code, 0);
    assert!(
        r.stdout.lines().all(|l| l.chars().count() <= 100),
        "wrapped: {}",
        r.stdout
    );
    insta::assert_snapshot!("explain_lock_unwrap", r.stdout);
}
