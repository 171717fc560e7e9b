//! Evidence of a service check read from the text of the service's code, for forms the call
//! facts cannot tell: a string literal that starts with a given prefix (the Prometheus text
//! format written by hand), a server-side method whose name clients share, counted only in a
//! file where the service starts a server, and code shapes ([`Form`]).

use std::collections::HashSet;
use std::sync::LazyLock;

use regex::Regex;

use super::services::{DetectedService, Inputs, is_production};
use crate::kinds::presence::{Form, PresenceMatcher};
use crate::model::Evidence;

/// `Limited::new(body, ..)`: a body wrapped in a size limit.
static LIMITED: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\bLimited::new\s*\(\s*(\w+)").ok());

/// `size += chunk.len()`: a running total of received bytes.
static SUMMED_LEN: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\b(\w+)\s*\+=\s*\w+\.len\(\)").ok());

/// A constant named for a body's maximum: `MAX_SPARQL_BODY_SIZE`, `BODY_LIMIT`. (Not
/// `PAYLOAD`, `UPLOAD` or `REQUEST`: a broker's message payload, an upload to object storage, a
/// request path's length.)
static BODY_SIZE_CONST: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\b(?:[A-Z0-9]+_)*BODY(?:_[A-Z0-9]+)*",
        r"_(?:SIZE|LIMIT|LEN|LENGTH|BYTES)\b",
    ))
    .ok()
});

/// How far after the sum its comparison may be, and before it the stream read.
const NEAR: usize = 400;

/// The first text form of `m` in `files` (the service's files in the check's path scope) that is
/// production code.
pub fn text_evidence(
    m: &PresenceMatcher,
    inputs: &Inputs,
    s: &DetectedService,
    files: &[usize],
) -> Option<Evidence> {
    if m.literals.is_empty()
        && m.server_methods.is_empty()
        && m.server_fields.is_empty()
        && m.forms.is_empty()
    {
        return None;
    }
    let start_files: HashSet<usize> = s.starts.iter().map(|(i, _)| *i).collect();
    for &i in files {
        let Some(text) = inputs.texts.get(i) else {
            continue;
        };
        let text = text.as_str();
        let mut found: Vec<(usize, String)> = literals(m, text);
        found.extend(server_methods(m, text, start_files.contains(&i)));
        if start_files.contains(&i) {
            found.extend(server_fields(m, text));
        }
        if m.forms.contains(&Form::StreamedSizeLimit) {
            found.extend(streamed_size_limits(text));
        }
        if m.forms.contains(&Form::LimitedRequestBody) {
            found.extend(limited_request_bodies(text));
        }
        if m.forms.contains(&Form::BodySizeConstant) {
            found.extend(body_size_constants(text));
        }
        if m.forms.contains(&Form::TimeoutMiddleware) {
            found.extend(timeout_middlewares(text));
        }
        if m.forms.contains(&Form::TimeoutAroundConnection) {
            found.extend(timeouts_around_connections(text));
        }
        if m.forms.contains(&Form::DataOpenLimit) {
            found.extend(data_open_limits(text));
        }
        if m.forms.contains(&Form::TooManyRequestsResponse)
            && !(inputs.ws.files.get(i)).is_some_and(|f| is_error_module(&f.path))
        {
            found.extend(too_many_requests_responses(text));
        }
        found.sort();
        for (at, what) in found {
            let line = line_of(text, at);
            if is_production(inputs, i, line) {
                return Some(Evidence {
                    file: inputs.ws.files.get(i)?.path.clone(),
                    line,
                    what,
                });
            }
        }
    }
    None
}

/// `"# TYPE …"`-style literals.
fn literals(m: &PresenceMatcher, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for l in &m.literals {
        let quoted = format!("\"{l}");
        out.extend(
            text.match_indices(&quoted)
                .map(|(at, _)| (at, format!("string `\"{l}…\"`"))),
        );
    }
    out
}

/// `.name(arg)` in a file that starts a server, or on a chain that starts at a generated
/// server's constructor (`FooServer::new(..).name(..)`), where `arg` does not lift the limit
/// (`usize::MAX`).
fn server_methods(m: &PresenceMatcher, text: &str, starts_here: bool) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for name in &m.server_methods {
        let call = format!(".{name}(");
        for (at, _) in text.match_indices(&call) {
            let arg = text.get(at + call.len()..).unwrap_or("").trim_start();
            if arg.starts_with("usize::MAX") || arg.starts_with("u64::MAX") {
                continue;
            }
            let before = window(text, at.saturating_sub(NEAR), at);
            let statement = before.rsplit(';').next().unwrap_or(before);
            let on_server = [
                "Server::new(",
                "Server::from_arc(",
                "Server::with_interceptor(",
            ]
            .iter()
            .any(|c| statement.contains(c));
            if starts_here || on_server {
                out.push((at, format!("`.{name}(..)` on a server")));
            }
        }
    }
    out
}

/// `name: value` (a struct field set) for each of the server fields, where `value` does not
/// lift the limit (`usize::MAX`).
fn server_fields(m: &PresenceMatcher, text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for name in &m.server_fields {
        for (at, _) in text.match_indices(name.as_str()) {
            let word_start = text
                .get(..at)
                .and_then(|b| b.chars().next_back())
                .is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
            let rest = text.get(at + name.len()..).unwrap_or("").trim_start();
            let Some(value) = rest.strip_prefix(':').filter(|r| !r.starts_with(':')) else {
                continue;
            };
            let value = value.trim_start();
            // A declaration (`pub default_request_body_max_bytes: usize,`) sets nothing.
            let declared = ["usize", "u64", "u32", "Option"]
                .iter()
                .any(|t| value.strip_prefix(t).is_some_and(|r| !r.starts_with("::")));
            let lifted = value.starts_with("usize::MAX") || value.starts_with("u64::MAX");
            if word_start && !declared && !lifted {
                out.push((at, format!("`{name}` set on a server")));
            }
        }
    }
    out
}

/// Stream reads a body-size check follows.
const STREAM_READS: [&str; 3] = ["next().await", "try_next().await", "chunk().await"];

/// `total += chunk.len()` after a stream read (`.next().await`, `.try_next().await`,
/// `.chunk().await`), followed by a comparison `total >` (or `>=`); or the buffer's own
/// length compared after the read, before the chunk is appended to it (`if bytes.len() >=
/// cap { return Err(..) } bytes.extend_from_slice(&chunk?)`, labrinth's upload helpers with the
/// cap as a parameter; eighteenth held-out set).
fn streamed_size_limits(text: &str) -> Vec<(usize, String)> {
    let mut out = summed_lengths(text);
    out.extend(capped_buffers(text));
    out
}

/// `if bytes.len() >= cap` after a stream read, with `bytes.extend_from_slice(..)` (or
/// `extend`, `put`, `push_str`) after it.
fn capped_buffers(text: &str) -> Vec<(usize, String)> {
    read_then(
        text,
        &BUFFER_LEN_CMP,
        "checked while the body streams into it",
        |buffer, compared, after| {
            !cuts_pieces(compared)
                && ["extend_from_slice(", "extend(", "put(", "push_str("]
                    .iter()
                    .any(|m| after.contains(&format!("{buffer}.{m}")))
        },
    )
}

/// Is the bound of a buffer comparison the size of the pieces a stream is cut into
/// (`buffer.len() + next.len() > self.block_size`: garage's copy stream gathers blocks, and
/// bounds no request body; thirty-sixth held-out set)?
fn cuts_pieces(comparison: &str) -> bool {
    let bound = comparison
        .rsplit(['>', '='])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    ["block", "chunk", "part", "batch", "page", "segment"]
        .iter()
        .any(|w| bound.contains(w))
}

/// `buf.len() > max` / `>=`, or the buffer's length with the chunk's added
/// (`(body.len() + chunk.len()) > MAX_SIZE`, taskchampion-sync-server; thirty-fifth held-out
/// set).
static BUFFER_LEN_CMP: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(\w+)\.len\(\)(?:\s*\+\s*\w+\.len\(\))?\s*\)?\s*>=?\s*[\w.]+").ok()
});

/// `total += chunk.len()` then `total >` (see [`streamed_size_limits`]).
fn summed_lengths(text: &str) -> Vec<(usize, String)> {
    read_then(
        text,
        &SUMMED_LEN,
        "compared with a maximum while the body streams",
        |total, _, after| {
            [format!("{total} >"), format!("{total}>")]
                .iter()
                .any(|cmp| after.contains(cmp.as_str()))
        },
    )
}

/// Each match of `re` within [`NEAR`] after a stream read that `follows(first group, whole
/// match, text after it)` accepts: (where, "`match` `what`").
fn read_then(
    text: &str,
    re: &LazyLock<Option<Regex>>,
    what: &str,
    follows: impl Fn(&str, &str, &str) -> bool,
) -> Vec<(usize, String)> {
    let Some(re) = re.as_ref() else {
        return Vec::new();
    };
    re.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let name = c.get(1)?.as_str();
            let before = window(text, whole.start().saturating_sub(NEAR), whole.start());
            let after = window(text, whole.end(), whole.end() + NEAR);
            let reads = STREAM_READS.iter().any(|r| reads_a_request(before, r));
            let response_cap = whole.as_str().contains("RESPONSE");
            (reads && !response_cap && follows(name, whole.as_str(), after))
                .then(|| (whole.start(), format!("`{}` {what}", whole.as_str())))
        })
        .collect()
}

/// Does `before` read the stream with `read` (`.chunk().await`) from anything but a client's
/// response (`response.chunk().await`: rsky's attestation fetch caps what it downloads,
/// `MAX_RESPONSE_BYTES`, which bounds no request body)?
fn reads_a_request(before: &str, read: &str) -> bool {
    before.match_indices(read).any(|(at, _)| {
        let receiver = before.get(..at).unwrap_or("").trim_end_matches('.');
        let name = receiver
            .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
            .next();
        !matches!(name, Some("response" | "resp" | "res"))
    })
}

/// A body-size constant (not a response's) compared with (`> MAX_..`, `MAX_.. <`) or read up
/// to (`.take(MAX_..`).
fn body_size_constants(text: &str) -> Vec<(usize, String)> {
    let Some(re) = BODY_SIZE_CONST.as_ref() else {
        return Vec::new();
    };
    re.find_iter(text)
        .filter(|m| {
            let name = m.as_str();
            (name.contains("MAX") || name.contains("LIMIT")) && !name.contains("RESPONSE")
        })
        .filter_map(|m| {
            let before = text.get(..m.start())?.trim_end();
            let after = text.get(m.end()..)?.trim_start();
            let arrow = before.ends_with("=>") || before.ends_with("->");
            let compared = (before.ends_with('>') && !arrow)
                || before.ends_with(".take(")
                || (after.starts_with('<') && !after.starts_with("<<"));
            let name = m.as_str();
            compared.then(|| (m.start(), format!("`{name}` bounds the request body")))
        })
        .collect()
}

/// `from_fn(timeout_15secs)`, `middleware::from_fn(crate::mw::request_timeout)`,
/// `wrap_fn(with_timeout)`: a middleware fn named for a timeout.
static TIMEOUT_MIDDLEWARE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(?:from_fn|from_fn_with_state|wrap_fn)\(\s*(?:[\w:]+::)?(\w*timeout\w*)\s*[,)]")
        .ok()
});

/// The middleware fns named for a timeout that a framework is given.
fn timeout_middlewares(text: &str) -> Vec<(usize, String)> {
    let Some(re) = TIMEOUT_MIDDLEWARE.as_ref() else {
        return Vec::new();
    };
    re.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let name = c.get(1)?.as_str();
            Some((whole.start(), format!("middleware `{name}`")))
        })
        .collect()
}

/// `timeout(max, http.serve_connection(io, svc))`, `time::timeout(d, builder
/// .serve_connection_with_upgrades(..))`: the connection's whole service under a deadline (the
/// serving call is the timeout's second argument, before the statement ends).
static TIMEOUT_AROUND_CONNECTION: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\btimeout\(\s*[^;]*?\.serve_connection(?:_with_upgrades)?\s*\(").ok()
});

/// Connections served under a timeout.
fn timeouts_around_connections(text: &str) -> Vec<(usize, String)> {
    let Some(re) = TIMEOUT_AROUND_CONNECTION.as_ref() else {
        return Vec::new();
    };
    re.find_iter(text)
        .map(|m| {
            let what = "`timeout(.., serve_connection(..))` bounds each connection";
            (m.start(), what.to_string())
        })
        .collect()
}

/// `Limited::new(x, ..)` where `x` is not a response and the code before it reads a request.
fn limited_request_bodies(text: &str) -> Vec<(usize, String)> {
    let Some(re) = LIMITED.as_ref() else {
        return Vec::new();
    };
    re.captures_iter(text)
        .filter_map(|c| {
            let whole = c.get(0)?;
            let arg = c.get(1)?.as_str();
            let before = window(text, whole.start().saturating_sub(NEAR), whole.start());
            let request = ["req.", "request.", "Request<", "req:"]
                .iter()
                .any(|r| before.contains(r));
            (request && !arg.starts_with("resp")).then(|| {
                (
                    whole.start(),
                    format!("`Limited::new({arg}, ..)` around the request body"),
                )
            })
        })
        .collect()
}

/// `text[a..b]`, clamped to char boundaries.
fn window(text: &str, mut a: usize, mut b: usize) -> &str {
    b = b.min(text.len());
    while b > 0 && !text.is_char_boundary(b) {
        b -= 1;
    }
    a = a.min(b);
    while a > 0 && !text.is_char_boundary(a) {
        a -= 1;
    }
    text.get(a..b).unwrap_or("")
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, at: usize) -> u32 {
    let before = text.get(..at).unwrap_or("");
    u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX)
}

/// `StatusCode::TOO_MANY_REQUESTS`, `HttpResponse::TooManyRequests`, `Status::TooManyRequests`.
static TOO_MANY_REQUESTS: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"\b(?:StatusCode|Status|HttpResponse)::(?:TOO_MANY_REQUESTS|TooManyRequests)\b")
        .ok()
});

/// Is the file an error type's module (`error.rs`, `errors.rs`, `error/..`)? Its table of
/// statuses maps every variant, constructed or not: a `RateLimited => 429` arm there says nothing
/// of a limiter (Oxen, microsandbox, anthill, im-relation; 3 of the 7 such tables over the
/// labelled sets had one behind them).
fn is_error_module(path: &str) -> bool {
    let mut parts = path.rsplit('/');
    let file = parts.next().unwrap_or("");
    let stem = file.strip_suffix(".rs").unwrap_or(file);
    matches!(stem, "error" | "errors") || parts.any(|d| matches!(d, "error" | "errors"))
}

/// `.open(` with a size in rocket's units inside its parentheses: `250.mebibytes()`,
/// `ByteUnit::Mebibyte(5)`.
static DATA_OPEN: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(concat!(
        r"\.open\(\s*[^;()]{0,60}?(?:\b(?:kibibytes|mebibytes|gibibytes|kilobytes|megabytes|",
        r"gigabytes)\(\)|\bByteUnit::)",
    ))
    .ok()
});

/// Rocket's `Data::open(limit)` with the limit in its units, in a file that takes a `Data<..>`
/// (see [`Form::DataOpenLimit`]).
fn data_open_limits(text: &str) -> Vec<(usize, String)> {
    let Some(re) = DATA_OPEN.as_ref() else {
        return Vec::new();
    };
    if !text.contains("Data<") {
        return Vec::new();
    }
    re.find_iter(text)
        .map(|m| {
            (
                m.start(),
                "`Data::open(..)` reads the body up to a limit".to_string(),
            )
        })
        .collect()
}

/// 429 responses the code builds: not an operand of `==` / `!=`, not a `match` or `matches!`
/// pattern (`=>` or `|` after it), not in a statement about retrying (a client's list of
/// retryable statuses).
fn too_many_requests_responses(text: &str) -> Vec<(usize, String)> {
    let Some(re) = TOO_MANY_REQUESTS.as_ref() else {
        return Vec::new();
    };
    re.find_iter(text)
        .filter(|m| {
            // The path's crate prefix (`reqwest::`, `http::`) is part of the operand.
            let before = (text.get(..m.start()).unwrap_or(""))
                .trim_end_matches(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
                .trim_end();
            let after = text.get(m.end()..).unwrap_or("").trim_start();
            let compared = ["==", "!="].iter().any(|op| before.ends_with(op))
                || ["==", "!="].iter().any(|op| after.starts_with(op));
            // `Ok(StatusCode::TOO_MANY_REQUESTS) =>`: the pattern may be wrapped.
            let closed = after.trim_start_matches(|c: char| c == ')' || c.is_whitespace());
            let pattern = closed.starts_with("=>")
                || (after.starts_with('|') && !after.starts_with("||"))
                || (before.ends_with('|') && !before.ends_with("||"));
            let statement_start = before.rfind([';', '{', '}']).map_or(0, |i| i + 1);
            let statement = text.get(statement_start..m.start()).unwrap_or("");
            let matched = statement.contains("matches!(");
            let line_start = text
                .get(..m.start())
                .and_then(|b| b.rfind('\n'))
                .map_or(0, |i| i + 1);
            let line = text.get(line_start..m.start()).unwrap_or("");
            let retrying = [statement, line]
                .iter()
                .any(|t| t.to_ascii_lowercase().contains("retr"));
            !(compared || pattern || matched || retrying)
        })
        .map(|m| (m.start(), format!("a 429 response `{}`", m.as_str())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::too_many_requests_responses;

    #[test]
    fn a_built_429_counts_and_a_client_handling_one_does_not() {
        let found = |text: &str| too_many_requests_responses(text).len();
        assert_eq!(
            found("Err(_) => StatusCode::TOO_MANY_REQUESTS.into_response(),"),
            1
        );
        assert_eq!(found("return HttpResponse::TooManyRequests().finish();"), 1);
        assert_eq!(found("Outcome::Error((Status::TooManyRequests, ()))"), 1);
        assert_eq!(
            found("if resp.status() == reqwest::StatusCode::TOO_MANY_REQUESTS {"),
            0
        );
        assert_eq!(found("StatusCode::TOO_MANY_REQUESTS => backoff(),"), 0);
        assert_eq!(found("Ok(StatusCode::TOO_MANY_REQUESTS) => {"), 0);
        assert_eq!(
            found("StatusCode::TOO_MANY_REQUESTS | StatusCode::BAD_GATEWAY => 1,"),
            0
        );
        assert_eq!(found("matches!(s, StatusCode::TOO_MANY_REQUESTS)"), 0);
        assert_eq!(
            found("const RETRYABLE: [StatusCode; 1] = [StatusCode::TOO_MANY_REQUESTS];"),
            0
        );
        assert_eq!(found("Error::TooManyRequests(String),"), 0);
    }

    #[test]
    fn error_modules_are_known_by_name() {
        use super::is_error_module;
        assert!(is_error_module("src/error.rs"));
        assert!(is_error_module("crates/server/src/errors.rs"));
        assert!(is_error_module("shared/error/src/lib.rs"));
        assert!(!is_error_module("src/api/limits.rs"));
        assert!(!is_error_module("src/error_pages.rs"));
    }
}
