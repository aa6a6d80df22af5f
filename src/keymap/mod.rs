//! The key bindings. Help (`?`) and the footer hints are generated from this table, so they cannot drift
//! from what the keys do.

use crossterm::event::KeyEvent;

mod bindings;
mod key;
mod overrides;

pub use bindings::BINDINGS;
pub use key::{Binding, Key};
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
    /// Functions / detail: the kill switch (reserved concurrency → 0), or its restore.
    KillSwitch,
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
mod tests;
