//! Sorting the functions table by what matters during an incident: HEALTH (worst first, the default:
//! with every function healthy it is the name order), INVOC, ERR%, P99/MAX and THROT (largest first).
//! A function whose metrics are not known yet sorts after those that are, in either direction.
//!
//! The keys are computed here from the row metrics, the firing alarms and the DLQ depths, and kept
//! per function name in [`super::FunctionsPane::row_keys`]; they are refreshed when any of those
//! arrive. While the table is sorted by one of them, the row metrics are fetched for every function
//! shown (up to [`MAX_SORTED_ROW_METRICS`]), not only the rows on screen: worst first must see the
//! failing function wherever it is in the list.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use super::{App, SortColumn};
use crate::domain::Function;
use crate::domain::metrics::{Health, HealthInputs, evaluate_health, row_series};

/// Functions whose row metrics a metric sort fetches at most (4 metrics each: 2,000 metrics a
/// minute, about $1.20 an hour of GetMetricData at list price; shown in the status bar).
pub const MAX_SORTED_ROW_METRICS: usize = 500;

/// What a function sorts by in the metric columns.
#[derive(Clone, Debug, PartialEq)]
pub struct RowKey {
    /// [`Health::rank`]: smaller is worse.
    pub health: (usize, usize),
    pub invocations: Option<f64>,
    pub error_pct: Option<f64>,
    pub duration: Option<f64>,
    pub throttles: Option<f64>,
}

impl SortColumn {
    /// True for the columns computed from metrics, alarms and DLQs (not the function's fields).
    pub fn needs_metrics(self) -> bool {
        matches!(
            self,
            Self::Health | Self::Invocations | Self::ErrorPct | Self::Duration | Self::Throttles
        )
    }

    /// True when the column's natural order puts the largest (or worst) first: `▼` in the header.
    pub fn largest_first(self) -> bool {
        self.needs_metrics()
    }
}

fn number(column: SortColumn, k: &RowKey) -> Option<f64> {
    match column {
        SortColumn::Invocations => k.invocations,
        SortColumn::ErrorPct => k.error_pct,
        SortColumn::Duration => k.duration,
        SortColumn::Throttles => k.throttles,
        _ => None,
    }
}

/// The table order of two functions; ties by name, ascending.
pub(super) fn compare(
    column: SortColumn,
    descending: bool,
    a: &Function,
    b: &Function,
    keys: &HashMap<String, RowKey>,
) -> Ordering {
    let flip = |o: Ordering| if descending { o.reverse() } else { o };
    let (ka, kb) = (keys.get(&a.name), keys.get(&b.name));
    let primary = match column {
        SortColumn::Health => {
            let rank = |k: Option<&RowKey>| k.map_or((usize::MAX, usize::MAX), |k| k.health);
            flip(rank(ka).cmp(&rank(kb)))
        }
        c if c.needs_metrics() => {
            match (ka.and_then(|k| number(c, k)), kb.and_then(|k| number(c, k))) {
                (Some(x), Some(y)) => flip(y.total_cmp(&x)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            }
        }
        c => flip(c.compare_fields(a, b)),
    };
    primary.then_with(|| a.name.cmp(&b.name))
}

impl App {
    /// The health of `f` from everything known about it: the row metrics (when fetched for it), its
    /// firing alarms (as the alarms pane's `f` narrows them: `FunctionName` / `Resource`, and
    /// alarms on its queues — DLQ, source queue, on-failure destination — from the DLQ topology), its DLQ
    /// depth and async setup, its runtime; thresholds from `[health]`.
    pub fn function_health(&self, f: &Function) -> Health {
        let batch = self
            .row_metrics
            .data
            .as_ref()
            .filter(|b| b.get(&row_series(&f.name)[0]).is_some());
        let firing: Vec<&str> = self
            .firing_alarms_of(&f.name)
            .into_iter()
            .filter(|a| a.is_firing())
            .map(|a| a.name.as_str())
            .collect();
        evaluate_health(
            f,
            &HealthInputs {
                batch,
                extras: crate::domain::metrics::HealthExtras {
                    stopped: self.known_stopped(&f.name),
                    ..self.health_extras(&f.name)
                },
                firing_alarms: &firing,
                thresholds: &self.config.health,
            },
        )
    }

    pub(crate) fn row_key(&self, f: &Function) -> RowKey {
        let health = self.function_health(f).rank();
        let covered = self
            .row_metrics
            .data
            .as_ref()
            .filter(|b| b.get(&row_series(&f.name)[0]).is_some());
        match covered {
            None => RowKey {
                health,
                invocations: None,
                error_pct: None,
                duration: None,
                throttles: None,
            },
            Some(b) => {
                let row = b.row(&f.name);
                RowKey {
                    health,
                    invocations: row.invocations.value(),
                    error_pct: row.error_pct.value(),
                    duration: row.duration.value(),
                    throttles: row.throttles.value(),
                }
            }
        }
    }

    /// Recomputes every function's sort keys and re-sorts (keeping the selection on its function)
    /// when the table is sorted by one of them and they changed.
    pub(crate) fn refresh_row_keys(&mut self) {
        let keys: HashMap<String, RowKey> = self
            .functions
            .all()
            .iter()
            .map(|f| (f.name.clone(), self.row_key(f)))
            .collect();
        if keys == self.functions.row_keys {
            return;
        }
        self.functions.row_keys = keys;
        if self.functions.sort.needs_metrics() {
            let keep = self.functions.selected_function().map(|f| f.name.clone());
            self.functions.rebuild_view(keep.as_deref());
        }
    }

    /// The functions whose row metrics to fetch: the rows on screen (and the selection), or, while
    /// sorted by a metric column, every row shown up to [`MAX_SORTED_ROW_METRICS`].
    pub(crate) fn row_metrics_wanted(&self, rows: usize) -> BTreeSet<String> {
        let take = if self.functions.sort.needs_metrics() {
            MAX_SORTED_ROW_METRICS
        } else {
            rows
        };
        let skip = if self.functions.sort.needs_metrics() {
            0
        } else {
            self.functions.offset
        };
        let mut wanted: BTreeSet<String> = self
            .functions
            .rows()
            .skip(skip)
            .take(take)
            .map(|f| f.name.clone())
            .collect();
        if let Some(f) = self.functions.selected_function() {
            wanted.insert(f.name.clone());
        }
        wanted
    }

    /// `!`: worst first (HEALTH, most severe on top).
    pub(crate) fn sort_worst_first(&mut self) {
        let keep = self.functions.selected_function().map(|f| f.name.clone());
        self.functions.sort = SortColumn::Health;
        self.functions.descending = false;
        self.functions.rebuild_view(keep.as_deref());
    }
}
