//! AWS request quotas as lambdash sees them: the quota groups (APIs that share one AWS rate limit), their
//! published default rates, and a snapshot of how much of each lambdash uses (the status bar, `:quota`,
//! `lambdash quota`). The scheduler that enforces them is [`crate::aws::scheduler`].

use std::fmt;
use std::time::Duration;

/// APIs that share one AWS request quota (per account and region).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum QuotaGroup {
    /// Every Lambda control-plane API (ListFunctions, GetFunctionConfiguration, ListAliases, …): 15/s.
    LambdaControl,
    /// Lambda GetFunction: 100/s.
    LambdaGetFunction,
    /// Lambda GetPolicy: 15/s.
    LambdaGetPolicy,
    /// Lambda Invoke (data plane): limited by concurrency, not by a request rate.
    LambdaInvoke,
    /// CloudWatch Logs FilterLogEvents: 5/s.
    LogsFilter,
    /// CloudWatch Logs GetLogEvents: 25/s.
    LogsGetEvents,
    /// Other CloudWatch Logs APIs (DescribeLogStreams, StartLiveTail, …): 5/s.
    LogsOther,
    /// CloudWatch GetMetricData: 50/s.
    MetricData,
    /// CloudWatch DescribeAlarms: 9/s.
    DescribeAlarms,
    /// Other CloudWatch APIs (DescribeAlarmHistory, alarm actions, …): 9/s.
    CloudWatchOther,
    /// CodeDeploy: 10/s.
    CodeDeploy,
    /// SQS: effectively unlimited.
    Sqs,
    /// STS: effectively unlimited for lambdash's one call.
    Sts,
}

impl QuotaGroup {
    pub const ALL: [Self; 13] = [
        Self::LambdaControl,
        Self::LambdaGetFunction,
        Self::LambdaGetPolicy,
        Self::LambdaInvoke,
        Self::LogsFilter,
        Self::LogsGetEvents,
        Self::LogsOther,
        Self::MetricData,
        Self::DescribeAlarms,
        Self::CloudWatchOther,
        Self::CodeDeploy,
        Self::Sqs,
        Self::Sts,
    ];

    /// AWS's published default rate in requests per second, per account and region (`None`: no
    /// request-rate quota that lambdash could reach).
    pub fn aws_rps(self) -> Option<f64> {
        match self {
            Self::LambdaControl | Self::LambdaGetPolicy => Some(15.0),
            Self::LambdaGetFunction => Some(100.0),
            Self::LogsFilter | Self::LogsOther => Some(5.0),
            Self::LogsGetEvents => Some(25.0),
            Self::MetricData => Some(50.0),
            Self::DescribeAlarms | Self::CloudWatchOther => Some(9.0),
            Self::CodeDeploy => Some(10.0),
            Self::LambdaInvoke | Self::Sqs | Self::Sts => None,
        }
    }

    /// The key in the config file's `[quota]` table.
    pub fn key(self) -> &'static str {
        match self {
            Self::LambdaControl => "lambda_control",
            Self::LambdaGetFunction => "lambda_get_function",
            Self::LambdaGetPolicy => "lambda_get_policy",
            Self::LambdaInvoke => "lambda_invoke",
            Self::LogsFilter => "logs_filter",
            Self::LogsGetEvents => "logs_get_events",
            Self::LogsOther => "logs_other",
            Self::MetricData => "metric_data",
            Self::DescribeAlarms => "describe_alarms",
            Self::CloudWatchOther => "cloudwatch_other",
            Self::CodeDeploy => "codedeploy",
            Self::Sqs => "sqs",
            Self::Sts => "sts",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.key() == key)
    }

    /// A short label for the status bar: `λ` is the Lambda control plane.
    pub fn short_label(self) -> &'static str {
        match self {
            Self::LambdaControl => "λ",
            Self::LambdaGetFunction => "λ GetFunction",
            Self::LambdaGetPolicy => "λ GetPolicy",
            Self::LambdaInvoke => "λ Invoke",
            Self::LogsFilter => "FilterLogEvents",
            Self::LogsGetEvents => "GetLogEvents",
            Self::LogsOther => "logs",
            Self::MetricData => "GetMetricData",
            Self::DescribeAlarms => "DescribeAlarms",
            Self::CloudWatchOther => "CloudWatch",
            Self::CodeDeploy => "CodeDeploy",
            Self::Sqs => "SQS",
            Self::Sts => "STS",
        }
    }

    /// What the group covers, for `:quota` and `lambdash quota`.
    pub fn description(self) -> &'static str {
        match self {
            Self::LambdaControl => {
                "Lambda control plane (every API but GetFunction, GetPolicy, Invoke)"
            }
            Self::LambdaGetFunction => "Lambda GetFunction",
            Self::LambdaGetPolicy => "Lambda GetPolicy",
            Self::LambdaInvoke => "Lambda Invoke (data plane)",
            Self::LogsFilter => "CloudWatch Logs FilterLogEvents",
            Self::LogsGetEvents => "CloudWatch Logs GetLogEvents",
            Self::LogsOther => "other CloudWatch Logs APIs",
            Self::MetricData => "CloudWatch GetMetricData",
            Self::DescribeAlarms => "CloudWatch DescribeAlarms",
            Self::CloudWatchOther => "other CloudWatch APIs",
            Self::CodeDeploy => "CodeDeploy",
            Self::Sqs => "SQS",
            Self::Sts => "STS",
        }
    }
}

impl serde::Serialize for QuotaGroup {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.key())
    }
}

impl fmt::Display for QuotaGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Who is waiting for a request token: what the user just asked for is served first, then what a
/// visible pane needs, then background discovery.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    User,
    #[default]
    Visible,
    Background,
}

impl Priority {
    pub const ALL: [Self; 3] = [Self::User, Self::Visible, Self::Background];

    pub fn rank(self) -> usize {
        self as usize
    }
}

/// One quota group in one scope (profile or endpoint, region), as the scheduler knows it now.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct GroupUsage {
    /// `profile-or-endpoint/region`.
    pub scope: String,
    pub group: QuotaGroup,
    /// AWS's quota (requests/s); `None`: no request-rate quota.
    pub aws_rps: Option<f64>,
    /// The share of it lambdash allows itself (requests/s); `None`: not limited.
    pub allowed_rps: Option<f64>,
    /// The rate now, after halvings on throttles (AIMD); equals `allowed_rps` when not throttled lately.
    pub current_rps: Option<f64>,
    /// Requests sent (retries included) per second over the last 10 s and the last minute.
    pub used_rps_10s: f64,
    pub used_rps_60s: f64,
    /// Requests waiting for a token: user, visible, background.
    pub queued: [usize; 3],
    /// Throttle responses received in the last hour.
    pub throttles_1h: u32,
}

impl GroupUsage {
    /// The used rate as a fraction of AWS's quota (0 when there is none).
    pub fn load(&self) -> f64 {
        self.aws_rps.map_or(0.0, |q| self.used_rps_10s / q)
    }

    pub fn queued_total(&self) -> usize {
        self.queued.iter().sum()
    }
}

/// Every group the scheduler has seen or been configured with, in [`QuotaGroup::ALL`] order per scope.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct QuotaSnapshot {
    pub groups: Vec<GroupUsage>,
}

impl QuotaSnapshot {
    /// The group using the largest part of its AWS quota over the last 10 s (the Lambda control plane
    /// when nothing is used, so the status bar has a steady figure).
    pub fn busiest(&self) -> Option<&GroupUsage> {
        let limited = self.groups.iter().filter(|g| g.aws_rps.is_some());
        let top = limited.max_by(|a, b| {
            a.load()
                .total_cmp(&b.load())
                .then_with(|| b.group.cmp(&a.group))
        })?;
        if top.used_rps_10s > 0.0 {
            Some(top)
        } else {
            self.groups
                .iter()
                .find(|g| g.group == QuotaGroup::LambdaControl)
                .or(Some(top))
        }
    }

    /// Requests waiting for a token in `group` (every scope).
    pub fn queued(&self, group: QuotaGroup) -> usize {
        self.groups
            .iter()
            .filter(|g| g.group == group)
            .map(GroupUsage::queued_total)
            .sum()
    }
}

/// ListFunctions answers at most this many functions a page.
pub const LIST_FUNCTIONS_PAGE: usize = 50;

/// A refresh of the function list spends on average at most one Lambda control-plane request a
/// second (a fifth of lambdash's default share of 5/s), whatever the account's size: the list is
/// read again every `configured` period, or every second per page when that is longer (10,000
/// functions, 200 pages: every 200 s, 60 requests a minute instead of 200).
pub fn list_refresh_every(configured: Duration, functions: usize) -> Duration {
    let pages = u32::try_from(functions.div_ceil(LIST_FUNCTIONS_PAGE)).unwrap_or(u32::MAX);
    configured.max(Duration::from_secs(1).saturating_mul(pages))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_refresh_slows_down_with_the_account_size() {
        let minute = Duration::from_mins(1);
        assert_eq!(list_refresh_every(minute, 0), minute);
        assert_eq!(
            list_refresh_every(minute, 1_234),
            minute,
            "25 pages: the configured minute"
        );
        assert_eq!(list_refresh_every(minute, 10_000), Duration::from_secs(200));
        assert_eq!(
            list_refresh_every(Duration::from_mins(5), 10_000),
            Duration::from_mins(5)
        );
    }

    fn usage(group: QuotaGroup, used: f64) -> GroupUsage {
        GroupUsage {
            scope: "default/eu-west-1".into(),
            group,
            aws_rps: group.aws_rps(),
            allowed_rps: group.aws_rps().map(|r| r / 3.0),
            current_rps: group.aws_rps().map(|r| r / 3.0),
            used_rps_10s: used,
            used_rps_60s: used,
            queued: [0; 3],
            throttles_1h: 0,
        }
    }

    #[test]
    fn every_group_has_a_unique_config_key() {
        for g in QuotaGroup::ALL {
            assert_eq!(QuotaGroup::from_key(g.key()), Some(g));
        }
        assert_eq!(QuotaGroup::from_key("lambda"), None);
    }

    #[test]
    fn busiest_is_the_largest_part_of_its_quota_not_the_largest_rate() {
        let snap = QuotaSnapshot {
            groups: vec![
                usage(QuotaGroup::LambdaControl, 3.0),
                usage(QuotaGroup::MetricData, 5.0),
                usage(QuotaGroup::LogsFilter, 2.0),
                usage(QuotaGroup::Sqs, 100.0),
            ],
        };
        assert_eq!(
            snap.busiest().map(|g| g.group),
            Some(QuotaGroup::LogsFilter)
        );
    }

    #[test]
    fn busiest_is_the_lambda_control_plane_when_idle() {
        let snap = QuotaSnapshot {
            groups: vec![
                usage(QuotaGroup::MetricData, 0.0),
                usage(QuotaGroup::LambdaControl, 0.0),
            ],
        };
        assert_eq!(
            snap.busiest().map(|g| g.group),
            Some(QuotaGroup::LambdaControl)
        );
    }
}
