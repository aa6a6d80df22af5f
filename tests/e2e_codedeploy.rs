//! Issue #7 against the emulator: CodeDeploy-managed aliases (a deployment whose AppSpec targets the
//! alias is found; `lambdash alias list --json` says so, and `not_managed` for the others), and the
//! versions behind an alias side by side from datapoints published with the dimensions Lambda uses
//! (`FunctionName`, `Resource = FUNCTION:ALIAS`, `ExecutedVersion`). moto refuses percentiles, so the
//! maximum stands in and the comparison says so.
#![allow(clippy::unwrap_used)]
#![allow(clippy::float_cmp)]

use std::process::{Command, Output};

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_sdk_codedeploy::types::{
    AppSpecContent, ComputePlatform, RevisionLocation, RevisionLocationType,
};
use lambdash::domain::alias::AliasState;
use lambdash::domain::alias::codedeploy::AliasManagement;
use lambdash::domain::alias::compare::Verdict;
use lambdash::domain::metrics::{PercentileSupport, Reading};

const REGION: &str = "ap-south-1";

fn endpoint() -> String {
    std::env::var("LAMBDASH_TEST_ENDPOINT")
        .expect("LAMBDASH_TEST_ENDPOINT is not set: run ./scripts/test, which starts the emulator")
}

fn run(dir: &tempfile::TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lambdash"))
        .args(args)
        .env("AWS_ENDPOINT_URL", endpoint())
        .env("AWS_REGION", REGION)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("XDG_STATE_HOME", dir.path())
        .env("XDG_CONFIG_HOME", dir.path())
        .env("LAMBDASH_AUDIT_LOG", dir.path().join("audit.jsonl"))
        .output()
        .unwrap()
}

/// A function with versions 1..=3 and the aliases `live` (1, 10 % to 2) and `beta` (3).
async fn function_with_aliases(emu: &lambdash::seed::Emulator, stem: &str) -> String {
    lambdash::seed::seed_functions(emu, stem, 1, 1)
        .await
        .unwrap();
    let function = format!("{stem}-0000");
    for i in 1..=3 {
        emu.lambda
            .update_function_configuration()
            .function_name(&function)
            .description(format!("build {i}"))
            .send()
            .await
            .unwrap();
        emu.lambda
            .publish_version()
            .function_name(&function)
            .send()
            .await
            .unwrap();
    }
    emu.lambda
        .create_alias()
        .function_name(&function)
        .name("live")
        .function_version("1")
        .routing_config(
            aws_sdk_lambda::types::AliasRoutingConfiguration::builder()
                .additional_version_weights("2", 0.1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    emu.lambda
        .create_alias()
        .function_name(&function)
        .name("beta")
        .function_version("3")
        .send()
        .await
        .unwrap();
    function
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deployment_targeting_an_alias_is_flagged_and_the_others_are_not_managed() {
    let emu = lambdash::seed::connect(&endpoint(), REGION).await;
    let function = function_with_aliases(&emu, &format!("cd-e2e-{}", std::process::id())).await;
    let cd = aws_sdk_codedeploy::Client::new(&emu.sdk);
    let app = format!("{function}-app");
    cd.create_application()
        .application_name(&app)
        .compute_platform(ComputePlatform::Lambda)
        .send()
        .await
        .unwrap();
    cd.create_deployment_group()
        .application_name(&app)
        .deployment_group_name("release")
        .service_role_arn("arn:aws:iam::123456789012:role/codedeploy")
        .deployment_config_name("CodeDeployDefault.LambdaCanary10Percent5Minutes")
        .send()
        .await
        .unwrap();
    let appspec = format!(
        "version: 0.0\nResources:\n  - fn:\n      Type: AWS::Lambda::Function\n      Properties:\n        \
         Name: \"{function}\"\n        Alias: \"live\"\n        CurrentVersion: \"1\"\n        TargetVersion: \"2\"\n"
    );
    let deployment = cd
        .create_deployment()
        .application_name(&app)
        .deployment_group_name("release")
        .revision(
            RevisionLocation::builder()
                .revision_type(RevisionLocationType::AppSpecContent)
                .app_spec_content(AppSpecContent::builder().content(appspec).build())
                .build(),
        )
        .send()
        .await
        .unwrap()
        .deployment_id()
        .unwrap()
        .to_string();

    // The library's scan, over HTTP (moto lacks BatchGetDeploymentGroups: the fallback lists each group).
    let scan = lambdash::aws::codedeploy::scan(&cd, "default")
        .await
        .unwrap();
    let found = scan.for_function(&function);
    match &found.aliases["live"] {
        AliasManagement::Deploying(m) => {
            assert_eq!(m.deployment_id, deployment);
            assert_eq!(m.status, "Created", "moto never advances a deployment");
            assert_eq!(m.target_version.as_deref(), Some("2"));
        }
        other @ AliasManagement::Managed(_) => panic!("live: {other:?}"),
    }
    assert!(!found.aliases.contains_key("beta"));

    // The command line says the same.
    let dir = tempfile::tempdir().unwrap();
    let out = run(&dir, &["alias", "list", &function, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_name = |n: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|a| a["name"] == n)
            .unwrap()
            .clone()
    };
    let live = by_name("live");
    assert_eq!(live["codedeploy"]["state"], "deploying", "{live}");
    assert_eq!(live["codedeploy"]["deployment_id"], deployment.as_str());
    assert_eq!(live["codedeploy"]["deployment_group"], "release");
    assert_eq!(by_name("beta")["codedeploy"]["state"], "not_managed");
    // CodeDeploy's reads (BatchGet* included) pass the read-only guard.
    let ro = run(&dir, &["--read-only", "alias", "list", &function, "--json"]);
    assert!(
        ro.status.success(),
        "{}",
        String::from_utf8_lossy(&ro.stderr)
    );
    let ro: serde_json::Value = serde_json::from_slice(&ro.stdout).unwrap();
    assert!(
        ro.as_array()
            .unwrap()
            .iter()
            .any(|a| a["name"] == "live" && a["codedeploy"]["state"] == "deploying"),
        "{ro}"
    );
    let text = run(&dir, &["alias", "list", &function]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&format!("deploying {deployment}")), "{text}");
}

/// Ten minutes ago, per version of `function:live`: version 1 ran 100 times (1 error, up to 240 ms),
/// version 2 ran 20 times (5 errors, up to 950 ms); and 5,000 whole-function invocations.
async fn publish_version_metrics(
    emu: &lambdash::seed::Emulator,
    function: &str,
    now: chrono::DateTime<chrono::Utc>,
) {
    let at =
        aws_smithy_types::DateTime::from_secs((now - chrono::Duration::minutes(10)).timestamp());
    let datum = |metric: &str, version: &str, values: &[f64], unit: StandardUnit| {
        MetricDatum::builder()
            .metric_name(metric)
            .dimensions(
                Dimension::builder()
                    .name("FunctionName")
                    .value(function)
                    .build(),
            )
            .dimensions(
                Dimension::builder()
                    .name("Resource")
                    .value(format!("{function}:live"))
                    .build(),
            )
            .dimensions(
                Dimension::builder()
                    .name("ExecutedVersion")
                    .value(version)
                    .build(),
            )
            .timestamp(at)
            .set_values(Some(values.to_vec()))
            .unit(unit)
            .build()
    };
    // The whole-function series, which must not be counted per version.
    let whole = MetricDatum::builder()
        .metric_name("Invocations")
        .dimensions(
            Dimension::builder()
                .name("FunctionName")
                .value(function)
                .build(),
        )
        .timestamp(at)
        .value(5000.0)
        .unit(StandardUnit::Count)
        .build();
    emu.cloudwatch
        .put_metric_data()
        .namespace("AWS/Lambda")
        .metric_data(datum(
            "Invocations",
            "1",
            &[60.0, 40.0],
            StandardUnit::Count,
        ))
        .metric_data(datum("Errors", "1", &[1.0], StandardUnit::Count))
        .metric_data(datum(
            "Duration",
            "1",
            &[120.0, 180.0, 240.0],
            StandardUnit::Milliseconds,
        ))
        .metric_data(datum("Invocations", "2", &[20.0], StandardUnit::Count))
        .metric_data(datum("Errors", "2", &[5.0], StandardUnit::Count))
        .metric_data(datum(
            "Duration",
            "2",
            &[700.0, 950.0],
            StandardUnit::Milliseconds,
        ))
        .metric_data(whole)
        .send()
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_versions_behind_an_alias_side_by_side_from_executed_version_metrics() {
    let emu = lambdash::seed::connect(&endpoint(), REGION).await;
    let function = format!("cmp-e2e-{}", std::process::id());
    let now = chrono::Utc::now();
    publish_version_metrics(&emu, &function, now).await;

    let mut state = AliasState::plain("1");
    state.weights.insert("2".into(), 0.1);
    let support = PercentileSupport::default();
    let c = lambdash::aws::aliases::compare_versions(
        &emu.cloudwatch,
        "default",
        (&function, "live"),
        &state,
        now,
        &support,
    )
    .await
    .unwrap();
    assert!(c.percentiles_unavailable, "moto refuses p99");
    assert!(support.is_unavailable(), "remembered for the session");
    let [primary, canary] = c.versions.as_slice() else {
        panic!("{c:?}");
    };
    assert_eq!(primary.version, "1");
    assert_eq!(primary.invocations, Reading::Value(100.0));
    assert_eq!(primary.error_pct, Reading::Value(1.0));
    assert_eq!(primary.duration, Reading::Value(240.0));
    assert!(primary.duration_is_max);
    assert_eq!(canary.version, "2");
    assert_eq!(canary.invocations, Reading::Value(20.0));
    assert_eq!(canary.error_pct, Reading::Value(25.0));
    assert_eq!(canary.duration, Reading::Value(950.0));
    assert!(matches!(c.verdict(), Verdict::Worse(r) if r.len() == 2));

    // Once known, percentiles are not asked again: the same figures in one call.
    let again = lambdash::aws::aliases::compare_versions(
        &emu.cloudwatch,
        "default",
        (&function, "live"),
        &state,
        now,
        &support,
    )
    .await
    .unwrap();
    assert_eq!(again.versions, c.versions);
}
