//! Snapshots of the shell and the panes on ratatui's `TestBackend`, in every state they can be in: the
//! shell here, each pane in `tests/<pane>.rs`. Snapshots stay in `ui/snapshots/` under their names from
//! before the split (`lambdash__ui__tests__<test>.snap`), whichever file asserts them.

use crate::app::test_support::loaded;
use crate::app::{App, Msg};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// Asserts a pane snapshot under the name it had when every UI test was in this file:
/// `ui/snapshots/lambdash__ui__tests__<name>.snap`.
macro_rules! assert_screen {
    ($name:literal, $screen:expr) => {
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(concat!("lambdash__ui__tests__", $name), $screen);
        })
    };
}

mod alarms;
mod aliases;
mod dlq;
mod functions;
mod logs;

use functions::with_detail;

pub(super) fn draw(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let mut layout = None;
    terminal
        .draw(|f| layout = Some(super::render(app, f)))
        .unwrap();
    app.layout = layout.unwrap();
    let buffer = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn key(app: &mut App, code: KeyCode) {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn demo_names() -> Vec<&'static str> {
    vec![
        "orders-api",
        "payments-webhook",
        "thumbnail-resizer",
        "nightly-report",
        "email-sender",
    ]
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char('?'));
    let screen = draw(&mut app, 100, 104);
    // The keymap is longer than the overlay: scroll page by page (wide, so no line is cut) to see the rest.
    let mut pages = String::new();
    for page in 0..6_u16 {
        app.mode = crate::app::Mode::Help { scroll: page * 90 };
        pages.push_str(&draw(&mut app, 200, 104));
    }
    app.mode = crate::app::Mode::Help { scroll: 0 };
    for b in crate::app::keymap::BINDINGS {
        assert!(pages.contains(b.desc), "help lacks {:?}", b.desc);
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn palette_shows_completions() {
    let mut app = loaded(&demo_names());
    key(&mut app, KeyCode::Char(':'));
    key(&mut app, KeyCode::Char('r'));
    key(&mut app, KeyCode::Char('e'));
    key(&mut app, KeyCode::Tab);
    for c in "eu-".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    insta::assert_snapshot!(draw(&mut app, 100, 16));
}

#[test]
fn tiny_areas_do_not_panic() {
    for (w, h) in [(0, 0), (1, 1), (0, 5), (5, 0), (2, 2), (10, 3), (20, 4)] {
        let mut app = loaded(&demo_names());
        draw(&mut app, w, h);
        let mut app = with_detail(true);
        draw(&mut app, w, h);
        key(&mut app, KeyCode::Char('?'));
        draw(&mut app, w, h);
        let mut app = loaded(&demo_names());
        key(&mut app, KeyCode::Char(':'));
        draw(&mut app, w, h);
    }
}

#[test]
fn one_by_one_shows_a_cell_of_the_frame() {
    let mut app = loaded(&demo_names());
    insta::assert_snapshot!(draw(&mut app, 1, 1));
}
