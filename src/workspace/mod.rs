//! Stage 2, workspace: cargo metadata + the file set.
//!
//! Takes a manifest path; gives a [`Workspace`]: packages (dependencies, targets, parsed
//! manifests) and every file to scan, workspace-relative with `/`, each tagged with its
//! package. Runs `cargo metadata --no-deps` (no network, no lock file). Reads manifests and
//! walks the tree (gitignore-aware, `target/` never); does not read source files.

mod files;
pub mod git;
pub mod graph;
pub mod metadata;
pub mod probes;
pub mod toolchain;
mod vendored;

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
    /// What the workspace holds that is not scanned, and why (members outside the root).
    pub notes: Vec<crate::model::ScanNote>,
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
    /// Workspace members it depends on through normal dependencies (names, sorted).
    pub member_deps: Vec<String>,
    /// The cargo features a build of the workspace turns on for it: its `default` features
    /// and those other members ask of it, closed over its `[features]` table.
    pub features_on: std::collections::BTreeSet<String>,
    /// The kind of all its code when it is not production (test support, benches or
    /// examples), with the reason.
    pub role: Option<(crate::model::CodeKind, String)>,
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
    /// The package features it needs to be built (`required-features`).
    pub required_features: Vec<String>,
}

impl Target {
    /// True for test, bench and example targets: all their code is test code.
    pub fn is_test_like(&self) -> bool {
        self.kinds
            .iter()
            .any(|k| matches!(k.as_str(), "test" | "bench" | "example"))
    }

    /// True for a library other crates can name (lib, rlib, dylib, proc-macro).
    pub fn is_lib(&self) -> bool {
        self.kinds
            .iter()
            .any(|k| matches!(k.as_str(), "lib" | "rlib" | "dylib" | "proc-macro"))
    }

    /// True for build scripts.
    pub fn is_build_script(&self) -> bool {
        self.kinds.iter().any(|k| k == "custom-build")
    }

    /// True for bin targets.
    pub fn is_bin(&self) -> bool {
        self.kinds.iter().any(|k| k == "bin")
    }

    /// The kind of the code a target compiles, when it is not production code.
    pub fn code_kind(&self) -> Option<crate::model::CodeKind> {
        use crate::model::CodeKind;
        self.kinds.iter().find_map(|k| match k.as_str() {
            "test" => Some(CodeKind::Test),
            "bench" | "example" => Some(CodeKind::Example),
            // A proc macro runs in the compiler: its failure is a compile error.
            "custom-build" | "proc-macro" => Some(CodeKind::BuildScript),
            _ => None,
        })
    }
}

impl Package {
    /// Does the package declare `krate` as a normal or build dependency?
    pub fn depends_on(&self, krate: &str) -> bool {
        self.dependencies
            .iter()
            .any(|d| d.kind != "dev" && crate_eq(&d.name, krate))
    }

    /// Does a default build of the workspace link `krate` into the package: a normal or build
    /// dependency, not an optional one that no feature turned on ([`Package::features_on`])?
    pub fn builds_with(&self, krate: &str) -> bool {
        self.built_dependencies(krate).any(|d| {
            !d.optional
                || self.features_on.contains(&d.name)
                || self.features_on.contains(&d.local_name)
        })
    }

    /// Does every build of the package build with `krate`: a non-dev dependency no feature
    /// can turn off?
    pub fn always_builds_with(&self, krate: &str) -> bool {
        self.built_dependencies(krate).any(|d| !d.optional)
    }

    /// The package's non-dev dependencies on `krate`.
    fn built_dependencies<'a>(&'a self, krate: &'a str) -> impl Iterator<Item = &'a Dependency> {
        (self.dependencies.iter()).filter(move |d| d.kind != "dev" && crate_eq(&d.name, krate))
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
        self.dir.is_empty()
            || path
                .strip_prefix(self.dir.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
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
    /// The kind of code its path alone implies, when that overrides the module tree
    /// (vendored or generated; in a test-support package), with the reason.
    pub class: Option<(crate::model::CodeKind, String)>,
}

impl SourceFile {
    /// Is this a Rust source file?
    pub fn is_rust(&self) -> bool {
        self.path.ends_with(".rs")
    }
}

impl Workspace {
    /// The kind of code a file is, judged by its path, the package targets and the package's
    /// role (the syntax engine refines this for `.rs` files through the module tree).
    pub fn path_code_kind(&self, path: &str) -> crate::model::CodeKind {
        use crate::model::CodeKind;
        let file = self
            .files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .and_then(|i| self.files.get(i));
        if let Some((kind, _)) = file.and_then(|f| f.class.as_ref()) {
            return *kind;
        }
        let target = self
            .packages
            .iter()
            .flat_map(|p| &p.targets)
            .find(|t| t.src_path == path);
        if let Some(kind) = target.and_then(Target::code_kind) {
            return kind;
        }
        let mut segs: Vec<&str> = path.split('/').collect();
        let name = segs.pop().unwrap_or("");
        let dir_kind = segs.iter().find_map(|seg| match *seg {
            "tests" | "test" | "testdata" | "fixtures" | "__tests__" => Some(CodeKind::Test),
            s if s.ends_with("_tests") || s.ends_with("-tests") => Some(CodeKind::Test),
            "benches" | "examples" => Some(CodeKind::Example),
            _ => None,
        });
        dir_kind
            .or_else(|| is_test_file_name(name).then_some(CodeKind::Test))
            .unwrap_or(CodeKind::Production)
    }

    /// The kind of code `file` is certain to be before its module tree is known: its path says
    /// so (`class`), it is the root of test, bench or example targets only (or of a build
    /// script, a proc macro), or it lies in its package's `tests/`, `benches/` or `examples/`
    /// directory, where no lib or bin target has its root. None when only the module tree can
    /// tell.
    pub fn certain_code_kind(&self, file: &SourceFile) -> Option<crate::model::CodeKind> {
        use crate::model::CodeKind;
        if let Some((kind, _)) = &file.class {
            return (*kind != CodeKind::Production).then_some(*kind);
        }
        let package = self.packages.get(file.package?)?;
        let mut roots = package.targets.iter().filter(|t| t.src_path == file.path);
        if let Some(first) = roots.next() {
            let kind = first.code_kind()?;
            return roots.all(|t| t.code_kind() == Some(kind)).then_some(kind);
        }
        let in_package = |path: &str| match package.dir.as_str() {
            "" => Some(path.to_string()),
            dir => path
                .strip_prefix(dir)?
                .strip_prefix('/')
                .map(str::to_string),
        };
        let rel = in_package(&file.path)?;
        let (dir, _) = rel.split_once('/')?;
        let kind = match dir {
            "tests" => CodeKind::Test,
            "benches" | "examples" => CodeKind::Example,
            _ => return None,
        };
        let shipped_root_inside = (package.targets.iter())
            .filter(|t| t.code_kind().is_none())
            .filter_map(|t| in_package(&t.src_path))
            .any(|root| root.split_once('/').is_some_and(|(d, _)| d == dir));
        (!shipped_root_inside).then_some(kind)
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

/// Test files of other languages by their name: `test_x.py`, `x_test.py`, `x.test.ts`,
/// `x.spec.js`, `conftest.py`.
fn is_test_file_name(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    if ext == "rs" {
        return false;
    }
    stem.starts_with("test_")
        || stem.ends_with("_test")
        || stem.ends_with(".test")
        || stem.ends_with(".spec")
        || stem == "conftest"
}

/// `path` relative to `root`, with `/` separators; a path outside `root` gets `..` segments
/// (never an absolute path).
pub fn relative_to(root: &Path, path: &Path) -> String {
    let names = |p: &Path| -> Vec<String> {
        p.components()
            .filter(|c| matches!(c, std::path::Component::Normal(_)))
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect()
    };
    if let Ok(rel) = path.strip_prefix(root) {
        return names(rel).join("/");
    }
    let (root, path) = (names(root), names(path));
    let common = root.iter().zip(&path).take_while(|(a, b)| a == b).count();
    let ups = std::iter::repeat_n("..".to_string(), root.len() - common);
    ups.chain(path[common..].iter().cloned())
        .collect::<Vec<_>>()
        .join("/")
}

/// An error for every member manifest (other than the root one) whose
/// `[package.metadata.ready]` holds anything but `role = "test-support"`: such settings would
/// otherwise be silently ignored (the configuration is per workspace: use `ready.toml` with
/// `paths`).
pub fn member_config_errors(ws: &Workspace) -> Vec<crate::diag::ConfigError> {
    use crate::diag::{Source, key_path};
    let mut errors = Vec::new();
    for p in ws.packages.iter().filter(|p| p.manifest != "Cargo.toml") {
        let Some(table) = p
            .manifest_table
            .get("package")
            .and_then(|t| t.get("metadata"))
            .and_then(|m| m.get("ready"))
        else {
            continue;
        };
        let problems = member_metadata_problems(table);
        if problems.is_empty() {
            continue;
        }
        let text = crate::guard::read_regular_text(
            &ws.root.join(&p.manifest),
            crate::guard::MAX_CONFIG_BYTES,
        )
        .unwrap_or_default();
        let source = Source::new(p.manifest.clone(), text);
        for (key, at_key, message) in problems {
            let mut path = vec!["package", "metadata", "ready"];
            path.extend(key.as_deref());
            errors.push(source.error_at_path(&key_path(&path), at_key, message));
        }
    }
    errors
}

/// What is wrong with a member's `[package.metadata.ready]`: (the offending key, whether to
/// point at the key rather than its value, the message).
fn member_metadata_problems(value: &toml::Value) -> Vec<(Option<String>, bool, String)> {
    const ELSEWHERE: &str = "`[package.metadata.ready]` of a member may only set `role = \"test-support\"`; the configuration is read from the workspace root (ready.toml; e.g. `[checks.<id>] paths = [\"crates/x/**\"]`)";
    let Some(table) = value.as_table() else {
        return vec![(None, true, ELSEWHERE.to_string())];
    };
    let mut out = Vec::new();
    for (key, v) in table {
        match (key.as_str(), v.as_str()) {
            ("role", Some(graph::TEST_SUPPORT_ROLE)) => {}
            ("role", _) => out.push((
                Some(key.clone()),
                false,
                format!(
                    "unknown package role {v} (the only role is `\"{}\"`)",
                    graph::TEST_SUPPORT_ROLE
                ),
            )),
            _ => out.push((Some(key.clone()), true, ELSEWHERE.to_string())),
        }
    }
    out
}

#[cfg(test)]
mod certain_kind_tests {
    use super::{Package, SourceFile, Target, Workspace};
    use crate::model::CodeKind;

    fn target(kind: &str, src_path: &str) -> Target {
        Target {
            name: "t".to_string(),
            kinds: vec![kind.to_string()],
            src_path: src_path.to_string(),
            required_features: Vec::new(),
        }
    }

    fn workspace(targets: Vec<Target>) -> Workspace {
        let package = Package {
            name: "svc".to_string(),
            version: "0.1.0".to_string(),
            manifest: "svc/Cargo.toml".to_string(),
            dir: "svc".to_string(),
            dependencies: Vec::new(),
            targets,
            manifest_table: toml::Table::new(),
            member_deps: Vec::new(),
            features_on: Default::default(),
            role: None,
            publishable: true,
            described: true,
        };
        Workspace {
            root: std::path::PathBuf::from("/nonexistent"),
            root_manifest: toml::Table::new(),
            member_dirs: vec!["svc".to_string()],
            packages: vec![package],
            files: Vec::new(),
            notes: Vec::new(),
            repository: None,
        }
    }

    fn kind(ws: &Workspace, path: &str) -> Option<CodeKind> {
        let file = SourceFile {
            path: path.to_string(),
            abs: std::path::PathBuf::from(path),
            package: Some(0),
            class: None,
        };
        ws.certain_code_kind(&file)
    }

    #[test]
    fn test_bench_and_example_code_is_known_by_its_place() {
        let ws = workspace(vec![
            target("lib", "svc/src/lib.rs"),
            target("test", "svc/tests/api.rs"),
            target("bench", "svc/benches/load.rs"),
            target("custom-build", "svc/build.rs"),
        ]);
        assert_eq!(kind(&ws, "svc/tests/api.rs"), Some(CodeKind::Test));
        assert_eq!(kind(&ws, "svc/tests/common/mod.rs"), Some(CodeKind::Test));
        assert_eq!(kind(&ws, "svc/benches/load.rs"), Some(CodeKind::Example));
        assert_eq!(kind(&ws, "svc/examples/demo.rs"), Some(CodeKind::Example));
        assert_eq!(kind(&ws, "svc/build.rs"), Some(CodeKind::BuildScript));
        // Only the module tree knows these.
        assert_eq!(kind(&ws, "svc/src/lib.rs"), None);
        assert_eq!(kind(&ws, "svc/src/tests/mod.rs"), None);
        assert_eq!(kind(&ws, "svc/src/api_tests.rs"), None);
    }

    #[test]
    fn a_bin_rooted_in_examples_keeps_its_directory_open() {
        let ws = workspace(vec![
            target("bin", "svc/examples/server/main.rs"),
            target("example", "svc/examples/demo.rs"),
        ]);
        assert_eq!(kind(&ws, "svc/examples/server/main.rs"), None);
        assert_eq!(kind(&ws, "svc/examples/server/routes.rs"), None);
        assert_eq!(kind(&ws, "svc/examples/demo.rs"), Some(CodeKind::Example));
        assert_eq!(kind(&ws, "svc/tests/x.rs"), Some(CodeKind::Test));
    }
}
