//! Alarms on a function's queues belong to the function: in the `f` filter, the `l` / `m` jumps and the
//! HEALTH flag.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::tests::{discovery, dlqs, loaded, t0};
use crate::app::{AlarmsMsg, App, Cmd, DlqMsg, LogsCmd, Msg, View};
use crate::domain::alarm::{Alarm, AlarmState};

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn queue_alarm(name: &str, queue: &str) -> Alarm {
    let mut a = Alarm::new(name, AlarmState::Alarm);
    a.namespace = Some("AWS/SQS".into());
    a.metric = Some("ApproximateNumberOfMessagesVisible".into());
    a.dimensions.insert("QueueName".into(), queue.into());
    a.transitioned = Some(t0() - chrono::Duration::minutes(10));
    a
}

/// The alarms pane over a known DLQ topology (orders-dlq → orders-api, with source queue `orders`).
fn alarms_with_topology(alarms: Vec<Alarm>) -> App {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(dlqs())),
        now: t0(),
    }));
    key(&mut app, KeyCode::Char('A'));
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Ok(alarms),
        now: t0(),
    }));
    app
}

#[test]
fn an_sqs_alarm_on_a_functions_dlq_resolves_to_that_function() {
    let app = alarms_with_topology(vec![queue_alarm("orders-dlq-not-empty", "orders-dlq")]);
    let alarm = app.alarms.selected_alarm().unwrap().clone();
    assert_eq!(app.alarm_function(&alarm).as_deref(), Some("orders-api"));
    // The source queue's alarms too.
    let source = queue_alarm("orders-backlog", "orders");
    assert_eq!(app.alarm_function(&source).as_deref(), Some("orders-api"));
    let unknown = queue_alarm("other", "somebody-elses-queue");
    assert_eq!(app.alarm_function(&unknown), None);
}

#[test]
fn f_keeps_the_alarms_of_the_functions_queues() {
    let mut other = Alarm::new("payments-errors", AlarmState::Ok);
    other
        .dimensions
        .insert("FunctionName".into(), "payments-webhook".into());
    let mut app = alarms_with_topology(vec![
        queue_alarm("orders-dlq-not-empty", "orders-dlq"),
        other,
    ]);
    // orders-api is the row selected in the functions pane.
    key(&mut app, KeyCode::Char('f'));
    let shown: Vec<&str> = app.alarms.rows().map(|a| a.name.as_str()).collect();
    assert_eq!(shown, vec!["orders-dlq-not-empty"]);
}

#[test]
fn l_and_m_on_an_sqs_alarm_open_the_function_the_queue_belongs_to() {
    let mut app = alarms_with_topology(vec![queue_alarm("orders-dlq-not-empty", "orders-dlq")]);
    let cmds = key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.view, View::Logs);
    assert!(cmds.iter().any(|c| matches!(c, Cmd::Logs(LogsCmd::Start { functions, .. }) if functions == &["orders-api".to_string()])));
    key(&mut app, KeyCode::Esc); // the range → the last lines
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Alarms);
    key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.view, View::Metrics);
    assert_eq!(
        app.metrics.as_ref().map(|m| m.function.as_str()),
        Some("orders-api")
    );
}

#[test]
fn a_firing_alarm_on_a_functions_dlq_raises_that_functions_health_flag() {
    use crate::domain::metrics::HealthKind;
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(dlqs())),
        now: t0(),
    }));
    app.update(Msg::Alarms(AlarmsMsg::Firing {
        generation: 1,
        result: Ok(vec![queue_alarm("orders-dlq-not-empty", "orders-dlq")]),
        now: t0(),
    }));
    let health_of = |app: &App, name: &str| {
        let f = app
            .functions
            .all()
            .iter()
            .find(|f| f.name == name)
            .unwrap()
            .clone();
        app.function_health(&f)
    };
    let orders = health_of(&app, "orders-api");
    let flag = orders
        .flags
        .iter()
        .find(|f| f.kind == HealthKind::AlarmFiring)
        .expect("orders-api's DLQ alarm raises its ALARM flag");
    assert!(
        flag.reason.contains("orders-dlq-not-empty"),
        "{}",
        flag.reason
    );
    // Another function's health is untouched by it.
    assert!(
        health_of(&app, "payments-webhook")
            .flags
            .iter()
            .all(|f| f.kind != HealthKind::AlarmFiring)
    );
}

#[test]
fn a_repaired_describe_alarms_answer_is_said_in_a_warning_flash() {
    let mut app = loaded(&["orders-api"]);
    app.update(Msg::Repaired {
        operation: "DescribeAlarms".into(),
        answers: 1,
    });
    let flash = app.flash.as_ref().expect("a flash");
    assert_eq!(flash.level, crate::app::FlashLevel::Warn);
    assert_eq!(
        flash.text,
        "1 answer from DescribeAlarms carried characters it could not encode; shown as \u{FFFD}"
    );
}
