//! Stage 3, last step: a more specific check claims its findings from a less specific one.
//!
//! A check that declares `supersedes = ["no-unwrap"]` (e.g. `lock-unwrap`) removes each
//! `no-unwrap` finding whose span overlaps one of its own findings in the same file, so one
//! hazard gives one finding, scored and annotated once. Runs on raw findings, after the scan and
//! before the gate (suppressions, baseline, budgets); pure.

use std::collections::HashMap;

use crate::config::Check;
use crate::model::{Finding, Region};

/// Drops the findings that a superseding check's findings overlap.
pub fn apply(checks: &[Check], findings: &mut Vec<Finding>) {
    // superseded id → ids of the checks that supersede it
    let mut claimed_by: HashMap<&str, Vec<&str>> = HashMap::new();
    for c in checks {
        for s in &c.supersedes {
            claimed_by
                .entry(s.as_str())
                .or_default()
                .push(c.id.as_str());
        }
    }
    if claimed_by.is_empty() {
        return;
    }
    // (file, superseding check id) → the regions it found
    let mut regions: HashMap<(&str, &str), Vec<&Region>> = HashMap::new();
    for f in findings.iter() {
        regions
            .entry((f.file.as_str(), f.check.as_str()))
            .or_default()
            .push(&f.region);
    }
    let keep: Vec<bool> = findings
        .iter()
        .map(|f| {
            let claimers = claimed_by
                .get(f.check.as_str())
                .map_or(&[][..], Vec::as_slice);
            !claimers.iter().any(|c| {
                regions
                    .get(&(f.file.as_str(), *c))
                    .is_some_and(|rs| rs.iter().any(|r| overlaps(r, &f.region)))
            })
        })
        .collect();
    let mut keep = keep.into_iter();
    findings.retain(|_| keep.next().unwrap_or(true));
}

/// Do two regions share a character (an empty region: does it sit inside the other)?
fn overlaps(a: &Region, b: &Region) -> bool {
    let (a0, a1) = ((a.line, a.column), (a.end_line, a.end_column));
    let (b0, b1) = ((b.line, b.column), (b.end_line, b.end_column));
    if a0 == b0 {
        return true;
    }
    let a1 = a1.max(a0);
    let b1 = b1.max(b0);
    (a0 < b1 && b0 < a1) || (a0 == a1 && b0 <= a0 && a0 < b1) || (b0 == b1 && a0 <= b0 && b0 < a1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(line: u32, column: u32, end_line: u32, end_column: u32) -> Region {
        Region {
            line,
            column,
            end_line,
            end_column,
        }
    }

    #[test]
    fn overlapping_spans() {
        let unwrap = region(3, 18, 3, 26);
        assert!(overlaps(&unwrap, &unwrap));
        assert!(overlaps(&unwrap, &region(3, 10, 3, 19)));
        assert!(overlaps(&region(2, 1, 4, 1), &unwrap));
        assert!(overlaps(&region(3, 20, 3, 20), &unwrap));
        assert!(!overlaps(&unwrap, &region(3, 26, 3, 30)));
        assert!(!overlaps(&unwrap, &region(4, 18, 4, 26)));
        assert!(!overlaps(&region(3, 1, 3, 18), &unwrap));
    }
}
