//! The pure application state machine: `App::update(Msg) -> Vec<Cmd>`.
//!
//! No `.await`, no I/O, no clock reads: time comes in on messages, effects go out as commands. Every key
//! press and every poll result can be tested by calling `update` and looking at the state and the commands.

mod alarms_actions;
mod aliases_actions;
mod dlq_actions;
#[cfg(test)]
mod dlq_tests;
mod logs_actions;
mod metrics_actions;
mod writes_confirm;

pub mod alarms;
pub mod aliases;
pub mod dlq;
pub mod filter;
pub mod functions;
pub mod functions_sort;
pub mod keymap;
pub mod logs;
pub mod metrics;
pub mod msg;
pub mod palette;

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use crate::aws::lambda::console_url;
use crate::config::Config;
use crate::domain::{FunctionDetail, Identity, Remote};
use crate::theme::Theme;

use alarms::{AlarmDetail, AlarmsPane};
use aliases::{AliasFocus, AliasesPane};
use dlq::{DlqPane, PathChooser, PeekView, RedriveRun};
pub use functions::{FunctionsPane, SortColumn};
pub use keymap::{Action, Scope};
use logs::{LogsPane, LogsView, TailState};
pub use msg::{Cmd, Msg, PollerKind};
use palette::{Command, PaneName};

use crate::domain::alias::{CANARY_STEPS, PlanError};
use crate::writes::Write;

/// Which pane fills the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    Functions,
    Detail,
    Aliases,
    Alarms,
    Logs,
    Dlq,
    Metrics,
    Cost,
}

/// What the keyboard is talking to.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Normal,
    /// Typing a `/` filter.
    Filter,
    /// Typing a `:` command; `completion` is the index of the highlighted candidate.
    Palette {
        input: String,
        completion: Option<usize>,
    },
    Help {
        scroll: u16,
    },
    /// A write waits for the user's yes: it says exactly what will change.
    Confirm(Box<Confirm>),
    /// Typing a line of text for an action (a version description).
    Input {
        purpose: InputPurpose,
        text: String,
    },
}

/// What a line typed in [`Mode::Input`] is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputPurpose {
    PublishDescription {
        function: String,
    },
    /// `/` in the logs pane: search the buffer.
    LogSearch,
    /// `F` in the logs pane: a CloudWatch filter pattern; the tail restarts with it.
    LogFilter,
    /// `R` in the logs pane: a time range (`2h`, `START..END`) to backfill.
    LogRange,
    /// `/` in the DLQ pane's peeked messages.
    DlqSearch,
    /// The destination queue (name or URL) of a redrive to another queue.
    RedriveQueue {
        queue_arn: String,
        message_ids: Option<Vec<String>>,
    },
}

/// The confirm step of a write.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    pub title: String,
    /// What will change, from → to, counts.
    pub lines: Vec<String>,
    /// Something the user should know before saying yes (e.g. the alias changed since lambdash set it).
    pub warning: Option<String>,
    pub write: Write,
    /// For destructive writes (purge, delete): what the user must type exactly before Enter works.
    pub typed_confirmation: Option<String>,
    /// What the user typed so far.
    pub typed: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlashLevel {
    Info,
    Warn,
    Error,
}

/// A message in the flash line; it clears itself at `until`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flash {
    pub text: String,
    pub level: FlashLevel,
    pub until: DateTime<Utc>,
}

/// The detail view of one function.
#[derive(Clone, Debug)]
pub struct DetailPane {
    pub function: String,
    pub remote: Remote<FunctionDetail>,
    pub request: u64,
    /// Env values are masked until the user reveals them.
    pub reveal_env: bool,
    pub scroll: u16,
}

/// Where things were drawn last frame, so mouse clicks can be mapped to rows and columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub table_header: Rect,
    pub table_body: Rect,
    /// Column x ranges `[start, end)` in the header, with the column they sort by.
    pub columns: Vec<(u16, u16, SortColumn)>,
}

/// What the app needs to start.
#[derive(Clone, Debug)]
pub struct Init {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub read_only: bool,
    pub theme: Theme,
    pub theme_names: Vec<String>,
    pub profiles: Vec<String>,
    pub config: Config,
    pub now: DateTime<Utc>,
    /// No terminal bell.
    pub quiet: bool,
}

/// The whole application state.
#[derive(Clone, Debug)]
pub struct App {
    pub now: DateTime<Utc>,
    /// Bumped on every reconnect; results from older connections are dropped.
    pub generation: u64,
    pub connected: bool,
    pub profile: String,
    pub region: String,
    pub endpoint_url: Option<String>,
    /// `--read-only` from the command line (never relaxed by config).
    pub cli_read_only: bool,
    /// Effective read-only: the flag, or a profile rule.
    pub read_only: bool,
    pub identity: Remote<Identity>,
    pub theme: Theme,
    pub theme_names: Vec<String>,
    pub profiles: Vec<String>,
    pub config: Config,
    pub view: View,
    pub mode: Mode,
    pub functions: FunctionsPane,
    pub detail: Option<DetailPane>,
    pub aliases: Option<AliasesPane>,
    pub alarms: AlarmsPane,
    pub logs: Option<LogsPane>,
    pub dlq: DlqPane,
    /// The metrics pane (one function's charts) and the view Esc goes back to from it.
    pub metrics: Option<metrics::MetricsPane>,
    metrics_return: View,
    pub cost: metrics::CostPane,
    /// Metrics of the functions pane's rows (last hour), and for which functions they were asked.
    pub row_metrics: Remote<crate::domain::metrics::MetricsBatch>,
    row_metrics_for: std::collections::BTreeSet<String>,
    row_metrics_request: u64,
    row_metrics_in_flight: bool,
    /// `(time, dollars)` of GetMetricData spend, last hour (shown as lambdash's own cost per hour).
    metrics_spend: VecDeque<(DateTime<Utc>, f64)>,
    next_session: u64,
    /// Alarms in ALARM, from the background poller (header count, flips).
    pub firing: Remote<Vec<crate::domain::alarm::Alarm>>,
    /// `--quiet`: no terminal bell on flips to ALARM.
    pub quiet: bool,
    pub flash: Option<Flash>,
    /// `(time, running total)` samples of API calls, last minute only.
    api_samples: VecDeque<(DateTime<Utc>, u64)>,
    pub layout: Layout,
    pub should_quit: bool,
    next_request: u64,
    /// The profile/region asked for on the command line, used by `start`.
    requested: Option<(Option<String>, Option<String>)>,
}

const PAGE_FALLBACK_ROWS: usize = 20;

/// How often the header's count of alarms in ALARM is refreshed (DescribeAlarms StateValue=ALARM is
/// cheap: 9 TPS quota, 100 alarms a page).
pub const FIRING_POLL_EVERY: Duration = Duration::from_secs(30);
/// A failed GetCallerIdentity is asked again after this many seconds.
pub const IDENTITY_RETRY_S: i64 = 30;
/// Row metrics are refreshed no faster than their period (60 s).
pub const ROW_METRICS_EVERY_S: i64 = 60;
/// Lines the logs buffer holds (a ring: the oldest go first).
pub const LOG_BUFFER_LINES: usize = 100_000;
/// Events shown when the logs pane opens, whatever their age.
pub const LOG_LAST_N: usize = 200;
/// The tail's sliding window: every event ingested within it is delivered exactly once.
pub const LOG_WINDOW: Duration = Duration::from_mins(2);
/// How often the alarms pane refreshes while open.
pub const ALARMS_POLL_EVERY: Duration = Duration::from_secs(30);
// The DLQ poller's intervals: `dlq::DLQ_DEPTH_EVERY`, `dlq::DLQ_TOPOLOGY_EVERY`.

impl App {
    pub fn new(init: Init) -> Self {
        let profile = init
            .profile
            .clone()
            .unwrap_or_else(|| "default".to_string());
        Self {
            now: init.now,
            generation: 0,
            connected: false,
            profile,
            region: init.region.clone().unwrap_or_default(),
            endpoint_url: init.endpoint_url,
            cli_read_only: init.read_only,
            read_only: init.read_only || init.config.read_only,
            identity: Remote::default(),
            theme: init.theme,
            theme_names: init.theme_names,
            profiles: init.profiles,
            config: init.config,
            view: View::Functions,
            mode: Mode::Normal,
            functions: FunctionsPane::default(),
            detail: None,
            aliases: None,
            alarms: AlarmsPane::default(),
            logs: None,
            dlq: DlqPane::default(),
            metrics: None,
            metrics_return: View::Functions,
            cost: metrics::CostPane::default(),
            next_session: 0,
            row_metrics: Remote::default(),
            row_metrics_for: std::collections::BTreeSet::new(),
            row_metrics_request: 0,
            row_metrics_in_flight: false,
            metrics_spend: VecDeque::new(),
            firing: Remote::default(),
            quiet: init.quiet,
            flash: None,
            api_samples: VecDeque::new(),
            layout: Layout::default(),
            should_quit: false,
            next_request: 0,
            requested: None,
        }
        .with_requested(init.profile, init.region)
    }

    fn with_requested(mut self, profile: Option<String>, region: Option<String>) -> Self {
        self.requested = Some((profile, region));
        self
    }

    /// The commands to run at start: connect with what the command line said.
    pub fn start(&mut self) -> Vec<Cmd> {
        let (profile, region) = self.requested.take().unwrap_or((None, None));
        self.reconnect(profile, region)
    }

    /// API calls made in the last minute (all services, retries included).
    pub fn api_calls_last_minute(&self) -> u64 {
        match (self.api_samples.front(), self.api_samples.back()) {
            (Some((_, first)), Some((_, last))) => last - first,
            _ => 0,
        }
    }

    /// True while something is loading: the runtime ticks faster to animate the spinner.
    pub fn busy(&self) -> bool {
        self.functions.remote.is_loading()
            || self.detail.as_ref().is_some_and(|d| d.remote.is_loading())
            || self.identity.is_loading()
            || self.aliases.as_ref().is_some_and(AliasesPane::is_loading)
            || (self.view == View::Alarms && self.alarms.remote.is_loading())
            || (self.view == View::Dlq && self.dlq.busy())
            || self
                .logs
                .as_ref()
                .is_some_and(|l| l.state == TailState::Starting)
            || (self.view == View::Metrics
                && self.metrics.as_ref().is_some_and(|m| m.remote.is_loading()))
            || (self.view == View::Cost && self.cost.remote.is_loading())
    }

    pub fn scope(&self) -> Scope {
        match self.view {
            View::Functions => Scope::Functions,
            View::Detail => Scope::Detail,
            View::Aliases => Scope::Aliases,
            View::Alarms => Scope::Alarms,
            View::Dlq if self.dlq.peek.is_some() && self.dlq.chooser.is_none() => {
                Scope::DlqMessages
            }
            View::Dlq => Scope::Dlq,
            View::Metrics => Scope::Metrics,
            View::Cost => Scope::Cost,
            View::Logs => match self.logs.as_ref().map(|l| &l.view) {
                Some(LogsView::Invocations { .. }) => Scope::Invocations,
                _ => Scope::Logs,
            },
        }
    }

    fn flash(&mut self, level: FlashLevel, text: impl Into<String>) {
        let ttl = chrono::Duration::from_std(self.config.flash_ttl)
            .unwrap_or_else(|_| chrono::Duration::seconds(6));
        self.flash = Some(Flash {
            text: text.into(),
            level,
            until: self.now + ttl,
        });
    }

    fn page_rows(&self) -> usize {
        match self.layout.table_body.height {
            0 => PAGE_FALLBACK_ROWS,
            h => usize::from(h),
        }
    }

    fn functions_poller(&self) -> Cmd {
        let every = self.config.functions_poll_every;
        let first_in = match self.functions.remote.last_ok {
            Some(at) => {
                let age = (self.now - at).to_std().unwrap_or(Duration::ZERO);
                every.saturating_sub(age)
            }
            None => Duration::ZERO,
        };
        Cmd::StartPoller {
            kind: PollerKind::Functions,
            generation: self.generation,
            every,
            first_in,
        }
    }

    fn reconnect(&mut self, profile: Option<String>, region: Option<String>) -> Vec<Cmd> {
        self.generation += 1;
        self.connected = false;
        let mut fresh = FunctionsPane::default();
        fresh.filter_input = std::mem::take(&mut self.functions.filter_input);
        fresh.sort = self.functions.sort;
        fresh.descending = self.functions.descending;
        self.functions = fresh;
        self.detail = None;
        self.aliases = None;
        self.alarms = AlarmsPane::default();
        if let Some(run) = &self.dlq.redrive {
            // Results of the old connection are dropped: stop the redrive cleanly.
            run.cancel.cancel();
        }
        self.dlq = DlqPane::default();
        self.logs = None;
        self.metrics = None;
        self.cost = metrics::CostPane {
            range: self.cost.range,
            ..metrics::CostPane::default()
        };
        self.row_metrics = Remote::default();
        self.row_metrics_for.clear();
        self.row_metrics_in_flight = false;
        self.firing = Remote::default();
        self.view = View::Functions;
        self.identity = Remote::default();
        self.identity.start_loading(self.now);
        vec![
            Cmd::StopPoller(PollerKind::Functions),
            Cmd::StopPoller(PollerKind::Alarms),
            Cmd::StopPoller(PollerKind::Firing),
            Cmd::StopPoller(PollerKind::Logs),
            Cmd::StopPoller(PollerKind::Dlq),
            Cmd::Reconnect {
                generation: self.generation,
                profile,
                region,
            },
        ]
    }

    /// Applies one message. Returns the side effects to run.
    pub fn update(&mut self, msg: Msg) -> Vec<Cmd> {
        match msg {
            Msg::Tick {
                now,
                api_calls_total,
            } => {
                self.now = now;
                self.api_samples.push_back((now, api_calls_total));
                while self
                    .api_samples
                    .front()
                    .is_some_and(|(t, _)| now - *t > chrono::Duration::seconds(60))
                {
                    self.api_samples.pop_front();
                }
                if self.flash.as_ref().is_some_and(|f| now >= f.until) {
                    self.flash = None;
                }
                while self
                    .metrics_spend
                    .front()
                    .is_some_and(|(t, _)| now - *t > chrono::Duration::hours(1))
                {
                    self.metrics_spend.pop_front();
                }
                let mut cmds = self.maybe_fetch_row_metrics();
                cmds.extend(self.maybe_fetch_pane_metrics());
                cmds.extend(self.maybe_retry_identity());
                cmds.extend(self.maybe_fetch_comparison());
                cmds
            }
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(ev) => self.on_mouse(ev),
            Msg::Resize => Vec::new(),
            Msg::Connected {
                generation,
                profile,
                region,
            } => {
                if generation != self.generation {
                    return Vec::new();
                }
                self.connected = true;
                self.profile = profile;
                self.region = region;
                let mut cmds = vec![Cmd::FetchIdentity { generation }];
                let rule = self.config.rule_for_profile(&self.profile).cloned();
                self.read_only = self.cli_read_only
                    || self.config.read_only
                    || rule.as_ref().and_then(|r| r.read_only) == Some(true);
                if let Some(theme) = rule.and_then(|r| r.theme) {
                    cmds.push(Cmd::LoadTheme(theme));
                }
                self.functions.remote.start_loading(self.now);
                if self.view == View::Functions {
                    cmds.push(self.functions_poller());
                }
                cmds.push(Cmd::StartPoller {
                    kind: PollerKind::Firing,
                    generation,
                    every: FIRING_POLL_EVERY,
                    first_in: Duration::ZERO,
                });
                cmds
            }
            Msg::ConnectFailed { generation, error } => {
                if generation == self.generation {
                    self.identity.fail(error.clone(), self.now);
                    self.functions.remote.fail(error.clone(), self.now);
                    self.flash(FlashLevel::Error, error);
                }
                Vec::new()
            }
            Msg::Identity { generation, result } => {
                if generation == self.generation {
                    match result {
                        Ok(id) => self.identity.succeed(id, self.now),
                        Err(e) => {
                            self.identity.fail(e.clone(), self.now);
                            self.flash(FlashLevel::Error, e);
                        }
                    }
                }
                Vec::new()
            }
            Msg::FunctionsStarted {
                generation,
                run,
                now,
            } => {
                if generation == self.generation {
                    self.now = self.now.max(now);
                    self.functions.begin_run(run);
                    self.functions.remote.start_loading(now);
                }
                Vec::new()
            }
            Msg::FunctionsPage {
                generation,
                run,
                page,
            } => {
                if generation == self.generation && run == self.functions.run {
                    self.functions.apply_page(page);
                    self.refresh_row_keys();
                    let rows = self.page_rows();
                    self.functions.scroll_into_view(rows);
                }
                Vec::new()
            }
            Msg::FunctionsDone {
                generation,
                run,
                result,
                now,
            } => {
                if generation != self.generation || run != self.functions.run {
                    return Vec::new();
                }
                match result {
                    Ok(_) => {
                        self.functions.finish_run();
                        self.functions.remote.mark_ready(now);
                        let rows = self.page_rows();
                        self.functions.scroll_into_view(rows);
                    }
                    Err(e) => {
                        self.functions.remote.fail(e.clone(), now);
                        self.flash(FlashLevel::Error, format!("functions: {e}"));
                    }
                }
                self.dlq_functions_listed()
            }
            Msg::Detail {
                generation,
                request,
                result,
                now,
            } => {
                let mut flash = None;
                if generation == self.generation
                    && let Some(detail) = self.detail.as_mut()
                    && detail.request == request
                {
                    match result {
                        Ok(d) => {
                            if !d.partial_errors.is_empty() {
                                flash = Some(format!(
                                    "detail incomplete: {}",
                                    d.partial_errors.join("; ")
                                ));
                            }
                            detail.remote.succeed(*d, now);
                        }
                        Err(e) => {
                            detail.remote.fail(e.clone(), now);
                            flash = Some(format!("{}: {e}", detail.function));
                        }
                    }
                }
                if let Some(text) = flash {
                    self.flash(FlashLevel::Error, text);
                }
                Vec::new()
            }
            Msg::ThemeLoaded(result) => {
                match result {
                    Ok(theme) => {
                        let name = theme.name.clone();
                        self.theme = *theme;
                        self.flash(FlashLevel::Info, format!("theme: {name}"));
                    }
                    Err(e) => self.flash(FlashLevel::Error, e),
                }
                Vec::new()
            }
            Msg::Aliases {
                generation,
                request,
                result,
                now,
            } => {
                let mut flash = None;
                if generation == self.generation
                    && let Some(pane) = self.aliases.as_mut()
                    && pane.request == request
                {
                    match result {
                        Ok(data) => {
                            pane.remote.succeed(data, now);
                            pane.clamp();
                        }
                        Err(e) => {
                            flash = Some(format!("aliases of {}: {e}", pane.function));
                            pane.remote.fail(e, now);
                        }
                    }
                }
                if let Some(text) = flash {
                    self.flash(FlashLevel::Error, text);
                }
                self.maybe_fetch_comparison()
            }
            Msg::AliasComparison {
                generation,
                request,
                function,
                alias,
                result,
                now,
            } => {
                self.on_alias_comparison(generation, request, (&function, &alias), result, now);
                Vec::new()
            }
            Msg::CodeDeploy {
                generation,
                request,
                result,
                now,
            } => {
                self.on_codedeploy(generation, request, result, now);
                Vec::new()
            }
            Msg::RollbackPlanned { generation, result } => {
                if generation == self.generation {
                    match result {
                        Ok(write) => self.ask_confirm(*write, None),
                        Err(e) => self.flash(FlashLevel::Warn, e),
                    }
                }
                Vec::new()
            }
            Msg::WriteDone { generation, result } => {
                if generation != self.generation {
                    return Vec::new();
                }
                let succeeded = result.is_ok();
                match result {
                    Ok(summary) => self.flash(FlashLevel::Info, summary),
                    Err(e) => self.flash(
                        FlashLevel::Error,
                        format!("write failed, nothing else changed: {e}"),
                    ),
                }
                self.dlq.finish_delete(succeeded);
                if self.view == View::Dlq {
                    return vec![Cmd::RefreshNow(PollerKind::Dlq)];
                }
                self.refresh_aliases()
            }
            Msg::Dlqs {
                generation,
                result,
                now,
            } => {
                if generation == self.generation {
                    match result {
                        Ok(found) => {
                            self.dlq.take_discovery(found, now);
                            self.dlq.remote.mark_ready(now);
                            self.refresh_row_keys();
                            let rows = self.page_rows();
                            self.dlq.scroll_into_view(rows);
                        }
                        Err(e) => {
                            self.dlq.remote.fail(e.clone(), now);
                            // The poller also runs for the functions pane's flags: flash only here.
                            if self.view == View::Dlq {
                                self.flash(FlashLevel::Error, format!("DLQs: {e}"));
                            }
                        }
                    }
                }
                Vec::new()
            }
            Msg::DlqPeeked {
                generation,
                request,
                result,
                now,
            } => {
                let mut flash = None;
                if generation == self.generation
                    && let Some(peek) = self.dlq.peek.as_mut()
                    && peek.request == request
                {
                    match result {
                        Ok(p) => {
                            if let Some(e) = &p.release_error {
                                flash = Some((
                                    FlashLevel::Warn,
                                    format!(
                                        "peeked messages not released at once ({e}): they reappear within 20 s"
                                    ),
                                ));
                            }
                            peek.release_error = p.release_error;
                            peek.remote.succeed(p.messages, now);
                            peek.move_by(0);
                        }
                        Err(e) => {
                            flash = Some((FlashLevel::Error, format!("peek: {e}")));
                            peek.remote.fail(e, now);
                        }
                    }
                }
                if let Some((level, text)) = flash {
                    self.flash(level, text);
                }
                Vec::new()
            }
            Msg::RedrivePlanned { generation, result } => {
                if generation == self.generation {
                    self.on_redrive_planned(result);
                }
                Vec::new()
            }
            Msg::Dlq(msg) => self.on_dlq_msg(msg),
            Msg::RedriveProgress {
                generation,
                run,
                progress,
            } => {
                if generation == self.generation
                    && let Some(r) = self.dlq.redrive.as_mut()
                    && r.run == run
                {
                    if let Some(note) = &progress.note {
                        let note = note.clone();
                        self.flash(FlashLevel::Warn, note);
                    }
                    if let Some(r) = self.dlq.redrive.as_mut() {
                        r.progress = progress;
                    }
                }
                Vec::new()
            }
            Msg::RedriveDone {
                generation,
                run,
                result,
            } => {
                if generation != self.generation
                    || self.dlq.redrive.as_ref().is_none_or(|r| r.run != run)
                {
                    return Vec::new();
                }
                self.dlq.redrive = None;
                match result {
                    Ok(summary) => {
                        let level = if summary.ok() && !summary.cancelled {
                            FlashLevel::Info
                        } else {
                            FlashLevel::Warn
                        };
                        self.flash(level, summary.line());
                        self.dlq.last_summary = Some(*summary);
                    }
                    Err(e) => self.flash(FlashLevel::Error, format!("redrive failed: {e}")),
                }
                if self.view == View::Dlq {
                    vec![Cmd::RefreshNow(PollerKind::Dlq)]
                } else {
                    Vec::new()
                }
            }
            Msg::Alarms {
                generation,
                result,
                now,
            } => {
                if generation == self.generation {
                    match result {
                        Ok(alarms) => {
                            let firing: Vec<_> =
                                alarms.iter().filter(|a| a.is_firing()).cloned().collect();
                            self.alarms.set(alarms);
                            self.alarms.remote.mark_ready(now);
                            let rows = self.page_rows();
                            self.alarms.scroll_into_view(rows);
                            return self.observe_firing(firing, now);
                        }
                        Err(e) => {
                            self.alarms.remote.fail(e.clone(), now);
                            self.flash(FlashLevel::Error, format!("alarms: {e}"));
                        }
                    }
                }
                Vec::new()
            }
            Msg::Firing {
                generation,
                result,
                now,
            } => {
                if generation != self.generation {
                    return Vec::new();
                }
                match result {
                    Ok(firing) => self.observe_firing(firing, now),
                    Err(e) => {
                        self.firing.fail(e.clone(), now);
                        self.flash(FlashLevel::Error, format!("alarm count: {e}"));
                        Vec::new()
                    }
                }
            }
            Msg::AlarmHistory {
                generation,
                request,
                result,
                now,
            } => {
                if generation == self.generation
                    && let Some(d) = self.alarms.detail.as_mut()
                    && d.request == request
                {
                    match result {
                        Ok(items) => d.history.succeed(items, now),
                        Err((e, unsupported)) => {
                            d.history_unsupported = unsupported;
                            d.history.fail(e, now);
                        }
                    }
                }
                Vec::new()
            }
            Msg::LogEvents {
                generation,
                session,
                events,
            } => {
                if generation == self.generation
                    && let Some(pane) = self.logs.as_mut()
                    && pane.session == session
                {
                    pane.ingest(events);
                    if pane.state == TailState::Starting {
                        pane.state = TailState::Following;
                    }
                }
                Vec::new()
            }
            Msg::LogsState {
                generation,
                session,
                state,
                now,
            } => {
                let mut flash = None;
                if generation == self.generation
                    && let Some(pane) = self.logs.as_mut()
                    && pane.session == session
                {
                    pane.state = match state {
                        msg::LogsPoll::Following => TailState::Following,
                        msg::LogsPoll::Throttled { retry_in } => TailState::Throttled {
                            until: now + chrono::Duration::from_std(retry_in).unwrap_or_default(),
                        },
                        msg::LogsPoll::Failed(error) => {
                            flash = Some(format!("logs: {error} (retrying)"));
                            TailState::Failed { error, at: now }
                        }
                    };
                }
                if let Some(text) = flash {
                    self.flash(FlashLevel::Error, text);
                }
                Vec::new()
            }
            Msg::LogsInfo {
                generation,
                session,
                info,
            } => {
                self.on_logs_info(generation, session, info);
                Vec::new()
            }
            Msg::Saved(result) => {
                match result {
                    Ok(path) => self.flash(FlashLevel::Info, format!("saved to {path}")),
                    Err(e) => self.flash(FlashLevel::Error, format!("could not save: {e}")),
                }
                Vec::new()
            }
            Msg::PaneMetrics {
                generation,
                request,
                result,
                context,
                now,
            } => {
                if generation != self.generation {
                    return Vec::new();
                }
                self.on_pane_metrics(request, result, context, now)
            }
            Msg::Cost {
                generation,
                request,
                result,
                now,
            } => {
                if generation != self.generation {
                    return Vec::new();
                }
                self.on_cost(request, result, now)
            }
            Msg::RowMetrics {
                generation,
                request,
                result,
                now,
            } => {
                if generation == self.generation && request == self.row_metrics_request {
                    self.row_metrics_in_flight = false;
                    match result {
                        Ok(batch) => {
                            self.metrics_spend.push_back((now, batch.cost_usd()));
                            self.row_metrics.succeed(*batch, now);
                            self.refresh_row_keys();
                        }
                        Err(e) => {
                            self.row_metrics.fail(e.clone(), now);
                            self.flash(FlashLevel::Error, format!("metrics: {e}"));
                        }
                    }
                }
                Vec::new()
            }
            Msg::Shutdown => {
                self.should_quit = true;
                vec![Cmd::Quit]
            }
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Cmd> {
        match self.mode.clone() {
            Mode::Filter => self.on_filter_key(key),
            Mode::Palette { input, completion } => self.on_palette_key(key, input, completion),
            Mode::Help { scroll } => {
                match key.code {
                    KeyCode::Esc | KeyCode::Char('?' | 'q') => self.mode = Mode::Normal,
                    KeyCode::Char('j') | KeyCode::Down => {
                        self.mode = Mode::Help {
                            scroll: scroll.saturating_add(1),
                        };
                    }
                    KeyCode::Char('k') | KeyCode::Up => {
                        self.mode = Mode::Help {
                            scroll: scroll.saturating_sub(1),
                        };
                    }
                    _ => {}
                }
                Vec::new()
            }
            Mode::Confirm(mut confirm) if confirm.typed_confirmation.is_some() => {
                match key.code {
                    KeyCode::Esc => {
                        self.mode = Mode::Normal;
                        self.flash(FlashLevel::Info, "cancelled: nothing was changed");
                    }
                    KeyCode::Enter => {
                        if confirm.typed_confirmation.as_deref() == Some(confirm.typed.as_str()) {
                            self.mode = Mode::Normal;
                            return self.confirmed(confirm.write);
                        }
                        self.flash(
                            FlashLevel::Warn,
                            "type the queue name exactly, then Enter (Esc cancels)",
                        );
                    }
                    KeyCode::Backspace => {
                        confirm.typed.pop();
                        self.mode = Mode::Confirm(confirm);
                    }
                    KeyCode::Char(c) if !c.is_control() => {
                        confirm.typed.push(c);
                        self.mode = Mode::Confirm(confirm);
                    }
                    _ => {}
                }
                Vec::new()
            }
            Mode::Confirm(confirm) => {
                match key.code {
                    KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
                        self.mode = Mode::Normal;
                        return self.confirmed(confirm.write);
                    }
                    KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
                        self.mode = Mode::Normal;
                        self.flash(FlashLevel::Info, "cancelled: nothing was changed");
                    }
                    _ => {}
                }
                Vec::new()
            }
            Mode::Input { purpose, mut text } => {
                match key.code {
                    KeyCode::Esc => {
                        self.mode = Mode::Normal;
                        self.flash(FlashLevel::Info, "cancelled: nothing was changed");
                    }
                    KeyCode::Enter => {
                        self.mode = Mode::Normal;
                        match purpose {
                            InputPurpose::PublishDescription { function } => self.ask_confirm(
                                Write::PublishVersion {
                                    function,
                                    description: text,
                                },
                                None,
                            ),
                            InputPurpose::LogSearch => {
                                if let Some(pane) = self.logs.as_mut() {
                                    pane.search = text;
                                    if !pane.search.is_empty() && !pane.jump_match(true) {
                                        let s = pane.search.clone();
                                        self.flash(
                                            FlashLevel::Info,
                                            format!("no line contains {s:?}"),
                                        );
                                    }
                                }
                            }
                            InputPurpose::LogFilter => return self.restart_logs(Some(text)),
                            InputPurpose::LogRange => return self.typed_log_range(&text),
                            InputPurpose::DlqSearch => {
                                if let Some(peek) = self.dlq.peek.as_mut() {
                                    peek.search = text;
                                    peek.selected = 0;
                                    peek.detail = false;
                                    if peek.visible().is_empty() {
                                        let s = peek.search.clone();
                                        self.flash(
                                            FlashLevel::Info,
                                            format!("no peeked message contains {s:?}"),
                                        );
                                    }
                                }
                            }
                            InputPurpose::RedriveQueue {
                                queue_arn,
                                message_ids,
                            } => {
                                return self.plan_redrive(
                                    &queue_arn,
                                    crate::domain::dlq::RedriveTarget::Queue(
                                        text.trim().to_string(),
                                    ),
                                    message_ids,
                                );
                            }
                        }
                    }
                    KeyCode::Backspace => {
                        text.pop();
                        self.mode = Mode::Input { purpose, text };
                    }
                    KeyCode::Char(c) if !c.is_control() => {
                        text.push(c);
                        self.mode = Mode::Input { purpose, text };
                    }
                    _ => {}
                }
                Vec::new()
            }
            Mode::Normal => match keymap::lookup_with(&self.config.keys, &key, self.scope()) {
                Some(action) => self.on_action(action),
                None => Vec::new(),
            },
        }
    }

    fn on_filter_key(&mut self, key: KeyEvent) -> Vec<Cmd> {
        let in_alarms = self.view == View::Alarms;
        let keep = if in_alarms {
            self.alarms.selected_alarm().map(|a| a.name.clone())
        } else {
            self.functions.selected_function().map(|f| f.name.clone())
        };
        let input = if in_alarms {
            &mut self.alarms.filter_input
        } else {
            &mut self.functions.filter_input
        };
        match key.code {
            KeyCode::Esc => {
                input.clear();
                self.mode = Mode::Normal;
            }
            KeyCode::Enter => self.mode = Mode::Normal,
            KeyCode::Backspace => {
                input.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => input.clear(),
            KeyCode::Char(c) => input.push(c),
            _ => return Vec::new(),
        }
        let rows = self.page_rows();
        if in_alarms {
            self.alarms.rebuild_view(keep.as_deref());
            self.alarms.scroll_into_view(rows);
        } else {
            self.functions.rebuild_view(keep.as_deref());
            self.functions.scroll_into_view(rows);
        }
        Vec::new()
    }

    /// The palette candidates for the current input.
    pub fn palette_candidates(&self, input: &str) -> Vec<String> {
        palette::completions(input, &self.profiles, &self.theme_names)
    }

    fn on_palette_key(
        &mut self,
        key: KeyEvent,
        mut input: String,
        completion: Option<usize>,
    ) -> Vec<Cmd> {
        match key.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                Vec::new()
            }
            KeyCode::Tab | KeyCode::Down => {
                let candidates = self.palette_candidates(&input);
                if candidates.len() == 1 {
                    input.clone_from(&candidates[0]);
                    self.mode = Mode::Palette {
                        input,
                        completion: None,
                    };
                } else if !candidates.is_empty() {
                    let next = completion.map_or(0, |i| (i + 1) % candidates.len());
                    self.mode = Mode::Palette {
                        input,
                        completion: Some(next),
                    };
                }
                Vec::new()
            }
            KeyCode::Enter => {
                let candidates = self.palette_candidates(&input);
                let line = completion
                    .and_then(|i| candidates.get(i).cloned())
                    .unwrap_or(input);
                self.mode = Mode::Normal;
                match palette::parse(&line) {
                    Ok(cmd) => self.run_command(cmd),
                    Err(e) => {
                        self.flash(FlashLevel::Warn, e);
                        Vec::new()
                    }
                }
            }
            KeyCode::Backspace => {
                if input.is_empty() {
                    self.mode = Mode::Normal;
                } else {
                    input.pop();
                    self.mode = Mode::Palette {
                        input,
                        completion: None,
                    };
                }
                Vec::new()
            }
            KeyCode::Char(c) => {
                if let Some(i) = completion
                    && let Some(chosen) = self.palette_candidates(&input).get(i)
                {
                    input.clone_from(chosen);
                }
                input.push(c);
                self.mode = Mode::Palette {
                    input,
                    completion: None,
                };
                Vec::new()
            }
            _ => Vec::new(),
        }
    }

    fn run_command(&mut self, cmd: Command) -> Vec<Cmd> {
        match cmd {
            Command::Quit => self.on_action(Action::Quit),
            Command::Open(PaneName::Functions) => self.show_functions(),
            Command::Open(PaneName::Aliases) => self.open_aliases(),
            Command::Open(PaneName::Alarms) => self.open_alarms(),
            Command::Open(PaneName::Dlq) => self.open_dlq(None),
            Command::Open(PaneName::Metrics) => {
                let name = self.current_function();
                self.open_metrics(name, None)
            }
            Command::Open(PaneName::Cost) => self.open_cost(),
            Command::Open(PaneName::Logs) => {
                let name = self.functions.selected_function().map(|f| f.name.clone());
                self.open_logs(name.into_iter().collect())
            }
            Command::Region(region) => {
                self.flash(FlashLevel::Info, format!("switching to region {region}…"));
                let profile = Some(self.profile.clone());
                self.reconnect(profile, Some(region))
            }
            Command::Profile(profile) => {
                self.flash(FlashLevel::Info, format!("switching to profile {profile}…"));
                // A new profile brings its own default region unless the user picked one.
                self.reconnect(Some(profile), None)
            }
            Command::Theme(name) => vec![Cmd::LoadTheme(name)],
        }
    }

    /// The function a pane opened from here is about: the detail's, else the selected row's.
    fn current_function(&self) -> Option<String> {
        match self.view {
            View::Detail => self.detail.as_ref().map(|d| d.function.clone()),
            _ => self.functions.selected_function().map(|f| f.name.clone()),
        }
    }

    fn show_functions(&mut self) -> Vec<Cmd> {
        if self.view == View::Functions {
            return Vec::new();
        }
        let mut cmds = Vec::new();
        match self.view {
            View::Alarms => cmds.push(Cmd::StopPoller(PollerKind::Alarms)),
            View::Logs => cmds.push(Cmd::StopPoller(PollerKind::Logs)),
            // From the DLQ pane the DLQ poller keeps running: the functions pane shows its flags.
            View::Dlq
            | View::Functions
            | View::Detail
            | View::Aliases
            | View::Metrics
            | View::Cost => {}
        }
        self.view = View::Functions;
        if self.connected {
            cmds.push(self.functions_poller());
        }
        cmds
    }

    fn open_detail(&mut self) -> Vec<Cmd> {
        let Some(name) = self.functions.selected_function().map(|f| f.name.clone()) else {
            return Vec::new();
        };
        self.next_request += 1;
        let mut remote = Remote::default();
        remote.start_loading(self.now);
        self.detail = Some(DetailPane {
            function: name.clone(),
            remote,
            request: self.next_request,
            reveal_env: false,
            scroll: 0,
        });
        self.view = View::Detail;
        vec![
            Cmd::StopPoller(PollerKind::Functions),
            Cmd::FetchDetail {
                generation: self.generation,
                request: self.next_request,
                function: name,
            },
        ]
    }

    fn refresh_detail(&mut self) -> Vec<Cmd> {
        self.next_request += 1;
        let request = self.next_request;
        let now = self.now;
        let Some(detail) = self.detail.as_mut() else {
            return Vec::new();
        };
        detail.request = request;
        detail.remote.start_loading(now);
        vec![Cmd::FetchDetail {
            generation: self.generation,
            request,
            function: detail.function.clone(),
        }]
    }

    /// Asks STS again when the identity failed (an endpoint not up yet, a blip) at least
    /// [`IDENTITY_RETRY_S`] ago: the account is needed for the header and for alias writes.
    fn maybe_retry_identity(&mut self) -> Vec<Cmd> {
        let due = matches!(
            &self.identity.phase,
            crate::domain::Phase::Failed { at, .. }
                if self.now - *at >= chrono::Duration::seconds(IDENTITY_RETRY_S)
        );
        if !self.connected || !due {
            return Vec::new();
        }
        self.identity.start_loading(self.now);
        vec![Cmd::FetchIdentity {
            generation: self.generation,
        }]
    }

    /// lambdash's own GetMetricData spend over the last hour ($0.01 per 1,000 metrics requested).
    pub fn metrics_spend_last_hour(&self) -> f64 {
        self.metrics_spend.iter().map(|(_, usd)| usd).sum()
    }

    /// Asks for the metrics of the rows on screen plus the selection when they are missing or older
    /// than the period (60 s). One request at a time; never for a hidden pane.
    fn maybe_fetch_row_metrics(&mut self) -> Vec<Cmd> {
        if self.view != View::Functions || !self.connected || self.row_metrics_in_flight {
            return Vec::new();
        }
        let mut wanted = self.row_metrics_wanted(self.page_rows());
        if wanted.is_empty() {
            return Vec::new();
        }
        let stale = self
            .row_metrics
            .last_ok
            .is_none_or(|at| self.now - at >= chrono::Duration::seconds(ROW_METRICS_EVERY_S));
        let failed_recently = matches!(
            &self.row_metrics.phase,
            crate::domain::Phase::Failed { at, .. } if self.now - *at < chrono::Duration::seconds(ROW_METRICS_EVERY_S)
        );
        let uncovered = !wanted.is_subset(&self.row_metrics_for);
        if failed_recently || !(stale || uncovered) {
            return Vec::new();
        }
        // Keep what was already covered so scrolling back does not lose columns.
        if !stale {
            wanted.extend(self.row_metrics_for.iter().cloned());
        }
        self.row_metrics_request += 1;
        self.row_metrics_in_flight = true;
        self.row_metrics.start_loading(self.now);
        self.row_metrics_for.clone_from(&wanted);
        vec![Cmd::FetchRowMetrics {
            generation: self.generation,
            request: self.row_metrics_request,
            functions: wanted.into_iter().collect(),
        }]
    }

    /// Stops the pollers of the view being left (the functions poller restarts when it is shown again).
    fn leave_view(&mut self) -> Vec<Cmd> {
        match self.view {
            View::Functions | View::Detail | View::Aliases => {
                vec![Cmd::StopPoller(PollerKind::Functions)]
            }
            View::Alarms => vec![Cmd::StopPoller(PollerKind::Alarms)],
            View::Logs => vec![Cmd::StopPoller(PollerKind::Logs)],
            View::Dlq => vec![Cmd::StopPoller(PollerKind::Dlq)],
            View::Metrics | View::Cost => Vec::new(),
        }
    }

    /// Actions that mean the same in every view.
    fn on_global_action(&mut self, action: Action) -> Vec<Cmd> {
        match action {
            Action::Quit => {
                self.should_quit = true;
                vec![Cmd::Quit]
            }
            Action::Help => {
                self.mode = Mode::Help { scroll: 0 };
                Vec::new()
            }
            Action::Palette => {
                self.mode = Mode::Palette {
                    input: String::new(),
                    completion: None,
                };
                Vec::new()
            }
            _ => {
                self.flash(
                    FlashLevel::Info,
                    "filter applies to the functions list: Esc first",
                );
                Vec::new()
            }
        }
    }

    fn on_action(&mut self, action: Action) -> Vec<Cmd> {
        if self.view == View::Aliases {
            return self.on_aliases_action(action);
        }
        if self.view == View::Alarms {
            return self.on_alarms_action(action);
        }
        if self.view == View::Logs {
            return self.on_logs_action(action);
        }
        if self.view == View::Dlq {
            return self.on_dlq_action(action);
        }
        if self.view == View::Metrics {
            return self.on_metrics_action(action);
        }
        if self.view == View::Cost {
            return self.on_cost_action(action);
        }
        if action == Action::OpenMetrics {
            let name = self.current_function();
            return self.open_metrics(name, None);
        }
        if action == Action::OpenCost {
            return self.open_cost();
        }
        if action == Action::OpenDlq {
            let only = match self.view {
                View::Detail => self.detail.as_ref().map(|d| d.function.clone()),
                _ => None,
            };
            return self.open_dlq(only);
        }
        if action == Action::OpenLogs {
            let names: Vec<String> = match self.view {
                View::Detail => self.detail.iter().map(|d| d.function.clone()).collect(),
                _ if !self.functions.marked.is_empty() => {
                    self.functions.marked.iter().cloned().collect()
                }
                _ => self
                    .functions
                    .selected_function()
                    .map(|f| f.name.clone())
                    .into_iter()
                    .collect(),
            };
            return self.open_logs(names);
        }
        if action == Action::Mark && self.view == View::Functions {
            if let Some(name) = self.functions.selected_function().map(|f| f.name.clone())
                && !self.functions.marked.remove(&name)
            {
                self.functions.marked.insert(name);
            }
            self.functions.move_by(1);
            let rows = self.page_rows();
            self.functions.scroll_into_view(rows);
            return Vec::new();
        }
        if action == Action::OpenAlarms {
            return self.open_alarms();
        }
        if action == Action::OpenAliases {
            return self.open_aliases();
        }
        let rows = self.page_rows();
        match (action, self.view) {
            (Action::Quit | Action::Help | Action::Palette, _) | (Action::Filter, View::Detail) => {
                return self.on_global_action(action);
            }
            (Action::Filter, View::Functions) => self.mode = Mode::Filter,
            (Action::Refresh, View::Functions) => {
                return vec![Cmd::RefreshNow(PollerKind::Functions)];
            }
            (Action::Refresh, View::Detail) => return self.refresh_detail(),
            (Action::Enter, View::Functions) => return self.open_detail(),
            (Action::NextPane, View::Functions) => {
                if self.detail.is_some() || self.aliases.is_some() {
                    self.view = if self.detail.is_some() {
                        View::Detail
                    } else {
                        View::Aliases
                    };
                    return vec![Cmd::StopPoller(PollerKind::Functions)];
                }
                self.flash(
                    FlashLevel::Info,
                    "no other pane open yet: Enter opens a function, a its aliases",
                );
            }
            (Action::NextPane, View::Detail) if self.aliases.is_some() => self.view = View::Aliases,
            (Action::NextPane | Action::Back, View::Detail) => return self.show_functions(),
            (Action::Back, View::Functions) if !self.functions.filter_input.is_empty() => {
                let keep = self.functions.selected_function().map(|f| f.name.clone());
                self.functions.filter_input.clear();
                self.functions.rebuild_view(keep.as_deref());
            }
            (Action::SortNext, View::Functions) => {
                let keep = self.functions.selected_function().map(|f| f.name.clone());
                self.functions.sort = self.functions.sort.next();
                self.functions.descending = false;
                self.functions.rebuild_view(keep.as_deref());
            }
            (Action::WorstFirst, View::Functions) => self.sort_worst_first(),
            (Action::SortReverse, View::Functions) => {
                let keep = self.functions.selected_function().map(|f| f.name.clone());
                self.functions.descending = !self.functions.descending;
                self.functions.rebuild_view(keep.as_deref());
            }
            (Action::CopyConsoleUrl, view) => {
                let name = match view {
                    View::Detail => self.detail.as_ref().map(|d| d.function.clone()),
                    View::Logs => self
                        .logs
                        .as_ref()
                        .and_then(|l| l.functions.first().cloned()),
                    View::Metrics => self.metrics.as_ref().map(|m| m.function.clone()),
                    View::Functions | View::Aliases | View::Alarms | View::Dlq | View::Cost => {
                        self.functions.selected_function().map(|f| f.name.clone())
                    }
                };
                if let Some(name) = name {
                    let url = console_url(&self.region, &name);
                    self.flash(FlashLevel::Info, format!("copied (OSC 52): {url}"));
                    return vec![Cmd::Copy(url)];
                }
            }
            (Action::RevealEnv, View::Detail) => {
                if let Some(d) = self.detail.as_mut() {
                    d.reveal_env = !d.reveal_env;
                }
            }
            (Action::Up, View::Functions) => self.functions.move_by(-1),
            (Action::Down, View::Functions) => self.functions.move_by(1),
            (Action::Top, View::Functions) => self.functions.select(0),
            (Action::Bottom, View::Functions) => self.functions.select(usize::MAX),
            (Action::PageUp, View::Functions) => self.functions.move_by(-(rows as isize)),
            (Action::PageDown, View::Functions) => self.functions.move_by(rows as isize),
            (
                Action::Up
                | Action::Down
                | Action::Top
                | Action::Bottom
                | Action::PageUp
                | Action::PageDown,
                View::Detail,
            ) => {
                if let Some(d) = self.detail.as_mut() {
                    let page = u16::try_from(rows).unwrap_or(u16::MAX);
                    d.scroll = match action {
                        Action::Up => d.scroll.saturating_sub(1),
                        Action::Down => d.scroll.saturating_add(1),
                        Action::PageUp => d.scroll.saturating_sub(page),
                        Action::PageDown => d.scroll.saturating_add(page),
                        Action::Top => 0,
                        _ => u16::MAX / 2,
                    };
                }
            }
            // Everything else means nothing in these views (the other views route their own keys).
            _ => {}
        }
        self.functions.scroll_into_view(rows);
        Vec::new()
    }

    fn on_mouse(&mut self, ev: MouseEvent) -> Vec<Cmd> {
        if self.mode != Mode::Normal {
            return Vec::new();
        }
        match (ev.kind, self.view) {
            (MouseEventKind::ScrollDown, View::Functions) => self.functions.move_by(3),
            (MouseEventKind::ScrollUp, View::Functions) => self.functions.move_by(-3),
            (MouseEventKind::ScrollDown, View::Detail) => {
                return self.on_action(Action::Down);
            }
            (MouseEventKind::ScrollUp, View::Detail) => return self.on_action(Action::Up),
            (MouseEventKind::Down(MouseButton::Left), View::Functions) => {
                let body = self.layout.table_body;
                let header = self.layout.table_header;
                if contains(body, ev.column, ev.row) {
                    let index = self.functions.offset + usize::from(ev.row - body.y);
                    if index < self.functions.view.len() {
                        self.functions.select(index);
                    }
                } else if contains(header, ev.column, ev.row) {
                    let hit = self
                        .layout
                        .columns
                        .iter()
                        .find(|(start, end, _)| ev.column >= *start && ev.column < *end)
                        .map(|(_, _, c)| *c);
                    if let Some(column) = hit {
                        let keep = self.functions.selected_function().map(|f| f.name.clone());
                        if self.functions.sort == column {
                            self.functions.descending = !self.functions.descending;
                        } else {
                            self.functions.sort = column;
                            self.functions.descending = false;
                        }
                        self.functions.rebuild_view(keep.as_deref());
                    }
                }
            }
            _ => return Vec::new(),
        }
        let rows = self.page_rows();
        self.functions.scroll_into_view(rows);
        Vec::new()
    }
}

/// The first row to show so that `selected` is on screen in a table body `rows` high, moving the
/// current `offset` as little as possible and never past the end of `len` rows.
pub(crate) fn scrolled_offset(selected: usize, offset: usize, rows: usize, len: usize) -> usize {
    let rows = rows.max(1);
    let offset = if selected < offset {
        selected
    } else if selected >= offset + rows {
        selected + 1 - rows
    } else {
        offset
    };
    offset.min(len.saturating_sub(rows))
}

fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x.saturating_add(r.width) && y >= r.y && y < r.y.saturating_add(r.height)
}

#[cfg(test)]
pub(crate) mod tests;
#[cfg(test)]
mod tests_metrics;
