//! Soak under faults: lambdash through the fault proxy with 30 % throttling, 10 % 5xx, 5 % connection
//! resets and 2 s added latency. Four TUIs (functions, logs, alarms, DLQs) run in tmux while every
//! subcommand runs in a loop:
//!
//! - no crash (no TUI exits, no subcommand dies by a signal or a panic), no hang (every subcommand ends;
//!   `?` opens help at once while requests take seconds);
//! - then an outage (every request fails): each pane keeps its last good data and says STALE with the
//!   error, the functions pane flashes it;
//! - then the faults stop: each pane recovers on its own within one poll of its own (its retry backoff is
//!   capped by its poll interval), and every subcommand succeeds.
//!
//! CI runs it for `LAMBDASH_SOAK_SECS` (default 30 s); `scripts/soak` runs the 10-minute version and
//! prints the figures (lines starting with `SOAK`). Region ap-south-2 of the shared emulator.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use support::fault_proxy::{FaultProxy, Faults};
use support::{Home, Tmux, shared_endpoint};

const REGION: &str = "ap-south-2";
const FUNCTION: &str = "orders-api";
const ALARM: &str = "orders-api-errors";
/// The config of every TUI here: the functions pane polls every 5 s; flashes stay long enough to read.
const CONFIG: &str =
    "[poll]\nfunctions_every = \"5s\"\n\n[ui]\nflash_ttl = \"30s\"\nbell = false\n";

fn soak_duration() -> Duration {
    let secs = std::env::var("LAMBDASH_SOAK_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30);
    Duration::from_secs(secs)
}

/// One TUI kept on one pane.
struct Pane {
    name: &'static str,
    tmux: Tmux,
    /// The pane's own poll interval: recovery must come within it (plus the time a call takes).
    poll: Duration,
    /// Its data is on screen (the rows a failure must keep).
    data: fn(&str) -> bool,
}

impl Pane {
    fn failing(&self, s: &str) -> bool {
        (s.contains("STALE —") || s.contains("throttled, retrying")) && (self.data)(s)
    }

    fn healthy(&self, s: &str) -> bool {
        let logs_ok = self.name != "logs" || s.contains("following");
        !s.contains("STALE —") && !s.contains("throttled, retrying") && logs_ok && (self.data)(s)
    }
}

fn start_pane(home: &Home, url: &str, name: &'static str) -> Pane {
    let command = format!(
        "{} {}; echo EXITED-$?; sleep 600",
        home.env_prefix(url, REGION),
        support::bin()
    );
    let tmux = Tmux::start(&format!("lambdash-soak-{name}"), &command);
    tmux.wait_for("the functions", |s| s.contains(FUNCTION));
    let (poll, data): (Duration, fn(&str) -> bool) = match name {
        "functions" => (Duration::from_secs(5), |s| s.contains(FUNCTION)),
        "logs" => {
            tmux.type_text("/orders-api");
            tmux.keys(&["Enter", "l"]);
            // Its poll is 1 s, but after failures it backs off up to 30 s (src/aws/livetail.rs:
            // FilterLogEvents is 5 TPS per account, shared with everyone).
            (Duration::from_secs(30), |s| s.contains("RequestId"))
        }
        "alarms" => {
            tmux.keys(&["A"]);
            (Duration::from_secs(30), |s| s.contains(ALARM))
        }
        "dlq" => {
            tmux.keys(&["D"]);
            (Duration::from_secs(30), |s| s.contains(lambdash::seed::DLQ))
        }
        _ => unreachable!(),
    };
    let pane = Pane {
        name,
        tmux,
        poll,
        data,
    };
    pane.tmux
        .wait_within(Duration::from_mins(1), name, |s| pane.healthy(s));
    pane
}

/// A subcommand run: its exit code (`None`: killed by a signal) and how long it took; `Err` if it hung.
fn run_bounded(
    mut cmd: Command,
    limit: Duration,
) -> Result<(Option<i32>, Duration, String), String> {
    let started = Instant::now();
    let mut child: Child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            if let Some(mut e) = child.stderr.take() {
                use std::io::Read;
                let _ = e.read_to_string(&mut stderr);
            }
            return Ok((status.code(), started.elapsed(), stderr));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("hung for more than {limit:?}"));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn subcommands() -> Vec<Vec<String>> {
    let dlq = lambdash::seed::DLQ;
    [
        vec!["functions"],
        vec!["functions", "--json"],
        vec!["alarms", "--json"],
        vec!["alarms", "--function", FUNCTION],
        vec!["alias", "list", FUNCTION],
        vec!["metrics", FUNCTION, "--since", "15m", "--json"],
        vec!["cost", "--since", "15m"],
        // One function's DLQs: the account-wide scan makes ~150 calls (87 s at 2 s latency).
        vec!["dlq", "list", "--function", lambdash::seed::SQS_FUNCTION],
        vec!["dlq", "peek", dlq, "-n", "2"],
        vec!["tail", FUNCTION, "--lines", "20"],
        vec!["alarms", "mute", ALARM, "--yes"],
        vec!["alarms", "unmute", ALARM, "--yes"],
        vec![
            "alias",
            "set",
            "user-signup",
            "live",
            "--version",
            "3",
            "--yes",
        ],
        vec![
            "alias",
            "set",
            "user-signup",
            "live",
            "--version",
            "3",
            "--weight",
            "4=0.1",
            "--yes",
        ],
    ]
    .iter()
    .map(|a| a.iter().map(ToString::to_string).collect())
    .collect()
}

/// Watches every pane at once until each is healthy: the time from `from`, or the last screen.
fn watch_recovery(
    panes: &[Pane],
    bounds: &[Duration],
    from: Instant,
) -> Vec<Result<Duration, String>> {
    let limit = bounds.iter().max().copied().unwrap_or_default() + Duration::from_secs(30);
    let mut out: Vec<Option<Result<Duration, String>>> = panes.iter().map(|_| None).collect();
    while out.iter().any(Option::is_none) {
        let timed_out = from.elapsed() > limit;
        for (pane, slot) in panes.iter().zip(out.iter_mut()) {
            if slot.is_some() {
                continue;
            }
            let screen = pane.tmux.screen();
            if pane.healthy(&screen) {
                *slot = Some(Ok(from.elapsed()));
            } else if timed_out {
                *slot = Some(Err(screen));
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    out.into_iter().flatten().collect()
}

#[derive(Default)]
struct SubcommandFigures {
    runs: u64,
    ok: u64,
    aws_errors: u64,
    problems: Vec<String>,
    slowest: Duration,
    /// `(subcommand, runs, ok, slowest)`.
    each: Vec<(String, u64, u64, Duration)>,
}

/// Runs one subcommand again and again until `stop` (at least once). Exit 0, or exit 1 with a one-line
/// AWS error, are fine under faults; a signal, a panic, another code or a hang are not.
fn subcommand_loop(
    home: &Home,
    url: &str,
    args: &[String],
    stop: &AtomicBool,
) -> SubcommandFigures {
    let mut f = SubcommandFigures::default();
    let mut first = true;
    while first || !stop.load(Ordering::SeqCst) {
        first = false;
        let mut cmd = home.command(url, REGION);
        cmd.args(args);
        f.runs += 1;
        match run_bounded(cmd, Duration::from_secs(150)) {
            Err(e) => f.problems.push(format!("{args:?}: {e}")),
            Ok((code, took, stderr)) => {
                f.slowest = f.slowest.max(took);
                match code {
                    Some(0) => f.ok += 1,
                    Some(1)
                        if stderr.lines().any(|l| l.starts_with("error: "))
                            && !stderr.contains("panicked") =>
                    {
                        f.aws_errors += 1;
                    }
                    other => f
                        .problems
                        .push(format!("{args:?}: exit {other:?} after {took:?}: {stderr}")),
                }
            }
        }
    }
    f.each.push((args.join(" "), f.runs, f.ok, f.slowest));
    f
}

/// Every subcommand at once, each in its own loop.
fn all_subcommands(home: &Home, url: &str, stop: &AtomicBool) -> SubcommandFigures {
    let all = subcommands();
    let results: Vec<SubcommandFigures> = std::thread::scope(|scope| {
        let handles: Vec<_> = all
            .iter()
            .map(|args| scope.spawn(move || subcommand_loop(home, url, args, stop)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut total = SubcommandFigures::default();
    for f in results {
        total.runs += f.runs;
        total.ok += f.ok;
        total.aws_errors += f.aws_errors;
        total.problems.extend(f.problems);
        total.slowest = total.slowest.max(f.slowest);
        total.each.extend(f.each);
    }
    total
}

/// Faults at the soak rates while every pane is asked for help and the subcommands run: no pane
/// exits, every key is answered quickly, every kind of fault was injected.
fn soak(proxy: &FaultProxy, panes: &[Pane], home: &Home, url: &str) {
    // Soak.
    let soak = soak_duration();
    let faults = Faults::soak();
    proxy.reset_stats();
    proxy.set_faults(faults);
    let stop = Arc::new(AtomicBool::new(false));
    let soak_started = Instant::now();
    let figures = std::thread::scope(|scope| {
        let subcommands = scope.spawn(|| all_subcommands(home, url, &stop));
        let mut key_latencies = Vec::new();
        let mut problems = Vec::new();
        while soak_started.elapsed() < soak {
            for pane in panes {
                let screen = pane.tmux.screen();
                if screen.contains("EXITED-") {
                    problems.push(format!("{} exited:\n{screen}", pane.name));
                    continue;
                }
                let pressed = Instant::now();
                pane.tmux.keys(&["?"]);
                match pane
                    .tmux
                    .poll_for(Duration::from_secs(5), |s| s.contains("Help —"))
                {
                    Ok(_) => key_latencies.push(pressed.elapsed()),
                    Err(s) => {
                        problems.push(format!("{}: `?` not answered in 5 s:\n{s}", pane.name));
                    }
                }
                pane.tmux.escape(1);
                let _ = pane
                    .tmux
                    .poll_for(Duration::from_secs(5), |s| !s.contains("Help —"));
            }
            std::thread::sleep(Duration::from_secs(2));
        }
        stop.store(true, Ordering::SeqCst);
        (subcommands.join().unwrap(), key_latencies, problems)
    });
    let (subs, mut key_latencies, tui_problems) = figures;
    let soak_took = soak_started.elapsed();
    let soak_stats = proxy.stats();
    key_latencies.sort();
    let key_max = key_latencies.last().copied().unwrap_or_default();
    let key_p50 = key_latencies
        .get(key_latencies.len() / 2)
        .copied()
        .unwrap_or_default();
    println!(
        "SOAK faults {faults:?} for {:.0} s: {} requests, {} forwarded, {} throttled, {} 5xx, {} resets, {} delayed",
        soak_took.as_secs_f64(),
        soak_stats.requests,
        soak_stats.forwarded,
        soak_stats.throttled,
        soak_stats.server_errors,
        soak_stats.resets,
        soak_stats.delayed
    );
    println!(
        "SOAK subcommands: {} runs, {} ok, {} exited 1 with a clear AWS error, {} problems, slowest {:.1} s",
        subs.runs,
        subs.ok,
        subs.aws_errors,
        subs.problems.len(),
        subs.slowest.as_secs_f64()
    );
    for (args, runs, ok, slowest) in &subs.each {
        println!(
            "SOAK   {args}: {runs} runs, {ok} ok, slowest {:.1} s",
            slowest.as_secs_f64()
        );
    }
    println!(
        "SOAK keys: `?` answered {} times, median {} ms, max {} ms; TUI problems {}",
        key_latencies.len(),
        key_p50.as_millis(),
        key_max.as_millis(),
        tui_problems.len()
    );
    assert!(
        tui_problems.is_empty(),
        "TUI under faults:\n{}",
        tui_problems.join("\n")
    );
    assert!(
        subs.problems.is_empty(),
        "subcommands under faults:\n{}",
        subs.problems.join("\n")
    );
    assert!(
        soak_stats.throttled > 0 && soak_stats.server_errors > 0 && soak_stats.resets > 0,
        "every kind of fault was injected: {soak_stats:?}"
    );
    assert!(
        key_max < Duration::from_secs(3),
        "input answered slowly: {key_max:?}"
    );
}

/// Every request fails: every pane shows STALE with its last good data.
fn outage(proxy: &FaultProxy, panes: &[Pane]) {
    // Outage: every request fails. The alarms and DLQ panes poll every 30 s: `r` asks them now, so the
    // failure shows without waiting; their recovery below is on their own.
    proxy.set_faults(Faults::outage());
    for pane in panes {
        if pane.name == "alarms" || pane.name == "dlq" {
            pane.tmux.keys(&["r"]);
        }
    }
    let outage_started = Instant::now();
    for pane in panes {
        let screen = pane.tmux.wait_within(
            Duration::from_secs(90),
            &format!("{}: STALE with the last good data", pane.name),
            |s| pane.failing(s),
        );
        println!(
            "SOAK outage: {} STALE with its last good data after {:.1} s",
            pane.name,
            outage_started.elapsed().as_secs_f64()
        );
        if pane.name == "functions" {
            assert!(
                screen.contains("functions: "),
                "the failure is flashed:\n{screen}"
            );
        }
    }
    println!(
        "SOAK outage: every pane STALE with its last good data after {:.1} s",
        outage_started.elapsed().as_secs_f64()
    );
}

/// The faults stop: every pane recovers within a poll, without a key.
fn recovery(proxy: &FaultProxy, panes: &[Pane]) {
    // Recovery, on its own: no key is pressed.
    proxy.set_faults(Faults::NONE);
    let recovered_from = Instant::now();
    // One poll (+10 % jitter), plus the time a call takes when it meets the tail of the outage.
    let bounds: Vec<Duration> = panes
        .iter()
        .map(|p| p.poll.mul_f64(1.1) + Duration::from_secs(15))
        .collect();
    let recoveries = watch_recovery(panes, &bounds, recovered_from);
    let mut late = Vec::new();
    for ((pane, bound), took) in panes.iter().zip(&bounds).zip(&recoveries) {
        match took {
            Ok(took) => {
                println!(
                    "SOAK recovery: {} in {:.1} s (poll {} s)",
                    pane.name,
                    took.as_secs_f64(),
                    pane.poll.as_secs()
                );
                if took > bound {
                    late.push(format!("{} took {took:?} (bound {bound:?})", pane.name));
                }
            }
            Err(screen) => {
                println!("SOAK recovery: {} NOT recovered", pane.name);
                late.push(format!("{} never recovered:\n{screen}", pane.name));
            }
        }
    }
    assert!(late.is_empty(), "recovery:\n{}", late.join("\n"));
    for pane in panes {
        assert!(
            !pane.tmux.screen().contains("EXITED-"),
            "{} exited",
            pane.name
        );
    }
}

/// After the faults, every subcommand exits 0.
fn subcommands_work_again(home: &Home, url: &str) {
    // Every subcommand works again.
    let mut failures = Vec::new();
    for args in subcommands() {
        let mut cmd = home.command(url, REGION);
        cmd.args(&args);
        match run_bounded(cmd, Duration::from_mins(1)) {
            Ok((Some(0), _, _)) => {}
            other => failures.push(format!("{args:?}: {other:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "after the faults:\n{}",
        failures.join("\n")
    );
}

#[test]
fn tui_and_subcommands_survive_faults_and_recover() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(lambdash::seed::connect(&shared_endpoint(), REGION));
    rt.block_on(lambdash::seed::seed_demo(&emu)).unwrap();
    let proxy = Arc::new(rt.block_on(FaultProxy::start(&shared_endpoint())).unwrap());
    let url = proxy.url();
    let home = Home::new();
    home.write_config(CONFIG);

    // The panes load without faults: "last good data" exists before the trouble starts.
    let panes: Vec<Pane> = ["functions", "logs", "alarms", "dlq"]
        .into_iter()
        .map(|name| start_pane(&home, &url, name))
        .collect();

    soak(&proxy, &panes, &home, &url);
    outage(&proxy, &panes);
    recovery(&proxy, &panes);
    subcommands_work_again(&home, &url);
    println!("SOAK crashes 0, hangs 0, subcommands after the faults: all ok");
}
