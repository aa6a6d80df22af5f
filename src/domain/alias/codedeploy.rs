//! Which aliases CodeDeploy manages: the deployments that target them (read from each deployment's
//! AppSpec) and what that means before lambdash changes one. Pure: the SDK calls are in
//! `aws::codedeploy`.
//!
//! An alias is **deploying** when a deployment that is not finished (Created, Queued, InProgress,
//! Baking, Ready) targets it: CodeDeploy is shifting its traffic and will keep doing so. It is
//! **managed** when the latest deployment of a deployment group targets it: the group's next
//! deployment, or an automatic rollback, sets its routing again.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// The function, alias and versions an AppSpec's `Resources[].<name>.Properties` names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppSpecTarget {
    /// The function name (an ARN in the AppSpec is reduced to the name).
    pub function: String,
    pub alias: String,
    pub current_version: Option<String>,
    pub target_version: Option<String>,
}

/// One Lambda deployment, reduced to what it does to aliases.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Deployment {
    pub id: String,
    pub application: String,
    pub group: String,
    /// `Created`, `Queued`, `InProgress`, `Baking`, `Ready`, `Succeeded`, `Failed`, `Stopped`.
    pub status: String,
    /// e.g. `CodeDeployDefault.LambdaCanary10Percent5Minutes`.
    pub config: String,
    pub created: Option<DateTime<Utc>>,
    /// The aliases its AppSpec targets (empty when the AppSpec could not be read: see
    /// [`CodeDeployScan::unreadable`]).
    pub targets: Vec<AppSpecTarget>,
}

impl Deployment {
    /// True while CodeDeploy may still shift the alias's traffic.
    pub fn is_active(&self) -> bool {
        is_active_status(&self.status)
    }
}

/// The statuses of a deployment that is not finished.
pub const ACTIVE_STATUSES: [&str; 5] = ["Created", "Queued", "InProgress", "Baking", "Ready"];

pub fn is_active_status(status: &str) -> bool {
    ACTIVE_STATUSES.contains(&status)
}

/// What an account-wide look at CodeDeploy found: the Lambda deployments that matter (every active
/// one, and the latest of each deployment group) and those whose target could not be read.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct CodeDeployScan {
    pub deployments: Vec<Deployment>,
    /// `(deployment id, why)`: an AppSpec in S3 or GitHub, or one lambdash could not parse.
    pub unreadable: Vec<(String, String)>,
    /// Lambda applications and deployment groups looked at.
    pub applications: usize,
    pub groups: usize,
}

/// What CodeDeploy does to one alias.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum AliasManagement {
    /// A deployment that is not finished targets the alias: it is shifting its traffic.
    Deploying(ManagedBy),
    /// The latest deployment of a group targeted the alias: the next one sets its routing again.
    Managed(ManagedBy),
}

/// The deployment behind an [`AliasManagement`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ManagedBy {
    pub deployment_id: String,
    pub application: String,
    pub deployment_group: String,
    pub status: String,
    pub config: String,
    pub current_version: Option<String>,
    pub target_version: Option<String>,
}

impl AliasManagement {
    pub fn by(&self) -> &ManagedBy {
        match self {
            Self::Deploying(m) | Self::Managed(m) => m,
        }
    }

    /// A short flag for a CODEDEPLOY column.
    pub fn flag(&self) -> &'static str {
        match self {
            Self::Deploying(_) => "deploying",
            Self::Managed(_) => "managed",
        }
    }

    /// The confirm dialog's warning before lambdash changes the alias.
    pub fn warning(&self, alias: &str) -> String {
        let m = self.by();
        let versions = match (&m.current_version, &m.target_version) {
            (Some(c), Some(t)) => format!(" ({c} → {t})"),
            (None, Some(t)) => format!(" (→ {t})"),
            _ => String::new(),
        };
        match self {
            Self::Deploying(_) => format!(
                "CodeDeploy deployment {} ({}/{}, {}, {}){versions} is shifting {alias}'s traffic right now: \
                 it will keep shifting on its own schedule and overwrite this change, or shift traffic \
                 back if it rolls back. Stop it first: aws deploy stop-deployment --deployment-id {}",
                m.deployment_id,
                m.application,
                m.deployment_group,
                m.status,
                m.config,
                m.deployment_id
            ),
            Self::Managed(_) => format!(
                "{alias} is managed by CodeDeploy ({}/{}, last deployment {} {}{versions}): the group's next \
                 deployment, or an automatic rollback, will overwrite this change and shift traffic to \
                 the versions in its AppSpec.",
                m.application, m.deployment_group, m.deployment_id, m.status
            ),
        }
    }
}

impl fmt::Display for AliasManagement {
    /// One line for the pane: `deploying d-123 (app/group, InProgress, 3 → 4)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let m = self.by();
        let word = match self {
            Self::Deploying(_) => "deploying",
            Self::Managed(_) => "managed by",
        };
        write!(
            f,
            "{word} {} ({}/{}, {}",
            m.deployment_id, m.application, m.deployment_group, m.status
        )?;
        if let (Some(c), Some(t)) = (&m.current_version, &m.target_version) {
            write!(f, ", {c} → {t}")?;
        }
        write!(f, ")")
    }
}

/// What is known about one function's aliases.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct FunctionCodeDeploy {
    pub aliases: BTreeMap<String, AliasManagement>,
    /// Deployments whose target could not be read: an alias not flagged may still be managed.
    pub unreadable: Vec<(String, String)>,
}

impl CodeDeployScan {
    /// The aliases of `function` that CodeDeploy deploys to or manages. An active deployment wins
    /// over a finished one; among equals, the newest.
    pub fn for_function(&self, function: &str) -> FunctionCodeDeploy {
        let mut out = FunctionCodeDeploy {
            aliases: BTreeMap::new(),
            unreadable: self.unreadable.clone(),
        };
        let mut order: Vec<&Deployment> = self.deployments.iter().collect();
        // Active first, then newest first: the first deployment seen for an alias is the one that counts.
        order.sort_by(|a, b| {
            b.is_active()
                .cmp(&a.is_active())
                .then_with(|| b.created.cmp(&a.created))
        });
        for d in order {
            for t in d.targets.iter().filter(|t| t.function == function) {
                let by = ManagedBy {
                    deployment_id: d.id.clone(),
                    application: d.application.clone(),
                    deployment_group: d.group.clone(),
                    status: d.status.clone(),
                    config: d.config.clone(),
                    current_version: t.current_version.clone(),
                    target_version: t.target_version.clone(),
                };
                out.aliases
                    .entry(t.alias.clone())
                    .or_insert(if d.is_active() {
                        AliasManagement::Deploying(by)
                    } else {
                        AliasManagement::Managed(by)
                    });
            }
        }
        out
    }
}

/// Of many deployments, those that decide who routes an alias: every active one, and the newest of
/// each deployment group (an older one may target an alias the group no longer deploys to).
pub fn relevant(deployments: Vec<Deployment>) -> Vec<Deployment> {
    let mut newest: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, d) in deployments.iter().enumerate() {
        let slot = newest
            .entry((d.application.clone(), d.group.clone()))
            .or_insert(i);
        if d.created > deployments[*slot].created {
            *slot = i;
        }
    }
    let keep: std::collections::BTreeSet<usize> = newest.into_values().collect();
    deployments
        .into_iter()
        .enumerate()
        .filter(|(i, d)| d.is_active() || keep.contains(i))
        .map(|(_, d)| d)
        .collect()
}

/// Why an AppSpec could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AppSpecError {
    #[error("the AppSpec names no Lambda function with an alias")]
    NoTarget,
    #[error("the AppSpec is neither JSON nor YAML lambdash can read: {0}")]
    Unparsable(String),
}

/// Reads the Lambda targets of an AppSpec (JSON or YAML): `Resources[].<name>.Properties.{Name,
/// Alias, CurrentVersion, TargetVersion}`.
pub fn parse_appspec(content: &str) -> Result<Vec<AppSpecTarget>, AppSpecError> {
    let targets = match serde_json::from_str::<serde_json::Value>(content) {
        Ok(v) => targets_from_json(&v),
        Err(json_err) => {
            if content.trim_start().starts_with('{') {
                return Err(AppSpecError::Unparsable(json_err.to_string()));
            }
            targets_from_yaml(content)
        }
    };
    if targets.is_empty() {
        Err(AppSpecError::NoTarget)
    } else {
        Ok(targets)
    }
}

/// `my-fn`, `arn:aws:lambda:REGION:ACCOUNT:function:my-fn[:QUALIFIER]` → `my-fn`.
pub fn function_name(name_or_arn: &str) -> String {
    match name_or_arn.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest).to_string(),
        None => name_or_arn.to_string(),
    }
}

fn scalar(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn target_from_props(props: &BTreeMap<String, String>) -> Option<AppSpecTarget> {
    Some(AppSpecTarget {
        function: function_name(props.get("Name")?),
        alias: props.get("Alias")?.clone(),
        current_version: props.get("CurrentVersion").cloned(),
        target_version: props.get("TargetVersion").cloned(),
    })
}

fn targets_from_json(v: &serde_json::Value) -> Vec<AppSpecTarget> {
    let resources = v
        .get("Resources")
        .or_else(|| v.get("resources"))
        .and_then(serde_json::Value::as_array);
    let mut out = Vec::new();
    for item in resources.into_iter().flatten() {
        let Some(obj) = item.as_object() else {
            continue;
        };
        for resource in obj.values() {
            let Some(props) = resource
                .get("Properties")
                .and_then(serde_json::Value::as_object)
            else {
                continue;
            };
            let props: BTreeMap<String, String> = props
                .iter()
                .filter_map(|(k, v)| scalar(v).map(|s| (k.clone(), s)))
                .collect();
            out.extend(target_from_props(&props));
        }
    }
    out
}

/// The block-style YAML subset AppSpecs are written in: a top-level `Resources:` list whose items
/// hold `Properties:` maps of scalars. Comments and quotes are handled; anchors and flow style
/// inside `Resources` are not (such an AppSpec is reported as unreadable, never guessed).
fn targets_from_yaml(content: &str) -> Vec<AppSpecTarget> {
    let mut out = Vec::new();
    let mut in_resources = false;
    let mut current: Option<BTreeMap<String, String>> = None;
    let mut item_indent = 0usize;
    for raw in content.lines() {
        let line = strip_comment(raw);
        if line.trim().is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let text = line.trim();
        if indent == 0 && !text.starts_with('-') {
            if let Some(props) = current.take() {
                out.extend(target_from_props(&props));
            }
            in_resources = text.trim_end_matches(':').trim() == "Resources";
            continue;
        }
        if !in_resources {
            continue;
        }
        // `- myFunction:` starts a resource (its name is not needed).
        if text.starts_with('-') && (current.is_none() || indent <= item_indent) {
            if let Some(props) = current.take() {
                out.extend(target_from_props(&props));
            }
            item_indent = indent;
            current = Some(BTreeMap::new());
            continue;
        }
        if let (Some(props), Some((key, value))) = (current.as_mut(), text.split_once(':')) {
            let key = key.trim().trim_start_matches("- ");
            if matches!(key, "Name" | "Alias" | "CurrentVersion" | "TargetVersion") {
                let value = unquote(value.trim());
                if !value.is_empty() {
                    props.insert(key.to_string(), value);
                }
            }
        }
    }
    if let Some(props) = current.take() {
        out.extend(target_from_props(&props));
    }
    out
}

/// The line without a `# comment` (a `#` inside quotes is kept).
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '#') if prev_space => return &line[..i],
            _ => {}
        }
        prev_space = c.is_whitespace();
    }
    line
}

fn unquote(s: &str) -> String {
    let s = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    s.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = r#"
version: 0.0
# deployed by the pipeline
Resources:
  - myLambdaFunction:
      Type: AWS::Lambda::Function
      Properties:
        Name: "orders-api"   # the function
        Alias: "live"
        CurrentVersion: "3"
        TargetVersion: '4'
Hooks:
  - BeforeAllowTraffic: "arn:aws:lambda:eu-west-1:123456789012:function:hook"
"#;

    #[test]
    fn appspec_yaml_names_the_function_alias_and_versions() {
        assert_eq!(
            parse_appspec(YAML).unwrap(),
            vec![AppSpecTarget {
                function: "orders-api".into(),
                alias: "live".into(),
                current_version: Some("3".into()),
                target_version: Some("4".into()),
            }]
        );
    }

    #[test]
    fn appspec_json_with_an_arn_and_numbers_is_read_too() {
        let json = r#"{"version":0.0,"Resources":[
            {"a":{"Type":"AWS::Lambda::Function","Properties":{
                "Name":"arn:aws:lambda:eu-west-1:123456789012:function:orders-api","Alias":"live",
                "CurrentVersion":1,"TargetVersion":2}}},
            {"b":{"Type":"AWS::Lambda::Function","Properties":{"Name":"billing","Alias":"prod"}}}]}"#;
        let t = parse_appspec(json).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[0].function, "orders-api");
        assert_eq!(t[0].current_version.as_deref(), Some("1"));
        assert_eq!(t[0].target_version.as_deref(), Some("2"));
        assert_eq!(
            (t[1].function.as_str(), t[1].alias.as_str()),
            ("billing", "prod")
        );
        assert_eq!(t[1].target_version, None);
    }

    #[test]
    fn yaml_with_several_resources_keeps_each_apart() {
        let yaml = "Resources:\n- a:\n    Properties:\n      Name: f1\n      Alias: live\n- b:\n    Properties:\n      Name: f2\n      Alias: beta\n";
        let t = parse_appspec(yaml).unwrap();
        assert_eq!(
            t.iter()
                .map(|t| (t.function.as_str(), t.alias.as_str()))
                .collect::<Vec<_>>(),
            [("f1", "live"), ("f2", "beta")]
        );
    }

    #[test]
    fn an_appspec_without_a_target_or_broken_json_is_an_error_not_a_guess() {
        assert_eq!(
            parse_appspec("version: 0.0\nResources: []\n"),
            Err(AppSpecError::NoTarget)
        );
        assert!(matches!(
            parse_appspec("{\"Resources\": ["),
            Err(AppSpecError::Unparsable(_))
        ));
        // Name without Alias is no alias target.
        assert_eq!(
            parse_appspec("Resources:\n  - f:\n      Properties:\n        Name: f\n"),
            Err(AppSpecError::NoTarget)
        );
    }

    fn deployment(id: &str, status: &str, created_s: i64, alias: &str) -> Deployment {
        Deployment {
            id: id.into(),
            application: "app".into(),
            group: "dg".into(),
            status: status.into(),
            config: "CodeDeployDefault.LambdaCanary10Percent5Minutes".into(),
            created: DateTime::from_timestamp(created_s, 0),
            targets: vec![AppSpecTarget {
                function: "orders-api".into(),
                alias: alias.into(),
                current_version: Some("3".into()),
                target_version: Some("4".into()),
            }],
        }
    }

    #[test]
    fn an_active_deployment_wins_over_a_newer_finished_one() {
        let scan = CodeDeployScan {
            deployments: vec![
                deployment("d-old", "Succeeded", 100, "live"),
                deployment("d-run", "InProgress", 50, "live"),
                deployment("d-new", "Succeeded", 200, "beta"),
                deployment("d-older", "Failed", 10, "beta"),
            ],
            ..CodeDeployScan::default()
        };
        let f = scan.for_function("orders-api");
        assert!(
            matches!(&f.aliases["live"], AliasManagement::Deploying(m) if m.deployment_id == "d-run")
        );
        assert!(
            matches!(&f.aliases["beta"], AliasManagement::Managed(m) if m.deployment_id == "d-new")
        );
        assert!(scan.for_function("other").aliases.is_empty());
    }

    #[test]
    fn only_active_and_the_newest_deployment_of_each_group_count() {
        let mut other_group = deployment("d-g2", "Succeeded", 5, "beta");
        other_group.group = "dg2".into();
        let kept: Vec<String> = relevant(vec![
            deployment("d-1", "Succeeded", 100, "old-alias"),
            deployment("d-2", "Succeeded", 300, "live"),
            deployment("d-3", "InProgress", 200, "live"),
            other_group,
        ])
        .into_iter()
        .map(|d| d.id)
        .collect();
        assert_eq!(kept, ["d-2", "d-3", "d-g2"]);
    }

    #[test]
    fn warnings_say_what_codedeploy_will_do() {
        let scan = CodeDeployScan {
            deployments: vec![deployment("d-1", "InProgress", 1, "live")],
            ..CodeDeployScan::default()
        };
        let m = &scan.for_function("orders-api").aliases["live"];
        let w = m.warning("live");
        assert!(w.contains("d-1") && w.contains("3 → 4"), "{w}");
        assert!(w.contains("overwrite this change"), "{w}");
        assert!(w.contains("stop-deployment"), "{w}");
        assert_eq!(m.to_string(), "deploying d-1 (app/dg, InProgress, 3 → 4)");
        let managed = AliasManagement::Managed(m.by().clone());
        assert!(managed.warning("live").contains("next deployment"));
    }
}
