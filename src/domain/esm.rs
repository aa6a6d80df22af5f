//! Event source mappings: what polls a queue or stream for a function, and the enable / disable lever
//! (stops a poison stream without touching the function).

use serde::Serialize;

/// The kind of source a mapping polls, from its ARN (or self-managed Kafka's broker list).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SourceKind {
    #[serde(rename = "SQS")]
    Sqs,
    Kinesis,
    #[serde(rename = "DynamoDB")]
    DynamoDb,
    Kafka,
    #[serde(rename = "MQ")]
    Mq,
    DocumentDb,
    Other,
}

impl SourceKind {
    /// From the mapping's `EventSourceArn` (`arn:aws:SERVICE:…`); `self_managed_kafka` when it has
    /// none but self-managed Kafka brokers.
    pub fn of(arn: Option<&str>, self_managed_kafka: bool) -> Self {
        let service = arn.and_then(|a| a.split(':').nth(2)).unwrap_or_default();
        match service {
            "sqs" => Self::Sqs,
            "kinesis" => Self::Kinesis,
            "dynamodb" => Self::DynamoDb,
            "kafka" => Self::Kafka,
            "mq" => Self::Mq,
            "rds" => Self::DocumentDb,
            _ if self_managed_kafka => Self::Kafka,
            _ => Self::Other,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Sqs => "SQS",
            Self::Kinesis => "Kinesis",
            Self::DynamoDb => "DynamoDB",
            Self::Kafka => "Kafka",
            Self::Mq => "MQ",
            Self::DocumentDb => "DocumentDB",
            Self::Other => "other",
        }
    }

    /// Streams are read in order by shard / partition: a failing batch blocks its shard.
    pub fn is_stream(self) -> bool {
        matches!(
            self,
            Self::Kinesis | Self::DynamoDb | Self::Kafka | Self::DocumentDb
        )
    }
}

/// One event source mapping, as ListEventSourceMappings / GetEventSourceMapping return it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventSourceMapping {
    pub uuid: String,
    /// The function ARN as the mapping names it (possibly qualified: `…:function:f:live`).
    pub function_arn: String,
    pub source_arn: Option<String>,
    pub kind: SourceKind,
    /// `Creating`, `Enabling`, `Enabled`, `Disabling`, `Disabled`, `Updating`, `Deleting`.
    pub state: String,
    pub state_reason: Option<String>,
    /// `OK`, `PROBLEM: …`, `No records processed`.
    pub last_processing_result: Option<String>,
    pub batch_size: Option<i32>,
    pub batching_window_s: Option<i32>,
    pub bisect_on_error: Option<bool>,
    pub max_retry_attempts: Option<i32>,
    pub max_record_age_s: Option<i32>,
    pub on_failure: Option<String>,
    pub last_modified: Option<String>,
}

impl EventSourceMapping {
    /// The function's name (the ARN's 7th field), else the ARN as given.
    pub fn function_name(&self) -> &str {
        self.function_arn
            .split(':')
            .nth(6)
            .unwrap_or(&self.function_arn)
    }

    /// The source's last ARN part (a queue or table/stream name), else the ARN.
    pub fn source_name(&self) -> &str {
        let Some(arn) = self.source_arn.as_deref() else {
            return "-";
        };
        arn.rsplit([':', '/'])
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or(arn)
    }

    pub fn is_enabled(&self) -> bool {
        matches!(self.state.as_str(), "Enabled" | "Enabling")
    }
}

/// A planned enable / disable of one mapping.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EsmChange {
    pub uuid: String,
    pub function: String,
    pub source: String,
    pub kind: SourceKind,
    pub account: String,
    pub region: String,
    pub from_state: String,
    pub enable: bool,
}

impl EsmChange {
    /// `None` when the mapping is already in (or moving to) the asked state.
    pub fn plan(m: &EventSourceMapping, enable: bool, account: &str, region: &str) -> Option<Self> {
        let already = if enable {
            m.is_enabled()
        } else {
            matches!(m.state.as_str(), "Disabled" | "Disabling")
        };
        (!already).then(|| Self {
            uuid: m.uuid.clone(),
            function: m.function_name().to_string(),
            source: m.source_name().to_string(),
            kind: m.kind,
            account: account.to_string(),
            region: region.to_string(),
            from_state: m.state.clone(),
            enable,
        })
    }

    /// The target state's name.
    pub fn to_state(&self) -> &'static str {
        if self.enable { "Enabled" } else { "Disabled" }
    }

    /// What will happen, in words, ending with `state FROM → TO`.
    pub fn confirm_text(&self) -> String {
        let Self {
            uuid,
            function,
            source,
            kind,
            account,
            region,
            ..
        } = self;
        let kind = kind.label();
        let what = if self.enable {
            format!(
                "resumes delivery from {kind} {source} to {function} (mapping {uuid}) in account {account} {region}"
            )
        } else {
            let kept = if self.kind.is_stream() {
                "records stay in the stream until they expire"
            } else {
                "messages stay in the source"
            };
            format!(
                "stops delivery from {kind} {source} to {function} (mapping {uuid}) in account {account} {region}: {kept}"
            )
        };
        format!("{what}; state {} → {}", self.from_state, self.to_state())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(arn: &str, state: &str) -> EventSourceMapping {
        EventSourceMapping {
            uuid: "u-1".to_string(),
            function_arn: "arn:aws:lambda:us-east-1:123:function:orders-api:live".to_string(),
            source_arn: Some(arn.to_string()),
            kind: SourceKind::of(Some(arn), false),
            state: state.to_string(),
            state_reason: None,
            last_processing_result: None,
            batch_size: Some(10),
            batching_window_s: None,
            bisect_on_error: None,
            max_retry_attempts: None,
            max_record_age_s: None,
            on_failure: None,
            last_modified: None,
        }
    }

    #[test]
    fn source_kind_comes_from_the_arn_service() {
        let of = |a: &str| SourceKind::of(Some(a), false);
        assert_eq!(of("arn:aws:sqs:us-east-1:1:q"), SourceKind::Sqs);
        assert_eq!(
            of("arn:aws:kinesis:us-east-1:1:stream/s"),
            SourceKind::Kinesis
        );
        assert_eq!(
            of("arn:aws:dynamodb:us-east-1:1:table/t/stream/2024"),
            SourceKind::DynamoDb
        );
        assert_eq!(
            of("arn:aws:kafka:us-east-1:1:cluster/c/x"),
            SourceKind::Kafka
        );
        assert_eq!(of("arn:aws:mq:us-east-1:1:broker:b:id"), SourceKind::Mq);
        assert_eq!(SourceKind::of(None, true), SourceKind::Kafka);
        assert_eq!(SourceKind::of(None, false), SourceKind::Other);
    }

    #[test]
    fn names_come_from_the_arns() {
        let m = mapping("arn:aws:sqs:us-east-1:1:orders-queue", "Enabled");
        assert_eq!(m.function_name(), "orders-api");
        assert_eq!(m.source_name(), "orders-queue");
        let k = mapping("arn:aws:kinesis:us-east-1:1:stream/clicks", "Enabled");
        assert_eq!(k.source_name(), "clicks");
    }

    #[test]
    fn disable_confirm_says_what_stops_and_what_is_kept() {
        let m = mapping("arn:aws:sqs:us-east-1:1:orders-queue", "Enabled");
        let c = EsmChange::plan(&m, false, "123456789012", "us-east-1").unwrap();
        assert_eq!(
            c.confirm_text(),
            "stops delivery from SQS orders-queue to orders-api (mapping u-1) in account 123456789012 us-east-1: messages stay in the source; state Enabled → Disabled"
        );
        let k = mapping("arn:aws:kinesis:us-east-1:1:stream/clicks", "Enabled");
        let c = EsmChange::plan(&k, false, "1", "r").unwrap();
        assert!(c.confirm_text().contains("records stay in the stream"));
    }

    #[test]
    fn enabling_an_enabled_mapping_is_nothing_to_do() {
        let m = mapping("arn:aws:sqs:us-east-1:1:q", "Enabled");
        assert!(EsmChange::plan(&m, true, "1", "r").is_none());
        let d = mapping("arn:aws:sqs:us-east-1:1:q", "Disabled");
        assert!(EsmChange::plan(&d, false, "1", "r").is_none());
        let c = EsmChange::plan(&d, true, "1", "r").unwrap();
        assert!(c.confirm_text().starts_with("resumes delivery from SQS q"));
        assert!(c.confirm_text().ends_with("state Disabled → Enabled"));
    }
}
