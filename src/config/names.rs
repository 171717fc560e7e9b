//! Names: check ids (kebab-case) and category titles.

/// Is `id` a kebab-case check id (`no-unwrap`: lowercase ASCII words joined by single `-`)?
pub fn is_kebab(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

/// `error-handling` → `Error handling`.
pub fn titleize(id: &str) -> String {
    let s = id.replace('-', " ");
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
