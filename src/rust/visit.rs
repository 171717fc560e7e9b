//! The one traversal of a parsed item: contexts, name resolution and type hints, and the facts
//! of the code model recorded at each fn, closure, call, macro, `let` and statement.

use std::collections::{HashMap, HashSet};

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ExprCall, ExprMethodCall, Local, Macro, Pat, Stmt};

use super::FileSummary;
use super::contexts::{Frame, FrameNode};
use super::engine::{Engine, FileInput};
use super::facts::{LoopKind, Root};
use super::macros::Position;
use super::resolve::{Resolver, segments};
use super::types::{Scope, Ty};
use crate::kinds::ignored_result::Form;
use crate::model::Region;

mod arms;
mod bodies;
mod calls;
mod control;
mod exits;
mod features;
mod local_macros;
mod macro_bodies;
mod memo;
mod races;
mod serve;
mod waits;

pub(super) use races::words;
pub(super) use waits::has_word;

/// The innermost impl or trait being walked.
struct ImplCtx {
    /// Self type's last segment (or the trait's name inside a trait definition).
    name: String,
    /// Self type's resolved path.
    path: Vec<String>,
    /// The implemented trait's last segment.
    trait_name: Option<String>,
    /// The implemented trait is one of std or a dependency (`impl io::Read for X`).
    foreign_trait: bool,
    /// Its fns are handlers by their place (a tonic service, `Service::call`, …).
    service: bool,
    /// A trait definition (default fns), not an impl.
    in_trait: bool,
    /// The message type of an actor's `impl Handler<M> for A`.
    message: Option<String>,
}

/// The walker over one file's parsed items.
pub struct Walker<'a> {
    pub(super) engine: &'a Engine<'a>,
    pub(super) input: &'a FileInput<'a>,
    pub(super) text: &'a str,
    pub(super) res: Resolver,
    /// Open frames, with their node id once a site needed them.
    frames: Vec<(Frame, Option<u32>)>,
    /// Open bodies: id and the number of event loops and of timer loops open in it.
    bodies: Vec<(u32, [u32; 2])>,
    impls: Vec<ImplCtx>,
    fn_depth: usize,
    discarded: HashSet<usize>,
    /// The method called right on a call's value, by the call's address (see [`Site::then`]).
    then: HashMap<usize, String>,
    /// Per `select!` macro: the identifiers of the block's later statements that shut
    /// something down (see [`races`]).
    drains_after: HashMap<usize, HashSet<String>>,
    /// What `let name = init;` held (see [`races`]).
    local_inits: HashMap<String, races::LocalInit>,
    /// Presence facts of signals raced against a server in a `select!`: evidence of nothing,
    /// dropped by [`Walker::finish`].
    raced_facts: HashSet<usize>,
    /// Depth of patterns being visited (their paths inspect values, they use nothing).
    in_pattern: u32,
    /// Inside the arguments of a call that sends a signal (`kill(pid, SIGTERM)`): the signals
    /// named there are not handled here.
    sending_signal: u32,
    /// The method call an `.await` is about to visit (`router.route(topic, h).await`): no HTTP
    /// framework's route registration is async, so an awaited `route` is a message router's.
    awaited: Option<usize>,
    /// The fn being walked mentions `select` (only then are its locals remembered, see
    /// [`races`]).
    select_in_fn: bool,
    /// Closures, async blocks and calls given to a spawn or a route registration.
    pending: HashMap<usize, Root>,
    /// Closures a fn returns (its tail expression, possibly boxed): they run where the
    /// caller runs them, not in the fn.
    returned: HashSet<usize>,
    /// Closures and async blocks written as an argument of a recorded call: (site, position).
    given: HashMap<usize, (u32, u32)>,
    nest: Vec<String>,
    /// Names of the inline modules around the current item.
    mods: Vec<String>,
    pub(super) locals: Vec<HashMap<String, Ty>>,
    /// Locals bound to a file watcher or its event stream (`let events = inotify_stream()`),
    /// by the fn body they are bound in.
    watch_locals: HashSet<(Option<u32>, String)>,
    /// Locals bound to a stream of things, not of events (`let mut authorizations =
    /// order.authorizations()`), by the fn body they are bound in.
    finite_streams: HashSet<(Option<u32>, String)>,
    /// Inside this many async blocks that only wait for a signal and exit the process.
    exit_only: u32,
    /// The next block visited is `main`'s body: its end ends the process.
    main_body: bool,
    /// The cargo features the enclosing items and statements are compiled under.
    features: Vec<String>,
    /// Channels bound by a `let (tx, rx) = ..channel(..)`: sender → receiver, by fn body.
    channels: HashMap<(Option<u32>, String), String>,
    /// The file mentions warp (its `and_then` / `map` register handlers).
    warp: bool,
    /// Open event arms of a `match`: (body, index into the facts' arms).
    arms: Vec<(Option<u32>, u32)>,
    /// The file's own `macro_rules!` macros met so far, as statements (see [`local_macros`]).
    local_macros: HashMap<String, std::rc::Rc<local_macros::LocalMacro>>,
    /// Local macros being expanded.
    macro_depth: u32,
    /// The names of the file's parsed fns whose bodies name a cache (see
    /// [`Walker::note_cache_fns`]).
    cache_fns: std::collections::HashSet<String>,
    pub(super) out: &'a mut FileSummary,
}

fn addr<T>(e: &T) -> usize {
    e as *const T as usize
}

/// The region between the start of one span and the end of another.
pub fn region(start: Span, end: Span) -> Region {
    let (s, mut e) = (start.start(), end.end());
    // A local macro's argument spliced into its body keeps the invocation's place, the body
    // the definition's: a region never ends before it starts.
    if (e.line, e.column) < (s.line, s.column) {
        e = start.end();
    }
    Region {
        line: s.line as u32,
        column: s.column as u32 + 1,
        end_line: e.line as u32,
        end_column: e.column as u32 + 1,
    }
}

impl<'a> Walker<'a> {
    /// A walker writing into `out`.
    pub fn new(
        engine: &'a Engine<'a>,
        input: &'a FileInput<'a>,
        text: &'a str,
        out: &'a mut FileSummary,
    ) -> Self {
        Walker {
            warp: memchr::memmem::find(text.as_bytes(), b"warp").is_some(),
            arms: Vec::new(),
            local_macros: HashMap::new(),
            macro_depth: 0,
            cache_fns: std::collections::HashSet::new(),
            engine,
            input,
            text,
            res: Resolver::default(),
            frames: Vec::new(),
            bodies: Vec::new(),
            impls: Vec::new(),
            fn_depth: 0,
            discarded: HashSet::new(),
            then: HashMap::new(),
            awaited: None,
            select_in_fn: false,
            in_pattern: 0,
            sending_signal: 0,
            local_inits: HashMap::new(),
            drains_after: HashMap::new(),
            raced_facts: HashSet::new(),
            pending: HashMap::new(),
            returned: HashSet::new(),
            given: HashMap::new(),
            nest: Vec::new(),
            mods: Vec::new(),
            locals: Vec::new(),
            watch_locals: HashSet::new(),
            finite_streams: HashSet::new(),
            channels: HashMap::new(),
            exit_only: 0,
            main_body: false,
            features: Vec::new(),
            out,
        }
    }

    /// Sets the file-level imports.
    pub fn set_resolver(&mut self, res: Resolver) {
        self.res = res;
    }

    /// Ends the walk of a file: drops the presence facts of raced signals.
    pub fn finish(self) {
        if self.raced_facts.is_empty() {
            return;
        }
        let mut i = 0;
        let raced = &self.raced_facts;
        self.out.presence.retain(|_| {
            i += 1;
            !raced.contains(&(i - 1))
        });
    }

    /// Notes that top-level item `idx` was parsed.
    pub fn record_parsed(&mut self, idx: usize) {
        self.out.parsed.push(idx);
    }

    /// Walks one top-level item.
    pub fn walk_item(&mut self, item: &syn::Item) {
        self.walk_item_at(item, item.span().byte_range());
    }

    /// Walks one top-level item whose byte range the caller knows (syn's `span()` of an item
    /// prints the whole item back into tokens to find it).
    pub fn walk_item_at(&mut self, item: &syn::Item, bytes: std::ops::Range<usize>) {
        let text = self.text.get(bytes);
        self.warp = text.is_some_and(names_warp_filters)
            || self
                .res
                .aliases()
                .iter()
                .any(|(_, p)| p.first().is_some_and(|f| f == "warp") && !warp_reexport(p));
        // Exemptions are of `.unwrap()` / `.expect(..)` calls: an item naming neither has none.
        let unwraps = |t: &str| t.contains("unwrap") || t.contains("expect");
        if self.engine.request.skips && text.is_none_or(unwraps) {
            let exempt = super::infallible::Exemptions::of_item(item);
            self.out.facts.exempt.extend(exempt);
        }
        self.visit_item(item);
    }

    fn push_frame(&mut self, f: Frame) {
        self.frames.push((f, None));
    }

    fn pop_frame(&mut self) {
        self.frames.pop();
    }

    /// The node id of the innermost frame, materializing the open frames as needed.
    pub(super) fn frame_id(&mut self) -> Option<u32> {
        let mut parent = None;
        for i in 0..self.frames.len() {
            if let Some(id) = self.frames[i].1 {
                parent = Some(id);
                continue;
            }
            let id = self.out.facts.frames.len() as u32;
            self.out.facts.frames.push(FrameNode {
                frame: self.frames[i].0.clone(),
                parent,
            });
            self.frames[i].1 = Some(id);
            parent = Some(id);
        }
        parent
    }

    /// Is the innermost body async?
    pub(super) fn in_async(&self) -> bool {
        super::contexts::in_async(self.frames.iter().rev().map(|(f, _)| f))
    }

    /// The innermost body.
    pub(super) fn body(&self) -> Option<u32> {
        self.bodies.last().map(|b| b.0)
    }

    /// Inside an event loop of the innermost body, and not in a `select!` branch of it that
    /// only controls the loop (a signal's reload or shutdown, an accept loop's tick)?
    pub(super) fn in_event_loop(&self) -> Option<LoopKind> {
        let [events, timers] = self.bodies.last()?.1;
        match self.branch_frame() {
            Some(Frame::OtherBranch) => return None,
            Some(Frame::TimerBranch) if events + timers > 0 => return Some(LoopKind::Timer),
            _ => {}
        }
        match (events, timers) {
            (0, 0) => None,
            (0, _) => Some(LoopKind::Timer),
            _ => Some(LoopKind::Event),
        }
    }

    /// Inside a loop of the innermost fn that takes requests from a network (see
    /// [`crate::rust::in_serving_loop`])?
    pub(super) fn in_serving_loop(&self) -> bool {
        self.frames
            .iter()
            .rev()
            .map(|(f, _)| f)
            .take_while(|f| !matches!(f, Frame::Fn { .. }))
            .any(|f| matches!(f, Frame::AcceptLoop | Frame::ServingLoop))
    }

    /// The innermost `OtherBranch` or `TimerBranch` of the innermost fn or closure.
    fn branch_frame(&self) -> Option<&Frame> {
        self.frames
            .iter()
            .rev()
            .map(|(f, _)| f)
            .take_while(|f| !matches!(f, Frame::Fn { .. } | Frame::Async))
            .find(|f| matches!(f, Frame::OtherBranch | Frame::TimerBranch))
    }

    /// What the type hints see here.
    pub(super) fn scope(&self) -> Scope<'_> {
        Scope {
            res: &self.res,
            self_ty: self
                .impls
                .last()
                .filter(|i| !i.in_trait)
                .map(|i| i.path.as_slice()),
            externals: &self.engine.externals,
            locals: &self.locals,
        }
    }

    /// Binds a local name to a type in the innermost scope.
    pub(super) fn bind(&mut self, name: String, ty: Ty) {
        if let Some(scope) = self.locals.last_mut() {
            scope.insert(name, ty);
        }
    }

    fn resolve_path(&self, path: &syn::Path) -> Vec<Vec<String>> {
        let mut segs = segments(path);
        if segs.first().is_some_and(|s| s == "Self")
            && let Some(t) = self.impls.last()
        {
            segs[0] = t.name.clone();
        }
        self.res.resolve(&segs)
    }

    fn is_local(&self, name: &str) -> bool {
        self.locals.iter().any(|m| m.contains_key(name))
    }

    /// The body of the innermost fn (closures and async blocks inside it share its locals).
    fn fn_body(&self) -> Option<u32> {
        self.bodies
            .iter()
            .rev()
            .find(|(id, _)| {
                self.out
                    .facts
                    .bodies
                    .get(*id as usize)
                    .is_some_and(|b| b.decl().is_some())
            })
            .map(|(id, _)| *id)
    }

    /// Does the expression name a local of the current fn bound to a file watcher?
    fn names_a_watcher(&self, e: &Expr) -> bool {
        let body = self.fn_body();
        waits::receiver_name(e).is_some_and(|n| self.watch_locals.contains(&(body, n)))
    }

    /// Is `name` a local binding that is no parameter of the innermost fn (`let run = |x| ..`)?
    /// A parameter called as a fn stays a call site: a wrapper runs the closure it is given.
    fn is_closure_local(&self, name: &str) -> bool {
        self.is_local(name) && !self.is_param(name)
    }

    /// Is `name` a parameter of the innermost fn (passed on as a value, it may be a closure)?
    fn is_param(&self, name: &str) -> bool {
        self.bodies
            .iter()
            .rev()
            .find_map(|(id, _)| self.out.facts.bodies.get(*id as usize)?.decl())
            .is_some_and(|d| d.params.iter().any(|p| p == name))
    }
}

/// The span syn's `span()` gives a fn or a loop, which ends with a block: from its first outer
/// attribute, else its first token `first`, to the block's closing brace. `span()` prints the
/// whole fn or loop back into tokens to find that.
fn span_to_block(attrs: &[syn::Attribute], first: Span, body: &syn::Block) -> Span {
    let outer = attrs
        .iter()
        .find(|a| matches!(a.style, syn::AttrStyle::Outer))
        .map(|a| a.pound_token.spans[0]);
    let first = outer.unwrap_or(first);
    first.join(body.brace_token.span.join()).unwrap_or(first)
}

/// The span of a loop's first token after its attributes: its label, else its keyword.
fn loop_start(label: Option<&syn::Label>, keyword: Span) -> Span {
    label.map_or(keyword, |l| l.name.apostrophe)
}

/// The span of a visibility's first token (none when inherited).
fn vis_span(vis: &syn::Visibility) -> Option<Span> {
    match vis {
        syn::Visibility::Public(p) => Some(p.span),
        syn::Visibility::Restricted(r) => Some(r.pub_token.span),
        syn::Visibility::Inherited => None,
    }
}

/// The span of a signature's first token.
fn sig_start(sig: &syn::Signature) -> Span {
    let safety = match &sig.safety {
        syn::Safety::Safe(t) => Some(t.span),
        syn::Safety::Unsafe(t) => Some(t.span),
        syn::Safety::Default => None,
    };
    (sig.constness.map(|t| t.span))
        .or(sig.asyncness.map(|t| t.span))
        .or(safety)
        .or(sig.abi.as_ref().map(|a| a.extern_token.span))
        .unwrap_or(sig.fn_token.span)
}

/// Strips parentheses and `.await`.
fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip(&p.expr),
        Expr::Await(a) => strip(&a.base),
        other => other,
    }
}

/// A string, bool or integer literal as [`Frame::LiteralArm`] compares them: a string with
/// its quotes (`"filepath"`), a bool or an integer in its plain form.
fn literal_value(l: &syn::Lit) -> Option<String> {
    match l {
        syn::Lit::Str(s) => Some(format!("{:?}", s.value())),
        syn::Lit::Bool(b) => Some(b.value.to_string()),
        syn::Lit::Int(i) => Some(i.base10_digits().to_string()),
        _ => None,
    }
}

fn str_lit(e: &Expr) -> Option<String> {
    match e {
        Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s.value()),
        Expr::Reference(r) => str_lit(&r.expr),
        _ => None,
    }
}

/// A route literal: a string literal, or a `format!` whose literal starts with placeholders
/// for a configured prefix (`&format!("{root_path}/health/ready")` → `/health/ready`, the route
/// below whatever root the operator sets).
fn route_lit(e: &Expr) -> Option<String> {
    match e {
        Expr::Reference(r) => route_lit(&r.expr),
        Expr::Macro(m) if m.mac.path.is_ident("format") => {
            let first = m.mac.tokens.clone().into_iter().next()?;
            let lit = syn::parse2::<syn::LitStr>(first.into()).ok()?.value();
            let rest = strip_placeholders(&lit);
            (rest.starts_with('/') && !rest.contains('{')).then(|| rest.to_string())
        }
        _ => str_lit(e),
    }
}

/// `"{a}{b}/x"` → `"/x"`: the text after leading `{..}` placeholders.
fn strip_placeholders(lit: &str) -> &str {
    let mut rest = lit;
    while let Some(after) = rest.strip_prefix('{').filter(|a| !a.starts_with('{')) {
        match after.find('}') {
            Some(end) => rest = &after[end + 1..],
            None => return lit,
        }
    }
    rest
}

/// Does the expression read a request path (`.path()`, `.uri().path()`, a `path` field)?
fn mentions_path(e: &Expr) -> bool {
    match e {
        Expr::MethodCall(m) => m.method == "path" || mentions_path(&m.receiver),
        Expr::Field(f) => {
            matches!(&f.member, syn::Member::Named(n) if n == "path") || mentions_path(&f.base)
        }
        Expr::Reference(r) => mentions_path(&r.expr),
        Expr::Paren(p) => mentions_path(&p.expr),
        Expr::Unary(u) => mentions_path(&u.expr),
        Expr::Tuple(t) => t.elems.iter().any(mentions_path),
        _ => false,
    }
}

/// Does the expression name a request path's segments (`path_segments.as_slice()`,
/// `(method, segments.as_slice())`): a local or field with `segment` in its name?
fn names_path_segments(e: &Expr) -> bool {
    match e {
        Expr::MethodCall(m) => names_path_segments(&m.receiver),
        Expr::Path(p) => p
            .path
            .get_ident()
            .is_some_and(|i| i.to_string().contains("segment")),
        Expr::Field(f) => {
            matches!(&f.member, syn::Member::Named(n) if n.to_string().contains("segment"))
        }
        Expr::Reference(r) => names_path_segments(&r.expr),
        Expr::Paren(p) => names_path_segments(&p.expr),
        Expr::Tuple(t) => t.elems.iter().any(names_path_segments),
        _ => false,
    }
}

/// The routes spelled by slice patterns of literal segments (`["", "health"]` → `/health`),
/// in tuples and or-patterns too; a slice with any other element (`["", id]`) spells none.
fn slice_routes(p: &Pat) -> Vec<String> {
    match p {
        Pat::Slice(s) => {
            let segs: Option<Vec<String>> = s
                .elems
                .iter()
                .map(|e| {
                    pat_str_lits(e)
                        .into_iter()
                        .next()
                        .filter(|_| matches!(e, Pat::Lit(_)))
                })
                .collect();
            let route = segs.map(|segs| {
                let joined = segs.join("/");
                match joined.starts_with('/') {
                    true => joined,
                    false => format!("/{joined}"),
                }
            });
            route.filter(|r| r.len() > 1).into_iter().collect()
        }
        Pat::Tuple(t) => t.elems.iter().flat_map(slice_routes).collect(),
        Pat::Or(o) => o.cases.iter().flat_map(slice_routes).collect(),
        Pat::Reference(r) => slice_routes(&r.pat),
        _ => Vec::new(),
    }
}

/// Is the expression the next segment of a request path: `path.next()`,
/// `segments.next()`, `req.path_segments().next()`?
fn next_path_segment(e: &Expr) -> bool {
    let Expr::MethodCall(m) = e else {
        return false;
    };
    let segments = |name: &str| name == "path" || name.contains("segment");
    m.method == "next"
        && match &*m.receiver {
            Expr::Path(p) => p.path.get_ident().is_some_and(|i| segments(&i.to_string())),
            Expr::Field(f) => {
                matches!(&f.member, syn::Member::Named(n) if segments(&n.to_string()))
            }
            Expr::MethodCall(inner) => segments(&inner.method.to_string()),
            _ => false,
        }
}

/// The plain segment literals of `Some("health")` patterns (or-patterns included); none with
/// a `/` or empty.
fn some_str_lits(p: &Pat) -> Vec<String> {
    match p {
        Pat::TupleStruct(t) if t.path.is_ident("Some") => t
            .elems
            .iter()
            .flat_map(pat_str_lits)
            .filter(|s| !s.is_empty() && !s.contains('/'))
            .collect(),
        Pat::Or(o) => o.cases.iter().flat_map(some_str_lits).collect(),
        _ => Vec::new(),
    }
}

/// The string literals of a pattern (`"/a" | "/b"`).
fn pat_str_lits(p: &Pat) -> Vec<String> {
    match p {
        Pat::Lit(l) => match &l.lit {
            syn::Lit::Str(s) => vec![s.value()],
            _ => Vec::new(),
        },
        Pat::Or(o) => o.cases.iter().flat_map(pat_str_lits).collect(),
        Pat::Tuple(t) => t.elems.iter().flat_map(pat_str_lits).collect(),
        Pat::Reference(r) => pat_str_lits(&r.pat),
        _ => Vec::new(),
    }
}

fn first_str_lit(input: syn::parse::ParseStream) -> syn::Result<String> {
    let lit: syn::LitStr = input.parse()?;
    let _rest: proc_macro2::TokenStream = input.parse()?;
    Ok(lit.value())
}

impl<'ast> Visit<'ast> for Walker<'_> {
    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        self.under_features(&i.attrs, |w| {
            let public = !matches!(i.vis, syn::Visibility::Inherited);
            let first = vis_span(&i.vis).unwrap_or_else(|| sig_start(&i.sig));
            let bytes = span_to_block(&i.attrs, first, &i.block).byte_range();
            w.enter_fn(&i.sig, &i.attrs, bytes, public);
            w.note_returned(&i.block);
            w.main_body = i.sig.ident == "main";
            w.visit_block(&i.block);
            w.leave_fn();
        });
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        self.under_features(&i.attrs, |w| {
            let public = !matches!(i.vis, syn::Visibility::Inherited)
                || w.impls.last().is_some_and(|c| c.trait_name.is_some());
            if i.sig.constness.is_some() {
                w.const_routes(|lits| lits.visit_block(&i.block));
            }
            let first = (vis_span(&i.vis))
                .or(i.modifiers.defaultness.map(|d| d.span))
                .unwrap_or_else(|| sig_start(&i.sig));
            let bytes = span_to_block(&i.attrs, first, &i.block).byte_range();
            w.enter_fn(&i.sig, &i.attrs, bytes, public);
            w.note_returned(&i.block);
            w.visit_block(&i.block);
            w.leave_fn();
        });
    }

    fn visit_trait_item_fn(&mut self, i: &'ast syn::TraitItemFn) {
        if let Some(b) = &i.default {
            let bytes = span_to_block(&i.attrs, sig_start(&i.sig), b).byte_range();
            self.enter_fn(&i.sig, &i.attrs, bytes, true);
            self.note_returned(b);
            self.visit_block(b);
            self.leave_fn();
        }
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        self.under_features(&i.attrs, |w| {
            w.enter_impl(i);
            visit::visit_item_impl(w, i);
            w.impls.pop();
        });
    }

    fn visit_item_trait(&mut self, i: &'ast syn::ItemTrait) {
        let name = i.ident.to_string();
        self.impls.push(ImplCtx {
            path: vec![name.clone()],
            trait_name: Some(name.clone()),
            foreign_trait: false,
            name,
            service: false,
            in_trait: true,
            message: None,
        });
        visit::visit_item_trait(self, i);
        self.impls.pop();
    }

    fn visit_item_struct(&mut self, i: &'ast syn::ItemStruct) {
        self.route_attrs(&i.attrs);
        self.record_struct(i);
    }

    fn visit_item_type(&mut self, i: &'ast syn::ItemType) {
        self.record_alias(i);
        visit::visit_item_type(self, i);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.record_static(&i.ident, &i.ty);
        self.const_routes(|lits| lits.visit_expr(&i.expr));
        visit::visit_item_static(self, i);
    }

    /// Route paths held in constants (`const HEALTH_PATH: &str = "/health"`, route tables).
    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.record_static(&i.ident, &i.ty);
        self.const_routes(|lits| lits.visit_expr(&i.expr));
        visit::visit_item_const(self, i);
    }

    fn visit_item_mod(&mut self, i: &'ast syn::ItemMod) {
        self.under_features(&i.attrs, |w| {
            w.res.push();
            w.mods.push(i.ident.to_string());
            if let Some((_, items)) = &i.content {
                for item in items {
                    if let syn::Item::Use(u) = item {
                        w.res.add_use(&u.tree);
                    }
                }
                for item in items {
                    w.visit_item(item);
                }
            }
            w.mods.pop();
            w.res.pop();
        });
    }

    fn visit_item_use(&mut self, i: &'ast syn::ItemUse) {
        self.res.add_use(&i.tree);
    }

    /// A path used as a value (`SIGTERM`, `tokio::signal::ctrl_c` passed as a fn) counts for
    /// presence checks like a call of it.
    fn visit_expr_path(&mut self, e: &'ast syn::ExprPath) {
        self.presence_value(&e.path);
        visit::visit_expr_path(self, e);
    }

    fn visit_item_macro(&mut self, i: &'ast syn::ItemMacro) {
        match &i.ident {
            None => self.on_macro(&i.mac, Position::Item),
            Some(name) if i.mac.path.is_ident("macro_rules") => {
                self.define_local_macro(&name.to_string(), &i.mac.tokens);
            }
            Some(_) => {}
        }
    }

    fn visit_block(&mut self, b: &'ast syn::Block) {
        self.res.push();
        self.locals.push(HashMap::new());
        if self.in_async() {
            self.held(&b.stmts);
        }
        self.spawned_locals(&b.stmts);
        self.note_drains_after_selects(&b.stmts);
        let ends_process = std::mem::take(&mut self.main_body);
        match exits::exit_tail_start(&b.stmts, ends_process) {
            Some(tail) => self.stmts_before_exit(&b.stmts, tail),
            None => self.stmts(&b.stmts),
        }
        self.locals.pop();
        self.res.pop();
    }

    fn visit_stmt(&mut self, s: &'ast Stmt) {
        if features::debug_build_only(features::stmt_attrs(s)) {
            return;
        }
        if features::test_build_only(features::stmt_attrs(s)) {
            // A statement only tests compile is test code, as a `#[cfg(test)]` item is.
            let span = s.span();
            let lines = (span.start().line as u32, span.end().line as u32);
            self.out.test_ranges.push(lines);
        }
        match s {
            Stmt::Expr(Expr::Assign(a), Some(_)) if matches!(&*a.left, Expr::Infer(_)) => {
                self.discard(&a.right, Form::AssignUnderscore)
            }
            Stmt::Expr(e, Some(_)) => self.discard(e, Form::Ok),
            _ => {}
        }
        self.under_features(features::stmt_attrs(s), |w| visit::visit_stmt(w, s));
    }

    fn visit_local(&mut self, l: &'ast Local) {
        if let (Pat::Wild(_), Some(init)) = (&l.pat, &l.init) {
            self.discard(&init.expr, Form::LetUnderscore);
        }
        let before = self.out.presence.len();
        visit::visit_local(self, l);
        let after = self.out.presence.len();
        self.note_local_init(l, before..after);
        self.bind_local(l);
    }

    fn visit_expr_async(&mut self, e: &'ast syn::ExprAsync) {
        let root = self.pending.remove(&addr(e));
        let line = e.async_token.span.start().line as u32;
        self.open_body(
            super::facts::BodyKind::AsyncBlock,
            true,
            line,
            root,
            addr(e),
        );
        self.push_frame(Frame::Async);
        let exit_only = exits::only_waits_then_exits(&e.block.stmts);
        self.exit_only += u32::from(exit_only);
        visit::visit_expr_async(self, e);
        self.exit_only -= u32::from(exit_only);
        self.pop_frame();
        self.close_body();
    }

    fn visit_expr_closure(&mut self, e: &'ast syn::ExprClosure) {
        self.closure(e);
    }

    fn visit_expr_unsafe(&mut self, e: &'ast syn::ExprUnsafe) {
        self.push_frame(Frame::Unsafe);
        visit::visit_expr_unsafe(self, e);
        self.pop_frame();
    }

    fn visit_expr_loop(&mut self, e: &'ast syn::ExprLoop) {
        let (event, network) = self.loop_sense(|f| f.visit_block(&e.body));
        let event = event.filter(|_| !control::loop_dispatches_only_control(&e.body));
        let first = loop_start(e.label.as_ref(), e.loop_token.span);
        let span = span_to_block(&e.attrs, first, &e.body);
        let accept = self.enter_loop(event, network && event.is_some(), span);
        visit::visit_expr_loop(self, e);
        self.leave_loop(event, accept);
    }

    fn visit_expr_while(&mut self, e: &'ast syn::ExprWhile) {
        let (event, network) = self.loop_sense(|f| {
            f.visit_expr(&e.cond);
            f.visit_block(&e.body);
        });
        let event = event.filter(|_| !control::loop_dispatches_only_control(&e.body));
        let first = loop_start(e.label.as_ref(), e.while_token.span);
        let span = span_to_block(&e.attrs, first, &e.body);
        let accept = self.enter_loop(event, network && event.is_some(), span);
        visit::visit_expr_while(self, e);
        self.leave_loop(event, accept);
    }

    fn visit_expr_for_loop(&mut self, e: &'ast syn::ExprForLoop) {
        self.visit_expr(&e.expr);
        let first = loop_start(e.label.as_ref(), e.for_token.span);
        let accept = self.enter_loop(None, false, span_to_block(&e.attrs, first, &e.body));
        self.locals.push(HashMap::new());
        match &*e.pat {
            // `for filter in &filters` / `filters.iter()`: an element of the sequence, as
            // `filters[i]` is.
            Pat::Ident(id) => {
                let of = self.scope().of_expr(iterated(&e.expr));
                let ty = Ty::MethodRet(Box::new(of), super::types::INDEX.to_string());
                self.bind(id.ident.to_string(), ty);
            }
            pat => self.bind_names(pat),
        }
        self.visit_block(&e.body);
        self.locals.pop();
        self.leave_loop(None, accept);
    }

    /// `if let` / `while let` / `let .. else`: the pattern's names are values from here on.
    fn visit_expr_let(&mut self, e: &'ast syn::ExprLet) {
        visit::visit_expr_let(self, e);
        self.bind_names(&e.pat);
    }

    fn visit_pat(&mut self, p: &'ast Pat) {
        self.in_pattern += 1;
        visit::visit_pat(self, p);
        self.in_pattern -= 1;
    }

    /// A `match` arm's pattern binds its names for the arm.
    fn visit_arm(&mut self, a: &'ast syn::Arm) {
        self.locals.push(HashMap::new());
        self.bind_names(&a.pat);
        visit::visit_arm(self, a);
        self.locals.pop();
    }

    fn visit_expr_call(&mut self, e: &'ast ExprCall) {
        self.call(e);
    }

    /// Hand-written routing: `req.uri().path() == "/health"`.
    fn visit_expr_binary(&mut self, e: &'ast syn::ExprBinary) {
        if matches!(e.op, syn::BinOp::Eq(_)) {
            let (l, r) = (&*e.left, &*e.right);
            let route = match (str_lit(l), str_lit(r)) {
                (Some(s), None) if mentions_path(r) => Some(s),
                (None, Some(s)) if mentions_path(l) => Some(s),
                _ => None,
            };
            // `url.path() == "/"` asks whether a URL names a path at all (an exporter's
            // endpoint: grafbase), not which route a request takes.
            if let Some(route) =
                route.filter(|s| s.starts_with('/') && !s.trim_matches('/').is_empty())
            {
                self.route_fact(&route, e.op.span().start().line as u32);
            }
        }
        visit::visit_expr_binary(self, e);
    }

    /// `if cfg!(debug_assertions) { .. } else { .. }`: only the `else` is in release builds.
    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        if features::is_debug_build_test(&e.cond) {
            if let Some((_, els)) = &e.else_branch {
                self.visit_expr(els);
            }
            return;
        }
        if features::is_debug_option_test(&e.cond) {
            self.visit_expr(&e.cond);
            self.push_frame(Frame::DebugOption);
            self.visit_block(&e.then_branch);
            self.pop_frame();
            if let Some((_, els)) = &e.else_branch {
                self.visit_expr(els);
            }
            return;
        }
        self.expr_if(e);
    }

    /// Hand-written routing: `match req.uri().path() { "/health" => …, … }`.
    fn visit_expr_match(&mut self, e: &'ast syn::ExprMatch) {
        // `match settings.test_mode { TestModes::TestFakeResponse => .., _ => .. }`: the test
        // and debug arms run only with that option set, as `if conf.debug { .. }` does.
        if features::matches_on_debug_option(&e.expr)
            && e.arms.iter().any(|a| features::names_debug_variant(&a.pat))
        {
            self.visit_expr(&e.expr);
            for arm in &e.arms {
                let debug = features::names_debug_variant(&arm.pat);
                if debug {
                    self.push_frame(Frame::DebugOption);
                }
                self.visit_arm(arm);
                if debug {
                    self.pop_frame();
                }
            }
            return;
        }
        if mentions_path(&e.expr) {
            for arm in &e.arms {
                for route in pat_str_lits(&arm.pat)
                    .into_iter()
                    .filter(|s| s.starts_with('/'))
                {
                    self.route_fact(&route, arm.pat.span().start().line as u32);
                }
            }
        } else if names_path_segments(&e.expr) {
            // `match (method, segments.as_slice()) { (Method::GET, ["", "health"]) => .. }`:
            // a slice of literal segments is the route they spell (payjoin's directory,
            // twenty-ninth held-out set).
            for arm in &e.arms {
                for route in slice_routes(&arm.pat) {
                    self.route_fact(&route, arm.pat.span().start().line as u32);
                }
            }
        } else if next_path_segment(&e.expr) {
            // `match path.next() { Some("health") => .. }`: a dispatcher walking the path's
            // segments; each literal segment is a route under the path matched so far.
            // A nested dispatcher's `status` is a resource's (`/cas/{ca}/status`), not the
            // service's health.
            for arm in &e.arms {
                for seg in some_str_lits(&arm.pat)
                    .into_iter()
                    .filter(|s| s != "status")
                {
                    let route = format!("/{seg}");
                    self.route_fact(&route, arm.pat.span().start().line as u32);
                }
            }
        }
        if !self.match_event_arms(e) {
            self.expr_match(e);
        }
    }

    fn visit_expr_await(&mut self, e: &'ast syn::ExprAwait) {
        if let Expr::MethodCall(m) = &*e.base {
            self.awaited = Some(addr(m));
        }
        // An awaited call's site says so: it cannot be a sync fn that returns no future.
        if let Expr::Call(_) | Expr::MethodCall(_) = strip(&e.base) {
            self.then
                .insert(calls::payload_addr(strip(&e.base)), "await".to_string());
        }
        syn::visit::visit_expr_await(self, e);
    }

    fn visit_expr_method_call(&mut self, e: &'ast ExprMethodCall) {
        self.timer_send(e);
        self.method_call(e);
    }

    fn visit_macro(&mut self, m: &'ast Macro) {
        self.on_macro(m, Position::Expr);
    }

    fn visit_impl_item_macro(&mut self, i: &'ast syn::ImplItemMacro) {
        self.on_macro(&i.mac, Position::Impl);
    }

    fn visit_trait_item_macro(&mut self, i: &'ast syn::TraitItemMacro) {
        self.on_macro(&i.mac, Position::Trait);
    }
}

impl Walker<'_> {
    /// warp's `path!("api" / "health")`: a route made of the string literals.
    fn warp_path(&mut self, m: &Macro) {
        let parts: Vec<String> = m
            .tokens
            .clone()
            .into_iter()
            .filter_map(|t| match t {
                proc_macro2::TokenTree::Literal(l) => syn::parse_str::<syn::LitStr>(&l.to_string())
                    .ok()
                    .map(|s| s.value()),
                _ => None,
            })
            .collect();
        if !parts.is_empty() {
            let line = m.path.span().start().line as u32;
            self.route_fact(&parts.join("/"), line);
        }
    }

    /// Pushes the frames of a loop: `Loop`, and `AcceptLoop` when it accepts connections, or
    /// `ServingLoop` when it receives datagrams or (`network`) reads a connection. Gives the
    /// number of those frames pushed (for [`Walker::leave_loop`]).
    fn enter_loop(&mut self, kind: Option<LoopKind>, network: bool, span: Span) -> usize {
        self.push_frame(Frame::Loop);
        if let (Some(k), Some(b)) = (kind, self.bodies.last_mut()) {
            b.1[k as usize] += 1;
        }
        self.accept_frame(span, network)
    }

    fn leave_loop(&mut self, kind: Option<LoopKind>, accept: usize) {
        for _ in 0..accept {
            self.pop_frame();
        }
        if let (Some(k), Some(b)) = (kind, self.bodies.last_mut()) {
            b.1[k as usize] = b.1[k as usize].saturating_sub(1);
        }
        self.pop_frame();
    }
}

/// Strips `?`.
fn strip_try(e: &Expr) -> &Expr {
    match e {
        Expr::Try(t) => strip_try(&t.expr),
        other => other,
    }
}

/// Does item text name warp beyond its re-exports of `http` and `hyper` types (`warp::path`,
/// `warp::Filter`, `warp::any()`)? A file that only uses `warp::http::HeaderValue` builds no
/// filters: its `.map(..)` is a stream's or an iterator's (panamax's download tasks).
fn names_warp_filters(text: &str) -> bool {
    text.match_indices("warp::").any(|(i, found)| {
        let rest = text.get(i + found.len()..).unwrap_or("");
        !(rest.starts_with("http::") || rest.starts_with("hyper::"))
    })
}

/// A `use warp::http::..` / `use warp::hyper::..` path: a re-exported type, no filter.
fn warp_reexport(path: &[String]) -> bool {
    path.get(1)
        .is_some_and(|second| second == "http" || second == "hyper")
}

/// The collection a `for` loop iterates: `xs` in `xs`, `&xs`, `xs.iter()`, `xs.into_iter()`.
fn iterated(e: &Expr) -> &Expr {
    match e {
        Expr::Reference(r) => iterated(&r.expr),
        Expr::MethodCall(m)
            if m.args.is_empty()
                && matches!(
                    m.method.to_string().as_str(),
                    "iter" | "into_iter" | "iter_mut"
                ) =>
        {
            iterated(&m.receiver)
        }
        Expr::Paren(p) => iterated(&p.expr),
        _ => e,
    }
}
