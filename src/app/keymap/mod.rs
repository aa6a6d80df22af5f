//! The key bindings. Help (`?`) and the footer hints are generated from this table, so they cannot drift
//! from what the keys do.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

mod overrides;
pub use overrides::{
    KeyOverrides, action_by_name, action_name, action_names, hints_with, lookup_with, parse_key,
};

/// What a key does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Up,
    Down,
    Top,
    Bottom,
    PageUp,
    PageDown,
    Filter,
    Palette,
    Help,
    Back,
    Quit,
    Enter,
    NextPane,
    SortNext,
    SortReverse,
    /// Functions: sort by HEALTH, most severe first.
    WorstFirst,
    Refresh,
    RevealEnv,
    CopyConsoleUrl,
    OpenAliases,
    FocusLeft,
    FocusRight,
    /// Canary step `n` of `domain::alias::CANARY_STEPS`.
    Canary(usize),
    Promote,
    Rollback,
    Publish,
    OpenAlarms,
    ToggleFunctionAlarms,
    Mark,
    Mute,
    JumpLogs,
    JumpMetrics,
    OpenLogs,
    Follow,
    Wrap,
    Timestamps,
    Streams,
    Pretty,
    NextMatch,
    PrevMatch,
    ServerFilter,
    NextError,
    Invocations,
    CopyLine,
    Save,
    /// Logs: the time range `PRESETS[n]` (15m, 1h, 3h, 24h).
    LogRange(usize),
    /// Logs: type a time range.
    LogRangeCustom,
    /// Logs: auto → live → poll.
    SwitchTailMode,
    OpenDlq,
    Peek,
    Redrive,
    Purge,
    DeleteMessage,
    Export,
    /// DLQ: what a redrive would do, without doing it.
    DryRun,
    /// DLQ: a faster / slower redrive rate.
    RateUp,
    RateDown,
    Cancel,
    OpenMetrics,
    OpenCost,
    /// Range `n` of `domain::metrics::MetricsRange::ALL`.
    Range(usize),
    Compare,
    /// Leave an alarm's time and show the range up to now.
    Now,
    /// DLQ: the next / previous peeked message (the detail shows it).
    NextMessage,
    PrevMessage,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    Functions,
    Detail,
    Aliases,
    Alarms,
    Logs,
    Invocations,
    Dlq,
    DlqMessages,
    /// One peeked message's detail.
    DlqMessage,
    Metrics,
    Cost,
}

impl Scope {
    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "Everywhere",
            Scope::Functions => "Functions",
            Scope::Detail => "Function detail",
            Scope::Aliases => "Aliases and versions",
            Scope::Alarms => "Alarms",
            Scope::Logs => "Logs",
            Scope::Invocations => "Invocations (logs)",
            Scope::Dlq => "Dead-letter queues",
            Scope::DlqMessages => "Peeked DLQ messages",
            Scope::DlqMessage => "DLQ message detail",
            Scope::Metrics => "Metrics",
            Scope::Cost => "Cost",
        }
    }
}

/// One key the user can press.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: false,
    }
}

const fn code(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

impl Key {
    pub fn label(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            KeyCode::Left => "←".to_string(),
            KeyCode::Right => "→".to_string(),
            KeyCode::PageUp => "PgUp".to_string(),
            KeyCode::PageDown => "PgDn".to_string(),
            KeyCode::Home => "Home".to_string(),
            KeyCode::End => "End".to_string(),
            KeyCode::Enter => "Enter".to_string(),
            KeyCode::Esc => "Esc".to_string(),
            KeyCode::Tab => "Tab".to_string(),
            KeyCode::BackTab => "S-Tab".to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.ctrl {
            format!("Ctrl-{base}")
        } else {
            base
        }
    }

    fn matches(self, ev: &KeyEvent) -> bool {
        let ev_ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        self.code == ev.code && self.ctrl == ev_ctrl
    }
}

/// A binding: keys, action, where it applies, and what help says about it.
#[derive(Clone, Copy, Debug)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub scope: Scope,
    pub desc: &'static str,
    /// Short label shown in the footer of its scope, if any.
    pub hint: Option<&'static str>,
}

impl Binding {
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join("/")
    }
}

const fn bind(
    keys: &'static [Key],
    action: Action,
    scope: Scope,
    desc: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        keys,
        action,
        scope,
        desc,
        hint,
    }
}

/// Every binding. Scoped bindings are looked up before global ones.
pub const BINDINGS: &[Binding] = &[
    bind(
        &[ch('j'), code(KeyCode::Down)],
        Action::Down,
        Scope::Global,
        "move down",
        None,
    ),
    bind(
        &[ch('k'), code(KeyCode::Up)],
        Action::Up,
        Scope::Global,
        "move up",
        None,
    ),
    bind(
        &[ch('g'), code(KeyCode::Home)],
        Action::Top,
        Scope::Global,
        "go to top",
        None,
    ),
    bind(
        &[ch('G'), code(KeyCode::End)],
        Action::Bottom,
        Scope::Global,
        "go to bottom",
        None,
    ),
    bind(
        &[code(KeyCode::PageUp), ctrl('b')],
        Action::PageUp,
        Scope::Global,
        "page up",
        None,
    ),
    bind(
        &[code(KeyCode::PageDown), ctrl('f')],
        Action::PageDown,
        Scope::Global,
        "page down",
        None,
    ),
    bind(
        &[ch('/')],
        Action::Filter,
        Scope::Global,
        "filter (fuzzy; leading ! inverts)",
        None,
    ),
    bind(
        &[ch('/')],
        Action::Filter,
        Scope::Functions,
        "filter (fuzzy; leading ! inverts)",
        Some("filter"),
    ),
    bind(
        &[ch('/')],
        Action::Filter,
        Scope::Alarms,
        "filter (fuzzy; leading ! inverts)",
        Some("filter"),
    ),
    bind(
        &[ch(':')],
        Action::Palette,
        Scope::Global,
        "command palette",
        Some("command"),
    ),
    bind(
        &[ch('?')],
        Action::Help,
        Scope::Global,
        "help",
        Some("help"),
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::Global,
        "back / clear filter",
        None,
    ),
    bind(
        &[ch('q'), ctrl('c')],
        Action::Quit,
        Scope::Global,
        "quit",
        Some("quit"),
    ),
    bind(
        &[code(KeyCode::Tab)],
        Action::NextPane,
        Scope::Global,
        "next pane",
        None,
    ),
    bind(
        &[ch('r'), ctrl('r')],
        Action::Refresh,
        Scope::Global,
        "refresh now",
        Some("refresh"),
    ),
    // Pane switches work from every pane (a pane that gives one of these keys its own meaning says
    // so in its own scope, which wins).
    bind(
        &[ch('A')],
        Action::OpenAlarms,
        Scope::Global,
        "the alarms of the account",
        None,
    ),
    bind(
        &[ch('D')],
        Action::OpenDlq,
        Scope::Global,
        "the dead-letter queues (from the detail: of that function)",
        None,
    ),
    bind(
        &[ch('a')],
        Action::OpenAliases,
        Scope::Global,
        "the aliases of the function shown or selected",
        None,
    ),
    bind(
        &[ch('$')],
        Action::OpenCost,
        Scope::Global,
        "the estimated cost of every function",
        None,
    ),
    bind(
        &[code(KeyCode::Enter)],
        Action::Enter,
        Scope::Functions,
        "open function detail",
        Some("detail"),
    ),
    bind(
        &[ch('s')],
        Action::SortNext,
        Scope::Functions,
        "sort by next column",
        Some("sort"),
    ),
    bind(
        &[ch('!')],
        Action::WorstFirst,
        Scope::Functions,
        "worst first (sort by HEALTH)",
        None,
    ),
    bind(
        &[ch('S')],
        Action::SortReverse,
        Scope::Functions,
        "reverse sort order",
        Some("reverse"),
    ),
    bind(
        &[ch('o')],
        Action::CopyConsoleUrl,
        Scope::Functions,
        "copy console URL (OSC 52)",
        Some("console URL"),
    ),
    bind(
        &[ch('v')],
        Action::RevealEnv,
        Scope::Detail,
        "show / mask env values",
        Some("reveal env"),
    ),
    bind(
        &[ch('o')],
        Action::CopyConsoleUrl,
        Scope::Detail,
        "copy console URL (OSC 52)",
        Some("console URL"),
    ),
    bind(
        &[ch('a')],
        Action::OpenAliases,
        Scope::Functions,
        "aliases and versions of the function",
        Some("aliases"),
    ),
    bind(
        &[ch('a')],
        Action::OpenAliases,
        Scope::Detail,
        "aliases and versions of the function",
        Some("aliases"),
    ),
    bind(
        &[ch(' ')],
        Action::Mark,
        Scope::Functions,
        "mark / unmark: l tails the marked functions together",
        None,
    ),
    bind(
        &[ch('l')],
        Action::OpenLogs,
        Scope::Functions,
        "tail the function's logs",
        Some("logs"),
    ),
    bind(
        &[ch('l')],
        Action::OpenLogs,
        Scope::Detail,
        "tail the function's logs",
        Some("logs"),
    ),
    bind(
        &[ch('f'), ch(' ')],
        Action::Follow,
        Scope::Logs,
        "follow / pause (paused: new lines are counted)",
        Some("follow"),
    ),
    bind(
        &[ch('/')],
        Action::Filter,
        Scope::Logs,
        "search the buffer (highlighted)",
        Some("search"),
    ),
    bind(
        &[ch('n')],
        Action::NextMatch,
        Scope::Logs,
        "next search match",
        None,
    ),
    bind(
        &[ch('N')],
        Action::PrevMatch,
        Scope::Logs,
        "previous search match",
        None,
    ),
    bind(
        &[ch('F')],
        Action::ServerFilter,
        Scope::Logs,
        "server-side filter pattern (restarts the tail)",
        Some("filter"),
    ),
    bind(
        &[ch('e')],
        Action::NextError,
        Scope::Logs,
        "next ERROR line",
        Some("error"),
    ),
    bind(
        &[ch('i')],
        Action::Invocations,
        Scope::Logs,
        "invocations view (START/END/REPORT)",
        Some("invocations"),
    ),
    bind(
        &[ch('p')],
        Action::Pretty,
        Scope::Logs,
        "pretty-print the selected JSON line",
        Some("pretty"),
    ),
    bind(
        &[ch('w')],
        Action::Wrap,
        Scope::Logs,
        "wrap long lines",
        None,
    ),
    bind(
        &[ch('t')],
        Action::Timestamps,
        Scope::Logs,
        "timestamps: UTC / local / off",
        None,
    ),
    bind(
        &[ch('T')],
        Action::Streams,
        Scope::Logs,
        "show / hide stream names",
        None,
    ),
    bind(
        &[ch('y')],
        Action::CopyLine,
        Scope::Logs,
        "copy the selected line (OSC 52)",
        None,
    ),
    bind(
        &[ch('s')],
        Action::Save,
        Scope::Logs,
        "save the buffer (or the invocation shown) to a file",
        Some("save"),
    ),
    bind(
        &[ch('1')],
        Action::LogRange(0),
        Scope::Logs,
        "range: the last 15 minutes (backfilled, then follow)",
        Some("15m…24h"),
    ),
    bind(
        &[ch('2')],
        Action::LogRange(1),
        Scope::Logs,
        "range: the last hour",
        None,
    ),
    bind(
        &[ch('3')],
        Action::LogRange(2),
        Scope::Logs,
        "range: the last 3 hours",
        None,
    ),
    bind(
        &[ch('4')],
        Action::LogRange(3),
        Scope::Logs,
        "range: the last 24 hours",
        None,
    ),
    bind(
        &[ch('R')],
        Action::LogRangeCustom,
        Scope::Logs,
        "range: type one (2h, or 2026-11-21T10:00..2026-11-21T11:00 UTC)",
        Some("range"),
    ),
    bind(
        &[ch('L')],
        Action::SwitchTailMode,
        Scope::Logs,
        "tail mode: auto → live (Live Tail) → poll (FilterLogEvents)",
        Some("mode"),
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::Logs,
        "back (cancel a backfill / range → last lines; invocation → all lines → functions)",
        Some("back"),
    ),
    bind(
        &[code(KeyCode::Enter)],
        Action::Enter,
        Scope::Invocations,
        "the invocation's lines",
        Some("lines"),
    ),
    bind(
        &[ch('s')],
        Action::SortNext,
        Scope::Invocations,
        "sort by the next column",
        Some("sort"),
    ),
    bind(
        &[ch('S')],
        Action::SortReverse,
        Scope::Invocations,
        "reverse the order",
        None,
    ),
    bind(
        &[ch('i'), code(KeyCode::Esc)],
        Action::Back,
        Scope::Invocations,
        "back to the lines",
        Some("back"),
    ),
    bind(
        &[ch('A')],
        Action::OpenAlarms,
        Scope::Functions,
        "alarms of the account",
        Some("alarms"),
    ),
    bind(
        &[ch('D')],
        Action::OpenDlq,
        Scope::Functions,
        "dead-letter queues of every function",
        None,
    ),
    bind(
        &[ch('D')],
        Action::OpenDlq,
        Scope::Detail,
        "dead-letter queues of this function",
        None,
    ),
    bind(
        &[ch('p'), code(KeyCode::Enter)],
        Action::Peek,
        Scope::Dlq,
        "peek 10 messages (increments their receive count)",
        Some("peek"),
    ),
    bind(
        &[ch('R')],
        Action::Redrive,
        Scope::Dlq,
        "redrive the queue (choose the path, then confirm)",
        Some("redrive"),
    ),
    bind(
        &[ch('P')],
        Action::Purge,
        Scope::Dlq,
        "purge the queue (type its name to confirm)",
        Some("purge"),
    ),
    bind(
        &[ch('c')],
        Action::Cancel,
        Scope::Dlq,
        "cancel the running redrive (Esc too)",
        None,
    ),
    bind(
        &[ch('n')],
        Action::DryRun,
        Scope::Dlq,
        "dry run: what the redrive (or the highlighted path) would do, changing nothing",
        Some("dry run"),
    ),
    bind(
        &[ch('+')],
        Action::RateUp,
        Scope::Dlq,
        "redrive faster (msg/s; past 500: unlimited)",
        None,
    ),
    bind(
        &[ch('-')],
        Action::RateDown,
        Scope::Dlq,
        "redrive slower (msg/s)",
        None,
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::Dlq,
        "back (choice → list → functions); cancels a redrive",
        Some("back"),
    ),
    bind(
        &[code(KeyCode::Enter)],
        Action::Enter,
        Scope::DlqMessages,
        "the message's detail",
        Some("detail"),
    ),
    bind(
        &[ch('/')],
        Action::Filter,
        Scope::DlqMessages,
        "search the peeked messages",
        Some("search"),
    ),
    bind(
        &[ch('x')],
        Action::Export,
        Scope::DlqMessages,
        "export the marked messages (else the one shown, else all) to JSONL",
        Some("export"),
    ),
    bind(
        &[ch('d')],
        Action::DeleteMessage,
        Scope::DlqMessages,
        "delete the marked (or selected) messages (type the queue name)",
        Some("delete"),
    ),
    bind(
        &[ch('R')],
        Action::Redrive,
        Scope::DlqMessages,
        "redrive only the marked (or selected) messages",
        Some("redrive"),
    ),
    bind(
        &[ch('P')],
        Action::Purge,
        Scope::DlqMessages,
        "purge the queue (type its name to confirm)",
        None,
    ),
    bind(
        &[ch('p')],
        Action::Peek,
        Scope::DlqMessages,
        "peek again",
        None,
    ),
    bind(
        &[ch('c')],
        Action::Cancel,
        Scope::DlqMessages,
        "cancel the running redrive",
        None,
    ),
    bind(
        &[ch(' ')],
        Action::Mark,
        Scope::DlqMessages,
        "mark / unmark: R, n, d and x take the marked messages",
        Some("mark"),
    ),
    bind(
        &[ch('n')],
        Action::DryRun,
        Scope::DlqMessages,
        "dry run of redriving the marked (or selected) messages",
        None,
    ),
    bind(
        &[ch('+')],
        Action::RateUp,
        Scope::DlqMessages,
        "redrive faster (msg/s; past 500: unlimited)",
        None,
    ),
    bind(
        &[ch('-')],
        Action::RateDown,
        Scope::DlqMessages,
        "redrive slower (msg/s)",
        None,
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::DlqMessages,
        "back (messages → queues → where you came from)",
        Some("back"),
    ),
    bind(
        &[ch(']')],
        Action::NextMessage,
        Scope::DlqMessages,
        "next message",
        None,
    ),
    bind(
        &[ch('[')],
        Action::PrevMessage,
        Scope::DlqMessages,
        "previous message",
        None,
    ),
    bind(
        &[ch(']')],
        Action::NextMessage,
        Scope::DlqMessage,
        "next message (the only keys that change the message shown)",
        Some("next msg"),
    ),
    bind(
        &[ch('[')],
        Action::PrevMessage,
        Scope::DlqMessage,
        "previous message",
        Some("prev msg"),
    ),
    bind(
        &[ch('d')],
        Action::DeleteMessage,
        Scope::DlqMessage,
        "delete this message (type the queue name)",
        Some("delete"),
    ),
    bind(
        &[ch('R')],
        Action::Redrive,
        Scope::DlqMessage,
        "redrive this message (choose the path, then confirm)",
        Some("redrive"),
    ),
    bind(
        &[ch('n')],
        Action::DryRun,
        Scope::DlqMessage,
        "dry run of redriving this message",
        None,
    ),
    bind(
        &[ch('x')],
        Action::Export,
        Scope::DlqMessage,
        "export this message to JSONL",
        Some("export"),
    ),
    bind(
        &[ch('+')],
        Action::RateUp,
        Scope::DlqMessage,
        "redrive faster (msg/s; past 500: unlimited)",
        None,
    ),
    bind(
        &[ch('-')],
        Action::RateDown,
        Scope::DlqMessage,
        "redrive slower (msg/s)",
        None,
    ),
    bind(
        &[ch('c')],
        Action::Cancel,
        Scope::DlqMessage,
        "cancel the running redrive",
        None,
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::DlqMessage,
        "back to the messages (j/k/PgUp/PgDn/g/G scroll the message)",
        Some("back"),
    ),
    bind(
        &[code(KeyCode::Enter)],
        Action::Enter,
        Scope::Alarms,
        "alarm detail and history",
        Some("detail"),
    ),
    bind(
        &[ch('f')],
        Action::ToggleFunctionAlarms,
        Scope::Alarms,
        "only the alarms of the selected function / all",
        Some("this function"),
    ),
    bind(
        &[ch(' ')],
        Action::Mark,
        Scope::Alarms,
        "mark / unmark for a bulk mute",
        None,
    ),
    bind(
        &[ch('M')],
        Action::Mute,
        Scope::Alarms,
        "mute / unmute actions of the selected or marked alarms",
        Some("mute"),
    ),
    bind(
        &[ch('l')],
        Action::JumpLogs,
        Scope::Alarms,
        "the function's logs at the time of the alarm",
        None,
    ),
    bind(
        &[ch('m')],
        Action::JumpMetrics,
        Scope::Alarms,
        "the function's metrics at the time of the alarm",
        None,
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::Alarms,
        "back (detail → list → functions)",
        Some("back"),
    ),
    bind(
        &[ch('h'), code(KeyCode::Left)],
        Action::FocusLeft,
        Scope::Aliases,
        "focus the aliases list",
        None,
    ),
    bind(
        &[ch('l'), code(KeyCode::Right)],
        Action::FocusRight,
        Scope::Aliases,
        "focus the versions list",
        None,
    ),
    bind(
        &[code(KeyCode::Enter)],
        Action::Enter,
        Scope::Aliases,
        "switch the alias to the selected version (confirm)",
        Some("switch"),
    ),
    bind(
        &[ch('1')],
        Action::Canary(0),
        Scope::Aliases,
        "canary: 1 % to the selected version",
        Some("canary"),
    ),
    bind(
        &[ch('2')],
        Action::Canary(1),
        Scope::Aliases,
        "canary: 5 % to the selected version",
        None,
    ),
    bind(
        &[ch('3')],
        Action::Canary(2),
        Scope::Aliases,
        "canary: 10 % to the selected version",
        None,
    ),
    bind(
        &[ch('4')],
        Action::Canary(3),
        Scope::Aliases,
        "canary: 25 % to the selected version",
        None,
    ),
    bind(
        &[ch('5')],
        Action::Canary(4),
        Scope::Aliases,
        "canary: 50 % to the selected version",
        None,
    ),
    bind(
        &[ch('p')],
        Action::Promote,
        Scope::Aliases,
        "promote the canary (100 %, weights cleared)",
        Some("promote"),
    ),
    bind(
        &[ch('R')],
        Action::Rollback,
        Scope::Aliases,
        "roll back lambdash's last change of the alias",
        Some("rollback"),
    ),
    bind(
        &[ch('P')],
        Action::Publish,
        Scope::Aliases,
        "publish $LATEST as a new version",
        Some("publish"),
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::Aliases,
        "back to functions",
        Some("back"),
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::Detail,
        "back to functions",
        Some("back"),
    ),
    bind(
        &[ch('m')],
        Action::OpenMetrics,
        Scope::Functions,
        "metrics of the function (charts)",
        Some("metrics"),
    ),
    bind(
        &[ch('m')],
        Action::OpenMetrics,
        Scope::Detail,
        "metrics of the function (charts)",
        Some("metrics"),
    ),
    bind(
        &[ch('$')],
        Action::OpenCost,
        Scope::Functions,
        "estimated cost of every function",
        Some("cost"),
    ),
    bind(
        &[ch('1')],
        Action::Range(0),
        Scope::Metrics,
        "range: last 15 minutes (1-minute points)",
        Some("15m…7d"),
    ),
    bind(
        &[ch('2')],
        Action::Range(1),
        Scope::Metrics,
        "range: last hour",
        None,
    ),
    bind(
        &[ch('3')],
        Action::Range(2),
        Scope::Metrics,
        "range: last 3 hours",
        None,
    ),
    bind(
        &[ch('4')],
        Action::Range(3),
        Scope::Metrics,
        "range: last 12 hours (5-minute points)",
        None,
    ),
    bind(
        &[ch('5')],
        Action::Range(4),
        Scope::Metrics,
        "range: last 24 hours",
        None,
    ),
    bind(
        &[ch('6')],
        Action::Range(5),
        Scope::Metrics,
        "range: last 7 days (1-hour points)",
        None,
    ),
    bind(
        &[ch('c')],
        Action::Compare,
        Scope::Metrics,
        "compare two versions/aliases side by side (cycles; off at the end)",
        Some("compare"),
    ),
    bind(
        &[ch('0')],
        Action::Now,
        Scope::Metrics,
        "leave the alarm's time: the range up to now",
        None,
    ),
    bind(
        &[ch('m')],
        Action::OpenMetrics,
        Scope::Logs,
        "metrics of the tailed function (the first one)",
        Some("metrics"),
    ),
    bind(
        &[ch('l')],
        Action::OpenLogs,
        Scope::Metrics,
        "tail the function's logs",
        Some("logs"),
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::Metrics,
        "back to where you came from",
        Some("back"),
    ),
    bind(
        &[ch('1')],
        Action::Range(0),
        Scope::Cost,
        "range: last 15 minutes (projected to a month)",
        Some("15m…7d"),
    ),
    bind(
        &[ch('2')],
        Action::Range(1),
        Scope::Cost,
        "range: last hour",
        None,
    ),
    bind(
        &[ch('3')],
        Action::Range(2),
        Scope::Cost,
        "range: last 3 hours",
        None,
    ),
    bind(
        &[ch('4')],
        Action::Range(3),
        Scope::Cost,
        "range: last 12 hours",
        None,
    ),
    bind(
        &[ch('5')],
        Action::Range(4),
        Scope::Cost,
        "range: last 24 hours",
        None,
    ),
    bind(
        &[ch('6')],
        Action::Range(5),
        Scope::Cost,
        "range: last 7 days",
        None,
    ),
    bind(
        &[ch('m'), code(KeyCode::Enter)],
        Action::OpenMetrics,
        Scope::Cost,
        "metrics of the selected function",
        Some("metrics"),
    ),
    bind(
        &[code(KeyCode::Esc)],
        Action::Back,
        Scope::Cost,
        "back to functions",
        Some("back"),
    ),
];

/// The action bound to `ev` in `scope`, scoped bindings first.
pub fn lookup(ev: &KeyEvent, scope: Scope) -> Option<Action> {
    let find = |s: Scope| {
        BINDINGS
            .iter()
            .filter(|b| b.scope == s)
            .find(|b| b.keys.iter().any(|k| k.matches(ev)))
            .map(|b| b.action)
    };
    find(scope).or_else(|| find(Scope::Global))
}

/// Footer hints for a scope: its own hinted bindings, then the global ones.
pub fn hints(scope: Scope) -> Vec<(String, &'static str)> {
    let mut out: Vec<(String, &'static str)> = BINDINGS
        .iter()
        .filter(|b| b.scope == scope)
        .filter_map(|b| b.hint.map(|h| (b.keys_label(), h)))
        .collect();
    out.extend(
        BINDINGS
            .iter()
            .filter(|b| b.scope == Scope::Global)
            .filter_map(|b| b.hint.map(|h| (b.keys_label(), h))),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn scoped_binding_wins_over_global() {
        assert_eq!(
            lookup(&key(KeyCode::Esc), Scope::Detail),
            Some(Action::Back)
        );
        assert_eq!(
            lookup(&key(KeyCode::Char('v')), Scope::Detail),
            Some(Action::RevealEnv)
        );
        assert_eq!(lookup(&key(KeyCode::Char('v')), Scope::Functions), None);
        assert_eq!(
            lookup(&key(KeyCode::Char('j')), Scope::Functions),
            Some(Action::Down)
        );
    }

    #[test]
    fn ctrl_c_quits_but_plain_c_does_not() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&ctrl_c, Scope::Functions), Some(Action::Quit));
        assert_eq!(lookup(&key(KeyCode::Char('c')), Scope::Functions), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_scope() {
        for a in BINDINGS {
            for b in BINDINGS {
                if std::ptr::eq(a, b) || a.scope != b.scope {
                    continue;
                }
                for k in a.keys {
                    assert!(!b.keys.contains(k), "{k:?} bound twice in {:?}", a.scope);
                }
            }
        }
    }
}
