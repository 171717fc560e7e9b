//! Kind `ignored-result`: the result of a listed call thrown away with `let _ = …`, `_ = …` or
//! `….ok();`. The matching runs in [`crate::rust`].

use serde::Deserialize;

use super::call::{PathPattern, patterns};
use super::child;
use crate::diag::{ConfigError, KeySeg, Source};

/// The ways of discarding a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Form {
    /// `let _ = call(..);`
    LetUnderscore,
    /// `_ = call(..);`
    AssignUnderscore,
    /// `call(..).ok();`
    Ok,
}

/// `[match]` of an `ignored-result` check.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct IgnoredSpec {
    /// Resolved function path patterns.
    #[serde(default)]
    pub functions: Vec<String>,
    /// Method names.
    #[serde(default)]
    pub methods: Vec<String>,
    /// Forms flagged (default: all three).
    #[serde(default = "all_forms")]
    pub forms: Vec<Form>,
}

fn all_forms() -> Vec<Form> {
    vec![Form::LetUnderscore, Form::AssignUnderscore, Form::Ok]
}

/// A compiled `ignored-result` check.
#[derive(Debug, Clone)]
pub struct IgnoredMatcher {
    /// Function patterns.
    pub functions: Vec<PathPattern>,
    /// Method names.
    pub methods: Vec<String>,
    /// Forms flagged.
    pub forms: Vec<Form>,
}

impl IgnoredSpec {
    /// Validates the patterns.
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<IgnoredMatcher, Vec<ConfigError>> {
        let mut errors = Vec::new();
        if self.functions.is_empty() && self.methods.is_empty() {
            errors.push(source.error_at_path(
                base,
                false,
                "an `ignored-result` check needs `functions` or `methods`",
            ));
        }
        let functions = patterns(
            &self.functions,
            source,
            &child(base, "functions"),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(IgnoredMatcher {
            functions,
            methods: self.methods,
            forms: self.forms,
        })
    }
}
