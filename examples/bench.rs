//! Throughput of the scan stage on a real workspace, compared with ripgrep and ast-grep in the
//! same run. Usage: `cargo run --release --example bench -- <path/to/Cargo.toml> [runs]`.
//! The workspace's own `ready.toml` (or the built-in policy) selects the checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn best<F: FnMut()>(runs: usize, mut f: F) -> Duration {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn external(runs: usize, dir: &std::path::Path, program: &str, args: &[&str]) -> Option<Duration> {
    Command::new(program).arg("--version").output().ok()?;
    Some(best(runs, || {
        let _ = Command::new(program).args(args).current_dir(dir).output();
    }))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let manifest = PathBuf::from(args.next().unwrap_or_else(|| "Cargo.toml".into()));
    let runs: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(5);
    let dir = manifest.parent().map(PathBuf::from).unwrap_or_default();
    let opts = cargo_ready::Options {
        manifest_path: Some(manifest.clone()),
        ..Default::default()
    };
    let mut stats = cargo_ready::Stats::default();
    let mut findings = 0;
    let mut scan = Duration::MAX;
    let total = best(runs, || {
        let (report, s) = match cargo_ready::analyze(&opts) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(2);
            }
        };
        findings = report.findings.len();
        scan = scan.min(s.scan_time);
        stats = s;
    });
    let rs_files = walk_rs(&dir);
    println!("workspace: {}", dir.display());
    println!(
        "files in set: {}, .rs files: {rs_files}, findings: {findings}",
        stats.files
    );
    println!(
        "cargo-ready scan stage: {:.1} ms ({:.0} .rs files/s); whole analyze incl. cargo metadata: {:.1} ms",
        scan.as_secs_f64() * 1e3,
        rs_files as f64 / scan.as_secs_f64(),
        total.as_secs_f64() * 1e3
    );
    let d = dir.as_path();
    let grep = ["-r", "-c", "--include=*.rs", "unwrap", "."];
    if let Some(t) = external(runs, d, "rg", &["-c", "unwrap", "--type", "rust"]) {
        println!(
            "rg -c unwrap: {:.1} ms (scan/rg = {:.2})",
            t.as_secs_f64() * 1e3,
            scan.as_secs_f64() / t.as_secs_f64()
        );
    } else if let Some(t) = external(runs, d, "grep", &grep) {
        println!(
            "grep -rc unwrap (rg not installed): {:.1} ms (scan/grep = {:.2})",
            t.as_secs_f64() * 1e3,
            scan.as_secs_f64() / t.as_secs_f64()
        );
    }
    let is_ast_grep = Command::new("sg")
        .arg("--version")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("ast-grep"));
    if !is_ast_grep {
        println!("ast-grep: not installed (`sg` is not ast-grep here)");
    } else if let Some(t) = external(
        runs,
        d,
        "sg",
        &["run", "-l", "rust", "-p", "$X.unwrap()", "."],
    ) {
        println!(
            "sg run -p '$X.unwrap()': {:.1} ms (scan/sg = {:.2})",
            t.as_secs_f64() * 1e3,
            scan.as_secs_f64() / t.as_secs_f64()
        );
    }
}

fn walk_rs(dir: &std::path::Path) -> usize {
    ignore::WalkBuilder::new(dir)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .count()
}
