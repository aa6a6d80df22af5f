//! Test-only hooks, inert unless their environment variable is set.
//!
//! `LAMBDASH_TEST_PANIC=main` makes the event loop panic when `!` is pressed; `LAMBDASH_TEST_PANIC=task`
//! makes a spawned task panic instead (a bug in a poller). `tests/pty_terminal.rs` uses them to prove a
//! panic restores the terminal. Not a user feature: undocumented outside the tests on purpose.

use std::sync::OnceLock;

use crossterm::event::KeyCode;

use crate::app::Msg;

#[derive(Clone, Copy, PartialEq, Eq)]
enum PanicIn {
    Nowhere,
    Main,
    Task,
}

fn mode() -> PanicIn {
    static MODE: OnceLock<PanicIn> = OnceLock::new();
    *MODE.get_or_init(|| match std::env::var("LAMBDASH_TEST_PANIC").as_deref() {
        Ok("main" | "1") => PanicIn::Main,
        Ok("task") => PanicIn::Task,
        _ => PanicIn::Nowhere,
    })
}

/// Panics (in the event loop or in a task) when asked to by `LAMBDASH_TEST_PANIC` and `!` is pressed.
pub(super) fn maybe_panic(msg: &Msg) {
    let Msg::Key(key) = msg else {
        return;
    };
    if key.code != KeyCode::Char('!') {
        return;
    }
    match mode() {
        PanicIn::Nowhere => {}
        PanicIn::Main => panic!("LAMBDASH_TEST_PANIC: a panic in the event loop"),
        PanicIn::Task => {
            tokio::spawn(async { panic!("LAMBDASH_TEST_PANIC: a panic in a task") });
        }
    }
}
