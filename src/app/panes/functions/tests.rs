//! The functions pane through `App::update`: paged refreshes, moving, filtering, sorting and row metrics.

use crossterm::event::KeyCode;
use ratatui::layout::Rect;

use crate::app::test_support::{app, function, key, loaded, names, row_batch, t0, tick, typed};
use crate::app::*;

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
