//! Which AWS quota an operation draws from: (service, operation) → [`QuotaGroup`]. The service names
//! are the SDK's (`Metadata::service()`): `Lambda`, `CloudWatch Logs`, `CloudWatch`, `CodeDeploy`,
//! `SQS`, `STS`.

use crate::domain::quota::QuotaGroup;

/// The quota group of `operation` of `service`; `None` for a service lambdash does not budget.
pub fn group_for(service: &str, operation: &str) -> Option<QuotaGroup> {
    Some(match service {
        "Lambda" => match operation {
            "GetFunction" => QuotaGroup::LambdaGetFunction,
            "GetPolicy" => QuotaGroup::LambdaGetPolicy,
            "Invoke" | "InvokeAsync" | "InvokeWithResponseStream" => QuotaGroup::LambdaInvoke,
            _ => QuotaGroup::LambdaControl,
        },
        "CloudWatch Logs" => match operation {
            "FilterLogEvents" => QuotaGroup::LogsFilter,
            "GetLogEvents" => QuotaGroup::LogsGetEvents,
            _ => QuotaGroup::LogsOther,
        },
        "CloudWatch" => match operation {
            "GetMetricData" => QuotaGroup::MetricData,
            "DescribeAlarms" => QuotaGroup::DescribeAlarms,
            _ => QuotaGroup::CloudWatchOther,
        },
        "CodeDeploy" => QuotaGroup::CodeDeploy,
        "SQS" => QuotaGroup::Sqs,
        "STS" => QuotaGroup::Sts,
        _ => return None,
    })
}

/// Operations whose response body is a stream read after the call returns (not buffered).
pub fn is_streaming(operation: &str) -> bool {
    matches!(operation, "StartLiveTail" | "InvokeWithResponseStream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lambda_control_plane_api_shares_one_group() {
        for op in [
            "ListFunctions",
            "GetFunctionConfiguration",
            "ListEventSourceMappings",
            "GetFunctionEventInvokeConfig",
            "ListAliases",
            "ListVersionsByFunction",
            "UpdateAlias",
            "PublishVersion",
            "GetAccountSettings",
            "GetFunctionConcurrency",
            "PutFunctionConcurrency",
            "ListTags",
        ] {
            assert_eq!(
                group_for("Lambda", op),
                Some(QuotaGroup::LambdaControl),
                "{op}"
            );
        }
    }

    #[test]
    fn apis_with_their_own_quota_have_their_own_group() {
        let cases = [
            ("Lambda", "GetFunction", QuotaGroup::LambdaGetFunction),
            ("Lambda", "GetPolicy", QuotaGroup::LambdaGetPolicy),
            ("Lambda", "Invoke", QuotaGroup::LambdaInvoke),
            ("CloudWatch Logs", "FilterLogEvents", QuotaGroup::LogsFilter),
            ("CloudWatch Logs", "GetLogEvents", QuotaGroup::LogsGetEvents),
            (
                "CloudWatch Logs",
                "DescribeLogStreams",
                QuotaGroup::LogsOther,
            ),
            ("CloudWatch Logs", "StartLiveTail", QuotaGroup::LogsOther),
            ("CloudWatch", "GetMetricData", QuotaGroup::MetricData),
            ("CloudWatch", "DescribeAlarms", QuotaGroup::DescribeAlarms),
            (
                "CloudWatch",
                "DisableAlarmActions",
                QuotaGroup::CloudWatchOther,
            ),
            ("CodeDeploy", "ListDeployments", QuotaGroup::CodeDeploy),
            ("SQS", "ReceiveMessage", QuotaGroup::Sqs),
            ("STS", "GetCallerIdentity", QuotaGroup::Sts),
        ];
        for (service, op, group) in cases {
            assert_eq!(group_for(service, op), Some(group), "{service}.{op}");
        }
        assert_eq!(group_for("S3", "GetObject"), None);
    }

    #[test]
    fn unlimited_groups_have_no_aws_rate() {
        for g in [QuotaGroup::LambdaInvoke, QuotaGroup::Sqs, QuotaGroup::Sts] {
            assert_eq!(g.aws_rps(), None);
        }
        assert_eq!(QuotaGroup::LambdaControl.aws_rps(), Some(15.0));
        assert_eq!(QuotaGroup::LogsFilter.aws_rps(), Some(5.0));
    }
}
