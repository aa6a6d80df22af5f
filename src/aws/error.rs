//! One user-facing error per failure, classified so the UI can say what to do about it.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// An AWS failure, reduced to what a person needs to act on it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AwsError {
    #[error(
        "no AWS region configured: pass --region or set AWS_REGION (or `region` in the profile)"
    )]
    NoRegion,
    #[error("credentials for profile {profile:?} are missing or expired: {hint}")]
    Credentials { profile: String, hint: String },
    #[error("throttled by AWS ({operation}): {message}")]
    Throttled { operation: String, message: String },
    #[error("{operation}: {code}: {message}")]
    Service {
        operation: String,
        code: String,
        message: String,
    },
    #[error("{operation}: cannot reach the endpoint: {message}")]
    Network { operation: String, message: String },
    /// The endpoint answered with a bare HTTP error and no AWS error code: it does not implement the
    /// operation (an emulator). AWS itself always names its errors.
    #[error(
        "{operation}: not supported by this endpoint (HTTP {status} without an AWS error code)"
    )]
    Unsupported { operation: String, status: u16 },
    #[error("{operation}: {message}")]
    Other { operation: String, message: String },
    /// Lambda's `ResourceNotFoundException` for a function (`Function not found: arn:…:function:NAME`),
    /// in the one wording every screen and subcommand uses ([`function_not_found`]).
    #[error("{}", function_not_found(name, region))]
    FunctionNotFound { name: String, region: String },
}

/// The one wording of "that function does not exist" (palette, panes, CLI, AWS's own answer).
pub fn function_not_found(name: &str, region: &str) -> String {
    let name = crate::sanitize::sanitize(name);
    if region.is_empty() {
        format!("function {name} not found")
    } else {
        format!("function {name} not found in {region}")
    }
}

/// Lambda's answer for a missing function, `Function not found: arn:aws:lambda:REGION:ACCOUNT:function:NAME`
/// (a qualifier may follow the name): the function's name and region.
fn parse_function_not_found(code: &str, message: &str) -> Option<(String, String)> {
    if code != "ResourceNotFoundException" {
        return None;
    }
    let arn = message.strip_prefix("Function not found: ")?.trim();
    let mut parts = arn.split(':');
    let (_, _, service, region, _, kind, name) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    (service == "lambda" && kind == "function" && !name.is_empty())
        .then(|| (name.to_string(), region.to_string()))
}

impl AwsError {
    pub fn is_throttling(&self) -> bool {
        matches!(self, Self::Throttled { .. })
    }

    /// True when the service said the resource does not exist (404-like).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::FunctionNotFound { .. })
            || matches!(self, Self::Service { code, .. } if code.contains("NotFound") || code == "NoSuchEntity")
    }

    /// True when AWS refused the caller the operation (IAM: not allowed to call it).
    pub fn is_denied(&self) -> bool {
        matches!(self, Self::Service { code, .. }
            if code.contains("AccessDenied") || code.contains("NotAuthorized") || code == "UnauthorizedOperation")
    }

    /// True when the endpoint does not implement the operation (the emulator for some APIs).
    pub fn is_unsupported(&self) -> bool {
        match self {
            Self::Unsupported { .. } => true,
            Self::Service { code, message, .. } => {
                code == "InternalFailure"
                    || code == "NotImplemented"
                    || code.contains("UnknownOperation")
                    || code == "InvalidAction"
                    || message.contains("not yet implemented")
            }
            Self::Other { message, .. } => message.contains("500") || message.contains("404"),
            _ => false,
        }
    }
}

const CREDENTIAL_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "UnrecognizedClientException",
    "InvalidClientTokenId",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AccessDeniedException",
];

const THROTTLING_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "Rate exceeded",
    "RequestThrottled",
    "ProvisionedThroughputExceededException",
];

fn credential_hint(profile: &str) -> String {
    if profile == "default" {
        "set AWS credentials (env, ~/.aws/credentials), or run `aws sso login` for SSO".to_string()
    } else {
        format!("run `aws sso login --profile {profile}` (or refresh that profile's keys)")
    }
}

/// Maps any SDK error to an [`AwsError`]. `operation` names the call for the message.
pub fn classify<E, R>(err: &SdkError<E, R>, operation: &str, profile: &str) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    let operation = operation.to_string();
    match err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            if e.code().is_none()
                && let Some(status) = bare_http_status(service.raw())
            {
                return AwsError::Unsupported { operation, status };
            }
            let code = e.code().unwrap_or("Unknown").to_string();
            let message = e.message().unwrap_or("no message").to_string();
            if let Some((name, region)) = parse_function_not_found(&code, &message) {
                return AwsError::FunctionNotFound { name, region };
            }
            if THROTTLING_CODES.contains(&code.as_str()) {
                AwsError::Throttled { operation, message }
            } else if CREDENTIAL_CODES.contains(&code.as_str()) && code != "AccessDeniedException" {
                AwsError::Credentials {
                    profile: profile.to_string(),
                    hint: format!("{code}: {message}; {}", credential_hint(profile)),
                }
            } else {
                AwsError::Service {
                    operation,
                    code,
                    message,
                }
            }
        }
        other => {
            let full = DisplayErrorContext(other).to_string();
            let chain = source_chain(other);
            let lower = full.to_lowercase();
            if lower.contains("credential")
                || lower.contains("sso")
                || lower.contains("token has expired")
            {
                AwsError::Credentials {
                    profile: profile.to_string(),
                    hint: credential_hint(profile),
                }
            } else if matches!(
                other,
                SdkError::DispatchFailure(_) | SdkError::TimeoutError(_)
            ) {
                AwsError::Network {
                    operation,
                    message: short(&chain),
                }
            } else if lower.contains("throttl")
                || lower.contains("rate exceeded")
                || lower.contains("429")
            {
                AwsError::Throttled {
                    operation,
                    message: short(&full),
                }
            } else {
                AwsError::Other {
                    operation,
                    message: short(&chain),
                }
            }
        }
    }
}

/// The status of an HTTP answer that means "no such operation here" (404, 405, 500, 501), when the raw
/// response is an HTTP response (not an event-stream message).
fn bare_http_status<R: 'static>(raw: &R) -> Option<u16> {
    let status = (raw as &dyn std::any::Any)
        .downcast_ref::<HttpResponse>()?
        .status()
        .as_u16();
    matches!(status, 404 | 405 | 500 | 501).then_some(status)
}

/// `outer: inner: root`, each distinct message once (the SDK nests the same text several times).
fn source_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// The SDK's error chains repeat themselves; keep the first 300 characters on one line.
fn short(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 300 {
        let cut: String = one_line.chars().take(297).collect();
        format!("{cut}...")
    } else {
        one_line
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_cloudwatch::operation::describe_alarm_history::DescribeAlarmHistoryError;
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    use super::*;

    fn service_error(
        code: Option<&str>,
        status: u16,
    ) -> SdkError<DescribeAlarmHistoryError, HttpResponse> {
        let mut meta = ErrorMetadata::builder();
        if let Some(code) = code {
            meta = meta.code(code).message("from AWS");
        }
        let raw = HttpResponse::new(
            StatusCode::try_from(status).unwrap(),
            SdkBody::from("<html>Internal Server Error</html>"),
        );
        SdkError::service_error(DescribeAlarmHistoryError::generic(meta.build()), raw)
    }

    fn lambda_error(
        code: &str,
        message: &str,
    ) -> SdkError<DescribeAlarmHistoryError, HttpResponse> {
        let meta = ErrorMetadata::builder().code(code).message(message).build();
        let raw = HttpResponse::new(StatusCode::try_from(404).unwrap(), SdkBody::from("{}"));
        SdkError::service_error(DescribeAlarmHistoryError::generic(meta), raw)
    }

    #[test]
    fn lambdas_function_not_found_reads_as_the_one_plain_wording() {
        let err = classify(
            &lambda_error(
                "ResourceNotFoundException",
                "Function not found: arn:aws:lambda:eu-west-1:123456789012:function:orders-api",
            ),
            "GetFunction",
            "default",
        );
        assert!(err.is_not_found());
        assert_eq!(
            err.to_string(),
            "function orders-api not found in eu-west-1"
        );
        assert_eq!(
            err.to_string(),
            function_not_found("orders-api", "eu-west-1")
        );
        // A qualified ARN names the function all the same.
        let err = classify(
            &lambda_error(
                "ResourceNotFoundException",
                "Function not found: arn:aws:lambda:us-east-1:123456789012:function:orders-api:live",
            ),
            "Invoke",
            "default",
        );
        assert_eq!(
            err.to_string(),
            "function orders-api not found in us-east-1"
        );
        // Other missing resources keep AWS's words.
        let err = classify(
            &lambda_error(
                "ResourceNotFoundException",
                "The specified log group does not exist.",
            ),
            "FilterLogEvents",
            "default",
        );
        assert!(err.is_not_found());
        assert!(
            err.to_string().contains("log group does not exist"),
            "{err}"
        );
    }

    #[test]
    fn bare_http_500_without_error_code_is_unsupported() {
        let err = classify(&service_error(None, 500), "DescribeAlarmHistory", "default");
        assert_eq!(
            err,
            AwsError::Unsupported {
                operation: "DescribeAlarmHistory".to_string(),
                status: 500
            }
        );
        assert!(err.is_unsupported());
        assert!(!err.is_throttling());
        assert!(
            err.to_string().contains("not supported by this endpoint"),
            "{err}"
        );
        for status in [404, 501] {
            assert!(classify(&service_error(None, status), "X", "default").is_unsupported());
        }
    }

    #[test]
    fn named_aws_errors_keep_their_code_whatever_the_status() {
        let err = classify(
            &service_error(Some("ResourceNotFound"), 404),
            "X",
            "default",
        );
        assert!(err.is_not_found());
        assert!(!err.is_unsupported());
        let err = classify(
            &service_error(Some("ServiceUnavailable"), 500),
            "X",
            "default",
        );
        assert!(matches!(&err, AwsError::Service { code, .. } if code == "ServiceUnavailable"));
        assert!(!err.is_unsupported());
        let err = classify(&service_error(Some("Throttling"), 400), "X", "default");
        assert!(err.is_throttling());
    }

    #[test]
    fn codeless_error_with_a_transient_status_is_not_unsupported() {
        let err = classify(&service_error(None, 503), "X", "default");
        assert!(matches!(&err, AwsError::Service { code, .. } if code == "Unknown"));
        assert!(!err.is_unsupported());
    }
}
