//! Attacker-written text (queue messages, log lines, alarm descriptions, names in error messages) put
//! into the emulator from the hostile-text corpus, then read back through every subcommand *piped*
//! (stdout not a terminal, as in `lambdash dlq peek Q | less -R`): no ESC, BEL, C0, C1, DEL or bidi
//! control reaches stdout or stderr, in plain text or in `--json`; JSON stays lossless; `--raw` opts out.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output, Stdio};

use lambdash::sanitize::is_unsafe;
use lambdash::seed::{self, Emulator};

const REGION: &str = "eu-west-2";

/// Valid UTF-8 fragments an attacker would use (the corpus of tests/hostile_text.rs), and plain text.
const FRAGMENTS: &[&str] = &[
    "\x1b[2J",
    "\x1b[31;1m",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b]0;pwned\x1b\\",
    "\x1bP+q544e\x1b\\",
    "\u{9b}31m",
    "\u{90}",
    "\u{85}",
    "\u{202e}",
    "\u{2066}",
    "\u{200f}",
    "\u{61c}",
    "\x07\x08\x7f\r\t\x0b\x0c",
    "{\"level\":\"ERROR\",\"message\":\"\x1b[31mboom\"}",
    "plain text, café, ✓",
    "\n",
];

fn hostile(rng: &mut fastrand::Rng) -> String {
    let mut s = String::from("h:");
    for _ in 0..rng.usize(2..10) {
        s.push_str(FRAGMENTS[rng.usize(..FRAGMENTS.len())]);
    }
    s
}

/// Hostile text that XML 1.0 can carry (C1, DEL and bidi, but no C0 other than tab and line breaks):
/// the query-protocol CloudWatch answers are XML, and a C0 control there fails the whole response
/// (the SDK rejects the document: see the malformed-alarm fallback in src/aws/alarms.rs).
fn hostile_xml(rng: &mut fastrand::Rng) -> String {
    hostile(rng)
        .chars()
        .filter(|&c| !c.is_ascii_control() || matches!(c, '\t' | '\n' | '\u{7f}'))
        .collect()
}

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT")
        .expect("LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator")
}

fn run(endpoint: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdash"))
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("lambdash-hostile-output"),
        )
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("lambdash-hostile-output"),
        )
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// No raw control or bidi character, `allowed` (line structure) aside.
fn assert_clean(what: &str, bytes: &[u8], allowed: &[char]) {
    let text = String::from_utf8_lossy(bytes);
    let bad: Vec<char> = text
        .chars()
        .filter(|&c| is_unsafe(c) && !allowed.contains(&c))
        .collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in {text:?}");
}

fn assert_ok(what: &str, out: &Output) {
    assert!(
        out.status.success(),
        "{what}: exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Seeded {
    queue: String,
    function: String,
    bodies: Vec<String>,
    lines: Vec<String>,
}

async fn seed_hostile(e: &Emulator, rng: &mut fastrand::Rng) -> Seeded {
    let tag = chrono::Utc::now().timestamp_millis() % 100_000_000;
    let queue = format!("hostile-{tag}");
    let url = e
        .sqs
        .create_queue()
        .queue_name(&queue)
        .send()
        .await
        .unwrap()
        .queue_url()
        .unwrap()
        .to_string();
    let mut bodies = Vec::new();
    for _ in 0..8 {
        let body = hostile(rng);
        e.sqs
            .send_message()
            .queue_url(&url)
            .message_body(&body)
            .send()
            .await
            .unwrap();
        bodies.push(body);
    }
    let function = seed::seed_functions(e, &format!("hostile-{tag}"), 1, 1)
        .await
        .unwrap()
        .remove(0);
    let group = format!("/aws/lambda/{function}");
    e.logs
        .create_log_group()
        .log_group_name(&group)
        .send()
        .await
        .unwrap();
    e.logs
        .create_log_stream()
        .log_group_name(&group)
        .log_stream_name("s")
        .send()
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    let lines: Vec<String> = (0..20).map(|_| hostile(rng)).collect();
    let events = lines.iter().enumerate().map(|(i, m)| {
        aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
            .timestamp(now - 60_000 + i as i64)
            .message(m)
            .build()
            .unwrap()
    });
    e.logs
        .put_log_events()
        .log_group_name(&group)
        .log_stream_name("s")
        .set_log_events(Some(events.collect()))
        .send()
        .await
        .unwrap();
    e.cloudwatch
        .put_metric_alarm()
        .alarm_name(format!("{function}-errors"))
        .alarm_description(hostile_xml(rng))
        .namespace("AWS/Lambda")
        .metric_name("Errors")
        .dimensions(
            aws_sdk_cloudwatch::types::Dimension::builder()
                .name("FunctionName")
                .value(&function)
                .build(),
        )
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    e.cloudwatch
        .set_alarm_state()
        .alarm_name(format!("{function}-errors"))
        .state_value(aws_sdk_cloudwatch::types::StateValue::Alarm)
        .state_reason(hostile_xml(rng))
        .send()
        .await
        .unwrap();
    Seeded {
        queue,
        function,
        bodies,
        lines,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piped_and_json_output_carry_no_raw_control_characters() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let mut rng = fastrand::Rng::with_seed(0x5ec_0de);
    let s = seed_hostile(&e, &mut rng).await;

    // Plain text, piped: escaped; only the output's own line structure (and tabs in bodies) is raw.
    for args in [
        vec!["dlq", "peek", &s.queue, "-n", "10"],
        vec!["tail", &s.function, "--lines", "50"],
        vec!["alarms"],
        vec!["alarms", "--function", &s.function],
        vec!["functions"],
    ] {
        let out = run(&endpoint, &args);
        assert_ok(&format!("{args:?}"), &out);
        assert_clean(&format!("{args:?} stdout"), &out.stdout, &['\n', '\t']);
        assert_clean(&format!("{args:?} stderr"), &out.stderr, &['\n']);
    }

    // JSON: C0 by serde, C1/bidi/DEL by lambdash, as \uXXXX; what was sent comes back exactly.
    let out = run(&endpoint, &["dlq", "peek", &s.queue, "-n", "10", "--json"]);
    assert_ok("peek --json", &out);
    assert_clean("peek --json", &out.stdout, &['\n']);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: Vec<String> = rows
        .iter()
        .map(|r| r["body"].as_str().unwrap().to_string())
        .collect();
    let mut sent = s.bodies.clone();
    got.sort();
    sent.sort();
    assert_eq!(got, sent, "peek --json is lossless");

    let out = run(&endpoint, &["tail", &s.function, "--lines", "50", "--json"]);
    assert_ok("tail --json", &out);
    assert_clean("tail --json", &out.stdout, &['\n']);
    let messages: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["message"].as_str().unwrap().to_string()
        })
        .collect();
    let want: Vec<String> = s
        .lines
        .iter()
        .map(|l| lambdash::domain::log::trim_one_newline(l).to_string())
        .collect();
    assert_eq!(messages, want, "tail --json is lossless");

    for args in [
        vec!["alarms", "--json"],
        vec!["functions", "--json"],
        vec!["dlq", "list", "--json"],
        vec!["alias", "list", &s.function, "--json"],
        vec!["metrics", &s.function, "--since", "1h", "--json"],
        vec!["cost", "--since", "1h", "--json"],
    ] {
        let out = run(&endpoint, &args);
        assert_ok(&format!("{args:?}"), &out);
        assert_clean(&format!("{args:?}"), &out.stdout, &['\n']);
        assert_clean(&format!("{args:?} stderr"), &out.stderr, &['\n']);
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap();
    }

    // `--raw` opts out: the bytes as written.
    let out = run(&endpoint, &["tail", &s.function, "--lines", "50", "--raw"]);
    assert_ok("tail --raw", &out);
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .chars()
            .any(|c| c == '\u{1b}' || c == '\u{202e}'),
        "--raw passes the text through"
    );
}

/// An error echoing a crafted name (a queue or function that does not exist) is escaped on stderr.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_echoing_a_crafted_name_are_escaped_on_stderr() {
    let endpoint = endpoint();
    for args in [
        ["dlq", "peek", "\x1b[31mX\x07\u{202e}", "-n", "1"],
        ["tail", "\x1b]0;pwned\x07f", "--lines", "1", "--json"],
        ["alias", "list", "\x1b[2Jf", "--json", "--raw"],
    ] {
        let out = run(&endpoint, &args);
        assert!(!out.status.success(), "{args:?} should fail");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
        assert_clean(&format!("{args:?} stderr"), &out.stderr, &['\n']);
        assert_clean(&format!("{args:?} stdout"), &out.stdout, &['\n']);
    }
}
