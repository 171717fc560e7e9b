//! The `--baseline` reader on arbitrary bytes as the report file. Must never panic.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

static DIR: LazyLock<tempfile::TempDir> =
    LazyLock::new(|| tempfile::tempdir().expect("temp dir"));

fuzz_target!(|data: &[u8]| {
    let path = DIR.path().join("baseline.json");
    if std::fs::write(&path, data).is_ok() {
        let _ = cargo_ready::load_baseline(&path);
    }
});
