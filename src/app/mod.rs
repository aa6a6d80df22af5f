//! The pure application state machine: `App::update(Msg) -> Vec<Cmd>`.
//!
//! No `.await`, no I/O, no clock reads: time comes in on messages, effects go out as commands. Every key
//! press and every poll result can be tested by calling `update` and looking at the state and the commands.

mod staleness;

pub mod functions_sort;
mod input;
pub mod modes;
pub mod msg;
pub mod nav;
pub mod panes;
mod state;

pub use state::{Confirm, Flash, FlashLevel, Init, InputPurpose, Layout, Mode, ScrollBounds, View};

// The keymap lives below `config` and `app` (both use it); `app::keymap` is its old path.
pub use crate::keymap;
// The panes and modes keep their short paths (`app::logs::LogsPane`, `app::filter::Filter`).
pub use modes::line::LineEdit;
pub use modes::{filter, palette};
pub use panes::detail::DetailPane;
pub use panes::{alarms, aliases, cost, dlq, functions, logs, metrics};

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use crate::aws::lambda::console_url;
use crate::config::Config;
use crate::domain::{Identity, Remote};
use crate::theme::Theme;

use alarms::{AlarmDetail, AlarmsPane};
use aliases::{AliasFocus, AliasesPane};
use dlq::{DlqPane, PathChooser, PeekView, RedriveRun};
pub use functions::{FunctionsPane, SortColumn};
pub use keymap::{Action, Scope};
use logs::{LogsPane, LogsView, TailState};
pub use msg::{
    AlarmsMsg, AliasesCmd, AliasesMsg, Cmd, DlqCmd, DlqMsg, FunctionsMsg, LogsCmd, LogsMsg, Msg,
    PollerKind,
};

use crate::domain::alias::{CANARY_STEPS, PlanError};
use crate::writes::Write;

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
    /// The metrics pane (one function's charts).
    pub metrics: Option<metrics::MetricsPane>,
    /// Where Esc goes back to: the views this one was opened from, oldest first (the functions list
    /// is always the root).
    pub nav: Vec<nav::NavEntry>,
    /// What each kind of prompt was given before (↑/↓), in memory.
    pub history: modes::line::History,
    /// The region a `:region` switch asked for, until the connection says it is done.
    switching_to: Option<String>,
    /// The local time zone's offset (set by the program at start; UTC in tests): times typed while
    /// the logs show local time are read in it.
    pub local_offset: chrono::FixedOffset,
    pub cost: cost::CostPane,
    /// The kill switch: what is known of reserved concurrency, and the `K` answer awaited.
    pub kill_switch: modes::kill_switch::KillSwitchState,
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
    /// How much of each AWS quota lambdash uses (status bar, `:quota`), from the runtime.
    pub quota: crate::domain::quota::QuotaSnapshot,
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
            nav: Vec::new(),
            history: modes::line::History::default(),
            switching_to: None,
            local_offset: chrono::Offset::fix(&chrono::Utc),
            cost: cost::CostPane::default(),
            kill_switch: modes::kill_switch::KillSwitchState::default(),
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
            quota: crate::domain::quota::QuotaSnapshot::default(),
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
            View::Dlq if self.dlq.chooser.is_none() => match &self.dlq.peek {
                Some(p) if p.detail => Scope::DlqMessage,
                Some(_) => Scope::DlqMessages,
                None => Scope::Dlq,
            },
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
        let text = text.into();
        // Being throttled is not an error on screen: a warning (pollers retry by themselves; the
        // status bar says so in error colours once the data is stale, see `staleness`).
        let level = if level == FlashLevel::Error && staleness::is_throttle_text(&text) {
            FlashLevel::Warn
        } else {
            level
        };
        let ttl = chrono::Duration::from_std(self.config.flash_ttl)
            .unwrap_or_else(|_| chrono::Duration::seconds(6));
        self.flash = Some(Flash {
            text,
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
        self.cost = cost::CostPane {
            range: self.cost.range,
            ..cost::CostPane::default()
        };
        self.row_metrics = Remote::default();
        self.row_metrics_for.clear();
        self.row_metrics_in_flight = false;
        self.firing = Remote::default();
        self.view = View::Functions;
        self.nav.clear();
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
    ///
    /// A router: each pane's answers go to its `panes/<pane>/update.rs`, the app-wide ones to the
    /// handlers below.
    pub fn update(&mut self, msg: Msg) -> Vec<Cmd> {
        match msg {
            Msg::Tick {
                now,
                api_calls_total,
            } => self.on_tick(now, api_calls_total),
            Msg::Key(key) => self.on_key(key),
            Msg::Mouse(ev) => self.on_mouse(ev),
            Msg::Resize => Vec::new(),
            Msg::Connected {
                generation,
                profile,
                region,
            } => self.on_connected(generation, profile, region),
            Msg::ConnectFailed { generation, error } => {
                if generation == self.generation {
                    self.identity.fail(error.clone(), self.now);
                    self.functions.remote.fail(error.clone(), self.now);
                    self.flash(FlashLevel::Error, error);
                }
                Vec::new()
            }
            Msg::Identity { generation, result } => self.on_identity(generation, result),
            Msg::ThemeLoaded(result) => self.on_theme_loaded(result),
            Msg::WriteDone { generation, result } => self.on_write_done(generation, result),
            Msg::KillSwitch {
                generation,
                request,
                function,
                result,
            } => self.on_kill_switch_answer(generation, request, &function, result),
            Msg::StoppedLoaded {
                generation,
                remembered,
            } => self.on_stopped_loaded(generation, remembered),
            Msg::Functions(msg) => self.on_functions_msg(msg),
            Msg::Detail {
                generation,
                request,
                result,
                now,
            } => self.on_detail(generation, request, result, now),
            Msg::Aliases(msg) => self.on_aliases_msg(msg),
            Msg::Alarms(msg) => self.on_alarms_msg(msg),
            Msg::Logs(msg) => self.on_logs_msg(msg),
            Msg::Dlq(msg) => self.on_dlq_msg(msg),
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
            Msg::Quota(snapshot) => {
                self.quota = *snapshot;
                Vec::new()
            }
            Msg::Repaired { operation, answers } => {
                self.flash(
                    FlashLevel::Warn,
                    crate::aws::scheduler::repair::describe(&operation, answers),
                );
                Vec::new()
            }
            Msg::Shutdown => {
                self.should_quit = true;
                vec![Cmd::Quit]
            }
        }
    }

    /// The clock: keeps a minute of API-call samples and an hour of metrics spend, expires the flash,
    /// and asks for whatever fell due.
    fn on_tick(&mut self, now: DateTime<Utc>, api_calls_total: u64) -> Vec<Cmd> {
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

    /// Clients were rebuilt: the profile's rules apply, the functions and firing pollers start.
    fn on_connected(&mut self, generation: u64, profile: String, region: String) -> Vec<Cmd> {
        if generation != self.generation {
            return Vec::new();
        }
        self.connected = true;
        self.say_switched();
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

    fn on_identity(&mut self, generation: u64, result: Result<Identity, String>) -> Vec<Cmd> {
        if generation == self.generation {
            match result {
                Ok(id) => {
                    let account = id.account.clone();
                    self.identity.succeed(id, self.now);
                    // The functions lambdash stopped here (the table's STOPPED flag).
                    return vec![Cmd::LoadStopped {
                        generation,
                        account,
                    }];
                }
                Err(e) => {
                    self.identity.fail(e.clone(), self.now);
                    self.flash(FlashLevel::Error, e);
                }
            }
        }
        Vec::new()
    }

    fn on_theme_loaded(&mut self, result: Result<Box<Theme>, String>) -> Vec<Cmd> {
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

    /// The function a pane opened from here is about: the one the pane shows (the detail's, the tailed
    /// one, the charted one, the selected alarm's or queue's or cost row's), else the selected row's.
    fn current_function(&self) -> Option<String> {
        let here = match self.view {
            View::Detail => self.detail.as_ref().map(|d| d.function.clone()),
            View::Logs => self
                .logs
                .as_ref()
                .and_then(|l| l.functions.first().cloned()),
            View::Metrics => self.metrics.as_ref().map(|m| m.function.clone()),
            View::Aliases => self.aliases.as_ref().map(|a| a.function.clone()),
            View::Alarms => self
                .alarms
                .selected_alarm()
                .and_then(|a| self.alarm_function(a)),
            View::Dlq => self
                .dlq
                .peek
                .as_ref()
                .map(|p| &p.queue)
                .or_else(|| self.dlq.selected_dlq())
                .and_then(|d| d.functions.first().cloned()),
            View::Cost => self
                .cost
                .remote
                .data
                .as_ref()
                .and_then(|d| d.report.rows.get(self.cost.selected))
                .map(|r| r.function.clone()),
            View::Functions => None,
        };
        here.or_else(|| self.functions.selected_function().map(|f| f.name.clone()))
    }

    fn show_functions(&mut self) -> Vec<Cmd> {
        self.nav.clear();
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

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_metrics;
