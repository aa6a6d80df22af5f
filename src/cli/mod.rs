//! The command line: global flags, the TUI entry point and the headless subcommands.

mod alarms;
mod alias;
mod concurrency;
mod dlq;
mod esm;
mod functions;
mod invoke;
mod levers;
mod metrics;
pub(crate) mod output;
mod quota;
mod redrive_safety;
mod stop;
mod tail;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, Parser, Subcommand};

use crate::app::{App, Init};
use crate::aws::{Clients, ConnectOptions};
use crate::config::{Config, ConfigError};
use crate::domain::quota::QuotaGroup;
use crate::theme::Theme;
use output::errln;

/// A terminal operations console for AWS Lambda.
#[derive(Debug, Parser)]
#[command(name = "lambdash", version, about, long_about = None)]
pub struct Cli {
    /// AWS profile (default: AWS_PROFILE, then `default`).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// AWS region (default: AWS_REGION, then the profile's region).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Send every request to this endpoint (an emulator). AWS_ENDPOINT_URL works too.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Refuse every write, in the app and at the SDK level.
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Theme name: built-in (default, light, high-contrast, solarized-dark, prod) or a file in the
    /// user theme directory.
    #[arg(long, global = true, value_name = "NAME")]
    pub theme: Option<String>,
    /// Config file (default: $XDG_CONFIG_HOME/lambdash/config.toml when it exists).
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// No terminal bell (e.g. when an alarm flips to ALARM).
    #[arg(long, global = true)]
    pub quiet: bool,
    /// Print AWS text (log lines, message bodies, names, descriptions) byte for byte in plain-text
    /// output. By default control characters (ESC, BEL, C1, bidi) are escaped, piped or not.
    #[arg(long, global = true)]
    pub raw: bool,
    /// Where lambdash writes its own log (default: $XDG_STATE_HOME/lambdash/lambdash.log).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// The part of every AWS request quota lambdash may use, 0.5 or 50% (default: the config's
    /// `[quota] share`, else a third).
    #[arg(long, global = true, value_name = "SHARE", value_parser = crate::aws::scheduler::config::parse_share)]
    pub quota_share: Option<f64>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every function of the account/region.
    Functions {
        /// One JSON array of objects instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print a function's log events in timestamp order; --follow keeps tailing.
    Tail(tail::TailArgs),
    /// CloudWatch alarms: list them (by state, by function), mute and unmute them.
    Alarms(alarms::AlarmsArgs),
    /// Aliases and traffic shifting: list, set (with a canary weight), roll back lambdash's last change.
    Alias(alias::AliasArgs),
    /// Dead-letter queues: list them, peek, redrive (source queue, function or any queue), delete, purge.
    Dlq(dlq::DlqArgs),
    /// Concurrency: the account's limit and unreserved pool, each function's reserved and provisioned
    /// concurrency, peak and throttles (closest to their ceiling first); `set FUNCTION N|none`.
    Concurrency(concurrency::ConcurrencyArgs),
    /// The kill switch: reserved concurrency 0 stops every invocation (the previous value is
    /// remembered); `--restore` brings it back.
    Stop(stop::StopArgs),
    /// Event source mappings (SQS, Kinesis, DynamoDB, Kafka, MQ): list, enable, disable.
    Esm(esm::EsmArgs),
    /// Invoke a function with a test event (its code runs: confirmed, audited, refused read-only).
    Invoke(invoke::InvokeArgs),
    /// Invocations, errors, throttles, duration (avg/max/p50/p90/p99) and concurrency of a function.
    Metrics(metrics::MetricsArgs),
    /// Estimated cost per function (lower bound) over a range, projected to a month.
    Cost(metrics::CostArgs),
    /// The request budget lambdash keeps to: per AWS quota group, AWS's rate, the share allowed
    /// ([quota], --quota-share) and the resulting rate. Sends no request.
    Quota(quota::QuotaArgs),
    /// Print a shell completion script.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

/// Exit codes: 0 success, 1 AWS error, 2 bad usage or bad input (flags, config, theme).
pub const EXIT_AWS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

fn usage_error(message: &str) -> ExitCode {
    errln!("error: {message}");
    ExitCode::from(EXIT_USAGE)
}

impl Cli {
    fn connect_options(&self, config: &Config, config_read_only: bool) -> ConnectOptions {
        let quota = match self.quota_share {
            Some(share) => config.quota.clone().with_share(share),
            None => config.quota.clone(),
        };
        ConnectOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            read_only: self.read_only || config_read_only,
            quota,
        }
    }
}

/// Sets up the file log (owner-only, size-capped: see [`crate::logfile`]). Never logs to
/// stdout/stderr: the TUI owns the terminal.
fn init_logging(path: Option<PathBuf>) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    let default = path.is_none();
    let path = path.or_else(|| crate::config::state_dir().map(|d| d.join("lambdash.log")))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), PathBuf::from);
    // lambdash's own state directory is made 0700 even when it exists; a directory named by
    // --log-file is only created private, not changed.
    crate::private_file::private_dir(&dir, default).ok()?;
    let file =
        crate::logfile::RotatingFile::open(&path, crate::logfile::MAX_BYTES, crate::logfile::KEEP)
            .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let spec = std::env::var("LAMBDASH_LOG").ok();
    let filter =
        tracing_subscriber::EnvFilter::try_new(crate::logfile::filter_directives(spec.as_deref()))
            .unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new(crate::logfile::filter_directives(None))
            });
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}

/// Picks the theme: `--theme`, else the profile rule's, else the config's, else `default`; NO_COLOR wins.
fn resolve_theme(cli: &Cli, config: &Config, profile: &str) -> Result<Theme, ConfigError> {
    let name = cli
        .theme
        .clone()
        .or_else(|| {
            config
                .rule_for_profile(profile)
                .and_then(|r| r.theme.clone())
        })
        .or_else(|| config.theme.clone())
        .unwrap_or_else(|| "default".to_string());
    let theme = Theme::load(&name, crate::config::user_theme_dir().as_deref())?;
    Ok(if no_color() {
        theme.without_color()
    } else {
        theme
    })
}

/// `NO_COLOR` set to anything non-empty disables colour (https://no-color.org).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Parses the command line and runs what it asks for.
pub fn main() -> ExitCode {
    let mut cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    output::set_raw(cli.raw);
    if let Some(Command::Completions { shell }) = &cli.command {
        let mut cmd = Cli::command();
        clap_complete::generate(*shell, &mut cmd, "lambdash", &mut io::stdout());
        return ExitCode::SUCCESS;
    }
    let config = match Config::load(cli.config.as_deref()) {
        Ok(c) => c,
        Err(e) => return usage_error(&e.to_string()),
    };
    let profile = cli
        .profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_else(|| "default".to_string());
    let theme = match resolve_theme(&cli, &config, &profile) {
        Ok(t) => t,
        Err(e) => return usage_error(&e.to_string()),
    };
    let _log_guard = init_logging(cli.log_file.clone());
    let opts = cli.connect_options(&config, config.read_only_for(&profile));
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            errln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_AWS);
        }
    };
    let Some(command) = cli.command.take() else {
        return run_tui(&cli, opts, config, theme, &runtime);
    };
    run_command(command, &opts, &config, &runtime)
}

/// Runs one headless subcommand.
fn run_command(
    command: Command,
    opts: &ConnectOptions,
    config: &Config,
    runtime: &tokio::runtime::Runtime,
) -> ExitCode {
    match command {
        Command::Functions { json } => connected(runtime, opts, |clients| async move {
            functions::run(&clients, json).await
        }),
        Command::Tail(args) => {
            let opts = match args.budget_tps {
                Some(tps) => ConnectOptions {
                    quota: opts.quota.clone().with_rps(QuotaGroup::LogsFilter, tps),
                    ..opts.clone()
                },
                None => opts.clone(),
            };
            let logs_mode = config.logs_mode;
            connected(runtime, &opts, |clients| async move {
                tail::run(&clients, args, logs_mode).await
            })
        }
        Command::Alarms(args) => alarms::run(args, opts, runtime),
        Command::Alias(args) => {
            if args.command.is_write() && opts.read_only {
                return usage_error(
                    "refused: --read-only (or a read-only profile rule) forbids changing aliases; nothing was sent",
                );
            }
            if let Err(e) = args.command.validate() {
                return usage_error(&e.to_string());
            }
            connected(runtime, opts, |clients| async move {
                alias::run(&clients, args).await
            })
        }
        Command::Metrics(args) => connected(runtime, opts, |clients| async move {
            metrics::run_metrics(&clients, args).await
        }),
        Command::Cost(args) => connected(runtime, opts, |clients| async move {
            metrics::run_cost(&clients, args).await
        }),
        Command::Dlq(args) => {
            if args.command.is_write() && opts.read_only {
                return usage_error(
                    "refused: --read-only (or a read-only profile rule) forbids changing queues; nothing was sent",
                );
            }
            connected(runtime, opts, |clients| async move {
                dlq::run(&clients, args).await
            })
        }
        cmd @ (Command::Concurrency(_)
        | Command::Stop(_)
        | Command::Esm(_)
        | Command::Invoke(_)) => levers::run(cmd, opts, runtime),
        Command::Quota(args) => quota::run(&opts.quota, &args),
        Command::Completions { .. } => ExitCode::SUCCESS,
    }
}

/// Connects, then runs `run` with the clients; a failure to connect is reported like any AWS error.
fn connected<F, Fut>(runtime: &tokio::runtime::Runtime, opts: &ConnectOptions, run: F) -> ExitCode
where
    F: FnOnce(Clients) -> Fut,
    Fut: std::future::Future<Output = ExitCode>,
{
    runtime.block_on(async {
        match Clients::connect(opts).await {
            Ok(clients) => run(clients).await,
            Err(e) => aws_error(&e),
        }
    })
}

/// Runs the TUI (no subcommand).
fn run_tui(
    cli: &Cli,
    opts: ConnectOptions,
    config: Config,
    theme: Theme,
    runtime: &tokio::runtime::Runtime,
) -> ExitCode {
    if !io::stdout().is_terminal() {
        return usage_error(
            "the TUI needs a terminal; use a subcommand (e.g. `lambdash functions --json`) in scripts",
        );
    }
    let init = Init {
        profile: cli.profile.clone(),
        region: cli.region.clone(),
        endpoint_url: opts
            .endpoint_url
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok()),
        read_only: opts.read_only,
        theme,
        theme_names: Theme::names(crate::config::user_theme_dir().as_deref()),
        profiles: crate::aws::profiles::list(),
        config,
        now: chrono::Utc::now(),
        quiet: cli.quiet,
    };
    let mut app = App::new(init);
    app.local_offset = *chrono::Local::now().offset();
    let (rules, flag) = (app.config.clone(), cli.read_only);
    let rt_opts = crate::runtime::RuntimeOptions {
        base: opts,
        read_only_for: std::sync::Arc::new(move |p| flag || rules.read_only_for(p)),
        no_color: no_color(),
        user_theme_dir: crate::config::user_theme_dir(),
    };
    match runtime.block_on(crate::runtime::run(app, rt_opts)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            errln!("error: terminal: {e}");
            ExitCode::from(EXIT_AWS)
        }
    }
}

fn aws_error(e: &crate::aws::AwsError) -> ExitCode {
    tracing::error!("{e}");
    if matches!(e, crate::aws::AwsError::NoRegion) {
        return usage_error(&e.to_string());
    }
    errln!("error: {e}");
    ExitCode::from(EXIT_AWS)
}

/// Writes to stdout; a closed pipe (`| head`) ends the program quietly with success.
pub(crate) fn emit(out: &mut impl Write, text: &str) -> Result<(), ExitCode> {
    match out.write_all(text.as_bytes()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(e) => {
            errln!("error: writing output: {e}");
            Err(ExitCode::from(EXIT_AWS))
        }
    }
}

/// Asks `prompt [y/N]` on the terminal unless `yes`. Without a terminal and without `--yes`, refuses
/// (exit 2): a script must say `--yes` to write.
pub(crate) fn confirm(prompt: &str, yes: bool) -> Result<(), ExitCode> {
    if yes {
        return Ok(());
    }
    if !io::stdin().is_terminal() {
        errln!("error: {prompt} — refusing without a terminal to confirm on: pass --yes");
        return Err(ExitCode::from(EXIT_USAGE));
    }
    output::stderr_prompt(&format!("{prompt} [y/N] "));
    let mut answer = String::new();
    if io::stdin().read_line(&mut answer).is_err() || !matches!(answer.trim(), "y" | "Y" | "yes") {
        errln!("cancelled: nothing was changed");
        return Err(ExitCode::from(EXIT_USAGE));
    }
    Ok(())
}
