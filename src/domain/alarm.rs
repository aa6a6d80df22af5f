//! CloudWatch alarms as the rest of lambdash sees them, and the pure rules the alarms pane, the header
//! count and `lambdash alarms` share: ordering, "does this alarm concern that function", and "which
//! alarms just started firing".

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The state of an alarm. The declaration order is the display order: firing alarms first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum AlarmState {
    #[serde(rename = "ALARM")]
    Alarm,
    #[serde(rename = "INSUFFICIENT_DATA")]
    InsufficientData,
    #[serde(rename = "OK")]
    Ok,
}

impl AlarmState {
    pub const ALL: [Self; 3] = [Self::Alarm, Self::InsufficientData, Self::Ok];

    /// The name AWS uses (`ALARM`, `INSUFFICIENT_DATA`, `OK`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
            Self::Ok => "OK",
        }
    }
}

impl fmt::Display for AlarmState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Not one of `ALARM`, `OK`, `INSUFFICIENT_DATA`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown alarm state {0:?} (expected ALARM, OK or INSUFFICIENT_DATA)")]
pub struct UnknownAlarmState(pub String);

impl FromStr for AlarmState {
    type Err = UnknownAlarmState;

    /// Accepts AWS's names in any case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownAlarmState(s.to_string()))
    }
}

/// A metric alarm watches one metric (or a metric math expression); a composite alarm combines other
/// alarms with a rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlarmKind {
    Metric,
    Composite,
}

/// One CloudWatch alarm.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alarm {
    pub name: String,
    pub arn: String,
    pub kind: AlarmKind,
    pub state: AlarmState,
    /// Why the alarm is in its state, in AWS's words (untrusted text: sanitise before display).
    pub reason: String,
    /// The machine-readable reason (a JSON document), when AWS gives one.
    pub reason_data: Option<String>,
    /// When the state (value or reason) was last updated.
    pub updated: Option<DateTime<Utc>>,
    /// When the state value last changed (e.g. OK → ALARM). Not every endpoint reports it.
    pub transitioned: Option<DateTime<Utc>>,
    /// The metric watched. For a metric math alarm, the first metric of its expression.
    pub metric: Option<String>,
    pub namespace: Option<String>,
    pub dimensions: BTreeMap<String, String>,
    /// `Sum`, `Average`, … or an extended statistic such as `p99`.
    pub statistic: Option<String>,
    pub period_s: Option<i32>,
    pub threshold: Option<f64>,
    /// AWS's operator name, e.g. `GreaterThanOrEqualToThreshold`.
    pub comparison: Option<String>,
    pub evaluation_periods: Option<i32>,
    pub datapoints_to_alarm: Option<i32>,
    pub treat_missing_data: Option<String>,
    /// False when the alarm is muted: it changes state but notifies nobody.
    pub actions_enabled: bool,
    pub alarm_actions: Vec<String>,
    pub ok_actions: Vec<String>,
    pub insufficient_data_actions: Vec<String>,
    pub description: Option<String>,
    /// The rule of a composite alarm, e.g. `ALARM(a) OR ALARM(b)`.
    pub rule: Option<String>,
}

impl Alarm {
    /// A metric alarm in state OK with nothing else set; fill in what matters (tests, fixtures).
    pub fn new(name: impl Into<String>, state: AlarmState) -> Self {
        Self {
            name: name.into(),
            arn: String::new(),
            kind: AlarmKind::Metric,
            state,
            reason: String::new(),
            reason_data: None,
            updated: None,
            transitioned: None,
            metric: None,
            namespace: None,
            dimensions: BTreeMap::new(),
            statistic: None,
            period_s: None,
            threshold: None,
            comparison: None,
            evaluation_periods: None,
            datapoints_to_alarm: None,
            treat_missing_data: None,
            actions_enabled: true,
            alarm_actions: Vec::new(),
            ok_actions: Vec::new(),
            insufficient_data_actions: Vec::new(),
            description: None,
            rule: None,
        }
    }

    /// Muted: actions are disabled, so a state change notifies nobody.
    pub fn is_muted(&self) -> bool {
        !self.actions_enabled
    }

    pub fn is_firing(&self) -> bool {
        self.state == AlarmState::Alarm
    }

    /// Since when the alarm has been in its state: the last transition when known, else the last
    /// update. This is the time to jump to in logs and metrics.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.transitioned.or(self.updated)
    }

    /// The function named by the `FunctionName` dimension (or, failing that, the function part of a
    /// `Resource` dimension such as `orders-api:live`).
    pub fn function_name(&self) -> Option<&str> {
        self.dimensions
            .get("FunctionName")
            .or_else(|| self.dimensions.get("Resource"))
            .map(|v| v.split_once(':').map_or(v.as_str(), |(f, _)| f))
    }
}

/// The order of the alarms pane and `lambdash alarms`: ALARM first, then INSUFFICIENT_DATA, then OK;
/// within a state the most recent change first (unknown times last); then by name.
pub fn sort_alarms(alarms: &mut [Alarm]) {
    alarms.sort_by(|a, b| {
        a.state
            .cmp(&b.state)
            // `Option` orders `None` first; reversed, the latest time comes first and `None` last.
            .then_with(|| b.since().cmp(&a.since()))
            .then_with(|| a.name.cmp(&b.name))
    });
}

/// True when the alarm watches `function` (dimension `FunctionName`, or `Resource` = `function` or
/// `function:qualifier`), or one of its queues (dimension `QueueName` in `queue_names`).
pub fn concerns_function(alarm: &Alarm, function: &str, queue_names: &[String]) -> bool {
    let dims = &alarm.dimensions;
    let names_function = |value: &str| {
        value == function
            || value
                .strip_prefix(function)
                .is_some_and(|rest| rest.starts_with(':'))
    };
    dims.get("FunctionName").is_some_and(|v| names_function(v))
        || dims.get("Resource").is_some_and(|v| names_function(v))
        || dims
            .get("QueueName")
            .is_some_and(|q| queue_names.iter().any(|n| n == q))
}

/// Names of the alarms that are in ALARM in `current` but were not in `previous` (in another state, or
/// absent), in the order of `current`. The caller skips the very first load: with no `previous` every
/// firing alarm would count as a flip.
pub fn flipped_to_alarm(previous: &[Alarm], current: &[Alarm]) -> Vec<String> {
    let firing_before: HashSet<&str> = previous
        .iter()
        .filter(|a| a.is_firing())
        .map(|a| a.name.as_str())
        .collect();
    let mut seen = HashSet::new();
    current
        .iter()
        .filter(|a| a.is_firing() && !firing_before.contains(a.name.as_str()))
        .filter(|a| seen.insert(a.name.as_str()))
        .map(|a| a.name.clone())
        .collect()
}

/// How many alarms are firing.
pub fn count_firing(alarms: &[Alarm]) -> usize {
    alarms.iter().filter(|a| a.is_firing()).count()
}

/// One entry of an alarm's history (DescribeAlarmHistory).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlarmHistoryItem {
    pub at: Option<DateTime<Utc>>,
    /// AWS's one-line summary, e.g. `Alarm updated from OK to ALARM` (untrusted text).
    pub summary: String,
    /// `StateUpdate`, `ConfigurationUpdate`, `Action`, …
    pub kind: String,
    /// For state updates: the state before and after, when the history data says so.
    pub from: Option<AlarmState>,
    pub to: Option<AlarmState>,
    /// For state updates: the reason of the new state.
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, 12, minute, 0).unwrap()
    }

    fn alarm(name: &str, state: AlarmState, minute: Option<u32>) -> Alarm {
        let mut a = Alarm::new(name, state);
        a.updated = minute.map(at);
        a
    }

    fn with_dim(mut a: Alarm, key: &str, value: &str) -> Alarm {
        a.dimensions.insert(key.to_string(), value.to_string());
        a
    }

    fn names(alarms: &[Alarm]) -> Vec<&str> {
        alarms.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn state_names_round_trip_in_any_case() {
        for state in AlarmState::ALL {
            assert_eq!(state.as_str().parse::<AlarmState>(), Ok(state));
            assert_eq!(
                state.as_str().to_lowercase().parse::<AlarmState>(),
                Ok(state)
            );
        }
        assert!("FIRING".parse::<AlarmState>().is_err());
        assert_eq!(
            serde_json::to_string(&AlarmState::InsufficientData).unwrap(),
            "\"INSUFFICIENT_DATA\""
        );
    }

    #[test]
    fn sort_puts_firing_alarms_first_then_most_recent() {
        let mut alarms = vec![
            alarm("ok-new", AlarmState::Ok, Some(50)),
            alarm("alarm-old", AlarmState::Alarm, Some(1)),
            alarm("insufficient", AlarmState::InsufficientData, Some(59)),
            alarm("alarm-unknown-time", AlarmState::Alarm, None),
            alarm("alarm-new", AlarmState::Alarm, Some(30)),
            alarm("ok-old", AlarmState::Ok, Some(2)),
        ];
        sort_alarms(&mut alarms);
        assert_eq!(
            names(&alarms),
            [
                "alarm-new",
                "alarm-old",
                "alarm-unknown-time",
                "insufficient",
                "ok-new",
                "ok-old"
            ]
        );
    }

    #[test]
    fn sort_prefers_transition_time_and_breaks_ties_by_name() {
        let mut b = alarm("b", AlarmState::Alarm, Some(59));
        b.transitioned = Some(at(10));
        let a = alarm("a", AlarmState::Alarm, Some(20));
        let c = alarm("c", AlarmState::Alarm, Some(20));
        let mut alarms = vec![c, b, a];
        sort_alarms(&mut alarms);
        assert_eq!(names(&alarms), ["a", "c", "b"]);
    }

    #[test]
    fn alarm_concerns_function_by_function_name_dimension() {
        let a = with_dim(
            alarm("x", AlarmState::Ok, None),
            "FunctionName",
            "orders-api",
        );
        assert!(concerns_function(&a, "orders-api", &[]));
        assert!(!concerns_function(&a, "orders", &[]));
        assert!(!concerns_function(&a, "orders-api-v2", &[]));
    }

    #[test]
    fn alarm_on_an_alias_resource_concerns_its_function() {
        let both = with_dim(
            with_dim(
                alarm("x", AlarmState::Ok, None),
                "FunctionName",
                "orders-api",
            ),
            "Resource",
            "orders-api:live",
        );
        assert!(concerns_function(&both, "orders-api", &[]));
        let resource_only = with_dim(
            alarm("y", AlarmState::Ok, None),
            "Resource",
            "orders-api:live",
        );
        assert!(concerns_function(&resource_only, "orders-api", &[]));
        assert!(!concerns_function(&resource_only, "orders", &[]));
        assert_eq!(resource_only.function_name(), Some("orders-api"));
    }

    #[test]
    fn alarm_concerns_function_through_its_queues() {
        let a = with_dim(
            alarm("dlq", AlarmState::Alarm, None),
            "QueueName",
            "orders-dlq",
        );
        assert!(concerns_function(
            &a,
            "orders-api",
            &["orders-source".to_string(), "orders-dlq".to_string()]
        ));
        assert!(!concerns_function(&a, "orders-api", &[]));
        assert!(!concerns_function(
            &a,
            "orders-api",
            &["other-dlq".to_string()]
        ));
    }

    #[test]
    fn composite_alarm_without_dimensions_concerns_no_function() {
        let mut a = alarm("composite", AlarmState::Alarm, None);
        a.kind = AlarmKind::Composite;
        a.rule = Some("ALARM(orders-api-errors)".to_string());
        assert!(!concerns_function(&a, "orders-api", &[]));
        assert_eq!(a.function_name(), None);
    }

    #[test]
    fn flip_reports_alarms_newly_in_alarm_only() {
        let previous = vec![
            alarm("was-ok", AlarmState::Ok, None),
            alarm("was-firing", AlarmState::Alarm, None),
            alarm("was-insufficient", AlarmState::InsufficientData, None),
            alarm("recovers", AlarmState::Alarm, None),
        ];
        let current = vec![
            alarm("was-firing", AlarmState::Alarm, None),
            alarm("was-ok", AlarmState::Alarm, None),
            alarm("brand-new", AlarmState::Alarm, None),
            alarm("was-insufficient", AlarmState::InsufficientData, None),
            alarm("recovers", AlarmState::Ok, None),
        ];
        assert_eq!(
            flipped_to_alarm(&previous, &current),
            ["was-ok", "brand-new"]
        );
        assert!(flipped_to_alarm(&current, &current).is_empty());
        assert_eq!(count_firing(&current), 3);
    }

    #[test]
    fn flip_names_each_alarm_once() {
        let current = vec![
            alarm("a", AlarmState::Alarm, None),
            alarm("a", AlarmState::Alarm, None),
        ];
        assert_eq!(flipped_to_alarm(&[], &current), ["a"]);
    }

    #[test]
    fn muted_and_since_follow_the_fields() {
        let mut a = alarm("a", AlarmState::Alarm, Some(5));
        assert!(!a.is_muted());
        assert_eq!(a.since(), Some(at(5)));
        a.actions_enabled = false;
        a.transitioned = Some(at(3));
        assert!(a.is_muted());
        assert_eq!(a.since(), Some(at(3)));
    }
}
