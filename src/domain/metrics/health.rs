//! Health flags for the functions pane: pure rules over a function, its metrics (when fetched) and
//! facts the caller knows from elsewhere (firing alarms, DLQ depth, async destinations).
//!
//! Flags are ordered by severity, most severe first: a firing alarm, errors, timeouts, throttles,
//! messages waiting in a DLQ, slow, deprecated runtime, async without a DLQ. The HEALTH column shows
//! the first with a count of the others (`ERR+3`); the reason line lists them all. Thresholds are
//! [`HealthThresholds`] (`[health]` in the config file).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::{MetricName, MetricsBatch, Reading, SeriesKey, SeriesStatus, Stat};
use crate::domain::Function;

/// Why a function is flagged, most severe first (the derived order is the severity order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum HealthKind {
    /// Reserved concurrency 0 (the kill switch): every invocation is throttled.
    Stopped,
    /// An alarm on the function (dimension `FunctionName` or `Resource`) is in ALARM.
    AlarmFiring,
    /// The error rate over the window is at or above a threshold, or rising.
    Errors,
    /// p99 (or max when percentiles are unavailable) reaches the function's timeout.
    Timeout,
    Throttling,
    DlqNotEmpty,
    /// p99 (or max) above [`HealthThresholds::slow_pct_of_timeout`] of the timeout.
    SlowDuration,
    DeprecatedRuntime,
    /// Invoked asynchronously but failed events go nowhere (no DLQ, no on-failure destination).
    AsyncWithoutDlq,
}

/// How bad one flag is (the colour it is drawn in).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Level {
    Warn,
    Crit,
}

/// One flag with the sentence shown on selection.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HealthFlag {
    pub kind: HealthKind,
    pub level: Level,
    pub reason: String,
}

/// All flags of one function, most severe first. Empty means healthy (as far as we know).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Health {
    pub flags: Vec<HealthFlag>,
}

impl Health {
    pub fn is_healthy(&self) -> bool {
        self.flags.is_empty()
    }

    /// The most severe flag (for a one-cell column).
    pub fn worst(&self) -> Option<&HealthFlag> {
        self.flags.first()
    }

    /// Flags besides the worst (the `+3` of `ERR+3`).
    pub fn others(&self) -> usize {
        self.flags.len().saturating_sub(1)
    }

    /// The highest level of any flag.
    pub fn level(&self) -> Option<Level> {
        self.flags.iter().map(|f| f.level).max()
    }

    /// Orders functions worst first: by the worst flag's kind, then by how many flags; healthy last.
    pub fn rank(&self) -> (usize, usize) {
        match self.worst() {
            Some(f) => (f.kind as usize, usize::MAX - self.flags.len()),
            None => (usize::MAX, usize::MAX),
        }
    }
}

/// Error-rate thresholds (percent of invocations) and the slow share of the timeout.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HealthThresholds {
    /// At or above: ERR (warning) and ERR% in the warning colour. Default 1 %.
    pub error_rate_warn_pct: f64,
    /// At or above: ERR (critical) and ERR% in the error colour. Default 5 %.
    pub error_rate_crit_pct: f64,
    /// p99 (or max) above this percent of the timeout is SLOW. Default 80 %.
    pub slow_pct_of_timeout: f64,
}

impl Default for HealthThresholds {
    fn default() -> Self {
        Self {
            error_rate_warn_pct: 1.0,
            error_rate_crit_pct: 5.0,
            slow_pct_of_timeout: 80.0,
        }
    }
}

impl HealthThresholds {
    /// The level of an error rate in percent (`None` below the warning threshold).
    pub fn error_level(&self, pct: f64) -> Option<Level> {
        if pct >= self.error_rate_crit_pct {
            Some(Level::Crit)
        } else if pct >= self.error_rate_warn_pct && pct > 0.0 {
            Some(Level::Warn)
        } else {
            None
        }
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
    /// True when the function is known to be at reserved concurrency 0 (its detail says so, or
    /// lambdash stopped it).
    pub stopped: Option<bool>,
}

/// A duration at or above this share of the timeout is the timeout being hit (Lambda reports a
/// timed-out invocation's duration as the timeout itself).
pub const TIMEOUT_SHARE: f64 = 0.99;
/// The last third's error rate must exceed the earlier rate by this factor…
pub const RISING_FACTOR: f64 = 1.5;
/// …and be at least this (1 %), with at least this many errors, to be called rising.
pub const RISING_MIN_RATE: f64 = 0.01;
pub const RISING_MIN_ERRORS: f64 = 3.0;

/// Everything [`evaluate_health`] reads.
#[derive(Clone, Copy, Debug)]
pub struct HealthInputs<'a> {
    /// The row metrics, when fetched for this function ([`super::row_series`]).
    pub batch: Option<&'a MetricsBatch>,
    pub extras: HealthExtras,
    /// Names of the alarms on this function that are in ALARM.
    pub firing_alarms: &'a [&'a str],
    pub thresholds: &'a HealthThresholds,
}

/// Evaluates every rule for `function`. Metric rules whose series are missing or unavailable raise
/// no flag; the others (alarm, DLQ, runtime) need no metrics.
pub fn evaluate_health(function: &Function, inputs: &HealthInputs<'_>) -> Health {
    let mut flags = Vec::new();
    if inputs.extras.stopped == Some(true) {
        flags.push(HealthFlag {
            kind: HealthKind::Stopped,
            level: Level::Crit,
            reason: "stopped: reserved concurrency 0, every invocation is throttled (K restores)"
                .to_string(),
        });
    }
    if let Some((first, rest)) = inputs.firing_alarms.split_first() {
        let reason = if rest.is_empty() {
            format!("alarm {first} is in ALARM")
        } else {
            format!(
                "{} alarms in ALARM: {}",
                rest.len() + 1,
                inputs.firing_alarms.join(", ")
            )
        };
        flags.push(HealthFlag {
            kind: HealthKind::AlarmFiring,
            level: Level::Crit,
            reason,
        });
    }
    if let Some(batch) = inputs.batch {
        metric_flags(function, batch, inputs.thresholds, &mut flags);
    }
    if let Some(n) = inputs.extras.dlq_messages
        && n > 0
    {
        flags.push(HealthFlag {
            kind: HealthKind::DlqNotEmpty,
            level: Level::Warn,
            reason: format!("{n} message(s) waiting in the dead-letter queue"),
        });
    }
    if function.runtime_deprecated() {
        flags.push(HealthFlag {
            kind: HealthKind::DeprecatedRuntime,
            level: Level::Warn,
            reason: format!(
                "runtime {} is deprecated (no more security patches)",
                function.runtime.as_deref().unwrap_or("?")
            ),
        });
    }
    if inputs.extras.async_without_dlq == Some(true) {
        flags.push(HealthFlag {
            kind: HealthKind::AsyncWithoutDlq,
            level: Level::Warn,
            reason: "invoked asynchronously without a DLQ or on-failure destination: failed events are dropped".to_string(),
        });
    }
    flags.sort_by_key(|f| f.kind);
    Health { flags }
}

/// Errors, timeouts, throttles and slowness from the row metrics.
fn metric_flags(
    function: &Function,
    batch: &MetricsBatch,
    th: &HealthThresholds,
    flags: &mut Vec<HealthFlag>,
) {
    let [inv, err, thr, p99] = super::row_series(&function.name);
    if let Some(flag) = error_flag(batch, &inv, &err, th) {
        flags.push(flag);
    }
    let (duration, is_max) = batch.p99_or_max(&p99);
    if let Reading::Value(ms) = duration {
        let timeout_ms = f64::from(function.timeout_s) * 1000.0;
        let what = if is_max {
            "max duration (percentiles unavailable)"
        } else {
            "p99 duration"
        };
        if timeout_ms > 0.0 && ms >= TIMEOUT_SHARE * timeout_ms {
            flags.push(HealthFlag {
                kind: HealthKind::Timeout,
                level: Level::Crit,
                reason: format!(
                    "{what} {ms:.0} ms reaches the {} s timeout: invocations are timing out",
                    function.timeout_s
                ),
            });
        } else if timeout_ms > 0.0 && ms > th.slow_pct_of_timeout / 100.0 * timeout_ms {
            flags.push(HealthFlag {
                kind: HealthKind::SlowDuration,
                level: Level::Warn,
                reason: format!(
                    "{what} {ms:.0} ms is {:.0} % of the {} s timeout (flag above {:.0} %)",
                    ms / timeout_ms * 100.0,
                    function.timeout_s,
                    th.slow_pct_of_timeout
                ),
            });
        }
    }
    if let Reading::Value(n) = batch.reading(&thr)
        && n > 0.0
    {
        flags.push(HealthFlag {
            kind: HealthKind::Throttling,
            level: Level::Warn,
            reason: format!("{n:.0} throttled invocations in the window"),
        });
    }
}

/// ERR: the window's error rate at or above a threshold, or a rising rate; one flag saying both.
fn error_flag(
    batch: &MetricsBatch,
    inv: &SeriesKey,
    err: &SeriesKey,
    th: &HealthThresholds,
) -> Option<HealthFlag> {
    let rates = error_rates(batch, inv, err)?;
    let window_min = (batch.end - batch.start).num_minutes();
    let overall_pct = rates.overall * 100.0;
    let mut level = th.error_level(overall_pct);
    let mut parts = Vec::new();
    if level.is_some() {
        parts.push(format!(
            "error rate {overall_pct:.1} % over the last {} (warn ≥ {} %, crit ≥ {} %)",
            minutes_label(window_min),
            th.error_rate_warn_pct,
            th.error_rate_crit_pct
        ));
    }
    let rising = rates.last_errors >= RISING_MIN_ERRORS
        && rates.last >= RISING_MIN_RATE
        && rates.last > rates.earlier * RISING_FACTOR;
    if rising {
        parts.push(format!(
            "rising: {:.1} % in the last {} vs {:.1} % before",
            rates.last * 100.0,
            minutes_label(window_min / 3),
            rates.earlier * 100.0
        ));
        level = level
            .max(th.error_level(rates.last * 100.0))
            .max(Some(Level::Warn));
    }
    let level = level?;
    Some(HealthFlag {
        kind: HealthKind::Errors,
        level,
        reason: parts.join(", "),
    })
}

fn minutes_label(m: i64) -> String {
    if m >= 60 && m % 60 == 0 {
        format!("{} h", m / 60)
    } else {
        format!("{m} min")
    }
}

/// Error rates over the window and its thirds.
struct Rates {
    overall: f64,
    earlier: f64,
    last: f64,
    last_errors: f64,
}

/// The window's error rates, or `None` when either series is not usable or nothing was invoked.
fn error_rates(batch: &MetricsBatch, inv: &SeriesKey, err: &SeriesKey) -> Option<Rates> {
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
    let inv_all = inv_early + inv_late;
    if inv_all <= 0.0 {
        return None;
    }
    let rate = |e: f64, i: f64| if i > 0.0 { e / i } else { 0.0 };
    Some(Rates {
        overall: (err_early + err_late) / inv_all,
        earlier: rate(err_early, inv_early),
        last: rate(err_late, inv_late),
        last_errors: err_late,
    })
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

    fn eval(f: &Function, b: &MetricsBatch, extras: HealthExtras, firing: &[&str]) -> Health {
        evaluate_health(
            f,
            &HealthInputs {
                batch: Some(b),
                extras,
                firing_alarms: firing,
                thresholds: &HealthThresholds::default(),
            },
        )
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
        let h = eval(&function("python3.12", 3), &b, HealthExtras::default(), &[]);
        assert!(h.is_healthy());
        assert_eq!(h.rank(), (usize::MAX, usize::MAX));
    }

    #[test]
    fn a_firing_alarm_and_18_percent_errors_outrank_slow() {
        let [inv, err, thr, p99] = row_series("f");
        // 18 % errors every minute: a steady high rate, not a rising one.
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![100.0; 60]),
            (err, SeriesStatus::Ok, vec![18.0; 60]),
            (thr, SeriesStatus::Ok, vec![]),
            (p99, SeriesStatus::Ok, vec![2500.0]),
        ]);
        let f = function("python3.12", 3);
        let h = eval(&f, &b, HealthExtras::default(), &["f-errors"]);
        assert_eq!(
            kinds(&h),
            [
                HealthKind::AlarmFiring,
                HealthKind::Errors,
                HealthKind::SlowDuration
            ]
        );
        assert_eq!(h.others(), 2);
        assert_eq!(h.level(), Some(Level::Crit));
        assert_eq!(h.flags[0].reason, "alarm f-errors is in ALARM");
        assert_eq!(
            h.flags[1].reason,
            "error rate 18.0 % over the last 1 h (warn ≥ 1 %, crit ≥ 5 %)"
        );
        let without_alarm = eval(&f, &b, HealthExtras::default(), &[]);
        assert_eq!(without_alarm.worst().unwrap().kind, HealthKind::Errors);
        assert!(h.rank() < without_alarm.rank());
    }

    #[test]
    fn every_rule_is_flagged_in_severity_order_with_reasons() {
        let [inv, err, thr, p99] = row_series("f");
        let mut errors = vec![0.0; 40];
        errors.extend(vec![2.0; 20]);
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![10.0; 60]),
            (err, SeriesStatus::Ok, errors),
            (thr, SeriesStatus::Ok, vec![0.0, 3.0]),
            (p99, SeriesStatus::Ok, vec![3000.0]),
        ]);
        let h = eval(
            &function("python3.8", 3),
            &b,
            HealthExtras {
                dlq_messages: Some(4),
                async_without_dlq: Some(true),
                stopped: Some(true),
            },
            &["a", "b"],
        );
        assert_eq!(
            kinds(&h),
            [
                HealthKind::Stopped,
                HealthKind::AlarmFiring,
                HealthKind::Errors,
                HealthKind::Timeout,
                HealthKind::Throttling,
                HealthKind::DlqNotEmpty,
                HealthKind::DeprecatedRuntime,
                HealthKind::AsyncWithoutDlq
            ]
        );
        assert_eq!(
            h.flags[0].reason,
            "stopped: reserved concurrency 0, every invocation is throttled (K restores)"
        );
        assert_eq!(h.flags[1].reason, "2 alarms in ALARM: a, b");
        assert_eq!(
            h.flags[2].reason,
            "error rate 6.7 % over the last 1 h (warn ≥ 1 %, crit ≥ 5 %), rising: 20.0 % in the last 20 min vs 0.0 % before"
        );
        assert_eq!(
            h.flags[3].reason,
            "p99 duration 3000 ms reaches the 3 s timeout: invocations are timing out"
        );
        assert_eq!(h.others(), 7);
    }

    #[test]
    fn hitting_the_timeout_is_timeout_not_slow() {
        let [inv, _, _, p99] = row_series("f");
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![1.0]),
            (p99, SeriesStatus::Ok, vec![10_000.0]),
        ]);
        let h = eval(
            &function("python3.12", 10),
            &b,
            HealthExtras::default(),
            &[],
        );
        assert_eq!(kinds(&h), [HealthKind::Timeout]);
        assert_eq!(h.level(), Some(Level::Crit));
    }

    #[test]
    fn max_stands_in_for_unavailable_p99_and_says_so() {
        let [inv, _, _, p99] = row_series("f");
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![1.0]),
            (p99.clone(), SeriesStatus::PercentilesUnavailable, vec![]),
            (p99.with_stat(Stat::Maximum), SeriesStatus::Ok, vec![9000.0]),
        ]);
        let h = eval(
            &function("python3.12", 10),
            &b,
            HealthExtras::default(),
            &[],
        );
        assert_eq!(kinds(&h), [HealthKind::SlowDuration]);
        assert!(
            h.flags[0]
                .reason
                .starts_with("max duration (percentiles unavailable) 9000 ms")
        );
    }

    #[test]
    fn error_rate_levels_follow_the_thresholds() {
        let th = HealthThresholds::default();
        assert_eq!(th.error_level(0.0), None);
        assert_eq!(th.error_level(0.1), None);
        assert_eq!(th.error_level(1.0), Some(Level::Warn));
        assert_eq!(th.error_level(4.9), Some(Level::Warn));
        assert_eq!(th.error_level(5.0), Some(Level::Crit));
        let [inv, err, _, _] = row_series("f");
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![100.0; 60]),
            (err, SeriesStatus::Ok, vec![2.0; 60]),
        ]);
        let h = eval(&function("python3.12", 3), &b, HealthExtras::default(), &[]);
        assert_eq!(kinds(&h), [HealthKind::Errors]);
        assert_eq!(h.level(), Some(Level::Warn));
        let lenient = HealthThresholds {
            error_rate_warn_pct: 3.0,
            ..HealthThresholds::default()
        };
        let h = evaluate_health(
            &function("python3.12", 3),
            &HealthInputs {
                batch: Some(&b),
                extras: HealthExtras::default(),
                firing_alarms: &[],
                thresholds: &lenient,
            },
        );
        assert!(h.is_healthy(), "2 % is under a 3 % warning threshold");
    }

    #[test]
    fn unfetched_series_raise_nothing_and_no_metrics_still_shows_what_is_known() {
        let [inv, err, thr, p99] = row_series("f");
        let b = batch(vec![
            (inv, SeriesStatus::Ok, vec![10.0; 60]),
            (err, SeriesStatus::Error("Forbidden".into()), vec![]),
            (thr, SeriesStatus::Error("Forbidden".into()), vec![]),
            (p99, SeriesStatus::PercentilesUnavailable, vec![]),
        ]);
        let f = function("python3.12", 1);
        assert!(eval(&f, &b, HealthExtras::default(), &[]).is_healthy());
        let h = evaluate_health(
            &f,
            &HealthInputs {
                batch: None,
                extras: HealthExtras {
                    dlq_messages: Some(12),
                    async_without_dlq: None,
                    stopped: None,
                },
                firing_alarms: &["f-errors"],
                thresholds: &HealthThresholds::default(),
            },
        );
        assert_eq!(
            kinds(&h),
            [HealthKind::AlarmFiring, HealthKind::DlqNotEmpty]
        );
    }
}
