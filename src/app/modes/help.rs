//! `?`: the help overlay's keys. It scrolls like any text: `j`/`k`, `PgUp`/`PgDn`, `g`/`G`, and stops at
//! its end (the bounds come from the last frame drawn).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::{App, Mode};

/// Scrolls `scroll` by a key: `None` when the key is not a scroll key. `bounds` (from the frame drawn
/// last) keep it within the text; without them (never drawn) only the top is known.
pub(in crate::app) fn scrolled(
    scroll: u16,
    key: &KeyEvent,
    bounds: Option<crate::app::ScrollBounds>,
) -> Option<u16> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let page = bounds.map_or(10, |b| b.page.max(1));
    let max = bounds.map_or(u16::MAX, |b| b.max);
    let next = match key.code {
        KeyCode::Char('j') | KeyCode::Down => scroll.saturating_add(1),
        KeyCode::Char('k') | KeyCode::Up => scroll.saturating_sub(1),
        KeyCode::PageDown => scroll.saturating_add(page),
        KeyCode::Char('f') if ctrl => scroll.saturating_add(page),
        KeyCode::PageUp => scroll.saturating_sub(page),
        KeyCode::Char('b') if ctrl => scroll.saturating_sub(page),
        KeyCode::Char('g') | KeyCode::Home => 0,
        KeyCode::Char('G') | KeyCode::End => max,
        _ => return None,
    };
    Some(next.min(max))
}

impl App {
    pub(in crate::app) fn on_help_key(&mut self, key: KeyEvent, scroll: u16) {
        if matches!(key.code, KeyCode::Esc | KeyCode::Char('?' | 'q')) {
            self.mode = Mode::Normal;
        } else if let Some(scroll) = scrolled(scroll, &key, self.layout.scroll) {
            self.mode = Mode::Help { scroll };
        }
    }
}
