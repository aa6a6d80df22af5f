//! When a DLQ's source queues cannot be listed (ListDeadLetterSourceQueues denied by a least-privilege
//! IAM role, or not implemented by the endpoint): which redrives go on without them.
//!
//! A move to a named queue needs only the data plane (ReceiveMessage, SendMessage, DeleteMessage,
//! GetQueueAttributes): the source queues are not needed at all, so any failure to list them is
//! reported and skipped. A re-invoke uses them only to know that the DLQ is a source queue's, so a
//! denied or unknown operation is skipped there too. A move back to the source queue needs them.

use super::{PlanError, RedriveTarget};

/// Why the source queues are unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourcesFailure {
    /// The caller may not call the operation, or the endpoint does not implement it.
    DeniedOrUnknown,
    /// Anything else (network, throttling, …).
    Other,
}

/// Whether a redrive to `target` can go on without the source queues of `dlq`; `Ok` carries the note
/// to show (the discovery call was skipped), `Err` what to do instead.
pub fn without_sources(
    target: &RedriveTarget,
    dlq: &str,
    error: &str,
    failure: SourcesFailure,
) -> Result<String, PlanError> {
    let skipped = || {
        format!(
            "the source queues of {dlq} are unknown ({error}); skipped: not needed for this redrive"
        )
    };
    match (target, failure) {
        (RedriveTarget::Queue(_), _)
        | (RedriveTarget::Function { .. }, SourcesFailure::DeniedOrUnknown) => Ok(skipped()),
        (RedriveTarget::Function { .. } | RedriveTarget::Source, _) => {
            Err(PlanError::SourcesUnknown {
                queue: dlq.to_string(),
                error: error.to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_move_to_a_named_queue_goes_on_whatever_stopped_the_discovery() {
        for failure in [SourcesFailure::DeniedOrUnknown, SourcesFailure::Other] {
            let note = without_sources(
                &RedriveTarget::Queue("big-src".into()),
                "big-dlq",
                "ListDeadLetterSourceQueues: AccessDenied: no",
                failure,
            )
            .unwrap();
            assert!(note.contains("big-dlq"), "{note}");
            assert!(note.contains("AccessDenied"), "{note}");
            assert!(note.contains("skipped"), "{note}");
        }
    }

    #[test]
    fn a_reinvoke_skips_only_a_denied_or_unknown_discovery() {
        let target = RedriveTarget::Function {
            function: Some("orders".into()),
            qualifier: None,
        };
        assert!(without_sources(&target, "q", "x", SourcesFailure::DeniedOrUnknown).is_ok());
        assert!(without_sources(&target, "q", "x", SourcesFailure::Other).is_err());
    }

    #[test]
    fn a_move_back_to_the_source_queue_needs_the_discovery_and_says_what_to_do() {
        let err = without_sources(
            &RedriveTarget::Source,
            "big-dlq",
            "ListDeadLetterSourceQueues: InvalidAction: Unknown action",
            SourcesFailure::DeniedOrUnknown,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("--to QUEUE"), "{err}");
        assert!(err.contains("InvalidAction"), "{err}");
    }
}
