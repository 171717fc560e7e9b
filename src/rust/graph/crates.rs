//! Crates of the workspace from cargo metadata: one per target of each member package, with
//! the crates each may name. A crate of package P sees its own items, P's lib (from a bin or
//! test target) and the libs of the workspace members P depends on, by the name P's code uses
//! for them (a `rename`, else the lib target's name). Never an unrelated package.

use std::collections::HashMap;

use crate::workspace::{Workspace, crate_eq};

/// One crate (a target of a member package).
#[derive(Debug, Clone)]
pub struct CrateInfo {
    /// Index into `ws.packages`.
    pub package: usize,
    /// Index into the package's targets.
    pub target: usize,
    /// A library (lib, rlib, proc-macro, …).
    pub is_lib: bool,
    /// A binary.
    pub is_bin: bool,
    /// The crates this one may use, itself first.
    pub visible: Vec<u32>,
    /// Names this crate's code uses for other workspace crates.
    pub names: HashMap<String, u32>,
}

/// Every crate of the selected packages, and the lookup from (package, target) to crate id.
pub fn crates(ws: &Workspace) -> (Vec<CrateInfo>, HashMap<(usize, usize), u32>) {
    let mut out = Vec::new();
    let mut ids = HashMap::new();
    for (pi, p) in ws.packages.iter().enumerate() {
        for (ti, t) in p.targets.iter().enumerate() {
            let is_lib = t.is_lib();
            ids.insert((pi, ti), out.len() as u32);
            out.push(CrateInfo {
                package: pi,
                target: ti,
                is_lib,
                is_bin: t.kinds.iter().any(|k| k == "bin"),
                visible: Vec::new(),
                names: HashMap::new(),
            });
        }
    }
    // Package → (its lib crate, the lib's name in code).
    let libs: HashMap<usize, (u32, String)> = out
        .iter()
        .enumerate()
        .filter(|(_, c)| c.is_lib)
        .map(|(i, c)| {
            let name = ws.packages[c.package].targets[c.target]
                .name
                .replace('-', "_");
            (c.package, (i as u32, name))
        })
        .collect();
    for (id, c) in out.iter_mut().enumerate() {
        let p = &ws.packages[c.package];
        c.visible.push(id as u32);
        if let Some((lib, name)) = libs.get(&c.package) {
            c.names.insert(name.clone(), *lib);
            if *lib != id as u32 {
                c.visible.push(*lib);
            }
        }
        for d in &p.dependencies {
            let Some(q) = ws.packages.iter().position(|q| crate_eq(&q.name, &d.name)) else {
                continue;
            };
            let Some((lib, lib_name)) = libs.get(&q) else {
                continue;
            };
            let renamed = d.local_name != d.name.replace('-', "_");
            let name = if renamed {
                d.local_name.clone()
            } else {
                lib_name.clone()
            };
            c.names.insert(name, *lib);
            if !c.visible.contains(lib) {
                c.visible.push(*lib);
            }
        }
    }
    (out, ids)
}
