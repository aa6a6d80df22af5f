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

/// `LAMBDASH_TEST_GUARD_PROBE=FILE`: `!` sends one mutating call (DeleteFunctionConcurrency of a
/// function that does not exist) straight through the current SDK clients, past the app's own
/// refusal, and appends `refused` (the SDK-level read-only guard stopped it) or `sent: …` to FILE.
/// `tests/reliability_read_only.rs` uses it to prove the guard follows `:profile`.
pub(super) fn maybe_probe_guard(msg: &Msg, clients: Option<crate::aws::Clients>) {
    static FILE: OnceLock<Option<std::path::PathBuf>> = OnceLock::new();
    let Msg::Key(key) = msg else {
        return;
    };
    let Some(file) = FILE
        .get_or_init(|| std::env::var_os("LAMBDASH_TEST_GUARD_PROBE").map(Into::into))
        .clone()
    else {
        return;
    };
    if key.code != KeyCode::Char('!') {
        return;
    }
    let Some(clients) = clients else {
        return;
    };
    tokio::spawn(async move {
        let result = clients
            .lambda
            .delete_function_concurrency()
            .function_name("lambdash-guard-probe")
            .send()
            .await;
        let line = match result {
            Err(e)
                if aws_smithy_types::error::display::DisplayErrorContext(&e)
                    .to_string()
                    .contains("refused by --read-only") =>
            {
                format!("refused ({})\n", clients.profile)
            }
            other => format!("sent ({}): {}\n", clients.profile, other.is_ok()),
        };
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&file)
        {
            let _ = std::io::Write::write_all(&mut f, line.as_bytes());
        }
    });
}
