//! Meta-test of the built-in catalogue: the conventions every check and policy must keep, plus
//! `docs/checks.md` kept in sync with the catalogue (`UPDATE_DOCS=1` regenerates it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cargo_ready::config::CheckDef;
use cargo_ready::config::builtin::{CHECKS, POLICIES};
use cargo_ready::config::policy::PolicyFile;
use cargo_ready::diag::{Source, from_toml};

const CATEGORIES: &[&str] = &[
    "error-handling",
    "async-hygiene",
    "concurrency",
    "resource-management",
    "observability",
    "service-lifecycle",
    "security",
    "supply-chain",
];

/// The ids the issue fixes.
const REQUIRED_IDS: &[&str] = &[
    "no-unwrap",
    "no-panic",
    "blocking-in-async",
    "guard-across-await",
    "lock-unwrap",
    "detached-thread",
    "unbounded-spawn",
    "mut-cast-from-shared",
    "ignored-cleanup",
    "handmade-temp-file",
    "silent-default",
    "ignored-send-error",
    "timestamp-unique-name",
    "health-endpoint",
    "graceful-shutdown",
    "metrics-endpoint",
    "structured-logging",
    "request-body-limit",
    "request-timeout",
    "rate-limit",
    "unsafe-without-safety-comment",
    "empty-catch",
    "license-declared",
    "rust-version-declared",
    "lockfile-committed",
    "release-profile",
    "no-wildcard-deps",
    "ci-workflow-present",
    "security-policy-present",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn parse(name: &str, text: &str) -> CheckDef {
    let (def, errors) = from_toml::<CheckDef>(&Source::new(name, text));
    assert!(errors.is_empty(), "{name}: {errors:?}");
    def.unwrap_or_else(|| panic!("{name} does not parse"))
}

fn embedded() -> Vec<(String, CheckDef)> {
    CHECKS
        .iter()
        .map(|(file, text)| (file.to_string(), parse(file, text)))
        .collect()
}

fn policy(name: &str) -> (PolicyFile, &'static str) {
    let (_, text) = POLICIES
        .iter()
        .find(|(f, _)| *f == format!("{name}.toml"))
        .unwrap_or_else(|| panic!("no policy {name}"));
    let (p, errors) = from_toml::<PolicyFile>(&Source::new(name, *text));
    assert!(errors.is_empty(), "{name}: {errors:?}");
    (p.unwrap(), text)
}

#[test]
fn ids_are_unique_kebab_case_and_equal_to_file_names() {
    let mut seen = BTreeSet::new();
    for (file, d) in embedded() {
        assert!(
            cargo_ready::config::is_kebab(&d.id),
            "{file}: id `{}` is not kebab-case",
            d.id
        );
        assert_eq!(file, format!("{}.toml", d.id), "id must equal file name");
        assert!(seen.insert(d.id.clone()), "duplicate id {}", d.id);
    }
}

#[test]
fn the_issue_ids_exist_and_there_are_at_least_thirty_checks() {
    let ids: BTreeSet<String> = embedded().into_iter().map(|(_, d)| d.id).collect();
    for id in REQUIRED_IDS {
        assert!(ids.contains(*id), "missing check `{id}`");
    }
    assert!(ids.len() >= 30, "only {} checks", ids.len());
}

#[test]
fn every_check_documents_itself() {
    for (file, d) in embedded() {
        assert!(
            CATEGORIES.contains(&d.category.as_str()),
            "{file}: category"
        );
        let title = d.title.trim();
        assert!(!title.is_empty() && !title.ends_with('.'), "{file}: title");
        assert!(
            !title.starts_with(|c: char| c.is_lowercase()),
            "{file}: title starts uppercase (or with code)"
        );
        assert!(d.why.trim().len() >= 60, "{file}: why too short");
        assert!(d.fix.trim().len() >= 30, "{file}: fix too short");
        assert!(!d.examples.is_empty(), "{file}: no example");
        for ex in &d.examples {
            assert!(
                ex.bad.as_deref().is_some_and(|s| !s.trim().is_empty())
                    && ex.good.as_deref().is_some_and(|s| !s.trim().is_empty()),
                "{file}: every example needs bad and good"
            );
        }
        if let Some(r) = &d.reference {
            assert!(r.starts_with("https://"), "{file}: reference must be https");
        }
        for c in &d.clippy {
            assert!(
                is_snake(&c.lint),
                "{file}: clippy lint name `{}` (no `clippy::` prefix)",
                c.lint
            );
        }
    }
}

fn is_snake(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

#[test]
fn messages_start_lowercase_without_trailing_period() {
    for (file, d) in embedded() {
        let Some(m) = &d.message else { continue };
        assert!(
            !m.starts_with(|c: char| c.is_uppercase()),
            "{file}: message starts uppercase"
        );
        assert!(
            !m.trim_end().ends_with('.'),
            "{file}: message ends with '.'"
        );
    }
}

#[test]
fn service_checks_run_once_per_service() {
    for (file, d) in embedded() {
        let service = matches!(
            d.category.as_str(),
            "observability" | "service-lifecycle" | "security"
        ) && d.kind == "presence";
        if service || d.id == "structured-logging" {
            assert!(
                !d.applies.services.is_empty(),
                "{file}: a service check needs `[applies] services`"
            );
            assert!(
                d.applies.depends_on.is_empty() && d.applies.has_bin.is_none(),
                "{file}: a service check is decided per service, not per package"
            );
        }
    }
}

#[test]
fn recommended_enables_every_check_and_defines_the_categories() {
    let (rec, _) = policy("recommended");
    for (file, d) in embedded() {
        let ov = rec.checks.get(&d.id);
        assert!(ov.is_some(), "recommended does not name {file}");
        assert_ne!(ov.and_then(|o| o.enabled), Some(false), "{file} disabled");
    }
    let cats: BTreeSet<&str> = rec.categories.keys().map(String::as_str).collect();
    assert_eq!(cats, CATEGORIES.iter().copied().collect());
}

#[test]
fn policies_name_only_real_checks() {
    let embedded: BTreeSet<String> = embedded().into_iter().map(|(_, d)| d.id).collect();
    for (file, _) in POLICIES {
        let name = file.trim_end_matches(".toml");
        let (p, _) = policy(name);
        for id in p.checks.keys() {
            assert!(embedded.contains(id), "{file}: unknown check {id}");
        }
        for base in p.extends.iter().flatten() {
            assert!(
                POLICIES.iter().any(|(f, _)| *f == format!("{base}.toml")),
                "{file}: extends unknown {base}"
            );
        }
    }
}

#[test]
fn strict_fails_on_warnings_with_zero_budgets() {
    let (strict, _) = policy("strict");
    assert_eq!(
        strict.extends.as_deref(),
        Some(&["recommended".to_string()][..])
    );
    assert_eq!(
        strict.gate[0].fail_on,
        Some(cargo_ready::config::FailOn::Warning)
    );
    for (file, d) in embedded() {
        let max = strict.checks.get(&d.id).and_then(|o| o.max);
        assert_eq!(max, Some(0), "strict: {file} budget");
    }
}

#[test]
fn library_disables_service_checks() {
    let (lib, _) = policy("library");
    for (file, d) in embedded() {
        if d.applies.depends_on.iter().any(|c| c == "axum") {
            let enabled = lib.checks.get(&d.id).and_then(|o| o.enabled);
            assert_eq!(enabled, Some(false), "library: {file} should be disabled");
        }
    }
}

#[test]
fn every_builtin_policy_loads() {
    let dir = tempfile::tempdir().unwrap();
    for (file, _) in POLICIES {
        let overrides = cargo_ready::config::CliOverrides {
            policies: vec![file.trim_end_matches(".toml").to_string()],
            ..Default::default()
        };
        let config = cargo_ready::config::load(dir.path(), &overrides);
        assert!(config.is_ok(), "{file}: {:?}", config.err());
    }
}

#[test]
fn docs_checks_md_is_in_sync() {
    let defs = cargo_ready::config::builtin_catalogue().unwrap();
    let generated = cargo_ready::config::docs::catalogue_markdown(&defs);
    let path = root().join("docs/checks.md");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/checks.md is out of date: run `UPDATE_DOCS=1 cargo test --test catalogue`"
    );
}

#[test]
fn checks_dir_matches_embedded_files() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(Path::new(&root()).join("checks"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    let embedded: BTreeSet<String> = CHECKS.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(on_disk, embedded);
}
