//! Unit tests of the app-wide part of `App::update`: connecting, the flash, the palette, help, quitting,
//! the mouse and the API call counter (each pane's tests are in `panes/<pane>/tests.rs`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::*;
use crate::app::test_support::{app, function, key, loaded, t0, typed};

#[test]
fn connecting_fetches_identity_and_starts_the_functions_poller_at_once() {
    let mut app = app();
    let cmds = app.update(Msg::Connected {
        generation: 1,
        profile: "demo".into(),
        region: "us-east-1".into(),
    });
    assert!(cmds.contains(&Cmd::FetchIdentity { generation: 1 }));
    assert!(cmds.iter().any(|c| matches!(
        c,
        Cmd::StartPoller { kind: PollerKind::Functions, first_in, .. } if first_in.is_zero()
    )));
    assert!(app.functions.remote.is_loading());
}

#[test]
fn flash_clears_itself_after_its_ttl() {
    let mut app = loaded(&["a"]);
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 1,
        result: Err("boom".into()),
        now: t0(),
    }));
    assert!(app.flash.is_some());
    app.update(Msg::Tick {
        now: t0() + chrono::Duration::seconds(2),
        api_calls_total: 0,
    });
    assert!(app.flash.is_some());
    app.update(Msg::Tick {
        now: t0() + chrono::Duration::seconds(60),
        api_calls_total: 0,
    });
    assert!(app.flash.is_none());
}

#[test]
fn palette_region_switch_rebuilds_clients_and_drops_old_data() {
    let mut app = loaded(&["a"]);
    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "region eu-west-1");
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(
        cmds,
        vec![
            Cmd::StopPoller(PollerKind::Functions),
            Cmd::StopPoller(PollerKind::Alarms),
            Cmd::StopPoller(PollerKind::Firing),
            Cmd::StopPoller(PollerKind::Logs),
            Cmd::StopPoller(PollerKind::Dlq),
            Cmd::Reconnect {
                generation: 2,
                profile: Some("demo".into()),
                region: Some("eu-west-1".into())
            }
        ]
    );
    assert!(app.functions.all().is_empty());
    // An answer from the old connection is ignored.
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 1,
        page: vec![function("old", "python3.12", 128)],
    }));
    assert!(app.functions.all().is_empty());
    let cmds = app.update(Msg::Connected {
        generation: 2,
        profile: "demo".into(),
        region: "eu-west-1".into(),
    });
    assert_eq!(app.region, "eu-west-1");
    assert!(cmds.contains(&Cmd::FetchIdentity { generation: 2 }));
}

#[test]
fn palette_tab_completes_and_unknown_commands_flash() {
    let mut app = loaded(&["a"]);
    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "the");
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        app.mode,
        Mode::Palette {
            input: crate::app::LineEdit::new("theme "),
            completion: None
        }
    );
    typed(&mut app, "li");
    key(&mut app, KeyCode::Tab);
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(cmds, vec![Cmd::LoadTheme("light".into())]);

    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "nonsense");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(app.flash.as_ref().unwrap().text.contains("unknown command"));
}

#[test]
fn question_mark_opens_help_and_esc_closes_it() {
    let mut app = loaded(&["a"]);
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.mode, Mode::Help { scroll: 0 });
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.mode, Mode::Help { scroll: 1 });
    assert_eq!(app.functions.selected, 0, "keys go to help, not the table");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn q_and_ctrl_c_and_signals_quit() {
    let mut app = loaded(&["a"]);
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Cmd::Quit]);
    let mut app = loaded(&["a"]);
    let cmds = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    assert_eq!(cmds, vec![Cmd::Quit]);
    let mut app = loaded(&["a"]);
    assert_eq!(app.update(Msg::Shutdown), vec![Cmd::Quit]);
    assert!(app.should_quit);
}

#[test]
fn typing_q_in_the_filter_does_not_quit() {
    let mut app = loaded(&["quiz"]);
    key(&mut app, KeyCode::Char('/'));
    let cmds = key(&mut app, KeyCode::Char('q'));
    assert!(cmds.is_empty());
    assert!(!app.should_quit);
    assert_eq!(app.functions.filter_input, "q");
}

#[test]
fn mouse_click_selects_a_row_and_wheel_scrolls() {
    let names: Vec<String> = (0..50).map(|i| format!("fn-{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut app = loaded(&refs);
    app.layout.table_body = Rect::new(1, 3, 80, 10);
    app.layout.table_header = Rect::new(1, 2, 80, 1);
    app.layout.columns = vec![(1, 20, SortColumn::Name), (21, 36, SortColumn::Runtime)];
    app.functions.sort = SortColumn::Name;
    let click = |col, row| {
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: col,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    app.update(click(5, 7));
    assert_eq!(app.functions.selected, 4);
    app.update(Msg::Mouse(MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 5,
        row: 7,
        modifiers: KeyModifiers::NONE,
    }));
    assert_eq!(app.functions.selected, 7);
    app.update(click(5, 2));
    assert!(
        app.functions.descending,
        "clicking the sorted column reverses it"
    );
    app.update(click(25, 2));
    assert_eq!(app.functions.sort, SortColumn::Runtime);
}

#[test]
fn api_calls_are_counted_over_the_last_minute() {
    let mut app = loaded(&["a"]);
    for (secs, total) in [(0, 10), (30, 25), (61, 40), (90, 41)] {
        app.update(Msg::Tick {
            now: t0() + chrono::Duration::seconds(secs),
            api_calls_total: total,
        });
    }
    assert_eq!(
        app.api_calls_last_minute(),
        16,
        "41 - 25: the sample at 0 s fell out of the window"
    );
}

#[test]
fn connect_failure_is_shown_not_fatal() {
    let mut app = app();
    app.update(Msg::ConnectFailed {
        generation: 1,
        error: "no AWS region configured".into(),
    });
    assert_eq!(
        app.functions.remote.error(),
        Some("no AWS region configured")
    );
    assert!(app.flash.as_ref().unwrap().text.contains("region"));
    assert!(!app.should_quit);
}
