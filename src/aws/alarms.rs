//! CloudWatch alarms: list them (all, by state, by name), count the firing ones, read one's history of
//! state changes, and mute/unmute them (Disable/EnableAlarmActions).
//!
//! Each call is a method on [`Clients`] delegating to a free function that takes the bare CloudWatch
//! client, so tests can drive the mapping with `aws-smithy-mocks`.

use std::collections::BTreeMap;

use aws_config::retry::RetryConfig;
use aws_sdk_cloudwatch::types::{
    AlarmType, CompositeAlarm, HistoryItemType, MetricAlarm, ScanBy, StateValue,
};
use chrono::{DateTime, Utc};

use super::{AwsError, Clients, classify};
use crate::domain::alarm::{Alarm, AlarmHistoryItem, AlarmKind, AlarmState};

/// DescribeAlarms page size (the API's maximum).
pub const PAGE_SIZE: i32 = 100;
/// Enable/DisableAlarmActions and DescribeAlarms by name take at most this many names per call.
pub const NAMES_PER_CALL: usize = 100;
/// How many history items [`Clients::alarm_history`] asks for (newest first; one call).
pub const HISTORY_LIMIT: i32 = 100;

fn to_chrono(t: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

fn state_from(v: Option<&StateValue>) -> AlarmState {
    match v {
        Some(StateValue::Alarm) => AlarmState::Alarm,
        Some(StateValue::Ok) => AlarmState::Ok,
        // INSUFFICIENT_DATA, and anything AWS adds later: we do not know that it is fine.
        _ => AlarmState::InsufficientData,
    }
}

fn state_value(s: AlarmState) -> StateValue {
    match s {
        AlarmState::Alarm => StateValue::Alarm,
        AlarmState::Ok => StateValue::Ok,
        AlarmState::InsufficientData => StateValue::InsufficientData,
    }
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(ToString::to_string)
}

pub fn metric_alarm_from(m: &MetricAlarm) -> Alarm {
    let mut metric = non_empty(m.metric_name());
    let mut namespace = non_empty(m.namespace());
    let mut dimensions: BTreeMap<String, String> = m
        .dimensions()
        .iter()
        .filter_map(|d| Some((d.name()?.to_string(), d.value()?.to_string())))
        .collect();
    let mut statistic = m
        .statistic()
        .map(|s| s.as_str().to_string())
        .or_else(|| non_empty(m.extended_statistic()));
    let mut period_s = m.period();
    // A metric math alarm has no top-level metric: describe it by the first metric of its expression.
    if metric.is_none()
        && let Some(stat) = m.metrics().iter().find_map(|q| q.metric_stat())
    {
        if let Some(inner) = stat.metric() {
            metric = non_empty(inner.metric_name());
            namespace = non_empty(inner.namespace());
            dimensions = inner
                .dimensions()
                .iter()
                .filter_map(|d| Some((d.name()?.to_string(), d.value()?.to_string())))
                .collect();
        }
        statistic = statistic.or_else(|| non_empty(stat.stat()));
        period_s = period_s.or(stat.period());
    }
    Alarm {
        name: m.alarm_name().unwrap_or_default().to_string(),
        arn: m.alarm_arn().unwrap_or_default().to_string(),
        kind: AlarmKind::Metric,
        state: state_from(m.state_value()),
        reason: m.state_reason().unwrap_or_default().to_string(),
        reason_data: non_empty(m.state_reason_data()),
        updated: m.state_updated_timestamp().and_then(to_chrono),
        transitioned: m.state_transitioned_timestamp().and_then(to_chrono),
        metric,
        namespace,
        dimensions,
        statistic,
        period_s,
        threshold: m.threshold(),
        comparison: m.comparison_operator().map(|c| c.as_str().to_string()),
        evaluation_periods: m.evaluation_periods(),
        datapoints_to_alarm: m.datapoints_to_alarm(),
        treat_missing_data: non_empty(m.treat_missing_data()),
        actions_enabled: m.actions_enabled().unwrap_or(true),
        alarm_actions: m.alarm_actions().to_vec(),
        ok_actions: m.ok_actions().to_vec(),
        insufficient_data_actions: m.insufficient_data_actions().to_vec(),
        description: non_empty(m.alarm_description()),
        rule: None,
    }
}

pub fn composite_alarm_from(c: &CompositeAlarm) -> Alarm {
    let mut alarm = Alarm::new(
        c.alarm_name().unwrap_or_default(),
        state_from(c.state_value()),
    );
    alarm.arn = c.alarm_arn().unwrap_or_default().to_string();
    alarm.kind = AlarmKind::Composite;
    alarm.reason = c.state_reason().unwrap_or_default().to_string();
    alarm.reason_data = non_empty(c.state_reason_data());
    alarm.updated = c.state_updated_timestamp().and_then(to_chrono);
    alarm.transitioned = c.state_transitioned_timestamp().and_then(to_chrono);
    alarm.actions_enabled = c.actions_enabled().unwrap_or(true);
    alarm.alarm_actions = c.alarm_actions().to_vec();
    alarm.ok_actions = c.ok_actions().to_vec();
    alarm.insufficient_data_actions = c.insufficient_data_actions().to_vec();
    alarm.description = non_empty(c.alarm_description());
    alarm.rule = non_empty(c.alarm_rule());
    alarm
}

/// The `from` and `to` states and the new reason of a `StateUpdate` history item. AWS's `HistoryData` is
/// `{"version":"1.0","oldState":{"stateValue":"OK",…},"newState":{"stateValue":"ALARM","stateReason":…}}`;
/// when it is missing or unreadable, the summary (`Alarm updated from OK to ALARM`) is used.
pub fn parse_state_change(
    summary: &str,
    data: Option<&str>,
) -> (Option<AlarmState>, Option<AlarmState>, Option<String>) {
    let json: Option<serde_json::Value> = data.and_then(|d| serde_json::from_str(d).ok());
    let state_at = |key: &str| {
        json.as_ref()
            .and_then(|j| j.get(key)?.get("stateValue")?.as_str()?.parse().ok())
    };
    let reason = json
        .as_ref()
        .and_then(|j| j.get("newState")?.get("stateReason")?.as_str())
        .map(ToString::to_string);
    let (mut from, mut to) = (state_at("oldState"), state_at("newState"));
    if (from.is_none() || to.is_none())
        && let Some((_, rest)) = summary.split_once(" from ")
        && let Some((old, new)) = rest.split_once(" to ")
    {
        from = from.or_else(|| old.parse().ok());
        to = to.or_else(|| new.trim_end_matches('.').parse().ok());
    }
    (from, to, reason)
}

pub fn history_item_from(h: &aws_sdk_cloudwatch::types::AlarmHistoryItem) -> AlarmHistoryItem {
    let summary = h.history_summary().unwrap_or_default().to_string();
    let kind = h
        .history_item_type()
        .map_or_else(String::new, |k| k.as_str().to_string());
    let (from, to, reason) = if kind == HistoryItemType::StateUpdate.as_str() {
        parse_state_change(&summary, h.history_data())
    } else {
        (None, None, None)
    };
    AlarmHistoryItem {
        at: h.timestamp().and_then(to_chrono),
        summary,
        kind,
        from,
        to,
        reason,
    }
}

/// Every alarm (metric and composite), all pages, optionally only those in `state`. Unsorted.
pub async fn describe_alarms(
    cw: &aws_sdk_cloudwatch::Client,
    profile: &str,
    state: Option<AlarmState>,
) -> Result<Vec<Alarm>, AwsError> {
    let mut pages = cw
        .describe_alarms()
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .set_state_value(state.map(state_value))
        .max_records(PAGE_SIZE)
        .into_paginator()
        .send();
    let mut alarms = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "DescribeAlarms", profile))?;
        alarms.extend(page.metric_alarms().iter().map(metric_alarm_from));
        alarms.extend(page.composite_alarms().iter().map(composite_alarm_from));
    }
    Ok(alarms)
}

/// The alarms with these names (any number; 100 per call). Names that do not exist are simply absent.
pub async fn describe_alarms_named(
    cw: &aws_sdk_cloudwatch::Client,
    profile: &str,
    names: &[String],
) -> Result<Vec<Alarm>, AwsError> {
    let mut alarms = Vec::new();
    for chunk in names.chunks(NAMES_PER_CALL) {
        let mut pages = cw
            .describe_alarms()
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .set_alarm_names(Some(chunk.to_vec()))
            .max_records(PAGE_SIZE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&e, "DescribeAlarms", profile))?;
            alarms.extend(
                page.metric_alarms()
                    .iter()
                    .map(metric_alarm_from)
                    .filter(|a| chunk.contains(&a.name)),
            );
            alarms.extend(
                page.composite_alarms()
                    .iter()
                    .map(composite_alarm_from)
                    .filter(|a| chunk.contains(&a.name)),
            );
        }
    }
    Ok(alarms)
}

/// How many alarms are in ALARM: DescribeAlarms with `StateValue=ALARM`, counted over all pages.
pub async fn count_in_alarm(
    cw: &aws_sdk_cloudwatch::Client,
    profile: &str,
) -> Result<usize, AwsError> {
    let mut pages = cw
        .describe_alarms()
        .alarm_types(AlarmType::MetricAlarm)
        .alarm_types(AlarmType::CompositeAlarm)
        .state_value(StateValue::Alarm)
        .max_records(PAGE_SIZE)
        .into_paginator()
        .send();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "DescribeAlarms", profile))?;
        count += page
            .metric_alarms()
            .iter()
            .filter(|m| m.state_value() == Some(&StateValue::Alarm))
            .count();
        count += page
            .composite_alarms()
            .iter()
            .filter(|c| c.state_value() == Some(&StateValue::Alarm))
            .count();
    }
    Ok(count)
}

/// The state changes of one alarm, newest first (at most [`HISTORY_LIMIT`]). An endpoint without the API
/// (the emulator) fails with an error for which [`AwsError::is_unsupported`] is true: show "history
/// unavailable" then.
pub async fn alarm_history(
    cw: &aws_sdk_cloudwatch::Client,
    profile: &str,
    name: &str,
) -> Result<Vec<AlarmHistoryItem>, AwsError> {
    let out = cw
        .describe_alarm_history()
        .alarm_name(name)
        .history_item_type(HistoryItemType::StateUpdate)
        .scan_by(ScanBy::TimestampDescending)
        .max_records(HISTORY_LIMIT)
        .customize()
        // An endpoint without the API answers 500, which the default policy retries three times with
        // backoff: seconds of "loading" before "history unavailable". One retry is enough for AWS.
        .config_override(
            aws_sdk_cloudwatch::config::Builder::default()
                .retry_config(RetryConfig::standard().with_max_attempts(2)),
        )
        .send()
        .await
        .map_err(|e| classify(&e, "DescribeAlarmHistory", profile))?;
    Ok(out
        .alarm_history_items()
        .iter()
        .map(history_item_from)
        .collect())
}

/// Enables (unmute) or disables (mute) the actions of the named alarms, [`NAMES_PER_CALL`] per call.
/// Stops at the first failing call: the calls before it have taken effect. AWS does not complain about
/// names that do not exist, so check them first (see [`describe_alarms_named`]).
pub async fn set_alarm_actions(
    cw: &aws_sdk_cloudwatch::Client,
    profile: &str,
    names: &[String],
    enabled: bool,
) -> Result<(), AwsError> {
    for chunk in names.chunks(NAMES_PER_CALL) {
        if enabled {
            cw.enable_alarm_actions()
                .set_alarm_names(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| classify(&e, "EnableAlarmActions", profile))?;
        } else {
            cw.disable_alarm_actions()
                .set_alarm_names(Some(chunk.to_vec()))
                .send()
                .await
                .map_err(|e| classify(&e, "DisableAlarmActions", profile))?;
        }
    }
    Ok(())
}

impl Clients {
    /// Every alarm (metric and composite), all pages, optionally only those in `state`. Unsorted: see
    /// [`crate::domain::alarm::sort_alarms`].
    pub async fn describe_alarms(&self, state: Option<AlarmState>) -> Result<Vec<Alarm>, AwsError> {
        describe_alarms(&self.cloudwatch, &self.profile, state).await
    }

    /// The alarms with these names; names that do not exist are absent from the result.
    pub async fn describe_alarms_named(&self, names: &[String]) -> Result<Vec<Alarm>, AwsError> {
        describe_alarms_named(&self.cloudwatch, &self.profile, names).await
    }

    /// How many alarms are in ALARM (the header count).
    pub async fn count_in_alarm(&self) -> Result<usize, AwsError> {
        count_in_alarm(&self.cloudwatch, &self.profile).await
    }

    /// The state changes of one alarm, newest first. `Err(e)` with `e.is_unsupported()` means the
    /// endpoint has no alarm history.
    pub async fn alarm_history(&self, name: &str) -> Result<Vec<AlarmHistoryItem>, AwsError> {
        alarm_history(&self.cloudwatch, &self.profile, name).await
    }

    /// Mutes (`enabled = false`) or unmutes the named alarms. Refused by the read-only guard.
    pub async fn set_alarm_actions(&self, names: &[String], enabled: bool) -> Result<(), AwsError> {
        set_alarm_actions(&self.cloudwatch, &self.profile, names, enabled).await
    }
}
