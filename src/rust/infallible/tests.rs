//! Each snippet marks every line holding an `.unwrap()` / `.expect(..)` with the class it must
//! be exempt as (`//~ constant-input`) or `//~ finding` when it must stay a finding.

use super::Exemptions;
use crate::kinds::call::Skip;

fn class(name: &str) -> Option<Skip> {
    match name {
        "constant-input" => Some(Skip::ConstantInput),
        "in-memory-write" => Some(Skip::InMemoryWrite),
        "checked" => Some(Skip::Checked),
        "infallible-api" => Some(Skip::InfallibleApi),
        _ => None,
    }
}

/// Parses `src` as one item and compares every marked line with the exemptions found.
fn expect_marks(src: &str) {
    let item: syn::Item = syn::parse_str(src).expect("snippet parses");
    let ex = Exemptions::of_item(&item);
    let mut checked = 0;
    for (i, line) in src.lines().enumerate() {
        let Some((code, mark)) = line.split_once("//~ ") else {
            continue;
        };
        let lineno = i as u32 + 1;
        let col = code
            .find(".unwrap()")
            .or_else(|| code.find(".expect("))
            .expect("a marked line has an unwrap or expect") as u32
            + 2;
        let found: Vec<Skip> = ex.0.get(&(lineno, col)).cloned().unwrap_or_default();
        match class(mark.trim()) {
            Some(c) => assert!(
                found.contains(&c),
                "line {lineno} `{}`: expected {mark}, got {found:?}",
                code.trim()
            ),
            None => assert!(
                found.is_empty(),
                "line {lineno} `{}`: expected a finding, got {found:?}",
                code.trim()
            ),
        }
        checked += 1;
    }
    assert!(checked > 0, "no marked line");
}

#[test]
fn constant_input() {
    expect_marks(
        r#"
fn f(input: &str, buf: &[u8]) {
    let re = Regex::new(r"^\d+$").unwrap(); //~ constant-input
    let re = regex::Regex::new(PATTERN).expect("valid"); //~ constant-input
    let re = Regex::new(input).unwrap(); //~ finding
    let re = Regex::new(&format!("^{input}$")).unwrap(); //~ finding
    let b = RegexBuilder::new("a+").case_insensitive(true).build().unwrap(); //~ constant-input
    let p: u16 = "8080".parse().unwrap(); //~ constant-input
    let a: SocketAddr = DEFAULT_ADDR.parse().unwrap(); //~ constant-input
    let p: u16 = input.parse().unwrap(); //~ finding
    let u = Url::parse("https://example.com").unwrap(); //~ constant-input
    let u = Url::parse(input).unwrap(); //~ finding
    let h = HeaderValue::from_str("text/plain").unwrap(); //~ constant-input
    let n = NonZeroU32::new(8).unwrap(); //~ constant-input
    let n = NonZeroU32::new(input.len() as u32).unwrap(); //~ finding
    let l = Layout::from_size_align(8 * 1024, 8).unwrap(); //~ constant-input
    let c: Config = serde_json::from_str(include_str!("default.json")).unwrap(); //~ constant-input
    let d = NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(); //~ constant-input
    let w = u32::from_be_bytes(buf[0..4].try_into().unwrap()); //~ constant-input
    let w = u16::from_be_bytes(buf.get(2..4).ok_or(Error::Short)?.try_into().unwrap()); //~ constant-input
    let w: [u8; 4] = buf[4..].try_into().unwrap(); //~ finding
    let w = ADJECTIVES.choose(&mut rand::rng()).expect("words"); //~ constant-input
    let w = words.choose(&mut rand::rng()).expect("words"); //~ finding
    let c = CONFIG.get().expect("initialised in main"); //~ finding
    let l = LIMITS.get(2).unwrap(); //~ finding
    let f = File::open("/etc/app.toml").unwrap(); //~ finding
    let s = TcpListener::bind("0.0.0.0:80").unwrap(); //~ finding
}
"#,
    );
}

#[test]
fn in_memory_write() {
    expect_marks(
        r#"
fn f(out: &mut String, file: &mut File, bytes: &mut Vec<u8>) {
    let mut s = String::new();
    write!(s, "{}", 1).unwrap(); //~ in-memory-write
    writeln!(&mut s, "x").unwrap(); //~ in-memory-write
    write!(out, "{}", 2).unwrap(); //~ in-memory-write
    let mut v = Vec::with_capacity(8);
    v.write_all(b"abc").unwrap(); //~ in-memory-write
    bytes.write_all(b"abc").unwrap(); //~ in-memory-write
    write!(file, "{}", 3).unwrap(); //~ finding
    file.write_all(b"abc").unwrap(); //~ finding
    let s = File::create("x").unwrap(); //~ finding
    write!(s, "shadowed").unwrap(); //~ finding
}
"#,
    );
}

#[test]
fn infallible_api() {
    expect_marks(
        r#"
fn f(line: &str, t: SystemTime) {
    let head = line.split(':').next().unwrap(); //~ infallible-api
    let tail = line.rsplit('/').next().unwrap(); //~ infallible-api
    let word = line.split_whitespace().next().unwrap(); //~ finding
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap(); //~ infallible-api
    let now = SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time"); //~ infallible-api
    let age = t.duration_since(UNIX_EPOCH).unwrap(); //~ finding
}
"#,
    );
}

#[test]
fn checked_options_and_results() {
    expect_marks(
        r#"
fn f(&mut self, x: Option<u8>, r: Result<u8, E>) {
    if x.is_some() {
        let a = x.unwrap(); //~ checked
    }
    if self.path.is_some() && flag {
        let p = self.path.as_ref().unwrap(); //~ checked
    }
    if x.is_none() {
        return;
    }
    let b = x.unwrap(); //~ checked
    if r.is_err() { bail!("no") }
    let c = r.unwrap(); //~ checked
    if !self.name.is_none() {
        let n = self.name.clone().unwrap(); //~ checked
    }
    if self.a.is_none() {
        log();
    } else {
        let a = self.a.unwrap(); //~ checked
    }
    if matches!(self.b, Some(_)) {
        let b = self.b.unwrap(); //~ checked
    }
    match self.c {
        Some(_) => self.c.as_mut().unwrap().push(1), //~ checked
        None => {}
    }
    if self.d.is_some() || other {
        let d = self.d.unwrap(); //~ finding
    }
    if self.e.is_some() {
        self.e = None;
        let e = self.e.unwrap(); //~ finding
    }
    if self.g.is_some() {
        self.g.take();
        let g = self.g.unwrap(); //~ finding
    }
    let h = self.h.unwrap(); //~ finding
}
"#,
    );
}

#[test]
fn checked_collections() {
    expect_marks(
        r#"
fn f(m: &HashMap<String, u8>, v: &[u8], k: &str, s: &str) {
    if m.contains_key(k) {
        let x = m.get(k).unwrap(); //~ checked
    }
    if !m.contains_key(&k) {
        return;
    }
    let y = m.get(k).unwrap(); //~ checked
    for key in m.keys() {
        let z = m.get(key).unwrap(); //~ checked
    }
    let idle = m.keys().filter(|id| *m.get(id).unwrap() == 0).count(); //~ checked
    let all = (0..v.len()).map(|i| v.get(i).unwrap()).count(); //~ checked
    let other = m.values().filter(|id| m.get(id).unwrap() > 0).count(); //~ finding
    if !v.is_empty() {
        let a = v.first().unwrap(); //~ checked
        let b = v.iter().max().unwrap(); //~ checked
    }
    if v.len() > 0 {
        let c = v.last().unwrap(); //~ checked
    }
    if s.is_empty() {
        return;
    }
    let d = s.chars().next().unwrap(); //~ checked
    for i in 0..v.len() {
        let e = v.get(i).unwrap(); //~ checked
        let e = m.get(&i).unwrap(); //~ finding
    }
    for i in 0..m.len() {
        let e = m.get(&i).unwrap(); //~ finding
    }
    let f = v.first().unwrap(); //~ finding
    let g = m.get("other").unwrap(); //~ finding
}
"#,
    );
}

#[test]
fn guards_stop_at_fn_boundaries_and_cover_macro_arguments() {
    expect_marks(
        r#"
impl S {
    fn a(&self) {
        if self.x.is_some() {
            println!("{}", self.x.unwrap()); //~ checked
            let f = || self.x.unwrap(); //~ checked
            fn inner(s: &S) -> u8 {
                s.x.unwrap() //~ finding
            }
        }
    }
    fn b(&self) -> u8 {
        self.x.unwrap() //~ finding
    }
}
"#,
    );
}

#[test]
fn statics_with_constant_input() {
    expect_marks(
        r#"
static RE: LazyLock<Regex> = LazyLock::new(|| Regex::new("^a$").unwrap()); //~ constant-input
"#,
    );
}
