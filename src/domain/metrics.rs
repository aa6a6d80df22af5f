//! Metric series, health and cost estimates (issue #4). Pure: no I/O, no clock reads, no formatting
//! beyond the reason sentences of health flags.
//!
//! - [`SeriesKey`] names one CloudWatch series (function, optional alias/version, metric, statistic).
//! - [`plan_queries`] batches series into GetMetricData calls (≤ [`MAX_QUERIES_PER_CALL`] each) with
//!   stable ids; [`MetricsRange`] / [`period_for`] pick a period that keeps a series ≤ 1440 points.
//! - [`MetricsBatch`] is what a fetch returns: every requested series with a [`SeriesStatus`], so a
//!   number that could not be fetched is never shown as 0 ([`Reading`]).
//! - [`PercentileSupport`] remembers, for a session, that the endpoint refuses percentiles.
//! - [`health`]: the functions pane's health flags; [`cost`]: the cost glance.

pub mod cost;
pub mod health;
mod query;
mod range;
#[cfg(test)]
mod tests_truth;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use cost::{CostEstimate, CostReport, Prices, PricesError, estimate_cost, estimate_costs};
pub use health::{
    Health, HealthExtras, HealthFlag, HealthInputs, HealthKind, HealthThresholds, Level,
    evaluate_health,
};
pub use query::{Query, plan_queries, query_id, query_index};
pub use range::{INGESTION_DELAY, MetricsRange, period_for, period_within, window};

/// The `AWS/Lambda` namespace every series here lives in.
pub const NAMESPACE: &str = "AWS/Lambda";
/// GetMetricData accepts at most 500 metric queries per call.
pub const MAX_QUERIES_PER_CALL: usize = 500;
/// Points per series we are willing to draw/fetch for one range.
pub const MAX_POINTS_PER_SERIES: i64 = 1440;
/// GetMetricData's list price: $0.01 per 1,000 metrics requested.
pub const USD_PER_METRIC_REQUESTED: f64 = 0.01 / 1000.0;

/// The Lambda metrics lambdash reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum MetricName {
    Invocations,
    Errors,
    Throttles,
    Duration,
    ConcurrentExecutions,
    AsyncEventAge,
    AsyncEventsDropped,
    DeadLetterErrors,
    DestinationDeliveryFailures,
    IteratorAge,
    ProvisionedConcurrencySpilloverInvocations,
}

impl MetricName {
    pub const ALL: [MetricName; 11] = [
        Self::Invocations,
        Self::Errors,
        Self::Throttles,
        Self::Duration,
        Self::ConcurrentExecutions,
        Self::AsyncEventAge,
        Self::AsyncEventsDropped,
        Self::DeadLetterErrors,
        Self::DestinationDeliveryFailures,
        Self::IteratorAge,
        Self::ProvisionedConcurrencySpilloverInvocations,
    ];

    /// The CloudWatch metric name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invocations => "Invocations",
            Self::Errors => "Errors",
            Self::Throttles => "Throttles",
            Self::Duration => "Duration",
            Self::ConcurrentExecutions => "ConcurrentExecutions",
            Self::AsyncEventAge => "AsyncEventAge",
            Self::AsyncEventsDropped => "AsyncEventsDropped",
            Self::DeadLetterErrors => "DeadLetterErrors",
            Self::DestinationDeliveryFailures => "DestinationDeliveryFailures",
            Self::IteratorAge => "IteratorAge",
            Self::ProvisionedConcurrencySpilloverInvocations => {
                "ProvisionedConcurrencySpilloverInvocations"
            }
        }
    }

    /// The unit CloudWatch reports the metric in (`Count` or `Milliseconds`).
    pub fn unit(self) -> &'static str {
        match self {
            Self::Duration | Self::AsyncEventAge | Self::IteratorAge => "Milliseconds",
            _ => "Count",
        }
    }
}

/// A statistic. Percentiles are the ones an endpoint may refuse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Stat {
    Sum,
    Average,
    Maximum,
    Minimum,
    SampleCount,
    P50,
    P90,
    P99,
}

impl Stat {
    /// The `Stat` string GetMetricData takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sum => "Sum",
            Self::Average => "Average",
            Self::Maximum => "Maximum",
            Self::Minimum => "Minimum",
            Self::SampleCount => "SampleCount",
            Self::P50 => "p50",
            Self::P90 => "p90",
            Self::P99 => "p99",
        }
    }

    pub fn is_percentile(self) -> bool {
        matches!(self, Self::P50 | Self::P90 | Self::P99)
    }
}

/// Which dimension narrows a series to one alias or version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum QualifierKind {
    /// `Resource = FUNCTION:ALIAS` (per alias; also works for a version number).
    Resource,
    /// `Resource = FUNCTION:ALIAS` and `ExecutedVersion = N`: the version that actually ran behind a
    /// weighted alias (a canary). AWS publishes per-version series only with both dimensions; the
    /// value is `ALIAS:N`.
    ExecutedVersion,
}

/// One series: a function (optionally one alias/version of it), a metric and a statistic.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SeriesKey {
    pub function: String,
    /// `(Resource, "live")` or `(ExecutedVersion, "7")`; `None` for the whole function.
    pub qualifier: Option<(QualifierKind, String)>,
    pub metric: MetricName,
    pub stat: Stat,
}

impl SeriesKey {
    pub fn new(function: impl Into<String>, metric: MetricName, stat: Stat) -> Self {
        Self {
            function: function.into(),
            qualifier: None,
            metric,
            stat,
        }
    }

    /// The same series narrowed to an alias (the `Resource` dimension).
    #[must_use]
    pub fn for_alias(mut self, alias: impl Into<String>) -> Self {
        self.qualifier = Some((QualifierKind::Resource, alias.into()));
        self
    }

    /// The same series narrowed to the version that ran behind `alias` (`Resource` + `ExecutedVersion`).
    #[must_use]
    pub fn for_version(mut self, alias: &str, version: &str) -> Self {
        self.qualifier = Some((QualifierKind::ExecutedVersion, format!("{alias}:{version}")));
        self
    }

    /// The same metric and dimensions with another statistic.
    #[must_use]
    pub fn with_stat(&self, stat: Stat) -> Self {
        Self {
            stat,
            ..self.clone()
        }
    }

    /// CloudWatch dimensions `(name, value)`: `FunctionName`, plus `Resource` (`fn:alias`) or
    /// `ExecutedVersion`.
    pub fn dimensions(&self) -> Vec<(&'static str, String)> {
        let mut dims = vec![("FunctionName", self.function.clone())];
        match &self.qualifier {
            Some((QualifierKind::Resource, alias)) => {
                dims.push(("Resource", format!("{}:{alias}", self.function)));
            }
            Some((QualifierKind::ExecutedVersion, value)) => match value.split_once(':') {
                Some((alias, version)) => {
                    dims.push(("Resource", format!("{}:{alias}", self.function)));
                    dims.push(("ExecutedVersion", version.to_string()));
                }
                None => dims.push(("ExecutedVersion", value.clone())),
            },
            None => {}
        }
        dims
    }
}

/// One series' datapoints, oldest first, one per period that had data.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricSeries {
    pub key: SeriesKey,
    pub period_s: i32,
    pub points: Vec<(DateTime<Utc>, f64)>,
}

/// Whether a requested series could be fetched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "message", rename_all = "snake_case")]
pub enum SeriesStatus {
    /// Fetched; no points means nothing was recorded (for counts, that is a real zero).
    Ok,
    /// The endpoint refuses percentile statistics: the series has no data, and is not zero.
    PercentilesUnavailable,
    /// CloudWatch answered with an error for this series (`InternalError`, `Forbidden`, …).
    Error(String),
}

/// A requested series and what came back for it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SeriesResult {
    pub series: MetricSeries,
    pub status: SeriesStatus,
}

/// A number as the UI must show it: a value, "no data", or "unavailable" with why. Never a made-up 0.
#[derive(Clone, Debug, PartialEq)]
pub enum Reading {
    Value(f64),
    /// Fetched, but no datapoint to compute it from (e.g. an average over an idle range).
    NoData,
    /// Could not be fetched (percentiles refused, series error, not requested).
    Unavailable(String),
}

impl Reading {
    pub fn value(&self) -> Option<f64> {
        match self {
            Self::Value(v) => Some(*v),
            _ => None,
        }
    }
}

/// The result of one fetch: every requested series (plus `Maximum` stand-ins for refused
/// percentiles), the window and period, and how many GetMetricData calls it took.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricsBatch {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub period_s: i32,
    pub results: Vec<SeriesResult>,
    /// GetMetricData calls made for this batch (pages and the percentile retry included).
    pub calls: u32,
    /// Metric queries sent (what CloudWatch bills: $0.01 per 1,000).
    pub metrics_requested: u64,
    /// True when percentiles were refused (this fetch or earlier in the session).
    pub percentiles_unavailable: bool,
}

impl MetricsBatch {
    pub fn get(&self, key: &SeriesKey) -> Option<&SeriesResult> {
        self.results.iter().find(|r| &r.series.key == key)
    }

    /// An index for many lookups (the functions pane with hundreds of rows).
    pub fn index(&self) -> HashMap<&SeriesKey, &SeriesResult> {
        self.results.iter().map(|r| (&r.series.key, r)).collect()
    }

    /// The series' value over the whole window (see [`aggregate`]).
    pub fn reading(&self, key: &SeriesKey) -> Reading {
        reading_of(self.get(key), key)
    }

    /// Drops every datapoint whose period is not wholly inside the window (an endpoint answering
    /// past the asked end, or a period still filling): it never reaches a total, a flag or a chart.
    pub fn drop_incomplete(&mut self) {
        let window = (self.start, self.end);
        for r in &mut self.results {
            r.series
                .points
                .retain(|(t, _)| period_within(*t, self.period_s, window));
        }
    }

    /// What this batch cost in GetMetricData charges.
    pub fn cost_usd(&self) -> f64 {
        self.metrics_requested as f64 * USD_PER_METRIC_REQUESTED
    }
}

/// The window-level reading of a result (or of a missing one).
pub fn reading_of(result: Option<&SeriesResult>, key: &SeriesKey) -> Reading {
    match result {
        None => Reading::Unavailable(format!(
            "{} {} was not requested",
            key.metric.as_str(),
            key.stat.as_str()
        )),
        Some(r) => match &r.status {
            SeriesStatus::Ok => aggregate(key.stat, &r.series.points),
            SeriesStatus::PercentilesUnavailable => {
                Reading::Unavailable("percentiles unavailable from this endpoint".to_string())
            }
            SeriesStatus::Error(e) => Reading::Unavailable(e.clone()),
        },
    }
}

/// Folds per-period values into one for the window: sums for `Sum`/`SampleCount` (no points is a
/// real 0), max/min for `Maximum`/`Minimum`, and for `Average` and percentiles the worst (largest)
/// period, since averages and percentiles cannot be combined without the samples. For an exact
/// window average use Σ`Sum` / Σ`SampleCount`.
pub fn aggregate(stat: Stat, points: &[(DateTime<Utc>, f64)]) -> Reading {
    let values = points.iter().map(|(_, v)| *v);
    match stat {
        // Not `sum()`: an empty f64 sum is -0.0, which would print as "-0".
        Stat::Sum | Stat::SampleCount => Reading::Value(values.fold(0.0, |a, b| a + b)),
        Stat::Minimum => values
            .reduce(f64::min)
            .map_or(Reading::NoData, Reading::Value),
        Stat::Maximum | Stat::Average | Stat::P50 | Stat::P90 | Stat::P99 => values
            .reduce(f64::max)
            .map_or(Reading::NoData, Reading::Value),
    }
}

/// Remembers, for a session, whether the endpoint answers percentile statistics. Cheap to clone and
/// share between pollers; the first fetch with percentiles probes (without SDK retries), later
/// fetches go straight to `Maximum` stand-ins once they are known to be refused.
#[derive(Clone, Debug, Default)]
pub struct PercentileSupport(Arc<AtomicU8>);

const UNKNOWN: u8 = 0;
const SUPPORTED: u8 = 1;
const UNAVAILABLE: u8 = 2;

impl PercentileSupport {
    pub fn is_unknown(&self) -> bool {
        self.0.load(Ordering::Relaxed) == UNKNOWN
    }

    pub fn is_unavailable(&self) -> bool {
        self.0.load(Ordering::Relaxed) == UNAVAILABLE
    }

    pub fn mark_supported(&self) {
        let _ = self
            .0
            .compare_exchange(UNKNOWN, SUPPORTED, Ordering::Relaxed, Ordering::Relaxed);
    }

    pub fn mark_unavailable(&self) {
        self.0.store(UNAVAILABLE, Ordering::Relaxed);
    }

    /// Forget (e.g. after switching profile/region/endpoint).
    pub fn reset(&self) {
        self.0.store(UNKNOWN, Ordering::Relaxed);
    }
}

/// The 4 series per row of the functions pane: invocations, errors, throttles (Sums) and Duration
/// p99 (fetched as `Maximum` when percentiles are unavailable).
pub fn row_series(function: &str) -> [SeriesKey; 4] {
    [
        SeriesKey::new(function, MetricName::Invocations, Stat::Sum),
        SeriesKey::new(function, MetricName::Errors, Stat::Sum),
        SeriesKey::new(function, MetricName::Throttles, Stat::Sum),
        SeriesKey::new(function, MetricName::Duration, Stat::P99),
    ]
}

/// The series of the metrics pane (and `lambdash metrics`) for a function or one alias/version of it.
/// `async_metrics` adds AsyncEventAge/AsyncEventsDropped/DeadLetterErrors/DestinationDeliveryFailures,
/// `stream_source` adds IteratorAge, `provisioned` adds the spillover count.
pub fn detail_series(
    function: &str,
    qualifier: Option<&(QualifierKind, String)>,
    async_metrics: bool,
    stream_source: bool,
    provisioned: bool,
) -> Vec<SeriesKey> {
    use MetricName as M;
    let mut wanted: Vec<(MetricName, Stat)> = vec![
        (M::Invocations, Stat::Sum),
        (M::Errors, Stat::Sum),
        (M::Throttles, Stat::Sum),
        (M::Duration, Stat::Average),
        (M::Duration, Stat::Maximum),
        (M::Duration, Stat::P50),
        (M::Duration, Stat::P90),
        (M::Duration, Stat::P99),
        (M::Duration, Stat::Sum),
        (M::Duration, Stat::SampleCount),
        (M::ConcurrentExecutions, Stat::Maximum),
    ];
    if async_metrics {
        wanted.extend([
            (M::AsyncEventAge, Stat::Maximum),
            (M::AsyncEventsDropped, Stat::Sum),
            (M::DeadLetterErrors, Stat::Sum),
            (M::DestinationDeliveryFailures, Stat::Sum),
        ]);
    }
    if stream_source {
        wanted.push((M::IteratorAge, Stat::Maximum));
    }
    if provisioned {
        wanted.push((M::ProvisionedConcurrencySpilloverInvocations, Stat::Sum));
    }
    wanted
        .into_iter()
        .map(|(metric, stat)| SeriesKey {
            function: function.to_string(),
            qualifier: qualifier.cloned(),
            metric,
            stat,
        })
        .collect()
}

/// One row of the functions pane, computed from a batch fetched with [`row_series`].
#[derive(Clone, Debug, PartialEq)]
pub struct RowMetrics {
    pub invocations: Reading,
    pub errors: Reading,
    /// Errors / invocations × 100; `NoData` when there were no invocations.
    pub error_pct: Reading,
    pub throttles: Reading,
    /// p99 duration (worst period), or the maximum when `duration_is_max`.
    pub duration: Reading,
    pub duration_is_max: bool,
    /// Invocations per period, oldest first, one slot per period of the window (0 where no datapoint).
    pub sparkline: Vec<u64>,
}

impl MetricsBatch {
    /// The functions-pane numbers for `function` (whole function, no qualifier).
    pub fn row(&self, function: &str) -> RowMetrics {
        let [inv, err, thr, p99] = row_series(function);
        let invocations = self.reading(&inv);
        let errors = self.reading(&err);
        let error_pct = error_pct(&invocations, &errors);
        let (duration, duration_is_max) = self.p99_or_max(&p99);
        let sparkline = self
            .get(&inv)
            .filter(|r| r.status == SeriesStatus::Ok)
            .map(|r| self.slots(&r.series.points))
            .unwrap_or_default();
        RowMetrics {
            invocations,
            errors,
            error_pct,
            throttles: self.reading(&thr),
            duration,
            duration_is_max,
            sparkline,
        }
    }

    /// The percentile series' reading, or its `Maximum` stand-in when percentiles are unavailable.
    pub fn p99_or_max(&self, percentile: &SeriesKey) -> (Reading, bool) {
        match self.get(percentile) {
            Some(r) if r.status == SeriesStatus::PercentilesUnavailable => {
                let max = percentile.with_stat(Stat::Maximum);
                (self.reading(&max), true)
            }
            other => (reading_of(other, percentile), false),
        }
    }

    /// Values bucketed into one slot per period of the window (for sparklines).
    pub fn slots(&self, points: &[(DateTime<Utc>, f64)]) -> Vec<u64> {
        let period = i64::from(self.period_s.max(1));
        let n = ((self.end - self.start).num_seconds() / period).clamp(0, MAX_POINTS_PER_SERIES);
        let mut out = vec![0u64; n as usize];
        for (t, v) in points {
            let i = (*t - self.start).num_seconds().div_euclid(period);
            if (0..n).contains(&i) {
                out[i as usize] += v.max(0.0).round() as u64;
            }
        }
        out
    }
}

/// Errors as a percentage of invocations, carrying unavailability through.
pub fn error_pct(invocations: &Reading, errors: &Reading) -> Reading {
    match (invocations, errors) {
        (Reading::Value(i), Reading::Value(e)) if *i > 0.0 => Reading::Value(e / i * 100.0),
        (Reading::Unavailable(why), _) | (_, Reading::Unavailable(why)) => {
            Reading::Unavailable(why.clone())
        }
        _ => Reading::NoData,
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    #[test]
    fn qualifiers_become_resource_or_executed_version_dimensions() {
        let k = SeriesKey::new("orders", MetricName::Errors, Stat::Sum);
        assert_eq!(k.dimensions(), vec![("FunctionName", "orders".to_string())]);
        assert_eq!(
            k.clone().for_alias("live").dimensions()[1],
            ("Resource", "orders:live".to_string())
        );
        assert_eq!(
            k.for_version("live", "7").dimensions(),
            vec![
                ("FunctionName", "orders".to_string()),
                ("Resource", "orders:live".to_string()),
                ("ExecutedVersion", "7".to_string())
            ]
        );
    }

    fn batch_with(results: Vec<SeriesResult>) -> MetricsBatch {
        let end = DateTime::from_timestamp(3600, 0).unwrap();
        MetricsBatch {
            start: end - chrono::TimeDelta::hours(1),
            end,
            period_s: 60,
            results,
            calls: 1,
            metrics_requested: 4,
            percentiles_unavailable: false,
        }
    }

    fn result(key: SeriesKey, status: SeriesStatus, values: &[(i64, f64)]) -> SeriesResult {
        SeriesResult {
            series: MetricSeries {
                key,
                period_s: 60,
                points: values
                    .iter()
                    .map(|(t, v)| (DateTime::from_timestamp(*t, 0).unwrap(), *v))
                    .collect(),
            },
            status,
        }
    }

    #[test]
    fn unavailable_percentiles_read_as_unavailable_never_zero_and_fall_back_to_max() {
        let [inv, err, thr, p99] = row_series("f");
        let batch = batch_with(vec![
            result(inv, SeriesStatus::Ok, &[(0, 10.0), (60, 30.0)]),
            result(err, SeriesStatus::Ok, &[(60, 4.0)]),
            result(thr, SeriesStatus::Error("Forbidden".into()), &[]),
            result(p99.clone(), SeriesStatus::PercentilesUnavailable, &[]),
            result(
                p99.with_stat(Stat::Maximum),
                SeriesStatus::Ok,
                &[(0, 900.0)],
            ),
        ]);
        assert!(matches!(batch.reading(&p99), Reading::Unavailable(_)));
        let row = batch.row("f");
        assert_eq!(row.invocations, Reading::Value(40.0));
        assert_eq!(row.error_pct, Reading::Value(10.0));
        assert_eq!(row.throttles, Reading::Unavailable("Forbidden".into()));
        assert_eq!(
            (row.duration, row.duration_is_max),
            (Reading::Value(900.0), true)
        );
        assert_eq!(row.sparkline.len(), 60);
        assert_eq!(&row.sparkline[..2], &[10, 30]);
    }

    #[test]
    fn idle_counts_are_zero_but_idle_averages_are_no_data() {
        assert_eq!(aggregate(Stat::Sum, &[]), Reading::Value(0.0));
        assert_eq!(aggregate(Stat::Average, &[]), Reading::NoData);
        assert_eq!(
            error_pct(&Reading::Value(0.0), &Reading::Value(0.0)),
            Reading::NoData
        );
    }

    #[test]
    fn percentile_support_is_shared_and_remembered() {
        let s = PercentileSupport::default();
        let shared = s.clone();
        assert!(s.is_unknown());
        shared.mark_unavailable();
        assert!(s.is_unavailable());
        s.mark_supported();
        assert!(
            s.is_unavailable(),
            "a refusal is not undone by a late success"
        );
        s.reset();
        s.mark_supported();
        assert!(!s.is_unknown() && !s.is_unavailable());
    }
}
