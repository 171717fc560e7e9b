//! Gates and exemptions of the configuration: `[gate]` / `[[gate]]` tables (chosen by branch)
//! and `[[allow]]` tables, validated and compiled with every other part of the configuration.
//!
//! A branch gate is resolved field by field: in each layer (policy, then user config) the first
//! gate whose `branches` match (or that has none) contributes the fields it sets; the command
//! line's `--fail-on` / `--min-score` come last.

use globset::GlobSet;

use super::CliOverrides;
use super::policy::{AllowDef, FailOn, GateDef};
use crate::date::Date;
use crate::diag::did_you_mean;
use crate::diag::{ConfigError, KeySeg, Source};
use crate::kinds::compile_globs;

/// The gate that applies to a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// Lowest severity of a failing check that fails the gate.
    pub fail_on: FailOn,
    /// Minimum overall score.
    pub min_score: u32,
    /// Minimum score per category id (a category without a score passes).
    pub floors: Vec<(String, u32)>,
    /// Checks of which any counted finding means NOT READY.
    pub blockers: Vec<String>,
    /// Which gate this is (`ready.toml:12 (branches release/*)`, `default`).
    pub rule: String,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            fail_on: FailOn::Error,
            min_score: 0,
            floors: Vec::new(),
            blockers: Vec::new(),
            rule: "default".into(),
        }
    }
}

/// One `[gate]` / `[[gate]]` table, compiled.
#[derive(Debug, Clone)]
pub struct GateRule {
    /// The layer it comes from (0 = lowest policy).
    pub layer: usize,
    /// Branch globs as written (empty: every branch).
    pub branches: Vec<String>,
    matcher: Option<GlobSet>,
    def: GateDef,
    /// Where it is written, `file:line`.
    pub at: String,
}

impl GateRule {
    /// Does this rule apply on `branch`? A rule without `branches` applies everywhere; one with
    /// them never applies when the branch is unknown.
    pub fn matches(&self, branch: Option<&str>) -> bool {
        match (&self.matcher, branch) {
            (None, _) => true,
            (Some(set), Some(b)) => set.is_match(b),
            (Some(_), None) => false,
        }
    }

    fn label(&self) -> String {
        if self.branches.is_empty() {
            self.at.clone()
        } else {
            format!("{} (branches {})", self.at, self.branches.join(", "))
        }
    }
}

/// Every gate rule of every layer, and the command line's overrides.
#[derive(Debug, Clone, Default)]
pub struct GateRules {
    /// Rules in layer order, then file order.
    pub rules: Vec<GateRule>,
    /// `--fail-on`.
    pub cli_fail_on: Option<FailOn>,
    /// `--min-score`.
    pub cli_min_score: Option<u32>,
}

impl GateRules {
    /// The gate for `branch` (None: unknown branch, only rules without `branches` apply).
    pub fn resolve(&self, branch: Option<&str>) -> Gate {
        let mut gate = Gate::default();
        let mut last_layer = None;
        for rule in &self.rules {
            if last_layer == Some(rule.layer) || !rule.matches(branch) {
                continue;
            }
            last_layer = Some(rule.layer);
            let d = &rule.def;
            gate.fail_on = d.fail_on.unwrap_or(gate.fail_on);
            gate.min_score = d.min_score.unwrap_or(gate.min_score);
            if let Some(f) = &d.floors {
                gate.floors = f.iter().map(|(k, v)| (k.clone(), *v)).collect();
            }
            if let Some(b) = &d.blockers {
                gate.blockers = b.clone();
            }
            gate.rule = rule.label();
        }
        let mut cli = Vec::new();
        if let Some(f) = self.cli_fail_on {
            gate.fail_on = f;
            cli.push(format!("--fail-on {}", f.as_str()));
        }
        if let Some(m) = self.cli_min_score {
            gate.min_score = m;
            cli.push(format!("--min-score {m}"));
        }
        if !cli.is_empty() {
            gate.rule = format!("{} + {}", gate.rule, cli.join(" "));
        }
        gate
    }
}

/// The gate and exemption tables of every layer, before compiling.
pub(super) struct Tables {
    /// (source index, key path, table, layer).
    pub gates: Vec<(usize, Vec<KeySeg>, GateDef, usize)>,
    /// (source index, key path, table).
    pub allows: Vec<(usize, Vec<KeySeg>, AllowDef)>,
}

/// Compiles every table; the errors of all of them are returned together.
pub(super) fn compile_all(
    sources: &[Source],
    tables: Tables,
    known: &Known<'_>,
    cli: &CliOverrides,
) -> (GateRules, Vec<Allow>, Vec<ConfigError>) {
    let mut errors = Vec::new();
    let mut rules = GateRules {
        cli_fail_on: cli.fail_on,
        cli_min_score: cli.min_score,
        ..GateRules::default()
    };
    for (source, path, def, layer) in tables.gates {
        match compile_gate(def, layer, &sources[source], &path, known) {
            Ok(rule) => rules.rules.push(rule),
            Err(e) => errors.extend(e),
        }
    }
    let mut allows = Vec::new();
    for (source, path, def) in tables.allows {
        match compile_allow(def, &sources[source], &path, known) {
            Ok(allow) => allows.push(allow),
            Err(e) => errors.extend(e),
        }
    }
    (rules, allows, errors)
}

/// Compiles one gate table at `path` of `source`; `checks` and `categories` are the known ids.
pub fn compile_gate(
    def: GateDef,
    layer: usize,
    source: &Source,
    path: &[KeySeg],
    known: &Known<'_>,
) -> Result<GateRule, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let at = |key: &str| child(path, key);
    let branches = def.branches.clone().unwrap_or_default();
    let matcher = match &def.branches {
        Some(b) => compile_globs(b, source, &at("branches"))
            .map(Some)
            .unwrap_or_else(|e| {
                errors.extend(e);
                None
            }),
        None => None,
    };
    if def.min_score.is_some_and(|m| m > 100) {
        errors.push(source.error_at_path(&at("min_score"), false, "must be 0–100"));
    }
    for (category, floor) in def.floors.iter().flatten() {
        let p = child(&at("floors"), category);
        if !known.categories.iter().any(|c| c == category) {
            errors.push(source.error_at_path(&p, true, unknown("category", category, known)));
        } else if *floor > 100 {
            errors.push(source.error_at_path(&p, false, "must be 0–100"));
        }
    }
    for (i, id) in def.blockers.iter().flatten().enumerate() {
        if !known.checks.iter().any(|c| c == id) {
            let p = [at("blockers"), vec![KeySeg::Index(i)]].concat();
            errors.push(source.error_at_path(&p, false, unknown("check id", id, known)));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (line, _) = source.locate(path, false);
    Ok(GateRule {
        layer,
        branches,
        matcher,
        def,
        at: format!("{}:{line}", source.name),
    })
}

/// Ids a gate or an exemption may name.
pub struct Known<'a> {
    /// Every check id of the catalogue.
    pub checks: &'a [String],
    /// Every category id.
    pub categories: &'a [String],
}

fn unknown(what: &str, id: &str, known: &Known<'_>) -> String {
    let pool = if what == "category" {
        known.categories
    } else {
        known.checks
    };
    let hint = did_you_mean(id, pool);
    format!("unknown {what} `{id}`{hint}")
}

fn child(path: &[KeySeg], key: &str) -> Vec<KeySeg> {
    [path, &[KeySeg::Key(key.into())]].concat()
}

/// A `[[allow]]` exemption, compiled.
#[derive(Debug, Clone)]
pub struct Allow {
    /// The check it exempts.
    pub check: String,
    /// Path globs as written (empty: everywhere).
    pub globs: Vec<String>,
    /// The compiled globs (None: everywhere).
    pub paths: Option<GlobSet>,
    /// Why.
    pub reason: String,
    /// Last day it applies.
    pub until: Option<Date>,
    /// The configuration file it is written in, as shown to the user.
    pub file: String,
    /// 1-based line of the table.
    pub line: u32,
    /// That line's text, for the snippet of findings about the exemption.
    pub snippet: String,
}

impl Allow {
    /// Does it cover `path`?
    pub fn covers(&self, path: &str) -> bool {
        self.paths.as_ref().is_none_or(|p| p.is_match(path))
    }
}

/// Compiles one `[[allow]]` table at `path` of `source`.
pub fn compile_allow(
    def: AllowDef,
    source: &Source,
    path: &[KeySeg],
    known: &Known<'_>,
) -> Result<Allow, Vec<ConfigError>> {
    let mut errors = Vec::new();
    let at = |key: &str| child(path, key);
    if !known.checks.contains(&def.check) {
        let msg = unknown("check id", &def.check, known);
        errors.push(source.error_at_path(&at("check"), false, msg));
    }
    let reason = def.reason.as_deref().map(str::trim).unwrap_or_default();
    if reason.is_empty() {
        let msg = "`[[allow]]` needs a `reason`: say why these findings do not count";
        errors.push(source.error_at_path(path, false, msg));
    }
    let until = def.until.as_deref().map(|u| {
        Date::parse(u).ok_or_else(|| {
            source.error_at_path(
                &at("until"),
                false,
                format!("`{u}` is not a YYYY-MM-DD date"),
            )
        })
    });
    let until = match until.transpose() {
        Ok(u) => u,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let paths = if def.paths.is_empty() {
        None
    } else {
        compile_globs(&def.paths, source, &at("paths"))
            .map_err(|e| errors.extend(e))
            .ok()
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let (line, _) = source.locate(path, true);
    let snippet = source.text.lines().nth(line - 1).unwrap_or("").to_string();
    Ok(Allow {
        check: def.check,
        globs: def.paths,
        paths,
        reason: reason.to_string(),
        until,
        file: source.name.clone(),
        line: line as u32,
        snippet,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> GateRules {
        let source = Source::new("ready.toml", text);
        let file: super::super::policy::PolicyFile = toml::from_str(text).unwrap_or_default();
        let checks = vec!["no-unwrap".to_string()];
        let categories = vec!["security".to_string()];
        let known = Known {
            checks: &checks,
            categories: &categories,
        };
        let rules = file
            .gate
            .into_iter()
            .enumerate()
            .filter_map(|(i, def)| {
                let path = vec![KeySeg::Key("gate".into()), KeySeg::Index(i)];
                compile_gate(def, 1, &source, &path, &known).ok()
            })
            .collect();
        GateRules {
            rules,
            ..GateRules::default()
        }
    }

    #[test]
    fn the_first_matching_gate_of_a_layer_applies() {
        let r = rules(
            r#"
[[gate]]
branches = ["release/*", "main"]
fail_on = "warning"
min_score = 90
blockers = ["no-unwrap"]

[[gate]]
fail_on = "error"
"#,
        );
        let release = r.resolve(Some("release/1.2"));
        assert_eq!(release.fail_on, FailOn::Warning);
        assert_eq!((release.min_score, release.blockers.len()), (90, 1));
        assert_eq!(release.rule, "ready.toml:2 (branches release/*, main)");
        let nested = r.resolve(Some("release/1.2/hotfix"));
        assert_eq!(nested.fail_on, FailOn::Error, "`*` does not cross `/`");
        let feature = r.resolve(Some("feature/x"));
        assert_eq!((feature.fail_on, feature.min_score), (FailOn::Error, 0));
        assert_eq!(feature.rule, "ready.toml:8");
        assert_eq!(r.resolve(None).rule, "ready.toml:8");
    }

    #[test]
    fn the_command_line_wins_and_says_so() {
        let mut r = rules("[gate]\nmin_score = 50\n");
        r.cli_min_score = Some(70);
        let g = r.resolve(None);
        assert_eq!(g.min_score, 70);
        assert_eq!(g.rule, "ready.toml:1 + --min-score 70");
    }
}
