//! The scheduler on tokio's paused clock: rates over a window, shares, priorities, AIMD, cancellation,
//! and (through a real SDK client) retries taking tokens.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use super::*;

const SCOPE: &str = "default/eu-west-1";

/// Starts `n` tasks that each acquire one Lambda control-plane token at `priority`, recording the
/// order in which they are served.
fn contenders(
    s: &Scheduler,
    n: usize,
    priority: Priority,
    label: &'static str,
    served: &Arc<Mutex<Vec<&'static str>>>,
) -> Vec<tokio::task::JoinHandle<()>> {
    (0..n)
        .map(|_| {
            let (s, served) = (s.clone(), served.clone());
            tokio::spawn(async move {
                s.acquire(SCOPE, QuotaGroup::LambdaControl, priority).await;
                served
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(label);
            })
        })
        .collect()
}

async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

#[tokio::test(start_paused = true)]
async fn the_default_share_is_five_requests_a_second_of_the_lambda_control_plane() {
    let s = Scheduler::default();
    let start = Instant::now();
    let granted = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..200 {
        let (s, granted) = (s.clone(), granted.clone());
        tasks.push(tokio::spawn(async move {
            s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::Visible)
                .await;
            granted.fetch_add(1, Ordering::SeqCst);
        }));
    }
    tokio::time::sleep(Duration::from_secs(10)).await;
    let in_10s = granted.load(Ordering::SeqCst);
    assert!((50..=51).contains(&in_10s), "{in_10s} in 10 s");
    let snap = s.snapshot(SCOPE);
    let control = &snap.groups[0];
    assert_eq!(control.group, QuotaGroup::LambdaControl);
    assert!(control.used_rps_10s <= 5.1, "{control:?}");
    assert_eq!(control.queued[Priority::Visible.rank()], 200 - in_10s);
    for t in tasks {
        t.abort();
    }
    assert!(start.elapsed() >= Duration::from_secs(10));
}

#[tokio::test(start_paused = true)]
async fn a_larger_share_allows_a_larger_rate_and_groups_do_not_share_tokens() {
    let s = Scheduler::new(QuotaConfig::default().with_share(1.0));
    let start = Instant::now();
    for _ in 0..31 {
        s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::User)
            .await;
    }
    // 15/s with a burst of 3: 31 requests in (31 − 3) / 15 s.
    let took = start.elapsed().as_secs_f64();
    assert!((took - 28.0 / 15.0).abs() < 0.05, "{took}");
    let other = Instant::now();
    s.acquire(SCOPE, QuotaGroup::MetricData, Priority::User)
        .await;
    s.acquire("prod/us-east-1", QuotaGroup::LambdaControl, Priority::User)
        .await;
    assert_eq!(other.elapsed(), Duration::ZERO, "other buckets are full");
}

#[tokio::test(start_paused = true)]
async fn a_user_request_overtakes_queued_background_work_and_fifo_holds_within_a_priority() {
    let s = Scheduler::default();
    // Spend the one banked token so everything below queues.
    s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::Visible)
        .await;
    let served = Arc::new(Mutex::new(Vec::new()));
    let mut tasks = contenders(&s, 3, Priority::Background, "bg", &served);
    settle().await;
    tasks.extend(contenders(&s, 1, Priority::Visible, "visible", &served));
    settle().await;
    tasks.extend(contenders(&s, 1, Priority::User, "user", &served));
    settle().await;
    assert_eq!(s.snapshot(SCOPE).groups[0].queued, [1, 1, 3]);
    for t in tasks {
        t.await.unwrap_or_default();
    }
    let order = served
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert_eq!(order, ["user", "visible", "bg", "bg", "bg"]);
}

#[tokio::test(start_paused = true)]
async fn a_dropped_waiter_leaves_the_queue_and_the_next_one_is_served_on_time() {
    let s = Scheduler::default();
    s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::Visible)
        .await;
    let start = Instant::now();
    // The head of the queue goes away (its pane closed) while waiting.
    let head = {
        let s = s.clone();
        tokio::spawn(async move {
            s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::User)
                .await;
        })
    };
    settle().await;
    let served = Arc::new(Mutex::new(Vec::new()));
    let next = contenders(&s, 1, Priority::Background, "next", &served);
    settle().await;
    assert_eq!(s.snapshot(SCOPE).groups[0].queued, [1, 0, 1]);
    head.abort();
    settle().await;
    assert_eq!(s.snapshot(SCOPE).groups[0].queued, [0, 0, 1]);
    for t in next {
        t.await.unwrap_or_default();
    }
    assert_eq!(
        start.elapsed(),
        Duration::from_millis(200),
        "served with the token the dropped waiter did not take"
    );
    // No token was lost: the next one comes one period later.
    s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::Visible)
        .await;
    assert_eq!(start.elapsed(), Duration::from_millis(400));
}

#[tokio::test(start_paused = true)]
async fn dropping_a_waiter_that_is_not_at_the_head_wakes_nobody_wrongly() {
    let s = Scheduler::default();
    s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::Visible)
        .await;
    let served = Arc::new(Mutex::new(Vec::new()));
    let first = contenders(&s, 1, Priority::Visible, "first", &served);
    settle().await;
    let middle = contenders(&s, 1, Priority::Visible, "middle", &served);
    settle().await;
    let last = contenders(&s, 1, Priority::Visible, "last", &served);
    settle().await;
    middle[0].abort();
    for t in first.into_iter().chain(last) {
        t.await.unwrap_or_default();
    }
    let order = served
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert_eq!(order, ["first", "last"]);
}

#[tokio::test(start_paused = true)]
async fn a_throttle_halves_the_rate_and_it_recovers_to_the_share() {
    let s = Scheduler::default();
    s.throttled(SCOPE, QuotaGroup::LambdaControl);
    let rate = |s: &Scheduler| s.snapshot(SCOPE).groups[0].current_rps.unwrap_or_default();
    assert!((rate(&s) - 2.5).abs() < 1e-9);
    // Spaced at the halved rate: 0.4 s apart.
    let start = Instant::now();
    s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::User)
        .await;
    s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::User)
        .await;
    assert_eq!(start.elapsed(), Duration::from_millis(800));
    assert_eq!(s.snapshot(SCOPE).groups[0].throttles_1h, 1);
    tokio::time::sleep(Duration::from_mins(1)).await;
    s.acquire(SCOPE, QuotaGroup::LambdaControl, Priority::User)
        .await;
    assert!((rate(&s) - 5.0).abs() < 1e-9, "{}", rate(&s));
}

#[tokio::test(start_paused = true)]
async fn the_priority_comes_from_the_calling_task_and_defaults_per_scheduler() {
    let tui = Scheduler::default();
    let headless = Scheduler::with_default_priority(QuotaConfig::default(), Priority::User);
    assert_eq!(tui.priority_here(), Priority::Visible);
    assert_eq!(headless.priority_here(), Priority::User);
    let inside = with_priority(Priority::Background, async { tui.priority_here() }).await;
    assert_eq!(inside, Priority::Background);
    assert_eq!(current_priority(), None);
}

/// A Lambda client on a fake HTTP client that answers 429 `times` times, then an empty function list.
fn lambda_on_fake(
    s: &Scheduler,
    throttles: usize,
    calls: &Arc<AtomicUsize>,
) -> aws_sdk_lambda::Client {
    let calls = calls.clone();
    let fake = aws_smithy_http_client::test_util::infallible_client_fn(move |_req| {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        if n < throttles {
            http::Response::builder()
                .status(429)
                .header("x-amzn-ErrorType", "TooManyRequestsException")
                .body(r#"{"message":"Rate exceeded"}"#)
                .unwrap_or_default()
        } else {
            http::Response::builder()
                .status(200)
                .body(r#"{"Functions":[]}"#)
                .unwrap_or_default()
        }
    });
    let http = ScheduledHttpClient::new(fake, s.clone(), SCOPE).into_shared();
    aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                "AKID", "secret", None, None, "test",
            ))
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(4))
            .http_client(http)
            .interceptor(StampOperation)
            .build(),
    )
}

#[tokio::test(start_paused = true)]
async fn sdk_retries_after_a_throttle_take_tokens_and_halve_the_rate() {
    let s = Scheduler::default();
    let calls = Arc::new(AtomicUsize::new(0));
    let lambda = lambda_on_fake(&s, 2, &calls);
    lambda
        .list_functions()
        .send()
        .await
        .expect("succeeds on the third attempt");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    let control = s.snapshot(SCOPE).groups[0].clone();
    assert_eq!(control.group, QuotaGroup::LambdaControl);
    assert_eq!(control.throttles_1h, 2, "{control:?}");
    assert!(
        (control.used_rps_60s * 60.0 - 3.0).abs() < 1e-9,
        "three attempts, three tokens: {control:?}"
    );
    let rate = control.current_rps.unwrap_or_default();
    assert!(rate < 5.0, "halved at least once: {rate}");
}

#[tokio::test(start_paused = true)]
async fn a_request_queued_for_a_token_is_not_timed_out_by_the_attempt_timeout() {
    let s = Scheduler::new(QuotaConfig::default().with_rps(QuotaGroup::LambdaControl, 0.02));
    let calls = Arc::new(AtomicUsize::new(0));
    let lambda = lambda_on_fake(&s, 0, &calls);
    lambda.list_functions().send().await.expect("first");
    let start = Instant::now();
    // The next token comes in 50 s, longer than the 20 s attempt timeout: the call still succeeds.
    lambda.list_functions().send().await.expect("second");
    assert!(
        start.elapsed() >= Duration::from_secs(49),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn an_endpoint_that_never_answers_fails_within_the_attempt_timeouts() {
    let s = Scheduler::default();
    let never = aws_smithy_http_client::test_util::NeverClient::new();
    let http = ScheduledHttpClient::new(
        aws_smithy_runtime_api::client::http::SharedHttpClient::new(never),
        s.clone(),
        SCOPE,
    )
    .into_shared();
    let lambda = aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                "AKID", "secret", None, None, "test",
            ))
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(2))
            .http_client(http)
            .interceptor(StampOperation)
            .build(),
    );
    let start = Instant::now();
    let err = lambda.list_functions().send().await.expect_err("times out");
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_secs(40) && elapsed < Duration::from_secs(70),
        "{elapsed:?}: {err:?}"
    );
}

/// A Lambda client on a fake endpoint whose ListFunctions answer carries a raw ESC inside a string.
fn lambda_with_hostile_answer(s: &Scheduler) -> aws_sdk_lambda::Client {
    let fake = aws_smithy_http_client::test_util::infallible_client_fn(move |_req| {
        http::Response::builder()
            .status(200)
            .header("content-type", "application/json")
            .body("{\"Functions\":[{\"FunctionName\":\"orders-api\",\"Description\":\"evil \u{1b}[31m red\"}]}")
            .unwrap_or_default()
    });
    let http = ScheduledHttpClient::new(fake, s.clone(), SCOPE).into_shared();
    aws_sdk_lambda::Client::from_conf(
        aws_sdk_lambda::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("eu-west-1"))
            .credentials_provider(aws_sdk_lambda::config::Credentials::new(
                "AKID", "secret", None, None, "test",
            ))
            .http_client(http)
            .interceptor(StampOperation)
            .build(),
    )
}

#[tokio::test(start_paused = true)]
async fn an_answer_with_a_raw_control_character_is_repaired_counted_and_read() {
    let s = Scheduler::default();
    let out = lambda_with_hostile_answer(&s)
        .list_functions()
        .send()
        .await
        .expect("the repaired answer parses");
    let f = &out.functions()[0];
    assert_eq!(f.function_name(), Some("orders-api"));
    assert_eq!(f.description(), Some("evil \u{FFFD}[31m red"));
    assert_eq!(
        s.repaired().into_iter().collect::<Vec<_>>(),
        vec![("ListFunctions".to_string(), 1)]
    );
    assert_eq!(
        repair::describe("ListFunctions", 1),
        "1 answer from ListFunctions carried characters it could not encode; shown as \u{FFFD}"
    );
}
