//! Embeds `checks/*.toml` and `policies/*.toml` into the binary.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let out_dir = std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    let mut code = String::new();
    for (name, dir) in [("CHECKS", "checks"), ("POLICIES", "policies")] {
        let dir = Path::new(&manifest_dir).join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
        files.sort();
        let _ = writeln!(
            code,
            "/// Embedded `{}` files: (file name, contents).",
            dir.display()
        );
        let _ = writeln!(code, "pub static {name}: &[(&str, &str)] = &[");
        for f in files {
            let file_name = f
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let _ = writeln!(
                code,
                "    ({file_name:?}, include_str!({:?})),",
                f.display().to_string()
            );
        }
        let _ = writeln!(code, "];");
    }
    let _ = std::fs::write(Path::new(&out_dir).join("builtin.rs"), code);
}
