//! The texts of the files for findings' snippets and line hashes: a file the scan read is read
//! again on demand ([`Texts`], checked against the first read), each with its line starts
//! indexed once; a file it did not read (a manifest of a workspace-level finding) once on
//! demand.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use crate::model::ScanNote;
use crate::texts::Texts;
use crate::workspace::Workspace;

/// The texts of the workspace's files, for snippets.
#[derive(Debug, Default)]
pub struct Sources {
    /// The files the scan read, by path: their index in `texts`.
    read: BTreeMap<String, usize>,
    /// Their texts, read again on demand.
    texts: Texts,
    /// The texts read again so far, by index.
    again: Vec<OnceLock<Option<Lines>>>,
    /// Files not read by the scan (manifests of workspace-level findings), read once on demand.
    on_demand: Mutex<BTreeMap<String, Option<Lines>>>,
    root: std::path::PathBuf,
}

/// A text and the byte offsets at which its lines start, indexed on the first lookup (a file
/// read for its line hashes only never needs it).
#[derive(Debug, Default)]
struct Lines {
    text: String,
    index: OnceLock<crate::diag::LineIndex>,
}

impl Lines {
    fn new(text: String) -> Lines {
        Lines {
            text,
            index: OnceLock::new(),
        }
    }

    fn line(&self, line: u32) -> Option<&str> {
        let index = self
            .index
            .get_or_init(|| crate::diag::LineIndex::new(&self.text));
        index.line(&self.text, line)
    }
}

impl Sources {
    /// The texts of the files of `ws` that the scan read (`texts`, by file index).
    pub fn new(ws: &Workspace, texts: Texts) -> Sources {
        let read = (ws.files.iter().enumerate())
            .filter(|(i, _)| texts.was_read(*i))
            .map(|(i, f)| (f.path.clone(), i))
            .collect();
        Sources {
            read,
            again: (0..ws.files.len()).map(|_| OnceLock::new()).collect(),
            texts,
            on_demand: Mutex::default(),
            root: ws.root.clone(),
        }
    }

    /// Did the scan read `file`?
    pub fn was_read(&self, file: &str) -> bool {
        self.read.contains_key(file)
    }

    /// The whole text of `file` (read on demand when the scan did not read it).
    pub fn text(&self, file: &str) -> Option<String> {
        self.with_text(file, str::to_string)
    }

    /// Runs `f` on 1-based `line` of `file`, borrowed (a finding on a megabyte-long minified
    /// line must not copy it); the file's lines are indexed once.
    pub fn with_line<R>(&self, file: &str, line: u32, f: impl FnOnce(&str) -> R) -> Option<R> {
        self.with_lines(file, |l| l.line(line).map(f)).flatten()
    }

    /// Runs `f` on the whole text of `file` (read once on demand when the scan did not).
    pub fn with_text<R>(&self, file: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
        self.with_lines(file, |l| f(&l.text))
    }

    /// A note for each file the scan read that changed before its findings were shown (they
    /// are shown without their line).
    pub fn changed_notes(&self, ws: &Workspace) -> Vec<ScanNote> {
        (self.texts.changed().iter())
            .filter_map(|&i| ws.files.get(i))
            .map(|f| ScanNote {
                file: f.path.clone(),
                message:
                    "changed while the scan ran: its findings are shown without their source line"
                        .into(),
            })
            .collect()
    }

    fn with_lines<R>(&self, file: &str, f: impl FnOnce(&Lines) -> R) -> Option<R> {
        if let Some(&i) = self.read.get(file) {
            let lines = self.again.get(i)?;
            return lines
                .get_or_init(|| self.texts.get(i).map(Lines::new))
                .as_ref()
                .map(f);
        }
        let mut cache = self
            .on_demand
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let lines = cache.entry(file.to_string()).or_insert_with(|| {
            // Only inside the workspace (a manifest may be a link to anywhere).
            let path = crate::guard::contained(&self.root, &self.root, file).ok()?;
            let text = crate::guard::read_regular_text(&path, crate::guard::MAX_CONFIG_BYTES);
            text.ok().map(Lines::new)
        });
        lines.as_ref().map(f)
    }
}
