//! Opening and refreshing the detail pane, and its answer.

use super::DetailPane;
use chrono::{DateTime, Utc};

use crate::app::{Action, App, Cmd, FlashLevel, PollerKind, View};
use crate::domain::{FunctionDetail, Remote};

impl App {
    pub(in crate::app) fn open_detail(&mut self) -> Vec<Cmd> {
        let Some(name) = self.functions.selected_function().map(|f| f.name.clone()) else {
            return Vec::new();
        };
        self.next_request += 1;
        let mut remote = Remote::default();
        remote.start_loading(self.now);
        self.detail = Some(DetailPane {
            function: name.clone(),
            remote,
            request: self.next_request,
            reveal_env: false,
            scroll: 0,
        });
        self.nav_push(View::Detail);
        self.view = View::Detail;
        vec![
            Cmd::StopPoller(PollerKind::Functions),
            Cmd::FetchDetail {
                generation: self.generation,
                request: self.next_request,
                function: name,
            },
        ]
    }

    pub(in crate::app) fn refresh_detail(&mut self) -> Vec<Cmd> {
        self.next_request += 1;
        let request = self.next_request;
        let now = self.now;
        let Some(detail) = self.detail.as_mut() else {
            return Vec::new();
        };
        detail.request = request;
        detail.remote.start_loading(now);
        vec![Cmd::FetchDetail {
            generation: self.generation,
            request,
            function: detail.function.clone(),
        }]
    }

    /// GetFunction's answer (stale requests are dropped).
    pub(in crate::app) fn on_detail(
        &mut self,
        generation: u64,
        request: u64,
        result: Result<Box<FunctionDetail>, String>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        let mut flash = None;
        if generation == self.generation
            && let Some(detail) = self.detail.as_mut()
            && detail.request == request
        {
            match result {
                Ok(d) => {
                    if !d.partial_errors.is_empty() {
                        flash = Some(format!(
                            "detail incomplete: {}",
                            d.partial_errors.join("; ")
                        ));
                    }
                    // What the detail says of reserved concurrency is known (the STOPPED flag).
                    self.kill_switch.reserved.insert(
                        detail.function.clone(),
                        crate::domain::concurrency::Reserved(d.reserved_concurrency),
                    );
                    detail.remote.succeed(*d, now);
                }
                Err(e) => {
                    detail.remote.fail(e.clone(), now);
                    flash = Some(format!("{}: {e}", detail.function));
                }
            }
        }
        if let Some(text) = flash {
            self.flash(FlashLevel::Error, text);
        }
        Vec::new()
    }

    /// A key in the function detail. `Some` answers the key; `None` lets the caller keep the functions
    /// list's selection on screen.
    pub(in crate::app) fn on_detail_action(
        &mut self,
        action: Action,
        rows: usize,
    ) -> Option<Vec<Cmd>> {
        match action {
            Action::Quit | Action::Help | Action::Palette | Action::Filter => {
                return Some(self.on_global_action(action));
            }
            Action::Refresh => return Some(self.refresh_detail()),
            Action::NextPane if self.aliases.is_some() => self.view = View::Aliases,
            Action::NextPane => return Some(self.show_functions()),
            Action::Back => return Some(self.go_back()),
            Action::CopyConsoleUrl => return self.copy_console_url(),
            Action::KillSwitch => return Some(self.on_kill_switch()),
            Action::RevealEnv => {
                if let Some(d) = self.detail.as_mut() {
                    d.reveal_env = !d.reveal_env;
                }
            }
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown => {
                if let Some(d) = self.detail.as_mut() {
                    let page = u16::try_from(rows).unwrap_or(u16::MAX);
                    d.scroll = match action {
                        Action::Up => d.scroll.saturating_sub(1),
                        Action::Down => d.scroll.saturating_add(1),
                        Action::PageUp => d.scroll.saturating_sub(page),
                        Action::PageDown => d.scroll.saturating_add(page),
                        Action::Top => 0,
                        _ => u16::MAX / 2,
                    };
                }
            }
            // Everything else means nothing here.
            _ => {}
        }
        None
    }
}
