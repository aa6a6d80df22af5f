//! `lambdash metrics` and `lambdash cost` (issue #4).
