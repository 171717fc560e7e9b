//! Syntactic contexts: frames for fn boundaries, async blocks, unsafe, loops and call arguments.
//! The walker keeps the current chain; each file's frames form a tree (a node links to its
//! parent) so a recorded site names its innermost frame and a query walks outwards from it.

/// One enclosing construct.
#[derive(Debug, Clone)]
pub enum Frame {
    /// A fn body; contexts never extend past it.
    Fn {
        /// `async fn`, or a fn under a `#[tokio::main]`-like attribute.
        is_async: bool,
        /// `fn main` of a bin target.
        is_main: bool,
        /// `unsafe fn`.
        is_unsafe: bool,
    },
    /// Async block or closure.
    Async,
    /// Unsafe block.
    Unsafe,
    /// Loop body.
    Loop,
    /// Body of a loop that accepts connections (pushed inside its `Loop`).
    AcceptLoop,
    /// Body of an event loop that takes requests from a network without accepting connections
    /// (pushed inside its `Loop`): it receives datagrams (`sock.recv_from(&mut buf)`) or reads
    /// a connection (`conn.read_frame()`); each one is a request, as an accepted connection is.
    ServingLoop,
    /// Body of a `select!` branch that serves nothing: in an accept loop, one whose future
    /// accepts nothing; elsewhere, one whose future is an OS signal.
    OtherBranch,
    /// Body of a `select!` branch (outside accept loops) whose future is a timer
    /// (`_ = interval.tick() =>`): the loop's periodic work, not serving.
    TimerBranch,
    /// The miss path of a read-through cache: the `else` of `if let Some(v) = cache.get(k)`,
    /// its `None` arm, or the rest of a block after such an `if` that returns the hit; the
    /// code there runs once per key, then the cache answers.
    CacheMiss,
    /// The fill of a lazily filled slot: the rest of a block after `if slot.is_some() {
    /// return .. }` that sets `*slot = Some(..)`. It runs when the slot is empty (once, and
    /// again after an error cleared it), so what it calls is initialisation; a `cache-miss`
    /// context too.
    LazyFill,
    /// The branch an `if` takes when a debugging option is set (`if conf.debug.capture {`,
    /// `if let Some(p) = conf.debug.capture_path`, `if self.debug_mode {`): a development aid
    /// an operator turns on, not the service's normal path.
    DebugOption,
    /// The arm of a `match` on a parameter of the fn (`match kind { "filepath" => .. }`) whose
    /// patterns are literals: it runs only when a caller passes one of `values` (or a value
    /// the tool cannot read) as parameter `param`.
    LiteralArm {
        /// The parameter's position (`self` not counted).
        param: u32,
        /// The literals the arm matches, as written (`"filepath"`, `true`).
        values: Vec<String>,
    },
    /// Arguments of a path call (resolved candidates).
    Call(Vec<Vec<String>>),
    /// Arguments of a method call.
    Method(String),
}

/// One-time initialisations by method or fn name: what they are given runs once.
const ONCE: &[&str] = &[
    "get_or_init",
    "get_or_try_init",
    "call_once",
    "call_once_force",
];

/// Does a call of this method run what it is given once (`cell.get_or_init(|| ..)`)?
pub fn runs_once_method(name: &str) -> bool {
    ONCE.contains(&name)
}

/// Does a call of this path run what it is given once: a one-time initialisation
/// (`INIT.call_once`, `OnceCell::get_or_init`) or a lazy value's constructor (`LazyLock::new`,
/// `once_cell::sync::Lazy::new`, a workspace's own `LazyCredential::new`), whose closure runs
/// on first use?
pub fn runs_once_path(path: &[String]) -> bool {
    match path {
        [.., ty, last] if last == "new" => ty.starts_with("Lazy"),
        [.., last] => runs_once_method(last),
        [] => false,
    }
}

/// A frame in a file's frame tree.
#[derive(Debug, Clone)]
pub struct FrameNode {
    /// The frame.
    pub frame: Frame,
    /// The enclosing frame.
    pub parent: Option<u32>,
}

/// The frames from `start` outwards (innermost first), up to the file's top level.
pub fn frames_up(nodes: &[FrameNode], start: Option<u32>) -> impl Iterator<Item = &Frame> {
    let mut cur = start;
    std::iter::from_fn(move || {
        let node = nodes.get(cur? as usize)?;
        cur = node.parent;
        Some(&node.frame)
    })
}

/// Is the frame inside a loop that accepts connections, in its fn (what it runs, it runs per
/// connection)?
pub fn in_accept_loop(nodes: &[FrameNode], frame: Option<u32>) -> bool {
    frames_up(nodes, frame)
        .take_while(|f| !matches!(f, Frame::Fn { .. }))
        .any(|f| matches!(f, Frame::AcceptLoop))
}

/// Is the innermost frame `frame` inside a loop of its fn that takes requests from a network
/// (accepts connections, receives datagrams or reads a connection)?
pub fn in_serving_loop(nodes: &[FrameNode], frame: Option<u32>) -> bool {
    frames_up(nodes, frame)
        .take_while(|f| !matches!(f, Frame::Fn { .. }))
        .any(|f| matches!(f, Frame::AcceptLoop | Frame::ServingLoop))
}

/// Is the innermost body async (for `.await` analysis)?
pub fn in_async<'f>(frames: impl Iterator<Item = &'f Frame>) -> bool {
    for f in frames {
        match f {
            Frame::Async => return true,
            Frame::Fn { is_async, .. } => return *is_async,
            _ => {}
        }
    }
    false
}
