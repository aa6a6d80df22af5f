//! The alarms pane's actions, and the flips to ALARM seen by the background poller.

#[allow(clippy::wildcard_imports)]
use crate::app::*;

impl App {
    /// Takes a fresh list of alarms in ALARM: the header count, and a flash plus the bell for every alarm
    /// that flipped to ALARM since the last look (not on the first look: those were already firing).
    pub(in crate::app) fn observe_firing(
        &mut self,
        firing: Vec<crate::domain::alarm::Alarm>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        let first_look = self.firing.data.is_none();
        let flipped = self
            .firing
            .data
            .as_deref()
            .map(|prev| crate::domain::alarm::flipped_to_alarm(prev, &firing))
            .unwrap_or_default();
        self.firing.succeed(firing, now);
        self.refresh_row_keys();
        if first_look || flipped.is_empty() {
            return Vec::new();
        }
        self.flash(FlashLevel::Error, format!("ALARM: {}", flipped.join(", ")));
        if self.config.bell && !self.quiet {
            vec![Cmd::Bell]
        } else {
            Vec::new()
        }
    }

    pub(in crate::app) fn open_alarms(&mut self) -> Vec<Cmd> {
        if self.view == View::Alarms {
            return Vec::new();
        }
        self.nav_push(View::Alarms);
        // Whatever pane is left (every pane can open this one) stops its poller.
        let mut cmds = self.leave_view();
        self.view = View::Alarms;
        if self.alarms.remote.data.is_none() {
            self.alarms.remote.start_loading(self.now);
        }
        cmds.push(Cmd::StartPoller {
            kind: PollerKind::Alarms,
            generation: self.generation,
            every: ALARMS_POLL_EVERY,
            first_in: Duration::ZERO,
        });
        cmds
    }

    pub(in crate::app) fn on_alarms_action(&mut self, action: Action) -> Vec<Cmd> {
        let rows = self.page_rows();
        if let Some(d) = self.alarms.detail.as_mut() {
            match action {
                Action::Back => self.alarms.detail = None,
                Action::Up => d.scroll = d.scroll.saturating_sub(1),
                Action::Down => d.scroll = d.scroll.saturating_add(1),
                Action::Top => d.scroll = 0,
                Action::Quit | Action::Help | Action::Palette => {
                    return self.on_global_action(action);
                }
                Action::Mute | Action::JumpLogs | Action::JumpMetrics => {
                    return self.on_alarms_list_action(action, rows);
                }
                _ => {}
            }
            return Vec::new();
        }
        self.on_alarms_list_action(action, rows)
    }

    pub(in crate::app) fn on_alarms_list_action(
        &mut self,
        action: Action,
        rows: usize,
    ) -> Vec<Cmd> {
        match action {
            Action::Up => self.alarms.move_by(-1),
            Action::Down => self.alarms.move_by(1),
            Action::Top => self.alarms.selected = 0,
            Action::Bottom => self.alarms.move_by(isize::MAX / 2),
            Action::PageUp => self.alarms.move_by(-(rows as isize)),
            Action::PageDown => self.alarms.move_by(rows as isize),
            Action::Filter => self.open_filter(),
            Action::Refresh => return vec![Cmd::RefreshNow(PollerKind::Alarms)],
            Action::Back => {
                if self.alarms.filter_input.is_empty() {
                    return self.go_back();
                }
                let keep = self.alarms.selected_alarm().map(|a| a.name.clone());
                self.alarms.filter_input.clear();
                self.alarms.rebuild_view(keep.as_deref());
            }
            Action::NextPane => return self.show_functions(),
            Action::ToggleFunctionAlarms => {
                let next = if self.alarms.for_function.is_some() {
                    None
                } else {
                    let f = self.functions.selected_function().map(|f| f.name.clone());
                    if f.is_none() {
                        self.flash(
                            FlashLevel::Info,
                            "no function selected in the functions pane",
                        );
                    }
                    f
                };
                self.alarms_of_function(next);
            }
            Action::Mark => {
                if let Some(name) = self.alarms.selected_alarm().map(|a| a.name.clone())
                    && !self.alarms.marked.remove(&name)
                {
                    self.alarms.marked.insert(name);
                }
                self.alarms.move_by(1);
            }
            Action::Enter => {
                if let Some(cmds) = self.open_alarm_detail() {
                    return cmds;
                }
            }
            Action::Mute => {
                let targets = self.alarms.targets();
                if targets.is_empty() {
                    self.flash(FlashLevel::Info, "no alarm selected");
                } else {
                    // Unmute when every target is muted; otherwise mute them all.
                    let enabled = targets.iter().all(crate::domain::alarm::Alarm::is_muted);
                    self.ask_confirm(
                        Write::AlarmActions {
                            alarms: targets,
                            enabled,
                        },
                        None,
                    );
                }
            }
            Action::JumpLogs => {
                if let Some(cmds) = self.alarm_jump_logs() {
                    return cmds;
                }
            }
            Action::JumpMetrics => {
                if let Some(cmds) = self.alarm_jump_metrics() {
                    return cmds;
                }
            }
            Action::Quit | Action::Help | Action::Palette => return self.on_global_action(action),
            _ => {}
        }
        self.alarms.scroll_into_view(rows);
        Vec::new()
    }

    /// Enter on an alarm: its detail, and a fetch of its history.
    fn open_alarm_detail(&mut self) -> Option<Vec<Cmd>> {
        if let Some(name) = self.alarms.selected_alarm().map(|a| a.name.clone()) {
            self.next_request += 1;
            let mut history = Remote::default();
            history.start_loading(self.now);
            self.alarms.detail = Some(AlarmDetail {
                name: name.clone(),
                history,
                history_unsupported: false,
                request: self.next_request,
                scroll: 0,
            });
            return Some(vec![Cmd::FetchAlarmHistory {
                generation: self.generation,
                request: self.next_request,
                name,
            }]);
        }
        None
    }

    /// `l` on an alarm: the logs of its function around the time it fired.
    fn alarm_jump_logs(&mut self) -> Option<Vec<Cmd>> {
        let target = self.alarms.selected_alarm().map(|a| {
            (
                self.alarm_function(a),
                crate::domain::alarm::Alarm::since(a),
            )
        });
        match target {
            Some((Some(f), at)) => {
                let range = at.map(|at| logs_around(at, self.now));
                if let Some(r) = &range {
                    self.flash(
                        FlashLevel::Info,
                        format!("logs around the alarm: {}", r.label()),
                    );
                }
                return Some(self.open_logs_in(vec![f], range));
            }
            Some((None, _)) => self.flash(
                FlashLevel::Info,
                "this alarm is not about a Lambda function (no FunctionName dimension, and no queue of a function)",
            ),
            None => {}
        }
        None
    }

    /// `m` on an alarm: the metrics of its function around the time it fired.
    fn alarm_jump_metrics(&mut self) -> Option<Vec<Cmd>> {
        let target = self.alarms.selected_alarm().map(|a| {
            (
                self.alarm_function(a),
                crate::domain::alarm::Alarm::since(a),
            )
        });
        match target {
            Some((Some(f), at)) => return Some(self.open_metrics(Some(f), at)),
            Some((None, _)) => self.flash(
                FlashLevel::Info,
                "this alarm is not about a Lambda function (no FunctionName dimension, and no queue of a function)",
            ),
            None => {}
        }
        None
    }
}

/// The logs shown for an alarm that flipped at `at`: from 15 minutes before to 15 minutes after (then
/// followed, when that is not yet over).
pub(in crate::app) fn logs_around(
    at: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> crate::logs::range::RangeSpec {
    let end = at + chrono::Duration::minutes(15);
    crate::logs::range::RangeSpec::Between {
        start: at - chrono::Duration::minutes(15),
        end: (end < now).then_some(end),
    }
}

impl App {
    /// The alarms pane's and the header's alarm answers.
    pub(in crate::app) fn on_alarms_msg(&mut self, msg: AlarmsMsg) -> Vec<Cmd> {
        match msg {
            AlarmsMsg::Loaded {
                generation,
                result,
                now,
            } => self.on_alarms_loaded(generation, result, now),
            AlarmsMsg::Firing {
                generation,
                result,
                now,
            } => {
                if generation != self.generation {
                    return Vec::new();
                }
                match result {
                    Ok(firing) => self.observe_firing(firing, now),
                    Err(e) => {
                        self.firing.fail(e.clone(), now);
                        self.flash(FlashLevel::Error, format!("alarm count: {e}"));
                        Vec::new()
                    }
                }
            }
            AlarmsMsg::History {
                generation,
                request,
                result,
                now,
            } => self.on_alarm_history(generation, request, result, now),
        }
    }

    fn on_alarms_loaded(
        &mut self,
        generation: u64,
        result: Result<Vec<crate::domain::alarm::Alarm>, String>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        if generation == self.generation {
            match result {
                Ok(alarms) => {
                    let firing: Vec<_> = alarms.iter().filter(|a| a.is_firing()).cloned().collect();
                    self.alarms.set(alarms);
                    self.alarms.remote.mark_ready(now);
                    let rows = self.page_rows();
                    self.alarms.scroll_into_view(rows);
                    return self.observe_firing(firing, now);
                }
                Err(e) => {
                    self.alarms.remote.fail(e.clone(), now);
                    self.flash(FlashLevel::Error, format!("alarms: {e}"));
                }
            }
        }
        Vec::new()
    }

    fn on_alarm_history(
        &mut self,
        generation: u64,
        request: u64,
        result: Result<Vec<crate::domain::alarm::AlarmHistoryItem>, (String, bool)>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        if generation == self.generation
            && let Some(d) = self.alarms.detail.as_mut()
            && d.request == request
        {
            match result {
                Ok(items) => d.history.succeed(items, now),
                Err((e, unsupported)) => {
                    d.history_unsupported = unsupported;
                    d.history.fail(e, now);
                }
            }
        }
        Vec::new()
    }
}
