//! Live Tail through the real SDK: `StartLiveTail` answered by `aws-smithy-mocks` with event-stream
//! bodies (the frames AWS sends: `sessionStart`, `sessionUpdate`), so the SDK's own deserializer runs,
//! then lambdash's follow loop ([`Follower`]) on top: events mapped and delivered once across a
//! reconnection (the gap filled by one `FilterLogEvents` round), the sampled flag reported, a
//! snapshot-then-close endpoint (the emulator) detected and replaced by polling with the reason, and
//! `live` mode trying Live Tail again after a failure.
//!
//! No emulator needed: moto's Live Tail cannot keep a session open (see EMULATOR.md).
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput;
use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
use aws_sdk_cloudwatchlogs::types::{FilteredLogEvent, LogGroup};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use chrono::Utc;
use lambdash::aws::livetail::{FollowOptions, FollowSink, Follower, opening_dedup};
use lambdash::aws::logs::{LogQuery, Pacer};
use lambdash::aws::{ApiCounter, AwsError, Clients};
use lambdash::domain::log::{LogEvent, TailMode, Transport};
use lambdash::logs::Tailer;

const GROUP: &str = "/aws/lambda/orders";
const ARN: &str = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/orders";

fn clients(logs: &[&Rule]) -> Clients {
    use aws_config::retry::RetryConfig;
    let region = aws_config::Region::new("eu-west-1");
    let version = aws_config::BehaviorVersion::latest();
    Clients {
        lambda: aws_sdk_lambda::Client::from_conf(
            aws_sdk_lambda::Config::builder()
                .behavior_version(version)
                .region(region.clone())
                .build(),
        ),
        logs: mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, logs, |c| c
            .retry_config(RetryConfig::disabled())),
        cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::Config::builder()
                .behavior_version(version)
                .region(region.clone())
                .build(),
        ),
        codedeploy: aws_sdk_codedeploy::Client::from_conf(
            aws_sdk_codedeploy::Config::builder()
                .behavior_version(version)
                .region(region.clone())
                .build(),
        ),
        sqs: aws_sdk_sqs::Client::from_conf(
            aws_sdk_sqs::Config::builder()
                .behavior_version(version)
                .region(region.clone())
                .build(),
        ),
        sts: aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::Config::builder()
                .behavior_version(version)
                .region(region.clone())
                .build(),
        ),
        calls: ApiCounter::default(),
        scheduler: lambdash::aws::scheduler::Scheduler::default(),
        profile: "default".into(),
        region: "eu-west-1".into(),
        endpoint_url: None,
        read_only: false,
    }
}

fn query() -> LogQuery {
    LogQuery {
        function: "orders".into(),
        log_group: GROUP.into(),
        filter_pattern: None,
        stream_names: Vec::new(),
    }
}

/// One event-stream frame as AWS sends it.
fn frame(event_type: &str, json: &serde_json::Value) -> Vec<u8> {
    let message = Message::new(serde_json::to_vec(json).unwrap())
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("event".into()),
        ))
        .add_header(Header::new(
            ":event-type",
            HeaderValue::String(event_type.to_owned().into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ));
    let mut out = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&message, &mut out).unwrap();
    out
}

fn session_start(group_arn: &str) -> Vec<u8> {
    frame(
        "sessionStart",
        &serde_json::json!({
            "requestId": "r-1",
            "sessionId": "s-1",
            "logGroupIdentifiers": [group_arn],
            "logStreamNames": [],
            "logStreamNamePrefixes": [],
            "logEventFilterPattern": "",
        }),
    )
}

/// A `sessionUpdate` with events `(timestamp ms, message, ingestion ms)`.
fn session_update(sampled: bool, events: &[(i64, &str, i64)]) -> Vec<u8> {
    let results: Vec<serde_json::Value> = events
        .iter()
        .map(|(ts, m, ingested)| {
            serde_json::json!({
                "logStreamName": "2026/11/21/[$LATEST]abc",
                "logGroupIdentifier": format!("123456789012:{GROUP}"),
                "message": format!("{m}\n"),
                "timestamp": ts,
                "ingestionTime": ingested,
            })
        })
        .collect();
    frame(
        "sessionUpdate",
        &serde_json::json!({
            "sessionMetadata": { "sampled": sampled },
            "sessionResults": results,
        }),
    )
}

fn stream_response(frames: &[Vec<u8>]) -> aws_smithy_runtime_api::http::Response {
    aws_smithy_runtime_api::http::Response::new(
        StatusCode::try_from(200).unwrap(),
        SdkBody::from(frames.concat()),
    )
}

fn error_response(code: &str) -> aws_smithy_runtime_api::http::Response {
    aws_smithy_runtime_api::http::Response::new(
        StatusCode::try_from(400).unwrap(),
        SdkBody::from(format!(
            r#"{{"__type":"{code}","message":"no Live Tail here"}}"#
        )),
    )
}

fn filtered(ts: i64, m: &str) -> FilteredLogEvent {
    FilteredLogEvent::builder()
        .event_id(format!("id-{m}"))
        .timestamp(ts)
        .ingestion_time(ts + 100)
        .log_stream_name("2026/11/21/[$LATEST]abc")
        .message(format!("{m}\n"))
        .build()
}

fn page(events: &[(i64, &str)]) -> FilterLogEventsOutput {
    FilterLogEventsOutput::builder()
        .set_events(Some(
            events.iter().map(|(ts, m)| filtered(*ts, m)).collect(),
        ))
        .build()
}

fn describe_rule() -> Rule {
    mock!(aws_sdk_cloudwatchlogs::Client::describe_log_groups).then_output(|| {
        DescribeLogGroupsOutput::builder()
            .log_groups(
                LogGroup::builder()
                    .log_group_name(GROUP)
                    .arn(format!("{ARN}:*"))
                    .log_group_arn(ARN)
                    .build(),
            )
            .build()
    })
}

/// Records what the follow loop says; stops after `stop_after` events.
struct Recorder {
    events: Vec<LogEvent>,
    transports: Vec<Transport>,
    stop_after: usize,
}

impl FollowSink for Recorder {
    fn events(&mut self, events: Vec<LogEvent>) -> bool {
        self.events.extend(events);
        self.events.len() < self.stop_after
    }

    fn transport(&mut self, transport: &Transport) {
        self.transports.push(transport.clone());
    }

    fn failed(&mut self, err: &AwsError) -> bool {
        panic!("unexpected failure: {err}");
    }
}

impl Recorder {
    fn new(stop_after: usize) -> Self {
        Self {
            events: Vec::new(),
            transports: Vec::new(),
            stop_after,
        }
    }

    fn messages(&self) -> Vec<&str> {
        self.events.iter().map(LogEvent::text).collect()
    }
}

/// Runs the follow loop after an opening that delivered `opening`, within 10 s.
async fn follow(
    clients: &Clients,
    opening: &[(i64, &str)],
    opts: FollowOptions,
    sink: &mut Recorder,
) {
    let queries = vec![query()];
    let pacer = Pacer::default();
    let mut tailer = Tailer::new(Duration::from_mins(2));
    let window = tailer.next_window(Utc::now());
    let events: Vec<LogEvent> = opening
        .iter()
        .map(|(ts, m)| LogEvent {
            function: "orders".into(),
            stream: "2026/11/21/[$LATEST]abc".into(),
            event_id: format!("id-{m}"),
            timestamp: chrono::DateTime::from_timestamp_millis(*ts).unwrap(),
            ingestion_time: chrono::DateTime::from_timestamp_millis(ts + 100),
            message: format!("{m}\n"),
        })
        .collect();
    let events = tailer.ingest(events);
    tailer.completed(window);
    let dedup = opening_dedup(&[(window, events)]);
    let follower = Follower::new(clients, &queries, vec![tailer], dedup, &pacer, opts);
    tokio::time::timeout(Duration::from_secs(10), follower.run(sink))
        .await
        .expect("the follow loop did not stop")
        .unwrap();
}

#[tokio::test]
async fn live_tail_delivers_each_event_once_across_a_reconnect_and_reports_sampling() {
    let now = Utc::now().timestamp_millis();
    let t = move |s: i64| now - 30_000 + s * 1_000;
    let ing = move |s: i64| t(s) + 100;
    let live = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail)
        .sequence()
        .http_response(move || {
            stream_response(&[
                session_start(ARN),
                session_update(false, &[(t(1), "a", ing(1)), (t(2), "b", ing(2))]),
                session_update(true, &[(t(3), "c", ing(3))]),
            ])
        })
        // The second session streams c again (ingested as it started) and d.
        .http_response(move || {
            stream_response(&[
                session_start(ARN),
                session_update(false, &[(t(3), "c", ing(3)), (t(5), "d", ing(5))]),
            ])
        })
        .http_response(|| error_response("InvalidOperationException"))
        .build();
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .sequence()
        // Gap fill after the first start: only what the opening showed.
        .output(move || page(&[(t(0), "opening")]))
        // Gap fill after the reconnection: e was ingested between the sessions.
        .output(move || {
            page(&[
                (t(0), "opening"),
                (t(1), "a"),
                (t(2), "b"),
                (t(3), "c"),
                (t(4), "e"),
            ])
        })
        // Polling after Live Tail failed to start.
        .output(move || page(&[(t(4), "e"), (t(5), "d"), (t(6), "f")]))
        .build();
    let describe = describe_rule();
    let clients = clients(&[&live, &filter, &describe]);
    let mut opts = FollowOptions::new(TailMode::Auto, 1);
    opts.min_healthy = Duration::ZERO; // a finite mocked stream counts as a session that worked
    let mut sink = Recorder::new(6);
    follow(&clients, &[(t(0), "opening")], opts, &mut sink).await;

    assert_eq!(sink.messages(), ["a", "b", "c", "e", "d", "f"]);
    let ids: std::collections::HashSet<&str> =
        sink.events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids.len(), 6);
    assert!(
        sink.events[0].event_id.starts_with("live-"),
        "live events get a synthetic id"
    );
    assert_eq!(sink.events[3].event_id, "id-e", "polled events keep theirs");
    assert_eq!(sink.events[0].function, "orders");
    assert_eq!(sink.transports[0], Transport::Live { sampled: false });
    assert!(sink.transports.contains(&Transport::Live { sampled: true }));
    let Some(Transport::Polling { why: Some(why) }) = sink.transports.last() else {
        panic!("{:?}", sink.transports)
    };
    assert!(
        why.starts_with("Live Tail does not work for orders: it failed to start")
            && why.contains("InvalidOperationException")
            && why.matches("orders").count() == 1,
        "the function tailed, once, in plain words: {why}"
    );
    assert_eq!(live.num_calls(), 3);
}

#[tokio::test]
async fn a_snapshot_then_close_endpoint_falls_back_to_polling_and_says_why() {
    let now = Utc::now().timestamp_millis();
    let live =
        mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail).then_http_response(move || {
            stream_response(&[
                session_start(ARN),
                // What the emulator sends: everything it has, old events included, then it closes.
                session_update(
                    false,
                    &[
                        (now - 600_000, "ten minutes old", now - 599_000),
                        (now - 20_000, "opening", now - 19_900),
                    ],
                ),
            ])
        });
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .sequence()
        .output(move || page(&[(now - 20_000, "opening")]))
        .output(move || page(&[(now - 20_000, "opening"), (now - 1_000, "new")]))
        .build();
    let describe = describe_rule();
    let clients = clients(&[&live, &filter, &describe]);
    let mut sink = Recorder::new(1);
    follow(
        &clients,
        &[(now - 20_000, "opening")],
        FollowOptions::new(TailMode::Auto, 1),
        &mut sink,
    )
    .await;
    assert_eq!(sink.messages(), ["new"], "the snapshot is not shown again");
    let Some(Transport::Polling { why: Some(why) }) = sink.transports.last() else {
        panic!("{:?}", sink.transports)
    };
    assert!(why.contains("only sends a snapshot"), "{why}");
    assert_eq!(live.num_calls(), 1, "auto does not try again");
}

#[tokio::test]
async fn another_log_group_in_the_session_falls_back_to_polling() {
    let live = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail).then_http_response(|| {
        stream_response(&[session_start(
            "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/last-created",
        )])
    });
    let now = Utc::now().timestamp_millis();
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .then_output(move || page(&[(now - 1_000, "polled")]));
    let describe = describe_rule();
    let clients = clients(&[&live, &filter, &describe]);
    let mut sink = Recorder::new(1);
    follow(
        &clients,
        &[],
        FollowOptions::new(TailMode::Auto, 1),
        &mut sink,
    )
    .await;
    assert_eq!(sink.messages(), ["polled"]);
    let Some(Transport::Polling { why: Some(why) }) = sink.transports.last() else {
        panic!("{:?}", sink.transports)
    };
    // Said about the function tailed, once, in plain words; not the other group's ARN.
    assert_eq!(
        why,
        "Live Tail does not work for orders: it sent another function's logs instead (this endpoint does not support Live Tail)"
    );
}

#[tokio::test]
async fn live_mode_tries_live_tail_again_after_a_failure() {
    let now = Utc::now().timestamp_millis();
    let live = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail)
        .sequence()
        .http_response(|| error_response("LimitExceededException"))
        .http_response(move || {
            stream_response(&[
                session_start(ARN),
                session_update(false, &[(now - 500, "live again", now - 400)]),
            ])
        })
        .build();
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_output(|| page(&[]));
    let describe = describe_rule();
    let clients = clients(&[&live, &filter, &describe]);
    let mut opts = FollowOptions::new(TailMode::Live, 1);
    opts.retry_live_after = Duration::from_millis(300);
    opts.poll_every = Duration::from_millis(50);
    let mut sink = Recorder::new(1);
    follow(&clients, &[], opts, &mut sink).await;
    assert_eq!(sink.messages(), ["live again"]);
    let Transport::Polling { why: Some(why) } = &sink.transports[0] else {
        panic!("{:?}", sink.transports)
    };
    assert!(
        why.contains("LimitExceededException") && why.contains("trying Live Tail again"),
        "{why}"
    );
    assert_eq!(sink.transports[1], Transport::Live { sampled: false });
}

#[tokio::test]
async fn poll_mode_never_starts_live_tail() {
    let live = mock!(aws_sdk_cloudwatchlogs::Client::start_live_tail)
        .then_http_response(|| error_response("InvalidOperationException"));
    let now = Utc::now().timestamp_millis();
    let filter = mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events)
        .then_output(move || page(&[(now - 1_000, "polled")]));
    let describe = describe_rule();
    let clients = clients(&[&live, &filter, &describe]);
    let mut sink = Recorder::new(1);
    follow(
        &clients,
        &[],
        FollowOptions::new(TailMode::Poll, 1),
        &mut sink,
    )
    .await;
    assert_eq!(sink.messages(), ["polled"]);
    assert_eq!(sink.transports, [Transport::Polling { why: None }]);
    assert_eq!(live.num_calls(), 0);
}
