//! The logs pane: lines coloured by level (plain and JSON), tagged by function when several are
//! tailed, search matches highlighted; the invocations table; the pretty-printed JSON popup.
//! Log text is untrusted: every message goes through `sanitize` before it reaches a cell.

use chrono::Local;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};

use crate::app::App;
use crate::app::logs::{BackfillState, LogsPane, LogsView, TailState, TimeMode};
use crate::domain::log::{Level, Transport};
use crate::logs::{LogLine, json};
use crate::sanitize::{sanitize, sanitize_lines};
use crate::theme::{Role, Theme};

use super::format::{age, spinner, truncate};

/// Roles cycled through to tell tailed functions apart.
const SOURCE_ROLES: [Role; 4] = [Role::Accent, Role::Info, Role::Ok, Role::Warning];

fn level_role(level: Level) -> Role {
    match level {
        Level::Error => Role::Error,
        Level::Warn => Role::Warning,
        Level::Debug => Role::Muted,
        Level::Info | Level::Unknown => Role::Text,
    }
}

fn title(app: &App, pane: &LogsPane) -> Line<'static> {
    let t = &app.theme;
    let mut spans = vec![Span::styled(
        format!(" Logs: {} ", sanitize(&pane.functions.join(", "))),
        t.style(Role::Title),
    )];
    let state = match &pane.state {
        TailState::Starting | TailState::Following if pane.backfill.is_some() => Span::styled(
            format!(
                "{} fetching {}… ",
                spinner(app.now),
                pane.range.map(|r| r.label()).unwrap_or_default()
            ),
            t.style(Role::Info),
        ),
        TailState::Starting => Span::styled(
            match pane.range {
                Some(r) => format!("{} fetching {}… ", spinner(app.now), r.label()),
                None => format!(
                    "{} loading the last {} events… ",
                    spinner(app.now),
                    pane.last_n
                ),
            },
            t.style(Role::Info),
        ),
        TailState::RangeShown => Span::styled(
            "■ not following (Esc: back to the tail) ",
            t.style(Role::Info),
        ),
        TailState::Throttled { until } => Span::styled(
            format!(
                "throttled, retrying in {}s ",
                (*until - app.now).num_seconds().max(0)
            ),
            t.style(Role::Warning),
        ),
        TailState::Failed { error, at } => Span::styled(
            format!(
                "STALE — poll failed {} ago, retrying: {} ",
                age(app.now, *at),
                sanitize(error)
            ),
            t.style(Role::Error),
        ),
        TailState::Following if pane.follow => Span::styled("● following ", t.style(Role::Ok)),
        TailState::Following => Span::styled(
            format!("‖ paused — {} new ", pane.new_while_paused),
            t.style(Role::Warning),
        ),
    };
    spans.push(state);
    if let Some(r) = pane.range
        && pane.state != TailState::Starting
        && pane.backfill.is_none()
    {
        spans.push(Span::styled(
            format!("range {} ", r.label()),
            t.style(Role::Accent),
        ));
    }
    if let Some(transport) = &pane.transport
        && pane.state != TailState::RangeShown
    {
        spans.push(transport_badge(t, transport));
    }
    if let Some(p) = &pane.filter_pattern {
        spans.push(Span::styled(
            format!("filter {} ", sanitize(p)),
            t.style(Role::Accent),
        ));
    }
    if !pane.search.is_empty() {
        // On a match (after n / N): which one of how many; else how many.
        let count = pane.match_position().map_or_else(
            || format!("{} matches", pane.match_count()),
            |(n, of)| format!("{n}/{of}"),
        );
        spans.push(Span::styled(
            format!("/{} ({count}) ", sanitize(&pane.search)),
            t.style(Role::Accent),
        ));
    }
    if let LogsView::Invocation { request_id } = &pane.view {
        spans.push(Span::styled(
            format!("invocation {} ", sanitize(request_id)),
            t.style(Role::Accent),
        ));
    }
    spans.push(Span::styled(
        format!("{} lines ", pane.buffer.lines.len()),
        t.style(Role::Muted),
    ));
    Line::from(spans)
}

/// `LIVE`, `LIVE · SAMPLED`, or `POLLING` with why not Live Tail (the flash says it in full too).
fn transport_badge(t: &Theme, transport: &Transport) -> Span<'static> {
    match transport {
        Transport::Live { sampled: false } => Span::styled("LIVE TAIL ", t.style(Role::Ok)),
        Transport::Live { sampled: true } => Span::styled(
            "LIVE TAIL · SAMPLED (over 500 events/s: some not shown) ",
            t.style(Role::Warning),
        ),
        Transport::Polling { why: None } => Span::styled("polling ", t.style(Role::Muted)),
        Transport::Polling { why: Some(why) } => Span::styled(
            format!("POLLING — {} ", truncate(&sanitize(why), 70)),
            t.style(Role::Warning),
        ),
    }
}

/// The backfill's progress line: a bar, slices (× functions) done of all, events so far.
fn backfill_line(t: &Theme, pane: &LogsPane, b: BackfillState, width: u16) -> Line<'static> {
    const BAR: usize = 20;
    let label = pane.range.map(|r| r.label()).unwrap_or_default();
    let filled = (b.done * BAR).checked_div(b.total).unwrap_or(0).min(BAR);
    let text = format!(
        " {} fetching {label}: {}/{} slices, {} events — Esc cancels",
        "█".repeat(filled) + &"░".repeat(BAR - filled),
        b.done,
        b.total,
        b.events
    );
    Line::from(Span::styled(
        truncate(&text, usize::from(width)),
        t.style(Role::Info),
    ))
}

/// `text` as spans, every case-insensitive occurrence of `needle` highlighted.
fn highlighted(text: &str, needle: &str, base: Style, hl: Style) -> Vec<Span<'static>> {
    if needle.is_empty() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let lower = text.to_lowercase();
    let needle = needle.to_lowercase();
    // Lowercasing can change byte lengths for some scripts; fall back to no highlight then.
    if lower.len() != text.len() {
        return vec![Span::styled(text.to_string(), base)];
    }
    let mut spans = Vec::new();
    let mut at = 0;
    while let Some(found) = lower[at..].find(&needle) {
        let start = at + found;
        let end = start + needle.len();
        if start > at {
            spans.push(Span::styled(text[at..start].to_string(), base));
        }
        spans.push(Span::styled(text[start..end].to_string(), hl));
        at = end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_string(), base));
    }
    spans
}

fn render_line(t: &Theme, pane: &LogsPane, line: &LogLine, selected: bool) -> Line<'static> {
    let mut spans = Vec::new();
    let ts = line.event.timestamp;
    match pane.time {
        TimeMode::Utc => spans.push(Span::styled(
            format!("{} ", ts.format("%H:%M:%S%.3f")),
            t.style(Role::Muted),
        )),
        TimeMode::Local => spans.push(Span::styled(
            format!("{} ", ts.with_timezone(&Local).format("%H:%M:%S%.3f")),
            t.style(Role::Muted),
        )),
        TimeMode::Off => {}
    }
    if pane.functions.len() > 1 {
        let role = SOURCE_ROLES[line.source % SOURCE_ROLES.len()];
        spans.push(Span::styled(
            format!("{} ", sanitize(&line.event.function)),
            t.style(role),
        ));
    }
    if pane.show_stream {
        spans.push(Span::styled(
            format!("{} ", truncate(&sanitize(&line.event.stream), 40)),
            t.style(Role::Muted),
        ));
    }
    let raw = line.event.text();
    let is_platform = raw.starts_with("START ")
        || raw.starts_with("END ")
        || raw.starts_with("REPORT ")
        || raw.starts_with("INIT_START");
    let text = json::compact(raw).unwrap_or_else(|| raw.to_string());
    let base = if is_platform {
        t.style(Role::Muted)
    } else {
        t.style(level_role(line.level))
    };
    spans.extend(highlighted(
        &sanitize(&text),
        &pane.search,
        base,
        t.style(Role::Highlight),
    ));
    let mut out = Line::from(spans);
    if selected {
        out = out.style(t.style(Role::Selection));
    }
    out
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(pane) = &app.logs else {
        return;
    };
    let t = &app.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::BorderFocused))
        .title(title(app, pane));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if let LogsView::Invocations { selected, .. } = &pane.view {
        draw_invocations(app, pane, frame, inner, *selected);
        return;
    }
    let mut inner = inner;
    if let Some(b) = pane.backfill {
        let line = Rect { height: 1, ..inner };
        frame.render_widget(Paragraph::new(backfill_line(t, pane, b, inner.width)), line);
        inner.y += 1;
        inner.height -= 1;
        if inner.height == 0 {
            return;
        }
    }
    let visible = pane.visible();
    if visible.is_empty() {
        let text = match &pane.state {
            TailState::Starting if pane.range.is_some() => format!(
                "{} Fetching {}…",
                spinner(app.now),
                pane.range.map(|r| r.label()).unwrap_or_default()
            ),
            TailState::RangeShown => "No log events in this range.".to_string(),
            TailState::Starting => format!("{} Loading the last {} events, whatever their age…", spinner(app.now), pane.last_n),
            TailState::Failed { error, .. } => format!("No lines yet: {} (retrying)", sanitize(error)),
            _ => "No log events yet for this function (its log group is empty or does not exist): following.".to_string(),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, t.style(Role::Muted))).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let height = usize::from(inner.height);
    let cursor = pane.cursor_index();
    let at = cursor
        .and_then(|c| visible.iter().position(|&i| i == c))
        .unwrap_or(visible.len() - 1);
    let start = if pane.follow {
        visible.len().saturating_sub(height)
    } else {
        at.saturating_sub(height / 2)
            .min(visible.len().saturating_sub(height))
    };
    let lines: Vec<Line> = visible[start..]
        .iter()
        .take(height)
        .filter_map(|&i| pane.buffer.lines.get(i).map(|l| (i, l)))
        .map(|(i, l)| render_line(t, pane, l, !pane.follow && Some(i) == cursor))
        .collect();
    let mut paragraph = Paragraph::new(lines);
    if pane.wrap {
        paragraph = paragraph.wrap(Wrap { trim: false });
    }
    frame.render_widget(paragraph, inner);
    if pane.pretty {
        draw_pretty(t, pane, frame, inner);
    }
}

fn draw_pretty(t: &Theme, pane: &LogsPane, frame: &mut Frame, area: Rect) {
    let Some(line) = pane.selected_line() else {
        return;
    };
    let body: Vec<Line> = match json::pretty(line.event.text()) {
        Some(pretty) => sanitize_lines(&pretty)
            .into_iter()
            .map(|l| Line::from(Span::styled(l, t.style(Role::Text))))
            .collect(),
        None => vec![Line::from(Span::styled(
            "The selected line is not JSON.",
            t.style(Role::Muted),
        ))],
    };
    let height = u16::try_from(body.len() + 2).unwrap_or(u16::MAX);
    let popup = super::centered(area, area.width.saturating_sub(8), height);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(body).wrap(Wrap { trim: false }).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.style(Role::BorderFocused))
                .title(Span::styled(" JSON — p closes ", t.style(Role::Title))),
        ),
        popup,
    );
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |d| format!("{d:.1} ms"))
}

fn draw_invocations(app: &App, pane: &LogsPane, frame: &mut Frame, area: Rect, selected: usize) {
    let t = &app.theme;
    let rows_data = pane.invocation_rows();
    if rows_data.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled(
                "No invocations in the buffer yet (built from START / END / REPORT lines).",
                t.style(Role::Muted),
            )),
            area,
        );
        return;
    }
    let rows = rows_data.iter().map(|r| {
        let outcome = if r.timed_out {
            Span::styled("TIMEOUT", t.style(Role::Error))
        } else if r.error {
            Span::styled("ERROR", t.style(Role::Error))
        } else if r.complete {
            Span::styled("ok", t.style(Role::Ok))
        } else {
            Span::styled("running", t.style(Role::Info))
        };
        Row::new([
            Cell::from(sanitize(&r.request_id).into_owned()),
            Cell::from(
                r.start
                    .or(r.end)
                    .map_or_else(|| "—".to_string(), |s| s.format("%H:%M:%S%.3f").to_string()),
            ),
            Cell::from(ms(r.duration_ms)),
            Cell::from(
                r.billed_ms
                    .map_or_else(|| "—".to_string(), |b| format!("{b} ms")),
            ),
            Cell::from(match (r.max_memory_used_mb, r.memory_size_mb) {
                (Some(u), Some(s)) => format!("{u} / {s} MB"),
                _ => "—".to_string(),
            }),
            Cell::from(Span::styled(
                ms(r.init_duration_ms),
                if r.cold_start() {
                    t.style(Role::Warning)
                } else {
                    t.style(Role::Muted)
                },
            )),
            Cell::from(outcome),
        ])
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(38),
            Constraint::Length(13),
            Constraint::Length(11),
            Constraint::Length(9),
            Constraint::Length(14),
            Constraint::Length(13),
            Constraint::Min(8),
        ],
    )
    .header(
        Row::new([
            "REQUEST ID",
            "START",
            "DURATION",
            "BILLED",
            "MEMORY",
            "INIT (COLD)",
            "OUTCOME",
        ])
        .style(t.style(Role::TableHeader)),
    )
    .row_highlight_style(t.style(Role::Selection));
    let mut state = TableState::default().with_selected(Some(selected.min(rows_data.len() - 1)));
    frame.render_stateful_widget(table, area, &mut state);
}
