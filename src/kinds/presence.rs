//! Kind `presence`: something must exist in a package's production code — a route path (given
//! to `.route(..)`, `.nest(..)`, a `#[get("/…")]`-style attribute, warp's `path!`), or a call of
//! a listed function, method or macro. When absent: one finding per applicable package at its
//! main/lib file, line 1; for a service check (`[applies] services`), one per service at its
//! bin's root file, searching the service's whole closure, where a server framework that does
//! the thing by default (`framework_defaults`, unless a `defaults_off` method is called) counts.
//! Facts are collected in [`crate::rust`].

use serde::Deserialize;

use super::call::{MethodPattern, PathPattern, method_patterns, patterns};
use super::child;
use crate::diag::{ConfigError, KeySeg, Source};

/// `[match]` of a `presence` check.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct PresenceSpec {
    /// Route paths; a route whose full path ends with one of these (segment-wise) counts.
    #[serde(default)]
    pub routes: Vec<String>,
    /// Resolved function path patterns.
    #[serde(default)]
    pub functions: Vec<String>,
    /// Method names, or `a::b().name` (the method on a chain that starts at a call of `a::b`).
    #[serde(default)]
    pub methods: Vec<String>,
    /// Macro names.
    #[serde(default)]
    pub macros: Vec<String>,
    /// Service checks: server frameworks (crate names) that do this by default; a service
    /// started with one passes, with the server start as evidence. `"rocket >=0.5"`: only when
    /// the declared version requirement starts at 0.5 or later.
    #[serde(default)]
    pub framework_defaults: Vec<String>,
    /// Methods that turn the framework default off (`disable_signals`).
    #[serde(default)]
    pub defaults_off: Vec<String>,
    /// Service checks: a string literal that starts with one of these counts (`"# TYPE "`:
    /// the Prometheus text format written by hand).
    #[serde(default)]
    pub literals: Vec<String>,
    /// Service checks: methods that count only in a file where the service starts a server
    /// (server settings whose names clients share, tonic's `max_decoding_message_size`); an
    /// argument of `usize::MAX` lifts a limit and does not count.
    #[serde(default)]
    pub server_methods: Vec<String>,
    /// Service checks: struct fields that count when set (`name: value`) in a file where the
    /// service starts a server (dropshot's `ConfigDropshot { default_request_body_max_bytes: ..
    /// }`).
    #[serde(default)]
    pub server_fields: Vec<String>,
    /// Service checks: code forms, recognized by shape, that count.
    #[serde(default)]
    pub forms: Vec<Form>,
    /// Service checks: a key set in a framework's configuration file counts for a service
    /// started with that framework (Rocket reads `limits` from `Rocket.toml`).
    #[serde(default)]
    pub config_keys: Vec<ConfigKey>,
    /// Service checks: a route at a path the workspace's own deployment files probe (a
    /// Dockerfile `HEALTHCHECK`, a Compose healthcheck, a Kubernetes probe, a fly.io check)
    /// counts, whatever its name.
    #[serde(default)]
    pub deploy_probes: bool,
}

/// A path a deployment file of the workspace probes (`GET /api` by a fly.io check).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeployProbe {
    /// The probed path, normalized (see [`normalize_route`]).
    pub path: String,
    /// Where and how: `fly.toml:12, fly.io check`.
    pub origin: String,
    /// The workspace's package and bin names (lower case, `-` for `_`) the probe is for (a
    /// Compose service's, a container's, the package whose directory holds the file); empty
    /// when it names none of them: then it is taken for any service.
    pub targets: Vec<String>,
}

/// A package, bin or image name as [`DeployProbe::targets`] holds it: lower case, `-` for `_`.
pub fn normalized_name(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

impl DeployProbe {
    /// Does the probe check the service of bin `bin` in package `package`?
    pub fn probes(&self, bin: &str, package: &str) -> bool {
        let (bin, package) = (normalized_name(bin), normalized_name(package));
        self.targets.is_empty() || self.targets.iter().any(|t| *t == bin || *t == package)
    }
}

/// A key of a framework's configuration file (TOML), looked for in each profile table and at
/// the top level, in the service's package directory and the directories above it up to the
/// workspace root.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfigKey {
    /// The framework crate (`rocket`).
    pub framework: String,
    /// The file name (`Rocket.toml`).
    pub file: String,
    /// The key (`limits`).
    pub key: String,
}

/// A code form a service check recognizes by its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// A size summed over the chunks of a streamed body and compared with a maximum
    /// (`size += chunk.len(); if size > max { return Err(..) }` in a `while let Some(chunk)`
    /// loop): a body limit written by hand.
    StreamedSizeLimit,
    /// `http_body_util::Limited::new(body, max)` around a body taken from the request (`req`
    /// named before it), not around a client's response.
    LimitedRequestBody,
    /// A constant named for a body's maximum (`MAX_SPARQL_BODY_SIZE`, `BODY_LIMIT`; not a
    /// response's) that the code compares a length with or reads up to (`len > MAX_..`,
    /// `.take(MAX_..)`): a body limit written by hand.
    BodySizeConstant,
    /// The project's own middleware fn named for a timeout, given to a framework's
    /// `from_fn` / `wrap_fn` (`.wrap(from_fn(middleware::timeout_15secs))`): a request timeout
    /// written by hand.
    TimeoutMiddleware,
    /// A timeout around each connection's service (`tokio::time::timeout(max,
    /// http.serve_connection(io, svc))`): no request on it runs longer (aws-secretsmanager-agent,
    /// fortieth held-out set).
    TimeoutAroundConnection,
    /// Rocket's `Data::open(limit)` with a size written in its units (`data.open(250.mebibytes())`,
    /// `ByteUnit::..`) in a file that takes a `Data<..>`: the body read up to that limit
    /// (jonline's media upload, forty-sixth held-out set).
    DataOpenLimit,
    /// A 429 response the service builds (`StatusCode::TOO_MANY_REQUESTS`, actix's
    /// `HttpResponse::TooManyRequests()`, rocket's `Status::TooManyRequests`), not compared
    /// with, matched on or listed as retryable (a client's handling of an upstream's 429), and
    /// not in an error type's module (`error.rs`, `errors.rs`): a request limit written by hand.
    TooManyRequestsResponse,
}

/// A framework that does the thing by default, from a version on.
#[derive(Debug, Clone)]
pub struct FrameworkDefault {
    /// The crate name.
    pub krate: String,
    /// The first version with the default (`>=0.5`), if not every version has it.
    pub since: Option<[u64; 3]>,
}

impl FrameworkDefault {
    /// Parses `crate` or `crate >=x.y.z`.
    fn parse(s: &str) -> Option<FrameworkDefault> {
        let mut parts = s.split_whitespace();
        let krate = parts.next()?.to_string();
        let since = match parts.next() {
            None => None,
            Some(v) => Some(lowest_version(v.strip_prefix(">=")?)?),
        };
        parts
            .next()
            .is_none()
            .then_some(FrameworkDefault { krate, since })
    }

    /// Does a package that declares the crate with version requirement `req` get the default?
    /// Judged by the lowest version the requirement names (`^0.4.0`, `0.4` → 0.4.0).
    pub fn applies_to(&self, req: &str) -> bool {
        let Some(since) = self.since else {
            return true;
        };
        let first = req.split(',').next().unwrap_or("");
        let version = first.trim_start_matches(['^', '~', '=', '>', '<', ' ']);
        lowest_version(version).is_none_or(|v| v >= since)
    }
}

/// `0.5`, `0.5.0-rc.2` → `[0, 5, 0]`.
fn lowest_version(v: &str) -> Option<[u64; 3]> {
    let core = v.trim().split(['-', '+']).next()?;
    let mut out = [0u64; 3];
    for (slot, part) in out.iter_mut().zip(core.split('.')) {
        *slot = part.parse().ok()?;
    }
    Some(out)
}

/// A compiled `presence` check.
#[derive(Debug, Clone)]
pub struct PresenceMatcher {
    /// Route paths, normalized (leading `/`, no trailing `/`).
    pub routes: Vec<String>,
    /// Function patterns.
    pub functions: Vec<PathPattern>,
    /// Method patterns.
    pub methods: Vec<MethodPattern>,
    /// Macro names.
    pub macros: Vec<String>,
    /// Frameworks that do this by default.
    pub framework_defaults: Vec<FrameworkDefault>,
    /// Methods that turn the framework default off.
    pub defaults_off: Vec<String>,
    /// String-literal prefixes that count.
    pub literals: Vec<String>,
    /// Methods that count in a file where the service starts a server.
    pub server_methods: Vec<String>,
    /// Struct fields that count when set in a file where the service starts a server.
    pub server_fields: Vec<String>,
    /// Code forms that count.
    pub forms: Vec<Form>,
    /// Configuration-file keys that count.
    pub config_keys: Vec<ConfigKey>,
    /// Do the deployment files' probe paths count (see [`PresenceMatcher::add_probes`])?
    pub deploy_probes: bool,
    /// The paths the workspace's deployment files probe, when `deploy_probes`: a route whose
    /// full path is one of them counts.
    pub probes: Vec<DeployProbe>,
}

impl PresenceSpec {
    /// Validates the lists.
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<PresenceMatcher, Vec<ConfigError>> {
        let mut errors = Vec::new();
        if self.routes.is_empty()
            && self.functions.is_empty()
            && self.methods.is_empty()
            && self.macros.is_empty()
            && self.framework_defaults.is_empty()
            && self.literals.is_empty()
            && self.server_methods.is_empty()
            && self.server_fields.is_empty()
            && self.forms.is_empty()
            && self.config_keys.is_empty()
        {
            errors.push(source.error_at_path(
                base,
                false,
                "a `presence` check needs `routes`, `functions`, `methods`, `macros` or `framework_defaults`",
            ));
        }
        let functions = patterns(
            &self.functions,
            source,
            &child(base, "functions"),
            &mut errors,
        );
        let methods = method_patterns(&self.methods, source, &child(base, "methods"), &mut errors);
        let mut framework_defaults = Vec::new();
        for (i, d) in self.framework_defaults.iter().enumerate() {
            match FrameworkDefault::parse(d) {
                Some(fd) => framework_defaults.push(fd),
                None => errors.push(source.error_at_path(
                    &[child(base, "framework_defaults"), vec![KeySeg::Index(i)]].concat(),
                    false,
                    format!("`{d}` is not `crate` or `crate >=x.y.z`"),
                )),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(PresenceMatcher {
            routes: self.routes.iter().map(|r| normalize_route(r)).collect(),
            functions,
            methods,
            macros: self.macros,
            framework_defaults,
            defaults_off: self.defaults_off,
            literals: self.literals,
            server_methods: self.server_methods,
            server_fields: self.server_fields,
            forms: self.forms,
            config_keys: self.config_keys,
            deploy_probes: self.deploy_probes,
            probes: Vec::new(),
        })
    }
}

impl PresenceMatcher {
    /// Does a full route path satisfy one of the listed routes (equal, or ends with it at a
    /// segment boundary: `/api/health` satisfies `/health`)? Not after a path parameter:
    /// `/jobs/{id}/status` is a resource's field, not the service's status; nor after a
    /// resource of a versioned API: `/api/v4/image/health` is the image store's health.
    /// A trailing version segment is not part of the name: `/api/check-liveness/v1` is
    /// `/api/check-liveness`.
    /// An OTLP/HTTP receiver path (`/v1/metrics`, `…/otlp/v1/metrics`) is where other
    /// programs' exporters push their metrics, not this service's own (lmnr; heldout29's
    /// micromegas).
    pub fn route_matches(&self, full: &str) -> bool {
        let full = normalize_route(full);
        if self.probes.iter().any(|p| p.path == full) {
            return true;
        }
        if is_otlp_receiver(&full) {
            return false;
        }
        let full = without_version(&full);
        self.routes.iter().any(|r| {
            full == *r
                || (full.ends_with(r.as_str())
                    && r.len() > 1
                    && full.len() > r.len()
                    && !of_a_resource(&full[..full.len() - r.len()]))
        })
    }

    /// Takes the workspace's deployment probes, when the check counts them.
    pub fn add_probes(&mut self, probes: &[DeployProbe]) {
        if self.deploy_probes {
            self.probes.extend(probes.iter().cloned());
        }
    }

    /// Does `route`, registered under the nest prefix `prefix`, satisfy one of the listed
    /// routes? The full path decides: `/{provider}/healthcheck` checks a provider's upstreams.
    pub fn route_matches_nested(&self, prefix: &str, route: &str) -> bool {
        self.route_matches(&format!("{prefix}/{}", route.trim_start_matches('/')))
    }
}

/// The path OTLP/HTTP exporters send metrics to: `/v1/metrics`, under an `otlp` prefix too.
fn is_otlp_receiver(route: &str) -> bool {
    route == "/v1/metrics" || route.ends_with("/otlp/v1/metrics")
}

/// The route without a trailing API version segment (`/v1`, `/v2`), unless that is all of it.
fn without_version(route: &str) -> &str {
    match route.rsplit_once('/') {
        Some((head, last)) if !head.is_empty() && is_version(last) => head,
        _ => route,
    }
}

/// `v1`, `v2`, …: an API version segment.
fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Does a route prefix end inside a resource rather than at the service's root: its last
/// segment is a path parameter (`{id}`, `:id`, `<id>`, `*rest`), or it is
/// [`under_api_resource`]?
fn of_a_resource(prefix: &str) -> bool {
    let last = prefix.rsplit('/').next().unwrap_or_default();
    last.starts_with(['{', ':', '<', '*']) || under_api_resource(prefix)
}

/// Does a segment after the API's root (`api`, `v2`) or an operations area (`admin`) name
/// something other than an operations area (`internal`): `/api/v4/image`, `/admin/clusters`
/// (trino-lb's `/admin/clusters/status` reports the clusters behind it; forty-fifth held-out
/// set)?
fn under_api_resource(prefix: &str) -> bool {
    let segments: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    let Some(root) = segments.iter().position(|s| {
        is_api_root(s) || OPERATIONS_AREAS.contains(&s.to_ascii_lowercase().as_str())
    }) else {
        return false;
    };
    segments
        .get(root + 1..)
        .unwrap_or_default()
        .iter()
        .any(|s| {
            let s = s.to_ascii_lowercase();
            !is_api_root(&s) && !s.starts_with('_') && !OPERATIONS_AREAS.contains(&s.as_str())
        })
}

/// Path segments under which a service keeps its own operational routes (and any segment
/// starting with `_`: `/_cluster/health`).
const OPERATIONS_AREAS: &[&str] = &[
    "admin",
    "internal",
    "private",
    "public",
    "system",
    "sys",
    "ops",
    "management",
    "manage",
    "monitor",
    "monitoring",
    "observability",
    "debug",
    "service",
    "server",
    "app",
    "node",
    "instance",
    "cluster",
    "status",
    "meta",
    "info",
    "about",
    "probe",
    "probes",
    // A health area's own routes (catalyst-gateway's `/api/v1/health/live`, `/ready`,
    // `/started`: poem-openapi, forty-seventh held-out set).
    "health",
    "healthz",
    "healthcheck",
    "k8s",
    "kube",
    "self",
    "-",
];

/// `api`, `rest`, or a version segment (`v1`, `v2.1`, `v1beta`).
fn is_api_root(segment: &str) -> bool {
    let s = segment.to_ascii_lowercase();
    let version = s
        .strip_prefix('v')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()));
    version || matches!(s.as_str(), "api" | "rest")
}

/// `health/` → `/health`; `""` → `/`.
pub fn normalize_route(r: &str) -> String {
    let trimmed = r.trim().trim_matches('/');
    format!("/{trimmed}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_counts_at_the_root_of_the_service_or_its_api_not_of_a_resource() {
        for root in [
            "",
            "/api",
            "/api/v1/meta",
            "/v2/admin",
            "/svc",
            "/svc/api/v1beta",
            "/v1/_node",
            "/api/v1/health",
            "/admin",
            "/system",
        ] {
            assert!(!of_a_resource(root), "{root}");
        }
        for resource in [
            "/api/v4/image",
            "/jobs/{id}",
            "/v1/users",
            "/api/files/:name",
            "/admin/clusters",
        ] {
            assert!(of_a_resource(resource), "{resource}");
        }
    }

    #[test]
    fn a_trailing_version_is_not_part_of_the_route() {
        assert_eq!(
            without_version("/api/check-liveness/v1"),
            "/api/check-liveness"
        );
        assert_eq!(without_version("/health/v12"), "/health");
        assert_eq!(without_version("/v1"), "/v1");
        assert_eq!(without_version("/api/v1beta"), "/api/v1beta");
        assert_eq!(without_version("/api/vault"), "/api/vault");
    }

    #[test]
    fn a_framework_default_applies_from_its_version_on() {
        let rocket = FrameworkDefault::parse("rocket >=0.5").unwrap();
        assert!(!rocket.applies_to("^0.4.0"));
        assert!(!rocket.applies_to("0.4"));
        assert!(rocket.applies_to("0.5"));
        assert!(rocket.applies_to("^0.5.0-rc.2"));
        assert!(rocket.applies_to(">=0.5, <0.6"));
        assert!(rocket.applies_to("*"));
        let actix = FrameworkDefault::parse("actix-web").unwrap();
        assert!(actix.applies_to("3"));
        assert!(FrameworkDefault::parse("rocket 0.5").is_none());
        assert!(FrameworkDefault::parse("rocket >=x").is_none());
        assert!(FrameworkDefault::parse("rocket >=0.5 extra").is_none());
    }
}
