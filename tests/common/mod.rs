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
