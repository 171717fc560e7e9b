//! `presence` checks, decided per package once every file is summarized: satisfied when any
//! fact for the check lies in the package's production code; else one finding at the
//! package's main/lib file, line 1.

use super::{Classification, FileSummary};
use crate::kinds::Hit;
use crate::kinds::{Check, Matcher};
use crate::model::{CodeKind, Region};
use crate::workspace::Workspace;

/// Findings of absent things. `summaries[i]` belongs to `ws.files[i]`.
pub fn presence_hits(
    checks: &[Check],
    ws: &Workspace,
    applicable: &[bool],
    summaries: &[Option<&crate::rust::FileSummary>],
    class: &Classification,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (idx, check) in checks.iter().enumerate() {
        let Matcher::Presence(m) = &check.matcher else {
            continue;
        };
        if !applicable.get(idx).copied().unwrap_or(false) {
            continue;
        }
        for (pi, p) in ws.packages.iter().enumerate() {
            if !p.meets(&check.applies) {
                continue;
            }
            let found = ws.files.iter().enumerate().any(|(i, f)| {
                f.package == Some(pi)
                    && summaries.get(i).copied().flatten().is_some_and(|s| {
                        s.presence
                            .iter()
                            .any(|fact| fact.check == idx && is_production(s, class, i, fact.line))
                    })
            });
            if found {
                continue;
            }
            let what: Vec<String> = m
                .routes
                .iter()
                .map(|r| format!("route `{r}`"))
                .chain(m.functions.iter().map(|f| format!("`{}`", f.display())))
                .chain(m.methods.iter().map(|x| format!("`.{x}()`")))
                .chain(m.macros.iter().map(|x| format!("`{x}!`")))
                .collect();
            let default = format!("package `{}` has none of: {}", p.name, what.join(", "));
            hits.push(Hit {
                check: idx,
                file: p.anchor_file().to_string(),
                region: Region::file_start(),
                message: check.message(default, &[("package", &p.name)]),
                related: Vec::new(),
                role: None,
                severity: None,
            });
        }
    }
    hits
}

fn is_production(s: &FileSummary, class: &Classification, i: usize, line: u32) -> bool {
    class.kinds.get(i).copied().flatten() == Some(CodeKind::Production) && !s.in_test_range(line)
}
