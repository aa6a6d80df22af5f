//! The CloudWatch alarm calls the emulator cannot prove, driven by `aws-smithy-mocks` with responses
//! shaped like AWS's documented ones: alarm history (moto answers HTTP 500), composite alarms (moto
//! cannot create them), pagination, and batching of Enable/DisableAlarmActions.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryOutput;
use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
use aws_sdk_cloudwatch::operation::disable_alarm_actions::DisableAlarmActionsOutput;
use aws_sdk_cloudwatch::types::{
    AlarmHistoryItem, ComparisonOperator, CompositeAlarm, Dimension, HistoryItemType, Metric,
    MetricAlarm, MetricDataQuery, MetricStat, StateValue, Statistic,
};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use chrono::{TimeZone, Utc};
use lambdash::aws::alarms;
use lambdash::domain::alarm::{AlarmKind, AlarmState};

/// A DescribeAlarmHistory answer as AWS sends it (query protocol, XML), with `HistoryData` escaped the
/// way AWS escapes it, newest first.
const HISTORY_XML: &str = r#"<DescribeAlarmHistoryResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <DescribeAlarmHistoryResult>
    <AlarmHistoryItems>
      <member>
        <Timestamp>2025-03-01T12:07:00.250Z</Timestamp>
        <HistoryItemType>StateUpdate</HistoryItemType>
        <AlarmName>orders-api-errors</AlarmName>
        <AlarmType>MetricAlarm</AlarmType>
        <HistoryData>{&quot;version&quot;:&quot;1.0&quot;,&quot;oldState&quot;:{&quot;stateValue&quot;:&quot;ALARM&quot;,&quot;stateReason&quot;:&quot;Threshold Crossed: 3 out of the last 5 datapoints were greater than or equal to the threshold (5.0).&quot;},&quot;newState&quot;:{&quot;stateValue&quot;:&quot;OK&quot;,&quot;stateReason&quot;:&quot;Threshold Crossed: 1 out of the last 1 datapoints [0.0 (01/03/25 12:06:00)] was not greater than or equal to the threshold (5.0) (minimum 1 datapoint for ALARM -&gt; OK transition).&quot;,&quot;stateReasonData&quot;:{&quot;version&quot;:&quot;1.0&quot;,&quot;queryDate&quot;:&quot;2025-03-01T12:07:00.245+0000&quot;,&quot;statistic&quot;:&quot;Sum&quot;,&quot;period&quot;:60,&quot;recentDatapoints&quot;:[0.0],&quot;threshold&quot;:5.0}}}</HistoryData>
        <HistorySummary>Alarm updated from ALARM to OK</HistorySummary>
      </member>
      <member>
        <Timestamp>2025-03-01T12:03:00.100Z</Timestamp>
        <HistoryItemType>StateUpdate</HistoryItemType>
        <AlarmName>orders-api-errors</AlarmName>
        <AlarmType>MetricAlarm</AlarmType>
        <HistoryData>{"version":"1.0","oldState":{"stateValue":"OK","stateReason":"Threshold Crossed: no datapoints"},"newState":{"stateValue":"ALARM","stateReason":"Threshold Crossed: 3 out of the last 5 datapoints were greater than or equal to the threshold (5.0)."}}</HistoryData>
        <HistorySummary>Alarm updated from OK to ALARM</HistorySummary>
      </member>
      <member>
        <Timestamp>2025-03-01T11:00:00Z</Timestamp>
        <HistoryItemType>StateUpdate</HistoryItemType>
        <AlarmName>orders-api-errors</AlarmName>
        <AlarmType>MetricAlarm</AlarmType>
        <HistorySummary>Alarm updated from INSUFFICIENT_DATA to OK</HistorySummary>
      </member>
    </AlarmHistoryItems>
  </DescribeAlarmHistoryResult>
  <ResponseMetadata>
    <RequestId>f8a9c1d2-0000-4000-8000-000000000001</RequestId>
  </ResponseMetadata>
</DescribeAlarmHistoryResponse>"#;

/// What moto (Werkzeug) answers for DescribeAlarmHistory.
const MOTO_500: &str = "<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n\
<h1>Internal Server Error</h1>\n<p>The server encountered an internal error and was unable to complete \
your request.</p>\n";

#[tokio::test]
async fn history_reads_state_changes_from_an_aws_shaped_answer() {
    let rule = mock!(Client::describe_alarm_history)
        .match_requests(|r| {
            r.alarm_name() == Some("orders-api-errors")
                && r.history_item_type() == Some(&HistoryItemType::StateUpdate)
        })
        .then_http_response(|| {
            HttpResponse::new(
                StatusCode::try_from(200).unwrap(),
                SdkBody::from(HISTORY_XML),
            )
        });
    let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
    let items = alarms::alarm_history(&client, "default", "orders-api-errors")
        .await
        .unwrap();
    assert_eq!(rule.num_calls(), 1);
    assert_eq!(items.len(), 3);

    let recovered = &items[0];
    assert_eq!(
        recovered.at,
        Some(
            Utc.with_ymd_and_hms(2025, 3, 1, 12, 7, 0).unwrap()
                + chrono::Duration::milliseconds(250)
        )
    );
    assert_eq!(recovered.kind, "StateUpdate");
    assert_eq!(recovered.summary, "Alarm updated from ALARM to OK");
    assert_eq!(recovered.from, Some(AlarmState::Alarm));
    assert_eq!(recovered.to, Some(AlarmState::Ok));
    assert!(
        recovered
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("ALARM -> OK transition")),
        "{recovered:?}"
    );

    let fired = &items[1];
    assert_eq!(fired.from, Some(AlarmState::Ok));
    assert_eq!(fired.to, Some(AlarmState::Alarm));
    assert!(
        fired
            .reason
            .as_deref()
            .unwrap()
            .starts_with("Threshold Crossed: 3 out of")
    );

    // No HistoryData: the states come from the summary, there is no reason.
    let first = &items[2];
    assert_eq!(first.from, Some(AlarmState::InsufficientData));
    assert_eq!(first.to, Some(AlarmState::Ok));
    assert_eq!(first.reason, None);
    assert_eq!(
        first.at,
        Some(Utc.with_ymd_and_hms(2025, 3, 1, 11, 0, 0).unwrap())
    );
}

#[tokio::test]
async fn history_with_unreadable_data_keeps_the_summary() {
    let rule = mock!(Client::describe_alarm_history).then_output(|| {
        DescribeAlarmHistoryOutput::builder()
            .alarm_history_items(
                AlarmHistoryItem::builder()
                    .alarm_name("a")
                    .history_item_type(HistoryItemType::StateUpdate)
                    .history_summary("Alarm updated from OK to ALARM")
                    .history_data("{not json")
                    .build(),
            )
            .alarm_history_items(
                AlarmHistoryItem::builder()
                    .alarm_name("a")
                    .history_item_type(HistoryItemType::ConfigurationUpdate)
                    .history_summary("Alarm \"a\" updated")
                    .build(),
            )
            .build()
    });
    let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
    let items = alarms::alarm_history(&client, "default", "a")
        .await
        .unwrap();
    assert_eq!(items[0].from, Some(AlarmState::Ok));
    assert_eq!(items[0].to, Some(AlarmState::Alarm));
    assert_eq!(items[0].reason, None);
    assert_eq!(items[1].kind, "ConfigurationUpdate");
    assert_eq!((items[1].from, items[1].to), (None, None));
    assert_eq!(items[1].at, None);
}

#[tokio::test]
async fn history_refused_with_a_bare_500_is_unsupported() {
    let rule = mock!(Client::describe_alarm_history)
        .sequence()
        .http_status(500, Some(MOTO_500.to_string()))
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule]);
    let err = alarms::alarm_history(&client, "default", "orders-api-errors")
        .await
        .unwrap_err();
    assert!(err.is_unsupported(), "{err:?}");
    assert!(!err.is_throttling());
    assert!(
        err.to_string().starts_with("DescribeAlarmHistory: "),
        "{err}"
    );
    // One retry at most: an endpoint without the API should not keep the pane loading for seconds.
    assert!(rule.num_calls() <= 2, "{} calls", rule.num_calls());
}

#[tokio::test]
async fn history_access_denied_is_not_unsupported() {
    let body = r#"<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">
  <Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: cloudwatch:DescribeAlarmHistory</Message></Error>
  <RequestId>f8a9c1d2-0000-4000-8000-000000000002</RequestId>
</ErrorResponse>"#;
    let rule = mock!(Client::describe_alarm_history).then_http_response(move || {
        HttpResponse::new(StatusCode::try_from(403).unwrap(), SdkBody::from(body))
    });
    let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
    let err = alarms::alarm_history(&client, "default", "x")
        .await
        .unwrap_err();
    assert!(!err.is_unsupported(), "{err:?}");
    assert!(err.to_string().contains("AccessDenied"), "{err}");
}

fn metric_alarm(name: &str, state: StateValue) -> MetricAlarm {
    MetricAlarm::builder()
        .alarm_name(name)
        .alarm_arn(format!(
            "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:{name}"
        ))
        .state_value(state)
        .state_reason("Threshold Crossed")
        .state_updated_timestamp(aws_smithy_types::DateTime::from_secs(1_740_830_400))
        .namespace("AWS/Lambda")
        .metric_name("Errors")
        .dimensions(
            Dimension::builder()
                .name("FunctionName")
                .value("orders-api")
                .build(),
        )
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(5)
        .datapoints_to_alarm(3)
        .threshold(5.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .actions_enabled(false)
        .alarm_actions("arn:aws:sns:eu-west-1:123456789012:oncall")
        .build()
}

#[tokio::test]
async fn describe_alarms_reads_every_page_of_metric_and_composite_alarms() {
    let rule = mock!(Client::describe_alarms)
        .match_requests(|r| r.alarm_types().len() == 2 && r.state_value().is_none())
        .sequence()
        .output(|| {
            DescribeAlarmsOutput::builder()
                .metric_alarms(metric_alarm("orders-api-errors", StateValue::Alarm))
                .composite_alarms(
                    CompositeAlarm::builder()
                        .alarm_name("checkout-down")
                        .alarm_rule("ALARM(orders-api-errors) OR ALARM(cart-errors)")
                        .state_value(StateValue::Alarm)
                        .state_reason(
                            "arn:aws:cloudwatch:…:alarm:orders-api-errors transitioned to ALARM",
                        )
                        .state_transitioned_timestamp(aws_smithy_types::DateTime::from_secs(
                            1_740_830_000,
                        ))
                        .actions_enabled(true)
                        .build(),
                )
                .next_token("page-2")
                .build()
        })
        .output(|| {
            DescribeAlarmsOutput::builder()
                .metric_alarms(metric_alarm("cart-errors", StateValue::InsufficientData))
                .build()
        })
        .build();
    let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
    let got = alarms::describe_alarms(&client, "default", None)
        .await
        .unwrap();
    assert_eq!(rule.num_calls(), 2);
    let names: Vec<&str> = got.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["orders-api-errors", "checkout-down", "cart-errors"]);

    let metric = &got[0];
    assert_eq!(metric.kind, AlarmKind::Metric);
    assert_eq!(metric.state, AlarmState::Alarm);
    assert_eq!(metric.metric.as_deref(), Some("Errors"));
    assert_eq!(metric.namespace.as_deref(), Some("AWS/Lambda"));
    assert_eq!(
        metric.dimensions.get("FunctionName").map(String::as_str),
        Some("orders-api")
    );
    assert_eq!(metric.statistic.as_deref(), Some("Sum"));
    assert_eq!(metric.threshold, Some(5.0));
    assert_eq!(
        metric.comparison.as_deref(),
        Some("GreaterThanOrEqualToThreshold")
    );
    assert_eq!(
        (metric.period_s, metric.evaluation_periods),
        (Some(60), Some(5))
    );
    assert_eq!(metric.datapoints_to_alarm, Some(3));
    assert!(metric.is_muted());
    assert_eq!(
        metric.updated,
        Some(Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap())
    );
    assert_eq!(metric.alarm_actions.len(), 1);

    let composite = &got[1];
    assert_eq!(composite.kind, AlarmKind::Composite);
    assert_eq!(
        composite.rule.as_deref(),
        Some("ALARM(orders-api-errors) OR ALARM(cart-errors)")
    );
    assert!(composite.dimensions.is_empty());
    assert!(composite.since().is_some());
    assert_eq!(got[2].state, AlarmState::InsufficientData);
}

#[tokio::test]
async fn metric_math_alarm_is_described_by_its_first_metric() {
    let rule = mock!(Client::describe_alarms).then_output(|| {
        DescribeAlarmsOutput::builder()
            .metric_alarms(
                MetricAlarm::builder()
                    .alarm_name("error-rate")
                    .state_value(StateValue::Ok)
                    .threshold(0.05)
                    .comparison_operator(ComparisonOperator::GreaterThanThreshold)
                    .metrics(
                        MetricDataQuery::builder()
                            .id("rate")
                            .expression("errors / invocations")
                            .return_data(true)
                            .build(),
                    )
                    .metrics(
                        MetricDataQuery::builder()
                            .id("errors")
                            .metric_stat(
                                MetricStat::builder()
                                    .metric(
                                        Metric::builder()
                                            .namespace("AWS/Lambda")
                                            .metric_name("Errors")
                                            .dimensions(
                                                Dimension::builder()
                                                    .name("FunctionName")
                                                    .value("payments-webhook")
                                                    .build(),
                                            )
                                            .build(),
                                    )
                                    .period(300)
                                    .stat("Sum")
                                    .build(),
                            )
                            .return_data(false)
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
    let got = alarms::describe_alarms(&client, "default", Some(AlarmState::Ok))
        .await
        .unwrap();
    let a = &got[0];
    assert_eq!(a.metric.as_deref(), Some("Errors"));
    assert_eq!(a.namespace.as_deref(), Some("AWS/Lambda"));
    assert_eq!(a.statistic.as_deref(), Some("Sum"));
    assert_eq!(a.period_s, Some(300));
    assert!(lambdash::domain::alarm::concerns_function(
        a,
        "payments-webhook",
        &[]
    ));
    // Absent from the answer: actions are on (AWS's default).
    assert!(!a.is_muted());
}

#[tokio::test]
async fn count_in_alarm_asks_for_alarm_state_and_counts_all_pages() {
    let rule = mock!(Client::describe_alarms)
        .match_requests(|r| {
            r.state_value() == Some(&StateValue::Alarm) && r.max_records() == Some(100)
        })
        .sequence()
        .output(|| {
            let mut page = DescribeAlarmsOutput::builder().next_token("next");
            for i in 0..100 {
                page = page.metric_alarms(metric_alarm(&format!("a{i}"), StateValue::Alarm));
            }
            page.build()
        })
        .output(|| {
            DescribeAlarmsOutput::builder()
                .metric_alarms(metric_alarm("last", StateValue::Alarm))
                .composite_alarms(
                    CompositeAlarm::builder()
                        .alarm_name("c")
                        .state_value(StateValue::Alarm)
                        .build(),
                )
                .build()
        })
        .build();
    let client = mock_client!(aws_sdk_cloudwatch, [&rule]);
    assert_eq!(
        alarms::count_in_alarm(&client, "default").await.unwrap(),
        102
    );
    assert_eq!(rule.num_calls(), 2);
}

#[tokio::test]
async fn set_alarm_actions_sends_at_most_100_names_per_call() {
    let sizes: Arc<Mutex<Vec<usize>>> = Arc::default();
    let seen = sizes.clone();
    let rule = mock!(Client::disable_alarm_actions)
        .match_requests(move |r| {
            seen.lock().unwrap().push(r.alarm_names().len());
            true
        })
        .sequence()
        .output(|| DisableAlarmActionsOutput::builder().build())
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule]);
    let names: Vec<String> = (0..250).map(|i| format!("alarm-{i}")).collect();
    alarms::set_alarm_actions(&client, "default", &names, false)
        .await
        .unwrap();
    assert_eq!(rule.num_calls(), 3);
    assert_eq!(*sizes.lock().unwrap(), [100, 100, 50]);
}
