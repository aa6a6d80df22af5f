//! `lambdash tail FUNCTION... [--since DURATION | --lines N] [--follow] [--filter PATTERN] [--json]`.
//!
//! 1. Each function is looked up (`GetFunction`: an unknown name exits 2) for its log group.
//! 2. The tail's first window `[now − L, now]` is fetched for every function and remembered as seen.
//! 3. The range is printed in timestamp order, all functions merged: the last N events whatever their
//!    age ([`Clients::last_events`], seeded with that first window), or everything since a time (the part
//!    older than the first window as a sliced [`crate::logs::Backfill`], then the first window).
//! 4. With `--follow`, [`Follower`] goes on (`--mode`): Live Tail while it works (`auto`, the default),
//!    else the sliding-window [`Tailer`]s keep polling and a [`crate::logs::Merger`] interleaves functions with a
//!    1 s reorder grace. Which one, and why not Live Tail, is said on stderr. Throttling is backed off
//!    forever, saying so on stderr.
//!
//! The range (`--since`) and the follow loop are the same code as the logs pane's
//! ([`Clients::backfill_since`], [`Follower`]).
//!
//! Every CloudWatch Logs request waits for a token of its quota group in the request scheduler
//! ([`crate::aws::scheduler`]): FilterLogEvents at lambdash's share of its 5/s quota (1.67/s by
//! default), or `--budget-tps` requests per second when given. The [`Pacer`] backs off throttles.

use super::output::errln;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde::Serialize;

use super::{EXIT_AWS, EXIT_USAGE, emit};
use crate::aws::livetail::{FollowOptions, FollowSink, Follower, opening_dedup};
use crate::aws::logs::{BACKFILL_CONCURRENCY, LogQuery, Pacer};
use crate::aws::{AwsError, Clients};
use crate::domain::log::{Level, LogEvent, TailMode, TimeWindow, Transport};
use crate::logs::backfill::DEFAULT_LAST_N;
use crate::logs::{Tailer, level};
use crate::sanitize::sanitize_lines;

/// Without `--follow`, an unreachable endpoint is retried this many times before exiting 1.
const NETWORK_RETRIES: u32 = 4;

fn parse_duration(s: &str) -> Result<Duration, String> {
    crate::domain::duration::parse_duration(s)
}

fn parse_tps(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 100.0 => Ok(v),
        _ => Err(format!(
            "invalid budget \"{s}\" (requests per second, e.g. 2 or 0.5)"
        )),
    }
}

#[derive(Debug, clap::Args)]
pub struct TailArgs {
    /// Functions whose logs to print, merged in timestamp order.
    #[arg(required = true, value_name = "FUNCTION")]
    pub functions: Vec<String>,
    /// Every event from this long ago until now (e.g. 15m, 1h, 3h, 24h).
    #[arg(long, value_name = "DURATION", value_parser = parse_duration, conflicts_with = "lines")]
    pub since: Option<Duration>,
    /// The last N events whatever their age (the default: 200).
    #[arg(long, value_name = "N")]
    pub lines: Option<usize>,
    /// Keep printing new events (Ctrl-C stops).
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// A CloudWatch Logs filter pattern, applied by the service (e.g. ERROR, "exact phrase").
    #[arg(long, value_name = "PATTERN")]
    pub filter: Option<String>,
    /// One JSON object per line: function, timestamp, ingestion_time, stream, event_id, message
    /// (RFC 3339 UTC with milliseconds; the message without its trailing newline).
    #[arg(long)]
    pub json: bool,
    /// The sliding window re-queried while following: an event ingested up to this long after its
    /// timestamp is still printed, once.
    #[arg(long, value_name = "DURATION", default_value = "120s", value_parser = parse_duration)]
    pub window: Duration,
    /// FilterLogEvents requests per second, all functions together (AWS allows 5 per account and
    /// region, shared with everyone). Default: lambdash's share of that quota (`--quota-share`,
    /// `[quota] logs_filter`; a third: 1.67/s).
    #[arg(long, value_name = "N", value_parser = parse_tps)]
    pub budget_tps: Option<f64>,
    /// How --follow gets new events: auto (Live Tail while it works, else polling, saying why on
    /// stderr), live (Live Tail; polling fills in while it is retried), poll (FilterLogEvents only).
    /// Default: `[logs] mode` from the config file, else auto.
    #[arg(long, value_name = "MODE", value_parser = TailMode::parse, requires = "follow")]
    pub mode: Option<TailMode>,
}

/// One event as `--json` prints it.
#[derive(Debug, Serialize)]
struct EventJson<'a> {
    function: &'a str,
    timestamp: String,
    ingestion_time: Option<String>,
    stream: &'a str,
    event_id: &'a str,
    message: &'a str,
}

fn rfc3339_ms(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Colours for function names, in order (the same function keeps its colour).
const FUNCTION_COLOURS: [&str; 6] = ["36", "35", "34", "32", "33", "96"];

/// How events are written: JSON lines (C1/bidi controls `\uXXXX`), or `TIMESTAMP FUNCTION MESSAGE`
/// (escaped unless `--raw`, piped or not; coloured when stdout is a terminal).
#[derive(Clone, Debug)]
pub struct Format {
    pub json: bool,
    /// Escape control sequences (everything but `--raw`).
    pub escape: bool,
    pub colour: bool,
    /// The functions in command-line order, for their colours.
    pub functions: Vec<String>,
}

impl Format {
    /// One event, with its newline.
    pub fn line(&self, e: &LogEvent) -> String {
        if self.json {
            let row = EventJson {
                function: &e.function,
                timestamp: rfc3339_ms(e.timestamp),
                ingestion_time: e.ingestion_time.map(rfc3339_ms),
                stream: &e.stream,
                event_id: &e.event_id,
                message: e.text(),
            };
            return super::output::json_line(&row).unwrap_or_default();
        }
        let text = if self.escape {
            sanitize_lines(e.text()).join("\n")
        } else {
            e.text().to_owned()
        };
        let function = if self.escape {
            sanitize_lines(&e.function).join(" ")
        } else {
            e.function.clone()
        };
        let ts = rfc3339_ms(e.timestamp);
        if !self.colour {
            return format!("{ts} {function} {text}\n");
        }
        let index = self
            .functions
            .iter()
            .position(|f| *f == e.function)
            .unwrap_or(0);
        let fc = FUNCTION_COLOURS[index % FUNCTION_COLOURS.len()];
        let message = match level::detect(&e.message) {
            Level::Error => format!("\x1b[31m{text}\x1b[0m"),
            Level::Warn => format!("\x1b[33m{text}\x1b[0m"),
            Level::Debug => format!("\x1b[2m{text}\x1b[0m"),
            Level::Info | Level::Unknown => text,
        };
        format!("\x1b[2m{ts}\x1b[0m \x1b[{fc}m{function}\x1b[0m {message}\n")
    }
}

struct Printer {
    out: BufWriter<io::Stdout>,
    format: Format,
}

impl Printer {
    fn print(&mut self, events: &[LogEvent]) -> Result<(), ExitCode> {
        for e in events {
            emit(&mut self.out, &self.format.line(e))?;
        }
        match self.out.flush() {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
            Err(e) => {
                errln!("error: writing output: {e}");
                Err(ExitCode::from(EXIT_AWS))
            }
        }
    }
}

fn say_retry(err: &AwsError, delay: Duration) {
    let secs = delay.as_secs_f64();
    let wait = if secs < 10.0 {
        format!("{secs:.1}s")
    } else {
        format!("{secs:.0}s")
    };
    if err.is_throttling() {
        errln!("throttled, retrying in {wait}");
    } else {
        errln!("{err}; retrying in {wait}");
    }
}

/// An AWS failure while tailing: a bad filter pattern is the user's input (2), the rest AWS's (1).
fn failed(err: &AwsError) -> ExitCode {
    if let AwsError::Service { code, message, .. } = err
        && code == "InvalidParameterException"
    {
        errln!("error: {message}");
        return ExitCode::from(EXIT_USAGE);
    }
    super::aws_error(err)
}

/// `configured`: the config file's `[logs] mode`, used when `--mode` is not given.
pub async fn run(clients: &Clients, mut args: TailArgs, configured: TailMode) -> ExitCode {
    args.mode = args.mode.or(Some(configured));
    let mut names: Vec<String> = Vec::new();
    for name in &args.functions {
        if !names.contains(name) {
            names.push(name.clone());
        }
    }
    let mut queries = Vec::with_capacity(names.len());
    for name in &names {
        match clients.function_for_logs(name).await {
            Ok(f) => queries.push(LogQuery::for_function(&f).with_filter(args.filter.clone())),
            Err(e) if e.is_not_found() => {
                errln!(
                    "error: {} (profile {})",
                    crate::aws::function_not_found(name, &clients.region),
                    clients.profile
                );
                return ExitCode::from(EXIT_USAGE);
            }
            Err(e) => return super::aws_error(&e),
        }
    }
    let stdout = io::stdout();
    let tty = stdout.is_terminal();
    let mut printer = Printer {
        out: BufWriter::with_capacity(64 * 1024, stdout),
        format: Format {
            json: args.json,
            escape: super::output::escape(),
            colour: tty && !args.json && !super::no_color(),
            functions: names,
        },
    };
    let mut pacer = Pacer::default().on_retry(say_retry);
    if !args.follow {
        // A one-shot command gives up on a dead endpoint; throttling is still waited out.
        pacer = pacer.with_network_retries(NETWORK_RETRIES);
    }
    match tail(clients, &args, &queries, &pacer, &mut printer).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Exit(code)) => code,
        Err(Stop::Aws(e)) => failed(&e),
    }
}

enum Stop {
    /// Output closed or failed.
    Exit(ExitCode),
    Aws(AwsError),
}

impl From<AwsError> for Stop {
    fn from(e: AwsError) -> Self {
        Self::Aws(e)
    }
}

async fn tail(
    clients: &Clients,
    args: &TailArgs,
    queries: &[LogQuery],
    pacer: &Pacer,
    printer: &mut Printer,
) -> Result<(), Stop> {
    let now = Utc::now();
    let mut tailers: Vec<Tailer> = queries.iter().map(|_| Tailer::new(args.window)).collect();
    // The tail's first window, for every function: printed as part of the range, and remembered so
    // following does not print it again.
    let seeds = clients
        .first_windows(queries, &mut tailers, now, pacer)
        .await?;
    let dedup = opening_dedup(&seeds);

    if let Some(since) = args.since {
        print_since(clients, queries, pacer, printer, now, since, seeds).await?;
    } else {
        let n = args.lines.unwrap_or(DEFAULT_LAST_N);
        print_last(clients, queries, pacer, printer, now, n, seeds).await?;
    }
    if !args.follow {
        return Ok(());
    }

    let opts = FollowOptions::new(args.mode.unwrap_or(TailMode::Auto), queries.len());
    let follower = Follower::new(clients, queries, tailers, dedup, pacer, opts);
    let mut sink = CliSink {
        printer,
        exit: None,
    };
    let result = follower.run(&mut sink).await;
    match (sink.exit, result) {
        (Some(code), _) => Err(Stop::Exit(code)),
        (None, Err(e)) => Err(Stop::Aws(e)),
        (None, Ok(())) => Ok(()),
    }
}

/// `--follow`'s output: events to stdout, what delivers them and why not Live Tail to stderr.
struct CliSink<'a> {
    printer: &'a mut Printer,
    exit: Option<ExitCode>,
}

impl FollowSink for CliSink<'_> {
    fn events(&mut self, events: Vec<LogEvent>) -> bool {
        match self.printer.print(&events) {
            Ok(()) => true,
            Err(code) => {
                self.exit = Some(code);
                false
            }
        }
    }

    fn transport(&mut self, transport: &Transport) {
        match transport {
            Transport::Live { sampled: false } => errln!("following with Live Tail"),
            Transport::Live { sampled: true } => {
                errln!("Live Tail is sampling (over 500 events/s): some events are not shown");
            }
            Transport::Polling { why: Some(why) } => {
                errln!("polling FilterLogEvents: {why}");
            }
            Transport::Polling { why: None } => {}
        }
    }

    fn failed(&mut self, _err: &AwsError) -> bool {
        false
    }

    fn skipped(&mut self, function: &str, gap: TimeWindow) {
        errln!(
            "warning: {function}: events from {} to {} were not fetched (polling stalled too long)",
            rfc3339_ms(gap.start),
            rfc3339_ms(gap.end)
        );
    }
}

async fn print_last(
    clients: &Clients,
    queries: &[LogQuery],
    pacer: &Pacer,
    printer: &mut Printer,
    now: DateTime<Utc>,
    n: usize,
    seeds: Vec<(TimeWindow, Vec<LogEvent>)>,
) -> Result<(), Stop> {
    let last = clients
        .last_events_merged(queries, seeds, n, now, pacer)
        .await?;
    printer.print(&last).map_err(Stop::Exit)
}

async fn print_since(
    clients: &Clients,
    queries: &[LogQuery],
    pacer: &Pacer,
    printer: &mut Printer,
    now: DateTime<Utc>,
    since: Duration,
    seeds: Vec<(TimeWindow, Vec<LogEvent>)>,
) -> Result<(), Stop> {
    let start = now - TimeDelta::from_std(since).unwrap_or(TimeDelta::MAX);
    let show_progress = io::stderr().is_terminal();
    let began = std::time::Instant::now();
    let mut exit = None;
    clients
        .backfill_since(
            queries,
            seeds,
            start,
            pacer,
            BACKFILL_CONCURRENCY,
            |p| {
                if show_progress && p.total > 1 {
                    if p.done == p.total {
                        eprint!("\r\x1b[K");
                    } else {
                        eprint!(
                            "\rfetched {}/{} slices, {} events, {}",
                            p.done,
                            p.total,
                            p.events,
                            events_rate(p.events, began.elapsed())
                        );
                    }
                }
            },
            |events| match printer.print(&events) {
                Ok(()) => true,
                Err(code) => {
                    exit = Some(code);
                    false
                }
            },
        )
        .await?;
    exit.map_or(Ok(()), |code| Err(Stop::Exit(code)))
}

/// `"12400 events/s"` (whole events per second; `"…"` before a tenth of a second has passed).
fn events_rate(events: usize, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    if secs < 0.1 {
        return "… events/s".to_string();
    }
    #[allow(clippy::cast_precision_loss)]
    let rate = events as f64 / secs;
    format!("{rate:.0} events/s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backfill_rate_is_events_per_second_once_measurable() {
        assert_eq!(events_rate(5_000, Duration::from_millis(50)), "… events/s");
        assert_eq!(
            events_rate(5_000, Duration::from_millis(500)),
            "10000 events/s"
        );
        assert_eq!(events_rate(0, Duration::from_secs(2)), "0 events/s");
    }

    fn event(message: &str) -> LogEvent {
        LogEvent {
            function: "orders".into(),
            stream: "2024/05/01/[$LATEST]abc".into(),
            event_id: "3791".into(),
            timestamp: DateTime::from_timestamp_millis(1_714_557_600_123).unwrap(),
            ingestion_time: DateTime::from_timestamp_millis(1_714_557_600_500),
            message: message.into(),
        }
    }

    fn format(json: bool, escape: bool) -> Format {
        Format {
            json,
            escape,
            colour: false,
            functions: vec!["orders".into()],
        }
    }

    #[test]
    fn plain_line_is_timestamp_function_message() {
        let line = format(false, false).line(&event("hello\n"));
        assert_eq!(line, "2024-05-01T10:00:00.123Z orders hello\n");
    }

    #[test]
    fn json_line_has_the_documented_fields() {
        let line = format(true, false).line(&event("a \x1b[31mred\x1b[0m \"q\"\n"));
        assert!(line.ends_with('\n') && !line[..line.len() - 1].contains('\n'));
        assert!(
            !line.contains('\x1b'),
            "JSON escapes control characters: {line}"
        );
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["function"], "orders");
        assert_eq!(v["timestamp"], "2024-05-01T10:00:00.123Z");
        assert_eq!(v["ingestion_time"], "2024-05-01T10:00:00.500Z");
        assert_eq!(v["stream"], "2024/05/01/[$LATEST]abc");
        assert_eq!(v["event_id"], "3791");
        assert_eq!(v["message"], "a \x1b[31mred\x1b[0m \"q\"");
    }

    #[test]
    fn terminal_output_escapes_control_sequences_but_keeps_lines() {
        let line = format(false, true).line(&event("x\x1b]52;c;ZXZpbA==\x07\ty\nTraceback\r\n"));
        assert!(!line.contains('\x1b') && !line.contains('\x07'), "{line:?}");
        assert!(
            line.contains("x\\x1b]52;c;ZXZpbA==\\x07 y\nTraceback\n"),
            "{line:?}"
        );
    }

    #[test]
    fn pipe_output_is_raw_and_uncoloured() {
        let line = format(false, false).line(&event("[ERROR] boom\x1b[31m\n"));
        assert_eq!(
            line,
            "2024-05-01T10:00:00.123Z orders [ERROR] boom\x1b[31m\n"
        );
    }

    #[test]
    fn colour_marks_function_and_error_level() {
        let mut f = format(false, true);
        f.colour = true;
        let line = f.line(&event("[ERROR] boom\n"));
        assert!(line.contains("\x1b[36morders\x1b[0m"), "{line:?}");
        assert!(line.contains("\x1b[31m[ERROR] boom\x1b[0m"), "{line:?}");
    }

    #[test]
    fn mode_defaults_to_auto_and_needs_follow() {
        use clap::Parser;
        #[derive(Parser)]
        struct Cli {
            #[command(flatten)]
            tail: TailArgs,
        }
        let cli = Cli::try_parse_from(["t", "f", "--follow"]).unwrap();
        assert_eq!(cli.tail.mode, None, "the config's [logs] mode, else auto");
        let cli = Cli::try_parse_from(["t", "f", "--follow", "--mode", "poll"]).unwrap();
        assert_eq!(cli.tail.mode, Some(TailMode::Poll));
        assert!(Cli::try_parse_from(["t", "f", "--mode", "live"]).is_err());
        assert!(Cli::try_parse_from(["t", "f", "--follow", "--mode", "stream"]).is_err());
    }

    #[test]
    fn budget_must_be_positive() {
        assert!(parse_tps("2").is_ok());
        assert!(parse_tps("0.5").is_ok());
        assert!(parse_tps("0").is_err());
        assert!(parse_tps("-1").is_err());
        assert!(parse_tps("NaN").is_err());
    }
}
