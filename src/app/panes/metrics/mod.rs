//! The metrics pane (one function's charts over a range, two aliases/versions side by side on
//! demand) and the cost pane (every function's estimated cost, most expensive first). Pure state.

mod update;

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::Remote;
use crate::domain::alarm::Alarm;
use crate::domain::alias::Alias;
use crate::domain::metrics::{MetricsBatch, MetricsRange, QualifierKind};

/// One side of a comparison: an alias (`Resource` dimension) or an executed version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Side {
    pub label: String,
    pub qualifier: (QualifierKind, String),
}

/// Two aliases/versions drawn side by side on every chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub label: String,
    pub a: Side,
    pub b: Side,
}

/// The pairs worth comparing, from the function's aliases: first each weighted alias's two versions
/// (what a canary is judged on, by `ExecutedVersion`), then neighbouring aliases (by `Resource`).
pub fn comparisons(aliases: &[Alias]) -> Vec<Comparison> {
    let mut out = Vec::new();
    for alias in aliases {
        if let Some((canary, weight)) = alias.state.canary() {
            let primary = &alias.state.version;
            out.push(Comparison {
                label: format!(
                    "alias {}: version {primary} ({:.0} %) vs version {canary} ({:.0} %)",
                    alias.name,
                    (1.0 - weight) * 100.0,
                    weight * 100.0
                ),
                a: Side {
                    label: format!("v{primary}"),
                    qualifier: (
                        QualifierKind::ExecutedVersion,
                        format!("{}:{primary}", alias.name),
                    ),
                },
                b: Side {
                    label: format!("v{canary}"),
                    qualifier: (
                        QualifierKind::ExecutedVersion,
                        format!("{}:{canary}", alias.name),
                    ),
                },
            });
        }
    }
    for pair in aliases.windows(2) {
        let (x, y) = (&pair[0], &pair[1]);
        out.push(Comparison {
            label: format!("alias {} vs alias {}", x.name, y.name),
            a: Side {
                label: x.name.clone(),
                qualifier: (QualifierKind::Resource, x.name.clone()),
            },
            b: Side {
                label: y.name.clone(),
                qualifier: (QualifierKind::Resource, y.name.clone()),
            },
        });
    }
    out
}

/// What one fetch of the metrics pane brings: the series, and the context drawn on them.
#[derive(Clone, Debug, PartialEq)]
pub struct PaneMetrics {
    pub batch: MetricsBatch,
    /// Alarms watching this function's metrics (thresholds are drawn on their chart), or why they
    /// could not be read.
    pub alarms: Result<Vec<Alarm>, String>,
    /// The function's aliases (the comparisons offered), or why they could not be read.
    pub aliases: Result<Vec<Alias>, String>,
}

/// What a fetch was asked for: a change of any of these refetches at once.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricsAsk {
    pub range: MetricsRange,
    pub anchor: Option<DateTime<Utc>>,
    pub compare: Option<Comparison>,
}

#[derive(Clone, Debug)]
pub struct MetricsPane {
    pub function: String,
    /// The function's timeout (drawn on the duration chart), when known.
    pub timeout_s: Option<i32>,
    pub range: MetricsRange,
    /// Set by a jump from an alarm: the window is centred on this time (clamped to now) and it is
    /// marked on every chart. `0` (now) clears it.
    pub anchor: Option<DateTime<Utc>>,
    /// Index into [`Self::comparisons`]; `None` shows the whole function.
    pub compare: Option<usize>,
    pub remote: Remote<PaneMetrics>,
    pub request: u64,
    pub in_flight: bool,
    /// What the data in `remote` (or the request in flight) was asked for.
    pub asked: Option<MetricsAsk>,
    /// The first chart shown (j/k scroll when they do not all fit).
    pub scroll: usize,
}

impl MetricsPane {
    pub fn new(function: String, timeout_s: Option<i32>, anchor: Option<DateTime<Utc>>) -> Self {
        Self {
            function,
            timeout_s,
            range: MetricsRange::default(),
            anchor,
            compare: None,
            remote: Remote::default(),
            request: 0,
            in_flight: false,
            asked: None,
            scroll: 0,
        }
    }

    /// The comparisons offered (from the last good answer's aliases).
    pub fn comparisons(&self) -> Vec<Comparison> {
        match self.remote.data.as_ref().map(|d| &d.aliases) {
            Some(Ok(aliases)) => comparisons(aliases),
            _ => Vec::new(),
        }
    }

    pub fn comparison(&self) -> Option<Comparison> {
        self.compare
            .and_then(|i| self.comparisons().get(i).cloned())
    }

    /// What should be on screen now.
    pub fn wanted(&self) -> MetricsAsk {
        MetricsAsk {
            range: self.range,
            anchor: self.anchor,
            compare: self.comparison(),
        }
    }

    /// The end of the window: now, or for an anchored view the anchor plus half the range (never
    /// past now).
    pub fn window_end(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        match self.anchor {
            None => now,
            Some(at) => {
                let half = TimeDelta::from_std(self.range.duration() / 2)
                    .unwrap_or_else(|_| TimeDelta::minutes(30));
                (at + half).min(now)
            }
        }
    }

    /// True when the data is older than the period (60 s at least) or was asked for something else.
    /// An anchored window in the past does not change: it is fetched once.
    pub fn needs_fetch(&self, now: DateTime<Utc>) -> bool {
        if self.in_flight {
            return false;
        }
        let wanted = self.wanted();
        if self.asked.as_ref() != Some(&wanted) {
            return true;
        }
        if let crate::domain::Phase::Failed { at, .. } = &self.remote.phase {
            return now - *at >= TimeDelta::seconds(i64::from(self.range.period_s().max(60)));
        }
        let historic = self
            .anchor
            .is_some_and(|at| self.window_end(now) < now && at < now);
        if historic {
            return false;
        }
        self.remote.last_ok.is_none_or(|at| {
            now - at >= TimeDelta::seconds(i64::from(self.range.period_s().max(60)))
        })
    }
}
