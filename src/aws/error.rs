//! One user-facing error per failure, classified so the UI can say what to do about it.

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
    #[error("{operation}: {message}")]
    Other { operation: String, message: String },
}

impl AwsError {
    pub fn is_throttling(&self) -> bool {
        matches!(self, Self::Throttled { .. })
    }

    /// True when the service said the resource does not exist (404-like).
    pub fn is_not_found(&self) -> bool {
        matches!(self, Self::Service { code, .. } if code.contains("NotFound") || code == "NoSuchEntity")
    }

    /// True when the endpoint does not implement the operation (the emulator for some APIs).
    pub fn is_unsupported(&self) -> bool {
        match self {
            Self::Service { code, message, .. } => {
                code == "InternalFailure"
                    || code == "NotImplemented"
                    || code.contains("UnknownOperation")
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
            let code = e.code().unwrap_or("Unknown").to_string();
            let message = e.message().unwrap_or("no message").to_string();
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
