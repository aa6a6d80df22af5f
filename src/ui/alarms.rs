//! The alarms pane: firing first, state colours, muted alarms marked; the detail with the history.

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};

use crate::app::App;
use crate::app::alarms::AlarmDetail;
use crate::domain::Phase;
use crate::domain::alarm::{Alarm, AlarmState};
use crate::sanitize::sanitize;
use crate::theme::{Role, Theme};

use super::format::{age, column_widths, spinner, timestamp, truncate};

fn state_role(s: AlarmState) -> Role {
    match s {
        AlarmState::Alarm => Role::Error,
        AlarmState::InsufficientData => Role::Warning,
        AlarmState::Ok => Role::Ok,
    }
}

fn metric(a: &Alarm) -> String {
    match (&a.namespace, &a.metric) {
        (Some(ns), Some(m)) => {
            let dims: Vec<String> = a
                .dimensions
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            if dims.is_empty() {
                format!("{ns} {m}")
            } else {
                format!("{ns} {m} {}", dims.join(","))
            }
        }
        _ => a
            .rule
            .clone()
            .map_or_else(|| "composite".to_string(), |r| format!("rule: {r}")),
    }
}

fn threshold(a: &Alarm) -> String {
    let cmp = match a.comparison.as_deref() {
        Some("GreaterThanThreshold") => ">",
        Some("GreaterThanOrEqualToThreshold") => "≥",
        Some("LessThanThreshold") => "<",
        Some("LessThanOrEqualToThreshold") => "≤",
        Some(other) => other,
        None => "",
    };
    a.threshold
        .map_or_else(|| "—".to_string(), |t| format!("{cmp} {t}"))
}

fn title(app: &App) -> Line<'static> {
    let t = &app.theme;
    let pane = &app.alarms;
    let total = pane.all().len();
    let firing = pane.all().iter().filter(|a| a.is_firing()).count();
    let mut spans = vec![
        Span::styled(" Alarms ", t.style(Role::Title)),
        Span::styled(format!("({total}, "), t.style(Role::Muted)),
        Span::styled(
            format!("{firing} in ALARM"),
            t.style(if firing > 0 { Role::Error } else { Role::Ok }),
        ),
        Span::styled(") ", t.style(Role::Muted)),
    ];
    if let Some(f) = &pane.for_function {
        spans.push(Span::styled(
            format!("for {} ", sanitize(f)),
            t.style(Role::Accent),
        ));
    }
    if !pane.filter_input.is_empty() {
        spans.push(Span::styled(
            format!(
                "{} match /{} ",
                pane.view.len(),
                sanitize(&pane.filter_input)
            ),
            t.style(Role::Accent),
        ));
    }
    if !pane.marked.is_empty() {
        spans.push(Span::styled(
            format!("{} marked ", pane.marked.len()),
            t.style(Role::Warning),
        ));
    }
    spans.extend(super::phase_span(app, &pane.remote));
    Line::from(spans)
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let pane = &app.alarms;
    if let Some(detail) = &pane.detail {
        draw_detail(app, frame, area, detail);
        return;
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.style(Role::BorderFocused))
        .title(title(app));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    if pane.view.is_empty() {
        let (text, role) = match (&pane.remote.phase, pane.all().len()) {
            (_, n) if n > 0 => (
                "No alarm matches: Esc clears the filter, f shows all functions.".to_string(),
                Role::Muted,
            ),
            (Phase::Failed { error, .. }, _) => (
                format!("Could not list alarms: {}", sanitize(error)),
                Role::Error,
            ),
            (Phase::Ready { .. }, _) => (
                format!("No CloudWatch alarms in {}.", app.region),
                Role::Muted,
            ),
            _ => (format!("{} Loading alarms…", spinner(app.now)), Role::Info),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, t.style(role))).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let body_rows = usize::from(inner.height.saturating_sub(1));
    let name_width = pane
        .rows()
        .map(|a| a.name.chars().count())
        .max()
        .unwrap_or(20)
        .clamp(20, 56);
    let widths = [
        Constraint::Length(1),
        Constraint::Length(17),
        Constraint::Length(u16::try_from(name_width).unwrap_or(56)),
        Constraint::Length(48),
        Constraint::Length(10),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Min(10),
    ];
    // Names and metrics cut to the width the table gives them end in "…" (Enter shows them whole).
    let cut = column_widths(&widths, inner.width, 1, Flex::Start);
    let fit = |s: &str, i: usize| truncate(s, usize::from(cut.get(i).copied().unwrap_or(0)));
    let rows = pane.rows().skip(pane.offset).take(body_rows).map(|a| {
        let mark = if pane.marked.contains(&a.name) {
            "●"
        } else {
            " "
        };
        let actions = if a.is_muted() {
            Span::styled("MUTED", t.style(Role::Warning))
        } else {
            Span::styled("on", t.style(Role::Muted))
        };
        Row::new([
            Cell::from(Span::styled(mark, t.style(Role::Accent))),
            Cell::from(Span::styled(a.state.as_str(), t.style(state_role(a.state)))),
            Cell::from(fit(&sanitize(&a.name), 2)),
            Cell::from(fit(&truncate(&sanitize(&metric(a)), 48), 3)),
            Cell::from(threshold(a)),
            Cell::from(
                a.since()
                    .map_or_else(|| "—".to_string(), |s| format!("{} ago", age(app.now, s))),
            ),
            Cell::from(actions),
            Cell::from(sanitize(&a.reason).into_owned()),
        ])
    });
    let table = Table::new(rows, widths)
        .header(
            Row::new([
                "",
                "STATE",
                "NAME",
                "METRIC",
                "THRESHOLD",
                "SINCE",
                "ACTIONS",
                "REASON",
            ])
            .style(t.style(Role::TableHeader)),
        )
        .row_highlight_style(t.style(Role::Selection));
    let mut state =
        TableState::default().with_selected(Some(pane.selected.saturating_sub(pane.offset)));
    frame.render_stateful_widget(table, inner, &mut state);
}

fn field(t: &Theme, name: &str, value: String) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("  {name:<20} "), t.style(Role::Muted)),
        Span::styled(value, t.style(Role::Text)),
    ])
}

fn draw_detail(app: &App, frame: &mut Frame, area: Rect, detail: &AlarmDetail) {
    let t = &app.theme;
    let Some(a) = app.alarms.all().iter().find(|a| a.name == detail.name) else {
        frame.render_widget(
            Paragraph::new(format!(
                "{} is no longer listed (deleted?) — Esc goes back.",
                sanitize(&detail.name)
            )),
            area,
        );
        return;
    };
    let mut lines = alarm_fields(t, a, app.now);
    history_lines(t, detail, app.now, &mut lines);
    let [body, note] = Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(area);
    let visible = usize::from(body.height.saturating_sub(2));
    let max_scroll = u16::try_from(lines.len().saturating_sub(visible)).unwrap_or(u16::MAX);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((detail.scroll.min(max_scroll), 0))
            .block(
                Block::default()
                    .borders(Borders::ALL)
                    .border_style(t.style(Role::BorderFocused))
                    .title(Span::styled(" Alarm ", t.style(Role::Title))),
            ),
        body,
    );
    frame.render_widget(
        Paragraph::new(Span::styled(
            " M mute/unmute · l/m jump to logs/metrics at the alarm time · Esc back",
            t.style(Role::Muted),
        )),
        note,
    );
}

/// The alarm's state, reason, metric, condition and actions.
fn alarm_fields(t: &Theme, a: &Alarm, now: DateTime<Utc>) -> Vec<Line<'static>> {
    let s = |x: &str| sanitize(x).into_owned();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(s(&a.name), t.style(Role::Accent)),
            Span::styled(
                format!("  {}", a.state.as_str()),
                t.style(state_role(a.state)),
            ),
            Span::styled(
                if a.is_muted() {
                    "  MUTED (actions disabled)"
                } else {
                    ""
                },
                t.style(Role::Warning),
            ),
        ]),
        Line::default(),
        field(t, "Reason", s(&a.reason)),
        field(
            t,
            "Since",
            a.since().map_or_else(
                || "—".into(),
                |d| format!("{} UTC ({} ago)", timestamp(d), age(now, d)),
            ),
        ),
        field(t, "Metric", s(&metric(a))),
        field(
            t,
            "Condition",
            format!(
                "{} {} for {} of {} periods of {}s",
                a.statistic.as_deref().unwrap_or("?"),
                threshold(a),
                a.datapoints_to_alarm.or(a.evaluation_periods).unwrap_or(1),
                a.evaluation_periods.unwrap_or(1),
                a.period_s.unwrap_or(60)
            ),
        ),
        field(
            t,
            "Missing data",
            a.treat_missing_data
                .clone()
                .unwrap_or_else(|| "missing".into()),
        ),
        field(
            t,
            "Description",
            a.description.as_deref().map_or_else(|| "—".into(), s),
        ),
        field(
            t,
            "Actions",
            if a.actions_enabled {
                "enabled".into()
            } else {
                "DISABLED (muted)".into()
            },
        ),
    ];
    for (name, list) in [
        ("On ALARM", &a.alarm_actions),
        ("On OK", &a.ok_actions),
        ("On INSUFFICIENT", &a.insufficient_data_actions),
    ] {
        lines.push(field(
            t,
            name,
            if list.is_empty() {
                "none".into()
            } else {
                s(&list.join(", "))
            },
        ));
    }
    lines
}

/// The alarm's history (newest first), or why it is not there.
fn history_lines(
    t: &Theme,
    detail: &AlarmDetail,
    now: DateTime<Utc>,
    lines: &mut Vec<Line<'static>>,
) {
    let s = |x: &str| sanitize(x).into_owned();
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "History (state changes, newest first)",
        t.style(Role::Title),
    )));
    match (&detail.history.data, &detail.history.phase) {
        (Some(items), _) if items.is_empty() => lines.push(Line::from(Span::styled(
            "  no state changes recorded",
            t.style(Role::Muted),
        ))),
        (Some(items), _) => {
            for h in items {
                let change = match (h.from, h.to) {
                    (Some(f), Some(to)) => format!("{} → {}", f.as_str(), to.as_str()),
                    _ => h.kind.clone(),
                };
                lines.push(Line::from(vec![
                    Span::styled(
                        format!("  {}  ", h.at.map_or_else(|| "—".into(), timestamp)),
                        t.style(Role::Muted),
                    ),
                    Span::styled(
                        format!("{change:<28}"),
                        t.style(h.to.map_or(Role::Text, state_role)),
                    ),
                    Span::styled(
                        s(h.reason.as_deref().unwrap_or(&h.summary)),
                        t.style(Role::Text),
                    ),
                ]));
            }
        }
        (None, Phase::Failed { error, .. }) => lines.push(Line::from(Span::styled(
            if detail.history_unsupported {
                "  history unavailable: this endpoint does not implement DescribeAlarmHistory"
                    .to_string()
            } else {
                format!("  could not load the history: {}", s(error))
            },
            t.style(if detail.history_unsupported {
                Role::Warning
            } else {
                Role::Error
            }),
        ))),
        _ => lines.push(Line::from(Span::styled(
            format!("  {} loading…", spinner(now)),
            t.style(Role::Info),
        ))),
    }
}
