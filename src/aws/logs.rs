//! CloudWatch Logs: FilterLogEvents windows and Live Tail (issue #3).
