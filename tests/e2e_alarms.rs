#![allow(clippy::unwrap_used)]
use lambdash::aws::{Clients, ConnectOptions};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scratch() {
    let endpoint = std::env::var("LAMBDASH_TEST_ENDPOINT").unwrap();
    let opts = ConnectOptions {
        profile: None,
        region: Some("us-west-2".into()),
        endpoint_url: Some(endpoint),
        read_only: false,
    };
    let c = Clients::connect(&opts).await.unwrap();
    let t = std::time::Instant::now();
    let e = c.alarm_history("nope").await.unwrap_err();
    eprintln!(
        "{:?} {:?} unsupported={}",
        t.elapsed(),
        e,
        e.is_unsupported()
    );
}
