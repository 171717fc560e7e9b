//! The built-in catalogue (`--policy recommended`) on the syntax fixtures: the right ids fire
//! on the right lines, and nothing else of the syntax-aware checks fires.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::report_of;
use std::collections::BTreeSet;

const SYNTAX_CHECKS: &[&str] = &[
    "no-unwrap",
    "no-panic",
    "blocking-in-async",
    "guard-across-await",
    "lock-unwrap",
    "detached-thread",
    "unbounded-spawn",
    "ignored-cleanup",
    "ignored-send-error",
    "health-endpoint",
    "parse-error",
    "uncompiled-file",
];

fn fired(fixture: &str) -> BTreeSet<String> {
    report_of(fixture)
        .findings
        .iter()
        .filter(|f| SYNTAX_CHECKS.contains(&f.check.as_str()))
        .map(|f| format!("{} {}:{}", f.check, f.file, f.region.line))
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn calls_contexts_chain_parse_errors_and_uncompiled_files() {
    let expected = set(&[
        "blocking-in-async src/main.rs:9",  // aliased std::fs in async
        "blocking-in-async src/main.rs:14", // async block inside spawn_blocking
        "blocking-in-async src/main.rs:18", // registry.save() → … → std::fs::write
        "no-unwrap src/main.rs:9",
        "no-unwrap src/main.rs:10",
        "no-unwrap src/main.rs:19", // inside format! arguments
        "parse-error src/broken.rs:2",
        "uncompiled-file src/orphan.rs:1",
    ]);
    assert_eq!(fired("syntax-call"), expected);
}

#[test]
fn guards_across_await_and_lock_unwraps() {
    let expected = set(&[
        "guard-across-await src/lib.rs:4",
        "guard-across-await src/lib.rs:11", // hidden by #[allow(clippy::await_holding_lock)]
        "lock-unwrap src/lib.rs:4",
        "lock-unwrap src/lib.rs:11",
        "lock-unwrap src/lib.rs:17",
        "lock-unwrap src/lib.rs:24",
        "lock-unwrap src/lib.rs:37",
        // no `no-unwrap` on these lines: lock-unwrap supersedes it (one hazard, one finding)
    ]);
    assert_eq!(fired("syntax-held"), expected);
}

#[test]
fn ignored_results() {
    let expected = set(&[
        "ignored-cleanup src/lib.rs:5",
        "ignored-send-error src/lib.rs:6",
        "ignored-send-error src/lib.rs:7",
        "no-unwrap src/lib.rs:11",
    ]);
    assert_eq!(fired("syntax-ignored"), expected);
}

#[test]
fn health_route_under_a_nested_prefix_counts() {
    let expected = set(&[
        "health-endpoint svc-b/src/main.rs:1",
        "health-endpoint svc-c/src/main.rs:1",
    ]);
    assert_eq!(fired("syntax-presence"), expected);
}

#[test]
fn files_named_by_include_like_macros_are_compiled() {
    assert_eq!(
        fired("syntax-include"),
        set(&["uncompiled-file src/orphan.rs:1"])
    );
}

#[test]
fn ambiguous_names_do_not_make_blocking_chains() {
    // `cors::init` shares its name with the blocking `config::init`, and `cache.get` with
    // `Settings::get`: neither is flagged; the qualified `Settings::get()` is (line 29).
    assert_eq!(
        fired("syntax-ambiguous"),
        set(&["blocking-in-async src/main.rs:29"])
    );
}

#[test]
fn cfg_predicates_decide_test_code() {
    // `all(test, not(loom))`, a file-level `#![cfg(test)]` and a test-only feature
    // (`any(test, feature = "testing")`: test support by convention) are test code;
    // `not(test)` is compiled into production.
    assert_eq!(fired("syntax-cfg"), set(&["no-unwrap src/lib.rs:18"]));
}

#[test]
fn an_item_that_does_not_parse_leaves_the_rest_of_the_file_checked() {
    // `untouched.rs` does not parse either, but names nothing a check looks for (`io` only
    // inside `Option`): it is not parsed, so not reported.
    assert_eq!(
        fired("syntax-partial"),
        set(&["no-unwrap src/lib.rs:7", "parse-error src/lib.rs:4"])
    );
}

#[test]
fn hand_written_routes_count_as_health_endpoints() {
    // `path() == "/health"`, `match path() { "/livez" | … }` and a segment dispatcher's
    // `match path.next() { Some("health") => … }` route; a bare literal, a command line's
    // `Some("health")` and a nested resource's `Some("status")` do not.
    assert_eq!(
        fired("syntax-handrouted"),
        set(&[
            "health-endpoint none/src/main.rs:1",
            "health-endpoint segnone/src/main.rs:1"
        ])
    );
    // Its `Some("api")` and `Some("health")` arms are routes of its own beside `metrics`:
    // an HTTP service, not a metrics exporter.
    let r = report_of("syntax-handrouted");
    let segments = common::service(&r, "segments");
    assert_eq!(segments.protocols, ["http"]);
}

#[test]
fn chain_findings_point_at_each_step() {
    let report = report_of("syntax-call");
    let chain = report
        .findings
        .iter()
        .find(|f| f.check == "blocking-in-async" && f.region.line == 18)
        .expect("the registry.save() chain");
    let steps: Vec<String> = chain
        .related
        .iter()
        .map(|r| format!("{}:{} {}", r.file, r.line, r.message))
        .collect();
    assert_eq!(
        steps,
        [
            // the path from the root of the call's role, then the chain
            "src/main.rs:8 `main` runs at startup",
            "src/registry.rs:10 `DeviceRegistry::save` calls `registry::persist`",
            "src/registry.rs:15 `registry::persist` calls `std::fs::write`",
        ]
    );
}
