//! Redrive planning: the paths that apply to a DLQ, the plan the confirm step shows, progress and the
//! summary.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Dlq, DlqKind, PayloadSource};

/// Where the user asked to redrive to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedriveTarget {
    /// The queue whose redrive policy points at this DLQ.
    Source,
    /// Re-invoke the owning function (or the one named), optionally a version or alias.
    Function {
        function: Option<String>,
        qualifier: Option<String>,
    },
    /// Any queue, by URL.
    Queue(String),
}

impl RedriveTarget {
    /// `source`, `function`, or a queue URL (or name).
    pub fn parse(s: &str) -> Self {
        match s {
            "source" => Self::Source,
            "function" => Self::Function {
                function: None,
                qualifier: None,
            },
            other => Self::Queue(other.to_string()),
        }
    }
}

/// A queue, resolved: what a move needs to know about its destination.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueRef {
    pub url: String,
    pub arn: String,
    pub name: String,
    pub fifo: bool,
}

/// How the messages will travel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "path", rename_all = "snake_case")]
pub enum RedrivePath {
    /// SQS's own StartMessageMoveTask (to the source queue, or to `to`); falls back to a manual move
    /// when the endpoint lacks the API.
    MoveTask { to: QueueRef, velocity: Option<u32> },
    /// Receive → SendMessageBatch → DeleteMessageBatch (only what was sent), by lambdash.
    ManualMove { to: QueueRef },
    /// Receive → Invoke (InvocationType=Event) → delete after 202.
    Reinvoke {
        function: String,
        qualifier: Option<String>,
        payload: PayloadSource,
    },
}

impl RedrivePath {
    /// `orders-dlq → orders (StartMessageMoveTask)` style destination text.
    pub fn destination(&self) -> String {
        match self {
            Self::MoveTask { to, .. } | Self::ManualMove { to } => format!("queue {}", to.name),
            Self::Reinvoke {
                function,
                qualifier,
                ..
            } => match qualifier {
                Some(q) => format!("function {function}:{q}"),
                None => format!("function {function}"),
            },
        }
    }

    /// The destination's bare name: the queue name, or `function` / `function:qualifier`.
    pub fn to_name(&self) -> String {
        match self {
            Self::MoveTask { to, .. } | Self::ManualMove { to } => to.name.clone(),
            Self::Reinvoke {
                function,
                qualifier,
                ..
            } => qualifier
                .as_ref()
                .map_or_else(|| function.clone(), |q| format!("{function}:{q}")),
        }
    }

    pub fn method(&self) -> &'static str {
        match self {
            Self::MoveTask { .. } => "SQS message move task (manual move if the endpoint lacks it)",
            Self::ManualMove { .. } => "manual move (receive, send, delete what was sent)",
            Self::Reinvoke { .. } => "asynchronous re-invoke (delete after the invoke is accepted)",
        }
    }
}

/// What the planner refuses, with what to do instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "{0} is not the dead-letter queue of a source queue: use --to function or --to QUEUE_URL"
    )]
    NoSourceQueue(String),
    #[error("{queue} is the dead-letter queue of several queues ({sources}): use --to QUEUE_URL")]
    SeveralSourceQueues { queue: String, sources: String },
    #[error(
        "{0} holds no async-invocation failures of a function (kinds: {1}): re-invoking applies to DeadLetterConfig and on-failure destination queues"
    )]
    NotReinvokable(String, String),
    #[error(
        "{queue} receives failures of several functions ({functions}): name one with --function"
    )]
    SeveralFunctions { queue: String, functions: String },
    #[error("{0} is not an SQS queue (SNS topics cannot be inspected or redriven)")]
    NotInspectable(String),
    #[error(
        "cannot list the source queues of {queue} ({error}): name the destination with --to QUEUE (or --to function)"
    )]
    SourcesUnknown { queue: String, error: String },
    #[error("cannot redrive {0} into itself")]
    SameQueue(String),
    #[error(
        "{from} is {from_kind} and {to} is {to_kind}: a manual move needs both FIFO or both standard"
    )]
    FifoMismatch {
        from: String,
        from_kind: &'static str,
        to: String,
        to_kind: &'static str,
    },
}

/// The paths that apply to a DLQ of these kinds, for the UI to offer (the first is the default).
pub fn applicable_paths(dlq: &Dlq) -> Vec<PathChoice> {
    let mut out = Vec::new();
    if !dlq.inspectable {
        return out;
    }
    if dlq.has(DlqKind::SourceQueueRedrivePolicy) {
        out.push(if dlq.fifo {
            PathChoice::SourceQueueManual
        } else {
            PathChoice::SourceQueueMoveTask
        });
    }
    if PayloadSource::for_kinds(&dlq.kinds).is_some() {
        out.push(PathChoice::Reinvoke);
    }
    out.push(PathChoice::OtherQueue);
    out
}

/// A path the UI can offer before the destination is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathChoice {
    /// Back to the source queue with StartMessageMoveTask (manual if unsupported).
    SourceQueueMoveTask,
    /// Back to the (FIFO) source queue by a manual move (move tasks do not support FIFO).
    SourceQueueManual,
    /// Re-invoke the function with the original payload.
    Reinvoke,
    /// A manual move to a queue the user names.
    OtherQueue,
}

/// The inputs of a plan that the AWS layer resolved: the DLQ itself, the source queues whose redrive
/// policy points at it, and the destination queue for `--to QUEUE_URL`.
#[derive(Clone, Debug)]
pub struct PlanInputs<'a> {
    pub from: &'a QueueRef,
    pub dlq: &'a Dlq,
    pub sources: &'a [QueueRef],
    pub queue: Option<&'a QueueRef>,
}

/// Picks the path for a redrive request. `selected` (only some messages) forces a manual move (a move
/// task takes everything).
pub fn plan_path(
    inputs: &PlanInputs<'_>,
    target: &RedriveTarget,
    selected: bool,
    velocity: Option<u32>,
) -> Result<RedrivePath, PlanError> {
    let PlanInputs {
        from,
        dlq,
        sources,
        queue,
    } = inputs;
    if !dlq.inspectable {
        return Err(PlanError::NotInspectable(dlq.name.clone()));
    }
    let check_fifo = |to: &QueueRef| {
        if to.arn == from.arn {
            return Err(PlanError::SameQueue(from.name.clone()));
        }
        if to.fifo == from.fifo {
            Ok(())
        } else {
            let kind = |f: bool| if f { "FIFO" } else { "standard" };
            Err(PlanError::FifoMismatch {
                from: from.name.clone(),
                from_kind: kind(from.fifo),
                to: to.name.clone(),
                to_kind: kind(to.fifo),
            })
        }
    };
    match target {
        RedriveTarget::Source => {
            let to = match sources {
                [] => return Err(PlanError::NoSourceQueue(from.name.clone())),
                [one] => one.clone(),
                many => {
                    return Err(PlanError::SeveralSourceQueues {
                        queue: from.name.clone(),
                        sources: many
                            .iter()
                            .map(|q| q.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    });
                }
            };
            check_fifo(&to)?;
            Ok(if from.fifo || selected {
                RedrivePath::ManualMove { to }
            } else {
                RedrivePath::MoveTask { to, velocity }
            })
        }
        RedriveTarget::Queue(_) => {
            let to = (*queue)
                .cloned()
                .ok_or_else(|| PlanError::NoSourceQueue(from.name.clone()))?;
            check_fifo(&to)?;
            Ok(RedrivePath::ManualMove { to })
        }
        RedriveTarget::Function {
            function,
            qualifier,
        } => {
            let kinds = || {
                dlq.kinds
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let payload = PayloadSource::for_kinds(&dlq.kinds)
                .ok_or_else(|| PlanError::NotReinvokable(from.name.clone(), kinds()))?;
            let function = match (function, dlq.functions.as_slice()) {
                (Some(f), _) => f.clone(),
                (None, [one]) => one.clone(),
                (None, []) => return Err(PlanError::NotReinvokable(from.name.clone(), kinds())),
                (None, many) => {
                    return Err(PlanError::SeveralFunctions {
                        queue: from.name.clone(),
                        functions: many.join(", "),
                    });
                }
            };
            Ok(RedrivePath::Reinvoke {
                function,
                qualifier: qualifier.clone(),
                payload,
            })
        }
    }
}

/// Everything a redrive will do, for the confirm step and the dry run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RedrivePlan {
    pub from: QueueRef,
    pub path: RedrivePath,
    /// Only these message ids (`None`: all).
    pub selected: Option<Vec<String>>,
    /// Messages per second (`None`: as fast as the API allows).
    pub rate: Option<u32>,
    /// Visible messages when the plan was made.
    pub visible: u64,
    pub in_flight: u64,
    /// What planning skipped and the confirm step says (a discovery call denied or unknown).
    pub notes: Vec<String>,
}

/// The promise every redrive makes, said in every confirm step.
pub const AT_LEAST_ONCE: &str =
    "at-least-once: an interruption may duplicate a message, never lose one";

impl RedrivePlan {
    /// How many messages the plan concerns.
    pub fn count(&self) -> u64 {
        self.selected
            .as_ref()
            .map_or(self.visible, |s| s.len() as u64)
    }

    /// The same plan at another rate (messages per second; `None`: as fast as the API allows). A move
    /// task takes it as its velocity.
    #[must_use]
    pub fn with_rate(mut self, rate: Option<u32>) -> Self {
        self.rate = rate;
        if let RedrivePath::MoveTask { velocity, .. } = &mut self.path {
            *velocity = rate;
        }
        self
    }

    /// One paragraph saying exactly what will happen: from → to, count, method, rate, guarantee.
    pub fn describe(&self) -> String {
        let which = match &self.selected {
            Some(ids) => format!("{} selected message(s)", ids.len()),
            None => format!("all {} visible message(s)", self.visible),
        };
        let rate = self
            .rate
            .map_or_else(String::new, |r| format!(", at most {r} message(s)/s"));
        let in_flight = if self.in_flight > 0 && self.selected.is_none() {
            format!(
                " ({} in flight now are moved too if they become visible during the run)",
                self.in_flight
            )
        } else {
            String::new()
        };
        let extra = match &self.path {
            RedrivePath::Reinvoke {
                payload: PayloadSource::RequestPayload,
                ..
            } => "; each record's requestPayload is the event",
            RedrivePath::Reinvoke { .. } => "; each body is the event",
            RedrivePath::MoveTask { .. } | RedrivePath::ManualMove { .. } => {
                "; bodies and message attributes are preserved"
            }
        };
        let notes = self
            .notes
            .iter()
            .fold(String::new(), |acc, n| acc + " Note: " + n + ".");
        format!(
            "Redrive {which}{in_flight} from queue {} → {} by {}{rate}{extra}. {AT_LEAST_ONCE}.{notes}",
            self.from.name,
            self.path.destination(),
            self.path.method()
        )
    }
}

/// Progress of a running redrive.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RedriveProgress {
    pub moved: u64,
    pub failed: u64,
    /// Visible messages left in the DLQ at the last sample (`None` before the first).
    pub remaining: Option<u64>,
    /// Set when lambdash changed method on the way (move task unsupported → manual).
    pub note: Option<String>,
}

/// A message that stayed in the DLQ, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FailedMessage {
    pub message_id: String,
    pub error: String,
}

/// How a redrive ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RedriveSummary {
    pub from: String,
    pub to: String,
    /// The path actually used (`move_task`, `manual_move`, `reinvoke`).
    pub method: &'static str,
    /// Why the planned path was not used, when it was not.
    pub fallback: Option<String>,
    pub dry_run: bool,
    pub moved: u64,
    /// Messages that stayed in the DLQ because their send / invoke failed.
    pub failed: Vec<FailedMessage>,
    /// Messages left in the DLQ at the end (visible + in flight + delayed).
    pub remaining: u64,
    /// Messages sent whose delete failed: they are in both queues (the next redrive sends them again).
    pub duplicates: u64,
    /// Always true for a run that moved something: a crash between send and delete duplicates.
    pub duplicates_possible: bool,
    /// Selected ids never seen in the queue.
    pub not_found: Vec<String>,
    /// Stopped by the user (cancel) before the queue was empty.
    pub cancelled: bool,
    /// Stopped early by an error (the endpoint went away, a move task failed).
    pub stopped_by: Option<String>,
    pub elapsed_ms: u64,
}

impl RedriveSummary {
    /// What a dry run reports: nothing moved, everything still there.
    pub fn dry_run(plan: &RedrivePlan) -> Self {
        let method = match plan.path {
            RedrivePath::MoveTask { .. } => "move_task",
            RedrivePath::ManualMove { .. } => "manual_move",
            RedrivePath::Reinvoke { .. } => "reinvoke",
        };
        Self {
            from: plan.from.name.clone(),
            to: plan.path.to_name(),
            method,
            fallback: None,
            dry_run: true,
            moved: 0,
            failed: Vec::new(),
            remaining: plan.visible + plan.in_flight,
            duplicates: 0,
            duplicates_possible: false,
            not_found: Vec::new(),
            cancelled: false,
            stopped_by: None,
            elapsed_ms: 0,
        }
    }

    pub fn ok(&self) -> bool {
        self.failed.is_empty() && self.not_found.is_empty() && self.stopped_by.is_none()
    }

    /// `moved 998, failed 2, 2 remaining` for a flash bar / stderr.
    pub fn line(&self) -> String {
        let mut s = format!(
            "{} {} from {} → {}: moved {}, failed {}, {} remaining",
            if self.dry_run { "dry run:" } else { "redrive" },
            self.method,
            self.from,
            self.to,
            self.moved,
            self.failed.len(),
            self.remaining
        );
        if self.duplicates > 0 {
            let _ = write!(s, ", {} possible duplicate(s)", self.duplicates);
        }
        if !self.not_found.is_empty() {
            let _ = write!(s, ", {} selected not found", self.not_found.len());
        }
        if self.cancelled {
            s.push_str(" (cancelled)");
        }
        if let Some(e) = &self.stopped_by {
            let _ = write!(s, ", stopped: {e}");
        }
        if let Some(f) = &self.fallback {
            let _ = write!(s, " [{f}]");
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dlq::{DlqCandidate, merge_candidates};

    fn q(name: &str) -> QueueRef {
        QueueRef {
            url: format!("http://localhost/123456789012/{name}"),
            arn: format!("arn:aws:sqs:eu-west-1:123456789012:{name}"),
            name: name.to_string(),
            fifo: name.rsplit('.').next() == Some("fifo"),
        }
    }

    fn dlq(name: &str, kinds: &[DlqKind], functions: &[&str]) -> Dlq {
        let candidates: Vec<DlqCandidate> = kinds
            .iter()
            .flat_map(|k| {
                functions.iter().map(move |f| DlqCandidate {
                    target_arn: q(name).arn,
                    kind: *k,
                    function: (*f).to_string(),
                    source_queue_arn: (*k == DlqKind::SourceQueueRedrivePolicy)
                        .then(|| q("orders").arn),
                })
            })
            .collect();
        merge_candidates(&candidates).remove(0)
    }

    #[test]
    fn source_queue_dlq_uses_a_move_task_unless_fifo_or_selected() {
        let d = dlq("dlq", &[DlqKind::SourceQueueRedrivePolicy], &["f"]);
        let from = q("dlq");
        let sources = [q("orders")];
        let inputs = PlanInputs {
            from: &from,
            dlq: &d,
            sources: &sources,
            queue: None,
        };
        assert_eq!(
            plan_path(&inputs, &RedriveTarget::Source, false, Some(50)).unwrap(),
            RedrivePath::MoveTask {
                to: q("orders"),
                velocity: Some(50)
            }
        );
        assert_eq!(
            plan_path(&inputs, &RedriveTarget::Source, true, None).unwrap(),
            RedrivePath::ManualMove { to: q("orders") }
        );
        let fd = dlq("dlq.fifo", &[DlqKind::SourceQueueRedrivePolicy], &["f"]);
        let ffrom = q("dlq.fifo");
        let fsources = [q("orders.fifo")];
        let finputs = PlanInputs {
            from: &ffrom,
            dlq: &fd,
            sources: &fsources,
            queue: None,
        };
        assert_eq!(
            plan_path(&finputs, &RedriveTarget::Source, false, None).unwrap(),
            RedrivePath::ManualMove {
                to: q("orders.fifo")
            }
        );
        assert_eq!(
            applicable_paths(&fd),
            [PathChoice::SourceQueueManual, PathChoice::OtherQueue]
        );
        assert_eq!(
            applicable_paths(&d),
            [PathChoice::SourceQueueMoveTask, PathChoice::OtherQueue]
        );
    }

    #[test]
    fn source_redrive_needs_exactly_one_source_queue() {
        let d = dlq("dlq", &[DlqKind::AsyncDeadLetterConfig], &["f"]);
        let from = q("dlq");
        let none = PlanInputs {
            from: &from,
            dlq: &d,
            sources: &[],
            queue: None,
        };
        assert!(matches!(
            plan_path(&none, &RedriveTarget::Source, false, None),
            Err(PlanError::NoSourceQueue(_))
        ));
        let two = [q("a"), q("b")];
        let several = PlanInputs {
            sources: &two,
            ..none
        };
        let err = plan_path(&several, &RedriveTarget::Source, false, None).unwrap_err();
        assert!(err.to_string().contains("a, b"), "{err}");
    }

    #[test]
    fn reinvoke_applies_to_async_failures_only() {
        let from = q("dlq");
        let target = RedriveTarget::Function {
            function: None,
            qualifier: Some("live".into()),
        };
        for (kinds, payload) in [
            (vec![DlqKind::AsyncDeadLetterConfig], PayloadSource::Body),
            (
                vec![DlqKind::AsyncOnFailureDestination],
                PayloadSource::RequestPayload,
            ),
            (
                vec![
                    DlqKind::AsyncDeadLetterConfig,
                    DlqKind::AsyncOnFailureDestination,
                ],
                PayloadSource::Detect,
            ),
        ] {
            let d = dlq("dlq", &kinds, &["pay"]);
            let inputs = PlanInputs {
                from: &from,
                dlq: &d,
                sources: &[],
                queue: None,
            };
            assert_eq!(
                plan_path(&inputs, &target, false, None).unwrap(),
                RedrivePath::Reinvoke {
                    function: "pay".into(),
                    qualifier: Some("live".into()),
                    payload
                }
            );
            assert!(applicable_paths(&d).contains(&PathChoice::Reinvoke));
        }
        for kinds in [
            vec![DlqKind::SourceQueueRedrivePolicy],
            vec![DlqKind::EventSourceOnFailure],
        ] {
            let d = dlq("dlq", &kinds, &["pay"]);
            let inputs = PlanInputs {
                from: &from,
                dlq: &d,
                sources: &[],
                queue: None,
            };
            assert!(matches!(
                plan_path(&inputs, &target, false, None),
                Err(PlanError::NotReinvokable(..))
            ));
            assert!(!applicable_paths(&d).contains(&PathChoice::Reinvoke));
        }
        let d = dlq("dlq", &[DlqKind::AsyncDeadLetterConfig], &["a", "b"]);
        let inputs = PlanInputs {
            from: &from,
            dlq: &d,
            sources: &[],
            queue: None,
        };
        assert!(matches!(
            plan_path(&inputs, &target, false, None),
            Err(PlanError::SeveralFunctions { .. })
        ));
    }

    #[test]
    fn manual_move_refuses_itself_and_fifo_mismatch() {
        let d = dlq("dlq", &[DlqKind::AsyncDeadLetterConfig], &["f"]);
        let from = q("dlq");
        let other = q("other.fifo");
        let inputs = PlanInputs {
            from: &from,
            dlq: &d,
            sources: &[],
            queue: Some(&other),
        };
        let target = RedriveTarget::Queue(other.url.clone());
        assert!(matches!(
            plan_path(&inputs, &target, false, None),
            Err(PlanError::FifoMismatch { .. })
        ));
        let inputs = PlanInputs {
            queue: Some(&from),
            ..inputs
        };
        assert!(matches!(
            plan_path(&inputs, &target, false, None),
            Err(PlanError::SameQueue(_))
        ));
        let fine = q("other");
        let inputs = PlanInputs {
            queue: Some(&fine),
            ..inputs
        };
        assert_eq!(
            plan_path(&inputs, &target, false, None).unwrap(),
            RedrivePath::ManualMove { to: fine.clone() }
        );
    }

    #[test]
    fn plan_description_says_from_to_count_and_the_guarantee() {
        let plan = RedrivePlan {
            from: q("orders-dlq"),
            path: RedrivePath::ManualMove { to: q("orders") },
            selected: None,
            rate: Some(10),
            visible: 1000,
            in_flight: 0,
            notes: vec!["ListDeadLetterSourceQueues skipped".into()],
        };
        let text = plan.describe();
        assert!(
            text.ends_with("Note: ListDeadLetterSourceQueues skipped."),
            "{text}"
        );
        assert!(text.contains("all 1000 visible"), "{text}");
        assert!(text.contains("orders-dlq → queue orders"), "{text}");
        assert!(text.contains("at most 10"), "{text}");
        assert!(text.contains(AT_LEAST_ONCE), "{text}");
        let plan = RedrivePlan {
            selected: Some(vec!["a".into(), "b".into()]),
            path: RedrivePath::Reinvoke {
                function: "pay".into(),
                qualifier: Some("live".into()),
                payload: PayloadSource::RequestPayload,
            },
            ..plan
        };
        assert_eq!(plan.count(), 2);
        assert!(plan.describe().contains("function pay:live"));
    }
}
