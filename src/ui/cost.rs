//! The cost pane: every function's estimated cost over the range, most expensive first, projected to
//! a month; the total in the title; what makes it a lower bound said once at the bottom.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, TableState, Wrap};

use crate::app::App;
use crate::sanitize::sanitize;
use crate::theme::Role;

use super::format::{spinner, usd};

fn title(app: &App) -> Line<'static> {
    let t = &app.theme;
    let pane = &app.cost;
    let mut spans = vec![
        Span::styled(" Cost ", t.style(Role::Title)),
        Span::styled(
            format!("(estimate, lower bound) · last {} ", pane.range.label()),
            t.style(Role::Muted),
        ),
    ];
    if let Some(d) = &pane.remote.data {
        spans.push(Span::styled(
            format!(
                "· total {} · ≈ {}/month ",
                usd(d.report.total_usd),
                usd(d.report.projected_monthly_usd)
            ),
            t.style(Role::Accent),
        ));
        if pane.asked != Some(pane.range) {
            spans.push(Span::styled(
                format!(
                    "(shown: last {}) ",
                    pane.asked
                        .map_or("?", crate::domain::metrics::MetricsRange::label)
                ),
                t.style(Role::Warning),
            ));
        }
    }
    spans.extend(super::phase_span(app, &pane.remote));
    Line::from(spans)
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let pane = &app.cost;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::BorderFocused))
        .title(title(app));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let Some(data) = &pane.remote.data else {
        let (text, role) = match pane.remote.error() {
            Some(e) => (
                format!(
                    "The estimate could not be made: {}. r retries.",
                    sanitize(e)
                ),
                Role::Error,
            ),
            None => (
                format!(
                    "{} reading every function's invocations and duration…",
                    spinner(app.now)
                ),
                Role::Info,
            ),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, t.style(role))).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    };
    let report = &data.report;
    let mut notes: Vec<Line> = Vec::new();
    if !data.unestimated.is_empty() {
        let names: Vec<String> = data
            .unestimated
            .iter()
            .take(6)
            .map(|u| format!("{} ({})", sanitize(&u.function), sanitize(&u.reason)))
            .collect();
        let more = data.unestimated.len().saturating_sub(6);
        notes.push(Line::from(Span::styled(
            format!(
                "not estimated ({}): {}{}",
                data.unestimated.len(),
                names.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            ),
            t.style(Role::Warning),
        )));
    }
    notes.push(Line::from(Span::styled(
        format!(
            "lower bound: INIT time, per-invocation 1 ms rounding and the free tier are not in it; {} · prices: {} · {} GetMetricData call(s)",
            crate::domain::metrics::cost::TIERS_NOTE,
            sanitize(&report.prices_source),
            data.calls
        ),
        t.style(Role::Muted),
    )));
    let width = usize::from(inner.width.max(1));
    let wrapped: usize = notes.iter().map(|l| l.width().div_ceil(width).max(1)).sum();
    let notes_height = u16::try_from(wrapped)
        .unwrap_or(u16::MAX)
        .min(inner.height.saturating_sub(2));
    let [table_area, notes_area] =
        Layout::vertical([Constraint::Min(0), Constraint::Length(notes_height)]).areas(inner);
    frame.render_widget(Paragraph::new(notes).wrap(Wrap { trim: true }), notes_area);
    if report.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "No function had invocations in this range (nothing to cost).",
                t.style(Role::Muted),
            )),
            table_area,
        );
        return;
    }
    let body_rows = usize::from(table_area.height.saturating_sub(1)).max(1);
    let rows = report
        .rows
        .iter()
        .skip(pane.offset)
        .take(body_rows)
        .map(|r| {
            Row::new([
                sanitize(&r.function).into_owned(),
                r.architecture.clone(),
                format!("{}", r.memory_mb),
                format!("{:.0}", r.invocations),
                format!("{:.1}", r.gb_seconds),
                usd(r.request_cost_usd),
                usd(r.duration_cost_usd),
                usd(r.ephemeral_cost_usd),
                usd(r.total_usd),
                usd(r.projected_monthly_usd),
            ])
        });
    // The name column is as wide as the longest name (8..=40), not the rest of the screen.
    let name_width = report
        .rows
        .iter()
        .map(|r| sanitize(&r.function).chars().count())
        .max()
        .unwrap_or(8)
        .clamp(8, 40);
    let table = Table::new(
        rows,
        [
            Constraint::Length(u16::try_from(name_width).unwrap_or(40)),
            Constraint::Length(7),
            Constraint::Length(6),
            Constraint::Length(11),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(11),
        ],
    )
    .header(
        Row::new([
            "FUNCTION",
            "ARCH",
            "MB",
            "INVOCATIONS",
            "GB-S",
            "REQUESTS",
            "DURATION",
            "STORAGE",
            "TOTAL ▼",
            "≈ MONTH",
        ])
        .style(t.style(Role::TableHeader)),
    )
    .row_highlight_style(t.style(Role::Selection));
    let mut state =
        TableState::default().with_selected(Some(pane.selected.saturating_sub(pane.offset)));
    frame.render_stateful_widget(table, table_area, &mut state);
}
