//! The demo account's functions: what they are called, how they are configured, how they behave.

/// The language family of a runtime: it decides the handler, the package and the log line formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Python,
    Node,
    Java,
    Dotnet,
    /// `provided.al2023`: a compiled binary (Rust or Go) named `bootstrap`.
    Custom,
}

impl Family {
    pub fn of(runtime: &str) -> Self {
        if runtime.starts_with("python") {
            Self::Python
        } else if runtime.starts_with("nodejs") {
            Self::Node
        } else if runtime.starts_with("java") {
            Self::Java
        } else if runtime.starts_with("dotnet") {
            Self::Dotnet
        } else {
            Self::Custom
        }
    }
}

/// How the function writes its application logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogStyle {
    /// The runtime's own text format (`[INFO]\t<time>\t<request id>\t...` and friends).
    Plain,
    /// Powertools structured JSON (`{"level":"INFO","message":...,"function_request_id":...}`).
    Powertools,
}

/// How often the function runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Load {
    /// About this many invocations a minute, with a daily swell and noise.
    PerMinute(f64),
    /// A scheduled function: one run every so many minutes.
    Every(u32),
    /// Reserved concurrency 0: every request is throttled (about this many a minute).
    Throttled(f64),
}

/// Published versions and aliases.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Release {
    /// Only `$LATEST`.
    None,
    /// This many published versions; alias `live` on the last one.
    Live(u32),
    /// This many versions; `live` on the one before last, sending `weight` of its traffic to the
    /// last one, and `canary` on the last one.
    Weighted(u32, f64),
}

impl Release {
    /// The version most invocations run (what log stream names show in brackets).
    pub fn live_version(self) -> Option<u32> {
        match self {
            Self::None => None,
            Self::Live(n) => Some(n),
            Self::Weighted(n, _) => Some(n.saturating_sub(1).max(1)),
        }
    }
}

/// One function of the demo account.
#[derive(Debug)]
pub struct FunctionSpec {
    pub name: &'static str,
    pub description: &'static str,
    pub runtime: &'static str,
    pub arch: &'static str,
    pub memory_mb: i32,
    pub timeout_s: i32,
    pub team: &'static str,
    pub stage: &'static str,
    /// The Powertools `service` name.
    pub service: &'static str,
    pub env: &'static [(&'static str, &'static str)],
    pub load: Load,
    /// Typical warm duration.
    pub duration_ms: f64,
    /// Share of invocations that fail (before any "failing lately" ramp).
    pub error_rate: f64,
    /// Share of the failures that are timeouts.
    pub timeout_share: f64,
    pub style: LogStyle,
    pub release: Release,
    pub reserved_concurrency: Option<i32>,
    /// A custom log group (`LoggingConfig.LogGroup`) instead of `/aws/lambda/NAME`.
    pub log_group: Option<&'static str>,
    /// Application log messages of a successful run; `{id}`, `{n}` and `{ms}` are filled in.
    pub info: &'static [&'static str],
    /// Failures: (error type, message).
    pub errors: &'static [(&'static str, &'static str)],
}

impl FunctionSpec {
    pub fn family(&self) -> Family {
        Family::of(self.runtime)
    }

    /// The log group the function writes to.
    pub fn log_group_name(&self) -> String {
        self.log_group
            .map_or_else(|| format!("/aws/lambda/{}", self.name), str::to_owned)
    }

    pub fn handler(&self) -> String {
        match self.family() {
            Family::Python => "app.lambda_handler".to_owned(),
            Family::Node => "index.handler".to_owned(),
            Family::Java => format!(
                "com.acme.{}.Handler::handleRequest",
                self.service.replace('-', "")
            ),
            Family::Dotnet => {
                let asm = pascal(self.name);
                format!("{asm}::{asm}.Function::FunctionHandler")
            }
            Family::Custom => "bootstrap".to_owned(),
        }
    }

    /// Whether this function's recent errors ramp up (the demo's "something is on fire").
    pub fn failing_lately(&self) -> bool {
        self.name == FAILING_FUNCTION
    }
}

/// `pdf-invoice-generator` → `PdfInvoiceGenerator`.
pub fn pascal(name: &str) -> String {
    name.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        })
        .collect()
}

/// The function whose errors climb over the last ~40 minutes.
pub const FAILING_FUNCTION: &str = "payments-webhook";
/// The SQS-triggered function.
pub const SQS_FUNCTION: &str = "order-processor";
/// Its source queue and dead-letter queue.
pub const SOURCE_QUEUE: &str = "order-processor-queue";
pub const DLQ: &str = "order-processor-dlq";
/// The async function with an on-failure destination, and that destination.
pub const ASYNC_FUNCTION: &str = "payments-webhook";
pub const ON_FAILURE_QUEUE: &str = "payments-webhook-failures";
/// The functions invoked asynchronously (a webhook queued by API Gateway, an S3 trigger): Lambda
/// publishes `AsyncEventsReceived` for them, which is how DLQ discovery knows to ask for their
/// on-failure destination.
pub const ASYNC_INVOKED: &[&str] = &[ASYNC_FUNCTION, "thumbnail-resizer"];
/// The function with a custom `LoggingConfig` log group.
pub const CUSTOM_LOG_FUNCTION: &str = "audit-log-shipper";

const PY_DB: &[(&str, &str)] = &[
    ("TABLE_NAME", "orders-prod"),
    (
        "DB_HOST",
        "orders.cluster-c8xk2mq1zv3f.eu-west-1.rds.amazonaws.com",
    ),
    ("DB_USER", "orders_app"),
    ("DB_PASSWORD", "pr0d-Xk8#vQ2!mZ7w"),
    ("POWERTOOLS_SERVICE_NAME", "orders"),
    ("LOG_LEVEL", "INFO"),
];

/// The demo account (28 functions).
pub static FUNCTIONS: &[FunctionSpec] = &[
    FunctionSpec {
        name: "orders-api",
        description: "REST API for orders (API Gateway proxy)",
        runtime: "python3.12",
        arch: "arm64",
        memory_mb: 512,
        timeout_s: 15,
        team: "commerce",
        stage: "prod",
        service: "orders",
        env: PY_DB,
        load: Load::PerMinute(42.0),
        duration_ms: 38.0,
        error_rate: 0.004,
        timeout_share: 0.0,
        style: LogStyle::Powertools,
        release: Release::Live(3),
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "GET /orders/ord_{id} 200",
            "Fetched order ord_{id} from DynamoDB in {ms} ms",
            "POST /orders 201 (items={n})",
        ],
        errors: &[
            ("KeyError", "'customer_id'"),
            (
                "botocore.exceptions.ClientError",
                "An error occurred (ProvisionedThroughputExceededException) when calling the Query operation",
            ),
        ],
    },
    FunctionSpec {
        name: "order-processor",
        description: "Consumes order-processor-queue and fulfils orders",
        runtime: "python3.12",
        arch: "x86_64",
        memory_mb: 1024,
        timeout_s: 60,
        team: "commerce",
        stage: "prod",
        service: "order-processor",
        env: &[
            ("TABLE_NAME", "orders-prod"),
            ("INVENTORY_URL", "https://inventory.internal.acme.io/v2"),
            ("POWERTOOLS_SERVICE_NAME", "order-processor"),
        ],
        load: Load::PerMinute(12.0),
        duration_ms: 420.0,
        error_rate: 0.03,
        timeout_share: 0.0,
        style: LogStyle::Powertools,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "Processing batch of {n} messages",
            "Order ord_{id} reserved stock and queued for shipping",
            "Partial batch response: 0 failures",
        ],
        errors: &[
            ("ValueError", "Order total '12,50' is not a decimal"),
            (
                "InventoryUnavailable",
                "SKU SKU-{n} out of stock in every warehouse",
            ),
        ],
    },
    FunctionSpec {
        name: "payments-webhook",
        description: "Receives payment provider webhooks (async)",
        runtime: "nodejs20.x",
        arch: "arm64",
        memory_mb: 256,
        timeout_s: 10,
        team: "payments",
        stage: "prod",
        service: "payments-webhook",
        env: &[
            ("STRIPE_SECRET_KEY", "sk_live_51Hx9QkLmN2bVc7TzR4yWq8sP0aE"),
            ("STRIPE_WEBHOOK_SECRET", "whsec_8fK2mQ9xVbN4tR7yL1pZ"),
            ("LEDGER_TABLE", "payments-ledger"),
            ("POWERTOOLS_SERVICE_NAME", "payments-webhook"),
        ],
        load: Load::PerMinute(18.0),
        duration_ms: 95.0,
        error_rate: 0.01,
        timeout_share: 0.05,
        style: LogStyle::Powertools,
        release: Release::Live(5),
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "Webhook evt_{id} received (charge.succeeded)",
            "Ledger entry written for pi_{id}",
            "Signature verified in {ms} ms",
        ],
        errors: &[
            (
                "LedgerWriteError",
                "ConditionalCheckFailedException: ledger entry pi_{id} already exists",
            ),
            (
                "TypeError",
                "Cannot read properties of undefined (reading 'amount')",
            ),
        ],
    },
    FunctionSpec {
        name: "payments-reconciler",
        description: "Reconciles provider payouts with the ledger",
        runtime: "java21",
        arch: "x86_64",
        memory_mb: 2048,
        timeout_s: 300,
        team: "payments",
        stage: "prod",
        service: "payments-reconciler",
        env: &[
            (
                "JAVA_TOOL_OPTIONS",
                "-XX:+TieredCompilation -XX:TieredStopAtLevel=1",
            ),
            (
                "LEDGER_DB_URL",
                "jdbc:postgresql://ledger.internal:5432/ledger",
            ),
            ("LEDGER_DB_PASSWORD", "Lg!9vX2qTz8rW#4k"),
        ],
        load: Load::Every(15),
        duration_ms: 48_000.0,
        error_rate: 0.0,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: Some(5),
        log_group: None,
        info: &[
            "Fetched {n} payouts from provider",
            "Reconciled payout po_{id}: OK",
            "Reconciliation run finished in {ms} ms",
        ],
        errors: &[("java.net.SocketTimeoutException", "Read timed out")],
    },
    FunctionSpec {
        name: "thumbnail-resizer",
        description: "Creates thumbnails for uploaded images (S3 trigger)",
        runtime: "nodejs22.x",
        arch: "arm64",
        memory_mb: 1536,
        timeout_s: 30,
        team: "media",
        stage: "prod",
        service: "thumbnails",
        env: &[
            ("SOURCE_BUCKET", "acme-uploads-prod"),
            ("THUMB_BUCKET", "acme-thumbnails-prod"),
            ("SIZES", "64,256,1024"),
        ],
        load: Load::PerMinute(30.0),
        duration_ms: 640.0,
        error_rate: 0.006,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: Some(50),
        log_group: None,
        info: &[
            "Resizing s3://acme-uploads-prod/u/{id}.jpg ({n} KB)",
            "Wrote 3 thumbnails in {ms} ms",
        ],
        errors: &[("Error", "Input buffer contains unsupported image format")],
    },
    FunctionSpec {
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
    },
    FunctionSpec {
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
    },
    FunctionSpec {
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
    },
    FunctionSpec {
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
    },
    FunctionSpec {
        name: "inventory-sync",
        description: "Syncs stock levels from the warehouse system",
        runtime: "java21",
        arch: "x86_64",
        memory_mb: 1024,
        timeout_s: 120,
        team: "fulfillment",
        stage: "prod",
        service: "inventory",
        env: &[
            ("WMS_ENDPOINT", "https://wms.partner.example/api"),
            ("WMS_API_TOKEN", "wms_tok_7Hq2xP9kLz"),
        ],
        load: Load::Every(5),
        duration_ms: 8_400.0,
        error_rate: 0.05,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "Synced {n} SKUs from WMS",
            "Batch {id} committed in {ms} ms",
        ],
        errors: &[(
            "java.net.ConnectException",
            "Connection refused: wms.partner.example/203.0.113.10:443",
        )],
    },
    FunctionSpec {
        name: "search-indexer",
        description: "Indexes catalogue changes into OpenSearch",
        runtime: "python3.13",
        arch: "arm64",
        memory_mb: 2048,
        timeout_s: 120,
        team: "commerce",
        stage: "prod",
        service: "search",
        env: &[(
            "OPENSEARCH_ENDPOINT",
            "https://search-catalog-x7k2.eu-west-1.es.amazonaws.com",
        )],
        load: Load::PerMinute(4.0),
        duration_ms: 1_900.0,
        error_rate: 0.01,
        timeout_share: 0.0,
        style: LogStyle::Powertools,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "Indexed {n} documents into catalog-v7",
            "Bulk request took {ms} ms",
        ],
        errors: &[(
            "opensearchpy.exceptions.ConnectionTimeout",
            "ConnectionTimeout caused by - ReadTimeoutError(HTTPSConnectionPool)",
        )],
    },
    FunctionSpec {
        name: "pdf-invoice-generator",
        description: "Renders invoice PDFs",
        runtime: "dotnet8",
        arch: "x86_64",
        memory_mb: 1024,
        timeout_s: 60,
        team: "payments",
        stage: "prod",
        service: "invoices",
        env: &[
            ("TEMPLATE_BUCKET", "acme-invoice-templates"),
            ("ASPNETCORE_ENVIRONMENT", "Production"),
        ],
        load: Load::PerMinute(3.0),
        duration_ms: 780.0,
        error_rate: 0.01,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "Rendering invoice INV-{n} for order ord_{id}",
            "Invoice PDF uploaded ({n} KB) in {ms} ms",
        ],
        errors: &[(
            "System.InvalidOperationException",
            "Template 'invoice-v3' not found",
        )],
    },
    FunctionSpec {
        name: "legacy-billing-export",
        description: "Old CSV export for the finance team (to be retired)",
        runtime: "python3.8",
        arch: "x86_64",
        memory_mb: 512,
        timeout_s: 300,
        team: "payments",
        stage: "prod",
        service: "billing-export",
        env: &[
            ("FTP_HOST", "ftp.finance.acme.io"),
            ("FTP_PASSWORD", "export2019!"),
        ],
        load: Load::Every(30),
        duration_ms: 14_000.0,
        error_rate: 0.0,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "Exported {n} rows to billing-{id}.csv",
            "Upload finished in {ms} ms",
        ],
        errors: &[("ftplib.error_perm", "530 Login incorrect.")],
    },
    FunctionSpec {
        name: "legacy-admin-api",
        description: "Deprecated admin API (disabled with reserved concurrency 0)",
        runtime: "nodejs16.x",
        arch: "x86_64",
        memory_mb: 256,
        timeout_s: 30,
        team: "platform",
        stage: "prod",
        service: "admin",
        env: &[("ADMIN_TOKEN", "adm_3f9c2e7b1a")],
        load: Load::Throttled(1.5),
        duration_ms: 60.0,
        error_rate: 0.0,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: Some(0),
        log_group: None,
        info: &["GET /admin/users 200"],
        errors: &[("Error", "not implemented")],
    },
    FunctionSpec {
        name: "cart-service",
        description: "Shopping cart API",
        runtime: "nodejs22.x",
        arch: "arm64",
        memory_mb: 512,
        timeout_s: 6,
        team: "commerce",
        stage: "prod",
        service: "cart",
        env: &[
            ("CART_TABLE", "carts-prod"),
            (
                "REDIS_URL",
                "rediss://:r3d1s-s3cret@cart-cache.internal:6379",
            ),
        ],
        load: Load::PerMinute(36.0),
        duration_ms: 22.0,
        error_rate: 0.003,
        timeout_share: 0.0,
        style: LogStyle::Powertools,
        release: Release::Live(2),
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "PUT /carts/crt_{id}/items 200",
            "Cart crt_{id} has {n} items",
        ],
        errors: &[(
            "ConditionalCheckFailedException",
            "The conditional request failed",
        )],
    },
    FunctionSpec {
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
    },
    FunctionSpec {
        name: "image-moderation",
        description: "Flags uploaded images with Rekognition",
        runtime: "python3.12",
        arch: "x86_64",
        memory_mb: 3008,
        timeout_s: 30,
        team: "media",
        stage: "prod",
        service: "moderation",
        env: &[
            ("MIN_CONFIDENCE", "80"),
            ("QUARANTINE_BUCKET", "acme-quarantine"),
        ],
        load: Load::PerMinute(5.0),
        duration_ms: 1_100.0,
        error_rate: 0.01,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "Moderation labels for u/{id}.jpg: none",
            "Rekognition call took {ms} ms",
        ],
        errors: &[(
            "botocore.errorfactory.InvalidImageFormatException",
            "Request has invalid image format",
        )],
    },
    FunctionSpec {
        name: "audit-log-shipper",
        description: "Ships audit events to the SIEM",
        runtime: "provided.al2023",
        arch: "arm64",
        memory_mb: 256,
        timeout_s: 60,
        team: "platform",
        stage: "prod",
        service: "audit",
        env: &[
            ("SIEM_URL", "https://siem.acme.io/ingest"),
            ("SIEM_TOKEN", "siem_Zx81kQ2vP7mL"),
        ],
        load: Load::PerMinute(10.0),
        duration_ms: 35.0,
        error_rate: 0.002,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: Some("/platform/audit-log-shipper"),
        info: &["shipped batch events={n} bytes={ms}", "siem ack id={id}"],
        errors: &[(
            "reqwest::Error",
            "error sending request for url (https://siem.acme.io/ingest): connection reset",
        )],
    },
    FunctionSpec {
        name: "stripe-events",
        description: "Fans out Stripe events to internal consumers",
        runtime: "nodejs20.x",
        arch: "arm64",
        memory_mb: 256,
        timeout_s: 10,
        team: "payments",
        stage: "prod",
        service: "stripe-events",
        env: &[("EVENT_BUS", "payments-bus")],
        load: Load::PerMinute(7.0),
        duration_ms: 48.0,
        error_rate: 0.004,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &["PutEvents ok for evt_{id}", "Forwarded {n} events"],
        errors: &[("EventBridgeException", "Rate exceeded")],
    },
    FunctionSpec {
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
    },
    FunctionSpec {
        name: "shipping-quote",
        description: "Real-time carrier quotes (calls three carriers)",
        runtime: "java21",
        arch: "arm64",
        memory_mb: 768,
        timeout_s: 3,
        team: "fulfillment",
        stage: "prod",
        service: "shipping",
        env: &[
            ("CARRIER_TIMEOUT_MS", "2500"),
            ("DHL_API_KEY", "dhl_live_9f8e7d6c5b"),
        ],
        load: Load::PerMinute(14.0),
        duration_ms: 640.0,
        error_rate: 0.03,
        timeout_share: 0.7,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &[
            "Quoted {n} options for postcode {id}",
            "Carrier calls finished in {ms} ms",
        ],
        errors: &[(
            "com.acme.shipping.CarrierException",
            "UPS quote API returned 503",
        )],
    },
    FunctionSpec {
        name: "feature-flags",
        description: "Serves feature flags to the web app",
        runtime: "nodejs22.x",
        arch: "arm64",
        memory_mb: 128,
        timeout_s: 3,
        team: "platform",
        stage: "prod",
        service: "flags",
        env: &[("FLAGS_TABLE", "flags-prod"), ("CACHE_TTL_SECONDS", "30")],
        load: Load::PerMinute(24.0),
        duration_ms: 9.0,
        error_rate: 0.001,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &["served {n} flags (cache hit)"],
        errors: &[("Error", "flags table scan failed")],
    },
    FunctionSpec {
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
    },
    FunctionSpec {
        name: "slack-notifier",
        description: "Posts deploy and alarm notices to Slack",
        runtime: "python3.12",
        arch: "arm64",
        memory_mb: 128,
        timeout_s: 10,
        team: "platform",
        stage: "prod",
        service: "notifier",
        env: &[(
            "SLACK_WEBHOOK_URL",
            "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX",
        )],
        load: Load::PerMinute(0.6),
        duration_ms: 310.0,
        error_rate: 0.0,
        timeout_share: 0.0,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &["Posted to #alerts (ts={id})"],
        errors: &[(
            "urllib.error.HTTPError",
            "HTTP Error 429: Too Many Requests",
        )],
    },
    FunctionSpec {
        name: "webhook-dispatcher",
        description: "Delivers outbound webhooks to partners",
        runtime: "nodejs20.x",
        arch: "x86_64",
        memory_mb: 512,
        timeout_s: 30,
        team: "platform",
        stage: "staging",
        service: "webhooks",
        env: &[("SIGNING_SECRET", "whk_s1gn_4Qz9"), ("MAX_ATTEMPTS", "5")],
        load: Load::PerMinute(5.0),
        duration_ms: 340.0,
        error_rate: 0.02,
        timeout_share: 0.1,
        style: LogStyle::Plain,
        release: Release::None,
        reserved_concurrency: None,
        log_group: None,
        info: &["Delivered wh_{id} to partner (status 200, {ms} ms)"],
        errors: &[(
            "FetchError",
            "request to https://partner.example/hooks failed, reason: ECONNRESET",
        )],
    },
    FunctionSpec {
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
    },
    FunctionSpec {
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
    },
    FunctionSpec {
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
    },
];

/// Looks a demo function up by name.
pub fn spec(name: &str) -> Option<&'static FunctionSpec> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn catalog_is_varied_and_unique() {
        assert!(FUNCTIONS.len() >= 25);
        let names: HashSet<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        assert_eq!(names.len(), FUNCTIONS.len());
        let runtimes: HashSet<_> = FUNCTIONS.iter().map(|f| f.runtime).collect();
        for rt in [
            "python3.12",
            "python3.13",
            "nodejs20.x",
            "nodejs22.x",
            "java21",
            "dotnet8",
            "provided.al2023",
            "python3.8",
            "nodejs16.x",
        ] {
            assert!(runtimes.contains(rt), "{rt}");
        }
        assert!(FUNCTIONS.iter().any(|f| f.arch == "arm64"));
        assert!(FUNCTIONS.iter().any(|f| f.arch == "x86_64"));
        assert!(
            FUNCTIONS
                .iter()
                .all(|f| (128..=10240).contains(&f.memory_mb))
        );
        assert!(
            FUNCTIONS
                .iter()
                .all(|f| !f.info.is_empty() && !f.errors.is_empty())
        );
        for name in [
            FAILING_FUNCTION,
            SQS_FUNCTION,
            ASYNC_FUNCTION,
            CUSTOM_LOG_FUNCTION,
        ] {
            assert!(spec(name).is_some(), "{name}");
        }
    }

    #[test]
    fn handlers_follow_the_runtime() {
        assert_eq!(pascal("pdf-invoice-generator"), "PdfInvoiceGenerator");
        let f = spec("pdf-invoice-generator").expect("exists");
        assert_eq!(
            f.handler(),
            "PdfInvoiceGenerator::PdfInvoiceGenerator.Function::FunctionHandler"
        );
        assert_eq!(
            spec("auth-authorizer").expect("exists").handler(),
            "bootstrap"
        );
    }
}
