//! Invocations built from Lambda's platform lines, joined by request id:
//!
//! ```text
//! START RequestId: 8f5e…  Version: $LATEST
//! …the function's lines…
//! END RequestId: 8f5e…
//! REPORT RequestId: 8f5e…\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\tInit Duration: 245.12 ms\tStatus: timeout
//! ```
//!
//! Lambda's JSON log format (`platform.start`, `platform.runtimeDone`, `platform.report`) is read too.
//!
//! A line belongs to an invocation when it names the request id (Node, Java, .NET, Powertools, the
//! timeout line do) or, failing that, when it sits between that invocation's `START` and `END` in the
//! same log stream (one execution environment runs one invocation at a time; Python's unhandled
//! `[ERROR]` lines carry no id). An invocation is an error when any of its lines is at level ERROR, or
//! its `REPORT` says `Status: error`; a timeout when `Task timed out` or `Status: timeout` says so.

use std::collections::{HashMap, VecDeque};

use chrono::{DateTime, Utc};

use crate::domain::log::{Invocation, Level, LogEvent};

use super::json::{self, Json};

/// The default number of invocations remembered (oldest forgotten first).
pub const DEFAULT_CAPACITY: usize = 20_000;

/// What a platform line says.
#[derive(Clone, Debug, PartialEq)]
pub enum Platform {
    Start {
        request_id: String,
        version: Option<String>,
    },
    End {
        request_id: String,
    },
    Report(Report),
    /// `… <request id> Task timed out after 3.00 seconds`.
    TimedOut {
        request_id: Option<String>,
    },
    /// `platform.runtimeDone` (JSON log format) with its status.
    RuntimeDone {
        request_id: String,
        status: String,
    },
}

/// The numbers of a `REPORT` line.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Report {
    pub request_id: String,
    pub duration_ms: Option<f64>,
    pub billed_ms: Option<u64>,
    pub memory_size_mb: Option<u32>,
    pub max_memory_used_mb: Option<u32>,
    pub init_duration_ms: Option<f64>,
    /// `timeout`, `error`, … (absent on success in the text format).
    pub status: Option<String>,
}

/// Parses a platform line (text or JSON format); `None` for anything else.
pub fn parse_platform(message: &str) -> Option<Platform> {
    let text = message.trim_end_matches(['\n', '\r']);
    if let Some(rest) = text.strip_prefix("START RequestId: ") {
        let mut parts = rest.split_whitespace();
        let request_id = parts.next()?.to_owned();
        let version = rest
            .split_once("Version: ")
            .map(|(_, v)| v.split_whitespace().next().unwrap_or_default().to_owned());
        return Some(Platform::Start {
            request_id,
            version,
        });
    }
    if let Some(rest) = text.strip_prefix("END RequestId: ") {
        return Some(Platform::End {
            request_id: rest.split_whitespace().next()?.to_owned(),
        });
    }
    if text.starts_with("REPORT RequestId: ") {
        return parse_report(text).map(Platform::Report);
    }
    if text.contains("Task timed out after") {
        let before = text
            .split("Task timed out after")
            .next()
            .unwrap_or_default();
        return Some(Platform::TimedOut {
            request_id: find_request_id(before).map(str::to_owned),
        });
    }
    if text.trim_start().starts_with('{') && text.contains("\"platform.") {
        return parse_json_platform(text);
    }
    None
}

fn number<T: std::str::FromStr>(value: &str) -> Option<T> {
    value.split_whitespace().next()?.parse().ok()
}

/// `REPORT RequestId: …\tDuration: 12.34 ms\t…`: tab-separated `Key: value unit` fields.
pub fn parse_report(text: &str) -> Option<Report> {
    let mut report = Report::default();
    for field in text.split('\t') {
        let Some((key, value)) = field.split_once(": ") else {
            continue;
        };
        match key.trim() {
            "REPORT RequestId" => value.trim().clone_into(&mut report.request_id),
            "Duration" => report.duration_ms = number(value),
            "Billed Duration" => report.billed_ms = number(value),
            "Memory Size" => report.memory_size_mb = number(value),
            "Max Memory Used" => report.max_memory_used_mb = number(value),
            "Init Duration" => report.init_duration_ms = number(value),
            "Status" => report.status = Some(value.trim().to_owned()),
            _ => {}
        }
    }
    (!report.request_id.is_empty()).then_some(report)
}

fn parse_json_platform(text: &str) -> Option<Platform> {
    let obj = json::parse_object(text)?;
    let kind = obj.get("type")?.as_str()?;
    let record = obj.get("record")?;
    let request_id = record.get("requestId")?.as_str()?.to_owned();
    match kind {
        "platform.start" => Some(Platform::Start {
            request_id,
            version: record
                .get("version")
                .and_then(Json::as_str)
                .map(str::to_owned),
        }),
        "platform.runtimeDone" => Some(Platform::RuntimeDone {
            request_id,
            status: record
                .get("status")
                .and_then(Json::as_str)
                .unwrap_or("success")
                .to_owned(),
        }),
        "platform.report" => {
            let metrics = record.get("metrics");
            let metric = |k: &str| metrics.and_then(|m| m.get(k)).and_then(Json::as_f64);
            Some(Platform::Report(Report {
                request_id,
                duration_ms: metric("durationMs"),
                billed_ms: metric("billedDurationMs").map(|v| v as u64),
                memory_size_mb: metric("memorySizeMB").map(|v| v as u32),
                max_memory_used_mb: metric("maxMemoryUsedMB").map(|v| v as u32),
                init_duration_ms: metric("initDurationMs"),
                status: record
                    .get("status")
                    .and_then(Json::as_str)
                    .filter(|s| *s != "success")
                    .map(str::to_owned),
            }))
        }
        _ => None,
    }
}

fn is_uuid(s: &[u8]) -> bool {
    s.len() == 36
        && s.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// The first UUID-shaped word (Lambda request ids are UUIDs) in the text.
pub fn find_request_id(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i + 36 <= bytes.len() {
        let before_ok = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        if before_ok && is_uuid(&bytes[i..i + 36]) {
            let after_ok = bytes.get(i + 36).is_none_or(|b| !b.is_ascii_alphanumeric());
            if after_ok {
                return text.get(i..i + 36);
            }
        }
        i += 1;
    }
    None
}

/// Builds [`Invocation`] rows incrementally from the lines of one or several functions.
#[derive(Clone, Debug)]
pub struct InvocationTracker {
    rows: HashMap<String, Invocation>,
    /// Request ids in the order first seen, for eviction.
    order: VecDeque<String>,
    /// The invocation running in each (function, stream), between its START and END.
    open: HashMap<(String, String), String>,
    capacity: usize,
}

impl Default for InvocationTracker {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
}

impl InvocationTracker {
    pub fn new(capacity: usize) -> Self {
        Self {
            rows: HashMap::new(),
            order: VecDeque::new(),
            open: HashMap::new(),
            capacity: capacity.max(1),
        }
    }

    fn row(&mut self, request_id: &str, event: &LogEvent) -> &mut Invocation {
        if !self.rows.contains_key(request_id) {
            if self.order.len() >= self.capacity
                && let Some(old) = self.order.pop_front()
            {
                self.rows.remove(&old);
                self.open.retain(|_, rid| *rid != old);
            }
            self.order.push_back(request_id.to_owned());
            self.rows.insert(
                request_id.to_owned(),
                Invocation {
                    request_id: request_id.to_owned(),
                    function: event.function.clone(),
                    stream: event.stream.clone(),
                    ..Invocation::default()
                },
            );
        }
        self.rows.entry(request_id.to_owned()).or_default()
    }

    /// Takes one line (with its detected level) into account; returns the request id it was
    /// attributed to, if any (so the pane can show one invocation's lines).
    pub fn ingest(&mut self, event: &LogEvent, level: Level) -> Option<String> {
        let key = (event.function.clone(), event.stream.clone());
        let at = event.timestamp;
        match parse_platform(&event.message) {
            Some(Platform::Start {
                request_id,
                version,
            }) => {
                let row = self.row(&request_id, event);
                row.start = Some(at);
                row.version = version;
                self.open.insert(key, request_id.clone());
                Some(request_id)
            }
            Some(Platform::End { request_id }) => {
                self.row(&request_id, event).end = Some(at);
                if self.open.get(&key) == Some(&request_id) {
                    self.open.remove(&key);
                }
                Some(request_id)
            }
            Some(Platform::Report(report)) => {
                let request_id = report.request_id.clone();
                apply_report(self.row(&request_id, event), &report, at);
                if self.open.get(&key) == Some(&request_id) {
                    self.open.remove(&key);
                }
                Some(request_id)
            }
            Some(Platform::RuntimeDone { request_id, status }) => {
                let row = self.row(&request_id, event);
                mark_status(row, &status);
                Some(request_id)
            }
            Some(Platform::TimedOut { request_id }) => {
                let request_id = request_id.or_else(|| self.open.get(&key).cloned())?;
                self.row(&request_id, event).timed_out = true;
                Some(request_id)
            }
            None => {
                let request_id = if let Some(rid) = self.open.get(&key) {
                    rid.clone()
                } else {
                    let named = find_request_id(&event.message)?;
                    if !self.rows.contains_key(named) && level != Level::Error {
                        // An id we know nothing of, on an ordinary line: do not invent a row.
                        return Some(named.to_owned());
                    }
                    named.to_owned()
                };
                if level == Level::Error {
                    self.row(&request_id, event).error = true;
                }
                Some(request_id)
            }
        }
    }

    pub fn get(&self, request_id: &str) -> Option<&Invocation> {
        self.rows.get(request_id)
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every invocation, oldest first (by start, else end).
    pub fn rows(&self) -> Vec<&Invocation> {
        let mut rows: Vec<&Invocation> = self.rows.values().collect();
        sort(&mut rows, InvocationSort::Start, false);
        rows
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.order.clear();
        self.open.clear();
    }
}

fn mark_status(row: &mut Invocation, status: &str) {
    match status {
        "timeout" => row.timed_out = true,
        "error" | "failure" => row.error = true,
        _ => {}
    }
}

fn apply_report(row: &mut Invocation, report: &Report, at: DateTime<Utc>) {
    row.duration_ms = report.duration_ms;
    row.billed_ms = report.billed_ms;
    row.memory_size_mb = report.memory_size_mb;
    row.max_memory_used_mb = report.max_memory_used_mb;
    row.init_duration_ms = report.init_duration_ms;
    if row.end.is_none() {
        row.end = Some(at);
    }
    if let Some(status) = &report.status {
        mark_status(row, status);
    }
    row.complete = true;
}

/// The columns the invocations view sorts by.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InvocationSort {
    #[default]
    Start,
    Duration,
    Billed,
    MemoryUsed,
    InitDuration,
    /// Failed (timeouts, then errors) first.
    Outcome,
    RequestId,
}

impl InvocationSort {
    pub const ALL: [Self; 7] = [
        Self::Start,
        Self::Duration,
        Self::Billed,
        Self::MemoryUsed,
        Self::InitDuration,
        Self::Outcome,
        Self::RequestId,
    ];

    #[must_use]
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|s| *s == self).unwrap_or(0);
        Self::ALL[(i + 1) % Self::ALL.len()]
    }
}

/// Sorts rows by a column (missing values first when ascending); ties by start time.
pub fn sort(rows: &mut [&Invocation], by: InvocationSort, descending: bool) {
    let f = |x: Option<f64>| x.unwrap_or(f64::NEG_INFINITY);
    rows.sort_by(|a, b| {
        let start = |r: &Invocation| r.start.or(r.end);
        let primary = match by {
            InvocationSort::Start => start(a).cmp(&start(b)),
            InvocationSort::Duration => f(a.duration_ms).total_cmp(&f(b.duration_ms)),
            InvocationSort::Billed => a.billed_ms.cmp(&b.billed_ms),
            InvocationSort::MemoryUsed => a.max_memory_used_mb.cmp(&b.max_memory_used_mb),
            InvocationSort::InitDuration => f(a.init_duration_ms).total_cmp(&f(b.init_duration_ms)),
            InvocationSort::Outcome => (a.timed_out, a.error)
                .cmp(&(b.timed_out, b.error))
                .reverse(),
            InvocationSort::RequestId => a.request_id.cmp(&b.request_id),
        };
        let ordered = primary.then_with(|| start(a).cmp(&start(b)));
        if descending {
            ordered.reverse()
        } else {
            ordered
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::level;

    const RID: &str = "0f7c2a2e-1111-4222-8333-444455556666";
    const RID2: &str = "9a9b9c9d-aaaa-4bbb-8ccc-dddddddddddd";

    fn ev(ms: i64, stream: &str, message: &str) -> LogEvent {
        LogEvent {
            function: "orders".into(),
            stream: stream.into(),
            event_id: format!("{ms}-{stream}"),
            timestamp: DateTime::from_timestamp_millis(ms).unwrap(),
            ingestion_time: None,
            message: message.into(),
        }
    }

    fn feed(tracker: &mut InvocationTracker, events: &[LogEvent]) -> Vec<Option<String>> {
        events
            .iter()
            .map(|e| tracker.ingest(e, level::detect(&e.message)))
            .collect()
    }

    #[test]
    fn report_line_parses_cold_start() {
        let r = parse_report(&format!("REPORT RequestId: {RID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\tInit Duration: 245.12 ms\t\n")).unwrap();
        assert_eq!(r.request_id, RID);
        assert_eq!(r.duration_ms, Some(12.34));
        assert_eq!(r.billed_ms, Some(13));
        assert_eq!(r.memory_size_mb, Some(512));
        assert_eq!(r.max_memory_used_mb, Some(88));
        assert_eq!(r.init_duration_ms, Some(245.12));
        assert_eq!(r.status, None);
    }

    #[test]
    fn report_line_parses_timeout_status_and_warm_start() {
        let Some(Platform::Report(r)) = parse_platform(&format!(
            "REPORT RequestId: {RID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tStatus: timeout\t\n"
        )) else {
            panic!("not a report");
        };
        assert_eq!(r.init_duration_ms, None);
        assert_eq!(r.status.as_deref(), Some("timeout"));
    }

    #[test]
    fn start_end_and_timeout_lines_parse() {
        assert_eq!(
            parse_platform(&format!("START RequestId: {RID} Version: 7\n")),
            Some(Platform::Start {
                request_id: RID.into(),
                version: Some("7".into())
            })
        );
        assert_eq!(
            parse_platform(&format!("END RequestId: {RID}\n")),
            Some(Platform::End {
                request_id: RID.into()
            })
        );
        assert_eq!(
            parse_platform(&format!(
                "2024-05-01T10:00:03.000Z {RID} Task timed out after 3.00 seconds\n\n"
            )),
            Some(Platform::TimedOut {
                request_id: Some(RID.into())
            })
        );
        assert_eq!(parse_platform("hello"), None);
    }

    #[test]
    fn invocation_joins_start_end_report_by_request_id() {
        let mut t = InvocationTracker::default();
        let ids = feed(
            &mut t,
            &[
                ev(
                    1_000,
                    "s",
                    &format!("START RequestId: {RID} Version: $LATEST\n"),
                ),
                ev(
                    1_005,
                    "s",
                    &format!("[INFO]\t2024-05-01T10:00:00.005Z\t{RID}\tworking\n"),
                ),
                ev(1_012, "s", &format!("END RequestId: {RID}\n")),
                ev(
                    1_012,
                    "s",
                    &format!(
                        "REPORT RequestId: {RID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\tInit Duration: 245.12 ms\t\n"
                    ),
                ),
            ],
        );
        assert!(ids.iter().all(|id| id.as_deref() == Some(RID)));
        let row = t.get(RID).unwrap();
        assert_eq!(row.start.unwrap().timestamp_millis(), 1_000);
        assert_eq!(row.end.unwrap().timestamp_millis(), 1_012);
        assert_eq!(row.version.as_deref(), Some("$LATEST"));
        assert!(row.cold_start() && row.complete && !row.failed());
        assert_eq!(row.billed_ms, Some(13));
    }

    #[test]
    fn unhandled_error_without_request_id_marks_the_running_invocation() {
        let mut t = InvocationTracker::default();
        let ids = feed(
            &mut t,
            &[
                ev(
                    1,
                    "s",
                    &format!("START RequestId: {RID} Version: $LATEST\n"),
                ),
                ev(
                    2,
                    "other",
                    &format!("START RequestId: {RID2} Version: $LATEST\n"),
                ),
                ev(
                    3,
                    "s",
                    "[ERROR] KeyError: 'id'\nTraceback (most recent call last):\n",
                ),
                ev(4, "s", &format!("END RequestId: {RID}\n")),
                ev(5, "other", &format!("END RequestId: {RID2}\n")),
            ],
        );
        assert_eq!(ids[2].as_deref(), Some(RID));
        assert!(t.get(RID).unwrap().error);
        assert!(!t.get(RID2).unwrap().error);
    }

    #[test]
    fn timeout_line_marks_the_invocation_timed_out() {
        let mut t = InvocationTracker::default();
        feed(
            &mut t,
            &[
                ev(
                    1,
                    "s",
                    &format!("START RequestId: {RID} Version: $LATEST\n"),
                ),
                ev(
                    3_000,
                    "s",
                    &format!(
                        "2024-05-01T10:00:03.000Z {RID} Task timed out after 3.00 seconds\n\n"
                    ),
                ),
                ev(3_000, "s", &format!("END RequestId: {RID}\n")),
                ev(
                    3_000,
                    "s",
                    &format!(
                        "REPORT RequestId: {RID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tStatus: timeout\t\n"
                    ),
                ),
            ],
        );
        let row = t.get(RID).unwrap();
        assert!(row.timed_out && row.failed());
    }

    #[test]
    fn error_line_naming_the_request_id_marks_it_even_outside_start_end() {
        let mut t = InvocationTracker::default();
        feed(
            &mut t,
            &[
                ev(
                    1,
                    "s",
                    &format!("START RequestId: {RID} Version: $LATEST\n"),
                ),
                ev(2, "s", &format!("END RequestId: {RID}\n")),
                ev(
                    3,
                    "s2",
                    &format!(
                        "{{\"level\":\"ERROR\",\"message\":\"x\",\"function_request_id\":\"{RID}\"}}\n"
                    ),
                ),
            ],
        );
        assert!(t.get(RID).unwrap().error);
    }

    #[test]
    fn json_platform_events_are_read() {
        let mut t = InvocationTracker::default();
        feed(
            &mut t,
            &[
                ev(
                    1,
                    "s",
                    &format!(
                        r#"{{"time":"2024-05-01T10:00:00.000Z","type":"platform.start","record":{{"requestId":"{RID}","version":"$LATEST"}}}}"#
                    ),
                ),
                ev(
                    9,
                    "s",
                    &format!(
                        r#"{{"time":"2024-05-01T10:00:00.009Z","type":"platform.runtimeDone","record":{{"requestId":"{RID}","status":"error"}}}}"#
                    ),
                ),
                ev(
                    9,
                    "s",
                    &format!(
                        r#"{{"time":"2024-05-01T10:00:00.009Z","type":"platform.report","record":{{"requestId":"{RID}","metrics":{{"durationMs":8.5,"billedDurationMs":9,"memorySizeMB":256,"maxMemoryUsedMB":70,"initDurationMs":120.5}},"status":"error"}}}}"#
                    ),
                ),
            ],
        );
        let row = t.get(RID).unwrap();
        assert!(row.error && row.complete);
        assert_eq!(row.duration_ms, Some(8.5));
        assert_eq!(row.memory_size_mb, Some(256));
        assert_eq!(row.init_duration_ms, Some(120.5));
    }

    #[test]
    fn tracker_forgets_oldest_invocations_beyond_capacity() {
        let mut t = InvocationTracker::new(10);
        for i in 0..100 {
            let rid = format!("0f7c2a2e-1111-4222-8333-{i:012}");
            feed(
                &mut t,
                &[ev(i, "s", &format!("START RequestId: {rid} Version: 1\n"))],
            );
        }
        assert_eq!(t.len(), 10);
        assert!(t.get("0f7c2a2e-1111-4222-8333-000000000099").is_some());
        assert!(t.get("0f7c2a2e-1111-4222-8333-000000000000").is_none());
    }

    #[test]
    fn rows_sort_by_column() {
        let mut t = InvocationTracker::default();
        for (i, d) in [(0, "30.0"), (1, "10.0"), (2, "20.0")] {
            let rid = format!("0f7c2a2e-1111-4222-8333-{i:012}");
            feed(
                &mut t,
                &[
                    ev(
                        i * 100,
                        "s",
                        &format!("START RequestId: {rid} Version: 1\n"),
                    ),
                    ev(
                        i * 100 + 50,
                        "s",
                        &format!(
                            "REPORT RequestId: {rid}\tDuration: {d} ms\tBilled Duration: 1 ms\tMemory Size: 1 MB\tMax Memory Used: 1 MB\t\n"
                        ),
                    ),
                ],
            );
        }
        let mut rows = t.rows();
        assert_eq!(
            rows.iter()
                .map(|r| r.duration_ms.unwrap())
                .collect::<Vec<_>>(),
            [30.0, 10.0, 20.0]
        );
        sort(&mut rows, InvocationSort::Duration, true);
        assert_eq!(
            rows.iter()
                .map(|r| r.duration_ms.unwrap())
                .collect::<Vec<_>>(),
            [30.0, 20.0, 10.0]
        );
    }

    #[test]
    fn request_id_is_found_as_a_whole_word() {
        assert_eq!(find_request_id(&format!("x\t{RID}\ty")), Some(RID));
        assert_eq!(find_request_id(&format!("a{RID}")), None);
        assert_eq!(find_request_id("no id"), None);
    }
}
