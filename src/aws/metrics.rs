//! CloudWatch metrics: batched GetMetricData (issue #4).
