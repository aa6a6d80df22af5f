//! Delivering a received batch (SendMessageBatch to a queue, async Invoke of a function) and deleting
//! what was delivered (DeleteMessageBatch): one result per message, so a failure is reported by id.

use super::drain::Sink;
#[allow(clippy::wildcard_imports)]
use super::*;

impl Clients {
    /// Delivers a batch to the sink; one result per message, in order.
    pub(super) async fn deliver<'m>(
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
    pub(super) async fn delete_batch(
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
