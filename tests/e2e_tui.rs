//! The real TUI in a real terminal (tmux) against the emulator: type a filter, read the screen, quit.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::time::{Duration, Instant};

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT")
        .expect("LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator")
}

struct Tmux {
    session: String,
}

impl Tmux {
    fn start(session: &str, command: &str) -> Self {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", session])
            .status();
        let status = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                session,
                "-x",
                "140",
                "-y",
                "35",
                command,
            ])
            .status()
            .expect("tmux must be installed (scripts/test installs it)");
        assert!(status.success());
        Self {
            session: session.to_string(),
        }
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        assert!(Command::new("tmux").args(&args).status().unwrap().success());
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until the screen satisfies `pred`, returning it; panics with the last screen on timeout.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if pred(&s) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn alive(&self) -> bool {
        Command::new("tmux")
            .args(["has-session", "-t", &self.session])
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn tui_filters_functions_typed_in_a_real_terminal() {
    let endpoint = endpoint();
    let region = "ca-central-1";
    let emu = lambdash::seed::connect(&endpoint, region).await;
    lambdash::seed::seed_functions(&emu, "tui-alpha-", 3, 3)
        .await
        .unwrap();
    lambdash::seed::seed_functions(&emu, "tui-beta-", 3, 3)
        .await
        .unwrap();

    let bin = env!("CARGO_BIN_EXE_lambdash");
    let dir = tempfile::tempdir().unwrap();
    let command = format!(
        "env AWS_ENDPOINT_URL={endpoint} AWS_REGION={region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
         XDG_CONFIG_HOME={cfg} XDG_STATE_HOME={cfg} XDG_CACHE_HOME={cfg} {bin}; echo EXITED-$?; sleep 30",
        cfg = dir.path().display()
    );
    let tmux = Tmux::start("lambdash-e2e-filter", &command);
    let screen = tmux.wait_for("the functions to load", |s| {
        s.contains("tui-beta-") && s.contains("tui-alpha-")
    });
    assert!(screen.contains("region ca-central-1"), "{screen}");
    assert!(screen.contains("account 123456789012"), "{screen}");

    tmux.keys(&["/", "alpha"]);
    let screen = tmux.wait_for("the filter to apply", |s| !s.contains("tui-beta-"));
    assert!(screen.contains("tui-alpha-"), "{screen}");
    assert!(screen.contains("3 of 6 match /alpha"), "{screen}");

    tmux.keys(&["Escape", "Escape"]);
    tmux.wait_for("the filter to clear", |s| s.contains("tui-beta-"));

    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the detail view", |s| s.contains("Environment"));
    assert!(screen.contains("Handler"), "{screen}");

    tmux.keys(&["q"]);
    let screen = tmux.wait_for("lambdash to exit", |s| s.contains("EXITED-"));
    assert!(screen.contains("EXITED-0"), "{screen}");
    assert!(tmux.alive());
}

/// The pid of the process running in the tmux pane's shell (`sh -c "...; lambdash ...; ..."`).
fn child_of_pane(session: &str) -> Option<u32> {
    let out = Command::new("tmux")
        .args(["list-panes", "-t", session, "-F", "#{pane_pid}"])
        .output()
        .ok()?;
    let pane: u32 = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    let children = std::fs::read_to_string(format!("/proc/{pane}/task/{pane}/children")).ok()?;
    children.split_whitespace().find_map(|p| {
        let pid: u32 = p.parse().ok()?;
        let cmd = std::fs::read_to_string(format!("/proc/{pid}/cmdline")).ok()?;
        cmd.contains("lambdash").then_some(pid)
    })
}

fn signal_restores_the_terminal(signal: &str, region: &str, session: &str) {
    let endpoint = endpoint();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let emu = lambdash::seed::connect(&endpoint, region).await;
        lambdash::seed::seed_functions(&emu, "tui-signal-", 2, 2)
            .await
            .unwrap();
    });
    let bin = env!("CARGO_BIN_EXE_lambdash");
    let dir = tempfile::tempdir().unwrap();
    // The shell records the tty settings before and after: raw mode left on would differ.
    let command = format!(
        "before=$(stty -g); env AWS_ENDPOINT_URL={endpoint} AWS_REGION={region} AWS_ACCESS_KEY_ID=test \
         AWS_SECRET_ACCESS_KEY=test XDG_CONFIG_HOME={cfg} XDG_STATE_HOME={cfg} XDG_CACHE_HOME={cfg} {bin}; code=$?; \
         [ \"$before\" = \"$(stty -g)\" ] && echo TTY-RESTORED; echo EXITED-$code; sleep 30",
        cfg = dir.path().display()
    );
    let tmux = Tmux::start(session, &command);
    tmux.wait_for("the functions to load", |s| s.contains("tui-signal-"));
    let pid = child_of_pane(session).expect("lambdash runs in the pane");
    let status = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let screen = tmux.wait_for("lambdash to exit", |s| s.contains("EXITED-"));
    assert!(
        screen.contains("TTY-RESTORED"),
        "tty settings differ after {signal}:\n{screen}"
    );
    assert!(screen.contains("EXITED-0"), "{screen}");
    assert!(
        !screen.contains("tui-signal-"),
        "the alternate screen was left:\n{screen}"
    );
}

#[test]
fn sigterm_restores_the_terminal() {
    signal_restores_the_terminal("TERM", "ap-northeast-1", "lambdash-e2e-term");
}

#[test]
fn sighup_restores_the_terminal() {
    signal_restores_the_terminal("HUP", "ap-northeast-2", "lambdash-e2e-hup");
}

#[tokio::test(flavor = "multi_thread")]
async fn tui_logs_pane_shows_old_events_then_follows_new_ones() {
    let endpoint = endpoint();
    let region = "us-west-1";
    let emu = lambdash::seed::connect(&endpoint, region).await;
    lambdash::seed::seed_functions(&emu, "tui-logs", 1, 1)
        .await
        .unwrap();
    let function = "tui-logs-0000";
    let logs = aws_sdk_cloudwatchlogs::Client::new(&emu.sdk);
    let group = format!("/aws/lambda/{function}");
    let _ = logs.create_log_group().log_group_name(&group).send().await;
    let put = |stream: &'static str, at: chrono::DateTime<chrono::Utc>, message: &'static str| {
        let logs = logs.clone();
        let group = group.clone();
        async move {
            let _ = logs
                .create_log_stream()
                .log_group_name(&group)
                .log_stream_name(stream)
                .send()
                .await;
            logs.put_log_events()
                .log_group_name(&group)
                .log_stream_name(stream)
                .log_events(
                    aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                        .timestamp(at.timestamp_millis())
                        .message(message)
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
        }
    };
    // Two days old: an empty "last 15 minutes" window would show nothing.
    put(
        "old",
        chrono::Utc::now() - chrono::Duration::days(2),
        "an event from two days ago",
    )
    .await;

    let bin = env!("CARGO_BIN_EXE_lambdash");
    let dir = tempfile::tempdir().unwrap();
    let command = format!(
        "env AWS_ENDPOINT_URL={endpoint} AWS_REGION={region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
         XDG_CONFIG_HOME={cfg} XDG_STATE_HOME={cfg} XDG_CACHE_HOME={cfg} {bin}; echo EXITED-$?; sleep 30",
        cfg = dir.path().display()
    );
    let tmux = Tmux::start("lambdash-e2e-logs", &command);
    tmux.wait_for("the function", |s| s.contains(function));
    tmux.keys(&["l"]);
    tmux.wait_for("the old event", |s| {
        s.contains("an event from two days ago")
    });

    put("new", chrono::Utc::now(), "fresh \x1b[31mred\x1b[0m line").await;
    let screen = tmux.wait_for("the new event while following", |s| s.contains("fresh"));
    assert!(
        screen.contains("fresh \\x1b[31mred\\x1b[0m line"),
        "escaped, not interpreted:\n{screen}"
    );
    assert!(screen.contains("following"), "{screen}");

    tmux.keys(&["Escape", "q"]);
    let screen = tmux.wait_for("lambdash to exit", |s| s.contains("EXITED-"));
    assert!(screen.contains("EXITED-0"), "{screen}");
}

/// Three to seven minutes ago, a minute each: 100 invocations, 7 errors, durations 100–900 ms
/// (25 s in all) of `function`.
fn five_minutes_of_datapoints(function: &str) -> Vec<aws_sdk_cloudwatch::types::MetricDatum> {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit, StatisticSet};
    let dim = || {
        Dimension::builder()
            .name("FunctionName")
            .value(function)
            .build()
    };
    let now = chrono::Utc::now();
    let mut data = Vec::new();
    // Three to seven minutes ago: periods that are over and past CloudWatch's ingestion delay (a
    // period still filling, or younger than two minutes, is never a datapoint on screen).
    for m in 3..=7_i64 {
        let t =
            aws_smithy_types::DateTime::from_secs((now - chrono::Duration::minutes(m)).timestamp());
        data.push(
            MetricDatum::builder()
                .metric_name("Invocations")
                .dimensions(dim())
                .timestamp(t)
                .value(100.0)
                .unit(StandardUnit::Count)
                .build(),
        );
        data.push(
            MetricDatum::builder()
                .metric_name("Errors")
                .dimensions(dim())
                .timestamp(t)
                .value(7.0)
                .unit(StandardUnit::Count)
                .build(),
        );
        data.push(
            MetricDatum::builder()
                .metric_name("Duration")
                .dimensions(dim())
                .timestamp(t)
                .statistic_values(
                    StatisticSet::builder()
                        .sample_count(100.0)
                        .sum(25_000.0)
                        .minimum(100.0)
                        .maximum(900.0)
                        .build(),
                )
                .unit(StandardUnit::Milliseconds)
                .build(),
        );
    }
    data
}

/// The metrics pane (`m`) draws the published datapoints with the alarm and the timeout, changes
/// range, and the cost pane (`$`) costs the same function; both against the emulator.
#[tokio::test(flavor = "multi_thread")]
async fn tui_metrics_and_cost_panes_show_published_datapoints() {
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
    let endpoint = endpoint();
    let region = "eu-west-2";
    let emu = lambdash::seed::connect(&endpoint, region).await;
    let prefix = format!("tui-m{}-", std::process::id() % 10_000);
    let names = lambdash::seed::seed_functions(&emu, &prefix, 1, 1)
        .await
        .unwrap();
    let function = names[0].clone();
    let dim = || {
        Dimension::builder()
            .name("FunctionName")
            .value(&function)
            .build()
    };
    let data = five_minutes_of_datapoints(&function);
    emu.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap();
    emu.cloudwatch
        .put_metric_alarm()
        .alarm_name(format!("{function}-errors"))
        .namespace("AWS/Lambda")
        .metric_name("Errors")
        .dimensions(dim())
        .statistic(Statistic::Sum)
        .period(60)
        .evaluation_periods(1)
        .threshold(5.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();

    let bin = env!("CARGO_BIN_EXE_lambdash");
    let dir = tempfile::tempdir().unwrap();
    let command = format!(
        "env AWS_ENDPOINT_URL={endpoint} AWS_REGION={region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
         XDG_CONFIG_HOME={cfg} XDG_STATE_HOME={cfg} XDG_CACHE_HOME={cfg} {bin}; echo EXITED-$?; sleep 30",
        cfg = dir.path().display()
    );
    let tmux = Tmux::start("lambdash-e2e-metrics", &command);
    tmux.wait_for("the function", |s| s.contains(&function));
    tmux.keys(&["m"]);
    let screen = tmux.wait_for("the metrics pane with data", |s| {
        s.contains("invocations 500")
    });
    assert!(screen.contains("errors 35 (7.00 %)"), "{screen}");
    assert!(screen.contains("duration avg 250ms"), "{screen}");
    // The emulator refuses percentiles: said, never drawn as 0.
    assert!(screen.contains("p50/p90/p99 unavailable"), "{screen}");
    assert!(
        screen.contains(&format!("alarm {function}-errors")),
        "{screen}"
    );
    assert!(screen.contains("timeout"), "{screen}");
    tmux.keys(&["3"]);
    tmux.wait_for("the 3h range", |s| s.contains("last 3h"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("the functions pane", |s| s.contains("Functions"));
    tmux.keys(&["$"]);
    let screen = tmux.wait_for("the cost pane", |s| s.contains("total $"));
    assert!(screen.contains(&function), "{screen}");
    assert!(screen.contains("lower bound"), "{screen}");
    tmux.keys(&["Escape", "q"]);
    let screen = tmux.wait_for("lambdash to exit", |s| s.contains("EXITED-"));
    assert!(screen.contains("EXITED-0"), "{screen}");
}

/// `K` in the real TUI: the reserved concurrency read, the stop confirmed in words and sent
/// (GetFunctionConcurrency then 0), `STOPPED` in HEALTH, then `K` again offers and performs the
/// restore of exactly the previous value (none); both audited.
#[tokio::test(flavor = "multi_thread")]
async fn tui_kill_switch_stops_then_restores_through_the_confirm_step() {
    let endpoint = endpoint();
    let region = "me-central-1";
    let emu = lambdash::seed::connect(&endpoint, region).await;
    let prefix = format!("tui-kill-{}-", std::process::id());
    let names = lambdash::seed::seed_functions(&emu, &prefix, 1, 1)
        .await
        .unwrap();
    let function = names[0].clone();
    let reserved = || async {
        emu.lambda
            .get_function_concurrency()
            .function_name(&function)
            .send()
            .await
            .unwrap()
            .reserved_concurrent_executions()
    };

    let bin = env!("CARGO_BIN_EXE_lambdash");
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let command = format!(
        "env AWS_ENDPOINT_URL={endpoint} AWS_REGION={region} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
         XDG_CONFIG_HOME={cfg} XDG_STATE_HOME={cfg} XDG_CACHE_HOME={cfg} LAMBDASH_AUDIT_LOG={audit} {bin}; \
         echo EXITED-$?; sleep 30",
        cfg = dir.path().display(),
        audit = audit.display()
    );
    let tmux = Tmux::start("lambdash-e2e-kill", &command);
    tmux.wait_for("the function to load", |s| s.contains(&function));
    // Functions of earlier runs share the emulator: narrow the list to this one.
    tmux.keys(&["/", &function, "Enter"]);
    tmux.wait_for("the filter to apply", |s| s.contains("1 of "));

    tmux.keys(&["K"]);
    let screen = tmux.wait_for("the stop confirm", |s| s.contains("STOP tui-kill-"));
    // The dialog wraps its text: read it as one line.
    let text = screen
        .split_whitespace()
        .filter(|w| *w != "│")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains(&format!(
            "This stops every invocation of {function} in account 123456789012 {region}; reserved concurrency none → 0."
        )),
        "{screen}"
    );
    assert_eq!(reserved().await, None, "nothing sent before y");
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("the stop to finish", |s| s.contains("stopped tui-kill-"));
    assert!(screen.contains("STOPPED"), "{screen}");
    assert_eq!(reserved().await, Some(0));

    tmux.keys(&["K"]);
    let screen = tmux.wait_for("the restore confirm", |s| s.contains("Restore tui-kill-"));
    assert!(screen.contains("reserved concurrency 0 → none"), "{screen}");
    tmux.keys(&["y"]);
    let screen = tmux.wait_for("the restore to finish", |s| {
        s.contains("restored tui-kill-")
    });
    assert!(!screen.contains("STOPPED"), "{screen}");
    assert_eq!(reserved().await, None);

    let actions: Vec<String> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["action"].to_string())
        .collect();
    assert_eq!(actions, ["\"function.stop\"", "\"function.restore\""]);
    tmux.keys(&["q"]);
    tmux.wait_for("lambdash to exit", |s| s.contains("EXITED-0"));
}
