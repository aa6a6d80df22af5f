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
//! It prints the counters every 10 s on stderr. See `tests/support/fault_proxy.rs` for what it injects.
#![allow(clippy::unwrap_used)]

#[path = "../tests/support/fault_proxy.rs"]
#[allow(dead_code)]
mod fault_proxy;

use std::time::Duration;

use fault_proxy::{FaultProxy, Faults};

fn usage() -> ! {
    eprintln!(
        "usage: fault_proxy --upstream URL [--listen HOST:PORT] [--faults SPEC] [--seed N]\n\
         SPEC: throttle=RATE,5xx=RATE,reset=RATE,latency=DURATION (e.g. 2s, 500ms) or none"
    );
    std::process::exit(2);
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut upstream = None;
    let mut listen = "127.0.0.1:0".to_string();
    let mut faults = Faults::NONE;
    let mut seed = 0x5eed_u64;
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
    // The only line on stdout: the URL, for scripts.
    println!("{}", proxy.url());
    eprintln!("fault proxy {} → {upstream} with {faults:?}", proxy.url());
    loop {
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(10)) => {
                eprintln!("{}", proxy.stats().to_json());
            }
            _ = tokio::signal::ctrl_c() => {
                eprintln!("{}", proxy.stats().to_json());
                return;
            }
        }
    }
}
