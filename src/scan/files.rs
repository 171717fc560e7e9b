//! Per-file scanning: read each file once (in parallel), run the file-level kinds on it.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::kinds::{Matcher, Mode};
use super::{Hit, file_code_kind};
use crate::config::{Check, Config};
use crate::model::ScanNote;
use crate::workspace::{SourceFile, Workspace};

/// The texts of the files read, for snippets.
#[derive(Debug, Default)]
pub struct Sources {
    texts: BTreeMap<String, String>,
    root: std::path::PathBuf,
}

impl Sources {
    /// The trimmed text of 1-based `line` of `file` (read on demand if not scanned).
    pub fn line(&self, file: &str, line: u32) -> Option<String> {
        let owned;
        let text = match self.texts.get(file) {
            Some(t) => t.as_str(),
            None => {
                owned = std::fs::read_to_string(self.root.join(file)).ok()?;
                owned.as_str()
            }
        };
        text.lines()
            .nth(line.checked_sub(1)? as usize)
            .map(|l| l.trim().to_string())
    }
}

/// What the per-file pass produced.
pub struct FileScan {
    /// Findings.
    pub hits: Vec<Hit>,
    /// Problems reading files.
    pub notes: Vec<ScanNote>,
    /// Per check: did a `text` check in `require` mode match anywhere (by package dir)?
    pub text_matched: Vec<Vec<String>>,
    /// The texts read.
    pub sources: Sources,
    /// Number of files read.
    pub files_scanned: usize,
}

struct OneFile {
    hits: Vec<Hit>,
    note: Option<ScanNote>,
    /// (check index) for require-mode text checks that matched in this file.
    matched: Vec<usize>,
    text: Option<String>,
}

/// Runs the file-level checks over every file of the workspace.
pub fn scan_files(config: &Config, ws: &Workspace, applicable: &[bool]) -> FileScan {
    let results: Vec<(usize, OneFile)> = ws
        .files
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| scan_one(config, ws, applicable, f).map(|r| (i, r)))
        .collect();
    let mut out = FileScan {
        hits: Vec::new(),
        notes: Vec::new(),
        text_matched: vec![Vec::new(); config.checks.len()],
        sources: Sources {
            texts: BTreeMap::new(),
            root: ws.root.clone(),
        },
        files_scanned: 0,
    };
    for (i, r) in results {
        out.files_scanned += 1;
        out.hits.extend(r.hits);
        out.notes.extend(r.note);
        for c in r.matched {
            out.text_matched[c].push(ws.files[i].path.clone());
        }
        if let Some(t) = r.text {
            out.sources.texts.insert(ws.files[i].path.clone(), t);
        }
    }
    out
}

/// The checks that look at this file, by path scope, package conditions and code kind.
fn checks_for<'c>(
    config: &'c Config,
    ws: &Workspace,
    applicable: &[bool],
    file: &SourceFile,
) -> Vec<(usize, &'c Check)> {
    let package = file.package.map(|i| &ws.packages[i]);
    let kind = file_code_kind(ws, &file.path);
    config
        .checks
        .iter()
        .enumerate()
        .filter(|(i, c)| applicable[*i] && c.scope.includes(&file.path))
        .filter(|(_, c)| match package {
            Some(p) => c.applies_to(p),
            None => c.applies.is_unconditional(),
        })
        .filter(|(_, c)| !file.is_rust() || c.code.includes(kind))
        .collect()
}

fn scan_one(
    config: &Config,
    ws: &Workspace,
    applicable: &[bool],
    file: &SourceFile,
) -> Option<OneFile> {
    let text_checks: Vec<(usize, &Check)> = checks_for(config, ws, applicable, file)
        .into_iter()
        .filter(|(_, c)| matches!(&c.matcher, Matcher::Text(t) if t.selects(&file.path)))
        .collect();
    if text_checks.is_empty() {
        return None;
    }
    let text = match read_text(file) {
        Ok(t) => t,
        Err(message) => {
            let note = ScanNote {
                file: file.path.clone(),
                message,
            };
            return Some(OneFile {
                hits: Vec::new(),
                note: Some(note),
                matched: Vec::new(),
                text: None,
            });
        }
    };
    let mut hits = Vec::new();
    let mut matched = Vec::new();
    for (idx, check) in text_checks {
        let Matcher::Text(m) = &check.matcher else {
            continue;
        };
        let regions = m.matches(&text);
        match m.mode {
            Mode::Forbid => hits.extend(regions.into_iter().map(|region| Hit {
                check: idx,
                file: file.path.clone(),
                region,
                message: super::message(
                    check,
                    format!("forbidden pattern `{}`", m.regex.as_str()),
                    &[],
                ),
            })),
            Mode::Require if !regions.is_empty() => matched.push(idx),
            Mode::Require => {}
        }
    }
    Some(OneFile {
        hits,
        note: None,
        matched,
        text: Some(text),
    })
}

/// Reads a file as UTF-8, with a clear message when it cannot be.
pub fn read_text(file: &SourceFile) -> Result<String, String> {
    let bytes = std::fs::read(&file.abs).map_err(|e| format!("cannot read file: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not valid UTF-8 (byte {}), skipped",
            e.utf8_error().valid_up_to()
        )
    })
}
