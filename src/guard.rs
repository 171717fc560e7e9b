//! Defences against a hostile repository, shared by every stage: files are read only when they
//! are regular files under a size cap (never a FIFO, a device or `/dev/zero`), paths named by the
//! repository stay inside it, and repository text is made safe to print (no control characters,
//! no terminal escape sequences, no line that a CI runner would take for a workflow command).
//! See `docs/security.md`.

use std::borrow::Cow;
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest configuration file read (`ready.toml`, a policy, a manifest): 4 MiB.
pub const MAX_CONFIG_BYTES: u64 = 4 << 20;

/// Largest `--baseline` report read: 256 MiB.
pub const MAX_BASELINE_BYTES: u64 = 256 << 20;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The path exists but is not a regular file (a directory, FIFO, device, socket, dangling
    /// symbolic link): described in words.
    NotRegular(&'static str),
    /// The file is larger than the cap.
    TooLarge {
        /// Its size in bytes (at least `limit + 1` when it grew while being read).
        size: u64,
        /// The cap.
        limit: u64,
    },
    /// Any other I/O error (including "not found").
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotRegular(what) => write!(f, "{what}, not a regular file"),
            ReadError::TooLarge { size, limit } => {
                write!(f, "{size} bytes, larger than the limit of {limit} bytes")
            }
            ReadError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl ReadError {
    /// Is this "no such file"?
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }
}

/// What a file system entry is, in words, when it is not a regular file.
pub fn describe(path: &Path) -> Option<&'static str> {
    let link = std::fs::symlink_metadata(path).ok()?;
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) if link.file_type().is_symlink() => return Some("a dangling symbolic link"),
        Err(_) => return None,
    };
    kind_of(&meta.file_type())
}

fn kind_of(t: &std::fs::FileType) -> Option<&'static str> {
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a FIFO");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// Reads a regular file of at most `limit` bytes. Anything else (a directory, FIFO, device,
/// socket, dangling link) is refused before it is opened, and the opened file is checked again
/// (opened non-blocking, so a FIFO swapped in meanwhile cannot hang the run).
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    if let Some(what) = describe(path) {
        return Err(ReadError::NotRegular(what));
    }
    let file = open_nonblocking(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if let Some(what) = kind_of(&meta.file_type()) {
        return Err(ReadError::NotRegular(what));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Like [`read_regular`], as UTF-8 text.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    let bytes = read_regular(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("not valid UTF-8 (byte {})", e.utf8_error().valid_up_to()),
        ))
    })
}

fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK);
    }
    opts.open(path)
}

/// Why a path named by the repository was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Escape {
    /// An absolute path.
    Absolute,
    /// It resolves (through `..` or a symbolic link) outside the allowed directory.
    Outside,
}

impl fmt::Display for Escape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Escape::Absolute => write!(f, "absolute paths are not allowed"),
            Escape::Outside => write!(f, "it resolves outside the workspace"),
        }
    }
}

/// Joins a relative path written in the repository onto `dir` and checks that the result stays
/// inside `allowed` once `..` and symbolic links are resolved. A path that does not exist yet is
/// judged by its lexical form. Gives the joined (not canonical) path.
pub fn contained(allowed: &Path, dir: &Path, rel: &str) -> Result<PathBuf, Escape> {
    let rel_path = Path::new(rel);
    if rel_path.is_absolute() || rel.starts_with('/') || rel.starts_with('\\') || has_prefix(rel) {
        return Err(Escape::Absolute);
    }
    let joined = dir.join(rel_path);
    if resolve(&joined).starts_with(resolve(allowed)) {
        Ok(joined)
    } else {
        Err(Escape::Outside)
    }
}

/// The real path of `path`, resolved component by component: symbolic links and `..` as the
/// file system has them while the path exists, lexically beyond.
fn resolve(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    let mut exists = true;
    for c in path.components() {
        match c {
            Component::CurDir => continue,
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
        if exists {
            match out.canonicalize() {
                Ok(real) => out = real,
                Err(_) => exists = false,
            }
        }
    }
    out
}

/// A Windows drive or UNC prefix (`C:`, `\\server`), refused on every platform.
fn has_prefix(rel: &str) -> bool {
    let b = rel.as_bytes();
    b.len() >= 2 && b[1] == b':' && b[0].is_ascii_alphabetic()
}

/// Repository text made safe to print on one line, character for character (so columns and
/// carets stay right): C0 control characters (tab excepted) and DEL become their visible Control
/// Pictures (`␊`, `␍`, `␛`), C1 controls, bidirectional overrides and line/paragraph separators
/// become `�`. Escape sequences (ANSI colours, OSC titles and hyperlinks) and line breaks that
/// would start a new log line are thereby shown, never executed.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(escape_char).collect())
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c,
            '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}' | '\u{2029}'
            | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape_char(c: char) -> char {
    if !needs_escape(c) {
        return c;
    }
    match c as u32 {
        n @ 0..=0x1f => char::from_u32(0x2400 + n).unwrap_or('\u{fffd}'),
        0x7f => '\u{2421}',
        _ => '\u{fffd}',
    }
}

/// A multi-line text made safe to print line by line: each line as [`visible`], and a line that
/// would begin (after blanks) with `::` or `##` — a GitHub Actions workflow command — gets a `\`
/// in front, so the runner prints it instead of running it.
pub fn visible_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let trimmed = line.trim_start();
        if trimmed.starts_with("::") || trimmed.starts_with("##") {
            out.push('\\');
        }
        out.push_str(&visible(line));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_one_for_one() {
        assert_eq!(visible("a\nb\rc\u{1b}[31m"), "a␊b␍c␛[31m");
        assert_eq!(visible("x\u{202e}y\u{85}z\u{7f}"), "x�y�z␡");
        assert_eq!(visible("tab\tkept · ünïcode"), "tab\tkept · ünïcode");
        assert!(matches!(visible("plain"), Cow::Borrowed(_)));
        let hostile = "x\n::error title=pwned::injected";
        assert_eq!(visible(hostile).chars().count(), hostile.chars().count());
        assert!(!visible(hostile).contains('\n'));
    }

    #[test]
    fn lines_that_would_be_workflow_commands_are_neutralised() {
        let out = visible_lines("ok\n  ::error::x\n##[group]y\n\u{1b}]8;;http://e\u{7}z");
        assert_eq!(out, "ok\n\\  ::error::x\n\\##[group]y\n␛]8;;http://e␇z");
        for line in out.lines() {
            assert!(!line.trim_start().starts_with("::"));
        }
    }

    #[test]
    fn special_files_are_refused_unopened() {
        let err = read_regular(Path::new("/dev/zero"), 10).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular("a device")), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let err = read_regular(dir.path(), 10).unwrap_err();
        assert!(matches!(err, ReadError::NotRegular("a directory")));
        let big = dir.path().join("big");
        std::fs::write(&big, "0123456789abc").unwrap();
        assert!(matches!(
            read_regular(&big, 10),
            Err(ReadError::TooLarge {
                size: 13,
                limit: 10
            })
        ));
        assert_eq!(read_regular(&big, 13).unwrap().len(), 13);
        #[cfg(unix)]
        {
            let link = dir.path().join("dangling");
            std::os::unix::fs::symlink(dir.path().join("nowhere"), &link).unwrap();
            let err = read_regular(&link, 10).unwrap_err();
            assert!(matches!(
                err,
                ReadError::NotRegular("a dangling symbolic link")
            ));
        }
    }

    #[test]
    fn paths_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("ws");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("sub/p.toml"), "").unwrap();
        assert!(contained(&root, &root, "sub/p.toml").is_ok());
        assert!(contained(&root, &root.join("sub"), "../sub/p.toml").is_ok());
        assert!(contained(&root, &root, "new/file.toml").is_ok());
        assert_eq!(
            contained(&root, &root, "/etc/passwd"),
            Err(Escape::Absolute)
        );
        assert_eq!(contained(&root, &root, "C:x.toml"), Err(Escape::Absolute));
        assert_eq!(contained(&root, &root, "../x.toml"), Err(Escape::Outside));
        assert_eq!(
            contained(&root, &root, "sub/../../x.toml"),
            Err(Escape::Outside)
        );
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("/etc", root.join("etc")).unwrap();
            assert_eq!(contained(&root, &root, "etc/passwd"), Err(Escape::Outside));
        }
    }
}
