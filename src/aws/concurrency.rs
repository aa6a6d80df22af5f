//! Concurrency: GetAccountSettings, reserved concurrency (GetFunction for the account view,
//! GetFunctionConcurrency for one function), provisioned concurrency (ListProvisionedConcurrencyConfigs)
//! and the `ConcurrentExecutions` / `Throttles` metrics; Put/DeleteFunctionConcurrency for the levers.
//!
//! What the account view costs, for N functions in P pages of ListFunctions (every call waits in the
//! scheduler for a token of its quota group):
//!
//! - Lambda control plane (15/s, shared with every other control-plane call): 1 GetAccountSettings,
//!   P ListFunctions, and N ListProvisionedConcurrencyConfigs — there is no account-wide listing of
//!   provisioned concurrency. The first is sent alone: when the endpoint lacks the API (the emulator)
//!   or access is denied, the other N − 1 are not sent. `--no-provisioned` skips them all.
//! - GetFunction (its own quota, 100/s): N, for the reserved concurrency. There is no batched read of
//!   it either; GetFunctionConcurrency would answer the same from the 15/s control plane, so the
//!   account view reads GetFunction's `Concurrency` instead. (moto leaves `Concurrency` out of
//!   GetFunction when the reservation is 0; AWS returns it. One function's value — `stop`, `concurrency
//!   set` — is read with GetFunctionConcurrency, which moto answers exactly.)
//! - GetMetricData: 1 for the account-wide `ConcurrentExecutions`, ⌈2N / 500⌉ for each function's peak
//!   (`ConcurrentExecutions` Maximum) and `Throttles` (Sum).

use std::time::Duration;

use aws_sdk_cloudwatch::types::{Metric, MetricDataQuery, MetricStat};
use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::{AwsError, Clients, classify};
use crate::domain::concurrency::{
    AccountConcurrency, Availability, ConcurrencyReport, FunctionConcurrency, Provisioned,
    Reserved, sort_closest_first,
};
use crate::domain::metrics::{
    MetricName, NAMESPACE, PercentileSupport, Reading, SeriesKey, Stat, period_for, window,
};

/// Per-function reads in flight at once (the scheduler paces them to the quota).
const CONCURRENT_READS: usize = 8;

/// GetAccountSettings' `AccountLimit`.
pub async fn account_settings(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
) -> Result<AccountConcurrency, AwsError> {
    let out = lambda
        .get_account_settings()
        .send()
        .await
        .map_err(|e| classify(&e, "GetAccountSettings", profile))?;
    let limit = out.account_limit();
    Ok(AccountConcurrency {
        limit: limit.map_or(
            0,
            aws_sdk_lambda::types::AccountLimit::concurrent_executions,
        ),
        unreserved: limit
            .and_then(aws_sdk_lambda::types::AccountLimit::unreserved_concurrent_executions)
            .unwrap_or(0),
    })
}

/// One function's reserved concurrency, exactly (GetFunctionConcurrency, control plane).
pub async fn reserved_of(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    function: &str,
) -> Result<Reserved, AwsError> {
    let out = lambda
        .get_function_concurrency()
        .function_name(function)
        .send()
        .await
        .map_err(|e| classify(&e, "GetFunctionConcurrency", profile))?;
    Ok(Reserved(out.reserved_concurrent_executions()))
}

/// One function's reserved concurrency from GetFunction (its own 100/s quota).
pub async fn reserved_from_get_function(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    function: &str,
) -> Result<Reserved, AwsError> {
    let out = lambda
        .get_function()
        .function_name(function)
        .send()
        .await
        .map_err(|e| classify(&e, "GetFunction", profile))?;
    Ok(Reserved(out.concurrency().and_then(
        aws_sdk_lambda::types::Concurrency::reserved_concurrent_executions,
    )))
}

/// Every provisioned concurrency configuration of one function (its aliases and versions), paginated.
pub async fn provisioned_of(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    function: &str,
) -> Result<Vec<Provisioned>, AwsError> {
    let mut pages = lambda
        .list_provisioned_concurrency_configs()
        .function_name(function)
        .into_paginator()
        .send();
    let mut all = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "ListProvisionedConcurrencyConfigs", profile))?;
        all.extend(page.provisioned_concurrency_configs().iter().map(|c| {
            let arn = c.function_arn().unwrap_or_default();
            Provisioned {
                qualifier: arn.split(':').nth(7).unwrap_or(arn).to_string(),
                requested: c.requested_provisioned_concurrent_executions(),
                allocated: c.allocated_provisioned_concurrent_executions(),
                available: c.available_provisioned_concurrent_executions(),
                status: c.status().map_or("unknown", |s| s.as_str()).to_string(),
                status_reason: c.status_reason().map(ToString::to_string),
                last_modified: c.last_modified().map(ToString::to_string),
            }
        }));
    }
    Ok(all)
}

/// A config override that sends a write once: no SDK retry, so a throttled or failed lever is reported
/// with AWS's message and the person decides whether to try again (a retried Invoke could run the
/// function's code twice).
pub fn send_once() -> aws_sdk_lambda::config::Builder {
    aws_sdk_lambda::config::Builder::default()
        .retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
}

/// Sets (`Some(n)`) or removes (`None`) a function's reserved concurrency; returns what AWS now has.
/// Sent once ([`send_once`]).
pub async fn set_reserved(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    function: &str,
    to: Reserved,
) -> Result<Reserved, AwsError> {
    match to.0 {
        Some(n) => lambda
            .put_function_concurrency()
            .function_name(function)
            .reserved_concurrent_executions(n)
            .customize()
            .config_override(send_once())
            .send()
            .await
            .map(|out| Reserved(out.reserved_concurrent_executions()))
            .map_err(|e| classify(&e, "PutFunctionConcurrency", profile)),
        None => lambda
            .delete_function_concurrency()
            .function_name(function)
            .customize()
            .config_override(send_once())
            .send()
            .await
            .map(|_| Reserved::NONE)
            .map_err(|e| classify(&e, "DeleteFunctionConcurrency", profile)),
    }
}

/// The requested provisioned concurrency configured on one alias or version (GetProvisionedConcurrencyConfig);
/// `None` when there is no configuration.
pub async fn provisioned_requested(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    function: &str,
    qualifier: &str,
) -> Result<Option<i32>, AwsError> {
    match lambda
        .get_provisioned_concurrency_config()
        .function_name(function)
        .qualifier(qualifier)
        .send()
        .await
    {
        Ok(out) => Ok(out.requested_provisioned_concurrent_executions()),
        Err(e) => {
            let err = classify(&e, "GetProvisionedConcurrencyConfig", profile);
            if matches!(&err, AwsError::Service { code, .. } if code == "ProvisionedConcurrencyConfigNotFoundException")
            {
                Ok(None)
            } else {
                Err(err)
            }
        }
    }
}

/// Puts (`Some(n)`) or deletes (`None`) the provisioned concurrency of one alias or version; returns
/// the status AWS reports (`IN_PROGRESS` while it allocates; `removed` for a delete). Sent once.
pub async fn set_provisioned(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    function: &str,
    qualifier: &str,
    to: Option<i32>,
) -> Result<String, AwsError> {
    match to {
        Some(n) => lambda
            .put_provisioned_concurrency_config()
            .function_name(function)
            .qualifier(qualifier)
            .provisioned_concurrent_executions(n)
            .customize()
            .config_override(send_once())
            .send()
            .await
            .map(|out| out.status().map_or("unknown", |s| s.as_str()).to_string())
            .map_err(|e| classify(&e, "PutProvisionedConcurrencyConfig", profile)),
        None => lambda
            .delete_provisioned_concurrency_config()
            .function_name(function)
            .qualifier(qualifier)
            .customize()
            .config_override(send_once())
            .send()
            .await
            .map(|_| "removed".to_string())
            .map_err(|e| classify(&e, "DeleteProvisionedConcurrencyConfig", profile)),
    }
}

/// The maximum of the account-wide `ConcurrentExecutions` (no dimension) over `[start, end)`: one
/// GetMetricData. `None` when there is no datapoint.
pub async fn account_peak(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    profile: &str,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    period_s: i32,
) -> Result<Option<f64>, AwsError> {
    let query = MetricDataQuery::builder()
        .id("account")
        .metric_stat(
            MetricStat::builder()
                .metric(
                    Metric::builder()
                        .namespace(NAMESPACE)
                        .metric_name(MetricName::ConcurrentExecutions.as_str())
                        .build(),
                )
                .period(period_s)
                .stat("Maximum")
                .build(),
        )
        .return_data(true)
        .build();
    let out = cloudwatch
        .get_metric_data()
        .metric_data_queries(query)
        .start_time(aws_smithy_types::DateTime::from_secs(start.timestamp()))
        .end_time(aws_smithy_types::DateTime::from_secs(end.timestamp()))
        .send()
        .await
        .map_err(|e| classify(&e, "GetMetricData", profile))?;
    Ok(out
        .metric_data_results()
        .iter()
        .flat_map(aws_sdk_cloudwatch::types::MetricDataResult::values)
        .copied()
        .reduce(f64::max))
}

/// What to read for the view.
#[derive(Clone, Debug)]
pub struct ReportOptions {
    pub range: Duration,
    pub now: DateTime<Utc>,
    /// Read provisioned concurrency (N control-plane calls).
    pub provisioned: bool,
}

/// Reads each function's reserved concurrency (GetFunction), `CONCURRENT_READS` at a time.
async fn reserved_all(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    functions: &[String],
) -> Vec<Availability<Reserved>> {
    futures::stream::iter(functions)
        .map(|f| async move {
            match reserved_from_get_function(lambda, profile, f).await {
                Ok(r) => Availability::Ok(r),
                Err(e) => Availability::Unavailable(e.to_string()),
            }
        })
        .buffered(CONCURRENT_READS)
        .collect()
        .await
}

/// True when the same failure will answer every function: the endpoint lacks the API, or access is
/// denied.
fn fails_for_all(e: &AwsError) -> bool {
    e.is_unsupported()
        || matches!(e, AwsError::Service { code, .. } if code.contains("AccessDenied"))
        || matches!(e, AwsError::Credentials { .. })
}

/// Reads each function's provisioned concurrency: the first alone, the rest only when it worked.
async fn provisioned_all(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    functions: &[String],
) -> Vec<Availability<Vec<Provisioned>>> {
    let Some((first, rest)) = functions.split_first() else {
        return Vec::new();
    };
    let first = match provisioned_of(lambda, profile, first).await {
        Ok(p) => Availability::Ok(p),
        Err(e) if fails_for_all(&e) => {
            let why = e.to_string();
            return functions
                .iter()
                .map(|_| Availability::Unavailable(why.clone()))
                .collect();
        }
        Err(e) => Availability::Unavailable(e.to_string()),
    };
    let mut out = vec![first];
    out.extend(
        futures::stream::iter(rest)
            .map(|f| async move {
                match provisioned_of(lambda, profile, f).await {
                    Ok(p) => Availability::Ok(p),
                    Err(e) => Availability::Unavailable(e.to_string()),
                }
            })
            .buffered(CONCURRENT_READS)
            .collect::<Vec<_>>()
            .await,
    );
    out
}

/// Peak concurrency and throttles per function, batched GetMetricData (⌈2N / 500⌉ calls).
async fn function_metrics(
    cloudwatch: &aws_sdk_cloudwatch::Client,
    profile: &str,
    functions: &[String],
    opts: &ReportOptions,
    period_s: i32,
) -> Result<Vec<(Option<f64>, Option<f64>)>, AwsError> {
    let keys: Vec<(SeriesKey, SeriesKey)> = functions
        .iter()
        .map(|f| {
            (
                SeriesKey::new(f, MetricName::ConcurrentExecutions, Stat::Maximum),
                SeriesKey::new(f, MetricName::Throttles, Stat::Sum),
            )
        })
        .collect();
    let series: Vec<SeriesKey> = keys
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    let mut batch = super::metrics::get_metric_data(
        cloudwatch,
        profile,
        &series,
        opts.range,
        period_s,
        opts.now,
        &PercentileSupport::default(),
    )
    .await?;
    batch.drop_incomplete();
    let value = |k: &SeriesKey| match batch.reading(k) {
        Reading::Value(v) => Some(v),
        Reading::NoData | Reading::Unavailable(_) => None,
    };
    Ok(keys.iter().map(|(p, t)| (value(p), value(t))).collect())
}

/// The concurrency view of `functions`: account settings and peak, each function's reserved and
/// provisioned concurrency, peak and throttles; closest to their ceiling first. Parts the endpoint
/// cannot answer are `Unavailable` with the reason; the rest is still read.
pub async fn report(
    lambda: &aws_sdk_lambda::Client,
    cloudwatch: &aws_sdk_cloudwatch::Client,
    profile: &str,
    functions: &[String],
    opts: &ReportOptions,
) -> ConcurrencyReport {
    let period_s = period_for(opts.range);
    let span = window(opts.range, period_s, opts.now);
    let provisioned = async {
        if opts.provisioned {
            provisioned_all(lambda, profile, functions).await
        } else {
            functions.iter().map(|_| Availability::Skipped).collect()
        }
    };
    // Boxed: each SDK call's future is large, and joined they would make this one ~17 KB.
    let (account, peak, reserved, provisioned, metrics) = tokio::join!(
        Box::pin(account_settings(lambda, profile)),
        Box::pin(account_peak(cloudwatch, profile, span, period_s)),
        Box::pin(reserved_all(lambda, profile, functions)),
        Box::pin(provisioned),
        Box::pin(function_metrics(
            cloudwatch, profile, functions, opts, period_s
        )),
    );
    let account = match account {
        Ok(a) => Availability::Ok(a),
        Err(e) => Availability::Unavailable(e.to_string()),
    };
    let (metrics, metrics_error) = match metrics {
        Ok(m) => (m, None),
        Err(e) => (vec![(None, None); functions.len()], Some(e.to_string())),
    };
    let mut rows: Vec<FunctionConcurrency> = functions
        .iter()
        .zip(reserved)
        .zip(provisioned)
        .zip(metrics)
        .map(
            |(((f, reserved), provisioned), (peak, throttles))| FunctionConcurrency {
                function: f.clone(),
                reserved,
                provisioned,
                peak,
                throttles,
            },
        )
        .collect();
    sort_closest_first(&mut rows, account.ok().copied());
    ConcurrencyReport {
        start: span.0,
        end: span.1,
        account,
        account_peak: match peak {
            Ok(p) => Availability::Ok(p),
            Err(e) => Availability::Unavailable(e.to_string()),
        },
        functions: rows,
        metrics_error,
    }
}

impl Clients {
    /// [`report`] on this connection.
    pub async fn concurrency_report(
        &self,
        functions: &[String],
        opts: &ReportOptions,
    ) -> ConcurrencyReport {
        report(
            &self.lambda,
            &self.cloudwatch,
            &self.profile,
            functions,
            opts,
        )
        .await
    }

    /// One function's reserved concurrency, exactly (GetFunctionConcurrency).
    pub async fn reserved_concurrency(&self, function: &str) -> Result<Reserved, AwsError> {
        reserved_of(&self.lambda, &self.profile, function).await
    }

    /// The requested provisioned concurrency of one alias or version (`None`: not configured).
    pub async fn provisioned_concurrency(
        &self,
        function: &str,
        qualifier: &str,
    ) -> Result<Option<i32>, AwsError> {
        provisioned_requested(&self.lambda, &self.profile, function, qualifier).await
    }

    /// Put/DeleteProvisionedConcurrencyConfig.
    pub async fn set_provisioned_concurrency(
        &self,
        function: &str,
        qualifier: &str,
        to: Option<i32>,
    ) -> Result<String, AwsError> {
        set_provisioned(&self.lambda, &self.profile, function, qualifier, to).await
    }

    /// Put/DeleteFunctionConcurrency.
    pub async fn set_reserved_concurrency(
        &self,
        function: &str,
        to: Reserved,
    ) -> Result<Reserved, AwsError> {
        set_reserved(&self.lambda, &self.profile, function, to).await
    }
}
