//! The reliability tests' fault-injecting proxy as a program, to point lambdash at by hand:
//!
//! ```sh
//! cargo run --example fault_proxy -- --upstream http://127.0.0.1:5000 --listen 127.0.0.1:5099 \
//!     --faults throttle=0.3,5xx=0.1,reset=0.05,latency=2s
//! lambdash --endpoint-url http://127.0.0.1:5099
//! curl -s http://127.0.0.1:5099/__proxy/stats                          # counters as JSON
//! curl -s -X POST http://127.0.0.1:5099/__proxy/faults -d none         # stop the faults
//! ```
//!
//! Quota mode (AWS's request quotas per region and quota group, a simulated rest of the account using
//! two thirds of each, ListFunctions in pages of 50):
//!
//! ```sh
//! cargo run --example fault_proxy -- --upstream http://127.0.0.1:5000 \
//!     --faults latency=30ms --quota scale=1,rest=0.667,pages=50
//! curl -s -X POST http://127.0.0.1:5099/__proxy/quota -d off           # or scale=0.2,rest=0.5
//! ```
//!
//! It prints the counters every 10 s on stderr. See `tests/support/fault_proxy.rs` for what it injects
//! and `tests/support/fault_proxy/quota.rs` for the quotas.
#![allow(clippy::unwrap_used)]

#[path = "../tests/support/fault_proxy.rs"]
#[allow(dead_code)]
mod fault_proxy;

use std::fmt::Write as _;
use std::time::Duration;

use fault_proxy::quota::QuotaSpec;
use fault_proxy::{FaultProxy, Faults};

fn usage() -> ! {
    eprintln!(
        "usage: fault_proxy --upstream URL [--listen HOST:PORT] [--faults SPEC] [--quota QSPEC] [--seed N]\n\
         SPEC: throttle=RATE,5xx=RATE,reset=RATE,latency=DURATION (e.g. 2s, 500ms) or none\n\
         QSPEC: scale=FACTOR,rest=SHARE,pages=N (e.g. scale=1,rest=0.667,pages=50), on or off"
    );
    std::process::exit(2);
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut upstream = None;
    let mut listen = "127.0.0.1:0".to_string();
    let mut faults = Faults::NONE;
    let mut seed = 0x5eed_u64;
    let mut quota = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--upstream" => upstream = Some(value()),
            "--listen" => listen = value(),
            "--faults" => {
                faults = Faults::parse(&value()).unwrap_or_else(|e| {
                    eprintln!("error: --faults: {e}");
                    std::process::exit(2)
                });
            }
            "--quota" => {
                quota = QuotaSpec::parse(&value()).unwrap_or_else(|e| {
                    eprintln!("error: --quota: {e}");
                    std::process::exit(2)
                });
            }
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage()),
            _ => usage(),
        }
    }
    let upstream = upstream.unwrap_or_else(|| usage());
    let proxy = FaultProxy::start_on(&listen, &upstream, seed)
        .await
        .unwrap_or_else(|e| {
            eprintln!("error: cannot listen on {listen}: {e}");
            std::process::exit(1)
        });
    proxy.set_faults(faults);
    proxy.set_quota(quota);
    // The only line on stdout: the URL, for scripts.
    println!("{}", proxy.url());
    eprintln!(
        "fault proxy {} → {upstream} with {faults:?}, quota {quota:?}",
        proxy.url()
    );
    loop {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(10)) => {
                eprintln!("{}", summary(&proxy));
            }
            _ = tokio::signal::ctrl_c() => {
                eprintln!("{}", summary(&proxy));
                return;
            }
        }
    }
}

/// The counters, and in quota mode one line per group: lambdash's total / throttled / busiest 10 s,
/// the rest of the account's refusals.
fn summary(proxy: &FaultProxy) -> String {
    let mut out = proxy.stats().to_json();
    let Some(quota) = proxy.quota_stats() else {
        return out;
    };
    for g in quota["groups"].as_array().into_iter().flatten() {
        let l = &g["lambdash"];
        let r = &g["rest_of_account"];
        let _ = write!(
            out,
            "\n  {} {}: {} requests, {} throttled, busiest 10 s {:.1}/s; rest of account refused {}/{}",
            g["region"].as_str().unwrap_or("?"),
            g["group"].as_str().unwrap_or("?"),
            l["total"],
            l["throttled"],
            l["peak_10s_rps"].as_f64().unwrap_or(0.0),
            r["refused"],
            r["attempts"],
        );
    }
    out
}
