//! A peek of a queue with its own redrive policy: receive counts against maxReceiveCount, and a warning
//! for the messages whose next receive moves them to the queue's own DLQ.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::tests::{dlq_message, t0, with_dlqs};
use crate::app::{App, Cmd, DlqCmd, DlqMsg, FlashLevel, Msg};
use crate::domain::dlq::ReceiveLimit;

use super::tests::draw;

/// `p` on the selected queue, answered with two messages received 1 and 3 times and a limit of 3.
fn peeked_at_the_limit(app: &mut App) {
    let cmds = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('p'),
        KeyModifiers::NONE,
    )));
    let Some(Cmd::Dlq(DlqCmd::Peek { request, .. })) = cmds.first().cloned() else {
        panic!("no peek: {cmds:?}");
    };
    let mut fresh = dlq_message("m-1", "{\"order\": 1}");
    let mut worn = dlq_message("m-2", "{\"order\": 2}");
    fresh
        .attributes
        .insert("ApproximateReceiveCount".into(), "1".into());
    worn.attributes
        .insert("ApproximateReceiveCount".into(), "3".into());
    app.update(Msg::Dlq(DlqMsg::Peeked {
        generation: 1,
        request,
        result: Ok(crate::aws::dlq::Peek {
            messages: vec![fresh, worn],
            release_error: None,
            receive_limit: Some(ReceiveLimit {
                max_receive_count: 3,
                dead_letter_target_arn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq-dlq".into(),
            }),
        }),
        now: t0(),
    }));
}

#[test]
fn peek_warns_when_a_messages_next_receive_moves_it_to_the_dlqs_own_dlq() {
    let mut app = with_dlqs();
    app.read_only = true;
    peeked_at_the_limit(&mut app);
    let flash = app.flash.as_ref().expect("a warning flash");
    assert_eq!(flash.level, FlashLevel::Warn);
    assert!(
        flash
            .text
            .starts_with("1 peeked message has been received 3 times (maxReceiveCount 3)"),
        "{}",
        flash.text
    );
    let screen = draw(&mut app, 160, 10);
    assert!(screen.contains("1/3") && screen.contains("3/3"), "{screen}");
    insta::assert_snapshot!(screen);
}
