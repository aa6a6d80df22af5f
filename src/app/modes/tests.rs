//! The prompts and the palette through `App::update`: names after a command, line editing that never
//! leaks keys into the pane, history, the `F` prompt, help scrolling.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::app::test_support::{loaded, t0};
use crate::app::{App, Cmd, InputPurpose, LogsCmd, Mode, Msg, ScrollBounds, View};

fn key(app: &mut App, code: KeyCode) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ctrl(app: &mut App, c: char) -> Vec<Cmd> {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

fn typed(app: &mut App, text: &str) -> Vec<Cmd> {
    let mut cmds = Vec::new();
    for c in text.chars() {
        cmds.extend(key(app, KeyCode::Char(c)));
    }
    cmds
}

fn run(app: &mut App, line: &str) -> Vec<Cmd> {
    key(app, KeyCode::Char(':'));
    typed(app, line);
    key(app, KeyCode::Enter)
}

fn flash(app: &App) -> String {
    app.flash
        .as_ref()
        .map(|f| f.text.clone())
        .unwrap_or_default()
}

fn started_logs_of(cmds: &[Cmd]) -> Option<Vec<String>> {
    cmds.iter().find_map(|c| match c {
        Cmd::Logs(LogsCmd::Start { functions, .. }) => Some(functions.clone()),
        _ => None,
    })
}

const FUNCTIONS: [&str; 3] = ["audit-log-shipper", "payments-webhook", "payments-ledger"];

#[test]
fn palette_logs_with_a_name_opens_that_function_not_the_selected_row() {
    let mut app = loaded(&FUNCTIONS);
    assert_eq!(
        app.functions.selected_function().map(|f| f.name.as_str()),
        Some("audit-log-shipper")
    );
    let cmds = run(&mut app, "logs payments-webhook");
    assert_eq!(app.view, View::Logs);
    assert_eq!(
        started_logs_of(&cmds),
        Some(vec!["payments-webhook".to_string()])
    );
}

#[test]
fn palette_metrics_aliases_and_dlq_with_a_name_open_that_function() {
    let mut app = loaded(&FUNCTIONS);
    let cmds = run(&mut app, "metrics payments-ledger");
    assert_eq!(app.view, View::Metrics);
    assert_eq!(
        app.metrics.as_ref().map(|m| m.function.as_str()),
        Some("payments-ledger")
    );
    assert!(cmds.iter().any(
        |c| matches!(c, Cmd::FetchPaneMetrics { function, .. } if function == "payments-ledger")
    ));
    run(&mut app, "aliases payments-webhook");
    assert_eq!(app.view, View::Aliases);
    assert_eq!(
        app.aliases.as_ref().map(|a| a.function.as_str()),
        Some("payments-webhook")
    );
    run(&mut app, "dlq payments-webhook");
    assert_eq!(app.view, View::Dlq);
    assert_eq!(app.dlq.for_function.as_deref(), Some("payments-webhook"));
    run(&mut app, "alarms audit");
    assert_eq!(app.view, View::Alarms);
    assert_eq!(
        app.alarms.for_function.as_deref(),
        Some("audit-log-shipper"),
        "a unique prefix names the function"
    );
}

#[test]
fn palette_unknown_or_ambiguous_name_says_so_and_opens_nothing() {
    let mut app = loaded(&FUNCTIONS);
    let cmds = run(&mut app, "logs no-such-function");
    assert_eq!(app.view, View::Functions);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(
        flash(&app),
        "function no-such-function not found in us-east-1 (nothing opened; Tab completes)"
    );
    let cmds = run(&mut app, "metrics payments");
    assert_eq!(app.view, View::Functions);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert!(
        flash(&app).contains("payments is ambiguous: payments-ledger, payments-webhook"),
        "{}",
        flash(&app)
    );
}

#[test]
fn palette_tab_completes_function_names_after_the_command() {
    let mut app = loaded(&FUNCTIONS);
    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "logs payments-w");
    key(&mut app, KeyCode::Tab);
    let Mode::Palette { input, .. } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(input.text(), "logs payments-webhook");
}

#[test]
fn backspace_on_an_empty_prompt_keeps_it_open_and_leaks_no_keys() {
    let mut app = loaded(&FUNCTIONS);
    key(&mut app, KeyCode::Char(':'));
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Backspace);
    assert!(matches!(app.mode, Mode::Palette { .. }), "still open");
    // "theme light" typed after an accidental Backspace once opened logs ("l") and more.
    let cmds = typed(&mut app, "theme light");
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(app.view, View::Functions);
    let cmds = key(&mut app, KeyCode::Enter);
    assert_eq!(cmds, vec![Cmd::LoadTheme("light".into())]);

    // The same in a line prompt and in the `/` filter.
    let mut app = loaded(&FUNCTIONS);
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Backspace);
    assert!(matches!(app.mode, Mode::Filter { .. }));
    let cmds = typed(&mut app, "lm");
    assert!(cmds.is_empty());
    assert_eq!(app.view, View::Functions);
    assert_eq!(app.functions.filter_input, "lm");
}

#[test]
fn ctrl_u_and_ctrl_w_edit_the_prompt_instead_of_typing_letters() {
    let mut app = loaded(&FUNCTIONS);
    key(&mut app, KeyCode::Char(':'));
    typed(&mut app, "logs payments-webhook");
    ctrl(&mut app, 'w');
    let Mode::Palette { input, .. } = &app.mode else {
        panic!()
    };
    assert_eq!(input.text(), "logs ");
    ctrl(&mut app, 'u');
    let Mode::Palette { input, .. } = &app.mode else {
        panic!()
    };
    assert_eq!(input.text(), "", "Ctrl-U typed a literal u before");
    // Esc closes; the keys after it are pane keys again, and nothing ran.
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn prompt_history_recalls_earlier_lines_per_prompt_kind() {
    let mut app = loaded(&FUNCTIONS);
    run(&mut app, "theme light");
    run(&mut app, "theme default");
    key(&mut app, KeyCode::Char(':'));
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    let Mode::Palette { input, .. } = &app.mode else {
        panic!()
    };
    assert_eq!(input.text(), "theme light");
    key(&mut app, KeyCode::Esc);
    // The functions filter has its own (empty) history.
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Up);
    assert_eq!(app.functions.filter_input, "");
}

#[test]
fn log_filter_prompt_starts_empty_and_enter_never_reapplies_the_old_filter() {
    let mut app = loaded(&FUNCTIONS);
    key(&mut app, KeyCode::Char('l'));
    assert_eq!(app.view, View::Logs);
    key(&mut app, KeyCode::Char('F'));
    typed(&mut app, "ERROR");
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        cmds.iter().any(
            |c| matches!(c, Cmd::Logs(LogsCmd::Start { filter: Some(f), .. }) if f == "ERROR")
        )
    );
    // F again: empty (the pattern in force is in the prompt's label); ↑ recalls it, Enter on the same
    // pattern restarts nothing.
    key(&mut app, KeyCode::Char('F'));
    let Mode::Input { purpose, text } = &app.mode else {
        panic!("{:?}", app.mode)
    };
    assert_eq!(purpose, &InputPurpose::LogFilter);
    assert!(text.is_empty());
    key(&mut app, KeyCode::Up);
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(cmds.is_empty(), "{cmds:?}");
    assert_eq!(flash(&app), "unchanged: filter pattern ERROR");
    // Empty + Enter clears it.
    key(&mut app, KeyCode::Char('F'));
    let cmds = key(&mut app, KeyCode::Enter);
    assert!(
        cmds.iter()
            .any(|c| matches!(c, Cmd::Logs(LogsCmd::Start { filter: None, .. })))
    );
}

#[test]
fn range_prompt_takes_a_time_of_day_range_today() {
    let mut app = loaded(&FUNCTIONS);
    key(&mut app, KeyCode::Char('l'));
    key(&mut app, KeyCode::Char('R'));
    typed(&mut app, "16:30..16:40");
    let cmds = key(&mut app, KeyCode::Enter);
    let range = cmds.iter().find_map(|c| match c {
        Cmd::Logs(LogsCmd::Start { range, .. }) => *range,
        _ => None,
    });
    let day = t0().date_naive();
    assert_eq!(
        range,
        Some(crate::logs::range::RangeSpec::Between {
            start: day.and_hms_opt(16, 30, 0).unwrap().and_utc(),
            end: Some(day.and_hms_opt(16, 40, 0).unwrap().and_utc()),
        })
    );
}

#[test]
fn help_scrolls_to_its_end_and_stops_there() {
    let mut app = loaded(&FUNCTIONS);
    app.layout.scroll = Some(ScrollBounds { max: 30, page: 20 });
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.mode, Mode::Help { scroll: 20 });
    key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.mode, Mode::Help { scroll: 30 });
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.mode, Mode::Help { scroll: 30 }, "j stops at the end");
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.mode, Mode::Help { scroll: 0 });
}

#[test]
fn region_switch_says_switched_once_connected() {
    let mut app = loaded(&FUNCTIONS);
    run(&mut app, "region eu-west-1");
    assert_eq!(flash(&app), "switching to region eu-west-1…");
    app.update(Msg::Connected {
        generation: 2,
        profile: "demo".into(),
        region: "eu-west-1".into(),
    });
    assert_eq!(flash(&app), "switched to region eu-west-1");
}

#[test]
fn a_key_that_does_nothing_here_says_so() {
    let mut app = loaded(&FUNCTIONS);
    assert!(key(&mut app, KeyCode::Char('z')).is_empty());
    assert_eq!(
        flash(&app),
        "z does nothing in functions (? lists the keys)"
    );
}
