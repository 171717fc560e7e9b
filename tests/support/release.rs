//! A GitHub release layout built by the test (what .github/workflows/release.yml publishes:
//! `v<version>/cargo-ready-v<version>-<target>.tar.gz`, `SHA256SUMS`, `source.sha256`), served
//! over HTTP on loopback by a small file server: 200 with the file, 404 without.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The release target scripts/action-install.sh picks for `RUNNER_OS=Linux`, `RUNNER_ARCH=X64`.
pub const TARGET: &str = "x86_64-unknown-linux-musl";

/// A served directory of releases.
pub struct Releases {
    pub dir: tempfile::TempDir,
    /// `CARGO_READY_RELEASES_URL`.
    pub url: String,
}

impl Releases {
    /// An empty release server (every download is a 404).
    pub fn empty() -> Releases {
        let dir = tempfile::tempdir().unwrap();
        let url = serve(dir.path().to_path_buf());
        Releases { dir, url }
    }

    /// Publishes `binary` (a script) as the release `version` built from `source_dir`'s sources.
    /// With `tamper`, the archive is replaced after SHA256SUMS was written.
    pub fn publish(&self, version: &str, binary: &str, source_dir: &Path, tamper: Option<&str>) {
        let release = self.dir.path().join(format!("v{version}"));
        let name = format!("cargo-ready-v{version}-{TARGET}");
        let archive = format!("{name}.tar.gz");
        pack(&release, &name, binary);
        let sum = sha256(&release.join(&archive));
        std::fs::write(release.join("SHA256SUMS"), format!("{sum}  {archive}\n")).unwrap();
        let source = Command::new("bash")
            .arg(source_dir.join("scripts/source-hash.sh"))
            .arg(source_dir)
            .output()
            .unwrap();
        assert!(source.status.success());
        std::fs::write(release.join("source.sha256"), &source.stdout).unwrap();
        if let Some(other) = tamper {
            pack(&release, &name, other);
            assert_ne!(sha256(&release.join(&archive)), sum);
        }
    }
}

/// `<dir>/<name>.tar.gz` holding `<name>/cargo-ready` (mode 755) with `binary` as its text.
fn pack(dir: &Path, name: &str, binary: &str) {
    let stage = tempfile::tempdir().unwrap();
    let bin_dir = stage.path().join(name);
    std::fs::create_dir_all(&bin_dir).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let bin = bin_dir.join("cargo-ready");
    std::fs::write(&bin, binary).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let status = Command::new("tar")
        .arg("-czf")
        .arg(dir.join(format!("{name}.tar.gz")))
        .arg("-C")
        .arg(stage.path())
        .arg(name)
        .status()
        .unwrap();
    assert!(status.success());
}

fn sha256(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap()[..64].to_string()
}

/// Serves `root` on an ephemeral loopback port until the test process ends; returns its URL.
fn serve(root: PathBuf) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(&stream);
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
                    break;
                }
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/");
            let file = root.join(path.trim_start_matches('/'));
            let body = (!path.contains(".."))
                .then(|| std::fs::read(&file).ok())
                .flatten();
            let mut out = &stream;
            let _ = match body {
                Some(bytes) => write!(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    bytes.len()
                )
                .and_then(|()| out.write_all(&bytes)),
                None => write!(
                    out,
                    "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                ),
            };
        }
    });
    url
}
