//! A queue's own redrive policy seen from a peek: peeking receives the messages, so every peek adds one
//! to each message's ApproximateReceiveCount; once that count reaches the queue's `maxReceiveCount`, the
//! next receive (another peek, or a redrive's) moves the message to the queue's own dead-letter queue
//! instead of returning it. `--read-only` cannot prevent that: reading an SQS message is a receive.

use serde::Serialize;

use super::DlqMessage;

/// The peeked queue's `RedrivePolicy`: where SQS moves a message received more than
/// `max_receive_count` times.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceiveLimit {
    pub max_receive_count: u64,
    pub dead_letter_target_arn: String,
}

impl ReceiveLimit {
    /// Reads a `RedrivePolicy` attribute (`{"deadLetterTargetArn":"…","maxReceiveCount":"5"}`; the count
    /// is a string or a number depending on who wrote it).
    pub fn from_policy(policy: &str) -> Option<ReceiveLimit> {
        let p: serde_json::Value = serde_json::from_str(policy).ok()?;
        let target = p.get("deadLetterTargetArn")?.as_str()?.to_string();
        let max = p.get("maxReceiveCount").and_then(|v| {
            v.as_u64()
                .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
        })?;
        Some(ReceiveLimit {
            max_receive_count: max,
            dead_letter_target_arn: target,
        })
    }

    /// True when the message's next receive moves it to the dead-letter target: it has been received
    /// `maxReceiveCount` times already (this peek included).
    pub fn next_receive_moves(&self, m: &DlqMessage) -> bool {
        m.receive_count()
            .is_some_and(|c| c >= self.max_receive_count)
    }

    /// `3/5`: a message's receive count against the limit.
    pub fn count_of(&self, m: &DlqMessage) -> String {
        m.receive_count().map_or_else(
            || format!("?/{}", self.max_receive_count),
            |c| format!("{c}/{}", self.max_receive_count),
        )
    }

    /// The warning for the messages whose next receive moves them, e.g. "2 peeked messages have been
    /// received 5 times (maxReceiveCount 5): the next receive — a peek or a redrive — moves them to
    /// orders-dlq-dlq"; `None` when no message is there yet.
    pub fn warning(&self, messages: &[DlqMessage]) -> Option<String> {
        let at = messages
            .iter()
            .filter(|m| self.next_receive_moves(m))
            .count();
        if at == 0 {
            return None;
        }
        let target = super::arn_name(&self.dead_letter_target_arn);
        Some(if at == 1 {
            format!(
                "1 peeked message has been received {} times (maxReceiveCount {}): its next receive — a peek or a redrive — moves it to {target}",
                self.max_receive_count, self.max_receive_count
            )
        } else {
            format!(
                "{at} peeked messages have been received {} times (maxReceiveCount {}): their next receive — a peek or a redrive — moves them to {target}",
                self.max_receive_count, self.max_receive_count
            )
        })
    }

    /// The short form for a title: "1 at maxReceiveCount 3: its next receive moves it to X", or
    /// "maxReceiveCount 3, then → X" when no message is there yet.
    pub fn summary(&self, messages: &[DlqMessage]) -> String {
        let target = super::arn_name(&self.dead_letter_target_arn);
        let max = self.max_receive_count;
        match messages
            .iter()
            .filter(|m| self.next_receive_moves(m))
            .count()
        {
            0 => format!("maxReceiveCount {max}, then → {target}"),
            1 => format!("1 at maxReceiveCount {max}: its next receive moves it to {target}"),
            n => format!("{n} at maxReceiveCount {max}: their next receive moves them to {target}"),
        }
    }

    /// What every peek of this queue says: "each peek counts towards maxReceiveCount 5 (then → X)".
    pub fn note(&self) -> String {
        format!(
            "each peek counts as a receive towards maxReceiveCount {} (then SQS moves the message to {})",
            self.max_receive_count,
            super::arn_name(&self.dead_letter_target_arn)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn received(id: &str, count: u64) -> DlqMessage {
        let mut m = DlqMessage {
            message_id: id.into(),
            receipt_handle: String::new(),
            body: "{}".into(),
            md5: None,
            attributes: std::collections::BTreeMap::new(),
            message_attributes: std::collections::BTreeMap::new(),
        };
        m.attributes
            .insert("ApproximateReceiveCount".into(), count.to_string());
        m
    }

    #[test]
    fn a_redrive_policy_reads_with_the_count_as_string_or_number() {
        let arn = "arn:aws:sqs:us-east-1:123456789012:orders-dlq-dlq";
        for policy in [
            format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":"5"}}"#),
            format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":5}}"#),
        ] {
            let limit = ReceiveLimit::from_policy(&policy).unwrap();
            assert_eq!(limit.max_receive_count, 5);
            assert_eq!(limit.dead_letter_target_arn, arn);
        }
        assert_eq!(ReceiveLimit::from_policy("{}"), None);
        assert_eq!(ReceiveLimit::from_policy("not json"), None);
    }

    #[test]
    fn messages_at_max_receive_count_are_warned_about_with_their_destination() {
        let limit = ReceiveLimit {
            max_receive_count: 3,
            dead_letter_target_arn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq-dlq".into(),
        };
        let fresh = received("a", 1);
        let at = received("b", 3);
        assert_eq!(limit.count_of(&fresh), "1/3");
        assert!(!limit.next_receive_moves(&fresh));
        assert!(limit.next_receive_moves(&at));
        assert_eq!(limit.warning(std::slice::from_ref(&fresh)), None);
        let w = limit.warning(&[fresh, at]).unwrap();
        assert!(
            w.starts_with("1 peeked message has been received 3 times"),
            "{w}"
        );
        assert!(w.ends_with("moves it to orders-dlq-dlq"), "{w}");
    }
}
