//! Bad input everywhere: unknown flags, missing arguments, invalid durations, unknown functions, queues
//! and alarms. Each gives one clear `error: …` on stderr, exit code 2, and changes nothing: every run
//! goes through a recording proxy that must see no mutating call. Malformed config, keymap and theme
//! files are in `tests/config_errors.rs`. Region il-central-1 of the shared emulator.
#![allow(clippy::unwrap_used)]

mod support;

use support::fault_proxy::{FaultProxy, Protocol};
use support::{Home, describe, shared_endpoint};

const REGION: &str = "il-central-1";
const FUNCTION: &str = "bad-input-0000";

/// (arguments, a phrase the message must contain)
const USAGE: &[(&[&str], &str)] = &[
    (&["--bogus"], "unexpected argument '--bogus'"),
    (&["functions", "--bogus"], "unexpected argument '--bogus'"),
    (&["tail"], "required"),
    (
        &["tail", FUNCTION, "--bogus"],
        "unexpected argument '--bogus'",
    ),
    (
        &["tail", FUNCTION, "--lines", "many"],
        "invalid value 'many'",
    ),
    (&["alarms", "--bogus"], "unexpected argument '--bogus'"),
    (&["alarms", "--state", "RED"], "RED"),
    (&["alarms", "mute"], "required"),
    (&["alias", "list"], "required"),
    (&["alias", "set", FUNCTION, "live"], "--version"),
    (
        &[
            "alias",
            "set",
            FUNCTION,
            "live",
            "--version",
            "1",
            "--weight",
            "2=1.5",
            "--yes",
        ],
        "weight 1.5",
    ),
    (
        &[
            "alias",
            "set",
            FUNCTION,
            "live",
            "--version",
            "2",
            "--weight",
            "2=0.1",
            "--yes",
        ],
        "differ",
    ),
    (
        &[
            "alias",
            "set",
            FUNCTION,
            "live",
            "--version",
            "2",
            "--weight",
            "two",
            "--yes",
        ],
        "4=0.1",
    ),
    (&["dlq", "peek"], "required"),
    (
        &["dlq", "frobnicate"],
        "unrecognized subcommand 'frobnicate'",
    ),
    (&["metrics"], "required"),
    (&["cost", "--bogus"], "unexpected argument '--bogus'"),
    (&["completions", "nosh"], "invalid value 'nosh'"),
    (&["--region"], "a value is required"),
];

/// Durations: (arguments, the bad value).
const DURATIONS: &[(&[&str], &str)] = &[
    (&["tail", FUNCTION, "--since", "5 parsecs"], "5 parsecs"),
    (&["tail", FUNCTION, "--follow", "--window", "soon"], "soon"),
    (&["metrics", FUNCTION, "--since", "1.5h"], "1.5h"),
    (&["cost", "--since", "1 hour"], "1 hour"),
];

/// Names that do not exist: (arguments, the name the message must repeat).
const UNKNOWN: &[(&[&str], &str)] = &[
    (&["tail", "no-such-fn", "--lines", "5"], "no-such-fn"),
    (&["metrics", "no-such-fn", "--since", "1h"], "no-such-fn"),
    (&["alias", "list", "no-such-fn"], "no-such-fn"),
    (
        &[
            "alias",
            "set",
            "no-such-fn",
            "live",
            "--version",
            "1",
            "--yes",
        ],
        "no-such-fn",
    ),
    (
        &["alias", "rollback", "no-such-fn", "live", "--yes"],
        "no-such-fn",
    ),
    (
        &[
            "alias",
            "set",
            FUNCTION,
            "no-such-alias",
            "--version",
            "1",
            "--yes",
        ],
        "no-such-alias",
    ),
    (&["dlq", "list", "--function", "no-such-fn"], "no-such-fn"),
    (&["dlq", "peek", "no-such-queue"], "no-such-queue"),
    (
        &["dlq", "redrive", "no-such-queue", "--yes"],
        "no-such-queue",
    ),
    (&["dlq", "purge", "no-such-queue", "--yes"], "no-such-queue"),
    (
        &["dlq", "delete", "no-such-queue", "m-1", "--yes"],
        "no-such-queue",
    ),
    (
        &["alarms", "mute", "no-such-alarm", "--yes"],
        "no-such-alarm",
    ),
];

/// A subcommand without its sub-subcommand: clap's help for it on stderr, exit 2.
const HELP: &[&[&str]] = &[&["alias"], &["dlq"]];

fn check(home: &Home, url: &str, cases: &[(&[&str], &str)], failures: &mut Vec<String>) {
    for (args, phrase) in cases {
        let out = home.run(url, REGION, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        let ok = out.status.code() == Some(2)
            && (first.starts_with("error: ") || first.starts_with("error:"))
            && stderr.contains(phrase)
            && !stderr.contains("panicked");
        if !ok {
            failures.push(format!(
                "{args:?}: expected exit 2 and `error: …{phrase}…`; {}",
                describe(&out)
            ));
        }
    }
}

#[test]
fn bad_input_exits_2_with_one_clear_message_and_changes_nothing() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let emu = lambdash::seed::connect(&shared_endpoint(), REGION).await;
        lambdash::seed::seed_functions(&emu, "bad-input", 1, 1)
            .await
            .unwrap();
    });
    let proxy = rt.block_on(FaultProxy::start(&shared_endpoint())).unwrap();
    let url = proxy.url();
    let home = Home::new();
    let mut failures = Vec::new();
    check(&home, &url, USAGE, &mut failures);
    check(&home, &url, DURATIONS, &mut failures);
    for (args, value) in DURATIONS {
        let out = home.run(&url, REGION, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !stderr.contains("invalid duration") && !stderr.contains("duration") {
            failures.push(format!(
                "{args:?}: `{value}` not called a bad duration: {}",
                describe(&out)
            ));
        }
    }
    check(&home, &url, UNKNOWN, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    // Usage errors and bad durations are caught before any call; unknown names need a look-up, never
    // a write.
    let recorded = proxy.recorded();
    let writes: Vec<String> = recorded
        .iter()
        .filter(|r| {
            if r.protocol == Protocol::RestJson {
                r.method != "GET"
            } else {
                let op = r.operation();
                !["Get", "BatchGet", "List", "Describe", "Filter"]
                    .iter()
                    .any(|p| op.starts_with(p))
            }
        })
        .map(|r| format!("{} {} {}", r.method, r.path, r.operation()))
        .collect();
    assert!(
        writes.is_empty(),
        "bad input changed something: {writes:#?}"
    );
    assert!(
        std::fs::read_to_string(home.audit_log())
            .unwrap_or_default()
            .is_empty(),
        "bad input was audited as a change"
    );
}

/// Usage errors never reach the network: a dead endpoint does not change the answer.
#[test]
fn usage_errors_are_caught_before_connecting() {
    let home = Home::new();
    let mut failures = Vec::new();
    check(&home, "http://127.0.0.1:9", USAGE, &mut failures);
    check(&home, "http://127.0.0.1:9", DURATIONS, &mut failures);
    for args in HELP {
        let out = home.run("http://127.0.0.1:9", REGION, args);
        if out.status.code() != Some(2) || !String::from_utf8_lossy(&out.stderr).contains("Usage:")
        {
            failures.push(format!("{args:?}: {}", describe(&out)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
