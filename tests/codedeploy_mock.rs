//! CodeDeploy detection on the paths the emulator cannot prove, driven by `aws-smithy-mocks` with
//! answers shaped like AWS's documented ones: a deployment group's last deployments from
//! BatchGetDeploymentGroups (moto lacks the call), mixed compute platforms, AppSpecs in YAML, JSON and
//! S3, and an endpoint that refuses CodeDeploy altogether. Also the versions-side-by-side fetch when
//! CloudWatch answers percentiles, as AWS does (moto refuses them).

#![allow(clippy::unwrap_used)]

use aws_sdk_codedeploy::Client;
use aws_sdk_codedeploy::operation::batch_get_applications::BatchGetApplicationsOutput;
use aws_sdk_codedeploy::operation::batch_get_deployment_groups::BatchGetDeploymentGroupsOutput;
use aws_sdk_codedeploy::operation::list_applications::ListApplicationsOutput;
use aws_sdk_codedeploy::operation::list_deployment_groups::ListDeploymentGroupsOutput;
use aws_sdk_codedeploy::operation::list_deployments::ListDeploymentsOutput;
use aws_sdk_codedeploy::types::{
    ApplicationInfo, ComputePlatform, DeploymentGroupInfo, DeploymentStatus, LastDeploymentInfo,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use lambdash::aws::codedeploy;
use lambdash::domain::alias::codedeploy::AliasManagement;

/// BatchGetDeployments as AWS answers it (awsJson1.1): a finished deployment with a YAML AppSpec, a
/// running one with a JSON AppSpec naming the function by ARN, and one whose AppSpec is in S3.
const DEPLOYMENTS_JSON: &str = r#"{"deploymentsInfo":[
 {"applicationName":"signup-app","deploymentGroupName":"signup-dg","deploymentConfigName":"CodeDeployDefault.LambdaAllAtOnce",
  "deploymentId":"d-DONE00001","status":"Succeeded","createTime":1.7400000E9,"computePlatform":"Lambda",
  "revision":{"revisionType":"AppSpecContent","appSpecContent":{"content":"version: 0.0\nResources:\n  - userSignup:\n      Type: AWS::Lambda::Function\n      Properties:\n        Name: user-signup\n        Alias: live\n        CurrentVersion: \"2\"\n        TargetVersion: \"3\"\n","sha256":"abc"}}},
 {"applicationName":"signup-app","deploymentGroupName":"beta-dg","deploymentConfigName":"CodeDeployDefault.LambdaCanary10Percent5Minutes",
  "deploymentId":"d-RUN000001","status":"InProgress","createTime":1.7400100E9,"computePlatform":"Lambda",
  "revision":{"revisionType":"AppSpecContent","appSpecContent":{"content":"{\"version\":0.0,\"Resources\":[{\"userSignup\":{\"Type\":\"AWS::Lambda::Function\",\"Properties\":{\"Name\":\"arn:aws:lambda:eu-west-1:123456789012:function:user-signup\",\"Alias\":\"beta\",\"CurrentVersion\":\"3\",\"TargetVersion\":\"4\"}}}]}"}}},
 {"applicationName":"signup-app","deploymentGroupName":"s3-dg","deploymentConfigName":"CodeDeployDefault.LambdaAllAtOnce",
  "deploymentId":"d-S3000001","status":"Succeeded","createTime":1.7400000E9,"computePlatform":"Lambda",
  "revision":{"revisionType":"S3","s3Location":{"bucket":"releases","key":"appspec.yml","bundleType":"YAML"}}}
]}"#;

fn json(body: &'static str) -> HttpResponse {
    HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body))
}

fn client(rules: &[&Rule]) -> Client {
    mock_client!(aws_sdk_codedeploy, RuleMode::MatchAny, rules, |c| c
        .retry_config(
            aws_sdk_codedeploy::config::retry::RetryConfig::disabled()
        ))
}

fn applications() -> [Rule; 2] {
    [
        mock!(Client::list_applications).then_output(|| {
            ListApplicationsOutput::builder()
                .applications("signup-app")
                .applications("ec2-fleet")
                .build()
        }),
        mock!(Client::batch_get_applications).then_output(|| {
            BatchGetApplicationsOutput::builder()
                .applications_info(
                    ApplicationInfo::builder()
                        .application_name("signup-app")
                        .compute_platform(ComputePlatform::Lambda)
                        .build(),
                )
                .applications_info(
                    ApplicationInfo::builder()
                        .application_name("ec2-fleet")
                        .compute_platform(ComputePlatform::Server)
                        .build(),
                )
                .build()
        }),
    ]
}

fn groups() -> Rule {
    mock!(Client::list_deployment_groups)
        .match_requests(|r| r.application_name() == Some("signup-app"))
        .then_output(|| {
            ListDeploymentGroupsOutput::builder()
                .application_name("signup-app")
                .deployment_groups("signup-dg")
                .deployment_groups("beta-dg")
                .deployment_groups("s3-dg")
                .build()
        })
}

fn active() -> Rule {
    mock!(Client::list_deployments)
        .match_requests(|r| {
            r.application_name().is_none()
                && r.include_only_statuses()
                    .contains(&DeploymentStatus::InProgress)
        })
        .then_output(|| {
            ListDeploymentsOutput::builder()
                .deployments("d-RUN000001")
                .build()
        })
}

fn deployments() -> Rule {
    mock!(Client::batch_get_deployments)
        .match_requests(|r| {
            let ids = r.deployment_ids();
            ids.contains(&"d-DONE00001".to_string())
                && ids.contains(&"d-RUN000001".to_string())
                && ids.contains(&"d-S3000001".to_string())
        })
        .then_http_response(|| json(DEPLOYMENTS_JSON))
}

#[tokio::test]
async fn aliases_targeted_by_codedeploy_are_found_from_aws_shaped_answers() {
    let [list_apps, batch_apps] = applications();
    let last = mock!(Client::batch_get_deployment_groups)
        .match_requests(|r| r.application_name() == Some("signup-app"))
        .then_output(|| {
            let g = |name: &str, id: &str| {
                DeploymentGroupInfo::builder()
                    .deployment_group_name(name)
                    .last_attempted_deployment(
                        LastDeploymentInfo::builder().deployment_id(id).build(),
                    )
                    .build()
            };
            BatchGetDeploymentGroupsOutput::builder()
                .deployment_groups_info(g("signup-dg", "d-DONE00001"))
                .deployment_groups_info(g("beta-dg", "d-RUN000001"))
                .deployment_groups_info(g("s3-dg", "d-S3000001"))
                .build()
        });
    let (groups, active, deployments) = (groups(), active(), deployments());
    let c = client(&[
        &list_apps,
        &batch_apps,
        &groups,
        &last,
        &active,
        &deployments,
    ]);
    let scan = codedeploy::scan(&c, "default").await.unwrap();
    assert_eq!(
        (scan.applications, scan.groups),
        (1, 3),
        "only the Lambda application"
    );
    assert_eq!(
        scan.unreadable,
        vec![(
            "d-S3000001".to_string(),
            "its AppSpec is in S3 (s3://releases/appspec.yml): lambdash does not read S3"
                .to_string()
        )]
    );
    let f = scan.for_function("user-signup");
    match &f.aliases["live"] {
        AliasManagement::Managed(m) => {
            assert_eq!(m.deployment_id, "d-DONE00001");
            assert_eq!(m.deployment_group, "signup-dg");
            assert_eq!(
                (m.current_version.as_deref(), m.target_version.as_deref()),
                (Some("2"), Some("3"))
            );
        }
        other @ AliasManagement::Deploying(_) => panic!("live: {other:?}"),
    }
    match &f.aliases["beta"] {
        AliasManagement::Deploying(m) => {
            assert_eq!(m.deployment_id, "d-RUN000001");
            assert_eq!(m.status, "InProgress");
            assert_eq!(m.config, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
        }
        other @ AliasManagement::Managed(_) => panic!("beta: {other:?}"),
    }
    assert_eq!(
        f.unreadable.len(),
        1,
        "an unread AppSpec makes the rest uncertain"
    );
    assert!(scan.for_function("billing").aliases.is_empty());
}

#[tokio::test]
async fn without_batch_get_deployment_groups_each_group_is_listed() {
    let [list_apps, batch_apps] = applications();
    let missing = mock!(Client::batch_get_deployment_groups).then_http_response(|| {
        HttpResponse::new(
            StatusCode::try_from(404).unwrap(),
            SdkBody::from("<html>404 Not Found</html>"),
        )
    });
    let per_group = mock!(Client::list_deployments)
        .match_requests(|r| r.application_name() == Some("signup-app"))
        .then_output(|| {
            ListDeploymentsOutput::builder()
                .deployments("d-DONE00001")
                .deployments("d-S3000001")
                .build()
        });
    let (groups, active, deployments) = (groups(), active(), deployments());
    let c = client(&[
        &list_apps,
        &batch_apps,
        &groups,
        &missing,
        &per_group,
        &active,
        &deployments,
    ]);
    let scan = codedeploy::scan(&c, "default").await.unwrap();
    let f = scan.for_function("user-signup");
    assert!(matches!(f.aliases["live"], AliasManagement::Managed(_)));
    assert!(matches!(f.aliases["beta"], AliasManagement::Deploying(_)));
    assert_eq!(per_group.num_calls(), 3, "one listing per group");
}

#[tokio::test]
async fn an_endpoint_without_codedeploy_is_an_error_never_not_managed() {
    let refused = mock!(Client::list_applications).then_http_response(|| {
        HttpResponse::new(
            StatusCode::try_from(404).unwrap(),
            SdkBody::from("<html>404 Not Found</html>"),
        )
    });
    let c = client(&[&refused]);
    let err = codedeploy::scan(&c, "default").await.unwrap_err();
    assert!(err.is_unsupported(), "{err:?}");
    assert!(err.to_string().contains("ListApplications"), "{err}");
}

#[tokio::test]
async fn percentiles_answered_by_aws_give_the_hours_p99_per_version() {
    use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
    use aws_sdk_cloudwatch::types::MetricDataResult;
    use lambdash::domain::alias::AliasState;
    use lambdash::domain::metrics::{PercentileSupport, Reading};

    let gmd = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(|r| {
            let q = r.metric_data_queries();
            // 4 figures × 2 versions, every one narrowed to FunctionName + Resource + ExecutedVersion.
            q.len() == 8
                && q.iter().all(|q| {
                    let m = q.metric_stat().unwrap();
                    m.period() == Some(3600)
                        && m.metric().unwrap().dimensions().len() == 3
                        && m.metric().unwrap().dimensions()[1].value() == Some("orders:live")
                })
        })
        .then_output(|| {
            // Inside the compared hour (it ends at the last minute over and ingested).
            let ts = aws_smithy_types::DateTime::from_secs(chrono::Utc::now().timestamp() - 1800);
            let r = |id: &str, v: f64| {
                MetricDataResult::builder()
                    .id(id)
                    .timestamps(ts)
                    .values(v)
                    .build()
            };
            GetMetricDataOutput::builder()
                .metric_data_results(r("v0_invocations", 1000.0))
                .metric_data_results(r("v0_errors", 10.0))
                .metric_data_results(r("v0_durationmax", 900.0))
                .metric_data_results(r("v0_durationp99", 300.0))
                .metric_data_results(r("v1_invocations", 100.0))
                .metric_data_results(r("v1_errors", 20.0))
                .metric_data_results(r("v1_durationmax", 2000.0))
                .metric_data_results(r("v1_durationp99", 1500.0))
                .build()
        });
    let cw = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&gmd]);
    let mut state = AliasState::plain("7");
    state.weights.insert("8".into(), 0.1);
    let support = PercentileSupport::default();
    let c = lambdash::aws::aliases::compare_versions(
        &cw,
        "default",
        ("orders", "live"),
        &state,
        chrono::Utc::now(),
        &support,
    )
    .await
    .unwrap();
    assert!(!c.percentiles_unavailable && !support.is_unknown());
    assert_eq!(c.versions[0].duration, Reading::Value(300.0));
    assert!(!c.versions[0].duration_is_max);
    assert_eq!(c.versions[1].error_pct, Reading::Value(20.0));
    assert!(matches!(
        c.verdict(),
        lambdash::domain::alias::compare::Verdict::Worse(r) if r.len() == 2
    ));
}
