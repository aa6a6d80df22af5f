//! The two footer lines: the flash / input line, then key hints with refresh age and API call rate.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::{App, FlashLevel, InputPurpose, Mode, View, keymap};
use crate::sanitize::sanitize;
use crate::theme::Role;

use super::format::age;

/// Rows the flash / input line may take when it does not fit on one (it wraps at word boundaries
/// instead of being cut mid-word).
pub const MAX_MESSAGE_ROWS: u16 = 4;

/// The footer's height at `width`: the flash / input line, wrapped, then the key hints.
pub fn height(app: &App, width: u16) -> u16 {
    super::format::wrapped_rows(&input_or_flash_line(app), width).clamp(1, MAX_MESSAGE_ROWS) + 1
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let [top, bottom] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    frame.render_widget(
        Paragraph::new(input_or_flash_line(app)).wrap(Wrap { trim: false }),
        top,
    );
    draw_hints(app, frame, bottom);
}

fn input_or_flash_line(app: &App) -> Line<'static> {
    let t = &app.theme;
    match &app.mode {
        Mode::Filter => Line::from(vec![
            Span::styled("/", t.style(Role::Key)),
            Span::styled(
                sanitize(if app.view == View::Alarms {
                    &app.alarms.filter_input
                } else {
                    &app.functions.filter_input
                })
                .into_owned(),
                t.style(Role::Text),
            ),
            Span::styled("█", t.style(Role::Muted)),
            Span::styled(
                "   Enter keep · Esc clear · leading ! inverts",
                t.style(Role::Muted),
            ),
        ]),
        Mode::Palette { input, .. } => Line::from(vec![
            Span::styled(":", t.style(Role::Key)),
            Span::styled(sanitize(input).into_owned(), t.style(Role::Text)),
            Span::styled("█", t.style(Role::Muted)),
            Span::styled(
                "   Tab complete · Enter run · Esc cancel",
                t.style(Role::Muted),
            ),
        ]),
        Mode::Input { text, purpose } => Line::from(vec![
            Span::styled(
                match purpose {
                    InputPurpose::PublishDescription { .. } => "description for the new version: ",
                    InputPurpose::LogSearch => "search the buffer: /",
                    InputPurpose::LogFilter => "CloudWatch filter pattern (empty: none): ",
                    InputPurpose::LogRange => "range (2h, or 2026-11-21T10:00..11:00 UTC): ",
                    InputPurpose::DlqSearch => "search the peeked messages: /",
                    InputPurpose::RedriveQueue { .. } => "redrive to queue (name or URL): ",
                },
                t.style(Role::Key),
            ),
            Span::styled(sanitize(text).into_owned(), t.style(Role::Text)),
            Span::styled("█", t.style(Role::Muted)),
            Span::styled("   Enter next · Esc cancel", t.style(Role::Muted)),
        ]),
        Mode::Normal | Mode::Help { .. } | Mode::Confirm(_) => match &app.flash {
            Some(flash) => {
                let role = match flash.level {
                    FlashLevel::Info => Role::Flash,
                    FlashLevel::Warn => Role::Warning,
                    FlashLevel::Error => Role::FlashError,
                };
                Line::from(Span::styled(
                    format!(" {}", sanitize(&flash.text)),
                    t.style(role),
                ))
            }
            None if app.view == View::Functions
                && app
                    .functions
                    .selected_function()
                    .map(|f| app.function_health(f))
                    .is_some_and(|h| !h.is_healthy()) =>
            {
                let reasons: Vec<String> = app
                    .functions
                    .selected_function()
                    .map(|f| app.function_health(f))
                    .map(|h| h.flags.into_iter().map(|f| f.reason).collect())
                    .unwrap_or_default();
                Line::from(Span::styled(
                    format!(" ⚠ {}", sanitize(&reasons.join(" · "))),
                    t.style(Role::Warning),
                ))
            }
            None if !app.functions.filter_input.is_empty() && app.view == View::Functions => {
                Line::from(vec![
                    Span::styled(" filter ", t.style(Role::Muted)),
                    Span::styled(
                        format!("/{}", sanitize(&app.functions.filter_input)),
                        t.style(Role::Accent),
                    ),
                    Span::styled("  (Esc clears)", t.style(Role::Muted)),
                ])
            }
            None => Line::default(),
        },
    }
}

fn draw_hints(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let last_ok = match app.view {
        View::Functions => app.functions.remote.last_ok,
        View::Detail => app.detail.as_ref().and_then(|d| d.remote.last_ok),
        View::Aliases => app.aliases.as_ref().and_then(|a| a.remote.last_ok),
        View::Alarms => app.alarms.remote.last_ok,
        View::Dlq => app.dlq.remote.last_ok,
        View::Logs => None,
        View::Metrics => app.metrics.as_ref().and_then(|m| m.remote.last_ok),
        View::Cost => app.cost.remote.last_ok,
    };
    let refreshed = if app.view == View::Logs {
        app.logs
            .as_ref()
            .and_then(|l| l.buffer.lines.last())
            .map_or_else(
                || "no line yet".to_string(),
                |l| format!("newest line {} old", age(app.now, l.event.timestamp)),
            )
    } else {
        last_ok.map_or_else(
            || "not refreshed yet".to_string(),
            |at| format!("refreshed {} ago", age(app.now, at)),
        )
    };
    let spend = app.metrics_spend_last_hour();
    let right = if spend > 0.0 {
        format!(
            " {refreshed} · {} API calls/min · metrics ${spend:.4}/h ",
            app.api_calls_last_minute()
        )
    } else {
        format!(
            " {refreshed} · {} API calls/min ",
            app.api_calls_last_minute()
        )
    };
    let budget = usize::from(area.width).saturating_sub(right.chars().count());
    let mut spans = Vec::new();
    let mut used = 0;
    for (keys, desc) in keymap::hints_with(&app.config.keys, app.scope()) {
        let width = keys.chars().count() + desc.chars().count() + 3;
        if used + width > budget {
            break;
        }
        used += width;
        spans.push(Span::styled(format!(" {keys}"), t.style(Role::Key)));
        spans.push(Span::styled(format!(" {desc} "), t.style(Role::StatusBar)));
    }
    spans.push(Span::styled(
        " ".repeat(budget.saturating_sub(used)),
        t.style(Role::StatusBar),
    ));
    spans.push(Span::styled(right, t.style(Role::StatusBar)));
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(t.style(Role::StatusBar)),
        area,
    );
}
