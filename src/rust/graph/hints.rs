//! Evaluating type hints over the model: the return type of a workspace fn (`T::load(..)?` →
//! `T` when it returns `Result<Self, _>`), a struct's field type, a static's type, a workspace
//! method's return type, and a few std builders (`OpenOptions`, `Command`) whose methods return
//! `Self`. A constructor of a type the workspace does not define (`T::new`, `T::open`, …) is
//! taken to return `T`.

use super::{CodeModel, HashMap, Place};
use crate::rust::types::{INDEX, Ty, is_ctor_name};

/// Methods of a lock or cell that give access to what it holds.
const LOCK_METHODS: &[&str] = &[
    "lock",
    "read",
    "write",
    "try_lock",
    "try_read",
    "try_write",
    "borrow",
    "borrow_mut",
    "get_mut",
    "blocking_lock",
    "blocking_read",
    "blocking_write",
];

/// Deeper hint chains are not followed.
const MAX_DEPTH: usize = 12;

/// Wrappers whose `?` / `.unwrap()` gives their first type argument.
const UNWRAPPED: &[&str] = &["Result", "Option", "LockResult", "TryLockResult", "Poll"];

/// Maps whose `map[&k]` is their second type argument; sequences whose `v[i]` is their first
/// (`[]`: a slice or an array).
const MAPS: &[&str] = &["HashMap", "BTreeMap", "IndexMap", "AHashMap", "FxHashMap"];
const SEQUENCES: &[&str] = &["Vec", "VecDeque", "SmallVec", "ArrayVec", "[]"];

/// The element an index expression gives on a `base` named `tname`: a map's value, a
/// sequence's item; unknown for anything else (a workspace type's own `Index` impl).
fn element_of(tname: &str, base: &Ty) -> Ty {
    let Ty::Named(_, args) = base else {
        return Ty::Unknown;
    };
    let at = match tname {
        t if MAPS.contains(&t) => 1,
        t if SEQUENCES.contains(&t) => 0,
        _ => return Ty::Unknown,
    };
    args.get(at).cloned().unwrap_or_default()
}

/// The one type all of `found` agree on, if they do (and there is one).
fn agreed<'t>(found: &[&'t Ty]) -> Option<&'t Ty> {
    match found {
        [first, rest @ ..] if rest.iter().all(|t| t == first) => Some(first),
        _ => None,
    }
}

/// A method that does not return `Self`, and the path of what it returns (empty: unknown).
type NotSelf = (&'static str, &'static [&'static str]);

/// std builders: (type, methods that do not return `Self`).
const BUILDERS: &[(&str, &[NotSelf])] = &[
    ("OpenOptions", &[("open", &["std", "fs", "File"])]),
    (
        "Command",
        &[
            ("spawn", &["std", "process", "Child"]),
            ("output", &[]),
            ("status", &[]),
            ("get_program", &[]),
        ],
    ),
];

/// The type a builder method returns, in the builder's own module: `tokio::process::Command`'s
/// `spawn` gives a `tokio::process::Child` (whose `wait` is async), std's a `std::process::Child`.
/// An unresolved builder (`Command` alone) is taken for std's.
fn sibling_type(builder: &[String], std_ret: &[&str]) -> Vec<String> {
    match (builder.split_last(), std_ret.last()) {
        (Some((_, module)), Some(name)) if !module.is_empty() => {
            module.iter().cloned().chain([name.to_string()]).collect()
        }
        _ => std_ret.iter().map(|s| s.to_string()).collect(),
    }
}

impl CodeModel {
    /// A hinted type as far as the model tells: a named type, or unknown.
    pub fn eval(&self, place: &Place, ty: &Ty, depth: usize) -> Ty {
        if depth > MAX_DEPTH {
            return Ty::Unknown;
        }
        let found = match ty {
            Ty::Unknown | Ty::Named(..) | Ty::Foreign | Ty::Dyn(_) => ty.clone(),
            Ty::Ret(path) => self.ret_of(place, path),
            Ty::Unwrap(inner) => match self.eval(place, inner, depth + 1) {
                Ty::Named(p, mut args)
                    if p.last().is_some_and(|l| UNWRAPPED.contains(&l.as_str())) =>
                {
                    if args.is_empty() {
                        Ty::Unknown
                    } else {
                        args.swap_remove(0)
                    }
                }
                other => other,
            },
            Ty::Field(base, field) => match self.eval(place, base, depth + 1) {
                Ty::Foreign => Ty::Foreign,
                base => self.field_of(place, base.peeled(), field),
            },
            Ty::MethodRet(base, method) => {
                let base = self.eval(place, base, depth + 1);
                self.method_ret(place, base.peeled(), method)
            }
            Ty::Static(path) => self.static_of(place, path),
        };
        self.unaliased(place, found, depth)
    }

    /// A named type that is a type alias of the workspace, as the type it aliases (`Slot` →
    /// `Arc<tokio::sync::Mutex<Keys>>`); any other type as it is. A path into std or a
    /// dependency, a type with arguments, a name the workspace also gives a struct or impl,
    /// and a name with several different aliases stay.
    fn unaliased(&self, place: &Place, ty: Ty, depth: usize) -> Ty {
        let (Ty::Named(path, args), Some(k)) = (&ty, place.krate) else {
            return ty;
        };
        let Some(n) = path.last().and_then(|l| self.names.get(l)) else {
            return ty;
        };
        // A struct or impl of the same name wins: aliases are found by name, not by module
        // (chirpstack's `storage::user::User` beside `api::oidc`'s `type User = ..`).
        let name = path.last().map_or("", String::as_str);
        if !args.is_empty() || self.is_external_path(k, path) || self.is_workspace_type(k, name) {
            return ty;
        }
        let found = self.visible_defs(&self.type_aliases, n, k, false);
        match agreed(&found) {
            Some(aliased) => self.eval(place, aliased, depth + 1),
            None => ty,
        }
    }

    /// The definitions named `n` in `table` that crate `k` sees (and those of no crate, when
    /// `unplaced` says they count).
    fn visible_defs<'t, T>(
        &self,
        table: &'t HashMap<u32, Vec<(Option<u32>, T)>>,
        n: u32,
        k: u32,
        unplaced: bool,
    ) -> Vec<&'t T> {
        let visible = self.visible(k);
        table
            .get(&n)
            .into_iter()
            .flatten()
            .filter(|(c, _)| c.map_or(unplaced, |c| visible.contains(&c)))
            .map(|(_, t)| t)
            .collect()
    }

    /// What a path call returns.
    fn ret_of(&self, place: &Place, path: &[String]) -> Ty {
        if let [one] = self.resolve_path(place, path, 0).as_slice() {
            let callee = &self.fns[*one as usize];
            return self.seen_from(place, callee.krate, &callee.ret);
        }
        let n = path.len();
        match (n.checked_sub(2).and_then(|i| path.get(i)), path.last()) {
            (Some(t), Some(f)) if t.starts_with(char::is_uppercase) && is_ctor_name(f) => {
                Ty::named(path[..n - 1].to_vec())
            }
            _ => Ty::Unknown,
        }
    }

    /// A type declared in crate `home`, as code of `place` names it: a type `home` defines,
    /// written bare or under `crate::` there, gets the caller's name for `home` in front
    /// (`Server` returned by `moq_rtmp::Server::bind` is `moq_rtmp::Server` to its caller, not
    /// whichever `Server` the caller's crate sees first).
    fn seen_from(&self, place: &Place, home: Option<u32>, ty: &Ty) -> Ty {
        let (Some(home), Some(k)) = (home, place.krate) else {
            return ty.clone();
        };
        let named_as = self
            .crates
            .get(k as usize)
            .and_then(|c| {
                c.names
                    .iter()
                    .filter(|(_, id)| **id == home)
                    .map(|(name, _)| name)
                    .min()
            })
            .cloned();
        match named_as {
            Some(name) if home != k => self.qualified(ty, home, &name),
            _ => ty.clone(),
        }
    }

    /// `ty` with each type of crate `home` prefixed by `name` (see [`Self::seen_from`]).
    fn qualified(&self, ty: &Ty, home: u32, name: &str) -> Ty {
        let Ty::Named(path, args) = ty else {
            return ty.clone();
        };
        let args = args.iter().map(|a| self.qualified(a, home, name)).collect();
        let path = match path.as_slice() {
            [first, rest @ ..] if first == "crate" => std::iter::once(name.to_string())
                .chain(rest.iter().cloned())
                .collect(),
            [one] if self.defines_struct(home, one) => vec![name.to_string(), one.clone()],
            _ => path.clone(),
        };
        Ty::Named(path, args)
    }

    /// Does crate `k` itself define a struct named `name`?
    fn defines_struct(&self, k: u32, name: &str) -> bool {
        self.names
            .get(name)
            .and_then(|n| self.structs.get(&n))
            .is_some_and(|v| v.iter().any(|(c, _)| *c == Some(k)))
    }

    /// The declared type of field `field` of a value of type `base`.
    fn field_of(&self, place: &Place, base: &Ty, field: &str) -> Ty {
        let (Ty::Named(path, _), Some(k)) = (base, place.krate) else {
            return Ty::Unknown;
        };
        let Some(n) = path.last().and_then(|l| self.names.get(l)) else {
            return Ty::Unknown;
        };
        let types: Vec<&Ty> = self
            .visible_defs(&self.structs, n, k, true)
            .into_iter()
            .filter_map(|fields| fields.iter().find(|(f, _)| f == field).map(|(_, t)| t))
            .collect();
        agreed(&types).cloned().unwrap_or_default()
    }

    /// What method `method` returns on a value of type `base`.
    fn method_ret(&self, place: &Place, base: &Ty, method: &str) -> Ty {
        let (Ty::Named(path, _), Some(k)) = (base, place.krate) else {
            return Ty::Unknown;
        };
        let tname = path.last().map(String::as_str).unwrap_or("");
        if let Some((_, others)) = BUILDERS.iter().find(|(t, _)| *t == tname) {
            return match others.iter().find(|(m, _)| *m == method) {
                Some((_, [])) => Ty::Unknown,
                Some((_, ret)) => Ty::named(sibling_type(path, ret)),
                None => base.clone(),
            };
        }
        if method == INDEX {
            return element_of(tname, base);
        }
        if !self.is_workspace_type(k, tname) {
            // A lock hands out its contents; any other method of a type std or a dependency
            // defines returns some type of theirs.
            return match (base, LOCK_METHODS.contains(&method)) {
                (Ty::Named(_, args), true) if !args.is_empty() => args[0].clone(),
                _ if path.len() > 1 => Ty::Foreign,
                _ => Ty::Unknown,
            };
        }
        let (Some(t), Some(m)) = (self.names.get(tname), self.names.get(method)) else {
            return Ty::Unknown;
        };
        match self.prefer(k, None, self.assoc.get(&(t, m))).as_slice() {
            [one] => self.fns[*one as usize].ret.clone(),
            _ => Ty::Unknown,
        }
    }

    /// The declared type of a static or const.
    fn static_of(&self, place: &Place, path: &[String]) -> Ty {
        let (Some(k), Some(n)) = (place.krate, path.last().and_then(|l| self.names.get(l))) else {
            return Ty::Unknown;
        };
        let visible = self.visible(k);
        let found: Vec<&Ty> = self
            .statics
            .get(&n)
            .into_iter()
            .flatten()
            .filter(|(c, _, _)| c.is_some_and(|c| visible.contains(&c)))
            .map(|(_, _, t)| t)
            .collect();
        match found.as_slice() {
            [one] => (*one).clone(),
            _ => Ty::Unknown,
        }
    }
}
