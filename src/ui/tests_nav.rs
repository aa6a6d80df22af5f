//! Snapshots of what issue 17 added: which DLQ message is shown ("n of N"), the breadcrumb of the
//! navigation stack, the failing-target warning of a redrive.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::draw;
use crate::app::test_support::{dlq_message, loaded, peeked, redrive_plan, t0, with_dlqs};
use crate::app::{App, DlqMsg, Msg};

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn dlq_message_detail_says_which_message_n_of_n() {
    let mut app = with_dlqs();
    let long_body = serde_json::json!({
        "order": 2,
        "items": (0..30).map(|i| format!("item-{i}")).collect::<Vec<_>>(),
    })
    .to_string();
    peeked(
        &mut app,
        vec![
            dlq_message("m-1", r#"{"order":1}"#),
            dlq_message("m-2", &long_body),
            dlq_message("m-3", r#"{"order":3}"#),
        ],
    );
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Enter);
    draw(&mut app, 100, 24);
    // To the end of the body: its last line is on screen, and the title still says which message.
    key(&mut app, KeyCode::Char('G'));
    let screen = draw(&mut app, 100, 24);
    assert!(screen.contains("DLQ message 2 of 3 m-2"), "{screen}");
    assert!(
        screen.contains("Message attributes"),
        "the end is reachable: {screen}"
    );
    assert!(
        screen.contains("] next msg"),
        "the footer names the keys: {screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn breadcrumb_shows_where_esc_goes() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('m'));
    let screen = draw(&mut app, 100, 20);
    assert!(
        screen.contains("Functions › orders-api › logs orders-api › metrics orders-api · Esc back"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn redrive_dry_run_and_confirm_warn_about_a_failing_target() {
    let mut app = with_dlqs();
    app.row_metrics.succeed(
        crate::app::dlq::tests_detail::failing_batch("orders-api", 100.0, 43.0),
        t0(),
    );
    key(&mut app, KeyCode::Char('n'));
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let dry_run = draw(&mut app, 140, 24);
    assert!(
        dry_run.contains(
            "orders-api is failing 43 % now; redriving 42 messages will likely send them back here"
        ),
        "{dry_run}"
    );
    assert!(
        dry_run.contains("10 msg/s"),
        "the safe default rate: {dry_run}"
    );
    insta::assert_snapshot!("redrive_dry_run_warns", dry_run);
    key(&mut app, KeyCode::Enter);
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let confirm = draw(&mut app, 140, 30);
    assert!(
        confirm.contains("⚠ orders-api is failing 43 % now"),
        "{confirm}"
    );
    insta::assert_snapshot!("redrive_confirm_warns", confirm);
}
