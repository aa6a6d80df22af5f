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

use crate::app::{App, Cmd, Msg, PollerKind};
use crate::aws::{ApiCounter, Clients, ConnectOptions};
use crate::theme::Theme;

mod priority;
mod quota_task;
mod tasks;
mod test_hooks;
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
    /// Endpoint and the startup read-only flag; profile/region come from `Cmd::Reconnect`.
    pub base: ConnectOptions,
    /// Whether a profile is read-only (`--read-only`, `read_only = true`, or its `[[profile]]` rule):
    /// every reconnect builds the SDK-level guard from the new profile's answer.
    pub read_only_for: Arc<dyn Fn(&str) -> bool + Send + Sync>,
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
                // The payload is sanitised (tabs kept): nothing pasted can run or inject.
                write_raw(terminal, &crate::sanitize::osc52(&text));
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
            } => self.start_poller(kind, generation, every, first_in),
            Cmd::FetchIdentity { generation } => self.answer(move |clients, _| async move {
                let result = clients.identity().await.map_err(|e| e.to_string());
                Msg::Identity { generation, result }
            }),
            Cmd::Reconnect {
                generation,
                profile,
                region,
            } => self.reconnect(generation, profile, region),
            Cmd::Write { generation, write } => self.answer(move |clients, _| async move {
                let result = crate::writes::execute(&clients, &write).await;
                if let Err(e) = &result {
                    tracing::warn!(action = write.action(), target = %write.target(), "write failed: {e}");
                }
                Msg::WriteDone { generation, result }
            }),
            Cmd::LoadTheme(name) => self.load_theme(&name),
            Cmd::FetchDetail {
                generation,
                request,
                function,
            } => self.fetch_detail(generation, request, function),
            Cmd::FetchRowMetrics {
                generation,
                request,
                functions,
            } => self.fetch_row_metrics(generation, request, functions),
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
                let ask = tasks::metrics::PaneAsk {
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
                    tasks::metrics::fetch_pane_metrics(clients, support, ask)
                });
            }
            Cmd::FetchCost {
                generation,
                request,
                range,
            } => self.answer(move |clients, support| {
                tasks::metrics::fetch_cost(clients, support, generation, request, range)
            }),
            Cmd::FetchAlarmHistory {
                generation,
                request,
                name,
            } => self.fetch_alarm_history(generation, request, name),
            Cmd::Logs(cmd) => self.logs(cmd),
            Cmd::Aliases(cmd) => self.aliases(cmd),
            Cmd::FetchKillSwitch {
                generation,
                request,
                account,
                function,
            } => self.fetch_kill_switch(generation, request, account, function),
            Cmd::LoadStopped {
                generation,
                account,
            } => self.load_stopped(generation, account),
            Cmd::Dlq(cmd) => self.dlq(cmd),
        }
        true
    }

    /// Rebuilds every client for another profile/region; the pollers of the old connection stop.
    fn reconnect(&mut self, generation: u64, profile: Option<String>, region: Option<String>) {
        let kinds: Vec<PollerKind> = self.pollers.keys().copied().collect();
        for kind in kinds {
            self.stop(kind);
        }
        self.latest_generation.store(generation, Ordering::SeqCst);
        self.percentiles.reset();
        let opts = reconnect_options(&self.opts, profile, region);
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
                    let (profile, region) = (clients.profile.clone(), clients.region.clone());
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

    fn load_theme(&self, name: &str) {
        let result = Theme::load(name, self.opts.user_theme_dir.as_deref())
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

/// The options of a reconnect (`:profile`, `:region`): the SDK-level read-only guard follows the new
/// profile (resolved as `Clients::connect` resolves it), never the startup profile.
fn reconnect_options(
    opts: &RuntimeOptions,
    profile: Option<String>,
    region: Option<String>,
) -> ConnectOptions {
    let name = profile
        .clone()
        .or_else(|| std::env::var("AWS_PROFILE").ok())
        .unwrap_or_else(|| "default".to_string());
    ConnectOptions {
        read_only: (opts.read_only_for)(&name),
        profile,
        region,
        ..opts.base.clone()
    }
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
        test_hooks::maybe_probe_guard(&first, exec.clients()); // inert unless LAMBDASH_TEST_GUARD_PROBE
        pending.extend(app.update(first));
        while let Ok(msg) = rx.try_recv() {
            pending.extend(app.update(msg));
        }
        // The DLQ poller follows the pane shown (functions or DLQ), whatever changed it.
        pending.extend(app.sync_dlq_poller());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(cli_read_only: bool) -> RuntimeOptions {
        let config = crate::config::Config::parse(
            "[[profile]]\npattern = \"prod*\"\nread_only = true\n",
            std::path::Path::new("config.toml"),
        )
        .unwrap();
        RuntimeOptions {
            base: ConnectOptions {
                endpoint_url: Some("http://127.0.0.1:9".into()),
                read_only: cli_read_only,
                ..ConnectOptions::default()
            },
            read_only_for: Arc::new(move |p| cli_read_only || config.read_only_for(p)),
            no_color: false,
            user_theme_dir: None,
        }
    }

    #[test]
    fn a_switch_to_a_read_only_profile_rebuilds_the_guard_on() {
        let o = reconnect_options(&opts(false), Some("prod-eu".into()), None);
        assert!(o.read_only, "the new profile's rule");
        assert_eq!(o.profile.as_deref(), Some("prod-eu"));
        assert_eq!(o.endpoint_url.as_deref(), Some("http://127.0.0.1:9"));
        let o = reconnect_options(&opts(false), Some("dev".into()), Some("eu-west-1".into()));
        assert!(!o.read_only, "a profile without a rule writes");
        let o = reconnect_options(&opts(true), Some("dev".into()), None);
        assert!(o.read_only, "--read-only holds on every profile");
    }

    /// The clients built for the new profile refuse a write at the SDK level: nothing is sent (the
    /// endpoint is a closed port, so a call that got through would fail differently).
    #[tokio::test]
    async fn the_rebuilt_clients_refuse_a_write_before_sending_it() {
        let o = reconnect_options(
            &opts(false),
            Some("prod-eu".into()),
            Some("us-east-1".into()),
        );
        let clients = Clients::connect(&o).await.unwrap();
        assert!(clients.read_only);
        let err = clients
            .lambda
            .delete_function_concurrency()
            .function_name("f")
            .send()
            .await
            .unwrap_err();
        let text = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
        assert!(text.contains("refused by --read-only"), "{text}");
    }
}
