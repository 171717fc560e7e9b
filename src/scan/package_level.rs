//! Workspace- and package-level kinds: dependency, manifest, file, and `text` in require mode.
//! Findings land on a real file: the manifest line that declares the thing, or the package's
//! manifest / the workspace's root Cargo.toml when something is missing.

use super::Hit;
use crate::config::{Check, Config};
use crate::diag::{KeySeg, Source, key_path};
use crate::kinds::dependency::DependencyMatcher;
use crate::kinds::file::{FileMatcher, FileScope};
use crate::kinds::manifest::{ManifestMatcher, ManifestScope, ManifestVerdict};
use crate::kinds::{Matcher, Mode};
use crate::model::{Evidence, Region};
use crate::rust::ServiceVerdict;
use crate::rust::services::{DetectedService, Services};
use crate::workspace::{Package, Repository, Workspace};

/// Runs every workspace- and package-level check; gives the findings and the verdicts of the
/// dependency-kind service checks.
pub fn scan_packages(
    config: &Config,
    ws: &Workspace,
    applicable: &[bool],
    text_matched: &[Vec<String>],
    services: &Services,
) -> (Vec<Hit>, Vec<ServiceVerdict>) {
    let mut hits = Vec::new();
    let mut verdicts = Vec::new();
    let manifests = Manifests {
        ws,
        texts: Default::default(),
        lock: Default::default(),
    };
    for (idx, check) in config
        .checks
        .iter()
        .enumerate()
        .filter(|(i, _)| applicable[*i])
    {
        let packages: Vec<&Package> = ws
            .packages
            .iter()
            .filter(|p| p.meets(&check.applies))
            .collect();
        let ctx = Ctx {
            idx,
            check,
            ws,
            manifests: &manifests,
        };
        match &check.matcher {
            Matcher::Dependency(m) if check.applies.is_service() => {
                for (si, s) in services.found.iter().enumerate() {
                    if let Err(why) = s.applies(check) {
                        verdicts.push(ServiceVerdict::skipped(si, idx, why));
                        continue;
                    }
                    let (h, evidence) = ctx.service_dependency(m, s);
                    hits.extend(h);
                    verdicts.push(ServiceVerdict {
                        service: si,
                        check: idx,
                        evidence,
                        skipped: None,
                    });
                }
            }
            _ if check.applies.is_service() => {}
            Matcher::Dependency(m) => packages
                .iter()
                .for_each(|p| hits.extend(ctx.dependency(m, p))),
            Matcher::Manifest(m) => hits.extend(ctx.manifest(m, &packages)),
            Matcher::File(m) => hits.extend(ctx.file(m, &packages)),
            Matcher::Text(m) if m.mode == Mode::Require && text_matched[idx].is_empty() => hits
                .push(ctx.at_root(format!(
                    "no file matching the check's globs contains `{}`",
                    m.regex.as_str()
                ))),
            _ => {}
        }
    }
    (hits, verdicts)
}

struct Ctx<'a> {
    idx: usize,
    check: &'a Check,
    ws: &'a Workspace,
    manifests: &'a Manifests<'a>,
}

impl Ctx<'_> {
    fn hit(&self, file: &str, region: Region, default: String, vars: &[(&str, &str)]) -> Hit {
        Hit {
            check: self.idx,
            file: file.to_string(),
            region,
            message: self.check.message(default, vars),
            related: Vec::new(),
            role: None,
            severity: None,
        }
    }

    fn at_root(&self, message: String) -> Hit {
        let region = self
            .manifests
            .region("Cargo.toml", &key_path(&["workspace"]));
        self.hit("Cargo.toml", region, message, &[])
    }

    fn dependency(&self, m: &DependencyMatcher, p: &Package) -> Vec<Hit> {
        let found = m.matching(&p.dependencies);
        match m.mode {
            Mode::Forbid => found.iter().map(|d| self.forbidden(p, d)).collect(),
            Mode::Require if found.is_empty() => {
                let region = self.manifests.region(&p.manifest, &key_path(&["package"]));
                vec![self.hit(
                    &p.manifest,
                    region,
                    format!(
                        "package `{}` depends on none of `{}`",
                        p.name,
                        m.patterns.join("`, `")
                    ),
                    &[("package", &p.name)],
                )]
            }
            Mode::Require => Vec::new(),
        }
    }

    /// A dependency check for one service, over the packages of its closure: require mode
    /// passes on the first declaring package (the evidence), forbid mode reports each.
    fn service_dependency(
        &self,
        m: &DependencyMatcher,
        s: &DetectedService,
    ) -> (Vec<Hit>, Option<Evidence>) {
        let mut found: Vec<(&Package, &crate::model::Dependency)> = s
            .packages
            .iter()
            .filter_map(|&q| self.ws.packages.get(q))
            .flat_map(|p| m.matching(&p.dependencies).into_iter().map(move |d| (p, d)))
            .collect();
        // The evidence is what a default build links, when there is such a dependency (garage's
        // optional `tracing-journald` was shown before its `tracing-subscriber`; thirty-sixth
        // held-out set). An optional one still counts: a project's own logger may stand in for
        // it by default (EasyTier formats tracing events as `key=value` itself, and links
        // `tracing-subscriber` only with its `tracing` feature).
        found.sort_by_key(|(p, d)| !p.builds_with(&d.name));
        let vars = |package: &str| [("service", s.bin.clone()), ("package", package.to_string())];
        let owner = self
            .ws
            .packages
            .get(s.package)
            .map_or("", |p| p.name.as_str());
        match (m.mode, found.first()) {
            (Mode::Require, Some((p, d))) => {
                let region = self.dependency_region(p, d);
                let what = format!("`{}` declared by package `{}`", d.name, p.name);
                let evidence = Evidence {
                    file: p.manifest.clone(),
                    line: region.line,
                    what,
                };
                (Vec::new(), Some(evidence))
            }
            (Mode::Require, None) if let Some(evidence) = self.through_own_crate(m, s) => {
                (Vec::new(), Some(evidence))
            }
            (Mode::Require, None) => {
                let msg = format!(
                    "service `{}` depends on none of `{}`",
                    s.bin,
                    m.patterns.join("`, `")
                );
                let vars = vars(owner);
                let refs: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
                (
                    vec![self.hit(&s.file, Region::file_start(), msg, &refs)],
                    None,
                )
            }
            (Mode::Forbid, _) => {
                let hits: Vec<Hit> = found.iter().map(|(p, d)| self.forbidden(p, d)).collect();
                (hits, None)
            }
        }
    }

    /// With [`DependencyMatcher::through_own_crates`]: the first git dependency (or path
    /// dependency outside the workspace) of the service's packages, named with one of its
    /// words, that depends on a wanted crate in the workspace's `Cargo.lock`, as evidence.
    fn through_own_crate(&self, m: &DependencyMatcher, s: &DetectedService) -> Option<Evidence> {
        if m.through_own_crates.is_empty() {
            return None;
        }
        let own = s
            .packages
            .iter()
            .filter_map(|&q| self.ws.packages.get(q))
            .flat_map(|p| p.dependencies.iter().map(move |d| (p, d)))
            .filter(|(_, d)| !d.registry && m.looks_at(&d.kind) && m.looks_through(&d.name))
            .filter(|(_, d)| {
                d.path
                    .as_ref()
                    .is_none_or(|dir| !self.ws.member_dirs.contains(dir))
            });
        let lock = self.manifests.lock_file()?;
        own.into_iter().find_map(|(p, d)| {
            let (line, wanted) = lock.depends_on(&d.name, |n| m.names(n))?;
            Some(Evidence {
                file: "Cargo.lock".into(),
                line,
                what: format!(
                    "`{}` (a dependency of package `{}` from outside the registry) depends on `{wanted}`",
                    d.name, p.name
                ),
            })
        })
    }

    fn dependency_region(&self, p: &Package, d: &crate::model::Dependency) -> Region {
        let table = match d.kind.as_str() {
            "dev" => "dev-dependencies",
            "build" => "build-dependencies",
            _ => "dependencies",
        };
        self.manifests
            .region(&p.manifest, &key_path(&[table, &d.name]))
    }

    fn forbidden(&self, p: &Package, d: &crate::model::Dependency) -> Hit {
        let region = self.dependency_region(p, d);
        let msg = format!("package `{}` depends on `{}` ({})", p.name, d.name, d.req);
        self.hit(
            &p.manifest,
            region,
            msg,
            &[("crate", &d.name), ("package", &p.name)],
        )
    }

    fn manifest(&self, m: &ManifestMatcher, packages: &[&Package]) -> Vec<Hit> {
        let root = &self.ws.root_manifest;
        let targets: Vec<(&str, &toml::Table, String)> = match m.scope {
            ManifestScope::Workspace if packages.is_empty() => Vec::new(),
            ManifestScope::Workspace => vec![("Cargo.toml", root, "the workspace".to_string())],
            ManifestScope::Package => packages
                .iter()
                .map(|p| {
                    (
                        p.manifest.as_str(),
                        &p.manifest_table,
                        format!("package `{}`", p.name),
                    )
                })
                .collect(),
        };
        targets
            .into_iter()
            .filter_map(|(file, table, who)| match m.evaluate(table, root) {
                ManifestVerdict::Ok => None,
                ManifestVerdict::Missing(what) => {
                    let anchor = if m.scope == ManifestScope::Workspace {
                        "workspace"
                    } else {
                        "package"
                    };
                    let region = self.manifests.region(file, &key_path(&[anchor]));
                    Some(self.hit(file, region, format!("{what} in {who}"), &[]))
                }
                ManifestVerdict::Present(key, value) => {
                    let path: Vec<KeySeg> = key.iter().map(|k| KeySeg::Key(k.clone())).collect();
                    let region = self.manifests.region(file, &path);
                    Some(self.hit(
                        file,
                        region,
                        format!("`{}` = `{value}` in {who}", key.join(".")),
                        &[("value", &value)],
                    ))
                }
            })
            .collect()
    }

    fn file(&self, m: &FileMatcher, packages: &[&Package]) -> Vec<Hit> {
        if packages.is_empty() && !self.check.applies.is_unconditional() {
            return Vec::new();
        }
        if m.scope == FileScope::Repository
            && let Some(repo) = &self.ws.repository
        {
            return self.repository_file(m, repo);
        }
        let roots: Vec<(&str, &str)> = match m.scope {
            FileScope::Workspace | FileScope::Repository => vec![("", "Cargo.toml")],
            FileScope::Package => packages
                .iter()
                .map(|p| (p.dir.as_str(), p.manifest.as_str()))
                .collect(),
        };
        let all = || self.ws.files.iter().map(|f| f.path.as_str());
        let mut hits = Vec::new();
        for (dir, manifest) in roots {
            let found = m.matching(dir, all());
            let wanted = m.patterns.join("` or `");
            match m.mode {
                Mode::Require if found.is_empty() => {
                    let region = Region::file_start();
                    let place = if dir.is_empty() {
                        "the workspace root".to_string()
                    } else {
                        format!("`{dir}`")
                    };
                    hits.push(self.hit(manifest, region, format!("no `{wanted}` in {place}"), &[]));
                }
                Mode::Forbid => hits.extend(found.iter().map(|f| {
                    self.hit(
                        f,
                        Region::file_start(),
                        format!("`{f}` should not exist"),
                        &[("file", f)],
                    )
                })),
                Mode::Require => {}
            }
        }
        hits
    }

    /// A `file` check rooted at the git work tree around a workspace in a subdirectory: the
    /// workspace's files count too, under their work-tree path.
    fn repository_file(&self, m: &FileMatcher, repo: &Repository) -> Vec<Hit> {
        let inside: Vec<String> = self
            .ws
            .files
            .iter()
            .map(|f| format!("{}/{}", repo.prefix, f.path))
            .collect();
        let all = repo.files.iter().chain(&inside).map(String::as_str);
        let found = m.matching("", all);
        match m.mode {
            Mode::Require if found.is_empty() => {
                let wanted = m.patterns.join("` or `");
                let up = "../".repeat(repo.prefix.split('/').count());
                vec![self.hit(
                    "Cargo.toml",
                    Region::file_start(),
                    format!("no `{wanted}` in the repository root (`{up}`)"),
                    &[],
                )]
            }
            Mode::Forbid => found
                .iter()
                .filter_map(|f| f.strip_prefix(&format!("{}/", repo.prefix)))
                .map(|f| {
                    self.hit(
                        f,
                        Region::file_start(),
                        format!("`{f}` should not exist"),
                        &[("file", f)],
                    )
                })
                .collect(),
            Mode::Require => Vec::new(),
        }
    }
}

/// Manifest texts, each read once, for locating keys.
struct Manifests<'a> {
    ws: &'a Workspace,
    texts: std::cell::RefCell<std::collections::HashMap<String, std::rc::Rc<Source>>>,
    lock: std::cell::OnceCell<Option<LockFile>>,
}

/// The packages of a `Cargo.lock`: name, the line of its `name = ..`, and the names of its
/// dependencies.
struct LockFile {
    packages: Vec<(String, u32, Vec<String>)>,
}

impl LockFile {
    /// Reads the lock file's `[[package]]` tables line by line (the format cargo writes).
    fn parse(text: &str) -> LockFile {
        let mut packages: Vec<(String, u32, Vec<String>)> = Vec::new();
        let mut in_deps = false;
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line == "[[package]]" || line.starts_with('[') && !in_deps {
                in_deps = false;
                if line == "[[package]]" {
                    packages.push((String::new(), 0, Vec::new()));
                }
                continue;
            }
            let Some(current) = packages.last_mut() else {
                continue;
            };
            if let Some(name) = line.strip_prefix("name = ") {
                current.0 = name.trim_matches('"').to_string();
                current.1 = i as u32 + 1;
            } else if let Some(rest) = line.strip_prefix("dependencies = [") {
                in_deps = !rest.contains(']');
                current.2.extend(quoted_names(rest));
            } else if in_deps {
                in_deps = !line.starts_with(']');
                current.2.extend(quoted_names(line));
            }
        }
        LockFile { packages }
    }

    /// The line of package `name` and the first of its dependencies `wanted` accepts.
    fn depends_on(&self, name: &str, wanted: impl Fn(&str) -> bool) -> Option<(u32, String)> {
        self.packages
            .iter()
            .filter(|(n, _, _)| n == name)
            .find_map(|(_, line, deps)| Some((*line, deps.iter().find(|d| wanted(d))?.clone())))
    }
}

/// The crate names of the quoted entries of a lock file's `dependencies` line (`"a 0.3.1"` →
/// `a`).
fn quoted_names(line: &str) -> impl Iterator<Item = String> + '_ {
    line.split('"')
        .skip(1)
        .step_by(2)
        .filter_map(|entry| entry.split_whitespace().next())
        .map(str::to_string)
}

impl Manifests<'_> {
    /// The workspace's `Cargo.lock`, parsed once (None when there is none).
    fn lock_file(&self) -> Option<&LockFile> {
        self.lock
            .get_or_init(|| {
                let source = self.source("Cargo.lock");
                (!source.text.is_empty()).then(|| LockFile::parse(&source.text))
            })
            .as_ref()
    }

    fn source(&self, file: &str) -> std::rc::Rc<Source> {
        let mut texts = self.texts.borrow_mut();
        let entry = texts.entry(file.to_string()).or_insert_with(|| {
            // Inside the workspace only, a regular file under the size cap.
            let text = crate::guard::contained(&self.ws.root, &self.ws.root, file)
                .ok()
                .and_then(|path| {
                    crate::guard::read_regular_text(&path, crate::guard::MAX_CONFIG_BYTES).ok()
                })
                .unwrap_or_default();
            std::rc::Rc::new(Source::new(file, text))
        });
        std::rc::Rc::clone(entry)
    }

    /// The region of a key in a manifest: its line, from the key to the line's end (line 1
    /// when the key cannot be found).
    fn region(&self, file: &str, path: &[KeySeg]) -> Region {
        let source = self.source(file);
        let (line, column) = if path.is_empty() {
            (1, 1)
        } else {
            source.locate(path, true)
        };
        let width = source
            .text
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.chars().count())
            .unwrap_or(0);
        Region {
            line: line as u32,
            column: column as u32,
            end_line: line as u32,
            end_column: (width + 1).max(column) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::LockFile;

    #[test]
    fn a_lock_file_lists_each_package_s_dependencies_by_name() {
        let lock = "version = 3\n\n[[package]]\nname = \"telemetry-batteries\"\nversion = \"0.1.0\"\n\
                    source = \"git+https://github.com/example/telemetry\"\ndependencies = [\n \"serde\",\n \
                    \"tracing-subscriber 0.3.18\",\n]\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\
                    dependencies = [\"telemetry-batteries\"]\n";
        let parsed = LockFile::parse(lock);
        assert_eq!(
            parsed.depends_on("telemetry-batteries", |n| n == "tracing-subscriber"),
            Some((4, "tracing-subscriber".to_string()))
        );
        assert_eq!(
            parsed.depends_on("app", |n| n == "tracing-subscriber"),
            None
        );
        assert_eq!(
            parsed.depends_on("app", |n| n == "telemetry-batteries"),
            Some((13, "telemetry-batteries".to_string()))
        );
    }
}
