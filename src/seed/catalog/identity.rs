//! The demo account's `identity` team (sign-up, auth, sessions, exports).

use super::{FunctionSpec, Load, LogStyle, Release};

pub(super) const USER_SIGNUP: FunctionSpec = FunctionSpec {
    name: "user-signup",
    description: "Handles sign-ups and sends the welcome flow",
    runtime: "nodejs22.x",
    arch: "arm64",
    memory_mb: 512,
    timeout_s: 10,
    team: "identity",
    stage: "prod",
    service: "signup",
    env: &[
        ("USER_POOL_ID", "eu-west-1_Ab12Cd34E"),
        (
            "WELCOME_QUEUE_URL",
            "https://sqs.eu-west-1.amazonaws.com/123456789012/welcome-flow",
        ),
    ],
    load: Load::PerMinute(6.0),
    duration_ms: 120.0,
    error_rate: 0.008,
    timeout_share: 0.0,
    style: LogStyle::Powertools,
    release: Release::Weighted(4, 0.1),
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Creating user usr_{id}",
        "Welcome flow enqueued for usr_{id}",
    ],
    errors: &[(
        "UsernameExistsException",
        "An account with the given email already exists.",
    )],
};

pub(super) const AUTH_AUTHORIZER: FunctionSpec = FunctionSpec {
    name: "auth-authorizer",
    description: "API Gateway Lambda authorizer (JWT)",
    runtime: "provided.al2023",
    arch: "arm64",
    memory_mb: 128,
    timeout_s: 3,
    team: "identity",
    stage: "prod",
    service: "authorizer",
    env: &[
        ("JWKS_URL", "https://auth.acme.io/.well-known/jwks.json"),
        ("RUST_LOG", "info"),
    ],
    load: Load::PerMinute(55.0),
    duration_ms: 4.0,
    error_rate: 0.002,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "authorized principal=\"usr_{id}\" route=\"GET /orders\"",
        "jwks cache hit kid={id}",
    ],
    errors: &[("ExpiredSignature", "token rejected: ExpiredSignature")],
};

pub(super) const SESSION_CLEANUP: FunctionSpec = FunctionSpec {
    name: "session-cleanup",
    description: "Deletes expired sessions (every 15 minutes)",
    runtime: "python3.13",
    arch: "arm64",
    memory_mb: 128,
    timeout_s: 120,
    team: "identity",
    stage: "prod",
    service: "sessions",
    env: &[("SESSIONS_TABLE", "sessions-prod")],
    load: Load::Every(15),
    duration_ms: 6_500.0,
    error_rate: 0.0,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &["Deleted {n} expired sessions", "Scan finished in {ms} ms"],
    errors: &[(
        "botocore.exceptions.ClientError",
        "ThrottlingException: Rate exceeded",
    )],
};

pub(super) const CUSTOMER_EXPORT: FunctionSpec = FunctionSpec {
    name: "customer-export",
    description: "GDPR data export for a customer",
    runtime: "dotnet8",
    arch: "arm64",
    memory_mb: 2048,
    timeout_s: 900,
    team: "identity",
    stage: "prod",
    service: "gdpr",
    env: &[("EXPORT_BUCKET", "acme-gdpr-exports")],
    load: Load::Every(20),
    duration_ms: 41_000.0,
    error_rate: 0.0,
    timeout_share: 0.0,
    style: LogStyle::Plain,
    release: Release::None,
    reserved_concurrency: None,
    log_group: None,
    info: &[
        "Exporting data for customer cus_{id}",
        "Archive written ({n} files) in {ms} ms",
    ],
    errors: &[("System.TimeoutException", "The operation has timed out.")],
};
