//! The syntax-aware kinds as queries over the code model ([`crate::rust`]): which needles to
//! ask the model for, then `call` (direct and interprocedural), `held-across-await` and
//! `ignored-result` findings over its sites, guards and discards, with the role of the flagged
//! code and a severity by role; the engine findings (`parse-error`, `uncompiled-file`);
//! `presence`. Findings outside each check's `code` scope are dropped.

mod calls;
mod chain;
mod contexts;
mod elsewhere;
mod guards;

use crate::kinds::{Check, Hit, Matcher};
use crate::model::{CodeKind, Region, Related, Role, Severity};

use crate::rust::{self, Classification, CodeModel, FileSummary, LoopKind, Request, Site};
use crate::workspace::Workspace;

/// The syntax-aware checks of a scan.
#[derive(Debug, Default)]
pub struct Syntax {
    /// Indices of the applicable checks the engine runs.
    pub checks: Vec<usize>,
    /// Index of an enabled `parse-error` check.
    pub parse_error: Option<usize>,
    /// Index of an enabled `uncompiled-file` check.
    pub uncompiled: Option<usize>,
}

impl Syntax {
    /// Is check `idx` run by the engine?
    pub fn is_syntax(&self, idx: usize) -> bool {
        self.checks.contains(&idx)
    }
}

/// What to ask of the model for these checks.
pub fn request<'c>(checks: &'c [Check], applicable: &[bool]) -> (Request<'c>, Syntax) {
    let mut req = Request::default();
    let mut syntax = Syntax::default();
    for (i, c) in checks.iter().enumerate() {
        if c.uses_roles() {
            req.graph = true;
        }
        match &c.matcher {
            Matcher::Engine if c.id == "parse-error" => {
                syntax.parse_error = Some(i);
                req.parse_errors = true;
            }
            Matcher::Engine if c.id == "uncompiled-file" => syntax.uncompiled = Some(i),
            _ => {}
        }
        if !applicable.get(i).copied().unwrap_or(false) {
            continue;
        }
        match &c.matcher {
            Matcher::Call(m) => {
                req.add_calls(&m.functions, &m.methods, &m.macros);
                req.add_chain_methods(&m.chain_methods);
                req.skips |= !m.skip.is_empty();
                if m.interprocedural {
                    req.exempt_calls
                        .extend(m.not_inside.iter().filter_map(|c| match c {
                            crate::kinds::call::Context::Call(p) => p.segments.last().cloned(),
                            _ => None,
                        }));
                }
                req.fn_words.extend(m.unless_fn_mentions.iter().cloned());
                req.fn_patterns.extend(m.unless_fn_matches.iter().cloned());
                req.graph |= m.interprocedural;
                req.types |= m.types.is_set();
            }
            Matcher::HeldAcrossAwait(m) => {
                req.guard_methods.extend(m.methods.iter().cloned());
                req.types |= m.types.is_set();
            }
            Matcher::IgnoredResult(m) => {
                req.add_calls(&m.functions, &m.methods, &[]);
                req.discards = true;
            }
            Matcher::Presence(m) => {
                req.chains |= m.methods.iter().any(|x| x.root.is_some());
                req.presence.push((i, m));
            }
            _ => continue,
        }
        syntax.checks.push(i);
    }
    let services = checks
        .iter()
        .zip(applicable)
        .any(|(c, a)| *a && (c.applies.is_service() || c.applies.in_services));
    if services {
        req.add_starts();
    }
    req.types |= req.graph;
    req.test_code = syntax.checks.iter().chain(&syntax.parse_error).any(|&i| {
        checks
            .get(i)
            .is_some_and(|c| c.code.includes(CodeKind::Test))
    });
    if req.types {
        // Files that declare lock fields are read for their struct items.
        req.words
            .extend(["Mutex", "RwLock", "RefCell"].map(String::from));
    }
    req.guard_methods.sort();
    req.guard_methods.dedup();
    req.fn_words.sort();
    req.fn_words.dedup();
    req.fn_patterns.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    req.fn_patterns.dedup_by(|a, b| a.as_str() == b.as_str());
    (req, syntax)
}

/// Everything a query sees.
pub struct Cx<'a> {
    /// The compiled checks.
    pub checks: &'a [Check],
    /// The workspace.
    pub ws: &'a Workspace,
    /// Code kinds, crates, module paths.
    pub class: &'a Classification,
    /// The code model.
    pub model: &'a CodeModel,
    /// `summaries[i]` belongs to `ws.files[i]`.
    pub summaries: &'a [Option<&'a FileSummary>],
    /// The texts of the files read (read again on demand).
    pub texts: &'a crate::texts::Texts,
    /// Per file: the syntax checks that apply to it.
    pub applies: &'a [Vec<usize>],
    /// Whether each check applies to some package.
    pub applicable: &'a [bool],
    /// The bins that are services.
    pub services: &'a rust::services::Services,
}

impl<'a> Cx<'a> {
    /// Every (file, its summary, check index, check) for which a syntax check applies to a
    /// file that was read.
    pub fn applying(&self) -> impl Iterator<Item = (usize, &'a FileSummary, usize, &'a Check)> {
        let (summaries, applies, checks) = (self.summaries, self.applies, self.checks);
        summaries.iter().enumerate().flat_map(move |(file, s)| {
            let idxs: &'a [usize] = applies.get(file).map(Vec::as_slice).unwrap_or_default();
            s.iter().flat_map(move |s| {
                idxs.iter()
                    .filter_map(move |&idx| checks.get(idx).map(|c| (file, *s, idx, c)))
            })
        })
    }
}

/// Every syntax-aware finding, already filtered by each check's `code` scope, and the
/// verdicts of the presence service checks.
pub fn hits(cx: &Cx, syntax: &Syntax) -> (Vec<Hit>, Vec<rust::ServiceVerdict>) {
    let clock = crate::timings::Clock::start();
    // The queries read the model and the summaries only: they run side by side.
    let ((mut hits, chains), (guarded, (discarded, unparsed))) = rayon::join(
        || rayon::join(|| calls::call_hits(cx), || chain::chain_hits(cx)),
        || {
            rayon::join(
                || guards::guard_hits(cx),
                || rayon::join(|| guards::discard_hits(cx), || parse_errors(cx, syntax)),
            )
        },
    );
    hits.extend(chains);
    hits.extend(guarded);
    hits.extend(discarded);
    hits.extend(unparsed);
    hits.retain(|h| keep(cx, syntax, h));
    hits.extend(uncompiled(cx, syntax));
    crate::timings::add(crate::timings::Stage::Queries, clock.elapsed());
    let inputs = rust::services::Inputs {
        ws: cx.ws,
        class: cx.class,
        summaries: cx.summaries,
        texts: cx.texts,
    };
    let (presence, verdicts) = crate::timings::time(crate::timings::Stage::Presence, || {
        rust::presence_hits(cx.checks, &inputs, cx.applicable, cx.services)
    });
    hits.extend(presence);
    (hits, verdicts)
}

/// A hit of check `check` at a place of file `file`.
pub fn hit(cx: &Cx, check: usize, file: usize, region: Region, message: String) -> Hit {
    Hit {
        check,
        file: cx.ws.files[file].path.clone(),
        region,
        message,
        related: Vec::new(),
        role: None,
        severity: None,
    }
}

/// Adds the role of the code in `body` (of file `file`) to a hit of a check that uses roles:
/// the role, the path from its root, the per-role severity and note. False when the check's
/// `roles` filter excludes it. `site` is the call's (its event loop and event arm).
pub fn with_role(
    cx: &Cx,
    h: &mut Hit,
    file: usize,
    body: Option<u32>,
    site: Option<&Site>,
    roles: &[Role],
) -> bool {
    let Some(check) = cx.checks.get(h.check) else {
        return false;
    };
    if !check.uses_roles() {
        return true;
    }
    let global = body.and_then(|b| cx.model.body_id(file as u32, b));
    let event_loop = site
        .and_then(|s| s.event_loop)
        .filter(|_| cx.model.loops_serve(file as u32));
    let job = global.is_some_and(|b| cx.model.in_background_job(b));
    let detached = global.is_some_and(|b| cx.model.in_detached_job(b));
    // A loop that takes requests from a network (accepts connections, receives datagrams, reads
    // a connection) serves wherever it runs (on a component's own runtime too); any other event
    // loop consumes events.
    let serving = site
        .zip(cx.summaries.get(file).copied().flatten())
        .is_some_and(|(site, s)| rust::in_serving_loop(&s.facts.frames, site.frame));
    let summary = cx.summaries.get(file).copied().flatten();
    let timer_arm = site.zip(summary).and_then(|(site, s)| {
        let arm = site
            .arm
            .filter(|_| cx.model.in_timer_arm(file as u32, s, site.arm))?;
        s.facts.arms.get(arm as usize)
    });
    // A task that a request spawns and does not wait for, looping on a timer (a monitor a
    // handler starts), is periodic background work; a handler's own polling loop is not.
    let spawned = body
        .zip(summary)
        .and_then(|(b, s)| s.facts.bodies.get(b as usize))
        .is_some_and(|b| matches!(b.root, Some(rust::Root::Spawn | rust::Root::Detached)));
    let mut role = match (event_loop, global.and_then(|b| cx.model.role(b))) {
        _ if timer_arm.is_some() => Role::Background,
        (Some(LoopKind::Timer), Some(Role::Request)) if spawned => Role::Background,
        (_, Some(Role::Request)) => Role::Request,
        (Some(LoopKind::Event), _) if serving && !detached => Role::Request,
        (Some(LoopKind::Event), _) if !job => Role::Event,
        (Some(_), _) => Role::Background,
        (None, Some(r)) => r,
        (None, None) => Role::Unknown,
    };
    let other_arm = match (role, global, site) {
        (Role::Request, Some(b), Some(site)) => literal_arm_role(cx, file, b, site),
        _ => None,
    };
    if let Some((r, _)) = &other_arm {
        role = *r;
    }
    if !roles.is_empty() && !roles.contains(&role) {
        return false;
    }
    let mut path: Vec<Related> = Vec::new();
    if let Some((_, why)) = &other_arm {
        h.message = format!("{}; {why}", h.message);
    } else if let Some(b) = global {
        for (f, line, message) in cx.model.role_path(b, cx.summaries) {
            if let Some(sf) = cx.ws.files.get(f as usize) {
                path.push(Related {
                    file: sf.path.clone(),
                    line,
                    message,
                });
            }
        }
        if let Some(k) = event_loop
            && cx.model.role(b) != Some(role)
        {
            let kind = match k {
                LoopKind::Event => "an event loop",
                LoopKind::Timer => "a timer loop",
            };
            path.push(Related {
                file: h.file.clone(),
                line: h.region.line,
                message: format!("in {kind} of `{}`", cx.model.body_name(b, cx.summaries)),
            });
        }
    }
    if let Some([e, v]) = timer_arm {
        path.push(Related {
            file: h.file.clone(),
            line: h.region.line,
            message: format!("in the arm for `{e}::{v}`, an event a timer loop sends"),
        });
    }
    path.append(&mut h.related);
    h.related = path;
    h.role = Some(role);
    let severity = check.severity_for(Some(role));
    h.severity = Some(h.severity.map_or(severity, |s| s.min(severity)));
    if let Some(note) = check.note_for(Some(role)) {
        h.message = format!("{}; {note}", h.message);
    }
    true
}

/// The role of a site in a [`rust::Frame::LiteralArm`] of a fn that requests reach only with
/// other literals (aralez's `load_configuration(content, "content")` on the request path, whose
/// `"filepath"` arm reads files): the role of the callers that can select the arm (or unknown),
/// and why. None when a request path can select it, or when the fn is a root itself.
fn literal_arm_role(cx: &Cx, file: usize, body: u32, site: &Site) -> Option<(Role, String)> {
    let summary = cx.summaries.get(file).copied().flatten()?;
    let (param, values) = rust::frames_up(&summary.facts.frames, site.frame)
        .take_while(|f| !matches!(f, rust::Frame::Fn { .. }))
        .find_map(|f| match f {
            rust::Frame::LiteralArm { param, values } => Some((*param as usize, values)),
            _ => None,
        })?;
    // A root (a route handler itself) is reached by no caller's literal.
    let reached_from = cx.model.reach(body)?.from?;
    let f = cx.model.fn_of_body(body)?;
    let has_self = (site.body)
        .and_then(|b| summary.facts.bodies.get(b as usize)?.decl())
        .is_some_and(|d| d.has_self);
    let mut request = Vec::new();
    let mut others = Vec::new();
    for &(cf, ci) in cx.model.callers(f) {
        let Some(caller) = cx.summaries.get(cf as usize).copied().flatten() else {
            continue;
        };
        let Some(call) = caller.facts.sites.get(ci as usize) else {
            continue;
        };
        let from = call.body.and_then(|b| cx.model.body_id(cf, b));
        // `Type::method(&value, ..)` passes `self` as its first argument.
        let at = match (&call.callee, has_self) {
            (rust::Callee::Path(_), true) => param + 1,
            _ => param,
        };
        let passed = call.lit_args.get(at).cloned().flatten();
        let selects = passed.as_ref().is_none_or(|v| values.contains(v));
        match (from.and_then(|b| cx.model.role(b)), selects) {
            (Some(Role::Request), true) => return None,
            (Some(Role::Request), false) => request.push((from, passed)),
            (Some(r), true) => others.push(r),
            _ => {}
        }
    }
    // The request role must have come through one of those calls (not a callback or a
    // trait's dispatch the callers above do not list).
    if !request.iter().any(|(from, _)| *from == Some(reached_from)) {
        return None;
    }
    let passed = request.first()?.1.clone()?;
    let arm = values.join(" | ");
    let role = (others.iter().copied())
        .find(|r| *r != Role::Unknown)
        .unwrap_or(Role::Unknown);
    let why = format!(
        "in the `{arm}` arm of a `match` on a parameter, which the request path, passing \
         {passed}, does not take"
    );
    Some((role, why))
}

/// Caps a hit's severity at `severity`: the check's `untyped_severity` (a receiver of unknown
/// type) or its `lowered_severity` (a call of a `lowered` function).
pub fn cap_severity(h: &mut Hit, severity: Option<Severity>, check: &Check) {
    if let Some(s) = severity {
        h.severity = Some(h.severity.unwrap_or(check.severity).min(s));
    }
}

fn parse_errors(cx: &Cx, syntax: &Syntax) -> Vec<Hit> {
    let Some(idx) = syntax.parse_error else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, s) in cx.summaries.iter().enumerate() {
        let Some(s) = s else {
            continue;
        };
        if let Some((region, msg)) = &s.parse_error {
            let message = format!("file does not parse ({msg}); syntax-aware checks skipped it");
            out.push(hit(cx, idx, i, region.clone(), message));
        }
        for (region, message) in &s.macro_notes {
            out.push(hit(cx, idx, i, region.clone(), message.clone()));
        }
    }
    out
}

/// One `uncompiled-file` finding per `.rs` file of a scanned package no module tree reaches.
fn uncompiled(cx: &Cx, syntax: &Syntax) -> Vec<Hit> {
    let Some(idx) = syntax.uncompiled else {
        return Vec::new();
    };
    let Some(c) = cx.checks.get(idx) else {
        return Vec::new();
    };
    let message = "no module tree reaches this file (no `mod` declares it): it is not compiled";
    cx.ws
        .files
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            cx.class.report.get(*i).copied().unwrap_or(false)
                && c.scope.includes(&f.path)
                && match f.package.and_then(|p| cx.ws.packages.get(p)) {
                    Some(p) => p.meets(&c.applies),
                    None => c.applies.is_unconditional(),
                }
        })
        .map(|(i, _)| hit(cx, idx, i, Region::file_start(), message.into()))
        .collect()
}

/// Keeps a syntax hit when its code kind is in the check's `code` scope.
fn keep(cx: &Cx, syntax: &Syntax, h: &Hit) -> bool {
    let Some(check) = cx.checks.get(h.check) else {
        return false;
    };
    let Ok(i) = cx
        .ws
        .files
        .binary_search_by(|f| f.path.as_str().cmp(&h.file))
    else {
        return true;
    };
    // A file that does not parse is reported wherever it is; a macro body that does not (a
    // note from the walk) only where the check's `code` looks.
    let summary = cx.summaries.get(i).copied().flatten();
    let whole_file = |s: &FileSummary| s.parse_error.as_ref().is_some_and(|(r, _)| *r == h.region);
    if Some(h.check) == syntax.parse_error && summary.is_none_or(whole_file) {
        return true;
    }
    let kind: CodeKind = rust::kind_at(
        cx.ws,
        cx.class,
        cx.summaries.get(i).copied().flatten(),
        i,
        h.region.line,
    );
    check.code.includes(kind)
}
