//! What flows into `update` (`Msg`) and what comes out of it (`Cmd`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use crate::domain::{Function, FunctionDetail, Identity};
use crate::theme::Theme;

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
    /// A page of `ListFunctions` for refresh `run` of connection `generation`.
    FunctionsPage {
        generation: u64,
        run: u64,
        page: Vec<Function>,
    },
    /// The end of a refresh: `Ok(total)` or the error that stopped it.
    FunctionsDone {
        generation: u64,
        run: u64,
        result: Result<usize, String>,
        now: DateTime<Utc>,
    },
    /// The poller is about to start refresh `run`.
    FunctionsStarted {
        generation: u64,
        run: u64,
        now: DateTime<Utc>,
    },
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
    /// Terminal signal (SIGTERM/SIGHUP/SIGINT): leave cleanly.
    Shutdown,
}

/// The pollers lambdash can run. Only those for what is on screen run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PollerKind {
    Functions,
}

/// Side effects requested by `update`, executed by the runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    Bell,
    Quit,
}
