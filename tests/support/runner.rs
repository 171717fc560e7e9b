//! A simulated GitHub runner for the composite action: runs action.yml's steps in order with
//! the runner's environment (temp files for `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY`, …;
//! `RUNNER_OS=Linux`, `RUNNER_ARCH=X64`), evaluates `if:` and `${{ }}` as the runner does, and
//! stands in for the `uses:` actions: actions/cache/restore and /save over a cache directory
//! that outlives one job, codeql-action/upload-sarif recording what it would upload. `cargo` is
//! a logging wrapper around the real one that answers `cargo install` by "building" a script
//! that runs the binary under test.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

use super::expr::{self, Context};

/// One job running the action once.
pub struct Job {
    pub action_dir: PathBuf,
    pub workspace: PathBuf,
    pub inputs: Vec<(String, String)>,
    pub releases_url: String,
    /// The cache service's storage (share it between jobs to model later runs).
    pub cache: PathBuf,
    pub event_name: String,
    /// Stop after this step (by id).
    pub stop_after: Option<String>,
}

impl Job {
    pub fn new(action_dir: &Path, workspace: &Path, releases_url: &str, cache: &Path) -> Job {
        Job {
            action_dir: action_dir.to_path_buf(),
            workspace: workspace.to_path_buf(),
            inputs: Vec::new(),
            releases_url: releases_url.to_string(),
            cache: cache.to_path_buf(),
            event_name: "push".into(),
            stop_after: None,
        }
    }

    pub fn stop_after(mut self, id: &str) -> Job {
        self.stop_after = Some(id.into());
        self
    }

    pub fn input(mut self, name: &str, value: &str) -> Job {
        self.inputs.push((name.into(), value.into()));
        self
    }
}

/// One invocation of `cargo`.
#[derive(Debug)]
pub struct CargoCall {
    pub cwd: String,
    pub toolchain: String,
    pub args: String,
}

/// What the job did.
pub struct Outcome {
    /// Step id (or `#<n>`) and outcome (`success`, `failure`, `skipped`), in order.
    pub steps: Vec<(String, String)>,
    pub outputs: HashMap<String, String>,
    pub step_outputs: HashMap<String, HashMap<String, String>>,
    pub summary: String,
    /// Standard output of each step that ran, by id.
    pub stdout: HashMap<String, String>,
    /// SARIF files handed to upload-sarif, with their category.
    pub uploads: Vec<(PathBuf, String)>,
    pub failed: bool,
    pub cargo: Vec<CargoCall>,
    pub temp: tempfile::TempDir,
}

impl Outcome {
    pub fn outcome(&self, id: &str) -> &str {
        self.steps
            .iter()
            .find(|(s, _)| s == id)
            .map_or("missing", |(_, o)| o.as_str())
    }

    pub fn position(&self, id: &str) -> usize {
        self.steps.iter().position(|(s, _)| s == id).unwrap()
    }
}

struct State<'a> {
    job: &'a Job,
    inputs: HashMap<String, String>,
    steps: HashMap<String, (HashMap<String, String>, String)>,
    failed: bool,
}

impl Context for State<'_> {
    fn lookup(&self, path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self.inputs.get(*name).cloned().unwrap_or_else(|| {
                panic!("action.yml reads undeclared input {name}");
            }),
            ["steps", id, "outputs", name] => self
                .steps
                .get(*id)
                .and_then(|(o, _)| o.get(*name).cloned())
                .unwrap_or_default(),
            ["steps", id, "outcome" | "conclusion"] => self
                .steps
                .get(*id)
                .map(|(_, o)| o.clone())
                .unwrap_or_default(),
            ["github", "event", ..] => String::new(),
            _ => panic!("unsupported context path {path}"),
        }
    }

    fn failed(&self) -> bool {
        self.failed
    }
}

/// A script standing in for a cargo-ready binary: runs the binary under test.
pub fn wrapper() -> String {
    format!(
        "#!/bin/sh\nexec '{}' \"$@\"\n",
        env!("CARGO_BIN_EXE_cargo-ready")
    )
}

pub fn load_action(dir: &Path) -> Yaml {
    let text = std::fs::read_to_string(dir.join("action.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

/// Runs every step of the action, as the runner would.
pub fn run(job: &Job) -> Outcome {
    let action = load_action(&job.action_dir);
    let temp = tempfile::tempdir().unwrap();
    let dirs = Dirs::new(temp.path());
    let mut state = State {
        job,
        inputs: inputs(&action, &job.inputs),
        steps: HashMap::new(),
        failed: false,
    };
    let mut out = Outcome {
        steps: Vec::new(),
        outputs: HashMap::new(),
        step_outputs: HashMap::new(),
        summary: String::new(),
        stdout: HashMap::new(),
        uploads: Vec::new(),
        failed: false,
        cargo: Vec::new(),
        temp,
    };
    for (i, step) in action["runs"]["steps"].as_vec().unwrap().iter().enumerate() {
        let id = step["id"].as_str().map_or(format!("#{i}"), str::to_string);
        if !expr::step_runs(step["if"].as_str(), &state) {
            state
                .steps
                .insert(id.clone(), (HashMap::new(), "skipped".into()));
            out.steps.push((id, "skipped".into()));
            continue;
        }
        let (outputs, ok) = if step["uses"].is_badvalue() {
            run_step(&state, step, &id, &dirs, &mut out)
        } else {
            uses_step(&state, step, &mut out)
        };
        let outcome = if ok { "success" } else { "failure" };
        state.failed |= !ok;
        out.step_outputs.insert(id.clone(), outputs.clone());
        state.steps.insert(id.clone(), (outputs, outcome.into()));
        out.steps.push((id.clone(), outcome.into()));
        if job.stop_after.as_deref() == Some(id.as_str()) {
            break;
        }
    }
    for (k, v) in action["outputs"].as_hash().unwrap() {
        let value = expr::expand(v["value"].as_str().unwrap(), &state);
        out.outputs.insert(k.as_str().unwrap().to_string(), value);
    }
    out.failed = state.failed;
    out.summary = std::fs::read_to_string(&dirs.summary).unwrap_or_default();
    out.cargo = cargo_calls(&dirs.cargo_log);
    out
}

fn inputs(action: &Yaml, given: &[(String, String)]) -> HashMap<String, String> {
    let mut inputs = HashMap::new();
    for (k, v) in action["inputs"].as_hash().unwrap() {
        let default = v["default"].as_str().unwrap_or("").to_string();
        inputs.insert(k.as_str().unwrap().to_string(), default);
    }
    for (k, v) in given {
        assert!(inputs.contains_key(k), "unknown input {k}");
        inputs.insert(k.clone(), v.clone());
    }
    inputs
}

/// The runner's directories and the mock `cargo`.
struct Dirs {
    root: PathBuf,
    runner_temp: PathBuf,
    home: PathBuf,
    mock_bin: PathBuf,
    summary: PathBuf,
    cargo_log: PathBuf,
}

impl Dirs {
    fn new(root: &Path) -> Dirs {
        let d = Dirs {
            root: root.to_path_buf(),
            runner_temp: root.join("runner-temp"),
            home: root.join("home"),
            mock_bin: root.join("mock-bin"),
            summary: root.join("summary.md"),
            cargo_log: root.join("cargo.log"),
        };
        for dir in [&d.runner_temp, &d.home, &d.mock_bin] {
            std::fs::create_dir_all(dir).unwrap();
        }
        let built = d.mock_bin.join("built-cargo-ready");
        write_executable(&built, &wrapper());
        let cargo = format!(
            r#"#!/usr/bin/env bash
printf '%s\t%s\t%s\n' "$PWD" "${{RUSTUP_TOOLCHAIN:-}}" "$*" >> '{log}'
if [ "${{1:-}}" = install ]; then
  root=""
  while [ $# -gt 0 ]; do [ "$1" = --root ] && root="$2"; shift; done
  mkdir -p "$root/bin" && cp '{built}' "$root/bin/cargo-ready"
  exit 0
fi
exec '{real}' "$@"
"#,
            log = d.cargo_log.display(),
            built = built.display(),
            real = real_cargo().display(),
        );
        write_executable(&d.mock_bin.join("cargo"), &cargo);
        d
    }
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// The `cargo` on PATH (the rustup proxy, which honours RUSTUP_TOOLCHAIN and toolchain files).
fn real_cargo() -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("cargo"))
        .find(|p| p.is_file())
        .expect("cargo on PATH")
}

fn cargo_calls(log: &Path) -> Vec<CargoCall> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| {
            let mut f = l.splitn(3, '\t');
            CargoCall {
                cwd: f.next().unwrap_or("").into(),
                toolchain: f.next().unwrap_or("").into(),
                args: f.next().unwrap_or("").into(),
            }
        })
        .collect()
}

fn run_step(
    state: &State,
    step: &Yaml,
    id: &str,
    dirs: &Dirs,
    out: &mut Outcome,
) -> (HashMap<String, String>, bool) {
    assert_eq!(step["shell"].as_str(), Some("bash"), "step {id}: shell");
    let job = state.job;
    let script = dirs.root.join(format!("step-{id}.sh"));
    std::fs::write(&script, expr::expand(step["run"].as_str().unwrap(), state)).unwrap();
    let output_file = dirs.root.join(format!("step-{id}.output"));
    std::fs::write(&output_file, "").unwrap();
    let mut cmd = Command::new("bash");
    cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(&job.workspace);
    runner_env(&mut cmd, job, dirs, &output_file);
    if let Some(env) = step["env"].as_hash() {
        for (k, v) in env {
            cmd.env(
                k.as_str().unwrap(),
                expr::expand(v.as_str().unwrap_or(""), state),
            );
        }
    }
    let result = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&result.stdout).into_owned();
    eprintln!(
        "--- step {id}: {}\n{stdout}{}",
        result.status,
        String::from_utf8_lossy(&result.stderr)
    );
    out.stdout.insert(id.to_string(), stdout);
    let outputs = std::fs::read_to_string(&output_file)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    (outputs, result.status.success())
}

/// The environment the runner gives a `run:` step (plus the release server's URL).
fn runner_env(cmd: &mut Command, job: &Job, dirs: &Dirs, output_file: &Path) {
    let real_home = PathBuf::from(std::env::var("HOME").unwrap());
    let rustup_home =
        std::env::var_os("RUSTUP_HOME").map_or(real_home.join(".rustup"), PathBuf::from);
    let cargo_home = std::env::var_os("CARGO_HOME").map_or(real_home.join(".cargo"), PathBuf::from);
    let path = format!(
        "{}:{}",
        dirs.mock_bin.display(),
        std::env::var("PATH").unwrap()
    );
    cmd.env("PATH", path)
        .env("HOME", &dirs.home)
        .env("RUSTUP_HOME", rustup_home)
        .env("CARGO_HOME", cargo_home)
        .env("GITHUB_ACTION_PATH", &job.action_dir)
        .env("GITHUB_WORKSPACE", &job.workspace)
        .env("GITHUB_OUTPUT", output_file)
        .env("GITHUB_STEP_SUMMARY", &dirs.summary)
        .env("GITHUB_PATH", dirs.root.join("path.txt"))
        .env("GITHUB_EVENT_NAME", &job.event_name)
        .env("RUNNER_TEMP", &dirs.runner_temp)
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "octo/svc")
        .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
        .env("CARGO_READY_RELEASES_URL", &job.releases_url)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("RUSTUP_TOOLCHAIN")
        .env_remove("GITHUB_BASE_REF")
        .env_remove("CARGO_READY_PATH_PREFIX")
        .env_remove("CARGO_READY_SARIF_CATEGORY");
}

/// The `uses:` steps: the cache service and the SARIF upload.
fn uses_step(state: &State, step: &Yaml, out: &mut Outcome) -> (HashMap<String, String>, bool) {
    let uses = step["uses"].as_str().unwrap();
    let with = |k: &str| expr::expand(step["with"][k].as_str().unwrap_or(""), state);
    let name = uses.split('@').next().unwrap();
    let mut outputs = HashMap::new();
    match name {
        "actions/cache/restore" => {
            let stored = state.job.cache.join(with("key"));
            let hit = stored.is_dir();
            if hit {
                copy_dir(&stored, Path::new(&with("path")));
            }
            outputs.insert("cache-hit".to_string(), hit.to_string());
        }
        "actions/cache/save" => {
            let stored = state.job.cache.join(with("key"));
            if !stored.exists() {
                copy_dir(Path::new(&with("path")), &stored);
            }
        }
        "github/codeql-action/upload-sarif" => {
            let file = PathBuf::from(with("sarif_file"));
            let text = std::fs::read_to_string(&file).unwrap();
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
            out.uploads.push((file, with("category")));
        }
        other => panic!("no stand-in for the action {other}"),
    }
    (outputs, true)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let status = Command::new("cp")
        .arg("-R")
        .arg(format!("{}/.", from.display()))
        .arg(to)
        .status()
        .unwrap();
    assert!(status.success());
}
