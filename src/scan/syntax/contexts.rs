//! How a check's `inside` / `not_inside` lists are judged against a site's frames: the
//! innermost frame that either list names wins; frames stop at the fn boundary.

use crate::kinds::call::Context;
use crate::rust::{Frame, runs_once_method, runs_once_path};

fn matches(frame: &Frame, ctx: &Context) -> bool {
    match (frame, ctx) {
        (Frame::Async, Context::Async) => true,
        (Frame::Fn { is_async, .. }, Context::Async) => *is_async,
        (Frame::Fn { is_main, .. }, Context::Main) => *is_main,
        (Frame::Fn { is_unsafe, .. }, Context::Unsafe) => *is_unsafe,
        (Frame::Unsafe, Context::Unsafe)
        | (Frame::Loop, Context::Loop)
        | (Frame::AcceptLoop, Context::AcceptLoop)
        | (Frame::OtherBranch, Context::OtherBranch)
        | (Frame::CacheMiss | Frame::LazyFill, Context::CacheMiss)
        | (Frame::DebugOption, Context::DebugOption) => true,
        (Frame::Call(cands), Context::Once) => cands.iter().any(|c| runs_once_path(c)),
        (Frame::Method(m), Context::Once) => runs_once_method(m),
        (Frame::Call(cands), Context::Call(p)) => cands.iter().any(|c| p.matches(c)),
        (Frame::Method(m), Context::Call(p)) => p.segments.last() == Some(m) && !p.any_suffix,
        _ => false,
    }
}

/// Is a site with these enclosing frames (innermost first) in context?
pub fn in_context<'f>(
    frames: impl Iterator<Item = &'f Frame>,
    inside: &[Context],
    not_inside: &[Context],
) -> bool {
    for f in frames {
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

/// Is the innermost code synchronous fn code outside every `not_inside` context (a matching
/// call here makes the enclosing fn blocking)?
pub fn sync_and_live<'f>(frames: impl Iterator<Item = &'f Frame>, not_inside: &[Context]) -> bool {
    for f in frames {
        if matches!(f, Frame::Async) || not_inside.iter().any(|c| matches(f, c)) {
            return false;
        }
        if let Frame::Fn { is_async, .. } = f {
            return !is_async;
        }
    }
    false
}

/// How a context is named in a default message.
pub fn context_name(c: &Context) -> String {
    match c {
        Context::Async => "async".into(),
        Context::Unsafe => "unsafe".into(),
        Context::Loop => "loop".into(),
        Context::AcceptLoop => "accept loop".into(),
        Context::OtherBranch => "select! branch".into(),
        Context::CacheMiss => "cache miss".into(),
        Context::DebugOption => "debugging option".into(),
        Context::Once => "one-time initialisation".into(),
        Context::Main => "main".into(),
        Context::Call(p) => p.display(),
    }
}
