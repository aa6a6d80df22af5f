//! Keys and the mouse: a key goes to the mode on top (filter, palette, help, confirm, input), else to
//! the action the keymap binds it to in the current pane; a click or a wheel turn to the row under it.

#[allow(clippy::wildcard_imports)]
use super::*;

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Vec<Cmd> {
        match self.mode.clone() {
            Mode::Filter { line } => self.on_filter_key(key, line),
            Mode::Palette { input, completion } => self.on_palette_key(key, input, completion),
            Mode::Quota => {
                if matches!(key.code, KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q')) {
                    self.mode = Mode::Normal;
                }
                Vec::new()
            }
            Mode::Help { scroll } => {
                self.on_help_key(key, scroll);
                Vec::new()
            }
            Mode::Confirm(confirm) if confirm.typed_confirmation.is_some() => {
                self.on_typed_confirm_key(key, confirm)
            }
            Mode::Confirm(confirm) => {
                match key.code {
                    KeyCode::Char('y' | 'Y') | KeyCode::Enter => {
                        self.mode = Mode::Normal;
                        return self.confirmed(confirm.write);
                    }
                    KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => {
                        self.mode = Mode::Normal;
                        self.flash(FlashLevel::Info, "cancelled: nothing was changed");
                    }
                    _ => {}
                }
                Vec::new()
            }
            Mode::Input { purpose, text } => self.on_input_key(key, purpose, text),
            Mode::Normal => {
                if let Some(action) = keymap::lookup_with(&self.config.keys, &key, self.scope()) {
                    self.on_action(action)
                } else {
                    self.say_key_does_nothing(&key);
                    Vec::new()
                }
            }
        }
    }

    /// Actions that mean the same in every view.
    pub(super) fn on_global_action(&mut self, action: Action) -> Vec<Cmd> {
        match action {
            Action::Quit => {
                self.should_quit = true;
                vec![Cmd::Quit]
            }
            Action::Help => {
                self.mode = Mode::Help { scroll: 0 };
                Vec::new()
            }
            Action::Palette => {
                self.mode = Mode::Palette {
                    input: LineEdit::default(),
                    completion: None,
                };
                Vec::new()
            }
            _ => {
                self.flash(
                    FlashLevel::Info,
                    "filter applies to the functions list: Esc first",
                );
                Vec::new()
            }
        }
    }

    pub(super) fn on_action(&mut self, action: Action) -> Vec<Cmd> {
        // Pane switches mean the same from every pane (a pane with its own meaning for the key has
        // its own binding, which the lookup found first, so the action is then not one of these).
        match action {
            Action::OpenAlarms => return self.open_alarms(),
            Action::OpenCost => return self.open_cost(),
            Action::OpenAliases => return self.open_aliases(),
            Action::OpenDlq => {
                let only = match self.view {
                    View::Detail => self.detail.as_ref().map(|d| d.function.clone()),
                    _ => None,
                };
                return self.open_dlq(only);
            }
            _ => {}
        }
        if self.view == View::Aliases {
            return self.on_aliases_action(action);
        }
        if self.view == View::Alarms {
            return self.on_alarms_action(action);
        }
        if self.view == View::Logs {
            return self.on_logs_action(action);
        }
        if self.view == View::Dlq {
            return self.on_dlq_action(action);
        }
        if self.view == View::Metrics {
            return self.on_metrics_action(action);
        }
        if self.view == View::Cost {
            return self.on_cost_action(action);
        }
        if action == Action::OpenMetrics {
            let name = self.current_function();
            return self.open_metrics(name, None);
        }
        if action == Action::OpenLogs {
            let names: Vec<String> = match self.view {
                View::Detail => self.detail.iter().map(|d| d.function.clone()).collect(),
                _ if !self.functions.marked.is_empty() => {
                    self.functions.marked.iter().cloned().collect()
                }
                _ => self
                    .functions
                    .selected_function()
                    .map(|f| f.name.clone())
                    .into_iter()
                    .collect(),
            };
            return self.open_logs(names);
        }
        if action == Action::Mark && self.view == View::Functions {
            if let Some(name) = self.functions.selected_function().map(|f| f.name.clone())
                && !self.functions.marked.remove(&name)
            {
                self.functions.marked.insert(name);
            }
            self.functions.move_by(1);
            let rows = self.page_rows();
            self.functions.scroll_into_view(rows);
            return Vec::new();
        }
        let rows = self.page_rows();
        let done = if self.view == View::Detail {
            self.on_detail_action(action, rows)
        } else {
            self.on_functions_action(action, rows)
        };
        if let Some(cmds) = done {
            return cmds;
        }
        self.functions.scroll_into_view(rows);
        Vec::new()
    }

    pub(super) fn on_mouse(&mut self, ev: MouseEvent) -> Vec<Cmd> {
        if self.mode != Mode::Normal {
            return Vec::new();
        }
        match (ev.kind, self.view) {
            (MouseEventKind::ScrollDown, View::Functions) => self.functions.move_by(3),
            (MouseEventKind::ScrollUp, View::Functions) => self.functions.move_by(-3),
            (MouseEventKind::ScrollDown, View::Detail) => {
                return self.on_action(Action::Down);
            }
            (MouseEventKind::ScrollUp, View::Detail) => return self.on_action(Action::Up),
            (MouseEventKind::Down(MouseButton::Left), View::Functions) => {
                let body = self.layout.table_body;
                let header = self.layout.table_header;
                if contains(body, ev.column, ev.row) {
                    let index = self.functions.offset + usize::from(ev.row - body.y);
                    if index < self.functions.view.len() {
                        self.functions.select(index);
                    }
                } else if contains(header, ev.column, ev.row) {
                    let hit = self
                        .layout
                        .columns
                        .iter()
                        .find(|(start, end, _)| ev.column >= *start && ev.column < *end)
                        .map(|(_, _, c)| *c);
                    if let Some(column) = hit {
                        let keep = self.functions.selected_function().map(|f| f.name.clone());
                        if self.functions.sort == column {
                            self.functions.descending = !self.functions.descending;
                        } else {
                            self.functions.sort = column;
                            self.functions.descending = false;
                        }
                        self.functions.rebuild_view(keep.as_deref());
                    }
                }
            }
            _ => return Vec::new(),
        }
        let rows = self.page_rows();
        self.functions.scroll_into_view(rows);
        Vec::new()
    }
}

fn contains(r: Rect, x: u16, y: u16) -> bool {
    x >= r.x && x < r.x.saturating_add(r.width) && y >= r.y && y < r.y.saturating_add(r.height)
}
