//! The DLQ paths the emulator cannot prove, driven by `aws-smithy-mocks` with AWS-shaped answers:
//! DeadLetterConfig discovery (moto drops it), a message move task followed to completion, and the
//! visible fallback to a manual move when StartMessageMoveTask answers HTTP 500 (moto).
#![allow(clippy::unwrap_used)]

#[path = "support/clients.rs"]
mod clients;

use std::collections::HashMap;
use std::ops::ControlFlow;
use std::time::Duration;

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::types::MetricDataResult;
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::operation::get_function_event_invoke_config::GetFunctionEventInvokeConfigOutput;
use aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput;
use aws_sdk_sqs::operation::delete_message_batch::DeleteMessageBatchOutput;
use aws_sdk_sqs::operation::get_queue_attributes::GetQueueAttributesOutput;
use aws_sdk_sqs::operation::get_queue_url::GetQueueUrlOutput;
use aws_sdk_sqs::operation::list_message_move_tasks::ListMessageMoveTasksOutput;
use aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput;
use aws_sdk_sqs::operation::send_message_batch::SendMessageBatchOutput;
use aws_sdk_sqs::operation::start_message_move_task::StartMessageMoveTaskOutput;
use aws_sdk_sqs::types::{
    DeleteMessageBatchResultEntry, ListMessageMoveTasksResultEntry, Message, QueueAttributeName,
    SendMessageBatchResultEntry,
};
use aws_smithy_mocks::{Rule, mock};
use clients::mocked;
use lambdash::aws::dlq::DrainOptions;
use lambdash::domain::dlq::{
    AgeSource, AgeUnavailable, DlqKind, QueueRef, RedrivePath, RedrivePlan,
};

const ACCOUNT: &str = "123456789012";

fn arn(name: &str) -> String {
    format!("arn:aws:sqs:eu-west-1:{ACCOUNT}:{name}")
}

fn url(name: &str) -> String {
    format!("https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/{name}")
}

fn queue(name: &str) -> QueueRef {
    QueueRef {
        url: url(name),
        arn: arn(name),
        name: name.to_string(),
        fifo: false,
    }
}

fn depth(visible: u64) -> GetQueueAttributesOutput {
    GetQueueAttributesOutput::builder()
        .set_attributes(Some(HashMap::from([
            (
                QueueAttributeName::ApproximateNumberOfMessages,
                visible.to_string(),
            ),
            (
                QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
                "1".to_string(),
            ),
            (
                QueueAttributeName::ApproximateNumberOfMessagesDelayed,
                "0".to_string(),
            ),
            (QueueAttributeName::QueueArn, arn("orders-dlq")),
        ])))
        .build()
}

/// GetFunctionConfiguration of `function`: a DeadLetterConfig to `target`.
fn dead_letter_config_rule(function: &'static str, target: String) -> Rule {
    mock!(aws_sdk_lambda::Client::get_function_configuration)
        .match_requests(move |r| r.function_name() == Some(function))
        .then_output(move || {
            GetFunctionConfigurationOutput::builder()
                .function_name(function)
                .dead_letter_config(
                    aws_sdk_lambda::types::DeadLetterConfig::builder()
                        .target_arn(target.clone())
                        .build(),
                )
                .build()
        })
}

#[tokio::test]
async fn dead_letter_config_is_discovered_with_depth_and_cloudwatch_age() {
    let cfg = dead_letter_config_rule("orders", arn("orders-dlq"));
    let sns_cfg = dead_letter_config_rule(
        "notify",
        format!("arn:aws:sns:eu-west-1:{ACCOUNT}:notify-dlq"),
    );
    let invoke = mock!(aws_sdk_lambda::Client::get_function_event_invoke_config)
        .sequence()
        .output(|| GetFunctionEventInvokeConfigOutput::builder().build())
        .repeatedly()
        .build();
    let mappings = mock!(aws_sdk_lambda::Client::list_event_source_mappings)
        .sequence()
        .output(|| ListEventSourceMappingsOutput::builder().build())
        .repeatedly()
        .build();
    let get_url = mock!(aws_sdk_sqs::Client::get_queue_url)
        .match_requests(|r| {
            r.queue_name() == Some("orders-dlq") && r.queue_owner_aws_account_id() == Some(ACCOUNT)
        })
        .then_output(|| {
            GetQueueUrlOutput::builder()
                .queue_url(url("orders-dlq"))
                .build()
        });
    let attrs = mock!(aws_sdk_sqs::Client::get_queue_attributes).then_output(|| depth(7));
    // One GetMetricData for every non-empty queue (the SNS topic is not asked about); the latest
    // datapoint wins. The query id is the queue's index in the sorted list (orders-dlq is second).
    let age = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| {
            r.metric_data_queries().len() == 1
                && r.metric_data_queries()[0]
                    .metric_stat()
                    .and_then(|s| s.metric())
                    .and_then(|m| m.metric_name())
                    == Some("ApproximateAgeOfOldestMessage")
        })
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(
                    MetricDataResult::builder()
                        .id("q1")
                        .timestamps(aws_smithy_types::DateTime::from_secs(1_700_000_000))
                        .values(4800.0)
                        .timestamps(aws_smithy_types::DateTime::from_secs(1_700_000_060))
                        .values(5400.0)
                        .build(),
                )
                .build()
        });
    let c = mocked(
        &[&cfg, &sns_cfg, &invoke, &mappings],
        &[&get_url, &attrs],
        &[&age],
    );
    let found = c
        .discover_dlqs(Some(&["orders".to_string(), "notify".to_string()]))
        .await
        .unwrap();
    assert!(
        found.partial_errors.is_empty(),
        "{:?}",
        found.partial_errors
    );
    assert_eq!(found.dlqs.len(), 2);
    let sns = &found.dlqs[0];
    assert_eq!(sns.name, "notify-dlq");
    assert_eq!(sns.kind, DlqKind::AsyncDeadLetterConfig);
    assert!(!sns.inspectable, "SNS is shown but not inspectable");
    assert_eq!(sns.queue_url, None);
    let d = &found.dlqs[1];
    assert_eq!(d.kind, DlqKind::AsyncDeadLetterConfig);
    assert_eq!(d.functions, ["orders"]);
    assert_eq!(d.queue_url.as_deref(), Some(url("orders-dlq").as_str()));
    assert_eq!((d.visible, d.in_flight, d.delayed), (7, 1, 0));
    assert_eq!(d.oldest_age_s, Some(5400));
    assert_eq!(d.age_source, Some(AgeSource::CloudWatch));
    assert_eq!(d.age_unavailable, None);
    assert_eq!(sns.age_unavailable, Some(AgeUnavailable::NotInspectable));
    assert_eq!(age.num_calls(), 1);
    // What the functions pane's flags need: both have an EventInvokeConfig, both scans complete.
    assert_eq!(found.scanned.len(), 2);
    assert!(
        found
            .scanned
            .iter()
            .all(|f| f.complete && f.event_invoke_config)
    );
}

/// The depth pass of the TUI's poller: GetQueueAttributes per queue and one GetMetricData, no Lambda
/// call and no GetQueueUrl; an age CloudWatch has no datapoint for, or cannot give, says why.
#[tokio::test]
async fn depth_refresh_reads_only_depths_and_ages_and_says_why_an_age_is_unknown() {
    let attrs = mock!(aws_sdk_sqs::Client::get_queue_attributes).then_output(|| depth(3));
    let no_datapoint = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .then_output(|| GetMetricDataOutput::builder().build());
    let c = mocked(&[], &[&attrs], &[&no_datapoint]);
    let mut dlq = lambdash::domain::dlq::Dlq {
        queue_url: Some(url("orders-dlq")),
        queue_arn: arn("orders-dlq"),
        name: "orders-dlq".into(),
        kind: DlqKind::SourceQueueRedrivePolicy,
        kinds: vec![DlqKind::SourceQueueRedrivePolicy],
        functions: vec!["orders".into()],
        source_queue_arn: None,
        inspectable: true,
        fifo: false,
        visible: 0,
        in_flight: 0,
        delayed: 0,
        oldest_age_s: Some(60),
        age_source: Some(AgeSource::CloudWatch),
        age_unavailable: None,
    };
    let mut other = dlq.clone();
    other.name = "other-dlq".into();
    other.queue_url = Some(url("other-dlq"));
    let mut dlqs = vec![dlq.clone(), other];
    let errors = c.refresh_dlq_depths(&mut dlqs).await.unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(attrs.num_calls(), 2);
    assert_eq!(no_datapoint.num_calls(), 1);
    assert_eq!((dlqs[0].visible, dlqs[0].in_flight), (3, 1));
    assert_eq!(dlqs[0].oldest_age_s, None, "the old age is not kept");
    assert_eq!(dlqs[0].age_unavailable, Some(AgeUnavailable::NoDatapoint));
    let json = serde_json::to_value(&dlqs[0]).unwrap();
    assert!(
        json["oldest_age_unavailable_reason"]
            .as_str()
            .unwrap()
            .contains("no AWS/SQS ApproximateAgeOfOldestMessage datapoint"),
        "{json}"
    );
    assert!(json["oldest_age_s"].is_null());

    // CloudWatch refusing: the error is the reason.
    let refused = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .sequence()
        .http_status(500, Some("<html>Internal Server Error</html>".to_string()))
        .repeatedly()
        .build();
    let attrs = mock!(aws_sdk_sqs::Client::get_queue_attributes).then_output(|| depth(3));
    let c = mocked(&[], &[&attrs], &[&refused]);
    dlq.visible = 0;
    let mut dlqs = vec![dlq];
    c.refresh_dlq_depths(&mut dlqs).await.unwrap();
    assert!(matches!(
        &dlqs[0].age_unavailable,
        Some(AgeUnavailable::CloudWatchFailed(e)) if e.contains("GetMetricData")
    ));
}

fn task(status: &str, moved: i64) -> ListMessageMoveTasksResultEntry {
    ListMessageMoveTasksResultEntry::builder()
        .task_handle("h-1")
        .status(status)
        .source_arn(arn("orders-dlq"))
        .destination_arn(arn("orders"))
        .approximate_number_of_messages_moved(moved)
        .approximate_number_of_messages_to_move(1000)
        .started_timestamp(1_700_000_000_000)
        .build()
}

#[tokio::test]
async fn move_task_progress_is_followed_to_completion() {
    let start = mock!(aws_sdk_sqs::Client::start_message_move_task)
        .match_requests(|r| {
            r.source_arn() == Some(arn("orders-dlq").as_str())
                && r.destination_arn() == Some(arn("orders").as_str())
                && r.max_number_of_messages_per_second() == Some(50)
        })
        .then_output(|| {
            StartMessageMoveTaskOutput::builder()
                .task_handle("h-1")
                .build()
        });
    let list = mock!(aws_sdk_sqs::Client::list_message_move_tasks)
        .sequence()
        .output(|| {
            ListMessageMoveTasksOutput::builder()
                .results(task("RUNNING", 400))
                .build()
        })
        .output(|| {
            ListMessageMoveTasksOutput::builder()
                .results(task("COMPLETED", 1000))
                .build()
        })
        .build();
    let attrs = mock!(aws_sdk_sqs::Client::get_queue_attributes).then_output(|| depth(0));
    let c = mocked(&[], &[&start, &list, &attrs], &[]);
    let plan = RedrivePlan {
        from: queue("orders-dlq"),
        path: RedrivePath::MoveTask {
            to: queue("orders"),
            velocity: Some(50),
        },
        selected: None,
        rate: None,
        visible: 1000,
        in_flight: 0,
        notes: Vec::new(),
    };
    let opts = DrainOptions {
        poll_every: Duration::from_millis(1),
        ..DrainOptions::default()
    };
    let mut seen = Vec::new();
    let summary = c
        .redrive(&plan, &opts, |p| {
            seen.push((p.moved, p.remaining));
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!(seen, [(400, Some(600)), (1000, Some(0))]);
    assert_eq!(summary.method, "move_task");
    assert_eq!(summary.moved, 1000);
    assert!(summary.fallback.is_none());
    assert_eq!(summary.remaining, 1, "visible 0 + in flight 1");
    assert!(summary.ok());
}

fn message(id: &str) -> Message {
    Message::builder()
        .message_id(id)
        .receipt_handle(format!("rh-{id}"))
        .body(format!(r#"{{"id":"{id}"}}"#))
        .build()
}

#[tokio::test]
async fn move_task_http_500_falls_back_to_a_manual_move_and_says_so() {
    let start = mock!(aws_sdk_sqs::Client::start_message_move_task)
        .sequence()
        .http_status(500, Some("<html>Internal Server Error</html>".to_string()))
        .repeatedly()
        .build();
    let attrs = mock!(aws_sdk_sqs::Client::get_queue_attributes)
        .sequence()
        .output(|| depth(2))
        .output(|| depth(0))
        .repeatedly()
        .build();
    let receive = mock!(aws_sdk_sqs::Client::receive_message)
        .sequence()
        .output(|| {
            ReceiveMessageOutput::builder()
                .messages(message("a"))
                .messages(message("b"))
                .build()
        })
        .output(|| ReceiveMessageOutput::builder().build())
        .repeatedly()
        .build();
    let send = mock!(aws_sdk_sqs::Client::send_message_batch)
        .match_requests(|r| r.queue_url() == Some(url("orders").as_str()))
        .then_output(|| {
            SendMessageBatchOutput::builder()
                .successful(
                    SendMessageBatchResultEntry::builder()
                        .id("0")
                        .message_id("n-a")
                        .md5_of_message_body("x")
                        .build()
                        .unwrap(),
                )
                .successful(
                    SendMessageBatchResultEntry::builder()
                        .id("1")
                        .message_id("n-b")
                        .md5_of_message_body("x")
                        .build()
                        .unwrap(),
                )
                .set_failed(Some(Vec::new()))
                .build()
                .unwrap()
        });
    let delete = mock!(aws_sdk_sqs::Client::delete_message_batch)
        .match_requests(|r| r.entries().len() == 2)
        .then_output(|| {
            DeleteMessageBatchOutput::builder()
                .successful(
                    DeleteMessageBatchResultEntry::builder()
                        .id("0")
                        .build()
                        .unwrap(),
                )
                .successful(
                    DeleteMessageBatchResultEntry::builder()
                        .id("1")
                        .build()
                        .unwrap(),
                )
                .set_failed(Some(Vec::new()))
                .build()
                .unwrap()
        });
    let c = mocked(&[], &[&start, &attrs, &receive, &send, &delete], &[]);
    let plan = RedrivePlan {
        from: queue("orders-dlq"),
        path: RedrivePath::MoveTask {
            to: queue("orders"),
            velocity: None,
        },
        selected: None,
        rate: None,
        visible: 2,
        in_flight: 0,
        notes: Vec::new(),
    };
    let opts = DrainOptions {
        wait: Duration::ZERO,
        ..DrainOptions::default()
    };
    let mut notes = Vec::new();
    let summary = c
        .redrive(&plan, &opts, |p| {
            notes.extend(p.note.clone());
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    assert_eq!(summary.method, "manual_move");
    assert_eq!(summary.moved, 2);
    let fallback = summary.fallback.clone().unwrap();
    assert!(
        fallback.contains("StartMessageMoveTask: not supported by this endpoint"),
        "{fallback}"
    );
    assert_eq!(notes, [fallback], "the progress said it too");
    assert_eq!(delete.num_calls(), 1);
}
