//! Stage 2, workspace: cargo metadata + the file set.
//!
//! Takes a manifest path; gives a [`Workspace`]: packages (dependencies, targets, parsed
//! manifests) and every file to scan, workspace-relative with `/`, each tagged with its
//! package. Runs `cargo metadata --no-deps` (no network, no lock file). Reads manifests and
//! walks the tree (gitignore-aware, `target/` never); does not read source files.

mod files;
pub mod git;
pub mod metadata;

use std::path::{Path, PathBuf};

pub use crate::model::Dependency;
pub use files::{discover_files, discover_repository_files};
pub use metadata::load;

/// The scanned workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// Absolute workspace root.
    pub root: PathBuf,
    /// The workspace root manifest, parsed (for `[workspace]`, `[profile]`).
    pub root_manifest: toml::Table,
    /// Directories (workspace-relative, "" for the root) of every member, selected or not.
    pub member_dirs: Vec<String>,
    /// Workspace members, sorted by name (only the selected ones).
    pub packages: Vec<Package>,
    /// Files to scan, sorted by path.
    pub files: Vec<SourceFile>,
    /// The git work tree around the workspace, when the workspace is a subdirectory of it and a
    /// `file` check looks at the repository root.
    pub repository: Option<Repository>,
}

/// The git work tree that holds a workspace living in a subdirectory of it.
#[derive(Debug, Clone, Default)]
pub struct Repository {
    /// The workspace root relative to the work tree (`backend`), never empty.
    pub prefix: String,
    /// Files outside the workspace root that the repository-scoped globs can match,
    /// work-tree-relative with `/`, gitignore-aware.
    pub files: Vec<String>,
}

/// A workspace member.
#[derive(Debug, Clone)]
pub struct Package {
    /// Package name.
    pub name: String,
    /// Package version.
    pub version: String,
    /// Workspace-relative path of its Cargo.toml.
    pub manifest: String,
    /// Workspace-relative directory ("" for the root package).
    pub dir: String,
    /// Declared dependencies.
    pub dependencies: Vec<Dependency>,
    /// Build targets.
    pub targets: Vec<Target>,
    /// The package's Cargo.toml, parsed.
    pub manifest_table: toml::Table,
    /// `publish` is not `false` (nor an empty registry list), inheritance resolved.
    pub publishable: bool,
    /// It has a non-empty `description` (crates.io requires one), inheritance resolved.
    pub described: bool,
}

/// A build target.
#[derive(Debug, Clone)]
pub struct Target {
    /// Target name.
    pub name: String,
    /// Kinds: `lib`, `bin`, `test`, `bench`, `example`, `proc-macro`, `custom-build`, …
    pub kinds: Vec<String>,
    /// Workspace-relative root source file.
    pub src_path: String,
}

impl Target {
    /// True for test, bench and example targets: all their code is test code.
    pub fn is_test_like(&self) -> bool {
        self.kinds
            .iter()
            .any(|k| matches!(k.as_str(), "test" | "bench" | "example"))
    }

    /// True for build scripts.
    pub fn is_build_script(&self) -> bool {
        self.kinds.iter().any(|k| k == "custom-build")
    }
}

impl Package {
    /// Does the package declare `krate` as a normal or build dependency?
    pub fn depends_on(&self, krate: &str) -> bool {
        self.dependencies
            .iter()
            .any(|d| d.kind != "dev" && crate_eq(&d.name, krate))
    }

    /// Does the package meet a check's package conditions?
    pub fn meets(&self, a: &crate::kinds::Applies) -> bool {
        (a.depends_on.is_empty() || a.depends_on.iter().any(|c| self.depends_on(c)))
            && !a.not_depends_on.iter().any(|c| self.depends_on(c))
            && a.has_bin.is_none_or(|b| b == self.has_bin())
            && a.has_lib.is_none_or(|b| b == self.has_lib())
            && a.publishable.is_none_or(|b| b == self.publishable)
            && a.shipped.is_none_or(|b| b == self.is_shipped())
    }

    /// Is this package what the workspace ships: an application (a bin target named after the
    /// package, or bin targets and no lib) or a library prepared for crates.io (publishable,
    /// with a description)? Internal crates, examples and a lib's helper bins are not.
    pub fn is_shipped(&self) -> bool {
        let bins: Vec<&Target> = self
            .targets
            .iter()
            .filter(|t| t.kinds.iter().any(|k| k == "bin"))
            .collect();
        let application = bins.iter().any(|t| crate_eq(&t.name, &self.name))
            || (!bins.is_empty() && !self.has_lib());
        application || (self.publishable && self.described && self.has_lib())
    }

    /// Does the package have a bin target?
    pub fn has_bin(&self) -> bool {
        self.targets
            .iter()
            .any(|t| t.kinds.iter().any(|k| k == "bin"))
    }

    /// Does the package have a lib target?
    pub fn has_lib(&self) -> bool {
        self.targets.iter().any(|t| {
            t.kinds
                .iter()
                .any(|k| matches!(k.as_str(), "lib" | "rlib" | "proc-macro"))
        })
    }

    /// The file findings about the package as a whole are reported at: main.rs / lib.rs, else
    /// the manifest.
    pub fn anchor_file(&self) -> &str {
        self.targets
            .iter()
            .find(|t| t.kinds.iter().any(|k| k == "bin"))
            .or_else(|| {
                self.targets
                    .iter()
                    .find(|t| !t.is_test_like() && !t.is_build_script())
            })
            .map(|t| t.src_path.as_str())
            .unwrap_or(&self.manifest)
    }

    /// Is `path` (workspace-relative) inside this package's directory?
    pub fn contains(&self, path: &str) -> bool {
        self.dir.is_empty() || path == self.dir || path.starts_with(&format!("{}/", self.dir))
    }
}

/// Crate names compare with `-` and `_` equal.
pub fn crate_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .all(|(x, y)| x == y || (x == b'-' || x == b'_') && (y == b'-' || y == b'_'))
}

/// A file to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Workspace-relative path with `/`.
    pub path: String,
    /// Absolute path.
    pub abs: PathBuf,
    /// Index into `Workspace::packages` of the innermost package containing it.
    pub package: Option<usize>,
}

impl SourceFile {
    /// Is this a Rust source file?
    pub fn is_rust(&self) -> bool {
        self.path.ends_with(".rs")
    }
}

impl Workspace {
    /// Whether a file is production or test code, judged by its path and the package targets.
    /// (The syntax engine refines this per item.)
    pub fn path_code_kind(&self, path: &str) -> crate::model::CodeKind {
        let in_test_dir = path.split('/').any(|seg| {
            matches!(
                seg,
                "tests" | "benches" | "examples" | "test" | "testdata" | "fixtures"
            )
        });
        let test_target = self
            .packages
            .iter()
            .flat_map(|p| &p.targets)
            .any(|t| t.is_test_like() && t.src_path == path);
        if in_test_dir || test_target {
            crate::model::CodeKind::Test
        } else {
            crate::model::CodeKind::Production
        }
    }

    /// The package a workspace-relative path belongs to (innermost directory wins).
    pub fn package_of(&self, path: &str) -> Option<usize> {
        self.packages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.contains(path))
            .max_by_key(|(_, p)| p.dir.len())
            .map(|(i, _)| i)
    }

    /// Workspace-relative `/` path of an absolute path (or the path itself when outside).
    pub fn relative(&self, path: &Path) -> String {
        relative_to(&self.root, path)
    }
}

/// `path` relative to `root`, with `/` separators.
pub fn relative_to(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// An error for every member manifest (other than the root one) with a
/// `[package.metadata.ready]` table, which would otherwise be silently ignored (the
/// configuration is per workspace: use `ready.toml` with `paths`).
pub fn member_config_errors(ws: &Workspace) -> Vec<crate::diag::ConfigError> {
    ws.packages
        .iter()
        .filter(|p| p.manifest != "Cargo.toml")
        .filter(|p| {
            p.manifest_table
                .get("package")
                .and_then(|t| t.get("metadata"))
                .and_then(|m| m.get("ready"))
                .is_some()
        })
        .map(|p| {
            let text = std::fs::read_to_string(ws.root.join(&p.manifest)).unwrap_or_default();
            let path = crate::diag::key_path(&["package", "metadata", "ready"]);
            crate::diag::Source::new(p.manifest.clone(), text).error_at_path(
                &path,
                true,
                "`[package.metadata.ready]` is read only from the workspace root's Cargo.toml; configure members in ready.toml (e.g. `[checks.<id>] paths = [\"crates/x/**\"]`)",
            )
        })
        .collect()
}
