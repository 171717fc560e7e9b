//! The syntax-aware kinds on fixture workspaces: exact check ids, files and lines.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::path::PathBuf;

fn findings(fixture: &str) -> Vec<(String, String, u32, String)> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(fixture)
        .join("Cargo.toml");
    let opts = cargo_ready::Options {
        manifest_path: Some(manifest),
        ..Default::default()
    };
    let (report, _) = cargo_ready::analyze(&opts).unwrap();
    report
        .findings
        .into_iter()
        .map(|f| (f.check, f.file, f.region.line, f.message))
        .collect()
}

fn located(fixture: &str) -> Vec<String> {
    findings(fixture)
        .into_iter()
        .map(|(c, f, l, _)| format!("{c} {f}:{l}"))
        .collect()
}

#[test]
fn call_kind_resolves_paths_contexts_and_test_code() {
    assert_eq!(
        located("syntax-call"),
        [
            // text checks still run on a file that does not parse
            "todo-comment src/broken.rs:1",
            "parse-error src/broken.rs:2",
            // aliased std::fs in async: flagged; tokio::fs on line 10: not
            "blocking-fs-in-async src/main.rs:9",
            "unwrap-used src/main.rs:9",
            "unwrap-used src/main.rs:10",
            // line 12 (spawn_blocking closure): not; line 14 (async block inside it): flagged
            "blocking-fs-in-async src/main.rs:14",
            // sync helper chain
            "blocking-fs-in-async src/main.rs:18",
            // unwrap inside format! inside println!
            "unwrap-used src/main.rs:19",
            // orphan.rs: not compiled, its unwrap not counted; registry/tests.rs: test code
            "uncompiled-file src/orphan.rs:1",
        ]
    );
}

#[test]
fn interprocedural_message_names_the_chain() {
    let all = findings("syntax-call");
    let chain = all
        .iter()
        .find(|(c, _, l, _)| c == "blocking-fs-in-async" && *l == 18)
        .unwrap();
    assert_eq!(
        chain.3,
        "blocking call reached from async code: `registry.save()` → `DeviceRegistry::save` → `registry::persist` → `std::fs::write`"
    );
}

#[test]
fn held_across_await() {
    let all = findings("syntax-held");
    let got: Vec<String> = all
        .iter()
        .map(|(c, f, l, m)| format!("{c} {f}:{l} {m}"))
        .collect();
    assert_eq!(
        got,
        [
            "guard-held src/lib.rs:4 guard `g` from `.lock()` is held across the `.await` on line 5",
            // #[allow(clippy::await_holding_lock)] does not hide it
            "guard-held src/lib.rs:11 guard `g` from `.write()` is held across the `.await` on line 13",
        ]
    );
}

#[test]
fn ignored_result_forms() {
    assert_eq!(
        located("syntax-ignored"),
        [
            "ignored-send src/lib.rs:5",
            "ignored-send src/lib.rs:6",
            "ignored-send src/lib.rs:7",
        ]
    );
}

#[test]
fn presence_follows_nest_and_ignores_test_code() {
    // svc-a has /health under .nest("/api", …) in another module: present.
    // svc-b has no health route; svc-c only in a #[cfg(test)] module.
    assert_eq!(
        located("syntax-presence"),
        [
            "health-route svc-b/src/main.rs:1",
            "health-route svc-c/src/main.rs:1"
        ]
    );
}

#[test]
fn mod_declared_inside_a_macro_invocation_is_compiled() {
    assert_eq!(
        located("syntax-macro-mod"),
        [
            // net.rs is declared inside `cfg_net! { .. }`: production code
            "unwrap-used src/net.rs:2",
            "uncompiled-file src/orphan.rs:1",
        ]
    );
}

#[test]
fn modules_declared_in_cfg_select_cfg_if_and_attribute_macros_are_compiled() {
    assert_eq!(
        located("macro-modules"),
        [
            // declared by `include_modules!();`, a `macro_rules!` of modules.rs
            "no-unwrap src/declared_by_macro.rs:2",
            // `cfg_select!` arms: both compiled and scanned
            "no-unwrap src/fallback.rs:2",
            // `feature! { #![..] .. }`: items after the inner attribute
            "no-unwrap src/lib.rs:32",
            // `impl Driver { cfg_io! { fn io(&self) .. } }`
            "no-unwrap src/lib.rs:43",
            // `trait Source { cfg_io! { fn read(&self) .. } }`
            "no-unwrap src/lib.rs:51",
            // the `else` branch of a `cfg_if!` whose `if #[cfg(test)]` branch (line 59) is test
            // code, as is the `#[cfg(test)] mod` inside `cfg_io!` (line 73)
            "no-unwrap src/lib.rs:63",
            "no-unwrap src/net.rs:2",
            // only_tests.rs: declared in a `cfg(test)` branch → test code, not reported
            "uncompiled-file src/orphan.rs:1",
            "no-unwrap src/other.rs:2",
            "no-unwrap src/rate_limit.rs:2",
            "no-unwrap src/unix.rs:2",
        ]
    );
}

#[test]
fn expressions_inside_json_select_join_and_tracing_macros_are_checked() {
    assert_eq!(
        located("macro-exprs"),
        [
            // `json!({ "x": helper() })`: the interprocedural chain through the argument
            "blocking-in-async src/main.rs:9",
            // a value nested in an object in an array in an object
            "blocking-in-async src/main.rs:10",
            // `tokio::select!` block arms without commas, after `biased;`
            "blocking-in-async src/main.rs:21",
            "no-unwrap src/main.rs:21",
            // an arm with an `if` guard
            "blocking-in-async src/main.rs:25",
            "no-unwrap src/main.rs:25",
            // `else =>`
            "blocking-in-async src/main.rs:27",
            // `tokio::join!` / `try_join!` async blocks
            "blocking-in-async src/main.rs:33",
            "blocking-in-async src/main.rs:34",
            "no-unwrap src/main.rs:34",
            // `futures::select!` expression arm
            "blocking-in-async src/main.rs:36",
            // tracing field `value = %x.unwrap()`
            "no-unwrap src/main.rs:43",
            // the braces of an `html!` template hold code
            "no-unwrap src/main.rs:47",
            // maud's `@for item in items.unwrap()` is no Rust: said where, and the rest of the
            // file is still checked; the test module's `json!` / `select!` unwraps (lines 60,
            // 61) are test code
            "parse-error src/main.rs:51",
        ]
    );
    let all = findings("macro-exprs");
    let note = all.iter().find(|(c, ..)| c == "parse-error").unwrap();
    assert!(
        note.3
            .starts_with("part of the body of `maud::html!` does not parse"),
        "{}",
        note.3
    );
}
