//! Running `cargo metadata` without letting the scanned repository choose what runs.
//!
//! rustup's `cargo` proxy obeys a `rust-toolchain.toml` found from the current directory up,
//! and that file may name a toolchain by path (`path = "/…/checkout/evil"`): a binary from the
//! repository would run. So the toolchain is pinned with `RUSTUP_TOOLCHAIN` (which rustup puts
//! above any toolchain file) to the one this tool was started with: the `RUSTUP_TOOLCHAIN` the
//! proxy gave us when run as `cargo ready`, else the toolchain rustup picks outside the scanned
//! tree (`rustup show active-toolchain` run from `/`). When run as `cargo ready`, `CARGO` names
//! the real cargo binary and the proxy is not involved at all (cargo_metadata uses it).
//! `cargo metadata --no-deps` runs no compiler; the wrapper settings a repository's
//! `.cargo/config.toml` could set are overridden anyway, and the network is off.

use std::process::Command;

/// The environment `cargo metadata` runs with: (name, value) pairs.
pub fn metadata_env() -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("CARGO_BUILD_RUSTC_WRAPPER", String::new()),
        ("CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER", String::new()),
        ("RUSTC_WRAPPER", String::new()),
        ("RUSTC_WORKSPACE_WRAPPER", String::new()),
        ("CARGO_NET_OFFLINE", "true".to_string()),
        ("RUSTUP_AUTO_INSTALL", "0".to_string()),
    ];
    if let Some(t) = pinned_toolchain() {
        env.push(("RUSTUP_TOOLCHAIN", t));
    }
    env
}

/// The toolchain to pin, if rustup is in use.
pub fn pinned_toolchain() -> Option<String> {
    if let Some(t) = std::env::var("RUSTUP_TOOLCHAIN")
        .ok()
        .filter(|t| !t.trim().is_empty())
    {
        return Some(t);
    }
    let out = Command::new("rustup")
        .args(["show", "active-toolchain"])
        .current_dir(neutral_dir())
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("RUSTUP_AUTO_INSTALL", "0")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    parse_active(&String::from_utf8_lossy(&out.stdout))
}

/// The toolchain name of `rustup show active-toolchain`'s output
/// (`stable-x86_64-unknown-linux-gnu (default)`).
fn parse_active(stdout: &str) -> Option<String> {
    stdout
        .lines()
        .next()?
        .split_whitespace()
        .next()
        .map(str::to_string)
}

/// A directory no repository controls, for asking rustup which toolchain is the user's own.
fn neutral_dir() -> std::path::PathBuf {
    if cfg!(unix) {
        std::path::PathBuf::from("/")
    } else {
        std::env::temp_dir()
    }
}

#[cfg(test)]
mod tests {
    use super::parse_active;

    #[test]
    fn active_toolchain_output_is_parsed() {
        assert_eq!(
            parse_active("stable-x86_64-unknown-linux-gnu (default)\n").as_deref(),
            Some("stable-x86_64-unknown-linux-gnu")
        );
        assert_eq!(parse_active("").as_deref(), None);
    }
}
