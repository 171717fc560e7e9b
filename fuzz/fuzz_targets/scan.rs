//! The source scanner on arbitrary bytes as `src/lib.rs` of a small workspace (with the
//! dependencies that make every built-in check apply), under `--policy strict`: read, text
//! checks, the nesting guard, tokenizer, parser, visitor, module tree, interprocedural rounds,
//! findings with snippets and fingerprints. Must never panic, hang or overflow the stack.
#![no_main]

use std::sync::LazyLock;

use cargo_ready::config::{CliOverrides, Config};
use cargo_ready::workspace::Workspace;
use libfuzzer_sys::fuzz_target;

struct Setup {
    _dir: tempfile::TempDir,
    lib: std::path::PathBuf,
    config: Config,
    ws: Workspace,
}

const MANIFEST: &str = r#"[package]
name = "f"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
tokio = "1"
axum = "0.8"
reqwest = "0.12"
sqlx = "0.8"
tracing = "0.1"
anyhow = "1"

[workspace]
"#;

static SETUP: LazyLock<Setup> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::create_dir_all(root.join("src")).expect("src");
    std::fs::write(root.join("Cargo.toml"), MANIFEST).expect("manifest");
    std::fs::write(root.join("src/lib.rs"), "").expect("lib");
    std::fs::write(root.join("src/main.rs"), "fn main() {}\n").expect("main");
    let mut ws = cargo_ready::workspace::load(Some(&root.join("Cargo.toml")), &Default::default())
        .expect("workspace");
    let overrides = CliOverrides {
        policies: vec!["strict".into()],
        ..Default::default()
    };
    let config = cargo_ready::config::load(&ws.root, &overrides).expect("config");
    cargo_ready::workspace::discover_files(&mut ws, &config.ignore);
    Setup {
        lib: ws.root.join("src/lib.rs"),
        _dir: dir,
        config,
        ws,
    }
});

fuzz_target!(|data: &[u8]| {
    let s = &*SETUP;
    if std::fs::write(&s.lib, data).is_err() {
        return;
    }
    let out = cargo_ready::scan::scan(&s.config, &s.ws);
    for f in &out.findings {
        assert!(f.region.line >= 1 && f.region.column >= 1, "{f:?}");
    }
});
