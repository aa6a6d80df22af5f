//! The logs pane: one or several functions tailed together into a bounded buffer, followed or paused,
//! searched, filtered server-side, and read as invocations.

#[cfg(test)]
mod tests;
mod update;

use chrono::{DateTime, Utc};

use crate::domain::log::{Invocation, Level, TailMode, Transport};
use crate::logs::range::RangeSpec;
use crate::logs::{InvocationSort, LogBuffer, LogLine, invocations};

/// How timestamps are shown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeMode {
    #[default]
    Utc,
    Local,
    Off,
}

impl TimeMode {
    #[must_use]
    pub fn next(self) -> Self {
        match self {
            TimeMode::Utc => TimeMode::Local,
            TimeMode::Local => TimeMode::Off,
            TimeMode::Off => TimeMode::Utc,
        }
    }
}

/// What the pane shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogsView {
    Lines,
    /// One row per invocation.
    Invocations {
        sort: InvocationSort,
        descending: bool,
        selected: usize,
    },
    /// The lines of one invocation.
    Invocation {
        request_id: String,
    },
}

/// The state of the tail itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TailState {
    Starting,
    Following,
    /// FilterLogEvents was throttled: the poller waits and retries by itself.
    Throttled {
        until: DateTime<Utc>,
    },
    /// The last poll failed; the poller retries; the lines shown are the last good ones.
    Failed {
        error: String,
        at: DateTime<Utc>,
    },
    /// A range ending in the past was fetched and is shown as it is: nothing is followed.
    RangeShown,
}

/// The search matches last computed, by ring sequence number: kept while the buffer and the query do
/// not change (a paused pane with a search redraws without rescanning 100,000 lines); lines appended
/// since are scanned alone, evicted ones dropped.
#[derive(Clone, Debug, Default)]
struct MatchCache {
    needle: String,
    /// Sequence number one past the last line scanned.
    end_seq: u64,
    seqs: Vec<u64>,
}

/// A range being fetched: tasks (slice × function) done of all, events so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackfillState {
    pub done: usize,
    pub total: usize,
    pub events: usize,
}

#[derive(Clone, Debug)]
pub struct LogsPane {
    pub functions: Vec<String>,
    /// Bumped every time the tail restarts (new filter): events of older sessions are dropped.
    pub session: u64,
    pub buffer: LogBuffer,
    pub state: TailState,
    /// Follow: the view sticks to the newest line. Paused: new lines are counted, not scrolled in.
    pub follow: bool,
    /// Lines that arrived while paused.
    pub new_while_paused: usize,
    /// The selected line, by the ring's stable sequence number (survives evictions).
    pub cursor: Option<u64>,
    pub wrap: bool,
    pub time: TimeMode,
    pub show_stream: bool,
    /// Buffer search (`/`), highlighted; `n`/`N` move between matches.
    pub search: String,
    /// Server-side CloudWatch filter pattern (`F`); the tail restarts with it.
    pub filter_pattern: Option<String>,
    /// The selected line pretty-printed (JSON), shown in a popup.
    pub pretty: bool,
    pub view: LogsView,
    /// How many events the opening fetch asked for.
    pub last_n: usize,
    /// How new events are fetched (asked for); `transport` says what actually delivers them.
    pub mode: TailMode,
    /// Live Tail (sampled or not) or polling (and why not Live Tail); `None` until the tail says.
    pub transport: Option<Transport>,
    /// The time range shown (`1`…`4`, `R`); `None`: the last N events, then follow.
    pub range: Option<RangeSpec>,
    /// The range's backfill while it runs.
    pub backfill: Option<BackfillState>,
    match_cache: std::cell::RefCell<MatchCache>,
}

impl LogsPane {
    pub fn new(functions: Vec<String>, session: u64, capacity: usize, last_n: usize) -> Self {
        Self {
            functions,
            session,
            buffer: LogBuffer::new(capacity),
            state: TailState::Starting,
            follow: true,
            new_while_paused: 0,
            cursor: None,
            wrap: false,
            time: TimeMode::Utc,
            show_stream: false,
            search: String::new(),
            filter_pattern: None,
            pretty: false,
            view: LogsView::Lines,
            last_n,
            mode: TailMode::Auto,
            transport: None,
            range: None,
            backfill: None,
            match_cache: std::cell::RefCell::default(),
        }
    }

    /// A new session of the same tail: the same functions and display settings, an empty buffer.
    #[must_use]
    pub fn restarted(&self, session: u64, capacity: usize) -> Self {
        let mut pane = Self::new(self.functions.clone(), session, capacity, self.last_n);
        pane.filter_pattern.clone_from(&self.filter_pattern);
        pane.wrap = self.wrap;
        pane.time = self.time;
        pane.show_stream = self.show_stream;
        pane.mode = self.mode;
        pane.range = self.range;
        // The search stays: its matches are found again in the lines the new session brings.
        pane.search.clone_from(&self.search);
        pane
    }

    /// Positions (ring indices) of the lines the view shows, in order.
    pub fn visible(&self) -> Vec<usize> {
        match &self.view {
            LogsView::Invocation { request_id } => self.buffer.lines_of(request_id),
            _ => (0..self.buffer.lines.len()).collect(),
        }
    }

    /// Ring index of the cursor; the newest line when there is none.
    pub fn cursor_index(&self) -> Option<usize> {
        self.cursor
            .and_then(|seq| self.buffer.lines.index_of_seq(seq))
            .or_else(|| self.buffer.lines.len().checked_sub(1))
    }

    pub fn selected_line(&self) -> Option<&LogLine> {
        self.cursor_index().and_then(|i| self.buffer.lines.get(i))
    }

    fn seq_at(&self, index: usize) -> Option<u64> {
        self.buffer
            .lines
            .get(index)
            .map(|_| self.buffer.lines.first_seq() + index as u64)
    }

    /// Appends events; when following, the cursor stays on the newest line; when paused, they are counted.
    pub fn ingest(&mut self, events: Vec<crate::domain::log::LogEvent>) {
        let functions = self.functions.clone();
        let added = events.len();
        self.buffer.extend(events, |e| {
            functions.iter().position(|f| f == &e.function).unwrap_or(0)
        });
        if self.follow {
            self.cursor = None;
        } else {
            self.new_while_paused += added;
        }
    }

    /// Moves the cursor within the visible lines; moving pauses the follow (like `less +F`).
    pub fn move_by(&mut self, delta: isize) {
        let visible = self.visible();
        if visible.is_empty() {
            return;
        }
        let here = self
            .cursor_index()
            .and_then(|c| visible.iter().position(|&i| i == c))
            .unwrap_or(visible.len() - 1);
        let target = here.saturating_add_signed(delta).min(visible.len() - 1);
        self.cursor = self.seq_at(visible[target]);
        if target + 1 < visible.len() {
            self.pause();
        }
    }

    pub fn to_bottom(&mut self) {
        self.cursor = None;
        self.resume();
    }

    pub fn pause(&mut self) {
        if self.follow {
            self.follow = false;
            self.new_while_paused = 0;
            if self.cursor.is_none() {
                self.cursor = self
                    .buffer
                    .lines
                    .len()
                    .checked_sub(1)
                    .and_then(|i| self.seq_at(i));
            }
        }
    }

    pub fn resume(&mut self) {
        self.follow = true;
        self.new_while_paused = 0;
        self.cursor = None;
    }

    fn line_matches(&self, index: usize, needle: &str) -> bool {
        self.buffer
            .lines
            .get(index)
            .is_some_and(|l| l.event.text().to_lowercase().contains(needle))
    }

    /// Brings the match cache up to date with the buffer and the search (see [`MatchCache`]).
    fn refresh_matches(&self) -> std::cell::Ref<'_, MatchCache> {
        let lines = &self.buffer.lines;
        let first = lines.first_seq();
        let end = first + lines.len() as u64;
        let needle = self.search.to_lowercase();
        {
            let mut cache = self.match_cache.borrow_mut();
            if cache.needle != needle || cache.end_seq > end {
                *cache = MatchCache {
                    needle: needle.clone(),
                    end_seq: first,
                    seqs: Vec::new(),
                };
            }
            let evicted = cache.seqs.partition_point(|&s| s < first);
            cache.seqs.drain(..evicted);
            let from = cache.end_seq.max(first);
            if from < end && !needle.is_empty() {
                let new =
                    (from..end).filter(|&seq| self.line_matches((seq - first) as usize, &needle));
                cache.seqs.extend(new);
            }
            cache.end_seq = end;
        }
        self.match_cache.borrow()
    }

    /// Lines whose text contains the search (case-insensitive), in ring order.
    pub fn matches(&self) -> Vec<usize> {
        if self.search.is_empty() {
            return Vec::new();
        }
        if let LogsView::Invocation { .. } = self.view {
            let needle = self.search.to_lowercase();
            return self
                .visible()
                .into_iter()
                .filter(|&i| self.line_matches(i, &needle))
                .collect();
        }
        let first = self.buffer.lines.first_seq();
        self.refresh_matches()
            .seqs
            .iter()
            .map(|&seq| (seq - first) as usize)
            .collect()
    }

    /// How many lines match the search (the title's count), without building the list.
    pub fn match_count(&self) -> usize {
        if self.search.is_empty() {
            0
        } else if let LogsView::Invocation { .. } = self.view {
            self.matches().len()
        } else {
            self.refresh_matches().seqs.len()
        }
    }

    /// `(n, N)` when the selected line is the n-th of N matching lines (the title's `(3/28)`).
    pub fn match_position(&self) -> Option<(usize, usize)> {
        if self.search.is_empty() || self.follow {
            return None;
        }
        let here = self.cursor_index()?;
        let matches = self.matches();
        let n = matches.binary_search(&here).ok()?;
        Some((n + 1, matches.len()))
    }

    /// Moves to the next (`forward`) or previous match, wrapping; false when nothing matches.
    pub fn jump_match(&mut self, forward: bool) -> bool {
        let matches = self.matches();
        let Some(&first) = matches.first() else {
            return false;
        };
        let here = self.cursor_index().unwrap_or(0);
        let target = if forward {
            matches.iter().copied().find(|&i| i > here).unwrap_or(first)
        } else {
            matches
                .iter()
                .rev()
                .copied()
                .find(|&i| i < here)
                .unwrap_or(*matches.last().unwrap_or(&first))
        };
        self.pause();
        self.cursor = self.seq_at(target);
        true
    }

    /// Moves to the next ERROR line; false when there is none.
    pub fn jump_error(&mut self) -> bool {
        let from = self.cursor_index().unwrap_or(0);
        match self.buffer.next_error(from) {
            Some(i) => {
                self.pause();
                self.cursor = self.seq_at(i);
                true
            }
            None => false,
        }
    }

    /// Invocation rows in the view's order.
    pub fn invocation_rows(&self) -> Vec<&Invocation> {
        let mut rows = self.buffer.invocations.rows();
        if let LogsView::Invocations {
            sort, descending, ..
        } = &self.view
        {
            invocations::sort(&mut rows, *sort, *descending);
        }
        rows
    }

    /// Counts by level, for the title.
    pub fn errors(&self) -> usize {
        self.buffer
            .lines
            .iter()
            .filter(|l| l.level == Level::Error)
            .count()
    }
}
