//! SQS dead-letter queues: discovery, peek, redrive, delete, purge (issue #6).
//!
//! Every redrive is at-least-once: a message is deleted from the DLQ only after its copy was accepted
//! (SendMessageBatch entry successful, or Invoke answered 202). A crash between the two leaves the
//! message in both places (a duplicate), never in neither.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use aws_sdk_lambda::types::InvocationType;
use aws_sdk_sqs::types::{
    ChangeMessageVisibilityBatchRequestEntry, DeleteMessageBatchRequestEntry, Message,
    MessageSystemAttributeName, QueueAttributeName, SendMessageBatchRequestEntry,
};
use base64::Engine as _;
use futures::StreamExt as _;

use super::{AwsError, Clients, classify};
use crate::domain::dlq::topology::Topology;
use crate::domain::dlq::{
    AgeSource, AgeUnavailable, AttributeValue, Dlq, DlqCandidate, DlqKind, DlqMessage,
    FailedMessage, PayloadSource, PlanError, QueueRef, RedrivePath, RedrivePlan, RedriveProgress,
    RedriveSummary, RedriveTarget, ScannedFunction, SourcesFailure, merge_candidates,
    parse_sqs_arn, queue_name_from_url, without_sources,
};

mod deliver;
mod discover;
mod drain;
mod peek;
mod redrive;
mod topology;

pub use topology::ScanInputs;

/// How a receive → deliver → delete loop behaves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrainOptions {
    /// Long-polling wait of each receive.
    pub wait: Duration,
    /// Visibility timeout of received messages: how long a message is hidden while lambdash delivers
    /// it. At least 30 s, so a slow send is not overtaken by a second receive.
    pub visibility: Duration,
    /// Consecutive empty receives before the queue's depth is checked to stop.
    pub empty_receives: u32,
    /// Messages per second (`None`: as fast as the API allows).
    pub rate: Option<u32>,
    /// How often a move task's progress is polled.
    pub poll_every: Duration,
    /// Receive → deliver → delete loops run side by side (manual moves, re-invokes, deletes). SQS has
    /// no practical request quota: the round trips of a batch are the limit, and workers overlap them.
    /// `rate` caps them all together.
    pub workers: u32,
}

/// Workers of a drain by default: enough to overlap a batch's three round trips several times over.
pub const DEFAULT_WORKERS: u32 = 8;

impl Default for DrainOptions {
    fn default() -> Self {
        Self {
            wait: Duration::from_secs(1),
            visibility: Duration::from_secs(30),
            empty_receives: 3,
            rate: None,
            poll_every: Duration::from_secs(2),
            workers: DEFAULT_WORKERS,
        }
    }
}

/// What discovery found, with the sub-requests that failed (permissions) kept apart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DlqDiscovery {
    pub dlqs: Vec<Dlq>,
    pub partial_errors: Vec<String>,
    /// Every function scanned, with what its flags need.
    pub scanned: Vec<ScannedFunction>,
    /// When the topology (which queue belongs to which function) was read; set by the TUI's poller
    /// and by a scan of the whole account.
    pub topology_at: Option<chrono::DateTime<chrono::Utc>>,
    /// The topology itself (a scan of the whole account, or the on-disk cache): the next scan starts
    /// from it and asks only about what changed.
    pub topology: Option<std::sync::Arc<Topology>>,
    /// The topology was loaded from the on-disk cache and not read again since.
    pub from_cache: bool,
}

/// A queue's message counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct QueueDepth {
    pub visible: u64,
    pub in_flight: u64,
    pub delayed: u64,
}

impl QueueDepth {
    pub fn total(&self) -> u64 {
        self.visible + self.in_flight + self.delayed
    }
}

/// Messages seen by a peek. They were released (visibility 0) right after the receive, unless
/// `release_error` says otherwise (then they reappear after the peek's short visibility timeout).
#[derive(Clone, Debug, PartialEq)]
pub struct Peek {
    pub messages: Vec<DlqMessage>,
    pub release_error: Option<String>,
    /// The peeked queue's own redrive policy (`None`: it has none, or it could not be read).
    pub receive_limit: Option<crate::domain::dlq::ReceiveLimit>,
}

/// One SQS message move task, as ListMessageMoveTasks reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MoveTask {
    pub task_handle: Option<String>,
    /// `RUNNING`, `COMPLETED`, `CANCELLING`, `CANCELLED`, `FAILED`.
    pub status: String,
    pub source_arn: String,
    pub destination_arn: Option<String>,
    pub moved: u64,
    pub to_move: Option<u64>,
    pub failure_reason: Option<String>,
    pub started_ms: i64,
}

impl MoveTask {
    pub fn finished(&self) -> bool {
        matches!(self.status.as_str(), "COMPLETED" | "CANCELLED" | "FAILED")
    }
}

/// What a delete of chosen messages did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeleteSummary {
    pub deleted: u64,
    pub failed: Vec<FailedMessage>,
    pub not_found: Vec<String>,
}

/// True when SQS said the queue does not exist (unknown name or URL).
pub fn is_unknown_queue(e: &AwsError) -> bool {
    matches!(e, AwsError::Service { code, .. }
        if code.contains("NonExistentQueue") || code == "QueueDoesNotExist")
}

fn parse_u64(attrs: &HashMap<QueueAttributeName, String>, name: &QueueAttributeName) -> u64 {
    attrs.get(name).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn depth_from(attrs: &HashMap<QueueAttributeName, String>) -> QueueDepth {
    QueueDepth {
        visible: parse_u64(attrs, &QueueAttributeName::ApproximateNumberOfMessages),
        in_flight: parse_u64(
            attrs,
            &QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
        ),
        delayed: parse_u64(
            attrs,
            &QueueAttributeName::ApproximateNumberOfMessagesDelayed,
        ),
    }
}

/// Maps an SQS message to the domain type.
pub fn message_from(m: &Message) -> DlqMessage {
    DlqMessage {
        message_id: m.message_id().unwrap_or_default().to_string(),
        receipt_handle: m.receipt_handle().unwrap_or_default().to_string(),
        body: m.body().unwrap_or_default().to_string(),
        md5: m.md5_of_body().map(ToString::to_string),
        attributes: m
            .attributes()
            .map(|a| {
                a.iter()
                    .map(|(k, v)| (k.as_str().to_string(), v.clone()))
                    .collect()
            })
            .unwrap_or_default(),
        message_attributes: m
            .message_attributes()
            .map(|a| {
                a.iter()
                    .map(|(k, v)| {
                        (
                            k.clone(),
                            AttributeValue {
                                data_type: v.data_type().to_string(),
                                string_value: v.string_value().map(ToString::to_string),
                                binary_base64: v.binary_value().map(|b| {
                                    base64::engine::general_purpose::STANDARD.encode(b.as_ref())
                                }),
                            },
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

impl Clients {
    fn sqs_err<E, R>(
        &self,
        op: &str,
    ) -> impl FnOnce(aws_smithy_runtime_api::client::result::SdkError<E, R>) -> AwsError + '_
    where
        E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        let op = op.to_string();
        move |e| classify(&e, &op, &self.profile)
    }

    /// The URL of a queue given by ARN (GetQueueUrl with the owner account, so cross-account works).
    pub async fn queue_url_of_arn(&self, arn: &str) -> Result<String, AwsError> {
        let (_, account, name) = parse_sqs_arn(arn).ok_or_else(|| AwsError::Other {
            operation: "GetQueueUrl".into(),
            message: format!("{arn} is not an SQS queue ARN"),
        })?;
        let out = self
            .sqs
            .get_queue_url()
            .queue_name(name)
            .queue_owner_aws_account_id(account)
            .send()
            .await
            .map_err(self.sqs_err("GetQueueUrl"))?;
        Ok(out.queue_url().unwrap_or_default().to_string())
    }

    /// A queue given by name, URL or ARN: its URL, ARN and FIFO-ness.
    pub async fn resolve_queue(&self, queue: &str) -> Result<QueueRef, AwsError> {
        let url = if queue.starts_with("https://") || queue.starts_with("http://") {
            queue.to_string()
        } else if queue.starts_with("arn:") {
            self.queue_url_of_arn(queue).await?
        } else {
            self.sqs
                .get_queue_url()
                .queue_name(queue)
                .send()
                .await
                .map_err(self.sqs_err("GetQueueUrl"))?
                .queue_url()
                .unwrap_or_default()
                .to_string()
        };
        let (queue_ref, _) = self.queue_info(&url).await?;
        Ok(queue_ref)
    }

    /// The queue's identity and depth in one GetQueueAttributes.
    pub async fn queue_info(&self, url: &str) -> Result<(QueueRef, QueueDepth), AwsError> {
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::All)
            .send()
            .await
            .map_err(self.sqs_err("GetQueueAttributes"))?;
        let attrs = out.attributes().cloned().unwrap_or_default();
        let name = queue_name_from_url(url).to_string();
        let arn = attrs
            .get(&QueueAttributeName::QueueArn)
            .cloned()
            .unwrap_or_default();
        let fifo = attrs
            .get(&QueueAttributeName::FifoQueue)
            .is_some_and(|v| v == "true")
            || std::path::Path::new(&name)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("fifo"));
        Ok((
            QueueRef {
                url: url.to_string(),
                arn,
                name,
                fifo,
            },
            depth_from(&attrs),
        ))
    }

    /// ApproximateNumberOfMessages, …NotVisible, …Delayed.
    pub async fn queue_depth(&self, url: &str) -> Result<QueueDepth, AwsError> {
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesDelayed)
            .send()
            .await
            .map_err(self.sqs_err("GetQueueAttributes"))?;
        Ok(out.attributes().map(depth_from).unwrap_or_default())
    }

    /// The queues whose redrive policy points at this DLQ (ListDeadLetterSourceQueues).
    pub async fn source_queues(&self, dlq_url: &str) -> Result<Vec<QueueRef>, AwsError> {
        let mut urls = Vec::new();
        let mut token = None;
        loop {
            let out = self
                .sqs
                .list_dead_letter_source_queues()
                .queue_url(dlq_url)
                .set_next_token(token)
                .send()
                .await
                .map_err(self.sqs_err("ListDeadLetterSourceQueues"))?;
            urls.extend(out.queue_urls().iter().cloned());
            token = out.next_token().map(ToString::to_string);
            if token.is_none() {
                break;
            }
        }
        let mut queues = Vec::new();
        for url in urls {
            queues.push(self.queue_info(&url).await?.0);
        }
        Ok(queues)
    }

    async fn receive(
        &self,
        url: &str,
        max: i32,
        wait: Duration,
        visibility: Duration,
    ) -> Result<Vec<Message>, AwsError> {
        let out = self
            .sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(max.clamp(1, 10))
            .wait_time_seconds(wait.as_secs().min(20) as i32)
            .visibility_timeout(visibility.as_secs() as i32)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(self.sqs_err("ReceiveMessage"))?;
        Ok(out.messages().to_vec())
    }

    /// Makes messages visible again at once (ChangeMessageVisibilityBatch 0), in batches of ten.
    /// Returns the first error, if any; messages not released reappear after their visibility timeout.
    pub async fn release(&self, url: &str, handles: &[String]) -> Result<(), String> {
        let mut first_error = None;
        for chunk in handles.chunks(10) {
            let entries: Vec<_> = chunk
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    ChangeMessageVisibilityBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(h)
                        .visibility_timeout(0)
                        .build()
                        .ok()
                })
                .collect();
            let result = self
                .sqs
                .change_message_visibility_batch()
                .queue_url(url)
                .set_entries(Some(entries))
                .send()
                .await;
            let error = match result {
                Ok(out) => out.failed().first().map(|f| {
                    format!(
                        "ChangeMessageVisibilityBatch: {}: {}",
                        f.code(),
                        f.message().unwrap_or_default()
                    )
                }),
                Err(e) => {
                    Some(classify(&e, "ChangeMessageVisibilityBatch", &self.profile).to_string())
                }
            };
            if first_error.is_none() {
                first_error = error;
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}
