//! `cargo ready init`: a commented `ready.toml` for this workspace, from what a scan with the
//! built-in `recommended` policy found. Its services and how each was detected, its libraries,
//! its platform-specific directories (with a stricter `no-unwrap` to uncomment), and, when the
//! workspace has findings today, how to adopt the tool gradually with a baseline. Pure: the
//! binary writes the file.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::config::schema::SCHEMA_BASE_URL;
use crate::model::{Outcome, Report, Severity};
use crate::render::text::wrap;
use crate::workspace::Workspace;

/// Directory (or module file) names of platform-specific code.
pub const PLATFORM_NAMES: &[&str] = &["platform", "sys", "os", "windows", "unix"];

/// What `init` found in the workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    /// Services, with how each was detected.
    pub services: Vec<ServiceFact>,
    /// Packages with a lib target and no bin target.
    pub libraries: Vec<String>,
    /// Bin targets that are not services (`bin (package)`).
    pub other_bins: Vec<String>,
    /// Globs of platform-specific code (`crates/platform/**`, `src/windows/**`, `src/os.rs`).
    pub platform: Vec<String>,
    /// Today's verdict under `recommended`.
    pub today: Today,
}

/// A detected service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFact {
    /// Package name.
    pub package: String,
    /// Bin target name.
    pub bin: String,
    /// How it was detected, e.g. "depends on axum and has the bin target `api` (src/main.rs)".
    pub how: String,
}

/// The scan's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Today {
    /// `READY`, `WARN`, `NOT READY`.
    pub status: String,
    /// Overall score.
    pub score: u32,
    /// Failing checks (weighing ones).
    pub failing: usize,
    /// Failing error checks.
    pub blockers: Vec<String>,
    /// Unsuppressed findings.
    pub findings: usize,
}

/// Gathers the facts from the workspace (with its files discovered) and a scan of it.
pub fn facts(ws: &Workspace, report: &Report) -> Facts {
    let failing: Vec<_> = report
        .checks
        .iter()
        .filter(|c| c.outcome == Outcome::Fail && c.weight > 0.0)
        .collect();
    let services = detect_services(report);
    let other_bins = report
        .not_services
        .iter()
        .map(|n| format!("{} ({})", n.bin, n.package))
        .collect();
    Facts {
        services,
        other_bins,
        libraries: ws
            .packages
            .iter()
            .filter(|p| p.has_lib() && !p.has_bin())
            .map(|p| p.name.clone())
            .collect(),
        platform: platform_globs(ws.files.iter().map(|f| f.path.as_str())),
        today: Today {
            status: report.status.banner().to_string(),
            score: report.score,
            failing: failing.len(),
            blockers: failing
                .iter()
                .filter(|c| c.severity == Severity::Error)
                .map(|c| c.id.clone())
                .collect(),
            findings: report
                .findings
                .iter()
                .filter(|f| f.suppressed.is_none())
                .count(),
        },
    }
}

/// The services the scan found: bin targets whose code starts a server.
fn detect_services(report: &Report) -> Vec<ServiceFact> {
    report
        .services
        .iter()
        .map(|svc| ServiceFact {
            package: svc.package.clone(),
            bin: svc.bin.clone(),
            how: format!(
                "the bin target `{}` ({}) starts its server ({}) at {}:{}",
                svc.bin,
                svc.file,
                svc.frameworks.join(" / "),
                svc.started.file,
                svc.started.line
            ),
        })
        .collect()
}

/// Globs for the platform-specific directories and module files among `paths` (Rust files),
/// outermost only: `crates/platform/**` covers `crates/platform/src/windows/`.
pub fn platform_globs<'a>(paths: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut found: BTreeSet<String> = BTreeSet::new();
    for path in paths.filter(|p| p.ends_with(".rs")) {
        let parts: Vec<&str> = path.split('/').collect();
        let (file, dirs) = parts.split_last().unwrap_or((&"", &[]));
        if let Some(i) = dirs.iter().position(|d| PLATFORM_NAMES.contains(d)) {
            found.insert(format!("{}/**", dirs[..=i].join("/")));
        } else if PLATFORM_NAMES.contains(&file.trim_end_matches(".rs")) {
            found.insert(path.to_string());
        }
    }
    let all: Vec<String> = found.into_iter().collect();
    all.iter()
        .filter(|g| {
            !all.iter().any(|other| {
                other != *g
                    && other
                        .strip_suffix("**")
                        .is_some_and(|dir| g.starts_with(dir))
            })
        })
        .cloned()
        .collect()
}

/// The `ready.toml` text.
pub fn ready_toml(f: &Facts, version: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "#:schema {SCHEMA_BASE_URL}/ready.schema.json");
    let _ = writeln!(
        s,
        "# cargo-ready configuration, written by `cargo ready init` (cargo-ready {version}).\n\
         # Every key: README.md#configuration. Every check: `cargo ready list`; why and how to fix\n\
         # one: `cargo ready explain <id>`."
    );
    let only_libraries =
        f.services.is_empty() && f.other_bins.is_empty() && !f.libraries.is_empty();
    let (policy, why) = if only_libraries {
        ("library", "no service here: libraries, panics weigh more")
    } else {
        ("recommended", "every built-in check where it applies")
    };
    let _ = writeln!(
        s,
        "\n# Built-in policies: recommended, strict (release branches: warnings fail), library.\n\
         extends = [\"{policy}\"]   # {why}"
    );
    write_inventory(&mut s, f);
    write_platform(&mut s, &f.platform);
    let _ = writeln!(
        s,
        "\n[gate]\nfail_on = \"error\"   # a failing error check fails the run; \"warning\" is stricter\n\
         # min_score = 80     # and/or fail below this overall score"
    );
    write_today(&mut s, &f.today);
    s
}

fn write_inventory(s: &mut String, f: &Facts) {
    let _ = writeln!(s);
    if f.services.is_empty() {
        let _ = writeln!(
            s,
            "# Services: none found (no bin target starts a server), so the service checks\n\
             # (health-endpoint, graceful-shutdown, request-timeout, …) are skipped."
        );
    } else {
        let _ = writeln!(
            s,
            "# Services: the service checks (health-endpoint, graceful-shutdown, request-timeout, …)\n\
             # run for these packages:"
        );
        for svc in &f.services {
            let _ = writeln!(s, "#   {}: {}", svc.package, svc.how);
        }
    }
    if !f.other_bins.is_empty() {
        let text = format!(
            "Other binaries (they start no server): {}.",
            f.other_bins.join(", ")
        );
        s.push_str(&comment(&text));
    }
    if !f.libraries.is_empty() {
        s.push_str(&comment(&format!("Libraries: {}.", f.libraries.join(", "))));
    }
}

/// `text` as `# ` comment lines of at most 96 characters.
fn comment(text: &str) -> String {
    wrap(text, 94).iter().map(|l| format!("# {l}\n")).collect()
}

fn write_platform(s: &mut String, platform: &[String]) {
    if platform.is_empty() {
        return;
    }
    let paths: String = platform
        .iter()
        .map(|p| format!("#     \"{p}\",\n"))
        .collect();
    let _ = writeln!(
        s,
        "\n# Platform-specific code: OS calls fail in ways that tests on one platform never see, and\n\
         # an unwrap there takes the whole process down. To make unwraps there block the release\n\
         # (no-unwrap stays a warning elsewhere: this check claims its findings), uncomment:\n\
         # [[check]]\n\
         # id = \"platform-unwrap\"\n\
         # title = \"No unwrap in platform-specific code\"\n\
         # category = \"error-handling\"\n\
         # severity = \"error\"\n\
         # kind = \"call\"\n\
         # supersedes = [\"no-unwrap\", \"lock-unwrap\"]\n\
         # paths = [\n{paths}# ]\n\
         # why = \"A failing OS call in platform code must be handled: a panic there stops the service.\"\n\
         # fix = \"Return the error with `?` and context, or handle the case.\"\n\
         # [check.match]\n\
         # methods = [\"unwrap\", \"expect\"]"
    );
}

fn write_today(s: &mut String, t: &Today) {
    let blockers = if t.blockers.is_empty() {
        String::new()
    } else {
        format!(", blocked by {}", t.blockers.join(", "))
    };
    let _ = writeln!(
        s,
        "\n# Today (recommended policy): {}, score {}/100, {} failing check{}{blockers}.",
        t.status,
        t.score,
        t.failing,
        if t.failing == 1 { "" } else { "s" }
    );
    if t.findings > 0 {
        let _ = writeln!(
            s,
            "# To adopt gradually, record today's {} finding{} once and gate only new ones:\n\
             #   cargo ready --output json=ready-baseline.json   (commit the file)\n\
             #   cargo ready --baseline ready-baseline.json       (in CI)",
            t.findings,
            if t.findings == 1 { "" } else { "s" }
        );
    }
}

/// What `init` tells the terminal: the file written, what is in it, and the next command.
pub fn summary(f: &Facts, path: &str, color: bool) -> String {
    let bold = |t: &str| {
        if color {
            let b = anstyle::Style::new().bold();
            format!("{b}{t}{b:#}")
        } else {
            t.to_string()
        }
    };
    let mut s = String::new();
    let _ = writeln!(s, "{} {path}", bold("wrote"));
    let services: Vec<String> = f
        .services
        .iter()
        .map(|x| format!("{} ({})", x.bin, x.package))
        .collect();
    let list = |items: &[String]| {
        if items.is_empty() {
            "none".to_string()
        } else {
            items.join(", ")
        }
    };
    let _ = writeln!(s, "  services: {}", list(&services));
    if !f.other_bins.is_empty() {
        let _ = writeln!(s, "  other binaries: {}", list(&f.other_bins));
    }
    let _ = writeln!(s, "  libraries: {}", list(&f.libraries));
    let _ = writeln!(s, "  platform-specific code: {}", list(&f.platform));
    let t = &f.today;
    let blocked = if t.blockers.is_empty() {
        String::new()
    } else {
        format!(" · blocked by {}", t.blockers.join(", "))
    };
    let _ = writeln!(
        s,
        "today: {} · score {}/100 · {} failing check{}{blocked}",
        bold(&t.status),
        t.score,
        t.failing,
        if t.failing == 1 { "" } else { "s" }
    );
    let next = if t.findings > 0 {
        "next: `cargo ready` shows them; `cargo ready --output json=ready-baseline.json`, then `--baseline ready-baseline.json`, gates only new ones"
    } else {
        "next: commit ready.toml and run `cargo ready` in CI"
    };
    let _ = writeln!(s, "{next}");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_globs_keep_the_outermost_directory() {
        let files = [
            "crates/platform/src/lib.rs",
            "crates/platform/src/windows/mod.rs",
            "src/os.rs",
            "src/net/unix/socket.rs",
            "src/main.rs",
            "src/sys/README.md",
            "src/osx.rs",
        ];
        assert_eq!(
            platform_globs(files.into_iter()),
            ["crates/platform/**", "src/net/unix/**", "src/os.rs"]
        );
    }
}
