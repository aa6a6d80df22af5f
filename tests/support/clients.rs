//! `Clients` for tests, built one way in every file: over the emulator with every call counted (as the
//! TUI's are), or over `aws-smithy-mocks` rules. Included with `#[path = "support/clients.rs"]` by the
//! tests that need it (without the rest of `support`).
#![allow(dead_code)]

use aws_smithy_mocks::{Rule, RuleMode, mock_client};
use lambdash::aws::{ApiCounter, Clients};

/// Clients like the TUI's over an emulator: every Lambda, CloudWatch and SQS call counted by `counter`
/// (the status-bar figure).
pub fn counted(e: &lambdash::seed::Emulator, counter: &ApiCounter) -> Clients {
    Clients {
        lambda: aws_sdk_lambda::Client::from_conf(
            aws_sdk_lambda::config::Builder::from(&e.sdk)
                .interceptor(counter.clone())
                .build(),
        ),
        logs: e.logs.clone(),
        cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::config::Builder::from(&e.sdk)
                .interceptor(counter.clone())
                .build(),
        ),
        codedeploy: aws_sdk_codedeploy::Client::new(&e.sdk),
        sqs: aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(&e.sdk)
                .interceptor(counter.clone())
                .build(),
        ),
        sts: aws_sdk_sts::Client::new(&e.sdk),
        calls: counter.clone(),
        scheduler: lambdash::aws::scheduler::Scheduler::default(),
        profile: "default".to_string(),
        region: e.region.clone(),
        endpoint_url: Some(e.endpoint.clone()),
        read_only: false,
    }
}

/// Clients in eu-west-1 whose Lambda, SQS and CloudWatch answer from the given rules (retries off: a
/// 500 is final); Logs, CodeDeploy and STS are not mocked.
pub fn mocked(lambda: &[&Rule], sqs: &[&Rule], cloudwatch: &[&Rule]) -> Clients {
    use aws_config::retry::RetryConfig;
    let region = aws_config::Region::new("eu-west-1");
    Clients {
        lambda: mock_client!(aws_sdk_lambda, RuleMode::MatchAny, lambda, |c| c
            .retry_config(RetryConfig::disabled())),
        logs: aws_sdk_cloudwatchlogs::Client::from_conf(
            aws_sdk_cloudwatchlogs::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(region.clone())
                .build(),
        ),
        cloudwatch: mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, cloudwatch, |c| c
            .retry_config(RetryConfig::disabled())),
        codedeploy: aws_sdk_codedeploy::Client::from_conf(
            aws_sdk_codedeploy::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .build(),
        ),
        sqs: mock_client!(aws_sdk_sqs, RuleMode::MatchAny, sqs, |c| c
            .retry_config(RetryConfig::disabled())),
        sts: aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(aws_config::BehaviorVersion::latest())
                .region(region)
                .build(),
        ),
        calls: ApiCounter::default(),
        scheduler: lambdash::aws::scheduler::Scheduler::default(),
        profile: "default".to_string(),
        region: "eu-west-1".to_string(),
        endpoint_url: None,
        read_only: false,
    }
}
