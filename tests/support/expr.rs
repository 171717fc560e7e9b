//! The part of GitHub's expression language that action.yml uses: context paths
//! (`inputs.x`, `steps.s.outputs.y`, `steps.s.outcome`, `github.event.…`), string literals,
//! `true`/`false`, `==`/`!=` (case-insensitive, as GitHub compares strings), `!`, `&&`, `||`,
//! parentheses and the status functions. Anything else panics, so a new construct in
//! action.yml is noticed here rather than silently misread.

/// What expressions read: context values and the job's status.
pub trait Context {
    /// The value at a context path (`""` when absent, as GitHub's null reads in strings).
    fn lookup(&self, path: &str) -> String;
    /// Whether an earlier step has failed.
    fn failed(&self) -> bool;
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Bool(bool),
}

impl Value {
    pub fn truthy(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Str(s) => !s.is_empty(),
        }
    }

    pub fn text(&self) -> String {
        match self {
            Value::Bool(b) => b.to_string(),
            Value::Str(s) => s.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Str(String),
    Word(String),
    Op(&'static str),
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' {
            let mut s = String::new();
            i += 1;
            loop {
                match (chars.get(i), chars.get(i + 1)) {
                    (Some('\''), Some('\'')) => {
                        s.push('\'');
                        i += 2;
                    }
                    (Some('\''), _) => break,
                    (Some(&ch), _) => {
                        s.push(ch);
                        i += 1;
                    }
                    (None, _) => panic!("unterminated string in {text}"),
                }
            }
            i += 1;
            out.push(Token::Str(s));
        } else if let Some(op) = ["==", "!=", "&&", "||"]
            .into_iter()
            .find(|op| op.starts_with(c) && op.chars().nth(1) == next)
        {
            out.push(Token::Op(op));
            i += 2;
        } else if let Some(op) = ["!", "(", ")"].into_iter().find(|op| op.starts_with(c)) {
            out.push(Token::Op(op));
            i += 1;
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || "_-.".contains(chars[i])) {
                i += 1;
            }
            out.push(Token::Word(chars[start..i].iter().collect()));
        } else {
            panic!("unsupported character {c:?} in expression {text}");
        }
    }
    out
}

struct Parser<'a> {
    tokens: Vec<Token>,
    pos: usize,
    ctx: &'a dyn Context,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn eat(&mut self, op: &str) -> bool {
        if matches!(self.peek(), Some(Token::Op(o)) if *o == op) {
            self.pos += 1;
            return true;
        }
        false
    }

    fn or(&mut self) -> Value {
        let mut v = self.and();
        while self.eat("||") {
            let r = self.and();
            v = if v.truthy() { v } else { r };
        }
        v
    }

    fn and(&mut self) -> Value {
        let mut v = self.equality();
        while self.eat("&&") {
            let r = self.equality();
            v = if v.truthy() { r } else { v };
        }
        v
    }

    fn equality(&mut self) -> Value {
        let left = self.unary();
        for (op, want) in [("==", true), ("!=", false)] {
            if self.eat(op) {
                let right = self.unary();
                let equal = left.text().to_lowercase() == right.text().to_lowercase();
                return Value::Bool(equal == want);
            }
        }
        left
    }

    fn unary(&mut self) -> Value {
        if self.eat("!") {
            return Value::Bool(!self.unary().truthy());
        }
        self.primary()
    }

    fn primary(&mut self) -> Value {
        if self.eat("(") {
            let v = self.or();
            assert!(self.eat(")"), "missing )");
            return v;
        }
        let token = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        match token {
            Some(Token::Str(s)) => Value::Str(s),
            Some(Token::Word(w)) if w == "true" || w == "false" => Value::Bool(w == "true"),
            Some(Token::Word(w)) if self.eat("(") => {
                assert!(
                    self.eat(")"),
                    "only argument-less functions are supported: {w}"
                );
                Value::Bool(match w.as_str() {
                    "always" => true,
                    "success" => !self.ctx.failed(),
                    "failure" => self.ctx.failed(),
                    "cancelled" => false,
                    other => panic!("unsupported function {other}()"),
                })
            }
            Some(Token::Word(w)) => Value::Str(self.ctx.lookup(&w)),
            other => panic!("unexpected token {other:?}"),
        }
    }
}

/// Evaluates an expression (without `${{ }}`).
pub fn eval(text: &str, ctx: &dyn Context) -> Value {
    let mut p = Parser {
        tokens: tokenize(text),
        pos: 0,
        ctx,
    };
    let v = p.or();
    assert!(p.pos == p.tokens.len(), "trailing tokens in {text}");
    v
}

/// Whether a step with this `if:` runs: without a status function, `success() && (…)`.
pub fn step_runs(condition: Option<&str>, ctx: &dyn Context) -> bool {
    let Some(cond) = condition else {
        return !ctx.failed();
    };
    let cond = cond.trim();
    let cond = cond
        .strip_prefix("${{")
        .and_then(|c| c.strip_suffix("}}"))
        .unwrap_or(cond);
    let has_status = ["always(", "success(", "failure(", "cancelled("]
        .iter()
        .any(|f| cond.contains(f));
    let value = eval(cond, ctx).truthy();
    if has_status {
        value
    } else {
        !ctx.failed() && value
    }
}

/// Replaces every `${{ … }}` in `text`, as the runner does before a step starts.
pub fn expand(text: &str, ctx: &dyn Context) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("unclosed ${{") + start;
        out.push_str(&eval(&rest[start + 3..end], ctx).text());
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Ctx;
    impl Context for Ctx {
        fn lookup(&self, path: &str) -> String {
            match path {
                "steps.a.outputs.x" => "true".into(),
                "inputs.name" => "World".into(),
                _ => String::new(),
            }
        }
        fn failed(&self) -> bool {
            false
        }
    }

    #[test]
    fn evaluates_what_action_yml_uses() {
        assert!(eval("steps.a.outputs.x == 'TRUE'", &Ctx).truthy());
        assert!(!eval("steps.a.outputs.x != 'true' && always()", &Ctx).truthy());
        assert!(eval("steps.b.outputs.x != 'true' || false", &Ctx).truthy());
        assert!(eval("!(steps.b.outcome == 'success')", &Ctx).truthy());
        assert_eq!(expand("Hello ${{ inputs.name }}!", &Ctx), "Hello World!");
    }
}
