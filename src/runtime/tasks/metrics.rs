//! The metrics and cost panes' fetches: one task each, answered with one message.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::app::Msg;
use crate::app::cost::CostData;
use crate::app::msg::PaneContext;
use crate::aws::Clients;
use crate::domain::alarm::concerns_function;
use crate::domain::metrics::cost::{Prices, cost_inputs, cost_series, estimate_costs};
use crate::domain::metrics::{
    PercentileSupport, QualifierKind, SeriesKey, detail_series, period_for,
};

/// What the metrics pane asked for.
pub struct PaneAsk {
    pub generation: u64,
    pub request: u64,
    pub function: String,
    pub qualifiers: Vec<(QualifierKind, String)>,
    pub range: Duration,
    pub period_s: i32,
    pub end: Option<DateTime<Utc>>,
    pub context: bool,
}

/// Every series of the pane: the whole function's (all metrics, async and stream ones included: a
/// function without them simply has no datapoints), plus the core series of each compared side.
pub fn pane_series(function: &str, qualifiers: &[(QualifierKind, String)]) -> Vec<SeriesKey> {
    let mut series = detail_series(function, None, true, true, true);
    for q in qualifiers {
        series.extend(detail_series(function, Some(q), false, false, false));
    }
    series
}

pub async fn fetch_pane_metrics(clients: Clients, support: PercentileSupport, ask: PaneAsk) -> Msg {
    let series = pane_series(&ask.function, &ask.qualifiers);
    let end = ask.end.unwrap_or_else(Utc::now);
    let metrics = clients.get_metrics(&series, ask.range, ask.period_s, end, &support);
    let context = async {
        if !ask.context {
            return None;
        }
        let (alarms, aliases) = tokio::join!(
            clients.describe_alarms(None),
            clients.list_aliases(&ask.function)
        );
        Some(Box::new(PaneContext {
            alarms: alarms
                .map(|all| {
                    all.into_iter()
                        .filter(|a| concerns_function(a, &ask.function, &[]))
                        .collect()
                })
                .map_err(|e| e.to_string()),
            aliases: aliases.map_err(|e| e.to_string()),
        }))
    };
    let (result, context) = tokio::join!(metrics, context);
    Msg::PaneMetrics {
        generation: ask.generation,
        request: ask.request,
        result: result.map(Box::new).map_err(|e| e.to_string()),
        context,
        now: Utc::now(),
    }
}

/// Every function's invocations and summed duration over `range`, costed with the region's prices
/// (a user's `prices/REGION.toml` in the config directory overrides the built-in file).
pub async fn fetch_cost(
    clients: Clients,
    support: PercentileSupport,
    generation: u64,
    request: u64,
    range: Duration,
) -> Msg {
    let result = async {
        let prices = Prices::load(
            &clients.region,
            crate::config::config_dir()
                .map(|d| d.join("prices"))
                .as_deref(),
        )
        .map_err(|e| e.to_string())?;
        let functions = clients
            .list_functions_with_storage()
            .await
            .map_err(|e| e.to_string())?;
        let keys: Vec<SeriesKey> = functions
            .iter()
            .flat_map(|(f, _)| cost_series(&f.name))
            .collect();
        let batch = clients
            .get_metrics(&keys, range, period_for(range), Utc::now(), &support)
            .await
            .map_err(|e| e.to_string())?;
        let (inputs, unestimated) = cost_inputs(&functions, &batch);
        Ok(Box::new(CostData {
            report: estimate_costs(&inputs, range, &prices),
            unestimated,
            calls: batch.calls,
            metrics_requested: batch.metrics_requested,
        }))
    }
    .await;
    Msg::Cost {
        generation,
        request,
        result,
        now: Utc::now(),
    }
}
