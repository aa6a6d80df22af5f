//! A line being typed ([`LineEdit`]), drawn with its cursor: the char under the cursor reversed, or a
//! block after the text when the cursor is at its end.

use ratatui::style::Modifier;
use ratatui::text::Span;

use crate::app::LineEdit;
use crate::sanitize::sanitize;
use crate::theme::{Role, Theme};

pub fn spans(t: &Theme, line: &LineEdit, role: Role) -> Vec<Span<'static>> {
    let (before, under, after) = line.split_at_cursor();
    let mut out = vec![Span::styled(sanitize(before).into_owned(), t.style(role))];
    match under {
        Some(c) => {
            out.push(Span::styled(
                sanitize(&c.to_string()).into_owned(),
                t.style(role).add_modifier(Modifier::REVERSED),
            ));
            out.push(Span::styled(sanitize(after).into_owned(), t.style(role)));
        }
        None => out.push(Span::styled("█", t.style(Role::Muted))),
    }
    out
}
