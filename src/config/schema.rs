//! JSON Schemas of the configuration formats, generated from the config types (schemars), so
//! editors (taplo / Even Better TOML, JetBrains) complete and validate them:
//! `schema/ready.schema.json` for `ready.toml` and policy files, `schema/check.schema.json` for a
//! check file. The committed files are kept in sync by `tests/schema.rs`
//! (`UPDATE_SCHEMA=1 cargo test --test schema` rewrites them).

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value, json};

use super::check_def::CheckDef;
use super::policy::{CheckOverride, PolicyFile};
use crate::kinds::{self, KIND_NAMES};

/// Where the schemas are published, for `#:schema` lines and `$id`.
pub const SCHEMA_BASE_URL: &str =
    "https://raw.githubusercontent.com/cargo-ready/cargo-ready/main/schema";

/// The schema of `ready.toml` (and of policy files and `[workspace.metadata.ready]`): every
/// built-in check id is listed under `checks` so editors complete them.
pub fn ready_schema(builtin: &[CheckDef]) -> Value {
    let mut generator = generator();
    let override_ref = generator.subschema_for::<CheckOverride>().to_value();
    let mut root = generator.root_schema_for::<PolicyFile>().to_value();
    let checks: Map<String, Value> = builtin
        .iter()
        .map(|d| {
            let described = json!({
                "allOf": [override_ref.clone()],
                "description": format!("{} ({}, {})", d.title, d.severity.as_str(), d.category),
            });
            (d.id.clone(), described)
        })
        .collect();
    if let Some(props) = root.pointer_mut("/properties/checks") {
        props["properties"] = Value::Object(checks);
    }
    finish(
        root,
        "ready.schema.json",
        "cargo-ready configuration (ready.toml)",
    )
}

/// The schema of a check file (`checks/<id>.toml`, or a `[[check]]` table): `kind` is one of
/// the kinds and `[match]` is checked against that kind's table.
pub fn check_schema() -> Value {
    let mut generator = generator();
    let matches: Vec<(&str, Value)> = vec![
        ("text", spec::<kinds::text::TextSpec>(&mut generator)),
        (
            "dependency",
            spec::<kinds::dependency::DependencySpec>(&mut generator),
        ),
        (
            "manifest",
            spec::<kinds::manifest::ManifestSpec>(&mut generator),
        ),
        ("file", spec::<kinds::file::FileSpec>(&mut generator)),
        ("call", spec::<kinds::call::CallSpec>(&mut generator)),
        (
            "held-across-await",
            spec::<kinds::held_across_await::HeldSpec>(&mut generator),
        ),
        (
            "ignored-result",
            spec::<kinds::ignored_result::IgnoredSpec>(&mut generator),
        ),
        (
            "presence",
            spec::<kinds::presence::PresenceSpec>(&mut generator),
        ),
    ];
    let mut root = generator.root_schema_for::<CheckDef>().to_value();
    if let Some(kind) = root.pointer_mut("/properties/kind") {
        kind["enum"] = json!(KIND_NAMES);
    }
    let per_kind: Vec<Value> = matches
        .into_iter()
        .map(|(kind, schema)| {
            json!({
                "if": { "properties": { "kind": { "const": kind } }, "required": ["kind"] },
                "then": { "properties": { "match": schema } }
            })
        })
        .collect();
    root["allOf"] = Value::Array(per_kind);
    finish(root, "check.schema.json", "cargo-ready check file")
}

fn generator() -> SchemaGenerator {
    SchemaSettings::draft2020_12().into_generator()
}

fn spec<T: JsonSchema>(generator: &mut SchemaGenerator) -> Value {
    generator.subschema_for::<T>().to_value()
}

/// `$id`, `title`, and no unknown keys anywhere (the tool rejects them too).
fn finish(mut root: Value, file: &str, title: &str) -> Value {
    root["$id"] = json!(format!("{SCHEMA_BASE_URL}/{file}"));
    root["title"] = json!(title);
    deny_unknown_keys(&mut root);
    root
}

/// Sets `additionalProperties: false` on every object schema that lists its properties and
/// says nothing about others (a struct; maps already carry `additionalProperties`).
fn deny_unknown_keys(node: &mut Value) {
    match node {
        Value::Object(map) => {
            let is_struct = map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && !map.contains_key("if");
            if is_struct && map.get("type") == Some(&json!("object")) {
                map.insert("additionalProperties".into(), json!(false));
            }
            map.values_mut().for_each(deny_unknown_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(deny_unknown_keys),
        _ => {}
    }
}
