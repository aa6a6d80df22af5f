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
        dead_letter_target: None,
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
        quiet: false,
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
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 1,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 1,
        page: names
            .iter()
            .map(|n| function(n, "python3.12", 128))
            .collect(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 1,
        result: Ok(names.len()),
        now: t0(),
    }));
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
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 1,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 1,
        page: vec![
            function("b", "python3.12", 128),
            function("a", "python3.12", 128),
        ],
    }));
    assert_eq!(names(&app), vec!["a", "b"]);
    assert!(
        app.functions.remote.is_loading(),
        "still loading the next pages"
    );
}

#[test]
fn refresh_removes_deleted_functions_only_when_the_run_ends() {
    let mut app = loaded(&["a", "b", "c"]);
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 2,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 2,
        page: vec![function("a", "python3.12", 128)],
    }));
    assert_eq!(
        names(&app).len(),
        3,
        "rows stay while the refresh is in flight"
    );
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 2,
        result: Ok(1),
        now: t0(),
    }));
    assert_eq!(names(&app), vec!["a"]);
}

#[test]
fn pages_from_an_old_connection_or_run_are_dropped() {
    let mut app = loaded(&["a"]);
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 0,
        run: 1,
        page: vec![function("ghost", "python3.12", 128)],
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 99,
        page: vec![function("ghost2", "python3.12", 128)],
    }));
    assert_eq!(names(&app), vec!["a"]);
}

#[test]
fn failed_refresh_keeps_rows_and_flashes_the_error() {
    let mut app = loaded(&["a", "b"]);
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 2,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 2,
        result: Err("ListFunctions: cannot reach the endpoint: connection refused".into()),
        now: t0(),
    }));
    assert_eq!(names(&app), vec!["a", "b"]);
    let flash = app.flash.clone().unwrap();
    assert_eq!(flash.level, FlashLevel::Error);
    assert!(flash.text.contains("connection refused"));
}

#[test]
fn a_throttled_refresh_is_a_warning_and_goes_stale_with_why_after_three_periods() {
    let mut app = loaded(&["a", "b"]);
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 2,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 2,
        result: Err("throttled by AWS (ListFunctions): Rate exceeded".into()),
        now: t0(),
    }));
    assert_eq!(names(&app), vec!["a", "b"]);
    assert_eq!(
        app.functions.remote.error(),
        Some("throttled by AWS (ListFunctions): Rate exceeded")
    );
    let flash = app.flash.clone().unwrap();
    assert_eq!(
        flash.level,
        FlashLevel::Warn,
        "throttling is not an error on screen"
    );
    assert_eq!(app.stale(), None);
    let every = chrono::Duration::from_std(app.config.functions_poll_every).unwrap();
    app.update(Msg::Tick {
        now: t0() + every * 3 + chrono::Duration::seconds(1),
        api_calls_total: 0,
    });
    assert_eq!(
        app.stale().as_deref(),
        Some("AWS is throttling lambdash; retrying")
    );
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
    assert!(matches!(app.mode, Mode::Filter { .. }));
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
    app.functions.sort = SortColumn::Name;
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
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 1,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 1,
        page: vec![
            function("small", "nodejs22.x", 128),
            function("big", "python3.12", 10240),
            function("mid", "java21", 1024),
        ],
    }));
    assert_eq!(
        app.functions.sort,
        SortColumn::Health,
        "worst first by default"
    );
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(app.functions.sort, SortColumn::Name);
    // INVOC, ERR%, P99/MAX, THROT, then the function's own fields.
    for _ in 0..5 {
        key(&mut app, KeyCode::Char('s'));
    }
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

pub(crate) fn alias_data() -> aliases::AliasData {
    use crate::domain::alias::{Alias, AliasState, Version};
    let mut weighted = AliasState::plain("3");
    weighted.weights.insert("4".into(), 0.1);
    aliases::AliasData {
        aliases: vec![
            Alias {
                name: "canary".into(),
                description: "pre-release".into(),
                state: AliasState::plain("4"),
                revision_id: Some("rev-c".into()),
                arn: String::new(),
            },
            Alias {
                name: "live".into(),
                description: "production traffic".into(),
                state: weighted,
                revision_id: Some("rev-l".into()),
                arn: String::new(),
            },
        ],
        versions: (1..=4)
            .rev()
            .map(|i| Version {
                version: i.to_string(),
                description: format!("release 1.{i}"),
                code_sha256: format!("{i}abcdef0123456789"),
                runtime: Some("nodejs22.x".into()),
                memory_mb: 512,
                last_modified: Some(t0() - chrono::Duration::days(i64::from(5 - i))),
            })
            .collect(),
    }
}

/// The aliases pane of `user-signup`, loaded.
pub(crate) fn with_aliases(read_only: bool) -> App {
    let mut app = loaded(&["user-signup"]);
    app.read_only = read_only;
    let cmds = key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.view, View::Aliases);
    let Some(Cmd::Aliases(AliasesCmd::Fetch {
        request, function, ..
    })) = cmds.last().cloned()
    else {
        panic!("expected FetchAliases, got {cmds:?}");
    };
    assert_eq!(function, "user-signup");
    app.update(Msg::Aliases(AliasesMsg::Loaded {
        generation: 1,
        request,
        result: Ok(alias_data()),
        now: t0(),
    }));
    app
}

#[test]
fn canary_key_asks_to_confirm_then_writes_exactly_that() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('j')); // alias "live" (3 + 4 @ 10 %)
    key(&mut app, KeyCode::Char('l')); // versions list
    key(&mut app, KeyCode::Char('j')); // version 3 … then back to 4
    key(&mut app, KeyCode::Char('k'));
    assert!(
        key(&mut app, KeyCode::Char('4')).is_empty(),
        "nothing is sent before the yes"
    );
    let Mode::Confirm(confirm) = app.mode.clone() else {
        panic!("expected the confirm step, got {:?}", app.mode);
    };
    assert_eq!(confirm.lines[0], "from  3 (90 %) + 4 (10 %)");
    assert_eq!(confirm.lines[1], "to    3 (75 %) + 4 (25 %)");
    let cmds = key(&mut app, KeyCode::Char('y'));
    let [Cmd::Write { write, .. }] = cmds.as_slice() else {
        panic!("expected one write, got {cmds:?}");
    };
    let crate::writes::Write::Alias { change, account } = write.as_ref() else {
        panic!("expected an alias change");
    };
    assert_eq!(account, "123456789012");
    assert_eq!(change.revision_id.as_deref(), Some("rev-l"));
    assert_eq!(change.to.weights.get("4"), Some(&0.25));
}

#[test]
fn esc_cancels_the_confirm_and_sends_nothing() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('p'));
    assert!(matches!(app.mode, Mode::Confirm(_)));
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("nothing was changed")
    );
}

#[test]
fn read_only_refuses_every_alias_write_without_a_confirm() {
    let mut app = with_aliases(true);
    key(&mut app, KeyCode::Char('j'));
    for k in [
        KeyCode::Enter,
        KeyCode::Char('1'),
        KeyCode::Char('p'),
        KeyCode::Char('R'),
        KeyCode::Char('P'),
    ] {
        let cmds = key(&mut app, k);
        assert!(
            !cmds.iter().any(|c| matches!(
                c,
                Cmd::Write { .. } | Cmd::Aliases(AliasesCmd::PlanRollback { .. })
            )),
            "{k:?} produced {cmds:?}"
        );
        assert_eq!(app.mode, Mode::Normal, "{k:?} opened {:?}", app.mode);
        assert!(
            app.flash.as_ref().unwrap().text.contains("read-only"),
            "{k:?}"
        );
    }
}

#[test]
fn promote_without_canary_explains_instead_of_asking() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('p')); // alias "canary" routes to 4 only
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("no canary to promote")
    );
}

#[test]
fn rollback_is_planned_by_the_runtime_then_confirmed() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('j'));
    let cmds = key(&mut app, KeyCode::Char('R'));
    assert_eq!(
        cmds,
        vec![Cmd::Aliases(AliasesCmd::PlanRollback {
            generation: 1,
            account: "123456789012".into(),
            function: "user-signup".into(),
            alias: "live".into()
        })]
    );
    app.update(Msg::Aliases(AliasesMsg::RollbackPlanned {
        generation: 1,
        result: Err("lambdash has not changed user-signup:live".into()),
    }));
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.flash.as_ref().unwrap().text.contains("has not changed"));
}

#[test]
fn publish_asks_for_a_description_then_confirms() {
    let mut app = with_aliases(false);
    key(&mut app, KeyCode::Char('P'));
    typed(&mut app, "hotfix");
    key(&mut app, KeyCode::Enter);
    let Mode::Confirm(confirm) = app.mode.clone() else {
        panic!("expected confirm, got {:?}", app.mode);
    };
    assert_eq!(
        confirm.write,
        crate::writes::Write::PublishVersion {
            function: "user-signup".into(),
            description: "hotfix".into()
        }
    );
}

#[test]
fn a_finished_write_is_flashed_and_the_aliases_reloaded() {
    let mut app = with_aliases(false);
    let cmds = app.update(Msg::WriteDone {
        generation: 1,
        result: Ok("user-signup:live now routes 4".into()),
    });
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Aliases(AliasesCmd::Fetch { .. })]
    ));
    assert!(app.flash.as_ref().unwrap().text.contains("now routes 4"));
    let cmds = app.update(Msg::WriteDone {
        generation: 1,
        result: Err("UpdateAlias: PreconditionFailedException".into()),
    });
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Aliases(AliasesCmd::Fetch { .. })]
    ));
    assert_eq!(app.flash.as_ref().unwrap().level, FlashLevel::Error);
}

pub(crate) fn alarm(
    name: &str,
    state: crate::domain::alarm::AlarmState,
    function: &str,
) -> crate::domain::alarm::Alarm {
    let mut a = crate::domain::alarm::Alarm::new(name, state);
    a.namespace = Some("AWS/Lambda".into());
    a.metric = Some("Errors".into());
    a.dimensions.insert("FunctionName".into(), function.into());
    a.threshold = Some(5.0);
    a.comparison = Some("GreaterThanThreshold".into());
    a.statistic = Some("Sum".into());
    a.period_s = Some(60);
    a.evaluation_periods = Some(1);
    a.reason = format!(
        "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0) for {name}"
    );
    a.updated = Some(t0() - chrono::Duration::minutes(7));
    a.actions_enabled = true;
    a.alarm_actions = vec!["arn:aws:sns:us-east-1:123456789012:oncall".into()];
    a
}

pub(crate) fn with_alarms() -> App {
    use crate::domain::alarm::AlarmState;
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = key(&mut app, KeyCode::Char('A'));
    assert_eq!(app.view, View::Alarms);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Functions)));
    assert!(cmds.iter().any(|c| matches!(
        c,
        Cmd::StartPoller {
            kind: PollerKind::Alarms,
            ..
        }
    )));
    let mut muted = alarm("orders-api-throttles", AlarmState::Ok, "orders-api");
    muted.actions_enabled = false;
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Ok(vec![
            alarm("orders-api-errors", AlarmState::Ok, "orders-api"),
            alarm(
                "payments-webhook-errors",
                AlarmState::Alarm,
                "payments-webhook",
            ),
            muted,
        ]),
        now: t0(),
    }));
    app
}

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

pub(crate) fn log_event(ms_after_t0: i64, message: &str) -> crate::domain::log::LogEvent {
    crate::domain::log::LogEvent {
        function: "orders-api".into(),
        stream: "2026/11/21/[$LATEST]0123456789abcdef".into(),
        event_id: format!("{ms_after_t0:020}"),
        timestamp: t0() + chrono::Duration::milliseconds(ms_after_t0),
        ingestion_time: None,
        message: format!("{message}\n"),
    }
}

pub(crate) fn demo_log_events() -> Vec<crate::domain::log::LogEvent> {
    let rid = "8f5e2a10-1111-4222-8333-444455556666";
    vec![
        log_event(0, &format!("START RequestId: {rid} Version: $LATEST")),
        log_event(
            3,
            r#"{"level":"INFO","message":"order accepted","service":"orders","order_id":"o-17","cold_start":true}"#,
        ),
        log_event(9, "[WARN] inventory lookup slow: 812 ms"),
        log_event(12, &format!("[ERROR] {rid} KeyError: 'sku'")),
        log_event(15, &format!("END RequestId: {rid}")),
        log_event(
            16,
            &format!(
                "REPORT RequestId: {rid}\tDuration: 15.20 ms\tBilled Duration: 16 ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\tInit Duration: 245.12 ms\t"
            ),
        ),
    ]
}

/// The logs pane of `orders-api`, with the demo events in.
pub(crate) fn with_logs() -> App {
    let mut app = loaded(&["orders-api"]);
    let cmds = key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.view, View::Logs);
    let Some(Cmd::Logs(LogsCmd::Start {
        session,
        functions,
        last_n,
        ..
    })) = cmds.last().cloned()
    else {
        panic!("expected StartLogs, got {cmds:?}");
    };
    assert_eq!(functions, vec!["orders-api"]);
    assert_eq!(
        last_n, 200,
        "opening shows the last 200 events whatever their age"
    );
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: demo_log_events(),
    }));
    app
}

fn logs(app: &App) -> &logs::LogsPane {
    app.logs.as_ref().unwrap()
}

#[test]
fn opening_logs_stops_the_list_poller_and_starts_the_tail() {
    let mut app = loaded(&["orders-api"]);
    let cmds = key(&mut app, KeyCode::Char('l'));
    assert_eq!(cmds[0], Cmd::StopPoller(PollerKind::Functions));
    assert!(matches!(cmds[1], Cmd::Logs(LogsCmd::Start { .. })));
    assert!(app.busy(), "spinner ticks while the first events load");
}

#[test]
fn paused_tail_counts_new_lines_instead_of_scrolling() {
    let mut app = with_logs();
    assert!(logs(&app).follow);
    key(&mut app, KeyCode::Char('f'));
    assert!(!logs(&app).follow);
    let cursor = logs(&app).cursor;
    let session = logs(&app).session;
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![log_event(100, "later"), log_event(101, "later still")],
    }));
    assert_eq!(logs(&app).new_while_paused, 2);
    assert_eq!(logs(&app).cursor, cursor, "the view did not move");
    key(&mut app, KeyCode::Char(' '));
    assert!(logs(&app).follow);
    assert_eq!(logs(&app).new_while_paused, 0);
}

#[test]
fn moving_up_pauses_and_g_g_resumes() {
    let mut app = with_logs();
    key(&mut app, KeyCode::Char('k'));
    assert!(!logs(&app).follow);
    key(&mut app, KeyCode::Char('G'));
    assert!(logs(&app).follow);
}

#[test]
fn e_jumps_to_the_next_error_line() {
    let mut app = with_logs();
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('e'));
    assert!(
        logs(&app)
            .selected_line()
            .unwrap()
            .event
            .message
            .contains("KeyError")
    );
}

#[test]
fn slash_searches_the_buffer_and_n_moves_between_matches() {
    let mut app = with_logs();
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "requestid");
    key(&mut app, KeyCode::Enter);
    assert_eq!(logs(&app).search, "requestid");
    assert_eq!(logs(&app).matches().len(), 3);
    let first = logs(&app).cursor;
    key(&mut app, KeyCode::Char('n'));
    assert_ne!(logs(&app).cursor, first);
    key(&mut app, KeyCode::Char('N'));
    assert_eq!(logs(&app).cursor, first);
}

#[test]
fn server_filter_restarts_the_tail_and_drops_the_old_session() {
    let mut app = with_logs();
    let old = logs(&app).session;
    key(&mut app, KeyCode::Char('F'));
    typed(&mut app, "ERROR");
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(cmds[0], Cmd::StopPoller(PollerKind::Logs));
    let Cmd::Logs(LogsCmd::Start {
        session, filter, ..
    }) = &cmds[1]
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(filter.as_deref(), Some("ERROR"));
    assert_ne!(*session, old);
    assert!(logs(&app).buffer.lines.is_empty(), "the buffer starts over");
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session: old,
        events: vec![log_event(500, "from the old tail")],
    }));
    assert!(
        logs(&app).buffer.lines.is_empty(),
        "events of the old session are dropped"
    );
}

#[test]
fn invocations_view_lists_one_row_per_request_and_enter_shows_its_lines() {
    let mut app = with_logs();
    key(&mut app, KeyCode::Char('i'));
    assert_eq!(app.scope(), Scope::Invocations);
    let rows = logs(&app).invocation_rows();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].cold_start());
    assert!(rows[0].error);
    key(&mut app, KeyCode::Enter);
    let LogsView::Invocation { request_id } = &logs(&app).view else {
        panic!("{:?}", logs(&app).view)
    };
    assert_eq!(request_id, "8f5e2a10-1111-4222-8333-444455556666");
    assert!(logs(&app).visible().len() >= 4);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.scope(), Scope::Invocations);
    key(&mut app, KeyCode::Esc);
    assert_eq!(logs(&app).view, LogsView::Lines);
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Functions);
    assert!(
        cmds.contains(&Cmd::StopPoller(PollerKind::Logs)),
        "leaving the pane stops the tail"
    );
}

#[test]
fn y_copies_the_line_and_s_saves_the_buffer() {
    let mut app = with_logs();
    let cmds = key(&mut app, KeyCode::Char('y'));
    let [Cmd::Copy(text)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(text.starts_with("REPORT RequestId"), "{text}");
    assert!(!text.ends_with('\n'));
    let cmds = key(&mut app, KeyCode::Char('s'));
    let [Cmd::Logs(LogsCmd::SaveFile { path, text })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(path.starts_with("lambdash-orders-api-"));
    assert_eq!(text.lines().count(), 6);
    assert!(text.contains("2026-11-21T17:00:00.012Z orders-api [ERROR]"));
}

#[test]
fn throttling_is_shown_and_never_fatal() {
    let mut app = with_logs();
    let session = logs(&app).session;
    app.update(Msg::Logs(LogsMsg::State {
        generation: 1,
        session,
        state: msg::LogsPoll::Throttled {
            retry_in: Duration::from_secs(4),
        },
        now: t0(),
    }));
    assert!(matches!(
        logs(&app).state,
        logs::TailState::Throttled { .. }
    ));
    assert_eq!(app.view, View::Logs);
    assert_eq!(logs(&app).buffer.lines.len(), 6, "lines kept");
}

#[test]
fn alarm_jump_opens_the_alarms_function_logs() {
    let mut app = with_alarms();
    let cmds = key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.view, View::Logs);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Alarms)));
    assert_eq!(logs(&app).functions, vec!["payments-webhook"]);
}

#[test]
fn space_marks_functions_and_l_tails_them_together() {
    let mut app = loaded(&["a", "b", "c"]);
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.functions.marked.len(), 2);
    let cmds = key(&mut app, KeyCode::Char('l'));
    let Some(Cmd::Logs(LogsCmd::Start { functions, .. })) = cmds.last() else {
        panic!("{cmds:?}")
    };
    assert_eq!(functions, &vec!["a".to_string(), "b".to_string()]);
}

/// A batch for `functions` as moto answers: sums and a `Maximum` stand-in for the refused p99.
pub(crate) fn row_batch(
    functions: &[(&str, f64, f64, f64, f64)],
) -> crate::domain::metrics::MetricsBatch {
    use crate::domain::metrics::{
        MetricSeries, MetricsBatch, SeriesResult, SeriesStatus, Stat, row_series,
    };
    let end = t0();
    let start = end - chrono::Duration::hours(1);
    let mut results = Vec::new();
    for (name, invocations, errors, throttles, max_ms) in functions {
        let [inv, err, thr, p99] = row_series(name);
        let spread = |total: f64| -> Vec<(DateTime<Utc>, f64)> {
            (0..6)
                .map(|i| {
                    (
                        start + chrono::Duration::minutes(10 * i + 5),
                        total / 6.0 * (1.0 + i as f64 / 5.0) / 1.6,
                    )
                })
                .collect()
        };
        for (key, total) in [(inv, *invocations), (err, *errors), (thr, *throttles)] {
            results.push(SeriesResult {
                series: MetricSeries {
                    key,
                    period_s: 60,
                    points: spread(total),
                },
                status: SeriesStatus::Ok,
            });
        }
        results.push(SeriesResult {
            series: MetricSeries {
                key: p99.clone(),
                period_s: 60,
                points: vec![],
            },
            status: SeriesStatus::PercentilesUnavailable,
        });
        results.push(SeriesResult {
            series: MetricSeries {
                key: p99.with_stat(Stat::Maximum),
                period_s: 60,
                points: vec![(start, *max_ms)],
            },
            status: SeriesStatus::Ok,
        });
    }
    MetricsBatch {
        start,
        end,
        period_s: 60,
        results,
        calls: 2,
        metrics_requested: 4 * functions.len() as u64,
        percentiles_unavailable: true,
    }
}

fn tick(app: &mut App, secs: i64) -> Vec<Cmd> {
    app.update(Msg::Tick {
        now: t0() + chrono::Duration::seconds(secs),
        api_calls_total: 0,
    })
}

#[test]
fn row_metrics_are_fetched_for_visible_rows_once_per_period() {
    let names: Vec<String> = (0..50).map(|i| format!("fn-{i:02}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut app = loaded(&refs);
    // Sorted by a function field: only the rows on screen (a metric sort fetches every row).
    app.functions.sort = SortColumn::Name;
    app.layout.table_body = Rect::new(0, 3, 80, 10);
    let cmds = tick(&mut app, 1);
    let [
        Cmd::FetchRowMetrics {
            request, functions, ..
        },
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(functions.len(), 10, "only the rows on screen");
    assert!(tick(&mut app, 2).is_empty(), "one request at a time");
    app.update(Msg::Functions(FunctionsMsg::RowMetrics {
        generation: 1,
        request: *request,
        result: Ok(Box::new(row_batch(&[("fn-00", 10.0, 1.0, 0.0, 120.0)]))),
        now: t0() + chrono::Duration::seconds(2),
    }));
    assert!(tick(&mut app, 30).is_empty(), "not faster than the period");
    key(&mut app, KeyCode::PageDown);
    let cmds = tick(&mut app, 31);
    let [Cmd::FetchRowMetrics { functions, .. }] = cmds.as_slice() else {
        panic!("scrolling to new rows fetches them: {cmds:?}")
    };
    assert!(functions.contains(&"fn-10".to_string()));
    assert!(
        functions.contains(&"fn-00".to_string()),
        "covered rows stay covered"
    );
}

#[test]
fn row_metrics_never_fetch_for_a_hidden_pane_and_back_off_after_a_failure() {
    let mut app = loaded(&["a"]);
    let cmds = tick(&mut app, 1);
    let [Cmd::FetchRowMetrics { request, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    app.update(Msg::Functions(FunctionsMsg::RowMetrics {
        generation: 1,
        request: *request,
        result: Err("GetMetricData: throttled".into()),
        now: t0(),
    }));
    assert!(tick(&mut app, 10).is_empty(), "no retry storm");
    assert_eq!(app.row_metrics.error(), Some("GetMetricData: throttled"));
    key(&mut app, KeyCode::Enter);
    assert!(
        tick(&mut app, 120).is_empty(),
        "the detail view hides the table"
    );
}

// ---------------------------------------------------------------------------------------------------
// DLQ pane

pub(crate) fn dlq(
    name: &str,
    kind: crate::domain::dlq::DlqKind,
    function: &str,
    visible: u64,
) -> crate::domain::dlq::Dlq {
    crate::domain::dlq::Dlq {
        queue_url: Some(format!(
            "https://sqs.us-east-1.amazonaws.com/123456789012/{name}"
        )),
        queue_arn: format!("arn:aws:sqs:us-east-1:123456789012:{name}"),
        name: name.to_string(),
        kind,
        kinds: vec![kind],
        functions: vec![function.to_string()],
        source_queue_arn: None,
        inspectable: true,
        fifo: false,
        visible,
        in_flight: 0,
        delayed: 0,
        oldest_age_s: (visible > 0).then_some(3_720),
        age_source: (visible > 0).then_some(crate::domain::dlq::AgeSource::CloudWatch),
        age_unavailable: (visible == 0).then_some(crate::domain::dlq::AgeUnavailable::Empty),
    }
}

pub(crate) fn dlqs() -> Vec<crate::domain::dlq::Dlq> {
    use crate::domain::dlq::DlqKind;
    let mut source = dlq(
        "orders-dlq",
        DlqKind::SourceQueueRedrivePolicy,
        "orders-api",
        42,
    );
    source.in_flight = 2;
    source.source_queue_arn = Some("arn:aws:sqs:us-east-1:123456789012:orders".into());
    let mut sns = dlq(
        "payments-alerts",
        DlqKind::AsyncDeadLetterConfig,
        "payments-webhook",
        0,
    );
    sns.queue_url = None;
    sns.queue_arn = "arn:aws:sns:us-east-1:123456789012:payments-alerts".into();
    sns.inspectable = false;
    vec![
        source,
        dlq(
            "payments-failures",
            DlqKind::AsyncOnFailureDestination,
            "payments-webhook",
            0,
        ),
        sns,
    ]
}

pub(crate) fn discovery(dlqs: Vec<crate::domain::dlq::Dlq>) -> crate::aws::dlq::DlqDiscovery {
    crate::aws::dlq::DlqDiscovery {
        dlqs,
        ..crate::aws::dlq::DlqDiscovery::default()
    }
}

/// The DLQ pane open from the functions pane, with three queues listed.
pub(crate) fn with_dlqs() -> App {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = key(&mut app, KeyCode::Char('D'));
    assert_eq!(app.view, View::Dlq);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Functions)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::Dlq(DlqCmd::StartPoller { .. })))
    );
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(dlqs())),
        now: t0(),
    }));
    app
}

pub(crate) fn dlq_message(id: &str, body: &str) -> crate::domain::dlq::DlqMessage {
    let mut attributes = std::collections::BTreeMap::new();
    attributes.insert(
        "SentTimestamp".to_string(),
        (t0() - chrono::Duration::minutes(62))
            .timestamp_millis()
            .to_string(),
    );
    attributes.insert("ApproximateReceiveCount".to_string(), "4".to_string());
    crate::domain::dlq::DlqMessage {
        message_id: id.to_string(),
        receipt_handle: format!("handle-{id}"),
        body: body.to_string(),
        md5: None,
        attributes,
        message_attributes: std::collections::BTreeMap::new(),
    }
}

pub(crate) fn destination_record_body() -> String {
    serde_json::json!({
        "version": "1.0",
        "timestamp": "2026-11-21T15:58:00.000Z",
        "requestContext": {
            "requestId": "5f2b7f2e-1111-2222-3333-444455556666",
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:payments-webhook:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3
        },
        "requestPayload": {"order": 1234, "amount": 99.5},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorType": "KeyError", "errorMessage": "'customer'"}
    })
    .to_string()
}

/// `p` on the selected queue, answered with `messages`.
pub(crate) fn peeked(app: &mut App, messages: Vec<crate::domain::dlq::DlqMessage>) {
    let cmds = key(app, KeyCode::Char('p'));
    let Some(Cmd::Dlq(DlqCmd::Peek { request, n, .. })) = cmds.first().cloned() else {
        panic!("no peek: {cmds:?}");
    };
    assert_eq!(n, 10);
    app.update(Msg::Dlq(DlqMsg::Peeked {
        generation: 1,
        request,
        result: Ok(crate::aws::dlq::Peek {
            messages,
            release_error: None,
            receive_limit: None,
        }),
        now: t0(),
    }));
}

pub(crate) fn redrive_plan() -> crate::domain::dlq::RedrivePlan {
    use crate::domain::dlq::{QueueRef, RedrivePath, RedrivePlan};
    let q = |name: &str| QueueRef {
        url: format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}"),
        arn: format!("arn:aws:sqs:us-east-1:123456789012:{name}"),
        name: name.to_string(),
        fifo: false,
    };
    RedrivePlan {
        from: q("orders-dlq"),
        path: RedrivePath::MoveTask {
            to: q("orders"),
            velocity: None,
        },
        selected: None,
        rate: None,
        visible: 42,
        in_flight: 2,
        notes: Vec::new(),
    }
}

#[test]
fn dlq_pane_opens_from_functions_and_palette_and_keeps_its_poller_for_the_functions_pane() {
    let mut app = with_dlqs();
    assert_eq!(app.dlq.all().len(), 3);
    // Non-empty first.
    assert_eq!(app.dlq.all()[0].name, "orders-dlq");
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Functions);
    // The functions pane flags non-empty DLQs: the poller goes on.
    assert!(!cmds.contains(&Cmd::StopPoller(PollerKind::Dlq)));
    assert!(app.sync_dlq_poller().is_empty());
    // The palette opens it too (no more "not built yet"), without restarting the poller.
    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "dlq");
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Dlq);
    assert!(
        !cmds
            .iter()
            .any(|c| matches!(c, Cmd::Dlq(DlqCmd::StartPoller { .. })))
    );
    assert!(
        app.flash
            .as_ref()
            .is_none_or(|f| !f.text.contains("not built"))
    );
}

#[test]
fn dlq_from_the_detail_lists_only_that_functions_queues() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Detail);
    let cmds = key(&mut app, KeyCode::Char('D'));
    assert_eq!(app.view, View::Dlq);
    assert_eq!(app.dlq.for_function.as_deref(), Some("orders-api"));
    // One poller for every function's queues; the pane shows this function's.
    assert!(cmds.iter().any(|c| matches!(
        c,
        Cmd::Dlq(DlqCmd::StartPoller { plan, .. }) if plan.seed.is_none() && plan.first_in.is_zero()
    )));
    assert!(app.dlq.remote.is_loading());
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(dlqs())),
        now: t0(),
    }));
    assert_eq!(app.dlq.all().len(), 1);
    assert_eq!(app.dlq.all()[0].name, "orders-dlq");
    assert_eq!(app.dlq.known.len(), 3);
}

#[test]
fn dlq_trend_compares_with_the_previous_poll() {
    use crate::domain::dlq::Trend;
    let mut app = with_dlqs();
    let arn = app.dlq.all()[0].queue_arn.clone();
    assert_eq!(app.dlq.trends.get(&arn), Some(&Trend::Unknown));
    let mut more = dlqs();
    more[0].visible = 50;
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(more)),
        now: t0() + chrono::Duration::seconds(30),
    }));
    assert_eq!(app.dlq.trends.get(&arn), Some(&Trend::Growing));
    let mut fewer = dlqs();
    fewer[0].visible = 10;
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(fewer)),
        now: t0() + chrono::Duration::seconds(60),
    }));
    assert_eq!(
        app.dlq.trends.get(&arn),
        Some(&Trend::Growing),
        "the growth is still within the trend window"
    );
    let mut fewer = dlqs();
    fewer[0].visible = 8;
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(fewer)),
        now: t0() + chrono::Duration::minutes(11),
    }));
    assert_eq!(app.dlq.trends.get(&arn), Some(&Trend::Shrinking));
}

#[test]
fn dlq_peek_says_it_increments_the_receive_count_and_shows_the_messages() {
    let mut app = with_dlqs();
    let cmds = key(&mut app, KeyCode::Char('p'));
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::Peek { queue_url, n: 10, .. })] if queue_url.ends_with("/orders-dlq")
    ));
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("increments their receive count")
    );
    assert_eq!(app.scope(), Scope::DlqMessages);
    let Some(Cmd::Dlq(DlqCmd::Peek { request, .. })) = cmds.first().cloned() else {
        unreachable!()
    };
    app.update(Msg::Dlq(DlqMsg::Peeked {
        generation: 1,
        request,
        result: Ok(crate::aws::dlq::Peek {
            messages: vec![
                dlq_message("m-1", r#"{"order": 1}"#),
                dlq_message("m-2", "plain text, customer 42"),
            ],
            release_error: None,
            receive_limit: None,
        }),
        now: t0(),
    }));
    let peek = app.dlq.peek.as_ref().unwrap();
    assert_eq!(peek.all().len(), 2);
    // Search.
    key(&mut app, KeyCode::Char('/'));
    typed(&mut app, "customer");
    key(&mut app, KeyCode::Enter);
    let peek = app.dlq.peek.as_ref().unwrap();
    assert_eq!(peek.visible().len(), 1);
    assert_eq!(peek.selected_message().unwrap().message_id, "m-2");
    // Detail, then export of the one shown.
    key(&mut app, KeyCode::Enter);
    assert!(app.dlq.peek.as_ref().unwrap().detail);
    let cmds = key(&mut app, KeyCode::Char('x'));
    let [Cmd::Logs(LogsCmd::SaveFile { path, text })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(
        std::path::Path::new(path).extension() == Some(std::ffi::OsStr::new("jsonl"))
            && path.contains("orders-dlq"),
        "{path}"
    );
    assert_eq!(text.lines().count(), 1);
    assert!(text.contains("\"m-2\"") && !text.contains("handle-m-2"));
    // Esc: detail → messages (search cleared next) → queues.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    let cmds = key(&mut app, KeyCode::Char('x'));
    let [Cmd::Logs(LogsCmd::SaveFile { text, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(text.lines().count(), 2);
    key(&mut app, KeyCode::Esc);
    assert!(app.dlq.peek.is_none());
    assert_eq!(app.view, View::Dlq);
}

#[test]
fn peeking_an_sns_topic_is_refused() {
    let mut app = with_dlqs();
    key(&mut app, KeyCode::Char('j'));
    assert!(!app.dlq.selected_dlq().unwrap().inspectable);
    let cmds = key(&mut app, KeyCode::Char('p'));
    assert!(cmds.is_empty());
    assert!(app.flash.as_ref().unwrap().text.contains("SNS"));
    key(&mut app, KeyCode::Char('R'));
    assert!(app.dlq.chooser.is_none());
}

fn read_only_dlqs() -> App {
    let mut app = with_dlqs();
    app.read_only = true;
    app
}

#[test]
fn read_only_refuses_redrive_delete_and_purge_without_a_command() {
    let mut app = read_only_dlqs();
    let cmds = key(&mut app, KeyCode::Char('R'));
    assert!(cmds.is_empty());
    assert!(app.dlq.chooser.is_none());
    assert!(app.flash.as_ref().unwrap().text.contains("refused"));
    let cmds = key(&mut app, KeyCode::Char('P'));
    assert!(cmds.is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.flash.as_ref().unwrap().text.contains("refused"));
    // A planned redrive arriving anyway is refused too.
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    assert_eq!(app.mode, Mode::Normal);
    peeked(&mut app, vec![dlq_message("m-1", "x")]);
    let cmds = key(&mut app, KeyCode::Char('d'));
    assert!(cmds.is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.flash.as_ref().unwrap().text.contains("refused"));
}

#[test]
fn redrive_chooses_a_path_plans_it_and_confirms_with_the_at_least_once_promise() {
    let mut app = with_dlqs();
    key(&mut app, KeyCode::Char('R'));
    let chooser = app.dlq.chooser.clone().unwrap();
    assert_eq!(
        chooser.choices,
        vec![
            crate::domain::dlq::PathChoice::SourceQueueMoveTask,
            crate::domain::dlq::PathChoice::OtherQueue
        ]
    );
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::PlanRedrive {
            target: crate::domain::dlq::RedriveTarget::Source,
            selected: None,
            ..
        })]
    ));
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(
        c.lines
            .iter()
            .any(|l| l.contains(crate::domain::dlq::AT_LEAST_ONCE))
    );
    assert!(c.typed_confirmation.is_none());
    let cmds = key(&mut app, KeyCode::Char('y'));
    let [Cmd::Dlq(DlqCmd::Redrive { run, cancel, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let (run, cancel) = (*run, cancel.clone());
    assert!(app.dlq.redrive.is_some());
    // Progress updates the pane.
    app.update(Msg::Dlq(DlqMsg::RedriveProgress {
        generation: 1,
        run,
        progress: crate::domain::dlq::RedriveProgress {
            moved: 20,
            failed: 1,
            remaining: Some(21),
            note: None,
        },
    }));
    let p = &app.dlq.redrive.as_ref().unwrap().progress;
    assert_eq!((p.moved, p.failed, p.remaining), (20, 1, Some(21)));
    // A second redrive is refused while one runs.
    key(&mut app, KeyCode::Char('R'));
    assert!(app.dlq.chooser.is_none());
    // Esc cancels (sets the flag the callback reads) instead of leaving.
    assert!(!cancel.is_cancelled());
    key(&mut app, KeyCode::Esc);
    assert!(cancel.is_cancelled());
    assert_eq!(app.view, View::Dlq);
    // The end: summary flash and a refresh of the list.
    let mut summary = crate::domain::dlq::RedriveSummary::dry_run(&redrive_plan());
    summary.dry_run = false;
    summary.moved = 20;
    summary.cancelled = true;
    let cmds = app.update(Msg::Dlq(DlqMsg::RedriveDone {
        generation: 1,
        run,
        result: Ok(Box::new(summary)),
    }));
    assert_eq!(cmds, vec![Cmd::RefreshNow(PollerKind::Dlq)]);
    assert!(app.dlq.redrive.is_none());
    assert!(app.flash.as_ref().unwrap().text.contains("moved 20"));
}

#[test]
fn c_cancels_a_running_redrive() {
    let mut app = with_dlqs();
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let cmds = key(&mut app, KeyCode::Enter);
    let [Cmd::Dlq(DlqCmd::Redrive { cancel, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    key(&mut app, KeyCode::Char('c'));
    assert!(cancel.is_cancelled());
}

#[test]
fn purge_requires_the_exact_queue_name() {
    let mut app = with_dlqs();
    let cmds = key(&mut app, KeyCode::Char('P'));
    assert!(cmds.is_empty());
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(c.typed_confirmation.as_deref(), Some("orders-dlq"));
    // y does not confirm: it is typed.
    let cmds = key(&mut app, KeyCode::Char('y'));
    assert!(cmds.is_empty());
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty());
    assert!(matches!(app.mode, Mode::Confirm(_)));
    key(&mut app, KeyCode::Backspace);
    typed(&mut app, "orders-dl");
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    typed(&mut app, "q");
    let cmds = key(&mut app, KeyCode::Enter);
    let [Cmd::Write { write, .. }] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(matches!(
        write.as_ref(),
        Write::Dlq(crate::writes::DlqWrite::Purge { visible: 42, .. })
    ));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn delete_a_peeked_message_requires_the_queue_name_and_drops_it_when_done() {
    let mut app = with_dlqs();
    peeked(
        &mut app,
        vec![dlq_message("m-1", "a"), dlq_message("m-2", "b")],
    );
    key(&mut app, KeyCode::Char('d'));
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(c.typed_confirmation.as_deref(), Some("orders-dlq"));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal);
    key(&mut app, KeyCode::Char('d'));
    typed(&mut app, "orders-dlq");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Write { write, .. }] if matches!(write.as_ref(), Write::Dlq(crate::writes::DlqWrite::Delete { message_ids, .. }) if message_ids == &vec!["m-1".to_string()])
    ));
    let cmds = app.update(Msg::WriteDone {
        generation: 1,
        result: Ok("deleted 1 message(s) from orders-dlq".into()),
    });
    assert_eq!(cmds, vec![Cmd::RefreshNow(PollerKind::Dlq)]);
    let peek = app.dlq.peek.as_ref().unwrap();
    assert_eq!(peek.all().len(), 1);
    assert_eq!(peek.all()[0].message_id, "m-2");
}

#[test]
fn redrive_of_a_selected_message_to_another_queue_asks_for_the_queue() {
    let mut app = with_dlqs();
    peeked(&mut app, vec![dlq_message("m-1", "a")]);
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert!(matches!(
        &app.mode,
        Mode::Input { purpose: InputPurpose::RedriveQueue { message_ids: Some(ids), .. }, .. } if ids == &vec!["m-1".to_string()]
    ));
    typed(&mut app, "orders-replay");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::PlanRedrive { target: crate::domain::dlq::RedriveTarget::Queue(q), selected: Some(_), .. })] if q == "orders-replay"
    ));
}

#[test]
fn dlq_discovery_error_keeps_the_rows() {
    let mut app = with_dlqs();
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Err("ListFunctions: cannot reach the endpoint".into()),
        now: t0(),
    }));
    assert_eq!(app.dlq.all().len(), 3);
    assert!(app.dlq.remote.error().is_some());
}

// ---- Logs: time ranges, backfill, Live Tail / polling (issue #3) ----

fn start_logs(
    cmds: &[Cmd],
) -> (
    u64,
    Option<crate::logs::range::RangeSpec>,
    crate::domain::log::TailMode,
) {
    assert_eq!(
        cmds.first(),
        Some(&Cmd::StopPoller(PollerKind::Logs)),
        "{cmds:?}"
    );
    match cmds.last() {
        Some(Cmd::Logs(LogsCmd::Start {
            session,
            range,
            mode,
            ..
        })) => (*session, *range, *mode),
        other => panic!("expected StartLogs, got {other:?}"),
    }
}

fn logs_info(app: &mut App, session: u64, info: crate::domain::log::TailInfo) {
    app.update(Msg::Logs(LogsMsg::Info {
        generation: 1,
        session,
        info,
    }));
}

#[test]
fn range_keys_refetch_in_a_new_session_with_progress_then_follow() {
    use crate::domain::log::TailInfo;
    use crate::logs::range::RangeSpec;
    let mut app = with_logs();
    let old = logs(&app).session;
    let (session, range, _) = start_logs(&key(&mut app, KeyCode::Char('2')));
    assert_ne!(session, old);
    assert_eq!(range, Some(RangeSpec::Last(Duration::from_hours(1))));
    assert!(
        logs(&app).buffer.lines.is_empty(),
        "the range is fetched afresh"
    );
    assert_eq!(logs(&app).backfill, Some(logs::BackfillState::default()));
    logs_info(
        &mut app,
        session,
        TailInfo::Backfill {
            done: 3,
            total: 8,
            events: 120,
        },
    );
    // The old session's late answers are dropped.
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session: old,
        events: vec![log_event(5, "from the old tail")],
    }));
    logs_info(
        &mut app,
        old,
        TailInfo::Backfill {
            done: 8,
            total: 8,
            events: 1,
        },
    );
    assert!(logs(&app).buffer.lines.is_empty());
    assert_eq!(
        logs(&app).backfill,
        Some(logs::BackfillState {
            done: 3,
            total: 8,
            events: 120
        })
    );
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![log_event(5, "from the range")],
    }));
    logs_info(
        &mut app,
        session,
        TailInfo::BackfillDone { following: true },
    );
    assert_eq!(logs(&app).backfill, None);
    assert_eq!(logs(&app).buffer.lines.len(), 1);
    assert!(app.flash.as_ref().unwrap().text.contains("last 1h"));
    // Each preset is its range.
    for (c, hours) in [('1', 0.25), ('3', 3.0), ('4', 24.0)] {
        let (_, range, _) = start_logs(&key(&mut app, KeyCode::Char(c)));
        assert_eq!(
            range,
            Some(RangeSpec::Last(Duration::from_secs_f64(hours * 3600.0)))
        );
    }
}

#[test]
fn esc_cancels_a_running_backfill_and_its_results_are_dropped() {
    let mut app = with_logs();
    let (backfill, range, _) = start_logs(&key(&mut app, KeyCode::Char('4')));
    assert!(range.is_some());
    let (session, range, _) = start_logs(&key(&mut app, KeyCode::Esc));
    assert_eq!(range, None, "back to the last lines, then follow");
    assert_eq!(
        app.view,
        View::Logs,
        "Esc cancelled, it did not leave the pane"
    );
    assert!(app.flash.as_ref().unwrap().text.contains("cancelled"));
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session: backfill,
        events: vec![log_event(5, "late slice")],
    }));
    assert!(logs(&app).buffer.lines.is_empty());
    assert_eq!(logs(&app).session, session);
    // Choosing another range while one runs cancels it the same way (new session).
    key(&mut app, KeyCode::Char('1'));
    let (newer, _, _) = start_logs(&key(&mut app, KeyCode::Char('2')));
    assert!(newer > session + 1);
}

#[test]
fn typed_range_is_parsed_and_invalid_input_changes_nothing() {
    use crate::logs::range::RangeSpec;
    let mut app = with_logs();
    let session = logs(&app).session;
    assert!(key(&mut app, KeyCode::Char('R')).is_empty());
    typed(&mut app, "soon");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(logs(&app).session, session);
    assert!(!logs(&app).buffer.lines.is_empty(), "the lines stay");
    let flash = app.flash.as_ref().unwrap();
    assert_eq!(flash.level, FlashLevel::Error);
    assert!(flash.text.contains("range not changed"), "{}", flash.text);
    assert!(flash.text.contains("neither a duration"), "{}", flash.text);

    key(&mut app, KeyCode::Char('R'));
    typed(&mut app, "2h");
    let (_, range, _) = start_logs(&key(&mut app, KeyCode::Enter));
    assert_eq!(range, Some(RangeSpec::Last(Duration::from_hours(2))));
}

#[test]
fn a_past_range_is_shown_not_followed_and_esc_returns_to_the_tail() {
    use crate::domain::log::TailInfo;
    let mut app = with_logs();
    key(&mut app, KeyCode::Char('R'));
    typed(&mut app, "2026-11-21T10:00..11:00");
    let (session, range, _) = start_logs(&key(&mut app, KeyCode::Enter));
    assert!(!range.unwrap().follows());
    logs_info(
        &mut app,
        session,
        TailInfo::BackfillDone { following: false },
    );
    assert_eq!(logs(&app).state, logs::TailState::RangeShown);
    assert_eq!(logs(&app).backfill, None);
    let (_, range, _) = start_logs(&key(&mut app, KeyCode::Esc));
    assert_eq!(range, None);
    assert_eq!(app.view, View::Logs);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Functions, "a second Esc leaves the pane");
}

#[test]
fn l_cycles_the_tail_mode_and_restarts_the_tail_keeping_filter_and_range() {
    use crate::domain::log::TailMode;
    let mut app = with_logs();
    assert_eq!(logs(&app).mode, TailMode::Auto);
    key(&mut app, KeyCode::Char('F'));
    typed(&mut app, "ERROR");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('1'));
    let mut modes = Vec::new();
    for _ in 0..3 {
        let cmds = key(&mut app, KeyCode::Char('L'));
        let (_, range, mode) = start_logs(&cmds);
        assert!(range.is_some(), "the range is kept");
        let Some(Cmd::Logs(LogsCmd::Start { filter, .. })) = cmds.last() else {
            panic!()
        };
        assert_eq!(filter.as_deref(), Some("ERROR"), "the filter is kept");
        modes.push(mode);
    }
    assert_eq!(modes, [TailMode::Live, TailMode::Poll, TailMode::Auto]);
}

#[test]
fn the_configured_mode_is_used_when_the_pane_opens() {
    use crate::domain::log::TailMode;
    let mut app = loaded(&["orders-api"]);
    app.config.logs_mode = TailMode::Poll;
    let cmds = key(&mut app, KeyCode::Char('l'));
    assert!(matches!(
        cmds.last(),
        Some(Cmd::Logs(LogsCmd::Start {
            mode: TailMode::Poll,
            range: None,
            ..
        }))
    ));
}

#[test]
fn transport_sets_the_badge_and_a_fall_back_says_why() {
    use crate::domain::log::{TailInfo, Transport};
    let mut app = with_logs();
    let session = logs(&app).session;
    logs_info(
        &mut app,
        session,
        TailInfo::Transport(Transport::Live { sampled: false }),
    );
    assert_eq!(
        logs(&app).transport,
        Some(Transport::Live { sampled: false })
    );
    logs_info(
        &mut app,
        session,
        TailInfo::Transport(Transport::Live { sampled: true }),
    );
    assert!(app.flash.as_ref().unwrap().text.contains("sampling"));
    let why = "Live Tail stream closed after 0.1s: the endpoint only sends a snapshot";
    logs_info(
        &mut app,
        session,
        TailInfo::Transport(Transport::Polling {
            why: Some(why.into()),
        }),
    );
    let flash = app.flash.as_ref().unwrap();
    assert_eq!(flash.level, FlashLevel::Warn);
    assert!(flash.text.contains(why), "{}", flash.text);
    // Another session's word is not this tail's.
    logs_info(
        &mut app,
        session + 100,
        TailInfo::Transport(Transport::Live { sampled: false }),
    );
    assert!(matches!(
        logs(&app).transport,
        Some(Transport::Polling { .. })
    ));
}

#[test]
fn search_matches_stay_right_as_lines_arrive_and_the_ring_evicts() {
    let mut app = with_logs();
    let session = logs(&app).session;
    app.logs.as_mut().unwrap().search = "needle".into();
    assert_eq!(logs(&app).match_count(), 0);
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![log_event(10, "a NEEDLE"), log_event(11, "hay")],
    }));
    assert_eq!(logs(&app).match_count(), 1, "new lines are scanned");
    let at = logs(&app).matches()[0];
    assert_eq!(
        logs(&app).buffer.lines.get(at).unwrap().event.text(),
        "a NEEDLE"
    );
    // A small ring: old lines (and their matches) go, indices follow.
    let pane = app.logs.as_mut().unwrap();
    pane.buffer.lines.set_capacity(pane.buffer.lines.len());
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: (0..7).map(|i| log_event(20 + i, "needle again")).collect(),
    }));
    let pane = logs(&app);
    let found = pane.matches();
    assert_eq!(found.len(), 7, "a NEEDLE was evicted, the new ones match");
    for i in found {
        assert_eq!(
            pane.buffer.lines.get(i).unwrap().event.text(),
            "needle again"
        );
    }
    // Another query starts over.
    app.logs.as_mut().unwrap().search = "hay".into();
    assert_eq!(logs(&app).matches(), [0], "hay is now the oldest line");
}

#[test]
fn copied_and_saved_lines_carry_no_raw_control_characters() {
    let mut app = loaded(&["orders-api"]);
    let cmds = key(&mut app, KeyCode::Char('l'));
    let Some(Cmd::Logs(LogsCmd::Start { session, .. })) = cmds.last().cloned() else {
        panic!("{cmds:?}")
    };
    let hostile = "pay\t\x1b]52;c;ZXZpbA==\x07 \x1b[2J\r\u{9b}31m \u{202e}x\nrm -rf ~\n";
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![log_event(1, hostile)],
    }));
    let cmds = key(&mut app, KeyCode::Char('y'));
    let [Cmd::Copy(text)] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(text.starts_with("pay\t\\x1b]52;c;"), "tab kept: {text:?}");
    assert!(
        !text
            .chars()
            .any(|c| c != '\t' && crate::sanitize::is_unsafe(c)),
        "{text:?}"
    );
    let cmds = key(&mut app, KeyCode::Char('s'));
    let [Cmd::Logs(LogsCmd::SaveFile { text, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(text.contains("pay\t\\x1b]52;c;"), "{text:?}");
    assert!(
        text.contains("\\x0d\\u{9b}31m \\u{202e}x\nrm -rf ~"),
        "{text:?}"
    );
    assert!(
        !text
            .chars()
            .any(|c| c != '\t' && c != '\n' && crate::sanitize::is_unsafe(c)),
        "{text:?}"
    );
}
