//! GitHub's `primaryLocationLineHash`, computed exactly as codeql-action's `upload-sarif` does
//! (`src/fingerprints.ts`), so the value in our SARIF is the one the upload recomputes: no
//! "inconsistent fingerprint" warning per result, and REST uploads (which compute nothing) get
//! the same alerts as action uploads.
//!
//! The algorithm: a rolling hash (base 37, wrapping 64-bit) over a window of 100 UTF-16 code
//! units starting at each line, with spaces and tabs skipped and CR / CRLF read as LF; an EOF
//! marker (65535) and zeros pad the end. A line's value is `<hash in lowercase hex>:<n>`, `n`
//! counting equal hashes so far in the file. Lines are numbered by LF, CR and CRLF alike.

use std::collections::{BTreeSet, HashMap};

/// Code units in the hashed window.
const BLOCK: usize = 100;
/// The hash's base.
const MOD: u64 = 37;
/// Marks the end of the file.
const EOF: u64 = 65535;

/// `primaryLocationLineHash` values of the given 1-based lines of `text`.
pub fn line_hashes(text: &str, wanted: &BTreeSet<u32>) -> HashMap<u32, String> {
    let mut hasher = Hasher::new(wanted);
    for unit in text.encode_utf16() {
        hasher.feed(u64::from(unit));
        // A line's value depends on nothing after its window: the rest need not be hashed.
        if hasher.found.len() == wanted.len() {
            return hasher.found;
        }
    }
    hasher.feed(EOF);
    for _ in 0..BLOCK {
        hasher.emit_if_line_start();
        hasher.push(0);
    }
    hasher.found
}

struct Hasher<'a> {
    window: [u64; BLOCK],
    /// The line that starts at each window slot, 0 for none.
    line_of: [u32; BLOCK],
    hash: u64,
    first_mod: u64,
    index: usize,
    line: u32,
    line_start: bool,
    prev_cr: bool,
    counts: HashMap<u64, u32>,
    wanted: &'a BTreeSet<u32>,
    found: HashMap<u32, String>,
}

impl<'a> Hasher<'a> {
    fn new(wanted: &'a BTreeSet<u32>) -> Self {
        Hasher {
            window: [0; BLOCK],
            line_of: [0; BLOCK],
            hash: 0,
            first_mod: (0..BLOCK).fold(1u64, |m, _| m.wrapping_mul(MOD)),
            index: 0,
            line: 0,
            line_start: true,
            prev_cr: false,
            counts: HashMap::new(),
            wanted,
            found: HashMap::new(),
        }
    }

    fn feed(&mut self, unit: u64) {
        let (space, tab, lf, cr) = (u64::from(b' '), u64::from(b'\t'), 10, 13);
        if unit == space || unit == tab || (self.prev_cr && unit == lf) {
            self.prev_cr = false;
            return;
        }
        self.prev_cr = unit == cr;
        let unit = if unit == cr { lf } else { unit };
        self.emit_if_line_start();
        if self.line_start {
            self.line_start = false;
            self.line += 1;
            if let Some(slot) = self.line_of.get_mut(self.index) {
                *slot = self.line;
            }
        }
        if unit == lf {
            self.line_start = true;
        }
        self.push(unit);
    }

    /// When the slot about to be overwritten started a line, that line's window is complete.
    fn emit_if_line_start(&mut self) {
        let Some(slot) = self.line_of.get_mut(self.index) else {
            return;
        };
        let line = std::mem::take(slot);
        if line == 0 {
            return;
        }
        let count = self.counts.entry(self.hash).or_insert(0);
        *count += 1;
        if self.wanted.contains(&line) {
            self.found.insert(line, format!("{:x}:{count}", self.hash));
        }
    }

    fn push(&mut self, unit: u64) {
        let Some(slot) = self.window.get_mut(self.index) else {
            return;
        };
        let begin = std::mem::replace(slot, unit);
        self.hash = MOD
            .wrapping_mul(self.hash)
            .wrapping_add(unit)
            .wrapping_sub(self.first_mod.wrapping_mul(begin));
        self.index = (self.index + 1) % BLOCK;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        let lines: BTreeSet<u32> = (1..=text.len() as u32 + 1).collect();
        let found = line_hashes(text, &lines);
        lines.iter().filter_map(|l| found.get(l).cloned()).collect()
    }

    #[test]
    fn hashing_stops_after_the_last_wanted_line_with_the_same_values() {
        let text = "a\n\nb\na\n".repeat(60);
        let every = all(&text);
        for line in [1u32, 4, 5, 130] {
            let one = line_hashes(&text, &BTreeSet::from([line]));
            assert_eq!(one.get(&line), every.get(line as usize - 1), "line {line}");
        }
    }

    // Expected values computed independently with the conformance kit's Python port
    // (`check_fingerprints.py`), itself checked against codeql-action's published vectors.
    #[test]
    fn matches_the_reference_port() {
        assert_eq!(
            all("fn main() {\n    let x = y.unwrap();\n}\n"),
            [
                "b7e0a8aa3018b58d:1",
                "6b7d12820e3de032:1",
                "32dce9ccfdbc9d3e:1",
                "c129715d7a2bc9a3:1"
            ]
        );
        // Code units, not bytes or chars: an astral character is two.
        assert_eq!(
            all("é😀\n`x`\n"),
            [
                "db1f9294be5cd509:1",
                "1e50633777754355:1",
                "c129715d7a2bc9a3:1"
            ]
        );
    }

    // Two of codeql-action's own vectors (`src/fingerprints.test.ts`): the hex is not padded.
    #[test]
    fn matches_codeql_action_vectors() {
        assert_eq!(all(""), ["c129715d7a2bc9a3:1"]);
        assert_eq!(
            all(" a\nb\n  \t\tc\n d"),
            [
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1"
            ]
        );
    }

    #[test]
    fn whitespace_and_line_endings_do_not_matter() {
        assert_eq!(all("a\r\nb\rc\n"), all("a\nb\nc\n"));
        assert_eq!(all("a  b\n\tc\n"), all("ab\nc\n"));
    }

    #[test]
    fn equal_lines_are_counted() {
        // Short files: every window reaches the end, so equal lines still hash differently.
        let h = all("x\nx\nx\nx\n");
        assert_eq!(h[0], "16bdaddd35aaa92b:1");
        // Far from the end, equal lines have equal hashes, told apart by the counter.
        let h = all(&"same\n".repeat(150));
        assert_eq!(
            h[..3],
            [
                "6468d5768bad9560:1",
                "6468d5768bad9560:2",
                "6468d5768bad9560:3"
            ]
        );
    }
}
