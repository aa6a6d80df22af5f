//! The DLQ topology scan costs O(pages) Lambda control-plane calls, not O(functions), counted with the
//! TUI's own `ApiCounter` against the emulator on 60 functions; a rescan of an unchanged account costs
//! a handful; a new function is asked about and a removed one drops out; `lambdash dlq list` keeps the
//! topology in a private cache file and says how old it is.
//!
//! moto quirks (see ../shared/EMULATOR.md): it never publishes `AWS/Lambda AsyncEventsReceived` (the
//! test publishes it, as Lambda does for functions invoked asynchronously), drops `DeadLetterConfig`
//! (covered by tests/dlq_mock.rs), never moves `LastModified` on UpdateFunctionConfiguration (the
//! changed-function case is the unit test of `plan_invoke_configs`), and answers every listing in one
//! page, so "pages" is 1 here.
#![allow(clippy::unwrap_used)]

#[path = "support/clients.rs"]
mod clients;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_sdk_lambda::types::{DestinationConfig, OnFailure};
use aws_sdk_sqs::types::QueueAttributeName;
use clients::counted;
use lambdash::aws::ApiCounter;
use lambdash::aws::dlq::ScanInputs;
use lambdash::domain::dlq::DlqKind;

/// A region no other test seeds: the counts below are of this test's functions only.
const REGION: &str = "ap-southeast-3";
const PREFIX: &str = "calls";
const N: usize = 60;
/// Functions with an on-failure destination and async events: discovered.
const ASYNC_WITH_DESTINATION: std::ops::Range<usize> = 0..4;
/// Functions with an on-failure destination and no async event: not asked, not discovered.
const IDLE_WITH_DESTINATION: std::ops::Range<usize> = 4..6;
/// Functions with async events and no EventInvokeConfig: asked, nothing found.
const ASYNC_WITHOUT_CONFIG: std::ops::Range<usize> = 10..20;
/// Functions reading from one SQS source queue with a redrive policy.
const SQS_READERS: std::ops::Range<usize> = 20..23;

/// The tests change the same region (the first one adds and removes a function): one at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT")
        .expect("LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator")
}

fn name(i: usize) -> String {
    format!("{PREFIX}-{i:04}")
}

async fn queue(e: &lambdash::seed::Emulator, name: &str, redrive_to: Option<&str>) -> String {
    let mut req = e.sqs.create_queue().queue_name(name);
    if let Some(dlq) = redrive_to {
        let policy = serde_json::json!({"deadLetterTargetArn": dlq, "maxReceiveCount": 3});
        req = req.attributes(QueueAttributeName::RedrivePolicy, policy.to_string());
    }
    let url = req.send().await.unwrap().queue_url().unwrap().to_string();
    e.sqs
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap()
        .attributes()
        .unwrap()[&QueueAttributeName::QueueArn]
        .clone()
}

/// `AsyncEventsReceived` for a function, as Lambda publishes it when the function is invoked
/// asynchronously (moto does not).
fn async_events(function: &str) -> MetricDatum {
    MetricDatum::builder()
        .metric_name("AsyncEventsReceived")
        .dimensions(
            Dimension::builder()
                .name("FunctionName")
                .value(function)
                .build(),
        )
        .timestamp(aws_smithy_types::DateTime::from_secs(
            chrono::Utc::now().timestamp() - 600,
        ))
        .value(5.0)
        .unit(StandardUnit::Count)
        .build()
}

/// Seeds the account once (idempotent: a rerun on the same emulator changes nothing). Returns the
/// on-failure queue's ARN and the source queue's DLQ ARN.
async fn seed(e: &lambdash::seed::Emulator) -> (String, String) {
    lambdash::seed::seed_functions(e, PREFIX, N, 8)
        .await
        .unwrap();
    let failures = queue(e, &format!("{PREFIX}-failures"), None).await;
    let src_dlq = queue(e, &format!("{PREFIX}-src-dlq"), None).await;
    let src = queue(e, &format!("{PREFIX}-src"), Some(&src_dlq)).await;
    for i in ASYNC_WITH_DESTINATION.chain(IDLE_WITH_DESTINATION) {
        e.lambda
            .put_function_event_invoke_config()
            .function_name(name(i))
            .destination_config(
                DestinationConfig::builder()
                    .on_failure(OnFailure::builder().destination(&failures).build())
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }
    let data: Vec<MetricDatum> = ASYNC_WITH_DESTINATION
        .chain(ASYNC_WITHOUT_CONFIG)
        .map(|i| async_events(&name(i)))
        .collect();
    e.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap();
    for i in SQS_READERS {
        let existing = e
            .lambda
            .list_event_source_mappings()
            .function_name(name(i))
            .send()
            .await
            .unwrap();
        if existing.event_source_mappings().is_empty() {
            e.lambda
                .create_event_source_mapping()
                .function_name(name(i))
                .event_source_arn(&src)
                .batch_size(10)
                .send()
                .await
                .unwrap();
        }
    }
    (failures, src_dlq)
}

/// The Lambda control-plane calls between two snapshots of the counter, per operation.
fn lambda_delta(
    before: &BTreeMap<String, u64>,
    after: &BTreeMap<String, u64>,
) -> BTreeMap<String, u64> {
    after
        .iter()
        .filter(|(op, _)| op.starts_with("Lambda."))
        .map(|(op, n)| (op.clone(), n - before.get(op).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect()
}

/// What the scan found: the on-failure destination of the functions invoked asynchronously, and the
/// source queue's DLQ with its readers.
async fn assert_discovered(
    c: &lambdash::aws::Clients,
    topology: &lambdash::domain::dlq::topology::Topology,
    failures: &str,
    src_dlq: &str,
) {
    let found = c.discovery_from(topology.clone()).await;
    let by_arn = |arn: &str| found.dlqs.iter().find(|d| d.queue_arn == arn);
    let f = by_arn(failures).expect("on-failure destination found");
    assert_eq!(f.kind, DlqKind::AsyncOnFailureDestination);
    let expected: Vec<String> = ASYNC_WITH_DESTINATION.map(name).collect();
    assert_eq!(
        f.functions, expected,
        "functions never invoked asynchronously are not asked"
    );
    let d = by_arn(src_dlq).expect("source queue DLQ found");
    assert_eq!(d.kind, DlqKind::SourceQueueRedrivePolicy);
    assert_eq!(d.functions, SQS_READERS.map(name).collect::<Vec<_>>());
}

#[tokio::test(flavor = "multi_thread")]
async fn topology_scan_costs_pages_plus_async_functions_and_a_rescan_a_handful() {
    let _one = ONE_AT_A_TIME.lock().await;
    let e = lambdash::seed::connect(&endpoint(), REGION).await;
    let (failures, src_dlq) = seed(&e).await;
    // A function from an earlier run of this test on the same emulator is removed first.
    let extra = name(N);
    let _ = e
        .lambda
        .delete_function()
        .function_name(&extra)
        .send()
        .await;
    let counter = ApiCounter::default();
    let c = counted(&e, &counter);
    let scope = "test".to_string();

    let topology = c
        .scan_topology(ScanInputs {
            scope: scope.clone(),
            ..ScanInputs::default()
        })
        .await
        .unwrap();
    let full = lambda_delta(&BTreeMap::new(), &counter.by_operation());
    let pages = full["Lambda.ListFunctions"] + full["Lambda.ListEventSourceMappings"];
    let async_functions = (ASYNC_WITH_DESTINATION.len() + ASYNC_WITHOUT_CONFIG.len()) as u64;
    let total: u64 = full.values().sum();
    eprintln!("full scan of {N} functions: {full:?}");
    assert!(
        total <= pages + async_functions,
        "{total} Lambda calls for {N} functions: {full:?}"
    );
    assert_eq!(
        full.get("Lambda.GetFunctionConfiguration"),
        None,
        "{full:?}"
    );
    assert_eq!(
        full["Lambda.GetFunctionEventInvokeConfig"], async_functions,
        "only functions with AsyncEventsReceived are asked"
    );
    assert_eq!(
        full["Lambda.ListEventSourceMappings"], 1,
        "one account-wide page"
    );
    assert_eq!(topology.functions.len(), N, "{:?}", topology.errors);
    assert!(topology.errors.is_empty(), "{:?}", topology.errors);
    let sqs = counter.by_operation();
    assert_eq!(
        sqs["SQS.GetQueueUrl"], 1,
        "the source queue's redrive policy, read once for 3 readers"
    );

    assert_discovered(&c, &topology, &failures, &src_dlq).await;

    // An unchanged account: the pages, and nothing per function.
    let before = counter.by_operation();
    let again = c
        .scan_topology(ScanInputs {
            previous: Some(&topology),
            scope: scope.clone(),
            ..ScanInputs::default()
        })
        .await
        .unwrap();
    let rescan = lambda_delta(&before, &counter.by_operation());
    eprintln!("rescan of an unchanged account: {rescan:?}");
    assert!(rescan.values().sum::<u64>() <= 3, "{rescan:?}");
    assert_eq!(rescan.get("Lambda.GetFunctionEventInvokeConfig"), None);
    assert_eq!(again.functions, topology.functions);

    // A new async function is asked about; a removed one drops out.
    lambdash::seed::seed_functions(&e, PREFIX, N + 1, 1)
        .await
        .unwrap();
    e.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .metric_data(async_events(&extra))
        .send()
        .await
        .unwrap();
    let gone = name(N - 1);
    e.lambda
        .delete_function()
        .function_name(&gone)
        .send()
        .await
        .unwrap();
    let before = counter.by_operation();
    let third = c
        .scan_topology(ScanInputs {
            previous: Some(&again),
            scope,
            ..ScanInputs::default()
        })
        .await
        .unwrap();
    let delta = lambda_delta(&before, &counter.by_operation());
    assert_eq!(delta["Lambda.GetFunctionEventInvokeConfig"], 1, "{delta:?}");
    assert!(third.functions.contains_key(&extra));
    assert!(!third.functions.contains_key(&gone));
    // Restore the seeded account for the next run.
    lambdash::seed::seed_functions(&e, PREFIX, N, 1)
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn dlq_list_keeps_the_topology_in_a_private_cache_and_says_its_age() {
    use std::os::unix::fs::PermissionsExt as _;
    let _one = ONE_AT_A_TIME.lock().await;
    let e = lambdash::seed::connect(&endpoint(), REGION).await;
    let (failures, _) = seed(&e).await;
    let home = tempfile::tempdir().unwrap();
    let run = |json: bool| {
        let mut args = vec!["dlq", "list"];
        if json {
            args.push("--json");
        }
        let out = Command::new(env!("CARGO_BIN_EXE_lambdash"))
            .args(&args)
            .env("AWS_ENDPOINT_URL", endpoint())
            .env("AWS_REGION", REGION)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("XDG_STATE_HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        out
    };
    let first = run(false);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.contains("DLQ topology scanned in full"), "{stderr}");
    let dir = home.path().join("cache").join("lambdash");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|f| f.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_string_lossy().to_string();
    assert!(
        name.starts_with(&format!("topology-123456789012-{REGION}-")),
        "{name}"
    );
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&files[0]), 0o600);
    assert_eq!(mode(&dir), 0o700);

    let second = run(true);
    let list: Vec<serde_json::Value> = serde_json::from_slice(&second.stdout).unwrap();
    let f = list
        .iter()
        .find(|d| d["queue_arn"] == failures.as_str())
        .unwrap_or_else(|| panic!("{list:#?}"));
    assert!(f["topology_cache_age_s"].as_u64().is_some(), "{f:#}");
    let third = run(false);
    let stderr = String::from_utf8_lossy(&third.stderr);
    assert!(
        stderr.contains("DLQ topology updated from the cache of"),
        "{stderr}"
    );
    // A corrupt cache is ignored and rewritten.
    std::fs::write(&files[0], "{").unwrap();
    let fourth = run(false);
    let stderr = String::from_utf8_lossy(&fourth.stderr);
    assert!(stderr.contains("scanned in full"), "{stderr}");
}
