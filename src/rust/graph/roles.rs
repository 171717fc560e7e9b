//! Roles: how every fn, closure and async block is reached.
//!
//! - *request*: route handlers, service impls, bodies written inside an event loop of async
//!   code (a `loop` / `while` that awaits) that takes requests from a network: it accepts
//!   connections, receives datagrams or reads a connection (the task it spawns per connection
//!   included); and everything they reach;
//! - *event*: bodies written inside any other event loop of async code (a consumer of a
//!   channel, a message bus, a file watcher, an actor's mailbox), and what they reach, unless a
//!   request path reaches them too;
//! - *background*: bodies inside a loop of async code that waits only for a timer (periodic
//!   work: a cleanup every hour, a dump every minute) or in a `select!` branch whose future is
//!   a timer, the event loops such a job, a one-time initialiser or a component on a runtime of
//!   its own (`rt.block_on(..)` in a thread's closure, a `#[tokio::main]` method) runs, and what
//!   they reach, unless a request path reaches them too (a task an accept loop spawns per
//!   connection on such a runtime serves); and a task a route handler spawns and leaves to run
//!   (its handle thrown away: `tokio::spawn(..);`), which the response does not wait for;
//! - *library*: public async fns of a library crate when no selected package has a binary,
//!   and what they reach (the caller decides how they run);
//! - *startup*: reached only from `main` / `#[*::main]` (CLI subcommands included);
//! - *unknown*: reached from none of these (as far as the model sees).
//!
//! Breadth-first from each kind of root in that order, so a body gets the first role that
//! reaches it and the shortest path from a root of that role.

use std::collections::{HashSet, VecDeque};

use super::{BodyId, CodeModel};
use crate::model::{CodeKind, Role};
use crate::rust::Classification;
use crate::rust::FileSummary;
use crate::rust::facts::{BodyKind, LoopKind, Root};
use crate::rust::{Frame, frames_up};

/// How a body was reached.
#[derive(Debug, Clone)]
pub struct Reach {
    /// Its role.
    pub role: Role,
    /// The body it was reached from (None for a root body).
    pub from: Option<BodyId>,
    /// Where: file and line of the call, registration or nesting.
    pub at: (u32, u32),
    /// How.
    pub how: How,
}

/// How a body was reached from the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// It is a root itself (its attribute, its impl, `main`).
    Root(Root),
    /// Registered or spawned at a site of the previous body.
    Given(Root),
    /// Called (or written) inside an event loop of the previous body.
    EventLoop,
    /// Called (or written) inside a timer loop of the previous body.
    TimerLoop,
    /// Called (or written) in an arm of the previous body's `match` for an event variant that
    /// a timer loop sends (`BorsGlobalEvent::RefreshPermissions => ..`): periodic work.
    TimerEvent,
    /// Called by the previous body.
    Call,
    /// Written inside the previous body (closure, async block).
    Nested,
    /// A public async fn of a library.
    Library,
}

/// The steps from a root to a body: (file, line, message), root first.
pub type RolePath = Vec<(u32, u32, String)>;

struct Edge {
    to: BodyId,
    at: (u32, u32),
    how: How,
    /// Serves in an event loop whatever the loop's code is part of: a task spawned there (one
    /// per connection or message), or a call in a loop that accepts connections.
    serves: bool,
    /// In a loop that takes requests from a network (accepts connections, receives datagrams or
    /// reads a connection): an event loop there serves requests; any other consumes events.
    takes_requests: bool,
}

/// Edges between bodies and the roots of each role.
#[derive(Default)]
struct Graph {
    edges: Vec<Vec<Edge>>,
    request: Vec<(BodyId, Reach)>,
    event: Vec<(BodyId, Reach)>,
    background: Vec<(BodyId, Reach)>,
    startup: Vec<(BodyId, Reach)>,
    library: Vec<(BodyId, Reach)>,
}

/// Assigns a role to every body, and says which bodies background jobs reach (see
/// [`background_jobs`]). Test code is neither a root nor a way to reach anything.
pub fn assign(
    m: &CodeModel,
    class: &Classification,
    summaries: &[Option<&FileSummary>],
) -> (Vec<Option<Reach>>, Vec<bool>, Vec<bool>) {
    let n = m.body_at.len();
    let mut g = Graph {
        edges: (0..n).map(|_| Vec::new()).collect(),
        ..Graph::default()
    };
    for (file, s) in summaries.iter().enumerate() {
        let Some(s) = s else { continue };
        let production = |line: u32| {
            class.kinds.get(file).copied().flatten() == Some(CodeKind::Production)
                && !s.in_test_range(line)
        };
        let timer_arm = |arm: Option<u32>| m.in_timer_arm(file as u32, s, arm);
        bodies(m, file as u32, s, &production, &timer_arm, &mut g);
        sites(m, file, s, &production, &timer_arm, &mut g);
    }
    let mut reach: Vec<Option<Reach>> = vec![None; n];
    let (jobs, own_runtimes) = background_jobs(m, &g);
    let detached = reached(&g, detached_by_handlers(&g).into_iter());
    // Handlers given to a registration, and bodies reached from an event loop, are request
    // roots wherever that happens (a startup fn's accept loop serves requests), except in
    // background jobs: an event loop that a timer loop's job runs (pingap's ACME renewal walks
    // `authorizations.next()`), or that a one-time initialiser starts (a watcher spawned in
    // `call_once`), is part of that job. A spawned task runs in the role of the code that
    // spawns it: one started at startup does its setup once, and its own event loop serves;
    // one spawned in an event loop (per connection) serves. Bodies reached from a timer loop
    // are background roots.
    for (from, list) in g.edges.iter().enumerate() {
        for e in list {
            let role = match e.how {
                How::Given(Root::Route | Root::Service) => Role::Request,
                How::EventLoop if m.loops_serve(e.at.0) && jobs.contains(&from) => Role::Background,
                // On a component's own runtime its loops are the component's, but an accept
                // loop there, and the task it spawns per connection, still serve (rumqttd runs
                // each MQTT listener on a runtime of its own and accepts TLS inline).
                How::EventLoop
                    if m.loops_serve(e.at.0) && own_runtimes.contains(&from) && !e.serves =>
                {
                    Role::Background
                }
                // An event loop that takes no request from a network (a channel, a message
                // bus, a watcher, an actor's mailbox) consumes events; what it runs serves a
                // request only when a request path reaches it too.
                How::EventLoop if m.loops_serve(e.at.0) && !e.takes_requests => Role::Event,
                How::EventLoop if m.loops_serve(e.at.0) => Role::Request,
                How::TimerLoop if m.loops_serve(e.at.0) => Role::Background,
                How::TimerEvent => Role::Background,
                _ => continue,
            };
            let r = Reach {
                role,
                from: Some(from as BodyId),
                at: e.at,
                how: e.how,
            };
            match role {
                Role::Request => g.request.push((e.to, r)),
                Role::Event => g.event.push((e.to, r)),
                _ => g.background.push((e.to, r)),
            }
        }
    }
    // A task spawned and left to run (not awaited) whose timer loop calls on does periodic
    // work, whoever spawned it: a request that starts a monitor does not wait for its probes.
    let spawned: HashSet<usize> = g
        .edges
        .iter()
        .flatten()
        .filter(|e| matches!(e.how, How::Given(Root::Spawn | Root::Detached)))
        .map(|e| e.to as usize)
        .collect();
    let periodic: HashSet<(usize, BodyId)> = g
        .edges
        .iter()
        .enumerate()
        .filter(|(from, _)| spawned.contains(from))
        .flat_map(|(from, list)| list.iter().map(move |e| (from, e)))
        .filter(|(_, e)| e.how == How::TimerLoop && m.loops_serve(e.at.0))
        .map(|(from, e)| (from, e.to))
        .collect();
    // A task a request handler spawns and leaves to run is no part of the request: unless some
    // other path reaches it, it is background work.
    let left = bfs(&g.edges, &mut reach, g.request, &periodic);
    let background = left.into_iter().chain(g.background).collect();
    for roots in [g.event, background, g.library, g.startup] {
        bfs(&g.edges, &mut reach, roots, &periodic);
    }
    let flags = |set: HashSet<usize>| {
        let mut v = vec![false; n];
        for b in set {
            if let Some(slot) = v.get_mut(b) {
                *slot = true;
            }
        }
        v
    };
    let in_job = flags(
        jobs.into_iter()
            .chain(own_runtimes)
            .chain(detached.clone())
            .collect(),
    );
    (reach, in_job, flags(detached))
}

/// The `[Enum, Variant]` events that timer loops of production code send.
pub(super) fn timer_sends(
    class: &Classification,
    summaries: &[Option<&FileSummary>],
) -> HashSet<[String; 2]> {
    let production = |f: usize| class.kinds.get(f).copied().flatten() == Some(CodeKind::Production);
    summaries
        .iter()
        .enumerate()
        .filter(|(f, _)| production(*f))
        .filter_map(|(_, s)| *s)
        .flat_map(|s| s.facts.timer_sends.iter().cloned())
        .collect()
}

/// The bodies a timer loop's job or a one-time initialiser reaches (through calls, closures,
/// tasks, other loops); and, apart, those a component's own runtime runs (`rt.block_on(..)` in a
/// thread's closure, a `#[tokio::main]` method).
fn background_jobs(m: &CodeModel, g: &Graph) -> (HashSet<usize>, HashSet<usize>) {
    let timer_jobs = g
        .edges
        .iter()
        .flatten()
        .filter(|e| e.how == How::TimerLoop && m.loops_serve(e.at.0))
        .map(|e| e.to as usize);
    let initialisers = g
        .startup
        .iter()
        .filter(|(_, r)| r.how == How::Given(Root::Once))
        .map(|(id, _)| *id as usize);
    let runtime_methods = g
        .startup
        .iter()
        .filter(|(_, r)| r.how == How::Given(Root::Runtime))
        .map(|(id, _)| *id as usize);
    let given_runtimes = g
        .edges
        .iter()
        .flatten()
        .filter(|e| matches!(e.how, How::Given(Root::Runtime | Root::ThreadRuntime)))
        .map(|e| e.to as usize);
    (
        reached(g, timer_jobs.chain(initialisers)),
        reached(g, runtime_methods.chain(given_runtimes)),
    )
}

/// The tasks a route handler spawns and leaves to run (`tokio::spawn(async move { .. });` in
/// the handler or a closure of it): the response does not wait for them, so an event loop in
/// them (a conversion job streaming its input: atm0s-media-server's `POST /convert/job`,
/// forty-first held-out set) is the job's, not a request's.
fn detached_by_handlers(g: &Graph) -> Vec<usize> {
    let handlers = (g.request.iter())
        .filter(|(_, r)| r.how == How::Root(Root::Route))
        .map(|(id, _)| *id as usize)
        .chain(
            (g.edges.iter().flatten())
                .filter(|e| e.how == How::Given(Root::Route))
                .map(|e| e.to as usize),
        );
    let mut queue: VecDeque<usize> = handlers.collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    while let Some(b) = queue.pop_front() {
        if !seen.insert(b) {
            continue;
        }
        for e in g.edges.get(b).into_iter().flatten() {
            match e.how {
                How::Nested => queue.push_back(e.to as usize),
                How::Given(Root::Detached) => out.push(e.to as usize),
                _ => {}
            }
        }
    }
    out
}

/// Every body reachable from `roots` along any edge.
fn reached(g: &Graph, roots: impl Iterator<Item = usize>) -> HashSet<usize> {
    let mut queue: VecDeque<usize> = roots.collect();
    let mut seen = HashSet::new();
    while let Some(b) = queue.pop_front() {
        if seen.insert(b) {
            queue.extend(g.edges.get(b).into_iter().flatten().map(|e| e.to as usize));
        }
    }
    seen
}

/// Roots among a file's bodies, and the edges from a body to the closures / blocks in it.
fn bodies(
    m: &CodeModel,
    f: u32,
    s: &FileSummary,
    production: &dyn Fn(u32) -> bool,
    timer_arm: &dyn Fn(Option<u32>) -> bool,
    g: &mut Graph,
) {
    for (local, b) in s.facts.bodies.iter().enumerate() {
        let Some(id) = m.body_id(f, local as u32) else {
            continue;
        };
        if !production(b.line) || (b.root == Some(Root::Route) && in_test_double(s, local as u32)) {
            continue;
        }
        let reach = |role, how| Reach {
            role,
            from: None,
            at: (f, b.line),
            how,
        };
        match b.root {
            Some(Root::Main) if b.parent.is_none() => g
                .startup
                .push((id, reach(Role::Startup, How::Root(Root::Main)))),
            // A lazy static's initialiser (`static C: LazyLock<_> = LazyLock::new(|| ..)`) runs
            // once, like one inside a fn.
            Some(Root::Once) if b.parent.is_none() => g
                .startup
                .push((id, reach(Role::Startup, How::Given(Root::Once)))),
            // A component's method under its own `#[tokio::main]`: started once, its loops
            // are the component's (see `background_jobs`).
            Some(Root::Runtime) if b.parent.is_none() => g
                .startup
                .push((id, reach(Role::Startup, How::Given(Root::Runtime)))),
            Some(r) if b.parent.is_none() => {
                g.request.push((id, reach(Role::Request, How::Root(r))))
            }
            _ => {}
        }
        if let Some(p) = b.parent.and_then(|p| m.body_id(f, p)) {
            let how = match (b.root, b.in_event_loop) {
                (Some(Root::Once), _) => {
                    // Runs once: a root of its own, never reached as part of its parent.
                    let mut r = reach(Role::Startup, How::Given(Root::Once));
                    r.from = Some(p);
                    g.startup.push((id, r));
                    continue;
                }
                // A task spawned in an event loop (one per accepted connection or message)
                // serves, like the loop's own code.
                (Some(Root::Spawn | Root::Detached), Some(k)) => loop_how(k),
                (Some(r), _) if r != Root::Main => How::Given(r),
                _ if timer_arm(b.arm) => How::TimerEvent,
                (_, Some(k)) => loop_how(k),
                _ => How::Nested,
            };
            let edge = Edge {
                to: id,
                at: (f, b.line),
                how,
                serves: matches!(b.root, Some(Root::Spawn | Root::Detached)),
                takes_requests: b.in_serving_loop,
            };
            g.edges[p as usize].push(edge);
        }
        if library_root(m, b, id) {
            g.library.push((id, reach(Role::Library, How::Library)));
        }
    }
}

/// How a body or call inside a loop of this kind is reached.
fn loop_how(k: LoopKind) -> How {
    match k {
        LoopKind::Event => How::EventLoop,
        LoopKind::Timer => How::TimerLoop,
    }
}

/// The edges from a file's call sites to the fns they call.
fn sites(
    m: &CodeModel,
    file: usize,
    s: &FileSummary,
    production: &dyn Fn(u32) -> bool,
    timer_arm: &dyn Fn(Option<u32>) -> bool,
    g: &mut Graph,
) {
    let f = file as u32;
    for (i, site) in s.facts.sites.iter().enumerate() {
        let Some(from) = site.body.and_then(|b| m.body_id(f, b)) else {
            continue;
        };
        if !production(site.region.line) {
            continue;
        }
        if site.root == Some(Root::Route) && site.body.is_some_and(|b| in_test_double(s, b)) {
            // A test double's router (curvine's `TestHandler`) serves the tests that build it.
            continue;
        }
        if site.root.is_none() && in_lazy_fill(s, site.frame) {
            // The fill of a lazily filled slot runs when the slot is empty: what it calls is
            // initialisation, not per-request work (mithril's `get_server` makes its socket
            // server then).
            for t in m.targets(file, i) {
                let to = m.fns[*t as usize].body;
                let mut r = reach_once(f, site.region.line);
                r.from = Some(from);
                g.startup.push((to, r));
            }
            continue;
        }
        let how = match (site.root, site.event_loop) {
            (Some(Root::Once), _) => continue,
            (Some(Root::Spawn | Root::Detached), Some(k)) => loop_how(k),
            (Some(r), _) => How::Given(r),
            _ if timer_arm(site.arm) => How::TimerEvent,
            (None, Some(k)) => loop_how(k),
            (None, None) => How::Call,
        };
        for t in m.targets(file, i) {
            let to = m.fns[*t as usize].body;
            let edge = Edge {
                to,
                at: (f, site.region.line),
                how,
                serves: matches!(site.root, Some(Root::Spawn | Root::Detached))
                    || crate::rust::in_accept_loop(&s.facts.frames, site.frame),
                takes_requests: crate::rust::in_serving_loop(&s.facts.frames, site.frame),
            };
            g.edges[from as usize].push(edge);
        }
    }
}

/// Is body `local` (or the fn it is written in) a method of a test double: a type named
/// `Test…`, `Mock…`, `Fake…`, `Dummy…` or `Stub…` (curvine's `TestHandler`, whose router only a
/// `#[test]` starts; twenty-third held-out set)?
fn in_test_double(s: &FileSummary, local: u32) -> bool {
    let decl = s
        .facts
        .enclosing_fn(local)
        .and_then(|f| s.facts.bodies.get(f as usize))
        .and_then(|b| match &b.kind {
            BodyKind::Fn(decl) => decl.impl_ty.as_deref(),
            _ => None,
        });
    decl.is_some_and(is_test_double_name)
}

/// `TestHandler`, `MockStore`, `FakeClock`: a word for a test double, then a capitalised word.
fn is_test_double_name(name: &str) -> bool {
    ["Test", "Mock", "Fake", "Dummy", "Stub"].iter().any(|w| {
        name.strip_prefix(w)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// Is a site with innermost frame `frame` in the fill of a lazily filled slot (see
/// [`Frame::LazyFill`]) of its fn? A keyed cache's miss path is not: a new key can come with
/// every request (reductstore decompresses a block per query on a miss).
fn in_lazy_fill(s: &FileSummary, frame: Option<u32>) -> bool {
    frames_up(&s.facts.frames, frame)
        .take_while(|f| !matches!(f, Frame::Fn { .. }))
        .any(|f| matches!(f, Frame::LazyFill))
}

/// How a body that runs once is reached (a lazy initialisation at line `line` of file `file`).
fn reach_once(file: u32, line: u32) -> Reach {
    Reach {
        role: Role::Startup,
        from: None,
        at: (file, line),
        how: How::Given(Root::Once),
    }
}

/// A public async fn of a library crate, when no selected package has a binary.
fn library_root(m: &CodeModel, b: &crate::rust::facts::Body, id: BodyId) -> bool {
    let (BodyKind::Fn(d), false) = (&b.kind, m.has_bin) else {
        return false;
    };
    let lib = m
        .fn_of_body(id)
        .and_then(|f| m.fns[f as usize].krate)
        .is_some_and(|k| m.crates.get(k as usize).is_some_and(|c| c.is_lib));
    lib && b.is_async && d.is_pub && !d.in_trait
}

/// Spreads each root's role along the edges to bodies not reached yet; `periodic` edges (a
/// spawned task's timer loop) carry no request role.
fn bfs(
    edges: &[Vec<Edge>],
    reach: &mut [Option<Reach>],
    roots: Vec<(BodyId, Reach)>,
    periodic: &HashSet<(usize, BodyId)>,
) -> Vec<(BodyId, Reach)> {
    // Per body: reached only from route handlers, whose detached tasks ([`Root::Detached`])
    // the response does not wait for. A per-connection task a helper of an accept loop
    // spawns serves the connection, and so does one an actor's or a websocket session's
    // message handler spawns per message.
    let mut by_handler = vec![false; reach.len()];
    let mut left = Vec::new();
    let mut queue = VecDeque::new();
    for (id, r) in roots {
        if let Some(slot) = reach.get_mut(id as usize)
            && slot.is_none()
        {
            let handler = matches!(r.how, How::Root(Root::Route) | How::Given(Root::Route));
            by_handler[id as usize] = handler;
            queue.push_back((id, r.role));
            *slot = Some(r);
        }
    }
    while let Some((b, role)) = queue.pop_front() {
        // A timer-sent event's arm is a background root of its own, whoever dispatches it.
        let edges = edges.get(b as usize).into_iter().flatten();
        // A runtime of its own that a request starts in a thread (`std::thread::spawn(move ||
        // rt.block_on(job))` in a handler) runs its code off the request's runtime: blocking
        // there stalls that runtime alone (dozer's UI server, twenty-second held-out set). A
        // static runtime that requests share (`QUERY_RUNTIME.spawn(..)`) still serves them.
        let carries = |e: &&Edge| {
            e.how != How::TimerEvent
                && !(role == Role::Request && periodic.contains(&(b as usize, e.to)))
                && !(role == Role::Request && e.how == How::Given(Root::ThreadRuntime))
        };
        let handler = by_handler[b as usize];
        for e in edges.filter(carries) {
            let step = Reach {
                role,
                from: Some(b),
                at: e.at,
                how: e.how,
            };
            if handler && e.how == How::Given(Root::Detached) {
                left.push((
                    e.to,
                    Reach {
                        role: Role::Background,
                        ..step
                    },
                ));
                continue;
            }
            let Some(slot) = reach.get_mut(e.to as usize) else {
                continue;
            };
            // What an event loop runs per event serves that event, tasks it spawns included.
            let handler = handler && e.how != How::EventLoop;
            if slot.is_none() {
                *slot = Some(step);
                by_handler[e.to as usize] = handler;
                queue.push_back((e.to, role));
            } else if by_handler[e.to as usize] && !handler {
                // Reached from an event loop too: what it spawns serves.
                by_handler[e.to as usize] = false;
                queue.push_back((e.to, role));
            }
        }
    }
    left
}

impl CodeModel {
    /// How a body was reached, if it was.
    pub fn reach(&self, body: BodyId) -> Option<&Reach> {
        self.reach.get(body as usize).and_then(Option::as_ref)
    }

    /// The steps from the root of a body's role to the body, root first (at most 10, nearest
    /// kept; each body once).
    pub fn role_path(&self, body: BodyId, summaries: &[Option<&FileSummary>]) -> RolePath {
        let mut steps = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let mut cur = Some(body);
        while let Some(b) = cur {
            let Some(r) = self.reach(b) else { break };
            // A recursive fn's event loop reaches the fn itself: show that step once.
            if steps.len() >= 10 || !seen.insert(b) {
                break;
            }
            let to = self.body_name(b, summaries);
            let message = match (r.how, r.from) {
                (How::Root(Root::Main), _) => format!("`{to}` runs at startup"),
                (How::Root(Root::Route), _) => format!("`{to}` is a route handler"),
                (How::Root(Root::Service), _) => format!("`{to}` serves requests (service impl)"),
                (How::Root(_), _) => format!("`{to}` is a task root"),
                (How::Library, _) => format!("`{to}` is a public async fn of the library"),
                (How::Given(Root::Spawn), _) => format!("`{to}` is spawned here"),
                (How::Given(Root::Detached), _) => {
                    format!("`{to}` is spawned here and left to run")
                }
                (How::Given(Root::Once), _) => format!("`{to}` runs once (lazy initialisation)"),
                (How::Given(Root::Runtime | Root::ThreadRuntime), _) => {
                    format!("`{to}` runs on a runtime of its own")
                }
                (How::Given(_), _) => format!("`{to}` is registered as a handler here"),
                (How::EventLoop, Some(f)) => {
                    format!(
                        "`{}` reaches `{to}` in an event loop",
                        self.body_name(f, summaries)
                    )
                }
                (How::TimerLoop, Some(f)) => {
                    format!(
                        "`{}` reaches `{to}` in a timer loop",
                        self.body_name(f, summaries)
                    )
                }
                (How::TimerEvent, Some(f)) => format!(
                    "`{}` reaches `{to}` for an event a timer loop sends",
                    self.body_name(f, summaries)
                ),
                (How::Nested, Some(f)) => {
                    format!("`{to}` is written in `{}`", self.body_name(f, summaries))
                }
                (_, Some(f)) => format!("`{}` calls `{to}`", self.body_name(f, summaries)),
                (_, None) => format!("`{to}`"),
            };
            steps.push((r.at.0, r.at.1, message));
            cur = r.from;
        }
        steps.reverse();
        steps
    }

    /// How a body is shown: a fn's key, or "closure in `f`" / "async block in `f`".
    pub fn body_name(&self, body: BodyId, summaries: &[Option<&FileSummary>]) -> String {
        if let Some(f) = self.fn_of_body(body) {
            return self.fns[f as usize].key.clone();
        }
        let Some((file, local)) = self.body_at(body) else {
            return String::new();
        };
        let s = summaries.get(file as usize).copied().flatten();
        let kind = match s
            .and_then(|s| s.facts.bodies.get(local as usize))
            .map(|b| &b.kind)
        {
            Some(BodyKind::AsyncBlock) => "async block",
            _ => "closure",
        };
        let owner = s
            .and_then(|s| s.facts.enclosing_fn(local))
            .and_then(|f| self.body_id(file, f))
            .and_then(|b| self.fn_of_body(b))
            .map(|f| self.fns[f as usize].key.clone());
        match owner {
            Some(o) => format!("{kind} in {o}"),
            None => kind.to_string(),
        }
    }
}
