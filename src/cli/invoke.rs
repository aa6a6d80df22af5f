//! `lambdash invoke FUNCTION --payload @event.json|JSON [--qualifier Q] [--async] [--json] [--yes]`.

use std::process::ExitCode;

use clap::Args;
use serde::Serialize;

use super::levers::{account, fail};
use super::output::errln;
use super::{EXIT_AWS, confirm};
use crate::aws::Clients;
use crate::domain::invoke::{InvokeOutcome, InvokePlan, PayloadArg, validate_payload};
use crate::writes::levers::execute_invoke;

#[derive(Debug, Args)]
pub struct InvokeArgs {
    pub function: String,
    /// The event: `@FILE` (a JSON file) or JSON itself (default `{}`).
    #[arg(long, default_value = "{}", value_name = "@FILE|JSON")]
    pub payload: String,
    /// An alias or version (default `$LATEST`).
    #[arg(long, value_name = "ALIAS|VERSION")]
    pub qualifier: Option<String>,
    /// Queue the event (InvocationType=Event) instead of waiting for the response.
    #[arg(long = "async")]
    pub asynchronous: bool,
    /// One JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

/// Reads and checks the payload before connecting (bad input exits 2 having sent nothing).
pub(super) fn read_payload(arg: &str) -> Result<Vec<u8>, String> {
    let text = match PayloadArg::parse(arg) {
        PayloadArg::Inline(t) => t,
        PayloadArg::File(path) => {
            std::fs::read_to_string(&path).map_err(|e| format!("--payload @{path}: {e}"))?
        }
    };
    validate_payload(&text)
}

#[derive(Serialize)]
struct OutcomeJson<'a> {
    function: &'a str,
    qualifier: Option<&'a str>,
    asynchronous: bool,
    status_code: i32,
    function_error: Option<&'a str>,
    executed_version: Option<&'a str>,
    /// The response parsed as JSON when it is JSON, else the text.
    response: serde_json::Value,
    log_tail: Option<&'a str>,
}

pub async fn run(clients: &Clients, args: InvokeArgs, payload: Vec<u8>) -> ExitCode {
    let account = match account(clients).await {
        Ok(a) => a,
        Err(code) => return code,
    };
    let plan = InvokePlan {
        function: args.function.clone(),
        qualifier: args.qualifier.clone(),
        account,
        region: clients.region.clone(),
        asynchronous: args.asynchronous,
        payload,
    };
    if let Err(code) = confirm(&format!("This {}. Proceed?", plan.confirm_text()), args.yes) {
        return code;
    }
    let outcome = match execute_invoke(clients, &plan).await {
        Ok((o, warning)) => {
            if let Some(w) = warning {
                errln!("warning: {w}");
            }
            o
        }
        Err(e) => {
            // An unknown function or qualifier is bad input.
            let code = if e.contains("ResourceNotFound") {
                super::EXIT_USAGE
            } else {
                EXIT_AWS
            };
            return fail(&e, code);
        }
    };
    errln!("{}", outcome.summary(&plan.target()));
    let text = if args.json {
        let json = OutcomeJson {
            function: &plan.function,
            qualifier: plan.qualifier.as_deref(),
            asynchronous: plan.asynchronous,
            status_code: outcome.status_code,
            function_error: outcome.function_error.as_deref(),
            executed_version: outcome.executed_version.as_deref(),
            response: serde_json::from_str(&outcome.response)
                .unwrap_or_else(|_| serde_json::Value::String(outcome.response.clone())),
            log_tail: outcome.log_tail.as_deref(),
        };
        match super::output::json_pretty(&json) {
            Ok(s) => s,
            Err(e) => return fail(&e, EXIT_AWS),
        }
    } else {
        text(&outcome)
    };
    super::output::stdout(&text)
}

/// The response, pretty when it is JSON (stdout: `| jq` works); the log tail goes to stderr with the
/// summary. Both are the function's own text: escaped unless `--raw` (stderr always).
fn text(o: &InvokeOutcome) -> String {
    match &o.log_tail {
        Some(log) => errln!("--- log tail ---\n{}", log.trim_end()),
        None if o.status_code != 202 => {
            errln!("(no log tail: the endpoint returned no LogResult)");
        }
        None => {}
    }
    if o.status_code == 202 {
        return String::new();
    }
    format!("{}\n", super::output::text(&o.pretty_response()))
}
