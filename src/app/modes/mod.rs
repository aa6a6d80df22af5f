//! The keyboard modes that sit on top of a pane: the `/` filter, the `:` palette, the line prompts,
//! help, the confirm step.

mod command;
mod confirm;
pub mod filter;
pub(in crate::app) mod help;
pub mod kill_switch;
pub mod line;
pub mod palette;
mod prompt;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_kill_switch;
