//! The functions table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout as RLayout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Padding, Paragraph, Row, Table, TableState, Wrap};

use crate::app::{App, Layout, SortColumn};
use crate::domain::{Function, Phase};
use crate::sanitize::sanitize;
use crate::theme::Role;

use super::format::{bytes, spinner, timestamp};

/// Column widths: NAME as wide as the longest name (within reason), the others fixed.
fn widths(app: &App) -> [Constraint; 8] {
    let longest = app
        .functions
        .rows()
        .map(|f| f.name.chars().count())
        .max()
        .unwrap_or(16);
    [
        Constraint::Length(u16::try_from(longest.clamp(16, 64)).unwrap_or(64)),
        Constraint::Length(15),
        Constraint::Length(7),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(9),
        Constraint::Length(17),
        Constraint::Length(10),
    ]
}

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
        return;
    }

    let header_cells = SortColumn::ALL.iter().map(|c| {
        let arrow = if *c == pane.sort {
            if pane.descending { " ▼" } else { " ▲" }
        } else {
            ""
        };
        Cell::from(format!("{}{arrow}", c.title()))
    });
    let header = Row::new(header_cells).style(t.style(Role::TableHeader));
    let body_rows = usize::from(inner.height.saturating_sub(1));
    let rows = pane.rows().skip(pane.offset).take(body_rows).map(|f| {
        let mut cells = cells(f);
        if pane.marked.contains(&f.name) {
            cells[0] = format!("● {}", cells[0]);
        }
        let mut row = Row::new(cells.map(Cell::from));
        if f.runtime_deprecated() {
            row = row.style(t.style(Role::Warning));
        } else if f.state.as_deref().is_some_and(|s| s != "Active") {
            row = row.style(t.style(Role::Muted));
        }
        row
    });
    let widths = widths(app);
    let table = Table::new(rows, widths)
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
    let columns = RLayout::horizontal(widths)
        .flex(Flex::Start)
        .spacing(2)
        .split(inner);
    layout.columns = columns
        .iter()
        .zip(SortColumn::ALL)
        .map(|(r, c)| (r.x, r.x + r.width, c))
        .collect();
}
