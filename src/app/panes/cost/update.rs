//! The cost pane's actions and answer.

use chrono::{DateTime, Utc};

use super::CostData;
use crate::app::keymap::Action;
use crate::app::msg::Cmd;
use crate::app::{App, FlashLevel, View};
use crate::domain::metrics::MetricsRange;

impl App {
    pub(in crate::app) fn open_cost(&mut self) -> Vec<Cmd> {
        self.nav_push(View::Cost);
        let mut cmds = self.leave_view();
        self.view = View::Cost;
        let due = self.cost.asked != Some(self.cost.range)
            || self
                .cost
                .remote
                .last_ok
                .is_none_or(|at| self.now - at >= chrono::Duration::minutes(5));
        if due && !self.cost.remote.is_loading() {
            cmds.extend(self.fetch_cost());
        }
        cmds
    }

    fn fetch_cost(&mut self) -> Vec<Cmd> {
        self.next_request += 1;
        self.cost.request = self.next_request;
        self.cost.asked = Some(self.cost.range);
        self.cost.remote.start_loading(self.now);
        vec![Cmd::FetchCost {
            generation: self.generation,
            request: self.next_request,
            range: self.cost.range.duration(),
        }]
    }

    pub(in crate::app) fn on_cost(
        &mut self,
        request: u64,
        result: Result<Box<CostData>, String>,
        now: DateTime<Utc>,
    ) -> Vec<Cmd> {
        if request != self.cost.request {
            return Vec::new();
        }
        match result {
            Ok(data) => {
                let usd = data.calls_metrics_cost_usd();
                self.metrics_spend.push_back((now, usd));
                self.cost.remote.succeed(*data, now);
                self.cost.move_by(0);
            }
            Err(e) => {
                self.cost.remote.fail(e.clone(), now);
                self.flash(FlashLevel::Error, format!("cost: {e}"));
            }
        }
        Vec::new()
    }

    pub(in crate::app) fn on_cost_action(&mut self, action: Action) -> Vec<Cmd> {
        let rows = self.page_rows();
        match action {
            Action::Range(i) => {
                if let Some(r) = MetricsRange::ALL.get(i)
                    && *r != self.cost.range
                {
                    self.cost.range = *r;
                    return self.fetch_cost();
                }
            }
            Action::Refresh => return self.fetch_cost(),
            Action::Up => self.cost.move_by(-1),
            Action::Down => self.cost.move_by(1),
            Action::Top => self.cost.selected = 0,
            Action::Bottom => self.cost.move_by(isize::MAX / 2),
            Action::PageUp => self.cost.move_by(-(rows as isize)),
            Action::PageDown => self.cost.move_by(rows as isize),
            Action::OpenMetrics | Action::Enter => {
                let name = self
                    .cost
                    .remote
                    .data
                    .as_ref()
                    .and_then(|d| d.report.rows.get(self.cost.selected))
                    .map(|r| r.function.clone());
                return self.open_metrics(name, None);
            }
            Action::Back => return self.go_back(),
            Action::NextPane => return self.show_functions(),
            Action::Quit | Action::Help | Action::Palette => return self.on_global_action(action),
            _ => {}
        }
        self.cost.scroll_into_view(rows);
        Vec::new()
    }
}

impl CostData {
    /// What the estimate's GetMetricData calls cost (it is counted in lambdash's own spend).
    pub fn calls_metrics_cost_usd(&self) -> f64 {
        self.metrics_requested as f64 * crate::domain::metrics::USD_PER_METRIC_REQUESTED
    }
}
