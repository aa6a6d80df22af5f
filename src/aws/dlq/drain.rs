//! The receive → deliver → delete loop shared by manual moves, re-invokes and deletes: a message is
//! deleted only after its copy was accepted.
//!
//! Several workers ([`DrainOptions::workers`]) run the loop side by side on one shared state: SQS has
//! no practical request quota, so a batch's round trips (receive, send, delete) are the limit, and
//! workers overlap them. The rate cap ([`DrainOptions::rate`]) is shared: a worker reserves its batch
//! before it receives and waits until the reservation is due. Locks are never held across a request.

use std::sync::{Mutex, MutexGuard, PoisonError};

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

/// When to stop, when to sample the depth, and the pacing: what the workers share besides the results.
struct Control {
    /// Consecutive empty receives, across workers.
    empties: u32,
    /// Depth checks that found messages the receives did not.
    rechecks: u32,
    last_sample: Instant,
    moved_at_sample: u64,
    /// Messages received, or about to be, for the rate cap.
    reserved: u64,
    stop: bool,
}

/// One drain: its inputs and the state its workers share.
struct Run<'a, F> {
    from: &'a QueueRef,
    sink: &'a Sink<'a>,
    selected: Option<HashSet<&'a str>>,
    opts: &'a DrainOptions,
    visibility: Duration,
    workers: u32,
    /// The rate cap's clock (tokio's, so a test with a paused clock sees the pacing).
    started: tokio::time::Instant,
    state: Mutex<(Drain, Control)>,
    progress: Mutex<&'a mut F>,
}

impl<F> Run<'_, F>
where
    F: FnMut(&RedriveProgress) -> ControlFlow<()> + Send,
{
    fn lock(&self) -> MutexGuard<'_, (Drain, Control)> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Reports progress and says whether to go on: not stopped, not cancelled, selection not complete.
    fn next_turn(&self) -> bool {
        let report = {
            let (d, c) = &mut *self.lock();
            if let Some(sel) = &self.selected
                && sel
                    .iter()
                    .all(|id| d.done.contains(*id) || d.failed.contains_key(*id))
            {
                c.stop = true;
            }
            if c.stop {
                return false;
            }
            RedriveProgress {
                moved: d.moved,
                failed: d.failed.len() as u64,
                // Between samples, what was visible minus what moved since.
                remaining: d
                    .remaining
                    .map(|r| r.saturating_sub(d.moved - c.moved_at_sample)),
                note: None,
            }
        };
        let flow = {
            let mut progress = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
            (*progress)(&report)
        };
        if flow.is_break() {
            let (d, c) = &mut *self.lock();
            d.cancelled = true;
            c.stop = true;
            return false;
        }
        true
    }

    fn stop_with(&self, error: String) {
        let (d, c) = &mut *self.lock();
        d.stopped_by.get_or_insert(error);
        c.stop = true;
    }

    /// Messages per receive: ten, or fewer under a lower rate cap.
    fn batch_max(&self) -> u32 {
        self.opts.rate.map_or(10, |r| r.clamp(1, 10))
    }

    /// Reserves `n` messages of the rate cap and waits until they are due.
    async fn pace(&self, n: u32) {
        let Some(rate) = self.opts.rate.filter(|r| *r > 0) else {
            return;
        };
        let before = {
            let (_, c) = &mut *self.lock();
            let before = c.reserved;
            c.reserved += u64::from(n);
            before
        };
        let due = Duration::from_secs_f64(before as f64 / f64::from(rate));
        if let Some(wait) = due.checked_sub(self.started.elapsed()) {
            tokio::time::sleep(wait).await;
        }
    }

    /// Gives back reserved messages that were not delivered.
    fn unreserve(&self, n: usize) {
        let (_, c) = &mut *self.lock();
        c.reserved = c.reserved.saturating_sub(n as u64);
    }

    /// Counts an empty receive; true when enough came in a row to check the depth.
    fn empty_receive(&self) -> bool {
        let (_, c) = &mut *self.lock();
        c.empties += 1;
        // Scaled by the workers, so the queue is given as long to show a message as with one.
        if c.empties >= self.opts.empty_receives.max(1) * self.workers {
            c.empties = 0;
            true
        } else {
            false
        }
    }

    fn after_depth_check(&self, depth: Result<QueueDepth, AwsError>) {
        let (d, c) = &mut *self.lock();
        match depth {
            Ok(depth) if depth.visible == 0 => {
                d.remaining = Some(0);
                c.stop = true;
            }
            Ok(depth) => {
                d.remaining = Some(depth.visible);
                c.moved_at_sample = d.moved;
                c.rechecks += 1;
                if c.rechecks > 5 {
                    d.stopped_by.get_or_insert(format!(
                        "the queue reports {} visible message(s) but receives stay empty",
                        depth.visible
                    ));
                    c.stop = true;
                }
            }
            Err(e) => {
                d.stopped_by.get_or_insert(e.to_string());
                c.stop = true;
            }
        }
    }

    /// Splits a received batch: to deliver, to delete without delivering (already delivered), to hold
    /// (not selected).
    fn sort(&self, batch: Vec<Message>) -> (Vec<Message>, Vec<(String, String)>) {
        let (d, c) = &mut *self.lock();
        c.empties = 0;
        let mut to_deliver = Vec::new();
        let mut to_delete = Vec::new();
        for m in batch {
            let id = m.message_id().unwrap_or_default().to_string();
            let handle = m.receipt_handle().unwrap_or_default().to_string();
            if d.sent_not_deleted.contains(&id) || d.done.contains(&id) {
                // Already delivered: delete without delivering twice.
                to_delete.push((id, handle));
            } else if self
                .selected
                .as_ref()
                .is_some_and(|s| !s.contains(id.as_str()))
            {
                d.hold.insert(id, handle);
            } else {
                to_deliver.push(m);
            }
        }
        (to_deliver, to_delete)
    }

    /// Records the delivery results; what was accepted joins `to_delete`, what failed is held.
    fn delivered(
        &self,
        results: Vec<(&Message, Result<(), String>)>,
        to_delete: &mut Vec<(String, String)>,
    ) {
        let (d, _) = &mut *self.lock();
        for (m, result) in results {
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
    }

    /// Records the delete results: a message counts as moved once it is deleted.
    fn deleted(&self, results: Vec<(String, Result<(), String>)>) {
        let (d, _) = &mut *self.lock();
        for (id, result) in results {
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
    }

    /// True once a second: time to read the queue's depth again.
    fn sample_due(&self) -> bool {
        let (_, c) = &mut *self.lock();
        if c.last_sample.elapsed() >= Duration::from_secs(1) {
            c.last_sample = Instant::now();
            true
        } else {
            false
        }
    }

    fn sampled(&self, depth: QueueDepth) {
        let (d, c) = &mut *self.lock();
        d.remaining = Some(depth.visible);
        c.moved_at_sample = d.moved;
    }
}

impl Clients {
    /// The receive → deliver → delete loop shared by manual moves, re-invokes and deletes, run by
    /// [`DrainOptions::workers`] workers. Returns the state and the selected ids never seen.
    pub(super) async fn drain(
        &self,
        from: &QueueRef,
        sink: &Sink<'_>,
        selected: Option<&[String]>,
        opts: &DrainOptions,
        progress: &mut (impl FnMut(&RedriveProgress) -> ControlFlow<()> + Send),
    ) -> Result<(Drain, Vec<String>), AwsError> {
        let visible = self.queue_depth(&from.url).await?.visible;
        let run = Run {
            from,
            sink,
            selected: selected.map(|s| s.iter().map(String::as_str).collect()),
            opts,
            visibility: opts.visibility.max(Duration::from_secs(30)),
            workers: opts.workers.max(1),
            started: tokio::time::Instant::now(),
            state: Mutex::new((
                Drain {
                    remaining: Some(visible),
                    ..Drain::default()
                },
                Control {
                    empties: 0,
                    rechecks: 0,
                    last_sample: Instant::now(),
                    moved_at_sample: 0,
                    reserved: 0,
                    stop: false,
                },
            )),
            progress: Mutex::new(progress),
        };
        futures::future::join_all((0..run.workers).map(|_| self.drain_worker(&run))).await;
        let selected = run.selected.clone();
        let (d, _) = run
            .state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
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

    /// One worker: receive a batch, deliver it, delete what was delivered, until the run stops.
    async fn drain_worker<F>(&self, run: &Run<'_, F>)
    where
        F: FnMut(&RedriveProgress) -> ControlFlow<()> + Send,
    {
        while run.next_turn() {
            let max = run.batch_max();
            run.pace(max).await;
            let batch = match self
                .receive(&run.from.url, max as i32, run.opts.wait, run.visibility)
                .await
            {
                Ok(b) => b,
                Err(e) => {
                    run.unreserve(max as usize);
                    run.stop_with(e.to_string());
                    break;
                }
            };
            if batch.is_empty() {
                run.unreserve(max as usize);
                if run.empty_receive() {
                    run.after_depth_check(self.queue_depth(&run.from.url).await);
                }
                continue;
            }
            let (to_deliver, mut to_delete) = run.sort(batch);
            run.unreserve((max as usize).saturating_sub(to_deliver.len()));
            let results = self.deliver(run.sink, &to_deliver).await;
            run.delivered(results, &mut to_delete);
            run.deleted(self.delete_batch(&run.from.url, &to_delete).await);
            if run.sample_due()
                && let Ok(depth) = self.queue_depth(&run.from.url).await
            {
                run.sampled(depth);
            }
        }
    }
}
