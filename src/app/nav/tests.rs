//! Esc along the navigation stack, the breadcrumb, the pane switches from every pane, and Esc from an
//! invocation's lines keeping the pause.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::test_support::{loaded, t0};
use crate::app::{AlarmsMsg, App, Cmd, LogsCmd, LogsMsg, Msg, PollerKind, View};
use crate::domain::alarm::{Alarm, AlarmState};

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Vec<Cmd> {
    key(app, KeyCode::Char(c))
}

#[test]
fn esc_from_logs_metrics_and_dlq_opened_from_the_detail_returns_to_the_detail() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Detail);
    for (open, view) in [('l', View::Logs), ('m', View::Metrics), ('D', View::Dlq)] {
        ch(&mut app, open);
        assert_eq!(app.view, view);
        assert_eq!(
            app.breadcrumb().first().map(String::as_str),
            Some("Functions")
        );
        assert_eq!(app.breadcrumb()[1], "payments-webhook");
        let cmds = key(&mut app, KeyCode::Esc);
        assert_eq!(app.view, View::Detail, "Esc from {view:?}");
        if view == View::Logs {
            assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Logs)));
        }
    }
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Functions);
    assert!(app.nav.is_empty());
}

#[test]
fn esc_walks_back_through_several_panes_and_logs_restart_their_tail() {
    let mut app = loaded(&["orders-api"]);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'l');
    ch(&mut app, 'm');
    assert_eq!(app.view, View::Metrics);
    assert_eq!(
        app.breadcrumb(),
        vec![
            "Functions",
            "orders-api",
            "logs orders-api",
            "metrics orders-api"
        ]
    );
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Logs);
    assert!(
        cmds.iter().any(|c| matches!(c, Cmd::Logs(LogsCmd::Start { functions, .. }) if functions == &["orders-api".to_string()])),
        "the tail stopped when the pane was left: it starts again: {cmds:?}"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Detail);
}

#[test]
fn going_to_a_view_already_on_the_stack_cuts_it_there() {
    let mut app = loaded(&["orders-api"]);
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'l');
    ch(&mut app, 'm');
    // m → l → m → l… never grows the stack.
    ch(&mut app, 'l');
    ch(&mut app, 'm');
    ch(&mut app, 'l');
    assert_eq!(app.view, View::Logs);
    assert_eq!(
        app.breadcrumb(),
        vec!["Functions", "orders-api", "logs orders-api"]
    );
}

fn firing_alarm() -> Alarm {
    let mut a = Alarm::new("orders-api-errors", AlarmState::Alarm);
    a.dimensions
        .insert("FunctionName".to_string(), "orders-api".to_string());
    a.transitioned = Some(t0() - chrono::Duration::minutes(30));
    a
}

#[test]
fn esc_from_an_alarms_metrics_returns_to_the_alarm() {
    let mut app = loaded(&["orders-api"]);
    ch(&mut app, 'A');
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Ok(vec![firing_alarm()]),
        now: t0(),
    }));
    key(&mut app, KeyCode::Enter);
    assert!(app.alarms.detail.is_some());
    ch(&mut app, 'm');
    assert_eq!(app.view, View::Metrics);
    assert_eq!(
        app.breadcrumb(),
        vec!["Functions", "alarm orders-api-errors", "metrics orders-api"]
    );
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Alarms);
    assert_eq!(
        app.alarms.detail.as_ref().map(|d| d.name.as_str()),
        Some("orders-api-errors"),
        "back on the alarm, not the list"
    );
    assert!(cmds.iter().any(|c| matches!(
        c,
        Cmd::StartPoller {
            kind: PollerKind::Alarms,
            ..
        }
    )));
}

#[test]
fn pane_switch_keys_work_from_every_pane() {
    let mut app = loaded(&["orders-api"]);
    ch(&mut app, 'l');
    assert_eq!(app.view, View::Logs);
    let cmds = ch(&mut app, 'A');
    assert_eq!(app.view, View::Alarms);
    assert!(
        cmds.contains(&Cmd::StopPoller(PollerKind::Logs)),
        "the pane left stops its poller: {cmds:?}"
    );
    ch(&mut app, '$');
    assert_eq!(app.view, View::Cost);
    ch(&mut app, 'D');
    assert_eq!(app.view, View::Dlq);
    ch(&mut app, 'a');
    assert_eq!(app.view, View::Aliases);
    assert_eq!(
        app.aliases.as_ref().map(|a| a.function.as_str()),
        Some("orders-api")
    );
    // Esc walks the whole way back.
    for view in [
        View::Dlq,
        View::Cost,
        View::Alarms,
        View::Logs,
        View::Functions,
    ] {
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.view, view);
    }
}

#[test]
fn m_in_logs_opens_the_metrics_of_the_tailed_function() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    key(&mut app, KeyCode::Down);
    ch(&mut app, 'l');
    ch(&mut app, 'm');
    assert_eq!(app.view, View::Metrics);
    assert_eq!(
        app.metrics.as_ref().map(|m| m.function.as_str()),
        Some("payments-webhook")
    );
}

#[test]
fn esc_from_an_invocations_lines_keeps_the_pause_and_the_new_line_counter() {
    let mut app = loaded(&["orders-api"]);
    ch(&mut app, 'l');
    let session = app.logs.as_ref().unwrap().session;
    let event = |id: &str, text: &str, ms: i64| crate::domain::log::LogEvent {
        function: "orders-api".into(),
        stream: "s".into(),
        event_id: id.into(),
        timestamp: t0() + chrono::Duration::milliseconds(ms),
        ingestion_time: None,
        message: text.into(),
    };
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![
            event("1", "START RequestId: r-1 Version: $LATEST", 0),
            event("2", "hello", 1),
            event("3", "END RequestId: r-1", 2),
            event("4", "REPORT RequestId: r-1\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB", 3),
        ],
    }));
    ch(&mut app, 'i');
    key(&mut app, KeyCode::Enter);
    let pane = app.logs.as_ref().unwrap();
    assert!(!pane.follow, "an invocation's lines pause the tail");
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![event("5", "later", 10), event("6", "later still", 11)],
    }));
    assert_eq!(app.logs.as_ref().unwrap().new_while_paused, 2);
    key(&mut app, KeyCode::Esc);
    let pane = app.logs.as_ref().unwrap();
    assert!(!pane.follow, "still paused after Esc");
    assert_eq!(pane.new_while_paused, 2, "the counter is kept");
}

#[test]
fn search_says_which_match_and_survives_a_range_change() {
    let mut app = loaded(&["orders-api"]);
    ch(&mut app, 'l');
    let session = app.logs.as_ref().unwrap().session;
    let event = |id: &str, text: &str, ms: i64| crate::domain::log::LogEvent {
        function: "orders-api".into(),
        stream: "s".into(),
        event_id: id.into(),
        timestamp: t0() + chrono::Duration::milliseconds(ms),
        ingestion_time: None,
        message: text.into(),
    };
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![
            event("1", "timeout a", 0),
            event("2", "ok", 1),
            event("3", "timeout b", 2),
            event("4", "timeout c", 3),
        ],
    }));
    ch(&mut app, '/');
    for c in "timeout".chars() {
        ch(&mut app, c);
    }
    key(&mut app, KeyCode::Enter);
    ch(&mut app, 'n');
    assert_eq!(app.logs.as_ref().unwrap().match_position(), Some((2, 3)));
    ch(&mut app, '2'); // the last hour: the tail restarts in a new session
    let pane = app.logs.as_ref().unwrap();
    assert_ne!(pane.session, session);
    assert_eq!(pane.search, "timeout", "the search stays");
}
