//! A period that is not over (or that CloudWatch may still be ingesting) is never a datapoint: not in
//! totals, verdicts, health flags, trends or sparklines.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::health::{HealthExtras, HealthInputs, HealthKind, HealthThresholds, evaluate_health};
use super::{MetricSeries, MetricsBatch, Reading, SeriesResult, SeriesStatus, row_series, window};
use crate::domain::Function;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn function() -> Function {
    Function {
        name: "f".into(),
        arn: "arn:aws:lambda:us-east-1:123456789012:function:f".into(),
        runtime: Some("python3.12".into()),
        architecture: "x86_64".into(),
        memory_mb: 128,
        timeout_s: 3,
        last_modified: None,
        state: None,
        code_size_bytes: 0,
        package_type: "Zip".into(),
        log_group: None,
        dead_letter_target: None,
    }
}

/// The row series of `f` over the hour before `now`, answered up to `now` itself: 10 invocations and
/// no error in every minute that is over, and in the minutes still filling (or being ingested) a
/// trickle of invocations that all failed — what a premature read looks like.
fn answered_up_to_now(now: DateTime<Utc>) -> MetricsBatch {
    let (start, end) = window(Duration::from_hours(1), 60, now);
    let minutes = (now - start).num_minutes() + 1;
    let [inv, err, thr, p99] = row_series("f");
    let series = |key, f: &dyn Fn(DateTime<Utc>) -> f64| SeriesResult {
        series: MetricSeries {
            key,
            period_s: 60,
            points: (0..minutes)
                .map(|m| start + TimeDelta::minutes(m))
                .map(|t| (t, f(t)))
                .collect(),
        },
        status: SeriesStatus::Ok,
    };
    let filling = |t: DateTime<Utc>| t >= end;
    let mut batch = MetricsBatch {
        start,
        end,
        period_s: 60,
        results: vec![
            series(inv, &|t| if filling(t) { 2.0 } else { 10.0 }),
            series(err, &|t| if filling(t) { 2.0 } else { 0.0 }),
            series(thr, &|t| if filling(t) { 4.0 } else { 0.0 }),
            series(p99, &|t| if filling(t) { 2990.0 } else { 100.0 }),
        ],
        calls: 1,
        metrics_requested: 4,
        percentiles_unavailable: false,
    };
    batch.drop_incomplete();
    batch
}

#[test]
fn a_partial_last_period_never_counts_anywhere() {
    let now = at("2026-11-21T17:07:30Z");
    let b = answered_up_to_now(now);
    assert_eq!(
        b.end,
        at("2026-11-21T17:05:00Z"),
        "ends at the last period over and ingested"
    );
    let [inv, err, thr, _] = row_series("f");
    // Totals: 60 complete minutes of 10, nothing of the filling ones.
    assert_eq!(b.reading(&inv), Reading::Value(600.0));
    assert_eq!(b.reading(&err), Reading::Value(0.0));
    assert_eq!(b.reading(&thr), Reading::Value(0.0));
    // Trend / sparkline: one slot per complete period, the last one full (no trailing ▁).
    let row = b.row("f");
    assert_eq!(row.sparkline.len(), 60);
    assert_eq!(row.sparkline.last(), Some(&10));
    assert_eq!(row.error_pct, Reading::Value(0.0));
    assert_eq!(row.duration, Reading::Value(100.0));
    // Health: the filling minutes' errors, throttles and near-timeout duration raise nothing.
    let h = evaluate_health(
        &function(),
        &HealthInputs {
            batch: Some(&b),
            extras: HealthExtras::default(),
            firing_alarms: &[],
            thresholds: &HealthThresholds::default(),
        },
    );
    assert!(h.is_healthy(), "{h:?}");
    assert!(!h.flags.iter().any(|f| f.kind == HealthKind::Errors));
    for r in &b.results {
        assert!(
            r.series
                .points
                .iter()
                .all(|(t, _)| *t + TimeDelta::minutes(1) <= b.end),
            "{:?}",
            r.series.key
        );
    }
}

#[test]
fn with_the_partial_period_counted_the_same_data_would_have_lied() {
    // The control: the same answer without dropping the filling minutes reads as rising errors.
    let now = at("2026-11-21T17:07:30Z");
    let (start, _) = window(Duration::from_hours(1), 60, now);
    let mut b = answered_up_to_now(now);
    let [inv, err, _, _] = row_series("f");
    for r in &mut b.results {
        if r.series.key == err {
            r.series.points.push((at("2026-11-21T17:06:00Z"), 2.0));
        }
        if r.series.key == inv {
            r.series.points.push((at("2026-11-21T17:06:00Z"), 2.0));
        }
    }
    assert_eq!(
        b.reading(&err),
        Reading::Value(2.0),
        "unfiltered, it would count"
    );
    b.drop_incomplete();
    assert_eq!(b.reading(&err), Reading::Value(0.0));
    assert_eq!(b.start, start);
}
