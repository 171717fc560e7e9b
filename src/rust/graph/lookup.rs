//! Crate-aware resolution of call sites. A path resolves in the caller's crate and module:
//! `crate::`, `self::`, `super::`, a visible workspace crate's name, a path relative to the
//! module, `Type::f` among the visible crates' impls. `pub use` re-exports and glob imports of
//! workspace modules are followed. A method resolves through the receiver's hinted type first;
//! an unknown receiver resolves by uniqueness among the visible crates' impls (never for names
//! std and common crates use everywhere). Nothing resolves into a package the caller's package
//! does not depend on.

use foldhash::HashMap;

use super::{CodeModel, FnId, Place};
use crate::rust::FileSummary;
use crate::rust::facts::Callee;
use crate::rust::types::Ty;

/// The memo of [`CodeModel::free_at`]: (crate, module path, name, depth) → fns.
pub(super) type FreeMemo = std::sync::Mutex<HashMap<(u32, Vec<String>, String, usize), Vec<FnId>>>;

/// Re-export and alias chains longer than this are not followed.
const MAX_DEPTH: usize = 6;

/// Method names that std, tokio and common crates define on their own types: a call of one of
/// these on an unknown receiver is far more often a map / channel / IO handle than the single
/// workspace impl that happens to share the name.
pub const COMMON_METHODS: &[&str] = &[
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
    "acquire",
    "acquire_owned",
    "acquire_many",
    "try_acquire",
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
    "new",
    "default",
    "from",
    "into",
    "map",
    "and_then",
    "unwrap",
    "expect",
    "fmt",
    "eq",
    "cmp",
    "hash",
    "drop",
    "deref",
    "borrow",
    "load",
    "store",
    "start",
    "stop",
    "init",
    "with",
];

/// At most this many impls share an ambiguous method name for the roles to follow them all.
const FAN_OUT: usize = 3;

/// Types a sync fn may return that are never futures (an awaited call is no call of it).
const NOT_FUTURES: &[&str] = &[
    "Result", "Option", "Vec", "String", "bool", "str", "PathBuf", "HashMap", "BTreeMap",
    "HashSet", "BTreeSet", "u8", "u16", "u32", "u64", "usize", "i8", "i16", "i32", "i64", "isize",
    "f32", "f64", "char",
];

impl CodeModel {
    /// Resolves every site of a file: the fns each may call, and whether all of them may run
    /// (a dynamically dispatched call) rather than one of them (an ambiguous method name).
    pub(super) fn resolve_sites(&self, file: u32, s: &FileSummary) -> Vec<(Vec<FnId>, bool)> {
        let mut places: HashMap<Option<u32>, Place> = HashMap::default();
        s.facts
            .sites
            .iter()
            .map(|site| {
                let owner = site.body.and_then(|b| s.facts.enclosing_fn(b));
                let place = places
                    .entry(owner)
                    .or_insert_with(|| self.place_in(file, s, site.body));
                let (mut fns, all) = match &site.callee {
                    Callee::Path(c) | Callee::Ref(c) => {
                        let found = c
                            .iter()
                            .map(|p| self.resolve_path(place, p, 0))
                            .find(|r| !r.is_empty());
                        (found.unwrap_or_default(), false)
                    }
                    Callee::Method { name, recv, .. } => self.resolve_method(place, name, recv),
                    Callee::Macro(_) | Callee::Param(_) => (Vec::new(), false),
                };
                if site.then.as_deref() == Some("await") {
                    fns.retain(|f| self.may_return_future(*f));
                }
                // An actor send also runs the handlers of its message.
                let handlers = (site.message.as_deref())
                    .and_then(|m| Some(self.seen_by(place.krate?, self.handlers_of(m))))
                    .unwrap_or_default();
                if !handlers.is_empty() {
                    fns.extend(handlers);
                    fns.sort_unstable();
                    fns.dedup();
                    return (fns, true);
                }
                (fns, all)
            })
            .collect()
    }

    /// The `handle` fns of the actors that handle message type `m`.
    fn handlers_of(&self, m: &str) -> Option<&Vec<FnId>> {
        self.handlers.get(&self.names.get(m)?)
    }

    /// Could a call of `f` be awaited: is it async, or may its declared return type be a
    /// future? An awaited `user.save(&conn).await` (a derive macro's async method) is no call
    /// of the workspace's sync `Config::save(&self, &PathBuf) -> Result<(), Error>` (konarr,
    /// forty-first held-out set).
    fn may_return_future(&self, f: FnId) -> bool {
        let Some(info) = self.fns.get(f as usize) else {
            return true;
        };
        let surely_not = match &info.ret {
            Ty::Named(path, _) => path
                .last()
                .is_some_and(|last| NOT_FUTURES.contains(&last.as_str())),
            _ => false,
        };
        info.is_async || !surely_not
    }

    /// The crate and module of code in `body` of file `file` (inline modules included).
    pub fn place_in(&self, file: u32, s: &FileSummary, body: Option<u32>) -> Place {
        let mut place = self.places.get(file as usize).cloned().unwrap_or_default();
        let decl = body
            .and_then(|b| s.facts.enclosing_fn(b))
            .and_then(|f| s.facts.bodies.get(f as usize))
            .and_then(|b| b.decl());
        if let Some(d) = decl {
            place.module.extend(d.inline.iter().cloned());
        }
        place
    }

    /// The fns a path names from `place`.
    pub(super) fn resolve_path(&self, place: &Place, segs: &[String], depth: usize) -> Vec<FnId> {
        let (Some(k), Some(name)) = (place.krate, segs.last()) else {
            return Vec::new();
        };
        if depth > MAX_DEPTH {
            return Vec::new();
        }
        let n = segs.len();
        if n == 1 {
            let here = self.free_at(k, &place.module, name, depth);
            if !here.is_empty() {
                return here;
            }
            return self.unique_free(k, name);
        }
        let parent = &segs[n - 2];
        if parent.starts_with(char::is_uppercase) {
            return self.assoc(place, segs);
        }
        let module = &segs[..n - 1];
        match module[0].as_str() {
            "crate" => self.free_at(k, &module[1..], name, depth),
            "self" => {
                let mut m = place.module.clone();
                m.extend(module[1..].iter().cloned());
                self.free_at(k, &m, name, depth)
            }
            "super" => {
                let ups = module.iter().take_while(|s| *s == "super").count();
                let keep = place.module.len().saturating_sub(ups);
                let mut m = place.module[..keep].to_vec();
                m.extend(module[ups..].iter().cloned());
                self.free_at(k, &m, name, depth)
            }
            first => match self.crates.get(k as usize).and_then(|c| c.names.get(first)) {
                Some(&other) => self.free_at(other, &module[1..], name, depth),
                None => {
                    let mut m = place.module.clone();
                    m.extend(module.iter().cloned());
                    let rel = self.free_at(k, &m, name, depth);
                    if rel.is_empty() {
                        self.free_at(k, module, name, depth)
                    } else {
                        rel
                    }
                }
            },
        }
    }

    /// A free fn `name` in module `module` of crate `k`, following re-exports and globs.
    /// Memoized: the answer depends on nothing else, and without the memo every bare call
    /// walked the glob imports of its module and their modules again, up to [`MAX_DEPTH`]
    /// deep (half the run time on a workspace of a hundred crates).
    fn free_at(&self, k: u32, module: &[String], name: &str, depth: usize) -> Vec<FnId> {
        let key = (k, module.to_vec(), name.to_string(), depth);
        if let Some(found) = self
            .free_memo
            .lock()
            .ok()
            .and_then(|m| m.get(&key).cloned())
        {
            return found;
        }
        let found = self.free_at_uncached(k, module, name, depth);
        if let Ok(mut m) = self.free_memo.lock() {
            m.insert(key, found.clone());
        }
        found
    }

    fn free_at_uncached(&self, k: u32, module: &[String], name: &str, depth: usize) -> Vec<FnId> {
        let (Some(mid), Some(nid)) = (self.names.get_module(module), self.names.get(name)) else {
            return self.reexported(k, module, name, depth);
        };
        match self.free.get(&(k, mid, nid)) {
            Some(v) => v.clone(),
            None => self.reexported(k, module, name, depth),
        }
    }

    /// `pub use` and glob imports of module `module` that bring `name` (or a module on the way).
    fn reexported(&self, k: u32, module: &[String], name: &str, depth: usize) -> Vec<FnId> {
        for i in (0..=module.len()).rev() {
            let Some(mid) = self.names.get_module(&module[..i]) else {
                continue;
            };
            let Some((aliases, globs)) = self.aliases.get(&(k, mid)) else {
                continue;
            };
            let here = Place {
                krate: Some(k),
                module: module[..i].to_vec(),
            };
            let seg = module.get(i).map_or(name, String::as_str);
            if let Some(target) = aliases.get(seg) {
                let mut path = target.clone();
                path.extend(module.iter().skip(i + 1).cloned());
                if i < module.len() {
                    path.push(name.to_string());
                }
                let r = self.resolve_path(&here, &path, depth + 1);
                if !r.is_empty() {
                    return r;
                }
            }
            if i == module.len() {
                for g in globs {
                    let mut path = g.clone();
                    path.push(name.to_string());
                    let r = self.resolve_path(&here, &path, depth + 1);
                    if !r.is_empty() {
                        return r;
                    }
                }
            }
        }
        Vec::new()
    }

    /// A free fn whose name is unique among the crates `k` sees (a bare call the module does
    /// not define: a macro-made item, an import we could not follow).
    fn unique_free(&self, k: u32, name: &str) -> Vec<FnId> {
        let Some(nid) = self.names.get(name) else {
            return Vec::new();
        };
        let found = self.seen_by(k, self.free_by_name.get(&nid));
        if found.len() == 1 { found } else { Vec::new() }
    }

    /// The fns among `cands` that live in a crate `k` sees.
    fn seen_by(&self, k: u32, cands: Option<&Vec<FnId>>) -> Vec<FnId> {
        let visible = self.visible(k);
        cands
            .into_iter()
            .flatten()
            .copied()
            .filter(|f| {
                self.fns[*f as usize]
                    .krate
                    .is_some_and(|c| visible.contains(&c))
            })
            .collect()
    }

    /// `Type::f` (possibly with a module or crate prefix) among the visible crates' impls.
    fn assoc(&self, place: &Place, segs: &[String]) -> Vec<FnId> {
        let n = segs.len();
        let (Some(k), Some(t), Some(f)) = (
            place.krate,
            self.names.get(&segs[n - 2]),
            self.names.get(&segs[n - 1]),
        ) else {
            return Vec::new();
        };
        let named_crate = self
            .crates
            .get(k as usize)
            .and_then(|c| c.names.get(segs[0].as_str()).copied());
        let found = self.prefer(k, named_crate, self.assoc.get(&(t, f)));
        match self.qualifying_module(k, place, &segs[..n - 2]) {
            Some(m) => found
                .into_iter()
                .filter(|f| self.is_in_module(*f, k, &m))
                .collect(),
            None => found,
        }
    }

    /// The workspace module a `Type::f` path's qualifier names (`aws_sns` in
    /// `aws_sns::Integration::new`, relative to the caller's module or the crate root; `crate::`,
    /// `self::`, `super::`), when the crate has it. None for no qualifier, another crate's name,
    /// or a module the crate does not have.
    fn qualifying_module(&self, k: u32, place: &Place, qual: &[String]) -> Option<Vec<String>> {
        let first = qual.first()?;
        let known = |m: Vec<String>| self.modules.contains(&(k, m.clone())).then_some(m);
        let ups = qual.iter().take_while(|s| *s == "super").count();
        match first.as_str() {
            "crate" => known(qual[1..].to_vec()),
            "self" => known([&place.module[..], &qual[1..]].concat()),
            "super" => {
                let keep = place.module.len().checked_sub(ups)?;
                known([&place.module[..keep], &qual[ups..]].concat())
            }
            _ => known([&place.module[..], qual].concat()).or_else(|| known(qual.to_vec())),
        }
    }

    /// Is fn `f` in crate `k`, in module `m` or below it?
    fn is_in_module(&self, f: FnId, k: u32, m: &[String]) -> bool {
        self.fns
            .get(f as usize)
            .and_then(|info| self.places.get(info.file as usize))
            .is_some_and(|p| p.krate == Some(k) && p.module.starts_with(m))
    }

    /// The candidates the crate sees, preferring a named crate, then the caller's own.
    pub(super) fn prefer(
        &self,
        k: u32,
        named: Option<u32>,
        cands: Option<&Vec<FnId>>,
    ) -> Vec<FnId> {
        let mut found = self.seen_by(k, cands);
        for pick in [named, Some(k)].into_iter().flatten() {
            if found.len() > 1
                && found
                    .iter()
                    .any(|f| self.fns[*f as usize].krate == Some(pick))
            {
                found.retain(|f| self.fns[*f as usize].krate == Some(pick));
            }
        }
        found
    }

    /// The crates `k` sees.
    pub(super) fn visible(&self, k: u32) -> &[u32] {
        self.crates
            .get(k as usize)
            .map(|c| c.visible.as_slice())
            .unwrap_or(&[])
    }

    /// The fns a method call may reach, and whether all of them may run: through the
    /// receiver's type (every impl of a trait for a `dyn Trait`), else by uniqueness.
    fn resolve_method(&self, place: &Place, name: &str, recv: &Ty) -> (Vec<FnId>, bool) {
        let Some(k) = place.krate else {
            return (Vec::new(), false);
        };
        let ty = self.eval(place, recv, 0);
        if let Ty::Dyn(path) = ty.peeled()
            && let Some(impls) = self.dyn_dispatch(k, path, name)
        {
            return (impls, true);
        }
        (self.method_by_type(k, place, name, &ty), false)
    }

    /// [`Self::resolve_method`] on a value of (evaluated) type `ty` that is no workspace trait.
    fn method_by_type(&self, k: u32, place: &Place, name: &str, ty: &Ty) -> Vec<FnId> {
        if matches!(ty.peeled(), Ty::Foreign) {
            return Vec::new();
        }
        if let Ty::Named(path, _) = ty.peeled() {
            let tname = path.last().map(String::as_str).unwrap_or("");
            if self.is_workspace_type(k, tname) {
                let (t, f) = (self.names.get(tname), self.names.get(name));
                if let (Some(t), Some(f)) = (t, f)
                    && let Some(c) = self.assoc.get(&(t, f))
                {
                    return self.prefer(k, self.crate_named(k, path), Some(c));
                }
            }
            // (`self` in `impl Service for Arc<Inner>` is an `Arc` without its argument)
            let wrapper = crate::rust::types::DEREF_WRAPPERS.contains(&tname);
            if self.is_external_path(k, path) && !wrapper {
                // A type of std or a dependency (the workspace may impl a trait of its own
                // for it, e.g. `impl Registry for opendal::Operator`, but not this method):
                // not a workspace fn.
                return Vec::new();
            }
            if !self.is_workspace_type(k, tname) && path.len() > 1 {
                // A known type of std or a dependency: not a workspace fn.
                return Vec::new();
            }
        }
        if COMMON_METHODS.contains(&name) {
            return Vec::new();
        }
        let named = self.names.get(name).and_then(|n| self.methods.get(&n));
        let in_scope = named.and_then(|c| self.traits_in_scope(k, place, c));
        let found = self.prefer(k, None, in_scope.as_ref().or(named));
        if found.len() <= FAN_OUT {
            found
        } else {
            Vec::new()
        }
    }

    /// A method called on a value of a trait of the workspace's own (`dyn Filter`, `impl
    /// Filter`): every impl's method of that name the crate sees, as dynamic dispatch may call
    /// any of them (pingora-proxy-manager's `for filter in host_filters {
    /// filter.request_filter(..) }` over a `Vec<Box<dyn ProxyFilter>>` reaches `AclFilter`'s
    /// `bcrypt::verify`; fortieth held-out set). None when the path leads into std or a
    /// dependency, the name is a type's, or no impl of a workspace trait has the method: the
    /// call is then resolved as on a value of unknown type.
    fn dyn_dispatch(&self, k: u32, path: &[String], name: &str) -> Option<Vec<FnId>> {
        let tname = path.last()?;
        if self.is_external_path(k, path) || self.is_workspace_type(k, tname) {
            return None;
        }
        let key = (self.names.get(tname)?, self.names.get(name)?);
        let impls = self.seen_by(k, self.trait_methods.get(&key));
        (!impls.is_empty()).then_some(impls)
    }

    /// Of the methods `cands` a call on a receiver of unknown type may reach, the inherent ones
    /// and those of traits the caller's module imports, when it imports the trait of one of
    /// them: a trait's method is only callable where the trait is in scope, so in
    /// `fn f<T: ShadowClient>(c: T) { c.uncordon() }` after `use models::ShadowClient;`, the
    /// `uncordon` of another trait's impl in the caller's own crate is not a candidate. None
    /// when no candidate's trait is imported by name (a glob, `use Trait as _`, a trait of the
    /// same module: the candidates stay as they are).
    fn traits_in_scope(&self, k: u32, place: &Place, cands: &[FnId]) -> Option<Vec<FnId>> {
        let trait_of = |f: &FnId| {
            self.fns
                .get(*f as usize)
                .and_then(|i| i.trait_name.as_ref())
        };
        if cands.len() < 2 || !cands.iter().any(|f| trait_of(f).is_some()) {
            return None;
        }
        let imported = self.imported_names(k, &place.module);
        let in_scope = |t: &String| imported.contains(&t);
        cands.iter().filter_map(trait_of).any(in_scope).then(|| {
            (cands.iter().copied())
                .filter(|f| trait_of(f).is_none_or(in_scope))
                .collect()
        })
    }

    /// The last segments of the paths the `use` items of module `module` (or, for an inline
    /// module, of the nearest enclosing module with a file) import by name.
    fn imported_names(&self, k: u32, module: &[String]) -> Vec<&String> {
        (0..=module.len())
            .rev()
            .filter_map(|i| self.names.get_module(&module[..i]))
            .find_map(|mid| self.aliases.get(&(k, mid)))
            .map(|(aliases, _)| aliases.values().filter_map(|p| p.last()).collect())
            .unwrap_or_default()
    }

    /// Does the workspace define a method `method` for the workspace type `ty` names (a path
    /// into std or a dependency names none)?
    pub fn defines_method(&self, ty: &[String], method: &str) -> bool {
        let external = ty.len() > 1 && ty.first().is_some_and(|f| self.externals.contains(f));
        let (Some(t), Some(f)) = (
            ty.last().and_then(|t| self.names.get(t)),
            self.names.get(method),
        ) else {
            return false;
        };
        !external && self.assoc.get(&(t, f)).is_some_and(|v| !v.is_empty())
    }

    /// The workspace crate a type path starts with, as crate `k` names it (`moq_rtmp` of
    /// `moq_rtmp::Server`).
    fn crate_named(&self, k: u32, path: &[String]) -> Option<u32> {
        let first = path.first().filter(|_| path.len() > 1)?;
        self.crates.get(k as usize)?.names.get(first).copied()
    }

    /// Does `path` (resolved through `use`) start with std or a dependency that no crate of
    /// the workspace names (`opendal::Operator`, `std::fs::File`)?
    pub(super) fn is_external_path(&self, k: u32, path: &[String]) -> bool {
        let Some(first) = path.first().filter(|_| path.len() > 1) else {
            return false;
        };
        let workspace = self
            .crates
            .get(k as usize)
            .is_some_and(|c| c.names.contains_key(first));
        self.externals.contains(first) && !workspace
    }

    /// Does a crate `k` sees define a type (a struct or an impl) named `name`?
    pub(super) fn is_workspace_type(&self, k: u32, name: &str) -> bool {
        let Some(n) = self.names.get(name) else {
            return false;
        };
        let visible = self.visible(k);
        self.structs.get(&n).is_some_and(|v| {
            v.iter()
                .any(|(c, _)| c.is_some_and(|c| visible.contains(&c)))
        }) || self.impl_types.contains(&n)
    }
}
