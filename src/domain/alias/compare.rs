//! Side by side, the versions behind an alias: invocations, error % and p99 (or max) duration over the
//! last hour, from the metrics Lambda publishes per alias and executed version (dimensions
//! `FunctionName`, `Resource = FUNCTION:ALIAS`, `ExecutedVersion = V`). Pure: the GetMetricData call is
//! in `aws::aliases`.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::AliasState;
use crate::domain::metrics::{MetricName, Reading, Stat, aggregate, error_pct};

/// The window compared: the last hour, fetched as one period so p99 is the hour's p99.
pub const COMPARE_RANGE: Duration = Duration::from_hours(1);
pub const COMPARE_PERIOD_S: i32 = 3600;
/// The comparison is fetched again no sooner than this (nor retried sooner after a failure).
pub const COMPARE_EVERY_S: i64 = 60;

/// One number of the comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Figure {
    Invocations,
    Errors,
    DurationMax,
    DurationP99,
}

impl Figure {
    pub fn metric(self) -> MetricName {
        match self {
            Self::Invocations => MetricName::Invocations,
            Self::Errors => MetricName::Errors,
            Self::DurationMax | Self::DurationP99 => MetricName::Duration,
        }
    }

    pub fn stat(self) -> Stat {
        match self {
            Self::Invocations | Self::Errors => Stat::Sum,
            Self::DurationMax => Stat::Maximum,
            Self::DurationP99 => Stat::P99,
        }
    }
}

/// One metric query of the comparison's GetMetricData call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompareQuery {
    /// `v{version index}_{figure}`: a valid GetMetricData id.
    pub id: String,
    pub version: String,
    pub figure: Figure,
}

impl CompareQuery {
    /// The CloudWatch dimensions of this version's series behind `function:alias`.
    pub fn dimensions(&self, function: &str, alias: &str) -> [(&'static str, String); 3] {
        [
            ("FunctionName", function.to_string()),
            ("Resource", format!("{function}:{alias}")),
            ("ExecutedVersion", self.version.clone()),
        ]
    }
}

/// The versions behind an alias with their share of its traffic, primary first.
pub fn alias_versions(state: &AliasState) -> Vec<(String, f64)> {
    let mut out = vec![(
        state.version.clone(),
        1.0 - state.weights.values().sum::<f64>(),
    )];
    out.extend(state.weights.iter().map(|(v, w)| (v.clone(), *w)));
    out
}

/// The queries for `versions`: invocations and errors (sums), duration maximum, and duration p99
/// unless the endpoint is known to refuse percentiles.
pub fn compare_queries(versions: &[String], with_percentiles: bool) -> Vec<CompareQuery> {
    let mut figures = vec![Figure::Invocations, Figure::Errors, Figure::DurationMax];
    if with_percentiles {
        figures.push(Figure::DurationP99);
    }
    versions
        .iter()
        .enumerate()
        .flat_map(|(i, v)| {
            figures.iter().map(move |f| CompareQuery {
                id: format!("v{i}_{}", format!("{f:?}").to_lowercase()),
                version: v.clone(),
                figure: *f,
            })
        })
        .collect()
}

/// One version's figures over the window.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionFigures {
    pub version: String,
    /// Its share of the alias's traffic by the routing config.
    pub weight: f64,
    pub invocations: Reading,
    pub errors: Reading,
    pub error_pct: Reading,
    /// p99, or the maximum when `duration_is_max` (percentiles refused by the endpoint).
    pub duration: Reading,
    pub duration_is_max: bool,
}

/// The versions behind one alias, side by side.
#[derive(Clone, Debug, PartialEq)]
pub struct VersionComparison {
    pub alias: String,
    /// The routing the figures were fetched for (a change of routing makes them stale).
    pub state: AliasState,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Primary first, then the weighted (canary) version.
    pub versions: Vec<VersionFigures>,
    pub percentiles_unavailable: bool,
}

/// What a series brought back: its points, or CloudWatch's error for it.
pub type SeriesPoints = Result<Vec<(DateTime<Utc>, f64)>, String>;

/// Builds the comparison from the fetched series (`values` by query id). A query that was not sent
/// or failed is shown as unavailable, never as 0.
pub fn assemble<S: std::hash::BuildHasher>(
    alias: &str,
    state: &AliasState,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
    queries: &[CompareQuery],
    values: &HashMap<String, SeriesPoints, S>,
    percentiles_unavailable: bool,
) -> VersionComparison {
    let reading = |version: &str, figure: Figure| -> Reading {
        let Some(q) = queries
            .iter()
            .find(|q| q.version == version && q.figure == figure)
        else {
            return Reading::Unavailable(format!(
                "{} {} not requested",
                figure.metric().as_str(),
                figure.stat().as_str()
            ));
        };
        match values.get(&q.id) {
            Some(Ok(points)) => aggregate(figure.stat(), points),
            Some(Err(e)) => Reading::Unavailable(e.clone()),
            None => Reading::Unavailable("no answer for this series".to_string()),
        }
    };
    let versions = alias_versions(state)
        .into_iter()
        .map(|(version, weight)| {
            let invocations = reading(&version, Figure::Invocations);
            let errors = reading(&version, Figure::Errors);
            let (duration, duration_is_max) = if percentiles_unavailable {
                (reading(&version, Figure::DurationMax), true)
            } else {
                (reading(&version, Figure::DurationP99), false)
            };
            VersionFigures {
                error_pct: error_pct(&invocations, &errors),
                version,
                weight,
                invocations,
                errors,
                duration,
                duration_is_max,
            }
        })
        .collect();
    VersionComparison {
        alias: alias.to_string(),
        state: state.clone(),
        start,
        end,
        versions,
        percentiles_unavailable,
    }
}

/// How the canary compares with the primary.
#[derive(Clone, Debug, PartialEq)]
pub enum Verdict {
    /// The alias routes to one version.
    NoCanary,
    /// Not enough to compare (why).
    TooLittleData(String),
    /// The canary is worse: the reasons.
    Worse(Vec<String>),
    /// Not worse on these figures.
    NotWorse,
}

/// Error % points above the primary's that make a canary worse.
const WORSE_ERROR_POINTS: f64 = 1.0;
/// Duration ratio (and absolute ms) above the primary's that make a canary worse.
const WORSE_DURATION_RATIO: f64 = 1.25;
const WORSE_DURATION_MS: f64 = 10.0;

impl VersionComparison {
    /// Compares the canary (second version) with the primary (first).
    pub fn verdict(&self) -> Verdict {
        let [primary, canary] = self.versions.as_slice() else {
            return Verdict::NoCanary;
        };
        match canary.invocations {
            Reading::Value(n) if n > 0.0 => {}
            Reading::Unavailable(ref why) => return Verdict::TooLittleData(why.clone()),
            _ => {
                return Verdict::TooLittleData(format!(
                    "version {} has no invocations through {} in the last hour",
                    canary.version, self.alias
                ));
            }
        }
        let mut reasons = Vec::new();
        match (&canary.error_pct, &primary.error_pct) {
            (Reading::Value(c), Reading::Value(p)) if *c > p + WORSE_ERROR_POINTS => {
                reasons.push(format!("errors {c:.1} % vs {p:.1} %"));
            }
            (Reading::Value(c), Reading::NoData) if *c > WORSE_ERROR_POINTS => {
                reasons.push(format!("errors {c:.1} % (the primary had no invocations)"));
            }
            _ => {}
        }
        if let (Reading::Value(c), Reading::Value(p)) = (&canary.duration, &primary.duration)
            && *c > p * WORSE_DURATION_RATIO
            && c - p > WORSE_DURATION_MS
        {
            let what = if canary.duration_is_max { "max" } else { "p99" };
            reasons.push(format!("{what} {c:.0} ms vs {p:.0} ms"));
        }
        if reasons.is_empty() {
            Verdict::NotWorse
        } else {
            Verdict::Worse(reasons)
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)]
mod tests {
    use super::*;

    fn canary_state() -> AliasState {
        let mut s = AliasState::plain("3");
        s.weights.insert("4".into(), 0.1);
        s
    }

    fn window() -> (DateTime<Utc>, DateTime<Utc>) {
        (
            DateTime::from_timestamp(0, 0).unwrap(),
            DateTime::from_timestamp(3600, 0).unwrap(),
        )
    }

    fn pts(v: f64) -> Vec<(DateTime<Utc>, f64)> {
        vec![(DateTime::from_timestamp(0, 0).unwrap(), v)]
    }

    fn values(
        queries: &[CompareQuery],
        of: &[(&str, Figure, f64)],
    ) -> HashMap<String, SeriesPoints> {
        queries
            .iter()
            .map(|q| {
                let v = of
                    .iter()
                    .find(|(v, f, _)| *v == q.version && *f == q.figure)
                    .map_or_else(|| Ok(Vec::new()), |(_, _, x)| Ok(pts(*x)));
                (q.id.clone(), v)
            })
            .collect()
    }

    #[test]
    fn queries_name_both_versions_behind_the_alias_with_valid_ids() {
        let q = compare_queries(&["3".into(), "4".into()], true);
        assert_eq!(q.len(), 8);
        assert!(q.iter().all(|q| {
            q.id.starts_with('v') && q.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        }));
        assert_eq!(
            q[0].dimensions("orders", "live"),
            [
                ("FunctionName", "orders".to_string()),
                ("Resource", "orders:live".to_string()),
                ("ExecutedVersion", "3".to_string()),
            ]
        );
        assert_eq!(compare_queries(&["3".into()], false).len(), 3);
    }

    #[test]
    fn weights_of_the_versions_behind_a_canary() {
        let v = alias_versions(&canary_state());
        assert_eq!(v[0].0, "3");
        assert!((v[0].1 - 0.9).abs() < 1e-9);
        assert_eq!(v[1], ("4".to_string(), 0.1));
    }

    #[test]
    fn a_worse_canary_is_called_worse_with_its_numbers() {
        let q = compare_queries(&["3".into(), "4".into()], true);
        let vals = values(
            &q,
            &[
                ("3", Figure::Invocations, 900.0),
                ("3", Figure::Errors, 9.0),
                ("3", Figure::DurationP99, 200.0),
                ("4", Figure::Invocations, 100.0),
                ("4", Figure::Errors, 12.0),
                ("4", Figure::DurationP99, 900.0),
            ],
        );
        let c = assemble("live", &canary_state(), window(), &q, &vals, false);
        assert_eq!(c.versions[0].error_pct, Reading::Value(1.0));
        assert_eq!(c.versions[1].error_pct, Reading::Value(12.0));
        assert_eq!(
            c.verdict(),
            Verdict::Worse(vec![
                "errors 12.0 % vs 1.0 %".into(),
                "p99 900 ms vs 200 ms".into()
            ])
        );
    }

    #[test]
    fn refused_percentiles_fall_back_to_the_maximum_and_say_so() {
        let q = compare_queries(&["3".into(), "4".into()], false);
        let vals = values(
            &q,
            &[
                ("3", Figure::Invocations, 10.0),
                ("3", Figure::DurationMax, 50.0),
                ("4", Figure::Invocations, 10.0),
                ("4", Figure::DurationMax, 55.0),
            ],
        );
        let c = assemble("live", &canary_state(), window(), &q, &vals, true);
        assert!(c.percentiles_unavailable);
        assert_eq!(c.versions[1].duration, Reading::Value(55.0));
        assert!(c.versions[1].duration_is_max);
        assert_eq!(c.versions[1].error_pct, Reading::Value(0.0));
        assert_eq!(c.verdict(), Verdict::NotWorse);
    }

    #[test]
    fn an_idle_canary_or_a_failed_series_is_not_a_verdict() {
        let q = compare_queries(&["3".into(), "4".into()], true);
        let c = assemble(
            "live",
            &canary_state(),
            window(),
            &q,
            &values(&q, &[]),
            false,
        );
        assert_eq!(c.versions[1].invocations, Reading::Value(0.0));
        assert_eq!(c.versions[1].duration, Reading::NoData);
        assert!(matches!(c.verdict(), Verdict::TooLittleData(_)));

        let mut vals = values(&q, &[("4", Figure::Invocations, 5.0)]);
        vals.insert("v1_errors".into(), Err("InternalError".into()));
        let c = assemble("live", &canary_state(), window(), &q, &vals, false);
        assert_eq!(
            c.versions[1].error_pct,
            Reading::Unavailable("InternalError".into())
        );

        let plain = AliasState::plain("3");
        let q = compare_queries(&["3".into()], true);
        let c = assemble("live", &plain, window(), &q, &values(&q, &[]), false);
        assert_eq!(c.versions.len(), 1);
        assert_eq!(c.verdict(), Verdict::NoCanary);
    }
}
