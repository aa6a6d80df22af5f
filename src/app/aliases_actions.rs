//! The aliases pane's actions: switch, canary, promote, rollback, publish.

#[allow(clippy::wildcard_imports)]
use super::*;

impl App {
    pub(super) fn open_aliases(&mut self) -> Vec<Cmd> {
        let name = match self.view {
            View::Detail => self.detail.as_ref().map(|d| d.function.clone()),
            _ => self.functions.selected_function().map(|f| f.name.clone()),
        };
        let Some(name) = name else {
            self.flash(FlashLevel::Info, "select a function first");
            return Vec::new();
        };
        self.next_request += 1;
        let mut pane = AliasesPane::new(name.clone(), self.next_request);
        pane.remote.start_loading(self.now);
        self.aliases = Some(pane);
        let leaving_dlq = self.view == View::Dlq;
        self.view = View::Aliases;
        vec![
            Cmd::StopPoller(if leaving_dlq {
                PollerKind::Dlq
            } else {
                PollerKind::Functions
            }),
            Cmd::FetchAliases {
                generation: self.generation,
                request: self.next_request,
                function: name,
            },
        ]
    }

    pub(super) fn refresh_aliases(&mut self) -> Vec<Cmd> {
        self.next_request += 1;
        let (request, now) = (self.next_request, self.now);
        let Some(pane) = self.aliases.as_mut() else {
            return Vec::new();
        };
        pane.request = request;
        pane.remote.start_loading(now);
        vec![Cmd::FetchAliases {
            generation: self.generation,
            request,
            function: pane.function.clone(),
        }]
    }

    /// The account id, needed to key the rollback memory; unknown when STS failed.
    pub(super) fn account(&self) -> Option<String> {
        self.identity.data.as_ref().map(|i| i.account.clone())
    }

    pub(super) fn plan_alias_write(
        &mut self,
        plan: Result<crate::domain::alias::AliasChange, PlanError>,
    ) {
        match (plan, self.account()) {
            (Ok(change), Some(account)) => self.ask_confirm(Write::Alias { change, account }, None),
            (Ok(_), None) => self.flash(
                FlashLevel::Error,
                "account id unknown (STS failed): lambdash cannot remember the change for rollback",
            ),
            (Err(e), _) => self.flash(FlashLevel::Warn, e.to_string()),
        }
    }

    pub(super) fn on_aliases_action(&mut self, action: Action) -> Vec<Cmd> {
        let rows = self.page_rows() as isize;
        let Some(pane) = self.aliases.as_mut() else {
            return self.show_functions();
        };
        match action {
            Action::Up => pane.move_by(-1),
            Action::Down => pane.move_by(1),
            Action::PageUp => pane.move_by(-rows),
            Action::PageDown => pane.move_by(rows),
            Action::Top => pane.move_by(isize::MIN / 2),
            Action::Bottom => pane.move_by(isize::MAX / 2),
            Action::FocusLeft => pane.focus = AliasFocus::Aliases,
            Action::FocusRight => pane.focus = AliasFocus::Versions,
            Action::Enter => {
                let plan = pane.plan_switch();
                self.plan_alias_write(plan);
            }
            Action::Canary(step) => {
                let percent = CANARY_STEPS.get(step).copied().unwrap_or(10.0);
                let plan = pane.plan_canary(percent);
                self.plan_alias_write(plan);
            }
            Action::Promote => {
                let plan = pane.plan_promote();
                self.plan_alias_write(plan);
            }
            Action::Rollback => {
                let alias = pane.selected_alias().map(|a| a.name.clone());
                let function = pane.function.clone();
                return match (alias, self.account()) {
                    _ if self.read_only => {
                        self.flash(
                            FlashLevel::Warn,
                            "refused: read-only mode forbids alias.rollback",
                        );
                        Vec::new()
                    }
                    (Some(alias), Some(account)) => vec![Cmd::PlanRollback {
                        generation: self.generation,
                        account,
                        function,
                        alias,
                    }],
                    (None, _) => {
                        self.flash(FlashLevel::Info, "no alias selected");
                        Vec::new()
                    }
                    (_, None) => {
                        self.flash(
                            FlashLevel::Error,
                            "account id unknown (STS failed): no rollback memory to use",
                        );
                        Vec::new()
                    }
                };
            }
            Action::Publish => {
                if self.read_only {
                    self.flash(
                        FlashLevel::Warn,
                        "refused: read-only mode forbids function.publish_version",
                    );
                } else {
                    self.mode = Mode::Input {
                        purpose: InputPurpose::PublishDescription {
                            function: pane.function.clone(),
                        },
                        text: String::new(),
                    };
                }
            }
            Action::Refresh => return self.refresh_aliases(),
            Action::Back | Action::NextPane => return self.show_functions(),
            Action::CopyConsoleUrl => {
                let url = console_url(&self.region, &pane.function);
                self.flash(FlashLevel::Info, format!("copied (OSC 52): {url}"));
                return vec![Cmd::Copy(url)];
            }
            Action::Quit | Action::Help | Action::Palette | Action::Filter => {
                return self.on_global_action(action);
            }
            _ => {}
        }
        Vec::new()
    }
}
