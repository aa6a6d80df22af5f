//! Seeds the local emulator (moto) with a believable AWS Lambda account, and keeps it alive with
//! simulated traffic. Used by `scripts/demo` (through the `lambdash-demo` binary) and by the
//! end-to-end tests.
//!
//! - [`connect`] builds clients for an endpoint with the emulator's static credentials.
//! - [`seed_demo`] creates the demo account: ~28 functions, versions and aliases, queues, alarms,
//!   hours of log history and three hours of per-minute metrics.
//! - [`seed_functions`] creates many bare functions (for the 1,200-function test and benchmarks).
//! - [`seed_scale`] creates a large account (10,000 functions in minutes) with event source mappings,
//!   EventInvokeConfigs and DLQs spread across it, for `scripts/scale` and the quota proxy test.
//! - [`traffic_tick`], called every second, appends fresh log lines, publishes a minute of metrics
//!   every minute, flips an alarm now and then and drops new messages in the DLQ.
//!
//! Data are generated from a seeded [`fastrand::Rng`], so two runs tell the same story (timestamps
//! follow the clock).

mod catalog;
mod demo;
mod logs;
mod messages;
mod model;
mod scale;
mod sim;
mod traffic;
mod zip;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit, StatisticSet};
use aws_sdk_cloudwatchlogs::types::InputLogEvent;
use aws_sdk_lambda::config::Credentials;
use aws_sdk_lambda::error::ProvideErrorMetadata;
use aws_smithy_types::error::display::DisplayErrorContext;
use chrono::{DateTime, Utc};
use futures::{StreamExt, TryStreamExt};

pub use catalog::{
    ASYNC_FUNCTION, CUSTOM_LOG_FUNCTION, DLQ, FAILING_FUNCTION, FUNCTIONS, FunctionSpec,
    ON_FAILURE_QUEUE, SOURCE_QUEUE, SQS_FUNCTION,
};
pub use demo::seed_demo;
pub use scale::{ScalePlan, ScaleSummary, seed_scale};
pub use traffic::{TickSummary, TrafficState, traffic_tick};
pub use zip::stored_zip;

/// moto's account id.
pub const ACCOUNT_ID: &str = "123456789012";
/// The execution role every seeded function uses.
pub const ROLE_NAME: &str = "lambdash-demo-exec";

/// Clients for one emulator endpoint and region.
#[derive(Clone, Debug)]
pub struct Emulator {
    pub sdk: SdkConfig,
    pub region: String,
    pub endpoint: String,
    pub lambda: aws_sdk_lambda::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub iam: aws_sdk_iam::Client,
}

impl Emulator {
    /// The ARN of a function in this region.
    pub fn function_arn(&self, name: &str) -> String {
        format!(
            "arn:aws:lambda:{}:{ACCOUNT_ID}:function:{name}",
            self.region
        )
    }
}

/// Connects to `endpoint` (e.g. `http://127.0.0.1:5000`) in `region` with the static credentials
/// `test`/`test`. Nothing is sent until the first call.
pub async fn connect(endpoint: &str, region: &str) -> Emulator {
    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new(
            "test",
            "test",
            None,
            None,
            "lambdash-seed",
        ))
        .load()
        .await;
    Emulator {
        region: region.to_owned(),
        endpoint: endpoint.to_owned(),
        lambda: aws_sdk_lambda::Client::new(&sdk),
        logs: aws_sdk_cloudwatchlogs::Client::new(&sdk),
        cloudwatch: aws_sdk_cloudwatch::Client::new(&sdk),
        sqs: aws_sdk_sqs::Client::new(&sdk),
        iam: aws_sdk_iam::Client::new(&sdk),
        sdk,
    }
}

/// What went wrong while seeding.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// An AWS call failed.
    #[error("{op}: {message}")]
    Aws {
        op: &'static str,
        /// The error code (e.g. `ResourceConflictException`), when the service sent one.
        code: Option<String>,
        message: String,
    },
    /// A request could not be built.
    #[error("building a request: {0}")]
    Build(#[from] aws_smithy_types::error::operation::BuildError),
    /// The emulator answered something unexpected.
    #[error("{0}")]
    Unexpected(String),
}

impl SeedError {
    /// The service's error code, if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Self::Aws { code, .. } => code.as_deref(),
            _ => None,
        }
    }
}

/// Maps an SDK error to [`SeedError::Aws`], keeping the error code and the full context.
pub(crate) fn aws<E>(op: &'static str) -> impl FnOnce(E) -> SeedError
where
    E: std::error::Error + ProvideErrorMetadata + 'static,
{
    move |e| SeedError::Aws {
        op,
        code: e.code().map(str::to_owned),
        message: DisplayErrorContext(&e).to_string(),
    }
}

/// What [`seed_demo`] created.
#[derive(Clone, Debug, Default)]
pub struct SeedSummary {
    pub region: String,
    /// Every demo function, in catalog order.
    pub functions: Vec<String>,
    /// Functions that already existed (a second run): left as they were.
    pub already_existed: Vec<String>,
    pub versions_published: usize,
    pub aliases: usize,
    pub log_groups: usize,
    pub log_streams: usize,
    pub log_events: usize,
    pub metric_datapoints: usize,
    pub alarms: usize,
    pub alarms_in_alarm: Vec<String>,
    pub dlq_messages: usize,
    pub failure_records: usize,
}

/// Creates the execution role, or finds it (IAM is global: another region may have created it).
pub(crate) async fn ensure_role(e: &Emulator) -> Result<String, SeedError> {
    const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let created = e
        .iam
        .create_role()
        .role_name(ROLE_NAME)
        .assume_role_policy_document(TRUST)
        .description("Execution role for the lambdash demo functions")
        .send()
        .await;
    match created {
        Ok(out) => Ok(out.role().map(|r| r.arn().to_owned()).unwrap_or_default()),
        Err(err) if err.code() == Some("EntityAlreadyExists") => {
            let got = e
                .iam
                .get_role()
                .role_name(ROLE_NAME)
                .send()
                .await
                .map_err(aws("iam:GetRole"))?;
            Ok(got.role().map(|r| r.arn().to_owned()).unwrap_or_default())
        }
        Err(err) => Err(aws("iam:CreateRole")(err)),
    }
}

/// Creates a log group; an existing one is fine.
pub(crate) async fn ensure_log_group(e: &Emulator, group: &str) -> Result<(), SeedError> {
    match e.logs.create_log_group().log_group_name(group).send().await {
        Ok(_) => Ok(()),
        Err(err) if err.code() == Some("ResourceAlreadyExistsException") => Ok(()),
        Err(err) => Err(aws("logs:CreateLogGroup")(err)),
    }
}

/// Creates a log stream; an existing one is fine.
pub(crate) async fn ensure_log_stream(
    e: &Emulator,
    group: &str,
    stream: &str,
) -> Result<(), SeedError> {
    match e
        .logs
        .create_log_stream()
        .log_group_name(group)
        .log_stream_name(stream)
        .send()
        .await
    {
        Ok(_) => Ok(()),
        Err(err) if err.code() == Some("ResourceAlreadyExistsException") => Ok(()),
        Err(err) => Err(aws("logs:CreateLogStream")(err)),
    }
}

/// Puts time-ordered events into an existing stream, in batches within `PutLogEvents`' limits.
pub(crate) async fn put_events(
    e: &Emulator,
    group: &str,
    stream: &str,
    events: &[(i64, String)],
) -> Result<usize, SeedError> {
    const MAX_EVENTS: usize = 10_000;
    const MAX_BYTES: usize = 1_000_000;
    let mut i = 0;
    while i < events.len() {
        let mut batch = Vec::new();
        let mut bytes = 0;
        while i < events.len()
            && batch.len() < MAX_EVENTS
            && bytes + events[i].1.len() + 26 < MAX_BYTES
        {
            let (t, m) = &events[i];
            bytes += m.len() + 26;
            batch.push(InputLogEvent::builder().timestamp(*t).message(m).build()?);
            i += 1;
        }
        if batch.is_empty() {
            // A single oversized message: skip it rather than loop forever.
            i += 1;
            continue;
        }
        e.logs
            .put_log_events()
            .log_group_name(group)
            .log_stream_name(stream)
            .set_log_events(Some(batch))
            .send()
            .await
            .map_err(aws("logs:PutLogEvents"))?;
    }
    Ok(events.len())
}

fn smithy_time(t: DateTime<Utc>) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from_millis(t.timestamp_millis())
}

/// The `AWS/Lambda` datapoints of one function-minute, as Lambda publishes them: nothing for an
/// idle minute, `Throttles` only when something was throttled.
pub(crate) fn lambda_datapoints(
    function: &str,
    minute: DateTime<Utc>,
    s: &model::MinuteStats,
) -> Vec<MetricDatum> {
    lambda_datapoints_with(function, &[], minute, s)
}

/// [`lambda_datapoints`] with more dimensions after `FunctionName`: `Resource` (`fn:alias`) for an
/// alias, plus `ExecutedVersion` for the version that ran behind it.
pub(crate) fn lambda_datapoints_with(
    function: &str,
    extra: &[(&str, String)],
    minute: DateTime<Utc>,
    s: &model::MinuteStats,
) -> Vec<MetricDatum> {
    let mut dims = vec![
        Dimension::builder()
            .name("FunctionName")
            .value(function)
            .build(),
    ];
    dims.extend(
        extra
            .iter()
            .map(|(n, v)| Dimension::builder().name(*n).value(v).build()),
    );
    let ts = smithy_time(minute);
    let datum = |name: &str, value: f64, unit: StandardUnit| {
        MetricDatum::builder()
            .metric_name(name)
            .set_dimensions(Some(dims.clone()))
            .timestamp(ts)
            .value(value)
            .unit(unit)
            .build()
    };
    let mut out = Vec::new();
    if s.invocations > 0 {
        out.push(datum(
            "Invocations",
            f64::from(s.invocations),
            StandardUnit::Count,
        ));
        out.push(datum("Errors", f64::from(s.errors), StandardUnit::Count));
        if catalog::ASYNC_INVOKED.contains(&function) {
            out.push(datum(
                "AsyncEventsReceived",
                f64::from(s.invocations),
                StandardUnit::Count,
            ));
        }
        out.push(datum(
            "ConcurrentExecutions",
            f64::from(s.concurrency),
            StandardUnit::Count,
        ));
        out.push(
            MetricDatum::builder()
                .metric_name("Duration")
                .set_dimensions(Some(dims.clone()))
                .timestamp(ts)
                .statistic_values(
                    StatisticSet::builder()
                        .sample_count(f64::from(s.invocations))
                        .sum((s.duration_sum * 100.0).round() / 100.0)
                        .minimum((s.duration_min * 100.0).round() / 100.0)
                        .maximum((s.duration_max * 100.0).round() / 100.0)
                        .build(),
                )
                .unit(StandardUnit::Milliseconds)
                .build(),
        );
    }
    if s.throttles > 0 {
        out.push(datum(
            "Throttles",
            f64::from(s.throttles),
            StandardUnit::Count,
        ));
    }
    out
}

/// Publishes datapoints in the `AWS/Lambda` namespace, a few calls at a time.
pub(crate) async fn put_metrics(e: &Emulator, data: Vec<MetricDatum>) -> Result<usize, SeedError> {
    // moto's query-protocol parser is quadratic in the number of members of a request: 50
    // datapoints a call is several times faster overall than 500 (AWS takes up to 1,000).
    put_metrics_per_call(e, data, 50).await
}

/// Publishes datapoints in the `AWS/Lambda` namespace, `per_call` a PutMetricData call, 4 calls at a
/// time. Returns how many were published.
pub(crate) async fn put_metrics_per_call(
    e: &Emulator,
    data: Vec<MetricDatum>,
    per_call: usize,
) -> Result<usize, SeedError> {
    let n = data.len();
    let chunks: Vec<Vec<MetricDatum>> =
        data.chunks(per_call).map(<[MetricDatum]>::to_vec).collect();
    futures::stream::iter(chunks)
        .map(|chunk| async move {
            e.cloudwatch
                .put_metric_data()
                .namespace("AWS/Lambda")
                .set_metric_data(Some(chunk))
                .send()
                .await
                .map_err(aws("cloudwatch:PutMetricData"))
        })
        .buffer_unordered(4)
        .try_collect::<Vec<_>>()
        .await?;
    Ok(n)
}

/// A tiny deployment package for a bare function.
fn bare_package(name: &str) -> Vec<u8> {
    let code = format!(
        "def lambda_handler(event, context):\n    return {{\"function\": \"{name}\", \"ok\": True}}\n"
    );
    stored_zip(&[("app.py", code.as_bytes())])
}

/// Creates `count` bare functions named `{prefix}-0000`, `{prefix}-0001`, ... with varied
/// runtimes, architectures, memory sizes and timeouts, `concurrency` requests at a time. Existing
/// functions are left alone. Returns the names in order.
pub async fn seed_functions(
    e: &Emulator,
    prefix: &str,
    count: usize,
    concurrency: usize,
) -> Result<Vec<String>, SeedError> {
    const RUNTIMES: [&str; 7] = [
        "python3.12",
        "python3.13",
        "nodejs20.x",
        "nodejs22.x",
        "java21",
        "dotnet8",
        "provided.al2023",
    ];
    const MEMORY: [i32; 8] = [128, 256, 512, 1024, 1536, 2048, 3008, 10240];
    let role = ensure_role(e).await?;
    let names: Vec<String> = (0..count).map(|i| format!("{prefix}-{i:04}")).collect();
    let package = aws_smithy_types::Blob::new(bare_package(prefix));
    futures::stream::iter(names.iter().enumerate())
        .map(|(i, name)| {
            let role = role.clone();
            let package = package.clone();
            async move {
                let runtime = RUNTIMES[i % RUNTIMES.len()];
                let spec_like = catalog::Family::of(runtime);
                let handler = match spec_like {
                    catalog::Family::Python => "app.lambda_handler",
                    catalog::Family::Node => "index.handler",
                    catalog::Family::Java => "com.acme.Handler::handleRequest",
                    catalog::Family::Dotnet => "Fn::Fn.Function::FunctionHandler",
                    catalog::Family::Custom => "bootstrap",
                };
                let arch = if i % 3 == 0 {
                    aws_sdk_lambda::types::Architecture::X8664
                } else {
                    aws_sdk_lambda::types::Architecture::Arm64
                };
                let result = e
                    .lambda
                    .create_function()
                    .function_name(name)
                    .runtime(runtime.into())
                    .role(&role)
                    .handler(handler)
                    .architectures(arch)
                    .memory_size(MEMORY[(i / 7) % MEMORY.len()])
                    .timeout([3, 10, 30, 60, 300, 900][i % 6])
                    .description(format!("Bulk test function #{i}"))
                    .code(
                        aws_sdk_lambda::types::FunctionCode::builder()
                            .zip_file(package)
                            .build(),
                    )
                    .tags("team", ["alpha", "beta", "gamma"][i % 3])
                    .send()
                    .await;
                match result {
                    Ok(_) => Ok(()),
                    Err(err) if err.code() == Some("ResourceConflictException") => Ok(()),
                    Err(err) => Err(aws("lambda:CreateFunction")(err)),
                }
            }
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect::<Vec<()>>()
        .await?;
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datapoints_follow_lambda_conventions() {
        let t = Utc::now();
        let idle = model::MinuteStats::default();
        assert!(lambda_datapoints("f", t, &idle).is_empty());
        let busy = model::MinuteStats {
            invocations: 10,
            errors: 2,
            timeouts: 0,
            throttles: 0,
            duration_sum: 100.0,
            duration_min: 5.0,
            duration_max: 20.0,
            concurrency: 1,
        };
        let names: Vec<_> = lambda_datapoints("f", t, &busy)
            .iter()
            .map(|d| d.metric_name().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(
            names,
            ["Invocations", "Errors", "ConcurrentExecutions", "Duration"]
        );
    }
}
