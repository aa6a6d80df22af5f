//! `lambdash stop FUNCTION [--yes]` (the kill switch: reserved concurrency → 0, the previous value
//! remembered) and `lambdash stop FUNCTION --restore [--yes] [--force]`.

use std::process::ExitCode;

use clap::Args;

use super::levers::{account, aws_fail, fail, refusal};
use super::output::errln;
use super::{EXIT_AWS, EXIT_USAGE, confirm};
use crate::aws::Clients;
use crate::domain::concurrency::{plan_restore, plan_stop};
use crate::writes::levers::{LeverWrite, execute_lever};
use crate::writes::stopped::{self, StoppedStore};

#[derive(Debug, Args)]
pub struct StopArgs {
    pub function: String,
    /// Restore the reserved concurrency the function had before lambdash stopped it.
    #[arg(long)]
    pub restore: bool,
    /// With --restore: restore even if someone changed the function since lambdash stopped it.
    #[arg(long, requires = "restore")]
    pub force: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

pub async fn run(clients: &Clients, args: StopArgs) -> ExitCode {
    let account = match account(clients).await {
        Ok(a) => a,
        Err(code) => return code,
    };
    let Some(path) = stopped::default_path() else {
        return fail(
            &"no state directory (set XDG_STATE_HOME or HOME) to remember the previous reserved concurrency",
            EXIT_USAGE,
        );
    };
    let store = match StoppedStore::load(&path) {
        Ok(s) => s,
        Err(e) => return fail(&e, EXIT_AWS),
    };
    let remembered = store
        .get(&stopped::key(&account, &clients.region, &args.function))
        .copied();
    let current = match clients.reserved_concurrency(&args.function).await {
        Ok(r) => r,
        Err(e) => return aws_fail(&e),
    };
    let (region, f) = (&clients.region, args.function.as_str());
    let planned = if args.restore {
        plan_restore(
            f,
            &account,
            region,
            current,
            remembered.as_ref(),
            args.force,
        )
    } else {
        plan_stop(f, &account, region, current, remembered.as_ref())
    };
    let change = match planned {
        Ok(c) => c,
        Err(r) => return refusal(&r),
    };
    let write = LeverWrite::Reserved(change);
    let prompt = format!("This {}. Proceed?", write.confirm_text());
    if let Err(code) = confirm(&prompt, args.yes) {
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
