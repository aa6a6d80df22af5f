//! SDK interceptors shared by every client: a call counter (status bar, benchmarks) and the read-only guard.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Counts every HTTP attempt (retries included), in total and per `Service.Operation`.
#[derive(Clone, Debug, Default)]
pub struct ApiCounter {
    total: Arc<AtomicU64>,
    by_operation: Arc<Mutex<BTreeMap<String, u64>>>,
}

impl ApiCounter {
    pub fn total(&self) -> u64 {
        self.total.load(Ordering::Relaxed)
    }

    /// A copy of the per-operation counts.
    pub fn by_operation(&self) -> BTreeMap<String, u64> {
        self.by_operation
            .lock()
            .map(|m| m.clone())
            .unwrap_or_default()
    }
}

impl Intercept for ApiCounter {
    fn name(&self) -> &'static str {
        "lambdash.ApiCounter"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.total.fetch_add(1, Ordering::Relaxed);
        if let Some(meta) = cfg.load::<Metadata>()
            && let Ok(mut map) = self.by_operation.lock()
        {
            *map.entry(format!("{}.{}", meta.service(), meta.name()))
                .or_default() += 1;
        }
        Ok(())
    }
}

/// True for operations that only read. `ChangeMessageVisibility` is allowed because peeking a queue
/// releases the messages it received with it (visibility 0), which changes nothing a user can see.
pub fn is_read_only_operation(operation: &str) -> bool {
    const READ_PREFIXES: &[&str] = &[
        "Get",
        "BatchGet",
        "List",
        "Describe",
        "Filter",
        "StartLiveTail",
    ];
    READ_PREFIXES.iter().any(|p| operation.starts_with(p))
        || matches!(
            operation,
            "ReceiveMessage" | "ChangeMessageVisibility" | "ChangeMessageVisibilityBatch"
        )
}

/// Under `--read-only`, refuses any mutating operation before it is serialised. The app refuses writes
/// long before this; the guard is the last line, so a bug can never write in read-only mode.
#[derive(Clone, Debug)]
pub struct ReadOnlyGuard {
    enabled: bool,
}

impl ReadOnlyGuard {
    pub fn new(enabled: bool) -> Self {
        Self { enabled }
    }
}

impl Intercept for ReadOnlyGuard {
    fn name(&self) -> &'static str {
        "lambdash.ReadOnlyGuard"
    }

    // Not `read_before_execution`: for a client-level interceptor that hook runs before the operation's
    // configuration (and its `Metadata`) is in the bag, so every call looked unknown and was refused.
    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !self.enabled {
            return Ok(());
        }
        match cfg.load::<Metadata>() {
            Some(meta) if is_read_only_operation(meta.name()) => Ok(()),
            Some(meta) => Err(format!("refused by --read-only: {} is a write", meta.name()).into()),
            None => Err("refused by --read-only: unknown operation".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_allows_reads_and_visibility_release_only() {
        for op in [
            "ListFunctions",
            "GetFunction",
            "DescribeAlarms",
            "FilterLogEvents",
            "ReceiveMessage",
            "ChangeMessageVisibility",
            "GetCallerIdentity",
            "BatchGetDeployments",
        ] {
            assert!(is_read_only_operation(op), "{op} should be allowed");
        }
        for op in [
            "UpdateAlias",
            "DeleteMessage",
            "SendMessageBatch",
            "PurgeQueue",
            "Invoke",
            "DisableAlarmActions",
            "PublishVersion",
            "PutFunctionConcurrency",
        ] {
            assert!(!is_read_only_operation(op), "{op} should be refused");
        }
    }

    /// A CloudWatch client with the guard on, answering every call with an empty success.
    fn guarded_cloudwatch(enabled: bool) -> aws_sdk_cloudwatch::Client {
        use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
        use aws_sdk_cloudwatch::operation::disable_alarm_actions::DisableAlarmActionsOutput;
        use aws_smithy_mocks::{RuleMode, mock, mock_client};
        let describe = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
            .sequence()
            .output(|| DescribeAlarmsOutput::builder().build())
            .repeatedly()
            .build();
        let disable = mock!(aws_sdk_cloudwatch::Client::disable_alarm_actions)
            .sequence()
            .output(|| DisableAlarmActionsOutput::builder().build())
            .repeatedly()
            .build();
        mock_client!(
            aws_sdk_cloudwatch,
            RuleMode::MatchAny,
            [&describe, &disable],
            |conf| conf.interceptor(ReadOnlyGuard::new(enabled))
        )
    }

    #[tokio::test]
    async fn read_only_guard_lets_reads_through_and_refuses_writes_on_a_real_client() {
        let client = guarded_cloudwatch(true);
        client.describe_alarms().send().await.unwrap();
        let err = client
            .disable_alarm_actions()
            .alarm_names("a")
            .send()
            .await
            .unwrap_err();
        let text = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
        assert!(
            text.contains("refused by --read-only: DisableAlarmActions is a write"),
            "{text}"
        );
        let off = guarded_cloudwatch(false);
        off.disable_alarm_actions()
            .alarm_names("a")
            .send()
            .await
            .unwrap();
    }
}
