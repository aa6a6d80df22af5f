//! Snapshots of the DLQ pane: queues, peeked messages, the redrive chooser and confirm, marks, dry runs.

use super::{demo_names, draw, key};
use crate::app::test_support::{
    destination_record_body, discovery, dlq_message, dlqs, loaded, peeked, redrive_plan, t0,
    with_dlqs,
};
use crate::app::{DlqMsg, FunctionsMsg, Msg};
use crossterm::event::KeyCode;

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
    assert_screen!("dlq_ready", screen);
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
    assert_screen!("dlq_loading", draw(&mut app, 120, 8));
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
    assert_screen!("dlq_empty", draw(&mut app, 120, 8));
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
    assert_screen!("dlq_error_keeps_stale_rows", screen);
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
    assert_screen!("dlq_peeked_messages", draw(&mut app, 160, 10));
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
    assert_screen!("dlq_message_detail", screen);
}

#[test]
fn dlq_redrive_path_chooser() {
    let mut app = with_dlqs();
    key(&mut app, KeyCode::Char('R'));
    assert_screen!("dlq_redrive_path_chooser", draw(&mut app, 140, 14));
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
    assert_screen!("dlq_redrive_confirm_dialog", screen);
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
    assert_screen!("dlq_redrive_in_progress", screen);
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
    assert_screen!("dlq_purge_confirm_with_typed_name", screen);
}

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
        result: Ok(Box::new(crate::app::test_support::row_batch(&[
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
    assert_screen!(
        "dlq_functions_flag_non_empty_dlq_and_async_without_dlq",
        screen
    );
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
    assert_screen!("dlq_dry_run_in_the_chooser", screen);
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
    assert_screen!("dlq_reinvoke_qualifier_list", screen);
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
    assert_screen!("dlq_marked_messages", screen);
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
    assert_screen!("dlq_oldest_age_unknown_says_why", screen);
}
