//! `lambdash dlq` against the emulator: discovery (on-failure destinations, source-queue redrive
//! policies), peek, redrive to the source queue / a function / a FIFO queue, dry run, read-only, purge,
//! and at-least-once under SIGKILL.
//!
//! moto quirk: a queue with an event source mapping is consumed by moto itself (it invokes the function
//! and deletes the messages), so messages are counted in queues without a mapping.
#![allow(clippy::unwrap_used)]

#[path = "support/clients.rs"]
mod clients;

use std::collections::{BTreeMap, HashMap};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_sqs::types::{MessageAttributeValue, QueueAttributeName, SendMessageBatchRequestEntry};

const REGION: &str = "eu-south-1";

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT")
        .expect("LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator")
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_lambdash"));
        c.args(args)
            .env("AWS_ENDPOINT_URL", endpoint())
            .env("AWS_REGION", REGION)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("XDG_STATE_HOME", self.dir.path())
            .env("XDG_CACHE_HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path())
            .env("LAMBDASH_AUDIT_LOG", self.dir.path().join("audit.jsonl"))
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn audit(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn uniq(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        fastrand::u32(1000..9999)
    )
}

async fn emu() -> lambdash::seed::Emulator {
    lambdash::seed::connect(&endpoint(), REGION).await
}

async fn create_queue(
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

async fn depth(e: &lambdash::seed::Emulator, url: &str) -> (u64, u64) {
    let out = e
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .unwrap();
    let a = out.attributes().unwrap();
    let n = |k: &QueueAttributeName| a.get(k).map_or(0, |v| v.parse().unwrap());
    (
        n(&QueueAttributeName::ApproximateNumberOfMessages),
        n(&QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
    )
}

fn attr(v: &str) -> MessageAttributeValue {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(v)
        .build()
        .unwrap()
}

/// Sends `count` messages whose bodies carry a unique id (`{"id":"<tag>-<i>"}`) and a `seq` attribute.
async fn fill(e: &lambdash::seed::Emulator, url: &str, tag: &str, count: usize, fifo: bool) {
    for chunk in (0..count).collect::<Vec<_>>().chunks(10) {
        let entries: Vec<_> = chunk
            .iter()
            .map(|i| {
                let mut b = SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(format!(r#"{{"id":"{tag}-{i}","n":{i}}}"#))
                    .message_attributes("seq", attr(&i.to_string()))
                    .message_attributes("origin", attr("e2e"));
                if fifo {
                    b = b
                        .message_group_id(format!("group-{}", i % 3))
                        .message_deduplication_id(format!("{tag}-{i}"));
                }
                b.build().unwrap()
            })
            .collect();
        let out = e
            .sqs
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .unwrap();
        assert!(out.failed().is_empty(), "{:?}", out.failed());
    }
}

/// Body id → (times seen, message attributes, group id).
type Seen = HashMap<String, (usize, BTreeMap<String, String>, Option<String>)>;

/// Receives (and deletes) everything visible in a queue: body id → (count, attributes, group id).
async fn drain_all(e: &lambdash::seed::Emulator, url: &str) -> Seen {
    let mut seen: Seen = HashMap::new();
    let mut empties = 0;
    while empties < 2 {
        let out = e
            .sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .visibility_timeout(60)
            .message_attribute_names("All")
            .message_system_attribute_names(aws_sdk_sqs::types::MessageSystemAttributeName::All)
            .send()
            .await
            .unwrap();
        if out.messages().is_empty() {
            empties += 1;
            continue;
        }
        empties = 0;
        for m in out.messages() {
            let body: serde_json::Value = serde_json::from_str(m.body().unwrap()).unwrap();
            let id = body["id"].as_str().unwrap().to_string();
            let attrs: BTreeMap<String, String> = m
                .message_attributes()
                .map(|a| {
                    a.iter()
                        .map(|(k, v)| (k.clone(), v.string_value().unwrap_or_default().to_string()))
                        .collect()
                })
                .unwrap_or_default();
            let group = m
                .attributes()
                .and_then(|a| {
                    a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::MessageGroupId)
                })
                .cloned();
            let entry = seen.entry(id).or_insert((0, attrs, group));
            entry.0 += 1;
            e.sqs
                .delete_message()
                .queue_url(url)
                .receipt_handle(m.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    seen
}

/// Discovery asks for on-failure destinations only of functions invoked asynchronously, which it
/// learns from `AWS/Lambda AsyncEventsReceived`: Lambda publishes it, moto does not, so a test whose
/// function was "invoked asynchronously" publishes it. (A function with no async event has no failed
/// async event to send anywhere.)
async fn invoked_asynchronously(e: &lambdash::seed::Emulator, function: &str) {
    e.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .metric_data(
            aws_sdk_cloudwatch::types::MetricDatum::builder()
                .metric_name("AsyncEventsReceived")
                .dimensions(
                    aws_sdk_cloudwatch::types::Dimension::builder()
                        .name("FunctionName")
                        .value(function)
                        .build(),
                )
                .value(3.0)
                .unit(aws_sdk_cloudwatch::types::StandardUnit::Count)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// A DLQ with a source queue (RedrivePolicy) that has NO event source mapping (moto would consume it).
async fn dlq_with_source(
    e: &lambdash::seed::Emulator,
    tag: &str,
) -> ((String, String), (String, String)) {
    let dlq = create_queue(e, &format!("{tag}-dlq"), &[]).await;
    let policy =
        serde_json::json!({"deadLetterTargetArn": dlq.1, "maxReceiveCount": 3}).to_string();
    let source = create_queue(
        e,
        &format!("{tag}-src"),
        &[(QueueAttributeName::RedrivePolicy, policy)],
    )
    .await;
    (dlq, source)
}

#[tokio::test(flavor = "multi_thread")]
async fn discovery_finds_on_failure_destinations_and_source_queue_redrive_policies() {
    let e = emu().await;
    let tag = uniq("disc");
    let names = lambdash::seed::seed_functions(&e, &tag, 2, 2)
        .await
        .unwrap();
    let (async_fn, sqs_fn) = (&names[0], &names[1]);
    // kind 2: async on-failure destination
    let failures = create_queue(&e, &format!("{tag}-failures"), &[]).await;
    e.lambda
        .put_function_event_invoke_config()
        .function_name(async_fn)
        .destination_config(
            aws_sdk_lambda::types::DestinationConfig::builder()
                .on_failure(
                    aws_sdk_lambda::types::OnFailure::builder()
                        .destination(&failures.1)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    // kind 3: the SQS source's redrive policy (the mapping's queue holds no messages)
    let (dlq, source) = dlq_with_source(&e, &tag).await;
    e.lambda
        .create_event_source_mapping()
        .function_name(sqs_fn)
        .event_source_arn(&source.1)
        .batch_size(10)
        .send()
        .await
        .unwrap();
    fill(&e, &failures.0, &tag, 3, false).await;
    invoked_asynchronously(&e, async_fn).await;

    let env = Env::new();
    let out = env.run(&["dlq", "list", "--json"]);
    ok(&out);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let find = |arn: &str| {
        list.iter()
            .find(|d| d["queue_arn"] == arn)
            .unwrap_or_else(|| panic!("{arn} not discovered in {list:#?}"))
    };
    let f = find(&failures.1);
    assert_eq!(f["kind"], "async_on_failure_destination");
    assert_eq!(f["functions"], serde_json::json!([async_fn]));
    assert_eq!(f["queue_url"], failures.0.as_str());
    assert_eq!(f["visible"], 3);
    assert_eq!(f["in_flight"], 0);
    assert_eq!(f["delayed"], 0);
    assert!(f["oldest_age_s"].is_null(), "moto has no SQS metrics");
    // …and says so, instead of a bare null.
    assert!(
        f["oldest_age_unavailable_reason"]
            .as_str()
            .unwrap()
            .contains("no AWS/SQS ApproximateAgeOfOldestMessage datapoint"),
        "{f:#}"
    );
    let d = find(&dlq.1);
    assert_eq!(d["kind"], "source_queue_redrive_policy");
    assert_eq!(d["functions"], serde_json::json!([sqs_fn]));
    assert_eq!(d["source_queue_arn"], source.1.as_str());
    assert_eq!(d["visible"], 0);
    assert_eq!(d["oldest_age_unavailable_reason"], "the queue is empty");

    // The table prints `-` and says why on stderr.
    let out = env.run(&["dlq", "list", "--function", async_fn]);
    ok(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let row = stdout
        .lines()
        .find(|l| l.starts_with(&format!("{tag}-failures")))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(row.split_whitespace().any(|w| w == "-"), "{row}");
    assert!(
        stderr.contains(&format!("note: OLDEST is - for {tag}-failures: no AWS/SQS")),
        "{stderr}"
    );

    // --function narrows; an unknown function is bad input
    let out = env.run(&["dlq", "list", "--function", sqs_fn, "--json"]);
    ok(&out);
    let only: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0]["queue_arn"], dlq.1.as_str());
    let out = env.run(&["dlq", "list", "--function", "no-such-function-xyz"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: function no-such-function-xyz not found in "),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn peek_leaves_the_depth_unchanged_and_shows_attributes() {
    let e = emu().await;
    let tag = uniq("peek");
    let (dlq, _) = dlq_with_source(&e, &tag).await;
    fill(&e, &dlq.0, &tag, 15, false).await;
    let env = Env::new();
    let out = env.run(&["dlq", "peek", &format!("{tag}-dlq"), "-n", "12", "--json"]);
    ok(&out);
    let messages: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!messages.is_empty() && messages.len() <= 12);
    assert_eq!(
        messages[0]["message_attributes"]["origin"]["string_value"],
        "e2e"
    );
    assert!(messages[0]["attributes"]["SentTimestamp"].is_string());
    assert!(messages[0].get("receipt_handle").is_none());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ApproximateReceiveCount"));
    assert_eq!(depth(&e, &dlq.0).await, (15, 0), "released at once");
    // unknown queue → 2
    let out = env.run(&["dlq", "peek", "no-such-queue-xyz"]);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn redrive_of_1000_messages_to_the_source_queue_preserves_bodies_and_attributes() {
    let e = emu().await;
    let tag = uniq("r1k");
    let (dlq, source) = dlq_with_source(&e, &tag).await;
    fill(&e, &dlq.0, &tag, 1000, false).await;
    let env = Env::new();

    // dry run: nothing changes (not even receive counts: nothing is received)
    let out = env.run(&["dlq", "redrive", &dlq.0, "--dry-run", "--json"]);
    ok(&out);
    let dry: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["moved"], 0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("at-least-once"));
    assert_eq!(depth(&e, &dlq.0).await, (1000, 0));
    assert_eq!(depth(&e, &source.0).await, (0, 0));

    // without --yes and without a terminal: refused
    let out = env.run(&["dlq", "redrive", &dlq.0]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(depth(&e, &dlq.0).await, (1000, 0));

    let started = Instant::now();
    let out = env.run(&[
        "dlq", "redrive", &dlq.0, "--to", "source", "--yes", "--json",
    ]);
    let took = started.elapsed();
    ok(&out);
    eprintln!("redrive of 1000 messages took {took:?}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["moved"], 1000, "{summary}");
    assert_eq!(summary["remaining"], 0);
    assert_eq!(summary["failed"], serde_json::json!([]));
    assert_eq!(summary["method"], "manual_move");
    assert!(
        summary["fallback"]
            .as_str()
            .unwrap()
            .contains("not supported by this endpoint"),
        "the move-task fallback is said: {summary}"
    );
    assert_eq!(depth(&e, &dlq.0).await, (0, 0));
    let arrived = drain_all(&e, &source.0).await;
    assert_eq!(arrived.len(), 1000);
    for i in 0..1000 {
        let (count, attrs, _) = &arrived[&format!("{tag}-{i}")];
        assert_eq!(*count, 1);
        assert_eq!(attrs["seq"], i.to_string());
        assert_eq!(attrs["origin"], "e2e");
    }
    let audit = env.audit();
    let phases: Vec<&str> = audit
        .iter()
        .map(|a| a["detail"]["phase"].as_str().unwrap())
        .collect();
    assert_eq!(phases, ["started", "finished"]);
    assert_eq!(audit[1]["action"], "dlq.redrive");
    assert_eq!(audit[1]["region"], REGION);
    assert_eq!(audit[1]["detail"]["moved"], 1000);
}

#[tokio::test(flavor = "multi_thread")]
async fn redrive_to_the_function_reinvokes_each_destination_record() {
    let e = emu().await;
    let tag = uniq("reinv");
    let names = lambdash::seed::seed_functions(&e, &tag, 1, 1)
        .await
        .unwrap();
    let function = &names[0];
    let failures = create_queue(&e, &format!("{tag}-failures"), &[]).await;
    e.lambda
        .put_function_event_invoke_config()
        .function_name(function)
        .destination_config(
            aws_sdk_lambda::types::DestinationConfig::builder()
                .on_failure(
                    aws_sdk_lambda::types::OnFailure::builder()
                        .destination(&failures.1)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let records: Vec<String> = (0..25)
        .map(|i| {
            serde_json::json!({
                "version": "1.0",
                "requestContext": {"requestId": format!("r-{i}"), "condition": "RetriesExhausted", "approximateInvokeCount": 3},
                "requestPayload": {"id": format!("{tag}-{i}")},
                "responsePayload": {"errorType": "Boom", "errorMessage": "boom"}
            })
            .to_string()
        })
        .collect();
    for r in &records {
        e.sqs
            .send_message()
            .queue_url(&failures.0)
            .message_body(r)
            .send()
            .await
            .unwrap();
    }
    // The records above are failed async invocations: the function was invoked asynchronously.
    invoked_asynchronously(&e, function).await;
    // one message that is not a record: it cannot be re-invoked and stays
    e.sqs
        .send_message()
        .queue_url(&failures.0)
        .message_body("not a record")
        .send()
        .await
        .unwrap();
    let env = Env::new();
    let out = env.run(&[
        "dlq",
        "redrive",
        &failures.0,
        "--to",
        "function",
        "--yes",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "one failure → exit 1");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["method"], "reinvoke");
    assert_eq!(summary["to"], function.as_str());
    assert_eq!(summary["moved"], 25, "{summary}");
    assert_eq!(summary["failed"].as_array().unwrap().len(), 1);
    assert!(
        summary["failed"][0]["error"]
            .as_str()
            .unwrap()
            .contains("not a Lambda destination record")
    );
    assert_eq!(
        depth(&e, &failures.0).await,
        (1, 0),
        "the failure stays, released"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn fifo_manual_move_keeps_the_group_id() {
    let e = emu().await;
    let tag = uniq("fifo");
    let fifo = [(QueueAttributeName::FifoQueue, "true".to_string())];
    let dlq = create_queue(&e, &format!("{tag}-dlq.fifo"), &fifo).await;
    let dest = create_queue(&e, &format!("{tag}-dest.fifo"), &fifo).await;
    let standard = create_queue(&e, &format!("{tag}-std"), &[]).await;
    fill(&e, &dlq.0, &tag, 30, true).await;
    let env = Env::new();
    // FIFO → standard is refused as bad input
    let out = env.run(&["dlq", "redrive", &dlq.0, "--to", &standard.0, "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("FIFO"));
    let out = env.run(&["dlq", "redrive", &dlq.0, "--to", &dest.0, "--yes", "--json"]);
    ok(&out);
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["moved"], 30, "{summary}");
    let arrived = drain_all(&e, &dest.0).await;
    assert_eq!(arrived.len(), 30);
    for i in 0..30 {
        let (count, attrs, group) = &arrived[&format!("{tag}-{i}")];
        assert_eq!(*count, 1);
        assert_eq!(attrs["seq"], i.to_string());
        assert_eq!(group.as_deref(), Some(format!("group-{}", i % 3).as_str()));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn read_only_and_purge_confirmation_change_nothing() {
    let e = emu().await;
    let tag = uniq("ro");
    let (dlq, source) = dlq_with_source(&e, &tag).await;
    fill(&e, &dlq.0, &tag, 20, false).await;
    let env = Env::new();
    for args in [
        vec!["--read-only", "dlq", "redrive", &dlq.0, "--yes"],
        vec!["--read-only", "dlq", "purge", &dlq.0, "--yes"],
        vec!["--read-only", "dlq", "delete", &dlq.0, "some-id", "--yes"],
    ] {
        let out = env.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    }
    // reads and dry runs are fine under --read-only
    ok(&env.run(&["--read-only", "dlq", "peek", &dlq.0, "-n", "3"]));
    ok(&env.run(&["--read-only", "dlq", "redrive", &dlq.0, "--dry-run"]));
    assert_eq!(depth(&e, &dlq.0).await, (20, 0));
    assert_eq!(depth(&e, &source.0).await, (0, 0));
    assert!(env.audit().is_empty(), "nothing attempted, nothing audited");

    // purge needs --yes without a terminal
    let out = env.run(&["dlq", "purge", &dlq.0]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(depth(&e, &dlq.0).await, (20, 0));
    ok(&env.run(&["dlq", "purge", &dlq.0, "--yes"]));
    assert_eq!(depth(&e, &dlq.0).await, (0, 0));
    let audit = env.audit();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["action"], "dlq.purge");
    assert_eq!(audit[0]["detail"]["visible_before"], 20);
    // unknown queue → 2
    let out = env.run(&["dlq", "purge", "no-such-queue-xyz", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread")]
async fn delete_removes_only_the_chosen_messages() {
    let e = emu().await;
    let tag = uniq("del");
    let (dlq, _) = dlq_with_source(&e, &tag).await;
    fill(&e, &dlq.0, &tag, 12, false).await;
    let env = Env::new();
    let out = env.run(&["dlq", "peek", &dlq.0, "-n", "2", "--json"]);
    ok(&out);
    let peeked: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = peeked
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    let mut args = vec!["dlq", "delete", &dlq.0];
    args.extend(ids.iter().copied());
    args.push("--yes");
    ok(&env.run(&args));
    assert_eq!(depth(&e, &dlq.0).await, (12 - ids.len() as u64, 0));
    assert_eq!(env.audit()[0]["action"], "dlq.delete");
}

/// Kills `lambdash dlq redrive` at several moments, then proves every message is in the DLQ or the
/// destination (duplicates allowed and counted, losses never).
#[tokio::test(flavor = "multi_thread")]
async fn sigkill_during_redrive_never_loses_a_message() {
    const COUNT: usize = 400;
    let e = emu().await;
    let tag = uniq("kill");
    let dlq = create_queue(&e, &format!("{tag}-dlq"), &[]).await;
    let dest = create_queue(&e, &format!("{tag}-dest"), &[]).await;
    fill(&e, &dlq.0, &tag, COUNT, false).await;
    let env = Env::new();
    let started_lines = |env: &Env| {
        env.audit()
            .iter()
            .filter(|a| a["detail"]["phase"] == "started")
            .count()
    };
    // Each run is killed at a different moment of its move: after its `started` audit line (what
    // precedes it — planning, the failing-target check — takes longer on a loaded machine).
    for (run, after_ms) in [0, 150, 400, 800, 1300].into_iter().enumerate() {
        let mut child = env
            .command(&[
                "dlq", "redrive", &dlq.0, "--to", &dest.0, "--rate", "100", "--yes",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let waited = std::time::Instant::now();
        while started_lines(&env) <= run && waited.elapsed() < Duration::from_mins(1) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(after_ms)).await;
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    // Messages received by a killed run are invisible until their visibility timeout (30 s) ends.
    tokio::time::sleep(Duration::from_secs(31)).await;
    let in_dlq = drain_all(&e, &dlq.0).await;
    let in_dest = drain_all(&e, &dest.0).await;
    let mut duplicates = 0;
    for i in 0..COUNT {
        let id = format!("{tag}-{i}");
        let n = in_dlq.get(&id).map_or(0, |x| x.0) + in_dest.get(&id).map_or(0, |x| x.0);
        assert!(n >= 1, "{id} was lost");
        duplicates += n - 1;
    }
    eprintln!(
        "after 5 kills: {} in the destination, {} still in the DLQ, {duplicates} duplicate(s)",
        in_dest.len(),
        in_dlq.len()
    );
    assert!(!in_dest.is_empty(), "the killed runs moved something");
    let started = started_lines(&env);
    assert_eq!(
        started, 5,
        "every run killed after it started left its started line"
    );
}

/// The TUI's DLQ poller reads the topology rarely and the depths often: a depth pass against the
/// emulator costs one GetQueueAttributes a queue and one GetMetricData, and nothing from Lambda.
#[tokio::test(flavor = "multi_thread")]
async fn depth_pass_costs_one_call_a_queue_and_one_for_the_ages() {
    let e = emu().await;
    let tag = uniq("cost");
    let names = lambdash::seed::seed_functions(&e, &tag, 2, 2)
        .await
        .unwrap();
    for (i, f) in names.iter().enumerate() {
        let q = create_queue(&e, &format!("{tag}-failures-{i}"), &[]).await;
        e.lambda
            .put_function_event_invoke_config()
            .function_name(f)
            .destination_config(
                aws_sdk_lambda::types::DestinationConfig::builder()
                    .on_failure(
                        aws_sdk_lambda::types::OnFailure::builder()
                            .destination(&q.1)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .unwrap();
        if i == 0 {
            fill(&e, &q.0, &tag, 2, false).await;
        }
    }
    // The TUI's clients count every call with this interceptor (the status-bar figure).
    let counter = lambdash::aws::ApiCounter::default();
    let c = clients::counted(&e, &counter);
    let mut found = c.discover_dlqs(Some(&names)).await.unwrap();
    assert_eq!(found.dlqs.len(), 2, "{found:#?}");
    assert_eq!(found.scanned.len(), 2);
    assert!(found.scanned.iter().all(|f| f.event_invoke_config));
    let topology = counter.by_operation();
    // 3 Lambda calls a function (configuration, invoke config, mappings), 2 SQS calls a queue.
    assert_eq!(topology.get("Lambda.GetFunctionConfiguration"), Some(&2));
    assert_eq!(topology.get("SQS.GetQueueUrl"), Some(&2));

    let before = counter.total();
    let errors = c.refresh_dlq_depths(&mut found.dlqs).await.unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let after = counter.by_operation();
    let delta =
        |op: &str| after.get(op).copied().unwrap_or(0) - topology.get(op).copied().unwrap_or(0);
    assert_eq!(delta("SQS.GetQueueAttributes"), 2);
    assert_eq!(
        delta("CloudWatch.GetMetricData"),
        1,
        "one request for every queue's age"
    );
    assert_eq!(counter.total() - before, 3, "{after:?}");
    let full = found.dlqs.iter().find(|d| d.visible == 2).unwrap();
    assert_eq!(
        full.age_unavailable,
        Some(lambdash::domain::dlq::AgeUnavailable::NoDatapoint)
    );
}
