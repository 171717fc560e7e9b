//! Kind `held-across-await`: a lock / borrow guard bound with `let` that is still alive at a
//! later `.await` of the same async body. A guard obtained with `.lock().await` (an async
//! mutex) is not flagged. The guards are facts of the code model; the query runs in `scan`.

use serde::Deserialize;

use super::call::TypeFilter;
use super::child;
use crate::diag::{ConfigError, KeySeg, Source};
use crate::model::Severity;

/// `[match]` of a `held-across-await` check.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct HeldSpec {
    /// Guard-producing method names.
    #[serde(default = "default_methods")]
    pub methods: Vec<String>,
    /// The receiver's type, when the hints know it, must match one of these patterns (after
    /// `&`, `Arc`, `Rc`, `Box`, …): a known type that matches none is not a lock.
    #[serde(default)]
    pub types: Vec<String>,
    /// Known types that are never a lock guard held across `.await` (async mutexes).
    #[serde(default)]
    pub not_types: Vec<String>,
    /// Severity of a finding whose receiver type the hints cannot tell.
    #[serde(default)]
    pub untyped_severity: Option<Severity>,
    /// Methods that count only when the hints know the receiver's type (`borrow`: on an
    /// unknown receiver `Borrow::borrow` is far likelier than `RefCell::borrow`).
    #[serde(default)]
    pub typed_methods: Vec<String>,
}

fn default_methods() -> Vec<String> {
    ["lock", "read", "write", "borrow", "borrow_mut"]
        .map(String::from)
        .to_vec()
}

/// A compiled `held-across-await` check.
#[derive(Debug, Clone)]
pub struct HeldMatcher {
    /// Guard-producing method names.
    pub methods: Vec<String>,
    /// Which receiver types are locks.
    pub types: TypeFilter,
    /// Methods that count only on a receiver of known type.
    pub typed_methods: Vec<String>,
}

impl HeldSpec {
    /// Validates the method list.
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<HeldMatcher, Vec<ConfigError>> {
        let mut errors = Vec::new();
        if self.methods.is_empty() {
            errors.push(source.error_at_path(base, false, "`methods` must not be empty"));
        }
        let types = TypeFilter::compile(
            &self.types,
            &self.not_types,
            self.untyped_severity,
            source,
            (&child(base, "types"), &child(base, "not_types")),
            &mut errors,
        );
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(HeldMatcher {
            methods: self.methods,
            types,
            typed_methods: self.typed_methods,
        })
    }
}
