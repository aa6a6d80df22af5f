//! `lambdash dlq list|peek|redrive|delete|purge`.
//!
//! Writes (redrive, delete, purge) are refused under `--read-only` before connecting (exit 2), confirmed
//! with a text that says exactly what will happen (from → to, count, at-least-once) unless `--yes`, and
//! audited. A queue is a name, a URL or an ARN; an unknown one is exit 2.

use super::output::errln;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write as _};
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clap::{Args, Subcommand};

use super::{EXIT_AWS, EXIT_USAGE, confirm, emit};
use crate::aws::dlq::{DrainOptions, is_unknown_queue};
use crate::aws::{AwsError, Clients};
use crate::domain::dlq::{
    AT_LEAST_ONCE, DlqKind, MessageJson, PlanInputs, QueueRef, RedrivePlan, RedriveSummary,
    RedriveTarget, plan_path,
};
use crate::writes::DlqWrite;

#[derive(Debug, Args)]
pub struct DlqArgs {
    #[command(subcommand)]
    pub command: DlqCommand,
}

#[derive(Debug, Subcommand)]
pub enum DlqCommand {
    /// Every dead-letter destination of the functions: kind, owners, depth, oldest message.
    List {
        /// Only this function's.
        #[arg(long, value_name = "NAME")]
        function: Option<String>,
        /// One JSON array of objects instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Read messages without consuming them (each peek increments their receive count).
    Peek {
        /// Queue name, URL or ARN.
        queue: String,
        /// How many messages (at most; SQS may return fewer).
        #[arg(short = 'n', default_value_t = 10)]
        n: usize,
        #[arg(long)]
        json: bool,
    },
    /// Move the messages back: to the source queue, to the function (re-invoke), or to any queue.
    Redrive {
        /// Queue name, URL or ARN.
        queue: String,
        /// `source`, `function`, or a queue URL/name (default: source when the DLQ has one, else
        /// function).
        #[arg(long, value_name = "source|function|QUEUE")]
        to: Option<String>,
        /// The function to re-invoke (default: the one that sends its failures here).
        #[arg(long, value_name = "NAME")]
        function: Option<String>,
        /// Re-invoke this version or alias.
        #[arg(long, value_name = "VERSION|ALIAS")]
        qualifier: Option<String>,
        /// At most N messages per second (default 10, as in the TUI, so a redrive into a function
        /// that is still failing can be stopped before it has sent everything back); `unlimited`: as
        /// fast as the API allows.
        #[arg(long, value_name = "N|unlimited", default_value = "10", value_parser = parse_rate)]
        rate: Rate,
        /// Only these messages (repeat the flag).
        #[arg(long = "message-id", value_name = "ID")]
        message_ids: Vec<String>,
        /// Say what would happen; change nothing (not even receive counts).
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for confirmation.
        #[arg(long, short = 'y')]
        yes: bool,
        /// The final summary as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Delete chosen messages (by message id).
    Delete {
        queue: String,
        #[arg(required = true, value_name = "MESSAGE_ID")]
        ids: Vec<String>,
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// Delete every message of the queue.
    Purge {
        queue: String,
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

/// `--rate`: messages per second, or `None` for unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rate(pub Option<u32>);

fn parse_rate(s: &str) -> Result<Rate, String> {
    if s.eq_ignore_ascii_case("unlimited") {
        return Ok(Rate(None));
    }
    match s.parse::<u32>() {
        Ok(n) if n > 0 => Ok(Rate(Some(n))),
        _ => Err(format!(
            "{s:?} is not a rate: a whole number of messages per second (at least 1), or `unlimited`"
        )),
    }
}

impl DlqCommand {
    /// True for the subcommands that change something (refused under `--read-only`).
    pub fn is_write(&self) -> bool {
        match self {
            DlqCommand::List { .. } | DlqCommand::Peek { .. } => false,
            DlqCommand::Redrive { dry_run, .. } => !dry_run,
            DlqCommand::Delete { .. } | DlqCommand::Purge { .. } => true,
        }
    }
}

fn fail(e: &impl std::fmt::Display, code: u8) -> ExitCode {
    errln!("error: {e}");
    ExitCode::from(code)
}

/// An unknown queue or function is bad input (exit 2), any other AWS failure exit 1.
fn aws_fail(e: &AwsError) -> ExitCode {
    let code = if is_unknown_queue(e) || e.is_not_found() {
        EXIT_USAGE
    } else {
        EXIT_AWS
    };
    fail(e, code)
}

fn print(text: &str) -> ExitCode {
    match emit(&mut io::stdout().lock(), text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

pub async fn run(clients: &Clients, args: DlqArgs) -> ExitCode {
    match args.command {
        DlqCommand::List { function, json } => list(clients, function, json).await,
        DlqCommand::Peek { queue, n, json } => {
            let code = peek(clients, &queue, n, json).await;
            super::output::repaired_notes(clients);
            code
        }
        DlqCommand::Redrive {
            queue,
            to,
            function,
            qualifier,
            rate,
            message_ids,
            dry_run,
            yes,
            json,
        } => {
            let req = RedriveRequest {
                to,
                function,
                qualifier,
                rate: rate.0,
                message_ids,
                dry_run,
                yes,
                json,
            };
            redrive(clients, &queue, req).await
        }
        DlqCommand::Delete { queue, ids, yes } => delete(clients, &queue, ids, yes).await,
        DlqCommand::Purge { queue, yes } => purge(clients, &queue, yes).await,
    }
}

fn age(s: Option<u64>) -> String {
    match s {
        None => "-".to_string(),
        Some(s) if s < 120 => format!("{s}s"),
        Some(s) if s < 7200 => format!("{}m", s / 60),
        Some(s) if s < 172_800 => format!("{}h", s / 3600),
        Some(s) => format!("{}d", s / 86_400),
    }
}

/// What the on-disk topology cache did for a discovery of the whole account.
struct CacheUse {
    /// When the cached topology that was reused had been scanned (`None`: no usable cache).
    reused_from: Option<chrono::DateTime<chrono::Utc>>,
    /// Functions whose EventInvokeConfig this run asked (new, changed, or not answered before).
    asked: usize,
    functions: usize,
    path: Option<std::path::PathBuf>,
}

impl CacheUse {
    fn age_s(&self, now: chrono::DateTime<chrono::Utc>) -> Option<u64> {
        self.reused_from
            .map(|at| u64::try_from((now - at).num_seconds()).unwrap_or(0))
    }

    fn note(&self, now: chrono::DateTime<chrono::Utc>) -> String {
        let asked = format!(
            "EventInvokeConfig asked of {} of {} functions",
            self.asked, self.functions
        );
        match (self.age_s(now), &self.path) {
            (Some(age), _) => format!(
                "DLQ topology updated from the cache of {} ago ({asked}: the async ones new, changed or not asked for a day)",
                age_words(age)
            ),
            (None, Some(path)) => format!(
                "DLQ topology scanned in full (no cache yet; {asked}); cached in {}",
                path.display()
            ),
            (None, None) => format!("DLQ topology scanned in full ({asked}; no cache directory)"),
        }
    }
}

fn age_words(s: u64) -> String {
    match s {
        0..120 => format!("{s}s"),
        120..7200 => format!("{}m", s / 60),
        7200..172_800 => format!("{}h {}m", s / 3600, s / 60 % 60),
        _ => format!("{}d", s / 86_400),
    }
}

/// Discovers every function's DLQs starting from the on-disk topology cache (per account and region):
/// only new or changed functions are asked about, and the new topology is written back.
async fn discover_cached(
    clients: &Clients,
) -> Result<(crate::aws::dlq::DlqDiscovery, CacheUse), AwsError> {
    use crate::topology_cache;
    let who = match clients.identity().await {
        Ok(id) => id.account,
        Err(_) => clients.profile.clone(),
    };
    let endpoint = clients.endpoint_url.as_deref();
    let scope = topology_cache::scope(&who, &clients.region, endpoint);
    let path = topology_cache::default_dir()
        .map(|dir| topology_cache::path_in(&dir, &who, &clients.region, endpoint));
    let previous = path
        .as_deref()
        .and_then(|p| topology_cache::load(p, &scope));
    let topology = clients
        .scan_topology(crate::aws::dlq::ScanInputs {
            previous: previous.as_ref(),
            listing: None,
            priority: &[],
            scope,
        })
        .await?;
    if let Some(p) = &path
        && let Err(e) = topology_cache::save(p, &topology)
    {
        tracing::warn!(error = %e, path = %p.display(), "DLQ topology cache not written");
    }
    let asked = topology
        .functions
        .values()
        .filter(|f| {
            use crate::domain::dlq::topology::InvokeConfig;
            matches!(&f.invoke_config,
                InvokeConfig::Read { at, .. } | InvokeConfig::Failed { at, .. } if *at >= topology.scanned_at)
        })
        .count();
    let used = CacheUse {
        reused_from: previous.map(|p| p.scanned_at),
        asked,
        functions: topology.functions.len(),
        path,
    };
    Ok((clients.discovery_from(topology).await, used))
}

/// A DLQ as `dlq list --json` prints it: the DLQ's fields, and the age of the cached topology used.
#[derive(serde::Serialize)]
struct ListedDlq<'a> {
    #[serde(flatten)]
    dlq: &'a crate::domain::dlq::Dlq,
    /// Seconds since the cached topology this run started from was scanned (`null`: none was used:
    /// a first scan, or `--function`, which asks about that function only).
    topology_cache_age_s: Option<u64>,
}

async fn list(clients: &Clients, function: Option<String>, json: bool) -> ExitCode {
    let only = function.map(|f| vec![f]);
    let discovered = match &only {
        Some(names) => clients.discover_dlqs(Some(names)).await.map(|d| (d, None)),
        None => discover_cached(clients).await.map(|(d, c)| (d, Some(c))),
    };
    let (found, cache) = match discovered {
        Ok(d) => d,
        Err(e) => return aws_fail(&e),
    };
    let now = chrono::Utc::now();
    let cache_age_s = cache.as_ref().and_then(|c| c.age_s(now));
    if let Some(name) = only.as_ref().and_then(|o| o.first())
        && found.dlqs.is_empty()
        && found.partial_errors.iter().any(|e| {
            *e == crate::aws::function_not_found(name, &clients.region)
                || (e.contains("GetFunctionConfiguration") && e.contains("NotFound"))
        })
    {
        errln!(
            "error: {}",
            crate::aws::function_not_found(name, &clients.region)
        );
        return ExitCode::from(EXIT_USAGE);
    }
    for e in &found.partial_errors {
        errln!("warning: {e}");
    }
    let text = if json {
        let listed: Vec<ListedDlq> = found
            .dlqs
            .iter()
            .map(|dlq| ListedDlq {
                dlq,
                topology_cache_age_s: cache_age_s,
            })
            .collect();
        match super::output::json_pretty(&listed) {
            Ok(s) => s,
            Err(e) => return fail(&e, EXIT_AWS),
        }
    } else {
        let clean = |s: &str| super::output::cell(s).into_owned();
        let mut out = format!(
            "{:<32} {:<30} {:>8} {:>9} {:>8} {:>7}  {}\n",
            "QUEUE", "KIND", "VISIBLE", "IN-FLIGHT", "DELAYED", "OLDEST", "FUNCTIONS"
        );
        for d in &found.dlqs {
            let kind = if d.inspectable {
                d.kind.as_str().to_string()
            } else {
                format!("{} (SNS)", d.kind.as_str())
            };
            let _ = writeln!(
                out,
                "{:<32} {:<30} {:>8} {:>9} {:>8} {:>7}  {}",
                clean(&d.name),
                kind,
                d.visible,
                d.in_flight,
                d.delayed,
                age(d.oldest_age_s),
                clean(&d.functions.join(","))
            );
        }
        for note in age_notes(&found.dlqs) {
            errln!("note: {note}");
        }
        if let Some(c) = &cache {
            errln!("note: {}", c.note(now));
        }
        out
    };
    print(&text)
}

/// Why OLDEST is `-` for non-empty queues, one line per reason (empty queues and SNS topics need none).
fn age_notes(dlqs: &[crate::domain::dlq::Dlq]) -> Vec<String> {
    let mut by_reason: std::collections::BTreeMap<String, Vec<&str>> =
        std::collections::BTreeMap::new();
    for d in dlqs {
        if d.oldest_age_s.is_none()
            && d.depth() > 0
            && let Some(why) = &d.age_unavailable
        {
            by_reason
                .entry(why.explain())
                .or_default()
                .push(d.name.as_str());
        }
    }
    by_reason
        .into_iter()
        .map(|(why, queues)| format!("OLDEST is - for {}: {why}", queues.join(", ")))
        .collect()
}

async fn resolve(clients: &Clients, queue: &str) -> Result<QueueRef, ExitCode> {
    clients.resolve_queue(queue).await.map_err(|e| {
        if is_unknown_queue(&e) {
            fail(&format!("no queue {queue:?}: {e}"), EXIT_USAGE)
        } else {
            aws_fail(&e)
        }
    })
}

async fn peek(clients: &Clients, queue: &str, n: usize, json: bool) -> ExitCode {
    let q = match resolve(clients, queue).await {
        Ok(q) => q,
        Err(code) => return code,
    };
    let peeked = match clients.peek(&q.url, n).await {
        Ok(p) => p,
        Err(e) => return aws_fail(&e),
    };
    errln!(
        "peeked {} message(s) of {} and released them; peeking increments each one's ApproximateReceiveCount",
        peeked.messages.len(),
        q.name
    );
    if let Some(e) = &peeked.release_error {
        errln!("warning: releasing the peeked messages failed ({e}): they reappear within 20 s");
    }
    let limit = peeked.receive_limit.as_ref();
    if let Some(limit) = limit {
        errln!("note: {}", super::output::text(&limit.note()));
        if let Some(w) = limit.warning(&peeked.messages) {
            errln!("warning: {}", super::output::text(&w));
        }
    }
    if json {
        let rows: Vec<MessageJson> = peeked.messages.iter().map(MessageJson::from).collect();
        return match super::output::json_pretty(&rows) {
            Ok(s) => print(&s),
            Err(e) => fail(&e, EXIT_AWS),
        };
    }
    let clean = |s: &str| super::output::cell(s).into_owned();
    let mut out = String::new();
    for m in &peeked.messages {
        let _ = writeln!(out, "── {}", clean(&m.message_id));
        if let Some(t) = m.sent_at() {
            let _ = writeln!(
                out,
                "sent       {}",
                t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
            );
        }
        match (m.receive_count(), limit) {
            (_, Some(l)) if l.next_receive_moves(m) => {
                let _ = writeln!(
                    out,
                    "receives   {} (its next receive moves it to {})",
                    l.count_of(m),
                    clean(crate::domain::dlq::arn_name(&l.dead_letter_target_arn))
                );
            }
            (_, Some(l)) => {
                let _ = writeln!(out, "receives   {} (maxReceiveCount)", l.count_of(m));
            }
            (Some(c), None) => {
                let _ = writeln!(out, "receives   {c}");
            }
            (None, None) => {}
        }
        if let Some(g) = m.group_id() {
            let _ = writeln!(out, "group      {}", clean(g));
        }
        if let Some(r) = m.destination_record() {
            let _ = writeln!(
                out,
                "record     {} after {} invoke(s): {}: {}",
                r.condition.as_deref().unwrap_or("?"),
                r.approximate_invoke_count.unwrap_or(0),
                clean(r.error_type.as_deref().unwrap_or("?")),
                clean(r.error_message.as_deref().unwrap_or(""))
            );
        }
        for (k, v) in &m.message_attributes {
            let value = v
                .string_value
                .clone()
                .or_else(|| v.binary_base64.clone())
                .unwrap_or_default();
            let _ = writeln!(out, "attr       {}={}", clean(k), clean(&value));
        }
        let body = m.pretty_body().unwrap_or_else(|| m.body.clone());
        let _ = writeln!(out, "{}\n", super::output::text(&body));
    }
    print(&out)
}

struct RedriveRequest {
    to: Option<String>,
    function: Option<String>,
    qualifier: Option<String>,
    rate: Option<u32>,
    message_ids: Vec<String>,
    dry_run: bool,
    yes: bool,
    json: bool,
}

/// Resolves the DLQ, its sources and the destination into a plan (exit 2 on bad input).
async fn plan(
    clients: &Clients,
    from: &QueueRef,
    req: &RedriveRequest,
) -> Result<RedrivePlan, ExitCode> {
    let requested = req.to.as_deref().map(RedriveTarget::parse);
    let (sources, note) = clients
        .sources_for(from, requested.as_ref())
        .await
        .map_err(|e| fail(&e, EXIT_AWS))?;
    if let Some(note) = &note {
        errln!("note: {note}");
    }
    let target = match requested {
        Some(t) => t,
        None if !sources.is_empty() => RedriveTarget::Source,
        None => RedriveTarget::Function {
            function: None,
            qualifier: None,
        },
    };
    let target = match target {
        RedriveTarget::Function { .. } => RedriveTarget::Function {
            function: req.function.clone(),
            qualifier: req.qualifier.clone(),
        },
        other => other,
    };
    let destination = match &target {
        RedriveTarget::Queue(q) => Some(resolve(clients, q).await?),
        _ => None,
    };
    let discovery = if matches!(target, RedriveTarget::Function { .. }) {
        let only = req.function.clone().map(|f| vec![f]);
        let found = clients
            .discover_dlqs(only.as_deref())
            .await
            .map_err(|e| aws_fail(&e))?;
        for e in &found.partial_errors {
            errln!("warning: {e}");
        }
        Some(found)
    } else {
        None
    };
    let mut dlq = clients
        .describe_dlq(from, discovery.as_ref(), &sources)
        .await
        .map_err(|e| aws_fail(&e))?;
    if let Some(f) = &req.function
        && !dlq.functions.contains(f)
    {
        // DeadLetterConfig is invisible on some endpoints; the user named the function: trust them,
        // and re-invoke with each record's requestPayload, or the body when it is not a record.
        errln!(
            "note: lambdash cannot see {f} sending its failures to {}; re-invoking it with each destination record's requestPayload, or the body otherwise",
            from.name
        );
        dlq.functions = vec![f.clone()];
        for k in [
            DlqKind::AsyncDeadLetterConfig,
            DlqKind::AsyncOnFailureDestination,
        ] {
            if !dlq.kinds.contains(&k) {
                dlq.kinds.push(k);
            }
        }
    }
    let selected = (!req.message_ids.is_empty()).then(|| req.message_ids.clone());
    let inputs = PlanInputs {
        from,
        dlq: &dlq,
        sources: &sources,
        queue: destination.as_ref(),
    };
    let path = plan_path(&inputs, &target, selected.is_some(), req.rate)
        .map_err(|e| fail(&e, EXIT_USAGE))?;
    Ok(RedrivePlan {
        from: from.clone(),
        path,
        selected,
        rate: req.rate,
        visible: dlq.visible,
        in_flight: dlq.in_flight,
        notes: note.into_iter().collect(),
    })
}

fn summary_out(summary: &RedriveSummary, json: bool) -> ExitCode {
    errln!("{}", summary.line());
    for f in &summary.failed {
        errln!("  failed {}: {}", f.message_id, f.error);
    }
    if !summary.dry_run && summary.moved > 0 {
        errln!("{AT_LEAST_ONCE}");
    }
    if json {
        match super::output::json_pretty(summary) {
            Ok(s) => {
                if let Err(code) = emit(&mut io::stdout().lock(), &s) {
                    return code;
                }
            }
            Err(e) => return fail(&e, EXIT_AWS),
        }
    }
    if summary.ok() && !summary.cancelled {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(EXIT_AWS)
    }
}

async fn redrive(clients: &Clients, queue: &str, req: RedriveRequest) -> ExitCode {
    let from = match resolve(clients, queue).await {
        Ok(q) => q,
        Err(code) => return code,
    };
    let plan = match plan(clients, &from, &req).await {
        Ok(p) => p,
        Err(code) => return code,
    };
    // The target is failing now: the dry run and the confirmation say so, as in the TUI.
    let warning = match super::redrive_safety::failing_target_warning(clients, &plan).await {
        Ok(w) => w.map(|w| format!("warning: {}", super::output::text(&w))),
        Err(e) => Some(format!(
            "note: could not check whether the target is failing now: {}",
            super::output::text(&e)
        )),
    };
    let unlimited = plan
        .rate
        .is_none()
        .then_some("note: --rate unlimited: as fast as the API allows");
    if req.dry_run {
        errln!("dry run: {}", plan.describe());
        for line in warning.iter().map(String::as_str).chain(unlimited) {
            errln!("{line}");
        }
        return summary_out(&RedriveSummary::dry_run(&plan), req.json);
    }
    if plan.visible == 0 && plan.in_flight == 0 && plan.selected.is_none() {
        errln!("{} is empty: nothing to redrive", from.name);
        return summary_out(&RedriveSummary::dry_run(&plan), req.json);
    }
    // Printed before the question (and with --yes too, where there is no question).
    for line in warning.iter().map(String::as_str).chain(unlimited) {
        errln!("{line}");
    }
    if let Err(code) = confirm(&format!("{} Proceed?", plan.describe()), req.yes) {
        return code;
    }
    // Ctrl-C cancels cleanly: the batch in hand is finished, held messages released.
    let cancel = Arc::new(AtomicBool::new(false));
    let flag = cancel.clone();
    let watcher = tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            flag.store(true, Ordering::SeqCst);
        }
    });
    let tty = io::stderr().is_terminal();
    let mut last = Instant::now();
    let progress = move |p: &crate::domain::dlq::RedriveProgress| {
        if let Some(note) = &p.note {
            errln!("note: {note}");
        }
        if last.elapsed() >= Duration::from_secs(1) || tty {
            last = Instant::now();
            let remaining = p
                .remaining
                .map_or_else(|| "?".to_string(), |r| r.to_string());
            if tty {
                eprint!(
                    "\rmoved {}  failed {}  remaining {remaining}   ",
                    p.moved, p.failed
                );
                let _ = io::stderr().flush();
            } else {
                errln!(
                    "progress: moved {} failed {} remaining {remaining}",
                    p.moved,
                    p.failed
                );
            }
        }
        if cancel.load(Ordering::SeqCst) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    };
    let result =
        crate::writes::execute_redrive(clients, &plan, &DrainOptions::default(), progress).await;
    watcher.abort();
    if tty {
        eprintln!();
    }
    match result {
        Ok(summary) => summary_out(&summary, req.json),
        Err(e) => fail(&e, EXIT_AWS),
    }
}

/// On a terminal, asks to type the queue name; without one, refuses unless `yes`.
fn confirm_by_name(prompt: &str, name: &str, yes: bool) -> Result<(), ExitCode> {
    if yes {
        return Ok(());
    }
    if !io::stdin().is_terminal() {
        errln!("error: {prompt} — refusing without a terminal to confirm on: pass --yes");
        return Err(ExitCode::from(EXIT_USAGE));
    }
    super::output::stderr_prompt(&format!(
        "{prompt}\nType the queue name ({name}) to confirm: "
    ));
    let mut answer = String::new();
    if io::stdin().read_line(&mut answer).is_err() || answer.trim() != name {
        errln!("cancelled: nothing was changed");
        return Err(ExitCode::from(EXIT_USAGE));
    }
    Ok(())
}

async fn apply(clients: &Clients, write: &DlqWrite) -> ExitCode {
    match crate::writes::execute_dlq(clients, write).await {
        Ok(summary) => {
            errln!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e, EXIT_AWS),
    }
}

async fn delete(clients: &Clients, queue: &str, ids: Vec<String>, yes: bool) -> ExitCode {
    let q = match resolve(clients, queue).await {
        Ok(q) => q,
        Err(code) => return code,
    };
    let prompt = format!(
        "Delete {} message(s) from {} for good: {}.",
        ids.len(),
        q.name,
        ids.join(", ")
    );
    if let Err(code) = confirm_by_name(&prompt, &q.name, yes) {
        return code;
    }
    apply(
        clients,
        &DlqWrite::Delete {
            queue: q,
            message_ids: ids,
        },
    )
    .await
}

async fn purge(clients: &Clients, queue: &str, yes: bool) -> ExitCode {
    let q = match resolve(clients, queue).await {
        Ok(q) => q,
        Err(code) => return code,
    };
    let depth = match clients.queue_depth(&q.url).await {
        Ok(d) => d,
        Err(e) => return aws_fail(&e),
    };
    let prompt = format!(
        "Purge {}: delete all {} message(s) ({} visible, {} in flight, {} delayed) for good.",
        q.name,
        depth.total(),
        depth.visible,
        depth.in_flight,
        depth.delayed
    );
    if let Err(code) = confirm_by_name(&prompt, &q.name, yes) {
        return code;
    }
    apply(
        clients,
        &DlqWrite::Purge {
            queue_url: q.url.clone(),
            visible: depth.visible,
        },
    )
    .await
}
