//! The DLQ pane through `App::update`: opening, trends, peek, redrive, purge and delete (the newer DLQ
//! tests are in `tests.rs` and `tests_detail.rs`).

use crossterm::event::KeyCode;

use crate::app::test_support::{
    discovery, dlq_message, dlqs, key, loaded, peeked, redrive_plan, t0, typed, with_dlqs,
};
use crate::app::*;

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
