//! Dead-letter queues as the rest of lambdash sees them (issue #6), and the pure rules the DLQ pane and
//! `lambdash dlq` share: which redrive paths apply to which kind of DLQ, what a dry run says, whether a
//! queue is growing, and what payload a re-invoke sends.
//!
//! Nothing here does I/O or reads the clock: times come in as arguments.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::{self, Write as _};

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

/// How a queue came to be a function's dead-letter destination. The declaration order is the order in
/// which a queue that is several kinds at once names its main one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DlqKind {
    /// The function's `DeadLetterConfig`: failed async invocations, the original event as the body and
    /// `RequestID` / `ErrorCode` / `ErrorMessage` as message attributes. SQS, or SNS (not inspectable).
    AsyncDeadLetterConfig,
    /// `EventInvokeConfig.DestinationConfig.OnFailure`: Lambda destination records (JSON with
    /// `requestContext`, `requestPayload`, `responsePayload`).
    AsyncOnFailureDestination,
    /// An event source mapping's `DestinationConfig.OnFailure` (stream sources): records describing the
    /// failed batch, not the payload itself.
    EventSourceOnFailure,
    /// The `RedrivePolicy.deadLetterTargetArn` of a queue the function reads from (SQS event source):
    /// the original messages, moved there by SQS after `maxReceiveCount` receives.
    SourceQueueRedrivePolicy,
}

impl DlqKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::AsyncDeadLetterConfig => "async_dead_letter_config",
            Self::AsyncOnFailureDestination => "async_on_failure_destination",
            Self::EventSourceOnFailure => "event_source_on_failure",
            Self::SourceQueueRedrivePolicy => "source_queue_redrive_policy",
        }
    }

    /// A few words for a person.
    pub fn describe(self) -> &'static str {
        match self {
            Self::AsyncDeadLetterConfig => "async DLQ (DeadLetterConfig)",
            Self::AsyncOnFailureDestination => "async on-failure destination",
            Self::EventSourceOnFailure => "event source on-failure destination",
            Self::SourceQueueRedrivePolicy => "source queue redrive policy",
        }
    }
}

impl fmt::Display for DlqKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the oldest-message age came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AgeSource {
    /// CloudWatch `AWS/SQS ApproximateAgeOfOldestMessage` (Maximum, last datapoint).
    CloudWatch,
    /// The oldest `SentTimestamp` among peeked messages (a lower bound: a peek sees only some).
    Peek,
}

/// One dead-letter destination, with every function and kind that points at it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dlq {
    /// `None` for SNS topics (not inspectable) and queues whose URL could not be resolved.
    pub queue_url: Option<String>,
    /// The queue's ARN (or the SNS topic's).
    pub queue_arn: String,
    pub name: String,
    /// The main kind (the first of `kinds`).
    pub kind: DlqKind,
    /// Every kind this destination is, sorted.
    pub kinds: Vec<DlqKind>,
    /// The functions that send to it, sorted.
    pub functions: Vec<String>,
    /// For [`DlqKind::SourceQueueRedrivePolicy`]: the queue whose redrive policy points here.
    pub source_queue_arn: Option<String>,
    /// False for SNS topics: there is nothing to peek or redrive.
    pub inspectable: bool,
    pub fifo: bool,
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
    pub oldest_age_s: Option<u64>,
    pub age_source: Option<AgeSource>,
}

impl Dlq {
    /// Every message the queue holds, visible or not.
    pub fn depth(&self) -> u64 {
        self.visible + self.in_flight + self.delayed
    }

    pub fn has(&self, kind: DlqKind) -> bool {
        self.kinds.contains(&kind)
    }

    pub fn sample(&self, at: DateTime<Utc>) -> DepthSample {
        DepthSample {
            at,
            visible: self.visible,
            in_flight: self.in_flight,
            delayed: self.delayed,
        }
    }
}

/// The last segment of an ARN (`arn:aws:sqs:eu-west-1:123456789012:orders-dlq` → `orders-dlq`).
pub fn arn_name(arn: &str) -> &str {
    arn.rsplit(':').next().unwrap_or(arn)
}

/// The region, account and name of an SQS ARN, when it is one.
pub fn parse_sqs_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some("sqs"), Some(region), Some(account), Some(name)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    (!name.is_empty()).then_some((region, account, name))
}

/// The queue name in a queue URL (`https://sqs.eu-west-1.amazonaws.com/123456789012/q` → `q`).
pub fn queue_name_from_url(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)
}

/// One place a function sends failures, before queues are merged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DlqCandidate {
    pub target_arn: String,
    pub kind: DlqKind,
    pub function: String,
    pub source_queue_arn: Option<String>,
}

/// Merges candidates into one [`Dlq`] per target ARN (depths left at zero, to be filled in), sorted by
/// name.
pub fn merge_candidates(candidates: &[DlqCandidate]) -> Vec<Dlq> {
    type Merged<'a> = (BTreeSet<DlqKind>, BTreeSet<&'a str>, Option<&'a str>);
    let mut by_arn: BTreeMap<&str, Merged<'_>> = BTreeMap::new();
    for c in candidates {
        let entry = by_arn.entry(c.target_arn.as_str()).or_default();
        entry.0.insert(c.kind);
        entry.1.insert(c.function.as_str());
        if entry.2.is_none() {
            entry.2 = c.source_queue_arn.as_deref();
        }
    }
    let mut dlqs: Vec<Dlq> = by_arn
        .into_iter()
        .filter_map(|(arn, (kinds, functions, source))| {
            let kinds: Vec<DlqKind> = kinds.into_iter().collect();
            let name = arn_name(arn);
            Some(Dlq {
                queue_url: None,
                queue_arn: arn.to_string(),
                name: name.to_string(),
                kind: *kinds.first()?,
                kinds,
                functions: functions.into_iter().map(ToString::to_string).collect(),
                source_queue_arn: source.map(ToString::to_string),
                inspectable: arn.starts_with("arn:aws:sqs:")
                    || arn.split(':').nth(2) == Some("sqs"),
                fifo: std::path::Path::new(name)
                    .extension()
                    .is_some_and(|e| e.eq_ignore_ascii_case("fifo")),
                visible: 0,
                in_flight: 0,
                delayed: 0,
                oldest_age_s: None,
                age_source: None,
            })
        })
        .collect();
    dlqs.sort_by(|a, b| a.name.cmp(&b.name).then(a.queue_arn.cmp(&b.queue_arn)));
    dlqs
}

// ---------------------------------------------------------------------------------------------------
// Growth

/// A queue's depth at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DepthSample {
    pub at: DateTime<Utc>,
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
}

impl DepthSample {
    pub fn total(&self) -> u64 {
        self.visible + self.in_flight + self.delayed
    }
}

/// Whether a DLQ is filling up, from two samples.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trend {
    Growing,
    Steady,
    Shrinking,
    /// One sample only, or samples in the wrong order.
    Unknown,
}

/// Compares two samples of the same queue. Counts every message (visible, in flight, delayed), so a
/// consumer receiving messages does not look like a queue draining.
pub fn trend(previous: Option<&DepthSample>, latest: &DepthSample) -> Trend {
    let Some(previous) = previous else {
        return Trend::Unknown;
    };
    if previous.at >= latest.at {
        return Trend::Unknown;
    }
    match latest.total().cmp(&previous.total()) {
        std::cmp::Ordering::Greater => Trend::Growing,
        std::cmp::Ordering::Equal => Trend::Steady,
        std::cmp::Ordering::Less => Trend::Shrinking,
    }
}

// ---------------------------------------------------------------------------------------------------
// Messages

/// A message attribute (`RequestID`, `ErrorCode`, … for Lambda DLQs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributeValue {
    pub data_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    /// Base64 of a binary value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary_base64: Option<String>,
}

/// One message seen in a DLQ.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DlqMessage {
    pub message_id: String,
    /// Valid only for the receive it came from; never shown or exported.
    #[serde(skip)]
    pub receipt_handle: String,
    pub body: String,
    pub md5: Option<String>,
    /// System attributes: `SentTimestamp`, `ApproximateReceiveCount`, `ApproximateFirstReceiveTimestamp`,
    /// `MessageGroupId`, `SenderId`, …
    pub attributes: BTreeMap<String, String>,
    /// Message attributes: `RequestID`, `ErrorCode`, `ErrorMessage` for Lambda DLQs, anything for others.
    pub message_attributes: BTreeMap<String, AttributeValue>,
}

fn millis(s: &str) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(s.parse().ok()?).single()
}

impl DlqMessage {
    pub fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.attributes.get("SentTimestamp").and_then(|s| millis(s))
    }

    pub fn first_received_at(&self) -> Option<DateTime<Utc>> {
        self.attributes
            .get("ApproximateFirstReceiveTimestamp")
            .and_then(|s| millis(s))
    }

    /// How often the message was received (peeks count too).
    pub fn receive_count(&self) -> Option<u64> {
        self.attributes
            .get("ApproximateReceiveCount")
            .and_then(|s| s.parse().ok())
    }

    pub fn group_id(&self) -> Option<&str> {
        self.attributes.get("MessageGroupId").map(String::as_str)
    }

    /// The string value of a message attribute.
    pub fn message_attribute(&self, name: &str) -> Option<&str> {
        self.message_attributes
            .get(name)
            .and_then(|v| v.string_value.as_deref())
    }

    /// `RequestID`, `ErrorCode`, `ErrorMessage` as Lambda sets them on DeadLetterConfig messages.
    pub fn lambda_error(&self) -> Option<LambdaDlqError> {
        let request_id = self.message_attribute("RequestID");
        let code = self.message_attribute("ErrorCode");
        let message = self.message_attribute("ErrorMessage");
        (request_id.is_some() || code.is_some() || message.is_some()).then(|| LambdaDlqError {
            request_id: request_id.map(ToString::to_string),
            code: code.map(ToString::to_string),
            message: message.map(ToString::to_string),
        })
    }

    /// The body as a Lambda destination record, when it is one.
    pub fn destination_record(&self) -> Option<DestinationRecord> {
        parse_destination_record(&self.body)
    }

    /// The body pretty-printed when it is JSON.
    pub fn pretty_body(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(&self.body).ok()?;
        if v.is_object() || v.is_array() {
            serde_json::to_string_pretty(&v).ok()
        } else {
            None
        }
    }

    /// Case-insensitive search in the id, the body and the attribute values.
    pub fn matches(&self, term: &str) -> bool {
        let term = term.to_lowercase();
        self.message_id.to_lowercase().contains(&term)
            || self.body.to_lowercase().contains(&term)
            || self
                .message_attributes
                .values()
                .filter_map(|v| v.string_value.as_deref())
                .any(|v| v.to_lowercase().contains(&term))
    }
}

/// The error a Lambda DeadLetterConfig message carries in its message attributes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LambdaDlqError {
    pub request_id: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
}

/// Messages as JSON Lines (one message per line, receipt handles left out), for export.
pub fn to_jsonl(messages: &[DlqMessage]) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    for m in messages {
        out.push_str(&serde_json::to_string(&MessageJson::from(m))?);
        out.push('\n');
    }
    Ok(out)
}

/// A message as `lambdash dlq peek --json` and the export print it.
#[derive(Debug, Serialize)]
pub struct MessageJson<'a> {
    pub message_id: &'a str,
    pub body: &'a str,
    pub md5: Option<&'a str>,
    pub attributes: &'a BTreeMap<String, String>,
    pub message_attributes: &'a BTreeMap<String, AttributeValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_record: Option<DestinationRecord>,
}

impl<'a> From<&'a DlqMessage> for MessageJson<'a> {
    fn from(m: &'a DlqMessage) -> Self {
        Self {
            message_id: &m.message_id,
            body: &m.body,
            md5: m.md5.as_deref(),
            attributes: &m.attributes,
            message_attributes: &m.message_attributes,
            destination_record: m.destination_record(),
        }
    }
}

/// The oldest `SentTimestamp` among peeked messages, as an age at `now` (a lower bound of the queue's).
pub fn oldest_age_from_peek(messages: &[DlqMessage], now: DateTime<Utc>) -> Option<u64> {
    let oldest = messages.iter().filter_map(DlqMessage::sent_at).min()?;
    Some(u64::try_from((now - oldest).num_seconds()).unwrap_or(0))
}

/// A Lambda destination record (on-failure of an async invocation), the parts a person needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DestinationRecord {
    pub version: Option<String>,
    pub timestamp: Option<String>,
    /// `RetriesExhausted`, `EventAgeExceeded`, …
    pub condition: Option<String>,
    pub approximate_invoke_count: Option<u64>,
    pub function_arn: Option<String>,
    pub request_id: Option<String>,
    pub status_code: Option<i64>,
    pub function_error: Option<String>,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
    /// The original event, to re-invoke with.
    pub request_payload: serde_json::Value,
}

/// Parses a Lambda destination record; `None` for anything else (a DeadLetterConfig body, a plain
/// message). A record has a `requestContext` object and a `requestPayload`.
pub fn parse_destination_record(body: &str) -> Option<DestinationRecord> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let ctx = v.get("requestContext")?.as_object()?;
    let payload = v.get("requestPayload")?.clone();
    let s = |o: Option<&serde_json::Value>| o.and_then(|x| x.as_str()).map(ToString::to_string);
    let response = v.get("responseContext");
    let error = v.get("responsePayload");
    Some(DestinationRecord {
        version: s(v.get("version")),
        timestamp: s(v.get("timestamp")),
        condition: s(ctx.get("condition")),
        approximate_invoke_count: ctx
            .get("approximateInvokeCount")
            .and_then(serde_json::Value::as_u64),
        function_arn: s(ctx.get("functionArn")),
        request_id: s(ctx.get("requestId")),
        status_code: response
            .and_then(|r| r.get("statusCode"))
            .and_then(serde_json::Value::as_i64),
        function_error: s(response.and_then(|r| r.get("functionError"))),
        error_type: s(error.and_then(|e| e.get("errorType"))),
        error_message: s(error.and_then(|e| e.get("errorMessage"))),
        request_payload: payload,
    })
}

/// What a re-invoke sends for a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadSource {
    /// The body as it is (DeadLetterConfig: the original event).
    Body,
    /// The record's `requestPayload` (on-failure destination records).
    RequestPayload,
    /// A queue that is both: `requestPayload` when the body is a destination record, else the body.
    Detect,
}

impl PayloadSource {
    /// The payload source for a queue of these kinds; `None` when re-invoking makes no sense (source
    /// queue DLQs hold SQS messages, event-source records describe a batch, not its events).
    pub fn for_kinds(kinds: &[DlqKind]) -> Option<Self> {
        let dlc = kinds.contains(&DlqKind::AsyncDeadLetterConfig);
        let dest = kinds.contains(&DlqKind::AsyncOnFailureDestination);
        match (dlc, dest) {
            (true, true) => Some(Self::Detect),
            (true, false) => Some(Self::Body),
            (false, true) => Some(Self::RequestPayload),
            (false, false) => None,
        }
    }

    /// The payload to invoke the function with.
    pub fn extract(self, body: &str) -> Result<String, String> {
        match self {
            Self::Body => Ok(body.to_string()),
            Self::RequestPayload => parse_destination_record(body)
                .map(|r| r.request_payload.to_string())
                .ok_or_else(|| {
                    "not a Lambda destination record (no requestContext/requestPayload)".to_string()
                }),
            Self::Detect => Ok(parse_destination_record(body)
                .map_or_else(|| body.to_string(), |r| r.request_payload.to_string())),
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Redrive planning

/// Where the user asked to redrive to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedriveTarget {
    /// The queue whose redrive policy points at this DLQ.
    Source,
    /// Re-invoke the owning function (or the one named), optionally a version or alias.
    Function {
        function: Option<String>,
        qualifier: Option<String>,
    },
    /// Any queue, by URL.
    Queue(String),
}

impl RedriveTarget {
    /// `source`, `function`, or a queue URL (or name).
    pub fn parse(s: &str) -> Self {
        match s {
            "source" => Self::Source,
            "function" => Self::Function {
                function: None,
                qualifier: None,
            },
            other => Self::Queue(other.to_string()),
        }
    }
}

/// A queue, resolved: what a move needs to know about its destination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueRef {
    pub url: String,
    pub arn: String,
    pub name: String,
    pub fifo: bool,
}

/// How the messages will travel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "path", rename_all = "snake_case")]
pub enum RedrivePath {
    /// SQS's own StartMessageMoveTask (to the source queue, or to `to`); falls back to a manual move
    /// when the endpoint lacks the API.
    MoveTask { to: QueueRef, velocity: Option<u32> },
    /// Receive → SendMessageBatch → DeleteMessageBatch (only what was sent), by lambdash.
    ManualMove { to: QueueRef },
    /// Receive → Invoke (InvocationType=Event) → delete after 202.
    Reinvoke {
        function: String,
        qualifier: Option<String>,
        payload: PayloadSource,
    },
}

impl RedrivePath {
    /// `orders-dlq → orders (StartMessageMoveTask)` style destination text.
    pub fn destination(&self) -> String {
        match self {
            Self::MoveTask { to, .. } | Self::ManualMove { to } => format!("queue {}", to.name),
            Self::Reinvoke {
                function,
                qualifier,
                ..
            } => match qualifier {
                Some(q) => format!("function {function}:{q}"),
                None => format!("function {function}"),
            },
        }
    }

    /// The destination's bare name: the queue name, or `function` / `function:qualifier`.
    pub fn to_name(&self) -> String {
        match self {
            Self::MoveTask { to, .. } | Self::ManualMove { to } => to.name.clone(),
            Self::Reinvoke {
                function,
                qualifier,
                ..
            } => qualifier
                .as_ref()
                .map_or_else(|| function.clone(), |q| format!("{function}:{q}")),
        }
    }

    pub fn method(&self) -> &'static str {
        match self {
            Self::MoveTask { .. } => "SQS message move task (manual move if the endpoint lacks it)",
            Self::ManualMove { .. } => "manual move (receive, send, delete what was sent)",
            Self::Reinvoke { .. } => "asynchronous re-invoke (delete after the invoke is accepted)",
        }
    }
}

/// What the planner refuses, with what to do instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{0} is not the dead-letter queue of a source queue: use --to function or --to QUEUE_URL"
    )]
    NoSourceQueue(String),
    #[error("{queue} is the dead-letter queue of several queues ({sources}): use --to QUEUE_URL")]
    SeveralSourceQueues { queue: String, sources: String },
    #[error(
        "{0} holds no async-invocation failures of a function (kinds: {1}): re-invoking applies to DeadLetterConfig and on-failure destination queues"
    )]
    NotReinvokable(String, String),
    #[error(
        "{queue} receives failures of several functions ({functions}): name one with --function"
    )]
    SeveralFunctions { queue: String, functions: String },
    #[error("{0} is not an SQS queue (SNS topics cannot be inspected or redriven)")]
    NotInspectable(String),
    #[error("cannot redrive {0} into itself")]
    SameQueue(String),
    #[error(
        "{from} is {from_kind} and {to} is {to_kind}: a manual move needs both FIFO or both standard"
    )]
    FifoMismatch {
        from: String,
        from_kind: &'static str,
        to: String,
        to_kind: &'static str,
    },
}

/// The paths that apply to a DLQ of these kinds, for the UI to offer (the first is the default).
pub fn applicable_paths(dlq: &Dlq) -> Vec<PathChoice> {
    let mut out = Vec::new();
    if !dlq.inspectable {
        return out;
    }
    if dlq.has(DlqKind::SourceQueueRedrivePolicy) {
        out.push(if dlq.fifo {
            PathChoice::SourceQueueManual
        } else {
            PathChoice::SourceQueueMoveTask
        });
    }
    if PayloadSource::for_kinds(&dlq.kinds).is_some() {
        out.push(PathChoice::Reinvoke);
    }
    out.push(PathChoice::OtherQueue);
    out
}

/// A path the UI can offer before the destination is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathChoice {
    /// Back to the source queue with StartMessageMoveTask (manual if unsupported).
    SourceQueueMoveTask,
    /// Back to the (FIFO) source queue by a manual move (move tasks do not support FIFO).
    SourceQueueManual,
    /// Re-invoke the function with the original payload.
    Reinvoke,
    /// A manual move to a queue the user names.
    OtherQueue,
}

/// The inputs of a plan that the AWS layer resolved: the DLQ itself, the source queues whose redrive
/// policy points at it, and the destination queue for `--to QUEUE_URL`.
#[derive(Clone, Debug)]
pub struct PlanInputs<'a> {
    pub from: &'a QueueRef,
    pub dlq: &'a Dlq,
    pub sources: &'a [QueueRef],
    pub queue: Option<&'a QueueRef>,
}

/// Picks the path for a redrive request. `selected` (only some messages) forces a manual move (a move
/// task takes everything).
pub fn plan_path(
    inputs: &PlanInputs<'_>,
    target: &RedriveTarget,
    selected: bool,
    velocity: Option<u32>,
) -> Result<RedrivePath, PlanError> {
    let PlanInputs {
        from,
        dlq,
        sources,
        queue,
    } = inputs;
    if !dlq.inspectable {
        return Err(PlanError::NotInspectable(dlq.name.clone()));
    }
    let check_fifo = |to: &QueueRef| {
        if to.arn == from.arn {
            return Err(PlanError::SameQueue(from.name.clone()));
        }
        if to.fifo == from.fifo {
            Ok(())
        } else {
            let kind = |f: bool| if f { "FIFO" } else { "standard" };
            Err(PlanError::FifoMismatch {
                from: from.name.clone(),
                from_kind: kind(from.fifo),
                to: to.name.clone(),
                to_kind: kind(to.fifo),
            })
        }
    };
    match target {
        RedriveTarget::Source => {
            let to = match sources {
                [] => return Err(PlanError::NoSourceQueue(from.name.clone())),
                [one] => one.clone(),
                many => {
                    return Err(PlanError::SeveralSourceQueues {
                        queue: from.name.clone(),
                        sources: many
                            .iter()
                            .map(|q| q.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
            };
            check_fifo(&to)?;
            Ok(if from.fifo || selected {
                RedrivePath::ManualMove { to }
            } else {
                RedrivePath::MoveTask { to, velocity }
            })
        }
        RedriveTarget::Queue(_) => {
            let to = (*queue)
                .cloned()
                .ok_or_else(|| PlanError::NoSourceQueue(from.name.clone()))?;
            check_fifo(&to)?;
            Ok(RedrivePath::ManualMove { to })
        }
        RedriveTarget::Function {
            function,
            qualifier,
        } => {
            let kinds = || {
                dlq.kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let payload = PayloadSource::for_kinds(&dlq.kinds)
                .ok_or_else(|| PlanError::NotReinvokable(from.name.clone(), kinds()))?;
            let function = match (function, dlq.functions.as_slice()) {
                (Some(f), _) => f.clone(),
                (None, [one]) => one.clone(),
                (None, []) => return Err(PlanError::NotReinvokable(from.name.clone(), kinds())),
                (None, many) => {
                    return Err(PlanError::SeveralFunctions {
                        queue: from.name.clone(),
                        functions: many.join(", "),
                    });
                }
            };
            Ok(RedrivePath::Reinvoke {
                function,
                qualifier: qualifier.clone(),
                payload,
            })
        }
    }
}

/// Everything a redrive will do, for the confirm step and the dry run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RedrivePlan {
    pub from: QueueRef,
    pub path: RedrivePath,
    /// Only these message ids (`None`: all).
    pub selected: Option<Vec<String>>,
    /// Messages per second (`None`: as fast as the API allows).
    pub rate: Option<u32>,
    /// Visible messages when the plan was made.
    pub visible: u64,
    pub in_flight: u64,
}

/// The promise every redrive makes, said in every confirm step.
pub const AT_LEAST_ONCE: &str =
    "at-least-once: an interruption may duplicate a message, never lose one";

impl RedrivePlan {
    /// How many messages the plan concerns.
    pub fn count(&self) -> u64 {
        self.selected
            .as_ref()
            .map_or(self.visible, |s| s.len() as u64)
    }

    /// One paragraph saying exactly what will happen: from → to, count, method, rate, guarantee.
    pub fn describe(&self) -> String {
        let which = match &self.selected {
            Some(ids) => format!("{} selected message(s)", ids.len()),
            None => format!("all {} visible message(s)", self.visible),
        };
        let rate = self
            .rate
            .map_or_else(String::new, |r| format!(", at most {r} message(s)/s"));
        let in_flight = if self.in_flight > 0 && self.selected.is_none() {
            format!(
                " ({} in flight now are moved too if they become visible during the run)",
                self.in_flight
            )
        } else {
            String::new()
        };
        let extra = match &self.path {
            RedrivePath::Reinvoke {
                payload: PayloadSource::RequestPayload,
                ..
            } => "; each record's requestPayload is the event",
            RedrivePath::Reinvoke { .. } => "; each body is the event",
            RedrivePath::MoveTask { .. } | RedrivePath::ManualMove { .. } => {
                "; bodies and message attributes are preserved"
            }
        };
        format!(
            "Redrive {which}{in_flight} from queue {} → {} by {}{rate}{extra}. {AT_LEAST_ONCE}.",
            self.from.name,
            self.path.destination(),
            self.path.method()
        )
    }
}

/// Progress of a running redrive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RedriveProgress {
    pub moved: u64,
    pub failed: u64,
    /// Visible messages left in the DLQ at the last sample (`None` before the first).
    pub remaining: Option<u64>,
    /// Set when lambdash changed method on the way (move task unsupported → manual).
    pub note: Option<String>,
}

/// A message that stayed in the DLQ, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FailedMessage {
    pub message_id: String,
    pub error: String,
}

/// How a redrive ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RedriveSummary {
    pub from: String,
    pub to: String,
    /// The path actually used (`move_task`, `manual_move`, `reinvoke`).
    pub method: &'static str,
    /// Why the planned path was not used, when it was not.
    pub fallback: Option<String>,
    pub dry_run: bool,
    pub moved: u64,
    /// Messages that stayed in the DLQ because their send / invoke failed.
    pub failed: Vec<FailedMessage>,
    /// Messages left in the DLQ at the end (visible + in flight + delayed).
    pub remaining: u64,
    /// Messages sent whose delete failed: they are in both queues (the next redrive sends them again).
    pub duplicates: u64,
    /// Always true for a run that moved something: a crash between send and delete duplicates.
    pub duplicates_possible: bool,
    /// Selected ids never seen in the queue.
    pub not_found: Vec<String>,
    /// Stopped by the user (cancel) before the queue was empty.
    pub cancelled: bool,
    /// Stopped early by an error (the endpoint went away, a move task failed).
    pub stopped_by: Option<String>,
    pub elapsed_ms: u64,
}

impl RedriveSummary {
    /// What a dry run reports: nothing moved, everything still there.
    pub fn dry_run(plan: &RedrivePlan) -> Self {
        let method = match plan.path {
            RedrivePath::MoveTask { .. } => "move_task",
            RedrivePath::ManualMove { .. } => "manual_move",
            RedrivePath::Reinvoke { .. } => "reinvoke",
        };
        Self {
            from: plan.from.name.clone(),
            to: plan.path.to_name(),
            method,
            fallback: None,
            dry_run: true,
            moved: 0,
            failed: Vec::new(),
            remaining: plan.visible + plan.in_flight,
            duplicates: 0,
            duplicates_possible: false,
            not_found: Vec::new(),
            cancelled: false,
            stopped_by: None,
            elapsed_ms: 0,
        }
    }

    pub fn ok(&self) -> bool {
        self.failed.is_empty() && self.not_found.is_empty() && self.stopped_by.is_none()
    }

    /// `moved 998, failed 2, 2 remaining` for a flash bar / stderr.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} {} from {} → {}: moved {}, failed {}, {} remaining",
            if self.dry_run { "dry run:" } else { "redrive" },
            self.method,
            self.from,
            self.to,
            self.moved,
            self.failed.len(),
            self.remaining
        );
        if self.duplicates > 0 {
            let _ = write!(s, ", {} possible duplicate(s)", self.duplicates);
        }
        if !self.not_found.is_empty() {
            let _ = write!(s, ", {} selected not found", self.not_found.len());
        }
        if self.cancelled {
            s.push_str(" (cancelled)");
        }
        if let Some(e) = &self.stopped_by {
            let _ = write!(s, ", stopped: {e}");
        }
        if let Some(f) = &self.fallback {
            let _ = write!(s, " [{f}]");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(name: &str) -> QueueRef {
        QueueRef {
            url: format!("http://localhost/123456789012/{name}"),
            arn: format!("arn:aws:sqs:eu-west-1:123456789012:{name}"),
            name: name.to_string(),
            fifo: name.rsplit('.').next() == Some("fifo"),
        }
    }

    fn dlq(name: &str, kinds: &[DlqKind], functions: &[&str]) -> Dlq {
        let candidates: Vec<DlqCandidate> = kinds
            .iter()
            .flat_map(|k| {
                functions.iter().map(move |f| DlqCandidate {
                    target_arn: q(name).arn,
                    kind: *k,
                    function: (*f).to_string(),
                    source_queue_arn: (*k == DlqKind::SourceQueueRedrivePolicy)
                        .then(|| q("orders").arn),
                })
            })
            .collect();
        merge_candidates(&candidates).remove(0)
    }

    #[test]
    fn candidates_merge_into_one_queue_with_every_kind_and_function() {
        let arn = q("dlq").arn;
        let c = |kind, function: &str| DlqCandidate {
            target_arn: arn.clone(),
            kind,
            function: function.to_string(),
            source_queue_arn: None,
        };
        let merged = merge_candidates(&[
            c(DlqKind::AsyncOnFailureDestination, "b"),
            c(DlqKind::AsyncDeadLetterConfig, "a"),
            c(DlqKind::AsyncOnFailureDestination, "a"),
            DlqCandidate {
                target_arn: "arn:aws:sns:eu-west-1:123456789012:alerts".into(),
                kind: DlqKind::AsyncDeadLetterConfig,
                function: "c".into(),
                source_queue_arn: None,
            },
        ]);
        assert_eq!(merged.len(), 2);
        let sns = &merged[0];
        assert_eq!(sns.name, "alerts");
        assert!(!sns.inspectable);
        let sqs = &merged[1];
        assert_eq!(sqs.kind, DlqKind::AsyncDeadLetterConfig);
        assert_eq!(
            sqs.kinds,
            [
                DlqKind::AsyncDeadLetterConfig,
                DlqKind::AsyncOnFailureDestination
            ]
        );
        assert_eq!(sqs.functions, ["a", "b"]);
        assert!(sqs.inspectable);
    }

    #[test]
    fn sqs_arns_and_urls_are_taken_apart() {
        assert_eq!(
            parse_sqs_arn("arn:aws:sqs:eu-west-1:123456789012:orders-dlq"),
            Some(("eu-west-1", "123456789012", "orders-dlq"))
        );
        assert_eq!(parse_sqs_arn("arn:aws:sns:eu-west-1:1:t"), None);
        assert_eq!(parse_sqs_arn("orders-dlq"), None);
        assert_eq!(
            queue_name_from_url("https://sqs.eu-west-1.amazonaws.com/123456789012/q.fifo"),
            "q.fifo"
        );
    }

    #[test]
    fn source_queue_dlq_uses_a_move_task_unless_fifo_or_selected() {
        let d = dlq("dlq", &[DlqKind::SourceQueueRedrivePolicy], &["f"]);
        let from = q("dlq");
        let sources = [q("orders")];
        let inputs = PlanInputs {
            from: &from,
            dlq: &d,
            sources: &sources,
            queue: None,
        };
        assert_eq!(
            plan_path(&inputs, &RedriveTarget::Source, false, Some(50)).unwrap(),
            RedrivePath::MoveTask {
                to: q("orders"),
                velocity: Some(50)
            }
        );
        assert_eq!(
            plan_path(&inputs, &RedriveTarget::Source, true, None).unwrap(),
            RedrivePath::ManualMove { to: q("orders") }
        );
        let fd = dlq("dlq.fifo", &[DlqKind::SourceQueueRedrivePolicy], &["f"]);
        let ffrom = q("dlq.fifo");
        let fsources = [q("orders.fifo")];
        let finputs = PlanInputs {
            from: &ffrom,
            dlq: &fd,
            sources: &fsources,
            queue: None,
        };
        assert_eq!(
            plan_path(&finputs, &RedriveTarget::Source, false, None).unwrap(),
            RedrivePath::ManualMove {
                to: q("orders.fifo")
            }
        );
        assert_eq!(
            applicable_paths(&fd),
            [PathChoice::SourceQueueManual, PathChoice::OtherQueue]
        );
        assert_eq!(
            applicable_paths(&d),
            [PathChoice::SourceQueueMoveTask, PathChoice::OtherQueue]
        );
    }

    #[test]
    fn source_redrive_needs_exactly_one_source_queue() {
        let d = dlq("dlq", &[DlqKind::AsyncDeadLetterConfig], &["f"]);
        let from = q("dlq");
        let none = PlanInputs {
            from: &from,
            dlq: &d,
            sources: &[],
            queue: None,
        };
        assert!(matches!(
            plan_path(&none, &RedriveTarget::Source, false, None),
            Err(PlanError::NoSourceQueue(_))
        ));
        let two = [q("a"), q("b")];
        let several = PlanInputs {
            sources: &two,
            ..none
        };
        let err = plan_path(&several, &RedriveTarget::Source, false, None).unwrap_err();
        assert!(err.to_string().contains("a, b"), "{err}");
    }

    #[test]
    fn reinvoke_applies_to_async_failures_only() {
        let from = q("dlq");
        let target = RedriveTarget::Function {
            function: None,
            qualifier: Some("live".into()),
        };
        for (kinds, payload) in [
            (vec![DlqKind::AsyncDeadLetterConfig], PayloadSource::Body),
            (
                vec![DlqKind::AsyncOnFailureDestination],
                PayloadSource::RequestPayload,
            ),
            (
                vec![
                    DlqKind::AsyncDeadLetterConfig,
                    DlqKind::AsyncOnFailureDestination,
                ],
                PayloadSource::Detect,
            ),
        ] {
            let d = dlq("dlq", &kinds, &["pay"]);
            let inputs = PlanInputs {
                from: &from,
                dlq: &d,
                sources: &[],
                queue: None,
            };
            assert_eq!(
                plan_path(&inputs, &target, false, None).unwrap(),
                RedrivePath::Reinvoke {
                    function: "pay".into(),
                    qualifier: Some("live".into()),
                    payload
                }
            );
            assert!(applicable_paths(&d).contains(&PathChoice::Reinvoke));
        }
        for kinds in [
            vec![DlqKind::SourceQueueRedrivePolicy],
            vec![DlqKind::EventSourceOnFailure],
        ] {
            let d = dlq("dlq", &kinds, &["pay"]);
            let inputs = PlanInputs {
                from: &from,
                dlq: &d,
                sources: &[],
                queue: None,
            };
            assert!(matches!(
                plan_path(&inputs, &target, false, None),
                Err(PlanError::NotReinvokable(..))
            ));
            assert!(!applicable_paths(&d).contains(&PathChoice::Reinvoke));
        }
        let d = dlq("dlq", &[DlqKind::AsyncDeadLetterConfig], &["a", "b"]);
        let inputs = PlanInputs {
            from: &from,
            dlq: &d,
            sources: &[],
            queue: None,
        };
        assert!(matches!(
            plan_path(&inputs, &target, false, None),
            Err(PlanError::SeveralFunctions { .. })
        ));
    }

    #[test]
    fn manual_move_refuses_itself_and_fifo_mismatch() {
        let d = dlq("dlq", &[DlqKind::AsyncDeadLetterConfig], &["f"]);
        let from = q("dlq");
        let other = q("other.fifo");
        let inputs = PlanInputs {
            from: &from,
            dlq: &d,
            sources: &[],
            queue: Some(&other),
        };
        let target = RedriveTarget::Queue(other.url.clone());
        assert!(matches!(
            plan_path(&inputs, &target, false, None),
            Err(PlanError::FifoMismatch { .. })
        ));
        let inputs = PlanInputs {
            queue: Some(&from),
            ..inputs
        };
        assert!(matches!(
            plan_path(&inputs, &target, false, None),
            Err(PlanError::SameQueue(_))
        ));
        let fine = q("other");
        let inputs = PlanInputs {
            queue: Some(&fine),
            ..inputs
        };
        assert_eq!(
            plan_path(&inputs, &target, false, None).unwrap(),
            RedrivePath::ManualMove { to: fine.clone() }
        );
    }

    #[test]
    fn growth_compares_every_message_between_two_samples() {
        let t0 = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
        let t1 = t0 + chrono::Duration::seconds(30);
        let s = |at, visible, in_flight| DepthSample {
            at,
            visible,
            in_flight,
            delayed: 0,
        };
        assert_eq!(trend(None, &s(t1, 5, 0)), Trend::Unknown);
        assert_eq!(trend(Some(&s(t0, 5, 0)), &s(t1, 7, 0)), Trend::Growing);
        assert_eq!(trend(Some(&s(t0, 5, 0)), &s(t1, 2, 3)), Trend::Steady);
        assert_eq!(trend(Some(&s(t0, 5, 0)), &s(t1, 4, 0)), Trend::Shrinking);
        assert_eq!(trend(Some(&s(t1, 5, 0)), &s(t0, 9, 0)), Trend::Unknown);
    }

    const RECORD: &str = r#"{"version":"1.0","timestamp":"2025-03-01T12:00:00.000Z",
        "requestContext":{"requestId":"r-1","functionArn":"arn:aws:lambda:eu-west-1:1:function:pay:$LATEST",
            "condition":"RetriesExhausted","approximateInvokeCount":3},
        "requestPayload":{"id":"evt_1","amount":42},
        "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
        "responsePayload":{"errorType":"CardDeclined","errorMessage":"card declined"}}"#;

    #[test]
    fn destination_records_are_parsed() {
        let r = parse_destination_record(RECORD).unwrap();
        assert_eq!(r.condition.as_deref(), Some("RetriesExhausted"));
        assert_eq!(r.approximate_invoke_count, Some(3));
        assert_eq!(r.error_type.as_deref(), Some("CardDeclined"));
        assert_eq!(r.error_message.as_deref(), Some("card declined"));
        assert_eq!(r.function_error.as_deref(), Some("Unhandled"));
        assert_eq!(r.request_payload["id"], "evt_1");
        assert!(parse_destination_record(r#"{"orderId":"o1"}"#).is_none());
        assert!(parse_destination_record("orderId=o1").is_none());
    }

    #[test]
    fn reinvoke_payload_is_the_body_or_the_request_payload() {
        let body = r#"{"orderId":"o1"}"#;
        assert_eq!(PayloadSource::Body.extract(body).unwrap(), body);
        assert_eq!(PayloadSource::Body.extract(RECORD).unwrap(), RECORD);
        let payload: serde_json::Value =
            serde_json::from_str(&PayloadSource::RequestPayload.extract(RECORD).unwrap()).unwrap();
        assert_eq!(payload, serde_json::json!({"id":"evt_1","amount":42}));
        assert!(PayloadSource::RequestPayload.extract(body).is_err());
        assert_eq!(PayloadSource::Detect.extract(body).unwrap(), body);
        assert!(
            PayloadSource::Detect
                .extract(RECORD)
                .unwrap()
                .contains("evt_1")
        );
    }

    fn message(id: &str, sent_ms: i64) -> DlqMessage {
        DlqMessage {
            message_id: id.into(),
            receipt_handle: "rh".into(),
            body: r#"{"orderId":"o1"}"#.into(),
            md5: None,
            attributes: BTreeMap::from([
                ("SentTimestamp".into(), sent_ms.to_string()),
                ("ApproximateReceiveCount".into(), "4".into()),
            ]),
            message_attributes: BTreeMap::from([(
                "ErrorMessage".into(),
                AttributeValue {
                    data_type: "String".into(),
                    string_value: Some("Task timed out".into()),
                    binary_base64: None,
                },
            )]),
        }
    }

    #[test]
    fn messages_expose_attributes_search_and_export() {
        let t = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
        let a = message("m-1", t.timestamp_millis() - 60_000);
        let b = message("m-2", t.timestamp_millis() - 5_000);
        assert_eq!(a.receive_count(), Some(4));
        assert_eq!(
            a.lambda_error().unwrap().message.as_deref(),
            Some("Task timed out")
        );
        assert!(a.matches("TIMED OUT") && a.matches("o1") && !a.matches("zzz"));
        assert_eq!(oldest_age_from_peek(&[b.clone(), a.clone()], t), Some(60));
        assert!(a.pretty_body().unwrap().contains('\n'));
        let jsonl = to_jsonl(&[a, b]).unwrap();
        assert_eq!(jsonl.lines().count(), 2);
        assert!(!jsonl.contains("rh"), "receipt handles are never exported");
    }

    #[test]
    fn plan_description_says_from_to_count_and_the_guarantee() {
        let plan = RedrivePlan {
            from: q("orders-dlq"),
            path: RedrivePath::ManualMove { to: q("orders") },
            selected: None,
            rate: Some(10),
            visible: 1000,
            in_flight: 0,
        };
        let text = plan.describe();
        assert!(text.contains("all 1000 visible"), "{text}");
        assert!(text.contains("orders-dlq → queue orders"), "{text}");
        assert!(text.contains("at most 10"), "{text}");
        assert!(text.contains(AT_LEAST_ONCE), "{text}");
        let plan = RedrivePlan {
            selected: Some(vec!["a".into(), "b".into()]),
            path: RedrivePath::Reinvoke {
                function: "pay".into(),
                qualifier: Some("live".into()),
                payload: PayloadSource::RequestPayload,
            },
            ..plan
        };
        assert_eq!(plan.count(), 2);
        assert!(plan.describe().contains("function pay:live"));
    }
}
