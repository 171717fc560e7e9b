//! The pipeline imports downward only: a module may use the modules of its own layer and the
//! layers below it, never one above. Doc-comment links are not imports and are ignored.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

/// Lowest layer first. Modules on one line share a layer.
const LAYERS: &[&[&str]] = &[
    &[
        "model",
        "diag",
        "error",
        "date",
        "inventory",
        "guard",
        "texts",
        "timings",
    ],
    &["kinds"],
    &["config", "workspace"],
    &["rust"],
    &["scan"],
    &["gate"],
    &["score"],
    &["render", "init"],
    &["cli", "output"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a source file belongs to (`src/scan/files.rs` → `scan`).
fn module_of(path: &Path, src: &Path) -> Option<String> {
    let rel = path.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_str()?;
    Some(first.trim_end_matches(".rs").to_string())
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `crate::x` references on code lines (not comments).
fn references(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let code = code.split("//").next().unwrap_or("");
        for (i, _) in code.match_indices("crate::") {
            let rest = &code[i + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.push((n + 1, name));
            }
        }
    }
    out
}

#[test]
fn every_stage_imports_downward_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in files {
        let Some(module) = module_of(&file, &src) else {
            continue;
        };
        if matches!(module.as_str(), "lib" | "main") {
            continue;
        }
        let own = layer_of(&module)
            .unwrap_or_else(|| panic!("module `{module}` is not in LAYERS (tests/layers.rs)"));
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, used) in references(&text) {
            if let Some(l) = layer_of(&used)
                && l > own
            {
                violations.push(format!(
                    "{}:{line}: `{module}` uses `crate::{used}` (a higher layer)",
                    file.strip_prefix(&src).unwrap().display()
                ));
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}
