//! Services and code scopes on fixture workspaces, with the built-in `recommended` policy:
//! which bins are services (and why), the verdict and evidence of each service check, where
//! service findings land, and which code counts as production.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::{report_of, service};
use std::collections::BTreeSet;
use std::path::PathBuf;

use cargo_ready::model::{Outcome, Report, Service};

const SERVICE_CHECKS: &[&str] = &[
    "graceful-shutdown",
    "health-endpoint",
    "metrics-endpoint",
    "rate-limit",
    "request-body-limit",
    "request-timeout",
    "structured-logging",
];

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// `check file:line` of the unsuppressed findings of the given checks.
fn fired(report: &Report, checks: &[&str]) -> BTreeSet<String> {
    report
        .findings
        .iter()
        .filter(|f| checks.contains(&f.check.as_str()) && f.suppressed.is_none())
        .map(|f| format!("{} {}:{}", f.check, f.file, f.region.line))
        .collect()
}

/// `id: pass at file:line (what)` / `id: fail` for each service check of a service.
fn verdicts(s: &Service) -> BTreeSet<String> {
    s.checks
        .iter()
        .map(|c| match (&c.outcome, &c.evidence) {
            (Outcome::Pass, Some(e)) => format!("{}: {}:{} {}", c.id, e.file, e.line, e.what),
            (o, _) => format!("{}: {o:?}", c.id),
        })
        .collect()
}

#[test]
fn a_bin_whose_library_starts_the_server_is_a_service() {
    let r = report_of("svc-closure");
    let s = service(&r, "daemon");
    assert_eq!(s.file, "daemon/src/main.rs");
    assert_eq!(s.packages, ["daemon", "svc-core"]);
    assert_eq!(s.frameworks, ["axum"]);
    assert_eq!(
        (s.started.file.as_str(), s.started.line),
        ("core/src/server.rs", 6)
    );
    // Every service finding sits at the binary's main file; the library gets none.
    assert_eq!(
        fired(&r, SERVICE_CHECKS),
        set(&[
            "graceful-shutdown daemon/src/main.rs:1",
            "health-endpoint daemon/src/main.rs:1",
            "metrics-endpoint daemon/src/main.rs:1",
            "rate-limit daemon/src/main.rs:1",
            "request-body-limit daemon/src/main.rs:1",
            "request-timeout daemon/src/main.rs:1",
            "structured-logging daemon/src/main.rs:1",
        ])
    );
    assert!(
        r.findings
            .iter()
            .filter(|f| SERVICE_CHECKS.contains(&f.check.as_str()))
            .all(|f| f.package.as_deref() == Some("daemon")),
        "no service findings for the library"
    );
}

#[test]
fn evidence_in_a_crate_the_server_depends_on_counts() {
    let r = report_of("svc-routes");
    assert_eq!(fired(&r, SERVICE_CHECKS), set(&[]));
    let s = service(&r, "server");
    assert_eq!(
        verdicts(s),
        set(&[
            "graceful-shutdown: server/src/main.rs:9 `.with_graceful_shutdown(..)`",
            "health-endpoint: routes/src/lib.rs:19 route `/healthz`",
            "metrics-endpoint: routes/src/lib.rs:14 `axum_prometheus::PrometheusMetricLayer::pair(..)`",
            "rate-limit: routes/src/lib.rs:15 `tower_governor::governor::GovernorConfig::default(..)`",
            "request-body-limit: routes/src/lib.rs:23 `tower_http::limit::RequestBodyLimitLayer::new(..)`",
            "request-timeout: routes/src/lib.rs:22 `tower_http::timeout::TimeoutLayer::new(..)`",
            "structured-logging: server/Cargo.toml:11 `tracing-subscriber` declared by package `server`",
        ])
    );
}

#[test]
fn a_config_printer_beside_the_server_is_not_a_service() {
    let r = report_of("svc-printer");
    let names: Vec<&str> = r.services.iter().map(|s| s.bin.as_str()).collect();
    // `#[tokio::main]` on a job's own `main` does not call the library's `main` that serves.
    assert_eq!(names, ["jobs-app", "web"]);
    let printer = r
        .not_services
        .iter()
        .find(|n| n.bin == "print-config")
        .unwrap();
    assert_eq!(
        printer.reason,
        "it does not reach `serve` (web/src/lib.rs:16), where a library it depends on starts a server"
    );
    assert!(
        fired(&r, SERVICE_CHECKS)
            .iter()
            .all(|f| f.contains("web/src/main.rs:1") || f.contains("jobs-app/src/main.rs:1")),
        "{:?}",
        fired(&r, SERVICE_CHECKS)
    );
}

#[test]
fn health_vocabulary_and_framework_defaults() {
    let r = report_of("svc-frameworks");
    // Health: `/alive`, `/healthcheck`, `/readyz` under `.nest`, `/api/status`, `/livez`,
    // warp's `path!("ping")` and tonic-health all count; an image store's health proxied under
    // `scope("/api/v4").service(scope("/image"))` does not.
    assert_eq!(
        fired(&r, &["health-endpoint"]),
        set(&["health-endpoint actix-proxied/src/main.rs:1"])
    );
    // actix-web and rocket (from 0.5) stop gracefully on SIGTERM by default, unless
    // `disable_signals()`; rocket 0.4's `ignite().launch()` is a server that handles none.
    assert_eq!(
        fired(&r, &["graceful-shutdown"]),
        set(&[
            "graceful-shutdown actix-nosignals/src/main.rs:1",
            "graceful-shutdown axum-helper-crate/src/main.rs:1",
            "graceful-shutdown axum-stray-manifest/src/main.rs:1",
            "graceful-shutdown axum-nested/src/main.rs:1",
            "graceful-shutdown axum-raced-locals/src/main.rs:1",
            "graceful-shutdown axum-raced/src/main.rs:1",
            "graceful-shutdown axum-rooted/src/main.rs:1",
            "graceful-shutdown axum-status/src/main.rs:1",
            "graceful-shutdown dropshot-api/src/main.rs:1",
            "graceful-shutdown oxhttp-sparql/src/main.rs:1",
            // poem's `Server::run` handles no signal (`run_with_graceful_shutdown` would)
            "graceful-shutdown poem-prelude/src/main.rs:1",
            "graceful-shutdown prom-exporter/src/main.rs:1",
            "graceful-shutdown rocket-ignite/src/main.rs:1",
            "graceful-shutdown tonic-grpc/src/main.rs:1",
            "graceful-shutdown warp-ping/src/main.rs:1",
        ])
    );
    // A signal raced against the server in `select!` drops it with its requests: no evidence
    // (nor are the signals bound to locals before the race); a race of signals alone, then a
    // cancelled and awaited server, is.
    assert_eq!(
        verdicts_of(&r, "axum-cancelled", &["graceful-shutdown"]),
        set(&["graceful-shutdown: axum-cancelled/src/main.rs:7 `tokio::signal::ctrl_c(..)`"])
    );
    // So is a race followed by the server's own shutdown (`relay.shutdown()`).
    assert_eq!(
        verdicts_of(&r, "axum-relay", &["graceful-shutdown"]),
        set(&["graceful-shutdown: axum-relay/src/main.rs:31 `tokio::signal::ctrl_c(..)`"])
    );
    // A thread-per-request oxhttp server is a service too, with its global timeout.
    assert_eq!(
        verdicts_of(&r, "oxhttp-sparql", &["request-timeout", "health-endpoint"]),
        set(&[
            "health-endpoint: oxhttp-sparql/src/main.rs:8 route `/health`",
            "request-timeout: oxhttp-sparql/src/main.rs:13 `.with_global_timeout(..)`",
        ])
    );
    // A file that uses warp only for `warp::http::HeaderValue` builds no filter: its stream's
    // `.map(|name| async move { .. })` registers no handler (panamax's verify command).
    assert!(r.findings.iter().any(|f| f.check == "blocking-in-async"
        && f.file == "warp-ping/src/verify.rs"
        && f.role.map(|r| r.as_str()) == Some("startup")));
    // dropshot: `HttpServerStarter::new(..)` starts it, `#[endpoint { path = "/healthz" }]` is a
    // route (its fn a request path), `ConfigDropshot { default_request_body_max_bytes: .. }` an
    // explicit body limit.
    assert_eq!(
        verdicts_of(
            &r,
            "dropshot-api",
            &["health-endpoint", "request-body-limit"]
        ),
        set(&[
            "health-endpoint: dropshot-api/src/main.rs:5 route `/healthz`",
            "request-body-limit: dropshot-api/src/main.rs:20 `default_request_body_max_bytes` set on a server",
        ])
    );
    // Its `#[endpoint]` paths are routes of its own: an HTTP API (a comment's link to a
    // Prometheus page exports no metrics).
    assert_eq!(service(&r, "dropshot-api").protocols, ["http"]);
    assert!(r.findings.iter().any(|f| f.check == "blocking-in-async"
        && f.file == "dropshot-api/src/main.rs"
        && f.role.map(|r| r.as_str()) == Some("request")));
    // A route below an operator's root path: `&format!("{root_path}/health/ready")`.
    assert_eq!(
        verdicts_of(&r, "axum-rooted", &["health-endpoint"]),
        set(&["health-endpoint: axum-rooted/src/main.rs:6 route `/health/ready`"])
    );
    let shutdown = |bin: &str| {
        verdicts(service(&r, bin))
            .into_iter()
            .find(|v| v.starts_with("graceful-shutdown"))
            .unwrap()
    };
    assert_eq!(
        shutdown("actix-alive"),
        "graceful-shutdown: actix-alive/src/main.rs:10 actix-web default (`actix_web::HttpServer::new(..)`)"
    );
    assert_eq!(
        shutdown("rocket-livez"),
        "graceful-shutdown: rocket-livez/src/main.rs:9 rocket default (`#[launch]`)"
    );
    assert_eq!(service(&r, "tonic-grpc").protocols, ["grpc"]);
    assert_eq!(service(&r, "warp-ping").protocols, ["http"]);
    // A dependency's `serve_app(router, ..)` starts the axum server the closure declares.
    let helper = service(&r, "axum-helper-crate");
    assert_eq!(helper.protocols, ["http"]);
    assert_eq!(
        (helper.started.file.as_str(), helper.started.line),
        ("axum-helper-crate/src/main.rs", 7)
    );
    // actix-web re-exported whole by a workspace crate (`pub use actix_web::*;` in
    // `actix_glob_web::webapp`, drogue-cloud's shape) still starts an actix-web server; the
    // library's own `own::HttpServer::new()` starts nothing.
    let glob = service(&r, "actix-glob-app");
    assert_eq!(glob.frameworks, ["actix-web"]);
    assert_eq!(
        (glob.started.file.as_str(), glob.started.line),
        ("actix-glob-app/src/main.rs", 7)
    );
    assert!(r.services.iter().all(|s| s.bin != "counter"));
    // A Prometheus exporter's scrape listener is an HTTP server for metrics alone: the bot is
    // an `http-metrics` service (robbb, twenty-eighth held-out set), judged for metrics,
    // shutdown and logging only.
    let exporter = service(&r, "prom-exporter");
    assert_eq!(exporter.protocols, ["http-metrics"]);
    assert_eq!(
        verdicts_of(
            &r,
            "prom-exporter",
            &["metrics-endpoint", "health-endpoint"]
        ),
        set(&[
            "health-endpoint: Skipped",
            "metrics-endpoint: prom-exporter/src/main.rs:5 `metrics_exporter_prometheus::PrometheusBuilder::new(..)`",
        ])
    );
    // poem named through the bin's prelude, whose `poem` is a utilities crate's `pub use poem;`
    // (delicate, twenty-eighth held-out set): `Server::new` there is poem's, not hickory's or
    // tide's `new`.
    let prelude = service(&r, "poem-prelude");
    assert_eq!(prelude.frameworks, ["poem"]);
    assert_eq!(
        (prelude.started.file.as_str(), prelude.started.line),
        ("poem-prelude/src/main.rs", 14)
    );
    // ntex: `web::HttpServer::new(..).bind(..)?.run()` is an HTTP server that stops gracefully
    // by default; its `.route("/health", ..)` and `JsonConfig::default().limit(..)` count.
    let ntex = service(&r, "ntex-web");
    assert_eq!(ntex.protocols, ["http"]);
    assert_eq!(
        verdicts_of(
            &r,
            "ntex-web",
            &[
                "graceful-shutdown",
                "health-endpoint",
                "request-body-limit",
                "rate-limit"
            ]
        ),
        set(&[
            "graceful-shutdown: ntex-web/src/main.rs:15 ntex default (`ntex::web::HttpServer::new(..)`)",
            "health-endpoint: ntex-web/src/main.rs:18 route `/health`",
            "rate-limit: Fail",
            "request-body-limit: ntex-web/src/main.rs:17 `ntex::web::types::JsonConfig::default().….limit(..)`",
        ])
    );
    // A bin whose source is in a `test/` directory is a fixture the tests start.
    let fixture = r
        .not_services
        .iter()
        .find(|n| n.bin == "plugin-test-server")
        .unwrap();
    assert_eq!(
        fixture.reason,
        "a test fixture: its source is in a `test/` directory"
    );
    // A leftover `src/Cargo.toml` of no member does not hide the package's own sources.
    assert_eq!(
        verdicts_of(&r, "axum-stray-manifest", &["health-endpoint"]),
        set(&["health-endpoint: axum-stray-manifest/src/routes.rs:8 route `/readyz`"])
    );
}

#[test]
fn client_timeouts_and_query_limits_are_not_server_settings() {
    let r = report_of("svc-evidence");
    let fired = fired(&r, &["request-timeout", "request-body-limit", "rate-limit"]);
    assert_eq!(
        fired,
        set(&[
            "rate-limit app/src/main.rs:1",
            "request-body-limit app/src/main.rs:1",
            "request-timeout app/src/main.rs:1",
        ])
    );
}

#[test]
fn a_workspace_without_a_service_skips_the_service_checks_with_the_reason() {
    let r = report_of("svc-none");
    assert!(r.services.is_empty());
    assert_eq!(
        r.not_services[0].reason,
        "it depends on `axum` but its code starts no server"
    );
    for id in SERVICE_CHECKS {
        let c = r.checks.iter().find(|c| c.id == *id).unwrap();
        assert_eq!(c.outcome, Outcome::Skipped, "{id}");
        assert_eq!(
            c.reason.as_deref(),
            Some("no service: no bin target starts a server"),
            "{id}"
        );
    }
    assert_eq!(fired(&r, SERVICE_CHECKS), set(&[]));
}

#[test]
fn only_production_code_is_production() {
    let r = report_of("scope-kinds");
    // The build script, the trybuild fixture, the test-support packages (a dev-dependency only,
    // and `role = "test-support"`), build tooling (`xtask`, a build-dependency only), a mock
    // module, the generated modules and the vendored or minified assets are not production
    // code.
    assert_eq!(
        fired(&r, &["no-unwrap", "no-panic", "empty-catch"]),
        set(&[
            "empty-catch app/web/keep.bundle.js:2",
            "empty-catch app/web/main.js:2",
            "no-unwrap app/src/lib.rs:9",
        ])
    );
    let scope_of = |file: &str| {
        r.findings
            .iter()
            .find(|f| f.file == file)
            .map(|f| f.scope.as_str())
    };
    assert_eq!(scope_of("app/src/lib.rs"), Some("production"));
    // Test code no check looks at is not parsed: its syntax error is no finding.
    assert_eq!(fired(&r, &["parse-error"]), set(&[]));
    // The mock server of the test-support package is no service.
    assert!(r.services.is_empty(), "{:?}", r.services);
}

#[test]
fn list_services_says_what_was_detected_and_why() {
    let manifest =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/svc-printer/Cargo.toml");
    let run = |verbose: bool| {
        let mut cmd = assert_cmd::Command::cargo_bin("cargo-ready").unwrap();
        cmd.args([
            "ready",
            "list",
            "--services",
            "--policy",
            "recommended",
            "--manifest-path",
        ])
        .arg(&manifest)
        .env("NO_COLOR", "1");
        if verbose {
            cmd.arg("-v");
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    assert_eq!(
        run(false),
        "service `jobs-app` (package `jobs-app`, jobs-app/src/main.rs): http via axum\n  starts its server at jobs-app/src/lib.rs:12: `axum::serve(..)`\n  http: jobs-app/src/lib.rs:12: `axum::serve(..)`\n  code searched: jobs-app\nservice `web` (package `web`, web/src/main.rs): http via axum\n  starts its server at web/src/lib.rs:16: `axum::serve(..)`\n  http: web/src/lib.rs:16: `axum::serve(..)`\n  code searched: web\n2 other bin targets are not a service (-v says why)\n"
    );
    let verbose = run(true);
    assert!(
        verbose.contains("  health-endpoint      FAIL\n"),
        "{verbose}"
    );
    assert!(
        verbose.ends_with("not services:\n  bin `backfill` (package `jobs-app`): it does not reach `main` (jobs-app/src/lib.rs:12), where a library it depends on starts a server\n  bin `print-config` (package `web`): it does not reach `serve` (web/src/lib.rs:16), where a library it depends on starts a server\n"),
        "{verbose}"
    );
}

#[test]
fn static_mut_arrays_builder_threads_and_accept_loop_spawns() {
    let r = report_of("svc-hazards");
    assert_eq!(
        fired(
            &r,
            &[
                "static-mut",
                "detached-thread",
                "unbounded-spawn",
                "accept-loop-spawn"
            ]
        ),
        set(&[
            "accept-loop-spawn src/lib.rs:31", // a `select!` branch with a block body
            "accept-loop-spawn src/lib.rs:41", // async-std's `task::spawn`
            "accept-loop-spawn src/lib.rs:90", // after a `select!` of accept and cancel
            "detached-thread src/lib.rs:12",   // Builder::new()..spawn(..).expect(..)
            "static-mut src/lib.rs:5",         // `static mut X: [T; N]`
            "static-mut src/lib.rs:6",
            // not an accept loop, and no request reaches it: by the engine's roles the spawn per
            // shard at 58 is not request code, which `unbounded-spawn` (`roles = ["request"]`)
            // leaves alone (the `#[thread_local]` at 53 is no finding)
            // the one-off task of an accept loop's other `select!` branch (71) serves no
            // connection and, being control code, is no request's either
        ])
    );
}

/// `check: pass at file:line what` / `check: Fail` of the given checks, per service bin.
fn verdicts_of(r: &Report, bin: &str, checks: &[&str]) -> BTreeSet<String> {
    verdicts(service(r, bin))
        .into_iter()
        .filter(|v| checks.iter().any(|c| v.starts_with(&format!("{c}:"))))
        .collect()
}

#[test]
fn evidence_in_the_forms_real_services_write_it() {
    let r = report_of("svc-forms");
    let health = ["health-endpoint"];
    // A hand-routed constant without a leading slash, a `const fn` route table, utoipa.
    assert_eq!(
        verdicts_of(&r, "filesrv", &health),
        set(&["health-endpoint: filesrv/src/main.rs:4 route `/__files__/health`"])
    );
    assert_eq!(
        verdicts_of(&r, "captcha", &health),
        set(&["health-endpoint: captcha/src/main.rs:11 route `/api/v1/meta/health`"])
    );
    assert_eq!(
        verdicts_of(&r, "registry", &health),
        set(&["health-endpoint: registry/src/main.rs:4 route `/health`"])
    );
    // SIGHUP or SIGUSR1 handlers do not stop anything; SIGTERM in a signal mask does.
    let shutdown = ["graceful-shutdown"];
    assert_eq!(
        verdicts_of(&r, "filesrv", &shutdown),
        set(&["graceful-shutdown: Fail"])
    );
    assert_eq!(
        verdicts_of(&r, "search", &shutdown),
        set(&["graceful-shutdown: Fail"])
    );
    assert_eq!(
        verdicts_of(&r, "pooler", &shutdown),
        set(&["graceful-shutdown: pooler/src/main.rs:10 `nix::sys::signal::SIGINT`"])
    );
    // A `JsonConfig` that only sets an error handler limits nothing; rocket `Limits` does.
    let body = ["request-body-limit"];
    assert_eq!(
        verdicts_of(&r, "captcha", &body),
        set(&["request-body-limit: Fail"])
    );
    assert_eq!(
        verdicts_of(
            &r,
            "chat",
            &["metrics-endpoint", "rate-limit", "request-body-limit"]
        ),
        set(&[
            "metrics-endpoint: chat/src/main.rs:20 `rocket_prometheus::PrometheusMetrics::new(..)`",
            "rate-limit: chat/src/main.rs:21 `rate_limit::RateLimit::new(..)`",
            "request-body-limit: chat/src/main.rs:27 `rocket::data::Limits::default(..)`",
        ])
    );
    // The accept loop of a hyper server is that server; a pooler's own accept loop is not, and
    // its HTTP side port serves only metrics: no health, rate-limit, timeout or body checks.
    assert_eq!(service(&r, "filesrv").protocols, ["http"]);
    assert_eq!(service(&r, "pooler").protocols, ["http-metrics", "tcp"]);
    // `/metrics` beside routes of its own is one route of an HTTP service: hand-written
    // `(path, upgrade)` tuple arms, warp's `warp::path("..")` segments.
    assert_eq!(service(&r, "relay").protocols, ["http"]);
    // An accept loop in a local `macro_rules!` serves in the fn that invokes it.
    assert_eq!(service(&r, "macrosrv").protocols, ["tcp"]);
    assert_eq!(service(&r, "queue").protocols, ["http"]);
    // A desktop app's local server for its own window is no deployed service.
    assert!(r.services.iter().all(|s| s.bin != "desk"));
    let desk = r.not_services.iter().find(|n| n.bin == "desk").unwrap();
    assert!(
        desk.reason.starts_with("a desktop app (`tauri`)"),
        "{}",
        desk.reason
    );
    // A playback backend whose workspace library talks to the desktop session (media keys).
    assert!(r.services.iter().all(|s| s.bin != "player"));
    // `println!` is a service's logging, but a desktop app's (or a CLI's) output.
    let printed: Vec<String> = (r.findings.iter())
        .filter(|f| f.check == "stdout-logging")
        .map(|f| format!("{}:{}", f.file, f.region.line))
        .collect();
    assert_eq!(printed, ["filesrv/src/main.rs:26"]);
    let player = r.not_services.iter().find(|n| n.bin == "player").unwrap();
    assert_eq!(
        player.reason,
        "a desktop app: `player-playback` builds with `souvlaki`, which talks to the user's \
         desktop session, so it runs on its user's machine, not as a deployed service"
    );
    // An optional UI crate behind a feature (a visual debugger) does not
    // make a game server a desktop app, even when the feature is on by default (emissary's
    // `router-ui`); its accept loop runs in a scoped thread.
    assert_eq!(service(&r, "gamesrv").protocols, ["tcp"]);
    // An FTP daemon's operations port (home page, metrics, health) beside its FTP listener
    // is http-metrics: no rate-limit, timeout, body or health checks for an FTP server.
    assert_eq!(service(&r, "ftpd").protocols, ["http-metrics", "tcp"]);
    // A site generator's `serve` (watch files, open the browser) is its author's local preview.
    assert!(r.services.iter().all(|s| s.bin != "sitegen"));
    let preview = r.not_services.iter().find(|n| n.bin == "sitegen").unwrap();
    assert!(
        preview.reason.starts_with(
            "a developer tool with a local preview server (`notify-debouncer-full` watches files, `open`"
        ),
        "{}",
        preview.reason
    );
    // A cargo subcommand's local server runs on the developer's machine.
    assert!(r.services.iter().all(|s| s.bin != "cargo-devrun"));
    let sub = r
        .not_services
        .iter()
        .find(|n| n.bin == "cargo-devrun")
        .unwrap();
    assert!(
        sub.reason
            .starts_with("a cargo subcommand (`cargo devrun`)"),
        "{}",
        sub.reason
    );
    // Evidence that only a non-default feature compiles says so (labellers split on it); a
    // feature the server binary asks for, or requires, is on.
    assert_eq!(
        verdicts_of(
            &r,
            "o11y",
            &[
                "graceful-shutdown",
                "metrics-endpoint",
                "rate-limit",
                "request-timeout"
            ]
        ),
        set(&[
            "graceful-shutdown: o11y/src/main.rs:9 `.with_graceful_shutdown(..)`",
            "metrics-endpoint: o11y-api/src/lib.rs:18 `axum_prometheus::PrometheusMetricLayer::pair(..)`",
            "rate-limit: o11y-api/src/lib.rs:30 `tower_governor::governor::GovernorConfig::default(..)` (only with feature `enterprise`, off by default)",
            "request-timeout: o11y-api/src/lib.rs:11 `tower_http::timeout::TimeoutLayer::new(..)` (only with feature `enterprise`, off by default)",
        ])
    );
    // The product's binary stays a service when only its integration tests depend on it.
    assert_eq!(service(&r, "engine").protocols, ["http"]);
    // A metrics client's UDP socket on `127.0.0.1:0` beside the server says nothing of it.
    assert_eq!(service(&r, "statsd-app").protocols, ["http"]);
    // A CLI's throwaway server on a port the OS picks serves only the process itself.
    let symcli = r.not_services.iter().find(|n| n.bin == "symcli").unwrap();
    assert_eq!(
        symcli.reason,
        "its only server, `axum::serve(..)` (symcli/src/local_source.rs:13), listens on \
         loopback for the process itself (an ephemeral port, or until its first good request): \
         a helper of the process, not a service"
    );
    // So does a terminal client's OAuth redirect listener on a fixed loopback port, which
    // returns at the first request that carries the code.
    let authcli = r.not_services.iter().find(|n| n.bin == "authcli").unwrap();
    assert!(
        authcli
            .reason
            .starts_with("its only server, `.incoming()` in a loop (authcli/src/redirect.rs:6)"),
        "{}",
        authcli.reason
    );
    // So does a TUI's echo server on a loopback port it picks itself (`pick_unused_port`).
    let echocli = r.not_services.iter().find(|n| n.bin == "echocli").unwrap();
    assert!(
        echocli
            .reason
            .starts_with("its only server, `axum::serve(..)` (echocli/src/echo_server.rs:9)"),
        "{}",
        echocli.reason
    );
    assert_eq!(
        verdicts(service(&r, "pooler")),
        set(&[
            "graceful-shutdown: pooler/src/main.rs:10 `nix::sys::signal::SIGINT`",
            "health-endpoint: Skipped",
            "metrics-endpoint: pooler/src/metrics.rs:3 route `/metrics`",
            "rate-limit: Skipped",
            "request-body-limit: Skipped",
            "request-timeout: Skipped",
            "structured-logging: Fail",
        ])
    );
    // actix-server stops on SIGTERM by default; its LDAP side is a `tcp` protocol (and an HTTP
    // side that routes only `/health` beside it is an operations port).
    assert_eq!(service(&r, "ldap").protocols, ["http-metrics", "tcp"]);
    assert_eq!(
        verdicts_of(&r, "ldap", &shutdown),
        set(&[
            "graceful-shutdown: ldap/src/main.rs:5 actix-server default (`actix_server::Server::build(..)`)"
        ])
    );
}

#[test]
fn every_finding_carries_its_scope() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scope-kinds");
    let opts = cargo_ready::Options {
        manifest_path: Some(dir.join("Cargo.toml")),
        overrides: cargo_ready::config::CliOverrides {
            policies: vec![dir.join("any-scope.toml").to_string_lossy().into_owned()],
            ..Default::default()
        },
        ..Default::default()
    };
    let r = cargo_ready::analyze(&opts).unwrap().0;
    let scopes: BTreeSet<String> = r
        .findings
        .iter()
        .map(|f| format!("{}:{} {}", f.file, f.region.line, f.scope.as_str()))
        .collect();
    assert_eq!(
        scopes,
        set(&[
            "app/src/client/mod.rs:2 vendored",
            "app/src/lib.rs:9 production",
            // a `#[cfg(test)]` module is parsed when a check looks at test code
            "app/src/lib.rs:16 test",
            "app/src/mock_backend.rs:4 test-support",
            "app/src/proto.rs:3 vendored",
            "app/src/test.rs:4 test-support",
            "gen/build.rs:2 build-script",
            "helpers/src/lib.rs:2 test-support",
            "macros/tests/fail/unfinished.rs:2 test",
            // a build-dependency only, and a `cargo xtask` command: build tooling
            "protogen/src/lib.rs:3 build-script",
            // a member under `samples/`: example code, and no service
            "samples/echo-server/src/main.rs:5 example",
            "samples/echo-server/src/main.rs:6 example",
            "testkit/src/bin/mock-server.rs:5 test-support",
            "testkit/src/bin/mock-server.rs:6 test-support",
            "testkit/src/lib.rs:4 test-support",
            "xtask/src/main.rs:3 build-script",
        ])
    );
}

#[test]
fn a_route_the_deployment_probes_is_the_health_route() {
    let r = report_of("svc-probes");
    let health = ["health-endpoint"];
    // The Compose healthcheck of the service built from `web` curls its root.
    assert_eq!(
        verdicts_of(&r, "web", &health),
        set(&[
            "health-endpoint: web/src/main.rs:6 route `/` (the deployment's probe: docker-compose.yml:7, Compose healthcheck of `web`)"
        ])
    );
    // A Kubernetes readiness probe's `httpGet` path, served by a nested router.
    assert_eq!(
        verdicts_of(&r, "api", &health),
        set(&[
            "health-endpoint: api/src/main.rs:6 route `/api` (the deployment's probe: deploy/api.yaml:13, Kubernetes readinessProbe)"
        ])
    );
    // A vendor container's probe (MinIO's) and a remote URL in a HEALTHCHECK probe nothing of
    // the workspace.
    assert_eq!(
        verdicts_of(&r, "other", &health),
        set(&["health-endpoint: Fail"])
    );
}
