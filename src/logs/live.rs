//! Live Tail's rules, pure: de-duplication without `eventId`, and what to do when a session ends.
//!
//! ## De-duplicating events that have no id
//!
//! Live Tail (`StartLiveTail`) streams events ingested after the session started, without their
//! `eventId`. A session ends (AWS closes it after 3 hours; networks break), and the events ingested
//! between two sessions must not be lost: after every session start, one `FilterLogEvents` round over
//! the tail's sliding window (`[last delivered − L, now]`) fills the gap. That round returns events
//! the previous session already delivered, so live and polled events must be recognised as the same.
//!
//! They are keyed by content: a hash of (function, stream, timestamp in ms, message) plus an
//! **occurrence number** — the k-th event with that content *in one source*. A source is one polled
//! window (every page of it) or one whole Live Tail session. Two identical lines logged in the same
//! millisecond are `#1` and `#2` in every window that holds them and in the session that streamed
//! them, so each is delivered once: the set of delivered keys behaves like a multiset whose count is
//! the largest any single source has seen. Polled windows are complete (every page is fetched), and a
//! session sees every event ingested while it runs, which is what makes the counts line up.
//!
//! Keys are forgotten by time, like the tailer's ids: once an event's timestamp is older than the
//! start of any window that can still be polled ([`ContentDedup::evict_before`]).
//!
//! ## When a session ends
//!
//! [`after_session`]: a session renewed by lambdash (before AWS's 3-hour limit) or ended after it
//! ran a while is reconnected (and the gap filled by polling); a session that fails to start, ends
//! at once (the emulator sends one snapshot and closes), or streams another log group than asked
//! (the emulator again) means Live Tail does not work here: fall back to polling and say why.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::domain::log::LogEvent;

/// AWS ends a Live Tail session after 3 hours.
pub const SESSION_LIMIT: Duration = Duration::from_hours(3);
/// lambdash starts a new session this long after the current one started, before AWS ends it.
pub const RENEW_AFTER: Duration = Duration::from_mins(170);
/// A session that ends sooner than this did not work (the emulator's snapshot-then-close).
pub const MIN_HEALTHY: Duration = Duration::from_secs(30);
/// `StartLiveTail` takes at most this many log groups.
pub const MAX_GROUPS: usize = 10;
/// In `live` mode, after a failure, Live Tail is tried again this long later (polling meanwhile).
pub const RETRY_LIVE_AFTER: Duration = Duration::from_mins(5);
/// How far before a session update's arrival its events are taken as complete: an event ingested
/// just before the update may come in the next one.
pub const UPDATE_LAG: Duration = Duration::from_secs(10);

/// The content hash of an event: function (so its log group), stream, timestamp (ms) and message.
pub fn content_hash(e: &LogEvent) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    e.function.hash(&mut h);
    e.stream.hash(&mut h);
    e.timestamp.timestamp_millis().hash(&mut h);
    e.message.hash(&mut h);
    h.finish()
}

/// A synthetic, stable id for an event that came without one (Live Tail): `live-` + its content hash.
pub fn synthetic_id(e: &LogEvent) -> String {
    format!("live-{:016x}", content_hash(e))
}

/// The delivered-events set, keyed by content and occurrence (see the module docs).
#[derive(Clone, Debug, Default)]
pub struct ContentDedup {
    seen: HashSet<(u64, u32)>,
    by_time: BTreeMap<i64, Vec<(u64, u32)>>,
    /// Occurrences counted in the current source (a polled window, or a live session).
    window: HashMap<u64, u32>,
    session: HashMap<u64, u32>,
}

impl ContentDedup {
    pub fn new() -> Self {
        Self::default()
    }

    fn admit_one(
        counts: &mut HashMap<u64, u32>,
        seen: &mut HashSet<(u64, u32)>,
        by_time: &mut BTreeMap<i64, Vec<(u64, u32)>>,
        e: &LogEvent,
    ) -> bool {
        let hash = content_hash(e);
        let n = counts.entry(hash).or_insert(0);
        *n += 1;
        let key = (hash, *n);
        if seen.insert(key) {
            by_time
                .entry(e.timestamp.timestamp_millis())
                .or_default()
                .push(key);
            true
        } else {
            false
        }
    }

    /// A polled window starts: its occurrences are counted afresh.
    pub fn begin_window(&mut self) {
        self.window.clear();
    }

    /// One page of the current window: the events not delivered before.
    pub fn admit_page(&mut self, events: impl IntoIterator<Item = LogEvent>) -> Vec<LogEvent> {
        events
            .into_iter()
            .filter(|e| Self::admit_one(&mut self.window, &mut self.seen, &mut self.by_time, e))
            .collect()
    }

    /// A whole window at once ([`ContentDedup::begin_window`] + [`ContentDedup::admit_page`]).
    pub fn admit_window(&mut self, events: impl IntoIterator<Item = LogEvent>) -> Vec<LogEvent> {
        self.begin_window();
        self.admit_page(events)
    }

    /// Remembers a window delivered by other means (the tail's opening), without cloning it.
    pub fn remember_window<'a>(&mut self, events: impl IntoIterator<Item = &'a LogEvent>) {
        self.begin_window();
        for e in events {
            Self::admit_one(&mut self.window, &mut self.seen, &mut self.by_time, e);
        }
    }

    /// A new Live Tail session starts: its occurrences are counted afresh.
    pub fn begin_session(&mut self) {
        self.session.clear();
    }

    /// Events streamed by the current session: those not delivered before.
    pub fn admit_live(&mut self, events: impl IntoIterator<Item = LogEvent>) -> Vec<LogEvent> {
        events
            .into_iter()
            .filter(|e| Self::admit_one(&mut self.session, &mut self.seen, &mut self.by_time, e))
            .collect()
    }

    /// Forgets events stamped before `t` (no window that can still be polled reaches them).
    pub fn evict_before(&mut self, t: DateTime<Utc>) {
        let keep = self.by_time.split_off(&t.timestamp_millis());
        let old = std::mem::replace(&mut self.by_time, keep);
        for (hash, n) in old.into_values().flatten() {
            self.seen.remove(&(hash, n));
            if self.session.get(&hash).is_some_and(|c| *c <= n) {
                self.session.remove(&hash);
            }
            self.window.remove(&hash);
        }
    }

    /// Keys remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// Whether a Live Tail `logGroupIdentifier` is `group`: an ARN (with or without `:*`),
/// `ACCOUNT:NAME` (what session updates carry), or the bare name. Group names have no `:`.
pub fn group_matches(identifier: &str, group: &str) -> bool {
    let id = identifier.strip_suffix(":*").unwrap_or(identifier);
    id.rsplit(':').next() == Some(group)
}

/// How a Live Tail session ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEnd {
    /// lambdash renews the session before AWS's 3-hour limit.
    Renew,
    /// The stream ended without an error.
    Closed,
    /// AWS ended the session (`SessionTimeoutException`, the 3-hour limit).
    TimedOut,
    /// `StartLiveTail` failed, or the stream failed.
    Failed(String),
    /// The session streams other log groups than asked (the emulator answers for the last one created).
    WrongGroups(Vec<String>),
    /// Nobody is listening any more.
    Stopped,
}

/// What to do after a session ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Start a new session (and fill the gap by polling once).
    Reconnect,
    /// Live Tail does not work here: poll, and say why.
    FallBack(String),
    Stop,
}

fn secs(d: Duration) -> String {
    if d < Duration::from_secs(10) {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}s", d.as_secs())
    }
}

/// Decides after a session that ran for `ran_for` ended with `end`.
pub fn after_session(end: &SessionEnd, ran_for: Duration, min_healthy: Duration) -> Next {
    let healthy = ran_for >= min_healthy;
    match end {
        SessionEnd::Stopped => Next::Stop,
        SessionEnd::Renew | SessionEnd::TimedOut => Next::Reconnect,
        SessionEnd::Closed | SessionEnd::Failed(_) if healthy => Next::Reconnect,
        // Which group came back is logged, not said: the user asked about their function, and another
        // function's log group name only confuses (the caller names the function tailed).
        SessionEnd::WrongGroups(groups) => {
            tracing::info!(?groups, "Live Tail answered for other log groups");
            Next::FallBack(
                "it sent another function's logs instead (this endpoint does not support Live Tail)"
                    .to_string(),
            )
        }
        SessionEnd::Closed => Next::FallBack(format!(
            "its stream closed after {} (this endpoint only sends a snapshot)",
            secs(ran_for)
        )),
        SessionEnd::Failed(why) => Next::FallBack(format!("it failed: {why}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(function: &str, ms: i64, message: &str) -> LogEvent {
        LogEvent {
            function: function.into(),
            stream: "s".into(),
            event_id: String::new(),
            timestamp: DateTime::from_timestamp_millis(ms).unwrap(),
            ingestion_time: None,
            message: message.into(),
        }
    }

    fn msgs(events: &[LogEvent]) -> Vec<&str> {
        events.iter().map(|e| e.message.as_str()).collect()
    }

    #[test]
    fn live_then_overlapping_poll_delivers_each_event_once() {
        let mut d = ContentDedup::new();
        d.begin_session();
        let live = d.admit_live([ev("f", 1_000, "a"), ev("f", 1_001, "b")]);
        assert_eq!(msgs(&live), ["a", "b"]);
        // The gap-filling poll returns what the session delivered plus what it missed.
        let polled = d.admit_window([
            ev("f", 1_000, "a"),
            ev("f", 1_001, "b"),
            ev("f", 1_002, "c"),
        ]);
        assert_eq!(msgs(&polled), ["c"]);
        // The next session streams c again (ingested while it started): not shown twice.
        d.begin_session();
        assert!(d.admit_live([ev("f", 1_002, "c")]).is_empty());
        assert_eq!(msgs(&d.admit_live([ev("f", 1_003, "d")])), ["d"]);
    }

    #[test]
    fn identical_lines_in_the_same_millisecond_are_each_delivered_once() {
        let mut d = ContentDedup::new();
        d.begin_session();
        // The session streams one copy, then the second in a later update.
        assert_eq!(d.admit_live([ev("f", 5, "tick")]).len(), 1);
        // A window polled meanwhile holds both copies: only the second is new.
        assert_eq!(
            d.admit_window([ev("f", 5, "tick"), ev("f", 5, "tick")])
                .len(),
            1
        );
        // The session's own second copy is not new any more.
        assert!(d.admit_live([ev("f", 5, "tick")]).is_empty());
        // A third copy, anywhere, is.
        assert_eq!(d.admit_live([ev("f", 5, "tick")]).len(), 1);
        // Windows re-polled later agree.
        assert!(d.admit_window(vec![ev("f", 5, "tick"); 3]).is_empty());
    }

    #[test]
    fn same_content_in_another_function_or_stream_is_another_event() {
        let mut d = ContentDedup::new();
        assert_eq!(d.admit_window([ev("f", 5, "x"), ev("g", 5, "x")]).len(), 2);
        let mut other_stream = ev("f", 5, "x");
        other_stream.stream = "t".into();
        assert_eq!(d.admit_window([other_stream]).len(), 1);
    }

    #[test]
    fn pages_of_one_window_share_its_occurrence_count() {
        let mut d = ContentDedup::new();
        d.remember_window(&[ev("f", 5, "x")]);
        d.begin_window();
        assert!(d.admit_page([ev("f", 5, "x")]).is_empty());
        assert_eq!(
            d.admit_page([ev("f", 5, "x")]).len(),
            1,
            "second copy, next page"
        );
    }

    #[test]
    fn keys_are_forgotten_by_time_only() {
        let mut d = ContentDedup::new();
        d.admit_window((0..1_000).map(|i| ev("f", i, "m")));
        assert_eq!(d.len(), 1_000);
        d.evict_before(DateTime::from_timestamp_millis(900).unwrap());
        assert_eq!(d.len(), 100);
        assert!(d.admit_window([ev("f", 950, "m")]).is_empty());
        assert_eq!(d.admit_window([ev("f", 10, "m")]).len(), 1, "forgotten");
    }

    #[test]
    fn group_identifiers_match_by_name_or_arn() {
        let g = "/aws/lambda/orders";
        assert!(group_matches(g, g));
        assert!(group_matches(
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders",
            g
        ));
        assert!(group_matches(
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders:*",
            g
        ));
        assert!(!group_matches(
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders-v2",
            g
        ));
        assert!(!group_matches("/aws/lambda/other", g));
        assert!(group_matches("123456789012:/aws/lambda/orders", g));
    }

    #[test]
    fn session_ends_decide_reconnect_or_fall_back() {
        let long = Duration::from_mins(10);
        let short = Duration::from_millis(200);
        let min = MIN_HEALTHY;
        assert_eq!(
            after_session(&SessionEnd::Renew, long, min),
            Next::Reconnect
        );
        assert_eq!(
            after_session(&SessionEnd::TimedOut, short, min),
            Next::Reconnect
        );
        assert_eq!(
            after_session(&SessionEnd::Closed, long, min),
            Next::Reconnect
        );
        assert_eq!(
            after_session(&SessionEnd::Failed("reset".into()), long, min),
            Next::Reconnect
        );
        assert_eq!(after_session(&SessionEnd::Stopped, long, min), Next::Stop);
        let Next::FallBack(why) = after_session(&SessionEnd::Closed, short, min) else {
            panic!()
        };
        assert_eq!(
            why,
            "its stream closed after 0.2s (this endpoint only sends a snapshot)"
        );
        let Next::FallBack(why) =
            after_session(&SessionEnd::WrongGroups(vec!["/x".into()]), long, min)
        else {
            panic!()
        };
        assert!(
            why.contains("another function's logs") && !why.contains("/x"),
            "no other group's name: {why}"
        );
        let Next::FallBack(why) = after_session(&SessionEnd::Failed("HTTP 404".into()), short, min)
        else {
            panic!()
        };
        assert_eq!(why, "it failed: HTTP 404");
    }

    #[test]
    fn renewal_comes_before_the_session_limit() {
        assert!(RENEW_AFTER + Duration::from_mins(5) < SESSION_LIMIT);
    }
}
