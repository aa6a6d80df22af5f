//! Snapshots of the shell and the panes on ratatui's `TestBackend`, in every state they can be in.

use crate::app::{AlarmsMsg, AliasesMsg, DlqMsg, FunctionsMsg, LogsMsg};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::app::tests::{app, function, loaded, t0};
use crate::app::{App, Msg};
use crate::domain::{AsyncConfig, EnvVar, EventSource, FunctionDetail};

pub(super) fn draw(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut layout = None;
    terminal
        .draw(|f| layout = Some(super::render(app, f)))
        .unwrap();
    app.layout = layout.unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn demo_names() -> Vec<&'static str> {
    vec![
        "orders-api",
        "payments-webhook",
        "thumbnail-resizer",
        "nightly-report",
        "email-sender",
    ]
}

fn detail() -> FunctionDetail {
    let mut f = function("orders-api", "python3.12", 512);
    f.architecture = "arm64".into();
    FunctionDetail {
        function: f,
        handler: Some("app.handler".into()),
        role: "arn:aws:iam::123456789012:role/lambda-orders".into(),
        description: "Orders REST API".into(),
        env: vec![
            EnvVar {
                name: "DB_PASSWORD".into(),
                value: "hunter2".into(),
            },
            EnvVar {
                name: "LOG_LEVEL".into(),
                value: "INFO\x1b[31m".into(),
            },
        ],
        layers: vec!["arn:aws:lambda:us-east-1:123456789012:layer:powertools:3".into()],
        vpc_subnets: vec![],
        vpc_security_groups: vec![],
        reserved_concurrency: Some(50),
        dead_letter_target: None,
        async_config: Some(AsyncConfig {
            on_failure: Some("arn:aws:sqs:us-east-1:123456789012:orders-failures".into()),
            on_success: None,
            max_retry_attempts: Some(2),
            max_event_age_s: Some(3600),
        }),
        event_sources: vec![EventSource {
            uuid: "u-1".into(),
            source_arn: "arn:aws:sqs:us-east-1:123456789012:orders-queue".into(),
            state: "Enabled".into(),
            batch_size: Some(10),
            on_failure: None,
        }],
        tags: [("team".to_string(), "checkout".to_string())]
            .into_iter()
            .collect(),
        log_format: Some("JSON".into()),
        ephemeral_storage_mb: Some(512),
        version: "$LATEST".into(),
        partial_errors: vec![],
    }
}

fn with_detail(reveal: bool) -> App {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        app.functions.selected_function().unwrap().name,
        "orders-api"
    );
    key(&mut app, KeyCode::Enter);
    let request = app.detail.as_ref().unwrap().request;
    app.update(Msg::Detail {
        generation: 1,
        request,
        result: Ok(Box::new(detail())),
        now: t0(),
    });
    if reveal {
        key(&mut app, KeyCode::Char('v'));
    }
    app
}

#[test]
fn functions_loading_before_connect() {
    let mut app = app();
    insta::assert_snapshot!(draw(&mut app, 100, 12));
}

#[test]
fn functions_ready() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!(draw(&mut app, 120, 12));
}

#[test]
fn functions_empty_account() {
    let mut app = loaded(&[]);
    insta::assert_snapshot!(draw(&mut app, 100, 10));
}

#[test]
fn functions_error_keeps_stale_rows() {
    let mut app = loaded(&demo_names());
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
    insta::assert_snapshot!(draw(&mut app, 120, 12));
}

#[test]
fn functions_error_without_data() {
    let mut app = app();
    app.update(Msg::ConnectFailed {
        generation: 1,
        error: "credentials for profile \"prod\" are missing or expired: run `aws sso login --profile prod`".into(),
    });
    insta::assert_snapshot!(draw(&mut app, 100, 10));
}

#[test]
fn functions_filtered_with_no_match() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('/'));
    for c in "zzz".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    insta::assert_snapshot!(draw(&mut app, 100, 10));
}

#[test]
fn functions_filter_input_and_sort_indicator() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('S'));
    key(&mut app, KeyCode::Char('/'));
    for c in "er".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    insta::assert_snapshot!(draw(&mut app, 120, 12));
}

#[test]
fn detail_masks_env_values() {
    let mut app = with_detail(false);
    let screen = draw(&mut app, 110, 44);
    assert!(!screen.contains("hunter2"));
    insta::assert_snapshot!(screen);
}

#[test]
fn detail_reveals_env_values_escaped() {
    let mut app = with_detail(true);
    let screen = draw(&mut app, 110, 44);
    assert!(screen.contains("hunter2"));
    assert!(
        screen.contains("INFO\\x1b[31m"),
        "escape sequence shown, not sent"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn detail_loading() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(draw(&mut app, 90, 8));
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('?'));
    let screen = draw(&mut app, 100, 104);
    // The keymap is longer than the overlay: scroll page by page (wide, so no line is cut) to see the rest.
    let mut pages = String::new();
    for page in 0..6_u16 {
        app.mode = crate::app::Mode::Help { scroll: page * 90 };
        pages.push_str(&draw(&mut app, 200, 104));
    }
    app.mode = crate::app::Mode::Help { scroll: 0 };
    for b in crate::app::keymap::BINDINGS {
        assert!(pages.contains(b.desc), "help lacks {:?}", b.desc);
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn palette_shows_completions() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char(':'));
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Tab);
    for c in "eu-".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    insta::assert_snapshot!(draw(&mut app, 100, 16));
}

#[test]
fn tiny_areas_do_not_panic() {
    for (w, h) in [(0, 0), (1, 1), (0, 5), (5, 0), (2, 2), (10, 3), (20, 4)] {
        let mut app = loaded(&demo_names());
        draw(&mut app, w, h);
        let mut app = with_detail(true);
        draw(&mut app, w, h);
        key(&mut app, KeyCode::Char('?'));
        draw(&mut app, w, h);
        let mut app = loaded(&demo_names());
        key(&mut app, KeyCode::Char(':'));
        draw(&mut app, w, h);
    }
}

#[test]
fn one_by_one_shows_a_cell_of_the_frame() {
    let mut app = loaded(&demo_names());
    insta::assert_snapshot!(draw(&mut app, 1, 1));
}

#[test]
fn aliases_ready() {
    let mut app = crate::app::tests::with_aliases(false);
    key(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!(draw(&mut app, 120, 20));
}

#[test]
fn aliases_loading() {
    let mut app = loaded(&["user-signup"]);
    key(&mut app, KeyCode::Char('a'));
    insta::assert_snapshot!(draw(&mut app, 100, 12));
}

#[test]
fn aliases_error_keeps_stale_data() {
    let mut app = crate::app::tests::with_aliases(false);
    key(&mut app, KeyCode::Char('r'));
    let request = app.aliases.as_ref().unwrap().request;
    app.update(Msg::Aliases(AliasesMsg::Loaded {
        generation: 1,
        request,
        result: Err("ListAliases: throttled by AWS".into()),
        now: t0(),
    }));
    insta::assert_snapshot!(draw(&mut app, 120, 20));
}

#[test]
fn confirm_dialog_states_from_and_to() {
    let mut app = crate::app::tests::with_aliases(false);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('p'));
    let screen = draw(&mut app, 120, 24);
    assert!(screen.contains("from  3 (90 %) + 4 (10 %)"), "{screen}");
    assert!(screen.contains("to    4"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn alarms_ready() {
    let mut app = crate::app::tests::with_alarms();
    app.update(Msg::Alarms(AlarmsMsg::Firing {
        generation: 1,
        result: Ok(vec![]),
        now: t0(),
    }));
    insta::assert_snapshot!(draw(&mut app, 160, 10));
}

#[test]
fn alarms_loading() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('A'));
    insta::assert_snapshot!(draw(&mut app, 100, 8));
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
    insta::assert_snapshot!(draw(&mut app, 100, 8));
}

#[test]
fn alarms_error_keeps_stale_rows() {
    let mut app = crate::app::tests::with_alarms();
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Err("DescribeAlarms: cannot reach the endpoint".into()),
        now: t0(),
    }));
    insta::assert_snapshot!(draw(&mut app, 160, 10));
}

#[test]
fn alarm_detail_with_history_unavailable() {
    let mut app = crate::app::tests::with_alarms();
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
    insta::assert_snapshot!(screen);
}

#[test]
fn mute_confirm_dialog() {
    let mut app = crate::app::tests::with_alarms();
    key(&mut app, KeyCode::Char('M'));
    insta::assert_snapshot!(draw(&mut app, 120, 20));
}

#[test]
fn hostile_alarm_reason_is_escaped() {
    let mut app = crate::app::tests::with_alarms();
    let mut a = crate::app::tests::alarm("evil", crate::domain::alarm::AlarmState::Alarm, "x");
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

#[test]
fn logs_following() {
    let mut app = crate::app::tests::with_logs();
    insta::assert_snapshot!(draw(&mut app, 120, 12));
}

#[test]
fn logs_paused_with_counter_and_search() {
    let mut app = crate::app::tests::with_logs();
    key(&mut app, KeyCode::Char('/'));
    for c in "order".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let session = app.logs.as_ref().unwrap().session;
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![crate::app::tests::log_event(900, "a new line")],
    }));
    insta::assert_snapshot!(draw(&mut app, 120, 12));
}

#[test]
fn logs_json_pretty() {
    let mut app = crate::app::tests::with_logs();
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('p'));
    insta::assert_snapshot!(draw(&mut app, 120, 20));
}

#[test]
fn logs_invocations_view() {
    let mut app = crate::app::tests::with_logs();
    key(&mut app, KeyCode::Char('i'));
    insta::assert_snapshot!(draw(&mut app, 120, 8));
}

#[test]
fn logs_error_keeps_lines_and_flashes() {
    let mut app = crate::app::tests::with_logs();
    let session = app.logs.as_ref().unwrap().session;
    app.update(Msg::Logs(LogsMsg::State {
        generation: 1,
        session,
        state: crate::app::msg::LogsPoll::Failed(
            "FilterLogEvents: cannot reach the endpoint".into(),
        ),
        now: t0(),
    }));
    insta::assert_snapshot!(draw(&mut app, 120, 12));
}

#[test]
fn logs_loading() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('l'));
    insta::assert_snapshot!(draw(&mut app, 100, 8));
}

#[test]
fn hostile_log_lines_never_reach_the_terminal_raw() {
    let mut app = crate::app::tests::with_logs();
    let session = app.logs.as_ref().unwrap().session;
    let evil = "pwn\x1b[2J\x1b]52;c;ZXZpbA==\x07\x1bP+q\x1b\\\u{9b}31m\u{202e}gnp.exe\x08\x00";
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: vec![crate::app::tests::log_event(1000, evil)],
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

#[test]
fn functions_with_health_columns() {
    let mut app = loaded(&demo_names());
    app.update(Msg::Tick {
        now: t0(),
        api_calls_total: 0,
    });
    let request = 1;
    app.update(Msg::Functions(FunctionsMsg::RowMetrics {
        generation: 1,
        request,
        result: Ok(Box::new(crate::app::tests::row_batch(&[
            ("email-sender", 120.0, 0.0, 0.0, 180.0),
            ("nightly-report", 2.0, 0.0, 0.0, 29_000.0),
            ("orders-api", 4_800.0, 12.0, 0.0, 240.0),
            ("payments-webhook", 300.0, 120.0, 0.0, 900.0),
            ("thumbnail-resizer", 60.0, 0.0, 25.0, 1_500.0),
        ]))),
        now: t0(),
    }));
    key(&mut app, KeyCode::Char('j'));
    let screen = draw(&mut app, 160, 12);
    assert!(
        screen.contains("MAX*"),
        "percentiles unavailable is said, not hidden: {screen}"
    );
    assert!(screen.contains("SLOW"), "{screen}");
    insta::assert_snapshot!(screen);
}

// ---------------------------------------------------------------------------------------------------
// DLQ pane

use crate::app::tests::{
    destination_record_body, discovery, dlq_message, dlqs, peeked, redrive_plan, with_dlqs,
};

#[test]
fn dlq_ready() {
    let mut app = with_dlqs();
    let mut more = dlqs();
    more[0].visible = 45;
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(more)),
        now: t0() + chrono::Duration::seconds(30),
    }));
    app.now = t0() + chrono::Duration::seconds(30);
    let screen = draw(&mut app, 190, 10);
    assert!(screen.contains("↑ growing"), "{screen}");
    assert!(screen.contains("not inspectable"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dlq_title_says_how_old_the_topology_is_and_that_it_came_from_the_cache() {
    let mut app = with_dlqs();
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(crate::aws::dlq::DlqDiscovery {
            topology_at: Some(t0() - chrono::Duration::minutes(7)),
            from_cache: true,
            ..discovery(dlqs())
        }),
        now: t0(),
    }));
    app.now = t0();
    let screen = draw(&mut app, 190, 10);
    assert!(screen.contains("topology 7m ago (cache)"), "{screen}");
}

#[test]
fn dlq_loading() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('D'));
    insta::assert_snapshot!(draw(&mut app, 120, 8));
}

#[test]
fn dlq_empty() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('D'));
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(vec![])),
        now: t0(),
    }));
    insta::assert_snapshot!(draw(&mut app, 120, 8));
}

#[test]
fn dlq_error_keeps_stale_rows() {
    let mut app = with_dlqs();
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Err("GetQueueAttributes: cannot reach the endpoint".into()),
        now: t0(),
    }));
    let screen = draw(&mut app, 190, 10);
    assert!(screen.contains("STALE"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dlq_peeked_messages() {
    let mut app = with_dlqs();
    let mut lambda = dlq_message("m-2", "{\"order\": 7}");
    lambda.message_attributes.insert(
        "ErrorCode".into(),
        crate::domain::dlq::AttributeValue {
            data_type: "String".into(),
            string_value: Some("200".into()),
            binary_base64: None,
        },
    );
    lambda.message_attributes.insert(
        "ErrorMessage".into(),
        crate::domain::dlq::AttributeValue {
            data_type: "String".into(),
            string_value: Some("Task timed out after 3.00 seconds".into()),
            binary_base64: None,
        },
    );
    peeked(
        &mut app,
        vec![dlq_message("m-1", &destination_record_body()), lambda],
    );
    insta::assert_snapshot!(draw(&mut app, 160, 10));
}

#[test]
fn dlq_message_detail() {
    let mut app = with_dlqs();
    let mut m = dlq_message("m-1", &destination_record_body());
    m.message_attributes.insert(
        "Hostile".into(),
        crate::domain::dlq::AttributeValue {
            data_type: "String".into(),
            string_value: Some("x\x1b[2J\u{202e}y".into()),
            binary_base64: None,
        },
    );
    peeked(&mut app, vec![m]);
    key(&mut app, KeyCode::Enter);
    let screen = draw(&mut app, 120, 64);
    assert!(screen.contains("RetriesExhausted"), "{screen}");
    assert!(screen.contains("Hostile (String)"), "{screen}");
    assert!(
        !screen.contains('\x1b') && !screen.contains('\u{202e}'),
        "{screen:?}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn dlq_redrive_path_chooser() {
    let mut app = with_dlqs();
    key(&mut app, KeyCode::Char('R'));
    insta::assert_snapshot!(draw(&mut app, 140, 14));
}

#[test]
fn dlq_redrive_confirm_dialog() {
    let mut app = with_dlqs();
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let screen = draw(&mut app, 120, 24);
    assert!(screen.contains("never lose one"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dlq_redrive_in_progress() {
    let mut app = with_dlqs();
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    key(&mut app, KeyCode::Enter);
    let run = app.dlq.redrive.as_ref().unwrap().run;
    app.update(Msg::Dlq(DlqMsg::RedriveProgress {
        generation: 1,
        run,
        progress: crate::domain::dlq::RedriveProgress {
            moved: 30,
            failed: 2,
            remaining: Some(10),
            note: None,
        },
    }));
    let screen = draw(&mut app, 160, 10);
    assert!(
        screen.contains("moved 30 · failed 2 · remaining 10"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn dlq_purge_confirm_with_typed_name() {
    let mut app = with_dlqs();
    key(&mut app, KeyCode::Char('P'));
    for c in "orders-d".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let screen = draw(&mut app, 120, 20);
    assert!(screen.contains("> orders-d"), "{screen}");
    insta::assert_snapshot!(screen);
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
    let mut app = crate::app::tests::with_logs();
    logs_info(
        &mut app,
        TailInfo::Transport(Transport::Live { sampled: true }),
    );
    insta::assert_snapshot!(draw(&mut app, 140, 10));
}

#[test]
fn logs_fallback_to_polling_says_why() {
    use crate::domain::log::{TailInfo, Transport};
    let mut app = crate::app::tests::with_logs();
    logs_info(
        &mut app,
        TailInfo::Transport(Transport::Polling {
            why: Some(
                "Live Tail stream closed after 0.1s: the endpoint only sends a snapshot".into(),
            ),
        }),
    );
    insta::assert_snapshot!(draw(&mut app, 160, 10));
}

#[test]
fn logs_backfill_in_progress() {
    use crate::domain::log::TailInfo;
    let mut app = crate::app::tests::with_logs();
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
        events: crate::app::tests::demo_log_events(),
    }));
    insta::assert_snapshot!(draw(&mut app, 120, 12));
}

#[test]
fn logs_range_shown_not_followed() {
    use crate::domain::log::TailInfo;
    let mut app = crate::app::tests::with_logs();
    key(&mut app, KeyCode::Char('R'));
    for c in "2026-11-21T10:00..11:00".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Enter);
    let session = app.logs.as_ref().unwrap().session;
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: crate::app::tests::demo_log_events(),
    }));
    logs_info(&mut app, TailInfo::BackfillDone { following: false });
    insta::assert_snapshot!(draw(&mut app, 120, 12));
}

// Issue #7: the versions behind an alias side by side, and CodeDeploy-managed aliases.

/// The aliases pane with `live` (3 at 90 %, 4 at 10 %) selected and CodeDeploy answered (not managed).
fn aliases_live_selected() -> App {
    use crate::app::aliases::fixtures::answer_codedeploy;
    let mut app = crate::app::tests::with_aliases(false);
    answer_codedeploy(&mut app, Ok(("Succeeded", "other-alias")), t0());
    key(&mut app, KeyCode::Char('j'));
    app
}

#[test]
fn aliases_side_by_side_ready() {
    let mut app = aliases_live_selected();
    crate::app::aliases::fixtures::answer_comparison(
        &mut app,
        "live",
        &[(9_120.0, 18.0, 412.0), (1_004.0, 61.0, 1_870.0)],
        false,
        t0(),
    );
    insta::assert_snapshot!(draw(&mut app, 120, 24));
}

#[test]
fn aliases_side_by_side_loading() {
    let mut app = aliases_live_selected();
    insta::assert_snapshot!(draw(&mut app, 120, 24));
}

#[test]
fn aliases_side_by_side_percentiles_unavailable() {
    let mut app = aliases_live_selected();
    crate::app::aliases::fixtures::answer_comparison(
        &mut app,
        "live",
        &[(9_120.0, 18.0, 2_310.0), (1_004.0, 2.0, 2_120.0)],
        true,
        t0(),
    );
    insta::assert_snapshot!(draw(&mut app, 120, 24));
}

#[test]
fn aliases_side_by_side_error_keeps_stale_figures() {
    use crate::app::aliases::fixtures::{answer_comparison, fail_comparison};
    let mut app = aliases_live_selected();
    answer_comparison(
        &mut app,
        "live",
        &[(9_120.0, 18.0, 412.0), (1_004.0, 61.0, 1_870.0)],
        false,
        t0(),
    );
    let later = t0() + chrono::Duration::seconds(61);
    app.update(Msg::Tick {
        now: later,
        api_calls_total: 0,
    });
    fail_comparison(
        &mut app,
        "live",
        "GetMetricData: throttled by AWS (Rate exceeded)",
        later,
    );
    insta::assert_snapshot!(draw(&mut app, 120, 24));
}

#[test]
fn aliases_codedeploy_deploying_is_flagged() {
    use crate::app::aliases::fixtures::answer_codedeploy;
    let mut app = crate::app::tests::with_aliases(false);
    answer_codedeploy(&mut app, Ok(("InProgress", "live")), t0());
    key(&mut app, KeyCode::Char('j'));
    let screen = draw(&mut app, 120, 24);
    assert!(screen.contains("deploying d-7Q2XK4LMB"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn aliases_codedeploy_status_unknown() {
    use crate::app::aliases::fixtures::answer_codedeploy;
    let mut app = crate::app::tests::with_aliases(false);
    answer_codedeploy(
        &mut app,
        Err(
            "ListApplications: not supported by this endpoint (HTTP 500 without an AWS error code)",
        ),
        t0(),
    );
    let screen = draw(&mut app, 120, 24);
    assert!(screen.contains("CodeDeploy status unknown"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn aliases_confirm_warns_about_codedeploy() {
    use crate::app::aliases::fixtures::answer_codedeploy;
    let mut app = crate::app::tests::with_aliases(false);
    answer_codedeploy(&mut app, Ok(("InProgress", "live")), t0());
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('p'));
    let screen = draw(&mut app, 120, 30);
    assert!(screen.contains("overwrite this change"), "{screen}");
    insta::assert_snapshot!(screen);
}

// ---------------------------------------------------------------------------------------------------
// DLQ: functions pane flags, dry run, qualifiers, marks, unknown ages

fn dlq_scanned(name: &str, event_invoke_config: bool) -> crate::domain::dlq::ScannedFunction {
    crate::domain::dlq::ScannedFunction {
        name: name.to_string(),
        event_invoke_config,
        complete: true,
        last_modified: None,
    }
}

#[test]
fn dlq_functions_flag_non_empty_dlq_and_async_without_dlq() {
    let mut app = loaded(&demo_names());
    app.update(Msg::Tick {
        now: t0(),
        api_calls_total: 0,
    });
    app.update(Msg::Functions(FunctionsMsg::RowMetrics {
        generation: 1,
        request: 1,
        result: Ok(Box::new(crate::app::tests::row_batch(&[
            ("email-sender", 120.0, 0.0, 0.0, 180.0),
            ("nightly-report", 2.0, 0.0, 0.0, 900.0),
            ("orders-api", 4_800.0, 12.0, 0.0, 240.0),
            ("payments-webhook", 300.0, 3.0, 0.0, 400.0),
            ("thumbnail-resizer", 60.0, 0.0, 0.0, 1_500.0),
        ]))),
        now: t0(),
    }));
    // orders-dlq holds 44 messages; email-sender has an EventInvokeConfig and no DLQ.
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(crate::aws::dlq::DlqDiscovery {
            scanned: vec![
                dlq_scanned("orders-api", false),
                dlq_scanned("payments-webhook", true),
                dlq_scanned("email-sender", true),
                dlq_scanned("nightly-report", false),
                dlq_scanned("thumbnail-resizer", false),
            ],
            topology_at: Some(t0()),
            ..discovery(dlqs())
        }),
        now: t0(),
    }));
    // orders-api is selected: its reason is shown.
    let names: Vec<String> = app.functions.rows().map(|f| f.name.clone()).collect();
    let orders = names.iter().position(|n| n == "orders-api").unwrap();
    key(&mut app, KeyCode::Char('g'));
    for _ in 0..orders {
        key(&mut app, KeyCode::Char('j'));
    }
    let screen = draw(&mut app, 160, 12);
    assert!(screen.contains("44 message(s) waiting"), "{screen}");
    assert!(screen.contains("NO DLQ"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dlq_dry_run_in_the_chooser() {
    let mut app = with_dlqs();
    app.dlq.rate = None; // from unlimited (the pane starts at dlq::DEFAULT_RATE)
    key(&mut app, KeyCode::Char('-'));
    key(&mut app, KeyCode::Char('-'));
    key(&mut app, KeyCode::Char('n'));
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let screen = draw(&mut app, 140, 22);
    assert!(screen.contains("DRY RUN — nothing was changed"), "{screen}");
    assert!(screen.contains("250 msg/s"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dlq_reinvoke_qualifier_list() {
    use crate::app::dlq::{DlqMsg, QualifierChoice};
    let mut app = with_dlqs();
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Enter);
    let request = app
        .dlq
        .chooser
        .as_ref()
        .and_then(|c| c.qualifiers.as_ref())
        .unwrap()
        .request;
    let alias = crate::domain::alias::Alias {
        name: "live".into(),
        description: String::new(),
        state: crate::domain::alias::AliasState::plain("7"),
        revision_id: None,
        arn: "arn:aws:lambda:us-east-1:123456789012:function:payments-webhook:live".into(),
    };
    let version = crate::domain::alias::Version {
        version: "7".into(),
        description: "fix retries".into(),
        code_sha256: String::new(),
        runtime: Some("nodejs20.x".into()),
        memory_mb: 256,
        last_modified: None,
    };
    app.update(Msg::Dlq(DlqMsg::Qualifiers {
        generation: 1,
        request,
        result: Ok(vec![
            QualifierChoice::Alias(alias),
            QualifierChoice::Version(version),
        ]),
    }));
    key(&mut app, KeyCode::Char('j'));
    let screen = draw(&mut app, 140, 20);
    assert!(screen.contains("› alias live → 7"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dlq_marked_messages() {
    let mut app = with_dlqs();
    peeked(
        &mut app,
        vec![
            dlq_message("m-1", r#"{"order": 1}"#),
            dlq_message("m-2", r#"{"order": 2}"#),
            dlq_message("m-3", r#"{"order": 3}"#),
        ],
    );
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char(' '));
    let screen = draw(&mut app, 140, 10);
    assert!(screen.contains("2 marked"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn dlq_oldest_age_unknown_says_why() {
    let mut app = with_dlqs();
    let mut no_age = dlqs();
    no_age[0].oldest_age_s = None;
    no_age[0].age_source = None;
    no_age[0].age_unavailable = Some(crate::domain::dlq::AgeUnavailable::NoDatapoint);
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(no_age)),
        now: t0(),
    }));
    let screen = draw(&mut app, 190, 10);
    assert!(screen.contains("— (no CloudWatch datapoint)"), "{screen}");
    assert!(
        screen.contains("oldest age of orders-dlq: unknown"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}
