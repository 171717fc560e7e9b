//! Hostile configuration: `extends` escaping the workspace, numbers breaking the score,
//! configuration that would be silently ignored, errors located at their value.

use crate::*;

// ---- 4. `extends` stays inside ----------------------------------------------------------------

#[test]
fn extends_outside_the_workspace_is_refused_without_echoing_the_file() {
    let outside = tempfile::tempdir().unwrap();
    write(
        outside.path(),
        "secret.toml",
        "password = \"hunter2\"\n[checks.x]\n",
    );
    let abs = outside.path().join("secret.toml");
    for extends in [
        abs.display().to_string(),
        "/etc/passwd.toml".into(),
        "/dev/zero".into(),
        "../secret.toml".into(),
        "sub/../../secret.toml".into(),
    ] {
        let ws = workspace(&[("ready.toml", &format!("extends = [{extends:?}]\n"))]);
        let err = config_error(ws.path());
        assert!(err.contains("ready.toml:1:"), "{err}");
        assert!(
            !err.contains("hunter2") && !err.contains("password"),
            "{err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn extends_through_a_symlink_out_or_into_git_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "p.toml", "password = \"hunter2\"\n");
    let ws = workspace(&[("ready.toml", "extends = [\"./policies/team.toml\"]\n")]);
    std::fs::create_dir_all(ws.path().join("policies")).unwrap();
    symlink(
        outside.path().join("p.toml"),
        &ws.path().join("policies/team.toml"),
    );
    let err = config_error(ws.path());
    assert!(err.contains("resolves outside the workspace"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");

    let ws = workspace(&[
        ("ready.toml", "extends = [\".git/config.toml\"]\n"),
        (".git/config.toml", "token = 1\n"),
    ]);
    let err = config_error(ws.path());
    assert!(err.contains(".git"), "{err}");
}

#[test]
fn extends_inside_the_workspace_works() {
    let ws = workspace(&[
        ("ready.toml", "extends = [\"policies/team.toml\"]\n"),
        (
            "policies/team.toml",
            "extends = [\"strict\", \"./more.toml\"]\n",
        ),
        ("policies/more.toml", "[gate]\nmin_score = 10\n"),
    ]);
    let report = json(ws.path(), &[]);
    let policies = report["policies"].to_string();
    assert!(
        policies.contains("strict") && policies.contains("more.toml"),
        "{policies}"
    );
}

// ---- 8. numbers -------------------------------------------------------------------------------

#[test]
fn numbers_that_break_the_score_contract_are_errors_at_their_value() {
    let ws = workspace(&[(
        "ready.toml",
        "[categories.error-handling]\nweight = -5.0\n\n[categories.security]\nweight = nan\n\n[checks.no-unwrap]\nweight = inf\n\n[gate]\nmin_score = 101\n\n[limits]\nmax_parse_bytes = 0\n",
    )]);
    let err = config_error(ws.path());
    for (at, what) in [
        ("ready.toml:2:10", "got -5"),
        ("ready.toml:5:10", "got NaN"),
        ("ready.toml:8:10", "got inf"),
        ("ready.toml:11:13", "0–100"),
        ("ready.toml:14:19", "between 1 and"),
    ] {
        assert!(
            err.lines().any(|l| l.contains(at) && l.contains(what)),
            "{at} {what}: {err}"
        );
    }
}

// ---- 9. silently ignored configuration -------------------------------------------------------

#[cfg(unix)]
#[test]
fn a_ready_toml_that_is_not_a_regular_file_is_an_error() {
    let ws = workspace(&[]);
    std::fs::create_dir(ws.path().join("ready.toml")).unwrap();
    assert!(config_error(ws.path()).contains("a directory"));

    let ws = workspace(&[]);
    symlink(
        ws.path().join("nowhere.toml"),
        &ws.path().join("ready.toml"),
    );
    assert!(config_error(ws.path()).contains("dangling"));

    let ws = workspace(&[]);
    symlink("/dev/zero", &ws.path().join("ready.toml"));
    let err = config_error(ws.path());
    assert!(err.contains("outside the workspace"), "{err}");

    let ws = workspace(&[]);
    if mkfifo(&ws.path().join("ready.toml")) {
        let err = config_error(ws.path());
        assert!(err.contains("a FIFO"), "{err}");
    }
}

#[test]
fn two_configurations_are_an_error_naming_the_ignored_one() {
    let ws = workspace(&[("ready.toml", "[gate]\nmin_score = 1\n")]);
    let manifest = format!("{MANIFEST}\n[package.metadata.ready]\ngate = {{ min_score = 99 }}\n");
    let manifest = manifest.replace("\n[workspace]\n", "\n");
    write(
        ws.path(),
        "Cargo.toml",
        &format!("{manifest}\n[workspace]\n"),
    );
    let err = config_error(ws.path());
    assert!(
        err.contains("`[package.metadata.ready]` is ignored: ready.toml already configures"),
        "{err}"
    );
    assert!(err.contains("Cargo.toml:"), "{err}");
}

#[test]
fn excluding_every_package_is_an_error() {
    let ws = workspace(&[]);
    let (code, _, err) = run(ready(ws.path()).args(["--exclude", "h"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no package left to scan"), "{err}");
}
