//! Kinds `held-across-await` (the model's guards whose receiver is a lock, by the hinted type
//! when known; an unknown type counts at the check's `untyped_severity`) and `ignored-result`
//! (the model's discarded results of the listed calls).

use super::calls::typed;
use super::{Cx, cap_severity, hit, with_role};
use crate::kinds::Hit;
use crate::kinds::Matcher;
use crate::kinds::ignored_result::Form;

/// Findings of every `held-across-await` check.
pub fn guard_hits(cx: &Cx) -> Vec<Hit> {
    let mut out = Vec::new();
    for (file, s, idx, check) in cx.applying() {
        let Matcher::HeldAcrossAwait(m) = &check.matcher else {
            continue;
        };
        for g in s
            .facts
            .guards
            .iter()
            .filter(|g| m.methods.contains(&g.method))
        {
            let known = typed(cx, file, g.body, &g.recv);
            let skip = match &known {
                Some(p) => m.types.admits(p) == Some(false),
                None => m.typed_methods.contains(&g.method),
            };
            if skip {
                continue;
            }
            let default = format!(
                "guard `{}` from `.{}()` is held across the `.await` on line {}",
                g.name, g.method, g.await_line
            );
            let line = g.await_line.to_string();
            let message = check.message(
                default,
                &[
                    ("name", &g.name),
                    ("method", &g.method),
                    ("await_line", &line),
                ],
            );
            let mut h = hit(cx, idx, file, g.region.clone(), message);
            if known.is_none() && m.types.is_set() {
                cap_severity(&mut h, m.types.untyped_severity, check);
            }
            if with_role(cx, &mut h, file, g.body, None, &[]) {
                out.push(h);
            }
        }
    }
    out
}

/// Findings of every `ignored-result` check.
pub fn discard_hits(cx: &Cx) -> Vec<Hit> {
    let mut out = Vec::new();
    for (file, s, idx, check) in cx.applying() {
        let Matcher::IgnoredResult(ir) = &check.matcher else {
            continue;
        };
        for d in s
            .facts
            .discards
            .iter()
            .filter(|d| ir.forms.contains(&d.form))
        {
            let shown = match &d.target {
                Ok(method) => ir.methods.contains(method).then(|| format!(".{method}()")),
                Err(cands) => cands
                    .iter()
                    .find(|c| ir.functions.iter().any(|f| f.matches(c)))
                    .map(|c| c.join("::")),
            };
            let Some(shown) = shown else { continue };
            let how = match d.form {
                Form::LetUnderscore => "`let _ =`",
                Form::AssignUnderscore => "`_ =`",
                Form::Ok => "`.ok()`",
            };
            let method = shown.trim_start_matches('.').trim_end_matches("()");
            let message = check.message(
                format!("result of `{shown}` ignored with {how}"),
                &[("name", &shown), ("call", &shown), ("method", method)],
            );
            let mut h = hit(cx, idx, file, d.region.clone(), message);
            if with_role(cx, &mut h, file, d.body, None, &[]) {
                out.push(h);
            }
        }
    }
    out
}
