//! Roles, crate-aware resolution and type hints on fixture workspaces that reproduce the cases
//! of issue 8: the exact file:line, role and severity of each finding of the built-in checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::PathBuf;

/// `check file:line role severity` of the recommended policy's findings of `checks`.
fn findings(fixture: &str, checks: &[&str]) -> Vec<String> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture)
        .join("Cargo.toml");
    let opts = cargo_ready::Options {
        manifest_path: Some(manifest),
        overrides: cargo_ready::config::CliOverrides {
            policies: vec!["recommended".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let (report, _) = cargo_ready::analyze(&opts).unwrap();
    report
        .findings
        .iter()
        .filter(|f| checks.contains(&f.check.as_str()))
        .map(|f| {
            let role = f.role.map_or("-", |r| r.as_str());
            format!(
                "{} {}:{} {} {}",
                f.check,
                f.file,
                f.region.line,
                role,
                f.severity.as_str()
            )
        })
        .collect()
}

fn report(fixture: &str) -> cargo_ready::model::Report {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture)
        .join("Cargo.toml");
    let opts = cargo_ready::Options {
        manifest_path: Some(manifest),
        overrides: cargo_ready::config::CliOverrides {
            policies: vec!["recommended".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    cargo_ready::analyze(&opts).unwrap().0
}

#[test]
fn blocking_calls_get_the_role_of_the_code_that_reaches_them() {
    assert_eq!(
        findings("roles-service", &["blocking-in-async"]),
        [
            // a clap CLI: async subcommands run once
            "blocking-in-async cli/src/main.rs:24 startup note",
            "blocking-in-async cli/src/main.rs:29 startup note",
            // rocket: the handler is a request path, parse_args() in main is startup
            "blocking-in-async launch/src/main.rs:3 request error",
            "blocking-in-async launch/src/main.rs:8 startup note",
            // serve() runs before the server does; the handlers and the route closure serve
            "blocking-in-async web/src/api.rs:7 startup note",
            "blocking-in-async web/src/api.rs:10 request error",
            "blocking-in-async web/src/api.rs:17 request error",
            "blocking-in-async web/src/api.rs:21 request error",
            // main: before serving, a spawned task's loop, after serving
            "blocking-in-async web/src/main.rs:6 startup note",
            "blocking-in-async web/src/main.rs:10 request error",
            "blocking-in-async web/src/main.rs:14 startup note",
        ]
    );
}

#[test]
fn calls_resolve_within_the_crate_and_its_workspace_dependencies() {
    assert_eq!(
        findings("crate-resolution", &["blocking-in-async"]),
        [
            // cli's own call_server; web's same-named async fn (api.rs:9) is not it
            "blocking-in-async cli/src/main.rs:7 startup note",
            // `pub use config::files::load as load_settings` in the dependency app-core
            "blocking-in-async web/src/api.rs:15 request error",
            // `pub use self::files::*` in app-core's config module
            "blocking-in-async web/src/api.rs:16 request error",
        ]
    );
}
