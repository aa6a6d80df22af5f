//! The redrive path chooser: choosing a path, a rate and a qualifier, then a dry run or the plan to
//! confirm.

#[allow(clippy::wildcard_imports)]
use crate::app::*;

use crate::domain::dlq::{Dlq, PathChoice, RedrivePlan, RedriveTarget};
use dlq::{DlqCmd, DryRun, QualifierChoice, QualifierList, rate_label};

impl App {
    /// Enter (`dry_run` false) or `n` (true) on the highlighted path of the chooser.
    pub(super) fn chooser_proceed(&mut self, dry_run: bool) -> Vec<Cmd> {
        let Some(chooser) = self.dlq.chooser.as_ref() else {
            return Vec::new();
        };
        if !dry_run && chooser.dry_run_only {
            self.flash(
                FlashLevel::Warn,
                "refused: read-only mode; n shows what a redrive would do",
            );
            return Vec::new();
        }
        if !dry_run && self.dlq.redrive.is_some() {
            self.flash(
                FlashLevel::Warn,
                "a redrive is already running: c cancels it",
            );
            return Vec::new();
        }
        let queue = chooser.queue.clone();
        let ids = chooser.message_ids.clone();
        let target = match chooser.choices.get(chooser.selected).copied() {
            Some(PathChoice::SourceQueueMoveTask | PathChoice::SourceQueueManual) => {
                RedriveTarget::Source
            }
            Some(PathChoice::Reinvoke) => {
                if let Some(list) = &chooser.qualifiers {
                    RedriveTarget::Function {
                        function: Some(list.function.clone()),
                        qualifier: list.qualifier(),
                    }
                } else {
                    let function = self
                        .dlq
                        .known
                        .iter()
                        .find(|d| d.queue_arn == queue)
                        .and_then(|d| match d.functions.as_slice() {
                            [one] => Some(one.clone()),
                            _ => None,
                        });
                    match function {
                        // Enter: choose the alias or version first (default: the unqualified function).
                        Some(function) if !dry_run => return self.open_qualifiers(function),
                        _ => RedriveTarget::Function {
                            function: None,
                            qualifier: None,
                        },
                    }
                }
            }
            Some(PathChoice::OtherQueue) | None => {
                self.dlq.next_plan_dry_run = dry_run;
                self.open_input(InputPurpose::RedriveQueue {
                    queue_arn: queue,
                    message_ids: ids,
                });
                return Vec::new();
            }
        };
        self.request_plan(&queue, target, ids, dry_run)
    }

    /// The re-invoke's function: fetch its aliases and versions to choose from.
    pub(super) fn open_qualifiers(&mut self, function: String) -> Vec<Cmd> {
        self.next_request += 1;
        let mut remote = Remote {
            data: Some(vec![QualifierChoice::Unqualified]),
            ..Remote::default()
        };
        remote.start_loading(self.now);
        if let Some(chooser) = self.dlq.chooser.as_mut() {
            chooser.dry_run = None;
            chooser.qualifiers = Some(QualifierList {
                function: function.clone(),
                request: self.next_request,
                remote,
                selected: 0,
            });
        }
        vec![Cmd::Dlq(DlqCmd::FetchQualifiers {
            generation: self.generation,
            request: self.next_request,
            function,
        })]
    }

    /// A redrive to a queue the user typed (the `RedriveQueue` input): a plan, or its dry run when the
    /// input was opened by `n`.
    pub(in crate::app) fn plan_redrive(
        &mut self,
        queue_arn: &str,
        target: RedriveTarget,
        message_ids: Option<Vec<String>>,
    ) -> Vec<Cmd> {
        let dry_run = std::mem::take(&mut self.dlq.next_plan_dry_run);
        self.request_plan(queue_arn, target, message_ids, dry_run)
    }

    pub(super) fn request_plan(
        &mut self,
        queue_arn: &str,
        target: RedriveTarget,
        message_ids: Option<Vec<String>>,
        dry_run: bool,
    ) -> Vec<Cmd> {
        let Some(dlq) = self
            .dlq
            .known
            .iter()
            .find(|d| d.queue_arn == queue_arn)
            .cloned()
        else {
            self.flash(FlashLevel::Warn, "that queue is no longer listed");
            return Vec::new();
        };
        self.dlq.planning_dry_run = Some(dry_run);
        if dry_run {
            if let Some(chooser) = self.dlq.chooser.as_mut() {
                chooser.dry_run = Some(DryRun::Planning);
            }
        } else {
            self.dlq.chooser = None;
            self.flash(
                FlashLevel::Info,
                format!("planning the redrive of {}…", dlq.name),
            );
        }
        vec![Cmd::Dlq(DlqCmd::PlanRedrive {
            generation: self.generation,
            dlq: Box::new(dlq),
            target,
            selected: message_ids,
        })]
    }

    /// A plan arrived: shown in the chooser when it was a dry run, else taken to the confirm step. The
    /// rate chosen with `+` / `-` applies.
    pub(in crate::app) fn on_redrive_planned(&mut self, result: Result<Box<RedrivePlan>, String>) {
        let dry_run = self.dlq.planning_dry_run.take().unwrap_or(false);
        let rate = self.dlq.rate;
        let result = result.map(|p| Box::new(p.with_rate(rate)));
        // The target is failing now: the dry run and the confirm say so.
        let warning = result
            .as_ref()
            .ok()
            .and_then(|plan| self.redrive_warning(plan));
        if dry_run {
            match (self.dlq.chooser.as_mut(), result) {
                (Some(chooser), Ok(plan)) => {
                    chooser.dry_run = Some(DryRun::Ready(plan));
                    chooser.warning = warning;
                }
                (Some(chooser), Err(e)) => chooser.dry_run = Some(DryRun::Failed(e)),
                (None, Ok(plan)) => {
                    let (level, text) = match warning {
                        Some(w) => (
                            FlashLevel::Warn,
                            format!("dry run, nothing changed: {w}. {}", plan.describe()),
                        ),
                        None => (
                            FlashLevel::Info,
                            format!("dry run, nothing changed: {}", plan.describe()),
                        ),
                    };
                    self.flash(level, text);
                }
                (None, Err(e)) => self.flash(FlashLevel::Warn, format!("dry run: {e}")),
            }
            return;
        }
        match result {
            Ok(plan) => self.ask_confirm(Write::Redrive { plan }, warning),
            Err(e) => self.flash(FlashLevel::Warn, format!("redrive: {e}")),
        }
    }

    pub(in crate::app) fn ask_purge(&mut self, dlq: &Dlq) {
        match &dlq.queue_url {
            Some(url) if dlq.inspectable => self.ask_confirm(
                Write::Dlq(crate::writes::DlqWrite::Purge {
                    queue_url: url.clone(),
                    visible: dlq.visible,
                }),
                None,
            ),
            _ => self.flash(
                FlashLevel::Info,
                format!("{} is an SNS topic: nothing to purge", dlq.name),
            ),
        }
    }

    /// `+` / `-`: the redrive rate (a dry run on screen is updated).
    pub(super) fn step_rate(&mut self, faster: bool) {
        self.dlq.step_rate(faster);
        let rate = self.dlq.rate;
        if let Some(DryRun::Ready(plan)) =
            self.dlq.chooser.as_mut().and_then(|c| c.dry_run.as_mut())
        {
            **plan = plan.as_ref().clone().with_rate(rate);
        }
        self.flash(
            FlashLevel::Info,
            format!("redrive rate: {}", rate_label(rate)),
        );
    }

    pub(super) fn on_chooser_action(&mut self, action: Action) -> Vec<Cmd> {
        let Some(chooser) = self.dlq.chooser.as_mut() else {
            return Vec::new();
        };
        match action {
            Action::Up | Action::Down => {
                let down = action == Action::Down;
                chooser.dry_run = None;
                if let Some(list) = chooser.qualifiers.as_mut() {
                    let last = list.choices().len().saturating_sub(1);
                    list.selected = if down {
                        (list.selected + 1).min(last)
                    } else {
                        list.selected.saturating_sub(1)
                    };
                } else {
                    let last = chooser.choices.len().saturating_sub(1);
                    chooser.selected = if down {
                        (chooser.selected + 1).min(last)
                    } else {
                        chooser.selected.saturating_sub(1)
                    };
                }
            }
            Action::Back => {
                if chooser.qualifiers.take().is_some() {
                    chooser.dry_run = None;
                } else {
                    self.dlq.chooser = None;
                }
            }
            Action::Enter | Action::Peek | Action::Redrive => return self.chooser_proceed(false),
            Action::DryRun => return self.chooser_proceed(true),
            _ => {}
        }
        Vec::new()
    }

    pub(in crate::app) fn on_dlq_action(&mut self, action: Action) -> Vec<Cmd> {
        let rows = self.page_rows();
        if matches!(action, Action::Quit | Action::Help | Action::Palette) {
            return self.on_global_action(action);
        }
        if action == Action::Cancel {
            if !self.cancel_redrive() {
                self.flash(FlashLevel::Info, "no redrive is running");
            }
            return Vec::new();
        }
        if matches!(action, Action::RateUp | Action::RateDown) {
            self.step_rate(action == Action::RateUp);
            return Vec::new();
        }
        if self.dlq.chooser.is_some() {
            return self.on_chooser_action(action);
        }
        if self.dlq.peek.is_some() {
            return self.on_dlq_messages_action(action, rows);
        }
        match action {
            Action::Up => self.dlq.move_by(-1),
            Action::Down => self.dlq.move_by(1),
            Action::Top => self.dlq.selected = 0,
            Action::Bottom => self.dlq.move_by(isize::MAX / 2),
            Action::PageUp => self.dlq.move_by(-(rows as isize)),
            Action::PageDown => self.dlq.move_by(rows as isize),
            Action::Refresh => {
                // `r`: which queue belongs to which function too, not only the depths.
                self.dlq.reread.raise();
                if !self.dlq.poller_on {
                    return self.sync_dlq_poller();
                }
                return vec![Cmd::RefreshNow(PollerKind::Dlq)];
            }
            Action::Back if !self.cancel_redrive() => return self.go_back(),
            Action::NextPane => return self.show_functions(),
            Action::Peek | Action::Enter => {
                if let Some(d) = self.dlq.selected_dlq().cloned() {
                    return self.start_peek(d);
                }
                self.flash(FlashLevel::Info, "no DLQ selected");
            }
            Action::Redrive | Action::DryRun => match self.dlq.selected_dlq().cloned() {
                Some(d) => return self.choose_redrive(&d, None, action == Action::DryRun),
                None => self.flash(FlashLevel::Info, "no DLQ selected"),
            },
            Action::Purge => match self.dlq.selected_dlq().cloned() {
                Some(d) => self.ask_purge(&d),
                None => self.flash(FlashLevel::Info, "no DLQ selected"),
            },
            _ => {}
        }
        self.dlq.scroll_into_view(rows);
        Vec::new()
    }

    pub(in crate::app) fn on_dlq_messages_action(
        &mut self,
        action: Action,
        rows: usize,
    ) -> Vec<Cmd> {
        if self.dlq.peek.as_ref().is_some_and(|p| p.detail) {
            return self.on_dlq_message_action(action);
        }
        let Some(peek) = self.dlq.peek.as_mut() else {
            return Vec::new();
        };
        match action {
            Action::Up | Action::PrevMessage => peek.move_by(-1),
            Action::Down | Action::NextMessage => peek.move_by(1),
            Action::Top => peek.selected = 0,
            Action::Bottom => peek.move_by(isize::MAX / 2),
            Action::PageUp => peek.move_by(-(rows as isize)),
            Action::PageDown => peek.move_by(rows as isize),
            Action::Enter if peek.selected_message().is_some() => {
                peek.detail = true;
                peek.scroll = 0;
            }
            Action::Mark => {
                let Some(marked) = peek.toggle_mark() else {
                    self.flash(FlashLevel::Info, "no message selected");
                    return Vec::new();
                };
                if marked {
                    peek.move_by(1);
                }
            }
            Action::Back => {
                if self.cancel_redrive() {
                    return Vec::new();
                }
                if let Some(peek) = self.dlq.peek.as_mut() {
                    if !peek.search.is_empty() {
                        peek.search.clear();
                    } else if !peek.marked.is_empty() {
                        peek.marked.clear();
                    } else {
                        self.dlq.peek = None;
                    }
                }
            }
            Action::Filter => self.open_input(InputPurpose::DlqSearch),
            Action::Peek | Action::Refresh => {
                let queue = peek.queue.clone();
                return self.start_peek(queue);
            }
            Action::Export => {
                // The marked messages, else every message listed.
                let messages: Vec<crate::domain::dlq::DlqMessage> = if peek.marked.is_empty() {
                    peek.visible().into_iter().cloned().collect()
                } else {
                    peek.targets().into_iter().cloned().collect()
                };
                return self.export_messages(&messages);
            }
            Action::DeleteMessage => {
                let ids: Vec<String> = peek
                    .targets()
                    .iter()
                    .map(|m| m.message_id.clone())
                    .collect();
                self.ask_delete(ids);
            }
            Action::Redrive | Action::DryRun => {
                let ids: Vec<String> = peek
                    .targets()
                    .iter()
                    .map(|m| m.message_id.clone())
                    .collect();
                let queue = peek.queue.clone();
                if ids.is_empty() {
                    self.flash(FlashLevel::Info, "no message selected");
                } else {
                    return self.choose_redrive(&queue, Some(ids), action == Action::DryRun);
                }
            }
            Action::Purge => {
                let queue = peek.queue.clone();
                self.ask_purge(&queue);
            }
            Action::NextPane => return self.show_functions(),
            _ => {}
        }
        Vec::new()
    }
}
