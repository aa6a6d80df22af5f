//! Log lines as Lambda writes them: platform lines (`INIT_START`, `START`, `END`, `REPORT`), the
//! runtimes' own text formats, Powertools JSON, tracebacks and timeouts; and log streams (one per
//! execution environment) built from the behaviour model.
//!
//! Like real `CloudWatch` data, messages end with a newline (`REPORT` lines with a tab and a newline).

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::catalog::{Family, FunctionSpec, LogStyle, Release};
use super::model::{self, Planned};

/// How an invocation ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Error,
    Timeout,
}

/// One invocation to render.
pub struct Invocation<'a> {
    pub spec: &'static FunctionSpec,
    pub arn: &'a str,
    pub region: &'a str,
    /// `$LATEST` or a version number.
    pub version: &'a str,
    pub start_ms: i64,
    pub cold: bool,
    pub outcome: Outcome,
}

/// A log stream's name and events (time ordered).
#[derive(Clone, Debug, Default)]
pub struct StreamLog {
    pub name: String,
    pub events: Vec<(i64, String)>,
}

pub fn hex(rng: &mut fastrand::Rng, len: usize) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    (0..len)
        .map(|_| char::from(DIGITS[rng.usize(0..16)]))
        .collect()
}

/// A version-4 UUID, as Lambda request ids are.
pub fn uuid(rng: &mut fastrand::Rng) -> String {
    let variant = ['8', '9', 'a', 'b'][rng.usize(0..4)];
    format!(
        "{}-{}-4{}-{variant}{}-{}",
        hex(rng, 8),
        hex(rng, 4),
        hex(rng, 3),
        hex(rng, 3),
        hex(rng, 12)
    )
}

/// `2026/11/21/[$LATEST]0123456789abcdef0123456789abcdef`.
pub fn stream_name(created: DateTime<Utc>, version: &str, rng: &mut fastrand::Rng) -> String {
    format!("{}/[{version}]{}", created.format("%Y/%m/%d"), hex(rng, 32))
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn iso_ms(ms: i64) -> String {
    at(ms).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn runtime_version(runtime: &str) -> String {
    // python3.12 → python:3.12.v48, nodejs22.x → nodejs:22.v51, provided.al2023 → provided:al2023.v96
    let (lang, ver) = if let Some(v) = runtime.strip_prefix("python") {
        ("python", v.to_owned())
    } else if let Some(v) = runtime.strip_prefix("nodejs") {
        ("nodejs", v.trim_end_matches(".x").to_owned())
    } else if let Some(v) = runtime.strip_prefix("java") {
        ("java", v.to_owned())
    } else if let Some(v) = runtime.strip_prefix("dotnet") {
        ("dotnet", v.to_owned())
    } else {
        (
            "provided",
            runtime.trim_start_matches("provided.").to_owned(),
        )
    };
    let build = 30 + model::name_hash(runtime) % 40;
    format!("{lang}:{ver}.v{build}")
}

fn fill(template: &str, rng: &mut fastrand::Rng, duration: f64) -> String {
    let mut out = template.to_owned();
    while let Some(pos) = out.find("{id}") {
        out.replace_range(pos..pos + 4, &hex(rng, 8));
    }
    while let Some(pos) = out.find("{n}") {
        out.replace_range(pos..pos + 3, &rng.u32(1..500).to_string());
    }
    while let Some(pos) = out.find("{ms}") {
        let ms = (duration * (0.3 + 0.6 * rng.f64())).max(1.0) as u64;
        out.replace_range(pos..pos + 4, &ms.to_string());
    }
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Info,
    Warn,
    Error,
}

struct Ctx<'a> {
    spec: &'static FunctionSpec,
    arn: &'a str,
    rid: String,
    trace: String,
    cold: bool,
}

/// JSON text for a value (strings, numbers, lists: cannot fail).
pub fn j<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A JSON object with its keys in the given order (values already JSON text), as loggers write them.
pub fn obj(fields: &[(&str, String)]) -> String {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}:{v}", j(k)))
        .collect();
    format!("{{{}}}", body.join(","))
}

/// A Powertools log line (Python or TypeScript flavour), key order as Powertools writes it.
fn powertools(
    c: &Ctx<'_>,
    ms: i64,
    level: &str,
    location: &str,
    msg: &str,
    extra: &[(&str, String)],
) -> String {
    let spec = c.spec;
    let mut fields: Vec<(&str, String)> = if spec.family() == Family::Python {
        vec![
            ("level", j(level)),
            ("location", j(location)),
            ("message", j(msg)),
            (
                "timestamp",
                j(&at(ms).format("%Y-%m-%d %H:%M:%S,%3f+0000").to_string()),
            ),
            ("service", j(spec.service)),
            ("cold_start", j(&c.cold)),
            ("function_name", j(spec.name)),
            ("function_memory_size", j(&spec.memory_mb)),
            ("function_arn", j(c.arn)),
            ("function_request_id", j(&c.rid)),
        ]
    } else {
        vec![
            ("level", j(level)),
            ("message", j(msg)),
            ("sampling_rate", j(&0)),
            ("service", j(spec.service)),
            ("timestamp", j(&iso_ms(ms))),
            ("xray_trace_id", j(&c.trace)),
            ("cold_start", j(&c.cold)),
            ("function_arn", j(c.arn)),
            ("function_memory_size", j(&spec.memory_mb)),
            ("function_name", j(spec.name)),
            ("function_request_id", j(&c.rid)),
        ]
    };
    fields.extend(extra.iter().cloned());
    if spec.family() == Family::Python {
        fields.push(("xray_trace_id", j(&c.trace)));
    }
    format!("{}\n", obj(&fields))
}

fn app_line(c: &Ctx<'_>, ms: i64, level: Level, msg: &str) -> String {
    let spec = c.spec;
    let rid = &c.rid;
    let (upper, lower) = match level {
        Level::Info => ("INFO", "info"),
        Level::Warn => ("WARN", "warn"),
        Level::Error => ("ERROR", "fail"),
    };
    if spec.style == LogStyle::Powertools {
        let level = if level == Level::Warn && spec.family() == Family::Python {
            "WARNING"
        } else {
            upper
        };
        let location = format!("lambda_handler:{}", 20 + model::name_hash(msg) % 60);
        return powertools(c, ms, level, &location, msg, &[]);
    }
    match spec.family() {
        Family::Python => format!("[{upper}]\t{}\t{rid}\t{msg}\n", iso_ms(ms)),
        Family::Node => format!("{}\t{rid}\t{upper}\t{msg}\n", iso_ms(ms)),
        Family::Java => format!(
            "{} {rid} {upper:<5} {}Handler - {msg}\n",
            at(ms).format("%Y-%m-%d %H:%M:%S"),
            super::catalog::pascal(spec.service)
        ),
        Family::Dotnet => format!("{}\t{rid}\t{lower}\t{msg}\n", iso_ms(ms)),
        Family::Custom => format!(
            "{} {upper:>5} {}: {msg}\n",
            at(ms).format("%Y-%m-%dT%H:%M:%S%.6fZ"),
            spec.name.replace('-', "_")
        ),
    }
}

/// An unhandled error: its type, message and the two source lines its trace names.
struct Failure<'a> {
    etype: &'a str,
    emsg: String,
    line_a: u32,
    line_b: u32,
}

/// The lines of an unhandled error, as the function and its runtime write them.
fn error_lines(c: &Ctx<'_>, ms: i64, rng: &mut fastrand::Rng) -> Vec<(i64, String)> {
    let spec = c.spec;
    let (etype, template) = spec.errors[rng.usize(0..spec.errors.len())];
    let failure = Failure {
        etype,
        emsg: fill(template, rng, 10.0),
        line_a: 20 + rng.u32(0..60),
        line_b: 80 + rng.u32(0..120),
    };
    let Failure {
        etype,
        ref emsg,
        line_a,
        line_b,
    } = failure;
    let mut out = Vec::new();
    match spec.family() {
        Family::Python => python_error_lines(c, ms, &failure, &mut out),
        Family::Node => node_error_lines(c, ms, &failure, &mut out),
        Family::Java => java_error_lines(c, ms, &failure, &mut out),
        Family::Dotnet => {
            let asm = super::catalog::pascal(spec.name);
            out.push((
                ms,
                format!(
                    "{}\t{}\tfail\t{etype}: {emsg}\n   at {asm}.Function.RenderAsync(Order order) in /src/{asm}/Function.cs:line {line_b}\n   at {asm}.Function.FunctionHandler(SQSEvent evnt, ILambdaContext context) in /src/{asm}/Function.cs:line {line_a}\n   at lambda_method1(Closure, Stream, ILambdaContext, Stream)\n",
                    iso_ms(ms),
                    c.rid
                ),
            ));
        }
        Family::Custom => {
            out.push((
                ms,
                app_line(c, ms, Level::Error, &format!("{emsg} error_type={etype}")),
            ));
        }
    }
    out
}

/// Python: Powertools' ERROR record (if it logs that way), the runtime's warning and the traceback.
fn python_error_lines(c: &Ctx<'_>, ms: i64, failure: &Failure<'_>, out: &mut Vec<(i64, String)>) {
    let Failure {
        etype,
        ref emsg,
        line_a,
        line_b,
    } = *failure;
    let spec = c.spec;
    let short = etype.rsplit('.').next().unwrap_or(etype);
    let tb = format!(
        "Traceback (most recent call last):\n  File \"/var/task/app.py\", line {line_a}, in lambda_handler\n    return handle(event, context)\n  File \"/var/task/app.py\", line {line_b}, in handle\n    raise {short}({emsg:?})\n"
    );
    if spec.style == LogStyle::Powertools {
        let line = powertools(
            c,
            ms,
            "ERROR",
            &format!("lambda_handler:{line_a}"),
            "Unhandled exception while processing event",
            &[
                ("exception", j(&format!("{tb}{etype}: {emsg}"))),
                ("exception_name", j(short)),
            ],
        );
        out.push((ms, line));
    }
    if spec.runtime != "python3.8" {
        out.push((
            ms + 1,
            "LAMBDA_WARNING: Unhandled exception. The most likely cause is an issue in the function code. However, in rare cases, a Lambda runtime update can cause unexpected function behavior. For functions using managed runtimes, runtime updates can be triggered by a function change, or can be applied automatically. To determine if the runtime has been updated, check the runtime version in the INIT_START log entry. If this error correlates with a change in the runtime version, you may be able to mitigate this error by temporarily rolling back to the previous runtime version. For more information, see https://docs.aws.amazon.com/lambda/latest/dg/runtimes-update.html\n".to_owned(),
        ));
    }
    out.push((ms + 1, format!("[ERROR] {short}: {emsg}\n{tb}")));
}

/// Node: Powertools' ERROR record (if it logs that way) and the runtime's `Invoke Error` line.
fn node_error_lines(c: &Ctx<'_>, ms: i64, failure: &Failure<'_>, out: &mut Vec<(i64, String)>) {
    let Failure {
        etype,
        ref emsg,
        line_a,
        line_b,
    } = *failure;
    let spec = c.spec;
    let stack = vec![
        format!("{etype}: {emsg}"),
        format!("    at handle (file:///var/task/index.mjs:{line_a}:11)"),
        format!("    at Runtime.handler (file:///var/task/index.mjs:{line_b}:20)"),
        "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)"
            .to_owned(),
    ];
    if spec.style == LogStyle::Powertools {
        let error = obj(&[
            ("name", j(etype)),
            (
                "location",
                j(&format!("file:///var/task/index.mjs:{line_a}")),
            ),
            ("message", j(&emsg)),
            ("stack", j(&stack.join("\n"))),
        ]);
        let line = powertools(
            c,
            ms,
            "ERROR",
            "",
            "Unhandled error while processing event",
            &[("error", error)],
        );
        out.push((ms, line));
    }
    let payload = obj(&[
        ("errorType", j(etype)),
        ("errorMessage", j(&emsg)),
        ("stack", j(&stack)),
    ]);
    out.push((
        ms + 1,
        format!(
            "{}\t{}\tERROR\tInvoke Error \t{payload}\n",
            iso_ms(ms + 1),
            c.rid
        ),
    ));
}

/// Java: the application's line and the runtime's JSON error with its stack trace.
fn java_error_lines(c: &Ctx<'_>, ms: i64, failure: &Failure<'_>, out: &mut Vec<(i64, String)>) {
    let Failure {
        etype,
        ref emsg,
        line_a,
        line_b,
    } = *failure;
    let spec = c.spec;
    out.push((
        ms,
        app_line(
            c,
            ms,
            Level::Error,
            "Unhandled exception, failing the invocation",
        ),
    ));
    let pkg = spec.service.replace('-', "");
    let payload = obj(&[
        ("errorMessage", j(&emsg)),
        ("errorType", j(etype)),
        (
            "stackTrace",
            j(&[
                format!("com.acme.{pkg}.Handler.process(Handler.java:{line_b})"),
                format!("com.acme.{pkg}.Handler.handleRequest(Handler.java:{line_a})"),
                "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(Unknown Source)"
                    .to_owned(),
                "java.base/java.lang.reflect.Method.invoke(Unknown Source)".to_owned(),
            ]),
        ),
    ]);
    out.push((ms + 1, format!("{payload}\n")));
}

/// The log events of one invocation, in time order, and the time it ended.
#[cfg(test)]
pub fn invocation_events(
    inv: &Invocation<'_>,
    rng: &mut fastrand::Rng,
) -> (Vec<(i64, String)>, i64) {
    let (events, end, _) = invocation_events_timed(inv, rng);
    (events, end)
}

/// [`invocation_events`] and the duration its `REPORT` line gives (what the `Duration` metric is).
pub fn invocation_events_timed(
    inv: &Invocation<'_>,
    rng: &mut fastrand::Rng,
) -> (Vec<(i64, String)>, i64, f64) {
    let spec = inv.spec;
    let c = Ctx {
        spec,
        arn: inv.arn,
        rid: uuid(rng),
        trace: format!("1-{:08x}-{}", inv.start_ms / 1000, hex(rng, 24)),
        cold: inv.cold,
    };
    let rid = c.rid.clone();
    let mut out = Vec::new();
    let start = inv.start_ms;
    let init = inv.cold.then(|| model::init_ms(spec, rng));
    if let Some(init) = init {
        out.push((
            start - init.ceil() as i64 - 1,
            format!(
                "INIT_START Runtime Version: {}\tRuntime Version ARN: arn:aws:lambda:{}::runtime:{}\n",
                runtime_version(spec.runtime),
                inv.region,
                hex(rng, 64)
            ),
        ));
    }
    out.push((
        start,
        format!("START RequestId: {rid} Version: {}\n", inv.version),
    ));
    let mut duration = match inv.outcome {
        Outcome::Timeout => f64::from(spec.timeout_s) * 1000.0,
        _ => model::duration_ms(spec, rng),
    };
    if inv.cold && inv.outcome != Outcome::Timeout {
        duration = (duration * 1.5).min(f64::from(spec.timeout_s) * 1000.0 - 1.0);
    }
    let span = duration.max(1.0) as i64;
    let n_info = 1 + rng.usize(0..spec.info.len().min(3));
    for i in 0..n_info {
        let t = start + span * (i as i64 + 1) / (n_info as i64 + 2);
        let msg = fill(spec.info[rng.usize(0..spec.info.len())], rng, duration);
        out.push((t, app_line(&c, t, Level::Info, &msg)));
    }
    let end = start + span;
    match inv.outcome {
        Outcome::Ok => {
            if rng.f64() < 0.04 {
                let t = end - span / 8;
                out.push((
                    t,
                    app_line(
                        &c,
                        t,
                        Level::Warn,
                        "Retrying downstream call (attempt 2 of 3)",
                    ),
                ));
            }
        }
        Outcome::Error => out.extend(error_lines(&c, end - span / 10, rng)),
        Outcome::Timeout => {
            let t = end - span / 3;
            out.push((
                t,
                app_line(&c, t, Level::Warn, "Downstream call still waiting"),
            ));
            out.push((
                end,
                format!(
                    "{} {rid} Task timed out after {:.2} seconds\n\n",
                    iso_ms(end),
                    f64::from(spec.timeout_s)
                ),
            ));
        }
    }
    out.push((end, format!("END RequestId: {rid}\n")));
    let billed = (duration + init.unwrap_or(0.0)).ceil() as i64;
    let mut report = format!(
        "REPORT RequestId: {rid}\tDuration: {duration:.2} ms\tBilled Duration: {billed} ms\tMemory Size: {} MB\tMax Memory Used: {} MB",
        spec.memory_mb,
        model::memory_used(spec, rng)
    );
    if let Some(init) = init {
        let _ = write!(report, "\tInit Duration: {init:.2} ms");
    }
    if inv.outcome == Outcome::Timeout {
        report.push_str("\tStatus: timeout");
    }
    report.push_str("\t\n");
    out.push((end, report));
    out.sort_by_key(|(t, _)| *t);
    // The metric takes the REPORT line's figure, rounded as the line prints it.
    (out, end, (duration * 100.0).round() / 100.0)
}

/// A warm execution environment: its stream, its version and when it is next free.
struct Env {
    stream: usize,
    version: String,
    born_ms: i64,
    free_at: i64,
}

/// An idle execution environment is reclaimed after this long...
pub const IDLE_MS: i64 = 15 * 60_000;
/// ...and any after this long.
pub const LIFE_MS: i64 = 90 * 60_000;

/// The version an invocation runs.
pub fn pick_version(spec: &FunctionSpec, rng: &mut fastrand::Rng) -> String {
    match spec.release {
        Release::None => "$LATEST".to_owned(),
        Release::Live(n) => n.to_string(),
        Release::Weighted(n, w) => {
            if rng.f64() < w {
                n.to_string()
            } else {
                spec.release.live_version().unwrap_or(n).to_string()
            }
        }
    }
}

/// Runs `planned` invocations (oldest first) through warm execution environments, one log stream
/// each (a new environment is a cold start), and returns the streams and every invocation as it ran:
/// every planned invocation is logged, so the metrics aggregated from the runs match the logs.
pub fn history(
    spec: &'static FunctionSpec,
    arn: &str,
    region: &str,
    planned: &[Planned],
    rng: &mut fastrand::Rng,
) -> (Vec<StreamLog>, Vec<Run>) {
    let mut streams: Vec<StreamLog> = Vec::new();
    let mut envs: Vec<Env> = Vec::new();
    let mut runs = Vec::with_capacity(planned.len());
    for p in planned {
        let start = p.start_ms;
        let version = pick_version(spec, rng);
        // Environments are reclaimed after ~15 idle minutes or ~90 minutes of life.
        envs.retain(|e| start - e.free_at < IDLE_MS && start - e.born_ms < LIFE_MS);
        let free = envs
            .iter()
            .position(|e| e.version == version && e.free_at <= start && rng.f64() > 0.01);
        let (env_idx, cold) = if let Some(idx) = free {
            (idx, false)
        } else {
            let name = stream_name(at(start), &version, rng);
            streams.push(StreamLog {
                name,
                events: Vec::new(),
            });
            envs.push(Env {
                stream: streams.len() - 1,
                version: version.clone(),
                born_ms: start,
                free_at: start,
            });
            (envs.len() - 1, true)
        };
        let inv = Invocation {
            spec,
            arn,
            region,
            version: &version,
            start_ms: start,
            cold,
            outcome: p.outcome,
        };
        let (events, end, duration_ms) = invocation_events_timed(&inv, rng);
        let env = &mut envs[env_idx];
        env.free_at = end + 1;
        streams[env.stream].events.extend(events);
        runs.push(Run {
            start_ms: start,
            version,
            outcome: p.outcome,
            duration_ms,
        });
    }
    for s in &mut streams {
        s.events.sort_by_key(|(t, _)| *t);
    }
    (streams, runs)
}

/// One invocation as it ran: what its log lines say, and what its metrics count.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub start_ms: i64,
    /// The version that ran (`$LATEST` or a number; the `START` line's `Version:`).
    pub version: String,
    pub outcome: Outcome,
    /// The `REPORT` line's duration.
    pub duration_ms: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::catalog::{FUNCTIONS, spec};

    fn arn(name: &str) -> String {
        format!("arn:aws:lambda:us-east-1:123456789012:function:{name}")
    }

    #[test]
    fn uuid_and_stream_name_shapes() {
        let mut rng = fastrand::Rng::with_seed(1);
        let id = uuid(&mut rng);
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4');
        let t = DateTime::parse_from_rfc3339("2026-11-21T17:00:00Z")
            .expect("valid")
            .to_utc();
        let s = stream_name(t, "$LATEST", &mut rng);
        assert!(s.starts_with("2026/11/21/[$LATEST]"));
        assert_eq!(s.len(), "2026/11/21/[$LATEST]".len() + 32);
    }

    #[test]
    fn cold_start_has_init_and_report_fields() {
        let mut rng = fastrand::Rng::with_seed(2);
        let f = spec("orders-api").expect("exists");
        let a = arn(f.name);
        let inv = Invocation {
            spec: f,
            arn: &a,
            region: "us-east-1",
            version: "3",
            start_ms: 1_800_000_000_000,
            cold: true,
            outcome: Outcome::Ok,
        };
        let (events, end) = invocation_events(&inv, &mut rng);
        assert!(events.windows(2).all(|w| w[0].0 <= w[1].0));
        assert!(
            events[0]
                .1
                .starts_with("INIT_START Runtime Version: python:3.12.")
        );
        assert!(events[1].1.starts_with("START RequestId: "));
        let report = &events.last().expect("report").1;
        assert!(report.starts_with("REPORT RequestId: "));
        for field in [
            "\tDuration: ",
            " ms\tBilled Duration: ",
            "\tMemory Size: 512 MB",
            "\tMax Memory Used: ",
            "\tInit Duration: ",
        ] {
            assert!(report.contains(field), "{field} in {report}");
        }
        assert_eq!(events.last().expect("report").0, end);
        let json_line = events
            .iter()
            .find(|(_, m)| m.starts_with('{'))
            .expect("powertools line");
        let v: serde_json::Value = serde_json::from_str(json_line.1.trim()).expect("json");
        assert_eq!(v["cold_start"], true);
        assert_eq!(v["level"], "INFO");
        assert!(v["function_request_id"].as_str().is_some());
    }

    #[test]
    fn timeouts_say_so() {
        let mut rng = fastrand::Rng::with_seed(3);
        let f = spec("shipping-quote").expect("exists");
        let a = arn(f.name);
        let inv = Invocation {
            spec: f,
            arn: &a,
            region: "us-east-1",
            version: "$LATEST",
            start_ms: 1_800_000_000_000,
            cold: false,
            outcome: Outcome::Timeout,
        };
        let (events, end) = invocation_events(&inv, &mut rng);
        assert_eq!(end - inv.start_ms, 3000);
        assert!(
            events
                .iter()
                .any(|(_, m)| m.contains("Task timed out after 3.00 seconds"))
        );
        assert!(
            events
                .iter()
                .any(|(_, m)| m.contains("Duration: 3000.00 ms") && m.contains("Status: timeout"))
        );
    }

    #[test]
    fn errors_render_for_every_family() {
        let mut rng = fastrand::Rng::with_seed(4);
        for f in FUNCTIONS {
            let a = arn(f.name);
            let inv = Invocation {
                spec: f,
                arn: &a,
                region: "us-east-1",
                version: "$LATEST",
                start_ms: 1_800_000_000_000,
                cold: false,
                outcome: Outcome::Error,
            };
            let (events, _) = invocation_events(&inv, &mut rng);
            assert!(
                events.iter().any(|(_, m)| m.contains("ERROR")
                    || m.contains("\tfail\t")
                    || m.contains("errorType")),
                "{}: {events:?}",
                f.name
            );
        }
        let py = spec("order-processor").expect("exists");
        let a = arn(py.name);
        let inv = Invocation {
            spec: py,
            arn: &a,
            region: "us-east-1",
            version: "$LATEST",
            start_ms: 1_800_000_000_000,
            cold: false,
            outcome: Outcome::Error,
        };
        let (events, _) = invocation_events(&inv, &mut rng);
        assert!(
            events.iter().any(|(_, m)| m.starts_with("[ERROR] ")
                && m.contains("Traceback (most recent call last):"))
        );
    }

    #[test]
    fn history_streams_are_ordered_and_cold_start_first() {
        let mut rng = fastrand::Rng::with_seed(5);
        let f = spec("cart-service").expect("exists");
        let start = DateTime::parse_from_rfc3339("2026-11-21T14:00:00Z")
            .expect("valid")
            .to_utc()
            .timestamp_millis();
        let planned = model::plan(f, (start, start + 180 * 60_000), 200, &mut rng);
        let (streams, runs) = history(f, &arn(f.name), "us-east-1", &planned, &mut rng);
        // Environments live at most LIFE_MS: three hours need at least two.
        assert!(streams.len() >= 2, "{}", streams.len());
        let total: usize = streams
            .iter()
            .map(|s| {
                s.events
                    .iter()
                    .filter(|(_, m)| m.starts_with("START "))
                    .count()
            })
            .sum();
        assert_eq!(total, planned.len(), "every planned invocation is logged");
        assert_eq!(runs.len(), planned.len());
        for s in &streams {
            assert!(
                s.name.contains("[2]") || s.name.contains("[$LATEST]"),
                "{}",
                s.name
            );
            assert!(s.events.windows(2).all(|w| w[0].0 <= w[1].0));
            assert!(s.events[0].1.starts_with("INIT_START"), "{}", s.events[0].1);
        }
    }
}
