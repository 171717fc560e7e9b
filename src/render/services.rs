//! `cargo ready list --services`: which bin targets are services and why, and with `-v` the
//! verdict and evidence of every service check and why the other bins are not services.

use std::fmt::Write as _;

use crate::guard::visible;
use crate::model::{Evidence, Outcome, Report};

/// `file:line: what` of evidence, repository text made visible.
fn at(e: &Evidence) -> String {
    format!("{}:{}: {}", visible(&e.file), e.line, visible(&e.what))
}

/// The services of a report as text. Every name, path and piece of code in it comes from the
/// scanned repository, so each is printed through [`visible`]: no control character, no line
/// a CI runner would take for a workflow command.
pub fn services_text(report: &Report, verbose: bool) -> String {
    let mut s = String::new();
    if report.services.is_empty() {
        let _ = writeln!(s, "no service: no bin target starts a server");
    }
    for svc in &report.services {
        let _ = writeln!(
            s,
            "service `{}` (package `{}`, {}): {} via {}",
            visible(&svc.bin),
            visible(&svc.package),
            visible(&svc.file),
            svc.protocols.join(", "),
            svc.frameworks.join(", ")
        );
        let _ = writeln!(s, "  starts its server at {}", at(&svc.started));
        for p in &svc.purposes {
            let _ = writeln!(s, "  {}: {}", p.purpose, at(&p.evidence));
        }
        let _ = writeln!(s, "  code searched: {}", visible(&svc.packages.join(", ")));
        if verbose {
            for c in &svc.checks {
                let verdict = match (&c.outcome, &c.evidence) {
                    (Outcome::Pass, Some(e)) => {
                        format!("pass  {}:{} {}", visible(&e.file), e.line, visible(&e.what))
                    }
                    (Outcome::Pass, None) => "pass".to_string(),
                    (Outcome::Skipped, _) => {
                        format!("n/a   {}", visible(c.reason.as_deref().unwrap_or_default()))
                    }
                    _ => "FAIL".to_string(),
                };
                let _ = writeln!(s, "  {:<20} {verdict}", c.id);
            }
        }
    }
    match (verbose, report.not_services.len()) {
        (_, 0) => {}
        (true, _) => {
            let _ = writeln!(s, "not services:");
            for n in &report.not_services {
                let _ = writeln!(
                    s,
                    "  bin `{}` (package `{}`): {}",
                    visible(&n.bin),
                    visible(&n.package),
                    visible(&n.reason)
                );
            }
        }
        (false, n) => {
            let _ = writeln!(
                s,
                "{n} other bin target{} not a service (-v says why)",
                if n == 1 { " is" } else { "s are" }
            );
        }
    }
    s
}
