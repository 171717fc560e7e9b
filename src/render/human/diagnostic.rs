//! One finding as a rustc-style diagnostic (annotate-snippets): the message, `--> file:line:col`,
//! the flagged line with a gutter and carets, then `= note:` lines for the chain and
//! `= help:` / `= note:` lines with the fix and the suppression syntax.

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use crate::guard::{visible, visible_lines};
use crate::model::{Finding, Severity};
use crate::render::text::wrap;

/// Width the help text is wrapped to (the gutter and `= help: ` come on top).
const HELP_WIDTH: usize = 88;

/// What to print under the snippet besides the chain.
pub struct Extras<'a> {
    /// The check's fix, as `= help:`.
    pub help: Option<&'a str>,
    /// Show `= note: suppress with // ready:allow(<id>): <reason>`.
    pub suppress_hint: bool,
}

/// Writes one finding.
pub fn write(f: &Finding, extras: &Extras<'_>, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let level = level(f.severity);
    // Repository text (message, file name, source line), shown character for character with
    // control characters visible: carets stay right, nothing reaches the terminal raw. The role
    // of the flagged code, as one word before the message.
    let (message, file, source) = (visible(&f.message), visible(&f.file), visible(&f.snippet));
    let message = match f.role {
        Some(r) => format!("({}) {message}", r.as_str()),
        None => message.into_owned(),
    };
    let title = level.primary_title(message.as_str()).id(f.check.as_str());
    let group = if has_no_line(f) {
        let origin = Origin::path(file.as_ref())
            .line(f.region.line as usize)
            .char_column(f.region.column as usize);
        title.element(origin)
    } else {
        let snippet = Snippet::source(source.as_ref())
            .line_start(f.region.line as usize)
            .path(file.as_ref())
            .annotation(AnnotationKind::Primary.span(caret_span(f, &source)));
        title.element(snippet)
    };
    let group = notes(group, f, extras);
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    writeln!(out, "{}", renderer.render(&[group]))
}

fn level(s: Severity) -> Level<'static> {
    match s {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// The chain (related places), the fix and the suppression syntax.
fn notes<'a>(group: Group<'a>, f: &'a Finding, extras: &Extras<'a>) -> Group<'a> {
    let group = f.related.iter().fold(group, |g, rel| {
        let note = format!("{} ({}:{})", rel.message, rel.file, rel.line);
        g.element(Level::NOTE.message(visible(&note).into_owned()))
    });
    let group = match extras.help {
        Some(fix) if !fix.trim().is_empty() => {
            let help = visible_lines(&wrap(fix.trim(), HELP_WIDTH).join("\n"));
            group.element(Level::HELP.message(help))
        }
        _ => group,
    };
    if extras.suppress_hint {
        group.element(Level::NOTE.message(suppress_hint(f)))
    } else {
        group
    }
}

/// How to suppress this finding: a comment in the file's own syntax on the flagged line or the
/// line above; for a finding about the whole file or workspace (no line), the config.
fn suppress_hint(f: &Finding) -> String {
    let id = &f.check;
    if is_whole_file(f) {
        return format!(
            "to accept it, turn the check off in ready.toml: `[checks.{id}]` `enabled = false`"
        );
    }
    let ext = f.file.rsplit_once('.').map_or("", |(_, e)| e);
    let comment = match ext {
        "toml" | "py" | "sh" | "yml" | "yaml" | "rb" => "#",
        "sql" | "lua" => "--",
        _ => "//",
    };
    format!("suppress with `{comment} ready:allow({id}): <reason>` on the line or the line above")
}

/// No line to show: a finding about a whole file or the workspace, or one without a snippet.
fn has_no_line(f: &Finding) -> bool {
    is_whole_file(f) || f.snippet.trim().is_empty()
}

/// A finding about a whole file or the workspace: at 1:1, no width.
fn is_whole_file(f: &Finding) -> bool {
    f.region.line <= 1 && f.region.column <= 1 && f.region.end_column <= 1
}

/// Byte range of the flagged text within the flagged line `line` (to its end for multi-line
/// regions; at least one character where the line has one).
fn caret_span(f: &Finding, line: &str) -> std::ops::Range<usize> {
    let byte_at = |col: u32| {
        line.char_indices()
            .nth(col.saturating_sub(1) as usize)
            .map_or(line.len(), |(i, _)| i)
    };
    let start = byte_at(f.region.column);
    let end = if f.region.end_line == f.region.line {
        byte_at(f.region.end_column)
    } else {
        line.len()
    };
    let next_char = line
        .get(start..)
        .and_then(|r| r.chars().next())
        .map_or(0, char::len_utf8);
    start..end.max(start + next_char)
}
