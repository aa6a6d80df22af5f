//! JSON log lines: an order-preserving parse (loggers put `level` and `message` first; a map sorted by
//! key would scramble that), the compact one-line rendering `LEVEL message key=value …` used in the
//! pane and a pretty-printer for the selected line.
//!
//! Lambda Powertools (Python and TypeScript) and Lambda's own JSON log format are recognised; their
//! per-invocation boilerplate (function name, ARN, memory size, request id, trace id, sampling rate)
//! is left out of the compact form, which keeps what differs from line to line.

use std::fmt::{self, Write as _};

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

/// A JSON value whose objects keep their key order.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(n) => n.as_f64(),
            _ => None,
        }
    }

    /// The first value under `key` in an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Self::Object(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Compact JSON text (order kept).
    pub fn to_compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Json;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
                Ok(Json::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
                Ok(Json::Number(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
                Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
            }
            fn visit_str<E>(self, v: &str) -> Result<Json, E> {
                Ok(Json::String(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Json, E> {
                Ok(Json::String(v))
            }
            fn visit_none<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_unit<E>(self) -> Result<Json, E> {
                Ok(Json::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Json::Array(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Json>()? {
                    out.push((k, v));
                }
                Ok(Json::Object(out))
            }
        }
        deserializer.deserialize_any(V)
    }
}

impl Serialize for Json {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::Bool(b) => serializer.serialize_bool(*b),
            Self::Number(n) => n.serialize(serializer),
            Self::String(s) => serializer.serialize_str(s),
            Self::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Self::Object(fields) => {
                let mut map = serializer.serialize_map(Some(fields.len()))?;
                for (k, v) in fields {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// The message parsed as a JSON object, if it is one (surrounding whitespace allowed).
pub fn parse_object(message: &str) -> Option<Json> {
    let text = message.trim();
    if !text.starts_with('{') || !text.ends_with('}') {
        return None;
    }
    match serde_json::from_str::<Json>(text) {
        Ok(v @ Json::Object(_)) => Some(v),
        _ => None,
    }
}

/// Keys that name the level, in the order they are looked for.
pub const LEVEL_KEYS: &[&str] = &[
    "level",
    "levelname",
    "severity",
    "log.level",
    "loglevel",
    "logLevel",
    "log_level",
    "lvl",
    "Level",
    "LEVEL",
    "Severity",
];

/// Keys that hold the message text.
pub const MESSAGE_KEYS: &[&str] = &["message", "msg", "Message", "errorMessage"];

/// Fields repeated on every Powertools / Lambda JSON line: left out of the compact form.
pub const BOILERPLATE_KEYS: &[&str] = &[
    "timestamp",
    "time",
    "@timestamp",
    "function_name",
    "function_arn",
    "function_memory_size",
    "function_request_id",
    "xray_trace_id",
    "sampling_rate",
    "location",
    "service",
    "requestId",
    "request_id",
    "AWSrequestId",
];

fn first_field<'a>(obj: &'a Json, keys: &[&str]) -> Option<(&'a str, &'a Json)> {
    let Json::Object(fields) = obj else {
        return None;
    };
    keys.iter().find_map(|key| {
        fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(k, v)| (k.as_str(), v))
    })
}

/// The value of the level field, as text (numbers too: pino writes 30 for info).
pub fn level_field(obj: &Json) -> Option<String> {
    match first_field(obj, LEVEL_KEYS)?.1 {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn render_value(v: &Json) -> String {
    match v {
        Json::String(s) => {
            if s.is_empty() || s.chars().any(|c| c.is_whitespace() || c == '"' || c == '=') {
                v.to_compact()
            } else {
                s.clone()
            }
        }
        other => other.to_compact(),
    }
}

/// `LEVEL message key=value …` for a JSON object line; `None` if the message is not a JSON object.
///
/// The level and message keys are taken out and put first; Powertools boilerplate is dropped, and
/// `cold_start` only shown when true. Strings with spaces are quoted as JSON; nested values are compact
/// JSON. The output is one line (newlines inside values stay JSON-escaped).
pub fn compact(message: &str) -> Option<String> {
    let obj = parse_object(message)?;
    let Json::Object(fields) = &obj else {
        return None;
    };
    let level = first_field(&obj, LEVEL_KEYS).map(|(k, v)| (k, render_value(v)));
    let msg = first_field(&obj, MESSAGE_KEYS).map(|(k, v)| {
        (
            k,
            match v {
                Json::String(s) => s.replace('\n', "\\n"),
                other => other.to_compact(),
            },
        )
    });
    let mut out = String::new();
    if let Some((_, l)) = &level {
        out.push_str(&l.to_uppercase());
    }
    if let Some((_, m)) = &msg {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(m);
    }
    for (k, v) in fields {
        let key = k.as_str();
        if level.as_ref().is_some_and(|(lk, _)| *lk == key)
            || msg.as_ref().is_some_and(|(mk, _)| *mk == key)
            || BOILERPLATE_KEYS.contains(&key)
            || (key == "cold_start" && *v == Json::Bool(false))
        {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        let _ = write!(out, "{key}={}", render_value(v));
    }
    Some(out)
}

/// The message pretty-printed (two-space indent, key order kept); `None` if it is not JSON.
/// A JSON object embedded after a text prefix (`2024-… rid ERROR Invoke Error {…}`) is pretty-printed
/// after the prefix.
pub fn pretty(message: &str) -> Option<String> {
    let text = message.trim();
    let (prefix, body) = match text.find('{') {
        Some(0) => ("", text),
        Some(i) if text.ends_with('}') => (text[..i].trim_end(), &text[i..]),
        _ => return None,
    };
    let value: Json = serde_json::from_str(body).ok()?;
    let mut out = String::new();
    if !prefix.is_empty() {
        out.push_str(prefix);
        out.push('\n');
    }
    out.push_str(&serde_json::to_string_pretty(&value).ok()?);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POWERTOOLS: &str = "{\"level\":\"INFO\",\"location\":\"lambda_handler:42\",\"message\":\"Order placed\",\"timestamp\":\"2024-05-01 10:00:00,123+0000\",\"service\":\"orders\",\"cold_start\":false,\"function_name\":\"orders-api\",\"function_memory_size\":512,\"function_arn\":\"arn:aws:lambda:eu-west-1:123456789012:function:orders-api\",\"function_request_id\":\"0f7c2a2e-1111-4222-8333-444455556666\",\"order_id\":\"ord_1\",\"amount\":12.5,\"items\":[1,2],\"xray_trace_id\":\"1-abc\"}\n";

    #[test]
    fn powertools_line_renders_compactly() {
        assert_eq!(
            compact(POWERTOOLS).unwrap(),
            "INFO Order placed order_id=ord_1 amount=12.5 items=[1,2]"
        );
    }

    #[test]
    fn compact_quotes_strings_with_spaces_and_shows_true_cold_start() {
        let line = r#"{"levelname":"warning","msg":"slow","cold_start":true,"note":"two words","nested":{"b":1,"a":2}}"#;
        assert_eq!(
            compact(line).unwrap(),
            r#"WARNING slow cold_start=true note="two words" nested={"b":1,"a":2}"#
        );
    }

    #[test]
    fn compact_keeps_newlines_escaped() {
        let line = r#"{"level":"ERROR","message":"boom","exception":"Traceback\n  File x\nKeyError: 'a'"}"#;
        let out = compact(line).unwrap();
        assert!(!out.contains('\n'), "{out}");
        assert!(
            out.contains(r#"exception="Traceback\n  File x\nKeyError: 'a'""#),
            "{out}"
        );
    }

    #[test]
    fn plain_text_is_not_json() {
        assert!(compact("START RequestId: abc Version: $LATEST\n").is_none());
        assert!(compact("{not json}").is_none());
        assert!(compact("[1,2]").is_none());
        assert!(pretty("hello").is_none());
    }

    #[test]
    fn pretty_keeps_key_order() {
        let out = pretty(r#"{"z":1,"a":{"y":true,"b":null}}"#).unwrap();
        assert_eq!(
            out,
            "{\n  \"z\": 1,\n  \"a\": {\n    \"y\": true,\n    \"b\": null\n  }\n}"
        );
    }

    #[test]
    fn pretty_handles_a_text_prefix() {
        let line = "2024-05-01T10:00:00.000Z\tabc\tERROR\tInvoke Error \t{\"errorType\":\"Error\",\"errorMessage\":\"boom\"}\n";
        let out = pretty(line).unwrap();
        assert!(
            out.starts_with("2024-05-01T10:00:00.000Z\tabc\tERROR\tInvoke Error\n{\n"),
            "{out}"
        );
        assert!(out.contains("\"errorType\": \"Error\""));
    }
}
