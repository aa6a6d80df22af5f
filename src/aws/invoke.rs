//! Invoke (the data plane: its own quota, limited by concurrency rather than a request rate).

use aws_sdk_lambda::types::{InvocationType, LogType};
use base64::Engine as _;

use super::{AwsError, Clients, classify};
use crate::domain::invoke::{InvokeOutcome, InvokePlan};

/// Invokes as planned: synchronous with `LogType=Tail` (the last 4 KB of the log, base64 in
/// `LogResult`, decoded here), or `InvocationType=Event` (queued, HTTP 202). One Invoke request, never
/// retried: a timed-out or failed attempt may have run the code already.
pub async fn invoke(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    plan: &InvokePlan,
) -> Result<InvokeOutcome, AwsError> {
    let mut req = lambda
        .invoke()
        .function_name(&plan.function)
        .set_qualifier(plan.qualifier.clone())
        .payload(aws_smithy_types::Blob::new(plan.payload.clone()));
    req = if plan.asynchronous {
        req.invocation_type(InvocationType::Event)
    } else {
        req.invocation_type(InvocationType::RequestResponse)
            .log_type(LogType::Tail)
    };
    let out = req
        .customize()
        .config_override(super::concurrency::send_once())
        .send()
        .await
        .map_err(|e| classify(&e, "Invoke", profile))?;
    let log_tail = out.log_result().map(|b64| {
        base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map_or_else(
                |e| format!("(LogResult is not base64: {e})"),
                |bytes| String::from_utf8_lossy(&bytes).into_owned(),
            )
    });
    Ok(InvokeOutcome {
        status_code: out.status_code(),
        function_error: out.function_error().map(ToString::to_string),
        executed_version: out.executed_version().map(ToString::to_string),
        response: out
            .payload()
            .map(|p| String::from_utf8_lossy(p.as_ref()).into_owned())
            .unwrap_or_default(),
        log_tail,
    })
}

impl Clients {
    /// [`invoke`] on this connection.
    pub async fn invoke(&self, plan: &InvokePlan) -> Result<InvokeOutcome, AwsError> {
        invoke(&self.lambda, &self.profile, plan).await
    }
}
