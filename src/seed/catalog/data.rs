//! The demo account's `data` team (reports, clickstream, ML features).

use super::{FunctionSpec, Load, LogStyle, Release};

pub(super) const NIGHTLY_REPORT: FunctionSpec = FunctionSpec {
    name: "nightly-report",
    description: "Builds the daily sales report and mails it",
    runtime: "python3.13",
    arch: "x86_64",
    memory_mb: 3008,
    timeout_s: 900,
    team: "data",
    stage: "prod",
    service: "reporting",
    env: &[
        ("REPORT_BUCKET", "acme-reports"),
        (
            "WAREHOUSE_DSN",
            "redshift://reporting@dwh.internal:5439/sales",
        ),
        ("WAREHOUSE_PASSWORD", "rS#2kq9VmX!p"),
    ],
    load: Load::Every(60),
    duration_ms: 182_000.0,
    error_rate: 0.0,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: Some(1),
    log_group: None,
    info: &[
        "Querying warehouse for {n} stores",
        "Rendered report (pages={n}) in {ms} ms",
        "Uploaded s3://acme-reports/daily/{id}.pdf",
    ],
    errors: &[(
        "psycopg.OperationalError",
        "connection to server at \"dwh.internal\" failed: timeout expired",
    )],
};

pub(super) const CLICKSTREAM_INGEST: FunctionSpec = FunctionSpec {
    name: "clickstream-ingest",
    description: "Kinesis consumer for web clickstream",
    runtime: "java21",
    arch: "x86_64",
    memory_mb: 1769,
    timeout_s: 60,
    team: "data",
    stage: "prod",
    service: "clickstream",
    env: &[("FIREHOSE_STREAM", "clickstream-to-s3")],
    load: Load::PerMinute(20.0),
    duration_ms: 85.0,
    error_rate: 0.002,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &["Processed {n} records from shard shardId-00000000000{n}"],
    errors: &[(
        "com.amazonaws.services.kinesis.model.ExpiredIteratorException",
        "Iterator expired",
    )],
};

pub(super) const ML_FEATURE_REFRESH: FunctionSpec = FunctionSpec {
    name: "ml-feature-refresh",
    description: "Refreshes the recommendations feature store",
    runtime: "python3.13",
    arch: "x86_64",
    memory_mb: 4096,
    timeout_s: 600,
    team: "data",
    stage: "staging",
    service: "features",
    env: &[
        ("FEATURE_GROUP", "recs-user-features"),
        ("SPARK_MASTER", "local[4]"),
    ],
    load: Load::Every(30),
    duration_ms: 95_000.0,
    error_rate: 0.0,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Refreshed {n} feature rows",
        "Feature group write took {ms} ms",
    ],
    errors: &[(
        "RuntimeError",
        "feature group recs-user-features is in status Updating",
    )],
};
