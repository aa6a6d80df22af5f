//! The logs pane's actions: open, restart with a server-side filter, a time range or another mode
//! (Live Tail / polling), keys, and what the tail says about itself.

#[allow(clippy::wildcard_imports)]
use crate::app::*;
use crate::domain::log::{TailInfo, TailMode, Transport};
use crate::logs::range::{PRESETS, RangeSpec};

impl App {
    /// Opens the logs pane on `functions` (tailed together): the last N events whatever their age,
    /// then follow.
    pub(in crate::app) fn open_logs(&mut self, functions: Vec<String>) -> Vec<Cmd> {
        self.open_logs_in(functions, None)
    }

    /// Opens the logs pane on `functions` showing `range` (backfilled in slices; followed when it
    /// ends now), or the last N events with `None`.
    pub(in crate::app) fn open_logs_in(
        &mut self,
        functions: Vec<String>,
        range: Option<RangeSpec>,
    ) -> Vec<Cmd> {
        if functions.is_empty() {
            self.flash(FlashLevel::Info, "select a function first");
            return Vec::new();
        }
        self.nav_push(View::Logs);
        let mut cmds = self.leave_view();
        self.next_session += 1;
        let mut pane = LogsPane::new(functions, self.next_session, LOG_BUFFER_LINES, LOG_LAST_N);
        pane.mode = self.config.logs_mode;
        if range.is_some() {
            pane.range = range;
            pane.backfill = Some(logs::BackfillState::default());
        }
        cmds.push(self.start_logs_cmd(&pane));
        self.logs = Some(pane);
        self.view = View::Logs;
        cmds
    }

    pub(in crate::app) fn start_logs_cmd(&self, pane: &LogsPane) -> Cmd {
        Cmd::Logs(LogsCmd::Start {
            generation: self.generation,
            session: pane.session,
            functions: pane.functions.clone(),
            filter: pane.filter_pattern.clone(),
            last_n: pane.last_n,
            window: LOG_WINDOW,
            mode: pane.mode,
            range: pane.range,
        })
    }

    /// Restarts the tail in a new session (the buffer starts over; messages of the old session are
    /// dropped), after `change` adjusted the new pane.
    fn restart_tail(&mut self, change: impl FnOnce(&mut LogsPane)) -> Vec<Cmd> {
        let Some(old) = self.logs.as_ref() else {
            return Vec::new();
        };
        self.next_session += 1;
        let mut pane = old.restarted(self.next_session, LOG_BUFFER_LINES);
        change(&mut pane);
        if pane.range.is_some() {
            pane.backfill = Some(logs::BackfillState::default());
        }
        let cmd = self.start_logs_cmd(&pane);
        self.logs = Some(pane);
        vec![Cmd::StopPoller(PollerKind::Logs), cmd]
    }

    /// The tail again as it was (same functions, filter, range and display), in a new session: back
    /// to a logs pane whose tail stopped when it was left.
    pub(in crate::app) fn restart_tail_kept(&mut self) -> Vec<Cmd> {
        self.restart_tail(|_| {})
    }

    /// Shows a time range (backfilled in slices, then followed if it ends now), or back to the last
    /// N events with `None`. A running backfill is cancelled: its results are dropped by session.
    pub(in crate::app) fn set_log_range(&mut self, range: Option<RangeSpec>) -> Vec<Cmd> {
        let what = range.map_or_else(
            || format!("the last {LOG_LAST_N} events, then follow"),
            |r| {
                if r.follows() {
                    format!("{}, then follow", r.label())
                } else {
                    r.label()
                }
            },
        );
        self.flash(FlashLevel::Info, format!("fetching {what}"));
        self.restart_tail(|pane| pane.range = range)
    }

    /// The range typed after `R`: a duration (`2h`) or `START..END`; invalid input changes nothing.
    pub(in crate::app) fn typed_log_range(&mut self, text: &str) -> Vec<Cmd> {
        let zone = match self.logs.as_ref().map(|l| l.time) {
            Some(logs::TimeMode::Local) => self.local_offset,
            _ => chrono::Offset::fix(&chrono::Utc),
        };
        match crate::logs::range::parse_in(text, self.now, zone) {
            Ok(range) => self.set_log_range(Some(range)),
            Err(why) => {
                self.flash(FlashLevel::Error, format!("range not changed: {why}"));
                Vec::new()
            }
        }
    }

    /// `L`: auto → live → poll → auto; the tail restarts in that mode.
    fn cycle_tail_mode(&mut self) -> Vec<Cmd> {
        let Some(pane) = self.logs.as_ref() else {
            return Vec::new();
        };
        let mode = match pane.mode {
            TailMode::Auto => TailMode::Live,
            TailMode::Live => TailMode::Poll,
            TailMode::Poll => TailMode::Auto,
        };
        let what = match mode {
            TailMode::Auto => "auto: Live Tail while it works, else polling",
            TailMode::Live => "live: Live Tail; polling fills in while it is retried",
            TailMode::Poll => "poll: FilterLogEvents every second",
        };
        self.flash(FlashLevel::Info, format!("tail restarted in mode {what}"));
        self.restart_tail(|pane| pane.mode = mode)
    }

    /// What the tail says about itself: Live Tail or polling (and why), backfill progress and end.
    pub(in crate::app) fn on_logs_info(&mut self, generation: u64, session: u64, info: TailInfo) {
        if generation != self.generation {
            return;
        }
        let Some(pane) = self.logs.as_mut().filter(|p| p.session == session) else {
            return;
        };
        let mut flash = None;
        match info {
            TailInfo::Transport(transport) => {
                if pane.transport.as_ref() != Some(&transport) {
                    flash = match &transport {
                        Transport::Polling { why: Some(why) } => {
                            Some((FlashLevel::Warn, format!("logs: polling — {why}")))
                        }
                        Transport::Live { sampled: true } => Some((
                            FlashLevel::Warn,
                            "logs: Live Tail is sampling (over 500 events/s): some events are not shown"
                                .to_string(),
                        )),
                        _ => None,
                    };
                }
                pane.transport = Some(transport);
            }
            TailInfo::Backfill {
                done,
                total,
                events,
            } => {
                pane.backfill = Some(logs::BackfillState {
                    done,
                    total,
                    events,
                });
            }
            TailInfo::BackfillDone { following } => {
                pane.backfill = None;
                let events = pane.buffer.lines.len();
                let label = pane.range.map(|r| r.label()).unwrap_or_default();
                if following {
                    flash = Some((
                        FlashLevel::Info,
                        format!("{label}: {events} lines fetched; following"),
                    ));
                } else {
                    pane.state = TailState::RangeShown;
                    flash = Some((FlashLevel::Info, format!("{label}: {events} lines")));
                }
            }
        }
        if let Some((level, text)) = flash {
            self.flash(level, text);
        }
    }

    /// Restarts the tail with a new server-side filter pattern (empty: none); the buffer starts over.
    pub(in crate::app) fn restart_logs(&mut self, pattern: Option<String>) -> Vec<Cmd> {
        let pattern = pattern.filter(|p| !p.trim().is_empty());
        let what = pattern.as_ref().map_or_else(
            || "no server-side filter".to_string(),
            |p| format!("filter pattern {p}"),
        );
        let cmds = self.restart_tail(|pane| pane.filter_pattern = pattern);
        if !cmds.is_empty() {
            self.flash(FlashLevel::Info, format!("tail restarted with {what}"));
        }
        cmds
    }

    pub(in crate::app) fn on_logs_action(&mut self, action: Action) -> Vec<Cmd> {
        let rows = self.page_rows() as isize;
        let Some(pane) = self.logs.as_mut() else {
            return self.show_functions();
        };
        if matches!(pane.view, LogsView::Invocations { .. }) {
            return self.on_invocations_action(action, rows);
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
            Action::Streams => pane.show_stream = !pane.show_stream,
            Action::Pretty => pane.pretty = !pane.pretty,
            Action::Filter => self.open_input(InputPurpose::LogSearch),
            Action::NextMatch | Action::PrevMatch => {
                let found = pane.jump_match(action == Action::NextMatch);
                if !found {
                    self.flash(FlashLevel::Info, "no match: / searches the buffer");
                }
            }
            Action::ServerFilter => self.open_input(InputPurpose::LogFilter),
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
                    let text = crate::sanitize::sanitize_copy(line.event.text());
                    self.flash(
                        FlashLevel::Info,
                        "copied the selected line (OSC 52; control characters escaped)",
                    );
                    return vec![Cmd::Copy(text)];
                }
            }
            Action::Save => return self.save_logs(),
            Action::Refresh => {
                let pattern = pane.filter_pattern.clone();
                return self.restart_logs(pattern);
            }
            Action::LogRange(i) => {
                let Some(d) = PRESETS.get(i) else {
                    return Vec::new();
                };
                return self.set_log_range(Some(RangeSpec::Last(*d)));
            }
            Action::LogRangeCustom => self.open_input(InputPurpose::LogRange),
            Action::OpenMetrics => return self.open_logs_metrics(),
            Action::Timestamps => self.cycle_timestamps(),
            Action::SwitchTailMode => return self.cycle_tail_mode(),
            Action::Back if pane.backfill.is_some() => {
                self.flash(FlashLevel::Info, "backfill cancelled");
                return self.restart_tail(|pane| pane.range = None);
            }
            Action::Back if pane.range.is_some() && pane.view == LogsView::Lines => {
                return self.set_log_range(None);
            }
            Action::Back => {
                if matches!(pane.view, LogsView::Invocation { .. }) {
                    // Back to the invocations; the pause and its new-line counter stay as they are
                    // (f or G resumes): nothing scrolls on by itself.
                    pane.view = LogsView::Invocations {
                        sort: crate::logs::InvocationSort::Start,
                        descending: true,
                        selected: 0,
                    };
                } else {
                    return self.go_back();
                }
            }
            Action::NextPane => return self.show_functions(),
            Action::Quit | Action::Help | Action::Palette => return self.on_global_action(action),
            _ => {}
        }
        Vec::new()
    }

    /// A key in the invocations view of the logs pane (one row per request).
    fn on_invocations_action(&mut self, action: Action, rows: isize) -> Vec<Cmd> {
        let Some(pane) = self.logs.as_mut() else {
            return Vec::new();
        };
        let LogsView::Invocations {
            sort,
            descending,
            selected,
        } = &mut pane.view
        else {
            return Vec::new();
        };
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
        Vec::new()
    }

    /// `s`: the lines on screen (filters applied), sanitized, to a file named after the functions.
    fn save_logs(&self) -> Vec<Cmd> {
        let Some(pane) = self.logs.as_ref() else {
            return Vec::new();
        };
        let visible = pane.visible();
        let mut text = String::new();
        for line in visible.iter().filter_map(|&i| pane.buffer.lines.get(i)) {
            let _ = writeln!(
                text,
                "{} {} {}",
                line.event
                    .timestamp
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
                crate::sanitize::sanitize(&line.event.function),
                crate::sanitize::sanitize_text(line.event.text())
            );
        }
        let name = pane.functions.join("+");
        let path = format!("lambdash-{name}-{}.log", self.now.format("%Y%m%d-%H%M%S"));
        vec![Cmd::Logs(LogsCmd::SaveFile { path, text })]
    }

    /// `m` in the logs pane: the metrics of the (first) function tailed.
    fn open_logs_metrics(&mut self) -> Vec<Cmd> {
        let Some(pane) = self.logs.as_ref() else {
            return Vec::new();
        };
        let first = pane.functions.first().cloned();
        if pane.functions.len() > 1
            && let Some(f) = &first
        {
            self.flash(
                FlashLevel::Info,
                format!("metrics of {f}, the first of the functions tailed"),
            );
        }
        self.open_metrics(first, None)
    }

    /// `t`: timestamps in UTC, local time, or hidden.
    fn cycle_timestamps(&mut self) {
        let Some(pane) = self.logs.as_mut() else {
            return;
        };
        pane.time = pane.time.next();
        let what = match pane.time {
            logs::TimeMode::Utc => "timestamps in UTC",
            logs::TimeMode::Local => "timestamps in local time",
            logs::TimeMode::Off => "timestamps hidden",
        };
        self.flash(FlashLevel::Info, what);
    }
}

impl App {
    /// What the tail and the save say.
    pub(in crate::app) fn on_logs_msg(&mut self, msg: LogsMsg) -> Vec<Cmd> {
        match msg {
            LogsMsg::Events {
                generation,
                session,
                events,
            } => {
                if generation == self.generation
                    && let Some(pane) = self.logs.as_mut()
                    && pane.session == session
                {
                    pane.ingest(events);
                    if pane.state == TailState::Starting {
                        pane.state = TailState::Following;
                    }
                }
                Vec::new()
            }
            LogsMsg::State {
                generation,
                session,
                state,
                now,
            } => self.on_logs_state(generation, session, state, now),
            LogsMsg::Info {
                generation,
                session,
                info,
            } => {
                self.on_logs_info(generation, session, info);
                Vec::new()
            }
            LogsMsg::Saved(result) => {
                match result {
                    Ok(path) => self.flash(
                        FlashLevel::Info,
                        format!(
                            "saved to {path}: private (mode 0600, a new file), control characters escaped"
                        ),
                    ),
                    Err(e) => self.flash(FlashLevel::Error, format!("could not save: {e}")),
                }
                Vec::new()
            }
        }
    }

    fn on_logs_state(
        &mut self,
        generation: u64,
        session: u64,
        state: msg::LogsPoll,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        let mut flash = None;
        if generation == self.generation
            && let Some(pane) = self.logs.as_mut()
            && pane.session == session
        {
            pane.state = match state {
                msg::LogsPoll::Following => TailState::Following,
                msg::LogsPoll::Throttled { retry_in } => TailState::Throttled {
                    until: now + chrono::Duration::from_std(retry_in).unwrap_or_default(),
                },
                msg::LogsPoll::Failed(error) => {
                    flash = Some(format!("logs: {error} (retrying)"));
                    TailState::Failed { error, at: now }
                }
            };
        }
        if let Some(text) = flash {
            self.flash(FlashLevel::Error, text);
        }
        Vec::new()
    }
}
