//! Layer resolution: built-in checks, then policies (with `extends`), then the user config,
//! then the CLI; finally every enabled check is compiled.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::check_def::CheckDef;
use super::gates::{self, GateRules, Known};
use super::names::{is_kebab, titleize};
use super::policy::{AllowDef, CheckOverride, GateDef, PolicyFile};
use super::read;
use super::{Category, Check, CliOverrides, Config, PathScope, builtin};
use crate::diag::{ConfigError, KeyPath, KeySeg, Source, did_you_mean, from_toml, key_path};
use crate::kinds::{self, compile_globs};
use crate::model::{CheckDoc, Role, Severity};

mod user;

/// Where a value came from: a source (index into `State::sources`) and a key path in it.
#[derive(Debug, Clone)]
struct Origin {
    source: usize,
    path: KeyPath,
}

struct Entry {
    def: CheckDef,
    /// Where the definition is.
    origin: Origin,
    /// Where `paths` / `exclude` were last set.
    scope_origin: Origin,
    enabled: bool,
}

#[derive(Default)]
struct State {
    sources: Vec<Source>,
    entries: BTreeMap<String, Entry>,
    categories: Vec<Category>,
    /// `[gate]` / `[[gate]]` tables: (source, key path, table, layer it comes from).
    gates: Vec<(usize, KeyPath, GateDef, usize)>,
    /// `[[allow]]` tables: (source, key path, table).
    allows: Vec<(usize, KeyPath, AllowDef)>,
    limits: super::Limits,
    /// `ignore` globs, with the table they were set in.
    ignore: Vec<(Origin, Vec<String>)>,
    /// The workspace root: paths written in repository files stay inside it.
    root: PathBuf,
    /// Display names of the layers applied, in order.
    applied: Vec<String>,
    /// Resolved keys (built-in name or absolute path) of the policies applied.
    applied_keys: Vec<String>,
    errors: Vec<ConfigError>,
}

/// Parses every built-in check file.
pub(super) fn builtin_checks() -> Result<Vec<CheckDef>, Vec<ConfigError>> {
    let mut st = State::default();
    st.load_builtin_checks();
    if st.errors.is_empty() {
        Ok(st.entries.into_values().map(|e| e.def).collect())
    } else {
        Err(st.errors)
    }
}

/// Resolves all layers and compiles the enabled checks.
pub(super) fn resolve(root: &Path, cli: &CliOverrides) -> Result<Config, Vec<ConfigError>> {
    let mut st = State {
        root: root.to_path_buf(),
        ..State::default()
    };
    st.load_builtin_checks();
    let user = if cli.ignore_user_config {
        None
    } else {
        st.find_user_config(root)
    };
    let bases: Vec<(String, Option<Origin>)> = match (&cli.policies, &user) {
        (cli_policies, _) if !cli_policies.is_empty() => {
            cli_policies.iter().map(|p| (p.clone(), None)).collect()
        }
        (_, Some((origin, file))) => match &file.extends {
            Some(list) => extends_refs(list, origin),
            None => vec![("recommended".to_string(), None)],
        },
        (_, None) => vec![("recommended".to_string(), None)],
    };
    let user_dir = user
        .as_ref()
        .map(|(o, _)| st.dir_of(o.source, root))
        .unwrap_or_else(|| root.to_path_buf());
    for (name, origin) in bases {
        // `--policy` paths come from the command line (trusted); `extends` from the repository.
        let (dir, allowed) = if origin.is_some() {
            (user_dir.clone(), Some(root))
        } else {
            (root.to_path_buf(), None)
        };
        st.apply_policy_ref(&name, &dir, origin, allowed, &mut Vec::new());
    }
    let user_name = user
        .as_ref()
        .map(|(o, _)| st.sources[o.source].name.clone());
    if let Some((origin, file)) = user {
        st.apply_layer(&origin, file);
        st.applied.extend(user_name.clone());
    }
    st.finish(user_name, cli)
}

fn extends_refs(list: &[String], origin: &Origin) -> Vec<(String, Option<Origin>)> {
    list.iter()
        .enumerate()
        .map(|(i, name)| {
            let path = [
                origin.path.clone(),
                vec![KeySeg::Key("extends".into()), KeySeg::Index(i)],
            ]
            .concat();
            (
                name.clone(),
                Some(Origin {
                    source: origin.source,
                    path,
                }),
            )
        })
        .collect()
}

impl State {
    fn add_source(&mut self, source: Source) -> usize {
        self.sources.push(source);
        self.sources.len() - 1
    }

    fn err(&mut self, origin: &Origin, at_key: bool, message: String) {
        let e = self.sources[origin.source].error_at_path(&origin.path, at_key, message);
        self.errors.push(e);
    }

    fn dir_of(&self, source: usize, root: &Path) -> PathBuf {
        let name = &self.sources[source].name;
        root.join(name)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.to_path_buf())
    }

    fn load_builtin_checks(&mut self) {
        for (file, text) in builtin::CHECKS {
            let source = self.add_source(Source::new(format!("checks/{file}"), *text));
            let (parsed, errors) = from_toml::<CheckDef>(&self.sources[source]);
            self.errors.extend(errors);
            let Some(def) = parsed else { continue };
            let origin = Origin {
                source,
                path: Vec::new(),
            };
            if file.strip_suffix(".toml") != Some(def.id.as_str()) {
                let at = Origin {
                    source,
                    path: key_path(&["id"]),
                };
                self.err(
                    &at,
                    false,
                    format!("check id `{}` must equal its file name `{file}`", def.id),
                );
            }
            self.insert_check(def, origin, false);
        }
    }

    fn insert_check(&mut self, def: CheckDef, origin: Origin, enabled: bool) {
        if !is_kebab(&def.id) {
            self.err(
                &with_key(&origin, "id"),
                false,
                format!("check id `{}` must be kebab-case", def.id),
            );
        }
        if self.entries.contains_key(&def.id) {
            self.err(
                &with_key(&origin, "id"),
                false,
                format!("check `{}` is already defined", def.id),
            );
            return;
        }
        let entry = Entry {
            scope_origin: origin.clone(),
            origin,
            enabled: enabled && def.enabled,
            def,
        };
        self.entries.insert(entry.def.id.clone(), entry);
    }

    fn parse_policy(&mut self, origin: Origin) -> Option<(Origin, PolicyFile)> {
        let (parsed, errors) = from_toml::<PolicyFile>(&self.sources[origin.source]);
        self.errors.extend(errors);
        parsed.map(|pf| (origin, pf))
    }

    /// Applies a policy by name (built-in) or path, its `extends` first.
    fn apply_policy_ref(
        &mut self,
        name: &str,
        dir: &Path,
        referrer: Option<Origin>,
        allowed: Option<&Path>,
        stack: &mut Vec<(String, String)>,
    ) {
        let is_path = name.contains('/') || name.contains('\\') || name.ends_with(".toml");
        let key = if is_path {
            dir.join(name).to_string_lossy().into_owned()
        } else {
            name.to_string()
        };
        if stack.iter().any(|(k, _)| *k == key) {
            let names: Vec<&str> = stack
                .iter()
                .map(|(_, n)| n.as_str())
                .chain([name])
                .collect();
            let cycle = names.join(" → ");
            self.report_ref(referrer.as_ref(), format!("`extends` cycle: {cycle}"));
            return;
        }
        if self.applied_keys.contains(&key) {
            return;
        }
        let Some(source) = self.open_policy(name, is_path, dir, referrer.as_ref(), allowed) else {
            return;
        };
        // What a policy file inside the workspace extends is repository text too.
        let root = self.root.clone();
        let child_allowed = match allowed {
            Some(a) => Some(a),
            None if is_path && read::is_inside(&root, &dir.join(name)) => Some(root.as_path()),
            None => None,
        };
        let Some((origin, file)) = self.parse_policy(Origin {
            source,
            path: Vec::new(),
        }) else {
            return;
        };
        stack.push((key.clone(), name.to_string()));
        let next_dir = if is_path {
            dir.join(name)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        } else {
            dir.to_path_buf()
        };
        for (parent, parent_origin) in
            extends_refs(file.extends.as_deref().unwrap_or_default(), &origin)
        {
            self.apply_policy_ref(&parent, &next_dir, parent_origin, child_allowed, stack);
        }
        stack.pop();
        self.apply_layer(&origin, file);
        self.applied.push(name.to_string());
        self.applied_keys.push(key);
    }

    fn open_policy(
        &mut self,
        name: &str,
        is_path: bool,
        dir: &Path,
        referrer: Option<&Origin>,
        allowed: Option<&Path>,
    ) -> Option<usize> {
        if !is_path {
            let Some(text) = builtin::policy(name) else {
                let names = builtin::policy_names();
                let hint = did_you_mean(name, names.iter().copied());
                let known = names.join(", ");
                self.report_ref(
                    referrer,
                    format!(
                        "unknown policy `{name}`{hint} (built-in: {known}; a file path must end in .toml)"
                    ),
                );
                return None;
            };
            return Some(self.add_source(Source::new(format!("policies/{name}.toml"), text)));
        }
        let read = read::policy_path(allowed, dir, name).and_then(|path| {
            read::read_file(&path).map_err(|why| format!("{}: {why}", path.display()))
        });
        match read {
            Ok(text) => Some(self.add_source(Source::new(name.to_string(), text))),
            Err(why) => {
                self.report_ref(referrer, format!("cannot read policy `{name}`: {why}"));
                None
            }
        }
    }

    fn report_ref(&mut self, referrer: Option<&Origin>, message: String) {
        match referrer {
            Some(o) => self.err(&o.clone(), false, message),
            None => self.errors.push(ConfigError {
                file: "--policy".into(),
                line: 1,
                column: 1,
                message,
            }),
        }
    }

    /// Applies one policy or user config on top of the current state.
    fn apply_layer(&mut self, origin: &Origin, file: PolicyFile) {
        for (path, message) in read::invalid_numbers(&file) {
            let at = Origin {
                source: origin.source,
                path: [origin.path.clone(), path].concat(),
            };
            self.err(&at, false, message);
        }
        for (id, def) in file.categories {
            self.upsert_category(id, def.title, def.weight);
        }
        for (i, def) in file.new_checks.into_iter().enumerate() {
            let o = Origin {
                source: origin.source,
                path: [
                    origin.path.clone(),
                    vec![KeySeg::Key("check".into()), KeySeg::Index(i)],
                ]
                .concat(),
            };
            self.insert_check(def, o, true);
        }
        for (id, ov) in file.checks {
            let o = Origin {
                source: origin.source,
                path: [
                    origin.path.clone(),
                    vec![KeySeg::Key("checks".into()), KeySeg::Key(id.clone())],
                ]
                .concat(),
            };
            self.apply_override(&id, ov, o);
        }
        let layer = self.applied.len();
        for (i, def) in file.gate.into_iter().enumerate() {
            let o = indexed(origin, "gate", i);
            self.gates.push((o.source, o.path, def, layer));
        }
        for (i, def) in file.allow.into_iter().enumerate() {
            let o = indexed(origin, "allow", i);
            self.allows.push((o.source, o.path, def));
        }
        let l = &mut self.limits;
        l.max_parse_bytes = file.limits.max_parse_bytes.unwrap_or(l.max_parse_bytes);
        l.max_read_bytes = file.limits.max_read_bytes.unwrap_or(l.max_read_bytes);
        if !file.ignore.is_empty() {
            self.ignore.push((with_key(origin, "ignore"), file.ignore));
        }
    }

    fn upsert_category(&mut self, id: String, title: Option<String>, weight: Option<f64>) {
        match self.categories.iter_mut().find(|c| c.id == id) {
            Some(c) => {
                c.title = title.unwrap_or_else(|| c.title.clone());
                c.weight = weight.unwrap_or(c.weight);
            }
            None => {
                let title = title.unwrap_or_else(|| titleize(&id));
                self.categories.push(Category {
                    id,
                    title,
                    weight: weight.unwrap_or(1.0),
                });
            }
        }
    }

    fn apply_override(&mut self, id: &str, ov: CheckOverride, origin: Origin) {
        let Some(entry) = self.entries.get_mut(id) else {
            let hint = did_you_mean(id, self.entries.keys());
            self.err(&origin, true, format!("unknown check id `{id}`{hint}"));
            return;
        };
        let d = &mut entry.def;
        entry.enabled = ov.enabled.unwrap_or(true);
        if ov.severity.is_some() {
            d.severity_by_role.clear();
        }
        d.severity = ov.severity.unwrap_or(d.severity);
        if let Some(by_role) = ov.severity_by_role {
            d.severity_by_role = by_role;
        }
        d.max = ov.max.unwrap_or(d.max);
        d.weight = ov.weight.or(d.weight);
        if let Some(a) = ov.applies {
            d.applies = a;
        }
        if ov.paths.is_some() || ov.exclude.is_some() {
            entry.scope_origin = origin;
        }
        if let Some(p) = ov.paths {
            d.paths = p;
        }
        if let Some(e) = ov.exclude {
            d.exclude = e;
        }
    }

    fn finish(
        mut self,
        user_config: Option<String>,
        cli: &CliOverrides,
    ) -> Result<Config, Vec<ConfigError>> {
        let (gates, allows) = self.compile_gates_and_allows(cli);
        let entries = std::mem::take(&mut self.entries);
        let enabled: Vec<&Entry> = entries.values().filter(|e| e.enabled).collect();
        for entry in &enabled {
            self.check_supersedes(entry, &entries);
        }
        // Compiling the catalogue's regexes is most of loading it: in parallel, in order.
        let compiled: Vec<Result<Check, Vec<ConfigError>>> = {
            use rayon::prelude::*;
            let this = &self;
            enabled.par_iter().map(|e| this.compile_check(e)).collect()
        };
        let mut checks = Vec::new();
        for result in compiled {
            match result {
                Ok(check) => checks.push(check),
                Err(errors) => self.errors.extend(errors),
            }
        }
        let ignore = self.compile_ignore();
        if !self.errors.is_empty() {
            return Err(self.errors);
        }
        Ok(Config {
            checks,
            catalogue: entries.into_values().map(|e| e.def).collect(),
            categories: self.categories,
            gates,
            allows,
            ignore: ignore.unwrap_or_else(globset::GlobSet::empty),
            limits: self.limits,
            policies: self.applied,
            user_config,
        })
    }

    /// The `ignore` globs of every layer as one set; a bad glob is reported where it is written.
    fn compile_ignore(&mut self) -> Option<globset::GlobSet> {
        let mut all = Vec::new();
        for (origin, globs) in &self.ignore {
            let src = &self.sources[origin.source];
            if let Err(e) = compile_globs(globs, src, &origin.path) {
                self.errors.extend(e);
            }
            all.extend(globs.iter().cloned());
        }
        compile_globs(&all, &Source::new("ready.toml", ""), &[]).ok()
    }

    /// Compiles every gate and exemption table against the known check and category ids.
    fn compile_gates_and_allows(&mut self, cli: &CliOverrides) -> (GateRules, Vec<gates::Allow>) {
        let checks: Vec<String> = self.entries.keys().cloned().collect();
        let categories: Vec<String> = self.categories.iter().map(|c| c.id.clone()).collect();
        let known = Known {
            checks: &checks,
            categories: &categories,
        };
        let tables = gates::Tables {
            gates: std::mem::take(&mut self.gates),
            allows: std::mem::take(&mut self.allows),
        };
        let (rules, allows, errors) = gates::compile_all(&self.sources, tables, &known, cli);
        self.errors.extend(errors);
        (rules, allows)
    }

    /// Every id in `supersedes` names another known check.
    fn check_supersedes(&mut self, entry: &Entry, known: &BTreeMap<String, Entry>) {
        for (i, id) in entry.def.supersedes.iter().enumerate() {
            let message = if *id == entry.def.id {
                format!("check `{id}` cannot supersede itself")
            } else if known.contains_key(id) {
                continue;
            } else {
                let hint = did_you_mean(id, known.keys());
                format!("`supersedes` names unknown check `{id}`{hint}")
            };
            let mut at = with_key(&entry.origin, "supersedes");
            at.path.push(KeySeg::Index(i));
            self.err(&at, false, message);
        }
    }

    fn compile_check(&self, entry: &Entry) -> Result<Check, Vec<ConfigError>> {
        let d = &entry.def;
        let src = &self.sources[entry.origin.source];
        let mut errors = Vec::new();
        if !self.categories.iter().any(|c| c.id == d.category) {
            errors.push(src.error_at_path(
                &with_key(&entry.origin, "category").path,
                false,
                format!(
                    "unknown category `{}`{}",
                    d.category,
                    did_you_mean(&d.category, self.categories.iter().map(|c| c.id.as_str()))
                ),
            ));
        }
        let match_path = with_key(&entry.origin, "match").path;
        let matcher = kinds::compile(&d.kind, d.matcher.clone(), src, &match_path)
            .map_err(|e| errors.extend(e))
            .ok();
        let scope = self
            .compile_scope(d, &entry.scope_origin)
            .map_err(|e| errors.extend(e))
            .ok();
        let by_role = |key: &str, names: Vec<&String>, errors: &mut Vec<ConfigError>| {
            let base = with_key(&entry.origin, key).path;
            let mut roles = Vec::new();
            for name in names {
                match Role::parse(name) {
                    Some(r) => roles.push(r),
                    None => {
                        let mut path = base.clone();
                        path.push(KeySeg::Key(name.clone()));
                        let known: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                        let why = format!(
                            "unknown role `{name}` (expected one of: {})",
                            known.join(", ")
                        );
                        errors.push(src.error_at_path(&path, true, why));
                    }
                }
            }
            roles
        };
        let roles = by_role(
            "severity_by_role",
            d.severity_by_role.keys().collect(),
            &mut errors,
        );
        let note_roles = by_role("note_by_role", d.note_by_role.keys().collect(), &mut errors);
        let (Some(matcher), Some(scope), true) = (matcher, scope, errors.is_empty()) else {
            return Err(errors);
        };
        Ok(Check {
            id: d.id.clone(),
            category: d.category.clone(),
            severity: d.severity,
            severity_by_role: roles
                .into_iter()
                .zip(d.severity_by_role.values().copied())
                .collect(),
            note_by_role: note_roles
                .into_iter()
                .zip(d.note_by_role.values().cloned())
                .collect(),
            doc: doc_of(d),
            message: d.message.clone(),
            code: d.code,
            scope,
            applies: d.applies.clone(),
            max: d.max,
            weight: d
                .weight
                .unwrap_or_else(|| default_weight(d.severity, &d.kind)),
            supersedes: d.supersedes.clone(),
            matcher,
        })
    }

    fn compile_scope(&self, d: &CheckDef, origin: &Origin) -> Result<PathScope, Vec<ConfigError>> {
        let src = &self.sources[origin.source];
        let paths = if d.paths.is_empty() {
            Ok(None)
        } else {
            compile_globs(&d.paths, src, &with_key(origin, "paths").path).map(Some)
        };
        let exclude = compile_globs(&d.exclude, src, &with_key(origin, "exclude").path);
        match (paths, exclude) {
            (Ok(paths), Ok(exclude)) => Ok(PathScope { paths, exclude }),
            (p, e) => Err(p
                .err()
                .into_iter()
                .flatten()
                .chain(e.err().into_iter().flatten())
                .collect()),
        }
    }
}

/// The documentation part of a check definition.
pub fn doc_of(d: &CheckDef) -> CheckDoc {
    CheckDoc {
        title: d.title.clone(),
        why: d.why.clone(),
        fix: d.fix.clone(),
        examples: d.examples.clone(),
        reference: d.reference.clone(),
        clippy: d.clippy.iter().map(|c| c.lint.clone()).collect(),
    }
}

fn default_weight(severity: Severity, kind: &str) -> f64 {
    match (kind, severity) {
        ("engine" | "gate", _) => 0.0,
        (_, Severity::Error) => 3.0,
        (_, Severity::Warning) => 2.0,
        (_, Severity::Note) => 1.0,
    }
}

/// `origin.key[index]`.
fn indexed(origin: &Origin, key: &str, index: usize) -> Origin {
    Origin {
        source: origin.source,
        path: [
            origin.path.clone(),
            vec![KeySeg::Key(key.into()), KeySeg::Index(index)],
        ]
        .concat(),
    }
}

fn with_key(origin: &Origin, key: &str) -> Origin {
    Origin {
        source: origin.source,
        path: [origin.path.clone(), vec![KeySeg::Key(key.into())]].concat(),
    }
}

fn dig<'a>(table: &'a toml::Table, key: &[&str]) -> Option<&'a toml::Value> {
    let (first, rest) = key.split_first()?;
    rest.iter()
        .try_fold(table.get(*first)?, |v, k| v.as_table()?.get(*k))
}
