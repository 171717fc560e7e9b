//! Syntactic contexts: a stack of frames (fn boundary, async block, unsafe, loop, call
//! arguments) and how a check's `inside` / `not_inside` lists are judged against it: the
//! innermost frame that either list names wins.

use crate::kinds::call::Context;

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
    /// Body of a `select!` branch of an accept loop whose future accepts nothing.
    OtherBranch,
    /// Arguments of a path call (resolved candidates).
    Call(Vec<Vec<String>>),
    /// Arguments of a method call.
    Method(String),
}

fn matches(frame: &Frame, ctx: &Context) -> bool {
    match (frame, ctx) {
        (Frame::Async, Context::Async) => true,
        (Frame::Fn { is_async, .. }, Context::Async) => *is_async,
        (Frame::Fn { is_main, .. }, Context::Main) => *is_main,
        (Frame::Fn { is_unsafe, .. }, Context::Unsafe) => *is_unsafe,
        (Frame::Unsafe, Context::Unsafe)
        | (Frame::Loop, Context::Loop)
        | (Frame::AcceptLoop, Context::AcceptLoop)
        | (Frame::OtherBranch, Context::OtherBranch) => true,
        (Frame::Call(cands), Context::Call(p)) => cands.iter().any(|c| p.matches(c)),
        (Frame::Method(m), Context::Call(p)) => p.segments.last() == Some(m) && !p.any_suffix,
        _ => false,
    }
}

/// Is a call with these enclosing frames in context for `inside` / `not_inside`?
pub fn in_context(frames: &[Frame], inside: &[Context], not_inside: &[Context]) -> bool {
    for f in frames.iter().rev() {
        if not_inside.iter().any(|c| matches(f, c)) {
            return false;
        }
        if inside.iter().any(|c| matches(f, c)) {
            return true;
        }
        if matches!(f, Frame::Fn { .. }) {
            break;
        }
    }
    inside.is_empty()
}

/// Is the innermost code synchronous fn code outside every `not_inside` context (a call here
/// makes the enclosing fn blocking)?
pub fn sync_and_live(frames: &[Frame], not_inside: &[Context]) -> bool {
    for f in frames.iter().rev() {
        if matches!(f, Frame::Async) || not_inside.iter().any(|c| matches(f, c)) {
            return false;
        }
        if let Frame::Fn { is_async, .. } = f {
            return !is_async;
        }
    }
    false
}

/// Is the innermost body async (for `.await` analysis)?
pub fn in_async(frames: &[Frame]) -> bool {
    for f in frames.iter().rev() {
        match f {
            Frame::Async => return true,
            Frame::Fn { is_async, .. } => return *is_async,
            _ => {}
        }
    }
    false
}
