//! Unit tests of the metrics and cost panes' `update`: keys and answers in, state and commands out.

use crate::app::{AlarmsMsg, LogsCmd};
use chrono::{DateTime, Duration as TD, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::msg::PaneContext;
use super::test_support::{alarm, loaded, t0, with_alarms};
use super::*;
use crate::app::cost::CostData;
use crate::app::metrics::comparisons;
use crate::domain::alias::{Alias, AliasState};
use crate::domain::metrics::cost::{CostInput, Prices, Unestimated, estimate_costs};
use crate::domain::metrics::{MetricsBatch, MetricsRange, QualifierKind};

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn batch(end: DateTime<Utc>) -> MetricsBatch {
    MetricsBatch {
        start: end - TD::hours(1),
        end,
        period_s: 60,
        results: Vec::new(),
        calls: 1,
        metrics_requested: 17,
        percentiles_unavailable: false,
    }
}

fn alias(name: &str, version: &str, canary: Option<(&str, f64)>) -> Alias {
    let mut state = AliasState::plain(version);
    if let Some((v, w)) = canary {
        state.weights.insert(v.to_string(), w);
    }
    Alias {
        name: name.into(),
        description: String::new(),
        state,
        revision_id: None,
        arn: format!("arn:aws:lambda:us-east-1:123456789012:function:orders-api:{name}"),
    }
}

/// What a `Cmd::FetchPaneMetrics` asked for.
#[derive(Debug)]
struct Fetch {
    request: u64,
    qualifiers: Vec<(QualifierKind, String)>,
    range: std::time::Duration,
    period_s: i32,
    end: Option<DateTime<Utc>>,
    context: bool,
}

/// The pane's fetch among `cmds`.
fn fetch(cmds: &[Cmd]) -> Option<Fetch> {
    cmds.iter().find_map(|c| match c {
        Cmd::FetchPaneMetrics {
            request,
            qualifiers,
            range,
            period_s,
            end,
            context,
            ..
        } => Some(Fetch {
            request: *request,
            qualifiers: qualifiers.clone(),
            range: *range,
            period_s: *period_s,
            end: *end,
            context: *context,
        }),
        _ => None,
    })
}

fn answer(app: &mut App, request: u64, aliases: Vec<Alias>, now: DateTime<Utc>) {
    app.update(Msg::PaneMetrics {
        generation: 1,
        request,
        result: Ok(Box::new(batch(now))),
        context: Some(Box::new(PaneContext {
            alarms: Ok(vec![alarm(
                "orders-api-errors",
                crate::domain::alarm::AlarmState::Alarm,
                "orders-api",
            )]),
            aliases: Ok(aliases),
        })),
        now,
    });
}

fn tick(app: &mut App, now: DateTime<Utc>) -> Vec<Cmd> {
    app.update(Msg::Tick {
        now,
        api_calls_total: 0,
    })
}

/// The functions pane with `orders-api` selected, metrics pane opened with `m` and answered.
fn opened(aliases: Vec<Alias>) -> (App, u64) {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = key(&mut app, KeyCode::Char('m'));
    let request = fetch(&cmds).unwrap().request;
    answer(&mut app, request, aliases, t0());
    (app, request)
}

#[test]
fn m_opens_the_metrics_of_the_selected_function_with_its_context() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.view, View::Metrics);
    assert_eq!(app.scope(), Scope::Metrics);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Functions)));
    let Fetch {
        qualifiers,
        range,
        period_s: period,
        end,
        context,
        ..
    } = fetch(&cmds).unwrap();
    assert!(qualifiers.is_empty());
    assert_eq!(range, MetricsRange::H1.duration());
    assert_eq!(period, 60);
    assert_eq!(end, None, "the live view ends at the fetch's now");
    assert!(context, "the first fetch reads the alarms and aliases too");
    let pane = app.metrics.as_ref().unwrap();
    assert_eq!(pane.function, "orders-api");
    assert_eq!(pane.timeout_s, Some(30));
    assert!(pane.remote.is_loading());
    assert!(app.busy());
}

#[test]
fn answers_are_kept_refreshed_no_faster_than_the_period_and_stale_ones_dropped() {
    let (mut app, request) = opened(Vec::new());
    let pane = app.metrics.as_ref().unwrap();
    assert!(pane.remote.data.is_some());
    assert_eq!(
        pane.remote
            .data
            .as_ref()
            .unwrap()
            .alarms
            .as_ref()
            .unwrap()
            .len(),
        1
    );
    assert!(fetch(&tick(&mut app, t0() + TD::seconds(30))).is_none());
    let cmds = tick(&mut app, t0() + TD::seconds(61));
    let Fetch {
        request: next,
        context,
        ..
    } = fetch(&cmds).unwrap();
    assert!(next > request);
    assert!(
        !context,
        "a periodic refresh does not re-read alarms and aliases"
    );
    // The late answer to the first request is dropped; the context is carried over.
    app.update(Msg::PaneMetrics {
        generation: 1,
        request,
        result: Err("late".into()),
        context: None,
        now: t0() + TD::seconds(62),
    });
    assert!(app.metrics.as_ref().unwrap().remote.is_loading());
    app.update(Msg::PaneMetrics {
        generation: 1,
        request: next,
        result: Ok(Box::new(batch(t0() + TD::seconds(62)))),
        context: None,
        now: t0() + TD::seconds(62),
    });
    let data = app.metrics.as_ref().unwrap().remote.data.clone().unwrap();
    assert_eq!(data.alarms.unwrap().len(), 1);
    assert_eq!(data.batch.end, t0() + TD::seconds(62));
}

#[test]
fn a_failed_refresh_keeps_the_last_good_charts_and_says_so() {
    let (mut app, _) = opened(Vec::new());
    let cmds = key(&mut app, KeyCode::Char('r'));
    let Fetch {
        request, context, ..
    } = fetch(&cmds).unwrap();
    assert!(context, "r re-reads the alarms and aliases");
    app.update(Msg::PaneMetrics {
        generation: 1,
        request,
        result: Err("ThrottlingException: Rate exceeded".into()),
        context: None,
        now: t0() + TD::seconds(5),
    });
    let pane = app.metrics.as_ref().unwrap();
    assert!(pane.remote.data.is_some(), "last good data kept");
    assert!(pane.remote.error().unwrap().contains("Throttling"));
    assert!(app.flash.as_ref().unwrap().text.contains("Throttling"));
    // Retried after a period, not on every tick.
    assert!(fetch(&tick(&mut app, t0() + TD::seconds(10))).is_none());
    assert!(fetch(&tick(&mut app, t0() + TD::seconds(70))).is_some());
}

#[test]
fn range_keys_refetch_with_the_range_s_period() {
    let (mut app, _) = opened(Vec::new());
    let Fetch {
        range,
        period_s: period,
        ..
    } = fetch(&key(&mut app, KeyCode::Char('4'))).unwrap();
    assert_eq!(range, std::time::Duration::from_hours(12));
    assert_eq!(period, 300);
    let pane = app.metrics.as_mut().unwrap();
    pane.in_flight = false;
    let Fetch {
        range,
        period_s: period,
        ..
    } = fetch(&key(&mut app, KeyCode::Char('6'))).unwrap();
    assert_eq!(range, std::time::Duration::from_hours(7 * 24));
    assert_eq!(period, 3600);
    assert_eq!(app.metrics.as_ref().unwrap().range, MetricsRange::D7);
}

#[test]
fn compare_cycles_through_the_canary_s_versions_and_alias_pairs_then_off() {
    let aliases = vec![
        alias("live", "6", Some(("7", 0.1))),
        alias("staging", "7", None),
    ];
    let (mut app, _) = opened(aliases);
    let cmds = key(&mut app, KeyCode::Char('c'));
    let qualifiers = fetch(&cmds).unwrap().qualifiers;
    assert_eq!(
        qualifiers,
        vec![
            (QualifierKind::ExecutedVersion, "live:6".to_string()),
            (QualifierKind::ExecutedVersion, "live:7".to_string()),
        ]
    );
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("version 6 (90 %) vs version 7 (10 %)")
    );
    app.metrics.as_mut().unwrap().in_flight = false;
    let qualifiers = fetch(&key(&mut app, KeyCode::Char('c')))
        .unwrap()
        .qualifiers;
    assert_eq!(
        qualifiers,
        vec![
            (QualifierKind::Resource, "live".to_string()),
            (QualifierKind::Resource, "staging".to_string()),
        ]
    );
    app.metrics.as_mut().unwrap().in_flight = false;
    let qualifiers = fetch(&key(&mut app, KeyCode::Char('c')))
        .unwrap()
        .qualifiers;
    assert!(qualifiers.is_empty(), "third press: comparison off");
}

#[test]
fn compare_without_aliases_says_why_and_fetches_nothing() {
    let (mut app, _) = opened(vec![alias("live", "3", None)]);
    let cmds = key(&mut app, KeyCode::Char('c'));
    assert!(fetch(&cmds).is_none());
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("nothing to compare")
    );
    assert_eq!(app.metrics.as_ref().unwrap().compare, None);
}

#[test]
fn comparisons_come_from_weighted_aliases_first_then_neighbouring_aliases() {
    let c = comparisons(&[
        alias("blue", "1", None),
        alias("live", "4", Some(("5", 0.25))),
    ]);
    assert_eq!(c.len(), 2);
    assert_eq!(
        c[0].a.qualifier,
        (QualifierKind::ExecutedVersion, "live:4".into())
    );
    assert_eq!(
        c[0].b.qualifier,
        (QualifierKind::ExecutedVersion, "live:5".into())
    );
    assert!(c[0].label.contains("75 %"));
    assert_eq!(c[1].label, "alias blue vs alias live");
    assert!(comparisons(&[]).is_empty());
}

#[test]
fn m_on_an_alarm_opens_the_metrics_around_the_flip_and_esc_returns_to_the_alarms() {
    let mut app = with_alarms();
    // The list is sorted firing first: payments-webhook-errors (ALARM, 7 min ago).
    assert_eq!(
        app.alarms.selected_alarm().unwrap().name,
        "payments-webhook-errors"
    );
    let cmds = key(&mut app, KeyCode::Char('m'));
    assert_eq!(app.view, View::Metrics);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Alarms)));
    let flip = t0() - TD::minutes(7);
    let pane = app.metrics.as_ref().unwrap();
    assert_eq!(pane.function, "payments-webhook");
    assert_eq!(pane.anchor, Some(flip));
    let end = fetch(&cmds).unwrap().end;
    assert_eq!(
        end,
        Some(t0()),
        "flip + 30 min is in the future: the window ends now"
    );
    // A flip long ago: the window is centred on it, and it is not refetched every minute.
    let pane = app.metrics.as_mut().unwrap();
    pane.anchor = Some(t0() - TD::hours(5));
    pane.in_flight = false;
    let Fetch { request, end, .. } = fetch(&tick(&mut app, t0())).unwrap();
    assert_eq!(end, Some(t0() - TD::hours(5) + TD::minutes(30)));
    answer(&mut app, request, Vec::new(), t0());
    assert!(fetch(&tick(&mut app, t0() + TD::minutes(5))).is_none());
    // 0 goes back to "up to now".
    let cmds = key(&mut app, KeyCode::Char('0'));
    assert_eq!(fetch(&cmds).unwrap().end, None);
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Alarms);
    assert!(cmds.iter().any(|c| matches!(
        c,
        Cmd::StartPoller {
            kind: PollerKind::Alarms,
            ..
        }
    )));
}

#[test]
fn m_on_an_alarm_without_a_function_says_so() {
    let mut app = with_alarms();
    let mut a = alarm("queue-depth", crate::domain::alarm::AlarmState::Alarm, "x");
    a.dimensions.clear();
    a.dimensions.insert("QueueName".into(), "orders-dlq".into());
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Ok(vec![a]),
        now: t0(),
    }));
    let cmds = key(&mut app, KeyCode::Char('m'));
    assert!(cmds.is_empty());
    assert_eq!(app.view, View::Alarms);
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("not about a Lambda function")
    );
}

#[test]
fn esc_from_metrics_opened_on_functions_restarts_the_functions_poller() {
    let (mut app, _) = opened(Vec::new());
    let cmds = key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Functions);
    assert!(cmds.iter().any(|c| matches!(
        c,
        Cmd::StartPoller {
            kind: PollerKind::Functions,
            ..
        }
    )));
}

fn cost_data() -> CostData {
    let prices = Prices::load("us-east-1", None).unwrap();
    let inputs = vec![
        CostInput {
            function: super::test_support::function("orders-api", "python3.12", 1024),
            invocations: 1000.0,
            sum_duration_ms: 100_000.0,
            ephemeral_storage_mb: None,
        },
        CostInput {
            function: super::test_support::function("payments-webhook", "python3.12", 128),
            invocations: 10.0,
            sum_duration_ms: 100.0,
            ephemeral_storage_mb: None,
        },
    ];
    CostData {
        report: estimate_costs(&inputs, MetricsRange::H1.duration(), &prices),
        unestimated: vec![Unestimated {
            function: "legacy".into(),
            reason: "no data".into(),
        }],
        calls: 1,
        metrics_requested: 6,
    }
}

#[test]
fn dollar_opens_the_cost_pane_sorted_by_cost_and_enter_opens_the_metrics() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    let cmds = key(&mut app, KeyCode::Char('$'));
    assert_eq!(app.view, View::Cost);
    assert_eq!(app.scope(), Scope::Cost);
    let request = cmds
        .iter()
        .find_map(|c| match c {
            Cmd::FetchCost { request, range, .. } => {
                assert_eq!(*range, MetricsRange::H1.duration());
                Some(*request)
            }
            _ => None,
        })
        .unwrap();
    app.update(Msg::Cost {
        generation: 1,
        request,
        result: Ok(Box::new(cost_data())),
        now: t0(),
    });
    let data = app.cost.remote.data.as_ref().unwrap();
    assert_eq!(data.report.rows[0].function, "orders-api");
    assert!(
        app.metrics_spend_last_hour() > 0.0,
        "the estimate's own calls are counted"
    );
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.cost.selected, 1);
    key(&mut app, KeyCode::Char('k'));
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Metrics);
    assert_eq!(app.metrics.as_ref().unwrap().function, "orders-api");
    assert!(fetch(&cmds).is_some());
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, View::Cost, "Esc goes back to the cost pane");
}

#[test]
fn a_cost_range_key_refetches_and_a_late_answer_for_the_old_range_is_dropped() {
    let mut app = loaded(&["orders-api"]);
    let first = match &key(&mut app, KeyCode::Char('$'))[..] {
        [.., Cmd::FetchCost { request, .. }] => *request,
        other => panic!("{other:?}"),
    };
    let cmds = key(&mut app, KeyCode::Char('5'));
    let second = match &cmds[..] {
        [Cmd::FetchCost { request, range, .. }] => {
            assert_eq!(*range, std::time::Duration::from_hours(24));
            *request
        }
        other => panic!("{other:?}"),
    };
    app.update(Msg::Cost {
        generation: 1,
        request: first,
        result: Ok(Box::new(cost_data())),
        now: t0(),
    });
    assert!(
        app.cost.remote.data.is_none(),
        "the 1h answer is not shown as 24h"
    );
    app.update(Msg::Cost {
        generation: 1,
        request: second,
        result: Err("AccessDenied: cloudwatch:GetMetricData".into()),
        now: t0(),
    });
    assert!(app.cost.remote.error().unwrap().contains("AccessDenied"));
    assert!(
        app.flash
            .as_ref()
            .unwrap()
            .text
            .contains("cost: AccessDenied")
    );
}

#[test]
fn palette_opens_metrics_and_cost() {
    let mut app = loaded(&["orders-api"]);
    key(&mut app, KeyCode::Char(':'));
    for c in "metrics".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Metrics);
    assert!(fetch(&cmds).is_some());
    key(&mut app, KeyCode::Char(':'));
    for c in "cost".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, View::Cost);
    assert!(cmds.iter().any(|c| matches!(c, Cmd::FetchCost { .. })));
}

#[test]
fn l_on_an_alarm_opens_the_logs_around_the_flip() {
    use crate::logs::range::RangeSpec;
    let range_of = |cmds: &[Cmd]| {
        cmds.iter()
            .find_map(|c| match c {
                Cmd::Logs(LogsCmd::Start {
                    functions, range, ..
                }) => Some((functions.clone(), *range)),
                _ => None,
            })
            .unwrap()
    };
    let mut app = with_alarms();
    let flip = t0() - TD::minutes(7);
    let cmds = key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.view, View::Logs);
    assert!(cmds.contains(&Cmd::StopPoller(PollerKind::Alarms)));
    let (functions, range) = range_of(&cmds);
    assert_eq!(functions, vec!["payments-webhook".to_string()]);
    assert_eq!(
        range,
        Some(RangeSpec::Between {
            start: flip - TD::minutes(15),
            end: None
        }),
        "a flip 7 minutes ago: from 15 minutes before it, then followed"
    );
    assert!(
        app.logs.as_ref().unwrap().backfill.is_some(),
        "progress shown"
    );
    // An older flip: a closed window around it.
    let old = t0() - TD::hours(3);
    let mut app = with_alarms();
    let mut alarms = app.alarms.all().to_vec();
    for a in &mut alarms {
        a.updated = Some(old);
    }
    app.update(Msg::Alarms(AlarmsMsg::Loaded {
        generation: 1,
        result: Ok(alarms),
        now: t0(),
    }));
    let (_, range) = range_of(&key(&mut app, KeyCode::Char('l')));
    assert_eq!(
        range,
        Some(RangeSpec::Between {
            start: old - TD::minutes(15),
            end: Some(old + TD::minutes(15))
        })
    );
}

#[test]
fn a_failed_identity_is_asked_again_after_30_s() {
    let mut app = loaded(&["orders-api"]);
    app.update(Msg::Identity {
        generation: 1,
        result: Err("dispatch failure: connection refused".into()),
    });
    assert!(app.identity.error().is_some());
    let asked = |cmds: &[Cmd]| cmds.iter().any(|c| matches!(c, Cmd::FetchIdentity { .. }));
    assert!(!asked(&tick(&mut app, t0() + TD::seconds(10))));
    assert!(asked(&tick(&mut app, t0() + TD::seconds(31))));
    assert!(app.identity.is_loading());
    assert!(
        !asked(&tick(&mut app, t0() + TD::seconds(32))),
        "one at a time"
    );
}
