//! Invoking a function with a test event: the payload, the plan and its confirm text, the outcome.
//! Invoking runs code (side effects happen), so it is a write: confirmed, audited, refused read-only.

use serde::Serialize;

/// Lambda's limit for a synchronous request payload (6 MB); asynchronous ones take 1 MB (256 KB
/// before 2025, still the limit in some regions: AWS answers with its own error then).
pub const MAX_SYNC_PAYLOAD_BYTES: usize = 6 * 1024 * 1024;

/// Where the payload comes from (`--payload @file` or `--payload JSON`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PayloadArg {
    File(String),
    Inline(String),
}

impl PayloadArg {
    pub fn parse(arg: &str) -> Self {
        match arg.strip_prefix('@') {
            Some(path) => Self::File(path.to_string()),
            None => Self::Inline(arg.to_string()),
        }
    }
}

/// Checks that `text` is one JSON document (Lambda takes JSON) within the size limit; returns it as
/// bytes, unchanged (the function gets exactly what was written).
pub fn validate_payload(text: &str) -> Result<Vec<u8>, String> {
    if text.len() > MAX_SYNC_PAYLOAD_BYTES {
        return Err(format!(
            "the payload is {} bytes: Lambda takes at most {MAX_SYNC_PAYLOAD_BYTES}",
            text.len()
        ));
    }
    serde_json::from_str::<serde_json::Value>(text)
        .map_err(|e| format!("the payload is not JSON: {e}"))?;
    Ok(text.as_bytes().to_vec())
}

/// A planned invocation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvokePlan {
    pub function: String,
    /// An alias or version; `None` is `$LATEST`.
    pub qualifier: Option<String>,
    pub account: String,
    pub region: String,
    /// `InvocationType=Event` (queued) instead of `RequestResponse`.
    pub asynchronous: bool,
    #[serde(skip)]
    pub payload: Vec<u8>,
}

impl InvokePlan {
    /// `FUNCTION` or `FUNCTION:QUALIFIER`.
    pub fn target(&self) -> String {
        match &self.qualifier {
            Some(q) => format!("{}:{q}", self.function),
            None => self.function.clone(),
        }
    }

    /// What will happen, in words.
    pub fn confirm_text(&self) -> String {
        let how = if self.asynchronous {
            "queues an asynchronous invocation of"
        } else {
            "invokes"
        };
        let version = match &self.qualifier {
            Some(_) => String::new(),
            None => " ($LATEST)".to_string(),
        };
        format!(
            "{how} {}{version} in account {} {} with a {}-byte payload: its code runs, with every side effect it has",
            self.target(),
            self.account,
            self.region,
            self.payload.len()
        )
    }
}

/// What an invocation returned.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InvokeOutcome {
    /// 200 for a synchronous invoke, 202 queued.
    pub status_code: i32,
    /// `Unhandled` or `Handled` when the function failed (the response is then the error object).
    pub function_error: Option<String>,
    pub executed_version: Option<String>,
    /// The response payload as text (lossy UTF-8); empty for an asynchronous invoke.
    pub response: String,
    /// The last 4 KB of the log, decoded from `LogResult`; `None` when the endpoint sent none.
    pub log_tail: Option<String>,
}

impl InvokeOutcome {
    /// The response, pretty-printed when it is JSON, else as it came.
    pub fn pretty_response(&self) -> String {
        serde_json::from_str::<serde_json::Value>(&self.response)
            .ok()
            .and_then(|v| serde_json::to_string_pretty(&v).ok())
            .unwrap_or_else(|| self.response.clone())
    }

    /// A one-line summary (stderr, flash bar, audit).
    pub fn summary(&self, target: &str) -> String {
        if self.status_code == 202 {
            return format!("queued an asynchronous invocation of {target} (HTTP 202)");
        }
        let version = self
            .executed_version
            .as_deref()
            .map(|v| format!(", version {v}"))
            .unwrap_or_default();
        match &self.function_error {
            Some(e) => format!(
                "invoked {target}: HTTP {}{version}, function error: {e}",
                self.status_code
            ),
            None => format!("invoked {target}: HTTP {}{version}", self.status_code),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payload_from_a_file_or_inline() {
        assert_eq!(
            PayloadArg::parse("@event.json"),
            PayloadArg::File("event.json".into())
        );
        assert_eq!(PayloadArg::parse("{}"), PayloadArg::Inline("{}".into()));
    }

    #[test]
    fn payload_must_be_json_and_is_sent_unchanged() {
        assert_eq!(validate_payload(" {\"a\": 1}\n").unwrap(), b" {\"a\": 1}\n");
        let e = validate_payload("{not json").unwrap_err();
        assert!(e.contains("not JSON"), "{e}");
    }

    #[test]
    fn confirm_says_code_runs_and_where() {
        let p = InvokePlan {
            function: "orders-api".into(),
            qualifier: Some("live".into()),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            asynchronous: false,
            payload: b"{}".to_vec(),
        };
        assert_eq!(
            p.confirm_text(),
            "invokes orders-api:live in account 123456789012 us-east-1 with a 2-byte payload: its code runs, with every side effect it has"
        );
        let q = InvokePlan {
            qualifier: None,
            asynchronous: true,
            ..p
        };
        assert!(
            q.confirm_text()
                .starts_with("queues an asynchronous invocation of orders-api ($LATEST)")
        );
    }

    #[test]
    fn response_is_pretty_when_json_and_raw_otherwise() {
        let mut o = InvokeOutcome {
            status_code: 200,
            function_error: Some("Unhandled".into()),
            executed_version: Some("3".into()),
            response: r#"{"errorMessage":"boom"}"#.into(),
            log_tail: None,
        };
        assert_eq!(o.pretty_response(), "{\n  \"errorMessage\": \"boom\"\n}");
        assert_eq!(
            o.summary("f"),
            "invoked f: HTTP 200, version 3, function error: Unhandled"
        );
        o.response = "plain".into();
        assert_eq!(o.pretty_response(), "plain");
    }
}
