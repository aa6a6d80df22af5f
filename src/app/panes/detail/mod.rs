//! The detail pane: one function's configuration, env values masked until revealed.

#[cfg(test)]
mod tests;
mod update;

use crate::domain::{FunctionDetail, Remote};

/// The detail view of one function.
#[derive(Clone, Debug)]
pub struct DetailPane {
    pub function: String,
    pub remote: Remote<FunctionDetail>,
    pub request: u64,
    /// Env values are masked until the user reveals them.
    pub reveal_env: bool,
    pub scroll: u16,
}
