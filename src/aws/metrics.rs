//! CloudWatch metrics: batched GetMetricData (issue #4).
//!
//! One fetch = ⌈series / 500⌉ GetMetricData calls (plus pages, rare at ≤ 1440 points a series). When
//! an endpoint refuses percentile statistics (moto answers HTTP 500), the batch is sent again with each
//! percentile replaced by a `Maximum` stand-in, the percentile series are marked
//! [`SeriesStatus::PercentilesUnavailable`], and the caller's [`PercentileSupport`] remembers it so the
//! next refresh does not pay the failure again. Until percentiles are known to work, the first batch
//! holding them is sent alone and without SDK retries (a 500 would otherwise be retried 3 times).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use aws_sdk_cloudwatch::types::{
    Dimension, Metric, MetricDataQuery, MetricStat, ScanBy, StatusCode,
};
use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::{AwsError, Clients, classify};
use crate::domain::Function;
use crate::domain::metrics::{
    MetricSeries, MetricsBatch, NAMESPACE, PercentileSupport, Query, SeriesKey, SeriesResult,
    SeriesStatus, Stat, plan_queries, window,
};

/// Batches sent at once after the probe.
const CONCURRENT_CALLS: usize = 4;

impl Clients {
    /// Fetches `series` over `range` ending at `end` (rounded up to the period) with GetMetricData,
    /// batched. Every requested series is in the result with a status; refused percentiles come with
    /// a `Maximum` stand-in of the same metric. `support` is kept by the caller for the session.
    pub async fn get_metrics(
        &self,
        series: &[SeriesKey],
        range: Duration,
        period_s: i32,
        end: DateTime<Utc>,
        support: &PercentileSupport,
    ) -> Result<MetricsBatch, AwsError> {
        get_metric_data(
            &self.cloudwatch,
            &self.profile,
            series,
            range,
            period_s,
            end,
            support,
        )
        .await
    }

    /// Every function with its `EphemeralStorage.Size` (for the cost estimate), in one listing.
    pub async fn list_functions_with_storage(
        &self,
    ) -> Result<Vec<(Function, Option<i32>)>, AwsError> {
        let mut pages = self
            .lambda
            .list_functions()
            .max_items(50)
            .into_paginator()
            .send();
        let mut all = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&e, "ListFunctions", &self.profile))?;
            all.extend(page.functions().iter().map(|cfg| {
                (
                    super::lambda::function_from(cfg),
                    cfg.ephemeral_storage()
                        .map(aws_sdk_lambda::types::EphemeralStorage::size),
                )
            }));
        }
        Ok(all)
    }
}

/// [`Clients::get_metrics`] on a bare CloudWatch client (tests use a mocked one).
pub async fn get_metric_data(
    client: &aws_sdk_cloudwatch::Client,
    profile: &str,
    series: &[SeriesKey],
    range: Duration,
    period_s: i32,
    end: DateTime<Utc>,
    support: &PercentileSupport,
) -> Result<MetricsBatch, AwsError> {
    let (start, end) = window(range, period_s, end);
    let mut acc = Collected {
        results: Vec::new(),
        pos: HashMap::new(),
        period_s,
    };
    let mut to_fetch: Vec<SeriesKey> = Vec::new();
    let known_unavailable = support.is_unavailable();
    let mut stand_ins = Vec::new();
    for key in series {
        if known_unavailable && key.stat.is_percentile() {
            acc.add(key, SeriesStatus::PercentilesUnavailable);
            stand_ins.push(key.with_stat(Stat::Maximum));
        } else if acc.add(key, SeriesStatus::Ok) {
            to_fetch.push(key.clone());
        }
    }
    for key in stand_ins {
        if acc.add(&key, SeriesStatus::Ok) {
            to_fetch.push(key);
        }
    }
    let fetching: HashSet<SeriesKey> = to_fetch.iter().cloned().collect();
    let ctx = Ctx {
        client,
        profile,
        start,
        end,
        period_s,
        support,
        fetching: &fetching,
    };

    let mut batches = plan_queries(&to_fetch);
    let mut outcomes = Vec::new();
    if support.is_unknown()
        && let Some(i) = batches.iter().position(|b| has_percentiles(b))
    {
        let probe = batches.remove(i);
        outcomes.push(ctx.run_with_fallback(probe, true).await?);
    }
    let rest: Vec<Result<BatchOutcome, AwsError>> = futures::stream::iter(batches)
        .map(|b| ctx.run_with_fallback(b, false))
        .buffer_unordered(CONCURRENT_CALLS)
        .collect()
        .await;
    for r in rest {
        outcomes.push(r?);
    }

    let mut calls = 0;
    let mut metrics_requested = 0;
    let mut percentiles_unavailable = known_unavailable;
    for out in outcomes {
        calls += out.calls;
        metrics_requested += out.metrics_requested;
        for key in out.refused {
            percentiles_unavailable = true;
            acc.add(&key, SeriesStatus::PercentilesUnavailable);
            if let Some(&i) = acc.pos.get(&key) {
                acc.results[i].status = SeriesStatus::PercentilesUnavailable;
            }
        }
        for (key, points, status) in out.fetched {
            // Stand-ins added by the fallback are new keys.
            acc.add(&key, SeriesStatus::Ok);
            if let Some(&i) = acc.pos.get(&key) {
                acc.results[i].series.points = points;
                acc.results[i].status = status;
            }
        }
    }
    let mut batch = MetricsBatch {
        start,
        end,
        period_s,
        results: acc.results,
        calls,
        metrics_requested,
        percentiles_unavailable,
    };
    batch.drop_incomplete();
    Ok(batch)
}

/// The results in request order, with an index by key.
struct Collected {
    results: Vec<SeriesResult>,
    pos: HashMap<SeriesKey, usize>,
    period_s: i32,
}

impl Collected {
    /// Adds `key` with `status` unless present; true when added.
    fn add(&mut self, key: &SeriesKey, status: SeriesStatus) -> bool {
        if self.pos.contains_key(key) {
            return false;
        }
        self.pos.insert(key.clone(), self.results.len());
        self.results.push(SeriesResult {
            series: MetricSeries {
                key: key.clone(),
                period_s: self.period_s,
                points: Vec::new(),
            },
            status,
        });
        true
    }
}

fn has_percentiles(batch: &[Query]) -> bool {
    batch.iter().any(|q| q.key.stat.is_percentile())
}

/// One series as fetched: its key, points (oldest first) and status.
type Fetched = (SeriesKey, Vec<(DateTime<Utc>, f64)>, SeriesStatus);

/// What one planned batch brought back.
struct BatchOutcome {
    fetched: Vec<Fetched>,
    /// Percentile series the endpoint refused.
    refused: Vec<SeriesKey>,
    calls: u32,
    metrics_requested: u64,
}

struct Ctx<'a> {
    client: &'a aws_sdk_cloudwatch::Client,
    profile: &'a str,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    period_s: i32,
    support: &'a PercentileSupport,
    /// Every key some batch fetches (so a stand-in is not fetched twice).
    fetching: &'a HashSet<SeriesKey>,
}

impl Ctx<'_> {
    /// Runs a batch; if it holds percentiles and the endpoint refuses them (or they are already known
    /// to be refused), runs it again with `Maximum` stand-ins instead.
    async fn run_with_fallback(
        &self,
        batch: Vec<Query>,
        probe: bool,
    ) -> Result<BatchOutcome, AwsError> {
        let pct = has_percentiles(&batch);
        let mut calls = 0;
        let mut metrics_requested = 0;
        if !(pct && self.support.is_unavailable()) {
            let sent = batch.len() as u64;
            let answer = match self.run(&batch, probe && pct).await {
                // The probe goes without SDK retries so a refusal costs one call; a throttle or a
                // transient error is not a refusal: send it again, with the retries.
                Err(e) if probe && pct && !e.is_unsupported() => {
                    tracing::debug!("percentile probe failed ({e}); sending it again with retries");
                    calls += 1;
                    metrics_requested += sent;
                    self.run(&batch, false).await
                }
                other => other,
            };
            match answer {
                Ok((fetched, n)) => {
                    if pct {
                        self.support.mark_supported();
                    }
                    return Ok(BatchOutcome {
                        fetched,
                        refused: Vec::new(),
                        calls: calls + n,
                        metrics_requested: metrics_requested + sent * u64::from(n),
                    });
                }
                Err(e) if pct && e.is_unsupported() => {
                    // A bare HTTP error (no AWS error code) is the endpoint not implementing
                    // percentiles: remember it. A named error (InternalFailure) may be transient:
                    // degrade this refresh only.
                    if matches!(e, AwsError::Unsupported { .. }) {
                        self.support.mark_unavailable();
                    }
                    tracing::warn!("percentiles refused, retrying with Maximum: {e}");
                    calls += 1;
                    metrics_requested += sent;
                }
                Err(e) => return Err(e),
            }
        }
        let mut refused = Vec::new();
        let mut keys: Vec<SeriesKey> = Vec::new();
        let mut seen: HashSet<SeriesKey> = HashSet::new();
        for q in &batch {
            if q.key.stat.is_percentile() {
                refused.push(q.key.clone());
                let stand_in = q.key.with_stat(Stat::Maximum);
                if !self.fetching.contains(&stand_in) && seen.insert(stand_in.clone()) {
                    keys.push(stand_in);
                }
            } else if seen.insert(q.key.clone()) {
                keys.push(q.key.clone());
            }
        }
        let mut fetched = Vec::new();
        // Replacing is one-for-one at most, so this is still a single call of ≤ 500 queries.
        for retry in plan_queries(&keys) {
            let (got, n) = self.run(&retry, false).await?;
            calls += n;
            metrics_requested += retry.len() as u64 * u64::from(n);
            fetched.extend(got);
        }
        Ok(BatchOutcome {
            fetched,
            refused,
            calls,
            metrics_requested,
        })
    }

    /// One GetMetricData call, following `NextToken`. Returns the series and the number of calls.
    #[allow(clippy::type_complexity)]
    async fn run(
        &self,
        batch: &[Query],
        no_retries: bool,
    ) -> Result<
        (
            Vec<(SeriesKey, Vec<(DateTime<Utc>, f64)>, SeriesStatus)>,
            u32,
        ),
        AwsError,
    > {
        let by_id: HashMap<&str, &Query> = batch.iter().map(|q| (q.id.as_str(), q)).collect();
        let queries: Vec<MetricDataQuery> = batch.iter().map(|q| self.query(q)).collect();
        let mut points: HashMap<&str, Vec<(DateTime<Utc>, f64)>> = HashMap::new();
        let mut errors: HashMap<&str, String> = HashMap::new();
        let mut token: Option<String> = None;
        let mut calls = 0;
        loop {
            let req = self
                .client
                .get_metric_data()
                .set_metric_data_queries(Some(queries.clone()))
                .start_time(smithy(self.start))
                .end_time(smithy(self.end))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token.take());
            calls += 1;
            let out = if no_retries {
                req.customize()
                    .config_override(
                        aws_sdk_cloudwatch::config::Builder::default().retry_config(
                            aws_sdk_cloudwatch::config::retry::RetryConfig::disabled(),
                        ),
                    )
                    .send()
                    .await
            } else {
                req.send().await
            }
            .map_err(|e| classify(&e, "GetMetricData", self.profile))?;
            for r in out.metric_data_results() {
                let Some((id, _)) = r.id().and_then(|id| by_id.get_key_value(id)) else {
                    tracing::warn!("GetMetricData returned an unknown id {:?}", r.id());
                    continue;
                };
                let list = points.entry(*id).or_default();
                for (t, v) in r.timestamps().iter().zip(r.values()) {
                    if let Some(t) = DateTime::from_timestamp(t.secs(), t.subsec_nanos()) {
                        list.push((t, *v));
                    }
                }
                if let Some(code @ (StatusCode::InternalError | StatusCode::Forbidden)) =
                    r.status_code()
                {
                    let detail: Vec<&str> = r.messages().iter().filter_map(|m| m.value()).collect();
                    errors.insert(
                        *id,
                        if detail.is_empty() {
                            code.as_str().to_string()
                        } else {
                            format!("{}: {}", code.as_str(), detail.join("; "))
                        },
                    );
                }
            }
            match out.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        let fetched = batch
            .iter()
            .map(|q| {
                let mut p = points.remove(q.id.as_str()).unwrap_or_default();
                p.sort_by_key(|(t, _)| *t);
                p.dedup_by_key(|(t, _)| *t);
                let status = errors
                    .remove(q.id.as_str())
                    .map_or(SeriesStatus::Ok, SeriesStatus::Error);
                (q.key.clone(), p, status)
            })
            .collect();
        Ok((fetched, calls))
    }

    fn query(&self, q: &Query) -> MetricDataQuery {
        let dims = q
            .key
            .dimensions()
            .into_iter()
            .map(|(name, value)| Dimension::builder().name(name).value(value).build());
        MetricDataQuery::builder()
            .id(&q.id)
            .metric_stat(
                MetricStat::builder()
                    .metric(
                        Metric::builder()
                            .namespace(NAMESPACE)
                            .metric_name(q.key.metric.as_str())
                            .set_dimensions(Some(dims.collect()))
                            .build(),
                    )
                    .period(self.period_s)
                    .stat(q.key.stat.as_str())
                    .build(),
            )
            .return_data(true)
            .build()
    }
}

fn smithy(t: DateTime<Utc>) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from_millis(t.timestamp_millis())
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use aws_sdk_cloudwatch::operation::get_metric_data::{GetMetricDataInput, GetMetricDataOutput};
    use aws_sdk_cloudwatch::types::MetricDataResult;
    use aws_smithy_mocks::{RuleMode, mock, mock_client};
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_runtime_api::http::StatusCode as HttpStatus;
    use aws_smithy_types::body::SdkBody;

    use super::*;
    use crate::aws::ApiCounter;
    use crate::domain::metrics::{MetricName, Reading, row_series};

    const T0: i64 = 1_700_000_000 - 1_700_000_000 % 60;

    /// "Now" three minutes after T0: the window ends at T0 + 60 s (the last period over and
    /// ingested), so the answers' datapoints (T0 - 180 … T0 - 60) are inside it.
    fn end() -> DateTime<Utc> {
        DateTime::from_timestamp(T0 + 180, 0).unwrap()
    }

    fn stats(input: &GetMetricDataInput) -> Vec<String> {
        input
            .metric_data_queries()
            .iter()
            .filter_map(|q| q.metric_stat().and_then(|s| s.stat()).map(str::to_string))
            .collect()
    }

    /// Answers like AWS: one result per query id, two minutes of data, values by statistic
    /// (p99 = 870.5, p90 = 410.25, p50 = 120.0, Maximum = 990, everything else 7).
    fn aws_like_answer(input: &GetMetricDataInput) -> GetMetricDataOutput {
        let mut out = GetMetricDataOutput::builder();
        for q in input.metric_data_queries() {
            let stat = q.metric_stat().and_then(|s| s.stat()).unwrap_or_default();
            let v = match stat {
                "p99" => 870.5,
                "p90" => 410.25,
                "p50" => 120.0,
                "Maximum" => 990.0,
                _ => 7.0,
            };
            out = out.metric_data_results(
                MetricDataResult::builder()
                    .id(q.id().unwrap_or_default())
                    .label(format!("Duration {stat}"))
                    .timestamps(aws_smithy_types::DateTime::from_secs(T0 - 120))
                    .timestamps(aws_smithy_types::DateTime::from_secs(T0 - 60))
                    .values(v)
                    .values(v + 1.0)
                    .status_code(StatusCode::Complete)
                    .build(),
            );
        }
        out.build()
    }

    #[tokio::test]
    async fn percentiles_from_an_aws_shaped_response_are_parsed_by_id() {
        let rule =
            mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(aws_like_answer);
        let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
        let support = PercentileSupport::default();
        let series = crate::domain::metrics::detail_series("orders", None, false, false, false);
        let batch = get_metric_data(
            &client,
            "default",
            &series,
            Duration::from_hours(1),
            60,
            end(),
            &support,
        )
        .await
        .unwrap();
        assert_eq!(batch.calls, 1);
        assert!(!batch.percentiles_unavailable);
        let p99 = SeriesKey::new("orders", MetricName::Duration, Stat::P99);
        let r = batch.get(&p99).unwrap();
        assert_eq!(r.status, SeriesStatus::Ok);
        assert_eq!(
            r.series.points,
            vec![
                (DateTime::from_timestamp(T0 - 120, 0).unwrap(), 870.5),
                (DateTime::from_timestamp(T0 - 60, 0).unwrap(), 871.5)
            ]
        );
        assert_eq!(batch.reading(&p99), Reading::Value(871.5));
        assert_eq!(
            batch.reading(&p99.with_stat(Stat::P90)),
            Reading::Value(411.25)
        );
        assert_eq!(batch.results.len(), series.len());
        assert!(!support.is_unknown() && !support.is_unavailable());
    }

    #[tokio::test]
    async fn refused_percentiles_fall_back_to_maximum_once_and_are_remembered() {
        let refuse = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .match_requests(|i| stats(i).iter().any(|s| s.starts_with('p')))
            .then_http_response(|| {
                HttpResponse::new(
                    HttpStatus::try_from(500).unwrap(),
                    SdkBody::from("<!doctype html><title>500 Internal Server Error</title>"),
                )
            });
        let answer = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .match_requests(|i| !stats(i).iter().any(|s| s.starts_with('p')))
            .then_compute_output(aws_like_answer);
        let counter = ApiCounter::default();
        let client = mock_client!(
            aws_sdk_cloudwatch,
            RuleMode::MatchAny,
            [&refuse, &answer],
            |c| c.interceptor(counter.clone())
        );
        let support = PercentileSupport::default();
        let series: Vec<SeriesKey> = (0..3).flat_map(|i| row_series(&format!("f{i}"))).collect();
        let fetch = || {
            get_metric_data(
                &client,
                "default",
                &series,
                Duration::from_hours(1),
                60,
                end(),
                &support,
            )
        };
        let first = fetch().await.unwrap();
        assert_eq!((refuse.num_calls(), answer.num_calls()), (1, 1));
        assert_eq!(first.calls, 2, "the refused probe and its retry");
        assert_eq!(counter.by_operation()["CloudWatch.GetMetricData"], 2);
        assert!(first.percentiles_unavailable && support.is_unavailable());
        let p99 = SeriesKey::new("f1", MetricName::Duration, Stat::P99);
        assert_eq!(
            first.get(&p99).unwrap().status,
            SeriesStatus::PercentilesUnavailable
        );
        assert!(matches!(first.reading(&p99), Reading::Unavailable(_)));
        let row = first.row("f1");
        assert_eq!(
            (row.duration, row.duration_is_max),
            (Reading::Value(991.0), true)
        );
        assert_eq!(row.invocations, Reading::Value(15.0));

        let second = fetch().await.unwrap();
        assert_eq!(
            refuse.num_calls(),
            1,
            "the next refresh does not pay the failure again"
        );
        assert_eq!(second.calls, 1);
        assert_eq!(second.results, first.results);
    }

    #[tokio::test]
    async fn a_named_internal_failure_degrades_one_refresh_without_remembering() {
        let refuse = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .match_requests(|i| stats(i).iter().any(|s| s.starts_with('p')))
            .then_error(|| {
                aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError::generic(
                    aws_smithy_types::error::ErrorMetadata::builder()
                        .code("InternalFailure")
                        .message("try again")
                        .build(),
                )
            });
        let answer = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .match_requests(|i| !stats(i).iter().any(|s| s.starts_with('p')))
            .then_compute_output(aws_like_answer);
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&refuse, &answer]);
        let support = PercentileSupport::default();
        let batch = get_metric_data(
            &client,
            "default",
            &row_series("f"),
            Duration::from_mins(15),
            60,
            end(),
            &support,
        )
        .await
        .unwrap();
        assert!(batch.percentiles_unavailable);
        assert!(support.is_unknown(), "a named error may be transient");
    }

    #[tokio::test]
    async fn a_throttled_probe_is_sent_again_with_retries_instead_of_failing_the_refresh() {
        let throttle = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_error(|| {
            aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataError::generic(
                aws_smithy_types::error::ErrorMetadata::builder()
                    .code("Throttling")
                    .message("Rate exceeded")
                    .build(),
            )
        });
        let answer =
            mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(aws_like_answer);
        let client = mock_client!(
            aws_sdk_cloudwatch,
            RuleMode::Sequential,
            [&throttle, &answer]
        );
        let support = PercentileSupport::default();
        let batch = get_metric_data(
            &client,
            "default",
            &row_series("f"),
            Duration::from_mins(15),
            60,
            end(),
            &support,
        )
        .await
        .unwrap();
        assert_eq!((throttle.num_calls(), answer.num_calls()), (1, 1));
        assert_eq!(
            batch.calls, 2,
            "the throttled probe and the same batch again"
        );
        assert!(
            !batch.percentiles_unavailable,
            "a throttle is not a refusal"
        );
        let p99 = SeriesKey::new("f", MetricName::Duration, Stat::P99);
        assert_eq!(batch.reading(&p99), Reading::Value(871.5));
        assert!(!support.is_unknown() && !support.is_unavailable());
    }

    #[tokio::test]
    async fn series_are_batched_500_a_call_and_pages_are_followed() {
        // 1,200 series → 3 calls; the first answer of each call is split over two pages.
        let pages = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(
            |input: &GetMetricDataInput| {
                assert!(input.metric_data_queries().len() <= 500);
                let full = aws_like_answer(input);
                if input.next_token().is_none() {
                    GetMetricDataOutput::builder()
                        .metric_data_results(
                            MetricDataResult::builder()
                                .id(full.metric_data_results()[0].id().unwrap_or_default())
                                .timestamps(aws_smithy_types::DateTime::from_secs(T0 - 180))
                                .values(1.0)
                                .status_code(StatusCode::PartialData)
                                .build(),
                        )
                        .next_token("page-2")
                        .build()
                } else {
                    full
                }
            },
        );
        let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&pages]);
        let support = PercentileSupport::default();
        support.mark_supported();
        let series: Vec<SeriesKey> = (0..300)
            .flat_map(|i| row_series(&format!("fn-{i:04}")))
            .collect();
        let batch = get_metric_data(
            &client,
            "default",
            &series,
            Duration::from_hours(1),
            60,
            end(),
            &support,
        )
        .await
        .unwrap();
        assert_eq!(pages.num_calls(), 6, "3 batches × 2 pages");
        assert_eq!(batch.calls, 6);
        assert_eq!(batch.metrics_requested, 2 * 1200);
        assert_eq!(batch.results.len(), 1200);
        let first = &batch.results[0];
        assert_eq!(first.series.points.len(), 3, "pages merged by id");
        assert_eq!(batch.reading(&first.series.key), Reading::Value(16.0));
        assert!(batch.results.iter().all(|r| r.status == SeriesStatus::Ok));
    }
}
