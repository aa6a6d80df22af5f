//! Terminal safety in a real terminal (tmux): a panic (in the event loop or in a task), Ctrl-C pressed,
//! and SIGINT all give the terminal back as it was — tty settings identical, alternate screen left — and
//! the panic's message is readable. SIGTERM and SIGHUP are in `tests/e2e_tui.rs`.
//! Region eu-central-2 of the shared emulator.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::Command;

use support::{Home, Tmux, shared_endpoint};

const REGION: &str = "eu-central-2";
const PREFIX: &str = "pty-safety";

fn seed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let emu = lambdash::seed::connect(&shared_endpoint(), REGION).await;
        lambdash::seed::seed_functions(&emu, PREFIX, 2, 2)
            .await
            .unwrap();
    });
}

/// Starts lambdash in a shell that compares the tty settings before and after, and waits for its
/// functions; returns the session.
fn start(session: &str, home: &Home, extra_env: &str) -> Tmux {
    seed();
    let command = format!(
        "before=$(stty -g); {} {extra_env} {}; code=$?; \
         [ \"$before\" = \"$(stty -g)\" ] && echo TTY-RESTORED; echo EXITED-$code; sleep 30",
        home.env_prefix(&shared_endpoint(), REGION),
        support::bin()
    );
    let tmux = Tmux::start(session, &command);
    tmux.wait_for("the functions to load", |s| s.contains(PREFIX));
    tmux
}

fn assert_restored(tmux: &Tmux, code: i32, what: &str) -> String {
    let screen = tmux.wait_for("lambdash to exit", |s| s.contains("EXITED-"));
    assert!(
        screen.contains("TTY-RESTORED"),
        "tty settings differ after {what}:\n{screen}"
    );
    assert!(
        screen.contains(&format!("EXITED-{code}")),
        "{what}: exit code:\n{screen}"
    );
    assert!(
        !screen.contains(&format!("{PREFIX}-0000")),
        "{what}: the alternate screen was left on:\n{screen}"
    );
    screen
}

#[test]
fn a_panic_in_the_event_loop_restores_the_terminal() {
    let home = Home::new();
    let tmux = start("lambdash-pty-panic-main", &home, "LAMBDASH_TEST_PANIC=main");
    tmux.keys(&["!"]);
    let screen = assert_restored(&tmux, 101, "a panic in the event loop");
    assert!(
        screen.contains("a panic in the event loop"),
        "the panic message is readable:\n{screen}"
    );
}

#[test]
fn a_panic_in_a_task_restores_the_terminal_and_ends_the_app() {
    let home = Home::new();
    let tmux = start("lambdash-pty-panic-task", &home, "LAMBDASH_TEST_PANIC=task");
    tmux.keys(&["!"]);
    let screen = assert_restored(&tmux, 101, "a panic in a task");
    assert!(
        screen.contains("a panic in a task"),
        "the panic message is readable:\n{screen}"
    );
}

#[test]
fn without_the_test_variable_the_panic_key_does_nothing() {
    let home = Home::new();
    let tmux = start("lambdash-pty-no-panic", &home, "");
    tmux.keys(&["!"]);
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert!(tmux.screen().contains(PREFIX), "{}", tmux.screen());
    tmux.keys(&["q"]);
    assert_restored(&tmux, 0, "q");
}

#[test]
fn ctrl_c_pressed_restores_the_terminal() {
    let home = Home::new();
    let tmux = start("lambdash-pty-ctrl-c", &home, "");
    tmux.keys(&["C-c"]);
    assert_restored(&tmux, 0, "Ctrl-C");
}

#[test]
fn sigint_restores_the_terminal() {
    let home = Home::new();
    let tmux = start("lambdash-pty-sigint", &home, "");
    let pid = tmux.lambdash_pid().expect("lambdash runs in the pane");
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_restored(&tmux, 0, "SIGINT");
}
