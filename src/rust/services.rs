//! Which bin targets are services. A bin is a service when the code it compiles — its own
//! module tree and the libraries of its package and of the workspace members it depends on
//! (normal dependencies, transitively: its *closure*) — starts a server with a framework the
//! closure declares, or runs an accept loop. A start in a library counts only when the bin
//! reaches the fn that holds it by name ([`super::reach`]): a package's config-printing bin does
//! not become a service because its library can serve.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use regex::Regex;

use super::finish::kind_at;
use super::purpose::{PurposeFact, Routes, purposes_of};
use super::reach::{FnIndex, Mentions, mentioned};
use super::{Classification, FileSummary, StartFact, modtree};
use crate::kinds::Check;
use crate::kinds::service::{ACCEPT_LOOP, FRAMEWORKS, Purpose};
use crate::model::{CodeKind, Evidence, NotService};
use crate::workspace::{Package, Target, Workspace};

/// A detected service.
#[derive(Debug, Clone)]
pub struct DetectedService {
    /// Index of its package in `ws.packages`.
    pub package: usize,
    /// The bin target's name.
    pub bin: String,
    /// The bin's root file.
    pub file: String,
    /// Packages of the closure (indices, sorted).
    pub packages: Vec<usize>,
    /// Files the service's checks search (indices into `ws.files`, sorted): the bin's module
    /// tree and the closure's libraries.
    pub files: Vec<usize>,
    /// Server framework crates the closure declares.
    pub frameworks: Vec<&'static str>,
    /// Frameworks (indices into [`FRAMEWORKS`]) whose server it starts.
    pub started_with: Vec<usize>,
    /// What it is for, each with the place that decided it, sorted by purpose.
    pub purposes: Vec<PurposeFact>,
    /// Every server start it reaches, the first one first (own code before libraries).
    pub starts: Vec<(usize, StartFact)>,
    /// The files of the bin's own module tree.
    pub own: Vec<usize>,
    /// The library fns its code can run ([`FnIndex::reached_or_named`]): evidence in a
    /// library counts only inside one of these (or outside any fn).
    pub lib_fns: HashSet<String>,
}

impl DetectedService {
    /// Does a service check apply to it (one of its purposes is among the check's)? Else why
    /// not.
    pub fn applies(&self, check: &Check) -> Result<(), String> {
        let wanted = &check.applies.services;
        if self.purposes.iter().any(|p| wanted.contains(&p.purpose)) {
            return Ok(());
        }
        let is: Vec<Purpose> = self.purposes.iter().map(|p| p.purpose).collect();
        Err(format!(
            "`{}` is {} (list --services says why); the check applies to {}",
            self.bin,
            names(&is).replace(" or ", " and "),
            names(wanted)
        ))
    }

    /// The first server start, as evidence.
    pub fn started(&self, ws: &Workspace) -> Evidence {
        match self.starts.first() {
            Some((i, s)) => Evidence {
                file: ws.files.get(*i).map(|f| f.path.clone()).unwrap_or_default(),
                line: s.line,
                what: s.what.clone(),
            },
            None => Evidence {
                file: self.file.clone(),
                line: 1,
                what: String::new(),
            },
        }
    }
}

/// Services found, and the bins that are not services with the reason.
#[derive(Debug, Clone, Default)]
pub struct Services {
    /// The services, by package and bin.
    pub found: Vec<DetectedService>,
    /// The other bins.
    pub not: Vec<NotService>,
}

/// What detection reads.
pub struct Inputs<'a> {
    /// The workspace.
    pub ws: &'a Workspace,
    /// File classification.
    pub class: &'a Classification,
    /// Per file of `ws.files`.
    pub summaries: &'a [Option<&'a FileSummary>],
    /// The texts of the files read (read again on demand).
    pub texts: &'a crate::texts::Texts,
}

/// Desktop UI frameworks: a bin whose package declares one is an app on its user's machine (a
/// local HTTP server inside it, for its own window, is no deployed service).
const DESKTOP_UI: &[&str] = &[
    "tauri",
    "eframe",
    "iced",
    "gtk",
    "gtk4",
    "relm4",
    "slint",
    "druid",
    "fltk",
    "dioxus-desktop",
    "libadwaita",
];

/// Crates that talk to the user's desktop session: OS media controls (MPRIS, SMTC) and the
/// local Discord client. A bin whose workspace closure builds with one runs on its user's
/// machine: termusic's `termusic-server` is the playback backend its TUI starts (on a Unix
/// socket by default), though it serves gRPC (thirty-fifth held-out set).
const DESKTOP_SESSION: &[&str] = &[
    "souvlaki",
    "mpris-server",
    "discord-rich-presence",
    "discord-presence",
];

/// File watchers and browser openers (or live-reload layers): a package that declares one of
/// each is a developer tool whose server is a local preview (`zola serve`, `mdbook serve`,
/// `trunk serve`: rebuild on change, reload the page), not a deployed service.
const FILE_WATCHERS: &[&str] = &[
    "notify",
    "notify-debouncer-mini",
    "notify-debouncer-full",
    "hotwatch",
    "watchexec",
];
const PREVIEW_OPENERS: &[&str] = &[
    "open",
    "opener",
    "webbrowser",
    "tower-livereload",
    "livereload",
];

/// Why a bin of package `p` is no deployed service whatever it starts, if it is not: its
/// package is not production code, a desktop app, or a local preview tool.
fn not_deployed(p: &Package) -> Option<String> {
    if let Some((_, why)) = &p.role {
        return Some(format!("its package holds no production code: {why}"));
    }
    // A cargo subcommand runs on a developer's machine: `cargo shuttle run`'s local provisioner
    // (thirty-first held-out set) is a server of the developer's build, not a deployed one.
    if let Some(sub) = p.name.strip_prefix("cargo-").filter(|s| !s.is_empty()) {
        return Some(format!(
            "a cargo subcommand (`cargo {sub}`): it runs on a developer's machine, not as a \
             deployed service"
        ));
    }
    // An optional UI behind a feature the build leaves off is a debugging aid (rust-ro's
    // `visual_debugger` feature pulls in `eframe`), not what the bin is. One a feature can turn
    // off, even on by default, leaves a headless build: emissary's I2P router ships in its
    // Docker image with `--no-default-features`, without the `iced` window (thirty-eighth
    // held-out set).
    let built = |list: &[&'static str]| list.iter().copied().find(|k| p.builds_with(k));
    if let Some(ui) = DESKTOP_UI.iter().copied().find(|k| p.always_builds_with(k)) {
        return Some(format!(
            "a desktop app (`{ui}`): it runs on its user's machine, not as a deployed service"
        ));
    }
    let (watcher, opener) = (built(FILE_WATCHERS)?, built(PREVIEW_OPENERS)?);
    Some(format!(
        "a developer tool with a local preview server (`{watcher}` watches files, `{opener}` \
         opens or reloads the page): not a deployed service"
    ))
}

/// Why a bin of package `pi` is no deployed service, if some workspace package it builds with
/// talks to the desktop session ([`DESKTOP_SESSION`]).
fn desktop_session(ws: &Workspace, pi: usize) -> Option<String> {
    ws.closure(pi).into_iter().find_map(|q| {
        let p = ws.packages.get(q)?;
        let krate = DESKTOP_SESSION.iter().find(|k| p.builds_with(k))?;
        Some(format!(
            "a desktop app: `{}` builds with `{krate}`, which talks to the user's desktop \
             session, so it runs on its user's machine, not as a deployed service",
            p.name
        ))
    })
}

/// Why a bin is a test fixture, if it is: its source lies in a `test` or `tests` directory
/// (`[[bin]] path = "test/external_plugin_test_server.rs"`, a server the integration tests
/// start; trustee, twenty-third held-out set).
fn test_fixture(bin: &Target) -> Option<String> {
    let (dir, _) = bin.src_path.rsplit_once('/')?;
    let test_dir = dir.split('/').find(|c| matches!(*c, "test" | "tests"))?;
    Some(format!(
        "a test fixture: its source is in a `{test_dir}/` directory"
    ))
}

/// Decides, for every bin target of the scanned packages, whether it is a service.
pub fn detect(inputs: &Inputs) -> Services {
    let mut out = Services::default();
    for (pi, p) in inputs.ws.packages.iter().enumerate() {
        for t in p.targets.iter().filter(|t| t.is_bin()) {
            let why_not = not_deployed(p)
                .or_else(|| test_fixture(t))
                .or_else(|| desktop_session(inputs.ws, pi));
            let verdict = match why_not {
                Some(reason) => Err(reason),
                None => detect_bin(inputs, pi, t),
            };
            match verdict {
                Ok(s) => out.found.push(s),
                Err(reason) => out.not.push(NotService {
                    bin: t.name.clone(),
                    package: p.name.clone(),
                    reason,
                }),
            }
        }
    }
    out
}

fn detect_bin(inputs: &Inputs, pi: usize, bin: &Target) -> Result<DetectedService, String> {
    let ws = inputs.ws;
    let packages = ws.closure(pi);
    let declared: Vec<usize> = (0..FRAMEWORKS.len())
        .filter(|&f| {
            packages
                .iter()
                .any(|&q| ws.packages[q].depends_on(FRAMEWORKS[f].krate))
        })
        .collect();
    let own = modtree::reach(ws, inputs.summaries, &bin.src_path);
    let own_set: HashSet<usize> = own.iter().copied().collect();
    let mut libs: BTreeSet<usize> = BTreeSet::new();
    for &q in &packages {
        for t in ws.packages[q].targets.iter().filter(|t| t.is_lib()) {
            libs.extend(modtree::reach(ws, inputs.summaries, &t.src_path));
        }
    }
    libs.retain(|i| !own_set.contains(i));
    let mut starts = starts_in(inputs, &own, &declared);
    let lib_starts = starts_in(inputs, &libs.iter().copied().collect::<Vec<_>>(), &declared);
    if starts.is_empty() && lib_starts.is_empty() {
        let all: Vec<usize> = own.iter().chain(&libs).copied().collect();
        if let Some(helper) = ephemeral_start(inputs, &all) {
            return Err(helper);
        }
        return Err(why_not(inputs, &declared, &lib_starts));
    }
    let reach = lib_reach(inputs, &own, &libs);
    // A library's start outside every fn is a value built in a static's initializer (chorus's
    // `lazy_static!` holds the `http1::Builder` its accept loop serves connections with): it
    // serves nothing by itself, or every bin that names the static would be a server
    // (forty-seventh held-out set: six admin commands of chorus). It still tells what a bin
    // that serves by another start speaks (chorus's accept loop serves HTTP).
    let (in_statics, in_fns): (Vec<_>, Vec<_>) = lib_starts
        .iter()
        .filter(|(i, s)| {
            let file = inputs.ws.files.get(*i).map_or("", |f| f.path.as_str());
            s.func.is_empty() || reach.called.holds(file, &s.func)
        })
        .cloned()
        .partition(|(_, s)| s.func.is_empty());
    starts.extend(in_fns);
    if !starts.is_empty() {
        starts.extend(in_statics);
    }
    merge_accept_loops(&mut starts);
    if starts.is_empty() {
        return Err(why_not(inputs, &declared, &lib_starts));
    }
    let started_with: Vec<usize> = starts
        .iter()
        .filter_map(|(_, s)| s.framework)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut files: Vec<usize> = own.iter().copied().chain(libs.iter().copied()).collect();
    files.sort_unstable();
    let routes = routes_of(inputs, &files);
    let purposes = purposes_of(inputs, &starts, &files, &routes);
    let mut frameworks: Vec<&'static str> = declared.iter().map(|&f| FRAMEWORKS[f].krate).collect();
    if starts.iter().any(|(_, s)| s.framework.is_none()) {
        frameworks.push(ACCEPT_LOOP);
    }
    Ok(DetectedService {
        package: pi,
        bin: bin.name.clone(),
        file: bin.src_path.clone(),
        packages,
        files,
        frameworks,
        started_with,
        purposes,
        starts,
        own,
        lib_fns: reach.named,
    })
}

/// An accept loop in a file that also starts an HTTP or gRPC server is that server's (hyper
/// 1.x serves each accepted connection with `serve_connection`): not a protocol of its own. A
/// metrics exporter's own listener beside it serves none of its connections (rumqttd's broker).
fn merge_accept_loops(starts: &mut Vec<(usize, StartFact)>) {
    let serves_connections = |f: usize| {
        FRAMEWORKS
            .get(f)
            .is_some_and(|fw| fw.protocol != Purpose::HttpMetrics)
    };
    let served: HashSet<usize> = starts
        .iter()
        .filter(|(_, s)| s.framework.is_some_and(serves_connections))
        .map(|(i, _)| *i)
        .collect();
    starts.retain(|(i, s)| s.framework.is_some() || !served.contains(i));
}

/// Route paths registered in code: `.route("/x", ..)`-style calls, `#[get("/x")]`-style
/// attributes, `resource("/x")`, warp's `path!("x")` and `warp::path("x")`, hand-written
/// `"/x" =>` and `("/x", _) =>` match arms and `== "/x"` comparisons (segment dispatchers:
/// [`segment_routes`]).
static ROUTE_LITERAL: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"\.(?:route|nest|at|resource|scope|service|get|post|put|patch|delete|mount|path|to)\(\s*"(/[^"\s]*)""#,
        r#"|#\[\s*(?:\w+::)*(?:get|post|put|patch|delete|head|route|path)\s*\(\s*"(/?[^"\s]*)""#,
        r#"|\b(?:resource|scope|route|path!)\(\s*"(/?[^"\s]*)""#,
        r#"|"(/[^"\s]*)"\s*(?:\)\s*)?=>|==\s*"(/[^"\s]*)""#,
        r#"|\bwarp::path\(\s*"(/?[^"\s]*)""#,
        r#"|\(\s*"(/[^"\s]*)"\s*,[^()=]*\)\s*=>"#,
        // dropshot: `#[endpoint { method = GET, path = "/v0/ping" }]`
        r#"|#\[\s*(?:\w+::)*endpoint\s*\{[^}]*?\bpath\s*=\s*"(/[^"\s]*)""#,
    ))
    .ok()
});

/// A dispatcher matching a request path's next segment (`match path.next() {`), and its
/// `Some("segment") =>` arms: routes too, in a file that has such a match.
static SEGMENT_MATCH: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\bmatch\s+[\w.()]*(?:\bpath|segments?)(?:\(\))?\.next\(\)\s*\{").ok()
});
static SEGMENT_ARM: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\bSome\(\s*"([A-Za-z0-9_.\-]+)"\s*\)\s*=>"#).ok());

/// The route segments of a file's hand-written segment dispatcher, if it has one.
fn segment_routes(text: &str) -> Vec<&str> {
    let (Some(m), Some(arm)) = (SEGMENT_MATCH.as_ref(), SEGMENT_ARM.as_ref()) else {
        return Vec::new();
    };
    if !m.is_match(text) {
        return Vec::new();
    }
    arm.captures_iter(text)
        .filter_map(|c| c.get(1).map(|g| g.as_str()))
        .collect()
}

/// Does the code serve metrics and register no other route (a Prometheus exporter, the
/// metrics side port of a DNS server)? And does it register a route of its own (not metrics)?
/// A server with no route literal at all and no metrics (a file server routing by hand) does
/// neither.
fn routes_of(inputs: &Inputs, files: &[usize]) -> Routes {
    let mut r = Routes {
        metrics_only: false,
        own_route: false,
        operations_only: true,
    };
    let Some(re) = ROUTE_LITERAL.as_ref() else {
        return r;
    };
    let (mut metrics, mut health) = (false, false);
    let consts = str_consts(inputs, files);
    for text in files.iter().filter_map(|i| inputs.texts.get(*i)) {
        let mut writes_at_root = false;
        let literals = re.captures_iter(&text).map(|caps| {
            let route = caps.iter().skip(1).flatten().next();
            writes_at_root |= route.is_some_and(|m| {
                is_root_route(m.as_str()) && takes_writes(text.get(m.end()..).unwrap_or(""))
            });
            route.map_or("", |m| m.as_str())
        });
        let named = const_routes(&text, &consts);
        let named = named.iter().map(String::as_str);
        for route in literals.chain(segment_routes(&text)).chain(named) {
            if is_grpc_method(route) {
                continue;
            }
            if is_metrics_route(route) {
                metrics = true;
            } else {
                r.own_route = true;
                r.operations_only &= is_operations_route(route);
                health |= is_operations_route(route) && !is_root_route(route);
            }
        }
        metrics =
            metrics || names_in_code(&text, "prometheus") || names_in_code(&text, "openmetrics");
        // A root route that takes a body is an API (a JSON-RPC endpoint), no landing page.
        r.operations_only &= !writes_at_root;
    }
    r.metrics_only = metrics && !r.own_route;
    // Health checks alone make an operations port too (firezone's relay and gateway answer
    // `/healthz` beside their UDP traffic; twenty-fifth held-out set).
    r.operations_only &= metrics || health;
    r
}

/// A route registered under a constant (`.route(HEALTH_ROUTE, ..)`, `web::resource(EP)`,
/// `.nest(API_PREFIX, ..)`), the constant's name as written (a path's last segment kept).
static ROUTE_CONST: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\.(?:route|nest)\(\s*(?:\w+::)*([A-Z][A-Z0-9_]+)\s*,",
        r"|\b(?:resource|scope)\(\s*(?:\w+::)*([A-Z][A-Z0-9_]+)\s*\)",
    ))
    .ok()
});

/// `const NAME: &str = "..";` (or `&'static str`, or a `static`).
static STR_CONST: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"\b(?:const|static)\s+([A-Z][A-Z0-9_]+)\s*:\s*&(?:'static\s+)?str\s*=\s*"([^"\s]*)""#,
    )
    .ok()
});

/// The string constants of a service's files, by name (the first definition wins).
fn str_consts(inputs: &Inputs, files: &[usize]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Some(re) = STR_CONST.as_ref() else {
        return out;
    };
    for text in files.iter().filter_map(|i| inputs.texts.get(*i)) {
        for c in re.captures_iter(&text) {
            if let (Some(name), Some(value)) = (c.get(1), c.get(2)) {
                (out.entry(name.as_str().to_string()))
                    .or_insert_with(|| value.as_str().to_string());
            }
        }
    }
    out
}

/// The paths of the routes a file registers under constants: the constant's value when a
/// file of the service defines it, else a stand-in its name suggests (`METRICS_PATH` a
/// metrics route, `HEALTH_CHECK_ROUTE` a health route, any other name a route of its own).
/// brupop's API server registers all its routes so, with a literal only for `/metrics`
/// (thirty-first held-out set).
fn const_routes(text: &str, consts: &HashMap<String, String>) -> Vec<String> {
    let Some(re) = ROUTE_CONST.as_ref() else {
        return Vec::new();
    };
    re.captures_iter(text)
        .filter_map(|c| c.iter().skip(1).flatten().next())
        // `.route(Method::GET, "/x", h)` names a method, not a path
        .filter(|name| !HTTP_METHODS.contains(&name.as_str()))
        .map(|name| match consts.get(name.as_str()) {
            Some(value) => value.clone(),
            None => stand_in_route(name.as_str()).to_string(),
        })
        .collect()
}

/// HTTP method constants (`Method::GET`), which a route call may take before its path.
const HTTP_METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE",
];

/// A route path standing for a constant of unknown value, by the constant's name.
fn stand_in_route(name: &str) -> &'static str {
    let has = |w: &str| name.contains(w);
    if has("METRIC") {
        "/metrics"
    } else if ["HEALTH", "LIVE", "READY", "PING"].into_iter().any(has) {
        "/health"
    } else {
        "/{const}"
    }
}

/// The root of a site (`/`, `/index.html`): an operations port's landing page, or an app's.
/// Does the route registration that `rest` continues (after its path literal, up to the
/// parenthesis that closes the call) answer a method that carries a body: `.route("/",
/// post(json_rpc_request).get(cannot_get))` (floresta's JSON-RPC server, thirty-ninth held-out
/// set)?
fn takes_writes(rest: &str) -> bool {
    let mut depth = 1usize;
    let end = rest
        .char_indices()
        .take(400)
        .find(|&(_, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth == 0
        })
        .map_or(0, |(i, _)| i);
    let call = rest.get(..end).unwrap_or("");
    call.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| crate::rust::engine::WRITE_VERBS.contains(&word))
}

fn is_root_route(route: &str) -> bool {
    matches!(
        route.trim_end_matches('/').rsplit('/').next().unwrap_or(""),
        "" | "index.html"
    )
}

/// Does `word` occur in the text outside `//` comments (a link to a Prometheus page in a
/// comment exports no metrics: bencher's OpenTelemetry provider)? A line's first occurrence
/// decides it (a comment runs to the end of its line); `://` in a URL starts none.
fn names_in_code(text: &str, word: &str) -> bool {
    text.lines().any(|line| {
        line.find(word).is_some_and(|at| {
            let before = line.get(..at).unwrap_or("");
            !before
                .match_indices("//")
                .any(|(i, _)| !before.get(..i).is_some_and(|b| b.ends_with(':')))
        })
    })
}

/// A gRPC method's path (`"/v1beta1.DevicePlugin/Allocate" =>` in tonic's generated server
/// code): the gRPC server's, not an HTTP route (akri's agent serves only metrics over HTTP;
/// eighteenth held-out set).
fn is_grpc_method(route: &str) -> bool {
    let mut parts = route.trim_start_matches('/').split('/');
    let (Some(service), Some(method), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let service_name = service.rsplit('.').next().unwrap_or(service);
    let capitalized = |s: &str| s.starts_with(|c: char| c.is_ascii_uppercase());
    service.contains('.')
        && capitalized(service_name)
        && capitalized(method)
        && route
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_'))
}

fn is_metrics_route(route: &str) -> bool {
    let last = route.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    last == "metrics" || last.contains("prometheus")
}

/// A route an operations port serves beside metrics: the root, liveness and readiness.
fn is_operations_route(route: &str) -> bool {
    // `/_readiness`, `/_liveness` (PostHog's capture)
    let last = route.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let last = last.strip_prefix('_').unwrap_or(last);
    matches!(
        last,
        "" | "index.html"
            | "health"
            | "healthz"
            | "ready"
            | "readyz"
            | "readiness"
            | "live"
            | "livez"
            | "liveness"
            | "alive"
            | "ping"
    )
}

/// Server starts in production code of these files, with a framework the closure declares (an
/// accept loop needs none), helpers on an ephemeral loopback port left out; in file order.
fn starts_in(inputs: &Inputs, files: &[usize], declared: &[usize]) -> Vec<(usize, StartFact)> {
    let mut out = Vec::new();
    for &i in files {
        let Some(summary) = inputs.summaries.get(i).copied().flatten() else {
            continue;
        };
        for s in &summary.starts {
            let mut s = s.clone();
            // A dependency's serve fn starts the server of the framework the closure declares.
            if s.helper {
                let Some(&first) = declared.first() else {
                    continue;
                };
                s.framework = Some(first);
            }
            let known = s.framework.is_none_or(|f| declared.contains(&f));
            let through = s
                .reexport
                .as_ref()
                .is_none_or(|via| reexports_framework(inputs, i, via));
            if known && through && !s.ephemeral && is_production(inputs, i, s.line) {
                out.push((i, s));
            }
        }
    }
    out.sort_by_key(|(i, s)| (*i, s.line));
    out
}

/// Does module `via.0` (`service_api::webapp`, or `crate::webapp` in the caller's crate) of a
/// workspace crate glob re-export the framework crate `via.1` (`pub use actix_web::*;`), or
/// import the item `via.2` from it (delicate's prelude: `pub(crate) use poem::{.., Server};`)?
fn reexports_framework(inputs: &Inputs, caller: usize, via: &crate::rust::Reexport) -> bool {
    let (path, krate, item) = via;
    let Some((first, rest)) = path.split_first() else {
        return false;
    };
    let modules = &inputs.class.modules;
    let own = modules.get(caller).cloned().flatten();
    let lib_named = |fm: &modtree::FileModule| {
        let target = inputs
            .ws
            .packages
            .get(fm.package)
            .and_then(|p| p.targets.get(fm.target));
        target.is_some_and(|t| t.is_lib() && t.name.replace('-', "_") == *first)
    };
    let same_crate = |fm: &modtree::FileModule| {
        own.as_ref()
            .is_some_and(|o| (o.package, o.target) == (fm.package, fm.target))
    };
    // `crate::m`, a library's `lib::m`, or a module `m` below the caller's (`use prelude::*;`
    // in a crate root).
    let relative: Vec<String> = own
        .as_ref()
        .map(|o| o.path.iter().chain(path.iter()).cloned().collect())
        .unwrap_or_default();
    let names = |fm: &modtree::FileModule| match first.as_str() {
        "crate" => same_crate(fm) && fm.path == rest,
        _ => (lib_named(fm) && fm.path == rest) || (same_crate(fm) && fm.path == relative),
    };
    let imports = |f: &crate::rust::Facts| {
        f.globs.iter().any(|g| g.len() == 1 && g[0] == *krate)
            || f.aliases
                .iter()
                .any(|(name, p)| name == item && p.first() == Some(krate))
    };
    modules.iter().enumerate().any(|(j, fm)| {
        let facts = inputs.summaries.get(j).copied().flatten().map(|s| &s.facts);
        fm.as_ref().is_some_and(names) && facts.is_some_and(imports)
    })
}

/// Why a bin whose only server is a loopback helper (an ephemeral port, or one request) is no
/// service.
fn ephemeral_start(inputs: &Inputs, files: &[usize]) -> Option<String> {
    files.iter().find_map(|&i| {
        let summary = inputs.summaries.get(i).copied().flatten()?;
        let s = summary
            .starts
            .iter()
            .find(|s| s.ephemeral && is_production(inputs, i, s.line))?;
        let file = inputs.ws.files.get(i).map_or("", |f| f.path.as_str());
        Some(format!(
            "its only server, {} ({file}:{}), listens on loopback for the process itself (an \
             ephemeral port, or until its first good request): a helper of the process, not a \
             service",
            s.what, s.line
        ))
    })
}

/// Is line `line` of file `i` production code?
pub fn is_production(inputs: &Inputs, i: usize, line: u32) -> bool {
    let summary = inputs.summaries.get(i).copied().flatten();
    kind_at(inputs.ws, inputs.class, summary, i, line) == CodeKind::Production
}

/// The library fns a bin reaches by name ([`FnIndex`]): called, and called or named as values.
struct LibReach {
    called: crate::rust::reach::ReachedFns,
    named: HashSet<String>,
}

fn lib_reach(inputs: &Inputs, own: &[usize], libs: &BTreeSet<usize>) -> LibReach {
    if libs.is_empty() {
        return LibReach {
            called: Default::default(),
            named: HashSet::new(),
        };
    }
    let index = FnIndex::new(libs.iter().filter_map(|i| {
        let path = inputs.ws.files.get(*i)?.path.as_str();
        Some((path, inputs.texts.get(*i)?))
    }))
    .with_own_modules(
        own.iter()
            .filter_map(|i| inputs.class.modules.get(*i)?.as_ref())
            .flat_map(|m| m.path.iter().cloned()),
    );
    let mut mentions = Mentions::default();
    for t in own.iter().filter_map(|i| inputs.texts.get(*i)) {
        mentions.merge(&mentioned(&t));
    }
    LibReach {
        called: index.reached_fns(mentions.clone()),
        named: index.reached_or_named(mentions),
    }
}

/// Why a bin with no reachable server start is not a service.
fn why_not(inputs: &Inputs, declared: &[usize], lib_starts: &[(usize, StartFact)]) -> String {
    if let Some((i, s)) = lib_starts.first() {
        let file = inputs.ws.files.get(*i).map_or("", |f| f.path.as_str());
        return format!(
            "it does not reach `{}` ({file}:{}), where a library it depends on starts a server",
            s.func, s.line
        );
    }
    if declared.is_empty() {
        return "its code depends on no server framework and runs no accept loop".into();
    }
    let names: Vec<&str> = declared.iter().map(|&f| FRAMEWORKS[f].krate).collect();
    format!(
        "it depends on `{}` but its code starts no server",
        names.join("`, `")
    )
}

/// `a, b or c`.
pub fn names(purposes: &[Purpose]) -> String {
    let names: Vec<&str> = purposes.iter().map(|p| p.as_str()).collect();
    match names.split_last() {
        Some((last, [])) => (*last).to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{HashMap, const_routes, names_in_code};

    #[test]
    fn a_word_counts_in_code_and_strings_not_in_comments() {
        assert!(names_in_code(
            "let r = prometheus::Registry::new();",
            "prometheus"
        ));
        assert!(names_in_code(
            "let url = \"http://prometheus:9090\";",
            "prometheus"
        ));
        assert!(!names_in_code(
            "// see https://prometheus.io/docs\n/// prometheus",
            "prometheus"
        ));
        assert!(names_in_code(
            "// prometheus\nuse prometheus::Encoder;",
            "prometheus"
        ));
    }

    #[test]
    fn route_constants_stand_for_their_values_or_their_names() {
        let consts = HashMap::from([("EP".to_string(), "/items".to_string())]);
        let text = ".route(EP, h).route(METRICS_PATH, m).route(Method::GET, \"/x\", h)\n\
                    .service(web::resource(models::HEALTH_ROUTE)).nest(API, r)";
        assert_eq!(
            const_routes(text, &consts),
            ["/items", "/metrics", "/health", "/{const}"]
        );
    }
}
