//! Snapshots of what issue 16 fixed: the functions pane during the demo's incident (worst first,
//! severity flags with counts, ERR% by threshold), a chart whose last period was still filling, an
//! all-zero series, a count axis, the header at 80×24, cut names ending in "…", a wrapped flash.

use chrono::{DateTime, Duration as TD, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::draw;
use crate::app::msg::PaneContext;
use crate::app::test_support::{alarm, app, function, t0};
use crate::app::{AlarmsMsg, App, Flash, FlashLevel, FunctionsMsg, Msg, SortColumn};
use crate::domain::Function;
use crate::domain::alarm::AlarmState;
use crate::domain::metrics::{
    MetricName, MetricSeries, MetricsBatch, SeriesKey, SeriesResult, SeriesStatus, Stat,
    row_series, window,
};

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

/// An app connected and showing `functions`.
fn showing(functions: Vec<Function>) -> App {
    let mut app = app();
    app.update(Msg::Connected {
        generation: 1,
        profile: "demo".into(),
        region: "us-east-1".into(),
    });
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 1,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 1,
        page: functions,
    }));
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 1,
        result: Ok(0),
        now: t0(),
    }));
    app
}

fn with_timeout(mut f: Function, timeout_s: i32) -> Function {
    f.timeout_s = timeout_s;
    f
}

/// Per-minute points over the hour before `end`: `per_min(minute)`.
fn minutes(key: SeriesKey, end: DateTime<Utc>, per_min: impl Fn(i64) -> f64) -> SeriesResult {
    SeriesResult {
        series: MetricSeries {
            key,
            period_s: 60,
            points: (0..60)
                .map(|m| (end - TD::hours(1) + TD::minutes(m), per_min(m)))
                .collect(),
        },
        status: SeriesStatus::Ok,
    }
}

/// A function's invocations a minute, errors by minute, and max duration (ms).
type IncidentRow = (&'static str, f64, fn(i64) -> f64, f64);

/// Row metrics like the demo's incident: payments-webhook 18 % errors (43 % lately) and at its
/// 10 s timeout; cart-service fine but its alarm fires; orders-api 0.1 % errors; email-sender 2 %.
fn incident_batch() -> MetricsBatch {
    let end = t0();
    let mut results = Vec::new();
    let rows: [IncidentRow; 5] = [
        (
            "payments-webhook",
            18.0,
            |m| if m >= 45 { 7.7 } else { 2.0 },
            10_000.0,
        ),
        ("cart-service", 36.0, |_| 0.0, 240.0),
        (
            "orders-api",
            42.0,
            |m| if m % 24 == 0 { 1.0 } else { 0.0 },
            180.0,
        ),
        (
            "email-sender",
            9.0,
            |m| if m % 6 == 0 { 1.0 } else { 0.0 },
            400.0,
        ),
        ("thumbnail-resizer", 30.0, |_| 0.0, 900.0),
    ];
    for (name, per_min, errors, max_ms) in rows {
        let [inv, err, thr, p99] = row_series(name);
        results.push(minutes(inv, end, |_| per_min));
        results.push(minutes(err, end, errors));
        results.push(minutes(thr, end, |_| 0.0));
        results.push(SeriesResult {
            series: MetricSeries {
                key: p99.clone(),
                period_s: 60,
                points: Vec::new(),
            },
            status: SeriesStatus::PercentilesUnavailable,
        });
        results.push(minutes(p99.with_stat(Stat::Maximum), end, |_| max_ms));
    }
    MetricsBatch {
        start: end - TD::hours(1),
        end,
        period_s: 60,
        results,
        calls: 1,
        metrics_requested: 20,
        percentiles_unavailable: true,
    }
}

fn incident_app() -> App {
    let mut app = showing(vec![
        function("cart-service", "python3.12", 512),
        function("email-sender", "python3.12", 256),
        function("orders-api", "python3.12", 512),
        with_timeout(function("payments-webhook", "nodejs20.x", 256), 10),
        function("thumbnail-resizer", "nodejs20.x", 1024),
        function("legacy-billing-export", "python3.8", 512),
    ]);
    app.update(Msg::Alarms(AlarmsMsg::Firing {
        generation: 1,
        result: Ok(vec![
            alarm("cart-service-errors", AlarmState::Alarm, "cart-service"),
            alarm(
                "payments-webhook-errors",
                AlarmState::Alarm,
                "payments-webhook",
            ),
        ]),
        now: t0(),
    }));
    app.update(Msg::Tick {
        now: t0(),
        api_calls_total: 0,
    });
    app.update(Msg::Functions(FunctionsMsg::RowMetrics {
        generation: 1,
        request: 1,
        result: Ok(Box::new(incident_batch())),
        now: t0(),
    }));
    // The selection followed its function (the first row in name order) through the re-sort: go to
    // the top, the worst.
    key(&mut app, KeyCode::Char('g'));
    app
}

#[test]
fn functions_pane_during_the_demo_incident_is_worst_first() {
    let mut app = incident_app();
    assert_eq!(
        app.functions.sort,
        SortColumn::Health,
        "worst first by default"
    );
    let screen = draw(&mut app, 150, 14);
    let row = |name: &str| {
        screen
            .lines()
            .position(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} in {screen}"))
    };
    assert!(row("payments-webhook") < row("cart-service"), "{screen}");
    assert!(row("cart-service") < row("email-sender"), "{screen}");
    assert!(
        row("email-sender") < row("legacy-billing-export"),
        "{screen}"
    );
    assert!(row("legacy-billing-export") < row("orders-api"), "{screen}");
    assert!(
        screen.contains("ALARM+2"),
        "alarm, errors, timeout: {screen}"
    );
    assert!(
        !screen.contains("SLOW"),
        "at its timeout it is TIMEOUT: {screen}"
    );
    // The selection's reason line lists every flag.
    assert!(
        screen.contains("alarm payments-webhook-errors is in ALARM"),
        "{screen}"
    );
    assert!(screen.contains("reaches the 10 s timeout"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn every_metric_column_sorts_and_worst_first_is_one_key_away() {
    let mut app = incident_app();
    let names =
        |app: &App| -> Vec<String> { app.functions.rows().map(|f| f.name.clone()).collect() };
    while app.functions.sort != SortColumn::ErrorPct {
        key(&mut app, KeyCode::Char('s'));
    }
    let by_err = names(&app);
    assert_eq!(by_err[0], "payments-webhook");
    assert_eq!(by_err[1], "email-sender");
    assert_eq!(
        by_err.last().map(String::as_str),
        Some("legacy-billing-export"),
        "no metrics: last"
    );
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.functions.sort, SortColumn::Duration);
    assert_eq!(names(&app)[0], "payments-webhook");
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(names(&app)[0], "orders-api", "reversed: shortest first");
    key(&mut app, KeyCode::Char('!'));
    assert_eq!(app.functions.sort, SortColumn::Health);
    assert!(!app.functions.descending);
    assert_eq!(names(&app)[0], "payments-webhook");
}

#[test]
fn a_metric_sort_fetches_every_row_not_only_those_on_screen() {
    let names: Vec<String> = (0..50).map(|i| format!("fn-{i:02}")).collect();
    let mut app = showing(
        names
            .iter()
            .map(|n| function(n, "python3.12", 128))
            .collect(),
    );
    app.layout.table_body = ratatui::layout::Rect::new(0, 3, 80, 10);
    let cmds = app.update(Msg::Tick {
        now: t0() + TD::seconds(1),
        api_calls_total: 0,
    });
    let [crate::app::Cmd::FetchRowMetrics { functions, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(functions.len(), 50, "worst first must see every function");
}

/// A metrics pane of `orders-api` over the hour ending at the last complete period before `now`,
/// from points up to `now` (the last minutes still filling, nearly empty) as an endpoint might
/// answer: the batch drops what is not over.
fn pane_with_partial_periods(now: DateTime<Utc>, invocations: impl Fn(i64) -> f64) -> App {
    let (start, end) = window(std::time::Duration::from_hours(1), 60, now);
    let k = |m, s| SeriesKey::new("orders-api", m, s);
    let upto = (now - start).num_minutes() + 1;
    let series = |key: SeriesKey, f: &dyn Fn(i64) -> f64| SeriesResult {
        series: MetricSeries {
            key,
            period_s: 60,
            points: (0..upto).map(|m| (start + TD::minutes(m), f(m))).collect(),
        },
        status: SeriesStatus::Ok,
    };
    let filling = |m: i64| start + TD::minutes(m) >= end;
    let inv = |m: i64| if filling(m) { 1.0 } else { invocations(m) };
    let mut batch = MetricsBatch {
        start,
        end,
        period_s: 60,
        results: vec![
            series(k(MetricName::Invocations, Stat::Sum), &inv),
            series(k(MetricName::Errors, Stat::Sum), &|_| 0.0),
            series(k(MetricName::Throttles, Stat::Sum), &|_| 0.0),
            series(k(MetricName::Duration, Stat::Average), &|m| {
                if filling(m) {
                    5.0
                } else {
                    200.0 + (m % 5) as f64 * 10.0
                }
            }),
        ],
        calls: 1,
        metrics_requested: 4,
        percentiles_unavailable: false,
    };
    batch.drop_incomplete();
    let mut app = showing(vec![function("orders-api", "python3.12", 512)]);
    key(&mut app, KeyCode::Char('m'));
    let request = app.metrics.as_ref().map_or(0, |m| m.request);
    app.update(Msg::PaneMetrics {
        generation: 1,
        request,
        result: Ok(Box::new(batch)),
        context: Some(Box::new(PaneContext {
            alarms: Ok(vec![]),
            aliases: Ok(vec![]),
        })),
        now,
    });
    app
}

#[test]
fn a_chart_ends_at_the_last_complete_period_and_never_drops_to_the_filling_one() {
    // 17:00:30: 17:00 is filling and 16:59 may still be ingesting; the window ends at 16:58.
    let now = t0() + TD::seconds(30);
    let mut app = pane_with_partial_periods(now, |m| 40.0 + (m % 3) as f64);
    let screen = draw(&mut app, 100, 30);
    let axis = screen
        .lines()
        .find(|l| l.contains("15:58"))
        .unwrap_or_else(|| panic!("a time axis from 15:58: {screen}"));
    assert!(
        axis.trim_end()
            .trim_end_matches('│')
            .trim_end()
            .ends_with("16:58"),
        "the axis ends at the last complete period, not at the clock: {axis}"
    );
    // The totals count 60 complete minutes, none of the filling ones (1 each).
    let total: f64 = (0..60).map(|m| 40.0 + f64::from(m % 3)).sum();
    assert!(
        screen.contains(&format!("invocations {total:.0}")),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn an_all_zero_series_says_none_in_range_and_count_axes_are_whole() {
    let now = t0() + TD::seconds(30);
    // Two or three invocations a minute: a count axis of 0, 1, 2, 3 — never 1.1 / 0.6.
    let mut app = pane_with_partial_periods(now, |m| 2.0 + (m % 2) as f64);
    let screen = draw(&mut app, 100, 30);
    assert!(
        screen.contains("none in range"),
        "errors and throttles: {screen}"
    );
    assert!(
        !screen.contains(".5") && !screen.contains("1.1"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn count_axes_step_by_1_2_or_5_times_a_power_of_ten() {
    use super::metrics::count_axis;
    assert_eq!(count_axis(0.0), (1.0, 1.0));
    assert_eq!(count_axis(1.0), (1.0, 1.0));
    assert_eq!(count_axis(3.0), (3.0, 1.0));
    assert_eq!(count_axis(7.0), (8.0, 2.0));
    assert_eq!(count_axis(17.0), (20.0, 5.0));
    assert_eq!(count_axis(86.0), (100.0, 50.0));
    assert_eq!(count_axis(4321.0), (6000.0, 2000.0));
}

#[test]
fn header_at_80_columns_keeps_the_alarm_count_and_the_clock() {
    let mut app = incident_app();
    app.read_only = true;
    app.endpoint_url = Some("http://127.0.0.1:49152".into());
    let screen = draw(&mut app, 80, 24);
    let header = screen.lines().next().unwrap_or_default().to_string();
    assert!(header.contains("ALARM 2"), "{header}");
    assert!(header.contains("17:00:00 UTC"), "{header}");
    assert!(header.contains("READ-ONLY"), "{header}");
    assert!(
        !header.contains("endpoint"),
        "the least important field goes first: {header}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn cut_alarm_names_end_in_an_ellipsis() {
    let mut app = showing(vec![function("payments-webhook", "python3.12", 256)]);
    key(&mut app, KeyCode::Char('A'));
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Ok(vec![
            alarm(
                "payments-webhook-errors-above-five-percent",
                AlarmState::Alarm,
                "payments-webhook",
            ),
            alarm(
                "payments-webhook-duration-near-timeout",
                AlarmState::Ok,
                "payments-webhook",
            ),
        ]),
        now: t0(),
    }));
    let screen = draw(&mut app, 80, 10);
    assert!(screen.contains('…'), "{screen}");
    assert!(
        !screen.contains("payments-web "),
        "never cut silently: {screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn a_long_flash_wraps_at_words_instead_of_being_cut() {
    let mut app = incident_app();
    app.flash = Some(Flash {
        text: "redrive of payments-webhook-failures finished: 10 message(s) moved, 2 message(s) waiting in the queue could not be sent (AccessDenied: not authorized to perform sqs:SendMessage)".into(),
        level: FlashLevel::Error,
        until: t0() + TD::seconds(6),
    });
    let screen = draw(&mut app, 80, 24);
    assert!(
        screen.contains("sqs:SendMessage)"),
        "the end of the message shows: {screen}"
    );
    assert!(screen.contains("waiting in"), "{screen}");
    insta::assert_snapshot!(screen);
}
