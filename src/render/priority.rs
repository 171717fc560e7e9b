//! Which findings come first when an output can hold only some of them: the annotations (10
//! per level), the job summary's table and SARIF past GitHub's result limit. Open before
//! suppressed; lines changed since `--diff-base` first; then errors, warnings, notes; then
//! production code before test code. Ties keep the report order (file, line, column).

use std::cmp::Reverse;

use crate::model::{Finding, Severity};

/// Sort key: smaller is more relevant. Use with a stable sort over report-ordered findings.
pub(crate) fn rank(f: &Finding) -> (bool, bool, Reverse<Severity>, bool) {
    (
        f.suppressed.is_some(),
        f.changed != Some(true),
        Reverse(f.severity),
        !is_production(f),
    )
}

/// Directory names whose files no shipped target compiles.
const NON_PRODUCTION_DIRS: &[&str] = &[
    "tests", "test", "benches", "examples", "fixtures", "testdata",
];

/// Is the finding in code that ships? The hook for the production-scope classification: until
/// findings carry their code scope, files under a test, bench, example or fixture directory
/// at any depth (also a test crate's: `tests-integration/`, `foo-tests/`; e.g. trybuild's
/// `tests-build/tests/fail/`) and build scripts count as not production.
pub(crate) fn is_production(f: &Finding) -> bool {
    let mut parts = f.file.split('/').peekable();
    while let Some(part) = parts.next() {
        let is_file = parts.peek().is_none();
        if is_file {
            return part != "build.rs";
        }
        if is_test_dir(part) {
            return false;
        }
    }
    true
}

fn is_test_dir(name: &str) -> bool {
    NON_PRODUCTION_DIRS.contains(&name)
        || ["test-", "tests-", "test_", "tests_"]
            .iter()
            .any(|p| name.starts_with(p))
        || ["-test", "-tests", "_test", "_tests"]
            .iter()
            .any(|s| name.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(file: &str) -> Finding {
        Finding::for_test("c", Severity::Warning, file, 1)
    }

    #[test]
    fn test_code_is_not_production() {
        assert!(is_production(&at("src/main.rs")));
        assert!(is_production(&at("crates/attest/src/lib.rs")));
        assert!(!is_production(&at("tests-integration/src/bin/test-cat.rs")));
        assert!(!is_production(&at("crates/api-tests/src/lib.rs")));
        assert!(is_production(&at("Cargo.toml")));
        assert!(!is_production(&at("tests-build/tests/fail/macros.rs")));
        assert!(!is_production(&at("crates/api/benches/b.rs")));
        assert!(!is_production(&at("build.rs")));
    }

    #[test]
    fn changed_lines_then_severity_then_production() {
        let mut changed_note = at("src/a.rs");
        changed_note.severity = Severity::Note;
        changed_note.changed = Some(true);
        let mut error = at("tests/t.rs");
        error.severity = Severity::Error;
        let prod_warning = at("src/b.rs");
        let test_warning = at("tests/t.rs");
        let mut v = [&test_warning, &prod_warning, &error, &changed_note];
        v.sort_by_key(|f| rank(f));
        assert_eq!(
            v.iter().map(|f| f.file.as_str()).collect::<Vec<_>>(),
            ["src/a.rs", "tests/t.rs", "src/b.rs", "tests/t.rs"]
        );
        assert_eq!(v[1].severity, Severity::Error);
    }
}
