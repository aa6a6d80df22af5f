//! `lambdash-demo`: seeds the local emulator and simulates traffic for the demo and the tests.
//!
//! ```text
//! lambdash-demo seed      --endpoint URL [--region us-east-1]
//! lambdash-demo traffic   --endpoint URL [--region us-east-1] [--every 1s] [--verbose]
//! lambdash-demo functions --endpoint URL --prefix P --count N [--concurrency 16] [--region us-east-1]
//! lambdash-demo seed-scale --endpoint URL --functions N [--prefix scale] [--concurrency 32] [--region us-east-1]
//! ```
//!
//! `--endpoint` defaults to `$AWS_ENDPOINT_URL`, `--region` to `$AWS_REGION`, then `us-east-1`.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use lambdash::seed;

const USAGE: &str = "\
usage:
  lambdash-demo seed      --endpoint URL [--region REGION]
  lambdash-demo traffic   --endpoint URL [--region REGION] [--every 1s] [--verbose]
  lambdash-demo functions --endpoint URL --prefix P --count N [--concurrency C] [--region REGION]
  lambdash-demo seed-scale --endpoint URL --functions N [--prefix scale] [--concurrency C] [--region REGION]

Seeds the local AWS emulator (moto, see scripts/moto) for lambdash's demo and tests.
--endpoint defaults to $AWS_ENDPOINT_URL, --region to $AWS_REGION, then us-east-1.";

#[derive(Debug, Default)]
struct Args {
    command: String,
    endpoint: Option<String>,
    region: Option<String>,
    every: Option<Duration>,
    prefix: Option<String>,
    count: Option<usize>,
    functions: Option<usize>,
    concurrency: Option<usize>,
    verbose: bool,
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let bad = || format!("bad duration {s:?} (try 1s, 500ms, 2)");
    // A bare number of seconds (fractions allowed, `s` optional) stays the demo's own shorthand.
    if let Ok(secs) = s.strip_suffix('s').unwrap_or(s).parse::<f64>() {
        return if secs.is_finite() && secs > 0.0 {
            Ok(Duration::from_secs_f64(secs))
        } else {
            Err(bad())
        };
    }
    lambdash::domain::duration::parse_duration(s).map_err(|_| bad())
}

fn parse_args(mut raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args::default();
    let value = |name: &str, raw: &mut dyn Iterator<Item = String>| {
        raw.next().ok_or_else(|| format!("{name} needs a value"))
    };
    while let Some(arg) = raw.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let take = |raw: &mut dyn Iterator<Item = String>| match &inline {
            Some(v) => Ok(v.clone()),
            None => value(&flag, raw),
        };
        match flag.as_str() {
            "-h" | "--help" => return Err(String::new()),
            "-v" | "--verbose" => args.verbose = true,
            "--endpoint" => args.endpoint = Some(take(&mut raw)?),
            "--region" => args.region = Some(take(&mut raw)?),
            "--every" => args.every = Some(parse_duration(&take(&mut raw)?)?),
            "--prefix" => args.prefix = Some(take(&mut raw)?),
            "--count" => {
                args.count = Some(
                    take(&mut raw)?
                        .parse()
                        .map_err(|_| "--count needs a number".to_owned())?,
                );
            }
            "--functions" => {
                args.functions = Some(
                    take(&mut raw)?
                        .parse()
                        .map_err(|_| "--functions needs a number".to_owned())?,
                );
            }
            "--concurrency" => {
                args.concurrency = Some(
                    take(&mut raw)?
                        .parse()
                        .map_err(|_| "--concurrency needs a number".to_owned())?,
                );
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s if args.command.is_empty() => s.clone_into(&mut args.command),
            s => return Err(format!("unexpected argument {s:?}")),
        }
    }
    if args.command.is_empty() {
        return Err(String::new());
    }
    Ok(args)
}

async fn run(args: Args) -> Result<(), String> {
    let endpoint = args
        .endpoint
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
        .ok_or("--endpoint is required (or set AWS_ENDPOINT_URL); scripts/moto start prints one")?;
    let region = args
        .region
        .or_else(|| std::env::var("AWS_REGION").ok())
        .unwrap_or_else(|| "us-east-1".to_owned());
    let e = seed::connect(&endpoint, &region).await;
    match args.command.as_str() {
        "seed" => {
            eprintln!("seeding {} functions into {region}…", seed::FUNCTIONS.len());
            let started = Instant::now();
            let s = seed::seed_demo(&e).await.map_err(|err| err.to_string())?;
            let note = if s.already_existed.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} already existed, left as they were)",
                    s.already_existed.len()
                )
            };
            eprintln!(
                "seeded {} functions{note}, {} versions, {} aliases, {} log streams / {} events, {} metric datapoints, {} alarms ({} in ALARM), {} DLQ messages, {} failure records in {:.1} s",
                s.functions.len(),
                s.versions_published,
                s.aliases,
                s.log_streams,
                s.log_events,
                s.metric_datapoints,
                s.alarms,
                s.alarms_in_alarm.len(),
                s.dlq_messages,
                s.failure_records,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        "traffic" => {
            let every = args.every.unwrap_or(Duration::from_secs(1));
            let mut state = seed::TrafficState::default();
            let mut interval = tokio::time::interval(every);
            interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let mut last_error = String::new();
            loop {
                tokio::select! {
                    _ = interval.tick() => {}
                    _ = tokio::signal::ctrl_c() => return Ok(()),
                }
                match seed::traffic_tick(&e, &mut state, chrono::Utc::now()).await {
                    Ok(tick) => {
                        last_error.clear();
                        if args.verbose {
                            eprintln!("{tick:?}");
                        }
                    }
                    Err(err) => {
                        // Say it once, not every second.
                        let msg = err.to_string();
                        if msg != last_error {
                            eprintln!("lambdash-demo traffic: {msg}");
                            last_error = msg;
                        }
                    }
                }
            }
        }
        "functions" => {
            let prefix = args.prefix.ok_or("functions needs --prefix")?;
            let count = args.count.ok_or("functions needs --count")?;
            let started = Instant::now();
            let names = seed::seed_functions(&e, &prefix, count, args.concurrency.unwrap_or(16))
                .await
                .map_err(|err| err.to_string())?;
            eprintln!(
                "created {} functions ({prefix}-0000…) in {region} in {:.1} s",
                names.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        "seed-scale" => {
            let count = args.functions.ok_or("seed-scale needs --functions")?;
            let prefix = args.prefix.unwrap_or_else(|| "scale".to_owned());
            seed_scale(&e, &prefix, count, args.concurrency.unwrap_or(32)).await
        }
        other => Err(format!("unknown command {other:?}\n\n{USAGE}")),
    }
}

async fn seed_scale(
    e: &seed::Emulator,
    prefix: &str,
    count: usize,
    concurrency: usize,
) -> Result<(), String> {
    let plan = seed::ScalePlan::new(prefix, count);
    eprintln!(
        "seeding {count} functions ({prefix}-00000…), {} queues into {}, {concurrency} requests at a time…",
        plan.queues(),
        e.region
    );
    let started = Instant::now();
    let s = seed::seed_scale(e, &plan, concurrency)
        .await
        .map_err(|err| err.to_string())?;
    eprintln!(
        "created {} functions ({} already existed) in {:.1} s, {} queues in {:.1} s, {} event source mappings and {} EventInvokeConfigs in {:.1} s, {} AsyncEventsReceived datapoints in {:.1} s; {} DLQs to discover; total {:.1} s",
        s.functions_created,
        s.functions_existing,
        s.functions_took.as_secs_f64(),
        s.queues,
        s.queues_took.as_secs_f64(),
        s.mappings,
        s.invoke_configs,
        s.wiring_took.as_secs_f64(),
        s.datapoints,
        s.metrics_took.as_secs_f64(),
        plan.expected_dlqs(),
        started.elapsed().as_secs_f64()
    );
    // For scripts: the only line on stdout.
    println!(
        "{{\"functions\":{count},\"expected_dlqs\":{},\"seconds\":{:.1}}}",
        plan.expected_dlqs(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(msg) if msg.is_empty() => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
        Err(msg) => {
            eprintln!("lambdash-demo: {msg}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("lambdash-demo: {msg}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> Result<Args, String> {
        parse_args(s.split_whitespace().map(str::to_owned))
    }

    #[test]
    fn parses_commands_and_flags() {
        let a =
            parse("traffic --endpoint http://x:1 --every 500ms --region=eu-west-1").expect("ok");
        assert_eq!(a.command, "traffic");
        assert_eq!(a.endpoint.as_deref(), Some("http://x:1"));
        assert_eq!(a.region.as_deref(), Some("eu-west-1"));
        assert_eq!(a.every, Some(Duration::from_millis(500)));
        let a = parse("seed-scale --functions 10000 --concurrency 48").expect("ok");
        assert_eq!((a.functions, a.concurrency), (Some(10_000), Some(48)));
        let a = parse("functions --prefix p --count 12").expect("ok");
        assert_eq!((a.prefix.as_deref(), a.count), (Some("p"), Some(12)));
        assert_eq!(parse_duration("2").expect("ok"), Duration::from_secs(2));
        assert!(parse("seed --bogus").is_err());
        assert!(parse("seed --endpoint").is_err());
        assert!(parse("").is_err());
    }
}
