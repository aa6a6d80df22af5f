//! `lambdash dlq` (issue #6).
