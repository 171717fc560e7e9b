//! The services of the report: each detected service with the verdict and evidence of every
//! service check that ran for it; and the service checks that did not apply, with the reason.

use crate::config::Config;
use crate::model::{Outcome, Service, ServiceCheck, ServicePurpose};
use crate::rust::ServiceVerdict;
use crate::rust::services::{Services, names};
use crate::workspace::Workspace;

/// The report's services, sorted by package and bin.
pub fn report_services(
    config: &Config,
    ws: &Workspace,
    services: &Services,
    verdicts: &[ServiceVerdict],
) -> Vec<Service> {
    let mut out: Vec<Service> = services
        .found
        .iter()
        .enumerate()
        .map(|(si, s)| {
            let mut checks: Vec<ServiceCheck> = verdicts
                .iter()
                .filter(|v| v.service == si)
                .filter_map(|v| {
                    Some(ServiceCheck {
                        id: config.checks.get(v.check)?.id.clone(),
                        outcome: match (&v.skipped, &v.evidence) {
                            (Some(_), _) => Outcome::Skipped,
                            (None, Some(_)) => Outcome::Pass,
                            (None, None) => Outcome::Fail,
                        },
                        evidence: v.evidence.clone(),
                        reason: v.skipped.clone(),
                    })
                })
                .collect();
            checks.sort_by(|a, b| a.id.cmp(&b.id));
            Service {
                bin: s.bin.clone(),
                package: ws.packages[s.package].name.clone(),
                file: s.file.clone(),
                protocols: s
                    .purposes
                    .iter()
                    .map(|p| p.purpose.as_str().to_string())
                    .collect(),
                purposes: s
                    .purposes
                    .iter()
                    .map(|p| ServicePurpose {
                        purpose: p.purpose.as_str().to_string(),
                        evidence: p.evidence.clone(),
                    })
                    .collect(),
                frameworks: s.frameworks.iter().map(|f| f.to_string()).collect(),
                started: s.started(ws),
                packages: s
                    .packages
                    .iter()
                    .map(|&q| ws.packages[q].name.clone())
                    .collect(),
                checks,
            }
        })
        .collect();
    out.sort_by(|a, b| (&a.package, &a.bin).cmp(&(&b.package, &b.bin)));
    out
}

/// For each service check that ran for no service: why (else None).
pub fn skip_reasons(
    config: &Config,
    services: &Services,
    applicable: &mut [bool],
) -> Vec<Option<String>> {
    config
        .checks
        .iter()
        .zip(applicable.iter_mut())
        .map(|(c, applies)| {
            if c.applies.in_services && *applies && services.found.is_empty() {
                *applies = false;
                return Some("no service: no bin target starts a server".to_string());
            }
            if !c.applies.is_service() || !*applies {
                return None;
            }
            if services.found.iter().any(|s| s.applies(c).is_ok()) {
                return None;
            }
            *applies = false;
            Some(if services.found.is_empty() {
                "no service: no bin target starts a server".to_string()
            } else {
                let is: Vec<String> = services
                    .found
                    .iter()
                    .map(|s| {
                        let p: Vec<_> = s.purposes.iter().map(|p| p.purpose).collect();
                        format!("`{}` is {}", s.bin, names(&p).replace(" or ", " and "))
                    })
                    .collect();
                format!(
                    "no {} service: {}",
                    names(&c.applies.services),
                    is.join("; ")
                )
            })
        })
        .collect()
}

/// Drops the hits of checks that apply only in service code ([`Applies::in_services`]) whose
/// file no detected service's code holds.
///
/// [`Applies::in_services`]: crate::kinds::Applies
pub fn keep_service_hits(
    config: &Config,
    ws: &Workspace,
    services: &Services,
    hits: &mut Vec<crate::kinds::Hit>,
) {
    let scoped = |h: &crate::kinds::Hit| {
        config
            .checks
            .get(h.check)
            .is_some_and(|c| c.applies.in_services)
    };
    if !hits.iter().any(scoped) {
        return;
    }
    let served: std::collections::HashSet<&str> = (services.found.iter())
        .flat_map(|s| &s.files)
        .filter_map(|&i| ws.files.get(i).map(|f| f.path.as_str()))
        .collect();
    hits.retain(|h| !scoped(h) || served.contains(h.file.as_str()));
}
