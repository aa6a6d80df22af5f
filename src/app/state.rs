//! The app's small shared types: which pane shows (`View`), what the keyboard talks to (`Mode`), the
//! confirm step, the flash, the last frame's layout, and what the app needs to start (`Init`).

#[allow(clippy::wildcard_imports)]
use super::*;

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
    /// Typing a `/` filter (applied as it is typed to the functions or alarms list).
    Filter {
        line: LineEdit,
    },
    /// Typing a `:` command; `completion` is the index of the highlighted candidate.
    Palette {
        input: LineEdit,
        completion: Option<usize>,
    },
    Help {
        scroll: u16,
    },
    /// A write waits for the user's yes: it says exactly what will change.
    Confirm(Box<Confirm>),
    /// The `:quota` overlay: every AWS quota group, its share and use (`Esc` closes).
    Quota,
    /// Typing a line of text for an action (a version description).
    Input {
        purpose: InputPurpose,
        text: LineEdit,
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
    pub typed: LineEdit,
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

/// Where things were drawn last frame, so mouse clicks can be mapped to rows and columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub table_header: Rect,
    pub table_body: Rect,
    /// Column x ranges `[start, end)` in the header, with the column they sort by.
    pub columns: Vec<(u16, u16, SortColumn)>,
    /// The scrolled text drawn last (help, a DLQ message): its largest scroll and its page height, so
    /// `j` stops at the end and `G` / `PgDn` know where that is.
    pub scroll: Option<ScrollBounds>,
}

/// How far a scrolled text can go: `max` rows down, `page` rows at a time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScrollBounds {
    pub max: u16,
    pub page: u16,
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
