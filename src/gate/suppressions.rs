//! Applying suppressions: the directives the scan collected (comments, clippy attributes) and
//! the configuration's `[[allow]]` tables, against the findings.
//!
//! Rules: a comment needs a reason (`ready:allow(id): why`), else it suppresses nothing; an
//! `until=` date in the past (or not a date) makes it suppress nothing; a clippy `#[allow]` /
//! `#[expect]` of a lint mapped to checks suppresses with or without a reason (it is a reviewed
//! decision in code) and is always listed; `[[allow]]` always has a reason (the config refuses
//! it otherwise). When several cover a finding, the first by source wins: line comment, file
//! comment, clippy attribute, config. Every suppression becomes an inventory entry; the
//! problems become findings of `suppression-without-reason`, `expired-suppression` and
//! `unused-suppression` (when those checks are enabled).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::problems::{Problem, ProblemKind, problem_findings};
use crate::config::Allow;
use crate::config::Check;
use crate::date::Date;
use crate::model::{Finding, Suppression, SuppressionEntry, SuppressionSource, SuppressionState};
use crate::scan::{ClippyAllow, CommentAllow, FileDirectives};

/// Everything the suppression pass needs besides the findings.
pub struct SuppressionInput<'a> {
    /// Directives by file, from the scan.
    pub directives: &'a BTreeMap<String, FileDirectives>,
    /// `[[allow]]` tables.
    pub allows: &'a [Allow],
    /// The enabled checks.
    pub checks: &'a [Check],
    /// Every check id of the catalogue (enabled or not).
    pub known: &'a [String],
    /// Clippy lint (without `clippy::`) → the checks it maps to, each with the identifiers of
    /// flagged code it covers (empty: every finding of the check).
    pub clippy: &'a HashMap<String, Vec<(String, Vec<String>)>>,
    /// Today, for `until=` dates.
    pub today: Date,
    /// The package a workspace-relative file belongs to.
    pub package_of: &'a dyn Fn(&str) -> Option<String>,
}

/// What applying suppressions gives besides the marks on the findings.
#[derive(Debug, Default)]
pub struct Applied {
    /// One entry per suppression, sorted by place.
    pub inventory: Vec<SuppressionEntry>,
    /// Findings of the gate's own checks (unsorted, without fingerprints).
    pub findings: Vec<Finding>,
}

/// A suppression of any source, normalized.
struct Candidate<'a> {
    source: SuppressionSource,
    file: &'a str,
    line: u32,
    /// Check ids it covers (known ones).
    checks: Vec<String>,
    /// For a clippy attribute: (check, identifiers of flagged code) per mapped lint.
    lint_covers: Vec<(String, Vec<String>)>,
    /// Ids it names that no check has.
    unknown: Vec<String>,
    reason: Option<String>,
    until: Option<String>,
    covers: Option<(u32, u32)>,
    allow: Option<&'a Allow>,
    /// Directive text (`ready:allow(x)`, `expect(clippy::y)`, `[[allow]] x`).
    text: String,
    snippet: &'a str,
    misplaced: bool,
    /// A clippy attribute in test code.
    in_test: bool,
    covered: u32,
    suppressed: u32,
}

impl Candidate<'_> {
    fn expired_or_bad_date(&self, today: Date) -> bool {
        self.until
            .as_deref()
            .is_some_and(|u| Date::parse(u).is_none_or(|d| d < today))
    }

    /// Does it suppress at all (reason, date, placement)?
    fn active(&self, today: Date) -> bool {
        let reasoned = self.reason.is_some() || self.source == SuppressionSource::ClippyAttribute;
        reasoned && !self.misplaced && !self.expired_or_bad_date(today)
    }

    fn covers(&self, f: &Finding) -> bool {
        if !self.checks.contains(&f.check) {
            return false;
        }
        if self.source == SuppressionSource::ClippyAttribute && !self.lint_covers_finding(f) {
            return false;
        }
        match (self.allow, self.covers) {
            (Some(a), _) => a.covers(&f.file),
            (None, Some((from, to))) => {
                f.file == self.file
                    && f.region.line <= to
                    && f.region.end_line.max(f.region.line) >= from
            }
            (None, None) => false,
        }
    }

    /// Does one of the attribute's lints cover this finding of a mapped check (the flagged code
    /// names what the lint is about: `unwrap_used` covers `.unwrap()`, not `.expect(..)`)?
    fn lint_covers_finding(&self, f: &Finding) -> bool {
        let mut mine = self
            .lint_covers
            .iter()
            .filter(|(c, _)| *c == f.check)
            .peekable();
        if mine.peek().is_none() {
            return false;
        }
        let idents = flagged_identifiers(f);
        mine.any(|(_, words)| {
            words.is_empty()
                || idents.is_none()
                || words
                    .iter()
                    .any(|w| idents.as_ref().is_some_and(|i| i.contains(w)))
        })
    }

    fn suppression(&self) -> Suppression {
        let kind = match self.source {
            SuppressionSource::Comment => "inline",
            SuppressionSource::FileComment => "file",
            SuppressionSource::ClippyAttribute => "clippy",
            SuppressionSource::Config => "config",
        };
        let reason = match (&self.reason, self.source) {
            (Some(r), SuppressionSource::Config) => format!("{r} ({}:{})", self.file, self.line),
            (Some(r), _) => r.clone(),
            (None, _) => format!("`#[{}]` (no reason given)", self.text),
        };
        Suppression {
            kind: kind.into(),
            reason,
        }
    }
}

/// Marks suppressed findings and returns the inventory and the gate's findings.
pub fn apply_suppressions(findings: &mut [Finding], input: &SuppressionInput<'_>) -> Applied {
    let mut in_code = code_candidates(input);
    match_candidates(findings, &mut in_code, input.today);
    let mut gate_findings = problem_findings(&problems_of(&in_code, input), input);
    // `[[allow]]` also covers the gate's findings about comments (e.g. in vendored code).
    let mut config = config_candidates(input);
    match_candidates(findings, &mut config, input.today);
    match_candidates(&mut gate_findings, &mut config, input.today);
    gate_findings.extend(problem_findings(&problems_of(&config, input), input));
    let enabled: HashSet<&str> = input.checks.iter().map(|c| c.id.as_str()).collect();
    // Clippy attributes in test code that covered nothing say nothing about production code.
    let mut inventory: Vec<SuppressionEntry> = in_code
        .iter()
        .chain(&config)
        .filter(|c| !(c.in_test && c.covered == 0))
        .map(|c| entry(c, input.today, &enabled))
        .collect();
    inventory.sort_by(|a, b| (&a.file, a.line, a.source).cmp(&(&b.file, b.line, b.source)));
    Applied {
        inventory,
        findings: gate_findings,
    }
}

/// Comment and clippy candidates, line comments first (they win over file comments, which win
/// over attributes).
fn code_candidates<'a>(input: &SuppressionInput<'a>) -> Vec<Candidate<'a>> {
    let mut out = Vec::new();
    for (file, d) in input.directives {
        out.extend(
            d.comments
                .iter()
                .map(|c| comment_candidate(file, c, input.known)),
        );
        out.extend(
            d.clippy
                .iter()
                .filter_map(|a| clippy_candidate(file, a, input.clippy)),
        );
    }
    out.sort_by_key(|c| c.source);
    out
}

fn comment_candidate<'a>(file: &'a str, c: &'a CommentAllow, known: &[String]) -> Candidate<'a> {
    let (checks, unknown): (Vec<String>, Vec<String>) =
        c.checks.iter().cloned().partition(|id| known.contains(id));
    Candidate {
        source: if c.file_wide {
            SuppressionSource::FileComment
        } else {
            SuppressionSource::Comment
        },
        file,
        line: c.line,
        checks,
        lint_covers: Vec::new(),
        unknown,
        reason: c.reason.clone(),
        until: c.until.clone(),
        covers: Some(c.covers),
        allow: None,
        text: c.text.clone(),
        snippet: &c.snippet,
        misplaced: c.misplaced,
        in_test: false,
        covered: 0,
        suppressed: 0,
    }
}

fn clippy_candidate<'a>(
    file: &'a str,
    a: &'a ClippyAllow,
    map: &HashMap<String, Vec<(String, Vec<String>)>>,
) -> Option<Candidate<'a>> {
    let lint_covers: Vec<(String, Vec<String>)> = a
        .lints
        .iter()
        .filter_map(|l| map.get(l))
        .flatten()
        .cloned()
        .collect();
    let mut checks: Vec<String> = lint_covers.iter().map(|(c, _)| c.clone()).collect();
    checks.sort();
    checks.dedup();
    if checks.is_empty() {
        return None;
    }
    let lints: Vec<String> = a.lints.iter().map(|l| format!("clippy::{l}")).collect();
    Some(Candidate {
        source: SuppressionSource::ClippyAttribute,
        file,
        line: a.line,
        checks,
        lint_covers,
        unknown: Vec::new(),
        reason: a.reason.clone(),
        until: None,
        covers: Some(a.covers),
        allow: None,
        text: format!("{}({})", a.attr, lints.join(", ")),
        snippet: &a.snippet,
        misplaced: false,
        in_test: a.in_test,
        covered: 0,
        suppressed: 0,
    })
}

fn config_candidates<'a>(input: &SuppressionInput<'a>) -> Vec<Candidate<'a>> {
    input
        .allows
        .iter()
        .map(|a| Candidate {
            source: SuppressionSource::Config,
            file: &a.file,
            line: a.line,
            checks: vec![a.check.clone()],
            lint_covers: Vec::new(),
            unknown: Vec::new(),
            reason: Some(a.reason.clone()),
            until: a.until.map(|d| d.to_string()),
            covers: None,
            allow: Some(a),
            text: format!("[[allow]] {}", a.check),
            snippet: &a.snippet,
            misplaced: false,
            in_test: false,
            covered: 0,
            suppressed: 0,
        })
        .collect()
}

/// Counts coverage on every candidate; the first active one that covers an unsuppressed
/// finding suppresses it.
fn match_candidates(findings: &mut [Finding], cands: &mut [Candidate<'_>], today: Date) {
    let mut by_file: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut anywhere = Vec::new();
    for (i, c) in cands.iter().enumerate() {
        match c.allow {
            Some(_) => anywhere.push(i),
            None => by_file.entry(c.file).or_default().push(i),
        }
    }
    for f in findings.iter_mut() {
        let local = by_file
            .get(f.file.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        for &i in local.iter().chain(&anywhere) {
            let c = &mut cands[i];
            if !c.covers(f) {
                continue;
            }
            c.covered += 1;
            if f.suppressed.is_none() && c.active(today) {
                f.suppressed = Some(c.suppression());
                c.suppressed += 1;
            }
        }
    }
}

fn state(c: &Candidate<'_>, today: Date, enabled: &HashSet<&str>) -> SuppressionState {
    if c.reason.is_none() && c.source != SuppressionSource::ClippyAttribute {
        SuppressionState::MissingReason
    } else if c.expired_or_bad_date(today) {
        SuppressionState::Expired
    } else if c.misplaced {
        SuppressionState::Unused
    } else if c.covered > 0 {
        SuppressionState::Used
    } else if c.unknown.is_empty() && !c.checks.iter().any(|id| enabled.contains(id.as_str())) {
        SuppressionState::Inactive
    } else {
        SuppressionState::Unused
    }
}

fn problems_of(cands: &[Candidate<'_>], input: &SuppressionInput<'_>) -> Vec<Problem> {
    let enabled: HashSet<&str> = input.checks.iter().map(|c| c.id.as_str()).collect();
    let mut out = Vec::new();
    for c in cands
        .iter()
        .filter(|c| c.source != SuppressionSource::ClippyAttribute)
    {
        let mut push = |kind| {
            out.push(Problem {
                kind,
                file: c.file.to_string(),
                line: c.line,
                text: c.text.clone(),
                snippet: c.snippet.to_string(),
                checks: c.checks.clone(),
            })
        };
        for id in &c.unknown {
            push(ProblemKind::UnknownCheck(id.clone()));
        }
        match state(c, input.today, &enabled) {
            SuppressionState::MissingReason if !c.checks.is_empty() => push(ProblemKind::NoReason),
            SuppressionState::Expired => {
                let raw = c.until.clone().unwrap_or_default();
                push(match Date::parse(&raw) {
                    Some(d) => ProblemKind::Expired(d),
                    None => ProblemKind::BadDate(raw),
                })
            }
            SuppressionState::Unused if c.misplaced => push(ProblemKind::Misplaced),
            SuppressionState::Unused if !c.checks.is_empty() => push(ProblemKind::Unused),
            _ => {}
        }
    }
    out
}

fn entry(c: &Candidate<'_>, today: Date, enabled: &HashSet<&str>) -> SuppressionEntry {
    let (lint, checks) = match c.source {
        SuppressionSource::ClippyAttribute => (Some(c.text.clone()), c.checks.clone()),
        _ => (None, c.checks.iter().chain(&c.unknown).cloned().collect()),
    };
    SuppressionEntry {
        file: c.file.to_string(),
        line: c.line,
        source: c.source,
        checks,
        lint,
        reason: c.reason.clone(),
        until: c.until.clone(),
        lines: c.covers,
        paths: c.allow.map(|a| a.globs.clone()).unwrap_or_default(),
        state: state(c, today, enabled),
        suppressed: c.suppressed,
    }
}

/// The identifiers of the flagged code (the finding's region on its first line), string
/// literals left out; None when the finding carries no snippet.
fn flagged_identifiers(f: &Finding) -> Option<Vec<String>> {
    if f.snippet.is_empty() {
        return None;
    }
    let chars: Vec<char> = f.snippet.chars().collect();
    let start = (f.region.column.max(1) - 1) as usize;
    let end = if f.region.end_line == f.region.line {
        (f.region.end_column.max(1) - 1) as usize
    } else {
        chars.len()
    };
    let text = chars.get(start.min(chars.len())..end.clamp(start.min(chars.len()), chars.len()))?;
    let mut idents = Vec::new();
    let mut current = String::new();
    let mut in_string = false;
    let mut prev = ' ';
    for &c in text {
        if c == '"' && prev != '\\' {
            in_string = !in_string;
        }
        if !in_string && (c.is_alphanumeric() || c == '_') {
            current.push(c);
        } else if !current.is_empty() {
            idents.push(std::mem::take(&mut current));
        }
        prev = c;
    }
    if !current.is_empty() {
        idents.push(current);
    }
    Some(idents)
}
