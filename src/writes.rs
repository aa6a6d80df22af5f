//! Every write lambdash makes goes through here, from the TUI's confirm step and from the subcommands:
//! the audit log opened first (no audit, no write), the call itself, the audit line (success or
//! failure), and the rollback memory for alias changes.
//! Read-only mode never reaches this module (refused before), and the SDK guard refuses it again.

use crate::aws::Clients;
use crate::domain::alias::AliasChange;
use crate::rollback::{self, Entry, Store};

/// A write, fully planned: it says exactly what will change.
#[derive(Clone, Debug, PartialEq)]
pub enum Write {
    /// Point an alias elsewhere; remembered so `R` / `alias rollback` can undo it.
    Alias {
        change: AliasChange,
        account: String,
    },
    /// Undo lambdash's last change of an alias (pops the remembered entry).
    AliasRollback {
        change: AliasChange,
        account: String,
    },
    /// Publish `$LATEST` as a new version.
    PublishVersion {
        function: String,
        description: String,
    },
    /// Disable (mute) or enable the actions of these alarms.
    AlarmActions {
        alarms: Vec<crate::domain::alarm::Alarm>,
        enabled: bool,
    },
}

impl Write {
    /// `noun.verb` for the audit log.
    pub fn action(&self) -> &'static str {
        match self {
            Write::Alias { .. } => "alias.set",
            Write::AliasRollback { .. } => "alias.rollback",
            Write::PublishVersion { .. } => "function.publish_version",
            Write::AlarmActions { enabled: true, .. } => crate::audit::ALARM_ENABLE_ACTIONS,
            Write::AlarmActions { enabled: false, .. } => crate::audit::ALARM_DISABLE_ACTIONS,
        }
    }

    pub fn target(&self) -> String {
        match self {
            Write::Alias { change, .. } | Write::AliasRollback { change, .. } => {
                format!("{}:{}", change.function, change.alias)
            }
            Write::PublishVersion { function, .. } => function.clone(),
            Write::AlarmActions { alarms, .. } => alarms
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    fn detail(&self) -> serde_json::Value {
        match self {
            Write::Alias { change, .. } | Write::AliasRollback { change, .. } => {
                serde_json::json!({ "from": change.from, "to": change.to })
            }
            Write::PublishVersion { description, .. } => {
                serde_json::json!({ "description": description })
            }
            Write::AlarmActions { enabled, .. } => {
                serde_json::json!({ "actions_enabled": { "to": enabled } })
            }
        }
    }
}

/// The audit line for a write and its outcome.
fn entry(
    clients: &Clients,
    write: &Write,
    outcome: &Result<String, String>,
) -> crate::audit::AuditEntry {
    crate::audit::AuditEntry {
        time: chrono::Utc::now(),
        profile: clients.profile.clone(),
        region: clients.region.clone(),
        action: write.action().to_string(),
        target: write.target(),
        detail: write.detail(),
        outcome: match outcome {
            Ok(_) => crate::audit::Outcome::Ok,
            Err(e) => crate::audit::Outcome::Failed { error: e.clone() },
        },
    }
}

fn remember(
    write: &Write,
    clients: &Clients,
    after: &crate::domain::alias::AliasState,
) -> Result<(), String> {
    let path =
        rollback::default_path().ok_or("no state directory to remember the change for rollback")?;
    let mut store = Store::load(&path).map_err(|e| e.to_string())?;
    match write {
        Write::Alias { change, account } => store.record(
            rollback::key(account, &clients.region, &change.function, &change.alias),
            Entry {
                at: chrono::Utc::now(),
                before: change.from.clone(),
                after: after.clone(),
            },
        ),
        Write::AliasRollback { change, account } => {
            store.pop(&rollback::key(
                account,
                &clients.region,
                &change.function,
                &change.alias,
            ));
        }
        Write::PublishVersion { .. } | Write::AlarmActions { .. } => return Ok(()),
    }
    store.save(&path).map_err(|e| e.to_string())
}

/// Performs the write, audits it, and for alias changes updates the rollback memory.
/// `Ok` carries a one-line summary for the flash bar / stderr; warnings (audit or rollback state not
/// written) are appended to it.
pub async fn execute(clients: &Clients, write: &Write) -> Result<String, String> {
    // The audit log is opened before the change: a write that could not be recorded is never made.
    let path = crate::audit::default_path()
        .ok_or("no state directory for the audit log (set XDG_STATE_HOME or LAMBDASH_AUDIT_LOG): nothing was changed")?;
    let mut log = crate::audit::AuditLog::open(&path).map_err(|e| {
        format!(
            "cannot open the audit log {}: {e}; nothing was changed",
            path.display()
        )
    })?;
    let result: Result<(String, Option<crate::domain::alias::AliasState>), String> = match write {
        Write::Alias { change, .. } | Write::AliasRollback { change, .. } => clients
            .apply_alias_change(change)
            .await
            .map(|a| {
                (
                    format!(
                        "{}:{} now routes {}",
                        change.function, change.alias, a.state
                    ),
                    Some(a.state),
                )
            })
            .map_err(|e| e.to_string()),
        Write::PublishVersion {
            function,
            description,
        } => clients
            .publish_version(function, description)
            .await
            .map(|v| (format!("published {function} version {v}"), None))
            .map_err(|e| e.to_string()),
        Write::AlarmActions { alarms, enabled } => {
            let names: Vec<String> = alarms.iter().map(|a| a.name.clone()).collect();
            let result = clients
                .set_alarm_actions(&names, *enabled)
                .await
                .map_err(|e| e.to_string());
            // One audit line per alarm, shaped like the CLI's (`lambdash alarms mute`).
            let mut failed = Vec::new();
            for alarm in alarms {
                let outcome = match &result {
                    Ok(()) => crate::audit::Outcome::Ok,
                    Err(e) => crate::audit::Outcome::Failed { error: e.clone() },
                };
                let entry = crate::audit::AuditEntry::alarm_actions(
                    chrono::Utc::now(),
                    &clients.profile,
                    &clients.region,
                    clients.endpoint_url.as_deref(),
                    alarm,
                    *enabled,
                    outcome,
                );
                if let Err(e) = log.append(&entry) {
                    failed.push(format!("writing the audit log {}: {e}", path.display()));
                }
            }
            let verb = if *enabled { "unmuted" } else { "muted" };
            let summary = result.map(|()| format!("{verb} {}", names.join(", ")))?;
            return if failed.is_empty() {
                Ok(summary)
            } else {
                Ok(format!("{summary} (warning: {})", failed.join("; ")))
            };
        }
    };
    let outcome = result
        .as_ref()
        .map(|(s, _)| s.clone())
        .map_err(Clone::clone);
    let mut warnings = Vec::new();
    if let Err(e) = log.append(&entry(clients, write, &outcome)) {
        warnings.push(format!("writing the audit log {}: {e}", path.display()));
    }
    let (summary, after) = result?;
    if let Some(after) = after
        && let Err(e) = remember(write, clients, &after)
    {
        warnings.push(format!("rollback state not saved: {e}"));
    }
    if warnings.is_empty() {
        Ok(summary)
    } else {
        Ok(format!("{summary} (warning: {})", warnings.join("; ")))
    }
}
