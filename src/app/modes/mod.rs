//! The keyboard modes that sit on top of a pane: the `/` filter, the `:` palette, the confirm step.

mod confirm;
pub mod filter;
pub mod palette;
