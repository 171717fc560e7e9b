//! The configuration loader on arbitrary bytes as `ready.toml`: parse, layer, validate and
//! compile every check, then format every error the way the binary prints it. Must never
//! panic, hang or overflow; errors are fine.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static ROOT: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"f\"\nversion = \"0.1.0\"\n[workspace]\n",
    )
    .expect("Cargo.toml");
    std::fs::create_dir_all(dir.path().join("policies")).expect("policies");
    std::fs::write(dir.path().join("policies/base.toml"), "extends = [\"strict\"]\n")
        .expect("policy");
    dir
});

fuzz_target!(|data: &[u8]| {
    let root = ROOT.path();
    if std::fs::write(root.join("ready.toml"), data).is_err() {
        return;
    }
    let overrides = cargo_ready::config::CliOverrides::default();
    match cargo_ready::config::load(root, &overrides) {
        Ok(config) => {
            assert!(config.categories.iter().all(|c| (0.0..=1000.0).contains(&c.weight)));
            assert!(config.gates.resolve(None).min_score <= 100);
            assert!(config.gates.resolve(Some("main")).min_score <= 100);
        }
        Err(e) => {
            let shown = cargo_ready::guard::visible_lines(&e.to_string());
            assert!(shown.lines().all(|l| !l.trim_start().starts_with("::")));
        }
    }
});
