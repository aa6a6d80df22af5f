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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Mode, Msg};
    use crate::domain::quota::QuotaGroup;

    fn snapshot() -> QuotaSnapshot {
        let usage = |group: QuotaGroup, used: f64, queued: [usize; 3], throttles: u32| GroupUsage {
            scope: "demo/us-east-1".into(),
            group,
            aws_rps: group.aws_rps(),
            allowed_rps: group.aws_rps().map(|r| r / 3.0),
            current_rps: group
                .aws_rps()
                .map(|r| if throttles > 0 { r / 6.0 } else { r / 3.0 }),
            used_rps_10s: used,
            used_rps_60s: used / 2.0,
            queued,
            throttles_1h: throttles,
        };
        QuotaSnapshot {
            groups: vec![
                usage(QuotaGroup::LambdaControl, 3.1, [0, 1, 12], 2),
                usage(QuotaGroup::MetricData, 4.0, [0; 3], 0),
                usage(QuotaGroup::Sqs, 40.0, [0; 3], 0),
            ],
        }
    }

    #[test]
    fn the_status_figure_is_the_busiest_group_against_its_aws_quota() {
        assert_eq!(
            status_figure(&snapshot()).as_deref(),
            Some("λ 3.1/15 rps (13 queued)")
        );
        assert_eq!(status_figure(&QuotaSnapshot::default()), None);
    }

    #[test]
    fn the_quota_view_lists_every_group_with_its_share_use_queue_and_throttles() {
        let mut app = crate::app::test_support::loaded(&["a"]);
        app.update(Msg::Quota(Box::new(snapshot())));
        app.mode = Mode::Quota;
        let text = super::super::tests::draw(&mut app, 120, 16);
        assert!(
            text.contains("AWS request quotas in demo/us-east-1"),
            "{text}"
        );
        assert!(text.contains("Lambda control plane"), "{text}");
        assert!(
            text.contains("2.5 of 5.0"),
            "halved after throttles: {text}"
        );
        assert!(text.contains("0/1/12"), "{text}");
        assert!(
            text.contains("λ 3.1/15 rps (13 queued)"),
            "status bar: {text}"
        );
        for (w, h) in [(0, 0), (1, 1), (10, 3)] {
            super::super::tests::draw(&mut app, w, h);
        }
    }
}
