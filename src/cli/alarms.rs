//! `lambdash alarms [--state S] [--function NAME] [--json]` and
//! `lambdash alarms mute|unmute NAME... [--yes]`.
//!
//! Muting disables an alarm's actions (it keeps changing state, but notifies nobody); unmuting enables
//! them again. A mute is refused under `--read-only` before anything is sent, names are checked to exist
//! first (AWS accepts unknown names silently), the change is confirmed on the terminal unless `--yes`,
//! and every alarm changed (or not, on failure) gets a line in the audit log.

use super::output::errln;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, IsTerminal};
use std::path::Path;
use std::process::ExitCode;

use chrono::{SecondsFormat, Utc};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::{EXIT_AWS, aws_error, usage_error};
use crate::audit::{AuditEntry, AuditLog, Outcome};
use crate::aws::alarms::NAMES_PER_CALL;
use crate::aws::{Clients, ConnectOptions};
use crate::domain::alarm::{Alarm, AlarmKind, AlarmState, concerns_function, sort_alarms};
use crate::sanitize::sanitize;

/// List the CloudWatch alarms of the account/region, or mute/unmute some.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AlarmsArgs {
    #[command(subcommand)]
    pub action: Option<AlarmsAction>,
    /// Only alarms in this state.
    #[arg(long, value_enum, ignore_case = true, value_name = "STATE")]
    pub state: Option<StateArg>,
    /// Only alarms that concern this function (its `FunctionName` dimension).
    #[arg(long, value_name = "NAME")]
    pub function: Option<String>,
    /// One JSON array of objects instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum AlarmsAction {
    /// Disable the actions of alarms: they keep changing state but notify nobody.
    Mute(ActionsArgs),
    /// Enable the actions of alarms again.
    Unmute(ActionsArgs),
}

#[derive(Debug, Args)]
pub struct ActionsArgs {
    /// Alarm names (exact).
    #[arg(required = true, value_name = "NAME")]
    pub names: Vec<String>,
    /// Do not ask for confirmation (scripts).
    #[arg(long, short = 'y')]
    pub yes: bool,
}

/// `--state` values, AWS's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StateArg {
    #[value(name = "ALARM")]
    Alarm,
    #[value(name = "OK")]
    Ok,
    #[value(name = "INSUFFICIENT_DATA")]
    InsufficientData,
}

impl From<StateArg> for AlarmState {
    fn from(s: StateArg) -> Self {
        match s {
            StateArg::Alarm => Self::Alarm,
            StateArg::Ok => Self::Ok,
            StateArg::InsufficientData => Self::InsufficientData,
        }
    }
}

/// Runs `lambdash alarms …`. `opts.read_only` already includes the config's and the profile rule's.
pub fn run(args: AlarmsArgs, opts: &ConnectOptions, runtime: &tokio::runtime::Runtime) -> ExitCode {
    match args.action {
        None => runtime.block_on(async {
            let clients = match Clients::connect(opts).await {
                Ok(c) => c,
                Err(e) => return aws_error(&e),
            };
            let code = list(
                &clients,
                args.state.map(AlarmState::from),
                args.function.as_deref(),
                args.json,
            )
            .await;
            super::output::repaired_notes(&clients);
            code
        }),
        Some(AlarmsAction::Mute(a)) => set_actions(&a, false, opts, runtime),
        Some(AlarmsAction::Unmute(a)) => set_actions(&a, true, opts, runtime),
    }
}

/// One alarm as printed by `--json`: stable field names, RFC 3339 times.
#[derive(Debug, Serialize)]
struct AlarmJson<'a> {
    name: &'a str,
    arn: &'a str,
    kind: AlarmKind,
    state: AlarmState,
    reason: &'a str,
    metric: Option<&'a str>,
    namespace: Option<&'a str>,
    dimensions: &'a BTreeMap<String, String>,
    statistic: Option<&'a str>,
    period_s: Option<i32>,
    threshold: Option<f64>,
    comparison: Option<&'a str>,
    evaluation_periods: Option<i32>,
    rule: Option<&'a str>,
    updated: Option<String>,
    actions_enabled: bool,
}

impl<'a> From<&'a Alarm> for AlarmJson<'a> {
    fn from(a: &'a Alarm) -> Self {
        Self {
            name: &a.name,
            arn: &a.arn,
            kind: a.kind,
            state: a.state,
            reason: &a.reason,
            metric: a.metric.as_deref(),
            namespace: a.namespace.as_deref(),
            dimensions: &a.dimensions,
            statistic: a.statistic.as_deref(),
            period_s: a.period_s,
            threshold: a.threshold,
            comparison: a.comparison.as_deref(),
            evaluation_periods: a.evaluation_periods,
            rule: a.rule.as_deref(),
            updated: a
                .updated
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Millis, true)),
            actions_enabled: a.actions_enabled,
        }
    }
}

/// `>=` for `GreaterThanOrEqualToThreshold`, and so on; anomaly-band operators in words.
fn comparison_symbol(op: &str) -> &str {
    match op {
        "GreaterThanOrEqualToThreshold" => ">=",
        "GreaterThanThreshold" => ">",
        "LessThanThreshold" => "<",
        "LessThanOrEqualToThreshold" => "<=",
        "LessThanLowerOrGreaterThanUpperThreshold" => "outside band",
        "LessThanLowerThreshold" => "below band",
        "GreaterThanUpperThreshold" => "above band",
        other => other,
    }
}

/// `AWS/Lambda Errors FunctionName=orders-api`, or `-` when the alarm watches no single metric.
fn metric_cell(a: &Alarm) -> String {
    let mut cell = match (&a.namespace, &a.metric) {
        (Some(ns), Some(m)) => format!("{ns} {m}"),
        (None, Some(m)) => m.clone(),
        _ => return "-".to_string(),
    };
    for (k, v) in &a.dimensions {
        let _ = write!(cell, " {k}={v}");
    }
    cell
}

/// `Sum >= 5` for a metric alarm, the rule for a composite one.
fn condition_cell(a: &Alarm) -> String {
    if let Some(rule) = &a.rule {
        return rule.clone();
    }
    match (&a.comparison, a.threshold) {
        (Some(op), Some(t)) => {
            let stat = a.statistic.as_deref().unwrap_or("value");
            format!("{stat} {} {t}", comparison_symbol(op))
        }
        _ => "-".to_string(),
    }
}

/// Renders the alarms as JSON (an array) or as an aligned table. With `escape` (stdout is a terminal),
/// untrusted text has its control characters escaped; without, line breaks and tabs still become spaces
/// so that one alarm stays one line.
pub fn render(alarms: &[Alarm], json: bool, escape: bool) -> Result<String, serde_json::Error> {
    if json {
        let rows: Vec<AlarmJson> = alarms.iter().map(AlarmJson::from).collect();
        return super::output::json_pretty(&rows);
    }
    let clean = |s: &str| {
        if escape {
            sanitize(s).into_owned()
        } else {
            s.replace(['\n', '\r', '\t'], " ")
        }
    };
    let rows: Vec<[String; 7]> = alarms
        .iter()
        .map(|a| {
            [
                a.state.as_str().to_string(),
                clean(&a.name),
                if a.actions_enabled { "on" } else { "muted" }.to_string(),
                a.updated.map_or_else(
                    || "-".to_string(),
                    |t| t.to_rfc3339_opts(SecondsFormat::Secs, true),
                ),
                clean(&metric_cell(a)),
                clean(&condition_cell(a)),
                clean(&a.reason),
            ]
        })
        .collect();
    let header = [
        "STATE",
        "NAME",
        "ACTIONS",
        "UPDATED",
        "METRIC",
        "CONDITION",
        "REASON",
    ];
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &[&str]| {
        let last = cells.len() - 1;
        for (i, cell) in cells.iter().enumerate() {
            if i == last {
                out.push_str(cell);
            } else {
                let pad = widths[i] - cell.chars().count();
                out.push_str(cell);
                out.extend(std::iter::repeat_n(' ', pad + 2));
            }
        }
        out.push('\n');
    };
    line(&header);
    for row in &rows {
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        line(&cells);
    }
    Ok(out)
}

/// Keeps the alarms that concern `function`, if given, and puts them in display order.
pub fn select(mut alarms: Vec<Alarm>, function: Option<&str>) -> Vec<Alarm> {
    if let Some(f) = function {
        // Queue names come with the function's DLQ/source queues (issue #6); none here yet.
        alarms.retain(|a| concerns_function(a, f, &[]));
    }
    sort_alarms(&mut alarms);
    alarms
}

async fn list(
    clients: &Clients,
    state: Option<AlarmState>,
    function: Option<&str>,
    json: bool,
) -> ExitCode {
    let alarms = match clients.describe_alarms(state).await {
        Ok(a) => select(a, function),
        Err(e) => return aws_error(&e),
    };
    let text = match render(&alarms, json, super::output::escape()) {
        Ok(t) => t,
        Err(e) => {
            errln!("error: encoding JSON: {e}");
            return ExitCode::from(EXIT_AWS);
        }
    };
    super::output::stdout(&text)
}

/// `a, b, c` (sanitised: names come from the command line or AWS and go to a terminal).
fn name_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| sanitize(n).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "alarm" } else { "alarms" }
}

/// The names, each once, in the order given.
fn dedup(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(names.len());
    for n in names {
        if !out.contains(n) {
            out.push(n.clone());
        }
    }
    out
}

fn set_actions(
    args: &ActionsArgs,
    enabled: bool,
    opts: &ConnectOptions,
    runtime: &tokio::runtime::Runtime,
) -> ExitCode {
    let verb = if enabled { "unmute" } else { "mute" };
    let names = dedup(&args.names);
    if opts.read_only {
        return usage_error(&format!(
            "refused by read-only mode (--read-only, or read_only in the config or a profile rule): \
             `alarms {verb}` would change {} {}; nothing was sent",
            names.len(),
            plural(names.len())
        ));
    }
    if !args.yes && !io::stdin().is_terminal() {
        return usage_error(&format!(
            "`alarms {verb}` needs confirmation and there is no terminal to ask on: pass --yes"
        ));
    }
    let Some(audit_path) = crate::audit::default_path() else {
        return usage_error(
            "no state directory for the audit log: set LAMBDASH_AUDIT_LOG or XDG_STATE_HOME; nothing was changed",
        );
    };
    let mut audit = match AuditLog::open(&audit_path) {
        Ok(log) => log,
        Err(e) => {
            return usage_error(&format!(
                "cannot open the audit log {}: {e}; nothing was changed",
                audit_path.display()
            ));
        }
    };
    let (clients, alarms) = match runtime.block_on(async {
        let clients = Clients::connect(opts).await?;
        let alarms = clients.describe_alarms_named(&names).await?;
        Ok::<_, crate::aws::AwsError>((clients, alarms))
    }) {
        Ok(found) => found,
        Err(e) => return aws_error(&e),
    };
    let unknown: Vec<String> = names
        .iter()
        .filter(|n| !alarms.iter().any(|a| &a.name == *n))
        .cloned()
        .collect();
    if !unknown.is_empty() {
        return usage_error(&format!(
            "no such {} in {}: {}; nothing was changed",
            plural(unknown.len()),
            clients.region,
            name_list(&unknown)
        ));
    }
    // In the order given on the command line.
    let alarms: Vec<&Alarm> = names
        .iter()
        .filter_map(|n| alarms.iter().find(|a| &a.name == n))
        .collect();
    let (to_change, already): (Vec<&Alarm>, Vec<&Alarm>) = alarms
        .into_iter()
        .partition(|a| a.actions_enabled != enabled);
    let already_names: Vec<String> = already.iter().map(|a| a.name.clone()).collect();
    let state_word = if enabled { "unmuted" } else { "muted" };
    if to_change.is_empty() {
        println!(
            "nothing to do: {} already {state_word}",
            name_list(&already_names)
        );
        return ExitCode::SUCCESS;
    }
    if !already.is_empty() {
        errln!(
            "already {state_word}, left as is: {}",
            name_list(&already_names)
        );
    }
    let change_names: Vec<String> = to_change.iter().map(|a| a.name.clone()).collect();
    let prompt = format!(
        "{} actions of {} {}: {}?",
        if enabled { "Enable" } else { "Disable" },
        change_names.len(),
        plural(change_names.len()),
        name_list(&change_names)
    );
    if let Err(code) = super::confirm(&prompt, args.yes) {
        return code;
    }
    runtime.block_on(apply(
        &clients,
        &mut audit,
        &audit_path,
        &to_change,
        enabled,
    ))
}

/// Makes the change, [`NAMES_PER_CALL`] alarms per call, auditing each alarm with its outcome. Stops at
/// the first failing call.
async fn apply(
    clients: &Clients,
    audit: &mut AuditLog,
    audit_path: &Path,
    alarms: &[&Alarm],
    enabled: bool,
) -> ExitCode {
    let mut changed: Vec<String> = Vec::new();
    let mut audit_failed = false;
    for chunk in alarms.chunks(NAMES_PER_CALL) {
        let names: Vec<String> = chunk.iter().map(|a| a.name.clone()).collect();
        let result = clients.set_alarm_actions(&names, enabled).await;
        let outcome = match &result {
            Ok(()) => Outcome::Ok,
            Err(e) => Outcome::Failed {
                error: e.to_string(),
            },
        };
        for alarm in chunk {
            let entry = AuditEntry::alarm_actions(
                Utc::now(),
                &clients.profile,
                &clients.region,
                clients.endpoint_url.as_deref(),
                alarm,
                enabled,
                outcome.clone(),
            );
            if let Err(e) = audit.append(&entry) {
                errln!(
                    "warning: writing the audit log {}: {e}",
                    audit_path.display()
                );
                audit_failed = true;
            }
        }
        if let Err(e) = result {
            if !changed.is_empty() {
                errln!("changed before the failure: {}", name_list(&changed));
            }
            return aws_error(&e);
        }
        changed.extend(names);
    }
    println!(
        "{} actions of {} {}: {}",
        if enabled { "enabled" } else { "disabled" },
        changed.len(),
        plural(changed.len()),
        name_list(&changed)
    );
    if audit_failed {
        ExitCode::from(EXIT_AWS)
    } else {
        ExitCode::SUCCESS
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn parse(args: &[&str]) -> AlarmsArgs {
        let cli = Cli::try_parse_from(std::iter::once("lambdash").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        match cli.command {
            Some(Command::Alarms(a)) => a,
            other => panic!("not alarms: {other:?}"),
        }
    }

    fn sample() -> Alarm {
        let mut a = Alarm::new("orders-api-errors", AlarmState::Alarm);
        a.arn = "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:orders-api-errors".to_string();
        a.reason = "Threshold Crossed:\n3 datapoints\x1b[31m".to_string();
        a.metric = Some("Errors".to_string());
        a.namespace = Some("AWS/Lambda".to_string());
        a.dimensions
            .insert("FunctionName".to_string(), "orders-api".to_string());
        a.statistic = Some("Sum".to_string());
        a.threshold = Some(5.0);
        a.comparison = Some("GreaterThanOrEqualToThreshold".to_string());
        a.updated = Some(Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap());
        a.actions_enabled = false;
        a
    }

    #[test]
    fn list_flags_parse() {
        let a = parse(&["alarms", "--json", "--state", "ALARM", "--function", "f"]);
        assert!(a.action.is_none());
        assert!(a.json);
        assert_eq!(a.state, Some(StateArg::Alarm));
        assert_eq!(a.function.as_deref(), Some("f"));
        let a = parse(&["alarms", "--state", "insufficient_data"]);
        assert_eq!(a.state, Some(StateArg::InsufficientData));
        assert!(parse(&["alarms"]).action.is_none());
    }

    #[test]
    fn mute_and_unmute_take_names_and_yes() {
        let a = parse(&["alarms", "mute", "a", "b", "--yes"]);
        match a.action {
            Some(AlarmsAction::Mute(m)) => {
                assert_eq!(m.names, ["a", "b"]);
                assert!(m.yes);
            }
            other => panic!("{other:?}"),
        }
        let a = parse(&["--read-only", "alarms", "unmute", "a"]);
        assert!(matches!(a.action, Some(AlarmsAction::Unmute(ref m)) if !m.yes));
    }

    #[test]
    fn bad_alarm_command_lines_are_usage_errors() {
        for args in [
            &["lambdash", "alarms", "mute"][..],
            &["lambdash", "alarms", "--state", "FIRING"],
            &["lambdash", "alarms", "--json", "mute", "a"],
            &["lambdash", "alarms", "mute", "a", "--json"],
        ] {
            assert!(Cli::try_parse_from(args).is_err(), "{args:?} parsed");
        }
    }

    #[test]
    fn json_has_the_documented_fields() {
        let text = render(&[sample()], true, false).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let a = &v[0];
        assert_eq!(a["name"], "orders-api-errors");
        assert_eq!(a["state"], "ALARM");
        assert_eq!(a["reason"], "Threshold Crossed:\n3 datapoints\x1b[31m");
        assert_eq!(a["metric"], "Errors");
        assert_eq!(a["namespace"], "AWS/Lambda");
        assert_eq!(a["dimensions"]["FunctionName"], "orders-api");
        assert_eq!(a["threshold"], 5.0);
        assert_eq!(a["comparison"], "GreaterThanOrEqualToThreshold");
        assert_eq!(a["updated"], "2025-03-01T12:00:00.000Z");
        assert_eq!(a["actions_enabled"], false);
        assert_eq!(a["kind"], "metric");
    }

    #[test]
    fn table_is_aligned_and_escapes_control_characters_on_a_terminal() {
        let mut ok = Alarm::new("b", AlarmState::Ok);
        ok.kind = AlarmKind::Composite;
        ok.rule = Some("ALARM(x)".to_string());
        let text = render(&[sample(), ok], false, true).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(lines[0].starts_with("STATE  NAME"), "{text}");
        assert!(lines[1].contains("muted"), "{text}");
        assert!(lines[1].contains("AWS/Lambda Errors FunctionName=orders-api"));
        assert!(lines[1].contains("Sum >= 5"));
        assert!(
            lines[1].contains("\\x0a") && lines[1].contains("\\x1b"),
            "{text}"
        );
        assert!(!text.contains('\x1b'));
        assert!(lines[2].contains("ALARM(x)"));
        let col = |l: &str| {
            l.find("UPDATED")
                .or_else(|| l.find("2025"))
                .or_else(|| l.find(" - "))
        };
        assert_eq!(col(lines[0]), col(lines[1]), "{text}");
        let plain = render(&[sample()], false, false).unwrap();
        assert_eq!(plain.lines().count(), 2, "{plain}");
    }

    #[test]
    fn function_filter_keeps_its_alarms_in_display_order() {
        let mut other = sample();
        other.name = "other".to_string();
        other
            .dimensions
            .insert("FunctionName".to_string(), "billing".to_string());
        let mut ok = sample();
        ok.name = "orders-ok".to_string();
        ok.state = AlarmState::Ok;
        let kept = select(vec![ok, other, sample()], Some("orders-api"));
        let names: Vec<&str> = kept.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["orders-api-errors", "orders-ok"]);
        assert_eq!(select(vec![sample()], None).len(), 1);
    }

    /// `Clients` whose CloudWatch client answers DisableAlarmActions from `rule`; the other clients
    /// are never called.
    fn mocked_clients(rule: &aws_smithy_mocks::Rule) -> Clients {
        use aws_config::BehaviorVersion;
        let cloudwatch = aws_smithy_mocks::mock_client!(
            aws_sdk_cloudwatch,
            aws_smithy_mocks::RuleMode::MatchAny,
            [rule]
        );
        Clients {
            lambda: aws_sdk_lambda::Client::from_conf(
                aws_sdk_lambda::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .build(),
            ),
            logs: aws_sdk_cloudwatchlogs::Client::from_conf(
                aws_sdk_cloudwatchlogs::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .build(),
            ),
            cloudwatch,
            codedeploy: aws_sdk_codedeploy::Client::from_conf(
                aws_sdk_codedeploy::Config::builder()
                    .behavior_version(aws_config::BehaviorVersion::latest())
                    .build(),
            ),
            sqs: aws_sdk_sqs::Client::from_conf(
                aws_sdk_sqs::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .build(),
            ),
            sts: aws_sdk_sts::Client::from_conf(
                aws_sdk_sts::Config::builder()
                    .behavior_version(BehaviorVersion::latest())
                    .build(),
            ),
            calls: crate::aws::ApiCounter::default(),
            scheduler: crate::aws::scheduler::Scheduler::default(),
            profile: "prod".to_string(),
            region: "eu-west-1".to_string(),
            endpoint_url: None,
            read_only: false,
        }
    }

    #[tokio::test]
    async fn failed_mute_is_audited_with_its_error_and_stops_at_the_failing_call() {
        use aws_sdk_cloudwatch::operation::disable_alarm_actions::DisableAlarmActionsOutput;
        use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
        use aws_smithy_runtime_api::http::StatusCode;
        use aws_smithy_types::body::SdkBody;
        const DENIED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
            <Message>not authorized to perform cloudwatch:DisableAlarmActions</Message></Error>\
            <RequestId>1</RequestId></ErrorResponse>";
        let rule = aws_smithy_mocks::mock!(aws_sdk_cloudwatch::Client::disable_alarm_actions)
            .sequence()
            .output(|| DisableAlarmActionsOutput::builder().build())
            .http_response(|| {
                HttpResponse::new(StatusCode::try_from(403).unwrap(), SdkBody::from(DENIED))
            })
            .repeatedly()
            .build();
        let clients = mocked_clients(&rule);
        let alarms: Vec<Alarm> = (0..250)
            .map(|i| Alarm::new(format!("a{i:03}"), AlarmState::Alarm))
            .collect();
        let refs: Vec<&Alarm> = alarms.iter().collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let mut log = AuditLog::open(&path).unwrap();
        let code = apply(&clients, &mut log, &path, &refs, false).await;
        assert_eq!(code, ExitCode::from(EXIT_AWS));
        assert_eq!(rule.num_calls(), 2, "the third batch is not sent");
        let entries = crate::audit::read(&path).unwrap();
        assert_eq!(entries.len(), 200, "the first two batches are audited");
        assert!(entries[..100].iter().all(|e| e.outcome == Outcome::Ok));
        for e in &entries[100..] {
            assert_eq!(e.action, crate::audit::ALARM_DISABLE_ACTIONS);
            assert_eq!(e.profile, "prod");
            match &e.outcome {
                Outcome::Failed { error } => assert!(error.contains("AccessDenied"), "{error}"),
                Outcome::Ok => panic!("{} audited as ok", e.target),
            }
        }
        assert_eq!(entries[100].target, "a100");
    }

    #[test]
    fn names_are_deduplicated_in_order() {
        let names: Vec<String> = ["b", "a", "b"].iter().map(ToString::to_string).collect();
        assert_eq!(dedup(&names), ["b", "a"]);
    }
}
