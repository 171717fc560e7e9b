//! Helpers shared by the integration tests that analyze fixture workspaces in-process.

use std::path::PathBuf;

/// The report of the built-in `recommended` policy on a fixture workspace
/// (`tests/fixtures/<fixture>`).
pub fn report_of(fixture: &str) -> cargo_ready::model::Report {
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
    #[allow(clippy::unwrap_used)]
    cargo_ready::analyze(&opts).unwrap().0
}

/// The detected service `bin` of a report (panics, naming the services found, when absent).
#[allow(dead_code)]
pub fn service<'r>(
    report: &'r cargo_ready::model::Report,
    bin: &str,
) -> &'r cargo_ready::model::Service {
    report
        .services
        .iter()
        .find(|s| s.bin == bin)
        .unwrap_or_else(|| panic!("no service `{bin}` in {:?}", report.services))
}
