//! End-to-end: `lambdash alarms` against the emulator. Alarms are created with PutMetricAlarm, flipped
//! with SetAlarmState, listed, filtered, muted and unmuted through the real binary, and read back
//! through the SDK; every write leaves a line in the audit log, and read-only mode refuses before
//! sending anything.
//!
//! Needs `LAMBDASH_TEST_ENDPOINT` (a running moto); `./scripts/test` starts one and sets it. Uses its
//! own regions, and each test its own alarm-name prefix, so tests can share the emulator and run in
//! parallel.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, StateValue, Statistic};
use lambdash::audit::{self, Outcome};
use lambdash::aws::{ReadOnlyGuard, alarms};
use lambdash::domain::alarm::AlarmState;
use lambdash::seed::{self, Emulator};
use serde_json::Value;

const REGION: &str = "us-west-2";
/// The header-count test needs a region where nobody else flips alarms.
const COUNT_REGION: &str = "eu-south-1";

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator \
             (or `scripts/moto start` and export LAMBDASH_TEST_ENDPOINT=<the URL it prints>)"
        )
    })
}

/// One alarm to create; `dims` are `(name, value)`.
struct Spec<'a> {
    name: &'a str,
    namespace: &'a str,
    metric: &'a str,
    dims: Vec<(&'a str, &'a str)>,
    state: StateValue,
    reason: &'a str,
}

impl<'a> Spec<'a> {
    fn lambda_errors(name: &'a str, function: &'a str, state: StateValue) -> Self {
        Self {
            name,
            namespace: "AWS/Lambda",
            metric: "Errors",
            dims: vec![("FunctionName", function)],
            state,
            reason: "Threshold Crossed: 3 out of the last 5 datapoints were greater than or equal to the threshold (5.0).",
        }
    }
}

/// PutMetricAlarm (moto starts alarms in OK, actions enabled), then SetAlarmState unless OK is wanted
/// with the default reason.
async fn put_alarm(e: &Emulator, spec: &Spec<'_>) {
    let mut put = e
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(spec.name)
        .alarm_description(format!("{} test alarm", spec.name))
        .namespace(spec.namespace)
        .metric_name(spec.metric)
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(5)
        .datapoints_to_alarm(3)
        .threshold(5.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .actions_enabled(true)
        .alarm_actions(format!(
            "arn:aws:sns:{}:{}:oncall",
            e.region,
            seed::ACCOUNT_ID
        ));
    for (k, v) in &spec.dims {
        put = put.dimensions(Dimension::builder().name(*k).value(*v).build());
    }
    put.send().await.unwrap();
    e.cloudwatch
        .set_alarm_state()
        .alarm_name(spec.name)
        .state_value(spec.state.clone())
        .state_reason(spec.reason)
        .send()
        .await
        .unwrap();
}

/// `actions_enabled` of each alarm, read through the SDK (not through lambdash).
async fn actions_enabled(e: &Emulator, names: &[&str]) -> Vec<bool> {
    let out = e
        .cloudwatch
        .describe_alarms()
        .set_alarm_names(Some(names.iter().map(ToString::to_string).collect()))
        .send()
        .await
        .unwrap();
    names
        .iter()
        .map(|n| {
            out.metric_alarms()
                .iter()
                .find(|a| a.alarm_name() == Some(n))
                .unwrap_or_else(|| panic!("{n} not found"))
                .actions_enabled()
                .unwrap()
        })
        .collect()
}

/// Runs the real binary against the emulator with a clean environment; the audit log and the state
/// and config directories live in `home`.
fn lambdash(endpoint: &str, home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdash"))
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env(audit::AUDIT_LOG_ENV, home.join("audit.jsonl"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .expect("run lambdash")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({}): {}",
        out.status,
        stderr(out)
    );
}

/// The alarms listed by `--json` whose names start with `prefix`, in the order printed.
fn listed(out: &Output, prefix: &str) -> Vec<Value> {
    success(out, "lambdash alarms");
    let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
        panic!(
            "stdout is not a JSON array ({err}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    all.into_iter()
        .filter(|a| a["name"].as_str().unwrap().starts_with(prefix))
        .collect()
}

fn names(alarms: &[Value]) -> Vec<&str> {
    alarms.iter().map(|a| a["name"].as_str().unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alarms_json_lists_documented_fields_with_firing_alarms_first() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let home = tempfile::tempdir().unwrap();
    put_alarm(
        &e,
        &Spec::lambda_errors("list-b-ok", "list-fn", StateValue::Ok),
    )
    .await;
    put_alarm(
        &e,
        &Spec::lambda_errors("list-c-firing", "list-fn", StateValue::Alarm),
    )
    .await;
    put_alarm(
        &e,
        &Spec {
            name: "list-a-dlq",
            namespace: "AWS/SQS",
            metric: "ApproximateNumberOfMessagesVisible",
            dims: vec![("QueueName", "list-dlq")],
            state: StateValue::InsufficientData,
            reason: "Insufficient Data: 1 datapoint was unknown.",
        },
    )
    .await;

    let out = lambdash(&endpoint, home.path(), &["alarms", "--json"]);
    let alarms = listed(&out, "list-");
    assert_eq!(
        names(&alarms),
        ["list-c-firing", "list-a-dlq", "list-b-ok"],
        "ALARM, then INSUFFICIENT_DATA, then OK"
    );
    let firing = &alarms[0];
    assert_eq!(firing["state"], "ALARM");
    assert_eq!(
        firing["reason"],
        "Threshold Crossed: 3 out of the last 5 datapoints were greater than or equal to the threshold (5.0)."
    );
    assert_eq!(firing["metric"], "Errors");
    assert_eq!(firing["namespace"], "AWS/Lambda");
    assert_eq!(
        firing["dimensions"],
        serde_json::json!({"FunctionName": "list-fn"})
    );
    assert_eq!(firing["threshold"], 5.0);
    assert_eq!(firing["comparison"], "GreaterThanOrEqualToThreshold");
    assert_eq!(firing["actions_enabled"], true);
    let updated = firing["updated"]
        .as_str()
        .unwrap_or_else(|| panic!("no updated: {firing}"));
    let updated = chrono::DateTime::parse_from_rfc3339(updated)
        .unwrap_or_else(|err| panic!("updated {updated:?} is not RFC 3339: {err}"));
    let age = chrono::Utc::now().signed_duration_since(updated);
    assert!(
        age.num_minutes().abs() < 10,
        "updated {updated} is not recent"
    );
    let dlq = &alarms[1];
    assert_eq!(dlq["state"], "INSUFFICIENT_DATA");
    assert_eq!(dlq["namespace"], "AWS/SQS");
    assert_eq!(dlq["dimensions"]["QueueName"], "list-dlq");

    // The plain table: a header and one line per alarm.
    let out = lambdash(&endpoint, home.path(), &["alarms"]);
    success(&out, "lambdash alarms");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("STATE"), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("list-c-firing"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.starts_with("ALARM"), "{line}");
    assert!(
        line.contains("AWS/Lambda Errors FunctionName=list-fn"),
        "{line}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alarms_state_filter_lists_only_that_state() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let home = tempfile::tempdir().unwrap();
    put_alarm(
        &e,
        &Spec::lambda_errors("state-firing", "state-fn", StateValue::Alarm),
    )
    .await;
    put_alarm(
        &e,
        &Spec::lambda_errors("state-ok", "state-fn", StateValue::Ok),
    )
    .await;
    put_alarm(
        &e,
        &Spec::lambda_errors("state-unknown", "state-fn", StateValue::InsufficientData),
    )
    .await;

    for (flag, expected) in [
        ("ALARM", "state-firing"),
        ("OK", "state-ok"),
        ("insufficient_data", "state-unknown"),
    ] {
        let out = lambdash(
            &endpoint,
            home.path(),
            &["alarms", "--json", "--state", flag],
        );
        let all: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
        let want = flag.to_uppercase();
        assert!(
            all.iter().all(|a| a["state"] == want.as_str()),
            "--state {flag} listed another state: {all:?}"
        );
        assert_eq!(names(&listed(&out, "state-")), [expected], "--state {flag}");
    }

    // The flip is seen: OK → ALARM moves the alarm into `--state ALARM`.
    e.cloudwatch
        .set_alarm_state()
        .alarm_name("state-ok")
        .state_value(StateValue::Alarm)
        .state_reason("flipped by the test")
        .send()
        .await
        .unwrap();
    let out = lambdash(
        &endpoint,
        home.path(),
        &["alarms", "--json", "--state", "ALARM"],
    );
    let firing = listed(&out, "state-");
    let mut got = names(&firing);
    got.sort_unstable();
    assert_eq!(got, ["state-firing", "state-ok"]);
    let flipped = firing.iter().find(|a| a["name"] == "state-ok").unwrap();
    assert_eq!(flipped["reason"], "flipped by the test");

    let out = lambdash(&endpoint, home.path(), &["alarms", "--state", "FIRING"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alarms_function_filter_keeps_that_functions_alarms() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let home = tempfile::tempdir().unwrap();
    put_alarm(
        &e,
        &Spec::lambda_errors("func-orders-errors", "func-orders", StateValue::Ok),
    )
    .await;
    put_alarm(
        &e,
        &Spec::lambda_errors("func-orders-v2-errors", "func-orders-v2", StateValue::Alarm),
    )
    .await;
    put_alarm(
        &e,
        &Spec {
            name: "func-orders-live-throttles",
            namespace: "AWS/Lambda",
            metric: "Throttles",
            dims: vec![
                ("FunctionName", "func-orders"),
                ("Resource", "func-orders:live"),
            ],
            state: StateValue::Alarm,
            reason: "Threshold Crossed",
        },
    )
    .await;
    put_alarm(
        &e,
        &Spec {
            name: "func-queue-depth",
            namespace: "AWS/SQS",
            metric: "ApproximateNumberOfMessagesVisible",
            dims: vec![("QueueName", "func-orders")],
            state: StateValue::Alarm,
            reason: "Threshold Crossed",
        },
    )
    .await;

    let out = lambdash(
        &endpoint,
        home.path(),
        &["alarms", "--json", "--function", "func-orders"],
    );
    let alarms = listed(&out, "");
    assert_eq!(
        names(&alarms),
        ["func-orders-live-throttles", "func-orders-errors"],
        "only the function's alarms (not func-orders-v2's, not a queue that shares the name), firing first"
    );
    assert_eq!(alarms[0]["dimensions"]["Resource"], "func-orders:live");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_then_unmute_changes_actions_and_writes_the_audit_log() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let home = tempfile::tempdir().unwrap();
    let (a, b) = ("mute-orders-errors", "mute-billing-errors");
    put_alarm(
        &e,
        &Spec::lambda_errors(a, "mute-orders", StateValue::Alarm),
    )
    .await;
    put_alarm(&e, &Spec::lambda_errors(b, "mute-billing", StateValue::Ok)).await;
    assert_eq!(actions_enabled(&e, &[a, b]).await, [true, true]);

    let out = lambdash(&endpoint, home.path(), &["alarms", "mute", a, b, "--yes"]);
    success(&out, "alarms mute");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(a) && said.contains(b), "{said}");
    assert_eq!(actions_enabled(&e, &[a, b]).await, [false, false]);
    let listed_now = listed(
        &lambdash(&endpoint, home.path(), &["alarms", "--json"]),
        "mute-",
    );
    assert!(
        listed_now.iter().all(|x| x["actions_enabled"] == false),
        "{listed_now:?}"
    );

    let log = home.path().join("audit.jsonl");
    let entries = audit::read(&log).unwrap();
    assert_eq!(entries.len(), 2, "{entries:?}");
    for (entry, name) in entries.iter().zip([a, b]) {
        assert_eq!(entry.action, "alarm.disable_actions");
        assert_eq!(entry.target, name);
        assert_eq!(entry.region, REGION);
        assert_eq!(entry.profile, "default");
        assert_eq!(entry.outcome, Outcome::Ok);
        assert_eq!(entry.detail["actions_enabled"]["from"], true);
        assert_eq!(entry.detail["actions_enabled"]["to"], false);
        let age = chrono::Utc::now().signed_duration_since(entry.time);
        assert!(age.num_seconds() < 120, "{entry:?}");
    }
    assert_eq!(entries[0].detail["state"], "ALARM");

    // Muting again changes nothing and writes nothing.
    let out = lambdash(&endpoint, home.path(), &["alarms", "mute", a, "--yes"]);
    success(&out, "alarms mute (again)");
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to do"));
    assert_eq!(audit::read(&log).unwrap().len(), 2);

    let out = lambdash(&endpoint, home.path(), &["alarms", "unmute", a, b, "--yes"]);
    success(&out, "alarms unmute");
    assert_eq!(actions_enabled(&e, &[a, b]).await, [true, true]);
    let entries = audit::read(&log).unwrap();
    assert_eq!(entries.len(), 4, "the log was appended to, not rewritten");
    assert!(
        entries[2..]
            .iter()
            .all(|x| x.action == "alarm.enable_actions" && x.outcome == Outcome::Ok)
    );
    assert_eq!(entries[0].target, a, "earlier lines are kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_mute_before_calling_anything() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let home = tempfile::tempdir().unwrap();
    let name = "ro-orders-errors";
    put_alarm(
        &e,
        &Spec::lambda_errors(name, "ro-orders", StateValue::Alarm),
    )
    .await;

    let out = lambdash(
        &endpoint,
        home.path(),
        &["--read-only", "alarms", "mute", name, "--yes"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(actions_enabled(&e, &[name]).await, [true]);
    assert!(
        !home.path().join("audit.jsonl").exists(),
        "a refused write is not a write"
    );

    // No call at all: with an endpoint nobody listens on, the refusal is the same and immediate.
    let dead = "http://127.0.0.1:9";
    let out = lambdash(
        dead,
        home.path(),
        &["alarms", "unmute", name, "--yes", "--read-only"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));

    // read_only from the config file is the same refusal.
    let config = home.path().join("ro.toml");
    std::fs::write(&config, "read_only = true\n").unwrap();
    let out = lambdash(
        &endpoint,
        home.path(),
        &[
            "--config",
            config.to_str().unwrap(),
            "alarms",
            "mute",
            name,
            "--yes",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(actions_enabled(&e, &[name]).await, [true]);

    // Listing is a read: allowed.
    let out = lambdash(&endpoint, home.path(), &["--read-only", "alarms", "--json"]);
    assert_eq!(names(&listed(&out, "ro-")), [name]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_of_an_unknown_alarm_changes_nothing() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let home = tempfile::tempdir().unwrap();
    let name = "unknown-orders-errors";
    put_alarm(
        &e,
        &Spec::lambda_errors(name, "unknown-orders", StateValue::Ok),
    )
    .await;

    let out = lambdash(
        &endpoint,
        home.path(),
        &["alarms", "mute", name, "unknown-no-such-alarm", "--yes"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("unknown-no-such-alarm"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        actions_enabled(&e, &[name]).await,
        [true],
        "the known one is untouched too"
    );
    let log = home.path().join("audit.jsonl");
    assert!(!log.exists() || audit::read(&log).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_without_yes_or_a_terminal_is_refused() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let home = tempfile::tempdir().unwrap();
    let name = "noyes-orders-errors";
    put_alarm(
        &e,
        &Spec::lambda_errors(name, "noyes-orders", StateValue::Alarm),
    )
    .await;

    let out = lambdash(&endpoint, home.path(), &["alarms", "mute", name]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
    assert_eq!(actions_enabled(&e, &[name]).await, [true]);
}

/// A CloudWatch client like the ones `Clients::connect` builds, with the read-only guard on or off, on
/// the seed connection's static credentials.
fn cloudwatch(e: &Emulator, read_only: bool) -> aws_sdk_cloudwatch::Client {
    aws_sdk_cloudwatch::Client::from_conf(
        aws_sdk_cloudwatch::config::Builder::from(&e.sdk)
            .interceptor(ReadOnlyGuard::new(read_only))
            .build(),
    )
}

/// The library calls the TUI uses, against the emulator: the guard refuses the write at the SDK level
/// in read-only mode while reads pass, and the history the emulator does not have is reported as
/// unsupported, quickly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_guard_refuses_mute_and_history_is_unsupported_on_the_emulator() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let name = "lib-orders-errors";
    put_alarm(
        &e,
        &Spec::lambda_errors(name, "lib-orders", StateValue::Alarm),
    )
    .await;

    let ro = cloudwatch(&e, true);
    let err = alarms::set_alarm_actions(&ro, "default", &[name.to_string()], false)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    assert_eq!(actions_enabled(&e, &[name]).await, [true]);
    let found = alarms::describe_alarms_named(
        &ro,
        "default",
        &[name.to_string(), "lib-no-such-alarm".to_string()],
    )
    .await
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].name, name);
    assert_eq!(found[0].state, AlarmState::Alarm);

    let started = std::time::Instant::now();
    let err = alarms::alarm_history(&ro, "default", name)
        .await
        .unwrap_err();
    assert!(err.is_unsupported(), "{err:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "history took {:?} to fail",
        started.elapsed()
    );

    let rw = cloudwatch(&e, false);
    alarms::set_alarm_actions(&rw, "default", &[name.to_string()], false)
        .await
        .unwrap();
    assert_eq!(actions_enabled(&e, &[name]).await, [false]);
    alarms::set_alarm_actions(&rw, "default", &[name.to_string()], true)
        .await
        .unwrap();
    assert_eq!(actions_enabled(&e, &[name]).await, [true]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_in_alarm_counts_what_describe_alarms_lists() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, COUNT_REGION).await;
    for (i, state) in [StateValue::Alarm, StateValue::Ok, StateValue::Alarm]
        .into_iter()
        .enumerate()
    {
        let name = format!("count-{i}");
        put_alarm(&e, &Spec::lambda_errors(&name, "count-fn", state)).await;
    }
    let cw = cloudwatch(&e, true);
    let firing = alarms::describe_alarms(&cw, "default", Some(AlarmState::Alarm))
        .await
        .unwrap();
    assert!(firing.iter().all(|a| a.state == AlarmState::Alarm));
    let mut ours: Vec<&str> = firing
        .iter()
        .map(|a| a.name.as_str())
        .filter(|n| n.starts_with("count-"))
        .collect();
    ours.sort_unstable();
    assert_eq!(ours, ["count-0", "count-2"]);
    assert_eq!(
        alarms::count_in_alarm(&cw, "default").await.unwrap(),
        firing.len()
    );
    let all = alarms::describe_alarms(&cw, "default", None).await.unwrap();
    assert_eq!(lambdash::domain::alarm::count_firing(&all), firing.len());
}

/// An alarm whose description and state reason hold a raw ESC: moto writes it into DescribeAlarms'
/// XML as is, which XML 1.0 forbids and the SDK refused to parse, failing the whole list. lambdash
/// repairs the answer before the SDK reads it: every alarm is listed, that one with U+FFFD for the
/// ESC, and stderr says an answer was repaired.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_alarm_with_a_raw_escape_does_not_hide_the_other_alarms() {
    const HOSTILE_REGION: &str = "ap-east-1";
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, HOSTILE_REGION).await;
    let home = tempfile::tempdir().unwrap();
    put_alarm(
        &e,
        &Spec::lambda_errors("hostile-plain-errors", "hostile-plain", StateValue::Alarm),
    )
    .await;
    e.cloudwatch
        .put_metric_alarm()
        .alarm_name("hostile-esc-errors")
        .alarm_description("evil \u{1b}[31m description")
        .namespace("AWS/Lambda")
        .metric_name("Errors")
        .dimensions(
            Dimension::builder()
                .name("FunctionName")
                .value("hostile-esc")
                .build(),
        )
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(5)
        .threshold(5.0)
        .comparison_operator(ComparisonOperator::GreaterThanOrEqualToThreshold)
        .send()
        .await
        .unwrap();
    e.cloudwatch
        .set_alarm_state()
        .alarm_name("hostile-esc-errors")
        .state_value(StateValue::Alarm)
        .state_reason("Threshold Crossed \u{1b}[31m red")
        .send()
        .await
        .unwrap();

    let out = lambdash(
        &endpoint,
        home.path(),
        &["--region", HOSTILE_REGION, "alarms", "--json"],
    );
    let alarms = listed(&out, "hostile-");
    let mut shown = names(&alarms);
    shown.sort_unstable();
    assert_eq!(shown, ["hostile-esc-errors", "hostile-plain-errors"]);
    let hostile = alarms
        .iter()
        .find(|a| a["name"] == "hostile-esc-errors")
        .unwrap();
    let reason = hostile["reason"].as_str().unwrap();
    assert!(
        reason.contains('\u{FFFD}') && !reason.contains('\u{1b}'),
        "{reason:?}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("answer from DescribeAlarms carried characters it could not encode"),
        "{err}"
    );
}
