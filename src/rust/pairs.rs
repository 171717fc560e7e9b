//! Pair needles (part of the per-file stage's item selection): a fully qualified function
//! pattern (`std::fs::read`, `std::process::Command::output`) selects an item for parsing only
//! when the item names both its module or type word (`fs`, `Command`) and the function's name
//! (`read`, `output`), as whole words. The module word alone (`io::Result`, `&Path`) selected
//! a third of the parsed bytes without a call of any pattern in them; such items join the call
//! graph from their tokens (`tokens.rs`). The file-level prefilter still asks for the module
//! word alone, so the same files are tokenized and summarized.

use aho_corasick::AhoCorasick;

/// The pairs of one scan, searched with one automaton.
pub struct PairNeedles {
    automaton: Option<AhoCorasick>,
    /// Per automaton pattern: the pairs it is the head of, and the pairs it is the tail of.
    roles: Vec<(Vec<usize>, Vec<usize>)>,
    /// The head word of each pair group.
    heads: Vec<String>,
}

impl PairNeedles {
    /// Pairs of (module word, function name). A pair whose head is also a single needle selects
    /// through the single needle already and is left out.
    pub fn new<'p>(pairs: impl Iterator<Item = (&'p str, &'p str)>, singles: &[String]) -> Self {
        let mut words: Vec<String> = Vec::new();
        let mut roles: Vec<(Vec<usize>, Vec<usize>)> = Vec::new();
        let mut heads: Vec<String> = Vec::new();
        let mut word_id = |w: &str, roles: &mut Vec<(Vec<usize>, Vec<usize>)>| match words
            .iter()
            .position(|x| x == w)
        {
            Some(i) => i,
            None => {
                words.push(w.to_string());
                roles.push((Vec::new(), Vec::new()));
                words.len() - 1
            }
        };
        for (head, tail) in pairs {
            if singles.iter().any(|s| s == head) {
                continue;
            }
            let group = match heads.iter().position(|h| h == head) {
                Some(g) => g,
                None => {
                    heads.push(head.to_string());
                    heads.len() - 1
                }
            };
            let h = word_id(head, &mut roles);
            let t = word_id(tail, &mut roles);
            push_unique(&mut roles[h].0, group);
            push_unique(&mut roles[t].1, group);
        }
        let automaton = (!words.is_empty())
            .then(|| AhoCorasick::new(&words).ok())
            .flatten();
        PairNeedles {
            automaton,
            roles,
            heads,
        }
    }

    /// The head words, needles of the file-level prefilter.
    pub fn heads(&self) -> &[String] {
        &self.heads
    }

    /// Does `text` name some pair's head and function as whole words (`whole` decides)?
    pub fn hit(&self, text: &str, whole: impl Fn(&[u8], usize, usize) -> bool) -> bool {
        let Some(a) = self.automaton.as_ref() else {
            return false;
        };
        let mut head_seen = vec![false; self.heads.len()];
        let mut tail_seen = vec![false; self.heads.len()];
        for m in a.find_overlapping_iter(text) {
            if !whole(text.as_bytes(), m.start(), m.end()) {
                continue;
            }
            let Some((as_head, as_tail)) = self.roles.get(m.pattern().as_usize()) else {
                continue;
            };
            for &g in as_head {
                head_seen[g] = true;
                if tail_seen[g] {
                    return true;
                }
            }
            for &g in as_tail {
                tail_seen[g] = true;
                if head_seen[g] {
                    return true;
                }
            }
        }
        false
    }
}

fn push_unique(v: &mut Vec<usize>, x: usize) {
    if !v.contains(&x) {
        v.push(x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(_: &[u8], _: usize, _: usize) -> bool {
        true
    }

    #[test]
    fn an_item_is_selected_only_with_both_words_of_a_pair() {
        let pairs = [("fs", "read"), ("fs", "write"), ("io", "stdin")];
        let p = PairNeedles::new(pairs.into_iter(), &[]);
        assert!(p.hit("fn f() { fs::read(p) }", any));
        assert!(p.hit("let x = write(); use std::fs;", any));
        assert!(!p.hit("fn f() -> io::Result<()> { read_config() }", any));
        assert!(!p.hit("fn f() -> io::Result<()> { fs_read() }", |_, _, _| false));
        assert_eq!(p.heads(), ["fs".to_string(), "io".to_string()]);
    }

    #[test]
    fn a_head_that_is_a_single_needle_makes_no_pair() {
        let p = PairNeedles::new([("fs", "read")].into_iter(), &["fs".to_string()]);
        assert!(p.heads().is_empty());
        assert!(!p.hit("fs::read(p)", any));
    }
}
