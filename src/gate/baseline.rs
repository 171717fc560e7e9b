//! What a baseline means: every finding of an earlier `--format json` report is known (a
//! finding with the same fingerprint is `baseline: unchanged`, every other one `new`); the ones
//! it left open (or had itself baselined) are debt, and a finding that matches debt is set
//! aside (suppressed as `baseline`). Findings that were suppressed by a comment, a clippy
//! attribute or `[[allow]]` are known but not debt: when such a suppression goes away, the
//! finding counts again.

use std::collections::HashSet;

use crate::model::{Finding, Suppression};

/// The JSON report versions this version can read as a baseline.
pub const READABLE_FORMAT_VERSIONS: &[u64] = &[1];

/// The fingerprints of an earlier report.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// Fingerprints of every finding it holds.
    pub known: HashSet<String>,
    /// Fingerprints of the findings it left open or baselined.
    pub debt: HashSet<String>,
    /// How the file is named in reasons (`present in baseline NAME`).
    pub name: String,
}

/// How many findings a baseline set aside, and how many of its entries are gone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BaselineCounts {
    /// Findings found in the baseline (and not otherwise suppressed).
    pub baselined: u32,
    /// Baseline entries that no longer match any finding.
    pub fixed: u32,
}

impl Baseline {
    /// Reads a baseline from the text of a JSON report; the error says what is wrong with it.
    pub fn parse(text: &str, name: &str) -> Result<Baseline, String> {
        let json: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let version = json.get("format_version").and_then(|v| v.as_u64());
        match version {
            Some(v) if READABLE_FORMAT_VERSIONS.contains(&v) => {}
            Some(v) => {
                return Err(format!(
                    "its format_version {v} is not one this cargo-ready reads ({}); write a new baseline with this version",
                    join(READABLE_FORMAT_VERSIONS)
                ));
            }
            None => {
                return Err(
                    "no `format_version` (expected a `--format json` report of cargo-ready)".into(),
                );
            }
        }
        let findings = json
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or("no `findings` array (expected a `--format json` report)")?;
        let mut baseline = Baseline {
            name: name.to_string(),
            ..Baseline::default()
        };
        for f in findings {
            let Some(fp) = f.get("fingerprint").and_then(|v| v.as_str()) else {
                continue;
            };
            let kind = f.get("suppressed").and_then(|s| s.get("kind"));
            if kind.is_none_or(|k| k == "baseline") {
                baseline.debt.insert(fp.to_string());
            }
            baseline.known.insert(fp.to_string());
        }
        Ok(baseline)
    }

    /// Marks every finding `new` or `unchanged`; findings matching debt and not otherwise
    /// suppressed are suppressed as `baseline`.
    pub fn apply(&self, findings: &mut [Finding]) -> BaselineCounts {
        let mut counts = BaselineCounts::default();
        let mut seen = HashSet::new();
        for f in findings {
            let known = self.known.contains(&f.fingerprint);
            f.baseline = Some(if known { "unchanged" } else { "new" }.to_string());
            if self.debt.contains(&f.fingerprint) {
                seen.insert(f.fingerprint.clone());
                if f.suppressed.is_none() {
                    counts.baselined += 1;
                    f.suppressed = Some(Suppression {
                        kind: "baseline".into(),
                        reason: format!("present in baseline {}", self.name),
                    });
                }
            }
        }
        counts.fixed = self.debt.len().saturating_sub(seen.len()) as u32;
        counts
    }
}

fn join(versions: &[u64]) -> String {
    versions
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_versions_and_foreign_json_are_refused() {
        let err = Baseline::parse(r#"{"format_version": 7, "findings": []}"#, "b.json");
        assert!(err.unwrap_err().contains("format_version 7"));
        let err = Baseline::parse(r#"{"runs": []}"#, "b.sarif");
        assert!(err.unwrap_err().contains("no `format_version`"));
    }

    #[test]
    fn findings_suppressed_in_source_are_not_debt() {
        let text = r#"{"format_version": 1, "findings": [
            {"fingerprint": "a", "suppressed": null},
            {"fingerprint": "b", "suppressed": {"kind": "baseline", "reason": "x"}},
            {"fingerprint": "c", "suppressed": {"kind": "inline", "reason": "y"}}
        ]}"#;
        let b = Baseline::parse(text, "b.json").unwrap_or_default();
        let mut debt: Vec<&String> = b.debt.iter().collect();
        debt.sort();
        assert_eq!(debt, ["a", "b"]);
        assert_eq!(b.known.len(), 3);
    }
}
