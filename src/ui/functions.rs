//! The functions table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout as RLayout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Padding, Paragraph, Row, Table, TableState, Wrap};

use crate::app::{App, Layout, SortColumn};
use crate::domain::metrics::health::{Health, HealthKind, Level};
use crate::domain::metrics::{Reading, row_series};
use crate::domain::{Function, Phase};
use crate::sanitize::sanitize;
use crate::theme::Role;

use super::format::{bytes, count_reading, millis_reading, spinner, timestamp, truncate};

fn title(app: &App) -> Line<'static> {
    let t = &app.theme;
    let pane = &app.functions;
    let total = pane.all().len();
    let mut spans = vec![Span::styled(" Functions ", t.style(Role::Title))];
    if pane.filter_input.is_empty() {
        spans.push(Span::styled(format!("({total}) "), t.style(Role::Muted)));
    } else {
        spans.push(Span::styled(
            format!(
                "({} of {total} match /{}) ",
                pane.view.len(),
                sanitize(&pane.filter_input)
            ),
            t.style(Role::Accent),
        ));
    }
    if let Some(saved_at) = pane.from_cache {
        spans.push(Span::styled(
            format!(
                "list kept on disk {} ago, being refreshed ",
                super::format::age(app.now, saved_at)
            ),
            t.style(Role::Muted),
        ));
    }
    spans.extend(super::phase_span(app, &pane.remote));
    Line::from(spans)
}

fn cells(f: &Function) -> [String; 8] {
    [
        sanitize(&f.name).into_owned(),
        f.runtime
            .as_deref()
            .map_or_else(|| f.package_type.clone(), |r| sanitize(r).into_owned()),
        f.architecture.clone(),
        format!("{} MB", f.memory_mb),
        format!("{}s", f.timeout_s),
        f.state.clone().unwrap_or_else(|| "—".to_string()),
        f.last_modified.map_or_else(|| "—".to_string(), timestamp),
        bytes(f.code_size_bytes),
    ]
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect, layout: &mut Layout) {
    let t = &app.theme;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::BorderFocused))
        .padding(Padding::horizontal(1))
        .title(title(app));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let pane = &app.functions;
    if pane.view.is_empty() {
        draw_empty(app, frame, inner);
        return;
    }

    let metrics = app.row_metrics.data.as_ref();
    let percentiles_unavailable = metrics.is_some_and(|b| b.percentiles_unavailable);
    let columns = fit_columns(app, inner.width, percentiles_unavailable);
    let header_cells = columns.iter().map(|c| {
        let arrow = match c.sort {
            Some(s) if s == pane.sort => {
                if s.largest_first() == pane.descending {
                    " ▲"
                } else {
                    " ▼"
                }
            }
            _ => "",
        };
        Cell::from(format!("{}{arrow}", c.title))
    });
    let header = Row::new(header_cells).style(t.style(Role::TableHeader));
    let body_rows = usize::from(inner.height.saturating_sub(1));
    let name_cut = columns
        .first()
        .map_or(inner.width, |c| c.width.min(inner.width));
    let rows = pane.rows().skip(pane.offset).take(body_rows).map(|f| {
        let mut fixed = cells(f);
        if pane.marked.contains(&f.name) {
            fixed[0] = format!("● {}", fixed[0]);
        }
        // A cut name ends in "…" (Enter opens the detail with the full name).
        fixed[0] = truncate(&fixed[0], usize::from(name_cut));
        let m = metric_cells(app, f);
        let row_cells: Vec<Cell> = columns
            .iter()
            .map(|c| match c.kind {
                ColKind::Fixed(i) => Cell::from(fixed[i].clone()),
                ColKind::Metric(i) => m[i].clone(),
            })
            .collect();
        let mut row = Row::new(row_cells);
        if f.runtime_deprecated() {
            row = row.style(t.style(Role::Warning));
        } else if f.state.as_deref().is_some_and(|s| s != "Active") {
            row = row.style(t.style(Role::Muted));
        }
        row
    });
    let widths: Vec<Constraint> = columns
        .iter()
        .map(|c| Constraint::Length(c.width))
        .collect();
    let table = Table::new(rows, widths.clone())
        .header(header)
        .column_spacing(2)
        .flex(Flex::Start)
        .row_highlight_style(t.style(Role::Selection));
    let mut state =
        TableState::default().with_selected(Some(pane.selected.saturating_sub(pane.offset)));
    frame.render_stateful_widget(table, inner, &mut state);

    layout.table_header = Rect { height: 1, ..inner };
    layout.table_body = Rect {
        y: inner.y + 1,
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let rects = RLayout::horizontal(widths)
        .flex(Flex::Start)
        .spacing(2)
        .split(inner);
    layout.columns = rects
        .iter()
        .zip(&columns)
        .filter_map(|(r, c)| c.sort.map(|s| (r.x, r.x + r.width, s)))
        .collect();
}

/// No row to show: no match for the filter, the list failed, the account has none, or it is loading.
fn draw_empty(app: &App, frame: &mut Frame, inner: Rect) {
    let t = &app.theme;
    let pane = &app.functions;
    let (text, role) = match (&pane.remote.phase, pane.remote.data.as_ref().map(Vec::len)) {
        (_, Some(n)) if n > 0 => (
            format!(
                "No function matches /{} — Esc clears the filter.",
                sanitize(&pane.filter_input)
            ),
            Role::Muted,
        ),
        (Phase::Failed { error, .. }, _) => (
            format!("Could not list functions: {}", sanitize(error)),
            Role::Error,
        ),
        (Phase::Ready { .. }, _) => (
            format!(
                "No functions in {} for profile {}.",
                app.region, app.profile
            ),
            Role::Muted,
        ),
        _ => (
            format!("{} Loading functions…", spinner(app.now)),
            Role::Info,
        ),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(text, t.style(role))).wrap(Wrap { trim: true }),
        inner,
    );
}

#[derive(Clone, Copy)]
enum ColKind {
    /// Index into [`cells`].
    Fixed(usize),
    /// Index into [`metric_cells`].
    Metric(usize),
}

struct Col {
    title: &'static str,
    width: u16,
    sort: Option<SortColumn>,
    kind: ColKind,
}

const fn col(title: &'static str, width: u16, sort: Option<SortColumn>, kind: ColKind) -> Col {
    Col {
        title,
        width,
        sort,
        kind,
    }
}

/// The columns that fit in `width`, in display order; NAME always, the rest dropped from the right.
fn fit_columns(app: &App, width: u16, percentiles_unavailable: bool) -> Vec<Col> {
    let name_width = app
        .functions
        .rows()
        .map(|f| f.name.chars().count() + 2)
        .max()
        .unwrap_or(16)
        .clamp(16, 64);
    #[rustfmt::skip]
    let all = [
        col("NAME", u16::try_from(name_width).unwrap_or(64), Some(SortColumn::Name), ColKind::Fixed(0)),
        col("HEALTH", 9, Some(SortColumn::Health), ColKind::Metric(0)),
        col("INVOC", 6, Some(SortColumn::Invocations), ColKind::Metric(1)),
        col("ERR%", 6, Some(SortColumn::ErrorPct), ColKind::Metric(2)),
        col(if percentiles_unavailable { "MAX*" } else { "P99" }, 7, Some(SortColumn::Duration), ColKind::Metric(3)),
        col("THROT", 5, Some(SortColumn::Throttles), ColKind::Metric(4)),
        col("TREND 1h", 12, None, ColKind::Metric(5)),
        col("RUNTIME", 15, Some(SortColumn::Runtime), ColKind::Fixed(1)),
        col("ARCH", 7, Some(SortColumn::Arch), ColKind::Fixed(2)),
        col("MEMORY", 9, Some(SortColumn::Memory), ColKind::Fixed(3)),
        col("TIMEOUT", 8, Some(SortColumn::Timeout), ColKind::Fixed(4)),
        col("STATE", 9, Some(SortColumn::State), ColKind::Fixed(5)),
        col("LAST MODIFIED", 17, Some(SortColumn::LastModified), ColKind::Fixed(6)),
        col("CODE SIZE", 10, Some(SortColumn::CodeSize), ColKind::Fixed(7)),
    ];
    let mut used = 0u16;
    let mut out = Vec::new();
    for col in all {
        let need = col.width + if out.is_empty() { 0 } else { 2 };
        if !out.is_empty() && used + need > width {
            continue;
        }
        used += need;
        out.push(col);
    }
    out
}

/// `▁▂▃▅▇`: the last `n` slots scaled to their maximum.
fn sparkline(values: &[u64], n: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let tail = &values[values.len().saturating_sub(n)..];
    let max = tail.iter().copied().max().unwrap_or(0);
    if max == 0 {
        return "▁".repeat(tail.len());
    }
    tail.iter()
        .map(|v| BARS[((*v as f64 / max as f64) * 7.0).round() as usize])
        .collect()
}

fn health_label(kind: HealthKind) -> &'static str {
    match kind {
        HealthKind::Stopped => "STOPPED",
        HealthKind::AlarmFiring => "ALARM",
        HealthKind::Errors => "ERR",
        HealthKind::Timeout => "TIMEOUT",
        HealthKind::Throttling => "THROT",
        HealthKind::DlqNotEmpty => "DLQ",
        HealthKind::SlowDuration => "SLOW",
        HealthKind::DeprecatedRuntime => "DEPREC",
        HealthKind::AsyncWithoutDlq => "NO DLQ",
    }
}

/// `ERR+3`: the most severe flag and how many others the reason line lists.
pub(crate) fn health_text(h: &Health) -> Option<String> {
    let worst = h.worst()?;
    let label = health_label(worst.kind);
    Some(match h.others() {
        0 => label.to_string(),
        n => format!("{label}+{n}"),
    })
}

fn level_role(level: Option<Level>) -> Role {
    match level {
        Some(Level::Crit) => Role::Error,
        Some(Level::Warn) => Role::Warning,
        None => Role::Text,
    }
}

/// HEALTH, INVOC, ERR%, P99, THROT, TREND for one function; `…` until fetched, `n/a` when refused.
/// HEALTH shows what is known without metrics (a firing alarm, DLQ messages, the runtime) at once.
fn metric_cells(app: &App, f: &Function) -> [Cell<'static>; 6] {
    let t = &app.theme;
    let h = app.function_health(f);
    let covered = app
        .row_metrics
        .data
        .as_ref()
        .filter(|b| b.get(&row_series(&f.name)[0]).is_some());
    let health = |ok: Cell<'static>| match health_text(&h) {
        Some(text) => Cell::from(Span::styled(text, t.style(level_role(h.level())))),
        None => ok,
    };
    let Some(batch) = covered else {
        let pending = if app.row_metrics.is_loading() {
            "…"
        } else {
            "—"
        };
        return [
            health(Cell::from(Span::styled(pending, t.style(Role::Muted)))),
            Cell::from(pending),
            Cell::from(pending),
            Cell::from(pending),
            Cell::from(pending),
            Cell::from(pending),
        ];
    };
    let row = batch.row(&f.name);
    let err_pct = match &row.error_pct {
        Reading::Value(v) => Span::styled(
            format!("{v:.1}%"),
            t.style(level_role(app.config.health.error_level(*v))),
        ),
        Reading::NoData => Span::styled("—", t.style(Role::Muted)),
        Reading::Unavailable(_) => Span::styled("n/a", t.style(Role::Warning)),
    };
    let throttles = count_reading(&row.throttles);
    let throttle_role = if row.throttles.value().is_some_and(|v| v > 0.0) {
        Role::Warning
    } else {
        Role::Text
    };
    [
        health(Cell::from(Span::styled("ok", t.style(Role::Ok)))),
        Cell::from(count_reading(&row.invocations)),
        Cell::from(err_pct),
        Cell::from(millis_reading(&row.duration)),
        Cell::from(Span::styled(throttles, t.style(throttle_role))),
        Cell::from(Span::styled(
            sparkline(&row.sparkline, 12),
            t.style(Role::Accent),
        )),
    ]
}
