//! `lambdash metrics FUNCTION [--since DURATION] [--json]` and `lambdash cost [--since DURATION] [--json]`
//! (issue #4). Both fetch with batched GetMetricData and say how many calls it took.

use super::output::errln;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{Value, json};

use crate::aws::Clients;
use crate::domain::metrics::cost::{CostReport, Prices, Unestimated, cost_inputs, cost_series};
use crate::domain::metrics::{
    MetricName, MetricsBatch, PercentileSupport, QualifierKind, Reading, SeriesKey, SeriesStatus,
    Stat, detail_series, error_pct, estimate_costs, period_for,
};
use crate::sanitize::sanitize;

/// The counter key of GetMetricData in [`crate::aws::ApiCounter::by_operation`].
pub const GET_METRIC_DATA: &str = "CloudWatch.GetMetricData";

#[derive(Debug, clap::Args)]
pub struct MetricsArgs {
    /// The function's name.
    pub function: String,
    /// How far back: 15m, 1h, 3h, 12h, 24h, 7d, … (default 1h).
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub since: String,
    /// Only invocations through this alias (the `Resource` dimension, `FUNCTION:ALIAS`).
    #[arg(long, value_name = "ALIAS")]
    pub alias: Option<String>,
    /// Only this version: invoked by number (`Resource = FUNCTION:N`), or with `--alias` the version
    /// that ran behind the alias (`Resource` + `ExecutedVersion`, e.g. a canary's).
    #[arg(long, value_name = "N")]
    pub version: Option<String>,
    /// One JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct CostArgs {
    /// The range to estimate from (then projected to 30 days): 1h, 24h, 7d, … (default 24h).
    #[arg(long, default_value = "24h", value_name = "DURATION")]
    pub since: String,
    /// One JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// A `--since` value: a duration of at least one minute, at most 455 days (CloudWatch's retention).
pub(super) fn parse_since(s: &str) -> Result<Duration, String> {
    let d = crate::config::parse_duration(s)?;
    if d < Duration::from_mins(1) {
        return Err(format!(
            "--since {s}: too short (CloudWatch's finest period here is 1m)"
        ));
    }
    if d > Duration::from_hours(455 * 24) {
        return Err(format!(
            "--since {s}: longer than CloudWatch keeps metrics (455d)"
        ));
    }
    Ok(d)
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn gmd_calls(clients: &Clients) -> u64 {
    clients
        .calls
        .by_operation()
        .get(GET_METRIC_DATA)
        .copied()
        .unwrap_or(0)
}

fn write_out(text: &str) -> ExitCode {
    super::output::stdout(text)
}

/// One window total as printed: the value, or why there is none.
#[derive(Debug, Serialize)]
struct Total {
    name: &'static str,
    metric: &'static str,
    statistic: &'static str,
    /// How the per-period values were combined over the window.
    aggregate: &'static str,
    unit: &'static str,
    value: Option<f64>,
    /// `no data` or why the value is unavailable; absent when there is a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    missing: Option<String>,
}

fn total(
    name: &'static str,
    metric: MetricName,
    statistic: &'static str,
    aggregate: &'static str,
    unit: &'static str,
    reading: Reading,
) -> Total {
    let (value, missing) = match reading {
        Reading::Value(v) => (Some(v), None),
        Reading::NoData => (None, Some("no data".to_string())),
        Reading::Unavailable(why) => (None, Some(format!("unavailable: {why}"))),
    };
    Total {
        name,
        metric: metric.as_str(),
        statistic,
        aggregate,
        unit,
        value,
        missing,
    }
}

/// The window totals of `lambdash metrics`.
fn totals(batch: &MetricsBatch, keys: &[SeriesKey]) -> Vec<Total> {
    let find = |m: MetricName, s: Stat| keys.iter().find(|k| k.metric == m && k.stat == s);
    let read = |m: MetricName, s: Stat| {
        find(m, s).map_or(Reading::Unavailable("not requested".into()), |k| {
            batch.reading(k)
        })
    };
    let inv = read(MetricName::Invocations, Stat::Sum);
    let err = read(MetricName::Errors, Stat::Sum);
    let pct = error_pct(&inv, &err);
    // Exact window average: Σ Sum / Σ SampleCount.
    let avg = match (
        read(MetricName::Duration, Stat::Sum),
        read(MetricName::Duration, Stat::SampleCount),
    ) {
        (Reading::Value(s), Reading::Value(n)) if n > 0.0 => Reading::Value(s / n),
        (Reading::Unavailable(w), _) | (_, Reading::Unavailable(w)) => Reading::Unavailable(w),
        _ => Reading::NoData,
    };
    let mut out = vec![
        total(
            "invocations",
            MetricName::Invocations,
            "Sum",
            "sum",
            "Count",
            inv,
        ),
        total("errors", MetricName::Errors, "Sum", "sum", "Count", err),
        total(
            "error_pct",
            MetricName::Errors,
            "Sum",
            "errors / invocations × 100",
            "Percent",
            pct,
        ),
        total(
            "throttles",
            MetricName::Throttles,
            "Sum",
            "sum",
            "Count",
            read(MetricName::Throttles, Stat::Sum),
        ),
        total(
            "duration_avg_ms",
            MetricName::Duration,
            "Average",
            "Σ Sum / Σ SampleCount",
            "Milliseconds",
            avg,
        ),
        total(
            "duration_max_ms",
            MetricName::Duration,
            "Maximum",
            "max",
            "Milliseconds",
            read(MetricName::Duration, Stat::Maximum),
        ),
    ];
    for (name, stat) in [
        ("duration_p50_ms", Stat::P50),
        ("duration_p90_ms", Stat::P90),
        ("duration_p99_ms", Stat::P99),
    ] {
        out.push(total(
            name,
            MetricName::Duration,
            stat.as_str(),
            "worst period",
            "Milliseconds",
            read(MetricName::Duration, stat),
        ));
    }
    out.push(total(
        "concurrent_executions_max",
        MetricName::ConcurrentExecutions,
        "Maximum",
        "max",
        "Count",
        read(MetricName::ConcurrentExecutions, Stat::Maximum),
    ));
    out
}

fn status_text(s: &SeriesStatus) -> (&'static str, Option<String>) {
    match s {
        SeriesStatus::Ok => ("ok", None),
        SeriesStatus::PercentilesUnavailable => (
            "percentiles_unavailable",
            Some("the endpoint refuses percentile statistics".into()),
        ),
        SeriesStatus::Error(e) => ("error", Some(e.clone())),
    }
}

/// Renders `lambdash metrics` (JSON or text).
pub fn render_metrics(
    function: &str,
    qualifier: Option<&(QualifierKind, String)>,
    range: Duration,
    batch: &MetricsBatch,
    keys: &[SeriesKey],
    calls: u64,
    json: bool,
) -> Result<String, serde_json::Error> {
    let totals = totals(batch, keys);
    if json {
        let series: Vec<Value> = batch
            .results
            .iter()
            .map(|r| {
                let (status, message) = status_text(&r.status);
                json!({
                    "metric": r.series.key.metric.as_str(),
                    "statistic": r.series.key.stat.as_str(),
                    "unit": r.series.key.metric.unit(),
                    "period_s": r.series.period_s,
                    "status": status,
                    "message": message,
                    "timestamps": r.series.points.iter().map(|(t, _)| rfc3339(*t)).collect::<Vec<_>>(),
                    "values": r.series.points.iter().map(|(_, v)| *v).collect::<Vec<_>>(),
                })
            })
            .collect();
        let doc = json!({
            "function": function,
            "qualifier": qualifier.map(|(kind, v)| json!({"dimension": match kind {
                QualifierKind::Resource => "Resource",
                QualifierKind::ExecutedVersion => "ExecutedVersion",
            }, "value": v})),
            "range_s": range.as_secs(),
            "start": rfc3339(batch.start),
            "end": rfc3339(batch.end),
            "period_s": batch.period_s,
            "percentiles_unavailable": batch.percentiles_unavailable,
            "totals": totals,
            "series": series,
            "get_metric_data_calls": calls,
        });
        return super::output::json_pretty(&doc);
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{function}{}  {} → {}  period {}s",
        qualifier.map_or(String::new(), |(_, v)| format!(":{v}")),
        rfc3339(batch.start),
        rfc3339(batch.end),
        batch.period_s
    );
    for t in &totals {
        let value = match (t.value, &t.missing) {
            (Some(v), _) if t.unit == "Count" => format!("{v:.0}"),
            (Some(v), _) if t.unit == "Percent" => format!("{v:.2} %"),
            (Some(v), _) => format!("{v:.1} ms"),
            (None, Some(m)) => m.clone(),
            (None, None) => "-".to_string(),
        };
        let _ = writeln!(out, "  {:<26} {value}", t.name);
    }
    // The series side by side, one row per period that has any datapoint.
    let mut rows: BTreeMap<DateTime<Utc>, Vec<Option<f64>>> = BTreeMap::new();
    let shown: Vec<_> = batch
        .results
        .iter()
        .filter(|r| r.status == SeriesStatus::Ok)
        .collect();
    for (i, r) in shown.iter().enumerate() {
        for (t, v) in &r.series.points {
            rows.entry(*t).or_insert_with(|| vec![None; shown.len()])[i] = Some(*v);
        }
    }
    if !rows.is_empty() {
        let _ = write!(out, "\n  {:<20}", "time");
        for r in &shown {
            let metric = match r.series.key.metric {
                MetricName::Invocations => "inv",
                MetricName::Errors => "err",
                MetricName::Throttles => "thr",
                MetricName::Duration => "dur",
                MetricName::ConcurrentExecutions => "conc",
                other => other.as_str(),
            };
            let head = format!("{metric}:{}", r.series.key.stat.as_str());
            let _ = write!(out, " {head:>14}");
        }
        out.push('\n');
        for (t, values) in rows {
            let _ = write!(out, "  {:<20}", rfc3339(t));
            for v in values {
                let _ = write!(
                    out,
                    " {:>14}",
                    v.map_or("-".to_string(), |v| format!("{v:.2}"))
                );
            }
            out.push('\n');
        }
    }
    Ok(out)
}

pub async fn run_metrics(clients: &Clients, args: MetricsArgs) -> ExitCode {
    let range = match parse_since(&args.since) {
        Ok(d) => d,
        Err(e) => return super::usage_error(&e),
    };
    match clients
        .lambda
        .get_function_configuration()
        .function_name(&args.function)
        .send()
        .await
    {
        Ok(_) => {}
        Err(e) => {
            let err = crate::aws::classify(&e, "GetFunctionConfiguration", &clients.profile);
            if err.is_not_found() {
                return super::usage_error(&crate::aws::function_not_found(
                    &args.function,
                    &clients.region,
                ));
            }
            return super::aws_error(&err);
        }
    }
    let qualifier = match (args.alias.clone(), args.version.clone()) {
        (Some(a), Some(v)) => Some((QualifierKind::ExecutedVersion, format!("{a}:{v}"))),
        (Some(a), None) => Some((QualifierKind::Resource, a)),
        (None, Some(v)) => Some((QualifierKind::Resource, v)),
        (None, None) => None,
    };
    let keys = detail_series(&args.function, qualifier.as_ref(), false, false, false);
    let support = PercentileSupport::default();
    let batch = match clients
        .get_metrics(&keys, range, period_for(range), Utc::now(), &support)
        .await
    {
        Ok(b) => b,
        Err(e) => return super::aws_error(&e),
    };
    let calls = gmd_calls(clients);
    let text = match render_metrics(
        &args.function,
        qualifier.as_ref(),
        range,
        &batch,
        &keys,
        calls,
        args.json,
    ) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: encoding JSON: {e}");
            return ExitCode::from(super::EXIT_AWS);
        }
    };
    if !args.json {
        errln!("GetMetricData calls: {calls}");
    }
    write_out(&text)
}

/// Renders `lambdash cost` (JSON or text).
fn render_cost(
    report: &CostReport,
    unestimated: &[Unestimated],
    batch: &MetricsBatch,
    region: &str,
    calls: u64,
    json: bool,
    escape: bool,
) -> Result<String, serde_json::Error> {
    if json {
        return cost_json(report, unestimated, batch, region, calls);
    }
    Ok(cost_text(report, unestimated, batch, region, escape))
}

/// `lambdash cost --json`.
fn cost_json(
    report: &CostReport,
    unestimated: &[Unestimated],
    batch: &MetricsBatch,
    region: &str,
    calls: u64,
) -> Result<String, serde_json::Error> {
    let rows: Vec<Value> = report
        .rows
        .iter()
        .map(|r| {
            json!({
                "function": r.function,
                "architecture": r.architecture,
                "memory_mb": r.memory_mb,
                "invocations": r.invocations,
                "gb_seconds": r.gb_seconds,
                "usd_per_gb_s": r.usd_per_gb_s,
                "request_cost_usd": r.request_cost_usd,
                "duration_cost_usd": r.duration_cost_usd,
                "ephemeral_cost_usd": r.ephemeral_cost_usd,
                "total_usd": r.total_usd,
                "projected_monthly_usd": r.projected_monthly_usd,
            })
        })
        .collect();
    let sum = |f: fn(&crate::domain::metrics::CostEstimate) -> f64| -> f64 {
        report.rows.iter().map(f).sum()
    };
    let doc = json!({
        "region": region,
        "range_s": report.range_s,
        "start": rfc3339(batch.start),
        "end": rfc3339(batch.end),
        "estimate": "lower bound",
        "prices_source": report.prices_source,
        "functions": rows,
        "total": {
            "invocations": report.invocations,
            "gb_seconds": report.gb_seconds,
            "request_cost_usd": sum(|r| r.request_cost_usd),
            "duration_cost_usd": sum(|r| r.duration_cost_usd),
            "ephemeral_cost_usd": sum(|r| r.ephemeral_cost_usd),
            "total_usd": report.total_usd,
            "projected_monthly_usd": report.projected_monthly_usd,
        },
        "monthly_gb_s_by_architecture": report.monthly_gb_s_by_architecture,
        "unestimated": unestimated,
        "notes": report.notes,
        "get_metric_data_calls": calls,
    });
    super::output::json_pretty(&doc)
}

/// `lambdash cost` as a table.
fn cost_text(
    report: &CostReport,
    unestimated: &[Unestimated],
    batch: &MetricsBatch,
    region: &str,
    escape: bool,
) -> String {
    let sum = |f: fn(&crate::domain::metrics::CostEstimate) -> f64| -> f64 {
        report.rows.iter().map(f).sum()
    };
    let clean = |s: &str| {
        if escape {
            sanitize(s).into_owned()
        } else {
            s.to_string()
        }
    };
    let width = report
        .rows
        .iter()
        .map(|r| r.function.chars().count())
        .max()
        .unwrap_or(8)
        .max(8);
    let usd = crate::ui::format::usd;
    let mut out = format!(
        "{:<width$}  {:<7} {:>6} {:>12} {:>14} {:>10} {:>10} {:>10} {:>10} {:>14}\n",
        "FUNCTION",
        "ARCH",
        "MEMORY",
        "INVOCATIONS",
        "GB-SECONDS",
        "REQUESTS",
        "DURATION",
        "STORAGE",
        "TOTAL",
        "MONTHLY(PROJ)"
    );
    for r in &report.rows {
        let _ = writeln!(
            out,
            "{:<width$}  {:<7} {:>6} {:>12.0} {:>14.3} {:>10} {:>10} {:>10} {:>10} {:>14}",
            clean(&r.function),
            r.architecture,
            format!("{}MB", r.memory_mb),
            r.invocations,
            r.gb_seconds,
            usd(r.request_cost_usd),
            usd(r.duration_cost_usd),
            usd(r.ephemeral_cost_usd),
            usd(r.total_usd),
            usd(r.projected_monthly_usd),
        );
    }
    let _ = writeln!(
        out,
        "{:<width$}  {:<7} {:>6} {:>12.0} {:>14.3} {:>10} {:>10} {:>10} {:>10} {:>14}",
        "TOTAL",
        "",
        "",
        report.invocations,
        report.gb_seconds,
        usd(sum(|r| r.request_cost_usd)),
        usd(sum(|r| r.duration_cost_usd)),
        usd(sum(|r| r.ephemeral_cost_usd)),
        usd(report.total_usd),
        usd(report.projected_monthly_usd),
    );
    for u in unestimated {
        let _ = writeln!(
            out,
            "not estimated: {}: {}",
            clean(&u.function),
            clean(&u.reason)
        );
    }
    let _ = writeln!(
        out,
        "\n{region}, {} → {}, prices: {}",
        rfc3339(batch.start),
        rfc3339(batch.end),
        report.prices_source
    );
    for n in &report.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

pub async fn run_cost(clients: &Clients, args: CostArgs) -> ExitCode {
    let range = match parse_since(&args.since) {
        Ok(d) => d,
        Err(e) => return super::usage_error(&e),
    };
    let prices = match Prices::load(
        &clients.region,
        crate::config::config_dir()
            .map(|d| d.join("prices"))
            .as_deref(),
    ) {
        Ok(p) => p,
        Err(e) => return super::usage_error(&e.to_string()),
    };
    let functions = match clients.list_functions_with_storage().await {
        Ok(f) => f,
        Err(e) => return super::aws_error(&e),
    };
    let keys: Vec<SeriesKey> = functions
        .iter()
        .flat_map(|(f, _)| cost_series(&f.name))
        .collect();
    let batch = match clients
        .get_metrics(
            &keys,
            range,
            period_for(range),
            Utc::now(),
            &PercentileSupport::default(),
        )
        .await
    {
        Ok(b) => b,
        Err(e) => return super::aws_error(&e),
    };
    let (inputs, unestimated) = cost_inputs(&functions, &batch);
    let report = estimate_costs(&inputs, range, &prices);
    let calls = gmd_calls(clients);
    let text = match render_cost(
        &report,
        &unestimated,
        &batch,
        &clients.region,
        calls,
        args.json,
        super::output::escape(),
    ) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: encoding JSON: {e}");
            return ExitCode::from(super::EXIT_AWS);
        }
    };
    if !args.json {
        errln!("GetMetricData calls: {calls}");
    }
    write_out(&text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::metrics::cost::CostInput;

    fn function(name: &str, memory_mb: i32) -> crate::domain::Function {
        crate::domain::Function {
            name: name.into(),
            arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"),
            runtime: Some("python3.12".into()),
            architecture: "x86_64".into(),
            memory_mb,
            timeout_s: 30,
            last_modified: None,
            state: None,
            code_size_bytes: 0,
            package_type: "Zip".into(),
            log_group: None,
            dead_letter_target: None,
        }
    }

    #[test]
    fn cost_table_splits_storage_from_duration_and_says_how_tiers_apply() {
        let prices = Prices::load("us-east-1", None).unwrap();
        let inputs = vec![CostInput {
            function: function("nightly-report", 10_240),
            invocations: 1_000_000.0,
            sum_duration_ms: 360_000_000.0,
            ephemeral_storage_mb: Some(10_240),
        }];
        let report = estimate_costs(&inputs, Duration::from_hours(1), &prices);
        let r = &report.rows[0];
        assert!(r.ephemeral_cost_usd > 0.0);
        let batch = MetricsBatch {
            start: Utc::now(),
            end: Utc::now(),
            period_s: 60,
            results: Vec::new(),
            calls: 1,
            metrics_requested: 2,
            percentiles_unavailable: false,
        };
        let text = render_cost(&report, &[], &batch, "us-east-1", 1, false, true).unwrap();
        let header = text.lines().next().unwrap();
        assert!(
            header.contains("DURATION") && header.contains("STORAGE"),
            "{text}"
        );
        let row = text.lines().nth(1).unwrap();
        let usd = crate::ui::format::usd;
        // DURATION is the GB-seconds alone, STORAGE the ephemeral storage, in the pane's precision.
        let cells: Vec<&str> = row.split_whitespace().collect();
        assert!(cells.contains(&usd(r.duration_cost_usd).as_str()), "{row}");
        assert!(cells.contains(&usd(r.ephemeral_cost_usd).as_str()), "{row}");
        assert!(
            !cells.contains(&usd(r.duration_cost_usd + r.ephemeral_cost_usd).as_str()),
            "{row}"
        );
        assert!(
            text.contains(crate::domain::metrics::cost::TIERS_NOTE),
            "the same words as the pane: {text}"
        );
    }
}
