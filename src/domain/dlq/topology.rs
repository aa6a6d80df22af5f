//! The DLQ topology — which queue belongs to which function — as discovery builds it in O(pages), and
//! the pure rules of an incremental rescan.
//!
//! What each part costs (Lambda control plane, 15 requests/s per account and region, shared with every
//! deploy pipeline of the account):
//! - `DeadLetterConfig` comes with every function in ListFunctions' own pages (the functions poller's
//!   listing is reused when the TUI has one);
//! - event source mappings come from the account-wide, paginated ListEventSourceMappings (no
//!   `FunctionName`), grouped by function;
//! - on-failure destinations need one GetFunctionEventInvokeConfig a function, so they are asked only of
//!   functions invoked asynchronously: those with `AWS/Lambda AsyncEventsReceived` in the last
//!   [`ASYNC_WINDOW`] (one batched GetMetricData, 500 functions a call). A function with no async event
//!   in that window has no failed async event to send anywhere, so its destination is not asked: a
//!   destination configured on a function never invoked asynchronously is not discovered until it is.
//!   When the metric cannot be read, every function is asked (at the background pace) and the scan
//!   says so;
//! - redrive policies are read once per source queue, not once per function reading from it.
//!
//! A later scan asks again only for functions whose `LastModified` changed (or that are new), whose last
//! answer failed, or whose answer is older than [`INVOKE_CONFIG_MAX_AGE`] (an EventInvokeConfig change
//! does not move the function's `LastModified`); removed functions drop out.
//!
//! Nothing here does I/O or reads the clock: times come in as arguments.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{DlqCandidate, DlqKind, ScannedFunction, parse_sqs_arn};
use crate::domain::Function;

/// The version of the cache file's shape; a file of another version is ignored and rescanned.
pub const TOPOLOGY_FORMAT: u32 = 1;

/// How far back `AsyncEventsReceived` is summed to decide that a function is invoked asynchronously.
pub const ASYNC_WINDOW: Duration = Duration::from_hours(24);

/// How long an EventInvokeConfig answer is trusted. Its changes do not move the function's
/// `LastModified`, so an async function's answer is asked again once a day.
pub const INVOKE_CONFIG_MAX_AGE: Duration = Duration::from_hours(24);

/// What is known of a function's EventInvokeConfig (its on-failure destination).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum InvokeConfig {
    /// Not asked: the function had no `AsyncEventsReceived` in the window (never invoked
    /// asynchronously, so no failed async event to send anywhere).
    NotAsked,
    /// GetFunctionEventInvokeConfig answered (`exists: false`: ResourceNotFound).
    Read {
        at: DateTime<Utc>,
        exists: bool,
        on_failure: Option<String>,
    },
    /// The request failed (permissions, throttling): asked again at the next scan.
    Failed { at: DateTime<Utc>, error: String },
}

/// One event source mapping, reduced to what discovery needs.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Mapping {
    pub event_source_arn: String,
    /// `DestinationConfig.OnFailure.Destination` (stream sources).
    pub on_failure: Option<String>,
}

/// One function's part of the topology.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionTopology {
    pub arn: String,
    pub last_modified: Option<DateTime<Utc>>,
    /// `DeadLetterConfig.TargetArn`, from ListFunctions.
    pub dead_letter_target: Option<String>,
    /// Its event source mappings (of the function, its versions and aliases), sorted.
    pub mappings: Vec<Mapping>,
    pub invoke_config: InvokeConfig,
}

/// Which functions are invoked asynchronously (from `AsyncEventsReceived`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AsyncGate {
    /// The functions with at least one async event in the window.
    Known(HashSet<String>),
    /// The metric could not be read: every function may be.
    Unknown(String),
}

impl AsyncGate {
    pub fn may_be_async(&self, function: &str) -> bool {
        match self {
            Self::Known(set) => set.contains(function),
            Self::Unknown(_) => true,
        }
    }
}

/// Which queue belongs to which function; what the on-disk cache holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topology {
    /// [`TOPOLOGY_FORMAT`] when written.
    pub format: u32,
    /// Whose topology it is (account or profile, region, endpoint): a file of another scope is
    /// ignored.
    pub scope: String,
    /// When the scan that wrote it started.
    pub scanned_at: DateTime<Utc>,
    pub functions: BTreeMap<String, FunctionTopology>,
    /// Source queue ARN → its `RedrivePolicy.deadLetterTargetArn` (`None`: no policy).
    pub redrive: BTreeMap<String, Option<String>>,
    /// Sub-requests that failed (permissions, throttling), kept with the data they left incomplete.
    pub errors: Vec<String>,
}

impl Topology {
    /// Every place a function sends failures, before queues are merged.
    pub fn candidates(&self) -> Vec<DlqCandidate> {
        let mut out = Vec::new();
        for (name, f) in &self.functions {
            let mut push = |arn: &str, kind, source: Option<&str>| {
                out.push(DlqCandidate {
                    target_arn: arn.to_string(),
                    kind,
                    function: name.clone(),
                    source_queue_arn: source.map(ToString::to_string),
                });
            };
            if let Some(arn) = f.dead_letter_target.as_deref() {
                push(arn, DlqKind::AsyncDeadLetterConfig, None);
            }
            if let InvokeConfig::Read {
                on_failure: Some(arn),
                ..
            } = &f.invoke_config
            {
                push(arn, DlqKind::AsyncOnFailureDestination, None);
            }
            for m in &f.mappings {
                if let Some(arn) = m.on_failure.as_deref() {
                    push(arn, DlqKind::EventSourceOnFailure, None);
                }
                if let Some(Some(dlq)) = self.redrive.get(&m.event_source_arn) {
                    push(
                        dlq,
                        DlqKind::SourceQueueRedrivePolicy,
                        Some(&m.event_source_arn),
                    );
                }
            }
        }
        out
    }

    /// Every function scanned, with what the functions pane's flags need.
    pub fn scanned(&self) -> Vec<ScannedFunction> {
        self.functions
            .iter()
            .map(|(name, f)| ScannedFunction {
                name: name.clone(),
                event_invoke_config: matches!(
                    f.invoke_config,
                    InvokeConfig::Read { exists: true, .. }
                ),
                complete: !matches!(f.invoke_config, InvokeConfig::Failed { .. }),
                last_modified: f.last_modified,
            })
            .collect()
    }

    /// The SQS queues the functions read from (each one's redrive policy is read once).
    pub fn source_queues(&self) -> BTreeSet<&str> {
        self.functions
            .values()
            .flat_map(|f| &f.mappings)
            .map(|m| m.event_source_arn.as_str())
            .filter(|arn| parse_sqs_arn(arn).is_some())
            .collect()
    }

    /// True when the listing differs from what this topology scanned: a function added, removed, or
    /// with another `LastModified`.
    pub fn differs_from(&self, listing: &[Function]) -> bool {
        listing.len() != self.functions.len()
            || listing.iter().any(|f| {
                self.functions
                    .get(&f.name)
                    .is_none_or(|t| t.last_modified != f.last_modified)
            })
    }
}

/// The function name in a function ARN, qualified or not
/// (`arn:aws:lambda:eu-west-1:123456789012:function:orders:live` → `orders`); a bare name as it is.
pub fn function_name_of_arn(arn: &str) -> &str {
    let mut parts = arn.split(':');
    match (parts.next(), parts.nth(4), parts.next()) {
        (Some("arn"), Some("function"), Some(name)) => name,
        _ => arn,
    }
}

/// Groups mappings by the function they invoke (a mapping of an alias or a version belongs to the
/// function), each function's sorted and without duplicates.
pub fn group_mappings(mappings: Vec<(String, Mapping)>) -> BTreeMap<String, Vec<Mapping>> {
    let mut by_function: BTreeMap<String, BTreeSet<Mapping>> = BTreeMap::new();
    for (function_arn, m) in mappings {
        by_function
            .entry(function_name_of_arn(&function_arn).to_string())
            .or_default()
            .insert(m);
    }
    by_function
        .into_iter()
        .map(|(f, set)| (f, set.into_iter().collect()))
        .collect()
}

/// What a scan must ask GetFunctionEventInvokeConfig about, and what it keeps from the previous scan.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InvokePlan {
    /// Functions to ask, `priority` ones first (in their order), then the rest by name.
    pub ask: Vec<String>,
    /// How many of `ask` are priority ones (asked first, at the foreground pace).
    pub priority: usize,
    /// Functions whose previous answer is kept.
    pub keep: BTreeMap<String, InvokeConfig>,
    /// Functions of the previous scan that are gone.
    pub removed: Vec<String>,
}

/// Decides, for every listed function, whether its EventInvokeConfig is asked again:
/// - not possibly async (no `AsyncEventsReceived`): not asked; a previous answer is kept unless the
///   function changed or the answer was a failure, else it is [`InvokeConfig::NotAsked`];
/// - possibly async: asked when new, changed (`LastModified`), never asked, failed last time, or
///   answered more than `max_age` ago; else the previous answer is kept.
///
/// `priority` (the rows on screen, the selection) go first.
pub fn plan_invoke_configs(
    previous: Option<&Topology>,
    listing: &[Function],
    gate: &AsyncGate,
    priority: &[String],
    now: DateTime<Utc>,
    max_age: Duration,
) -> InvokePlan {
    let mut plan = InvokePlan::default();
    let mut ask: BTreeSet<&str> = BTreeSet::new();
    let max_age = chrono::TimeDelta::from_std(max_age).unwrap_or(chrono::TimeDelta::MAX);
    for f in listing {
        let before = previous.and_then(|p| p.functions.get(&f.name));
        let unchanged = before.filter(|b| b.last_modified == f.last_modified);
        let kept = unchanged.map(|b| &b.invoke_config);
        if !gate.may_be_async(&f.name) {
            let knowledge = kept
                .filter(|k| !matches!(k, InvokeConfig::Failed { .. }))
                .cloned()
                .unwrap_or(InvokeConfig::NotAsked);
            plan.keep.insert(f.name.clone(), knowledge);
            continue;
        }
        match kept {
            Some(k @ InvokeConfig::Read { at, .. }) if now - *at <= max_age => {
                plan.keep.insert(f.name.clone(), k.clone());
            }
            _ => {
                ask.insert(f.name.as_str());
            }
        }
    }
    for p in priority {
        if ask.remove(p.as_str()) {
            plan.ask.push(p.clone());
        }
    }
    plan.priority = plan.ask.len();
    plan.ask.extend(ask.into_iter().map(ToString::to_string));
    if let Some(previous) = previous {
        let listed: HashSet<&str> = listing.iter().map(|f| f.name.as_str()).collect();
        plan.removed = previous
            .functions
            .keys()
            .filter(|n| !listed.contains(n.as_str()))
            .cloned()
            .collect();
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap()
    }

    fn function(name: &str, modified_min: i64) -> Function {
        Function {
            name: name.to_string(),
            arn: format!("arn:aws:lambda:eu-west-1:123456789012:function:{name}"),
            runtime: Some("python3.12".into()),
            architecture: "x86_64".into(),
            memory_mb: 128,
            timeout_s: 3,
            last_modified: Some(t0() - chrono::Duration::minutes(modified_min)),
            state: None,
            code_size_bytes: 1,
            package_type: "Zip".into(),
            log_group: None,
            dead_letter_target: None,
        }
    }

    fn read(at: DateTime<Utc>, dest: &str) -> InvokeConfig {
        InvokeConfig::Read {
            at,
            exists: true,
            on_failure: Some(dest.to_string()),
        }
    }

    fn topology(functions: &[(&Function, InvokeConfig)]) -> Topology {
        Topology {
            format: TOPOLOGY_FORMAT,
            scope: "123456789012/eu-west-1".into(),
            scanned_at: t0() - chrono::Duration::hours(1),
            functions: functions
                .iter()
                .map(|(f, k)| {
                    (
                        f.name.clone(),
                        FunctionTopology {
                            arn: f.arn.clone(),
                            last_modified: f.last_modified,
                            dead_letter_target: None,
                            mappings: Vec::new(),
                            invoke_config: k.clone(),
                        },
                    )
                })
                .collect(),
            redrive: BTreeMap::new(),
            errors: Vec::new(),
        }
    }

    fn all_async(names: &[&str]) -> AsyncGate {
        AsyncGate::Known(names.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn incremental_scan_asks_only_changed_and_new_functions_and_drops_removed_ones() {
        let (same, changed, gone) = (
            function("same", 90),
            function("changed", 90),
            function("gone", 90),
        );
        let previous = topology(&[
            (&same, read(t0() - chrono::Duration::hours(1), "q-same")),
            (&changed, read(t0() - chrono::Duration::hours(1), "q-old")),
            (&gone, read(t0() - chrono::Duration::hours(1), "q-gone")),
        ]);
        let now_changed = function("changed", 5);
        let new = function("new", 1);
        let listing = [same.clone(), now_changed, new];
        let plan = plan_invoke_configs(
            Some(&previous),
            &listing,
            &all_async(&["same", "changed", "new"]),
            &[],
            t0(),
            INVOKE_CONFIG_MAX_AGE,
        );
        assert_eq!(plan.ask, ["changed", "new"]);
        assert_eq!(plan.keep.keys().collect::<Vec<_>>(), ["same"]);
        assert_eq!(
            plan.keep["same"],
            read(t0() - chrono::Duration::hours(1), "q-same")
        );
        assert_eq!(plan.removed, ["gone"]);
        assert!(previous.differs_from(&listing));
        assert!(!previous.differs_from(&[same, changed, gone]));
    }

    #[test]
    fn functions_without_async_events_are_not_asked_and_unknown_metrics_ask_everyone() {
        let (a, b) = (function("a", 1), function("b", 1));
        let plan = plan_invoke_configs(
            None,
            &[a.clone(), b.clone()],
            &all_async(&["b"]),
            &[],
            t0(),
            INVOKE_CONFIG_MAX_AGE,
        );
        assert_eq!(plan.ask, ["b"]);
        assert_eq!(plan.keep["a"], InvokeConfig::NotAsked);
        let plan = plan_invoke_configs(
            None,
            &[a, b],
            &AsyncGate::Unknown("throttled".into()),
            &[],
            t0(),
            INVOKE_CONFIG_MAX_AGE,
        );
        assert_eq!(plan.ask, ["a", "b"]);
    }

    #[test]
    fn stale_failed_and_never_asked_answers_are_asked_again_priority_first() {
        let (fresh, old, failed, never) = (
            function("fresh", 90),
            function("old", 90),
            function("failed", 90),
            function("never", 90),
        );
        let previous = topology(&[
            (&fresh, read(t0() - chrono::Duration::hours(2), "q")),
            (&old, read(t0() - chrono::Duration::hours(25), "q")),
            (
                &failed,
                InvokeConfig::Failed {
                    at: t0(),
                    error: "denied".into(),
                },
            ),
            (&never, InvokeConfig::NotAsked),
        ]);
        let listing = [fresh, old, failed, never];
        let plan = plan_invoke_configs(
            Some(&previous),
            &listing,
            &all_async(&["fresh", "old", "failed", "never"]),
            &["never".to_string(), "fresh".to_string()],
            t0(),
            INVOKE_CONFIG_MAX_AGE,
        );
        assert_eq!(plan.ask, ["never", "failed", "old"]);
        assert_eq!(plan.priority, 1);
        assert!(plan.removed.is_empty());
    }

    #[test]
    fn a_changed_function_that_is_not_async_forgets_its_old_answer() {
        let f = function("f", 90);
        let previous = topology(&[(&f, read(t0(), "q"))]);
        let plan = plan_invoke_configs(
            Some(&previous),
            &[function("f", 1)],
            &all_async(&[]),
            &[],
            t0(),
            INVOKE_CONFIG_MAX_AGE,
        );
        assert!(plan.ask.is_empty());
        assert_eq!(plan.keep["f"], InvokeConfig::NotAsked);
        let plan = plan_invoke_configs(
            Some(&previous),
            &[f],
            &all_async(&[]),
            &[],
            t0(),
            INVOKE_CONFIG_MAX_AGE,
        );
        assert_eq!(plan.keep["f"], read(t0(), "q"), "unchanged: kept");
    }

    #[test]
    fn mappings_of_aliases_and_versions_belong_to_the_function() {
        let m = |src: &str| Mapping {
            event_source_arn: src.to_string(),
            on_failure: None,
        };
        let arn = "arn:aws:lambda:eu-west-1:123456789012:function:orders";
        let grouped = group_mappings(vec![
            (arn.to_string(), m("arn:aws:sqs:eu-west-1:123456789012:a")),
            (
                format!("{arn}:live"),
                m("arn:aws:sqs:eu-west-1:123456789012:b"),
            ),
            (
                format!("{arn}:7"),
                m("arn:aws:sqs:eu-west-1:123456789012:a"),
            ),
            (
                "other".to_string(),
                m("arn:aws:kinesis:eu-west-1:123456789012:stream/s"),
            ),
        ]);
        assert_eq!(grouped.len(), 2);
        assert_eq!(grouped["orders"].len(), 2, "{grouped:?}");
        assert_eq!(grouped["other"].len(), 1);
        assert_eq!(function_name_of_arn("orders"), "orders");
    }

    #[test]
    fn candidates_come_from_every_kind_and_each_queue_redrive_once() {
        let f = function("orders", 1);
        let mut t = topology(&[(
            &f,
            read(t0(), "arn:aws:sqs:eu-west-1:123456789012:failures"),
        )]);
        let src = "arn:aws:sqs:eu-west-1:123456789012:src".to_string();
        let entry = t.functions.get_mut("orders").unwrap();
        entry.dead_letter_target = Some("arn:aws:sqs:eu-west-1:123456789012:dlc".into());
        entry.mappings = vec![Mapping {
            event_source_arn: src.clone(),
            on_failure: None,
        }];
        t.redrive.insert(
            src.clone(),
            Some("arn:aws:sqs:eu-west-1:123456789012:src-dlq".into()),
        );
        let kinds: Vec<DlqKind> = t.candidates().iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                DlqKind::AsyncDeadLetterConfig,
                DlqKind::AsyncOnFailureDestination,
                DlqKind::SourceQueueRedrivePolicy
            ]
        );
        assert_eq!(
            t.source_queues().into_iter().collect::<Vec<_>>(),
            [src.as_str()]
        );
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(serde_json::from_str::<Topology>(&json).unwrap(), t);
    }
}
