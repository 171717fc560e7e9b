//! The workspace-member dependency graph (from `cargo metadata --no-deps`: each member's
//! declared path dependencies that point at another member) and what it implies: each
//! package's closure of members, and which members are test support (only ever
//! dev-dependencies of others, or marked `[package.metadata.ready] role = "test-support"`).

use std::collections::{BTreeSet, HashMap};

use super::{Package, Workspace};

/// The `role` a member may declare in its own `[package.metadata.ready]`.
pub const TEST_SUPPORT_ROLE: &str = "test-support";

/// Fills `member_deps` and `test_support` of every package. `all` is every member of the
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
        p.test_support = test_support_reason(p, all, &edges);
    }
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
    let users: Vec<(&str, &str)> = all
        .iter()
        .zip(edges)
        .flat_map(|(user, e)| {
            e.iter()
                .filter(|(name, _)| *name == p.name)
                .map(move |(_, kind)| (user.name.as_str(), kind.as_str()))
        })
        .collect();
    let only_dev = !users.is_empty() && users.iter().all(|(_, kind)| *kind == "dev");
    only_dev.then(|| {
        let mut names: Vec<&str> = users.iter().map(|(u, _)| *u).collect();
        names.sort_unstable();
        names.dedup();
        format!("only a dev-dependency (of `{}`)", names.join("`, `"))
    })
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
}
