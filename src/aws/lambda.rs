//! Lambda: list functions page by page, and everything the detail view needs about one function.

use std::collections::BTreeMap;

use aws_sdk_lambda::types::FunctionConfiguration;
use chrono::{DateTime, Utc};

use super::{AwsError, Clients, classify};
use crate::domain::{AsyncConfig, EnvVar, EventSource, Function, FunctionDetail};

/// Lambda's `LastModified` is `2024-01-31T12:34:56.789+0000`, which is not quite RFC 3339.
pub fn parse_last_modified(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z")
        .or_else(|_| DateTime::parse_from_rfc3339(s))
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

pub fn function_from(cfg: &FunctionConfiguration) -> Function {
    Function {
        name: cfg.function_name().unwrap_or_default().to_string(),
        arn: cfg.function_arn().unwrap_or_default().to_string(),
        runtime: cfg.runtime().map(|r| r.as_str().to_string()),
        architecture: cfg
            .architectures()
            .first()
            .map_or_else(|| "x86_64".to_string(), |a| a.as_str().to_string()),
        memory_mb: cfg.memory_size().unwrap_or(128),
        timeout_s: cfg.timeout().unwrap_or(3),
        last_modified: cfg.last_modified().and_then(parse_last_modified),
        state: cfg.state().map(|s| s.as_str().to_string()),
        code_size_bytes: cfg.code_size(),
        package_type: cfg
            .package_type()
            .map_or_else(|| "Zip".to_string(), |p| p.as_str().to_string()),
        log_group: cfg
            .logging_config()
            .and_then(|l| l.log_group())
            .filter(|g| !g.is_empty())
            .map(ToString::to_string),
        dead_letter_target: cfg
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .filter(|a| !a.is_empty())
            .map(ToString::to_string),
    }
}

impl Clients {
    /// Lists every function, calling `on_page` with each page as it arrives, so the first rows are on
    /// screen before the last page is fetched. Returns the number of functions seen.
    pub async fn list_functions_paged(
        &self,
        mut on_page: impl FnMut(Vec<Function>),
    ) -> Result<usize, AwsError> {
        let mut pages = self
            .lambda
            .list_functions()
            .max_items(50)
            .into_paginator()
            .send();
        let mut seen = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify(&e, "ListFunctions", &self.profile))?;
            let functions: Vec<Function> = page.functions().iter().map(function_from).collect();
            seen += functions.len();
            on_page(functions);
        }
        Ok(seen)
    }

    /// The functions consuming a queue (event source mappings on `queue_arn`), by name.
    pub async fn consumers_of(&self, queue_arn: &str) -> Result<Vec<String>, AwsError> {
        let mut names: Vec<String> = Vec::new();
        let mut marker = None;
        loop {
            let page = self
                .lambda
                .list_event_source_mappings()
                .event_source_arn(queue_arn)
                .set_marker(marker)
                .send()
                .await
                .map_err(|e| classify(&e, "ListEventSourceMappings", &self.profile))?;
            for m in page.event_source_mappings() {
                let name = m
                    .function_arn()
                    .and_then(|arn| arn.split(':').nth(6))
                    .unwrap_or_default();
                if !name.is_empty() && !names.iter().any(|n| n == name) {
                    names.push(name.to_string());
                }
            }
            marker = page.next_marker().map(ToString::to_string);
            if marker.is_none() {
                break;
            }
        }
        Ok(names)
    }

    /// All functions, collected (for the headless subcommand).
    pub async fn list_functions(&self) -> Result<Vec<Function>, AwsError> {
        let mut all = Vec::new();
        self.list_functions_paged(|page| all.extend(page)).await?;
        Ok(all)
    }

    /// Configuration, tags, concurrency, event sources and async config of one function. Sub-requests
    /// other than `GetFunction` may fail on their own (permissions); those failures are kept in
    /// `partial_errors` rather than failing the whole view.
    pub async fn function_detail(&self, name: &str) -> Result<FunctionDetail, AwsError> {
        let (got, mappings, invoke) = tokio::join!(
            self.lambda.get_function().function_name(name).send(),
            self.lambda
                .list_event_source_mappings()
                .function_name(name)
                .send(),
            self.lambda
                .get_function_event_invoke_config()
                .function_name(name)
                .send(),
        );
        let got = got.map_err(|e| classify(&e, "GetFunction", &self.profile))?;
        let mut partial_errors = Vec::new();
        let cfg = got
            .configuration()
            .cloned()
            .unwrap_or_else(|| FunctionConfiguration::builder().function_name(name).build());
        let event_sources = match mappings {
            Ok(out) => out
                .event_source_mappings()
                .iter()
                .map(event_source_from)
                .collect(),
            Err(e) => {
                partial_errors
                    .push(classify(&e, "ListEventSourceMappings", &self.profile).to_string());
                Vec::new()
            }
        };
        let async_config = match invoke {
            Ok(out) => Some(async_config_from(&out)),
            Err(e) => {
                let err = classify(&e, "GetFunctionEventInvokeConfig", &self.profile);
                if !err.is_not_found() {
                    partial_errors.push(err.to_string());
                }
                None
            }
        };
        let env = env_from(&cfg);
        let tags: BTreeMap<String, String> = got
            .tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        Ok(FunctionDetail {
            function: function_from(&cfg),
            handler: cfg.handler().map(ToString::to_string),
            role: cfg.role().unwrap_or_default().to_string(),
            description: cfg.description().unwrap_or_default().to_string(),
            env,
            layers: cfg
                .layers()
                .iter()
                .filter_map(|l| l.arn().map(ToString::to_string))
                .collect(),
            vpc_subnets: cfg
                .vpc_config()
                .map(|v| v.subnet_ids().to_vec())
                .unwrap_or_default(),
            vpc_security_groups: cfg
                .vpc_config()
                .map(|v| v.security_group_ids().to_vec())
                .unwrap_or_default(),
            reserved_concurrency: got
                .concurrency()
                .and_then(aws_sdk_lambda::types::Concurrency::reserved_concurrent_executions),
            dead_letter_target: cfg
                .dead_letter_config()
                .and_then(|d| d.target_arn())
                .map(ToString::to_string),
            async_config,
            event_sources,
            tags,
            log_format: cfg
                .logging_config()
                .and_then(|l| l.log_format())
                .map(|f| f.as_str().to_string()),
            ephemeral_storage_mb: cfg
                .ephemeral_storage()
                .map(aws_sdk_lambda::types::EphemeralStorage::size),
            version: cfg.version().unwrap_or("$LATEST").to_string(),
            partial_errors,
        })
    }
}

fn event_source_from(m: &aws_sdk_lambda::types::EventSourceMappingConfiguration) -> EventSource {
    EventSource {
        uuid: m.uuid().unwrap_or_default().to_string(),
        source_arn: m.event_source_arn().unwrap_or_default().to_string(),
        state: m.state().unwrap_or("unknown").to_string(),
        batch_size: m.batch_size(),
        on_failure: m
            .destination_config()
            .and_then(|d| d.on_failure())
            .and_then(|f| f.destination())
            .map(ToString::to_string),
    }
}

fn async_config_from(
    out: &aws_sdk_lambda::operation::get_function_event_invoke_config::GetFunctionEventInvokeConfigOutput,
) -> AsyncConfig {
    AsyncConfig {
        on_failure: out
            .destination_config()
            .and_then(|d| d.on_failure())
            .and_then(|f| f.destination())
            .map(ToString::to_string),
        on_success: out
            .destination_config()
            .and_then(|d| d.on_success())
            .and_then(|f| f.destination())
            .map(ToString::to_string),
        max_retry_attempts: out.maximum_retry_attempts(),
        max_event_age_s: out.maximum_event_age_in_seconds(),
    }
}

/// The environment variables, by name.
fn env_from(cfg: &FunctionConfiguration) -> Vec<EnvVar> {
    let mut env: Vec<EnvVar> = cfg
        .environment()
        .and_then(|e| e.variables())
        .map(|vars| {
            vars.iter()
                .map(|(k, v)| EnvVar {
                    name: k.clone(),
                    value: v.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    env.sort_by(|a, b| a.name.cmp(&b.name));
    env
}

/// The AWS console page of a function.
pub fn console_url(region: &str, function: &str) -> String {
    format!(
        "https://{region}.console.aws.amazon.com/lambda/home?region={region}#/functions/{function}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_modified_in_lambda_format_parses() {
        let d = parse_last_modified("2024-01-31T12:34:56.789+0000").unwrap();
        assert_eq!(d.to_rfc3339(), "2024-01-31T12:34:56.789+00:00");
        assert!(parse_last_modified("2024-01-31T12:34:56Z").is_some());
        assert!(parse_last_modified("yesterday").is_none());
    }

    #[test]
    fn console_url_names_region_and_function() {
        assert_eq!(
            console_url("eu-west-1", "orders-api"),
            "https://eu-west-1.console.aws.amazon.com/lambda/home?region=eu-west-1#/functions/orders-api"
        );
    }
}
