//! The facts one file contributes to the code model (all `Send`): bodies (fns, closures, async
//! blocks), call sites with their syntactic context, guards bound before an `.await`, discarded
//! results, struct fields and statics (for type hints), and the file's `use` aliases.
//!
//! Nothing here knows a check: a site is recorded because its name is a needle the scan asked
//! for, or because it may call a workspace fn (the call graph).

use super::contexts::FrameNode;
use super::infallible::Exemptions;
use super::types::Ty;
use crate::kinds::ignored_result::Form;
use crate::model::Region;

/// Why a body (or the target of a call / fn reference) starts a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Root {
    /// Registered as a route handler (`get(h)`, `.to(h)`, `#[get("/")]`, `service_fn(h)`, …).
    Route,
    /// A handler by its place: a tonic service impl, `tower::Service::call`, an actix actor's
    /// `Handler::handle`, an async-graphql `#[Object]` resolver.
    Service,
    /// Given to `tokio::spawn`, `JoinSet::spawn`, `spawn_local`, … (runs beside the server).
    Spawn,
    /// Given to a spawn whose handle is thrown away (`tokio::spawn(..);`, `let _ = ..`): nobody
    /// waits for it. In an event loop it serves like any spawned task; a request handler that
    /// starts it returns without it (a download a feed refresh queues is background work).
    Detached,
    /// `fn main` of a bin target or a `#[*::main]` fn.
    Main,
    /// Given to a one-time initialisation (`get_or_init`, `call_once`): runs once, whoever
    /// gets there first.
    Once,
    /// Run on a runtime of its own: an impl method under `#[tokio::main]` (a component's own
    /// runtime), or a task spawned on a runtime kept in a static (`LOGGING_RUNTIME.spawn(..)`).
    /// A component's loops: blocking there stalls only that component, not a server's executor.
    Runtime,
    /// Given to `block_on` inside a closure a thread runs (`thread::spawn(move ||
    /// rt.block_on(async { .. }))`): a runtime of its own, in a thread of its own. A request
    /// that starts one does not run its code (unlike a static runtime shared by requests).
    ThreadRuntime,
}

/// What kind of body.
#[derive(Debug, Clone)]
pub enum BodyKind {
    /// A fn item, impl fn or trait default fn.
    Fn(FnDecl),
    /// A closure (sync or async).
    Closure {
        /// Returned by the fn it is written in (its tail expression): it runs where the
        /// caller runs it, so its calls are not the fn's.
        returned: bool,
    },
    /// An `async { .. }` block.
    AsyncBlock,
}

/// A fn's declaration.
#[derive(Debug, Clone)]
pub struct FnDecl {
    /// Its name.
    pub name: String,
    /// The impl's self type (last path segment), for impl fns.
    pub impl_ty: Option<String>,
    /// The trait (last path segment) of a trait impl or of a trait's default fn.
    pub trait_name: Option<String>,
    /// A default fn of a trait definition (not an impl).
    pub in_trait: bool,
    /// An impl of a trait of std or a dependency (`impl io::Read for X`): its methods are
    /// called through that trait, mostly by the dependency, so a method call on a receiver of
    /// unknown type is not resolved to them by their name alone.
    pub foreign_trait: bool,
    /// Names of the inline modules around it, outermost first.
    pub inline: Vec<String>,
    /// Declared `pub` (any visibility but private).
    pub is_pub: bool,
    /// The declared return type (`Self` already replaced by the impl type).
    pub ret: Ty,
    /// Byte range of the whole fn in the file.
    pub bytes: std::ops::Range<usize>,
    /// Names of the parameters bound to a plain name, by position (`self` not counted; other
    /// patterns are empty names).
    pub params: Vec<String>,
    /// It takes `self` (a method: `x.name()` may call it; an associated fn it cannot).
    pub has_self: bool,
}

/// A loop of async code whose body serves: code written in it runs once per event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoopKind {
    /// It waits for events (a receive, a read, an accept, a stream's next item, `select!`):
    /// what it runs serves requests.
    Event,
    /// It waits only for a timer (`interval.tick()`, `sleep(..)`): periodic background work.
    Timer,
}

/// A fn, closure or async block.
#[derive(Debug, Clone)]
pub struct Body {
    /// What it is.
    pub kind: BodyKind,
    /// An `async` fn / block / closure, or a fn under `#[*::main]` / `#[*::test]`.
    pub is_async: bool,
    /// The body it is written in (closures and blocks; nested fns have none).
    pub parent: Option<u32>,
    /// Line where it starts (the fn name, the closure's `|`, the `async` keyword).
    pub line: u32,
    /// Why it starts a role, if it does.
    pub root: Option<Root>,
    /// Written inside a serving loop of its parent (see [`LoopKind`]).
    pub in_event_loop: Option<LoopKind>,
    /// Written inside a loop of its fn that accepts connections or receives datagrams (see
    /// [`crate::rust::in_serving_loop`]): what it runs serves a request.
    pub in_serving_loop: bool,
    /// A closure or async block written as argument `.1` of the call recorded as site `.0`.
    pub given_to: Option<(u32, u32)>,
    /// Written in this event arm of its parent (index into [`Facts::arms`]).
    pub arm: Option<u32>,
    /// The message type `M` of an actor's `impl Handler<M> for A { fn handle(..) }`: sending
    /// an `M` (`addr.call(M { .. })`) runs it.
    pub message: Option<String>,
}

impl Body {
    /// The fn declaration, for fn bodies.
    pub fn decl(&self) -> Option<&FnDecl> {
        match &self.kind {
            BodyKind::Fn(d) => Some(d),
            _ => None,
        }
    }
}

/// What a site calls.
#[derive(Debug, Clone)]
pub enum Callee {
    /// A path call, resolved through `use` (first the primary resolution, then glob
    /// candidates).
    Path(Vec<Vec<String>>),
    /// A method call.
    Method {
        /// The method name.
        name: String,
        /// The receiver's type, as far as the hints tell.
        recv: Ty,
        /// When the receiver is itself a method call: its name and argument count.
        recv_call: Option<(String, usize)>,
        /// The resolved function the receiver chain starts at (`a::b(..).c().name()` →
        /// `a::b`), when some pattern names a chain.
        roots: Vec<Vec<String>>,
    },
    /// A macro invocation (last path segment).
    Macro(String),
    /// A fn item used as a value (`get(handler)`, `.map(parse)`), resolved like a path call.
    Ref(Vec<Vec<String>>),
    /// A parameter of the enclosing fn passed on as a value (`spawn_blocking(f)`): never
    /// resolved; a wrapper that hands its closure parameter to another context.
    Param(String),
}

/// A call, method call, macro or fn reference.
#[derive(Debug, Clone)]
pub struct Site {
    /// What is called.
    pub callee: Callee,
    /// Where.
    pub region: Region,
    /// Innermost syntactic frame (index into the file's frames).
    pub frame: Option<u32>,
    /// Innermost body (index into the file's bodies).
    pub body: Option<u32>,
    /// Its value is thrown away (`let _ = …`, `…;` of a call whose result is unused).
    pub discarded: bool,
    /// The method called right on its value (`stdin().is_terminal()`: `is_terminal`).
    pub then: Option<String>,
    /// String-literal arguments.
    pub str_args: Vec<String>,
    /// Each argument by position: its literal as written when it is a string, bool or integer
    /// literal, else None (see [`Frame::LiteralArm`](super::contexts::Frame::LiteralArm)).
    pub lit_args: Vec<Option<String>>,
    /// How the call reads, e.g. `registry.save()`.
    pub display: String,
    /// Inside a serving loop of async code (see [`LoopKind`]).
    pub event_loop: Option<LoopKind>,
    /// The call (or referenced fn) is spawned or registered as a handler here.
    pub root: Option<Root>,
    /// In this event arm of its body (index into [`Facts::arms`]).
    pub arm: Option<u32>,
    /// The type of the message an actor send passes (`addr.call(msg)`, `emit(M { .. })`): the
    /// handlers of that message are its targets too.
    pub message: Option<String>,
}

/// A guard bound with `let` and still alive at a later `.await`.
#[derive(Debug, Clone)]
pub struct Guard {
    /// The bound name.
    pub name: String,
    /// The guard method (`lock`, `read`, …).
    pub method: String,
    /// The `let` statement.
    pub region: Region,
    /// Line of the `.await`.
    pub await_line: u32,
    /// Type of the receiver of the guard method.
    pub recv: Ty,
    /// Innermost body.
    pub body: Option<u32>,
}

/// A result thrown away.
#[derive(Debug, Clone)]
pub struct Discard {
    /// How.
    pub form: Form,
    /// A method name, or a path call's candidates.
    pub target: Result<String, Vec<Vec<String>>>,
    /// Where (the call).
    pub region: Region,
    /// Innermost body.
    pub body: Option<u32>,
}

/// A type-level item, for hints.
#[derive(Debug, Clone)]
pub enum TypeItem {
    /// `struct Name { field: Type, … }`.
    Struct {
        /// Name.
        name: String,
        /// Inline modules around it.
        inline: Vec<String>,
        /// Named fields and their declared types.
        fields: Vec<(String, Ty)>,
    },
    /// `static NAME: Type` (or `const`).
    Static {
        /// Name.
        name: String,
        /// Inline modules around it.
        inline: Vec<String>,
        /// Declared type.
        ty: Ty,
    },
    /// `type Name = Type;` without generic parameters (`type Slot = Arc<Mutex<Keys>>`).
    Alias {
        /// Name.
        name: String,
        /// The aliased type.
        ty: Ty,
    },
}

/// The model facts of one file.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Fns, closures and async blocks of the parsed items.
    pub bodies: Vec<Body>,
    /// Recorded call sites.
    pub sites: Vec<Site>,
    /// Syntactic frames (a tree: each node links to its parent).
    pub frames: Vec<FrameNode>,
    /// Guards alive across an `.await`.
    pub guards: Vec<Guard>,
    /// Discarded results.
    pub discards: Vec<Discard>,
    /// Structs and statics.
    pub types: Vec<TypeItem>,
    /// The file's top-level `use` aliases (local name → full path) and glob prefixes.
    pub aliases: Vec<(String, Vec<String>)>,
    /// Glob imports at the top level.
    pub globs: Vec<Vec<String>>,
    /// `[Enum, Variant]` of each event arm of a `match` (sites and bodies index it).
    pub arms: Vec<[String; 2]>,
    /// `[Enum, Variant]` values a timer loop sends on a channel: periodic work.
    pub timer_sends: Vec<[String; 2]>,
    /// The `.unwrap()` / `.expect(..)` calls that cannot panic, by class (when asked).
    pub exempt: Exemptions,
    /// What each fn's text mentions of [`super::Request::fn_words`] and
    /// [`super::Request::fn_patterns`], by body id in order (fns that mention none are left
    /// out).
    pub mentions: Vec<(u32, FnMentions)>,
}

/// The words a fn's text mentions and the patterns it matches (the queries do not keep the
/// file's text).
#[derive(Debug, Clone, Default)]
pub struct FnMentions {
    /// The words of [`super::Request::fn_words`] it contains.
    pub words: Vec<String>,
    /// The regexes of [`super::Request::fn_patterns`] that match it, by their pattern.
    pub patterns: Vec<String>,
}

impl Facts {
    /// What the fn `body` mentions ([`Facts::mentions`]).
    pub fn mentioned_by(&self, body: u32) -> Option<&FnMentions> {
        let i = self
            .mentions
            .binary_search_by_key(&body, |(id, _)| *id)
            .ok()?;
        self.mentions.get(i).map(|(_, m)| m)
    }

    /// The fn a body belongs to (itself, or the fn its closure / block is written in).
    pub fn enclosing_fn(&self, mut body: u32) -> Option<u32> {
        for _ in 0..1024 {
            let b = self.bodies.get(body as usize)?;
            match &b.kind {
                BodyKind::Fn(_) => return Some(body),
                BodyKind::Closure { returned: true } => return None,
                _ => {}
            }
            body = b.parent?;
        }
        None
    }
}
