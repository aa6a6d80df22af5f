//! The aliases pane: aliases (what they route to) above the function's published versions.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use crate::app::App;
use crate::app::aliases::{AliasFocus, AliasesPane};
use crate::domain::Phase;
use crate::sanitize::sanitize;
use crate::theme::{Role, Theme};

use super::format::{spinner, timestamp, truncate};

fn block<'a>(t: &Theme, title: Line<'a>, focused: bool) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(if focused {
            Role::BorderFocused
        } else {
            Role::Border
        }))
        .title(title)
}

fn empty(app: &App, pane: &AliasesPane, what: &str) -> Paragraph<'static> {
    let t = &app.theme;
    let (text, role) = match &pane.remote.phase {
        Phase::Failed { error, .. } if pane.remote.data.is_none() => {
            (format!("Could not load {what}: {}", sanitize(error)), Role::Error)
        }
        Phase::Loading { .. } | Phase::Idle if pane.remote.data.is_none() => {
            (format!("{} Loading {what}…", spinner(app.now)), Role::Info)
        }
        _ => (
            match what {
                "aliases" => "No aliases. Create one with `aws lambda create-alias`; lambdash changes existing aliases.".to_string(),
                _ => "No published versions: P publishes $LATEST.".to_string(),
            },
            Role::Muted,
        ),
    };
    Paragraph::new(Span::styled(text, t.style(role)))
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let Some(pane) = &app.aliases else {
        return;
    };
    let t = &app.theme;
    let aliases = pane.aliases();
    let versions = pane.versions();
    let alias_height = u16::try_from(aliases.len())
        .unwrap_or(u16::MAX)
        .saturating_add(3)
        .clamp(4, 12);
    let [top, bottom, note] = Layout::vertical([
        Constraint::Length(alias_height),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(area);

    let mut title = vec![Span::styled(
        format!(
            " Aliases of {} ({}) ",
            sanitize(&pane.function),
            aliases.len()
        ),
        t.style(Role::Title),
    )];
    title.extend(super::phase_span(app, &pane.remote));
    let b = block(t, Line::from(title), pane.focus == AliasFocus::Aliases);
    if aliases.is_empty() {
        frame.render_widget(empty(app, pane, "aliases").block(b), top);
    } else {
        let rows = aliases.iter().map(|a| {
            let routes = a.state.to_string();
            let role = if a.state.canary().is_some() {
                Role::Warning
            } else {
                Role::Text
            };
            Row::new([
                Cell::from(sanitize(&a.name).into_owned()),
                Cell::from(Span::styled(routes, t.style(role))),
                Cell::from(sanitize(&a.description).into_owned()),
            ])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Length(16),
                Constraint::Length(30),
                Constraint::Min(10),
            ],
        )
        .header(Row::new(["ALIAS", "ROUTES TO", "DESCRIPTION"]).style(t.style(Role::TableHeader)))
        .row_highlight_style(if pane.focus == AliasFocus::Aliases {
            t.style(Role::Selection)
        } else {
            t.style(Role::Accent)
        })
        .block(b);
        let mut state = TableState::default().with_selected(Some(pane.alias_index));
        frame.render_stateful_widget(table, top, &mut state);
    }

    let b = block(
        t,
        Line::from(Span::styled(
            format!(" Versions ({}) ", versions.len()),
            t.style(Role::Title),
        )),
        pane.focus == AliasFocus::Versions,
    );
    if versions.is_empty() {
        frame.render_widget(empty(app, pane, "versions").block(b), bottom);
    } else {
        let selected_alias = pane.selected_alias();
        let rows = versions.iter().map(|v| {
            let marker = selected_alias.map_or("", |a| {
                if a.state.version == v.version {
                    "◀ primary"
                } else if a.state.weights.contains_key(&v.version) {
                    "◀ canary"
                } else {
                    ""
                }
            });
            Row::new([
                Cell::from(v.version.clone()),
                Cell::from(v.last_modified.map_or_else(|| "—".to_string(), timestamp)),
                Cell::from(v.runtime.clone().unwrap_or_else(|| "image".to_string())),
                Cell::from(format!("{} MB", v.memory_mb)),
                Cell::from(truncate(&v.code_sha256, 12)),
                Cell::from(Span::styled(marker, t.style(Role::Accent))),
                Cell::from(sanitize(&v.description).into_owned()),
            ])
        });
        let table = Table::new(
            rows,
            [
                Constraint::Length(8),
                Constraint::Length(17),
                Constraint::Length(16),
                Constraint::Length(9),
                Constraint::Length(13),
                Constraint::Length(10),
                Constraint::Min(10),
            ],
        )
        .header(
            Row::new([
                "VERSION",
                "PUBLISHED",
                "RUNTIME",
                "MEMORY",
                "CODE SHA256",
                "",
                "DESCRIPTION",
            ])
            .style(t.style(Role::TableHeader)),
        )
        .row_highlight_style(if pane.focus == AliasFocus::Versions {
            t.style(Role::Selection)
        } else {
            t.style(Role::Accent)
        })
        .block(b);
        let mut state = TableState::default().with_selected(Some(pane.version_index));
        frame.render_stateful_widget(table, bottom, &mut state);
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            " 1-5: canary of 1/5/10/25/50 % to the selected version · per-version errors and p99 side by side: not built yet (issue #4)",
            t.style(Role::Muted),
        )),
        note,
    );
}
