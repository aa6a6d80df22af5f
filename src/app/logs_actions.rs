//! The logs pane's actions: open, restart with a server-side filter, keys.

#[allow(clippy::wildcard_imports)]
use super::*;

impl App {
    /// Opens the logs pane on `functions` (tailed together): the last N events whatever their age,
    /// then follow.
    pub(super) fn open_logs(&mut self, functions: Vec<String>) -> Vec<Cmd> {
        if functions.is_empty() {
            self.flash(FlashLevel::Info, "select a function first");
            return Vec::new();
        }
        let mut cmds = self.leave_view();
        self.next_session += 1;
        let pane = LogsPane::new(functions, self.next_session, LOG_BUFFER_LINES, LOG_LAST_N);
        cmds.push(self.start_logs_cmd(&pane));
        self.logs = Some(pane);
        self.view = View::Logs;
        cmds
    }

    pub(super) fn start_logs_cmd(&self, pane: &LogsPane) -> Cmd {
        Cmd::StartLogs {
            generation: self.generation,
            session: pane.session,
            functions: pane.functions.clone(),
            filter: pane.filter_pattern.clone(),
            last_n: pane.last_n,
            window: LOG_WINDOW,
        }
    }

    /// Restarts the tail with a new server-side filter pattern (empty: none); the buffer starts over.
    pub(super) fn restart_logs(&mut self, pattern: Option<String>) -> Vec<Cmd> {
        let Some(old) = self.logs.as_ref() else {
            return Vec::new();
        };
        self.next_session += 1;
        let mut pane = LogsPane::new(
            old.functions.clone(),
            self.next_session,
            LOG_BUFFER_LINES,
            old.last_n,
        );
        pane.filter_pattern = pattern.filter(|p| !p.trim().is_empty());
        pane.wrap = old.wrap;
        pane.time = old.time;
        pane.show_stream = old.show_stream;
        let cmd = self.start_logs_cmd(&pane);
        let what = pane.filter_pattern.as_ref().map_or_else(
            || "no server-side filter".to_string(),
            |p| format!("filter pattern {p}"),
        );
        self.logs = Some(pane);
        self.flash(FlashLevel::Info, format!("tail restarted with {what}"));
        vec![Cmd::StopPoller(PollerKind::Logs), cmd]
    }

    pub(super) fn on_logs_action(&mut self, action: Action) -> Vec<Cmd> {
        let rows = self.page_rows() as isize;
        let Some(pane) = self.logs.as_mut() else {
            return self.show_functions();
        };
        if let LogsView::Invocations {
            sort,
            descending,
            selected,
        } = &mut pane.view
        {
            let count = pane.buffer.invocations.len();
            match action {
                Action::Up => *selected = selected.saturating_sub(1),
                Action::Down => *selected = (*selected + 1).min(count.saturating_sub(1)),
                Action::Top => *selected = 0,
                Action::Bottom => *selected = count.saturating_sub(1),
                Action::PageUp => *selected = selected.saturating_sub(rows.unsigned_abs()),
                Action::PageDown => {
                    *selected = (*selected + rows.unsigned_abs()).min(count.saturating_sub(1));
                }
                Action::SortNext => {
                    *sort = sort.next();
                    *descending = false;
                }
                Action::SortReverse => *descending = !*descending,
                Action::Back => pane.view = LogsView::Lines,
                Action::Enter => {
                    let at = *selected;
                    if let Some(row) = pane.invocation_rows().get(at) {
                        let request_id = row.request_id.clone();
                        pane.view = LogsView::Invocation { request_id };
                        pane.pause();
                        pane.cursor = None;
                        pane.move_by(isize::MIN / 2);
                    }
                }
                Action::Quit | Action::Help | Action::Palette => {
                    return self.on_global_action(action);
                }
                _ => {}
            }
            return Vec::new();
        }
        match action {
            Action::Up => pane.move_by(-1),
            Action::Down => pane.move_by(1),
            Action::PageUp => pane.move_by(-rows),
            Action::PageDown => pane.move_by(rows),
            Action::Top => pane.move_by(isize::MIN / 2),
            Action::Bottom => pane.to_bottom(),
            Action::Follow => {
                if pane.follow {
                    pane.pause();
                } else {
                    pane.resume();
                }
            }
            Action::Wrap => pane.wrap = !pane.wrap,
            Action::Timestamps => pane.time = pane.time.next(),
            Action::Streams => pane.show_stream = !pane.show_stream,
            Action::Pretty => pane.pretty = !pane.pretty,
            Action::Filter => {
                self.mode = Mode::Input {
                    purpose: InputPurpose::LogSearch,
                    text: pane.search.clone(),
                };
            }
            Action::NextMatch | Action::PrevMatch => {
                let found = pane.jump_match(action == Action::NextMatch);
                if !found {
                    self.flash(FlashLevel::Info, "no match: / searches the buffer");
                }
            }
            Action::ServerFilter => {
                self.mode = Mode::Input {
                    purpose: InputPurpose::LogFilter,
                    text: pane.filter_pattern.clone().unwrap_or_default(),
                };
            }
            Action::NextError => {
                let found = pane.jump_error();
                if !found {
                    self.flash(FlashLevel::Info, "no ERROR line in the buffer");
                }
            }
            Action::Invocations => {
                pane.view = LogsView::Invocations {
                    sort: crate::logs::InvocationSort::Start,
                    descending: true,
                    selected: 0,
                };
            }
            Action::CopyLine => {
                if let Some(line) = pane.selected_line() {
                    let text = line.event.text().to_string();
                    self.flash(FlashLevel::Info, "copied the selected line (OSC 52)");
                    return vec![Cmd::Copy(text)];
                }
            }
            Action::Save => {
                let visible = pane.visible();
                let mut text = String::new();
                for line in visible.iter().filter_map(|&i| pane.buffer.lines.get(i)) {
                    let _ = writeln!(
                        text,
                        "{} {} {}",
                        line.event
                            .timestamp
                            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                        line.event.function,
                        line.event.text()
                    );
                }
                let name = pane.functions.join("+");
                let path = format!("lambdash-{name}-{}.log", self.now.format("%Y%m%d-%H%M%S"));
                return vec![Cmd::SaveFile { path, text }];
            }
            Action::Refresh => {
                let pattern = pane.filter_pattern.clone();
                return self.restart_logs(pattern);
            }
            Action::Back => {
                if matches!(pane.view, LogsView::Invocation { .. }) {
                    pane.view = LogsView::Invocations {
                        sort: crate::logs::InvocationSort::Start,
                        descending: true,
                        selected: 0,
                    };
                    pane.resume();
                } else {
                    return self.show_functions();
                }
            }
            Action::NextPane => return self.show_functions(),
            Action::Quit | Action::Help | Action::Palette => return self.on_global_action(action),
            _ => {}
        }
        Vec::new()
    }
}
