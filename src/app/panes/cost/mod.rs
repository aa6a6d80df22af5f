//! The cost pane: every function's estimated cost over a range, most expensive first.

mod update;

use crate::domain::Remote;
use crate::domain::metrics::MetricsRange;
use crate::domain::metrics::cost::{CostReport, Unestimated};

/// The cost pane's answer: the estimate and the functions it could not estimate (never costed at 0).
#[derive(Clone, Debug, PartialEq)]
pub struct CostData {
    pub report: CostReport,
    pub unestimated: Vec<Unestimated>,
    /// GetMetricData calls the estimate took, and the metrics they requested (what is billed).
    pub calls: u32,
    pub metrics_requested: u64,
}

#[derive(Clone, Debug, Default)]
pub struct CostPane {
    pub range: MetricsRange,
    pub remote: Remote<CostData>,
    pub request: u64,
    pub selected: usize,
    pub offset: usize,
    /// The range the data in `remote` is for.
    pub asked: Option<MetricsRange>,
}

impl CostPane {
    pub fn rows(&self) -> usize {
        self.remote.data.as_ref().map_or(0, |d| d.report.rows.len())
    }

    pub fn move_by(&mut self, delta: isize) {
        let n = self.rows();
        if n == 0 {
            self.selected = 0;
            return;
        }
        self.selected = self.selected.saturating_add_signed(delta).min(n - 1);
    }

    pub fn scroll_into_view(&mut self, rows: usize) {
        self.offset = crate::app::scrolled_offset(self.selected, self.offset, rows, self.rows());
    }
}
