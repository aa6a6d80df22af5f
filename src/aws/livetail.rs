//! Live Tail (`StartLiveTail`, an event stream) and the follow loop shared by the logs pane and
//! `lambdash tail --follow`: Live Tail where it keeps working, `FilterLogEvents` polling otherwise.
//!
//! ```text
//! opening (last N or a range) ──> follow(mode)
//!   auto / live:  StartLiveTail ── sessionStart ──> one polling round fills the gap since the last delivery
//!                      │         ── sessionUpdate ──> events (content de-dup), "sampled" badge
//!                      └─ ends: renewed by lambdash at 2 h 50 min, closed after a healthy run → reconnect;
//!                               fails to start, closes at once, streams another group → poll, say why
//!                               (`live` mode tries Live Tail again every 5 minutes)
//!   poll:         the sliding window re-queried every second, de-duplicated by eventId
//! ```
//!
//! Live Tail events carry no `eventId`: they get a synthetic one ([`crate::logs::live::synthetic_id`])
//! and, once Live Tail is in play, every delivery (live, gap-filling polls, the fall-back polling) is
//! de-duplicated by content and occurrence ([`ContentDedup`]), which makes "no event twice, none
//! missed" hold across reconnections. The rules are pure and unit-tested in [`crate::logs::live`];
//! the stream handling ([`Session`], [`next_step`]) takes any `Stream` of SDK items, so it is tested
//! without a network, and `tests/livetail_mock.rs` drives the whole loop through the real SDK
//! deserializer with `aws-smithy-mocks` and event-stream bodies.
//!
//! The emulator (moto) only sends one snapshot and closes, for the last log group created whatever
//! was asked; `auto` sees that and falls back to polling, saying so. Its `stream-` host prefix is
//! stripped when an endpoint URL is set ([`StripHostPrefix`]).

use std::pin::Pin;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::error::StartLiveTailResponseStreamError;
use aws_sdk_cloudwatchlogs::types::{LiveTailSessionLogEvent, StartLiveTailResponseStream};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use chrono::{DateTime, TimeDelta, Utc};
use futures::{Stream, StreamExt};
use tokio::time::Instant;

use super::logs::{LogQuery, Pacer};
use super::{AwsError, Clients, classify};
use crate::domain::log::{LogEvent, TailMode, TimeWindow, Transport, from_millis};
use crate::logs::live::{
    self, ContentDedup, MAX_GROUPS, Next, SessionEnd, UPDATE_LAG, after_session, group_matches,
};
use crate::logs::{Backoff, Merger, Tailer};

/// One item of a Live Tail stream: an SDK event, or why the stream stopped.
#[derive(Debug)]
pub enum Frame {
    Event(StartLiveTailResponseStream),
    /// `SessionTimeoutException`: AWS's 3-hour limit.
    TimedOut,
    Failed(AwsError),
}

/// A session's stream of frames; it ends when the session does.
pub type LiveStream = Pin<Box<dyn Stream<Item = Frame> + Send>>;

/// Strips the `stream-` host prefix the SDK puts in front of `StartLiveTail`'s endpoint: an emulator
/// at `http://127.0.0.1:PORT` is not reachable at `http://stream-127.0.0.1:PORT`.
#[derive(Clone, Copy, Debug, Default)]
pub struct StripHostPrefix;

impl Intercept for StripHostPrefix {
    fn name(&self) -> &'static str {
        "lambdash.StripHostPrefix"
    }

    fn modify_before_signing(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let uri = request.uri().to_string();
        if let Some((scheme, rest)) = uri.split_once("://")
            && let Some(host) = rest.strip_prefix("stream-")
        {
            request.set_uri(format!("{scheme}://{host}"))?;
        }
        Ok(())
    }
}

fn map_event(e: &LiveTailSessionLogEvent, queries: &[LogQuery]) -> Result<LogEvent, String> {
    let group = e.log_group_identifier().unwrap_or_default();
    let query = queries
        .iter()
        .find(|q| group_matches(group, &q.log_group))
        .ok_or_else(|| group.to_string())?;
    let mut event = LogEvent {
        function: query.function.clone(),
        stream: e.log_stream_name().unwrap_or_default().to_owned(),
        event_id: String::new(),
        timestamp: e
            .timestamp()
            .and_then(from_millis)
            .unwrap_or(DateTime::<Utc>::MIN_UTC),
        ingestion_time: e.ingestion_time().and_then(from_millis),
        message: e.message().unwrap_or_default().to_owned(),
    };
    event.event_id = live::synthetic_id(&event);
    Ok(event)
}

/// What the follow loop does with one frame.
#[derive(Debug, PartialEq)]
pub enum Step {
    /// `sessionStart` for the groups asked: the session runs.
    Started,
    /// New events (unsorted, not yet de-duplicated); `sampled` when the flag changed.
    Events {
        events: Vec<LogEvent>,
        sampled: Option<bool>,
    },
    End(SessionEnd),
    Nothing,
}

/// One session's state: which groups were asked, whether it started, the last `sampled` flag.
#[derive(Debug)]
pub struct Session<'a> {
    queries: &'a [LogQuery],
    started: bool,
    sampled: Option<bool>,
}

impl<'a> Session<'a> {
    pub fn new(queries: &'a [LogQuery]) -> Self {
        Self {
            queries,
            started: false,
            sampled: None,
        }
    }

    /// Handles the next frame (`None`: the stream ended).
    pub fn on(&mut self, frame: Option<Frame>) -> Step {
        let event = match frame {
            None => return Step::End(SessionEnd::Closed),
            Some(Frame::TimedOut) => return Step::End(SessionEnd::TimedOut),
            Some(Frame::Failed(e)) => return Step::End(SessionEnd::Failed(e.to_string())),
            Some(Frame::Event(event)) => event,
        };
        match event {
            StartLiveTailResponseStream::SessionStart(start) => {
                let ids = start.log_group_identifiers();
                let missing = self
                    .queries
                    .iter()
                    .any(|q| !ids.iter().any(|id| group_matches(id, &q.log_group)));
                if missing {
                    return Step::End(SessionEnd::WrongGroups(ids.to_vec()));
                }
                self.started = true;
                Step::Started
            }
            StartLiveTailResponseStream::SessionUpdate(update) => {
                let mut events = Vec::with_capacity(update.session_results().len());
                let mut foreign: Vec<String> = Vec::new();
                for e in update.session_results() {
                    match map_event(e, self.queries) {
                        Ok(ev) => events.push(ev),
                        Err(group) if !foreign.contains(&group) => foreign.push(group),
                        Err(_) => {}
                    }
                }
                if !foreign.is_empty() {
                    return Step::End(SessionEnd::WrongGroups(foreign));
                }
                if !self.started {
                    // AWS always starts with sessionStart; an endpoint that does not is not Live Tail.
                    return Step::End(SessionEnd::Failed(
                        "the stream did not start with sessionStart".into(),
                    ));
                }
                let sampled = update
                    .session_metadata()
                    .map(aws_sdk_cloudwatchlogs::types::LiveTailSessionMetadata::sampled);
                let changed = match sampled {
                    Some(s) if self.sampled != Some(s) => {
                        self.sampled = Some(s);
                        Some(s)
                    }
                    _ => None,
                };
                Step::Events {
                    events,
                    sampled: changed,
                }
            }
            _ => Step::Nothing,
        }
    }
}

/// The next step of a session: a frame, or [`SessionEnd::Renew`] at `renew_at`.
pub async fn next_step<S>(stream: &mut S, session: &mut Session<'_>, renew_at: Instant) -> Step
where
    S: Stream<Item = Frame> + Unpin,
{
    tokio::select! {
        frame = stream.next() => session.on(frame),
        () = tokio::time::sleep_until(renew_at) => Step::End(SessionEnd::Renew),
    }
}

impl Clients {
    /// A log group's ARN (what `StartLiveTail` takes), by `DescribeLogGroups`; `None` when it does
    /// not exist.
    pub async fn log_group_arn(&self, group: &str) -> Result<Option<String>, AwsError> {
        let out = self
            .logs
            .describe_log_groups()
            .log_group_name_prefix(group)
            .limit(5)
            .send()
            .await
            .map_err(|e| classify(&e, "DescribeLogGroups", &self.profile))?;
        Ok(out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(group))
            .map(|g| {
                g.log_group_arn().map_or_else(
                    || {
                        let arn = g.arn().unwrap_or_default();
                        arn.strip_suffix(":*").unwrap_or(arn).to_owned()
                    },
                    ToOwned::to_owned,
                )
            })
            .filter(|arn| !arn.is_empty()))
    }

    /// Starts a Live Tail session on these log groups (ARNs), narrowed by a filter pattern.
    pub async fn start_live_tail(
        &self,
        arns: &[String],
        filter: Option<&str>,
    ) -> Result<LiveStream, AwsError> {
        let mut request = self
            .logs
            .start_live_tail()
            .set_log_group_identifiers(Some(arns.to_vec()))
            .set_log_event_filter_pattern(filter.map(ToOwned::to_owned))
            .customize();
        if self.endpoint_url.is_some() {
            request = request.interceptor(StripHostPrefix);
        }
        let out = request
            .send()
            .await
            .map_err(|e| classify(&e, "StartLiveTail", &self.profile))?;
        let profile = self.profile.clone();
        let stream = futures::stream::unfold(Some(out.response_stream), move |rx| {
            let profile = profile.clone();
            async move {
                let mut rx = rx?;
                match rx.recv().await {
                    Ok(Some(event)) => Some((Frame::Event(event), Some(rx))),
                    Ok(None) => None,
                    Err(err) => {
                        let frame = match &err {
                            aws_sdk_cloudwatchlogs::error::SdkError::ServiceError(s)
                                if matches!(
                                    s.err(),
                                    StartLiveTailResponseStreamError::SessionTimeoutException(_)
                                ) =>
                            {
                                Frame::TimedOut
                            }
                            _ => Frame::Failed(classify(&err, "StartLiveTail", &profile)),
                        };
                        // A failed stream ends: the next frame is the end.
                        Some((frame, None))
                    }
                }
            }
        });
        Ok(Box::pin(stream))
    }
}

/// Where a follow loop sends what happens.
pub trait FollowSink {
    /// New events (de-duplicated, in timestamp order within a batch); false: stop following.
    fn events(&mut self, events: Vec<LogEvent>) -> bool;
    /// What delivers events now (called when it changes).
    fn transport(&mut self, transport: &Transport);
    /// A polling round failed with an error the pacer does not retry; true: wait and go on.
    fn failed(&mut self, err: &AwsError) -> bool;
    /// A polling round succeeded (after a failure, or after retries inside the round): the sink
    /// clears whatever error it showed.
    fn recovered(&mut self) {}
    /// A stall longer than the catch-up cap left this part of a function's log out.
    fn skipped(&mut self, _function: &str, _gap: TimeWindow) {}
}

/// How to follow.
#[derive(Clone, Debug)]
pub struct FollowOptions {
    pub mode: TailMode,
    /// Polling interval (each function once per round, within the budget).
    pub poll_every: Duration,
    /// Reorder grace of the polling merger (0 for one function).
    pub grace: Duration,
    /// A new Live Tail session this long after the current one started.
    pub renew_after: Duration,
    /// A session ending sooner did not work.
    pub min_healthy: Duration,
    /// `live` mode: how long polling fills in before Live Tail is tried again.
    pub retry_live_after: Duration,
}

impl FollowOptions {
    pub fn new(mode: TailMode, functions: usize) -> Self {
        Self {
            mode,
            poll_every: Duration::from_secs(1),
            grace: if functions > 1 {
                crate::logs::tailer::DEFAULT_GRACE
            } else {
                Duration::ZERO
            },
            renew_after: live::RENEW_AFTER,
            min_healthy: live::MIN_HEALTHY,
            retry_live_after: live::RETRY_LIVE_AFTER,
        }
    }
}

/// The content de-dup set of a tail whose opening delivered these first windows.
pub fn opening_dedup(seeds: &[(TimeWindow, Vec<LogEvent>)]) -> ContentDedup {
    let mut dedup = ContentDedup::new();
    for (_, events) in seeds {
        dedup.remember_window(events);
    }
    dedup
}

/// Follows new events after an opening: see the module docs.
pub struct Follower<'a> {
    clients: &'a Clients,
    queries: &'a [LogQuery],
    tailers: Vec<Tailer>,
    pacer: &'a Pacer,
    opts: FollowOptions,
    /// `Some` once Live Tail is in play: every delivery is de-duplicated by content.
    dedup: Option<ContentDedup>,
    merger: Merger,
    arns: Option<Vec<String>>,
    transport: Option<Transport>,
}

impl<'a> Follower<'a> {
    /// `tailers` have ingested the opening's first windows, `dedup` remembers them
    /// ([`opening_dedup`]; unused in `poll` mode).
    pub fn new(
        clients: &'a Clients,
        queries: &'a [LogQuery],
        tailers: Vec<Tailer>,
        dedup: ContentDedup,
        pacer: &'a Pacer,
        opts: FollowOptions,
    ) -> Self {
        let merger = Merger::new(queries.len(), opts.grace);
        Self {
            clients,
            queries,
            tailers,
            pacer,
            dedup: (opts.mode != TailMode::Poll).then_some(dedup),
            opts,
            merger,
            arns: None,
            transport: None,
        }
    }

    fn say(&mut self, sink: &mut impl FollowSink, transport: Transport) {
        if self.transport.as_ref() != Some(&transport) {
            sink.transport(&transport);
            self.transport = Some(transport);
        }
    }

    /// Runs until the sink says stop (`Ok`) or a failure the sink does not wait out (`Err`).
    pub async fn run(mut self, sink: &mut impl FollowSink) -> Result<(), AwsError> {
        let mut live = self.opts.mode != TailMode::Poll;
        let mut retry_live_at: Option<Instant> = None;
        if !live {
            self.say(sink, Transport::Polling { why: None });
        }
        let mut failures = 0u32;
        loop {
            if !live && retry_live_at.is_some_and(|t| Instant::now() >= t) {
                live = true;
                retry_live_at = None;
            }
            if live {
                match self.live_session(sink).await? {
                    Next::Reconnect => {}
                    Next::Stop => return Ok(()),
                    Next::FallBack(why) => {
                        live = false;
                        // Once, about the function(s) tailed, in plain words.
                        let tailed: Vec<&str> =
                            self.queries.iter().map(|q| q.function.as_str()).collect();
                        let why =
                            format!("Live Tail does not work for {}: {why}", tailed.join(", "));
                        let why = if self.opts.mode == TailMode::Live {
                            retry_live_at = Some(Instant::now() + self.opts.retry_live_after);
                            format!(
                                "{why}; trying Live Tail again in {}",
                                crate::logs::range::short_duration(self.opts.retry_live_after)
                            )
                        } else {
                            why
                        };
                        tracing::info!(%why, "logs: polling instead of Live Tail");
                        self.say(sink, Transport::Polling { why: Some(why) });
                    }
                }
                continue;
            }
            match self.poll_round(sink).await {
                Ok(true) => {
                    // Also after a round whose calls were retried inside it (throttled, then fine).
                    failures = 0;
                    sink.recovered();
                }
                Ok(false) => return Ok(()),
                Err(e) => {
                    if !sink.failed(&e) {
                        return Err(e);
                    }
                    failures = failures.saturating_add(1);
                    let backoff = Backoff {
                        base: Duration::from_secs(5),
                        max: Duration::from_secs(30),
                    };
                    tokio::time::sleep(backoff.delay(failures, fastrand::f64())).await;
                    continue;
                }
            }
            tokio::time::sleep(self.opts.poll_every).await;
        }
    }

    /// One `FilterLogEvents` round: every function's next window. Returns the new events (already
    /// released by the merger unless `flush`), or false from the sink.
    async fn poll_round(&mut self, sink: &mut impl FollowSink) -> Result<bool, AwsError> {
        let Self {
            clients,
            queries,
            tailers,
            pacer,
            dedup,
            merger,
            ..
        } = self;
        let mut floor: Option<DateTime<Utc>> = None;
        for (i, (query, tailer)) in queries.iter().zip(tailers.iter_mut()).enumerate() {
            let window = tailer.next_window(Utc::now());
            if let Some(gap) = tailer.take_skipped() {
                sink.skipped(&query.function, gap);
            }
            floor = Some(floor.map_or(window.start, |f| f.min(window.start)));
            if let Some(d) = dedup.as_mut() {
                d.begin_window();
            }
            clients
                .fetch_window(query, window, pacer, |page| {
                    let new = match dedup.as_mut() {
                        Some(d) => d.admit_page(page),
                        None => tailer.ingest(page),
                    };
                    merger.push(i, new);
                })
                .await?;
            tailer.completed(window);
            merger.advance(i, window.end);
        }
        if let (Some(d), Some(floor)) = (dedup.as_mut(), floor) {
            d.evict_before(floor);
        }
        Ok(sink.events(merger.release(Utc::now())))
    }

    async fn resolve_arns(&mut self) -> Result<Vec<String>, String> {
        if let Some(arns) = &self.arns {
            return Ok(arns.clone());
        }
        let mut arns = Vec::with_capacity(self.queries.len());
        for q in self.queries {
            match self.clients.log_group_arn(&q.log_group).await {
                Ok(Some(arn)) => arns.push(arn),
                Ok(None) => {
                    return Err(format!(
                        "log group {} does not exist yet (Live Tail needs it)",
                        q.log_group
                    ));
                }
                Err(e) => return Err(format!("cannot find the log group's ARN: {e}")),
            }
        }
        self.arns = Some(arns.clone());
        Ok(arns)
    }

    /// One Live Tail session, from start to end; what to do next.
    async fn live_session(&mut self, sink: &mut impl FollowSink) -> Result<Next, AwsError> {
        if self.queries.len() > MAX_GROUPS {
            return Ok(Next::FallBack(format!(
                "Live Tail takes {MAX_GROUPS} log groups at most ({} tailed)",
                self.queries.len()
            )));
        }
        let arns = match self.resolve_arns().await {
            Ok(arns) => arns,
            Err(why) => return Ok(Next::FallBack(why)),
        };
        let started = Instant::now();
        let filter = self.queries.first().and_then(|q| q.filter_pattern.clone());
        let mut stream = match self.clients.start_live_tail(&arns, filter.as_deref()).await {
            Ok(s) => s,
            // Not started at all: whatever the reason (missing API, access, session quota), poll.
            Err(e) => return Ok(Next::FallBack(format!("it failed to start: {e}"))),
        };
        let started_wall = Utc::now();
        let queries = self.queries;
        let mut session = Session::new(queries);
        let renew_at = started + self.opts.renew_after;
        if let Some(d) = self.dedup.as_mut() {
            d.begin_session();
        }
        let window = self
            .tailers
            .first()
            .map_or(Duration::from_mins(2), Tailer::window_length);
        let window = TimeDelta::from_std(window).unwrap_or(TimeDelta::MAX);
        let lag = TimeDelta::from_std(UPDATE_LAG).unwrap_or(TimeDelta::MAX);
        let mut sampled = false;
        let end = loop {
            match next_step(&mut stream, &mut session, renew_at).await {
                Step::Started => {
                    // Fill the gap since the last delivery (the opening, or the previous session):
                    // one polling round over the sliding window, de-duplicated by content.
                    if !self.poll_round(sink).await? {
                        break SessionEnd::Stopped;
                    }
                    if !sink.events(self.merger.flush()) {
                        break SessionEnd::Stopped;
                    }
                    self.say(sink, Transport::Live { sampled });
                }
                Step::Events {
                    mut events,
                    sampled: changed,
                } => {
                    let arrived = Utc::now();
                    // A session streams what is ingested after it started; anything ingested well
                    // before is a replay (the emulator's snapshot), already shown by the opening.
                    events.retain(|e| e.ingestion_time.is_none_or(|t| t >= started_wall - window));
                    events.sort_by_key(|e| e.timestamp);
                    let new = match self.dedup.as_mut() {
                        Some(d) => {
                            let new = d.admit_live(events);
                            d.evict_before(arrived - lag - window);
                            new
                        }
                        None => events,
                    };
                    // Everything ingested up to a little before this update was delivered.
                    for tailer in &mut self.tailers {
                        tailer.completed(TimeWindow::new(arrived - lag, arrived - lag));
                    }
                    if !sink.events(new) {
                        break SessionEnd::Stopped;
                    }
                    if let Some(s) = changed {
                        sampled = s;
                        self.say(sink, Transport::Live { sampled });
                    }
                }
                Step::End(end) => break end,
                Step::Nothing => {}
            }
        };
        let next = after_session(&end, started.elapsed(), self.opts.min_healthy);
        tracing::info!(?end, ?next, "logs: Live Tail session ended");
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudwatchlogs::types::{
        LiveTailSessionMetadata, LiveTailSessionStart, LiveTailSessionUpdate,
    };

    use super::*;

    fn queries() -> Vec<LogQuery> {
        ["orders", "payments"]
            .iter()
            .map(|f| LogQuery {
                function: (*f).into(),
                log_group: format!("/aws/lambda/{f}"),
                filter_pattern: None,
                stream_names: Vec::new(),
            })
            .collect()
    }

    fn arn(f: &str) -> String {
        format!("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/{f}")
    }

    fn start(groups: &[&str]) -> Frame {
        Frame::Event(StartLiveTailResponseStream::SessionStart(
            LiveTailSessionStart::builder()
                .session_id("s-1")
                .set_log_group_identifiers(Some(groups.iter().map(|g| arn(g)).collect()))
                .build(),
        ))
    }

    fn update(sampled: bool, events: &[(&str, i64, &str)]) -> Frame {
        let mut u = LiveTailSessionUpdate::builder()
            .session_metadata(LiveTailSessionMetadata::builder().sampled(sampled).build());
        for (f, ts, m) in events {
            u = u.session_results(
                LiveTailSessionLogEvent::builder()
                    .log_group_identifier(format!("123456789012:/aws/lambda/{f}"))
                    .log_stream_name("2026/11/21/[$LATEST]abc")
                    .timestamp(*ts)
                    .ingestion_time(ts + 300)
                    .message(format!("{m}\n"))
                    .build(),
            );
        }
        Frame::Event(StartLiveTailResponseStream::SessionUpdate(u.build()))
    }

    #[test]
    fn updates_map_to_log_events_of_the_right_function() {
        let qs = queries();
        let mut s = Session::new(&qs);
        assert_eq!(s.on(Some(start(&["orders", "payments"]))), Step::Started);
        // `123456789012:/aws/lambda/x` is not an ARN: match it by the name after the account.
        let Step::Events { events, sampled } = s.on(Some(update(
            false,
            &[("orders", 1_000, "a"), ("payments", 999, "b")],
        ))) else {
            panic!()
        };
        assert_eq!(sampled, Some(false), "the first flag is reported");
        assert_eq!(events[0].function, "orders");
        assert_eq!(events[1].function, "payments");
        assert_eq!(events[0].message, "a\n");
        assert_eq!(events[0].timestamp.timestamp_millis(), 1_000);
        assert_eq!(events[0].ingestion_time.unwrap().timestamp_millis(), 1_300);
        assert!(events[0].event_id.starts_with("live-"));
        assert_eq!(events[0].stream, "2026/11/21/[$LATEST]abc");
    }

    #[test]
    fn sampled_flag_is_reported_when_it_changes() {
        let qs = queries();
        let mut s = Session::new(&qs);
        s.on(Some(start(&["orders", "payments"])));
        let flags: Vec<Option<bool>> = [false, false, true, true, false]
            .into_iter()
            .map(|f| match s.on(Some(update(f, &[]))) {
                Step::Events { sampled, .. } => sampled,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(flags, [Some(false), None, Some(true), None, Some(false)]);
    }

    #[test]
    fn another_log_group_means_live_tail_does_not_work_here() {
        let qs = queries();
        let mut s = Session::new(&qs);
        let Step::End(SessionEnd::WrongGroups(g)) = s.on(Some(start(&["orders", "other"]))) else {
            panic!()
        };
        assert_eq!(g.len(), 2);
        // An endpoint that says the right groups but streams another one.
        let mut s = Session::new(&qs);
        s.on(Some(start(&["orders", "payments"])));
        let Step::End(SessionEnd::WrongGroups(g)) = s.on(Some(update(false, &[("zzz", 1, "x")])))
        else {
            panic!()
        };
        assert_eq!(g, ["123456789012:/aws/lambda/zzz"]);
    }

    #[test]
    fn stream_end_timeout_and_failure_are_session_ends() {
        let qs = queries();
        let mut s = Session::new(&qs);
        assert_eq!(s.on(None), Step::End(SessionEnd::Closed));
        assert_eq!(s.on(Some(Frame::TimedOut)), Step::End(SessionEnd::TimedOut));
        let err = AwsError::Network {
            operation: "StartLiveTail".into(),
            message: "reset".into(),
        };
        assert_eq!(
            s.on(Some(Frame::Failed(err))),
            Step::End(SessionEnd::Failed(
                "StartLiveTail: cannot reach the endpoint: reset".into()
            ))
        );
        let mut s = Session::new(&qs);
        assert!(matches!(
            s.on(Some(update(false, &[("orders", 1, "x")]))),
            Step::End(SessionEnd::Failed(_))
        ));
    }

    #[tokio::test]
    async fn a_quiet_session_is_renewed_at_its_deadline() {
        let qs = queries();
        let mut s = Session::new(&qs);
        let mut stream = futures::stream::iter([start(&["orders", "payments"])])
            .chain(futures::stream::pending());
        let renew_at = Instant::now() + Duration::from_millis(150);
        assert_eq!(
            next_step(&mut stream, &mut s, renew_at).await,
            Step::Started
        );
        let before = Instant::now();
        assert_eq!(
            next_step(&mut stream, &mut s, renew_at).await,
            Step::End(SessionEnd::Renew)
        );
        assert!(before.elapsed() >= Duration::from_millis(100));
        assert_eq!(
            after_session(
                &SessionEnd::Renew,
                Duration::from_millis(150),
                live::MIN_HEALTHY
            ),
            Next::Reconnect,
            "a renewal reconnects whatever the session's age"
        );
    }
}
