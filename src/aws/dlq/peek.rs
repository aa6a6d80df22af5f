//! Peek (receive and release at once), delete chosen messages, purge.

use super::drain::Sink;
#[allow(clippy::wildcard_imports)]
use super::*;
use crate::domain::dlq::ReceiveLimit;

impl Clients {
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
        // Read after the receive, so an unreadable policy never stops the peek (it is only shown).
        let receive_limit = self.receive_limit(queue_url).await.ok().flatten();
        Ok(Peek {
            messages,
            release_error,
            receive_limit,
        })
    }

    /// The queue's own `RedrivePolicy`: after how many receives SQS moves a message, and where.
    pub async fn receive_limit(&self, queue_url: &str) -> Result<Option<ReceiveLimit>, AwsError> {
        let out = self
            .sqs
            .get_queue_attributes()
            .queue_url(queue_url)
            .attribute_names(QueueAttributeName::RedrivePolicy)
            .send()
            .await
            .map_err(self.sqs_err("GetQueueAttributes"))?;
        Ok(out
            .attributes()
            .and_then(|a| a.get(&QueueAttributeName::RedrivePolicy))
            .and_then(|p| ReceiveLimit::from_policy(p)))
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
}
