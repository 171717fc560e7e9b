//! Inline suppression comments (`// ready:allow(<id>): reason`), read from the source lines the
//! scan already holds. Pure string functions; the gate decides what a suppression means.

use crate::model::Suppression;

/// An inline suppression for `check` on the flagged line or the comment line just above it:
/// `// ready:allow(no-unwrap): the input was validated above` (any comment syntax; several ids
/// may be separated by commas).
pub fn inline_suppression(check: &str, line: &str, previous: Option<&str>) -> Option<Suppression> {
    let above = previous.filter(|p| is_comment_line(p));
    [Some(line), above]
        .into_iter()
        .flatten()
        .find_map(|text| allow_in(check, text))
}

fn is_comment_line(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("//") || t.starts_with('#') || t.starts_with("/*") || t.starts_with('*')
}

fn allow_in(check: &str, text: &str) -> Option<Suppression> {
    let start = text.find("ready:allow(")? + "ready:allow(".len();
    let rest = text.get(start..)?;
    let end = rest.find(')')?;
    let ids = rest.get(..end)?;
    if !ids.split(',').any(|id| id.trim() == check) {
        return None;
    }
    let reason = rest
        .get(end + 1..)
        .unwrap_or("")
        .trim_start_matches(':')
        .trim()
        .trim_end_matches("*/")
        .trim();
    let reason = if reason.is_empty() {
        "suppressed inline without a reason".to_string()
    } else {
        reason.to_string()
    };
    Some(Suppression {
        kind: "inline".into(),
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_allow_on_the_line_or_the_comment_above() {
        let s = inline_suppression(
            "no-unwrap",
            "x.unwrap(); // ready:allow(no-unwrap): checked above",
            None,
        );
        assert_eq!(s.map(|s| s.reason), Some("checked above".to_string()));
        let s = inline_suppression(
            "no-unwrap",
            "x.unwrap();",
            Some("    // ready:allow(no-panic, no-unwrap)"),
        );
        assert_eq!(s.map(|s| s.kind), Some("inline".to_string()));
        assert!(
            inline_suppression(
                "no-unwrap",
                "x.unwrap();",
                Some("let y = 1; // ready:allow(no-unwrap)")
            )
            .is_none()
        );
        assert!(
            inline_suppression("no-unwrap", "x.unwrap(); // ready:allow(no-unwrap-x)", None)
                .is_none()
        );
        let py = inline_suppression(
            "empty-catch",
            "except: # ready:allow(empty-catch) legacy",
            None,
        );
        assert_eq!(py.map(|s| s.reason), Some("legacy".to_string()));
    }
}
