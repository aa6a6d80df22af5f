//! The sliding-window tailer and the multi-function merger.
//!
//! ## Why a sliding window
//!
//! CloudWatch Logs has no cursor for "everything after what I have seen". Tailers that re-query from
//! "last timestamp + 1 ms" drop events that arrive late (ingested after a newer event was already
//! returned), events sharing the last millisecond, and events in log streams created since the last
//! poll. Instead, every poll re-queries the whole window `[now − L, now]` (L = 120 s by default; more
//! precisely `[last successful end − L, now]`) and drops what was already delivered, by `eventId`.
//!
//! The set of seen ids is evicted **by time**: an id is forgotten once its event's timestamp is older
//! than the start of the window being queried, because no later query can return it again (window
//! starts never move backwards). Evicting by count would forget ids that can still come back and print
//! them twice.
//!
//! The guarantee: an event whose ingestion lags its timestamp by at most L is delivered exactly once,
//! whatever its stream, whatever other event shares its millisecond. When polls are delayed (throttling,
//! a laptop asleep) the next window also reaches back to `last successful end − L`, so a slow poll does
//! not open a gap; that catch-up is capped (`max_catch_up`, 3 h by default) and the part left out is
//! reported by [`Tailer::take_skipped`].
//!
//! ## How a poller drives it
//!
//! ```text
//! loop {
//!     let w = tailer.next_window(Utc::now());           // evicts old ids, plans [start, end]
//!     for page in FilterLogEvents(w, every nextToken) {  // pages may be empty
//!         let new = tailer.ingest(page);                 // only events never delivered before
//!         merger.push(source, new);
//!     }
//!     tailer.completed(w);                               // only after the last page succeeded
//!     merger.advance(source, w.end);
//!     show(merger.release(Utc::now()));
//! }
//! ```
//!
//! ## Merging several functions: the reorder buffer
//!
//! Each function is tailed by its own [`Tailer`]; a [`Merger`] interleaves them in timestamp order. An
//! event is held until every source has polled past `its timestamp + grace` (the watermark), then
//! released in `(timestamp, arrival)` order. A source that has not answered for `max_delay` (it is
//! throttled, say) stops holding the others back. An event that arrives after the watermark passed its
//! timestamp (ingested late) is released at once, out of order but never dropped: exactly once beats
//! strict order. [`Merger::late`] counts those.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::log::{LogEvent, TimeWindow};

/// The default window length L.
pub const DEFAULT_WINDOW: Duration = Duration::from_mins(2);
/// The default cap on how far back a delayed poll reaches.
pub const DEFAULT_MAX_CATCH_UP: Duration = Duration::from_hours(3);

fn delta(d: Duration) -> TimeDelta {
    TimeDelta::from_std(d).unwrap_or(TimeDelta::MAX)
}

/// Truncates to the millisecond (what CloudWatch speaks).
fn to_ms(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(t.timestamp_millis()).unwrap_or(t)
}

/// Sliding-window state for one log group: which window to query next and which events were already
/// delivered. Pure: time comes in as arguments.
#[derive(Clone, Debug)]
pub struct Tailer {
    window: TimeDelta,
    max_catch_up: TimeDelta,
    /// Start of the last planned window; never decreases.
    start: Option<DateTime<Utc>>,
    /// End of the last window whose every page was fetched.
    last_ok: Option<DateTime<Utc>>,
    seen: HashSet<Arc<str>>,
    /// Seen ids by event timestamp (ms), for eviction by time.
    by_time: BTreeMap<i64, Vec<Arc<str>>>,
    skipped: Option<TimeWindow>,
}

impl Default for Tailer {
    fn default() -> Self {
        Self::new(DEFAULT_WINDOW)
    }
}

impl Tailer {
    /// A tailer re-querying `[now − window, now]`.
    pub fn new(window: Duration) -> Self {
        Self {
            window: delta(window.max(Duration::from_secs(1))),
            max_catch_up: delta(DEFAULT_MAX_CATCH_UP),
            start: None,
            last_ok: None,
            seen: HashSet::new(),
            by_time: BTreeMap::new(),
            skipped: None,
        }
    }

    /// How far back a delayed poll may reach (at least the window).
    #[must_use]
    pub fn with_max_catch_up(mut self, max: Duration) -> Self {
        self.max_catch_up = delta(max).max(self.window);
        self
    }

    pub fn window_length(&self) -> Duration {
        self.window.to_std().unwrap_or_default()
    }

    /// The next window to query, `[start, now]`; forgets ids older than `start`.
    ///
    /// `start` is `min(now, last successful end) − L`: in steady state `now − L − poll interval`, after
    /// a delayed or failed poll further back (capped by `max_catch_up`); it never moves backwards.
    /// Reaching back to the last good end is what makes the guarantee exact: an event ingested at most
    /// L after its timestamp is inside the first successful window polled after its ingestion.
    pub fn next_window(&mut self, now: DateTime<Utc>) -> TimeWindow {
        let end = to_ms(now);
        let mut start = end - self.window;
        if let Some(ok) = self.last_ok {
            start = start.min(ok - self.window);
        }
        let floor = end - self.max_catch_up;
        if start < floor {
            self.skipped = Some(TimeWindow::new(start, floor - TimeDelta::milliseconds(1)));
            start = floor;
        }
        if let Some(prev) = self.start {
            start = start.max(prev);
        }
        // A clock that stepped backwards: keep the window valid rather than inverted.
        let end = end.max(start);
        self.start = Some(start);
        self.evict_before(start.timestamp_millis());
        TimeWindow::new(start, end)
    }

    /// Every page of `window` was fetched: the next window need not reach back before `window.end − L`.
    pub fn completed(&mut self, window: TimeWindow) {
        if self.last_ok.is_none_or(|ok| window.end > ok) {
            self.last_ok = Some(window.end);
        }
    }

    /// Keeps the events not delivered before (in the order given) and remembers them.
    pub fn ingest(&mut self, events: impl IntoIterator<Item = LogEvent>) -> Vec<LogEvent> {
        events
            .into_iter()
            .filter(|e| self.remember(&e.event_id, e.timestamp.timestamp_millis()))
            .collect()
    }

    /// Records one id; `true` if it was new.
    pub fn remember(&mut self, event_id: &str, timestamp_ms: i64) -> bool {
        if self.seen.contains(event_id) {
            return false;
        }
        let id: Arc<str> = Arc::from(event_id);
        self.seen.insert(Arc::clone(&id));
        self.by_time.entry(timestamp_ms).or_default().push(id);
        true
    }

    pub fn is_seen(&self, event_id: &str) -> bool {
        self.seen.contains(event_id)
    }

    /// Ids currently remembered.
    pub fn seen_len(&self) -> usize {
        self.seen.len()
    }

    /// The part of a long stall that the catch-up cap left out (reported once).
    pub fn take_skipped(&mut self) -> Option<TimeWindow> {
        self.skipped.take()
    }

    fn evict_before(&mut self, start_ms: i64) {
        let keep = self.by_time.split_off(&start_ms);
        let old = std::mem::replace(&mut self.by_time, keep);
        for id in old.into_values().flatten() {
            self.seen.remove(&id);
        }
    }
}

#[derive(Debug)]
struct Held {
    ts: i64,
    seq: u64,
    event: LogEvent,
}

impl PartialEq for Held {
    fn eq(&self, other: &Self) -> bool {
        (self.ts, self.seq) == (other.ts, other.seq)
    }
}
impl Eq for Held {}
impl PartialOrd for Held {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Held {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.ts, self.seq).cmp(&(other.ts, other.seq))
    }
}

/// The default grace of the reorder buffer for `lambdash tail`.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(1);
/// A source silent for this long stops holding the others back.
pub const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(10);

/// Interleaves the new events of several sources (functions) in timestamp order; see the module docs.
#[derive(Debug)]
pub struct Merger {
    grace: TimeDelta,
    max_delay: TimeDelta,
    polled_until: Vec<Option<DateTime<Utc>>>,
    heap: BinaryHeap<Reverse<Held>>,
    seq: u64,
    /// Timestamp (ms) up to which events were released.
    released_to: Option<i64>,
    late: u64,
}

impl Merger {
    /// `sources` sources, holding events `grace` behind the slowest source.
    pub fn new(sources: usize, grace: Duration) -> Self {
        Self {
            grace: delta(grace),
            max_delay: delta(DEFAULT_MAX_DELAY),
            polled_until: vec![None; sources.max(1)],
            heap: BinaryHeap::new(),
            seq: 0,
            released_to: None,
            late: 0,
        }
    }

    #[must_use]
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = delta(max_delay);
        self
    }

    /// Adds new (already de-duplicated) events of one source.
    pub fn push(&mut self, _source: usize, events: impl IntoIterator<Item = LogEvent>) {
        for event in events {
            self.seq += 1;
            self.heap.push(Reverse(Held {
                ts: event.timestamp.timestamp_millis(),
                seq: self.seq,
                event,
            }));
        }
    }

    /// Source `source` has fetched everything up to `until` (the end of its last complete window).
    pub fn advance(&mut self, source: usize, until: DateTime<Utc>) {
        if let Some(slot) = self.polled_until.get_mut(source)
            && slot.is_none_or(|t| until > t)
        {
            *slot = Some(until);
        }
    }

    /// The time up to which events can be released at `now`.
    pub fn watermark(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let slowest = self
            .polled_until
            .iter()
            .map(|t| t.unwrap_or(DateTime::<Utc>::MIN_UTC))
            .min()
            .unwrap_or(now);
        slowest.max(now - self.max_delay) - self.grace
    }

    /// Events whose turn has come, in timestamp order (ties: arrival order).
    pub fn release(&mut self, now: DateTime<Utc>) -> Vec<LogEvent> {
        let mark = self.watermark(now).timestamp_millis();
        let mut out = Vec::new();
        while self.heap.peek().is_some_and(|Reverse(h)| h.ts <= mark) {
            if let Some(Reverse(h)) = self.heap.pop() {
                if self.released_to.is_some_and(|r| h.ts < r) {
                    self.late += 1;
                }
                out.push(h.event);
            }
        }
        self.released_to = Some(self.released_to.map_or(mark, |r| r.max(mark)));
        out
    }

    /// Everything held, in order (at the end of a bounded run).
    pub fn flush(&mut self) -> Vec<LogEvent> {
        let mut out = Vec::with_capacity(self.heap.len());
        while let Some(Reverse(h)) = self.heap.pop() {
            out.push(h.event);
        }
        out
    }

    /// Events held, waiting for the watermark.
    pub fn held(&self) -> usize {
        self.heap.len()
    }

    /// Events released after newer ones had already been released (they were ingested late).
    pub fn late(&self) -> u64 {
        self.late
    }
}

/// Stable merge of complete batches (a bounded range): by timestamp, ties keep their order.
pub fn sort_by_time(events: &mut [LogEvent]) {
    events.sort_by_key(|e| e.timestamp);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap()
    }

    fn ev(id: &str, ms: i64, stream: &str) -> LogEvent {
        LogEvent {
            function: "f".into(),
            stream: stream.into(),
            event_id: id.into(),
            timestamp: t(ms),
            ingestion_time: None,
            message: format!("{id}\n"),
        }
    }

    fn ids(events: &[LogEvent]) -> Vec<&str> {
        events.iter().map(|e| e.event_id.as_str()).collect()
    }

    /// A fake log group: events with their ingestion times; `query` returns what CloudWatch would.
    struct Group(Vec<(LogEvent, i64)>);
    impl Group {
        fn query(&self, w: TimeWindow, now_ms: i64) -> Vec<LogEvent> {
            let mut out: Vec<LogEvent> = self
                .0
                .iter()
                .filter(|(e, ingested)| *ingested <= now_ms && w.contains(e.timestamp))
                .map(|(e, _)| e.clone())
                .collect();
            out.sort_by_key(|e| e.timestamp);
            out
        }
    }

    const NOW: i64 = 1_700_000_000_000;

    #[test]
    fn window_is_now_minus_l_to_now() {
        let mut tailer = Tailer::new(Duration::from_mins(2));
        let w = tailer.next_window(t(NOW));
        assert_eq!(w, TimeWindow::new(t(NOW - 120_000), t(NOW)));
    }

    #[test]
    fn tail_keeps_same_millisecond_events() {
        let mut tailer = Tailer::default();
        let mut group = Group(vec![(ev("a", NOW - 5, "s1"), NOW - 4)]);
        let w = tailer.next_window(t(NOW));
        let first = tailer.ingest(group.query(w, NOW));
        tailer.completed(w);
        assert_eq!(ids(&first), ["a"]);
        // Two more events in the very same millisecond as the one already delivered.
        group.0.push((ev("b", NOW - 5, "s1"), NOW + 500));
        group.0.push((ev("c", NOW - 5, "s2"), NOW + 600));
        let w = tailer.next_window(t(NOW + 1_000));
        assert!(
            w.start <= t(NOW - 5),
            "the window never starts after the last timestamp"
        );
        let second = tailer.ingest(group.query(w, NOW + 1_000));
        assert_eq!(ids(&second), ["b", "c"]);
    }

    #[test]
    fn late_event_inside_window_is_delivered_once() {
        let mut tailer = Tailer::default();
        let mut group = Group(vec![(ev("new", NOW - 1_000, "s1"), NOW - 900)]);
        let mut delivered = Vec::new();
        for step in 0..60 {
            let now = NOW + step * 1_000;
            if step == 10 {
                // Ingested now, stamped 90 s ago: older than everything delivered so far.
                group.0.push((ev("late", now - 90_000, "s1"), now));
            }
            let w = tailer.next_window(t(now));
            delivered.extend(tailer.ingest(group.query(w, now)));
            tailer.completed(w);
        }
        assert_eq!(ids(&delivered), ["new", "late"]);
    }

    #[test]
    fn stream_created_mid_tail_is_delivered() {
        let mut tailer = Tailer::default();
        let mut group = Group(vec![(ev("old-stream", NOW - 10, "s1"), NOW - 10)]);
        let mut delivered = Vec::new();
        for step in 0..5 {
            let now = NOW + step * 2_000;
            if step == 2 {
                group.0.push((ev("new-stream", now - 3_000, "s-new"), now));
            }
            let w = tailer.next_window(t(now));
            delivered.extend(tailer.ingest(group.query(w, now)));
            tailer.completed(w);
        }
        assert_eq!(ids(&delivered), ["old-stream", "new-stream"]);
    }

    #[test]
    fn seen_ids_evicted_by_time_not_count() {
        let mut tailer = Tailer::new(Duration::from_secs(10));
        // 50,000 events in the window: none may be forgotten while the window still covers them.
        let events: Vec<LogEvent> = (0..50_000)
            .map(|i| ev(&format!("e{i}"), NOW - 9_000 + i64::from(i % 9_000), "s"))
            .collect();
        let w = tailer.next_window(t(NOW));
        assert_eq!(tailer.ingest(events.clone()).len(), 50_000);
        tailer.completed(w);
        // Polled again a second later: everything still in the window, nothing comes back.
        let w = tailer.next_window(t(NOW + 1_000));
        assert_eq!(tailer.seen_len(), 50_000);
        let again: Vec<LogEvent> = events
            .iter()
            .filter(|e| w.contains(e.timestamp))
            .cloned()
            .collect();
        assert!(tailer.ingest(again).is_empty());
        tailer.completed(w);
        // Polls at +4 s and +5 s: the window now starts at the last good end (+4 s) − L = NOW − 6 s.
        // Ids older than that are gone, every younger one is kept, however many there are.
        let w = tailer.next_window(t(NOW + 4_000));
        tailer.completed(w);
        let w = tailer.next_window(t(NOW + 5_000));
        assert_eq!(w.start, t(NOW - 6_000));
        let expected = events.iter().filter(|e| e.timestamp >= w.start).count();
        assert!(expected > 30_000 && expected < 50_000);
        assert_eq!(tailer.seen_len(), expected);
        assert!(tailer.is_seen("e8999"));
        assert!(!tailer.is_seen("e0"));
    }

    #[test]
    fn window_start_never_advances_to_last_timestamp_plus_one() {
        let mut tailer = Tailer::new(Duration::from_mins(1));
        let w = tailer.next_window(t(NOW));
        tailer.ingest([ev("a", NOW - 1, "s")]);
        tailer.completed(w);
        let w2 = tailer.next_window(t(NOW + 500));
        // The last good end − L (which is ≤ now − L): never "last timestamp + 1 ms".
        assert_eq!(w2.start, t(NOW - 60_000));
        assert_eq!(w2.end, t(NOW + 500));
    }

    #[test]
    fn delayed_poll_reaches_back_to_cover_the_gap() {
        let mut tailer = Tailer::new(Duration::from_mins(2));
        let w = tailer.next_window(t(NOW));
        tailer.completed(w);
        // Throttled for 5 minutes: the next window starts at the last good end − L.
        let w = tailer.next_window(t(NOW + 300_000));
        assert_eq!(w.start, t(NOW - 120_000));
        tailer.completed(w);
        let w = tailer.next_window(t(NOW + 301_000));
        assert_eq!(w.start, t(NOW + 300_000 - 120_000));
    }

    #[test]
    fn failed_poll_does_not_move_the_catch_up_point() {
        let mut tailer = Tailer::new(Duration::from_mins(2));
        let w = tailer.next_window(t(NOW));
        tailer.completed(w);
        let _failed = tailer.next_window(t(NOW + 200_000));
        let w = tailer.next_window(t(NOW + 400_000));
        assert_eq!(w.start, t(NOW - 120_000));
    }

    #[test]
    fn catch_up_is_capped_and_the_gap_reported() {
        let mut tailer =
            Tailer::new(Duration::from_mins(1)).with_max_catch_up(Duration::from_mins(10));
        let w = tailer.next_window(t(NOW));
        tailer.completed(w);
        let w = tailer.next_window(t(NOW + 3_600_000));
        assert_eq!(w.start, t(NOW + 3_600_000 - 600_000));
        let gap = tailer.take_skipped().unwrap();
        assert_eq!(gap.start, t(NOW - 60_000));
        assert!(tailer.take_skipped().is_none());
    }

    #[test]
    fn clock_stepping_back_keeps_the_window_valid() {
        let mut tailer = Tailer::new(Duration::from_secs(10));
        tailer.next_window(t(NOW));
        let w = tailer.next_window(t(NOW - 60_000));
        assert!(w.start <= w.end);
        assert_eq!(w.start, t(NOW - 10_000));
    }

    #[test]
    fn merged_functions_come_out_in_timestamp_order() {
        let mut merger = Merger::new(2, Duration::ZERO);
        let mut a = ev("a1", NOW - 300, "s");
        a.function = "alpha".into();
        let mut b = ev("b1", NOW - 200, "s");
        b.function = "beta".into();
        let mut a2 = ev("a2", NOW - 100, "s");
        a2.function = "alpha".into();
        merger.push(0, [a, a2]);
        merger.advance(0, t(NOW));
        // Beta has not polled yet: nothing may be released ahead of it.
        assert!(merger.release(t(NOW)).is_empty());
        merger.push(1, [b]);
        merger.advance(1, t(NOW));
        assert_eq!(ids(&merger.release(t(NOW))), ["a1", "b1", "a2"]);
        assert_eq!(merger.late(), 0);
    }

    #[test]
    fn merger_holds_for_grace_then_releases() {
        let mut merger = Merger::new(1, Duration::from_secs(2));
        merger.push(0, [ev("x", NOW - 1_000, "s"), ev("y", NOW - 3_000, "s")]);
        merger.advance(0, t(NOW));
        assert_eq!(ids(&merger.release(t(NOW))), ["y"]);
        assert_eq!(merger.held(), 1);
        merger.advance(0, t(NOW + 1_000));
        assert_eq!(ids(&merger.release(t(NOW + 1_000))), ["x"]);
    }

    #[test]
    fn late_event_is_released_not_dropped() {
        let mut merger = Merger::new(1, Duration::ZERO);
        merger.push(0, [ev("x", NOW - 10, "s")]);
        merger.advance(0, t(NOW));
        assert_eq!(ids(&merger.release(t(NOW))), ["x"]);
        merger.push(0, [ev("late", NOW - 60_000, "s")]);
        merger.advance(0, t(NOW + 1_000));
        assert_eq!(ids(&merger.release(t(NOW + 1_000))), ["late"]);
        assert_eq!(merger.late(), 1);
    }

    #[test]
    fn silent_source_stops_holding_others_after_max_delay() {
        let mut merger = Merger::new(2, Duration::ZERO).with_max_delay(Duration::from_secs(10));
        merger.push(0, [ev("a", NOW - 1, "s")]);
        merger.advance(0, t(NOW));
        assert!(merger.release(t(NOW)).is_empty());
        assert_eq!(ids(&merger.release(t(NOW + 10_000))), ["a"]);
    }

    #[test]
    fn same_millisecond_events_keep_arrival_order() {
        let mut merger = Merger::new(1, Duration::ZERO);
        merger.push(0, [ev("1", NOW, "s"), ev("2", NOW, "s"), ev("3", NOW, "s")]);
        merger.advance(0, t(NOW));
        assert_eq!(ids(&merger.release(t(NOW))), ["1", "2", "3"]);
    }
}
