//! The alarms pane through `App::update`: the background count, flips, order, mute and history.

use crossterm::event::KeyCode;

use crate::app::test_support::{alarm, app, key, loaded, t0, typed, with_alarms};
use crate::app::*;

fn firing(app: &mut App, names: &[&str]) -> Vec<Cmd> {
    use crate::domain::alarm::AlarmState;
    app.update(Msg::Alarms(AlarmsMsg::Firing {
        generation: 1,
        result: Ok(names
            .iter()
            .map(|n| alarm(n, AlarmState::Alarm, "f"))
            .collect()),
        now: t0(),
    }))
}

#[test]
fn connecting_starts_the_background_alarm_count() {
    let mut app = app();
    let cmds = app.update(Msg::Connected {
        generation: 1,
        profile: "demo".into(),
        region: "us-east-1".into(),
    });
    assert!(cmds.iter().any(|c| matches!(
        c,
        Cmd::StartPoller {
            kind: PollerKind::Firing,
            ..
        }
    )));
}

#[test]
fn a_flip_to_alarm_flashes_and_rings_but_the_first_look_does_not() {
    let mut app = loaded(&["a"]);
    assert!(
        firing(&mut app, &["already-firing"]).is_empty(),
        "first look: no bell"
    );
    assert!(app.flash.is_none());
    assert_eq!(
        firing(&mut app, &["already-firing", "new-one"]),
        vec![Cmd::Bell]
    );
    let flash = app.flash.clone().unwrap();
    assert_eq!(flash.level, FlashLevel::Error);
    assert_eq!(flash.text, "ALARM: new-one");
    assert!(
        firing(&mut app, &["already-firing", "new-one"]).is_empty(),
        "no second bell for the same flip"
    );
}

#[test]
fn quiet_or_bell_off_flashes_without_the_bell() {
    let mut app = loaded(&["a"]);
    app.quiet = true;
    firing(&mut app, &[]);
    assert!(firing(&mut app, &["x"]).is_empty());
    assert!(app.flash.as_ref().unwrap().text.contains("ALARM: x"));
    let mut app = loaded(&["a"]);
    app.config.bell = false;
    firing(&mut app, &[]);
    assert!(firing(&mut app, &["x"]).is_empty());
}

#[test]
fn alarms_in_alarm_are_listed_first() {
    let app = with_alarms();
    let names: Vec<&str> = app.alarms.rows().map(|a| a.name.as_str()).collect();
    assert_eq!(names[0], "payments-webhook-errors");
    assert_eq!(
        app.firing.data.as_ref().unwrap().len(),
        1,
        "the pane's list also feeds the header"
    );
}

#[test]
fn f_narrows_alarms_to_the_selected_function() {
    let mut app = with_alarms();
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.alarms.for_function.as_deref(), Some("orders-api"));
    let names: Vec<&str> = app.alarms.rows().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["orders-api-errors", "orders-api-throttles"]);
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(app.alarms.rows().count(), 3);
}

#[test]
fn mute_confirms_then_disables_actions_and_unmute_when_all_muted() {
    let mut app = with_alarms();
    assert!(key(&mut app, KeyCode::Char('M')).is_empty());
    let Mode::Confirm(c) = app.mode.clone() else {
        panic!("expected confirm, got {:?}", app.mode);
    };
    assert_eq!(c.title, "Disable (mute) actions of 1 alarm");
    assert!(c.lines[0].starts_with("payments-webhook-errors  actions enabled → disabled"));
    let cmds = key(&mut app, KeyCode::Enter);
    let [Cmd::Write { write, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert!(
        matches!(write.as_ref(), crate::writes::Write::AlarmActions { enabled: false, alarms } if alarms.len() == 1)
    );

    // The muted alarm alone: M unmutes.
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(
        app.alarms.selected_alarm().unwrap().name,
        "orders-api-throttles"
    );
    key(&mut app, KeyCode::Char('M'));
    let Mode::Confirm(c) = app.mode.clone() else {
        panic!("expected confirm");
    };
    assert!(c.title.starts_with("Enable (unmute)"));
}

#[test]
fn space_marks_alarms_for_a_bulk_mute() {
    let mut app = with_alarms();
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.alarms.marked.len(), 2);
    key(&mut app, KeyCode::Char('M'));
    let Mode::Confirm(c) = app.mode.clone() else {
        panic!("expected confirm");
    };
    assert_eq!(c.title, "Disable (mute) actions of 2 alarms");
}

#[test]
fn read_only_refuses_mute_before_the_confirm() {
    let mut app = with_alarms();
    app.read_only = true;
    assert!(key(&mut app, KeyCode::Char('M')).is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.flash.as_ref().unwrap().text.contains("read-only"));
}

#[test]
fn alarm_detail_fetches_history_and_records_when_unsupported() {
    let mut app = with_alarms();
    let cmds = key(&mut app, KeyCode::Enter);
    let [Cmd::FetchAlarmHistory { request, name, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}");
    };
    assert_eq!(name, "payments-webhook-errors");
    app.update(Msg::Alarms(AlarmsMsg::History {
        generation: 1,
        request: *request,
        result: Err(("DescribeAlarmHistory: HTTP 500".into(), true)),
        now: t0(),
    }));
    let d = app.alarms.detail.as_ref().unwrap();
    assert!(d.history_unsupported);
    key(&mut app, KeyCode::Esc);
    assert!(app.alarms.detail.is_none());
    assert_eq!(app.view, View::Alarms);
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Functions);
    assert!(
        cmds.contains(&Cmd::StopPoller(PollerKind::Alarms)),
        "leaving the pane stops its poller"
    );
}

#[test]
fn slash_filters_alarms_in_the_alarms_pane() {
    let mut app = with_alarms();
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "thrott");
    assert_eq!(app.alarms.rows().count(), 1);
    assert!(
        app.functions.filter_input.is_empty(),
        "the functions filter is untouched"
    );
}
