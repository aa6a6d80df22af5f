//! The AWS layer: builds SDK clients from the default credential chain and maps SDK calls to domain types.
//! Nothing here formats for display or knows about ratatui.

pub mod alarms;
pub mod aliases;
pub mod codedeploy;
pub mod concurrency;
pub mod dlq;
mod error;
pub mod esm;
mod intercept;
pub mod invoke;
pub mod lambda;
pub mod livetail;
pub mod logs;
pub mod metrics;
pub mod profiles;
pub mod scheduler;
pub mod sts;

use std::time::Duration;

use aws_config::{BehaviorVersion, Region, retry::RetryConfig, timeout::TimeoutConfig};

pub use error::{AwsError, classify, function_not_found};
pub use intercept::{ApiCounter, ReadOnlyGuard, is_read_only_operation};
use scheduler::{Priority, QuotaConfig, ScheduledHttpClient, Scheduler, StampOperation};

/// How to reach AWS: everything the command line can say about it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Overrides the endpoint of every service (the emulator). `AWS_ENDPOINT_URL` works too.
    pub endpoint_url: Option<String>,
    pub read_only: bool,
    /// The share of each AWS quota lambdash may use (`[quota]`, `--quota-share`).
    pub quota: QuotaConfig,
}

/// The SDK clients lambdash uses, all sharing one config, one call counter, one request scheduler
/// (every request waits for a token of its quota group) and (under `--read-only`) one guard that
/// refuses any mutating operation before it is sent.
#[derive(Clone, Debug)]
pub struct Clients {
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub codedeploy: aws_sdk_codedeploy::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sts: aws_sdk_sts::Client,
    pub calls: ApiCounter,
    /// The request budget every client's HTTP connector waits on (shared across reconnects).
    pub scheduler: Scheduler,
    /// The profile name shown in the header (`default` when none is set).
    pub profile: String,
    pub region: String,
    pub endpoint_url: Option<String>,
    pub read_only: bool,
}

/// The connect timeout. The SDK's attempt and operation timeouts are off: they would count the time
/// a request waits for a quota token. Each attempt's network time is bounded instead by the
/// scheduler's connector ([`scheduler::connector::ATTEMPT_TIMEOUT`], 20 s), and attempts by the retry
/// config, so a dead endpoint still fails in bounded time.
fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .disable_operation_attempt_timeout()
        .disable_operation_timeout()
        .build()
}

/// The HTTPS client the SDK's `default-https-client` feature would build (hyper 1, rustls with
/// aws-lc, proxy settings from the environment), built here so the scheduler can wrap it.
fn https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig, tls};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        conn.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            conn.set_sleep_impl(components.sleep_impl());
        }
        conn.set_proxy_config(Some(ProxyConfig::from_env()));
        conn.build()
    })
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
    /// Builds clients from the default chain (env, profiles, SSO, IMDS), with the options as overrides,
    /// for a headless subcommand: its own scheduler, every request at user priority.
    pub async fn connect(opts: &ConnectOptions) -> Result<Self, AwsError> {
        let scheduler = Scheduler::with_default_priority(opts.quota.clone(), Priority::User);
        Self::connect_counted(opts, ApiCounter::default(), scheduler).await
    }

    /// As [`Clients::connect`], counting calls on an existing counter and queueing them on an existing
    /// scheduler (both kept across reconnects).
    pub async fn connect_counted(
        opts: &ConnectOptions,
        calls: ApiCounter,
        scheduler: Scheduler,
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
        let endpoint_url = opts
            .endpoint_url
            .clone()
            .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok());
        let scope = scheduler::scope_key(&profile, endpoint_url.as_deref(), &region);
        let http = ScheduledHttpClient::new(https_client(), scheduler.clone(), scope).into_shared();
        let lambda = aws_sdk_lambda::Client::from_conf(
            aws_sdk_lambda::config::Builder::from(&sdk)
                .http_client(http.clone())
                .interceptor(StampOperation)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let logs = aws_sdk_cloudwatchlogs::Client::from_conf(
            aws_sdk_cloudwatchlogs::config::Builder::from(&sdk)
                .http_client(http.clone())
                .interceptor(StampOperation)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let cloudwatch = aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::config::Builder::from(&sdk)
                .http_client(http.clone())
                .interceptor(StampOperation)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let codedeploy = aws_sdk_codedeploy::Client::from_conf(
            aws_sdk_codedeploy::config::Builder::from(&sdk)
                .http_client(http.clone())
                .interceptor(StampOperation)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let sqs = aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::config::Builder::from(&sdk)
                .http_client(http.clone())
                .interceptor(StampOperation)
                .interceptor(calls.clone())
                .interceptor(guard.clone())
                .build(),
        );
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&sdk)
                .http_client(http.clone())
                .interceptor(StampOperation)
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
            scheduler,
            profile,
            region,
            endpoint_url,
            read_only: opts.read_only,
        })
    }

    /// The scope this connection's requests are budgeted in (see [`scheduler::scope_key`]).
    pub fn scope(&self) -> String {
        scheduler::scope_key(&self.profile, self.endpoint_url.as_deref(), &self.region)
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
