//! The DLQ pane: every dead-letter destination of the account's functions (or of one function), with
//! depths and whether they grow; a peek of a queue's messages with a detail view and a search; the path
//! chooser of a redrive, and the redrive in progress.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::Remote;
use crate::domain::dlq::{
    DepthSample, Dlq, DlqMessage, PathChoice, RedriveProgress, RedriveSummary, Trend, trend,
};

use super::msg::CancelFlag;

/// Messages a peek asks for.
pub const PEEK_N: usize = 10;

/// The messages peeked from one queue.
#[derive(Clone, Debug)]
pub struct PeekView {
    /// The queue as listed when the peek started.
    pub queue: Dlq,
    pub remote: Remote<Vec<DlqMessage>>,
    pub request: u64,
    /// Messages not released after the peek (they reappear after the peek's visibility timeout).
    pub release_error: Option<String>,
    /// `/` search over the peeked messages (empty: all).
    pub search: String,
    /// Index into [`PeekView::visible`].
    pub selected: usize,
    /// Enter: the selected message's detail.
    pub detail: bool,
    pub scroll: u16,
}

impl PeekView {
    pub fn all(&self) -> &[DlqMessage] {
        self.remote.data.as_deref().unwrap_or(&[])
    }

    /// The messages shown: those matching the search.
    pub fn visible(&self) -> Vec<&DlqMessage> {
        self.all()
            .iter()
            .filter(|m| self.search.is_empty() || m.matches(&self.search))
            .collect()
    }

    pub fn selected_message(&self) -> Option<&DlqMessage> {
        self.visible().get(self.selected).copied()
    }

    pub fn move_by(&mut self, delta: isize) {
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(self.visible().len().saturating_sub(1));
    }
}

/// `R`: the redrive paths that apply to the selected queue; the first is what lambdash would use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathChooser {
    pub queue: String,
    pub choices: Vec<PathChoice>,
    pub selected: usize,
    /// Only these messages (`R` on a peeked message), else the whole queue.
    pub message_ids: Option<Vec<String>>,
}

/// A redrive the runtime is running.
#[derive(Clone, Debug)]
pub struct RedriveRun {
    pub run: u64,
    pub from: String,
    pub to: String,
    pub progress: RedriveProgress,
    pub cancel: CancelFlag,
}

#[derive(Clone, Debug, Default)]
pub struct DlqPane {
    /// Only this function's DLQs (opened from the function detail), else every function's.
    pub for_function: Option<String>,
    pub remote: Remote<Vec<Dlq>>,
    /// Sub-requests of the last discovery that failed (permissions, a queue gone).
    pub partial_errors: Vec<String>,
    /// The depth of each queue (by ARN) at the poll before the last, and the trend between the two.
    pub(crate) samples: HashMap<String, DepthSample>,
    pub trends: HashMap<String, Trend>,
    pub selected: usize,
    pub offset: usize,
    pub peek: Option<PeekView>,
    pub chooser: Option<PathChooser>,
    pub redrive: Option<RedriveRun>,
    /// The summary of the last redrive that ended (with its failures).
    pub last_summary: Option<RedriveSummary>,
    /// A delete waiting for its `WriteDone`: the message id, removed from the peek when it succeeds.
    pub pending_delete: Option<String>,
}

impl DlqPane {
    pub fn all(&self) -> &[Dlq] {
        self.remote.data.as_deref().unwrap_or(&[])
    }

    pub fn selected_dlq(&self) -> Option<&Dlq> {
        self.all().get(self.selected)
    }

    pub fn trend_of(&self, dlq: &Dlq) -> Trend {
        self.trends
            .get(&dlq.queue_arn)
            .copied()
            .unwrap_or(Trend::Unknown)
    }

    /// Takes a fresh discovery: non-empty queues first (deepest first), the trend of each against the
    /// previous poll, the selection kept on the same queue.
    pub fn set(&mut self, mut dlqs: Vec<Dlq>, now: DateTime<Utc>) {
        let keep = self.selected_dlq().map(|d| d.queue_arn.clone());
        dlqs.sort_by(|a, b| b.depth().cmp(&a.depth()).then_with(|| a.name.cmp(&b.name)));
        for d in &dlqs {
            let latest = d.sample(now);
            let t = trend(self.samples.get(&d.queue_arn), &latest);
            // A poll that lands at the same instant (a refresh right after another) keeps the old trend.
            if t != Trend::Unknown || !self.trends.contains_key(&d.queue_arn) {
                self.trends.insert(d.queue_arn.clone(), t);
            }
            self.samples.insert(d.queue_arn.clone(), latest);
        }
        self.samples
            .retain(|arn, _| dlqs.iter().any(|d| &d.queue_arn == arn));
        self.selected = keep
            .and_then(|arn| dlqs.iter().position(|d| d.queue_arn == arn))
            .unwrap_or(self.selected.min(dlqs.len().saturating_sub(1)));
        self.remote.data = Some(dlqs);
    }

    pub fn move_by(&mut self, delta: isize) {
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(self.all().len().saturating_sub(1));
    }

    pub fn scroll_into_view(&mut self, rows: usize) {
        let rows = rows.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + rows {
            self.offset = self.selected + 1 - rows;
        }
        self.offset = self.offset.min(self.all().len().saturating_sub(rows));
    }
}

/// What a path choice means, for the chooser.
pub fn describe_choice(choice: PathChoice) -> &'static str {
    match choice {
        PathChoice::SourceQueueMoveTask => {
            "back to the source queue (SQS move task; manual move if the endpoint lacks it)"
        }
        PathChoice::SourceQueueManual => "back to the FIFO source queue (manual move)",
        PathChoice::Reinvoke => "re-invoke the function asynchronously with the original payload",
        PathChoice::OtherQueue => "to another queue you name (manual move)",
    }
}
