//! Log domain types (issue #3): events as CloudWatch Logs returns them, their level, the invocations
//! built from Lambda's `START`/`END`/`REPORT` lines, and the time windows the tailer asks for.
//!
//! Messages are untrusted and kept raw here: whoever displays them calls [`crate::sanitize`].

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

/// One log event of one function, as returned by `FilterLogEvents`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogEvent {
    /// The function whose log group the event came from (the tag shown next to the line).
    pub function: String,
    pub stream: String,
    /// CloudWatch's unique id of the event: the de-duplication key.
    pub event_id: String,
    pub timestamp: DateTime<Utc>,
    pub ingestion_time: Option<DateTime<Utc>>,
    /// Raw text, untrusted, usually ending with `\n`. See [`LogEvent::text`].
    pub message: String,
}

impl LogEvent {
    /// The message without its one trailing newline (`\n`, `\r\n` or `\r`), as it should be displayed
    /// (after [`crate::sanitize`]).
    pub fn text(&self) -> &str {
        trim_one_newline(&self.message)
    }
}

/// Drops one trailing `\n`, `\r\n` or `\r` (CloudWatch keeps the newline the logger wrote).
pub fn trim_one_newline(s: &str) -> &str {
    if let Some(rest) = s.strip_suffix('\n') {
        rest.strip_suffix('\r').unwrap_or(rest)
    } else {
        s.strip_suffix('\r').unwrap_or(s)
    }
}

/// The severity of a line, detected from its text or its JSON fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Level {
    Error,
    Warn,
    Info,
    Debug,
    /// No level found (platform lines, plain prints).
    #[default]
    Unknown,
}

impl Level {
    pub const ALL: [Self; 5] = [
        Self::Error,
        Self::Warn,
        Self::Info,
        Self::Debug,
        Self::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "ERROR",
            Self::Warn => "WARN",
            Self::Info => "INFO",
            Self::Debug => "DEBUG",
            Self::Unknown => "-",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One Lambda invocation, joined by request id from its `START`, `END` and `REPORT` lines (and any
/// error line in between).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Invocation {
    pub request_id: String,
    pub function: String,
    pub stream: String,
    /// `Version: …` of the `START` line (`$LATEST` or a number).
    pub version: Option<String>,
    /// Timestamp of the `START` line.
    pub start: Option<DateTime<Utc>>,
    /// Timestamp of the `END` line (else the `REPORT` line).
    pub end: Option<DateTime<Utc>>,
    pub duration_ms: Option<f64>,
    pub billed_ms: Option<u64>,
    pub memory_size_mb: Option<u32>,
    pub max_memory_used_mb: Option<u32>,
    /// Present only on a cold start.
    pub init_duration_ms: Option<f64>,
    /// An `ERROR` line, an unhandled exception or a `REPORT … Status: error` belongs to it.
    pub error: bool,
    /// `Task timed out` or `REPORT … Status: timeout`.
    pub timed_out: bool,
    /// The `REPORT` line has been seen: the numbers are final.
    pub complete: bool,
}

impl Invocation {
    pub fn cold_start(&self) -> bool {
        self.init_duration_ms.is_some()
    }

    /// Errors and timeouts both count as failures.
    pub fn failed(&self) -> bool {
        self.error || self.timed_out
    }
}

/// A closed time range `[start, end]` at millisecond precision, as `FilterLogEvents` takes it
/// (`startTime` and `endTime` are both inclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TimeWindow {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl TimeWindow {
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        Self { start, end }
    }

    /// `[now − length, now]`.
    pub fn ending_at(end: DateTime<Utc>, length: TimeDelta) -> Self {
        Self {
            start: end - length,
            end,
        }
    }

    pub fn start_ms(&self) -> i64 {
        self.start.timestamp_millis()
    }

    pub fn end_ms(&self) -> i64 {
        self.end.timestamp_millis()
    }

    pub fn length(&self) -> TimeDelta {
        self.end - self.start
    }

    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.start <= t && t <= self.end
    }
}

/// How a tail follows new events: `lambdash tail --mode`, `[logs] mode` in the config, `L` in the pane.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum TailMode {
    /// Live Tail while it keeps working, otherwise polling (and say why).
    #[default]
    Auto,
    /// Live Tail; when it fails, polling fills in and Live Tail is tried again every few minutes.
    Live,
    /// `FilterLogEvents` polling only (a sliding window re-queried every second).
    Poll,
}

impl TailMode {
    pub const ALL: [Self; 3] = [Self::Auto, Self::Live, Self::Poll];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Auto => "auto",
            Self::Live => "live",
            Self::Poll => "poll",
        }
    }

    /// `auto`, `live` or `poll` (case-insensitive).
    pub fn parse(s: &str) -> Result<Self, String> {
        let lower = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == lower)
            .ok_or_else(|| format!("invalid mode \"{s}\" (expected auto, live or poll)"))
    }
}

impl fmt::Display for TailMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What delivers a tail's new events right now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transport {
    /// A Live Tail session (`StartLiveTail`). `sampled`: AWS reports it is sampling (more than 500
    /// events/s): some events are not shown.
    Live { sampled: bool },
    /// `FilterLogEvents` polling; `why` says why not Live Tail (`None`: polling was asked for).
    Polling { why: Option<String> },
}

/// What a tail says about itself besides its events and its health (`Msg::Logs(LogsMsg::Info)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TailInfo {
    Transport(Transport),
    /// A range being fetched in slices: tasks (slice × function) done of total, events so far.
    Backfill {
        done: usize,
        total: usize,
        events: usize,
    },
    /// The range was fetched; `following`: the tail goes on with new events (a range ending in the
    /// past is shown as it is, not followed).
    BackfillDone {
        following: bool,
    },
}

/// Milliseconds since the epoch (as the CloudWatch APIs speak) to a UTC time; `None` when out of range.
pub fn from_millis(ms: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_trims_exactly_one_trailing_newline() {
        assert_eq!(trim_one_newline("a\n"), "a");
        assert_eq!(trim_one_newline("a\r\n"), "a");
        assert_eq!(trim_one_newline("a\n\n"), "a\n");
        assert_eq!(trim_one_newline("a\t\n"), "a\t");
        assert_eq!(trim_one_newline("a\r"), "a");
        assert_eq!(trim_one_newline(""), "");
    }

    #[test]
    fn window_is_inclusive_at_both_ends() {
        let end = from_millis(10_000).unwrap();
        let w = TimeWindow::ending_at(end, TimeDelta::seconds(2));
        assert_eq!(w.start_ms(), 8_000);
        assert!(w.contains(from_millis(8_000).unwrap()));
        assert!(w.contains(from_millis(10_000).unwrap()));
        assert!(!w.contains(from_millis(7_999).unwrap()));
    }

    #[test]
    fn tail_mode_parses_case_insensitively_and_says_what_is_valid() {
        assert_eq!(TailMode::parse("LIVE"), Ok(TailMode::Live));
        assert_eq!(TailMode::parse(" poll "), Ok(TailMode::Poll));
        assert_eq!(TailMode::default(), TailMode::Auto);
        let err = TailMode::parse("stream").unwrap_err();
        assert!(err.contains("auto, live or poll"), "{err}");
    }
}
