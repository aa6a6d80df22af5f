//! Event source mappings: ListEventSourceMappings (account-wide or one function's, paginated),
//! GetEventSourceMapping, and UpdateEventSourceMapping's `Enabled` for the enable / disable lever.
//! All in the Lambda control plane (15/s).

use aws_sdk_lambda::types::EventSourceMappingConfiguration;

use super::{AwsError, Clients, classify};
use crate::domain::esm::{EventSourceMapping, SourceKind};

/// The domain mapping of one SDK mapping.
pub fn mapping_from(m: &EventSourceMappingConfiguration) -> EventSourceMapping {
    let source_arn = m
        .event_source_arn()
        .filter(|a| !a.is_empty())
        .map(ToString::to_string);
    EventSourceMapping {
        uuid: m.uuid().unwrap_or_default().to_string(),
        function_arn: m.function_arn().unwrap_or_default().to_string(),
        kind: SourceKind::of(
            source_arn.as_deref(),
            m.self_managed_event_source().is_some(),
        ),
        source_arn,
        state: m.state().unwrap_or("unknown").to_string(),
        state_reason: m.state_transition_reason().map(ToString::to_string),
        last_processing_result: m.last_processing_result().map(ToString::to_string),
        batch_size: m.batch_size(),
        batching_window_s: m.maximum_batching_window_in_seconds(),
        bisect_on_error: m.bisect_batch_on_function_error(),
        max_retry_attempts: m.maximum_retry_attempts(),
        max_record_age_s: m.maximum_record_age_in_seconds(),
        on_failure: m
            .destination_config()
            .and_then(|d| d.on_failure())
            .and_then(|f| f.destination())
            .filter(|d| !d.is_empty())
            .map(ToString::to_string),
        last_modified: m.last_modified().map(ToString::to_string),
    }
}

/// Every mapping of the account and region (`function: None`: P pages of 100), or of one function.
pub async fn list_mappings(
    lambda: &aws_sdk_lambda::Client,
    profile: &str,
    function: Option<&str>,
) -> Result<Vec<EventSourceMapping>, AwsError> {
    let mut pages = lambda
        .list_event_source_mappings()
        .set_function_name(function.map(ToString::to_string))
        .max_items(100)
        .into_paginator()
        .send();
    let mut all = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "ListEventSourceMappings", profile))?;
        all.extend(page.event_source_mappings().iter().map(mapping_from));
    }
    Ok(all)
}

impl Clients {
    /// [`list_mappings`] on this connection.
    pub async fn event_source_mappings(
        &self,
        function: Option<&str>,
    ) -> Result<Vec<EventSourceMapping>, AwsError> {
        list_mappings(&self.lambda, &self.profile, function).await
    }

    /// One mapping by UUID (GetEventSourceMapping).
    pub async fn event_source_mapping(&self, uuid: &str) -> Result<EventSourceMapping, AwsError> {
        let out = self
            .lambda
            .get_event_source_mapping()
            .uuid(uuid)
            .send()
            .await
            .map_err(|e| classify(&e, "GetEventSourceMapping", &self.profile))?;
        Ok(mapping_from(
            &EventSourceMappingConfiguration::builder()
                .set_uuid(out.uuid)
                .set_function_arn(out.function_arn)
                .set_event_source_arn(out.event_source_arn)
                .set_self_managed_event_source(out.self_managed_event_source)
                .set_state(out.state)
                .set_state_transition_reason(out.state_transition_reason)
                .set_last_processing_result(out.last_processing_result)
                .set_batch_size(out.batch_size)
                .set_maximum_batching_window_in_seconds(out.maximum_batching_window_in_seconds)
                .set_bisect_batch_on_function_error(out.bisect_batch_on_function_error)
                .set_maximum_retry_attempts(out.maximum_retry_attempts)
                .set_maximum_record_age_in_seconds(out.maximum_record_age_in_seconds)
                .set_destination_config(out.destination_config)
                .set_last_modified(out.last_modified)
                .build(),
        ))
    }

    /// Enables or disables a mapping (UpdateEventSourceMapping `Enabled`); returns the new state
    /// (`Enabling` / `Disabling` on AWS while it settles). Sent once, never retried.
    pub async fn set_mapping_enabled(&self, uuid: &str, enabled: bool) -> Result<String, AwsError> {
        let out = self
            .lambda
            .update_event_source_mapping()
            .uuid(uuid)
            .enabled(enabled)
            .customize()
            .config_override(super::concurrency::send_once())
            .send()
            .await
            .map_err(|e| classify(&e, "UpdateEventSourceMapping", &self.profile))?;
        Ok(out.state().unwrap_or("unknown").to_string())
    }
}
