//! Fixtures shared by the unit tests of `app` and `ui`: a connected app, functions, aliases, alarms, log
//! events, DLQs and metrics batches, and small drivers (`key`, `typed`, `tick`).

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::domain::Function;

pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 21, 17, 0, 0).unwrap()
}

pub(crate) fn function(name: &str, runtime: &str, memory: i32) -> Function {
    Function {
        name: name.to_string(),
        arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{name}"),
        runtime: Some(runtime.to_string()),
        architecture: "x86_64".to_string(),
        memory_mb: memory,
        timeout_s: 30,
        last_modified: Some(t0() - chrono::Duration::days(3)),
        state: Some("Active".to_string()),
        code_size_bytes: 1_234_567,
        package_type: "Zip".to_string(),
        log_group: None,
        dead_letter_target: None,
    }
}

pub(crate) fn app() -> App {
    let mut app = App::new(Init {
        profile: Some("demo".to_string()),
        region: Some("us-east-1".to_string()),
        endpoint_url: None,
        read_only: false,
        theme: Theme::default_theme(),
        theme_names: vec!["default".into(), "light".into()],
        profiles: vec!["demo".into(), "prod".into()],
        config: Config::default(),
        now: t0(),
        quiet: false,
    });
    let cmds = app.start();
    assert!(matches!(
        cmds.last(),
        Some(Cmd::Reconnect { generation: 1, .. })
    ));
    app
}

/// An app connected and showing `names` (one page, refresh finished).
pub(crate) fn loaded(names: &[&str]) -> App {
    let mut app = app();
    app.update(Msg::Connected {
        generation: 1,
        profile: "demo".into(),
        region: "us-east-1".into(),
    });
    app.update(Msg::Identity {
        generation: 1,
        result: Ok(crate::domain::Identity {
            account: "123456789012".into(),
            arn: "arn:aws:sts::123456789012:assumed-role/oncall/me".into(),
        }),
    });
    app.update(Msg::Functions(FunctionsMsg::Started {
        generation: 1,
        run: 1,
        now: t0(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Page {
        generation: 1,
        run: 1,
        page: names
            .iter()
            .map(|n| function(n, "python3.12", 128))
            .collect(),
    }));
    app.update(Msg::Functions(FunctionsMsg::Done {
        generation: 1,
        run: 1,
        result: Ok(names.len()),
        now: t0(),
    }));
    app
}

pub(crate) fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

pub(crate) fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

pub(crate) fn names(app: &App) -> Vec<String> {
    app.functions.rows().map(|f| f.name.clone()).collect()
}

pub(crate) fn alias_data() -> aliases::AliasData {
    use crate::domain::alias::{Alias, AliasState, Version};
    let mut weighted = AliasState::plain("3");
    weighted.weights.insert("4".into(), 0.1);
    aliases::AliasData {
        aliases: vec![
            Alias {
                name: "canary".into(),
                description: "pre-release".into(),
                state: AliasState::plain("4"),
                revision_id: Some("rev-c".into()),
                arn: String::new(),
            },
            Alias {
                name: "live".into(),
                description: "production traffic".into(),
                state: weighted,
                revision_id: Some("rev-l".into()),
                arn: String::new(),
            },
        ],
        versions: (1..=4)
            .rev()
            .map(|i| Version {
                version: i.to_string(),
                description: format!("release 1.{i}"),
                code_sha256: format!("{i}abcdef0123456789"),
                runtime: Some("nodejs22.x".into()),
                memory_mb: 512,
                last_modified: Some(t0() - chrono::Duration::days(i64::from(5 - i))),
            })
            .collect(),
    }
}

/// The aliases pane of `user-signup`, loaded.
pub(crate) fn with_aliases(read_only: bool) -> App {
    let mut app = loaded(&["user-signup"]);
    app.read_only = read_only;
    let cmds = key(&mut app, KeyCode::Char('a'));
    assert_eq!(app.view, View::Aliases);
    let Some(Cmd::Aliases(AliasesCmd::Fetch {
        request, function, ..
    })) = cmds.last().cloned()
    else {
        panic!("expected FetchAliases, got {cmds:?}");
    };
    assert_eq!(function, "user-signup");
    app.update(Msg::Aliases(AliasesMsg::Loaded {
        generation: 1,
        request,
        result: Ok(alias_data()),
        now: t0(),
    }));
    app
}

pub(crate) fn alarm(
    name: &str,
    state: crate::domain::alarm::AlarmState,
    function: &str,
) -> crate::domain::alarm::Alarm {
    let mut a = crate::domain::alarm::Alarm::new(name, state);
    a.namespace = Some("AWS/Lambda".into());
    a.metric = Some("Errors".into());
    a.dimensions.insert("FunctionName".into(), function.into());
    a.threshold = Some(5.0);
    a.comparison = Some("GreaterThanThreshold".into());
    a.statistic = Some("Sum".into());
    a.period_s = Some(60);
    a.evaluation_periods = Some(1);
    a.reason = format!(
        "Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0) for {name}"
    );
    a.updated = Some(t0() - chrono::Duration::minutes(7));
    a.actions_enabled = true;
    a.alarm_actions = vec!["arn:aws:sns:us-east-1:123456789012:oncall".into()];
    a
}

pub(crate) fn with_alarms() -> App {
    use crate::domain::alarm::AlarmState;
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = key(&mut app, KeyCode::Char('A'));
    assert_eq!(app.view, View::Alarms);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Functions)));
    assert!(cmds.iter().any(|c| matches!(
        c,
        Cmd::StartPoller {
            kind: PollerKind::Alarms,
            ..
        }
    )));
    let mut muted = alarm("orders-api-throttles", AlarmState::Ok, "orders-api");
    muted.actions_enabled = false;
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Ok(vec![
            alarm("orders-api-errors", AlarmState::Ok, "orders-api"),
            alarm(
                "payments-webhook-errors",
                AlarmState::Alarm,
                "payments-webhook",
            ),
            muted,
        ]),
        now: t0(),
    }));
    app
}

pub(crate) fn log_event(ms_after_t0: i64, message: &str) -> crate::domain::log::LogEvent {
    crate::domain::log::LogEvent {
        function: "orders-api".into(),
        stream: "2026/11/21/[$LATEST]0123456789abcdef".into(),
        event_id: format!("{ms_after_t0:020}"),
        timestamp: t0() + chrono::Duration::milliseconds(ms_after_t0),
        ingestion_time: None,
        message: format!("{message}\n"),
    }
}

pub(crate) fn demo_log_events() -> Vec<crate::domain::log::LogEvent> {
    let rid = "8f5e2a10-1111-4222-8333-444455556666";
    vec![
        log_event(0, &format!("START RequestId: {rid} Version: $LATEST")),
        log_event(
            3,
            r#"{"level":"INFO","message":"order accepted","service":"orders","order_id":"o-17","cold_start":true}"#,
        ),
        log_event(9, "[WARN] inventory lookup slow: 812 ms"),
        log_event(12, &format!("[ERROR] {rid} KeyError: 'sku'")),
        log_event(15, &format!("END RequestId: {rid}")),
        log_event(
            16,
            &format!(
                "REPORT RequestId: {rid}\tDuration: 15.20 ms\tBilled Duration: 16 ms\tMemory Size: 512 MB\tMax Memory Used: 88 MB\tInit Duration: 245.12 ms\t"
            ),
        ),
    ]
}

/// The logs pane of `orders-api`, with the demo events in.
pub(crate) fn with_logs() -> App {
    let mut app = loaded(&["orders-api"]);
    let cmds = key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.view, View::Logs);
    let Some(Cmd::Logs(LogsCmd::Start {
        session,
        functions,
        last_n,
        ..
    })) = cmds.last().cloned()
    else {
        panic!("expected StartLogs, got {cmds:?}");
    };
    assert_eq!(functions, vec!["orders-api"]);
    assert_eq!(
        last_n, 200,
        "opening shows the last 200 events whatever their age"
    );
    app.update(Msg::Logs(LogsMsg::Events {
        generation: 1,
        session,
        events: demo_log_events(),
    }));
    app
}

/// A batch for `functions` as moto answers: sums and a `Maximum` stand-in for the refused p99.
pub(crate) fn row_batch(
    functions: &[(&str, f64, f64, f64, f64)],
) -> crate::domain::metrics::MetricsBatch {
    use crate::domain::metrics::{
        MetricSeries, MetricsBatch, SeriesResult, SeriesStatus, Stat, row_series,
    };
    let end = t0();
    let start = end - chrono::Duration::hours(1);
    let mut results = Vec::new();
    for (name, invocations, errors, throttles, max_ms) in functions {
        let [inv, err, thr, p99] = row_series(name);
        let spread = |total: f64| -> Vec<(DateTime<Utc>, f64)> {
            (0..6)
                .map(|i| {
                    (
                        start + chrono::Duration::minutes(10 * i + 5),
                        total / 6.0 * (1.0 + i as f64 / 5.0) / 1.6,
                    )
                })
                .collect()
        };
        for (key, total) in [(inv, *invocations), (err, *errors), (thr, *throttles)] {
            results.push(SeriesResult {
                series: MetricSeries {
                    key,
                    period_s: 60,
                    points: spread(total),
                },
                status: SeriesStatus::Ok,
            });
        }
        results.push(SeriesResult {
            series: MetricSeries {
                key: p99.clone(),
                period_s: 60,
                points: vec![],
            },
            status: SeriesStatus::PercentilesUnavailable,
        });
        results.push(SeriesResult {
            series: MetricSeries {
                key: p99.with_stat(Stat::Maximum),
                period_s: 60,
                points: vec![(start, *max_ms)],
            },
            status: SeriesStatus::Ok,
        });
    }
    MetricsBatch {
        start,
        end,
        period_s: 60,
        results,
        calls: 2,
        metrics_requested: 4 * functions.len() as u64,
        percentiles_unavailable: true,
    }
}

pub(crate) fn tick(app: &mut App, secs: i64) -> Vec<Cmd> {
    app.update(Msg::Tick {
        now: t0() + chrono::Duration::seconds(secs),
        api_calls_total: 0,
    })
}

pub(crate) fn dlq(
    name: &str,
    kind: crate::domain::dlq::DlqKind,
    function: &str,
    visible: u64,
) -> crate::domain::dlq::Dlq {
    crate::domain::dlq::Dlq {
        queue_url: Some(format!(
            "https://sqs.us-east-1.amazonaws.com/123456789012/{name}"
        )),
        queue_arn: format!("arn:aws:sqs:us-east-1:123456789012:{name}"),
        name: name.to_string(),
        kind,
        kinds: vec![kind],
        functions: vec![function.to_string()],
        source_queue_arn: None,
        inspectable: true,
        fifo: false,
        visible,
        in_flight: 0,
        delayed: 0,
        oldest_age_s: (visible > 0).then_some(3_720),
        age_source: (visible > 0).then_some(crate::domain::dlq::AgeSource::CloudWatch),
        age_unavailable: (visible == 0).then_some(crate::domain::dlq::AgeUnavailable::Empty),
    }
}

pub(crate) fn dlqs() -> Vec<crate::domain::dlq::Dlq> {
    use crate::domain::dlq::DlqKind;
    let mut source = dlq(
        "orders-dlq",
        DlqKind::SourceQueueRedrivePolicy,
        "orders-api",
        42,
    );
    source.in_flight = 2;
    source.source_queue_arn = Some("arn:aws:sqs:us-east-1:123456789012:orders".into());
    let mut sns = dlq(
        "payments-alerts",
        DlqKind::AsyncDeadLetterConfig,
        "payments-webhook",
        0,
    );
    sns.queue_url = None;
    sns.queue_arn = "arn:aws:sns:us-east-1:123456789012:payments-alerts".into();
    sns.inspectable = false;
    vec![
        source,
        dlq(
            "payments-failures",
            DlqKind::AsyncOnFailureDestination,
            "payments-webhook",
            0,
        ),
        sns,
    ]
}

pub(crate) fn discovery(dlqs: Vec<crate::domain::dlq::Dlq>) -> crate::aws::dlq::DlqDiscovery {
    crate::aws::dlq::DlqDiscovery {
        dlqs,
        ..crate::aws::dlq::DlqDiscovery::default()
    }
}

/// The DLQ pane open from the functions pane, with three queues listed.
pub(crate) fn with_dlqs() -> App {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = key(&mut app, KeyCode::Char('D'));
    assert_eq!(app.view, View::Dlq);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Functions)));
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::Dlq(DlqCmd::StartPoller { .. })))
    );
    app.update(Msg::Dlq(DlqMsg::Discovered {
        generation: 1,
        result: Ok(discovery(dlqs())),
        now: t0(),
    }));
    app
}

pub(crate) fn dlq_message(id: &str, body: &str) -> crate::domain::dlq::DlqMessage {
    let mut attributes = std::collections::BTreeMap::new();
    attributes.insert(
        "SentTimestamp".to_string(),
        (t0() - chrono::Duration::minutes(62))
            .timestamp_millis()
            .to_string(),
    );
    attributes.insert("ApproximateReceiveCount".to_string(), "4".to_string());
    crate::domain::dlq::DlqMessage {
        message_id: id.to_string(),
        receipt_handle: format!("handle-{id}"),
        body: body.to_string(),
        md5: None,
        attributes,
        message_attributes: std::collections::BTreeMap::new(),
    }
}

pub(crate) fn destination_record_body() -> String {
    serde_json::json!({
        "version": "1.0",
        "timestamp": "2026-11-21T15:58:00.000Z",
        "requestContext": {
            "requestId": "5f2b7f2e-1111-2222-3333-444455556666",
            "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:payments-webhook:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": 3
        },
        "requestPayload": {"order": 1234, "amount": 99.5},
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorType": "KeyError", "errorMessage": "'customer'"}
    })
    .to_string()
}

/// `p` on the selected queue, answered with `messages`.
pub(crate) fn peeked(app: &mut App, messages: Vec<crate::domain::dlq::DlqMessage>) {
    let cmds = key(app, KeyCode::Char('p'));
    let Some(Cmd::Dlq(DlqCmd::Peek { request, n, .. })) = cmds.first().cloned() else {
        panic!("no peek: {cmds:?}");
    };
    assert_eq!(n, 10);
    app.update(Msg::Dlq(DlqMsg::Peeked {
        generation: 1,
        request,
        result: Ok(crate::aws::dlq::Peek {
            messages,
            release_error: None,
            receive_limit: None,
        }),
        now: t0(),
    }));
}

pub(crate) fn redrive_plan() -> crate::domain::dlq::RedrivePlan {
    use crate::domain::dlq::{QueueRef, RedrivePath, RedrivePlan};
    let q = |name: &str| QueueRef {
        url: format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}"),
        arn: format!("arn:aws:sqs:us-east-1:123456789012:{name}"),
        name: name.to_string(),
        fifo: false,
    };
    RedrivePlan {
        from: q("orders-dlq"),
        path: RedrivePath::MoveTask {
            to: q("orders"),
            velocity: None,
        },
        selected: None,
        rate: None,
        visible: 42,
        in_flight: 2,
        notes: Vec::new(),
    }
}
