//! The workspace code model, built once per scan from every file's facts: crates (from cargo
//! metadata) and module paths (from the module tree), fns with compact ids keyed by crate +
//! module path + impl type + name, every recorded site's resolved targets, and the role of
//! every body (request path, startup, library API). The syntax kinds query it.

mod crates;
mod hints;
mod lookup;
mod names;
mod roles;

use foldhash::HashMap;

pub use crates::CrateInfo;
use names::Names;
pub use roles::{Reach, RolePath};

use super::FileSummary;
use super::facts::{BodyKind, TypeItem};
use super::modtree::Classification;
use super::types::Ty;
use crate::model::{CodeKind, Role};
use crate::workspace::Workspace;

/// A fn's id in the model.
pub type FnId = u32;

/// A body's id in the model (fns, closures and async blocks of every file).
pub type BodyId = u32;

/// A workspace fn.
#[derive(Debug, Clone)]
pub struct FnInfo {
    /// Its body.
    pub body: BodyId,
    /// The file (index into `ws.files`).
    pub file: u32,
    /// Its crate, when a module tree reaches the file.
    pub krate: Option<u32>,
    /// How it is shown: `Type::name`, or `module::name` (`name` in a crate root).
    pub key: String,
    /// An `async fn`.
    pub is_async: bool,
    /// Its declared return type.
    ret: Ty,
    /// The trait it implements a method of (`impl Trait for X`), by last segment.
    trait_name: Option<String>,
}

/// A struct's declared named fields.
type Fields = Vec<(String, Ty)>;

/// A module's `use` aliases (local name → full path) and glob prefixes.
type Imports = (HashMap<String, Vec<String>>, Vec<Vec<String>>);

/// Where a site or body sits: crate and module path.
#[derive(Debug, Clone, Default)]
pub struct Place {
    /// The crate, if known.
    pub krate: Option<u32>,
    /// The module path from the crate root.
    pub module: Vec<String>,
}

/// The code model of the workspace.
#[derive(Debug, Default)]
pub struct CodeModel {
    /// Every crate of the selected packages.
    pub crates: Vec<CrateInfo>,
    /// Every workspace fn of the parsed items.
    pub fns: Vec<FnInfo>,
    names: Names,
    /// Per file: crate and module path.
    places: Vec<Place>,
    /// The (crate, module path) of every file of a crate.
    modules: std::collections::HashSet<(u32, Vec<String>)>,
    /// Per file: id of its first body.
    body_base: Vec<u32>,
    /// Per body: (file, index in the file's bodies).
    body_at: Vec<(u32, u32)>,
    /// Per body: the fn it is, if a fn.
    body_fn: Vec<Option<FnId>>,
    /// (crate, module, name) → free fns.
    free: HashMap<(u32, u32, u32), Vec<FnId>>,
    /// (type name, fn name) → impl fns.
    assoc: HashMap<(u32, u32), Vec<FnId>>,
    /// Names of the types with an impl.
    impl_types: std::collections::HashSet<u32>,
    /// Method name → impl fns (for resolution by uniqueness).
    methods: HashMap<u32, Vec<FnId>>,
    /// Free fn name → fns (for a bare name the module does not define).
    free_by_name: HashMap<u32, Vec<FnId>>,
    /// (trait name, method name) → the methods of the workspace's impls of a trait of its own
    /// (what a call on a `dyn Trait` / `impl Trait` value may reach).
    trait_methods: HashMap<(u32, u32), Vec<FnId>>,
    handlers: HashMap<u32, Vec<FnId>>,
    /// Struct name → (crate, fields).
    structs: HashMap<u32, Vec<(Option<u32>, Fields)>>,
    /// Type alias name → (crate, aliased type).
    type_aliases: HashMap<u32, Vec<(Option<u32>, Ty)>>,
    /// Static name → (crate, module, type).
    statics: HashMap<u32, Vec<(Option<u32>, u32, Ty)>>,
    /// (crate, module) → its file's `use` aliases and globs.
    aliases: HashMap<(u32, u32), Imports>,
    /// Per file, per site: the fns it may call (one when resolved; several for an ambiguous
    /// method, which only the roles follow, or for a dispatched call, which chains follow too).
    targets: Vec<Vec<Vec<FnId>>>,
    /// The (file, site) pairs whose targets may all run: a method of a workspace trait called
    /// on a `dyn Trait` / `impl Trait` value.
    dispatched: std::collections::HashSet<(u32, u32)>,
    /// Per body: its role and how it was reached (empty when roles were not asked for).
    reach: Vec<Option<Reach>>,
    /// Per body: does a background job (a timer loop's work, a one-time initialiser) reach it?
    in_job: Vec<bool>,
    in_detached: Vec<bool>,
    /// Some selected package has a bin target.
    has_bin: bool,
    /// Per file: do loops of async code that await events serve requests there? None: in
    /// every file. See [`Roles`].
    loops_serve: Option<Vec<bool>>,
    /// Crate names that are not workspace members (std and the dependencies).
    externals: std::collections::HashSet<String>,
    /// The `[Enum, Variant]` events timer loops of production code send (see
    /// [`CodeModel::in_timer_arm`]).
    timer_sent: std::collections::HashSet<[String; 2]>,
    /// Answers of `free_at` so far: re-export and glob chains visit the same modules again
    /// for every site that names them.
    free_memo: lookup::FreeMemo,
    /// Per fn: the call sites (file, index) that may call it, built on first use.
    callers: std::sync::OnceLock<HashMap<FnId, Vec<(u32, u32)>>>,
}

/// What the roles analysis is told from outside the code model.
#[derive(Debug, Clone)]
pub struct Roles {
    /// Per file of `ws.files`: do event loops written there serve requests? When the service
    /// model found services, only in their code (a bin's module tree and its libraries); an
    /// event loop of a CLI or desktop client beside them (a REPL, a TUI, an update progress
    /// loop) serves nobody, so it is no request root. Nowhere when it found none.
    pub loops_serve: Vec<bool>,
}

impl CodeModel {
    /// Builds the model from the files' facts; `summaries[i]` belongs to `ws.files[i]`.
    pub fn build(
        ws: &Workspace,
        class: &Classification,
        summaries: &[Option<&FileSummary>],
        roles: Option<Roles>,
        externals: &std::collections::HashSet<String>,
    ) -> CodeModel {
        let clock = crate::timings::Clock::start();
        let (crates, ids) = crates::crates(ws);
        let mut m = CodeModel {
            crates,
            has_bin: ws.packages.iter().any(|p| p.has_bin()),
            loops_serve: roles.map(|r| r.loops_serve),
            externals: externals.clone(),
            ..CodeModel::default()
        };
        m.places = (0..ws.files.len())
            .map(|i| match class.modules.get(i).cloned().flatten() {
                Some(fm) => Place {
                    krate: ids.get(&(fm.package, fm.target)).copied(),
                    module: fm.path,
                },
                None => Place::default(),
            })
            .collect();
        m.modules = m
            .places
            .iter()
            .filter_map(|p| Some((p.krate?, p.module.clone())))
            .collect();
        let bodies: usize = summaries
            .iter()
            .flatten()
            .map(|s| s.facts.bodies.len())
            .sum();
        m.body_at.reserve(bodies);
        m.body_fn.reserve(bodies);
        m.fns.reserve(bodies);
        m.body_base.reserve(summaries.len());
        for (i, s) in summaries.iter().enumerate() {
            m.body_base.push(m.body_at.len() as u32);
            if let Some(s) = s {
                let production =
                    class.kinds.get(i).copied().flatten() == Some(CodeKind::Production);
                m.add_file(i as u32, s, production);
            }
        }
        let resolved: Vec<Vec<(Vec<FnId>, bool)>> = {
            use rayon::prelude::*;
            let m = &m;
            summaries
                .par_iter()
                .enumerate()
                .map(|(i, s)| s.map(|s| m.resolve_sites(i as u32, s)).unwrap_or_default())
                .collect()
        };
        for (file, sites) in resolved.into_iter().enumerate() {
            let mut targets = Vec::with_capacity(sites.len());
            for (site, (fns, all)) in sites.into_iter().enumerate() {
                if all {
                    m.dispatched.insert((file as u32, site as u32));
                }
                targets.push(fns);
            }
            m.targets.push(targets);
        }
        crate::timings::add(crate::timings::Stage::Model, clock.elapsed());
        if m.loops_serve.is_some() {
            m.timer_sent = roles::timer_sends(class, summaries);
            (m.reach, m.in_job, m.in_detached) =
                crate::timings::time(crate::timings::Stage::Roles, || {
                    roles::assign(&m, class, summaries)
                });
        }
        m
    }

    /// Registers a file's fns and type items. Fns of test code are not resolution targets:
    /// production code cannot call them.
    fn add_file(&mut self, file: u32, s: &FileSummary, production: bool) {
        let place = self.places[file as usize].clone();
        let krate = place.krate;
        for (local, body) in s.facts.bodies.iter().enumerate() {
            let id = self.body_at.len() as u32;
            self.body_at.push((file, local as u32));
            let BodyKind::Fn(decl) = &body.kind else {
                self.body_fn.push(None);
                continue;
            };
            let key = match &decl.impl_ty {
                Some(t) => format!("{t}::{}", decl.name),
                None if decl.in_trait => {
                    format!(
                        "{}::{}",
                        decl.trait_name.as_deref().unwrap_or("_"),
                        decl.name
                    )
                }
                None => match decl.inline.last().or(place.module.last()) {
                    Some(m) => format!("{m}::{}", decl.name),
                    None => decl.name.clone(),
                },
            };
            let fid = self.fns.len() as FnId;
            self.fns.push(FnInfo {
                body: id,
                file,
                krate,
                key,
                is_async: body.is_async,
                ret: decl.ret.clone(),
                trait_name: (decl.impl_ty.is_some())
                    .then(|| decl.trait_name.clone())
                    .flatten(),
            });
            self.body_fn.push(Some(fid));
            if !production || s.in_test_range(body.line) {
                continue;
            }
            let name = self.names.id(&decl.name);
            if let Some(m) = &body.message {
                let m = self.names.id(m);
                self.handlers.entry(m).or_default().push(fid);
            }
            match (&decl.impl_ty, decl.in_trait) {
                (Some(t), _) => {
                    let t_name = t.as_str();
                    let t = self.names.id(t);
                    self.impl_types.insert(t);
                    self.assoc.entry((t, name)).or_default().push(fid);
                    // `x.name()` calls a method, never an associated fn without `self`
                    if !decl.foreign_trait && decl.has_self {
                        self.methods.entry(name).or_default().push(fid);
                        if let Some(tr) = decl.trait_name.as_ref().filter(|_| !is_stand_in(t_name))
                        {
                            let tr = self.names.id(tr);
                            self.trait_methods.entry((tr, name)).or_default().push(fid);
                        }
                    }
                }
                (None, true) => {}
                (None, false) => {
                    // The module path is built for the free fns only (methods are keyed by
                    // their type): most fns of a large workspace are methods.
                    let mut module = place.module.clone();
                    module.extend(decl.inline.iter().cloned());
                    let mid = self.names.module(&module);
                    if let Some(k) = krate {
                        self.free.entry((k, mid, name)).or_default().push(fid);
                    }
                    self.free_by_name.entry(name).or_default().push(fid);
                }
            }
        }
        self.add_types(&place, s);
    }

    fn add_types(&mut self, place: &Place, s: &FileSummary) {
        for t in &s.facts.types {
            match t {
                TypeItem::Struct { name, fields, .. } => {
                    let n = self.names.id(name);
                    self.structs
                        .entry(n)
                        .or_default()
                        .push((place.krate, fields.clone()));
                }
                TypeItem::Alias { name, ty } => {
                    let n = self.names.id(name);
                    self.type_aliases
                        .entry(n)
                        .or_default()
                        .push((place.krate, ty.clone()));
                }
                TypeItem::Static { name, inline, ty } => {
                    let mut module = place.module.clone();
                    module.extend(inline.iter().cloned());
                    let (n, mid) = (self.names.id(name), self.names.module(&module));
                    self.statics
                        .entry(n)
                        .or_default()
                        .push((place.krate, mid, ty.clone()));
                }
            }
        }
        if let Some(k) = place.krate {
            let mid = self.names.module(&place.module);
            let entry = self.aliases.entry((k, mid)).or_default();
            entry.0.extend(s.facts.aliases.iter().cloned());
            entry.1.extend(s.facts.globs.iter().cloned());
        }
    }

    /// The global id of body `local` of file `file`.
    pub fn body_id(&self, file: u32, local: u32) -> Option<BodyId> {
        self.body_base.get(file as usize).map(|b| b + local)
    }

    /// The fn of a body, if the body is a fn.
    pub fn fn_of_body(&self, body: BodyId) -> Option<FnId> {
        self.body_fn.get(body as usize).copied().flatten()
    }

    /// Where body `body` is: (file, index in the file's bodies).
    pub fn body_at(&self, body: BodyId) -> Option<(u32, u32)> {
        self.body_at.get(body as usize).copied()
    }

    /// The fns site `site` of file `file` may call (empty when unresolved).
    pub fn targets(&self, file: usize, site: usize) -> &[FnId] {
        self.targets
            .get(file)
            .and_then(|t| t.get(site))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The call sites (file, index in the file's sites) that may call fn `f`.
    pub fn callers(&self, f: FnId) -> &[(u32, u32)] {
        let map = self.callers.get_or_init(|| {
            let mut map: HashMap<FnId, Vec<(u32, u32)>> = HashMap::default();
            for (file, sites) in self.targets.iter().enumerate() {
                for (i, targets) in sites.iter().enumerate() {
                    for t in targets {
                        map.entry(*t).or_default().push((file as u32, i as u32));
                    }
                }
            }
            map
        });
        map.get(&f).map_or(&[], Vec::as_slice)
    }

    /// The fns a dynamically dispatched call may run (every impl of the trait's method; see
    /// `lookup::dyn_dispatch`); empty for any other site.
    pub fn dispatched(&self, file: usize, site: usize) -> &[FnId] {
        match self.dispatched.contains(&(file as u32, site as u32)) {
            true => self.targets(file, site),
            false => &[],
        }
    }

    /// The single fn a site calls, when resolved without ambiguity.
    pub fn target(&self, file: usize, site: usize) -> Option<FnId> {
        match self.targets(file, site) {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// The role of a body, if roles were assigned.
    pub fn role(&self, body: BodyId) -> Option<Role> {
        self.reach
            .get(body as usize)
            .map(|r| r.as_ref().map_or(Role::Unknown, |r| r.role))
    }

    /// Does a background job (a timer loop's work, a one-time initialiser) reach this body?
    /// Its event loops are part of the job, not request paths.
    pub fn in_background_job(&self, body: BodyId) -> bool {
        self.in_job.get(body as usize).copied().unwrap_or(false)
    }

    /// Does a task that a route handler spawns and leaves to run reach this body? Its event
    /// loops are the task's, whatever they read.
    pub fn in_detached_job(&self, body: BodyId) -> bool {
        self.in_detached
            .get(body as usize)
            .copied()
            .unwrap_or(false)
    }

    /// Does a selected package have a bin target?
    pub fn has_bin(&self) -> bool {
        self.has_bin
    }

    /// Is code of file `file` (summary `s`) in event arm `arm` of a dispatcher, for an event
    /// that a timer loop sends (`Event::RefreshTeams => ..`)? Such an arm runs periodic work,
    /// whatever loop dispatches it.
    pub fn in_timer_arm(&self, file: u32, s: &FileSummary, arm: Option<u32>) -> bool {
        self.loops_serve(file)
            && arm
                .and_then(|a| s.facts.arms.get(a as usize))
                .is_some_and(|v| self.timer_sent.contains(v))
    }

    /// Do event loops of async code written in this file serve requests (see [`Roles`])?
    pub fn loops_serve(&self, file: u32) -> bool {
        self.loops_serve
            .as_ref()
            .is_none_or(|v| v.get(file as usize).copied().unwrap_or(true))
    }
}

/// Is an impl type a test stand-in (`DatabaseManagerSystemMock`, `FakeStore`, `TestBackend`)?
/// A call through `dyn Trait` does not reach it in production, even where the module tree does
/// not tell it apart from production code (cnosdb's mock beside its real access control,
/// fortieth set's dyn-dispatch check).
fn is_stand_in(impl_ty: &str) -> bool {
    ["Mock", "Fake", "Stub", "Dummy"]
        .iter()
        .any(|w| impl_ty.contains(w))
        || impl_ty.starts_with("Test")
}
