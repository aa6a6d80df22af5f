//! Snapshots of the alarms pane, its detail and the mute confirm.

use super::{demo_names, draw, key};
use crate::app::test_support::{loaded, t0};
use crate::app::{AlarmsMsg, Msg};
use crossterm::event::KeyCode;

#[test]
fn alarms_ready() {
    let mut app = crate::app::test_support::with_alarms();
    app.update(Msg::Alarms(AlarmsMsg::Firing {
        generation: 1,
        result: Ok(vec![]),
        now: t0(),
    }));
    assert_screen!("alarms_ready", draw(&mut app, 160, 10));
}

#[test]
fn alarms_loading() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('A'));
    assert_screen!("alarms_loading", draw(&mut app, 100, 8));
}

#[test]
fn alarms_empty() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('A'));
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Ok(vec![]),
        now: t0(),
    }));
    assert_screen!("alarms_empty", draw(&mut app, 100, 8));
}

#[test]
fn alarms_error_keeps_stale_rows() {
    let mut app = crate::app::test_support::with_alarms();
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Err("DescribeAlarms: cannot reach the endpoint".into()),
        now: t0(),
    }));
    assert_screen!("alarms_error_keeps_stale_rows", draw(&mut app, 160, 10));
}

#[test]
fn alarm_detail_with_history_unavailable() {
    let mut app = crate::app::test_support::with_alarms();
    key(&mut app, KeyCode::Enter);
    let request = app.alarms.detail.as_ref().unwrap().request;
    app.update(Msg::Alarms(AlarmsMsg::History {
        generation: 1,
        request,
        result: Err(("HTTP 500".into(), true)),
        now: t0(),
    }));
    let screen = draw(&mut app, 120, 26);
    assert!(screen.contains("history unavailable"), "{screen}");
    assert_screen!("alarm_detail_with_history_unavailable", screen);
}

#[test]
fn mute_confirm_dialog() {
    let mut app = crate::app::test_support::with_alarms();
    key(&mut app, KeyCode::Char('M'));
    assert_screen!("mute_confirm_dialog", draw(&mut app, 120, 20));
}

#[test]
fn hostile_alarm_reason_is_escaped() {
    let mut app = crate::app::test_support::with_alarms();
    let mut a =
        crate::app::test_support::alarm("evil", crate::domain::alarm::AlarmState::Alarm, "x");
    a.reason = "boom\x1b]52;c;ZXZpbA==\x07\x1b[2J\u{202e}".into();
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Ok(vec![a]),
        now: t0(),
    }));
    let screen = draw(&mut app, 200, 8);
    assert!(
        !screen.contains('\x1b') && !screen.contains('\u{202e}'),
        "{screen:?}"
    );
    assert!(screen.contains("\\x1b]52"), "{screen}");
}
