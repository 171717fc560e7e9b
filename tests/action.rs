//! Runs the `run:` steps of `action.yml` under a simulated GitHub runner: temp files for
//! `GITHUB_OUTPUT`, `GITHUB_STEP_SUMMARY` and `GITHUB_PATH`, `GITHUB_ACTION_PATH` = this repo,
//! `cargo-ready` on `PATH` = the binary under test. `uses:` steps (cache, SARIF upload) and the
//! install step are skipped; `${{ inputs.* }}` and `${{ steps.*.outputs.* }}` are substituted
//! the way the runner does before a step starts.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use yaml_rust2::{Yaml, YamlLoader};

const FIXTURE: &str = "tests/fixtures/outputs-all";

struct Runner {
    root: PathBuf,
    temp: tempfile::TempDir,
    inputs: HashMap<String, String>,
    outputs: HashMap<String, HashMap<String, String>>,
}

/// What one simulated run produced.
struct Run {
    exits: Vec<(String, i32)>,
    outputs: HashMap<String, String>,
    summary: String,
    annotations: String,
    /// Holds the output files until the test is done.
    _temp: tempfile::TempDir,
}

impl Runner {
    fn new(action: &Yaml, given: &[(&str, &str)]) -> Runner {
        let mut inputs = HashMap::new();
        for (k, v) in action["inputs"].as_hash().unwrap() {
            let default = v["default"].as_str().unwrap_or("").to_string();
            inputs.insert(k.as_str().unwrap().to_string(), default);
        }
        for (k, v) in given {
            assert!(inputs.contains_key(*k), "unknown input {k}");
            inputs.insert(k.to_string(), v.to_string());
        }
        Runner {
            root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
            temp: tempfile::tempdir().unwrap(),
            inputs,
            outputs: HashMap::new(),
        }
    }

    fn file(&self, name: &str) -> PathBuf {
        self.temp.path().join(name)
    }

    /// Replaces `${{ inputs.x }}` and `${{ steps.s.outputs.x }}`.
    fn expand(&self, text: &str) -> String {
        let re = regex::Regex::new(
            r"\$\{\{\s*(?:inputs\.([\w-]+)|steps\.([\w-]+)\.outputs\.([\w-]+))\s*\}\}",
        )
        .unwrap();
        re.replace_all(text, |c: &regex::Captures| {
            match (c.get(1), c.get(2), c.get(3)) {
                (Some(i), _, _) => self.inputs[i.as_str()].clone(),
                (_, Some(s), Some(o)) => self
                    .outputs
                    .get(s.as_str())
                    .and_then(|m| m.get(o.as_str()))
                    .cloned()
                    .unwrap_or_default(),
                _ => unreachable!(),
            }
        })
        .into_owned()
    }

    fn run_step(&mut self, step: &Yaml, index: usize) -> i32 {
        let id = step["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or(format!("step{index}"));
        assert_eq!(
            step["shell"].as_str(),
            Some("bash"),
            "step {id} needs shell: bash"
        );
        let script = self.file(&format!("{id}.sh"));
        std::fs::write(&script, self.expand(step["run"].as_str().unwrap())).unwrap();
        let output_file = self.file(&format!("{id}.output"));
        std::fs::write(&output_file, "").unwrap();
        let bin_dir = Path::new(env!("CARGO_BIN_EXE_cargo-ready"))
            .parent()
            .unwrap();
        let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap());
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script)
            .current_dir(&self.root)
            .env("PATH", path)
            .env("HOME", self.temp.path())
            .env("GITHUB_ACTION_PATH", &self.root)
            .env("GITHUB_WORKSPACE", &self.root)
            .env("GITHUB_OUTPUT", &output_file)
            .env("GITHUB_STEP_SUMMARY", self.file("summary.md"))
            .env("GITHUB_PATH", self.file("path.txt"))
            .env("RUNNER_TEMP", self.temp.path())
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_REPOSITORY", "octo/svc")
            .env("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567")
            .env_remove("CARGO_READY_PATH_PREFIX")
            .env_remove("CARGO_READY_SARIF_CATEGORY");
        if let Some(env) = step["env"].as_hash() {
            for (k, v) in env {
                cmd.env(k.as_str().unwrap(), self.expand(v.as_str().unwrap_or("")));
            }
        }
        let out = cmd.output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        std::fs::write(self.file(&format!("{id}.stdout")), &stdout).unwrap();
        eprintln!(
            "--- step {id}: {}\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&output_file).unwrap();
        let map = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.outputs.insert(id, map);
        out.status.code().unwrap_or(-1)
    }

    fn run(mut self, action: &Yaml) -> Run {
        let mut exits = Vec::new();
        for (i, step) in action["runs"]["steps"].as_vec().unwrap().iter().enumerate() {
            let id = step["id"].as_str().unwrap_or("").to_string();
            if !step["uses"].is_badvalue() || id == "install" {
                continue;
            }
            let code = self.run_step(step, i);
            exits.push((id, code));
            if code != 0 {
                break; // the runner stops at the first failing step
            }
        }
        // Action outputs: `value: ${{ steps.scan.outputs.x }}`.
        let outputs = action["outputs"]
            .as_hash()
            .unwrap()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().unwrap().to_string(),
                    self.expand(v["value"].as_str().unwrap()),
                )
            })
            .collect();
        let summary = std::fs::read_to_string(self.file("summary.md")).unwrap_or_default();
        let annotations = std::fs::read_to_string(self.file("scan.stdout")).unwrap_or_default();
        Run {
            exits,
            outputs,
            summary,
            annotations,
            _temp: self.temp,
        }
    }
}

fn action() -> Yaml {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    YamlLoader::load_from_str(&text).unwrap().remove(0)
}

#[test]
fn action_run_steps_under_a_simulated_runner() {
    let action = action();
    let run = Runner::new(
        &action,
        &[("working-directory", FIXTURE), ("category", "fixture")],
    )
    .run(&action);
    println!("=== GITHUB_STEP_SUMMARY ===\n{}", run.summary);
    // The scan step succeeds even though the gate fails; the last step fails the job.
    let exits: Vec<(&str, i32)> = run.exits.iter().map(|(s, c)| (s.as_str(), *c)).collect();
    assert_eq!(exits, [("path", 0), ("scan", 0), ("gate", 1)]);
    assert_eq!(run.outputs["status"], "not-ready");
    let score: u32 = run.outputs["score"].parse().unwrap();
    assert!(score <= 100);
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&run.outputs["sarif-file"]).unwrap())
            .unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "cargo-ready/fixture/"
    );
    // Paths are relative to the repository root, not to the working directory.
    let uri = results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.starts_with("tests/fixtures/outputs-all/"), "{uri}");
    assert!(Path::new(&run.outputs["badge-svg"]).is_file());
    assert!(Path::new(&run.outputs["badge-json"]).is_file());
    assert!(run.summary.contains("cargo-ready: ") && run.summary.contains("NOT READY"));
    assert!(run.summary.contains("| **Overall** |"));
    assert!(run.summary.contains(
        "(https://github.com/octo/svc/blob/0123456789abcdef0123456789abcdef01234567/tests/fixtures/outputs-all/scripts/deploy.py#L3)"
    ));
    // Errors come first, in report order; annotation paths are repository-relative too.
    // (the blocking call on main.rs:12 runs at startup: a note, after the warnings)
    assert!(
        run.annotations
            .starts_with("::error file=tests/fixtures/outputs-all/scripts/deploy.py,line=3,"),
        "{}",
        run.annotations
    );
}

#[test]
fn action_gate_passes_and_badges_can_be_turned_off() {
    let action = action();
    let given = [
        ("working-directory", FIXTURE),
        ("fail-on", "never"),
        ("badge", "false"),
    ];
    let run = Runner::new(&action, &given).run(&action);
    let exits: Vec<(&str, i32)> = run.exits.iter().map(|(s, c)| (s.as_str(), *c)).collect();
    assert_eq!(exits, [("path", 0), ("scan", 0), ("gate", 0)]);
    assert_eq!(run.outputs["badge-svg"], "");
    assert!(Path::new(&run.outputs["sarif-file"]).is_file());
}
