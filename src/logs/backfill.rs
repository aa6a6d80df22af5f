//! Fetching a bounded range: time slices fetched concurrently within the budget, delivered in order;
//! and "the last N events whatever their age", found by walking back in growing windows.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::log::{LogEvent, TimeWindow};

/// The number of slices a range is cut into, at most.
pub const DEFAULT_MAX_SLICES: usize = 8;
/// No slice is shorter than this (a short range is one slice).
pub const DEFAULT_MIN_SLICE: Duration = Duration::from_mins(5);

/// Cuts `[range.start, range.end]` into at most `max_slices` contiguous, disjoint closed windows of at
/// least `min_slice` each (the last one takes the remainder). Millisecond precision: slice `k` ends 1 ms
/// before slice `k+1` starts, so no event belongs to two slices.
pub fn plan_slices(range: TimeWindow, max_slices: usize, min_slice: Duration) -> Vec<TimeWindow> {
    let start = range.start_ms();
    let end = range.end_ms().max(start);
    let span = end - start + 1;
    let min = i64::try_from(min_slice.as_millis())
        .unwrap_or(i64::MAX)
        .max(1);
    let count = (span / min).clamp(1, max_slices.max(1) as i64);
    let step = span / count;
    let at = |ms: i64| DateTime::from_timestamp_millis(ms).unwrap_or(range.start);
    (0..count)
        .map(|k| {
            let s = start + k * step;
            let e = if k == count - 1 { end } else { s + step - 1 };
            TimeWindow::new(at(s), at(e))
        })
        .collect()
}

/// The most events one `FilterLogEvents` page holds.
pub const PAGE_EVENTS: usize = 10_000;
/// An adaptive plan gives each slice this part of a page, so an estimate a little short still fits in
/// one page per slice.
pub const PAGE_FILL: f64 = 0.8;
/// An adaptive plan cuts at least this many slices (when the range is long enough), so one page's
/// latency overlaps the pacing of the next.
pub const MIN_ADAPTIVE_SLICES: usize = 2;

/// How many events `range` probably holds, from a sample: `sample_events` events seen in `sample`
/// (the tail's first window, say), at the same rate. Zero when the sample is empty or has no length.
#[allow(clippy::cast_precision_loss)]
pub fn estimate_events(sample: TimeWindow, sample_events: usize, range: TimeWindow) -> f64 {
    let sample_ms = (sample.end_ms() - sample.start_ms() + 1).max(1);
    let range_ms = (range.end_ms() - range.start_ms() + 1).max(0);
    sample_events as f64 / sample_ms as f64 * range_ms as f64
}

/// The slices an adaptive plan cuts for a source expected to hold `expected` events over the range:
/// as few as hold them in one page each at [`PAGE_FILL`], at least [`MIN_ADAPTIVE_SLICES`], at most
/// `max_slices`. Every slice is one `FilterLogEvents` call when the estimate holds; when it does not,
/// the slices that hold more simply take more pages (nothing is missed, it is only slower).
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss
)]
pub fn adaptive_slice_count(expected: f64, max_slices: usize) -> usize {
    let per_slice = PAGE_EVENTS as f64 * PAGE_FILL;
    let wanted = if expected.is_finite() && expected > 0.0 {
        (expected / per_slice).ceil().min(1e6) as usize
    } else {
        0
    };
    wanted.clamp(
        MIN_ADAPTIVE_SLICES.min(max_slices.max(1)),
        max_slices.max(1),
    )
}

/// One fetch to make: a slice of the range for one source (function).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Task {
    pub slice: usize,
    pub source: usize,
    pub window: TimeWindow,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum TaskState {
    Pending,
    Running,
    Done,
}

/// A backfill of one range over several sources. Hand out [`Task`]s (as many at once as the caller
/// wants in flight; the shared budget paces them), report each result, and drain events as soon as
/// every slice up to them is complete: the output is in timestamp order and starts before the whole
/// range is fetched.
#[derive(Clone, Debug)]
pub struct Backfill {
    slices: Vec<TimeWindow>,
    sources: usize,
    state: Vec<TaskState>,
    results: Vec<Vec<LogEvent>>,
    /// Slices already drained.
    emitted: usize,
}

impl Backfill {
    pub fn new(range: TimeWindow, sources: usize) -> Self {
        Self::with_slices(
            plan_slices(range, DEFAULT_MAX_SLICES, DEFAULT_MIN_SLICE),
            sources,
        )
    }

    /// A backfill cut by [`adaptive_slice_count`] for the busiest source's `expected` events (see
    /// [`estimate_events`]): few pages, few slices; `None` (nothing to go by) plans as [`Backfill::new`].
    pub fn adaptive(range: TimeWindow, sources: usize, expected: Option<f64>) -> Self {
        let Some(expected) = expected else {
            return Self::new(range, sources);
        };
        let count = adaptive_slice_count(expected, DEFAULT_MAX_SLICES);
        Self::with_slices(plan_slices(range, count, DEFAULT_MIN_SLICE), sources)
    }

    pub fn with_slices(slices: Vec<TimeWindow>, sources: usize) -> Self {
        let sources = sources.max(1);
        let tasks = slices.len() * sources;
        Self {
            slices,
            sources,
            state: vec![TaskState::Pending; tasks],
            results: vec![Vec::new(); tasks],
            emitted: 0,
        }
    }

    pub fn slices(&self) -> &[TimeWindow] {
        &self.slices
    }

    fn task(&self, index: usize) -> Task {
        let slice = index / self.sources;
        Task {
            slice,
            source: index % self.sources,
            window: self.slices[slice],
        }
    }

    fn index(&self, task: &Task) -> Option<usize> {
        (task.slice < self.slices.len() && task.source < self.sources)
            .then_some(task.slice * self.sources + task.source)
    }

    /// The next pending task, oldest slice first (so output can start early); marks it running.
    pub fn next_task(&mut self) -> Option<Task> {
        let index = self.state.iter().position(|s| *s == TaskState::Pending)?;
        self.state[index] = TaskState::Running;
        Some(self.task(index))
    }

    /// A task failed: it goes back in the queue.
    pub fn retry(&mut self, task: &Task) {
        if let Some(i) = self.index(task)
            && self.state[i] == TaskState::Running
        {
            self.state[i] = TaskState::Pending;
        }
    }

    /// A task's every page was fetched.
    pub fn complete(&mut self, task: &Task, events: Vec<LogEvent>) {
        if let Some(i) = self.index(task)
            && self.state[i] != TaskState::Done
        {
            self.state[i] = TaskState::Done;
            self.results[i] = events;
        }
    }

    /// Events of the slices complete from the start of the range up to the first incomplete one, in
    /// timestamp order (ties: source order, then the order CloudWatch gave).
    pub fn drain_ready(&mut self) -> Vec<LogEvent> {
        let mut out = Vec::new();
        while self.emitted < self.slices.len() {
            let first = self.emitted * self.sources;
            let tasks = first..first + self.sources;
            if !self.state[tasks.clone()]
                .iter()
                .all(|s| *s == TaskState::Done)
            {
                break;
            }
            let mut slice: Vec<LogEvent> = Vec::new();
            for i in tasks {
                slice.append(&mut self.results[i]);
            }
            slice.sort_by_key(|e| e.timestamp);
            out.append(&mut slice);
            self.emitted += 1;
        }
        out
    }

    /// `(tasks done, tasks in all)`, for a progress indicator.
    pub fn progress(&self) -> (usize, usize) {
        let done = self.state.iter().filter(|s| **s == TaskState::Done).count();
        (done, self.state.len())
    }

    /// Every task done and every event drained.
    pub fn is_done(&self) -> bool {
        self.emitted == self.slices.len()
    }
}

/// The default number of events shown when a function is opened.
pub const DEFAULT_LAST_N: usize = 200;
/// The first window walked back.
pub const FIRST_SPAN: Duration = Duration::from_mins(1);
/// Each window walked back is this many times longer than the previous one.
pub const GROWTH: i32 = 4;
/// `lastEventTimestamp` (DescribeLogStreams) is eventually consistent, "typically within an hour":
/// a jump to the newest stream's last event keeps this much slack.
pub const HINT_SLACK: Duration = Duration::from_hours(1);

/// Finds the newest `n` events of one log group whatever their age: windows walked back from `before`
/// (`[before − 1 min, before)`, then 4 min before that, then 16 min…) until `n` events are found or the
/// walk passes `floor` (nothing can be older: the log group's creation time minus the 14 days
/// PutLogEvents accepts). Every window is fetched whole, so the newest `n` are exact.
///
/// With a `hint` (the newest `lastEventTimestamp` among the group's streams), a walk that would cross a
/// long silent stretch jumps to `hint + 1 h` instead (the hint may be an hour stale).
#[derive(Clone, Debug)]
pub struct LastN {
    n: usize,
    /// Exclusive upper bound of the next window.
    before: DateTime<Utc>,
    floor: DateTime<Utc>,
    span: TimeDelta,
    hint: Option<DateTime<Utc>>,
    found: Vec<LogEvent>,
}

impl LastN {
    pub fn new(n: usize, before: DateTime<Utc>, floor: DateTime<Utc>) -> Self {
        Self {
            n,
            before,
            floor,
            span: TimeDelta::from_std(FIRST_SPAN).unwrap_or(TimeDelta::MAX),
            hint: None,
            found: Vec::new(),
        }
    }

    /// The newest `lastEventTimestamp` of the group's streams (DescribeLogStreams, LastEventTime
    /// descending).
    #[must_use]
    pub fn with_hint(mut self, newest_event: Option<DateTime<Utc>>) -> Self {
        self.hint = newest_event;
        self
    }

    /// Events already fetched for `[window.start, window.end]` (the tail's first window, say): counted,
    /// and the walk continues before `window.start`.
    pub fn seed(&mut self, window: TimeWindow, events: Vec<LogEvent>) {
        self.add(window, events);
    }

    /// The next window to fetch, `None` when done.
    pub fn next_window(&self) -> Option<TimeWindow> {
        if self.found.len() >= self.n || self.before <= self.floor {
            return None;
        }
        let mut end = self.before - TimeDelta::milliseconds(1);
        let mut span = self.span;
        if let Some(hint) = self.hint {
            let slack = TimeDelta::from_std(HINT_SLACK).unwrap_or(TimeDelta::MAX);
            let jump = hint + slack;
            if jump < end - span {
                end = jump;
                span = TimeDelta::from_std(FIRST_SPAN).unwrap_or(TimeDelta::MAX) + slack;
            }
        }
        let start = (end - span).max(self.floor);
        Some(TimeWindow::new(start, end))
    }

    /// A window returned by [`LastN::next_window`] was fetched whole.
    pub fn add(&mut self, window: TimeWindow, mut events: Vec<LogEvent>) {
        self.found.append(&mut events);
        // Keep only what can still be among the newest n (windows only get older).
        if self.found.len() > self.n {
            self.found.sort_by_key(|e| e.timestamp);
            let extra = self.found.len() - self.n;
            self.found.drain(..extra);
        }
        if window.start < self.before {
            self.before = window.start;
            self.span = self.span * GROWTH;
        }
    }

    pub fn found(&self) -> usize {
        self.found.len()
    }

    /// The newest `n` (or fewer) events, oldest first.
    pub fn finish(mut self) -> Vec<LogEvent> {
        self.found.sort_by_key(|e| e.timestamp);
        let extra = self.found.len().saturating_sub(self.n);
        self.found.drain(..extra);
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ms: i64) -> DateTime<Utc> {
        DateTime::from_timestamp_millis(ms).unwrap()
    }

    fn ev(id: &str, ms: i64, function: &str) -> LogEvent {
        LogEvent {
            function: function.into(),
            stream: "s".into(),
            event_id: id.into(),
            timestamp: t(ms),
            ingestion_time: None,
            message: String::new(),
        }
    }

    const NOW: i64 = 1_700_000_000_000;

    #[test]
    fn slices_cover_the_range_without_overlap() {
        let range = TimeWindow::new(t(NOW - 3_600_000), t(NOW));
        let slices = plan_slices(range, 8, Duration::from_mins(5));
        assert_eq!(slices.len(), 8);
        assert_eq!(slices[0].start, range.start);
        assert_eq!(slices[7].end, range.end);
        for pair in slices.windows(2) {
            assert_eq!(pair[0].end_ms() + 1, pair[1].start_ms());
        }
    }

    #[test]
    fn short_range_is_one_slice_and_min_slice_is_respected() {
        let short = TimeWindow::new(t(NOW - 60_000), t(NOW));
        assert_eq!(plan_slices(short, 8, Duration::from_mins(5)), vec![short]);
        let quarter = TimeWindow::new(t(NOW - 900_000), t(NOW));
        assert_eq!(plan_slices(quarter, 8, Duration::from_mins(5)).len(), 3);
        let inverted = TimeWindow::new(t(NOW), t(NOW - 1));
        assert_eq!(plan_slices(inverted, 8, Duration::from_mins(5)).len(), 1);
    }

    #[test]
    fn backfill_delivers_in_order_as_slices_complete() {
        let range = TimeWindow::new(t(NOW - 1_200_000), t(NOW));
        let mut b = Backfill::with_slices(plan_slices(range, 4, Duration::from_mins(1)), 2);
        let mut tasks = Vec::new();
        while let Some(task) = b.next_task() {
            tasks.push(task);
        }
        assert_eq!(tasks.len(), 8);
        assert!(b.next_task().is_none());
        // Complete out of order: slice 1 first, nothing can be drained before slice 0 is in.
        for task in tasks.iter().filter(|t| t.slice == 1) {
            let ms = task.window.start_ms() + 10 - task.source as i64;
            b.complete(task, vec![ev(&format!("s1-{}", task.source), ms, "f")]);
        }
        assert!(b.drain_ready().is_empty());
        assert_eq!(b.progress(), (2, 8));
        // Slice 0, source 1 fails once and is retried.
        b.retry(&tasks[1]);
        let again = b.next_task().unwrap();
        assert_eq!(again, tasks[1]);
        b.complete(
            &tasks[0],
            vec![ev("s0-0", tasks[0].window.start_ms() + 5, "a")],
        );
        b.complete(
            &again,
            vec![ev("s0-1", tasks[0].window.start_ms() + 1, "b")],
        );
        let out: Vec<String> = b.drain_ready().into_iter().map(|e| e.event_id).collect();
        assert_eq!(out, ["s0-1", "s0-0", "s1-1", "s1-0"]);
        for task in tasks.iter().filter(|t| t.slice >= 2) {
            b.complete(task, Vec::new());
        }
        assert!(b.drain_ready().is_empty());
        assert!(b.is_done());
    }

    /// A log group over `[start, end]`: events `(id, ms, stream)`, and what one slice task returns.
    struct Group(Vec<(String, i64, String)>);

    impl Group {
        fn query(&self, w: TimeWindow) -> Vec<LogEvent> {
            let mut out: Vec<LogEvent> = self
                .0
                .iter()
                .filter(|(_, ms, _)| w.contains(t(*ms)))
                .map(|(id, ms, stream)| {
                    let mut e = ev(id, *ms, "f");
                    e.stream.clone_from(stream);
                    e
                })
                .collect();
            out.sort_by_key(|e| e.timestamp);
            out
        }
    }

    #[test]
    fn estimate_carries_the_sample_rate_over_the_range() {
        let sample = TimeWindow::new(t(NOW - 120_000), t(NOW));
        let range = TimeWindow::new(t(NOW - 3 * 3_600_000), t(NOW - 120_001));
        let expected = estimate_events(sample, 330, range);
        assert!((expected - 29_370.0).abs() < 10.0, "{expected}");
        assert!(estimate_events(sample, 0, range).abs() < f64::EPSILON);
    }

    #[test]
    fn adaptive_plan_cuts_as_many_slices_as_pages_expected() {
        // 30,000 events: four slices of 7,500 (one page each at 80 % fill), not eight.
        assert_eq!(adaptive_slice_count(29_370.0, 8), 4);
        // A quiet range still gets two slices, to overlap one page's latency with the next.
        assert_eq!(adaptive_slice_count(0.0, 8), 2);
        assert_eq!(adaptive_slice_count(f64::NAN, 8), 2);
        // A busy one never more than the cap.
        assert_eq!(adaptive_slice_count(300_000.0, 8), 8);
        assert_eq!(adaptive_slice_count(300_000.0, 1), 1);
        let range = TimeWindow::new(t(NOW - 3 * 3_600_000), t(NOW));
        assert_eq!(
            Backfill::adaptive(range, 1, Some(29_370.0)).slices().len(),
            4
        );
        assert_eq!(Backfill::adaptive(range, 1, None).slices().len(), 8);
        // A range shorter than two minimum slices is one slice.
        let short = TimeWindow::new(t(NOW - 240_000), t(NOW));
        assert_eq!(Backfill::adaptive(short, 1, Some(0.0)).slices().len(), 1);
    }

    /// 40 streams over three hours, a third starting mid-range, events sharing a millisecond across
    /// streams (also exactly on slice boundaries), tasks completing in a scrambled order: every event
    /// comes out once, in timestamp order.
    #[test]
    fn adaptive_backfill_delivers_every_event_once_in_order() {
        let range = TimeWindow::new(t(NOW - 3 * 3_600_000), t(NOW - 1));
        let mut rng = fastrand::Rng::with_seed(21);
        let mut events = Vec::new();
        for s in 0..40 {
            let from = if s % 3 == 0 {
                range.start_ms() + rng.i64(0..5_400_000)
            } else {
                range.start_ms()
            };
            for k in 0..200 {
                let ms = rng.i64(from..=range.end_ms());
                events.push((format!("{s}-{k}"), ms, format!("stream-{s}")));
            }
        }
        let mut b = Backfill::adaptive(range, 1, Some(8_000.0 * 2.5));
        assert_eq!(b.slices().len(), 3);
        for (i, slice) in b.slices().to_vec().iter().enumerate() {
            // The same millisecond in three streams, on each edge of every slice.
            for edge in [slice.start_ms(), slice.end_ms()] {
                for s in 0..3 {
                    events.push((format!("edge{i}-{edge}-{s}"), edge, format!("stream-{s}")));
                }
            }
        }
        let group = Group(events.clone());
        let mut tasks = Vec::new();
        while let Some(task) = b.next_task() {
            tasks.push(task);
        }
        rng.shuffle(&mut tasks);
        let mut out = Vec::new();
        for task in tasks {
            b.complete(&task, group.query(task.window));
            out.extend(b.drain_ready());
        }
        assert!(b.is_done());
        assert_eq!(out.len(), events.len());
        let unique: std::collections::HashSet<&str> =
            out.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(unique.len(), events.len(), "nothing twice");
        assert!(out.windows(2).all(|p| p[0].timestamp <= p[1].timestamp));
        // Same-millisecond events keep the order the group gave them (stable merge).
        let first_edge: Vec<&str> = out
            .iter()
            .filter(|e| e.event_id.starts_with("edge0-") && e.timestamp == range.start)
            .map(|e| e.stream.as_str())
            .collect();
        assert_eq!(first_edge, ["stream-0", "stream-1", "stream-2"]);
    }

    /// Cancelled after the first slice: what was drained is a prefix in order, the rest is never
    /// handed out again, and a retried task is not delivered twice.
    #[test]
    fn backfill_cancelled_mid_way_delivered_an_ordered_prefix() {
        let range = TimeWindow::new(t(NOW - 3_600_000), t(NOW - 1));
        let group = Group(
            (0..120)
                .map(|i| (format!("e{i}"), range.start_ms() + i * 30_000, "s".into()))
                .collect(),
        );
        let mut b = Backfill::adaptive(range, 1, Some(20_000.0));
        let first = b.next_task().unwrap();
        let second = b.next_task().unwrap();
        b.retry(&second);
        b.complete(&first, group.query(first.window));
        let again = b.next_task().unwrap();
        assert_eq!(again, second);
        let prefix = b.drain_ready();
        assert_eq!(prefix.len(), group.query(first.window).len());
        assert!(prefix.windows(2).all(|p| p[0].timestamp <= p[1].timestamp));
        // A late completion of the first task does not deliver it twice.
        b.complete(&first, group.query(first.window));
        assert!(b.drain_ready().is_empty());
        assert!(!b.is_done());
        // Dropped here: nothing else is fetched or shown.
    }

    #[test]
    fn last_n_walks_back_in_growing_windows_until_n_found() {
        let floor = t(NOW - 30 * 86_400_000);
        let mut plan = LastN::new(5, t(NOW), floor);
        let w1 = plan.next_window().unwrap();
        assert_eq!(w1, TimeWindow::new(t(NOW - 60_001), t(NOW - 1)));
        plan.add(w1, vec![ev("a", NOW - 10, "f"), ev("b", NOW - 20, "f")]);
        let w2 = plan.next_window().unwrap();
        assert_eq!(w2.end_ms(), w1.start_ms() - 1);
        assert_eq!(w2.length(), TimeDelta::minutes(4));
        plan.add(
            w2,
            (0..10)
                .map(|i| ev(&format!("o{i}"), w2.start_ms() + i, "f"))
                .collect(),
        );
        assert!(plan.next_window().is_none());
        let out: Vec<String> = plan.finish().into_iter().map(|e| e.event_id).collect();
        assert_eq!(out, ["o7", "o8", "o9", "b", "a"]);
    }

    #[test]
    fn last_n_stops_at_the_floor_with_fewer_events() {
        let mut plan = LastN::new(200, t(NOW), t(NOW - 600_000));
        let mut windows = 0;
        while let Some(w) = plan.next_window() {
            assert!(w.start >= t(NOW - 600_000));
            plan.add(w, Vec::new());
            windows += 1;
        }
        assert_eq!(windows, 3, "1 min, 4 min, then the rest down to the floor");
        assert!(plan.finish().is_empty());
    }

    #[test]
    fn last_n_jumps_over_silence_using_the_stream_hint() {
        let newest = NOW - 20 * 86_400_000;
        let mut plan = LastN::new(3, t(NOW), t(NOW - 60 * 86_400_000)).with_hint(Some(t(newest)));
        let w1 = plan.next_window().unwrap();
        assert_eq!(
            w1.end_ms(),
            newest + 3_600_000,
            "jumped to the hint plus slack"
        );
        assert!(w1.contains(t(newest)));
        plan.add(
            w1,
            vec![
                ev("x", newest, "f"),
                ev("y", newest - 5, "f"),
                ev("z", newest - 9, "f"),
            ],
        );
        assert!(plan.next_window().is_none());
        assert_eq!(plan.finish().len(), 3);
    }

    #[test]
    fn last_n_seeded_with_the_tail_window_continues_before_it() {
        let mut plan = LastN::new(2, t(NOW), t(0));
        let tail = TimeWindow::new(t(NOW - 120_000), t(NOW));
        plan.seed(tail, vec![ev("recent", NOW - 1_000, "f")]);
        let w = plan.next_window().unwrap();
        assert_eq!(w.end_ms(), NOW - 120_001);
        plan.add(w, vec![ev("older", NOW - 150_000, "f")]);
        let out: Vec<String> = plan.finish().into_iter().map(|e| e.event_id).collect();
        assert_eq!(out, ["older", "recent"]);
    }
}
