#![allow(clippy::unwrap_used, clippy::print_stderr)]
use super::surely_lexes;
use std::str::FromStr;

fn lexes(t: &str) -> bool {
    proc_macro2::TokenStream::from_str(t).is_ok()
}

#[test]
fn says_yes_only_where_proc_macro2_lexes() {
    let cases = [
        "fn main() { let x = \"a\\\"b\\u{1F600}\\x7f\"; }",
        "let c = 'a'; let d = '\\n'; let l: &'static str = r#\"x\"y\"#;",
        "'outer: loop { break 'outer; }",
        "let n = 1.0e-3f64 + 0x_ff + 1_000u32 + 2. + 1e5 + 0b1010 + 1.max(2);",
        "let b = b\"abc\\x00\"; let bb = br##\"a\"#b\"##; let y = b'\\'';",
        "/* a /* nested */ comment */ // line\n#[cfg(test)] mod t {}",
        "let s = \"line\\\n    continued\";",
        "r#type; r#fn",
        "x.0.1; t.1e1",
        "let é = 1;",
        "(]",
        "\"unterminated",
        "/* unterminated",
        "'ab'",
        "'\\q'",
        "\"\\q\"",
        "0b102",
        "1_u8 0_x 0x",
        "_1 1_",
        "r#self",
        "r##x",
        "c\"c string\"",
        "b\"\\u{41}\"",
        "'\\x80'",
        "'a#",
        "`",
        "\\",
        "1.a",
        "1.0.0",
        "1..2",
        "1e+",
        "1.0e+-3",
        "'",
        "''",
        "'\\u{110000}'",
        "\"\\\n\"",
        "br\"é\"",
        "1e_",
    ];
    for case in cases {
        if surely_lexes(case) {
            assert!(lexes(case), "said yes for {case:?}, which does not lex");
        }
    }
    // And it does say yes for ordinary code.
    for case in &cases[..10] {
        assert!(surely_lexes(case) || case.contains('é'), "{case:?}");
    }
}

/// Every `.rs` file under `$READY_LEX_CORPUS` (default: the cargo registry's sources), and
/// cuts and one-byte deletions of each: a yes is never given to text that does not lex.
/// `cargo test --release --lib lexes -- --ignored --nocapture`.
#[test]
#[ignore = "reads the whole cargo registry"]
fn agrees_with_proc_macro2_on_the_registry() {
    let (mut files, mut yes, mut lexing, mut variants) = (0, 0, 0, 0);
    each_rs_file(&registry(), |path, text| {
        let text = text.to_string();
        files += 1;
        let ok = lexes(&text);
        lexing += usize::from(ok);
        let said = surely_lexes(&text);
        yes += usize::from(said);
        assert!(ok || !said, "{}", path.display());
        // Cuts and deletions at a few positions.
        let step = (text.len() / 7).max(1);
        for at in (step / 2..text.len()).step_by(step) {
            if !text.is_char_boundary(at) {
                continue;
            }
            let mut cut = text.clone();
            cut.truncate(at);
            let next = text[at..].chars().next().map_or(0, char::len_utf8);
            let deleted = format!("{}{}", &text[..at], &text[at + next..]);
            for v in [cut, deleted] {
                variants += 1;
                assert!(!surely_lexes(&v) || lexes(&v), "{} at {at}", path.display());
            }
        }
    });
    eprintln!("{files} files, {lexing} lex, {yes} surely; {variants} variants agree");
    assert!(
        yes * 10 >= lexing * 9,
        "too often unsure: {yes} of {lexing}"
    );
}

/// `$READY_LEX_CORPUS`, else the cargo registry's sources.
pub fn registry() -> String {
    std::env::var("READY_LEX_CORPUS").unwrap_or_else(|_| {
        let home = std::env::var("CARGO_HOME")
            .unwrap_or_else(|_| format!("{}/.cargo", std::env::var("HOME").unwrap()));
        format!("{home}/registry/src")
    })
}

/// Calls `f` with every readable `.rs` file under `root` (ignore files not honoured).
pub fn each_rs_file(root: &str, mut f: impl FnMut(&std::path::Path, &str)) {
    for entry in ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .build()
    {
        let entry = entry.unwrap();
        let is_rs = entry.path().extension().is_some_and(|e| e == "rs");
        if let Some(text) = is_rs
            .then(|| std::fs::read_to_string(entry.path()).ok())
            .flatten()
        {
            f(entry.path(), &text);
        }
    }
}

#[test]
fn comments_are_found_and_blanked_but_strings_that_look_like_them_stay() {
    let text = "fn a() { // spawn here\n    let u = \"http://x\"; /* block /* nested */ */ b('\"'); }\n/// doc\n";
    let lexed = super::lex(text).unwrap();
    let found: Vec<&str> = lexed.comments.iter().map(|r| &text[r.clone()]).collect();
    assert_eq!(
        found,
        ["// spawn here", "/* block /* nested */ */", "/// doc"]
    );
    let code = super::without_comments(text, &lexed.comments);
    assert_eq!(code.len(), text.len());
    assert!(!code.contains("spawn") && !code.contains("block") && !code.contains("doc"));
    assert!(code.contains("\"http://x\"") && code.contains("b('\"')"));
    assert_eq!(code.lines().count(), text.lines().count());
}
