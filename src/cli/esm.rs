//! `lambdash esm list [FUNCTION] [--json]`, `lambdash esm enable|disable UUID [--yes]`.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use super::levers::{account, aws_fail, fail};
use super::output::{cell, errln};
use super::{EXIT_AWS, confirm};
use crate::aws::Clients;
use crate::domain::esm::{EsmChange, EventSourceMapping};
use crate::writes::levers::{LeverWrite, execute_lever};

#[derive(Debug, Args)]
pub struct EsmArgs {
    #[command(subcommand)]
    pub command: EsmCommand,
}

#[derive(Debug, Subcommand)]
pub enum EsmCommand {
    /// Every event source mapping of the account and region, or of one function.
    List {
        function: Option<String>,
        /// One JSON array of objects instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Resume polling the source (UpdateEventSourceMapping Enabled=true).
    Enable {
        uuid: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Stop polling the source (the records or messages stay there).
    Disable {
        uuid: String,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

impl EsmArgs {
    pub fn is_write(&self) -> bool {
        !matches!(self.command, EsmCommand::List { .. })
    }
}

pub async fn run(clients: &Clients, args: EsmArgs) -> ExitCode {
    match args.command {
        EsmCommand::List { function, json } => list(clients, function.as_deref(), json).await,
        EsmCommand::Enable { uuid, yes } => toggle(clients, &uuid, true, yes).await,
        EsmCommand::Disable { uuid, yes } => toggle(clients, &uuid, false, yes).await,
    }
}

async fn list(clients: &Clients, function: Option<&str>, json: bool) -> ExitCode {
    let mappings = match clients.event_source_mappings(function).await {
        Ok(m) => m,
        Err(e) => return aws_fail(&e),
    };
    let text = if json {
        match super::output::json_pretty(&mappings) {
            Ok(s) => s,
            Err(e) => return fail(&e, EXIT_AWS),
        }
    } else {
        table(&mappings)
    };
    super::output::stdout(&text)
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn table(mappings: &[EventSourceMapping]) -> String {
    let mut out = format!(
        "{:<36} {:<28} {:<9} {:<24} {:<9} {:<22} {:>5} {:>6} {:>6} {:>7} {:>8}  ON FAILURE\n",
        "UUID",
        "FUNCTION",
        "SOURCE",
        "NAME",
        "STATE",
        "LAST RESULT",
        "BATCH",
        "WINDOW",
        "BISECT",
        "RETRIES",
        "MAX AGE"
    );
    for m in mappings {
        let _ = writeln!(
            out,
            "{:<36} {:<28} {:<9} {:<24} {:<9} {:<22} {:>5} {:>6} {:>6} {:>7} {:>8}  {}",
            cell(&m.uuid),
            cell(m.function_name()),
            m.kind.label(),
            cell(m.source_name()),
            cell(&m.state),
            cell(m.last_processing_result.as_deref().unwrap_or("-")),
            opt(m.batch_size),
            m.batching_window_s
                .map_or_else(|| "-".to_string(), |s| format!("{s}s")),
            opt(m.bisect_on_error),
            opt(m.max_retry_attempts),
            m.max_record_age_s
                .map_or_else(|| "-".to_string(), |s| format!("{s}s")),
            cell(m.on_failure.as_deref().unwrap_or("-")),
        );
    }
    out
}

async fn toggle(clients: &Clients, uuid: &str, enable: bool, yes: bool) -> ExitCode {
    let (account, mapping) =
        match tokio::join!(account(clients), clients.event_source_mapping(uuid)) {
            (Ok(a), Ok(m)) => (a, m),
            (Err(code), _) => return code,
            (_, Err(e)) => return aws_fail(&e),
        };
    let Some(change) = EsmChange::plan(&mapping, enable, &account, &clients.region) else {
        errln!(
            "mapping {} is already {}: nothing to do",
            mapping.uuid,
            mapping.state
        );
        return ExitCode::SUCCESS;
    };
    let write = LeverWrite::Esm(change);
    if let Err(code) = confirm(&format!("This {}. Proceed?", write.confirm_text()), yes) {
        return code;
    }
    match execute_lever(clients, &write).await {
        Ok(summary) => {
            errln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, EXIT_AWS),
    }
}
