//! `presence` checks, decided once every file is summarized. A service check (`[applies]
//! services`) is decided per service over the production code of the service's closure; it is
//! satisfied by a fact there, or by the default of the framework the service starts its server
//! with (unless a `defaults_off` call turns it off); else one finding at the bin's root file.
//! Any other presence check is decided per package over the package's production code, with
//! one finding at the package's main/lib file when absent.

use super::services::{DetectedService, Inputs, Services, is_production};
use crate::kinds::presence::{DeployProbe, PresenceMatcher};
use crate::kinds::service::FRAMEWORKS;
use crate::kinds::{Check, Hit, Matcher};
use crate::model::{Evidence, Region};
use crate::workspace::{Workspace, crate_eq};

/// A service check's verdict for one service.
#[derive(Debug, Clone)]
pub struct ServiceVerdict {
    /// Index into `Services::found`.
    pub service: usize,
    /// Index into the checks.
    pub check: usize,
    /// Why it passes; None when it fails or is skipped.
    pub evidence: Option<Evidence>,
    /// Why it does not apply to this service (none of its purposes is the check's).
    pub skipped: Option<String>,
}

impl ServiceVerdict {
    /// The verdict of a check that does not apply to the service.
    pub fn skipped(service: usize, check: usize, why: String) -> ServiceVerdict {
        ServiceVerdict {
            service,
            check,
            evidence: None,
            skipped: Some(why),
        }
    }
}

/// Findings of absent things, and the verdicts of service checks.
pub fn presence_hits(
    checks: &[Check],
    inputs: &Inputs,
    applicable: &[bool],
    services: &Services,
) -> (Vec<Hit>, Vec<ServiceVerdict>) {
    let mut hits = Vec::new();
    let mut verdicts = Vec::new();
    for (idx, check) in checks.iter().enumerate() {
        let Matcher::Presence(m) = &check.matcher else {
            continue;
        };
        if !applicable.get(idx).copied().unwrap_or(false) {
            continue;
        }
        if !check.applies.is_service() {
            hits.extend(package_hits(idx, check, m, inputs));
            continue;
        }
        for (si, s) in services.found.iter().enumerate() {
            if let Err(why) = s.applies(check) {
                verdicts.push(ServiceVerdict::skipped(si, idx, why));
                continue;
            }
            let evidence = service_evidence(idx, check, inputs, s);
            if evidence.is_none() {
                hits.push(service_hit(idx, check, m, inputs.ws, s));
            }
            verdicts.push(ServiceVerdict {
                service: si,
                check: idx,
                evidence,
                skipped: None,
            });
        }
    }
    (hits, verdicts)
}

/// The route of a route fact (`route `/api/health``), None for any other fact.
fn fact_route(what: &str) -> Option<&str> {
    what.strip_prefix("route `")
        .and_then(|r| r.split('`').next())
}

/// How plainly a fact's route says what the check looks for: the position in the check's
/// `routes` of the first route it ends with (`/health` is listed before `/status`, so a
/// `/healthcheck` route is better evidence than a resource's `/library/status`; tuliprox,
/// thirty-fifth held-out set). A fact that is no route ranks first.
fn route_rank(m: &PresenceMatcher, what: &str) -> usize {
    let Some(route) = fact_route(what) else {
        return 0;
    };
    (m.routes.iter())
        .position(|r| route.ends_with(r.as_str()))
        .unwrap_or(m.routes.len())
}

/// The fact for check `idx` in the service's production code that names it most plainly
/// ([`route_rank`]; the first in file order among equals), else the default of the
/// framework it serves with. Only files in the check's path scope give evidence: a check
/// excludes an exporter's or connector's code, whose limits are a client's.
fn service_evidence(
    idx: usize,
    check: &Check,
    inputs: &Inputs,
    s: &DetectedService,
) -> Option<Evidence> {
    let Matcher::Presence(m) = &check.matcher else {
        return None;
    };
    let files: Vec<usize> = s
        .files
        .iter()
        .copied()
        .filter(|&i| {
            inputs
                .ws
                .files
                .get(i)
                .is_some_and(|f| check.scope.includes(&f.path))
        })
        .collect();
    let facts = files.iter().flat_map(|&i| {
        inputs
            .summaries
            .get(i)
            .copied()
            .flatten()
            .into_iter()
            .flat_map(|sum| &sum.presence)
            .filter(move |f| f.check == idx && is_production(inputs, i, f.line))
            .filter(move |f| runs(s, i, &f.func))
            .map(move |f| (i, f))
    });
    let mut negated = false;
    let mut gated = None;
    let mut best: Option<(usize, Evidence)> = None;
    for (i, f) in facts {
        if f.negates {
            negated = true;
            continue;
        }
        if let Probed::OtherService = probed(m, inputs.ws, s, &f.what) {
            continue;
        }
        let evidence = Evidence {
            file: inputs.ws.files[i].path.clone(),
            line: f.line,
            what: f.what.clone(),
        };
        if built_by_default(inputs, i, &f.features) {
            let rank = route_rank(m, &f.what);
            if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                best = Some((rank, evidence));
            }
            continue;
        }
        gated.get_or_insert_with(|| only_with(evidence, &f.features));
    }
    if let Some((_, evidence)) = best {
        return Some(with_probe(m, inputs.ws, s, evidence));
    }
    if negated {
        return None;
    }
    if gated.is_some() {
        return gated;
    }
    if let Some(e) = super::forms::text_evidence(m, inputs, s, &files) {
        return Some(e);
    }
    if let Some(e) = config_key_evidence(m, inputs, s) {
        return Some(e);
    }
    let by_default = s.started_with.iter().find(|&&fw| {
        let krate = FRAMEWORKS[fw].krate;
        m.framework_defaults
            .iter()
            .any(|d| crate_eq(&d.krate, krate) && declared_with_default(inputs, s, d, krate))
    })?;
    let (i, start) = s
        .starts
        .iter()
        .find(|(_, st)| st.framework == Some(*by_default))?;
    Some(Evidence {
        file: inputs.ws.files[*i].path.clone(),
        line: start.line,
        what: format!("{} default ({})", FRAMEWORKS[*by_default].krate, start.what),
    })
}

/// How a fact stands with the deployment probes.
enum Probed<'m> {
    /// It is no route that only a probe makes evidence.
    NotByProbe,
    /// A probe of this service checks the route.
    By(&'m DeployProbe),
    /// Only probes of other services of the workspace check it (the Compose healthcheck of
    /// `web` curls `/`, which is no health route of `api`).
    OtherService,
}

fn probed<'m>(
    m: &'m PresenceMatcher,
    ws: &Workspace,
    s: &DetectedService,
    what: &str,
) -> Probed<'m> {
    let Some(route) = fact_route(what) else {
        return Probed::NotByProbe;
    };
    if m.probes.is_empty() || route_rank(m, what) < m.routes.len() {
        return Probed::NotByProbe;
    }
    let full = crate::kinds::presence::normalize_route(route);
    let package = ws.packages.get(s.package).map_or("", |p| p.name.as_str());
    let mut at = m.probes.iter().filter(|p| p.path == full).peekable();
    if at.peek().is_none() {
        return Probed::NotByProbe;
    }
    at.find(|p| p.probes(&s.bin, package))
        .map_or(Probed::OtherService, Probed::By)
}

/// A route's evidence names the deployment file that probes it, when only a probe makes it
/// evidence.
fn with_probe(m: &PresenceMatcher, ws: &Workspace, s: &DetectedService, e: Evidence) -> Evidence {
    match probed(m, ws, s, &e.what) {
        Probed::By(p) => Evidence {
            what: format!("{} (the deployment's probe: {})", e.what, p.origin),
            ..e
        },
        _ => e,
    }
}

/// A key of a framework's configuration file that the service's framework reads (Rocket's
/// `limits` in `Rocket.toml`: konarr's `limits = { json = "10MiB" }`, forty-first held-out
/// set), in a profile table or at the top level, in the file beside the service's package or
/// in a directory above it inside the workspace.
fn config_key_evidence(
    m: &crate::kinds::presence::PresenceMatcher,
    inputs: &Inputs,
    s: &DetectedService,
) -> Option<Evidence> {
    let dir = inputs.ws.packages.get(s.package)?.dir.clone();
    m.config_keys
        .iter()
        .filter(|ck| {
            s.started_with
                .iter()
                .any(|&fw| crate_eq(FRAMEWORKS[fw].krate, &ck.framework))
        })
        .find_map(|ck| {
            let mut at = Some(dir.as_str());
            while let Some(d) = at {
                let rel = match d {
                    "" => ck.file.clone(),
                    d => format!("{d}/{}", ck.file),
                };
                if let Some(line) = config_key_line(inputs, &rel, &ck.key) {
                    return Some(Evidence {
                        file: rel,
                        line,
                        what: format!("`{}` set in `{}`", ck.key, ck.file),
                    });
                }
                at = (!d.is_empty()).then(|| d.rsplit_once('/').map_or("", |(up, _)| up));
            }
            None
        })
}

/// The line of `key` in the TOML file at workspace-relative `rel`, when it is set at the top
/// level or in a top-level table (a profile); None when the file is missing, outside the
/// workspace, unreadable, not TOML, or does not set it.
fn config_key_line(inputs: &Inputs, rel: &str, key: &str) -> Option<u32> {
    let root = &inputs.ws.root;
    let path = crate::guard::contained(root, root, rel).ok()?;
    let text = crate::guard::read_regular_text(&path, crate::guard::MAX_CONFIG_BYTES).ok()?;
    let table: toml::Table = text.parse().ok()?;
    let set = table.contains_key(key)
        || table
            .values()
            .any(|v| v.as_table().is_some_and(|t| t.contains_key(key)));
    if !set {
        return None;
    }
    let dotted = format!(".{key}]");
    let line = text.lines().position(|l| {
        let l = l.trim_start();
        l.strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
            || l.contains(&dotted)
    });
    Some(line.map_or(1, |i| i as u32 + 1))
}

/// Does a package of the service declare the framework at a version that has the default
/// (every version when the default names none)?
fn declared_with_default(
    inputs: &Inputs,
    s: &DetectedService,
    d: &crate::kinds::presence::FrameworkDefault,
    krate: &str,
) -> bool {
    let mut reqs = s
        .packages
        .iter()
        .filter_map(|&p| inputs.ws.packages.get(p))
        .flat_map(|p| &p.dependencies)
        .filter(|dep| crate_eq(&dep.name, krate))
        .map(|dep| dep.req.as_str())
        .peekable();
    reqs.peek().is_none() || reqs.any(|r| d.applies_to(r))
}

/// Can the service run the code of fn `func` in file `i`: its own module tree, code outside
/// any fn, or a library fn it reaches?
fn runs(s: &DetectedService, i: usize, func: &str) -> bool {
    func.is_empty() || s.own.contains(&i) || s.lib_fns.contains(func)
}

fn service_hit(
    idx: usize,
    check: &Check,
    m: &PresenceMatcher,
    ws: &Workspace,
    s: &DetectedService,
) -> Hit {
    let package = &ws.packages[s.package].name;
    let default = format!("service `{}` has none of: {}", s.bin, wanted(m));
    Hit {
        check: idx,
        file: s.file.clone(),
        region: Region::file_start(),
        message: check.message(default, &[("service", &s.bin), ("package", package)]),
        related: Vec::new(),
        role: None,
        severity: None,
    }
}

/// A presence check that is not a service check: per package, over its production code.
fn package_hits(idx: usize, check: &Check, m: &PresenceMatcher, inputs: &Inputs) -> Vec<Hit> {
    let ws = inputs.ws;
    let mut hits = Vec::new();
    for (pi, p) in ws.packages.iter().enumerate() {
        if !p.meets(&check.applies) {
            continue;
        }
        let found = ws.files.iter().enumerate().any(|(i, f)| {
            f.package == Some(pi)
                && inputs.summaries.get(i).copied().flatten().is_some_and(|s| {
                    s.presence.iter().any(|fact| {
                        fact.check == idx && !fact.negates && is_production(inputs, i, fact.line)
                    })
                })
        });
        if found {
            continue;
        }
        let default = format!("package `{}` has none of: {}", p.name, wanted(m));
        hits.push(Hit {
            check: idx,
            file: p.anchor_file().to_string(),
            region: Region::file_start(),
            message: check.message(default, &[("package", &p.name)]),
            related: Vec::new(),
            role: None,
            severity: None,
        });
    }
    hits
}

/// Does a build with the workspace's features compile code of file `i` that needs `features`?
/// Evidence that only a non-default build has (openobserve's rate limiter, `#[cfg(feature =
/// "enterprise")]`; kuksa's OTLP metrics, `otel`) is taken only when no other is found, and says
/// so: labellers split on whether an opt-in feature's code counts.
fn built_by_default(inputs: &Inputs, i: usize, features: &[String]) -> bool {
    let package = inputs.ws.files.get(i).and_then(|f| f.package);
    let on = package
        .and_then(|p| inputs.ws.packages.get(p))
        .map(|p| &p.features_on);
    features.is_empty() || on.is_some_and(|on| features.iter().all(|f| on.contains(f)))
}

/// Evidence that only a build with `features` compiles, saying so.
fn only_with(e: Evidence, features: &[String]) -> Evidence {
    let what = format!(
        "{} (only with feature `{}`, off by default)",
        e.what,
        features.join("`, `")
    );
    Evidence { what, ..e }
}

/// What the check looks for, for the default message.
fn wanted(m: &PresenceMatcher) -> String {
    let what: Vec<String> = m
        .routes
        .iter()
        .map(|r| format!("route `{r}`"))
        .chain(m.functions.iter().map(|f| format!("`{}`", f.display())))
        .chain(m.methods.iter().map(|x| format!("`.{}()`", x.display())))
        .chain(m.macros.iter().map(|x| format!("`{x}!`")))
        .collect();
    what.join(", ")
}
