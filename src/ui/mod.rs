//! Drawing. Everything here reads `&App` and writes into a frame; nothing here changes state or does I/O.
//! Every widget survives a 0×0 and a 1×1 area.

mod alarms;
mod aliases;
mod confirm;
mod cost;
mod detail;
mod dlq;
pub mod format;
mod functions;
mod header;
mod help;
mod logs;
mod metrics;
mod palette;
mod prompt;
mod quota;
mod status;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_metrics;
#[cfg(test)]
mod tests_nav;
#[cfg(test)]
mod tests_peek_limit;
#[cfg(test)]
mod tests_theme;
#[cfg(test)]
mod tests_truth;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout as RLayout, Rect};

use crate::app::{App, Layout, Mode, View};

/// Draws the whole screen. Returns where the table was drawn, for mouse hit-testing.
pub fn render(app: &App, frame: &mut Frame) -> Layout {
    let area = frame.area();
    let mut layout = Layout::default();
    if area.width == 0 || area.height == 0 {
        return layout;
    }
    if area.height < 4 {
        // Too small for the chrome: the body alone, so the user still sees something.
        draw_body(app, frame, area, &mut layout);
        paint_background(app, frame);
        return layout;
    }
    // The footer grows when a message wraps, leaving the body at least one row.
    let foot_height = status::height(app, area.width).min(area.height - 2);
    let [head, body, foot] = RLayout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(foot_height),
    ])
    .areas(area);
    header::draw(app, frame, head);
    draw_body(app, frame, body, &mut layout);
    status::draw(app, frame, foot);
    match &app.mode {
        Mode::Help { scroll } => layout.scroll = help::draw(app, frame, body, *scroll),
        Mode::Palette { input, completion } => {
            palette::draw(app, frame, body, input.text(), *completion);
        }
        Mode::Confirm(c) => confirm::draw(app, frame, body, c),
        Mode::Quota => quota::draw(app, frame, body),
        Mode::Normal | Mode::Filter { .. } | Mode::Input { .. } => {}
    }
    paint_background(app, frame);
    layout
}

/// A theme whose `text` role has a background (the light theme) paints it over the whole frame: every
/// cell left at the terminal's own colours (blank space, popups cleared with `Clear`) takes the text
/// role's colours, so a light theme on a dark terminal is light everywhere. Themes without a `text`
/// background (the dark ones) keep the terminal's.
fn paint_background(app: &App, frame: &mut Frame) {
    use crate::theme::Role;
    use ratatui::style::Color;
    let text = app.theme.style(Role::Text);
    let Some(bg) = text.bg else {
        return;
    };
    let area = frame.area();
    let buf = frame.buffer_mut();
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(cell) = buf.cell_mut((x, y)) {
                if cell.bg == Color::Reset {
                    cell.set_bg(bg);
                }
                if let Some(fg) = text.fg
                    && cell.fg == Color::Reset
                {
                    cell.set_fg(fg);
                }
            }
        }
    }
}

/// Where Esc goes: the path from the functions list to this pane, on the pane's bottom border (the
/// top border holds the pane's own title and counts).
fn draw_breadcrumb(app: &App, frame: &mut Frame, area: Rect) {
    use crate::theme::Role;
    use ratatui::text::{Line, Span};
    let path = app.breadcrumb();
    if path.len() < 3 || area.height < 3 || area.width < 12 {
        return;
    }
    let text = format!(
        " {} · Esc back ",
        crate::sanitize::sanitize(&path.join(" › "))
    );
    let width = u16::try_from(unicode_width::UnicodeWidthStr::width(text.as_str()))
        .unwrap_or(u16::MAX)
        .min(area.width.saturating_sub(2));
    // The pane's bottom border: the lowest row starting with a bottom-left corner (notes may sit
    // under the pane's box, as in the DLQ pane).
    let mut corner = |y: u16| {
        frame
            .buffer_mut()
            .cell((area.x, y))
            .is_some_and(|c| matches!(c.symbol(), "└" | "╰" | "┗" | "╚"))
    };
    let Some(y) = (area.y + 1..area.y + area.height)
        .rev()
        .find(|y| corner(*y))
    else {
        return;
    };
    let at = Rect {
        x: area.x + 1,
        y,
        width,
        height: 1,
    };
    frame.render_widget(
        ratatui::widgets::Paragraph::new(Line::from(Span::styled(
            text,
            app.theme.style(Role::Muted),
        ))),
        at,
    );
}

fn draw_body(app: &App, frame: &mut Frame, area: Rect, layout: &mut Layout) {
    match app.view {
        View::Functions => functions::draw(app, frame, area, layout),
        View::Detail => detail::draw(app, frame, area),
        View::Aliases => aliases::draw(app, frame, area),
        View::Alarms => alarms::draw(app, frame, area),
        View::Logs => logs::draw(app, frame, area),
        View::Dlq => layout.scroll = dlq::draw(app, frame, area),
        View::Metrics => metrics::draw(app, frame, area),
        View::Cost => cost::draw(app, frame, area),
    }
    draw_breadcrumb(app, frame, area);
}

/// The state of a pane's remote data for its title: a spinner while loading, or the error with how
/// long ago it happened, marked STALE when the rows shown are the last good ones. `None` when ready.
pub(crate) fn phase_span<T>(
    app: &App,
    remote: &crate::domain::Remote<T>,
) -> Option<ratatui::text::Span<'static>> {
    use crate::domain::Phase;
    use crate::theme::Role;
    let t = &app.theme;
    match &remote.phase {
        Phase::Loading { .. } => Some(ratatui::text::Span::styled(
            format!("{} loading… ", format::spinner(app.now)),
            t.style(Role::Info),
        )),
        Phase::Failed { error, at } => Some(ratatui::text::Span::styled(
            format!(
                "{} {} ago: {} ",
                if remote.data.is_some() {
                    "STALE — refresh failed"
                } else {
                    "failed"
                },
                format::age(app.now, *at),
                crate::sanitize::sanitize(error)
            ),
            t.style(Role::Error),
        )),
        Phase::Idle | Phase::Ready { .. } => None,
    }
}

/// A rectangle of at most `width`×`height` centred in `area`.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}
