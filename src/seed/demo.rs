//! `seed_demo`: the demo account.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, StateValue, Statistic};
use aws_sdk_lambda::types::{
    AliasRoutingConfiguration, Architecture, DestinationConfig, Environment, EphemeralStorage,
    FunctionCode, LogFormat, LoggingConfig, OnFailure, TracingConfig, TracingMode,
};
use aws_sdk_sqs::types::{MessageAttributeValue, QueueAttributeName, SendMessageBatchRequestEntry};
use chrono::{DateTime, Duration, DurationRound, Utc};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;

use super::catalog::{
    ASYNC_FUNCTION, CUSTOM_LOG_FUNCTION, DLQ, FAILING_FUNCTION, FUNCTIONS, Family, FunctionSpec,
    LogStyle, ON_FAILURE_QUEUE, Release, SOURCE_QUEUE, SQS_FUNCTION,
};
use super::logs::{self, StreamLog, j, obj};
use super::model::{self, MinuteStats};
use super::{Emulator, SeedError, SeedSummary, aws, sim};

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
    Ok(out)
}

/// One alarm of the demo account.
struct AlarmSpec {
    name: String,
    description: String,
    namespace: &'static str,
    metric: &'static str,
    dimension: (&'static str, String),
    statistic: Statistic,
    threshold: f64,
    comparison: ComparisonOperator,
    period: i32,
    evaluation_periods: i32,
    datapoints: i32,
    /// The state to put it in, and the reason.
    state: StateValue,
    reason: String,
    team: &'static str,
}

fn reason_time(t: DateTime<Utc>) -> String {
    t.format("%d/%m/%y %H:%M:%S").to_string()
}

/// An AWS-style state reason; `of` is the number of evaluation periods.
fn crossed_reason(
    points: &[(DateTime<Utc>, f64)],
    of: usize,
    threshold: f64,
    op: &str,
    alarm: bool,
) -> String {
    let shown: Vec<String> = points
        .iter()
        .rev()
        .map(|(t, v)| format!("{v:.1} ({})", reason_time(*t)))
        .collect();
    let n = points.len();
    if alarm {
        format!(
            "Threshold Crossed: {n} out of the last {of} datapoints [{}] {} {op} the threshold ({threshold:.1}) (minimum {n} datapoint{} for OK -> ALARM transition).",
            shown.join(", "),
            if n == 1 { "was" } else { "were" },
            if n == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "Threshold Crossed: 1 out of the last 1 datapoints [{}] was not {op} the threshold ({threshold:.1}) (minimum 1 datapoint for ALARM -> OK transition).",
            shown.first().cloned().unwrap_or_default()
        )
    }
}

fn alarm_specs(
    outcomes: &[FunctionOutcome],
    now: DateTime<Utc>,
    dlq_depth: usize,
    failures_depth: usize,
) -> Vec<AlarmSpec> {
    let recent = |name: &str| -> Vec<(DateTime<Utc>, MinuteStats)> {
        outcomes
            .iter()
            .find(|o| o.name == name)
            .map(|o| o.recent.clone())
            .unwrap_or_default()
    };
    let minute = now.duration_trunc(Duration::minutes(1)).unwrap_or(now);
    let mut out = Vec::new();
    let error_alarms = [
        "orders-api",
        "order-processor",
        "payments-webhook",
        "payments-reconciler",
        "thumbnail-resizer",
        "email-sender",
        "user-signup",
        "inventory-sync",
        "search-indexer",
        "cart-service",
        "shipping-quote",
        "auth-authorizer",
        "webhook-dispatcher",
        "session-cleanup",
        "pdf-invoice-generator",
    ];
    for name in error_alarms {
        let Some(spec) = super::catalog::spec(name) else {
            continue;
        };
        let threshold = if matches!(spec.load, super::catalog::Load::Every(_)) {
            1.0
        } else {
            5.0
        };
        let points: Vec<(DateTime<Utc>, f64)> = recent(name)
            .iter()
            .map(|(t, s)| (*t, f64::from(s.errors)))
            .collect();
        let alarm = name == FAILING_FUNCTION;
        let (state, reason) = if alarm {
            let last3 = &points[points.len().saturating_sub(3)..];
            (
                StateValue::Alarm,
                crossed_reason(last3, 5, threshold, "greater than or equal to", true),
            )
        } else if name == "session-cleanup" {
            (
                StateValue::InsufficientData,
                "Insufficient Data: 5 datapoints were unknown.".to_owned(),
            )
        } else {
            let last = points.last().copied().unwrap_or((minute, 0.0));
            (
                StateValue::Ok,
                crossed_reason(&[last], 1, threshold, "greater than or equal to", false),
            )
        };
        out.push(AlarmSpec {
            name: format!("{name}-errors"),
            description: format!(
                "{name}: {threshold:.0}+ errors a minute in 3 of the last 5 minutes"
            ),
            namespace: "AWS/Lambda",
            metric: "Errors",
            dimension: ("FunctionName", name.to_owned()),
            statistic: Statistic::Sum,
            threshold,
            comparison: ComparisonOperator::GreaterThanOrEqualToThreshold,
            period: 60,
            evaluation_periods: 5,
            datapoints: 3,
            state,
            reason,
            team: spec.team,
        });
    }
    for (name, alarm) in [
        ("thumbnail-resizer", false),
        ("legacy-admin-api", true),
        ("payments-reconciler", false),
    ] {
        let team = super::catalog::spec(name).map_or("platform", |s| s.team);
        let value = if alarm { 2.0 } else { 0.0 };
        out.push(AlarmSpec {
            name: format!("{name}-throttles"),
            description: format!("{name} is being throttled"),
            namespace: "AWS/Lambda",
            metric: "Throttles",
            dimension: ("FunctionName", name.to_owned()),
            statistic: Statistic::Sum,
            threshold: 0.0,
            comparison: ComparisonOperator::GreaterThanThreshold,
            period: 60,
            evaluation_periods: 1,
            datapoints: 1,
            state: if alarm {
                StateValue::Alarm
            } else {
                StateValue::Ok
            },
            reason: crossed_reason(
                &[(minute - Duration::minutes(1), value)],
                1,
                0.0,
                "greater than",
                alarm,
            ),
            team,
        });
    }
    for (name, threshold, statistic, alarm) in [
        ("shipping-quote", 2_500.0, Statistic::Maximum, true),
        ("orders-api", 250.0, Statistic::Average, false),
        ("recommendations", 1_000.0, Statistic::Average, false),
    ] {
        let Some(spec) = super::catalog::spec(name) else {
            continue;
        };
        let points: Vec<(DateTime<Utc>, f64)> = recent(name)
            .iter()
            .map(|(t, s)| {
                let v = match statistic {
                    Statistic::Maximum => {
                        if alarm {
                            f64::from(spec.timeout_s) * 1000.0
                        } else {
                            s.duration_max
                        }
                    }
                    _ => s.duration_sum / f64::from(s.invocations.max(1)),
                };
                (*t, v)
            })
            .collect();
        let (state, reason) = if alarm {
            (
                StateValue::Alarm,
                crossed_reason(
                    &points[points.len().saturating_sub(3)..],
                    5,
                    threshold,
                    "greater than or equal to",
                    true,
                ),
            )
        } else {
            let last = points.last().copied().unwrap_or((minute, 0.0));
            (
                StateValue::Ok,
                crossed_reason(&[last], 1, threshold, "greater than or equal to", false),
            )
        };
        out.push(AlarmSpec {
            name: format!("{name}-duration-high"),
            description: format!(
                "{name} runs slow ({statistic:?} duration >= {threshold:.0} ms)",
                statistic = statistic.as_str()
            ),
            namespace: "AWS/Lambda",
            metric: "Duration",
            dimension: ("FunctionName", name.to_owned()),
            statistic,
            threshold,
            comparison: ComparisonOperator::GreaterThanOrEqualToThreshold,
            period: 60,
            evaluation_periods: 5,
            datapoints: 3,
            state,
            reason,
            team: spec.team,
        });
    }
    for (queue, depth, team) in [
        (DLQ, dlq_depth, "commerce"),
        (ON_FAILURE_QUEUE, failures_depth, "payments"),
    ] {
        let alarm = depth > 0;
        out.push(AlarmSpec {
            name: format!("{queue}-not-empty"),
            description: format!("Messages are waiting in {queue}: somebody has to look at them"),
            namespace: "AWS/SQS",
            metric: "ApproximateNumberOfMessagesVisible",
            dimension: ("QueueName", queue.to_owned()),
            statistic: Statistic::Maximum,
            threshold: 0.0,
            comparison: ComparisonOperator::GreaterThanThreshold,
            period: 300,
            evaluation_periods: 1,
            datapoints: 1,
            state: if alarm {
                StateValue::Alarm
            } else {
                StateValue::Ok
            },
            reason: crossed_reason(
                &[(minute - Duration::minutes(5), depth as f64)],
                1,
                0.0,
                "greater than",
                alarm,
            ),
            team,
        });
    }
    out
}

async fn put_alarm(e: &Emulator, a: &AlarmSpec) -> Result<(), SeedError> {
    let topic = format!(
        "arn:aws:sns:{}:{}:oncall-{}",
        e.region,
        super::ACCOUNT_ID,
        a.team
    );
    e.cloudwatch
        .put_metric_alarm()
        .alarm_name(&a.name)
        .alarm_description(&a.description)
        .namespace(a.namespace)
        .metric_name(a.metric)
        .dimensions(
            Dimension::builder()
                .name(a.dimension.0)
                .value(&a.dimension.1)
                .build(),
        )
        .statistic(a.statistic.clone())
        .threshold(a.threshold)
        .comparison_operator(a.comparison.clone())
        .period(a.period)
        .evaluation_periods(a.evaluation_periods)
        .datapoints_to_alarm(a.datapoints)
        .treat_missing_data("notBreaching")
        .actions_enabled(true)
        .alarm_actions(&topic)
        .ok_actions(&topic)
        .send()
        .await
        .map_err(aws("cloudwatch:PutMetricAlarm"))?;
    e.cloudwatch
        .set_alarm_state()
        .alarm_name(&a.name)
        .state_value(a.state.clone())
        .state_reason(&a.reason)
        .send()
        .await
        .map_err(aws("cloudwatch:SetAlarmState"))?;
    Ok(())
}

async fn queue_depth(e: &Emulator, url: &str) -> Result<usize, SeedError> {
    let out = e
        .sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .send()
        .await
        .map_err(aws("sqs:GetQueueAttributes"))?;
    Ok(out
        .attributes()
        .and_then(|a| a.get(&QueueAttributeName::ApproximateNumberOfMessages))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

fn string_attr(v: &str) -> Result<MessageAttributeValue, SeedError> {
    Ok(MessageAttributeValue::builder()
        .data_type("String")
        .string_value(v)
        .build()?)
}

/// A failed order message, as it sits in the DLQ after three receives. Some are poison in
/// different ways (bad decimal, missing field, not JSON).
pub(crate) fn dlq_message(
    rng: &mut fastrand::Rng,
    at: DateTime<Utc>,
) -> Result<(String, HashMap<String, MessageAttributeValue>), SeedError> {
    let order_id = format!("ord_{}", logs::hex(rng, 12));
    let mut total = 0.0;
    let items: Vec<String> = (0..rng.usize(1..4))
        .map(|_| {
            let qty = rng.u32(1..4);
            let price = f64::from(rng.u32(199..12_999)) / 100.0;
            total += price * f64::from(qty);
            obj(&[
                ("sku", j(&format!("SKU-{}", rng.u32(1000..9999)))),
                ("qty", j(&qty)),
                ("unitPrice", j(&price)),
            ])
        })
        .collect();
    let total = (total * 100.0).round() / 100.0;
    let items = format!("[{}]", items.join(","));
    let customer = format!("cus_{}", logs::hex(rng, 10));
    let currency = ["EUR", "USD", "GBP"][rng.usize(0..3)];
    let country = ["DE", "FR", "NL", "US"][rng.usize(0..4)];
    let created = j(&at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true));
    let body = match rng.usize(0..10) {
        // Not JSON at all: a producer that still speaks form encoding.
        0 => format!("orderId={order_id}&customerId={customer}&total={total:.2}"),
        // No customer.
        1 | 2 => obj(&[
            ("orderId", j(&order_id)),
            ("items", items),
            ("total", j(&total)),
            ("currency", j(currency)),
            ("createdAt", created),
        ]),
        // A decimal comma.
        3 | 4 => obj(&[
            ("orderId", j(&order_id)),
            ("customerId", j(&customer)),
            ("items", items),
            ("total", j(&format!("{total:.2}").replace('.', ","))),
            ("currency", j(currency)),
            ("createdAt", created),
        ]),
        // Well-formed: failed downstream (out of stock).
        _ => obj(&[
            ("orderId", j(&order_id)),
            ("customerId", j(&customer)),
            ("items", items),
            ("total", j(&total)),
            ("currency", j(currency)),
            ("createdAt", created),
            (
                "shipping",
                obj(&[("method", j("express")), ("country", j(country))]),
            ),
        ]),
    };
    let mut attrs = HashMap::new();
    attrs.insert("eventType".to_owned(), string_attr("OrderPlaced")?);
    attrs.insert("source".to_owned(), string_attr("checkout-service")?);
    attrs.insert("correlationId".to_owned(), string_attr(&logs::uuid(rng))?);
    attrs.insert(
        "schemaVersion".to_owned(),
        MessageAttributeValue::builder()
            .data_type("Number")
            .string_value("3")
            .build()?,
    );
    Ok((body, attrs))
}

/// A Lambda on-failure destination record, shaped like AWS's.
pub(crate) fn failure_record(e: &Emulator, rng: &mut fastrand::Rng, at: DateTime<Utc>) -> String {
    let spec = super::catalog::spec(ASYNC_FUNCTION);
    let (etype, emsg) = spec.map_or(("Error", "failed"), |s| {
        s.errors[rng.usize(0..s.errors.len())]
    });
    let emsg = emsg.replace("{id}", &logs::hex(rng, 14));
    let event_type = [
        "charge.succeeded",
        "charge.refunded",
        "payment_intent.payment_failed",
        "invoice.paid",
    ][rng.usize(0..4)];
    let pay_currency = ["eur", "usd", "gbp"][rng.usize(0..3)];
    let object = obj(&[
        ("id", j(&format!("pi_{}", logs::hex(rng, 24)))),
        ("object", j("payment_intent")),
        ("amount", j(&rng.u32(500..250_000))),
        ("currency", j(pay_currency)),
        ("customer", j(&format!("cus_{}", logs::hex(rng, 14)))),
    ]);
    let request_payload = obj(&[
        ("id", j(&format!("evt_{}", logs::hex(rng, 24)))),
        ("object", j("event")),
        ("type", j(event_type)),
        ("created", j(&(at.timestamp() - 2))),
        ("livemode", j(&true)),
        ("data", obj(&[("object", object)])),
    ]);
    obj(&[
        ("version", j("1.0")),
        (
            "timestamp",
            j(&at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
        ),
        (
            "requestContext",
            obj(&[
                ("requestId", j(&logs::uuid(rng))),
                (
                    "functionArn",
                    j(&format!("{}:$LATEST", e.function_arn(ASYNC_FUNCTION))),
                ),
                ("condition", j("RetriesExhausted")),
                ("approximateInvokeCount", j(&3)),
            ]),
        ),
        ("requestPayload", request_payload),
        (
            "responseContext",
            obj(&[
                ("statusCode", j(&200)),
                ("executedVersion", j("$LATEST")),
                ("functionError", j("Unhandled")),
            ]),
        ),
        (
            "responsePayload",
            obj(&[
                ("errorType", j(etype)),
                ("errorMessage", j(&emsg)),
                (
                    "trace",
                    j(&[
                        format!("{etype}: {emsg}"),
                        "    at Runtime.handler (file:///var/task/index.mjs:42:11)".to_owned(),
                    ]),
                ),
            ]),
        ),
    ])
}

async fn send_batch(
    e: &Emulator,
    url: &str,
    messages: Vec<(String, HashMap<String, MessageAttributeValue>)>,
) -> Result<usize, SeedError> {
    let n = messages.len();
    for (chunk_no, chunk) in messages.chunks(10).enumerate() {
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, (body, attrs))| {
                SendMessageBatchRequestEntry::builder()
                    .id(format!("m{chunk_no}-{i}"))
                    .message_body(body)
                    .set_message_attributes((!attrs.is_empty()).then(|| attrs.clone()))
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let out = e
            .sqs
            .send_message_batch()
            .queue_url(url)
            .set_entries(Some(entries))
            .send()
            .await
            .map_err(aws("sqs:SendMessageBatch"))?;
        if !out.failed().is_empty() {
            return Err(SeedError::Unexpected(format!(
                "SendMessageBatch: {} entries failed",
                out.failed().len()
            )));
        }
    }
    Ok(n)
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

    #[test]
    fn alarm_reasons_read_like_aws() {
        let t = DateTime::parse_from_rfc3339("2026-11-21T17:31:00Z")
            .expect("valid")
            .to_utc();
        let r = crossed_reason(&[(t, 14.0)], 1, 5.0, "greater than or equal to", true);
        assert_eq!(
            r,
            "Threshold Crossed: 1 out of the last 1 datapoints [14.0 (21/11/26 17:31:00)] was greater than or equal to the threshold (5.0) (minimum 1 datapoint for OK -> ALARM transition)."
        );
    }

    #[test]
    fn dlq_messages_carry_attributes() {
        let mut rng = fastrand::Rng::with_seed(9);
        for _ in 0..20 {
            let (body, attrs) = dlq_message(&mut rng, Utc::now()).expect("builds");
            assert!(body.contains("ord_"));
            assert_eq!(attrs.len(), 4);
        }
    }
}
