//! The levers' read paths the emulator cannot show, driven by `aws-smithy-mocks` with answers shaped
//! like AWS's documented ones: a synchronous invoke with `LogType=Tail` (the emulator sends no
//! `LogResult`) that failed in the function, and stream mappings (Kinesis, DynamoDB, Kafka) with their
//! bisect / retry / record-age / on-failure settings (the emulator maps SQS only).
#![allow(clippy::unwrap_used)]

use aws_sdk_lambda::Client;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use base64::Engine as _;
use lambdash::domain::esm::SourceKind;
use lambdash::domain::invoke::InvokePlan;

fn lambda(rules: &[&Rule]) -> Client {
    mock_client!(aws_sdk_lambda, RuleMode::MatchAny, rules, |c| c
        .retry_config(aws_sdk_lambda::config::retry::RetryConfig::standard()))
}

fn plan() -> InvokePlan {
    InvokePlan {
        function: "orders-api".into(),
        qualifier: Some("live".into()),
        account: "123456789012".into(),
        region: "us-east-1".into(),
        asynchronous: false,
        payload: br#"{"orderId":"o-1"}"#.to_vec(),
    }
}

#[tokio::test]
async fn a_failed_sync_invoke_brings_its_error_version_and_decoded_log_tail() {
    let log = "START RequestId: 1 Version: 7\n\u{1b}[31mTraceback: boom\nEND RequestId: 1\n";
    let invoke = mock!(Client::invoke)
        .match_requests(|r| {
            r.log_type() == Some(&aws_sdk_lambda::types::LogType::Tail)
                && r.qualifier() == Some("live")
        })
        .then_http_response(move || {
            let mut r = HttpResponse::new(
                StatusCode::try_from(200).unwrap(),
                SdkBody::from(r#"{"errorMessage":"boom","errorType":"ValueError"}"#),
            );
            let h = r.headers_mut();
            h.insert("X-Amz-Function-Error", "Unhandled");
            h.insert("X-Amz-Executed-Version", "7");
            h.insert(
                "X-Amz-Log-Result",
                base64::engine::general_purpose::STANDARD.encode(log),
            );
            r
        });
    let client = lambda(&[&invoke]);
    let out = lambdash::aws::invoke::invoke(&client, "default", &plan())
        .await
        .unwrap();
    assert_eq!(out.status_code, 200);
    assert_eq!(out.function_error.as_deref(), Some("Unhandled"));
    assert_eq!(out.executed_version.as_deref(), Some("7"));
    assert_eq!(out.log_tail.as_deref(), Some(log), "decoded as sent");
    assert!(
        out.pretty_response()
            .contains("\"errorType\": \"ValueError\"")
    );
    assert_eq!(
        out.summary("orders-api:live"),
        "invoked orders-api:live: HTTP 200, version 7, function error: Unhandled"
    );
    // What the terminal gets of the log tail: the escape is shown, not obeyed.
    let shown = lambdash::sanitize::sanitize_text(out.log_tail.as_deref().unwrap());
    assert!(
        !shown.contains('\u{1b}') && shown.contains("\\x1b[31m"),
        "{shown}"
    );
}

#[tokio::test]
async fn an_invoke_that_fails_on_the_wire_is_sent_once() {
    let invoke = mock!(Client::invoke).then_http_response(|| {
        let mut r = HttpResponse::new(
            StatusCode::try_from(500).unwrap(),
            SdkBody::from(r#"{"message":"Internal error"}"#),
        );
        r.headers_mut()
            .insert("x-amzn-errortype", "ServiceException");
        r
    });
    let client = lambda(&[&invoke]);
    let err = lambdash::aws::invoke::invoke(&client, "default", &plan())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Internal error"), "{err}");
    assert_eq!(
        invoke.num_calls(),
        1,
        "a retried invoke could run the code twice"
    );
}

/// ListEventSourceMappings as AWS documents it: a Kinesis stream with every error-handling setting,
/// a DynamoDB stream with a problem, and self-managed Kafka (no source ARN).
const MAPPINGS: &str = r#"{"EventSourceMappings": [
 {"UUID": "k-1", "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:clicks",
  "EventSourceArn": "arn:aws:kinesis:us-east-1:123456789012:stream/clickstream", "State": "Enabled",
  "StateTransitionReason": "User action", "LastProcessingResult": "OK", "BatchSize": 100,
  "MaximumBatchingWindowInSeconds": 5, "BisectBatchOnFunctionError": true, "MaximumRetryAttempts": 3,
  "MaximumRecordAgeInSeconds": 3600, "StartingPosition": "LATEST", "LastModified": 1.7650368E9,
  "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:clicks-dlq"}}},
 {"UUID": "d-1", "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:orders-stream:live",
  "EventSourceArn": "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00.000",
  "State": "Enabled", "LastProcessingResult": "PROBLEM: Function call failed", "BatchSize": 10},
 {"UUID": "f-1", "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:ledger",
  "SelfManagedEventSource": {"Endpoints": {"KAFKA_BOOTSTRAP_SERVERS": ["b-1.kafka:9092"]}},
  "Topics": ["ledger"], "State": "Disabled", "BatchSize": 500}],
 "NextMarker": "page-2"}"#;

const PAGE_2: &str = r#"{"EventSourceMappings": [
 {"UUID": "m-1", "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:broker",
  "EventSourceArn": "arn:aws:mq:us-east-1:123456789012:broker:main:b-1234", "State": "Enabled", "BatchSize": 10}]}"#;

#[tokio::test]
async fn stream_mappings_carry_their_error_handling_and_every_page_is_read() {
    let first = mock!(Client::list_event_source_mappings)
        .match_requests(|r| r.marker().is_none())
        .then_http_response(|| {
            HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(MAPPINGS))
        });
    let second = mock!(Client::list_event_source_mappings)
        .match_requests(|r| r.marker() == Some("page-2"))
        .then_http_response(|| {
            HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(PAGE_2))
        });
    let client = lambda(&[&first, &second]);
    let all = lambdash::aws::esm::list_mappings(&client, "default", None)
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    let k = &all[0];
    assert_eq!(k.kind, SourceKind::Kinesis);
    assert_eq!(k.source_name(), "clickstream");
    assert_eq!(
        (
            k.batch_size,
            k.batching_window_s,
            k.bisect_on_error,
            k.max_retry_attempts,
            k.max_record_age_s
        ),
        (Some(100), Some(5), Some(true), Some(3), Some(3600))
    );
    assert_eq!(
        k.on_failure.as_deref(),
        Some("arn:aws:sqs:us-east-1:123456789012:clicks-dlq")
    );
    assert_eq!(k.last_processing_result.as_deref(), Some("OK"));
    let d = &all[1];
    assert_eq!(d.kind, SourceKind::DynamoDb);
    assert_eq!(d.function_name(), "orders-stream");
    assert_eq!(
        d.last_processing_result.as_deref(),
        Some("PROBLEM: Function call failed")
    );
    assert_eq!(all[2].kind, SourceKind::Kafka);
    assert_eq!(all[2].source_name(), "-");
    assert_eq!(all[3].kind, SourceKind::Mq);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
}
