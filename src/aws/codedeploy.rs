//! CodeDeploy: which Lambda aliases its deployments target (issue #7).
//!
//! CodeDeploy has no index by function, so this is an account-wide look, cached by the caller:
//! ListApplications → BatchGetApplications (Lambda ones) → ListDeploymentGroups → the latest deployment
//! of each group (BatchGetDeploymentGroups' last attempted / successful; one page of ListDeployments
//! when the endpoint does not say) plus every deployment not finished (ListDeployments by status) →
//! BatchGetDeployments → each revision's AppSpec → the function:alias it targets.

use std::collections::BTreeSet;

use aws_sdk_codedeploy::types::{
    ComputePlatform, DeploymentInfo, DeploymentStatus, RevisionLocation, RevisionLocationType,
};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use chrono::{DateTime, Utc};
use futures::StreamExt;

use super::{AwsError, Clients, classify};
use crate::domain::alias::codedeploy::{
    ACTIVE_STATUSES, CodeDeployScan, Deployment, FunctionCodeDeploy, parse_appspec, relevant,
};

/// Calls made at once (per application).
const CONCURRENT_CALLS: usize = 4;
/// CodeDeploy's batch limits.
const APPS_PER_BATCH: usize = 100;
const GROUPS_PER_BATCH: usize = 100;
const DEPLOYMENTS_PER_BATCH: usize = 25;

impl Clients {
    /// What CodeDeploy does to `function`'s aliases (an account-wide scan, filtered).
    pub async fn codedeploy_for(&self, function: &str) -> Result<FunctionCodeDeploy, AwsError> {
        Ok(self.codedeploy_scan().await?.for_function(function))
    }

    /// Every Lambda deployment that decides an alias's routing, account-wide.
    pub async fn codedeploy_scan(&self) -> Result<CodeDeployScan, AwsError> {
        scan(&self.codedeploy, &self.profile).await
    }
}

/// [`Clients::codedeploy_scan`] on a bare client (tests use a mocked one).
pub async fn scan(
    client: &aws_sdk_codedeploy::Client,
    profile: &str,
) -> Result<CodeDeployScan, AwsError> {
    let mut names = Vec::new();
    let mut pages = client.list_applications().into_paginator().send();
    while let Some(page) = pages.next().await {
        names.extend(
            page.map_err(|e| error(&e, "ListApplications", profile))?
                .applications()
                .iter()
                .cloned(),
        );
    }
    let mut apps = Vec::new();
    for chunk in names.chunks(APPS_PER_BATCH) {
        let out = client
            .batch_get_applications()
            .set_application_names(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| error(&e, "BatchGetApplications", profile))?;
        apps.extend(
            out.applications_info()
                .iter()
                .filter(|a| a.compute_platform() == Some(&ComputePlatform::Lambda))
                .filter_map(|a| a.application_name().map(ToString::to_string)),
        );
    }

    let per_app: Vec<Result<(usize, Vec<String>), AwsError>> = futures::stream::iter(apps.clone())
        .map(|app| async move { latest_of_groups(client, profile, &app).await })
        .buffer_unordered(CONCURRENT_CALLS)
        .collect()
        .await;
    let mut ids: BTreeSet<String> = BTreeSet::new();
    let mut groups = 0;
    for r in per_app {
        let (n, latest) = r?;
        groups += n;
        ids.extend(latest);
    }
    if !apps.is_empty() {
        let statuses: Vec<DeploymentStatus> = ACTIVE_STATUSES
            .iter()
            .map(|s| DeploymentStatus::from(*s))
            .collect();
        let mut pages = client
            .list_deployments()
            .set_include_only_statuses(Some(statuses))
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            ids.extend(
                page.map_err(|e| error(&e, "ListDeployments", profile))?
                    .deployments()
                    .iter()
                    .cloned(),
            );
        }
    }

    let ids: Vec<String> = ids.into_iter().collect();
    let mut deployments = Vec::new();
    let mut unreadable = Vec::new();
    for chunk in ids.chunks(DEPLOYMENTS_PER_BATCH) {
        let out = client
            .batch_get_deployments()
            .set_deployment_ids(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| error(&e, "BatchGetDeployments", profile))?;
        for info in out.deployments_info() {
            let lambda = info.compute_platform() == Some(&ComputePlatform::Lambda)
                || info
                    .application_name()
                    .is_some_and(|a| apps.iter().any(|x| x == a));
            if !lambda {
                continue;
            }
            let (d, problem) = deployment_from(info);
            if let Some(why) = problem {
                unreadable.push((d.id.clone(), why));
            }
            deployments.push(d);
        }
    }
    Ok(CodeDeployScan {
        deployments: relevant(deployments),
        unreadable,
        applications: apps.len(),
        groups,
    })
}

/// The deployment groups of `app` and the ids of their latest deployments.
async fn latest_of_groups(
    client: &aws_sdk_codedeploy::Client,
    profile: &str,
    app: &str,
) -> Result<(usize, Vec<String>), AwsError> {
    let mut names = Vec::new();
    let mut pages = client
        .list_deployment_groups()
        .application_name(app)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| error(&e, "ListDeploymentGroups", profile))?;
        names.extend(page.deployment_groups().iter().cloned());
    }
    let mut ids = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for chunk in names.chunks(GROUPS_PER_BATCH) {
        match client
            .batch_get_deployment_groups()
            .application_name(app)
            .set_deployment_group_names(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| error(&e, "BatchGetDeploymentGroups", profile))
        {
            Ok(out) => {
                let mut said: BTreeSet<&str> = BTreeSet::new();
                for g in out.deployment_groups_info() {
                    let last: Vec<&str> = [
                        g.last_attempted_deployment(),
                        g.last_successful_deployment(),
                    ]
                    .into_iter()
                    .flatten()
                    .filter_map(|l| l.deployment_id())
                    .collect();
                    if !last.is_empty()
                        && let Some(name) = g.deployment_group_name()
                    {
                        said.insert(name);
                        ids.extend(last.into_iter().map(ToString::to_string));
                    }
                }
                unknown.extend(chunk.iter().filter(|n| !said.contains(n.as_str())).cloned());
            }
            // An endpoint without the batch call (the emulator): list each group's deployments.
            Err(AwsError::Unsupported { .. }) => unknown.extend(chunk.iter().cloned()),
            Err(e) => return Err(e),
        }
    }
    for group in &unknown {
        // One page: a group that never deployed lists nothing, and a busy one its recent deployments.
        let out = client
            .list_deployments()
            .application_name(app)
            .deployment_group_name(group)
            .send()
            .await
            .map_err(|e| error(&e, "ListDeployments", profile))?;
        ids.extend(out.deployments().iter().cloned());
    }
    Ok((names.len(), ids))
}

/// [`classify`], except that a bare HTTP error whose body is not an AWS error (moto answers an HTML
/// 500 for the CodeDeploy calls it lacks; the JSON protocol then fails to parse it) is the endpoint
/// not implementing the call.
fn error<E>(e: &SdkError<E, HttpResponse>, operation: &str, profile: &str) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = e.raw_response().map(|r| r.status().as_u16());
    match status {
        Some(status @ (404 | 405 | 500 | 501)) if e.code().is_none() => AwsError::Unsupported {
            operation: operation.to_string(),
            status,
        },
        _ => classify(e, operation, profile),
    }
}

fn to_chrono(t: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// The deployment, and why its target could not be read (if so).
fn deployment_from(info: &DeploymentInfo) -> (Deployment, Option<String>) {
    let (targets, problem) = match info.revision().map(appspec_of) {
        Some(Ok(content)) => match parse_appspec(&content) {
            Ok(t) => (t, None),
            Err(e) => (Vec::new(), Some(e.to_string())),
        },
        Some(Err(why)) => (Vec::new(), Some(why)),
        None => (
            Vec::new(),
            Some("the deployment has no revision".to_string()),
        ),
    };
    (
        Deployment {
            id: info.deployment_id().unwrap_or_default().to_string(),
            application: info.application_name().unwrap_or_default().to_string(),
            group: info.deployment_group_name().unwrap_or_default().to_string(),
            status: info
                .status()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
            config: info
                .deployment_config_name()
                .unwrap_or_default()
                .to_string(),
            created: info.create_time().and_then(to_chrono),
            targets,
        },
        problem,
    )
}

/// The AppSpec text of a revision, or why it is not at hand.
fn appspec_of(rev: &RevisionLocation) -> Result<String, String> {
    if let Some(c) = rev.app_spec_content().and_then(|c| c.content()) {
        return Ok(c.to_string());
    }
    if let Some(c) = rev.string().and_then(|c| c.content()) {
        return Ok(c.to_string());
    }
    Err(match (rev.revision_type(), rev.s3_location()) {
        (Some(RevisionLocationType::S3), Some(s3)) => format!(
            "its AppSpec is in S3 (s3://{}/{}): lambdash does not read S3",
            s3.bucket().unwrap_or_default(),
            s3.key().unwrap_or_default()
        ),
        (Some(t), _) => format!(
            "its AppSpec is a {} revision lambdash cannot read",
            t.as_str()
        ),
        (None, _) => "its revision has no AppSpec content".to_string(),
    })
}
