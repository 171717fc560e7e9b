//! A GitHub release layout built by the test the way .github/workflows/release.yml builds one
//! (scripts/release-package.sh, `sha256sum > SHA256SUMS`, scripts/source-hash.sh):
//! `v<version>/cargo-ready-v<version>-<target>.tar.gz`, `SHA256SUMS`, `source.sha256`, served
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

    /// Publishes `binary` (a script) as the release `version` built from `source_dir`'s sources,
    /// packed by scripts/release-package.sh and summed as .github/workflows/release.yml does.
    /// With `tamper`, the archive is replaced by one holding that script after SHA256SUMS
    /// was written.
    pub fn publish(&self, version: &str, binary: &str, source_dir: &Path, tamper: Option<&str>) {
        let release = self.dir.path().join(format!("v{version}"));
        let archive = release.join(format!("cargo-ready-v{version}-{TARGET}.tar.gz"));
        pack(&release, version, binary);
        let sums = Command::new("sh")
            .args(["-c", "sha256sum cargo-ready-v* > SHA256SUMS"])
            .current_dir(&release)
            .status()
            .unwrap();
        assert!(sums.success());
        let source = Command::new("bash")
            .arg(source_dir.join("scripts/source-hash.sh"))
            .arg(source_dir)
            .output()
            .unwrap();
        assert!(source.status.success());
        std::fs::write(release.join("source.sha256"), &source.stdout).unwrap();
        if let Some(other) = tamper {
            let sum = sha256(&archive);
            pack(&release, version, other);
            assert_ne!(sha256(&archive), sum);
        }
    }
}

/// Runs scripts/release-package.sh in a stand-in checkout whose `cargo build --release
/// --target` produced `binary`.
fn pack(out: &Path, version: &str, binary: &str) {
    let checkout = tempfile::tempdir().unwrap();
    let built = checkout.path().join(format!("target/{TARGET}/release"));
    std::fs::create_dir_all(&built).unwrap();
    let bin = built.join("cargo-ready");
    std::fs::write(&bin, binary).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    for doc in ["README.md", "CHANGELOG.md"] {
        std::fs::write(checkout.path().join(doc), doc).unwrap();
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/release-package.sh");
    let result = Command::new("bash")
        .arg(script)
        .args([version, TARGET])
        .arg(out)
        .current_dir(checkout.path())
        .output()
        .unwrap();
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
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
