//! The workspace pass after every file is summarized: module-tree classification (code kinds,
//! crates and module paths), the code model, and the bins that are services (each by its own
//! name-level reachability, `reach.rs`). There is no second parsing pass: fns of the items
//! that were not parsed joined the model from their tokens (`tokens.rs`).

use super::engine::Engine;
use super::graph::{CodeModel, Roles};
use super::services::{Inputs, Services, detect};
use super::{Classification, FileSummary, classify};
use crate::model::CodeKind;
use crate::texts::Texts;
use crate::workspace::Workspace;

/// One file as the per-file pass left it.
pub struct FileState {
    /// The engine's summary, if analyzed.
    pub summary: Option<FileSummary>,
    /// Some syntax-aware check applies to it.
    pub wanted: bool,
    /// The `presence` checks that apply to it.
    pub checks: Vec<usize>,
    /// Root of a bin target?
    pub is_bin_root: bool,
    /// Marked generated in its first lines (`@generated`, "DO NOT EDIT").
    pub generated: bool,
}

/// What the workspace pass gives.
pub struct Finished {
    /// File classification (code kinds, crates, module paths).
    pub class: Classification,
    /// The code model.
    pub model: CodeModel,
    /// The bins that are services (and those that are not).
    pub services: Services,
}

/// Runs the workspace pass. `files[i]` belongs to `ws.files[i]`; `texts` gives their texts
/// again (services are judged on them).
pub fn finish(engine: &Engine, ws: &Workspace, files: &[FileState], texts: &Texts) -> Finished {
    let mut class = {
        let summaries: Vec<Option<&FileSummary>> =
            files.iter().map(|f| f.summary.as_ref()).collect();
        crate::timings::time(crate::timings::Stage::ModuleTree, || {
            classify(ws, &summaries)
        })
    };
    mark_generated(&mut class, files);
    let summaries: Vec<Option<&FileSummary>> = files.iter().map(|f| f.summary.as_ref()).collect();
    let detected = engine.request.starts.is_some();
    let services = if detected {
        detect(&Inputs {
            ws,
            class: &class,
            summaries: &summaries,
            texts,
        })
    } else {
        Services::default()
    };
    let roles = engine.request.graph.then(|| Roles {
        loops_serve: loops_serve(ws.files.len(), detected.then_some(&services)),
    });
    let model = CodeModel::build(ws, &class, &summaries, roles, &engine.externals);
    Finished {
        class,
        model,
        services,
    }
}

/// Per file: do its event loops serve requests? Everywhere when the service model did not
/// look; else only in the code of the services it found (none when it found none).
fn loops_serve(files: usize, services: Option<&Services>) -> Vec<bool> {
    let Some(services) = services else {
        return vec![true; files];
    };
    let mut serve = vec![false; files];
    for i in services.found.iter().flat_map(|s| &s.files) {
        if let Some(s) = serve.get_mut(*i) {
            *s = true;
        }
    }
    serve
}

/// Compiled files marked generated in their first lines are vendored code.
fn mark_generated(class: &mut Classification, files: &[FileState]) {
    for (kind, f) in class.kinds.iter_mut().zip(files) {
        if f.generated && kind.is_some_and(|k| k != CodeKind::Uncompiled) {
            *kind = Some(CodeKind::Vendored);
        }
    }
}

/// The code kind at a line of file `i`.
pub fn kind_at(
    ws: &Workspace,
    class: &Classification,
    summary: Option<&FileSummary>,
    i: usize,
    line: u32,
) -> CodeKind {
    match class.kinds.get(i).copied().flatten() {
        Some(CodeKind::Production) if summary.is_some_and(|s| s.in_test_range(line)) => {
            CodeKind::Test
        }
        Some(k) => k,
        None => ws
            .files
            .get(i)
            .map_or(CodeKind::Production, |f| ws.path_code_kind(&f.path)),
    }
}
