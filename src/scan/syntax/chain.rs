//! Interprocedural `call` checks: a sync workspace fn whose body (outside the check's
//! `not_inside` contexts) makes a matching call is blocking; so is a sync fn that calls a
//! blocking fn (the call resolved without ambiguity by the model). A call in the check's
//! contexts (e.g. async code) of a blocking fn is a finding that names the chain, with each fn
//! on the way as a related location.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, VecDeque};

use super::calls::{fn_exempts, matched};
use super::contexts::{in_context, sync_and_live};
use super::elsewhere::Elsewhere;
use super::{Cx, cap_severity, hit, with_role};
use crate::kinds::call::CallMatcher;
use crate::kinds::{Hit, Matcher};
use crate::model::Related;
use crate::rust::{Callee, FileSummary, FnId, frames_up};

/// Why a fn is blocking: the next step of the chain.
#[derive(Debug, Clone)]
enum Via {
    Direct(String),
    Call(FnId),
}

/// The chain findings of every interprocedural `call` check.
pub fn chain_hits(cx: &Cx) -> Vec<Hit> {
    let mut out = Vec::new();
    for (idx, check) in cx.checks.iter().enumerate() {
        let Matcher::Call(c) = &check.matcher else {
            continue;
        };
        if c.interprocedural && cx.applicable.get(idx).copied().unwrap_or(false) {
            let clock = crate::timings::Clock::start();
            let wrappers = Elsewhere::find(cx, &c.not_inside);
            let blocking = blocking_fns(cx, idx, c, &wrappers);
            if !blocking.is_empty() {
                out.extend(sites(cx, idx, c, &blocking, &wrappers));
            }
            crate::timings::add_check(idx, clock.elapsed());
        }
    }
    out
}

/// The sync fn a site's code belongs to, when it is live for the check (sync, not exempt).
fn live_fn(cx: &Cx, file: usize, site: &crate::rust::Site, c: &CallMatcher) -> Option<FnId> {
    let s = cx.summaries.get(file).copied().flatten()?;
    if !sync_and_live(frames_up(&s.facts.frames, site.frame), &c.not_inside) {
        return None;
    }
    let f = s.facts.enclosing_fn(site.body?)?;
    let id = cx.model.fn_of_body(cx.model.body_id(file as u32, f)?)?;
    (!cx.model.fns[id as usize].is_async).then_some(id)
}

/// What a live site of a sync fn does: calls what the check is about (shown so), or calls
/// another workspace fn.
enum Step {
    Direct(String),
    Calls(FnId),
}

/// The blocking fns for check `idx`, each with its next step.
fn blocking_fns(cx: &Cx, idx: usize, c: &CallMatcher, wrappers: &Elsewhere) -> HashMap<FnId, Via> {
    use rayon::prelude::*;
    // The sites, file by file in parallel; then merged in file and site order.
    let steps: Vec<Vec<(FnId, Step)>> = cx
        .summaries
        .par_iter()
        .enumerate()
        .map(|(file, s)| match s {
            Some(s) if cx.applies.get(file).is_some_and(|a| a.contains(&idx)) => {
                file_steps(cx, file, s, c, wrappers)
            }
            _ => Vec::new(),
        })
        .collect();
    let mut blocking: HashMap<FnId, Via> = HashMap::new();
    let mut callers: HashMap<FnId, Vec<FnId>> = HashMap::new();
    let mut queue = VecDeque::new();
    for (f, step) in steps.into_iter().flatten() {
        match step {
            Step::Direct(name) => {
                if let Entry::Vacant(e) = blocking.entry(f) {
                    e.insert(Via::Direct(name));
                    queue.push_back(f);
                }
            }
            Step::Calls(t) => callers.entry(t).or_default().push(f),
        }
    }
    while let Some(t) = queue.pop_front() {
        for &caller in callers.get(&t).into_iter().flatten() {
            if let Entry::Vacant(e) = blocking.entry(caller) {
                e.insert(Via::Call(t));
                queue.push_back(caller);
            }
        }
    }
    blocking
}

/// The steps of the live sites of one file, in order.
fn file_steps(
    cx: &Cx,
    file: usize,
    s: &FileSummary,
    c: &CallMatcher,
    wrappers: &Elsewhere,
) -> Vec<(FnId, Step)> {
    let mut out = Vec::new();
    for (i, site) in s.facts.sites.iter().enumerate() {
        let Some(f) = live_fn(cx, file, site, c) else {
            continue;
        };
        if wrappers.covers(cx, file, &s.facts, site.body) || fn_exempts(&s.facts, site, c) {
            continue;
        }
        if let Some(m) = matched(cx, file, site, c) {
            out.push((f, Step::Direct(m.name)));
        } else if let Some(t) = cx.model.target(file, i) {
            out.push((f, Step::Calls(t)));
        } else {
            let all = cx.model.dispatched(file, i).iter();
            out.extend(all.map(|&t| (f, Step::Calls(t))));
        }
    }
    out
}

/// Sites in the check's contexts that call a blocking fn, file by file in parallel.
fn sites(
    cx: &Cx,
    idx: usize,
    c: &CallMatcher,
    blocking: &HashMap<FnId, Via>,
    wrappers: &Elsewhere,
) -> Vec<Hit> {
    use rayon::prelude::*;
    let Some(check) = cx.checks.get(idx) else {
        return Vec::new();
    };
    cx.summaries
        .par_iter()
        .enumerate()
        .flat_map_iter(|(file, s)| match s {
            Some(s) if cx.applies.get(file).is_some_and(|a| a.contains(&idx)) => {
                file_sites(cx, (file, s), (idx, check, c), blocking, wrappers)
            }
            _ => Vec::new(),
        })
        .collect()
}

/// The chain findings of one file.
fn file_sites(
    cx: &Cx,
    (file, s): (usize, &FileSummary),
    (idx, check, c): (usize, &crate::config::Check, &CallMatcher),
    blocking: &HashMap<FnId, Via>,
    wrappers: &Elsewhere,
) -> Vec<Hit> {
    let mut out = Vec::new();
    for (i, site) in s.facts.sites.iter().enumerate() {
        if matches!(site.callee, Callee::Macro(_)) {
            continue;
        }
        let blocks = |t: &FnId| blocking.contains_key(t);
        let Some(t) = (cx.model.target(file, i).filter(blocks))
            .or_else(|| cx.model.dispatched(file, i).iter().copied().find(blocks))
        else {
            continue;
        };
        let frames = frames_up(&s.facts.frames, site.frame);
        if !in_context(frames, &c.inside, &c.not_inside)
            || wrappers.covers(cx, file, &s.facts, site.body)
        {
            continue;
        }
        let Some((chain, related, last)) = chain(cx, &site.display, t, blocking) else {
            continue;
        };
        let default = format!("blocking call reached from async code: {chain}");
        let message = check.message(default, &[("chain", &chain)]);
        let mut h = hit(cx, idx, file, site.region.clone(), message);
        h.related = related;
        cap_severity(&mut h, c.lowered_for(&last), check);
        if with_role(cx, &mut h, file, site.body, Some(site), &c.roles) {
            out.push(h);
        }
    }
    out
}

/// The chain from a call of fn `first` to the blocking call: the message, each fn on the way
/// with where it is defined, and the blocking call's name.
fn chain(
    cx: &Cx,
    display: &str,
    first: FnId,
    blocking: &HashMap<FnId, Via>,
) -> Option<(String, Vec<Related>, String)> {
    let mut parts = vec![format!("`{display}`")];
    let mut related = Vec::new();
    let mut cur = first;
    for _ in 0..64 {
        let info = cx.model.fns.get(cur as usize)?;
        parts.push(format!("`{}`", info.key));
        let via = blocking.get(&cur)?;
        let next = match via {
            Via::Direct(shown) => shown.clone(),
            Via::Call(f) => cx.model.fns.get(*f as usize)?.key.clone(),
        };
        if let Some((file, line)) = fn_location(cx, cur) {
            let message = format!("`{}` calls `{next}`", info.key);
            related.push(Related {
                file,
                line,
                message,
            });
        }
        match via {
            Via::Direct(_) => {
                parts.push(format!("`{next}`"));
                return Some((parts.join(" → "), related, next));
            }
            Via::Call(f) => cur = *f,
        }
    }
    None
}

/// Where a fn is defined: its file and the line of its name.
fn fn_location(cx: &Cx, f: FnId) -> Option<(String, u32)> {
    let info = cx.model.fns.get(f as usize)?;
    let (file, local) = cx.model.body_at(info.body)?;
    let s = cx.summaries.get(file as usize).copied().flatten()?;
    let line = s.facts.bodies.get(local as usize)?.line;
    Some((cx.ws.files.get(file as usize)?.path.clone(), line))
}
