//! Name resolution without type checking: paths are resolved through the `use` items in scope
//! (aliases, groups, globs, `self`), so `fs::write`, `sfs::write` and a bare `write` after
//! `use std::fs::write` all become `std::fs::write`, while `tokio::fs::write` never does.

use std::collections::HashMap;

use syn::UseTree;

/// One scope's imports.
#[derive(Debug, Default, Clone)]
struct Scope {
    aliases: HashMap<String, Vec<String>>,
    globs: Vec<Vec<String>>,
}

/// Import scopes, innermost last.
#[derive(Debug, Clone)]
pub struct Resolver {
    scopes: Vec<Scope>,
}

impl Default for Resolver {
    fn default() -> Self {
        Resolver {
            scopes: vec![Scope::default()],
        }
    }
}

impl Resolver {
    /// Opens a nested scope (inline module, block).
    pub fn push(&mut self) {
        self.scopes.push(Scope::default());
    }

    /// Closes the innermost scope (the outermost one stays).
    pub fn pop(&mut self) {
        if self.scopes.len() > 1 {
            self.scopes.pop();
        }
    }

    /// Records a `use` tree in the innermost scope.
    pub fn add_use(&mut self, tree: &UseTree) {
        let mut prefix = Vec::new();
        self.add_tree(tree, &mut prefix);
    }

    fn add_tree(&mut self, tree: &UseTree, prefix: &mut Vec<String>) {
        let Some(scope) = self.scopes.last_mut() else {
            return;
        };
        match tree {
            UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.add_tree(&p.tree, prefix);
                prefix.pop();
            }
            UseTree::Name(n) => {
                let name = n.ident.to_string();
                if name == "self" {
                    if let Some(last) = prefix.last() {
                        scope.aliases.insert(last.clone(), prefix.clone());
                    }
                } else {
                    let mut full = prefix.clone();
                    full.push(name.clone());
                    scope.aliases.insert(name, full);
                }
            }
            UseTree::Rename(r) => {
                let name = r.ident.to_string();
                let mut full = prefix.clone();
                if name != "self" {
                    full.push(name);
                }
                if r.rename != "_" {
                    scope.aliases.insert(r.rename.to_string(), full);
                }
            }
            UseTree::Glob(_) => scope.globs.push(prefix.clone()),
            UseTree::Group(g) => {
                for t in &g.items {
                    self.add_tree(t, prefix);
                }
            }
        }
    }

    /// Every `(alias, full path)` pair in scope.
    pub fn aliases(&self) -> Vec<(String, Vec<String>)> {
        self.scopes
            .iter()
            .flat_map(|s| s.aliases.iter().map(|(k, v)| (k.clone(), v.clone())))
            .collect()
    }

    /// Every glob prefix in scope.
    pub fn globs(&self) -> Vec<Vec<String>> {
        self.scopes.iter().flat_map(|s| s.globs.clone()).collect()
    }

    /// Resolves a path's segments; the first is the primary resolution, further ones come
    /// from glob imports (for single-segment paths).
    pub fn resolve(&self, segs: &[String]) -> Vec<Vec<String>> {
        let Some(first) = segs.first() else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let alias = self.scopes.iter().rev().find_map(|s| s.aliases.get(first));
        match alias {
            Some(full) => {
                let mut p = full.clone();
                p.extend(segs.iter().skip(1).cloned());
                out.push(strip_root(p));
            }
            None => {
                out.push(strip_root(segs.to_vec()));
                for glob in self.scopes.iter().rev().flat_map(|s| &s.globs) {
                    let mut p = glob.clone();
                    p.extend(segs.iter().cloned());
                    out.push(strip_root(p));
                }
            }
        }
        out
    }
}

/// `::std::fs` → `std::fs`; `core::` and `alloc::` items reachable through `std` are named
/// as `std::` paths.
fn strip_root(mut p: Vec<String>) -> Vec<String> {
    if let Some(first) = p.first_mut()
        && (first == "core" || first == "alloc")
    {
        *first = "std".to_string();
    }
    p
}

/// Does a path's last segment name a fn (or a value) rather than a type or a constant:
/// lowercase, at least one lowercase letter (`try_new_file`, `_helper`, not `MAX`)?
pub fn names_a_fn(segs: &[String]) -> bool {
    segs.last().is_some_and(|l| {
        l.starts_with(|c: char| c.is_lowercase() || c == '_') && l.chars().any(|c| c.is_lowercase())
    })
}

/// Segments of a `syn::Path`.
pub fn segments(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver(src: &str) -> Resolver {
        let file: syn::File = syn::parse_str(src).unwrap();
        let mut r = Resolver::default();
        for item in &file.items {
            if let syn::Item::Use(u) = item {
                r.add_use(&u.tree);
            }
        }
        r
    }

    fn res(r: &Resolver, p: &str) -> Vec<String> {
        r.resolve(&p.split("::").map(String::from).collect::<Vec<_>>())
            .into_iter()
            .map(|v| v.join("::"))
            .collect()
    }

    #[test]
    fn aliases_groups_globs() {
        let r = resolver(
            "use std::fs as sfs; use std::{thread, io::{self, Read}}; use std::fs::write; use tokio::fs::*;",
        );
        assert_eq!(res(&r, "sfs::write"), ["std::fs::write"]);
        assert_eq!(res(&r, "thread::sleep"), ["std::thread::sleep"]);
        assert_eq!(res(&r, "io::stdin"), ["std::io::stdin"]);
        assert_eq!(res(&r, "write"), ["std::fs::write"]);
        assert_eq!(res(&r, "read"), ["read", "tokio::fs::read"]);
    }
}
