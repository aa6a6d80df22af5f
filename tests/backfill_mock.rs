//! The range backfill of `lambdash tail --since` and the logs pane ([`Clients::backfill_since`])
//! through the real SDK, `FilterLogEvents` answered by `aws-smithy-mocks` from a fake log group (40
//! streams, a third starting mid-range, events sharing a millisecond across streams): the range is cut
//! into as few slices as its expected pages (from the first window's rate), every event comes out once
//! and in timestamp order, and a cancelled backfill stops fetching.
#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::Arc;

use aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput;
use aws_sdk_cloudwatchlogs::types::FilteredLogEvent;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use chrono::{DateTime, TimeDelta, Utc};
use lambdash::aws::logs::{LogQuery, Pacer};
use lambdash::aws::{ApiCounter, Clients};
use lambdash::domain::log::{LogEvent, TimeWindow};

const GROUP: &str = "/aws/lambda/orders";

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

/// `(event id, ms, stream)`.
type Seeded = Vec<(String, i64, String)>;

/// 40 streams over the three hours before `now`: a third start mid-range; every 17th event shares
/// its millisecond with the one before.
fn group(now: i64, per_stream: i64) -> Seeded {
    let mut rng = fastrand::Rng::with_seed(21);
    let start = now - 3 * 3_600_000;
    let mut out = Vec::new();
    for s in 0..40 {
        let from = if s % 3 == 0 {
            start + rng.i64(0..5_400_000)
        } else {
            start
        };
        for k in 0..per_stream {
            out.push((
                format!("{s}-{k}"),
                rng.i64(from..now),
                format!("stream-{s}"),
            ));
        }
    }
    for k in (17..out.len()).step_by(17) {
        out[k].1 = out[k - 1].1;
    }
    out
}

/// `FilterLogEvents` over the fake group: the window's events in timestamp order, in one page.
fn filter_rule(seeded: Arc<Seeded>) -> Rule {
    mock!(aws_sdk_cloudwatchlogs::Client::filter_log_events).then_compute_output(move |req| {
        let (a, b) = (req.start_time().unwrap(), req.end_time().unwrap());
        let mut hits: Vec<&(String, i64, String)> = seeded
            .iter()
            .filter(|(_, ms, _)| (a..=b).contains(ms))
            .collect();
        hits.sort_by_key(|(_, ms, _)| *ms);
        let events = hits.into_iter().map(|(id, ms, stream)| {
            FilteredLogEvent::builder()
                .event_id(id)
                .timestamp(*ms)
                .log_stream_name(stream)
                .message(format!("{id}\n"))
                .build()
        });
        FilterLogEventsOutput::builder()
            .set_events(Some(events.collect()))
            .build()
    })
}

fn query() -> LogQuery {
    LogQuery {
        function: "orders".into(),
        log_group: GROUP.into(),
        filter_pattern: None,
        stream_names: Vec::new(),
    }
}

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap()
}

/// The tail's first window, as [`Clients::first_windows`] would have fetched it.
fn seed(seeded: &Seeded, now: i64) -> (TimeWindow, Vec<LogEvent>) {
    let window = TimeWindow::new(at(now - 120_000), at(now));
    let mut events: Vec<LogEvent> = seeded
        .iter()
        .filter(|(_, ms, _)| window.contains(at(*ms)))
        .map(|(id, ms, stream)| LogEvent {
            function: "orders".into(),
            stream: stream.clone(),
            event_id: id.clone(),
            timestamp: at(*ms),
            ingestion_time: None,
            message: format!("{id}\n"),
        })
        .collect();
    events.sort_by_key(|e| e.timestamp);
    (window, events)
}

#[tokio::test]
async fn backfill_since_cuts_few_slices_and_delivers_every_event_once_in_order() {
    let now = Utc::now().timestamp_millis();
    // 30,000 events: four or five pages of 8,000 by the first window's rate, so as many slices
    // (not eight).
    let seeded = Arc::new(group(now, 750));
    let rule = filter_rule(Arc::clone(&seeded));
    let clients = clients(&[&rule]);
    let start = at(now) - TimeDelta::hours(3) - TimeDelta::minutes(10);
    let mut out: Vec<LogEvent> = Vec::new();
    let mut reports = Vec::new();
    let done = clients
        .backfill_since(
            &[query()],
            vec![seed(&seeded, now)],
            start,
            &Pacer::default(),
            4,
            |p| reports.push(p),
            |events| {
                out.extend(events);
                true
            },
        )
        .await
        .unwrap();
    assert!(done);
    let slices = reports.last().unwrap().total;
    assert!((4..8).contains(&slices), "{slices} slices");
    assert_eq!(
        rule.num_calls(),
        slices,
        "one FilterLogEvents call per slice"
    );
    assert_eq!(out.len(), seeded.len(), "nothing missed");
    let ids: HashSet<&str> = out.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids.len(), seeded.len(), "nothing twice");
    assert!(out.windows(2).all(|p| p[0].timestamp <= p[1].timestamp));
    let last = reports.last().unwrap();
    assert_eq!(last.events, seeded.len());
    assert!(reports.iter().any(|p| p.done < slices));
}

#[tokio::test]
async fn cancelled_backfill_stops_fetching_after_an_ordered_prefix() {
    let now = Utc::now().timestamp_millis();
    let seeded = Arc::new(group(now, 750));
    let rule = filter_rule(Arc::clone(&seeded));
    let clients = clients(&[&rule]);
    let start = at(now) - TimeDelta::hours(3);
    let mut out: Vec<LogEvent> = Vec::new();
    let done = clients
        .backfill_since(
            &[query()],
            vec![seed(&seeded, now)],
            start,
            &Pacer::default(),
            1,
            |_| {},
            |events| {
                out.extend(events);
                false
            },
        )
        .await
        .unwrap();
    assert!(!done, "the consumer said stop");
    assert_eq!(rule.num_calls(), 1, "no slice fetched after the stop");
    assert!(!out.is_empty() && out.len() < seeded.len());
    assert!(out.windows(2).all(|p| p[0].timestamp <= p[1].timestamp));
    assert!(out.iter().all(|e| e.timestamp < at(now - 120_000)));
}
