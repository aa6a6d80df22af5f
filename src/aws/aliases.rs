//! Lambda aliases and versions: list, update (with the revision id as a guard), publish.

use std::collections::BTreeMap;

use aws_sdk_lambda::types::{AliasConfiguration, AliasRoutingConfiguration};

use super::lambda::parse_last_modified;
use super::{AwsError, Clients, classify};
use crate::domain::alias::{Alias, AliasChange, AliasState, Version};

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
