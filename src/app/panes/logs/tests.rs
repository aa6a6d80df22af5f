//! The logs pane through `App::update`: the tail, pause, search, server filter, invocations, time ranges,
//! backfill and the tail mode.

use crossterm::event::KeyCode;

use crate::app::test_support::{key, loaded, log_event, t0, typed, with_alarms, with_logs};
use crate::app::*;

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
