//! Interprocedural blocking: a non-async workspace fn whose body (outside the check's
//! `not_inside` contexts) makes a matching call is itself blocking; this propagates to a
//! fixpoint over fns resolvable by path (`Type::new`, `crate::m::f`, free fns) and methods whose
//! name is unique among the workspace's impls. Call sites in the check's contexts that reach a
//! blocking fn are findings naming the chain.

use std::collections::{HashMap, HashSet};

use crate::model::Region;

/// A reference to a possibly-workspace fn.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CalleeRef {
    /// `Type::name` or a free fn `name`.
    Path(String),
    /// A method name (resolved only when unique among workspace impls).
    Method(String),
}

/// What the index needs to know about one workspace fn.
#[derive(Debug, Clone)]
pub struct FnSummary {
    /// `Type::name` for impl fns; `module::name` for free fns (`name` in a crate root), where
    /// `module` is the innermost module's name.
    pub key: String,
    /// A free fn (not in an impl or trait).
    pub free: bool,
    /// Where it is defined: workspace-relative file and the line of its name.
    pub at: Option<(String, u32)>,
    /// Async fns are never "blocking" themselves (their callers await them).
    pub is_async: bool,
    /// Direct matching calls outside exempt contexts: (check, callee shown).
    pub direct: Vec<(usize, String)>,
    /// Calls made outside exempt contexts, with the checks for which they are live.
    pub callees: Vec<(CalleeRef, Vec<usize>)>,
}

/// A call in a checked context (e.g. async code) that may reach a blocking workspace fn.
#[derive(Debug, Clone)]
pub struct CallSite {
    /// The interprocedural check.
    pub check: usize,
    /// What is called.
    pub callee: CalleeRef,
    /// Where.
    pub region: Region,
    /// How the call reads, e.g. `registry.save()`.
    pub display: String,
}

/// `module::name`, or `name` in a crate root.
pub fn qualify(module: &str, name: &str) -> String {
    if module.is_empty() {
        name.to_string()
    } else {
        format!("{module}::{name}")
    }
}

/// The key of a resolved path if it may name a workspace fn: `Type::name`, or for free fns
/// `module::name` with the module the path names (`crate::config::init` → `config::init`) or,
/// for a bare or `self::` path, the module the call is in.
pub fn local_key(
    path: &[String],
    externals: &HashSet<String>,
    impl_ty: Option<&str>,
    module: &str,
) -> Option<String> {
    let first = path.first()?;
    let name = path.last()?;
    if externals.contains(first) && path.len() > 1 {
        return None;
    }
    let parent = path
        .len()
        .checked_sub(2)
        .and_then(|i| path.get(i))
        .map(String::as_str);
    match parent {
        Some("Self") => impl_ty.map(|t| format!("{t}::{name}")),
        Some(t) if t.chars().next().is_some_and(char::is_uppercase) => Some(format!("{t}::{name}")),
        Some("crate") => Some(name.clone()),
        Some("self") | None => Some(qualify(module, name)),
        Some("super") => Some(name.clone()),
        Some(m) => Some(format!("{m}::{name}")),
    }
}

/// Method names that std, tokio and common crates define on their own types: a call of one of
/// these on an unknown receiver is far more often a map / channel / IO handle than the single
/// workspace impl that happens to share the name.
const COMMON_METHODS: &[&str] = &[
    "get",
    "get_mut",
    "insert",
    "remove",
    "push",
    "pop",
    "contains",
    "contains_key",
    "len",
    "is_empty",
    "iter",
    "iter_mut",
    "clone",
    "send",
    "recv",
    "try_send",
    "try_recv",
    "read",
    "write",
    "flush",
    "lock",
    "next",
    "take",
    "replace",
    "extend",
    "clear",
    "drain",
    "entry",
    "keys",
    "values",
    "first",
    "last",
    "find",
    "parse",
    "call",
    "poll",
    "handle",
    "run",
    "spawn",
    "join",
    "wait",
    "close",
    "open",
    "connect",
    "accept",
    "bind",
    "listen",
    "shutdown",
    "finish",
    "build",
    "to_string",
    "as_str",
    "as_ref",
    "into_inner",
    "set",
    "update",
    "apply",
    "execute",
];

/// Why a fn is blocking: the next step of the chain.
#[derive(Debug, Clone)]
enum Via {
    Direct(String),
    Call(String),
}

/// The workspace index.
pub struct Index {
    fns: HashMap<String, Vec<FnSummary>>,
    methods: HashMap<String, Vec<String>>,
    /// Free fn name → keys, for paths whose module part does not match (`super::f`,
    /// `other_crate::f`): resolved when the name is unique.
    free: HashMap<String, Vec<String>>,
    /// Per check: blocking fn key → next step.
    blocking: HashMap<usize, HashMap<String, Via>>,
}

impl Index {
    /// Builds the index and runs the fixpoint.
    pub fn build(fns: Vec<FnSummary>) -> Index {
        let mut by_key: HashMap<String, Vec<FnSummary>> = HashMap::new();
        let mut methods: HashMap<String, HashSet<String>> = HashMap::new();
        let mut free: HashMap<String, HashSet<String>> = HashMap::new();
        for f in fns {
            let name = f.key.rsplit("::").next().unwrap_or(&f.key).to_string();
            if f.free {
                free.entry(name).or_default().insert(f.key.clone());
            } else if let Some((ty, name)) = f.key.rsplit_once("::")
                && !ty.starts_with("<trait>")
            {
                methods
                    .entry(name.to_string())
                    .or_default()
                    .insert(f.key.clone());
            }
            by_key.entry(f.key.clone()).or_default().push(f);
        }
        let mut idx = Index {
            fns: by_key,
            methods: methods
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().collect()))
                .collect(),
            free: free
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().collect()))
                .collect(),
            blocking: HashMap::new(),
        };
        idx.fixpoint();
        idx
    }

    /// The fn a call reaches: the fn with exactly that key (`Type::name`, `module::name`);
    /// failing that, a free fn whose name is unique in the workspace (for `super::f` and calls
    /// into other member crates). A method resolves when its name is unique among workspace
    /// impls and not one that std and common dependencies use everywhere (`store.get()` on a
    /// map is not `Settings::get`).
    fn resolve(&self, c: &CalleeRef) -> Option<String> {
        match c {
            CalleeRef::Path(k) if self.fns.contains_key(k) => Some(k.clone()),
            CalleeRef::Path(k) => {
                let name = k.rsplit("::").next().unwrap_or(k);
                let ty = k.len() > name.len() && k.chars().next().is_some_and(char::is_uppercase);
                match self.free.get(name).map(Vec::as_slice) {
                    Some([one]) if !ty => Some(one.clone()),
                    _ => None,
                }
            }
            CalleeRef::Method(m) if COMMON_METHODS.contains(&m.as_str()) => None,
            CalleeRef::Method(m) => match self.methods.get(m).map(Vec::as_slice) {
                Some([one]) => Some(one.clone()),
                _ => None,
            },
        }
    }

    fn fixpoint(&mut self) {
        let mut blocking: HashMap<usize, HashMap<String, Via>> = HashMap::new();
        for (key, list) in &self.fns {
            for f in list.iter().filter(|f| !f.is_async) {
                for (check, shown) in &f.direct {
                    blocking
                        .entry(*check)
                        .or_default()
                        .entry(key.clone())
                        .or_insert_with(|| Via::Direct(shown.clone()));
                }
            }
        }
        loop {
            let mut added = Vec::new();
            for (key, list) in &self.fns {
                for f in list.iter().filter(|f| !f.is_async) {
                    for (callee, checks) in &f.callees {
                        let Some(target) = self.resolve(callee) else {
                            continue;
                        };
                        for check in checks {
                            let set = blocking.get(check);
                            if set.is_some_and(|s| s.contains_key(&target) && !s.contains_key(key))
                            {
                                added.push((*check, key.clone(), target.clone()));
                            }
                        }
                    }
                }
            }
            if added.is_empty() {
                break;
            }
            for (check, key, target) in added {
                blocking
                    .entry(check)
                    .or_default()
                    .entry(key)
                    .or_insert(Via::Call(target));
            }
        }
        self.blocking = blocking;
    }

    /// Names (last segments) of every blocking fn, for the next parsing round.
    pub fn blocking_names(&self) -> HashSet<String> {
        self.blocking
            .values()
            .flat_map(|m| m.keys())
            .map(|k| k.rsplit("::").next().unwrap_or(k).to_string())
            .collect()
    }

    /// The chain when `site` reaches a blocking fn: the message, and each workspace fn on the
    /// way with where it is defined.
    pub fn chain(&self, site: &CallSite) -> Option<(String, Vec<crate::model::Related>)> {
        let set = self.blocking.get(&site.check)?;
        let mut key = self.resolve(&site.callee)?;
        let mut parts = vec![format!("`{}`", site.display)];
        let mut related = Vec::new();
        let mut seen = HashSet::new();
        loop {
            if !seen.insert(key.clone()) {
                return None;
            }
            parts.push(format!("`{key}`"));
            let via = set.get(&key)?;
            let next = match via {
                Via::Direct(shown) | Via::Call(shown) => shown.clone(),
            };
            let at = self
                .fns
                .get(&key)
                .and_then(|l| l.first())
                .and_then(|f| f.at.clone());
            if let Some((file, line)) = at {
                let message = format!("`{key}` calls `{next}`");
                related.push(crate::model::Related {
                    file,
                    line,
                    message,
                });
            }
            match via {
                Via::Direct(_) => {
                    parts.push(format!("`{next}`"));
                    return Some((parts.join(" → "), related));
                }
                Via::Call(_) => key = next,
            }
        }
    }
}
