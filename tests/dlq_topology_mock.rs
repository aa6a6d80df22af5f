//! The O(pages) DLQ topology scan on paths the emulator cannot prove, driven by `aws-smithy-mocks` with
//! answers shaped like AWS's documented ones: `DeadLetterConfig` read from ListFunctions' own pages
//! (moto drops it), two pages of ListFunctions (moto never paginates), mappings of an alias grouped
//! under their function, and the fallback when `AsyncEventsReceived` cannot be read.
#![allow(clippy::unwrap_used)]

#[path = "support/clients.rs"]
mod clients;

use std::collections::HashMap;

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::types::MetricDataResult;
use aws_sdk_lambda::operation::get_function_event_invoke_config::GetFunctionEventInvokeConfigOutput;
use aws_sdk_lambda::operation::list_event_source_mappings::ListEventSourceMappingsOutput;
use aws_sdk_lambda::operation::list_functions::ListFunctionsOutput;
use aws_sdk_lambda::types::{
    DeadLetterConfig, DestinationConfig, EventSourceMappingConfiguration, FunctionConfiguration,
    OnFailure,
};
use aws_sdk_sqs::operation::get_queue_attributes::GetQueueAttributesOutput;
use aws_sdk_sqs::operation::get_queue_url::GetQueueUrlOutput;
use aws_sdk_sqs::types::QueueAttributeName;
use aws_smithy_mocks::{Rule, mock};
use clients::mocked;
use lambdash::aws::dlq::ScanInputs;
use lambdash::domain::dlq::DlqKind;
use lambdash::domain::dlq::topology::InvokeConfig;

const ACCOUNT: &str = "123456789012";

fn sqs_arn(name: &str) -> String {
    format!("arn:aws:sqs:eu-west-1:{ACCOUNT}:{name}")
}

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{name}")
}

/// A function as ListFunctions returns it (AWS's documented shape: `DeadLetterConfig.TargetArn`).
fn function(name: &str, dead_letter: Option<String>) -> FunctionConfiguration {
    let mut f = FunctionConfiguration::builder()
        .function_name(name)
        .function_arn(function_arn(name))
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .last_modified("2025-02-27T10:15:00.000+0000");
    if let Some(target) = dead_letter {
        f = f.dead_letter_config(DeadLetterConfig::builder().target_arn(target).build());
    }
    f.build()
}

/// Two pages of ListFunctions: `orders` (SQS DeadLetterConfig) and `notify` (SNS) on the first, `ingest`
/// (reads a Kinesis stream through its `live` alias) and `idle` on the second.
fn list_functions_rules() -> (Rule, Rule) {
    let first = mock!(aws_sdk_lambda::Client::list_functions)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| {
            ListFunctionsOutput::builder()
                .functions(function("orders", Some(sqs_arn("orders-dlq"))))
                .functions(function(
                    "notify",
                    Some(format!("arn:aws:sns:eu-west-1:{ACCOUNT}:notify-dlq")),
                ))
                .next_marker("page-2")
                .build()
        });
    let second = mock!(aws_sdk_lambda::Client::list_functions)
        .match_requests(|r| r.marker() == Some("page-2"))
        .then_output(|| {
            ListFunctionsOutput::builder()
                .functions(function("ingest", None))
                .functions(function("idle", None))
                .build()
        });
    (first, second)
}

fn mappings_rule() -> Rule {
    mock!(aws_sdk_lambda::Client::list_event_source_mappings)
        .match_requests(|r| r.function_name().is_none())
        .then_output(|| {
            ListEventSourceMappingsOutput::builder()
                .event_source_mappings(
                    EventSourceMappingConfiguration::builder()
                        .uuid("a1b2")
                        .function_arn(format!("{}:live", function_arn("ingest")))
                        .event_source_arn(format!(
                            "arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/clicks"
                        ))
                        .destination_config(
                            DestinationConfig::builder()
                                .on_failure(
                                    OnFailure::builder()
                                        .destination(sqs_arn("ingest-failures"))
                                        .build(),
                                )
                                .build(),
                        )
                        .build(),
                )
                .build()
        })
}

fn sqs_rules() -> (Rule, Rule) {
    let url = mock!(aws_sdk_sqs::Client::get_queue_url).then_output(|| {
        GetQueueUrlOutput::builder()
            .queue_url(format!("https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/q"))
            .build()
    });
    let attrs = mock!(aws_sdk_sqs::Client::get_queue_attributes).then_output(|| {
        GetQueueAttributesOutput::builder()
            .set_attributes(Some(HashMap::from([(
                QueueAttributeName::ApproximateNumberOfMessages,
                "0".to_string(),
            )])))
            .build()
    });
    (url, attrs)
}

#[tokio::test]
async fn dead_letter_config_comes_from_list_functions_pages_and_only_async_functions_are_asked() {
    let (first, second) = list_functions_rules();
    let mappings = mappings_rule();
    // AsyncEventsReceived, one Sum per function in one call: only `orders` (query a0) had async events.
    let async_events = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| {
            r.metric_data_queries().len() == 4
                && r.metric_data_queries().iter().all(|q| {
                    q.metric_stat()
                        .and_then(|s| s.metric())
                        .and_then(|m| m.metric_name())
                        == Some("AsyncEventsReceived")
                })
        })
        .then_output(|| {
            GetMetricDataOutput::builder()
                .metric_data_results(MetricDataResult::builder().id("a0").values(12.0).build())
                .metric_data_results(MetricDataResult::builder().id("a3").build())
                .build()
        });
    let invoke = mock!(aws_sdk_lambda::Client::get_function_event_invoke_config)
        .match_requests(|r| r.function_name() == Some("orders"))
        .then_output(|| GetFunctionEventInvokeConfigOutput::builder().build());
    let (url, attrs) = sqs_rules();
    let c = mocked(
        &[&first, &second, &mappings, &invoke],
        &[&url, &attrs],
        &[&async_events],
    );
    let topology = c
        .scan_topology(ScanInputs {
            scope: "t".into(),
            ..ScanInputs::default()
        })
        .await
        .unwrap();
    assert!(topology.errors.is_empty(), "{:?}", topology.errors);
    assert_eq!((first.num_calls(), second.num_calls()), (1, 1));
    assert_eq!(mappings.num_calls(), 1);
    assert_eq!(async_events.num_calls(), 1);
    assert_eq!(invoke.num_calls(), 1, "only the async function is asked");
    assert_eq!(
        topology.functions["idle"].invoke_config,
        InvokeConfig::NotAsked
    );
    assert_eq!(
        topology.functions["ingest"].mappings.len(),
        1,
        "the alias's mapping"
    );

    let found = c.discovery_from(topology).await;
    let kinds: Vec<(&str, DlqKind, &[String])> = found
        .dlqs
        .iter()
        .map(|d| (d.name.as_str(), d.kind, d.functions.as_slice()))
        .collect();
    assert_eq!(
        kinds,
        [
            (
                "ingest-failures",
                DlqKind::EventSourceOnFailure,
                &["ingest".to_string()][..]
            ),
            (
                "notify-dlq",
                DlqKind::AsyncDeadLetterConfig,
                &["notify".to_string()][..]
            ),
            (
                "orders-dlq",
                DlqKind::AsyncDeadLetterConfig,
                &["orders".to_string()][..]
            ),
        ]
    );
    let scanned: Vec<(&str, bool)> = found
        .scanned
        .iter()
        .map(|s| (s.name.as_str(), s.event_invoke_config))
        .collect();
    assert!(scanned.contains(&("orders", true)), "{scanned:?}");
    assert!(found.scanned.iter().all(|s| s.complete));
}

#[tokio::test]
async fn unreadable_async_metric_asks_every_function_and_says_so() {
    let (first, second) = list_functions_rules();
    let mappings = mappings_rule();
    let refused = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .sequence()
        .http_status(500, Some("<html>Internal Server Error</html>".to_string()))
        .repeatedly()
        .build();
    let invoke = mock!(aws_sdk_lambda::Client::get_function_event_invoke_config)
        .sequence()
        .output(|| GetFunctionEventInvokeConfigOutput::builder().build())
        .repeatedly()
        .build();
    let (url, attrs) = sqs_rules();
    let c = mocked(
        &[&first, &second, &mappings, &invoke],
        &[&url, &attrs],
        &[&refused],
    );
    let topology = c
        .scan_topology(ScanInputs {
            scope: "t".into(),
            ..ScanInputs::default()
        })
        .await
        .unwrap();
    assert_eq!(
        invoke.num_calls(),
        4,
        "every function, when the metric is unknown"
    );
    assert_eq!(topology.errors.len(), 1, "{:?}", topology.errors);
    assert!(
        topology.errors[0].contains("AsyncEventsReceived could not be read"),
        "{:?}",
        topology.errors
    );
}
