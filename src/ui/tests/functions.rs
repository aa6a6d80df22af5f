//! Snapshots of the functions list and the function detail.

use super::{demo_names, draw, key};
use crate::app::test_support::{app, function, loaded, t0};
use crate::app::{App, FunctionsMsg, Msg};
use crate::domain::{AsyncConfig, EnvVar, EventSource, FunctionDetail};
use crossterm::event::KeyCode;

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

pub(super) fn with_detail(reveal: bool) -> App {
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
    assert_screen!("functions_loading_before_connect", draw(&mut app, 100, 12));
}

#[test]
fn functions_ready() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('j'));
    assert_screen!("functions_ready", draw(&mut app, 120, 12));
}

#[test]
fn functions_empty_account() {
    let mut app = loaded(&[]);
    assert_screen!("functions_empty_account", draw(&mut app, 100, 10));
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
    assert_screen!("functions_error_keeps_stale_rows", draw(&mut app, 120, 12));
}

#[test]
fn functions_error_without_data() {
    let mut app = app();
    app.update(Msg::ConnectFailed {
        generation: 1,
        error: "credentials for profile \"prod\" are missing or expired: run `aws sso login --profile prod`".into(),
    });
    assert_screen!("functions_error_without_data", draw(&mut app, 100, 10));
}

#[test]
fn functions_filtered_with_no_match() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('/'));
    for c in "zzz".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert_screen!("functions_filtered_with_no_match", draw(&mut app, 100, 10));
}

#[test]
fn functions_filter_input_and_sort_indicator() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('S'));
    key(&mut app, KeyCode::Char('/'));
    for c in "er".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    assert_screen!(
        "functions_filter_input_and_sort_indicator",
        draw(&mut app, 120, 12)
    );
}

#[test]
fn detail_masks_env_values() {
    let mut app = with_detail(false);
    let screen = draw(&mut app, 110, 44);
    assert!(!screen.contains("hunter2"));
    assert_screen!("detail_masks_env_values", screen);
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
    assert_screen!("detail_reveals_env_values_escaped", screen);
}

#[test]
fn detail_loading() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Enter);
    assert_screen!("detail_loading", draw(&mut app, 90, 8));
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
        result: Ok(Box::new(crate::app::test_support::row_batch(&[
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
    assert_screen!("functions_with_health_columns", screen);
}

/// The kill switch's confirm step: what happens in words, in which account and region, from → to.
#[test]
fn kill_switch_confirm_dialog() {
    use crate::app::Cmd;
    use crate::app::modes::kill_switch::ReservedNow;
    use crate::domain::concurrency::Reserved;
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = crate::app::test_support::key(&mut app, KeyCode::Char('K'));
    let Some(Cmd::FetchKillSwitch { request, .. }) = cmds.first() else {
        panic!("expected the read first, got {cmds:?}");
    };
    app.update(Msg::KillSwitch {
        generation: 1,
        request: *request,
        function: "orders-api".into(),
        result: Ok(ReservedNow {
            current: Reserved::NONE,
            remembered: None,
        }),
    });
    let screen = draw(&mut app, 120, 24);
    assert!(screen.contains("STOP orders-api"), "{screen}");
    assert_screen!("kill_switch_confirm_dialog", screen);
}

/// A function lambdash stopped carries `STOPPED` in HEALTH (known from `stopped.json`, no request).
#[test]
fn stopped_function_is_flagged_in_health() {
    use crate::domain::concurrency::{Remembered, Reserved};
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    app.update(Msg::StoppedLoaded {
        generation: 1,
        remembered: [(
            "payments-webhook".to_string(),
            Remembered {
                at: t0(),
                previous: Reserved(Some(40)),
            },
        )]
        .into(),
    });
    let screen = draw(&mut app, 120, 8);
    let row = screen
        .lines()
        .find(|l| l.contains("payments-webhook"))
        .unwrap_or_default();
    assert!(row.contains("STOPPED"), "{screen}");
    assert_screen!("stopped_function_is_flagged_in_health", screen);
}
