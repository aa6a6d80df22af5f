//! The panes: one directory each, holding the pane's state (`mod.rs`) and what keys and answers do to
//! it (`update.rs`). See ARCHITECTURE.md for where the pane's other pieces live.

pub mod alarms;
pub mod aliases;
pub mod cost;
pub mod detail;
pub mod dlq;
pub mod functions;
pub mod logs;
pub mod metrics;
