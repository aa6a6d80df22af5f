//! Redrive safety: a redrive into a function that is failing now sends the messages back to the DLQ.
//! The dry run and the confirm step say so, from what lambdash already knows: the recent error rate of
//! the functions pane's health data, and the alarms firing about the function (its queues' alarms too).

use crate::app::App;
use crate::domain::dlq::{RedrivePath, RedrivePlan};
use crate::domain::metrics::{MetricName, MetricsBatch, SeriesStatus, Stat, row_series};

/// A recent error rate at or above this (with [`FAILING_MIN_ERRORS`]) counts as failing now.
pub const FAILING_RATE: f64 = 0.05;
pub const FAILING_MIN_ERRORS: f64 = 3.0;

/// The error rate over the last third of the batch's window (the last 20 minutes of the functions
/// pane's hour) and the errors in it; `None` without invocations or data.
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

impl App {
    /// The functions a plan's messages end up in: the re-invoked function, or the consumers of the
    /// queue they are moved to (the functions whose DLQ it feeds, as the topology knows them).
    fn redrive_targets(&self, plan: &RedrivePlan) -> Vec<String> {
        match &plan.path {
            RedrivePath::Reinvoke { function, .. } => vec![function.clone()],
            RedrivePath::MoveTask { to, .. } | RedrivePath::ManualMove { to } => {
                let mut out: Vec<String> = Vec::new();
                for d in &self.dlq.known {
                    if d.source_queue_arn.as_deref() == Some(to.arn.as_str()) {
                        for f in &d.functions {
                            if !out.contains(f) {
                                out.push(f.clone());
                            }
                        }
                    }
                }
                out
            }
        }
    }

    /// Why `function` is failing now, if it is: `payments-webhook is failing 43 % now`,
    /// `payments-webhook's alarm X is firing`, or both in one clause.
    pub fn failing_now(&self, function: &str) -> Option<String> {
        let rate = self
            .row_metrics
            .data
            .as_ref()
            .and_then(|b| recent_error_rate(b, function))
            .filter(|(rate, errors)| *rate >= FAILING_RATE && *errors >= FAILING_MIN_ERRORS)
            .map(|(rate, _)| rate);
        let firing = self.firing_alarms_of(function);
        let alarms = match firing.as_slice() {
            [] => None,
            [one] => Some(format!("alarm {} is firing", one.name)),
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

    /// The warning of a redrive whose target is failing now, e.g. "payments-webhook is failing 43 %
    /// now; redriving 12 messages will likely send them back here".
    pub(in crate::app) fn redrive_warning(&self, plan: &RedrivePlan) -> Option<String> {
        let failing: Vec<String> = self
            .redrive_targets(plan)
            .iter()
            .filter_map(|f| self.failing_now(f))
            .collect();
        if failing.is_empty() {
            return None;
        }
        let count = plan.count();
        Some(format!(
            "{}; redriving {count} message{} will likely send {} back here",
            failing.join("; "),
            if count == 1 { "" } else { "s" },
            if count == 1 { "it" } else { "them" },
        ))
    }
}
