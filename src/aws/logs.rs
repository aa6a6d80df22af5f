//! CloudWatch Logs: `FilterLogEvents` windows (every `nextToken` followed, every page paced by the
//! request scheduler, throttling backed off and retried), "the last N events whatever their age", and the
//! function → log group lookup.
//!
//! Live Tail (`StartLiveTail`) and the follow loop that chooses between it and polling are in
//! [`crate::aws::livetail`]. A bounded range (`lambdash tail --since`, the pane's 15m … 24h and typed
//! ranges) is fetched by [`Clients::backfill_range`] / [`Clients::backfill_since`], shared by both.
//!
//! A poller (the logs pane, `lambdash tail`) holds one [`Pacer`] for all its tails and drives the pure
//! engine in [`crate::logs`]:
//!
//! ```text
//! let w = tailer.next_window(Utc::now());
//! clients.fetch_window(&query, w, &pacer, |page| merger.push(i, tailer.ingest(page))).await?;
//! tailer.completed(w);
//! merger.advance(i, w.end);
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, OrderBy};
use chrono::{DateTime, TimeDelta, Utc};

use super::{AwsError, Clients, classify};
use crate::domain::Function;
use crate::domain::log::{LogEvent, TimeWindow, from_millis};
use crate::logs::backfill::estimate_events;
use crate::logs::{Backfill, Backoff, LastN, Tailer};

/// Backfill slices fetched at once (the request scheduler still paces them).
pub const BACKFILL_CONCURRENCY: usize = 4;

/// How far a backfill got: tasks (slice × function) done of all, events delivered so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackfillProgress {
    pub done: usize,
    pub total: usize,
    pub events: usize,
}

/// How far before its log group's creation an event can be stamped (PutLogEvents accepts 14 days back).
pub const MAX_EVENT_AGE: Duration = Duration::from_hours(14 * 24);

/// What to read: one function's log group, optionally narrowed server-side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogQuery {
    /// The function the events are tagged with.
    pub function: String,
    pub log_group: String,
    /// CloudWatch filter syntax (`ERROR`, `"exact phrase"`, `{ $.level = "ERROR" }`).
    pub filter_pattern: Option<String>,
    /// Only these streams (empty: all).
    pub stream_names: Vec<String>,
}

impl LogQuery {
    pub fn for_function(function: &Function) -> Self {
        Self {
            function: function.name.clone(),
            log_group: function.log_group(),
            filter_pattern: None,
            stream_names: Vec::new(),
        }
    }

    #[must_use]
    pub fn with_filter(mut self, pattern: Option<String>) -> Self {
        self.filter_pattern = pattern.filter(|p| !p.trim().is_empty());
        self
    }
}

/// One page of `FilterLogEvents`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogPage {
    pub events: Vec<LogEvent>,
    pub next_token: Option<String>,
}

type RetryHook = Arc<dyn Fn(&AwsError, Duration) + Send + Sync>;

/// How tails and backfills retry: the backoff on throttling, and who to tell about a retry
/// ("throttled, retrying in 4s"). The request rate itself is the scheduler's
/// ([`crate::aws::scheduler`]): every `FilterLogEvents` waits there for a token of its quota group,
/// whoever sends it.
#[derive(Clone)]
pub struct Pacer {
    backoff: Backoff,
    on_retry: RetryHook,
    network_retries: Option<u32>,
}

impl fmt::Debug for Pacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pacer")
            .field("backoff", &self.backoff)
            .field("network_retries", &self.network_retries)
            .finish_non_exhaustive()
    }
}

impl Default for Pacer {
    fn default() -> Self {
        Self {
            backoff: Backoff::default(),
            on_retry: Arc::new(|_, _| {}),
            network_retries: None,
        }
    }
}

impl Pacer {
    #[must_use]
    pub fn with_backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Called before each backoff wait with the error and the delay.
    #[must_use]
    pub fn on_retry(mut self, hook: impl Fn(&AwsError, Duration) + Send + Sync + 'static) -> Self {
        self.on_retry = Arc::new(hook);
        self
    }

    /// Gives up on an unreachable endpoint after `retries` consecutive failures (a one-shot command
    /// should not hang); by default it retries forever (a tail survives a network blip). Throttling
    /// is always retried.
    #[must_use]
    pub fn with_network_retries(mut self, retries: u32) -> Self {
        self.network_retries = Some(retries);
        self
    }

    /// Whether to wait out the `failures`-th consecutive failure: throttling always, an unreachable
    /// endpoint within the network retry limit, anything else never.
    pub fn should_retry(&self, err: &AwsError, failures: u32) -> bool {
        err.is_throttling()
            || (matches!(err, AwsError::Network { .. })
                && self.network_retries.is_none_or(|max| failures <= max))
    }

    /// Sleeps the backoff for the `failures`-th consecutive failure, after telling the hook.
    pub async fn back_off(&self, err: &AwsError, failures: u32) {
        let delay = self.backoff.delay(failures, fastrand::f64());
        (self.on_retry)(err, delay);
        tokio::time::sleep(delay).await;
    }
}

fn event_from(function: &str, e: &FilteredLogEvent) -> Option<LogEvent> {
    Some(LogEvent {
        function: function.to_owned(),
        stream: e.log_stream_name().unwrap_or_default().to_owned(),
        event_id: e.event_id()?.to_owned(),
        timestamp: from_millis(e.timestamp()?)?,
        ingestion_time: e.ingestion_time().and_then(from_millis),
        message: e.message().unwrap_or_default().to_owned(),
    })
}

impl Clients {
    /// The function (and so its log group), by `GetFunction`. An unknown name is an error for which
    /// [`AwsError::is_not_found`] holds.
    pub async fn function_for_logs(&self, name: &str) -> Result<Function, AwsError> {
        let out = self
            .lambda
            .get_function()
            .function_name(name)
            .send()
            .await
            .map_err(|e| classify(&e, "GetFunction", &self.profile))?;
        let cfg = out.configuration().cloned().unwrap_or_else(|| {
            aws_sdk_lambda::types::FunctionConfiguration::builder()
                .function_name(name)
                .build()
        });
        Ok(super::lambda::function_from(&cfg))
    }

    /// One page of `FilterLogEvents` over a closed window. A missing log group (the function never
    /// logged) is an empty page, not an error.
    pub async fn filter_log_events_page(
        &self,
        query: &LogQuery,
        window: TimeWindow,
        next_token: Option<String>,
    ) -> Result<LogPage, AwsError> {
        let mut req = self
            .logs
            .filter_log_events()
            .log_group_name(&query.log_group)
            .start_time(window.start_ms())
            .end_time(window.end_ms())
            .set_next_token(next_token)
            .set_filter_pattern(query.filter_pattern.clone());
        if !query.stream_names.is_empty() {
            req = req.set_log_stream_names(Some(query.stream_names.clone()));
        }
        match req.send().await {
            Ok(out) => Ok(LogPage {
                events: out
                    .events()
                    .iter()
                    .filter_map(|e| event_from(&query.function, e))
                    .collect(),
                next_token: out.next_token().map(ToOwned::to_owned),
            }),
            Err(e) => {
                let err = classify(&e, "FilterLogEvents", &self.profile);
                if err.is_not_found() {
                    Ok(LogPage::default())
                } else {
                    Err(err)
                }
            }
        }
    }

    /// Every page of a window (pages can be empty; a repeated token ends the walk), each request
    /// paced by the request scheduler. Throttling is backed off and the same page retried, forever; an
    /// unreachable endpoint too, within [`Pacer::with_network_retries`]; any other error is returned. `on_page` gets each page's events as they come.
    /// Returns the number of events.
    pub async fn fetch_window(
        &self,
        query: &LogQuery,
        window: TimeWindow,
        pacer: &Pacer,
        mut on_page: impl FnMut(Vec<LogEvent>),
    ) -> Result<usize, AwsError> {
        let mut token: Option<String> = None;
        let mut total = 0;
        let mut failures = 0;
        loop {
            let page = match self
                .filter_log_events_page(query, window, token.clone())
                .await
            {
                Ok(page) => page,
                Err(err) if pacer.should_retry(&err, failures + 1) => {
                    failures += 1;
                    pacer.back_off(&err, failures).await;
                    continue;
                }
                Err(err) => return Err(err),
            };
            failures = 0;
            total += page.events.len();
            on_page(page.events);
            match page.next_token {
                Some(next) if token.as_ref() != Some(&next) => token = Some(next),
                _ => return Ok(total),
            }
        }
    }

    /// [`Clients::fetch_window`], collected.
    pub async fn fetch_window_all(
        &self,
        query: &LogQuery,
        window: TimeWindow,
        pacer: &Pacer,
    ) -> Result<Vec<LogEvent>, AwsError> {
        let mut all = Vec::new();
        self.fetch_window(query, window, pacer, |page| all.extend(page))
            .await?;
        Ok(all)
    }

    /// When the log group was created; `None` when it does not exist.
    pub async fn log_group_created(&self, group: &str) -> Result<Option<DateTime<Utc>>, AwsError> {
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
                g.creation_time()
                    .and_then(from_millis)
                    .unwrap_or(DateTime::<Utc>::MIN_UTC)
            }))
    }

    /// The newest `lastEventTimestamp` among the group's streams (`DescribeLogStreams` ordered by
    /// LastEventTime, descending); eventually consistent on AWS, so only a hint.
    pub async fn newest_event_hint(&self, group: &str) -> Result<Option<DateTime<Utc>>, AwsError> {
        let out = self
            .logs
            .describe_log_streams()
            .log_group_name(group)
            .order_by(OrderBy::LastEventTime)
            .descending(true)
            .limit(5)
            .send()
            .await;
        match out {
            Ok(out) => Ok(out
                .log_streams()
                .iter()
                .filter_map(|s| s.last_event_timestamp().and_then(from_millis))
                .max()),
            Err(e) => {
                let err = classify(&e, "DescribeLogStreams", &self.profile);
                if err.is_not_found() {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// The opening of a tail: every query's first window (`tailers[i].next_window(now)`), fetched
    /// concurrently and ingested by its tailer, so following never delivers those events again.
    /// Returns each window with its events, the seeds of [`Clients::last_events_merged`] or a backfill.
    pub async fn first_windows(
        &self,
        queries: &[LogQuery],
        tailers: &mut [Tailer],
        now: DateTime<Utc>,
        pacer: &Pacer,
    ) -> Result<Vec<(TimeWindow, Vec<LogEvent>)>, AwsError> {
        let windows: Vec<TimeWindow> = tailers.iter_mut().map(|t| t.next_window(now)).collect();
        let firsts = futures::future::try_join_all(
            queries
                .iter()
                .zip(&windows)
                .map(|(q, w)| self.fetch_window_all(q, *w, pacer)),
        )
        .await?;
        Ok(tailers
            .iter_mut()
            .zip(windows)
            .zip(firsts)
            .map(|((tailer, window), events)| {
                let events = tailer.ingest(events);
                tailer.completed(window);
                (window, events)
            })
            .collect())
    }

    /// The newest `n` events across every query whatever their age, merged in timestamp order (ties:
    /// query order), each query seeded with its first window.
    pub async fn last_events_merged(
        &self,
        queries: &[LogQuery],
        seeds: Vec<(TimeWindow, Vec<LogEvent>)>,
        n: usize,
        now: DateTime<Utc>,
        pacer: &Pacer,
    ) -> Result<Vec<LogEvent>, AwsError> {
        let per_query = futures::future::try_join_all(
            queries
                .iter()
                .zip(seeds)
                .map(|(q, seed)| self.last_events(q, n, now, Some(seed), pacer)),
        )
        .await?;
        let mut all: Vec<LogEvent> = per_query.into_iter().flatten().collect();
        all.sort_by_key(|e| e.timestamp);
        let skip = all.len().saturating_sub(n);
        all.drain(..skip);
        Ok(all)
    }

    /// The newest `n` events of the group whatever their age, oldest first. `seed` is a window already
    /// fetched (the tail's first window, say) and its events: counted, not fetched again. Walks back in
    /// growing windows ([`LastN`]), jumping over silence with the streams' hint, down to the group's
    /// creation minus 14 days. Costs two describe calls, then one `FilterLogEvents` walk per window.
    pub async fn last_events(
        &self,
        query: &LogQuery,
        n: usize,
        now: DateTime<Utc>,
        seed: Option<(TimeWindow, Vec<LogEvent>)>,
        pacer: &Pacer,
    ) -> Result<Vec<LogEvent>, AwsError> {
        let created = retry(pacer, || self.log_group_created(&query.log_group)).await?;
        let Some(created) = created else {
            // No log group: at most what the seed holds.
            let mut plan = LastN::new(n, now, now);
            if let Some((w, events)) = seed {
                plan.seed(w, events);
            }
            return Ok(plan.finish());
        };
        let hint = retry(pacer, || self.newest_event_hint(&query.log_group)).await?;
        let floor = created - TimeDelta::from_std(MAX_EVENT_AGE).unwrap_or(TimeDelta::MAX);
        let before = seed
            .as_ref()
            .map_or(now, |(w, _)| w.end + TimeDelta::milliseconds(1));
        let mut plan = LastN::new(n, before, floor).with_hint(hint);
        if let Some((w, events)) = seed {
            plan.seed(w, events);
        }
        while let Some(window) = plan.next_window() {
            let events = self.fetch_window_all(query, window, pacer).await?;
            plan.add(window, events);
        }
        Ok(plan.finish())
    }
}

impl Clients {
    /// Every event of `range` for every query, in timestamp order: the range cut into time slices
    /// ([`Backfill`]), fetched `concurrency` at a time, paced by the request scheduler. Events go to
    /// `on_events` as soon as every slice before them is in; `on_progress` hears after each task.
    /// Returns false when `on_events` said stop.
    pub async fn backfill_range(
        &self,
        queries: &[LogQuery],
        range: TimeWindow,
        pacer: &Pacer,
        concurrency: usize,
        mut on_progress: impl FnMut(BackfillProgress),
        mut on_events: impl FnMut(Vec<LogEvent>) -> bool,
    ) -> Result<bool, AwsError> {
        let backfill = Backfill::new(range, queries.len());
        self.run_backfill(
            queries,
            backfill,
            pacer,
            concurrency,
            &mut on_progress,
            &mut on_events,
        )
        .await
    }

    /// Runs a planned [`Backfill`]; see [`Clients::backfill_range`].
    async fn run_backfill(
        &self,
        queries: &[LogQuery],
        mut backfill: Backfill,
        pacer: &Pacer,
        concurrency: usize,
        on_progress: &mut impl FnMut(BackfillProgress),
        on_events: &mut impl FnMut(Vec<LogEvent>) -> bool,
    ) -> Result<bool, AwsError> {
        use futures::{StreamExt, TryStreamExt};

        let mut tasks = Vec::new();
        while let Some(task) = backfill.next_task() {
            tasks.push(task);
        }
        let mut progress = BackfillProgress {
            done: 0,
            total: tasks.len(),
            events: 0,
        };
        on_progress(progress);
        let mut results = futures::stream::iter(tasks)
            .map(|task| async move {
                let events = self
                    .fetch_window_all(&queries[task.source], task.window, pacer)
                    .await?;
                Ok::<_, AwsError>((task, events))
            })
            .buffer_unordered(concurrency.max(1));
        while let Some((task, events)) = results.try_next().await? {
            backfill.complete(&task, events);
            let ready = backfill.drain_ready();
            (progress.done, progress.total) = backfill.progress();
            progress.events += ready.len();
            on_progress(progress);
            if !ready.is_empty() && !on_events(ready) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Every event since `start` for a tail whose first windows (`seeds`, from
    /// [`Clients::first_windows`]) are already fetched: the part before them backfilled, then theirs
    /// from `start` on, all in timestamp order. `lambdash tail --since` and the pane's ranges.
    ///
    /// The part before is cut adaptively ([`Backfill::adaptive`]): the first windows' event rate,
    /// carried over the range, says how many `FilterLogEvents` pages it probably holds, and it is cut
    /// into about that many slices (one call each) rather than always eight.
    #[allow(clippy::too_many_arguments)]
    pub async fn backfill_since(
        &self,
        queries: &[LogQuery],
        seeds: Vec<(TimeWindow, Vec<LogEvent>)>,
        start: DateTime<Utc>,
        pacer: &Pacer,
        concurrency: usize,
        mut on_progress: impl FnMut(BackfillProgress),
        mut on_events: impl FnMut(Vec<LogEvent>) -> bool,
    ) -> Result<bool, AwsError> {
        let first_start = seeds.iter().map(|(w, _)| w.start).min().unwrap_or(start);
        let mut last = BackfillProgress {
            done: 1,
            total: 1,
            events: 0,
        };
        if start < first_start {
            let range = TimeWindow::new(start, first_start - TimeDelta::milliseconds(1));
            let expected = seeds
                .iter()
                .map(|(w, events)| estimate_events(*w, events.len(), range))
                .reduce(f64::max);
            let backfill = Backfill::adaptive(range, queries.len(), expected);
            let going = self
                .run_backfill(
                    queries,
                    backfill,
                    pacer,
                    concurrency,
                    &mut |p| {
                        last = p;
                        on_progress(p);
                    },
                    &mut on_events,
                )
                .await?;
            if !going {
                return Ok(false);
            }
        }
        let mut recent: Vec<LogEvent> = seeds.into_iter().flat_map(|(_, events)| events).collect();
        recent.sort_by_key(|e| e.timestamp);
        recent.retain(|e| e.timestamp >= start);
        last.events += recent.len();
        on_progress(last);
        Ok(recent.is_empty() || on_events(recent))
    }
}

/// Runs `op` until it succeeds or fails with an error that is not worth retrying.
async fn retry<T, F, Fut>(pacer: &Pacer, mut op: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let mut failures = 0;
    loop {
        match op().await {
            Err(err) if pacer.should_retry(&err, failures + 1) => {
                failures += 1;
                pacer.back_off(&err, failures).await;
            }
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    use super::*;
    use crate::aws::ApiCounter;

    fn clients(logs: aws_sdk_cloudwatchlogs::Client) -> Clients {
        let conf = aws_sdk_sts::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-3"))
            .build();
        let lambda = aws_sdk_lambda::Client::from_conf(
            aws_sdk_lambda::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new("eu-west-3"))
                .build(),
        );
        let cloudwatch = aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new("eu-west-3"))
                .build(),
        );
        let sqs = aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(aws_config::Region::new("eu-west-3"))
                .build(),
        );
        Clients {
            lambda,
            logs,
            cloudwatch,
            codedeploy: aws_sdk_codedeploy::Client::from_conf(
                aws_sdk_codedeploy::Config::builder()
                    .behavior_version(aws_config::BehaviorVersion::latest())
                    .build(),
            ),
            sqs,
            sts: aws_sdk_sts::Client::from_conf(conf),
            calls: ApiCounter::default(),
            scheduler: crate::aws::scheduler::Scheduler::default(),
            profile: "default".into(),
            region: "eu-west-3".into(),
            endpoint_url: None,
            read_only: false,
        }
    }

    fn filtered(id: &str, ms: i64, stream: &str) -> FilteredLogEvent {
        FilteredLogEvent::builder()
            .event_id(id)
            .timestamp(ms)
            .ingestion_time(ms + 5)
            .log_stream_name(stream)
            .message(format!("{id}\n"))
            .build()
    }

    fn query() -> LogQuery {
        LogQuery {
            function: "orders".into(),
            log_group: "/aws/lambda/orders".into(),
            filter_pattern: None,
            stream_names: Vec::new(),
        }
    }

    fn window() -> TimeWindow {
        TimeWindow::new(from_millis(1_000).unwrap(), from_millis(9_000).unwrap())
    }

    fn fast_pacer() -> Pacer {
        Pacer::default().with_backoff(Backoff {
            base: Duration::from_millis(1),
            max: Duration::from_millis(5),
        })
    }

    fn throttling_response() -> aws_smithy_runtime_api::http::Response {
        aws_smithy_runtime_api::http::Response::new(
            StatusCode::try_from(400).unwrap(),
            SdkBody::from(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
        )
    }

    #[tokio::test]
    async fn throttling_exception_is_classified_as_throttling() {
        let rule = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
            .then_http_response(throttling_response);
        let logs = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&rule], |c| c
            .retry_config(aws_config::retry::RetryConfig::disabled()));
        let err = clients(logs)
            .filter_log_events_page(&query(), window(), None)
            .await
            .unwrap_err();
        assert!(err.is_throttling(), "{err:?}");
    }

    #[tokio::test]
    async fn throttled_page_is_backed_off_then_retried_and_every_token_followed() {
        let rule = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
            .sequence()
            .http_response(throttling_response)
            .output(|| {
                FilterLogEventsOutput::builder()
                    .events(filtered("1", 1_000, "a"))
                    .next_token("t1")
                    .build()
            })
            // An empty page with a token: keep going.
            .output(|| FilterLogEventsOutput::builder().next_token("t2").build())
            .http_response(throttling_response)
            .output(|| {
                FilterLogEventsOutput::builder()
                    .events(filtered("2", 1_000, "b"))
                    .events(filtered("3", 2_000, "a"))
                    .build()
            })
            .build();
        let logs = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::Sequential, [&rule], |c| c
            .retry_config(aws_config::retry::RetryConfig::disabled()));
        let retries = Arc::new(AtomicUsize::new(0));
        let seen = Arc::clone(&retries);
        let pacer = fast_pacer().on_retry(move |err, _| {
            assert!(err.is_throttling());
            seen.fetch_add(1, Ordering::SeqCst);
        });
        let events = clients(logs)
            .fetch_window_all(&query(), window(), &pacer)
            .await
            .unwrap();
        let ids: Vec<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
        assert_eq!(ids, ["1", "2", "3"]);
        assert_eq!(retries.load(Ordering::SeqCst), 2);
        assert_eq!(rule.num_calls(), 5);
        assert_eq!(events[1].stream, "b");
        assert_eq!(events[0].function, "orders");
        assert_eq!(events[0].ingestion_time, from_millis(1_005));
    }

    #[tokio::test]
    async fn missing_log_group_is_an_empty_page() {
        let rule = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                StatusCode::try_from(400).unwrap(),
                SdkBody::from(
                    r#"{"__type":"ResourceNotFoundException","message":"The specified log group does not exist."}"#,
                ),
            )
        });
        let logs = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&rule]);
        let page = clients(logs)
            .filter_log_events_page(&query(), window(), None)
            .await
            .unwrap();
        assert_eq!(page, LogPage::default());
    }

    #[tokio::test]
    async fn other_errors_are_returned_not_retried() {
        let rule = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_http_response(|| {
            aws_smithy_runtime_api::http::Response::new(
                StatusCode::try_from(400).unwrap(),
                SdkBody::from(
                    r#"{"__type":"InvalidParameterException","message":"Invalid filter pattern"}"#,
                ),
            )
        });
        let logs = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&rule], |c| c
            .retry_config(aws_config::retry::RetryConfig::disabled()));
        let err = clients(logs)
            .fetch_window_all(&query(), window(), &fast_pacer())
            .await
            .unwrap_err();
        assert!(
            matches!(&err, AwsError::Service { code, .. } if code == "InvalidParameterException"),
            "{err:?}"
        );
        assert_eq!(rule.num_calls(), 1);
    }

    #[test]
    fn throttling_is_retried_forever_network_failures_within_the_limit() {
        let net = AwsError::Network {
            operation: "FilterLogEvents".into(),
            message: "connection refused".into(),
        };
        let throttled = AwsError::Throttled {
            operation: "FilterLogEvents".into(),
            message: "Rate exceeded".into(),
        };
        let denied = AwsError::Service {
            operation: "FilterLogEvents".into(),
            code: "AccessDeniedException".into(),
            message: "no".into(),
        };
        let one_shot = Pacer::default().with_network_retries(2);
        assert!(one_shot.should_retry(&net, 2));
        assert!(!one_shot.should_retry(&net, 3));
        assert!(one_shot.should_retry(&throttled, 10_000));
        assert!(!one_shot.should_retry(&denied, 1));
        assert!(Pacer::default().should_retry(&net, 10_000));
    }
}
