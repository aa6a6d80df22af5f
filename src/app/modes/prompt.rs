//! The keys of every prompt: the `/` filter, the `:` palette, the line prompts ([`Mode::Input`]) and the
//! typed confirmation of a destructive write. All of them edit through [`LineEdit`]; Esc (or Ctrl-C)
//! closes a prompt and nothing else does, so letters typed into a prompt never become pane keys.

use crossterm::event::{KeyCode, KeyEvent};

use super::line::{Edit, HistoryKind, LineEdit};
use super::palette::{self, Names};
use crate::app::{App, Cmd, Confirm, FlashLevel, InputPurpose, Mode, View};
use crate::writes::Write;

impl InputPurpose {
    /// The history ↑/↓ walk through in this prompt.
    pub fn history_kind(&self) -> HistoryKind {
        match self {
            InputPurpose::PublishDescription { .. } => HistoryKind::Description,
            InputPurpose::LogSearch => HistoryKind::LogSearch,
            InputPurpose::LogFilter => HistoryKind::LogFilter,
            InputPurpose::LogRange => HistoryKind::LogRange,
            InputPurpose::DlqSearch => HistoryKind::DlqSearch,
            InputPurpose::RedriveQueue { .. } => HistoryKind::RedriveQueue,
        }
    }

    /// What Enter does, for the prompt's hint.
    pub fn enter_does(&self) -> &'static str {
        match self {
            InputPurpose::PublishDescription { .. } => "Enter review (confirm next)",
            InputPurpose::LogSearch | InputPurpose::DlqSearch => "Enter search (empty: clear)",
            InputPurpose::LogFilter => "Enter apply (empty: clear)",
            InputPurpose::LogRange => "Enter apply",
            InputPurpose::RedriveQueue { .. } => "Enter plan (confirm next)",
        }
    }
}

impl App {
    /// Opens a line prompt, empty: what is set now is shown in the prompt's hint and is ↑ away.
    pub(in crate::app) fn open_input(&mut self, purpose: InputPurpose) {
        self.mode = Mode::Input {
            purpose,
            text: LineEdit::default(),
        };
    }

    /// Opens the `/` filter of the functions or alarms list, holding the filter applied now (it is
    /// applied as typed, so Enter keeps exactly what is shown).
    pub(in crate::app) fn open_filter(&mut self) {
        let now = if self.view == View::Alarms {
            &self.alarms.filter_input
        } else {
            &self.functions.filter_input
        };
        self.mode = Mode::Filter {
            line: LineEdit::new(now.clone()),
        };
    }

    pub(in crate::app) fn on_filter_key(&mut self, key: KeyEvent, mut line: LineEdit) -> Vec<Cmd> {
        let in_alarms = self.view == View::Alarms;
        let kind = if in_alarms {
            HistoryKind::AlarmsFilter
        } else {
            HistoryKind::FunctionsFilter
        };
        let edit = line.apply(&key, self.history.of(kind));
        let text = match edit {
            Edit::Cancel => {
                self.mode = Mode::Normal;
                String::new()
            }
            Edit::Submit => {
                self.history.push(kind, line.text());
                self.mode = Mode::Normal;
                line.into_text()
            }
            Edit::Changed => {
                let text = line.text().to_string();
                self.mode = Mode::Filter { line };
                text
            }
            Edit::Unchanged | Edit::Other => {
                self.mode = Mode::Filter { line };
                return Vec::new();
            }
        };
        let keep = if in_alarms {
            self.alarms.selected_alarm().map(|a| a.name.clone())
        } else {
            self.functions.selected_function().map(|f| f.name.clone())
        };
        let rows = self.page_rows();
        if in_alarms {
            self.alarms.filter_input = text;
            self.alarms.rebuild_view(keep.as_deref());
            self.alarms.scroll_into_view(rows);
        } else {
            self.functions.filter_input = text;
            self.functions.rebuild_view(keep.as_deref());
            self.functions.scroll_into_view(rows);
        }
        Vec::new()
    }

    /// The palette candidates for the current input (command names, then the names after a command:
    /// functions, alarms, queues, regions, profiles, themes).
    pub fn palette_candidates(&self, input: &str) -> Vec<String> {
        let functions: Vec<&str> = self
            .functions
            .all()
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        let mut alarms: Vec<&str> = self.alarms.all().iter().map(|a| a.name.as_str()).collect();
        for a in self.firing.data.as_deref().unwrap_or(&[]) {
            if !alarms.contains(&a.name.as_str()) {
                alarms.push(&a.name);
            }
        }
        let queues: Vec<&str> = self.dlq.known.iter().map(|d| d.name.as_str()).collect();
        palette::completions(
            input,
            &Names {
                profiles: &self.profiles,
                themes: &self.theme_names,
                functions: &functions,
                alarms: &alarms,
                queues: &queues,
            },
        )
    }

    pub(in crate::app) fn on_palette_key(
        &mut self,
        key: KeyEvent,
        mut input: LineEdit,
        completion: Option<usize>,
    ) -> Vec<Cmd> {
        let candidates = self.palette_candidates(input.text());
        if matches!(key.code, KeyCode::Tab | KeyCode::BackTab) {
            if candidates.len() == 1 {
                input.set(candidates[0].clone());
                self.mode = Mode::Palette {
                    input,
                    completion: None,
                };
            } else if !candidates.is_empty() {
                let n = candidates.len();
                let next = match (completion, key.code == KeyCode::BackTab) {
                    (None, false) => 0,
                    (None, true) => n - 1,
                    (Some(i), false) => (i + 1) % n,
                    (Some(i), true) => (i + n - 1) % n,
                };
                self.mode = Mode::Palette {
                    input,
                    completion: Some(next),
                };
            }
            return Vec::new();
        }
        // Any other key works on the highlighted candidate, as if it had been typed.
        if let Some(chosen) = completion.and_then(|i| candidates.get(i)) {
            input.set(chosen.clone());
        }
        match input.apply(&key, self.history.of(HistoryKind::Palette)) {
            Edit::Cancel => {
                self.mode = Mode::Normal;
                Vec::new()
            }
            Edit::Submit => {
                let line = input.into_text();
                self.mode = Mode::Normal;
                self.history.push(HistoryKind::Palette, &line);
                match palette::parse(&line) {
                    Ok(cmd) => self.run_command(cmd),
                    Err(e) => {
                        self.flash(FlashLevel::Warn, e);
                        Vec::new()
                    }
                }
            }
            Edit::Changed | Edit::Unchanged | Edit::Other => {
                self.mode = Mode::Palette {
                    input,
                    completion: None,
                };
                Vec::new()
            }
        }
    }

    pub(in crate::app) fn on_input_key(
        &mut self,
        key: KeyEvent,
        purpose: InputPurpose,
        mut text: LineEdit,
    ) -> Vec<Cmd> {
        let kind = purpose.history_kind();
        match text.apply(&key, self.history.of(kind)) {
            Edit::Cancel => {
                self.mode = Mode::Normal;
                self.flash(FlashLevel::Info, "cancelled: nothing was changed");
                Vec::new()
            }
            Edit::Submit => {
                self.mode = Mode::Normal;
                let text = text.into_text();
                self.history.push(kind, &text);
                self.submit_input(purpose, text)
            }
            Edit::Changed | Edit::Unchanged | Edit::Other => {
                self.mode = Mode::Input { purpose, text };
                Vec::new()
            }
        }
    }

    fn submit_input(&mut self, purpose: InputPurpose, text: String) -> Vec<Cmd> {
        match purpose {
            InputPurpose::PublishDescription { function } => self.ask_confirm(
                Write::PublishVersion {
                    function,
                    description: text,
                },
                None,
            ),
            InputPurpose::LogSearch => {
                if let Some(pane) = self.logs.as_mut() {
                    pane.search = text;
                    if !pane.search.is_empty() && !pane.jump_match(true) {
                        let s = pane.search.clone();
                        self.flash(FlashLevel::Info, format!("no line contains {s:?}"));
                    }
                }
            }
            InputPurpose::LogFilter => return self.submit_log_filter(&text),
            InputPurpose::LogRange => return self.typed_log_range(&text),
            InputPurpose::DlqSearch => {
                if let Some(peek) = self.dlq.peek.as_mut() {
                    peek.search = text;
                    peek.selected = 0;
                    peek.detail = false;
                    if peek.visible().is_empty() {
                        let s = peek.search.clone();
                        self.flash(
                            FlashLevel::Info,
                            format!("no peeked message contains {s:?}"),
                        );
                    }
                }
            }
            InputPurpose::RedriveQueue {
                queue_arn,
                message_ids,
            } => {
                return self.plan_redrive(
                    &queue_arn,
                    crate::domain::dlq::RedriveTarget::Queue(text.trim().to_string()),
                    message_ids,
                );
            }
        }
        Vec::new()
    }

    /// `F` + Enter: the same pattern as now changes nothing (the tail is not restarted for it); an
    /// empty line clears the pattern when there is one.
    fn submit_log_filter(&mut self, text: &str) -> Vec<Cmd> {
        let Some(pane) = self.logs.as_ref() else {
            return Vec::new();
        };
        let wanted = Some(text.trim().to_string()).filter(|p| !p.is_empty());
        if wanted == pane.filter_pattern {
            let what = wanted.map_or_else(
                || "no server-side filter".to_string(),
                |p| format!("filter pattern {p}"),
            );
            self.flash(FlashLevel::Info, format!("unchanged: {what}"));
            return Vec::new();
        }
        self.restart_logs(wanted)
    }

    /// The typed confirmation of a purge or delete: the queue name, edited like any prompt.
    pub(in crate::app) fn on_typed_confirm_key(
        &mut self,
        key: KeyEvent,
        mut confirm: Box<Confirm>,
    ) -> Vec<Cmd> {
        // No history here: recalling a queue name would defeat typing it.
        match confirm.typed.apply(&key, &[]) {
            Edit::Cancel => {
                self.mode = Mode::Normal;
                self.flash(FlashLevel::Info, "cancelled: nothing was changed");
            }
            Edit::Submit => {
                if confirm.typed_confirmation.as_deref() == Some(confirm.typed.text()) {
                    self.mode = Mode::Normal;
                    return self.confirmed(confirm.write);
                }
                self.flash(
                    FlashLevel::Warn,
                    "type the queue name exactly, then Enter (Esc cancels)",
                );
                self.mode = Mode::Confirm(confirm);
            }
            Edit::Changed | Edit::Unchanged | Edit::Other => self.mode = Mode::Confirm(confirm),
        }
        Vec::new()
    }
}
