//! Aliases, versions and traffic shifting: the types and the pure planning of every alias change.
//! [`compare`] puts the versions behind an alias side by side; [`codedeploy`] says which aliases
//! CodeDeploy manages.

pub mod codedeploy;
pub mod compare;

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where an alias sends traffic: its primary version, plus at most one additional version with a
/// weight in (0, 1) — the rest goes to the primary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AliasState {
    pub version: String,
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
}

impl AliasState {
    pub fn plain(version: impl Into<String>) -> Self {
        Self {
            version: version.into(),
            weights: BTreeMap::new(),
        }
    }

    /// The weighted (canary) version and its share, if any.
    pub fn canary(&self) -> Option<(&str, f64)> {
        self.weights.iter().next().map(|(v, w)| (v.as_str(), *w))
    }

    /// Same routing, comparing weights to 1e-9 (AWS echoes floats).
    pub fn same_as(&self, other: &AliasState) -> bool {
        self.version == other.version
            && self.weights.len() == other.weights.len()
            && self
                .weights
                .iter()
                .all(|(v, w)| other.weights.get(v).is_some_and(|o| (o - w).abs() < 1e-9))
    }
}

impl fmt::Display for AliasState {
    /// `4` or `3 (90 %) + 4 (10 %)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.canary() {
            None => write!(f, "{}", self.version),
            Some((v, w)) => write!(
                f,
                "{} ({}) + {v} ({})",
                self.version,
                percent(1.0 - w),
                percent(w)
            ),
        }
    }
}

fn percent(w: f64) -> String {
    let p = w * 100.0;
    if (p - p.round()).abs() < 1e-6 {
        format!("{p:.0} %")
    } else {
        format!("{p:.2} %")
    }
}

/// One alias of a function.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Alias {
    pub name: String,
    pub description: String,
    pub state: AliasState,
    pub revision_id: Option<String>,
    pub arn: String,
}

/// One published version of a function.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Version {
    pub version: String,
    pub description: String,
    pub code_sha256: String,
    pub runtime: Option<String>,
    pub memory_mb: i32,
    pub last_modified: Option<DateTime<Utc>>,
}

/// A change to one alias, as confirmed by the user, executed, audited and remembered for rollback.
#[derive(Clone, Debug, PartialEq)]
pub struct AliasChange {
    pub function: String,
    pub alias: String,
    pub from: AliasState,
    pub to: AliasState,
    /// The alias revision the change was planned against: the update fails if someone changed it since.
    pub revision_id: Option<String>,
}

impl fmt::Display for AliasChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}  {}  →  {}",
            self.function, self.alias, self.from, self.to
        )
    }
}

/// Why a planned change is refused before anything is sent.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("version {0:?} does not exist (published versions: {1})")]
    UnknownVersion(String, String),
    #[error("weight {0} is not between 0 and 1 (exclusive): use e.g. 4=0.1 for 10 %")]
    BadWeight(String),
    #[error("an alias can route to at most one additional version")]
    TooManyWeights,
    #[error("the additional version must differ from the primary version {0}")]
    WeightOnPrimary(String),
    #[error("{0}")]
    Nothing(String),
    #[error("cannot parse {0:?}: expected VERSION=FRACTION, e.g. 4=0.1")]
    BadWeightSyntax(String),
}

/// Parses `VERSION=FRACTION` (`4=0.1`).
pub fn parse_weight(s: &str) -> Result<(String, f64), PlanError> {
    let (v, w) = s
        .split_once('=')
        .ok_or_else(|| PlanError::BadWeightSyntax(s.to_string()))?;
    let w: f64 = w
        .trim()
        .parse()
        .map_err(|_| PlanError::BadWeightSyntax(s.to_string()))?;
    Ok((v.trim().to_string(), w))
}

/// Checks a target state against the published versions.
pub fn validate(to: &AliasState, versions: &[Version]) -> Result<(), PlanError> {
    let known = |v: &str| v == "$LATEST" || versions.iter().any(|x| x.version == v);
    let list = || {
        versions
            .iter()
            .map(|v| v.version.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !known(&to.version) {
        return Err(PlanError::UnknownVersion(to.version.clone(), list()));
    }
    if to.weights.len() > 1 {
        return Err(PlanError::TooManyWeights);
    }
    for (v, w) in &to.weights {
        if !known(v) {
            return Err(PlanError::UnknownVersion(v.clone(), list()));
        }
        if v == &to.version {
            return Err(PlanError::WeightOnPrimary(to.version.clone()));
        }
        if !(*w > 0.0 && *w < 1.0) {
            return Err(PlanError::BadWeight(w.to_string()));
        }
    }
    Ok(())
}

/// Plans `alias → version`, optionally with one weighted version.
pub fn plan_set(
    function: &str,
    alias: &Alias,
    to: AliasState,
    versions: &[Version],
) -> Result<AliasChange, PlanError> {
    validate(&to, versions)?;
    if alias.state.same_as(&to) {
        return Err(PlanError::Nothing(format!(
            "{}:{} already routes {to}",
            function, alias.name
        )));
    }
    Ok(AliasChange {
        function: function.to_string(),
        alias: alias.name.clone(),
        from: alias.state.clone(),
        to,
        revision_id: alias.revision_id.clone(),
    })
}

/// Plans a canary: keep the primary, send `percent` % to `new_version`.
pub fn plan_canary(
    function: &str,
    alias: &Alias,
    new_version: &str,
    percent: f64,
    versions: &[Version],
) -> Result<AliasChange, PlanError> {
    let mut to = AliasState::plain(alias.state.version.clone());
    to.weights.insert(new_version.to_string(), percent / 100.0);
    plan_set(function, alias, to, versions)
}

/// Plans a promotion: all traffic to the canary version, weights cleared.
pub fn plan_promote(
    function: &str,
    alias: &Alias,
    versions: &[Version],
) -> Result<AliasChange, PlanError> {
    let Some((canary, _)) = alias.state.canary() else {
        return Err(PlanError::Nothing(format!(
            "{}:{} has no canary to promote",
            function, alias.name
        )));
    };
    plan_set(function, alias, AliasState::plain(canary), versions)
}

/// The canary steps offered by the keys 1/2/3/4/5.
pub const CANARY_STEPS: [f64; 5] = [1.0, 5.0, 10.0, 25.0, 50.0];

#[cfg(test)]
mod tests {
    use super::*;

    fn versions(n: u32) -> Vec<Version> {
        (1..=n)
            .map(|i| Version {
                version: i.to_string(),
                description: String::new(),
                code_sha256: String::new(),
                runtime: None,
                memory_mb: 128,
                last_modified: None,
            })
            .collect()
    }

    fn alias(state: AliasState) -> Alias {
        Alias {
            name: "live".into(),
            description: String::new(),
            state,
            revision_id: Some("r1".into()),
            arn: String::new(),
        }
    }

    #[test]
    fn canary_keeps_primary_and_weights_new_version() {
        let a = alias(AliasState::plain("3"));
        let c = plan_canary("f", &a, "4", 10.0, &versions(4)).unwrap();
        assert_eq!(c.to.version, "3");
        assert_eq!(c.to.weights.get("4"), Some(&0.1));
        assert_eq!(c.to.to_string(), "3 (90 %) + 4 (10 %)");
        assert_eq!(c.to_string(), "f:live  3  →  3 (90 %) + 4 (10 %)");
        assert_eq!(c.revision_id.as_deref(), Some("r1"));
    }

    #[test]
    fn promote_moves_everything_to_the_canary_and_clears_weights() {
        let mut s = AliasState::plain("3");
        s.weights.insert("4".into(), 0.25);
        let c = plan_promote("f", &alias(s), &versions(4)).unwrap();
        assert!(c.to.same_as(&AliasState::plain("4")));
    }

    #[test]
    fn promote_without_canary_is_refused() {
        let err = plan_promote("f", &alias(AliasState::plain("3")), &versions(4)).unwrap_err();
        assert!(matches!(err, PlanError::Nothing(_)));
    }

    #[test]
    fn unknown_versions_and_bad_weights_are_refused_before_any_call() {
        let a = alias(AliasState::plain("1"));
        assert!(matches!(
            plan_set("f", &a, AliasState::plain("9"), &versions(3)),
            Err(PlanError::UnknownVersion(..))
        ));
        assert!(matches!(
            plan_canary("f", &a, "2", 100.0, &versions(3)),
            Err(PlanError::BadWeight(_))
        ));
        assert!(matches!(
            plan_canary("f", &a, "1", 10.0, &versions(3)),
            Err(PlanError::WeightOnPrimary(_))
        ));
        let mut two = AliasState::plain("1");
        two.weights.insert("2".into(), 0.1);
        two.weights.insert("3".into(), 0.1);
        assert_eq!(
            plan_set("f", &a, two, &versions(3)),
            Err(PlanError::TooManyWeights)
        );
    }

    #[test]
    fn setting_the_current_state_is_nothing_to_do() {
        let a = alias(AliasState::plain("2"));
        assert!(matches!(
            plan_set("f", &a, AliasState::plain("2"), &versions(2)),
            Err(PlanError::Nothing(_))
        ));
    }

    #[test]
    fn weights_parse_from_version_equals_fraction() {
        assert_eq!(parse_weight("4=0.1"), Ok(("4".into(), 0.1)));
        assert!(parse_weight("4:0.1").is_err());
        assert!(parse_weight("4=ten").is_err());
    }
}
