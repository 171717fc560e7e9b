//! The texts of the files a scan read, after their per-file pass: each text is dropped once
//! its file is analyzed and read again when a later stage needs it (a finding's snippet and
//! line hash, a service's evidence), checked against the length and hash of the first read.
//!
//! Held to the end of the scan, the texts were a fifth of the peak memory on large workspaces,
//! and most files have no finding and are in no service. A file changed while the scan ran is
//! not shown with a wrong line: [`Texts::get`] gives nothing for it and it is listed in
//! [`Texts::changed`], for a note.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Mutex;

/// What the first read of a file saw: its length and a hash of its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    len: usize,
    hash: u64,
}

impl Stamp {
    /// The stamp of `text`.
    pub fn of(text: &str) -> Stamp {
        Stamp {
            len: text.len(),
            hash: word_hash(text.as_bytes()),
        }
    }
}

/// A fast hash of 8-byte words (rotate, xor, multiply by an odd constant: each step is a
/// bijection of the state, so texts of the same length that differ in one word always differ).
/// The same text always gets the same hash. SipHash over every file was 2 % of a scan.
fn word_hash(bytes: &[u8]) -> u64 {
    const K: u64 = 0x517c_c1b7_2722_0a95;
    let step = |h: u64, w: u64| (h.rotate_left(5) ^ w).wrapping_mul(K);
    let mut words = bytes.chunks_exact(8);
    let h = (&mut words).fold(0, |h, c| {
        step(h, <[u8; 8]>::try_from(c).map_or(0, u64::from_le_bytes))
    });
    words
        .remainder()
        .iter()
        .fold(h, |h, &b| step(h, u64::from(b)))
}

/// A file the scan read: where it is, the read's size cap, and its stamp.
#[derive(Debug, Clone)]
pub struct ReadFile {
    /// Absolute path.
    pub abs: PathBuf,
    /// The size cap of the first read.
    pub limit: u64,
    /// What the first read saw.
    pub stamp: Stamp,
}

/// The texts of the files a scan read, by file index, read again on demand.
#[derive(Debug, Default)]
pub struct Texts {
    files: Vec<Option<ReadFile>>,
    changed: Mutex<BTreeSet<usize>>,
}

impl Texts {
    /// The store for these files (`None`: not read by the scan).
    pub fn new(files: Vec<Option<ReadFile>>) -> Texts {
        Texts {
            files,
            changed: Mutex::default(),
        }
    }

    /// Did the scan read file `i`?
    pub fn was_read(&self, i: usize) -> bool {
        self.files.get(i).is_some_and(Option::is_some)
    }

    /// The text of file `i` as the scan read it: read again, and None when it was not read,
    /// cannot be read now or changed since (then it is listed in [`Texts::changed`]).
    pub fn get(&self, i: usize) -> Option<String> {
        let file = self.files.get(i)?.as_ref()?;
        let text = crate::guard::read_regular_text(&file.abs, file.limit).ok();
        match text {
            Some(t) if Stamp::of(&t) == file.stamp => Some(t),
            _ => {
                self.changed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .insert(i);
                None
            }
        }
    }

    /// The files whose text could not be read again as the scan first read it, in order.
    pub fn changed(&self) -> Vec<usize> {
        let changed = self
            .changed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        changed.iter().copied().collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::{ReadFile, Stamp, Texts};

    #[test]
    fn texts_are_read_again_and_a_changed_file_gives_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.rs"), dir.path().join("b.rs"));
        std::fs::write(&a, "fn a() {}\n").unwrap();
        std::fs::write(&b, "fn b() {}\n").unwrap();
        let read = |abs: &std::path::Path, text: &str| ReadFile {
            abs: abs.to_path_buf(),
            limit: 1 << 20,
            stamp: Stamp::of(text),
        };
        let texts = Texts::new(vec![
            Some(read(&a, "fn a() {}\n")),
            None,
            Some(read(&b, "fn b() {}\n")),
        ]);
        std::fs::write(&b, "fn c() {}\n").unwrap();
        assert_eq!(texts.get(0).as_deref(), Some("fn a() {}\n"));
        assert!(!texts.was_read(1) && texts.get(1).is_none());
        assert_eq!(texts.get(2), None, "same length, other text");
        assert_eq!(texts.changed(), [2]);
    }
}
