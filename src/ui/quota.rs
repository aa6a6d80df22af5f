//! `:quota`: every AWS quota group of the current account/region — AWS's quota, the share lambdash
//! allows itself (and the rate now, after halvings on throttles), the rate used, requests waiting by
//! priority, throttles in the last hour — and the status-bar figure of the busiest group.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Row, Table};

use crate::app::App;
use crate::domain::quota::{GroupUsage, QuotaSnapshot};
use crate::theme::Role;

fn rps(x: Option<f64>) -> String {
    x.map_or_else(|| "—".to_owned(), |r| format!("{r:.1}"))
}

/// The busiest group's use against AWS's quota, e.g. `λ 3.1/15 rps`; `None` before the first figure.
pub fn status_figure(snapshot: &QuotaSnapshot) -> Option<String> {
    let g = snapshot.busiest()?;
    let quota = g.aws_rps?;
    let text = format!(
        "{} {:.1}/{quota:.0} rps",
        g.group.short_label(),
        g.used_rps_10s
    );
    Some(match g.queued_total() {
        0 => text,
        queued => format!("{text} ({queued} queued)"),
    })
}

fn row(g: &GroupUsage) -> Row<'static> {
    let allowed = match (g.allowed_rps, g.current_rps) {
        (Some(a), Some(c)) if (a - c).abs() > 0.05 => format!("{c:.1} of {a:.1}"),
        (a, _) => rps(a),
    };
    Row::new(vec![
        Cell::from(g.group.description()),
        Cell::from(rps(g.aws_rps)),
        Cell::from(allowed),
        Cell::from(format!("{:.1}", g.used_rps_10s)),
        Cell::from(format!("{:.1}", g.used_rps_60s)),
        Cell::from(format!("{}/{}/{}", g.queued[0], g.queued[1], g.queued[2])),
        Cell::from(g.throttles_1h.to_string()),
    ])
}

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let popup = super::centered(area, 110, 20);
    if popup.width < 3 || popup.height < 3 {
        return;
    }
    let header = Row::new(vec![
        "quota group",
        "AWS rps",
        "allowed rps",
        "used 10s",
        "used 1m",
        "queued u/v/b",
        "throttles 1h",
    ])
    .style(t.style(Role::Title));
    let rows: Vec<Row> = if app.quota.groups.is_empty() {
        vec![Row::new(vec![Cell::from(Span::styled(
            "no request sent yet",
            t.style(Role::Muted),
        ))])]
    } else {
        app.quota.groups.iter().map(row).collect()
    };
    let title = app.quota.groups.first().map_or_else(
        || " AWS request quotas — Esc closes ".to_owned(),
        |g| format!(" AWS request quotas in {} — Esc closes ", g.scope),
    );
    let table = Table::new(
        rows,
        [
            Constraint::Min(30),
            Constraint::Length(8),
            Constraint::Length(12),
            Constraint::Length(9),
            Constraint::Length(8),
            Constraint::Length(13),
            Constraint::Length(12),
        ],
    )
    .header(header)
    .style(t.style(Role::Text))
    .block(
        Block::default()
            .borders(Borders::ALL)
            .border_style(t.style(Role::BorderFocused))
            .title(Span::styled(title, t.style(Role::Title)))
            .title_bottom(Line::from(Span::styled(
                " allowed: lambdash's share ([quota], --quota-share), lower after throttles · queued: user/visible/background ",
                t.style(Role::Muted),
            ))),
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(table, popup);
}
