//! The kill switch (`K`) driven through `App::update`: the read before the confirm, the stop and the
//! restore, read-only, the `STOPPED` flag.

use crossterm::event::KeyCode;

use crate::app::modes::kill_switch::ReservedNow;
use crate::app::test_support::{key, loaded, t0};
use crate::app::{App, Cmd, FlashLevel, Mode, Msg};
use crate::domain::concurrency::{Remembered, Reserved, ReservedIntent};
use crate::domain::metrics::health::HealthKind;
use crate::writes::Write;
use crate::writes::levers::LeverWrite;

/// `K` on the selected row: the one command it sends (the read), and its request id.
fn press_k(app: &mut App) -> u64 {
    let cmds = key(app, KeyCode::Char('K'));
    match cmds.as_slice() {
        [
            Cmd::FetchKillSwitch {
                generation: 1,
                request,
                account,
                function,
            },
        ] => {
            assert_eq!(account, "123456789012");
            assert_eq!(function, "orders-api");
            *request
        }
        other => panic!("expected one FetchKillSwitch, got {other:?}"),
    }
}

fn answer(app: &mut App, request: u64, current: Reserved, remembered: Option<Remembered>) {
    app.update(Msg::KillSwitch {
        generation: 1,
        request,
        function: "orders-api".into(),
        result: Ok(ReservedNow {
            current,
            remembered,
        }),
    });
}

fn confirm_text(app: &App) -> String {
    match &app.mode {
        // The lines wrap at the dialog's width: read them as one text.
        Mode::Confirm(c) => format!("{}\n{}", c.title, c.lines.join(" ")),
        other => panic!("expected the confirm step, got {other:?}"),
    }
}

fn stopped_flag(app: &App) -> bool {
    let f = app.functions.selected_function().unwrap().clone();
    app.function_health(&f)
        .worst()
        .is_some_and(|w| w.kind == HealthKind::Stopped)
}

#[test]
fn k_reads_the_reserved_concurrency_before_confirming_then_writes_the_stop() {
    let mut app = loaded(&["orders-api"]);
    let request = press_k(&mut app);
    assert_eq!(
        app.mode,
        Mode::Normal,
        "no confirm before the value is known"
    );
    answer(&mut app, request, Reserved::NONE, None);
    let text = confirm_text(&app);
    assert!(text.starts_with("STOP orders-api"), "{text}");
    assert!(
        text.contains(
            "stops every invocation of orders-api in account 123456789012 us-east-1; reserved concurrency none → 0"
        ),
        "{text}"
    );
    let cmds = key(&mut app, KeyCode::Enter);
    let [Cmd::Write { write, .. }] = cmds.as_slice() else {
        panic!("expected one write, got {cmds:?}");
    };
    let Write::Lever(LeverWrite::Reserved(change)) = write.as_ref() else {
        panic!("expected the lever, got {write:?}");
    };
    assert_eq!(
        (change.from, change.to),
        (Reserved::NONE, Reserved::STOPPED)
    );
    assert_eq!(change.intent, ReservedIntent::Stop);
    assert!(!stopped_flag(&app), "not STOPPED until the write succeeded");
    app.update(Msg::WriteDone {
        generation: 1,
        result: Ok("stopped orders-api".into()),
    });
    assert!(stopped_flag(&app), "STOPPED once lambdash stopped it");
    assert_eq!(
        app.kill_switch.remembered["orders-api"].previous,
        Reserved::NONE
    );
}

#[test]
fn k_on_a_remembered_stop_offers_exactly_the_restore() {
    let mut app = loaded(&["orders-api"]);
    let at = t0() - chrono::Duration::minutes(30);
    app.update(Msg::StoppedLoaded {
        generation: 1,
        remembered: [(
            "orders-api".to_string(),
            Remembered {
                at,
                previous: Reserved(Some(40)),
            },
        )]
        .into(),
    });
    assert!(stopped_flag(&app), "remembered stops are flagged at once");
    let request = press_k(&mut app);
    answer(
        &mut app,
        request,
        Reserved::STOPPED,
        Some(Remembered {
            at,
            previous: Reserved(Some(40)),
        }),
    );
    let text = confirm_text(&app);
    assert!(text.starts_with("Restore orders-api"), "{text}");
    assert!(
        text.contains("2026-11-21 16:30 UTC (at most 40 at once); reserved concurrency 0 → 40"),
        "{text}"
    );
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(matches!(
        cmds.as_slice(),
        [Cmd::Write { write, .. }]
            if matches!(write.as_ref(), Write::Lever(LeverWrite::Reserved(c)) if c.to == Reserved(Some(40)))
    ));
    app.update(Msg::WriteDone {
        generation: 1,
        result: Ok("restored".into()),
    });
    assert!(!stopped_flag(&app));
    assert!(!app.kill_switch.remembered.contains_key("orders-api"));
}

#[test]
fn k_at_zero_not_stopped_by_lambdash_offers_nothing_and_says_why() {
    let mut app = loaded(&["orders-api"]);
    let request = press_k(&mut app);
    answer(&mut app, request, Reserved::STOPPED, None);
    assert_eq!(app.mode, Mode::Normal);
    let flash = app.flash.as_ref().unwrap();
    assert_eq!(flash.level, FlashLevel::Warn);
    assert!(
        flash.text.contains("lambdash did not stop orders-api"),
        "{}",
        flash.text
    );
    assert!(stopped_flag(&app), "known at 0 from the read");
}

#[test]
fn k_is_refused_under_read_only_before_any_request() {
    let mut app = loaded(&["orders-api"]);
    app.read_only = true;
    let cmds = key(&mut app, KeyCode::Char('K'));
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(
        app.flash.as_ref().unwrap().text,
        "refused: read-only mode forbids function.stop (orders-api)"
    );
}

#[test]
fn a_failed_read_or_write_shows_aws_message_and_is_not_retried() {
    let mut app = loaded(&["orders-api"]);
    let request = press_k(&mut app);
    let cmds = app.update(Msg::KillSwitch {
        generation: 1,
        request,
        function: "orders-api".into(),
        result: Err("GetFunctionConcurrency: AccessDeniedException: not allowed".into()),
    });
    assert!(cmds.is_empty());
    assert_eq!(app.mode, Mode::Normal);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("AccessDeniedException: not allowed")
    );
    let request = press_k(&mut app);
    answer(&mut app, request, Reserved(Some(5)), None);
    key(&mut app, KeyCode::Enter);
    let cmds = app.update(Msg::WriteDone {
        generation: 1,
        result: Err("PutFunctionConcurrency: TooManyRequestsException: Rate exceeded".into()),
    });
    assert!(
        !cmds.iter().any(|c| matches!(c, Cmd::Write { .. })),
        "{cmds:?}"
    );
    let flash = app.flash.as_ref().unwrap();
    assert_eq!(flash.level, FlashLevel::Error);
    assert!(
        flash
            .text
            .contains("TooManyRequestsException: Rate exceeded"),
        "{}",
        flash.text
    );
    assert!(!stopped_flag(&app), "a failed stop stops nothing");
}

#[test]
fn a_stale_answer_is_dropped() {
    let mut app = loaded(&["orders-api"]);
    let first = press_k(&mut app);
    let _second = press_k(&mut app);
    answer(&mut app, first, Reserved::NONE, None);
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn the_detail_saying_zero_flags_the_function_stopped() {
    let mut app = loaded(&["orders-api"]);
    let cmds = key(&mut app, KeyCode::Enter);
    let request = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::FetchDetail { request, .. } => Some(*request),
            _ => None,
        })
        .unwrap();
    let mut detail = detail_of("orders-api");
    detail.reserved_concurrency = Some(0);
    app.update(Msg::Detail {
        generation: 1,
        request,
        result: Ok(Box::new(detail)),
        now: t0(),
    });
    assert!(stopped_flag(&app));
    // K from the detail is about that function (press_k checks the name).
    // A stop from the detail reads the detail again once written.
    let request = press_k(&mut app);
    answer(&mut app, request, Reserved(Some(5)), None);
    key(&mut app, KeyCode::Enter);
    let cmds = app.update(Msg::WriteDone {
        generation: 1,
        result: Ok("stopped orders-api".into()),
    });
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::FetchDetail { function, .. } if function == "orders-api")),
        "{cmds:?}"
    );
}

fn detail_of(name: &str) -> crate::domain::FunctionDetail {
    crate::domain::FunctionDetail {
        function: crate::app::test_support::function(name, "python3.12", 128),
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
    }
}
