//! The header bar: who, where, how many, what time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::domain::Phase;
use crate::theme::Role;

pub fn draw(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let bar = t.style(Role::HeaderBar);
    let sep = Span::styled(" │ ", bar);
    let account = match (&app.identity.data, &app.identity.phase) {
        (Some(id), _) => id.account.clone(),
        (None, Phase::Failed { .. }) => "unknown".to_string(),
        _ => "…".to_string(),
    };
    let count = match (&app.functions.remote.data, &app.functions.remote.phase) {
        (Some(all), _) => all.len().to_string(),
        (None, Phase::Failed { .. }) => "?".to_string(),
        _ => "…".to_string(),
    };
    let firing = match (&app.firing.data, &app.firing.phase) {
        (Some(f), Phase::Failed { .. }) => Span::styled(
            format!("ALARM {} (stale)", f.len()),
            bar.patch(t.style(Role::Warning)),
        ),
        (Some(f), _) if f.is_empty() => Span::styled("ALARM 0", bar.patch(t.style(Role::Ok))),
        (Some(f), _) => Span::styled(
            format!("ALARM {}", f.len()),
            bar.patch(t.style(Role::Error)),
        ),
        (None, Phase::Failed { .. }) => Span::styled("ALARM ?", bar.patch(t.style(Role::Warning))),
        (None, _) => Span::styled("ALARM …", bar),
    };
    let region = format!(
        "region {}",
        if app.region.is_empty() {
            "?"
        } else {
            &app.region
        }
    );
    // (priority, span): when the bar is too narrow the lowest priorities go first; the ALARM count
    // and the clock stay to the end.
    let mut fields: Vec<(u8, Span)> = vec![
        (
            3,
            Span::styled(" lambdash ", bar.patch(t.style(Role::Accent))),
        ),
        (8, Span::styled(format!("profile {}", app.profile), bar)),
        (7, Span::styled(region, bar)),
        (5, Span::styled(format!("account {account}"), bar)),
        (4, Span::styled(format!("functions {count}"), bar)),
        (10, firing),
    ];
    if app.read_only {
        fields.push((
            9,
            Span::styled("READ-ONLY", bar.patch(t.style(Role::Warning))),
        ));
    }
    if let Some(url) = &app.endpoint_url {
        fields.push((
            2,
            Span::styled(format!("endpoint {url}"), bar.patch(t.style(Role::Muted))),
        ));
    }
    let clock = format!("{} UTC ", app.now.format("%H:%M:%S"));
    let width = usize::from(area.width);
    let needed = |fields: &[(u8, Span)]| {
        fields.iter().map(|(_, s)| s.width()).sum::<usize>()
            + sep.width() * fields.len().saturating_sub(1)
            + 1
            + clock.len()
    };
    while needed(&fields) > width && fields.len() > 1 {
        let Some(lowest) = fields
            .iter()
            .enumerate()
            .min_by_key(|(_, (p, _))| *p)
            .map(|(i, _)| i)
        else {
            break;
        };
        fields.remove(lowest);
    }
    let mut spans = Vec::new();
    if fields.first().is_some_and(|(p, _)| *p != 3) {
        spans.push(Span::styled(" ", bar));
    }
    for (i, (_, span)) in fields.into_iter().enumerate() {
        if i > 0 {
            spans.push(sep.clone());
        }
        spans.push(span);
    }
    let used: usize = spans.iter().map(Span::width).sum();
    let pad = width.saturating_sub(used + clock.len()).max(1);
    spans.push(Span::styled(" ".repeat(pad), bar));
    spans.push(Span::styled(clock, bar));
    frame.render_widget(Paragraph::new(Line::from(spans)).style(bar), area);
}
