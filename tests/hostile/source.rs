//! Hostile sources: nesting that would overflow the stack, files too large to parse, links,
//! byte-order marks, odd file names.

use crate::*;

// ---- 2. stack ---------------------------------------------------------------------------------

#[test]
fn deep_nesting_is_refused_per_item_and_never_crashes() {
    let bodies = [
        ("minus.rs", "-".repeat(70_000) + "x"),
        ("closures.rs", "|| ".repeat(30_000) + "x"),
        ("refs.rs", "&".repeat(1_000_000) + "x"),
        (
            "parens.rs",
            "(".repeat(100_000) + "x" + &")".repeat(100_000),
        ),
        ("chain.rs", "x".to_string() + &".f()".repeat(200_000)),
        (
            "generics.rs",
            "Vec::<".repeat(20_000) + "u8" + &">".repeat(20_000),
        ),
        ("returns.rs", "return ".repeat(50_000) + "x"),
    ];
    let files: Vec<(String, String)> = bodies
        .iter()
        .map(|(name, body)| {
            let text = format!(
                "pub fn fine() {{ let _ = Some(1).unwrap(); }}\npub fn deep() {{ let _ = {body}; }}\n"
            );
            (format!("src/{name}"), text)
        })
        .collect();
    let report = scan_modules(files);
    let parse_errors = findings(&report, "parse-error");
    for (name, _) in &bodies {
        let path = format!("src/{name}");
        let err = parse_errors
            .iter()
            .find(|f| f["file"] == path.as_str())
            .unwrap_or_else(|| panic!("no parse-error note for {path}"));
        assert_eq!(err["line"], 2, "{err}");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains("item not analyzed"), "{message}");
        // The item beside the refused one is still checked.
        let unwraps = findings(&report, "no-unwrap");
        assert!(
            unwraps.iter().any(|f| f["file"] == path.as_str()),
            "{path}: the fine item was not analyzed"
        );
    }
}

// ---- 7. memory: large files -------------------------------------------------------------------

#[test]
fn files_over_the_parse_cap_get_text_checks_only_and_a_note() {
    let big = format!(
        "// FIXME: generated\n{}",
        "pub fn f() { let _ = Some(1).unwrap(); }\n".repeat(100)
    );
    let ws = workspace(&[
        ("src/lib.rs", "mod big;\n"),
        ("src/big.rs", &big),
        (
            "ready.toml",
            r#"[limits]
max_parse_bytes = 1000

[[check]]
id = "no-fixme"
title = "No FIXME"
category = "error-handling"
severity = "note"
kind = "text"
why = "w"
fix = "f"
[check.match]
pattern = "FIXME"
"#,
        ),
    ]);
    let report = json(ws.path(), &[]);
    let n = notes(&report);
    assert!(
        n.iter()
            .any(|(f, m)| f == "src/big.rs" && m.contains("not parsed")),
        "{n:?}"
    );
    assert_eq!(
        findings(&report, "no-fixme").len(),
        1,
        "text checks still run"
    );
    assert!(findings(&report, "no-unwrap").is_empty(), "not parsed");

    let ws = workspace(&[("ready.toml", "[limits]\nmax_read_bytes = 5\n")]);
    let report = json(ws.path(), &[]);
    assert!(
        notes(&report)
            .iter()
            .any(|(f, m)| f == "src/lib.rs" && m.contains("not read")),
        "{:?}",
        notes(&report)
    );
}

// ---- 10. wrong or partial results -------------------------------------------------------------

#[test]
fn a_member_outside_the_root_gets_a_note_and_no_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("ws");
    write(
        &root,
        "Cargo.toml",
        "[workspace]\nmembers = [\"inner\", \"../outer\"]\nresolver = \"2\"\n",
    );
    write(
        &root,
        "inner/Cargo.toml",
        "[package]\nname = \"inner\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(&root, "inner/src/lib.rs", "pub fn f() {}\n");
    write(
        dir.path(),
        "outer/Cargo.toml",
        "[package]\nname = \"outer\"\nversion = \"0.1.0\"\nedition = \"2021\"\nworkspace = \"../ws\"\n",
    );
    write(
        dir.path(),
        "outer/src/lib.rs",
        "pub fn g() { Some(1).unwrap(); }\n",
    );
    let report = json(&root, &[]);
    let text = report.to_string();
    assert!(!text.contains("\"//") && !text.contains(&dir.path().display().to_string()));
    assert!(
        notes(&report)
            .iter()
            .any(|(f, m)| f == "../outer/Cargo.toml" && m.contains("outside the workspace root")),
        "{:?}",
        notes(&report)
    );
}

#[cfg(unix)]
#[test]
fn a_module_directory_that_is_a_symlink_inside_the_workspace_is_compiled() {
    let ws = workspace(&[
        ("src/lib.rs", "pub mod api;\n"),
        ("shared/api/mod.rs", "pub mod routes;\n"),
        ("shared/api/routes.rs", "pub fn r() { Some(1).unwrap(); }\n"),
    ]);
    symlink("../shared/api", &ws.path().join("src/api"));
    let report = json(ws.path(), &[]);
    assert!(findings(&report, "uncompiled-file").is_empty(), "{report}");
    let unwraps = findings(&report, "no-unwrap");
    assert_eq!(unwraps.len(), 1);
    assert_eq!(unwraps[0]["file"], "shared/api/routes.rs");
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let ws = workspace(&[(
        "src/lib.rs",
        "\u{feff}pub fn f() { Some(1).unwrap(); } // TODO x\n",
    )]);
    let report = json(ws.path(), &[]);
    let u = findings(&report, "no-unwrap");
    assert_eq!(u[0]["column"], 22, "{}", u[0]);
    assert!(!u[0]["snippet"].as_str().unwrap().starts_with('\u{feff}'));
}

#[test]
fn colon_file_names_stay_relative_sarif_uris() {
    let ws = workspace(&[("C:foo.rs", "fn x() {}\n"), ("http:x.rs", "fn y() {}\n")]);
    let (_, out, _) = run(ready(ws.path()).args(["--format", "sarif"]));
    assert!(out.contains("\"C%3Afoo.rs\""), "{out}");
    assert!(out.contains("\"http%3Ax.rs\""));
    assert!(!out.contains("\"C:foo.rs\"") && !out.contains("\"http:x.rs\""));
}

#[test]
fn config_errors_point_at_the_value() {
    let ws = workspace(&[(
        "ready.toml",
        "ignore = [\"ok/**\", \"bad[\"]\n\n[[check]]\nid = \"x\"\ntitle = \"t\"\ncategory = \"security\"\nseverity = \"note\"\nkind = \"text\"\nwhy = \"w\"\nfix = \"f\"\n[check.match]\npattern = \"a\"\nmode = 5\n",
    )]);
    let err = config_error(ws.path());
    assert!(err.contains("ready.toml:1:20: bad glob `bad[`"), "{err}");
    assert!(err.contains("ready.toml:13:8:"), "{err}");

    let ws = workspace(&[]);
    write(
        ws.path(),
        "Cargo.toml",
        &format!("{MANIFEST}\n[workspace.metadata.ready.gate]\nmin_score = \"high\"\n"),
    );
    let err = config_error(ws.path());
    assert!(err.contains("Cargo.toml:10:13:"), "{err}");
}

/// Just under the guard's budget, each construct is parsed, walked and dropped without
/// overflowing the engine's 64 MiB stack (in this debug build, whose frames are the largest).
#[test]
fn inputs_just_under_the_budget_do_not_crash() {
    const B: usize = 16 * 1024;
    let bodies = [
        ("neg", "-".repeat(B / 4 - 50) + "x"),
        ("closure", "|| ".repeat(B / 20 - 10) + "x"),
        ("refs", "&".repeat(B / 40 - 10) + "x"),
        ("ret", "return ".repeat(B / 20 - 10) + "x"),
        ("assign", "x".to_string() + &" = x".repeat(B / 20 - 10)),
        ("method", "x".to_string() + &".f()".repeat(B / 4 - 50)),
        ("add", "x".to_string() + &" + x".repeat(B / 2 - 100)),
        ("cast", "x".to_string() + &" as T".repeat(B / 2 - 100)),
        ("paren", "(".repeat(250) + "x" + &")".repeat(250)),
        ("parenclosure", "(|| ".repeat(250) + "x" + &")".repeat(250)),
        ("block", "{ let _ = ".repeat(250) + "x" + &"; }".repeat(250)),
    ];
    let mut files: Vec<(String, String)> = bodies
        .iter()
        .map(|(name, body)| {
            let text = format!("pub fn f() {{ let _ = y.unwrap(); let _ = {body}; }}\n");
            (format!("src/{name}.rs"), text)
        })
        .collect();
    let n = B / 40 - 10;
    files.push((
        "src/tyref.rs".into(),
        format!("pub fn g(a: {}u8) {{ y.unwrap() }}\n", "&".repeat(n)),
    ));
    files.push((
        "src/generic.rs".into(),
        format!(
            "pub fn g() -> {}u8{} {{ y.unwrap() }}\n",
            "Vec<".repeat(n),
            ">".repeat(n)
        ),
    ));
    let modules = files.len();
    let report = scan_modules(files);
    let refused = findings(&report, "parse-error");
    assert!(refused.is_empty(), "{refused:?}");
    assert_eq!(findings(&report, "no-unwrap").len(), modules);
}

/// The JSON report of a workspace whose `src/lib.rs` declares each of `files` (`src/<name>.rs`)
/// as a module.
fn scan_modules(mut files: Vec<(String, String)>) -> serde_json::Value {
    let mods: String = files
        .iter()
        .map(|(p, _)| format!("pub mod {};\n", &p[4..p.len() - 3]))
        .collect();
    files.push(("src/lib.rs".into(), mods));
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let ws = workspace(&refs);
    json(ws.path(), &[])
}
