//! The on-call levers' subcommands (`concurrency`, `stop`, `esm`, `invoke`): the read-only refusal
//! before connecting, and the helpers they share.

use std::process::ExitCode;

use super::output::errln;
use super::{Command, EXIT_AWS, EXIT_USAGE, usage_error};
use crate::aws::{Clients, ConnectOptions};
use crate::domain::concurrency::LeverRefusal;

pub(super) fn fail(e: &impl std::fmt::Display, code: u8) -> ExitCode {
    errln!("error: {e}");
    ExitCode::from(code)
}

/// An unknown function or mapping is bad input (exit 2), any other AWS failure exit 1.
pub(super) fn aws_fail(e: &crate::aws::AwsError) -> ExitCode {
    fail(
        e,
        if e.is_not_found() {
            EXIT_USAGE
        } else {
            EXIT_AWS
        },
    )
}

/// "Nothing to do" exits 0 with the reason; a refusal exits 2.
pub(super) fn refusal(r: &LeverRefusal) -> ExitCode {
    match r {
        LeverRefusal::Nothing(_) => {
            errln!("{r}");
            ExitCode::SUCCESS
        }
        LeverRefusal::Refused(_) => fail(r, EXIT_USAGE),
    }
}

/// The account id (STS GetCallerIdentity): every confirm text names it.
pub(super) async fn account(clients: &Clients) -> Result<String, ExitCode> {
    clients
        .identity()
        .await
        .map(|i| i.account)
        .map_err(|e| fail(&e, EXIT_AWS))
}

/// True for the commands that change something.
fn is_write(cmd: &Command) -> bool {
    match cmd {
        Command::Concurrency(a) => a.is_write(),
        Command::Esm(a) => a.is_write(),
        Command::Stop(_) | Command::Invoke(_) => true,
        _ => false,
    }
}

/// Runs `concurrency`, `stop`, `esm` or `invoke`. A write under `--read-only` is refused (exit 2)
/// before connecting: not one request is sent. Bad input (an unreadable payload) exits 2 before
/// connecting too.
pub(super) fn run(
    cmd: Command,
    opts: &ConnectOptions,
    runtime: &tokio::runtime::Runtime,
) -> ExitCode {
    if is_write(&cmd) && opts.read_only {
        return usage_error(
            "refused: --read-only (or a read-only profile rule) forbids this write; nothing was sent",
        );
    }
    let payload = match &cmd {
        Command::Invoke(args) => match super::invoke::read_payload(&args.payload) {
            Ok(p) => Some(p),
            Err(e) => return usage_error(&e),
        },
        _ => None,
    };
    runtime.block_on(async {
        let clients = match Clients::connect(opts).await {
            Ok(c) => c,
            Err(e) => return super::aws_error(&e),
        };
        match cmd {
            Command::Concurrency(args) => super::concurrency::run(&clients, args).await,
            Command::Stop(args) => super::stop::run(&clients, args).await,
            Command::Esm(args) => super::esm::run(&clients, args).await,
            Command::Invoke(args) => {
                super::invoke::run(&clients, args, payload.unwrap_or_default()).await
            }
            _ => usage_error("not a lever subcommand"),
        }
    })
}
