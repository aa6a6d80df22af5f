//! Redrive safety, shared by the DLQ pane and `lambdash dlq redrive`: a redrive into a function that
//! is failing now sends the messages back to the DLQ. The words of the warning live here so the pane's
//! dry run / confirm and the CLI's say the same thing.

use crate::domain::metrics::{MetricName, MetricsBatch, SeriesStatus, Stat, row_series};

/// The redrive rate unless changed (messages per second): slow enough that a redrive into a function
/// that is still failing can be watched and cancelled before it has sent everything back.
pub const DEFAULT_REDRIVE_RATE: u32 = 10;

/// A recent error rate at or above this (with [`FAILING_MIN_ERRORS`]) counts as failing now.
pub const FAILING_RATE: f64 = 0.05;
pub const FAILING_MIN_ERRORS: f64 = 3.0;

/// The error rate over the last third of the batch's window (the last 20 minutes of an hour) and the
/// errors in it; `None` without invocations or data.
pub fn recent_error_rate(batch: &MetricsBatch, function: &str) -> Option<(f64, f64)> {
    let [inv, err, ..] = row_series(function);
    debug_assert!(inv.metric == MetricName::Invocations && inv.stat == Stat::Sum);
    debug_assert!(err.metric == MetricName::Errors && err.stat == Stat::Sum);
    let cut = batch.end - (batch.end - batch.start) / 3;
    let late = |key| {
        batch
            .get(key)
            .filter(|r| r.status == SeriesStatus::Ok)
            .map(|r| {
                r.series
                    .points
                    .iter()
                    .filter(|(t, _)| *t >= cut)
                    .map(|(_, v)| v)
                    .sum::<f64>()
            })
    };
    let (invocations, errors) = (late(&inv)?, late(&err)?);
    (invocations > 0.0).then(|| (errors / invocations, errors))
}

/// Why `function` is failing now, if it is: `payments-webhook is failing 43 % now`,
/// `payments-webhook's alarm X is firing`, or both in one clause. `batch`: recent Invocations and
/// Errors sums; `firing`: the names of its alarms (its queues' too) in ALARM.
pub fn failing_now(
    function: &str,
    batch: Option<&MetricsBatch>,
    firing: &[&str],
) -> Option<String> {
    let rate = batch
        .and_then(|b| recent_error_rate(b, function))
        .filter(|(rate, errors)| *rate >= FAILING_RATE && *errors >= FAILING_MIN_ERRORS)
        .map(|(rate, _)| rate);
    let alarms = match firing {
        [] => None,
        [one] => Some(format!("alarm {one} is firing")),
        many => Some(format!("{} of its alarms are firing", many.len())),
    };
    match (rate, alarms) {
        (None, None) => None,
        (Some(r), None) => Some(format!("{function} is failing {:.0} % now", r * 100.0)),
        (None, Some(a)) => Some(format!("{function}'s {a}")),
        (Some(r), Some(a)) => Some(format!(
            "{function} is failing {:.0} % now and its {a}",
            r * 100.0
        )),
    }
}

/// "payments-webhook is failing 43 % now; redriving 12 messages will likely send them back here",
/// from the [`failing_now`] clauses of the plan's target functions (`None` when none is failing).
pub fn redrive_warning(failing: &[String], count: u64) -> Option<String> {
    if failing.is_empty() {
        return None;
    }
    Some(format!(
        "{}; redriving {count} message{} will likely send {} back here",
        failing.join("; "),
        if count == 1 { "" } else { "s" },
        if count == 1 { "it" } else { "them" },
    ))
}
