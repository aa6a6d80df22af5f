//! `--read-only` proven on the wire: every subcommand (the mutating ones with `--yes`) and the TUI's
//! write keys (confirmed with `y` / the typed queue name) run through a recording proxy, and not one
//! mutating call reaches it. Each refusal is visible: exit code 2 and a message for subcommands, a
//! flash in the TUI. Region me-central-1 of the shared emulator (the demo account).
#![allow(clippy::unwrap_used)]

mod support;

use std::time::Duration;

use support::fault_proxy::{FaultProxy, Protocol, Recorded};
use support::{Home, Tmux, describe, shared_endpoint};

const REGION: &str = "me-central-1";
const FUNCTION: &str = "orders-api";
const ALARM: &str = "orders-api-errors";

/// What a read-only run may send: reads, and receiving a message then releasing it at once
/// (`ChangeMessageVisibility` to 0 — what peeking does). Defined here, apart from the app's own list.
fn is_read(r: &Recorded) -> bool {
    match r.protocol {
        // Lambda: every read is a GET, every write a POST/PUT/DELETE.
        Protocol::RestJson => r.method == "GET",
        Protocol::AwsJson | Protocol::AwsQuery => {
            let op = r.operation();
            ["Get", "BatchGet", "List", "Describe", "Filter"]
                .iter()
                .any(|p| op.starts_with(p))
                || op == "ReceiveMessage"
                // A read of the log stream (CloudWatch Logs Live Tail).
                || op == "StartLiveTail"
                || (op.starts_with("ChangeMessageVisibility") && releases_only(&r.body))
        }
    }
}

/// True when every `VisibilityTimeout` in a ChangeMessageVisibility(Batch) body is 0.
fn releases_only(body: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return false;
    };
    let timeouts: Vec<&serde_json::Value> = match v.get("Entries").and_then(|e| e.as_array()) {
        Some(entries) => entries
            .iter()
            .filter_map(|e| e.get("VisibilityTimeout"))
            .collect(),
        None => v.get("VisibilityTimeout").into_iter().collect(),
    };
    !timeouts.is_empty() && timeouts.iter().all(|t| t.as_i64() == Some(0))
}

fn assert_no_writes(proxy: &FaultProxy, context: &str) -> usize {
    let recorded = proxy.recorded();
    let writes: Vec<String> = recorded
        .iter()
        .filter(|r| !is_read(r))
        .map(|r| format!("{} {} {}", r.method, r.path, r.operation()))
        .collect();
    assert!(
        writes.is_empty(),
        "{context}: mutating calls reached the endpoint under --read-only: {writes:#?}"
    );
    recorded.len()
}

/// The two tests share the demo account and its DLQ: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

async fn seeded() -> lambdash::seed::Emulator {
    let emu = lambdash::seed::connect(&shared_endpoint(), REGION).await;
    lambdash::seed::seed_demo(&emu).await.unwrap();
    emu
}

async fn dlq_url(emu: &lambdash::seed::Emulator) -> String {
    emu.sqs
        .get_queue_url()
        .queue_name(lambdash::seed::DLQ)
        .send()
        .await
        .unwrap()
        .queue_url()
        .unwrap()
        .to_string()
}

async fn depth(emu: &lambdash::seed::Emulator, url: &str) -> u64 {
    let out = emu
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .unwrap();
    out.attributes()
        .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::ApproximateNumberOfMessages))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The reads every subcommand makes under `--read-only` (each must succeed).
const READS: &[&[&str]] = &[
    &["functions"],
    &["functions", "--json"],
    &["alarms"],
    &["alarms", "--json", "--function", FUNCTION],
    &["alias", "list", FUNCTION, "--json"],
    &["metrics", FUNCTION, "--since", "1h", "--json"],
    &["cost", "--since", "1h", "--json"],
    &["dlq", "list", "--json"],
    &["dlq", "peek", lambdash::seed::DLQ, "-n", "2"],
    &["dlq", "redrive", lambdash::seed::DLQ, "--dry-run"],
    &["tail", FUNCTION, "--lines", "5"],
];

/// The alias and the alarm are as seeded.
fn assert_alias_and_alarm_as_seeded(rt: &tokio::runtime::Runtime, emu: &lambdash::seed::Emulator) {
    let alias = rt
        .block_on(
            emu.lambda
                .get_alias()
                .function_name(FUNCTION)
                .name("live")
                .send(),
        )
        .unwrap();
    assert_eq!(alias.function_version(), Some("3"));
    assert!(alias.routing_config().is_none_or(|r| {
        r.additional_version_weights()
            .is_none_or(std::collections::HashMap::is_empty)
    }));
    let alarm = rt
        .block_on(emu.cloudwatch.describe_alarms().alarm_names(ALARM).send())
        .unwrap();
    assert_eq!(alarm.metric_alarms()[0].actions_enabled(), Some(true));
}

/// The id of the first message `dlq peek --json` printed (a made-up one when there is none).
fn first_message_id(peeked: &std::process::Output) -> String {
    serde_json::from_slice::<serde_json::Value>(&peeked.stdout)
        .ok()
        .and_then(|v| {
            v.as_array()?
                .first()?
                .get("message_id")?
                .as_str()
                .map(ToString::to_string)
        })
        .unwrap_or_else(|| "00000000-0000-0000-0000-000000000000".to_string())
}

#[test]
fn every_subcommand_under_read_only_sends_no_write() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rt = runtime();
    let emu = rt.block_on(seeded());
    let dlq = rt.block_on(dlq_url(&emu));
    let before = rt.block_on(depth(&emu, &dlq));
    let proxy = rt.block_on(FaultProxy::start(&shared_endpoint())).unwrap();
    let url = proxy.url();
    let home = Home::new();
    let run = |args: &[&str]| {
        let mut all = vec!["--read-only"];
        all.extend_from_slice(args);
        home.run(&url, REGION, &all)
    };
    let peeked = run(&["dlq", "peek", lambdash::seed::DLQ, "-n", "3", "--json"]);
    assert!(peeked.status.success(), "{}", describe(&peeked));
    let message_id = first_message_id(&peeked);

    let writes: &[&[&str]] = &[
        &["alias", "set", FUNCTION, "live", "--version", "1", "--yes"],
        &[
            "alias",
            "set",
            FUNCTION,
            "live",
            "--version",
            "3",
            "--weight",
            "2=0.1",
            "--yes",
        ],
        &["alias", "rollback", FUNCTION, "live", "--yes", "--force"],
        &["alarms", "mute", ALARM, "--yes"],
        &["alarms", "unmute", ALARM, "--yes"],
        &["dlq", "redrive", lambdash::seed::DLQ, "--yes"],
        &[
            "dlq",
            "redrive",
            lambdash::seed::DLQ,
            "--to",
            "function",
            "--yes",
        ],
        &["dlq", "purge", lambdash::seed::DLQ, "--yes"],
        &["dlq", "delete", lambdash::seed::DLQ, &message_id, "--yes"],
    ];
    let mut failures = Vec::new();
    for args in READS {
        let out = run(args);
        if !out.status.success() {
            failures.push(format!("{args:?} (a read) failed: {}", describe(&out)));
        }
    }
    for args in writes {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.code() != Some(2) || !stderr.contains("read-only") {
            failures.push(format!(
                "{args:?} was not refused visibly: {}",
                describe(&out)
            ));
        }
    }
    // `read_only = true` in the config file is as good as the flag.
    home.write_config("read_only = true\n");
    for args in [
        &["alarms", "mute", ALARM, "--yes"][..],
        &["dlq", "purge", lambdash::seed::DLQ, "--yes"][..],
        &["alias", "set", FUNCTION, "live", "--version", "2", "--yes"][..],
    ] {
        let out = home.run(&url, REGION, args);
        if out.status.code() != Some(2)
            || !String::from_utf8_lossy(&out.stderr).contains("read-only")
        {
            failures.push(format!(
                "config read_only: {args:?} not refused: {}",
                describe(&out)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let calls = assert_no_writes(&proxy, "subcommands");
    assert!(calls > 20, "the reads did reach the proxy: {calls} calls");
    assert_eq!(
        rt.block_on(depth(&emu, &dlq)),
        before,
        "the DLQ was changed"
    );
    assert!(
        std::fs::read_to_string(home.audit_log())
            .unwrap_or_default()
            .is_empty(),
        "a refused write was audited as done"
    );
    assert_alias_and_alarm_as_seeded(&rt, &emu);
}

/// Presses a write key and waits for its refusal in the flash line (the flash lasts 1 s here, so each
/// refusal is seen anew), then tries to confirm anyway.
fn refused(tmux: &Tmux, keys: &[&str], then: &[&str], what: &str) {
    tmux.wait_within(
        Duration::from_secs(10),
        "the previous flash to clear",
        |s| !s.contains("refused"),
    );
    tmux.keys(keys);
    let screen = tmux.wait_within(Duration::from_secs(15), what, |s| {
        s.contains("refused: read-only")
    });
    assert!(
        !screen.contains("Confirm"),
        "{what}: a confirm dialog opened:\n{screen}"
    );
    if !then.is_empty() {
        tmux.keys(then);
    }
}

#[test]
fn tui_write_keys_under_read_only_send_no_write() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rt = runtime();
    let emu = rt.block_on(seeded());
    let dlq = rt.block_on(dlq_url(&emu));
    let before = rt.block_on(depth(&emu, &dlq));
    let proxy = rt.block_on(FaultProxy::start(&shared_endpoint())).unwrap();
    let home = Home::new();
    home.write_config("[ui]\nflash_ttl = \"1s\"\n");
    let command = format!(
        "{} {} --read-only; echo EXITED-$?; sleep 30",
        home.env_prefix(&proxy.url(), REGION),
        support::bin()
    );
    {
        let tmux = Tmux::start("lambdash-read-only", &command);
        tmux.wait_for("the functions", |s| s.contains(FUNCTION));
        tmux.type_text("/orders-api");
        tmux.keys(&["Enter"]);
        tmux.wait_for("the filter", |s| s.contains("match /orders-api"));

        // Aliases: switch, canary, promote, rollback, publish.
        tmux.keys(&["a"]);
        tmux.wait_for("the aliases pane", |s| s.contains("live"));
        tmux.wait_for("the versions", |s| !s.contains("loading"));
        tmux.keys(&["l", "G"]);
        refused(&tmux, &["Enter"], &["y"], "switch refused");
        refused(&tmux, &["1"], &["y"], "canary refused");
        refused(&tmux, &["5"], &["Enter"], "canary 50 % refused");
        refused(&tmux, &["h", "R"], &["y"], "rollback refused");
        refused(&tmux, &["P"], &["y"], "publish refused");
        tmux.escape(1);

        // Alarms: mute the seeded alarm (marked, then the bulk mute).
        tmux.wait_for("the functions again", |s| s.contains("┌ Functions"));
        tmux.keys(&["A"]);
        tmux.wait_for("the alarms", |s| s.contains(ALARM));
        tmux.type_text("/orders-api-errors");
        tmux.keys(&["Enter"]);
        refused(&tmux, &["M"], &["y"], "mute refused");
        refused(&tmux, &["Space", "M"], &["Enter"], "bulk mute refused");
        tmux.escape(3);

        // DLQs: redrive and purge the queue, then peek (a read) and delete / redrive / purge messages.
        tmux.wait_for("the functions again", |s| s.contains("┌ Functions"));
        tmux.keys(&["D"]);
        tmux.wait_for("the DLQs", |s| s.contains(lambdash::seed::DLQ));
        let screen = tmux.screen();
        let rows: Vec<&str> = screen
            .lines()
            .filter(|l| l.contains("-dlq") || l.contains("-failures"))
            .collect();
        let index = rows
            .iter()
            .position(|l| l.contains(lambdash::seed::DLQ))
            .unwrap_or(0);
        tmux.keys(&["g"]);
        for _ in 0..index {
            tmux.keys(&["j"]);
        }
        // Refused before any dialog opens, so there is no name to type: `y` is pressed anyway.
        refused(&tmux, &["R"], &["y"], "redrive refused");
        refused(&tmux, &["P"], &["y"], "purge refused");
        tmux.keys(&["p"]);
        // The title appears while the peek is still loading ("0 message(s)"): wait for the rows, or
        // `d` finds no message to delete and says so instead of refusing.
        tmux.wait_for("the peeked messages", |s| {
            s.contains("Peek of") && !s.contains("(0 message(s)")
        });
        refused(&tmux, &["d"], &["y"], "delete refused");
        refused(&tmux, &["R"], &["y"], "message redrive refused");
        refused(&tmux, &["P"], &["y"], "purge from the messages refused");
        tmux.escape(3);
        tmux.wait_for("the functions again", |s| s.contains("┌ Functions"));
        tmux.keys(&["q"]);
        let screen = tmux.wait_for("lambdash to exit", |s| s.contains("EXITED-"));
        assert!(screen.contains("EXITED-0"), "{screen}");
    }
    let calls = assert_no_writes(&proxy, "TUI");
    assert!(calls > 5, "the TUI did reach the proxy: {calls} calls");
    let ops: Vec<String> = proxy.recorded().iter().map(Recorded::operation).collect();
    assert!(
        ops.iter().any(|o| o == "ReceiveMessage"),
        "the peek ran: {ops:?}"
    );
    assert_eq!(
        rt.block_on(depth(&emu, &dlq)),
        before,
        "the DLQ was changed"
    );
    assert!(
        std::fs::read_to_string(home.audit_log())
            .unwrap_or_default()
            .is_empty(),
        "a refused write was audited"
    );
}

/// Starting on a profile that may write and switching with `:profile` to one a `[[profile]]` rule makes
/// read-only: the app refuses the write keys, and the SDK clients rebuilt for the new profile carry the
/// read-only guard too. A test hook (`LAMBDASH_TEST_GUARD_PROBE`) sends a mutating call straight through
/// the current clients, past the app: before the switch it reaches the wire (so this test can fail),
/// after it the guard stops it and the proxy sees no write at all.
/// The guard probe's lines once there are `n` of them (or after 20 s).
fn probed(probe: &std::path::Path, n: usize) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let text = std::fs::read_to_string(probe).unwrap_or_default();
        if text.lines().count() >= n || std::time::Instant::now() > deadline {
            return text;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The writes the proxy saw.
fn writes(proxy: &FaultProxy) -> Vec<String> {
    proxy
        .recorded()
        .iter()
        .filter(|r| !is_read(r))
        .map(|r| format!("{} {} {}", r.method, r.path, r.operation()))
        .collect()
}

#[test]
fn switching_to_a_read_only_profile_holds_at_the_sdk_level() {
    let _serial = SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let rt = runtime();
    let _emu = rt.block_on(seeded());
    let proxy = rt.block_on(FaultProxy::start(&shared_endpoint())).unwrap();
    let home = Home::new();
    home.write_config(
        "[ui]\nflash_ttl = \"1s\"\n\n[[profile]]\npattern = \"locked\"\nread_only = true\n",
    );
    let aws_config = home.path().join("aws-config");
    std::fs::write(
        &aws_config,
        format!("[default]\nregion = {REGION}\n\n[profile locked]\nregion = {REGION}\n"),
    )
    .unwrap();
    let probe = home.path().join("probe.txt");
    let command = format!(
        "{} AWS_PROFILE=default AWS_CONFIG_FILE={} LAMBDASH_TEST_GUARD_PROBE={} {}; echo EXITED-$?; sleep 30",
        home.env_prefix(&proxy.url(), REGION),
        aws_config.display(),
        probe.display(),
        support::bin()
    );
    {
        let tmux = Tmux::start("lambdash-profile-switch", &command);
        tmux.wait_for("the functions", |s| s.contains(FUNCTION));
        let screen = tmux.screen();
        assert!(!screen.contains("READ-ONLY"), "{screen}");
        // Before the switch the probe reaches the endpoint.
        tmux.keys(&["!"]);
        let text = probed(&probe, 1);
        assert!(text.starts_with("sent (default)"), "{text:?}");
        let before = writes(&proxy);
        assert_eq!(before.len(), 1, "{before:#?}");
        assert!(before[0].contains("lambdash-guard-probe"), "{before:#?}");

        tmux.type_text(":profile locked");
        tmux.keys(&["Enter"]);
        tmux.wait_for("the read-only profile", |s| {
            s.contains("profile locked") && s.contains("READ-ONLY") && s.contains(FUNCTION)
        });
        tmux.keys(&["!"]);
        let text = probed(&probe, 2);
        assert_eq!(
            text.lines().nth(1),
            Some("refused (locked)"),
            "the SDK guard did not follow :profile: {text:?}"
        );
        // The app's own refusal too: mute an alarm, switch an alias.
        tmux.keys(&["A"]);
        tmux.wait_for("the alarms", |s| s.contains(ALARM));
        tmux.type_text(&format!("/{ALARM}"));
        tmux.keys(&["Enter"]);
        refused(&tmux, &["M"], &["y"], "mute refused after :profile");
        tmux.escape(3);
        tmux.wait_for("the functions again", |s| s.contains("┌ Functions"));
        tmux.type_text("/orders-api");
        tmux.keys(&["Enter"]);
        tmux.keys(&["a"]);
        tmux.wait_for("the aliases pane", |s| s.contains("live"));
        tmux.wait_for("the versions", |s| !s.contains("loading"));
        tmux.keys(&["l", "G"]);
        refused(
            &tmux,
            &["Enter"],
            &["y"],
            "alias switch refused after :profile",
        );
        tmux.escape(2);
        tmux.keys(&["q"]);
        let screen = tmux.wait_for("lambdash to exit", |s| s.contains("EXITED-"));
        assert!(screen.contains("EXITED-0"), "{screen}");
    }
    let after = writes(&proxy);
    assert_eq!(
        after.len(),
        1,
        "a mutating call reached the endpoint after the switch to a read-only profile: {after:#?}"
    );
    assert!(
        std::fs::read_to_string(home.audit_log())
            .unwrap_or_default()
            .is_empty(),
        "a refused write was audited"
    );
}
