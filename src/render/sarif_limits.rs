//! GitHub code scanning's limits on one SARIF run, and which results stay when a workspace has
//! more findings than fit. GitHub rejects a whole file past a hard limit (25,000 results or
//! rules per run, 1,000 locations per result, 10 MB gzip-compressed) and displays only the top
//! 5,000 results; so the cut is made here, by relevance ([`super::priority::rank`]), and
//! recorded (a run notification, `run.properties`, the job summary) instead of left to chance.

use std::collections::{BTreeMap, HashMap};

use crate::model::{Finding, Severity};

/// Results kept per run: the 5,000 GitHub displays (it rejects runs over 25,000).
pub const MAX_RESULTS: usize = 5_000;
/// Related locations kept per result: the 100 GitHub displays (it rejects over 1,000).
pub const MAX_RELATED: usize = 100;
/// Rules per run GitHub accepts; past it only the rules of kept results are listed.
pub const MAX_RULES: usize = 25_000;
/// Bytes the results may take uncompressed. The upload limit is 10 MB gzip-compressed; with
/// the results under 9 MB uncompressed, the file stays under it whatever the compression
/// ratio (rules, properties and the envelope take the rest).
pub const MAX_RESULT_BYTES: usize = 9_000_000;

/// Bytes of one result's JSON beyond its strings (keys, punctuation, indentation, numbers at
/// their widest, level, suppression and baseline state), rounded up; checked by a test.
const RESULT_OVERHEAD: usize = 1_000;
/// The same for one related location.
const RELATED_OVERHEAD: usize = 500;

/// An upper bound of the bytes finding `f`'s result takes in the written log, standing for
/// `merged` more: the structure plus each string as JSON escapes it. Cheap (no serialization),
/// so it can be asked of every finding.
pub(crate) fn size_bound(f: &Finding, merged: usize, prefix: &str) -> usize {
    let suffix = if merged > 0 { 40 } else { 0 };
    let strings = json_len(&f.message)
        + suffix
        + json_len(&super::sarif::artifact_uri(prefix, &f.file))
        + 2 * json_len(&f.check)
        + json_len(&f.fingerprint)
        + f.line_hash.as_deref().map_or(0, json_len)
        + f.suppressed.as_ref().map_or(0, |s| json_len(&s.reason));
    let related: usize = f
        .related
        .iter()
        .take(MAX_RELATED)
        .map(|r| {
            RELATED_OVERHEAD
                + json_len(&super::sarif::artifact_uri(prefix, &r.file))
                + json_len(&r.message)
        })
        .sum();
    RESULT_OVERHEAD + strings + related
}

/// Length of `s` as serde_json writes it inside quotes.
fn json_len(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            c if u32::from(c) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum()
}

/// Which findings become SARIF results.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cut {
    /// Indices into `Report::findings` of the results kept, in report order.
    pub kept: Vec<usize>,
    /// Per kept result, the other findings of its check on its line that it stands for: GitHub
    /// makes results with the same rule, file and line hash one alert, so they are one result.
    pub merged: BTreeMap<usize, usize>,
    /// Indices of the findings left out, in report order.
    pub omitted: Vec<usize>,
}

impl Cut {
    /// One result per check and line (the most relevant finding there), then results in order
    /// of relevance until [`MAX_RESULTS`] results or [`MAX_RESULT_BYTES`] bytes are reached
    /// (`size_of(i, n)`: finding `i`'s result, standing for `n` more, as written).
    pub fn select(findings: &[Finding], size_of: impl Fn(usize, usize) -> usize) -> Cut {
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by_cached_key(|&i| findings.get(i).map(super::priority::rank));
        let (reps, members) = same_line_groups(findings, &order);
        let mut cut = Cut::default();
        let mut bytes = 0usize;
        for i in reps {
            let group = members.get(&i).map_or(&[][..], Vec::as_slice);
            let size = if cut.kept.len() < MAX_RESULTS {
                size_of(i, group.len())
            } else {
                usize::MAX
            };
            if bytes.saturating_add(size) > MAX_RESULT_BYTES {
                cut.omitted.push(i);
                cut.omitted.extend_from_slice(group);
                continue;
            }
            bytes += size;
            cut.kept.push(i);
            if !group.is_empty() {
                cut.merged.insert(i, group.len());
            }
        }
        cut.kept.sort_unstable();
        cut.omitted.sort_unstable();
        cut
    }

    /// Findings left out per severity (error, warning, note) and per check.
    pub fn omitted_counts(&self, findings: &[Finding]) -> ([usize; 3], BTreeMap<String, usize>) {
        let mut by_severity = [0usize; 3];
        let mut by_check: BTreeMap<String, usize> = BTreeMap::new();
        for f in self.omitted.iter().filter_map(|&i| findings.get(i)) {
            let slot = match f.severity {
                Severity::Error => 0,
                Severity::Warning => 1,
                Severity::Note => 2,
            };
            if let Some(n) = by_severity.get_mut(slot) {
                *n += 1;
            }
            *by_check.entry(f.check.clone()).or_insert(0) += 1;
        }
        (by_severity, by_check)
    }

    /// One sentence saying what was left out and why (notification and summary text).
    pub fn describe(&self, findings: &[Finding]) -> Option<String> {
        if self.omitted.is_empty() {
            return None;
        }
        let ([errors, warnings, notes], _) = self.omitted_counts(findings);
        let parts: Vec<String> = [(errors, "error"), (warnings, "warning"), (notes, "note")]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, word)| format!("{n} {word}{}", if *n == 1 { "" } else { "s" }))
            .collect();
        Some(format!(
            "{} of {} findings are not in the SARIF run ({}): GitHub code scanning displays at most {MAX_RESULTS} results per run. Kept first: open findings, changed lines, errors, production code. `--format json` lists every finding.",
            self.omitted.len(),
            findings.len(),
            parts.join(", "),
        ))
    }
}

/// Representatives (one per check, file and line, in `order`) and the others of each group.
fn same_line_groups(
    findings: &[Finding],
    order: &[usize],
) -> (Vec<usize>, HashMap<usize, Vec<usize>>) {
    let mut rep_of: HashMap<(&str, &str, u32), usize> = HashMap::new();
    let mut reps = Vec::new();
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for &i in order {
        let Some(f) = findings.get(i) else { continue };
        let key = (f.check.as_str(), f.file.as_str(), f.region.line.max(1));
        match rep_of.get(&key) {
            Some(&rep) => members.entry(rep).or_default().push(i),
            None => {
                rep_of.insert(key, i);
                reps.push(i);
            }
        }
    }
    (reps, members)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Region;

    fn finding(severity: Severity, changed: bool) -> Finding {
        Finding {
            changed: Some(changed),
            ..Finding::for_test("c", severity, "src/lib.rs", 1)
        }
    }

    #[test]
    fn keeps_changed_lines_and_errors_first() {
        let mut findings = vec![finding(Severity::Note, false); MAX_RESULTS + 10];
        findings[7] = finding(Severity::Error, false);
        findings[MAX_RESULTS + 5] = finding(Severity::Note, true);
        findings[MAX_RESULTS + 9] = finding(Severity::Error, false);
        // Distinct lines, so that none are merged.
        for (i, f) in findings.iter_mut().enumerate() {
            f.region.line = i as u32 + 1;
        }
        let cut = Cut::select(&findings, |_, _| 100);
        assert_eq!(cut.kept.len(), MAX_RESULTS);
        assert_eq!(cut.omitted.len(), 10);
        for i in [7, MAX_RESULTS + 5, MAX_RESULTS + 9] {
            assert!(cut.kept.contains(&i), "{i}");
        }
        assert!(cut.kept.windows(2).all(|w| w[0] < w[1]));
        let text = cut.describe(&findings).unwrap();
        assert!(text.starts_with("10 of 5010 findings"), "{text}");
        assert!(text.contains("(10 notes)"), "{text}");
    }

    #[test]
    fn size_bound_is_never_below_the_written_size() {
        use crate::model::{Related, Suppression};
        use crate::render::RenderOptions;
        let opts = RenderOptions {
            path_prefix: "services/some api".into(),
            ..RenderOptions::default()
        };
        let mut worst = finding(Severity::Warning, true);
        worst.message = "\"quoted\" \\ \u{1} \t ünïcödé `code` ".repeat(20);
        worst.file = "src/dir with space/ü\"x\".rs".into();
        worst.region = Region {
            line: u32::MAX,
            column: u32::MAX,
            end_line: u32::MAX,
            end_column: u32::MAX,
        };
        worst.fingerprint = "f".repeat(16);
        worst.line_hash = Some(format!("{}:{}", "a".repeat(16), u32::MAX));
        worst.baseline = Some("unchanged".into());
        worst.suppressed = Some(Suppression {
            kind: "baseline".into(),
            reason: "in the baseline \"x\"".into(),
        });
        worst.related = (0..120)
            .map(|i| Related {
                file: format!("src/ü/{i}.rs"),
                line: u32::MAX,
                message: "`a` calls `b` \"\u{2}\"".into(),
            })
            .collect();
        let plain = finding(Severity::Note, false);
        for (f, merged) in [(&worst, 0), (&worst, usize::MAX), (&plain, 0), (&plain, 3)] {
            let written = super::super::sarif::written_size(f, merged, &opts);
            let bound = size_bound(f, merged, &opts.path_prefix);
            assert!(bound >= written, "{bound} < {written}");
            assert!(
                bound < written * 2 + 1_000,
                "{bound} is far above {written}"
            );
        }
    }

    #[test]
    fn one_result_per_check_and_line() {
        let mut findings = vec![finding(Severity::Warning, false); 4];
        findings[1].region.column = 9;
        findings[2].check = "other".into();
        findings[3].region.line = 2;
        findings[1].severity = Severity::Error;
        let cut = Cut::select(&findings, |_, _| 100);
        // The error stands for the warning of its check on its line.
        assert_eq!(cut.kept, [1, 2, 3]);
        assert_eq!(cut.merged.get(&1), Some(&1));
        assert!(cut.omitted.is_empty());
    }

    #[test]
    fn keeps_within_the_byte_budget() {
        let mut findings = vec![finding(Severity::Warning, false); 10];
        for (i, f) in findings.iter_mut().enumerate() {
            f.region.line = i as u32 + 1;
        }
        let cut = Cut::select(
            &findings,
            |i, _| {
                if i == 3 { MAX_RESULT_BYTES } else { 1_000 }
            },
        );
        assert_eq!(cut.omitted, [3]);
        let text = cut.describe(&findings).unwrap();
        assert!(
            text.starts_with("1 of 10 findings are not in the SARIF run (1 warning)"),
            "{text}"
        );
    }
}
