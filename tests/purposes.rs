//! What a service is for (`tests/fixtures/svc-purposes`): each service's purposes, derived from
//! its code, and the service checks that do not apply to them skipped with the reason.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{report_of, service};

use cargo_ready::model::{Outcome, Report, Service};

/// The ids of the service checks with this outcome for a service.
fn with_outcome(s: &Service, outcome: Outcome) -> Vec<&str> {
    s.checks
        .iter()
        .filter(|c| c.outcome == outcome)
        .map(|c| c.id.as_str())
        .collect()
}

/// `purpose file:line` of each purpose.
fn purposes(s: &Service) -> Vec<String> {
    s.purposes
        .iter()
        .map(|p| format!("{} {}:{}", p.purpose, p.evidence.file, p.evidence.line))
        .collect()
}

const HTTP_API_CHECKS: [&str; 4] = [
    "health-endpoint",
    "rate-limit",
    "request-body-limit",
    "request-timeout",
];

#[test]
fn a_broker_with_an_admin_console_is_not_an_http_api() {
    let r = report_of("svc-purposes");
    let s = service(&r, "broker");
    assert_eq!(
        purposes(s),
        [
            "http-console broker/src/console.rs:9",
            "tcp broker/src/main.rs:12"
        ]
    );
    assert_eq!(with_outcome(s, Outcome::Skipped), HTTP_API_CHECKS);
    let health = s.checks.iter().find(|c| c.id == "health-endpoint").unwrap();
    assert_eq!(
        health.reason.as_deref(),
        Some(
            "`broker` is http-console and tcp (list --services says why); the check applies to http or grpc"
        )
    );
    assert_eq!(
        with_outcome(s, Outcome::Fail),
        ["graceful-shutdown", "metrics-endpoint"]
    );
}

#[test]
fn the_http_api_of_a_proxy_is_its_management_console() {
    let r = report_of("svc-purposes");
    let s = service(&r, "dashproxy");
    assert_eq!(
        purposes(s),
        [
            "http-console dashproxy/src/main.rs:14",
            "proxy dashproxy/src/relay.rs:9"
        ]
    );
    assert_eq!(with_outcome(s, Outcome::Skipped), HTTP_API_CHECKS);
}

#[test]
fn an_http_proxy_is_not_an_http_api() {
    let r = report_of("svc-purposes");
    let s = service(&r, "tunnel");
    assert_eq!(purposes(s), ["proxy tunnel/src/main.rs:7"]);
    assert!(s.purposes[0].evidence.what.contains("`Method::CONNECT`"));
    assert_eq!(with_outcome(s, Outcome::Skipped), HTTP_API_CHECKS);
    assert_eq!(
        with_outcome(s, Outcome::Fail),
        ["graceful-shutdown", "metrics-endpoint"]
    );
}

#[test]
fn a_udp_daemon_has_nothing_in_flight_to_drain() {
    let r = report_of("svc-purposes");
    let s = service(&r, "resolver");
    // Its Unix control socket (`ctl/mod.rs`) is no purpose of its own.
    assert_eq!(purposes(s), ["datagram resolver/src/main.rs:20"]);
    let mut skipped = with_outcome(s, Outcome::Skipped);
    skipped.sort_unstable();
    assert_eq!(
        skipped,
        [
            "graceful-shutdown",
            "health-endpoint",
            "rate-limit",
            "request-body-limit",
            "request-timeout"
        ]
    );
    assert_eq!(with_outcome(s, Outcome::Fail), ["metrics-endpoint"]);
}

#[test]
fn a_daemon_serving_its_own_cli_over_a_unix_socket_is_local() {
    let r = report_of("svc-purposes");
    let s = service(&r, "taskd");
    // The listener is in a module whose file differs per platform
    // (`#[cfg_attr(unix, path = "unix.rs")]`): both files are the daemon's code.
    assert_eq!(purposes(s), ["local taskd/src/unix.rs:3"]);
    assert!(
        s.purposes[0]
            .evidence
            .what
            .contains("task-cli/src/main.rs:7")
    );
    assert_eq!(
        with_outcome(s, Outcome::Pass),
        ["graceful-shutdown", "structured-logging"]
    );
    assert!(with_outcome(s, Outcome::Skipped).contains(&"metrics-endpoint"));
    for file in ["taskd/src/unix.rs", "taskd/src/windows.rs"] {
        assert!(
            r.findings
                .iter()
                .all(|f| !(f.check == "uncompiled-file" && f.file == file)),
            "{file} is compiled on some platform"
        );
    }
    // The client is no service.
    assert!(r.services.iter().all(|s| s.bin != "task-cli"));
    // An accept loop on a `TcpListener` is a network server, whatever Unix socket the code
    // also listens on for its own tasks (hyperqueue, twenty-eighth held-out set).
    let queue = service(&r, "jobqueue");
    assert_eq!(purposes(queue), ["tcp jobqueue/src/server.rs:5"]);
}

#[test]
fn a_socket_path_option_with_no_client_elsewhere_is_no_local_daemon() {
    // A listener's address type with a socket-path option beside its TCP address, which also
    // dials with it (xmpp-proxy's `SocketAddrPath`, thirty-sixth held-out set): the `connect`
    // in the listener's own file is no client the workspace ships.
    let r = report_of("svc-socketpath");
    let gate = service(&r, "stanzagate");
    assert_eq!(purposes(gate), ["tcp stanzagate/src/main.rs:10"]);
}

#[test]
fn a_grpc_server_on_a_unix_socket_is_no_network_api() {
    let r = report_of("svc-purposes");
    let s = service(&r, "devplugin");
    // The Unix socket's gRPC server is local IPC, no purpose beside the metrics port; the
    // gRPC method paths of the generated code are no HTTP routes.
    assert_eq!(purposes(s), ["http-metrics devplugin/src/metrics.rs:7"]);
    for check in HTTP_API_CHECKS {
        assert!(
            with_outcome(s, Outcome::Skipped).contains(&check),
            "{check}"
        );
    }
    assert_eq!(
        with_outcome(s, Outcome::Pass),
        [
            "graceful-shutdown",
            "metrics-endpoint",
            "structured-logging"
        ]
    );
}

#[test]
fn a_dns_server_framework_starts_a_datagram_service() {
    let r = report_of("svc-purposes");
    let s = service(&r, "geodns");
    assert_eq!(purposes(s), ["datagram geodns/src/main.rs:9"]);
    assert!(with_outcome(s, Outcome::Skipped).contains(&"graceful-shutdown"));
}

#[test]
fn a_health_port_beside_datagrams_is_an_operations_port() {
    let r = report_of("svc-purposes");
    let s = service(&r, "stunrelay");
    assert_eq!(purposes(s), ["http-metrics stunrelay/src/main.rs:9"]);
    assert_eq!(with_outcome(s, Outcome::Skipped), HTTP_API_CHECKS);
}

#[test]
fn a_udp_proxys_admin_port_is_an_admin_console() {
    let r = report_of("svc-purposes");
    let s = service(&r, "udpproxy");
    assert_eq!(purposes(s), ["http-console udpproxy/src/admin.rs:9"]);
    assert_eq!(with_outcome(s, Outcome::Skipped), HTTP_API_CHECKS);
}

#[test]
fn a_check_no_service_has_the_purpose_for_is_skipped_with_the_reason() {
    let r = report_of("svc-purposes");
    let c = r.checks.iter().find(|c| c.id == "health-endpoint").unwrap();
    assert_eq!(c.outcome, Outcome::Skipped);
    assert_eq!(
        c.reason.as_deref(),
        Some(
            "no http or grpc service: `broker` is http-console and tcp; `dashproxy` is http-console and proxy; `devplugin` is http-metrics; `geodns` is datagram; `jobqueue` is tcp; `relay` is tcp; `resolver` is datagram; `stunrelay` is http-metrics; `taskd` is local; `tunnel` is proxy; `udpproxy` is http-console"
        )
    );
    assert!(r.findings.iter().all(|f| f.check != "health-endpoint"));
}

/// The verdict and evidence of one check for one service: `pass file:line` or `fail`.
fn verdict(r: &Report, bin: &str, check: &str) -> String {
    let c = service(r, bin)
        .checks
        .iter()
        .find(|c| c.id == check)
        .unwrap();
    match (&c.outcome, &c.evidence) {
        (Outcome::Pass, Some(e)) => format!("pass {}:{}", e.file, e.line),
        (o, _) => format!("{o:?}"),
    }
}

#[test]
fn evidence_in_a_library_counts_only_in_code_the_service_runs() {
    let r = report_of("svc-reach");
    // Both services share the library; only the executor runs the fn that sets the timeout.
    assert_eq!(
        verdict(&r, "executor", "request-timeout"),
        "pass core/src/lib.rs:16"
    );
    assert_eq!(verdict(&r, "scheduler", "request-timeout"), "Fail");
    // A route registered in a fn the service calls counts, and so does a handler given to it
    // by name.
    assert_eq!(
        verdict(&r, "scheduler", "health-endpoint"),
        "pass core/src/lib.rs:11"
    );
    // `Self::limited()` inside `impl Uploads` is `Uploads::limited`.
    assert_eq!(
        verdict(&r, "scheduler", "request-body-limit"),
        "pass core/src/lib.rs:37"
    );
    // A generated server's decoding limit, set where the service adds it to a builder that a
    // library starts.
    assert_eq!(
        verdict(&r, "executor", "request-body-limit"),
        "pass executor/src/main.rs:7"
    );
    // `Self::routes()` in a trait's default method may be any implementor's.
    assert_eq!(
        verdict(&r, "gateway", "metrics-endpoint"),
        "pass core/src/lib.rs:62"
    );
    // abscissa's `boot(&APP)` runs the `Runnable::run` of a command the application's types
    // name; the bin that only runs `VersionCmd` is no service.
    assert_eq!(
        verdict(&r, "backup-server", "health-endpoint"),
        "pass backup/src/lib.rs:38"
    );
    assert!(r.services.iter().all(|s| s.bin != "backup-version"));
    // A parsed command line holds its subcommand: `cli.run()` dispatching through a field
    // (`if let Some(cmd) = &mut self.command { cmd.execute() }`) reaches `vaultd server`, whose
    // health handler is registered under a `use` alias (`health::health as health_endpoint`).
    assert_eq!(
        verdict(&r, "vaultd", "health-endpoint"),
        "pass vault/src/handlers/health.rs:1"
    );
    // A connection builder made in a static's initializer starts nothing: the admin command
    // that reads the static's store is no service; the bin whose accept loop serves with the
    // builder speaks HTTP (chorus, forty-seventh held-out set).
    assert!(r.services.iter().all(|s| s.bin != "relay-dump"));
    assert_eq!(
        purposes(service(&r, "relayd")),
        ["http relay/src/lib.rs:13"]
    );
}

#[test]
fn a_udp_side_feature_away_from_the_accept_loop_does_not_make_a_datagram_daemon() {
    let r = report_of("svc-purposes");
    let s = service(&r, "relay");
    assert_eq!(purposes(s), ["tcp relay/src/main.rs:13"]);
    assert_eq!(
        with_outcome(s, Outcome::Fail),
        ["graceful-shutdown", "metrics-endpoint"]
    );
}

#[test]
fn routes_registered_under_constants_make_an_api_not_a_metrics_exporter() {
    // brupop (thirty-first held-out set): only `/metrics` is a literal; the API's resources
    // and its health route (`/ping`, a constant of another workspace crate) are constants.
    let r = report_of("svc-const-routes");
    let s = service(&r, "nodeapi");
    assert_eq!(purposes(s), ["http nodeapi/src/main.rs:23"]);
    let health = s.checks.iter().find(|c| c.id == "health-endpoint").unwrap();
    assert_eq!(health.outcome, Outcome::Pass);
    let evidence = health.evidence.as_ref().unwrap();
    assert_eq!(evidence.file, "nodemodels/src/lib.rs");
    assert_eq!(
        with_outcome(s, Outcome::Fail),
        [
            "rate-limit",
            "request-body-limit",
            "request-timeout",
            "structured-logging"
        ]
    );
}
