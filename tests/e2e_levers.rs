//! The on-call levers against the emulator, each step a new process: the kill switch and its restore
//! (none → 0 → none and N → 0 → N, remembered on disk), `concurrency set` and the concurrency view
//! (with the APIs the emulator lacks reported, not hidden), event source mappings listed, disabled and
//! enabled (seen through the API), invoke with a file payload (the emulator echoes it), and every
//! write refused under `--read-only` with not one request sent (recording proxy).
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Output;

use support::fault_proxy::FaultProxy;
use support::{Home, describe, shared_endpoint};

const REGION: &str = "eu-south-2";

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", describe(out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn reserved(emu: &lambdash::seed::Emulator, function: &str) -> Option<i32> {
    emu.lambda
        .get_function_concurrency()
        .function_name(function)
        .send()
        .await
        .unwrap()
        .reserved_concurrent_executions()
}

/// Two fresh functions of this test run: the first without a reservation, the second with 7.
async fn two_functions(emu: &lambdash::seed::Emulator, tag: &str) -> (String, String) {
    let prefix = format!("lever-{tag}-{}", std::process::id());
    let names = lambdash::seed::seed_functions(emu, &prefix, 2, 2)
        .await
        .unwrap();
    emu.lambda
        .put_function_concurrency()
        .function_name(&names[1])
        .reserved_concurrent_executions(7)
        .send()
        .await
        .unwrap();
    (names[0].clone(), names[1].clone())
}

fn audit_actions(home: &Home) -> Vec<(String, serde_json::Value)> {
    std::fs::read_to_string(home.audit_log())
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|v| {
            (
                v["action"].as_str().unwrap().to_string(),
                v["detail"].clone(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn kill_switch_restores_exactly_none_or_n_across_restarts() {
    let endpoint = shared_endpoint();
    let emu = lambdash::seed::connect(&endpoint, REGION).await;
    let (plain, capped) = two_functions(&emu, "stop").await;
    let home = Home::new();
    let run = |args: &[&str]| home.run(&endpoint, REGION, args);

    // Without --yes and without a terminal: refused, nothing changed.
    let out = run(&["stop", &plain]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(stderr(&out).contains("pass --yes"), "{}", describe(&out));
    assert_eq!(reserved(&emu, &plain).await, None);

    for (function, before) in [(&plain, None), (&capped, Some(7))] {
        let out = run(&["stop", function, "--yes"]);
        ok(&out);
        assert!(stderr(&out).contains("→ 0"), "{}", describe(&out));
        assert_eq!(
            reserved(&emu, function).await,
            Some(0),
            "{function} stopped"
        );
        // Stopping again changes nothing and keeps the remembered value.
        let again = run(&["stop", function, "--yes"]);
        assert!(
            stderr(&again).contains("already stopped"),
            "{}",
            describe(&again)
        );
        let out = run(&["stop", function, "--restore", "--yes"]);
        ok(&out);
        assert_eq!(
            reserved(&emu, function).await,
            before,
            "{function} restored"
        );
        // Restored: nothing is remembered any more.
        let again = run(&["stop", function, "--restore", "--yes"]);
        assert_eq!(again.status.code(), Some(2), "{}", describe(&again));
        assert_eq!(reserved(&emu, function).await, before);
    }

    let memory = home.path().join("lambdash").join("stopped.json");
    let mode = std::os::unix::fs::MetadataExt::mode(&std::fs::metadata(&memory).unwrap());
    assert_eq!(mode & 0o777, 0o600, "the memory is owner-only");

    let actions = audit_actions(&home);
    let names: Vec<&str> = actions.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        names,
        [
            "function.stop",
            "function.restore",
            "function.stop",
            "function.restore"
        ]
    );
    assert_eq!(
        actions[2].1["reserved_concurrency"],
        serde_json::json!({"from": 7, "to": 0})
    );
    assert_eq!(
        actions[1].1["reserved_concurrency"],
        serde_json::json!({"from": 0, "to": null})
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn restore_refuses_when_someone_changed_the_function_since() {
    let endpoint = shared_endpoint();
    let emu = lambdash::seed::connect(&endpoint, REGION).await;
    let (plain, _) = two_functions(&emu, "drift").await;
    let home = Home::new();
    ok(&home.run(&endpoint, REGION, &["stop", &plain, "--yes"]));
    emu.lambda
        .put_function_concurrency()
        .function_name(&plain)
        .reserved_concurrent_executions(3)
        .send()
        .await
        .unwrap();
    let out = home.run(&endpoint, REGION, &["stop", &plain, "--restore", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(stderr(&out).contains("--force"), "{}", describe(&out));
    assert_eq!(reserved(&emu, &plain).await, Some(3));
    let out = home.run(
        &endpoint,
        REGION,
        &["stop", &plain, "--restore", "--force", "--yes"],
    );
    ok(&out);
    assert_eq!(reserved(&emu, &plain).await, None);
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrency_set_and_the_view_say_what_the_endpoint_lacks() {
    let endpoint = shared_endpoint();
    let emu = lambdash::seed::connect(&endpoint, REGION).await;
    let (plain, capped) = two_functions(&emu, "set").await;
    let home = Home::new();
    let run = |args: &[&str]| home.run(&endpoint, REGION, args);
    ok(&run(&["concurrency", "set", &plain, "12", "--yes"]));
    assert_eq!(reserved(&emu, &plain).await, Some(12));
    ok(&run(&["concurrency", "set", &capped, "none", "--yes"]));
    assert_eq!(reserved(&emu, &capped).await, None);
    let bad = run(&["concurrency", "set", &plain, "-3", "--yes"]);
    assert_eq!(bad.status.code(), Some(2), "{}", describe(&bad));

    let out = run(&["concurrency", &plain, &capped, "--since", "15m", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert!(v["account"].is_null(), "{v}");
    assert!(
        v["account_unavailable"]
            .as_str()
            .unwrap()
            .contains("not supported by this endpoint"),
        "{v}"
    );
    let rows = v["functions"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let row = |name: &str| rows.iter().find(|r| r["function"] == name).unwrap();
    assert_eq!(row(&plain)["reserved"], 12);
    assert!(row(&capped)["reserved"].is_null());
    assert!(
        row(&plain)["provisioned_unavailable"]
            .as_str()
            .unwrap()
            .contains("ListProvisionedConcurrencyConfigs"),
        "{v}"
    );
    let err = stderr(&out);
    assert!(
        err.contains("account concurrency limit unavailable"),
        "{err}"
    );
    assert!(err.contains("provisioned concurrency unavailable"), "{err}");

    // Provisioned concurrency: the emulator lacks the API; said, exit 1, nothing audited.
    let pc = run(&["concurrency", "provisioned", &plain, "live", "5", "--yes"]);
    assert_eq!(pc.status.code(), Some(1), "{}", describe(&pc));
    assert!(
        stderr(&pc).contains("not supported by this endpoint"),
        "{}",
        describe(&pc)
    );

    // The table: the same rows, the function with a reservation first (closest to its ceiling).
    let table = ok(&run(&["concurrency", &plain, &capped, "--no-provisioned"]));
    assert!(table.contains("limit unavailable"), "{table}");
    assert!(
        table.contains(&plain) && table.contains("not read"),
        "{table}"
    );
}

async fn mapping(emu: &lambdash::seed::Emulator, function: &str) -> String {
    let queue = emu
        .sqs
        .create_queue()
        .queue_name(format!("{function}-src"))
        .send()
        .await
        .unwrap();
    let url = queue.queue_url().unwrap();
    let attrs = emu
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .unwrap();
    let arn = attrs
        .attributes()
        .unwrap()
        .get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .unwrap()
        .clone();
    emu.lambda
        .create_event_source_mapping()
        .function_name(function)
        .event_source_arn(arn)
        .batch_size(5)
        .send()
        .await
        .unwrap()
        .uuid()
        .unwrap()
        .to_string()
}

async fn mapping_state(emu: &lambdash::seed::Emulator, uuid: &str) -> String {
    emu.lambda
        .get_event_source_mapping()
        .uuid(uuid)
        .send()
        .await
        .unwrap()
        .state()
        .unwrap()
        .to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn esm_disable_and_enable_are_visible_through_the_api() {
    let endpoint = shared_endpoint();
    let emu = lambdash::seed::connect(&endpoint, REGION).await;
    let (function, _) = two_functions(&emu, "esm").await;
    let uuid = mapping(&emu, &function).await;
    let home = Home::new();
    let run = |args: &[&str]| home.run(&endpoint, REGION, args);

    let listed: serde_json::Value =
        serde_json::from_str(&ok(&run(&["esm", "list", &function, "--json"]))).unwrap();
    let m = &listed.as_array().unwrap()[0];
    assert_eq!(m["uuid"], uuid.as_str());
    assert_eq!(m["kind"], "SQS");
    assert_eq!(m["state"], "Enabled");
    assert_eq!(m["batch_size"], 5);
    let all: serde_json::Value =
        serde_json::from_str(&ok(&run(&["esm", "list", "--json"]))).unwrap();
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|m| m["uuid"] == uuid.as_str()),
        "the account-wide list has it"
    );
    let table = ok(&run(&["esm", "list", &function]));
    assert!(table.contains(&uuid) && table.contains("SQS"), "{table}");

    let out = run(&["esm", "disable", &uuid, "--yes"]);
    ok(&out);
    assert!(
        stderr(&out).contains("Enabled → Disabled"),
        "{}",
        describe(&out)
    );
    assert_eq!(mapping_state(&emu, &uuid).await, "Disabled");
    let again = run(&["esm", "disable", &uuid, "--yes"]);
    assert!(
        stderr(&again).contains("nothing to do"),
        "{}",
        describe(&again)
    );
    ok(&run(&["esm", "enable", &uuid, "--yes"]));
    assert_eq!(mapping_state(&emu, &uuid).await, "Enabled");
    let unknown = run(&[
        "esm",
        "disable",
        "00000000-0000-0000-0000-000000000000",
        "--yes",
    ]);
    assert_eq!(unknown.status.code(), Some(2), "{}", describe(&unknown));
    let names: Vec<String> = audit_actions(&home).into_iter().map(|(a, _)| a).collect();
    assert_eq!(names, ["esm.disable", "esm.enable"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn invoke_with_a_file_payload_returns_the_emulators_echo() {
    let endpoint = shared_endpoint();
    let emu = lambdash::seed::connect(&endpoint, REGION).await;
    let (function, _) = two_functions(&emu, "invoke").await;
    let home = Home::new();
    let event = home.path().join("event.json");
    std::fs::write(&event, r#"{"orderId": "o-1", "items": [1, 2]}"#).unwrap();
    let payload = format!("@{}", event.display());
    let run = |args: &[&str]| home.run(&endpoint, REGION, args);

    let out = run(&[
        "invoke",
        &function,
        "--payload",
        &payload,
        "--json",
        "--yes",
    ]);
    let v: serde_json::Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["status_code"], 200);
    assert_eq!(
        v["response"],
        serde_json::json!({"orderId": "o-1", "items": [1, 2]})
    );
    assert!(v["function_error"].is_null());
    let text = ok(&run(&["invoke", &function, "--payload", &payload, "--yes"]));
    assert!(text.contains("\"orderId\": \"o-1\""), "pretty JSON: {text}");

    // The response is the function's text: raw bidi, DEL and C1 controls in it are escaped on stdout,
    // in plain text and in JSON.
    let hostile = "{\"m\": \"\u{202e}evil\u{7f}\u{9b}31m\"}";
    for json in [false, true] {
        let mut args = vec!["invoke", function.as_str(), "--payload", hostile, "--yes"];
        if json {
            args.push("--json");
        }
        let out = run(&args);
        let text = ok(&out);
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && lambdash::sanitize::is_unsafe(c)),
            "raw control on stdout (json: {json}): {text:?}"
        );
        assert!(text.contains("evil"), "{text}");
    }

    let queued = run(&[
        "invoke",
        &function,
        "--payload",
        &payload,
        "--async",
        "--yes",
    ]);
    ok(&queued);
    assert!(
        stderr(&queued).contains("HTTP 202"),
        "{}",
        describe(&queued)
    );

    let bad = run(&["invoke", &function, "--payload", "{nope", "--yes"]);
    assert_eq!(bad.status.code(), Some(2), "{}", describe(&bad));
    let unconfirmed = run(&["invoke", &function, "--payload", &payload]);
    assert_eq!(
        unconfirmed.status.code(),
        Some(2),
        "{}",
        describe(&unconfirmed)
    );
    let audit = audit_actions(&home);
    assert_eq!(audit.len(), 5, "{audit:?}");
    assert!(audit.iter().all(|(a, _)| a == "function.invoke"));
    assert!(
        audit[0].1.get("payload").is_none(),
        "the payload is not audited"
    );
    assert_eq!(audit[0].1["payload_bytes"], 35);
}

#[tokio::test(flavor = "multi_thread")]
async fn every_lever_under_read_only_sends_not_one_request() {
    let endpoint = shared_endpoint();
    let emu = lambdash::seed::connect(&endpoint, REGION).await;
    let (function, capped) = two_functions(&emu, "ro").await;
    let uuid = mapping(&emu, &function).await;
    let proxy = FaultProxy::start(&endpoint).await.unwrap();
    let url = proxy.url();
    let home = Home::new();
    let writes: &[&[&str]] = &[
        &["stop", &function, "--yes"],
        &["stop", &capped, "--restore", "--yes"],
        &["concurrency", "set", &function, "0", "--yes"],
        &["concurrency", "set", &capped, "none", "--yes"],
        &[
            "concurrency",
            "provisioned",
            &function,
            "live",
            "3",
            "--yes",
        ],
        &["esm", "disable", &uuid, "--yes"],
        &["esm", "enable", &uuid, "--yes"],
        &["invoke", &function, "--payload", "{}", "--yes"],
        &["invoke", &function, "--payload", "{}", "--async", "--yes"],
    ];
    for args in writes {
        let mut all = vec!["--read-only"];
        all.extend_from_slice(args);
        let out = home.run(&url, REGION, &all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", describe(&out));
        assert!(
            stderr(&out).contains("read-only"),
            "{args:?}: {}",
            describe(&out)
        );
    }
    let sent = proxy.recorded();
    assert!(
        sent.is_empty(),
        "requests sent under --read-only: {}",
        sent.len()
    );
    assert_eq!(reserved(&emu, &function).await, None);
    assert_eq!(reserved(&emu, &capped).await, Some(7));
    assert_eq!(mapping_state(&emu, &uuid).await, "Enabled");
    assert!(audit_actions(&home).is_empty());
    // Reads still work under --read-only, through the same proxy.
    ok(&home.run(&url, REGION, &["--read-only", "esm", "list", &function]));
    ok(&home.run(&url, REGION, &["--read-only", "concurrency", &function]));
    assert!(!proxy.recorded().is_empty());
}
