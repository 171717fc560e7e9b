//! Fns of the items that were not parsed, from their tokens: the name (and impl type) of each
//! sync fn and the calls in its body (`path::f(`, `.method(`, `self.method(`), resolved through
//! the file's `use` aliases. They join the call graph like parsed fns, so a chain through a
//! helper that mentions no needle (`fn load_all() { read_db() }`) is followed without parsing
//! it, and without a second parsing pass. Async fns and closures are not summarized: items with
//! async code are parsed (`async` is a needle of the graph).

use super::contexts::{Frame, FrameNode};
use super::facts::{Body, BodyKind, Callee, Facts, FnDecl, Site};
use super::lite::{Kind, Src, Tt};
use super::resolve::Resolver;
use super::types::{Ty, primary};
use crate::model::Region;
use std::collections::HashMap;

/// Calls whose arguments run elsewhere (their calls do not make the fn blocking), by last
/// segment; and the crates that are not workspace members (their paths are not recorded).
pub struct Exempt<'a>(pub &'a [String], pub &'a std::collections::HashSet<String>);

/// Summarizes the fns of one unparsed top-level item into `facts`, but those in the `parsed`
/// byte ranges (of an impl parsed in part, [`super::members`]).
pub fn summarize(
    tokens: &[Tt],
    src: &Src,
    (res, parsed): (&Resolver, &[std::ops::Range<usize>]),
    exempt: &Exempt,
    facts: &mut Facts,
) {
    let mut s = Summarizer {
        src,
        res,
        parsed,
        exempt,
        facts,
        inline: Vec::new(),
        locals: HashMap::new(),
        foreign_trait: false,
        params: Vec::new(),
    };
    s.item(tokens, None, None);
}

/// A fn's name, its `fn` token, whether it takes `self`, and its declared return type.
struct FnHead<'n, 't> {
    name: &'n str,
    fn_token: Option<&'t Tt>,
    has_self: bool,
    ret: Ty,
    /// Its parameters' plain names by position (see [`FnDecl::params`]).
    params: Vec<String>,
}

struct Summarizer<'a, 'f> {
    src: &'a Src<'a>,
    res: &'a Resolver,
    /// Byte ranges whose fns were parsed (and walked) already.
    parsed: &'a [std::ops::Range<usize>],
    exempt: &'a Exempt<'a>,
    facts: &'f mut Facts,
    inline: Vec<String>,
    /// The current fn's locals whose type its tokens name (see [`Summarizer::local_type`]).
    locals: HashMap<String, Ty>,
    /// Inside an impl of a trait of std or a dependency (see [`FnDecl::foreign_trait`]).
    foreign_trait: bool,
    /// The current fn's parameters' plain names.
    params: Vec<String>,
}

fn punct(t: Option<&Tt>, c: u8) -> bool {
    t.is_some_and(|t| t.is_punct(c))
}

fn group(t: Option<&Tt>, open: u8) -> Option<&Tt> {
    t.filter(|g| g.is_group(open))
}

impl Summarizer<'_, '_> {
    fn ident(&self, t: Option<&Tt>) -> Option<String> {
        self.src.ident(t).map(str::to_string)
    }

    /// Is the trait at this path (resolved through the file's `use` items) one of std or of a
    /// dependency (`Seek` after `use std::io::Seek`), as the walk decides for parsed impls?
    fn is_foreign(&self, trait_path: &[String]) -> bool {
        let resolved = self.res.resolve(trait_path).into_iter().next();
        let p = resolved.as_deref().unwrap_or(trait_path);
        p.len() > 1 && p.first().is_some_and(|f| self.exempt.1.contains(f))
    }

    /// An item (or an impl / inline module member): fns, impls, inline modules.
    fn item(&mut self, tokens: &[Tt], impl_ty: Option<&[String]>, trait_name: Option<&str>) {
        let src = self.src;
        let mut i = 0;
        while i < tokens.len() {
            match src.ident(tokens.get(i)) {
                Some("fn") => {
                    let is_async = i > 0 && src.ident(tokens.get(i - 1)) == Some("async")
                        || (i > 1 && src.ident(tokens.get(i - 2)) == Some("async"));
                    i = self.fn_item(tokens, i, is_async, impl_ty, trait_name);
                }
                Some("impl") => {
                    if let Some((ty, tr, body)) = impl_head(tokens, i, src) {
                        self.foreign_trait = tr.as_deref().is_some_and(|p| self.is_foreign(p));
                        let trait_name = tr.as_ref().and_then(|p| p.last());
                        self.item(&body.inner, Some(&ty), trait_name.map(String::as_str));
                        self.foreign_trait = false;
                    }
                    return;
                }
                Some("mod") => {
                    if let (Some(name), Some(body)) = (
                        self.ident(tokens.get(i + 1)),
                        group(tokens.get(i + 2), b'{'),
                    ) {
                        self.inline.push(name);
                        self.item(&body.inner, None, None);
                        self.inline.pop();
                    }
                    return;
                }
                Some("trait" | "macro_rules") => return,
                _ => i += 1,
            }
        }
    }

    /// `fn name … { body }` at `at`; returns the index after it.
    fn fn_item(
        &mut self,
        tokens: &[Tt],
        at: usize,
        is_async: bool,
        impl_ty: Option<&[String]>,
        trait_name: Option<&str>,
    ) -> usize {
        let Some(name) = self.ident(tokens.get(at + 1)) else {
            return at + 1;
        };
        let mut j = at + 2;
        while j < tokens.len() && group(tokens.get(j), b'{').is_none() {
            if punct(tokens.get(j), b';') {
                return j + 1;
            }
            j += 1;
        }
        let Some(body) = group(tokens.get(j), b'{') else {
            return j;
        };
        let walked =
            (tokens.get(at)).is_some_and(|t| super::members::kept(self.parsed, t.lo as usize));
        if !is_async && !walked {
            let params = tokens
                .get(at + 2..j)
                .and_then(|sig| sig.iter().find(|t| t.is_group(b'(')));
            self.locals = params
                .map(|params| self.param_types(&params.inner, impl_ty))
                .unwrap_or_default();
            let has_self = params.is_some_and(|p| self.takes_self(&p.inner));
            let sig = tokens.get(at + 2..j).unwrap_or_default();
            let head = FnHead {
                name: &name,
                fn_token: tokens.get(at),
                has_self,
                ret: self.return_type(sig, impl_ty),
                params: params
                    .map(|p| self.param_names(&p.inner))
                    .unwrap_or_default(),
            };
            self.fn_body(head, body, impl_ty, trait_name);
        }
        j + 1
    }

    /// Is the first parameter `self` (`self`, `mut self`, `&self`, `&'a mut self`, `self: T`)?
    fn takes_self(&self, params: &[Tt]) -> bool {
        let first = params
            .split(|t| t.is_punct(b','))
            .next()
            .unwrap_or_default();
        let before_colon = first.split(|t| t.is_punct(b':')).next().unwrap_or_default();
        before_colon
            .iter()
            .any(|t| self.src.ident(Some(t)) == Some("self"))
    }

    fn fn_body(
        &mut self,
        head: FnHead,
        body: &Tt,
        impl_ty: Option<&[String]>,
        trait_name: Option<&str>,
    ) {
        let FnHead {
            name,
            fn_token,
            has_self,
            ret,
            params,
        } = head;
        self.params.clone_from(&params);
        let line = fn_token.map_or(0, |t| self.src.line(t.lo));
        let id = self.facts.bodies.len() as u32;
        let range = fn_token.map_or(0, |t| t.lo as usize)..body.hi as usize;
        self.facts.bodies.push(Body {
            kind: BodyKind::Fn(FnDecl {
                name: name.to_string(),
                impl_ty: impl_ty.and_then(|t| t.last().cloned()),
                trait_name: trait_name.map(str::to_string),
                foreign_trait: self.foreign_trait,
                in_trait: false,
                inline: self.inline.clone(),
                is_pub: false,
                ret,
                bytes: range,
                params,
                has_self,
            }),
            is_async: false,
            parent: None,
            line,
            root: None,
            in_event_loop: None,
            in_serving_loop: false,
            arm: None,
            given_to: None,
            message: None,
        });
        let frame = self.facts.frames.len() as u32;
        self.facts.frames.push(FrameNode {
            frame: Frame::Fn {
                is_async: false,
                is_main: false,
                is_unsafe: false,
            },
            parent: None,
        });
        self.calls(&body.inner, id, frame, impl_ty);
    }

    /// Records the calls in a token list (recursing into groups).
    fn calls(&mut self, tokens: &[Tt], body: u32, frame: u32, impl_ty: Option<&[String]>) {
        for (i, g) in tokens.iter().enumerate() {
            if self.src.ident(Some(g)) == Some("let")
                && let Some((name, ty)) = self.local_type(tokens, i + 1, impl_ty)
            {
                self.locals.insert(name, ty);
            }
            let Kind::Group(open) = g.kind else { continue };
            let called = if open == b'(' {
                self.fn_refs(&g.inner, body, frame, impl_ty);
                self.call_at(tokens, i, body, frame, impl_ty)
            } else {
                None
            };
            let frame = match called {
                Some(cands) if self.is_exempt(&cands) => {
                    let id = self.facts.frames.len() as u32;
                    self.facts.frames.push(FrameNode {
                        frame: Frame::Call(cands),
                        parent: Some(frame),
                    });
                    self.passed_params(&g.inner, body, id);
                    id
                }
                _ => frame,
            };
            self.calls(&g.inner, body, frame, impl_ty);
        }
    }

    /// Fn items passed by path as arguments (`Self::try_new_file`, `handlers::list`), recorded
    /// for the call graph as the walk records them ([`Callee::Ref`]). A one-segment argument
    /// is left out: without the walk's locals, it may be a variable.
    fn fn_refs(&mut self, args: &[Tt], body: u32, frame: u32, impl_ty: Option<&[String]>) {
        for arg in top_level_args(args) {
            let Some(mut segs) = self.plain_path(arg) else {
                continue;
            };
            if !super::resolve::names_a_fn(&segs)
                || segs.len() < 2
                || segs.first().is_some_and(|f| f == "self")
            {
                continue;
            }
            if let (Some(first), Some(t)) = (segs.first_mut(), impl_ty.and_then(|t| t.last()))
                && first == "Self"
            {
                first.clone_from(t);
            }
            let cands = self.res.resolve(&segs);
            let external = |c: &Vec<String>| c.first().is_some_and(|h| self.exempt.1.contains(h));
            if cands.first().is_none_or(external) {
                continue;
            }
            let (lo, hi) = (
                arg.first().map_or(0, |t| t.lo),
                arg.last().map_or(0, |t| t.hi),
            );
            self.site(Callee::Ref(cands), (lo, hi), body, frame, segs.join("::"));
        }
    }

    /// The segments of an argument that is a path and nothing else (`a::b::c`).
    fn plain_path(&self, arg: &[Tt]) -> Option<Vec<String>> {
        let mut segs = vec![self.ident(arg.first())?];
        let mut i = 1;
        while i < arg.len() {
            if !(punct(arg.get(i), b':') && punct(arg.get(i + 1), b':')) {
                return None;
            }
            segs.push(self.ident(arg.get(i + 2))?);
            i += 3;
        }
        Some(segs)
    }

    /// The plain names of a fn's parameters by position, `self` not counted, another pattern
    /// an empty name (as the walk records them: [`FnDecl::params`]).
    fn param_names(&self, params: &[Tt]) -> Vec<String> {
        let mut names: Vec<String> = top_level_args(params)
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(|p| {
                let p = match p {
                    [m, rest @ ..] if self.src.ident(Some(m)) == Some("mut") => rest,
                    _ => p,
                };
                match p {
                    [n, colon, ..] if colon.is_punct(b':') && !punct(p.get(2), b':') => {
                        self.ident(Some(n)).unwrap_or_default()
                    }
                    _ => String::new(),
                }
            })
            .collect();
        let receiver = !params.is_empty() && self.takes_self(params);
        if receiver && !names.is_empty() {
            names.remove(0);
        }
        names
    }

    /// A parameter of the current fn given as an argument of an exempt call (`block_in_place(f)`,
    /// `spawn_blocking(job)`) is recorded as such: the fn is a wrapper that runs the closure
    /// given at that position elsewhere ([`Callee::Param`]; rammingen's `maybe_block_in_place`,
    /// forty-sixth held-out set, is an item no needle selects).
    fn passed_params(&mut self, args: &[Tt], body: u32, frame: u32) {
        for arg in top_level_args(args) {
            let [t] = arg else { continue };
            let Some(name) = self.ident(Some(t)) else {
                continue;
            };
            if self.params.contains(&name) {
                self.site(Callee::Param(name.clone()), (t.lo, t.hi), body, frame, name);
            }
        }
    }

    /// The named types of a fn's parameters (`u: &mut User`, `db: Store`).
    fn param_types(&self, params: &[Tt], impl_ty: Option<&[String]>) -> HashMap<String, Ty> {
        params
            .split(|t| t.is_punct(b','))
            .filter_map(|p| {
                let (name, rest) = match p {
                    [n, colon, rest @ ..] if colon.is_punct(b':') => (self.ident(Some(n))?, rest),
                    [m, n, colon, rest @ ..]
                        if colon.is_punct(b':') && self.src.ident(Some(m)) == Some("mut") =>
                    {
                        (self.ident(Some(n))?, rest)
                    }
                    _ => return None,
                };
                let (ty, end) = self.type_path(rest, 0, impl_ty)?;
                (end == rest.len()).then_some((name, ty))
            })
            .collect()
    }

    /// `let [mut] x[: T] = …` from `at` (after `let`): `x` and its type when the tokens name
    /// it: an annotation, a struct literal (`User { .. }`) or a constructor of a named type
    /// (`User::new(..)`, `Self::default()`, with `?`, `.unwrap()` or `.expect(..)`) that ends
    /// the statement, or another path call that does (what the workspace fn returns).
    fn local_type(
        &self,
        tokens: &[Tt],
        at: usize,
        impl_ty: Option<&[String]>,
    ) -> Option<(String, Ty)> {
        let mut i = at;
        if self.src.ident(tokens.get(i)) == Some("mut") {
            i += 1;
        }
        let name = self.ident(tokens.get(i)).filter(|n| !is_keyword(n))?;
        i += 1;
        if punct(tokens.get(i), b':') && !punct(tokens.get(i + 1), b':') {
            let (ty, end) = self.type_path(tokens, i + 1, impl_ty)?;
            return punct(tokens.get(end), b'=').then_some((name, ty));
        }
        if !punct(tokens.get(i), b'=') || punct(tokens.get(i + 1), b'=') {
            return None;
        }
        let (segs, end) = path_at(tokens, i + 1, self.src)?;
        let ty = match tokens.get(end) {
            Some(g) if g.is_group(b'{') => segs,
            Some(g) if g.is_group(b'(') && segs.len() >= 2 && is_ctor(&segs) => {
                let rest = tokens.get(end + 1..).unwrap_or(&[]);
                if !ends_statement_unwrapped(rest, self.src) {
                    return None;
                }
                segs[..segs.len() - 1].to_vec()
            }
            Some(g) if g.is_group(b'(') => {
                let rest = tokens.get(end + 1..).unwrap_or(&[]);
                return Some((name, self.returned(&segs, rest)?));
            }
            _ => return None,
        };
        Some((name, self.named(&ty, impl_ty)?))
    }

    /// What `let x = path(..)` binds, as a parsed fn's walk types it: what the workspace fn at
    /// `path` returns, through the `?` / `.unwrap()` after the call (`ConfigFile::load()?`,
    /// `argon2_from_env()`). None for a dependency's fn or a call the statement goes on after.
    fn returned(&self, segs: &[String], rest: &[Tt]) -> Option<Ty> {
        let unwraps = unwraps_to_end(rest, self.src)?;
        let path = primary(self.res, segs);
        if path.first().is_none_or(|f| self.exempt.1.contains(f)) {
            return None;
        }
        Some((0..unwraps).fold(Ty::Ret(path), |ty, _| Ty::Unwrap(Box::new(ty))))
    }

    /// A type written at `at` (`&'a mut a::B`): its named type and the index after it. `None`
    /// for a generic, `dyn`, `impl`, tuple, slice or std prelude type.
    fn type_path(
        &self,
        tokens: &[Tt],
        at: usize,
        impl_ty: Option<&[String]>,
    ) -> Option<(Ty, usize)> {
        let i = self.after_reference(tokens, at);
        let (segs, end) = path_at(tokens, i, self.src)?;
        if punct(tokens.get(end), b'<') {
            return None;
        }
        Some((self.named(&segs, impl_ty)?, end))
    }

    /// The index after a reference's `&`, lifetime and `mut` at `at` (`at` itself if none).
    fn after_reference(&self, tokens: &[Tt], at: usize) -> usize {
        let mut i = at;
        loop {
            match tokens.get(i) {
                Some(t) if t.is_punct(b'&') => i += 1,
                Some(t) if t.is_punct(b'\'') => i += 2,
                Some(t) if self.src.ident(Some(t)) == Some("mut") => i += 1,
                _ => return i,
            }
        }
    }

    /// The declared return type of a fn's signature tokens (after `->`), as the walker reads it
    /// from syn: `Self` is the impl's type and generic arguments are kept (`Result<Self, E>`,
    /// `Option<Arc<Store>>`), so `let x = helper()?;` types `x` whether or not `helper`'s item
    /// was parsed.
    fn return_type(&self, sig: &[Tt], impl_ty: Option<&[String]>) -> Ty {
        let arrow =
            (0..sig.len()).find(|&i| punct(sig.get(i), b'-') && punct(sig.get(i + 1), b'>'));
        arrow
            .and_then(|a| self.generic_type(sig, a + 2, impl_ty, 0))
            .map_or(Ty::Unknown, |(ty, _)| ty)
    }

    /// A written type with its generic arguments from `at` (`&'a mut Store`, `io::Result<Self>`,
    /// `HashMap<String, Arc<Conn>>`) and the index after it; an argument that is no such type
    /// (a tuple, `impl Trait`, `dyn Trait`, a lifetime) is `Unknown`. None for anything else.
    fn generic_type(
        &self,
        tokens: &[Tt],
        at: usize,
        impl_ty: Option<&[String]>,
        depth: u32,
    ) -> Option<(Ty, usize)> {
        if depth > MAX_TYPE_DEPTH {
            return None;
        }
        let i = self.after_reference(tokens, at);
        let (segs, end) = path_at(tokens, i, self.src)?;
        if !punct(tokens.get(end), b'<') {
            return Some((self.named(&segs, impl_ty)?, end));
        }
        let mut args = Vec::new();
        let mut j = end + 1;
        loop {
            match self.generic_type(tokens, j, impl_ty, depth + 1) {
                Some((ty, after)) => {
                    args.push(ty);
                    j = after;
                }
                None => {
                    args.push(Ty::Unknown);
                    j = generic_arg_end(tokens, j)?;
                }
            }
            match tokens.get(j) {
                Some(t) if t.is_punct(b',') => j += 1,
                Some(t) if t.is_punct(b'>') => break,
                _ => return None,
            }
        }
        let last = segs.last()?;
        let ty = match self.named(&segs, impl_ty) {
            Some(Ty::Named(path, _)) => Ty::Named(path, args),
            _ if STD_PRELUDE_TYPES.contains(&last.as_str()) => Ty::Named(segs.clone(), args),
            _ => return None,
        };
        Some((ty, j + 1))
    }

    /// The named type of a written path (`Self` is the impl's type), resolved through `use`;
    /// `None` unless it looks like a type (`Upper`) and is not one of std's prelude types.
    fn named(&self, segs: &[String], impl_ty: Option<&[String]>) -> Option<Ty> {
        let last = segs.last()?;
        if !last.starts_with(char::is_uppercase) || STD_PRELUDE_TYPES.contains(&last.as_str()) {
            return None;
        }
        match (segs, impl_ty) {
            ([one], Some(t)) if one == "Self" => Some(Ty::named(t.to_vec())),
            ([one], None) if one == "Self" => None,
            _ => Some(Ty::named(primary(self.res, segs))),
        }
    }

    fn is_exempt(&self, cands: &[Vec<String>]) -> bool {
        cands
            .iter()
            .any(|c| c.last().is_some_and(|l| self.exempt.0.contains(l)))
    }

    /// The call whose argument list is the group at `at`, recorded as a site; returns the
    /// path's candidates for a path call.
    fn call_at(
        &mut self,
        tokens: &[Tt],
        at: usize,
        body: u32,
        frame: u32,
        impl_ty: Option<&[String]>,
    ) -> Option<Vec<Vec<String>>> {
        let name = self.ident(tokens.get(at.checked_sub(1)?))?;
        if is_keyword(&name) {
            return None;
        }
        let start = tokens.get(at - 1)?.lo;
        let end = tokens.get(at)?.hi;
        let mut k = at - 1;
        if k > 0 && punct(tokens.get(k - 1), b'.') {
            // Only `self.m(..)`, `local.m(..)` on a local whose type the tokens name, a field
            // of either (`state.secret_store.get(..)`, typed through the struct's field), and a
            // path call's value (`AtomicFile::new(..).write(..)`): without the walker's hints a
            // method on another receiver would resolve by its name alone, which large
            // workspaces make a guess.
            if let Some(recv) = self.call_receiver(tokens, k - 1, impl_ty) {
                let callee = Callee::Method {
                    name: name.clone(),
                    recv,
                    recv_call: None,
                    roots: Vec::new(),
                };
                self.site(callee, (start, end), body, frame, format!("….{name}()"));
                return None;
            }
            let (base, fields) = self.receiver_chain(tokens, k - 1)?;
            let base = match (base, impl_ty) {
                ("self", Some(t)) => Ty::named(t.to_vec()),
                ("self", None) => return None,
                (local, _) => match self.locals.get(local) {
                    Some(ty) => ty.clone(),
                    // A static, as the walker types it (`ARGON2.hash_password(..)` on charted's
                    // `static ARGON2: LazyLock<Argon2>`; thirty-sixth held-out set): its type
                    // comes from the static's declaration.
                    None if super::types::is_static_name(local) => {
                        Ty::Static(primary(self.res, &[local.to_string()]))
                    }
                    None => return None,
                },
            };
            let recv = fields
                .into_iter()
                .fold(base, |ty, f| Ty::Field(Box::new(ty), f));
            self.site(
                Callee::Method {
                    name: name.clone(),
                    recv,
                    recv_call: None,
                    roots: Vec::new(),
                },
                (start, end),
                body,
                frame,
                format!("….{name}()"),
            );
            return None;
        }
        if k > 0 && punct(tokens.get(k - 1), b'!') {
            return None;
        }
        let mut segs = vec![name];
        while k >= 3 && punct(tokens.get(k - 1), b':') && punct(tokens.get(k - 2), b':') {
            let Some(seg) = self.ident(tokens.get(k - 3)) else {
                break;
            };
            segs.insert(0, seg);
            k -= 3;
        }
        if segs.first().is_some_and(|s| s == "Self")
            && let Some(t) = impl_ty.and_then(|t| t.last())
        {
            segs[0] = t.clone();
        }
        let cands = self.res.resolve(&segs);
        let first = cands.first().map(Vec::as_slice).unwrap_or(&[]);
        let external = first.len() > 1 && first.first().is_some_and(|f| self.exempt.1.contains(f));
        let variant = first.len() == 1 && first[0].starts_with(char::is_uppercase);
        if external || variant {
            return Some(cands);
        }
        let display = format!(
            "{}()",
            cands.first().map(|c| c.join("::")).unwrap_or_default()
        );
        self.site(
            Callee::Path(cands.clone()),
            (start, end),
            body,
            frame,
            display,
        );
        Some(cands)
    }

    /// The type of a receiver that is a path call (`AtomicFile::new(..).write(..)`,
    /// `Config::load(..)?.save(..)`) before the `.` at `dot`, as the walk types it: a
    /// constructor's type, else what the workspace fn returns; None for another receiver.
    fn call_receiver(&self, tokens: &[Tt], dot: usize, impl_ty: Option<&[String]>) -> Option<Ty> {
        let mut j = dot.checked_sub(1)?;
        let mut unwraps = 0;
        while punct(tokens.get(j), b'?') {
            unwraps += 1;
            j = j.checked_sub(1)?;
        }
        group(tokens.get(j), b'(')?;
        let mut k = j.checked_sub(1)?;
        let mut segs = vec![self.ident(tokens.get(k))?];
        while k >= 3 && punct(tokens.get(k - 1), b':') && punct(tokens.get(k - 2), b':') {
            segs.insert(0, self.ident(tokens.get(k - 3))?);
            k -= 3;
        }
        if (k > 0 && is_path_or_field_joint(tokens.get(k - 1)))
            || segs.first().is_some_and(|s| is_keyword(s))
        {
            return None;
        }
        // A constructor's `?` unwraps to its type (`File::open(p)?`), as for a `let`.
        match (segs.split_last(), is_ctor(&segs)) {
            (Some((_, ty @ [_, ..])), true) => self.named(ty, impl_ty),
            _ => self
                .returned(&segs, &[])
                .map(|ty| (0..unwraps).fold(ty, |ty, _| Ty::Unwrap(Box::new(ty)))),
        }
    }

    /// The receiver before the `.` at `dot`: a plain name and the fields after it (`state`,
    /// `[secret_store]` in `state.secret_store.get(..)`), or None when it is anything else (a
    /// call's value, an index, a path, a tuple field).
    fn receiver_chain(&self, tokens: &[Tt], dot: usize) -> Option<(&str, Vec<String>)> {
        let mut fields = Vec::new();
        let mut dot = dot;
        loop {
            let name = self.src.ident(tokens.get(dot.checked_sub(1)?))?;
            match dot.checked_sub(2).map(|i| (i, tokens.get(i))) {
                Some((i, t)) if punct(t, b'.') => {
                    fields.insert(0, name.to_string());
                    dot = i;
                }
                Some((_, t)) if is_path_or_field_joint(t) => return None,
                _ => return Some((name, fields)),
            }
        }
    }

    /// Records a call site spanning the bytes `at` (from the callee's name to the end of its
    /// argument list).
    fn site(&mut self, callee: Callee, at: (u32, u32), body: u32, frame: u32, display: String) {
        let (line, column) = self.src.line_column(at.0);
        let (end_line, end_column) = self.src.line_column(at.1);
        self.facts.sites.push(Site {
            callee,
            region: Region {
                line: line as u32,
                column: column as u32 + 1,
                end_line: end_line as u32,
                end_column: end_column as u32 + 1,
            },
            frame: Some(frame),
            body: Some(body),
            discarded: false,
            then: None,
            str_args: Vec::new(),
            lit_args: Vec::new(),
            display,
            event_loop: None,
            arm: None,
            root: None,
            message: None,
        });
    }
}

/// A parameter or argument list split at its top-level commas: a comma inside `<..>` of a
/// type (`HashMap<K, V>`) does not split (`->` closes no angle bracket).
fn top_level_args(tokens: &[Tt]) -> Vec<&[Tt]> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0u32, 0);
    for (i, t) in tokens.iter().enumerate() {
        if t.is_punct(b'<') {
            depth += 1;
        } else if t.is_punct(b'>') && !(i > 0 && punct(tokens.get(i - 1), b'-')) {
            depth = depth.saturating_sub(1);
        } else if t.is_punct(b',') && depth == 0 {
            parts.push(tokens.get(start..i).unwrap_or_default());
            start = i + 1;
        }
    }
    if start < tokens.len() {
        parts.push(tokens.get(start..).unwrap_or_default());
    }
    parts
}

/// Names of std's prelude types and variants (never a workspace type): a local of one is not
/// followed.
const STD_PRELUDE_TYPES: &[&str] = &[
    "String", "Vec", "Option", "Result", "Box", "Some", "Ok", "Err", "None",
];

/// `a::b::C` at `at` (a leading `::` allowed): its segments and the index after it.
fn path_at(tokens: &[Tt], at: usize, src: &Src) -> Option<(Vec<String>, usize)> {
    let mut i = at;
    let mut segs = Vec::new();
    loop {
        if punct(tokens.get(i), b':') && punct(tokens.get(i + 1), b':') {
            i += 2;
        }
        let seg = src.ident(tokens.get(i))?;
        segs.push(seg.to_string());
        i += 1;
        if !(punct(tokens.get(i), b':') && punct(tokens.get(i + 1), b':'))
            || src.ident(tokens.get(i + 2)).is_none()
        {
            return Some((segs, i));
        }
    }
}

/// `T::new`, `T::default`, `T::with_…`, `T::from_…`, `T::open`, `T::load`: a constructor of `T`
/// (the type segment is written in `Upper` case).
fn is_ctor(segs: &[String]) -> bool {
    let (Some(name), Some(ty)) = (segs.last(), segs.get(segs.len().wrapping_sub(2))) else {
        return false;
    };
    ty.starts_with(char::is_uppercase)
        && (matches!(name.as_str(), "new" | "default" | "open" | "load")
            || name.starts_with("with_")
            || name.starts_with("from_"))
}

/// Do the tokens after a call end the statement, at most through `?`, `.unwrap()` or
/// `.expect(..)` (so the value bound is the constructor's `T`)?
fn ends_statement_unwrapped(rest: &[Tt], src: &Src) -> bool {
    unwraps_to_end(rest, src).is_some()
}

/// How many `?`, `.unwrap()` and `.expect(..)` the tokens after a call take to end the
/// statement; None when something else follows.
fn unwraps_to_end(rest: &[Tt], src: &Src) -> Option<usize> {
    let (mut i, mut unwraps) = (0, 0);
    loop {
        match rest.get(i) {
            None => return Some(unwraps),
            Some(t) if t.is_punct(b';') => return Some(unwraps),
            Some(t) if t.is_punct(b'?') => i += 1,
            Some(t)
                if t.is_punct(b'.')
                    && matches!(src.ident(rest.get(i + 1)), Some("unwrap" | "expect"))
                    && rest.get(i + 2).is_some_and(|g| g.is_group(b'(')) =>
            {
                i += 3
            }
            Some(_) => return None,
        }
        unwraps += 1;
    }
}

/// Is the token before a receiver a `.` or a `:` (so the receiver is a field or a path
/// segment, not a local)?
fn is_path_or_field_joint(t: Option<&Tt>) -> bool {
    punct(t, b'.') || punct(t, b':')
}

/// Generic arguments nested deeper than this are not read (a return type is rarely more than
/// three deep; the tokens are the scanned repository's).
const MAX_TYPE_DEPTH: u32 = 8;

/// The index of the `,` or `>` that ends the generic argument starting at `at` (nested `<..>`
/// and a fn type's `->` skipped), if the argument list is closed.
fn generic_arg_end(tokens: &[Tt], at: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = at;
    while let Some(t) = tokens.get(i) {
        if t.is_punct(b'-') && punct(tokens.get(i + 1), b'>') {
            i += 2;
            continue;
        }
        if t.is_punct(b'<') {
            depth += 1;
        } else if t.is_punct(b'>') || t.is_punct(b',') {
            if depth == 0 {
                return Some(i);
            }
            if t.is_punct(b'>') {
                depth -= 1;
            }
        } else if t.is_punct(b'{') || t.is_punct(b';') {
            return None;
        }
        i += 1;
    }
    None
}

/// Keywords followed by a parenthesis that are not calls, and variant constructors.
fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "if" | "while"
            | "match"
            | "for"
            | "in"
            | "return"
            | "fn"
            | "let"
            | "mut"
            | "ref"
            | "as"
            | "move"
            | "else"
            | "loop"
            | "break"
            | "where"
            | "unsafe"
            | "impl"
            | "dyn"
    )
}

/// An impl's self type, its trait's path (a trait impl) and its body.
type ImplHead<'t> = (Vec<String>, Option<Vec<String>>, &'t Tt);

/// The self type, trait path and body of `impl<…> [Trait for] Type<…> [where …] { … }` at `at`.
fn impl_head<'t>(tokens: &'t [Tt], at: usize, src: &Src) -> Option<ImplHead<'t>> {
    let mut path: Vec<String> = Vec::new();
    let mut trait_path: Option<Vec<String>> = None;
    let mut after_for = false;
    let mut collecting = true;
    let mut depth = 0i32;
    for t in tokens.iter().skip(at + 1) {
        match t.kind {
            Kind::Group(b'{') if depth == 0 => {
                return (!path.is_empty()).then_some((path, trait_path, t));
            }
            Kind::Punct(b'<', _) => depth += 1,
            Kind::Punct(b'>', _) => depth -= 1,
            Kind::Ident if depth == 0 && collecting => {
                let s = src.text(t).to_string();
                match s.as_str() {
                    "for" => {
                        trait_path = Some(path.clone());
                        after_for = true;
                    }
                    "where" => collecting = false,
                    "dyn" | "unsafe" => {}
                    _ => {
                        if after_for {
                            path.clear();
                            after_for = false;
                        }
                        path.push(s);
                    }
                }
            }
            _ => {}
        }
    }
    None
}
