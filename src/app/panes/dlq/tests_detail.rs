//! A peeked message's detail (which message, scrolling, moving only with `]` / `[`, actions on the
//! message shown) and redrive safety (the default rate, the failing-target warning).

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::dlq::{DEFAULT_RATE, DryRun};
use crate::app::test_support::{dlq_message, peeked, redrive_plan, t0, with_dlqs};
use crate::app::{AlarmsMsg, App, Cmd, DlqCmd, DlqMsg, LogsCmd, Mode, Msg, ScrollBounds};
use crate::domain::alarm::{Alarm, AlarmState};
use crate::domain::metrics::{
    MetricName, MetricSeries, MetricsBatch, SeriesKey, SeriesResult, SeriesStatus, Stat,
};
use crate::writes::{DlqWrite, Write};

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Vec<Cmd> {
    key(app, KeyCode::Char(c))
}

/// The DLQ pane with three messages peeked from orders-dlq, the second one's detail open.
fn detail_of_the_second() -> App {
    let mut app = with_dlqs();
    peeked(
        &mut app,
        vec![
            dlq_message("m-1", r#"{"order":1}"#),
            dlq_message("m-2", r#"{"order":2}"#),
            dlq_message("m-3", r#"{"order":3}"#),
        ],
    );
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    app
}

fn shown(app: &App) -> String {
    let peek = app.dlq.peek.as_ref().unwrap();
    assert!(peek.detail, "the detail is open");
    peek.selected_message().unwrap().message_id.clone()
}

#[test]
fn message_detail_keeps_the_message_unless_next_or_previous_is_pressed() {
    let mut app = detail_of_the_second();
    app.layout.scroll = Some(ScrollBounds { max: 40, page: 12 });
    assert_eq!(shown(&app), "m-2");
    assert_eq!(app.dlq.peek.as_ref().unwrap().position(), (2, 3));
    for code in [
        KeyCode::Char('j'),
        KeyCode::Char('k'),
        KeyCode::PageDown,
        KeyCode::PageUp,
        KeyCode::Char('G'),
        KeyCode::End,
        KeyCode::Char('g'),
        KeyCode::Home,
    ] {
        key(&mut app, code);
        assert_eq!(shown(&app), "m-2", "{code:?} changed the message");
    }
    ch(&mut app, ']');
    assert_eq!(shown(&app), "m-3");
    assert_eq!(
        app.dlq.peek.as_ref().unwrap().scroll,
        0,
        "a new message starts at its top"
    );
    ch(&mut app, ']');
    assert_eq!(shown(&app), "m-3");
    assert_eq!(
        app.flash.as_ref().unwrap().text,
        "this is the last message (3 of 3)"
    );
    ch(&mut app, '[');
    ch(&mut app, '[');
    assert_eq!(shown(&app), "m-1");
}

#[test]
fn message_detail_scrolls_its_whole_text_and_stops_at_the_end() {
    let mut app = detail_of_the_second();
    app.layout.scroll = Some(ScrollBounds { max: 25, page: 10 });
    let scroll = |app: &App| app.dlq.peek.as_ref().unwrap().scroll;
    key(&mut app, KeyCode::PageDown);
    assert_eq!(scroll(&app), 10);
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(scroll(&app), 25, "PgDn stops at the last page");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(scroll(&app), 25, "j stops at the end");
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(scroll(&app), 25);
}

#[test]
fn delete_redrive_and_export_in_the_detail_take_the_message_shown_not_the_marks() {
    let mut app = with_dlqs();
    peeked(
        &mut app,
        vec![
            dlq_message("m-1", "a"),
            dlq_message("m-2", "b"),
            dlq_message("m-3", "c"),
        ],
    );
    ch(&mut app, ' '); // marks m-1, moves to m-2
    key(&mut app, KeyCode::Enter);
    assert_eq!(shown(&app), "m-2");
    ch(&mut app, 'd');
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    let Write::Dlq(DlqWrite::Delete { message_ids, .. }) = &c.write else {
        panic!()
    };
    assert_eq!(message_ids, &vec!["m-2".to_string()]);
    key(&mut app, KeyCode::Esc);
    let cmds = ch(&mut app, 'n');
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::Dlq(DlqCmd::PlanRedrive { selected: Some(ids), .. }) if ids == &vec!["m-2".to_string()])),
        "{cmds:?}"
    );
    app.dlq.chooser = None;
    let cmds = ch(&mut app, 'x');
    let [Cmd::Logs(LogsCmd::SaveFile { text, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains("m-2"));
}

#[test]
fn the_redrive_rate_starts_safe_not_unlimited() {
    let app = with_dlqs();
    assert_eq!(app.dlq.rate, Some(DEFAULT_RATE));
    assert_eq!(DEFAULT_RATE, 10);
}

/// A functions-pane batch in which `function` had `invocations` and `errors` in the last 20 minutes.
pub(crate) fn failing_batch(function: &str, invocations: f64, errors: f64) -> MetricsBatch {
    let end: DateTime<Utc> = t0();
    let series = |metric, value| SeriesResult {
        series: MetricSeries {
            key: SeriesKey::new(function, metric, Stat::Sum),
            period_s: 60,
            points: vec![(end - chrono::Duration::minutes(5), value)],
        },
        status: SeriesStatus::Ok,
    };
    MetricsBatch {
        start: end - chrono::Duration::hours(1),
        end,
        period_s: 60,
        results: vec![
            series(MetricName::Invocations, invocations),
            series(MetricName::Errors, errors),
        ],
        calls: 1,
        metrics_requested: 4,
        percentiles_unavailable: false,
    }
}

#[test]
fn redrive_dry_run_warns_when_the_target_is_failing_now() {
    let mut app = with_dlqs();
    // orders-dlq redrives to its source queue "orders", consumed by orders-api, failing 43 % now.
    app.row_metrics
        .succeed(failing_batch("orders-api", 100.0, 43.0), t0());
    ch(&mut app, 'n');
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let chooser = app.dlq.chooser.as_ref().unwrap();
    assert!(matches!(chooser.dry_run, Some(DryRun::Ready(_))));
    assert_eq!(
        chooser.warning.as_deref(),
        Some(
            "orders-api is failing 43 % now; redriving 42 messages will likely send them back here"
        )
    );
    // The confirm says it too.
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(
        c.warning
            .as_deref()
            .is_some_and(|w| w.starts_with("orders-api is failing 43 % now")),
        "{:?}",
        c.warning
    );
}

#[test]
fn redrive_warns_when_an_alarm_on_the_target_or_its_queue_is_firing() {
    let mut app = with_dlqs();
    let mut alarm = Alarm::new("orders-dlq-not-empty", AlarmState::Alarm);
    alarm
        .dimensions
        .insert("QueueName".to_string(), "orders-dlq".to_string());
    app.update(Msg::Alarms(AlarmsMsg::Firing {
        generation: 1,
        result: Ok(vec![alarm]),
        now: t0(),
    }));
    let plan = redrive_plan();
    assert_eq!(
        app.redrive_warning(&plan).as_deref(),
        Some(
            "orders-api's alarm orders-dlq-not-empty is firing; redriving 42 messages will likely send them back here"
        )
    );
    // A healthy target: no warning.
    let healthy = with_dlqs();
    assert_eq!(healthy.redrive_warning(&plan), None);
}

#[test]
fn a_few_errors_or_a_low_rate_is_not_failing() {
    let mut app = with_dlqs();
    app.row_metrics
        .succeed(failing_batch("orders-api", 1000.0, 20.0), t0());
    assert_eq!(
        app.failing_now("orders-api"),
        None,
        "2 % is under the 5 % line"
    );
    app.row_metrics
        .succeed(failing_batch("orders-api", 4.0, 2.0), t0());
    assert_eq!(
        app.failing_now("orders-api"),
        None,
        "2 errors are too few to say"
    );
}
