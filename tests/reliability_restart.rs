//! The endpoint disappears: the test's own emulator is killed while three TUIs (functions, logs, alarms)
//! run, then started again on the same port and re-seeded. Meanwhile each pane keeps its last good data
//! and says STALE with the error; afterwards each recovers on its own, without a key pressed.
#![allow(clippy::unwrap_used)]

mod support;

use std::time::{Duration, Instant};

use support::{Home, Moto, Tmux, free_port};

const REGION: &str = "us-east-1";
const PREFIX: &str = "restart";
const FUNCTION: &str = "restart-0000";
const ALARM: &str = "restart-0000-errors";

/// Two functions, a log line for the first and an alarm on it.
async fn seed(endpoint: &str, line: &str) {
    let emu = lambdash::seed::connect(endpoint, REGION).await;
    lambdash::seed::seed_functions(&emu, PREFIX, 2, 2)
        .await
        .unwrap();
    let group = format!("/aws/lambda/{FUNCTION}");
    let _ = emu
        .logs
        .create_log_group()
        .log_group_name(&group)
        .send()
        .await;
    let _ = emu
        .logs
        .create_log_stream()
        .log_group_name(&group)
        .log_stream_name("s")
        .send()
        .await;
    emu.logs
        .put_log_events()
        .log_group_name(&group)
        .log_stream_name("s")
        .log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(chrono::Utc::now().timestamp_millis())
                .message(line)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    emu.cloudwatch
        .put_metric_alarm()
        .alarm_name(ALARM)
        .namespace("AWS/Lambda")
        .metric_name("Errors")
        .dimensions(
            aws_sdk_cloudwatch::types::Dimension::builder()
                .name("FunctionName")
                .value(FUNCTION)
                .build(),
        )
        .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(
            aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanOrEqualToThreshold,
        )
        .send()
        .await
        .unwrap();
}

struct Pane {
    name: &'static str,
    tmux: Tmux,
    data: &'static str,
}

impl Pane {
    fn stale(&self, s: &str) -> bool {
        (s.contains("STALE —") || s.contains("throttled, retrying")) && s.contains(self.data)
    }

    fn healthy(&self, s: &str, data: &str) -> bool {
        !s.contains("STALE —")
            && !s.contains("throttled, retrying")
            && (self.name != "logs" || s.contains("following"))
            && s.contains(data)
    }
}

#[test]
fn panes_keep_stale_data_while_the_endpoint_is_gone_then_recover() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut moto = Moto::start(free_port());
    rt.block_on(seed(&moto.url(), "hello from before the restart"));
    let home = Home::new();
    home.write_config("[poll]\nfunctions_every = \"5s\"\n\n[ui]\nflash_ttl = \"30s\"\n");
    let command = format!(
        "{} {}; echo EXITED-$?; sleep 300",
        home.env_prefix(&moto.url(), REGION),
        support::bin()
    );
    let start = |name: &'static str, keys: &[&str], data: &'static str| {
        let tmux = Tmux::start(&format!("lambdash-restart-{name}"), &command);
        tmux.wait_for("the functions", |s| s.contains(FUNCTION));
        tmux.keys(keys);
        let pane = Pane { name, tmux, data };
        pane.tmux
            .wait_within(Duration::from_secs(30), name, |s| pane.healthy(s, data));
        pane
    };
    let panes = [
        start("functions", &[], FUNCTION),
        start("logs", &["l"], "hello from before the restart"),
        start("alarms", &["A"], ALARM),
    ];

    moto.kill();
    let killed = Instant::now();
    for pane in &panes {
        if pane.name == "alarms" {
            // It polls every 30 s: ask now rather than wait.
            pane.tmux.keys(&["r"]);
        }
        let screen = pane.tmux.wait_within(
            Duration::from_mins(1),
            &format!("{}: stale data and the error", pane.name),
            |s| pane.stale(s),
        );
        if pane.name == "functions" {
            assert!(
                screen.contains("cannot reach the endpoint"),
                "says why:\n{screen}"
            );
        }
    }
    println!(
        "RESTART every pane STALE with its data {:.1} s after the kill",
        killed.elapsed().as_secs_f64()
    );

    moto.restart();
    rt.block_on(seed(&moto.url(), "hello from after the restart"));
    let back = Instant::now();
    let expected = [
        (FUNCTION, Duration::from_secs(5)),
        ("hello from after the restart", Duration::from_secs(30)),
        (ALARM, Duration::from_secs(30)),
    ];
    // One poll (its backoff is capped by it) + 10 % jitter + a call. Every pane is watched at once.
    let limit = |poll: Duration| poll.mul_f64(1.1) + Duration::from_secs(10);
    let mut took: Vec<Option<Result<Duration, String>>> = vec![None, None, None];
    while took.iter().any(Option::is_none) {
        for (i, (pane, (data, poll))) in panes.iter().zip(expected).enumerate() {
            if took[i].is_some() {
                continue;
            }
            let screen = pane.tmux.screen();
            if pane.healthy(&screen, data) {
                took[i] = Some(Ok(back.elapsed()));
            } else if back.elapsed() > limit(poll) + Duration::from_secs(20) {
                took[i] = Some(Err(screen));
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let mut problems = Vec::new();
    for (i, result) in took.into_iter().flatten().enumerate() {
        let (pane, (_, poll)) = (&panes[i], expected[i]);
        match result {
            Ok(t) => {
                println!(
                    "RESTART {} recovered {:.1} s after the endpoint came back (poll {} s)",
                    pane.name,
                    t.as_secs_f64(),
                    poll.as_secs()
                );
                if t > limit(poll) {
                    problems.push(format!("{} took {t:?}", pane.name));
                }
            }
            Err(screen) => {
                println!("RESTART {} NOT recovered", pane.name);
                problems.push(format!("{} never recovered:\n{screen}", pane.name));
            }
        }
        assert!(!pane.tmux.screen().contains("EXITED-"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
