//! Messages seen in a DLQ: attributes, Lambda error attributes, destination records, export, and the
//! payload a re-invoke sends.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;

use super::DlqKind;

/// A message attribute (`RequestID`, `ErrorCode`, … for Lambda DLQs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributeValue {
    pub data_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    /// Base64 of a binary value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binary_base64: Option<String>,
}

/// One message seen in a DLQ.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DlqMessage {
    pub message_id: String,
    /// Valid only for the receive it came from; never shown or exported.
    #[serde(skip)]
    pub receipt_handle: String,
    pub body: String,
    pub md5: Option<String>,
    /// System attributes: `SentTimestamp`, `ApproximateReceiveCount`, `ApproximateFirstReceiveTimestamp`,
    /// `MessageGroupId`, `SenderId`, …
    pub attributes: BTreeMap<String, String>,
    /// Message attributes: `RequestID`, `ErrorCode`, `ErrorMessage` for Lambda DLQs, anything for others.
    pub message_attributes: BTreeMap<String, AttributeValue>,
}

fn millis(s: &str) -> Option<DateTime<Utc>> {
    Utc.timestamp_millis_opt(s.parse().ok()?).single()
}

impl DlqMessage {
    pub fn sent_at(&self) -> Option<DateTime<Utc>> {
        self.attributes.get("SentTimestamp").and_then(|s| millis(s))
    }

    pub fn first_received_at(&self) -> Option<DateTime<Utc>> {
        self.attributes
            .get("ApproximateFirstReceiveTimestamp")
            .and_then(|s| millis(s))
    }

    /// How often the message was received (peeks count too).
    pub fn receive_count(&self) -> Option<u64> {
        self.attributes
            .get("ApproximateReceiveCount")
            .and_then(|s| s.parse().ok())
    }

    pub fn group_id(&self) -> Option<&str> {
        self.attributes.get("MessageGroupId").map(String::as_str)
    }

    /// The string value of a message attribute.
    pub fn message_attribute(&self, name: &str) -> Option<&str> {
        self.message_attributes
            .get(name)
            .and_then(|v| v.string_value.as_deref())
    }

    /// `RequestID`, `ErrorCode`, `ErrorMessage` as Lambda sets them on DeadLetterConfig messages.
    pub fn lambda_error(&self) -> Option<LambdaDlqError> {
        let request_id = self.message_attribute("RequestID");
        let code = self.message_attribute("ErrorCode");
        let message = self.message_attribute("ErrorMessage");
        (request_id.is_some() || code.is_some() || message.is_some()).then(|| LambdaDlqError {
            request_id: request_id.map(ToString::to_string),
            code: code.map(ToString::to_string),
            message: message.map(ToString::to_string),
        })
    }

    /// The body as a Lambda destination record, when it is one.
    pub fn destination_record(&self) -> Option<DestinationRecord> {
        parse_destination_record(&self.body)
    }

    /// The body pretty-printed when it is JSON.
    pub fn pretty_body(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(&self.body).ok()?;
        if v.is_object() || v.is_array() {
            serde_json::to_string_pretty(&v).ok()
        } else {
            None
        }
    }

    /// Case-insensitive search in the id, the body and the attribute values.
    pub fn matches(&self, term: &str) -> bool {
        let term = term.to_lowercase();
        self.message_id.to_lowercase().contains(&term)
            || self.body.to_lowercase().contains(&term)
            || self
                .message_attributes
                .values()
                .filter_map(|v| v.string_value.as_deref())
                .any(|v| v.to_lowercase().contains(&term))
    }
}

/// The error a Lambda DeadLetterConfig message carries in its message attributes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LambdaDlqError {
    pub request_id: Option<String>,
    pub code: Option<String>,
    pub message: Option<String>,
}

/// Messages as JSON Lines (one message per line, receipt handles left out), for export. Lossless, and
/// safe to `cat`: DEL, C1 and bidi controls are written `\uXXXX` like the C0 ones.
pub fn to_jsonl(messages: &[DlqMessage]) -> Result<String, serde_json::Error> {
    let mut out = String::new();
    for m in messages {
        out.push_str(&crate::sanitize::json_string(&MessageJson::from(m))?);
        out.push('\n');
    }
    Ok(out)
}

/// A message as `lambdash dlq peek --json` and the export print it.
#[derive(Debug, Serialize)]
pub struct MessageJson<'a> {
    pub message_id: &'a str,
    pub body: &'a str,
    pub md5: Option<&'a str>,
    pub attributes: &'a BTreeMap<String, String>,
    pub message_attributes: &'a BTreeMap<String, AttributeValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination_record: Option<DestinationRecord>,
}

impl<'a> From<&'a DlqMessage> for MessageJson<'a> {
    fn from(m: &'a DlqMessage) -> Self {
        Self {
            message_id: &m.message_id,
            body: &m.body,
            md5: m.md5.as_deref(),
            attributes: &m.attributes,
            message_attributes: &m.message_attributes,
            destination_record: m.destination_record(),
        }
    }
}

/// The oldest `SentTimestamp` among peeked messages, as an age at `now` (a lower bound of the queue's).
pub fn oldest_age_from_peek(messages: &[DlqMessage], now: DateTime<Utc>) -> Option<u64> {
    let oldest = messages.iter().filter_map(DlqMessage::sent_at).min()?;
    Some(u64::try_from((now - oldest).num_seconds()).unwrap_or(0))
}

/// A Lambda destination record (on-failure of an async invocation), the parts a person needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DestinationRecord {
    pub version: Option<String>,
    pub timestamp: Option<String>,
    /// `RetriesExhausted`, `EventAgeExceeded`, …
    pub condition: Option<String>,
    pub approximate_invoke_count: Option<u64>,
    pub function_arn: Option<String>,
    pub request_id: Option<String>,
    pub status_code: Option<i64>,
    pub function_error: Option<String>,
    pub error_type: Option<String>,
    pub error_message: Option<String>,
    /// The original event, to re-invoke with.
    pub request_payload: serde_json::Value,
}

/// Parses a Lambda destination record; `None` for anything else (a DeadLetterConfig body, a plain
/// message). A record has a `requestContext` object and a `requestPayload`.
pub fn parse_destination_record(body: &str) -> Option<DestinationRecord> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let ctx = v.get("requestContext")?.as_object()?;
    let payload = v.get("requestPayload")?.clone();
    let s = |o: Option<&serde_json::Value>| o.and_then(|x| x.as_str()).map(ToString::to_string);
    let response = v.get("responseContext");
    let error = v.get("responsePayload");
    Some(DestinationRecord {
        version: s(v.get("version")),
        timestamp: s(v.get("timestamp")),
        condition: s(ctx.get("condition")),
        approximate_invoke_count: ctx
            .get("approximateInvokeCount")
            .and_then(serde_json::Value::as_u64),
        function_arn: s(ctx.get("functionArn")),
        request_id: s(ctx.get("requestId")),
        status_code: response
            .and_then(|r| r.get("statusCode"))
            .and_then(serde_json::Value::as_i64),
        function_error: s(response.and_then(|r| r.get("functionError"))),
        error_type: s(error.and_then(|e| e.get("errorType"))),
        error_message: s(error.and_then(|e| e.get("errorMessage"))),
        request_payload: payload,
    })
}

/// What a re-invoke sends for a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayloadSource {
    /// The body as it is (DeadLetterConfig: the original event).
    Body,
    /// The record's `requestPayload` (on-failure destination records).
    RequestPayload,
    /// A queue that is both: `requestPayload` when the body is a destination record, else the body.
    Detect,
}

impl PayloadSource {
    /// The payload source for a queue of these kinds; `None` when re-invoking makes no sense (source
    /// queue DLQs hold SQS messages, event-source records describe a batch, not its events).
    pub fn for_kinds(kinds: &[DlqKind]) -> Option<Self> {
        let dlc = kinds.contains(&DlqKind::AsyncDeadLetterConfig);
        let dest = kinds.contains(&DlqKind::AsyncOnFailureDestination);
        match (dlc, dest) {
            (true, true) => Some(Self::Detect),
            (true, false) => Some(Self::Body),
            (false, true) => Some(Self::RequestPayload),
            (false, false) => None,
        }
    }

    /// The payload to invoke the function with.
    pub fn extract(self, body: &str) -> Result<String, String> {
        match self {
            Self::Body => Ok(body.to_string()),
            Self::RequestPayload => parse_destination_record(body)
                .map(|r| r.request_payload.to_string())
                .ok_or_else(|| {
                    "not a Lambda destination record (no requestContext/requestPayload)".to_string()
                }),
            Self::Detect => Ok(parse_destination_record(body)
                .map_or_else(|| body.to_string(), |r| r.request_payload.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECORD: &str = r#"{"version":"1.0","timestamp":"2025-03-01T12:00:00.000Z",
        "requestContext":{"requestId":"r-1","functionArn":"arn:aws:lambda:eu-west-1:1:function:pay:$LATEST",
            "condition":"RetriesExhausted","approximateInvokeCount":3},
        "requestPayload":{"id":"evt_1","amount":42},
        "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
        "responsePayload":{"errorType":"CardDeclined","errorMessage":"card declined"}}"#;

    #[test]
    fn destination_records_are_parsed() {
        let r = parse_destination_record(RECORD).unwrap();
        assert_eq!(r.condition.as_deref(), Some("RetriesExhausted"));
        assert_eq!(r.approximate_invoke_count, Some(3));
        assert_eq!(r.error_type.as_deref(), Some("CardDeclined"));
        assert_eq!(r.error_message.as_deref(), Some("card declined"));
        assert_eq!(r.function_error.as_deref(), Some("Unhandled"));
        assert_eq!(r.request_payload["id"], "evt_1");
        assert!(parse_destination_record(r#"{"orderId":"o1"}"#).is_none());
        assert!(parse_destination_record("orderId=o1").is_none());
    }

    #[test]
    fn reinvoke_payload_is_the_body_or_the_request_payload() {
        let body = r#"{"orderId":"o1"}"#;
        assert_eq!(PayloadSource::Body.extract(body).unwrap(), body);
        assert_eq!(PayloadSource::Body.extract(RECORD).unwrap(), RECORD);
        let payload: serde_json::Value =
            serde_json::from_str(&PayloadSource::RequestPayload.extract(RECORD).unwrap()).unwrap();
        assert_eq!(payload, serde_json::json!({"id":"evt_1","amount":42}));
        assert!(PayloadSource::RequestPayload.extract(body).is_err());
        assert_eq!(PayloadSource::Detect.extract(body).unwrap(), body);
        assert!(
            PayloadSource::Detect
                .extract(RECORD)
                .unwrap()
                .contains("evt_1")
        );
    }

    fn message(id: &str, sent_ms: i64) -> DlqMessage {
        DlqMessage {
            message_id: id.into(),
            receipt_handle: "rh".into(),
            body: r#"{"orderId":"o1"}"#.into(),
            md5: None,
            attributes: BTreeMap::from([
                ("SentTimestamp".into(), sent_ms.to_string()),
                ("ApproximateReceiveCount".into(), "4".into()),
            ]),
            message_attributes: BTreeMap::from([(
                "ErrorMessage".into(),
                AttributeValue {
                    data_type: "String".into(),
                    string_value: Some("Task timed out".into()),
                    binary_base64: None,
                },
            )]),
        }
    }

    #[test]
    fn messages_expose_attributes_search_and_export() {
        let t = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
        let a = message("m-1", t.timestamp_millis() - 60_000);
        let b = message("m-2", t.timestamp_millis() - 5_000);
        assert_eq!(a.receive_count(), Some(4));
        assert_eq!(
            a.lambda_error().unwrap().message.as_deref(),
            Some("Task timed out")
        );
        assert!(a.matches("TIMED OUT") && a.matches("o1") && !a.matches("zzz"));
        assert_eq!(oldest_age_from_peek(&[b.clone(), a.clone()], t), Some(60));
        assert!(a.pretty_body().unwrap().contains('\n'));
        let jsonl = to_jsonl(&[a, b]).unwrap();
        assert_eq!(jsonl.lines().count(), 2);
        assert!(!jsonl.contains("rh"), "receipt handles are never exported");
    }
}
