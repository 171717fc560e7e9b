//! Kind `held-across-await`: a lock / borrow guard bound with `let` that is still alive at a
//! later `.await` of the same async body. A guard obtained with `.lock().await` (an async
//! mutex) is not flagged. The analysis runs in [`crate::rust::held`].

use serde::Deserialize;

use crate::diag::{ConfigError, KeySeg, Source};

/// `[match]` of a `held-across-await` check.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
pub struct HeldSpec {
    /// Guard-producing method names.
    #[serde(default = "default_methods")]
    pub methods: Vec<String>,
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
}

impl HeldSpec {
    /// Validates the method list.
    pub fn compile(
        self,
        source: &Source,
        base: &[KeySeg],
    ) -> Result<HeldMatcher, Vec<ConfigError>> {
        if self.methods.is_empty() {
            return Err(vec![source.error_at_path(
                base,
                false,
                "`methods` must not be empty",
            )]);
        }
        Ok(HeldMatcher {
            methods: self.methods,
        })
    }
}
