//! End-to-end: `lambdash functions --json` lists every one of 1,200 functions, once, with the
//! documented fields.
//!
//! Needs `LAMBDASH_TEST_ENDPOINT` (a running moto); `./scripts/test` starts one and sets it.
//! Uses its own region so it can share the emulator with other tests.

use std::collections::HashMap;

use lambdash::seed;

const REGION: &str = "ap-southeast-2";
const COUNT: usize = 1_200;
const PREFIX: &str = "bulk";

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator \
             (or `scripts/moto start` and export LAMBDASH_TEST_ENDPOINT=<the URL it prints>)"
        )
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn functions_json_lists_all_1200_functions() {
    let endpoint = endpoint();
    let e = seed::connect(&endpoint, REGION).await;
    let started = std::time::Instant::now();
    let names = seed::seed_functions(&e, PREFIX, COUNT, 16)
        .await
        .expect("seed_functions");
    eprintln!(
        "seeding {COUNT} functions took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(names.len(), COUNT);

    let started = std::time::Instant::now();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_lambdash"))
        .args(["functions", "--json"])
        .env("AWS_ENDPOINT_URL", &endpoint)
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_DEFAULT_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .output()
        .expect("run lambdash");
    eprintln!(
        "lambdash functions --json took {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        out.status.success(),
        "lambdash functions --json failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let listed: Vec<serde_json::Value> =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|err| {
            panic!(
                "stdout is not a JSON array ({err}): {}",
                String::from_utf8_lossy(&out.stdout)
                    .chars()
                    .take(500)
                    .collect::<String>()
            )
        });

    let mut seen: HashMap<&str, &serde_json::Value> = HashMap::new();
    for f in &listed {
        let name = f["name"].as_str().unwrap_or_else(|| panic!("no name: {f}"));
        if name.starts_with(PREFIX) {
            assert!(seen.insert(name, f).is_none(), "{name} listed twice");
        }
    }
    for (i, name) in names.iter().enumerate() {
        let f = seen
            .get(name.as_str())
            .unwrap_or_else(|| panic!("{name} missing"));
        let arn = f["arn"].as_str().unwrap_or_else(|| panic!("no arn: {f}"));
        assert!(
            arn.starts_with(&format!("arn:aws:lambda:{REGION}:")) && arn.ends_with(name),
            "{arn}"
        );
        assert!(
            f["runtime"].as_str().is_some_and(|r| !r.is_empty()),
            "runtime: {f}"
        );
        let arch = f["architecture"]
            .as_str()
            .unwrap_or_else(|| panic!("no architecture: {f}"));
        assert_eq!(arch, if i % 3 == 0 { "x86_64" } else { "arm64" }, "{name}");
        assert!(
            f["memory_mb"]
                .as_u64()
                .is_some_and(|m| (128..=10_240).contains(&m)),
            "memory_mb: {f}"
        );
        assert!(
            f["timeout_s"]
                .as_u64()
                .is_some_and(|t| (1..=900).contains(&t)),
            "timeout_s: {f}"
        );
        let modified = f["last_modified"]
            .as_str()
            .unwrap_or_else(|| panic!("no last_modified: {f}"));
        chrono::DateTime::parse_from_rfc3339(modified)
            .unwrap_or_else(|err| panic!("last_modified {modified:?} is not RFC 3339: {err}"));
        assert!(
            f["state"].as_str().is_some_and(|s| !s.is_empty()),
            "state: {f}"
        );
    }
    assert_eq!(seen.len(), COUNT);
}
