//! The fault proxy itself: each injected fault has the shape the SDK and lambdash's error classifier
//! recognise (throttling in the JSON, query and REST-JSON protocols, 5xx, resets), so the soak tests fail
//! for the right reasons. Region af-south-1 of the shared emulator.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use lambdash::aws::{AwsError, classify};
use support::fault_proxy::{FaultProxy, Faults, Protocol};
use support::{Home, describe, shared_endpoint};

const REGION: &str = "af-south-1";

#[test]
fn fault_specs_parse_and_refuse_nonsense() {
    let f = Faults::parse("throttle=0.3,5xx=0.1,reset=0.05,latency=2s").unwrap();
    assert_eq!(f, Faults::soak());
    assert_eq!(Faults::parse("none").unwrap(), Faults::NONE);
    assert_eq!(
        Faults::parse("latency=250ms").unwrap().latency,
        Duration::from_millis(250)
    );
    for bad in [
        "throttle=2",
        "throttle",
        "latency=2",
        "teleport=0.1",
        "throttle=0.6,5xx=0.6",
    ] {
        assert!(Faults::parse(bad).is_err(), "{bad} should be refused");
    }
}

/// Every SDK protocol lambdash uses, through a proxy that throttles everything: each call ends as
/// `AwsError::Throttled`, after the SDK retried (so it read the answer as a throttling error too).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_has_each_protocols_shape() {
    let proxy = FaultProxy::start(&shared_endpoint()).await.unwrap();
    proxy.set_faults(Faults {
        throttle: 1.0,
        ..Faults::NONE
    });
    let sdk = lambdash::seed::connect(&proxy.url(), REGION).await;
    // Short backoff: the default retry policy (3 attempts) with a fast initial backoff.
    let retry = aws_config::retry::RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(10));
    let conf = sdk.sdk.to_builder().retry_config(retry).build();

    let lambda = aws_sdk_lambda::Client::new(&conf);
    let err = lambda.list_functions().send().await.unwrap_err();
    let e = classify(&err, "ListFunctions", "default");
    assert!(e.is_throttling(), "Lambda (restJson, 429): {e:?}");

    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let err = logs.describe_log_groups().send().await.unwrap_err();
    let e = classify(&err, "DescribeLogGroups", "default");
    assert!(e.is_throttling(), "Logs (awsJson 1.1): {e:?}");

    let sqs = aws_sdk_sqs::Client::new(&conf);
    let err = sqs.list_queues().send().await.unwrap_err();
    let e = classify(&err, "ListQueues", "default");
    assert!(e.is_throttling(), "SQS (awsJson 1.0): {e:?}");

    let cloudwatch = aws_sdk_cloudwatch::Client::new(&conf);
    let err = cloudwatch.describe_alarms().send().await.unwrap_err();
    let e = classify(&err, "DescribeAlarms", "default");
    assert!(e.is_throttling(), "CloudWatch (awsQuery): {e:?}");

    let sts = aws_sdk_sts::Client::new(&conf);
    let err = sts.get_caller_identity().send().await.unwrap_err();
    let e = classify(&err, "GetCallerIdentity", "default");
    assert!(e.is_throttling(), "STS (awsQuery): {e:?}");

    let stats = proxy.stats();
    assert_eq!(stats.throttled, 15, "5 calls × 3 attempts: {stats:?}");
    assert_eq!(stats.forwarded, 0, "{stats:?}");
    let protocols: Vec<Protocol> = proxy.recorded().iter().map(|r| r.protocol).collect();
    for p in [Protocol::RestJson, Protocol::AwsJson, Protocol::AwsQuery] {
        assert!(protocols.contains(&p), "{p:?} not seen: {protocols:?}");
    }
}

/// 5xx answers carry an AWS code (so they are not mistaken for "not supported here") and are retried;
/// resets are retried and end as a network error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_and_resets_are_retried_and_classified() {
    let proxy = FaultProxy::start(&shared_endpoint()).await.unwrap();
    let sdk = lambdash::seed::connect(&proxy.url(), REGION).await;
    let retry = aws_config::retry::RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(10));
    let conf = sdk.sdk.to_builder().retry_config(retry).build();
    let lambda = aws_sdk_lambda::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);

    proxy.set_faults(Faults {
        server_error: 1.0,
        ..Faults::NONE
    });
    let err = lambda.list_functions().send().await.unwrap_err();
    let e = classify(&err, "ListFunctions", "default");
    assert!(
        matches!(&e, AwsError::Service { code, .. } if code == "ServiceUnavailable" || code == "InternalServerError"),
        "{e:?}"
    );
    assert!(!e.is_unsupported(), "a 5xx with a code is transient: {e:?}");
    let err = logs.describe_log_groups().send().await.unwrap_err();
    let e = classify(&err, "DescribeLogGroups", "default");
    assert!(matches!(&e, AwsError::Service { .. }), "{e:?}");
    assert_eq!(proxy.stats().server_errors, 6, "{:?}", proxy.stats());

    proxy.reset_stats();
    proxy.set_faults(Faults {
        reset: 1.0,
        ..Faults::NONE
    });
    let err = lambda.list_functions().send().await.unwrap_err();
    let e = classify(&err, "ListFunctions", "default");
    assert!(matches!(&e, AwsError::Network { .. }), "{e:?}");
    assert_eq!(proxy.stats().resets, 3, "{:?}", proxy.stats());

    // Faults off: the same clients work again, through the same proxy.
    proxy.set_faults(Faults::NONE);
    lambda.list_functions().send().await.unwrap();
    logs.describe_log_groups().send().await.unwrap();
}

/// The added latency delays answers; a transparent proxy changes nothing else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn latency_delays_and_records_what_passed() {
    let proxy = FaultProxy::start(&shared_endpoint()).await.unwrap();
    proxy.set_faults(Faults {
        latency: Duration::from_millis(700),
        ..Faults::NONE
    });
    let sdk = lambdash::seed::connect(&proxy.url(), REGION).await;
    let started = std::time::Instant::now();
    aws_sdk_sts::Client::new(&sdk.sdk)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(700));
    let ops: Vec<String> = proxy
        .recorded()
        .iter()
        .map(support::fault_proxy::Recorded::operation)
        .collect();
    assert_eq!(ops, ["GetCallerIdentity"]);
    assert_eq!(proxy.stats().delayed, 1);
}

/// The real binary through the proxy: lambdash's own retry policy (4 attempts, no long sleeps) and
/// its message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lambdash_says_throttled_after_its_retries() {
    let proxy = FaultProxy::start(&shared_endpoint()).await.unwrap();
    proxy.set_faults(Faults {
        throttle: 1.0,
        ..Faults::NONE
    });
    let home = Home::new();
    let url = proxy.url();
    let started = std::time::Instant::now();
    let out = tokio::task::spawn_blocking(move || {
        let out = home.run(&url, REGION, &["functions"]);
        drop(home);
        out
    })
    .await
    .unwrap();
    // Retry Behavior 2.0's adaptive limiter slept ~20 s before each retry after a throttle (56 s here).
    let took = started.elapsed();
    assert!(took < Duration::from_secs(25), "gave up after {took:?}");
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("throttled by AWS (ListFunctions)"),
        "{}",
        describe(&out)
    );
    assert_eq!(stderr.lines().count(), 1, "one line: {}", describe(&out));
    assert_eq!(proxy.stats().throttled, 4, "{:?}", proxy.stats());
}
