//! The demo account's CloudWatch alarms: which ones, in which state, with AWS-style reasons drawn from
//! the seeded metrics.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, StateValue, Statistic};
use chrono::{DateTime, Duration, DurationRound, Utc};

use super::FunctionOutcome;
use crate::seed::catalog::{self, DLQ, FAILING_FUNCTION, ON_FAILURE_QUEUE};
use crate::seed::model::MinuteStats;
use crate::seed::{self, Emulator, SeedError, aws};

/// One alarm of the demo account.
pub(super) struct AlarmSpec {
    pub(super) name: String,
    pub(super) description: String,
    pub(super) namespace: &'static str,
    pub(super) metric: &'static str,
    pub(super) dimension: (&'static str, String),
    pub(super) statistic: Statistic,
    pub(super) threshold: f64,
    pub(super) comparison: ComparisonOperator,
    pub(super) period: i32,
    pub(super) evaluation_periods: i32,
    pub(super) datapoints: i32,
    /// The state to put it in, and the reason.
    pub(super) state: StateValue,
    pub(super) reason: String,
    pub(super) team: &'static str,
}

fn reason_time(t: DateTime<Utc>) -> String {
    t.format("%d/%m/%y %H:%M:%S").to_string()
}

/// An AWS-style state reason; `of` is the number of evaluation periods.
fn crossed_reason(
    points: &[(DateTime<Utc>, f64)],
    of: usize,
    threshold: f64,
    op: &str,
    alarm: bool,
) -> String {
    let shown: Vec<String> = points
        .iter()
        .rev()
        .map(|(t, v)| format!("{v:.1} ({})", reason_time(*t)))
        .collect();
    let n = points.len();
    if alarm {
        format!(
            "Threshold Crossed: {n} out of the last {of} datapoints [{}] {} {op} the threshold ({threshold:.1}) (minimum {n} datapoint{} for OK -> ALARM transition).",
            shown.join(", "),
            if n == 1 { "was" } else { "were" },
            if n == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "Threshold Crossed: 1 out of the last 1 datapoints [{}] was not {op} the threshold ({threshold:.1}) (minimum 1 datapoint for ALARM -> OK transition).",
            shown.first().cloned().unwrap_or_default()
        )
    }
}

/// Recent per-minute figures of one function (for alarm reasons).
type Recent = Vec<(DateTime<Utc>, MinuteStats)>;

pub(super) fn alarm_specs(
    outcomes: &[FunctionOutcome],
    now: DateTime<Utc>,
    dlq_depth: usize,
    failures_depth: usize,
) -> Vec<AlarmSpec> {
    let recent = |name: &str| -> Recent {
        outcomes
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.recent.clone())
            .unwrap_or_default()
    };
    let minute = now.duration_trunc(Duration::minutes(1)).unwrap_or(now);
    let mut out = Vec::new();
    error_alarms(&mut out, &recent, minute);
    throttle_alarms(&mut out, minute);
    duration_alarms(&mut out, &recent, minute);
    queue_alarms(&mut out, minute, dlq_depth, failures_depth);
    out
}

/// `<function>-errors`: the failing function in ALARM, one with no data, the rest OK.
fn error_alarms(out: &mut Vec<AlarmSpec>, recent: &dyn Fn(&str) -> Recent, minute: DateTime<Utc>) {
    let error_alarms = [
        "orders-api",
        "order-processor",
        "payments-webhook",
        "payments-reconciler",
        "thumbnail-resizer",
        "email-sender",
        "user-signup",
        "inventory-sync",
        "search-indexer",
        "cart-service",
        "shipping-quote",
        "auth-authorizer",
        "webhook-dispatcher",
        "session-cleanup",
        "pdf-invoice-generator",
    ];
    for name in error_alarms {
        let Some(spec) = catalog::spec(name) else {
            continue;
        };
        let threshold = if matches!(spec.load, catalog::Load::Every(_)) {
            1.0
        } else {
            5.0
        };
        let points: Vec<(DateTime<Utc>, f64)> = recent(name)
            .iter()
            .map(|(t, s)| (*t, f64::from(s.errors)))
            .collect();
        let alarm = name == FAILING_FUNCTION;
        let (state, reason) = if alarm {
            let last3 = &points[points.len().saturating_sub(3)..];
            (
                StateValue::Alarm,
                crossed_reason(last3, 5, threshold, "greater than or equal to", true),
            )
        } else if name == "session-cleanup" {
            (
                StateValue::InsufficientData,
                "Insufficient Data: 5 datapoints were unknown.".to_owned(),
            )
        } else {
            let last = points.last().copied().unwrap_or((minute, 0.0));
            (
                StateValue::Ok,
                crossed_reason(&[last], 1, threshold, "greater than or equal to", false),
            )
        };
        out.push(AlarmSpec {
            name: format!("{name}-errors"),
            description: format!(
                "{name}: {threshold:.0}+ errors a minute in 3 of the last 5 minutes"
            ),
            namespace: "AWS/Lambda",
            metric: "Errors",
            dimension: ("FunctionName", name.to_owned()),
            statistic: Statistic::Sum,
            threshold,
            comparison: ComparisonOperator::GreaterThanOrEqualToThreshold,
            period: 60,
            evaluation_periods: 5,
            datapoints: 3,
            state,
            reason,
            team: spec.team,
        });
    }
}

/// `<function>-throttles`: one in ALARM.
fn throttle_alarms(out: &mut Vec<AlarmSpec>, minute: DateTime<Utc>) {
    for (name, alarm) in [
        ("thumbnail-resizer", false),
        ("legacy-admin-api", true),
        ("payments-reconciler", false),
    ] {
        let team = catalog::spec(name).map_or("platform", |s| s.team);
        let value = if alarm { 2.0 } else { 0.0 };
        out.push(AlarmSpec {
            name: format!("{name}-throttles"),
            description: format!("{name} is being throttled"),
            namespace: "AWS/Lambda",
            metric: "Throttles",
            dimension: ("FunctionName", name.to_owned()),
            statistic: Statistic::Sum,
            threshold: 0.0,
            comparison: ComparisonOperator::GreaterThanThreshold,
            period: 60,
            evaluation_periods: 1,
            datapoints: 1,
            state: if alarm {
                StateValue::Alarm
            } else {
                StateValue::Ok
            },
            reason: crossed_reason(
                &[(minute - Duration::minutes(1), value)],
                1,
                0.0,
                "greater than",
                alarm,
            ),
            team,
        });
    }
}

/// `<function>-duration-high`: one in ALARM (runs into its timeout), two OK.
fn duration_alarms(
    out: &mut Vec<AlarmSpec>,
    recent: &dyn Fn(&str) -> Recent,
    minute: DateTime<Utc>,
) {
    for (name, threshold, statistic, alarm) in [
        ("shipping-quote", 2_500.0, Statistic::Maximum, true),
        ("orders-api", 250.0, Statistic::Average, false),
        ("recommendations", 1_000.0, Statistic::Average, false),
    ] {
        let Some(spec) = catalog::spec(name) else {
            continue;
        };
        let points: Vec<(DateTime<Utc>, f64)> = recent(name)
            .iter()
            .map(|(t, s)| {
                let v = match statistic {
                    Statistic::Maximum => {
                        if alarm {
                            f64::from(spec.timeout_s) * 1000.0
                        } else {
                            s.duration_max
                        }
                    }
                    _ => s.duration_sum / f64::from(s.invocations.max(1)),
                };
                (*t, v)
            })
            .collect();
        let (state, reason) = if alarm {
            (
                StateValue::Alarm,
                crossed_reason(
                    &points[points.len().saturating_sub(3)..],
                    5,
                    threshold,
                    "greater than or equal to",
                    true,
                ),
            )
        } else {
            let last = points.last().copied().unwrap_or((minute, 0.0));
            (
                StateValue::Ok,
                crossed_reason(&[last], 1, threshold, "greater than or equal to", false),
            )
        };
        out.push(AlarmSpec {
            name: format!("{name}-duration-high"),
            description: format!(
                "{name} runs slow ({statistic:?} duration >= {threshold:.0} ms)",
                statistic = statistic.as_str()
            ),
            namespace: "AWS/Lambda",
            metric: "Duration",
            dimension: ("FunctionName", name.to_owned()),
            statistic,
            threshold,
            comparison: ComparisonOperator::GreaterThanOrEqualToThreshold,
            period: 60,
            evaluation_periods: 5,
            datapoints: 3,
            state,
            reason,
            team: spec.team,
        });
    }
}

/// `<queue>-not-empty`: ALARM while the DLQ or the on-failure destination holds messages.
fn queue_alarms(
    out: &mut Vec<AlarmSpec>,
    minute: DateTime<Utc>,
    dlq_depth: usize,
    failures_depth: usize,
) {
    for (queue, depth, team) in [
        (DLQ, dlq_depth, "commerce"),
        (ON_FAILURE_QUEUE, failures_depth, "payments"),
    ] {
        let alarm = depth > 0;
        out.push(AlarmSpec {
            name: format!("{queue}-not-empty"),
            description: format!("Messages are waiting in {queue}: somebody has to look at them"),
            namespace: "AWS/SQS",
            metric: "ApproximateNumberOfMessagesVisible",
            dimension: ("QueueName", queue.to_owned()),
            statistic: Statistic::Maximum,
            threshold: 0.0,
            comparison: ComparisonOperator::GreaterThanThreshold,
            period: 300,
            evaluation_periods: 1,
            datapoints: 1,
            state: if alarm {
                StateValue::Alarm
            } else {
                StateValue::Ok
            },
            reason: crossed_reason(
                &[(minute - Duration::minutes(5), depth as f64)],
                1,
                0.0,
                "greater than",
                alarm,
            ),
            team,
        });
    }
}

pub(super) async fn put_alarm(e: &Emulator, a: &AlarmSpec) -> Result<(), SeedError> {
    let topic = format!(
        "arn:aws:sns:{}:{}:oncall-{}",
        e.region,
        seed::ACCOUNT_ID,
        a.team
    );
    e.cloudwatch
        .put_metric_alarm()
        .alarm_name(&a.name)
        .alarm_description(&a.description)
        .namespace(a.namespace)
        .metric_name(a.metric)
        .dimensions(
            Dimension::builder()
                .name(a.dimension.0)
                .value(&a.dimension.1)
                .build(),
        )
        .statistic(a.statistic.clone())
        .threshold(a.threshold)
        .comparison_operator(a.comparison.clone())
        .period(a.period)
        .evaluation_periods(a.evaluation_periods)
        .datapoints_to_alarm(a.datapoints)
        .treat_missing_data("notBreaching")
        .actions_enabled(true)
        .alarm_actions(&topic)
        .ok_actions(&topic)
        .send()
        .await
        .map_err(aws("cloudwatch:PutMetricAlarm"))?;
    e.cloudwatch
        .set_alarm_state()
        .alarm_name(&a.name)
        .state_value(a.state.clone())
        .state_reason(&a.reason)
        .send()
        .await
        .map_err(aws("cloudwatch:SetAlarmState"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alarm_reasons_read_like_aws() {
        let t = DateTime::parse_from_rfc3339("2026-11-21T17:31:00Z")
            .expect("valid")
            .to_utc();
        let r = crossed_reason(&[(t, 14.0)], 1, 5.0, "greater than or equal to", true);
        assert_eq!(
            r,
            "Threshold Crossed: 1 out of the last 1 datapoints [14.0 (21/11/26 17:31:00)] was greater than or equal to the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition)."
        );
    }
}
