//! The `cargo-ready` binary: parses the command line, runs the pipeline, owns stdout/stderr.

use std::collections::HashSet;
use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use cargo_ready::cli::{Cli, ColorChoice, Command, GlobalArgs};
use cargo_ready::config::{self, CheckDef};
use cargo_ready::diag::did_you_mean;
use cargo_ready::guard::{visible, visible_lines};
use cargo_ready::render::{self, Format, RenderOptions};
use cargo_ready::{Error, Options, Selection, exit};
use clap::Parser;

/// mimalloc instead of the system allocator: the engine allocates many small token, syntax
/// and fact values per file on several threads, and glibc's malloc/free were a third of the
/// CPU profile on a large workspace (see scripts/bench.sh). Built without transparent huge
/// pages (`no_thp`): with them, peak RSS was a third higher for the same heap.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // The global pool too gets a clamped thread count (`RAYON_NUM_THREADS` is not trusted).
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(cargo_ready::rust::thread_count())
        .build_global();
    let cli = Cli::parse_from(cargo_ready::cli::normalize_args(std::env::args_os()));
    let code = match run(&cli) {
        Ok(code) => code,
        Err(e) => {
            report_error(&e, cli.global.color);
            e.exit_code()
        }
    };
    ExitCode::from(code as u8)
}

/// Writes an error to stderr, `error:` in red where stderr shows colour (same rules as stdout).
fn report_error(e: &Error, flag: Option<ColorChoice>) {
    // Errors quote repository text (keys, paths, cargo's messages): every line is printed with
    // control characters made visible and none can pass for a workflow command.
    let text = visible_lines(&match e {
        Error::Config(_) => e.to_string(),
        _ => format!("error: {e}"),
    });
    let choice = match color_setting(flag) {
        Some(ColorChoice::Always) => anstream::ColorChoice::Always,
        Some(ColorChoice::Never) => anstream::ColorChoice::Never,
        Some(ColorChoice::Auto) | None => anstream::ColorChoice::Auto,
    };
    let mut stderr = anstream::AutoStream::new(io::stderr().lock(), choice);
    let red = anstyle::Style::new()
        .bold()
        .fg_color(Some(anstyle::AnsiColor::Red.into()));
    for line in text.lines() {
        let _ = match line.strip_prefix("error:") {
            Some(rest) => writeln!(stderr, "{red}error{red:#}:{rest}"),
            None => writeln!(stderr, "{line}"),
        };
    }
}

fn run(cli: &Cli) -> Result<i32, Error> {
    match &cli.command {
        None | Some(Command::Check) => check(&cli.global),
        Some(Command::List { services: true }) => list_services(&cli.global),
        Some(Command::List { services: false }) => with_stdout(&cli.global, |out| {
            let (defs, enabled) = catalogue(&cli.global)?;
            list(&defs, enabled.as_ref(), out)
        }),
        Some(Command::Init { force }) => init(&cli.global, *force),
        Some(Command::Explain { check }) => with_stdout(&cli.global, |out| {
            let color = use_color(cli.global.color);
            explain(&catalogue(&cli.global)?.0, check, color, out)
        }),
        Some(Command::Suppressions) => suppressions(&cli.global),
    }
}

/// `cargo ready suppressions`: the inventory of the same analysis, as a table or JSON.
fn suppressions(g: &GlobalArgs) -> Result<i32, Error> {
    if !matches!(g.format, Format::Human | Format::Json) {
        return Err(Error::Usage(format!(
            "`suppressions` prints `--format human` or `json`, not `{}`",
            g.format.name()
        )));
    }
    let spinner = spinner(g.quiet);
    let analyzed = cargo_ready::analyze(&options(g)?);
    spinner.finish_and_clear();
    let (report, _) = analyzed?;
    with_stdout(g, |out| {
        render::suppressions(g.format, &report, out).map_err(write_error)
    })
}

/// The analysis options of the command line and the environment (`CARGO_READY_TODAY`,
/// `GITHUB_BASE_REF`, `GITHUB_HEAD_REF`, `GITHUB_REF_NAME`).
fn options(g: &GlobalArgs) -> Result<Options, Error> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    let today = match var("CARGO_READY_TODAY") {
        Some(t) => Some(cargo_ready::date::Date::parse(t.trim()).ok_or_else(|| {
            Error::Usage(format!("CARGO_READY_TODAY=`{t}` is not a YYYY-MM-DD date"))
        })?),
        None => None,
    };
    Ok(Options {
        manifest_path: g.manifest_path.clone(),
        selection: Selection {
            include: g.packages.clone(),
            exclude: g.exclude.clone(),
        },
        overrides: config::CliOverrides {
            policies: g.policies.clone(),
            fail_on: g.fail_on,
            min_score: g.min_score,
            ..Default::default()
        },
        baseline: g.baseline.clone(),
        diff_base: g.diff_base.clone(),
        branch: g.branch.clone(),
        today,
        github: cargo_ready::GithubEnv {
            base_ref: var("GITHUB_BASE_REF"),
            head_ref: var("GITHUB_HEAD_REF"),
            ref_name: var("GITHUB_REF_NAME"),
        },
        timings: g.timings,
        without_line_hashes: g.format != Format::Sarif
            && g.outputs.iter().all(|(format, _)| *format != Format::Sarif),
    })
}

fn check(g: &GlobalArgs) -> Result<i32, Error> {
    let spinner = spinner(g.quiet);
    let started = std::time::Instant::now();
    let analyzed = cargo_ready::analyze(&options(g)?);
    spinner.finish_and_clear();
    let (report, stats) = analyzed?;
    let rendering = std::time::Instant::now();
    let render_opts = RenderOptions {
        color: use_color(g.color),
        verbose: g.verbose,
        ..github_render_options()
    };
    for (format, path) in &g.outputs {
        write_file(*format, path, &stats.workspace_root, &report, &render_opts)?;
    }
    let verdict = render::one_line(&report);
    with_stdout(g, |out| {
        if g.quiet && g.format == Format::Human {
            writeln!(out, "{verdict}").map_err(write_error)
        } else {
            render::render(g.format, &report, &render_opts, out).map_err(write_error)
        }
    })?;
    if g.format != Format::Human && !report.gate.passed {
        let _ = writeln!(io::stderr(), "{verdict}");
    }
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
    if let Some(t) = &stats.timings {
        let (render, total) = (rendering.elapsed(), started.elapsed());
        let _ = write!(io::stderr(), "{}", t.table(render, total));
    }
    Ok(if report.gate.passed {
        exit::PASSED
    } else {
        exit::GATE_FAILED
    })
}

/// `list --services`: scans the workspace and lists what it detected as services, and why.
fn list_services(g: &GlobalArgs) -> Result<i32, Error> {
    let spinner = spinner(g.quiet);
    let analyzed = cargo_ready::analyze(&options(g)?);
    spinner.finish_and_clear();
    let (report, _) = analyzed?;
    with_stdout(g, |out| {
        out.write_all(render::services_text(&report, g.verbose).as_bytes())
            .map_err(write_error)
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

fn explain(defs: &[CheckDef], id: &str, color: bool, out: &mut dyn Write) -> Result<(), Error> {
    let Some(d) = defs.iter().find(|d| d.id == id) else {
        let hint = did_you_mean(id, defs.iter().map(|d| d.id.as_str()));
        return Err(Error::Usage(format!(
            "unknown check `{id}`{hint}\n  = help: `cargo ready list` shows every check"
        )));
    };
    let text = render::explain(d, color);
    out.write_all(text.as_bytes()).map_err(write_error)
}

/// Colour on stdout: `--color`, else `CARGO_TERM_COLOR` (as cargo's own output), else
/// automatic: `NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR`, `TERM` and whether stdout is a terminal
/// (anstream's rules).
fn use_color(flag: Option<ColorChoice>) -> bool {
    match color_setting(flag) {
        Some(ColorChoice::Always) => true,
        Some(ColorChoice::Never) => false,
        Some(ColorChoice::Auto) | None => {
            anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
        }
    }
}

/// `cargo ready init`: writes ready.toml at the workspace root (atomically; an existing
/// configuration only with `--force`) and says what it found.
fn init(g: &GlobalArgs, force: bool) -> Result<i32, Error> {
    let spinner = spinner(g.quiet);
    let found = cargo_ready::init_facts(g.manifest_path.as_deref());
    spinner.finish_and_clear();
    let (facts, root) = found?;
    let path = root.join("ready.toml");
    if !force {
        refuse_to_replace(&root, &path)?;
    }
    let text = cargo_ready::init::ready_toml(&facts, env!("CARGO_PKG_VERSION"));
    write_new_file(&path, text.as_bytes(), force)?;
    let color = use_color(g.color);
    with_stdout(g, |out| {
        let summary = cargo_ready::init::summary(&facts, &path.display().to_string(), color);
        out.write_all(summary.as_bytes()).map_err(write_error)
    })
}

/// An existing configuration is kept unless `--force`: a ready.toml, or `[*.metadata.ready]`
/// in the root Cargo.toml (which a ready.toml would replace).
fn refuse_to_replace(root: &Path, path: &Path) -> Result<(), Error> {
    if path.exists() {
        return Err(Error::Usage(format!(
            "{} already exists; `cargo ready init --force` replaces it",
            path.display()
        )));
    }
    // A manifest that cannot be read or parsed holds no configuration table to lose.
    let manifest = root.join("Cargo.toml");
    let table =
        cargo_ready::guard::read_regular_text(&manifest, cargo_ready::guard::MAX_CONFIG_BYTES)
            .ok()
            .and_then(|m| m.parse::<toml::Table>().ok());
    for section in ["workspace", "package"] {
        let has = table
            .as_ref()
            .and_then(|t| t.get(section))
            .and_then(|s| s.get("metadata"))
            .and_then(|m| m.get("ready"))
            .is_some();
        if has {
            return Err(Error::Usage(format!(
                "the configuration is in Cargo.toml `[{section}.metadata.ready]`; a ready.toml would take its place (`cargo ready init --force` writes it anyway)"
            )));
        }
    }
    Ok(())
}

/// Writes `bytes` to `path` through a temp file in the same directory and a rename, so a
/// reader never sees half a file; without `replace`, an existing file is never overwritten.
fn write_new_file(path: &Path, bytes: &[u8], replace: bool) -> Result<(), Error> {
    let err = |source: io::Error| Error::Output {
        path: path.display().to_string(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut builder = tempfile::Builder::new();
    // A file to commit: the usual mode (less the umask), not a temp file's 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    if replace {
        tmp.persist(path).map_err(|e| err(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| err(e.error))?;
    }
    Ok(())
}

/// `--color`, else `CARGO_TERM_COLOR` when it holds a valid choice.
fn color_setting(flag: Option<ColorChoice>) -> Option<ColorChoice> {
    flag.or_else(|| {
        let v = std::env::var("CARGO_TERM_COLOR").ok()?;
        <ColorChoice as clap::ValueEnum>::from_str(v.trim(), true).ok()
    })
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
