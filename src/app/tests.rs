//! Unit tests of `App::update`: key presses and poll results in, state and commands out.

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::*;
use crate::domain::Function;

pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 17, 0, 0).unwrap()
}

pub(crate) fn function(name: &str, runtime: &str, memory: i32) -> Function {
    Function {
        name: name.to_string(),
        arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"),
        runtime: Some(runtime.to_string()),
        architecture: "x86_64".to_string(),
        memory_mb: memory,
        timeout_s: 30,
        last_modified: Some(t0() - chrono::Duration::days(3)),
        state: Some("Active".to_string()),
        code_size_bytes: 1_234_567,
        package_type: "Zip".to_string(),
        log_group: None,
    }
}

pub(crate) fn app() -> App {
    let mut app = App::new(Init {
        profile: Some("demo".to_string()),
        region: Some("us-east-1".to_string()),
        endpoint_url: None,
        read_only: false,
        theme: Theme::default_theme(),
        theme_names: vec!["default".into(), "light".into()],
        profiles: vec!["demo".into(), "prod".into()],
        config: Config::default(),
        now: t0(),
    });
    let cmds = app.start();
    assert!(matches!(
        cmds.last(),
        Some(Cmd::Reconnect { generation: 1, .. })
    ));
    app
}

/// An app connected and showing `names` (one page, refresh finished).
pub(crate) fn loaded(names: &[&str]) -> App {
    let mut app = app();
    app.update(Msg::Connected {
        generation: 1,
        profile: "demo".into(),
        region: "us-east-1".into(),
    });
    app.update(Msg::Identity {
        generation: 1,
        result: Ok(crate::domain::Identity {
            account: "123456789012".into(),
            arn: "arn:aws:sts::123456789012:assumed-role/oncall/me".into(),
        }),
    });
    app.update(Msg::FunctionsStarted {
        generation: 1,
        run: 1,
        now: t0(),
    });
    app.update(Msg::FunctionsPage {
        generation: 1,
        run: 1,
        page: names
            .iter()
            .map(|n| function(n, "python3.12", 128))
            .collect(),
    });
    app.update(Msg::FunctionsDone {
        generation: 1,
        run: 1,
        result: Ok(names.len()),
        now: t0(),
    });
    app
}

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn names(app: &App) -> Vec<String> {
    app.functions.rows().map(|f| f.name.clone()).collect()
}

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
fn first_page_is_shown_before_the_last_arrives() {
    let mut app = app();
    app.update(Msg::Connected {
        generation: 1,
        profile: "demo".into(),
        region: "us-east-1".into(),
    });
    app.update(Msg::FunctionsStarted {
        generation: 1,
        run: 1,
        now: t0(),
    });
    app.update(Msg::FunctionsPage {
        generation: 1,
        run: 1,
        page: vec![
            function("b", "python3.12", 128),
            function("a", "python3.12", 128),
        ],
    });
    assert_eq!(names(&app), vec!["a", "b"]);
    assert!(
        app.functions.remote.is_loading(),
        "still loading the next pages"
    );
}

#[test]
fn refresh_removes_deleted_functions_only_when_the_run_ends() {
    let mut app = loaded(&["a", "b", "c"]);
    app.update(Msg::FunctionsStarted {
        generation: 1,
        run: 2,
        now: t0(),
    });
    app.update(Msg::FunctionsPage {
        generation: 1,
        run: 2,
        page: vec![function("a", "python3.12", 128)],
    });
    assert_eq!(
        names(&app).len(),
        3,
        "rows stay while the refresh is in flight"
    );
    app.update(Msg::FunctionsDone {
        generation: 1,
        run: 2,
        result: Ok(1),
        now: t0(),
    });
    assert_eq!(names(&app), vec!["a"]);
}

#[test]
fn pages_from_an_old_connection_or_run_are_dropped() {
    let mut app = loaded(&["a"]);
    app.update(Msg::FunctionsPage {
        generation: 0,
        run: 1,
        page: vec![function("ghost", "python3.12", 128)],
    });
    app.update(Msg::FunctionsPage {
        generation: 1,
        run: 99,
        page: vec![function("ghost2", "python3.12", 128)],
    });
    assert_eq!(names(&app), vec!["a"]);
}

#[test]
fn failed_refresh_keeps_rows_and_flashes_the_error() {
    let mut app = loaded(&["a", "b"]);
    app.update(Msg::FunctionsStarted {
        generation: 1,
        run: 2,
        now: t0(),
    });
    app.update(Msg::FunctionsDone {
        generation: 1,
        run: 2,
        result: Err("throttled by AWS".into()),
        now: t0(),
    });
    assert_eq!(names(&app), vec!["a", "b"]);
    assert_eq!(app.functions.remote.error(), Some("throttled by AWS"));
    let flash = app.flash.clone().unwrap();
    assert_eq!(flash.level, FlashLevel::Error);
    assert!(flash.text.contains("throttled"));
}

#[test]
fn flash_clears_itself_after_its_ttl() {
    let mut app = loaded(&["a"]);
    app.update(Msg::FunctionsDone {
        generation: 1,
        run: 1,
        result: Err("boom".into()),
        now: t0(),
    });
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
fn jk_move_and_stop_at_the_ends() {
    let mut app = loaded(&["a", "b", "c"]);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.functions.selected_function().unwrap().name, "c");
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.functions.selected, 0);
    key(&mut app, KeyCode::Up);
    assert_eq!(app.functions.selected, 0);
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.functions.selected, 2);
}

#[test]
fn page_down_moves_by_the_visible_rows() {
    let names: Vec<String> = (0..100).map(|i| format!("fn-{i:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut app = loaded(&refs);
    app.layout.table_body = Rect::new(0, 3, 80, 10);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.functions.selected, 10);
    assert_eq!(app.functions.offset, 1, "selection kept on screen");
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.functions.selected, 0);
    assert_eq!(app.functions.offset, 0);
}

#[test]
fn slash_filters_fuzzily_and_bang_inverts() {
    let mut app = loaded(&["orders-api", "payments-webhook", "order-processor"]);
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(app.mode, Mode::Filter);
    typed(&mut app, "ordr");
    assert_eq!(names(&app), vec!["order-processor", "orders-api"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(names(&app).len(), 2, "filter kept after Enter");
    key(&mut app, KeyCode::Char('/'));
    for _ in 0..4 {
        key(&mut app, KeyCode::Backspace);
    }
    typed(&mut app, "!order");
    assert_eq!(names(&app), vec!["payments-webhook"]);
    key(&mut app, KeyCode::Esc);
    assert_eq!(names(&app).len(), 3, "Esc clears the filter");
}

#[test]
fn selection_follows_the_function_across_sort_and_filter() {
    let mut app = loaded(&["a", "b", "c"]);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.functions.selected_function().unwrap().name, "b");
    key(&mut app, KeyCode::Char('S'));
    assert_eq!(names(&app), vec!["c", "b", "a"]);
    assert_eq!(app.functions.selected_function().unwrap().name, "b");
}

#[test]
fn s_cycles_sort_columns() {
    let mut app = app();
    app.update(Msg::Connected {
        generation: 1,
        profile: "demo".into(),
        region: "us-east-1".into(),
    });
    app.update(Msg::FunctionsStarted {
        generation: 1,
        run: 1,
        now: t0(),
    });
    app.update(Msg::FunctionsPage {
        generation: 1,
        run: 1,
        page: vec![
            function("small", "nodejs22.x", 128),
            function("big", "python3.12", 10240),
            function("mid", "java21", 1024),
        ],
    });
    assert_eq!(app.functions.sort, SortColumn::Name);
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.functions.sort, SortColumn::Runtime);
    assert_eq!(names(&app), vec!["mid", "small", "big"]);
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.functions.sort, SortColumn::Memory);
    assert_eq!(names(&app), vec!["small", "mid", "big"]);
}

#[test]
fn enter_opens_detail_stops_the_list_poller_and_esc_comes_back() {
    let mut app = loaded(&["a", "b"]);
    key(&mut app, KeyCode::Char('j'));
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Detail);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Functions)));
    let request = app.detail.as_ref().unwrap().request;
    assert!(cmds.contains(&Cmd::FetchDetail {
        generation: 1,
        request,
        function: "b".into()
    }));
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Functions);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::StartPoller {
            kind: PollerKind::Functions,
            ..
        }]
    ));
}

#[test]
fn stale_detail_answers_are_dropped() {
    let mut app = loaded(&["a", "b"]);
    key(&mut app, KeyCode::Enter);
    let first = app.detail.as_ref().unwrap().request;
    key(&mut app, KeyCode::Char('r'));
    let detail = crate::domain::FunctionDetail {
        function: function("a", "python3.12", 128),
        handler: None,
        role: String::new(),
        description: String::new(),
        env: vec![],
        layers: vec![],
        vpc_subnets: vec![],
        vpc_security_groups: vec![],
        reserved_concurrency: None,
        dead_letter_target: None,
        async_config: None,
        event_sources: vec![],
        tags: std::collections::BTreeMap::new(),
        log_format: None,
        ephemeral_storage_mb: None,
        version: "$LATEST".into(),
        partial_errors: vec![],
    };
    app.update(Msg::Detail {
        generation: 1,
        request: first,
        result: Ok(Box::new(detail)),
        now: t0(),
    });
    assert!(
        app.detail.as_ref().unwrap().remote.data.is_none(),
        "old request ignored"
    );
}

#[test]
fn v_toggles_env_reveal_in_detail_only() {
    let mut app = loaded(&["a"]);
    key(&mut app, KeyCode::Char('v'));
    key(&mut app, KeyCode::Enter);
    assert!(!app.detail.as_ref().unwrap().reveal_env);
    key(&mut app, KeyCode::Char('v'));
    assert!(app.detail.as_ref().unwrap().reveal_env);
    key(&mut app, KeyCode::Char('v'));
    assert!(!app.detail.as_ref().unwrap().reveal_env);
}

#[test]
fn o_copies_the_console_url_and_says_so() {
    let mut app = loaded(&["orders-api"]);
    let cmds = key(&mut app, KeyCode::Char('o'));
    let url = "https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/orders-api";
    assert_eq!(cmds, vec![Cmd::Copy(url.to_string())]);
    assert!(app.flash.as_ref().unwrap().text.contains(url));
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
            Cmd::Reconnect {
                generation: 2,
                profile: Some("demo".into()),
                region: Some("eu-west-1".into())
            }
        ]
    );
    assert!(app.functions.all().is_empty());
    // An answer from the old connection is ignored.
    app.update(Msg::FunctionsPage {
        generation: 1,
        run: 1,
        page: vec![function("old", "python3.12", 128)],
    });
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
            input: "theme ".into(),
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
fn panes_not_built_yet_say_so_instead_of_opening_a_blank() {
    let mut app = loaded(&["a"]);
    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "logs");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty());
    assert_eq!(app.view, View::Functions);
    assert!(app.flash.as_ref().unwrap().text.contains("not built yet"));
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
fn returning_to_functions_waits_out_the_poll_interval() {
    let mut app = loaded(&["a"]);
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Tick {
        now: t0() + chrono::Duration::seconds(20),
        api_calls_total: 0,
    });
    let cmds = key(&mut app, KeyCode::Esc);
    let Some(Cmd::StartPoller {
        first_in, every, ..
    }) = cmds.first()
    else {
        panic!("expected a poller start, got {cmds:?}");
    };
    assert_eq!(
        every.checked_sub(*first_in),
        Some(std::time::Duration::from_secs(20))
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
