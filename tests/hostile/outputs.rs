//! Output files (`--output`) and special files given on the command line (`--baseline`,
//! `RAYON_NUM_THREADS`): written through or refused, never clobbered, never a hang.

use std::path::Path;

use crate::*;

// ---- 1. output files ------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn output_to_dev_null_writes_through_and_leaves_the_device() {
    use std::os::unix::fs::FileTypeExt;
    let ws = workspace(&[]);
    let (code, _, err) = run(ready(ws.path()).args(["--output", "json=/dev/null"]));
    assert!(code == 0 || code == 1, "{err}");
    let meta = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(meta.file_type().is_char_device(), "/dev/null was replaced");
}

#[test]
fn output_to_dev_stdout_writes_the_report_to_stdout() {
    let ws = workspace(&[]);
    let (code, out, err) = run(ready(ws.path()).args(["-q", "--output", "json=/dev/stdout"]));
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    assert!(out.contains("\"format_version\""), "{out}");
}

#[cfg(unix)]
#[test]
fn output_to_a_fifo_writes_through() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let ws = workspace(&[]);
    let out_dir = tempfile::tempdir().unwrap();
    let fifo = out_dir.path().join("report.fifo");
    if !mkfifo(&fifo) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            std::fs::File::open(&fifo)
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        })
    };
    let arg = format!("json={}", fifo.display());
    let (code, _, err) = run(ready(ws.path()).args(["--output", &arg]));
    assert!(code == 0 || code == 1, "{err}");
    let got = reader.join().unwrap();
    assert!(got.contains("\"format_version\""));
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(meta.file_type().is_fifo(), "the FIFO was replaced");
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_keeps_the_link() {
    let ws = workspace(&[]);
    let out_dir = tempfile::tempdir().unwrap();
    let real = out_dir.path().join("real.json");
    std::fs::write(&real, "old").unwrap();
    let link = out_dir.path().join("link.json");
    symlink(&real, &link);
    let arg = format!("json={}", link.display());
    let (code, _, err) = run(ready(ws.path()).args(["--output", &arg]));
    assert!(code == 0 || code == 1, "{err}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("format_version")
    );
}

#[cfg(unix)]
#[test]
fn output_files_get_the_umask_mode_or_keep_theirs() {
    use std::os::unix::fs::PermissionsExt;
    let ws = workspace(&[]);
    let out_dir = tempfile::tempdir().unwrap();
    let reference = out_dir.path().join("reference");
    std::fs::write(&reference, "").unwrap();
    let umask_mode = std::fs::metadata(&reference).unwrap().permissions().mode() & 0o777;
    let new = out_dir.path().join("new.json");
    let kept = out_dir.path().join("kept.sarif");
    std::fs::write(&kept, "old").unwrap();
    std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
    let stale = out_dir.path().join(".new.json.cargo-ready.tmp4999999");
    std::fs::write(&stale, "left by a killed run").unwrap();
    let a = format!("json={}", new.display());
    let b = format!("sarif={}", kept.display());
    let (code, _, err) = run(ready(ws.path()).args(["--output", &a, "--output", &b]));
    assert!(code == 0 || code == 1, "{err}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        mode(&new),
        umask_mode,
        "a new file gets the umask's mode, not 0600"
    );
    assert_eq!(mode(&kept), 0o640, "a replaced file keeps its mode");
    assert!(!stale.exists(), "a stale temporary file is cleaned");
    let names: Vec<String> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.contains(".tmp")),
        "leftovers: {names:?}"
    );
}

#[cfg(unix)]
#[test]
fn output_link_planted_in_the_workspace_pointing_out_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("authorized_keys");
    std::fs::write(&victim, "precious").unwrap();
    let ws = workspace(&[]);
    symlink(&victim, &ws.path().join("report.sarif"));
    let arg = format!("sarif={}", ws.path().join("report.sarif").display());
    let (code, _, err) = run(ready(ws.path()).args(["--output", &arg]));
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("pointing outside"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
}

#[test]
fn output_to_a_directory_is_refused() {
    let ws = workspace(&[]);
    let out_dir = tempfile::tempdir().unwrap();
    let arg = format!("json={}", out_dir.path().display());
    let (code, _, err) = run(ready(ws.path()).args(["--output", &arg]));
    assert_eq!(code, 3);
    assert!(err.contains("is a directory"), "{err}");
}

// ---- 11. hangs on special files ---------------------------------------------------------------

#[test]
fn a_baseline_that_is_a_device_is_refused() {
    let ws = workspace(&[]);
    let (code, _, err) = run(ready(ws.path()).args(["--baseline", "/dev/zero"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a device, not a regular file"), "{err}");
}

#[test]
fn a_huge_thread_count_is_clamped() {
    let ws = workspace(&[]);
    let (code, _, err) = run(ready(ws.path()).env("RAYON_NUM_THREADS", "100000"));
    assert!(code == 0 || code == 1, "{err}");
}
