//! The Rust code model: parsing, name resolution, contexts, type hints, the module tree
//! (test-code and uncompiled-file classification), and the workspace model the syntax kinds
//! query (crates, fns with compact ids, call sites with resolved targets, roles).
//!
//! Per file (on a big-stack rayon thread, because `proc_macro2`/`syn` values are `!Send`):
//! tokenize, split top-level items at the token level, parse (with `syn`) only the `use` items
//! and the items whose text mentions a needle of the [`Request`], walk them once, and return a
//! `Send` [`FileSummary`] of facts. Then, once for the workspace: the module tree classifies
//! each file and gives its crate and module path, and the [`CodeModel`] resolves every site
//! and assigns roles. The items no needle selects, and every fn of a file naming no needle
//! (a handler's helper in a module of its own), join the call graph from their tokens. The
//! model knows no check: the kinds in `scan` are queries over it. See `docs/engine.md`.

mod blanked;
mod contexts;
mod depth;
mod engine;
mod facts;
mod finish;
mod forms;
mod graph;
mod held;
mod infallible;
mod items;
mod lexes;
mod lite;
mod macros;
mod members;
mod modtree;
mod pairs;
mod presence;
pub mod purpose;
pub mod reach;
mod request;
mod resolve;
pub mod services;
mod split;
mod tables;
mod tokens;
mod types;
mod visit;

pub use contexts::{
    Frame, FrameNode, frames_up, in_accept_loop, in_serving_loop, runs_once_method, runs_once_path,
};
pub use engine::{
    Engine, FileInput, OnTokens, analyze_file, panic_message, parse_stack_pool, thread_count,
};
pub use facts::{
    Body, BodyKind, Callee, Discard, Facts, FnDecl, FnMentions, Guard, LoopKind, Root, Site,
    TypeItem,
};
pub use finish::{FileState, Finished, finish, kind_at};
pub use graph::{CodeModel, FnId, RolePath};
pub use infallible::Exemptions;
pub use lite::{Kind as TtKind, Src, Tt, from_stream as light_tree};
pub use modtree::{Classification, FileModule, classify};
pub use presence::{ServiceVerdict, presence_hits};
pub use request::Request;
pub use types::Ty;

use crate::model::Region;

/// A `mod name;` declaration found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModDecl {
    /// Module name.
    pub name: String,
    /// Names of the inline modules it is nested in, outermost first.
    pub inline: Vec<String>,
    /// `#[path = "…"]`, or the path of each `#[cfg_attr(.., path = "…")]` (a module whose
    /// file differs per platform: every one is compiled somewhere).
    pub path_attr: Vec<String>,
    /// Declared under `#[cfg(test)]` (itself or an enclosing inline module).
    pub test: bool,
    /// Line of the declaration.
    pub line: u32,
}

/// An item-position macro invocation (`include_modules!();`), where the `mod` declarations
/// of a local `macro_rules!` of that name land.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroCall {
    /// The macro's name (last path segment).
    pub name: String,
    /// Names of the inline modules it is invoked in, outermost first.
    pub inline: Vec<String>,
    /// Invoked under `#[cfg(test)]` (itself or an enclosing inline module).
    pub test: bool,
}

/// A fact relevant to a `presence` check, found at a line.
#[derive(Debug, Clone)]
pub struct PresenceFact {
    /// Index into `Config::checks`.
    pub check: usize,
    /// Line (for test-code classification).
    pub line: u32,
    /// What was found, for the evidence: "`axum::serve(..)`", "route `/health`".
    pub what: String,
    /// A `defaults_off` call: it turns a framework default off instead of satisfying the check.
    pub negates: bool,
    /// Name of the enclosing fn (last segment), "" at item level.
    pub func: String,
    /// The cargo features its code is compiled under (`#[cfg(feature = "x")]`), usually none.
    pub features: Vec<String>,
}

/// Where a server is started (for deciding which bins are services).
#[derive(Debug, Clone)]
pub struct StartFact {
    /// Index into [`crate::kinds::service::FRAMEWORKS`]; None for a plain accept loop.
    pub framework: Option<usize>,
    /// Line.
    pub line: u32,
    /// The call, as shown in evidence.
    pub what: String,
    /// Name of the enclosing fn (last segment), "" at item level.
    pub func: String,
    /// The enclosing fn binds an ephemeral loopback port (`127.0.0.1:0`), or binds loopback
    /// and returns at the first good request: the server is an in-process helper (a local
    /// mock, an OAuth callback receiver) that no one outside the process uses, not a service.
    pub ephemeral: bool,
    /// A fn of a dependency that is no known framework starts it (`mogh_server::serve_app(..)`):
    /// the server is that of the framework the bin's closure declares.
    pub helper: bool,
    /// Called through a workspace module that may re-export the framework (`webapp::HttpServer::new`
    /// with `pub use actix_web::*;` in `service_api::webapp`): that module's path, the
    /// framework's crate and the name looked up there (`HttpServer`), to be confirmed against
    /// the module's globs and `use` items once every file is read.
    pub reexport: Option<Reexport>,
}

/// A framework item named through a workspace module: (module path, framework crate, name).
pub type Reexport = (Vec<String>, String, String);

/// Everything the engine learned from one file (`Send`).
#[derive(Debug, Clone, Default)]
pub struct FileSummary {
    /// `mod x;` declarations.
    pub mods: Vec<ModDecl>,
    /// Item-position macro invocations ([`MacroCall`]).
    pub macro_calls: Vec<MacroCall>,
    /// `mod x;` declarations in the file's `macro_rules!` definitions, by macro name.
    pub macro_mods: Vec<(String, Vec<ModDecl>)>,
    /// Inclusive line ranges of test code inside the file.
    pub test_ranges: Vec<(u32, u32)>,
    /// The parse error, if the file (or a needed item) does not parse.
    pub parse_error: Option<(Region, String)>,
    /// Parts of macro bodies that do not parse but call a needle (`parse-error` notes).
    pub macro_notes: Vec<(Region, String)>,
    /// Presence facts.
    pub presence: Vec<PresenceFact>,
    /// Server starts.
    pub starts: Vec<StartFact>,
    /// The code-model facts of the parsed items.
    pub facts: Facts,
    /// Byte ranges of the top-level items (when tokenized).
    pub items: Vec<(usize, usize)>,
    /// Indices of the top-level items that were parsed.
    pub parsed: Vec<usize>,
    /// Was the file tokenized at all?
    pub tokenized: bool,
    /// String literals that look like relative paths (`include!("gen.rs")`,
    /// `embed_migrations!("./migrations")`): files they name are compiled through macros.
    pub path_literals: Vec<String>,
}

impl FileSummary {
    /// Is `line` inside test code of this file?
    pub fn in_test_range(&self, line: u32) -> bool {
        self.test_ranges
            .iter()
            .any(|&(a, b)| a <= line && line <= b)
    }
}
