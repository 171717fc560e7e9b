//! Reading configuration files named by the repository, and validating its numbers.
//!
//! `ready.toml`, the root `Cargo.toml` and every policy a configuration `extends` are
//! repository text: each must be a regular file (never a FIFO, a device or a directory) under
//! [`MAX_CONFIG_BYTES`], and a path written in a configuration must stay inside the workspace
//! (no absolute path, no `..` or symbolic link leading out, nothing under `.git/`). Errors say
//! what is wrong with the path, never what the file contains.

use std::path::{Component, Path, PathBuf};

use super::policy::PolicyFile;
use crate::diag::{KeyPath, KeySeg};
use crate::guard::{self, MAX_CONFIG_BYTES, ReadError};

/// Reads a configuration file: a regular file of at most [`MAX_CONFIG_BYTES`].
pub(super) fn read_file(path: &Path) -> Result<String, String> {
    guard::read_regular_text(path, MAX_CONFIG_BYTES).map_err(|e| match e {
        ReadError::NotRegular(what) => format!("it is {what}, not a regular file"),
        e => e.to_string(),
    })
}

/// Reads `ready.toml` at the workspace root: a regular file inside the workspace (a symbolic
/// link may point elsewhere inside it). `Ok(None)` when there is none.
pub(super) fn read_ready_toml(root: &Path) -> Result<Option<String>, String> {
    let path = root.join("ready.toml");
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    inside(root, root, "ready.toml")?;
    read_file(&path).map(Some)
}

/// Resolves a policy path written in a configuration (`extends`) relative to `dir`; with
/// `allowed`, it must stay inside that directory.
pub(super) fn policy_path(
    allowed: Option<&Path>,
    dir: &Path,
    name: &str,
) -> Result<PathBuf, String> {
    if !name.ends_with(".toml") {
        return Err(format!(
            "policy path `{name}` must name a .toml file (or use a built-in policy name)"
        ));
    }
    match allowed {
        Some(root) => inside(root, dir, name),
        None => Ok(dir.join(name)),
    }
}

/// `dir/rel`, refused unless it stays inside `root` and outside `.git/`.
fn inside(root: &Path, dir: &Path, rel: &str) -> Result<PathBuf, String> {
    let path =
        guard::contained(root, dir, rel).map_err(|why| format!("`{rel}` is refused: {why}"))?;
    // The real path where the file exists (a link into `.git/` counts), else the path as written.
    let in_git = |p: &Path| {
        p.components()
            .any(|c| matches!(c, Component::Normal(n) if n == ".git"))
    };
    if in_git(&path) || path.canonicalize().is_ok_and(|real| in_git(&real)) {
        return Err(format!("`{rel}` is refused: it lies inside `.git/`"));
    }
    Ok(path)
}

/// Is `path` (an existing file) inside `root`?
pub(super) fn is_inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        _ => false,
    }
}

/// Largest file size limit accepted: line positions are 32-bit.
const MAX_LIMIT: u64 = u32::MAX as u64;

/// Largest weight accepted (a category's or a check's).
pub const MAX_WEIGHT: f64 = 1000.0;

/// Numbers of a policy file that break the score contract, as (path relative to the file's
/// table, message): weights that are not finite numbers in `0..=1000`, file size limits out of
/// range (`min_score` is checked with the gates).
pub(super) fn invalid_numbers(file: &PolicyFile) -> Vec<(KeyPath, String)> {
    let mut out = Vec::new();
    let key = |parts: &[&str]| -> KeyPath {
        parts
            .iter()
            .map(|p| KeySeg::Key((*p).to_string()))
            .collect()
    };
    for (id, c) in &file.categories {
        if let Some(msg) = c.weight.and_then(bad_weight) {
            out.push((key(&["categories", id, "weight"]), msg));
        }
    }
    for (id, c) in &file.checks {
        if let Some(msg) = c.weight.and_then(bad_weight) {
            out.push((key(&["checks", id, "weight"]), msg));
        }
    }
    for (i, c) in file.new_checks.iter().enumerate() {
        if let Some(msg) = c.weight.and_then(bad_weight) {
            let path = vec![
                KeySeg::Key("check".into()),
                KeySeg::Index(i),
                KeySeg::Key("weight".into()),
            ];
            out.push((path, msg));
        }
    }
    for (name, value) in [
        ("max_parse_bytes", file.limits.max_parse_bytes),
        ("max_read_bytes", file.limits.max_read_bytes),
    ] {
        if value.is_some_and(|v| v == 0 || v > MAX_LIMIT) {
            out.push((
                key(&["limits", name]),
                format!("`{name}` must be between 1 and {MAX_LIMIT} (4 GiB)"),
            ));
        }
    }
    out
}

/// Why a weight is refused, if it is.
pub fn bad_weight(w: f64) -> Option<String> {
    (!(0.0..=MAX_WEIGHT).contains(&w))
        .then(|| format!("a weight must be a number between 0 and {MAX_WEIGHT}, got {w}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_must_be_finite_and_in_range() {
        assert!(bad_weight(0.0).is_none());
        assert!(bad_weight(3.5).is_none());
        assert!(bad_weight(MAX_WEIGHT).is_none());
        for w in [-1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300] {
            assert!(bad_weight(w).is_some(), "{w}");
        }
    }
}
