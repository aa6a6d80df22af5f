//! The runtime: owns the terminal and the tokio tasks, feeds `Msg`s to `App::update` and executes the
//! `Cmd`s it returns.
//!
//! The main loop blocks on one channel, drains everything queued, then draws once. The clock ticks once a
//! second (for the header clock, flash expiry and refresh ages) and ten times a second only while
//! something is loading, for the spinner. Pollers are the only code that waits on the network, and only
//! the pollers for what is on screen run.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use base64::Engine as _;
use chrono::Utc;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture, Event, EventStream, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::{Notify, mpsc, watch};
use tokio::task::JoinHandle;

use crate::app::aliases::AliasData;
use crate::app::{App, Cmd, Msg, PollerKind};
use crate::aws::{ApiCounter, Clients, ConnectOptions};
use crate::theme::Theme;

type Term = Terminal<CrosstermBackend<io::Stdout>>;

/// Puts the terminal back the way we found it. Safe to call more than once.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

fn setup_terminal() -> io::Result<Term> {
    enable_raw_mode()?;
    let mut stdout = io::stdout();
    if let Err(e) = execute!(stdout, EnterAlternateScreen, EnableMouseCapture) {
        restore_terminal();
        return Err(e);
    }
    // A panic anywhere restores the terminal before the message is printed.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
    }));
    Terminal::new(CrosstermBackend::new(stdout))
}

/// What the runtime needs besides the app.
pub struct RuntimeOptions {
    /// Endpoint and read-only flag; profile/region come from `Cmd::Reconnect`.
    pub base: ConnectOptions,
    /// `NO_COLOR` is set: themes loaded later are stripped of colour too.
    pub no_color: bool,
    pub user_theme_dir: Option<std::path::PathBuf>,
}

struct Poller {
    task: JoinHandle<()>,
    wake: Arc<Notify>,
}

/// Executes commands: spawns tasks and pollers, holds the current clients.
struct Executor {
    tx: mpsc::UnboundedSender<Msg>,
    clients: Arc<RwLock<Option<Clients>>>,
    latest_generation: Arc<AtomicU64>,
    pollers: HashMap<PollerKind, Poller>,
    runs: Arc<AtomicU64>,
    counter: ApiCounter,
    opts: RuntimeOptions,
    /// Whether the endpoint answers percentiles (learnt once per connection).
    percentiles: crate::domain::metrics::PercentileSupport,
}

impl Executor {
    fn clients(&self) -> Option<Clients> {
        self.clients.read().ok().and_then(|c| c.clone())
    }

    fn stop(&mut self, kind: PollerKind) {
        if let Some(p) = self.pollers.remove(&kind) {
            p.task.abort();
        }
    }

    fn execute(&mut self, cmd: Cmd, terminal: &mut Term) -> bool {
        match cmd {
            Cmd::Quit => return false,
            Cmd::Bell => write_raw(terminal, "\x07"),
            Cmd::Copy(text) => {
                let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
                write_raw(terminal, &format!("\x1b]52;c;{b64}\x07"));
            }
            Cmd::StopPoller(kind) => self.stop(kind),
            Cmd::RefreshNow(kind) => {
                if let Some(p) = self.pollers.get(&kind) {
                    p.wake.notify_one();
                }
            }
            Cmd::StartPoller {
                kind,
                generation,
                every,
                first_in,
            } => {
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
                            // The logs tail starts with `Cmd::StartLogs` (it needs its functions).
                            tracing::warn!("StartPoller(Logs) ignored: use Cmd::StartLogs");
                            return true;
                        }
                        PollerKind::Dlq => {
                            tracing::warn!("StartPoller(Dlq) ignored: use Cmd::StartDlqPoller");
                            return true;
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
            Cmd::FetchIdentity { generation } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let result = clients.identity().await.map_err(|e| e.to_string());
                        let _ = tx.send(Msg::Identity { generation, result });
                    });
                }
            }
            Cmd::FetchDetail {
                generation,
                request,
                function,
            } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let result = clients
                            .function_detail(&function)
                            .await
                            .map(Box::new)
                            .map_err(|e| e.to_string());
                        let _ = tx.send(Msg::Detail {
                            generation,
                            request,
                            result,
                            now: Utc::now(),
                        });
                    });
                }
            }
            Cmd::Reconnect {
                generation,
                profile,
                region,
            } => {
                let kinds: Vec<PollerKind> = self.pollers.keys().copied().collect();
                for kind in kinds {
                    self.stop(kind);
                }
                self.latest_generation.store(generation, Ordering::SeqCst);
                self.percentiles.reset();
                let opts = ConnectOptions {
                    profile,
                    region,
                    ..self.opts.base.clone()
                };
                let (tx, slot, latest, counter) = (
                    self.tx.clone(),
                    self.clients.clone(),
                    self.latest_generation.clone(),
                    self.counter.clone(),
                );
                tokio::spawn(async move {
                    match Clients::connect_counted(&opts, counter).await {
                        Ok(clients) => {
                            if latest.load(Ordering::SeqCst) != generation {
                                return;
                            }
                            let (profile, region) =
                                (clients.profile.clone(), clients.region.clone());
                            if let Ok(mut slot) = slot.write() {
                                *slot = Some(clients);
                            }
                            let _ = tx.send(Msg::Connected {
                                generation,
                                profile,
                                region,
                            });
                        }
                        Err(e) => {
                            let _ = tx.send(Msg::ConnectFailed {
                                generation,
                                error: e.to_string(),
                            });
                        }
                    }
                });
            }
            Cmd::FetchAliases {
                generation,
                request,
                function,
            } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let result = tokio::try_join!(
                            clients.list_aliases(&function),
                            clients.list_versions(&function)
                        )
                        .map(|(aliases, versions)| AliasData { aliases, versions })
                        .map_err(|e| e.to_string());
                        let _ = tx.send(Msg::Aliases {
                            generation,
                            request,
                            result,
                            now: Utc::now(),
                        });
                    });
                }
            }
            Cmd::StartLogs {
                generation,
                session,
                functions,
                filter,
                last_n,
                window,
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
            Cmd::SaveFile { path, text } => {
                let tx = self.tx.clone();
                tokio::task::spawn_blocking(move || {
                    let result = std::fs::write(&path, text)
                        .map(|()| {
                            std::fs::canonicalize(&path)
                                .map_or(path.clone(), |p| p.display().to_string())
                        })
                        .map_err(|e| format!("{path}: {e}"));
                    let _ = tx.send(Msg::Saved(result));
                });
            }
            Cmd::FetchRowMetrics {
                generation,
                request,
                functions,
            } => {
                if let Some(clients) = self.clients() {
                    let (tx, support) = (self.tx.clone(), self.percentiles.clone());
                    tokio::spawn(async move {
                        let series: Vec<_> = functions
                            .iter()
                            .flat_map(|f| crate::domain::metrics::row_series(f))
                            .collect();
                        let result = clients
                            .get_metrics(&series, Duration::from_hours(1), 60, Utc::now(), &support)
                            .await
                            .map(Box::new)
                            .map_err(|e| e.to_string());
                        let _ = tx.send(Msg::RowMetrics {
                            generation,
                            request,
                            result,
                            now: Utc::now(),
                        });
                    });
                }
            }
            Cmd::FetchAlarmHistory {
                generation,
                request,
                name,
            } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let result = clients
                            .alarm_history(&name)
                            .await
                            .map_err(|e| (e.to_string(), e.is_unsupported()));
                        let _ = tx.send(Msg::AlarmHistory {
                            generation,
                            request,
                            result,
                            now: Utc::now(),
                        });
                    });
                }
            }
            Cmd::PlanRollback {
                generation,
                account,
                function,
                alias,
            } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let result = plan_rollback(&clients, account, &function, &alias).await;
                        let _ = tx.send(Msg::RollbackPlanned { generation, result });
                    });
                }
            }
            Cmd::Write { generation, write } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let result = crate::writes::execute(&clients, &write).await;
                        if let Err(e) = &result {
                            tracing::warn!(action = write.action(), target = %write.target(), "write failed: {e}");
                        }
                        let _ = tx.send(Msg::WriteDone { generation, result });
                    });
                }
            }
            Cmd::StartDlqPoller {
                generation,
                functions,
                every,
            } => {
                self.stop(PollerKind::Dlq);
                if let Some(clients) = self.clients() {
                    let wake = Arc::new(Notify::new());
                    let task = tokio::spawn(dlq_poller(
                        clients,
                        self.tx.clone(),
                        generation,
                        functions,
                        Schedule {
                            every,
                            first_in: Duration::ZERO,
                            wake: wake.clone(),
                        },
                    ));
                    self.pollers.insert(PollerKind::Dlq, Poller { task, wake });
                }
            }
            Cmd::PeekDlq {
                generation,
                request,
                queue_url,
                n,
            } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let result = clients.peek(&queue_url, n).await.map_err(|e| e.to_string());
                        let _ = tx.send(Msg::DlqPeeked {
                            generation,
                            request,
                            result,
                            now: Utc::now(),
                        });
                    });
                }
            }
            Cmd::PlanRedrive {
                generation,
                dlq,
                target,
                selected,
            } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let result = plan_redrive(&clients, *dlq, &target, selected)
                            .await
                            .map(Box::new);
                        let _ = tx.send(Msg::RedrivePlanned { generation, result });
                    });
                }
            }
            Cmd::Redrive {
                generation,
                run,
                plan,
                cancel,
            } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(async move {
                        let progress_tx = tx.clone();
                        let result = crate::writes::execute_redrive(
                            &clients,
                            &plan,
                            &crate::aws::dlq::DrainOptions::default(),
                            move |p| {
                                let _ = progress_tx.send(Msg::RedriveProgress {
                                    generation,
                                    run,
                                    progress: p.clone(),
                                });
                                if cancel.is_cancelled() {
                                    std::ops::ControlFlow::Break(())
                                } else {
                                    std::ops::ControlFlow::Continue(())
                                }
                            },
                        )
                        .await
                        .map(Box::new);
                        if let Err(e) = &result {
                            tracing::warn!(queue = %plan.from.name, "redrive failed: {e}");
                        }
                        let _ = tx.send(Msg::RedriveDone {
                            generation,
                            run,
                            result,
                        });
                    });
                }
            }
            Cmd::LoadTheme(name) => {
                let result = Theme::load(&name, self.opts.user_theme_dir.as_deref())
                    .map(|t| {
                        let t = if self.opts.no_color {
                            t.without_color()
                        } else {
                            t
                        };
                        Box::new(t)
                    })
                    .map_err(|e| e.to_string());
                let _ = self.tx.send(Msg::ThemeLoaded(result));
            }
        }
        true
    }
}

/// Plans restoring an alias from the rollback memory: what lambdash replaced in its last change.
async fn plan_rollback(
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

fn write_raw(terminal: &mut Term, s: &str) {
    let out = terminal.backend_mut();
    if let Err(e) = out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        tracing::warn!("writing to the terminal failed: {e}");
    }
}

/// Lists functions every `every` (with ±10 % jitter), at once when woken, backing off after failures.
async fn functions_poller(
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
struct LogsSpec {
    generation: u64,
    session: u64,
    functions: Vec<String>,
    filter: Option<String>,
    last_n: usize,
    window: Duration,
}

/// How often the logs tail polls while following.
const LOGS_POLL_EVERY: Duration = Duration::from_secs(1);

/// The logs pane's tail: the same engine and calls as `lambdash tail --follow` — the last N events
/// whatever their age, then the sliding window re-queried every second, de-duplicated by event id,
/// merged by timestamp. Throttling and failures are reported to the pane and retried, never fatal.
async fn logs_poller(clients: Clients, tx: mpsc::UnboundedSender<Msg>, spec: LogsSpec) {
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
async fn failed_then_wait(
    state: &impl Fn(crate::app::msg::LogsPoll),
    err: &crate::aws::AwsError,
    failures: u32,
    cap: Duration,
) {
    state(crate::app::msg::LogsPoll::Failed(err.to_string()));
    tokio::time::sleep(backoff(failures, err.is_throttling(), cap)).await;
}

/// When a poller runs: every `every` (with jitter), first after `first_in`, at once when woken.
struct Schedule {
    every: Duration,
    first_in: Duration,
    wake: Arc<Notify>,
}

/// Lists alarms: all of them for the pane (`PollerKind::Alarms`), or only those in ALARM for the
/// header (`PollerKind::Firing`). Backs off after failures, like every poller.
async fn alarms_poller(
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
async fn plan_redrive(
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
async fn dlq_poller(
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
fn jitter(d: Duration) -> Duration {
    let factor = 0.9 + fastrand::f64() * 0.2;
    d.mul_f64(factor)
}

/// 5 s, 10 s, 20 s … after consecutive failures (throttling starts at 10 s), never more than `every`
/// or 5 minutes, with jitter so several lambdash instances do not retry in step.
fn backoff(failures: u32, throttled: bool, every: Duration) -> Duration {
    let base = if throttled { 10 } else { 5 };
    let secs = base * 2u64.saturating_pow(failures.saturating_sub(1).min(6));
    jitter(
        Duration::from_secs(secs)
            .min(every.max(Duration::from_secs(5)))
            .min(Duration::from_mins(5)),
    )
}

fn spawn_input(tx: mpsc::UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut events = EventStream::new();
        while let Some(event) = events.next().await {
            let msg = match event {
                Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => Msg::Key(k),
                Ok(Event::Mouse(m)) => Msg::Mouse(m),
                Ok(Event::Resize(..)) => Msg::Resize,
                Ok(_) => continue,
                Err(e) => {
                    tracing::error!("terminal input failed: {e}");
                    Msg::Shutdown
                }
            };
            if tx.send(msg).is_err() {
                return;
            }
        }
    });
}

#[cfg(unix)]
fn spawn_signals(tx: &mpsc::UnboundedSender<Msg>) {
    use tokio::signal::unix::{SignalKind, signal};
    for kind in [
        SignalKind::terminate(),
        SignalKind::hangup(),
        SignalKind::interrupt(),
    ] {
        let tx = tx.clone();
        match signal(kind) {
            Ok(mut s) => {
                tokio::spawn(async move {
                    if s.recv().await.is_some() {
                        let _ = tx.send(Msg::Shutdown);
                    }
                });
            }
            Err(e) => tracing::warn!("cannot listen for signal {kind:?}: {e}"),
        }
    }
}

#[cfg(not(unix))]
fn spawn_signals(_tx: &mpsc::UnboundedSender<Msg>) {}

fn spawn_ticker(
    tx: mpsc::UnboundedSender<Msg>,
    mut busy: watch::Receiver<bool>,
    counter: ApiCounter,
) {
    tokio::spawn(async move {
        loop {
            let period = if *busy.borrow() {
                Duration::from_millis(100)
            } else {
                Duration::from_secs(1)
            };
            tokio::select! {
                () = tokio::time::sleep(period) => {}
                changed = busy.changed() => {
                    if changed.is_err() {
                        return;
                    }
                    continue;
                }
            }
            if tx
                .send(Msg::Tick {
                    now: Utc::now(),
                    api_calls_total: counter.total(),
                })
                .is_err()
            {
                return;
            }
        }
    });
}

/// Runs the TUI until the user quits or a signal arrives. The terminal is restored on every path.
pub async fn run(app: App, opts: RuntimeOptions) -> io::Result<()> {
    let mut terminal = setup_terminal()?;
    let result = event_loop(app, opts, &mut terminal).await;
    restore_terminal();
    let _ = terminal.show_cursor();
    result
}

async fn event_loop(mut app: App, opts: RuntimeOptions, terminal: &mut Term) -> io::Result<()> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let counter = ApiCounter::default();
    let (busy_tx, busy_rx) = watch::channel(false);
    spawn_input(tx.clone());
    spawn_signals(&tx);
    spawn_ticker(tx.clone(), busy_rx, counter.clone());
    let mut exec = Executor {
        tx,
        clients: Arc::new(RwLock::new(None)),
        latest_generation: Arc::new(AtomicU64::new(0)),
        pollers: HashMap::new(),
        runs: Arc::new(AtomicU64::new(0)),
        counter,
        opts,
        percentiles: crate::domain::metrics::PercentileSupport::default(),
    };
    let _ = app.update(Msg::Tick {
        now: Utc::now(),
        api_calls_total: 0,
    });
    let mut pending: Vec<Cmd> = app.start();
    loop {
        for cmd in pending.drain(..) {
            if !exec.execute(cmd, terminal) {
                return Ok(());
            }
        }
        if app.should_quit {
            return Ok(());
        }
        let mut layout = None;
        terminal.draw(|frame| layout = Some(crate::ui::render(&app, frame)))?;
        if let Some(layout) = layout {
            app.layout = layout;
        }
        busy_tx.send_if_modified(|b| {
            let now_busy = app.busy();
            let changed = *b != now_busy;
            *b = now_busy;
            changed
        });
        // Block until something happens, then take everything that is queued before drawing again.
        let Some(first) = rx.recv().await else {
            return Ok(());
        };
        pending.extend(app.update(first));
        while let Ok(msg) = rx.try_recv() {
            pending.extend(app.update(msg));
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
