//! The calls of one full DLQ topology scan and of a rescan of the unchanged account, per operation, as
//! lambdash's own `ApiCounter` counts them. Read-only: it scans whatever account the environment points
//! at (the demo account, or a real one with `AWS_PROFILE`):
//!
//! ```sh
//! ./scripts/demo --no-tui      # prints the environment (AWS_ENDPOINT_URL, AWS_REGION, keys)
//! env AWS_ENDPOINT_URL=… AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
//!   cargo run --example dlq_topology_calls
//! ```

use std::collections::BTreeMap;
use std::time::Instant;

use lambdash::aws::dlq::ScanInputs;
use lambdash::aws::{ApiCounter, Clients, ConnectOptions};

fn print(label: &str, before: &BTreeMap<String, u64>, after: &BTreeMap<String, u64>) {
    let delta: BTreeMap<&str, u64> = after
        .iter()
        .map(|(op, n)| (op.as_str(), n - before.get(op).copied().unwrap_or(0)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let lambda: u64 = delta
        .iter()
        .filter(|(op, _)| op.starts_with("Lambda."))
        .map(|(_, n)| n)
        .sum();
    println!("{label}: {lambda} Lambda control-plane calls; all calls: {delta:?}");
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let counter = ApiCounter::default();
    let clients = Clients::connect_counted(
        &ConnectOptions {
            endpoint_url: std::env::var("AWS_ENDPOINT_URL").ok(),
            ..ConnectOptions::default()
        },
        counter.clone(),
        lambdash::aws::scheduler::Scheduler::default(),
    )
    .await?;
    let started = Instant::now();
    let topology = clients
        .scan_topology(ScanInputs {
            scope: "example".into(),
            ..ScanInputs::default()
        })
        .await?;
    let full = counter.by_operation();
    print(
        &format!(
            "full scan of {} functions ({:.1?})",
            topology.functions.len(),
            started.elapsed()
        ),
        &BTreeMap::new(),
        &full,
    );
    let found = clients.discovery_from(topology.clone()).await;
    let with_queues = counter.by_operation();
    print(
        &format!("queues of that topology ({} DLQs)", found.dlqs.len()),
        &full,
        &with_queues,
    );
    clients
        .scan_topology(ScanInputs {
            previous: Some(&topology),
            scope: "example".into(),
            ..ScanInputs::default()
        })
        .await?;
    print(
        "rescan of the unchanged account",
        &with_queues,
        &counter.by_operation(),
    );
    for e in &found.partial_errors {
        eprintln!("warning: {e}");
    }
    Ok(())
}
