//! The DLQ topology in O(pages): ListFunctions' pages (or the functions poller's listing), the
//! account-wide ListEventSourceMappings, one batched GetMetricData for `AsyncEventsReceived`, then
//! GetFunctionEventInvokeConfig only for the async functions that changed, and each source queue's
//! redrive policy once. The rules are in [`crate::domain::dlq::topology`].

use std::collections::{BTreeMap, HashSet};

use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat};
use chrono::{DateTime, Utc};
use futures::StreamExt as _;

use super::{AwsError, Clients, classify};
use crate::domain::Function;
use crate::domain::dlq::topology::{
    ASYNC_WINDOW, AsyncGate, FunctionTopology, INVOKE_CONFIG_MAX_AGE, InvokeConfig, Mapping,
    TOPOLOGY_FORMAT, Topology, group_mappings, plan_invoke_configs,
};

/// GetMetricData takes at most 500 queries a call.
const QUERIES_PER_CALL: usize = 500;

/// GetFunctionEventInvokeConfig requests in flight for the rows on screen and the selection.
const PRIORITY_CONCURRENCY: usize = 4;

/// … and for the rest (background discovery; the request scheduler paces them further).
const BACKGROUND_CONCURRENCY: usize = 2;

/// What a topology scan starts from.
#[derive(Clone, Debug, Default)]
pub struct ScanInputs<'a> {
    /// The last topology (from the cache or the last scan): unchanged functions keep their answers.
    pub previous: Option<&'a Topology>,
    /// A complete function listing to reuse (the functions poller's); `None`: ListFunctions is read.
    pub listing: Option<Vec<Function>>,
    /// Functions asked first (the rows on screen, the selection).
    pub priority: &'a [String],
    /// Whose topology it is ([`Topology::scope`]).
    pub scope: String,
}

impl Clients {
    /// Reads the topology: ListFunctions (unless a listing is given), ListEventSourceMappings for the
    /// whole account, one GetMetricData per 500 functions, GetFunctionEventInvokeConfig for the async
    /// functions that are new or changed (see [`plan_invoke_configs`]), one GetQueueUrl and one
    /// GetQueueAttributes per source queue. A failing sub-request keeps the previous answer, if any,
    /// and is named in [`Topology::errors`]; only a failing ListFunctions fails the scan.
    pub async fn scan_topology(&self, inputs: ScanInputs<'_>) -> Result<Topology, AwsError> {
        let scanned_at = Utc::now();
        let listing = match inputs.listing {
            Some(l) => l,
            None => self.list_functions().await?,
        };
        let mut errors = Vec::new();
        let names: Vec<String> = listing.iter().map(|f| f.name.clone()).collect();
        let (mappings, gate) = tokio::join!(
            self.list_all_mappings(),
            self.async_event_functions(&names, scanned_at)
        );
        let mappings = match mappings {
            Ok(m) => Some(group_mappings(m)),
            Err(e) => {
                errors.push(format!("{e} (the mappings of the last scan are kept)"));
                None
            }
        };
        let gate = gate.map_or_else(
            |e| {
            tracing::warn!(error = %e, "AsyncEventsReceived unreadable: asking every function's EventInvokeConfig");
            errors.push(format!(
                "AsyncEventsReceived could not be read ({e}): the EventInvokeConfig of every function is asked, at the background pace"
            ));
            AsyncGate::Unknown(e.to_string())
            },
            AsyncGate::Known,
        );
        let plan = plan_invoke_configs(
            inputs.previous,
            &listing,
            &gate,
            inputs.priority,
            scanned_at,
            INVOKE_CONFIG_MAX_AGE,
        );
        let (first, rest) = plan.ask.split_at(plan.priority);
        let mut answers = self.invoke_configs(first, PRIORITY_CONCURRENCY).await;
        answers.extend(self.invoke_configs(rest, BACKGROUND_CONCURRENCY).await);
        let mut keep = plan.keep;
        let mut functions = BTreeMap::new();
        for f in listing {
            let invoke_config = answers
                .remove(&f.name)
                .or_else(|| keep.remove(&f.name))
                .unwrap_or(InvokeConfig::NotAsked);
            if let InvokeConfig::Failed { error, .. } = &invoke_config {
                errors.push(format!("{}: {error}", f.name));
            }
            let mappings = match &mappings {
                Some(m) => m.get(&f.name).cloned().unwrap_or_default(),
                None => inputs
                    .previous
                    .and_then(|p| p.functions.get(&f.name))
                    .map(|p| p.mappings.clone())
                    .unwrap_or_default(),
            };
            functions.insert(
                f.name,
                FunctionTopology {
                    arn: f.arn,
                    last_modified: f.last_modified,
                    dead_letter_target: f.dead_letter_target,
                    mappings,
                    invoke_config,
                },
            );
        }
        let mut topology = Topology {
            format: TOPOLOGY_FORMAT,
            scope: inputs.scope,
            scanned_at,
            functions,
            redrive: BTreeMap::new(),
            errors,
        };
        self.read_redrive_policies(&mut topology, inputs.previous)
            .await;
        Ok(topology)
    }

    /// Every event source mapping of the account and region, paginated: (function ARN as the mapping
    /// names it — possibly qualified —, mapping).
    pub async fn list_all_mappings(&self) -> Result<Vec<(String, Mapping)>, AwsError> {
        let mut out = Vec::new();
        let mut pages = self
            .lambda
            .list_event_source_mappings()
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&e, "ListEventSourceMappings", &self.profile))?;
            for m in page.event_source_mappings() {
                let Some(function) = m.function_arn() else {
                    continue;
                };
                out.push((
                    function.to_string(),
                    Mapping {
                        event_source_arn: m.event_source_arn().unwrap_or_default().to_string(),
                        on_failure: m
                            .destination_config()
                            .and_then(|d| d.on_failure())
                            .and_then(|f| f.destination())
                            .filter(|d| !d.is_empty())
                            .map(ToString::to_string),
                    },
                ));
            }
        }
        Ok(out)
    }

    /// The functions with at least one `AWS/Lambda AsyncEventsReceived` in the [`ASYNC_WINDOW`]
    /// before `now`: one GetMetricData (Sum over the window) per 500 functions, pages followed.
    pub async fn async_event_functions(
        &self,
        names: &[String],
        now: DateTime<Utc>,
    ) -> Result<HashSet<String>, AwsError> {
        let window_s = ASYNC_WINDOW.as_secs();
        // The window ends at the next whole minute: the current minute's events count.
        let end = (now.timestamp().div_euclid(60) + 1) * 60;
        let start = end - i64::try_from(window_s).unwrap_or(86_400);
        let mut found = HashSet::new();
        for (c, chunk) in names.chunks(QUERIES_PER_CALL).enumerate() {
            let queries: Vec<MetricDataQuery> = chunk
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let metric = Metric::builder()
                        .namespace("AWS/Lambda")
                        .metric_name("AsyncEventsReceived")
                        .dimensions(
                            Dimension::builder()
                                .name("FunctionName")
                                .value(name)
                                .build(),
                        )
                        .build();
                    MetricDataQuery::builder()
                        .id(format!("a{i}"))
                        .metric_stat(
                            MetricStat::builder()
                                .metric(metric)
                                .period(i32::try_from(window_s).unwrap_or(86_400))
                                .stat("Sum")
                                .build(),
                        )
                        .return_data(true)
                        .build()
                })
                .collect();
            let mut token: Option<String> = None;
            loop {
                let out = self
                    .cloudwatch
                    .get_metric_data()
                    .set_metric_data_queries(Some(queries.clone()))
                    .start_time(aws_smithy_types::DateTime::from_secs(start))
                    .end_time(aws_smithy_types::DateTime::from_secs(end))
                    .set_next_token(token.take())
                    .send()
                    .await
                    .map_err(|e| classify(&e, "GetMetricData", &self.profile))?;
                for r in out.metric_data_results() {
                    let index = r
                        .id()
                        .and_then(|id| id.strip_prefix('a'))
                        .and_then(|i| i.parse::<usize>().ok());
                    if let Some(name) = index.and_then(|i| chunk.get(i))
                        && r.values().iter().any(|v| *v > 0.0)
                    {
                        found.insert(name.clone());
                    }
                }
                token = out.next_token().map(ToString::to_string);
                if token.is_none() {
                    break;
                }
            }
            tracing::debug!(chunk = c, "AsyncEventsReceived read");
        }
        Ok(found)
    }

    /// GetFunctionEventInvokeConfig of each function, `concurrency` at a time, in the given order.
    async fn invoke_configs(
        &self,
        names: &[String],
        concurrency: usize,
    ) -> BTreeMap<String, InvokeConfig> {
        futures::stream::iter(names.iter().cloned())
            .map(|name| async move {
                let answer = self.invoke_config(&name).await;
                (name, answer)
            })
            .buffered(concurrency.max(1))
            .collect()
            .await
    }

    /// One function's EventInvokeConfig: its on-failure destination, none, or the failure.
    pub async fn invoke_config(&self, function: &str) -> InvokeConfig {
        let at = Utc::now();
        match self
            .lambda
            .get_function_event_invoke_config()
            .function_name(function)
            .send()
            .await
        {
            Ok(out) => InvokeConfig::Read {
                at,
                exists: true,
                on_failure: out
                    .destination_config()
                    .and_then(|d| d.on_failure())
                    .and_then(|f| f.destination())
                    .filter(|d| !d.is_empty())
                    .map(ToString::to_string),
            },
            Err(e) => {
                let err = classify(&e, "GetFunctionEventInvokeConfig", &self.profile);
                if err.is_not_found() {
                    InvokeConfig::Read {
                        at,
                        exists: false,
                        on_failure: None,
                    }
                } else {
                    InvokeConfig::Failed {
                        at,
                        error: err.to_string(),
                    }
                }
            }
        }
    }

    /// The redrive policy of every SQS source queue, once per queue (8 at a time). A queue that cannot
    /// be read keeps its previous answer and is named in the topology's errors.
    async fn read_redrive_policies(&self, topology: &mut Topology, previous: Option<&Topology>) {
        let queues: Vec<String> = topology
            .source_queues()
            .into_iter()
            .map(ToString::to_string)
            .collect();
        let read: Vec<(String, Result<Option<String>, AwsError>)> = futures::stream::iter(queues)
            .map(|q| async move {
                let r = self.redrive_target_of(&q).await;
                (q, r)
            })
            .buffered(8)
            .collect()
            .await;
        for (queue, result) in read {
            match result {
                Ok(target) => {
                    topology.redrive.insert(queue, target);
                }
                Err(e) => {
                    topology.errors.push(e.to_string());
                    if let Some(before) = previous.and_then(|p| p.redrive.get(&queue)) {
                        topology.redrive.insert(queue, before.clone());
                    }
                }
            }
        }
    }
}
