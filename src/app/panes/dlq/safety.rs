//! Redrive safety: a redrive into a function that is failing now sends the messages back to the DLQ.
//! The dry run and the confirm step say so, from what lambdash already knows: the recent error rate of
//! the functions pane's health data, and the alarms firing about the function (its queues' alarms too).

use crate::app::App;
pub use crate::domain::dlq::safety::{FAILING_MIN_ERRORS, FAILING_RATE, recent_error_rate};
use crate::domain::dlq::safety::{failing_now, redrive_warning};
use crate::domain::dlq::{RedrivePath, RedrivePlan};

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
        let firing: Vec<&str> = self
            .firing_alarms_of(function)
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        failing_now(function, self.row_metrics.data.as_ref(), &firing)
    }

    /// The warning of a redrive whose target is failing now, e.g. "payments-webhook is failing 43 %
    /// now; redriving 12 messages will likely send them back here".
    pub(in crate::app) fn redrive_warning(&self, plan: &RedrivePlan) -> Option<String> {
        let failing: Vec<String> = self
            .redrive_targets(plan)
            .iter()
            .filter_map(|f| self.failing_now(f))
            .collect();
        redrive_warning(&failing, plan.count())
    }
}
