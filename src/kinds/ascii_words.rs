//! A faster twin of a `text` check's regex: the same pattern with ASCII word boundaries (`\b`,
//! `\B`), used wherever it provably finds what the Unicode regex finds.
//!
//! The regex crate's lazy DFA cannot evaluate a Unicode word boundary next to a non-ASCII
//! byte: on such a file (a `—` or `é` in a comment) it gives up and the whole search falls
//! back to the slow PikeVM. The two kinds of boundary only disagree at a position next to a
//! non-ASCII *word* character (`é`, `ж`, `中`): the positions from its first byte to just after
//! its last form a *zone*. On a text without zones the twin finds exactly the same matches,
//! with the same groups, at DFA speed.
//!
//! On a text with zones, each search of the iteration (from `at`) is decided alone: a search
//! is a simulation of the pattern's threads from `at` that ends when none is left (the lazy
//! DFA's dead state); if it ends before the next zone, and `at` is in none, it evaluated no
//! boundary the two regexes disagree on, so both give the same match, and the captures of
//! that match (computed from its start, a subset of the same threads) are the same too. The
//! twin's own lazy DFA, stepped byte by byte, says where its search ends; any search it
//! cannot clear goes to the Unicode regex, as before.

use std::sync::Arc;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::util::iter::Searcher;
use regex_automata::util::pool::Pool;
use regex_automata::{Anchored, Input, Match, MatchError, MatchKind, meta, nfa::thompson};
use regex_syntax::ast::{self, AssertionKind, Ast};
use std::ops::Range;

/// `pattern` with every `\b` / `\B` made ASCII (`(?-u:\b)`), or None when it has none (or does
/// not parse: the caller's compile reports that).
pub fn ascii_boundaries(pattern: &str) -> Option<String> {
    let parsed = ast::parse::Parser::new().parse(pattern).ok()?;
    let mut spans = ast::visit(&parsed, Boundaries::default()).ok()?;
    if spans.is_empty() {
        return None;
    }
    spans.sort_unstable_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut out = pattern.to_string();
    for (start, end, replacement) in spans {
        out.replace_range(start..end, replacement);
    }
    Some(out)
}

/// The zones of `text`: for each non-ASCII word character, the positions from its first byte
/// to just after its last (inclusive), in order.
fn zones(text: &str) -> Vec<(usize, usize)> {
    if text.is_ascii() {
        return Vec::new();
    }
    text.char_indices()
        .filter(|(_, c)| !c.is_ascii() && regex_syntax::is_word_character(*c))
        .map(|(i, c)| (i, i + c.len_utf8()))
        .collect()
}

/// Makes one lazy-DFA cache per thread.
type MakeCache = Box<dyn Fn() -> Cache + Send + Sync + std::panic::UnwindSafe>;

/// The ASCII twin of a regex and what it takes to use it exactly (see the module comment).
pub struct Twin {
    /// The regex with ASCII word boundaries.
    ascii: regex::Regex,
    /// The Unicode regex as the regex crate builds it, for anchored searches.
    unicode: meta::Regex,
    /// The twin's forward lazy DFA, stepped by hand to find where a search ends.
    dfa: Arc<DFA>,
    /// The DFA's caches.
    caches: Pool<Cache, MakeCache>,
}

impl std::fmt::Debug for Twin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Twin").field("ascii", &self.ascii).finish()
    }
}

/// Which regex found a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finder {
    /// The Unicode regex.
    Unicode,
    /// The ASCII twin (exactly where it stands in).
    Twin,
}

/// How a search of the twin's DFA ended before a limit.
enum Run {
    /// No thread left: the end of the leftmost-first match, if any.
    Ended(Option<usize>),
    /// Threads were left at the limit (or the DFA gave up).
    Open,
}

/// A match's span and the regex that found it; None when no match is left.
type Found = (Option<Range<usize>>, Finder);

impl Twin {
    /// The twin of the Unicode regex `unicode` (compiled multi-line, as text checks are), or
    /// None when its pattern has no word boundary.
    pub fn new(unicode: &regex::Regex) -> Option<Twin> {
        let pattern = ascii_boundaries(unicode.as_str())?;
        let ascii = regex::RegexBuilder::new(&pattern)
            .multi_line(true)
            .build()
            .ok()?;
        let multi_line = regex_automata::util::syntax::Config::new().multi_line(true);
        let dfa = DFA::builder()
            .configure(DFA::config().match_kind(MatchKind::LeftmostFirst))
            .syntax(multi_line)
            .thompson(thompson::Config::new().which_captures(thompson::WhichCaptures::None))
            .build(&pattern)
            .ok()?;
        // What `regex::RegexBuilder` configures.
        let unicode = meta::Builder::new()
            .configure(
                meta::Config::new()
                    .nfa_size_limit(Some(10 * (1 << 20)))
                    .hybrid_cache_capacity(2 * (1 << 20))
                    .match_kind(MatchKind::LeftmostFirst)
                    .utf8_empty(true),
            )
            .syntax(multi_line.utf8(true))
            .build(unicode.as_str())
            .ok()?;
        let dfa = Arc::new(dfa);
        let for_caches = Arc::clone(&dfa);
        let make: MakeCache = Box::new(move || for_caches.create_cache());
        Some(Twin {
            ascii,
            unicode,
            dfa,
            caches: Pool::new(make),
        })
    }

    /// The regex that `finder` names (whose captures of a match it found are exact).
    pub fn regex<'r>(&'r self, unicode: &'r regex::Regex, finder: Finder) -> &'r regex::Regex {
        match finder {
            Finder::Unicode => unicode,
            Finder::Twin => &self.ascii,
        }
    }

    /// The spans of exactly what the Unicode regex's `find_iter(text)` finds, each with the
    /// regex that found it.
    pub fn find_iter<'t>(
        &'t self,
        text: &'t str,
    ) -> impl Iterator<Item = (Range<usize>, Finder)> + 't {
        let zones = zones(text);
        let mut searcher = Searcher::new(Input::new(text));
        let mut cache = self.caches.get();
        std::iter::from_fn(move || {
            // The last search's own match: the one the searcher returns.
            let mut last = (None, Finder::Unicode);
            let found = searcher.try_advance(|input| {
                last = self.find_at(text, input.start(), &zones, &mut cache);
                Ok::<_, MatchError>(last.0.clone().map(|m| Match::must(0, m)))
            });
            found.ok()??;
            let (m, finder) = last;
            Some((m?, finder))
        })
    }

    /// The leftmost-first match at or after `at`: the twin's when its search ends before the
    /// next zone; else a sweep over the starts.
    fn find_at(&self, text: &str, at: usize, zones: &[(usize, usize)], cache: &mut Cache) -> Found {
        match self.unanchored(text, at, zones, cache) {
            Some(found) => found,
            None => self.sweep(text, at, zones, cache),
        }
    }

    /// The twin's search from `at` when it is exact (ends before the next zone, or none is
    /// left); None when that is not known.
    fn unanchored(
        &self,
        text: &str,
        at: usize,
        zones: &[(usize, usize)],
        cache: &mut Cache,
    ) -> Option<Found> {
        let twin = || {
            (
                self.ascii.find_at(text, at).map(|m| m.range()),
                Finder::Twin,
            )
        };
        let limit = match next_zone(zones, at) {
            None => return Some(twin()),
            Some((start, _)) if start <= at => return None,
            Some((start, _)) => start,
        };
        let Run::Ended(end) = self.run(text, at, limit, Anchored::No, cache) else {
            return None;
        };
        let found = twin();
        let same = found.0.as_ref().map(|m| m.end) == end;
        (same && found.0.as_ref().is_none_or(|m| !m.is_empty())).then_some(found)
    }

    /// The leftmost-first match at or after `at`, start by start: a start whose twin threads
    /// all end before the next zone is decided by the twin; one whose threads reach a zone
    /// (or that lies in one), by an anchored search of the Unicode regex. After a zone, the
    /// twin's unanchored search is tried again. An empty match is left to the Unicode regex.
    fn sweep(&self, text: &str, at: usize, zones: &[(usize, usize)], cache: &mut Cache) -> Found {
        let unicode_from_at = || {
            let m = self.unicode.search(&Input::new(text).span(at..text.len()));
            (m.map(|m| m.range()), Finder::Unicode)
        };
        let mut p = at;
        let mut after_zone = false;
        while p <= text.len() {
            if !text.is_char_boundary(p) {
                p += 1;
                continue;
            }
            if after_zone && let Some(found) = self.unanchored(text, p, zones, cache) {
                return found;
            }
            let zone_start = next_zone(zones, p).map_or(usize::MAX, |(start, _)| start);
            let decided = if zone_start <= p {
                Run::Open
            } else {
                self.run(text, p, zone_start, Anchored::Yes, cache)
            };
            let found = match decided {
                Run::Ended(end) => end.map(|end| (p..end, Finder::Twin)),
                Run::Open => self.unicode_at(text, p).map(|m| (m, Finder::Unicode)),
            };
            match found {
                Some((m, _)) if m.is_empty() => return unicode_from_at(),
                Some((m, finder)) => return (Some(m), finder),
                None => {}
            }
            after_zone = zone_start <= p;
            p += 1;
        }
        (None, Finder::Unicode)
    }

    /// The Unicode regex's match starting exactly at `p`.
    fn unicode_at(&self, text: &str, p: usize) -> Option<Range<usize>> {
        let input = Input::new(text).span(p..text.len()).anchored(Anchored::Yes);
        self.unicode.search(&input).map(|m| m.range())
    }

    /// Steps the twin's DFA over `text` from `at` (a search anchored there or not), consuming
    /// only bytes before `limit` (at most the text's end).
    fn run(
        &self,
        text: &str,
        at: usize,
        limit: usize,
        anchored: Anchored,
        cache: &mut Cache,
    ) -> Run {
        let limit = limit.min(text.len());
        let Some(bytes) = text.as_bytes().get(at..limit) else {
            return Run::Open;
        };
        let input = Input::new(text).span(at..text.len()).anchored(anchored);
        let Ok(mut sid) = self.dfa.start_state_forward(cache, &input) else {
            return Run::Open;
        };
        let mut end = None;
        for (i, &b) in bytes.iter().enumerate() {
            let Ok(next) = self.dfa.next_state(cache, sid, b) else {
                return Run::Open;
            };
            sid = next;
            if sid.is_tagged() {
                if sid.is_match() {
                    end = Some(at + i);
                } else if sid.is_dead() {
                    return Run::Ended(end);
                } else if sid.is_quit() {
                    return Run::Open;
                }
            }
        }
        if limit < text.len() {
            return Run::Open;
        }
        match self.dfa.next_eoi_state(cache, sid) {
            Ok(sid) if sid.is_match() => Run::Ended(Some(text.len())),
            Ok(_) => Run::Ended(end),
            Err(_) => Run::Open,
        }
    }
}

/// The first zone that ends at or after `at`.
fn next_zone(zones: &[(usize, usize)], at: usize) -> Option<(usize, usize)> {
    zones
        .get(zones.partition_point(|&(_, end)| end < at))
        .copied()
}

/// Collects the byte spans of the word-boundary assertions and their ASCII spelling.
#[derive(Default)]
struct Boundaries(Vec<(usize, usize, &'static str)>);

impl ast::Visitor for Boundaries {
    type Output = Vec<(usize, usize, &'static str)>;
    type Err = ();

    fn finish(self) -> Result<Self::Output, ()> {
        Ok(self.0)
    }

    fn visit_pre(&mut self, node: &Ast) -> Result<(), ()> {
        if let Ast::Assertion(a) = node {
            let replacement = match a.kind {
                AssertionKind::WordBoundary => r"(?-u:\b)",
                AssertionKind::NotWordBoundary => r"(?-u:\B)",
                _ => return Ok(()),
            };
            self.0
                .push((a.span.start.offset, a.span.end.offset, replacement));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Finder, Twin, ascii_boundaries, zones};

    #[test]
    fn word_boundaries_become_ascii_and_nothing_else_changes() {
        assert_eq!(
            ascii_boundaries(r"\bstatic\s+mut\B|\\b").as_deref(),
            Some(r"(?-u:\b)static\s+mut(?-u:\B)|\\b")
        );
        assert_eq!(ascii_boundaries(r"\w+\s"), None);
        assert_eq!(ascii_boundaries(r"\b{start}x"), None);
    }

    #[test]
    fn zones_surround_only_non_ascii_word_characters() {
        assert!(zones("static mut X: u8 = 0; // — ✓ “quoted”").is_empty());
        assert_eq!(zones("let café = 1;"), vec![(7, 9)]);
        assert_eq!(zones("// 中文"), vec![(3, 6), (6, 9)]);
    }

    /// A match's span and its `at` group's.
    type Spans = (usize, usize, Option<(usize, usize)>);

    /// Every match, with its `at` group, as the Unicode regex alone finds them.
    fn reference(re: &regex::Regex, text: &str) -> Vec<Spans> {
        re.find_iter(text)
            .map(|m| (m.start(), m.end(), at_group(re, text, m.start())))
            .collect()
    }

    /// The same through the twin.
    fn twinned(twin: &Twin, re: &regex::Regex, text: &str) -> Vec<Spans> {
        twin.find_iter(text)
            .map(|(m, by)| {
                let group = at_group(twin.regex(re, by), text, m.start);
                (m.start, m.end, group)
            })
            .collect()
    }

    fn at_group(re: &regex::Regex, text: &str, start: usize) -> Option<(usize, usize)> {
        let caps = re.captures_at(text, start)?;
        caps.name("at").map(|g| (g.start(), g.end()))
    }

    fn compile(pattern: &str) -> regex::Regex {
        regex::RegexBuilder::new(pattern)
            .multi_line(true)
            .build()
            .unwrap()
    }

    /// Pieces that put non-ASCII word characters right against every kind of boundary.
    const PIECES: &[&str] = &[
        "é",
        "中",
        "ж",
        "ſ",
        "\u{212a}",
        "—",
        "✓",
        " ",
        "\n",
        "\t",
        "_",
        "a",
        "Z",
        "0",
        "//",
        "/*",
        "*/",
        "{",
        "}",
        "(",
        ")",
        ";",
        ":",
        "\"",
        "unsafe",
        "static",
        "mut",
        "test",
        "catch",
        "format!(",
        "select x from {}",
        "#[cfg(test)]",
        "mod t {",
        "fn f() {",
        "*mut",
        "as_secs()",
        "process::id()",
        "clippy::mut_from_ref",
        "#[allow(",
        "é//",
        "xé",
        "éx",
        "unsafeé",
        "éunsafe",
        "mutж",
        "\n}\n",
        "\n    }\n",
    ];

    /// A deterministic pseudo-random text of `n` pieces.
    fn text(seed: &mut u64, n: usize) -> String {
        (0..n)
            .map(|_| {
                *seed = seed
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                PIECES[(*seed >> 33) as usize % PIECES.len()]
            })
            .collect()
    }

    /// Hand-made patterns, and every `text` check's pattern of the catalogue.
    fn patterns() -> Vec<String> {
        let mut out: Vec<String> = [
            r"\bunsafe\b",
            r"\B(?P<at>mut)\b",
            r"^[ \t]*//[^\n]*|(?P<at>\bstatic\s+mut\s+\w+)\s*:",
            r"(?i)\bſelect\b|\bk\w*",
            r"\w+\b|\b",
            r"#\[cfg\(test\)\][\s\S]*?^\}|\bunsafe[ \t]*\{",
            r"(?s).\b.",
        ]
        .map(String::from)
        .to_vec();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("checks");
        for entry in std::fs::read_dir(dir).unwrap() {
            let check: toml::Value =
                toml::from_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap()).unwrap();
            if check.get("kind").and_then(|k| k.as_str()) != Some("text") {
                continue;
            }
            let m = &check["match"];
            let pattern = m["pattern"].as_str().unwrap();
            match m.get("case_insensitive").and_then(|c| c.as_bool()) {
                Some(true) => out.push(format!("(?i){pattern}")),
                _ => out.push(pattern.to_string()),
            }
        }
        out
    }

    #[test]
    fn the_twin_finds_exactly_what_the_unicode_regex_finds() {
        let mut seed = 7;
        let texts: Vec<String> = (0..300).map(|i| text(&mut seed, 1 + i % 60)).collect();
        let (mut compared, mut twin_with_zones) = (0, 0);
        for pattern in patterns() {
            let re = compile(&pattern);
            let Some(twin) = Twin::new(&re) else {
                continue;
            };
            for text in &texts {
                assert_eq!(
                    twinned(&twin, &re, text),
                    reference(&re, text),
                    "{pattern:?} on {text:?}"
                );
                compared += 1;
                if !zones(text).is_empty() {
                    twin_with_zones += twin
                        .find_iter(text)
                        .filter(|(_, by)| *by == Finder::Twin)
                        .count();
                }
            }
        }
        assert!(compared > 2_000);
        // The fast path is taken on texts with non-ASCII word characters too.
        assert!(twin_with_zones > 1_000, "{twin_with_zones}");
    }

    #[test]
    fn a_non_ascii_word_character_next_to_a_boundary_decides_the_match() {
        let re = compile(r"\b(?P<at>unsafe)\b|//[^\n]*");
        let twin = Twin::new(&re).unwrap();
        for text in [
            "éunsafe x",
            "unsafeé unsafe",
            "// é\nunsafe",
            "x unsafe é",
            "é\nunsafe",
        ] {
            assert_eq!(twinned(&twin, &re, text), reference(&re, text), "{text:?}");
        }
        assert_eq!(twinned(&twin, &re, "éunsafe unsafe").len(), 1);
    }
}
