//! The AWS layer: builds SDK clients from the default credential chain and maps SDK calls to domain types.
//! Nothing here formats for display or knows about ratatui.

pub mod alarms;
pub mod aliases;
pub mod codedeploy;
pub mod dlq;
mod error;
mod intercept;
pub mod lambda;
pub mod livetail;
pub mod logs;
pub mod metrics;
pub mod profiles;
pub mod sts;

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, retry::RetryConfig, timeout::TimeoutConfig};

pub use error::{AwsError, classify};
pub use intercept::{ApiCounter, ReadOnlyGuard, is_read_only_operation};

/// How to reach AWS: everything the command line can say about it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Overrides the endpoint of every service (the emulator). `AWS_ENDPOINT_URL` works too.
    pub endpoint_url: Option<String>,
    pub read_only: bool,
}

/// The SDK clients lambdash uses, all sharing one config, one call counter and (under `--read-only`)
/// one guard that refuses any mutating operation before it is sent.
#[derive(Clone, Debug)]
pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub codedeploy: aws_sdk_codedeploy::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sts: aws_sdk_sts::Client,
    pub calls: ApiCounter,
    /// The profile name shown in the header (`default` when none is set).
    pub profile: String,
    pub region: String,
    pub endpoint_url: Option<String>,
    pub read_only: bool,
}

/// Per-attempt and per-operation timeouts: a dead endpoint must not hang a pane forever.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(20))
        .operation_timeout(Duration::from_mins(1))
        .build()
}

/// Adaptive retry, 4 attempts, with the SDK's Retry Behavior 2.1. Under 2.0 (the default today) the
/// adaptive rate limiter charges a throttled retry 10 tokens at its minimum rate of 0.5/s: every retry
/// after a throttle waited ~20 s, and a call throttled three times took ~56 s (measured through
/// `tests/support/fault_proxy.rs`), close to the operation timeout. 2.1 charges one token per attempt.
fn retry_config() -> RetryConfig {
    RetryConfig::adaptive()
        .with_max_attempts(4)
        .with_retry_spec(aws_smithy_types::retry::RetrySpec::v2_1())
}

impl Clients {
    /// Builds clients from the default chain (env, profiles, SSO, IMDS), with the options as overrides.
    pub async fn connect(opts: &ConnectOptions) -> Result<Self, AwsError> {
        Self::connect_counted(opts, ApiCounter::default()).await
    }

    /// As [`Clients::connect`], counting calls on an existing counter (kept across reconnects).
    pub async fn connect_counted(
        opts: &ConnectOptions,
        calls: ApiCounter,
    ) -> Result<Self, AwsError> {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .retry_config(retry_config())
            .timeout_config(timeouts());
        if let Some(profile) = &opts.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(region) = &opts.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &opts.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let sdk = loader.load().await;
        let region = sdk
            .region()
            .map(ToString::to_string)
            .ok_or(AwsError::NoRegion)?;
        let profile = opts
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok())
            .unwrap_or_else(|| "default".to_string());
        let guard = ReadOnlyGuard::new(opts.read_only);
        let lambda = aws_sdk_lambda::Client::from_conf(
            aws_sdk_lambda::config::Builder::from(&sdk)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let logs = aws_sdk_cloudwatchlogs::Client::from_conf(
            aws_sdk_cloudwatchlogs::config::Builder::from(&sdk)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let cloudwatch = aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::config::Builder::from(&sdk)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let codedeploy = aws_sdk_codedeploy::Client::from_conf(
            aws_sdk_codedeploy::config::Builder::from(&sdk)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let sqs = aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(&sdk)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&sdk)
                .interceptor(calls.clone())
                .interceptor(guard)
                .build(),
        );
        Ok(Self {
            lambda,
            logs,
            cloudwatch,
            codedeploy,
            sqs,
            sts,
            calls,
            profile,
            region,
            endpoint_url: opts
                .endpoint_url
                .clone()
                .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok()),
            read_only: opts.read_only,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_are_adaptive_with_behaviour_2_1() {
        let retry = retry_config();
        assert_eq!(retry.mode(), aws_config::retry::RetryMode::Adaptive);
        assert_eq!(retry.max_attempts(), 4);
        assert_eq!(
            retry.retry_spec(),
            Some(&aws_smithy_types::retry::RetrySpec::v2_1())
        );
    }
}
