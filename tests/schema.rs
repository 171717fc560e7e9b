//! The JSON Schemas under `schema/` are generated from the config types; this test fails when
//! the committed files drift (`UPDATE_SCHEMA=1 cargo test --test schema` rewrites them), and
//! checks that the schemas describe what the tool accepts. `.ci/validate_schema.py` validates
//! every built-in check, policy and `init`'s output against them with a JSON Schema validator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use cargo_ready::config::schema::{check_schema, ready_schema};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schemas() -> Vec<(&'static str, Value)> {
    let builtin = cargo_ready::config::builtin_catalogue().unwrap();
    vec![
        ("schema/ready.schema.json", ready_schema(&builtin)),
        ("schema/check.schema.json", check_schema()),
    ]
}

#[test]
fn committed_schemas_match_the_config_types() {
    for (file, schema) in schemas() {
        let generated = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        let path = root().join(file);
        if std::env::var_os("UPDATE_SCHEMA").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{file} is out of date: run `UPDATE_SCHEMA=1 cargo test --test schema`"
        );
    }
}

#[test]
fn ready_schema_lists_every_key_and_builtin_check() {
    let (_, ready) = &schemas()[0];
    let props = ready["properties"].as_object().unwrap();
    for key in ["extends", "categories", "checks", "check", "gate", "ignore"] {
        assert!(props.contains_key(key), "missing `{key}`");
    }
    assert_eq!(
        ready["additionalProperties"], false,
        "unknown keys are errors"
    );
    let checks = ready["properties"]["checks"]["properties"]
        .as_object()
        .unwrap();
    assert!(checks.contains_key("no-unwrap") && checks.contains_key("lock-unwrap"));
    assert_eq!(
        checks.len(),
        cargo_ready::config::builtin_catalogue().unwrap().len()
    );
}

#[test]
fn check_schema_ties_each_kind_to_its_match_table() {
    let (_, check) = &schemas()[1];
    let kinds: Vec<&str> = check["properties"]["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(kinds, cargo_ready::kinds::KIND_NAMES);
    let per_kind = check["allOf"].as_array().unwrap();
    // every kind but `engine` and `gate` (no [match]) has its table
    assert_eq!(per_kind.len(), kinds.len() - 2);
    let call = per_kind
        .iter()
        .find(|c| c["if"]["properties"]["kind"]["const"] == "call")
        .unwrap();
    let reference = call["then"]["properties"]["match"]["$ref"]
        .as_str()
        .unwrap();
    let def = check
        .pointer(reference.trim_start_matches('#'))
        .expect("the $ref resolves");
    assert!(def["properties"]["receiver_methods"].is_object());
    assert_eq!(def["additionalProperties"], false);
}
