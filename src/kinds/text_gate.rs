//! The gate of a `text` check whose regex has an `at` group: a cheaper regex that every
//! reported match implies, so a file it does not match is not searched with the whole regex.
//!
//! A check's regex consumes text with alternatives that report nothing (comment lines, test
//! modules) so that what they cover is skipped; only matches in which the `at` group took part
//! are findings. Iterating every skipped comment line of every file that holds a needle was
//! most of the time of the broad checks (`static-mut`'s needle `static` is in any file naming
//! a `'static` lifetime). The gate keeps, of the pattern, only the paths through the `at`
//! group, from the group on: at each alternation the one branch that holds it (a capture name
//! is unique, so one branch of an alternation or one part of a concatenation holds it), in
//! each concatenation the part that holds it and the parts after it. A reported match went
//! through such a path, so a part of its text, with the same neighbours (look-around sees the
//! whole text), matches the gate: a text the gate does not match has no finding, and the gate
//! is exact as a filter. Starting at the group gives the gate the group's literal prefix
//! (`static`, `format!(`, `unsafe`) to search for, as fast as a needle: the context before it
//! (`unsafe-without-safety-comment`'s two lines above the block) is left to the whole regex.
//!
//! Word boundaries are dropped from the gate (an assertion dropped only lets the gate match
//! more): a Unicode `\b` next to a non-ASCII byte makes the regex crate's lazy DFA give up and
//! fall back to a slow engine, which would cost more than the gate saves.

use regex_automata::meta;
use regex_syntax::hir::{Capture, Hir, HirKind, Look, Repetition};

/// The group a `text` check reports.
const AT: &str = "at";

/// The gate of `pattern` (compiled multi-line, as text checks are), or None when the pattern
/// has no `at` group (every match is reported: nothing to narrow) or the gate does not build.
pub fn gate(pattern: &str) -> Option<meta::Regex> {
    compiled_part(pattern, through_at)
}

/// `pattern` parsed as text checks compile it (multi-line), narrowed by `part`, compiled; None
/// when `part` leaves nothing or it does not build.
fn compiled_part(pattern: &str, part: fn(&Hir) -> Option<Hir>) -> Option<meta::Regex> {
    let hir = regex_syntax::ParserBuilder::new()
        .multi_line(true)
        .build()
        .parse(pattern)
        .ok()?;
    let narrowed = part(&hir)?;
    meta::Builder::new()
        .configure(meta::Config::new().nfa_size_limit(Some(10 * (1 << 20))))
        .build_from_hir(&narrowed)
        .ok()
}

/// The branches of `pattern` (compiled multi-line) that can pass through the `at` group, in
/// their order, the others (comment lines, test modules) left out; None when there are none to
/// leave out. Anchored at a match of the whole pattern, it ends where that match does exactly
/// when the match went through such a branch (the branches before it failed there in both), so a
/// match it does not reproduce needs no capture search: finding its groups would run a capture
/// engine over a whole test module only to learn that `at` took no part.
pub fn at_branches(pattern: &str) -> Option<meta::Regex> {
    compiled_part(pattern, without_other_branches)
}

/// `hir` with the branches of its outermost alternation that hold no `at` group left out (also
/// below a concatenation whose only part that holds the group is that alternation); None when
/// nothing is left out.
fn without_other_branches(hir: &Hir) -> Option<Hir> {
    match hir.kind() {
        HirKind::Alternation(subs) => {
            let kept: Vec<Hir> = subs.iter().filter(|s| holds_at(s)).cloned().collect();
            (!kept.is_empty() && kept.len() < subs.len()).then(|| Hir::alternation(kept))
        }
        HirKind::Concat(subs) => {
            let mut holding = subs.iter().enumerate().filter(|(_, s)| holds_at(s));
            let (at, part) = holding.next()?;
            if holding.next().is_some() {
                return None;
            }
            let pruned = without_other_branches(part)?;
            let mut parts = subs.clone();
            *parts.get_mut(at)? = pruned;
            Some(Hir::concat(parts))
        }
        _ => None,
    }
}

/// Does `hir` hold the `at` group?
fn holds_at(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Capture(c) if c.name.as_deref() == Some(AT) => true,
        HirKind::Capture(c) => holds_at(&c.sub),
        HirKind::Repetition(r) => holds_at(&r.sub),
        HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().any(holds_at),
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => false,
    }
}

/// The paths of `hir` through the `at` group, from the group on (see the module comment);
/// None when it holds none.
fn through_at(hir: &Hir) -> Option<Hir> {
    match hir.kind() {
        HirKind::Capture(c) if c.name.as_deref() == Some(AT) => Some(loosened(&c.sub)),
        HirKind::Capture(c) => through_at(&c.sub),
        HirKind::Alternation(subs) => {
            let kept: Vec<Hir> = subs.iter().filter_map(through_at).collect();
            (!kept.is_empty()).then(|| Hir::alternation(kept))
        }
        HirKind::Concat(subs) => {
            let at = subs.iter().position(holds_at)?;
            let rest = subs.get(at + 1..).unwrap_or_default().iter().map(loosened);
            let from_at = std::iter::once(through_at(subs.get(at)?)?).chain(rest);
            Some(Hir::concat(from_at.collect()))
        }
        // A repetition's iterations may or may not pass through the group: kept whole.
        HirKind::Repetition(_) if holds_at(hir) => Some(loosened(hir)),
        _ => None,
    }
}

/// `hir` without word-boundary assertions and capture groups (it matches at least what `hir`
/// matches).
fn loosened(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(look) if is_word_look(*look) => Hir::empty(),
        HirKind::Capture(Capture { sub, .. }) => loosened(sub),
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(loosened(&r.sub)),
            ..r.clone()
        }),
        HirKind::Concat(subs) => Hir::concat(subs.iter().map(loosened).collect()),
        HirKind::Alternation(subs) => Hir::alternation(subs.iter().map(loosened).collect()),
        _ => hir.clone(),
    }
}

/// Is `look` one of the word-boundary assertions (ASCII or Unicode, any half)?
fn is_word_look(look: Look) -> bool {
    !matches!(
        look,
        Look::Start | Look::End | Look::StartLF | Look::EndLF | Look::StartCRLF | Look::EndCRLF
    )
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::{at_branches, gate};

    const SKIPPING: &str = r"^[ \t]*//[^\n]*|(?P<at>\bstatic\s+mut\s+\w+)\s*:";

    #[test]
    fn the_gate_keeps_only_the_branch_of_the_reported_group() {
        let g = gate(SKIPPING).expect("a gate");
        assert!(g.is_match("static mut X: u8 = 0;"));
        assert!(g.is_match("pub static\n  mut  é: u8 = 0;"));
        assert!(!g.is_match("// a comment\nfn f(x: &'static str) {}\n"));
        assert!(!g.is_match("static mut X"));
    }

    #[test]
    fn word_boundaries_are_dropped_and_captures_elsewhere_kept_whole() {
        let g = gate(r"(a)|x(?:b(?P<at>c)\b)+").expect("a gate");
        assert!(g.is_match("xbcbc"));
        assert!(
            g.is_match("xbcd"),
            "the boundary is dropped: the gate may match more"
        );
        assert!(!g.is_match("a"));
        assert!(gate(r"a|b").is_none(), "no `at` group: no gate");
    }

    #[test]
    fn the_at_branches_reproduce_only_matches_through_the_group() {
        let b = at_branches(SKIPPING).expect("branches to leave out");
        let ends_at = |text: &str, span: std::ops::Range<usize>| {
            let input = regex_automata::Input::new(text)
                .span(span.clone())
                .anchored(regex_automata::Anchored::Yes);
            b.search(&input).is_some_and(|m| m.end() == span.end)
        };
        let text = "// static mut A: u8\nstatic mut B: u8 = 0;\n";
        // The comment line is a match of the skipping branch: not reproduced.
        assert!(!ends_at(text, 0..19));
        // `static mut B:` is the `at` branch's match.
        assert!(ends_at(text, 20..33));
        assert!(
            at_branches(r"a|b").is_none(),
            "no `at` group: nothing left out"
        );
        assert!(
            at_branches(r"x(?P<at>a|b)").is_none(),
            "every branch of the outer alternation holds it"
        );
    }
}
