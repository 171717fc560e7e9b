//! Closures that run elsewhere through a workspace wrapper: a fn that calls one of its
//! parameters, or passes it on, inside a check's `not_inside` context (`fn call_with_permit(f)
//! { spawn_blocking(move || f(permit)) }`, `spawn_blocking(f)`) runs a closure given at that
//! position elsewhere too, so calls in that closure are judged as if they were inside
//! `spawn_blocking` themselves.

use std::collections::HashSet;

use super::Cx;
use crate::kinds::call::Context;
use crate::rust::{Callee, Facts, FnId, Frame, frames_up};

/// (fn, parameter position) pairs whose closure runs elsewhere.
#[derive(Debug, Default)]
pub struct Elsewhere(HashSet<(FnId, u32)>);

/// The (fn, parameter position) pairs of one file whose parameter is called or passed on
/// inside a `not_inside` call context.
fn wrapping_params(
    cx: &Cx,
    file: usize,
    facts: &Facts,
    not_inside: &[Context],
) -> Vec<(FnId, u32)> {
    let mut out = Vec::new();
    for site in &facts.sites {
        let name = match &site.callee {
            Callee::Path(cands) => match cands.first().map(Vec::as_slice) {
                Some([name]) => name,
                _ => continue,
            },
            Callee::Param(name) => name,
            _ => continue,
        };
        let Some(f) = site.body.and_then(|b| facts.enclosing_fn(b)) else {
            continue;
        };
        let decl = facts.bodies.get(f as usize).and_then(|b| b.decl());
        let Some(pos) = decl.and_then(|d| d.params.iter().position(|p| p == name)) else {
            continue;
        };
        if !exempt(frames_up(&facts.frames, site.frame), not_inside) {
            continue;
        }
        let id = cx
            .model
            .body_id(file as u32, f)
            .and_then(|b| cx.model.fn_of_body(b));
        if let Some(id) = id {
            out.push((id, pos as u32));
        }
    }
    out
}

/// Is a site with these frames inside one of the `not_inside` call contexts of its fn?
fn exempt<'f>(frames: impl Iterator<Item = &'f Frame>, not_inside: &[Context]) -> bool {
    frames
        .take_while(|f| !matches!(f, Frame::Fn { .. }))
        .any(|f| match f {
            Frame::Call(cands) => not_inside.iter().any(|c| match c {
                Context::Call(p) => cands.iter().any(|x| p.matches(x)),
                _ => false,
            }),
            Frame::Method(m) => not_inside.iter().any(|c| match c {
                Context::Call(p) => !p.any_suffix && p.segments.last() == Some(m),
                _ => false,
            }),
            _ => false,
        })
}

impl Elsewhere {
    /// The wrappers of the workspace for a check's `not_inside` contexts.
    pub fn find(cx: &Cx, not_inside: &[Context]) -> Elsewhere {
        use rayon::prelude::*;
        if !not_inside.iter().any(|c| matches!(c, Context::Call(_))) {
            return Elsewhere(HashSet::new());
        }
        let pairs = cx
            .summaries
            .par_iter()
            .enumerate()
            .filter_map(|(file, s)| Some((file, s.as_ref()?)))
            .flat_map_iter(|(file, s)| wrapping_params(cx, file, &s.facts, not_inside));
        Elsewhere(pairs.collect())
    }

    /// Does code in `body` run inside a closure given to such a wrapper?
    pub fn covers(&self, cx: &Cx, file: usize, facts: &Facts, body: Option<u32>) -> bool {
        if self.0.is_empty() {
            return false;
        }
        let mut cur = body;
        while let Some(b) = cur.and_then(|b| facts.bodies.get(b as usize)) {
            if b.decl().is_some() {
                return false;
            }
            if let Some((site, pos)) = b.given_to
                && cx
                    .model
                    .target(file, site as usize)
                    .is_some_and(|t| self.0.contains(&(t, pos)))
            {
                return true;
            }
            cur = b.parent;
        }
        false
    }
}
