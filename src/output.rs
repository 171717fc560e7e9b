//! Writing the named output files (`--output FORMAT=PATH`) without clobbering anything else.
//!
//! - A new path, or an existing regular file: the bytes go to a temporary file beside it
//!   (`.<name>.cargo-ready.tmp<pid>`, created exclusively) which is then renamed into place, so
//!   a reader never sees half a report. A new file gets the umask's mode (like any program's
//!   output); a replaced file keeps its mode.
//! - An existing path that is not a regular file is written through, never replaced: a FIFO, a
//!   character device (`/dev/null`), a symbolic link (`/dev/stdout`, or a link the user made) is
//!   opened for writing. A directory, a block device or a socket is refused, and so is a symbolic
//!   link that sits inside the scanned workspace and points outside it (a repository could plant
//!   one to make the tool overwrite a file of the CI machine).
//! - Temporary files left by a killed run (their process is gone) are removed on the next run.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Where the report goes, decided from what exists at the path now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Nothing there: create it (temporary file + rename).
    Create,
    /// A regular file: replace it atomically, keeping this mode.
    Replace(u32),
    /// A FIFO, character device or symbolic link: open it for writing.
    WriteThrough,
}

/// Decides how `path` is written; an error says why it cannot be.
pub fn target(path: &Path, workspace: Option<&Path>) -> io::Result<Target> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Target::Create),
        Err(e) => return Err(e),
    };
    let t = meta.file_type();
    if t.is_symlink() {
        if let Some(root) = workspace {
            refuse_escaping_link(path, root)?;
        }
        return Ok(Target::WriteThrough);
    }
    if t.is_file() {
        return Ok(Target::Replace(mode_of(&meta)));
    }
    if t.is_dir() {
        return Err(refused("is a directory"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() || t.is_char_device() {
            return Ok(Target::WriteThrough);
        }
        if t.is_block_device() {
            return Err(refused(
                "is a block device; refusing to write a report onto it",
            ));
        }
    }
    Err(refused("is a special file (socket or unknown type)"))
}

fn refused(why: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why.to_string())
}

/// A symbolic link inside the scanned workspace must not lead outside it.
fn refuse_escaping_link(path: &Path, root: &Path) -> io::Result<()> {
    let root = root.canonicalize()?;
    let abs = std::path::absolute(path)?;
    let link_dir = abs
        .parent()
        .and_then(|d| d.canonicalize().ok())
        .unwrap_or_default();
    if !link_dir.starts_with(&root) {
        return Ok(());
    }
    let dest = std::fs::read_link(&abs)?;
    let dest = link_dir.join(dest);
    let real = dest.canonicalize().unwrap_or(dest);
    if real.starts_with(&root) {
        Ok(())
    } else {
        Err(refused(&format!(
            "is a symbolic link inside the scanned workspace pointing outside it (to {}); \
             refusing to write through it",
            real.display()
        )))
    }
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(_meta: &std::fs::Metadata) -> u32 {
    0o644
}

/// Writes `path` with the bytes `render` produces, as [`target`] decides. `workspace` is the
/// scanned workspace's root, if known (for the symbolic-link rule).
pub fn write(
    path: &Path,
    workspace: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    match target(path, workspace)? {
        Target::WriteThrough => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(path)?;
            let mut buf = io::BufWriter::new(&mut file);
            render(&mut buf)?;
            buf.flush()
        }
        Target::Create => replace(path, None, render),
        Target::Replace(mode) => replace(path, Some(mode), render),
    }
}

/// The temporary file's name for `path` and process `pid`: `.<name>.cargo-ready.tmp<pid>`.
pub fn temp_name(path: &Path, pid: u32) -> Option<PathBuf> {
    let name = path.file_name()?.to_string_lossy();
    Some(path.with_file_name(format!(".{name}{TEMP_MARK}{pid}")))
}

const TEMP_MARK: &str = ".cargo-ready.tmp";

fn replace(
    path: &Path,
    mode: Option<u32>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    remove_stale(path);
    let tmp = temp_name(path, std::process::id()).ok_or_else(|| refused("has no file name"))?;
    // One left by an earlier process that had our pid.
    remove_if_present(&tmp)?;
    let result = fill(&tmp, mode, render).and_then(|()| std::fs::rename(&tmp, path));
    match (result, remove_if_present(&tmp)) {
        (Ok(()), _) => Ok(()),
        (Err(e), Ok(())) => Err(e),
        (Err(e), Err(cleanup)) => Err(io::Error::new(
            e.kind(),
            format!(
                "{e} (and the temporary file {} could not be removed: {cleanup})",
                tmp.display()
            ),
        )),
    }
}

fn remove_if_present(path: &Path) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

fn fill(
    tmp: &Path,
    mode: Option<u32>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The kernel applies the umask to 0666, as for any file a program creates.
        opts.mode(0o666);
    }
    let file = opts.open(tmp)?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut buf = io::BufWriter::new(file);
    render(&mut buf)?;
    buf.flush()?;
    buf.get_ref().sync_all()
}

/// Removes `.<name>.cargo-ready.tmp<pid>` files beside `path` whose process no longer runs.
fn remove_stale(path: &Path) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!(".{}{TEMP_MARK}", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if regular && !process_alive(pid, &entry.path()) {
            // ready:allow(ignored-cleanup): best effort; one that cannot go now is tried next run
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Is the process that named a temporary file still running? Read from `/proc` where there is
/// one; elsewhere a temporary file older than an hour counts as abandoned.
fn process_alive(pid: u32, file: &Path) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    let age = std::fs::metadata(file)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok());
    age.is_none_or(|a| a < std::time::Duration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_str(path: &Path, text: &str) -> io::Result<()> {
        write(path, None, |w| w.write_all(text.as_bytes()))
    }

    #[test]
    fn new_and_regular_files_are_replaced_atomically_keeping_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out/r.json");
        write_str(&p, "one").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
            write_str(&p, "two").unwrap();
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        let left: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left");
    }

    #[test]
    fn stale_temporary_files_of_dead_processes_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("r.json");
        // pid_max on Linux is at most 2^22: this pid cannot be running.
        let stale = temp_name(&p, 4_999_999).unwrap();
        std::fs::write(&stale, "half").unwrap();
        let other = dir.path().join(".x.json.cargo-ready.tmp4999999");
        std::fs::write(&other, "not ours").unwrap();
        write_str(&p, "x").unwrap();
        assert!(!stale.exists());
        assert!(
            other.exists(),
            "only the same output's temporaries are touched"
        );
    }

    #[test]
    fn directories_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_str(dir.path(), "x").unwrap_err();
        assert!(err.to_string().contains("is a directory"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn symbolic_links_are_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        std::fs::write(&real, "old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_str(&link, "new").unwrap();
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[cfg(unix)]
    #[test]
    fn a_link_in_the_workspace_pointing_out_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let ws = dir.path().join("ws");
        std::fs::create_dir(&ws).unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").unwrap();
        let link = ws.join("report.sarif");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        let err = write(&link, Some(&ws), |w| w.write_all(b"x")).unwrap_err();
        assert!(err.to_string().contains("pointing outside"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        let inside = ws.join("inside.json");
        std::fs::write(&inside, "").unwrap();
        let ok_link = ws.join("ok.json");
        std::os::unix::fs::symlink("inside.json", &ok_link).unwrap();
        write(&ok_link, Some(&ws), |w| w.write_all(b"y")).unwrap();
        assert_eq!(std::fs::read_to_string(&inside).unwrap(), "y");
    }
}
