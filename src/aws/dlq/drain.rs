//! The receive → deliver → delete loop shared by manual moves, re-invokes and deletes: a message is
//! deleted only after its copy was accepted.

#[allow(clippy::wildcard_imports)]
use super::*;

/// What the receive loop does with each message it is meant to handle.
pub(super) enum Sink<'a> {
    Queue(&'a QueueRef),
    Function {
        name: &'a str,
        qualifier: Option<&'a str>,
        payload: PayloadSource,
    },
    Delete,
}

/// When the loop last looked at the queue's depth, and what it saw since.
#[derive(Default)]
struct Sampling {
    /// Empty receives in a row.
    empties: u32,
    /// Depth checks that found messages the receives did not return.
    rechecks: u32,
    /// `moved` when the depth was last sampled.
    moved_at_sample: u64,
}

/// The state of a receive loop, kept across batches.
#[derive(Default)]
pub(super) struct Drain {
    pub(super) moved: u64,
    pub(super) failed: BTreeMap<String, String>,
    /// Delivered, but the delete failed: in both queues. Deleted without a second delivery if seen again.
    pub(super) sent_not_deleted: HashSet<String>,
    /// Delivered and deleted.
    pub(super) done: HashSet<String>,
    /// Receipt handles of messages to release at the end (not selected, or failed).
    pub(super) hold: HashMap<String, String>,
    pub(super) remaining: Option<u64>,
    pub(super) cancelled: bool,
    pub(super) stopped_by: Option<String>,
}

impl Clients {
    /// The receive → deliver → delete loop shared by manual moves, re-invokes and deletes.
    /// Returns the state and the selected ids never seen.
    pub(super) async fn drain(
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
        let mut sampling = Sampling::default();
        let mut last_sample = Instant::now();
        loop {
            let report = RedriveProgress {
                moved: d.moved,
                failed: d.failed.len() as u64,
                // Between samples, what was visible minus what moved since.
                remaining: d
                    .remaining
                    .map(|r| r.saturating_sub(d.moved - sampling.moved_at_sample)),
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
                if self
                    .after_empty_receive(from, opts, &mut d, &mut sampling)
                    .await
                    .is_break()
                {
                    break;
                }
                continue;
            }
            sampling.empties = 0;
            processed += self
                .move_batch(from, sink, selected.as_ref(), &mut d, batch)
                .await;
            if last_sample.elapsed() >= Duration::from_secs(1) {
                last_sample = Instant::now();
                if let Ok(depth) = self.queue_depth(&from.url).await {
                    d.remaining = Some(depth.visible);
                    sampling.moved_at_sample = d.moved;
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

    /// One received batch: a message already delivered is only deleted, one not selected is held,
    /// the rest are delivered and (once accepted) deleted. Returns how many were delivered.
    async fn move_batch(
        &self,
        from: &QueueRef,
        sink: &Sink<'_>,
        selected: Option<&HashSet<&str>>,
        d: &mut Drain,
        batch: Vec<Message>,
    ) -> u64 {
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
        let delivering = to_deliver.len() as u64;
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
        delivering
    }

    /// An empty receive: after `opts.empty_receives` of them in a row, the queue's depth says
    /// whether it is drained. `Break` ends the loop (drained, or stuck, or the depth failed).
    async fn after_empty_receive(
        &self,
        from: &QueueRef,
        opts: &DrainOptions,
        d: &mut Drain,
        sampling: &mut Sampling,
    ) -> ControlFlow<()> {
        sampling.empties += 1;
        if sampling.empties < opts.empty_receives {
            return ControlFlow::Continue(());
        }
        match self.queue_depth(&from.url).await {
            Ok(depth) if depth.visible == 0 => {
                d.remaining = Some(0);
                ControlFlow::Break(())
            }
            Ok(depth) => {
                d.remaining = Some(depth.visible);
                sampling.moved_at_sample = d.moved;
                sampling.empties = 0;
                sampling.rechecks += 1;
                if sampling.rechecks > 5 {
                    d.stopped_by = Some(format!(
                        "the queue reports {} visible message(s) but receives stay empty",
                        depth.visible
                    ));
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            }
            Err(e) => {
                d.stopped_by = Some(e.to_string());
                ControlFlow::Break(())
            }
        }
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
