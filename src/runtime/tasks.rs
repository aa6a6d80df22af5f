//! The tasks the runtime spawns that wait on the network: the pollers (functions, alarms, logs, DLQs),
//! the plans built from AWS state before a confirm (rollback, redrive), and their jitter and backoff.

#[allow(clippy::wildcard_imports)]
use super::*;

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
    loop {
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = wake.notified() => {}
        }
        let run = runs.fetch_add(1, Ordering::SeqCst) + 1;
        if tx
            .send(Msg::FunctionsStarted {
                generation,
                run,
                now: Utc::now(),
            })
            .is_err()
        {
            return;
        }
        let page_tx = tx.clone();
        let result = clients
            .list_functions_paged(|page| {
                let _ = page_tx.send(Msg::FunctionsPage {
                    generation,
                    run,
                    page,
                });
            })
            .await;
        let throttled = result
            .as_ref()
            .is_err_and(crate::aws::AwsError::is_throttling);
        let ok = result.is_ok();
        if let Err(e) = &result {
            tracing::warn!(error = %e, "ListFunctions failed");
        }
        let _ = tx.send(Msg::FunctionsDone {
            generation,
            run,
            result: result.map_err(|e| e.to_string()),
            now: Utc::now(),
        });
        delay = if ok {
            failures = 0;
            jitter(every)
        } else {
            failures = failures.saturating_add(1);
            backoff(failures, throttled, every)
        };
    }
}

/// What the logs tail follows.
pub(super) struct LogsSpec {
    pub(super) generation: u64,
    pub(super) session: u64,
    pub(super) functions: Vec<String>,
    pub(super) filter: Option<String>,
    pub(super) last_n: usize,
    pub(super) window: Duration,
}

/// How often the logs tail polls while following.
pub(super) const LOGS_POLL_EVERY: Duration = Duration::from_secs(1);

/// The logs pane's tail: the same engine and calls as `lambdash tail --follow` — the last N events
/// whatever their age, then the sliding window re-queried every second, de-duplicated by event id,
/// merged by timestamp. Throttling and failures are reported to the pane and retried, never fatal.
pub(super) async fn logs_poller(clients: Clients, tx: mpsc::UnboundedSender<Msg>, spec: LogsSpec) {
    use crate::app::msg::LogsPoll;
    use crate::aws::logs::{LogQuery, Pacer};
    use crate::logs::{Merger, Tailer};

    let (generation, session) = (spec.generation, spec.session);
    let state = {
        let tx = tx.clone();
        move |state: LogsPoll| {
            let _ = tx.send(Msg::LogsState {
                generation,
                session,
                state,
                now: Utc::now(),
            });
        }
    };
    let retry_state = state.clone();
    let pacer = Pacer::default().on_retry(move |err, delay| {
        retry_state(if err.is_throttling() {
            LogsPoll::Throttled { retry_in: delay }
        } else {
            LogsPoll::Failed(err.to_string())
        });
    });
    let send = |events: Vec<crate::domain::log::LogEvent>| {
        if events.is_empty() {
            return true;
        }
        tx.send(Msg::LogEvents {
            generation,
            session,
            events,
        })
        .is_ok()
    };

    // Which log group each function writes to (a failure here is retried, a missing function is not).
    let mut queries = Vec::new();
    for name in &spec.functions {
        let mut failures = 0u32;
        loop {
            match clients.function_for_logs(name).await {
                Ok(f) => {
                    queries.push(LogQuery::for_function(&f).with_filter(spec.filter.clone()));
                    break;
                }
                Err(e) if e.is_not_found() => {
                    state(LogsPoll::Failed(format!("function {name} not found")));
                    return;
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    failed_then_wait(&state, &e, failures, Duration::from_secs(30)).await;
                }
            }
        }
    }

    // Opening: the first window of every function, then the last N events whatever their age.
    let mut tailers: Vec<Tailer> = queries.iter().map(|_| Tailer::new(spec.window)).collect();
    let mut failures = 0u32;
    loop {
        let now = Utc::now();
        let opening = async {
            let seeds = clients
                .first_windows(&queries, &mut tailers, now, &pacer)
                .await?;
            clients
                .last_events_merged(&queries, seeds, spec.last_n, now, &pacer)
                .await
        };
        match opening.await {
            Ok(all) => {
                state(LogsPoll::Following);
                if !send(all) {
                    return;
                }
                break;
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                failed_then_wait(&state, &e, failures, Duration::from_secs(30)).await;
            }
        }
    }

    // Follow.
    let grace = if queries.len() > 1 {
        crate::logs::tailer::DEFAULT_GRACE
    } else {
        Duration::ZERO
    };
    let mut merger = Merger::new(queries.len(), grace);
    let mut failing = false;
    loop {
        tokio::time::sleep(LOGS_POLL_EVERY).await;
        let mut result = Ok(());
        for (i, (query, tailer)) in queries.iter().zip(tailers.iter_mut()).enumerate() {
            let window = tailer.next_window(Utc::now());
            let fetched = clients
                .fetch_window(query, window, &pacer, |page| {
                    merger.push(i, tailer.ingest(page));
                })
                .await;
            match fetched {
                Ok(_) => {
                    tailer.completed(window);
                    merger.advance(i, window.end);
                }
                Err(e) => {
                    result = Err(e);
                    break;
                }
            }
        }
        match result {
            Ok(()) => {
                if failing {
                    failing = false;
                    state(LogsPoll::Following);
                }
                if !send(merger.release(Utc::now())) {
                    return;
                }
            }
            Err(e) => {
                failing = true;
                failed_then_wait(&state, &e, 1, Duration::from_secs(10)).await;
            }
        }
    }
}

/// Tells the logs pane a poll failed (it keeps its lines and says so), then backs off before the retry.
pub(super) async fn failed_then_wait(
    state: &impl Fn(crate::app::msg::LogsPoll),
    err: &crate::aws::AwsError,
    failures: u32,
    cap: Duration,
) {
    state(crate::app::msg::LogsPoll::Failed(err.to_string()));
    tokio::time::sleep(backoff(failures, err.is_throttling(), cap)).await;
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
            Msg::Firing {
                generation,
                result,
                now,
            }
        } else {
            Msg::Alarms {
                generation,
                result,
                now,
            }
        };
        if tx.send(msg).is_err() {
            return;
        }
    }
}

/// Resolves a DLQ, its source queues and a destination queue into a redrive plan (the same rules as
/// `lambdash dlq redrive`: `domain::dlq::plan_path`).
pub(super) async fn plan_redrive(
    clients: &Clients,
    mut dlq: crate::domain::dlq::Dlq,
    target: &crate::domain::dlq::RedriveTarget,
    selected: Option<Vec<String>>,
) -> Result<crate::domain::dlq::RedrivePlan, String> {
    use crate::domain::dlq::{PlanInputs, RedrivePlan, RedriveTarget, plan_path};
    let url = dlq
        .queue_url
        .clone()
        .filter(|_| dlq.inspectable)
        .ok_or_else(|| format!("{} is not an SQS queue: it cannot be redriven", dlq.name))?;
    let (from, depth) = clients.queue_info(&url).await.map_err(|e| e.to_string())?;
    let sources = clients
        .source_queues(&url)
        .await
        .map_err(|e| e.to_string())?;
    let destination = match target {
        RedriveTarget::Queue(q) => Some(clients.resolve_queue(q).await.map_err(|e| e.to_string())?),
        _ => None,
    };
    dlq.visible = depth.visible;
    dlq.in_flight = depth.in_flight;
    dlq.delayed = depth.delayed;
    let inputs = PlanInputs {
        from: &from,
        dlq: &dlq,
        sources: &sources,
        queue: destination.as_ref(),
    };
    let path = plan_path(&inputs, target, selected.is_some(), None).map_err(|e| e.to_string())?;
    Ok(RedrivePlan {
        from,
        path,
        selected,
        rate: None,
        visible: depth.visible,
        in_flight: depth.in_flight,
    })
}

/// The DLQ pane's poller: discovery (all functions, or the ones given) and the depths, every `every`.
pub(super) async fn dlq_poller(
    clients: Clients,
    tx: mpsc::UnboundedSender<Msg>,
    generation: u64,
    functions: Option<Vec<String>>,
    schedule: Schedule,
) {
    let mut delay = schedule.first_in;
    let mut failures: u32 = 0;
    loop {
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            () = schedule.wake.notified() => {}
        }
        let result = clients.discover_dlqs(functions.as_deref()).await;
        delay = match &result {
            Ok(_) => {
                failures = 0;
                jitter(schedule.every)
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(error = %e, "DLQ discovery failed");
                backoff(failures, e.is_throttling(), schedule.every)
            }
        };
        let msg = Msg::Dlqs {
            generation,
            result: result.map_err(|e| e.to_string()),
            now: Utc::now(),
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
