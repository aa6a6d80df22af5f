//! Snapshots of the logs pane: following, paused, JSON, invocations, transports, ranges, hostile lines.

use super::{demo_names, draw, key};
use crate::app::test_support::{loaded, t0};
use crate::app::{App, LogsMsg, Msg};
use crossterm::event::KeyCode;

#[test]
fn logs_following() {
    let mut app = crate::app::test_support::with_logs();
    assert_screen!("logs_following", draw(&mut app, 120, 12));
}

#[test]
fn logs_paused_with_counter_and_search() {
    let mut app = crate::app::test_support::with_logs();
    key(&mut app, KeyCode::Char('/'));
    for c in "order".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let session = app.logs.as_ref().unwrap().session;
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![crate::app::test_support::log_event(900, "a new line")],
    }));
    assert_screen!(
        "logs_paused_with_counter_and_search",
        draw(&mut app, 120, 12)
    );
}

#[test]
fn logs_json_pretty() {
    let mut app = crate::app::test_support::with_logs();
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('p'));
    assert_screen!("logs_json_pretty", draw(&mut app, 120, 20));
}

#[test]
fn logs_invocations_view() {
    let mut app = crate::app::test_support::with_logs();
    key(&mut app, KeyCode::Char('i'));
    assert_screen!("logs_invocations_view", draw(&mut app, 120, 8));
}

#[test]
fn logs_error_keeps_lines_and_flashes() {
    let mut app = crate::app::test_support::with_logs();
    let session = app.logs.as_ref().unwrap().session;
    app.update(Msg::Logs(LogsMsg::State {
        generation: 1,
        session,
        state: crate::app::msg::LogsPoll::Failed(
            "FilterLogEvents: cannot reach the endpoint".into(),
        ),
        now: t0(),
    }));
    assert_screen!(
        "logs_error_keeps_lines_and_flashes",
        draw(&mut app, 120, 12)
    );
}

#[test]
fn logs_loading() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('l'));
    assert_screen!("logs_loading", draw(&mut app, 100, 8));
}

#[test]
fn hostile_log_lines_never_reach_the_terminal_raw() {
    let mut app = crate::app::test_support::with_logs();
    let session = app.logs.as_ref().unwrap().session;
    let evil = "pwn\x1b[2J\x1b]52;c;ZXZpbA==\x07\x1bP+q\x1b\\\u{9b}31m\u{202e}gnp.exe\x08\x00";
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![crate::app::test_support::log_event(1000, evil)],
    }));
    let screen = draw(&mut app, 200, 12);
    assert!(
        !screen.chars().any(|c| c.is_control() && c != '\n'),
        "{screen:?}"
    );
    assert!(!screen.contains('\u{202e}'));
    assert!(
        screen.contains("pwn\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07"),
        "{screen}"
    );
}

fn logs_info(app: &mut App, info: crate::domain::log::TailInfo) {
    let session = app.logs.as_ref().unwrap().session;
    app.update(Msg::Logs(LogsMsg::Info {
        generation: 1,
        session,
        info,
    }));
}

#[test]
fn logs_live_tail_sampled() {
    use crate::domain::log::{TailInfo, Transport};
    let mut app = crate::app::test_support::with_logs();
    logs_info(
        &mut app,
        TailInfo::Transport(Transport::Live { sampled: true }),
    );
    assert_screen!("logs_live_tail_sampled", draw(&mut app, 140, 10));
}

#[test]
fn logs_fallback_to_polling_says_why() {
    use crate::domain::log::{TailInfo, Transport};
    let mut app = crate::app::test_support::with_logs();
    logs_info(
        &mut app,
        TailInfo::Transport(Transport::Polling {
            why: Some(
                "Live Tail stream closed after 0.1s: the endpoint only sends a snapshot".into(),
            ),
        }),
    );
    assert_screen!("logs_fallback_to_polling_says_why", draw(&mut app, 160, 10));
}

#[test]
fn logs_backfill_in_progress() {
    use crate::domain::log::TailInfo;
    let mut app = crate::app::test_support::with_logs();
    key(&mut app, KeyCode::Char('2'));
    let session = app.logs.as_ref().unwrap().session;
    logs_info(
        &mut app,
        TailInfo::Backfill {
            done: 3,
            total: 8,
            events: 1_234,
        },
    );
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: crate::app::test_support::demo_log_events(),
    }));
    assert_screen!("logs_backfill_in_progress", draw(&mut app, 120, 12));
}

#[test]
fn logs_range_shown_not_followed() {
    use crate::domain::log::TailInfo;
    let mut app = crate::app::test_support::with_logs();
    key(&mut app, KeyCode::Char('R'));
    for c in "2026-11-21T10:00..11:00".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let session = app.logs.as_ref().unwrap().session;
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: crate::app::test_support::demo_log_events(),
    }));
    logs_info(&mut app, TailInfo::BackfillDone { following: false });
    assert_screen!("logs_range_shown_not_followed", draw(&mut app, 120, 12));
}
