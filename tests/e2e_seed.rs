//! End-to-end: `seed_demo` against the real emulator builds the account the demo promises.
//!
//! Needs `LAMBDASH_TEST_ENDPOINT` (a running moto); `./scripts/test` starts one and sets it.
//! Uses its own region so it can share the emulator with other tests.

use std::collections::HashSet;

use aws_sdk_cloudwatch::types::StateValue;
use aws_sdk_sqs::types::QueueAttributeName;
use lambdash::seed::{self, Emulator};

const REGION: &str = "eu-north-1";

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator \
             (or `scripts/moto start` and export LAMBDASH_TEST_ENDPOINT=<the URL it prints>)"
        )
    })
}

async fn queue_url(e: &Emulator, name: &str) -> String {
    e.sqs
        .get_queue_url()
        .queue_name(name)
        .send()
        .await
        .expect("queue exists")
        .queue_url()
        .expect("url")
        .to_owned()
}

async fn depth(e: &Emulator, url: &str) -> usize {
    let out = e
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .expect("attributes");
    out.attributes()
        .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
        .and_then(|v| v.parse().ok())
        .expect("ApproximateNumberOfMessages")
}

/// Functions: many, varied runtimes, both architectures.
async fn functions_are_many_and_varied(e: &Emulator) {
    let listed = e
        .lambda
        .list_functions()
        .send()
        .await
        .expect("ListFunctions");
    let functions = listed.functions();
    assert!(functions.len() >= 25, "only {} functions", functions.len());
    let runtimes: HashSet<String> = functions
        .iter()
        .filter_map(|f| f.runtime().map(|r| r.as_str().to_owned()))
        .collect();
    assert!(runtimes.len() >= 5, "runtimes: {runtimes:?}");
    assert!(
        runtimes.contains("python3.8") || runtimes.contains("nodejs16.x"),
        "no deprecated runtime: {runtimes:?}"
    );
    let archs: HashSet<String> = functions
        .iter()
        .flat_map(|f| f.architectures().iter().map(|a| a.as_str().to_owned()))
        .collect();
    assert!(
        archs.contains("x86_64") && archs.contains("arm64"),
        "architectures: {archs:?}"
    );
    let orders = functions
        .iter()
        .find(|f| f.function_name() == Some("orders-api"))
        .expect("orders-api");
    let env = orders
        .environment()
        .and_then(|e| e.variables())
        .expect("env vars");
    assert!(env.contains_key("DB_PASSWORD"));
}

/// The weighted alias; reserved concurrency, the event source mapping and the on-failure destination.
async fn aliases_and_wiring_are_set(e: &Emulator) {
    let live = e
        .lambda
        .get_alias()
        .function_name("user-signup")
        .name("live")
        .send()
        .await
        .expect("GetAlias");
    let weights = live
        .routing_config()
        .and_then(|r| r.additional_version_weights())
        .expect("routing weights");
    assert!(
        weights.values().any(|w| (*w - 0.1).abs() < 1e-9),
        "weights: {weights:?}"
    );
    let versions = e
        .lambda
        .list_versions_by_function()
        .function_name("user-signup")
        .send()
        .await
        .expect("ListVersionsByFunction");
    assert!(versions.versions().len() >= 5, "$LATEST + 4 versions");

    // Reserved concurrency, the event source mapping and the on-failure destination.
    let conc = e
        .lambda
        .get_function_concurrency()
        .function_name("legacy-admin-api")
        .send()
        .await
        .expect("GetFunctionConcurrency");
    assert_eq!(conc.reserved_concurrent_executions(), Some(0));
    let esm = e
        .lambda
        .list_event_source_mappings()
        .function_name(seed::SQS_FUNCTION)
        .send()
        .await
        .expect("ListEventSourceMappings");
    assert!(esm.event_source_mappings().iter().any(|m| {
        m.event_source_arn()
            .is_some_and(|a| a.ends_with(seed::SOURCE_QUEUE))
    }));
    let invoke_config = e
        .lambda
        .get_function_event_invoke_config()
        .function_name(seed::ASYNC_FUNCTION)
        .send()
        .await
        .expect("GetFunctionEventInvokeConfig");
    let destination = invoke_config
        .destination_config()
        .and_then(|d| d.on_failure())
        .and_then(|o| o.destination())
        .expect("on-failure destination");
    assert!(
        destination.ends_with(seed::ON_FAILURE_QUEUE),
        "{destination}"
    );
}

/// Alarms: some in ALARM, with a reason.
async fn alarms_fire_with_a_reason(e: &Emulator) {
    let alarms = e
        .cloudwatch
        .describe_alarms()
        .state_value(StateValue::Alarm)
        .send()
        .await
        .expect("DescribeAlarms");
    let firing: Vec<_> = alarms
        .metric_alarms()
        .iter()
        .filter_map(|a| a.alarm_name())
        .collect();
    assert!(
        firing.contains(&"payments-webhook-errors"),
        "firing: {firing:?}"
    );
    assert!(
        firing.iter().any(|n| n.ends_with("-dlq-not-empty")),
        "firing: {firing:?}"
    );
    assert!(alarms.metric_alarms().iter().all(|a| {
        a.state_reason()
            .is_some_and(|r| r.starts_with("Threshold Crossed"))
    }));
}

/// Queues: the DLQ (redrive target of the source queue) and the on-failure records.
async fn queues_hold_failures(e: &Emulator) {
    let dlq = queue_url(e, seed::DLQ).await;
    assert!(depth(e, &dlq).await >= 20);
    let sources = e
        .sqs
        .list_dead_letter_source_queues()
        .queue_url(&dlq)
        .send()
        .await
        .expect("ListDeadLetterSourceQueues");
    assert!(
        sources
            .queue_urls()
            .iter()
            .any(|u| u.ends_with(seed::SOURCE_QUEUE))
    );
    let failures = queue_url(e, seed::ON_FAILURE_QUEUE).await;
    assert!(depth(e, &failures).await >= 10);
    let received = e
        .sqs
        .receive_message()
        .queue_url(&failures)
        .max_number_of_messages(1)
        .visibility_timeout(0)
        .send()
        .await
        .expect("ReceiveMessage");
    let record: serde_json::Value =
        serde_json::from_str(received.messages()[0].body().expect("body")).expect("JSON record");
    assert_eq!(record["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(record["responseContext"]["functionError"], "Unhandled");
    assert!(record["responsePayload"]["errorMessage"].is_string());
}

/// Logs: history with platform lines, in streams named like Lambda's.
async fn logs_have_history(e: &Emulator) {
    let events = e
        .logs
        .filter_log_events()
        .log_group_name("/aws/lambda/orders-api")
        .limit(200)
        .send()
        .await
        .expect("FilterLogEvents");
    let messages: Vec<&str> = events.events().iter().filter_map(|e| e.message()).collect();
    assert!(!messages.is_empty(), "no log events");
    assert!(messages.iter().any(|m| m.starts_with("REPORT RequestId: ")));
    let streams = e
        .logs
        .describe_log_streams()
        .log_group_name("/aws/lambda/orders-api")
        .send()
        .await
        .expect("DescribeLogStreams");
    assert!(
        streams
            .log_streams()
            .iter()
            .filter_map(|s| s.log_stream_name())
            .all(|n| n.len() == "2026/11/21/[3]".len() + 32 && n.contains("/[3]")),
        "stream names"
    );
    let custom = e
        .logs
        .filter_log_events()
        .log_group_name("/platform/audit-log-shipper")
        .limit(5)
        .send()
        .await
        .expect("FilterLogEvents on the custom group");
    assert!(!custom.events().is_empty());
}

/// Metrics: three hours of Invocations.
async fn metrics_cover_three_hours(e: &Emulator) {
    let now = chrono::Utc::now();
    let stats = e
        .cloudwatch
        .get_metric_statistics()
        .namespace("AWS/Lambda")
        .metric_name("Invocations")
        .dimensions(
            aws_sdk_cloudwatch::types::Dimension::builder()
                .name("FunctionName")
                .value("orders-api")
                .build(),
        )
        .start_time(aws_smithy_types::DateTime::from_secs(
            now.timestamp() - 3 * 3600 - 60,
        ))
        .end_time(aws_smithy_types::DateTime::from_secs(now.timestamp()))
        .period(3600)
        .statistics(aws_sdk_cloudwatch::types::Statistic::Sum)
        .send()
        .await
        .expect("GetMetricStatistics");
    let total: f64 = stats
        .datapoints()
        .iter()
        .filter_map(aws_sdk_cloudwatch::types::Datapoint::sum)
        .sum();
    assert!(total > 1000.0, "orders-api invocations over 3 h: {total}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_demo_builds_a_believable_account() {
    let e = seed::connect(&endpoint(), REGION).await;
    let started = std::time::Instant::now();
    let summary = seed::seed_demo(&e).await.expect("seed_demo");
    eprintln!(
        "seed_demo took {:.1} s: {summary:?}",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(summary.functions.len(), seed::FUNCTIONS.len());

    functions_are_many_and_varied(&e).await;
    aliases_and_wiring_are_set(&e).await;
    alarms_fire_with_a_reason(&e).await;
    queues_hold_failures(&e).await;
    logs_have_history(&e).await;
    metrics_cover_three_hours(&e).await;

    // A second run is harmless and leaves the functions alone.
    let again = seed::seed_demo(&e).await.expect("second seed_demo");
    assert_eq!(again.already_existed.len(), seed::FUNCTIONS.len());
    assert_eq!(again.log_events, 0);

    // Traffic: a few ticks write fresh log lines.
    let mut state = seed::TrafficState::default();
    let mut written = 0;
    let mut invocations = 0;
    for i in 0..3 {
        let now = chrono::Utc::now() + chrono::Duration::seconds(i);
        let tick = seed::traffic_tick(&e, &mut state, now)
            .await
            .expect("traffic_tick");
        written += tick.log_events;
        invocations += tick.invocations;
    }
    // About 5 a second at the model's rates (a Poisson count: one second may have fewer).
    assert!(invocations >= 3, "{invocations} invocations in 3 s");
    assert!(written > 0);
}
