//! The DLQ pane's poller life, the functions pane's DLQ flags, marks, dry runs, rates and re-invoke
//! qualifiers (the older DLQ tests are in `tests_pane.rs`; the fixtures in `app/test_support.rs`).

use crate::app::{FunctionsMsg, LogsCmd};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::dlq::{DLQ_DEPTH_EVERY, DlqCmd, DlqMsg, DryRun, QualifierChoice};
use crate::app::test_support::{
    discovery, dlq_message, dlqs, loaded, peeked, redrive_plan, t0, with_dlqs,
};
use crate::app::{App, Cmd, InputPurpose, Mode, Msg, PollerKind, View};
use crate::domain::dlq::{RedrivePath, RedriveTarget, ScannedFunction};
use crate::writes::Write;

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

fn scanned(name: &str, event_invoke_config: bool) -> ScannedFunction {
    ScannedFunction {
        name: name.to_string(),
        event_invoke_config,
        complete: true,
        last_modified: Some(t0() - chrono::Duration::days(3)),
    }
}

/// A discovery that read the topology at `t0` and scanned these functions.
fn topology(functions: &[ScannedFunction]) -> crate::aws::dlq::DlqDiscovery {
    crate::aws::dlq::DlqDiscovery {
        scanned: functions.to_vec(),
        topology_at: Some(t0()),
        ..discovery(dlqs())
    }
}

fn tick(app: &mut App, secs: i64) {
    app.update(Msg::Tick {
        now: t0() + chrono::Duration::seconds(secs),
        api_calls_total: 0,
    });
}

#[test]
fn dlq_poller_runs_while_the_functions_or_dlq_pane_is_shown_and_restarts_without_rediscovery() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = app.sync_dlq_poller();
    let [Cmd::Dlq(DlqCmd::StartPoller { plan, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert!(plan.seed.is_none() && plan.first_in.is_zero());
    assert!(app.sync_dlq_poller().is_empty(), "started once");
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(topology(&[
            scanned("orders-api", false),
            scanned("payments-webhook", true),
        ])),
        now: t0(),
    }));
    // The detail hides the functions pane: the poller stops.
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Detail);
    assert_eq!(
        app.sync_dlq_poller(),
        vec![Cmd::StopPoller(PollerKind::Dlq)]
    );
    tick(&mut app, 10);
    // Back on the functions pane: restarted from the topology already read, depths due in 20 s.
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Functions);
    let cmds = app.sync_dlq_poller();
    let [Cmd::Dlq(DlqCmd::StartPoller { plan, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    let seed = plan.seed.as_ref().expect("seeded with the known topology");
    assert_eq!(seed.topology_at, Some(t0()));
    assert_eq!(seed.dlqs.len(), 3);
    assert_eq!(seed.scanned.len(), 2);
    assert_eq!(
        plan.first_in,
        DLQ_DEPTH_EVERY.saturating_sub(std::time::Duration::from_secs(10))
    );
}

#[test]
fn dlq_poller_waits_for_the_connection() {
    let mut app = crate::app::test_support::app();
    assert!(app.sync_dlq_poller().is_empty());
}

#[test]
fn a_changed_function_list_rereads_the_dlq_topology() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    app.sync_dlq_poller();
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(topology(&[
            scanned("orders-api", false),
            scanned("payments-webhook", false),
        ])),
        now: t0(),
    }));
    let done = |app: &mut App, run: u64, names: &[&str]| {
        app.update(Msg::Functions(FunctionsMsg::Started {
            generation: 1,
            run,
            now: t0(),
        }));
        app.update(Msg::Functions(FunctionsMsg::Page {
            generation: 1,
            run,
            page: names
                .iter()
                .map(|n| crate::app::test_support::function(n, "python3.12", 128))
                .collect(),
        }));
        app.update(Msg::Functions(FunctionsMsg::Done {
            generation: 1,
            run,
            result: Ok(names.len()),
            now: t0(),
        }))
    };
    assert!(done(&mut app, 2, &["orders-api", "payments-webhook"]).is_empty());
    assert!(!app.dlq.reread.is_raised());
    let cmds = done(&mut app, 3, &["orders-api", "payments-webhook", "new-fn"]);
    assert_eq!(cmds, vec![Cmd::RefreshNow(PollerKind::Dlq)]);
    assert!(app.dlq.reread.take(), "the next pass reads the topology");
}

#[test]
fn a_changed_last_modified_rereads_the_topology_and_the_listing_is_shared_with_the_poller() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    app.sync_dlq_poller();
    let listing = app
        .dlq
        .hints
        .listing()
        .expect("the complete listing is shared");
    assert_eq!(listing.len(), 2);
    assert!(
        app.dlq.hints.priority().contains(&"orders-api".to_string()),
        "rows on screen first: {:?}",
        app.dlq.hints.priority()
    );
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(topology(&[
            scanned("orders-api", false),
            scanned("payments-webhook", false),
        ])),
        now: t0(),
    }));
    let mut changed = crate::app::test_support::function("orders-api", "python3.12", 128);
    changed.last_modified = Some(t0());
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 2,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 2,
        page: vec![
            changed,
            crate::app::test_support::function("payments-webhook", "python3.12", 128),
        ],
    }));
    let cmds = app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 2,
        result: Ok(2),
        now: t0(),
    }));
    assert_eq!(cmds, vec![Cmd::RefreshNow(PollerKind::Dlq)]);
    assert!(app.dlq.reread.take());
    let shared = app.dlq.hints.listing().unwrap();
    assert_eq!(
        shared
            .iter()
            .find(|f| f.name == "orders-api")
            .unwrap()
            .last_modified,
        Some(t0()),
        "the poller gets the new listing"
    );
}

#[test]
fn r_in_the_dlq_pane_rereads_the_topology_and_writes_only_refresh_depths() {
    let mut app = with_dlqs();
    let cmds = key(&mut app, KeyCode::Char('r'));
    assert_eq!(cmds, vec![Cmd::RefreshNow(PollerKind::Dlq)]);
    assert!(app.dlq.reread.take());
    let cmds = app.update(Msg::WriteDone {
        generation: 1,
        result: Ok("purged".into()),
    });
    assert_eq!(cmds, vec![Cmd::RefreshNow(PollerKind::Dlq)]);
    assert!(!app.dlq.reread.is_raised(), "a write changes depths only");
}

#[test]
fn health_extras_count_dlq_messages_and_flag_async_without_a_dlq() {
    let mut app = loaded(&["orders-api", "payments-webhook", "thumbnailer", "quiet"]);
    assert_eq!(
        app.health_extras("orders-api"),
        crate::domain::metrics::HealthExtras::default(),
        "unknown before discovery"
    );
    let mut incomplete = scanned("quiet", true);
    incomplete.complete = false;
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(topology(&[
            scanned("orders-api", false),
            scanned("payments-webhook", true),
            scanned("thumbnailer", true),
            incomplete,
        ])),
        now: t0(),
    }));
    // orders-dlq: 42 visible + 2 in flight.
    let e = app.health_extras("orders-api");
    assert_eq!(e.dlq_messages, Some(44));
    assert_eq!(e.async_without_dlq, Some(false));
    // payments-failures (empty) is its on-failure destination; the SNS topic is not counted.
    let e = app.health_extras("payments-webhook");
    assert_eq!(e.dlq_messages, Some(0));
    assert_eq!(e.async_without_dlq, Some(false));
    // An EventInvokeConfig and no DLQ at all.
    let e = app.health_extras("thumbnailer");
    assert_eq!(e.dlq_messages, None);
    assert_eq!(e.async_without_dlq, Some(true));
    // A scan that failed half-way says nothing.
    assert_eq!(app.health_extras("quiet").async_without_dlq, None);
    assert_eq!(
        app.health_extras("never-scanned"),
        crate::domain::metrics::HealthExtras::default()
    );
}

#[test]
fn marked_messages_are_redriven_deleted_and_exported_together() {
    let mut app = with_dlqs();
    peeked(
        &mut app,
        vec![
            dlq_message("m-1", "a"),
            dlq_message("m-2", "b"),
            dlq_message("m-3", "c"),
        ],
    );
    // Space marks and moves down: m-1 and m-3 marked.
    key(&mut app, KeyCode::Char(' '));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char(' '));
    let peek = app.dlq.peek.as_ref().unwrap();
    assert_eq!(
        peek.marked.iter().cloned().collect::<Vec<_>>(),
        vec!["m-1".to_string(), "m-3".to_string()]
    );
    // Export takes the marked set.
    let cmds = key(&mut app, KeyCode::Char('x'));
    let [Cmd::Logs(LogsCmd::SaveFile { text, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(text.lines().count(), 2);
    assert!(text.contains("\"m-1\"") && text.contains("\"m-3\"") && !text.contains("\"m-2\""));
    // Redrive takes the marked set, and the confirm says how many and which.
    key(&mut app, KeyCode::Char('R'));
    let cmds = key(&mut app, KeyCode::Enter);
    let [Cmd::Dlq(DlqCmd::PlanRedrive { selected, .. })] = cmds.as_slice() else {
        panic!("{cmds:?}")
    };
    assert_eq!(
        selected.as_deref(),
        Some(&["m-1".to_string(), "m-3".to_string()][..])
    );
    let mut plan = redrive_plan();
    plan.selected.clone_from(selected);
    plan.path = RedrivePath::ManualMove {
        to: match plan.path {
            RedrivePath::MoveTask { to, .. } => to,
            _ => unreachable!(),
        },
    };
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(plan)),
    }));
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(
        c.lines
            .iter()
            .any(|l| l == "count   2 selected message(s): m-1, m-3"),
        "{:?}",
        c.lines
    );
    key(&mut app, KeyCode::Char('n'));
    // Delete takes the marked set; when it succeeds both leave the list.
    key(&mut app, KeyCode::Char('d'));
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(c.title, "DELETE 2 message(s) from orders-dlq");
    typed(&mut app, "orders-dlq");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Write { write, .. }] if matches!(write.as_ref(), Write::Dlq(crate::writes::DlqWrite::Delete { message_ids, .. }) if message_ids.len() == 2)
    ));
    app.update(Msg::WriteDone {
        generation: 1,
        result: Ok("deleted 2 message(s) from orders-dlq".into()),
    });
    let peek = app.dlq.peek.as_ref().unwrap();
    assert_eq!(peek.all().len(), 1);
    assert_eq!(peek.all()[0].message_id, "m-2");
    assert!(peek.marked.is_empty());
}

#[test]
fn without_marks_actions_take_the_selected_message_and_esc_clears_marks_first() {
    let mut app = with_dlqs();
    peeked(
        &mut app,
        vec![dlq_message("m-1", "a"), dlq_message("m-2", "b")],
    );
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('R'));
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::PlanRedrive { selected: Some(ids), .. })] if ids == &vec!["m-2".to_string()]
    ));
    key(&mut app, KeyCode::Char(' '));
    assert_eq!(app.dlq.peek.as_ref().unwrap().marked.len(), 1);
    key(&mut app, KeyCode::Esc);
    assert!(app.dlq.peek.as_ref().unwrap().marked.is_empty());
    assert!(
        app.dlq.peek.is_some(),
        "Esc cleared the marks, not the peek"
    );
}

#[test]
fn dry_run_shows_path_destination_count_and_rate_and_changes_nothing() {
    let mut app = with_dlqs();
    app.dlq.rate = None; // from unlimited (the pane starts at dlq::DEFAULT_RATE)
    // `-` from unlimited: 500 msg/s, then 250.
    key(&mut app, KeyCode::Char('-'));
    key(&mut app, KeyCode::Char('-'));
    assert_eq!(app.dlq.rate, Some(250));
    let cmds = key(&mut app, KeyCode::Char('n'));
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::PlanRedrive {
            target: RedriveTarget::Source,
            selected: None,
            ..
        })]
    ));
    assert_eq!(
        app.dlq.chooser.as_ref().unwrap().dry_run,
        Some(DryRun::Planning)
    );
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    assert_eq!(app.mode, Mode::Normal, "a dry run never asks to confirm");
    let Some(DryRun::Ready(plan)) = &app.dlq.chooser.as_ref().unwrap().dry_run else {
        panic!("{:?}", app.dlq.chooser)
    };
    assert_eq!(plan.rate, Some(250));
    assert!(matches!(
        plan.path,
        RedrivePath::MoveTask {
            velocity: Some(250),
            ..
        }
    ));
    let text = plan.describe();
    assert!(
        text.contains("all 42 visible") && text.contains("→ queue orders"),
        "{text}"
    );
    // `+` changes the rate of the dry run shown.
    key(&mut app, KeyCode::Char('+'));
    let Some(DryRun::Ready(plan)) = &app.dlq.chooser.as_ref().unwrap().dry_run else {
        panic!()
    };
    assert_eq!(plan.rate, Some(500));
    // Enter: the real plan, confirmed with its rate.
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::PlanRedrive { .. })]
    ));
    assert!(app.dlq.chooser.is_none());
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let Mode::Confirm(c) = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert!(
        c.lines.iter().any(|l| l == "rate    500 msg/s"),
        "{:?}",
        c.lines
    );
    let Write::Redrive { plan } = &c.write else {
        panic!()
    };
    assert_eq!(plan.rate, Some(500));
}

#[test]
fn rate_steps_stop_at_one_and_go_back_to_unlimited() {
    let mut app = with_dlqs();
    for _ in 0..12 {
        key(&mut app, KeyCode::Char('-'));
    }
    assert_eq!(app.dlq.rate, Some(1));
    for _ in 0..7 {
        key(&mut app, KeyCode::Char('+'));
    }
    assert_eq!(app.dlq.rate, Some(500));
    key(&mut app, KeyCode::Char('+'));
    assert_eq!(app.dlq.rate, None);
    assert!(app.flash.as_ref().unwrap().text.contains("unlimited"));
}

#[test]
fn a_failed_dry_run_says_why_in_the_chooser() {
    let mut app = with_dlqs();
    key(&mut app, KeyCode::Char('n'));
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Err("orders-dlq is the dead-letter queue of several queues".into()),
    }));
    assert!(matches!(
        &app.dlq.chooser.as_ref().unwrap().dry_run,
        Some(DryRun::Failed(e)) if e.contains("several queues")
    ));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn dry_run_to_another_queue_asks_for_the_queue_then_shows_the_plan() {
    let mut app = with_dlqs();
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('n'));
    assert!(matches!(
        &app.mode,
        Mode::Input {
            purpose: InputPurpose::RedriveQueue { .. },
            ..
        }
    ));
    typed(&mut app, "orders-replay");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::PlanRedrive { target: RedriveTarget::Queue(q), .. })] if q == "orders-replay"
    ));
    assert_eq!(
        app.dlq.chooser.as_ref().unwrap().dry_run,
        Some(DryRun::Planning)
    );
}

#[test]
fn read_only_allows_the_dry_run_and_nothing_else() {
    let mut app = with_dlqs();
    app.read_only = true;
    let cmds = key(&mut app, KeyCode::Char('n'));
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::PlanRedrive { .. })]
    ));
    assert!(app.dlq.chooser.as_ref().unwrap().dry_run_only);
    app.update(Msg::Dlq(DlqMsg::RedrivePlanned {
        generation: 1,
        result: Ok(Box::new(redrive_plan())),
    }));
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty());
    assert!(app.flash.as_ref().unwrap().text.contains("refused"));
    assert_eq!(app.mode, Mode::Normal);
}

fn alias(name: &str, version: &str) -> crate::domain::alias::Alias {
    crate::domain::alias::Alias {
        name: name.to_string(),
        description: String::new(),
        state: crate::domain::alias::AliasState::plain(version),
        revision_id: None,
        arn: format!("arn:aws:lambda:us-east-1:123456789012:function:payments-webhook:{name}"),
    }
}

fn version(v: &str) -> crate::domain::alias::Version {
    crate::domain::alias::Version {
        version: v.to_string(),
        description: String::new(),
        code_sha256: String::new(),
        runtime: Some("python3.12".into()),
        memory_mb: 128,
        last_modified: None,
    }
}

#[test]
fn reinvoke_lets_you_choose_an_alias_or_version_and_defaults_to_the_function() {
    let mut app = with_dlqs();
    // payments-failures (after the SNS topic): the on-failure destination of payments-webhook.
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.dlq.selected_dlq().unwrap().name, "payments-failures");
    key(&mut app, KeyCode::Char('R'));
    let cmds = key(&mut app, KeyCode::Enter);
    let [
        Cmd::Dlq(DlqCmd::FetchQualifiers {
            request, function, ..
        }),
    ] = cmds.as_slice()
    else {
        panic!("{cmds:?}")
    };
    assert_eq!(function, "payments-webhook");
    let request = *request;
    // While the list loads, the unqualified function is there already.
    let list = app
        .dlq
        .chooser
        .as_ref()
        .unwrap()
        .qualifiers
        .as_ref()
        .unwrap();
    assert_eq!(list.choices(), &[QualifierChoice::Unqualified]);
    app.update(Msg::Dlq(DlqMsg::Qualifiers {
        generation: 1,
        request,
        result: Ok(vec![
            QualifierChoice::Alias(alias("live", "3")),
            QualifierChoice::Version(version("3")),
        ]),
    }));
    let list = app
        .dlq
        .chooser
        .as_ref()
        .unwrap()
        .qualifiers
        .as_ref()
        .unwrap();
    assert_eq!(list.choices().len(), 3);
    // n: the dry run of the unqualified function.
    let cmds = key(&mut app, KeyCode::Char('n'));
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::PlanRedrive { target: RedriveTarget::Function { function: Some(f), qualifier: None }, .. })] if f == "payments-webhook"
    ));
    // j, Enter: the alias.
    key(&mut app, KeyCode::Char('j'));
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Dlq(DlqCmd::PlanRedrive { target: RedriveTarget::Function { qualifier: Some(q), .. }, .. })] if q == "live"
    ));
}

#[test]
fn esc_leaves_the_qualifier_list_before_the_chooser() {
    let mut app = with_dlqs();
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('R'));
    key(&mut app, KeyCode::Enter);
    assert!(app.dlq.chooser.as_ref().unwrap().qualifiers.is_some());
    // A stale answer (another request) is ignored.
    app.update(Msg::Dlq(DlqMsg::Qualifiers {
        generation: 1,
        request: 9_999,
        result: Err("boom".into()),
    }));
    let list = app
        .dlq
        .chooser
        .as_ref()
        .unwrap()
        .qualifiers
        .as_ref()
        .unwrap();
    assert!(list.remote.is_loading());
    key(&mut app, KeyCode::Esc);
    assert!(app.dlq.chooser.as_ref().unwrap().qualifiers.is_none());
    key(&mut app, KeyCode::Esc);
    assert!(app.dlq.chooser.is_none());
    assert_eq!(app.view, View::Dlq);
}

#[test]
fn dlq_poll_errors_flash_in_the_dlq_pane_only() {
    let mut app = loaded(&["orders-api"]);
    app.sync_dlq_poller();
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Err("SQS: AccessDenied".into()),
        now: t0(),
    }));
    assert!(app.flash.is_none(), "the functions pane is not interrupted");
    assert_eq!(app.dlq.remote.error(), Some("SQS: AccessDenied"));
    key(&mut app, KeyCode::Char('D'));
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Err("SQS: AccessDenied".into()),
        now: t0(),
    }));
    assert!(app.flash.as_ref().unwrap().text.contains("AccessDenied"));
}
