//! The aliases pane: a function's aliases and versions; switch, canary, promote, roll back, publish.
//! Every change is planned here (pure), confirmed by the user, then executed by the runtime.

#[cfg(test)]
mod tests;
mod update;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::domain::alias::codedeploy::{AliasManagement, CodeDeployScan};
use crate::domain::alias::compare::{COMPARE_EVERY_S, VersionComparison};
use crate::domain::alias::{self, Alias, AliasChange, AliasState, PlanError, Version};
use crate::domain::{Phase, Remote};

/// The CodeDeploy scan is reused for this long when the pane is opened again (`r` forces a new one).
pub const CODEDEPLOY_FRESH_S: i64 = 300;

/// Which list has the cursor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AliasFocus {
    Aliases,
    Versions,
}

/// A function's aliases and published versions.
#[derive(Clone, Debug, PartialEq)]
pub struct AliasData {
    pub aliases: Vec<Alias>,
    pub versions: Vec<Version>,
}

/// The side-by-side figures of one alias's versions.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    pub remote: Remote<VersionComparison>,
    /// The request whose answer is awaited (older answers are dropped).
    pub request: u64,
    /// The routing the last request was for.
    pub asked_for: Option<AliasState>,
}

/// The account's CodeDeploy deployments to Lambda aliases: one account-wide scan, kept across
/// openings of the pane (dropped on reconnect, with the pane).
#[derive(Clone, Debug, Default)]
pub struct CodeDeployCache {
    pub remote: Remote<CodeDeployScan>,
    pub request: u64,
}

/// What the pane knows about CodeDeploy and one alias.
#[derive(Clone, Debug, PartialEq)]
pub enum CodeDeployStatus {
    /// Not asked yet, or the first answer is on its way.
    Checking,
    /// CodeDeploy could not be asked (the endpoint refuses it, no permission…): never "not managed".
    Unknown(String),
    /// No deployment targets the alias; `uncertain` deployments had an AppSpec lambdash could not read.
    NotManaged {
        uncertain: usize,
    },
    Managed(AliasManagement),
}

impl CodeDeployStatus {
    /// The confirm dialog's one-line warning before changing `alias`, and the detail (what CodeDeploy
    /// will do, which deployment), if any.
    pub fn warning(&self, alias: &str) -> Option<(String, String)> {
        let risk = format!(
            "If CodeDeploy manages {alias}, its next deployment or a rollback may shift traffic back or overwrite this change."
        );
        match self {
            Self::Managed(m @ AliasManagement::Deploying(_)) => Some((
                format!(
                    "CodeDeploy is shifting {alias}'s traffic now: it will overwrite this change"
                ),
                m.warning(alias),
            )),
            Self::Managed(m @ AliasManagement::Managed(_)) => Some((
                format!(
                    "CodeDeploy manages {alias}: its next deployment will overwrite this change"
                ),
                m.warning(alias),
            )),
            Self::Unknown(why) => Some((
                "CodeDeploy status unknown: it may shift traffic back or overwrite this change"
                    .to_string(),
                format!("CodeDeploy could not be asked ({why}). {risk}"),
            )),
            Self::Checking => Some((
                "CodeDeploy not checked yet: it may shift traffic back or overwrite this change"
                    .to_string(),
                format!("lambdash is still asking CodeDeploy. {risk}"),
            )),
            Self::NotManaged { uncertain } if *uncertain > 0 => Some((
                "CodeDeploy may manage this alias: it may overwrite this change".to_string(),
                format!(
                    "{uncertain} CodeDeploy deployment(s) have an AppSpec lambdash could not read. {risk}"
                ),
            )),
            Self::NotManaged { .. } => None,
        }
    }
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer word stays whole).
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[derive(Clone, Debug)]
pub struct AliasesPane {
    pub function: String,
    pub remote: Remote<AliasData>,
    pub request: u64,
    pub focus: AliasFocus,
    pub alias_index: usize,
    pub version_index: usize,
    /// Side-by-side figures by alias name.
    pub comparisons: BTreeMap<String, Comparison>,
    pub codedeploy: CodeDeployCache,
}

impl AliasesPane {
    pub fn new(function: String, request: u64) -> Self {
        Self {
            function,
            remote: Remote::default(),
            request,
            focus: AliasFocus::Aliases,
            alias_index: 0,
            version_index: 0,
            comparisons: BTreeMap::new(),
            codedeploy: CodeDeployCache::default(),
        }
    }

    /// True while anything of the pane is loading (the spinner ticks).
    pub fn is_loading(&self) -> bool {
        self.remote.is_loading()
            || self.codedeploy.remote.is_loading()
            || self.comparisons.values().any(|c| c.remote.is_loading())
    }

    /// What CodeDeploy does to `alias` of this pane's function, as far as is known.
    pub fn codedeploy_status(&self, alias: &str) -> CodeDeployStatus {
        let cd = &self.codedeploy.remote;
        match (&cd.data, &cd.phase) {
            (Some(scan), _) => {
                let f = scan.for_function(&self.function);
                match f.aliases.get(alias) {
                    Some(m) => CodeDeployStatus::Managed(m.clone()),
                    None => CodeDeployStatus::NotManaged {
                        uncertain: f.unreadable.len(),
                    },
                }
            }
            (None, Phase::Failed { error, .. }) => CodeDeployStatus::Unknown(error.clone()),
            (None, _) => CodeDeployStatus::Checking,
        }
    }

    /// The selected alias's comparison, if any was asked.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.selected_alias()
            .and_then(|a| self.comparisons.get(&a.name))
    }

    /// Whether the CodeDeploy scan should be made again (none yet, failed, or older than
    /// [`CODEDEPLOY_FRESH_S`]).
    pub fn codedeploy_stale(&self, now: DateTime<Utc>) -> bool {
        let cd = &self.codedeploy.remote;
        !cd.is_loading()
            && (cd.error().is_some()
                || cd
                    .last_ok
                    .is_none_or(|at| (now - at).num_seconds() >= CODEDEPLOY_FRESH_S))
    }

    /// The selected alias when its comparison should be fetched: never asked, asked for another
    /// routing, or older than [`COMPARE_EVERY_S`] (a failure also waits that long).
    pub fn comparison_due(&self, now: DateTime<Utc>) -> Option<Alias> {
        let alias = self.selected_alias()?;
        let Some(c) = self.comparisons.get(&alias.name) else {
            return Some(alias.clone());
        };
        let same = c
            .asked_for
            .as_ref()
            .is_some_and(|s| s.same_as(&alias.state));
        if !same {
            return Some(alias.clone());
        }
        let recent = |at: DateTime<Utc>| (now - at).num_seconds() < COMPARE_EVERY_S;
        let wait = match &c.remote.phase {
            Phase::Loading { .. } => true,
            Phase::Failed { at, .. } => recent(*at),
            Phase::Ready { .. } | Phase::Idle => c.remote.last_ok.is_some_and(recent),
        };
        (!wait).then(|| alias.clone())
    }

    pub fn aliases(&self) -> &[Alias] {
        self.remote.data.as_ref().map_or(&[], |d| &d.aliases)
    }

    pub fn versions(&self) -> &[Version] {
        self.remote.data.as_ref().map_or(&[], |d| &d.versions)
    }

    pub fn selected_alias(&self) -> Option<&Alias> {
        self.aliases().get(self.alias_index)
    }

    pub fn selected_version(&self) -> Option<&Version> {
        self.versions().get(self.version_index)
    }

    /// Moves the cursor of the focused list.
    pub fn move_by(&mut self, delta: isize) {
        let (aliases, versions) = (self.aliases().len(), self.versions().len());
        let (index, len) = match self.focus {
            AliasFocus::Aliases => (&mut self.alias_index, aliases),
            AliasFocus::Versions => (&mut self.version_index, versions),
        };
        *index = index
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }

    pub fn clamp(&mut self) {
        self.alias_index = self.alias_index.min(self.aliases().len().saturating_sub(1));
        self.version_index = self
            .version_index
            .min(self.versions().len().saturating_sub(1));
    }

    fn need_alias(&self) -> Result<&Alias, PlanError> {
        self.selected_alias()
            .ok_or_else(|| PlanError::Nothing(format!("{} has no alias selected", self.function)))
    }

    fn need_version(&self) -> Result<&Version, PlanError> {
        self.selected_version().ok_or_else(|| {
            PlanError::Nothing(format!(
                "{} has no published version: P publishes $LATEST",
                self.function
            ))
        })
    }

    /// The selected alias → the selected version, weights cleared.
    pub fn plan_switch(&self) -> Result<AliasChange, PlanError> {
        let a = self.need_alias()?;
        let v = self.need_version()?;
        alias::plan_set(
            &self.function,
            a,
            alias::AliasState::plain(v.version.clone()),
            self.versions(),
        )
    }

    /// The selected alias keeps its primary and sends `percent` % to the selected version.
    pub fn plan_canary(&self, percent: f64) -> Result<AliasChange, PlanError> {
        let a = self.need_alias()?;
        let v = self.need_version()?;
        alias::plan_canary(&self.function, a, &v.version, percent, self.versions())
    }

    pub fn plan_promote(&self) -> Result<AliasChange, PlanError> {
        alias::plan_promote(&self.function, self.need_alias()?, self.versions())
    }
}

/// Answers for the pane's pending requests, for tests of `update` and snapshots of the pane.
#[cfg(test)]
pub(crate) mod fixtures {
    use chrono::{DateTime, Utc};

    use crate::app::{AliasesMsg, App, Msg};
    use crate::domain::alias::codedeploy::{AppSpecTarget, CodeDeployScan, Deployment};
    use crate::domain::alias::compare::{VersionComparison, VersionFigures, alias_versions};
    use crate::domain::metrics::{Reading, error_pct};

    /// Answers the pending comparison of `alias` with `(invocations, errors, duration ms)` per version
    /// (primary first).
    pub(crate) fn answer_comparison(
        app: &mut App,
        alias: &str,
        figures: &[(f64, f64, f64)],
        percentiles_unavailable: bool,
        now: DateTime<Utc>,
    ) {
        let pane = app.aliases.as_ref().unwrap();
        let c = &pane.comparisons[alias];
        let state = c.asked_for.clone().unwrap();
        let versions = alias_versions(&state)
            .into_iter()
            .zip(figures)
            .map(|((version, weight), (inv, err, ms))| {
                let (invocations, errors) = (Reading::Value(*inv), Reading::Value(*err));
                VersionFigures {
                    error_pct: error_pct(&invocations, &errors),
                    version,
                    weight,
                    invocations,
                    errors,
                    duration: Reading::Value(*ms),
                    duration_is_max: percentiles_unavailable,
                }
            })
            .collect();
        let msg = Msg::Aliases(AliasesMsg::Comparison {
            generation: 1,
            request: c.request,
            function: pane.function.clone(),
            alias: alias.to_string(),
            result: Ok(Box::new(VersionComparison {
                alias: alias.to_string(),
                state,
                start: now - chrono::Duration::hours(1),
                end: now,
                versions,
                percentiles_unavailable,
            })),
            now,
        });
        app.update(msg);
    }

    /// Fails the pending comparison of `alias`.
    pub(crate) fn fail_comparison(app: &mut App, alias: &str, error: &str, now: DateTime<Utc>) {
        let pane = app.aliases.as_ref().unwrap();
        let msg = Msg::Aliases(AliasesMsg::Comparison {
            generation: 1,
            request: pane.comparisons[alias].request,
            function: pane.function.clone(),
            alias: alias.to_string(),
            result: Err(error.to_string()),
            now,
        });
        app.update(msg);
    }

    /// Answers the pending CodeDeploy scan: a deployment in `status` targeting `alias` (3 → 4), or
    /// the error.
    pub(crate) fn answer_codedeploy(
        app: &mut App,
        result: Result<(&str, &str), &str>,
        now: DateTime<Utc>,
    ) {
        let pane = app.aliases.as_ref().unwrap();
        let result = result
            .map(|(status, alias)| {
                Box::new(CodeDeployScan {
                    deployments: vec![Deployment {
                        id: "d-7Q2XK4LMB".into(),
                        application: "signup".into(),
                        group: "signup-live".into(),
                        status: status.into(),
                        config: "CodeDeployDefault.LambdaCanary10Percent5Minutes".into(),
                        created: Some(now),
                        targets: vec![AppSpecTarget {
                            function: pane.function.clone(),
                            alias: alias.into(),
                            current_version: Some("3".into()),
                            target_version: Some("4".into()),
                        }],
                    }],
                    applications: 1,
                    groups: 1,
                    ..CodeDeployScan::default()
                })
            })
            .map_err(ToString::to_string);
        let msg = Msg::Aliases(AliasesMsg::CodeDeploy {
            generation: 1,
            request: pane.codedeploy.request,
            result,
            now,
        });
        app.update(msg);
    }
}
