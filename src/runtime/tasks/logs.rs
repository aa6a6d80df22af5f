//! The logs pane's tail task: the same engine and calls as `lambdash tail` — an opening (the last N
//! events whatever their age, or a time range backfilled in slices with progress), then
//! [`Follower`]: Live Tail while it works, else the sliding window re-queried every second,
//! de-duplicated, merged by timestamp. Throttling and failures are reported to the pane and retried,
//! never fatal. A restarted tail (new filter, range or mode) is a new task with a new session id:
//! messages of the old one are dropped by the app.

use crate::app::LogsCmd;
use crate::app::LogsMsg;
use crate::runtime::{Executor, Poller, PollerKind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

use chrono::Utc;
use tokio::sync::mpsc;

use crate::app::Msg;
use crate::app::msg::LogsPoll;
use crate::aws::livetail::{FollowOptions, FollowSink, Follower, opening_dedup};
use crate::aws::logs::{BACKFILL_CONCURRENCY, BackfillProgress, LogQuery, Pacer};
use crate::aws::{AwsError, Clients};
use crate::domain::log::{LogEvent, TailInfo, TailMode, TimeWindow, Transport};
use crate::logs::Tailer;
use crate::logs::live::ContentDedup;
use crate::logs::range::RangeSpec;

/// What the logs tail follows.
pub(in crate::runtime) struct LogsSpec {
    pub(in crate::runtime) generation: u64,
    pub(in crate::runtime) session: u64,
    pub(in crate::runtime) functions: Vec<String>,
    pub(in crate::runtime) filter: Option<String>,
    pub(in crate::runtime) last_n: usize,
    pub(in crate::runtime) window: Duration,
    pub(in crate::runtime) mode: TailMode,
    /// A range to backfill instead of the last N events.
    pub(in crate::runtime) range: Option<RangeSpec>,
}

/// Sends the task's messages, tagged with its generation and session.
#[derive(Clone)]
struct Out {
    tx: mpsc::UnboundedSender<Msg>,
    generation: u64,
    session: u64,
}

impl Out {
    fn state(&self, state: LogsPoll) {
        let _ = self.tx.send(Msg::Logs(LogsMsg::State {
            generation: self.generation,
            session: self.session,
            state,
            now: Utc::now(),
        }));
    }

    fn info(&self, info: TailInfo) -> bool {
        self.tx
            .send(Msg::Logs(LogsMsg::Info {
                generation: self.generation,
                session: self.session,
                info,
            }))
            .is_ok()
    }

    fn events(&self, events: Vec<LogEvent>) -> bool {
        events.is_empty()
            || self
                .tx
                .send(Msg::Logs(LogsMsg::Events {
                    generation: self.generation,
                    session: self.session,
                    events,
                }))
                .is_ok()
    }

    fn progress(&self, p: BackfillProgress) {
        self.info(TailInfo::Backfill {
            done: p.done,
            total: p.total,
            events: p.events,
        });
    }
}

/// The pane as a [`FollowSink`].
struct PaneSink {
    out: Out,
    /// Set when an error or a retry was shown, cleared when a round succeeds and says so.
    degraded: Arc<AtomicBool>,
}

impl FollowSink for PaneSink {
    fn events(&mut self, events: Vec<LogEvent>) -> bool {
        self.out.events(events)
    }

    fn transport(&mut self, transport: &Transport) {
        self.out.info(TailInfo::Transport(transport.clone()));
    }

    fn failed(&mut self, err: &AwsError) -> bool {
        tracing::warn!(error = %err, "logs: poll failed");
        self.degraded.store(true, Ordering::Relaxed);
        self.out.state(LogsPoll::Failed(err.to_string()));
        true
    }

    fn recovered(&mut self) {
        // Only when something was shown: a failed round, or a retry inside a round (the pacer's hook).
        if self.degraded.swap(false, Ordering::Relaxed) {
            self.out.state(LogsPoll::Following);
        }
    }

    fn skipped(&mut self, function: &str, gap: TimeWindow) {
        tracing::warn!(
            function,
            ?gap,
            "logs: stalled too long, part of the log was not fetched"
        );
        self.degraded.store(true, Ordering::Relaxed);
        self.out.state(LogsPoll::Failed(format!(
            "{function}: events from {} to {} were not fetched (polling stalled too long)",
            gap.start.format("%H:%M:%S"),
            gap.end.format("%H:%M:%S")
        )));
    }
}

/// Tells the pane a step failed (it keeps its lines and says so), then backs off before the retry.
async fn failed_then_wait(out: &Out, err: &AwsError, failures: u32, cap: Duration) {
    out.state(LogsPoll::Failed(err.to_string()));
    tokio::time::sleep(super::backoff(failures, err.is_throttling(), cap)).await;
}

pub(in crate::runtime) async fn logs_poller(
    clients: Clients,
    tx: mpsc::UnboundedSender<Msg>,
    spec: LogsSpec,
) {
    let out = Out {
        tx,
        generation: spec.generation,
        session: spec.session,
    };
    let retry_out = out.clone();
    let degraded = Arc::new(AtomicBool::new(false));
    let retry_degraded = degraded.clone();
    let pacer = Pacer::default().on_retry(move |err, delay| {
        retry_degraded.store(true, Ordering::Relaxed);
        retry_out.state(if err.is_throttling() {
            LogsPoll::Throttled { retry_in: delay }
        } else {
            LogsPoll::Failed(err.to_string())
        });
    });

    let Some(queries) = log_queries(&clients, &spec, &out).await else {
        return;
    };
    // A range that ends in the past: fetch it, show it, done.
    if let Some(range) = spec.range.filter(|r| !r.follows()) {
        fetch_past_range(&clients, &queries, range, &out, &pacer).await;
        return;
    }
    let mut tailers: Vec<Tailer> = queries.iter().map(|_| Tailer::new(spec.window)).collect();
    let Some(dedup) = open(&clients, &spec, &queries, &mut tailers, &out, &pacer).await else {
        return;
    };

    // Follow.
    let opts = FollowOptions::new(spec.mode, queries.len());
    let follower = Follower::new(&clients, &queries, tailers, dedup, &pacer, opts);
    let mut sink = PaneSink {
        out: out.clone(),
        degraded,
    };
    if let Err(e) = follower.run(&mut sink).await {
        // The pane's sink waits out every failure; this is only reached if that changes.
        out.state(LogsPoll::Failed(e.to_string()));
    }
}

/// Which log group each function writes to (a failure here is retried, a missing function is not:
/// `None` once the pane was told).
async fn log_queries(clients: &Clients, spec: &LogsSpec, out: &Out) -> Option<Vec<LogQuery>> {
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
                    out.state(LogsPoll::Failed(crate::aws::function_not_found(
                        name,
                        &clients.region,
                    )));
                    return None;
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    failed_then_wait(out, &e, failures, Duration::from_secs(30)).await;
                }
            }
        }
    }

    Some(queries)
}

/// A range that ends in the past: fetches it and shows it.
async fn fetch_past_range(
    clients: &Clients,
    queries: &[LogQuery],
    range: RangeSpec,
    out: &Out,
    pacer: &Pacer,
) {
    let window = range.window(Utc::now());
    let fetched = clients
        .backfill_range(
            queries,
            window,
            pacer,
            BACKFILL_CONCURRENCY,
            |p| out.progress(p),
            |events| out.events(events),
        )
        .await;
    match fetched {
        Ok(true) => {
            out.state(LogsPoll::Following);
            out.info(TailInfo::BackfillDone { following: false });
        }
        Ok(false) => {}
        Err(e) => out.state(LogsPoll::Failed(format!(
            "{e}; the range was not fetched completely (r fetches it again)"
        ))),
    }
}

/// Opening: the first window of every function, then the last N events whatever their age, or
/// the range since its start (the part before the first windows backfilled in slices).
/// `None` when the tail ends here (the pane was told why, or it is gone).
async fn open(
    clients: &Clients,
    spec: &LogsSpec,
    queries: &[LogQuery],
    tailers: &mut [Tailer],
    out: &Out,
    pacer: &Pacer,
) -> Option<ContentDedup> {
    let mut failures = 0u32;
    loop {
        let now = Utc::now();
        let seeds = match clients.first_windows(queries, tailers, now, pacer).await {
            Ok(seeds) => seeds,
            Err(e) => {
                failures = failures.saturating_add(1);
                failed_then_wait(out, &e, failures, Duration::from_secs(30)).await;
                continue;
            }
        };
        let dedup = opening_dedup(&seeds);
        if let Some(range) = spec.range {
            let start = range.window(now).start;
            let mut sent = false;
            let fetched = clients
                .backfill_since(
                    queries,
                    seeds,
                    start,
                    pacer,
                    BACKFILL_CONCURRENCY,
                    |p| out.progress(p),
                    |events| {
                        sent = true;
                        out.events(events)
                    },
                )
                .await;
            match fetched {
                Ok(true) => {
                    out.state(LogsPoll::Following);
                    out.info(TailInfo::BackfillDone { following: true });
                    return Some(dedup);
                }
                Ok(false) => return None,
                // Lines already shown would come twice: say so and stop; `r` starts over.
                Err(e) if sent => {
                    out.state(LogsPoll::Failed(format!(
                        "{e}; the range was not fetched completely (r fetches it again)"
                    )));
                    return None;
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    failed_then_wait(out, &e, failures, Duration::from_secs(30)).await;
                }
            }
        } else {
            match clients
                .last_events_merged(queries, seeds, spec.last_n, now, pacer)
                .await
            {
                Ok(all) => {
                    out.state(LogsPoll::Following);
                    if !out.events(all) {
                        return None;
                    }
                    return Some(dedup);
                }
                Err(e) => {
                    failures = failures.saturating_add(1);
                    failed_then_wait(out, &e, failures, Duration::from_secs(30)).await;
                }
            }
        }
    }
}

impl Executor {
    /// Runs the logs pane's commands: the tail (a poller) and the save.
    pub(in crate::runtime) fn logs(&mut self, cmd: LogsCmd) {
        match cmd {
            LogsCmd::Start {
                generation,
                session,
                functions,
                filter,
                last_n,
                window,
                mode,
                range,
            } => {
                self.stop(PollerKind::Logs);
                if let Some(clients) = self.clients() {
                    let spec = LogsSpec {
                        generation,
                        session,
                        functions,
                        filter,
                        last_n,
                        window,
                        mode,
                        range,
                    };
                    let task = tokio::spawn(logs_poller(clients, self.tx.clone(), spec));
                    self.pollers.insert(
                        PollerKind::Logs,
                        Poller {
                            task,
                            wake: Arc::new(Notify::new()),
                        },
                    );
                }
            }
            LogsCmd::SaveFile { path, text } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    // Owner-only, exclusive, never through a planted symlink, never over a file.
                    let result = crate::private_file::save_here(&path, text.as_bytes());
                    let _ = tx.send(Msg::Logs(LogsMsg::Saved(result)));
                });
            }
        }
    }
}
