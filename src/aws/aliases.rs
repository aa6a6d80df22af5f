//! Lambda aliases and versions: list, update (with the revision id as a guard), publish; the versions
//! behind an alias side by side (GetMetricData by executed version).

use std::collections::{BTreeMap, HashMap};

use aws_sdk_lambda::types::{AliasConfiguration, AliasRoutingConfiguration};
use chrono::{DateTime, Utc};

use super::lambda::parse_last_modified;
use super::{AwsError, Clients, classify};
use crate::domain::alias::compare::{
    COMPARE_PERIOD_S, COMPARE_RANGE, CompareQuery, SeriesPoints, VersionComparison, alias_versions,
    assemble, compare_queries,
};
use crate::domain::alias::{Alias, AliasChange, AliasState, Version};
use crate::domain::metrics::{NAMESPACE, PercentileSupport, window};

fn alias_from(a: &AliasConfiguration) -> Alias {
    let weights: BTreeMap<String, f64> = a
        .routing_config()
        .and_then(AliasRoutingConfiguration::additional_version_weights)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect())
        .unwrap_or_default();
    Alias {
        name: a.name().unwrap_or_default().to_string(),
        description: a.description().unwrap_or_default().to_string(),
        state: AliasState {
            version: a.function_version().unwrap_or_default().to_string(),
            weights,
        },
        revision_id: a.revision_id().map(ToString::to_string),
        arn: a.alias_arn().unwrap_or_default().to_string(),
    }
}

impl Clients {
    /// Every alias of a function, sorted by name.
    pub async fn list_aliases(&self, function: &str) -> Result<Vec<Alias>, AwsError> {
        let mut pages = self
            .lambda
            .list_aliases()
            .function_name(function)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&e, "ListAliases", &self.profile))?;
            out.extend(page.aliases().iter().map(alias_from));
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Published versions (without `$LATEST`), newest first.
    pub async fn list_versions(&self, function: &str) -> Result<Vec<Version>, AwsError> {
        let mut pages = self
            .lambda
            .list_versions_by_function()
            .function_name(function)
            .into_paginator()
            .send();
        let mut out = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&e, "ListVersionsByFunction", &self.profile))?;
            out.extend(
                page.versions()
                    .iter()
                    .filter(|v| v.version() != Some("$LATEST"))
                    .map(|v| Version {
                        version: v.version().unwrap_or_default().to_string(),
                        description: v.description().unwrap_or_default().to_string(),
                        code_sha256: v.code_sha256().unwrap_or_default().to_string(),
                        runtime: v.runtime().map(|r| r.as_str().to_string()),
                        memory_mb: v.memory_size().unwrap_or(128),
                        last_modified: v.last_modified().and_then(parse_last_modified),
                    }),
            );
        }
        out.sort_by_key(|v| std::cmp::Reverse(v.version.parse::<u64>().unwrap_or(0)));
        Ok(out)
    }

    /// Applies a planned change. The alias's revision id guards against a concurrent change.
    pub async fn apply_alias_change(&self, change: &AliasChange) -> Result<Alias, AwsError> {
        let mut routing = AliasRoutingConfiguration::builder();
        for (v, w) in &change.to.weights {
            routing = routing.additional_version_weights(v.clone(), *w);
        }
        let mut req = self
            .lambda
            .update_alias()
            .function_name(&change.function)
            .name(&change.alias)
            .function_version(&change.to.version)
            // An empty map clears the weights (promote / plain switch).
            .routing_config(routing.build());
        if let Some(rev) = &change.revision_id {
            req = req.revision_id(rev);
        }
        let out = req
            .send()
            .await
            .map_err(|e| classify(&e, "UpdateAlias", &self.profile))?;
        let mut weights = BTreeMap::new();
        if let Some(m) = out
            .routing_config()
            .and_then(AliasRoutingConfiguration::additional_version_weights)
        {
            weights.extend(m.iter().map(|(k, v)| (k.clone(), *v)));
        }
        Ok(Alias {
            name: out.name().unwrap_or_default().to_string(),
            description: out.description().unwrap_or_default().to_string(),
            state: AliasState {
                version: out.function_version().unwrap_or_default().to_string(),
                weights,
            },
            revision_id: out.revision_id().map(ToString::to_string),
            arn: out.alias_arn().unwrap_or_default().to_string(),
        })
    }

    /// Publishes `$LATEST` as a new version; returns its number.
    pub async fn publish_version(
        &self,
        function: &str,
        description: &str,
    ) -> Result<String, AwsError> {
        let out = self
            .lambda
            .publish_version()
            .function_name(function)
            .description(description)
            .send()
            .await
            .map_err(|e| classify(&e, "PublishVersion", &self.profile))?;
        Ok(out.version().unwrap_or_default().to_string())
    }
}

impl Clients {
    /// The versions behind `function:alias` (routed as `state`) side by side over the last hour
    /// ending at `now`. `support` is the session's memory of whether percentiles work.
    pub async fn compare_versions(
        &self,
        function: &str,
        alias: &str,
        state: &AliasState,
        now: DateTime<Utc>,
        support: &PercentileSupport,
    ) -> Result<VersionComparison, AwsError> {
        compare_versions(
            &self.cloudwatch,
            &self.profile,
            (function, alias),
            state,
            now,
            support,
        )
        .await
    }
}

/// [`Clients::compare_versions`] on a bare CloudWatch client (tests use a mocked one).
///
/// One GetMetricData call of 3–4 queries per version, one period of an hour (so p99 is the hour's).
/// When the endpoint refuses percentiles (a bare HTTP error: the emulator), the call is made again
/// without them, the maximum stands in, and `support` remembers it for the session; until
/// percentiles are known to work, the first call is sent without SDK retries.
pub async fn compare_versions(
    client: &aws_sdk_cloudwatch::Client,
    profile: &str,
    (function, alias): (&str, &str),
    state: &AliasState,
    now: DateTime<Utc>,
    support: &PercentileSupport,
) -> Result<VersionComparison, AwsError> {
    let window = window(COMPARE_RANGE, 60, now);
    let versions: Vec<String> = alias_versions(state).into_iter().map(|(v, _)| v).collect();
    let call = Call {
        client,
        profile,
        function,
        alias,
        window,
    };
    let mut unavailable = support.is_unavailable();
    let mut queries = compare_queries(&versions, !unavailable);
    let values = match call.run(&queries, support.is_unknown()).await {
        Ok(v) => {
            if !unavailable {
                support.mark_supported();
            }
            v
        }
        Err(e) if !unavailable && e.is_unsupported() => {
            if matches!(e, AwsError::Unsupported { .. }) {
                support.mark_unavailable();
            }
            tracing::warn!("percentiles refused, comparing with Maximum: {e}");
            unavailable = true;
            queries = compare_queries(&versions, false);
            call.run(&queries, false).await?
        }
        Err(e) => return Err(e),
    };
    Ok(assemble(
        alias,
        state,
        window,
        &queries,
        &values,
        unavailable,
    ))
}

struct Call<'a> {
    client: &'a aws_sdk_cloudwatch::Client,
    profile: &'a str,
    function: &'a str,
    alias: &'a str,
    window: (DateTime<Utc>, DateTime<Utc>),
}

impl Call<'_> {
    /// One GetMetricData call (following `NextToken`): the points of every query by id, or the
    /// error CloudWatch reported for it.
    async fn run(
        &self,
        queries: &[CompareQuery],
        no_retries: bool,
    ) -> Result<HashMap<String, SeriesPoints>, AwsError> {
        use aws_sdk_cloudwatch::types::{
            Dimension, Metric, MetricDataQuery, MetricStat, ScanBy, StatusCode,
        };
        let smithy =
            |t: DateTime<Utc>| aws_smithy_types::DateTime::from_millis(t.timestamp_millis());
        let built: Vec<MetricDataQuery> = queries
            .iter()
            .map(|q| {
                let dims = q
                    .dimensions(self.function, self.alias)
                    .into_iter()
                    .map(|(name, value)| Dimension::builder().name(name).value(value).build());
                MetricDataQuery::builder()
                    .id(&q.id)
                    .metric_stat(
                        MetricStat::builder()
                            .metric(
                                Metric::builder()
                                    .namespace(NAMESPACE)
                                    .metric_name(q.figure.metric().as_str())
                                    .set_dimensions(Some(dims.collect()))
                                    .build(),
                            )
                            .period(COMPARE_PERIOD_S)
                            .stat(q.figure.stat().as_str())
                            .build(),
                    )
                    .return_data(true)
                    .build()
            })
            .collect();
        let mut out: HashMap<String, SeriesPoints> = queries
            .iter()
            .map(|q| (q.id.clone(), Ok(Vec::new())))
            .collect();
        let mut token: Option<String> = None;
        loop {
            let req = self
                .client
                .get_metric_data()
                .set_metric_data_queries(Some(built.clone()))
                .start_time(smithy(self.window.0))
                .end_time(smithy(self.window.1))
                .scan_by(ScanBy::TimestampAscending)
                .set_next_token(token.take());
            let page = if no_retries {
                req.customize()
                    .config_override(
                        aws_sdk_cloudwatch::config::Builder::default().retry_config(
                            aws_sdk_cloudwatch::config::retry::RetryConfig::disabled(),
                        ),
                    )
                    .send()
                    .await
            } else {
                req.send().await
            }
            .map_err(|e| classify(&e, "GetMetricData", self.profile))?;
            for r in page.metric_data_results() {
                let Some(slot) = r.id().and_then(|id| out.get_mut(id)) else {
                    tracing::warn!("GetMetricData returned an unknown id {:?}", r.id());
                    continue;
                };
                if let Some(code @ (StatusCode::InternalError | StatusCode::Forbidden)) =
                    r.status_code()
                {
                    let detail: Vec<&str> = r.messages().iter().filter_map(|m| m.value()).collect();
                    *slot = Err(if detail.is_empty() {
                        code.as_str().to_string()
                    } else {
                        format!("{}: {}", code.as_str(), detail.join("; "))
                    });
                    continue;
                }
                if let Ok(points) = slot {
                    for (t, v) in r.timestamps().iter().zip(r.values()) {
                        if let Some(t) = DateTime::from_timestamp(t.secs(), t.subsec_nanos())
                            && t >= self.window.0
                            && t < self.window.1
                        {
                            points.push((t, *v));
                        }
                    }
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => break,
            }
        }
        Ok(out)
    }
}
