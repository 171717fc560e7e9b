//! Typed configuration from TOML with every problem reported, not just the first: each unknown
//! key (with "did you mean" from the type's JSON Schema) and each value of the wrong type.
//!
//! serde stops at the first type error, so a bad value is reported at its key path
//! (serde_path_to_error), removed from the document, and the rest deserialized again, until
//! nothing is left to remove.

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

use super::{ConfigError, KeyPath, KeySeg, Source, did_you_mean, display_path};

/// At most this many type errors are collected from one table.
const MAX_TYPE_ERRORS: usize = 50;

/// Deserializes `T` from TOML text. Returns the value when it could be built (even if unknown
/// keys or bad values were found and left out) and every problem.
pub fn from_toml<T: DeserializeOwned + JsonSchema>(
    source: &Source,
) -> (Option<T>, Vec<ConfigError>) {
    match source.text.parse::<toml::Table>() {
        Ok(table) => from_value(source, &[], toml::Value::Table(table)),
        Err(e) => (None, vec![source.toml_error(&e)]),
    }
}

/// Like [`from_toml`] for a value found at `base` inside `source` (e.g. a `[match]` table).
pub fn from_value<T: DeserializeOwned + JsonSchema>(
    source: &Source,
    base: &[KeySeg],
    mut value: toml::Value,
) -> (Option<T>, Vec<ConfigError>) {
    let mut errors = Vec::new();
    let mut removed: Vec<KeyPath> = Vec::new();
    for _ in 0..MAX_TYPE_ERRORS {
        let mut unknown = Vec::new();
        let mut on_ignored = |p: serde_ignored::Path<'_>| unknown.push(ignored_path(&p));
        let de = serde_ignored::Deserializer::new(value.clone(), &mut on_ignored);
        let outcome = serde_path_to_error::deserialize::<_, T>(de);
        let (parsed, error) = match outcome {
            Ok(v) => (Some(v), None),
            Err(e) => {
                let path = key_path_of(e.path());
                (
                    None,
                    Some((path, plain_words(e.into_inner().message().trim()))),
                )
            }
        };
        let Some((path, message)) = error else {
            errors.extend(unknown_key_errors::<T>(source, base, &unknown));
            return (parsed, errors);
        };
        // A value we removed may have been required: the "missing field" that follows is ours.
        let ours = removed
            .iter()
            .any(|r| r.starts_with(&path) && message.starts_with("missing field"));
        if !ours {
            let full: KeyPath = base.iter().cloned().chain(path.iter().cloned()).collect();
            let at = if full.is_empty() {
                String::new()
            } else {
                format!("`{}`: ", display_path(&full))
            };
            errors.push(source.error_at_path(&full, false, format!("{at}{message}")));
        }
        let removable = matches!(path.last(), Some(KeySeg::Key(_))) && !ours;
        if !removable || !remove(&mut value, &path) {
            errors.extend(unknown_key_errors::<T>(source, base, &unknown));
            return (None, errors);
        }
        removed.push(path);
    }
    (None, errors)
}

/// serde's type names in the words of a TOML file.
fn plain_words(message: &str) -> String {
    [
        ("expected a sequence", "expected an array"),
        ("expected a map", "expected a table"),
        ("expected u32", "expected a whole number (0 or more)"),
        ("expected f64", "expected a number"),
        ("invalid type: sequence", "invalid type: array"),
        ("invalid type: map", "invalid type: table"),
    ]
    .iter()
    .fold(message.to_string(), |m, (from, to)| m.replace(from, to))
}

/// Removes the value at `path` (ending in a key) from `value`.
fn remove(value: &mut toml::Value, path: &[KeySeg]) -> bool {
    let Some((KeySeg::Key(last), parents)) = path.split_last() else {
        return false;
    };
    let mut v = value;
    for seg in parents {
        let next = match (seg, v) {
            (KeySeg::Key(k), toml::Value::Table(t)) => t.get_mut(k),
            (KeySeg::Index(i), toml::Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        let Some(n) = next else { return false };
        v = n;
    }
    match v {
        toml::Value::Table(t) => t.remove(last).is_some(),
        _ => false,
    }
}

fn key_path_of(path: &serde_path_to_error::Path) -> KeyPath {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|seg| match seg {
            Segment::Seq { index } => Some(KeySeg::Index(*index)),
            Segment::Map { key } => Some(KeySeg::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// Turns a `serde_ignored` path into a key path.
pub fn ignored_path(path: &serde_ignored::Path<'_>) -> KeyPath {
    let mut out = Vec::new();
    push_ignored(path, &mut out);
    out
}

fn push_ignored(path: &serde_ignored::Path<'_>, out: &mut KeyPath) {
    use serde_ignored::Path;
    match path {
        Path::Root => {}
        Path::Seq { parent, index } => {
            push_ignored(parent, out);
            out.push(KeySeg::Index(*index));
        }
        Path::Map { parent, key } => {
            push_ignored(parent, out);
            out.push(KeySeg::Key(key.clone()));
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => push_ignored(parent, out),
    }
}

fn unknown_key_errors<T: JsonSchema>(
    source: &Source,
    base: &[KeySeg],
    unknown: &[KeyPath],
) -> Vec<ConfigError> {
    if unknown.is_empty() {
        return Vec::new();
    }
    let schema = schemars::schema_for!(T).to_value();
    unknown
        .iter()
        .map(|p| {
            let full: KeyPath = base.iter().cloned().chain(p.iter().cloned()).collect();
            let known = p
                .split_last()
                .map(|(_, parent)| keys_at(&schema, parent))
                .unwrap_or_default();
            let hint = match p.last() {
                Some(KeySeg::Key(k)) => hint(k, &known),
                _ => String::new(),
            };
            source.error_at_path(
                &full,
                true,
                format!("unknown key `{}`{hint}", display_path(&full)),
            )
        })
        .collect()
}

/// `; did you mean `x`?`, else the keys that are allowed there.
fn hint(key: &str, known: &[String]) -> String {
    let close = did_you_mean(key, known.iter());
    if !close.is_empty() || known.is_empty() {
        return close;
    }
    format!(" (expected one of: {})", known.join(", "))
}

/// The property names the schema allows at `path` (a table), sorted.
fn keys_at(root: &Json, path: &[KeySeg]) -> Vec<String> {
    let mut node = Some(resolve(root, root));
    for seg in path {
        node = node.and_then(|n| child(root, n, seg));
    }
    let mut keys: Vec<String> = node
        .map(|n| object_branches(root, n))
        .unwrap_or_default()
        .iter()
        .filter_map(|b| b.get("properties").and_then(Json::as_object))
        .flat_map(|props| props.keys().cloned())
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// The schema of `seg` inside `node`: a property, a map's values, or an array's items.
fn child<'a>(root: &'a Json, node: &'a Json, seg: &KeySeg) -> Option<&'a Json> {
    object_branches(root, node).into_iter().find_map(|b| {
        let found = match seg {
            KeySeg::Key(k) => b
                .get("properties")
                .and_then(|p| p.get(k))
                .or_else(|| b.get("additionalProperties").filter(|a| a.is_object())),
            KeySeg::Index(_) => b.get("items"),
        };
        found.map(|f| resolve(root, f))
    })
}

/// The schema itself or, through `anyOf` / `oneOf` / `allOf` (e.g. an `Option`, or a table
/// that may also be an array of tables), each branch, nested branches included.
fn object_branches<'a>(root: &'a Json, node: &'a Json) -> Vec<&'a Json> {
    let mut out = vec![node];
    let mut i = 0;
    while i < out.len() && out.len() < 32 {
        for key in ["anyOf", "oneOf", "allOf"] {
            if let Some(branches) = out[i].get(key).and_then(Json::as_array) {
                out.extend(branches.iter().map(|b| resolve(root, b)));
            }
        }
        i += 1;
    }
    out
}

/// Follows a local `$ref` (`#/$defs/Name`).
fn resolve<'a>(root: &'a Json, node: &'a Json) -> &'a Json {
    node.get("$ref")
        .and_then(Json::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|pointer| root.pointer(pointer))
        .unwrap_or(node)
}
