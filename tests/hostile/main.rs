//! The scanned repository is untrusted input: every probe of issue 10 as a test, in temporary
//! workspaces. Nothing the repository holds may run, be read from outside it, clobber a file,
//! crash or hang the tool, or print a line a CI runner would execute. See docs/robustness.md.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::Path;
use std::process::{Command, Output};

mod config;
mod outputs;
mod process;
mod source;

pub(crate) const MANIFEST: &str = "[package]\nname = \"h\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n";

/// A workspace in a temporary directory: a package `h` with the given files.
pub(crate) fn workspace(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.toml", MANIFEST);
    write(dir.path(), "src/lib.rs", "pub fn f() {}\n");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

pub(crate) fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub(crate) fn ready(root: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-ready"));
    cmd.arg("ready")
        .arg("--manifest-path")
        .arg(root.join("Cargo.toml"))
        .env("NO_COLOR", "1");
    cmd
}

pub(crate) fn run(cmd: &mut Command) -> (i32, String, String) {
    let out: Output = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub(crate) fn json(root: &Path, extra: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(ready(root).args(["--format", "json"]).args(extra));
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    serde_json::from_str(&out).unwrap()
}

pub(crate) fn notes(report: &serde_json::Value) -> Vec<(String, String)> {
    report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["file"].as_str().unwrap().to_string(),
                n["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

pub(crate) fn findings<'r>(
    report: &'r serde_json::Value,
    check: &str,
) -> Vec<&'r serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == check)
        .collect()
}

/// No line of `text` is a GitHub Actions workflow command.
pub(crate) fn assert_no_workflow_command(text: &str) {
    for line in text.lines() {
        let t = line.trim_start();
        assert!(
            !t.starts_with("::") && !t.starts_with("##["),
            "a workflow command got through: {line:?}"
        );
        assert!(
            !line.contains('\u{1b}'),
            "an escape sequence got through: {line:?}"
        );
    }
}

pub(crate) fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[cfg(unix)]
pub(crate) fn symlink(target: impl AsRef<Path>, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Runs the tool on a workspace that must fail with a configuration error; its stderr.
pub(crate) fn config_error(ws: &Path) -> String {
    let (code, _, err) = run(&mut ready(ws));
    assert_eq!(code, 2, "expected a configuration error: {err}");
    err
}
