//! The per-file entry point: prefilter by needles, tokenize, split, parse the needed items,
//! walk them, return a `Send` summary.

use std::collections::HashSet;
use std::ops::Range;
use std::str::FromStr;

use aho_corasick::AhoCorasick;
use proc_macro2::{TokenStream, TokenTree};

use super::FileSummary;
use super::items::{RawItem, Split, split};
use super::lite::{Src, Tt};
use super::pairs::PairNeedles;
use super::request::Request;
use super::resolve::Resolver;
use super::visit::Walker;
use crate::kinds::call::PathPattern;
use crate::kinds::service::Start;
use crate::model::Region;
use crate::timings::{self, Clock, Stage};
use crate::workspace::Workspace;

/// Names of route-registering calls and attributes (presence `routes`).
pub const ROUTE_CALLS: &[&str] = &[
    "route",
    "nest",
    "at",
    "with_path",
    "path",
    "resource",
    "scope",
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "handler",
    "endpoint",
    "mount",
    // aide's documented axum routes: `.api_route("/health", get(h))`.
    "api_route",
    "api_route_with",
    // jsonrpsee's `ProxyGetRequestLayer::new("/liveness", "liveness")`: a GET route answered by
    // an RPC method (photon, forty-second held-out set).
    "ProxyGetRequestLayer",
];

/// Route-registering names that are also everyday method names (`HashMap::get`,
/// `reqwest::Client::get`): a call by one of these names registers a route only when its
/// literal is rooted (`.get("/health")`), never for `map.get("status")`.
pub const VERB_CALLS: &[&str] = &["get", "post", "put", "delete", "patch", "head", "options"];

/// HTTP methods that carry a request body: a probe or a scraper never sends them, so a route
/// registered for them alone (`#[post("/build/ping")]`, a build worker's heartbeat in rebuilderd,
/// thirty-sixth held-out set; `.route("/ping", post(h))`) is no health or metrics endpoint.
pub const WRITE_VERBS: &[&str] = &["post", "put", "delete", "patch"];

/// Method names that make a route answer reads too (`post(h).get(g)`, `on(..)`).
const READ_VERBS: &[&str] = &["get", "head", "any", "on", "options", "method", "route"];

/// Does the handler expression of a route registration (`post(h)`, `web::post().to(h)`,
/// `routing::put(h).patch(g)`) answer only methods that carry a body?
pub fn write_only_handler(e: &syn::Expr) -> bool {
    let mut names = Vec::new();
    let mut at = e;
    loop {
        match at {
            syn::Expr::MethodCall(m) => {
                names.push(m.method.to_string());
                at = &m.receiver;
            }
            syn::Expr::Call(c) => {
                if let syn::Expr::Path(p) = &*c.func
                    && let Some(last) = p.path.segments.last()
                {
                    names.push(last.ident.to_string());
                }
                break;
            }
            _ => break,
        }
    }
    names.iter().any(|n| WRITE_VERBS.contains(&n.as_str()))
        && !names.iter().any(|n| READ_VERBS.contains(&n.as_str()))
}

/// Does a call named `name` with the string literal `lit` as first argument register a route?
pub fn registers_route(name: &str, lit: &str) -> bool {
    ROUTE_CALLS.contains(&name) && (!VERB_CALLS.contains(&name) || lit.starts_with('/'))
}

/// The engine for one scan: what is asked of it and the needle automaton.
pub struct Engine<'c> {
    /// What the scan asks for.
    pub request: Request<'c>,
    /// Crate names that are not workspace members (path roots never resolved to workspace fns).
    pub externals: HashSet<String>,
    /// The needles of files a service check may read (see [`Needles`]).
    service: Needles,
    /// The needles of the other files: without the presence checks' and server starts' words,
    /// which only those checks read (`status`, `limit`, `Builder`, `bind`, …).
    plain: Needles,
    /// Needles that select an item only together (`fs` with `read`).
    pairs: PairNeedles,
    /// [`Request::fn_words`](super::Request) as one automaton: a fn's text is searched once for
    /// all of them.
    fn_words: Option<AhoCorasick>,
}

impl<'c> Engine<'c> {
    /// Builds the needle automata for a request.
    pub fn new(request: Request<'c>, ws: &Workspace) -> Engine<'c> {
        let plain = request.single_needles();
        let mut service = plain.clone();
        service.extend(service_needles(&request));
        let presence_patterns = request.presence.iter().flat_map(|(_, m)| {
            m.functions
                .iter()
                .chain(m.methods.iter().filter_map(|x| x.root.as_ref()))
        });
        let pair_patterns = (request.functions.iter())
            .chain(&request.roots)
            .chain(presence_patterns);
        let pairs = PairNeedles::new(pair_patterns.filter_map(PathPattern::pair), &plain);
        let fn_words = (!request.fn_words.is_empty())
            .then(|| AhoCorasick::new(&request.fn_words).ok())
            .flatten();
        Engine {
            fn_words,
            externals: externals(ws),
            service: Needles::new(service, pairs.heads()),
            plain: Needles::new(plain, pairs.heads()),
            pairs,
            request,
        }
    }

    /// The [`Request::fn_words`](super::Request) that occur in `text`, in their order.
    fn fn_words_in(&self, text: &str) -> Vec<String> {
        let words = &self.request.fn_words;
        let mut seen = vec![false; words.len()];
        match &self.fn_words {
            Some(a) => a.find_overlapping_iter(text).for_each(|m| {
                if let Some(s) = seen.get_mut(m.pattern().as_usize()) {
                    *s = true;
                }
            }),
            None => seen
                .iter_mut()
                .zip(words)
                .for_each(|(s, w)| *s = contains(text, w)),
        }
        words
            .iter()
            .zip(seen)
            .filter(|(w, seen)| *seen || w.is_empty())
            .map(|(w, _)| w.clone())
            .collect()
    }

    /// Does `text` mention any needle?
    pub(super) fn mentions(&self, text: &str) -> bool {
        (self.service.all.as_ref()).is_some_and(|a| a.is_match(text))
    }

    /// The needles of `input`: all of them where a presence check applies or servers may
    /// start, else the plain ones.
    fn needles_of(&self, input: &FileInput) -> &Needles {
        match input.serves || !input.checks.is_empty() {
            true => &self.service,
            false => &self.plain,
        }
    }

    /// Does `text` mention a needle as a word of an identifier (see [`whole_words`])? Decides
    /// which files are split: `io` inside `Option` or `main` inside `domain` names nothing the
    /// walker records.
    pub(super) fn names(&self, input: &FileInput) -> bool {
        names_in(self.needles_of(input).all.as_ref(), input.text)
    }

    /// Does `text` (an item of `input`) select its item for parsing: a single needle as a word
    /// of an identifier ([`Engine::names`]), or both words of a pair ([`PairNeedles`])? An item
    /// that is not selected joins the call graph from its tokens instead.
    pub(super) fn selects(&self, input: &FileInput, text: &str) -> bool {
        names_in(self.needles_of(input).singles.as_ref(), text) || self.pairs.hit(text, whole_words)
    }

    /// The function patterns a local alias may stand for (asked calls, chain roots, presence,
    /// server starts).
    fn patterns(&self) -> impl Iterator<Item = &PathPattern> {
        let presence = self.request.presence.iter().flat_map(|(_, m)| {
            m.functions
                .iter()
                .chain(m.methods.iter().filter_map(|x| x.root.as_ref()))
        });
        let starts = self.request.starts.iter().flat_map(|s| {
            s.starts.iter().filter_map(|(_, st)| match st {
                Start::Fn(p) => Some(p),
                Start::Method(m) => m.root.as_ref(),
            })
        });
        self.request
            .functions
            .iter()
            .chain(&self.request.roots)
            .chain(presence)
            .chain(starts)
    }

    /// Is `word` itself a needle (not just containing one)?
    pub(super) fn is_needle(&self, word: &str) -> bool {
        self.service.all.as_ref().is_some_and(|a| {
            a.find_overlapping_iter(word)
                .any(|m| m.start() == 0 && m.end() == word.len())
        })
    }
}

/// One set of needles as automata.
struct Needles {
    /// Every needle, pair heads included (the file-level prefilter).
    all: Option<AhoCorasick>,
    /// The needles that select an item alone (all but the heads of [`PairNeedles`]).
    singles: Option<AhoCorasick>,
}

impl Needles {
    fn new(mut singles: Vec<String>, heads: &[String]) -> Needles {
        singles.sort();
        singles.dedup();
        let automaton = |n: &[String]| (!n.is_empty()).then(|| needle_automaton(n)).flatten();
        let single = automaton(&singles);
        singles.extend(heads.iter().cloned());
        singles.sort();
        singles.dedup();
        Needles {
            all: automaton(&singles),
            singles: single,
        }
    }
}

/// The words only the presence checks and the server starts read: their fn patterns' needles,
/// methods, macros, route names, and the starts' words.
fn service_needles(request: &Request) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (_, m) in &request.presence {
        let roots = m.methods.iter().filter_map(|x| x.root.as_ref());
        out.extend(
            (m.functions.iter().chain(roots))
                .filter(|p| p.pair().is_none())
                .filter_map(|p| p.needle().map(String::from)),
        );
        out.extend(m.methods.iter().map(|x| x.name.clone()));
        out.extend(m.macros.iter().chain(&m.defaults_off).cloned());
        let routes: Vec<&String> = (m.routes.iter())
            .chain(m.probes.iter().map(|p| &p.path))
            .collect();
        out.extend(
            (routes.iter()).filter_map(|r| r.rsplit('/').find(|s| !s.is_empty()).map(String::from)),
        );
        if routes.iter().any(|r| *r == "/") {
            out.extend(ROUTE_CALLS.iter().map(|s| s.to_string()));
        }
    }
    out.extend(request.starts.iter().flat_map(|s| s.needles()));
    out
}

/// Does `text` mention a needle of `a` as a word of an identifier (see [`whole_words`])?
fn names_in(a: Option<&AhoCorasick>, text: &str) -> bool {
    let Some(a) = a else {
        return false;
    };
    // The first match (found with the automaton's prefilter, fast on text without any
    // needle) is usually whole words; only when it is not are all overlapping matches tried.
    match a.find(text) {
        None => false,
        Some(m) if whole_words(text.as_bytes(), m.start(), m.end()) => true,
        Some(_) => a
            .find_overlapping_iter(text)
            .any(|m| whole_words(text.as_bytes(), m.start(), m.end())),
    }
}

/// The needle automaton: a DFA (the builder's own choice for more than 100 patterns, a
/// contiguous NFA, took 2.2 times as many instructions for [`Engine::names`]); the default
/// automaton when the DFA cannot be built.
fn needle_automaton(needles: &[String]) -> Option<AhoCorasick> {
    AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(needles)
        .or_else(|_| AhoCorasick::new(needles))
        .ok()
}

/// Is `hay[start..end]` made of whole words: it neither starts nor ends between two lowercase
/// ASCII letters? `_`, a case change (`HttpService`), a digit, punctuation or a non-ASCII
/// character all end a word, so `spawn` counts in `spawn_blocking` and `service_fn` in
/// `make_service_fn`, but `io` not in `Option` nor `main` in `domain`.
fn whole_words(hay: &[u8], start: usize, end: usize) -> bool {
    let inside = |a: Option<&u8>, b: Option<&u8>| {
        a.is_some_and(u8::is_ascii_lowercase) && b.is_some_and(u8::is_ascii_lowercase)
    };
    let before = start.checked_sub(1).and_then(|i| hay.get(i));
    let last = end.checked_sub(1).and_then(|i| hay.get(i));
    !inside(before, hay.get(start)) && !inside(last, hay.get(end))
}

/// Crate names that are not workspace members: std and every declared dependency.
fn externals(ws: &Workspace) -> HashSet<String> {
    let members: HashSet<String> = ws
        .packages
        .iter()
        .flat_map(|p| {
            std::iter::once(p.name.replace('-', "_"))
                .chain(p.targets.iter().map(|t| t.name.replace('-', "_")))
        })
        .collect();
    let mut out: HashSet<String> = ["std", "core", "alloc"].map(String::from).into();
    for p in &ws.packages {
        out.extend(
            p.dependencies
                .iter()
                .map(|d| d.local_name.clone())
                .filter(|n| !members.contains(n)),
        );
    }
    out
}

/// A caller's hook on a file's light token tree and the text it was read from.
pub type OnTokens<'a> = dyn Fn(&[Tt], &Src) + 'a;

/// One file to analyze.
pub struct FileInput<'a> {
    /// Workspace-relative path.
    pub path: &'a str,
    /// The source text.
    pub text: &'a str,
    /// Some syntax-aware check applies to this file (by path scope and package).
    pub wanted: bool,
    /// The `presence` checks that apply to this file.
    pub checks: &'a [usize],
    /// Is this file the root of a bin target (for `main`)?
    pub is_bin_root: bool,
    /// Could the file's code be part of a service (its package is in a bin's closure)? Server
    /// starts are recorded only then.
    pub serves: bool,
    /// Called with the file's light token tree once it is read (doc comments at the start of a
    /// line are plain comments in it) and the text it was read from, so a caller needing the
    /// tokens does not tokenize the file again.
    pub on_tokens: Option<&'a OnTokens<'a>>,
    /// Tokenize even without needles (a text check matched, or the file has suppression
    /// directives: their code kind needs the file's test ranges).
    pub tokenize: bool,
    /// The `parse-error` check reads this file: tokenize it to learn whether it lexes.
    pub lex_check: bool,
}

/// A thread pool whose threads have a 64 MiB stack, so deeply nested code cannot overflow.
pub fn parse_stack_pool() -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .num_threads(thread_count())
        .build()
        .ok()
}

/// Worker threads: `RAYON_NUM_THREADS` when set, clamped to the available cores (more threads
/// than cores only cost memory, 64 MiB of stack each; `RAYON_NUM_THREADS=100000` must not hang
/// the run creating them).
pub fn thread_count() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .map_or(cores, |n| n.min(cores))
}

/// Analyzes one file. Must run on a big-stack thread. A panic while analyzing it (a bug, or a
/// parser's on hostile input) is contained to this file: it gets a `parse-error` note and the
/// scan goes on.
pub fn analyze_file(engine: &Engine, input: &FileInput) -> FileSummary {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        super::macros::with_cache(|| analyze_inner(engine, input))
    }))
    .map(|s| with_fn_mentions(engine, input.text, s))
    .map(compacted);
    proc_macro2::extra::invalidate_current_thread_spans();
    caught.unwrap_or_else(|panic| {
        let why = panic_message(panic.as_ref());
        FileSummary {
            parse_error: Some((
                point(1, 0),
                format!("internal error while analyzing this file, skipped: {why}"),
            )),
            ..FileSummary::default()
        }
    })
}

/// A copy of a file's summary, made once its tokens and syntax trees are freed: the facts in
/// exactly sized allocations, packed together (summaries live until the end of the scan).
fn compacted(summary: FileSummary) -> FileSummary {
    summary.clone()
}

/// Records with each fn the words of [`Request::fn_words`](super::Request) its text mentions
/// and the [`Request::fn_patterns`](super::Request) it matches (the file's text is not kept
/// for the queries).
fn with_fn_mentions(engine: &Engine, text: &str, mut summary: FileSummary) -> FileSummary {
    let (words, patterns) = (&engine.request.fn_words, &engine.request.fn_patterns);
    if words.is_empty() && patterns.is_empty() {
        return summary;
    }
    let facts = &mut summary.facts;
    for (id, body) in facts.bodies.iter().enumerate() {
        let Some(d) = body.decl() else {
            continue;
        };
        let fn_text = text.get(d.bytes.clone()).unwrap_or("");
        let found = super::FnMentions {
            words: engine.fn_words_in(fn_text),
            patterns: (patterns.iter())
                .filter(|r| r.is_match(fn_text))
                .map(|r| r.as_str().to_string())
                .collect(),
        };
        if !found.words.is_empty() || !found.patterns.is_empty() {
            facts.mentions.push((id as u32, found));
        }
    }
    summary
}

/// The message a caught panic carries ("" when it is not a string).
pub fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

fn analyze_inner(engine: &Engine, input: &FileInput) -> FileSummary {
    let mut clock = Clock::start();
    let mut out = FileSummary {
        path_literals: path_literals(input.text),
        ..FileSummary::default()
    };
    let wanted =
        (input.wanted || (input.serves && engine.request.starts.is_some())) && engine.names(input);
    let has_mod = declares_module(input.text);
    // A file naming no needle may still hold a link of a call chain (a handler's helper in a
    // module of its own, calling a method that blocks): its fns join the call graph from their
    // tokens, unparsed.
    let linked = !wanted
        && engine.request.graph
        && (input.wanted || input.serves)
        && memchr::memmem::find(input.text.as_bytes(), b"fn ").is_some();
    clock.lap(Stage::Prefilter);
    // Something needs the file's syntax: a needle, a `mod` declaration, a fn for the call
    // graph, or findings and directives whose code kind needs its test ranges. Otherwise it is
    // only tokenized, when the `parse-error` check is on, to learn whether it lexes; its items
    // are not parsed.
    let needed = wanted || has_mod || linked || input.tokenize;
    if !needed && !input.lex_check {
        return out;
    }
    let refused = super::depth::too_deep(input.text);
    let guarded = refused_blanked(input.text, &refused, &mut out);
    let source = undoc(blank_shebang(guarded.as_deref().unwrap_or(input.text)));
    if !needed && super::lexes::surely_lexes(&source) {
        // Only whether it lexes was asked, and the byte-level answer is certain.
        out.tokenized = true;
        clock.lap(Stage::Tokenize);
        return out;
    }
    // The light tree from the bytes where that is certain to be proc-macro2's; else (and for
    // a caller that wants the file's tokens) the file is tokenized whole.
    let lexed = needed.then(|| super::lexes::lex(&source)).flatten();
    let comments = lexed.as_ref().map(|l| l.comments.as_slice());
    let code = super::lexes::without_comments(&source, comments.unwrap_or_default());
    let lexed = lexed.map(|l| l.tokens);
    let full = match lexed.is_some() {
        true => None,
        false => match TokenStream::from_str(&source) {
            Ok(ts) => Some(ts),
            Err(e) => {
                let start = e.span().start();
                out.parse_error = Some((point(start.line, start.column), e.to_string()));
                return out;
            }
        },
    };
    out.tokenized = true;
    clock.lap(Stage::Tokenize);
    if !needed {
        return out;
    }
    let src = Src::new(&source);
    let top = match (lexed, &full) {
        (Some(top), _) => top,
        (None, Some(ts)) => super::lite::from_stream(ts.clone()),
        (None, None) => Vec::new(),
    };
    if let Some(seen) = input.on_tokens {
        seen(&top, &src);
        clock.lap(Stage::Directives);
    }
    let full = full.map(|ts| ts.into_iter().collect::<Vec<_>>());
    let sp = split(&top, &src);
    clock.lap(Stage::Split);
    out.test_ranges = sp.test_ranges.clone();
    out.items = sp
        .items
        .iter()
        .map(|i| (i.bytes.start, i.bytes.end))
        .collect();
    out.mods = sp.mods.clone();
    out.macro_calls = sp.macro_calls.clone();
    out.macro_mods = sp.macro_mods.clone();
    if !wanted {
        if linked {
            let resolver = parse_uses(&source, &sp, full.as_deref()).unwrap_or_default();
            out.facts.aliases = resolver.aliases();
            out.facts.globs = resolver.globs();
            summarize_unparsed(engine, &sp, (&top, &src), (&resolver, &[]), &mut out);
            clock.lap(Stage::TokenFns);
        }
        return out;
    }
    let prepared = parse_items(engine, input, (&source, &code), (&top, &src, &sp), full);
    clock.lap(Stage::Parse);
    if prepared.failed
        && timings::time(Stage::Parse, || {
            whole_file(engine, input, &source, &mut out)
        })
    {
        return out;
    }
    // Either every needed item parsed, or the file as a whole does not parse either: then the
    // items that did parse are still checked (the parse error is reported beside them).
    out.facts.aliases = prepared.resolver.aliases();
    out.facts.globs = prepared.resolver.globs();
    let mut walker = Walker::new(engine, input, &source, &mut out);
    walker.set_resolver(prepared.resolver.clone());
    walker.note_cache_fns(prepared.items.iter().map(|(_, item)| item));
    for (idx, item) in &prepared.items {
        walker.record_parsed(*idx);
        let bytes = sp.items.get(*idx).map_or(0..0, |i| i.bytes.clone());
        walker.walk_item_at(item, bytes);
    }
    walker.finish();
    clock.lap(Stage::Visit);
    if engine.request.graph {
        let unparsed = (&prepared.resolver, prepared.partial.as_slice());
        summarize_unparsed(engine, &sp, (&top, &src), unparsed, &mut out);
        clock.lap(Stage::TokenFns);
    }
    out
}

/// Fns of the items that were not parsed, and the fns left out of the impls parsed in part
/// (`partial`: an item's index and the parts of it that were parsed), join the call graph
/// from their tokens.
fn summarize_unparsed(
    engine: &Engine,
    sp: &Split,
    (top, src): (&[Tt], &Src),
    (res, partial): (&Resolver, &[PartlyParsed]),
    out: &mut FileSummary,
) {
    let exempt = super::tokens::Exempt(&engine.request.exempt_calls, &engine.externals);
    for (idx, item) in sp.items.iter().enumerate() {
        let parsed_parts = parts_of(partial, idx);
        if item.is_use
            || item.is_inner_attr
            || (parsed_parts.is_none() && out.parsed.contains(&idx))
            || unseen_test(engine, item, &sp.test_ranges)
        {
            continue;
        }
        if matches!(item.keyword.as_deref(), Some("fn" | "impl" | "mod")) {
            let tokens =
                super::lite::expanded(top.get(item.tokens.clone()).unwrap_or_default(), src);
            let skip = parsed_parts.map_or(&[][..], Vec::as_slice);
            super::tokens::summarize(&tokens, src, (res, skip), &exempt, &mut out.facts);
        }
    }
}

/// An impl parsed in part: its item's index and the byte ranges that were parsed.
type PartlyParsed = (usize, Vec<Range<usize>>);

/// The items of a file selected for the walk, parsed.
struct Prepared {
    resolver: Resolver,
    items: Vec<(usize, syn::Item)>,
    /// The impls parsed in part: an item's index and the byte ranges that were parsed
    /// ([`super::members`]).
    partial: Vec<PartlyParsed>,
    /// Some selected item (or `use` item) did not parse on its own.
    failed: bool,
}

/// Parses the `use` items, then the items that mention a needle in their code (`code` is the
/// source with its comments blanked: a word in a comment selects nothing; items inside test
/// code only when some check looks at test code). `full` holds the file's top-level tokens
/// when it was tokenized whole; else only the selected items are tokenized
/// ([`selected_tokens`]).
fn parse_items(
    engine: &Engine,
    input: &FileInput,
    (source, code): (&str, &str),
    (top, src, sp): (&[Tt], &Src, &Split),
    full: Option<Vec<TokenTree>>,
) -> Prepared {
    let items = &sp.items;
    let mut prepared = Prepared {
        resolver: Resolver::default(),
        items: Vec::new(),
        partial: Vec::new(),
        failed: false,
    };
    match parse_uses(source, sp, full.as_deref()) {
        Ok(resolver) => prepared.resolver = resolver,
        Err(resolver) => (prepared.resolver, prepared.failed) = (resolver, true),
    }
    let mut local = local_needles(engine, &prepared.resolver, code);
    let mut chosen = Vec::new();
    for (idx, item) in items.iter().enumerate() {
        if item.is_use || item.is_inner_attr || unseen_test(engine, item, &sp.test_ranges) {
            continue;
        }
        let text = code.get(item.bytes.clone()).unwrap_or("");
        let local_macro = item.keyword.as_deref() == Some("macro_rules");
        // A local macro that calls what it is given (`$rpc(..)`) calls a fn the invocation
        // names, which may reach a needle (jonline's `auth_rpc!(self, rpcs::login, request)`,
        // forty-sixth held-out set): with the call graph on, it is expanded too.
        let higher_order = local_macro && engine.request.graph && calls_a_metavariable(text);
        if higher_order || selected(engine, input, item, text, &local) {
            chosen.push(idx);
            // A local macro whose body names a needle: the items that invoke it (later in the
            // file, as `macro_rules!` scoping wants) are parsed too, to expand it.
            if local_macro {
                local.extend(local_macro_name(text).map(|name| format!("{name}!")));
            }
        }
    }
    // Without the file's tokens at hand, an impl whose head names no needle is tokenized and
    // parsed with only the member fns that do.
    if full.is_none() {
        for &idx in &chosen {
            let Some(item) = items
                .get(idx)
                .filter(|i| i.keyword.as_deref() == Some("impl"))
            else {
                continue;
            };
            let tokens = top.get(item.tokens.clone()).unwrap_or_default();
            let selects = |text: &str| mentions_needle(engine, input, text, &local);
            if let Some(parts) = super::members::impl_parts(tokens, src, code, selects) {
                prepared.partial.push((idx, parts));
            }
        }
    }
    let ranges = chosen
        .iter()
        .flat_map(|&idx| parsed_ranges(items, &prepared.partial, idx));
    let tokens = match full {
        Some(full) => full,
        None => {
            let (tokens, only_ranges) =
                super::blanked::selected_tokens(source, sp, &chosen, ranges);
            if !only_ranges {
                prepared.partial.clear();
            }
            tokens
        }
    };
    // The selected items' tokens: all of the file's, or only theirs, in order. They are moved
    // out, not copied, for the parser.
    let whole = tokens.len() == top_len(sp);
    let (mut rest, mut at) = (tokens.into_iter(), 0);
    for idx in chosen {
        let Some(item) = items.get(idx) else { continue };
        let start = if whole { item.tokens.start } else { at };
        rest.by_ref().take(start.saturating_sub(at)).for_each(drop);
        let mine: Vec<TokenTree> = rest.by_ref().take(item.tokens.len()).collect();
        at = start + item.tokens.len();
        match parse_item(item, mine) {
            Ok(parsed) => prepared.items.push((idx, parsed)),
            Err(()) => prepared.failed = true,
        }
    }
    prepared
}

/// The file's `use` items, parsed into a resolver; `Err` (with the ones that did parse) when
/// some `use` item does not parse on its own. `full` holds the file's top-level tokens when it
/// was tokenized whole.
fn parse_uses(source: &str, sp: &Split, full: Option<&[TokenTree]>) -> Result<Resolver, Resolver> {
    let mut resolver = Resolver::default();
    let mut failed = false;
    for item in sp.items.iter().filter(|i| i.is_use) {
        let parsed = match full {
            Some(full) => parse_tokens::<syn::ItemUse>(full.get(item.tokens.clone())),
            None => syn::parse_str::<syn::ItemUse>(source.get(item.bytes.clone()).unwrap_or(""))
                .map_err(|_| ()),
        };
        match parsed {
            Ok(u) => resolver.add_use(&u.tree),
            Err(()) => failed = true,
        }
    }
    match failed {
        false => Ok(resolver),
        true => Err(resolver),
    }
}

/// Number of top-level tokens of the split file.
fn top_len(sp: &Split) -> usize {
    sp.items.last().map_or(0, |i| i.tokens.end)
}

/// Parses an item; the value of a `static` or `const` that is a table of literals is left
/// out ([`super::tables`]: the walk finds nothing in it, and it always parses).
fn parse_item(item: &RawItem, tokens: Vec<TokenTree>) -> Result<syn::Item, ()> {
    let table = matches!(item.keyword.as_deref(), Some("static" | "const"))
        .then(|| super::tables::without_table(&tokens))
        .flatten();
    let ts = table.unwrap_or_else(|| tokens.into_iter().collect());
    syn::parse2::<syn::Item>(ts).map_err(|_| ())
}

/// Is the item test code no check looks at? Its facts would only feed findings that are
/// dropped (test code is neither a root nor an edge of the call graph, and presence and server
/// starts count production code only).
fn unseen_test(engine: &Engine, item: &RawItem, test_ranges: &[(u32, u32)]) -> bool {
    let (first, last) = item.lines;
    !engine.request.test_code && test_ranges.iter().any(|&(a, b)| a <= first && last <= b)
}

/// Is the item parsed and walked? Struct, static and type alias items (type hints), items that name a
/// needle as whole words ([`Engine::names`]) or mention a local alias of a pattern path. Only
/// those are parsed: an item no check needs is not parsed just to learn whether it parses.
fn selected(
    engine: &Engine,
    input: &FileInput,
    item: &RawItem,
    text: &str,
    local: &[String],
) -> bool {
    let typed = engine.request.types
        && matches!(item.keyword.as_deref(), Some("struct" | "static" | "type"));
    typed || mentions_needle(engine, input, text, local)
}

/// The byte ranges of item `idx` to tokenize: the parts of an impl parsed in part, else the
/// whole item.
fn parsed_ranges(items: &[RawItem], partial: &[PartlyParsed], idx: usize) -> Vec<Range<usize>> {
    match parts_of(partial, idx) {
        Some(parts) => parts.clone(),
        None => items
            .get(idx)
            .map(|i| i.bytes.clone())
            .into_iter()
            .collect(),
    }
}

/// The parsed parts of item `idx` when it is an impl parsed in part (`partial` is in item
/// order, as the chosen items are).
fn parts_of(partial: &[PartlyParsed], idx: usize) -> Option<&Vec<Range<usize>>> {
    let at = partial.binary_search_by_key(&idx, |(i, _)| *i).ok()?;
    partial.get(at).map(|(_, parts)| parts)
}

/// Does `text` name a needle ([`Engine::selects`]) or a local alias of a pattern path?
fn mentions_needle(engine: &Engine, input: &FileInput, text: &str, local: &[String]) -> bool {
    engine.selects(input, text) || local.iter().any(|n| contains(text, n))
}

fn parse_tokens<T: syn::parse::Parse>(tokens: Option<&[TokenTree]>) -> Result<T, ()> {
    let ts: TokenStream = tokens.unwrap_or_default().iter().cloned().collect();
    syn::parse2::<T>(ts).map_err(|_| ())
}

/// Falls back to `syn::parse_file` when an item did not parse on its own (the split may have
/// cut wrongly). True when the file parsed and was walked; else the parse error is recorded.
fn whole_file(engine: &Engine, input: &FileInput, source: &str, out: &mut FileSummary) -> bool {
    match syn::parse_file(source) {
        Ok(file) => {
            let mut walker = Walker::new(engine, input, source, out);
            let mut res = Resolver::default();
            for item in &file.items {
                if let syn::Item::Use(u) = item {
                    res.add_use(&u.tree);
                }
            }
            walker.set_resolver(res);
            walker.note_cache_fns(file.items.iter());
            for item in &file.items {
                walker.walk_item(item);
            }
            walker.finish();
            true
        }
        Err(e) => {
            let start = e.span().start();
            out.parse_error = Some((point(start.line, start.column), e.to_string()));
            false
        }
    }
}

/// Local names (from `use` items) that stand for a path some pattern is about, e.g. `File`
/// after `use std::fs::File`, or `sfs` after `use std::fs as sfs`. A glob import of such a
/// module makes every item a candidate (returned as the empty needle).
fn local_needles(engine: &Engine, res: &Resolver, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (alias, target) in res.aliases() {
        if engine.patterns().any(|p| related(p, &target)) {
            out.push(alias);
        }
    }
    if res
        .globs()
        .iter()
        .any(|g| engine.patterns().any(|p| related(p, g)))
    {
        out.push(String::new());
    }
    out.retain(|n| n.is_empty() || contains(text, n));
    out
}

/// Does a `macro_rules!` body call one of its metavariables (`$rpc(`, `$f (`)?
fn calls_a_metavariable(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'$', bytes).any(|at| {
        let rest = bytes.get(at + 1..).unwrap_or_default();
        let name = rest
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
            .count();
        let after = rest.get(name..).unwrap_or_default();
        let after = after.iter().find(|b| !b.is_ascii_whitespace());
        name > 0 && !rest.starts_with(b"crate") && after == Some(&b'(')
    })
}

/// The name of the `macro_rules!` macro a `macro_rules` item defines.
fn local_macro_name(item: &str) -> Option<&str> {
    let at = memchr::memmem::find(item.as_bytes(), b"macro_rules!")?;
    let rest = item.get(at + "macro_rules!".len()..)?.trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    rest.get(..end).filter(|name| !name.is_empty())
}

fn related(p: &PathPattern, target: &[String]) -> bool {
    let n = p.segments.len().min(target.len());
    p.matches(target) || (!p.any_prefix && p.segments.get(..n) == target.get(..n))
}

fn contains(hay: &str, needle: &str) -> bool {
    needle.is_empty() || memchr::memmem::find(hay.as_bytes(), needle.as_bytes()).is_some()
}

/// Does the text contain an out-of-line `mod name;` (the module tree needs those files)?
fn declares_module(text: &str) -> bool {
    memchr::memmem::find_iter(text.as_bytes(), b"mod ").any(|i| {
        let rest = text.get(i + 4..).unwrap_or("");
        let name_end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '#'))
            .unwrap_or(rest.len());
        name_end > 0
            && rest
                .get(name_end..)
                .is_some_and(|r| r.trim_start().starts_with(';'))
    })
}

/// Replaces a `#!…` first line (not `#![`) by spaces so offsets stay the same.
pub(super) fn blank_shebang(text: &str) -> std::borrow::Cow<'_, str> {
    // A byte-order mark is dropped (not blanked): columns on line 1 then count as in an editor.
    if let Some(t) = text.strip_prefix('\u{feff}') {
        return blank_shebang(t);
    }
    if text.starts_with("#!") && !text.starts_with("#![") {
        let end = text.find('\n').unwrap_or(text.len());
        let mut s = " ".repeat(end);
        s.push_str(text.get(end..).unwrap_or(""));
        return std::borrow::Cow::Owned(s);
    }
    std::borrow::Cow::Borrowed(text)
}

/// Items nesting beyond the guard's bounds (see `depth`) are blanked out before the tokenizer,
/// parser and visitor see them; the first is reported as the file's parse error.
fn refused_blanked(
    text: &str,
    refused: &[super::depth::TooDeep],
    out: &mut FileSummary,
) -> Option<String> {
    let first = refused.first()?;
    let (line, column) = crate::diag::LineIndex::new(text).position(text, first.at);
    let more = match refused.len() {
        1 => String::new(),
        n => format!(" ({} more such items)", n - 1),
    };
    let msg = format!("item not analyzed: {}{more}", first.reason);
    out.parse_error = Some((point(line as usize, column as usize - 1), msg));
    Some(super::depth::blank(text, refused))
}

/// Turns doc comments (`///`, `//!`, `/**`, `/*!` at the start of a line) into plain comments,
/// byte for byte (offsets and lines stay the same). The tokenizer would make each of them a
/// `#[doc = "…"]` attribute and syn would parse it: on well-documented code that was a fifth of
/// the engine's time, for text no check looks at.
pub(super) fn undoc(text: std::borrow::Cow<'_, str>) -> std::borrow::Cow<'_, str> {
    let (any, at) = doc_comment_starts(text.as_bytes());
    if !any {
        return text;
    }
    let mut bytes = text.into_owned().into_bytes();
    for i in at {
        if let Some(b) = bytes.get_mut(i) {
            *b = b' ';
        }
    }
    std::borrow::Cow::Owned(String::from_utf8(bytes).unwrap_or_default())
}

/// The offsets of the third byte of each doc comment opener at the start of a line (after
/// blanks): the byte that, blanked, makes it a plain comment. The flag says whether some line
/// is a doc comment as `str::lines` cuts them (a line's `\r` before its `\n` left out), which
/// alone decides whether anything is blanked (`/**` then a CRLF is not an opener there).
fn doc_comment_starts(text: &[u8]) -> (bool, Vec<usize>) {
    let (mut any, mut at) = (false, Vec::new());
    let mut start = 0;
    while start < text.len() {
        let (end, terminated) = match memchr::memchr(b'\n', &text[start..]) {
            Some(i) => (start + i, true),
            None => (text.len(), false),
        };
        let line = &text[start..end];
        if let Some(i) = doc_at(line) {
            at.push(start + i);
        }
        let cut = match line {
            [rest @ .., b'\r'] if terminated => rest,
            _ => line,
        };
        any = any || doc_at(cut).is_some();
        start = end + 1;
    }
    (any, at)
}

/// Where a line's doc comment opener (`///`, `//!`, `/**`, `/*!` after leading whitespace,
/// not `/**/`) has its third byte.
fn doc_at(line: &[u8]) -> Option<usize> {
    // ASCII whitespace as `char::is_whitespace` has it (`\x0B` too).
    let blank = (line.iter())
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r'))
        .count();
    match line.get(blank) {
        // Leading non-ASCII whitespace (`str::trim_start` trims it too): the rare slow path.
        Some(b) if *b >= 0x80 => {
            let s = std::str::from_utf8(line).ok()?;
            let t = s.trim_start();
            doc_opener(t.as_bytes()).map(|k| s.len() - t.len() + k)
        }
        _ => doc_opener(line.get(blank..)?).map(|k| blank + k),
    }
}

fn doc_opener(t: &[u8]) -> Option<usize> {
    match t {
        [b'/', b'/', b'/' | b'!', ..] => Some(2),
        [b'/', b'*', b'*' | b'!', next, ..] if *next != b'/' => Some(2),
        _ => None,
    }
}

/// A zero-width region at a proc-macro2 line / 0-based column.
pub fn point(line: usize, column: usize) -> Region {
    Region {
        line: line.max(1) as u32,
        column: column as u32 + 1,
        end_line: line.max(1) as u32,
        end_column: column as u32 + 1,
    }
}

/// String literals that look like relative file or directory paths.
fn path_literals(text: &str) -> Vec<String> {
    static LITERAL: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(r#""(\.{0,2}/?[A-Za-z0-9_\-./]+)""#).ok());
    let Some(re) = LITERAL.as_ref() else {
        return Vec::new();
    };
    // The literal without its quotes (a capture group would need the slower capturing engine).
    re.find_iter(text)
        .filter_map(|m| m.as_str().get(1..m.len() - 1))
        .filter(|s| {
            (s.contains('/') || s.ends_with(".rs")) && !s.contains("//") && !s.ends_with('/')
        })
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod whole_words_tests {
    use super::whole_words;

    fn hit(hay: &str, needle: &str) -> bool {
        let at = hay.find(needle).expect("the needle occurs");
        whole_words(hay.as_bytes(), at, at + needle.len())
    }

    #[test]
    fn needles_count_as_words_of_identifiers_not_inside_words() {
        assert!(hit("std::io::stdin()", "io"));
        assert!(hit("tokio::task::spawn_blocking(f)", "spawn"));
        assert!(hit("make_service_fn(h)", "service_fn"));
        assert!(hit("HttpService::new()", "Service"));
        assert!(hit("x.route(\"/\", get(h))", ".route("));
        assert!(hit("\"/api/health\"", "health"));
        assert!(hit("v.unwrap()", "unwrap"));
        assert!(!hit("Option<u8>", "io"));
        assert!(!hit("fn domain()", "main"));
        assert!(!hit("let sending = 1;", "send"));
    }
}

#[cfg(test)]
mod undoc_tests {
    use super::undoc;
    use std::borrow::Cow;

    /// The line-by-line version `undoc` replaced (on `str` lines), as the reference.
    fn reference(text: &str) -> String {
        let doc_at = |line: &str| {
            let t = line.trim_start();
            let i = line.len() - t.len();
            match t.as_bytes() {
                [b'/', b'/', b'/' | b'!', ..] => Some(i + 2),
                [b'/', b'*', b'*' | b'!', next, ..] if *next != b'/' => Some(i + 2),
                _ => None,
            }
        };
        if !text.lines().any(|l| doc_at(l).is_some()) {
            return text.to_string();
        }
        let mut bytes = text.as_bytes().to_vec();
        let mut start = 0;
        while start < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let hit = std::str::from_utf8(&bytes[start..end])
                .ok()
                .and_then(doc_at);
            if let Some(i) = hit {
                bytes[start + i] = b' ';
            }
            start = end + 1;
        }
        String::from_utf8(bytes).unwrap_or_default()
    }

    #[test]
    fn agrees_with_the_line_by_line_version() {
        for src in [
            "/**\r\nfn f() {}\n",
            "/**\r\n/// doc\r\n",
            "\x0B/// vertical tab\n",
            "\u{a0}\u{2003}/// wide blanks\n\t//! inner",
            "/*!x*/ /**/\n/***/\n  /**x",
            "/**\r",
            "",
            "\n\n///",
        ] {
            assert_eq!(undoc(Cow::Borrowed(src)), reference(src), "{src:?}");
        }
    }

    #[test]
    fn doc_comments_become_plain_comments_byte_for_byte() {
        let src = "//! crate doc\n/// item doc\n    /** block */\n/**/ let s = \"/// in string\";\n/*! inner */\n";
        let out = undoc(Cow::Borrowed(src));
        assert_eq!(out.len(), src.len());
        assert_eq!(
            out,
            "//  crate doc\n//  item doc\n    /*  block */\n/**/ let s = \"/// in string\";\n/*  inner */\n"
        );
        assert!(matches!(
            undoc(Cow::Borrowed("fn f() {} // plain\n")),
            Cow::Borrowed(_)
        ));
    }
}

#[cfg(test)]
mod needle_tests {
    use super::{Engine, FileInput, analyze_file};
    use crate::rust::Request;

    fn parsed_items(serves: bool) -> Vec<usize> {
        let mut request = Request::default();
        request.methods.insert("unwrap".to_string());
        request.add_starts();
        let ws = crate::workspace::Workspace {
            root: std::path::PathBuf::from("/nonexistent"),
            root_manifest: toml::Table::new(),
            member_dirs: Vec::new(),
            packages: Vec::new(),
            files: Vec::new(),
            notes: Vec::new(),
            repository: None,
        };
        let engine = Engine::new(request, &ws);
        let text = "fn a() { x.unwrap(); }\nfn b() { let s = listener.accept(); }\n";
        let input = FileInput {
            path: "src/lib.rs",
            text,
            wanted: true,
            checks: &[],
            is_bin_root: false,
            serves,
            on_tokens: None,
            tokenize: false,
            lex_check: false,
        };
        analyze_file(&engine, &input).parsed
    }

    #[test]
    fn server_start_words_select_items_only_where_servers_may_start() {
        assert_eq!(parsed_items(true), vec![0, 1]);
        assert_eq!(parsed_items(false), vec![0]);
    }
}
