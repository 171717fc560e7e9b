//! The services of the report: each detected service with the verdict and evidence of every
//! service check that ran for it; and the service checks that did not apply, with the reason.

use crate::config::Config;
use crate::kinds::service::Protocol;
use crate::model::{Outcome, Service, ServiceCheck};
use crate::rust::ServiceVerdict;
use crate::rust::services::Services;
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
                        outcome: if v.evidence.is_some() {
                            Outcome::Pass
                        } else {
                            Outcome::Fail
                        },
                        evidence: v.evidence.clone(),
                    })
                })
                .collect();
            checks.sort_by(|a, b| a.id.cmp(&b.id));
            Service {
                bin: s.bin.clone(),
                package: ws.packages[s.package].name.clone(),
                file: s.file.clone(),
                protocols: s.protocols.iter().map(|p| p.as_str().to_string()).collect(),
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
            if !c.applies.is_service() || !*applies {
                return None;
            }
            let serves = |s: &&crate::rust::services::DetectedService| {
                s.protocols.iter().any(|p| c.applies.services.contains(p))
            };
            if services.found.iter().any(|s| serves(&s)) {
                return None;
            }
            *applies = false;
            Some(if services.found.is_empty() {
                "no service: no bin target starts a server".to_string()
            } else {
                let names: Vec<&str> = c
                    .applies
                    .services
                    .iter()
                    .map(|p| Protocol::as_str(*p))
                    .collect();
                format!("no {} service", names.join(" or "))
            })
        })
        .collect()
}
