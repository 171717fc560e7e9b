//! The `cargo-ready` binary: parses the command line, runs the pipeline, owns stdout/stderr.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use cargo_ready::cli::{Cli, ColorChoice, Command, GlobalArgs};
use cargo_ready::config::{self, CheckDef};
use cargo_ready::guard::{visible, visible_lines};
use cargo_ready::render::{self, Format, RenderOptions};
use cargo_ready::{Error, Options, Selection, exit};
use clap::Parser;

fn main() -> ExitCode {
    // The global pool too gets a clamped thread count (`RAYON_NUM_THREADS` is not trusted).
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(cargo_ready::rust::thread_count())
        .build_global();
    let cli = Cli::parse_from(cargo_ready::cli::normalize_args(std::env::args_os()));
    let code = match run(&cli) {
        Ok(code) => code,
        // Errors quote repository text (keys, paths, cargo's messages): every line is printed
        // with control characters made visible and no line can pass for a workflow command.
        Err(e @ Error::Config(_)) => {
            let _ = writeln!(io::stderr(), "{}", visible_lines(&e.to_string()));
            e.exit_code()
        }
        Err(e) => {
            let _ = writeln!(io::stderr(), "{}", visible_lines(&format!("error: {e}")));
            e.exit_code()
        }
    };
    ExitCode::from(code as u8)
}

fn run(cli: &Cli) -> Result<i32, Error> {
    match &cli.command {
        None | Some(Command::Check) => check(&cli.global),
        Some(Command::List) => with_stdout(&cli.global, |out| {
            let (defs, enabled) = catalogue(&cli.global)?;
            list(&defs, enabled.as_ref(), out)
        }),
        Some(Command::Explain { check }) => with_stdout(&cli.global, |out| {
            explain(&catalogue(&cli.global)?.0, check, out)
        }),
    }
}

fn check(g: &GlobalArgs) -> Result<i32, Error> {
    let opts = Options {
        manifest_path: g.manifest_path.clone(),
        selection: Selection {
            include: g.packages.clone(),
            exclude: g.exclude.clone(),
        },
        overrides: config::CliOverrides {
            policies: g.policies.clone(),
            fail_on: g.fail_on,
            min_score: g.min_score,
        },
        baseline: g.baseline.clone(),
        diff_base: g.diff_base.clone(),
    };
    let spinner = spinner(g.quiet);
    let analyzed = cargo_ready::analyze(&opts);
    spinner.finish_and_clear();
    let (report, stats) = analyzed?;
    let render_opts = RenderOptions {
        color: use_color(g.color),
        verbose: g.verbose,
        ..github_render_options()
    };
    for (format, path) in &g.outputs {
        write_file(*format, path, &stats.workspace_root, &report, &render_opts)?;
    }
    with_stdout(g, |out| {
        render::render(g.format, &report, &render_opts, out).map_err(write_error)
    })?;
    if g.verbose {
        let _ = writeln!(
            io::stderr(),
            "scanned {} of {} files in {:.2?}",
            stats.files_scanned,
            stats.files,
            stats.scan_time
        );
        for (file, time) in stats.slowest.iter().take(5) {
            let _ = writeln!(io::stderr(), "  {time:>10.2?}  {}", visible(file));
        }
    }
    Ok(if report.gate.passed {
        exit::PASSED
    } else {
        exit::GATE_FAILED
    })
}

/// A spinner on stderr while the scan runs (hidden when stderr is not a terminal or with -q).
fn spinner(quiet: bool) -> indicatif::ProgressBar {
    use std::io::IsTerminal;
    if quiet || !io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new_spinner().with_message("scanning the workspace…");
    bar.enable_steady_tick(std::time::Duration::from_millis(100));
    bar
}

/// Render options taken from the environment (the renderers stay pure): the SARIF category
/// (`CARGO_READY_SARIF_CATEGORY`), the workspace's path in the repository
/// (`CARGO_READY_PATH_PREFIX`) and line links from `GITHUB_SERVER_URL`/`GITHUB_REPOSITORY`/
/// `GITHUB_SHA`.
fn github_render_options() -> RenderOptions {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let blob_url = match (
        var("GITHUB_SERVER_URL"),
        var("GITHUB_REPOSITORY"),
        var("GITHUB_SHA"),
    ) {
        (Some(server), Some(repo), Some(sha)) => Some(format!(
            "{}/{}/blob/{}",
            server.trim_end_matches('/'),
            repo.trim_matches('/'),
            sha.trim()
        )),
        _ => None,
    };
    RenderOptions {
        category: var("CARGO_READY_SARIF_CATEGORY"),
        path_prefix: var("CARGO_READY_PATH_PREFIX").unwrap_or_default(),
        blob_url,
        ..RenderOptions::default()
    }
}

/// The catalogue as configured for the current workspace, with the ids its configuration
/// enables; outside a workspace, the built-ins (and no enabled set).
fn catalogue(g: &GlobalArgs) -> Result<(Vec<CheckDef>, Option<HashSet<String>>), Error> {
    let ws = cargo_ready::workspace::load(g.manifest_path.as_deref(), &Selection::default());
    match ws {
        Ok(ws) => {
            let overrides = config::CliOverrides {
                policies: g.policies.clone(),
                ..Default::default()
            };
            let config = config::load(&ws.root, &overrides)?;
            let enabled = config.checks.iter().map(|c| c.id.clone()).collect();
            Ok((config.catalogue, Some(enabled)))
        }
        Err(_) => Ok((config::builtin_catalogue()?, None)),
    }
}

fn list(
    defs: &[CheckDef],
    enabled: Option<&HashSet<String>>,
    out: &mut dyn Write,
) -> Result<(), Error> {
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::NOTHING);
    t.set_header(["ID", "CATEGORY", "SEVERITY", "KIND", "ON", "TITLE"]);
    for d in defs {
        let on = match enabled {
            Some(set) if set.contains(&d.id) => "yes",
            Some(_) => "no",
            None => "-",
        };
        t.add_row([
            d.id.as_str(),
            &visible(&d.category),
            d.severity.as_str(),
            &d.kind,
            on,
            &visible(&d.title),
        ]);
    }
    let lines: Vec<String> = t
        .to_string()
        .lines()
        .map(|l| l.strip_prefix(" ").unwrap_or(l).trim_end().to_string())
        .collect();
    writeln!(out, "{}", lines.join("\n")).map_err(write_error)
}

fn explain(defs: &[CheckDef], id: &str, out: &mut dyn Write) -> Result<(), Error> {
    let Some(d) = defs.iter().find(|d| d.id == id) else {
        return Err(Error::Usage(format!(
            "unknown check `{id}`; `cargo ready list` shows them all"
        )));
    };
    let text = visible_lines(&cargo_ready::config::explain_text(d));
    out.write_all(text.as_bytes()).map_err(write_error)
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            use std::io::IsTerminal;
            std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal()
        }
    }
}

/// Runs `f` on a locked stdout; a closed pipe (`| head`) is not an error.
fn with_stdout(
    _g: &GlobalArgs,
    f: impl FnOnce(&mut dyn Write) -> Result<(), Error>,
) -> Result<i32, Error> {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    match f(&mut lock).and_then(|()| lock.flush().map_err(write_error)) {
        Err(Error::Output { source, .. }) if source.kind() == io::ErrorKind::BrokenPipe => {
            Ok(exit::PASSED)
        }
        Err(e) => Err(e),
        Ok(()) => Ok(exit::PASSED),
    }
}

fn write_error(source: io::Error) -> Error {
    Error::Output {
        path: "<stdout>".into(),
        source,
    }
}

/// Writes one output file: see [`cargo_ready::output`] (atomic replacement of regular files,
/// special files and links written through, nothing else clobbered).
fn write_file(
    format: Format,
    path: &Path,
    workspace: &Path,
    report: &cargo_ready::model::Report,
    opts: &RenderOptions,
) -> Result<(), Error> {
    let file_opts = RenderOptions {
        color: false,
        ..opts.clone()
    };
    cargo_ready::output::write(path, Some(workspace), |out| {
        render::render(format, report, &file_opts, out)
    })
    .map_err(|source| Error::Output {
        path: path.display().to_string(),
        source,
    })
}
