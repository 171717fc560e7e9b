//! SARIF 2.1.0 for GitHub code scanning, built with `sarif_rust` types.
//!
//! `sarif_rust` serializes absent optional fields as `null` (which the SARIF schema refuses) and
//! keeps property bags in `HashMap`s (random order), so the log is converted to a
//! `serde_json::Value`, nulls are dropped and keys come out sorted: valid and deterministic.
//! Property bags (`properties`) go through each type's flattened extension map.

use std::collections::HashMap;
use std::io::{self, Write};

use sarif_rust::{
    ArtifactLocation, ColumnKind, Invocation, Level, Location, Message, MultiformatMessage,
    Notification, NotificationLevel, PhysicalLocation, Region, ReportingConfiguration,
    ReportingDescriptor, Run, RunAutomationDetails, SarifLog, Suppression, Tool, ToolComponent,
};
use serde_json::{Value, json};

use super::RenderOptions;
use super::sarif_limits::{Cut, MAX_RELATED, MAX_RESULTS, MAX_RULES};
use crate::config::docs::{CheckMeta, doc_markdown};
use crate::model::{CheckResult, Finding, Report, Severity};

/// Where the SARIF schema lives (what GitHub's docs show).
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The tool's home page.
const INFORMATION_URI: &str = "https://github.com/cargo-ready/cargo-ready";
/// The base all result URIs are relative to: the repository root.
const SRCROOT: &str = "%SRCROOT%";
/// Our own stable fingerprint key (GitHub reads only `primaryLocationLineHash`).
const FINGERPRINT_KEY: &str = "cargoReady/v1";
/// GitHub's fingerprint key, computed as codeql-action's upload computes it.
const LINE_HASH_KEY: &str = "primaryLocationLineHash";

/// Writes the report as one SARIF run.
pub fn render(report: &Report, opts: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let log = SarifLog::v2_1_0()
        .with_schema(SCHEMA_URI)
        .add_run(build_run(report, opts));
    let mut value = serde_json::to_value(&log).map_err(io::Error::other)?;
    strip_nulls(&mut value);
    let text = serde_json::to_string_pretty(&value).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

fn build_run(report: &Report, opts: &RenderOptions) -> Run {
    let cut = cut(report, opts);
    let rules = rule_checks(report, &cut);
    let mut run = Run::new(tool(report, &rules))
        .with_column_kind(ColumnKind::UnicodeCodePoints)
        .with_automation_details(RunAutomationDetails::new().with_id(automation_id(opts)))
        .add_invocation(invocation(report, opts, &cut))
        .add_results(results(report, opts, &rules, &cut));
    run.original_uri_base_ids = Some(HashMap::from([(
        SRCROOT.to_string(),
        ArtifactLocation {
            uri: None,
            uri_base_id: None,
            index: None,
            description: Some(Message::new("The repository root.")),
            properties: None,
        },
    )]));
    run.properties = Some(bag(scorecard(report, &cut)));
    run
}

/// The findings that fit in one run within GitHub's limits (see `sarif_limits`).
pub(crate) fn cut(report: &Report, opts: &RenderOptions) -> Cut {
    Cut::select(&report.findings, |i, merged| {
        report.findings.get(i).map_or(0, |f| {
            super::sarif_limits::size_bound(f, merged, &opts.path_prefix)
        })
    })
}

/// Bytes finding `f`'s result takes in the pretty-printed log (indented four levels deep),
/// with room for its `ruleIndex` and separator: what `size_bound` must not underestimate.
#[cfg(test)]
pub(crate) fn written_size(f: &Finding, merged: usize, opts: &RenderOptions) -> usize {
    let Ok(mut value) = serde_json::to_value(result(f, None, merged, opts)) else {
        return 0;
    };
    strip_nulls(&mut value);
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    let lines = text.bytes().filter(|&b| b == b'\n').count() + 1;
    text.len() + 8 * lines + 32
}

/// The checks listed as rules: all of them, or past GitHub's rule limit those of kept results.
fn rule_checks<'r>(report: &'r Report, cut: &Cut) -> Vec<&'r CheckResult> {
    if report.checks.len() <= MAX_RULES {
        return report.checks.iter().collect();
    }
    let used: std::collections::HashSet<&str> = cut
        .kept
        .iter()
        .filter_map(|&i| report.findings.get(i))
        .map(|f| f.check.as_str())
        .collect();
    report
        .checks
        .iter()
        .filter(|c| used.contains(c.id.as_str()))
        .collect()
}

/// `cargo-ready/<category>/`, or `cargo-ready/` without a category.
fn automation_id(opts: &RenderOptions) -> String {
    match opts
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => format!("cargo-ready/{}/", c.trim_matches('/')),
        None => "cargo-ready/".to_string(),
    }
}

fn tool(report: &Report, rules: &[&CheckResult]) -> Tool {
    let driver = ToolComponent {
        version: Some(report.tool.version.clone()),
        semantic_version: Some(report.tool.version.clone()),
        information_uri: Some(INFORMATION_URI.to_string()),
        rules: Some(rules.iter().map(|c| rule(c)).collect()),
        ..sarif_rust::ToolComponentBuilder::new(report.tool.name.clone()).build()
    };
    Tool {
        driver,
        extensions: None,
        properties: None,
    }
}

fn rule(c: &CheckResult) -> ReportingDescriptor {
    let meta = CheckMeta {
        id: &c.id,
        category: &c.category,
        severity: c.severity,
        kind: &c.kind,
    };
    let title = non_empty(&c.doc.title, &c.id);
    let full = non_empty(c.doc.why.trim(), title);
    let help_text = format!(
        "Why: {}\n\nFix: {}",
        full,
        non_empty(c.doc.fix.trim(), title)
    );
    ReportingDescriptor {
        id: c.id.clone(),
        deprecated_ids: None,
        guid: None,
        deprecated_guids: None,
        name: Some(pascal_case(&c.id)),
        deprecated_names: None,
        short_description: Some(MultiformatMessage::new(truncate(title, 1024))),
        full_description: Some(MultiformatMessage::new(truncate(full, 1024))),
        message_strings: None,
        default_configuration: Some(ReportingConfiguration {
            enabled: None,
            level: Some(notification_level(c.severity)),
            parameters: None,
            properties: None,
        }),
        help_uri: Some(
            c.doc
                .reference
                .clone()
                .unwrap_or_else(|| format!("{INFORMATION_URI}/blob/main/docs/checks.md#{}", c.id)),
        ),
        help: Some(
            MultiformatMessage::new(help_text).with_markdown(doc_markdown(&meta, &c.doc, "###")),
        ),
        relationships: None,
        properties: Some(bag(json!({
            "tags": ["cargo-ready", c.category, c.kind],
            "precision": if c.kind == "text" { "medium" } else { "high" },
            "problem.severity": problem_severity(c.severity),
        }))),
    }
}

fn results(
    report: &Report,
    opts: &RenderOptions,
    rules: &[&CheckResult],
    cut: &Cut,
) -> Vec<sarif_rust::Result> {
    let index: HashMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    cut.kept
        .iter()
        .filter_map(|&i| Some((report.findings.get(i)?, cut.merged.get(&i).copied())))
        .map(|(f, merged)| {
            let rule_index = index.get(f.check.as_str()).copied();
            result(f, rule_index, merged.unwrap_or(0), opts)
        })
        .collect()
}

/// One result; `merged` more findings of its check on its line are counted in the message.
fn result(
    f: &Finding,
    rule_index: Option<usize>,
    merged: usize,
    opts: &RenderOptions,
) -> sarif_rust::Result {
    let uri = artifact_uri(&opts.path_prefix, &f.file);
    let mut text = non_empty(&f.message, &f.check).to_string();
    if merged > 0 {
        text.push_str(&format!(" (and {merged} more on this line)"));
    }
    let mut r = sarif_rust::Result::new(Message::new(text))
        .with_rule_id(f.check.clone())
        .with_level(level(f.severity))
        .add_location(location(f, uri));
    r.rule_index = rule_index.and_then(|i| i32::try_from(i).ok());
    r.related_locations = related_locations(f, &opts.path_prefix);
    // Without a line hash (file unreadable), upload-sarif computes one if it can read the file.
    let mut fingerprints = HashMap::from([(FINGERPRINT_KEY.to_string(), f.fingerprint.clone())]);
    if let Some(hash) = &f.line_hash {
        fingerprints.insert(LINE_HASH_KEY.to_string(), hash.clone());
    }
    r.partial_fingerprints = Some(fingerprints);
    // Known to the baseline, or outside the change under `--diff-base`: unchanged.
    r.baseline_state = match (f.baseline.as_deref(), f.changed) {
        (Some("unchanged"), _) | (_, Some(false)) => Some(sarif_rust::BaselineState::Unchanged),
        (Some(_), _) | (_, Some(true)) => Some(sarif_rust::BaselineState::New),
        (None, None) => None,
    };
    if let Some(role) = f.role {
        r.properties = Some(bag(json!({ "role": role.as_str() })));
    }
    if let Some(s) = &f.suppressed {
        r.suppressions = Some(vec![Suppression {
            kind: suppression_kind(&s.kind).to_string(),
            status: None,
            justification: Some(s.reason.clone()).filter(|j| !j.is_empty()),
            location: None,
            guid: None,
            properties: None,
        }]);
    }
    r
}

fn location(f: &Finding, uri: String) -> Location {
    let g = &f.region;
    let line = g.line.max(1);
    let column = g.column.max(1);
    let end_line = g.end_line.max(line);
    let end_column = if end_line == line {
        g.end_column.max(column)
    } else {
        g.end_column.max(1)
    };
    let region = Region {
        start_line: Some(to_i32(line)),
        start_column: Some(to_i32(column)),
        end_line: Some(to_i32(end_line)),
        end_column: Some(to_i32(end_column)),
        snippet: None,
        ..Region::default()
    };
    let artifact = ArtifactLocation::new(uri).with_uri_base_id(SRCROOT);
    Location::with_physical_location(
        PhysicalLocation::with_artifact_location(artifact).with_region(region),
    )
}

/// The steps of an interprocedural chain, each where its fn is defined.
fn related_locations(f: &Finding, prefix: &str) -> Option<Vec<Location>> {
    let locations: Vec<Location> = f
        .related
        .iter()
        .take(MAX_RELATED)
        .enumerate()
        .map(|(i, rel)| {
            let region = Region {
                start_line: Some(to_i32(rel.line.max(1))),
                ..Region::default()
            };
            let artifact =
                ArtifactLocation::new(artifact_uri(prefix, &rel.file)).with_uri_base_id(SRCROOT);
            let mut loc = Location::with_physical_location(
                PhysicalLocation::with_artifact_location(artifact).with_region(region),
            )
            .with_message(Message::new(rel.message.clone()));
            loc.id = i32::try_from(i).ok();
            loc
        })
        .collect();
    (!locations.is_empty()).then_some(locations)
}

/// Files that could not be scanned fully: unreadable / not UTF-8 (scan notes) and files that
/// do not parse (their `parse-error` findings), each as a tool execution notification; and
/// the findings left out by GitHub's limits, if any.
fn invocation(report: &Report, opts: &RenderOptions, cut: &Cut) -> Invocation {
    let unparsable = report
        .findings
        .iter()
        .filter(|f| f.check == "parse-error")
        .map(|f| (f.file.as_str(), f.message.as_str()));
    let notes = report
        .notes
        .iter()
        .map(|n| (n.file.as_str(), n.message.as_str()))
        .chain(unparsable)
        .map(|(file, message)| notification(&opts.path_prefix, file, message))
        .chain(
            cut.describe(&report.findings)
                .map(|text| warning_notification(text, None)),
        )
        .collect::<Vec<_>>();
    Invocation {
        execution_successful: Some(true),
        tool_execution_notifications: Some(notes).filter(|n| !n.is_empty()),
        ..Invocation::default()
    }
}

fn notification(prefix: &str, file: &str, message: &str) -> Notification {
    let art = ArtifactLocation::new(artifact_uri(prefix, file)).with_uri_base_id(SRCROOT);
    let location = Location::with_physical_location(PhysicalLocation::with_artifact_location(art));
    warning_notification(format!("{file}: {message}"), Some(vec![location]))
}

/// A warning notification, at `locations` or for the whole run (e.g. results left out).
fn warning_notification(text: String, locations: Option<Vec<Location>>) -> Notification {
    Notification {
        locations,
        message: Message::new(text),
        level: Some(NotificationLevel::Warning),
        thread_id: None,
        time_utc: None,
        exception: None,
        descriptor: None,
        associated_rule: None,
        properties: None,
    }
}

/// How many findings became results, and what was left out (`run.properties`).
fn results_summary(report: &Report, cut: &Cut) -> Value {
    let mut summary = json!({
        "total": report.findings.len(),
        "included": cut.kept.len(),
        "mergedSameLine": cut.merged.values().sum::<usize>(),
        "omitted": cut.omitted.len(),
        "limit": MAX_RESULTS,
    });
    if !cut.omitted.is_empty() {
        let ([errors, warnings, notes], by_check) = cut.omitted_counts(&report.findings);
        summary["omittedBySeverity"] = json!({"error": errors, "warning": warnings, "note": notes});
        summary["omittedByCheck"] = json!(by_check);
    }
    summary
}

/// The scorecard as `run.properties` (a SARIF property bag).
fn scorecard(report: &Report, cut: &Cut) -> Value {
    let categories: Vec<Value> = report
        .categories
        .iter()
        .map(|c| json!({"id": c.id, "score": c.score, "status": c.status.as_str()}))
        .collect();
    json!({
        "cargoReady": {
            "score": report.score,
            "status": report.status.as_str(),
            "scoringModel": report.scoring_model,
            "policies": report.policies,
            "gate": {"passed": report.gate.passed, "reasons": report.gate.reasons, "rule": report.gate.rule},
            "exemptions": report.exemptions,
            "categories": categories,
            "results": results_summary(report, cut),
        }
    })
}

/// A flattened extension map holding one `properties` bag.
fn bag(value: Value) -> HashMap<String, Value> {
    HashMap::from([("properties".to_string(), value)])
}

/// Repository-relative, percent-encoded URI; workspace-level findings fall back to `Cargo.toml`.
pub(crate) fn artifact_uri(prefix: &str, file: &str) -> String {
    let file = if file.is_empty() { "Cargo.toml" } else { file };
    let path = repo_path(prefix, file);
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        // `:` is encoded too: a root-level `C:foo.rs` or `http:x.rs` must stay a relative
        // reference, not become an absolute URI with a scheme.
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `prefix` + `file` with `/` separators, no leading `./` or doubled slashes.
pub(crate) fn repo_path(prefix: &str, file: &str) -> String {
    let joined = format!("{prefix}/{file}").replace('\\', "/");
    joined
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect::<Vec<_>>()
        .join("/")
}

/// Removes `null` members recursively (absent optional fields of `sarif_rust` types).
fn strip_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, x| !x.is_null());
            map.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}

fn level(s: Severity) -> Level {
    match s {
        Severity::Note => Level::Note,
        Severity::Warning => Level::Warning,
        Severity::Error => Level::Error,
    }
}

fn notification_level(s: Severity) -> NotificationLevel {
    match s {
        Severity::Note => NotificationLevel::Note,
        Severity::Warning => NotificationLevel::Warning,
        Severity::Error => NotificationLevel::Error,
    }
}

fn problem_severity(s: Severity) -> &'static str {
    match s {
        Severity::Note => "recommendation",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// Comments and clippy attributes are in source; config and baseline suppressions are external.
fn suppression_kind(kind: &str) -> &'static str {
    match kind {
        "inline" | "file" | "clippy" => "inSource",
        _ => "external",
    }
}

fn pascal_case(id: &str) -> String {
    id.split(['-', '_'])
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn non_empty<'a>(s: &'a str, fallback: &'a str) -> &'a str {
    if s.trim().is_empty() { fallback } else { s }
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn to_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
