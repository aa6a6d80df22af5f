//! The log tailing engine (issue #3). Pure: no I/O, no clock reads (time comes in as arguments), so
//! every rule below is unit-tested. The network side is [`crate::aws::logs`]; the CLI driver is
//! `lambdash tail` (`src/cli/tail.rs`).
//!
//! - [`tailer`]: the sliding-window [`Tailer`] (re-query `[now − L, now]`, de-duplicate by `eventId`,
//!   forget ids by time) and the [`Merger`] that interleaves several functions in timestamp order.
//! - [`backfill`]: a range cut into slices (as many as its expected pages, [`Backfill::adaptive`])
//!   fetched concurrently and delivered in order
//!   ([`Backfill`]); "the last N events whatever their age" ([`LastN`]).
//! - [`budget`]: the [`Backoff`] on throttling (the request rate is [`crate::aws::scheduler`]'s).
//! - [`live`]: Live Tail's rules — events without `eventId` de-duplicated by content and occurrence
//!   ([`live::ContentDedup`]), and what to do when a session ends ([`live::after_session`]).
//! - [`range`]: the time ranges of a tail (15m … 24h, typed `2h` or `START..END`).
//! - [`ring`]: the bounded [`Ring`] buffer (100,000 lines by default).
//! - [`level`]: ERROR/WARN/INFO/DEBUG from text or JSON fields.
//! - [`json`]: Powertools-style JSON lines rendered compactly, and pretty-printed.
//! - [`invocations`]: `START`/`END`/`REPORT` lines joined into [`Invocation`](crate::domain::log::Invocation) rows.
//! - [`LogBuffer`]: the pane's state in one piece — the ring of [`LogLine`]s plus the invocations.
//!
//! Messages stay raw (untrusted) everywhere here; display code trims one trailing newline
//! ([`LogEvent::text`]) and calls [`crate::sanitize`].

pub mod backfill;
pub mod budget;
pub mod invocations;
pub mod json;
pub mod level;
pub mod live;
pub mod range;
pub mod ring;
pub mod tailer;

pub use backfill::{Backfill, LastN, Task, plan_slices};
pub use budget::Backoff;
pub use invocations::{InvocationSort, InvocationTracker};
pub use ring::Ring;
pub use tailer::{Merger, Tailer};

use crate::domain::log::{Level, LogEvent};

/// One line of the pane: the event, its level, which tailed function it came from (an index, for its
/// colour), and the invocation it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub event: LogEvent,
    pub level: Level,
    /// Index of the function among those tailed together.
    pub source: usize,
    pub request_id: Option<String>,
}

impl LogLine {
    /// A line with its level detected (no invocation attribution).
    pub fn new(event: LogEvent, source: usize) -> Self {
        let level = level::detect(&event.message);
        Self {
            event,
            level,
            source,
            request_id: None,
        }
    }
}

/// The pane's buffer: bounded lines plus the invocations built from them.
#[derive(Clone, Debug)]
pub struct LogBuffer {
    pub lines: Ring<LogLine>,
    pub invocations: InvocationTracker,
}

impl Default for LogBuffer {
    fn default() -> Self {
        Self::new(ring::DEFAULT_CAPACITY)
    }
}

impl LogBuffer {
    pub fn new(capacity: usize) -> Self {
        Self {
            lines: Ring::new(capacity),
            invocations: InvocationTracker::new(invocations::DEFAULT_CAPACITY.min(capacity.max(1))),
        }
    }

    /// Appends events (already de-duplicated and ordered, e.g. from [`Merger::release`]); returns how
    /// many lines were evicted to make room.
    pub fn extend(
        &mut self,
        events: impl IntoIterator<Item = LogEvent>,
        source_of: impl Fn(&LogEvent) -> usize,
    ) -> usize {
        let mut evicted = 0;
        for event in events {
            let source = source_of(&event);
            let mut line = LogLine::new(event, source);
            line.request_id = self.invocations.ingest(&line.event, line.level);
            if self.lines.push(line).is_some() {
                evicted += 1;
            }
        }
        evicted
    }

    /// Positions of the lines of one invocation.
    pub fn lines_of(&self, request_id: &str) -> Vec<usize> {
        self.lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l.request_id.as_deref() == Some(request_id))
            .map(|(i, _)| i)
            .collect()
    }

    /// The next line at level ERROR after position `from` (wrapping), for `e`.
    pub fn next_error(&self, from: usize) -> Option<usize> {
        let len = self.lines.len();
        (1..=len)
            .map(|k| (from + k) % len)
            .find(|&i| self.lines.get(i).is_some_and(|l| l.level == Level::Error))
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn ev(ms: i64, message: &str) -> LogEvent {
        LogEvent {
            function: "f".into(),
            stream: "s".into(),
            event_id: ms.to_string(),
            timestamp: DateTime::from_timestamp_millis(ms).unwrap(),
            ingestion_time: None,
            message: message.into(),
        }
    }

    #[test]
    fn buffer_tags_levels_and_invocations_and_finds_errors() {
        let rid = "0f7c2a2e-1111-4222-8333-444455556666";
        let mut buffer = LogBuffer::new(10);
        buffer.extend(
            [
                ev(1, &format!("START RequestId: {rid} Version: $LATEST\n")),
                ev(2, "[INFO]\tt\tx\tok\n"),
                ev(3, "[ERROR] ValueError: bad\n"),
                ev(4, &format!("END RequestId: {rid}\n")),
            ],
            |_| 0,
        );
        assert_eq!(buffer.lines_of(rid), vec![0, 1, 2, 3]);
        assert_eq!(buffer.next_error(0), Some(2));
        assert_eq!(buffer.next_error(2), Some(2), "wraps around to itself");
        assert!(buffer.invocations.get(rid).unwrap().error);
    }

    #[test]
    fn buffer_memory_is_flat_over_a_long_run() {
        let mut buffer = LogBuffer::new(1_000);
        let mut evicted = 0;
        for chunk in 0..100 {
            evicted += buffer.extend((0..1_000).map(|i| ev(chunk * 1_000 + i, "line\n")), |_| 0);
        }
        assert_eq!(buffer.lines.len(), 1_000);
        assert_eq!(evicted, 99_000);
        assert!(buffer.lines.allocated() < 2_000);
    }
}
