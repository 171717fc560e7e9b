//! The built-in catalogue, embedded at build time from `checks/` and `policies/`.

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// The built-in policy named `name` (file stem), if any.
pub fn policy(name: &str) -> Option<&'static str> {
    POLICIES
        .iter()
        .find(|(file, _)| file.strip_suffix(".toml") == Some(name))
        .map(|(_, text)| *text)
}

/// Names of the built-in policies.
pub fn policy_names() -> Vec<&'static str> {
    POLICIES
        .iter()
        .filter_map(|(file, _)| file.strip_suffix(".toml"))
        .collect()
}
