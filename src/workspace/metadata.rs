//! `cargo metadata --no-deps` → packages and targets.

use std::path::{Path, PathBuf};

use cargo_metadata::{DependencyKind, MetadataCommand};

use super::{Dependency, Package, Target, Workspace, relative_to};
use crate::error::Error;

/// Which packages to scan (`-p`, `--exclude`); empty `include` means all members.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Package names to include.
    pub include: Vec<String>,
    /// Package names to exclude.
    pub exclude: Vec<String>,
}

/// Loads the workspace containing `manifest_path` (or the current directory's).
pub fn load(manifest_path: Option<&Path>, selection: &Selection) -> Result<Workspace, Error> {
    let mut cmd = MetadataCommand::new();
    cmd.no_deps();
    for (name, value) in super::toolchain::metadata_env() {
        cmd.env(name, value);
    }
    if let Some(p) = manifest_path {
        cmd.manifest_path(p);
    }
    let (meta, nightly) = match cmd.exec() {
        Ok(meta) => (meta, false),
        Err(e) if needs_nightly_cargo(&e) => {
            cmd.env("RUSTC_BOOTSTRAP", "1");
            (cmd.exec().map_err(metadata_error)?, true)
        }
        Err(e) => return Err(metadata_error(e)),
    };
    let root = PathBuf::from(meta.workspace_root.as_std_path());
    let root_manifest = read_manifest(&root.join("Cargo.toml"))?;
    let (members, outside): (Vec<_>, Vec<_>) = meta
        .workspace_packages()
        .into_iter()
        .partition(|p| p.manifest_path.as_std_path().starts_with(&root));
    let mut notes: Vec<crate::model::ScanNote> =
        outside.iter().map(|p| outside_note(&root, p)).collect();
    if nightly {
        notes.push(crate::model::ScanNote {
            file: "Cargo.toml".into(),
            message: "the manifests use nightly-only `cargo-features`: read with \
                      `RUSTC_BOOTSTRAP=1` (`cargo metadata` compiles nothing)"
                .into(),
        });
    }
    check_selection(selection, members.iter().map(|p| p.name.as_str()))?;
    let mut member_dirs: Vec<String> = members
        .iter()
        .map(|p| {
            relative_to(
                &root,
                p.manifest_path
                    .parent()
                    .map(|d| d.as_std_path())
                    .unwrap_or(&root),
            )
        })
        .collect();
    member_dirs.sort();
    let mut all: Vec<Package> = members
        .iter()
        .map(|p| convert_package(&root, p))
        .collect::<Result<_, _>>()?;
    apply_patches(&mut all, &patched_paths(&root, &root_manifest));
    let mut packages: Vec<Package> = all
        .iter()
        .filter(|p| selected(selection, &p.name))
        .cloned()
        .collect();
    super::graph::link_members(&mut packages, &all);
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    if packages.is_empty() && !members.is_empty() {
        return Err(Error::Usage(
            "no package left to scan: `-p`/`--exclude` leave out every member of the workspace"
                .into(),
        ));
    }
    Ok(Workspace {
        member_dirs,
        root,
        root_manifest,
        packages,
        files: Vec::new(),
        notes,
        repository: None,
    })
}

/// The crates the root manifest's `[patch.<registry>]` tables redirect to a path (rmqtt's
/// members depend on `rmqtt = "0.24"`, patched to `rmqtt/`): name → dir relative to the root.
fn patched_paths(root: &Path, manifest: &toml::Table) -> Vec<(String, String)> {
    let Some(toml::Value::Table(registries)) = manifest.get("patch") else {
        return Vec::new();
    };
    registries
        .values()
        .filter_map(toml::Value::as_table)
        .flat_map(|crates| crates.iter())
        .filter_map(|(name, spec)| {
            let path = spec.get("path")?.as_str()?;
            Some((name.clone(), relative_to(root, &root.join(path))))
        })
        .collect()
}

/// A dependency on a registry version that a `[patch]` redirects to a path resolves to that
/// path: for the member graph it is a path dependency, and no registry version is ever chosen
/// for it (openfairdb's `ofdb-entities = "*"`, patched to `./ofdb-entities`, is no wildcard risk).
fn apply_patches(all: &mut [Package], patches: &[(String, String)]) {
    for d in all.iter_mut().flat_map(|p| p.dependencies.iter_mut()) {
        if d.path.is_none()
            && let Some((_, dir)) = patches.iter().find(|(name, _)| *name == d.name)
        {
            d.path = Some(dir.clone());
            d.registry = false;
        }
    }
}

/// A member whose manifest lies outside the workspace root is not scanned (the tool reads
/// nothing outside the scanned tree); a note says so.
fn outside_note(root: &Path, p: &cargo_metadata::Package) -> crate::model::ScanNote {
    crate::model::ScanNote {
        file: super::relative_to(root, p.manifest_path.as_std_path()),
        message: format!(
            "package `{}` lies outside the workspace root: not scanned (cargo-ready reads nothing \
             outside the workspace it scans; run it on that package's own workspace)",
            p.name
        ),
    }
}

/// Did `cargo metadata` refuse a manifest's nightly-only `cargo-features` (`the cargo feature
/// `profile-rustflags` requires a nightly version of Cargo`)? Reading manifests compiles
/// nothing, so they are read again with `RUSTC_BOOTSTRAP=1`, as the pinned nightly would.
fn needs_nightly_cargo(e: &cargo_metadata::Error) -> bool {
    matches!(e, cargo_metadata::Error::CargoMetadata { stderr }
        if stderr.contains("requires a nightly version of Cargo"))
}

fn metadata_error(e: cargo_metadata::Error) -> Error {
    let detail = match &e {
        // rustup under RUST_BACKTRACE appends its own backtrace: not ours to show.
        cargo_metadata::Error::CargoMetadata { stderr } => without_snippets(
            stderr
                .split("\nStack backtrace:")
                .next()
                .unwrap_or_default()
                .trim()
                .trim_start_matches("error: "),
        ),
        other => other.to_string(),
    };
    Error::Workspace(format!(
        "`cargo metadata` failed: {detail}{}",
        metadata_help(&detail)
    ))
}

/// A next step for the usual reasons `cargo metadata` fails before it reads anything.
fn metadata_help(detail: &str) -> &'static str {
    if detail.contains("could not find `Cargo.toml`") {
        "\n  = help: run it inside a Cargo workspace, or name one: `cargo ready --manifest-path path/to/Cargo.toml`"
    } else if detail.contains("toolchain") && detail.contains("is not installed") {
        "\n  = help: the workspace's rust-toolchain.toml names a toolchain that is not installed; install it, or run with `RUSTUP_TOOLCHAIN=stable` (cargo-ready builds nothing, any toolchain reads the manifests)"
    } else {
        ""
    }
}

/// cargo's message without the source lines it quotes (`1 | …` under a `-->` location): a
/// manifest may be a symbolic link to a file outside the repository (`~/.git-credentials`,
/// `/proc/self/environ`), and its first line must not end up in a public CI log.
fn without_snippets(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|line| {
            let t = line.trim_start();
            let gutter = t
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start();
            !gutter.starts_with('|')
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

fn check_selection<'a>(
    sel: &Selection,
    names: impl Iterator<Item = &'a str> + Clone,
) -> Result<(), Error> {
    for wanted in sel.include.iter().chain(&sel.exclude) {
        if !names.clone().any(|n| n == wanted) {
            let known: Vec<&str> = names.clone().collect();
            return Err(Error::Usage(format!(
                "package `{wanted}` is not a member of this workspace (members: {})",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

fn selected(sel: &Selection, name: &str) -> bool {
    (sel.include.is_empty() || sel.include.iter().any(|n| n == name))
        && !sel.exclude.iter().any(|n| n == name)
}

fn convert_package(root: &Path, p: &cargo_metadata::Package) -> Result<Package, Error> {
    let manifest_abs = p.manifest_path.as_std_path();
    let dir_abs = manifest_abs.parent().unwrap_or(root);
    Ok(Package {
        name: p.name.to_string(),
        version: p.version.to_string(),
        manifest: relative_to(root, manifest_abs),
        dir: relative_to(root, dir_abs),
        dependencies: p
            .dependencies
            .iter()
            .map(|d| convert_dependency(root, d))
            .collect(),
        targets: p
            .targets
            .iter()
            .map(|t| Target {
                name: t.name.clone(),
                kinds: t.kind.iter().map(|k| k.to_string()).collect(),
                src_path: relative_to(root, t.src_path.as_std_path()),
                required_features: t.required_features.clone(),
            })
            .collect(),
        manifest_table: read_manifest(manifest_abs)?,
        member_deps: Vec::new(),
        features_on: Default::default(),
        role: None,
        publishable: p
            .publish
            .as_ref()
            .is_none_or(|registries| !registries.is_empty()),
        described: p.description.as_ref().is_some_and(|d| !d.trim().is_empty()),
    })
}

fn convert_dependency(root: &Path, d: &cargo_metadata::Dependency) -> Dependency {
    let kind = match d.kind {
        DependencyKind::Development => "dev",
        DependencyKind::Build => "build",
        _ => "normal",
    };
    Dependency {
        name: d.name.clone(),
        local_name: d.rename.clone().unwrap_or_else(|| d.name.replace('-', "_")),
        kind: kind.to_string(),
        req: d.req.to_string(),
        registry: d
            .source
            .as_ref()
            .is_some_and(|s| s.repr.starts_with("registry+") || s.repr.starts_with("sparse+")),
        path: d.path.as_ref().map(|p| relative_to(root, p.as_std_path())),
        features: d.features.clone(),
        optional: d.optional,
    }
}

/// Reads and parses a Cargo.toml (a regular file under the configuration size cap).
pub fn read_manifest(path: &Path) -> Result<toml::Table, Error> {
    let text = crate::guard::read_regular_text(path, crate::guard::MAX_CONFIG_BYTES)
        .map_err(|e| Error::Workspace(format!("cannot read {}: {e}", path.display())))?;
    text.parse::<toml::Table>().map_err(|e| {
        Error::Workspace(format!(
            "cannot parse {}: {}",
            path.display(),
            e.message().trim()
        ))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_source_lines_are_dropped_from_cargo_errors() {
        let stderr = "error: key with no value, expected `=`\n --> m/Cargo.toml:1:20\n  |\n1 | secret: hunter2\n  |                    ^\nerror: failed to load manifest\n";
        let out = super::without_snippets(stderr);
        assert_eq!(
            out,
            "error: key with no value, expected `=`\n --> m/Cargo.toml:1:20\nerror: failed to load manifest"
        );
    }
}
