//! Dead-letter queues as the rest of lambdash sees them (issue #6), and the pure rules the DLQ pane and
//! `lambdash dlq` share: which redrive paths apply to which kind of DLQ, what a dry run says, whether a
//! queue is growing, and what payload a re-invoke sends.
//!
//! Nothing here does I/O or reads the clock: times come in as arguments.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::metrics::HealthExtras;

mod message;
mod plan;
mod receive_limit;
pub mod safety;
mod sources;
pub mod topology;
mod trend;

pub use message::{
    AttributeValue, DestinationRecord, DlqMessage, LambdaDlqError, MessageJson, PayloadSource,
    oldest_age_from_peek, parse_destination_record, to_jsonl,
};
pub use plan::{
    AT_LEAST_ONCE, FailedMessage, PathChoice, PlanError, PlanInputs, QueueRef, RedrivePath,
    RedrivePlan, RedriveProgress, RedriveSummary, RedriveTarget, applicable_paths, plan_path,
};
pub use receive_limit::ReceiveLimit;
pub use sources::{SourcesFailure, without_sources};
pub use trend::{DepthHistory, TREND_WINDOW};

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

/// Why a queue's oldest-message age is not known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AgeUnavailable {
    /// An SNS topic: there are no messages to age.
    NotInspectable,
    /// Nothing in the queue: no oldest message.
    Empty,
    /// CloudWatch answered without a datapoint of `AWS/SQS ApproximateAgeOfOldestMessage`.
    NoDatapoint,
    /// The CloudWatch request failed.
    CloudWatchFailed(String),
    /// The queue could not be read at all (its URL or attributes).
    QueueUnreadable,
}

impl AgeUnavailable {
    /// A few words for a table cell.
    pub fn short(&self) -> &'static str {
        match self {
            Self::NotInspectable => "SNS",
            Self::Empty => "empty",
            Self::NoDatapoint => "no CloudWatch datapoint",
            Self::CloudWatchFailed(_) => "CloudWatch failed",
            Self::QueueUnreadable => "queue unreadable",
        }
    }

    /// The whole reason, for a note, stderr and JSON.
    pub fn explain(&self) -> String {
        match self {
            Self::NotInspectable => "an SNS topic has no messages to age".to_string(),
            Self::Empty => "the queue is empty".to_string(),
            Self::NoDatapoint => "no AWS/SQS ApproximateAgeOfOldestMessage datapoint in CloudWatch for the last 15 min (SQS publishes it only for active queues; emulators such as moto publish no SQS metrics)".to_string(),
            Self::CloudWatchFailed(e) => format!("reading AWS/SQS ApproximateAgeOfOldestMessage from CloudWatch failed: {e}"),
            Self::QueueUnreadable => "the queue's attributes could not be read".to_string(),
        }
    }
}

#[allow(clippy::ref_option)] // serde's `serialize_with` passes `&Option<T>`.
fn serialize_age_unavailable<S: serde::Serializer>(
    reason: &Option<AgeUnavailable>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match reason {
        Some(r) => s.serialize_str(&r.explain()),
        None => s.serialize_none(),
    }
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
    /// Why `oldest_age_s` is `None` (`None` while the age is known or not read yet).
    #[serde(
        rename = "oldest_age_unavailable_reason",
        serialize_with = "serialize_age_unavailable"
    )]
    pub age_unavailable: Option<AgeUnavailable>,
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
                age_unavailable: None,
            })
        })
        .collect();
    dlqs.sort_by(|a, b| a.name.cmp(&b.name).then(a.queue_arn.cmp(&b.queue_arn)));
    dlqs
}

/// One function as discovery scanned it (for the functions pane's flags).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScannedFunction {
    pub name: String,
    /// GetFunctionEventInvokeConfig answered with a configuration: someone set the function up for
    /// asynchronous invocation (retries, event age or destinations). Only functions invoked
    /// asynchronously are asked (see [`topology`]): for the others this is false.
    pub event_invoke_config: bool,
    /// Every sub-request for it answered (a permission error leaves its flags unknown).
    pub complete: bool,
    /// Its `LastModified` when scanned: a listing with another one makes the topology be read again.
    pub last_modified: Option<DateTime<Utc>>,
}

/// What the DLQs say about one function's health: the messages waiting in its inspectable DLQs
/// (`None` when it has none), and whether it is set up for asynchronous invocation (an
/// EventInvokeConfig exists) without a DeadLetterConfig or an on-failure destination (`None` when its
/// scan was incomplete). An async trigger (S3, SNS, EventBridge…) is not visible from the Lambda API:
/// a function invoked asynchronously without an EventInvokeConfig is not flagged.
pub fn health_extras(function: &ScannedFunction, dlqs: &[Dlq]) -> HealthExtras {
    let own = || {
        dlqs.iter()
            .filter(|d| d.functions.iter().any(|f| f == &function.name))
    };
    let readable: Vec<&Dlq> = own()
        .filter(|d| d.inspectable && d.queue_url.is_some())
        .collect();
    let dlq_messages = (!readable.is_empty()).then(|| readable.iter().map(|d| d.depth()).sum());
    let has_async_target = own().any(|d| {
        d.has(DlqKind::AsyncDeadLetterConfig) || d.has(DlqKind::AsyncOnFailureDestination)
    });
    HealthExtras {
        dlq_messages,
        async_without_dlq: function
            .complete
            .then_some(function.event_invoke_config && !has_async_target),
        stopped: None,
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn q(name: &str) -> QueueRef {
        QueueRef {
            url: format!("http://localhost/123456789012/{name}"),
            arn: format!("arn:aws:sqs:eu-west-1:123456789012:{name}"),
            name: name.to_string(),
            fifo: name.rsplit('.').next() == Some("fifo"),
        }
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
}
