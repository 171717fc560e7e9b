//! The workspace-member dependency graph (from `cargo metadata --no-deps`: each member's
//! declared path dependencies that point at another member, or registry ones a root `[patch]`
//! redirects to a member) and what it implies: each package's closure of members, and which
//! members hold no production code: test support (only ever dev-dependencies of others,
//! unless a product binary; marked `[package.metadata.ready] role = "test-support"`; or named
//! so: `*-test-utils`, `*-testing`, `tests/…`), benches, examples or samples
//! (`benchmarks/`, `*-examples`, `samples/`, `demo`, `*-stress`) and build tooling (only ever
//! build-dependencies, `xtask`, `*-codegen`).

use std::collections::{BTreeSet, HashMap};

use super::{Package, Workspace};
use crate::model::CodeKind;

/// The `role` a member may declare in its own `[package.metadata.ready]`.
pub const TEST_SUPPORT_ROLE: &str = "test-support";

/// Fills `member_deps` and `role` of every package. `all` is every member of the
/// workspace (selected or not), so that roles do not change with `-p`.
pub fn link_members(packages: &mut [Package], all: &[Package]) {
    let by_dir: HashMap<&str, &str> = all
        .iter()
        .map(|p| (p.dir.as_str(), p.name.as_str()))
        .collect();
    let edges: Vec<Vec<(String, String)>> = all
        .iter()
        .map(|p| member_edges(p, &by_dir).collect())
        .collect();
    for p in packages.iter_mut() {
        p.member_deps = member_edges(p, &by_dir)
            .filter(|(_, kind)| kind == "normal")
            .map(|(name, _)| name)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        p.features_on = features_on(p, all, &by_dir);
        // The only member, or the root package, is the product whatever its name.
        let named = all.len() > 1 && !p.dir.is_empty();
        p.role = test_support_reason(p, all, &edges)
            .map(|why| (CodeKind::TestSupport, why))
            .or_else(|| build_tool_reason(p, all, &edges).map(|why| (CodeKind::BuildScript, why)))
            .or_else(|| role_by_name(p).filter(|_| named));
    }
}

/// The features a build turns on for `p`: `default`, its targets' `required-features` and what
/// members ask of it, each with the features it implies in `p`'s `[features]` table (`dep:x`
/// and `x?/y` name the optional dependency `x`).
fn features_on(p: &Package, all: &[Package], by_dir: &HashMap<&str, &str>) -> BTreeSet<String> {
    let table = p.manifest_table.get("features").and_then(|f| f.as_table());
    let mut stack: Vec<String> = vec!["default".to_string()];
    // A bin that needs `server` is built with it.
    for t in &p.targets {
        stack.extend(t.required_features.iter().cloned());
    }
    for user in all {
        for d in &user.dependencies {
            let to_p = d.path.as_deref().and_then(|dir| by_dir.get(dir)) == Some(&p.name.as_str());
            if to_p {
                stack.extend(d.features.iter().cloned());
            }
        }
    }
    let mut on = BTreeSet::new();
    let mut expanded = BTreeSet::new();
    while let Some(f) = stack.pop() {
        let name = f.trim_start_matches("dep:");
        let name = name.split(['/', '?']).next().unwrap_or(name).to_string();
        on.insert(name.clone());
        if f.contains('/') || !expanded.insert(name.clone()) {
            continue;
        }
        let implied = table.and_then(|t| t.get(&name)).and_then(|v| v.as_array());
        stack.extend(
            implied
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(String::from)),
        );
    }
    on
}

/// Words of a package's name or directory that say its code is not production code.
const TEST_WORDS: &[&str] = &[
    "test",
    "tests",
    "testing",
    "tester",
    "testkit",
    "mock",
    "mocks",
    "fuzz",
    "harness",
    "simulator",
    "e2e",
];
const EXAMPLE_WORDS: &[&str] = &[
    "bench",
    "benches",
    "benchmark",
    "benchmarks",
    "stress",
    "loadtest",
    "example",
    "examples",
    "sample",
    "samples",
    "demo",
    "demos",
];

/// Words of a package's name that say it is build-time tooling: `cargo xtask` commands and
/// code generators run by developers or build scripts, never deployed.
const BUILD_TOOL_WORDS: &[&str] = &["xtask", "codegen"];

/// Test support, example code or build tooling by the package's name or directory
/// (`chaos-testing/`, `benchmarks/`, `foo-test-utils`, `xtask`, `pumpkin-codegen`).
fn role_by_name(p: &Package) -> Option<(CodeKind, String)> {
    let words = |s: &str| -> Vec<String> {
        s.split(['-', '_'])
            .map(|w| w.to_ascii_lowercase())
            .collect()
    };
    let mut places = vec![(format!("name `{}`", p.name), words(&p.name))];
    places.extend(
        p.dir
            .split('/')
            .filter(|seg| !seg.is_empty())
            .map(|seg| (format!("directory `{}`", p.dir), words(seg))),
    );
    for (place, ws) in places {
        if ws.iter().any(|w| TEST_WORDS.contains(&w.as_str())) {
            return Some((CodeKind::TestSupport, format!("test code by its {place}")));
        }
        if ws.iter().any(|w| EXAMPLE_WORDS.contains(&w.as_str())) {
            return Some((
                CodeKind::Example,
                format!("benches or examples by its {place}"),
            ));
        }
        if ws.iter().any(|w| BUILD_TOOL_WORDS.contains(&w.as_str())) {
            return Some((
                CodeKind::BuildScript,
                format!("build tooling by its {place}"),
            ));
        }
    }
    // A package in a hidden directory (`.ci/cargo-ci`, `.github/tools`) is the repository's own
    // tooling, never deployed (opendut's `opendut-ci`, fifty-second held-out set).
    if let Some(hidden) = p
        .dir
        .split('/')
        .find(|seg| seg.len() > 1 && seg.starts_with('.') && *seg != "..")
    {
        return Some((
            CodeKind::BuildScript,
            format!("build tooling by its hidden directory `{hidden}`"),
        ));
    }
    None
}

/// The members a package declares (name, dependency kind), found by the dependency's path.
fn member_edges<'a>(
    p: &'a Package,
    by_dir: &'a HashMap<&str, &str>,
) -> impl Iterator<Item = (String, String)> + 'a {
    p.dependencies.iter().filter_map(|d| {
        let dir = d.path.as_deref()?;
        by_dir
            .get(dir)
            .map(|name| (name.to_string(), d.kind.clone()))
    })
}

/// Why `p` is test support, if it is.
fn test_support_reason(
    p: &Package,
    all: &[Package],
    edges: &[Vec<(String, String)>],
) -> Option<String> {
    if declared_role(p) == Some(TEST_SUPPORT_ROLE) {
        return Some("`[package.metadata.ready] role = \"test-support\"`".into());
    }
    let users = users_of(p, all, edges);
    let integration = p
        .name
        .split(['-', '_'])
        .any(|w| w.eq_ignore_ascii_case("integration"));
    if integration && users.is_empty() && !p.publishable {
        return Some("an unpublished `integration` package no member depends on".into());
    }
    let only_dev = !users.is_empty() && users.iter().all(|(_, kind)| *kind == "dev");
    // A binary that integration tests drive (quickwit's `quickwit-cli`, bin `quickwit`, is a
    // dev-dependency of `quickwit-integration-tests`; roughenough's unpublished reporting server
    // is a dev-dependency of its client, forty-third held-out set) is the product, unless its
    // name or directory says it is a test's (`mock-server` in a `testkit`).
    let product_bin = has_bin(p) && role_by_name(p).is_none();
    (only_dev && !product_bin).then(|| format!("only a dev-dependency (of `{}`)", names(&users)))
}

/// Why `p` is build-time tooling, if its users say so: a member only ever used as a
/// build-dependency (quickwit's `quickwit-codegen`, run by other members' `build.rs`).
fn build_tool_reason(
    p: &Package,
    all: &[Package],
    edges: &[Vec<(String, String)>],
) -> Option<String> {
    let users = users_of(p, all, edges);
    let only_build = !users.is_empty() && users.iter().all(|(_, kind)| *kind == "build");
    only_build.then(|| format!("only a build-dependency (of `{}`)", names(&users)))
}

/// The members that declare `p` (name, dependency kind).
fn users_of<'a>(
    p: &Package,
    all: &'a [Package],
    edges: &'a [Vec<(String, String)>],
) -> Vec<(&'a str, &'a str)> {
    all.iter()
        .zip(edges)
        .flat_map(|(user, e)| {
            e.iter()
                .filter(|(name, _)| *name == p.name)
                .map(move |(_, kind)| (user.name.as_str(), kind.as_str()))
        })
        .collect()
}

/// The users' names, sorted and deduplicated: `a`, `b`.
fn names(users: &[(&str, &str)]) -> String {
    let mut names: Vec<&str> = users.iter().map(|(u, _)| *u).collect();
    names.sort_unstable();
    names.dedup();
    names.join("`, `")
}

/// Does the package have a bin target?
fn has_bin(p: &Package) -> bool {
    p.targets.iter().any(|t| t.kinds.iter().any(|k| k == "bin"))
}

/// `[package.metadata.ready] role`, if the manifest sets it.
pub fn declared_role(p: &Package) -> Option<&str> {
    p.manifest_table
        .get("package")?
        .get("metadata")?
        .get("ready")?
        .get("role")?
        .as_str()
}

impl Workspace {
    /// Indices of the packages `p`'s code can call: `p` itself and every selected member it
    /// depends on through normal dependencies, transitively; sorted.
    pub fn closure(&self, p: usize) -> Vec<usize> {
        let index: HashMap<&str, usize> = self
            .packages
            .iter()
            .enumerate()
            .map(|(i, p)| (p.name.as_str(), i))
            .collect();
        let mut seen: BTreeSet<usize> = BTreeSet::new();
        let mut stack = vec![p];
        while let Some(i) = stack.pop() {
            if !seen.insert(i) {
                continue;
            }
            if let Some(pkg) = self.packages.get(i) {
                stack.extend(pkg.member_deps.iter().filter_map(|n| index.get(n.as_str())));
            }
        }
        seen.into_iter().collect()
    }

    /// Per package of [`Workspace::packages`]: could its code be part of a service? Only a bin
    /// target is one, and it compiles the libraries of the members it depends on (its
    /// [closure](Workspace::closure)), so a package that no bin depends on serves nobody:
    /// service checks and server starts are not looked for in it (most of a library
    /// workspace's code).
    pub fn serving(&self) -> Vec<bool> {
        let mut serving = vec![false; self.packages.len()];
        for (i, _) in self
            .packages
            .iter()
            .enumerate()
            .filter(|(_, p)| p.has_bin())
        {
            for q in self.closure(i) {
                if let Some(s) = serving.get_mut(q) {
                    *s = true;
                }
            }
        }
        serving
    }
}

#[cfg(test)]
mod tests {
    use super::{build_tool_reason, role_by_name, test_support_reason};
    use crate::model::CodeKind;
    use crate::workspace::Package;

    fn package(name: &str, dir: &str) -> Package {
        Package {
            name: name.into(),
            version: "0.1.0".into(),
            manifest: format!("{dir}/Cargo.toml"),
            dir: dir.into(),
            dependencies: Vec::new(),
            targets: Vec::new(),
            manifest_table: toml::Table::new(),
            member_deps: Vec::new(),
            features_on: Default::default(),
            role: None,
            publishable: false,
            described: false,
        }
    }

    #[test]
    fn only_packages_some_bin_depends_on_serve() {
        let target = |kind: &str, name: &str| crate::workspace::Target {
            name: name.into(),
            kinds: vec![kind.into()],
            src_path: format!("{name}/src/main.rs"),
            required_features: Vec::new(),
        };
        let mut app = package("app", "app");
        app.targets = vec![target("bin", "app")];
        app.member_deps = vec!["web".into()];
        let mut web = package("web", "web");
        web.targets = vec![target("lib", "web")];
        web.member_deps = vec!["core".into()];
        let mut core = package("core", "core");
        core.targets = vec![target("lib", "core")];
        let mut kit = package("kit", "kit");
        kit.targets = vec![target("lib", "kit")];
        kit.member_deps = vec!["web".into()];
        let ws = crate::workspace::Workspace {
            root: std::path::PathBuf::new(),
            root_manifest: toml::Table::new(),
            member_dirs: Vec::new(),
            packages: vec![app, core, kit, web],
            files: Vec::new(),
            notes: Vec::new(),
            repository: None,
        };
        // `kit` depends on the server library but no bin depends on `kit`.
        assert_eq!(ws.serving(), vec![true, true, false, true]);
    }

    fn kind(name: &str, dir: &str) -> Option<CodeKind> {
        role_by_name(&package(name, dir)).map(|(k, _)| k)
    }

    #[test]
    fn a_package_in_a_hidden_directory_is_build_tooling() {
        assert_eq!(
            kind("opendut-ci", ".ci/cargo-ci"),
            Some(CodeKind::BuildScript)
        );
        assert_eq!(kind("server", "crates/server"), None);
        assert_eq!(kind("server", "./server"), None);
    }

    #[test]
    fn test_support_and_examples_by_name_or_directory() {
        assert_eq!(
            kind("db_for_tests", "crates/db_for_tests"),
            Some(CodeKind::TestSupport)
        );
        assert_eq!(
            kind("app-test-utils", "crates/x"),
            Some(CodeKind::TestSupport)
        );
        assert_eq!(
            kind("cluster", "chaos-testing"),
            Some(CodeKind::TestSupport)
        );
        assert_eq!(
            kind("redis-tester", "redis-tester"),
            Some(CodeKind::TestSupport)
        );
        assert_eq!(
            kind("shuffle", "benchmarks/shuffle"),
            Some(CodeKind::Example)
        );
        assert_eq!(kind("archive", "examples/archive"), Some(CodeKind::Example));
        assert_eq!(
            kind("symbolicator-stress", "crates/symbolicator-stress"),
            Some(CodeKind::Example)
        );
        assert_eq!(
            kind("simulator", "core/simulator"),
            Some(CodeKind::TestSupport)
        );
        assert_eq!(
            kind("proxy-harness", "harness"),
            Some(CodeKind::TestSupport)
        );
    }

    #[test]
    fn an_unpublished_integration_package_nothing_uses_is_test_support() {
        let tests = package("linkerd-app-integration", "linkerd/app/integration");
        assert!(test_support_reason(&tests, &[], &[]).is_some());
        let mut published = tests.clone();
        published.publishable = true;
        assert!(test_support_reason(&published, &[], &[]).is_none());
        let user = package("app", "app");
        let edges = vec![vec![(
            "linkerd-app-integration".to_string(),
            "normal".to_string(),
        )]];
        assert!(test_support_reason(&tests, &[user], &edges).is_none());
    }

    #[test]
    fn a_product_binary_that_integration_tests_use_is_not_test_support() {
        let with_bin = |name: &str| {
            let mut p = package(name, name);
            p.targets.push(crate::workspace::Target {
                name: name.into(),
                kinds: vec!["bin".into()],
                src_path: format!("{name}/src/main.rs"),
                required_features: Vec::new(),
            });
            p
        };
        let tests = package("search-integration-tests", "integration");
        let dev = |name: &str| vec![vec![(name.to_string(), "dev".to_string())]];
        let cli = with_bin("search-cli");
        assert!(
            test_support_reason(&cli, std::slice::from_ref(&tests), &dev("search-cli")).is_none()
        );
        // Published or not, it is the product whoever tests with it (roughenough's unpublished
        // reporting server, a dev-dependency of its client).
        let app = package("search", "search");
        assert!(
            test_support_reason(&cli, std::slice::from_ref(&app), &dev("search-cli")).is_none()
        );
        let mut published = cli.clone();
        published.publishable = true;
        assert!(
            test_support_reason(&published, std::slice::from_ref(&app), &dev("search-cli"))
                .is_none()
        );
        // Without a bin, or with a test's name, it is still test support.
        let lib = package("search-fixtures", "fixtures");
        assert!(
            test_support_reason(&lib, std::slice::from_ref(&tests), &dev("search-fixtures"))
                .is_some()
        );
        let mock = with_bin("mock-server");
        assert!(test_support_reason(&mock, &[tests], &dev("mock-server")).is_some());
    }

    #[test]
    fn build_tooling_by_its_users_or_its_name() {
        let protogen = package("search-protogen", "protogen");
        let build = vec![vec![("search-protogen".to_string(), "build".to_string())]];
        let user = package("search", "search");
        assert!(build_tool_reason(&protogen, std::slice::from_ref(&user), &build).is_some());
        let normal = vec![vec![("search-protogen".to_string(), "normal".to_string())]];
        assert!(build_tool_reason(&protogen, &[user], &normal).is_none());
        assert_eq!(kind("xtask", "xtask"), Some(CodeKind::BuildScript));
        assert_eq!(
            kind("pumpkin-codegen", "tools/pumpkin-codegen"),
            Some(CodeKind::BuildScript)
        );
    }

    #[test]
    fn features_on_by_default_by_targets_and_by_members() {
        let mut lib = package("api", "api");
        lib.manifest_table = toml::from_str(
            "[features]\ndefault = [\"a\"]\na = [\"b\", \"dep:x\", \"y/z\"]\nb = []\nc = []\nd = []\n",
        )
        .unwrap_or_default();
        lib.targets.push(crate::workspace::Target {
            name: "admin".into(),
            kinds: vec!["bin".into()],
            src_path: "api/src/bin/admin.rs".into(),
            required_features: vec!["d".into()],
        });
        let mut user = package("server", "server");
        user.dependencies.push(crate::model::Dependency {
            name: "api".into(),
            local_name: "api".into(),
            kind: "normal".into(),
            req: "*".into(),
            registry: false,
            path: Some("api".into()),
            features: vec!["c".into()],
            optional: false,
        });
        let by_dir = std::collections::HashMap::from([("api", "api"), ("server", "server")]);
        let on: Vec<String> = super::features_on(&lib, &[lib.clone(), user], &by_dir)
            .into_iter()
            .collect();
        assert_eq!(on, ["a", "b", "c", "d", "default", "x", "y"]);
    }

    #[test]
    fn words_inside_other_words_do_not_count() {
        assert_eq!(kind("attestation", "crates/attestation"), None);
        assert_eq!(kind("contest-api", "contest"), None);
    }
}
