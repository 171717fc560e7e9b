#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stderr)]

use std::str::FromStr;

use proc_macro2::TokenStream;

use super::oracle;
use crate::rust::blanked::selected_tokens;
use crate::rust::engine::{blank_shebang, undoc};
use crate::rust::lexes::lex;
use crate::rust::lexes::tests::{each_rs_file, registry};
use crate::rust::lite::{Src, Tt, expanded, from_stream};

fn requires(cfg: &str) -> bool {
    let toks = lex(cfg).unwrap().tokens;
    super::cfg_requires_test(&toks, &Src::new(cfg))
}

#[test]
fn cfg_predicates_that_require_test() {
    assert!(requires("test"));
    assert!(requires("all(test, not(loom), not(miri))"));
    assert!(requires("any(test, all(test, unix))"));
    assert!(!requires("not(test)"));
    // Features that exist for test builds only: Plume mounts its `/test/health` route
    // under `#[cfg(feature = "test")]`, `any(test, feature = "test-utils")` gates mocks.
    assert!(requires("feature = \"test\""));
    assert!(requires("any(test, feature = \"testing\")"));
    assert!(requires("all(unix, feature = \"test-utils\")"));
    assert!(!requires("any(test, feature = \"metrics\")"));
    assert!(!requires("feature = \"tests-disabled\""));
    assert!(!requires("all(unix, not(test))"));
    // Kani's proof harnesses are verification code, never built for production.
    assert!(requires("kani"));
    assert!(!requires("not(kani)"));
}

/// What the differential test compares of one file; `None` when it does not lex.
fn check(text: &str) -> Option<bool> {
    let source = undoc(blank_shebang(text));
    let ts = TokenStream::from_str(&source).ok()?;
    let converted = from_stream(ts.clone());
    let lexed = lex(&source).map(|l| l.tokens);
    let src = Src::new(&source);
    if let Some(lexed) = &lexed {
        assert_eq!(
            &expanded(lexed, &src),
            &converted,
            "the byte-level tree differs"
        );
    }
    let new = super::split(lexed.as_ref().unwrap_or(&converted), &src);
    let old = oracle::split(ts.clone());
    assert_eq!(new.items.len(), old.items.len(), "item count");
    for (n, o) in new.items.iter().zip(&old.items) {
        assert_eq!(
            (&n.bytes, n.lines, n.is_use, n.is_inner_attr, &n.keyword),
            (&o.bytes, o.lines, o.is_use, o.is_inner_attr, &o.keyword)
        );
    }
    assert_eq!(new.mods, old.mods, "mod declarations");
    assert_eq!(new.test_ranges, old.test_ranges, "test ranges");
    // The items tokenized alone (every other one, with the rest of the file blanked) have the
    // spans of the file's own tokens.
    let chosen: Vec<usize> = (0..new.items.len()).filter(|i| i % 2 == 1).collect();
    let whole: Vec<proc_macro2::TokenTree> = ts.into_iter().collect();
    let ranges = chosen.iter().map(|&i| new.items[i].bytes.clone());
    let (mut alone, only_items) = selected_tokens(&source, &new, &chosen, ranges);
    if !only_items {
        // Tokenized whole (a 4-byte character outside the items): the items' tokens by index.
        alone = (chosen.iter())
            .flat_map(|&i| alone[new.items[i].tokens.clone()].to_vec())
            .collect();
    }
    let mine: Vec<Tt> = chosen
        .iter()
        .flat_map(|&i| from_stream(whole[new.items[i].tokens.clone()].iter().cloned().collect()))
        .collect();
    assert_eq!(
        from_stream(alone.iter().cloned().collect()),
        mine,
        "items alone"
    );
    let pos = |t: &proc_macro2::TokenTree| (t.span().start(), t.span().end());
    let expected: Vec<_> = chosen
        .iter()
        .flat_map(|&i| whole[new.items[i].tokens.clone()].iter().map(pos))
        .collect();
    assert_eq!(
        alone.iter().map(pos).collect::<Vec<_>>(),
        expected,
        "lines and columns"
    );
    proc_macro2::extra::invalidate_current_thread_spans();
    Some(lexed.is_some())
}

fn corpus(root: &str) -> (usize, usize, usize) {
    let (mut files, mut lexing, mut fast) = (0, 0, 0);
    each_rs_file(root, |path, text| {
        files += 1;
        match std::panic::catch_unwind(|| check(text)) {
            Ok(Some(lexed)) => {
                lexing += 1;
                fast += usize::from(lexed);
            }
            Ok(None) => {}
            Err(_) => panic!("differs on {}", path.display()),
        }
    });
    (files, lexing, fast)
}

#[test]
fn agrees_with_the_token_split_on_the_fixtures() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let (files, lexing, fast) = corpus(root);
    assert!(
        files > 100 && fast * 10 >= lexing * 9,
        "{files} {lexing} {fast}"
    );
}

/// Every `.rs` file under `$READY_LEX_CORPUS` (default: the cargo registry's sources).
/// `cargo test --release --lib items -- --ignored --nocapture`.
#[test]
#[ignore = "reads the whole cargo registry"]
fn agrees_with_the_token_split_on_the_registry() {
    let root = registry();
    let (files, lexing, fast) = corpus(&root);
    eprintln!("{files} files, {lexing} lex, {fast} lexed from bytes; all agree");
}
