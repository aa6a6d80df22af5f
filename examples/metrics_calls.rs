//! GetMetricData calls per refresh of the functions pane's metric columns, counted by lambdash's own
//! `ApiCounter`, for 10, 100 and 1000 functions × 4 series (Invocations, Errors, Throttles Sums and
//! Duration p99). Run against an emulator (moto refuses percentiles, so the first refresh pays one
//! refused probe):
//!
//! ```sh
//! AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
//!   cargo run --release --example metrics_calls -- http://127.0.0.1:PORT
//! ```

use std::time::{Duration, Instant};

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use chrono::Utc;
use lambdash::aws::{Clients, ConnectOptions};
use lambdash::domain::metrics::{PercentileSupport, SeriesKey, period_for, row_series};

const REGION: &str = "ca-central-1";
const OP: &str = "CloudWatch.GetMetricData";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let endpoint = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("LAMBDASH_TEST_ENDPOINT").ok())
        .ok_or("usage: metrics_calls ENDPOINT (or set LAMBDASH_TEST_ENDPOINT)")?;
    let e = lambdash::seed::connect(&endpoint, REGION).await;
    let started = Instant::now();
    let names = lambdash::seed::seed_functions(&e, "bench-metrics", 1000, 8).await?;
    eprintln!("seeded 1000 functions in {:.1?}", started.elapsed());
    // One Duration datapoint per function: moto only refuses percentiles over series that have data.
    let minute = aws_smithy_types::DateTime::from_secs(Utc::now().timestamp() / 60 * 60 - 300);
    let data: Vec<MetricDatum> = names
        .iter()
        .map(|f| {
            MetricDatum::builder()
                .metric_name("Duration")
                .dimensions(Dimension::builder().name("FunctionName").value(f).build())
                .timestamp(minute)
                .value(120.0)
                .unit(StandardUnit::Milliseconds)
                .build()
        })
        .collect();
    for chunk in data.chunks(50) {
        e.cloudwatch
            .put_metric_data()
            .namespace("AWS/Lambda")
            .set_metric_data(Some(chunk.to_vec()))
            .send()
            .await?;
    }
    let clients = Clients::connect(&ConnectOptions {
        region: Some(REGION.to_string()),
        endpoint_url: Some(endpoint),
        ..ConnectOptions::default()
    })
    .await?;
    let range = Duration::from_hours(1);
    println!(
        "| functions | series | first refresh (calls) | next refreshes (calls) | ⌈series/500⌉ | next refresh time |"
    );
    println!("|---:|---:|---:|---:|---:|---:|");
    for n in [10, 100, 1000] {
        let series: Vec<SeriesKey> = names[..n].iter().flat_map(|f| row_series(f)).collect();
        let support = PercentileSupport::default();
        let count = || clients.calls.by_operation().get(OP).copied().unwrap_or(0);
        let before = count();
        clients
            .get_metrics(&series, range, period_for(range), Utc::now(), &support)
            .await?;
        let first = count() - before;
        let before = count();
        let t = Instant::now();
        clients
            .get_metrics(&series, range, period_for(range), Utc::now(), &support)
            .await?;
        let elapsed = t.elapsed();
        let next = count() - before;
        println!(
            "| {n} | {} | {first} | {next} | {} | {:.0?} |",
            series.len(),
            series.len().div_ceil(500),
            elapsed
        );
    }
    Ok(())
}
