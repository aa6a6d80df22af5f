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
use crate::domain::dlq::{
    AgeSource, AttributeValue, Dlq, DlqCandidate, DlqKind, DlqMessage, FailedMessage,
    PayloadSource, QueueRef, RedrivePath, RedrivePlan, RedriveProgress, RedriveSummary,
    merge_candidates, parse_sqs_arn, queue_name_from_url,
};

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
}

impl Default for DrainOptions {
    fn default() -> Self {
        Self {
            wait: Duration::from_secs(1),
            visibility: Duration::from_secs(30),
            empty_receives: 3,
            rate: None,
            poll_every: Duration::from_secs(2),
        }
    }
}

/// What discovery found, with the sub-requests that failed (permissions) kept apart.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DlqDiscovery {
    pub dlqs: Vec<Dlq>,
    pub partial_errors: Vec<String>,
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

/// What the receive loop does with each message it is meant to handle.
enum Sink<'a> {
    Queue(&'a QueueRef),
    Function {
        name: &'a str,
        qualifier: Option<&'a str>,
        payload: PayloadSource,
    },
    Delete,
}

/// The state of a receive loop, kept across batches.
#[derive(Default)]
struct Drain {
    moved: u64,
    failed: BTreeMap<String, String>,
    /// Delivered, but the delete failed: in both queues. Deleted without a second delivery if seen again.
    sent_not_deleted: HashSet<String>,
    /// Delivered and deleted.
    done: HashSet<String>,
    /// Receipt handles of messages to release at the end (not selected, or failed).
    hold: HashMap<String, String>,
    remaining: Option<u64>,
    cancelled: bool,
    stopped_by: Option<String>,
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

    /// Where one function sends its failures: DeadLetterConfig, EventInvokeConfig on-failure, event
    /// source mappings' on-failure, and the redrive policies of its SQS sources.
    async fn function_dlqs(&self, function: &str) -> (Vec<DlqCandidate>, Vec<String>) {
        let mut found = Vec::new();
        let mut errors = Vec::new();
        let candidate = |arn: &str, kind, source: Option<&str>| DlqCandidate {
            target_arn: arn.to_string(),
            kind,
            function: function.to_string(),
            source_queue_arn: source.map(ToString::to_string),
        };
        let (cfg, invoke, mappings) = tokio::join!(
            self.lambda
                .get_function_configuration()
                .function_name(function)
                .send(),
            self.lambda
                .get_function_event_invoke_config()
                .function_name(function)
                .send(),
            self.list_mappings(function),
        );
        match cfg {
            Ok(cfg) => {
                if let Some(arn) = cfg
                    .dead_letter_config()
                    .and_then(|d| d.target_arn())
                    .filter(|a| !a.is_empty())
                {
                    found.push(candidate(arn, DlqKind::AsyncDeadLetterConfig, None));
                }
            }
            Err(e) => {
                errors.push(classify(&e, "GetFunctionConfiguration", &self.profile).to_string());
            }
        }
        match invoke {
            Ok(out) => {
                if let Some(arn) = out
                    .destination_config()
                    .and_then(|d| d.on_failure())
                    .and_then(|f| f.destination())
                {
                    found.push(candidate(arn, DlqKind::AsyncOnFailureDestination, None));
                }
            }
            Err(e) => {
                let err = classify(&e, "GetFunctionEventInvokeConfig", &self.profile);
                if !err.is_not_found() {
                    errors.push(err.to_string());
                }
            }
        }
        match mappings {
            Ok(mappings) => {
                for (source, on_failure) in mappings {
                    if let Some(arn) = on_failure {
                        found.push(candidate(&arn, DlqKind::EventSourceOnFailure, None));
                    }
                    if parse_sqs_arn(&source).is_none() {
                        continue;
                    }
                    match self.redrive_target_of(&source).await {
                        Ok(Some(dlq)) => found.push(candidate(
                            &dlq,
                            DlqKind::SourceQueueRedrivePolicy,
                            Some(&source),
                        )),
                        Ok(None) => {}
                        Err(e) => errors.push(e.to_string()),
                    }
                }
            }
            Err(e) => errors.push(e.to_string()),
        }
        (found, errors)
    }

    /// (event source ARN, on-failure destination ARN) of each mapping of a function.
    async fn list_mappings(
        &self,
        function: &str,
    ) -> Result<Vec<(String, Option<String>)>, AwsError> {
        let mut out = Vec::new();
        let mut marker = None;
        loop {
            let page = self
                .lambda
                .list_event_source_mappings()
                .function_name(function)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| classify(&e, "ListEventSourceMappings", &self.profile))?;
            for m in page.event_source_mappings() {
                out.push((
                    m.event_source_arn().unwrap_or_default().to_string(),
                    m.destination_config()
                        .and_then(|d| d.on_failure())
                        .and_then(|f| f.destination())
                        .filter(|d| !d.is_empty())
                        .map(ToString::to_string),
                ));
            }
            marker = page.next_marker().map(ToString::to_string);
            if marker.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// The `deadLetterTargetArn` of a queue's redrive policy, if it has one.
    async fn redrive_target_of(&self, queue_arn: &str) -> Result<Option<String>, AwsError> {
        let url = self.queue_url_of_arn(queue_arn).await?;
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::RedrivePolicy)
            .send()
            .await
            .map_err(self.sqs_err("GetQueueAttributes"))?;
        Ok(out
            .attributes()
            .and_then(|a| a.get(&QueueAttributeName::RedrivePolicy))
            .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
            .and_then(|p| {
                p.get("deadLetterTargetArn")
                    .and_then(|v| v.as_str())
                    .map(ToString::to_string)
            }))
    }

    /// `AWS/SQS ApproximateAgeOfOldestMessage` (Maximum of the last datapoint in 15 minutes). `None`
    /// when CloudWatch has no datapoint (an idle queue, or an emulator without SQS metrics).
    async fn oldest_age_cloudwatch(&self, queue_name: &str) -> Option<u64> {
        let now = std::time::SystemTime::now();
        let out = self
            .cloudwatch
            .get_metric_statistics()
            .namespace("AWS/SQS")
            .metric_name("ApproximateAgeOfOldestMessage")
            .dimensions(
                aws_sdk_cloudwatch::types::Dimension::builder()
                    .name("QueueName")
                    .value(queue_name)
                    .build(),
            )
            .start_time((now - Duration::from_mins(15)).into())
            .end_time(now.into())
            .period(60)
            .statistics(aws_sdk_cloudwatch::types::Statistic::Maximum)
            .send()
            .await
            .ok()?;
        out.datapoints()
            .iter()
            .filter_map(|d| Some((d.timestamp()?.secs(), d.maximum()?)))
            .max_by_key(|(t, _)| *t)
            .map(|(_, v)| v.max(0.0) as u64)
    }

    /// Every dead-letter destination of these functions (all functions when `None`), merged per queue,
    /// with depths and (from CloudWatch, when it has them) the age of the oldest message.
    pub async fn discover_dlqs(
        &self,
        functions: Option<&[String]>,
    ) -> Result<DlqDiscovery, AwsError> {
        let names: Vec<String> = match functions {
            Some(f) => f.to_vec(),
            None => self
                .list_functions()
                .await?
                .into_iter()
                .map(|f| f.name)
                .collect(),
        };
        let per_function: Vec<(Vec<DlqCandidate>, Vec<String>)> =
            // Owned names: a closure over `&String` makes this future unprovably `Send` (the TUI spawns it).
            futures::stream::iter(names.iter().cloned())
                .map(|f| async move { self.function_dlqs(&f).await })
                .buffered(8)
                .collect()
                .await;
        let mut candidates = Vec::new();
        let mut partial_errors = Vec::new();
        for (c, e) in per_function {
            candidates.extend(c);
            partial_errors.extend(e);
        }
        let mut dlqs = merge_candidates(&candidates);
        let filled: Vec<Result<Dlq, String>> = futures::stream::iter(dlqs.drain(..))
            .map(|d| self.fill_depth(d))
            .buffered(8)
            .collect()
            .await;
        let mut dlqs = Vec::new();
        for r in filled {
            match r {
                Ok(d) => dlqs.push(d),
                Err(e) => partial_errors.push(e),
            }
        }
        Ok(DlqDiscovery {
            dlqs,
            partial_errors,
        })
    }

    /// Resolves a discovered queue's URL and reads its depth; SNS topics are returned as they are.
    async fn fill_depth(&self, mut dlq: Dlq) -> Result<Dlq, String> {
        if !dlq.inspectable {
            return Ok(dlq);
        }
        let url = self
            .queue_url_of_arn(&dlq.queue_arn)
            .await
            .map_err(|e| format!("{}: {e}", dlq.name))?;
        let (queue, age) =
            tokio::join!(self.queue_info(&url), self.oldest_age_cloudwatch(&dlq.name));
        let (queue, depth) = queue.map_err(|e| format!("{}: {e}", dlq.name))?;
        dlq.queue_url = Some(url);
        dlq.fifo = queue.fifo;
        dlq.visible = depth.visible;
        dlq.in_flight = depth.in_flight;
        dlq.delayed = depth.delayed;
        if let Some(age) = age {
            dlq.oldest_age_s = Some(age);
            dlq.age_source = Some(AgeSource::CloudWatch);
        } else if depth.total() == 0 {
            dlq.oldest_age_s = None;
        }
        Ok(dlq)
    }

    /// Describes one queue as a DLQ, whoever points at it: the discovered entry when a function does,
    /// else a plain entry (its kinds: a source-queue DLQ when some queue's redrive policy targets it).
    pub async fn describe_dlq(
        &self,
        queue: &QueueRef,
        discovered: Option<&DlqDiscovery>,
        sources: &[QueueRef],
    ) -> Result<Dlq, AwsError> {
        if let Some(d) = discovered.and_then(|d| d.dlqs.iter().find(|d| d.queue_arn == queue.arn)) {
            let mut d = d.clone();
            if d.source_queue_arn.is_none()
                && let [one] = sources
            {
                d.source_queue_arn = Some(one.arn.clone());
                if !d.kinds.contains(&DlqKind::SourceQueueRedrivePolicy) {
                    d.kinds.push(DlqKind::SourceQueueRedrivePolicy);
                }
            }
            return Ok(d);
        }
        let depth = self.queue_depth(&queue.url).await?;
        let kinds = if sources.is_empty() {
            Vec::new()
        } else {
            vec![DlqKind::SourceQueueRedrivePolicy]
        };
        Ok(Dlq {
            queue_url: Some(queue.url.clone()),
            queue_arn: queue.arn.clone(),
            name: queue.name.clone(),
            kind: kinds
                .first()
                .copied()
                .unwrap_or(DlqKind::SourceQueueRedrivePolicy),
            kinds,
            functions: Vec::new(),
            source_queue_arn: sources.first().map(|q| q.arn.clone()),
            inspectable: true,
            fifo: queue.fifo,
            visible: depth.visible,
            in_flight: depth.in_flight,
            delayed: depth.delayed,
            oldest_age_s: None,
            age_source: None,
        })
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

    /// Reads up to `n` messages without consuming them: receives with a short visibility timeout, then
    /// releases them all at once (ChangeMessageVisibility 0). Peeking increments each message's
    /// ApproximateReceiveCount (and counts towards the DLQ's own maxReceiveCount, if it has a redrive
    /// policy). SQS may return fewer than `n` even when more are there.
    pub async fn peek(&self, queue_url: &str, n: usize) -> Result<Peek, AwsError> {
        let visibility = Duration::from_secs(20);
        let mut messages: Vec<DlqMessage> = Vec::new();
        let mut handles = Vec::new();
        let mut seen = HashSet::new();
        let mut fruitless = 0;
        let mut error = None;
        while messages.len() < n && fruitless < 2 {
            let want = (n - messages.len()).min(10) as i32;
            match self
                .receive(queue_url, want, Duration::from_secs(1), visibility)
                .await
            {
                Ok(batch) => {
                    let before = messages.len();
                    for m in &batch {
                        let m = message_from(m);
                        handles.push(m.receipt_handle.clone());
                        if seen.insert(m.message_id.clone()) {
                            messages.push(m);
                        }
                    }
                    if messages.len() == before {
                        fruitless += 1;
                    }
                }
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let release_error = self.release(queue_url, &handles).await.err();
        if let Some(e) = error {
            return Err(e);
        }
        messages.truncate(n);
        Ok(Peek {
            messages,
            release_error,
        })
    }

    /// StartMessageMoveTask from a DLQ (to `destination_arn`, or back to each message's source when
    /// `None`). Returns the task handle. The emulator answers 500: check `is_unsupported()`.
    pub async fn start_move_task(
        &self,
        source_arn: &str,
        destination_arn: Option<&str>,
        velocity: Option<u32>,
    ) -> Result<String, AwsError> {
        let out = self
            .sqs
            .start_message_move_task()
            .source_arn(source_arn)
            .set_destination_arn(destination_arn.map(ToString::to_string))
            .set_max_number_of_messages_per_second(velocity.map(|v| v.min(500) as i32))
            .send()
            .await
            .map_err(self.sqs_err("StartMessageMoveTask"))?;
        Ok(out.task_handle().unwrap_or_default().to_string())
    }

    /// The most recent move tasks of a DLQ (newest first, as SQS returns them).
    pub async fn list_move_tasks(&self, source_arn: &str) -> Result<Vec<MoveTask>, AwsError> {
        let out = self
            .sqs
            .list_message_move_tasks()
            .source_arn(source_arn)
            .max_results(10)
            .send()
            .await
            .map_err(self.sqs_err("ListMessageMoveTasks"))?;
        Ok(out
            .results()
            .iter()
            .map(|r| MoveTask {
                task_handle: r.task_handle().map(ToString::to_string),
                status: r.status().unwrap_or("UNKNOWN").to_string(),
                source_arn: r.source_arn().unwrap_or(source_arn).to_string(),
                destination_arn: r.destination_arn().map(ToString::to_string),
                moved: r.approximate_number_of_messages_moved().max(0) as u64,
                to_move: r
                    .approximate_number_of_messages_to_move()
                    .map(|v| v.max(0) as u64),
                failure_reason: r.failure_reason().map(ToString::to_string),
                started_ms: r.started_timestamp(),
            })
            .collect())
    }

    /// Cancels a running move task; returns the messages moved so far.
    pub async fn cancel_move_task(&self, task_handle: &str) -> Result<u64, AwsError> {
        let out = self
            .sqs
            .cancel_message_move_task()
            .task_handle(task_handle)
            .send()
            .await
            .map_err(self.sqs_err("CancelMessageMoveTask"))?;
        Ok(out.approximate_number_of_messages_moved().max(0) as u64)
    }

    /// Runs a planned redrive (not a dry run: that is [`RedriveSummary::dry_run`]).
    ///
    /// `progress` is called after every batch (or move-task poll) with the counts so far; returning
    /// `ControlFlow::Break(())` cancels: the batch in hand is finished (sent messages deleted), held
    /// messages are released, a move task is cancelled. Dropping the future instead is safe too (at
    /// worst a duplicate: messages received but not deleted reappear after the visibility timeout).
    ///
    /// A move task the endpoint does not support falls back to a manual move, and says so in
    /// `progress.note` and `summary.fallback`.
    pub async fn redrive(
        &self,
        plan: &RedrivePlan,
        opts: &DrainOptions,
        mut progress: impl FnMut(&RedriveProgress) -> ControlFlow<()> + Send,
    ) -> Result<RedriveSummary, AwsError> {
        let started = Instant::now();
        let opts = DrainOptions {
            rate: plan.rate.or(opts.rate),
            ..opts.clone()
        };
        match &plan.path {
            RedrivePath::MoveTask { to, velocity } => {
                match self
                    .redrive_move_task(&plan.from, to, *velocity, &opts, &mut progress)
                    .await
                {
                    Ok(summary) => Ok(summary),
                    Err(e) if e.is_unsupported() => {
                        let note = format!("{e}: moving the messages by hand instead");
                        let _ = progress(&RedriveProgress {
                            note: Some(note.clone()),
                            ..RedriveProgress::default()
                        });
                        let mut summary = self
                            .redrive_manual(&plan.from, to, None, &opts, &mut progress)
                            .await?;
                        summary.fallback = Some(note);
                        summary.elapsed_ms = started.elapsed().as_millis() as u64;
                        Ok(summary)
                    }
                    Err(e) => Err(e),
                }
            }
            RedrivePath::ManualMove { to } => {
                self.redrive_manual(
                    &plan.from,
                    to,
                    plan.selected.as_deref(),
                    &opts,
                    &mut progress,
                )
                .await
            }
            RedrivePath::Reinvoke {
                function,
                qualifier,
                payload,
            } => {
                self.redrive_reinvoke(
                    &plan.from,
                    function,
                    qualifier.as_deref(),
                    *payload,
                    plan.selected.as_deref(),
                    &opts,
                    &mut progress,
                )
                .await
            }
        }
    }

    /// Moves the DLQ with a message move task and follows it to the end.
    pub async fn redrive_move_task(
        &self,
        from: &QueueRef,
        to: &QueueRef,
        velocity: Option<u32>,
        opts: &DrainOptions,
        progress: &mut (impl FnMut(&RedriveProgress) -> ControlFlow<()> + Send),
    ) -> Result<RedriveSummary, AwsError> {
        let started = Instant::now();
        let handle = self
            .start_move_task(&from.arn, Some(&to.arn), velocity.or(opts.rate))
            .await?;
        let mut cancelled = false;
        let mut cancel_sent = false;
        let last = loop {
            tokio::time::sleep(opts.poll_every).await;
            let tasks = self.list_move_tasks(&from.arn).await?;
            let task = tasks
                .iter()
                .find(|t| t.task_handle.as_deref() == Some(handle.as_str()))
                .or_else(|| tasks.first())
                .cloned();
            let Some(task) = task else {
                continue;
            };
            let p = RedriveProgress {
                moved: task.moved,
                failed: 0,
                remaining: task.to_move.map(|t| t.saturating_sub(task.moved)),
                note: None,
            };
            if progress(&p).is_break() && !cancel_sent && !task.finished() {
                cancelled = true;
                cancel_sent = true;
                self.cancel_move_task(&handle).await?;
            }
            if task.finished() {
                break task;
            }
        };
        let depth = self.queue_depth(&from.url).await?;
        Ok(RedriveSummary {
            from: from.name.clone(),
            to: to.name.clone(),
            method: "move_task",
            fallback: None,
            dry_run: false,
            moved: last.moved,
            failed: last
                .failure_reason
                .iter()
                .map(|r| FailedMessage {
                    message_id: "(move task)".into(),
                    error: r.clone(),
                })
                .collect(),
            remaining: depth.total(),
            duplicates: 0,
            duplicates_possible: last.moved > 0,
            not_found: Vec::new(),
            cancelled: cancelled || last.status == "CANCELLED",
            stopped_by: (last.status == "FAILED").then(|| {
                format!(
                    "move task failed: {}",
                    last.failure_reason.as_deref().unwrap_or("no reason given")
                )
            }),
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// Manual move: receive (long polling, visibility ≥ 30 s) → SendMessageBatch to `to` (body and
    /// message attributes preserved; FIFO: group id kept, deduplication id = the DLQ message id) →
    /// DeleteMessageBatch of the entries that were sent. Only `selected` ids when given.
    pub async fn redrive_manual(
        &self,
        from: &QueueRef,
        to: &QueueRef,
        selected: Option<&[String]>,
        opts: &DrainOptions,
        progress: &mut (impl FnMut(&RedriveProgress) -> ControlFlow<()> + Send),
    ) -> Result<RedriveSummary, AwsError> {
        let started = Instant::now();
        let (d, not_found) = self
            .drain(from, &Sink::Queue(to), selected, opts, progress)
            .await?;
        self.summary(from, &to.name, "manual_move", d, not_found, started)
            .await
    }

    /// Re-invokes `function` (InvocationType=Event) with each message's payload; a message is deleted
    /// only after its invoke was accepted (202).
    #[allow(clippy::too_many_arguments)]
    pub async fn redrive_reinvoke(
        &self,
        from: &QueueRef,
        function: &str,
        qualifier: Option<&str>,
        payload: PayloadSource,
        selected: Option<&[String]>,
        opts: &DrainOptions,
        progress: &mut (impl FnMut(&RedriveProgress) -> ControlFlow<()> + Send),
    ) -> Result<RedriveSummary, AwsError> {
        let started = Instant::now();
        let sink = Sink::Function {
            name: function,
            qualifier,
            payload,
        };
        let (d, not_found) = self.drain(from, &sink, selected, opts, progress).await?;
        let to = qualifier.map_or_else(|| function.to_string(), |q| format!("{function}:{q}"));
        self.summary(from, &to, "reinvoke", d, not_found, started)
            .await
    }

    /// Deletes the messages with these ids (receiving until each is found; the others are released).
    pub async fn delete_messages(
        &self,
        queue: &QueueRef,
        ids: &[String],
    ) -> Result<DeleteSummary, AwsError> {
        let opts = DrainOptions::default();
        let (d, not_found) = self
            .drain(queue, &Sink::Delete, Some(ids), &opts, &mut |_| {
                ControlFlow::Continue(())
            })
            .await?;
        Ok(DeleteSummary {
            deleted: d.moved,
            failed: d
                .failed
                .into_iter()
                .map(|(message_id, error)| FailedMessage { message_id, error })
                .collect(),
            not_found,
        })
    }

    /// Deletes every message of the queue (PurgeQueue; AWS allows one purge per queue per minute).
    pub async fn purge(&self, queue_url: &str) -> Result<(), AwsError> {
        self.sqs
            .purge_queue()
            .queue_url(queue_url)
            .send()
            .await
            .map_err(self.sqs_err("PurgeQueue"))?;
        Ok(())
    }

    async fn summary(
        &self,
        from: &QueueRef,
        to: &str,
        method: &'static str,
        d: Drain,
        not_found: Vec<String>,
        started: Instant,
    ) -> Result<RedriveSummary, AwsError> {
        let remaining = match self.queue_depth(&from.url).await {
            Ok(depth) => depth.total(),
            Err(_) => d.remaining.unwrap_or(0),
        };
        Ok(RedriveSummary {
            from: from.name.clone(),
            to: to.to_string(),
            method,
            fallback: None,
            dry_run: false,
            moved: d.moved,
            failed: d
                .failed
                .into_iter()
                .map(|(message_id, error)| FailedMessage { message_id, error })
                .collect(),
            remaining,
            duplicates: d.sent_not_deleted.len() as u64,
            duplicates_possible: d.moved > 0 || !d.sent_not_deleted.is_empty(),
            not_found,
            cancelled: d.cancelled,
            stopped_by: d.stopped_by,
            elapsed_ms: started.elapsed().as_millis() as u64,
        })
    }

    /// The receive → deliver → delete loop shared by manual moves, re-invokes and deletes.
    /// Returns the state and the selected ids never seen.
    async fn drain(
        &self,
        from: &QueueRef,
        sink: &Sink<'_>,
        selected: Option<&[String]>,
        opts: &DrainOptions,
        progress: &mut (impl FnMut(&RedriveProgress) -> ControlFlow<()> + Send),
    ) -> Result<(Drain, Vec<String>), AwsError> {
        let selected: Option<HashSet<&str>> =
            selected.map(|s| s.iter().map(String::as_str).collect());
        let visibility = opts.visibility.max(Duration::from_secs(30));
        let started = Instant::now();
        let mut d = Drain {
            remaining: Some(self.queue_depth(&from.url).await?.visible),
            ..Drain::default()
        };
        let mut processed: u64 = 0;
        let mut empties = 0;
        let mut rechecks = 0;
        let mut last_sample = Instant::now();
        let mut moved_at_sample = 0;
        loop {
            let report = RedriveProgress {
                moved: d.moved,
                failed: d.failed.len() as u64,
                // Between samples, what was visible minus what moved since.
                remaining: d
                    .remaining
                    .map(|r| r.saturating_sub(d.moved - moved_at_sample)),
                note: None,
            };
            if progress(&report).is_break() {
                d.cancelled = true;
                break;
            }
            if let Some(sel) = &selected
                && sel
                    .iter()
                    .all(|id| d.done.contains(*id) || d.failed.contains_key(*id))
            {
                break;
            }
            let max = opts.rate.map_or(10, |r| r.clamp(1, 10) as i32);
            let batch = match self.receive(&from.url, max, opts.wait, visibility).await {
                Ok(b) => b,
                Err(e) => {
                    d.stopped_by = Some(e.to_string());
                    break;
                }
            };
            if batch.is_empty() {
                empties += 1;
                if empties >= opts.empty_receives {
                    let depth = self.queue_depth(&from.url).await;
                    match depth {
                        Ok(depth) if depth.visible == 0 => {
                            d.remaining = Some(0);
                            break;
                        }
                        Ok(depth) => {
                            d.remaining = Some(depth.visible);
                            moved_at_sample = d.moved;
                            empties = 0;
                            rechecks += 1;
                            if rechecks > 5 {
                                d.stopped_by = Some(format!(
                                    "the queue reports {} visible message(s) but receives stay empty",
                                    depth.visible
                                ));
                                break;
                            }
                        }
                        Err(e) => {
                            d.stopped_by = Some(e.to_string());
                            break;
                        }
                    }
                }
                continue;
            }
            empties = 0;
            let mut to_deliver = Vec::new();
            let mut to_delete: Vec<(String, String)> = Vec::new();
            for m in batch {
                let id = m.message_id().unwrap_or_default().to_string();
                let handle = m.receipt_handle().unwrap_or_default().to_string();
                if d.sent_not_deleted.contains(&id) || d.done.contains(&id) {
                    // Already delivered: delete without delivering twice.
                    to_delete.push((id, handle));
                } else if selected.as_ref().is_some_and(|s| !s.contains(id.as_str())) {
                    d.hold.insert(id, handle);
                } else {
                    to_deliver.push(m);
                }
            }
            processed += to_deliver.len() as u64;
            for (m, result) in self.deliver(sink, &to_deliver).await {
                let id = m.message_id().unwrap_or_default().to_string();
                let handle = m.receipt_handle().unwrap_or_default().to_string();
                match result {
                    Ok(()) => {
                        d.sent_not_deleted.insert(id.clone());
                        to_delete.push((id, handle));
                    }
                    Err(e) => {
                        d.failed.insert(id.clone(), e);
                        d.hold.insert(id, handle);
                    }
                }
            }
            for (id, result) in self.delete_batch(&from.url, &to_delete).await {
                if let Err(e) = result {
                    tracing::warn!("DeleteMessageBatch {id}: {e}");
                    continue;
                }
                d.sent_not_deleted.remove(&id);
                d.failed.remove(&id);
                d.hold.remove(&id);
                if d.done.insert(id) {
                    d.moved += 1;
                }
            }
            if last_sample.elapsed() >= Duration::from_secs(1) {
                last_sample = Instant::now();
                if let Ok(depth) = self.queue_depth(&from.url).await {
                    d.remaining = Some(depth.visible);
                    moved_at_sample = d.moved;
                }
            }
            if let Some(rate) = opts.rate.filter(|r| *r > 0) {
                let due = Duration::from_secs_f64(processed as f64 / f64::from(rate));
                if let Some(wait) = due.checked_sub(started.elapsed()) {
                    tokio::time::sleep(wait).await;
                }
            }
        }
        let held: Vec<String> = d.hold.values().cloned().collect();
        if let Err(e) = self.release(&from.url, &held).await {
            tracing::warn!("releasing held messages of {}: {e}", from.name);
        }
        let not_found = selected
            .map(|s| {
                let mut v: Vec<String> = s
                    .into_iter()
                    .filter(|id| !d.done.contains(*id) && !d.failed.contains_key(*id))
                    .map(ToString::to_string)
                    .collect();
                v.sort();
                v
            })
            .unwrap_or_default();
        Ok((d, not_found))
    }

    /// Delivers a batch to the sink; one result per message, in order.
    async fn deliver<'m>(
        &self,
        sink: &Sink<'_>,
        batch: &'m [Message],
    ) -> Vec<(&'m Message, Result<(), String>)> {
        if batch.is_empty() {
            return Vec::new();
        }
        match sink {
            Sink::Delete => batch.iter().map(|m| (m, Ok(()))).collect(),
            Sink::Queue(to) => self.send_batch(to, batch).await,
            Sink::Function {
                name,
                qualifier,
                payload,
            } => {
                let calls = batch.iter().map(|m| async move {
                    let body = m.body().unwrap_or_default();
                    let result = match payload.extract(body) {
                        Ok(p) => self.invoke_event(name, *qualifier, p).await,
                        Err(e) => Err(e),
                    };
                    (m, result)
                });
                futures::future::join_all(calls).await
            }
        }
    }

    async fn invoke_event(
        &self,
        function: &str,
        qualifier: Option<&str>,
        payload: String,
    ) -> Result<(), String> {
        let out = self
            .lambda
            .invoke()
            .function_name(function)
            .set_qualifier(qualifier.map(ToString::to_string))
            .invocation_type(InvocationType::Event)
            .payload(aws_smithy_types::Blob::new(payload.into_bytes()))
            .send()
            .await
            .map_err(|e| classify(&e, "Invoke", &self.profile).to_string())?;
        if out.status_code() == 202 {
            Ok(())
        } else {
            Err(format!(
                "Invoke answered {} instead of 202 (accepted)",
                out.status_code()
            ))
        }
    }

    fn send_entry(
        to: &QueueRef,
        m: &Message,
        id: usize,
    ) -> Result<SendMessageBatchRequestEntry, String> {
        let mut entry = SendMessageBatchRequestEntry::builder()
            .id(id.to_string())
            .message_body(m.body().unwrap_or_default())
            .set_message_attributes(m.message_attributes().cloned().filter(|a| !a.is_empty()));
        if to.fifo {
            let group = m
                .attributes()
                .and_then(|a| a.get(&MessageSystemAttributeName::MessageGroupId))
                .cloned()
                .unwrap_or_else(|| "lambdash-redrive".to_string());
            // Deterministic, so a redrive re-run within SQS's 5-minute window does not duplicate.
            entry = entry
                .message_group_id(group)
                .message_deduplication_id(m.message_id().unwrap_or_default());
        }
        entry.build().map_err(|e| e.to_string())
    }

    /// SendMessageBatch; a batch too large for one request is sent message by message.
    async fn send_batch<'m>(
        &self,
        to: &QueueRef,
        batch: &'m [Message],
    ) -> Vec<(&'m Message, Result<(), String>)> {
        let mut results: Vec<(&Message, Result<(), String>)> = Vec::new();
        let mut entries = Vec::new();
        let mut index = HashMap::new();
        for (i, m) in batch.iter().enumerate() {
            match Self::send_entry(to, m, i) {
                Ok(e) => {
                    index.insert(i.to_string(), m);
                    entries.push(e);
                }
                Err(e) => results.push((m, Err(e))),
            }
        }
        if entries.is_empty() {
            return results;
        }
        match self
            .sqs
            .send_message_batch()
            .queue_url(&to.url)
            .set_entries(Some(entries.clone()))
            .send()
            .await
        {
            Ok(out) => {
                for s in out.successful() {
                    if let Some(m) = index.remove(s.id()) {
                        results.push((m, Ok(())));
                    }
                }
                for f in out.failed() {
                    if let Some(m) = index.remove(f.id()) {
                        results.push((
                            m,
                            Err(format!(
                                "SendMessageBatch: {}: {}",
                                f.code(),
                                f.message().unwrap_or_default()
                            )),
                        ));
                    }
                }
                // An entry SQS did not mention was not sent.
                for (_, m) in index {
                    results.push((m, Err("SendMessageBatch: no answer for this entry".into())));
                }
            }
            Err(e) => {
                let err = classify(&e, "SendMessageBatch", &self.profile);
                let too_long = matches!(&err, AwsError::Service { code, .. } if code.contains("BatchRequestTooLong"));
                for entry in entries {
                    let Some(m) = index.remove(entry.id()) else {
                        continue;
                    };
                    let result = if too_long {
                        self.sqs
                            .send_message()
                            .queue_url(&to.url)
                            .message_body(entry.message_body())
                            .set_message_attributes(entry.message_attributes().cloned())
                            .set_message_group_id(entry.message_group_id().map(ToString::to_string))
                            .set_message_deduplication_id(
                                entry.message_deduplication_id().map(ToString::to_string),
                            )
                            .send()
                            .await
                            .map(|_| ())
                            .map_err(|e| classify(&e, "SendMessage", &self.profile).to_string())
                    } else {
                        Err(err.to_string())
                    };
                    results.push((m, result));
                }
            }
        }
        results
    }

    /// DeleteMessageBatch of (id, receipt handle) pairs; one result per id.
    async fn delete_batch(
        &self,
        url: &str,
        messages: &[(String, String)],
    ) -> Vec<(String, Result<(), String>)> {
        let mut results = Vec::new();
        for chunk in messages.chunks(10) {
            let entries: Vec<_> = chunk
                .iter()
                .enumerate()
                .filter_map(|(i, (_, h))| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(h)
                        .build()
                        .ok()
                })
                .collect();
            match self
                .sqs
                .delete_message_batch()
                .queue_url(url)
                .set_entries(Some(entries))
                .send()
                .await
            {
                Ok(out) => {
                    let failed: HashMap<&str, String> = out
                        .failed()
                        .iter()
                        .map(|f| {
                            (
                                f.id(),
                                format!("{}: {}", f.code(), f.message().unwrap_or_default()),
                            )
                        })
                        .collect();
                    let ok: HashSet<&str> = out
                        .successful()
                        .iter()
                        .map(aws_sdk_sqs::types::DeleteMessageBatchResultEntry::id)
                        .collect();
                    for (i, (id, _)) in chunk.iter().enumerate() {
                        let key = i.to_string();
                        let result = if ok.contains(key.as_str()) {
                            Ok(())
                        } else {
                            Err(failed
                                .get(key.as_str())
                                .cloned()
                                .unwrap_or_else(|| "no answer for this entry".into()))
                        };
                        results.push((id.clone(), result));
                    }
                }
                Err(e) => {
                    let err = classify(&e, "DeleteMessageBatch", &self.profile).to_string();
                    results.extend(chunk.iter().map(|(id, _)| (id.clone(), Err(err.clone()))));
                }
            }
        }
        results
    }
}
