//! Manual DLQ moves against an in-memory SQS (driven by `aws-smithy-mocks`, answers computed from the
//! requests): batches with partial failures in SendMessageBatch and DeleteMessageBatch, several workers,
//! the rate cap, and a move to a named queue with ListDeadLetterSourceQueues denied or unknown.
#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_sqs::operation::change_message_visibility_batch::ChangeMessageVisibilityBatchOutput;
use aws_sdk_sqs::operation::delete_message_batch::DeleteMessageBatchOutput;
use aws_sdk_sqs::operation::get_queue_attributes::GetQueueAttributesOutput;
use aws_sdk_sqs::operation::receive_message::ReceiveMessageOutput;
use aws_sdk_sqs::operation::send_message_batch::SendMessageBatchOutput;
use aws_sdk_sqs::types::{
    BatchResultErrorEntry, ChangeMessageVisibilityBatchResultEntry, DeleteMessageBatchResultEntry,
    Message, QueueAttributeName, SendMessageBatchResultEntry,
};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use lambdash::aws::dlq::DrainOptions;
use lambdash::aws::{ApiCounter, Clients};
use lambdash::domain::dlq::{QueueRef, RedrivePath, RedrivePlan, RedriveTarget};

const ACCOUNT: &str = "123456789012";

fn queue(name: &str) -> QueueRef {
    QueueRef {
        url: format!("https://sqs.eu-west-1.amazonaws.com/{ACCOUNT}/{name}"),
        arn: format!("arn:aws:sqs:eu-west-1:{ACCOUNT}:{name}"),
        name: name.to_string(),
        fifo: false,
    }
}

struct Stored {
    id: String,
    body: String,
    visible: bool,
    receipt: String,
}

/// Two queues: the DLQ (`big-dlq`) and the destination (`big-src`). Sends of a body in `fail_send`
/// and deletes of a body in `fail_delete` fail entry by entry, as SQS reports them.
#[derive(Default)]
struct Fake {
    dlq: Vec<Stored>,
    dest: Vec<String>,
    deleted: Vec<String>,
    fail_send: HashSet<String>,
    fail_delete: HashSet<String>,
    receipts: u64,
    /// Every DeleteMessageBatch entry asked for, by message id.
    delete_asked: Vec<String>,
    /// A failed delete fails once, and the message becomes visible again at once (as if its
    /// visibility timeout ran out).
    reappear: bool,
}

type Shared = Arc<Mutex<Fake>>;

impl Fake {
    fn with_messages(n: usize) -> Self {
        Self {
            dlq: (0..n)
                .map(|i| Stored {
                    id: format!("m{i}"),
                    body: format!("body-{i}"),
                    visible: true,
                    receipt: String::new(),
                })
                .collect(),
            ..Self::default()
        }
    }

    fn receive(&mut self, max: usize) -> ReceiveMessageOutput {
        let mut out = ReceiveMessageOutput::builder();
        for m in self.dlq.iter_mut().filter(|m| m.visible).take(max) {
            self.receipts += 1;
            m.receipt = format!("{}#{}", m.id, self.receipts);
            m.visible = false;
            out = out.messages(
                Message::builder()
                    .message_id(&m.id)
                    .receipt_handle(&m.receipt)
                    .body(&m.body)
                    .build(),
            );
        }
        out.build()
    }

    /// DeleteMessageBatch on the fake DLQ: a failed delete (by body) stays, and with `reappear`
    /// becomes visible again once.
    fn delete_batch(
        &mut self,
        entries: &[aws_sdk_sqs::types::DeleteMessageBatchRequestEntry],
    ) -> DeleteMessageBatchOutput {
        let mut out = DeleteMessageBatchOutput::builder().set_failed(Some(Vec::new()));
        for e in entries {
            let Some(pos) = self
                .dlq
                .iter()
                .position(|m| m.receipt == e.receipt_handle())
            else {
                out = out.failed(Fake::error(e.id(), "ReceiptHandleIsInvalid"));
                continue;
            };
            let id = self.dlq[pos].id.clone();
            self.delete_asked.push(id.clone());
            let body = self.dlq[pos].body.clone();
            if self.fail_delete.contains(&body) {
                if self.reappear {
                    self.fail_delete.remove(&body);
                    self.dlq[pos].visible = true;
                }
                out = out.failed(Fake::error(e.id(), "InternalError"));
            } else {
                self.dlq.remove(pos);
                self.deleted.push(id);
                out = out.successful(
                    DeleteMessageBatchResultEntry::builder()
                        .id(e.id())
                        .build()
                        .unwrap(),
                );
            }
        }
        out.build().unwrap()
    }

    fn error(id: &str, code: &str) -> BatchResultErrorEntry {
        BatchResultErrorEntry::builder()
            .id(id)
            .code(code)
            .sender_fault(false)
            .message("injected")
            .build()
            .unwrap()
    }
}

fn rules(fake: &Shared) -> Vec<Rule> {
    let dlq_url = queue("big-dlq").url;
    let f = fake.clone();
    let receive = mock!(aws_sdk_sqs::Client::receive_message).then_compute_output(move |r| {
        let max = r.max_number_of_messages().unwrap_or(1) as usize;
        f.lock().unwrap().receive(max)
    });
    let f = fake.clone();
    let send = mock!(aws_sdk_sqs::Client::send_message_batch).then_compute_output(move |r| {
        let mut fake = f.lock().unwrap();
        let mut out = SendMessageBatchOutput::builder().set_failed(Some(Vec::new()));
        for e in r.entries() {
            if fake.fail_send.contains(e.message_body()) {
                out = out.failed(Fake::error(e.id(), "InternalError"));
            } else {
                fake.dest.push(e.message_body().to_string());
                out = out.successful(
                    SendMessageBatchResultEntry::builder()
                        .id(e.id())
                        .message_id(format!("new-{}", e.id()))
                        .md5_of_message_body("x")
                        .build()
                        .unwrap(),
                );
            }
        }
        out.build().unwrap()
    });
    let f = fake.clone();
    let delete = mock!(aws_sdk_sqs::Client::delete_message_batch)
        .then_compute_output(move |r| f.lock().unwrap().delete_batch(r.entries()));
    let f = fake.clone();
    let release =
        mock!(aws_sdk_sqs::Client::change_message_visibility_batch).then_compute_output(move |r| {
            let mut fake = f.lock().unwrap();
            let mut out =
                ChangeMessageVisibilityBatchOutput::builder().set_failed(Some(Vec::new()));
            for e in r.entries() {
                if let Some(m) = fake
                    .dlq
                    .iter_mut()
                    .find(|m| m.receipt == e.receipt_handle())
                {
                    m.visible = true;
                }
                out = out.successful(
                    ChangeMessageVisibilityBatchResultEntry::builder()
                        .id(e.id())
                        .build()
                        .unwrap(),
                );
            }
            out.build().unwrap()
        });
    let f = fake.clone();
    let attrs = mock!(aws_sdk_sqs::Client::get_queue_attributes).then_compute_output(move |r| {
        let fake = f.lock().unwrap();
        let (visible, hidden) = if r.queue_url() == Some(dlq_url.as_str()) {
            let visible = fake.dlq.iter().filter(|m| m.visible).count();
            (visible, fake.dlq.len() - visible)
        } else {
            (fake.dest.len(), 0)
        };
        GetQueueAttributesOutput::builder()
            .set_attributes(Some(HashMap::from([
                (
                    QueueAttributeName::ApproximateNumberOfMessages,
                    visible.to_string(),
                ),
                (
                    QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
                    hidden.to_string(),
                ),
                (
                    QueueAttributeName::ApproximateNumberOfMessagesDelayed,
                    "0".to_string(),
                ),
            ])))
            .build()
    });
    vec![receive, send, delete, release, attrs]
}

/// An SQS error answer as the JSON protocol carries it (HTTP 400, `__type`).
fn sqs_error(code: &'static str, message: &'static str) -> HttpResponse {
    let body = format!(r#"{{"__type":"{code}","message":"{message}"}}"#);
    let mut response = HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body));
    response
        .headers_mut()
        .insert("content-type", "application/x-amz-json-1.0");
    response
}

fn clients(sqs: &[&Rule]) -> Clients {
    use aws_config::retry::RetryConfig;
    let region = aws_config::Region::new("eu-west-1");
    let conf = || {
        aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(region.clone())
            .build()
    };
    Clients {
        lambda: aws_sdk_lambda::Client::new(&conf()),
        logs: aws_sdk_cloudwatchlogs::Client::new(&conf()),
        cloudwatch: aws_sdk_cloudwatch::Client::new(&conf()),
        codedeploy: aws_sdk_codedeploy::Client::new(&conf()),
        sqs: mock_client!(aws_sdk_sqs, RuleMode::MatchAny, sqs, |c| c
            .retry_config(RetryConfig::disabled())),
        sts: aws_sdk_sts::Client::new(&conf()),
        calls: ApiCounter::default(),
        scheduler: lambdash::aws::scheduler::Scheduler::default(),
        profile: "default".to_string(),
        region: "eu-west-1".to_string(),
        endpoint_url: None,
        read_only: false,
    }
}

fn move_plan(visible: u64, rate: Option<u32>) -> RedrivePlan {
    RedrivePlan {
        from: queue("big-dlq"),
        path: RedrivePath::ManualMove {
            to: queue("big-src"),
        },
        selected: None,
        rate,
        visible,
        in_flight: 0,
        notes: Vec::new(),
    }
}

fn fast() -> DrainOptions {
    DrainOptions {
        wait: Duration::ZERO,
        ..DrainOptions::default()
    }
}

#[tokio::test]
async fn batched_move_deletes_only_what_send_message_batch_confirmed() {
    let mut fake = Fake::with_messages(200);
    // Some sends fail (entry by entry), some deletes fail after a successful send.
    fake.fail_send = [3, 17, 18, 99, 150].map(|i| format!("body-{i}")).into();
    fake.fail_delete = [5, 42, 199].map(|i| format!("body-{i}")).into();
    let fake: Shared = Arc::new(Mutex::new(fake));
    let rules = rules(&fake);
    let c = clients(&rules.iter().collect::<Vec<_>>());
    let summary = c
        .redrive(
            &move_plan(200, None),
            &fast(),
            |_| ControlFlow::Continue(()),
        )
        .await
        .unwrap();
    let fake = fake.lock().unwrap();
    // Nothing was deleted, nor even asked to be, that the destination did not accept.
    let sent: HashSet<&str> = fake.dest.iter().map(String::as_str).collect();
    for id in &fake.delete_asked {
        let body = format!("body-{}", &id[1..]);
        assert!(sent.contains(body.as_str()), "{id} deleted but never sent");
    }
    // Failed sends: reported by id, still in the DLQ, visible again (released), not in the destination.
    let mut failed: Vec<&str> = summary
        .failed
        .iter()
        .map(|f| f.message_id.as_str())
        .collect();
    failed.sort_unstable();
    assert_eq!(failed, ["m150", "m17", "m18", "m3", "m99"]);
    assert!(
        summary
            .failed
            .iter()
            .all(|f| f.error.contains("InternalError"))
    );
    for id in failed {
        let m = fake.dlq.iter().find(|m| m.id == id).unwrap();
        assert!(m.visible, "{id} released for a later retry");
        assert!(!sent.contains(m.body.as_str()));
    }
    // Failed deletes: in both queues, counted as duplicates, never sent twice.
    assert_eq!(summary.duplicates, 3);
    for i in [5, 42, 199] {
        assert!(fake.dlq.iter().any(|m| m.id == format!("m{i}")));
        let copies = fake
            .dest
            .iter()
            .filter(|b| **b == format!("body-{i}"))
            .count();
        assert_eq!(copies, 1, "body-{i}");
    }
    // Everything else moved exactly once; nothing lost.
    assert_eq!(summary.moved, 200 - 5 - 3);
    assert_eq!(fake.dest.len(), 200 - 5);
    assert_eq!(
        fake.dest.iter().collect::<HashSet<_>>().len(),
        fake.dest.len()
    );
    for i in 0..200 {
        let body = format!("body-{i}");
        assert!(sent.contains(body.as_str()) || fake.dlq.iter().any(|m| m.body == body));
    }
    assert!(summary.stopped_by.is_none(), "{:?}", summary.stopped_by);
}

#[tokio::test]
async fn a_message_whose_delete_failed_is_deleted_without_a_second_send_when_seen_again() {
    let mut fake = Fake::with_messages(30);
    fake.fail_delete = HashSet::from(["body-7".to_string()]);
    fake.reappear = true;
    let fake: Shared = Arc::new(Mutex::new(fake));
    let rules = rules(&fake);
    let c = clients(&rules.iter().collect::<Vec<_>>());
    let summary = c
        .redrive(&move_plan(30, None), &fast(), |_| ControlFlow::Continue(()))
        .await
        .unwrap();
    let f = fake.lock().unwrap();
    assert_eq!(f.delete_asked.iter().filter(|id| *id == "m7").count(), 2);
    assert!(f.dlq.is_empty(), "deleted the second time");
    assert_eq!(
        f.dest.iter().filter(|b| *b == "body-7").count(),
        1,
        "sent once"
    );
    assert_eq!((summary.moved, summary.duplicates), (30, 0));
}

#[tokio::test(start_paused = true)]
async fn parallel_workers_keep_to_the_rate_cap() {
    let fake: Shared = Arc::new(Mutex::new(Fake::with_messages(200)));
    let rules = rules(&fake);
    let c = clients(&rules.iter().collect::<Vec<_>>());
    let started = tokio::time::Instant::now();
    let summary = c
        .redrive(&move_plan(200, Some(50)), &fast(), |_| {
            ControlFlow::Continue(())
        })
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(summary.moved, 200);
    // 200 messages at 50/s: the last batch of ten is due at 3.8 s.
    assert!(took >= Duration::from_millis(3800), "{took:?}");
    assert!(took < Duration::from_secs(6), "{took:?}");
}

#[tokio::test]
async fn cancelling_a_parallel_move_finishes_the_batches_in_hand_and_loses_nothing() {
    let fake: Shared = Arc::new(Mutex::new(Fake::with_messages(500)));
    let rules = rules(&fake);
    let c = clients(&rules.iter().collect::<Vec<_>>());
    let summary = c
        .redrive(&move_plan(500, None), &fast(), |p| {
            if p.moved >= 100 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .await
        .unwrap();
    assert!(summary.cancelled);
    let f = fake.lock().unwrap();
    assert!(
        summary.moved >= 100 && summary.moved < 500,
        "{}",
        summary.moved
    );
    assert_eq!(f.dest.len() as u64, summary.moved);
    assert_eq!(
        f.dlq.len() + f.dest.len(),
        500,
        "every message in one place"
    );
    assert!(f.dlq.iter().all(|m| m.visible), "nothing left hidden");
}

/// ListDeadLetterSourceQueues answers as AWS does for a role without `sqs:ListDeadLetterSourceQueues`
/// (`AccessDeniedException`, and the older query code `AccessDenied`), and as fauxqs does (it does
/// not implement it: `InvalidAction`).
#[tokio::test]
async fn a_move_to_a_named_queue_skips_a_denied_or_unknown_source_queue_discovery() {
    for (code, message) in [
        (
            "com.amazon.coral.service#AccessDeniedException",
            "User is not authorized to perform: sqs:listdeadlettersourcequeues",
        ),
        (
            "com.amazonaws.sqs#AccessDenied",
            "Access to the resource is denied.",
        ),
        (
            "com.amazonaws.sqs#InvalidAction",
            "Unknown action: ListDeadLetterSourceQueues",
        ),
    ] {
        let fake: Shared = Arc::new(Mutex::new(Fake::with_messages(25)));
        let denied = mock!(aws_sdk_sqs::Client::list_dead_letter_source_queues)
            .then_http_response(move || sqs_error(code, message));
        let mut rules = rules(&fake);
        rules.push(denied);
        let c = clients(&rules.iter().collect::<Vec<_>>());
        let from = queue("big-dlq");
        let short = code.rsplit('#').next().unwrap();

        let (sources, note) = c
            .sources_for(&from, Some(&RedriveTarget::Queue("big-src".into())))
            .await
            .unwrap();
        assert!(sources.is_empty());
        let note = note.unwrap();
        assert!(note.contains(short) && note.contains("skipped"), "{note}");

        // The move itself needs only the data plane.
        let mut plan = move_plan(25, None);
        plan.notes.push(note);
        assert!(
            plan.describe().contains("skipped"),
            "the confirm step says so"
        );
        let summary = c
            .redrive(&plan, &fast(), |_| ControlFlow::Continue(()))
            .await
            .unwrap();
        assert_eq!(summary.moved, 25, "{code}");
        assert_eq!(fake.lock().unwrap().dest.len(), 25);

        // A move back to "the source queue" needs the discovery: refused, saying what to do.
        let err = c
            .sources_for(&from, Some(&RedriveTarget::Source))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains(short) && err.contains("--to QUEUE"), "{err}");
        let err = c.sources_for(&from, None).await.unwrap_err().to_string();
        assert!(err.contains("--to QUEUE"), "{err}");
    }
}
