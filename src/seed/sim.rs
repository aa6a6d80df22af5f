//! The demo's `AWS/Lambda` metrics, aggregated from the invocations as they ran (the same runs whose
//! log lines the demo writes), per minute: for the whole function (`FunctionName`), for the alias it
//! was invoked through (`Resource = fn:alias`) and for each version that ran behind it (`Resource` +
//! `ExecutedVersion`), as Lambda publishes them. Throttled requests never run: they count in
//! `Throttles` of the function and the alias only.

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::types::MetricDatum;
use chrono::{DateTime, Utc};

use super::catalog::{FunctionSpec, Release};
use super::logs::{Outcome, Run};
use super::model::{MinuteStats, minute_stats};

/// The alias the demo's traffic goes through (`None`: the unqualified function, `$LATEST`).
pub fn alias_of(spec: &FunctionSpec) -> Option<&'static str> {
    match spec.release {
        Release::None => None,
        Release::Live(_) | Release::Weighted(..) => Some("live"),
    }
}

/// What one minute of one function adds up to, per dimension set.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MinuteMetrics {
    pub function: MinuteStats,
    /// Through the alias (same runs as the function: all its traffic goes through it).
    pub alias: Option<MinuteStats>,
    /// Per executed version behind the alias.
    pub versions: BTreeMap<String, MinuteStats>,
}

/// Aggregates `runs` (and `throttles` per minute, keyed by the minute's epoch milliseconds) into
/// per-minute metrics, oldest minute first.
pub fn aggregate(
    alias: Option<&str>,
    runs: &[Run],
    throttles: &BTreeMap<i64, u32>,
) -> Vec<(DateTime<Utc>, MinuteMetrics)> {
    type ByVersion = BTreeMap<String, Vec<(f64, Outcome)>>;
    let mut minutes: BTreeMap<i64, ByVersion> = BTreeMap::new();
    for r in runs {
        minutes
            .entry(r.start_ms.div_euclid(60_000) * 60_000)
            .or_default()
            .entry(r.version.clone())
            .or_default()
            .push((r.duration_ms, r.outcome));
    }
    for m in throttles.keys() {
        minutes.entry(*m).or_default();
    }
    minutes
        .into_iter()
        .map(|(m, by_version)| {
            let thr = throttles.get(&m).copied().unwrap_or(0);
            let all: Vec<(f64, Outcome)> = by_version.values().flatten().copied().collect();
            let function = minute_stats(&all, thr);
            let metrics = MinuteMetrics {
                alias: alias.map(|_| function.clone()),
                versions: if alias.is_some() {
                    by_version
                        .iter()
                        .map(|(v, runs)| (v.clone(), minute_stats(runs, 0)))
                        .collect()
                } else {
                    BTreeMap::new()
                },
                function,
            };
            (
                DateTime::from_timestamp_millis(m).unwrap_or_default(),
                metrics,
            )
        })
        .collect()
}

/// The datapoints of [`aggregate`]'s minutes for `function` invoked through `alias`.
pub fn datapoints(
    function: &str,
    alias: Option<&str>,
    minutes: &[(DateTime<Utc>, MinuteMetrics)],
) -> Vec<MetricDatum> {
    let mut out = Vec::new();
    for (t, m) in minutes {
        out.extend(super::lambda_datapoints(function, *t, &m.function));
        let (Some(alias), Some(a)) = (alias, &m.alias) else {
            continue;
        };
        let resource = ("Resource", format!("{function}:{alias}"));
        out.extend(super::lambda_datapoints_with(
            function,
            std::slice::from_ref(&resource),
            *t,
            a,
        ));
        for (version, s) in &m.versions {
            out.extend(super::lambda_datapoints_with(
                function,
                &[resource.clone(), ("ExecutedVersion", version.clone())],
                *t,
                s,
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::seed::catalog::{FUNCTIONS, spec};
    use crate::seed::demo;

    /// `Invocations` per dimension set (`fn`, `fn:live`, `fn:live@4`), summed over every minute.
    fn metric_counts(data: &[MetricDatum]) -> HashMap<String, f64> {
        let mut out: HashMap<String, f64> = HashMap::new();
        for d in data
            .iter()
            .filter(|d| d.metric_name() == Some("Invocations"))
        {
            let dim = |n: &str| {
                d.dimensions()
                    .iter()
                    .find(|x| x.name() == Some(n))
                    .and_then(|x| x.value())
                    .map(str::to_owned)
            };
            let key = match (dim("Resource"), dim("ExecutedVersion")) {
                (Some(r), Some(v)) => format!("{r}@{v}"),
                (Some(r), None) => r,
                _ => dim("FunctionName").unwrap_or_default(),
            };
            *out.entry(key).or_default() += d.value().unwrap_or(0.0);
        }
        out
    }

    /// `START` lines per version in the logs.
    fn logged_starts(streams: &[crate::seed::logs::StreamLog]) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        for (_, m) in streams.iter().flat_map(|s| &s.events) {
            if let Some(v) = m
                .strip_prefix("START ")
                .and_then(|r| r.split("Version: ").nth(1))
            {
                *out.entry(v.trim().to_owned()).or_insert(0.0) += 1.0;
            }
        }
        out
    }

    fn within_1pct(metric: f64, logged: f64) -> bool {
        (metric - logged).abs() <= logged * 0.01
    }

    #[test]
    fn demo_metrics_per_function_alias_and_version_match_its_logs_within_1_percent() {
        let now_ms = 1_795_000_000_000;
        for f in FUNCTIONS {
            let mut rng = demo::rng_for(f.name);
            let arn = format!("arn:aws:lambda:us-east-1:123456789012:function:{}", f.name);
            let (streams, minutes) = demo::simulate(
                f,
                (&arn, "us-east-1"),
                (now_ms - 180 * 60_000, now_ms),
                now_ms,
                &mut rng,
            );
            let alias = alias_of(f);
            let metrics = metric_counts(&datapoints(f.name, alias, &minutes));
            let logged = logged_starts(&streams);
            let total: f64 = logged.values().sum();
            let whole = metrics.get(f.name).copied().unwrap_or(0.0);
            assert!(within_1pct(whole, total), "{}: {whole} vs {total}", f.name);
            let Some(alias) = alias else { continue };
            let through = metrics[&format!("{}:{alias}", f.name)];
            assert!(
                within_1pct(through, total),
                "{}: {through} vs {total}",
                f.name
            );
            for (version, n) in &logged {
                let per = metrics
                    .get(&format!("{}:{alias}@{version}", f.name))
                    .copied()
                    .unwrap_or(0.0);
                assert!(within_1pct(per, *n), "{} v{version}: {per} vs {n}", f.name);
            }
        }
    }

    #[test]
    fn the_weighted_alias_shows_both_versions_in_the_per_version_metrics() {
        let f = spec("user-signup").expect("the canary function");
        let mut rng = demo::rng_for(f.name);
        let now_ms = 1_795_000_000_000;
        let (_, minutes) = demo::simulate(
            f,
            ("arn", "us-east-1"),
            (now_ms - 180 * 60_000, now_ms),
            now_ms,
            &mut rng,
        );
        let metrics = metric_counts(&datapoints(f.name, alias_of(f), &minutes));
        let v3 = metrics["user-signup:live@3"];
        let v4 = metrics["user-signup:live@4"];
        assert!(v3 > 0.0 && v4 > 0.0, "{metrics:?}");
        // The routing sends 10 % to version 4.
        let share = v4 / (v3 + v4);
        assert!((0.05..0.15).contains(&share), "{share}");
    }

    #[test]
    fn the_failing_function_errors_in_its_metrics_as_in_its_logs() {
        let f = spec(crate::seed::catalog::FAILING_FUNCTION).expect("exists");
        let mut rng = demo::rng_for(f.name);
        let now_ms = 1_795_000_000_000;
        let (streams, minutes) = demo::simulate(
            f,
            ("arn", "us-east-1"),
            (now_ms - 60 * 60_000, now_ms),
            now_ms,
            &mut rng,
        );
        let errors: u32 = minutes.iter().map(|(_, m)| m.function.errors).sum();
        let timeouts: u32 = minutes.iter().map(|(_, m)| m.function.timeouts).sum();
        let logged_timeouts = streams
            .iter()
            .flat_map(|s| &s.events)
            .filter(|(_, m)| m.contains("Task timed out after"))
            .count();
        assert_eq!(timeouts as usize, logged_timeouts);
        assert!(errors > timeouts);
    }
}
