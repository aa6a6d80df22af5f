//! The request scheduler: every AWS call lambdash makes waits here for a token of its quota group
//! before it is sent (the HTTP connector in [`connector`] asks), so pollers, one-shot fetches, writes,
//! headless subcommands and the SDK's retries all share one budget per (scope, quota group).
//!
//! - **Budget.** A token bucket per (scope, [`QuotaGroup`]) at lambdash's share of AWS's published
//!   rate ([`QuotaConfig`], a third by default). Scope is `profile-or-endpoint/region`.
//! - **Priorities.** A waiting [`Priority::User`] request is served before `Visible`, before
//!   `Background`; first come first served within a priority. The caller sets the priority with
//!   [`with_priority`] around its future (a tokio task-local); unset, it is the scheduler's default
//!   (`Visible` in the TUI, `User` for headless subcommands).
//! - **Cancellation.** A waiter is a future: dropping it (a pane closed, its task aborted) takes it out
//!   of the queue and hands the turn to the next one. Tokens are taken only by the waiter at the head
//!   of the queue, in the same critical section that removes it, so none is ever lost.
//! - **AIMD.** A throttle response halves the group's rate; it recovers slowly ([`bucket`]).
//!
//! Hand-written rather than `governor`: governor's GCRA has neither priorities nor a rate that
//! changes at run time.

pub mod bucket;
pub mod config;
pub mod connector;
pub mod groups;
pub mod repair;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::domain::quota::{GroupUsage, QuotaSnapshot};
pub use crate::domain::quota::{Priority, QuotaGroup};
use bucket::Bucket;
pub use config::{Limit, QuotaConfig};
pub use connector::{OperationTag, ScheduledHttpClient, StampOperation};

tokio::task_local! {
    static PRIORITY: Priority;
}

/// Runs `fut` with every AWS request it makes queued at `priority`.
pub async fn with_priority<F: Future>(priority: Priority, fut: F) -> F::Output {
    PRIORITY.scope(priority, fut).await
}

/// The priority set by the nearest [`with_priority`], if any.
pub fn current_priority() -> Option<Priority> {
    PRIORITY.try_with(|p| *p).ok()
}

type Key = (String, QuotaGroup);
type WaiterId = (usize, u64);

struct Entry {
    bucket: Bucket,
    /// Waiting requests by (priority rank, arrival): the first is served next.
    waiters: BTreeMap<WaiterId, Arc<Notify>>,
}

struct Inner {
    config: QuotaConfig,
    default_priority: Priority,
    entries: Mutex<HashMap<Key, Entry>>,
    arrivals: AtomicU64,
    /// Answers repaired before the SDK parsed them, per operation ([`repair`]).
    repaired: Mutex<BTreeMap<String, u64>>,
}

/// The scheduler; clones share it.
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("config", &self.inner.config)
            .field("default_priority", &self.inner.default_priority)
            .finish_non_exhaustive()
    }
}

impl Default for Scheduler {
    fn default() -> Self {
        Self::new(QuotaConfig::default())
    }
}

enum Step {
    Granted,
    Wait,
    Sleep(std::time::Duration),
}

/// A place in a queue; dropping it before it is granted leaves the queue and wakes the next waiter.
struct Ticket<'a> {
    scheduler: &'a Scheduler,
    key: &'a Key,
    id: Option<WaiterId>,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            let mut entries = self.scheduler.lock();
            if let Some(entry) = entries.get_mut(self.key) {
                let was_head = entry.waiters.first_key_value().map(|(k, _)| *k) == Some(id);
                entry.waiters.remove(&id);
                if was_head && let Some((_, next)) = entry.waiters.first_key_value() {
                    next.notify_one();
                }
            }
        }
    }
}

impl Scheduler {
    /// A scheduler whose untagged requests are `Visible` (the TUI).
    pub fn new(config: QuotaConfig) -> Self {
        Self::with_default_priority(config, Priority::Visible)
    }

    /// A scheduler whose requests made outside any [`with_priority`] have `priority` (headless
    /// subcommands: `User`).
    pub fn with_default_priority(config: QuotaConfig, priority: Priority) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                default_priority: priority,
                entries: Mutex::new(HashMap::new()),
                arrivals: AtomicU64::new(0),
                repaired: Mutex::new(BTreeMap::new()),
            }),
        }
    }

    pub fn config(&self) -> &QuotaConfig {
        &self.inner.config
    }

    /// The priority of the calling task: its [`with_priority`], else the default.
    pub fn priority_here(&self) -> Priority {
        current_priority().unwrap_or(self.inner.default_priority)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Entry>> {
        self.inner
            .entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn entry<'m>(
        &self,
        entries: &'m mut HashMap<Key, Entry>,
        key: &Key,
        now: Instant,
    ) -> &'m mut Entry {
        entries.entry(key.clone()).or_insert_with(|| Entry {
            bucket: Bucket::new(self.inner.config.allowed_rps(key.1), now),
            waiters: BTreeMap::new(),
        })
    }

    /// Waits for a token of `group` in `scope` at `priority`. Cancel-safe: dropping the future
    /// leaves the queue without taking a token.
    pub async fn acquire(&self, scope: &str, group: QuotaGroup, priority: Priority) {
        let key: Key = (scope.to_owned(), group);
        let (id, notify) = {
            let mut entries = self.lock();
            let entry = self.entry(&mut entries, &key, Instant::now());
            if entry.waiters.is_empty() && entry.bucket.try_take(Instant::now()).is_ok() {
                return;
            }
            let id = (
                priority.rank(),
                self.inner.arrivals.fetch_add(1, Ordering::Relaxed),
            );
            let notify = Arc::new(Notify::new());
            entry.waiters.insert(id, notify.clone());
            (id, notify)
        };
        let mut ticket = Ticket {
            scheduler: self,
            key: &key,
            id: Some(id),
        };
        loop {
            match self.step(&key, id) {
                Step::Granted => {
                    ticket.id = None;
                    return;
                }
                Step::Wait => notify.notified().await,
                Step::Sleep(delay) => {
                    tokio::select! {
                        () = tokio::time::sleep(delay) => {}
                        () = notify.notified() => {}
                    }
                }
            }
        }
    }

    /// One look at the queue: the head takes a token if there is one (and wakes the next waiter).
    fn step(&self, key: &Key, id: WaiterId) -> Step {
        let now = Instant::now();
        let mut entries = self.lock();
        let entry = self.entry(&mut entries, key, now);
        if entry.waiters.first_key_value().map(|(k, _)| *k) != Some(id) {
            return Step::Wait;
        }
        match entry.bucket.try_take(now) {
            Ok(()) => {
                entry.waiters.remove(&id);
                if let Some((_, next)) = entry.waiters.first_key_value() {
                    next.notify_one();
                }
                Step::Granted
            }
            Err(delay) => Step::Sleep(delay),
        }
    }

    /// AWS answered a request of `group` in `scope` with a throttle.
    pub fn throttled(&self, scope: &str, group: QuotaGroup) {
        let key: Key = (scope.to_owned(), group);
        let now = Instant::now();
        let mut entries = self.lock();
        let entry = self.entry(&mut entries, &key, now);
        entry.bucket.throttled(now);
        tracing::debug!(scope, %group, rate = ?entry.bucket.rate(), "throttled: rate halved");
    }

    /// Counts one answer of `operation` that had to be repaired before the SDK could read it.
    pub fn note_repaired(&self, operation: &str) {
        let mut repaired = self
            .inner
            .repaired
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *repaired.entry(operation.to_owned()).or_default() += 1;
    }

    /// How many answers of each operation were repaired so far (they only grow).
    pub fn repaired(&self) -> BTreeMap<String, u64> {
        self.inner
            .repaired
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Every quota group of `scope` (those not used yet with zero use), in [`QuotaGroup::ALL`] order.
    pub fn snapshot(&self, scope: &str) -> QuotaSnapshot {
        let now = Instant::now();
        let entries = self.lock();
        let groups = QuotaGroup::ALL
            .into_iter()
            .map(|group| {
                let allowed = self.inner.config.allowed_rps(group);
                match entries.get(&(scope.to_owned(), group)) {
                    Some(entry) => {
                        let mut queued = [0; 3];
                        for (rank, _) in entry.waiters.keys() {
                            queued[*rank] += 1;
                        }
                        GroupUsage {
                            scope: scope.to_owned(),
                            group,
                            aws_rps: group.aws_rps(),
                            allowed_rps: allowed,
                            current_rps: entry.bucket.rate(),
                            used_rps_10s: entry.bucket.used_rps(now, 10),
                            used_rps_60s: entry.bucket.used_rps(now, 60),
                            queued,
                            throttles_1h: entry.bucket.throttles_last_hour(now),
                        }
                    }
                    None => GroupUsage {
                        scope: scope.to_owned(),
                        group,
                        aws_rps: group.aws_rps(),
                        allowed_rps: allowed,
                        current_rps: allowed,
                        used_rps_10s: 0.0,
                        used_rps_60s: 0.0,
                        queued: [0; 3],
                        throttles_1h: 0,
                    },
                }
            })
            .collect();
        QuotaSnapshot { groups }
    }
}

/// The scope key of a connection: the endpoint when one is set (an emulator), else the profile, then
/// the region.
pub fn scope_key(profile: &str, endpoint_url: Option<&str>, region: &str) -> String {
    format!("{}/{region}", endpoint_url.unwrap_or(profile))
}

#[cfg(test)]
mod tests;
