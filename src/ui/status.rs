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
        Mode::Filter { line } => {
            let mut spans = vec![Span::styled("/", t.style(Role::Key))];
            spans.extend(super::prompt::spans(t, line, Role::Text));
            spans.push(Span::styled(
                "   Enter keep · Esc clear · ↑↓ history · leading ! inverts",
                t.style(Role::Muted),
            ));
            Line::from(spans)
        }
        Mode::Palette { input, .. } => {
            let mut spans = vec![Span::styled(":", t.style(Role::Key))];
            spans.extend(super::prompt::spans(t, input, Role::Text));
            spans.push(Span::styled(
                "   Tab complete · Enter run · ↑↓ history · Esc cancel",
                t.style(Role::Muted),
            ));
            Line::from(spans)
        }
        Mode::Input { text, purpose } => {
            let mut spans = vec![Span::styled(input_label(app, purpose), t.style(Role::Key))];
            spans.extend(super::prompt::spans(t, text, Role::Text));
            spans.push(Span::styled(
                format!("   {} · ↑↓ history · Esc cancel", purpose.enter_does()),
                t.style(Role::Muted),
            ));
            Line::from(spans)
        }
        Mode::Normal | Mode::Help { .. } | Mode::Confirm(_) | Mode::Quota => match &app.flash {
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

/// The prompt's label, with what is set now when the prompt starts empty (↑ recalls it).
fn input_label(app: &App, purpose: &InputPurpose) -> String {
    let logs = app.logs.as_ref();
    let now = |what: Option<&str>| {
        what.filter(|w| !w.is_empty())
            .map_or_else(String::new, |w| format!(" (now: {})", sanitize(w)))
    };
    match purpose {
        InputPurpose::PublishDescription { .. } => "description for the new version: ".to_string(),
        InputPurpose::LogSearch => format!(
            "search the buffer{}: /",
            now(logs.map(|l| l.search.as_str()))
        ),
        InputPurpose::LogFilter => format!(
            "CloudWatch filter pattern{}: ",
            now(logs.and_then(|l| l.filter_pattern.as_deref()))
        ),
        InputPurpose::LogRange => {
            let zone = match logs.map(|l| l.time) {
                Some(crate::app::logs::TimeMode::Local) => "local time",
                _ => "UTC",
            };
            format!("range (2h, 16:30..16:40 today, or 2026-11-21T10:00..11:00; {zone}): ")
        }
        InputPurpose::DlqSearch => format!(
            "search the peeked messages{}: /",
            now(app.dlq.peek.as_ref().map(|p| p.search.as_str()))
        ),
        InputPurpose::RedriveQueue { .. } => "redrive to queue (name or URL): ".to_string(),
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
    let quota = super::quota::status_figure(&app.quota)
        .map(|q| format!(" · {q}"))
        .unwrap_or_default();
    let right = if spend > 0.0 {
        format!(
            " {refreshed}{quota} · {} API calls/min · metrics ${spend:.4}/h ",
            app.api_calls_last_minute()
        )
    } else {
        format!(
            " {refreshed}{quota} · {} API calls/min ",
            app.api_calls_last_minute()
        )
    };
    // Data older than three refresh periods is an error on screen, with why.
    let stale = app
        .stale()
        .map(|why| {
            let at = match app.view {
                View::Functions => app.functions.remote.last_ok,
                View::Alarms => app.alarms.remote.last_ok,
                View::Dlq => app.dlq.remote.last_ok,
                _ => None,
            };
            let old = at.map(|at| age(app.now, at)).unwrap_or_default();
            format!(" STALE {old}: {} ", sanitize(&why))
        })
        .unwrap_or_default();
    let budget =
        usize::from(area.width).saturating_sub(right.chars().count() + stale.chars().count());
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
    if !stale.is_empty() {
        spans.push(Span::styled(stale, t.style(Role::FlashError)));
    }
    spans.push(Span::styled(right, t.style(Role::StatusBar)));
    frame.render_widget(
        Paragraph::new(Line::from(spans)).style(t.style(Role::StatusBar)),
        area,
    );
}
