//! `lambdash alias list|set|rollback`.

use super::output::errln;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::{EXIT_AWS, EXIT_USAGE, confirm, emit};
use crate::aws::Clients;
use crate::domain::alias::codedeploy::{AliasManagement, FunctionCodeDeploy};
use crate::domain::alias::{self, AliasChange, AliasState};
use crate::rollback::{self, Store};
use crate::writes::Write;

#[derive(Debug, Args)]
pub struct AliasArgs {
    #[command(subcommand)]
    pub command: AliasCommand,
}

#[derive(Debug, Subcommand)]
pub enum AliasCommand {
    /// List a function's aliases: target version and additional version weights.
    List {
        function: String,
        /// One JSON array of objects (`name`, `version`, `weights`, `description`, `codedeploy`).
        #[arg(long)]
        json: bool,
    },
    /// Point an alias at a version, optionally with one weighted (canary) version.
    Set {
        function: String,
        alias: String,
        /// The primary version.
        #[arg(long, value_name = "V")]
        version: String,
        /// Send FRACTION of the traffic to VERSION, e.g. `--weight 4=0.1` for 10 %.
        #[arg(long, value_name = "VERSION=FRACTION")]
        weight: Option<String>,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Restore the alias to its state before lambdash's last change to it (remembered across restarts).
    Rollback {
        function: String,
        alias: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
        /// Roll back even if someone else changed the alias after lambdash did.
        #[arg(long)]
        force: bool,
    },
}

impl AliasCommand {
    /// True for the subcommands that change something (refused under `--read-only`).
    pub fn is_write(&self) -> bool {
        !matches!(self, AliasCommand::List { .. })
    }
}

#[derive(Serialize)]
struct AliasJson<'a> {
    name: &'a str,
    version: &'a str,
    weights: &'a BTreeMap<String, f64>,
    description: &'a str,
    /// `{"state": "deploying" | "managed", "deployment_id", …}`, `{"state": "not_managed"}`, or
    /// `null` when unknown (CodeDeploy refused, or an AppSpec could not be read).
    codedeploy: serde_json::Value,
}

/// What CodeDeploy does to `alias`: `None` when unknown.
fn codedeploy_of(cd: Option<&FunctionCodeDeploy>, alias: &str) -> Option<CodeDeployOf> {
    let cd = cd?;
    match cd.aliases.get(alias) {
        Some(m) => Some(CodeDeployOf::Managed(m.clone())),
        None if cd.unreadable.is_empty() => Some(CodeDeployOf::NotManaged),
        None => None,
    }
}

enum CodeDeployOf {
    Managed(AliasManagement),
    NotManaged,
}

impl CodeDeployOf {
    fn json(this: Option<&Self>) -> serde_json::Value {
        match this {
            None => serde_json::Value::Null,
            Some(Self::NotManaged) => serde_json::json!({ "state": "not_managed" }),
            Some(Self::Managed(m)) => serde_json::to_value(m).unwrap_or(serde_json::Value::Null),
        }
    }

    fn text(this: Option<&Self>) -> String {
        match this {
            None => "unknown".to_string(),
            Some(Self::NotManaged) => "-".to_string(),
            Some(Self::Managed(m)) => format!("{} {}", m.flag(), m.by().deployment_id),
        }
    }
}

impl AliasCommand {
    /// What can be checked without AWS (the weight's syntax and range, a weight on the primary), so
    /// bad input exits 2 before connecting.
    pub fn validate(&self) -> Result<(), alias::PlanError> {
        if let AliasCommand::Set {
            version,
            weight: Some(w),
            ..
        } = self
        {
            let (v, f) = alias::parse_weight(w)?;
            if &v == version {
                return Err(alias::PlanError::WeightOnPrimary(v));
            }
            if !(f > 0.0 && f < 1.0) {
                return Err(alias::PlanError::BadWeight(f.to_string()));
            }
        }
        Ok(())
    }
}

fn fail(e: &impl std::fmt::Display, code: u8) -> ExitCode {
    errln!("error: {e}");
    ExitCode::from(code)
}

/// An unknown function is bad input (exit 2), any other AWS failure exit 1.
fn aws_fail(e: &crate::aws::AwsError) -> ExitCode {
    let code = if e.is_not_found() {
        EXIT_USAGE
    } else {
        EXIT_AWS
    };
    fail(e, code)
}

pub async fn run(clients: &Clients, args: AliasArgs) -> ExitCode {
    match args.command {
        AliasCommand::List { function, json } => list(clients, &function, json).await,
        AliasCommand::Set {
            function,
            alias,
            version,
            weight,
            yes,
        } => set(clients, &function, &alias, version, weight.as_deref(), yes).await,
        AliasCommand::Rollback {
            function,
            alias,
            yes,
            force,
        } => rollback_alias(clients, &function, &alias, yes, force).await,
    }
}

async fn list(clients: &Clients, function: &str, json: bool) -> ExitCode {
    let aliases = match clients.list_aliases(function).await {
        Ok(a) => a,
        Err(e) => return aws_fail(&e),
    };
    // Which aliases CodeDeploy manages (an account-wide scan: only when there are aliases).
    let codedeploy = if aliases.is_empty() {
        None
    } else {
        match clients.codedeploy_for(function).await {
            Ok(cd) => {
                for (id, why) in &cd.unreadable {
                    errln!("note: CodeDeploy deployment {id}: {why}: its alias is not known");
                }
                Some(cd)
            }
            Err(e) => {
                errln!("note: CodeDeploy status unknown: {e}");
                None
            }
        }
    };
    let managed: Vec<Option<CodeDeployOf>> = aliases
        .iter()
        .map(|a| codedeploy_of(codedeploy.as_ref(), &a.name))
        .collect();
    let text = if json {
        let rows: Vec<AliasJson> = aliases
            .iter()
            .zip(&managed)
            .map(|(a, m)| AliasJson {
                name: &a.name,
                version: &a.state.version,
                weights: &a.state.weights,
                description: &a.description,
                codedeploy: CodeDeployOf::json(m.as_ref()),
            })
            .collect();
        match super::output::json_pretty(&rows) {
            Ok(s) => s,
            Err(e) => return fail(&e, EXIT_AWS),
        }
    } else {
        let clean = |s: &str| super::output::cell(s).into_owned();
        let mut out = format!(
            "{:<20} {:<28} {:<34} {}\n",
            "ALIAS", "ROUTES TO", "CODEDEPLOY", "DESCRIPTION"
        );
        for (a, m) in aliases.iter().zip(&managed) {
            let _ = writeln!(
                out,
                "{:<20} {:<28} {:<34} {}",
                clean(&a.name),
                a.state.to_string(),
                clean(&CodeDeployOf::text(m.as_ref())),
                clean(&a.description)
            );
        }
        out
    };
    match emit(&mut io::stdout().lock(), &text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

async fn account(clients: &Clients) -> Result<String, ExitCode> {
    clients
        .identity()
        .await
        .map(|i| i.account)
        .map_err(|e| fail(&e, EXIT_AWS))
}

fn store_path() -> Result<std::path::PathBuf, ExitCode> {
    rollback::default_path().ok_or_else(|| {
        fail(
            &"no state directory (set XDG_STATE_HOME or HOME) to remember alias changes",
            EXIT_USAGE,
        )
    })
}

/// Executes a confirmed write (audited; alias changes remembered for rollback) and reports it.
async fn apply(clients: &Clients, write: &Write) -> ExitCode {
    match crate::writes::execute(clients, write).await {
        Ok(summary) => {
            errln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, EXIT_AWS),
    }
}

async fn set(
    clients: &Clients,
    function: &str,
    alias_name: &str,
    version: String,
    weight: Option<&str>,
    yes: bool,
) -> ExitCode {
    let mut to = AliasState::plain(version);
    if let Some(w) = weight {
        match alias::parse_weight(w) {
            Ok((v, f)) => {
                to.weights.insert(v, f);
            }
            Err(e) => return fail(&e, EXIT_USAGE),
        }
    }
    let (aliases, versions) = match tokio::try_join!(
        clients.list_aliases(function),
        clients.list_versions(function)
    ) {
        Ok(x) => x,
        Err(e) => return aws_fail(&e),
    };
    let Some(current) = aliases.iter().find(|a| a.name == alias_name) else {
        let names: Vec<&str> = aliases.iter().map(|a| a.name.as_str()).collect();
        return fail(
            &format!(
                "{function} has no alias {alias_name:?} (aliases: {})",
                names.join(", ")
            ),
            EXIT_USAGE,
        );
    };
    let change = match alias::plan_set(function, current, to, &versions) {
        Ok(c) => c,
        Err(alias::PlanError::Nothing(msg)) => {
            errln!("{msg}: nothing to do");
            return ExitCode::SUCCESS;
        }
        Err(e) => return fail(&e, EXIT_USAGE),
    };
    if let Err(code) = confirm(&format!("Change alias {change}?"), yes) {
        return code;
    }
    let account = match account(clients).await {
        Ok(a) => a,
        Err(code) => return code,
    };
    apply(clients, &Write::Alias { change, account }).await
}

async fn rollback_alias(
    clients: &Clients,
    function: &str,
    alias_name: &str,
    yes: bool,
    force: bool,
) -> ExitCode {
    let account = match account(clients).await {
        Ok(a) => a,
        Err(code) => return code,
    };
    let key = rollback::key(&account, &clients.region, function, alias_name);
    let Ok(path) = store_path() else {
        return ExitCode::from(EXIT_USAGE);
    };
    let store = match Store::load(&path) {
        Ok(s) => s,
        Err(e) => return fail(&e, EXIT_AWS),
    };
    let Some(entry) = store.last(&key).cloned() else {
        return fail(
            &format!(
                "lambdash has no recorded change of {function}:{alias_name} in {account}/{} to roll back",
                clients.region
            ),
            EXIT_USAGE,
        );
    };
    let aliases = match clients.list_aliases(function).await {
        Ok(a) => a,
        Err(e) => return aws_fail(&e),
    };
    let Some(current) = aliases.iter().find(|a| a.name == alias_name) else {
        return fail(
            &format!("{function} has no alias {alias_name:?} any more"),
            EXIT_USAGE,
        );
    };
    if !current.state.same_as(&entry.after) && !force {
        return fail(
            &format!(
                "{function}:{alias_name} was changed since lambdash set it to {} (now {}): pass --force to restore {} anyway",
                entry.after, current.state, entry.before
            ),
            EXIT_USAGE,
        );
    }
    let change = AliasChange {
        function: function.to_string(),
        alias: alias_name.to_string(),
        from: current.state.clone(),
        to: entry.before.clone(),
        revision_id: current.revision_id.clone(),
    };
    if let Err(code) = confirm(&format!("Roll back alias {change}?"), yes) {
        return code;
    }
    apply(clients, &Write::AliasRollback { change, account }).await
}
