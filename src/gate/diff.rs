//! `--diff-base`: which findings the change brought. A finding is *changed* (it can fail the
//! gate) when its lines, or a step of its chain, touch lines the change added or modified, or —
//! for package-level findings (manifest, dependency, file and presence kinds, anything located
//! in a `Cargo.toml`) — when its package's manifest changed at all. The others are
//! pre-existing: reported, not gated.

use std::collections::HashMap;

use crate::model::Finding;
use crate::workspace::git::ChangedLines;

/// Kinds whose findings are about a package rather than a line.
const PACKAGE_LEVEL_KINDS: &[&str] = &["manifest", "dependency", "file", "presence"];

/// What `mark_changed` needs besides the changed lines.
pub struct DiffContext<'a> {
    /// Check id → kind name.
    pub kinds: HashMap<&'a str, &'a str>,
    /// Package name → its manifest (workspace-relative).
    pub manifests: HashMap<&'a str, &'a str>,
}

/// Sets `changed` on every finding.
pub fn mark_changed(findings: &mut [Finding], changed: &ChangedLines, ctx: &DiffContext<'_>) {
    for f in findings {
        f.changed = Some(is_changed(f, changed, ctx));
    }
}

fn is_changed(f: &Finding, changed: &ChangedLines, ctx: &DiffContext<'_>) -> bool {
    let touches = |file: &str, from: u32, to: u32| {
        changed
            .get(file)
            .is_some_and(|ranges| ranges.iter().any(|&(a, b)| from <= b && to >= a))
    };
    let end = f.region.end_line.max(f.region.line);
    if touches(&f.file, f.region.line, end) {
        return true;
    }
    if f.related.iter().any(|r| touches(&r.file, r.line, r.line)) {
        return true;
    }
    let kind = ctx.kinds.get(f.check.as_str()).copied().unwrap_or_default();
    let package_level = PACKAGE_LEVEL_KINDS.contains(&kind) || is_manifest(&f.file);
    if !package_level {
        return false;
    }
    let manifest = f
        .package
        .as_deref()
        .and_then(|p| ctx.manifests.get(p).copied())
        .unwrap_or(if is_manifest(&f.file) {
            &f.file
        } else {
            "Cargo.toml"
        });
    changed.contains_key(manifest) || (is_manifest(&f.file) && changed.contains_key(&f.file))
}

fn is_manifest(path: &str) -> bool {
    path == "Cargo.toml" || path.ends_with("/Cargo.toml")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;

    fn finding(check: &str, file: &str, line: u32, package: Option<&str>) -> Finding {
        Finding {
            package: package.map(str::to_string),
            ..Finding::for_test(check, Severity::Warning, file, line)
        }
    }

    #[test]
    fn lines_decide_for_code_and_the_manifest_for_packages() {
        let mut changed = ChangedLines::new();
        changed.insert("svc/src/main.rs".into(), vec![(10, 12)]);
        let ctx = DiffContext {
            kinds: [("no-unwrap", "call"), ("health-endpoint", "presence")].into(),
            manifests: [("svc", "svc/Cargo.toml")].into(),
        };
        let mut f = vec![
            finding("no-unwrap", "svc/src/main.rs", 11, Some("svc")),
            finding("no-unwrap", "svc/src/main.rs", 13, Some("svc")),
            finding("health-endpoint", "svc/src/main.rs", 1, Some("svc")),
        ];
        mark_changed(&mut f, &changed, &ctx);
        let marks: Vec<Option<bool>> = f.iter().map(|f| f.changed).collect();
        assert_eq!(marks, [Some(true), Some(false), Some(false)]);
        changed.insert("svc/Cargo.toml".into(), vec![(3, 3)]);
        mark_changed(&mut f, &changed, &ctx);
        assert_eq!(f[2].changed, Some(true), "the package's manifest changed");
        assert_eq!(f[1].changed, Some(false), "line findings still go by lines");
    }
}
