//! Concurrency on the paths the emulator cannot prove (it answers 404 for GetAccountSettings and
//! provisioned concurrency), driven by `aws-smithy-mocks` with answers shaped like AWS's documented
//! ones: the account limit, provisioned concurrency per alias, reserved 0 in GetFunction, the
//! account-wide ConcurrentExecutions, the ordering of the view, how many requests it sends, and an
//! endpoint without the provisioned-concurrency API asked once, not once per function.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::types::MetricDataResult;
use aws_sdk_lambda::Client;
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use chrono::{DateTime, Utc};
use lambdash::aws::concurrency::{self, ReportOptions};
use lambdash::domain::concurrency::{Availability, Reserved};

fn json(status: u16, body: &'static str) -> HttpResponse {
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

/// GetAccountSettings as AWS documents it.
const ACCOUNT_SETTINGS: &str = r#"{
 "AccountLimit": {"TotalCodeSize": 80530636800, "CodeSizeUnzipped": 262144000, "CodeSizeZipped": 52428800,
                  "ConcurrentExecutions": 1000, "UnreservedConcurrentExecutions": 880},
 "AccountUsage": {"TotalCodeSize": 1234567, "FunctionCount": 3}}"#;

/// ListProvisionedConcurrencyConfigs as AWS documents it: one alias ready, one version allocating.
const PROVISIONED: &str = r#"{"ProvisionedConcurrencyConfigs": [
 {"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:orders-api:live",
  "RequestedProvisionedConcurrentExecutions": 20, "AvailableProvisionedConcurrentExecutions": 20,
  "AllocatedProvisionedConcurrentExecutions": 20, "Status": "READY", "LastModified": "2026-12-01T10:00:00+0000"},
 {"FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:orders-api:7",
  "RequestedProvisionedConcurrentExecutions": 10, "AvailableProvisionedConcurrentExecutions": 0,
  "AllocatedProvisionedConcurrentExecutions": 4, "Status": "IN_PROGRESS", "LastModified": "2026-12-07T02:59:00+0000"}]}"#;

/// GetFunction bodies: reserved 0 (AWS returns it), 100, and none.
const GET_STOPPED: &str = r#"{"Configuration": {"FunctionName": "poison-consumer"}, "Concurrency": {"ReservedConcurrentExecutions": 0}}"#;
const GET_CAPPED: &str = r#"{"Configuration": {"FunctionName": "orders-api"}, "Concurrency": {"ReservedConcurrentExecutions": 100}}"#;
const GET_PLAIN: &str = r#"{"Configuration": {"FunctionName": "thumbnailer"}}"#;

const NOT_FOUND_HTML: &str = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n";

fn lambda(rules: &[&Rule]) -> Client {
    mock_client!(aws_sdk_lambda, RuleMode::MatchAny, rules, |c| c
        .retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled()))
}

fn get_function(name: &'static str, body: &'static str) -> Rule {
    mock!(Client::get_function)
        .match_requests(move |r| r.function_name() == Some(name))
        .sequence()
        .http_response(move || json(200, body))
        .repeatedly()
        .build()
}

fn now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-07T03:30:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

/// CloudWatch answering every query: the account's ConcurrentExecutions peak 700, each function's
/// peak and throttles from the table below, one datapoint at the window's start.
fn cloudwatch() -> (aws_sdk_cloudwatch::Client, Rule) {
    let rule = mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(|input| {
        let start = input.start_time().unwrap().secs();
        let results = input
            .metric_data_queries()
            .iter()
            .map(|q| {
                let stat = q.metric_stat().unwrap();
                let metric = stat.metric().unwrap();
                let function = metric
                    .dimensions()
                    .iter()
                    .find(|d| d.name() == Some("FunctionName"))
                    .and_then(|d| d.value())
                    .unwrap_or("");
                let value = match (function, metric.metric_name().unwrap()) {
                    ("", _) => 700.0,
                    ("orders-api", "ConcurrentExecutions") => 95.0,
                    ("orders-api", _) => 12.0,
                    ("thumbnailer", "ConcurrentExecutions") => 440.0,
                    _ => 0.0,
                };
                MetricDataResult::builder()
                    .id(q.id().unwrap())
                    .timestamps(aws_smithy_types::DateTime::from_secs(start))
                    .values(value)
                    .status_code(aws_sdk_cloudwatch::types::StatusCode::Complete)
                    .build()
            })
            .collect::<Vec<_>>();
        GetMetricDataOutput::builder()
            .set_metric_data_results(Some(results))
            .build()
    });
    let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&rule], |c| c
        .retry_config(aws_sdk_cloudwatch::config::retry::RetryConfig::disabled()));
    (client, rule)
}

fn names() -> Vec<String> {
    ["thumbnailer", "orders-api", "poison-consumer"]
        .map(String::from)
        .to_vec()
}

fn opts(provisioned: bool) -> ReportOptions {
    ReportOptions {
        range: Duration::from_hours(1),
        now: now(),
        provisioned,
    }
}

#[tokio::test]
async fn account_limit_reserved_zero_and_provisioned_per_alias_read_as_aws_answers() {
    let settings =
        mock!(Client::get_account_settings).then_http_response(|| json(200, ACCOUNT_SETTINGS));
    let provisioned = mock!(Client::list_provisioned_concurrency_configs)
        .sequence()
        .http_response(|| json(200, PROVISIONED))
        .repeatedly()
        .build();
    let gets = [
        get_function("poison-consumer", GET_STOPPED),
        get_function("orders-api", GET_CAPPED),
        get_function("thumbnailer", GET_PLAIN),
    ];
    let client = lambda(&[&settings, &provisioned, &gets[0], &gets[1], &gets[2]]);
    let (cw, metrics) = cloudwatch();
    let report = concurrency::report(&client, &cw, "default", &names(), &opts(true)).await;

    let account = *report.account.ok().unwrap();
    assert_eq!((account.limit, account.unreserved), (1000, 880));
    assert_eq!(report.account_peak, Availability::Ok(Some(700.0)));
    let order: Vec<&str> = report
        .functions
        .iter()
        .map(|f| f.function.as_str())
        .collect();
    // Stopped first; then orders-api at 95 of its 100; then thumbnailer at 440 of the 880 pool.
    assert_eq!(order, ["poison-consumer", "orders-api", "thumbnailer"]);
    let f = &report.functions;
    assert_eq!(f[0].reserved, Availability::Ok(Reserved::STOPPED));
    assert_eq!(f[1].reserved, Availability::Ok(Reserved(Some(100))));
    assert_eq!(f[2].reserved, Availability::Ok(Reserved::NONE));
    assert_eq!((f[1].peak, f[1].throttles), (Some(95.0), Some(12.0)));
    assert_eq!(f[2].ceiling(Some(account)), Some(880));
    let pcs = f[1].provisioned.ok().unwrap();
    assert_eq!(pcs.len(), 2);
    assert_eq!(pcs[0].qualifier, "live");
    assert_eq!((pcs[0].allocated, pcs[0].requested), (Some(20), Some(20)));
    assert_eq!(pcs[1].qualifier, "7");
    assert_eq!(pcs[1].status, "IN_PROGRESS");
    assert_eq!(pcs[1].available, Some(0));
    // The requests it took: one per function where no batched API exists, one metric call for the
    // account and one batch for every function's two series.
    assert_eq!(settings.num_calls(), 1);
    assert_eq!(provisioned.num_calls(), 3);
    assert_eq!(gets.iter().map(Rule::num_calls).sum::<usize>(), 3);
    assert_eq!(metrics.num_calls(), 2);
}

#[tokio::test]
async fn an_endpoint_without_the_apis_is_asked_once_and_the_rest_still_shows() {
    let settings =
        mock!(Client::get_account_settings).then_http_response(|| json(404, NOT_FOUND_HTML));
    let provisioned = mock!(Client::list_provisioned_concurrency_configs)
        .sequence()
        .http_response(|| json(404, NOT_FOUND_HTML))
        .repeatedly()
        .build();
    let gets = [
        get_function("poison-consumer", GET_STOPPED),
        get_function("orders-api", GET_CAPPED),
        get_function("thumbnailer", GET_PLAIN),
    ];
    let client = lambda(&[&settings, &provisioned, &gets[0], &gets[1], &gets[2]]);
    let (cw, _) = cloudwatch();
    let report = concurrency::report(&client, &cw, "default", &names(), &opts(true)).await;

    let Availability::Unavailable(why) = &report.account else {
        panic!("account limit should be unavailable: {:?}", report.account);
    };
    assert!(why.contains("not supported by this endpoint"), "{why}");
    assert_eq!(
        provisioned.num_calls(),
        1,
        "asked once, not once per function"
    );
    for f in &report.functions {
        assert!(
            matches!(&f.provisioned, Availability::Unavailable(w) if w.contains("ListProvisionedConcurrencyConfigs")),
            "{:?}",
            f.provisioned
        );
    }
    // Everything else is there: reservations, peaks, the stopped function first.
    assert_eq!(report.functions[0].function, "poison-consumer");
    assert!(report.functions[0].is_stopped());
    assert_eq!(report.account_peak, Availability::Ok(Some(700.0)));
    assert_eq!(report.functions[1].peak, Some(95.0));
}

#[tokio::test]
async fn no_provisioned_sends_no_provisioned_request() {
    let settings =
        mock!(Client::get_account_settings).then_http_response(|| json(200, ACCOUNT_SETTINGS));
    let provisioned = mock!(Client::list_provisioned_concurrency_configs)
        .then_http_response(|| json(200, PROVISIONED));
    let gets = [
        get_function("poison-consumer", GET_STOPPED),
        get_function("orders-api", GET_CAPPED),
        get_function("thumbnailer", GET_PLAIN),
    ];
    let client = lambda(&[&settings, &provisioned, &gets[0], &gets[1], &gets[2]]);
    let (cw, _) = cloudwatch();
    let report = concurrency::report(&client, &cw, "default", &names(), &opts(false)).await;
    assert_eq!(provisioned.num_calls(), 0);
    assert!(
        report
            .functions
            .iter()
            .all(|f| f.provisioned == Availability::Skipped)
    );
}

#[tokio::test]
async fn a_throttled_kill_switch_is_reported_with_awss_message() {
    let put = mock!(Client::put_function_concurrency).then_http_response(|| {
        let mut r = HttpResponse::new(
            StatusCode::try_from(429).unwrap(),
            SdkBody::from(
                r#"{"message":"Rate exceeded","Type":"User","Reason":"CallerRateLimitExceeded"}"#,
            ),
        );
        r.headers_mut()
            .insert("x-amzn-errortype", "TooManyRequestsException");
        r
    });
    // A client that would retry (as lambdash's does): the lever is still sent once.
    let client = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&put], |c| c
        .retry_config(
            aws_sdk_lambda::config::retry::RetryConfig::standard().with_max_attempts(3)
        ));
    let err = concurrency::set_reserved(&client, "default", "orders-api", Reserved::STOPPED)
        .await
        .unwrap_err();
    assert!(err.is_throttling(), "{err:?}");
    assert!(err.to_string().contains("Rate exceeded"), "{err}");
    assert_eq!(put.num_calls(), 1, "a throttled lever is not retried");
}

#[tokio::test]
async fn provisioned_concurrency_absent_reads_as_none_and_a_put_reports_aws_status() {
    let get = mock!(Client::get_provisioned_concurrency_config).then_http_response(|| {
        let mut r = json(
            404,
            r#"{"Type":"User","message":"No Provisioned Concurrency Config found for this function"}"#,
        );
        r.headers_mut().insert(
            "x-amzn-errortype",
            "ProvisionedConcurrencyConfigNotFoundException",
        );
        r
    });
    let put = mock!(Client::put_provisioned_concurrency_config)
        .match_requests(|r| {
            r.qualifier() == Some("live") && r.provisioned_concurrent_executions() == Some(20)
        })
        .then_http_response(|| {
            json(
                202,
                r#"{"RequestedProvisionedConcurrentExecutions": 20, "AvailableProvisionedConcurrentExecutions": 0,
                    "AllocatedProvisionedConcurrentExecutions": 0, "Status": "IN_PROGRESS",
                    "LastModified": "2026-12-07T03:31:00+0000"}"#,
            )
        });
    let delete =
        mock!(Client::delete_provisioned_concurrency_config).then_http_response(|| json(204, ""));
    let client = lambda(&[&get, &put, &delete]);
    let now = concurrency::provisioned_requested(&client, "default", "orders-api", "live")
        .await
        .unwrap();
    assert_eq!(now, None);
    let status = concurrency::set_provisioned(&client, "default", "orders-api", "live", Some(20))
        .await
        .unwrap();
    assert_eq!(status, "IN_PROGRESS");
    let status = concurrency::set_provisioned(&client, "default", "orders-api", "live", None)
        .await
        .unwrap();
    assert_eq!(status, "removed");
    assert_eq!(
        (get.num_calls(), put.num_calls(), delete.num_calls()),
        (1, 1, 1)
    );
}
