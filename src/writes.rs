//! Every write lambdash makes goes through here, from the TUI's confirm step and from the subcommands:
//! the audit log opened first (no audit, no write), the call itself, the audit line (success or
//! failure), and the rollback memory for alias changes.
//! Read-only mode never reaches this module (refused before), and the SDK guard refuses it again.

// The on-call levers (reserved concurrency, event source mappings, invoke) and the kill switch's
// memory. The TUI offers the kill switch and its restore (`Write::Lever`).
pub mod levers;
pub mod stopped;

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
    /// Redrive a dead-letter queue as planned (audited by [`execute_redrive`]: `started`, `finished`).
    Redrive {
        plan: Box<crate::domain::dlq::RedrivePlan>,
    },
    /// Purge a DLQ or delete some of its messages (audited by [`execute_dlq`]).
    Dlq(DlqWrite),
    /// An on-call lever (the TUI: the kill switch and its restore; audited by
    /// [`levers::execute_lever`]).
    Lever(levers::LeverWrite),
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
            Write::Redrive { .. } => DLQ_REDRIVE,
            Write::Dlq(d) => d.action(),
            Write::Lever(l) => l.action(),
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
            Write::Redrive { plan } => plan.from.url.clone(),
            Write::Dlq(d) => d.target(),
            Write::Lever(l) => l.target(),
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
            Write::Redrive { plan } => serde_json::json!({ "plan": plan }),
            Write::Dlq(d) => d.detail(),
            Write::Lever(l) => l.detail(),
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
        Write::PublishVersion { .. }
        | Write::AlarmActions { .. }
        | Write::Redrive { .. }
        | Write::Dlq(_)
        | Write::Lever(_) => return Ok(()),
    }
    store.save(&path).map_err(|e| e.to_string())
}

/// Performs the write, audits it, and for alias changes updates the rollback memory.
/// `Ok` carries a one-line summary for the flash bar / stderr; warnings (audit or rollback state not
/// written) are appended to it.
pub async fn execute(clients: &Clients, write: &Write) -> Result<String, String> {
    // DLQ writes audit themselves (a redrive writes two lines).
    match write {
        Write::Redrive { plan } => {
            return execute_redrive(
                clients,
                plan,
                &crate::aws::dlq::DrainOptions::default(),
                |_| std::ops::ControlFlow::Continue(()),
            )
            .await
            .map(|s| s.line());
        }
        Write::Dlq(d) => return execute_dlq(clients, d).await,
        // The levers audit themselves (and the kill switch keeps its memory).
        Write::Lever(l) => return levers::execute_lever(clients, l).await,
        _ => {}
    }
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
        Write::Redrive { .. } | Write::Dlq(_) | Write::Lever(_) => {
            return Err("DLQ writes and levers are executed above".to_string());
        }
        Write::AlarmActions { alarms, enabled } => {
            return execute_alarm_actions(clients, alarms, *enabled, &mut log, &path).await;
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

/// Mutes or unmutes alarms, with one audit line per alarm, shaped like the CLI's
/// (`lambdash alarms mute`).
async fn execute_alarm_actions(
    clients: &Clients,
    alarms: &[crate::domain::alarm::Alarm],
    enabled: bool,
    log: &mut crate::audit::AuditLog,
    path: &std::path::Path,
) -> Result<String, String> {
    let names: Vec<String> = alarms.iter().map(|a| a.name.clone()).collect();
    let result = clients
        .set_alarm_actions(&names, enabled)
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
            enabled,
            outcome,
        );
        if let Err(e) = log.append(&entry) {
            failed.push(format!("writing the audit log {}: {e}", path.display()));
        }
    }
    let verb = if enabled { "unmuted" } else { "muted" };
    let summary = result.map(|()| format!("{verb} {}", names.join(", ")))?;
    if failed.is_empty() {
        Ok(summary)
    } else {
        Ok(format!("{summary} (warning: {})", failed.join("; ")))
    }
}

/// The `action` of a DLQ purge.
pub const DLQ_PURGE: &str = "dlq.purge";
/// The `action` of deleting chosen DLQ messages.
pub const DLQ_DELETE: &str = "dlq.delete";
/// The `action` of a DLQ redrive (two lines: `phase` `started`, then `finished` with the counts).
pub const DLQ_REDRIVE: &str = "dlq.redrive";

/// Runs a planned DLQ redrive, audited: a `started` line (from → to, path, count) is appended before
/// anything moves (no audit log, no redrive), a `finished` line with the counts after. A run killed
/// half-way leaves its `started` line. `progress` as in [`Clients::redrive`]: called after every batch,
/// `ControlFlow::Break` cancels cleanly.
///
/// The TUI runs this in a one-shot task, with a callback that forwards each `RedriveProgress` into the
/// message channel and returns `Break` once the user has asked to cancel (an `AtomicBool`).
pub async fn execute_redrive(
    clients: &Clients,
    plan: &crate::domain::dlq::RedrivePlan,
    opts: &crate::aws::dlq::DrainOptions,
    progress: impl FnMut(&crate::domain::dlq::RedriveProgress) -> std::ops::ControlFlow<()> + Send,
) -> Result<crate::domain::dlq::RedriveSummary, String> {
    let path = crate::audit::default_path()
        .ok_or("no state directory for the audit log (set XDG_STATE_HOME or LAMBDASH_AUDIT_LOG): nothing was changed")?;
    let mut log = crate::audit::AuditLog::open(&path).map_err(|e| {
        format!(
            "cannot open the audit log {}: {e}; nothing was changed",
            path.display()
        )
    })?;
    let line = |detail: serde_json::Value, outcome: crate::audit::Outcome| {
        let mut detail = detail;
        if let Some(url) = &clients.endpoint_url {
            detail["endpoint"] = serde_json::json!(url);
        }
        crate::audit::AuditEntry {
            time: chrono::Utc::now(),
            profile: clients.profile.clone(),
            region: clients.region.clone(),
            action: DLQ_REDRIVE.to_string(),
            target: plan.from.url.clone(),
            detail,
            outcome,
        }
    };
    let started = line(
        serde_json::json!({
            "phase": "started",
            "from": plan.from.name,
            "to": plan.path.to_name(),
            "path": plan.path,
            "count": plan.count(),
            "selected": plan.selected,
            "rate": plan.rate,
        }),
        crate::audit::Outcome::Ok,
    );
    log.append(&started).map_err(|e| {
        format!(
            "cannot write the audit log {}: {e}; nothing was changed",
            path.display()
        )
    })?;
    let result = clients.redrive(plan, opts, progress).await;
    let (detail, outcome) = match &result {
        Ok(s) => (
            serde_json::json!({
                "phase": "finished",
                "from": s.from,
                "to": s.to,
                "method": s.method,
                "fallback": s.fallback,
                "moved": s.moved,
                "failed": s.failed.len(),
                "remaining": s.remaining,
                "duplicates": s.duplicates,
                "cancelled": s.cancelled,
            }),
            match &s.stopped_by {
                None => crate::audit::Outcome::Ok,
                Some(e) => crate::audit::Outcome::Failed { error: e.clone() },
            },
        ),
        Err(e) => (
            serde_json::json!({ "phase": "finished", "from": plan.from.name, "to": plan.path.to_name() }),
            crate::audit::Outcome::Failed {
                error: e.to_string(),
            },
        ),
    };
    let audit_warning = log
        .append(&line(detail, outcome))
        .err()
        .map(|e| format!("writing the audit log {}: {e}", path.display()));
    match result {
        Ok(mut s) => {
            if let Some(w) = audit_warning {
                s.stopped_by.get_or_insert(w);
            }
            Ok(s)
        }
        Err(e) => Err(e.to_string()),
    }
}

/// A DLQ write other than a redrive, fully planned (wrapped in [`Write::Dlq`] for the TUI's confirm step).
#[derive(Clone, Debug, PartialEq)]
pub enum DlqWrite {
    /// Delete every message of a queue (PurgeQueue). `visible` is the count the confirm step showed.
    Purge { queue_url: String, visible: u64 },
    /// Delete these messages (by message id) from a queue.
    Delete {
        queue: crate::domain::dlq::QueueRef,
        message_ids: Vec<String>,
    },
}

impl DlqWrite {
    pub fn action(&self) -> &'static str {
        match self {
            DlqWrite::Purge { .. } => DLQ_PURGE,
            DlqWrite::Delete { .. } => DLQ_DELETE,
        }
    }

    pub fn target(&self) -> String {
        match self {
            DlqWrite::Purge { queue_url, .. } => queue_url.clone(),
            DlqWrite::Delete { queue, .. } => queue.url.clone(),
        }
    }

    fn detail(&self) -> serde_json::Value {
        match self {
            DlqWrite::Purge { visible, .. } => serde_json::json!({ "visible_before": visible }),
            DlqWrite::Delete { message_ids, .. } => {
                serde_json::json!({ "count": message_ids.len(), "message_ids": message_ids })
            }
        }
    }
}

/// Performs a DLQ purge or delete and audits it (the audit log is opened first: no audit, no write).
pub async fn execute_dlq(clients: &Clients, write: &DlqWrite) -> Result<String, String> {
    let path = crate::audit::default_path()
        .ok_or("no state directory for the audit log (set XDG_STATE_HOME or LAMBDASH_AUDIT_LOG): nothing was changed")?;
    let mut log = crate::audit::AuditLog::open(&path).map_err(|e| {
        format!(
            "cannot open the audit log {}: {e}; nothing was changed",
            path.display()
        )
    })?;
    let result: Result<(String, Option<()>), String> = match write {
        DlqWrite::Purge { queue_url, visible } => clients
            .purge(queue_url)
            .await
            .map(|()| {
                (
                    format!("purged {queue_url} ({visible} visible message(s) before)"),
                    None,
                )
            })
            .map_err(|e| e.to_string()),
        DlqWrite::Delete { queue, message_ids } => {
            match clients.delete_messages(queue, message_ids).await {
                Ok(d) if d.failed.is_empty() && d.not_found.is_empty() => Ok((
                    format!("deleted {} message(s) from {}", d.deleted, queue.name),
                    None,
                )),
                Ok(d) => Err(format!(
                    "deleted {} of {} message(s) from {}; not found: [{}]; failed: [{}]",
                    d.deleted,
                    message_ids.len(),
                    queue.name,
                    d.not_found.join(", "),
                    d.failed
                        .iter()
                        .map(|f| format!("{}: {}", f.message_id, f.error))
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
                Err(e) => Err(e.to_string()),
            }
        }
    };
    let mut detail = write.detail();
    if let Some(url) = &clients.endpoint_url {
        detail["endpoint"] = serde_json::json!(url);
    }
    let entry = crate::audit::AuditEntry {
        time: chrono::Utc::now(),
        profile: clients.profile.clone(),
        region: clients.region.clone(),
        action: write.action().to_string(),
        target: write.target(),
        detail,
        outcome: match &result {
            Ok(_) => crate::audit::Outcome::Ok,
            Err(e) => crate::audit::Outcome::Failed { error: e.clone() },
        },
    };
    let warning = log
        .append(&entry)
        .err()
        .map(|e| format!("writing the audit log {}: {e}", path.display()));
    let (summary, _) = result?;
    Ok(match warning {
        Some(w) => format!("{summary} (warning: {w})"),
        None => summary,
    })
}
