//! The metrics and cost panes' actions and answers.

use chrono::{DateTime, Utc};

use crate::app::keymap::Action;
use crate::app::metrics::{MetricsPane, PaneMetrics};
use crate::app::msg::{Cmd, PaneContext};
use crate::app::{App, FlashLevel, View};
use crate::domain::metrics::{MetricsBatch, MetricsRange};

impl App {
    /// Opens the metrics pane for `function`; with `anchor`, the window is centred on that time (the
    /// moment an alarm flipped) and marked on the charts.
    pub(in crate::app) fn open_metrics(
        &mut self,
        function: Option<String>,
        anchor: Option<DateTime<Utc>>,
    ) -> Vec<Cmd> {
        let Some(function) = function else {
            self.flash(FlashLevel::Info, "select a function first");
            return Vec::new();
        };
        let timeout = self
            .functions
            .all()
            .iter()
            .find(|f| f.name == function)
            .map(|f| f.timeout_s);
        self.nav_push(View::Metrics);
        let mut cmds = self.leave_view();
        let mut pane = MetricsPane::new(function, timeout, anchor);
        // Keep the range the user chose last time.
        if let Some(old) = &self.metrics {
            pane.range = old.range;
        }
        self.metrics = Some(pane);
        self.view = View::Metrics;
        cmds.extend(self.fetch_pane_metrics(true));
        cmds
    }

    /// Fetches what the metrics pane should show now (the caller decides whether it is due).
    fn fetch_pane_metrics(&mut self, context: bool) -> Vec<Cmd> {
        self.next_request += 1;
        let (request, now, generation) = (self.next_request, self.now, self.generation);
        let Some(pane) = self.metrics.as_mut() else {
            return Vec::new();
        };
        let wanted = pane.wanted();
        let qualifiers = wanted
            .compare
            .as_ref()
            .map(|c| vec![c.a.qualifier.clone(), c.b.qualifier.clone()])
            .unwrap_or_default();
        let end = pane.anchor.map(|_| pane.window_end(now));
        pane.request = request;
        pane.in_flight = true;
        pane.asked = Some(wanted);
        pane.remote.start_loading(now);
        vec![Cmd::FetchPaneMetrics {
            generation,
            request,
            function: pane.function.clone(),
            qualifiers,
            range: pane.range.duration(),
            period_s: pane.range.period_s(),
            end,
            context: context || pane.remote.data.is_none(),
        }]
    }

    /// On every tick: refetch the metrics pane when its data is older than the period.
    pub(in crate::app) fn maybe_fetch_pane_metrics(&mut self) -> Vec<Cmd> {
        if self.view != View::Metrics || !self.connected {
            return Vec::new();
        }
        match &self.metrics {
            Some(p) if p.needs_fetch(self.now) => self.fetch_pane_metrics(false),
            _ => Vec::new(),
        }
    }

    pub(in crate::app) fn on_pane_metrics(
        &mut self,
        request: u64,
        result: Result<Box<MetricsBatch>, String>,
        context: Option<Box<PaneContext>>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        let Some(pane) = self.metrics.as_mut().filter(|p| p.request == request) else {
            return Vec::new();
        };
        pane.in_flight = false;
        let failure = match result {
            Ok(batch) => {
                self.metrics_spend.push_back((now, batch.cost_usd()));
                let (alarms, aliases) = match (context, pane.remote.data.take()) {
                    (Some(c), _) => (c.alarms, c.aliases),
                    (None, Some(old)) => (old.alarms, old.aliases),
                    (None, None) => (
                        Err("not fetched yet".to_string()),
                        Err("not fetched yet".to_string()),
                    ),
                };
                pane.remote.succeed(
                    PaneMetrics {
                        batch: *batch,
                        alarms,
                        aliases,
                    },
                    now,
                );
                // The comparisons come from the aliases: keep the index in range.
                if pane.compare.is_some_and(|i| i >= pane.comparisons().len()) {
                    pane.compare = None;
                }
                None
            }
            Err(e) => {
                pane.remote.fail(e.clone(), now);
                Some(format!("metrics of {}: {e}", pane.function))
            }
        };
        if let Some(text) = failure {
            self.flash(FlashLevel::Error, text);
        }
        Vec::new()
    }

    pub(in crate::app) fn on_metrics_action(&mut self, action: Action) -> Vec<Cmd> {
        let Some(pane) = self.metrics.as_mut() else {
            return self.show_functions();
        };
        match action {
            Action::Range(i) => {
                if let Some(r) = MetricsRange::ALL.get(i) {
                    pane.range = *r;
                    pane.scroll = 0;
                }
            }
            Action::Now => {
                if pane.anchor.is_some() {
                    pane.anchor = None;
                } else {
                    self.flash(FlashLevel::Info, "already showing the range up to now");
                }
            }
            Action::Compare => {
                let n = pane.comparisons().len();
                if n == 0 {
                    let why = match pane.remote.data.as_ref().map(|d| &d.aliases) {
                        Some(Err(e)) => {
                            format!("no comparison: the aliases could not be read ({e})")
                        }
                        Some(Ok(a)) if a.is_empty() => {
                            "no comparison: the function has no aliases".to_string()
                        }
                        Some(Ok(_)) => {
                            "no comparison: one alias without a canary; nothing to compare it with"
                                .to_string()
                        }
                        None => "no comparison yet: the aliases are still loading".to_string(),
                    };
                    self.flash(FlashLevel::Info, why);
                    return Vec::new();
                }
                pane.compare = match pane.compare {
                    None => Some(0),
                    Some(i) if i + 1 < n => Some(i + 1),
                    Some(_) => None,
                };
                let text = pane.comparison().map_or_else(
                    || "comparison off: the whole function".to_string(),
                    |c| format!("comparing {}", c.label),
                );
                self.flash(FlashLevel::Info, text);
            }
            Action::Up => pane.scroll = pane.scroll.saturating_sub(1),
            Action::Down => pane.scroll = pane.scroll.saturating_add(1),
            Action::Top => pane.scroll = 0,
            Action::Bottom | Action::PageDown => pane.scroll = pane.scroll.saturating_add(4),
            Action::PageUp => pane.scroll = pane.scroll.saturating_sub(4),
            Action::Refresh => return self.fetch_pane_metrics(true),
            Action::OpenLogs => {
                let name = pane.function.clone();
                return self.open_logs(vec![name]);
            }
            Action::Back => return self.go_back(),
            Action::NextPane => return self.show_functions(),
            Action::Quit | Action::Help | Action::Palette => return self.on_global_action(action),
            _ => {}
        }
        self.maybe_fetch_pane_metrics()
    }
}
