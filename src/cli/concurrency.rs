//! `lambdash concurrency [FUNCTION...] [--since D] [--no-provisioned] [--json]` and
//! `lambdash concurrency set FUNCTION N|none [--yes]`.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::levers::{account, aws_fail, fail, refusal};
use super::output::{cell, errln};
use super::{EXIT_AWS, confirm};
use crate::aws::Clients;
use crate::aws::concurrency::ReportOptions;
use crate::domain::concurrency::{
    AccountConcurrency, Availability, ConcurrencyReport, FunctionConcurrency, Provisioned,
    ProvisionedChange, Reserved, plan_set,
};
use crate::writes::levers::{LeverWrite, execute_lever};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ConcurrencyArgs {
    #[command(subcommand)]
    pub command: Option<ConcurrencyCommand>,
    /// Only these functions (default: every function of the account and region).
    pub functions: Vec<String>,
    /// The range of the peak and throttles: 15m, 1h, 24h, 7d, … (default 1h).
    #[arg(long, default_value = "1h", value_name = "DURATION")]
    pub since: String,
    /// Skip provisioned concurrency (saves one control-plane request per function).
    #[arg(long)]
    pub no_provisioned: bool,
    /// One JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ConcurrencyCommand {
    /// Set a function's reserved concurrency to N (0 stops it), or remove it with `none`.
    Set {
        function: String,
        /// A whole number ≥ 0, or `none`.
        #[arg(value_parser = Reserved::parse)]
        value: Reserved,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Set provisioned concurrency on an alias or version to N (≥ 1), or remove it with `none`.
    Provisioned {
        function: String,
        /// An alias or a published version.
        qualifier: String,
        /// A whole number ≥ 1, or `none`.
        #[arg(value_parser = Reserved::parse)]
        value: Reserved,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

impl ConcurrencyArgs {
    pub fn is_write(&self) -> bool {
        self.command.is_some()
    }
}

pub async fn run(clients: &Clients, args: ConcurrencyArgs) -> ExitCode {
    match args.command {
        Some(ConcurrencyCommand::Set {
            function,
            value,
            yes,
        }) => set(clients, &function, value, yes).await,
        Some(ConcurrencyCommand::Provisioned {
            function,
            qualifier,
            value,
            yes,
        }) => set_provisioned(clients, &function, &qualifier, value, yes).await,
        None => list(clients, &args).await,
    }
}

async fn set(clients: &Clients, function: &str, to: Reserved, yes: bool) -> ExitCode {
    let account = match account(clients).await {
        Ok(a) => a,
        Err(code) => return code,
    };
    let current = match clients.reserved_concurrency(function).await {
        Ok(r) => r,
        Err(e) => return aws_fail(&e),
    };
    let change = match plan_set(function, &account, &clients.region, current, to) {
        Ok(c) => c,
        Err(r) => return refusal(&r),
    };
    apply(clients, &LeverWrite::Reserved(change), yes).await
}

async fn set_provisioned(
    clients: &Clients,
    function: &str,
    qualifier: &str,
    to: Reserved,
    yes: bool,
) -> ExitCode {
    let (account, current) = match tokio::join!(
        account(clients),
        clients.provisioned_concurrency(function, qualifier)
    ) {
        (Ok(a), Ok(c)) => (a, c),
        (Err(code), _) => return code,
        (_, Err(e)) => return aws_fail(&e),
    };
    let change = match ProvisionedChange::plan(
        function,
        qualifier,
        &account,
        &clients.region,
        current,
        to,
    ) {
        Ok(c) => c,
        Err(r) => return refusal(&r),
    };
    apply(clients, &LeverWrite::Provisioned(change), yes).await
}

/// Confirms (in words) and executes a lever.
async fn apply(clients: &Clients, write: &LeverWrite, yes: bool) -> ExitCode {
    if let Err(code) = confirm(&format!("This {}. Proceed?", write.confirm_text()), yes) {
        return code;
    }
    match execute_lever(clients, write).await {
        Ok(summary) => {
            errln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, EXIT_AWS),
    }
}

async fn list(clients: &Clients, args: &ConcurrencyArgs) -> ExitCode {
    let range = match super::metrics::parse_since(&args.since) {
        Ok(r) => r,
        Err(e) => return fail(&e, super::EXIT_USAGE),
    };
    let functions = if args.functions.is_empty() {
        match clients.list_functions().await {
            Ok(f) => f.into_iter().map(|f| f.name).collect(),
            Err(e) => return aws_fail(&e),
        }
    } else {
        args.functions.clone()
    };
    let opts = ReportOptions {
        range,
        now: chrono::Utc::now(),
        provisioned: !args.no_provisioned,
    };
    let report = clients.concurrency_report(&functions, &opts).await;
    for note in notes(&report) {
        errln!("note: {note}");
    }
    let text = if args.json {
        match super::output::json_pretty(&ReportJson::of(&report)) {
            Ok(s) => s,
            Err(e) => return fail(&e, EXIT_AWS),
        }
    } else {
        table(&report)
    };
    super::output::stdout(&text)
}

/// What could not be read, once each (stderr).
fn notes(report: &ConcurrencyReport) -> Vec<String> {
    let mut notes = Vec::new();
    if let Availability::Unavailable(why) = &report.account {
        notes.push(format!(
            "account concurrency limit unavailable ({why}): functions without a reservation have no known ceiling"
        ));
    }
    if let Availability::Unavailable(why) = &report.account_peak {
        notes.push(format!("account ConcurrentExecutions unavailable: {why}"));
    }
    if let Some(why) = &report.metrics_error {
        notes.push(format!("peaks and throttles unavailable: {why}"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for f in &report.functions {
        for a in [&provisioned_reason(f), &reserved_reason(f)] {
            if let Some(why) = a
                && seen.insert(why.clone())
            {
                notes.push(why.clone());
            }
        }
    }
    notes
}

fn provisioned_reason(f: &FunctionConcurrency) -> Option<String> {
    match &f.provisioned {
        Availability::Unavailable(why) => {
            Some(format!("provisioned concurrency unavailable: {why}"))
        }
        _ => None,
    }
}

fn reserved_reason(f: &FunctionConcurrency) -> Option<String> {
    match &f.reserved {
        Availability::Unavailable(why) => Some(format!(
            "reserved concurrency of {} unavailable: {why}",
            f.function
        )),
        _ => None,
    }
}

fn number(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_string(), |v| format!("{v:.0}"))
}

fn provisioned_text(p: &Availability<Vec<Provisioned>>) -> String {
    match p {
        Availability::Skipped => "not read".to_string(),
        Availability::Unavailable(_) => "unavailable".to_string(),
        Availability::Ok(v) if v.is_empty() => "-".to_string(),
        Availability::Ok(v) => v
            .iter()
            .map(|p| {
                let n = |x: Option<i32>| x.map_or_else(|| "?".to_string(), |x| x.to_string());
                format!(
                    "{} {}/{} {}",
                    cell(&p.qualifier),
                    n(p.allocated),
                    n(p.requested),
                    p.status
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn header(report: &ConcurrencyReport) -> String {
    let range = format!(
        "{} → {} UTC",
        report.start.format("%Y-%m-%d %H:%M"),
        report.end.format("%H:%M")
    );
    let peak = match &report.account_peak {
        Availability::Ok(p) => number(*p),
        _ => "unavailable".to_string(),
    };
    match &report.account {
        Availability::Ok(a) => format!(
            "account: limit {}, unreserved {}, reserved by functions {}, peak ConcurrentExecutions {peak} ({range})\n",
            a.limit,
            a.unreserved,
            a.reserved_total()
        ),
        _ => format!("account: limit unavailable, peak ConcurrentExecutions {peak} ({range})\n"),
    }
}

fn table(report: &ConcurrencyReport) -> String {
    let account = report.account.ok().copied();
    let mut out = header(report);
    let _ = writeln!(
        out,
        "{:<40} {:>9} {:>7} {:>7} {:>5} {:>9}  PROVISIONED (allocated/requested)",
        "FUNCTION", "RESERVED", "PEAK", "CEILING", "USE", "THROTTLES"
    );
    for f in &report.functions {
        let reserved = match &f.reserved {
            Availability::Ok(r) if r.is_stopped() => "STOPPED".to_string(),
            Availability::Ok(r) => r.to_string(),
            _ => "?".to_string(),
        };
        let use_pct = f
            .use_of_ceiling(account)
            .map_or_else(|| "-".to_string(), |u| format!("{:.0}%", u * 100.0));
        let ceiling = f
            .ceiling(account)
            .map_or_else(|| "-".to_string(), |c| c.to_string());
        let _ = writeln!(
            out,
            "{:<40} {:>9} {:>7} {:>7} {:>5} {:>9}  {}",
            cell(&f.function),
            reserved,
            number(f.peak),
            ceiling,
            use_pct,
            number(f.throttles),
            provisioned_text(&f.provisioned)
        );
    }
    out
}

#[derive(Serialize)]
struct ReportJson<'a> {
    start: String,
    end: String,
    account: Option<AccountConcurrency>,
    account_unavailable: Option<&'a str>,
    account_peak: Option<f64>,
    functions: Vec<FunctionJson<'a>>,
    metrics_unavailable: Option<&'a str>,
}

#[derive(Serialize)]
struct FunctionJson<'a> {
    function: &'a str,
    /// `null` when the function has no reservation (or it could not be read: see `reserved_unavailable`).
    reserved: Option<i32>,
    reserved_unavailable: Option<&'a str>,
    stopped: bool,
    /// `null` when not read (`--no-provisioned`) or unavailable (see `provisioned_unavailable`).
    provisioned: Option<&'a [Provisioned]>,
    provisioned_unavailable: Option<&'a str>,
    peak: Option<f64>,
    ceiling: Option<i32>,
    throttles: Option<f64>,
}

fn reason<T>(a: &Availability<T>) -> Option<&str> {
    match a {
        Availability::Unavailable(why) => Some(why),
        _ => None,
    }
}

impl<'a> ReportJson<'a> {
    fn of(r: &'a ConcurrencyReport) -> Self {
        let account = r.account.ok().copied();
        let rfc =
            |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        Self {
            start: rfc(r.start),
            end: rfc(r.end),
            account,
            account_unavailable: reason(&r.account),
            account_peak: r.account_peak.ok().copied().flatten(),
            functions: r
                .functions
                .iter()
                .map(|f| FunctionJson {
                    function: &f.function,
                    reserved: f.reserved.ok().and_then(|r| r.0),
                    reserved_unavailable: reason(&f.reserved),
                    stopped: f.is_stopped(),
                    provisioned: f.provisioned.ok().map(Vec::as_slice),
                    provisioned_unavailable: reason(&f.provisioned),
                    peak: f.peak,
                    ceiling: f.ceiling(account),
                    throttles: f.throttles,
                })
                .collect(),
            metrics_unavailable: r.metrics_error.as_deref(),
        }
    }
}
