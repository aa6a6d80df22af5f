//! What the functions pane's poller and row metrics answer.

use chrono::{DateTime, Utc};

use crate::app::dlq::ListingProgress;
use crate::app::msg::{Cmd, FunctionsMsg};
use crate::app::{Action, App, FlashLevel, PollerKind, View};
use crate::aws::lambda::console_url;
use crate::domain::metrics::MetricsBatch;

impl App {
    pub(in crate::app) fn on_functions_msg(&mut self, msg: FunctionsMsg) -> Vec<Cmd> {
        match msg {
            FunctionsMsg::Cached {
                generation,
                functions,
                saved_at,
            } => {
                if generation == self.generation {
                    self.functions.apply_cached(functions, saved_at);
                    self.refresh_row_keys();
                    let rows = self.page_rows();
                    self.functions.scroll_into_view(rows);
                }
                Vec::new()
            }
            FunctionsMsg::Started {
                generation,
                run,
                now,
            } => {
                if generation == self.generation {
                    self.now = self.now.max(now);
                    self.functions.begin_run(run);
                    self.functions.remote.start_loading(now);
                    self.dlq
                        .hints
                        .set_progress(ListingProgress::Running { pages: 0 });
                }
                Vec::new()
            }
            FunctionsMsg::Page {
                generation,
                run,
                page,
            } => {
                if generation == self.generation && run == self.functions.run {
                    // Only this page's sort keys (a function's HEALTH depends on it alone): all of
                    // them on every page made a 10,000-function listing quadratic. The run's end
                    // recomputes every key once.
                    let keys: Vec<_> = page
                        .iter()
                        .map(|f| (f.name.clone(), self.row_key(f)))
                        .collect();
                    self.functions.row_keys.extend(keys);
                    self.functions.apply_page(page);
                    if let ListingProgress::Running { pages } = self.dlq.hints.progress() {
                        self.dlq
                            .hints
                            .set_progress(ListingProgress::Running { pages: pages + 1 });
                    }
                    let rows = self.page_rows();
                    self.functions.scroll_into_view(rows);
                }
                Vec::new()
            }
            FunctionsMsg::Done {
                generation,
                run,
                result,
                now,
            } => self.on_functions_done(generation, run, result, now),
            FunctionsMsg::RowMetrics {
                generation,
                request,
                result,
                now,
            } => self.on_row_metrics(generation, request, result, now),
        }
    }

    /// The end of a refresh run.
    fn on_functions_done(
        &mut self,
        generation: u64,
        run: u64,
        result: Result<usize, String>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        if generation != self.generation || run != self.functions.run {
            return Vec::new();
        }
        match result {
            Ok(_) => {
                self.functions.finish_run();
                self.refresh_row_keys();
                self.functions.remote.mark_ready(now);
                let rows = self.page_rows();
                self.functions.scroll_into_view(rows);
            }
            Err(e) => {
                self.dlq.hints.set_progress(ListingProgress::Failed);
                self.functions.remote.fail(e.clone(), now);
                self.flash(FlashLevel::Error, format!("functions: {e}"));
            }
        }
        self.dlq_functions_listed()
    }

    fn on_row_metrics(
        &mut self,
        generation: u64,
        request: u64,
        result: Result<Box<MetricsBatch>, String>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        if generation == self.generation && request == self.row_metrics_request {
            self.row_metrics_in_flight = false;
            match result {
                Ok(batch) => {
                    self.metrics_spend.push_back((now, batch.cost_usd()));
                    self.row_metrics.succeed(*batch, now);
                    self.refresh_row_keys();
                }
                Err(e) => {
                    self.row_metrics.fail(e.clone(), now);
                    self.flash(FlashLevel::Error, format!("metrics: {e}"));
                }
            }
        }
        Vec::new()
    }

    /// A key in the functions list. `Some` answers the key; `None` lets the caller keep the selection on
    /// screen.
    pub(in crate::app) fn on_functions_action(
        &mut self,
        action: Action,
        rows: usize,
    ) -> Option<Vec<Cmd>> {
        match action {
            Action::Quit | Action::Help | Action::Palette => {
                return Some(self.on_global_action(action));
            }
            Action::Filter => self.open_filter(),
            Action::Refresh => return Some(vec![Cmd::RefreshNow(PollerKind::Functions)]),
            Action::Enter => return Some(self.open_detail()),
            Action::NextPane => {
                if self.detail.is_some() || self.aliases.is_some() {
                    self.view = if self.detail.is_some() {
                        View::Detail
                    } else {
                        View::Aliases
                    };
                    return Some(vec![Cmd::StopPoller(PollerKind::Functions)]);
                }
                self.flash(
                    FlashLevel::Info,
                    "no other pane open yet: Enter opens a function, a its aliases",
                );
            }
            Action::Back if !self.functions.filter_input.is_empty() => {
                let keep = self.functions.selected_function().map(|f| f.name.clone());
                self.functions.filter_input.clear();
                self.functions.rebuild_view(keep.as_deref());
            }
            Action::SortNext => {
                let keep = self.functions.selected_function().map(|f| f.name.clone());
                self.functions.sort = self.functions.sort.next();
                self.functions.descending = false;
                self.functions.rebuild_view(keep.as_deref());
            }
            Action::WorstFirst => self.sort_worst_first(),
            Action::SortReverse => {
                let keep = self.functions.selected_function().map(|f| f.name.clone());
                self.functions.descending = !self.functions.descending;
                self.functions.rebuild_view(keep.as_deref());
            }
            Action::CopyConsoleUrl => return self.copy_console_url(),
            Action::KillSwitch => return Some(self.on_kill_switch()),
            Action::Up => self.functions.move_by(-1),
            Action::Down => self.functions.move_by(1),
            Action::Top => self.functions.select(0),
            Action::Bottom => self.functions.select(usize::MAX),
            Action::PageUp => self.functions.move_by(-(rows as isize)),
            Action::PageDown => self.functions.move_by(rows as isize),
            // Everything else means nothing here.
            _ => {}
        }
        None
    }

    /// `o`: copies the AWS console URL of the function the pane is about (`None` when there is none).
    pub(in crate::app) fn copy_console_url(&mut self) -> Option<Vec<Cmd>> {
        let name = match self.view {
            View::Detail => self.detail.as_ref().map(|d| d.function.clone()),
            View::Logs => self
                .logs
                .as_ref()
                .and_then(|l| l.functions.first().cloned()),
            View::Metrics => self.metrics.as_ref().map(|m| m.function.clone()),
            View::Functions | View::Aliases | View::Alarms | View::Dlq | View::Cost => {
                self.functions.selected_function().map(|f| f.name.clone())
            }
        };
        let name = name?;
        let url = console_url(&self.region, &name);
        self.flash(FlashLevel::Info, format!("copied (OSC 52): {url}"));
        Some(vec![Cmd::Copy(url)])
    }
}
