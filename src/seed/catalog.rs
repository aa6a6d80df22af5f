//! The demo account's functions: what they are called, how they are configured, how they behave.
//! The specs themselves are in one file per team (`catalog/<team>.rs`); [`FUNCTIONS`] lists them in
//! the order they are seeded.

mod commerce;
mod data;
mod fulfillment;
mod growth;
mod identity;
mod media;
mod payments;
mod platform;

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

/// The demo account (28 functions).
pub static FUNCTIONS: &[FunctionSpec] = &[
    commerce::ORDERS_API,
    commerce::ORDER_PROCESSOR,
    payments::PAYMENTS_WEBHOOK,
    payments::PAYMENTS_RECONCILER,
    media::THUMBNAIL_RESIZER,
    data::NIGHTLY_REPORT,
    growth::EMAIL_SENDER,
    identity::USER_SIGNUP,
    identity::AUTH_AUTHORIZER,
    fulfillment::INVENTORY_SYNC,
    commerce::SEARCH_INDEXER,
    payments::PDF_INVOICE_GENERATOR,
    payments::LEGACY_BILLING_EXPORT,
    platform::LEGACY_ADMIN_API,
    commerce::CART_SERVICE,
    growth::RECOMMENDATIONS,
    media::IMAGE_MODERATION,
    platform::AUDIT_LOG_SHIPPER,
    payments::STRIPE_EVENTS,
    identity::SESSION_CLEANUP,
    fulfillment::SHIPPING_QUOTE,
    platform::FEATURE_FLAGS,
    identity::CUSTOMER_EXPORT,
    platform::SLACK_NOTIFIER,
    platform::WEBHOOK_DISPATCHER,
    data::CLICKSTREAM_INGEST,
    data::ML_FEATURE_REFRESH,
    growth::GEO_IP_LOOKUP,
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
