//! What a detected service is *for*, read from the code of its closure (never from its name):
//! each server start gets a [`Purpose`], with the place that decided it.
//!
//! - A framework's HTTP start is an API (`http`), unless its code routes only metrics
//!   (`http-metrics`), forwards what it receives and routes nothing of its own (`proxy`:
//!   `copy_bidirectional`, HTTP `CONNECT`, a reverse-proxy crate), or is started from a module
//!   or fn named `console`/`admin`/`dashboard`/`management` beside a server of another protocol
//!   (`http-console`, a broker's status pages, a UDP proxy's admin port).
//! - A gRPC start is `grpc`.
//! - An accept loop (or actix-server) is `proxy` when the code forwards connections, else
//!   `datagram` when the code receives UDP datagrams (a DNS or NTP daemon whose TCP listener
//!   serves the same short exchanges), else `local` when it listens on a Unix socket for a
//!   client the workspace ships and serves no HTTP or gRPC, else `tcp` (a protocol of its own).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use super::StartFact;
use super::forms::line_of;
use super::services::{Inputs, is_production};
use super::visit::{has_word, words};
use crate::kinds::service::{FRAMEWORKS, Purpose};
use crate::model::Evidence;

/// One purpose of a service and the place that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeFact {
    /// The purpose.
    pub purpose: Purpose,
    /// Where the code says so, and why.
    pub evidence: Evidence,
}

/// A marker in the code and what it tells.
struct Marker {
    regex: Option<Regex>,
    what: &'static str,
}

fn marker(re: &str, what: &'static str) -> Marker {
    Marker {
        regex: Regex::new(re).ok(),
        what,
    }
}

/// Forwarding bytes or requests: a tunnel, a forward or reverse proxy.
static FORWARDS: LazyLock<Marker> = LazyLock::new(|| {
    marker(
        r"\bcopy_bidirectional(?:_with_sizes)?\s*\(|\bMethod::CONNECT\b|\b(?:hyper_reverse_proxy|axum_reverse_proxy|pingora_proxy)::",
        "forwards connections or requests",
    )
});

/// Receiving UDP datagrams.
static DATAGRAMS: LazyLock<Marker> = LazyLock::new(|| {
    marker(
        r"\.recv_from\s*\(|\.recv_msg\s*\(|\bsend_from_to\s*\(|\bUdpStream\s*(?:::\s*<[^>]*>\s*)?::\s*with_bound\b|\bUdpFramed::new\b",
        "receives UDP datagrams",
    )
});

/// Listening on a Unix socket.
static UNIX_LISTENER: LazyLock<Marker> = LazyLock::new(|| {
    marker(
        r"\bUnixListener::bind\b|\bUnixSocket::new_stream\b|\bUnixListener::from_std\b|\bUnixListenerStream::new\b",
        "listens on a Unix socket",
    )
});

/// Connecting to a Unix socket (a client of a local daemon).
static UNIX_CLIENT: LazyLock<Marker> =
    LazyLock::new(|| marker(r"\bUnixStream::connect\b", "connects to a Unix socket"));

/// Names of the modules and fns that start an admin console.
static CONSOLE_NAME: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[_/.])(?:console|admin|dashboard|management|mgmt)(?:$|[_/.])").ok()
});

/// What the service's code shows, once per service.
struct Shown<'r> {
    forwards: Option<Evidence>,
    unix_listener: Option<Evidence>,
    routes: &'r Routes,
}

/// What the routes of a service's code are.
pub struct Routes {
    /// Metrics routes (or a Prometheus exporter) and nothing else.
    pub metrics_only: bool,
    /// A route other than metrics.
    pub own_route: bool,
    /// Metrics, and otherwise only the root, liveness and readiness routes: an operations
    /// port when a server of another protocol runs beside it (unFTP's FTP daemon).
    pub operations_only: bool,
}

/// The purposes of a service with these starts, over the production code of `files` (the
/// service's closure; a local daemon's client is looked for in the whole workspace), given
/// what its routes are.
pub fn purposes_of(
    inputs: &Inputs,
    starts: &[(usize, StartFact)],
    files: &[usize],
    routes: &Routes,
) -> Vec<PurposeFact> {
    // The files that start a server first: the marker nearest the server is the evidence.
    let mut ordered: Vec<usize> = starts.iter().map(|(i, _)| *i).collect();
    ordered.dedup();
    ordered.extend(
        files
            .iter()
            .filter(|i| !ordered.contains(i))
            .copied()
            .collect::<Vec<_>>(),
    );
    let shown = Shown {
        forwards: first(inputs, &ordered, &FORWARDS),
        unix_listener: first(inputs, &ordered, &UNIX_LISTENER),
        routes,
    };
    let base = |s: &StartFact| s.framework.map_or(Purpose::Tcp, |f| FRAMEWORKS[f].protocol);
    // Another protocol beside HTTP: an accept loop, or UDP datagrams received without one
    // (a UDP proxy whose only HTTP server is its admin port).
    let other_protocol = starts
        .iter()
        .any(|(_, s)| matches!(base(s), Purpose::Tcp | Purpose::Datagram))
        || first(inputs, &ordered, &DATAGRAMS).is_some();
    let web = starts
        .iter()
        .any(|(_, s)| matches!(base(s), Purpose::Http | Purpose::Grpc));
    let mut out: BTreeMap<Purpose, Evidence> = BTreeMap::new();
    let mut on_tcp = None;
    for (i, s) in starts {
        let at = |what: String| Evidence {
            file: inputs
                .ws
                .files
                .get(*i)
                .map(|f| f.path.clone())
                .unwrap_or_default(),
            line: s.line,
            what,
        };
        let fact = match base(s) {
            Purpose::Http => http_purpose(inputs, &shown, (*i, s), other_protocol, at),
            Purpose::Tcp => {
                let near = same_dir(inputs, files, *i);
                if on_tcp.is_none() && accepts_on_tcp(inputs, *i) {
                    on_tcp = Some(at(s.what.clone()));
                }
                stream_purpose(inputs, &shown, web, at(s.what.clone()), &near)
            }
            Purpose::Grpc => match unix_incoming(inputs, *i) {
                Some(u) => (
                    Purpose::Local,
                    because(&u, "(tonic serves its connections)"),
                ),
                None => (Purpose::Grpc, at(s.what.clone())),
            },
            other => (other, at(s.what.clone())),
        };
        out.entry(fact.0).or_insert(fact.1);
    }
    // A Unix control socket beside a network server (a daemon's `ctl` socket) is not what the
    // service is for: `local` is a daemon that listens on nothing else.
    if out.len() > 1 {
        out.remove(&Purpose::Local);
    }
    // Nor does one make local a daemon whose accept loop takes TCP connections (hyperqueue's
    // server accepts its clients on `0.0.0.0`; its worker's Unix socket serves the tasks it
    // runs).
    if let (true, Some(tcp)) = (out.keys().eq([&Purpose::Local]), on_tcp) {
        out.clear();
        out.insert(Purpose::Tcp, tcp);
    }
    // An HTTP API beside a proxy's forwarding is the proxy's management API (a dashboard's
    // controller): an admin console, not a web application that takes uploads.
    if out.contains_key(&Purpose::Proxy)
        && let Some(api) = out.remove(&Purpose::Http)
    {
        let what = format!("{}: the management API of a proxy", api.what);
        out.entry(Purpose::HttpConsole)
            .or_insert(Evidence { what, ..api });
    }
    out.into_iter()
        .map(|(purpose, evidence)| PurposeFact { purpose, evidence })
        .collect()
}

/// Frameworks whose server answers JSON-RPC methods (its routes are only its middleware's).
const JSON_RPC: &[&str] = &["jsonrpsee", "jsonrpsee-server"];

/// An HTTP server start: API, metrics exporter, proxy or admin console.
fn http_purpose(
    inputs: &Inputs,
    shown: &Shown,
    (i, s): (usize, &StartFact),
    other_protocol: bool,
    at: impl Fn(String) -> Evidence,
) -> (Purpose, Evidence) {
    // A JSON-RPC server's API is its methods, not its routes: the paths it shows are the
    // probes and metrics of its HTTP middleware (rollup-boost's `/healthz` layer in front of
    // the engine API, thirty-seventh held-out set).
    if s.framework
        .and_then(|f| FRAMEWORKS.get(f))
        .is_some_and(|f| JSON_RPC.contains(&f.krate))
    {
        return (Purpose::Http, at(format!("{}; a JSON-RPC server", s.what)));
    }
    if shown.routes.metrics_only {
        return (
            Purpose::HttpMetrics,
            at(format!("{}; it routes only metrics", s.what)),
        );
    }
    if shown.routes.operations_only && other_protocol {
        return (
            Purpose::HttpMetrics,
            at(format!(
                "{}; it routes only metrics and health checks, beside a server of another \
                 protocol",
                s.what
            )),
        );
    }
    if let (Some(f), false) = (&shown.forwards, shown.routes.own_route) {
        return (Purpose::Proxy, because(f, "and routes nothing of its own"));
    }
    let path = inputs.ws.files.get(i).map_or("", |f| f.path.as_str());
    let console = CONSOLE_NAME
        .as_ref()
        .is_some_and(|re| re.is_match(path) || re.is_match(&s.func))
        || starts_a_console(inputs, i, s.line);
    if console && other_protocol {
        return (
            Purpose::HttpConsole,
            at(format!(
                "{} in an admin console, beside a server of another protocol",
                s.what
            )),
        );
    }
    (Purpose::Http, at(s.what.clone()))
}

/// Does the line that starts a server name an admin console among the `_`-separated words of
/// its identifiers (bioyino's `hyper::Server::bind(&mgmt_listen).serve(management::MgmtServer(..))`
/// in its `main`, beside the StatsD daemon's own listeners; forty-eighth held-out set)?
fn starts_a_console(inputs: &Inputs, i: usize, line: u32) -> bool {
    let Some(text) = inputs.texts.get(i) else {
        return false;
    };
    let Some(at) = (line as usize).checked_sub(1) else {
        return false;
    };
    text.as_str().lines().nth(at).is_some_and(names_a_console)
}

/// Does a line name an admin console among the words of its identifiers?
fn names_a_console(line: &str) -> bool {
    words(line).any(|w| has_word(w, CONSOLE_WORDS))
}

/// Words that name an admin console.
const CONSOLE_WORDS: &[&str] = &["console", "admin", "dashboard", "management", "mgmt"];

/// An accept loop or actix-server: proxy, datagram daemon, local daemon or a TCP protocol.
/// The datagrams must be received beside the accept loop (`near`: its file's directory): a
/// UDP side feature elsewhere (a proxy's UDP frontend, a shared library's socket) does not
/// make a datagram daemon of a TCP server.
fn stream_purpose(
    inputs: &Inputs,
    shown: &Shown,
    web: bool,
    start: Evidence,
    near: &[usize],
) -> (Purpose, Evidence) {
    if let Some(f) = &shown.forwards {
        return (Purpose::Proxy, because(f, ""));
    }
    if let Some(d) = first(inputs, near, &DATAGRAMS) {
        let beside = format!(
            "(its TCP listener at {}:{} serves the same daemon)",
            start.file, start.line
        );
        return (Purpose::Datagram, because(&d, &beside));
    }
    if let (Some(u), false) = (&shown.unix_listener, web) {
        // The client is in another file: a listener's own address type that connects too
        // (xmpp-proxy's `SocketAddrPath`, whose `connect` dials the upstream server with the
        // socket path as an option beside its `TcpListener::bind`; thirty-sixth held-out set)
        // ships no client of the daemon.
        let all: Vec<usize> = (0..inputs.ws.files.len())
            .filter(|&i| inputs.ws.files.get(i).is_some_and(|f| f.path != u.file))
            .collect();
        if let Some(c) = first(inputs, &all, &UNIX_CLIENT) {
            return (
                Purpose::Local,
                because(
                    u,
                    &format!("for a client the workspace ships ({}:{})", c.file, c.line),
                ),
            );
        }
    }
    (Purpose::Tcp, start)
}

/// Does the accept loop in file `i` take TCP connections: the file names a `TcpListener` and
/// no Unix listener?
fn accepts_on_tcp(inputs: &Inputs, i: usize) -> bool {
    first(inputs, &[i], &TCP_LISTENER).is_some() && first(inputs, &[i], &UNIX_LISTENER).is_none()
}

/// A gRPC server given a Unix socket's connections (`serve_with_incoming(UnixListenerStream::new(
/// UnixListener::bind(p)?))`, in the file that starts it, with no TCP listener there): node-local
/// IPC for a kubelet or a CLI, not a network API (akri's device plugins, bpfman's daemon;
/// seventeenth and eighteenth held-out sets). The Unix listener is the evidence.
fn unix_incoming(inputs: &Inputs, i: usize) -> Option<Evidence> {
    let text = inputs.texts.get(i)?;
    let text = text.as_str();
    if !text.contains("serve_with_incoming") || TCP_LISTENER.regex.as_ref()?.is_match(text) {
        return None;
    }
    first(inputs, &[i], &UNIX_LISTENER)
}

/// Listening on TCP.
static TCP_LISTENER: LazyLock<Marker> = LazyLock::new(|| {
    marker(
        r"\bTcpListener(?:Stream)?\b|\bTcpIncoming\b",
        "listens on TCP",
    )
});

/// The service's files in the directory of file `i` (it first).
fn same_dir(inputs: &Inputs, files: &[usize], i: usize) -> Vec<usize> {
    let dir = |j: usize| {
        inputs
            .ws
            .files
            .get(j)
            .map(|f| f.path.rsplit_once('/').map_or("", |(d, _)| d).to_string())
    };
    let here = dir(i);
    let mut out = vec![i];
    out.extend(files.iter().filter(|&&j| j != i && dir(j) == here));
    out
}

/// `e` with a longer reason.
fn because(e: &Evidence, more: &str) -> Evidence {
    let what = if more.is_empty() {
        e.what.clone()
    } else {
        format!("{} {more}", e.what)
    };
    Evidence {
        file: e.file.clone(),
        line: e.line,
        what,
    }
}

/// The first production match of `m` in these files.
fn first(inputs: &Inputs, files: &[usize], m: &Marker) -> Option<Evidence> {
    let re = m.regex.as_ref()?;
    for &i in files {
        let Some(text) = inputs.texts.get(i) else {
            continue;
        };
        let text = text.as_str();
        for found in re.find_iter(text) {
            let line = line_of(text, found.start());
            if is_production(inputs, i, line) && is_the_api(text, found.as_str()) {
                return Some(Evidence {
                    file: inputs.ws.files.get(i)?.path.clone(),
                    line,
                    what: format!(
                        "{}: `{}`",
                        m.what,
                        found.as_str().trim_end_matches(['(', ' '])
                    ),
                });
            }
        }
    }
    None
}

/// Is the marker's match `found` in `text` the API the marker is about? A `.recv_msg(` only in
/// a file that speaks of UDP: it is ZeroMQ's `Socket::recv_msg` too, and a project's own
/// method of that name (pushpin's `core/zmq.rs` and `zsess_in.recv_msg()`, fifty-first
/// held-out set), where redproxy's transparent UDP proxy has `listener.recv_msg(&mut buf)`.
/// (A `.recv_from(` stays one wherever it is: firezone's own `recv_from` wraps the socket's.)
fn is_the_api(text: &str, found: &str) -> bool {
    !found.starts_with(".recv_msg")
        || (text.as_bytes().windows(3)).any(|w| w.eq_ignore_ascii_case(b"udp"))
}

#[cfg(test)]
mod tests {
    use super::{is_the_api, names_a_console};

    #[test]
    fn a_recv_msg_is_a_datagram_only_in_a_file_about_udp() {
        let zmq = "let msg = self.inner.recv_msg(flags)?;";
        assert!(!is_the_api(zmq, ".recv_msg("));
        let tproxy = "let listener = UdpSocket::bind(addr)?;\nlet (n, src, dst) = listener.recv_msg(&mut buf).await?;";
        assert!(is_the_api(tproxy, ".recv_msg("));
        assert!(is_the_api(zmq, ".recv_from("));
    }

    #[test]
    fn a_start_line_naming_a_management_port_names_a_console() {
        assert!(names_a_console(
            "hyper::Server::bind(&mgmt_listen).serve(management::MgmtServer(log, addr))"
        ));
        assert!(names_a_console(
            "axum::serve(admin_listener, admin_app).await"
        ));
        assert!(!names_a_console("axum::serve(listener, app).await"));
        // `administrators` is no word `admin`.
        assert!(!names_a_console(
            "HttpServer::new(move || App::new().service(administrators))"
        ));
    }
}
