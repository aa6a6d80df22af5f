//! The on-call levers: reserved concurrency (the kill switch, its restore, a typed value), enabling /
//! disabling an event source mapping, and invoking a function. Each is audited (the audit log opened
//! before the call: no audit, no write), and the kill switch remembers the previous value on disk
//! before it changes anything (no memory, no stop). Failed or throttled writes are reported with
//! AWS's message; nothing here retries them (the SDK's own retry of a throttled request aside).

use crate::audit::{AuditEntry, AuditLog, Outcome};
use crate::aws::Clients;
use crate::domain::concurrency::{ProvisionedChange, Remembered, ReservedChange, ReservedIntent};
use crate::domain::esm::EsmChange;
use crate::domain::invoke::{InvokeOutcome, InvokePlan};
use crate::writes::stopped::{self, StoppedStore};

/// The `action` of the kill switch (reserved concurrency → 0).
pub const FUNCTION_STOP: &str = "function.stop";
/// The `action` of restoring the remembered reserved concurrency.
pub const FUNCTION_RESTORE: &str = "function.restore";
/// The `action` of setting or removing reserved concurrency.
pub const RESERVED_SET: &str = "function.reserved_concurrency";
/// The `action` of setting or removing provisioned concurrency on an alias or version.
pub const PROVISIONED_SET: &str = "function.provisioned_concurrency";
pub const ESM_ENABLE: &str = "esm.enable";
pub const ESM_DISABLE: &str = "esm.disable";
pub const FUNCTION_INVOKE: &str = "function.invoke";

/// A lever, fully planned (wrapped in [`crate::writes::Write::Lever`] for the TUI's confirm step).
#[derive(Clone, Debug, PartialEq)]
pub enum LeverWrite {
    Reserved(ReservedChange),
    Provisioned(ProvisionedChange),
    Esm(EsmChange),
    Invoke(InvokePlan),
}

impl LeverWrite {
    pub fn action(&self) -> &'static str {
        match self {
            Self::Reserved(c) => match c.intent {
                ReservedIntent::Stop => FUNCTION_STOP,
                ReservedIntent::Restore { .. } => FUNCTION_RESTORE,
                ReservedIntent::Set => RESERVED_SET,
            },
            Self::Provisioned(_) => PROVISIONED_SET,
            Self::Esm(c) if c.enable => ESM_ENABLE,
            Self::Esm(_) => ESM_DISABLE,
            Self::Invoke(_) => FUNCTION_INVOKE,
        }
    }

    pub fn target(&self) -> String {
        match self {
            Self::Reserved(c) => c.function.clone(),
            Self::Provisioned(c) => format!("{}:{}", c.function, c.qualifier),
            Self::Esm(c) => c.uuid.clone(),
            Self::Invoke(p) => p.target(),
        }
    }

    /// The confirm step's text.
    pub fn confirm_text(&self) -> String {
        match self {
            Self::Reserved(c) => c.confirm_text(),
            Self::Provisioned(c) => c.confirm_text(),
            Self::Esm(c) => c.confirm_text(),
            Self::Invoke(p) => p.confirm_text(),
        }
    }

    /// The audit line's `detail` (an invoke's payload is not recorded: it may hold anything; its size is).
    pub fn detail(&self) -> serde_json::Value {
        match self {
            Self::Reserved(c) => serde_json::json!({
                "account": c.account,
                "reserved_concurrency": { "from": c.from, "to": c.to },
            }),
            Self::Provisioned(c) => serde_json::json!({
                "account": c.account,
                "provisioned_concurrency": { "from": c.from, "to": c.to },
            }),
            Self::Esm(c) => serde_json::json!({
                "account": c.account,
                "function": c.function,
                "source": c.source,
                "state": { "from": c.from_state, "to": c.to_state() },
            }),
            Self::Invoke(p) => serde_json::json!({
                "account": p.account,
                "asynchronous": p.asynchronous,
                "payload_bytes": p.payload.len(),
            }),
        }
    }
}

/// The audit log, opened before the change.
fn open_audit() -> Result<(std::path::PathBuf, AuditLog), String> {
    let path = crate::audit::default_path()
        .ok_or("no state directory for the audit log (set XDG_STATE_HOME or LAMBDASH_AUDIT_LOG): nothing was changed")?;
    let log = AuditLog::open(&path).map_err(|e| {
        format!(
            "cannot open the audit log {}: {e}; nothing was changed",
            path.display()
        )
    })?;
    Ok((path, log))
}

/// Audits a lever's outcome as its result says (no extra detail): the warning if the line could not
/// be written.
fn audit_result<T>(
    clients: &Clients,
    audit_log: &mut (std::path::PathBuf, AuditLog),
    write: &LeverWrite,
    result: &Result<T, String>,
) -> Option<String> {
    let outcome = match result {
        Ok(_) => Outcome::Ok,
        Err(e) => Outcome::Failed { error: e.clone() },
    };
    audit(clients, audit_log, write, &serde_json::json!({}), outcome)
}

/// Appends the audit line of `write`; a failure to write it becomes a warning.
fn audit(
    clients: &Clients,
    (path, log): &mut (std::path::PathBuf, AuditLog),
    write: &LeverWrite,
    extra: &serde_json::Value,
    outcome: Outcome,
) -> Option<String> {
    let mut detail = write.detail();
    if let (Some(d), Some(e)) = (detail.as_object_mut(), extra.as_object()) {
        d.extend(e.clone());
    }
    if let Some(url) = &clients.endpoint_url {
        detail["endpoint"] = serde_json::json!(url);
    }
    let entry = AuditEntry {
        time: chrono::Utc::now(),
        profile: clients.profile.clone(),
        region: clients.region.clone(),
        action: write.action().to_string(),
        target: write.target(),
        detail,
        outcome,
    };
    log.append(&entry)
        .err()
        .map(|e| format!("writing the audit log {}: {e}", path.display()))
}

fn with_warnings(summary: String, warnings: &[String]) -> String {
    if warnings.is_empty() {
        summary
    } else {
        format!("{summary} (warning: {})", warnings.join("; "))
    }
}

/// Performs a lever and audits it; `Ok` is a one-line summary. An invoke's full outcome is
/// [`execute_invoke`]'s.
pub async fn execute_lever(clients: &Clients, write: &LeverWrite) -> Result<String, String> {
    match write {
        LeverWrite::Reserved(c) => execute_reserved(clients, c).await,
        LeverWrite::Provisioned(c) => execute_provisioned(clients, c).await,
        LeverWrite::Esm(c) => execute_esm(clients, c).await,
        LeverWrite::Invoke(p) => execute_invoke(clients, p)
            .await
            .map(|(o, w)| with_warnings(o.summary(&p.target()), w.as_slice())),
    }
}

/// The stopped-memory file, loaded (an unreadable one refuses the change).
fn load_memory() -> Result<(std::path::PathBuf, StoppedStore), String> {
    let path = stopped::default_path().ok_or(
        "no state directory (set XDG_STATE_HOME or HOME) to remember the previous reserved concurrency: nothing was changed",
    )?;
    let store = StoppedStore::load(&path).map_err(|e| {
        format!("cannot read the stopped-function memory: {e}; nothing was changed")
    })?;
    Ok((path, store))
}

/// Reserved concurrency. Going to 0 from anything else remembers the previous value first (saved
/// before the call; put back as it was if the call fails); any other successful change forgets it.
pub async fn execute_reserved(
    clients: &Clients,
    change: &ReservedChange,
) -> Result<String, String> {
    let mut audit_log = open_audit()?;
    let (path, mut store) = load_memory()?;
    let key = stopped::key(&change.account, &change.region, &change.function);
    let stopping = change.to.is_stopped() && !change.from.is_stopped();
    let before = store.clone();
    if stopping {
        store.insert(
            key.clone(),
            Remembered {
                at: chrono::Utc::now(),
                previous: change.from,
            },
        );
        store.save(&path).map_err(|e| {
            format!(
                "cannot save the previous reserved concurrency to {}: {e}; nothing was changed",
                path.display()
            )
        })?;
    }
    let write = LeverWrite::Reserved(change.clone());
    let result = clients
        .set_reserved_concurrency(&change.function, change.to)
        .await
        .map_err(|e| e.to_string());
    let mut warnings = Vec::new();
    warnings.extend(audit_result(clients, &mut audit_log, &write, &result));
    let now = result.map_err(|e| {
        if stopping && let Err(w) = before.save(&path) {
            return format!("{e} (and the remembered value could not be taken back: {w})");
        }
        e
    })?;
    if !stopping
        && !change.to.is_stopped()
        && store.remove(&key).is_some()
        && let Err(e) = store.save(&path)
    {
        warnings.push(format!("the stopped-function memory was not updated: {e}"));
    }
    let summary = match change.intent {
        ReservedIntent::Stop => format!(
            "stopped {}: reserved concurrency {} → {now} (remembered {}: `lambdash stop {} --restore` brings it back)",
            change.function, change.from, change.from, change.function
        ),
        ReservedIntent::Restore { .. } => format!(
            "restored {}: reserved concurrency {} → {now}",
            change.function, change.from
        ),
        ReservedIntent::Set => format!(
            "{}: reserved concurrency {} → {now}",
            change.function, change.from
        ),
    };
    Ok(with_warnings(summary, &warnings))
}

/// Sets or removes provisioned concurrency on an alias or version, audited.
pub async fn execute_provisioned(
    clients: &Clients,
    change: &ProvisionedChange,
) -> Result<String, String> {
    let mut audit_log = open_audit()?;
    let result = clients
        .set_provisioned_concurrency(&change.function, &change.qualifier, change.to)
        .await
        .map_err(|e| e.to_string());
    let write = LeverWrite::Provisioned(change.clone());
    let warning = audit_result(clients, &mut audit_log, &write, &result);
    let status = result?;
    let summary = format!(
        "{}:{}: provisioned concurrency {} → {} ({status})",
        change.function,
        change.qualifier,
        crate::domain::concurrency::Reserved(change.from),
        crate::domain::concurrency::Reserved(change.to)
    );
    Ok(with_warnings(summary, warning.as_slice()))
}

/// Enables or disables a mapping, audited.
pub async fn execute_esm(clients: &Clients, change: &EsmChange) -> Result<String, String> {
    let mut audit_log = open_audit()?;
    let result = clients
        .set_mapping_enabled(&change.uuid, change.enable)
        .await
        .map_err(|e| e.to_string());
    let write = LeverWrite::Esm(change.clone());
    let warning = audit_result(clients, &mut audit_log, &write, &result);
    let state = result?;
    let summary = format!(
        "mapping {} ({} {} → {}): state {} → {state}",
        change.uuid,
        change.kind.label(),
        change.source,
        change.function,
        change.from_state
    );
    Ok(with_warnings(summary, warning.as_slice()))
}

/// Invokes as planned, audited (status, function error, executed version; never the payload or the
/// response). A function error is an `Ok` outcome: the invoke itself worked. The second value is a
/// warning (the audit line could not be written).
pub async fn execute_invoke(
    clients: &Clients,
    plan: &InvokePlan,
) -> Result<(InvokeOutcome, Option<String>), String> {
    let mut audit_log = open_audit()?;
    let result = clients.invoke(plan).await.map_err(|e| e.to_string());
    let write = LeverWrite::Invoke(plan.clone());
    let (extra, outcome) = match &result {
        Ok(o) => (
            serde_json::json!({
                "status_code": o.status_code,
                "function_error": o.function_error,
                "executed_version": o.executed_version,
            }),
            Outcome::Ok,
        ),
        Err(e) => (serde_json::json!({}), Outcome::Failed { error: e.clone() }),
    };
    let warning = audit(clients, &mut audit_log, &write, &extra, outcome);
    result.map(|o| (o, warning))
}
