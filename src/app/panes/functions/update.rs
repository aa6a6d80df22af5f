//! What the functions pane's poller and row metrics answer.

use chrono::{DateTime, Utc};

use crate::app::dlq::ListingProgress;
use crate::app::msg::{Cmd, FunctionsMsg};
use crate::app::{App, FlashLevel};
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
                    self.functions.apply_page(page);
                    if let ListingProgress::Running { pages } = self.dlq.hints.progress() {
                        self.dlq
                            .hints
                            .set_progress(ListingProgress::Running { pages: pages + 1 });
                    }
                    self.refresh_row_keys();
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
}
