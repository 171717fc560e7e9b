//! The nesting guard: a cheap lexical pre-pass that bounds how deep the parser, the visitor and
//! the syntax tree's drop will recurse on each top-level item, before any of them runs.
//!
//! `syn` parses recursively; so do `syn::visit` and the drop of the tree it builds. Real code
//! nests a few dozen levels; a hostile or generated file (`'-' * 70000 + 'x'`, `'|| ' * 30000`,
//! `'&' * 1000000`, `Vec<` ten thousand times) would overflow even a 64 MiB stack and abort the
//! whole process. Every construct that adds a level to the tree costs its measured share of stack
//! (in KiB, from a debug build on a 64 MiB thread, where frames are largest): a bracket, a
//! prefix operator, a closure, a `return`, an assignment, a generic argument list, a postfix or
//! binary operator in a chain. Costs add up along a chain and nest with brackets; `,`, `;` and
//! `=>` end a chain (siblings, not children). An item whose cost passes [`BUDGET`] (a quarter of
//! the stack), or whose brackets nest deeper than [`MAX_BRACKETS`], is refused: the engine
//! blanks it out and reports a `parse-error` note naming the reason. Strings, characters and
//! comments are skipped, so `"-----"` costs nothing.

mod lexer;

pub(in crate::rust) use lexer::utf8_width;
use lexer::{Kind, Lexer, Token};

/// Deepest bracket nesting accepted.
pub const MAX_BRACKETS: usize = 256;

/// Stack budget of one item, in KiB of a debug build's frames (a quarter of the 64 MiB stack
/// the engine's threads run on).
pub const BUDGET: u32 = 16 * 1024;

/// A top-level item refused by the guard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TooDeep {
    /// Byte range of the item (to the end of the file when it never closes).
    pub item: std::ops::Range<usize>,
    /// Byte offset where the bound was passed.
    pub at: usize,
    /// Why, in words.
    pub reason: String,
}

/// Stack cost of one level, in KiB (measured; see the module doc).
mod cost {
    pub const BRACKET: u32 = 32;
    pub const POSTFIX: u32 = 2;
    pub const PREFIX: u32 = 4;
    /// `&`, `*` in front of an expression or a type (`&&&&T` is a chain of type references,
    /// the most expensive level `syn` has).
    pub const REFERENCE: u32 = 40;
    pub const CLOSURE: u32 = 20;
    pub const GENERIC: u32 = 40;
}

/// Every top-level item of `text` that nests beyond the bounds, in order.
pub fn too_deep(text: &str) -> Vec<TooDeep> {
    let mut guard = Guard::default();
    let mut lexer = Lexer {
        b: text.as_bytes(),
        i: 0,
    };
    while let Some(tok) = lexer.next_token() {
        guard.feed(tok, text.len());
    }
    if let Some(mut open) = guard.open_refusal.take() {
        open.item.end = text.len();
        guard.out.push(open);
    }
    guard.out
}

/// What a level of nesting is, for the refusal's message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reason {
    Bracket,
    Chain,
    Prefix,
    Reference,
    Closure,
    Keyword,
    Range,
    Generic,
    Assign,
}

impl Reason {
    const ALL: usize = 9;

    fn describe(self) -> &'static str {
        match self {
            Reason::Bracket => "nested brackets",
            Reason::Chain => "a chain of method calls or binary operators",
            Reason::Prefix => "a chain of prefix operators (`-`, `!`)",
            Reason::Reference => "a chain of references or dereferences (`&`, `*`)",
            Reason::Closure => "nested closures",
            Reason::Keyword => "a chain of `return`, `break`, `move`, `dyn`, `else` or casts",
            Reason::Range => "nested ranges",
            Reason::Generic => "nested generic arguments or function types",
            Reason::Assign => "a chain of assignments",
        }
    }
}

/// The running estimate.
struct Guard {
    /// Cost added per reason in the current item (to name the main one).
    by_reason: [u32; Reason::ALL],
    /// The top level, then one per open bracket: the cost of the current chain in it.
    chains: Vec<Chain>,
    /// Sum of the chains and the open brackets' own cost.
    total: u32,
    /// Was the previous token an operand (so `-`, `&`, `*`, `|` are binary here)?
    after_operand: bool,
    /// The previous token closed a brace: when the next one starts a statement or an item (a
    /// word other than `else`/`as`, an attribute), the chain ended there (`fn a() {} fn b() {}`
    /// in an `impl` are siblings); an operator after it (`{a} + {b}`, `.f()`) continues it.
    after_brace: bool,
    /// Start of the current top-level item (None between items).
    item_start: Option<usize>,
    /// The current item, once refused (its end is known when it closes).
    open_refusal: Option<TooDeep>,
    out: Vec<TooDeep>,
}

/// The cost of the current chain inside one bracket, and how many `<` in it are still open.
#[derive(Default, Clone, Copy)]
struct Chain {
    cost: u32,
    angles: u32,
}

impl Default for Guard {
    fn default() -> Self {
        Guard {
            by_reason: [0; Reason::ALL],
            chains: vec![Chain::default()],
            total: 0,
            after_operand: false,
            after_brace: false,
            item_start: None,
            open_refusal: None,
            out: Vec::new(),
        }
    }
}

impl Guard {
    fn feed(&mut self, tok: Token<'_>, len: usize) {
        let start = tok.start;
        self.item_start.get_or_insert(start);
        let starts_statement = match tok.kind {
            Kind::Operand | Kind::Keyword => !matches!(tok.text, b"else" | b"as"),
            Kind::Punct => tok.text == b"#",
            Kind::Open | Kind::Close => false,
        };
        if std::mem::take(&mut self.after_brace) && starts_statement {
            self.end_chain();
        }
        match tok.kind {
            Kind::Open => {
                if self.after_operand {
                    // A call, an index, a block after an expression: one more link in the chain.
                    self.add(cost::POSTFIX, start, Reason::Chain);
                }
                self.chains.push(Chain::default());
                self.add(cost::BRACKET, start, Reason::Bracket);
                if self.chains.len() > MAX_BRACKETS + 1 {
                    let why = format!("brackets nest deeper than {MAX_BRACKETS} levels");
                    self.refuse(start, why);
                }
                self.after_operand = false;
            }
            Kind::Close => {
                if self.chains.len() > 1 {
                    let chain = self.chains.pop().unwrap_or_default();
                    self.total = self.total.saturating_sub(chain.cost);
                }
                self.after_operand = true;
                if tok.text == b"}" {
                    self.after_brace = true;
                    if self.chains.len() == 1 {
                        self.end_item(tok.end, len);
                    }
                }
            }
            Kind::Operand => self.after_operand = true,
            Kind::Punct => self.punct(tok.text, start, tok.end, len),
            Kind::Keyword => {
                let c = keyword_cost(tok.text);
                self.add(c, start, Reason::Keyword);
                self.after_operand = false;
            }
        }
    }

    fn punct(&mut self, p: &[u8], start: usize, end: usize, len: usize) {
        match p {
            b"," | b";" | b"=>" => {
                self.end_chain();
                if p == b";" && self.chains.len() == 1 {
                    self.end_item(end, len);
                }
                return;
            }
            b">" | b">>" => {
                for _ in 0..p.len() {
                    self.close_angle(start);
                }
                self.after_operand = true;
                return;
            }
            _ => {}
        }
        let (c, reason) = punct_cost(p, self.after_operand);
        self.add(c, start, reason);
        if p == b"<"
            && let Some(chain) = self.chains.last_mut()
        {
            chain.angles += 1;
        }
        self.after_operand = false;
    }

    /// A `>` closes a generic argument list opened in this chain (a comparison's `>` closes
    /// nothing).
    fn close_angle(&mut self, at: usize) {
        let Some(chain) = self.chains.last_mut() else {
            return;
        };
        if chain.angles > 0 {
            chain.angles -= 1;
            chain.cost = chain.cost.saturating_sub(cost::GENERIC);
            self.total = self.total.saturating_sub(cost::GENERIC);
        } else {
            self.add(cost::POSTFIX, at, Reason::Chain);
        }
    }

    fn add(&mut self, c: u32, at: usize, reason: Reason) {
        if let Some(chain) = self.chains.last_mut() {
            chain.cost = chain.cost.saturating_add(c);
        }
        if let Some(r) = self.by_reason.get_mut(reason as usize) {
            *r = r.saturating_add(c);
        }
        self.total = self.total.saturating_add(c);
        if self.total > BUDGET && self.open_refusal.is_none() {
            let main = [
                Reason::Bracket,
                Reason::Chain,
                Reason::Prefix,
                Reason::Reference,
                Reason::Closure,
                Reason::Keyword,
                Reason::Range,
                Reason::Generic,
                Reason::Assign,
            ]
            .into_iter()
            .max_by_key(|r| self.by_reason.get(*r as usize).copied().unwrap_or(0))
            .unwrap_or(reason);
            let why = format!(
                "{} nests too deeply for the parser (estimated {} KiB of stack, limit {BUDGET} KiB)",
                main.describe(),
                self.total
            );
            self.refuse(at, why);
        }
    }

    fn end_chain(&mut self) {
        if let Some(chain) = self.chains.last_mut() {
            self.total = self.total.saturating_sub(chain.cost);
            *chain = Chain::default();
        }
        self.after_operand = false;
    }

    fn refuse(&mut self, at: usize, reason: String) {
        if self.open_refusal.is_none() {
            let start = self.item_start.unwrap_or(at);
            self.open_refusal = Some(TooDeep {
                item: start..start,
                at,
                reason,
            });
        }
    }

    /// A top-level item ends at byte `end`.
    fn end_item(&mut self, end: usize, len: usize) {
        if let Some(mut r) = self.open_refusal.take() {
            r.item.end = end.min(len);
            self.out.push(r);
        }
        self.item_start = None;
        self.by_reason = [0; Reason::ALL];
        self.chains = vec![Chain::default()];
        self.total = 0;
        self.after_operand = false;
    }
}

fn keyword_cost(k: &[u8]) -> u32 {
    match k {
        b"return" | b"break" | b"yield" | b"move" | b"become" | b"box" => cost::CLOSURE,
        b"dyn" | b"impl" => cost::GENERIC,
        b"as" | b"else" | b"await" => cost::POSTFIX,
        _ => 0,
    }
}

/// Cost of an operator, and what a chain of them is.
fn punct_cost(p: &[u8], after_operand: bool) -> (u32, Reason) {
    match (p, after_operand) {
        (b"&" | b"*", false) => (cost::REFERENCE, Reason::Reference),
        (b"&&", false) => (2 * cost::REFERENCE, Reason::Reference),
        (b"-" | b"!", false) => (cost::PREFIX, Reason::Prefix),
        (b"|" | b"||", false) => (cost::CLOSURE, Reason::Closure),
        (b".." | b"..=" | b"...", _) => (cost::CLOSURE, Reason::Range),
        (b"<" | b"->", _) => (cost::GENERIC, Reason::Generic),
        (
            b"=" | b"+=" | b"-=" | b"*=" | b"/=" | b"%=" | b"^=" | b"&=" | b"|=" | b"<<=" | b">>=",
            _,
        ) => (cost::CLOSURE, Reason::Assign),
        (b"::" | b"#" | b"$" | b":" | b"@", _) => (0, Reason::Chain),
        _ => (cost::POSTFIX, Reason::Chain),
    }
}

/// `text` with the refused items replaced by spaces, line breaks kept (so lines, columns and
/// byte offsets of everything else stay the same).
pub fn blank(text: &str, refused: &[TooDeep]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for r in refused {
        for b in bytes.get_mut(r.item.clone()).into_iter().flatten() {
            if *b != b'\n' && *b != b'\r' {
                *b = b' ';
            }
        }
    }
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> Option<String> {
        too_deep(text).first().map(|t| t.reason.clone())
    }

    #[test]
    fn the_issues_inputs_are_refused() {
        for body in [
            "-".repeat(70_000) + "x",
            "|| ".repeat(30_000) + "x",
            "&".repeat(1_000_000) + "x",
            "!".repeat(10_000) + "x",
            "move || ".repeat(2_000) + "x",
            "return ".repeat(2_000) + "x",
            "x".to_string() + &" = x".repeat(2_000),
            "x".to_string() + &".f()".repeat(20_000),
            "x".to_string() + &" + x".repeat(20_000),
            "(".repeat(300) + "x" + &")".repeat(300),
            "x".to_string() + &"[0]".repeat(100_000),
            "x".to_string() + &" as T".repeat(100_000),
            "if a {}".to_string() + &" else if a {}".repeat(100_000),
            "{a}".to_string() + &" + {a}".repeat(100_000),
            "match x {}".to_string() + &".f()".repeat(100_000),
        ] {
            let src =
                format!("fn ok() {{ a.unwrap(); }}\nfn f() {{ let _ = {body}; }}\nfn g() {{}}\n");
            let found = too_deep(&src);
            assert_eq!(found.len(), 1, "{}", &body[..20.min(body.len())]);
            let second = src.find("fn f").unwrap();
            let third = src.find("fn g").unwrap();
            assert_eq!(found[0].item, second..third - 1);
            assert_eq!(found[0].item.end, src[..third].trim_end().len());
        }
        let ty = format!("type T = {}u8{};", "Vec<".repeat(1000), ">".repeat(1000));
        assert!(
            refused(&ty).unwrap().contains("generic"),
            "{:?}",
            refused(&ty)
        );
        let refs = format!("fn f(a: {}u8) {{}}", "&".repeat(1000));
        assert!(
            refused(&refs).unwrap().contains("references"),
            "{:?}",
            refused(&refs)
        );
    }

    #[test]
    fn real_code_passes() {
        let chain = "x".to_string() + &".f()".repeat(1000);
        let sum = "x".to_string() + &" + x".repeat(1000);
        let nested = "(".repeat(60) + "x" + &")".repeat(60);
        let many = "let a = &b; let c = -d; let e = || f;\n".repeat(10_000);
        let types =
            "fn f(a: &HashMap<String, Vec<Option<&str>>>) -> Result<Box<dyn Fn() -> u8>, E> {}\n";
        let methods =
            "    pub fn m(&self, a: &&str) -> Option<Vec<&u8>> { if a { b } else { c } }\n";
        let big_impl = format!("impl X {{\n{}}}\n", methods.repeat(5_000));
        assert_eq!(
            too_deep(&big_impl),
            Vec::new(),
            "an impl's methods are siblings"
        );
        let stmts = "if a { b() } for x in y { z(); }\n".repeat(5_000);
        let big_block = format!("fn f() {{ {stmts} }}");
        assert_eq!(
            too_deep(&big_block),
            Vec::new(),
            "a block's statements are siblings"
        );
        for body in [chain, sum, nested, many] {
            let src = format!("fn f() {{ {body}; }}\n{types}");
            assert_eq!(too_deep(&src), Vec::new());
        }
    }

    #[test]
    fn strings_chars_and_comments_cost_nothing() {
        let dashes = "-".repeat(100_000);
        let src = format!(
            "// {dashes}\n/* {dashes} /* nested */ {dashes} */\nconst S: &str = \"{dashes}\\\"{dashes}\";\n\
             const R: &str = r#\"{dashes}\"{dashes}\"#;\nconst B: &[u8] = b\"{dashes}\";\n\
             const C: char = '-'; const Q: char = '\\''; fn f<'a>(x: &'a str) {{}}\n"
        );
        assert_eq!(too_deep(&src), Vec::new());
    }

    #[test]
    fn unclosed_items_are_refused_to_the_end() {
        let src = format!("fn a() {{}}\nfn f() {{ {}", "(".repeat(1000));
        let found = too_deep(&src);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].item.end, src.len());
        assert!(
            found[0].reason.contains("brackets nest deeper than 256"),
            "{found:?}"
        );
    }
}

/// No real code is refused: every `.rs` file under `~/.cargo/registry/src` passes the guard.
/// Run with `cargo test --release --lib registry_sources_pass_the_guard -- --ignored` (after
/// `cargo fetch`; it reads the registry, so it is not part of the default suite).
#[cfg(test)]
mod registry {
    #[test]
    #[ignore]
    fn registry_sources_pass_the_guard() {
        let home = std::env::var("CARGO_HOME")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| {
                std::path::PathBuf::from(std::env::var("HOME").unwrap()).join(".cargo")
            });
        let mut stack = vec![home.join("registry/src")];
        let (mut files, mut refused) = (0, Vec::new());
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    stack.push(path);
                } else if path.extension().is_some_and(|x| x == "rs") {
                    let Ok(text) = std::fs::read_to_string(&path) else {
                        continue;
                    };
                    files += 1;
                    refused.extend(
                        super::too_deep(&text)
                            .into_iter()
                            .map(|r| (path.clone(), r)),
                    );
                }
            }
        }
        assert!(files > 0, "no registry sources: run `cargo fetch` first");
        assert!(refused.is_empty(), "{files} files, refused: {refused:#?}");
    }
}
