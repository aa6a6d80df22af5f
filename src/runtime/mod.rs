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

mod aliases;
mod logs_task;
mod metrics_task;
mod tasks;
mod test_hooks;
use logs_task::{LogsSpec, logs_poller};
use tasks::{Schedule, alarms_poller, functions_poller, plan_rollback};
mod dlq_task;
use dlq_task::plan_redrive;
mod priority;
mod quota_task;
use crate::aws::scheduler::{Priority, with_priority};

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
    // A panic in a task would otherwise leave the app drawing on a restored (cooked) terminal: a panic
    // anywhere is a bug, so the process ends, with the message readable (tests/pty_terminal.rs).
    std::panic::set_hook(Box::new(move |info| {
        restore_terminal();
        previous(info);
        std::process::exit(101);
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
    /// Every AWS request of every connection waits here for its quota group's token.
    scheduler: crate::aws::scheduler::Scheduler,
    opts: RuntimeOptions,
    /// Whether the endpoint answers percentiles (learnt once per connection).
    percentiles: crate::domain::metrics::PercentileSupport,
    /// The request priority of the command being executed ([`priority::of`]).
    priority: Priority,
}

impl Executor {
    fn clients(&self) -> Option<Clients> {
        self.clients.read().ok().and_then(|c| c.clone())
    }

    /// Runs `task` with the current clients (and the session's percentile support) in its own tokio
    /// task and feeds the message it ends with to `update`. Nothing happens before the first connection.
    fn answer<F, Fut>(&self, task: F)
    where
        F: FnOnce(Clients, crate::domain::metrics::PercentileSupport) -> Fut,
        Fut: std::future::Future<Output = Msg> + Send + 'static,
    {
        if let Some(clients) = self.clients() {
            let tx = self.tx.clone();
            let fut = task(clients, self.percentiles.clone());
            let priority = self.priority;
            tokio::spawn(with_priority(priority, async move {
                let _ = tx.send(fut.await);
            }));
        }
    }

    fn stop(&mut self, kind: PollerKind) {
        if let Some(p) = self.pollers.remove(&kind) {
            p.task.abort();
        }
    }

    fn execute(&mut self, cmd: Cmd, terminal: &mut Term) -> bool {
        self.priority = priority::of(&cmd);
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
            Cmd::FetchIdentity { generation } => self.answer(move |clients, _| async move {
                let result = clients.identity().await.map_err(|e| e.to_string());
                Msg::Identity { generation, result }
            }),
            Cmd::FetchDetail {
                generation,
                request,
                function,
            } => self.answer(move |clients, _| async move {
                let result = clients
                    .function_detail(&function)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                Msg::Detail {
                    generation,
                    request,
                    result,
                    now: Utc::now(),
                }
            }),
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
                let (tx, slot, latest, counter, scheduler) = (
                    self.tx.clone(),
                    self.clients.clone(),
                    self.latest_generation.clone(),
                    self.counter.clone(),
                    self.scheduler.clone(),
                );
                tokio::spawn(async move {
                    match Clients::connect_counted(&opts, counter, scheduler).await {
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
            } => self.answer(move |clients, _| async move {
                let result = tokio::try_join!(
                    clients.list_aliases(&function),
                    clients.list_versions(&function)
                )
                .map(|(aliases, versions)| AliasData { aliases, versions })
                .map_err(|e| e.to_string());
                Msg::Aliases {
                    generation,
                    request,
                    result,
                    now: Utc::now(),
                }
            }),
            Cmd::StartLogs {
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
            } => self.answer(move |clients, support| async move {
                let series: Vec<_> = functions
                    .iter()
                    .flat_map(|f| crate::domain::metrics::row_series(f))
                    .collect();
                let result = clients
                    .get_metrics(&series, Duration::from_hours(1), 60, Utc::now(), &support)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                Msg::RowMetrics {
                    generation,
                    request,
                    result,
                    now: Utc::now(),
                }
            }),
            Cmd::FetchPaneMetrics {
                generation,
                request,
                function,
                qualifiers,
                range,
                period_s,
                end,
                context,
            } => {
                let ask = metrics_task::PaneAsk {
                    generation,
                    request,
                    function,
                    qualifiers,
                    range,
                    period_s,
                    end,
                    context,
                };
                self.answer(move |clients, support| {
                    metrics_task::fetch_pane_metrics(clients, support, ask)
                });
            }
            Cmd::FetchCost {
                generation,
                request,
                range,
            } => self.answer(move |clients, support| {
                metrics_task::fetch_cost(clients, support, generation, request, range)
            }),
            Cmd::FetchAlarmHistory {
                generation,
                request,
                name,
            } => self.answer(move |clients, _| async move {
                let result = clients
                    .alarm_history(&name)
                    .await
                    .map_err(|e| (e.to_string(), e.is_unsupported()));
                Msg::AlarmHistory {
                    generation,
                    request,
                    result,
                    now: Utc::now(),
                }
            }),
            Cmd::FetchAliasComparison {
                generation,
                request,
                function,
                alias,
                state,
            } => {
                if let Some(clients) = self.clients() {
                    tokio::spawn(aliases::compare(
                        clients,
                        self.tx.clone(),
                        self.percentiles.clone(),
                        (generation, request),
                        (function, alias, state),
                    ));
                }
            }
            Cmd::FetchCodeDeploy {
                generation,
                request,
            } => {
                if let Some(clients) = self.clients() {
                    tokio::spawn(aliases::codedeploy(
                        clients,
                        self.tx.clone(),
                        (generation, request),
                    ));
                }
            }
            Cmd::PlanRollback {
                generation,
                account,
                function,
                alias,
            } => self.answer(move |clients, _| async move {
                let result = plan_rollback(&clients, account, &function, &alias).await;
                Msg::RollbackPlanned { generation, result }
            }),
            Cmd::Write { generation, write } => self.answer(move |clients, _| async move {
                let result = crate::writes::execute(&clients, &write).await;
                if let Err(e) = &result {
                    tracing::warn!(action = write.action(), target = %write.target(), "write failed: {e}");
                }
                Msg::WriteDone { generation, result }
            }),
            Cmd::StartDlqPoller { generation, plan } => {
                self.stop(PollerKind::Dlq);
                if let Some(clients) = self.clients() {
                    let (task, wake) =
                        dlq_task::spawn_poller(clients, self.tx.clone(), generation, *plan);
                    self.pollers.insert(PollerKind::Dlq, Poller { task, wake });
                }
            }
            Cmd::Dlq(cmd) => {
                if let Some(clients) = self.clients() {
                    dlq_task::execute(clients, self.tx.clone(), cmd);
                }
            }
            Cmd::PeekDlq {
                generation,
                request,
                queue_url,
                n,
            } => self.answer(move |clients, _| async move {
                let result = clients.peek(&queue_url, n).await.map_err(|e| e.to_string());
                Msg::DlqPeeked {
                    generation,
                    request,
                    result,
                    now: Utc::now(),
                }
            }),
            Cmd::PlanRedrive {
                generation,
                dlq,
                target,
                selected,
            } => self.answer(move |clients, _| async move {
                let result = plan_redrive(&clients, *dlq, &target, selected)
                    .await
                    .map(Box::new);
                Msg::RedrivePlanned { generation, result }
            }),
            Cmd::Redrive {
                generation,
                run,
                plan,
                cancel,
            } => {
                if let Some(clients) = self.clients() {
                    let tx = self.tx.clone();
                    tokio::spawn(with_priority(Priority::User, async move {
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
                    }));
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

fn write_raw(terminal: &mut Term, s: &str) {
    let out = terminal.backend_mut();
    if let Err(e) = out.write_all(s.as_bytes()).and_then(|()| out.flush()) {
        tracing::warn!("writing to the terminal failed: {e}");
    }
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
    let scheduler = crate::aws::scheduler::Scheduler::new(opts.base.quota.clone());
    let clients = Arc::new(RwLock::new(None));
    quota_task::spawn(tx.clone(), scheduler.clone(), Arc::clone(&clients));
    let mut exec = Executor {
        tx,
        clients,
        latest_generation: Arc::new(AtomicU64::new(0)),
        pollers: HashMap::new(),
        runs: Arc::new(AtomicU64::new(0)),
        counter,
        scheduler,
        opts,
        percentiles: crate::domain::metrics::PercentileSupport::default(),
        priority: Priority::Visible,
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
        test_hooks::maybe_panic(&first); // inert unless LAMBDASH_TEST_PANIC is set (tests only)
        pending.extend(app.update(first));
        while let Ok(msg) = rx.try_recv() {
            pending.extend(app.update(msg));
        }
        // The DLQ poller follows the pane shown (functions or DLQ), whatever changed it.
        pending.extend(app.sync_dlq_poller());
    }
}
