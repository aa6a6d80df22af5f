//! The aliases pane's actions: switch, canary, promote, rollback, publish.

#[allow(clippy::wildcard_imports)]
use crate::app::*;
use aliases::CodeDeployStatus;

impl App {
    pub(in crate::app) fn open_aliases(&mut self) -> Vec<Cmd> {
        let Some(name) = self.current_function() else {
            self.flash(FlashLevel::Info, "select a function first");
            return Vec::new();
        };
        self.open_aliases_of(name)
    }

    /// The aliases and versions of `name`.
    pub(in crate::app) fn open_aliases_of(&mut self, name: String) -> Vec<Cmd> {
        self.nav_push(View::Aliases);
        self.next_request += 1;
        let mut pane = AliasesPane::new(name.clone(), self.next_request);
        pane.remote.start_loading(self.now);
        // The CodeDeploy scan is account-wide: the last one serves this function too.
        if let Some(old) = self.aliases.take() {
            pane.codedeploy = old.codedeploy;
        }
        let request = self.next_request;
        self.aliases = Some(pane);
        // Whatever pane is left (every pane can open this one) stops its poller.
        let mut cmds = self.leave_view();
        self.view = View::Aliases;
        if self
            .aliases
            .as_ref()
            .is_some_and(|p| p.codedeploy_stale(self.now))
        {
            cmds.extend(self.fetch_codedeploy());
        }
        cmds.push(Cmd::Aliases(AliasesCmd::Fetch {
            generation: self.generation,
            request,
            function: name,
        }));
        cmds
    }

    /// Scans CodeDeploy again (the pane shows the last answer meanwhile).
    pub(in crate::app) fn fetch_codedeploy(&mut self) -> Vec<Cmd> {
        self.next_request += 1;
        let (request, now) = (self.next_request, self.now);
        let Some(pane) = self.aliases.as_mut() else {
            return Vec::new();
        };
        pane.codedeploy.request = request;
        pane.codedeploy.remote.start_loading(now);
        vec![Cmd::Aliases(AliasesCmd::FetchCodeDeploy {
            generation: self.generation,
            request,
        })]
    }

    /// Asks for the selected alias's side-by-side figures when they are due (see
    /// [`AliasesPane::comparison_due`]): at most once a minute per alias and routing.
    pub(in crate::app) fn maybe_fetch_comparison(&mut self) -> Vec<Cmd> {
        if self.view != View::Aliases || !self.connected {
            return Vec::new();
        }
        let now = self.now;
        let Some(alias) = self.aliases.as_ref().and_then(|p| p.comparison_due(now)) else {
            return Vec::new();
        };
        self.next_request += 1;
        let request = self.next_request;
        let Some(pane) = self.aliases.as_mut() else {
            return Vec::new();
        };
        let entry = pane.comparisons.entry(alias.name.clone()).or_default();
        entry.request = request;
        entry.asked_for = Some(alias.state.clone());
        entry.remote.start_loading(now);
        vec![Cmd::Aliases(AliasesCmd::FetchComparison {
            generation: self.generation,
            request,
            function: pane.function.clone(),
            alias: alias.name,
            state: alias.state,
        })]
    }

    /// Applies the side-by-side figures of an alias; answers to an older request are dropped.
    pub(in crate::app) fn on_alias_comparison(
        &mut self,
        generation: u64,
        request: u64,
        (function, alias): (&str, &str),
        result: Result<Box<crate::domain::alias::compare::VersionComparison>, String>,
        now: DateTime<Utc>,
    ) {
        if generation != self.generation {
            return;
        }
        let Some(entry) = self
            .aliases
            .as_mut()
            .filter(|p| p.function == function)
            .and_then(|p| p.comparisons.get_mut(alias))
            .filter(|c| c.request == request)
        else {
            return;
        };
        match result {
            Ok(c) => entry.remote.succeed(*c, now),
            Err(e) => entry.remote.fail(e, now),
        }
    }

    /// Applies a CodeDeploy scan; answers to an older request are dropped.
    pub(in crate::app) fn on_codedeploy(
        &mut self,
        generation: u64,
        request: u64,
        result: Result<Box<crate::domain::alias::codedeploy::CodeDeployScan>, String>,
        now: DateTime<Utc>,
    ) {
        if generation != self.generation {
            return;
        }
        let Some(cd) = self
            .aliases
            .as_mut()
            .map(|p| &mut p.codedeploy)
            .filter(|c| c.request == request)
        else {
            return;
        };
        match result {
            Ok(scan) => cd.remote.succeed(*scan, now),
            Err(e) => cd.remote.fail(e, now),
        }
    }

    /// The confirm dialog's CodeDeploy warning (one line) and detail for a change of `function:alias`.
    pub(in crate::app) fn codedeploy_warning(
        &self,
        function: &str,
        alias: &str,
    ) -> Option<(String, String)> {
        match self.aliases.as_ref().filter(|p| p.function == function) {
            Some(pane) => pane.codedeploy_status(alias).warning(alias),
            None => CodeDeployStatus::Checking.warning(alias),
        }
    }

    pub(in crate::app) fn refresh_aliases(&mut self) -> Vec<Cmd> {
        self.next_request += 1;
        let (request, now) = (self.next_request, self.now);
        let Some(pane) = self.aliases.as_mut() else {
            return Vec::new();
        };
        pane.request = request;
        pane.remote.start_loading(now);
        vec![Cmd::Aliases(AliasesCmd::Fetch {
            generation: self.generation,
            request,
            function: pane.function.clone(),
        })]
    }

    /// The account id, needed to key the rollback memory; unknown when STS failed.
    pub(in crate::app) fn account(&self) -> Option<String> {
        self.identity.data.as_ref().map(|i| i.account.clone())
    }

    pub(in crate::app) fn plan_alias_write(
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

    pub(in crate::app) fn on_aliases_action(&mut self, action: Action) -> Vec<Cmd> {
        let rows = self.page_rows() as isize;
        let Some(pane) = self.aliases.as_mut() else {
            return self.show_functions();
        };
        let moved = match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -rows,
            Action::PageDown => rows,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => 0,
        };
        if moved != 0 {
            pane.move_by(moved);
            // Another alias selected: its figures (if not fetched within the minute).
            return self.maybe_fetch_comparison();
        }
        match action {
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
                    (Some(alias), Some(account)) => vec![Cmd::Aliases(AliasesCmd::PlanRollback {
                        generation: self.generation,
                        account,
                        function,
                        alias,
                    })],
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
                        text: crate::app::LineEdit::default(),
                    };
                }
            }
            Action::Refresh => {
                // Aliases, versions and the CodeDeploy scan; the side-by-side figures keep their
                // once-a-minute pace (CloudWatch has nothing newer sooner).
                let mut cmds = self.fetch_codedeploy();
                cmds.extend(self.refresh_aliases());
                return cmds;
            }
            Action::Back => return self.go_back(),
            Action::NextPane => return self.show_functions(),
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

impl App {
    /// The aliases pane's answers.
    pub(in crate::app) fn on_aliases_msg(&mut self, msg: AliasesMsg) -> Vec<Cmd> {
        match msg {
            AliasesMsg::Loaded {
                generation,
                request,
                result,
                now,
            } => self.on_aliases_loaded(generation, request, result, now),
            AliasesMsg::Comparison {
                generation,
                request,
                function,
                alias,
                result,
                now,
            } => {
                self.on_alias_comparison(generation, request, (&function, &alias), result, now);
                Vec::new()
            }
            AliasesMsg::CodeDeploy {
                generation,
                request,
                result,
                now,
            } => {
                self.on_codedeploy(generation, request, result, now);
                Vec::new()
            }
            AliasesMsg::RollbackPlanned { generation, result } => {
                if generation == self.generation {
                    match result {
                        Ok(write) => self.ask_confirm(*write, None),
                        Err(e) => self.flash(FlashLevel::Warn, e),
                    }
                }
                Vec::new()
            }
        }
    }

    fn on_aliases_loaded(
        &mut self,
        generation: u64,
        request: u64,
        result: Result<aliases::AliasData, String>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        let mut flash = None;
        if generation == self.generation
            && let Some(pane) = self.aliases.as_mut()
            && pane.request == request
        {
            match result {
                Ok(data) => {
                    pane.remote.succeed(data, now);
                    pane.clamp();
                }
                Err(e) => {
                    flash = Some(format!("aliases of {}: {e}", pane.function));
                    pane.remote.fail(e, now);
                }
            }
        }
        if let Some(text) = flash {
            self.flash(FlashLevel::Error, text);
        }
        self.maybe_fetch_comparison()
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::app::test_support::{alias_data, loaded, t0, with_aliases};
    use crate::app::*;
    use crate::domain::alias::AliasState;
    use crate::domain::alias::codedeploy::{AppSpecTarget, CodeDeployScan, Deployment};
    use crate::domain::alias::compare::VersionComparison;

    fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
        app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn tick(app: &mut App, secs: i64) -> Vec<Cmd> {
        app.update(Msg::Tick {
            now: t0() + chrono::Duration::seconds(secs),
            api_calls_total: 0,
        })
    }

    fn comparisons(cmds: &[Cmd]) -> Vec<(u64, String, AliasState)> {
        cmds.iter()
            .filter_map(|c| match c {
                Cmd::Aliases(AliasesCmd::FetchComparison {
                    request,
                    alias,
                    state,
                    function,
                    ..
                }) => {
                    assert_eq!(function, "user-signup");
                    Some((*request, alias.clone(), state.clone()))
                }
                _ => None,
            })
            .collect()
    }

    fn figures(alias: &str, state: &AliasState) -> VersionComparison {
        VersionComparison {
            alias: alias.into(),
            state: state.clone(),
            start: t0() - chrono::Duration::hours(1),
            end: t0(),
            versions: Vec::new(),
            percentiles_unavailable: false,
        }
    }

    fn answer(app: &mut App, request: u64, alias: &str, state: &AliasState, secs: i64) {
        app.update(Msg::Aliases(AliasesMsg::Comparison {
            generation: 1,
            request,
            function: "user-signup".into(),
            alias: alias.into(),
            result: Ok(Box::new(figures(alias, state))),
            now: t0() + chrono::Duration::seconds(secs),
        }));
    }

    fn scan(status: &str, alias: &str) -> CodeDeployScan {
        CodeDeployScan {
            deployments: vec![Deployment {
                id: "d-ABC123".into(),
                application: "signup-app".into(),
                group: "signup-dg".into(),
                status: status.into(),
                config: "CodeDeployDefault.LambdaCanary10Percent5Minutes".into(),
                created: Some(t0()),
                targets: vec![AppSpecTarget {
                    function: "user-signup".into(),
                    alias: alias.into(),
                    current_version: Some("3".into()),
                    target_version: Some("4".into()),
                }],
            }],
            ..CodeDeployScan::default()
        }
    }

    fn codedeploy_request(app: &App) -> u64 {
        app.aliases.as_ref().unwrap().codedeploy.request
    }

    #[test]
    fn opening_the_pane_scans_codedeploy_once_and_reuses_it_when_reopened() {
        let mut app = loaded(&["user-signup"]);
        let cmds = key(&mut app, KeyCode::Char('a'));
        assert!(
            cmds.iter()
                .any(|c| matches!(c, Cmd::Aliases(AliasesCmd::FetchCodeDeploy { .. })))
        );
        assert!(matches!(
            cmds.last(),
            Some(Cmd::Aliases(AliasesCmd::Fetch { .. }))
        ));
        let request = codedeploy_request(&app);
        app.update(Msg::Aliases(AliasesMsg::CodeDeploy {
            generation: 1,
            request,
            result: Ok(Box::new(scan("InProgress", "live"))),
            now: t0(),
        }));
        key(&mut app, KeyCode::Esc);
        let cmds = key(&mut app, KeyCode::Char('a'));
        assert!(
            !cmds
                .iter()
                .any(|c| matches!(c, Cmd::Aliases(AliasesCmd::FetchCodeDeploy { .. }))),
            "a fresh scan is reused: {cmds:?}"
        );
        assert!(matches!(
            app.aliases.as_ref().unwrap().codedeploy_status("live"),
            aliases::CodeDeployStatus::Managed(_)
        ));
        // r scans again.
        let cmds = key(&mut app, KeyCode::Char('r'));
        assert!(
            cmds.iter()
                .any(|c| matches!(c, Cmd::Aliases(AliasesCmd::FetchCodeDeploy { .. })))
        );
        assert!(
            cmds.iter()
                .any(|c| matches!(c, Cmd::Aliases(AliasesCmd::Fetch { .. })))
        );
    }

    #[test]
    fn the_selected_alias_figures_are_fetched_at_most_once_a_minute() {
        let mut app = loaded(&["user-signup"]);
        key(&mut app, KeyCode::Char('a'));
        let request = app.aliases.as_ref().unwrap().request;
        let cmds = app.update(Msg::Aliases(AliasesMsg::Loaded {
            generation: 1,
            request,
            result: Ok(alias_data()),
            now: t0(),
        }));
        let asked = comparisons(&cmds);
        assert_eq!(asked.len(), 1, "{cmds:?}");
        let (request, alias, state) = asked[0].clone();
        assert_eq!(alias, "canary");
        assert!(comparisons(&tick(&mut app, 1)).is_empty(), "one in flight");
        answer(&mut app, request, &alias, &state, 2);
        assert!(comparisons(&tick(&mut app, 30)).is_empty());
        assert!(
            comparisons(&tick(&mut app, 61)).is_empty(),
            "60 s after the answer"
        );
        assert_eq!(comparisons(&tick(&mut app, 62)).len(), 1);
    }

    #[test]
    fn moving_to_another_alias_fetches_its_figures_and_stale_answers_are_dropped() {
        let mut app = with_aliases(false);
        let first = app.aliases.as_ref().unwrap().comparisons["canary"].request;
        let asked = comparisons(&key(&mut app, KeyCode::Char('j')));
        assert_eq!(asked.len(), 1);
        let (request, alias, state) = asked[0].clone();
        assert_eq!(alias, "live");
        assert_eq!(state.canary(), Some(("4", 0.1)));
        // The routing changed (someone promoted): a new request; the old answer is dropped.
        let mut data = alias_data();
        data.aliases[1].state = AliasState::plain("4");
        let pane_request = app.aliases.as_ref().unwrap().request;
        let cmds = app.update(Msg::Aliases(AliasesMsg::Loaded {
            generation: 1,
            request: pane_request,
            result: Ok(data),
            now: t0(),
        }));
        let again = comparisons(&cmds);
        assert_eq!(again.len(), 1, "{cmds:?}");
        assert!(again[0].0 > request);
        answer(&mut app, request, "live", &state, 3);
        let pane = app.aliases.as_ref().unwrap();
        assert!(
            pane.comparisons["live"].remote.data.is_none(),
            "stale answer dropped"
        );
        // An answer for the first alias still lands (its own request).
        answer(&mut app, first, "canary", &AliasState::plain("4"), 3);
        assert!(
            app.aliases.as_ref().unwrap().comparisons["canary"]
                .remote
                .data
                .is_some()
        );
    }

    #[test]
    fn a_failed_fetch_keeps_the_figures_and_waits_a_minute() {
        let mut app = with_aliases(false);
        let c = &app.aliases.as_ref().unwrap().comparisons["canary"];
        let (request, state) = (c.request, c.asked_for.clone().unwrap());
        answer(&mut app, request, "canary", &state, 0);
        let (request, ..) = comparisons(&tick(&mut app, 60))[0].clone();
        app.update(Msg::Aliases(AliasesMsg::Comparison {
            generation: 1,
            request,
            function: "user-signup".into(),
            alias: "canary".into(),
            result: Err("GetMetricData: throttled".into()),
            now: t0() + chrono::Duration::seconds(61),
        }));
        let remote = &app.aliases.as_ref().unwrap().comparisons["canary"].remote;
        assert!(remote.data.is_some() && remote.error().is_some());
        assert!(comparisons(&tick(&mut app, 100)).is_empty());
        assert_eq!(comparisons(&tick(&mut app, 121)).len(), 1);
    }

    #[test]
    fn confirming_a_change_to_a_codedeploy_alias_warns_what_codedeploy_will_do() {
        let mut app = with_aliases(false);
        let request = codedeploy_request(&app);
        app.update(Msg::Aliases(AliasesMsg::CodeDeploy {
            generation: 1,
            request,
            result: Ok(Box::new(scan("InProgress", "live"))),
            now: t0(),
        }));
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Char('p'));
        let Mode::Confirm(c) = &app.mode else {
            panic!("expected the confirm step, got {:?}", app.mode);
        };
        let w = c.warning.as_deref().unwrap();
        assert!(w.contains("overwrite this change"), "{w}");
        let detail = c.lines.join(" ");
        assert!(
            detail.contains("d-ABC123") && detail.contains("stop-deployment"),
            "{detail}"
        );
        key(&mut app, KeyCode::Esc);
        // The other alias is not managed: no warning.
        key(&mut app, KeyCode::Char('k'));
        key(&mut app, KeyCode::Char('l'));
        key(&mut app, KeyCode::Char('j'));
        key(&mut app, KeyCode::Enter);
        let Mode::Confirm(c) = &app.mode else {
            panic!("expected the confirm step, got {:?}", app.mode);
        };
        assert_eq!(c.warning, None);
    }

    #[test]
    fn codedeploy_refused_means_unknown_and_a_warning_never_not_managed() {
        let mut app = with_aliases(false);
        let request = codedeploy_request(&app);
        app.update(Msg::Aliases(AliasesMsg::CodeDeploy {
            generation: 1,
            request: request + 100,
            result: Ok(Box::new(scan("InProgress", "live"))),
            now: t0(),
        }));
        assert_eq!(
            app.aliases.as_ref().unwrap().codedeploy_status("live"),
            aliases::CodeDeployStatus::Checking,
            "an answer to another request is dropped"
        );
        app.update(Msg::Aliases(AliasesMsg::CodeDeploy {
            generation: 1,
            request,
            result: Err("ListApplications: not supported by this endpoint (HTTP 404 without an AWS error code)".into()),
            now: t0(),
        }));
        assert!(matches!(
            app.aliases.as_ref().unwrap().codedeploy_status("canary"),
            aliases::CodeDeployStatus::Unknown(_)
        ));
        key(&mut app, KeyCode::Char('l'));
        key(&mut app, KeyCode::Char('j')); // version 3 (canary routes 4)
        key(&mut app, KeyCode::Enter);
        let Mode::Confirm(c) = &app.mode else {
            panic!("expected the confirm step, got {:?}", app.mode);
        };
        assert!(
            c.warning
                .as_deref()
                .unwrap()
                .starts_with("CodeDeploy status unknown"),
            "{c:?}"
        );
    }
}
