//! Redrive: the three paths (move task, manual move, re-invoke), move-task control, the summary.

use super::drain::{Drain, Sink};
#[allow(clippy::wildcard_imports)]
use super::*;

impl Clients {
    /// The source queues of `dlq` for a redrive to `target` (`None`: the default, back to the
    /// source). A failed ListDeadLetterSourceQueues that the redrive does not need (a move to a named
    /// queue; a re-invoke when the call is denied or unknown) is skipped: no sources, and the note to
    /// show. Otherwise the failure says what to do instead.
    pub async fn sources_for(
        &self,
        dlq: &QueueRef,
        target: Option<&RedriveTarget>,
    ) -> Result<(Vec<QueueRef>, Option<String>), PlanError> {
        match self.source_queues(&dlq.url).await {
            Ok(sources) => Ok((sources, None)),
            Err(e) => {
                let failure = if e.is_denied() || e.is_unsupported() {
                    SourcesFailure::DeniedOrUnknown
                } else {
                    SourcesFailure::Other
                };
                let target = target.unwrap_or(&RedriveTarget::Source);
                let note = without_sources(target, &dlq.name, &e.to_string(), failure)?;
                tracing::warn!("{note}");
                Ok((Vec::new(), Some(note)))
            }
        }
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
}
