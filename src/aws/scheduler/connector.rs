//! Where the scheduler meets the SDK: an HTTP client wrapper whose connector waits for a token before
//! each attempt (so the SDK's retries take tokens too), and an interceptor that tells it which
//! operation a request is.
//!
//! - [`StampOperation`] (an interceptor, `modify_before_transmit`) puts the operation's service and name
//!   on the request as an extension. Extensions are not sent, so SigV4 signing is untouched.
//! - [`ScheduledHttpClient`] wraps the real HTTPS client. Its connector: learns the quota group from the
//!   extension and the priority from the calling task ([`super::with_priority`]), waits for a token,
//!   then sends with [`ATTEMPT_TIMEOUT`] on the network part only (time queued for a token does not
//!   count), reads the whole body (except event streams) inside that timeout, and reports a throttle
//!   response to the scheduler (AIMD) before returning the response unchanged for the SDK to retry.

use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse, Metadata};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::config_bag::ConfigBag;

use super::Scheduler;
use super::groups::{group_for, is_streaming};
use super::repair::{BodyKind, repair};

/// The longest one attempt may take on the network, from sending to the last byte of the answer
/// (event streams: to the headers).
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(20);

/// Error codes AWS uses for "too many requests".
const THROTTLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "AWS.SimpleQueueService.RequestThrottled",
];

/// The operation a request belongs to, stamped by [`StampOperation`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationTag {
    pub service: String,
    pub operation: String,
}

/// The interceptor that stamps each attempt's request with its [`OperationTag`].
#[derive(Clone, Copy, Debug, Default)]
pub struct StampOperation;

impl Intercept for StampOperation {
    fn name(&self) -> &'static str {
        "lambdash.StampOperation"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(meta) = cfg.load::<Metadata>() {
            context.request_mut().add_extension(OperationTag {
                service: meta.service().to_owned(),
                operation: meta.name().to_owned(),
            });
        }
        Ok(())
    }
}

/// An HTTP client whose every request waits for the scheduler first.
#[derive(Clone, Debug)]
pub struct ScheduledHttpClient {
    inner: SharedHttpClient,
    scheduler: Scheduler,
    scope: String,
    attempt_timeout: Duration,
}

impl ScheduledHttpClient {
    pub fn new(inner: SharedHttpClient, scheduler: Scheduler, scope: impl Into<String>) -> Self {
        Self {
            inner,
            scheduler,
            scope: scope.into(),
            attempt_timeout: ATTEMPT_TIMEOUT,
        }
    }

    #[must_use]
    pub fn with_attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = timeout;
        self
    }

    pub fn into_shared(self) -> SharedHttpClient {
        SharedHttpClient::new(self)
    }
}

impl HttpClient for ScheduledHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(ScheduledConnector {
            inner: self.inner.http_connector(settings, components),
            scheduler: self.scheduler.clone(),
            scope: self.scope.clone(),
            attempt_timeout: self.attempt_timeout,
        })
    }
}

#[derive(Debug)]
struct ScheduledConnector {
    inner: SharedHttpConnector,
    scheduler: Scheduler,
    scope: String,
    attempt_timeout: Duration,
}

impl HttpConnector for ScheduledConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        // Read here, in the caller's task: the task-local priority is not visible elsewhere.
        let priority = self.scheduler.priority_here();
        let tag = request.extension::<OperationTag>().cloned();
        let group = tag
            .as_ref()
            .and_then(|t| group_for(&t.service, &t.operation));
        let streaming = tag.as_ref().is_some_and(|t| is_streaming(&t.operation));
        let (inner, scheduler, scope, timeout) = (
            self.inner.clone(),
            self.scheduler.clone(),
            self.scope.clone(),
            self.attempt_timeout,
        );
        HttpConnectorFuture::new(async move {
            if let Some(group) = group {
                scheduler.acquire(&scope, group, priority).await;
            }
            let attempt = async {
                let response = inner.call(request).await?;
                if streaming {
                    Ok(response)
                } else {
                    buffer(response).await
                }
            };
            let mut response = tokio::time::timeout(timeout, attempt).await.map_err(|_| {
                ConnectorError::timeout(
                    format!("no complete answer within {}s", timeout.as_secs()).into(),
                )
            })??;
            if !streaming && repair_body(&mut response) {
                let operation = tag.as_ref().map_or("?", |t| t.operation.as_str());
                tracing::warn!(
                    operation,
                    "answer repaired: characters its protocol forbids replaced by U+FFFD"
                );
                scheduler.note_repaired(operation);
            }
            if let Some(group) = group
                && is_throttle(&response)
            {
                scheduler.throttled(&scope, group);
            }
            Ok(response)
        })
    }
}

/// Reads the whole body into memory (the SDK would before deserialising it anyway).
async fn buffer(mut response: HttpResponse) -> Result<HttpResponse, ConnectorError> {
    let body = response.take_body();
    let bytes = ByteStream::new(body)
        .collect()
        .await
        .map_err(|e| ConnectorError::io(e.into()))?
        .into_bytes();
    *response.body_mut() = SdkBody::from(bytes);
    Ok(response)
}

/// Replaces what the body's protocol forbids by U+FFFD ([`super::repair`]); true when it did.
fn repair_body(response: &mut HttpResponse) -> bool {
    let Some(bytes) = response.body().bytes() else {
        return false;
    };
    let content_type = response.headers().get("content-type");
    let Some(kind) = BodyKind::of(content_type, bytes) else {
        return false;
    };
    let Some((fixed, _replaced)) = repair(kind, bytes) else {
        return false;
    };
    let length = fixed.len();
    *response.body_mut() = SdkBody::from(fixed);
    if response.headers().contains_key("content-length") {
        response
            .headers_mut()
            .insert("content-length", length.to_string());
    }
    true
}

/// HTTP 429, or a 400 whose error type (header or body) is a throttling code.
pub fn is_throttle(response: &HttpResponse) -> bool {
    let status = response.status().as_u16();
    if status == 429 {
        return true;
    }
    if status != 400 {
        return false;
    }
    if let Some(kind) = response.headers().get("x-amzn-errortype") {
        let code = kind.split(':').next().unwrap_or_default();
        return THROTTLE_CODES.contains(&code);
    }
    response
        .body()
        .bytes()
        .map(String::from_utf8_lossy)
        .is_some_and(|body| body_names_throttle(&body))
}

/// The error code in a JSON (`"__type": "…#ThrottlingException"`, `"code": "…"`) or XML
/// (`<Code>Throttling</Code>`) error body is a throttling code, or the message is "Rate exceeded".
fn body_names_throttle(body: &str) -> bool {
    THROTTLE_CODES.iter().any(|code| {
        body.contains(&format!("<Code>{code}</Code>"))
            || body.contains(&format!("\"{code}\""))
            || body.contains(&format!("#{code}\""))
    }) || body.contains("Rate exceeded")
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::http::StatusCode;

    fn response(status: u16, header: Option<&str>, body: &str) -> HttpResponse {
        let mut r = HttpResponse::new(
            StatusCode::try_from(status).expect("a valid status"),
            SdkBody::from(body.to_owned()),
        );
        if let Some(h) = header {
            r.headers_mut().insert("x-amzn-ErrorType", h.to_owned());
        }
        r
    }

    #[test]
    fn throttle_responses_of_every_protocol_are_recognised() {
        assert!(is_throttle(&response(429, None, "")));
        assert!(is_throttle(&response(
            400,
            Some("TooManyRequestsException:http://internal.amazon.com/"),
            "{}"
        )));
        assert!(is_throttle(&response(
            400,
            None,
            r#"{"__type":"com.amazonaws.logs#ThrottlingException","message":"Rate exceeded"}"#
        )));
        assert!(is_throttle(&response(
            400,
            None,
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>"
        )));
        assert!(is_throttle(&response(
            400,
            None,
            r#"{"__type":"com.amazonaws.sqs#RequestThrottled"}"#
        )));
    }

    #[test]
    fn other_errors_are_not_throttles_even_when_they_mention_the_word() {
        assert!(!is_throttle(&response(200, None, "Throttling")));
        assert!(!is_throttle(&response(
            400,
            Some("ResourceNotFoundException"),
            "{}"
        )));
        assert!(!is_throttle(&response(
            400,
            None,
            r#"{"__type":"ResourceNotFoundException","message":"alarm orders-Throttling not found"}"#
        )));
        assert!(!is_throttle(&response(500, None, "")));
    }
}
