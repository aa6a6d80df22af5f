//! Metric series, health and cost estimates (issue #4).
