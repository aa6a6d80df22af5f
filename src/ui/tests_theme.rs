//! Themes paint what they promise: the light theme's background covers the whole frame.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;

use crate::app::tests::loaded;
use crate::app::{App, Msg};
use crate::theme::{Role, Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Every cell whose background the terminal would choose (`Color::Reset`), as (x, y).
fn unpainted(app: &App, width: u16, height: u16) -> Vec<(u16, u16)> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|f| drop(super::render(app, f))).unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = Vec::new();
    for y in 0..height {
        for x in 0..width {
            if buffer[(x, y)].bg == Color::Reset {
                out.push((x, y));
            }
        }
    }
    out
}

#[test]
fn the_light_theme_paints_its_background_over_the_whole_frame() {
    let mut app = loaded(&["orders-api", "payments-webhook"]);
    app.theme = Theme::load("light", None).unwrap();
    assert!(app.theme.style(Role::Text).bg.is_some());
    assert_eq!(unpainted(&app, 100, 30), Vec::new());
    // A popup cleared over the pane (help) is painted too, and so is a frame too small for the chrome.
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('?'),
        KeyModifiers::NONE,
    )));
    assert_eq!(unpainted(&app, 100, 30), Vec::new());
    assert_eq!(unpainted(&app, 20, 3), Vec::new());
}

#[test]
fn the_dark_theme_keeps_the_terminals_background() {
    let app = loaded(&["orders-api"]);
    assert!(app.theme.style(Role::Text).bg.is_none());
    assert!(!unpainted(&app, 100, 30).is_empty());
}
