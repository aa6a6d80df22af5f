//! `lambdash dlq` safety against the emulator: a peek shows each message's receive count against the
//! queue's own maxReceiveCount and warns before the next receive would move a message on (and SQS does
//! move it); `dlq redrive` runs at 10 msg/s unless told otherwise, and its dry run says when the target
//! function is failing now.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output, Stdio};

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_sdk_sqs::types::QueueAttributeName;

/// A region no other test uses (dlq_discovery_calls counts the calls of its own).
const REGION: &str = "eu-south-2";

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT")
        .expect("LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator")
}

fn lambdash(home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdash"))
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("XDG_STATE_HOME", home)
        .env("XDG_CACHE_HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("LAMBDASH_AUDIT_LOG", home.join("audit.jsonl"))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(out: &Output) -> (String, String) {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn uniq(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        fastrand::u32(1000..9999)
    )
}

/// Creates a queue (with attributes) and returns (url, arn).
async fn queue(
    e: &lambdash::seed::Emulator,
    name: &str,
    attrs: &[(QueueAttributeName, String)],
) -> (String, String) {
    let mut req = e.sqs.create_queue().queue_name(name);
    for (k, v) in attrs {
        req = req.attributes(k.clone(), v);
    }
    let url = req.send().await.unwrap().queue_url().unwrap().to_string();
    let arn = e
        .sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()[&QueueAttributeName::QueueArn]
        .clone();
    (url, arn)
}

async fn visible(e: &lambdash::seed::Emulator, url: &str) -> u64 {
    let out = e
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .unwrap();
    out.attributes().unwrap()[&QueueAttributeName::ApproximateNumberOfMessages]
        .parse()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_peek_counts_receives_against_max_receive_count_and_warns_before_the_move() {
    let e = lambdash::seed::connect(&endpoint(), REGION).await;
    let tag = uniq("peeklimit");
    // The DLQ has a DLQ of its own after 2 receives.
    let last = queue(&e, &format!("{tag}-dlq-dlq"), &[]).await;
    let policy = serde_json::json!({"deadLetterTargetArn": last.1, "maxReceiveCount": "2"});
    let dlq = queue(
        &e,
        &format!("{tag}-dlq"),
        &[(QueueAttributeName::RedrivePolicy, policy.to_string())],
    )
    .await;
    e.sqs
        .send_message()
        .queue_url(&dlq.0)
        .message_body("{\"order\":1}")
        .send()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let peek = |home: &std::path::Path| {
        lambdash(home, &["--read-only", "dlq", "peek", &format!("{tag}-dlq")])
    };

    let (out, err) = text(&peek(home.path()));
    assert!(out.contains("receives   1/2 (maxReceiveCount)"), "{out}");
    assert!(
        err.contains(&format!(
            "each peek counts as a receive towards maxReceiveCount 2 (then SQS moves the message to {tag}-dlq-dlq)"
        )),
        "{err}"
    );
    assert!(!err.contains("warning:"), "{err}");

    let (out, err) = text(&peek(home.path()));
    assert!(
        out.contains(&format!(
            "receives   2/2 (its next receive moves it to {tag}-dlq-dlq)"
        )),
        "{out}"
    );
    assert!(
        err.contains("warning: 1 peeked message has been received 2 times (maxReceiveCount 2)"),
        "{err}"
    );

    // The warning was true: the next peek's receive moves the message on, and it sees nothing.
    let (out, _) = text(&peek(home.path()));
    assert!(!out.contains("receives"), "{out}");
    assert_eq!(visible(&e, &last.0).await, 1, "moved to the DLQ's own DLQ");
}

#[tokio::test(flavor = "multi_thread")]
async fn redrive_defaults_to_10_per_second_and_warns_when_the_target_is_failing_now() {
    let e = lambdash::seed::connect(&endpoint(), REGION).await;
    let tag = uniq("safe");
    let dlq = queue(&e, &format!("{tag}-dlq"), &[]).await;
    e.sqs
        .send_message()
        .queue_url(&dlq.0)
        .message_body("{\"order\":1}")
        .send()
        .await
        .unwrap();
    // The target function failed 43 of 100 invocations a few minutes ago.
    let function = format!("{tag}-fn");
    let at = DateTime::from_secs(chrono::Utc::now().timestamp() - 300);
    let datum = |metric: &str, value: f64| {
        MetricDatum::builder()
            .metric_name(metric)
            .dimensions(
                Dimension::builder()
                    .name("FunctionName")
                    .value(&function)
                    .build(),
            )
            .timestamp(at)
            .value(value)
            .unit(StandardUnit::Count)
            .build()
    };
    e.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .metric_data(datum("Invocations", 100.0))
        .metric_data(datum("Errors", 43.0))
        .send()
        .await
        .unwrap();
    let home = tempfile::tempdir().unwrap();
    let args = [
        "dlq",
        "redrive",
        &dlq.0,
        "--to",
        "function",
        "--function",
        &function,
        "--dry-run",
    ];
    let (_, err) = text(&lambdash(home.path(), &args));
    assert!(err.contains("at most 10 message(s)/s"), "{err}");
    assert!(
        err.contains(&format!(
            "warning: {function} is failing 43 % now; redriving 1 message will likely send it back here"
        )),
        "{err}"
    );
    let mut unlimited = args.to_vec();
    unlimited.extend(["--rate", "unlimited"]);
    let (_, err) = text(&lambdash(home.path(), &unlimited));
    assert!(!err.contains("message(s)/s"), "{err}");
    assert!(err.contains("--rate unlimited"), "{err}");
    let out = lambdash(home.path(), &[&args[..], &["--rate", "0"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(visible(&e, &dlq.0).await, 1, "a dry run changes nothing");
}
