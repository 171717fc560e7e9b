//! Kind `call` over the model's sites: a function by resolved path (or `Type::method` at a
//! method call on a receiver of that hinted type), a method by name (optionally on a receiver
//! method, and a receiver type), a macro; in context, discarded, with matching string
//! arguments, outside fns that mention an exempting word, in the asked roles.

use std::collections::HashMap;

use super::contexts::{context_name, in_context};
use super::elsewhere::Elsewhere;
use super::{Cx, cap_severity, hit, with_role};
use crate::kinds::Hit;
use crate::kinds::Matcher;
use crate::kinds::call::CallMatcher;
use crate::rust::{Callee, Facts, Site, Ty, frames_up};

/// How a matched call reads, and whether its receiver type was unknown to a type filter.
pub struct Matched {
    /// `std::fs::read`, `.unwrap()`, `println!`.
    pub name: String,
    /// The bare name (method, macro, last segment).
    pub bare: String,
    /// The type filter could not tell the receiver's type.
    pub untyped: bool,
}

/// Does a site of file `file` call what `c` is about?
pub fn matched(cx: &Cx, file: usize, site: &Site, c: &CallMatcher) -> Option<Matched> {
    match &site.callee {
        Callee::Path(cands) => {
            if site
                .then
                .as_ref()
                .is_some_and(|t| c.unless_then.contains(t))
            {
                return None;
            }
            let cand = cands
                .iter()
                .find(|cand| c.functions.iter().any(|f| f.matches(cand)))?;
            Some(Matched {
                name: cand.join("::"),
                bare: cand.last().cloned().unwrap_or_default(),
                untyped: false,
            })
        }
        Callee::Method {
            name,
            recv,
            recv_call,
            roots,
        } => {
            if c.chain_methods.iter().any(|m| m.matches(name, roots)) {
                return Some(Matched {
                    name: format!(".{name}()"),
                    bare: name.clone(),
                    untyped: false,
                });
            }
            if c.methods.iter().any(|m| m == name) {
                // A check that follows calls reads a workspace method in its own body: a call
                // of one by the listed name is not the listed method (payjoin's own `async fn
                // to_socket_addrs`, a `lookup_host`; twenty-ninth held-out set).
                if c.interprocedural
                    && typed(cx, file, site.body, recv)
                        .is_some_and(|t| cx.model.defines_method(&t, name))
                {
                    return None;
                }
                let untyped = receiver_ok(cx, file, site, c, recv, recv_call.as_ref())?;
                return Some(Matched {
                    name: format!(".{name}()"),
                    bare: name.clone(),
                    untyped,
                });
            }
            let typed_pattern = c
                .functions
                .iter()
                .any(|f| !f.any_suffix && f.segments.last() == Some(name));
            if !typed_pattern {
                return None;
            }
            let ty = typed(cx, file, site.body, recv)?;
            let mut path = ty;
            path.push(name.clone());
            c.functions
                .iter()
                .any(|f| f.matches(&path))
                .then(|| Matched {
                    name: path.join("::"),
                    bare: name.clone(),
                    untyped: false,
                })
        }
        Callee::Macro(n) => c.macros.iter().any(|m| m == n).then(|| Matched {
            name: format!("{n}!"),
            bare: n.clone(),
            untyped: false,
        }),
        Callee::Ref(_) | Callee::Param(_) => None,
    }
}

/// The receiver-method condition: Some(untyped) when it holds.
fn receiver_ok(
    cx: &Cx,
    file: usize,
    site: &Site,
    c: &CallMatcher,
    recv: &Ty,
    recv_call: Option<&(String, usize)>,
) -> Option<bool> {
    if c.receiver_methods.is_empty() {
        return Some(false);
    }
    let (name, args) = recv_call?;
    if !c.receiver_methods.contains(name) {
        return None;
    }
    if !c.types.is_set() {
        return Some(false);
    }
    if *args > 0 {
        return None;
    }
    let Ty::MethodRet(inner, _) = recv else {
        return Some(true);
    };
    match typed(cx, file, site.body, inner) {
        Some(path) => match c.types.admits(&path) {
            Some(false) => None,
            _ => Some(false),
        },
        None => Some(true),
    }
}

/// A hinted type as a resolved path (wrappers peeled), when the model knows it.
pub fn typed(cx: &Cx, file: usize, body: Option<u32>, ty: &Ty) -> Option<Vec<String>> {
    let summary = cx.summaries.get(file).copied().flatten()?;
    let place = cx.model.place_in(file as u32, summary, body);
    match cx.model.eval(&place, ty, 0).peeled() {
        Ty::Named(path, _) => Some(path.clone()),
        _ => None,
    }
}

/// A file with call sites, its facts and the call checks that apply to it.
type FileCalls<'a> = (usize, &'a Facts, Vec<(usize, &'a CallMatcher)>);

/// The direct findings of every `call` check, file by file in parallel.
pub fn call_hits(cx: &Cx) -> Vec<Hit> {
    use rayon::prelude::*;
    let files: Vec<FileCalls> = cx
        .summaries
        .iter()
        .enumerate()
        .filter_map(|(file, s)| {
            let (s, applies) = (s.as_ref()?, cx.applies.get(file)?);
            let calls: Vec<(usize, &CallMatcher)> = applies
                .iter()
                .filter_map(|&i| match cx.checks.get(i).map(|c| &c.matcher) {
                    Some(Matcher::Call(c)) => Some((i, c)),
                    _ => None,
                })
                .collect();
            (!calls.is_empty() && !s.facts.sites.is_empty()).then_some((file, &s.facts, calls))
        })
        .collect();
    let elsewhere = wrappers(cx, &files);
    files
        .par_iter()
        .flat_map_iter(|(file, facts, calls)| {
            let mut out = Vec::new();
            for (idx, c) in calls {
                let clock = crate::timings::Clock::start();
                let wrappers = elsewhere.get(idx);
                for site in &facts.sites {
                    out.extend(call_hit(cx, (*file, facts), site, (*idx, c), wrappers));
                }
                crate::timings::add_check(*idx, clock.elapsed());
            }
            out
        })
        .collect()
}

/// The wrappers of each call check that some file with sites asks for.
fn wrappers(cx: &Cx, files: &[FileCalls]) -> HashMap<usize, Elsewhere> {
    let mut elsewhere: HashMap<usize, Elsewhere> = HashMap::new();
    for (idx, c) in files.iter().flat_map(|(_, _, calls)| calls) {
        if !elsewhere.contains_key(idx) {
            let clock = crate::timings::Clock::start();
            elsewhere.insert(*idx, Elsewhere::find(cx, &c.not_inside));
            crate::timings::add_check(*idx, clock.elapsed());
        }
    }
    elsewhere
}

/// The finding of call check `idx` at a site of `file`, unless the site runs inside a closure
/// given to one of the check's `wrappers` (looked at only once the site matched).
fn call_hit(
    cx: &Cx,
    (file, facts): (usize, &Facts),
    site: &Site,
    (idx, c): (usize, &CallMatcher),
    wrappers: Option<&Elsewhere>,
) -> Option<Hit> {
    let m = matched(cx, file, site, c)?;
    if wrappers.is_some_and(|w| w.covers(cx, file, facts, site.body)) {
        return None;
    }
    let frames = || frames_up(&facts.frames, site.frame);
    if !in_context(frames(), &c.inside, &c.not_inside)
        || (c.discarded && !site.discarded)
        || (c.args.is_some()
            && !site
                .str_args
                .iter()
                .any(|s| c.args.as_ref().is_some_and(|r| r.is_match(s))))
        || fn_exempts(facts, site, c)
        || (!c.skip.is_empty()
            && facts
                .exempt
                .skips(site.region.line, site.region.column, &c.skip))
    {
        return None;
    }
    let check = cx.checks.get(idx)?;
    let context = if c.inside.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = c.inside.iter().map(context_name).collect();
        format!(" in {} code", names.join(" / "))
    };
    let message = check.message(
        format!("call to `{}`{context}", m.name),
        &[
            ("name", &m.name),
            ("call", &m.name),
            ("method", &m.bare),
            ("macro", &m.bare),
            ("function", &m.name),
            ("context", context.trim()),
        ],
    );
    let mut h = hit(cx, idx, file, site.region.clone(), message);
    if m.untyped {
        cap_severity(&mut h, c.types.untyped_severity, check);
    }
    cap_severity(&mut h, c.lowered_for(&m.name), check);
    with_role(cx, &mut h, file, site.body, Some(site), &c.roles).then_some(h)
}

/// Does the check exempt the fn around the site: does its text mention one of
/// `unless_fn_mentions` or match `unless_fn_matches` (as recorded in the per-file pass)?
pub fn fn_exempts(facts: &Facts, site: &Site, c: &CallMatcher) -> bool {
    if c.unless_fn_mentions.is_empty() && c.unless_fn_matches.is_none() {
        return false;
    }
    let Some(f) = site.body.and_then(|b| facts.enclosing_fn(b)) else {
        return false;
    };
    let Some(found) = facts.mentioned_by(f) else {
        return false;
    };
    c.unless_fn_mentions.iter().any(|w| found.words.contains(w))
        || c.unless_fn_matches
            .as_ref()
            .is_some_and(|r| found.patterns.iter().any(|p| p == r.as_str()))
}
