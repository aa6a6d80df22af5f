//! The functions pane's one-shot fetches: a function's detail, the rows' metrics. (Its poller is in
//! `tasks/mod.rs` with the alarms pollers.)

use std::time::Duration;

use chrono::Utc;

use crate::app::{FunctionsMsg, Msg};
use crate::runtime::Executor;

impl Executor {
    pub(in crate::runtime) fn fetch_detail(&self, generation: u64, request: u64, function: String) {
        self.answer(move |clients, _| async move {
            let result = clients
                .function_detail(&function)
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
            Msg::Detail {
                generation,
                request,
                result,
                now: Utc::now(),
            }
        });
    }

    pub(in crate::runtime) fn fetch_row_metrics(
        &self,
        generation: u64,
        request: u64,
        functions: Vec<String>,
    ) {
        self.answer(move |clients, support| async move {
            let series: Vec<_> = functions
                .iter()
                .flat_map(|f| crate::domain::metrics::row_series(f))
                .collect();
            let result = clients
                .get_metrics(&series, Duration::from_hours(1), 60, Utc::now(), &support)
                .await
                .map(Box::new)
                .map_err(|e| e.to_string());
            Msg::Functions(FunctionsMsg::RowMetrics {
                generation,
                request,
                result,
                now: Utc::now(),
            })
        });
    }
}
