//! `seed_demo`: the demo account.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudwatch::types::StateValue;
use aws_sdk_lambda::types::{
    AliasRoutingConfiguration, Architecture, DestinationConfig, Environment, EphemeralStorage,
    FunctionCode, LogFormat, LoggingConfig, OnFailure, TracingConfig, TracingMode,
};
use aws_sdk_sqs::types::QueueAttributeName;
use chrono::{DateTime, Duration, DurationRound, Utc};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;

use super::catalog::{
    ASYNC_FUNCTION, CUSTOM_LOG_FUNCTION, DLQ, FUNCTIONS, Family, FunctionSpec, LogStyle,
    ON_FAILURE_QUEUE, Release, SOURCE_QUEUE, SQS_FUNCTION,
};
use super::logs::{self, StreamLog};
use super::messages::{dlq_message, failure_record, queue_depth, send_batch};
use super::model::{self, MinuteStats};
use super::{Emulator, SeedError, SeedSummary, aws, sim};

mod alarms;

use alarms::{alarm_specs, put_alarm};

/// The seed every demo RNG derives from.
pub(crate) const SEED: u64 = 0x1a3b_da5e;
/// How much history: metrics and logs cover the last three hours.
const HISTORY_MINUTES: i64 = 180;
/// Functions set up at once.
const PARALLEL_FUNCTIONS: usize = 4;

/// The per-function RNG (independent of the order functions are seeded in).
pub(crate) fn rng_for(name: &str) -> fastrand::Rng {
    fastrand::Rng::with_seed(SEED ^ model::name_hash(name))
}

/// The deployment package: a handler file fitting the runtime, a version marker and some
/// dependencies' worth of padding, so code sizes differ.
fn package(spec: &FunctionSpec, version: u32) -> Vec<u8> {
    let marker = format!("{}+build.{version}\n", spec.name);
    let padding_len = 2_048 + (model::name_hash(spec.name) % 96) as usize * 1_024;
    let mut rng = fastrand::Rng::with_seed(model::name_hash(spec.name));
    let padding: Vec<u8> = (0..padding_len).map(|_| rng.u8(32..127)).collect();
    let (main_name, main): (&str, Vec<u8>) = match spec.family() {
        Family::Python => (
            "app.py",
            format!(
                "import json\nimport logging\n\nlogger = logging.getLogger()\n\n\ndef lambda_handler(event, context):\n    logger.info(\"{}\")\n    return {{\"statusCode\": 200, \"body\": json.dumps({{\"ok\": True}})}}\n",
                spec.description
            )
            .into_bytes(),
        ),
        Family::Node => (
            "index.mjs",
            format!(
                "export const handler = async (event) => {{\n  console.log('{}');\n  return {{ statusCode: 200, body: JSON.stringify({{ ok: true }}) }};\n}};\n",
                spec.description
            )
            .into_bytes(),
        ),
        Family::Java => ("com/acme/Handler.class", [&[0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 65][..], spec.name.as_bytes()].concat()),
        Family::Dotnet => (
            "Function.dll",
            [&b"MZ\x90\x00\x03\x00\x00\x00"[..], spec.name.as_bytes()].concat(),
        ),
        Family::Custom => ("bootstrap", [&b"\x7fELF\x02\x01\x01\x00"[..], spec.name.as_bytes()].concat()),
    };
    let vendor = match spec.family() {
        Family::Python => "vendor/requests/__init__.py",
        Family::Node => "node_modules/.package-lock.json",
        Family::Java => "lib/dependencies.jar",
        Family::Dotnet => "Function.deps.json",
        Family::Custom => "THIRD-PARTY-LICENSES",
    };
    super::stored_zip(&[
        (main_name, &main),
        ("VERSION", marker.as_bytes()),
        (vendor, &padding),
    ])
}

/// What one function's setup produced.
#[derive(Default)]
struct FunctionOutcome {
    name: String,
    existed: bool,
    versions: usize,
    aliases: usize,
    log_groups: usize,
    log_streams: usize,
    log_events: usize,
    datapoints: usize,
    /// The last few minutes (for alarm reasons).
    recent: Vec<(DateTime<Utc>, MinuteStats)>,
}

struct Queues {
    dlq_url: String,
    source_arn: String,
    failures_url: String,
    failures_arn: String,
}

async fn queue_arn(e: &Emulator, url: &str) -> Result<String, SeedError> {
    let out = e
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(aws("sqs:GetQueueAttributes"))?;
    out.attributes()
        .and_then(|a| a.get(&QueueAttributeName::QueueArn))
        .cloned()
        .ok_or_else(|| SeedError::Unexpected(format!("queue {url} has no QueueArn")))
}

async fn create_queue(
    e: &Emulator,
    name: &str,
    attrs: &[(QueueAttributeName, String)],
    tags: &[(&str, &str)],
) -> Result<String, SeedError> {
    let mut req = e.sqs.create_queue().queue_name(name);
    for (k, v) in attrs {
        req = req.attributes(k.clone(), v);
    }
    for (k, v) in tags {
        req = req.tags(*k, *v);
    }
    let out = req.send().await.map_err(aws("sqs:CreateQueue"))?;
    out.queue_url()
        .map(str::to_owned)
        .ok_or_else(|| SeedError::Unexpected(format!("CreateQueue {name} returned no URL")))
}

async fn create_queues(e: &Emulator) -> Result<Queues, SeedError> {
    let fourteen_days = (14 * 24 * 3600).to_string();
    let dlq_url = create_queue(
        e,
        DLQ,
        &[(
            QueueAttributeName::MessageRetentionPeriod,
            fourteen_days.clone(),
        )],
        &[("team", "commerce"), ("env", "prod")],
    )
    .await?;
    let dlq_arn = queue_arn(e, &dlq_url).await?;
    let redrive = json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3}).to_string();
    let source_url = create_queue(
        e,
        SOURCE_QUEUE,
        &[
            (QueueAttributeName::RedrivePolicy, redrive),
            (QueueAttributeName::VisibilityTimeout, "360".to_owned()),
            (
                QueueAttributeName::ReceiveMessageWaitTimeSeconds,
                "20".to_owned(),
            ),
        ],
        &[("team", "commerce"), ("env", "prod")],
    )
    .await?;
    let source_arn = queue_arn(e, &source_url).await?;
    let failures_url = create_queue(
        e,
        ON_FAILURE_QUEUE,
        &[(QueueAttributeName::MessageRetentionPeriod, fourteen_days)],
        &[("team", "payments"), ("env", "prod")],
    )
    .await?;
    let failures_arn = queue_arn(e, &failures_url).await?;
    Ok(Queues {
        dlq_url,
        source_arn,
        failures_url,
        failures_arn,
    })
}

async fn create_function(
    e: &Emulator,
    spec: &'static FunctionSpec,
    role: &str,
) -> Result<bool, SeedError> {
    let env = Environment::builder()
        .set_variables(Some(
            spec.env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<HashMap<_, _>>(),
        ))
        .build();
    let mut req = e
        .lambda
        .create_function()
        .function_name(spec.name)
        .description(spec.description)
        .runtime(spec.runtime.into())
        .architectures(Architecture::from(spec.arch))
        .handler(spec.handler())
        .role(role)
        .memory_size(spec.memory_mb)
        .timeout(spec.timeout_s)
        .environment(env)
        .code(
            FunctionCode::builder()
                .zip_file(package(spec, 1).into())
                .build(),
        )
        .tags("team", spec.team)
        .tags("env", spec.stage)
        .tags("service", spec.service)
        .tags(
            "managed-by",
            if spec.stage == "prod" {
                "terraform"
            } else {
                "sam"
            },
        )
        .tags(
            "cost-center",
            format!("cc-{}", 1000 + model::name_hash(spec.team) % 9000),
        );
    if spec.style == LogStyle::Powertools {
        req = req.tracing_config(TracingConfig::builder().mode(TracingMode::Active).build());
    }
    if spec.memory_mb >= 4096 {
        req = req.ephemeral_storage(EphemeralStorage::builder().size(4096).build()?);
    }
    if let Some(group) = spec.log_group {
        req = req.logging_config(
            LoggingConfig::builder()
                .log_format(LogFormat::Text)
                .log_group(group)
                .build(),
        );
    }
    match req.send().await {
        Ok(_) => Ok(true),
        Err(err)
            if aws_sdk_lambda::error::ProvideErrorMetadata::code(&err)
                == Some("ResourceConflictException") =>
        {
            Ok(false)
        }
        Err(err) => Err(aws("lambda:CreateFunction")(err)),
    }
}

async fn publish_versions(
    e: &Emulator,
    spec: &'static FunctionSpec,
    count: u32,
) -> Result<usize, SeedError> {
    for v in 1..=count {
        if v > 1 {
            e.lambda
                .update_function_code()
                .function_name(spec.name)
                .zip_file(package(spec, v).into())
                .send()
                .await
                .map_err(aws("lambda:UpdateFunctionCode"))?;
        }
        e.lambda
            .publish_version()
            .function_name(spec.name)
            .description(format!("release 2026.{}.{v}", 8 + v))
            .send()
            .await
            .map_err(aws("lambda:PublishVersion"))?;
    }
    Ok(count as usize)
}

async fn create_aliases(
    e: &Emulator,
    spec: &'static FunctionSpec,
) -> Result<(usize, usize), SeedError> {
    match spec.release {
        Release::None => Ok((0, 0)),
        Release::Live(n) => {
            let versions = publish_versions(e, spec, n).await?;
            e.lambda
                .create_alias()
                .function_name(spec.name)
                .name("live")
                .function_version(n.to_string())
                .description("Production traffic")
                .send()
                .await
                .map_err(aws("lambda:CreateAlias"))?;
            Ok((versions, 1))
        }
        Release::Weighted(n, weight) => {
            let versions = publish_versions(e, spec, n).await?;
            e.lambda
                .create_alias()
                .function_name(spec.name)
                .name("live")
                .function_version((n - 1).to_string())
                .description(format!(
                    "Production traffic, {:.0}% shifted to v{n}",
                    weight * 100.0
                ))
                .routing_config(
                    AliasRoutingConfiguration::builder()
                        .additional_version_weights(n.to_string(), weight)
                        .build(),
                )
                .send()
                .await
                .map_err(aws("lambda:CreateAlias"))?;
            e.lambda
                .create_alias()
                .function_name(spec.name)
                .name("canary")
                .function_version(n.to_string())
                .description("Canary: the next release")
                .send()
                .await
                .map_err(aws("lambda:CreateAlias"))?;
            Ok((versions, 2))
        }
    }
}

/// Writes streams to a log group (created if missing); returns (streams, events).
async fn write_streams(
    e: &Emulator,
    group: &str,
    streams: &[StreamLog],
) -> Result<(usize, usize), SeedError> {
    super::ensure_log_group(e, group).await?;
    let counts = futures::stream::iter(streams.iter().filter(|s| !s.events.is_empty()))
        .map(|s| async move {
            super::ensure_log_stream(e, group, &s.name).await?;
            super::put_events(e, group, &s.name, &s.events).await
        })
        .buffer_unordered(3)
        .try_collect::<Vec<usize>>()
        .await?;
    Ok((counts.len(), counts.iter().sum()))
}

/// Every invocation of `spec` between `from_ms` (excluded) and `to_ms`, run and logged (one stream
/// per execution environment), and the metrics aggregated from those same runs.
pub(super) fn simulate(
    spec: &'static FunctionSpec,
    (arn, region): (&str, &str),
    (from_ms, to_ms): (i64, i64),
    now_ms: i64,
    rng: &mut fastrand::Rng,
) -> (Vec<StreamLog>, Vec<(DateTime<Utc>, sim::MinuteMetrics)>) {
    let mut planned = Vec::new();
    let mut throttles = BTreeMap::new();
    let mut minute = from_ms.div_euclid(60_000) * 60_000;
    while minute < to_ms {
        let ago = (now_ms - minute).div_euclid(60_000);
        let span = (minute.max(from_ms), (minute + 60_000).min(to_ms));
        planned.extend(model::plan(spec, span, ago, rng));
        let thr = model::minute_throttles(spec, rng);
        if thr > 0 {
            throttles.insert(minute, thr);
        }
        minute += 60_000;
    }
    let (streams, runs) = logs::history(spec, arn, region, &planned, rng);
    (
        streams,
        sim::aggregate(sim::alias_of(spec), &runs, &throttles),
    )
}

fn drop_future(streams: &mut Vec<StreamLog>, now_ms: i64) {
    for s in streams.iter_mut() {
        s.events.retain(|(t, _)| *t <= now_ms);
    }
    streams.retain(|s| !s.events.is_empty());
}

async fn seed_function(
    e: &Emulator,
    spec: &'static FunctionSpec,
    role: &str,
    queues: &Queues,
    now: DateTime<Utc>,
) -> Result<FunctionOutcome, SeedError> {
    let mut out = FunctionOutcome {
        name: spec.name.to_owned(),
        ..FunctionOutcome::default()
    };
    if !create_function(e, spec, role).await? {
        out.existed = true;
        return Ok(out);
    }
    let (versions, aliases) = create_aliases(e, spec).await?;
    out.versions = versions;
    out.aliases = aliases;
    wire_function(e, spec, queues).await?;
    seed_history(e, spec, now, &mut out).await?;
    Ok(out)
}

/// Reserved concurrency, the SQS trigger and the on-failure destination, where the spec has them.
async fn wire_function(
    e: &Emulator,
    spec: &'static FunctionSpec,
    queues: &Queues,
) -> Result<(), SeedError> {
    if let Some(reserved) = spec.reserved_concurrency {
        e.lambda
            .put_function_concurrency()
            .function_name(spec.name)
            .reserved_concurrent_executions(reserved)
            .send()
            .await
            .map_err(aws("lambda:PutFunctionConcurrency"))?;
    }
    if spec.name == SQS_FUNCTION {
        e.lambda
            .create_event_source_mapping()
            .function_name(spec.name)
            .event_source_arn(&queues.source_arn)
            .batch_size(10)
            .maximum_batching_window_in_seconds(5)
            .function_response_types(
                aws_sdk_lambda::types::FunctionResponseType::ReportBatchItemFailures,
            )
            .enabled(true)
            .send()
            .await
            .map_err(aws("lambda:CreateEventSourceMapping"))?;
    }
    if spec.name == ASYNC_FUNCTION {
        e.lambda
            .put_function_event_invoke_config()
            .function_name(spec.name)
            .maximum_retry_attempts(2)
            .maximum_event_age_in_seconds(3600)
            .destination_config(
                DestinationConfig::builder()
                    .on_failure(
                        OnFailure::builder()
                            .destination(&queues.failures_arn)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await
            .map_err(aws("lambda:PutFunctionEventInvokeConfig"))?;
    }

    Ok(())
}

/// Three hours of invocations up to now, every one logged, and the metrics (per function, alias
/// and executed version) aggregated from the same runs; then the log group's retention.
async fn seed_history(
    e: &Emulator,
    spec: &'static FunctionSpec,
    now: DateTime<Utc>,
    out: &mut FunctionOutcome,
) -> Result<(), SeedError> {
    // History: three hours of invocations up to now, every one logged, and the metrics (per
    // function, alias and executed version) aggregated from the same runs.
    let mut rng = rng_for(spec.name);
    let now_ms = now.timestamp_millis();
    let now_minute = now.duration_trunc(Duration::minutes(1)).unwrap_or(now);
    let arn = e.function_arn(spec.name);
    let (mut streams, minutes) = simulate(
        spec,
        (&arn, &e.region),
        (now_ms - HISTORY_MINUTES * 60_000, now_ms),
        now_ms,
        &mut rng,
    );
    let alias = sim::alias_of(spec);
    out.datapoints = super::put_metrics(e, sim::datapoints(spec.name, alias, &minutes)).await?;
    let complete: Vec<(DateTime<Utc>, MinuteStats)> = minutes
        .iter()
        .filter(|(t, _)| *t < now_minute)
        .map(|(t, m)| (*t, m.function.clone()))
        .collect();
    out.recent = complete[complete.len().saturating_sub(5)..].to_vec();
    drop_future(&mut streams, now_ms);
    let group = spec.log_group_name();
    let (n_streams, n_events) = write_streams(e, &group, &streams).await?;
    out.log_groups = 1;
    out.log_streams = n_streams;
    out.log_events = n_events;
    if spec.name == CUSTOM_LOG_FUNCTION {
        // Before the switch to the custom group, it logged to the default one.
        let (old_streams, old_minutes) = simulate(
            spec,
            (&arn, &e.region),
            (now_ms - 10 * 3_600_000, now_ms - 8 * 3_600_000),
            now_ms,
            &mut rng,
        );
        out.datapoints +=
            super::put_metrics(e, sim::datapoints(spec.name, alias, &old_minutes)).await?;
        let (s, ev) = write_streams(e, &format!("/aws/lambda/{}", spec.name), &old_streams).await?;
        out.log_groups += 1;
        out.log_streams += s;
        out.log_events += ev;
    }
    let retention = if spec.stage == "prod" {
        Some(30)
    } else if spec.name.len().is_multiple_of(2) {
        Some(7)
    } else {
        None
    };
    if let Some(days) = retention {
        e.logs
            .put_retention_policy()
            .log_group_name(&group)
            .retention_in_days(days)
            .send()
            .await
            .map_err(aws("logs:PutRetentionPolicy"))?;
    }
    Ok(())
}

/// Seeds the demo account into the emulator. Running it again is harmless: existing functions are
/// left alone (no second history), alarms are upserted, queues are only filled when empty.
pub async fn seed_demo(e: &Emulator) -> Result<SeedSummary, SeedError> {
    let now = Utc::now();
    let role = super::ensure_role(e).await?;
    let queues = create_queues(e).await?;
    let queues = &queues;
    let role = role.as_str();
    let outcomes: Vec<FunctionOutcome> = futures::stream::iter(FUNCTIONS)
        .map(|spec| seed_function(e, spec, role, queues, now))
        .buffered(PARALLEL_FUNCTIONS)
        .try_collect()
        .await?;

    let mut summary = SeedSummary {
        region: e.region.clone(),
        ..SeedSummary::default()
    };
    let mut rng = fastrand::Rng::with_seed(SEED);
    if queue_depth(e, &queues.dlq_url).await? == 0 {
        let messages = (0..20)
            .map(|i| dlq_message(&mut rng, now - Duration::minutes(5 + i64::from(i) * 7)))
            .collect::<Result<Vec<_>, _>>()?;
        summary.dlq_messages = send_batch(e, &queues.dlq_url, messages).await?;
    }
    if queue_depth(e, &queues.failures_url).await? == 0 {
        let records = (0..10)
            .map(|i| {
                (
                    failure_record(e, &mut rng, now - Duration::minutes(3 + i64::from(i) * 4)),
                    HashMap::new(),
                )
            })
            .collect();
        summary.failure_records = send_batch(e, &queues.failures_url, records).await?;
    }
    let dlq_depth = queue_depth(e, &queues.dlq_url).await?;
    let failures_depth = queue_depth(e, &queues.failures_url).await?;

    let alarms = alarm_specs(&outcomes, now, dlq_depth, failures_depth);
    futures::stream::iter(&alarms)
        .map(|a| put_alarm(e, a))
        .buffer_unordered(4)
        .try_collect::<Vec<()>>()
        .await?;
    e.cloudwatch
        .disable_alarm_actions()
        .alarm_names("session-cleanup-errors")
        .send()
        .await
        .map_err(aws("cloudwatch:DisableAlarmActions"))?;
    summary.alarms = alarms.len();
    summary.alarms_in_alarm = alarms
        .iter()
        .filter(|a| a.state == StateValue::Alarm)
        .map(|a| a.name.clone())
        .collect();

    for o in outcomes {
        summary.versions_published += o.versions;
        summary.aliases += o.aliases;
        summary.log_groups += o.log_groups;
        summary.log_streams += o.log_streams;
        summary.log_events += o.log_events;
        summary.metric_datapoints += o.datapoints;
        if o.existed {
            summary.already_existed.push(o.name.clone());
        }
        summary.functions.push(o.name);
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_are_zips_of_different_sizes() {
        let a = package(&FUNCTIONS[0], 1);
        let b = package(&FUNCTIONS[1], 1);
        assert_eq!(&a[..2], b"PK");
        assert_ne!(a.len(), b.len());
        assert_ne!(package(&FUNCTIONS[0], 2), a);
    }
}
