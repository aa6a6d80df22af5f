//! The demo account's `growth` team (email, recommendations, geo-IP).

use super::{FunctionSpec, Load, LogStyle, Release};

pub(super) const EMAIL_SENDER: FunctionSpec = FunctionSpec {
    name: "email-sender",
    description: "Sends transactional email through SendGrid",
    runtime: "nodejs20.x",
    arch: "x86_64",
    memory_mb: 256,
    timeout_s: 20,
    team: "growth",
    stage: "prod",
    service: "email",
    env: &[
        (
            "SENDGRID_API_KEY",
            "SG.q8Xk2LmV9pRt.Z4nW7yB1cF6hJ3sD0aE5uG8iK2oM",
        ),
        ("FROM_ADDRESS", "no-reply@acme.io"),
        ("SMTP_PASSWORD", "m4il!Pa55-2026"),
    ],
    load: Load::PerMinute(9.0),
    duration_ms: 210.0,
    error_rate: 0.01,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Sending template order-confirmation to c***@{id}.com",
        "SendGrid accepted message {id} in {ms} ms",
    ],
    errors: &[(
        "ResponseError",
        "Too Many Requests (429) from api.sendgrid.com",
    )],
};

pub(super) const RECOMMENDATIONS: FunctionSpec = FunctionSpec {
    name: "recommendations",
    description: "Product recommendations (model loaded in memory)",
    runtime: "python3.12",
    arch: "x86_64",
    memory_mb: 10240,
    timeout_s: 60,
    team: "growth",
    stage: "prod",
    service: "recommendations",
    env: &[
        (
            "MODEL_URI",
            "s3://acme-ml-models/recs/2026-11-02/model.onnx",
        ),
        ("OMP_NUM_THREADS", "6"),
    ],
    load: Load::PerMinute(8.0),
    duration_ms: 230.0,
    error_rate: 0.004,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Scored {n} candidates for usr_{id}",
        "Inference took {ms} ms",
    ],
    errors: &[(
        "MemoryError",
        "Unable to allocate 1.2 GiB for an array with shape (40000, 8192)",
    )],
};

pub(super) const GEO_IP_LOOKUP: FunctionSpec = FunctionSpec {
    name: "geo-ip-lookup",
    description: "Resolves client IPs to countries (Go)",
    runtime: "provided.al2023",
    arch: "x86_64",
    memory_mb: 192,
    timeout_s: 5,
    team: "growth",
    stage: "staging",
    service: "geoip",
    env: &[("GEOIP_DB", "/opt/GeoLite2-Country.mmdb")],
    load: Load::PerMinute(3.0),
    duration_ms: 2.5,
    error_rate: 0.0,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &["lookup ip=203.0.113.{n} country=DE"],
    errors: &[("AddrParseError", "invalid IP address syntax")],
};
