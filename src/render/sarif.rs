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
    let mut run = Run::new(tool(report))
        .with_column_kind(ColumnKind::UnicodeCodePoints)
        .with_automation_details(RunAutomationDetails::new().with_id(automation_id(opts)))
        .add_invocation(invocation(report, opts))
        .add_results(results(report, opts));
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
    run.properties = Some(bag(scorecard(report)));
    run
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

fn tool(report: &Report) -> Tool {
    let driver = ToolComponent {
        version: Some(report.tool.version.clone()),
        semantic_version: Some(report.tool.version.clone()),
        information_uri: Some(INFORMATION_URI.to_string()),
        rules: Some(report.checks.iter().map(rule).collect()),
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

fn results(report: &Report, opts: &RenderOptions) -> Vec<sarif_rust::Result> {
    let index: HashMap<&str, usize> = report
        .checks
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut seen: HashMap<(String, String, String), u32> = HashMap::new();
    report
        .findings
        .iter()
        .map(|f| {
            let uri = artifact_uri(&opts.path_prefix, &f.file);
            let n = seen
                .entry((f.check.clone(), uri.clone(), f.fingerprint.clone()))
                .or_insert(0);
            *n += 1;
            let mut r = result(f, index.get(f.check.as_str()).copied(), uri, *n);
            r.related_locations = related_locations(f, &opts.path_prefix);
            r
        })
        .collect()
}

fn result(f: &Finding, rule_index: Option<usize>, uri: String, n: u32) -> sarif_rust::Result {
    let mut r = sarif_rust::Result::new(Message::new(non_empty(&f.message, &f.check)))
        .with_rule_id(f.check.clone())
        .with_level(level(f.severity))
        .add_location(location(f, uri));
    r.rule_index = rule_index.and_then(|i| i32::try_from(i).ok());
    r.partial_fingerprints = Some(HashMap::from([
        (
            "primaryLocationLineHash".to_string(),
            format!("{}:{n}", line_hash(&f.fingerprint)),
        ),
        (FINGERPRINT_KEY.to_string(), f.fingerprint.clone()),
    ]));
    r.baseline_state = f.baseline.as_deref().map(|b| match b {
        "unchanged" => sarif_rust::BaselineState::Unchanged,
        _ => sarif_rust::BaselineState::New,
    });
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
/// do not parse (their `parse-error` findings), each as a tool execution notification.
fn invocation(report: &Report, opts: &RenderOptions) -> Invocation {
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
        .collect::<Vec<_>>();
    Invocation {
        execution_successful: Some(true),
        tool_execution_notifications: Some(notes).filter(|n| !n.is_empty()),
        ..Invocation::default()
    }
}

fn notification(prefix: &str, file: &str, message: &str) -> Notification {
    let art = ArtifactLocation::new(artifact_uri(prefix, file)).with_uri_base_id(SRCROOT);
    Notification {
        locations: Some(vec![Location::with_physical_location(
            PhysicalLocation::with_artifact_location(art),
        )]),
        message: Message::new(format!("{file}: {message}")),
        level: Some(NotificationLevel::Warning),
        thread_id: None,
        time_utc: None,
        exception: None,
        descriptor: None,
        associated_rule: None,
        properties: None,
    }
}

/// The scorecard as `run.properties` (a SARIF property bag).
fn scorecard(report: &Report) -> Value {
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
            "gate": {"passed": report.gate.passed, "reasons": report.gate.reasons},
            "categories": categories,
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

/// 16 lowercase hex digits (the codeql-action shape) from our fingerprint.
fn line_hash(fingerprint: &str) -> String {
    let hex: String = fingerprint
        .chars()
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .take(16)
        .collect();
    format!("{hex:0>16}")
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

/// `inline` comments are in source; config and baseline suppressions are external.
fn suppression_kind(kind: &str) -> &'static str {
    if kind == "inline" {
        "inSource"
    } else {
        "external"
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
