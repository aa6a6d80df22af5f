//! The tasks the runtime spawns that wait on the network, one file per pane (`logs`, `metrics`,
//! `aliases`, `dlq`, `functions`, `alarms`): each adds to `Executor` the method that runs its pane's
//! commands. Here: the functions and alarms pollers, the rollback plan built from AWS state before a
//! confirm, and the jitter and backoff every poller uses.

#[allow(clippy::wildcard_imports)]
use super::*;
use crate::app::{AlarmsMsg, FunctionsMsg};

mod alarms;
pub(super) mod aliases;
pub(super) mod dlq;
mod functions;
mod kill_switch;
pub(super) mod logs;
pub(super) mod metrics;

/// Plans restoring an alias from the rollback memory: what lambdash replaced in its last change.
pub(super) async fn plan_rollback(
    clients: &Clients,
    account: String,
    function: &str,
    alias: &str,
) -> Result<Box<crate::writes::Write>, String> {
    let path = crate::rollback::default_path().ok_or("no state directory: no rollback memory")?;
    let store = crate::rollback::Store::load(&path).map_err(|e| e.to_string())?;
    let key = crate::rollback::key(&account, &clients.region, function, alias);
    let entry = store.last(&key).cloned().ok_or_else(|| {
        format!(
            "lambdash has not changed {function}:{alias} in {account}/{}: nothing to roll back",
            clients.region
        )
    })?;
    let aliases = clients
        .list_aliases(function)
        .await
        .map_err(|e| e.to_string())?;
    let current = aliases
        .into_iter()
        .find(|a| a.name == alias)
        .ok_or_else(|| format!("{function} has no alias {alias} any more"))?;
    if !current.state.same_as(&entry.after) {
        return Err(format!(
            "{function}:{alias} was changed since lambdash set it to {} (now {}): not rolling back from the TUI; \
             use `lambdash alias rollback {function} {alias} --force` to restore {} anyway",
            entry.after, current.state, entry.before
        ));
    }
    Ok(Box::new(crate::writes::Write::AliasRollback {
        change: crate::domain::alias::AliasChange {
            function: function.to_string(),
            alias: alias.to_string(),
            from: current.state,
            to: entry.before,
            revision_id: current.revision_id,
        },
        account,
    }))
}

/// Lists functions every `every` (with ±10 % jitter), at once when woken, backing off after failures.
pub(super) async fn functions_poller(
    clients: Clients,
    tx: mpsc::UnboundedSender<Msg>,
    generation: u64,
    every: Duration,
    first_in: Duration,
    wake: Arc<Notify>,
    runs: Arc<AtomicU64>,
) {
    let mut delay = first_in;
    let mut failures: u32 = 0;
    let cache = crate::functions_cache::FunctionsCache::default_for(
        &clients.profile,
        &clients.region,
        clients.endpoint_url.as_deref(),
    );
    // Only a connection's first poller shows the kept list (a restarted poller's app has rows).
    if runs.load(Ordering::SeqCst) == 0 {
        send_cached_list(cache.clone(), &tx, generation).await;
    }
    loop {
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = wake.notified() => {}
        }
        let run = runs.fetch_add(1, Ordering::SeqCst) + 1;
        if tx
            .send(Msg::Functions(FunctionsMsg::Started {
                generation,
                run,
                now: Utc::now(),
            }))
            .is_err()
        {
            return;
        }
        let page_tx = tx.clone();
        let mut listed = Vec::new();
        let result = clients
            .list_functions_paged(|page| {
                if cache.is_some() {
                    listed.extend(page.iter().cloned());
                }
                let _ = page_tx.send(Msg::Functions(FunctionsMsg::Page {
                    generation,
                    run,
                    page,
                }));
            })
            .await;
        if result.is_ok()
            && let Some(cache) = cache.clone()
        {
            keep_list(cache, listed);
        }
        let throttled = result
            .as_ref()
            .is_err_and(crate::aws::AwsError::is_throttling);
        let listed_total = result.as_ref().map(|n| *n).map_err(|_| ());
        if let Err(e) = &result {
            tracing::warn!(error = %e, "ListFunctions failed");
        }
        let _ = tx.send(Msg::Functions(FunctionsMsg::Done {
            generation,
            run,
            result: result.map_err(|e| e.to_string()),
            now: Utc::now(),
        }));
        delay = if let Ok(total) = listed_total {
            failures = 0;
            jitter(crate::domain::quota::list_refresh_every(every, total))
        } else {
            failures = failures.saturating_add(1);
            backoff(failures, throttled, every)
        };
    }
}

/// The list kept by the last start, before the first run: every function on screen at once; the
/// first listing behind it updates the rows and drops the functions deleted since.
async fn send_cached_list(
    cache: Option<crate::functions_cache::FunctionsCache>,
    tx: &mpsc::UnboundedSender<Msg>,
    generation: u64,
) {
    let Some(cache) = cache else { return };
    let cached = tokio::task::spawn_blocking(move || cache.load())
        .await
        .ok()
        .flatten();
    if let Some((functions, saved_at)) = cached.filter(|(f, _)| !f.is_empty()) {
        tracing::info!(
            functions = functions.len(),
            "function list loaded from the cache"
        );
        let _ = tx.send(Msg::Functions(FunctionsMsg::Cached {
            generation,
            functions,
            saved_at,
        }));
    }
}

/// Writes a complete listing to the cache, off the async threads.
fn keep_list(cache: crate::functions_cache::FunctionsCache, listed: Vec<crate::domain::Function>) {
    tokio::task::spawn_blocking(move || {
        if let Err(e) = cache.save(listed, Utc::now()) {
            tracing::warn!(error = %e, "function list cache not written");
        }
    });
}

/// When a poller runs: every `every` (with jitter), first after `first_in`, at once when woken.
pub(super) struct Schedule {
    pub(super) every: Duration,
    pub(super) first_in: Duration,
    pub(super) wake: Arc<Notify>,
}

/// Lists alarms: all of them for the pane (`PollerKind::Alarms`), or only those in ALARM for the
/// header (`PollerKind::Firing`). Backs off after failures, like every poller.
pub(super) async fn alarms_poller(
    clients: Clients,
    tx: mpsc::UnboundedSender<Msg>,
    generation: u64,
    kind: PollerKind,
    schedule: Schedule,
) {
    let mut delay = schedule.first_in;
    let mut failures: u32 = 0;
    loop {
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = schedule.wake.notified() => {}
        }
        let only_firing = kind == PollerKind::Firing;
        let state = only_firing.then_some(crate::domain::alarm::AlarmState::Alarm);
        let result = clients.describe_alarms(state).await;
        delay = match &result {
            Ok(_) => {
                failures = 0;
                jitter(schedule.every)
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(error = %e, ?kind, "DescribeAlarms failed");
                backoff(failures, e.is_throttling(), schedule.every)
            }
        };
        let result = result.map_err(|e| e.to_string());
        let now = Utc::now();
        let msg = if only_firing {
            Msg::Alarms(AlarmsMsg::Firing {
                generation,
                result,
                now,
            })
        } else {
            Msg::Alarms(AlarmsMsg::Loaded {
                generation,
                result,
                now,
            })
        };
        if tx.send(msg).is_err() {
            return;
        }
    }
}

/// `d` ± 10 %.
pub(super) fn jitter(d: Duration) -> Duration {
    let factor = 0.9 + fastrand::f64() * 0.2;
    d.mul_f64(factor)
}

/// 5 s, 10 s, 20 s … after consecutive failures (throttling starts at 10 s), never more than `every`
/// or 5 minutes, with jitter so several lambdash instances do not retry in step.
pub(super) fn backoff(failures: u32, throttled: bool, every: Duration) -> Duration {
    let doubling = crate::logs::Backoff {
        base: Duration::from_secs(if throttled { 10 } else { 5 }),
        max: every
            .max(Duration::from_secs(5))
            .min(Duration::from_mins(5)),
    };
    jitter(doubling.ceiling(failures.max(1)))
}

impl Executor {
    /// Starts (or restarts) the functions, alarms or firing poller.
    pub(in crate::runtime) fn start_poller(
        &mut self,
        kind: PollerKind,
        generation: u64,
        every: Duration,
        first_in: Duration,
    ) {
        self.stop(kind);
        if let Some(clients) = self.clients() {
            let wake = Arc::new(Notify::new());
            let task = match kind {
                PollerKind::Functions => tokio::spawn(functions_poller(
                    clients,
                    self.tx.clone(),
                    generation,
                    every,
                    first_in,
                    wake.clone(),
                    self.runs.clone(),
                )),
                PollerKind::Logs => {
                    // The logs tail starts with `Cmd::Logs(LogsCmd::Start)` (it needs its functions).
                    tracing::warn!("StartPoller(Logs) ignored: use Cmd::Logs(LogsCmd::Start)");
                    return;
                }
                PollerKind::Dlq => {
                    tracing::warn!("StartPoller(Dlq) ignored: use Cmd::Dlq(DlqCmd::StartPoller)");
                    return;
                }
                PollerKind::Alarms | PollerKind::Firing => tokio::spawn(alarms_poller(
                    clients,
                    self.tx.clone(),
                    generation,
                    kind,
                    Schedule {
                        every,
                        first_in,
                        wake: wake.clone(),
                    },
                )),
            };
            self.pollers.insert(kind, Poller { task, wake });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let every = Duration::from_mins(1);
        let first = backoff(1, false, every);
        assert!(first >= Duration::from_millis(4500) && first <= Duration::from_millis(5500));
        let later = backoff(10, true, every);
        assert!(later <= Duration::from_secs(66), "{later:?}");
        assert!(later >= Duration::from_secs(54), "{later:?}");
    }
}
