//! A large account for the scale benchmark (`scripts/scale`) and the quota proxy test: thousands of
//! functions sharing one small zip and one role, created many at a time; about 5 % with an SQS event
//! source mapping (source queues whose redrive policy names a DLQ), about 10 % with an
//! EventInvokeConfig whose on-failure destination is an SQS queue (and an `AsyncEventsReceived`
//! datapoint, so metric-driven discovery finds them), a few hundred queues in all.
//!
//! Which function gets what is a function of its index ([`ScalePlan`]), so the expected topology is
//! known without asking the emulator.

use std::time::{Duration, Instant};

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use aws_sdk_lambda::error::ProvideErrorMetadata;
use aws_sdk_lambda::types::{DestinationConfig, OnFailure};
use aws_sdk_sqs::types::QueueAttributeName;
use futures::{StreamExt, TryStreamExt};

use super::{ACCOUNT_ID, Emulator, SeedError, aws, ensure_role, stored_zip};

/// What a scale seed creates, derived from the function count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScalePlan {
    pub prefix: String,
    pub functions: usize,
    /// Source queues (each with a redrive policy to its own DLQ) shared by the mapped functions.
    pub source_queues: usize,
    /// On-failure destination queues shared by the functions with an EventInvokeConfig.
    pub on_failure_queues: usize,
}

impl ScalePlan {
    /// `functions` functions named `{prefix}-00000…`; one source queue per 5 mapped functions and one
    /// on-failure queue per 10 configured functions, at most 100 of each.
    pub fn new(prefix: &str, functions: usize) -> Self {
        let mapped = (0..functions).filter(|&i| Self::has_mapping(i)).count();
        let configured = (0..functions)
            .filter(|&i| Self::has_invoke_config(i))
            .count();
        Self {
            prefix: prefix.to_string(),
            functions,
            source_queues: mapped.div_ceil(5).min(100),
            on_failure_queues: configured.div_ceil(10).min(100),
        }
    }

    /// About 5 %: an SQS event source mapping.
    pub fn has_mapping(i: usize) -> bool {
        i.is_multiple_of(20)
    }

    /// About 10 %: an EventInvokeConfig with an on-failure SQS destination.
    pub fn has_invoke_config(i: usize) -> bool {
        i % 10 == 3
    }

    pub fn function(&self, i: usize) -> String {
        format!("{}-{i:05}", self.prefix)
    }

    fn source_queue(&self, k: usize) -> String {
        format!("{}-src-{k:03}", self.prefix)
    }

    pub fn source_dlq(&self, k: usize) -> String {
        format!("{}-src-{k:03}-dlq", self.prefix)
    }

    pub fn on_failure_queue(&self, k: usize) -> String {
        format!("{}-onfail-{k:03}", self.prefix)
    }

    /// Every queue a complete DLQ discovery finds: the source queues' DLQs and the on-failure
    /// destinations that some function uses.
    pub fn expected_dlqs(&self) -> usize {
        self.source_queues + self.on_failure_queues
    }

    /// The names of the queues a complete DLQ discovery finds, sorted.
    pub fn expected_dlq_names(&self) -> Vec<String> {
        let mut names: Vec<String> = (0..self.source_queues)
            .map(|k| self.source_dlq(k))
            .chain((0..self.on_failure_queues).map(|k| self.on_failure_queue(k)))
            .collect();
        names.sort();
        names
    }

    /// Every queue created.
    pub fn queues(&self) -> usize {
        2 * self.source_queues + self.on_failure_queues
    }
}

/// What [`seed_scale`] did, with its timings.
#[derive(Clone, Debug, Default)]
pub struct ScaleSummary {
    pub functions_created: usize,
    pub functions_existing: usize,
    pub queues: usize,
    pub mappings: usize,
    pub invoke_configs: usize,
    pub datapoints: usize,
    pub queues_took: Duration,
    pub functions_took: Duration,
    pub wiring_took: Duration,
    pub metrics_took: Duration,
}

/// Creates the account of `plan`, `concurrency` requests at a time. Existing functions, mappings and
/// queues are left alone (a second run completes a partial one).
pub async fn seed_scale(
    e: &Emulator,
    plan: &ScalePlan,
    concurrency: usize,
) -> Result<ScaleSummary, SeedError> {
    let concurrency = concurrency.max(1);
    let mut summary = ScaleSummary::default();
    let started = Instant::now();
    let role = ensure_role(e).await?;
    let (sources, on_failure) = create_scale_queues(e, plan, concurrency).await?;
    summary.queues = plan.queues();
    summary.queues_took = started.elapsed();

    let started = Instant::now();
    let package = aws_smithy_types::Blob::new(stored_zip(&[(
        "app.py",
        b"def handler(event, context):\n    return {\"ok\": True}\n".as_slice(),
    )]));
    let created: Vec<bool> = futures::stream::iter(0..plan.functions)
        .map(|i| create_scale_function(e, plan, i, &role, &package))
        .buffer_unordered(concurrency)
        .try_collect()
        .await?;
    summary.functions_created = created.iter().filter(|c| **c).count();
    summary.functions_existing = created.len() - summary.functions_created;
    summary.functions_took = started.elapsed();

    let started = Instant::now();
    let wired: Vec<(usize, usize)> = futures::stream::iter(0..plan.functions)
        .filter(|&i| {
            std::future::ready(ScalePlan::has_mapping(i) || ScalePlan::has_invoke_config(i))
        })
        .map(|i| wire_function(e, plan, i, &sources, &on_failure))
        .buffer_unordered(concurrency)
        .try_collect()
        .await?;
    summary.mappings = wired.iter().map(|w| w.0).sum();
    summary.invoke_configs = wired.iter().map(|w| w.1).sum();
    summary.wiring_took = started.elapsed();

    let started = Instant::now();
    summary.datapoints = put_async_events(e, plan).await?;
    summary.metrics_took = started.elapsed();
    Ok(summary)
}

/// The source queues' ARNs and the on-failure queues' ARNs, by index.
async fn create_scale_queues(
    e: &Emulator,
    plan: &ScalePlan,
    concurrency: usize,
) -> Result<(Vec<String>, Vec<String>), SeedError> {
    let arn = |name: &str| format!("arn:aws:sqs:{}:{ACCOUNT_ID}:{name}", e.region);
    let dlqs: Vec<String> = (0..plan.source_queues)
        .map(|k| plan.source_dlq(k))
        .chain((0..plan.on_failure_queues).map(|k| plan.on_failure_queue(k)))
        .collect();
    futures::stream::iter(dlqs)
        .map(|name| async move {
            e.sqs
                .create_queue()
                .queue_name(name)
                .send()
                .await
                .map_err(aws("sqs:CreateQueue"))
        })
        .buffer_unordered(concurrency)
        .try_collect::<Vec<_>>()
        .await?;
    futures::stream::iter(0..plan.source_queues)
        .map(|k| {
            let redrive = format!(
                r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":"3"}}"#,
                arn(&plan.source_dlq(k))
            );
            async move {
                e.sqs
                    .create_queue()
                    .queue_name(plan.source_queue(k))
                    .attributes(QueueAttributeName::RedrivePolicy, redrive)
                    .send()
                    .await
                    .map_err(aws("sqs:CreateQueue"))
            }
        })
        .buffer_unordered(concurrency)
        .try_collect::<Vec<_>>()
        .await?;
    Ok((
        (0..plan.source_queues)
            .map(|k| arn(&plan.source_queue(k)))
            .collect(),
        (0..plan.on_failure_queues)
            .map(|k| arn(&plan.on_failure_queue(k)))
            .collect(),
    ))
}

/// Creates function `i`; `false` when it already existed.
async fn create_scale_function(
    e: &Emulator,
    plan: &ScalePlan,
    i: usize,
    role: &str,
    package: &aws_smithy_types::Blob,
) -> Result<bool, SeedError> {
    const MEMORY: [i32; 5] = [128, 256, 512, 1024, 2048];
    let runtime = if i.is_multiple_of(2) {
        "python3.12"
    } else {
        "python3.13"
    };
    let arch = if i.is_multiple_of(3) {
        aws_sdk_lambda::types::Architecture::X8664
    } else {
        aws_sdk_lambda::types::Architecture::Arm64
    };
    let result = e
        .lambda
        .create_function()
        .function_name(plan.function(i))
        .runtime(runtime.into())
        .role(role)
        .handler("app.handler")
        .architectures(arch)
        .memory_size(MEMORY[i % MEMORY.len()])
        .timeout([3, 10, 30, 60][i % 4])
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(package.clone())
                .build(),
        )
        .send()
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(err) if err.code() == Some("ResourceConflictException") => Ok(false),
        Err(err) => Err(aws("lambda:CreateFunction")(err)),
    }
}

/// Function `i`'s event source mapping and EventInvokeConfig, as the plan says: (mappings,
/// configs) created.
async fn wire_function(
    e: &Emulator,
    plan: &ScalePlan,
    i: usize,
    sources: &[String],
    on_failure: &[String],
) -> Result<(usize, usize), SeedError> {
    let name = plan.function(i);
    let mut done = (0, 0);
    if ScalePlan::has_mapping(i) && !sources.is_empty() {
        let source = &sources[(i / 20) % sources.len()];
        let result = e
            .lambda
            .create_event_source_mapping()
            .function_name(&name)
            .event_source_arn(source)
            .batch_size(10)
            .send()
            .await;
        match result {
            Ok(_) => done.0 = 1,
            Err(err) if err.code() == Some("ResourceConflictException") => {}
            Err(err) => return Err(aws("lambda:CreateEventSourceMapping")(err)),
        }
    }
    if ScalePlan::has_invoke_config(i) && !on_failure.is_empty() {
        let destination = &on_failure[(i / 10) % on_failure.len()];
        e.lambda
            .put_function_event_invoke_config()
            .function_name(&name)
            .maximum_retry_attempts(2)
            .destination_config(
                DestinationConfig::builder()
                    .on_failure(OnFailure::builder().destination(destination).build())
                    .build(),
            )
            .send()
            .await
            .map_err(aws("lambda:PutFunctionEventInvokeConfig"))?;
        done.1 = 1;
    }
    Ok(done)
}

/// One `AWS/Lambda AsyncEventsReceived` datapoint (5 minutes ago) per function with an
/// EventInvokeConfig, 500 a PutMetricData call, 4 calls at a time.
async fn put_async_events(e: &Emulator, plan: &ScalePlan) -> Result<usize, SeedError> {
    const PER_CALL: usize = 500;
    let at = aws_smithy_types::DateTime::from_secs(chrono::Utc::now().timestamp() - 300);
    let data: Vec<MetricDatum> = (0..plan.functions)
        .filter(|&i| ScalePlan::has_invoke_config(i))
        .map(|i| {
            MetricDatum::builder()
                .metric_name("AsyncEventsReceived")
                .dimensions(
                    Dimension::builder()
                        .name("FunctionName")
                        .value(plan.function(i))
                        .build(),
                )
                .timestamp(at)
                .value(1.0 + (i % 7) as f64)
                .unit(StandardUnit::Count)
                .build()
        })
        .collect();
    super::put_metrics_per_call(e, data, PER_CALL).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_spreads_mappings_and_configs_over_a_few_hundred_queues() {
        let small = ScalePlan::new("scale", 1234);
        assert_eq!(small.function(7), "scale-00007");
        let mapped = (0..1234).filter(|&i| ScalePlan::has_mapping(i)).count();
        let configured = (0..1234)
            .filter(|&i| ScalePlan::has_invoke_config(i))
            .count();
        assert_eq!((mapped, configured), (62, 124));
        assert_eq!((small.source_queues, small.on_failure_queues), (13, 13));
        assert_eq!(small.expected_dlqs(), 26);
        let large = ScalePlan::new("scale", 10_000);
        assert_eq!((large.source_queues, large.on_failure_queues), (100, 100));
        assert_eq!(large.queues(), 300);
        assert!(!ScalePlan::has_mapping(3) && ScalePlan::has_invoke_config(3));
    }
}
