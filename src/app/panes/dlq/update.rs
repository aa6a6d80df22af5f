//! The DLQ pane's actions: open, peek, mark, redrive (choose → dry run or plan → confirm), delete,
//! purge, cancel; the DLQ poller's life (it runs while the functions or the DLQ pane is shown) and the
//! functions pane's DLQ flags.

#[allow(clippy::wildcard_imports)]
use crate::app::*;

use crate::domain::dlq::Dlq;
use crate::domain::metrics::HealthExtras;
use dlq::{DLQ_DEPTH_EVERY, DLQ_TOPOLOGY_EVERY, DlqCmd, DlqMsg, DlqPollPlan, QualifierChoice};

impl App {
    /// Opens the DLQ pane: every function's DLQs, or only `only`'s (from the function detail).
    pub(in crate::app) fn open_dlq(&mut self, only: Option<String>) -> Vec<Cmd> {
        if self.view == View::Dlq && self.dlq.for_function == only {
            return Vec::new();
        }
        self.nav_push(View::Dlq);
        let mut cmds = self.leave_view();
        if self.dlq.for_function != only {
            // Another scope: the rows change, the data (every function's queues) stays.
            self.dlq.for_function = only;
            self.dlq.selected = 0;
            self.dlq.offset = 0;
            self.dlq.peek = None;
            self.dlq.chooser = None;
            if self.dlq.remote.data.is_some() {
                self.dlq.show_scope();
            }
        }
        self.view = View::Dlq;
        if self.dlq.remote.data.is_none() {
            self.dlq.remote.start_loading(self.now);
        }
        cmds.extend(self.sync_dlq_poller());
        cmds
    }

    /// Starts the DLQ poller while the functions pane (for its DLQ flags) or the DLQ pane is shown,
    /// and stops it otherwise. The runtime calls it after every batch of messages; a restarted poller
    /// starts from the topology already read, so switching panes costs no rediscovery.
    pub fn sync_dlq_poller(&mut self) -> Vec<Cmd> {
        let wanted = self.connected && matches!(self.view, View::Functions | View::Dlq);
        match (wanted, self.dlq.poller_on) {
            (true, false) => {
                self.dlq.poller_on = true;
                self.share_dlq_hints();
                let first_in = match self.dlq.remote.last_ok {
                    Some(at) if self.dlq.topology_at.is_some() => {
                        let age = (self.now - at).to_std().unwrap_or(Duration::ZERO);
                        DLQ_DEPTH_EVERY.saturating_sub(age)
                    }
                    _ => Duration::ZERO,
                };
                vec![Cmd::Dlq(DlqCmd::StartPoller {
                    generation: self.generation,
                    plan: Box::new(DlqPollPlan {
                        depth_every: DLQ_DEPTH_EVERY,
                        topology_every: DLQ_TOPOLOGY_EVERY,
                        first_in,
                        seed: self.dlq.seed(),
                        reread: self.dlq.reread.clone(),
                        hints: self.dlq.hints.clone(),
                        account: self.identity.data.as_ref().map(|i| i.account.clone()),
                    }),
                })]
            }
            (false, true) => {
                self.dlq.poller_on = false;
                vec![Cmd::StopPoller(PollerKind::Dlq)]
            }
            _ => Vec::new(),
        }
    }

    /// After a function listing: a complete one is shared with the DLQ poller (its next topology scan
    /// reuses it instead of listing again), and functions added, removed or changed (`LastModified`)
    /// since the DLQ topology was read make the poller read it again now (asking only about those).
    pub(in crate::app) fn dlq_functions_listed(&mut self) -> Vec<Cmd> {
        self.share_dlq_hints();
        if !self.dlq.poller_on || self.dlq.topology_at.is_none() {
            return Vec::new();
        }
        let listed: std::collections::BTreeSet<(&str, Option<DateTime<Utc>>)> = self
            .functions
            .all()
            .iter()
            .map(|f| (f.name.as_str(), f.last_modified))
            .collect();
        let scanned: std::collections::BTreeSet<(&str, Option<DateTime<Utc>>)> = self
            .dlq
            .scanned
            .iter()
            .map(|f| (f.name.as_str(), f.last_modified))
            .collect();
        if listed == scanned {
            return Vec::new();
        }
        self.dlq.reread.raise();
        vec![Cmd::RefreshNow(PollerKind::Dlq)]
    }

    /// Gives the DLQ poller the last complete listing (none while the last run failed) and the
    /// functions to ask first: the selected one (or the DLQ pane's function), then the rows on screen.
    fn share_dlq_hints(&self) {
        let complete = matches!(
            self.functions.remote.phase,
            crate::domain::Phase::Ready { .. }
        );
        self.dlq
            .hints
            .set_listing(complete.then(|| self.functions.all().to_vec()));
        let mut priority: Vec<String> = self.dlq.for_function.iter().cloned().collect();
        priority.extend(self.functions.selected_function().map(|f| f.name.clone()));
        priority.extend(
            self.functions
                .rows()
                .skip(self.functions.offset)
                .take(self.page_rows())
                .map(|f| f.name.clone()),
        );
        self.dlq.hints.set_priority(priority);
    }

    /// What the DLQs say about a function, for its HEALTH flag: the messages waiting in its DLQs, and
    /// whether it is set up for async invocation (an EventInvokeConfig exists) without a DLQ or an
    /// on-failure destination. Unknown (default) until the DLQ topology has scanned the function.
    pub fn health_extras(&self, function: &str) -> HealthExtras {
        self.dlq
            .scanned_function(function)
            .map_or_else(HealthExtras::default, |s| {
                crate::domain::dlq::health_extras(s, &self.dlq.known)
            })
    }

    /// The DLQ pane's answers.
    pub(in crate::app) fn on_dlq_msg(&mut self, msg: DlqMsg) -> Vec<Cmd> {
        match msg {
            DlqMsg::Qualifiers {
                generation,
                request,
                result,
            } => self.on_qualifiers(generation, request, result),
            DlqMsg::Discovered {
                generation,
                result,
                now,
            } => self.on_dlqs_discovered(generation, result, now),
            DlqMsg::Peeked {
                generation,
                request,
                result,
                now,
            } => self.on_dlq_peeked(generation, request, result, now),
            DlqMsg::RedrivePlanned { generation, result } => {
                if generation == self.generation {
                    self.on_redrive_planned(result);
                }
                Vec::new()
            }
            DlqMsg::RedriveProgress {
                generation,
                run,
                progress,
            } => self.on_redrive_progress(generation, run, progress),
            DlqMsg::RedriveDone {
                generation,
                run,
                result,
            } => self.on_redrive_done(generation, run, result),
        }
    }

    /// The aliases and versions a re-invoke can target.
    fn on_qualifiers(
        &mut self,
        generation: u64,
        request: u64,
        result: Result<Vec<QualifierChoice>, String>,
    ) -> Vec<Cmd> {
        if generation != self.generation {
            return Vec::new();
        }
        let now = self.now;
        if let Some(list) = self
            .dlq
            .chooser
            .as_mut()
            .and_then(|c| c.qualifiers.as_mut())
            .filter(|l| l.request == request)
        {
            match result {
                Ok(found) => {
                    let mut choices = vec![QualifierChoice::Unqualified];
                    choices.extend(found);
                    list.remote.succeed(choices, now);
                }
                Err(e) => list.remote.fail(e, now),
            }
        }
        Vec::new()
    }

    fn on_dlqs_discovered(
        &mut self,
        generation: u64,
        result: Result<crate::aws::dlq::DlqDiscovery, String>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
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

    fn on_dlq_peeked(
        &mut self,
        generation: u64,
        request: u64,
        result: Result<crate::aws::dlq::Peek, String>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
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
                    // Messages one receive away from the queue's own DLQ: said at once (a warning
                    // outranks the release note).
                    if let Some(w) = p
                        .receive_limit
                        .as_ref()
                        .and_then(|l| l.warning(&p.messages))
                    {
                        flash = Some((FlashLevel::Warn, w));
                    }
                    peek.release_error = p.release_error;
                    peek.receive_limit = p.receive_limit;
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

    fn on_redrive_progress(
        &mut self,
        generation: u64,
        run: u64,
        progress: crate::domain::dlq::RedriveProgress,
    ) -> Vec<Cmd> {
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

    fn on_redrive_done(
        &mut self,
        generation: u64,
        run: u64,
        result: Result<Box<crate::domain::dlq::RedriveSummary>, String>,
    ) -> Vec<Cmd> {
        if generation != self.generation || self.dlq.redrive.as_ref().is_none_or(|r| r.run != run) {
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

    pub(in crate::app) fn cancel_redrive(&mut self) -> bool {
        let Some(run) = self.dlq.redrive.as_ref() else {
            return false;
        };
        run.cancel.cancel();
        let what = format!("cancelling the redrive {} → {}…", run.from, run.to);
        self.flash(FlashLevel::Warn, what);
        true
    }

    pub(in crate::app) fn start_peek(&mut self, dlq: Dlq) -> Vec<Cmd> {
        let Some(url) = dlq.queue_url.clone().filter(|_| dlq.inspectable) else {
            self.flash(
                FlashLevel::Info,
                format!("{} is an SNS topic: nothing to peek", dlq.name),
            );
            return Vec::new();
        };
        // Peeking the same queue again keeps the marks of the messages still there.
        let marked = self
            .dlq
            .peek
            .take()
            .filter(|p| p.queue.queue_arn == dlq.queue_arn)
            .map(|p| p.marked)
            .unwrap_or_default();
        self.next_request += 1;
        let mut remote = Remote::default();
        remote.start_loading(self.now);
        let name = dlq.name.clone();
        self.dlq.peek = Some(PeekView {
            queue: dlq,
            remote,
            request: self.next_request,
            release_error: None,
            receive_limit: None,
            search: String::new(),
            selected: 0,
            detail: false,
            scroll: 0,
            marked,
        });
        self.flash(
            FlashLevel::Warn,
            format!(
                "peeking {} message(s) of {name}: each peek increments their receive count",
                dlq::PEEK_N
            ),
        );
        vec![Cmd::Dlq(DlqCmd::Peek {
            generation: self.generation,
            request: self.next_request,
            queue_url: url,
            n: dlq::PEEK_N,
        })]
    }

    /// `R` (or `n` for a dry run): offers the paths that apply (the first is the one lambdash would
    /// use); `n` also shows the dry run of that first path at once.
    pub(in crate::app) fn choose_redrive(
        &mut self,
        dlq: &Dlq,
        message_ids: Option<Vec<String>>,
        dry_run: bool,
    ) -> Vec<Cmd> {
        if self.read_only && !dry_run {
            self.flash(
                FlashLevel::Warn,
                format!(
                    "refused: read-only mode forbids {} ({}); n shows a dry run",
                    crate::writes::DLQ_REDRIVE,
                    dlq.name
                ),
            );
            return Vec::new();
        }
        if self.dlq.redrive.is_some() && !dry_run {
            self.flash(
                FlashLevel::Warn,
                "a redrive is already running: c cancels it",
            );
            return Vec::new();
        }
        let choices = crate::domain::dlq::applicable_paths(dlq);
        if choices.is_empty() {
            self.flash(
                FlashLevel::Info,
                format!("{} is an SNS topic: it cannot be redriven", dlq.name),
            );
            return Vec::new();
        }
        self.dlq.chooser = Some(PathChooser {
            queue: dlq.queue_arn.clone(),
            choices,
            selected: 0,
            message_ids,
            qualifiers: None,
            dry_run: None,
            warning: None,
            dry_run_only: self.read_only,
        });
        if dry_run {
            return self.chooser_proceed(true);
        }
        Vec::new()
    }
}
