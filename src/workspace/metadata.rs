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
    if let Some(p) = manifest_path {
        cmd.manifest_path(p);
    }
    let meta = cmd.exec().map_err(metadata_error)?;
    let root = PathBuf::from(meta.workspace_root.as_std_path());
    let root_manifest = read_manifest(&root.join("Cargo.toml"))?;
    let members = meta.workspace_packages();
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
    let mut packages: Vec<Package> = members
        .into_iter()
        .filter(|p| selected(selection, &p.name))
        .map(|p| convert_package(&root, p))
        .collect::<Result<_, _>>()?;
    packages.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Workspace {
        member_dirs,
        root,
        root_manifest,
        packages,
        files: Vec::new(),
        repository: None,
    })
}

fn metadata_error(e: cargo_metadata::Error) -> Error {
    let detail = match &e {
        // rustup under RUST_BACKTRACE appends its own backtrace: not ours to show.
        cargo_metadata::Error::CargoMetadata { stderr } => stderr
            .split("\nStack backtrace:")
            .next()
            .unwrap_or_default()
            .trim()
            .trim_start_matches("error: ")
            .to_string(),
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
        dependencies: p.dependencies.iter().map(convert_dependency).collect(),
        targets: p
            .targets
            .iter()
            .map(|t| Target {
                name: t.name.clone(),
                kinds: t.kind.iter().map(|k| k.to_string()).collect(),
                src_path: relative_to(root, t.src_path.as_std_path()),
            })
            .collect(),
        manifest_table: read_manifest(manifest_abs)?,
        publishable: p
            .publish
            .as_ref()
            .is_none_or(|registries| !registries.is_empty()),
        described: p.description.as_ref().is_some_and(|d| !d.trim().is_empty()),
    })
}

fn convert_dependency(d: &cargo_metadata::Dependency) -> Dependency {
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
    }
}

/// Reads and parses a Cargo.toml.
pub fn read_manifest(path: &Path) -> Result<toml::Table, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Workspace(format!("cannot read {}: {e}", path.display())))?;
    text.parse::<toml::Table>().map_err(|e| {
        Error::Workspace(format!(
            "cannot parse {}: {}",
            path.display(),
            e.message().trim()
        ))
    })
}
