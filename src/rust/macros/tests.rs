//! What the reader finds in macro bodies: the calls inside the pieces it parsed, and the
//! pieces it could not.

use std::str::FromStr;

use proc_macro2::TokenStream;
use syn::visit::Visit;

use super::{Position, read};

/// Names of the calls (path calls by last segment, methods with a dot, macros with a bang) in
/// what was read, in order, and the number of unparsed pieces.
fn calls(src: &str, pos: Position) -> (Vec<String>, usize) {
    let ts = TokenStream::from_str(src).unwrap();
    let mac: syn::Macro = syn::parse2(ts).unwrap();
    let body = read(&mac, pos);
    let mut v = Calls(Vec::new());
    for n in &body.nodes {
        n.visit(&mut v);
    }
    (v.0, body.unparsed.len())
}

struct Calls(Vec<String>);

impl<'a> Visit<'a> for Calls {
    fn visit_expr_call(&mut self, e: &'a syn::ExprCall) {
        if let syn::Expr::Path(p) = &*e.func
            && let Some(s) = p.path.segments.last()
        {
            self.0.push(s.ident.to_string());
        }
        syn::visit::visit_expr_call(self, e);
    }
    fn visit_expr_method_call(&mut self, e: &'a syn::ExprMethodCall) {
        syn::visit::visit_expr_method_call(self, e);
        self.0.push(format!(".{}", e.method));
    }
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        if let Some(s) = m.path.segments.last() {
            self.0.push(format!("{}!", s.ident));
        }
    }
}

fn found(src: &str, pos: Position) -> Vec<String> {
    let (c, unparsed) = calls(src, pos);
    assert_eq!(unparsed, 0, "unparsed pieces in {src}");
    c
}

#[test]
fn items_after_an_inner_attribute() {
    let src = r#"feature! { #![any(feature = "net")] pub mod x; fn f() { a.unwrap(); } }"#;
    assert_eq!(found(src, Position::Item), [".unwrap"]);
}

#[test]
fn cfg_if_branches_are_all_read() {
    let src = r#"cfg_if::cfg_if! {
        if #[cfg(unix)] { mod a; fn f() { one(); } }
        else if #[cfg(windows)] { fn g() { two(); } }
        else { fn h() { three(); } }
    }"#;
    assert_eq!(found(src, Position::Item), ["one", "two", "three"]);
}

#[test]
fn cfg_select_arms_are_all_read() {
    let src = r#"cfg_select! {
        feature = "full" => { pub mod rate_limit; fn f() { one(); } }
        _ => { fn g() { two(); } }
    }"#;
    assert_eq!(found(src, Position::Item), ["one", "two"]);
    let expr = r#"cfg_select! { unix => { one() } _ => { two() } }"#;
    assert_eq!(found(expr, Position::Expr), ["one", "two"]);
}

#[test]
fn impl_and_trait_items() {
    let src = "cfg_io! { pub(crate) fn io(&self) -> u8 { self.x.unwrap() } }";
    assert_eq!(found(src, Position::Impl), [".unwrap"]);
    let src = "cfg_io! { fn io(&self) { f().expect(\"x\") } fn other(&self); }";
    assert_eq!(found(src, Position::Trait), ["f", ".expect"]);
}

#[test]
fn select_arms_with_and_without_commas() {
    let src = r#"tokio::select! {
        biased;
        Ok((s, _)) = listener.accept() => { handle(s).unwrap(); }
        msg = rx.recv(), if open => { log(msg) }
        _ = sleep(d) => tick(),
        else => { done() }
    }"#;
    assert_eq!(
        found(src, Position::Expr),
        [
            ".accept", "handle", ".unwrap", ".recv", "log", "sleep", "tick", "done"
        ]
    );
    let futures = "futures::select! { a = fa => x(), complete => break, default => y() }";
    assert_eq!(found(futures, Position::Expr), ["x", "y"]);
}

#[test]
fn join_with_biased() {
    let src = "tokio::join!(biased; a(), b.c())";
    assert_eq!(found(src, Position::Expr), ["a", ".c"]);
}

#[test]
fn json_object_values() {
    let src =
        r#"json!({ "x": helper(), "nested": { "y": [1, { "z": f().unwrap() }] }, (key()): 1 })"#;
    assert_eq!(
        found(src, Position::Expr),
        ["helper", "f", ".unwrap", "key"]
    );
    let bare = r#"doc! { "a": one(), "b": [two()] }"#;
    assert_eq!(found(bare, Position::Expr), ["one", "two"]);
}

#[test]
fn tracing_fields_and_matches_guards() {
    let src = r#"info!(target: "t", a = %x.unwrap(), b = ?y(), c=?w(), "msg {}", z())"#;
    assert_eq!(found(src, Position::Expr), [".unwrap", "y", "w", "z"]);
    let src = "matches!(v, Some(n) if n > limit())";
    assert_eq!(found(src, Position::Expr), ["Some", "limit"]);
}

#[test]
fn lazy_static_initializers() {
    let src = r#"lazy_static! { static ref RE: Regex = Regex::new("a").unwrap(); pub static ref M: HashMap<u8, u8> = build(); }"#;
    assert_eq!(found(src, Position::Item), ["new", ".unwrap", "build"]);
}

#[test]
fn statements_in_expression_position() {
    let src = "cfg_rt! { let x = f(); g(x).unwrap(); }";
    assert_eq!(found(src, Position::Expr), ["f", "g", ".unwrap"]);
    let src = "vec![zero(); n()]";
    assert_eq!(found(src, Position::Expr), ["zero", "n"]);
}

#[test]
fn dsl_tokens_are_unparsed_not_misread() {
    // braces inside a DSL hold code; the markup around them is unparsed
    let (c, unparsed) = calls(
        "html! { <div class=\"a\" onclick={ cb() }>{ user.unwrap() }</div> }",
        Position::Expr,
    );
    assert_eq!(c, ["cb", ".unwrap"]);
    assert!(unparsed > 0);
    let (c, _) = calls(
        "db_run! { conn: sqlite, mysql { diesel::delete(t).execute(conn).unwrap() } }",
        Position::Expr,
    );
    assert_eq!(c, ["delete", ".execute", ".unwrap"]);
    let (c, unparsed) = calls(
        "bitflags! { pub struct F: u32 { const A = 1; const B = two(); } }",
        Position::Item,
    );
    assert_eq!((c, unparsed), (vec!["two".to_string()], 0));
}

#[test]
fn long_bodies_are_read_piece_by_piece() {
    let entries: Vec<String> = (0..2000).map(|i| format!("\"k{i}\": v{i}()")).collect();
    let src = format!("json!({{ {} }})", entries.join(", "));
    let (c, unparsed) = calls(&src, Position::Expr);
    assert_eq!((c.len(), unparsed), (2000, 0));
}

#[test]
fn token_templates_are_data() {
    let (c, unparsed) = calls("quote! { let x = #v.unwrap(); }", Position::Expr);
    assert_eq!((c.len(), unparsed), (0, 0));
    let (c, _) = calls("stringify!(a.unwrap())", Position::Expr);
    assert!(c.is_empty());
    let mock =
        "mock! { pub Db {} impl Provider for Db { fn get(&self) -> u8 { unimplemented!() } } }";
    let (c, _) = calls(mock, Position::Item);
    assert!(c.is_empty());
}

#[test]
fn cfg_if_in_statement_position() {
    let src = "cfg_if! { if #[cfg(unix)] { let fd = open(p).unwrap(); } else { fallback(); } }";
    assert_eq!(found(src, Position::Expr), ["open", ".unwrap", "fallback"]);
}
