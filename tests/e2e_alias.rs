//! `lambdash alias` against the emulator: set, canary, promote, rollback (after a restart: every call is
//! a new process), drift protection, read-only refusal, audit log.
#![allow(clippy::unwrap_used)]

use std::process::{Command, Output};

use aws_sdk_lambda::types::AliasRoutingConfiguration;

const REGION: &str = "sa-east-1";

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT")
        .expect("LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator")
}

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_lambdash"))
            .args(args)
            .env("AWS_ENDPOINT_URL", endpoint())
            .env("AWS_REGION", REGION)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env("XDG_STATE_HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path())
            .env("LAMBDASH_AUDIT_LOG", self.dir.path().join("audit.jsonl"))
            .output()
            .unwrap()
    }

    fn audit_lines(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(self.dir.path().join("audit.jsonl"))
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }
}

async fn routing(client: &aws_sdk_lambda::Client, function: &str) -> (String, Vec<(String, f64)>) {
    let a = client
        .get_alias()
        .function_name(function)
        .name("live")
        .send()
        .await
        .unwrap();
    let mut weights: Vec<(String, f64)> = a
        .routing_config()
        .and_then(AliasRoutingConfiguration::additional_version_weights)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect())
        .unwrap_or_default();
    weights.sort_by(|a, b| a.0.cmp(&b.0));
    (a.function_version().unwrap().to_string(), weights)
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A function with versions 1, 2 and 3 published and alias `live` on version 1.
async fn function_with_three_versions() -> (String, aws_sdk_lambda::Client) {
    let emu = lambdash::seed::connect(&endpoint(), REGION).await;
    let function = format!("alias-e2e-{}", std::process::id());
    lambdash::seed::seed_functions(&emu, &function, 1, 1)
        .await
        .unwrap();
    let function = format!("{function}-0000");
    let lambda = aws_sdk_lambda::Client::new(&emu.sdk);
    let name_ok = lambda.get_function().function_name(&function).send().await;
    assert!(
        name_ok.is_ok(),
        "seed_functions naming changed: {name_ok:?}"
    );
    for i in 1..=3 {
        // As on AWS, a version is only published when something changed since the last one.
        lambda
            .update_function_configuration()
            .function_name(&function)
            .description(format!("build {i}"))
            .send()
            .await
            .unwrap();
        lambda
            .publish_version()
            .function_name(&function)
            .description(format!("release {i}"))
            .send()
            .await
            .unwrap();
    }
    lambda
        .create_alias()
        .function_name(&function)
        .name("live")
        .function_version("1")
        .send()
        .await
        .unwrap();
    (function, lambda)
}

#[tokio::test(flavor = "multi_thread")]
async fn alias_set_canary_promote_and_rollback_across_restarts() {
    let (function, lambda) = function_with_three_versions().await;
    let env = Env {
        dir: tempfile::tempdir().unwrap(),
    };

    // list
    let out = env.run(&["alias", "list", &function, "--json"]);
    ok(&out);
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["name"], "live");
    assert_eq!(list[0]["version"], "1");
    assert_eq!(list[0]["weights"], serde_json::json!({}));

    // canary: 10 % to version 2
    ok(&env.run(&[
        "alias",
        "set",
        &function,
        "live",
        "--version",
        "1",
        "--weight",
        "2=0.1",
        "--yes",
    ]));
    assert_eq!(
        routing(&lambda, &function).await,
        ("1".into(), vec![("2".into(), 0.1)])
    );

    // promote: everything to 2, weights cleared
    ok(&env.run(&["alias", "set", &function, "live", "--version", "2", "--yes"]));
    assert_eq!(routing(&lambda, &function).await, ("2".into(), vec![]));

    // rollback (a new process: the state was persisted) restores the canary, then the original
    ok(&env.run(&["alias", "rollback", &function, "live", "--yes"]));
    assert_eq!(
        routing(&lambda, &function).await,
        ("1".into(), vec![("2".into(), 0.1)])
    );
    ok(&env.run(&["alias", "rollback", &function, "live", "--yes"]));
    assert_eq!(routing(&lambda, &function).await, ("1".into(), vec![]));
    let out = env.run(&["alias", "rollback", &function, "live", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "nothing left to roll back");

    // every write is in the audit log
    let audit = env.audit_lines();
    let actions: Vec<&str> = audit
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec!["alias.set", "alias.set", "alias.rollback", "alias.rollback"]
    );
    assert!(
        audit
            .iter()
            .all(|e| e["region"] == REGION && e["target"] == format!("{function}:live"))
    );
    assert_eq!(audit[0]["detail"]["to"]["weights"]["2"], 0.1);

    // drift: someone else changes the alias after lambdash did → rollback refuses without --force
    ok(&env.run(&["alias", "set", &function, "live", "--version", "3", "--yes"]));
    lambda
        .update_alias()
        .function_name(&function)
        .name("live")
        .function_version("2")
        .send()
        .await
        .unwrap();
    let out = env.run(&["alias", "rollback", &function, "live", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(
        routing(&lambda, &function).await.0,
        "2",
        "refused rollback changed nothing"
    );
    ok(&env.run(&["alias", "rollback", &function, "live", "--yes", "--force"]));
    assert_eq!(routing(&lambda, &function).await.0, "1");

    // bad input: unknown version, unknown alias, no --yes without a terminal
    let out = env.run(&[
        "alias",
        "set",
        &function,
        "live",
        "--version",
        "99",
        "--yes",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
    let out = env.run(&["alias", "set", &function, "nope", "--version", "2", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    let out = env.run(&["alias", "set", &function, "live", "--version", "2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--yes"));
    assert_eq!(routing(&lambda, &function).await.0, "1");
}

#[test]
fn read_only_refuses_alias_writes_before_any_call() {
    let dir = tempfile::tempdir().unwrap();
    // An endpoint nothing listens on: a refusal that tried to connect would fail differently (exit 1).
    let out = Command::new(env!("CARGO_BIN_EXE_lambdash"))
        .args([
            "--read-only",
            "alias",
            "set",
            "f",
            "live",
            "--version",
            "2",
            "--yes",
        ])
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("XDG_STATE_HOME", dir.path())
        .env("LAMBDASH_AUDIT_LOG", dir.path().join("audit.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read-only"));
    assert!(
        !dir.path().join("audit.jsonl").exists(),
        "nothing was attempted, nothing audited"
    );
}
