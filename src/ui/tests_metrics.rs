//! Snapshots of the metrics and cost panes: ready, loading, percentiles unavailable, comparing, error
//! with stale data, empty.

use chrono::{DateTime, Duration as TD, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::draw;
use crate::app::cost::CostData;
use crate::app::msg::PaneContext;
use crate::app::test_support::{alarm, function, loaded, t0};
use crate::app::{App, Cmd, Msg};
use crate::domain::alias::{Alias, AliasState};
use crate::domain::metrics::cost::{CostInput, Prices, Unestimated, estimate_costs};
use crate::domain::metrics::{
    MetricName, MetricSeries, MetricsBatch, MetricsRange, QualifierKind, SeriesKey, SeriesResult,
    SeriesStatus, Stat,
};

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

/// One point a minute over the hour before `end`, `f(minute)`.
fn series(key: SeriesKey, end: DateTime<Utc>, f: impl Fn(i64) -> f64) -> SeriesResult {
    let start = end - TD::hours(1);
    SeriesResult {
        series: MetricSeries {
            key,
            period_s: 60,
            points: (0..60).map(|m| (start + TD::minutes(m), f(m))).collect(),
        },
        status: SeriesStatus::Ok,
    }
}

fn refused(key: SeriesKey) -> SeriesResult {
    SeriesResult {
        series: MetricSeries {
            key,
            period_s: 60,
            points: Vec::new(),
        },
        status: SeriesStatus::PercentilesUnavailable,
    }
}

/// A believable hour of `orders-api`: steady traffic, an error burst from minute 40, durations
/// climbing towards the timeout; percentiles refused when `percentiles` is false.
fn hour(q: Option<&(QualifierKind, String)>, percentiles: bool, scale: f64) -> Vec<SeriesResult> {
    let end = t0();
    let k = |m, s| {
        let k = SeriesKey::new("orders-api", m, s);
        match q {
            Some((QualifierKind::Resource, a)) => k.for_alias(a.clone()),
            Some((QualifierKind::ExecutedVersion, v)) => SeriesKey {
                qualifier: Some((QualifierKind::ExecutedVersion, v.clone())),
                ..k
            },
            None => k,
        }
    };
    let mut out = vec![
        series(k(MetricName::Invocations, Stat::Sum), end, |m| {
            (80.0 + (m % 7) as f64 * 6.0) * scale
        }),
        series(k(MetricName::Errors, Stat::Sum), end, |m| {
            if m >= 40 {
                (m - 38) as f64 * scale
            } else {
                0.0
            }
        }),
        series(k(MetricName::Throttles, Stat::Sum), end, |_| 0.0),
        series(k(MetricName::Duration, Stat::Average), end, |m| {
            180.0 + m as f64 * 40.0 * scale
        }),
        series(k(MetricName::Duration, Stat::Maximum), end, |m| {
            400.0 + m as f64 * 400.0 * scale
        }),
        series(k(MetricName::Duration, Stat::Sum), end, |m| {
            (80.0 + (m % 7) as f64 * 6.0) * (180.0 + m as f64 * 40.0)
        }),
        series(k(MetricName::Duration, Stat::SampleCount), end, |m| {
            80.0 + (m % 7) as f64 * 6.0
        }),
        series(
            k(MetricName::ConcurrentExecutions, Stat::Maximum),
            end,
            |m| 3.0 + (m / 10) as f64,
        ),
    ];
    for s in [Stat::P50, Stat::P90, Stat::P99] {
        if percentiles {
            out.push(series(k(MetricName::Duration, s), end, |m| {
                200.0 + m as f64 * 300.0 * scale
            }));
        } else {
            out.push(refused(k(MetricName::Duration, s)));
        }
    }
    out
}

fn batch(results: Vec<SeriesResult>, percentiles_unavailable: bool) -> MetricsBatch {
    MetricsBatch {
        start: t0() - TD::hours(1),
        end: t0(),
        period_s: 60,
        results,
        calls: 1,
        metrics_requested: 17,
        percentiles_unavailable,
    }
}

fn canary() -> Alias {
    let mut state = AliasState::plain("6");
    state.weights.insert("7".into(), 0.1);
    Alias {
        name: "live".into(),
        description: String::new(),
        state,
        revision_id: None,
        arn: "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live".into(),
    }
}

/// The request id of the metrics pane's fetch among `cmds`.
fn pane_request(cmds: &[Cmd]) -> u64 {
    cmds.iter()
        .find_map(|c| match c {
            Cmd::FetchPaneMetrics { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap()
}

/// The metrics pane of `orders-api` opened from the functions pane; answered unless `answer` is None.
fn metrics_app(answer: Option<MetricsBatch>) -> (App, u64) {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = key(&mut app, KeyCode::Char('m'));
    let request = pane_request(&cmds);
    if let Some(batch) = answer {
        let mut high_duration = alarm(
            "orders-api-slow",
            crate::domain::alarm::AlarmState::Ok,
            "orders-api",
        );
        high_duration.metric = Some("Duration".into());
        high_duration.statistic = Some("Maximum".into());
        high_duration.threshold = Some(20_000.0);
        app.update(Msg::PaneMetrics {
            generation: 1,
            request,
            result: Ok(Box::new(batch)),
            context: Some(Box::new(PaneContext {
                alarms: Ok(vec![
                    alarm(
                        "orders-api-errors",
                        crate::domain::alarm::AlarmState::Alarm,
                        "orders-api",
                    ),
                    high_duration,
                ]),
                aliases: Ok(vec![canary()]),
            })),
            now: t0(),
        });
    }
    (app, request)
}

#[test]
fn metrics_ready() {
    let (mut app, _) = metrics_app(Some(batch(hour(None, true, 1.0), false)));
    let screen = draw(&mut app, 140, 40);
    assert!(screen.contains("timeout 30.0 s"), "{screen}");
    assert!(
        screen.contains("alarm orders-api-errors (Sum 5)"),
        "{screen}"
    );
    assert!(screen.contains("p99"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn metrics_loading() {
    let (mut app, _) = metrics_app(None);
    let screen = draw(&mut app, 100, 16);
    assert!(screen.contains("loading metrics"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn metrics_percentiles_unavailable() {
    let (mut app, _) = metrics_app(Some(batch(hour(None, false, 1.0), true)));
    let screen = draw(&mut app, 140, 40);
    assert!(
        screen.contains("percentiles unavailable from this endpoint"),
        "{screen}"
    );
    assert!(
        screen.contains("p99 unavailable from this endpoint: max shown"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn metrics_error_keeps_stale_charts() {
    let (mut app, _) = metrics_app(Some(batch(hour(None, false, 1.0), true)));
    let cmds = key(&mut app, KeyCode::Char('r'));
    let request = pane_request(&cmds);
    app.update(Msg::PaneMetrics {
        generation: 1,
        request,
        result: Err("ThrottlingException: Rate exceeded".into()),
        context: None,
        now: t0() + TD::seconds(20),
    });
    app.update(Msg::Tick {
        now: t0() + TD::seconds(25),
        api_calls_total: 0,
    });
    let screen = draw(&mut app, 140, 40);
    assert!(screen.contains("STALE"), "{screen}");
    assert!(screen.contains("Invocations per 1 min"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn metrics_comparing_a_canary_s_versions() {
    let (mut app, _) = metrics_app(Some(batch(hour(None, false, 1.0), true)));
    let cmds = key(&mut app, KeyCode::Char('c'));
    let request = pane_request(&cmds);
    let mut results = hour(None, false, 1.0);
    results.extend(hour(
        Some(&(QualifierKind::ExecutedVersion, "live:6".into())),
        false,
        0.9,
    ));
    results.extend(hour(
        Some(&(QualifierKind::ExecutedVersion, "live:7".into())),
        false,
        0.1,
    ));
    app.update(Msg::PaneMetrics {
        generation: 1,
        request,
        result: Ok(Box::new(batch(results, true))),
        context: None,
        now: t0(),
    });
    let screen = draw(&mut app, 140, 30);
    assert!(screen.contains("v6 sum"), "{screen}");
    assert!(screen.contains("v7 max"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn metrics_small_terminals_do_not_panic() {
    let (mut app, _) = metrics_app(Some(batch(hour(None, true, 1.0), false)));
    for (w, h) in [(0, 0), (1, 1), (20, 5), (60, 12), (99, 20)] {
        draw(&mut app, w, h);
    }
}

fn cost_data() -> CostData {
    let prices = Prices::load("us-east-1", None).unwrap();
    let mut arm = function("thumbnail-resizer", "nodejs20.x", 2048);
    arm.architecture = "arm64".into();
    let inputs = vec![
        CostInput {
            function: function("orders-api", "python3.12", 1024),
            invocations: 310_000.0,
            sum_duration_ms: 62_000_000.0,
            ephemeral_storage_mb: None,
        },
        CostInput {
            function: arm,
            invocations: 12_000.0,
            sum_duration_ms: 18_000_000.0,
            ephemeral_storage_mb: Some(2048),
        },
        CostInput {
            function: function("nightly-report", "python3.9", 10_240),
            invocations: 1.0,
            sum_duration_ms: 290_000.0,
            ephemeral_storage_mb: None,
        },
    ];
    CostData {
        report: estimate_costs(&inputs, MetricsRange::H1.duration(), &prices),
        unestimated: vec![Unestimated {
            function: "legacy-importer".into(),
            reason: "no data".into(),
        }],
        calls: 1,
        metrics_requested: 8,
    }
}

fn cost_app() -> (App, u64) {
    let mut app = loaded(&["orders-api", "thumbnail-resizer", "nightly-report"]);
    let cmds = key(&mut app, KeyCode::Char('$'));
    let request = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::FetchCost { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    (app, request)
}

#[test]
fn cost_ready_sorted_with_the_total_in_the_title() {
    let (mut app, request) = cost_app();
    app.update(Msg::Cost {
        generation: 1,
        request,
        result: Ok(Box::new(cost_data())),
        now: t0(),
    });
    let screen = draw(&mut app, 120, 14);
    assert!(screen.contains("total $"), "{screen}");
    assert!(screen.contains("lower bound"), "{screen}");
    let orders = screen.find("orders-api").unwrap();
    let nightly = screen.find("nightly-report").unwrap();
    assert!(orders < nightly, "most expensive first: {screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn cost_loading() {
    let (mut app, _) = cost_app();
    let screen = draw(&mut app, 100, 8);
    assert!(screen.contains("reading every function"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn cost_error_without_data() {
    let (mut app, request) = cost_app();
    app.update(Msg::Cost {
        generation: 1,
        request,
        result: Err("AccessDenied: not authorized to perform cloudwatch:GetMetricData".into()),
        now: t0(),
    });
    let screen = draw(&mut app, 100, 8);
    assert!(screen.contains("could not be made"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn cost_empty_range() {
    let (mut app, request) = cost_app();
    let prices = Prices::load("us-east-1", None).unwrap();
    app.update(Msg::Cost {
        generation: 1,
        request,
        result: Ok(Box::new(CostData {
            report: estimate_costs(&[], MetricsRange::H1.duration(), &prices),
            unestimated: Vec::new(),
            calls: 1,
            metrics_requested: 0,
        })),
        now: t0(),
    });
    let screen = draw(&mut app, 100, 8);
    assert!(screen.contains("No function had invocations"), "{screen}");
    insta::assert_snapshot!(screen);
}
