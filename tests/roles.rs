//! Roles, crate-aware resolution and type hints on fixture workspaces that reproduce the cases
//! of issue 8: the exact file:line, role and severity of each finding of the built-in checks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

mod common;

use common::report_of as report;

/// `check file:line role severity` of the recommended policy's findings of `checks`.
fn findings(fixture: &str, checks: &[&str]) -> Vec<String> {
    report(fixture)
        .findings
        .iter()
        .filter(|f| checks.contains(&f.check.as_str()))
        .map(|f| {
            let role = f.role.map_or("-", |r| r.as_str());
            format!(
                "{} {}:{} {} {}",
                f.check,
                f.file,
                f.region.line,
                role,
                f.severity.as_str()
            )
        })
        .collect()
}

#[test]
fn blocking_calls_get_the_role_of_the_code_that_reaches_them() {
    assert_eq!(
        findings("roles-service", &["blocking-in-async"]),
        [
            // a clap CLI: async subcommands run once; its shell's loop waits for the user's
            // next line and serves nobody (the cli package is no service)
            "blocking-in-async cli/src/main.rs:30 startup note",
            "blocking-in-async cli/src/main.rs:35 startup note",
            "blocking-in-async cli/src/main.rs:40 startup note",
            // rocket: the handler is a request path, parse_args() in main is startup
            "blocking-in-async launch/src/main.rs:3 request error",
            "blocking-in-async launch/src/main.rs:8 startup note",
            // an actor's handlers (a bare `Handler<M>` from a glob of an actor crate) run when
            // their message is sent: a route sends `AddSchedule`, only a timer sends `Tick`
            "blocking-in-async web/src/actors.rs:15 request error",
            "blocking-in-async web/src/actors.rs:21 background note",
            // a task a route handler leaves to run: its loop reading a connection is the job's
            "blocking-in-async web/src/actors.rs:70 background note",
            // serve() runs before the server does; the handlers and the route closure serve
            "blocking-in-async web/src/api.rs:7 startup note",
            "blocking-in-async web/src/api.rs:10 request error",
            "blocking-in-async web/src/api.rs:17 request error",
            "blocking-in-async web/src/api.rs:21 request error",
            // a handler utoipa-axum registers by its `#[utoipa::path]` attribute
            "blocking-in-async web/src/api.rs:29 request error",
            // through a helper in a module naming nothing any check looks for (api/forget.rs)
            "blocking-in-async web/src/api.rs:37 request error",
            // a one-time lazy initialisation inside a handler
            "blocking-in-async web/src/api/cache.rs:13 startup note",
            // (cache.rs:31 is in a closure given to a wrapper that runs it in spawn_blocking)
            // main: before serving, a spawned task's loop over a channel (it consumes events:
            // no connection is accepted there), after serving
            "blocking-in-async web/src/main.rs:6 startup note",
            "blocking-in-async web/src/main.rs:10 event note",
            "blocking-in-async web/src/main.rs:16 startup note",
            // a task started from main whose loop waits only for a timer: periodic work
            "blocking-in-async web/src/main.rs:26 background note",
            // a task started from main: setup once, then a loop that waits for SIGHUP only
            "blocking-in-async web/src/main.rs:33 startup note",
            "blocking-in-async web/src/main.rs:40 startup note",
            // select! loops: a SIGHUP branch reloads (control code: its role is the fn's, here
            // unknown: a note), the accept branch serves, the jobs branch consumes a channel
            "blocking-in-async web/src/main.rs:55 unknown note",
            "blocking-in-async web/src/main.rs:58 request error",
            "blocking-in-async web/src/main.rs:74 unknown note",
            "blocking-in-async web/src/main.rs:77 event note",
            // loops at startup that wait for no event: a retry loop around a client call and
            // a poll until a deadline
            "blocking-in-async web/src/main.rs:89 startup note",
            "blocking-in-async web/src/main.rs:97 startup note",
            // a reload channel's loop and a file watcher's branch (behind a precondition) run
            // per reload or edit; the requests branch consumes a channel, and its local closure
            // `run` is not the fn `run` (which would spawn a process)
            "blocking-in-async web/src/main.rs:121 unknown note",
            "blocking-in-async web/src/main.rs:128 unknown note",
            "blocking-in-async web/src/main.rs:133 event note",
        ]
    );
}

#[test]
fn control_plane_code_beside_request_paths_is_not_a_request_path() {
    assert_eq!(
        findings("roles-control", &["blocking-in-async"]),
        [
            // an actor framework's `Handler` runs the pipeline's messages, not requests;
            // actix's serves a websocket session's
            "blocking-in-async src/actors.rs:13 unknown note",
            "blocking-in-async src/actors.rs:26 request error",
            // a client made on the first request for a key and kept in a static (for-loop and
            // guard lookups) is made once per key; without the memo it is made per request
            "blocking-in-async src/backend.rs:49 request error",
            // a job runner's loop (named so: `background_job::start`) takes queued work
            "blocking-in-async src/background_job.rs:8 background note",
            // a daemon whose main runs inside `worker.on(main_inner())`: its setup runs once,
            // the task it spawns per accepted connection serves
            "blocking-in-async src/bin/daemon.rs:17 startup note",
            "blocking-in-async src/bin/daemon.rs:23 request error",
            // walking a directory's entries at startup is no event loop
            "blocking-in-async src/cache.rs:8 startup note",
            // a daemon's components: the timer branch of a `select!` that also drains acks is
            // periodic work, the acks branch consumes events; a loop racing SIGHUP against ctrl-c runs
            // on an operator's signal; a component's loop on a runtime of its own in a thread
            // (`rt.block_on(..)` in the thread's closure, a `#[tokio::main]` method) stalls only
            // that component; a hand-written accept loop's per-connection task serves
            "blocking-in-async src/components.rs:18 background note",
            "blocking-in-async src/components.rs:21 event note",
            "blocking-in-async src/components.rs:35 startup note",
            "blocking-in-async src/components.rs:49 background note",
            "blocking-in-async src/components.rs:62 background note",
            // a lane taken out of a struct by a pattern (`let Lanes { actions: mut lane, .. } =
            // lanes;`) is typed by its field: its `start()` runs on the thread's runtime (uplink)
            "blocking-in-async src/components.rs:74 background note",
            "blocking-in-async src/components.rs:93 request error",
            // an accept loop serves on a runtime of its own too (`spawn_blocking(|| rt.block_on(
            // acceptor()))`; rumqttd's listeners), and so does the task it spawns per connection
            "blocking-in-async src/components.rs:135 request error",
            "blocking-in-async src/components.rs:137 request error",
            // a `match` on a parameter whose arm a request path's literal never selects
            // (`load(&body, "content")` into `"filepath" => std::fs::read_to_string(d)`: aralez,
            // heldout36) is not request code; one it does select (`read(&path, true)`) is
            "blocking-in-async src/conf.rs:6 unknown note",
            "blocking-in-async src/conf.rs:18 request error",
            // one channel fed by a webhook route and by a timer: the dispatcher's arm for the
            // webhook's event consumes events, the arm for the event the timer sends is
            // periodic work
            // the router of a test double (`TestHandler`), which only a `#[test]` builds
            // (curvine, heldout23 class 4)
            "blocking-in-async src/doubles.rs:12 unknown note",
            "blocking-in-async src/events.rs:29 event note",
            "blocking-in-async src/events.rs:32 background note",
            // a job that sleeps, then takes a lock's read guard, is a timer loop
            "blocking-in-async src/jobs.rs:10 background note",
            // the credentials given to `LazyCredential::new` are read on first use, and
            // `version()` fills a `OnceLock` after `get()` missed (no finding); a lazy static's
            // initialiser runs once, whatever thread it starts
            "blocking-in-async src/lazy.rs:29 startup note",
            // a watcher that a one-time initialiser spawns is a background job, event loop and
            // all
            "blocking-in-async src/lazy.rs:61 background note",
            // log writers: a logger's loop over the records handlers send it, and a task on a
            // runtime kept in a static for them, are background work; a `watch` receiver's
            // `changed()` drives a reload; a queue of requests consumes events (a note too: a
            // loop that accepts no connection takes no request from a network)
            "blocking-in-async src/logs.rs:10 background note",
            "blocking-in-async src/logs.rs:29 background note",
            "blocking-in-async src/logs.rs:38 startup note",
            "blocking-in-async src/logs.rs:46 event note",
            // `mqtt::Integration::new` reads a file, but the handler calls
            // `http::Integration::new`: only setup() at startup reaches the MQTT one
            "blocking-in-async src/main.rs:28 startup note",
            // a `gen-config` prompt loop waits for a person at a terminal, not for requests
            // a migration walking a table page by page is no event loop
            "blocking-in-async src/migration.rs:9 unknown note",
            // a download a route handler spawns and leaves to run is background work; a task
            // it awaits or joins is the request's, so is one feeding a channel the handler
            // reads (a streamed response), and so is the task an accept loop's helper spawns
            // per connection (heldout24 class 1, heldout28 class 5)
            // pingora's `ProxyHttp` methods serve every proxied request (proksi, heldout37)
            "blocking-in-async src/proxy.rs:18 request error",
            "blocking-in-async src/queue.rs:12 background note",
            "blocking-in-async src/queue.rs:19 request error",
            "blocking-in-async src/queue.rs:27 request error",
            "blocking-in-async src/queue.rs:36 request error",
            "blocking-in-async src/queue.rs:54 request error",
            // a session's loop that reads frames from its connection, and a loop over connections
            // that handles each peer's address (no `.accept()` in it), serve; an actor's loops
            // over its mailbox and an event consumer consume events
            "blocking-in-async src/sessions.rs:24 request error",
            "blocking-in-async src/sessions.rs:33 request error",
            "blocking-in-async src/sessions.rs:47 event note",
            "blocking-in-async src/sessions.rs:50 event note",
            // an agent's loop awaiting its own requests to a server (`client.worker_job().send()`)
            // takes no request from a network
            "blocking-in-async src/sessions.rs:77 event note",
            // a retry loop around a socket's accept loop removes the stale socket once per
            // restart (`let mut incoming = listener.incoming();` accepts nothing by itself, and
            // what the nested loop receives makes no event loop of the retry loop: background);
            // the loop walking `incoming` serves each connection
            "blocking-in-async src/sessions.rs:87 background note",
            "blocking-in-async src/sessions.rs:88 background note",
            "blocking-in-async src/sessions.rs:93 request error",
            // a handler that runs a pipeline on a runtime of its own in a thread: the pipeline's
            // blocking call stalls that runtime, not the server's (reached by nothing else)
            "blocking-in-async src/sessions.rs:113 unknown note",
            "blocking-in-async src/setup.rs:11 startup note",
            // a server made when its slot is empty (`if slot.is_some() { return }` then
            // `*slot = Some(new_server().await?)`) is made once, not per message
            "blocking-in-async src/slot.rs:13 startup note",
            // listeners bound on the first `accept` (`if self.rx.is_some() || .. { return }`,
            // then `self.rx = Some(..)`): once, not per connection (moq, heldout26 class 1)
            "blocking-in-async src/slot.rs:52 startup note",
            // a static once-cell filled by hand (`if let Some(a) = ACCOUNT.get() { return }`,
            // then `ACCOUNT.set(..)`): its fill writes once (aralez, heldout36)
            "blocking-in-async src/slot.rs:83 startup note",
            // a static once-cell's fallback (`OPTIONS.get().cloned().unwrap_or_else(|| read())`)
            // runs only before the cell is filled (pg_doorman, heldout37): no request error at
            // :110; `unwrap_or(read())` reads on every request
            "blocking-in-async src/slot.rs:114 request error",
            // an awaited `route(topic, handler)` subscribes with a message router: its handler
            // is no HTTP route's (reached by nothing else here)
            "blocking-in-async src/topics.rs:19 unknown note",
            // a recursive fn whose loop receives datagrams: it serves, event loop and all
            "blocking-in-async src/walk.rs:13 request error",
            // a channel asking the loop to spawn a source is control code; messages are events
            "blocking-in-async src/watch.rs:9 startup note",
            "blocking-in-async src/watch.rs:12 event note",
            // a watcher's callback owns the sender: once per edit; the jobs channel's events
            "blocking-in-async src/watch.rs:33 startup note",
            "blocking-in-async src/watch.rs:36 event note",
            // a plain loop driven by a watcher's channel: once per edit
            "blocking-in-async src/watch.rs:55 startup note",
            // a branch that only dispatches Shutdown / Reload commands is control code; the
            // jobs branch consumes events
            "blocking-in-async src/watch.rs:79 startup note",
            "blocking-in-async src/watch.rs:84 event note",
            // a plugin's loop of unit Connect / Close commands runs when the plugin starts or
            // stops; a queue whose `Job(..)` carries a request consumes events
            "blocking-in-async src/watch.rs:109 startup note",
            "blocking-in-async src/watch.rs:121 event note",
            // a `select!` of a period and shutdown is a timer loop: background work
            "blocking-in-async src/watch.rs:136 background note",
            // walking an order's authorizations is no event loop; its events stream is one
            "blocking-in-async src/watch.rs:163 startup note",
            "blocking-in-async src/watch.rs:167 event note",
            // `RecommendedWatcher::new(move |res| tx.blocking_send(res), ..)`: once per edit
            "blocking-in-async src/watch.rs:185 startup note",
            // a monitor a handler spawns (bound to a local, spawned by name) and leaves to
            // run: its timer loop, and what the loop calls, is background work
            "blocking-in-async src/watch.rs:201 background note",
            "blocking-in-async src/watch.rs:222 background note",
            // a resubscribing loop: subscribing (`watch_events()`) receives nothing, so what
            // runs once per subscription is background work; the stream's own loop consumes
            // events (nanocl, thirty-ninth held-out set)
            "blocking-in-async src/watch.rs:244 background note",
            "blocking-in-async src/watch.rs:246 event note",
        ]
    );
}

#[test]
fn without_a_service_an_event_loop_serves_nobody() {
    // oha-like: a CLI's progress loop, spawned from main; the service model finds no service,
    // so its loop is no request root and the blocking call in it runs in main's role
    assert_eq!(
        findings("roles-cli", &["blocking-in-async"]),
        [
            "blocking-in-async src/main.rs:6 startup note",
            "blocking-in-async src/main.rs:14 startup note",
        ]
    );
}

#[test]
fn calls_resolve_within_the_crate_and_its_workspace_dependencies() {
    assert_eq!(
        findings("crate-resolution", &["blocking-in-async"]),
        [
            // cli's own call_server; web's same-named async fn (api.rs:9) is not it
            "blocking-in-async cli/src/main.rs:7 startup note",
            // `pub use config::files::load as load_settings` in the dependency app-core
            // `native::Server::accept`, a same-named type's method no bin reaches: the
            // handler's `Server::bind(..)?` is `rtmp`'s (heldout26 class 1)
            "blocking-in-async native/src/lib.rs:8 unknown note",
            "blocking-in-async rtmp/src/lib.rs:11 request error",
            "blocking-in-async web/src/api.rs:17 request error",
            // `pub use self::files::*` in app-core's config module
            "blocking-in-async web/src/api.rs:18 request error",
            // and not web/src/api.rs:41: a handler generic over `T: NodeClient` calls
            // `NodeClient::uncordon`, not the same-named method of `ApiClient`, a trait its
            // module does not import (agent.rs:12 blocks; heldout31 class 1)
        ]
    );
}

#[test]
fn type_hints_resolve_methods_and_tell_locks_from_other_receivers() {
    assert_eq!(
        findings(
            "hints-service",
            &["blocking-in-async", "guard-across-await", "lock-unwrap"]
        ),
        [
            // password hashing reached from a login handler
            "blocking-in-async src/auth.rs:18 request error",
            "blocking-in-async src/auth.rs:20 request error",
            "blocking-in-async src/auth.rs:21 request error",
            "blocking-in-async src/auth.rs:22 request error",
            "blocking-in-async src/auth.rs:23 request error",
            "blocking-in-async src/auth.rs:25 request error",
            // `users::User::set_password`, not `oidc`'s alias of the same name
            "blocking-in-async src/auth.rs:26 request error",
            // helpers that name no needle, followed from their tokens: a parameter typed
            // `&mut User`, a local bound to a struct literal; `rename` blocks on nothing
            "blocking-in-async src/auth.rs:27 request error",
            "blocking-in-async src/auth.rs:28 request error",
            // the workspace's `Limited::stat`; not opendal's `Operator::stat` (the workspace
            // implements a trait of its own for `Operator`, without `stat`), nor the closures
            // that `on_finished()` / `boxed()` return for later
            "blocking-in-async src/hooks.rs:43 request error",
            // `for filter in &filters { filter.admit(..) }` over a `Vec<Box<dyn Filter>>`: any
            // impl may run, `Password`'s bcrypt among them
            "blocking-in-async src/hooks.rs:100 request error",
            // `let mut registry = DeviceRegistry::load(..)?; registry.save()?` (Profile has a
            // `save` too: the `let` decides)
            "blocking-in-async src/main.rs:26 request error",
            "blocking-in-async src/main.rs:28 request error",
            // a DNS lookup as a `match` scrutinee
            "blocking-in-async src/main.rs:36 request error",
            // a closure called synchronously inside the handler
            "blocking-in-async src/main.rs:46 request error",
            // `self.hits` is an `Arc<Mutex<u64>>`: a lock; `self.db.read()` opens a
            // transaction: not a guard; `counter`'s type is unknown: one level lower
            "guard-across-await src/state.rs:27 request error",
            // lock-unwrap is a note in `recommended` since main's 65ebc3d (std endorses
            // `lock().unwrap()`)
            "lock-unwrap src/state.rs:27 - note",
            "guard-across-await src/state.rs:39 unknown warning",
        ]
    );
}

#[test]
fn a_library_without_a_binary_reports_its_public_async_api_as_library() {
    assert_eq!(
        findings("roles-library", &["blocking-in-async"]),
        [
            // a hyper client's connector (`Service<Uri>`) serves no request; a
            // `Service<Request<_>>` does
            "blocking-in-async src/connector.rs:27 unknown note",
            "blocking-in-async src/connector.rs:47 request error",
            "blocking-in-async src/lib.rs:4 library warning",
            // an event loop over a channel consumes events: no request from a network
            "blocking-in-async src/lib.rs:13 event note",
        ]
    );
}

#[test]
fn a_task_spawned_per_request_is_unbounded_one_spawned_at_startup_is_not() {
    assert_eq!(
        findings("roles-spawn", &["unbounded-spawn"]),
        // unbounded-spawn is a note since main's 5d6af91 (its accept-loop findings are
        // accept-loop-spawn's); the role still decides which spawn it reports
        ["unbounded-spawn src/server.rs:13 request note"]
    );
}

#[test]
fn a_finding_carries_the_path_from_its_root_and_the_chain() {
    let r = report("roles-service");
    let f = r
        .findings
        .iter()
        .find(|f| {
            f.check == "blocking-in-async" && f.file == "web/src/api.rs" && f.region.line == 17
        })
        .unwrap();
    let steps: Vec<String> = f
        .related
        .iter()
        .map(|r| format!("{}:{} {}", r.file, r.line, r.message))
        .collect();
    assert_eq!(
        steps,
        [
            "web/src/main.rs:5 `main` runs at startup",
            "web/src/main.rs:15 `main` calls `api::serve`",
            "web/src/api.rs:9 `api::list_items` is registered as a handler here",
            "web/src/store.rs:1 `store::load_all` calls `store::read_db`",
            "web/src/store.rs:5 `store::read_db` calls `std::fs::read_to_string`",
        ]
    );
    let json = serde_json::to_value(f).unwrap();
    assert_eq!(json["role"], "request");
}

#[test]
fn a_recursive_event_loop_shows_its_step_once() {
    let r = report("roles-control");
    let f = r
        .findings
        .iter()
        .find(|f| f.check == "blocking-in-async" && f.file == "src/walk.rs")
        .unwrap();
    let steps: Vec<&str> = f.related.iter().map(|r| r.message.as_str()).collect();
    assert_eq!(
        steps,
        ["`walk::walk` reaches `walk::walk` in an event loop"]
    );
}

#[test]
fn startup_only_blocking_does_not_make_a_service_not_ready() {
    let manifest = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/roles-service/Cargo.toml");
    let opts = cargo_ready::Options {
        manifest_path: Some(manifest),
        selection: cargo_ready::Selection {
            include: vec!["cli".into()],
            exclude: Vec::new(),
        },
        overrides: cargo_ready::config::CliOverrides {
            policies: vec!["recommended".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let (r, _) = cargo_ready::analyze(&opts).unwrap();
    let check = r
        .checks
        .iter()
        .find(|c| c.id == "blocking-in-async")
        .unwrap();
    // three findings, all notes (a CLI's subcommands and its shell): the check fails at
    // severity note
    assert_eq!((check.findings, check.severity.as_str()), (3, "note"));
    let cat = r
        .categories
        .iter()
        .find(|c| c.id == "async-hygiene")
        .unwrap();
    assert!(!cat.blockers.contains(&"blocking-in-async".to_string()));
    // the whole service (web has request-path findings) is blocked by it
    let all = report("roles-service");
    let check = all
        .checks
        .iter()
        .find(|c| c.id == "blocking-in-async")
        .unwrap();
    assert_eq!(check.severity.as_str(), "error");
}
