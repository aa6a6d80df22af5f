//! One peeked message's detail. The message shown changes only with `]` / `[` (the footer names
//! them); every scroll key (`j`/`k`, `PgUp`/`PgDn`, `g`/`G`) scrolls its whole text; delete, redrive,
//! dry run and export act on the message shown, whatever is marked in the list.

use crate::app::dlq::PeekView;
use crate::app::keymap::Action;
use crate::app::{App, Cmd, FlashLevel};
use crate::domain::dlq::DlqMessage;
use crate::writes::Write;

impl PeekView {
    /// `(n, N)`: the position of the message shown among the messages listed, counted from 1.
    pub fn position(&self) -> (usize, usize) {
        let n = self.visible().len();
        ((self.selected + 1).min(n), n)
    }
}

impl App {
    pub(in crate::app) fn on_dlq_message_action(&mut self, action: Action) -> Vec<Cmd> {
        let bounds = self.layout.scroll;
        let page = bounds.map_or(10, |b| b.page.max(1));
        let max = bounds.map_or(u16::MAX, |b| b.max);
        let Some(peek) = self.dlq.peek.as_mut() else {
            return Vec::new();
        };
        let Some(shown) = peek.selected_message().cloned() else {
            peek.detail = false;
            return Vec::new();
        };
        match action {
            Action::Up => peek.scroll = peek.scroll.saturating_sub(1),
            Action::Down => peek.scroll = peek.scroll.saturating_add(1).min(max),
            Action::PageUp => peek.scroll = peek.scroll.saturating_sub(page),
            Action::PageDown => peek.scroll = peek.scroll.saturating_add(page).min(max),
            Action::Top => peek.scroll = 0,
            Action::Bottom => peek.scroll = max,
            Action::NextMessage | Action::PrevMessage => {
                let before = peek.selected;
                peek.move_by(if action == Action::NextMessage { 1 } else { -1 });
                if peek.selected == before {
                    let (n, total) = peek.position();
                    let edge = if action == Action::NextMessage {
                        "last"
                    } else {
                        "first"
                    };
                    self.flash(
                        FlashLevel::Info,
                        format!("this is the {edge} message ({n} of {total})"),
                    );
                } else {
                    peek.scroll = 0;
                }
            }
            Action::Back => {
                if !self.cancel_redrive()
                    && let Some(peek) = self.dlq.peek.as_mut()
                {
                    peek.detail = false;
                }
            }
            Action::Export => return self.export_messages(std::slice::from_ref(&shown)),
            Action::DeleteMessage => self.ask_delete(vec![shown.message_id]),
            Action::Redrive | Action::DryRun => {
                let queue = peek.queue.clone();
                return self.choose_redrive(
                    &queue,
                    Some(vec![shown.message_id]),
                    action == Action::DryRun,
                );
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

    /// `x`: these messages to `./lambdash-QUEUE-TIME.jsonl`.
    pub(in crate::app) fn export_messages(&mut self, messages: &[DlqMessage]) -> Vec<Cmd> {
        let Some(name) = self.dlq.peek.as_ref().map(|p| p.queue.name.clone()) else {
            return Vec::new();
        };
        if messages.is_empty() {
            self.flash(FlashLevel::Info, "nothing to export: p peeks first");
            return Vec::new();
        }
        match crate::domain::dlq::to_jsonl(messages) {
            Ok(text) => {
                let path = format!("lambdash-{name}-{}.jsonl", self.now.format("%Y%m%d-%H%M%S"));
                vec![Cmd::Logs(crate::app::LogsCmd::SaveFile { path, text })]
            }
            Err(e) => {
                self.flash(FlashLevel::Error, format!("export: {e}"));
                Vec::new()
            }
        }
    }

    /// `d`: the confirm step (the queue name typed) for deleting these messages of the peeked queue.
    pub(in crate::app) fn ask_delete(&mut self, ids: Vec<String>) {
        let Some(queue) = self.dlq.peek.as_ref().map(|p| p.queue.clone()) else {
            return;
        };
        match (ids.is_empty(), &queue.queue_url) {
            (false, Some(url)) => {
                let queue = crate::domain::dlq::QueueRef {
                    url: url.clone(),
                    arn: queue.queue_arn.clone(),
                    name: queue.name.clone(),
                    fifo: queue.fifo,
                };
                self.ask_confirm(
                    Write::Dlq(crate::writes::DlqWrite::Delete {
                        queue,
                        message_ids: ids,
                    }),
                    None,
                );
            }
            _ => self.flash(FlashLevel::Info, "no message selected"),
        }
    }
}
