//! `lambdash tail` (issue #3).
