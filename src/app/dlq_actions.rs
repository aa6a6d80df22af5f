//! The DLQ pane's actions: open, peek, redrive (choose → plan → confirm), delete, purge, cancel.

#[allow(clippy::wildcard_imports)]
use super::*;

impl App {
    /// Opens the DLQ pane: every function's DLQs, or only `only`'s (from the function detail).
    pub(super) fn open_dlq(&mut self, only: Option<String>) -> Vec<Cmd> {
        if self.view == View::Dlq && self.dlq.for_function == only {
            return Vec::new();
        }
        let mut cmds = self.leave_view();
        if self.dlq.for_function != only {
            // Another scope: the old rows and trends say nothing about it (a running redrive goes on).
            let redrive = self.dlq.redrive.take();
            let last_summary = self.dlq.last_summary.take();
            self.dlq = DlqPane {
                for_function: only.clone(),
                redrive,
                last_summary,
                ..DlqPane::default()
            };
        }
        self.view = View::Dlq;
        if self.dlq.remote.data.is_none() {
            self.dlq.remote.start_loading(self.now);
        }
        cmds.push(Cmd::StartDlqPoller {
            generation: self.generation,
            functions: only.map(|f| vec![f]),
            every: DLQ_POLL_EVERY,
        });
        cmds
    }

    pub(super) fn cancel_redrive(&mut self) -> bool {
        let Some(run) = self.dlq.redrive.as_ref() else {
            return false;
        };
        run.cancel.cancel();
        let what = format!("cancelling the redrive {} → {}…", run.from, run.to);
        self.flash(FlashLevel::Warn, what);
        true
    }

    pub(super) fn start_peek(&mut self, dlq: crate::domain::dlq::Dlq) -> Vec<Cmd> {
        let Some(url) = dlq.queue_url.clone().filter(|_| dlq.inspectable) else {
            self.flash(
                FlashLevel::Info,
                format!("{} is an SNS topic: nothing to peek", dlq.name),
            );
            return Vec::new();
        };
        self.next_request += 1;
        let mut remote = Remote::default();
        remote.start_loading(self.now);
        let name = dlq.name.clone();
        self.dlq.peek = Some(PeekView {
            queue: dlq,
            remote,
            request: self.next_request,
            release_error: None,
            search: String::new(),
            selected: 0,
            detail: false,
            scroll: 0,
        });
        self.flash(
            FlashLevel::Warn,
            format!(
                "peeking {} message(s) of {name}: each peek increments their receive count",
                dlq::PEEK_N
            ),
        );
        vec![Cmd::PeekDlq {
            generation: self.generation,
            request: self.next_request,
            queue_url: url,
            n: dlq::PEEK_N,
        }]
    }

    /// `R`: offers the paths that apply (the first is the one lambdash would use).
    pub(super) fn choose_redrive(
        &mut self,
        dlq: &crate::domain::dlq::Dlq,
        message_ids: Option<Vec<String>>,
    ) {
        if self.read_only {
            self.flash(
                FlashLevel::Warn,
                format!(
                    "refused: read-only mode forbids {} ({})",
                    crate::writes::DLQ_REDRIVE,
                    dlq.name
                ),
            );
            return;
        }
        if self.dlq.redrive.is_some() {
            self.flash(
                FlashLevel::Warn,
                "a redrive is already running: c cancels it",
            );
            return;
        }
        let choices = crate::domain::dlq::applicable_paths(dlq);
        if choices.is_empty() {
            self.flash(
                FlashLevel::Info,
                format!("{} is an SNS topic: it cannot be redriven", dlq.name),
            );
            return;
        }
        self.dlq.chooser = Some(PathChooser {
            queue: dlq.queue_arn.clone(),
            choices,
            selected: 0,
            message_ids,
        });
    }

    pub(super) fn plan_redrive(
        &mut self,
        queue_arn: &str,
        target: crate::domain::dlq::RedriveTarget,
        message_ids: Option<Vec<String>>,
    ) -> Vec<Cmd> {
        let Some(dlq) = self
            .dlq
            .all()
            .iter()
            .find(|d| d.queue_arn == queue_arn)
            .cloned()
        else {
            self.flash(FlashLevel::Warn, "that queue is no longer listed");
            return Vec::new();
        };
        self.flash(
            FlashLevel::Info,
            format!("planning the redrive of {}…", dlq.name),
        );
        vec![Cmd::PlanRedrive {
            generation: self.generation,
            dlq: Box::new(dlq),
            target,
            selected: message_ids,
        }]
    }

    pub(super) fn ask_purge(&mut self, dlq: &crate::domain::dlq::Dlq) {
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

    pub(super) fn on_dlq_action(&mut self, action: Action) -> Vec<Cmd> {
        use crate::domain::dlq::{PathChoice, RedriveTarget};
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
        if let Some(chooser) = self.dlq.chooser.as_mut() {
            match action {
                Action::Up => chooser.selected = chooser.selected.saturating_sub(1),
                Action::Down => {
                    chooser.selected = (chooser.selected + 1).min(chooser.choices.len() - 1);
                }
                Action::Back => self.dlq.chooser = None,
                Action::Enter | Action::Peek | Action::Redrive => {
                    let Some(chooser) = self.dlq.chooser.take() else {
                        return Vec::new();
                    };
                    let choice = chooser.choices.get(chooser.selected).copied();
                    let target = match choice {
                        Some(PathChoice::SourceQueueMoveTask | PathChoice::SourceQueueManual) => {
                            RedriveTarget::Source
                        }
                        Some(PathChoice::Reinvoke) => RedriveTarget::Function {
                            function: None,
                            qualifier: None,
                        },
                        Some(PathChoice::OtherQueue) | None => {
                            self.mode = Mode::Input {
                                purpose: InputPurpose::RedriveQueue {
                                    queue_arn: chooser.queue,
                                    message_ids: chooser.message_ids,
                                },
                                text: String::new(),
                            };
                            return Vec::new();
                        }
                    };
                    return self.plan_redrive(&chooser.queue, target, chooser.message_ids);
                }
                _ => {}
            }
            return Vec::new();
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
            Action::Refresh => return vec![Cmd::RefreshNow(PollerKind::Dlq)],
            Action::Back if !self.cancel_redrive() => return self.show_functions(),
            Action::NextPane => return self.show_functions(),
            Action::Peek | Action::Enter => {
                if let Some(d) = self.dlq.selected_dlq().cloned() {
                    return self.start_peek(d);
                }
                self.flash(FlashLevel::Info, "no DLQ selected");
            }
            Action::Redrive => match self.dlq.selected_dlq().cloned() {
                Some(d) => self.choose_redrive(&d, None),
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

    pub(super) fn on_dlq_messages_action(&mut self, action: Action, rows: usize) -> Vec<Cmd> {
        let Some(peek) = self.dlq.peek.as_mut() else {
            return Vec::new();
        };
        let detail = peek.detail;
        match action {
            Action::Up if detail => peek.scroll = peek.scroll.saturating_sub(1),
            Action::Down if detail => peek.scroll = peek.scroll.saturating_add(1),
            Action::Top if detail => peek.scroll = 0,
            Action::Up => peek.move_by(-1),
            Action::Down => peek.move_by(1),
            Action::Top => peek.selected = 0,
            Action::Bottom => peek.move_by(isize::MAX / 2),
            Action::PageUp => peek.move_by(-(rows as isize)),
            Action::PageDown => peek.move_by(rows as isize),
            Action::Enter if peek.selected_message().is_some() => {
                peek.detail = true;
                peek.scroll = 0;
            }
            Action::Back => {
                if self.cancel_redrive() {
                    return Vec::new();
                }
                if let Some(peek) = self.dlq.peek.as_mut() {
                    if peek.detail {
                        peek.detail = false;
                    } else if !peek.search.is_empty() {
                        peek.search.clear();
                    } else {
                        self.dlq.peek = None;
                    }
                }
            }
            Action::Filter => {
                self.mode = Mode::Input {
                    purpose: InputPurpose::DlqSearch,
                    text: peek.search.clone(),
                };
            }
            Action::Peek | Action::Refresh => {
                let queue = peek.queue.clone();
                return self.start_peek(queue);
            }
            Action::Export => {
                let messages: Vec<crate::domain::dlq::DlqMessage> = if detail {
                    peek.selected_message().cloned().into_iter().collect()
                } else {
                    peek.visible().into_iter().cloned().collect()
                };
                if messages.is_empty() {
                    self.flash(FlashLevel::Info, "nothing to export: p peeks first");
                    return Vec::new();
                }
                let name = peek.queue.name.clone();
                return match crate::domain::dlq::to_jsonl(&messages) {
                    Ok(text) => {
                        let path =
                            format!("lambdash-{name}-{}.jsonl", self.now.format("%Y%m%d-%H%M%S"));
                        vec![Cmd::SaveFile { path, text }]
                    }
                    Err(e) => {
                        self.flash(FlashLevel::Error, format!("export: {e}"));
                        Vec::new()
                    }
                };
            }
            Action::DeleteMessage => {
                let target = peek.selected_message().map(|m| m.message_id.clone());
                let queue = &peek.queue;
                match (target, &queue.queue_url) {
                    (Some(id), Some(url)) => {
                        let queue = crate::domain::dlq::QueueRef {
                            url: url.clone(),
                            arn: queue.queue_arn.clone(),
                            name: queue.name.clone(),
                            fifo: queue.fifo,
                        };
                        self.ask_confirm(
                            Write::Dlq(crate::writes::DlqWrite::Delete {
                                queue,
                                message_ids: vec![id],
                            }),
                            None,
                        );
                    }
                    _ => self.flash(FlashLevel::Info, "no message selected"),
                }
            }
            Action::Redrive => {
                let ids = peek.selected_message().map(|m| vec![m.message_id.clone()]);
                let queue = peek.queue.clone();
                match ids {
                    Some(ids) => self.choose_redrive(&queue, Some(ids)),
                    None => self.flash(FlashLevel::Info, "no message selected"),
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
