//! What the repository could make the tool run or print: toolchain files, cargo config,
//! workflow commands and escape sequences in any text it prints.

use std::path::PathBuf;
use std::process::Command;

use crate::*;

// ---- 3. toolchain files run nothing ---------------------------------------------------------

/// A repository whose `rust-toolchain.toml` names a toolchain inside it (by absolute path, as a
/// PR to a GitHub runner can: the checkout path is known) and whose `.cargo/config.toml` sets a
/// compiler wrapper; each would create a marker file.
#[cfg(unix)]
fn evil_repository() -> (tempfile::TempDir, PathBuf) {
    use std::os::unix::fs::PermissionsExt;
    let ws = workspace(&[]);
    let marker = ws.path().join("pwned");
    let script = format!("#!/bin/sh\ntouch '{}'\nexit 1\n", marker.display());
    for tool in ["cargo", "rustc"] {
        let bin = ws.path().join("evil/bin").join(tool);
        write(ws.path(), &format!("evil/bin/{tool}"), &script);
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let wrapper = ws.path().join("wrap.sh");
    std::fs::write(&wrapper, &script).unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    write(
        ws.path(),
        "rust-toolchain.toml",
        &format!(
            "[toolchain]\npath = \"{}\"\n",
            ws.path().join("evil").display()
        ),
    );
    write(
        ws.path(),
        ".cargo/config.toml",
        &format!(
            "[build]\nrustc-wrapper = \"{w}\"\nrustc = \"{w}\"\n[alias]\nmetadata = \"run\"\n",
            w = wrapper.display()
        ),
    );
    (ws, marker)
}

#[cfg(unix)]
#[test]
fn a_repository_toolchain_or_cargo_config_never_runs() {
    let (ws, marker) = evil_repository();
    let rustup = Command::new("rustup").arg("--version").output().is_ok();
    if rustup {
        // The trap is real: rustup's proxy, run inside the repository, runs its toolchain.
        let _ = Command::new("cargo")
            .args(["metadata", "--no-deps", "--format-version", "1"])
            .current_dir(ws.path())
            .env_remove("RUSTUP_TOOLCHAIN")
            .env_remove("CARGO")
            .output();
        assert!(marker.exists(), "the probe did not reproduce the attack");
        std::fs::remove_file(&marker).unwrap();
    } else {
        eprintln!("rustup is not installed: only the cargo config part is exercised");
    }
    // As the action runs it: `cargo-ready` started directly, inside the repository, with no
    // toolchain chosen by a proxy.
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-ready"))
        .args(["--format", "json"])
        .current_dir(ws.path())
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("CARGO")
        .output()
        .unwrap();
    assert!(
        !marker.exists(),
        "the repository's toolchain or wrapper ran: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

// ---- 5. no workflow command or escape sequence from repository text --------------------------

#[test]
fn repository_text_cannot_inject_workflow_commands() {
    let ws = workspace(&[(
        "ready.toml",
        "\"x\\n::error title=pwned::injected\" = 1\n[checks.\"\\u001b]8;;https://evil\\u0007y\"]\n",
    )]);
    let err = config_error(ws.path());
    assert_no_workflow_command(&err);
    assert!(err.contains("␊::error title=pwned"), "{err}");
}

#[cfg(unix)]
#[test]
fn file_names_cannot_inject_workflow_commands() {
    let ws = workspace(&[
        ("src/lib.rs", "mod a;\n"),
        ("src/a.rs", "pub fn f() {}\n"),
        ("::error::pwned.rs", "fn x() {}\n"),
        ("src/\n::warning::pwned.rs", "fn y() {}\n"),
        ("src/\u{1b}]0;title\u{7}.rs", "fn z() {}\n"),
    ]);
    for format in ["human", "github", "markdown"] {
        let (code, out, err) = run(ready(ws.path()).args(["--format", format, "-v"]));
        assert!(code == 0 || code == 1, "{err}");
        assert_no_workflow_command(
            &out.replace("::error file=", "")
                .replace("::warning file=", "")
                .replace("::notice file=", "")
                .replace("::notice title=", ""),
        );
        assert_no_workflow_command(&err);
    }
}

#[cfg(unix)]
#[test]
fn a_manifest_linked_to_a_secret_is_not_quoted_in_errors() {
    let outside = tempfile::tempdir().unwrap();
    let secret = outside.path().join("credentials");
    std::fs::write(&secret, "token: ghp_hunter2secret\n").unwrap();
    let ws = tempfile::tempdir().unwrap();
    write(ws.path(), "Cargo.toml", "[workspace]\nmembers = [\"m\"]\n");
    std::fs::create_dir_all(ws.path().join("m")).unwrap();
    symlink(&secret, &ws.path().join("m/Cargo.toml"));
    let (code, _, err) = run(&mut ready(ws.path()));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cargo metadata"), "{err}");
    assert!(!err.contains("hunter2"), "the secret was quoted: {err}");
}

/// Repository text that is a workflow command, a terminal hyperlink, HTML and a markdown link.
const EVIL: &str = r#"x\n::error title=pwned::injected\u001b]8;;https://evil\u0007 <img src=x onerror=alert(1)> [click](https://evil.example)"#;

/// A workspace whose own check, category, gate and suppressions carry `EVIL` everywhere a
/// repository can put text, with one finding, one suppressed finding and one `[[allow]]`.
fn evil_texts() -> tempfile::TempDir {
    let config = format!(
        "extends = [\"recommended\"]\n\
         [categories.evil]\ntitle = \"{EVIL}\"\nweight = 1\n\
         [[check]]\nid = \"evil-check\"\ntitle = \"{EVIL}\"\ncategory = \"evil\"\n\
         severity = \"error\"\nkind = \"text\"\nwhy = \"{EVIL}\"\nfix = \"{EVIL}\"\n\
         [check.match]\npattern = \"EVIL(?:\\n::error title=pwned::pattern\\u001b]8;;y\\u0007)?\"\nfiles = [\"**/*.rs\"]\n\
         [[allow]]\ncheck = \"evil-check\"\npaths = [\"src/other.rs\"]\nreason = \"{EVIL}\"\n"
    );
    let reason = "r \u{1b}]0;title\u{7} <img src=x onerror=alert(1)> [c](https://evil.example)";
    workspace(&[
        ("ready.toml", &config),
        (
            "src/lib.rs",
            &format!(
                "mod other;\npub fn f() {{}} // EVIL\n// ready:allow(evil-check): {reason}\npub fn g() {{}} // EVIL\n"
            ),
        ),
        ("src/other.rs", "pub fn h() {} // EVIL\n"),
    ])
}

/// Strips the tool's own annotation commands, which are the only `::` lines allowed.
fn without_own_annotations(out: &str) -> String {
    [
        "::error file=",
        "::warning file=",
        "::notice file=",
        "::notice title=",
    ]
    .iter()
    .fold(out.to_string(), |o, own| o.replace(own, ""))
}

#[test]
fn every_renderer_escapes_repository_text() {
    let ws = evil_texts();
    let runs: [&[&str]; 8] = [
        &["--format", "human", "-v"],
        &["--format", "github"],
        &["--format", "markdown"],
        &["--format", "sarif"],
        &["explain", "evil-check"],
        &["suppressions"],
        &["list"],
        &["--format", "human", "--min-score", "100"],
    ];
    for args in runs {
        let (code, out, err) = run(ready(ws.path()).args(args));
        assert!(code == 0 || code == 1, "{args:?} exit {code}: {err}");
        assert_no_workflow_command(&without_own_annotations(&out));
        assert_no_workflow_command(&err);
        assert!(
            out.contains("pwned"),
            "{args:?} did not show the text at all:\n{out}"
        );
        if args.contains(&"markdown") {
            assert!(!out.contains("<img"), "raw HTML in the summary:\n{out}");
            assert!(
                !out.contains("[click]("),
                "a live link in the summary:\n{out}"
            );
        }
    }
}

#[test]
fn list_services_escapes_repository_text() {
    // The server starts in a module whose file name (set by `#[path]`, the raw characters
    // inside the literal) carries a newline, a workflow command and an OSC title sequence;
    // `list --services -v` prints that path.
    let evil = "w\n::error title=pwned::x\u{1b}]0;t\u{7}.rs";
    let main = format!(
        "#[path = \"{evil}\"]\nmod web;\n#[tokio::main]\nasync fn main() {{\n    web::serve().await;\n}}\n"
    );
    let web = "pub async fn serve() {\n    let app = axum::Router::new();\n    \
               let l = tokio::net::TcpListener::bind(\"0.0.0.0:1\").await.unwrap();\n    \
               axum::serve(l, app).await.unwrap();\n}\n";
    let manifest = "[package]\nname = \"h\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\
                    publish = false\n\n[dependencies]\naxum = \"0.7\"\ntokio = \"1\"\n\n\
                    [workspace]\n";
    let ws = workspace(&[
        ("Cargo.toml", manifest),
        ("src/main.rs", &main),
        (&format!("src/{evil}"), web),
    ]);
    let (code, out, err) = run(ready(ws.path()).args(["list", "--services", "-v"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("service `h`"),
        "no service detected:\n{out}{err}"
    );
    assert!(out.contains("pwned"), "the path is not shown:\n{out}");
    assert_no_workflow_command(&out);
}
