//! `cargo ready explain <id>`: one check's documentation for a terminal, in headed sections
//! (why, how to fix, examples, how to suppress, links), wrapped to a fixed width. Pure.

use std::fmt::Write as _;

use anstyle::Style;

use super::text::{indent, wrap};
use crate::config::CheckDef;

/// Width the prose is wrapped to.
const WIDTH: usize = 80;

/// The explanation of `d`; headings in bold when `color`.
pub fn explain(d: &CheckDef, color: bool) -> String {
    let d = &shown(d);
    let heading = |s: &str| {
        if color {
            let bold = Style::new().bold();
            format!("{bold}{s}{bold:#}")
        } else {
            s.to_string()
        }
    };
    let mut s = String::new();
    let _ = writeln!(s, "{}", heading(&format!("{} — {}", d.id, d.title)));
    let _ = writeln!(s, "{}", facts(d));
    let _ = writeln!(s, "\n{}\n{}", heading("Why it matters"), prose(&d.why));
    let _ = writeln!(s, "\n{}\n{}", heading("How to fix it"), prose(&d.fix));
    for (i, ex) in d.examples.iter().enumerate() {
        let n = if d.examples.len() > 1 {
            format!(" {}", i + 1)
        } else {
            String::new()
        };
        let file = ex
            .file
            .as_deref()
            .map(|f| format!(" ({f})"))
            .unwrap_or_default();
        if let Some(bad) = &ex.bad {
            let title = format!("Bad{n}{file}: flagged");
            let _ = writeln!(
                s,
                "\n{}\n{}",
                heading(&title),
                indent(bad.trim_end(), "    ")
            );
        }
        if let Some(good) = &ex.good {
            let title = format!("Good{n}: accepted");
            let _ = writeln!(
                s,
                "\n{}\n{}",
                heading(&title),
                indent(good.trim_end(), "    ")
            );
        }
    }
    let _ = writeln!(
        s,
        "\n{}\n{}",
        heading("Suppressing it"),
        suppressing(&d.id, &d.kind, d.clippy.first().map(|c| c.lint.as_str()))
    );
    let links = links(d);
    if !links.is_empty() {
        let _ = writeln!(
            s,
            "\n{}\n{}",
            heading("See also"),
            indent(&links.join("\n"), "    ")
        );
    }
    s
}

/// `warning · error-handling · kind call · clippy::unwrap_used`.
/// The definition with its text (repository text, for a user's `[[check]]`) safe to print:
/// control characters visible, no line that is a workflow command (`guard::visible_lines`).
fn shown(d: &CheckDef) -> CheckDef {
    let v = |s: &str| crate::guard::visible_lines(s);
    let mut d = d.clone();
    for text in [&mut d.title, &mut d.category, &mut d.why, &mut d.fix] {
        *text = v(text);
    }
    for text in [&mut d.reference, &mut d.message] {
        *text = text.as_deref().map(v);
    }
    for lint in &mut d.clippy {
        lint.lint = v(&lint.lint);
    }
    for ex in &mut d.examples {
        for text in [&mut ex.bad, &mut ex.good, &mut ex.file] {
            *text = text.as_deref().map(v);
        }
    }
    d
}

fn facts(d: &CheckDef) -> String {
    let mut parts = vec![
        format!("severity {}", d.severity.as_str()),
        format!("category {}", d.category),
        format!("kind {}", d.kind),
    ];
    if !d.supersedes.is_empty() {
        parts.push(format!("supersedes {}", d.supersedes.join(", ")));
    }
    let lints: Vec<String> = d.clippy.iter().map(|c| format!("clippy::{c}")).collect();
    let line = parts.join(" · ");
    match lints.join(", ") {
        l if l.is_empty() => line,
        l if line.chars().count() + l.chars().count() + 3 > WIDTH => format!("{line}\n{l}"),
        l => format!("{line} · {l}"),
    }
}

fn prose(text: &str) -> String {
    indent(&wrap(text.trim(), WIDTH - 4).join("\n"), "    ")
}

fn suppressing(id: &str, kind: &str, clippy: Option<&str>) -> String {
    let inline = match kind {
        "manifest" | "dependency" => {
            Some(format!("    # ready:allow({id}): <why this one is fine>"))
        }
        "text" => Some(format!(
            "    // ready:allow({id}): <why this one is fine>   (or #, --, /* */: the file's own comments)"
        )),
        "file" | "presence" | "engine" | "gate" => None,
        _ => Some(format!("    // ready:allow({id}): <why this one is fine>")),
    };
    let allow = |paths: &str| {
        [
            "    [[allow]]".to_string(),
            format!("    check = \"{id}\""),
            paths.to_string(),
            "    reason = \"<why these are fine>\"   # until = \"YYYY-MM-DD\" if temporary".into(),
        ]
        .into_iter()
        .filter(|l| !l.is_empty())
    };
    let mut lines: Vec<String> = match inline {
        Some(comment) => {
            let mut v = vec![
                "One finding: a comment on its line or in the comment block above, with a reason:"
                    .into(),
                comment,
            ];
            if let Some(lint) = clippy {
                v.push("Or on the item, clippy's attribute (listed, never silent):".into());
                v.push(format!("    #[expect(clippy::{lint}, reason = \"<why>\")]"));
            }
            v.push("A path, in ready.toml (`cargo ready suppressions` lists them all):".into());
            v.extend(allow("    paths = [\"crates/legacy/**\"]"));
            v
        }
        None => {
            let mut v = vec![
                "It concerns a package or the workspace, not one line; to accept it, in ready.toml:"
                    .into(),
            ];
            v.extend(allow(""));
            v
        }
    };
    lines.extend([
        "Today's findings, while new ones still count:".into(),
        "    cargo ready --output json=ready-baseline.json   (once, then commit the file)".into(),
        "    cargo ready --baseline ready-baseline.json".into(),
    ]);
    indent(&lines.join("\n"), "    ")
}

fn links(d: &CheckDef) -> Vec<String> {
    let mut links: Vec<String> = d
        .clippy
        .iter()
        .map(|c| format!("https://rust-lang.github.io/rust-clippy/master/#{c}"))
        .collect();
    if let Some(r) = d.reference.as_ref().filter(|r| !links.contains(r)) {
        links.push(r.clone());
    }
    links
}
