//! Domain types: what the rest of the program speaks. Filled by `aws/`, drawn by `ui/`, no formatting here.

pub mod alarm;
pub mod alias;
pub mod cancel;
pub mod concurrency;
pub mod dlq;
pub mod esm;
pub mod invoke;
pub mod log;
pub mod metrics;
pub mod quota;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One Lambda function, as listed by `ListFunctions`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    pub arn: String,
    /// `None` for container-image functions, which have no runtime.
    pub runtime: Option<String>,
    pub architecture: String,
    pub memory_mb: i32,
    pub timeout_s: i32,
    pub last_modified: Option<DateTime<Utc>>,
    pub state: Option<String>,
    pub code_size_bytes: i64,
    pub package_type: String,
    /// `LoggingConfig.LogGroup`, when the function logs somewhere other than `/aws/lambda/NAME`.
    pub log_group: Option<String>,
    /// `DeadLetterConfig.TargetArn` (ListFunctions returns it with every function).
    pub dead_letter_target: Option<String>,
}

impl Function {
    /// The log group the function writes to.
    pub fn log_group(&self) -> String {
        self.log_group
            .clone()
            .unwrap_or_else(|| format!("/aws/lambda/{}", self.name))
    }

    /// Runtimes AWS has deprecated (no more security patches). Kept short and explicit.
    pub fn runtime_deprecated(&self) -> bool {
        const DEPRECATED: &[&str] = &[
            "python2.7",
            "python3.6",
            "python3.7",
            "python3.8",
            "nodejs",
            "nodejs4.3",
            "nodejs6.10",
            "nodejs8.10",
            "nodejs10.x",
            "nodejs12.x",
            "nodejs14.x",
            "nodejs16.x",
            "java8",
            "dotnetcore1.0",
            "dotnetcore2.0",
            "dotnetcore2.1",
            "dotnetcore3.1",
            "dotnet5.0",
            "dotnet6",
            "ruby2.5",
            "ruby2.7",
            "go1.x",
            "provided",
        ];
        self.runtime
            .as_deref()
            .is_some_and(|r| DEPRECATED.contains(&r))
    }
}

/// An environment variable. Values are secrets until the user asks to see them.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
}

/// An event source mapping (SQS, Kinesis, DynamoDB streams, …) pointing at a function.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventSource {
    pub uuid: String,
    pub source_arn: String,
    pub state: String,
    pub batch_size: Option<i32>,
    pub on_failure: Option<String>,
}

/// Where a function's failed asynchronous events go.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AsyncConfig {
    pub on_failure: Option<String>,
    pub on_success: Option<String>,
    pub max_retry_attempts: Option<i32>,
    pub max_event_age_s: Option<i32>,
}

/// Everything the detail view shows about one function.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FunctionDetail {
    pub function: Function,
    pub handler: Option<String>,
    pub role: String,
    pub description: String,
    pub env: Vec<EnvVar>,
    pub layers: Vec<String>,
    pub vpc_subnets: Vec<String>,
    pub vpc_security_groups: Vec<String>,
    pub reserved_concurrency: Option<i32>,
    pub dead_letter_target: Option<String>,
    pub async_config: Option<AsyncConfig>,
    pub event_sources: Vec<EventSource>,
    pub tags: BTreeMap<String, String>,
    pub log_format: Option<String>,
    pub ephemeral_storage_mb: Option<i32>,
    pub version: String,
    /// Sub-requests that failed while the rest succeeded (e.g. access denied on tags): shown, not hidden.
    pub partial_errors: Vec<String>,
}

/// Who we are talking to AWS as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

/// The state of data fetched from the network.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Nothing requested yet.
    Idle,
    /// A request is in flight.
    Loading { since: DateTime<Utc> },
    /// The last request succeeded.
    Ready { at: DateTime<Utc> },
    /// The last request failed; any data held is from the last success.
    Failed { error: String, at: DateTime<Utc> },
}

/// Remote data with its phase. `data` is the last good value and survives failures.
#[derive(Clone, Debug, PartialEq)]
pub struct Remote<T> {
    pub data: Option<T>,
    pub phase: Phase,
    pub last_ok: Option<DateTime<Utc>>,
}

impl<T> Default for Remote<T> {
    fn default() -> Self {
        Self {
            data: None,
            phase: Phase::Idle,
            last_ok: None,
        }
    }
}

impl<T> Remote<T> {
    pub fn start_loading(&mut self, now: DateTime<Utc>) {
        self.phase = Phase::Loading { since: now };
    }

    pub fn succeed(&mut self, data: T, now: DateTime<Utc>) {
        self.data = Some(data);
        self.phase = Phase::Ready { at: now };
        self.last_ok = Some(now);
    }

    /// Marks data already updated in place (page by page, say) as a complete, good answer.
    pub fn mark_ready(&mut self, now: DateTime<Utc>) {
        self.phase = Phase::Ready { at: now };
        self.last_ok = Some(now);
    }

    /// Records a failure, keeping the last good data.
    pub fn fail(&mut self, error: String, now: DateTime<Utc>) {
        self.phase = Phase::Failed { error, at: now };
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.phase, Phase::Loading { .. })
    }

    pub fn error(&self) -> Option<&str> {
        match &self.phase {
            Phase::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}
