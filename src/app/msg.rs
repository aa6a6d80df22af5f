//! What flows into `update` (`Msg`) and what comes out of it (`Cmd`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use crate::app::aliases::AliasData;
use crate::domain::alarm::{Alarm, AlarmHistoryItem};
use crate::domain::{Function, FunctionDetail, Identity};
use crate::theme::Theme;
use crate::writes::Write;

pub use crate::app::dlq::{DlqCmd, DlqMsg};
pub use crate::domain::cancel::CancelFlag;

/// Everything that can happen to the app. Time always arrives on a message; `update` never reads a clock.
#[derive(Debug)]
pub enum Msg {
    /// The clock: once a second, faster while something is loading. `api_calls_total` is the running
    /// count of HTTP attempts made by every client (from the SDK interceptor).
    Tick {
        now: DateTime<Utc>,
        api_calls_total: u64,
    },
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize,
    /// The functions pane's answers: the poller's pages and the rows' metrics.
    Functions(FunctionsMsg),
    Identity {
        generation: u64,
        result: Result<Identity, String>,
    },
    Detail {
        generation: u64,
        request: u64,
        result: Result<Box<FunctionDetail>, String>,
        now: DateTime<Utc>,
    },
    /// Clients were rebuilt for a new profile/region.
    Connected {
        generation: u64,
        profile: String,
        region: String,
    },
    ConnectFailed {
        generation: u64,
        error: String,
    },
    ThemeLoaded(Result<Box<Theme>, String>),
    /// The aliases pane's answers.
    Aliases(AliasesMsg),
    /// The alarms pane's and the header's alarm answers.
    Alarms(AlarmsMsg),
    /// What the logs pane's tail and its save say.
    Logs(LogsMsg),
    /// How much of each AWS quota lambdash uses now (sent by the runtime when a figure changes).
    Quota(Box<crate::domain::quota::QuotaSnapshot>),
    /// More answers of `operation` had to be repaired before they could be read (characters their
    /// protocol forbids, shown as U+FFFD); `answers` is the session's total for it.
    Repaired {
        operation: String,
        answers: u64,
    },
    /// The metrics pane's series, with (when asked for) the alarms and aliases drawn on them.
    PaneMetrics {
        generation: u64,
        request: u64,
        result: Result<Box<crate::domain::metrics::MetricsBatch>, String>,
        /// `(alarms, aliases)`, each with why it failed; `None` when not asked for this time.
        context: Option<Box<PaneContext>>,
        now: DateTime<Utc>,
    },
    /// The cost pane's estimate.
    Cost {
        generation: u64,
        request: u64,
        result: Result<Box<crate::app::cost::CostData>, String>,
        now: DateTime<Utc>,
    },
    /// A confirmed write finished: a one-line summary, or the error.
    WriteDone {
        generation: u64,
        result: Result<String, String>,
    },
    /// `K`: the function's reserved concurrency and lambdash's memory of having stopped it.
    KillSwitch {
        generation: u64,
        request: u64,
        function: String,
        result: Result<crate::app::modes::kill_switch::ReservedNow, String>,
    },
    /// The functions of this account and region lambdash stopped (`stopped.json`), by name.
    StoppedLoaded {
        generation: u64,
        remembered: std::collections::BTreeMap<String, crate::domain::concurrency::Remembered>,
    },
    /// The answer to a `Cmd::Dlq`.
    Dlq(crate::app::dlq::DlqMsg),
    /// Terminal signal (SIGTERM/SIGHUP/SIGINT): leave cleanly.
    Shutdown,
}

/// What the logs poller says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogsPoll {
    Following,
    Throttled { retry_in: Duration },
    Failed(String),
}

/// The pollers lambdash can run. Only those for what is on screen run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PollerKind {
    Functions,
    /// Every alarm, while the alarms pane is open.
    Alarms,
    /// Alarms in ALARM, always (the header count, flips to ALARM).
    Firing,
    /// The logs pane's tail.
    Logs,
    /// DLQ discovery and depths, while the DLQ pane is open.
    Dlq,
}

/// The context of the metrics pane's charts: alarms on the function and its aliases.
#[derive(Clone, Debug, PartialEq)]
pub struct PaneContext {
    pub alarms: Result<Vec<crate::domain::alarm::Alarm>, String>,
    pub aliases: Result<Vec<crate::domain::alias::Alias>, String>,
}

/// Side effects requested by `update`, executed by the runtime.
#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    /// Start (or restart) a poller: first run after `first_in`, then every `every`.
    StartPoller {
        kind: PollerKind,
        generation: u64,
        every: Duration,
        first_in: Duration,
    },
    StopPoller(PollerKind),
    /// Wake a running poller now.
    RefreshNow(PollerKind),
    FetchIdentity {
        generation: u64,
    },
    FetchDetail {
        generation: u64,
        request: u64,
        function: String,
    },
    /// Put text on the clipboard with OSC 52 (works over SSH and tmux).
    Copy(String),
    /// Rebuild every client for another profile/region and reload.
    Reconnect {
        generation: u64,
        profile: Option<String>,
        region: Option<String>,
    },
    LoadTheme(String),
    /// The logs pane's commands.
    Logs(LogsCmd),
    /// GetMetricData for these functions' row series (batched, ≤ 500 a call).
    FetchRowMetrics {
        generation: u64,
        request: u64,
        functions: Vec<String>,
    },
    /// GetMetricData for one function (whole, plus each qualifier) over `range` ending at `end`
    /// (now when `None`); with `context`, also its alarms and aliases (answer: `Msg::PaneMetrics`).
    FetchPaneMetrics {
        generation: u64,
        request: u64,
        function: String,
        qualifiers: Vec<(crate::domain::metrics::QualifierKind, String)>,
        range: Duration,
        period_s: i32,
        end: Option<DateTime<Utc>>,
        context: bool,
    },
    /// Every function's usage over `range`, costed with the region's prices (answer: `Msg::Cost`).
    FetchCost {
        generation: u64,
        request: u64,
        range: Duration,
    },
    FetchAlarmHistory {
        generation: u64,
        request: u64,
        name: String,
    },
    /// The aliases pane's commands (answers: [`AliasesMsg`]).
    Aliases(AliasesCmd),
    /// Execute a write the user confirmed (audited; never sent in read-only mode).
    Write {
        generation: u64,
        write: Box<Write>,
    },
    /// `K`: read one function's reserved concurrency (GetFunctionConcurrency) and `stopped.json`.
    FetchKillSwitch {
        generation: u64,
        request: u64,
        account: String,
        function: String,
    },
    /// Read `stopped.json` for this account and region (no AWS call).
    LoadStopped {
        generation: u64,
        account: String,
    },
    /// Other DLQ work (answers come back as `Msg::Dlq`).
    Dlq(crate::app::dlq::DlqCmd),
    Bell,
    Quit,
}

/// The functions pane's answers: the poller's pages and the rows' metrics.
#[derive(Debug)]
pub enum FunctionsMsg {
    /// The list the last start kept on disk (`saved_at`), sent once before the first run starts.
    Cached {
        generation: u64,
        functions: Vec<Function>,
        saved_at: DateTime<Utc>,
    },
    /// The poller is about to start refresh `run`.
    Started {
        generation: u64,
        run: u64,
        now: DateTime<Utc>,
    },
    /// A page of `ListFunctions` for refresh `run` of connection `generation`.
    Page {
        generation: u64,
        run: u64,
        page: Vec<Function>,
    },
    /// The end of a refresh: `Ok(total)` or the error that stopped it.
    Done {
        generation: u64,
        run: u64,
        result: Result<usize, String>,
        now: DateTime<Utc>,
    },
    /// Metrics of the functions pane's rows (4 series each, one batch).
    RowMetrics {
        generation: u64,
        request: u64,
        result: Result<Box<crate::domain::metrics::MetricsBatch>, String>,
        now: DateTime<Utc>,
    },
}

/// The aliases pane's answers.
#[derive(Debug)]
pub enum AliasesMsg {
    /// A function's aliases and versions.
    Loaded {
        generation: u64,
        request: u64,
        result: Result<AliasData, String>,
        now: DateTime<Utc>,
    },
    /// The rollback of an alias, planned from the remembered state (to be confirmed).
    RollbackPlanned {
        generation: u64,
        result: Result<Box<Write>, String>,
    },
    /// The versions behind `function:alias` side by side (the aliases pane's comparison panel).
    Comparison {
        generation: u64,
        request: u64,
        function: String,
        alias: String,
        result: Result<Box<crate::domain::alias::compare::VersionComparison>, String>,
        now: DateTime<Utc>,
    },
    /// The account's CodeDeploy deployments to Lambda aliases (the aliases pane's cache).
    CodeDeploy {
        generation: u64,
        request: u64,
        result: Result<Box<crate::domain::alias::codedeploy::CodeDeployScan>, String>,
        now: DateTime<Utc>,
    },
}

/// The alarms pane's and the header's alarm answers.
#[derive(Debug)]
pub enum AlarmsMsg {
    /// Every alarm of the account/region (the alarms pane's poller).
    Loaded {
        generation: u64,
        result: Result<Vec<Alarm>, String>,
        now: DateTime<Utc>,
    },
    /// The alarms in ALARM (the header's background poller).
    Firing {
        generation: u64,
        result: Result<Vec<Alarm>, String>,
        now: DateTime<Utc>,
    },
    History {
        generation: u64,
        request: u64,
        /// `Err((message, unsupported))`: unsupported when the endpoint lacks the API.
        result: Result<Vec<AlarmHistoryItem>, (String, bool)>,
        now: DateTime<Utc>,
    },
}

/// What the logs pane's tail and its save say.
#[derive(Debug)]
pub enum LogsMsg {
    /// Log events for the logs pane (already de-duplicated and in timestamp order).
    Events {
        generation: u64,
        session: u64,
        events: Vec<crate::domain::log::LogEvent>,
    },
    /// How the tail is doing: following, throttled (retrying by itself), or failing (retrying).
    State {
        generation: u64,
        session: u64,
        state: LogsPoll,
        now: DateTime<Utc>,
    },
    /// What a logs tail says besides events and health: Live Tail or polling (and why), a range's
    /// backfill progress and end.
    Info {
        generation: u64,
        session: u64,
        info: crate::domain::log::TailInfo,
    },
    /// The buffer was saved to a file (the path), or could not be.
    Saved(Result<String, String>),
}

/// The logs pane's commands.
#[derive(Clone, Debug, PartialEq)]
pub enum LogsCmd {
    /// Start (or restart) the logs pane's tail: the last `last_n` events whatever their age, then follow.
    Start {
        generation: u64,
        session: u64,
        functions: Vec<String>,
        filter: Option<String>,
        last_n: usize,
        window: Duration,
        /// Live Tail, polling, or Live Tail while it works.
        mode: crate::domain::log::TailMode,
        /// A range backfilled instead of the last `last_n` events (followed if it ends now).
        range: Option<crate::logs::range::RangeSpec>,
    },
    /// Write text to a file (the logs buffer); answer `Msg::Logs(LogsMsg::Saved)`.
    SaveFile { path: String, text: String },
}

/// The aliases pane's commands (answers: [`AliasesMsg`]).
#[derive(Clone, Debug, PartialEq)]
pub enum AliasesCmd {
    Fetch {
        generation: u64,
        request: u64,
        function: String,
    },
    /// Read the rollback memory and plan restoring `alias` (answer: `Msg::Aliases(AliasesMsg::RollbackPlanned)`).
    PlanRollback {
        generation: u64,
        account: String,
        function: String,
        alias: String,
    },
    /// GetMetricData for the versions behind an alias routed as `state` (answer: `Msg::Aliases(AliasesMsg::Comparison)`).
    FetchComparison {
        generation: u64,
        request: u64,
        function: String,
        alias: String,
        state: crate::domain::alias::AliasState,
    },
    /// Scan CodeDeploy for deployments to Lambda aliases (answer: `Msg::Aliases(AliasesMsg::CodeDeploy)`).
    FetchCodeDeploy { generation: u64, request: u64 },
}
