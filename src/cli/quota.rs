//! `lambdash quota [--json]`: the request budget lambdash will keep to, per AWS quota group — AWS's
//! published default rate, the share lambdash allows itself (`[quota]`, `--quota-share`) and the
//! resulting rate. It describes the configuration and sends no request: a one-shot process has no
//! traffic of its own to report. The live figures (use, queue, throttles, the rate after halvings)
//! are in the TUI's `:quota` view and status bar.

use std::fmt::Write as _;
use std::process::ExitCode;

use serde::Serialize;

use super::emit;
use crate::aws::scheduler::{Limit, QuotaConfig};
use crate::domain::quota::QuotaGroup;

#[derive(Debug, clap::Args)]
pub struct QuotaArgs {
    /// One JSON array: group, description, aws_rps, share, allowed_rps (null: not limited).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct GroupBudget {
    group: QuotaGroup,
    description: &'static str,
    aws_rps: Option<f64>,
    /// The part of AWS's quota allowed (null: an absolute rate, or no quota).
    share: Option<f64>,
    allowed_rps: Option<f64>,
    /// Where the limit comes from: `share`, `[quota] KEY`.
    source: String,
}

fn budgets(config: &QuotaConfig) -> Vec<GroupBudget> {
    QuotaGroup::ALL
        .into_iter()
        .map(|group| {
            let over = config.overrides.get(&group);
            let share = match (over, group.aws_rps()) {
                (Some(Limit::Share(s)), Some(_)) => Some(*s),
                (None, Some(_)) => Some(config.share),
                _ => None,
            };
            let source = match over {
                Some(_) => format!("[quota] {}", group.key()),
                None if group.aws_rps().is_some() => "share".to_owned(),
                None => "no AWS quota".to_owned(),
            };
            GroupBudget {
                group,
                description: group.description(),
                aws_rps: group.aws_rps(),
                share,
                allowed_rps: config.allowed_rps(group),
                source,
            }
        })
        .collect()
}

fn table(config: &QuotaConfig) -> String {
    let rps = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), |r| format!("{r:.2}"));
    let mut out = format!(
        "{:<20} {:>8} {:>6} {:>12}  {}\n",
        "GROUP", "AWS_RPS", "SHARE", "ALLOWED_RPS", "SOURCE"
    );
    for b in budgets(config) {
        let share = b
            .share
            .map_or_else(|| "-".to_owned(), |s| format!("{:.0}%", s * 100.0));
        let _ = writeln!(
            out,
            "{:<20} {:>8} {:>6} {:>12}  {}",
            b.group.key(),
            rps(b.aws_rps),
            share,
            rps(b.allowed_rps),
            b.source
        );
    }
    out
}

pub fn run(config: &QuotaConfig, args: &QuotaArgs) -> ExitCode {
    let text = if args.json {
        match serde_json::to_string_pretty(&budgets(config)) {
            Ok(json) => json + "\n",
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(super::EXIT_AWS);
            }
        }
    } else {
        table(config)
    };
    match emit(&mut std::io::stdout(), &text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_budget_is_a_third_of_every_quota() {
        let text = table(&QuotaConfig::default());
        let control = text
            .lines()
            .find(|l| l.starts_with("lambda_control"))
            .unwrap_or_default();
        assert!(control.contains("15.00"), "{control}");
        assert!(control.contains("33%"), "{control}");
        assert!(control.contains("5.00"), "{control}");
        let sqs = text
            .lines()
            .find(|l| l.starts_with("sqs"))
            .unwrap_or_default();
        assert!(sqs.contains("no AWS quota"), "{sqs}");
    }

    #[test]
    fn overrides_are_shown_with_where_they_come_from() {
        let config = QuotaConfig::default()
            .with_share(0.5)
            .with_rps(QuotaGroup::LogsFilter, 1.0);
        let rows = budgets(&config);
        let logs = rows
            .iter()
            .find(|b| b.group == QuotaGroup::LogsFilter)
            .expect("row");
        assert_eq!(logs.allowed_rps, Some(1.0));
        assert_eq!(logs.share, None);
        assert_eq!(logs.source, "[quota] logs_filter");
        let json = serde_json::to_value(&rows).expect("json");
        assert_eq!(json[0]["group"], "lambda_control");
        assert_eq!(json[0]["allowed_rps"], 7.5);
    }
}
