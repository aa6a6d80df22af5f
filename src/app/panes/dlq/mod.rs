//! The DLQ pane: every dead-letter destination of the account's functions (or of one function), with
//! depths and whether they grow; a peek of a queue's messages with a detail view and a search; the path
//! chooser of a redrive, and the redrive in progress.

mod chooser;
mod detail;
pub mod safety;
#[cfg(test)]
mod tests;
#[cfg(test)]
pub(crate) mod tests_detail;
#[cfg(test)]
mod tests_pane;
mod update;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::aws::dlq::DlqDiscovery;
use crate::domain::dlq::topology::Topology;
use crate::domain::dlq::{
    DepthHistory, Dlq, DlqMessage, PathChoice, RedrivePlan, RedriveProgress, RedriveSummary,
    ScannedFunction, TREND_WINDOW, Trend,
};
use crate::domain::{Function, Remote};

use crate::domain::cancel::CancelFlag;

/// Messages a peek asks for.
pub const PEEK_N: usize = 10;

/// How often the DLQ poller reads the depths and ages of the known queues (one GetQueueAttributes a
/// queue, one GetMetricData for all).
pub const DLQ_DEPTH_EVERY: Duration = Duration::from_secs(30);

/// How often it reads the topology again (which queue belongs to which function: the pages of
/// ListEventSourceMappings, one GetMetricData, and only the changed functions; see
/// [`crate::domain::dlq::topology`]); also on `r` in the DLQ pane and when the function list changes.
pub const DLQ_TOPOLOGY_EVERY: Duration = Duration::from_mins(10);

/// The redrive rates `+` / `-` step through (messages per second); beyond the last: unlimited.
pub const RATE_STEPS: [u32; 8] = [1, 5, 10, 25, 50, 100, 250, 500];

/// The redrive rate until `+` / `-` change it: slow enough that a redrive into a function that is
/// still failing can be watched and cancelled before it has sent everything back (unlimited is one
/// `+` past 500).
pub const DEFAULT_RATE: u32 = crate::domain::dlq::safety::DEFAULT_REDRIVE_RATE;

/// Raised by the app, lowered by the DLQ poller: read the topology again at the next wake.
#[derive(Clone, Debug, Default)]
pub struct RereadFlag(Arc<AtomicBool>);

impl RereadFlag {
    pub fn raise(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_raised(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// True once after each `raise`.
    pub fn take(&self) -> bool {
        self.0.swap(false, Ordering::SeqCst)
    }
}

impl PartialEq for RereadFlag {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// What the app tells the DLQ poller between its passes (shared like [`RereadFlag`]): the last
/// complete function listing, so a topology scan does not list the functions again, and the functions
/// to ask first (the rows on screen, the selection).
#[derive(Clone, Debug, Default)]
pub struct DlqHints(Arc<Mutex<Hints>>);

#[derive(Clone, Debug, Default)]
struct Hints {
    listing: Option<Arc<Vec<Function>>>,
    progress: ListingProgress,
    priority: Vec<String>,
}

/// How the functions poller's listing in progress is going, so a first topology scan waits for it
/// while it advances (200 pages take 40 s at 5 rps) and lists by itself once it failed or stalled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ListingProgress {
    /// No listing started yet.
    #[default]
    NotStarted,
    /// A listing is running and has delivered this many pages.
    Running { pages: u64 },
    /// The last listing failed.
    Failed,
}

impl DlqHints {
    /// A complete listing of the functions poller (`None`: none yet, or its last run failed).
    pub fn set_listing(&self, listing: Option<Vec<Function>>) {
        if let Ok(mut h) = self.0.lock() {
            h.listing = listing.map(Arc::new);
        }
    }

    /// A listing started (`pages == 0`) or delivered its `pages`-th page; or failed.
    pub fn set_progress(&self, progress: ListingProgress) {
        if let Ok(mut h) = self.0.lock() {
            h.progress = progress;
        }
    }

    pub fn progress(&self) -> ListingProgress {
        self.0.lock().map(|h| h.progress).unwrap_or_default()
    }

    pub fn set_priority(&self, names: Vec<String>) {
        if let Ok(mut h) = self.0.lock() {
            h.priority = names;
        }
    }

    pub fn listing(&self) -> Option<Arc<Vec<Function>>> {
        self.0.lock().ok().and_then(|h| h.listing.clone())
    }

    pub fn priority(&self) -> Vec<String> {
        self.0
            .lock()
            .map(|h| h.priority.clone())
            .unwrap_or_default()
    }
}

impl PartialEq for DlqHints {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// How the DLQ poller runs: depths often, topology rarely, starting from what the app already knows.
#[derive(Clone, Debug, PartialEq)]
pub struct DlqPollPlan {
    pub depth_every: Duration,
    pub topology_every: Duration,
    /// Until the first pass (the rest of the period when the data is fresh).
    pub first_in: Duration,
    /// The topology already read (with `topology_at`): a restarted poller reads only depths until it
    /// is due.
    pub seed: Option<DlqDiscovery>,
    pub reread: RereadFlag,
    pub hints: DlqHints,
    /// The account (when STS answered): the on-disk topology cache is per account and region.
    pub account: Option<String>,
}

/// The DLQ pane's commands: the poller, the peek, the redrive and its plan, the re-invoke targets.
#[derive(Clone, Debug, PartialEq)]
pub enum DlqCmd {
    /// The aliases and versions a re-invoke can target (answer: [`DlqMsg::Qualifiers`]).
    FetchQualifiers {
        generation: u64,
        request: u64,
        function: String,
    },
    /// Start (or restart) the DLQ poller: every function's DLQ topology rarely, the depths often.
    StartPoller {
        generation: u64,
        plan: Box<crate::app::dlq::DlqPollPlan>,
    },
    /// Peek `n` messages of a queue (answer: `Msg::Dlq(DlqMsg::Peeked)`).
    Peek {
        generation: u64,
        request: u64,
        queue_url: String,
        n: usize,
    },
    /// Resolve the DLQ, its sources and the destination into a plan (answer: `Msg::Dlq(DlqMsg::RedrivePlanned)`).
    PlanRedrive {
        generation: u64,
        dlq: Box<crate::domain::dlq::Dlq>,
        target: crate::domain::dlq::RedriveTarget,
        selected: Option<Vec<String>>,
    },
    /// Run a confirmed redrive (audited); progress and the end come back as messages.
    Redrive {
        generation: u64,
        run: u64,
        plan: Box<crate::domain::dlq::RedrivePlan>,
        cancel: CancelFlag,
    },
}

/// What the runtime answers to a [`DlqCmd`].
#[derive(Debug)]
pub enum DlqMsg {
    Qualifiers {
        generation: u64,
        request: u64,
        result: Result<Vec<QualifierChoice>, String>,
    },
    /// The DLQ pane's poller: every dead-letter destination found (with the sub-requests that failed).
    Discovered {
        generation: u64,
        result: Result<crate::aws::dlq::DlqDiscovery, String>,
        now: DateTime<Utc>,
    },
    /// Messages peeked from a DLQ (received and released at once).
    Peeked {
        generation: u64,
        request: u64,
        result: Result<crate::aws::dlq::Peek, String>,
        now: DateTime<Utc>,
    },
    /// A redrive planned for the path the user chose (to be confirmed), or why it cannot be.
    RedrivePlanned {
        generation: u64,
        result: Result<Box<crate::domain::dlq::RedrivePlan>, String>,
    },
    /// A running redrive's counts so far (after every batch).
    RedriveProgress {
        generation: u64,
        run: u64,
        progress: crate::domain::dlq::RedriveProgress,
    },
    /// A redrive ended: its summary, or the error that stopped it before anything was counted.
    RedriveDone {
        generation: u64,
        run: u64,
        result: Result<Box<crate::domain::dlq::RedriveSummary>, String>,
    },
}

/// A version or alias a re-invoke can target.
#[derive(Clone, Debug, PartialEq)]
pub enum QualifierChoice {
    /// The function itself (`$LATEST`).
    Unqualified,
    Alias(crate::domain::alias::Alias),
    Version(crate::domain::alias::Version),
}

impl QualifierChoice {
    /// What `Invoke` gets as its qualifier.
    pub fn qualifier(&self) -> Option<String> {
        match self {
            Self::Unqualified => None,
            Self::Alias(a) => Some(a.name.clone()),
            Self::Version(v) => Some(v.version.clone()),
        }
    }
}

/// The aliases and versions of the function a re-invoke targets; the first entry is the unqualified
/// function.
#[derive(Clone, Debug)]
pub struct QualifierList {
    pub function: String,
    pub request: u64,
    pub remote: Remote<Vec<QualifierChoice>>,
    pub selected: usize,
}

impl QualifierList {
    pub fn choices(&self) -> &[QualifierChoice] {
        self.remote.data.as_deref().unwrap_or(&[])
    }

    /// The highlighted qualifier (`None`: unqualified, also while the list loads).
    pub fn qualifier(&self) -> Option<String> {
        self.choices()
            .get(self.selected)
            .and_then(QualifierChoice::qualifier)
    }
}

/// The dry run shown in the path chooser.
#[derive(Clone, Debug, PartialEq)]
pub enum DryRun {
    Planning,
    Ready(Box<RedrivePlan>),
    Failed(String),
}

/// The messages peeked from one queue.
#[derive(Clone, Debug)]
pub struct PeekView {
    /// The queue as listed when the peek started.
    pub queue: Dlq,
    pub remote: Remote<Vec<DlqMessage>>,
    pub request: u64,
    /// Messages not released after the peek (they reappear after the peek's visibility timeout).
    pub release_error: Option<String>,
    /// The queue's own redrive policy: each peek counts towards its maxReceiveCount.
    pub receive_limit: Option<crate::domain::dlq::ReceiveLimit>,
    /// `/` search over the peeked messages (empty: all).
    pub search: String,
    /// Index into [`PeekView::visible`].
    pub selected: usize,
    /// Enter: the selected message's detail.
    pub detail: bool,
    pub scroll: u16,
    /// Space: the ids of the marked messages (redrive, delete and export take them).
    pub marked: BTreeSet<String>,
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

    /// Space: marks or unmarks the selected message.
    pub fn toggle_mark(&mut self) -> Option<bool> {
        let id = self.selected_message()?.message_id.clone();
        Some(if self.marked.remove(&id) {
            false
        } else {
            self.marked.insert(id);
            true
        })
    }

    /// The messages an action takes: the marked ones (still peeked), else the selected one.
    pub fn targets(&self) -> Vec<&DlqMessage> {
        let marked: Vec<&DlqMessage> = self
            .all()
            .iter()
            .filter(|m| self.marked.contains(&m.message_id))
            .collect();
        if marked.is_empty() {
            self.selected_message().into_iter().collect()
        } else {
            marked
        }
    }
}

/// `R`: the redrive paths that apply to the selected queue; the first is what lambdash would use.
#[derive(Clone, Debug)]
pub struct PathChooser {
    pub queue: String,
    pub choices: Vec<PathChoice>,
    pub selected: usize,
    /// Only these messages (`R` on a peeked message), else the whole queue.
    pub message_ids: Option<Vec<String>>,
    /// Re-invoke: the function's aliases and versions to choose from.
    pub qualifiers: Option<QualifierList>,
    /// `n`: what the highlighted path would do.
    pub dry_run: Option<DryRun>,
    /// With the dry run: the target is failing now, so redriven messages would likely come back.
    pub warning: Option<String>,
    /// Opened by `n` in read-only mode: a dry run is all it can do.
    pub dry_run_only: bool,
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

#[derive(Clone, Debug)]
pub struct DlqPane {
    /// Only this function's DLQs (opened from the function detail), else every function's.
    pub for_function: Option<String>,
    /// The rows shown: `known`, or only `for_function`'s.
    pub remote: Remote<Vec<Dlq>>,
    /// Every queue of the last discovery (all functions): the pane's rows and the functions pane's
    /// flags come from it.
    pub known: Vec<Dlq>,
    /// Every function the last topology scan covered.
    pub scanned: Vec<ScannedFunction>,
    /// `scanned`'s index by function name (the HEALTH column asks once per function: a linear
    /// search made every refresh of 10,000 rows cost 10⁸ comparisons).
    scanned_by_name: HashMap<String, usize>,
    /// When that topology was read (`None`: never).
    pub topology_at: Option<DateTime<Utc>>,
    /// That topology (the next scan starts from it).
    pub topology: Option<Arc<Topology>>,
    /// It came from the on-disk cache and was not read again since.
    pub from_cache: bool,
    /// The listing and the rows to ask first, shared with the poller.
    pub hints: DlqHints,
    /// The DLQ poller runs (started by [`crate::app::App::sync_dlq_poller`]).
    pub poller_on: bool,
    /// Raised to make the poller read the topology at its next wake (`r`, new functions).
    pub reread: RereadFlag,
    /// Redrive rate chosen with `+` / `-` (messages per second; `None`: unlimited); [`DEFAULT_RATE`]
    /// at first.
    pub rate: Option<u32>,
    /// A plan was asked for: is it a dry run (shown in the chooser) or the real one (confirm)?
    pub planning_dry_run: Option<bool>,
    /// The `RedriveQueue` input was opened by `n`: its plan is a dry run.
    pub next_plan_dry_run: bool,
    /// Sub-requests of the last discovery that failed (permissions, a queue gone).
    pub partial_errors: Vec<String>,
    /// The depths of each queue (by ARN) over the trend window, and the trend they make.
    pub(crate) samples: HashMap<String, DepthHistory>,
    pub trends: HashMap<String, Trend>,
    pub selected: usize,
    pub offset: usize,
    pub peek: Option<PeekView>,
    pub chooser: Option<PathChooser>,
    pub redrive: Option<RedriveRun>,
    /// The summary of the last redrive that ended (with its failures).
    pub last_summary: Option<RedriveSummary>,
    /// A delete waiting for its `WriteDone`: the message ids, removed from the peek when it succeeds.
    pub pending_delete: Vec<String>,
}

impl Default for DlqPane {
    fn default() -> Self {
        Self {
            for_function: None,
            remote: Remote::default(),
            known: Vec::new(),
            scanned: Vec::new(),
            scanned_by_name: HashMap::new(),
            topology_at: None,
            topology: None,
            from_cache: false,
            hints: DlqHints::default(),
            poller_on: false,
            reread: RereadFlag::default(),
            rate: Some(DEFAULT_RATE),
            planning_dry_run: None,
            next_plan_dry_run: false,
            partial_errors: Vec::new(),
            samples: HashMap::new(),
            trends: HashMap::new(),
            selected: 0,
            offset: 0,
            peek: None,
            chooser: None,
            redrive: None,
            last_summary: None,
            pending_delete: Vec::new(),
        }
    }
}

impl DlqPane {
    pub fn all(&self) -> &[Dlq] {
        self.remote.data.as_deref().unwrap_or(&[])
    }

    /// Something the pane shows is loading (its spinner turns): the list, a peek, the qualifier list
    /// or a dry run.
    pub fn busy(&self) -> bool {
        self.remote.is_loading()
            || self.peek.as_ref().is_some_and(|p| p.remote.is_loading())
            || self.chooser.as_ref().is_some_and(|c| {
                c.qualifiers.as_ref().is_some_and(|q| q.remote.is_loading())
                    || c.dry_run == Some(DryRun::Planning)
            })
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

    /// What the topology scan found about `function`.
    pub fn scanned_function(&self, function: &str) -> Option<&ScannedFunction> {
        self.scanned_by_name
            .get(function)
            .and_then(|&i| self.scanned.get(i))
    }

    /// Takes what the poller found (topology or depths).
    pub fn take_discovery(&mut self, found: DlqDiscovery, now: DateTime<Utc>) {
        self.partial_errors = found.partial_errors;
        if found.topology_at.is_some() || !found.scanned.is_empty() {
            self.scanned = found.scanned;
            self.scanned_by_name = self
                .scanned
                .iter()
                .enumerate()
                .map(|(i, f)| (f.name.clone(), i))
                .collect();
            self.topology_at = found.topology_at;
            self.topology = found.topology;
            self.from_cache = found.from_cache;
        }
        self.set(found.dlqs, now);
    }

    /// Takes a fresh discovery: non-empty queues first (deepest first), the trend of each against the
    /// previous poll, the selection kept on the same queue; the rows shown are `for_function`'s.
    pub fn set(&mut self, mut dlqs: Vec<Dlq>, now: DateTime<Utc>) {
        dlqs.sort_by(|a, b| b.depth().cmp(&a.depth()).then_with(|| a.name.cmp(&b.name)));
        for d in &dlqs {
            // A poll that lands at the same instant (a refresh right after another) adds nothing.
            let history = self.samples.entry(d.queue_arn.clone()).or_default();
            history.push(d.sample(now), TREND_WINDOW);
            self.trends.insert(d.queue_arn.clone(), history.trend());
        }
        self.samples
            .retain(|arn, _| dlqs.iter().any(|d| &d.queue_arn == arn));
        self.known = dlqs;
        self.show_scope();
    }

    /// The rows of `for_function` (all when `None`) from `known`, the selection kept on its queue.
    pub fn show_scope(&mut self) {
        let keep = self.selected_dlq().map(|d| d.queue_arn.clone());
        let rows: Vec<Dlq> = self
            .known
            .iter()
            .filter(|d| {
                self.for_function
                    .as_ref()
                    .is_none_or(|f| d.functions.contains(f))
            })
            .cloned()
            .collect();
        self.selected = keep
            .and_then(|arn| rows.iter().position(|d| d.queue_arn == arn))
            .unwrap_or(self.selected.min(rows.len().saturating_sub(1)));
        self.remote.data = Some(rows);
    }

    /// What a restarted poller starts from: the topology already read, if any.
    pub fn seed(&self) -> Option<DlqDiscovery> {
        self.topology_at.map(|at| DlqDiscovery {
            dlqs: self.known.clone(),
            partial_errors: self.partial_errors.clone(),
            scanned: self.scanned.clone(),
            topology_at: Some(at),
            topology: self.topology.clone(),
            from_cache: self.from_cache,
        })
    }

    /// `+` (faster) / `-` (slower) through [`RATE_STEPS`]; past the fastest step: unlimited.
    pub fn step_rate(&mut self, faster: bool) {
        self.rate = match (self.rate, faster) {
            (None, true) => None,
            (None, false) => RATE_STEPS.last().copied(),
            (Some(r), true) => RATE_STEPS.iter().copied().find(|s| *s > r),
            (Some(r), false) => RATE_STEPS
                .iter()
                .rev()
                .copied()
                .find(|s| *s < r)
                .or(Some(RATE_STEPS[0])),
        };
    }

    /// Removes the deleted messages from the peek when the delete succeeded.
    pub fn finish_delete(&mut self, succeeded: bool) {
        let ids = std::mem::take(&mut self.pending_delete);
        if !succeeded || ids.is_empty() {
            return;
        }
        if let Some(peek) = self.peek.as_mut()
            && let Some(messages) = peek.remote.data.as_mut()
        {
            messages.retain(|m| !ids.contains(&m.message_id));
            for id in &ids {
                peek.marked.remove(id);
            }
            peek.detail = false;
            peek.move_by(0);
        }
    }

    pub fn move_by(&mut self, delta: isize) {
        self.selected = self
            .selected
            .saturating_add_signed(delta)
            .min(self.all().len().saturating_sub(1));
    }

    pub fn scroll_into_view(&mut self, rows: usize) {
        self.offset =
            crate::app::scrolled_offset(self.selected, self.offset, rows, self.all().len());
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

/// `unlimited` or `25 msg/s`.
pub fn rate_label(rate: Option<u32>) -> String {
    rate.map_or_else(|| "unlimited".to_string(), |r| format!("{r} msg/s"))
}

/// `a, b, c` for a few ids, `a, b, c … and 7 more` for many.
pub fn id_list(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    let head = ids
        .iter()
        .take(SHOWN)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > SHOWN {
        format!("{head} … and {} more", ids.len() - SHOWN)
    } else {
        head
    }
}
