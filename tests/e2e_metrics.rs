//! End-to-end: `lambdash metrics` and `lambdash cost` against the emulator. Two functions are created
//! with `seed_functions`, known AWS/Lambda datapoints are published with PutMetricData, and the real
//! binary must return exactly the expected sums, averages and dollars — with the percentiles the
//! emulator refuses reported as unavailable, never as 0.
//!
//! Needs `LAMBDASH_TEST_ENDPOINT` (a running moto); `./scripts/test` starts one and sets it. Uses its
//! own region and a per-run function prefix, so reruns against the same emulator stay exact.

#![allow(clippy::unwrap_used)]

use std::process::{Command, Output, Stdio};

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit, StatisticSet};
use chrono::{DateTime, TimeDelta, Timelike, Utc};
use lambdash::seed::{self, Emulator};
use serde_json::Value;

const REGION: &str = "us-east-2";

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator \
             (or `scripts/moto start` and export LAMBDASH_TEST_ENDPOINT=<the URL it prints>)"
        )
    })
}

fn lambdash(endpoint: &str, home: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdash"))
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_STATE_HOME", home.join("state"))
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .stdin(Stdio::null())
        .output()
        .expect("run lambdash")
}

fn json_of(out: &Output, what: &str) -> Value {
    assert!(
        out.status.success(),
        "{what} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn datum(function: &str, name: &str, t: DateTime<Utc>, value: f64) -> MetricDatum {
    MetricDatum::builder()
        .metric_name(name)
        .dimensions(
            Dimension::builder()
                .name("FunctionName")
                .value(function)
                .build(),
        )
        .timestamp(aws_smithy_types::DateTime::from_secs(t.timestamp()))
        .value(value)
        .unit(StandardUnit::Count)
        .build()
}

fn duration(function: &str, t: DateTime<Utc>, n: f64, sum: f64, max: f64) -> MetricDatum {
    MetricDatum::builder()
        .metric_name("Duration")
        .dimensions(
            Dimension::builder()
                .name("FunctionName")
                .value(function)
                .build(),
        )
        .timestamp(aws_smithy_types::DateTime::from_secs(t.timestamp()))
        .statistic_values(
            StatisticSet::builder()
                .sample_count(n)
                .sum(sum)
                .minimum(10.0)
                .maximum(max)
                .build(),
        )
        .unit(StandardUnit::Milliseconds)
        .build()
}

async fn put(e: &Emulator, data: Vec<MetricDatum>) {
    for chunk in data.chunks(50) {
        e.cloudwatch
            .put_metric_data()
            .namespace("AWS/Lambda")
            .set_metric_data(Some(chunk.to_vec()))
            .send()
            .await
            .unwrap();
    }
}

fn total<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["totals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap_or_else(|| panic!("no total {name}: {doc}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12_f64.max(b.abs() * 1e-9)
}

/// `lambdash metrics --json` of the x86 function: exact totals, percentiles unavailable (never 0), the
/// invocations series from `oldest` on.
fn assert_metrics_doc(doc: &Value, x86: &str, oldest: chrono::DateTime<Utc>) {
    assert_eq!(doc["function"], x86);
    assert_eq!(doc["period_s"], 60);
    assert_eq!(doc["range_s"], 3600);
    assert_eq!(total(doc, "invocations")["value"], 550.0);
    assert_eq!(total(doc, "errors")["value"], 5.0);
    assert!(close(
        total(doc, "error_pct")["value"].as_f64().unwrap(),
        5.0 / 550.0 * 100.0
    ));
    assert_eq!(total(doc, "throttles")["value"], 0.0);
    assert_eq!(total(doc, "duration_avg_ms")["value"], 100.0);
    assert_eq!(total(doc, "duration_max_ms")["value"], 210.0);
    assert_eq!(total(doc, "concurrent_executions_max")["value"], 10.0);
    // The emulator refuses percentiles: reported as unavailable, never as 0.
    assert_eq!(doc["percentiles_unavailable"], true);
    for p in ["duration_p50_ms", "duration_p90_ms", "duration_p99_ms"] {
        let t = total(doc, p);
        assert!(t["value"].is_null(), "{p}: {t}");
        assert!(
            t["missing"].as_str().unwrap().starts_with("unavailable"),
            "{t}"
        );
    }
    let series = doc["series"].as_array().unwrap();
    let inv = series
        .iter()
        .find(|s| s["metric"] == "Invocations" && s["statistic"] == "Sum")
        .unwrap();
    assert_eq!(inv["status"], "ok");
    assert_eq!(inv["period_s"], 60);
    let values: Vec<f64> = inv["values"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(
        values,
        (1..=10)
            .rev()
            .map(|k| 10.0 * f64::from(k))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        inv["timestamps"][0],
        oldest.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let p99 = series.iter().find(|s| s["statistic"] == "p99").unwrap();
    assert_eq!(p99["status"], "percentiles_unavailable");
    assert_eq!(
        doc["get_metric_data_calls"], 2,
        "the refused probe and its retry"
    );
}

/// `lambdash cost --json`: both functions costed exactly, sorted by cost, the total their sum.
fn assert_cost_doc(doc: &Value, x86: &str, arm: &str) {
    let rows = doc["functions"].as_array().unwrap();
    let row = |name: &str| {
        rows.iter()
            .find(|r| r["function"] == name)
            .unwrap_or_else(|| panic!("{name} missing: {doc}"))
    };
    let (rx, ra) = (row(x86), row(arm));
    assert_eq!(rx["architecture"], "x86_64");
    assert_eq!(ra["architecture"], "arm64");
    assert_eq!(
        (rx["memory_mb"].clone(), ra["memory_mb"].clone()),
        (128.into(), 128.into())
    );
    assert_eq!(rx["invocations"], 550.0);
    assert_eq!(ra["invocations"], 100.0);
    // x86: 55 s × 0.125 GB = 6.875 GB-s × $0.0000166667; 550 requests × $0.20/M.
    let f = |r: &Value, k: &str| r[k].as_f64().unwrap();
    assert!(close(f(rx, "gb_seconds"), 6.875));
    assert!(close(f(rx, "duration_cost_usd"), 6.875 * 0.000_016_666_7));
    assert!(close(f(rx, "request_cost_usd"), 550.0 * 0.2 / 1e6));
    let x_total = 6.875 * 0.000_016_666_7 + 550.0 * 0.2 / 1e6;
    assert!(close(f(rx, "total_usd"), x_total), "{rx}");
    assert!(close(f(rx, "projected_monthly_usd"), x_total * 720.0));
    // arm64: 25 s × 0.125 GB = 3.125 GB-s × $0.0000133334; 100 requests.
    let a_total = 3.125 * 0.000_013_333_4 + 100.0 * 0.2 / 1e6;
    assert!(close(f(ra, "gb_seconds"), 3.125));
    assert!(close(f(ra, "total_usd"), a_total), "{ra}");
    assert!(close(f(ra, "projected_monthly_usd"), a_total * 720.0));
    // Sorted by cost, and the total is the sum of the rows.
    let totals: Vec<f64> = rows.iter().map(|r| f(r, "total_usd")).collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    assert!(close(f(&doc["total"], "total_usd"), totals.iter().sum()));
    assert!(
        doc["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("estimate, lower bound")
    );
    assert_eq!(doc["estimate"], "lower bound");
    assert!(doc["get_metric_data_calls"].as_u64().unwrap() >= 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_and_cost_return_exact_sums_averages_and_dollars() {
    let url = endpoint();
    let e = seed::connect(&url, REGION).await;
    let prefix = format!("mx{}", Utc::now().timestamp_millis() % 100_000_000);
    let names = seed::seed_functions(&e, &prefix, 2, 2).await.unwrap();
    // seed_functions: #0 is python3.12 x86_64 128 MB, #1 python3.13 arm64 128 MB.
    let (x86, arm) = (names[0].clone(), names[1].clone());
    let minute = Utc::now()
        .with_second(0)
        .unwrap()
        .with_nanosecond(0)
        .unwrap();
    let at = |k: i64| minute - TimeDelta::minutes(5 + k);

    // x86: minutes 1..=10 with 10·k invocations (550), 1 error in minutes 1..=5 (5), 100 ms each
    // (Σ 55,000 ms), max 200 + k (210), concurrency k (max 10).
    let mut data = Vec::new();
    for k in 1..=10 {
        let inv = 10.0 * k as f64;
        data.push(datum(&x86, "Invocations", at(k), inv));
        data.push(datum(&x86, "Errors", at(k), if k <= 5 { 1.0 } else { 0.0 }));
        data.push(datum(&x86, "ConcurrentExecutions", at(k), k as f64));
        data.push(duration(&x86, at(k), inv, inv * 100.0, 200.0 + k as f64));
    }
    // arm64: 5 minutes × 20 invocations (100), 250 ms each (Σ 25,000 ms), one throttle.
    for k in 1..=5 {
        data.push(datum(&arm, "Invocations", at(k), 20.0));
        data.push(datum(&arm, "Errors", at(k), 0.0));
        data.push(duration(&arm, at(k), 20.0, 5000.0, 400.0));
    }
    data.push(datum(&arm, "Throttles", at(2), 1.0));
    put(&e, data).await;

    let home = tempfile::tempdir().unwrap();
    let out = lambdash(
        &url,
        home.path(),
        &["metrics", &x86, "--since", "1h", "--json"],
    );
    let doc = json_of(&out, "lambdash metrics");
    assert_metrics_doc(&doc, &x86, at(10));

    let out = lambdash(&url, home.path(), &["cost", "--since", "1h", "--json"]);
    let doc = json_of(&out, "lambdash cost");
    assert_cost_doc(&doc, &x86, &arm);
}

#[test]
fn unknown_function_and_bad_duration_exit_2() {
    let url = endpoint();
    let home = tempfile::tempdir().unwrap();
    let out = lambdash(
        &url,
        home.path(),
        &["metrics", "no-such-function-xyz", "--json"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("function no-such-function-xyz not found in "),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = lambdash(&url, home.path(), &["cost", "--since", "soon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid duration"));
    let out = lambdash(&url, home.path(), &["metrics", "f", "--since", "10s"]);
    assert_eq!(out.status.code(), Some(2));
}
