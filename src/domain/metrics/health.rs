//! Health flags for the functions pane: pure rules over a function, its metrics and two facts the
//! caller knows from elsewhere (DLQ depth, async destinations).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{MetricName, MetricsBatch, Reading, SeriesKey, SeriesStatus, Stat};
use crate::domain::Function;

/// Why a function is flagged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum HealthKind {
    /// p99 (or max when percentiles are unavailable) above 80 % of the timeout.
    SlowDuration,
    Throttling,
    ErrorRateRising,
    DlqNotEmpty,
    DeprecatedRuntime,
    /// Invoked asynchronously but failed events go nowhere (no DLQ, no on-failure destination).
    AsyncWithoutDlq,
}

/// One flag with the sentence shown on selection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthFlag {
    pub kind: HealthKind,
    pub reason: String,
}

/// All flags of one function, most urgent first. Empty means healthy (as far as we know).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Health {
    pub flags: Vec<HealthFlag>,
}

impl Health {
    pub fn is_healthy(&self) -> bool {
        self.flags.is_empty()
    }

    /// The most urgent flag (for a one-cell column).
    pub fn worst(&self) -> Option<&HealthFlag> {
        self.flags.first()
    }
}

/// What the caller knows besides metrics. `None` = unknown (not looked up yet): no flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HealthExtras {
    /// Messages visible in the function's DLQ / on-failure queue.
    pub dlq_messages: Option<u64>,
    /// True when the function is invoked asynchronously and has neither a DLQ nor an on-failure
    /// destination.
    pub async_without_dlq: Option<bool>,
}

/// Share of the timeout above which a slow p99 is flagged.
pub const SLOW_SHARE_OF_TIMEOUT: f64 = 0.8;
/// The last third's error rate must exceed the earlier rate by this factor…
pub const RISING_FACTOR: f64 = 1.5;
/// …and be at least this (1 %), with at least this many errors, to be called rising.
pub const RISING_MIN_RATE: f64 = 0.01;
pub const RISING_MIN_ERRORS: f64 = 3.0;

/// Evaluates every rule for `function` from a batch holding its [`super::row_series`] (whole
/// function). Metric rules whose series are missing or unavailable raise no flag.
pub fn evaluate_health(function: &Function, batch: &MetricsBatch, extras: HealthExtras) -> Health {
    let mut flags = Vec::new();
    let [inv, err, thr, p99] = super::row_series(&function.name);

    let (duration, is_max) = batch.p99_or_max(&p99);
    if let Reading::Value(ms) = duration {
        let timeout_ms = f64::from(function.timeout_s) * 1000.0;
        if timeout_ms > 0.0 && ms > SLOW_SHARE_OF_TIMEOUT * timeout_ms {
            let what = if is_max {
                "max duration (percentiles unavailable)"
            } else {
                "p99 duration"
            };
            flags.push(HealthFlag {
                kind: HealthKind::SlowDuration,
                reason: format!(
                    "{what} {ms:.0} ms is {:.0} % of the {} s timeout (flag above 80 %)",
                    ms / timeout_ms * 100.0,
                    function.timeout_s
                ),
            });
        }
    }
    if let Reading::Value(n) = batch.reading(&thr)
        && n > 0.0
    {
        flags.push(HealthFlag {
            kind: HealthKind::Throttling,
            reason: format!("{n:.0} throttled invocations in the window"),
        });
    }
    if let Some((earlier, last, last_errors)) = error_rates(batch, &inv, &err)
        && last_errors >= RISING_MIN_ERRORS
        && last >= RISING_MIN_RATE
        && last > earlier * RISING_FACTOR
    {
        flags.push(HealthFlag {
            kind: HealthKind::ErrorRateRising,
            reason: format!(
                "error rate rising: {:.1} % in the last third of the window vs {:.1} % before",
                last * 100.0,
                earlier * 100.0
            ),
        });
    }
    if let Some(n) = extras.dlq_messages
        && n > 0
    {
        flags.push(HealthFlag {
            kind: HealthKind::DlqNotEmpty,
            reason: format!("{n} message(s) waiting in the dead-letter queue"),
        });
    }
    if function.runtime_deprecated() {
        flags.push(HealthFlag {
            kind: HealthKind::DeprecatedRuntime,
            reason: format!(
                "runtime {} is deprecated (no more security patches)",
                function.runtime.as_deref().unwrap_or("?")
            ),
        });
    }
    if extras.async_without_dlq == Some(true) {
        flags.push(HealthFlag {
            kind: HealthKind::AsyncWithoutDlq,
            reason: "invoked asynchronously without a DLQ or on-failure destination: failed events are dropped".to_string(),
        });
    }
    flags.sort_by_key(|f| f.kind);
    Health { flags }
}

/// `(earlier rate, last-third rate, last-third errors)`, or `None` when either series is not usable
/// or nothing was invoked in the last third.
fn error_rates(batch: &MetricsBatch, inv: &SeriesKey, err: &SeriesKey) -> Option<(f64, f64, f64)> {
    debug_assert!(inv.metric == MetricName::Invocations && inv.stat == Stat::Sum);
    let ok = |k: &SeriesKey| {
        batch
            .get(k)
            .filter(|r| r.status == SeriesStatus::Ok)
            .map(|r| &r.series.points)
    };
    let (inv, err) = (ok(inv)?, ok(err)?);
    let cut = batch.end - (batch.end - batch.start) / 3;
    let split = |points: &[(DateTime<Utc>, f64)]| {
        points.iter().fold((0.0, 0.0), |(early, late), (t, v)| {
            if *t >= cut {
                (early, late + v)
            } else {
                (early + v, late)
            }
        })
    };
    let (inv_early, inv_late) = split(inv);
    let (err_early, err_late) = split(err);
    if inv_late <= 0.0 {
        return None;
    }
    let earlier = if inv_early > 0.0 {
        err_early / inv_early
    } else {
        0.0
    };
    Some((earlier, err_late / inv_late, err_late))
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use chrono::TimeDelta;

    use super::super::{MetricSeries, SeriesResult, row_series};
    use super::*;

    fn function(runtime: &str, timeout_s: i32) -> Function {
        Function {
            name: "f".into(),
            arn: "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
            runtime: Some(runtime.into()),
            architecture: "x86_64".into(),
            memory_mb: 128,
            timeout_s,
            last_modified: None,
            state: None,
            code_size_bytes: 0,
            package_type: "Zip".into(),
            log_group: None,
            dead_letter_target: None,
        }
    }

    /// A one-hour, 60-s batch; `series` are (key, status, per-minute values from minute 0).
    fn batch(series: Vec<(SeriesKey, SeriesStatus, Vec<f64>)>) -> MetricsBatch {
        let start = DateTime::from_timestamp(0, 0).unwrap();
        MetricsBatch {
            start,
            end: start + TimeDelta::hours(1),
            period_s: 60,
            results: series
                .into_iter()
                .map(|(key, status, values)| SeriesResult {
                    series: MetricSeries {
                        key,
                        period_s: 60,
                        points: values
                            .into_iter()
                            .enumerate()
                            .map(|(i, v)| (start + TimeDelta::minutes(i as i64), v))
                            .collect(),
                    },
                    status,
                })
                .collect(),
            calls: 1,
            metrics_requested: 4,
            percentiles_unavailable: false,
        }
    }

    fn kinds(h: &Health) -> Vec<HealthKind> {
        h.flags.iter().map(|f| f.kind).collect()
    }

    #[test]
    fn healthy_function_has_no_flags() {
        let [inv, err, thr, p99] = row_series("f");
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![10.0; 60]),
            (err, SeriesStatus::Ok, vec![0.0; 60]),
            (thr, SeriesStatus::Ok, vec![]),
            (p99, SeriesStatus::Ok, vec![100.0; 60]),
        ]);
        assert!(
            evaluate_health(&function("python3.12", 3), &b, HealthExtras::default()).is_healthy()
        );
    }

    #[test]
    fn slow_p99_throttles_rising_errors_dlq_runtime_and_async_are_flagged_with_reasons() {
        let [inv, err, thr, p99] = row_series("f");
        let mut errors = vec![0.0; 40];
        errors.extend(vec![2.0; 20]);
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![10.0; 60]),
            (err, SeriesStatus::Ok, errors),
            (thr, SeriesStatus::Ok, vec![0.0, 3.0]),
            (p99, SeriesStatus::Ok, vec![2500.0]),
        ]);
        let h = evaluate_health(
            &function("python3.8", 3),
            &b,
            HealthExtras {
                dlq_messages: Some(4),
                async_without_dlq: Some(true),
            },
        );
        assert_eq!(
            kinds(&h),
            [
                HealthKind::SlowDuration,
                HealthKind::Throttling,
                HealthKind::ErrorRateRising,
                HealthKind::DlqNotEmpty,
                HealthKind::DeprecatedRuntime,
                HealthKind::AsyncWithoutDlq
            ]
        );
        assert_eq!(
            h.flags[0].reason,
            "p99 duration 2500 ms is 83 % of the 3 s timeout (flag above 80 %)"
        );
        assert!(
            h.flags[2].reason.contains("20.0 % in the last third"),
            "{}",
            h.flags[2].reason
        );
        assert_eq!(h.worst().unwrap().kind, HealthKind::SlowDuration);
    }

    #[test]
    fn max_stands_in_for_unavailable_p99_and_says_so() {
        let [inv, _, _, p99] = row_series("f");
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![1.0]),
            (p99.clone(), SeriesStatus::PercentilesUnavailable, vec![]),
            (p99.with_stat(Stat::Maximum), SeriesStatus::Ok, vec![9000.0]),
        ]);
        let h = evaluate_health(&function("python3.12", 10), &b, HealthExtras::default());
        assert_eq!(kinds(&h), [HealthKind::SlowDuration]);
        assert!(
            h.flags[0]
                .reason
                .starts_with("max duration (percentiles unavailable) 9000 ms")
        );
    }

    #[test]
    fn steady_errors_and_unfetched_series_raise_nothing() {
        let [inv, err, thr, p99] = row_series("f");
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![10.0; 60]),
            (err, SeriesStatus::Ok, vec![1.0; 60]),
            (thr, SeriesStatus::Error("Forbidden".into()), vec![]),
            (p99, SeriesStatus::PercentilesUnavailable, vec![]),
        ]);
        assert!(
            evaluate_health(&function("python3.12", 1), &b, HealthExtras::default()).is_healthy()
        );
    }
}
