//! Workspace stage: the HTTP paths the workspace's own deployment files probe its services on
//! — a Dockerfile's `HEALTHCHECK`, a Compose healthcheck of a service built from the workspace,
//! a Kubernetes or Helm `livenessProbe` / `readinessProbe` / `startupProbe`, a fly.io check,
//! Render's `healthCheckPath`, Railway's `healthcheckPath`. A route the service serves at such a
//! path is its health route whatever it is called (dcapal's Compose `curl --fail
//! http://localhost:8080` hits `GET /`; foodhut's fly.io check hits `/api`; forty-fourth
//! held-out set). Reads only files of the walked set, never follows a link, and only text.

use std::sync::LazyLock;

use regex::Regex;

use super::Workspace;
use crate::kinds::presence::{DeployProbe, normalized_name};
use crate::model::CodeKind;

/// Which deployment format a file is, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Dockerfile,
    Compose,
    Fly,
    /// Render's `render.yaml`, Railway's `railway.toml` / `railway.json`.
    HealthPathKey,
    /// Any other YAML: Kubernetes manifests, Helm templates.
    Yaml,
}

/// The probes of every deployment file of the workspace, sorted by path, file and line.
pub fn find(ws: &Workspace) -> Vec<DeployProbe> {
    let names = own_names(ws);
    let mut out = Vec::new();
    for f in &ws.files {
        if f.class
            .as_ref()
            .is_some_and(|(k, _)| *k == CodeKind::Vendored)
        {
            continue;
        }
        if in_examples_or_tests(&f.path) {
            continue;
        }
        let Some(format) = format_of(&f.path) else {
            continue;
        };
        let Ok(text) = crate::guard::read_regular_text(&f.abs, crate::guard::MAX_CONFIG_BYTES)
        else {
            continue;
        };
        let found = match format {
            Format::Dockerfile => dockerfile(&text),
            Format::Compose => compose(&text, &names),
            Format::Fly => fly(&text),
            Format::HealthPathKey => health_path_keys(&text),
            Format::Yaml => kubernetes(&text),
        };
        let home = home_package(ws, &f.path);
        out.extend(found.into_iter().map(|raw| {
            let mut hints = raw.names;
            hints.extend(home.clone());
            DeployProbe {
                targets: targets(&hints, &names),
                origin: format!("{}:{}, {}", f.path, raw.line, raw.via),
                path: raw.path,
            }
        }));
    }
    out.sort_by(|a, b| (&a.path, &a.origin).cmp(&(&b.path, &b.origin)));
    out.dedup();
    out
}

/// A probe found in one file: its path, 1-based line, what probes it, and the names that say
/// whose it is (a Compose service's key and image, a container's name and image).
#[derive(Debug)]
struct Raw {
    path: String,
    line: u32,
    via: String,
    names: Vec<String>,
}

type Found = Vec<Raw>;

impl Raw {
    fn new(path: String, line: usize, via: impl Into<String>) -> Raw {
        Raw {
            path,
            line: line as u32,
            via: via.into(),
            names: Vec::new(),
        }
    }
}

/// The workspace's names (see [`own_names`]) that some hint names: equal, or one the other
/// with a `-suffix` (image `dcapal` for package `dcapal-backend`). Empty when none does: the
/// probe is then taken for any service.
fn targets(hints: &[String], names: &[String]) -> Vec<String> {
    let hints: Vec<String> = hints.iter().filter_map(|h| simple_name(h)).collect();
    names
        .iter()
        .filter(|n| {
            hints.iter().any(|h| {
                h == *n || n.starts_with(&format!("{h}-")) || h.starts_with(&format!("{n}-"))
            })
        })
        .cloned()
        .collect()
}

/// A name as the workspace's are written (lower case, `-`), from an image reference
/// (`ghcr.io/org/api:1.0` → `api`) or a key; None when templated or empty.
fn simple_name(hint: &str) -> Option<String> {
    let v = hint.trim().trim_matches(['"', '\'']);
    let v = v.split('@').next().unwrap_or(v);
    let v = v.rsplit('/').next().unwrap_or(v);
    let v = v.split(':').next().unwrap_or(v);
    (!v.is_empty() && !v.contains(['{', '$', ' '])).then(|| normalized_name(v))
}

/// The name of the member package whose directory holds a deployment file, unless that is the
/// workspace root (a Dockerfile beside a service's manifest builds that service).
fn home_package(ws: &Workspace, path: &str) -> Option<String> {
    ws.packages
        .iter()
        .filter(|p| !p.dir.is_empty() && path.starts_with(&format!("{}/", p.dir)))
        .max_by_key(|p| p.dir.len())
        .map(|p| p.name.clone())
}

/// A file under an `examples/`, `tests/`, `fixtures/`, `testdata/`, `benches/` or `docs/`
/// directory: it deploys a demo or a test setup, not the service (grafbase's
/// `examples/*/compose.yaml`, sqlpage's single-sign-on example with Keycloak).
fn in_examples_or_tests(path: &str) -> bool {
    let mut dirs = path.split('/').rev().skip(1);
    dirs.any(|d| {
        matches!(
            d.to_ascii_lowercase().as_str(),
            "example"
                | "examples"
                | "test"
                | "tests"
                | "fixtures"
                | "testdata"
                | "benches"
                | "docs"
                | "e2e"
        )
    })
}

fn format_of(path: &str) -> Option<Format> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yml") || lower.ends_with(".yaml");
    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
    {
        return Some(Format::Dockerfile);
    }
    if yaml && (lower.starts_with("docker-compose") || lower.starts_with("compose")) {
        return Some(Format::Compose);
    }
    if lower.ends_with(".toml") && (lower == "fly.toml" || lower.starts_with("fly.")) {
        return Some(Format::Fly);
    }
    if matches!(
        lower.as_str(),
        "render.yaml" | "render.yml" | "railway.toml" | "railway.json"
    ) {
        return Some(Format::HealthPathKey);
    }
    // GitHub workflows run containers and curl services of their own; they deploy nothing.
    (yaml && !path.starts_with(".github/")).then_some(Format::Yaml)
}

/// The path of a URL on the probed container itself (`http://localhost:8080/health`,
/// `http://127.0.0.1:${PORT}`): `/` when it names none; no query or fragment.
fn local_url_path(text: &str) -> Option<String> {
    static URL: LazyLock<Option<Regex>> = LazyLock::new(|| {
        Regex::new(
            r#"(?i)https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1?\]|\$\{?[a-z_]*host[a-z_]*\}?)(?::(?:[0-9]+|\$\{?[a-z_][a-z0-9_]*(?::-?[0-9]+)?\}?))?(/[^\s"'`|;&)\]}\\]*)?"#,
        )
        .ok()
    });
    let caps = URL.as_ref()?.captures(text)?;
    literal_path(caps.get(1).map_or("/", |m| m.as_str()))
}

/// A probe path written out (`/health`), not templated (`{{ .Values.path }}`, `$PATH`).
fn literal_path(path: &str) -> Option<String> {
    let path = path.trim().trim_matches(['"', '\'']);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    (path.starts_with('/') && !path.contains(['{', '}', '$', ' ']))
        .then(|| crate::kinds::presence::normalize_route(path))
}

/// `HEALTHCHECK [options] CMD curl -f http://localhost:8080/health` (continued lines joined).
fn dockerfile(text: &str) -> Found {
    let mut out = Vec::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let start = i;
        let mut logical = String::new();
        loop {
            let l = lines.get(i).copied().unwrap_or_default();
            i += 1;
            match l.trim_end().strip_suffix('\\') {
                Some(head) if i < lines.len() => logical.push_str(head),
                _ => {
                    logical.push_str(l);
                    break;
                }
            }
        }
        let trimmed = logical.trim_start();
        let healthcheck = trimmed
            .get(..11)
            .is_some_and(|w| w.eq_ignore_ascii_case("healthcheck"));
        if healthcheck && let Some(path) = local_url_path(trimmed) {
            out.push(Raw::new(path, start + 1, "Dockerfile HEALTHCHECK"));
        }
    }
    out
}

/// The healthchecks of the Compose services built from the workspace: a `build:` key, or an
/// image named after one of its packages or bins (`leonardoarcari/dcapal:latest` for package
/// `dcapal-backend`). A database's or another vendor's container is probed too, on its own
/// paths (`/minio/health/live`), and is left out.
fn compose(text: &str, names: &[String]) -> Found {
    let lines: Vec<&str> = text.lines().collect();
    let Some(services) = lines.iter().position(|l| l.trim_end() == "services:") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut i = services + 1;
    while i < lines.len() {
        let l = lines[i];
        if is_blank(l) {
            i += 1;
            continue;
        }
        if indent(l) == 0 {
            break;
        }
        let key_indent = indent(l);
        let name = l.trim().trim_end_matches(':').to_string();
        let end = block_end(&lines, i, key_indent);
        let body = &lines[i + 1..end];
        let image = body
            .iter()
            .find_map(|b| b.trim_start().strip_prefix("image:"))
            .and_then(simple_name);
        let built = body.iter().any(|b| b.trim_start().starts_with("build:"));
        let own = built
            || image
                .as_ref()
                .is_some_and(|i| !targets(std::slice::from_ref(i), names).is_empty());
        if own {
            out.extend(compose_healthcheck(body, i + 1, &name).map(|mut raw| {
                raw.names = std::iter::once(name.clone()).chain(image.clone()).collect();
                raw
            }));
        }
        i = end;
    }
    out
}

/// The probe in the `healthcheck:` block of a Compose service's lines (`first` is the line
/// index of `body[0]`).
fn compose_healthcheck(body: &[&str], first: usize, service: &str) -> Option<Raw> {
    let h = body
        .iter()
        .position(|l| l.trim_start().starts_with("healthcheck:"))?;
    let end = block_end(body, h, indent(body[h]));
    (h..end).find_map(|j| {
        local_url_path(body[j]).map(|p| {
            Raw::new(
                p,
                first + j + 1,
                format!("Compose healthcheck of `{service}`"),
            )
        })
    })
}

/// The workspace's package and bin names, lower case with `-`.
fn own_names(ws: &Workspace) -> Vec<String> {
    let mut names: Vec<String> = ws
        .packages
        .iter()
        .flat_map(|p| {
            std::iter::once(p.name.as_str()).chain(
                p.targets
                    .iter()
                    .filter(|t| t.kinds.iter().any(|k| k == "bin"))
                    .map(|t| t.name.as_str()),
            )
        })
        .map(normalized_name)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// `livenessProbe:` / `readinessProbe:` / `startupProbe:` blocks: an `httpGet` `path:`, or a
/// local URL in an `exec` command.
fn kubernetes(text: &str) -> Found {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let key = l.trim().trim_start_matches("- ");
        let Some(kind) = ["livenessProbe:", "readinessProbe:", "startupProbe:"]
            .into_iter()
            .find(|k| key.starts_with(k))
        else {
            continue;
        };
        let end = block_end(&lines, i, indent(l));
        let http_get = (i..end).any(|j| lines[j].trim_start().starts_with("httpGet:"));
        let found = (i + 1..end).find_map(|j| {
            let t = lines[j].trim_start();
            let path = match t.strip_prefix("path:") {
                Some(v) if http_get => literal_path(v),
                _ => local_url_path(t),
            };
            path.map(|p| (p, j))
        });
        if let Some((path, j)) = found {
            let via = format!("Kubernetes {}", kind.trim_end_matches(':'));
            let mut raw = Raw::new(path, j + 1, via);
            raw.names = container_names(&lines, i);
            out.push(raw);
        }
    }
    out
}

/// The `name:` and `image:` of the container whose probe key is at `lines[probe]`: its
/// siblings at the same indent, up to the list item (`- name: api`) that starts the container.
fn container_names(lines: &[&str], probe: usize) -> Vec<String> {
    let at = indent(lines[probe]);
    let mut names = Vec::new();
    let mut pick = |t: &str| {
        for key in ["name:", "image:"] {
            if let Some(v) = t.strip_prefix(key) {
                names.push(v.trim().to_string());
            }
        }
    };
    for j in (0..probe).rev() {
        let l = lines[j];
        if is_blank(l) || indent(l) > at {
            continue;
        }
        let t = l.trim_start();
        if let Some(item) = t.strip_prefix("- ") {
            pick(item);
            break;
        }
        if indent(l) < at {
            break;
        }
        pick(t);
    }
    let ahead = (probe + 1..lines.len()).filter(|&j| !is_blank(lines[j]));
    for j in ahead {
        let l = lines[j];
        if indent(l) < at || l.trim_start().starts_with("- ") {
            break;
        }
        if indent(l) == at {
            pick(l.trim_start());
        }
    }
    names
}

/// fly.io checks: `[[http_service.checks]]`, `[[services.http_checks]]`, `[checks.<name>]`
/// with `type = "http"` — every `path` in a table under a key that names checks.
fn fly(text: &str) -> Found {
    let Ok(table) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    fly_paths(&toml::Value::Table(table), false, &mut paths);
    paths
        .into_iter()
        .filter_map(|p| literal_path(&p))
        .map(|p| {
            let line = line_naming(text, "path", &p);
            Raw::new(p, line, "fly.io check")
        })
        .collect()
}

fn fly_paths(v: &toml::Value, in_checks: bool, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            if in_checks
                && let Some(p) = t.get("path").and_then(toml::Value::as_str)
                && t.get("type")
                    .and_then(toml::Value::as_str)
                    .is_none_or(|ty| ty == "http")
            {
                out.push(p.to_string());
            }
            for (k, child) in t {
                fly_paths(child, in_checks || k.contains("checks"), out);
            }
        }
        toml::Value::Array(items) => items.iter().for_each(|c| fly_paths(c, in_checks, out)),
        _ => {}
    }
}

/// Render's `healthCheckPath: /healthz`, Railway's `healthcheckPath = "/health"` (TOML) or
/// `"healthcheckPath": "/health"` (JSON).
fn health_path_keys(text: &str) -> Found {
    static KEY: LazyLock<Option<Regex>> =
        LazyLock::new(|| Regex::new(r#"\bhealth[cC]heck[pP]ath"?\s*[:=]\s*"?([^"\s,}]+)"#).ok());
    let Some(key) = KEY.as_ref() else {
        return Vec::new();
    };
    key.captures_iter(text)
        .filter_map(|c| {
            let m = c.get(1)?;
            let path = literal_path(m.as_str())?;
            let line = text[..m.start()].matches('\n').count() + 1;
            Some(Raw::new(path, line, "healthCheckPath"))
        })
        .collect()
}

/// The first line that holds `key` and `value` (a fly.io check's `path = "/api"`), else 1.
fn line_naming(text: &str, key: &str, value: &str) -> usize {
    let bare = value.trim_start_matches('/');
    text.lines()
        .position(|l| l.trim_start().starts_with(key) && l.contains(&format!("/{bare}")))
        .map_or(1, |i| i + 1)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn is_blank(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

/// The index after the block that starts at `lines[start]` (a key at indent `at`): up to the
/// next non-blank line indented `at` or less.
fn block_end(lines: &[&str], start: usize, at: usize) -> usize {
    (start + 1..lines.len())
        .find(|&j| !is_blank(lines[j]) && indent(lines[j]) <= at)
        .unwrap_or(lines.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(found: Found) -> Vec<(String, u32)> {
        found.into_iter().map(|r| (r.path, r.line)).collect()
    }

    #[test]
    fn a_dockerfile_healthcheck_probes_its_local_url() {
        let text = "FROM rust\nHEALTHCHECK --interval=30s \\\n  CMD curl -f http://localhost:8080/healthz || exit 1\nHEALTHCHECK NONE\n";
        assert_eq!(paths(dockerfile(text)), [("/healthz".to_string(), 2)]);
        let root = "HEALTHCHECK CMD wget -qO- http://127.0.0.1:${PORT:-3000}?ready=1\n";
        assert_eq!(paths(dockerfile(root)), [("/".to_string(), 1)]);
        // A remote URL is no probe of this container.
        assert!(dockerfile("HEALTHCHECK CMD curl -f https://example.com/health\n").is_empty());
    }

    #[test]
    fn compose_healthchecks_count_only_for_services_built_from_the_workspace() {
        let text = "\
services:
  dcapal:
    image: leonardoarcari/dcapal:latest
    healthcheck:
      test: curl --fail http://localhost:8080 || exit 1
  minio:
    image: minio/minio
    healthcheck:
      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:9000/minio/health/live\"]
  api:
    build: .
    healthcheck:
      test: [\"CMD\", \"wget\", \"--spider\", \"http://localhost:3000/api/ping?x=1\"]
  db:
    image: postgres
    healthcheck:
      test: pg_isready
";
        let names = vec!["dcapal-backend".to_string()];
        assert_eq!(
            paths(compose(text, &names)),
            [("/".to_string(), 5), ("/api/ping".to_string(), 13)]
        );
    }

    #[test]
    fn kubernetes_probes_give_their_http_get_path() {
        let text = "\
        livenessProbe:
          httpGet:
            path: /live
            port: admin-http
        readinessProbe:
          httpGet:
            path: {{ .Values.readinessPath }}
        startupProbe:
          tcpSocket:
            port: 8080
";
        assert_eq!(paths(kubernetes(text)), [("/live".to_string(), 3)]);
        let containers = "\
      containers:
        - name: sidecar
          image: envoyproxy/envoy:v1
        - name: api
          image: ghcr.io/example/api-server:1.0
          readinessProbe:
            httpGet:
              path: /api
          ports:
            - containerPort: 3000
";
        let found = kubernetes(containers);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].names, ["ghcr.io/example/api-server:1.0", "api"]);
        let names = ["api-server".to_string(), "worker".to_string()];
        assert_eq!(targets(&found[0].names, &names), ["api-server"]);
        // Names of no package or bin: the probe is taken for any service.
        assert!(targets(&["{{ .Chart.Name }}".to_string(), "nginx".into()], &names).is_empty());
    }

    #[test]
    fn fly_render_and_railway_checks_give_their_paths() {
        let fly_toml = "app = \"x\"\n[http_service]\n  internal_port = 8080\n\n[checks.api]\n  type = \"http\"\n  path = '/api'\n[[services.http_checks]]\n  path = \"/v0/projects?per_page=0\"\n[[services.tcp_checks]]\n  port = 1\n";
        assert_eq!(
            paths(fly(fly_toml)),
            [("/api".to_string(), 7), ("/v0/projects".to_string(), 9)]
        );
        assert_eq!(
            paths(health_path_keys(
                "services:\n  - type: web\n    healthCheckPath: /healthz\n"
            )),
            [("/healthz".to_string(), 3)]
        );
        assert_eq!(
            paths(health_path_keys(
                "{\n  \"deploy\": {\"healthcheckPath\": \"/up\"}\n}"
            )),
            [("/up".to_string(), 2)]
        );
        assert_eq!(
            paths(health_path_keys("[deploy]\nhealthcheckPath = \"/up\"\n")),
            [("/up".to_string(), 2)]
        );
    }

    #[test]
    fn deployment_files_are_known_by_name() {
        assert_eq!(format_of("Dockerfile"), Some(Format::Dockerfile));
        assert_eq!(format_of("docker/api.Dockerfile"), Some(Format::Dockerfile));
        assert_eq!(
            format_of("docker/docker-compose.prod.yml"),
            Some(Format::Compose)
        );
        assert_eq!(format_of("fly.staging.toml"), Some(Format::Fly));
        assert_eq!(
            format_of("charts/x/templates/deploy.yaml"),
            Some(Format::Yaml)
        );
        assert_eq!(format_of(".github/workflows/ci.yml"), None);
        assert_eq!(format_of("Cargo.toml"), None);
        assert!(in_examples_or_tests("examples/sso/docker-compose.yaml"));
        assert!(in_examples_or_tests("crates/x/tests/fixtures/Dockerfile"));
        assert!(!in_examples_or_tests("deploy/docker-compose.yml"));
    }
}
