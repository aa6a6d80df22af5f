//! Live traffic: called every second, it keeps the seeded account moving.

use std::collections::{HashMap, HashSet};

use aws_sdk_cloudwatch::types::StateValue;
use chrono::{DateTime, Duration, DurationRound, Utc};
use futures::{StreamExt, TryStreamExt};

use super::catalog::{DLQ, FUNCTIONS, FunctionSpec, ON_FAILURE_QUEUE};
use super::logs::{self, Invocation, Run};
use super::model::Planned;
use super::{Emulator, SeedError, aws, demo, messages, model, sim};

/// Alarms that traffic flips between OK and ALARM, with whether each starts in ALARM.
const FLIPPABLE: &[(&str, bool)] = &[
    ("thumbnail-resizer-throttles", false),
    ("cart-service-errors", false),
    ("shipping-quote-duration-high", true),
    ("search-indexer-errors", false),
    ("orders-api-duration-high", false),
    ("inventory-sync-errors", false),
];

/// A warm execution environment and its log stream.
#[derive(Debug)]
struct LiveEnv {
    group: String,
    stream: String,
    version: String,
    /// Whether the stream exists in the emulator yet.
    created: bool,
    /// Events written so far (the stream's sequence).
    seq: u64,
    /// The last timestamp written (events never go backwards in a stream).
    last_ms: i64,
    born_ms: i64,
    /// Busy until then (one invocation at a time per environment).
    free_at: i64,
    /// Events of in-flight invocations, written once their time has come.
    pending: Vec<(i64, String)>,
}

/// The traffic generator's memory between ticks.
#[derive(Debug)]
pub struct TrafficState {
    rng: fastrand::Rng,
    envs: HashMap<&'static str, Vec<LiveEnv>>,
    groups_ready: HashSet<String>,
    /// The last minute whose metrics were published.
    last_metrics_minute: Option<DateTime<Utc>>,
    next_alarm_flip: Option<DateTime<Utc>>,
    alarm_cursor: usize,
    in_alarm: HashMap<&'static str, bool>,
    next_dlq_message: Option<DateTime<Utc>>,
    next_failure_record: Option<DateTime<Utc>>,
    queue_urls: HashMap<&'static str, String>,
    /// The time the last tick simulated up to (the next tick plans the invocations after it).
    last_tick_ms: Option<i64>,
    /// Invocations that ran, per function, until their minute's metrics are published.
    runs: HashMap<&'static str, Vec<Run>>,
    /// Ticks so far.
    pub ticks: u64,
}

impl Default for TrafficState {
    fn default() -> Self {
        Self::new(demo::SEED)
    }
}

impl TrafficState {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: fastrand::Rng::with_seed(seed.rotate_left(17) ^ 0x007a_ff1c),
            envs: HashMap::new(),
            groups_ready: HashSet::new(),
            last_metrics_minute: None,
            next_alarm_flip: None,
            alarm_cursor: 0,
            in_alarm: FLIPPABLE.iter().copied().collect(),
            next_dlq_message: None,
            next_failure_record: None,
            queue_urls: HashMap::new(),
            last_tick_ms: None,
            runs: HashMap::new(),
            ticks: 0,
        }
    }

    /// Live log streams (warm environments) right now.
    pub fn live_streams(&self) -> usize {
        self.envs.values().map(Vec::len).sum()
    }
}

/// What one tick did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickSummary {
    pub invocations: usize,
    pub cold_starts: usize,
    pub log_events: usize,
    pub new_streams: usize,
    pub metric_datapoints: usize,
    /// (alarm, new state) when an alarm was flipped.
    pub alarm_flipped: Option<(String, String)>,
    pub dlq_messages: usize,
    pub failure_records: usize,
}

/// Starts one planned invocation: picks (or cold-starts) an environment, queues its log events and
/// keeps the run for its minute's metrics.
fn invoke(
    state: &mut TrafficState,
    e: &Emulator,
    spec: &'static FunctionSpec,
    planned: &Planned,
    summary: &mut TickSummary,
) {
    let rng = &mut state.rng;
    let (start, outcome) = (planned.start_ms, planned.outcome);
    let version = logs::pick_version(spec, rng);
    let envs = state.envs.entry(spec.name).or_default();
    let free = envs
        .iter()
        .position(|env| env.version == version && env.free_at <= start && rng.f64() > 0.01);
    let (idx, cold) = if let Some(idx) = free {
        (idx, false)
    } else {
        let born = DateTime::from_timestamp_millis(start).unwrap_or_default();
        envs.push(LiveEnv {
            group: spec.log_group_name(),
            stream: logs::stream_name(born, &version, rng),
            version: version.clone(),
            created: false,
            seq: 0,
            last_ms: 0,
            born_ms: start,
            free_at: start,
            pending: Vec::new(),
        });
        (envs.len() - 1, true)
    };
    let arn = e.function_arn(spec.name);
    let inv = Invocation {
        spec,
        arn: &arn,
        region: &e.region,
        version: &version,
        start_ms: start,
        cold,
        outcome,
    };
    let (events, end, duration_ms) = logs::invocation_events_timed(&inv, rng);
    let env = &mut envs[idx];
    env.free_at = end + 1;
    env.pending.extend(events);
    state.runs.entry(spec.name).or_default().push(Run {
        start_ms: start,
        version,
        outcome,
        duration_ms,
    });
    summary.invocations += 1;
    summary.cold_starts += usize::from(cold);
}

/// (log group, stream, whether to create it, events).
type StreamWrite = (String, String, bool, Vec<(i64, String)>);

/// Writes the due events of every environment; creates streams (and groups) first when needed.
async fn flush_logs(
    e: &Emulator,
    state: &mut TrafficState,
    now_ms: i64,
    summary: &mut TickSummary,
) -> Result<(), SeedError> {
    // Collect what is due, per stream.
    let mut work: Vec<StreamWrite> = Vec::new();
    for envs in state.envs.values_mut() {
        for env in envs.iter_mut() {
            if env.pending.iter().all(|(t, _)| *t > now_ms) {
                continue;
            }
            env.pending.sort_by_key(|(t, _)| *t);
            let split = env.pending.partition_point(|(t, _)| *t <= now_ms);
            let mut due: Vec<(i64, String)> = env.pending.drain(..split).collect();
            for (t, _) in &mut due {
                *t = (*t).max(env.last_ms);
                env.last_ms = *t;
            }
            env.seq += due.len() as u64;
            work.push((env.group.clone(), env.stream.clone(), !env.created, due));
            env.created = true;
        }
    }
    for group in work.iter().map(|w| w.0.clone()).collect::<HashSet<_>>() {
        if !state.groups_ready.contains(&group) {
            super::ensure_log_group(e, &group).await?;
            state.groups_ready.insert(group);
        }
    }
    summary.new_streams += work.iter().filter(|w| w.2).count();
    let written = futures::stream::iter(work)
        .map(|(group, stream, create, events)| async move {
            if create {
                super::ensure_log_stream(e, &group, &stream).await?;
            }
            super::put_events(e, &group, &stream, &events).await
        })
        .buffer_unordered(4)
        .try_collect::<Vec<usize>>()
        .await?;
    summary.log_events += written.iter().sum::<usize>();
    // Environments are reclaimed after a while idle, or after a while anyway.
    for envs in state.envs.values_mut() {
        envs.retain(|env| {
            !env.pending.is_empty()
                || (now_ms - env.free_at < logs::IDLE_MS && now_ms - env.born_ms < logs::LIFE_MS)
        });
    }
    Ok(())
}

async fn publish_metrics(
    e: &Emulator,
    state: &mut TrafficState,
    now: DateTime<Utc>,
    summary: &mut TickSummary,
) -> Result<(), SeedError> {
    let current = now.duration_trunc(Duration::minutes(1)).unwrap_or(now);
    let last_complete = current - Duration::minutes(1);
    let last = *state.last_metrics_minute.get_or_insert(last_complete);
    if last >= last_complete {
        return Ok(());
    }
    // After a pause, catch up on at most five minutes.
    let first = (last + Duration::minutes(1)).max(last_complete - Duration::minutes(4));
    let next_ms = (last_complete + Duration::minutes(1)).timestamp_millis();
    let mut data = Vec::new();
    for spec in FUNCTIONS {
        let mut runs = state.runs.remove(spec.name).unwrap_or_default();
        let (done, later): (Vec<Run>, Vec<Run>) =
            runs.drain(..).partition(|r| r.start_ms < next_ms);
        if !later.is_empty() {
            state.runs.insert(spec.name, later);
        }
        let mut throttles = std::collections::BTreeMap::new();
        let mut minute = first;
        while minute <= last_complete {
            let thr = model::minute_throttles(spec, &mut state.rng);
            if thr > 0 {
                throttles.insert(minute.timestamp_millis(), thr);
            }
            minute += Duration::minutes(1);
        }
        let first_ms = first.timestamp_millis();
        let done: Vec<Run> = done
            .into_iter()
            .filter(|r| r.start_ms >= first_ms)
            .collect();
        let alias = sim::alias_of(spec);
        let minutes = sim::aggregate(alias, &done, &throttles);
        data.extend(sim::datapoints(spec.name, alias, &minutes));
    }
    state.last_metrics_minute = Some(last_complete);
    summary.metric_datapoints += super::put_metrics(e, data).await?;
    Ok(())
}

async fn flip_alarm(
    e: &Emulator,
    state: &mut TrafficState,
    now: DateTime<Utc>,
    summary: &mut TickSummary,
) -> Result<(), SeedError> {
    let due = *state
        .next_alarm_flip
        .get_or_insert_with(|| now + Duration::seconds(state.rng.i64(60..150)));
    if now < due {
        return Ok(());
    }
    state.next_alarm_flip = Some(now + Duration::seconds(state.rng.i64(90..150)));
    let (name, _) = FLIPPABLE[state.alarm_cursor % FLIPPABLE.len()];
    state.alarm_cursor += 1;
    let to_alarm = !state.in_alarm.get(name).copied().unwrap_or(false);
    state.in_alarm.insert(name, to_alarm);
    let minute = now.duration_trunc(Duration::minutes(1)).unwrap_or(now) - Duration::minutes(1);
    let stamp = minute.format("%d/%m/%y %H:%M:%S");
    let (state_value, reason) = if to_alarm {
        let points: Vec<String> = (0..3)
            .map(|i| {
                let t = minute - Duration::minutes(i);
                format!(
                    "{}.0 ({})",
                    5 + state.rng.u32(0..20),
                    t.format("%d/%m/%y %H:%M:%S")
                )
            })
            .collect();
        (
            StateValue::Alarm,
            format!(
                "Threshold Crossed: 3 out of the last 5 datapoints [{}] were greater than or equal to the threshold (5.0) (minimum 3 datapoints for OK -> ALARM transition).",
                points.join(", ")
            ),
        )
    } else {
        (
            StateValue::Ok,
            format!(
                "Threshold Crossed: 1 out of the last 1 datapoints [0.0 ({stamp})] was not greater than or equal to the threshold (5.0) (minimum 1 datapoint for ALARM -> OK transition)."
            ),
        )
    };
    summary.alarm_flipped = Some((name.to_owned(), state_value.as_str().to_owned()));
    e.cloudwatch
        .set_alarm_state()
        .alarm_name(name)
        .state_value(state_value)
        .state_reason(reason)
        .send()
        .await
        .map_err(aws("cloudwatch:SetAlarmState"))?;
    Ok(())
}

async fn queue_url(
    e: &Emulator,
    state: &mut TrafficState,
    name: &'static str,
) -> Result<String, SeedError> {
    if let Some(url) = state.queue_urls.get(name) {
        return Ok(url.clone());
    }
    let out = e
        .sqs
        .get_queue_url()
        .queue_name(name)
        .send()
        .await
        .map_err(aws("sqs:GetQueueUrl"))?;
    let url = out
        .queue_url()
        .map(str::to_owned)
        .ok_or_else(|| SeedError::Unexpected(format!("GetQueueUrl {name} returned no URL")))?;
    state.queue_urls.insert(name, url.clone());
    Ok(url)
}

async fn send_messages(
    e: &Emulator,
    state: &mut TrafficState,
    now: DateTime<Utc>,
    summary: &mut TickSummary,
) -> Result<(), SeedError> {
    let due = *state
        .next_dlq_message
        .get_or_insert_with(|| now + Duration::seconds(state.rng.i64(30..90)));
    if now >= due {
        state.next_dlq_message = Some(now + Duration::seconds(state.rng.i64(45..120)));
        let url = queue_url(e, state, DLQ).await?;
        let (body, attrs) = messages::dlq_message(&mut state.rng, now)?;
        e.sqs
            .send_message()
            .queue_url(url)
            .message_body(body)
            .set_message_attributes(Some(attrs))
            .send()
            .await
            .map_err(aws("sqs:SendMessage"))?;
        summary.dlq_messages += 1;
    }
    let due = *state
        .next_failure_record
        .get_or_insert_with(|| now + Duration::seconds(state.rng.i64(120..240)));
    if now >= due {
        state.next_failure_record = Some(now + Duration::seconds(state.rng.i64(150..300)));
        let url = queue_url(e, state, ON_FAILURE_QUEUE).await?;
        let body = messages::failure_record(e, &mut state.rng, now);
        e.sqs
            .send_message()
            .queue_url(url)
            .message_body(body)
            .send()
            .await
            .map_err(aws("sqs:SendMessage"))?;
        summary.failure_records += 1;
    }
    Ok(())
}

/// One second of traffic: the invocations the model plans since the last tick, logged (with cold
/// starts on new streams, errors and timeouts), the metrics of every minute that has passed,
/// aggregated from those same invocations, now and then an alarm flip and new
/// DLQ / on-failure messages. Every part runs even when another fails; the first error is returned.
pub async fn traffic_tick(
    e: &Emulator,
    state: &mut TrafficState,
    now: DateTime<Utc>,
) -> Result<TickSummary, SeedError> {
    let mut summary = TickSummary::default();
    state.ticks += 1;
    let now_ms = now.timestamp_millis();
    // The invocations since the last tick (at most five minutes after a pause), at the model's rates.
    let from = state
        .last_tick_ms
        .unwrap_or(now_ms - 1000)
        .clamp(now_ms - 5 * 60_000, now_ms);
    state.last_tick_ms = Some(now_ms);
    for spec in FUNCTIONS {
        for planned in model::plan(spec, (from, now_ms), 0, &mut state.rng) {
            invoke(state, e, spec, &planned, &mut summary);
        }
    }
    let results = [
        flush_logs(e, state, now_ms, &mut summary).await,
        publish_metrics(e, state, now, &mut summary).await,
        flip_alarm(e, state, now, &mut summary).await,
        send_messages(e, state, now, &mut summary).await,
    ];
    for r in results {
        r?;
    }
    Ok(summary)
}
