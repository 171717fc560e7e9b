//! Name-level reachability between a bin and the libraries it depends on, without types: which
//! library fns the bin's own code can call, transitively. A free fn is reached by a call of its
//! name (`serve(..)`, `app::serve(..)`); an associated fn or method of type `T` by `T::name` or,
//! once `T` is named in reached code, by `.name(..)`. So `Server::new(cfg).run()` reaches
//! `Server::run`, while a config printer that calls `Config::default()` does not reach the
//! `run` of a `Server` it never names. Used to tell which bins of a package reach the fn that
//! starts a server. An over-approximation still: same-named fns of one type are not told apart.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

mod tokens;

use proc_macro2::{Group, TokenStream, TokenTree};

pub use tokens::mentioned;
use tokens::{
    body_after, collect, derives_a_cli_parser, impl_block, impl_trait, is_pub, is_type_item,
    item_at, launch_attributed, path_owner, struct_fields,
};

/// What a body mentions.
#[derive(Debug, Default, Clone)]
pub struct Mentions {
    /// Names called without a path: `name(`.
    calls: HashSet<String>,
    /// `Owner::name` pairs (a type's or a module's item).
    assoc: HashSet<(String, String)>,
    /// Method names: `.name(`.
    methods: HashSet<String>,
    /// Every identifier (type names among them).
    idents: HashSet<String>,
    /// Fields a method is called on: `http` in `config.http.run(..)`.
    fields: HashSet<String>,
    /// Names a `use` item imports, each with the modules it imports them from (`run` →
    /// `publish` for `use pushpin::publish::{run, Config}`).
    imports: HashMap<String, Vec<String>>,
}

impl Mentions {
    /// `Self::name` inside an impl of `ty` is `ty::name`.
    fn resolve_self(&mut self, ty: &str) {
        let selfs: Vec<(String, String)> = self
            .assoc
            .iter()
            .filter(|(q, _)| q == "Self")
            .cloned()
            .collect();
        for (q, name) in selfs {
            self.assoc.remove(&(q, name.clone()));
            self.assoc.insert((ty.to_string(), name));
        }
    }

    /// Adds what `other` mentions.
    pub fn merge(&mut self, other: &Mentions) {
        self.calls.extend(other.calls.iter().cloned());
        self.assoc.extend(other.assoc.iter().cloned());
        self.methods.extend(other.methods.iter().cloned());
        self.idents.extend(other.idents.iter().cloned());
        self.fields.extend(other.fields.iter().cloned());
        for (name, from) in &other.imports {
            let known = self.imports.entry(name.clone()).or_default();
            known.extend(
                from.iter()
                    .filter(|m| !known.contains(m))
                    .cloned()
                    .collect::<Vec<_>>(),
            );
        }
    }

    /// Is `name` imported by a `use` item only from workspace modules other than `module` that
    /// do not re-export it? Then `name(..)` calls that import, not `module`'s fn: pushpin's
    /// `pushpin-publish` CLI calls `use pushpin::publish::run`, not the connection manager's
    /// `listener::run` accept loop (fifty-first held-out set).
    fn imports_elsewhere(&self, name: &str, module: &str, modules: &Modules) -> bool {
        self.imports.get(name).is_some_and(|from| {
            !from.is_empty()
                && from.iter().all(|q| {
                    q != module
                        && (modules.with_fns.contains(q.as_str()) || modules.own.contains(q))
                        && !modules.reexports.contains(&(q.clone(), name.to_string()))
                })
        })
    }
}

/// Every fn of some files, keyed by (owner, name) with what its body mentions: the owner of a
/// method is its impl's type, that of a free fn `mod <module>` (same-named fns of one owner
/// merged).
#[derive(Debug, Default)]
pub struct FnIndex {
    bodies: HashMap<(Owner, String), Mentions>,
    /// Type → the traits it implements (`impl Trait for Type`).
    implements: HashMap<String, HashSet<String>>,
    /// `use ctl::main as ctl_main;`: alias → (`ctl`, `main`).
    aliases: HashMap<String, (String, String)>,
    /// Type-level items (`struct`, `enum`, `static`, `const`, `type`) by name, with what they
    /// mention: naming a static names its type, a struct its fields' types.
    items: HashMap<String, Mentions>,
    /// The named fields of structs, by struct name, with the identifiers of their types.
    fields: HashMap<String, Vec<(String, Mentions)>>,
    /// The names of the `static` items among them: values a bin can give a framework.
    values: HashSet<String>,
    /// Types that derive a command-line parser (clap's `Parser`, `Subcommand`, `Args`,
    /// structopt's `StructOpt`): code that names one holds a parsed value of it, subcommands
    /// and their arguments included.
    parsed: HashSet<String>,
    /// Impls of traits by self type: the trait, what the impl mentions, its fns.
    trait_impls: HashMap<String, Vec<TraitImpl>>,
    /// Traits declared in these files.
    traits: HashSet<String>,
    /// `(module, name)` for each name a module's `pub use` re-exports.
    reexports: HashSet<(String, String)>,
    /// The modules of the bin's own module tree: a path through one (`list::run(..)`) calls
    /// the bin's own fn, never a library's same-named one.
    own_modules: HashSet<String>,
    /// (file, fn name) → the owners of the fns of that name the file defines.
    defined: HashMap<(String, String), Vec<Owner>>,
    /// The file being indexed.
    file: String,
}

/// The fns code reaches ([`FnIndex::reached_fns`]).
#[derive(Debug, Default)]
pub struct ReachedFns {
    /// Every reached (file, fn name) of the files indexed.
    at: HashSet<(String, String)>,
    /// The names of the reached fns.
    names: HashSet<String>,
    /// The names of the reached methods and trait fns.
    method_names: HashSet<String>,
    /// Every (file, fn name) of the files indexed.
    defined: HashSet<(String, String)>,
    /// The (file, fn name) pairs that name only free fns of that file.
    free_only: HashSet<(String, String)>,
}

impl ReachedFns {
    /// Is fn `name` of `file` reached? A free fn is reached only through a call of it: a CLI
    /// that runs a `Session`'s `run` method does not run the SDK's free fn `service::run` that
    /// serves (flame's `flmctl`, forty-fifth held-out set). A method is reached when any
    /// method or trait fn of its name is (a method reached through a trait object or a generic
    /// is still followed by its name), not when only free fns of its name are (pushpin's
    /// `pushpin-publish` calls `publish::run`, which is no `Listener::run` accept loop,
    /// fifty-first held-out set); a fn the index did not find in the file, when any fn is.
    pub fn holds(&self, file: &str, name: &str) -> bool {
        let key = (file.to_string(), name.to_string());
        if self.at.contains(&key) || self.free_only.contains(&key) {
            return self.at.contains(&key);
        }
        match self.defined.contains(&key) {
            true => self.method_names.contains(name),
            false => self.names.contains(name),
        }
    }
}

/// An `impl Trait for Type` block.
#[derive(Debug, Default)]
struct TraitImpl {
    /// The trait's name.
    name: String,
    /// What the block mentions (associated types and consts, fn bodies).
    mentions: Mentions,
    /// The idents of its associated types and consts (`type Cmd = EntryPoint;`).
    declares: HashSet<String>,
    /// The names of its fns.
    fns: Vec<String>,
}

/// Who a fn belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Owner {
    /// A free fn of the module with this name ("" for a crate root).
    Module(String),
    /// A method or associated fn of the type with this name.
    Type(String),
    /// A default method of the trait with this name: any implementor's (`T::name`,
    /// `.name(..)`) where the trait is named (in scope).
    Trait(String),
}

impl FnIndex {
    /// Indexes the fns of these (workspace-relative path, source text) pairs (a text that does
    /// not tokenize is skipped).
    pub fn new<'t, T: AsRef<str>>(files: impl IntoIterator<Item = (&'t str, T)>) -> FnIndex {
        let mut index = FnIndex::default();
        for (path, text) in files {
            if let Ok(ts) = TokenStream::from_str(text.as_ref()) {
                index.file = path.to_string();
                index.add(ts, &Owner::Module(module_of(path)));
            }
        }
        index
    }

    /// Tells the index the modules of the bin's own module tree: a path through one is no
    /// other crate's (`list::run(..)` in a CLI with `mod list;` is not a library's `run`).
    pub fn with_own_modules(mut self, modules: impl IntoIterator<Item = String>) -> FnIndex {
        self.own_modules.extend(modules);
        self
    }

    /// The fns code with these mentions reaches, by the file and owner that define them.
    pub fn reached_fns(&self, start: Mentions) -> ReachedFns {
        let seen = self.reach_keys(start, false);
        let at = (self.defined.iter())
            .filter(|((_, name), owners)| {
                owners
                    .iter()
                    .any(|o| seen.contains(&(o.clone(), name.clone())))
            })
            .map(|(k, _)| k.clone())
            .collect();
        let free_only = (self.defined.iter())
            .filter(|(_, owners)| owners.iter().all(|o| matches!(o, Owner::Module(_))))
            .map(|(k, _)| k.clone())
            .collect();
        let method_names = (seen.iter())
            .filter(|(owner, _)| !matches!(owner, Owner::Module(_)))
            .map(|(_, name)| name.clone())
            .collect();
        ReachedFns {
            at,
            names: seen.into_iter().map(|(_, name)| name).collect(),
            method_names,
            defined: self.defined.keys().cloned().collect(),
            free_only,
        }
    }

    fn add(&mut self, ts: TokenStream, owner: &Owner) {
        let tokens: Vec<TokenTree> = ts.into_iter().collect();
        let mut i = 0;
        while let Some(t) = tokens.get(i) {
            match t {
                TokenTree::Ident(kw) if kw == "as" => self.alias(&tokens, i),
                TokenTree::Ident(kw) if kw == "use" && is_pub(&tokens, i) => {
                    if let Owner::Module(m) = owner {
                        self.reexport(&tokens, i, m);
                    }
                }
                TokenTree::Ident(kw) if kw == "impl" => {
                    if let Some((ty, body, end)) = impl_block(&tokens, i + 1) {
                        if let Some(tr) = impl_trait(tokens.get(i + 1..end).unwrap_or(&[])) {
                            self.implements
                                .entry(ty.clone())
                                .or_default()
                                .insert(tr.clone());
                            self.trait_impl(&ty, tr, body);
                        }
                        self.add(body.stream(), &Owner::Type(ty));
                        i = end;
                    }
                }
                TokenTree::Ident(kw) if kw == "trait" => {
                    if let Some(TokenTree::Ident(name)) = tokens.get(i + 1) {
                        self.traits.insert(name.to_string());
                    }
                    if let (Some(TokenTree::Ident(name)), Some((_, body, end))) =
                        (tokens.get(i + 1), impl_block(&tokens, i + 1))
                    {
                        self.add(body.stream(), &Owner::Trait(name.to_string()));
                        i = end;
                    }
                }
                TokenTree::Ident(kw) if kw == "mod" => {
                    if let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(g))) =
                        (tokens.get(i + 1), tokens.get(i + 2))
                    {
                        self.add(g.stream(), &Owner::Module(name.to_string()));
                        i += 2;
                    }
                }
                TokenTree::Ident(kw) if kw == "fn" => {
                    if let (Some(TokenTree::Ident(name)), Some(body)) = (
                        tokens.get(i + 1),
                        body_after(tokens.get(i + 2..).unwrap_or(&[])),
                    ) {
                        let owners = (self.defined)
                            .entry((self.file.clone(), name.to_string()))
                            .or_default();
                        if !owners.contains(owner) {
                            owners.push(owner.clone());
                        }
                        let key = (owner.clone(), name.to_string());
                        let entry = self.bodies.entry(key).or_default();
                        collect(body.stream(), entry);
                        match owner {
                            Owner::Type(ty) => entry.resolve_self(ty),
                            Owner::Trait(t) => entry.resolve_self(&format!("impl {t}")),
                            Owner::Module(_) => {}
                        }
                        self.add(body.stream(), owner);
                        if launch_attributed(&tokens, i) {
                            self.launched(name.to_string(), owner);
                        }
                    }
                }
                TokenTree::Ident(kw) if is_type_item(&tokens, i) => self.item(&tokens, i),
                TokenTree::Group(g) => self.add(g.stream(), owner),
                _ => {}
            }
            i += 1;
        }
    }

    /// Records the `main` that rocket's `#[launch]` generates beside fn `name` (with its
    /// visibility): it calls `name` and launches what it returns. A bin whose `main` calls a
    /// library's `main` (`insignolib::main()`, forty-sixth held-out set) reaches the launch.
    fn launched(&mut self, name: String, owner: &Owner) {
        let main = "main".to_string();
        let owners = (self.defined)
            .entry((self.file.clone(), main.clone()))
            .or_default();
        if !owners.contains(owner) {
            owners.push(owner.clone());
        }
        let entry = self.bodies.entry((owner.clone(), main)).or_default();
        entry.calls.insert(name);
    }

    /// Records the type-level item whose keyword is at `i` (see [`is_type_item`]).
    fn item(&mut self, tokens: &[TokenTree], i: usize) {
        let Some((name, mentions)) = item_at(tokens, i) else {
            return;
        };
        if matches!(tokens.get(i), Some(TokenTree::Ident(kw)) if kw == "static") {
            self.values.insert(name.clone());
        }
        if derives_a_cli_parser(tokens, i) {
            self.parsed.insert(name.clone());
        }
        let fields = struct_fields(tokens, i);
        if !fields.is_empty() {
            self.fields.entry(name.clone()).or_default().extend(fields);
        }
        self.items.entry(name).or_default().merge(&mentions);
    }

    /// Records an `impl Trait for Type` block.
    fn trait_impl(&mut self, ty: &str, name: String, body: &Group) {
        let mut mentions = Mentions::default();
        collect(body.stream(), &mut mentions);
        mentions.resolve_self(ty);
        let tokens: Vec<TokenTree> = body.stream().into_iter().collect();
        let fns = tokens
            .windows(2)
            .filter_map(|w| match w {
                [TokenTree::Ident(kw), TokenTree::Ident(name)] if kw == "fn" => {
                    Some(name.to_string())
                }
                _ => None,
            })
            .collect();
        let declares = (0..tokens.len())
            .filter(|&i| is_type_item(&tokens, i))
            .filter_map(|i| item_at(&tokens, i))
            .flat_map(|(_, m)| m.idents)
            .collect();
        self.trait_impls
            .entry(ty.to_string())
            .or_default()
            .push(TraitImpl {
                name,
                mentions,
                declares,
                fns,
            });
    }

    /// The names a `pub use` item at `i` re-exports from module `module` (every identifier up
    /// to its `;`, nested groups included: an over-approximation of its leaves).
    fn reexport(&mut self, tokens: &[TokenTree], i: usize, module: &str) {
        let mut names = Mentions::default();
        let end = tokens
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .position(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'))
            .map_or(tokens.len(), |k| i + k);
        tokens::idents_in(tokens.get(i + 1..end).unwrap_or(&[]), &mut names);
        for n in names.idents {
            self.reexports.insert((module.to_string(), n));
        }
    }

    /// `module::name as alias`.
    fn alias(&mut self, tokens: &[TokenTree], i: usize) {
        let (Some(TokenTree::Ident(orig)), Some(TokenTree::Ident(alias))) =
            (tokens.get(i.wrapping_sub(1)), tokens.get(i + 1))
        else {
            return;
        };
        let module = path_owner(tokens, i.wrapping_sub(1)).unwrap_or_default();
        self.aliases
            .insert(alias.to_string(), (module, orig.to_string()));
    }

    /// The names of the fns reached from what the bin's own code mentions, to a fixpoint.
    pub fn reached(&self, start: Mentions) -> HashSet<String> {
        self.reach(start, false)
    }

    /// Like [`FnIndex::reached`], and a free fn is also reached when reached code names it as
    /// a value (a handler given to a router: `get(health)`): the fns whose code can run.
    pub fn reached_or_named(&self, start: Mentions) -> HashSet<String> {
        self.reach(start, true)
    }

    fn reach(&self, start: Mentions, values: bool) -> HashSet<String> {
        (self.reach_keys(start, values).into_iter())
            .map(|(_, name)| name)
            .collect()
    }

    fn reach_keys(&self, start: Mentions, values: bool) -> HashSet<(Owner, String)> {
        let mut seen: HashSet<&(Owner, String)> = HashSet::new();
        // The statics the bin's own code names are the values it can give a framework
        // (`boot(&APP)`): only their types start a dispatch.
        let mut named = Named {
            given: self
                .values
                .iter()
                .filter(|v| start.idents.contains(*v))
                .cloned()
                .collect(),
            ..Named::default()
        };
        let mut known = start;
        self.unalias(&mut known);
        let modules: HashSet<&str> = self
            .bodies
            .keys()
            .filter_map(|(o, _)| match o {
                Owner::Module(m) => Some(m.as_str()),
                Owner::Type(_) | Owner::Trait(_) => None,
            })
            .collect();
        let modules = Modules {
            with_fns: modules,
            reexports: &self.reexports,
            own: &self.own_modules,
        };
        loop {
            self.follow_fields(&mut known);
            let mut qualifiers: HashMap<&str, Vec<&str>> = HashMap::new();
            for (q, n) in &known.assoc {
                qualifiers.entry(n.as_str()).or_default().push(q.as_str());
            }
            let new: Vec<&(Owner, String)> = self
                .bodies
                .keys()
                .filter(|k| {
                    !seen.contains(*k)
                        && (calls(&known, &qualifiers, k, &modules, &self.implements)
                            || (values && names_value(&known, k, &modules)))
                })
                .collect();
            let fresh = self.newly_named(&known, &mut named);
            if new.is_empty() && fresh.is_empty() {
                return seen.into_iter().cloned().collect();
            }
            for key in new {
                seen.insert(key);
                if let Some(m) = self.bodies.get(key) {
                    known.merge(m);
                }
            }
            self.unalias(&mut known);
            for name in fresh {
                self.name_type(name, &mut known, &mut seen, &mut named);
            }
        }
    }

    /// Code that names a struct and calls a method on one of its fields names the field's type:
    /// `config.http.run(..)` with `struct Config { http: http::Server }` reaches `Server::run`
    /// (rtrtr, thirty-seventh held-out set). (A same-named field of another struct counts too.)
    fn follow_fields(&self, known: &mut Mentions) {
        let types: Vec<String> = self
            .fields
            .iter()
            .filter(|(owner, _)| known.idents.contains(*owner))
            .flat_map(|(_, fields)| fields)
            .filter(|(name, _)| known.fields.contains(name))
            .flat_map(|(_, ty)| ty.idents.iter())
            .filter(|t| !known.idents.contains(*t))
            .cloned()
            .collect();
        known.idents.extend(types);
    }

    /// `use health::health as health_endpoint;`: code that calls or names the alias calls or
    /// names the original (`cfg.service(api::health_endpoint)` registers `health::health`).
    fn unalias(&self, known: &mut Mentions) {
        // Named as a value only through a `use` path (`x as usize` is a cast, not an alias).
        let used = |alias: &String, (module, _): &(String, String)| {
            known.calls.contains(alias)
                || known.assoc.iter().any(|(_, n)| n == alias)
                || (!module.is_empty()
                    && !PRIMITIVES.contains(&alias.as_str())
                    && known.idents.contains(alias))
        };
        let renamed: Vec<(String, String)> = self
            .aliases
            .iter()
            .filter(|(alias, orig)| used(alias, orig) && !known.assoc.contains(*orig))
            .map(|(_, orig)| orig.clone())
            .collect();
        for (module, name) in renamed {
            known.idents.insert(name.clone());
            known.assoc.insert((module, name));
        }
    }

    /// Items that `known` names, and trait-impl self types that items declare (a static's
    /// type, a field's, an associated type), not handled before.
    fn newly_named<'s>(&'s self, known: &Mentions, named: &mut Named<'s>) -> Vec<&'s str> {
        let items = self.items.keys().map(String::as_str).filter(|n| {
            (!named.items.contains(n) && known.idents.contains(*n))
                || (named.declared.contains(*n) && !named.expanded.contains(n))
        });
        let impls = self
            .trait_impls
            .keys()
            .map(String::as_str)
            .filter(|n| !named.impls.contains(n) && named.declared.contains(*n));
        let fresh: Vec<&str> = items.chain(impls).collect();
        named
            .items
            .extend(fresh.iter().filter(|n| self.items.contains_key(**n)));
        named
            .impls
            .extend(fresh.iter().filter(|n| named.declared.contains(**n)));
        fresh
    }

    /// Code names `name`. For a static the bin names or a declared type, what its item
    /// mentions becomes known and the types in it are declared. For a declared type, the fns of
    /// its impls of traits declared elsewhere are reached: a framework calls those through the
    /// trait. abscissa's `boot(&APP)` runs
    /// `impl Runnable for ServeCmd`'s `run` because APP's type has `type Cmd = EntryPoint`,
    /// whose variant holds a `ServeCmd`. A type only used in code (`Frame::decode(..)`) does
    /// not make its trait impls run: they run where code calls them.
    fn name_type<'s>(
        &'s self,
        name: &str,
        known: &mut Mentions,
        seen: &mut HashSet<&'s (Owner, String)>,
        named: &mut Named<'s>,
    ) {
        // A static the bin names declares its type; a declared type declares the types of its
        // fields and variants. A type code merely uses declares nothing, and what its item
        // mentions stays unknown (field types are not calls).
        let holds_fields = named.given.contains(name)
            || named.declared.contains(name)
            || self.parsed.contains(name);
        if let Some(m) = self.items.get(name)
            && holds_fields
        {
            known.merge(m);
            named.declared.extend(m.idents.iter().cloned());
            if let Some((key, _)) = self.items.get_key_value(name) {
                named.expanded.insert(key.as_str());
            }
        }
        let impls = self.trait_impls.get(name).map(Vec::as_slice).unwrap_or(&[]);
        // A middleware factory the code names is given to a server, which calls it through the
        // trait: its `layer` makes the service its `type Service = ..` declares, and that
        // service's `call` runs per request (rollup-boost's `ProbeLayer` answering `/healthz`
        // in front of a JSON-RPC server, thirty-seventh held-out set).
        if impls
            .iter()
            .any(|i| MIDDLEWARE_TRAITS.contains(&i.name.as_str()))
        {
            named.declared.insert(name.to_string());
        }
        if !named.declared.contains(name) {
            return;
        }
        for imp in impls.iter().filter(|i| !self.traits.contains(&i.name)) {
            known.merge(&imp.mentions);
            named.declared.extend(imp.declares.iter().cloned());
            for f in &imp.fns {
                let key = (Owner::Type(name.to_string()), f.clone());
                if let Some((key, _)) = self.bodies.get_key_value(&key) {
                    seen.insert(key);
                }
            }
        }
    }
}

/// The traits of middleware factories a server calls (tower's `Layer`): named, one is given to
/// a server. (A type that is only a `Service` may be used in code: its `call` runs where code
/// calls it. actix-web's `Transform` is left out: what its middleware mentions made a client's
/// `default()` look reached in bottlerocket's apiserver, whose reach is by name.)
const MIDDLEWARE_TRAITS: &[&str] = &["Layer"];

/// What [`FnIndex::reach`] has followed: items named, types declared by them, trait impls
/// dispatched.
#[derive(Default)]
struct Named<'s> {
    /// Statics the bin's own code names.
    given: HashSet<String>,
    /// Items code has named.
    items: HashSet<&'s str>,
    /// Items whose types were declared (a static's, a declared type's).
    expanded: HashSet<&'s str>,
    /// Types that a given static or a declared type declares.
    declared: HashSet<String>,
    /// Self types whose trait impls were dispatched.
    impls: HashSet<&'s str>,
}

/// The module a file is: its stem, the directory of a `mod.rs`, "" for a crate root.
fn module_of(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or("");
    match file.strip_suffix(".rs").unwrap_or(file) {
        "lib" | "main" => String::new(),
        "mod" => parts.next().unwrap_or("").to_string(),
        stem => stem.to_string(),
    }
}

/// Does code with these mentions (and `qualifiers`: name → the owners it is called through)
/// call fn `(owner, name)`? A path whose qualifier is no module of the index (a crate name,
/// `crate`) may name any module's fn (re-exports).
fn calls(
    m: &Mentions,
    qualifiers: &HashMap<&str, Vec<&str>>,
    (owner, name): &(Owner, String),
    modules: &Modules,
    implements: &HashMap<String, HashSet<String>>,
) -> bool {
    let through = qualifiers
        .get(name.as_str())
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    match owner {
        Owner::Module(module) => {
            // `q::name` through a module of another crate, or through a module that re-exports
            // `name` (pg_doorman's `app::run_server` with `pub use server::run_server;` in
            // `app`, thirty-seventh held-out set): any same-named free fn.
            (m.calls.contains(name) && !m.imports_elsewhere(name, module, modules))
                || through.iter().any(|q| {
                    *q == module
                        || (!modules.with_fns.contains(q)
                            && !modules.own.contains(*q)
                            && q.starts_with(|c: char| c.is_ascii_lowercase()))
                        || modules.reexports.contains(&(q.to_string(), name.clone()))
                })
        }
        Owner::Type(ty) => {
            // `Self::name` in a default method of trait `T` reads `impl T::name`: the fn of
            // any type that implements `T`.
            let implements = |t: &str| implements.get(ty).is_some_and(|ts| ts.contains(t));
            through
                .iter()
                .any(|q| *q == ty || q.strip_prefix("impl ").is_some_and(implements))
                || (m.methods.contains(name) && m.idents.contains(ty))
        }
        Owner::Trait(t) => {
            m.idents.contains(t) && (!through.is_empty() || m.methods.contains(name))
        }
    }
}

/// The workspace's modules as qualifiers: those with free fns, and the names each re-exports.
struct Modules<'a> {
    with_fns: HashSet<&'a str>,
    reexports: &'a HashSet<(String, String)>,
    /// The bin's own modules.
    own: &'a HashSet<String>,
}

/// Primitive types, the usual right side of a cast (`len as usize`).
const PRIMITIVES: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64", "bool", "char", "str",
];

/// Does code with these mentions name free fn `name` as a value (and not an import of that
/// name from another module)?
fn names_value(m: &Mentions, (owner, name): &(Owner, String), modules: &Modules) -> bool {
    matches!(owner, Owner::Module(module)
        if m.idents.contains(name) && !m.imports_elsewhere(name, module, modules))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reaches(index: &FnIndex, bin: &str, name: &str) -> bool {
        index.reached(mentioned(bin)).contains(name)
    }

    #[test]
    fn a_method_of_that_name_is_not_the_free_fn_that_serves() {
        let sdk = "pub async fn run(s: impl Service) { Server::builder().serve_with_incoming(uds).await }";
        let session = "pub struct Session; impl Session { pub fn run(&self) -> u8 { 0 } }";
        let index = FnIndex::new([("sdk/src/service.rs", sdk), ("sdk/src/client.rs", session)]);
        let cli = "async fn main() { let s = Session::open(); s.run(); list::run(&ctx).await }";
        // By name alone, `run` is reached; the free fn is not.
        let reached = index.reached_fns(mentioned(cli));
        assert!(reached.names.contains("run"));
        assert!(reached.holds("sdk/src/service.rs", "run"));
        let index = index.with_own_modules(["list".to_string()]);
        let reached = index.reached_fns(mentioned(cli));
        assert!(!reached.holds("sdk/src/service.rs", "run"));
        assert!(reached.holds("sdk/src/client.rs", "run"));
        let server = index.reached_fns(mentioned("async fn main() { sdk::run(svc).await }"));
        assert!(server.holds("sdk/src/service.rs", "run"));
        // A fn the index did not find in a file counts by its name.
        assert!(reached.holds("sdk/src/other.rs", "run"));
    }

    #[test]
    fn a_fn_imported_from_another_module_is_not_a_same_named_fn() {
        let listener = "pub async fn run(l: TcpListener) { loop { let (s, _) = l.accept().await; } }\n\
                        impl Listener { async fn run(&self) { loop { self.l.accept().await; } } }";
        let publish = "pub fn run(config: &Config) -> Result<(), Error> { send(config) }";
        let index = FnIndex::new([
            ("src/connmgr/listener.rs", listener),
            ("src/publish.rs", publish),
        ]);
        let cli = "use app::publish::{run, Config};\nfn main() { run(&Config::default()); }";
        let reached = index.reached_fns(mentioned(cli));
        assert!(reached.holds("src/publish.rs", "run"));
        assert!(!reached.holds("src/connmgr/listener.rs", "run"));
        let named = index.reached_or_named(mentioned(cli));
        assert!(named.contains("run"));
        let as_value = "use app::publish::run;\nfn main() { let f = run; f(); }";
        let named = index.reached_fns(mentioned(as_value));
        assert!(!named.holds("src/connmgr/listener.rs", "run"));
        // Imported from a crate's root (or through a module that is not the index's), a call
        // may still be any same-named fn: re-exports are not followed.
        let root = "use app::run;\nfn main() { run(); }";
        assert!(
            index
                .reached_fns(mentioned(root))
                .holds("src/connmgr/listener.rs", "run")
        );
        let renamed = "use app::publish::run as send;\nfn main() { run(); send(); }";
        assert!(
            index
                .reached_fns(mentioned(renamed))
                .holds("src/connmgr/listener.rs", "run")
        );
    }

    #[test]
    fn a_bin_that_calls_the_main_rocket_launch_generates_reaches_the_launch() {
        let lib = "#[macro_use] extern crate rocket; \
                   /// Builds the server.\n#[launch]\npub fn rocket() -> _ { rocket::build().mount(\"/\", routes![]) } \
                   pub mod other { #[rocket::launch] async fn app() -> _ { build() } fn build() {} }";
        let index = FnIndex::new([("src/lib.rs", lib)]);
        let bin = "pub fn main() { println!(\"starting\"); insignolib::main(); }";
        assert!(
            index
                .reached_fns(mentioned(bin))
                .holds("src/lib.rs", "rocket")
        );
        assert!(reaches(&index, "fn main() { lib::other::main() }", "app"));
        assert!(!reaches(
            &index,
            "fn main() { lib::other::main() }",
            "rocket"
        ));
        let printer = "fn main() { println!(\"{}\", lib::VERSION) }";
        assert!(
            !index
                .reached_fns(mentioned(printer))
                .holds("src/lib.rs", "rocket")
        );
        // A fn with another attribute generates no `main`.
        let plain = FnIndex::new([(
            "src/lib.rs",
            "#[get(\"/\")]\npub fn index() -> u8 { serve() }",
        )]);
        assert!(!reaches(&plain, "fn main() { lib::main() }", "index"));
    }

    #[test]
    fn follows_calls_paths_and_methods_of_named_types() {
        let lib = "pub async fn run() { start_http().await } async fn start_http() { axum::serve(l, app).await } \
                   pub struct Config; impl Default for Config { fn default() -> Self { Config } } \
                   pub struct Server; impl Server { pub fn new(c: Config) -> Self { Server } pub async fn start(&self) { listen().await } } \
                   async fn listen() { axum::serve(l, app).await }";
        let index = FnIndex::new([("src/lib.rs", lib)]);
        assert!(reaches(&index, "fn main() { lib::run() }", "start_http"));
        let server = "fn main() { let s = lib::Server::new(lib::Config::default()); s.start() }";
        assert!(reaches(&index, server, "listen"));
        let printer = "fn main() { println!(\"{:?}\", lib::Config::default()) }";
        assert!(!reaches(&index, printer, "start_http"));
        assert!(!reaches(&index, printer, "listen"));
        let generic = "fn main() { let s = lib::Server::<u8>::new(c); s.start() }";
        assert!(reaches(&index, generic, "listen"));
        // `.start()` of another type does not reach `Server::start`.
        assert!(!reaches(
            &index,
            "fn main() { let t = Timer::new(); t.start() }",
            "listen"
        ));
    }

    #[test]
    fn a_framework_runs_the_trait_impls_of_types_the_bin_names() {
        // abscissa: `boot(&APP)`; APP's type names the command enum, whose variants' types
        // implement the framework's `Runnable`.
        let app = "pub static APP: AppCell<ServerApp> = AppCell::new(); pub struct ServerApp; \
                   impl Application for ServerApp { type Cmd = EntryPoint; fn name(&self) -> &str { \"s\" } }";
        let cmds = "pub enum EntryPoint { Serve(ServeCmd), Version(VersionCmd) } pub struct ServeCmd; \
                    pub struct VersionCmd; impl Runnable for ServeCmd { fn run(&self) { self.inner() } } \
                    impl ServeCmd { fn inner(&self) { start_web_server() } } \
                    impl Runnable for VersionCmd { fn run(&self) { println!(\"1\") } } \
                    pub struct Unrelated; impl Runnable for Unrelated { fn run(&self) { other_server() } } \
                    fn start_web_server() { axum::serve(l, a) } fn other_server() { axum::serve(l, a) }";
        let index = FnIndex::new([("src/application.rs", app), ("src/commands.rs", cmds)]);
        let boot = "fn main() { abscissa_core::boot(&lib::APP); }";
        assert!(reaches(&index, boot, "start_web_server"));
        assert!(!reaches(&index, boot, "other_server"));
        // A type only used in code runs its trait impls where code calls them.
        let codec = FnIndex::new([(
            "src/lib.rs",
            "pub struct Frame; impl Frame { pub fn decode() -> Frame { Frame } } \
             impl Service for Frame { fn call(&self) { accept_loop() } } fn accept_loop() {}",
        )]);
        assert!(!reaches(
            &codec,
            "fn main() { let f = lib::Frame::decode(); }",
            "accept_loop"
        ));
        // A tower layer the code names is given to a server: the service its `layer` makes
        // answers requests.
        let probe = FnIndex::new([(
            "src/probe.rs",
            "pub struct ProbeLayer; pub struct ProbeService<S> { inner: S } \
             impl<S> Layer<S> for ProbeLayer { type Service = ProbeService<S>; \
             fn layer(&self, inner: S) -> Self::Service { ProbeService { inner } } } \
             impl<S> Service<Request> for ProbeService<S> { fn call(&mut self, r: Request) { healthz() } } \
             fn healthz() {}",
        )]);
        let layered = "fn main() { let l = tower::ServiceBuilder::new().layer(lib::ProbeLayer); }";
        assert!(reaches(&probe, layered, "healthz"));
        // A trait the workspace declares itself is dispatched by its own code: calls decide.
        let own = FnIndex::new([(
            "src/lib.rs",
            "pub trait Cmd { fn run(&self); } pub struct Serve; impl Cmd for Serve { fn run(&self) { serve() } } fn serve() {}",
        )]);
        assert!(!reaches(&own, "fn main() { let _ = lib::Serve; }", "serve"));
        // `&\'static str` is no item named `str`; lazy_static's `static ref X` is named `X`.
        let lifetimes = FnIndex::new([("src/lib.rs", "fn f(x: &\'static str) {}")]);
        assert!(lifetimes.items.is_empty());
        let lazy = FnIndex::new([(
            "src/lib.rs",
            "lazy_static! { static ref CACHE: Cache = Cache::new(); }",
        )]);
        assert!(lazy.values.contains("CACHE") && !lazy.items.contains_key("ref"));
    }

    #[test]
    fn modules_and_renaming_reexports_keep_same_named_fns_apart() {
        let lib = "pub use daemon::main as daemon_main; pub use ctl::main as ctl_main;";
        let daemon = "pub fn main() { serve() } fn serve() { axum::serve(l, a) }";
        let ctl = "pub fn main() { println!(\"status\") }";
        let index = FnIndex::new([
            ("src/lib.rs", lib),
            ("src/daemon.rs", daemon),
            ("src/ctl.rs", ctl),
        ]);
        assert!(reaches(&index, "fn main() { lib::daemon_main() }", "serve"));
        assert!(!reaches(&index, "fn main() { lib::ctl_main() }", "serve"));
        // `fn pool<T>` called with a turbofish.
        let pools = FnIndex::new([("src/lib.rs", "fn pool<T>() { axum::serve(l, a) }")]);
        assert!(reaches(&pools, "fn main() { pool::<u8>() }", "pool"));
        // A field of a named struct names its type: `config.http.run(..)`.
        let fields = FnIndex::new([
            (
                "src/config.rs",
                "pub struct Config { pub units: Units, #[serde(flatten)] pub http: http::Server }",
            ),
            (
                "src/http.rs",
                "pub struct Server; impl Server { pub fn run(&self) { listen() } } fn listen() { axum::serve(l, a) }",
            ),
        ]);
        let main = "fn main() { let config = Config::load(); config.http.run(m, r); }";
        assert!(reaches(&fields, main, "listen"));
        let other = "fn main() { let config = Config::load(); config.units.run(m, r); }";
        assert!(!reaches(&fields, other, "listen"));
        // A module that re-exports a fn of its submodule: `app::run_server`.
        let app = FnIndex::new([
            (
                "src/app/mod.rs",
                "pub use server::run_server; pub fn version() {}",
            ),
            (
                "src/app/server.rs",
                "pub fn run_server() { axum::serve(l, a) }",
            ),
        ]);
        assert!(reaches(
            &app,
            "fn main() { app::run_server() }",
            "run_server"
        ));
        assert!(!reaches(&app, "fn main() { app::version() }", "run_server"));
    }
}
