//! End-to-end: `lambdash tail` against the emulator. Every event put inside the window comes out
//! exactly once (same millisecond, late, in a stream created mid-follow), several functions merge in
//! timestamp order, `--lines N` finds old events, escape sequences never reach a terminal raw, and an
//! unknown function exits 2.
//!
//! Needs `LAMBDASH_TEST_ENDPOINT` (a running moto); `./scripts/test` starts one and sets it. Uses its
//! own region, and names unique to the run, so it can share the emulator with other tests and runs.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use lambdash::seed::{self, Emulator};

const REGION: &str = "eu-west-3";

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator \
             (or `scripts/moto start` and export LAMBDASH_TEST_ENDPOINT=<the URL it prints>)"
        )
    })
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A prefix unique to this run and test (moto keeps data between runs).
fn unique(test: &str) -> String {
    format!("tail-{test}-{}", now_ms() % 100_000_000)
}

/// Creates `count` functions and their log groups; returns their names.
async fn functions(e: &Emulator, prefix: &str, count: usize) -> Vec<String> {
    let names = seed::seed_functions(e, prefix, count, 4).await.unwrap();
    for name in &names {
        e.logs
            .create_log_group()
            .log_group_name(format!("/aws/lambda/{name}"))
            .send()
            .await
            .unwrap();
    }
    names
}

async fn stream(e: &Emulator, function: &str, stream: &str) {
    e.logs
        .create_log_stream()
        .log_group_name(format!("/aws/lambda/{function}"))
        .log_stream_name(stream)
        .send()
        .await
        .unwrap();
}

/// Puts events (timestamp ms, message) in one batch (sorted by time, as PutLogEvents requires).
async fn put(e: &Emulator, function: &str, stream: &str, events: &[(i64, String)]) {
    let mut events = events.to_vec();
    events.sort_by_key(|(ts, _)| *ts);
    let batch: Vec<InputLogEvent> = events
        .iter()
        .map(|(ts, m)| {
            InputLogEvent::builder()
                .timestamp(*ts)
                .message(m)
                .build()
                .unwrap()
        })
        .collect();
    e.logs
        .put_log_events()
        .log_group_name(format!("/aws/lambda/{function}"))
        .log_stream_name(stream)
        .set_log_events(Some(batch))
        .send()
        .await
        .unwrap();
}

/// The environment that points lambdash at the emulator, with no stray AWS or colour settings.
fn with_env<'a>(cmd: &'a mut Command, endpoint: &str) -> &'a mut Command {
    cmd.env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("lambdash-e2e-tail"),
        )
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("NO_COLOR")
}

fn lambdash(endpoint: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lambdash"));
    with_env(&mut cmd, endpoint);
    cmd
}

fn run(endpoint: &str, args: &[&str]) -> Output {
    lambdash(endpoint).args(args).output().unwrap()
}

fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    assert!(
        out.status.success(),
        "lambdash failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect()
}

fn messages(rows: &[serde_json::Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["message"].as_str().unwrap().to_owned())
        .collect()
}

/// `lambdash tail --follow` running in the background; its stdout lines arrive on a channel.
struct Follower {
    child: Child,
    lines: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
    seen: Vec<serde_json::Value>,
}

impl Follower {
    fn start(endpoint: &str, args: &[&str]) -> Self {
        let mut child = lambdash(endpoint)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let (etx, stderr) = mpsc::channel();
        let err = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if etx.send(line).is_err() {
                    break;
                }
            }
        });
        Self {
            child,
            lines,
            stderr,
            seen: Vec::new(),
        }
    }

    /// Reads lines until every message in `want` has been seen (at least once), or panics at the
    /// deadline.
    fn wait_for(&mut self, want: &[String], within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let got = messages(&self.seen);
            if want.iter().all(|w| got.contains(w)) {
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero(),
                "timed out waiting for {:?}; got {got:?}; stderr: {:?}",
                want.iter().filter(|w| !got.contains(w)).collect::<Vec<_>>(),
                self.stderr.try_iter().collect::<Vec<_>>()
            );
            if let Ok(line) = self
                .lines
                .recv_timeout(left.min(Duration::from_millis(200)))
            {
                self.seen.push(
                    serde_json::from_str(&line)
                        .unwrap_or_else(|e| panic!("not JSON ({e}): {line}")),
                );
            }
        }
    }

    /// Keeps reading for `period` (to catch duplicates printed late).
    fn drain(&mut self, period: Duration) {
        let deadline = Instant::now() + period;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            if let Ok(line) = self.lines.recv_timeout(left) {
                self.seen.push(serde_json::from_str(&line).unwrap());
            }
        }
    }
}

impl Drop for Follower {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_delivers_every_event_once_including_same_ms_late_and_new_streams() {
    // The default mode: Live Tail is tried, the emulator's fails, polling goes on (content de-dup).
    follow_exactly_once("auto").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poll_mode_delivers_every_event_once_including_same_ms_late_and_new_streams() {
    // Polling only, de-duplicated by eventId.
    follow_exactly_once("poll").await;
}

async fn follow_exactly_once(mode: &str) {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let prefix = unique(&format!("follow-{mode}"));
    let f = functions(&e, &prefix, 1).await.remove(0);
    stream(&e, &f, "2026/01/01/[$LATEST]aaaa").await;
    let t0 = now_ms();
    let initial: Vec<(i64, String)> = (0..3)
        .map(|i| (t0 - 10_000 + i, format!("initial {i}\n")))
        .collect();
    put(&e, &f, "2026/01/01/[$LATEST]aaaa", &initial).await;

    let mut tail = Follower::start(
        &endpoint,
        &[
            "tail", &f, "--follow", "--json", "--lines", "1000", "--mode", mode,
        ],
    );
    tail.wait_for(
        &["initial 0".into(), "initial 1".into(), "initial 2".into()],
        Duration::from_secs(20),
    );

    // A first event at T, delivered; then more events in that very millisecond, in the same and in
    // another stream: a tailer that restarts at "last timestamp + 1 ms" would lose them.
    let t = now_ms() - 1_000;
    put(
        &e,
        &f,
        "2026/01/01/[$LATEST]aaaa",
        &[(t, "same-ms first\n".into())],
    )
    .await;
    tail.wait_for(&["same-ms first".into()], Duration::from_secs(20));
    let mut same: Vec<(i64, String)> = (0..5).map(|i| (t, format!("same-ms {i}\n"))).collect();
    // Two identical lines in that millisecond: two events, each shown once.
    same.extend([(t, "twin\n".to_string()), (t, "twin\n".to_string())]);
    put(&e, &f, "2026/01/01/[$LATEST]aaaa", &same).await;
    // A late event: ingested now, stamped 40 s ago (older than everything printed since the start).
    put(
        &e,
        &f,
        "2026/01/01/[$LATEST]aaaa",
        &[(now_ms() - 40_000, "late event\n".into())],
    )
    .await;
    // A stream created while following (a new execution environment).
    stream(&e, &f, "2026/01/01/[$LATEST]bbbb").await;
    put(
        &e,
        &f,
        "2026/01/01/[$LATEST]bbbb",
        &[
            (t, "new stream same-ms\n".into()),
            (now_ms() - 5_000, "new stream\n".into()),
        ],
    )
    .await;

    let mut want: Vec<String> = (0..5).map(|i| format!("same-ms {i}")).collect();
    want.extend([
        "twin".into(),
        "late event".into(),
        "new stream same-ms".into(),
        "new stream".into(),
    ]);
    tail.wait_for(&want, Duration::from_secs(30));
    // Several more polls: nothing may come twice.
    tail.drain(Duration::from_secs(4));

    let got = messages(&tail.seen);
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for m in &got {
        *counts.entry(m.as_str()).or_default() += 1;
    }
    assert_eq!(got.len(), 3 + 1 + 5 + 2 + 1 + 2, "{got:?}");
    assert_eq!(counts.remove("twin"), Some(2), "{got:?}");
    assert!(counts.values().all(|c| *c == 1), "duplicates: {counts:?}");
    let mut ids: Vec<&str> = tail
        .seen
        .iter()
        .map(|r| r["event_id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), got.len(), "an event_id printed twice");
    for row in &tail.seen {
        assert_eq!(row["function"], f.as_str());
        let ts = row["timestamp"].as_str().unwrap();
        assert!(
            ts.ends_with('Z') && ts.len() == "2026-01-01T00:00:00.000Z".len(),
            "{ts}"
        );
        assert!(row["ingestion_time"].is_string(), "{row}");
        assert!(row["stream"].as_str().unwrap().starts_with("2026/01/01/"));
    }
}

type Events = Vec<(i64, String)>;

/// Two hours of interleaved events: a on even seconds-steps, b on odd ones, plus recent ones.
fn interleaved_events() -> (Events, Events) {
    let base = now_ms() - 2 * 3_600_000 + 60_000;
    let step = 97_000;
    let mut ev_a = Vec::new();
    let mut ev_b = Vec::new();
    for i in 0..140i64 {
        let ts = base + i * step / 2;
        if ts > now_ms() - 5_000 {
            break;
        }
        if i % 2 == 0 {
            ev_a.push((ts, format!("a {i}\n")));
        } else {
            ev_b.push((
                ts,
                format!("b {i}{}\n", if i % 7 == 0 { " ERROR" } else { "" }),
            ));
        }
    }
    (ev_a, ev_b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_functions_merge_in_timestamp_order_over_a_sliced_range() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let prefix = unique("merge");
    let names = functions(&e, &prefix, 2).await;
    let (a, b) = (&names[0], &names[1]);
    stream(&e, a, "s").await;
    stream(&e, b, "s").await;
    let (ev_a, ev_b) = interleaved_events();
    put(&e, a, "s", &ev_a).await;
    put(&e, b, "s", &ev_b).await;
    let total = ev_a.len() + ev_b.len();

    let out = run(
        &endpoint,
        &[
            "tail",
            a,
            b,
            "--since",
            "3h",
            "--budget-tps",
            "20",
            "--json",
        ],
    );
    let rows = json_lines(&out);
    assert_eq!(
        rows.len(),
        total,
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ts: Vec<&str> = rows
        .iter()
        .map(|r| r["timestamp"].as_str().unwrap())
        .collect();
    assert!(
        ts.windows(2).all(|w| w[0] <= w[1]),
        "not in timestamp order: {ts:?}"
    );
    // Strict interleaving: the i-th row is event i, from a when i is even.
    for (i, row) in rows.iter().enumerate() {
        let (function, tag) = if i % 2 == 0 { (a, "a") } else { (b, "b") };
        assert_eq!(row["function"], function.as_str(), "row {i}: {row}");
        let message = row["message"].as_str().unwrap();
        assert!(
            message == format!("{tag} {i}") || message == format!("{tag} {i} ERROR"),
            "row {i}: {row}"
        );
    }

    // Plain output: `TIMESTAMP FUNCTION MESSAGE`, no colour in a pipe.
    let out = run(
        &endpoint,
        &["tail", a, b, "--since", "3h", "--budget-tps", "20"],
    );
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\x1b'));
    let first = text.lines().next().unwrap();
    let mut parts = first.splitn(3, ' ');
    let ts0 = parts.next().unwrap();
    chrono::DateTime::parse_from_rfc3339(ts0).unwrap();
    assert_eq!(parts.next(), Some(a.as_str()));
    assert_eq!(parts.next(), Some("a 0"));
    assert_eq!(text.lines().count(), total);

    // A server-side filter.
    let rows = json_lines(&run(
        &endpoint,
        &[
            "tail",
            a,
            b,
            "--since",
            "3h",
            "--budget-tps",
            "20",
            "--json",
            "--filter",
            "ERROR",
        ],
    ));
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["message"].as_str().unwrap().ends_with("ERROR"))
    );
    assert_eq!(
        rows.len(),
        ev_b.iter().filter(|(_, m)| m.contains("ERROR")).count()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lines_returns_the_last_n_whatever_their_age() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let prefix = unique("lines");
    let f = functions(&e, &prefix, 1).await.remove(0);
    stream(&e, &f, "old").await;
    stream(&e, &f, "older").await;
    // Nothing in the last three days: the newest events are 3 days old.
    let three_days = now_ms() - 3 * 86_400_000;
    let older: Vec<(i64, String)> = (0..10)
        .map(|i| (three_days - 86_400_000 + i * 1_000, format!("older {i}\n")))
        .collect();
    let old: Vec<(i64, String)> = (0..30)
        .map(|i| (three_days + i * 1_000, format!("old {i}\n")))
        .collect();
    put(&e, &f, "older", &older).await;
    put(&e, &f, "old", &old).await;

    let rows = json_lines(&run(&endpoint, &["tail", &f, "--lines", "5", "--json"]));
    assert_eq!(
        messages(&rows),
        ["old 25", "old 26", "old 27", "old 28", "old 29"]
    );
    // More than one stream holds the answer.
    let rows = json_lines(&run(&endpoint, &["tail", &f, "--lines", "33", "--json"]));
    assert_eq!(rows.len(), 33);
    assert_eq!(messages(&rows)[0], "older 7");
    // The default is the last 200: all 40 here.
    let rows = json_lines(&run(&endpoint, &["tail", &f, "--json"]));
    assert_eq!(rows.len(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_sequences_are_escaped_on_a_terminal_and_in_json() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let prefix = unique("esc");
    let f = functions(&e, &prefix, 1).await.remove(0);
    stream(&e, &f, "s").await;
    let evil = "pay \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x1b]52;c;ZXZpbA==\x07 \u{202e}done\n";
    put(&e, &f, "s", &[(now_ms() - 2_000, evil.to_owned())]).await;

    // A real terminal, through `script`: control sequences must come out visibly escaped.
    for no_color in [false, true] {
        let command = format!("'{}' tail '{f}' --lines 5", env!("CARGO_BIN_EXE_lambdash"));
        let mut cmd = Command::new("script");
        with_env(&mut cmd, &endpoint).args(["-qec", &command, "/dev/null"]);
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        let out = cmd.stdin(Stdio::null()).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{text}");
        assert!(
            text.contains(
                r"pay \x1b[31mRED\x1b[0m \x1b]0;pwned\x07 \x1b]52;c;ZXZpbA==\x07 \u{202e}done"
            ),
            "{text:?}"
        );
        assert!(
            !text.contains("\x1b]"),
            "raw OSC reached the terminal: {text:?}"
        );
        assert!(
            !text.contains("\x1b[31mRED"),
            "raw CSI from the message: {text:?}"
        );
        assert!(!text.contains('\u{202e}'), "raw bidi override: {text:?}");
        if no_color {
            assert!(
                !text.contains('\x1b'),
                "NO_COLOR output has escapes: {text:?}"
            );
        } else {
            assert!(text.contains("\x1b[2m"), "a terminal gets colour: {text:?}");
        }
    }

    // JSON: escaped by the encoding, and the exact message round-trips.
    let out = run(&endpoint, &["tail", &f, "--lines", "5", "--json"]);
    assert!(!out.stdout.contains(&0x1b), "raw ESC in --json output");
    let rows = json_lines(&out);
    assert_eq!(rows[0]["message"], evil.trim_end_matches('\n'));
    assert!(String::from_utf8_lossy(&out.stdout).contains(r"\u001b[31mRED"));

    // A pipe (`| less -R`, `| grep`) is escaped too; `--raw` opts out and gets the bytes.
    let out = run(&endpoint, &["tail", &f, "--lines", "5"]);
    let piped = String::from_utf8_lossy(&out.stdout);
    assert!(
        !piped.contains('\x1b') && !piped.contains('\u{202e}'),
        "{piped:?}"
    );
    assert!(piped.contains(r"pay \x1b[31mRED"), "{piped:?}");
    let out = run(&endpoint, &["tail", &f, "--lines", "5", "--raw"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b[31mRED"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_function_exits_2_with_a_clear_message() {
    let endpoint = endpoint();
    let out = run(
        &endpoint,
        &["tail", "no-such-function-anywhere", "--lines", "5"],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("function no-such-function-anywhere not found in eu-west-3"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());

    let out = run(&endpoint, &["tail", "x", "--since", "1h", "--lines", "5"]);
    assert_eq!(out.status.code(), Some(2), "--since and --lines conflict");
    let out = run(&endpoint, &["tail", "x", "--since", "soon"]);
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_pipe_ends_quietly() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let prefix = unique("pipe");
    let f = functions(&e, &prefix, 1).await.remove(0);
    stream(&e, &f, "s").await;
    let events: Vec<(i64, String)> = (0..3_000)
        .map(|i| {
            (
                now_ms() - 60_000 + i / 100,
                format!("line {i} {}\n", "x".repeat(200)),
            )
        })
        .collect();
    put(&e, &f, "s", &events).await;
    let mut child = lambdash(&endpoint)
        .args(["tail", &f, "--since", "10m", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(first.contains("line 0"), "{first}");
    } // the read end closes here, like `| head -1`
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "lambdash kept running after its pipe closed"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_mode_ends_in_polling_against_the_emulator_and_says_why() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let prefix = unique("auto");
    let f = functions(&e, &prefix, 1).await.remove(0);
    stream(&e, &f, "s").await;
    put(&e, &f, "s", &[(now_ms() - 5_000, "before\n".into())]).await;
    let mut tail = Follower::start(&endpoint, &["tail", &f, "--follow", "--json"]);
    tail.wait_for(&["before".into()], Duration::from_secs(20));
    // The emulator's Live Tail sends one snapshot (of whichever group was created last) and closes:
    // lambdash says it polls, and why.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut stderr = Vec::new();
    while !stderr
        .iter()
        .any(|l: &String| l.starts_with("polling FilterLogEvents: Live Tail"))
    {
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "no fall-back message on stderr: {stderr:?}"
        );
        if let Ok(line) = tail
            .stderr
            .recv_timeout(left.min(Duration::from_millis(200)))
        {
            stderr.push(line);
        }
    }
    assert!(
        !stderr.iter().any(|l| l == "following with Live Tail"),
        "{stderr:?}"
    );
    put(&e, &f, "s", &[(now_ms() - 500, "after\n".into())]).await;
    tail.wait_for(&["after".into()], Duration::from_secs(20));
    tail.drain(Duration::from_secs(3));
    assert_eq!(
        messages(&tail.seen),
        ["before", "after"],
        "the snapshot is not shown again"
    );
}
